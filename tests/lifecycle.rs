//! The escalation lifecycle, black-box: signed requests in, Slack calls and stored state out.

mod common;

use common::*;
use escalation_bot::domain::{
    CaseState, Category, Event, Measure, Notice, Outcome, PromiseFailed, Severity, UserId,
};
use escalation_bot::i18n::Locale;
use escalation_bot::store::AuditEntry;

fn user(id: &str) -> UserId {
    UserId::parse(id).expect("valid user id")
}

#[tokio::test]
async fn escalate_opens_a_case_posts_the_card_and_pages_the_first_executive() {
    let bot = TestBot::start().await;
    let answer = bot
        .escalate(AGENT, "cust-42 verbal-abuse Shouted insults for an hour")
        .await;
    assert_eq!(answer.status, 200);
    assert_eq!(answer.json()["response_type"], "ephemeral");
    let reply = answer.text();
    assert!(reply.contains("ESC-1"), "{reply}");
    assert!(reply.contains("management has it now"), "{reply}");
    assert!(
        reply.contains("don't have to listen to insults"),
        "guidance: {reply}"
    );

    // Stored and flushed before the reply.
    let id = escalation_bot::domain::CaseId::new(1);
    let case = bot.case(id);
    assert_eq!(case.customer.as_ref().expect("named").as_str(), "cust-42");
    assert_eq!(case.category, Category::VerbalAbuse);
    assert_eq!(case.severity, Severity::High);
    assert_eq!(case.summary, "Shouted insults for an hour");
    assert_eq!(case.reporter, user(AGENT));
    assert_eq!(case.state, CaseState::Open);
    let tallies = bot.store.tallies().unwrap();
    assert_eq!((tallies.cases_total, tallies.cases_open), (1, 1));

    bot.settle().await;
    let card = bot.card(id);
    assert_eq!(card.channel, ESCALATIONS);
    let card_text = text_of(&card);
    for expected in [
        "ESC-1",
        "cust-42",
        "Shouted insults for an hour",
        "No earlier cases",
        "take_case",
    ] {
        assert!(
            card_text.contains(expected),
            "card lacks {expected}: {card_text}"
        );
    }
    assert_eq!(card.metadata["event_payload"]["case"], "ESC-1");

    // The page: open the IM, post the case with a take button and a link to the thread.
    let opened = bot.slack.calls_to("conversations.open");
    assert_eq!(opened.len(), 1);
    assert_eq!(opened[0].params["users"][0], EXEC1);
    let page = bot.page(EXEC1);
    let page_text = text_of(&page);
    assert!(
        page_text.contains("take_case") && page_text.contains("ESC-1"),
        "{page_text}"
    );
    assert!(
        page_text.contains("https://standin.slack.com/archives/"),
        "thread link: {page_text}"
    );
    assert!(
        bot.dms_to(EXEC2).is_empty(),
        "only the first executive is paged"
    );
    let thread = bot.thread(id);
    assert_eq!(thread.len(), 1);
    assert!(
        thread[0].text.contains(&format!("<@{EXEC1}>")),
        "{}",
        thread[0].text
    );
    assert_eq!(bot.case(id).posts.pages.len(), 1);

    assert!(matches!(bot.audit()[..], [AuditEntry { .. }]));
    assert!(
        bot.slack.calls().iter().all(|c| c.authorized),
        "every call carries the bot token"
    );
}

#[tokio::test]
async fn the_whole_flow_ends_in_an_approved_refund_and_termination() {
    let bot = TestBot::start().await;
    let id = bot
        .open_case("cust-42 threat Said he knows where I live")
        .await;
    let case = bot.case(id);
    assert_eq!(case.severity, Severity::Critical);
    assert_eq!(
        case.recommendation,
        escalation_bot::domain::Step::Termination
    );

    bot.click(EXEC1, &bot.page(EXEC1), "take_case").await;
    bot.settle().await;
    let CaseState::Taken { owner } = bot.case(id).state else {
        panic!("the case should be taken: {:?}", bot.case(id).state);
    };
    assert_eq!(owner.by, user(EXEC1));
    let card = bot.card(id);
    assert_eq!(card.edits, 1, "the card is updated in place");
    assert!(text_of(&card).contains("decide:several"));
    assert!(
        bot.thread(id)
            .iter()
            .any(|m| m.text.contains("took the case"))
    );

    // Refund and terminate: both are ticked in the outcome form, with the amount.
    bot.click(EXEC1, &card, "decide:several").await;
    bot.slack
        .wait_for(std::time::Duration::from_secs(5), |s| !s.views().is_empty())
        .await
        .expect("the refund form opens");
    let form = bot.slack.views().pop().unwrap();
    assert_eq!(form["private_metadata"], "ESC-1|");
    let answer = bot
        .sender
        .submit(
            EXEC1,
            &form,
            &[("measures", "refund,termination"), ("amount", "120000")],
        )
        .await;
    // A termination asks the checks first, in a form pushed over this one.
    let answer = bot.answer_checks(EXEC1, &answer, "reviewed").await;
    assert_eq!(answer.status, 200);
    assert_eq!(answer.json()["response_action"], "clear");
    bot.settle().await;
    assert!(matches!(bot.case(id).state, CaseState::Proposed { .. }));
    let proposal = bot.proposal(id);
    assert!(text_of(&proposal).contains("approve_proposal"));
    assert!(
        bot.store
            .customer(bot.case(id).customer.as_ref().expect("named"))
            .unwrap()
            .unwrap()
            .cut_off
            .is_none()
    );

    bot.click(MGR1, &proposal, "approve_proposal").await;
    bot.settle().await;

    let case = bot.case(id);
    let CaseState::Closed { decision, owner } = &case.state else {
        panic!("the case should be closed: {:?}", case.state);
    };
    assert_eq!(owner.by, user(EXEC1));
    assert_eq!(
        decision.outcome,
        Outcome::refund(120_000).and(Measure::Termination)
    );
    assert_eq!(decision.decided.by, user(EXEC1));
    assert_eq!(decision.approved.as_ref().unwrap().by, user(MGR1));
    assert!(decision.approved.as_ref().unwrap().at >= decision.decided.at);
    assert_eq!(decision.policy_version, "2026-11");

    let customer = bot
        .store
        .customer(case.customer.as_ref().expect("named"))
        .unwrap()
        .unwrap();
    assert_eq!(customer.cut_off.as_ref().map(|c| c.case), Some(id));
    assert_eq!((customer.refunds, customer.refund_total), (1, 120_000));

    let tallies = bot.store.tallies().unwrap();
    assert_eq!(tallies.cases_total, 1);
    assert_eq!(tallies.cases_open, 0);
    assert_eq!((tallies.refunds, tallies.refund_total), (1, 120_000));
    assert_eq!(tallies.terminations, 1);
    assert_eq!(tallies.customers_cut_off, 1);

    let card = text_of(&bot.card(id));
    assert!(
        card.contains("Closed") && card.contains("Policy 2026-11"),
        "{card}"
    );
    assert!(
        !card.contains("decide:"),
        "a closed card has no decision buttons"
    );
    let proposal = text_of(&bot.proposal(id));
    assert!(
        proposal.contains("Approved") && !proposal.contains("approve_proposal"),
        "{proposal}"
    );
    let thanks = bot.dms_to(AGENT);
    assert_eq!(thanks.len(), 1, "the reporter is told once");
    assert!(thanks[0].text.contains("ESC-1") && thanks[0].text.contains("Thank you"));

    let events: Vec<&str> = bot.audit().iter().map(|e| e.event.name()).collect();
    assert_eq!(events, ["opened", "taken", "proposed", "closed"]);
    assert!(bot.store.dead_letters().unwrap().is_empty());
}

#[tokio::test]
async fn an_agent_cannot_take_a_case_and_nothing_changes() {
    let bot = TestBot::start().await;
    let id = bot.open_case("cust-1 intimidation Banged the desk").await;
    let before = (
        bot.case(id),
        bot.audit().len(),
        bot.store.tallies().unwrap(),
    );
    bot.click(AGENT2, &bot.card(id), "take_case").await;
    let refusal = bot.ephemeral_after(AGENT2, 0).await;
    assert!(
        refusal.text.contains("Only executives and managers"),
        "{}",
        refusal.text
    );
    assert_eq!(refusal.channel, ESCALATIONS);
    bot.settle().await;
    assert_eq!(
        (bot.case(id), bot.store.tallies().unwrap()),
        (before.0, before.2)
    );
    assert_eq!(bot.card(id).edits, 0);
    // The attempt is on the case's audit trail, and nothing else is.
    let audit = bot.audit();
    assert_eq!(audit.len(), before.1 + 1);
    assert!(
        matches!(
            &audit.last().unwrap().event,
            Event::Notified { notice: Notice::Refused { by, action, reason }, .. }
                if by.as_str() == AGENT2 && action == "take" && reason == "not-executive-or-manager"
        ),
        "{:?}",
        audit.last()
    );
}

#[tokio::test]
async fn a_second_executive_is_told_who_has_the_case() {
    let bot = TestBot::start().await;
    let id = bot.open_and_take("cust-1 dogeza Demanded I kneel").await;
    // EXEC2 clicks the card as it first appeared, before the update reached them.
    bot.click(EXEC2, &bot.card_as_posted(id), "take_case").await;
    let refusal = bot.ephemeral_after(EXEC2, 0).await;
    assert!(
        refusal
            .text
            .contains(&format!("<@{EXEC1}> has already taken ESC-1")),
        "{}",
        refusal.text
    );
    let CaseState::Taken { owner } = bot.case(id).state else {
        panic!("still taken")
    };
    assert_eq!(owner.by, user(EXEC1));
}

#[tokio::test]
async fn a_double_click_on_take_changes_the_case_once() {
    let bot = TestBot::start().await;
    let id = bot.open_case("cust-1 persistent Forty emails today").await;
    let page = bot.page(EXEC1);
    let (a, b) = tokio::join!(
        bot.sender.click(EXEC1, &page, "take_case"),
        bot.sender.click(EXEC1, &page, "take_case"),
    );
    assert_eq!((a.unwrap().status, b.unwrap().status), (200, 200));
    bot.settle().await;
    let taken = bot
        .audit()
        .iter()
        .filter(|e| e.event.name() == "taken")
        .count();
    assert_eq!(taken, 1);
    let refusal = bot.ephemeral_after(EXEC1, 0).await;
    assert!(
        refusal.text.contains("You have already taken ESC-1"),
        "{}",
        refusal.text
    );
    let notes = bot
        .thread(id)
        .iter()
        .filter(|m| m.text.contains("took the case"))
        .count();
    assert_eq!(notes, 1, "one timeline reply");
}

#[tokio::test]
async fn a_manager_cannot_approve_their_own_termination() {
    let bot = TestBot::start().await;
    let id = bot
        .open_case("cust-9 sexual Repeated remarks about my appearance")
        .await;
    bot.click(MGR1, &bot.card(id), "take_case").await;
    bot.settle().await;
    bot.propose_termination(MGR1, id, "not-needed").await;
    bot.settle().await;
    let proposal = bot.proposal(id);

    bot.click(MGR1, &proposal, "approve_proposal").await;
    let refusal = bot.ephemeral_after(MGR1, 0).await;
    assert!(
        refusal.text.contains("You proposed this decision"),
        "{}",
        refusal.text
    );
    bot.click(EXEC2, &proposal, "approve_proposal").await;
    let refusal = bot.ephemeral_after(EXEC2, 0).await;
    assert!(
        refusal.text.contains("Only an approver"),
        "{}",
        refusal.text
    );
    bot.settle().await;
    assert!(matches!(bot.case(id).state, CaseState::Proposed { .. }));
    assert_eq!(bot.store.tallies().unwrap().terminations, 0);

    bot.click(MGR2, &proposal, "approve_proposal").await;
    bot.settle().await;
    let CaseState::Closed { decision, .. } = bot.case(id).state else {
        panic!("approved")
    };
    assert_eq!(decision.outcome, Outcome::only(Measure::Termination));
    assert_eq!(decision.approved.unwrap().by, user(MGR2));
}

#[tokio::test]
async fn a_rejected_proposal_returns_the_case_to_its_owner() {
    let bot = TestBot::start().await;
    let id = bot
        .open_and_take("cust-3 restraint Kept me on the phone three hours")
        .await;
    bot.propose_termination(EXEC1, id, "not-needed").await;
    bot.settle().await;
    bot.click(MGR1, &bot.proposal(id), "reject_proposal").await;
    bot.settle().await;
    let CaseState::Taken { owner } = bot.case(id).state else {
        panic!("back to taken: {:?}", bot.case(id).state)
    };
    assert_eq!(owner.by, user(EXEC1));
    assert!(text_of(&bot.proposal(id)).contains("Rejected"));
    assert!(bot.thread(id).iter().any(|m| m.text.contains("rejected")));
    // The owner decides again.
    bot.click(EXEC1, &bot.card(id), "decide:warning").await;
    bot.settle().await;
    let CaseState::Closed { decision, .. } = bot.case(id).state else {
        panic!("closed")
    };
    assert_eq!(decision.outcome, Outcome::only(Measure::Warning));
    let customer = bot
        .store
        .customer(bot.case(id).customer.as_ref().expect("named"))
        .unwrap()
        .unwrap();
    assert_eq!(customer.warnings, 1);
    assert!(customer.cut_off.is_none());
}

#[tokio::test]
async fn approving_a_rejected_proposal_does_not_settle_the_next_one() {
    let bot = TestBot::start().await;
    let id = bot
        .open_and_take("cust-4 restraint Kept me on the phone three hours")
        .await;
    bot.propose_termination(EXEC1, id, "not-needed").await;
    bot.settle().await;
    // What a manager's Slack still shows if the update removing the buttons is late.
    let first = bot.proposal(id);
    bot.click(MGR1, &first, "reject_proposal").await;
    bot.settle().await;
    bot.propose_termination(EXEC1, id, "not-needed").await;
    bot.settle().await;
    assert_ne!(bot.proposal(id).ts, first.ts, "a new proposal message");
    let before = (bot.case(id), bot.audit().len());

    let seen = bot.ephemerals_for(MGR2).len();
    bot.click(MGR2, &first, "approve_proposal").await;
    let refusal = bot.ephemeral_after(MGR2, seen).await;
    assert!(refusal.text.contains("rejected"), "{}", refusal.text);
    assert_eq!((bot.case(id), bot.audit().len()), before, "nothing changed");

    bot.click(MGR2, &bot.proposal(id), "approve_proposal").await;
    bot.settle().await;
    assert!(matches!(bot.case(id).state, CaseState::Closed { .. }));
}

#[tokio::test]
async fn a_closed_case_cannot_be_changed() {
    let bot = TestBot::start().await;
    let id = bot.open_and_take("cust-5 other Odd behaviour").await;
    let taken_card = bot.card(id);
    bot.click(EXEC1, &taken_card, "decide:no-action").await;
    bot.settle().await;
    let before = (
        bot.case(id),
        bot.audit().len(),
        bot.store.tallies().unwrap(),
    );
    assert_eq!(before.2.no_action, 1);
    // A stale copy of the card still shows the decision buttons.
    bot.click(MGR1, &taken_card, "decide:termination").await;
    let refusal = bot.ephemeral_after(MGR1, 0).await;
    assert!(refusal.text.contains("already closed"), "{}", refusal.text);
    bot.settle().await;
    assert_eq!(
        (
            bot.case(id),
            bot.audit().len(),
            bot.store.tallies().unwrap()
        ),
        before
    );
}

#[tokio::test]
async fn only_the_owner_or_a_manager_may_decide() {
    let bot = TestBot::start().await;
    let id = bot.open_and_take("cust-6 verbal-abuse Swore at me").await;
    bot.click(EXEC2, &bot.card(id), "decide:warning").await;
    let refusal = bot.ephemeral_after(EXEC2, 0).await;
    assert!(
        refusal.text.contains(&format!("Only <@{EXEC1}>")),
        "{}",
        refusal.text
    );
    // Refunds are refused before the form opens.
    bot.click(EXEC2, &bot.card(id), "decide:refund").await;
    bot.ephemeral_after(EXEC2, 1).await;
    assert!(
        bot.slack.views().is_empty(),
        "no form for someone who may not decide"
    );
    assert!(matches!(bot.case(id).state, CaseState::Taken { .. }));
}

#[tokio::test]
async fn a_small_refund_closes_at_once_and_a_large_one_needs_approval() {
    let bot = TestBot::start().await;
    let small = bot
        .open_case("cust-7 unreasonable-demand Wants free work")
        .await;
    bot.click(EXEC1, &bot.page(EXEC1), "take_case").await;
    bot.settle().await;
    bot.click(EXEC1, &bot.card(small), "decide:refund").await;
    bot.slack
        .wait_for(std::time::Duration::from_secs(5), |s| s.views().len() == 1)
        .await
        .unwrap();
    let form = bot.slack.views().pop().unwrap();
    let answer = bot
        .sender
        .submit(EXEC1, &form, &[("amount", "50,000")])
        .await;
    assert_eq!(answer.json()["response_action"], "clear");
    bot.settle().await;
    assert!(bot.case(small).is_closed());

    let large = bot
        .open_case("cust-8 unreasonable-demand Wants everything back")
        .await;
    bot.click(EXEC1, &bot.page(EXEC1), "take_case").await;
    bot.settle().await;
    bot.click(EXEC1, &bot.card(large), "decide:refund").await;
    bot.slack
        .wait_for(std::time::Duration::from_secs(5), |s| s.views().len() == 2)
        .await
        .unwrap();
    let form = bot.slack.views().pop().unwrap();
    // A bad amount is refused in the form, next to the field.
    let answer = bot.sender.submit(EXEC1, &form, &[("amount", "lots")]).await;
    assert_eq!(answer.json()["response_action"], "errors");
    assert!(
        answer.json()["errors"]["amount"]
            .as_str()
            .unwrap()
            .contains("whole amount")
    );
    assert!(matches!(bot.case(large).state, CaseState::Taken { .. }));
    let answer = bot
        .sender
        .submit(EXEC1, &form, &[("amount", "50001")])
        .await;
    assert_eq!(answer.json()["response_action"], "clear");
    bot.settle().await;
    assert!(matches!(bot.case(large).state, CaseState::Proposed { .. }));

    let tallies = bot.store.tallies().unwrap();
    assert_eq!((tallies.refunds, tallies.refund_total), (1, 50_000));
}

#[tokio::test]
async fn unknown_category_or_missing_customer_gets_usage_and_stores_nothing() {
    let bot = TestBot::start().await;
    for (text, expected) in [
        (
            "cust-1 rudeness He was rude",
            "\"rudeness\" is not a category",
        ),
        ("threat", "which customer"),
        ("cust-1", "what kind of harassment"),
    ] {
        let answer = bot.escalate(AGENT, text).await;
        assert_eq!(answer.status, 200, "{text}");
        let reply = answer.text();
        assert!(reply.contains(expected), "{text}: {reply}");
        // Escaped: Slack would take a raw `<customer-id>` for a link, even in backticks.
        assert!(
            reply.contains("/escalate &lt;customer-id&gt; &lt;category&gt;"),
            "usage for {text}: {reply}"
        );
        assert!(!reply.contains("<customer-id>"), "{reply}");
    }
    let history = bot.escalate(MGR1, "history").await.text();
    assert!(history.contains("which customer"), "{history}");
    let too_long = format!("cust-1 other {}", "x".repeat(2001));
    assert!(
        bot.escalate(AGENT, &too_long)
            .await
            .text()
            .contains("longer than 2,000")
    );
    assert_eq!(bot.store.tallies().unwrap().cases_total, 0);
    assert_eq!(bot.store.cases().count(), 0);
    assert_eq!(bot.store.outbox_len(), 0);
    let sent: Vec<String> = bot
        .slack
        .calls()
        .into_iter()
        .map(|c| c.method)
        // Looking up who is asking is all the bot did.
        .filter(|m| m != "users.info" && m != "auth.test")
        .collect();
    assert!(sent.is_empty(), "nothing was sent to Slack: {sent:?}");
}

#[tokio::test]
async fn japanese_input_and_replies() {
    let bot = TestBot::start_with(Options {
        locale: Locale::Ja,
        ..Options::default()
    })
    .await;
    let answer = bot
        .escalate(
            AGENT,
            "株式会社アクメ\u{3000}暴言\u{3000}電話で1時間罵倒された",
        )
        .await;
    let reply = answer.text();
    assert!(
        reply.contains("ご報告ありがとうございます。ESC-1 として受け付けました。"),
        "{reply}"
    );
    assert!(
        reply.contains("暴言を聞き続ける必要はありません"),
        "{reply}"
    );
    let case = bot.case(escalation_bot::domain::CaseId::new(1));
    assert_eq!(
        case.customer.as_ref().expect("named").as_str(),
        "株式会社アクメ"
    );
    assert_eq!(case.category, Category::VerbalAbuse);
    assert_eq!(case.summary, "電話で1時間罵倒された");
    bot.settle().await;
    let card = text_of(&bot.card(case.id));
    assert!(
        card.contains("暴言・侮辱") && card.contains("電話で1時間罵倒された"),
        "{card}"
    );

    let unknown = bot.escalate(AGENT, "顧客B 失礼 態度が悪い").await.text();
    assert!(
        unknown.contains("「失礼」という区分はないため、何も記録していません。"),
        "{unknown}"
    );
    let stats = bot.escalate(MGR1, "集計").await.text();
    assert!(stats.contains("350社中 0社"), "{stats}");
    // The words staff type name the category too.
    bot.escalate(AGENT, "顧客C 長電話 3時間切らせてもらえなかった")
        .await;
    let case = bot.case(escalation_bot::domain::CaseId::new(2));
    assert_eq!(case.category, Category::Restraint);
}

#[tokio::test]
async fn escalate_alone_opens_the_form_and_submitting_it_opens_a_case() {
    let bot = TestBot::start().await;
    let answer = bot.escalate(AGENT, "").await;
    assert_eq!((answer.status, answer.body.as_str()), (200, ""));
    bot.slack
        .wait_for(std::time::Duration::from_secs(5), |s| s.views().len() == 1)
        .await
        .expect("views.open was called");
    let opened = bot.slack.calls_to("views.open");
    assert!(
        opened[0].params["trigger_id"]
            .as_str()
            .is_some_and(|t| !t.is_empty())
    );
    let form = bot.slack.views().pop().unwrap();
    assert_eq!(form["callback_id"], "escalate_form");

    // A bad customer id comes back as an error next to the field; nothing is stored.
    let answer = bot
        .sender
        .submit(
            AGENT,
            &form,
            &[
                ("customer", "two words"),
                ("category", "threat"),
                ("summary", "x"),
            ],
        )
        .await;
    assert_eq!(answer.json()["response_action"], "errors");
    assert!(answer.json()["errors"]["customer"].is_string());
    assert_eq!(bot.store.tallies().unwrap().cases_total, 0);

    let answer = bot
        .sender
        .submit(
            AGENT,
            &form,
            &[
                ("customer", "cust-77"),
                ("category", "unreasonable-demand"),
                ("severity", "low"),
                ("summary", "Asked for a free month\nthen shouted"),
                ("promise_failed", "yes"),
            ],
        )
        .await;
    assert_eq!(answer.status, 200);
    let json = answer.json();
    assert_eq!(json["response_action"], "update");
    assert!(json["view"].to_string().contains("ESC-1"), "{json}");
    let case = bot.case(escalation_bot::domain::CaseId::new(1));
    assert_eq!(case.severity, Severity::Low);
    assert_eq!(case.promise_failed, Some(PromiseFailed::Yes));
    assert_eq!(
        case.reported_from.as_ref().map(|c| c.as_str()),
        Some(SUPPORT)
    );
    bot.settle().await;
    // The card's field, as its block's JSON holds it.
    assert!(text_of(&bot.card(case.id)).contains(r"*Our own failing*\nYes"));
}

#[tokio::test]
async fn history_stats_and_help() {
    let bot = TestBot::start().await;
    let id = bot.open_and_take("cust-42 verbal-abuse First time").await;
    bot.click(EXEC1, &bot.card(id), "decide:warning").await;
    bot.settle().await;
    let second = bot.open_case("cust-42 verbal-abuse Again").await;
    let card = text_of(&bot.card(second));
    assert!(
        card.contains("1 earlier case (1 in the last 12 months), 1 written warning"),
        "{card}"
    );
    assert!(
        card.contains("Written warning"),
        "the ladder climbs: {card}"
    );

    let history = bot.escalate(MGR1, "history cust-42").await.body;
    let (first, second) = (history.find("ESC-1"), history.find("ESC-2"));
    assert!(
        first.is_some() && second < first,
        "both cases, the newest first: {history}"
    );
    assert!(
        history.contains("written warnings: 1") && history.contains("Not terminated"),
        "{history}"
    );
    let nobody = bot.escalate(MGR1, "history cust-0").await.text();
    assert!(nobody.contains("has no cases"), "{nobody}");
    let stats = bot.escalate(MGR1, "stats").await.text();
    assert!(
        stats.contains("Cases: 2 (1 open)") && stats.contains("0 of 350"),
        "{stats}"
    );
    let help = bot.escalate(AGENT, "help").await.text();
    assert!(
        help.contains("/escalate history &lt;customer-id&gt;"),
        "{help}"
    );
}

#[tokio::test]
async fn a_private_case_page_names_no_details() {
    let bot = TestBot::start().await;
    bot.open_case("cust-13 discrimination Made remarks about my nationality")
        .await;
    let page = text_of(&bot.page(EXEC1));
    assert!(
        !page.contains("nationality") && !page.contains("cust-13"),
        "{page}"
    );
    let card = text_of(&bot.card(escalation_bot::domain::CaseId::new(1)));
    assert!(card.contains("Private category"), "{card}");
}

#[tokio::test]
async fn typed_text_cannot_ping_the_channel() {
    let bot = TestBot::start().await;
    let id = bot
        .open_case("cust-1 other <!channel> look at this <@U0EXEC2>")
        .await;
    let card = text_of(&bot.card(id));
    assert!(
        !card.contains("<!channel>") && !card.contains("<@U0EXEC2>"),
        "{card}"
    );
}

#[tokio::test]
async fn shutdown_flushes_and_the_store_reopens_with_everything() {
    let mut bot = TestBot::start().await;
    let id = bot
        .open_case("cust-1 threat Threatened to come to the office")
        .await;
    bot.shutdown().await;
    let path = bot.dir.path().join("store");
    drop(bot.store);
    let reopened = reopen(&path);
    assert_eq!(
        reopened
            .case(id)
            .unwrap()
            .unwrap()
            .customer
            .unwrap()
            .as_str()
            .to_owned(),
        "cust-1"
    );
    assert_eq!(reopened.tallies().unwrap().cases_total, 1);
}

#[tokio::test]
async fn a_case_closed_a_week_ago_is_archived_and_reads_and_answers_the_same() {
    use jiff::SignedDuration;

    let (bot, clock) = TestBot::start_on_manual_clock(Options {
        // No check-in: it would change the case after the close, and keep it live until
        // it is over (tests/check_in.rs archives a case after its check-in).
        tweak: |s| s.rules.paging.check_in_after = None,
        ..Options::default()
    })
    .await;
    let id = bot
        .open_and_take("cust-42 verbal-abuse Shouted for an hour")
        .await;
    let taken_card = bot.card(id);
    bot.click(EXEC1, &taken_card, "decide:warning").await;
    bot.settle().await;
    let before = (bot.case(id), bot.audit(), bot.store.tallies().unwrap());
    let history = bot.escalate(AGENT, "history cust-42").await.text();

    clock.advance(SignedDuration::from_hours(6 * 24));
    bot.catch_up().await;
    assert!(!bot.store.is_archived(id).unwrap(), "a week must pass");
    clock.advance(SignedDuration::from_hours(2 * 24));
    for _ in 0..500 {
        if bot.store.is_archived(id).unwrap() {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(10)).await;
    }
    assert!(
        bot.store.is_archived(id).unwrap(),
        "the scheduler archives it"
    );

    assert_eq!(
        (bot.case(id), bot.audit(), bot.store.tallies().unwrap()),
        before
    );
    assert_eq!(bot.escalate(AGENT, "history cust-42").await.text(), history);
    // A stale card's buttons get a closed case's answer, and change nothing.
    bot.click(MGR1, &taken_card, "decide:termination").await;
    let refusal = bot.ephemeral_after(MGR1, 0).await;
    assert!(refusal.text.contains("already closed"), "{}", refusal.text);
    bot.settle().await;
    assert_eq!(
        (bot.case(id), bot.audit(), bot.store.tallies().unwrap()),
        before
    );
    // The ladder still counts the archived case.
    let next = bot.open_case("cust-42 verbal-abuse Again").await;
    assert_eq!(bot.case(next).history.prior_cases, 1);
}

#[tokio::test]
async fn the_scheduler_erases_a_case_past_the_retention_and_keeps_its_numbers() {
    use escalation_bot::clock::ManualClock;
    use jiff::{SignedDuration, Timestamp};
    use std::sync::Arc;

    let clock = Arc::new(ManualClock::new(Timestamp::now()));
    let mut bot = TestBot::start_with(Options {
        clock: clock.clone(),
        tweak: |settings| {
            settings.retention = escalation_bot::domain::Retention::parse("30d").unwrap();
            // No check-in: a case stays live until its check-in is over, and retention
            // erases archived cases (tests/check_in.rs covers the check-in).
            settings.rules.paging.check_in_after = None;
        },
        ..Options::default()
    })
    .await;
    let id = bot
        .open_case("cust-42 verbal-abuse Shouted for an hour")
        .await;
    bot.click(EXEC1, &bot.page(EXEC1), "take_case").await;
    bot.settle().await;
    bot.click(EXEC1, &bot.card(id), "decide:warning").await;
    bot.settle().await;
    let tallies = bot.store.tallies().unwrap();
    let history = bot.escalate(MGR1, "history cust-42").await.text();

    // Archived after a week; 30 days after closing it is due. The scheduler looks once a
    // day and at start: a restart after the clock moved makes it look now.
    clock.advance(SignedDuration::from_hours(31 * 24));
    bot.restart().await;
    let mut erased = false;
    for _ in 0..500 {
        if bot.store.case(id).unwrap().unwrap().erased.is_some() {
            erased = true;
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(10)).await;
    }
    assert!(erased, "the scheduler erased it");
    let case = bot.case(id);
    assert!(case.summary.is_empty());
    assert_eq!(case.reporter.as_str(), "U0ERASED");
    assert_eq!(bot.store.tallies().unwrap(), tallies, "the tallies stay");
    assert_eq!(
        bot.escalate(MGR1, "history cust-42").await.text(),
        history,
        "the customer's history reads the same"
    );
    let logged = bot
        .store
        .log_entries()
        .map(Result::unwrap)
        .filter(|e| e.what == "retention-erased")
        .count();
    assert_eq!(logged, 1);
    bot.shutdown().await;
}
