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
    /// Slack checking the command URL's certificate (`ssl_check=1`): it wants a 200.
    SslCheck,
    /// A request from an org-wide (Enterprise Grid) install, which the bot does not
    /// support: read far enough to answer it, never handled.
    OrgWide(OrgWide),
    Command(CommandForm),
    /// The typed payload, and the JSON it came from for fields slack-morphism does not
    /// model (a shortcut message's `user_team`).
    Interaction(Box<SlackInteractionEvent>, Value),
    /// The typed event, and its JSON (for `user_team` and other unmodelled fields).
    Event(Box<SlackPushEvent>, Value),
}

/// What an org-wide install's request says about itself: enough to refuse it clearly.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrgWide {
    pub endpoint: Kind,
    pub enterprise: Option<String>,
    pub user: Option<String>,
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

/// The fields of a command body read before it is taken for a slash command.
#[derive(Deserialize)]
struct CommandProbe {
    ssl_check: Option<String>,
    is_enterprise_install: Option<String>,
    enterprise_id: Option<String>,
    user_id: Option<String>,
}

fn text(v: &Value) -> Option<String> {
    v.as_str().filter(|s| !s.is_empty()).map(str::to_owned)
}

/// Decodes a body as it reaches the HTTP endpoint `kind`.
pub fn decode(kind: Kind, body: &[u8]) -> Result<(Inbound, Origin), DecodeError> {
    match kind {
        Kind::Commands => {
            let probe: CommandProbe = serde_urlencoded::from_bytes(body)?;
            if probe.ssl_check.as_deref() == Some("1") {
                return Ok((Inbound::SslCheck, Origin::default()));
            }
            if probe.is_enterprise_install.as_deref() == Some("true") {
                return Ok(org_wide(kind, probe.enterprise_id, probe.user_id));
            }
            Ok(command(serde_urlencoded::from_bytes(body)?))
        }
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
    if is_org_wide(kind, &json) {
        let (enterprise, user) = match kind {
            Kind::Commands => (text(&json["enterprise_id"]), text(&json["user_id"])),
            Kind::Interactivity => (text(&json["enterprise"]["id"]), text(&json["user"]["id"])),
            Kind::Events => (text(&json["enterprise_id"]), text(&json["event"]["user"])),
        };
        return Ok(org_wide(kind, enterprise, user));
    }
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

/// Whether a payload comes from an org-wide (Enterprise Grid) install. Slack says so with
/// `is_enterprise_install`; such payloads also name no workspace (`team: null`, an
/// authorization with `team_id: null`, an event with only `enterprise_id`), which is
/// what slack-morphism's types cannot read. A workspace install in an Enterprise Grid
/// org names its enterprise too, but also its workspace, and is not one of these.
fn is_org_wide(kind: Kind, json: &Value) -> bool {
    let flagged = |v: &Value| v == &Value::Bool(true) || v.as_str() == Some("true");
    match kind {
        Kind::Commands => flagged(&json["is_enterprise_install"]),
        Kind::Interactivity => {
            flagged(&json["is_enterprise_install"]) || json.get("team") == Some(&Value::Null)
        }
        Kind::Events => {
            if json["type"].as_str() != Some("event_callback") {
                return false;
            }
            let by_authorization =
                json["authorizations"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .any(|a| {
                        flagged(&a["is_enterprise_install"])
                            || a.get("team_id") == Some(&Value::Null)
                    });
            let no_team =
                text(&json["team_id"]).is_none() && text(&json["enterprise_id"]).is_some();
            flagged(&json["is_enterprise_install"]) || by_authorization || no_team
        }
    }
}

fn org_wide(kind: Kind, enterprise: Option<String>, user: Option<String>) -> (Inbound, Origin) {
    (
        Inbound::OrgWide(OrgWide {
            endpoint: kind,
            enterprise,
            user,
        }),
        Origin::default(),
    )
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

    #[test]
    fn a_certificate_check_is_not_a_slash_command() {
        let (inbound, origin) = decode(Kind::Commands, b"ssl_check=1&token=x").unwrap();
        assert!(matches!(inbound, Inbound::SslCheck));
        assert_eq!(origin, Origin::default());
    }

    #[test]
    fn org_wide_installs_are_read_and_set_apart() {
        let command = b"team_id=T1&channel_id=C1&user_id=W1&command=%2Fescalate&text=x&response_url=u&trigger_id=t&is_enterprise_install=true&enterprise_id=E1";
        let (inbound, _) = decode(Kind::Commands, command).unwrap();
        assert!(
            matches!(inbound, Inbound::OrgWide(ref o) if o.enterprise.as_deref() == Some("E1") && o.endpoint == Kind::Commands),
            "{inbound:?}"
        );
        let closed = serde_json::json!({
            "type": "view_closed", "team": null, "user": {"id": "W1"},
            "view": {"id": "V1"}, "is_enterprise_install": true, "enterprise": {"id": "E1"},
        });
        let (inbound, _) = decode_value(Kind::Interactivity, closed).unwrap();
        assert!(matches!(inbound, Inbound::OrgWide(ref o) if o.user.as_deref() == Some("W1")));
        let event = serde_json::json!({
            "type": "event_callback", "team_id": "T1", "enterprise_id": "E1", "api_app_id": "A1",
            "event": {"type": "app_home_opened", "user": "W1"}, "event_id": "Ev1", "event_time": 1,
            "authorizations": [{"enterprise_id": "E1", "team_id": null, "user_id": "W1", "is_bot": true}],
        });
        let (inbound, _) = decode_value(Kind::Events, event).unwrap();
        assert!(matches!(inbound, Inbound::OrgWide(_)));
        let granted = serde_json::json!({
            "type": "event_callback", "enterprise_id": "E1", "api_app_id": "A1",
            "event": {"type": "team_access_granted", "team_ids": ["T1"]}, "event_id": "Ev2", "event_time": 1,
        });
        assert!(matches!(
            decode_value(Kind::Events, granted).unwrap().0,
            Inbound::OrgWide(_)
        ));
    }

    #[test]
    fn a_workspace_install_in_an_enterprise_org_is_an_ordinary_request() {
        let command = b"team_id=T1&enterprise_id=E1&channel_id=C1&user_id=U1&command=%2Fescalate&text=x&response_url=u&trigger_id=t";
        let (inbound, origin) = decode(Kind::Commands, command).unwrap();
        assert!(matches!(inbound, Inbound::Command(_)));
        assert_eq!(origin.team.as_deref(), Some("T1"));
    }
}
