//! Paging that never silently stops, with a clock the tests move by hand: the chain of
//! executives, the @here alerts, critical cases, paging stopping at a take, decision
//! reminders, and a restart in the middle of a wait.

mod common;

use common::*;
use escalation_bot::clock::{Clock, ManualClock};
use escalation_bot::domain::{CaseId, Timer};
use jiff::SignedDuration;
use slack_standin::Message;

fn minutes(n: i64) -> SignedDuration {
    SignedDuration::from_mins(n)
}

fn alerts(bot: &TestBot, id: CaseId) -> Vec<Message> {
    bot.thread(id)
        .into_iter()
        .filter(|m| m.text.contains("<!here>"))
        .collect()
}

fn broadcast(bot: &TestBot, alert: &Message) -> bool {
    bot.slack.calls_to("chat.postMessage").iter().any(|c| {
        c.params["reply_broadcast"] == true
            && c.params["text"].as_str() == Some(alert.text.as_str())
    })
}

#[tokio::test]
async fn the_chain_is_paged_in_turn_then_the_channel_until_max_rounds() {
    let (bot, clock) = TestBot::start_on_manual_clock(Options::default()).await;
    let id = bot.open_case("cust-1 verbal-abuse Insults").await;
    assert_eq!(bot.dms_to(EXEC1).len(), 1);
    assert!(bot.dms_to(EXEC2).is_empty());

    clock.advance(minutes(14));
    bot.catch_up().await;
    assert!(bot.dms_to(EXEC2).is_empty(), "not before ack_timeout");

    clock.advance(minutes(1));
    bot.catch_up().await;
    assert_eq!(bot.dms_to(EXEC2).len(), 1, "the second executive is paged");
    assert_eq!(bot.dms_to(EXEC1).len(), 1, "the first is not paged again");
    assert!(
        bot.thread(id)
            .iter()
            .any(|m| m.text.contains(&format!("<@{EXEC2}>")))
    );
    assert!(alerts(&bot, id).is_empty());

    for round in 1..=3 {
        clock.advance(minutes(15));
        bot.catch_up().await;
        let alerts = alerts(&bot, id);
        assert_eq!(alerts.len(), round, "alert {round}");
        let last = alerts.last().unwrap();
        assert!(
            broadcast(&bot, last),
            "alerts are also shown in the channel"
        );
        assert!(
            text_of(last).contains("take_case"),
            "alerts carry the take button"
        );
    }
    assert!(
        alerts(&bot, id)
            .last()
            .unwrap()
            .text
            .contains("paging stops now")
    );
    assert_eq!(bot.case(id).next, None, "nothing more is scheduled");

    clock.advance(minutes(120));
    bot.catch_up().await;
    assert_eq!(alerts(&bot, id).len(), 3);
    assert_eq!(bot.dms_to(EXEC2).len(), 1);
}

#[tokio::test]
async fn a_critical_case_pages_the_whole_chain_at_once() {
    let (bot, clock) = TestBot::start_on_manual_clock(Options::default()).await;
    let id = bot
        .open_case("cust-1 violence Threw a chair at the counter")
        .await;
    assert_eq!(bot.dms_to(EXEC1).len(), 1);
    assert_eq!(bot.dms_to(EXEC2).len(), 1);
    let note = &bot.thread(id)[0].text;
    assert!(note.contains(EXEC1) && note.contains(EXEC2), "{note}");
    clock.advance(minutes(15));
    bot.catch_up().await;
    assert_eq!(alerts(&bot, id).len(), 1, "then straight to the channel");
}

#[tokio::test]
async fn taking_the_case_stops_all_paging() {
    let (bot, clock) = TestBot::start_on_manual_clock(Options::default()).await;
    let id = bot
        .open_and_take("cust-1 persistent Calls every hour")
        .await;
    assert_eq!(bot.case(id).next.map(|n| n.timer), Some(Timer::Remind));

    clock.advance(minutes(180));
    bot.catch_up().await;
    assert!(bot.dms_to(EXEC2).is_empty(), "no page after the take");
    assert!(alerts(&bot, id).is_empty(), "no alert after the take");
}

/// Lets EXEC2's page fall due with `fault` on its first attempt to open the DM, and
/// waits until that attempt has reached Slack.
async fn second_page_meets(bot: &TestBot, clock: &ManualClock, fault: slack_standin::Fault) {
    bot.slack.fail_next("conversations.open", fault);
    clock.advance(minutes(15));
    bot.slack
        .wait_for(std::time::Duration::from_secs(5), |s| {
            s.calls_to("conversations.open").len() >= 2
        })
        .await
        .unwrap();
}

#[tokio::test]
async fn a_page_queued_before_the_take_is_not_sent_after_it() {
    let (bot, clock) = TestBot::start_on_manual_clock(Options::default()).await;
    let id = bot.open_case("cust-1 persistent Calls every hour").await;
    // EXEC2's page falls due and is queued, but Slack refuses it for a while...
    second_page_meets(
        &bot,
        &clock,
        slack_standin::Fault::RateLimited { retry_after: 1 },
    )
    .await;
    // ...and meanwhile EXEC1 takes the case.
    bot.click(EXEC1, &bot.page(EXEC1), "take_case").await;
    clock.advance(minutes(1));
    bot.settle().await;
    assert!(bot.dms_to(EXEC2).is_empty(), "the stale page was dropped");
    assert!(bot.store.dead_letters().unwrap().is_empty());
    assert!(matches!(
        bot.case(id).state,
        escalation_bot::domain::CaseState::Taken { .. }
    ));
}

#[tokio::test]
async fn a_take_while_a_page_is_on_its_way_sends_no_page() {
    let (bot, clock) = TestBot::start_on_manual_clock(Options::default()).await;
    let id = bot.open_case("cust-1 persistent Calls every hour").await;
    // EXEC2's page falls due; opening the DM is slow (Slack under load)...
    second_page_meets(
        &bot,
        &clock,
        slack_standin::Fault::Slow(std::time::Duration::from_millis(1500)),
    )
    .await;
    // ...and while it is, EXEC1 takes the case.
    bot.click(EXEC1, &bot.page(EXEC1), "take_case").await;
    // The page stays in the outbox until its slow call returns and it is handled.
    bot.settle().await;
    assert!(bot.dms_to(EXEC2).is_empty(), "no page after the take");
    assert!(matches!(
        bot.case(id).state,
        escalation_bot::domain::CaseState::Taken { .. }
    ));
}

#[tokio::test]
async fn an_undecided_case_reminds_its_owner_every_day() {
    let (bot, clock) = TestBot::start_on_manual_clock(Options::default()).await;
    let id = bot
        .open_and_take("cust-1 intimidation Loomed over the desk")
        .await;
    let reminders = |bot: &TestBot| {
        bot.thread(id)
            .iter()
            .filter(|m| m.text.contains("still waiting for your decision"))
            .count()
    };
    clock.advance(SignedDuration::from_hours(23));
    bot.catch_up().await;
    assert_eq!(reminders(&bot), 0);
    clock.advance(SignedDuration::from_hours(1));
    bot.catch_up().await;
    assert_eq!(reminders(&bot), 1);
    assert!(
        bot.thread(id)
            .last()
            .unwrap()
            .text
            .contains(&format!("<@{EXEC1}>"))
    );
    clock.advance(SignedDuration::from_hours(24));
    bot.catch_up().await;
    assert_eq!(reminders(&bot), 2);

    bot.click(EXEC1, &bot.card(id), "decide:warning").await;
    bot.settle().await;
    clock.advance(SignedDuration::from_hours(48));
    bot.catch_up().await;
    assert_eq!(reminders(&bot), 2, "a decided case is not reminded");
}

#[tokio::test]
async fn a_page_that_fell_due_while_the_bot_was_down_goes_out_on_start_once() {
    let (mut bot, clock) = TestBot::start_on_manual_clock(Options::default()).await;
    let id = bot
        .open_case("cust-1 restraint Would not leave the office")
        .await;
    bot.restart().await;
    bot.settle().await;
    assert_eq!(bot.dms_to(EXEC1).len(), 1, "a restart repeats nothing");
    assert!(bot.dms_to(EXEC2).is_empty());

    bot.shutdown().await;
    clock.advance(minutes(20));
    bot.restart().await;
    bot.catch_up().await;
    assert_eq!(
        bot.dms_to(EXEC2).len(),
        1,
        "the page due during the downtime"
    );
    assert_eq!(bot.dms_to(EXEC1).len(), 1);
    // The next step counts from when the page went out, not from when it was due.
    let next = bot.case(id).next.unwrap();
    assert_eq!(next.timer, Timer::Here { round: 1 });
    assert_eq!(next.due, clock.now() + minutes(15));
}
