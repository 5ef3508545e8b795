//! Delivery under the failures Slack really produces, injected through the stand-in: 429
//! with Retry-After, 5xx, answers slower than the client's timeout, dropped connections,
//! ok:false errors. Every outbox entry is delivered exactly once or dead-lettered, and
//! nothing retries in a tight loop.

mod common;

use std::collections::HashMap;
use std::time::Duration;

use common::*;
use escalation_bot::config::Settings;
use escalation_bot::domain::{CaseId, Event, Notice};
use slack_standin::Fault;

/// Fast retries and a short client timeout, so failures play out in a test's time.
fn quick(settings: &mut Settings) {
    settings.delivery.retry_base = Duration::from_millis(50);
    settings.delivery.retry_cap = Duration::from_millis(400);
    settings.delivery.call_timeout = Duration::from_millis(300);
}

async fn quick_bot() -> TestBot {
    TestBot::start_with(Options {
        tweak: quick,
        ..Options::default()
    })
    .await
}

/// Every message the outbox posted carries its sequence number: none may appear twice.
fn assert_each_delivery_posted_once(bot: &TestBot) {
    let mut seen: HashMap<String, usize> = HashMap::new();
    for m in bot.slack.messages() {
        if let Some(seq) = m.metadata["event_payload"]["outbox_seq"].as_str() {
            *seen.entry(seq.to_owned()).or_default() += 1;
        }
    }
    let twice: Vec<_> = seen.iter().filter(|(_, n)| **n > 1).collect();
    assert!(twice.is_empty(), "posted more than once: {twice:?}");
    assert_eq!(
        bot.store.outbox_len(),
        0,
        "everything was delivered or set aside"
    );
}

fn cards(bot: &TestBot) -> usize {
    bot.slack
        .messages()
        .iter()
        .filter(|m| m.channel == ESCALATIONS && m.thread_ts.is_none() && m.only_for.is_none())
        .count()
}

#[tokio::test]
async fn a_rate_limited_post_waits_at_least_retry_after() {
    let bot = quick_bot().await;
    bot.slack
        .fail_next("chat.postMessage", Fault::RateLimited { retry_after: 1 });
    let id = bot.open_case("cust-1 other Rate limited").await;
    bot.settle().await;
    assert!(bot.case(id).posts.card.is_some());
    let card_posts: Vec<_> = bot
        .slack
        .calls_to("chat.postMessage")
        .into_iter()
        .filter(|c| c.params["channel"] == ESCALATIONS && c.params.get("thread_ts").is_none())
        .collect();
    assert_eq!(card_posts.len(), 2, "one refused, one delivered");
    let waited = card_posts[1].at.duration_since(card_posts[0].at);
    assert!(
        waited >= Duration::from_millis(950),
        "retried after {waited:?}"
    );
    assert_eq!(cards(&bot), 1);
    assert_each_delivery_posted_once(&bot);
}

#[tokio::test]
async fn server_errors_are_retried_until_delivered() {
    let bot = quick_bot().await;
    bot.slack.fail_next("chat.postMessage", Fault::Status(500));
    bot.slack.fail_next("chat.postMessage", Fault::Status(503));
    bot.slack
        .fail_next("conversations.open", Fault::Status(502));
    let id = bot.open_case("cust-1 other Flaky Slack").await;
    bot.settle().await;
    assert!(bot.case(id).posts.card.is_some());
    assert_eq!(bot.dms_to(EXEC1).len(), 1);
    assert!(bot.store.dead_letters().unwrap().is_empty());
    assert_each_delivery_posted_once(&bot);
}

#[tokio::test]
async fn a_post_slack_took_but_answered_too_late_is_not_posted_twice() {
    let bot = quick_bot().await;
    bot.slack.fail_next(
        "chat.postMessage",
        Fault::SlowAfterDoing(Duration::from_secs(1)),
    );
    let id = bot.open_case("cust-1 other Slow answer").await;
    bot.settle().await;
    assert_eq!(cards(&bot), 1, "the card went out once");
    assert!(
        bot.case(id).posts.card.is_some(),
        "and the bot knows where it is"
    );
    assert!(
        !bot.slack.calls_to("conversations.history").is_empty(),
        "the bot looked before posting again"
    );
    assert_each_delivery_posted_once(&bot);
}

#[tokio::test]
async fn a_connection_dropped_after_posting_does_not_post_twice() {
    let bot = quick_bot().await;
    let id = bot.open_and_take("cust-1 other Opened fine").await;
    // The next post (the closing thread reply or the reporter's message, whichever goes
    // first) reaches Slack, then the connection drops before the answer.
    bot.slack
        .fail_next("chat.postMessage", Fault::ResetAfterDoing);
    bot.click(EXEC1, &bot.card(id), "decide:warning").await;
    bot.settle().await;
    let closed = bot
        .thread(id)
        .iter()
        .filter(|m| m.text.contains("Closed"))
        .count();
    assert_eq!(closed, 1, "the closing reply went out once");
    assert_eq!(bot.dms_to(AGENT).len(), 1, "the reporter is told once");
    let looked = bot.slack.calls_to("conversations.replies").len()
        + bot.slack.calls_to("conversations.history").len();
    assert_eq!(looked, 1, "the bot looked before posting again");
    assert_each_delivery_posted_once(&bot);
}

#[tokio::test]
async fn a_connection_dropped_before_posting_is_retried() {
    let bot = quick_bot().await;
    bot.slack.fail_next("chat.postMessage", Fault::Reset);
    bot.slack
        .fail_next("chat.postMessage", Fault::Slow(Duration::from_secs(1)));
    let id = bot.open_case("cust-1 other Dropped").await;
    bot.settle().await;
    assert!(bot.case(id).posts.card.is_some());
    assert_eq!(cards(&bot), 1);
    assert_each_delivery_posted_once(&bot);
}

#[tokio::test]
async fn errors_that_retrying_cannot_fix_are_dead_letters_and_block_nothing_else() {
    let bot = quick_bot().await;
    bot.slack
        .fail_next("chat.postMessage", Fault::Error("channel_not_found".into()));
    let id = bot.open_case("cust-1 other Bad channel").await;
    bot.settle().await;
    let dead = bot.store.dead_letters().unwrap();
    assert!(
        dead.iter()
            .any(|d| d.reason == "channel_not_found" && d.entry.case() == Some(id)),
        "{dead:?}"
    );
    assert_eq!(bot.dms_to(EXEC1).len(), 1, "the page still went out");
    // The card's thread replies cannot go anywhere either, and say why.
    assert!(dead.iter().any(|d| d.reason.contains("never posted")));

    // Another case is unaffected.
    let other = bot.open_case("cust-2 other Fine").await;
    assert!(bot.case(other).posts.card.is_some());
    assert_eq!(bot.store.outbox_len(), 0);

    bot.slack
        .fail_next("chat.postMessage", Fault::Error("invalid_auth".into()));
    let third = bot.open_case("cust-3 other Auth").await;
    assert!(bot.case(third).posts.card.is_none());
    assert!(
        bot.store
            .dead_letters()
            .unwrap()
            .iter()
            .any(|d| d.reason == "invalid_auth")
    );
    assert_each_delivery_posted_once(&bot);
}

#[tokio::test]
async fn a_failing_slack_is_not_hammered() {
    let bot = quick_bot().await;
    for _ in 0..200 {
        bot.slack.fail_next("chat.postMessage", Fault::Status(503));
    }
    let answer = bot.escalate(AGENT, "cust-1 other Slack is down").await;
    assert_eq!(
        answer.status, 200,
        "the agent is answered whatever Slack does"
    );
    tokio::time::sleep(Duration::from_millis(1500)).await;
    let calls = bot.slack.calls_to("chat.postMessage").len();
    // Backing off from 50 ms to a 400 ms cap, each lane tries about 7 times in 1.5 s.
    assert!(calls <= 24, "{calls} posts in 1.5 s is a tight loop");
    assert!(calls >= 2, "it does retry");
}

#[tokio::test]
async fn a_delivery_that_keeps_failing_is_given_up_after_max_attempts() {
    let bot = TestBot::start_with(Options {
        tweak: |s| {
            quick(s);
            s.delivery.max_attempts = 3;
        },
        ..Options::default()
    })
    .await;
    for _ in 0..3 {
        bot.slack
            .fail_next("conversations.open", Fault::Status(500));
    }
    let id = bot.open_case("cust-1 other Never reachable").await;
    bot.settle().await;
    let dead = bot.store.dead_letters().unwrap();
    assert!(
        dead.iter()
            .any(|d| d.entry.case() == Some(id) && d.reason.contains("gave up after 3 attempts")),
        "{dead:?}"
    );
    assert_eq!(bot.slack.calls_to("conversations.open").len(), 3);
    // The case's audit trail says the page never reached its executive.
    let undelivered: Vec<_> = bot
        .audit()
        .into_iter()
        .filter(|e| e.case == id && e.event.name() == "undelivered")
        .collect();
    assert_eq!(undelivered.len(), 1, "{undelivered:?}");
    assert!(
        matches!(
            &undelivered[0].event,
            Event::Notified { notice: Notice::Undelivered { what, reason }, .. }
                if what == "page" && reason.contains("gave up after 3 attempts")
        ),
        "{undelivered:?}"
    );
}

#[tokio::test]
async fn no_channel_gets_more_than_about_one_message_a_second() {
    let bot = TestBot::start_with(Options {
        tweak: |s| s.delivery.channel_rate = 2.0,
        ..Options::default()
    })
    .await;
    for n in 0..4 {
        bot.escalate(AGENT, &format!("cust-{n} other Busy day"))
            .await;
    }
    bot.settle().await;
    let posts: Vec<_> = bot
        .slack
        .calls_to("chat.postMessage")
        .into_iter()
        .filter(|c| c.params["channel"] == ESCALATIONS)
        .collect();
    assert_eq!(posts.len(), 8, "four cards and four thread replies");
    // After a burst of three, at most two a second (the configured rate).
    for window in posts[3..].windows(2) {
        let gap = window[1].at.duration_since(window[0].at);
        assert!(
            gap >= Duration::from_millis(450),
            "{gap:?} between two posts"
        );
    }
    for n in 1..=4 {
        assert!(bot.case(CaseId::new(n)).posts.card.is_some());
    }
}

#[tokio::test]
async fn pages_do_not_wait_behind_cards_the_channel_rate_holds_back() {
    let bot = TestBot::start_with(Options {
        // A burst of three, then one message every five seconds, per channel.
        tweak: |s| s.delivery.channel_rate = 0.2,
        ..Options::default()
    })
    .await;
    // Two cases spend the escalation channel's burst (two cards, two thread replies)...
    for n in 0..2 {
        bot.escalate(AGENT, &format!("cust-{n} other Busy")).await;
    }
    // Until the burst is spent: otherwise the third card may take the last of it before
    // a thread reply does.
    bot.slack
        .wait_for(Duration::from_millis(1500), |s| {
            s.messages()
                .iter()
                .filter(|m| m.channel == ESCALATIONS)
                .count()
                == 3
        })
        .await
        .expect("two cards and a thread reply spend the burst");
    // ...so the third case's card must wait; its page must not.
    bot.escalate(AGENT, "cust-2 other The third").await;
    bot.slack
        .wait_for(Duration::from_millis(1500), |s| {
            let dm = s.dm_of(EXEC1).unwrap_or_default();
            s.messages().iter().filter(|m| m.channel == dm).count() == 3
        })
        .await
        .expect("the third page went out before a page would stop waiting for its card (2 s)");
    assert!(
        bot.case(CaseId::new(3)).posts.card.is_none(),
        "the third card is still held back by the channel's rate"
    );
}

#[tokio::test]
async fn rate_limiting_alone_never_makes_a_dead_letter() {
    let bot = TestBot::start_with(Options {
        tweak: |s| {
            quick(s);
            s.delivery.max_attempts = 2;
        },
        ..Options::default()
    })
    .await;
    // Far more 429s than attempts allowed: each is Slack saying "later", not a failure.
    for _ in 0..5 {
        bot.slack
            .fail_next("chat.postMessage", Fault::RateLimited { retry_after: 0 });
    }
    let id = bot.open_case("cust-1 other Slack is busy").await;
    bot.settle().await;
    assert!(bot.case(id).posts.card.is_some(), "the card went out");
    assert!(bot.store.dead_letters().unwrap().is_empty());
    assert_each_delivery_posted_once(&bot);
}

#[tokio::test]
async fn a_429_on_the_escalation_channel_holds_every_case_posting_there() {
    let bot = quick_bot().await;
    bot.slack
        .fail_next("chat.postMessage", Fault::RateLimited { retry_after: 1 });
    let first = bot.open_case("cust-1 other First").await;
    let posts_there = || -> Vec<_> {
        bot.slack
            .calls_to("chat.postMessage")
            .into_iter()
            .filter(|c| c.params["channel"] == ESCALATIONS)
            .collect()
    };
    for _ in 0..200 {
        if !posts_there().is_empty() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    // Another case's card is another lane: it still waits out the pause.
    let second = bot.open_case("cust-2 other Second").await;
    bot.settle().await;
    let posts = posts_there();
    let refused = posts[0].at;
    for later in &posts[1..] {
        let waited = later.at.duration_since(refused);
        assert!(
            waited >= Duration::from_millis(950),
            "a post went to the channel {waited:?} after Slack asked for a second"
        );
    }
    assert!(bot.case(first).posts.card.is_some());
    assert!(bot.case(second).posts.card.is_some());
    assert_each_delivery_posted_once(&bot);
}
