//! Purpose: the command line: `serve`, `demo`, `stats`, `report`, `export`, `backup`,
//! `check-config`.

use std::path::PathBuf;

use clap::{Parser, Subcommand};

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
        /// The ISO week, like 2026-W47, counted in report.timezone.
        #[arg(long)]
        week: Option<String>,
        /// Post it (with its chart) instead of printing it. Needs SLACK_BOT_TOKEN when
        /// the bot is not running.
        #[arg(long)]
        post: bool,
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
