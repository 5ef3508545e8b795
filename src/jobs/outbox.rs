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
use crate::domain::{Consultation, DeskMessage, Destination};
use crate::jobs::later;
use crate::render;
use crate::slack::api::{CallError, CallResult, Tag};
use crate::staff::{Admission, Path, admit};
use crate::store::{About, Delivered, Queued, Retry};

/// What a delivery is about, read at delivery time.
enum Subject {
    Case(Box<Case>),
    Consultation(Box<Consultation>),
}

/// Deliveries in progress at once (each in its own lane).
const MAX_IN_FLIGHT: usize = 8;
/// Even with nothing queued, look again this often (a safety net, not the mechanism).
const IDLE_POLL: SignedDuration = SignedDuration::from_secs(30);
/// Messages a channel may receive in a burst before the per-second rate applies.
const CHANNEL_BURST: f64 = 3.0;

/// How long the worker may go without finishing a delivery or finding nothing to do
/// before readiness says it stopped making progress (a hung call, a stuck loop).
pub const STALLED_AFTER: SignedDuration = SignedDuration::from_mins(2);
/// A lane whose delivery could not even be recorded (the store failing) rests this long
/// before it is tried again, so a broken store does not spin the worker.
const REST_AFTER_STORE_ERROR: Duration = Duration::from_secs(5);

/// A token bucket per rate budget (the escalation channel, each person's direct
/// messages): "about one message per second, sustained", and paused for as long as Slack
/// asked after a 429.
struct Budgets {
    rate: f64,
    buckets: HashMap<String, (f64, Instant)>,
    /// Until when (on the bot's clock) Slack asked each budget to wait.
    paused: HashMap<String, Timestamp>,
}

impl Budgets {
    fn new(rate: f64) -> Self {
        Budgets {
            rate,
            buckets: HashMap::new(),
            paused: HashMap::new(),
        }
    }

    fn tokens(&self, budget: &str, now: Instant) -> f64 {
        match self.buckets.get(budget) {
            Some((tokens, last)) => {
                (*tokens + now.duration_since(*last).as_secs_f64() * self.rate).min(CHANNEL_BURST)
            }
            None => CHANNEL_BURST,
        }
    }

    /// How many messages `budget` may start now ("" spends no budget: any number).
    fn room(&self, budget: &str, now: Instant, clock: Timestamp) -> usize {
        if budget.is_empty() {
            return usize::MAX;
        }
        if self.paused.get(budget).is_some_and(|&until| until > clock) {
            return 0;
        }
        self.tokens(budget, now).floor() as usize
    }

    /// The soonest a spent budget can take a message again.
    fn earliest_refill(&self, now: Instant) -> Option<Duration> {
        self.buckets
            .keys()
            .filter_map(|budget| {
                let tokens = self.tokens(budget, now);
                (tokens < 1.0).then(|| Duration::from_secs_f64((1.0 - tokens) / self.rate))
            })
            .min()
    }

    /// The soonest a paused budget may take messages again.
    fn earliest_resume(&self, clock: Timestamp) -> Option<Timestamp> {
        self.paused.values().filter(|&&t| t > clock).min().copied()
    }

    /// Takes a message's worth from `budget`, or says how long until it can.
    fn take(&mut self, budget: &str, now: Instant) -> Result<(), Duration> {
        if budget.is_empty() {
            return Ok(());
        }
        let refilled = self.tokens(budget, now);
        let (tokens, last) = self
            .buckets
            .entry(budget.to_owned())
            .or_insert((CHANNEL_BURST, now));
        *last = now;
        if refilled >= 1.0 {
            *tokens = refilled - 1.0;
            Ok(())
        } else {
            *tokens = refilled;
            Err(Duration::from_secs_f64((1.0 - refilled) / self.rate))
        }
    }

    /// Slack said 429 to a message in `budget`: nothing more goes there for `wait`.
    fn pause(&mut self, budget: &str, wait: Duration, clock: Timestamp) {
        self.paused.retain(|_, until| *until > clock);
        self.paused.insert(budget.to_owned(), later(clock, wait));
    }
}

/// How a delivery task ended, for the loop: the lane it frees, and what the loop should
/// remember.
struct Finished {
    lane: String,
    /// Slack rate-limited a message in this budget for this long.
    paused: Option<(String, Duration)>,
    /// Nothing could be recorded (the store failed): rest the lane this long.
    rest: Option<Duration>,
}

/// Runs until `shutdown` turns true; deliveries in progress finish first.
pub async fn run(ctx: Arc<Context>, mut shutdown: watch::Receiver<bool>) {
    let ready = ctx.store.outbox_ready();
    let mut budgets = Budgets::new(ctx.settings.delivery.channel_rate);
    let mut running: JoinSet<Finished> = JoinSet::new();
    // What each task delivers, to free its lane and record the failure if it panics.
    let mut tasks: HashMap<tokio::task::Id, Queued> = HashMap::new();
    let mut busy: HashSet<String> = HashSet::new();
    let mut resting: HashMap<String, Timestamp> = HashMap::new();
    ctx.metrics
        .worker_running
        .store(true, std::sync::atomic::Ordering::SeqCst);
    ctx.metrics.progress(ctx.clock.now());
    tracing::info!("outbox worker started");
    while !*shutdown.borrow() {
        let now = ctx.clock.now();
        resting.retain(|_, until| *until > now);
        let room = MAX_IN_FLIGHT.saturating_sub(busy.len());
        let mut wake = now + IDLE_POLL;
        if let Some(&until) = resting.values().min() {
            wake = wake.min(until);
        }
        if room > 0 {
            let started = Instant::now();
            let due = ctx.store.outbox_due(
                now,
                room,
                |lane| busy.contains(lane) || resting.contains_key(lane),
                |budget| budgets.room(budget, started, now),
            );
            match due {
                Ok((due, next)) => {
                    if let Some(next) = next {
                        wake = wake.min(next);
                    }
                    if due.is_empty() && busy.is_empty() {
                        // Nothing to do is progress too: the worker is not stuck.
                        ctx.metrics.progress(now);
                    }
                    for queued in due {
                        if let Err(wait) = budgets.take(&queued.entry.budget(), Instant::now()) {
                            // `room` allowed it a moment ago; the bucket says otherwise.
                            let wait = SignedDuration::try_from(wait).unwrap_or(IDLE_POLL);
                            wake = wake.min(now + wait);
                            continue;
                        }
                        busy.insert(queued.entry.lane.clone());
                        let task = {
                            let ctx = ctx.clone();
                            let queued = queued.clone();
                            running.spawn(async move { deliver(&ctx, queued).await })
                        };
                        tasks.insert(task.id(), queued);
                    }
                }
                Err(e) => {
                    tracing::error!(error = %e, "could not read the outbox");
                    wake = wake.min(now + SignedDuration::from_secs(1));
                }
            }
            // Spent and paused budgets can take a message again at the earliest of these.
            if let Some(wait) = budgets.earliest_refill(Instant::now()) {
                wake = wake.min(now + SignedDuration::try_from(wait).unwrap_or(IDLE_POLL));
            }
            if let Some(resume) = budgets.earliest_resume(now) {
                wake = wake.min(resume);
            }
        }
        tokio::select! {
            Some(done) = running.join_next_with_id(), if !running.is_empty() => {
                ctx.metrics.progress(ctx.clock.now());
                match done {
                    Ok((id, finished)) => {
                        tasks.remove(&id);
                        busy.remove(&finished.lane);
                        if let Some((budget, wait)) = finished.paused {
                            budgets.pause(&budget, wait, ctx.clock.now());
                        }
                        if let Some(rest) = finished.rest {
                            resting.insert(finished.lane, later(ctx.clock.now(), rest));
                        }
                    }
                    Err(e) => {
                        // A delivery panicked: a bug. Free its lane, and count it as a
                        // failed attempt, so a delivery that always panics ends as a dead
                        // letter instead of blocking its lane or spinning.
                        ctx.metrics.delivery_panicked();
                        tracing::error!(error = %e, "a delivery task failed");
                        if let Some(queued) = tasks.remove(&e.id()) {
                            busy.remove(&queued.entry.lane);
                            let failure = CallError::Retry {
                                after: None,
                                reason: "the delivery failed unexpectedly (a bug; see the log)"
                                    .into(),
                                maybe_done: true,
                                rate_limited: false,
                            };
                            if let Some(rest) = failed(&ctx, &queued, failure).await {
                                let until = later(ctx.clock.now(), rest);
                                resting.insert(queued.entry.lane.clone(), until);
                            }
                        }
                    }
                }
            }
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

async fn deliver(ctx: &Arc<Context>, mut queued: Queued) -> Finished {
    let effect_name = queued.entry.effect.name();
    let mut finished = Finished {
        lane: queued.entry.lane.clone(),
        paused: None,
        rest: None,
    };
    let about = queued.entry.about;
    let subject = match about {
        About::Case(id) => ctx
            .store
            .case(id)
            .map(|c| c.map(|c| Subject::Case(Box::new(c)))),
        About::Consultation(id) => ctx
            .store
            .consultation(id)
            .map(|c| c.map(|c| Subject::Consultation(Box::new(c)))),
    };
    let subject = match subject {
        Ok(Some(subject)) => subject,
        Ok(None) => {
            let reason = match about {
                About::Case(_) => "the case does not exist",
                About::Consultation(_) => "the consultation does not exist",
            };
            finished.rest = dead(ctx, &queued, reason).await;
            return finished;
        }
        Err(e) => {
            tracing::error!(error = %e, "could not read a case to deliver");
            let failure = CallError::Retry {
                after: None,
                reason: format!("could not read the case: {e}"),
                maybe_done: false,
                rate_limited: false,
            };
            finished.rest = failed(ctx, &queued, failure).await;
            return finished;
        }
    };
    let attempted = match &subject {
        Subject::Case(case) => attempt(ctx, &mut queued, case).await,
        Subject::Consultation(c) => attempt_consultation(ctx, &mut queued, c).await,
    };
    match attempted {
        Ok(delivered) => {
            tracing::info!(about = %about, effect = effect_name, seq = queued.seq, "delivered");
            ctx.metrics.delivered();
            if matches!(delivered, Delivered::Page(_)) {
                ctx.metrics.page_sent();
            }
            if let Err(e) = ctx.store.outbox_delivered(&queued, delivered).await {
                tracing::error!(error = %e, seq = queued.seq, "could not record a delivery");
                finished.rest = Some(REST_AFTER_STORE_ERROR);
            }
        }
        Err(failure) => {
            if let CallError::Retry {
                after,
                rate_limited: true,
                ..
            } = &failure
            {
                let budget = queued.entry.budget();
                if !budget.is_empty() {
                    let wait = after.unwrap_or(Duration::from_secs(1));
                    finished.paused = Some((budget.into_owned(), wait));
                }
            }
            finished.rest = failed(ctx, &queued, failure).await;
        }
    }
    finished
}

/// Records a failed attempt: a dead letter when it cannot succeed or its attempts are
/// spent, else back in the queue after a backoff. Waiting on a rate limit spends no
/// attempt. Returns how long to rest the lane when not even that could be recorded.
async fn failed(ctx: &Arc<Context>, queued: &Queued, failure: CallError) -> Option<Duration> {
    let delivery = &ctx.settings.delivery;
    let (after, reason, maybe_done, rate_limited) = match failure {
        CallError::Permanent { reason } => return dead(ctx, queued, &reason).await,
        CallError::Retry {
            after,
            reason,
            maybe_done,
            rate_limited,
        } => (after, reason, maybe_done, rate_limited),
    };
    let attempts = queued.entry.attempts + 1;
    if !rate_limited && attempts >= delivery.max_attempts {
        let reason = format!("gave up after {attempts} attempts: {reason}");
        return dead(ctx, queued, &reason).await;
    }
    let delay = match (rate_limited, after) {
        // The wait Slack asked for (never less than the retry base, so a server that
        // says "Retry-After: 0" cannot spin us): it is not the delivery failing.
        (true, Some(after)) => after.max(delivery.retry_base),
        _ => backoff(
            queued.entry.attempts,
            delivery.retry_base,
            delivery.retry_cap,
            after,
        ),
    };
    tracing::warn!(
        about = %queued.entry.about,
        effect = queued.entry.effect.name(),
        attempt = attempts,
        reason,
        rate_limited,
        retry_in_ms = delay.as_millis() as u64,
        "delivery failed; will retry"
    );
    let retry = Retry {
        not_before: later(ctx.clock.now(), delay),
        error: &reason,
        uncertain: maybe_done && queued.entry.in_flight.is_some(),
        counted: !rate_limited,
    };
    match ctx.store.outbox_retry(queued, retry).await {
        Ok(()) => None,
        Err(e) => {
            tracing::error!(error = %e, seq = queued.seq, "could not record a failed delivery");
            Some(REST_AFTER_STORE_ERROR.max(delay))
        }
    }
}

async fn dead(ctx: &Arc<Context>, queued: &Queued, reason: &str) -> Option<Duration> {
    ctx.metrics.dead_letter();
    tracing::error!(
        about = %queued.entry.about,
        effect = queued.entry.effect.name(),
        seq = queued.seq,
        reason,
        "delivery cannot succeed; moved to dead letters"
    );
    match ctx.store.outbox_dead(queued, reason, ctx.clock.now()).await {
        Ok(()) => None,
        Err(e) => {
            tracing::error!(error = %e, "could not record a dead letter");
            Some(REST_AFTER_STORE_ERROR)
        }
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
            rate_limited: false,
        })?;
    slack
        .post_message(channel, content, thread, Some(&tag(queued)), broadcast)
        .await
}

fn tag(queued: &Queued) -> Tag {
    Tag::Delivery {
        outbox_seq: queued.seq,
        case: queued.entry.about.to_string(),
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
    match admit(ctx, person, path, Some(case.id)).await {
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
                post_once(ctx, queued, &channel, None, render::card(case, look), false).await?;
            Ok(Delivered::Card(posted))
        }
        Effect::UpdateCard => {
            let card = needs_card(case)?;
            slack.update_message(card, render::card(case, look)).await?;
            Ok(Delivered::Nothing)
        }
        Effect::UpdatePages => {
            // Edits are idempotent: after a failure, all of them again is fine.
            let permalink = match &case.posts.card {
                Some(card) => slack.permalink(card).await.ok(),
                None => None,
            };
            for page in &case.posts.pages {
                let content = render::page(case, permalink.as_deref(), look);
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
            let content = render::page(&case, permalink.as_deref(), look);
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
            let content = render::urgent(case, permalink.as_deref(), look);
            post_once(ctx, queued, &dm, None, content, false).await?;
            Ok(Delivered::Nothing)
        }
        Effect::HereAlert { round, of } => {
            if !matches!(case.state, CaseState::Open) {
                return Ok(Delivered::Nothing);
            }
            let content = render::here_alert(case, *round, *of, look);
            let (channel, thread) = match &case.posts.card {
                Some(card) => (card.channel.clone(), Some(card.ts.as_str())),
                None => (ctx.settings.slack.escalation_channel.clone(), None),
            };
            post_once(ctx, queued, &channel, thread, content, true).await?;
            Ok(Delivered::Nothing)
        }
        Effect::ThreadNote { note } => {
            let card = needs_card(case)?.clone();
            let content = render::note(case, note, look);
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
                    render::resolved_proposal(proposal, resolution, look),
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
                .update_message(message, render::note(case, &note, look))
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
                    render::acknowledge(case, look),
                    thread,
                )
                .await?;
            Ok(Delivered::Nothing)
        }
        Effect::CheckIn => {
            if case.posts.check_in.is_some() {
                return Ok(Delivered::Nothing);
            }
            if !to_staff(ctx, &case.reporter, Path::ClosingMessage, case).await? {
                return Ok(Delivered::Nothing);
            }
            let dm = slack.open_dm(&case.reporter).await?;
            let content = render::check_in(case, look);
            let posted = post_once(ctx, queued, &dm, None, content, false).await?;
            Ok(Delivered::CheckIn(posted))
        }
        Effect::UpdateCheckIn => {
            // Never posted (the reporter left the staff, say): nothing to edit.
            let Some(message) = &case.posts.check_in else {
                return Ok(Delivered::Nothing);
            };
            slack
                .update_message(message, render::check_in(case, look))
                .await?;
            Ok(Delivered::Nothing)
        }
        Effect::PostConsultation { .. }
        | Effect::UpdateConsultation
        | Effect::ConsultationNote { .. }
        | Effect::ConsultationOutcome => Err(CallError::Permanent {
            reason: "a consultation's delivery was queued for a case".into(),
        }),
        Effect::NotifyReporter => {
            let CaseState::Closed { decision, .. } = &case.state else {
                return Ok(Delivered::Nothing);
            };
            if !to_staff(ctx, &case.reporter, Path::ClosingMessage, case).await? {
                return Ok(Delivered::Nothing);
            }
            let dm = slack.open_dm(&case.reporter).await?;
            let content = render::reporter_closed(case, decision, look);
            post_once(ctx, queued, &dm, None, content, false).await?;
            Ok(Delivered::Nothing)
        }
    }
}

/// Whether `person` may receive something about a consultation: only staff (as
/// `to_staff`, naming no case).
async fn to_staff_about_consultation(
    ctx: &Context,
    person: &crate::domain::UserId,
    path: Path,
) -> CallResult<bool> {
    match admit(ctx, person, path, None).await {
        Admission::Staff => Ok(true),
        Admission::Refused(_) => Ok(false),
        Admission::Unsure(e) => Err(e),
    }
}

/// One delivery about a consultation. Rendered from the consultation as it is now.
async fn attempt_consultation(
    ctx: &Arc<Context>,
    queued: &mut Queued,
    consultation: &Consultation,
) -> CallResult<Delivered> {
    let look = ctx.look();
    let slack = &ctx.slack;
    let effect = queued.entry.effect.clone();
    // The channel has it in full unless the reporter chose a member (then one line).
    let in_full = consultation.chosen.is_none();
    match &effect {
        Effect::PostConsultation {
            to: Destination::Channel,
        } => {
            if consultation.posts.thread.is_some() {
                return Ok(Delivered::Nothing);
            }
            let Some(channel) = ctx.settings.slack.consultation_channel.clone() else {
                return Err(CallError::Permanent {
                    reason: "no consultation channel is configured".into(),
                });
            };
            let content = render::consultation_card(consultation, in_full, look);
            let posted = post_once(ctx, queued, &channel, None, content, false).await?;
            Ok(Delivered::ConsultationThread(posted))
        }
        Effect::PostConsultation {
            to: Destination::Member { user },
        } => {
            if consultation.posts.dms.iter().any(|d| d.to == *user) {
                return Ok(Delivered::Nothing);
            }
            if !to_staff_about_consultation(ctx, user, Path::Page).await? {
                return Ok(Delivered::Nothing);
            }
            let dm = slack.open_dm(user).await?;
            let content = render::consultation_card(consultation, true, look);
            let message = post_once(ctx, queued, &dm, None, content, false).await?;
            Ok(Delivered::ConsultationDm(DeskMessage {
                to: user.clone(),
                message,
            }))
        }
        Effect::UpdateConsultation => {
            // Edits are idempotent: after a failure, all of them again is fine.
            if let Some(thread) = &consultation.posts.thread {
                let content = render::consultation_card(consultation, in_full, look);
                slack.update_message(thread, content).await?;
            }
            for dm in &consultation.posts.dms {
                let content = render::consultation_card(consultation, true, look);
                slack.update_message(&dm.message, content).await?;
            }
            Ok(Delivered::Nothing)
        }
        Effect::ConsultationNote { note } => {
            let thread = consultation
                .posts
                .thread
                .clone()
                .ok_or_else(|| CallError::Permanent {
                    reason: "the consultation was never posted in its channel".into(),
                })?;
            let content = render::consultation_note(note, look);
            post_once(
                ctx,
                queued,
                &thread.channel,
                Some(&thread.ts),
                content,
                false,
            )
            .await?;
            Ok(Delivered::Nothing)
        }
        Effect::ConsultationOutcome => {
            if consultation.is_open() {
                return Ok(Delivered::Nothing);
            }
            let reporter = &consultation.reporter;
            if !to_staff_about_consultation(ctx, reporter, Path::ClosingMessage).await? {
                return Ok(Delivered::Nothing);
            }
            let dm = slack.open_dm(reporter).await?;
            let content = render::consultation_outcome(consultation, look);
            post_once(ctx, queued, &dm, None, content, false).await?;
            Ok(Delivered::Nothing)
        }
        _ => Err(CallError::Permanent {
            reason: "a case's delivery was queued for a consultation".into(),
        }),
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
    fn a_paused_budget_has_no_room_until_slack_said_it_may_go_again() {
        let mut budgets = Budgets::new(1.0);
        let (now, clock) = (
            Instant::now(),
            Timestamp::from_second(1_800_000_000).unwrap(),
        );
        assert_eq!(
            budgets.room("escalation", now, clock),
            3,
            "a fresh budget's burst"
        );
        assert_eq!(
            budgets.room("", now, clock),
            usize::MAX,
            "edits spend nothing"
        );
        budgets.pause("escalation", Duration::from_secs(30), clock);
        assert_eq!(budgets.room("escalation", now, clock), 0);
        assert_eq!(budgets.room("dm:U1", now, clock), 3, "other budgets go on");
        let resume = budgets.earliest_resume(clock).unwrap();
        assert_eq!(resume, clock + SignedDuration::from_secs(30));
        assert_eq!(budgets.room("escalation", now, resume), 3);
        assert_eq!(budgets.earliest_resume(resume), None);
    }

    #[test]
    fn a_channel_gets_a_burst_then_one_message_a_second() {
        let mut budget = Budgets::new(1.0);
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
