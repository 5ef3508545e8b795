//! Purpose: `escalation-bot acknowledgements`: who should read the company's policy and
//! who has acknowledged the version in force, printed as text or CSV; by the running bot
//! through its operations socket when it holds the store.

use std::path::Path;

use escalation_bot::config::Settings;
use escalation_bot::operations;

use super::ask::ask;
use super::store::open_for_report;
use super::{runtime, slack_from_env};

pub fn run(config: Option<&Path>, format: &str) -> Result<(), String> {
    let settings = Settings::load(config).map_err(|e| e.to_string())?;
    let csv = match format.trim() {
        "text" => false,
        "csv" => true,
        other => return Err(format!("--format {other:?}: use text or csv.")),
    };
    let Some(store) = open_for_report(&settings)? else {
        let request = operations::AcknowledgementsRequest { csv };
        let answer = ask(&settings, operations::ACKNOWLEDGEMENTS_PATH, &request)?;
        print!("{answer}");
        return Ok(());
    };
    let slack = slack_from_env(&settings, "listing the staff")?;
    let directory = escalation_bot::staff::Directory::new(settings.slack.team_id.clone());
    let now = jiff::Timestamp::now();
    let listing = runtime()?.block_on(async {
        let (listing, people) =
            operations::acknowledgements(&store, &slack, &directory, &settings, csv).await?;
        let caller = operations::socket::Caller::this_process();
        operations::record_acknowledgements(&store, caller, csv, people, now).await?;
        Ok::<String, String>(listing)
    })?;
    print!("{listing}");
    Ok(())
}
