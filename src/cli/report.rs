//! Purpose: `escalation-bot report`: a week's report printed, or posted to Slack now;
//! by the running bot through its operations socket when it holds the store.

use std::path::Path;

use escalation_bot::config::Settings;
use escalation_bot::operations;

use super::ask::ask;
use super::store::open_for_report;
use super::{runtime, slack_from_env};

pub fn run(
    config: Option<&Path>,
    week: Option<&str>,
    post: bool,
    chart: Option<&Path>,
) -> Result<(), String> {
    let settings = Settings::load(config).map_err(|e| e.to_string())?;
    let now = jiff::Timestamp::now();
    let Some(store) = open_for_report(&settings)? else {
        let request = operations::ReportRequest {
            week: week.map(str::to_owned),
            post,
            chart: chart.map(Path::to_owned),
        };
        let answer = ask(&settings, operations::REPORT_PATH, &request)?;
        print_report(&answer, post || chart.is_some());
        return Ok(());
    };
    let week = operations::week_asked(&settings, week, now)?;
    if let Some(requested) = chart {
        let done = operations::chart_file(&store, &settings, week, now, requested)?;
        let caller = operations::socket::Caller::this_process();
        runtime()?.block_on(operations::record_chart_export(
            &store, caller, &done, week, now,
        ))?;
        println!("Wrote the chart of {week} to {}.", done.path.display());
        return Ok(());
    }
    if !post {
        print_report(
            &operations::report_text(&store, &settings, week, now)?,
            false,
        );
        return Ok(());
    }
    let slack = slack_from_env(&settings, "posting the report")?;
    runtime()?.block_on(async {
        let cases =
            escalation_bot::jobs::report::post_now(&store, &slack, &settings, now, week).await?;
        let caller = operations::socket::Caller::this_process();
        operations::record_report_posted(&store, caller, week, cases, now).await
    })?;
    println!("Posted the report on {week}.");
    Ok(())
}

fn print_report(text: &str, posted: bool) {
    if posted {
        println!("{}", text.trim());
    } else {
        // Slack's *bold* markers mean nothing in a terminal.
        println!("{}", text.replace('*', ""));
    }
}
