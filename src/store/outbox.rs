//! Purpose: the outbox: Slack deliveries written in the same transaction as the change
//! that causes them, taken out in lane order by the delivery worker, and marked before
//! each attempt so that after a crash or a timeout the worker knows to look in Slack for
//! the message before posting it again.

use std::borrow::Cow;

use jiff::Timestamp;
use serde::{Deserialize, Serialize};

use super::queue::{Item, Place, QueueTx, Visit};
use super::{
    Store, StoreError, TxResult, decode, encode, into_store_error, keys, tx_decode, tx_outcome,
};
use crate::domain::{
    Case, CaseId, CaseState, ConsultEvent, Consultation, ConsultationId, DeskMessage, Effect,
    Event, Lane, MessageRef, Notice, PageSent,
};

/// The rate budget of new messages in the escalation channel (see `OutboxEntry::budget`).
pub const ESCALATION_BUDGET: &str = "escalation";
/// The rate budget of new messages in the consultation channel.
pub const CONSULTATION_BUDGET: &str = "consultation";

/// What a delivery is about: stored as `"case": 12` or `"consultation": 3` beside the
/// entry's other fields (entries written before consultations say `"case"`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum About {
    Case(CaseId),
    Consultation(ConsultationId),
}

impl std::fmt::Display for About {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            About::Case(id) => id.fmt(f),
            About::Consultation(id) => id.fmt(f),
        }
    }
}

/// A Slack delivery waiting to go out.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OutboxEntry {
    #[serde(flatten)]
    pub about: About,
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

/// How a failed delivery goes back in the queue (see `Store::outbox_retry`).
#[derive(Debug, Clone, Copy)]
pub struct Retry<'a> {
    pub not_before: Timestamp,
    pub error: &'a str,
    /// Slack may have acted on it: keep the in-flight mark and look before posting.
    pub uncertain: bool,
    /// Counts towards `delivery.max_attempts` (not for a rate-limit wait).
    pub counted: bool,
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
    /// The check-in message to the reporter of a closed case.
    CheckIn(MessageRef),
    /// A consultation's post in the consultation channel (its thread).
    ConsultationThread(MessageRef),
    /// A consultation sent to a desk member.
    ConsultationDm(DeskMessage),
}

impl OutboxEntry {
    /// The case the delivery is about, if it is about one.
    pub fn case(&self) -> Option<CaseId> {
        match self.about {
            About::Case(id) => Some(id),
            About::Consultation(_) => None,
        }
    }
}

impl OutboxEntry {
    /// The rate budget this delivery spends: new messages in the escalation channel, or
    /// in one person's direct messages (about one a second each, as Slack requires).
    /// Edits and ephemeral messages spend none ("").
    pub fn budget(&self) -> Cow<'_, str> {
        match &self.effect {
            Effect::PostCard | Effect::ThreadNote { .. } | Effect::HereAlert { .. } => {
                Cow::Borrowed(ESCALATION_BUDGET)
            }
            Effect::Page { to } | Effect::Urgent { to } => Cow::Owned(format!("dm:{to}")),
            // A post in the consultation channel, or a desk member's direct messages.
            Effect::PostConsultation { to } => match to {
                crate::domain::Destination::Channel => Cow::Borrowed(CONSULTATION_BUDGET),
                crate::domain::Destination::Member { user } => Cow::Owned(format!("dm:{user}")),
            },
            Effect::ConsultationNote { .. } => Cow::Borrowed(CONSULTATION_BUDGET),
            // Its lane is the reporter's direct messages: `<case>/dm/<user>`.
            Effect::NotifyReporter | Effect::CheckIn | Effect::ConsultationOutcome => {
                match self.lane.rsplit_once("/dm/") {
                    Some((_, user)) => Cow::Owned(format!("dm:{user}")),
                    None => Cow::Borrowed(""),
                }
            }
            Effect::UpdateCard
            | Effect::UpdatePages
            | Effect::ResolveProposal { .. }
            | Effect::UpdateProposal
            | Effect::UpdateCheckIn
            | Effect::UpdateConsultation
            | Effect::Acknowledge => Cow::Borrowed(""),
        }
    }
}

impl Item for OutboxEntry {
    const TREE: &'static str = "outbox_by_seq";

    fn place(&self) -> Place<'_> {
        Place {
            lane: Some(&self.lane),
            budget: self.budget(),
            not_before: self.not_before,
            case: self.case(),
        }
    }
}

/// How long a page may wait for its case's card to be posted first.
pub const PAGE_WAITS_FOR_CARD: jiff::SignedDuration = jiff::SignedDuration::from_secs(2);

/// `ESC-12/escalation`, `ESC-12/dm/U…`, `CON-3/desk`.
pub fn lane_key(about: impl Into<About>, lane: &Lane) -> String {
    let about = about.into();
    match lane {
        Lane::EscalationChannel => format!("{about}/escalation"),
        Lane::DirectMessage(user) => format!("{about}/dm/{user}"),
        Lane::Desk => format!("{about}/desk"),
    }
}

impl From<CaseId> for About {
    fn from(id: CaseId) -> About {
        About::Case(id)
    }
}

impl From<ConsultationId> for About {
    fn from(id: ConsultationId) -> About {
        About::Consultation(id)
    }
}

pub(super) fn enqueue(
    outbox: &QueueTx<'_>,
    case: &Case,
    effect: Effect,
    at: Timestamp,
) -> TxResult<()> {
    push(
        outbox,
        case.id.into(),
        lane_key(case.id, &effect.lane(case)),
        effect,
        at,
    )
}

pub(super) fn enqueue_consultation(
    outbox: &QueueTx<'_>,
    consultation: &Consultation,
    effect: Effect,
    at: Timestamp,
) -> TxResult<()> {
    let lane = lane_key(consultation.id, &effect.consultation_lane(consultation));
    push(outbox, consultation.id.into(), lane, effect, at)
}

fn push(
    outbox: &QueueTx<'_>,
    about: About,
    lane: String,
    effect: Effect,
    at: Timestamp,
) -> TxResult<()> {
    let entry = OutboxEntry {
        about,
        lane,
        effect,
        created_at: at,
        not_before: at,
        attempts: 0,
        last_error: None,
        in_flight: None,
    };
    outbox.push(&entry)?;
    Ok(())
}

impl Store {
    /// Drops every queued delivery. Never used by the bot: it is for seeding a store with
    /// history that never went to Slack (the growth benchmark).
    pub fn forget_deliveries(&self) -> Result<(), StoreError> {
        let _writing = self.writing();
        self.outbox.entries.clear()?;
        self.outbox.index.clear()?;
        Ok(())
    }

    /// How many deliveries wait (a counter kept with the queue: no scan).
    pub fn outbox_len(&self) -> usize {
        self.outbox.len().map_or(0, |n| n as usize)
    }

    /// When the oldest waiting delivery was queued.
    pub fn outbox_oldest(&self) -> Result<Option<Timestamp>, StoreError> {
        match self.outbox.entries.first()? {
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

    /// The deliveries that may start now: the first entry of each lane whose lane is not
    /// `busy`, if it is due, at most `limit` in all and at most `room(budget)` from each
    /// rate budget (a spent budget is skipped whole). Also returns when the earliest
    /// not-yet-due lane head becomes due. Costs what is due and has room, not the backlog.
    ///
    /// A page waits for its case card while the card has not been tried yet, so the page
    /// can link to the thread; at most `PAGE_WAITS_FOR_CARD`, and not at all once the
    /// card has failed or is held back by its channel's rate.
    pub fn outbox_due(
        &self,
        now: Timestamp,
        limit: usize,
        busy: impl Fn(&str) -> bool,
        mut room: impl FnMut(&str) -> usize,
    ) -> Result<(Vec<Queued>, Option<Timestamp>), StoreError> {
        let mut due = Vec::new();
        if limit == 0 {
            return Ok((due, None));
        }
        let cards_held = room(ESCALATION_BUDGET) == 0;
        let mut failed = None;
        let next = self
            .outbox
            .scan_due(now, limit, room, |seq, entry: OutboxEntry| {
                if busy(&entry.lane) {
                    return Visit::Skip;
                }
                // Not for long, though: when the card fails or is slow, pages go out
                // without their link rather than late.
                if matches!(entry.effect, Effect::Page { .. }) && !cards_held {
                    let card_wait_over = entry.created_at + PAGE_WAITS_FOR_CARD;
                    let card_lane = lane_key(entry.about, &Lane::EscalationChannel);
                    match self.outbox.lane_head::<OutboxEntry>(&card_lane) {
                        Ok(Some((_, head)))
                            if head.effect == Effect::PostCard
                                && head.attempts == 0
                                && now < card_wait_over =>
                        {
                            return Visit::WaitUntil(card_wait_over);
                        }
                        Ok(_) => {}
                        Err(e) => {
                            failed = Some(e);
                            return Visit::Skip;
                        }
                    }
                }
                due.push(Queued { seq, entry });
                Visit::Take
            })?;
        if let Some(e) = failed {
            return Err(e);
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
            // Only the in-flight mark changes: the entry keeps its place in the index. A
            // change of one write, so every write to the queue goes through the journal.
            let result = self.journal.run((&self.outbox.entries,), |(entries,)| {
                entries.insert(&keys::seq(queued.seq), encode(&queued.entry))?;
                Ok(())
            });
            tx_outcome(result).map_err(into_store_error)?;
        }
        self.flush().await
    }

    /// Records a delivery and removes it from the outbox, in one transaction. Not flushed
    /// here, and it need not be: the next delivery reads it from memory, and anything
    /// that goes on to post (or to acknowledge someone) flushes first, which makes this
    /// durable too. If the process dies before any flush, the entry is still in flight on
    /// disk (that mark was flushed before the post), so the next attempt finds the message
    /// in Slack and records it instead of posting again. A flush per delivery was most
    /// of the bot's CPU under load (issue #16's profile: sync_file_range and fdatasync).
    pub async fn outbox_delivered(
        &self,
        queued: &Queued,
        delivered: Delivered,
    ) -> Result<(), StoreError> {
        let writing = self.writing();
        let result = self.journal.run(
            // The case and the consultation first: the queue acts on them (see `journal`).
            (
                &self.cases,
                &self.consultations,
                &self.consult_threads,
                &self.outbox.entries,
                &self.outbox.index,
            ),
            |(cases, consultations, threads, entries, index)| {
                let outbox = QueueTx { entries, index };
                outbox.remove::<OutboxEntry>(queued.seq)?;
                if delivered == Delivered::Nothing {
                    return Ok(());
                }
                let case_id = match queued.entry.about {
                    About::Case(id) => id,
                    About::Consultation(id) => {
                        let key = keys::consultation(id);
                        let Some(bytes) = consultations.get(key)? else {
                            return Ok(());
                        };
                        let mut consultation: Consultation =
                            tx_decode("consultation_by_id", &bytes)?;
                        match &delivered {
                            Delivered::ConsultationThread(m) => {
                                consultation.posts.thread = Some(m.clone());
                                threads.insert(
                                    keys::thread(m.channel.as_str(), &m.ts),
                                    &keys::consultation(id),
                                )?;
                            }
                            Delivered::ConsultationDm(m)
                                if !consultation.posts.dms.iter().any(|d| d.to == m.to) =>
                            {
                                consultation.posts.dms.push(m.clone());
                            }
                            _ => {}
                        }
                        consultations.insert(&key, encode(&consultation))?;
                        return Ok(());
                    }
                };
                let key = keys::case(case_id);
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
                            enqueue(&outbox, &case, Effect::UpdatePages, p.at)?;
                        }
                    }
                    Delivered::CheckIn(m) => case.posts.check_in = Some(m.clone()),
                    Delivered::Nothing
                    | Delivered::ConsultationThread(_)
                    | Delivered::ConsultationDm(_) => {}
                }
                cases.insert(&key, encode(&case))?;
                Ok(())
            },
        );
        drop(writing);
        tx_outcome(result).map_err(into_store_error)?;
        // Deliveries that were waiting on this one (thread replies, pages) may go now.
        self.outbox_ready.notify_one();
        Ok(())
    }

    /// Puts a delivery back with a later time after a failure that may pass. `uncertain`
    /// keeps the in-flight mark: Slack may have received it. `counted` is false for a
    /// wait on a rate limit, which is not the delivery failing: rate limiting alone never
    /// spends `max_attempts`. Not flushed: lost in a crash, the entry is only tried sooner
    /// (and, if it was in flight, looked for in Slack first).
    pub async fn outbox_retry(&self, queued: &Queued, retry: Retry<'_>) -> Result<(), StoreError> {
        let mut entry = queued.entry.clone();
        if retry.counted {
            entry.attempts += 1;
        }
        entry.not_before = retry.not_before;
        entry.last_error = Some(retry.error.to_owned());
        if !retry.uncertain {
            entry.in_flight = None;
        }
        {
            let _writing = self.writing();
            let result = self.journal.run(
                (&self.outbox.entries, &self.outbox.index),
                |(entries, index)| QueueTx { entries, index }.replace(queued.seq, &entry),
            );
            tx_outcome(result).map_err(into_store_error)?;
        }
        Ok(())
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
        // On the case's (or consultation's) audit trail too: whoever reads it learns that,
        // say, a page never reached its executive.
        let notice = Notice::Undelivered {
            what: queued.entry.effect.name().to_owned(),
            reason: reason.to_owned(),
        };
        let result = self.journal.run(
            (
                &self.dead,
                &self.audit,
                &self.consult_audit,
                &self.outbox.entries,
                &self.outbox.index,
            ),
            |(dead, audit, consult_audit, entries, index)| {
                QueueTx { entries, index }.remove::<OutboxEntry>(queued.seq)?;
                dead.insert(&keys::seq(queued.seq), encode(&letter))?;
                let notice = notice.clone();
                match queued.entry.about {
                    About::Case(id) => {
                        super::cases::log(audit, id, &Event::Notified { notice, at })?;
                    }
                    About::Consultation(id) => super::consultations::log(
                        consult_audit,
                        id,
                        &ConsultEvent::Notified { notice, at },
                    )?,
                }
                Ok(())
            },
        );
        drop(writing);
        tx_outcome(result).map_err(into_store_error)?;
        self.flush().await?;
        self.outbox_ready.notify_one();
        Ok(())
    }
}
