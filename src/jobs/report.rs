//! Purpose: posts the weekly report to the stats channel once a week, on schedule in the
//! configured zone. Its progress is durable (`ReportState`): a restart never posts a week
//! twice and never skips one, a week missed while the bot was down is posted on start,
//! and a post whose outcome was unknown (a timeout, a crash) is looked for in the channel
//! before it is tried again.

use std::sync::Arc;
use std::time::Duration;

use tokio::sync::watch;

use crate::app::Context;
use crate::config::Settings;
use crate::domain::{ChannelId, Week};
use crate::report::WeeklyReport;
use crate::slack::api::{CallError, Tag, WebApi};
use crate::store::{ReportState, Store, StoreError};

#[derive(Debug, thiserror::Error)]
enum Failure {
    #[error(transparent)]
    Slack(#[from] CallError),
    #[error(transparent)]
    Store(#[from] StoreError),
}

pub async fn run(ctx: Arc<Context>, mut shutdown: watch::Receiver<bool>) {
    let Some(channel) = ctx.settings.slack.stats_channel.clone() else {
        tracing::info!("slack.stats_channel is not set: no weekly report");
        return;
    };
    tracing::info!(
        zone = ctx.settings.report.zone_name,
        "weekly report scheduler started"
    );
    let mut failures = 0;
    while !*shutdown.borrow() {
        let wait = match step(&ctx, &channel).await {
            Ok(Step::Posted(week)) => {
                failures = 0;
                tracing::info!(%week, "weekly report posted");
                continue;
            }
            Ok(Step::Wait(until)) => {
                tokio::select! {
                    () = ctx.clock.sleep_until(until) => {}
                    _ = shutdown.changed() => {}
                }
                continue;
            }
            Err(e) => {
                failures += 1;
                tracing::warn!(error = %e, failures, "could not post the weekly report yet");
                backoff(&ctx, failures)
            }
        };
        // Real time, not the clock's: Slack recovers in real time.
        tokio::select! {
            () = tokio::time::sleep(wait) => {}
            _ = shutdown.changed() => {}
        }
    }
    tracing::info!("weekly report scheduler stopped");
}

enum Step {
    Posted(Week),
    Wait(jiff::Timestamp),
}

/// Retries back off like deliveries do, without a last attempt: a week's report waits
/// until Slack takes it (a missing channel or scope is logged each time).
fn backoff(ctx: &Context, failures: u32) -> Duration {
    let delivery = &ctx.settings.delivery;
    let factor = 2u32.saturating_pow(failures.saturating_sub(1).min(16));
    delivery
        .retry_base
        .saturating_mul(factor)
        .min(delivery.retry_cap)
}

/// Posts the next week's report if it is due, or says when it will be.
async fn step(ctx: &Context, channel: &ChannelId) -> Result<Step, Failure> {
    let schedule = &ctx.settings.report.schedule;
    let now = ctx.clock.now();
    let state = match ctx.store.report_state()? {
        Some(state) => state,
        None => {
            let state = ReportState {
                next: schedule.first_week(now),
                posting: Default::default(),
            };
            ctx.store.put_report_state(&state).await?;
            state
        }
    };
    let due = schedule.due(state.next);
    if now < due {
        return Ok(Step::Wait(due));
    }
    let week = state.next;
    post(ctx, channel, state).await?;
    Ok(Step::Posted(week))
}

/// What Slack answers a message whose blocks it refuses: for the report, a workspace or
/// client that does not take the native chart (or table) blocks.
const INVALID_BLOCKS: &str = "invalid_blocks";

/// Posts `state.next`'s report, each step recorded before and after, then moves on to the
/// next week: the message with the native chart in it; or, if Slack refuses those blocks
/// (once, and only then), the message as text with the chart as a PNG in its thread.
async fn post(ctx: &Context, channel: &ChannelId, mut state: ReportState) -> Result<(), Failure> {
    let settings = &ctx.settings;
    let catalog = settings.locale.catalog();
    let report = WeeklyReport::configured(&ctx.store, settings, state.next, ctx.clock.now())?;
    let tag = Tag::Report {
        week: state.next.to_string(),
    };
    if state.posting.message.is_none() && state.posting.message_attempted {
        state.posting.message = ctx.slack.find_tagged(channel, None, &tag).await?;
    }
    let message = match state.posting.message.clone() {
        Some(message) => message,
        None => {
            state.posting.message_attempted = true;
            ctx.store.put_report_state(&state).await?;
            let native = settings.report.chart && !state.posting.png;
            let content = report.message(catalog, &settings.currency, native);
            let message = match ctx
                .slack
                .post_message(channel, content, None, Some(&tag), false)
                .await
            {
                Ok(message) => message,
                Err(CallError::Permanent { reason }) if native && reason == INVALID_BLOCKS => {
                    tracing::warn!(week = %state.next, "Slack refused the native chart; posting the report with the chart as an image instead");
                    state.posting.png = true;
                    ctx.store.put_report_state(&state).await?;
                    let text = report.message(catalog, &settings.currency, false);
                    ctx.slack
                        .post_message(channel, text, None, Some(&tag), false)
                        .await?
                }
                Err(e) => return Err(e.into()),
            };
            state.posting.message = Some(message.clone());
            ctx.store.put_report_state(&state).await?;
            message
        }
    };
    // The native chart went out with the message; only its fallback is a file.
    if settings.report.chart && state.posting.png && !state.posting.chart_done {
        let filename = report.chart_file_name();
        let already = state.posting.chart_attempted
            && ctx
                .slack
                .thread_has_file(channel, &message.ts, &filename)
                .await?;
        if !already {
            state.posting.chart_attempted = true;
            ctx.store.put_report_state(&state).await?;
            match ctx
                .slack
                .upload_file(channel, Some(&message.ts), report.chart_upload(catalog))
                .await
            {
                Ok(()) => {}
                // A missing files:write scope must not hold back next week's report.
                Err(CallError::Permanent { reason }) => {
                    tracing::warn!(week = %state.next, reason, "the report's chart could not be shared; the report went out without it");
                }
                Err(e) => return Err(e.into()),
            }
        }
        state.posting.chart_done = true;
        ctx.store.put_report_state(&state).await?;
    }
    ctx.store
        .put_report_state(&ReportState {
            next: state.next.next(),
            posting: Default::default(),
        })
        .await?;
    Ok(())
}

/// Posts a week's report now, whatever the schedule says (the `report --post` command):
/// to re-send one, or to send one early. When the week posted is the one the schedule
/// waits to post, and it has ended, the schedule moves on to the next week, so the bot
/// does not post the same week again at its time (or on start, if it was down).
/// Returns how many cases the report counts (those opened in the week), for the audit log.
pub async fn post_now(
    store: &Store,
    slack: &WebApi,
    settings: &Settings,
    now: jiff::Timestamp,
    week: Week,
) -> Result<u64, String> {
    let Some(channel) = settings.slack.stats_channel.as_ref() else {
        return Err("slack.stats_channel is not set: there is nowhere to post the report.".into());
    };
    let catalog = settings.locale.catalog();
    let report = WeeklyReport::configured(store, settings, week, now).map_err(|e| e.to_string())?;
    let tag = Tag::Report {
        week: week.to_string(),
    };
    let post = |native: bool| {
        let content = report.message(catalog, &settings.currency, native);
        slack.post_message(channel, content, None, Some(&tag), false)
    };
    let native = settings.report.chart;
    let (message, png) = match post(native).await {
        Ok(message) => (message, false),
        Err(CallError::Permanent { reason }) if native && reason == INVALID_BLOCKS => {
            let message = post(false)
                .await
                .map_err(|e| format!("Slack did not take the report: {e}"))?;
            (message, true)
        }
        Err(e) => return Err(format!("Slack did not take the report: {e}")),
    };
    let ended = now >= week.next().start(&settings.report.schedule.zone);
    let pending = store.report_state().map_err(|e| e.to_string())?;
    if ended && pending.is_some_and(|state| state.next == week) {
        store
            .put_report_state(&ReportState {
                next: week.next(),
                posting: Default::default(),
            })
            .await
            .map_err(|e| format!("The report was posted, but the schedule was not updated: {e}"))?;
    }
    if png {
        slack
            .upload_file(channel, Some(&message.ts), report.chart_upload(catalog))
            .await
            .map_err(|e| format!("The report was posted, but its chart was not: {e}"))?;
    }
    Ok(report.summary.stats.opened)
}
