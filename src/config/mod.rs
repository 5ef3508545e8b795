//! Purpose: the bot's settings, read from an optional TOML file and then from
//! `ESCALATION_BOT__SECTION__KEY` environment variables, validated once at start-up into
//! typed values. Secrets come only from the environment, under Slack's usual names.
//! Together with the command line (src/cli/), the only code that reads the environment.
//!
//! - raw.rs: the file format, as serde reads it (the TOML, with the environment over it);
//! - settings.rs: the validated, typed sections the bot runs with (`Settings`);
//! - secrets.rs: the tokens, from the environment only, never printed.
//!
//! Everything public is re-exported here: callers write `crate::config::Settings`.

mod raw;
mod secrets;
mod settings;

use std::fmt;

pub use secrets::{Secret, Secrets};
pub use settings::*;

pub const DEFAULT_CONFIG_FILE: &str = "escalation-bot.toml";
/// What every environment variable of the settings starts with, before `__`.
const ENV_PREFIX: &str = "ESCALATION_BOT";

/// A setting that is wrong, as one sentence naming the key.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct ConfigError(String);

impl ConfigError {
    fn missing(key: &str) -> Self {
        ConfigError(format!(
            "{key} is missing: set it in {DEFAULT_CONFIG_FILE} or as {}.",
            env_name(key)
        ))
    }

    fn invalid(key: &str, why: impl fmt::Display) -> Self {
        ConfigError(format!("{key} is invalid: {why}."))
    }
}

/// `slack.api_url` -> `ESCALATION_BOT__SLACK__API_URL`.
pub fn env_name(key: &str) -> String {
    format!(
        "{ENV_PREFIX}__{}",
        key.replace('.', "__").to_ascii_uppercase()
    )
}

/// Reads `.env` from the working directory into the environment, if there is one.
/// Variables already set win.
pub fn load_env_file() {
    // A missing .env is the normal case in production; nothing to report.
    let _ = dotenvy::dotenv();
}

/// What the tests of every part read: the smallest valid file, and environment pairs.
#[cfg(test)]
mod testing {
    use std::collections::HashMap;

    pub const MINIMAL: &str = r#"
        [slack]
        escalation_channel = "C0123ESCAL"
        [people]
        executives = ["U0EXEC1", "U0EXEC2"]
        managers = ["U0MGR1", "U0MGR2"]
    "#;

    pub fn env(pairs: &[(&str, &str)]) -> HashMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }
}
