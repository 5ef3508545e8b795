//! Purpose: the Events API. Answers Slack's url_verification challenge; in support
//! channels, turns the trigger reaction into a case, and messages that look abusive (or
//! one too many from the same customer) into a private suggestion to the staff there.
//! Each event is accepted once (by event_id) together with the work it causes, which the
//! event-work job does after the acknowledgement: nothing here calls the Web API.

use std::sync::Arc;

use serde::Deserialize;
use serde_json::{Value, json};
use slack_morphism::prelude::*;

use crate::app::Context;
use crate::domain::{Category, ChannelId, UserId};
use crate::handlers::Reply;
use crate::slack::message::Posted;
use crate::store::Work;

/// The bot events the app subscribes to (the manifest lists exactly these): the trigger
/// reaction, and messages in public and private support channels.
pub const SUBSCRIBED_EVENTS: [&str; 3] = ["reaction_added", "message.channels", "message.groups"];

#[derive(Deserialize)]
struct ReactionAdded {
    user: String,
    reaction: String,
    item: ReactionItem,
}

#[derive(Deserialize)]
struct ReactionItem {
    #[serde(rename = "type")]
    kind: String,
    channel: Option<String>,
    ts: Option<String>,
}

#[derive(Deserialize)]
struct MessageEvent {
    channel: String,
    #[serde(flatten)]
    posted: Posted,
}

/// `retry` is Slack's X-Slack-Retry-Num: this delivery repeats one Slack thinks failed.
/// `raw` is the event as JSON: slack-morphism does not model `user_team`.
pub async fn handle(
    ctx: &Arc<Context>,
    event: SlackPushEvent,
    raw: &Value,
    retry: Option<u32>,
) -> Reply {
    match event {
        SlackPushEvent::UrlVerification(v) => Reply::Json(json!({ "challenge": v.challenge })),
        SlackPushEvent::EventCallback(callback) => {
            let event_id = callback.event_id.to_string();
            let our_team = callback.team_id.to_string();
            let work = work_for(ctx, &raw["event"], &our_team);
            // Retries and duplicate deliveries carry the same event_id: act on it once.
            match ctx
                .store
                .accept_event(&event_id, ctx.clock.now(), work)
                .await
            {
                Ok(true) => Reply::Ack,
                Ok(false) => {
                    tracing::info!(event_id, ?retry, "duplicate event ignored");
                    Reply::Ack
                }
                Err(e) => {
                    // Not acknowledging lets Slack retry once the store is back.
                    tracing::error!(event_id, error = %e, "could not record an event");
                    Reply::Unavailable
                }
            }
        }
        SlackPushEvent::AppRateLimited(limited) => {
            tracing::warn!(team = %limited.team_id, "Slack is rate-limiting events to this app");
            Reply::Ack
        }
    }
}

fn in_support_channel(ctx: &Context, channel: &ChannelId) -> bool {
    ctx.settings.slack.support_channels.contains(channel)
}

/// What an event asks the bot to do later, if anything.
fn work_for(ctx: &Context, event: &Value, our_team: &str) -> Option<Work> {
    match event["type"].as_str()? {
        "reaction_added" => {
            let reaction: ReactionAdded = serde_json::from_value(event.clone()).ok()?;
            let channel = ChannelId::parse(reaction.item.channel.as_deref()?)?;
            if reaction.reaction != ctx.settings.watch.trigger_reaction
                || reaction.item.kind != "message"
                || !in_support_channel(ctx, &channel)
            {
                return None;
            }
            Some(Work::Reaction {
                channel,
                ts: reaction.item.ts?,
                reporter: UserId::parse(&reaction.user)?,
            })
        }
        "message" => {
            let message: MessageEvent = serde_json::from_value(event.clone()).ok()?;
            let channel = ChannelId::parse(&message.channel)?;
            if !ctx.settings.watch.suggestions || !in_support_channel(ctx, &channel) {
                return None;
            }
            suggestion_for(ctx, channel, message.posted, our_team)
        }
        _ => None,
    }
}

/// Whether a message looks like it needs escalating. Only the customer's side counts:
/// a Slack Connect guest, or a helpdesk integration's message naming a customer. Our own
/// staff's messages, other bots and edits never do.
fn suggestion_for(
    ctx: &Context,
    channel: ChannelId,
    posted: Posted,
    our_team: &str,
) -> Option<Work> {
    let watch = &ctx.settings.watch;
    if posted.is_system() || posted.text.trim().is_empty() {
        return None;
    }
    let customer = watch.customers.identify(posted.author_team(), &posted.text);
    let guest = posted
        .author_team()
        .is_some_and(|team| team != our_team || watch.customers.is_customer_team(team));
    let from_customer = if posted.is_from_bot() {
        customer.is_some()
    } else {
        guest
    };
    if !from_customer {
        return None;
    }
    let who = customer
        .map(|c| c.to_string())
        .or_else(|| posted.user.clone())
        .unwrap_or_else(|| "unknown".into());
    let repeated = ctx
        .repeats
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
        .record(&who, ctx.clock.now());
    let category = match (watch.lexicon.classify(&posted.text), repeated) {
        (Some(category), _) => category,
        (None, Some(_)) => Category::Persistent,
        (None, None) => return None,
    };
    Some(Work::Suggest {
        thread: posted.thread_ts.clone(),
        channel,
        ts: posted.ts,
        category,
        repeated,
        author: posted.user,
        our_team: Some(our_team.to_owned()),
    })
}
