//! Purpose: the Events API. Answers Slack's url_verification challenge; in support
//! channels, turns the trigger reaction into a case, and messages that look abusive (or
//! one too many from the same customer) into a private suggestion to the staff there; in
//! the consultation channel, notes the desk's first reply in a consultation's thread.
//! Each event is accepted once (by event_id) together with the work it causes, which the
//! event-work job does after the acknowledgement: nothing here calls the Web API. The
//! bot's own messages and reactions cause nothing.

use std::sync::Arc;

use serde::Deserialize;
use serde_json::{Value, json};
use slack_morphism::prelude::*;

use crate::app::Context;
use crate::domain::repeats::{Contactor, ts_time};
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
            // Retries and duplicate deliveries carry the same event_id: act on it once.
            // Asked before `work_for`, which counts a message towards repeated contact:
            // a retry must not count it again. (`accept_event` below still decides, for
            // two deliveries racing each other.)
            match ctx.store.event_seen(&event_id) {
                Ok(false) => {}
                Ok(true) => {
                    tracing::info!(event_id, ?retry, "duplicate event ignored");
                    return Reply::Ack;
                }
                Err(e) => {
                    tracing::error!(event_id, error = %e, "could not look up an event");
                    return Reply::Unavailable;
                }
            }
            let event = &raw["event"];
            let work = if Us::of(raw).wrote(event) {
                tracing::debug!(event_id, "ignored an event the bot caused itself");
                None
            } else {
                work_for(ctx, event, &our_team)
            };
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

/// This app and its bot user, as the envelope names them: `api_app_id`, and the
/// `authorizations` Slack delivered the event for.
struct Us<'a> {
    app: Option<&'a str>,
    bot_users: Vec<&'a str>,
}

impl<'a> Us<'a> {
    fn of(envelope: &'a Value) -> Self {
        let bot_users = envelope["authorizations"]
            .as_array()
            .into_iter()
            .flatten()
            // A user-token authorization names the person who installed the app: their
            // reactions and messages are theirs, not the bot's.
            .filter(|a| a["is_bot"].as_bool() != Some(false))
            .filter_map(|a| a["user_id"].as_str())
            .filter(|u| !u.is_empty())
            .collect();
        Us {
            app: envelope["api_app_id"].as_str().filter(|a| !a.is_empty()),
            bot_users,
        }
    }

    fn is_bot_user(&self, user: &Value) -> bool {
        user.as_str().is_some_and(|u| self.bot_users.contains(&u))
    }

    /// The bot's own message or reaction: never a customer's words, never a report, so
    /// it can neither be suggested nor open a case.
    fn wrote(&self, event: &Value) -> bool {
        match event["type"].as_str() {
            Some("message") => {
                let app = event["app_id"]
                    .as_str()
                    .or_else(|| event["bot_profile"]["app_id"].as_str());
                (self.app.is_some() && app == self.app) || self.is_bot_user(&event["user"])
            }
            Some("reaction_added") => self.is_bot_user(&event["user"]),
            _ => false,
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
            // A reply in a consultation's thread may be the desk's first answer.
            if ctx.settings.slack.consultation_channel.as_ref() == Some(&channel) {
                let posted = message.posted;
                if posted.is_system() || posted.is_from_bot() {
                    return None;
                }
                return Some(Work::ConsultReply {
                    thread_ts: posted.reply_to()?.to_owned(),
                    user: posted.author()?,
                    ts: posted.ts,
                    channel,
                });
            }
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
    let customer = watch
        .customers
        .identify(posted.writer(), &posted.text, Some(our_team));
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
    // Counted per customer (whatever the channel), or per guest when their company is
    // unknown; durably, so a restart forgets no contact.
    let who = match customer {
        Some(id) => Contactor::Customer(id),
        None => Contactor::Guest(posted.user.clone().unwrap_or_else(|| "unknown".into())),
    };
    let at = ts_time(&posted.ts).unwrap_or_else(|| ctx.clock.now());
    let origin = format!("{channel}:{}", posted.ts);
    let repeated = ctx
        .store
        .repeated_contact(&who, &origin, at, &watch.repeat_policy())
        .unwrap_or_else(|e| {
            tracing::error!(error = %e, "could not count a contact");
            None
        });
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

#[cfg(test)]
mod tests {
    use super::*;

    fn envelope() -> Value {
        json!({
            "api_app_id": "A0US",
            "authorizations": [
                {"user_id": "U0BOT", "is_bot": true},
                {"user_id": "U0INSTALLER", "is_bot": false},
            ],
        })
    }

    #[test]
    fn our_messages_are_known_by_app_or_bot_user() {
        let envelope = envelope();
        let us = Us::of(&envelope);
        for ours in [
            json!({"type": "message", "app_id": "A0US", "bot_id": "B0US", "text": "x"}),
            json!({"type": "message", "bot_profile": {"app_id": "A0US"}, "text": "x"}),
            json!({"type": "message", "user": "U0BOT", "text": "x"}),
            json!({"type": "reaction_added", "user": "U0BOT", "reaction": "rotating_light"}),
        ] {
            assert!(us.wrote(&ours), "{ours}");
        }
        for theirs in [
            json!({"type": "message", "app_id": "A0HELPDESK", "bot_id": "B0HD", "text": "x"}),
            json!({"type": "message", "user": "U0CUST1", "text": "x"}),
            json!({"type": "message", "user": "U0INSTALLER", "text": "x"}),
            json!({"type": "reaction_added", "user": "U0AGENT1", "reaction": "rotating_light"}),
            json!({"type": "reaction_added", "user": "U0INSTALLER"}),
            json!({"type": "app_mention", "user": "U0BOT"}),
        ] {
            assert!(!us.wrote(&theirs), "{theirs}");
        }
    }

    #[test]
    fn an_envelope_that_names_no_app_claims_no_message() {
        let bare = json!({});
        let us = Us::of(&bare);
        assert!(!us.wrote(&json!({"type": "message", "text": "x"})));
        assert!(!us.wrote(&json!({"type": "message", "app_id": null, "user": "U0BOT"})));
        let odd = json!({"api_app_id": 7, "authorizations": "none"});
        assert!(!Us::of(&odd).wrote(&json!({"type": "reaction_added", "user": "U0BOT"})));
    }
}
