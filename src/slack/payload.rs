//! Purpose: decoding what Slack posts to the bot (slash commands as forms, interactivity
//! payloads as a form holding JSON, Events API JSON) into Slack's payload types, with the
//! workspace and app each came from. Pure, so the fuzz targets call it directly.

use serde::Deserialize;
use serde_json::Value;
use slack_morphism::prelude::{SlackInteractionEvent, SlackPushEvent};

/// Which endpoint a body came to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Commands,
    Interactivity,
    Events,
}

/// A slash command as Slack posts it (application/x-www-form-urlencoded).
#[derive(Debug, Clone, Deserialize)]
pub struct CommandForm {
    pub team_id: String,
    pub channel_id: String,
    pub user_id: String,
    pub command: String,
    #[serde(default)]
    pub text: String,
    pub response_url: String,
    pub trigger_id: String,
    #[serde(default)]
    pub api_app_id: Option<String>,
}

#[derive(Debug, Clone)]
pub enum Inbound {
    Command(CommandForm),
    /// The typed payload, and the JSON it came from for fields slack-morphism does not
    /// model (a shortcut message's `user_team`).
    Interaction(Box<SlackInteractionEvent>, Value),
    /// The typed event, and its JSON (for `user_team` and other unmodelled fields).
    Event(Box<SlackPushEvent>, Value),
}

/// The workspace and app a request says it is for, where it says so.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Origin {
    pub team: Option<String>,
    pub app: Option<String>,
}

#[derive(Debug, thiserror::Error)]
pub enum DecodeError {
    #[error("form: {0}")]
    Form(#[from] serde_urlencoded::de::Error),
    #[error("JSON: {0}")]
    Json(#[from] serde_json::Error),
}

#[derive(Deserialize)]
struct InteractionForm {
    payload: String,
}

fn text(v: &Value) -> Option<String> {
    v.as_str().filter(|s| !s.is_empty()).map(str::to_owned)
}

/// Decodes a body as it reaches the HTTP endpoint `kind`.
pub fn decode(kind: Kind, body: &[u8]) -> Result<(Inbound, Origin), DecodeError> {
    match kind {
        Kind::Commands => Ok(command(serde_urlencoded::from_bytes(body)?)),
        Kind::Interactivity => {
            let form: InteractionForm = serde_urlencoded::from_bytes(body)?;
            decode_value(kind, serde_json::from_str(&form.payload)?)
        }
        Kind::Events => decode_value(kind, serde_json::from_slice(body)?),
    }
}

/// Decodes a payload already unwrapped from its transport: the JSON of an interactivity
/// form or an events body, or a Socket Mode envelope's `payload` (which carries slash
/// commands as JSON objects with the form's fields).
pub fn decode_value(kind: Kind, json: Value) -> Result<(Inbound, Origin), DecodeError> {
    match kind {
        Kind::Commands => Ok(command(serde_json::from_value(json)?)),
        Kind::Interactivity => {
            let origin = Origin {
                team: text(&json["team"]["id"]).or_else(|| text(&json["user"]["team_id"])),
                app: text(&json["api_app_id"]).or_else(|| text(&json["view"]["app_id"])),
            };
            let event: SlackInteractionEvent = serde_json::from_value(json.clone())?;
            Ok((Inbound::Interaction(Box::new(event), json), origin))
        }
        Kind::Events => {
            let origin = Origin {
                team: text(&json["team_id"]),
                app: text(&json["api_app_id"]),
            };
            let event: SlackPushEvent = serde_json::from_value(json.clone())?;
            Ok((Inbound::Event(Box::new(event), json), origin))
        }
    }
}

fn command(form: CommandForm) -> (Inbound, Origin) {
    let origin = Origin {
        team: Some(form.team_id.clone()),
        app: form.api_app_id.clone(),
    };
    (Inbound::Command(form), origin)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_command_names_its_team_and_app() {
        let body = b"team_id=T1&channel_id=C1&user_id=U1&command=%2Fescalate&text=a+b&response_url=http%3A%2F%2Fx&trigger_id=t&api_app_id=A1";
        let (inbound, origin) = decode(Kind::Commands, body).unwrap();
        assert!(matches!(inbound, Inbound::Command(ref c) if c.text == "a b"));
        assert_eq!(origin.team.as_deref(), Some("T1"));
        assert_eq!(origin.app.as_deref(), Some("A1"));
    }

    #[test]
    fn the_url_challenge_has_no_origin() {
        let body = br#"{"type":"url_verification","challenge":"c","token":"t"}"#;
        let (_, origin) = decode(Kind::Events, body).unwrap();
        assert_eq!(origin, Origin::default());
    }

    #[test]
    fn junk_is_an_error_not_a_panic() {
        for kind in [Kind::Commands, Kind::Interactivity, Kind::Events] {
            for body in [&b""[..], b"\xff\xfe", b"payload=%7B", b"{\"type\":7}"] {
                assert!(decode(kind, body).is_err(), "{kind:?} {body:?}");
            }
        }
    }
}
