//! Purpose: the configuration's file format, as serde reads it: the TOML file's sections
//! and keys, with `ESCALATION_BOT__SECTION__KEY` environment variables layered over it.
//! Every value is optional and unchecked here; settings.rs validates them. Unknown keys
//! are refused, so a typo surfaces.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

use serde::Deserialize;

use super::{ConfigError, DEFAULT_CONFIG_FILE, ENV_PREFIX};
use crate::domain::Category;

/// Environment variables that hold lists, comma-separated.
const LIST_KEYS: [&str; 6] = [
    "slack.support_channels",
    "people.executives",
    "people.managers",
    "people.approvers",
    "people.support_leads",
    "people.consultation_desk",
];

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub(super) struct Raw {
    pub(super) server: RawServer,
    pub(super) store: RawStore,
    pub(super) slack: RawSlack,
    pub(super) people: RawPeople,
    pub(super) paging: RawPaging,
    pub(super) delivery: RawDelivery,
    pub(super) policy: RawPolicy,
    pub(super) i18n: RawI18n,
    pub(super) customers: BTreeMap<String, String>,
    pub(super) suggestions: RawSuggestions,
    pub(super) telemetry: RawTelemetry,
    pub(super) lexicon: BTreeMap<String, Vec<String>>,
    pub(super) report: RawReport,
    pub(super) operations: RawOperations,
    pub(super) care: RawCare,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub(super) struct RawOperations {
    pub(super) output_dir: Option<PathBuf>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub(super) struct RawReport {
    pub(super) weekly_at: Option<String>,
    pub(super) timezone: Option<String>,
    pub(super) chart: Option<bool>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub(super) struct RawSuggestions {
    pub(super) enabled: Option<bool>,
    pub(super) repeat_count: Option<u32>,
    /// The window as a duration ("30m", "72h"); `repeat_minutes` is the older spelling.
    pub(super) repeat_window: Option<String>,
    pub(super) repeat_minutes: Option<u32>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub(super) struct RawServer {
    pub(super) bind: Option<String>,
    pub(super) metrics_bind: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub(super) struct RawTelemetry {
    pub(super) format: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub(super) struct RawStore {
    pub(super) path: Option<PathBuf>,
    pub(super) cache_mb: Option<u64>,
    pub(super) retention: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub(super) struct RawSlack {
    pub(super) api_url: Option<String>,
    pub(super) escalation_channel: Option<String>,
    pub(super) stats_channel: Option<String>,
    pub(super) support_channels: Option<Vec<String>>,
    pub(super) team_id: Option<String>,
    pub(super) app_id: Option<String>,
    pub(super) mode: Option<String>,
    pub(super) trigger_reaction: Option<String>,
    pub(super) customer_pattern: Option<String>,
    pub(super) consultation_channel: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub(super) struct RawPeople {
    pub(super) executives: Option<Vec<String>>,
    pub(super) managers: Option<Vec<String>>,
    pub(super) approvers: Option<Vec<String>>,
    pub(super) support_leads: Option<Vec<String>>,
    pub(super) consultation_desk: Option<Vec<String>>,
    pub(super) staff_group: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub(super) struct RawPaging {
    pub(super) ack_timeout: Option<String>,
    pub(super) max_rounds: Option<u32>,
    pub(super) decision_reminder: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub(super) struct RawDelivery {
    pub(super) call_timeout: Option<String>,
    pub(super) retry_base: Option<String>,
    pub(super) retry_cap: Option<String>,
    pub(super) max_attempts: Option<u32>,
    pub(super) channel_rate: Option<f64>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub(super) struct RawPolicy {
    pub(super) version: Option<String>,
    pub(super) currency: Option<String>,
    pub(super) refund_approval_over: Option<u64>,
    pub(super) customer_count: Option<u64>,
    pub(super) reporter_may_decide: Option<bool>,
    pub(super) company_name: Option<String>,
    pub(super) terms_clause: Option<String>,
    pub(super) document_url: Option<String>,
    pub(super) summary: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub(super) struct RawCare {
    pub(super) support_url: Option<String>,
    /// A duration ("3d"), or "off".
    pub(super) check_in_after: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub(super) struct RawI18n {
    pub(super) locale: Option<String>,
}

impl Raw {
    /// The settings as written in TOML text and environment-style overrides.
    pub(super) fn read(toml: &str, env: HashMap<String, String>) -> Result<Raw, ConfigError> {
        layered(toml, env)
            .and_then(|c| c.try_deserialize())
            .map_err(|e| ConfigError(format!("The configuration could not be read: {e}.")))
    }
}

/// The file at `path` (optional when it is the default name), and the environment's
/// `ESCALATION_BOT__*` variables.
pub(super) fn read_sources(
    path: Option<&Path>,
) -> Result<(String, HashMap<String, String>), ConfigError> {
    let env: HashMap<String, String> = std::env::vars()
        .filter(|(k, _)| k.starts_with(&format!("{ENV_PREFIX}__")))
        .collect();
    let (file, required) = match path {
        Some(p) => (p.to_owned(), true),
        None => (PathBuf::from(DEFAULT_CONFIG_FILE), false),
    };
    let text = match std::fs::read_to_string(&file) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound && !required => String::new(),
        Err(e) => {
            return Err(ConfigError(format!(
                "The configuration file {} could not be read: {e}.",
                file.display()
            )));
        }
    };
    Ok((text, env))
}

/// The file's settings with the environment's over them.
pub(super) fn layered(
    toml: &str,
    env: HashMap<String, String>,
) -> Result<::config::Config, ::config::ConfigError> {
    let mut environment = ::config::Environment::with_prefix(ENV_PREFIX)
        .prefix_separator("__")
        .separator("__")
        .list_separator(",")
        .try_parsing(true)
        .source(Some(env.into_iter().collect()));
    for key in LIST_KEYS {
        environment = environment.with_list_parse_key(key);
    }
    // `[lexicon]` phrases per category, as ESCALATION_BOT__LEXICON__VERBAL_ABUSE: the
    // environment cannot spell `-`, and `Category::parse` reads `_` for it.
    for category in Category::ALL {
        let key = format!("lexicon.{}", category.slug().replace('-', "_"));
        environment = environment.with_list_parse_key(&key);
    }
    ::config::Config::builder()
        .add_source(::config::File::from_str(toml, ::config::FileFormat::Toml))
        .add_source(environment)
        .build()
}

#[cfg(test)]
mod tests {
    use crate::config::testing::{MINIMAL, env};
    use crate::config::*;
    use crate::domain::Category;
    use crate::i18n::Locale;
    use std::collections::HashMap;

    #[test]
    fn environment_overrides_the_file_including_lists() {
        let s = Settings::from_sources(
            MINIMAL,
            env(&[
                ("ESCALATION_BOT__I18N__LOCALE", "ja"),
                ("ESCALATION_BOT__PEOPLE__MANAGERS", "U0MGR1,U0MGR2"),
                ("ESCALATION_BOT__PAGING__ACK_TIMEOUT", "1h 30m"),
                ("ESCALATION_BOT__POLICY__CUSTOMER_COUNT", "350"),
                ("ESCALATION_BOT__SLACK__API_URL", "http://127.0.0.1:9/api/"),
            ]),
        )
        .unwrap();
        assert_eq!(s.locale, Locale::Ja);
        assert_eq!(s.rules.roles.managers.len(), 2);
        assert_eq!(
            s.rules.paging.ack_timeout,
            jiff::SignedDuration::from_mins(90)
        );
        assert_eq!(s.customer_count, Some(350));
        assert_eq!(s.slack.api_url, "http://127.0.0.1:9/api");
    }

    #[test]
    fn lexicon_phrases_can_be_added_from_the_environment() {
        let s = Settings::from_sources(
            MINIMAL,
            env(&[(
                "ESCALATION_BOT__LEXICON__UNREASONABLE_DEMAND",
                "give me zorblax,refund the moon",
            )]),
        )
        .unwrap();
        for phrase in ["give me zorblax", "refund the moon"] {
            assert_eq!(
                s.watch.lexicon.classify(phrase),
                Some(Category::UnreasonableDemand),
                "{phrase}"
            );
        }
        let err =
            Settings::from_sources(MINIMAL, env(&[("ESCALATION_BOT__LEXICON__RUDENESS", "x")]))
                .unwrap_err()
                .to_string();
        assert!(err.contains("lexicon.rudeness"), "{err}");
    }

    #[test]
    fn unknown_keys_are_refused_so_typos_surface() {
        let err = Settings::from_sources(
            &format!("{MINIMAL}\n[paging]\nack_timout = \"5m\""),
            HashMap::new(),
        )
        .unwrap_err()
        .to_string();
        assert!(err.contains("ack_timout"), "{err}");
    }
}
