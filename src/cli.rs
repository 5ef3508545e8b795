//! Purpose: the command line: `serve`, `demo`, `stats`, `check-config`.

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
    /// Copy the store, consistently, into a new directory: directly when no bot runs,
    /// or through the running bot's operations listener (server.metrics_bind).
    Backup {
        /// Where to write the copy (must not exist, or be empty).
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
