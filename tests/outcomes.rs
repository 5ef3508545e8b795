//! Fuller outcomes, black-box: each measure and combinations of them recorded from the
//! card and the outcome form, counted in each tally, the ones that need an approver, and
//! the written warning's draft for the owner to send.

mod common;

use std::sync::Arc;
use std::time::Duration;

use common::*;
use escalation_bot::clock::ManualClock;
use escalation_bot::config::Settings;
use escalation_bot::domain::{
    Accommodation, CaseId, CaseState, Complaint, Contact, Contacts, CustomerId, DutyToServe,
    LegalReview, Measure, Measures, Outcome, Step, Tallies,
};
use jiff::{SignedDuration, Timestamp};

/// 2026-12-07 10:00 JST: "today" for the date checks.
fn monday() -> Timestamp {
    "2026-12-07T01:00:00Z".parse().unwrap()
}

async fn bot_at(now: Timestamp, tweak: fn(&mut Settings)) -> (TestBot, Arc<ManualClock>) {
    let clock = Arc::new(ManualClock::new(now));
    let bot = TestBot::start_with(Options {
        clock: clock.clone(),
        tweak,
        ..Options::default()
    })
    .await;
    (bot, clock)
}

/// Opens a case about `customer` and has EXEC1 take it.
async fn taken(bot: &TestBot, customer: &str) -> CaseId {
    let id = bot
        .open_and_take(&format!("{customer} verbal-abuse Shouted at me"))
        .await;
    assert!(matches!(bot.case(id).state, CaseState::Taken { .. }));
    id
}

/// Clicks "several or other measures" and waits for the form.
async fn outcome_form(bot: &TestBot, id: CaseId, button: &str) -> serde_json::Value {
    let before = bot.slack.views().len();
    bot.click(EXEC1, &bot.card(id), button).await;
    bot.slack
        .wait_for(Duration::from_secs(5), |s| s.views().len() > before)
        .await
        .expect("the outcome form opens");
    bot.slack.views().pop().unwrap()
}

fn decision_of(bot: &TestBot, id: CaseId) -> Outcome {
    match bot.case(id).state {
        CaseState::Closed { decision, .. } => decision.outcome,
        other => panic!("{id} is not closed: {other:?}"),
    }
}

#[tokio::test]
async fn each_measure_alone_is_recorded_and_counted_once() {
    let (bot, _clock) = bot_at(monday(), |_| {}).await;
    for (n, measure) in Measure::ALL.into_iter().enumerate() {
        let id = taken(&bot, &format!("cust-{n}")).await;
        let inputs: Vec<(&str, &str)> = match measure {
            Measure::Refund => vec![("amount", "1000")],
            Measure::Suspension => vec![("until", "2027-01-31")],
            Measure::ContactRestriction => vec![("contact", "email-only,fixed-hours")],
            _ => Vec::new(),
        };
        if inputs.is_empty() && measure != Measure::Lawyer {
            // One click on the card (termination: a proposal).
            let button = format!("decide:{}", measure.slug());
            if measure == Measure::Termination {
                bot.propose_termination(EXEC1, id, "reviewed").await;
            } else if [Measure::FormalRequest, Measure::Police].contains(&measure) {
                let form = outcome_form(&bot, id, "decide:several").await;
                let answer = bot
                    .sender
                    .submit(EXEC1, &form, &[("measures", measure.slug())])
                    .await;
                assert_eq!(answer.json()["response_action"], "clear", "{measure:?}");
            } else {
                bot.click(EXEC1, &bot.card(id), &button).await;
            }
        } else {
            // In the form: the details alone say which measure is meant.
            let form = outcome_form(&bot, id, "decide:several").await;
            let mut inputs = inputs.clone();
            if measure == Measure::Lawyer {
                inputs.push(("measures", "lawyer"));
            }
            let mut answer = bot.sender.submit(EXEC1, &form, &inputs).await;
            if measure == Measure::Suspension {
                answer = bot.answer_checks(EXEC1, &answer, "not-needed").await;
            }
            assert_eq!(answer.json()["response_action"], "clear", "{measure:?}");
        }
        bot.settle().await;
        if matches!(measure, Measure::Termination | Measure::Suspension) {
            assert!(
                matches!(bot.case(id).state, CaseState::Proposed { .. }),
                "{measure:?} needs an approver"
            );
            bot.click(MGR1, &bot.proposal(id), "approve_proposal").await;
            bot.settle().await;
        }
        let outcome = decision_of(&bot, id);
        assert_eq!(outcome.measures, Measures::of([measure]), "{measure:?}");
        if measure == Measure::ContactRestriction {
            assert_eq!(
                outcome.contact,
                Contacts::of([Contact::EmailOnly, Contact::FixedHours])
            );
        }
    }
    let tallies = bot.store.tallies().unwrap();
    for measure in Measure::ALL {
        assert_eq!(tallies.count_of(measure), 1, "{measure:?}: {tallies:?}");
    }
    assert_eq!(tallies.cases_total, 10);
    assert_eq!(tallies.cases_open, 0);
    assert_eq!(tallies.refund_total, 1000);
    assert_eq!(tallies.customers_cut_off, 1);
    let suspended = bot
        .store
        .customer(&CustomerId::parse("cust-3").unwrap())
        .unwrap()
        .unwrap();
    assert_eq!(
        suspended.suspended_until,
        Some("2027-01-31".parse().unwrap())
    );
    let stats = bot.escalate(MGR1, "stats").await.text();
    for line in [
        "Cautions: 1",
        "Written warnings: 1",
        "Suspensions: 1",
        "Police consultations or reports: 1",
    ] {
        assert!(stats.contains(line), "{line}: {stats}");
    }
}

#[tokio::test]
async fn a_written_warning_with_a_police_consultation_is_one_decision_counted_in_both() {
    let (bot, _clock) = bot_at(monday(), |_| {}).await;
    let id = taken(&bot, "cust-1").await;
    let form = outcome_form(&bot, id, "decide:several").await;
    let answer = bot
        .sender
        .submit(EXEC1, &form, &[("measures", "warning,police")])
        .await;
    assert_eq!(answer.json()["response_action"], "clear");
    bot.settle().await;
    assert_eq!(
        decision_of(&bot, id),
        Outcome::only(Measure::Warning).and(Measure::Police),
        "neither needs an approver: closed at once"
    );
    let t = bot.store.tallies().unwrap();
    assert_eq!((t.warnings, t.police, t.cases_open), (1, 1, 0));
    let week = bot
        .store
        .week_stats(escalation_bot::domain::Week::of(
            monday(),
            &jiff::tz::TimeZone::UTC,
        ))
        .unwrap();
    assert_eq!(week.decided_total(), 1);
    assert_eq!(week.combined, 1);
    assert_eq!(
        (
            week.decided(Measure::Warning),
            week.decided(Measure::Police)
        ),
        (1, 1)
    );
    let closed = bot
        .thread(id)
        .into_iter()
        .find(|m| m.text.contains("Closed"))
        .expect("a closing note");
    assert!(
        closed
            .text
            .contains("a written warning and a police consultation or report"),
        "{}",
        closed.text
    );
    let customer = bot
        .store
        .customer(&CustomerId::parse("cust-1").unwrap())
        .unwrap()
        .unwrap();
    assert_eq!(customer.warnings, 1);
    let history = bot.escalate(MGR1, "history cust-1").await.body;
    assert!(
        history.contains("Written warning + Police consultation or report"),
        "{history}"
    );
}

#[tokio::test]
async fn a_refund_over_the_threshold_with_a_formal_request_waits_for_an_approver() {
    let (bot, _clock) = bot_at(monday(), |_| {}).await;
    let id = taken(&bot, "cust-1").await;
    let form = outcome_form(&bot, id, "decide:refund").await;
    assert_eq!(form["private_metadata"], format!("{id}|refund"));
    let answer = bot
        .sender
        .submit(
            EXEC1,
            &form,
            &[("measures", "refund,formal-request"), ("amount", "60000")],
        )
        .await;
    assert_eq!(answer.json()["response_action"], "clear");
    bot.settle().await;
    assert!(matches!(bot.case(id).state, CaseState::Proposed { .. }));
    bot.click(MGR1, &bot.proposal(id), "approve_proposal").await;
    bot.settle().await;
    let outcome = decision_of(&bot, id);
    assert_eq!(outcome, Outcome::refund(60_000).and(Measure::FormalRequest));
    let t = bot.store.tallies().unwrap();
    assert_eq!(
        (t.refunds, t.refund_total, t.formal_requests),
        (1, 60_000, 1)
    );
}

#[tokio::test]
async fn the_outcome_form_refuses_what_cannot_be_recorded_next_to_the_field() {
    let (bot, _clock) = bot_at(monday(), |_| {}).await;
    let id = taken(&bot, "cust-1").await;
    let form = outcome_form(&bot, id, "decide:several").await;
    for (inputs, field, says) in [
        (vec![], "measures", "at least one"),
        (
            vec![("measures", "no-action,caution")],
            "measures",
            "cannot be combined",
        ),
        (vec![("measures", "refund")], "amount", "needs an amount"),
        (vec![("measures", "suspension")], "until", "the day it ends"),
        (
            vec![("measures", "suspension"), ("until", "2026-12-07")],
            "until",
            "after today",
        ),
        (
            vec![("measures", "refund"), ("amount", "lots")],
            "amount",
            "whole amount",
        ),
    ] {
        let answer = bot.sender.submit(EXEC1, &form, &inputs).await;
        let json = answer.json();
        assert_eq!(json["response_action"], "errors", "{inputs:?}");
        let error = json["errors"][field].as_str().unwrap_or_default();
        assert!(error.contains(says), "{inputs:?}: {json}");
    }
    assert!(matches!(bot.case(id).state, CaseState::Taken { .. }));
    assert_eq!(bot.store.tallies().unwrap().cases_open, 1);
}

#[tokio::test]
async fn a_suspension_needs_an_approver_and_ends_on_the_day_chosen() {
    let (bot, clock) = bot_at(monday(), |_| {}).await;
    let id = taken(&bot, "cust-1").await;
    let form = outcome_form(&bot, id, "decide:suspension").await;
    clock.advance(SignedDuration::from_mins(5));
    let answer = bot
        .sender
        .submit(
            EXEC1,
            &form,
            &[
                ("until", "2027-03-31"),
                ("contact", "named-contact"),
                ("measures", "suspension,contact-restriction"),
            ],
        )
        .await;
    let answer = bot.answer_checks(EXEC1, &answer, "reviewed").await;
    assert_eq!(answer.json()["response_action"], "clear");
    bot.settle().await;
    let CaseState::Proposed { proposal, .. } = bot.case(id).state else {
        panic!("a suspension is a proposal");
    };
    assert_eq!(
        proposal.outcome.suspended_until,
        Some("2027-03-31".parse().unwrap())
    );
    assert!(
        text_of(&bot.proposal(id)).contains("suspension until Wed 31 Mar 2027"),
        "{}",
        text_of(&bot.proposal(id))
    );
    bot.click(EXEC1, &bot.proposal(id), "approve_proposal")
        .await;
    bot.ephemeral_after(EXEC1, 0).await;
    assert!(matches!(bot.case(id).state, CaseState::Proposed { .. }));
    bot.click(MGR2, &bot.proposal(id), "approve_proposal").await;
    bot.settle().await;
    let record = bot
        .store
        .customer(&CustomerId::parse("cust-1").unwrap())
        .unwrap()
        .unwrap();
    assert_eq!(record.suspended_until, Some("2027-03-31".parse().unwrap()));
    assert!(
        record.cut_off.is_none(),
        "a suspension is not a termination"
    );
    let t: Tallies = bot.store.tallies().unwrap();
    assert_eq!((t.suspensions, t.contact_restrictions), (1, 1));
}

#[tokio::test]
async fn a_written_warning_comes_with_a_draft_for_whoever_decided_it() {
    let (bot, _clock) = bot_at(monday(), |s| {
        s.company_name = Some("Example KK".into());
        s.terms_clause = Some("Article 12 of our Terms of Service".into());
    })
    .await;
    let id = taken(&bot, "acme").await;
    bot.click(EXEC1, &bot.card(id), "decide:warning").await;
    bot.settle().await;
    assert_eq!(decision_of(&bot, id), Outcome::only(Measure::Warning));
    let draft = bot
        .thread(id)
        .into_iter()
        .find(|m| m.text.contains("draft of the written warning"))
        .expect("the draft is in the thread");
    let text = text_of(&draft);
    for expected in [
        &format!("<@{EXEC1}>"),
        "Dear acme",
        "7 December 2026",
        "verbal abuse",
        "Article 12 of our Terms of Service",
        "Example KK",
        "```",
    ] {
        assert!(text.contains(expected), "{expected}: {text}");
    }
    // The bot never writes to the customer: nothing went anywhere but the thread.
    let posted: Vec<String> = bot
        .slack
        .calls_to("chat.postMessage")
        .iter()
        .filter(|c| c.params.to_string().contains("Dear acme"))
        .map(|c| c.params["channel"].as_str().unwrap_or("").to_owned())
        .collect();
    assert_eq!(posted, [ESCALATIONS]);
}

#[tokio::test]
async fn the_ladder_climbs_caution_written_warning_suspension_termination() {
    let (bot, _clock) = bot_at(monday(), |_| {}).await;
    let mut steps = Vec::new();
    for _ in 0..4 {
        let id = bot.open_case("cust-9 verbal-abuse Again").await;
        steps.push(bot.case(id).recommendation);
        bot.click(EXEC1, &bot.page(EXEC1), "take_case").await;
        bot.settle().await;
        bot.click(EXEC1, &bot.card(id), "decide:caution").await;
        bot.settle().await;
    }
    assert_eq!(
        steps,
        [
            Step::Caution,
            Step::WrittenWarning,
            Step::Suspension,
            Step::Termination
        ]
    );
    let card = text_of(&bot.card(bot.open_case("cust-10 threat I know where you live").await));
    assert!(card.contains("Termination"), "critical starts high: {card}");
}

#[tokio::test]
async fn pending_legal_review_blocks_approval_until_someone_answers_it() {
    let (bot, _clock) = bot_at(monday(), |s| {
        s.terms_clause = Some("Article 12 (prohibited conduct)".into());
    })
    .await;
    let id = taken(&bot, "cust-1").await;
    let before = bot.slack.views().len();
    bot.click(EXEC1, &bot.card(id), "decide:termination").await;
    bot.slack
        .wait_for(Duration::from_secs(5), |s| s.views().len() > before)
        .await
        .expect("the checks open at once");
    let form = bot.slack.views().pop().unwrap();
    assert_eq!(form["callback_id"], "checks_form");
    let clause = form["blocks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|b| b["block_id"] == "clause")
        .expect("a clause field");
    assert_eq!(
        clause["element"]["initial_value"], "Article 12 (prohibited conduct)",
        "policy.terms_clause, editable"
    );
    let answer = bot
        .sender
        .submit(
            EXEC1,
            &form,
            &[
                ("complaint", "unanswered"),
                ("accommodation", "considered"),
                ("duty_to_serve", "unsure"),
                ("clause", "Article 12.3"),
                ("legal", "pending"),
            ],
        )
        .await;
    assert_eq!(answer.json()["response_action"], "clear");
    bot.settle().await;
    let CaseState::Proposed { proposal, .. } = bot.case(id).state else {
        panic!("a termination is a proposal");
    };
    let checks = proposal
        .checks
        .expect("the answers travel with the proposal");
    assert_eq!(checks.clause, "Article 12.3");
    // The approver sees the answers, concerns marked, on the card and the proposal.
    for text in [text_of(&bot.card(id)), text_of(&bot.proposal(id))] {
        for expected in [
            "Legitimate complaint underneath: Yes, not answered yet :warning:",
            "Reasonable accommodation: Considered",
            "Duty to keep serving: Unsure :warning:",
            "Terms clause: Article 12.3",
            "Legal review: Pending",
        ] {
            assert!(text.contains(expected), "{expected}: {text}");
        }
    }
    assert!(text_of(&bot.proposal(id)).contains("legal_reviewed"));

    bot.click(MGR1, &bot.proposal(id), "approve_proposal").await;
    let refusal = bot.ephemeral_after(MGR1, 0).await;
    assert!(
        refusal.text.contains("Legal review of ESC-1 is pending"),
        "{}",
        refusal.text
    );
    assert!(matches!(bot.case(id).state, CaseState::Proposed { .. }));
    // The reporter answers nothing; the owner (or an approver) does.
    bot.click(AGENT, &bot.proposal(id), "legal_reviewed").await;
    bot.ephemeral_after(AGENT, 0).await;
    bot.click(EXEC1, &bot.proposal(id), "legal_reviewed").await;
    bot.settle().await;
    let proposal_text = text_of(&bot.proposal(id));
    assert!(
        proposal_text.contains("Legal review: Reviewed")
            && !proposal_text.contains("legal_reviewed"),
        "the proposal re-renders without the legal buttons: {proposal_text}"
    );
    assert!(
        bot.thread(id)
            .iter()
            .any(|m| m.text.contains("answered the legal review: Reviewed")),
        "the thread says who answered"
    );
    assert!(
        bot.audit()
            .iter()
            .any(|e| e.event.name() == "legal-answered"),
        "audited"
    );
    bot.click(MGR1, &bot.proposal(id), "approve_proposal").await;
    bot.settle().await;
    let CaseState::Closed { decision, .. } = bot.case(id).state else {
        panic!("approved once legal answered");
    };
    let recorded = decision
        .checks
        .expect("each answer is in the decision record");
    assert_eq!(
        (
            recorded.complaint,
            recorded.accommodation,
            recorded.duty_to_serve,
            recorded.legal,
        ),
        (
            Complaint::Unanswered,
            Accommodation::Considered,
            DutyToServe::Unsure,
            LegalReview::Reviewed,
        )
    );
    assert!(text_of(&bot.card(id)).contains("Terms clause: Article 12.3"));
}

#[tokio::test]
async fn cancelling_the_checks_proposes_nothing() {
    let (bot, _clock) = bot_at(monday(), |_| {}).await;
    let id = taken(&bot, "cust-1").await;
    let form = outcome_form(&bot, id, "decide:several").await;
    let answer = bot
        .sender
        .submit(EXEC1, &form, &[("measures", "termination,warning")])
        .await;
    assert_eq!(answer.json()["response_action"], "push");
    assert_eq!(answer.json()["view"]["callback_id"], "checks_form");
    bot.settle().await;
    assert!(
        matches!(bot.case(id).state, CaseState::Taken { .. }),
        "nothing is proposed before the checks are answered"
    );
}
