//! The record, black-box: the facts the case form asks (only "what happened" required),
//! "Add facts" on the card with who and when, every addition kept, and the owner
//! correcting the category with the weekly count following it.

mod common;

use std::time::Duration;

use common::*;
use escalation_bot::domain::{CaseId, Category, Event, Medium, Severity, Week};

async fn form(bot: &TestBot, user: &str) -> serde_json::Value {
    let before = bot.slack.views().len();
    bot.escalate(user, "").await;
    bot.slack
        .wait_for(Duration::from_secs(5), |s| s.views().len() > before)
        .await
        .expect("the form opens");
    bot.slack.views().pop().unwrap()
}

async fn facts_form(bot: &TestBot, user: &str, id: CaseId) -> serde_json::Value {
    let before = bot.slack.views().len();
    bot.click(user, &bot.card(id), "add_facts").await;
    bot.slack
        .wait_for(Duration::from_secs(5), |s| s.views().len() > before)
        .await
        .expect("the facts form opens");
    bot.slack.views().pop().unwrap()
}

#[tokio::test]
async fn the_case_form_records_the_facts_and_asks_only_what_happened() {
    let bot = TestBot::start().await;
    let view = form(&bot, AGENT).await;
    for block in [
        "when", "medium", "minutes", "words", "wants", "present", "links",
    ] {
        let input = view["blocks"]
            .as_array()
            .unwrap()
            .iter()
            .find(|b| b["block_id"] == block)
            .unwrap_or_else(|| panic!("the form asks {block}"));
        assert_eq!(input["optional"], true, "{block} is optional");
    }
    let base = [
        ("customer", "cust-7"),
        ("category", "restraint"),
        ("summary", "Kept me on the phone"),
    ];
    // A bad duration is refused next to its field.
    let mut bad = base.to_vec();
    bad.push(("minutes", "forever"));
    let answer = bot.sender.submit(AGENT, &view, &bad).await;
    assert_eq!(answer.json()["response_action"], "errors");
    assert!(answer.json()["errors"]["minutes"].is_string());

    let mut inputs = base.to_vec();
    inputs.extend([
        ("when", "1796600000"),
        ("medium", "phone"),
        ("minutes", "95"),
        ("words", "Don't you dare hang up.\nI'll keep calling."),
        ("wants", "Someone else takes their calls"),
        ("present", "Ken (headset)"),
        (
            "links",
            "https://standin.slack.com/archives/C1/p1\nhttps://standin.slack.com/files/U1/F1",
        ),
    ]);
    let answer = bot.sender.submit(AGENT, &view, &inputs).await;
    assert_eq!(
        answer.json()["response_action"],
        "update",
        "{}",
        answer.body
    );
    bot.settle().await;
    let case = bot.case(CaseId::new(1));
    let facts = &case.facts;
    assert_eq!(
        facts.occurred_at.map(|t| t.as_second()),
        Some(1_796_600_000)
    );
    assert_eq!(facts.medium, Some(Medium::Phone));
    assert_eq!(facts.minutes, Some(95));
    assert_eq!(facts.evidence.len(), 2);
    assert_eq!(facts.present.as_deref(), Some("Ken (headset)"));
    let card = text_of(&bot.card(case.id));
    for expected in [
        "The record",
        "*How:* Phone, 95 min",
        "> I'll keep calling.",
        "Someone else takes their calls",
        "|link 2>",
    ] {
        assert!(card.contains(expected), "{expected}: {card}");
    }

    // Only what happened: the rest can wait.
    let view = form(&bot, AGENT).await;
    let answer = bot.sender.submit(AGENT, &view, &base).await;
    assert_eq!(answer.json()["response_action"], "update");
    assert!(bot.case(CaseId::new(2)).facts.is_empty());
}

#[tokio::test]
async fn facts_added_later_keep_who_and_when_and_every_version() {
    let bot = TestBot::start().await;
    let id = bot.open_case("cust-8 verbal-abuse Insulted me").await;
    bot.settle().await;

    // The reporter adds what they remember.
    let view = facts_form(&bot, AGENT, id).await;
    assert_eq!(view["callback_id"], "facts_form");
    let answer = bot
        .sender
        .submit(
            AGENT,
            &view,
            &[("note", "He called back an hour later"), ("words", "idiot")],
        )
        .await;
    assert_eq!(answer.json()["response_action"], "clear", "{}", answer.body);
    bot.settle().await;

    // The owner adds more once they have the case.
    bot.click(EXEC1, &bot.page(EXEC1), "take_case").await;
    bot.settle().await;
    let view = facts_form(&bot, EXEC1, id).await;
    bot.sender
        .submit(EXEC1, &view, &[("medium", "phone"), ("minutes", "40")])
        .await;
    bot.settle().await;

    // Someone else on the staff may not; and an empty form adds nothing.
    let view = facts_form(&bot, AGENT2, id).await;
    let refused = bot
        .sender
        .submit(AGENT2, &view, &[("note", "I heard it too")])
        .await;
    assert_eq!(refused.json()["response_action"], "update");
    assert!(
        refused
            .body
            .contains("Only the reporter, the owner, managers and the consultation desk"),
        "{}",
        refused.body
    );
    let view = facts_form(&bot, AGENT, id).await;
    let empty = bot.sender.submit(AGENT, &view, &[]).await;
    assert!(empty.body.contains("at least one fact"), "{}", empty.body);
    bot.settle().await;

    let case = bot.case(id);
    assert_eq!(case.additions.len(), 2);
    assert_eq!(case.additions[0].by.by.as_str(), AGENT);
    assert_eq!(
        case.additions[0].facts.note.as_deref(),
        Some("He called back an hour later")
    );
    assert_eq!(case.additions[1].by.by.as_str(), EXEC1);
    assert_eq!(case.additions[1].facts.minutes, Some(40));
    let card = text_of(&bot.card(id));
    assert!(
        card.contains(&format!("Added by <@{AGENT}>"))
            && card.contains(&format!("Added by <@{EXEC1}>")),
        "{card}"
    );
    let notes: Vec<String> = bot
        .thread(id)
        .into_iter()
        .filter(|m| m.text.contains("added facts"))
        .map(|m| m.text)
        .collect();
    assert_eq!(notes.len(), 2, "the thread hears each addition");
    let added: Vec<Event> = bot
        .audit()
        .into_iter()
        .map(|e| e.event)
        .filter(|e| matches!(e, Event::FactsAdded { .. }))
        .collect();
    assert_eq!(added.len(), 2, "the audit keeps every addition as given");
}

#[tokio::test]
async fn the_owner_corrects_the_category_and_the_weekly_count_follows() {
    let bot = TestBot::start().await;
    let id = bot
        .open_and_take("cust-9 verbal-abuse Remarks about me")
        .await;
    let week = Week::of(bot.case(id).opened_at, &jiff::tz::TimeZone::UTC);
    let before = bot.store.week_stats(week).unwrap();
    assert_eq!(before.by_category.get(&Category::VerbalAbuse), Some(&1));

    let views_before = bot.slack.views().len();
    bot.click(EXEC1, &bot.card(id), "change_classification")
        .await;
    bot.slack
        .wait_for(Duration::from_secs(5), |s| s.views().len() > views_before)
        .await
        .expect("the classification form opens");
    let view = bot.slack.views().pop().unwrap();
    let answer = bot
        .sender
        .submit(
            EXEC1,
            &view,
            &[("category", "personal-attack"), ("severity", "medium")],
        )
        .await;
    assert_eq!(answer.status, 200);
    bot.settle().await;

    let case = bot.case(id);
    assert_eq!(
        (case.category, case.severity),
        (Category::PersonalAttack, Severity::Medium)
    );
    let after = bot.store.week_stats(week).unwrap();
    assert_eq!(after.by_category.get(&Category::VerbalAbuse), None);
    assert_eq!(after.by_category.get(&Category::PersonalAttack), Some(&1));
    let corrected = bot
        .audit()
        .into_iter()
        .find_map(|e| match e.event {
            Event::Classified {
                from_category,
                from_severity,
                by,
                ..
            } => Some((from_category, from_severity, by.by)),
            _ => None,
        })
        .expect("audited");
    assert_eq!(
        corrected,
        (
            Category::VerbalAbuse,
            Severity::High,
            escalation_bot::domain::UserId::parse(EXEC1).unwrap()
        ),
        "with the previous value"
    );
    let customer = bot
        .store
        .customer(&escalation_bot::domain::CustomerId::parse("cust-9").unwrap())
        .unwrap()
        .unwrap();
    assert_eq!(customer.cases[0].category, Category::PersonalAttack);
}
