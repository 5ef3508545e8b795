//! The prevention note (再発防止策) on every decision, black-box: a one-click decision gets
//! its note afterwards from the card's button and form, an edit replaces it, the compliance
//! report counts it; the reporter and staff who may not decide are refused (at the click
//! and at a forged submission), a guest gets nothing, an empty note changes nothing, and an
//! archived case says it no longer changes.

mod common;

use std::sync::Arc;
use std::time::Duration;

use common::*;
use escalation_bot::clock::ManualClock;
use escalation_bot::domain::compliance::{NotCounted, Period, Staff};
use escalation_bot::domain::{CaseId, CaseState, Event, Notice};
use escalation_bot::report::compliance::ComplianceReport;
use jiff::{SignedDuration, Timestamp};
use slack_standin::Message;

/// A guest of our own workspace.
const GUEST: &str = "U0GUEST";
const NOTE: &str = "Two staff on this customer's calls";

/// 2026-12-07 10:00 JST.
fn monday() -> Timestamp {
    "2026-12-07T01:00:00Z".parse().unwrap()
}

async fn bot() -> (TestBot, Arc<ManualClock>) {
    let clock = Arc::new(ManualClock::new(monday()));
    let bot = TestBot::start_with(Options {
        clock: clock.clone(),
        // No check-in: a case waiting for one is never archived.
        tweak: |s| {
            desk(s, false);
            s.rules.paging.check_in_after = None;
        },
        ..Options::default()
    })
    .await;
    bot.add_desk();
    bot.slack.add_guest(GUEST, "guest");
    // The reporter, the desk and the guest see the escalation channel here, so a refusal
    // has somewhere to be said.
    for person in [AGENT, HR1, GUEST] {
        bot.slack.join(ESCALATIONS, person);
    }
    (bot, clock)
}

/// A case EXEC1 took and closed with one click on "caution" (a note-less decision).
async fn cautioned(bot: &TestBot, customer: &str) -> CaseId {
    let id = bot
        .open_and_take(&format!("{customer} verbal-abuse Shouted at me"))
        .await;
    bot.click(EXEC1, &bot.card(id), "decide:caution").await;
    bot.settle().await;
    assert!(bot.case(id).is_closed());
    id
}

fn note_of(bot: &TestBot, id: CaseId) -> Option<String> {
    match bot.case(id).state {
        CaseState::Closed { decision, .. } => decision.prevention,
        other => panic!("{id} is not decided: {other:?}"),
    }
}

/// The label of the card's prevention button.
fn button_label(card: &Message) -> String {
    let blocks = serde_json::to_value(&card.blocks).unwrap();
    blocks
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|b| b["elements"].as_array())
        .flatten()
        .find(|e| e["action_id"] == "record_prevention")
        .map(|e| e["text"]["text"].as_str().unwrap_or_default().to_owned())
        .unwrap_or_else(|| panic!("no prevention button on {}", text_of(card)))
}

/// `user` clicks the card's prevention button, and the form opens.
async fn open_form(bot: &TestBot, user: &str, id: CaseId) -> serde_json::Value {
    let seen = bot.slack.views().len();
    bot.click(user, &bot.card(id), "record_prevention").await;
    bot.form_after(seen).await
}

/// `user` clicks the prevention button and is told why not, with no form opened.
async fn refused_at_click(bot: &TestBot, user: &str, id: CaseId) -> String {
    let views = bot.slack.views().len();
    let seen = bot.ephemerals_for(user).len();
    bot.click(user, &bot.card(id), "record_prevention").await;
    let told = bot.ephemeral_after(user, seen).await.text;
    bot.settle().await;
    assert_eq!(bot.slack.views().len(), views, "{user}: no form opens");
    told
}

fn prevention_notes(bot: &TestBot) -> u64 {
    let december =
        Period::new("2026-12-01".parse().unwrap(), "2026-12-31".parse().unwrap()).unwrap();
    // The staff count is not what this test is about: leave it uncounted.
    let staff = Staff::NotListed(NotCounted::NoToken);
    let report = ComplianceReport::gather(&bot.store, &bot.settings, december, monday(), staff)
        .expect("the report gathers");
    let json: serde_json::Value = serde_json::from_str(&report.json()).unwrap();
    json["response"]["prevention_notes"]
        .as_u64()
        .unwrap_or_else(|| panic!("no prevention_notes in {json}"))
}

fn recorded(bot: &TestBot, id: CaseId) -> Vec<(String, bool)> {
    bot.store
        .timeline(id)
        .unwrap()
        .into_iter()
        .filter_map(|e| match e {
            Event::PreventionRecorded { by, edited } => Some((by.by.to_string(), edited)),
            _ => None,
        })
        .collect()
}

#[tokio::test]
async fn a_one_click_decision_gets_its_note_afterwards_and_an_edit_replaces_it() {
    let (bot, _clock) = bot().await;
    let id = cautioned(&bot, "cust-1").await;
    assert_eq!(note_of(&bot, id), None);
    assert_eq!(button_label(&bot.card(id)), "Add prevention note");
    assert_eq!(prevention_notes(&bot), 0);

    let form = open_form(&bot, EXEC1, id).await;
    let field = &form["blocks"][1];
    assert_eq!(field["block_id"], "prevention");
    assert_eq!(field["optional"], false, "{form}");
    assert!(field["element"].get("initial_value").is_none(), "{form}");
    let answer = bot
        .sender
        .submit(EXEC1, &form, &[("prevention", &format!("  {NOTE}\n"))])
        .await;
    assert_eq!(answer.json()["response_action"], "clear", "{}", answer.body);
    bot.settle().await;
    assert_eq!(note_of(&bot, id).as_deref(), Some(NOTE));
    let card = bot.card(id);
    assert!(text_of(&card).contains(NOTE), "{}", text_of(&card));
    assert_eq!(button_label(&card), "Edit prevention note");
    assert_eq!(recorded(&bot, id), vec![(EXEC1.to_owned(), false)]);
    assert_eq!(
        prevention_notes(&bot),
        1,
        "a note added after closing counts"
    );

    // A manager edits it: the form starts with the note, and saving replaces it.
    let form = open_form(&bot, MGR1, id).await;
    assert_eq!(form["blocks"][1]["element"]["initial_value"], NOTE);
    let answer = bot
        .sender
        .submit(MGR1, &form, &[("prevention", "A script for refunds")])
        .await;
    assert_eq!(answer.json()["response_action"], "clear", "{}", answer.body);
    bot.settle().await;
    assert_eq!(note_of(&bot, id).as_deref(), Some("A script for refunds"));
    let card = bot.card(id);
    assert!(!text_of(&card).contains(NOTE), "{}", text_of(&card));
    assert_eq!(
        recorded(&bot, id),
        vec![(EXEC1.to_owned(), false), (MGR1.to_owned(), true)]
    );
    assert_eq!(prevention_notes(&bot), 1, "one decision, one note");

    // The desk records it too.
    let form = open_form(&bot, HR1, id).await;
    let answer = bot
        .sender
        .submit(HR1, &form, &[("prevention", "Desk follow-up")])
        .await;
    assert_eq!(answer.json()["response_action"], "clear", "{}", answer.body);
    bot.settle().await;
    assert_eq!(note_of(&bot, id).as_deref(), Some("Desk follow-up"));
}

#[tokio::test]
async fn the_reporter_and_staff_who_may_not_decide_are_refused_and_a_guest_gets_nothing() {
    let (bot, _clock) = bot().await;
    let id = cautioned(&bot, "cust-1").await;
    // The owner's form, which the others forge a submission of.
    let form = open_form(&bot, EXEC1, id).await;
    let before = (bot.case(id), bot.store.tallies().unwrap());

    for (who, expected) in [
        (
            AGENT,
            "Only the owner of ESC-1, managers and the consultation desk can record its \
             prevention note. Nothing changed.",
        ),
        (
            EXEC2,
            "Only the owner of ESC-1, managers and the consultation desk can record its \
             prevention note. Nothing changed.",
        ),
    ] {
        assert_eq!(refused_at_click(&bot, who, id).await, expected, "{who}");
        let answer = bot
            .sender
            .submit(who, &form, &[("prevention", "forged")])
            .await;
        assert_eq!(answer.json()["response_action"], "update", "{who}");
        assert!(answer.body.contains("Nothing changed."), "{}", answer.body);
    }
    bot.settle().await;
    assert_eq!((bot.case(id), bot.store.tallies().unwrap()), before);
    let refused: Vec<(String, String)> = bot
        .store
        .timeline(id)
        .unwrap()
        .into_iter()
        .filter_map(|e| match e {
            Event::Notified {
                notice: Notice::Refused { by, action, reason },
                ..
            } if action == "record-prevention" => Some((by.to_string(), reason)),
            _ => None,
        })
        .collect();
    let reason = "not-involved-to-record-prevention".to_owned();
    assert_eq!(
        refused,
        vec![
            (AGENT.to_owned(), reason.clone()),
            (AGENT.to_owned(), reason.clone()),
            (EXEC2.to_owned(), reason.clone()),
            (EXEC2.to_owned(), reason),
        ],
        "each click and each submission is on the trail"
    );

    // A guest: no form, no sentence, and a forged submission just closes.
    let views = bot.slack.views().len();
    bot.click(GUEST, &bot.card(id), "record_prevention").await;
    let answer = bot
        .sender
        .submit(GUEST, &form, &[("prevention", "forged")])
        .await;
    assert_eq!((answer.status, answer.body.as_str()), (200, ""));
    tokio::time::sleep(Duration::from_millis(200)).await;
    bot.settle().await;
    assert_eq!(bot.slack.views().len(), views, "no form for a guest");
    assert!(bot.ephemerals_for(GUEST).is_empty());
    assert_eq!((bot.case(id), bot.store.tallies().unwrap()), before);
}

#[tokio::test]
async fn a_manager_who_reported_the_case_never_records_its_note() {
    let (bot, _clock) = bot().await;
    let answer = bot
        .sender
        .command(MGR1, SUPPORT, "cust-2 verbal-abuse Shouted at me")
        .await;
    assert_eq!(answer.status, 200, "{}", answer.body);
    bot.settle().await;
    let id = CaseId::new(1);
    assert_eq!(bot.case(id).reporter.to_string(), MGR1);
    bot.click(EXEC1, &bot.page(EXEC1), "take_case").await;
    bot.settle().await;
    bot.click(EXEC1, &bot.card(id), "decide:no-action").await;
    bot.settle().await;
    assert!(bot.case(id).is_closed());
    let told = refused_at_click(&bot, MGR1, id).await;
    assert!(told.contains("You reported ESC-1"), "{told}");
    assert!(told.ends_with("Nothing changed."), "{told}");
    assert_eq!(note_of(&bot, id), None);
}

#[tokio::test]
async fn an_empty_note_changes_nothing() {
    let (bot, _clock) = bot().await;
    let id = cautioned(&bot, "cust-1").await;
    let form = open_form(&bot, EXEC1, id).await;
    let before = (bot.case(id), bot.store.timeline(id).unwrap());
    let answer = bot
        .sender
        .submit(EXEC1, &form, &[("prevention", "  \n ")])
        .await;
    let json = answer.json();
    assert_eq!(json["response_action"], "update", "{}", answer.body);
    assert!(
        answer.body.contains(
            "The prevention note is empty: write what changes so this does not happen \
             again. Nothing changed."
        ),
        "{}",
        answer.body
    );
    bot.settle().await;
    assert_eq!((bot.case(id), bot.store.timeline(id).unwrap()), before);
}

#[tokio::test]
async fn an_archived_case_says_its_record_no_longer_changes() {
    let (bot, clock) = bot().await;
    let id = cautioned(&bot, "cust-1").await;
    let form = open_form(&bot, EXEC1, id).await;
    clock.advance(SignedDuration::from_hours(8 * 24));
    for _ in 0..500 {
        if bot.store.is_archived(id).unwrap() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    assert!(
        bot.store.is_archived(id).unwrap(),
        "the scheduler archives it"
    );
    let before = (bot.case(id), bot.store.timeline(id).unwrap());
    let told = refused_at_click(&bot, EXEC1, id).await;
    assert_eq!(
        told,
        "ESC-1 is archived (it closed more than a week ago), and an archived record no \
         longer changes. Nothing changed."
    );
    let answer = bot
        .sender
        .submit(EXEC1, &form, &[("prevention", NOTE)])
        .await;
    assert!(answer.body.contains("is archived"), "{}", answer.body);
    bot.settle().await;
    assert_eq!((bot.case(id), bot.store.timeline(id).unwrap()), before);
}
