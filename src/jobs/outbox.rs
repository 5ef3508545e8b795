//! Purpose: delivers the outbox to Slack. Entries were written in the same transaction as
//! the state change that caused them, so nothing acknowledged is lost; this worker posts
//! them lane by lane in order (lanes in parallel, so a page never waits behind a slow
//! card), keeps every channel to about one message a second, records what was posted
//! before moving on, retries what may pass (rate limits, timeouts, 5xx) with capped
//! exponential backoff and jitter, and sets aside what cannot succeed (invalid_auth,
//! channel_not_found) as dead letters.
//!
//! Exactly once, as people see it: before posting, the entry is durably marked as in
//! flight; if the outcome of that post is unknown (timeout, dropped connection, crash),
//! the next attempt first looks for the message in Slack by the outbox sequence number
//! every post carries in its metadata, and records it instead of posting again. What is
//! left is the window between Slack storing a message and its search index showing it,
//! which the look-up (conversations.history/replies) does not have in practice.
//!
//! Messages are rendered at delivery time from the case as it is then, so card updates
//! converge on the latest state however many are queued.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;
use std::time::Duration;

use jiff::{SignedDuration, Timestamp};
use slack_morphism::prelude::SlackMessageContent;
use tokio::sync::watch;
use tokio::task::JoinSet;
use tokio::time::Instant;

use crate::app::Context;
use crate::domain::{Case, CaseState, ChannelId, Effect, MessageRef, Note, PageSent};
use crate::slack::api::{CallError, CallResult, Tag};
use crate::slack::views;
use crate::staff::{Admission, Path};
use crate::store::{Delivered, Gate, OutboxEntry, Queued};

/// Deliveries in progress at once (each in its own lane).
const MAX_IN_FLIGHT: usize = 8;
/// Even with nothing queued, look again this often (a safety net, not the mechanism).
const IDLE_POLL: SignedDuration = SignedDuration::from_secs(30);
/// Messages a channel may receive in a burst before the per-second rate applies.
const CHANNEL_BURST: f64 = 3.0;

/// A token bucket per channel: "about one message per second, sustained".
struct ChannelBudget {
    rate: f64,
    buckets: HashMap<String, (f64, Instant)>,
}

impl ChannelBudget {
    fn new(rate: f64) -> Self {
        ChannelBudget {
            rate,
            buckets: HashMap::new(),
        }
    }

    /// How long until `channel` can take a message, if it cannot now (takes nothing).
    fn wait(&self, channel: &str, now: Instant) -> Option<Duration> {
        let (tokens, last) = self.buckets.get(channel)?;
        let refilled =
            (*tokens + now.duration_since(*last).as_secs_f64() * self.rate).min(CHANNEL_BURST);
        (refilled < 1.0).then(|| Duration::from_secs_f64((1.0 - refilled) / self.rate))
    }

    /// The soonest any spent channel can take a message again.
    fn earliest_refill(&self, now: Instant) -> Option<Duration> {
        self.buckets
            .keys()
            .filter_map(|channel| self.wait(channel, now))
            .min()
    }

    /// Takes a message's worth from `channel`'s budget, or says how long until it can.
    fn take(&mut self, channel: &str, now: Instant) -> Result<(), Duration> {
        let (tokens, last) = self
            .buckets
            .entry(channel.to_owned())
            .or_insert((CHANNEL_BURST, now));
        let refilled =
            (*tokens + now.duration_since(*last).as_secs_f64() * self.rate).min(CHANNEL_BURST);
        *last = now;
        if refilled >= 1.0 {
            *tokens = refilled - 1.0;
            Ok(())
        } else {
            *tokens = refilled;
            Err(Duration::from_secs_f64((1.0 - refilled) / self.rate))
        }
    }
}

/// Which channel's budget a delivery spends: those that post a new visible message.
fn posts_to(ctx: &Context, entry: &OutboxEntry) -> Option<String> {
    match &entry.effect {
        Effect::PostCard | Effect::ThreadNote { .. } | Effect::HereAlert { .. } => {
            Some(ctx.settings.slack.escalation_channel.to_string())
        }
        Effect::Page { to } | Effect::Urgent { to } => Some(format!("dm:{to}")),
        // Its lane is the reporter's direct messages: `<case>/dm/<user>`.
        Effect::NotifyReporter => entry
            .lane
            .rsplit_once("/dm/")
            .map(|(_, u)| format!("dm:{u}")),
        // Edits, and ephemeral messages nobody else sees, spend no budget.
        Effect::UpdateCard
        | Effect::UpdatePages
        | Effect::ResolveProposal { .. }
        | Effect::UpdateProposal
        | Effect::Acknowledge => None,
    }
}

/// Runs until `shutdown` turns true; deliveries in progress finish first.
pub async fn run(ctx: Arc<Context>, mut shutdown: watch::Receiver<bool>) {
    let ready = ctx.store.outbox_ready();
    let mut budget = ChannelBudget::new(ctx.settings.delivery.channel_rate);
    let mut running: JoinSet<String> = JoinSet::new();
    let mut busy: HashSet<String> = HashSet::new();
    ctx.metrics
        .worker_running
        .store(true, std::sync::atomic::Ordering::SeqCst);
    tracing::info!("outbox worker started");
    while !*shutdown.borrow() {
        let now = ctx.clock.now();
        let room = MAX_IN_FLIGHT.saturating_sub(busy.len());
        let mut wake = now + IDLE_POLL;
        if room > 0 {
            let started = Instant::now();
            let gate = |entry: &OutboxEntry| {
                if busy.contains(&entry.lane) {
                    Gate::InProgress
                } else if posts_to(&ctx, entry).is_some_and(|c| budget.wait(&c, started).is_some())
                {
                    Gate::Held
                } else {
                    Gate::Go
                }
            };
            match ctx.store.outbox_due(now, room, gate) {
                Ok((due, next)) => {
                    if let Some(next) = next {
                        wake = wake.min(next);
                    }
                    for queued in due {
                        if let Some(channel) = posts_to(&ctx, &queued.entry)
                            && let Err(wait) = budget.take(&channel, Instant::now())
                        {
                            // Two heads for one channel in this pass: the second waits.
                            let wait = SignedDuration::try_from(wait).unwrap_or(IDLE_POLL);
                            wake = wake.min(now + wait);
                            continue;
                        }
                        busy.insert(queued.entry.lane.clone());
                        let ctx = ctx.clone();
                        running.spawn(async move {
                            let lane = queued.entry.lane.clone();
                            deliver(&ctx, queued).await;
                            lane
                        });
                    }
                }
                Err(e) => {
                    tracing::error!(error = %e, "could not read the outbox");
                    wake = wake.min(now + SignedDuration::from_secs(1));
                }
            }
            // Held channels get their next token at the earliest of these.
            if let Some(wait) = budget.earliest_refill(Instant::now()) {
                wake = wake.min(now + SignedDuration::try_from(wait).unwrap_or(IDLE_POLL));
            }
        }
        tokio::select! {
            Some(done) = running.join_next(), if !running.is_empty() => match done {
                Ok(lane) => { busy.remove(&lane); }
                Err(e) => {
                    // A delivery task panicked: a bug. Its lane stays busy so it cannot
                    // spin; the entry is retried after a restart.
                    tracing::error!(error = %e, "a delivery task failed");
                }
            },
            () = ready.notified() => {}
            () = ctx.clock.sleep_until(wake) => {}
            _ = shutdown.changed() => {}
        }
    }
    while running.join_next().await.is_some() {}
    ctx.metrics
        .worker_running
        .store(false, std::sync::atomic::Ordering::SeqCst);
    tracing::info!("outbox worker stopped");
}

/// The delay before attempt `attempts + 1`: exponential from `base`, capped at `cap`,
/// with jitter over the upper half so failed deliveries do not retry in lockstep; never
/// sooner than Slack's Retry-After.
pub fn backoff(
    attempts: u32,
    base: Duration,
    cap: Duration,
    retry_after: Option<Duration>,
) -> Duration {
    let exponential = base
        .saturating_mul(1u32.checked_shl(attempts.min(20)).unwrap_or(u32::MAX))
        .min(cap);
    let half = exponential / 2;
    let jittered = half + half.mul_f64(fastrand::f64());
    jittered.max(retry_after.unwrap_or_default())
}

async fn deliver(ctx: &Arc<Context>, mut queued: Queued) {
    let effect_name = queued.entry.effect.name();
    let case = match ctx.store.case(queued.entry.case) {
        Ok(Some(case)) => case,
        Ok(None) => {
            dead(ctx, &queued, "the case does not exist").await;
            return;
        }
        Err(e) => {
            tracing::error!(error = %e, "could not read a case to deliver");
            return;
        }
    };
    let result = attempt(ctx, &mut queued, &case).await;
    let delivery = &ctx.settings.delivery;
    let recorded = match result {
        Ok(delivered) => {
            tracing::info!(case = %case.id, effect = effect_name, seq = queued.seq, "delivered");
            ctx.metrics.delivered();
            if matches!(delivered, Delivered::Page(_)) {
                ctx.metrics.page_sent();
            }
            ctx.store.outbox_delivered(&queued, delivered).await
        }
        Err(CallError::Permanent { reason }) => {
            dead(ctx, &queued, &reason).await;
            return;
        }
        Err(CallError::Retry {
            after,
            reason,
            maybe_done,
        }) => {
            let attempts = queued.entry.attempts + 1;
            if attempts >= delivery.max_attempts {
                dead(
                    ctx,
                    &queued,
                    &format!("gave up after {attempts} attempts: {reason}"),
                )
                .await;
                return;
            }
            let delay = backoff(
                queued.entry.attempts,
                delivery.retry_base,
                delivery.retry_cap,
                after,
            );
            tracing::warn!(
                case = %case.id,
                effect = effect_name,
                attempt = attempts,
                reason,
                retry_in_ms = delay.as_millis() as u64,
                "delivery failed; will retry"
            );
            let not_before = later(ctx.clock.now(), delay);
            let uncertain = maybe_done && queued.entry.in_flight.is_some();
            ctx.store
                .outbox_retry(&queued, not_before, &reason, uncertain)
                .await
        }
    };
    if let Err(e) = recorded {
        tracing::error!(error = %e, seq = queued.seq, "could not record a delivery");
    }
}

fn later(now: Timestamp, delay: Duration) -> Timestamp {
    SignedDuration::try_from(delay)
        .ok()
        .and_then(|d| now.checked_add(d).ok())
        .unwrap_or(now)
}

async fn dead(ctx: &Arc<Context>, queued: &Queued, reason: &str) {
    ctx.metrics.dead_letter();
    tracing::error!(
        case = %queued.entry.case,
        effect = queued.entry.effect.name(),
        seq = queued.seq,
        reason,
        "delivery cannot succeed; moved to dead letters"
    );
    if let Err(e) = ctx.store.outbox_dead(queued, reason, ctx.clock.now()).await {
        tracing::error!(error = %e, "could not record a dead letter");
    }
}

fn needs_card(case: &Case) -> CallResult<&MessageRef> {
    case.posts
        .card
        .as_ref()
        .ok_or_else(|| CallError::Permanent {
            reason: "the case card was never posted".into(),
        })
}

/// Posts a new message for this delivery, at most once: if an earlier attempt may have
/// posted it, look for it first.
async fn post_once(
    ctx: &Arc<Context>,
    queued: &mut Queued,
    channel: &ChannelId,
    thread: Option<&str>,
    content: SlackMessageContent,
    broadcast: bool,
) -> CallResult<MessageRef> {
    let slack = &ctx.slack;
    if queued.entry.in_flight.is_some() {
        match slack.find_tagged(channel, thread, &tag(queued)).await {
            Ok(Some(found)) => {
                tracing::info!(
                    seq = queued.seq,
                    "an earlier attempt had posted it; not posting again"
                );
                return Ok(found);
            }
            Ok(None) => {}
            // Without the history scopes we cannot look: posting twice beats not at all.
            Err(CallError::Permanent { reason }) => {
                tracing::warn!(
                    reason,
                    seq = queued.seq,
                    "could not check for an earlier post"
                );
            }
            Err(e) => return Err(e),
        }
    }
    ctx.store
        .outbox_attempting(queued, ctx.clock.now())
        .await
        .map_err(|e| CallError::Retry {
            after: None,
            reason: format!("could not record the attempt: {e}"),
            maybe_done: false,
        })?;
    slack
        .post_message(channel, content, thread, Some(&tag(queued)), broadcast)
        .await
}

fn tag(queued: &Queued) -> Tag {
    Tag::Delivery {
        outbox_seq: queued.seq,
        case: queued.entry.case.to_string(),
    }
}

/// Whether `person` may receive something about `case` (`path` says what): only staff.
/// Anyone else is skipped (logged and counted by `admit`); a look-up that fails is
/// retried like any failed call.
async fn to_staff(
    ctx: &Context,
    person: &crate::domain::UserId,
    path: Path,
    case: &Case,
) -> CallResult<bool> {
    match ctx.admit(person, path, Some(case.id)).await {
        Admission::Staff => Ok(true),
        Admission::Refused(_) => Ok(false),
        Admission::Unsure(e) => Err(e),
    }
}

/// One delivery: the Slack calls for one outbox entry, and what they posted.
async fn attempt(ctx: &Arc<Context>, queued: &mut Queued, case: &Case) -> CallResult<Delivered> {
    let look = ctx.look();
    let slack = &ctx.slack;
    let effect = queued.entry.effect.clone();
    match &effect {
        Effect::PostCard => {
            if case.posts.card.is_some() {
                return Ok(Delivered::Nothing);
            }
            let channel = ctx.settings.slack.escalation_channel.clone();
            let posted =
                post_once(ctx, queued, &channel, None, views::card(case, look), false).await?;
            Ok(Delivered::Card(posted))
        }
        Effect::UpdateCard => {
            let card = needs_card(case)?;
            slack.update_message(card, views::card(case, look)).await?;
            Ok(Delivered::Nothing)
        }
        Effect::UpdatePages => {
            // Edits are idempotent: after a failure, all of them again is fine.
            let permalink = match &case.posts.card {
                Some(card) => slack.permalink(card).await.ok(),
                None => None,
            };
            for page in &case.posts.pages {
                let content = views::page(case, permalink.as_deref(), look);
                slack.update_message(&page.message, content).await?;
            }
            Ok(Delivered::Nothing)
        }
        Effect::Page { to } => {
            // Someone took the case since this page was queued: it would only be noise.
            if !matches!(case.state, CaseState::Open) {
                return Ok(Delivered::Nothing);
            }
            if !to_staff(ctx, to, Path::Page, case).await? {
                return Ok(Delivered::Nothing);
            }
            let dm = slack.open_dm(to).await?;
            let permalink = match &case.posts.card {
                Some(card) => slack.permalink(card).await.ok(),
                None => None,
            };
            // The calls above take a while; look again right before posting, so a take
            // in the meantime sends no page (the window left is one Slack call long,
            // and a page that slips through is edited to say who took the case).
            let case = match ctx.store.case(case.id) {
                Ok(Some(fresh)) => fresh,
                _ => case.clone(),
            };
            if !matches!(case.state, CaseState::Open) {
                return Ok(Delivered::Nothing);
            }
            let content = views::page(&case, permalink.as_deref(), look);
            let message = post_once(ctx, queued, &dm, None, content, false).await?;
            Ok(Delivered::Page(PageSent {
                to: to.clone(),
                message,
                at: ctx.clock.now(),
            }))
        }
        Effect::Urgent { to } => {
            if !to_staff(ctx, to, Path::Page, case).await? {
                return Ok(Delivered::Nothing);
            }
            let dm = slack.open_dm(to).await?;
            let permalink = match &case.posts.card {
                Some(card) => slack.permalink(card).await.ok(),
                None => None,
            };
            let content = views::urgent(case, permalink.as_deref(), look);
            post_once(ctx, queued, &dm, None, content, false).await?;
            Ok(Delivered::Nothing)
        }
        Effect::HereAlert { round, of } => {
            if !matches!(case.state, CaseState::Open) {
                return Ok(Delivered::Nothing);
            }
            let content = views::here_alert(case, *round, *of, look);
            let (channel, thread) = match &case.posts.card {
                Some(card) => (card.channel.clone(), Some(card.ts.as_str())),
                None => (ctx.settings.slack.escalation_channel.clone(), None),
            };
            post_once(ctx, queued, &channel, thread, content, true).await?;
            Ok(Delivered::Nothing)
        }
        Effect::ThreadNote { note } => {
            let card = needs_card(case)?.clone();
            let content = views::note(case, note, look);
            let posted =
                post_once(ctx, queued, &card.channel, Some(&card.ts), content, false).await?;
            Ok(match note {
                Note::Proposal { .. } => Delivered::Proposal(posted),
                _ => Delivered::Nothing,
            })
        }
        Effect::ResolveProposal {
            proposal,
            resolution,
        } => {
            let message = case
                .posts
                .proposal
                .as_ref()
                .ok_or_else(|| CallError::Permanent {
                    reason: "the proposal message was never posted".into(),
                })?;
            slack
                .update_message(
                    message,
                    views::resolved_proposal(proposal, resolution, look),
                )
                .await?;
            Ok(Delivered::Nothing)
        }
        Effect::UpdateProposal => {
            // Only a proposal still pending changes; a settled one was resolved already.
            let CaseState::Proposed { proposal, .. } = &case.state else {
                return Ok(Delivered::Nothing);
            };
            let message = case
                .posts
                .proposal
                .as_ref()
                .ok_or_else(|| CallError::Permanent {
                    reason: "the proposal message was never posted".into(),
                })?;
            let note = Note::Proposal {
                proposal: proposal.clone(),
            };
            slack
                .update_message(message, views::note(case, &note, look))
                .await?;
            Ok(Delivered::Nothing)
        }
        Effect::Acknowledge => {
            // Where the reporter flagged the message; ephemeral, so only they see it.
            let Some(channel) = case
                .evidence
                .as_ref()
                .map(|e| e.channel.clone())
                .or_else(|| case.reported_from.clone())
            else {
                return Ok(Delivered::Nothing);
            };
            let thread = case.evidence.as_ref().and_then(|e| e.thread_ts.as_deref());
            if !to_staff(ctx, &case.reporter, Path::Acknowledgement, case).await? {
                return Ok(Delivered::Nothing);
            }
            slack
                .post_ephemeral(
                    &channel,
                    &case.reporter,
                    views::acknowledge(case, look),
                    thread,
                )
                .await?;
            Ok(Delivered::Nothing)
        }
        Effect::NotifyReporter => {
            let CaseState::Closed { decision, .. } = &case.state else {
                return Ok(Delivered::Nothing);
            };
            if !to_staff(ctx, &case.reporter, Path::ClosingMessage, case).await? {
                return Ok(Delivered::Nothing);
            }
            let dm = slack.open_dm(&case.reporter).await?;
            let content = views::reporter_closed(case, decision, look);
            post_once(ctx, queued, &dm, None, content, false).await?;
            Ok(Delivered::Nothing)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const BASE: Duration = Duration::from_secs(1);
    const CAP: Duration = Duration::from_secs(300);

    #[test]
    fn backoff_grows_and_is_capped() {
        for attempts in 0..40 {
            let d = backoff(attempts, BASE, CAP, None);
            let ceiling = BASE
                .saturating_mul(1u32.checked_shl(attempts.min(20)).unwrap_or(u32::MAX))
                .min(CAP);
            assert!(d <= ceiling, "{attempts}: {d:?} > {ceiling:?}");
            assert!(d >= ceiling / 2, "{attempts}: {d:?} < half of {ceiling:?}");
        }
    }

    #[test]
    fn backoff_never_undercuts_retry_after() {
        assert!(backoff(0, BASE, CAP, Some(Duration::from_secs(30))) >= Duration::from_secs(30));
    }

    #[test]
    fn a_channel_gets_a_burst_then_one_message_a_second() {
        let mut budget = ChannelBudget::new(1.0);
        let start = Instant::now();
        for _ in 0..3 {
            assert!(budget.take("C1", start).is_ok());
        }
        let wait = budget.take("C1", start).unwrap_err();
        assert!(wait > Duration::from_millis(900) && wait <= Duration::from_secs(1));
        assert!(
            budget.take("C2", start).is_ok(),
            "channels have their own budgets"
        );
        assert!(budget.take("C1", start + Duration::from_secs(1)).is_ok());
        assert!(budget.take("C1", start + Duration::from_secs(1)).is_err());
    }
}
