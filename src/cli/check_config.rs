//! Purpose: `escalation-bot check-config`: the configuration and the secrets checked, and
//! where everything will be, in one sentence.

use std::path::Path;

use escalation_bot::config::{Secrets, Settings};
use escalation_bot::operations;

pub fn run(config: Option<&Path>) -> Result<(), String> {
    let settings = Settings::load(config).map_err(|e| e.to_string())?;
    Secrets::from_env(settings.slack.mode).map_err(|e| e.to_string())?;
    println!(
        "Configuration is valid: listening on {}, {}, store at {} (operations socket {}), \
         backups and exports under {}, cases go to {}, {} executive(s) paged in order, {} \
         manager(s), Slack Web API at {}, language {:?}, {}.",
        settings.bind,
        match settings.metrics_bind {
            Some(addr) => format!("/metrics and /readyz on {addr}"),
            None => "no /metrics or /readyz (server.metrics_bind is not set)".to_owned(),
        },
        settings.store_path.display(),
        operations::socket::socket_path(&settings.store_path).display(),
        settings.output_dir().display(),
        settings.slack.escalation_channel,
        settings.rules.roles.executives.len(),
        settings.rules.roles.managers.len(),
        settings.slack.api_url,
        settings.locale,
        match &settings.slack.stats_channel {
            Some(channel) => format!(
                "weekly report to {channel} on {:?} {} ({})",
                settings.report.schedule.weekday,
                settings.report.schedule.time.strftime("%H:%M"),
                settings.report.zone_name
            ),
            None => "no weekly report (slack.stats_channel is not set)".to_owned(),
        },
    );
    Ok(())
}
