//! Purpose: the Events API endpoint. Answers Slack's url_verification challenge when the
//! request URL is configured; watching support channels comes with the subscriptions issue.

use std::sync::Arc;

use serde_json::json;
use slack_morphism::prelude::*;

use crate::app::Context;
use crate::handlers::Reply;

pub async fn handle(_ctx: &Arc<Context>, event: SlackPushEvent) -> Reply {
    match event {
        SlackPushEvent::UrlVerification(v) => Reply::Json(json!({ "challenge": v.challenge })),
        SlackPushEvent::EventCallback(callback) => {
            tracing::debug!(event_id = %callback.event_id, "event received; nothing subscribes to it yet");
            Reply::Ack
        }
        SlackPushEvent::AppRateLimited(limited) => {
            tracing::warn!(team = %limited.team_id, "Slack is rate-limiting events to this app");
            Reply::Ack
        }
    }
}
