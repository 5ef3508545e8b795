//! Care for the reporter, black-box: what they are told when the case opens (no bad
//! treatment for reporting, the policy, whom to talk to), and for a critical case "are you
//! safe now?" with "I need someone now" alerting everyone who can act at once.

mod common;

use common::*;
use escalation_bot::domain::{CaseId, Event};
use slack_standin::Message;

/// The buttons of a slash command's answer, as a message the stand-in can click on.
fn reply_as_message(answer: &slack_standin::Answer) -> Message {
    Message {
        channel: SUPPORT.into(),
        ts: "1796000000.000100".into(),
        thread_ts: None,
        text: answer.text(),
        blocks: answer.json()["blocks"].clone(),
        metadata: serde_json::Value::Null,
        only_for: Some(AGENT.into()),
        edits: 0,
        author: None,
        files: Vec::new(),
    }
}

async fn bot_with_care_links() -> TestBot {
    TestBot::start_with(Options {
        tweak: |s| {
            s.policy_url = Some("https://intranet.example.com/kasuhara-policy".into());
            s.support_url = Some("https://intranet.example.com/eap".into());
        },
        ..Options::default()
    })
    .await
}

#[tokio::test]
async fn at_submission_the_reporter_hears_they_are_safe_to_report_and_where_to_turn() {
    let bot = bot_with_care_links().await;
    let answer = bot.escalate(AGENT, "cust-1 verbal-abuse Swore at me").await;
    let body = answer.body.clone();
    for expected in [
        "you will not be treated badly for it",
        "<https://intranet.example.com/kasuhara-policy|read it>",
        "<https://intranet.example.com/eap|who to contact>",
    ] {
        assert!(body.contains(expected), "{expected}: {body}");
    }
    assert!(
        !body.contains("need_someone_now"),
        "the safety question is for critical cases"
    );

    // The form's confirmation says the same.
    let bare = TestBot::start().await;
    let reply = bare.escalate(AGENT, "cust-2 other Rude").await.body;
    assert!(reply.contains("will not be treated badly"), "{reply}");
    assert!(
        !reply.contains("read it"),
        "no link when none is configured"
    );
}

#[tokio::test]
async fn i_need_someone_now_alerts_everyone_who_can_act_at_once() {
    let bot = bot_with_care_links().await;
    let answer = bot
        .escalate(AGENT, "cust-1 threat Said he is waiting outside")
        .await;
    assert!(answer.body.contains("Are you safe now?"), "{}", answer.body);
    let reply = reply_as_message(&answer);
    bot.settle().await;
    let id = CaseId::new(1);
    bot.click(EXEC1, &bot.page(EXEC1), "take_case").await;
    bot.settle().await;
    let dms_before = |user: &str| bot.dms_to(user).len();
    let (exec1, exec2, mgr1) = (dms_before(EXEC1), dms_before(EXEC2), dms_before(MGR1));

    // Only the reporter answers (someone else in the channel who somehow clicks is told so).
    bot.slack.join(SUPPORT, EXEC2);
    bot.click(EXEC2, &reply, "need_someone_now").await;
    let refused = bot.ephemeral_after(EXEC2, 0).await;
    assert!(
        refused.text.contains("Only the reporter"),
        "{}",
        refused.text
    );

    bot.click(AGENT, &reply, "need_someone_now").await;
    let told = bot.ephemeral_after(AGENT, 0).await;
    assert!(told.text.contains("call the police"), "{}", told.text);
    bot.settle().await;
    // The whole chain hears at once, whoever has the case: executives and managers.
    assert_eq!(dms_before(EXEC1), exec1 + 1);
    assert_eq!(dms_before(EXEC2), exec2 + 1);
    assert_eq!(dms_before(MGR1), mgr1 + 1);
    let urgent = bot.dms_to(MGR1).pop().unwrap();
    assert!(
        urgent
            .text
            .contains(&format!("<@{AGENT}> needs someone now")),
        "{}",
        urgent.text
    );
    assert!(
        bot.thread(id)
            .iter()
            .any(|m| m.text.contains("needs someone now")),
        "the thread hears it"
    );
    assert!(
        bot.audit()
            .iter()
            .any(|e| matches!(e.event, Event::SafetyAnswered { safe: false, .. })),
        "audited"
    );

    bot.click(AGENT, &reply, "safe_now").await;
    let thanks = bot.ephemeral_after(AGENT, 1).await;
    assert!(thanks.text.contains("Thank you"), "{}", thanks.text);
    bot.settle().await;
    assert_eq!(dms_before(MGR1), mgr1 + 1, "I'm safe pages nobody");
}

#[tokio::test]
async fn the_owner_keeps_the_reporter_off_the_customer_and_the_history_says_so() {
    let bot = TestBot::start().await;
    let id = bot.open_case("cust-5 sexual Remarks about my body").await;
    assert!(
        !text_of(&bot.card(id)).contains("keep_reporter_off"),
        "only once someone owns the case"
    );
    bot.click(EXEC1, &bot.page(EXEC1), "take_case").await;
    bot.settle().await;
    // Not the owner's colleague, and never the reporter.
    bot.click(EXEC2, &bot.card(id), "keep_reporter_off").await;
    bot.ephemeral_after(EXEC2, 0).await;
    assert!(!bot.case(id).reporter_kept_off);

    bot.click(EXEC1, &bot.card(id), "keep_reporter_off").await;
    bot.settle().await;
    assert!(bot.case(id).reporter_kept_off);
    let card = text_of(&bot.card(id));
    assert!(
        card.contains(&format!("<@{AGENT}> is kept off this customer"))
            && !card.contains("keep_reporter_off"),
        "{card}"
    );
    let record = bot
        .store
        .customer(&escalation_bot::domain::CustomerId::parse("cust-5").unwrap())
        .unwrap()
        .unwrap();
    assert_eq!(record.kept_off.len(), 1);
    assert_eq!(record.kept_off[0].user.as_str(), AGENT);
    let history = bot.escalate(MGR1, "history cust-5").await.body;
    assert!(
        history.contains(&format!("Keep <@{AGENT}> off this customer (since ESC-1)")),
        "{history}"
    );
    assert!(
        bot.audit()
            .iter()
            .any(|e| matches!(e.event, Event::ReporterKeptOff { .. })),
        "audited"
    );
}
