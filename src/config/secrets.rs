//! Purpose: the Slack tokens the bot needs, read from the environment only (never from
//! the file), under Slack's usual names, and never shown in logs or `Debug` output.

use std::collections::HashMap;
use std::fmt;

use super::{ConfigError, Mode};

/// A secret that never shows up in `Debug` output or logs.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    pub fn new(value: impl Into<String>) -> Self {
        Secret(value.into())
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(..)")
    }
}

#[derive(Debug, Clone)]
pub struct Secrets {
    pub bot_token: Secret,
    pub signing_secret: Secret,
    /// The app-level token (`xapp-…`) Socket Mode connects with.
    pub app_token: Option<Secret>,
}

impl Secrets {
    /// Reads `SLACK_BOT_TOKEN`, `SLACK_SIGNING_SECRET` and, for Socket Mode,
    /// `SLACK_APP_TOKEN`.
    pub fn from_env(mode: Mode) -> Result<Secrets, ConfigError> {
        Secrets::from_map(&std::env::vars().collect(), mode)
    }

    pub fn from_map(env: &HashMap<String, String>, mode: Mode) -> Result<Secrets, ConfigError> {
        let get = |name: &str| match env.get(name).map(|v| v.trim()) {
            Some(v) if !v.is_empty() => Ok(Secret::new(v)),
            _ => Err(ConfigError(format!(
                "{name} is not set: put the value from your Slack app's settings in the \
                 environment (or in .env)."
            ))),
        };
        let app_token = match mode {
            Mode::Socket => Some(get("SLACK_APP_TOKEN").map_err(|_| {
                ConfigError(
                    "SLACK_APP_TOKEN is not set: Socket Mode (slack.mode = \"socket\") needs the \
                     app-level token (xapp-…) from the app's Basic Information page."
                        .into(),
                )
            })?),
            Mode::Http => None,
        };
        Ok(Secrets {
            bot_token: get("SLACK_BOT_TOKEN")?,
            signing_secret: get("SLACK_SIGNING_SECRET")?,
            app_token,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::testing::env;

    #[test]
    fn secrets_are_required_and_never_printed() {
        let err =
            Secrets::from_map(&env(&[("SLACK_BOT_TOKEN", "xoxb-1")]), Mode::Http).unwrap_err();
        assert!(err.to_string().contains("SLACK_SIGNING_SECRET"));
        let pairs = [
            ("SLACK_BOT_TOKEN", "xoxb-secret-token"),
            ("SLACK_SIGNING_SECRET", "shh"),
        ];
        let secrets = Secrets::from_map(&env(&pairs), Mode::Http).unwrap();
        let err = Secrets::from_map(&env(&pairs), Mode::Socket).unwrap_err();
        assert!(err.to_string().contains("SLACK_APP_TOKEN"));
        let shown = format!("{secrets:?}");
        assert!(
            !shown.contains("xoxb-secret-token") && !shown.contains("shh"),
            "{shown}"
        );
    }
}
