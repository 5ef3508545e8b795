//! Nothing secret reaches the log: not the bot token, not the signing secret, not a
//! request's signature, at any level, through a whole lifecycle and its failure paths
//! (bad signatures, rate limits, dead letters); and what customers or agents wrote stays
//! out of everything at info and above.

mod common;

use std::io::Write;
use std::sync::{Arc, Mutex, OnceLock};

use common::*;
use escalation_bot::slack::signature;
use slack_standin::Fault;
use slack_standin::sender::unix_now;

#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// Everything logged by the tests of this file, which share one process-wide subscriber
/// (a subscriber can be set globally only once); each test looks for its own lines.
fn captured() -> &'static Captured {
    static CAPTURED: OnceLock<Captured> = OnceLock::new();
    CAPTURED.get_or_init(|| {
        let captured = Captured::default();
        let writer = captured.clone();
        tracing_subscriber::fmt()
            .with_max_level(tracing::Level::TRACE)
            .with_ansi(false)
            .with_writer(move || writer.clone())
            .init();
        captured
    })
}

impl Captured {
    fn text(&self) -> String {
        String::from_utf8_lossy(&self.0.lock().unwrap()).into_owned()
    }

    /// The lines logged at warn level that contain every one of `words`.
    fn warnings_with(&self, words: &[&str]) -> Vec<String> {
        self.text()
            .lines()
            .filter(|l| l.contains(" WARN ") && words.iter().all(|w| l.contains(w)))
            .map(str::to_owned)
            .collect()
    }
}

const SUMMARY: &str = "He called me a worthless idiot";

#[tokio::test]
async fn no_secret_and_no_message_text_is_logged() {
    let captured = captured();

    let bot = TestBot::start().await;
    // A forged request, and one with a stale timestamp.
    let body = b"team_id=T&user_id=U0AGENT1&text=x".to_vec();
    let ts = unix_now().to_string();
    let forged = signature::sign("guess", &ts, &body);
    bot.sender
        .post_raw(
            "/slack/commands",
            "application/x-www-form-urlencoded",
            body.clone(),
            Some(ts),
            Some(forged.clone()),
        )
        .await;
    let old = (unix_now() - 3600).to_string();
    let stale = signature::sign(SIGNING_SECRET, &old, &body);
    bot.sender
        .post_raw(
            "/slack/commands",
            "application/x-www-form-urlencoded",
            body,
            Some(old),
            Some(stale.clone()),
        )
        .await;

    // A whole lifecycle, with Slack misbehaving along the way.
    bot.slack
        .fail_next("chat.postMessage", Fault::RateLimited { retry_after: 1 });
    bot.slack
        .fail_next("conversations.open", Fault::Error("invalid_auth".into()));
    let id = bot
        .open_case(&format!("cust-1 verbal-abuse {SUMMARY}"))
        .await;
    bot.escalate(AGENT, "").await;
    bot.click(AGENT, &bot.card(id), "take_case").await;
    bot.click(EXEC1, &bot.card(id), "take_case").await;
    bot.settle().await;
    bot.propose_termination(EXEC1, id, "not-needed").await;
    bot.settle().await;
    bot.click(MGR1, &bot.proposal(id), "approve_proposal").await;
    bot.settle().await;
    assert!(
        !bot.store.dead_letters().unwrap().is_empty(),
        "the failure paths ran"
    );

    let log = captured.text();
    assert!(
        log.contains("refused a request that is not signed by Slack"),
        "the log is captured"
    );
    for secret in [TOKEN, SIGNING_SECRET, forged.as_str(), stale.as_str()] {
        assert!(!log.contains(secret), "{secret:?} appears in the log");
    }
    let loud: Vec<&str> = log
        .lines()
        .filter(|l| l.contains(" INFO ") || l.contains(" WARN ") || l.contains(" ERROR "))
        .filter(|l| l.contains(SUMMARY) || l.contains("worthless"))
        .collect();
    assert!(loud.is_empty(), "message text at info or above: {loud:?}");
}

/// A shortcut or form whose callback id this version does not know (renamed by a deploy
/// while open in someone's client) is a warning an operator can find, naming the id.
#[tokio::test]
async fn an_unknown_callback_id_is_logged_as_a_warning() {
    let captured = captured();
    let bot = TestBot::start().await;
    let message = bot.slack.post_as(
        slack_standin::Author::person("U0CUST", "T0GUEST"),
        SUPPORT,
        "hello",
        None,
    );
    let answer = bot
        .sender
        .shortcut_named(AGENT, &message, "escalate_message_v0")
        .await;
    assert_eq!(answer.status, 200);

    bot.escalate(AGENT, "").await;
    bot.slack
        .wait_for(std::time::Duration::from_secs(5), |s| s.views().len() == 1)
        .await
        .expect("the form opens");
    let mut form = bot.slack.views().pop().expect("the form");
    form["callback_id"] = "escalate_form_v0".into();
    assert_eq!(bot.sender.submit(AGENT, &form, &[]).await.status, 200);

    let shortcut = captured.warnings_with(&[
        "a message shortcut this bot does not know",
        "escalate_message_v0",
    ]);
    assert_eq!(shortcut.len(), 1, "{}", captured.text());
    let submitted = captured.warnings_with(&[
        "a form this bot does not know was submitted",
        "escalate_form_v0",
    ]);
    assert_eq!(submitted.len(), 1, "{}", captured.text());
}

/// Reminders that stop because nobody in the configuration may act are a warning too,
/// naming the case and the setting.
#[tokio::test]
async fn reminders_that_stop_are_logged_as_a_warning() {
    let captured = captured();
    let (mut bot, clock) = TestBot::start_on_manual_clock(Options::default()).await;
    let id = bot
        .open_and_take("cust-6 persistent Called forty times")
        .await;
    bot.settings.rules.roles = roles_where_nobody_may_decide();
    bot.restart().await;
    clock.advance(jiff::SignedDuration::from_hours(24));
    bot.catch_up().await;
    assert_eq!(bot.case(id).next, None);
    let stopped = captured.warnings_with(&[
        "nobody in the configuration may decide ESC-1",
        "people.managers",
    ]);
    assert_eq!(stopped.len(), 1, "{}", captured.text());
    bot.shutdown().await;
}
