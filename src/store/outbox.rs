//! Purpose: the outbox: Slack deliveries written in the same transaction as the change
//! that causes them, taken out in lane order by the delivery worker, and marked before
//! each attempt so that after a crash or a timeout the worker knows to look in Slack for
//! the message before posting it again.

use std::collections::HashSet;

use jiff::Timestamp;
use serde::{Deserialize, Serialize};
use sled::Transactional;
use sled::transaction::TransactionalTree;

use super::{
    Store, StoreError, TxResult, decode, encode, into_store_error, keys, tx_decode, tx_outcome,
};
use crate::domain::{Case, CaseId, CaseState, Effect, Event, Lane, MessageRef, Notice, PageSent};

/// A Slack delivery waiting to go out.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OutboxEntry {
    pub case: CaseId,
    pub effect: Effect,
    /// Entries of one lane are delivered in sequence order.
    pub lane: String,
    pub created_at: Timestamp,
    pub not_before: Timestamp,
    pub attempts: u32,
    pub last_error: Option<String>,
    /// Set when an attempt to post started and its outcome is unknown (it timed out, the
    /// connection dropped, or the bot died): Slack may have the message already.
    #[serde(default)]
    pub in_flight: Option<Timestamp>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeadLetter {
    pub entry: OutboxEntry,
    pub reason: String,
    pub at: Timestamp,
}

/// An outbox entry with its place in the queue.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Queued {
    pub seq: u64,
    pub entry: OutboxEntry,
}

/// What a delivery posted that later deliveries refer to (threads, edits).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Delivered {
    Nothing,
    Card(MessageRef),
    Proposal(MessageRef),
    Page(PageSent),
}

/// Whether the delivery worker can start a lane's head now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Gate {
    Go,
    /// The lane's delivery is in progress.
    InProgress,
    /// Its channel's rate is spent for now.
    Held,
}

/// How long a page may wait for its case's card to be posted first.
pub const PAGE_WAITS_FOR_CARD: jiff::SignedDuration = jiff::SignedDuration::from_secs(2);

pub fn lane_key(case: CaseId, lane: &Lane) -> String {
    match lane {
        Lane::EscalationChannel => format!("{case}/escalation"),
        Lane::DirectMessage(user) => format!("{case}/dm/{user}"),
    }
}

pub(super) fn enqueue(
    outbox: &TransactionalTree,
    case: &Case,
    effect: Effect,
    at: Timestamp,
) -> TxResult<()> {
    let entry = OutboxEntry {
        case: case.id,
        lane: lane_key(case.id, &effect.lane(case)),
        effect,
        created_at: at,
        not_before: at,
        attempts: 0,
        last_error: None,
        in_flight: None,
    };
    outbox.insert(&keys::seq(outbox.generate_id()?), encode(&entry))?;
    Ok(())
}

impl Store {
    /// Drops every queued delivery. Never used by the bot: it is for seeding a store with
    /// history that never went to Slack (the growth benchmark).
    pub fn forget_deliveries(&self) -> Result<(), StoreError> {
        let _writing = self.writing();
        self.outbox.clear()?;
        Ok(())
    }

    pub fn outbox_len(&self) -> usize {
        self.outbox.len()
    }

    /// When the oldest waiting delivery was queued.
    pub fn outbox_oldest(&self) -> Result<Option<Timestamp>, StoreError> {
        match self.outbox.first()? {
            Some((_, v)) => Ok(Some(decode::<OutboxEntry>("outbox_by_seq", &v)?.created_at)),
            None => Ok(None),
        }
    }

    pub fn dead_letters(&self) -> Result<Vec<DeadLetter>, StoreError> {
        self.dead
            .iter()
            .map(|kv| {
                kv.map_err(StoreError::from)
                    .and_then(|(_, v)| decode("dead_letter_by_seq", &v))
            })
            .collect()
    }

    /// The deliveries that may start now: the first entry of each lane not in `busy`, if
    /// it is due. Also returns when the earliest not-yet-due lane head becomes due.
    ///
    /// `gate` says which lane heads the worker can start now: a lane already in progress
    /// or a channel whose rate is spent is skipped without counting towards `limit`.
    ///
    /// A page waits for its case card while the card has not been tried yet, so the page
    /// can link to the thread; at most `PAGE_WAITS_FOR_CARD`, and not at all once the
    /// card has failed or is held back by its channel's rate.
    pub fn outbox_due(
        &self,
        now: Timestamp,
        limit: usize,
        gate: impl Fn(&OutboxEntry) -> Gate,
    ) -> Result<(Vec<Queued>, Option<Timestamp>), StoreError> {
        let mut lanes = HashSet::new();
        let mut card_coming = HashSet::new();
        let mut due = Vec::new();
        let mut next = None::<Timestamp>;
        for kv in self.outbox.iter() {
            let (k, v) = kv?;
            let entry: OutboxEntry = decode("outbox_by_seq", &v)?;
            if lanes.contains(entry.lane.as_str()) {
                continue;
            }
            lanes.insert(entry.lane.clone());
            let gate = gate(&entry);
            if entry.effect == Effect::PostCard && entry.attempts == 0 && gate != Gate::Held {
                card_coming.insert(entry.case);
            }
            if gate != Gate::Go {
                continue;
            }
            // Not for long, though: when the card fails or is slow, pages go out without
            // their link rather than late.
            let card_wait_over = entry.created_at + PAGE_WAITS_FOR_CARD;
            if matches!(entry.effect, Effect::Page { .. })
                && card_coming.contains(&entry.case)
                && now < card_wait_over
            {
                next = Some(next.map_or(card_wait_over, |n| n.min(card_wait_over)));
                continue;
            }
            if entry.not_before <= now {
                let seq = keys::seq_from(&k).ok_or(StoreError::Corrupt {
                    tree: "outbox_by_seq",
                    reason: "key is not a sequence number".into(),
                })?;
                due.push(Queued { seq, entry });
                if due.len() >= limit {
                    break;
                }
            } else {
                next = Some(next.map_or(entry.not_before, |n| n.min(entry.not_before)));
            }
        }
        Ok((due, next))
    }

    /// Records that an attempt to post is starting, durably, before the post: if the bot
    /// dies mid-call, the next attempt looks in Slack first instead of posting twice.
    pub async fn outbox_attempting(
        &self,
        queued: &mut Queued,
        at: Timestamp,
    ) -> Result<(), StoreError> {
        queued.entry.in_flight.get_or_insert(at);
        {
            let _writing = self.writing();
            self.outbox
                .insert(keys::seq(queued.seq), encode(&queued.entry))?;
        }
        self.flush().await
    }

    /// Records a delivery and removes it from the outbox, in one transaction, flushed:
    /// what was posted must be remembered before the next delivery relies on it.
    pub async fn outbox_delivered(
        &self,
        queued: &Queued,
        delivered: Delivered,
    ) -> Result<(), StoreError> {
        let writing = self.writing();
        let result = (&self.cases, &self.outbox).transaction(|(cases, outbox)| {
            outbox.remove(&keys::seq(queued.seq))?;
            if delivered == Delivered::Nothing {
                return Ok(());
            }
            let key = keys::case(queued.entry.case);
            let Some(bytes) = cases.get(key)? else {
                return Ok(());
            };
            let mut case: Case = tx_decode("case_by_id", &bytes)?;
            match &delivered {
                Delivered::Card(m) => case.posts.card = Some(m.clone()),
                Delivered::Proposal(m) => case.posts.proposal = Some(m.clone()),
                Delivered::Page(p) => {
                    case.posts.pages.push(p.clone());
                    // Taken while this page was on its way: the take's page update ran
                    // before this page was known, so edit it too, to say who has it.
                    if !matches!(case.state, CaseState::Open) {
                        enqueue(outbox, &case, Effect::UpdatePages, p.at)?;
                    }
                }
                Delivered::Nothing => {}
            }
            cases.insert(&key, encode(&case))?;
            Ok(())
        });
        drop(writing);
        tx_outcome(result).map_err(into_store_error)?;
        self.flush().await?;
        // Deliveries that were waiting on this one (thread replies, pages) may go now.
        self.outbox_ready.notify_one();
        Ok(())
    }

    /// Puts a delivery back with a later time after a failure that may pass. `uncertain`
    /// keeps the in-flight mark: Slack may have received it.
    pub async fn outbox_retry(
        &self,
        queued: &Queued,
        not_before: Timestamp,
        error: &str,
        uncertain: bool,
    ) -> Result<(), StoreError> {
        let mut entry = queued.entry.clone();
        entry.attempts += 1;
        entry.not_before = not_before;
        entry.last_error = Some(error.to_owned());
        if !uncertain {
            entry.in_flight = None;
        }
        {
            let _writing = self.writing();
            self.outbox.insert(keys::seq(queued.seq), encode(&entry))?;
        }
        self.flush().await
    }

    /// Moves a delivery that cannot succeed to the dead letters, so it stops blocking its
    /// lane and stays on record for someone to look at.
    pub async fn outbox_dead(
        &self,
        queued: &Queued,
        reason: &str,
        at: Timestamp,
    ) -> Result<(), StoreError> {
        let letter = DeadLetter {
            entry: queued.entry.clone(),
            reason: reason.to_owned(),
            at,
        };
        let writing = self.writing();
        // On the case's audit trail too: whoever reads it learns that, say, a page never
        // reached its executive.
        let notice = Event::Notified {
            notice: Notice::Undelivered {
                what: queued.entry.effect.name().to_owned(),
                reason: reason.to_owned(),
            },
            at,
        };
        let result =
            (&self.outbox, &self.dead, &self.audit).transaction(|(outbox, dead, audit)| {
                outbox.remove(&keys::seq(queued.seq))?;
                dead.insert(&keys::seq(queued.seq), encode(&letter))?;
                super::cases::log(audit, queued.entry.case, &notice)?;
                Ok(())
            });
        drop(writing);
        tx_outcome(result).map_err(into_store_error)?;
        self.flush().await?;
        self.outbox_ready.notify_one();
        Ok(())
    }
}
