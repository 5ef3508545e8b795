//! Purpose: the Events API endpoint. Answers Slack's url_verification challenge when the
//! request URL is configured; watching support channels comes with the subscriptions issue.

use std::sync::Arc;

use serde_json::json;
use slack_morphism::prelude::*;

use crate::app::Context;
use crate::handlers::Reply;

/// `retry` is Slack's X-Slack-Retry-Num: this delivery repeats one Slack thinks failed.
pub async fn handle(ctx: &Arc<Context>, event: SlackPushEvent, retry: Option<u32>) -> Reply {
    match event {
        SlackPushEvent::UrlVerification(v) => Reply::Json(json!({ "challenge": v.challenge })),
        SlackPushEvent::EventCallback(callback) => {
            let event_id = callback.event_id.to_string();
            // Retries and duplicate deliveries carry the same event_id: act on it once.
            match ctx.store.claim_event(&event_id, ctx.clock.now()) {
                Ok(true) => {}
                Ok(false) => {
                    tracing::info!(event_id, ?retry, "duplicate event ignored");
                    return Reply::Ack;
                }
                Err(e) => {
                    // Not acknowledging lets Slack retry once the store is back.
                    tracing::error!(event_id, error = %e, "could not record an event");
                    return Reply::Unavailable;
                }
            }
            tracing::debug!(
                event_id,
                ?retry,
                "event received; nothing subscribes to it yet"
            );
            Reply::Ack
        }
        SlackPushEvent::AppRateLimited(limited) => {
            tracing::warn!(team = %limited.team_id, "Slack is rate-limiting events to this app");
            Reply::Ack
        }
    }
}
