//! Purpose: `escalation-bot export`: every case for audits, as CSV or JSON, written here
//! from a stopped bot's store or by the running bot through its operations socket.

use std::path::Path;

use escalation_bot::config::Settings;
use escalation_bot::operations;
use escalation_bot::report::export::{self, Format};

use super::ask::ask_for;
use super::runtime;
use super::store::open_for_report;

pub fn run(
    config: Option<&Path>,
    format: &str,
    since: Option<&str>,
    out: Option<&Path>,
) -> Result<(), String> {
    let settings = Settings::load(config).map_err(|e| e.to_string())?;
    let parsed =
        Format::parse(format).ok_or_else(|| format!("--format {format:?}: use csv or json."))?;
    let since_at = operations::since_asked(&settings, since)?;
    let Some(store) = open_for_report(&settings)? else {
        let Some(path) = out else {
            return Err(
                "The bot is running and writes the export itself: give a file with --out \
                 (a name inside operations.output_dir)."
                    .into(),
            );
        };
        let request = operations::ExportRequest {
            path: path.to_owned(),
            format: format.to_owned(),
            since: since.map(str::to_owned),
        };
        let done: operations::ExportDone = ask_for(&settings, operations::EXPORT_PATH, &request)?;
        eprintln!("Exported {} cases to {}.", done.cases, done.path.display());
        return Ok(());
    };
    let caller = operations::socket::Caller::this_process();
    let now = jiff::Timestamp::now();
    match out {
        Some(path) => {
            let done = operations::export_file(&store, &settings, path, parsed, since_at)?;
            runtime()?.block_on(operations::record_export(
                &store,
                caller,
                Some(&done.path),
                parsed,
                since,
                done.cases,
                now,
            ))?;
            eprintln!("Exported {} cases to {}.", done.cases, done.path.display());
        }
        None => {
            let mut writer = std::io::stdout().lock();
            let zone = &settings.report.schedule.zone;
            let cases = export::write(
                &store,
                zone,
                &settings.currency,
                since_at,
                parsed,
                settings.locale.catalog(),
                &mut writer,
            )
            .map_err(|e| e.to_string())?;
            runtime()?.block_on(operations::record_export(
                &store, caller, None, parsed, since, cases, now,
            ))?;
            eprintln!("Exported {cases} cases.");
        }
    }
    Ok(())
}
