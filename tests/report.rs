//! The weekly report, end to end against the stand-in with a clock the tests move: posted
//! once on schedule in the configured zone (not the server's), with Slack's native chart
//! and a table of its numbers in the message, or, in a workspace that refuses those
//! blocks, as text with the chart as a PNG uploaded through Slack's current upload flow
//! into the report's thread; never twice across a restart or an unknown outcome; weeks
//! missed while the bot was down posted on start.
//! Also the command line: `report` and the audit `export` (CSV for Excel, JSON).

mod common;

use std::path::Path;
use std::process::Output;
use std::sync::Arc;
use std::time::Duration;

use common::*;
use escalation_bot::clock::ManualClock;
use escalation_bot::config::Settings;
use escalation_bot::domain::ChannelId;
use escalation_bot::i18n::Locale;
use escalation_bot::report::export::{self, Column};
use jiff::{SignedDuration, Timestamp};
use slack_standin::Message;
use slack_standin::web_api::Fault;

const PNG_SIGNATURE: &[u8] = b"\x89PNG\r\n\x1a\n";

fn report_toml() -> String {
    "[report]\nweekly_at = \"MON 09:00\"\ntimezone = \"Asia/Tokyo\"\n".into()
}

fn with_stats_channel(settings: &mut Settings) {
    settings.slack.stats_channel = ChannelId::parse(STATS);
    settings.delivery.retry_base = Duration::from_millis(50);
    settings.delivery.retry_cap = Duration::from_millis(200);
}

fn at(s: &str) -> Timestamp {
    s.parse().unwrap()
}

async fn bot_at(start: &str, locale: Locale) -> (TestBot, Arc<ManualClock>) {
    let clock = Arc::new(ManualClock::new(at(start)));
    let bot = TestBot::start_with(Options {
        clock: clock.clone(),
        locale,
        extra_toml: report_toml(),
        tweak: with_stats_channel,
        ..Options::default()
    })
    .await;
    bot.slack.add_channel(STATS, "leadership");
    // A new store starts with the first report not yet due: let the job see the start
    // time before the tests move the clock.
    for _ in 0..500 {
        if bot.store.report_state().unwrap().is_some() {
            return (bot, clock);
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    panic!("the report job did not start");
}

fn reports(bot: &TestBot) -> Vec<Message> {
    bot.slack
        .messages()
        .into_iter()
        .filter(|m| m.channel == STATS && m.thread_ts.is_none())
        .collect()
}

/// The report's native chart, if its message has one.
fn chart_block(message: &Message) -> Option<serde_json::Value> {
    message
        .blocks
        .as_array()?
        .iter()
        .find(|b| b["type"] == "data_visualization")
        .cloned()
}

fn shared_files(bot: &TestBot) -> Vec<Message> {
    bot.slack
        .messages()
        .into_iter()
        .filter(|m| m.channel == STATS && !m.files.is_empty())
        .collect()
}

async fn wait_for_reports(bot: &TestBot, count: usize) {
    bot.slack
        .wait_for(Duration::from_secs(10), |s| {
            let reports = s
                .messages()
                .iter()
                .filter(|m| m.channel == STATS && m.thread_ts.is_none())
                .count();
            // The chart is in the report, or (in a workspace that refuses it) a file in
            // its thread.
            let charts = s
                .messages()
                .iter()
                .filter(|m| m.channel == STATS && (!m.files.is_empty() || chart_block(m).is_some()))
                .count();
            reports >= count && charts >= count
        })
        .await
        .unwrap_or_else(|e| panic!("{e}: {:#?}", reports(bot)));
}

/// Long enough for a job that wrongly posted to have done so.
async fn quiet() {
    tokio::time::sleep(Duration::from_millis(400)).await;
}

/// Two cases in Tokyo's 2026-W47 (one private), one taken after 30 minutes and warned.
async fn week_47(bot: &TestBot, clock: &ManualClock) {
    let id = bot
        .open_case("cust-1 verbal-abuse Insults on the phone")
        .await;
    bot.open_case("cust-1 sexual Remarks about my appearance")
        .await;
    clock.advance(SignedDuration::from_mins(30));
    bot.click(EXEC1, &bot.card(id), "take_case").await;
    bot.settle().await;
    clock.advance(SignedDuration::from_mins(90));
    bot.click(EXEC1, &bot.card(id), "decide:warning").await;
    bot.settle().await;
}

#[tokio::test]
async fn the_report_is_posted_once_on_schedule_in_the_configured_zone_with_its_chart() {
    // Wednesday 18 November 2026, 12:00 in Tokyo.
    let (mut bot, clock) = bot_at("2026-11-18T03:00:00Z", Locale::En).await;
    week_47(&bot, &clock).await;

    // Monday 08:59 in Tokyo (Sunday 23:59 UTC): not yet.
    clock.set(at("2026-11-22T23:59:00Z"));
    quiet().await;
    assert!(reports(&bot).is_empty(), "posted before 09:00 Tokyo time");

    clock.set(at("2026-11-23T00:00:00Z"));
    wait_for_reports(&bot, 1).await;
    let report = &reports(&bot)[0];
    let text = &report.text;
    for expected in [
        "*Weekly escalation report*\nMon 16 Nov to Sun 22 Nov 2026, counted in Asia/Tokyo time",
        "*Cases opened:* 2",
        "Verbal abuse 1",
        "Private categories 1 (not itemised)",
        "terminations 0, refunds 0 (¥0), no action (not harassment) 0\n",
        "*Decided:* 1\nCautions 0, written warnings 1, suspensions 0",
        "*Time to take:* median 30 min, 9 in 10 within 30 min (1 case)",
        "*Time to decide:* median 2 h, 9 in 10 within 2 h (1 case)",
        "*Still open now:* 1",
        "1 of this week's cases came from a customer with an earlier case",
        "*Customers terminated:* 0 this week, 0 of 350 in all",
    ] {
        assert!(text.contains(expected), "{expected:?} missing from\n{text}");
    }
    for never in ["Sexual", "sexual", AGENT, EXEC1, "cust-1", "appearance"] {
        assert!(
            !text.contains(never),
            "aggregates only, but {never:?} is in\n{text}"
        );
    }

    // The chart: Slack's own bar chart in the report, the categories named (no numbered
    // legend), each week labelled with its Monday; then a table of the same numbers.
    let chart = chart_block(report).expect("a native chart in the report");
    assert_eq!(
        chart["title"],
        "Cases per week by category, 12 weeks to 22 Nov"
    );
    assert_eq!(chart["chart"]["type"], "bar");
    let categories = chart["chart"]["axis_config"]["categories"]
        .as_array()
        .unwrap();
    assert_eq!(categories.len(), 12);
    assert_eq!(categories[11], "11/16");
    assert_eq!(categories[10], "11/9");
    let series = chart["chart"]["series"].as_array().unwrap();
    let names: Vec<&str> = series.iter().map(|s| s["name"].as_str().unwrap()).collect();
    assert_eq!(names, ["Verbal abuse", "Private categories"]);
    assert_eq!(series[0]["data"][11]["value"], 1);
    assert_eq!(series[1]["data"][11]["value"], 1);
    assert_eq!(series[0]["data"][10]["value"], 0);
    let table = report
        .blocks
        .as_array()
        .unwrap()
        .iter()
        .find(|b| b["type"] == "data_table");
    let rows = table.expect("a table of the numbers")["rows"]
        .as_array()
        .unwrap();
    assert_eq!(rows.len(), 13, "a header and 12 weeks");
    assert_eq!(rows[0][1]["text"], "Verbal abuse");
    assert_eq!(rows[0][3]["text"], "Total");
    assert_eq!(rows[12][0]["text"], "11/16");
    assert_eq!(rows[12][3]["value"], 2);
    assert!(
        bot.slack.files().is_empty(),
        "no image where the native chart is taken"
    );
    assert!(
        bot.slack
            .calls()
            .iter()
            .all(|c| !c.method.starts_with("files.")),
        "nothing uploaded"
    );

    // A restart does not post it again.
    bot.restart().await;
    quiet().await;
    assert_eq!(reports(&bot).len(), 1);

    // A week later, the next one: weekly, not daily.
    clock.advance(SignedDuration::from_hours(24));
    quiet().await;
    assert_eq!(reports(&bot).len(), 1, "a day later is not a week later");
    clock.set(at("2026-11-30T00:00:00Z"));
    wait_for_reports(&bot, 2).await;
    let second = &reports(&bot)[1];
    assert!(
        second.text.contains("Mon 23 Nov to Sun 29 Nov 2026"),
        "{}",
        second.text
    );
    assert!(
        second
            .text
            .contains("*Cases opened:* 0, down from an average of 0.5"),
        "{}",
        second.text
    );
    bot.shutdown().await;
}

#[tokio::test]
async fn weeks_missed_while_the_bot_was_down_are_posted_on_start_in_order() {
    let (mut bot, clock) = bot_at("2026-11-18T03:00:00Z", Locale::Ja).await;
    week_47(&bot, &clock).await;
    bot.shutdown().await;
    // Down from Wednesday of W47 to Tuesday of W49: W47's and W48's reports are due.
    clock.set(at("2026-12-01T02:00:00Z"));
    bot.restart().await;
    wait_for_reports(&bot, 2).await;
    quiet().await;
    let posted = reports(&bot);
    assert_eq!(posted.len(), 2, "W49's report is not due before 7 December");
    assert!(
        posted[0]
            .text
            .contains("集計期間：2026年11月16日（月）〜11月22日（日）"),
        "{}",
        posted[0].text
    );
    assert!(
        posted[0].text.contains("*新規案件* 2件"),
        "{}",
        posted[0].text
    );
    assert!(
        posted[0].text.contains("要配慮区分 1件"),
        "{}",
        posted[0].text
    );
    assert!(posted[0].text.contains("350社中 0社"), "{}", posted[0].text);
    let chart = chart_block(&posted[0]).expect("a native chart");
    assert_eq!(chart["title"], "11月22日（日）までの12週間の区分別新規案件");
    let names: Vec<&str> = chart["chart"]["series"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["暴言・侮辱", "要配慮区分"], "names in Japanese");
    assert!(
        posted[1]
            .text
            .contains("2026年11月23日（月）〜11月29日（日）"),
        "{}",
        posted[1].text
    );
    assert!(chart_block(&posted[1]).is_some());
    bot.shutdown().await;
}

#[tokio::test]
async fn a_post_whose_outcome_was_unknown_is_found_not_repeated() {
    let (bot, clock) = bot_at("2026-11-22T23:00:00Z", Locale::En).await;
    // Slack takes the report, but the answer never arrives.
    bot.slack
        .fail_next("chat.postMessage", Fault::ResetAfterDoing);
    clock.set(at("2026-11-23T00:00:00Z"));
    wait_for_reports(&bot, 1).await;
    bot.slack
        .wait_for(Duration::from_secs(10), |s| {
            !s.calls_to("conversations.history").is_empty()
        })
        .await
        .unwrap();
    quiet().await;
    assert_eq!(
        reports(&bot).len(),
        1,
        "the report was looked for, not re-posted"
    );
    assert_eq!(bot.slack.calls_to("chat.postMessage").len(), 1);
    assert!(chart_block(&reports(&bot)[0]).is_some());
}

#[tokio::test]
async fn a_workspace_that_refuses_the_native_chart_gets_it_once_as_a_named_image() {
    let (mut bot, clock) = bot_at("2026-11-18T03:00:00Z", Locale::Ja).await;
    bot.slack
        .refuse_block_types(&["data_visualization", "data_table"]);
    week_47(&bot, &clock).await;
    clock.set(at("2026-11-23T00:00:00Z"));
    wait_for_reports(&bot, 1).await;
    quiet().await;
    // One refused post with the blocks, then the report as text: not a loop.
    let posts = bot.slack.calls_to("chat.postMessage");
    let to_stats: Vec<_> = posts
        .iter()
        .filter(|c| c.params["channel"] == STATS)
        .collect();
    assert_eq!(to_stats.len(), 2, "{to_stats:#?}");
    assert!(
        to_stats[0].params["blocks"]
            .to_string()
            .contains("data_visualization")
    );
    assert!(
        to_stats[1]
            .params
            .get("blocks")
            .is_none_or(|b| !b.to_string().contains("data_"))
    );
    let posted = reports(&bot);
    assert_eq!(posted.len(), 1);
    assert!(
        posted[0].text.contains("*新規案件* 2件"),
        "{}",
        posted[0].text
    );
    assert!(chart_block(&posted[0]).is_none());
    // The chart as a PNG in the report's thread; its legend (in the image) names the
    // categories in Japanese, so the comment carries no numbered legend.
    let files = bot.slack.files();
    assert_eq!(files.len(), 1);
    assert_eq!(files[0].filename, "escalations-2026-11-16.png");
    let bytes = files[0].bytes.as_ref().expect("the bytes arrived");
    assert!(bytes.starts_with(PNG_SIGNATURE), "not a PNG");
    let shared = shared_files(&bot);
    assert_eq!(shared[0].thread_ts.as_deref(), Some(posted[0].ts.as_str()));
    assert!(
        shared[0].text.contains("区分別の新規案件数です"),
        "{}",
        shared[0].text
    );
    for numbered in ["1 暴", "2 ", "1 要"] {
        assert!(!shared[0].text.contains(numbered), "{}", shared[0].text);
    }
    // A restart neither posts the report again nor shares the image twice.
    bot.restart().await;
    quiet().await;
    assert_eq!(reports(&bot).len(), 1);
    assert_eq!(bot.slack.files().len(), 1);
    bot.shutdown().await;
}

#[tokio::test]
async fn an_image_whose_upload_outcome_was_unknown_is_found_not_shared_twice() {
    let (bot, clock) = bot_at("2026-11-22T23:00:00Z", Locale::En).await;
    bot.slack.refuse_block_types(&["data_visualization"]);
    // Slack shares the chart, but the answer never arrives.
    bot.slack
        .fail_next("files.completeUploadExternal", Fault::ResetAfterDoing);
    clock.set(at("2026-11-23T00:00:00Z"));
    wait_for_reports(&bot, 1).await;
    bot.slack
        .wait_for(Duration::from_secs(10), |s| {
            s.calls_to("files.completeUploadExternal").len() == 1
                && !s.calls_to("conversations.replies").is_empty()
        })
        .await
        .unwrap();
    quiet().await;
    assert_eq!(reports(&bot).len(), 1);
    assert_eq!(bot.slack.calls_to("chat.postMessage").len(), 2);
    assert_eq!(
        shared_files(&bot).len(),
        1,
        "the chart was looked for, not re-shared"
    );
    assert_eq!(bot.slack.files().len(), 1);
}

#[tokio::test]
async fn a_slack_outage_delays_the_report_but_never_skips_it() {
    let (bot, clock) = bot_at("2026-11-22T23:00:00Z", Locale::En).await;
    for _ in 0..3 {
        bot.slack.fail_next("chat.postMessage", Fault::Status(503));
    }
    clock.set(at("2026-11-23T00:00:00Z"));
    wait_for_reports(&bot, 1).await;
    quiet().await;
    assert_eq!(reports(&bot).len(), 1);
    assert_eq!(bot.slack.calls_to("chat.postMessage").len(), 4);
}

fn config_for(bot: &TestBot, dir: &Path) {
    let text = format!(
        r#"
        [store]
        path = "{store}"
        [slack]
        api_url = "{api}"
        escalation_channel = "{ESCALATIONS}"
        stats_channel = "{STATS}"
        [people]
        executives = ["{EXEC1}"]
        managers = ["{MGR1}", "{MGR2}"]
        [policy]
        customer_count = 350
        [i18n]
        locale = "{locale}"
        {report}
        "#,
        store = bot.settings.store_path.display(),
        api = bot.slack.api_url(),
        locale = match bot.settings.locale {
            Locale::En => "en",
            Locale::Ja => "ja",
        },
        report = report_toml(),
    );
    std::fs::write(dir.join("escalation-bot.toml"), text).unwrap();
}

/// Stops the bot and lets go of its store, so the command line can open it.
async fn release_store(bot: &mut TestBot) -> tempfile::TempDir {
    bot.shutdown().await;
    let parking = tempfile::tempdir().unwrap();
    bot.store = escalation_bot::store::Store::open(&parking.path().join("s"), 1 << 20).unwrap();
    // sled lets go of its lock a moment after the last handle is dropped.
    tokio::time::sleep(Duration::from_millis(100)).await;
    parking
}

/// `report --week <week> --post` from the command line, with the bot token.
async fn post_by_hand(dir: &Path, week: &str) -> Output {
    run_cli(
        dir,
        &["report", "--week", week, "--post"],
        &[("SLACK_BOT_TOKEN", TOKEN)],
    )
    .await
}

async fn run_cli(dir: &Path, args: &[&str], env: &[(&str, &str)]) -> Output {
    let dir = dir.to_owned();
    let args: Vec<String> = args.iter().map(|a| a.to_string()).collect();
    let env: Vec<(String, String)> = env
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    // The stand-in answers on this runtime while the binary runs.
    tokio::task::spawn_blocking(move || {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let env: Vec<(&str, &str)> = env.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        run_binary(&dir, &args, &env)
    })
    .await
    .unwrap()
}

fn out(o: &Output) -> String {
    format!(
        "status {:?}\nstdout:\n{}\nstderr:\n{}",
        o.status,
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn report_prints_or_posts_a_week_from_the_command_line() {
    let (mut bot, clock) = bot_at("2026-11-18T03:00:00Z", Locale::En).await;
    week_47(&bot, &clock).await;
    let _parking = release_store(&mut bot).await;
    let dir = tempfile::tempdir().unwrap();
    config_for(&bot, dir.path());

    let printed = run_cli(dir.path(), &["report", "--week", "2026-W47"], &[]).await;
    assert!(printed.status.success(), "{}", out(&printed));
    let text = String::from_utf8_lossy(&printed.stdout);
    assert!(
        text.contains("Weekly escalation report\nMon 16 Nov to Sun 22 Nov 2026"),
        "{text}"
    );
    assert!(text.contains("Cases opened: 2"), "{text}");
    assert!(!text.contains('*'), "no Slack markup in a terminal: {text}");
    // A day names its week (the rest of the text depends on when it is printed).
    let by_day = run_cli(dir.path(), &["report", "--week", "2026-11-18"], &[]).await;
    let by_day = String::from_utf8_lossy(&by_day.stdout);
    assert!(
        by_day.contains("Mon 16 Nov to Sun 22 Nov 2026") && by_day.contains("Cases opened: 2"),
        "{by_day}"
    );

    let bad = run_cli(dir.path(), &["report", "--week", "2026-W60"], &[]).await;
    assert!(!bad.status.success());
    assert!(out(&bad).contains("2026 has no week 60"), "{}", out(&bad));

    let no_token = run_cli(dir.path(), &["report", "--week", "2026-W47", "--post"], &[]).await;
    assert!(!no_token.status.success());
    assert!(
        out(&no_token).contains("SLACK_BOT_TOKEN"),
        "{}",
        out(&no_token)
    );

    let posted = post_by_hand(dir.path(), "2026-W47").await;
    assert!(posted.status.success(), "{}", out(&posted));
    assert_eq!(reports(&bot).len(), 1);
    assert!(
        reports(&bot)[0]
            .text
            .contains("Mon 16 Nov to Sun 22 Nov 2026")
    );
    assert!(chart_block(&reports(&bot)[0]).is_some(), "the native chart");
    assert!(
        shared_files(&bot).is_empty(),
        "no image where the native chart is taken"
    );

    // Where Slack refuses the native chart, the command falls back to the image, once.
    bot.slack.refuse_block_types(&["data_visualization"]);
    let again = post_by_hand(dir.path(), "2026-W47").await;
    assert!(again.status.success(), "{}", out(&again));
    assert_eq!(reports(&bot).len(), 2);
    assert!(chart_block(&reports(&bot)[1]).is_none());
    let shared = shared_files(&bot);
    assert_eq!(shared.len(), 1);
    assert_eq!(
        shared[0].thread_ts.as_deref(),
        Some(reports(&bot)[1].ts.as_str())
    );

    // The chart as a file to keep: a PNG under operations.output_dir, written by the
    // running bot, audited as an export.
    let chart = run_cli(
        dir.path(),
        &["report", "--week", "2026-W47", "--chart", "chart-w47.png"],
        &[],
    )
    .await;
    assert!(chart.status.success(), "{}", out(&chart));
    let png = std::fs::read(bot.settings.output_dir().join("chart-w47.png")).unwrap();
    assert!(png.starts_with(PNG_SIGNATURE), "not a PNG");
    let again = run_cli(
        dir.path(),
        &["report", "--week", "2026-W47", "--chart", "chart-w47.png"],
        &[],
    )
    .await;
    assert!(
        !again.status.success(),
        "never written over: {}",
        out(&again)
    );

    // Posting by hand is an admin action: audited with the week and how many cases the
    // report counts, like a backup or an export.
    let store = reopen(&bot.settings.store_path);
    let posted: Vec<_> = store
        .log_entries()
        .map(Result::unwrap)
        .filter(|e| e.what == "report-posted")
        .collect();
    assert_eq!(posted.len(), 2, "{posted:?}");
    assert_eq!(posted[0].details["week"], "2026-W47");
    assert_eq!(
        posted[0].details["cases"], "2",
        "the two cases opened in W47"
    );
    let charts: Vec<_> = store
        .log_entries()
        .map(Result::unwrap)
        .filter(|e| {
            e.what == "export" && e.details.get("format").map(String::as_str) == Some("png")
        })
        .collect();
    assert_eq!(charts.len(), 1, "{charts:?}");
    assert_eq!(charts[0].details["week"], "2026-W47");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_week_sent_by_hand_while_the_bot_was_down_is_not_posted_again() {
    let (mut bot, clock) = bot_at("2026-11-18T03:00:00Z", Locale::En).await;
    week_47(&bot, &clock).await;
    let _parking = release_store(&mut bot).await;
    let dir = tempfile::tempdir().unwrap();
    config_for(&bot, dir.path());
    // The bot is down at W47's time; an operator sends W47 by hand (today, after it ended).
    let posted = post_by_hand(dir.path(), "2026-W47").await;
    assert!(posted.status.success(), "{}", out(&posted));
    assert_eq!(reports(&bot).len(), 1);

    // The bot comes back after W47's scheduled time: W47 is not posted a second time.
    clock.set(at("2026-11-23T00:30:00Z"));
    bot.restart().await;
    quiet().await;
    assert_eq!(reports(&bot).len(), 1, "W47 went out once");
    let state = bot.store.report_state().unwrap().unwrap();
    assert_eq!(state.next.to_string(), "2026-W48");
    bot.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn export_round_trips_every_case_with_its_timeline_as_csv_and_json() {
    let (mut bot, clock) = bot_at("2026-11-18T03:00:00Z", Locale::Ja).await;
    week_47(&bot, &clock).await;
    bot.open_case("cust-2 dogeza 土下座して謝れと言われました")
        .await;
    bot.open_case("cust-3 other =HYPERLINK(\"http://evil.example\",\"click\")")
        .await;
    let _parking = release_store(&mut bot).await;
    let dir = tempfile::tempdir().unwrap();
    config_for(&bot, dir.path());

    // Written under operations.output_dir (by default `output` beside the store).
    let csv_path = bot.settings.output_dir().join("cases.csv");
    let csv_out = run_cli(
        dir.path(),
        &["export", "--format", "csv", "--out", "cases.csv"],
        &[],
    )
    .await;
    assert!(csv_out.status.success(), "{}", out(&csv_out));
    let bytes = std::fs::read(&csv_path).unwrap();
    assert!(
        bytes.starts_with("\u{feff}".as_bytes()),
        "Excel needs the BOM for UTF-8"
    );
    let text = String::from_utf8(bytes[3..].to_vec()).unwrap();
    // The bot speaks Japanese: so does the file HR and legal read, ids aside.
    assert!(
        text.starts_with("案件ID,起票日時,顧客ID,区分,区分ID,"),
        "{text}"
    );
    assert!(text.contains("\r\n"), "Excel expects CRLF");
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    assert_eq!(
        reader.headers().unwrap().iter().collect::<Vec<_>>(),
        export::headers(Locale::Ja.catalog())
    );
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), 4);
    let column = |c: Column| Column::ALL.iter().position(|x| *x == c).unwrap();
    assert_eq!(&rows[0][column(Column::Case)], "ESC-1");
    assert_eq!(
        &rows[0][column(Column::OpenedAt)],
        "2026-11-18T12:00:00+09:00"
    );
    assert_eq!(&rows[0][column(Column::Outcome)], "書面警告");
    assert_eq!(&rows[0][column(Column::OutcomeId)], "warning");
    assert_eq!(&rows[0][column(Column::DecidedBy)], EXEC1);
    let timeline = &rows[0][column(Column::Timeline)];
    // Nobody took the case for 30 minutes: the second executive was paged first.
    assert_eq!(timeline.lines().count(), 4, "{timeline}");
    assert!(timeline.contains("担当（U0EXEC1）"), "{timeline}");
    assert!(
        timeline.contains("+09:00 呼び出し：U0EXEC2\n"),
        "the bot's own step names nobody as its author: {timeline}"
    );
    assert!(
        timeline.ends_with("完了（U0EXEC1）：書面警告"),
        "{timeline}"
    );
    assert_eq!(
        &rows[0][column(Column::TimelineIds)],
        "opened\npaged\ntaken\nclosed",
        "the steps' ids beside their names, for programs"
    );
    assert_eq!(
        &rows[2][column(Column::Summary)],
        "土下座して謝れと言われました"
    );
    assert_eq!(&rows[2][column(Column::Category)], "土下座の要求");
    assert_eq!(&rows[2][column(Column::CategoryId)], "dogeza");
    assert!(
        rows[3][column(Column::Summary)].starts_with("'=HYPERLINK"),
        "a formula is written as text: {}",
        &rows[3][column(Column::Summary)]
    );
    assert_eq!(&rows[1][column(Column::State)], "未対応");

    let json_out = run_cli(dir.path(), &["export", "--format", "json"], &[]).await;
    assert!(json_out.status.success(), "{}", out(&json_out));
    let cases: serde_json::Value = serde_json::from_slice(&json_out.stdout).unwrap();
    let cases = cases.as_array().unwrap();
    // The four cases, then the audit log outside cases: the CSV export just made.
    assert_eq!(cases.len(), 5);
    assert_eq!(cases[4]["case"], "");
    // Named in Japanese like the cases' steps, with the log's own name as its id.
    assert_eq!(cases[4]["timeline"][0]["event"], "エクスポート");
    assert_eq!(cases[4]["timeline"][0]["event_id"], "export");
    assert!(
        cases[4]["timeline"][0]["detail"]
            .as_str()
            .unwrap()
            .contains("案件数：4、形式：CSV"),
        "{}",
        cases[4]
    );
    assert_eq!(cases[2]["summary"], "土下座して謝れと言われました");
    assert!(
        cases[3]["summary"]
            .as_str()
            .unwrap()
            .starts_with("=HYPERLINK")
    );
    // JSON keys are for programs, the same in every language; the values people read
    // are in the configured language, with the ids beside them.
    let steps = |key: &str| -> Vec<String> {
        cases[0]["timeline"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| s[key].as_str().unwrap().to_owned())
            .collect()
    };
    assert_eq!(steps("event_id"), ["opened", "paged", "taken", "closed"]);
    assert_eq!(steps("event"), ["起票", "呼び出し", "担当", "完了"]);
    assert_eq!(cases[0]["outcome"], "書面警告");
    assert_eq!(cases[0]["outcome_id"], "warning");
    assert_eq!(cases[2]["category_id"], "dogeza");
    for (row, case) in rows.iter().zip(cases) {
        let steps = Column::ALL
            .into_iter()
            .filter(|c| !matches!(c, Column::Timeline | Column::TimelineIds));
        for c in steps {
            assert_eq!(
                row[column(c)].trim_start_matches('\''),
                case[c.key()].as_str().unwrap(),
                "{}",
                c.key()
            );
        }
    }

    let since = run_cli(
        dir.path(),
        &["export", "--format", "json", "--since", "2026-11-19"],
        &[],
    )
    .await;
    let later: serde_json::Value = serde_json::from_slice(&since.stdout).unwrap();
    let later_cases = later
        .as_array()
        .unwrap()
        .iter()
        .filter(|row| row["case"] != "")
        .count();
    assert_eq!(later_cases, 0, "every case was opened on the 18th");
    let bad = run_cli(dir.path(), &["export", "--format", "xlsx"], &[]).await;
    assert!(!bad.status.success());
    assert!(out(&bad).contains("use csv or json"), "{}", out(&bad));
    let exists = run_cli(
        dir.path(),
        &[
            "export",
            "--format",
            "csv",
            "--out",
            csv_path.to_str().unwrap(),
        ],
        &[],
    )
    .await;
    assert!(
        !exists.status.success(),
        "an export never overwrites a file"
    );
}
