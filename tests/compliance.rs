//! The compliance report, black-box: a quarter of history built by hand over HTTP on a
//! clock the test moves (every group of the guideline has something to count, with steps
//! just before and after the quarter that must not count), then `/escalate compliance`
//! (only executives, managers and the desk; the monthly numbers as data tables the
//! stand-in checks against Block Kit's limits), and `escalation-bot compliance-report`,
//! the real binary, through the running bot and on a stopped bot's store, as Markdown,
//! CSV and JSON, in English and Japanese.

mod common;

use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use common::*;
use escalation_bot::clock::ManualClock;
use escalation_bot::config::Settings;
use escalation_bot::domain::{CaseId, CaseState};
use escalation_bot::i18n::Locale;
use escalation_bot::operations;
use jiff::Timestamp;
use slack_standin::{Answer, Fault, Message};

const POLICY_URL: &str = "https://intranet.example.com/kasuhara";

/// A time in Tokyo (`2026-07-01 10:00`), where the report's days are counted.
fn tokyo(civil: &str) -> Timestamp {
    let civil: jiff::civil::DateTime = civil.replace(' ', "T").parse().expect("a civil time");
    civil
        .to_zoned(jiff::tz::TimeZone::get("Asia/Tokyo").expect("the zone database"))
        .expect("a Tokyo time")
        .timestamp()
}

/// The desk (HR1, HR2) with its channel, the policy's link, the report's days in Tokyo.
fn with_desk(settings: &mut Settings) {
    desk(settings, true);
    settings.policy_url = Some(POLICY_URL.into());
    set_tokyo(settings);
}

fn with_desk_ja(settings: &mut Settings) {
    with_desk(settings);
    settings.locale = Locale::Ja;
}

fn set_tokyo(settings: &mut Settings) {
    settings.report.schedule.zone = jiff::tz::TimeZone::get("Asia/Tokyo").unwrap();
    settings.report.zone_name = "Asia/Tokyo".into();
}

async fn bot_at(start: &str, tweak: fn(&mut Settings)) -> (TestBot, Arc<ManualClock>) {
    let clock = Arc::new(ManualClock::new(tokyo(start)));
    let bot = TestBot::start_with(Options {
        clock: clock.clone(),
        tweak,
        ..Options::default()
    })
    .await;
    bot.add_desk();
    (bot, clock)
}

/// Moves the clock to `when` (Tokyo) and lets every timer due by then fire.
async fn at(bot: &TestBot, clock: &ManualClock, when: &str) {
    clock.set(tokyo(when));
    bot.catch_up().await;
}

/// The answer to a slash command as the message it shows (to click its buttons).
fn shown(answer: &Answer, user: &str) -> Message {
    let json = answer.json();
    Message {
        channel: SUPPORT.into(),
        ts: "1796000000.000100".into(),
        thread_ts: None,
        text: json["text"].as_str().unwrap_or_default().into(),
        blocks: json["blocks"].clone(),
        metadata: serde_json::Value::Null,
        only_for: Some(user.into()),
        edits: 0,
        author: None,
        files: Vec::new(),
    }
}

async fn take(bot: &TestBot, id: CaseId) {
    bot.click(EXEC1, &bot.card(id), "take_case").await;
    bot.settle().await;
    assert!(bot.case(id).owner().is_some(), "{id} taken");
}

async fn acknowledge_policy(bot: &TestBot, user: &str) {
    let policy = shown(&bot.escalate(user, "policy").await, user);
    bot.click(user, &policy, "policy_ack").await;
    bot.settle().await;
}

/// The check-in the reporter of `id` got.
fn check_in(bot: &TestBot, id: CaseId, reporter: &str) -> Message {
    let posted = bot.case(id).posts.check_in.expect("the check-in went out");
    bot.dms_to(reporter)
        .into_iter()
        .find(|m| m.ts == posted.ts)
        .expect("the reporter has it")
}

/// The desk channel's post of the latest consultation.
fn latest_consultation(bot: &TestBot) -> Message {
    bot.desk_posts().pop().expect("a consultation was posted")
}

/// Waits until `n` consultations exist.
async fn consultations(bot: &TestBot, n: u64) {
    for _ in 0..500 {
        if let Ok(Some(_)) = bot
            .store
            .consultation(escalation_bot::domain::ConsultationId::new(n))
        {
            bot.settle().await;
            return;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    panic!("consultation {n} was not opened");
}

/// The quarter July to September 2026, in Tokyo, with something in every group of the
/// guideline, and steps in June and October around it. See the figures each step makes
/// in `the_quarters_figures_are_the_history_built_by_hand`.
async fn build_history(bot: &TestBot, clock: &ManualClock) {
    // June: cust-1's first case, decided, its check-in sent and unanswered, all before
    // the quarter.
    let first = bot.open_case("cust-1 verbal-abuse Rude on the phone").await;
    take(bot, first).await;
    bot.click(EXEC1, &bot.card(first), "decide:caution").await;
    bot.settle().await;
    at(bot, clock, "2026-06-23 11:00").await;
    at(bot, clock, "2026-06-26 11:00").await;

    // 1 July: the policy is read; cust-1 threatens (critical): the reporter needs someone,
    // EXEC1 takes it in 30 min and proposes termination with the checks and a prevention
    // note, MGR1 approves an hour later; the reporter is kept off the customer.
    at(bot, clock, "2026-07-01 10:00").await;
    acknowledge_policy(bot, AGENT).await;
    let answer = bot
        .escalate(AGENT, "cust-1 threat Said he would come to the shop")
        .await;
    assert_eq!(answer.status, 200, "{}", answer.body);
    let threat = CaseId::new(2);
    bot.settle().await;
    bot.click(AGENT, &shown(&answer, AGENT), "need_someone_now")
        .await;
    bot.settle().await;
    at(bot, clock, "2026-07-01 10:30").await;
    take(bot, threat).await;
    at(bot, clock, "2026-07-01 11:00").await;
    let seen = bot.slack.views().len();
    bot.click(EXEC1, &bot.card(threat), "decide:termination")
        .await;
    let checks = bot.form_after(seen).await;
    let proposed = bot
        .sender
        .submit(
            EXEC1,
            &checks,
            &[
                ("complaint", "none"),
                ("accommodation", "not-relevant"),
                ("duty_to_serve", "no"),
                ("legal", "reviewed"),
                ("prevention", "Meet this customer only with two staff"),
            ],
        )
        .await;
    assert_eq!(proposed.status, 200, "{}", proposed.body);
    bot.settle().await;
    at(bot, clock, "2026-07-01 12:00").await;
    bot.click(MGR1, &bot.proposal(threat), "approve_proposal")
        .await;
    bot.settle().await;
    bot.click(EXEC1, &bot.card(threat), "keep_reporter_off")
        .await;
    bot.settle().await;
    assert!(bot.case(threat).reporter_kept_off);

    // 4 July: the check-in; the reporter would like to talk to the desk (CON-1), which
    // turns it into a case three hours later (ESC-3, cust-1 again, left open).
    at(bot, clock, "2026-07-04 12:00").await;
    bot.click(AGENT, &check_in(bot, threat, AGENT), "check_in_desk")
        .await;
    consultations(bot, 1).await;
    at(bot, clock, "2026-07-04 15:00").await;
    let seen = bot.slack.views().len();
    bot.click(HR1, &latest_consultation(bot), "consult_convert")
        .await;
    let convert = bot.form_after(seen).await;
    let converted = bot
        .sender
        .submit(
            HR1,
            &convert,
            &[("category", "persistent"), ("customer", "cust-1")],
        )
        .await;
    assert_eq!(converted.status, 200, "{}", converted.body);
    bot.settle().await;
    assert!(bot.store.case(CaseId::new(3)).unwrap().is_some());

    // 3 August: cust-2 insults AGENT2 (taken in an hour, decided the next day: a written
    // warning and a police consultation, with a prevention note); cust-3's sexual
    // harassment of AGENT (taken in two hours, no action an hour later).
    at(bot, clock, "2026-08-03 10:00").await;
    let insult = bot
        .sender
        .command(
            AGENT2,
            SUPPORT,
            "cust-2 verbal-abuse Insulted me on the phone",
        )
        .await;
    assert_eq!(insult.status, 200, "{}", insult.body);
    bot.settle().await;
    let insult = CaseId::new(4);
    at(bot, clock, "2026-08-03 10:05").await;
    let private = bot.open_case("cust-3 sexual Comments about my body").await;
    assert_eq!(private, CaseId::new(5));
    at(bot, clock, "2026-08-03 11:00").await;
    take(bot, insult).await;
    at(bot, clock, "2026-08-03 12:05").await;
    take(bot, private).await;
    at(bot, clock, "2026-08-03 13:05").await;
    bot.click(EXEC1, &bot.card(private), "decide:no-action")
        .await;
    bot.settle().await;
    at(bot, clock, "2026-08-04 11:00").await;
    let seen = bot.slack.views().len();
    bot.click(EXEC1, &bot.card(insult), "decide:several").await;
    let outcome = bot.form_after(seen).await;
    let decided = bot
        .sender
        .submit(
            EXEC1,
            &outcome,
            &[
                ("measures", "warning,police"),
                ("prevention", "Two staff on this customer's calls"),
            ],
        )
        .await;
    assert_eq!(decided.status, 200, "{}", decided.body);
    bot.settle().await;
    assert!(bot.case(insult).is_closed());

    // Their check-ins: ESC-5's goes unanswered, AGENT2 is fine.
    at(bot, clock, "2026-08-06 14:00").await;
    at(bot, clock, "2026-08-07 12:00").await;
    bot.click(AGENT2, &check_in(bot, insult, AGENT2), "check_in_fine")
        .await;
    bot.settle().await;
    at(bot, clock, "2026-08-09 14:00").await;

    // 10 August: AGENT2 consults the desk (CON-2): answered in 20 minutes, closed the
    // next day.
    at(bot, clock, "2026-08-10 10:00").await;
    let consulted = bot
        .sender
        .command(
            AGENT2,
            SUPPORT,
            "consult He calls me dear. Is that harassment?",
        )
        .await;
    assert_eq!(consulted.status, 200, "{}", consulted.body);
    consultations(bot, 2).await;
    at(bot, clock, "2026-08-10 10:20").await;
    bot.click(HR1, &latest_consultation(bot), "consult_answered")
        .await;
    bot.settle().await;
    at(bot, clock, "2026-08-11 10:00").await;
    bot.click(HR1, &latest_consultation(bot), "consult_close")
        .await;
    bot.settle().await;

    // 15 September: cust-4 calls every hour; taken, not yet decided. 20 September: a
    // backup and an export.
    at(bot, clock, "2026-09-15 10:00").await;
    let persistent = bot.open_case("cust-4 persistent Calls every hour").await;
    at(bot, clock, "2026-09-15 10:30").await;
    take(bot, persistent).await;
    at(bot, clock, "2026-09-20 10:00").await;
    let store = &bot.settings.store_path;
    operations::socket::ask(store, operations::BACKUP_PATH, r#"{"path":"q3"}"#.into())
        .await
        .expect("a backup");
    operations::socket::ask(
        store,
        operations::EXPORT_PATH,
        r#"{"path":"q3.json","format":"json","since":null}"#.into(),
    )
    .await
    .expect("an export");

    // October, after the quarter: MGR1 reads the policy; cust-4 again.
    at(bot, clock, "2026-10-02 10:00").await;
    acknowledge_policy(bot, MGR1).await;
    bot.open_case("cust-4 verbal-abuse Shouted again").await;
    at(bot, clock, "2026-10-05 10:00").await;
}

/// `/escalate compliance` as `user`: the summary that comes by the command's response
/// URL (after the acknowledgement, which shows nothing).
async fn summary(bot: &TestBot, user: &str) -> Message {
    let seen = bot.ephemerals_for(user).len();
    let answer = bot.sender.command(user, SUPPORT, "compliance").await;
    assert_eq!(answer.status, 200, "{}", answer.body);
    assert!(answer.body.is_empty(), "nothing at once: {}", answer.body);
    bot.ephemeral_after(user, seen).await
}

fn tables(message: &Message) -> Vec<serde_json::Value> {
    message
        .blocks
        .as_array()
        .into_iter()
        .flatten()
        .filter(|b| b["type"] == "data_table")
        .cloned()
        .collect()
}

/// A table's rows as text, a row per line, cells separated by `|`.
fn table_text(table: &serde_json::Value) -> String {
    table["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|row| {
            row.as_array()
                .unwrap()
                .iter()
                .map(|c| c["text"].as_str().unwrap().to_owned())
                .collect::<Vec<_>>()
                .join("|")
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// The command line's configuration: the bot's store, Slack (the stand-in) and people,
/// with `people.staff_group` when `group` is given.
fn config_for(bot: &TestBot, dir: &Path, locale: &str, group: Option<&str>) {
    let group = group
        .map(|g| format!("staff_group = \"{g}\""))
        .unwrap_or_default();
    let text = format!(
        r#"
        [store]
        path = "{store}"
        [operations]
        output_dir = "{output}"
        [slack]
        api_url = "{api}"
        escalation_channel = "{ESCALATIONS}"
        consultation_channel = "{DESK}"
        [people]
        executives = ["{EXEC1}", "{EXEC2}"]
        managers = ["{MGR1}", "{MGR2}"]
        consultation_desk = ["{HR1}", "{HR2}"]
        {group}
        [policy]
        version = "2026-11"
        document_url = "{POLICY_URL}"
        [i18n]
        locale = "{locale}"
        [report]
        timezone = "Asia/Tokyo"
        "#,
        store = bot.settings.store_path.display(),
        output = bot.settings.output_dir().display(),
        api = bot.slack.api_url(),
    );
    std::fs::write(dir.join("escalation-bot.toml"), text).unwrap();
}

async fn run_cli(dir: &Path, args: &[&str]) -> std::process::Output {
    run_cli_with(dir, args, &[]).await
}

async fn run_cli_with(dir: &Path, args: &[&str], env: &[(&str, &str)]) -> std::process::Output {
    let dir = dir.to_owned();
    let args: Vec<String> = args.iter().map(|a| a.to_string()).collect();
    let env: Vec<(String, String)> = env
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    // The bot and the stand-in answer on this runtime while the binary runs.
    tokio::task::spawn_blocking(move || {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let env: Vec<(&str, &str)> = env.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        run_binary(&dir, &args, &env)
    })
    .await
    .unwrap()
}

fn out(o: &std::process::Output) -> String {
    format!(
        "status {:?}\nstdout:\n{}\nstderr:\n{}",
        o.status,
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

/// Every figure of the JSON, by path (`response.opened`), for comparing with what the
/// history should give.
fn figure<'a>(json: &'a serde_json::Value, path: &str) -> &'a serde_json::Value {
    path.split('.')
        .fold(json, |v, key| match key.parse::<usize>() {
            Ok(i) => &v[i],
            Err(_) => &v[key],
        })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_quarters_figures_are_the_history_built_by_hand() {
    let (mut bot, clock) = bot_at("2026-06-20 10:00", with_desk).await;
    build_history(&bot, &clock).await;

    // The decisions keep their prevention notes, and the card shows them.
    let threat = bot.case(CaseId::new(2));
    let CaseState::Closed { decision, .. } = &threat.state else {
        panic!("ESC-2 is closed: {:?}", threat.state)
    };
    assert_eq!(
        decision.prevention.as_deref(),
        Some("Meet this customer only with two staff"),
        "the checks form's note travels through the approval"
    );
    let card = text_of(&bot.card(CaseId::new(4)));
    assert!(
        card.contains("Prevention") && card.contains("Two staff on this customer"),
        "{card}"
    );

    // Slack: the last full quarter (July to September, the clock being 5 October).
    let message = summary(&bot, EXEC1).await;
    let text = &message.text;
    for line in [
        "*Customer harassment measures: compliance report*\n\
         Period: 1 Jul 2026 to 30 Sep 2026, counted in Asia/Tokyo time.",
        "- In force: version 2026-11; the policy: \
         <https://intranet.example.com/kasuhara|the policy document>.",
        "- Confirmed reading this version: 2 people so far, 1 of them in the period; the \
         first on 1 Jul 2026, the latest on 2 Oct 2026.",
        "- The period's decisions were made under policy version 2026-11 (3).",
        "- The consultation desk has 2 members; consultations reach them in the desk's \
         private channel, and nobody else.",
        "- Consultations: 2 opened, 2 answered, 1 closed with advice given, 1 turned into \
         cases.",
        "- Time to the desk's first answer: median 20 min, 9 in 10 within 3 h (2 \
         consultations).",
        "- Cases opened: 5. By category: Threats 1, Verbal abuse 1, Persistent contact 2, \
         Private categories 1 (not itemised).",
        "- Cases decided: 3: acted on 2, no action (not harassment) 1.",
        "- Measures: Caution 0, Written warning 1, Contact restriction 0, Suspension 0, \
         Termination 1, Refund 0 (¥0), Formal request to their company 0, Police \
         consultation or report 1, Lawyer consultation 0, No action (not harassment) 1.",
        "- 1 of the decisions had several measures, counted under each.",
        "- Time to take: median 30 min, 9 in 10 within 2 h (4 cases).",
        "- Time to decide: median 3 h, 9 in 10 within 1 d 1 h (3 cases).",
        "- Checks before a suspension or a termination: 1 decision, 1 with the checks \
         answered; legal reviewed 1, legal review not needed 0; 0 with an answer marked \
         for the approver to look at twice.",
        "- Recurrence: 2 of the period's cases came from a customer with an earlier case; \
         1 customer with a case in the period had more than one by its end.",
        "- Prevention (再発防止策): a note was recorded on 2 of the 3 decisions.",
        "- Approval: every suspension and termination, and refunds over ¥50,000, need the \
         approval of one of 2 approvers (the managers), never the proposer.",
        "- Who acts: 2 executives, paged one after another (the next after 15 min, then 3 \
         alerts in the escalation channel); 2 managers;",
        "- Check-ins after a close (3 d after it): 3 sent; answered fine 1, would like to \
         talk to the desk 1, no answer 1.",
        "- \"I need someone now\" from the reporter of a critical case: 1.",
        "- Reporters kept off a customer (担当替え): 1.",
        "- Private categories: 1 case, counted here",
        "- From the audit log: 1 export, 1 backup, 0 retention passes",
        "- Retention: a closed case keeps its details for 5y after it closed",
    ] {
        assert!(text.contains(line), "{line:?} is not in:\n{text}");
    }
    for private in [
        "Comments about my body",
        "Sexual harassment",
        "cust-3",
        AGENT,
    ] {
        assert!(
            !text.contains(private) && !message.blocks.to_string().contains(private),
            "{private:?}: aggregates only"
        );
    }
    let tables = tables(&message);
    assert_eq!(tables.len(), 2, "{}", message.blocks);
    assert_eq!(
        table_text(&tables[0]),
        "Month|Threats|Verbal abuse|Persistent contact|Private categories|Total\n\
         Jul 2026|1|0|1|0|2\n\
         Aug 2026|0|1|0|1|2\n\
         Sep 2026|0|0|1|0|1"
    );
    assert_eq!(
        table_text(&tables[1]),
        "Month|Cases opened|Decided|Acted on|No action (not harassment)|Consultations\n\
         Jul 2026|2|1|1|0|1\n\
         Aug 2026|2|2|1|1|1\n\
         Sep 2026|1|0|0|0|0"
    );

    // The real binary, through the running bot: the same quarter as Markdown (by the
    // bot's clock when no days are given), CSV and JSON into files.
    let work = tempfile::tempdir().unwrap();
    config_for(&bot, work.path(), "en", None);
    let md = run_cli(work.path(), &["compliance-report"]).await;
    assert!(md.status.success(), "{}", out(&md));
    let md = String::from_utf8(md.stdout).unwrap();
    assert!(
        md.starts_with("# Customer harassment measures: compliance report\n"),
        "{md}"
    );
    for line in [
        "Period: 1 Jul 2026 to 30 Sep 2026",
        "## 1. Policy (方針の明確化と周知)",
        "- In force: version 2026-11; the policy: <https://intranet.example.com/kasuhara>.",
        "- Cases opened: 5.",
        "## Cases opened by category and month",
        "| Month | Threats | Verbal abuse | Persistent contact | Private categories | Total |",
        "| Aug 2026 | 0 | 1 | 0 | 1 | 2 |",
        "| Aug 2026 | 2 | 2 | 1 | 1 | 1 |",
        // No staff group: the bot lists the support channel's members.
        "- Staff who have confirmed reading this version: ",
        "The staff are the members of the support channels (slack.support_channels) other \
         than guests, people of other workspaces and bots, as Slack listed them on Mon 5 Oct \
         2026 10:00 JST.",
    ] {
        assert!(md.contains(line), "{line:?} is not in:\n{md}");
    }
    assert!(!md.contains('*'), "no Slack markup in Markdown: {md}");
    for (format, file) in [("json", "q3-report.json"), ("csv", "q3-report.csv")] {
        let written = run_cli(
            work.path(),
            &[
                "compliance-report",
                "--from",
                "2026-07-01",
                "--to",
                "2026-09-30",
                "--format",
                format,
                "--out",
                file,
            ],
        )
        .await;
        assert!(written.status.success(), "{}", out(&written));
    }
    let output = bot.settings.output_dir();
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(output.join("q3-report.json")).unwrap())
            .unwrap();
    for (path, expected) in [
        ("period.from", serde_json::json!("2026-07-01")),
        ("period.to", serde_json::json!("2026-09-30")),
        ("zone", serde_json::json!("Asia/Tokyo")),
        ("policy.version", serde_json::json!("2026-11")),
        ("policy.document_url", serde_json::json!(POLICY_URL)),
        ("policy.acknowledged", serde_json::json!(2)),
        ("policy.acknowledged_in_period", serde_json::json!(1)),
        ("policy.decided_under.2026-11", serde_json::json!(3)),
        ("consultation.desk_members", serde_json::json!(2)),
        ("consultation.desk_channel", serde_json::json!(true)),
        ("consultation.opened", serde_json::json!(2)),
        ("consultation.answered", serde_json::json!(2)),
        ("consultation.closed", serde_json::json!(1)),
        ("consultation.converted", serde_json::json!(1)),
        ("consultation.to_first_answer.count", serde_json::json!(2)),
        (
            "consultation.to_first_answer.median_seconds",
            serde_json::json!(1200),
        ),
        (
            "consultation.to_first_answer.p90_seconds",
            serde_json::json!(10_800),
        ),
        ("response.opened", serde_json::json!(5)),
        ("response.by_category.threat", serde_json::json!(1)),
        ("response.by_category.verbal-abuse", serde_json::json!(1)),
        ("response.by_category.persistent", serde_json::json!(2)),
        ("response.private_categories", serde_json::json!(1)),
        ("response.decided", serde_json::json!(3)),
        ("response.acted_on", serde_json::json!(2)),
        ("response.no_action", serde_json::json!(1)),
        ("response.measures.termination", serde_json::json!(1)),
        ("response.measures.warning", serde_json::json!(1)),
        ("response.measures.police", serde_json::json!(1)),
        ("response.measures.no-action", serde_json::json!(1)),
        ("response.measures.caution", serde_json::json!(0)),
        ("response.combined", serde_json::json!(1)),
        ("response.to_taken.count", serde_json::json!(4)),
        ("response.to_taken.median_seconds", serde_json::json!(1800)),
        ("response.to_taken.p90_seconds", serde_json::json!(7200)),
        ("response.to_decided.count", serde_json::json!(3)),
        (
            "response.to_decided.median_seconds",
            serde_json::json!(10_800),
        ),
        ("response.to_decided.p90_seconds", serde_json::json!(90_000)),
        ("response.checks.decisions", serde_json::json!(1)),
        ("response.checks.answered", serde_json::json!(1)),
        ("response.checks.legal_reviewed", serde_json::json!(1)),
        ("response.repeat_cases", serde_json::json!(2)),
        ("response.repeat_customers", serde_json::json!(1)),
        ("response.prevention_notes", serde_json::json!(2)),
        ("deterrence.executives", serde_json::json!(2)),
        ("deterrence.approvers", serde_json::json!(2)),
        ("deterrence.approvers_are_managers", serde_json::json!(true)),
        (
            "deterrence.ladder.1.step",
            serde_json::json!("written-warning"),
        ),
        ("care.check_ins_sent", serde_json::json!(3)),
        ("care.check_ins_fine", serde_json::json!(1)),
        ("care.check_ins_desk", serde_json::json!(1)),
        ("care.check_ins_unanswered", serde_json::json!(1)),
        ("care.needed_someone", serde_json::json!(1)),
        ("care.reporters_kept_off", serde_json::json!(1)),
        ("care.private_cases", serde_json::json!(1)),
        ("care.exports", serde_json::json!(1)),
        ("care.backups", serde_json::json!(1)),
        ("care.retention", serde_json::json!("5y")),
        ("months.0.month", serde_json::json!("2026-07")),
        ("months.1.opened", serde_json::json!(2)),
        ("months.1.private_categories", serde_json::json!(1)),
        ("months.1.no_action", serde_json::json!(1)),
        ("months.2.by_category.persistent", serde_json::json!(1)),
    ] {
        assert_eq!(figure(&json, path), &expected, "{path} in {json:#}");
    }
    assert!(
        !json.to_string().contains("sexual"),
        "private categories are one count"
    );
    let csv = std::fs::read_to_string(output.join("q3-report.csv")).unwrap();
    let csv = csv.strip_prefix('\u{feff}').expect("a byte-order mark");
    let mut lines = csv.split("\r\n");
    assert_eq!(lines.next(), Some("Section,Item id,Month,Key,Item,Value"));
    for row in [
        "3,response.opened,,,Cases opened,5",
        "3,response.by_category,,persistent,Cases opened by category: Persistent contact,2",
        "3,months.opened,2026-08,,Cases opened,2",
        "5,care.reporters_kept_off,,,Reporters kept off a customer,1",
        "1,policy.document_url,,,Policy document,https://intranet.example.com/kasuhara",
    ] {
        assert!(
            csv.contains(&format!("{row}\r\n")),
            "{row:?} is not in:\n{csv}"
        );
    }
    // Files are exports: audited with the period (a printed report is not).
    let exports: Vec<_> = bot
        .store
        .log_entries()
        .map(Result::unwrap)
        .filter(|e| {
            e.what == "export"
                && e.details
                    .get("format")
                    .is_some_and(|f| f.starts_with("compliance-"))
        })
        .collect();
    assert_eq!(exports.len(), 2, "{exports:?}");
    assert_eq!(exports[0].details["from"], "2026-07-01");
    assert_eq!(exports[0].details["to"], "2026-09-30");

    // The bot stopped: the binary opens the store itself, in Japanese.
    bot.shutdown().await;
    let parking = tempfile::tempdir().unwrap();
    bot.store = escalation_bot::store::Store::open(&parking.path().join("s"), 1 << 20).unwrap();
    tokio::time::sleep(Duration::from_millis(100)).await;
    config_for(&bot, work.path(), "ja", None);
    let ja = run_cli(
        work.path(),
        &[
            "compliance-report",
            "--from",
            "2026-07-01",
            "--to",
            "2026-09-30",
        ],
    )
    .await;
    assert!(ja.status.success(), "{}", out(&ja));
    let ja = String::from_utf8(ja.stdout).unwrap();
    for line in [
        "# カスタマーハラスメント対策の実施状況報告\n対象期間：2026年7月1日〜2026年9月30日（日本時間）",
        "## 1. 方針の明確化と周知",
        "- 現行の版の確認：2人が確認済み（うち対象期間中 1人）。最初の確認は2026年7月1日、最新の確認は2026年10月2日です。",
        "- 相談件数：受付 2件、初回対応 2件、助言して終了 1件、案件化 1件",
        "- 初回対応までの時間：中央値 20分、9割が3時間以内（2件）",
        "- 新規案件：5件。区分別：脅迫 1件、暴言・侮辱 1件、執拗な言動 2件、要配慮区分 1件（内訳は非表示）",
        "- 判断した案件：3件。うち措置あり 2件、措置なし（カスハラ非該当） 1件。",
        "- 担当決定までの時間：中央値 30分、9割が2時間以内（4件）",
        "- 再発防止策：判断3件のうち2件に記録あり",
        "- 完了後の声かけ（完了から3日後）：送信 3件。回答は「大丈夫です」 1件、「相談窓口と話したい」 1件、回答なし 1件",
        "- 担当替え（報告者を顧客の担当から外したもの）：1件",
        "| 2026年8月 | 2 | 2 | 1 | 1 | 1 |",
        // Stopped, without the bot's token: nobody could ask Slack for the staff.
        "- スタッフ数は数えていません。ボットが停止中で、SLACK_BOT_TOKEN も設定されていなかったためです。\n",
    ] {
        assert!(ja.contains(line), "{line:?} is not in:\n{ja}");
    }
    let ja_csv = run_cli(
        work.path(),
        &[
            "compliance-report",
            "--from",
            "2026-07-01",
            "--to",
            "2026-09-30",
            "--format",
            "csv",
        ],
    )
    .await;
    assert!(ja_csv.status.success(), "{}", out(&ja_csv));
    let ja_csv = String::from_utf8(ja_csv.stdout).unwrap();
    assert!(
        ja_csv.starts_with("\u{feff}指針の措置,項目ID,月,内訳ID,項目,値\r\n"),
        "{ja_csv}"
    );
    assert!(
        ja_csv.contains("3,response.by_category,,persistent,区分別の新規案件：執拗な言動,2\r\n"),
        "{ja_csv}"
    );
    let bad = run_cli(
        work.path(),
        &[
            "compliance-report",
            "--from",
            "2026-10-01",
            "--to",
            "2026-09-30",
        ],
    )
    .await;
    assert!(!bad.status.success());
    assert!(out(&bad).contains("after its end"), "{}", out(&bad));
    let bad = run_cli(work.path(), &["compliance-report", "--format", "pdf"]).await;
    assert!(!bad.status.success());
    assert!(out(&bad).contains("use md, csv or json"), "{}", out(&bad));
    drop(parking);
}

#[tokio::test]
async fn the_summary_is_for_executives_managers_and_the_desk_in_the_configured_language() {
    let (bot, _clock) = bot_at("2026-10-05 10:00", with_desk_ja).await;
    bot.slack.add_guest("U0GUEST1", "guest");
    bot.slack.join(SUPPORT, "U0GUEST1");
    let opened = bot
        .escalate(AGENT, "cust-1 verbal-abuse 電話で罵倒された")
        .await;
    assert_eq!(opened.status, 200, "{}", opened.body);
    bot.settle().await;

    for user in [EXEC1, MGR2, HR1] {
        let message = summary(&bot, user).await;
        assert!(
            message
                .text
                .starts_with("*カスタマーハラスメント対策の実施状況報告*\n対象期間：2026年7月1日〜2026年9月30日（日本時間）"),
            "{user}: {}",
            message.text
        );
        assert_eq!(tables(&message).len(), 2, "{user}");
        assert!(
            table_text(&tables(&message)[1]).starts_with("月|新規案件|判断|措置あり"),
            "{}",
            table_text(&tables(&message)[1])
        );
    }
    // Days of the person's choosing: this month so far holds the case.
    let seen = bot.ephemerals_for(EXEC1).len();
    let answer = bot
        .sender
        .command(EXEC1, SUPPORT, "compliance 2026-10-01 2026-10-05")
        .await;
    assert!(answer.body.is_empty(), "{}", answer.body);
    let october = bot.ephemeral_after(EXEC1, seen).await;
    assert!(
        october
            .text
            .contains("- 新規案件：1件。区分別：暴言・侮辱 1件"),
        "{}",
        october.text
    );
    assert!(!october.text.contains("電話で罵倒"), "no free text");

    // Anyone else on the staff is told whom to ask; bad days get a sentence; a guest
    // gets nothing at all.
    for user in [AGENT, LEAD] {
        let answer = bot.sender.command(user, SUPPORT, "compliance").await;
        assert!(
            answer.text().contains("実施状況の集計を見られるのは")
                && answer.text().ends_with("変更はありません。"),
            "{user}: {}",
            answer.text()
        );
    }
    let bad = bot
        .sender
        .command(MGR1, SUPPORT, "compliance 2026-10-05 2026-10-01")
        .await;
    assert!(
        bad.text().contains("初日と末日の2つの日付"),
        "{}",
        bad.text()
    );
    let guest = bot.sender.command("U0GUEST1", SUPPORT, "compliance").await;
    assert_eq!(guest.status, 200);
    assert!(guest.body.is_empty(), "nothing for a guest: {}", guest.body);
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert!(bot.ephemerals_for("U0GUEST1").is_empty());
    assert!(
        bot.ephemerals_for(LEAD).is_empty(),
        "a refusal is all they get"
    );

    // A workspace that refuses data tables gets the summary as text, at once.
    bot.slack.refuse_block_types(&["data_table"]);
    let text_only = summary(&bot, MGR1).await;
    assert!(tables(&text_only).is_empty(), "{}", text_only.blocks);
    assert!(
        text_only.text.contains("*1. 方針の明確化と周知*"),
        "{}",
        text_only.text
    );
}

const STAFF_GROUP: &str = "S0STAFF";
const GUEST: &str = "U0GUEST1";

fn with_staff_group(settings: &mut Settings) {
    with_desk(settings);
    settings.staff_group = Some(STAFF_GROUP.into());
}

/// The JSON the command line prints, parsed.
fn printed_json(output: &std::process::Output) -> serde_json::Value {
    assert!(output.status.success(), "{}", out(output));
    serde_json::from_slice(&output.stdout).unwrap_or_else(|e| panic!("{e}: {}", out(output)))
}

/// The staff fields of the report's JSON: `[staff, staff_acknowledged, staff_from,
/// staff_not_counted]`.
fn staff_figures(json: &serde_json::Value) -> [serde_json::Value; 4] {
    [
        "staff",
        "staff_acknowledged",
        "staff_from",
        "staff_not_counted",
    ]
    .map(|key| json["policy"][key].clone())
}

/// `staff_figures` of a report that counted the staff of the user group.
fn counted_of(staff: u64, acknowledged: u64) -> [serde_json::Value; 4] {
    [
        serde_json::json!(staff),
        serde_json::json!(acknowledged),
        serde_json::json!("user-group"),
        serde_json::Value::Null,
    ]
}

/// `staff_figures` of a report that could not count the staff, and why.
fn not_counted(why: &str) -> [serde_json::Value; 4] {
    let null = serde_json::Value::Null;
    [null.clone(), null.clone(), null, serde_json::json!(why)]
}

/// Group 1 says how many of the staff acknowledged the policy in force: the staff group
/// has five members, one a guest who is not staff; three of the four staff acknowledged,
/// and an executive outside the group did too (counted among "anyone", not among the
/// staff). Asked of the running bot (`/escalate compliance`, the operations socket), of
/// a stopped bot with its token (in Japanese), and without it; and when Slack does not
/// list the group, the report says so rather than fail.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_report_counts_the_staff_who_acknowledged_as_n_of_m() {
    let (mut bot, clock) = bot_at("2026-09-10 10:00", with_staff_group).await;
    bot.slack.add_guest(GUEST, "guest");
    bot.slack
        .add_usergroup(STAFF_GROUP, &[AGENT, AGENT2, GUEST, LEAD, MGR1]);
    for user in [AGENT, AGENT2, EXEC1] {
        acknowledge_policy(&bot, user).await;
    }
    at(&bot, &clock, "2026-10-02 10:00").await;
    acknowledge_policy(&bot, MGR1).await;
    at(&bot, &clock, "2026-10-05 10:00").await;
    let counted = "- Staff who have confirmed reading this version: 3 of 4 staff. The staff are \
                   the members of the staff user group (people.staff_group) other than guests, \
                   people of other workspaces and bots, as Slack listed them on Mon 5 Oct 2026 \
                   10:00 JST.\n";

    // In Slack, to an executive.
    let message = summary(&bot, EXEC1).await;
    for line in [
        "- Confirmed reading this version: 4 people so far, 3 of them in the period;",
        counted,
    ] {
        assert!(
            message.text.contains(line),
            "{line:?} in:\n{}",
            message.text
        );
    }

    // Through the operations socket, the bot running: Markdown, CSV and JSON.
    let work = tempfile::tempdir().unwrap();
    config_for(&bot, work.path(), "en", Some(STAFF_GROUP));
    let md = run_cli(work.path(), &["compliance-report"]).await;
    assert!(md.status.success(), "{}", out(&md));
    let md = String::from_utf8(md.stdout).unwrap();
    assert!(md.contains(counted), "{md}");
    let json =
        printed_json(&run_cli(work.path(), &["compliance-report", "--format", "json"]).await);
    assert_eq!(staff_figures(&json), counted_of(4, 3), "{json:#}");
    assert_eq!(json["policy"]["acknowledged"], 4, "anyone who acknowledged");
    assert_eq!(json["policy"]["staff_counted_at"], "2026-10-05T01:00:00Z");
    let csv = run_cli(work.path(), &["compliance-report", "--format", "csv"]).await;
    assert!(csv.status.success(), "{}", out(&csv));
    let csv = String::from_utf8(csv.stdout).unwrap();
    for row in [
        "1,policy.acknowledged,,,People who confirmed reading the version in force,4\r\n",
        "1,policy.staff,,,Staff listed from Slack,4\r\n",
        "1,policy.staff_acknowledged,,,\"Of them, confirmed reading the version in force\",3\r\n",
        "1,policy.staff_from,,,Staff listed from,user-group\r\n",
        "1,policy.staff_not_counted,,,Staff not counted because,\r\n",
    ] {
        assert!(csv.contains(row), "{row:?} in:\n{csv}");
    }

    // Slack refuses to list the group: the report is made, and says why it has no count.
    let failed = "- Staff not counted: Slack did not list them (missing_scope).\n";
    bot.slack.fail_next(
        "usergroups.users.list",
        Fault::Error("missing_scope".into()),
    );
    let message = summary(&bot, MGR1).await;
    assert!(message.text.contains(failed), "{}", message.text);
    assert!(
        message.text.contains("- Cases opened: 0."),
        "the rest of the report is there: {}",
        message.text
    );
    bot.slack.fail_next(
        "usergroups.users.list",
        Fault::Error("missing_scope".into()),
    );
    let json =
        printed_json(&run_cli(work.path(), &["compliance-report", "--format", "json"]).await);
    assert_eq!(
        staff_figures(&json),
        not_counted("slack-failed"),
        "{json:#}"
    );
    assert_eq!(json["policy"]["acknowledged"], 4);

    // The bot stopped: with its token the command line lists the staff itself (here in
    // Japanese); without it, it says so and counts nobody.
    bot.shutdown().await;
    let parking = tempfile::tempdir().unwrap();
    bot.store = escalation_bot::store::Store::open(&parking.path().join("s"), 1 << 20).unwrap();
    tokio::time::sleep(Duration::from_millis(100)).await;
    config_for(&bot, work.path(), "ja", Some(STAFF_GROUP));
    let token = [("SLACK_BOT_TOKEN", TOKEN)];
    let ja = run_cli_with(work.path(), &["compliance-report"], &token).await;
    assert!(ja.status.success(), "{}", out(&ja));
    let ja = String::from_utf8(ja.stdout).unwrap();
    let counted_ja = "- スタッフの確認状況：スタッフ4人のうち3人が現行の版を確認済みです。\
                      スタッフの人数は、スタッフ用のユーザーグループ（people.staff_group）の\
                      メンバーからゲスト、社外の方、ボットを除いたもので、";
    // Counted when the command ran, by this machine's clock.
    assert!(ja.contains("時点の Slack の一覧によります。\n"), "{ja}");
    assert!(ja.contains(counted_ja), "{ja}");
    let json = printed_json(
        &run_cli_with(
            work.path(),
            &["compliance-report", "--format", "json"],
            &token,
        )
        .await,
    );
    assert_eq!(
        staff_figures(&json),
        counted_of(4, 3),
        "the same keys and values in Japanese: {json:#}"
    );
    let csv = run_cli_with(
        work.path(),
        &["compliance-report", "--format", "csv"],
        &token,
    )
    .await;
    assert!(csv.status.success(), "{}", out(&csv));
    let csv = String::from_utf8(csv.stdout).unwrap();
    assert!(
        csv.contains("1,policy.staff,,,Slack から取得したスタッフ数,4\r\n")
            && csv.contains("1,policy.staff_acknowledged,,,うち現行の版を確認済み,3\r\n"),
        "{csv}"
    );

    let without = run_cli(work.path(), &["compliance-report"]).await;
    assert!(without.status.success(), "{}", out(&without));
    let without = String::from_utf8(without.stdout).unwrap();
    assert!(
        without.contains(
            "- スタッフ数は数えていません。ボットが停止中で、SLACK_BOT_TOKEN も設定されていなかったためです。\n"
        ),
        "{without}"
    );
    assert!(!without.contains("スタッフの確認状況"), "{without}");
    config_for(&bot, work.path(), "en", Some(STAFF_GROUP));
    let without = run_cli(work.path(), &["compliance-report"]).await;
    let without = String::from_utf8(without.stdout).unwrap();
    assert!(
        without.contains(
            "- Staff not counted: the bot was not running and SLACK_BOT_TOKEN was not set.\n"
        ),
        "{without}"
    );
    let json =
        printed_json(&run_cli(work.path(), &["compliance-report", "--format", "json"]).await);
    assert_eq!(staff_figures(&json), not_counted("no-token"), "{json:#}");
    assert_eq!(
        json["policy"]["acknowledged"], 4,
        "what the store knows stays"
    );
    drop(parking);
}
