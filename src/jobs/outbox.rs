//! Purpose: delivers the outbox to Slack. Entries were written in the same transaction as
//! the state change that caused them, so nothing acknowledged is lost; this worker posts
//! them lane by lane in order, records what was posted before moving on, retries what
//! may pass (rate limits, timeouts, 5xx) with capped exponential backoff and jitter, and
//! sets aside what cannot succeed (invalid_auth, channel_not_found) as dead letters.
//!
//! Messages are rendered at delivery time from the case as it is then, so card updates
//! converge on the latest state however many are queued.

use std::sync::Arc;
use std::time::Duration;

use jiff::{SignedDuration, Timestamp};
use tokio::sync::watch;

use crate::app::Context;
use crate::domain::{Case, CaseState, Effect, MessageRef, Note, PageSent};
use crate::slack::api::{CallError, CallResult, Tag};
use crate::slack::views;
use crate::store::{Delivered, Queued};

/// Retries back off from this...
const BACKOFF_BASE: Duration = Duration::from_secs(1);
/// ...up to this...
const BACKOFF_CAP: Duration = Duration::from_secs(300);
/// ...for this many attempts (about an hour and a half at the cap) before a delivery
/// is declared dead.
const MAX_ATTEMPTS: u32 = 24;
/// Deliveries taken per pass; lanes beyond wait for the next pass.
const BATCH: usize = 32;
/// Even with nothing queued, look again this often (a safety net, not the mechanism).
const IDLE_POLL: Duration = Duration::from_secs(30);

/// Runs until `shutdown` turns true; a delivery in progress finishes first.
pub async fn run(ctx: Arc<Context>, mut shutdown: watch::Receiver<bool>) {
    let ready = ctx.store.outbox_ready();
    tracing::info!("outbox worker started");
    loop {
        if *shutdown.borrow() {
            break;
        }
        let now = ctx.clock.now();
        let wait = match ctx.store.outbox_due(now, BATCH) {
            Ok((due, _)) if !due.is_empty() => {
                for queued in due {
                    deliver(&ctx, queued).await;
                    if *shutdown.borrow() {
                        break;
                    }
                }
                continue;
            }
            Ok((_, next)) => next
                .and_then(|n| Duration::try_from(n.duration_since(now)).ok())
                .map_or(IDLE_POLL, |d| d.min(IDLE_POLL)),
            Err(e) => {
                tracing::error!(error = %e, "could not read the outbox");
                Duration::from_secs(1)
            }
        };
        tokio::select! {
            () = ready.notified() => {}
            () = tokio::time::sleep(wait) => {}
            _ = shutdown.changed() => {}
        }
    }
    tracing::info!("outbox worker stopped");
}

/// The delay before attempt `attempts + 1`: exponential, capped, with full jitter on
/// the upper half so many failed deliveries do not retry in lockstep; never sooner than
/// Slack's Retry-After.
pub fn backoff(attempts: u32, retry_after: Option<Duration>) -> Duration {
    let exponential = BACKOFF_BASE
        .saturating_mul(1u32.checked_shl(attempts.min(20)).unwrap_or(u32::MAX))
        .min(BACKOFF_CAP);
    let half = exponential / 2;
    let jittered = half + half.mul_f64(fastrand::f64());
    jittered.max(retry_after.unwrap_or_default())
}

async fn deliver(ctx: &Arc<Context>, queued: Queued) {
    let entry = &queued.entry;
    let effect_name = effect_name(&entry.effect);
    let case = match ctx.store.case(entry.case) {
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
    let result = attempt(ctx, &queued, &case).await;
    let recorded = match result {
        Ok(delivered) => {
            tracing::info!(case = %case.id, effect = effect_name, seq = queued.seq, "delivered");
            ctx.store.outbox_delivered(&queued, delivered).await
        }
        Err(CallError::Permanent { reason }) => {
            dead(ctx, &queued, &reason).await;
            return;
        }
        Err(CallError::Retry { after, reason }) => {
            if entry.attempts + 1 >= MAX_ATTEMPTS {
                dead(
                    ctx,
                    &queued,
                    &format!("gave up after {MAX_ATTEMPTS} attempts: {reason}"),
                )
                .await;
                return;
            }
            let delay = backoff(entry.attempts, after);
            tracing::warn!(
                case = %case.id,
                effect = effect_name,
                attempt = entry.attempts + 1,
                reason,
                retry_in_ms = delay.as_millis() as u64,
                "delivery failed; will retry"
            );
            let not_before = later(ctx.clock.now(), delay);
            ctx.store.outbox_retry(&queued, not_before, &reason).await
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
    tracing::error!(
        case = %queued.entry.case,
        effect = effect_name(&queued.entry.effect),
        seq = queued.seq,
        reason,
        "delivery cannot succeed; moved to dead letters"
    );
    if let Err(e) = ctx.store.outbox_dead(queued, reason, ctx.clock.now()).await {
        tracing::error!(error = %e, "could not record a dead letter");
    }
}

fn effect_name(effect: &Effect) -> &'static str {
    match effect {
        Effect::PostCard => "post-card",
        Effect::UpdateCard => "update-card",
        Effect::Page { .. } => "page",
        Effect::ThreadNote { .. } => "thread-note",
        Effect::ResolveProposal { .. } => "resolve-proposal",
        Effect::NotifyReporter => "notify-reporter",
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

/// One delivery: the Slack calls for one outbox entry, and what they posted.
async fn attempt(ctx: &Arc<Context>, queued: &Queued, case: &Case) -> CallResult<Delivered> {
    let look = ctx.look();
    let slack = &ctx.slack;
    let tag = Tag {
        outbox_seq: queued.seq,
        case: case.id.to_string(),
    };
    match &queued.entry.effect {
        Effect::PostCard => {
            if case.posts.card.is_some() {
                return Ok(Delivered::Nothing);
            }
            let channel = &ctx.settings.slack.escalation_channel;
            let posted = slack
                .post_message(channel, views::card(case, look), None, Some(&tag))
                .await?;
            Ok(Delivered::Card(posted))
        }
        Effect::UpdateCard => {
            let card = needs_card(case)?;
            slack.update_message(card, views::card(case, look)).await?;
            Ok(Delivered::Nothing)
        }
        Effect::Page { to } => {
            // Someone took the case since this page was queued: it would only be noise.
            if !matches!(case.state, CaseState::Open) {
                return Ok(Delivered::Nothing);
            }
            let dm = slack.open_dm(to).await?;
            let permalink = match &case.posts.card {
                Some(card) => slack.permalink(card).await.ok(),
                None => None,
            };
            let message = slack
                .post_message(
                    &dm,
                    views::page(case, permalink.as_deref(), look),
                    None,
                    Some(&tag),
                )
                .await?;
            Ok(Delivered::Page(PageSent {
                to: to.clone(),
                message,
                at: ctx.clock.now(),
            }))
        }
        Effect::ThreadNote { note } => {
            let card = needs_card(case)?;
            let posted = slack
                .post_message(
                    &card.channel,
                    views::note(case, note, look),
                    Some(&card.ts),
                    Some(&tag),
                )
                .await?;
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
        Effect::NotifyReporter => {
            let CaseState::Closed { decision, .. } = &case.state else {
                return Ok(Delivered::Nothing);
            };
            let dm = slack.open_dm(&case.reporter).await?;
            slack
                .post_message(
                    &dm,
                    views::reporter_closed(case, decision, look),
                    None,
                    Some(&tag),
                )
                .await?;
            Ok(Delivered::Nothing)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_grows_and_is_capped() {
        for attempts in 0..40 {
            let d = backoff(attempts, None);
            let ceiling = BACKOFF_BASE
                .saturating_mul(1u32.checked_shl(attempts.min(20)).unwrap_or(u32::MAX))
                .min(BACKOFF_CAP);
            assert!(d <= ceiling, "{attempts}: {d:?} > {ceiling:?}");
            assert!(d >= ceiling / 2, "{attempts}: {d:?} < half of {ceiling:?}");
        }
    }

    #[test]
    fn backoff_never_undercuts_retry_after() {
        assert!(backoff(0, Some(Duration::from_secs(30))) >= Duration::from_secs(30));
    }
}
