//! Purpose: plays Slack's part towards the bot: builds slash commands, button clicks,
//! form submissions and events in Slack's wire formats, signs them exactly as Slack does,
//! and posts them to the bot over HTTP. Clicks and submissions are built from the
//! messages and forms the bot really produced, so a test can only press buttons that exist.

use std::sync::Arc;

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::Request;
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::TokioExecutor;
use serde_json::{Value, json};

use super::signature::{self, SIGNATURE_HEADER, TIMESTAMP_HEADER};
use super::web_api::{APP_ID, Message, StandIn, TEAM_ID};

/// Slack's clock: the Unix time, in seconds, requests are signed at.
type Clock = Arc<dyn Fn() -> i64 + Send + Sync>;

pub struct Sender {
    bot_url: String,
    secret: String,
    slack: Arc<StandIn>,
    client: Client<HttpConnector, Full<Bytes>>,
    /// Slack's clock, for request timestamps: the app's, in tests that move time.
    clock: Clock,
}

/// The bot's HTTP answer.
#[derive(Debug, Clone)]
pub struct Answer {
    pub status: u16,
    pub body: String,
}

impl Answer {
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.body).unwrap_or(Value::Null)
    }

    /// The text of an ephemeral reply (empty when there is none).
    pub fn text(&self) -> String {
        self.json()["text"].as_str().unwrap_or_default().to_owned()
    }
}

/// The system clock's Unix time, in seconds.
pub fn unix_now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
}

impl Sender {
    /// `bot_url` is the bot's base, like `http://127.0.0.1:3000`.
    pub fn new(bot_url: String, signing_secret: &str, slack: Arc<StandIn>) -> Sender {
        Sender {
            bot_url,
            secret: signing_secret.to_owned(),
            slack,
            client: Client::builder(TokioExecutor::new()).build_http(),
            clock: Arc::new(unix_now),
        }
    }

    /// Signs with timestamps from `now` (Unix seconds) instead of the system clock: the
    /// app's clock, in tests that move time.
    pub fn with_clock(self, now: impl Fn() -> i64 + Send + Sync + 'static) -> Sender {
        Sender {
            clock: Arc::new(now),
            ..self
        }
    }

    fn now(&self) -> i64 {
        (self.clock)()
    }

    fn user_json(&self, user: &str) -> Value {
        let name = self.slack.user_name(user);
        let team = self.slack.user_team(user);
        json!({ "id": user, "username": name, "name": name, "team_id": team })
    }

    /// Posts with explicit signature headers (`None` leaves a header out).
    pub async fn post_raw(
        &self,
        path: &str,
        content_type: &str,
        body: Vec<u8>,
        timestamp: Option<String>,
        signature: Option<String>,
    ) -> Answer {
        let mut request = Request::post(format!("{}{path}", self.bot_url))
            .header("content-type", content_type)
            .header("user-agent", "Slackbot 1.0 (+https://api.slack.com/robots)");
        if let Some(ts) = timestamp {
            request = request.header(TIMESTAMP_HEADER, ts);
        }
        if let Some(sig) = signature {
            request = request.header(SIGNATURE_HEADER, sig);
        }
        let request = request
            .body(Full::new(Bytes::from(body)))
            .expect("a request built from valid parts");
        match self.client.request(request).await {
            Ok(response) => {
                let status = response.status().as_u16();
                let body = response
                    .into_body()
                    .collect()
                    .await
                    .map(|b| String::from_utf8_lossy(&b.to_bytes()).into_owned())
                    .unwrap_or_default();
                Answer { status, body }
            }
            Err(e) => Answer {
                status: 0,
                body: format!("no answer: {e}"),
            },
        }
    }

    /// Posts a body signed now, as Slack would.
    pub async fn post_signed(&self, path: &str, content_type: &str, body: Vec<u8>) -> Answer {
        let ts = self.now().to_string();
        let sig = signature::sign(&self.secret, &ts, &body);
        self.post_raw(path, content_type, body, Some(ts), Some(sig))
            .await
    }

    fn form(pairs: &[(&str, &str)]) -> Vec<u8> {
        serde_urlencoded::to_string(pairs)
            .expect("string pairs always encode")
            .into_bytes()
    }

    /// `/escalate <text>` typed by `user` in `channel` (so they are in it).
    pub async fn command(&self, user: &str, channel: &str, text: &str) -> Answer {
        self.slack.join(channel, user);
        let response_url = self.slack.response_url(user);
        let trigger = self.slack.trigger_id();
        let user_name = self.slack.user_name(user);
        let channel_name = self.slack.channel_name(channel).unwrap_or_default();
        let body = Self::form(&[
            ("token", "legacy-verification-token"),
            ("team_id", TEAM_ID),
            ("team_domain", "standin"),
            ("channel_id", channel),
            ("channel_name", &channel_name),
            ("user_id", user),
            ("user_name", &user_name),
            ("command", "/escalate"),
            ("text", text),
            ("api_app_id", APP_ID),
            ("is_enterprise_install", "false"),
            ("response_url", &response_url),
            ("trigger_id", &trigger),
        ]);
        self.post_signed("/slack/commands", "application/x-www-form-urlencoded", body)
            .await
    }

    /// `user` clicks the button `action_id` on `message`. Fails when the message has no
    /// such button (as in Slack, where there would be nothing to click).
    pub async fn click(
        &self,
        user: &str,
        message: &Message,
        action_id: &str,
    ) -> Result<Answer, String> {
        let (block_id, button) = find_button(&message.blocks, action_id)
            .ok_or_else(|| format!("no {action_id} button on the message {}", message.ts))?;
        if message.only_for.is_none() {
            self.slack.join(&message.channel, user);
        }
        let payload = json!({
            "type": "block_actions",
            "team": { "id": TEAM_ID, "domain": "standin" },
            "user": self.user_json(user),
            "api_app_id": APP_ID,
            "token": "legacy-verification-token",
            "container": {
                "type": "message", "message_ts": message.ts,
                "channel_id": message.channel, "is_ephemeral": false,
            },
            "trigger_id": self.slack.trigger_id(),
            "channel": { "id": message.channel, "name": self.slack.channel_name(&message.channel).unwrap_or_default() },
            "message": {
                "type": "message", "ts": message.ts, "text": message.text,
                "blocks": message.blocks, "bot_id": super::web_api::BOT_ID,
            },
            "response_url": self.slack.response_url(user),
            "actions": [self.button_action(action_id, &block_id, &button)],
        });
        Ok(self.interaction(&payload).await)
    }

    /// A click on `button` (found in `block_id`) as an entry of a block_actions payload.
    fn button_action(&self, action_id: &str, block_id: &str, button: &Value) -> Value {
        json!({
            "type": "button",
            "action_id": action_id,
            "block_id": block_id,
            "text": button["text"],
            "value": button["value"],
            "action_ts": format!("{}.000100", self.now()),
        })
    }

    /// `user` clicks the button `action_id` in the form `view` they have open (as the
    /// stand-in returned it: `views()`), as Slack sends it: the view's container, the view
    /// with its id, hash and private_metadata, and a trigger. Fails when the view has no
    /// such button.
    pub async fn click_in_view(
        &self,
        user: &str,
        view: &Value,
        action_id: &str,
    ) -> Result<Answer, String> {
        let (block_id, button) = find_button(&view["blocks"], action_id)
            .ok_or_else(|| format!("no {action_id} button in the view {}", view["id"]))?;
        let payload = json!({
            "type": "block_actions",
            "team": { "id": TEAM_ID, "domain": "standin" },
            "user": self.user_json(user),
            "api_app_id": APP_ID,
            "token": "legacy-verification-token",
            "container": { "type": "view", "view_id": view["id"] },
            "trigger_id": self.slack.trigger_id(),
            "view": view,
            "actions": [self.button_action(action_id, &block_id, &button)],
        });
        Ok(self.interaction(&payload).await)
    }

    /// Posts an interactivity payload as Slack does: a form with one `payload` field.
    pub async fn interaction(&self, payload: &Value) -> Answer {
        let body = Self::form(&[("payload", &payload.to_string())]);
        self.post_signed(
            "/slack/interactivity",
            "application/x-www-form-urlencoded",
            body,
        )
        .await
    }

    /// `user` fills in the form `view` (as views.open returned it) with `inputs`, given as
    /// (block id, typed text or chosen option value), and submits it.
    pub async fn submit(&self, user: &str, view: &Value, inputs: &[(&str, &str)]) -> Answer {
        let mut values = serde_json::Map::new();
        for (block_id, input) in inputs {
            let Some(element) = find_input(view, block_id) else {
                continue;
            };
            let action_id = element["action_id"].as_str().unwrap_or(block_id).to_owned();
            let kind = element["type"].as_str().unwrap_or("plain_text_input");
            let value = match kind {
                "static_select" | "radio_buttons" => {
                    let text = element["options"]
                        .as_array()
                        .and_then(|options| options.iter().find(|o| o["value"] == *input))
                        .map(|o| o["text"].clone())
                        .unwrap_or(json!({ "type": "plain_text", "text": input }));
                    json!({ "type": kind, "selected_option": { "text": text, "value": input } })
                }
                // Checkboxes take the values ticked, comma-separated ("" ticks none).
                "checkboxes" => {
                    let chosen: Vec<Value> = input
                        .split(',')
                        .filter(|v| !v.is_empty())
                        .map(|v| {
                            element["options"]
                                .as_array()
                                .and_then(|options| options.iter().find(|o| o["value"] == v))
                                .cloned()
                                .unwrap_or(json!({
                                    "text": { "type": "plain_text", "text": v }, "value": v
                                }))
                        })
                        .collect();
                    json!({ "type": kind, "selected_options": chosen })
                }
                "datepicker" => json!({ "type": kind, "selected_date": input }),
                // A date and time as Slack sends it: seconds since the epoch.
                "datetimepicker" => json!({
                    "type": kind,
                    "selected_date_time": input.parse::<i64>().unwrap_or_default(),
                }),
                _ => json!({ "type": kind, "value": input }),
            };
            values.insert(block_id.to_string(), json!({ action_id: value }));
        }
        // Slack sends every input's state: a field left as the form preselected it
        // carries its initial value.
        for block in view["blocks"].as_array().into_iter().flatten() {
            let (Some(block_id), element) = (block["block_id"].as_str(), &block["element"]) else {
                continue;
            };
            if block["type"] != "input" || values.contains_key(block_id) {
                continue;
            }
            let action_id = element["action_id"].as_str().unwrap_or(block_id).to_owned();
            let kind = element["type"].as_str().unwrap_or("plain_text_input");
            let value = if element["initial_option"].is_object() {
                json!({ "type": kind, "selected_option": element["initial_option"] })
            } else if kind == "checkboxes" {
                let ticked = element["initial_options"].clone();
                let ticked = if ticked.is_array() { ticked } else { json!([]) };
                json!({ "type": kind, "selected_options": ticked })
            } else if let Some(date) = element["initial_date"].as_str() {
                json!({ "type": kind, "selected_date": date })
            } else if let Some(text) = element["initial_value"].as_str() {
                json!({ "type": kind, "value": text })
            } else {
                continue;
            };
            values.insert(block_id.to_owned(), json!({ action_id: value }));
        }
        let mut submitted = view.clone();
        submitted["state"] = json!({ "values": values });
        let payload = json!({
            "type": "view_submission",
            "team": { "id": TEAM_ID, "domain": "standin" },
            "user": self.user_json(user),
            "api_app_id": APP_ID,
            "token": "legacy-verification-token",
            "trigger_id": self.slack.trigger_id(),
            "view": submitted,
            "response_urls": [],
        });
        self.interaction(&payload).await
    }

    /// An Events API delivery of `event` (the inner event object), as Slack wraps it.
    pub async fn event(&self, event: Value) -> Answer {
        let body = json!({
            "token": "legacy-verification-token",
            "team_id": TEAM_ID,
            "api_app_id": APP_ID,
            "event": event,
            "type": "event_callback",
            "event_id": format!("Ev{:010X}", fastrand::u64(..)),
            "event_time": self.now(),
            "authorizations": [{
                "team_id": TEAM_ID, "user_id": super::web_api::BOT_USER, "is_bot": true
            }],
        });
        self.post_signed(
            "/slack/events",
            "application/json",
            body.to_string().into_bytes(),
        )
        .await
    }

    /// `user` adds `reaction` to `message`.
    pub async fn react(&self, user: &str, message: &Message, reaction: &str) -> Answer {
        self.slack.join(&message.channel, user);
        self.event(json!({
            "type": "reaction_added",
            "user": user,
            "reaction": reaction,
            "item": { "type": "message", "channel": message.channel, "ts": message.ts },
            "item_user": message.author.as_ref().map(|a| a.user.clone()),
            "event_ts": format!("{}.000200", self.now()),
        }))
        .await
    }

    /// The `message` event for a message someone posted.
    pub async fn message_event(&self, message: &Message) -> Answer {
        let mut event = self.slack.message_json(message);
        event["channel"] = json!(message.channel);
        event["event_ts"] = json!(message.ts);
        event["channel_type"] = json!("channel");
        self.event(event).await
    }

    /// `user` runs the "Escalate this message" shortcut on `message`.
    pub async fn shortcut(&self, user: &str, message: &Message) -> Answer {
        self.shortcut_named(user, message, "escalate_message").await
    }

    /// `user` runs the message shortcut `callback_id` on `message` (one a deploy renamed
    /// may still be in people's clients).
    pub async fn shortcut_named(&self, user: &str, message: &Message, callback_id: &str) -> Answer {
        self.slack.join(&message.channel, user);
        let payload = json!({
            "type": "message_action",
            "callback_id": callback_id,
            "team": { "id": TEAM_ID, "domain": "standin" },
            "user": self.user_json(user),
            "channel": { "id": message.channel, "name": self.slack.channel_name(&message.channel).unwrap_or_default() },
            "message": self.slack.message_json(message),
            "message_ts": message.ts,
            "trigger_id": self.slack.trigger_id(),
            "response_url": self.slack.response_url(user),
            "token": "legacy-verification-token",
            "action_ts": format!("{}.000300", self.now()),
        });
        self.interaction(&payload).await
    }

    /// The challenge Slack sends when the events request URL is configured.
    pub async fn url_verification(&self, challenge: &str) -> Answer {
        let body = json!({ "token": "legacy", "challenge": challenge, "type": "url_verification" });
        self.post_signed(
            "/slack/events",
            "application/json",
            body.to_string().into_bytes(),
        )
        .await
    }
}

fn find_button(blocks: &Value, action_id: &str) -> Option<(String, Value)> {
    blocks.as_array()?.iter().find_map(|block| {
        let button = block["elements"]
            .as_array()?
            .iter()
            .find(|e| e["type"] == "button" && e["action_id"] == action_id)?;
        let block_id = block["block_id"]
            .as_str()
            .map(str::to_owned)
            .unwrap_or_else(|| format!("blk{:04x}", fastrand::u16(..)));
        Some((block_id, button.clone()))
    })
}

fn find_input<'a>(view: &'a Value, block_id: &str) -> Option<&'a Value> {
    view["blocks"]
        .as_array()?
        .iter()
        .find(|b| b["type"] == "input" && b["block_id"] == block_id)
        .map(|b| &b["element"])
}
