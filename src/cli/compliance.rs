//! Purpose: `escalation-bot compliance-report`: the compliance report on a period (the
//! last full quarter by default) as Markdown, CSV or JSON, printed or written into a new
//! file under `operations.output_dir`; by the running bot through its operations socket
//! when it holds the store. With the bot stopped, the staff are counted only when
//! SLACK_BOT_TOKEN is set (the report says so otherwise).

use std::io::Write;
use std::path::Path;

use escalation_bot::config::Settings;
use escalation_bot::domain::compliance::{NotCounted, Staff};
use escalation_bot::operations;

use super::ask::{ask, ask_for};
use super::store::open_for_report;
use super::{runtime, slack_from_env};

pub fn run(
    config: Option<&Path>,
    from: Option<&str>,
    to: Option<&str>,
    format: Option<&str>,
    out: Option<&Path>,
) -> Result<(), String> {
    let settings = Settings::load(config).map_err(|e| e.to_string())?;
    let now = jiff::Timestamp::now();
    // Asked here too, so a mistake is said before anything is opened or asked.
    let parsed = operations::compliance_format(format)?;
    let period = operations::period_asked(&settings, from, to, now)?;
    let Some(store) = open_for_report(&settings)? else {
        let request = operations::ComplianceRequest {
            from: from.map(str::to_owned),
            to: to.map(str::to_owned),
            format: format.map(str::to_owned),
            out: out.map(Path::to_owned),
        };
        if out.is_some() {
            let done: operations::ExportDone =
                ask_for(&settings, operations::COMPLIANCE_PATH, &request)?;
            eprintln!(
                "Wrote the compliance report on {} to {} to {}.",
                period.from,
                period.to,
                done.path.display()
            );
        } else {
            print!("{}", ask(&settings, operations::COMPLIANCE_PATH, &request)?);
        }
        return Ok(());
    };
    // The staff can be counted only with the bot's token; without it the report says so.
    let staff = match slack_from_env(&settings, "counting the staff") {
        Ok(slack) => {
            let directory = escalation_bot::staff::Directory::new(settings.slack.team_id.clone());
            runtime()?.block_on(operations::staff(&slack, &directory, &settings, now))
        }
        Err(_) => Staff::NotListed(NotCounted::NoToken),
    };
    match out {
        Some(requested) => {
            let done = operations::compliance_file(
                &store, &settings, period, parsed, now, staff, requested,
            )?;
            let caller = operations::socket::Caller::this_process();
            runtime()?.block_on(operations::record_compliance_export(
                &store, caller, &done.path, parsed, period, now,
            ))?;
            eprintln!(
                "Wrote the compliance report on {} to {} to {}.",
                period.from,
                period.to,
                done.path.display()
            );
        }
        None => {
            let bytes =
                operations::compliance_bytes(&store, &settings, period, parsed, now, staff)?;
            std::io::stdout()
                .lock()
                .write_all(&bytes)
                .map_err(|e| e.to_string())?;
        }
    }
    Ok(())
}
