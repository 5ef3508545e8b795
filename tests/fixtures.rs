//! Requests Slack really sends: 96 payloads from other Slack projects' test suites
//! (`tests/data/slack-fixtures/`, each file naming its source), replayed as a black box
//! against the bot, signed as Slack signs them. Whatever they are, none gets a 5xx or
//! waits past Slack's 3-second deadline, none changes the store or posts anything, and a
//! forged copy of each is refused with 401. The ones we are meant to understand get the
//! answer Slack expects.

mod common;

use std::time::Duration;

use common::*;
use serde_json::Value;
use slack_standin::Answer;

/// One payload as its fixture file holds it.
struct Fixture {
    name: String,
    kind: String,
    endpoint: String,
    content_type: &'static str,
    body: Vec<u8>,
    /// Trimmed in its source or from an org-wide install: only the safety checks apply.
    partial: bool,
    org_wide: bool,
}

fn fixtures() -> Vec<Fixture> {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/slack-fixtures");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .expect("the fixtures directory")
        .map(|e| e.expect("a directory entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    files.sort();
    files
        .into_iter()
        .map(|path| {
            let text = std::fs::read_to_string(&path).expect("a fixture file");
            let file: Value = serde_json::from_str(&text).expect("a fixture is JSON");
            let (content_type, body) = match file["body_format"].as_str() {
                Some("raw") => (
                    "application/x-www-form-urlencoded",
                    file["body"]
                        .as_str()
                        .expect("a raw body")
                        .as_bytes()
                        .to_vec(),
                ),
                Some("json") => (
                    "application/json",
                    serde_json::to_vec(&file["body"]).expect("JSON encodes"),
                ),
                Some("form-payload") => (
                    "application/x-www-form-urlencoded",
                    serde_urlencoded::to_string([("payload", file["body"].to_string())])
                        .expect("a form encodes")
                        .into_bytes(),
                ),
                other => panic!("{}: unknown body_format {other:?}", path.display()),
            };
            let trimmed = file["trimmed"].as_array().is_some_and(|t| !t.is_empty());
            let org_wide = file["org_wide_install"] == Value::Bool(true);
            Fixture {
                name: file["name"].as_str().expect("a name").to_owned(),
                kind: file["kind"].as_str().expect("a kind").to_owned(),
                endpoint: file["endpoint"].as_str().expect("an endpoint").to_owned(),
                content_type,
                body,
                partial: trimmed || org_wide,
                org_wide,
            }
        })
        .collect()
}

async fn replay(bot: &TestBot, fixture: &Fixture) -> Answer {
    // Slack gives up on an answer after 3 seconds; so does this (a deadline Slack sets,
    // not a speed goal: the answers take milliseconds).
    tokio::time::timeout(
        Duration::from_secs(3),
        bot.sender.post_signed(
            &fixture.endpoint,
            fixture.content_type,
            fixture.body.clone(),
        ),
    )
    .await
    .unwrap_or_else(|_| panic!("{}: no answer within 3 s", fixture.name))
}

/// What each payload that is ours to understand must get (the rest: anything but a 5xx).
fn check_answer(fixture: &Fixture, answer: &Answer) {
    let name = &fixture.name;
    let body = answer.json();
    match fixture.kind.as_str() {
        // Slack verifying the command URL's certificate expects a plain 200.
        "ssl_check" => assert_eq!((answer.status, answer.body.as_str()), (200, ""), "{name}"),
        "url_verification" => {
            assert_eq!(answer.status, 200, "{name}");
            assert!(body["challenge"].is_string(), "{name}: {}", answer.body);
        }
        // Other apps' commands (/weather, /echo, ...) are not /escalate: a sentence, no case.
        "slash_command" if !fixture.partial => {
            assert_eq!(answer.status, 200, "{name}");
            assert_eq!(body["response_type"], "ephemeral", "{name}");
            assert!(
                answer.text().contains("is not a command of this bot"),
                "{name}: {}",
                answer.text()
            );
        }
        // A form we do not know is not refused: it closes (these people are not staff
        // of the stand-in's workspace; staff get a notice, see below).
        "view_submission" if !fixture.partial => {
            assert_eq!((answer.status, answer.body.as_str()), (200, ""), "{name}");
        }
        "message_action" | "shortcut" | "block_actions" | "view_closed" | "event"
        | "app_rate_limited"
            if !fixture.partial =>
        {
            assert_eq!(answer.status, 200, "{name}: {}", answer.body);
        }
        _ => {}
    }
    if fixture.org_wide {
        // Parsed, then refused by policy: acknowledged, and a command hears why.
        assert_eq!(answer.status, 200, "{name}: {}", answer.body);
        if fixture.kind == "slash_command" {
            assert!(
                answer.text().contains("Enterprise Grid"),
                "{name}: {}",
                answer.text()
            );
        }
    }
}

/// Slack calls that would show something to someone other than the person who sent the
/// request, or change anything in Slack.
const VISIBLE: [&str; 5] = [
    "chat.postMessage",
    "chat.update",
    "conversations.open",
    "views.open",
    "files.completeUploadExternal",
];

fn assert_nothing_changed(bot: &TestBot) {
    let tallies = bot.store.tallies().expect("the tallies read");
    assert_eq!(tallies.cases_total, 0, "no case was opened");
    assert_eq!(bot.store.outbox_len(), 0, "nothing was queued for Slack");
    assert!(bot.audit().is_empty(), "nothing was audited");
    let (work, next) = bot
        .store
        .work_due(jiff::Timestamp::MAX, 10)
        .expect("the event work reads");
    assert!(
        work.is_empty() && next.is_none(),
        "no event work was queued"
    );
    let visible: Vec<_> = bot
        .slack
        .calls()
        .into_iter()
        .filter(|c| VISIBLE.contains(&c.method.as_str()))
        .map(|c| c.method)
        .collect();
    assert!(visible.is_empty(), "{visible:?}");
    // The one thing a stranger's request leaves: the refusal in the audit log outside
    // cases (who is not staff, by which path), which is the point of refusing them.
    let logged: Vec<_> = bot
        .store
        .log_entries()
        .map(|e| e.expect("the log reads"))
        .filter(|e| e.what != "not-staff")
        .collect();
    assert!(logged.is_empty(), "{logged:?}");
}

#[tokio::test]
async fn every_real_slack_payload_gets_an_answer_and_changes_nothing() {
    let bot = TestBot::start().await;
    let all = fixtures();
    assert_eq!(all.len(), 96, "the 96 payloads");
    let mut report = Vec::new();
    let mut slowest = Duration::ZERO;
    for fixture in &all {
        let started = std::time::Instant::now();
        let answer = replay(&bot, fixture).await;
        // Information only (`--nocapture`): the deadline is the assertion.
        let took = started.elapsed();
        slowest = slowest.max(took);
        report.push(format!(
            "{:50} {:3} {:>6.1} ms {}",
            fixture.name,
            answer.status,
            took.as_secs_f64() * 1000.0,
            answer.body.chars().take(70).collect::<String>()
        ));
        assert!(
            (200..500).contains(&answer.status),
            "{}: {} {}",
            fixture.name,
            answer.status,
            answer.body
        );
        check_answer(fixture, &answer);
    }
    println!("{}", report.join("\n"));
    println!("slowest answer: {:.1} ms", slowest.as_secs_f64() * 1000.0);
    println!(
        "refusals of people who are not staff, audited: {}",
        bot.store.log_len()
    );
    bot.settle().await;
    assert_nothing_changed(&bot);
    // Still alive and still itself after all of that.
    let id = bot.open_case("cust-1 threat After the replay").await;
    assert_eq!(id.to_string(), "ESC-1");
}

#[tokio::test]
async fn a_forged_or_stale_copy_of_every_real_payload_is_refused() {
    let bot = TestBot::start().await;
    let now = slack_standin::sender::unix_now();
    for fixture in fixtures() {
        let forged = escalation_bot::slack::signature::sign(
            "not-the-signing-secret",
            &now.to_string(),
            &fixture.body,
        );
        let stale_ts = (now - 6 * 60).to_string();
        let stale =
            escalation_bot::slack::signature::sign(SIGNING_SECRET, &stale_ts, &fixture.body);
        for (ts, signature) in [(now.to_string(), forged), (stale_ts, stale)] {
            let answer = bot
                .sender
                .post_raw(
                    &fixture.endpoint,
                    fixture.content_type,
                    fixture.body.clone(),
                    Some(ts),
                    Some(signature),
                )
                .await;
            assert_eq!(answer.status, 401, "{}", fixture.name);
        }
    }
    assert_nothing_changed(&bot);
}

/// The same payloads over Socket Mode, as envelopes: slash commands as JSON objects with
/// the form's fields, the rest as they are. Every one is acknowledged (an envelope that
/// is not acknowledged is sent again), and nothing changes.
#[tokio::test]
async fn every_real_slack_payload_is_acknowledged_over_socket_mode_and_changes_nothing() {
    let bot = TestBot::start_with(Options {
        socket_mode: true,
        ..Options::default()
    })
    .await;
    let socket = bot.slack.socket().expect("socket mode is on");
    socket.wait_connected(1).await.expect("the bot connects");
    for fixture in fixtures() {
        let (kind, payload) = match fixture.kind.as_str() {
            // HTTP only: Slack checks certificates and URLs of request URLs.
            "ssl_check" | "url_verification" => continue,
            "slash_command" => {
                let pairs: Vec<(String, String)> =
                    serde_urlencoded::from_bytes(&fixture.body).expect("a form body");
                let object: serde_json::Map<String, Value> = pairs
                    .into_iter()
                    .map(|(k, v)| (k, Value::String(v)))
                    .collect();
                ("slash_commands", Value::Object(object))
            }
            _ if fixture.endpoint == "/slack/events" => (
                "events_api",
                serde_json::from_slice(&fixture.body).expect("an events body"),
            ),
            _ => {
                let pairs: Vec<(String, String)> =
                    serde_urlencoded::from_bytes(&fixture.body).expect("a form body");
                let payload = pairs
                    .into_iter()
                    .find(|(k, _)| k == "payload")
                    .expect("an interactivity body has a payload field");
                (
                    "interactive",
                    serde_json::from_str(&payload.1).expect("the payload is JSON"),
                )
            }
        };
        let ack = socket
            .send(kind, payload)
            .await
            .unwrap_or_else(|e| panic!("{}: {e}", fixture.name));
        assert!(ack["envelope_id"].is_string(), "{}", fixture.name);
    }
    bot.settle().await;
    assert_nothing_changed(&bot);
}

/// A shortcut renamed by a deploy while the old one is still in people's clients: the
/// person who used it is told, only they see it, and nothing is recorded.
#[tokio::test]
async fn a_message_shortcut_the_bot_no_longer_has_is_answered_with_a_sentence() {
    let bot = TestBot::start().await;
    let message = bot.slack.post_as(
        slack_standin::Author::person("U0CUST", "T0GUEST"),
        SUPPORT,
        "you idiot",
        None,
    );
    let answer = bot
        .sender
        .shortcut_named(AGENT, &message, "escalate_message_v0")
        .await;
    assert_eq!(answer.status, 200, "{}", answer.body);
    let told = bot.ephemeral_after(AGENT, 0).await;
    assert!(told.text.contains("older version"), "{}", told.text);
    assert!(told.text.contains("Escalate this message"), "{}", told.text);
    assert_nothing_changed(&bot);
}

/// Only `/escalate` is ours: another command name, even with text that reads like an
/// escalation, opens nothing and says which command to use, in the team's language.
#[tokio::test]
async fn another_slash_command_is_never_taken_for_escalate() {
    let bot = TestBot::start_with(Options {
        locale: escalation_bot::i18n::Locale::Ja,
        ..Options::default()
    })
    .await;
    let body = serde_urlencoded::to_string([
        ("team_id", slack_standin::web_api::TEAM_ID),
        ("channel_id", SUPPORT),
        ("user_id", AGENT),
        ("command", "/escalate-old"),
        ("text", "cust-1 threat <!channel> said he would come by"),
        ("response_url", "http://127.0.0.1:9/hooks/x"),
        ("trigger_id", "1.2.3"),
    ])
    .unwrap();
    let answer = bot
        .sender
        .post_signed(
            "/slack/commands",
            "application/x-www-form-urlencoded",
            body.into_bytes(),
        )
        .await;
    assert_eq!(answer.status, 200, "{}", answer.body);
    let text = answer.text();
    assert!(
        text.contains("`/escalate-old` はこのボットのコマンドではない"),
        "{text}"
    );
    assert!(text.contains("`/escalate`"), "{text}");
    assert_nothing_changed(&bot);
}

/// A form renamed by a deploy while it was open in a staff member's client: the form is
/// replaced by a notice that nothing was recorded, instead of Slack's generic error.
#[tokio::test]
async fn a_form_the_bot_no_longer_has_is_replaced_by_a_notice_for_staff() {
    let bot = TestBot::start().await;
    // bolt-python's real view_submission, sent by one of our agents.
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data/slack-fixtures/072-vs-bolt-python.json");
    let file: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    let mut payload = file["body"].clone();
    let team = slack_standin::web_api::TEAM_ID;
    payload["team"]["id"] = serde_json::json!(team);
    payload["user"]["id"] = serde_json::json!(AGENT);
    payload["user"]["team_id"] = serde_json::json!(team);
    let answer = bot.sender.interaction(&payload).await;
    assert_eq!(answer.status, 200, "{}", answer.body);
    let body = answer.json();
    assert_eq!(body["response_action"], "update", "{}", answer.body);
    assert!(
        body["view"].to_string().contains("older version"),
        "{}",
        answer.body
    );
    assert_nothing_changed(&bot);
}
