//! Nothing secret reaches the log: not the bot token, not the signing secret, not a
//! request's signature, at any level, through a whole lifecycle and its failure paths
//! (bad signatures, rate limits, dead letters); and what customers or agents wrote stays
//! out of everything at info and above.

mod common;

use std::io::Write;
use std::sync::{Arc, Mutex};

use common::*;
use escalation_bot::slack::signature;
use escalation_bot::standin::Fault;
use escalation_bot::standin::sender::unix_now;

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

const SUMMARY: &str = "He called me a worthless idiot";

#[tokio::test]
async fn no_secret_and_no_message_text_is_logged() {
    let captured = Captured::default();
    let writer = captured.clone();
    tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_ansi(false)
        .with_writer(move || writer.clone())
        .init();

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

    let log = String::from_utf8(captured.0.lock().unwrap().clone()).unwrap();
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
