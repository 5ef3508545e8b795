//! Purpose: the command line: one `Command` enum (its help in English is the doc comments
//! below; `help` has the Japanese), one dispatch `match`, and one file per command:
//! `serve`, `demo`, `stats`, `report`, `export`, `compliance-report`, `acknowledgements`,
//! `backup`, `check-config`. `ask` is the
//! client that asks a running bot over its operations socket; `store` opens a stopped
//! bot's store.

use std::path::PathBuf;

use clap::{Arg, ArgAction, CommandFactory, FromArgMatches, Parser, Subcommand};
use escalation_bot::config::Settings;
use escalation_bot::i18n::Locale;

mod acknowledgements;
mod ask;
mod backup;
mod check_config;
mod compliance;
mod demo;
mod export;
mod help;
mod report;
mod serve;
mod stats;
mod store;

use help::japanese;

#[derive(Debug, Parser)]
#[command(
    name = "escalation-bot",
    version,
    about = "A Slack bot that takes abusive-customer cases off support agents and gets them \
             decided by management."
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the bot: answer Slack's requests and deliver the bot's messages.
    Serve {
        /// TOML configuration (default: escalation-bot.toml in the working directory, if any).
        #[arg(long)]
        config: Option<PathBuf>,
    },
    /// Play the whole flow on loopback against a built-in Slack stand-in, with a temporary
    /// store, and print what each person would see. Needs no Slack workspace.
    Demo {
        /// Language of the transcript: en or ja (default: i18n.locale from the
        /// configuration if there is one, else en).
        #[arg(long)]
        locale: Option<String>,
    },
    /// Print the tallies from the store.
    Stats {
        /// TOML configuration (default: escalation-bot.toml in the working directory, if any).
        #[arg(long)]
        config: Option<PathBuf>,
        /// Print one JSON object instead of text.
        #[arg(long)]
        json: bool,
    },
    /// Print a week's report for leadership (the last complete week by default), or post
    /// it to slack.stats_channel now, e.g. to re-send a missed one. Works with the bot
    /// running (through its operations socket, in the store's directory) or stopped.
    Report {
        /// The week: any day of it (2026-11-16) or its ISO name (2026-W47), counted in
        /// report.timezone.
        #[arg(long)]
        week: Option<String>,
        /// Post it (with its chart) instead of printing it. Needs SLACK_BOT_TOKEN when
        /// the bot is not running.
        #[arg(long)]
        post: bool,
        /// Write the week's chart as a PNG (its legend in the configured language) into
        /// this new file inside operations.output_dir, instead of printing the report.
        #[arg(long, conflicts_with = "post")]
        chart: Option<PathBuf>,
        /// TOML configuration (default: escalation-bot.toml in the working directory, if any).
        #[arg(long)]
        config: Option<PathBuf>,
    },
    /// List who should read the company's policy (the members of people.staff_group, or
    /// of the support channels) and who has acknowledged the version in force, and when.
    /// Works with the bot running (through its operations socket) or stopped (then it
    /// needs SLACK_BOT_TOKEN).
    Acknowledgements {
        /// text (default) or csv.
        #[arg(long, default_value = "text")]
        format: String,
        /// TOML configuration (default: escalation-bot.toml in the working directory, if any).
        #[arg(long)]
        config: Option<PathBuf>,
    },
    /// Write every case with its outcome and timeline, for audits: CSV (opens in Excel,
    /// Japanese included) or JSON.
    Export {
        /// csv or json.
        #[arg(long)]
        format: String,
        /// Only cases opened on or after this day (2026-01-01, in report.timezone).
        #[arg(long)]
        since: Option<String>,
        /// The file to write, a new name inside operations.output_dir (relative to it, or
        /// absolute inside it), created 0600. Standard output when absent; required when
        /// the bot is running, which writes the file itself.
        #[arg(long)]
        out: Option<PathBuf>,
        /// TOML configuration (default: escalation-bot.toml in the working directory, if any).
        #[arg(long)]
        config: Option<PathBuf>,
    },
    /// The compliance report: what the company did about customer harassment over a
    /// period, in the five groups of measures of the MHLW guideline, aggregates only, in
    /// the configured language. Works with the bot running (through its operations socket)
    /// or stopped; stopped, it counts the staff who acknowledged the policy only with
    /// SLACK_BOT_TOKEN set.
    ComplianceReport {
        /// The first day (2026-07-01, in report.timezone). Without --from and --to: the
        /// last full calendar quarter; --from alone runs to today.
        #[arg(long)]
        from: Option<String>,
        /// The last day, included. --to alone starts at the beginning of its quarter.
        #[arg(long)]
        to: Option<String>,
        /// md (default), csv or json.
        #[arg(long)]
        format: Option<String>,
        /// The file to write, a new name inside operations.output_dir (relative to it, or
        /// absolute inside it), created 0600. Standard output when absent.
        #[arg(long)]
        out: Option<PathBuf>,
        /// TOML configuration (default: escalation-bot.toml in the working directory, if any).
        #[arg(long)]
        config: Option<PathBuf>,
    },
    /// Copy the store, consistently, into a new directory: directly when no bot runs,
    /// or through the running bot's operations socket (in the store's directory).
    Backup {
        /// Where to write the copy: a new name inside operations.output_dir (relative to
        /// it, or absolute inside it), created 0700 with its files 0600.
        dir: PathBuf,
        /// TOML configuration (default: escalation-bot.toml in the working directory, if any).
        #[arg(long)]
        config: Option<PathBuf>,
    },
    /// Check the configuration and the Slack secrets, and say what is wrong.
    CheckConfig {
        /// TOML configuration (default: escalation-bot.toml in the working directory, if any).
        #[arg(long)]
        config: Option<PathBuf>,
    },
}

impl Cli {
    /// Parses the command line, with `--help` in `locale`. Errors (an unknown flag) exit
    /// with clap's message, as `Cli::parse` does.
    pub fn parse_in(locale: Locale) -> Cli {
        let matches = Cli::command_in(locale).get_matches();
        Cli::from_arg_matches(&matches).unwrap_or_else(|e| e.exit())
    }

    /// The command line as clap describes it, its help in `locale`.
    pub fn command_in(locale: Locale) -> clap::Command {
        let command = Cli::command();
        match locale {
            Locale::En => command,
            Locale::Ja => {
                let mut command = japanese(
                    command.disable_version_flag(true).arg(
                        Arg::new("version")
                            .short('V')
                            .long("version")
                            .action(ArgAction::Version)
                            .help("バージョンを表示します"),
                    ),
                    &[],
                );
                // clap adds its `help` subcommand when it builds the command.
                command.build();
                command.mut_subcommand("help", |help| {
                    help.about("このヘルプ、または指定したコマンドのヘルプを表示します")
                })
            }
        }
    }
}

impl Command {
    /// Runs the command; the error is the sentence to print.
    pub fn run(self) -> Result<(), String> {
        match self {
            Command::Serve { config } => serve::run(config.as_deref()),
            Command::Demo { locale } => demo::run(locale.as_deref()),
            Command::Stats { config, json } => stats::run(config.as_deref(), json),
            Command::CheckConfig { config } => check_config::run(config.as_deref()),
            Command::Backup { dir, config } => backup::run(config.as_deref(), &dir),
            Command::Report {
                week,
                post,
                chart,
                config,
            } => report::run(config.as_deref(), week.as_deref(), post, chart.as_deref()),
            Command::Acknowledgements { format, config } => {
                acknowledgements::run(config.as_deref(), &format)
            }
            Command::Export {
                format,
                since,
                out,
                config,
            } => export::run(config.as_deref(), &format, since.as_deref(), out.as_deref()),
            Command::ComplianceReport {
                from,
                to,
                format,
                out,
                config,
            } => compliance::run(
                config.as_deref(),
                from.as_deref(),
                to.as_deref(),
                format.as_deref(),
                out.as_deref(),
            ),
        }
    }
}

/// The language of `--help`: the configured one (`i18n.locale`, as the demo uses it),
/// else the terminal's (the first of LC_ALL, LC_MESSAGES and LANG that is set), else
/// English.
pub fn help_locale() -> Locale {
    if let Some(locale) = Settings::locale_only(None) {
        return locale;
    }
    ["LC_ALL", "LC_MESSAGES", "LANG"]
        .into_iter()
        .filter_map(|name| std::env::var(name).ok())
        .find(|value| !value.is_empty())
        .map_or(Locale::En, |value| {
            if value.starts_with("ja") {
                Locale::Ja
            } else {
                Locale::En
            }
        })
}

pub fn log_filter(default: &str) -> String {
    std::env::var("RUST_LOG").unwrap_or_else(|_| default.to_owned())
}

/// A Web API client from `SLACK_BOT_TOKEN`, for a command run with the bot stopped; `needs`
/// says what the token is for ("posting the report"), in the sentence when it is unset.
pub fn slack_from_env(
    settings: &escalation_bot::config::Settings,
    needs: &str,
) -> Result<escalation_bot::slack::api::WebApi, String> {
    let token = std::env::var("SLACK_BOT_TOKEN")
        .ok()
        .filter(|t| !t.trim().is_empty())
        .ok_or_else(|| format!("SLACK_BOT_TOKEN is not set: {needs} needs the bot token."))?;
    Ok(escalation_bot::slack::api::WebApi::new(
        &settings.slack.api_url,
        &escalation_bot::config::Secret::new(token.trim()),
        settings.delivery.call_timeout,
        std::sync::Arc::new(escalation_bot::metrics::Metrics::default()),
        std::sync::Arc::new(escalation_bot::clock::SystemClock),
    ))
}

pub fn runtime() -> Result<tokio::runtime::Runtime, String> {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| format!("Could not start the async runtime: {e}."))
}
