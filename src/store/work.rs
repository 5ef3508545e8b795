//! Purpose: work the bot accepted from a Slack event and does after acknowledging it
//! (fetching the flagged message, opening the case, finding whom to suggest to), because
//! Slack's three seconds leave no room for Web API calls. Written in the same transaction
//! that marks the event as handled, so an acknowledged event's work is never lost.

use jiff::Timestamp;
use serde::{Deserialize, Serialize};

use super::queue::{Item, Place, QueueTx, Visit};
use super::{Once, Store, StoreError, encode, into_store_error, keys, tx_outcome};
use crate::domain::{Category, ChannelId, UserId};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "work", rename_all = "kebab-case")]
pub enum Work {
    /// Someone added the trigger reaction to a message: open a case from it.
    Reaction {
        channel: ChannelId,
        ts: String,
        reporter: UserId,
    },
    /// A message looks abusive (or is one too many): suggest escalating it to the staff
    /// in the conversation, privately.
    Suggest {
        channel: ChannelId,
        ts: String,
        /// The thread the message is in, if any.
        thread: Option<String>,
        category: Category,
        /// Set for repeated contact: how many messages in the window.
        repeated: Option<u32>,
        /// Who wrote it (not shown the suggestion).
        author: Option<String>,
        /// Our workspace, to tell staff from Slack Connect guests.
        our_team: Option<String>,
    },
    /// Someone replied in a thread of the consultation channel: if it is a consultation's
    /// and the desk's first answer, it is recorded (the time to a first answer).
    ConsultReply {
        channel: ChannelId,
        thread_ts: String,
        ts: String,
        user: UserId,
    },
}

/// A work item with its sequence number.
pub type DueWork = (u64, WorkEntry);

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WorkEntry {
    pub work: Work,
    pub not_before: Timestamp,
    pub attempts: u32,
}

impl Item for WorkEntry {
    const TREE: &'static str = "work_by_seq";

    /// Each piece of work stands alone: no lane, no rate budget of its own (its Slack
    /// calls are few and each answers someone who is waiting).
    fn place(&self) -> Place<'_> {
        Place {
            lane: None,
            budget: "".into(),
            not_before: self.not_before,
            case: None,
        }
    }
}

impl Store {
    /// Marks a Slack event as handled and queues its work, together; false (and nothing
    /// written) if the event was handled before: a retry or a duplicate delivery. Flushed
    /// when there is work, since the acknowledgement promises it.
    pub async fn accept_event(
        &self,
        event_id: &str,
        at: Timestamp,
        work: Option<Work>,
    ) -> Result<bool, StoreError> {
        let key = keys::once("event", event_id);
        let writing = self.writing();
        let result = self.journal.run(
            (&self.once, &self.work.entries, &self.work.index),
            |(once, entries, index)| {
                if once.get(&key)?.is_some() {
                    return Ok(false);
                }
                once.insert(
                    key.as_slice(),
                    encode(&Once {
                        at,
                        case: None,
                        consultation: None,
                    }),
                )?;
                if let Some(work) = &work {
                    let entry = WorkEntry {
                        work: work.clone(),
                        not_before: at,
                        attempts: 0,
                    };
                    QueueTx { entries, index }.push(&entry)?;
                }
                Ok(true)
            },
        );
        drop(writing);
        let accepted = tx_outcome(result).map_err(into_store_error)?;
        if accepted && work.is_some() {
            self.flush().await?;
            self.work_ready.notify_one();
        }
        Ok(accepted)
    }

    /// Work that may start now, oldest first, and when the next waiting item is due.
    /// Reads only what is due (see `queue`).
    pub fn work_due(
        &self,
        now: Timestamp,
        limit: usize,
    ) -> Result<(Vec<DueWork>, Option<Timestamp>), StoreError> {
        let mut due = Vec::new();
        let next = self.work.scan_due(
            now,
            limit,
            |_| limit,
            |seq, entry: WorkEntry| {
                due.push((seq, entry));
                Visit::Take
            },
        )?;
        Ok((due, next))
    }

    /// How much work waits (a counter kept with the queue: no scan).
    pub fn work_len(&self) -> usize {
        self.work.len().map_or(0, |n| n as usize)
    }

    pub async fn work_done(&self, seq: u64) -> Result<(), StoreError> {
        {
            let _writing = self.writing();
            let result = self.journal.run(
                (&self.work.entries, &self.work.index),
                |(entries, index)| QueueTx { entries, index }.remove::<WorkEntry>(seq),
            );
            tx_outcome(result).map_err(into_store_error)?;
        }
        self.flush().await
    }

    pub async fn work_retry(
        &self,
        seq: u64,
        mut entry: WorkEntry,
        not_before: Timestamp,
        counted: bool,
    ) -> Result<(), StoreError> {
        if counted {
            entry.attempts += 1;
        }
        entry.not_before = not_before;
        {
            let _writing = self.writing();
            let result = self.journal.run(
                (&self.work.entries, &self.work.index),
                |(entries, index)| QueueTx { entries, index }.replace(seq, &entry),
            );
            tx_outcome(result).map_err(into_store_error)?;
        }
        self.flush().await
    }
}
