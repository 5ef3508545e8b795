//! Purpose: the settings the bot runs with: the raw file format (raw.rs) validated once,
//! at start-up, into typed sections. A value that is wrong is one sentence naming its key
//! (and, when missing, its environment variable).

use std::collections::{BTreeMap, HashMap};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::time::Duration;

use super::ConfigError;
use super::raw::{self, Raw, RawReport};
use crate::domain::identify::CustomerDirectory;
use crate::domain::lexicon::Lexicon;
use crate::domain::{Category, ChannelId, CustomerId, PagingPolicy, Policy, Roles, Rules, UserId};
use crate::i18n::Locale;

#[derive(Debug, Clone)]
pub struct Settings {
    pub bind: SocketAddr,
    /// The listener for /metrics and /readyz (and /healthz); without it neither is served.
    pub metrics_bind: Option<SocketAddr>,
    /// Backups and exports: where they may be written.
    pub operations: OperationsSettings,
    pub log_format: LogFormat,
    pub store_path: PathBuf,
    /// sled's page cache, the bulk of the bot's memory.
    pub store_cache_bytes: u64,
    /// How long a closed case keeps its details (`store.retention`).
    pub retention: crate::domain::Retention,
    pub slack: SlackSettings,
    /// Roles, approval policy and paging: what decides what happens to a case.
    pub rules: Rules,
    pub delivery: DeliverySettings,
    pub currency: String,
    pub customer_count: Option<u64>,
    /// Where the company's policy on customer harassment is (`policy.document_url`), told
    /// to every reporter.
    pub policy_url: Option<String>,
    /// The policy in a few sentences, as `/escalate policy` shows it (`policy.summary`);
    /// unset, the catalog's summary of what the policy is for.
    pub policy_summary: Option<String>,
    /// The Slack user group (`S…`) whose members should read the policy
    /// (`people.staff_group`); unset, the members of the support channels.
    pub staff_group: Option<String>,
    /// Whom a reporter can talk to: EAP, the occupational physician, the desk
    /// (`care.support_url`).
    pub support_url: Option<String>,
    /// The company's name, signed under a written warning's draft (`policy.company_name`).
    pub company_name: Option<String>,
    /// The clause of the terms a sanction rests on (`policy.terms_clause`), quoted in a
    /// written warning's draft; unset, the catalog's "prohibited conduct in our terms".
    pub terms_clause: Option<String>,
    pub locale: Locale,
    /// Watching support channels: who the customer is, what looks abusive, who to tell.
    pub watch: WatchSettings,
    pub report: ReportSettings,
}

/// What the command line may ask of the store (see `operations`).
#[derive(Debug, Clone)]
pub struct OperationsSettings {
    /// Backups and exports are written only under this directory (created 0700).
    /// `None`: `output` beside the store (see `Settings::output_dir`).
    pub output_dir: Option<PathBuf>,
}

/// The weekly report to `slack.stats_channel`.
#[derive(Debug, Clone)]
pub struct ReportSettings {
    /// When it is posted; weeks are counted in `schedule.zone`.
    pub schedule: crate::domain::Schedule,
    /// The zone's IANA name, as configured (`Asia/Tokyo`).
    pub zone_name: String,
    /// Whether the chart is uploaded with it (needs the `files:write` scope).
    pub chart: bool,
}

/// How log lines are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LogFormat {
    /// Human-readable lines.
    Text,
    /// One JSON object per line, for log collectors.
    Json,
}

/// How the bot receives Slack's requests.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// Slack posts to the bot's public HTTPS endpoints.
    Http,
    /// The bot opens a websocket to Slack (no public URL; needs SLACK_APP_TOKEN).
    Socket,
}

#[derive(Debug, Clone)]
pub struct WatchSettings {
    /// The reaction emoji (name without colons) that escalates a message.
    pub trigger_reaction: String,
    pub customers: CustomerDirectory,
    /// Shown the bot's suggestions when no staff member has posted in the conversation.
    pub support_leads: Vec<UserId>,
    pub suggestions: bool,
    pub lexicon: Lexicon,
    /// More than `repeat_count` contacts from one customer within `repeat_window`
    /// (messages, helpdesk messages, escalations; any channel) suggests a "persistent"
    /// escalation.
    pub repeat_count: u32,
    pub repeat_window: jiff::SignedDuration,
}

impl WatchSettings {
    pub fn repeat_policy(&self) -> crate::domain::repeats::RepeatPolicy {
        crate::domain::repeats::RepeatPolicy {
            limit: self.repeat_count,
            window: self.repeat_window,
        }
    }
}

#[derive(Debug, Clone)]
pub struct SlackSettings {
    /// Base of the Web API, without a trailing slash: calls go to `{api_url}/{method}`.
    pub api_url: String,
    pub escalation_channel: ChannelId,
    pub stats_channel: Option<ChannelId>,
    pub support_channels: Vec<ChannelId>,
    /// When set, requests from any other workspace are refused.
    pub team_id: Option<String>,
    /// When set, requests for any other app are refused.
    pub app_id: Option<String>,
    pub mode: Mode,
    /// Where consultations go, a thread each (`slack.consultation_channel`, private, the
    /// desk's); unset, each desk member gets them by direct message.
    pub consultation_channel: Option<ChannelId>,
}

/// How the outbox is delivered to Slack.
#[derive(Debug, Clone)]
pub struct DeliverySettings {
    /// One Web API call may take this long before it counts as failed (and maybe sent).
    pub call_timeout: Duration,
    /// Retries back off exponentially from `retry_base` up to `retry_cap`, with jitter...
    pub retry_base: Duration,
    pub retry_cap: Duration,
    /// ...for this many attempts, then the delivery is a dead letter.
    pub max_attempts: u32,
    /// Messages per second any one channel may receive, sustained (Slack allows about 1).
    pub channel_rate: f64,
}

impl Default for DeliverySettings {
    fn default() -> Self {
        DeliverySettings {
            call_timeout: Duration::from_secs(10),
            retry_base: Duration::from_secs(1),
            retry_cap: Duration::from_secs(300),
            max_attempts: 24,
            channel_rate: 1.0,
        }
    }
}

/// An optional link people are sent to: empty is unset; anything but http(s) is refused.
fn url_setting(key: &'static str, value: Option<String>) -> Result<Option<String>, ConfigError> {
    match value.map(|v| v.trim().to_owned()).filter(|v| !v.is_empty()) {
        None => Ok(None),
        Some(v) if v.starts_with("https://") || v.starts_with("http://") => Ok(Some(v)),
        Some(v) => Err(ConfigError::invalid(
            key,
            format!("{v:?} is not an http(s) link"),
        )),
    }
}

impl Settings {
    /// Reads the file at `path` (optional when it is the default name) and then the
    /// process environment.
    pub fn load(path: Option<&Path>) -> Result<Settings, ConfigError> {
        let (text, env) = raw::read_sources(path)?;
        Settings::from_sources(&text, env)
    }

    /// The configured language alone, for commands that need no other setting (the
    /// demo): a configuration that is incomplete for `serve` still chooses its language.
    pub fn locale_only(path: Option<&Path>) -> Option<Locale> {
        let (text, env) = raw::read_sources(path).ok()?;
        let layered = raw::layered(&text, env).ok()?;
        layered
            .get_string("i18n.locale")
            .ok()
            .and_then(|l| Locale::parse(&l))
    }

    /// Settings from TOML text and environment-style overrides, without touching the
    /// process environment (tests and the demo use this).
    pub fn from_sources(toml: &str, env: HashMap<String, String>) -> Result<Settings, ConfigError> {
        Settings::validate(Raw::read(toml, env)?)
    }

    fn validate(raw: Raw) -> Result<Settings, ConfigError> {
        let bind = raw.server.bind.as_deref().unwrap_or("127.0.0.1:3000");
        let bind = bind.parse().map_err(|_| {
            ConfigError::invalid(
                "server.bind",
                format!("{bind:?} is not host:port like 127.0.0.1:3000"),
            )
        })?;

        let metrics_bind = match raw.server.metrics_bind.as_deref().map(str::trim) {
            None | Some("") => None,
            Some(text) => Some(text.parse().map_err(|_| {
                ConfigError::invalid(
                    "server.metrics_bind",
                    format!("{text:?} is not host:port like 127.0.0.1:9100"),
                )
            })?),
        };
        let log_format = match raw.telemetry.format.as_deref().map(str::trim) {
            None | Some("text") => LogFormat::Text,
            Some("json") => LogFormat::Json,
            Some(other) => {
                return Err(ConfigError::invalid(
                    "telemetry.format",
                    format!("{other:?} is neither \"text\" nor \"json\""),
                ));
            }
        };
        let api_url = raw
            .slack
            .api_url
            .unwrap_or_else(|| "https://slack.com/api".into())
            .trim_end_matches('/')
            .to_owned();
        if !(api_url.starts_with("https://") || api_url.starts_with("http://")) {
            return Err(ConfigError::invalid(
                "slack.api_url",
                format!("{api_url:?} is not an http(s) URL"),
            ));
        }
        let escalation_channel = channel(
            "slack.escalation_channel",
            raw.slack
                .escalation_channel
                .ok_or_else(|| ConfigError::missing("slack.escalation_channel"))?,
        )?;
        let stats_channel = raw
            .slack
            .stats_channel
            .map(|c| channel("slack.stats_channel", c))
            .transpose()?;
        let support_channels: Vec<ChannelId> = raw
            .slack
            .support_channels
            .unwrap_or_default()
            .into_iter()
            .map(|c| channel("slack.support_channels", c))
            .collect::<Result<_, _>>()?;

        let executives = users("people.executives", raw.people.executives)?;
        let managers = users("people.managers", raw.people.managers)?;
        let support_leads = match raw.people.support_leads {
            Some(leads) if !leads.is_empty() => users("people.support_leads", Some(leads))?,
            _ => Vec::new(),
        };
        // Approval is a role of its own; without it, the managers approve. An empty list
        // written out is not "without it": whoever wrote `approvers = []` meant nobody (or
        // was half-way through an edit), and quietly handing approval to the managers
        // would give it to people the file seems to deny it to.
        let (approvers_key, approvers) = match raw.people.approvers {
            Some(list) if list.is_empty() => {
                return Err(ConfigError::invalid(
                    "people.approvers",
                    "it is an empty list; list at least two people who may approve, or \
                     remove the key to let people.managers approve",
                ));
            }
            Some(list) => ("people.approvers", users("people.approvers", Some(list))?),
            None => ("people.managers", managers.clone()),
        };
        let consultation_channel = raw
            .slack
            .consultation_channel
            .filter(|c| !c.trim().is_empty())
            .map(|c| channel("slack.consultation_channel", c))
            .transpose()?;
        // Consultations are the desk's: never where cases (read by management) or customers
        // are.
        if let Some(c) = &consultation_channel
            && (*c == escalation_channel || support_channels.contains(c))
        {
            return Err(ConfigError::invalid(
                "slack.consultation_channel",
                "it is the escalation channel or a support channel; consultations are for the \
                 consultation desk only, so give them a private channel of their own",
            ));
        }
        let desk = match raw.people.consultation_desk {
            Some(list) if !list.is_empty() => users("people.consultation_desk", Some(list))?,
            _ => Vec::new(),
        };
        let roles = Roles {
            reporter_may_decide: raw.policy.reporter_may_decide.unwrap_or(false),
            desk: crate::domain::Desk {
                members: desk,
                channel: consultation_channel.is_some(),
            },
            ..Roles::new(executives, managers).with_approvers(approvers)
        };
        // A proposal is approved by someone other than its proposer: with one approver,
        // that one person's own proposals could never be.
        if roles.distinct_approvers() < 2 {
            return Err(ConfigError::invalid(
                approvers_key,
                format!(
                    "a termination or large refund needs approval from someone other than \
                     whoever proposed it, so at least two different people must be able to \
                     approve, and {} can: list them in people.approvers (without it, \
                     people.managers approve)",
                    roles.distinct_approvers()
                ),
            ));
        }
        let mode = match raw.slack.mode.as_deref().map(str::trim) {
            None | Some("http") => Mode::Http,
            Some("socket") => Mode::Socket,
            Some(other) => {
                return Err(ConfigError::invalid(
                    "slack.mode",
                    format!("{other:?} is neither \"http\" nor \"socket\""),
                ));
            }
        };
        let trigger_reaction = raw
            .slack
            .trigger_reaction
            .map(|r| r.trim().trim_matches(':').to_owned())
            .unwrap_or_else(|| "rotating_light".into());
        if trigger_reaction.is_empty() || trigger_reaction.contains(char::is_whitespace) {
            return Err(ConfigError::invalid(
                "slack.trigger_reaction",
                "use an emoji name like \"rotating_light\"",
            ));
        }
        let pattern = match raw.slack.customer_pattern {
            None => None,
            Some(text) => Some(regex::Regex::new(&text).map_err(|e| {
                ConfigError::invalid(
                    "slack.customer_pattern",
                    format!("not a regular expression ({e})"),
                )
            })?),
        };
        let mut teams = BTreeMap::new();
        for (team, customer) in raw.customers {
            let key = format!("customers.{team}");
            let id = CustomerId::parse(&customer).ok_or_else(|| {
                ConfigError::invalid(
                    &key,
                    format!("{customer:?} is not a customer id (one word)"),
                )
            })?;
            // Environment variables arrive lower-cased; Slack team ids are upper case.
            teams.insert(team.to_ascii_uppercase(), id);
        }
        let mut extra_terms = BTreeMap::new();
        for (slug, phrases) in raw.lexicon {
            let category = Category::parse(&slug).ok_or_else(|| {
                ConfigError::invalid(&format!("lexicon.{slug}"), "not a category slug")
            })?;
            extra_terms.insert(category, phrases);
        }
        let repeat_window = match (
            raw.suggestions.repeat_window,
            raw.suggestions.repeat_minutes,
        ) {
            (Some(_), Some(_)) => {
                return Err(ConfigError::invalid(
                    "suggestions.repeat_window",
                    "set it or suggestions.repeat_minutes, not both",
                ));
            }
            (Some(text), None) => {
                let window = duration(
                    "suggestions.repeat_window",
                    Some(text),
                    jiff::SignedDuration::ZERO,
                )?;
                // Contacts are kept for the window: a year is already far past "persistent".
                if window > jiff::SignedDuration::from_hours(366 * 24) {
                    return Err(ConfigError::invalid(
                        "suggestions.repeat_window",
                        "it must be at most a year (8784h)",
                    ));
                }
                window
            }
            (None, Some(0)) => {
                return Err(ConfigError::invalid(
                    "suggestions.repeat_minutes",
                    "it must be at least 1",
                ));
            }
            (None, minutes) => jiff::SignedDuration::from_mins(i64::from(minutes.unwrap_or(30))),
        };
        let watch = WatchSettings {
            trigger_reaction,
            customers: CustomerDirectory { teams, pattern },
            support_leads,
            suggestions: raw.suggestions.enabled.unwrap_or(true),
            lexicon: Lexicon::new(&extra_terms),
            repeat_count: raw.suggestions.repeat_count.unwrap_or(10),
            repeat_window,
        };

        let defaults = PagingPolicy::default();
        let paging = PagingPolicy {
            ack_timeout: duration(
                "paging.ack_timeout",
                raw.paging.ack_timeout,
                defaults.ack_timeout,
            )?,
            max_rounds: raw.paging.max_rounds.unwrap_or(defaults.max_rounds),
            decision_reminder: duration(
                "paging.decision_reminder",
                raw.paging.decision_reminder,
                defaults.decision_reminder,
            )?,
            check_in_after: match raw.care.check_in_after.as_deref().map(str::trim) {
                None => defaults.check_in_after,
                Some("off") => None,
                Some(text) => Some(days_duration("care.check_in_after", text)?),
            },
        };
        let default_delivery = DeliverySettings::default();
        let std_duration = |key: &str, text: Option<String>, default: Duration| {
            let default =
                jiff::SignedDuration::try_from(default).unwrap_or(jiff::SignedDuration::MAX);
            duration(key, text, default).map(|d| Duration::try_from(d).unwrap_or(Duration::MAX))
        };
        let delivery = DeliverySettings {
            call_timeout: std_duration(
                "delivery.call_timeout",
                raw.delivery.call_timeout,
                default_delivery.call_timeout,
            )?,
            retry_base: std_duration(
                "delivery.retry_base",
                raw.delivery.retry_base,
                default_delivery.retry_base,
            )?,
            retry_cap: std_duration(
                "delivery.retry_cap",
                raw.delivery.retry_cap,
                default_delivery.retry_cap,
            )?,
            max_attempts: match raw.delivery.max_attempts {
                Some(0) => {
                    return Err(ConfigError::invalid(
                        "delivery.max_attempts",
                        "it must be at least 1",
                    ));
                }
                Some(n) => n,
                None => default_delivery.max_attempts,
            },
            channel_rate: match raw.delivery.channel_rate {
                Some(r) if !(r.is_finite() && r > 0.0) => {
                    return Err(ConfigError::invalid(
                        "delivery.channel_rate",
                        "it must be a positive number of messages per second",
                    ));
                }
                Some(r) => r,
                None => default_delivery.channel_rate,
            },
        };

        let version = raw.policy.version.unwrap_or_else(|| "1".into());
        if version.trim().is_empty() {
            return Err(ConfigError::invalid("policy.version", "it is empty"));
        }
        let currency = raw.policy.currency.unwrap_or_else(|| "JPY".into());
        if currency.len() != 3 || !currency.bytes().all(|b| b.is_ascii_uppercase()) {
            return Err(ConfigError::invalid(
                "policy.currency",
                format!("{currency:?} is not a three-letter code like JPY or USD"),
            ));
        }
        if raw.policy.customer_count == Some(0) {
            return Err(ConfigError::invalid(
                "policy.customer_count",
                "it must be at least 1 when set",
            ));
        }

        let locale = match raw.i18n.locale.as_deref() {
            None => Locale::En,
            Some(text) => Locale::parse(text).ok_or_else(|| {
                ConfigError::invalid(
                    "i18n.locale",
                    format!("{text:?} is neither \"en\" nor \"ja\""),
                )
            })?,
        };

        let report = report_settings(raw.report, locale)?;

        let cache_mb = raw.store.cache_mb.unwrap_or(16);
        let store_cache_bytes = cache_mb.checked_mul(1024 * 1024).ok_or_else(|| {
            ConfigError::invalid(
                "store.cache_mb",
                format!("it must be at most {} (MiB)", u64::MAX / (1024 * 1024)),
            )
        })?;

        let retention = match raw.store.retention.as_deref() {
            None => crate::domain::Retention::default(),
            Some(text) => crate::domain::Retention::parse(text).ok_or_else(|| {
                ConfigError::invalid(
                    "store.retention",
                    format!(
                        "{text:?} is neither \"forever\" nor a span of at least {} days like \"5y\" or \"18mo\"",
                        crate::domain::retention::MIN_DAYS
                    ),
                )
            })?,
        };

        let store_path = raw.store.path.unwrap_or_else(|| PathBuf::from("data"));
        let output_dir = raw.operations.output_dir;
        if output_dir
            .as_ref()
            .is_some_and(|d| d.as_os_str().is_empty())
        {
            return Err(ConfigError::invalid("operations.output_dir", "it is empty"));
        }
        if let Some(output_dir) = &output_dir
            && output_dir.starts_with(&store_path)
        {
            return Err(ConfigError::invalid(
                "operations.output_dir",
                format!(
                    "{} is inside the store ({}); put backups and exports beside it",
                    output_dir.display(),
                    store_path.display()
                ),
            ));
        }
        Ok(Settings {
            bind,
            metrics_bind,
            operations: OperationsSettings { output_dir },
            log_format,
            store_path,
            store_cache_bytes,
            retention,
            slack: SlackSettings {
                api_url,
                escalation_channel,
                stats_channel,
                support_channels,
                team_id: raw.slack.team_id.filter(|t| !t.trim().is_empty()),
                app_id: raw.slack.app_id.filter(|a| !a.trim().is_empty()),
                mode,
                consultation_channel,
            },
            rules: Rules {
                roles,
                policy: Policy {
                    version: version.trim().to_owned(),
                    refund_approval_over: raw.policy.refund_approval_over.unwrap_or(50_000),
                },
                paging,
            },
            delivery,
            currency,
            customer_count: raw.policy.customer_count,
            policy_url: url_setting("policy.document_url", raw.policy.document_url)?,
            policy_summary: raw
                .policy
                .summary
                .map(|s| s.trim().to_owned())
                .filter(|s| !s.is_empty()),
            staff_group: match raw.people.staff_group {
                None => None,
                Some(group) => Some(usergroup("people.staff_group", &group)?),
            },
            support_url: url_setting("care.support_url", raw.care.support_url)?,
            company_name: raw
                .policy
                .company_name
                .map(|s| s.trim().to_owned())
                .filter(|s| !s.is_empty()),
            terms_clause: raw
                .policy
                .terms_clause
                .map(|s| s.trim().to_owned())
                .filter(|s| !s.is_empty()),
            locale,
            watch,
            report,
        })
    }
}

impl Settings {
    /// Where backups and exports go: `operations.output_dir`, or by default `output` in
    /// the directory that holds the store (the same volume, and outside the store's own
    /// directory, which belongs to sled).
    pub fn output_dir(&self) -> PathBuf {
        self.operations.output_dir.clone().unwrap_or_else(|| {
            self.store_path
                .parent()
                .map_or_else(|| PathBuf::from("output"), |parent| parent.join("output"))
        })
    }
}

/// Weeks are counted in a named zone, never the server's: by default Tokyo for a
/// Japanese-speaking team, UTC otherwise.
fn report_settings(raw: RawReport, locale: Locale) -> Result<ReportSettings, ConfigError> {
    let (weekday, time) =
        crate::domain::Schedule::parse_weekly_at(raw.weekly_at.as_deref().unwrap_or("MON 09:00"))
            .map_err(|e| ConfigError::invalid("report.weekly_at", e))?;
    let zone_name = raw.timezone.unwrap_or_else(|| {
        match locale {
            Locale::Ja => "Asia/Tokyo",
            Locale::En => "UTC",
        }
        .to_owned()
    });
    let zone = jiff::tz::TimeZone::get(zone_name.trim()).map_err(|_| {
        ConfigError::invalid(
            "report.timezone",
            format!("{zone_name:?} is not an IANA time zone like \"Asia/Tokyo\" or \"UTC\""),
        )
    })?;
    Ok(ReportSettings {
        schedule: crate::domain::Schedule {
            weekday,
            time,
            zone,
        },
        zone_name: zone_name.trim().to_owned(),
        chart: raw.chart.unwrap_or(true),
    })
}

/// A positive duration like "15m", "1h 30m" or "PT15M".
fn duration(
    key: &str,
    text: Option<String>,
    default: jiff::SignedDuration,
) -> Result<jiff::SignedDuration, ConfigError> {
    let Some(text) = text else {
        return Ok(default);
    };
    text.parse::<jiff::SignedDuration>()
        .ok()
        .filter(|d| d.is_positive())
        .ok_or_else(|| {
            ConfigError::invalid(
                key,
                format!("{text:?} is not a positive duration like \"15m\" or \"1h 30m\""),
            )
        })
}

/// A positive duration that may count days ("3d", "1d 12h", "72h"): a day is 24 hours.
fn days_duration(key: &str, text: &str) -> Result<jiff::SignedDuration, ConfigError> {
    text.parse::<jiff::SignedDuration>()
        .ok()
        .or_else(|| {
            text.parse::<jiff::Span>()
                .ok()?
                .to_duration(jiff::SpanRelativeTo::days_are_24_hours())
                .ok()
        })
        .filter(|d| d.is_positive())
        .ok_or_else(|| {
            ConfigError::invalid(
                key,
                format!(
                    "{text:?} is neither \"off\" nor a positive duration like \"3d\" or \"72h\""
                ),
            )
        })
}

/// A Slack user group id (`S0123ABCD`), as usergroups.users.list takes it.
fn usergroup(key: &str, value: &str) -> Result<String, ConfigError> {
    let value = value.trim();
    let ok = (2..=32).contains(&value.len())
        && value.starts_with('S')
        && value
            .bytes()
            .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit());
    if ok {
        Ok(value.to_owned())
    } else {
        Err(ConfigError::invalid(
            key,
            format!("{value:?} is not a Slack user group id like S0123ABCD"),
        ))
    }
}

fn channel(key: &str, value: String) -> Result<ChannelId, ConfigError> {
    ChannelId::parse(value.trim()).ok_or_else(|| {
        ConfigError::invalid(
            key,
            format!("{value:?} is not a Slack channel id like C0123ABCD"),
        )
    })
}

/// A list of Slack user ids that must not be empty: with no executive nobody is paged,
/// and with no manager no termination can ever be approved.
fn users(key: &str, values: Option<Vec<String>>) -> Result<Vec<UserId>, ConfigError> {
    let values = values.unwrap_or_default();
    if values.is_empty() {
        return Err(ConfigError::missing(key));
    }
    values
        .into_iter()
        .map(|v| {
            UserId::parse(v.trim()).ok_or_else(|| {
                ConfigError::invalid(key, format!("{v:?} is not a Slack user id like U0123ABCD"))
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::testing::{MINIMAL, env};

    #[test]
    fn backups_and_exports_go_beside_the_store_unless_configured() {
        let s = Settings::from_sources(MINIMAL, HashMap::new()).unwrap();
        assert_eq!(s.output_dir(), PathBuf::from("output"));
        let s = Settings::from_sources(
            MINIMAL,
            env(&[(
                "ESCALATION_BOT__STORE__PATH",
                "/var/lib/escalation-bot/data",
            )]),
        )
        .unwrap();
        assert_eq!(
            s.output_dir(),
            PathBuf::from("/var/lib/escalation-bot/output")
        );
        let s = Settings::from_sources(
            MINIMAL,
            env(&[("ESCALATION_BOT__OPERATIONS__OUTPUT_DIR", "/srv/exports")]),
        )
        .unwrap();
        assert_eq!(s.output_dir(), PathBuf::from("/srv/exports"));
        let inside = Settings::from_sources(
            MINIMAL,
            env(&[
                ("ESCALATION_BOT__STORE__PATH", "/srv/data"),
                ("ESCALATION_BOT__OPERATIONS__OUTPUT_DIR", "/srv/data/out"),
            ]),
        )
        .unwrap_err()
        .to_string();
        assert!(inside.contains("operations.output_dir"), "{inside}");
    }

    #[test]
    fn minimal_file_gets_documented_defaults() {
        let s = Settings::from_sources(MINIMAL, HashMap::new()).unwrap();
        assert_eq!(s.bind.to_string(), "127.0.0.1:3000");
        assert_eq!(s.slack.api_url, "https://slack.com/api");
        assert_eq!(
            s.rules.paging.ack_timeout,
            jiff::SignedDuration::from_mins(15)
        );
        assert_eq!(s.rules.paging.max_rounds, 3);
        assert_eq!(
            s.rules.paging.decision_reminder,
            jiff::SignedDuration::from_hours(24)
        );
        assert_eq!(s.delivery.call_timeout, Duration::from_secs(10));
        assert_eq!(s.rules.policy.refund_approval_over, 50_000);
        assert_eq!(s.currency, "JPY");
        assert_eq!(s.locale, Locale::En);
        assert_eq!(s.rules.roles.executives.len(), 2);
        assert_eq!(
            s.rules.roles.approvers, s.rules.roles.managers,
            "the managers approve unless people.approvers says who"
        );
        assert!(!s.rules.roles.reporter_may_decide);
    }

    #[test]
    fn the_company_name_and_the_terms_clause_are_read_for_a_warnings_draft() {
        let text =
            format!("{MINIMAL}\n[policy]\ncompany_name = \" Example KK \"\nterms_clause = \"\"\n");
        let s = Settings::from_sources(&text, env(&[])).unwrap();
        assert_eq!(s.company_name.as_deref(), Some("Example KK"));
        assert_eq!(
            s.terms_clause, None,
            "empty is unset: the catalog's wording"
        );
        let s = Settings::from_sources(
            MINIMAL,
            env(&[("ESCALATION_BOT__POLICY__TERMS_CLAUSE", "利用規約第12条")]),
        )
        .unwrap();
        assert_eq!(s.terms_clause.as_deref(), Some("利用規約第12条"));
    }

    #[test]
    fn the_care_links_must_be_links() {
        let text = format!(
            "{MINIMAL}\n[policy]\ndocument_url = \"https://x.example/policy\"\n[care]\n\
             support_url = \"\"\n"
        );
        let s = Settings::from_sources(&text, env(&[])).unwrap();
        assert_eq!(s.policy_url.as_deref(), Some("https://x.example/policy"));
        assert_eq!(s.support_url, None);
        let bad = Settings::from_sources(
            MINIMAL,
            env(&[("ESCALATION_BOT__CARE__SUPPORT_URL", "javascript:alert(1)")]),
        );
        assert!(
            bad.unwrap_err().to_string().contains("care.support_url"),
            "names the key"
        );
    }

    #[test]
    fn the_consultation_desk_its_channel_and_the_check_in_are_read() {
        let s = Settings::from_sources(MINIMAL, env(&[])).unwrap();
        assert!(
            s.rules.roles.desk.members.is_empty(),
            "no desk unless configured"
        );
        assert_eq!(s.slack.consultation_channel, None);
        assert_eq!(
            s.rules.paging.check_in_after,
            Some(jiff::SignedDuration::from_hours(72)),
            "three days by default"
        );
        let text = format!("{MINIMAL}\n[care]\ncheck_in_after = \"1d 12h\"\n");
        let s = Settings::from_sources(
            &text,
            env(&[
                ("ESCALATION_BOT__PEOPLE__CONSULTATION_DESK", "U0HR1,U0HR2"),
                ("ESCALATION_BOT__SLACK__CONSULTATION_CHANNEL", "C0DESK"),
            ]),
        )
        .unwrap();
        assert_eq!(s.rules.roles.desk.members.len(), 2);
        assert!(s.rules.roles.desk.channel);
        assert_eq!(
            s.slack.consultation_channel.as_ref().map(|c| c.as_str()),
            Some("C0DESK")
        );
        assert_eq!(
            s.rules.paging.check_in_after,
            Some(jiff::SignedDuration::from_hours(36))
        );
        let off = Settings::from_sources(
            MINIMAL,
            env(&[("ESCALATION_BOT__CARE__CHECK_IN_AFTER", "off")]),
        )
        .unwrap();
        assert_eq!(off.rules.paging.check_in_after, None);
        for (key, value) in [
            ("ESCALATION_BOT__CARE__CHECK_IN_AFTER", "soon"),
            ("ESCALATION_BOT__SLACK__CONSULTATION_CHANNEL", "C0123ESCAL"),
            ("ESCALATION_BOT__PEOPLE__CONSULTATION_DESK", "hr-team"),
        ] {
            let error = Settings::from_sources(MINIMAL, env(&[(key, value)]))
                .unwrap_err()
                .to_string();
            let named = key
                .trim_start_matches("ESCALATION_BOT__")
                .replace("__", ".")
                .to_ascii_lowercase();
            assert!(error.contains(&named), "{key}: {error}");
        }
    }

    #[test]
    fn the_staff_group_is_a_user_group_id_and_the_summary_optional() {
        let s = Settings::from_sources(
            &format!("{MINIMAL}\n[policy]\nsummary = \" We protect our staff. \"\n"),
            env(&[("ESCALATION_BOT__PEOPLE__STAFF_GROUP", "S0STAFF")]),
        )
        .unwrap();
        assert_eq!(s.staff_group.as_deref(), Some("S0STAFF"));
        assert_eq!(s.policy_summary.as_deref(), Some("We protect our staff."));
        let err = Settings::from_sources(
            MINIMAL,
            env(&[("ESCALATION_BOT__PEOPLE__STAFF_GROUP", "C0NOTAGROUP")]),
        )
        .unwrap_err()
        .to_string();
        assert!(err.contains("people.staff_group"), "{err}");
    }

    #[test]
    fn retention_defaults_to_five_years_and_a_bad_one_is_named() {
        let s = Settings::from_sources(MINIMAL, HashMap::new()).unwrap();
        assert_eq!(s.retention, crate::domain::Retention::default());
        let forever = Settings::from_sources(
            MINIMAL,
            env(&[("ESCALATION_BOT__STORE__RETENTION", "forever")]),
        )
        .unwrap();
        assert_eq!(forever.retention, crate::domain::Retention::Forever);
        for bad in ["7d", "soon", "-1y"] {
            let err =
                Settings::from_sources(MINIMAL, env(&[("ESCALATION_BOT__STORE__RETENTION", bad)]))
                    .unwrap_err()
                    .to_string();
            assert!(err.contains("store.retention"), "{err}");
        }
    }

    #[test]
    fn approvers_are_their_own_role_and_need_two_people() {
        let text = format!("{MINIMAL}\n[policy]\nreporter_may_decide = true\n");
        let s = Settings::from_sources(
            &text,
            env(&[("ESCALATION_BOT__PEOPLE__APPROVERS", "U0LEGAL1,U0EXEC1")]),
        )
        .unwrap();
        assert_eq!(s.rules.roles.approvers.len(), 2);
        assert!(
            s.rules
                .roles
                .is_approver(&UserId::parse("U0LEGAL1").unwrap())
        );
        assert!(!s.rules.roles.is_approver(&UserId::parse("U0MGR1").unwrap()));
        assert!(s.rules.roles.reporter_may_decide);
        for (key, value, named) in [
            (
                "ESCALATION_BOT__PEOPLE__APPROVERS",
                "U0LEGAL1",
                "people.approvers",
            ),
            (
                "ESCALATION_BOT__PEOPLE__APPROVERS",
                "U0LEGAL1,U0LEGAL1",
                "people.approvers",
            ),
            (
                "ESCALATION_BOT__PEOPLE__MANAGERS",
                "U0MGR1",
                "people.managers",
            ),
        ] {
            let err = Settings::from_sources(MINIMAL, env(&[(key, value)]))
                .unwrap_err()
                .to_string();
            assert!(err.contains(named), "{key}={value}: {err}");
            assert!(err.contains("two different people"), "{err}");
        }
    }

    #[test]
    fn a_missing_key_is_named_with_its_environment_variable() {
        let err = Settings::from_sources("", HashMap::new())
            .unwrap_err()
            .to_string();
        assert!(err.contains("slack.escalation_channel"), "{err}");
        assert!(
            err.contains("ESCALATION_BOT__SLACK__ESCALATION_CHANNEL"),
            "{err}"
        );
    }

    #[test]
    fn invalid_values_are_named() {
        for (key, value, named) in [
            (
                "ESCALATION_BOT__PAGING__ACK_TIMEOUT",
                "soon",
                "paging.ack_timeout",
            ),
            ("ESCALATION_BOT__I18N__LOCALE", "fr", "i18n.locale"),
            (
                "ESCALATION_BOT__PEOPLE__EXECUTIVES",
                "bob",
                "people.executives",
            ),
            ("ESCALATION_BOT__SERVER__BIND", "localhost", "server.bind"),
            (
                "ESCALATION_BOT__SERVER__METRICS_BIND",
                "9100",
                "server.metrics_bind",
            ),
            (
                "ESCALATION_BOT__TELEMETRY__FORMAT",
                "xml",
                "telemetry.format",
            ),
            ("ESCALATION_BOT__POLICY__CURRENCY", "yen", "policy.currency"),
            (
                "ESCALATION_BOT__PAGING__DECISION_REMINDER",
                "-5m",
                "paging.decision_reminder",
            ),
            (
                "ESCALATION_BOT__DELIVERY__MAX_ATTEMPTS",
                "0",
                "delivery.max_attempts",
            ),
            (
                "ESCALATION_BOT__DELIVERY__CHANNEL_RATE",
                "-1",
                "delivery.channel_rate",
            ),
            (
                "ESCALATION_BOT__REPORT__WEEKLY_AT",
                "every monday",
                "report.weekly_at",
            ),
            ("ESCALATION_BOT__REPORT__TIMEZONE", "JST", "report.timezone"),
        ] {
            let err = Settings::from_sources(MINIMAL, env(&[(key, value)]))
                .unwrap_err()
                .to_string();
            assert!(err.contains(named), "{key}={value}: {err}");
        }
    }

    #[test]
    fn the_report_runs_in_a_named_zone_never_the_servers() {
        let s = Settings::from_sources(MINIMAL, env(&[])).unwrap();
        assert_eq!(s.report.zone_name, "UTC");
        assert_eq!(s.report.schedule.weekday, jiff::civil::Weekday::Monday);
        let ja = Settings::from_sources(MINIMAL, env(&[("ESCALATION_BOT__I18N__LOCALE", "ja")]))
            .unwrap();
        assert_eq!(ja.report.zone_name, "Asia/Tokyo");
        let text = format!(
            "{MINIMAL}\n[report]\nweekly_at = \"FRI 17:30\"\ntimezone = \"America/New_York\"\nchart = false\n"
        );
        let s = Settings::from_sources(&text, env(&[])).unwrap();
        assert_eq!(s.report.zone_name, "America/New_York");
        assert_eq!(s.report.schedule.time, jiff::civil::time(17, 30, 0, 0));
        assert!(!s.report.chart);
    }

    #[test]
    fn watching_settings_are_read_and_checked() {
        let text = format!(
            "{MINIMAL}\n[customers]\nT0ACME = \"acme\"\n[lexicon]\nthreat = [\"see you outside\"]\n"
        );
        let s = Settings::from_sources(
            &text,
            env(&[
                ("ESCALATION_BOT__CUSTOMERS__T0GLOBEX", "globex"),
                ("ESCALATION_BOT__SLACK__CUSTOMER_PATTERN", "ID: (\\w+)"),
                ("ESCALATION_BOT__PEOPLE__SUPPORT_LEADS", "U0LEAD1"),
            ]),
        )
        .unwrap();
        assert_eq!(s.watch.trigger_reaction, "rotating_light");
        let person = crate::domain::identify::Writer {
            team: Some("T0GLOBEX"),
            bot: false,
        };
        let helpdesk = crate::domain::identify::Writer {
            team: None,
            bot: true,
        };
        assert_eq!(
            s.watch
                .customers
                .identify(person, "", None)
                .unwrap()
                .as_str(),
            "globex"
        );
        assert_eq!(
            s.watch
                .customers
                .identify(helpdesk, "ID: x7", None)
                .unwrap()
                .as_str(),
            "x7"
        );
        assert_eq!(s.watch.support_leads.len(), 1);
        assert_eq!(
            s.watch.lexicon.classify("see you outside"),
            Some(Category::Threat)
        );
        assert_eq!(s.slack.mode, Mode::Http);
        for (key, value, named) in [
            (
                "ESCALATION_BOT__SLACK__MODE",
                "carrier-pigeon",
                "slack.mode",
            ),
            (
                "ESCALATION_BOT__SLACK__CUSTOMER_PATTERN",
                "(",
                "slack.customer_pattern",
            ),
            (
                "ESCALATION_BOT__SUGGESTIONS__REPEAT_MINUTES",
                "0",
                "suggestions.repeat_minutes",
            ),
        ] {
            let err = Settings::from_sources(MINIMAL, env(&[(key, value)])).unwrap_err();
            assert!(err.to_string().contains(named), "{err}");
        }
    }

    #[test]
    fn the_repeat_window_is_a_duration_and_may_span_days() {
        let s = Settings::from_sources(
            &format!("{MINIMAL}\n[suggestions]\nrepeat_window = \"72h\"\n"),
            env(&[]),
        )
        .unwrap();
        assert_eq!(s.watch.repeat_window, jiff::SignedDuration::from_hours(72));
        let old = Settings::from_sources(
            &format!("{MINIMAL}\n[suggestions]\nrepeat_minutes = 45\n"),
            env(&[]),
        )
        .unwrap();
        assert_eq!(old.watch.repeat_window, jiff::SignedDuration::from_mins(45));
        for (toml, key) in [
            (
                "repeat_window = \"1h\"\nrepeat_minutes = 5",
                "suggestions.repeat_window",
            ),
            ("repeat_window = \"soon\"", "suggestions.repeat_window"),
            ("repeat_window = \"9000h\"", "suggestions.repeat_window"),
        ] {
            let err =
                Settings::from_sources(&format!("{MINIMAL}\n[suggestions]\n{toml}\n"), env(&[]))
                    .unwrap_err()
                    .to_string();
            assert!(err.contains(key), "{toml}: {err}");
        }
    }

    #[test]
    fn a_cache_size_too_large_to_count_in_bytes_is_named() {
        let err = Settings::from_sources(
            MINIMAL,
            env(&[("ESCALATION_BOT__STORE__CACHE_MB", "9223372036854775807")]),
        )
        .unwrap_err()
        .to_string();
        assert!(err.contains("store.cache_mb"), "{err}");
        let s = Settings::from_sources(MINIMAL, env(&[("ESCALATION_BOT__STORE__CACHE_MB", "64")]))
            .unwrap();
        assert_eq!(s.store_cache_bytes, 64 * 1024 * 1024);
    }
}
