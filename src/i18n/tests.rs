//! The catalogs, sentence by sentence: every method of `Catalog` rendered in both
//! languages with the same arguments, so a test can see that both catalogs have every
//! sentence, that they interpolate the same things, and that each follows the style rules
//! (`style.rs`). A new method on the trait must be added to `sentences` below: the
//! coverage test reads the trait's source and fails until it is.

use std::collections::{BTreeMap, BTreeSet};

use jiff::SignedDuration;

use super::style::{Kind, violations};
use super::*;
use crate::domain::checks::Slug;
use crate::domain::compliance::Compliance;
use crate::domain::customer::{CaseLine, CutOff};
use crate::domain::export::Column;
use crate::domain::{
    Accommodation, Checks, Complaint, ConsultRefusal, ConsultState, ConsultationId, Contact,
    Contacts, DutyToServe, LegalReview, Measures, Notice, Problem, Proposal, Spread, Stamp,
    WeekStats,
};

const AT: &str = "2026-12-04T03:21:00Z";

fn at() -> Timestamp {
    AT.parse().expect("a timestamp")
}

fn tokyo() -> TimeZone {
    TimeZone::get("Asia/Tokyo").expect("Tokyo is in the time zone database")
}

fn user(id: &str) -> UserId {
    UserId::parse(id).expect("a user id")
}

fn stamp(by: &str) -> Stamp {
    Stamp {
        by: user(by),
        at: at(),
    }
}

/// What a sentence may interpolate, each recognisable in the text wherever it appears:
/// the case, people, the channel, the customer (typed, with characters mrkdwn must not
/// see raw), amounts, counts, times (Slack's token carries the epoch seconds), the policy
/// version, a reference, a link.
const CASE: u64 = 4321;
const ALPHA: &str = "U0ALPHA";
const BRAVO: &str = "U0BRAVO";
const CHANNEL: &str = "C0SUPPORT";
const CUSTOMER: &str = "cust-<9>&";
const TYPED: &str = "<!channel>&x";
const AMOUNT: u64 = 123_456;
const POLICY: &str = "pol-2026-11";
const REFERENCE: &str = "ERR-0000BEEF";
const LINK: &str = "https://x.slack.com/archives/C0SUPPORT/p1?a=1&b=2|x";

fn markers() -> Vec<String> {
    vec![
        format!("ESC-{CASE}"),
        format!("CON-{CASE}"),
        format!("<@{ALPHA}>"),
        format!("<@{BRAVO}>"),
        format!("<#{CHANNEL}>"),
        Untrusted::new(CUSTOMER).to_string(),
        Untrusted::new(TYPED).to_string(),
        "123,456".into(),
        "50,000".into(),
        at().as_second().to_string(),
        POLICY.into(),
        REFERENCE.into(),
        "a=1&amp;b=2%7Cx".into(),
        "2,000".into(),
        "350".into(),
        // Counts and minutes, chosen to appear nowhere else.
        "417".into(),
        "419".into(),
        "431".into(),
        "433".into(),
        "439".into(),
        "443".into(),
        "449".into(),
        "457".into(),
        "461".into(),
        "463".into(),
        "467".into(),
        // Arguments of the plain-text export lines.
        "AT-MARK".into(),
        "EVENT-MARK".into(),
        "BY-MARK".into(),
        "DETAIL-MARK".into(),
        "NAME-MARK".into(),
        "VALUE-MARK".into(),
        "NAME2-MARK".into(),
        "VALUE2-MARK".into(),
        "NOTE-MARK".into(),
        "HTTP 500".into(),
        "channel_not_found".into(),
    ]
}

fn decision(approved: bool, outcome: Outcome) -> Decision {
    Decision {
        outcome,
        decided: stamp(ALPHA),
        approved: approved.then(|| stamp(BRAVO)),
        policy_version: POLICY.into(),
        checks: None,
        prevention: None,
    }
}

fn outcomes() -> Vec<Outcome> {
    let until: jiff::civil::Date = "2027-01-31".parse().expect("a date");
    let mut every: Vec<Outcome> = Measure::ALL
        .into_iter()
        .map(|m| match m {
            Measure::Refund => Outcome::refund(AMOUNT),
            Measure::Suspension => Outcome::suspension(until),
            Measure::ContactRestriction => Outcome {
                contact: Contacts::of(Contact::ALL),
                ..Outcome::only(m)
            },
            other => Outcome::only(other),
        })
        .collect();
    every.push(Outcome::refund(AMOUNT).and(Measure::Termination));
    every.push(Outcome::only(Measure::Warning).and(Measure::Police));
    every.push(Outcome {
        contact: Contacts::of([Contact::EmailOnly]),
        ..Outcome::suspension(until)
            .and(Measure::ContactRestriction)
            .and(Measure::FormalRequest)
            .and(Measure::Lawyer)
    });
    every
}

fn refusals() -> Vec<(&'static str, Refusal)> {
    let customer = CustomerId::parse(CUSTOMER).expect("a customer id");
    vec![
        ("not-executive-or-manager", Refusal::NotExecutiveOrManager),
        ("already-taken-by", Refusal::AlreadyTakenBy(user(BRAVO))),
        ("already-yours", Refusal::AlreadyYours),
        ("not-taken-yet", Refusal::NotTakenYet),
        (
            "not-owner-or-manager",
            Refusal::NotOwnerOrManager { owner: user(BRAVO) },
        ),
        ("proposal-pending", Refusal::ProposalPending),
        ("nothing-to-approve", Refusal::NothingToApprove),
        ("proposal-replaced", Refusal::ProposalReplaced),
        ("approvers-only", Refusal::ApproversOnly),
        ("own-report", Refusal::OwnReport),
        ("no-longer-entitled", Refusal::NoLongerEntitled),
        ("own-proposal", Refusal::OwnProposal),
        ("checks-missing", Refusal::ChecksMissing),
        ("not-involved-to-add-facts", Refusal::NotInvolvedToAddFacts),
        ("nothing-to-add", Refusal::NothingToAdd),
        ("not-the-reporter", Refusal::NotTheReporter),
        ("already-kept-off", Refusal::AlreadyKeptOff),
        ("legal-review-pending", Refusal::LegalReviewPending),
        ("no-legal-review-pending", Refusal::NoLegalReviewPending),
        ("not-involved-to-answer", Refusal::NotInvolvedToAnswer),
        ("incomplete-empty", Refusal::Incomplete(Problem::Empty)),
        (
            "incomplete-no-action",
            Refusal::Incomplete(Problem::NoActionCombined),
        ),
        (
            "incomplete-amount",
            Refusal::Incomplete(Problem::AmountMissing),
        ),
        ("incomplete-date", Refusal::Incomplete(Problem::DateMissing)),
        (
            "closed",
            Refusal::Closed {
                outcome: Outcome::refund(AMOUNT).and(Measure::Termination),
            },
        ),
        ("customer-unknown", Refusal::CustomerUnknown),
        (
            "customer-already-known",
            Refusal::CustomerAlreadyKnown(customer),
        ),
        ("not-involved", Refusal::NotInvolved),
        ("not-involved-to-classify", Refusal::NotInvolvedToClassify),
        (
            "classification-unchanged",
            Refusal::ClassificationUnchanged {
                category: Category::Restraint,
                severity: Severity::High,
            },
        ),
        ("check-in-not-asked", Refusal::CheckInNotAsked),
        ("check-in-answered", Refusal::CheckInAnswered),
        ("check-in-over", Refusal::CheckInOver),
        ("no-desk", Refusal::NoDesk),
        (
            "not-involved-to-record-prevention",
            Refusal::NotInvolvedToRecordPrevention,
        ),
        ("not-decided-yet", Refusal::NotDecidedYet),
        ("prevention-empty", Refusal::PreventionEmpty),
        ("archived", Refusal::Archived),
    ]
}

fn consult_refusals() -> Vec<(&'static str, ConsultRefusal)> {
    vec![
        ("desk-only", ConsultRefusal::DeskOnly),
        ("chosen-only", ConsultRefusal::ChosenOnly(user(BRAVO))),
        ("own-consultation", ConsultRefusal::OwnConsultation),
        (
            "not-involved-in-consultation",
            ConsultRefusal::NotInvolvedToAddFacts,
        ),
        ("closed", ConsultRefusal::Closed),
        ("converted", ConsultRefusal::Converted(CaseId::new(CASE))),
        ("already-answered", ConsultRefusal::AlreadyAnswered),
        ("nothing-to-add", ConsultRefusal::NothingToAdd),
    ]
}

fn record(cut_off: bool) -> CustomerRecord {
    CustomerRecord {
        id: CustomerId::parse(CUSTOMER).expect("a customer id"),
        cases: vec![
            CaseLine {
                id: CaseId::new(CASE),
                opened_at: at(),
                category: Category::VerbalAbuse,
                outcome: Some(Measures::of([Measure::NoAction])),
            },
            CaseLine {
                id: CaseId::new(CASE),
                opened_at: at(),
                category: Category::Restraint,
                outcome: None,
            },
        ],
        warnings: 417,
        refunds: 419,
        refund_total: AMOUNT,
        cut_off: cut_off.then(|| CutOff {
            case: CaseId::new(CASE),
            at: at(),
        }),
        cautions: 431,
        suspended_until: cut_off.then(|| "2027-01-31".parse().expect("a date")),
        kept_off: vec![crate::domain::customer::KeptOff {
            user: user(BRAVO),
            case: CaseId::new(CASE),
            at: at(),
        }],
    }
}

fn tallies() -> Tallies {
    Tallies {
        cases_total: 417,
        cases_open: 419,
        warnings: 431,
        refunds: 433,
        refund_total: AMOUNT,
        terminations: 439,
        no_action: 443,
        customers_cut_off: 449,
        taken: 0,
        proposed: 0,
        repeat_customers: 0,
        cautions: 457,
        contact_restrictions: 461,
        suspensions: 463,
        formal_requests: 467,
        police: 1,
        lawyer: 2,
    }
}

/// A week where every line of the report has something to say, and one where nothing
/// happened.
fn reports() -> [(&'static str, WeekSummary); 3] {
    let busy = WeekStats {
        opened: 417,
        by_category: BTreeMap::from([
            (Category::Threat, 419),
            (Category::VerbalAbuse, 431),
            (Category::Sexual, 433),
        ]),
        repeat_cases: 439,
        decided: BTreeMap::from([
            (Measure::Caution, 3),
            (Measure::Warning, 443),
            (Measure::Refund, 1),
            (Measure::Termination, 1),
            (Measure::Police, 4),
            (Measure::NoAction, 457),
        ]),
        decided_cases: 5,
        combined: 449,
        refunds: 461,
        refund_total: AMOUNT,
        cut_off: 463,
        consultations: crate::domain::ConsultCounts {
            opened: 467,
            closed: 2,
            converted: 1,
        },
    };
    let spread = Spread {
        count: 467,
        median: SignedDuration::from_mins(20),
        p90: SignedDuration::from_hours(30),
    };
    let report = |stats: WeekStats, spread: Option<Spread>, trend: Vec<u64>| WeekSummary {
        week: Week::new(2026, 49).expect("a week"),
        zone: "Asia/Tokyo".into(),
        stats,
        to_taken: spread,
        to_decided: spread,
        trend,
        open_now: 2,
        oldest_open: spread.map(|s| s.p90),
        repeat_customers: 3,
        cut_off_total: 4,
        customer_count: Some(350),
    };
    let quiet = WeekStats::default();
    let mut new_year = report(quiet.clone(), None, Vec::new());
    new_year.week = Week::new(2026, 53).expect("2026 has 53 ISO weeks");
    [
        ("busy", report(busy, Some(spread), vec![1, 2, 3, 4])),
        ("quiet", report(quiet, None, vec![0, 0, 0, 0])),
        ("across-new-year", new_year),
    ]
}

fn events() -> Vec<(&'static str, Event)> {
    let proposal = Proposal {
        outcome: Outcome::refund(AMOUNT).and(Measure::Termination),
        proposed: stamp(ALPHA),
        checks: None,
        prevention: None,
    };
    vec![
        ("opened", Event::Opened { by: stamp(ALPHA) }),
        ("taken", Event::Taken { by: stamp(ALPHA) }),
        (
            "proposed",
            Event::Proposed {
                proposal: proposal.clone(),
            },
        ),
        (
            "rejected",
            Event::Rejected {
                by: stamp(BRAVO),
                proposal,
            },
        ),
        (
            "closed-approved",
            Event::Closed {
                decision: decision(true, Outcome::refund(AMOUNT).and(Measure::Termination)),
            },
        ),
        (
            "closed",
            Event::Closed {
                decision: decision(false, Outcome::no_action()),
            },
        ),
        (
            "closed-with-prevention",
            Event::Closed {
                decision: Decision {
                    prevention: Some("NOTE-MARK".into()),
                    ..decision(false, Outcome::only(Measure::Caution))
                },
            },
        ),
        (
            "proposed-with-prevention",
            Event::Proposed {
                proposal: Proposal {
                    outcome: Outcome::only(Measure::Termination),
                    proposed: stamp(ALPHA),
                    checks: None,
                    prevention: Some("NOTE-MARK".into()),
                },
            },
        ),
        (
            "reporter-kept-off",
            Event::ReporterKeptOff { by: stamp(ALPHA) },
        ),
        (
            "safety-answered",
            Event::SafetyAnswered {
                safe: false,
                by: stamp(ALPHA),
            },
        ),
        (
            "facts-added",
            Event::FactsAdded {
                facts: crate::domain::Facts {
                    minutes: Some(431),
                    ..Default::default()
                },
                by: stamp(ALPHA),
            },
        ),
        (
            "legal-answered",
            Event::LegalAnswered {
                answer: LegalReview::NotNeeded,
                by: stamp(ALPHA),
            },
        ),
        (
            "classified",
            Event::Classified {
                category: Category::Restraint,
                severity: Severity::High,
                from_category: Category::Other,
                from_severity: Severity::Medium,
                by: stamp(ALPHA),
            },
        ),
        (
            "check-in-answered-desk",
            Event::CheckInAnswered {
                reply: CheckInReply::Desk,
                by: stamp(ALPHA),
                consultation: Some(ConsultationId::new(CASE)),
            },
        ),
        (
            "check-in-answered-fine",
            Event::CheckInAnswered {
                reply: CheckInReply::Fine,
                by: stamp(ALPHA),
                consultation: None,
            },
        ),
        (
            "checked-in",
            Event::Notified {
                notice: Notice::CheckedIn,
                at: at(),
            },
        ),
        (
            "check-in-unanswered",
            Event::Notified {
                notice: Notice::CheckInUnanswered,
                at: at(),
            },
        ),
        (
            "prevention-recorded",
            Event::PreventionRecorded {
                by: stamp(ALPHA),
                edited: false,
            },
        ),
        (
            "prevention-edited",
            Event::PreventionRecorded {
                by: stamp(ALPHA),
                edited: true,
            },
        ),
        (
            "customer-identified",
            Event::CustomerIdentified {
                customer: CustomerId::parse("cust-417").expect("a customer id"),
                by: stamp(ALPHA),
            },
        ),
        (
            "paged",
            Event::Notified {
                notice: Notice::Paged {
                    to: vec![user(ALPHA), user(BRAVO)],
                },
                at: at(),
            },
        ),
        (
            "alerted",
            Event::Notified {
                notice: Notice::Alerted {
                    round: 417,
                    of: 419,
                },
                at: at(),
            },
        ),
        (
            "reminded",
            Event::Notified {
                notice: Notice::Reminded {
                    to: vec![user(BRAVO)],
                },
                at: at(),
            },
        ),
        (
            "undelivered",
            Event::Notified {
                notice: Notice::Undelivered {
                    what: "page".into(),
                    reason: "gave up after 431 attempts".into(),
                },
                at: at(),
            },
        ),
        (
            "refused",
            Event::Notified {
                notice: Notice::Refused {
                    by: user(ALPHA),
                    action: "take".into(),
                    reason: "own-report".into(),
                },
                at: at(),
            },
        ),
    ]
}

/// A sentence or label by key (`method` or `method/variant`), with the kind of text it is.
type Sentence = (String, Kind, String);

/// Every sentence and label of a catalog.
fn sentences(t: &dyn Catalog) -> Vec<Sentence> {
    let zone = tokyo();
    let id = CaseId::new(CASE);
    let c = "JPY";
    let mut out: Vec<Sentence> = Vec::new();
    let mut md = |key: String, text: String| out.push((key, Kind::Mrkdwn, text));
    for category in Category::ALL {
        let slug = category.slug();
        md(
            format!("category_name/{slug}"),
            t.category_name(category).into(),
        );
        md(format!("guidance/{slug}"), t.guidance(category).into());
        md(format!("case_opened/{slug}"), t.case_opened(id, category));
        md(format!("card_title/{slug}"), t.card_title(id, category));
        md(format!("suggestion/{slug}"), t.suggestion(category));
        for (customer, name) in [(Some(Untrusted::new(CUSTOMER)), "known"), (None, "unknown")] {
            md(
                format!("page/{slug}/{name}"),
                t.page(id, category, customer, category.is_private()),
            );
        }
    }
    for severity in Severity::ALL {
        md(
            format!("severity_name/{}", severity.slug()),
            t.severity_name(severity).into(),
        );
    }
    for kind in Measure::ALL {
        let slug = kind.slug();
        md(format!("measure_name/{slug}"), t.measure_name(kind).into());
        md(
            format!("decide_confirm_text/{slug}"),
            t.decide_confirm_text(kind, id),
        );
    }
    for contact in Contact::ALL {
        md(
            format!("contact_name/{}", contact.slug()),
            t.contact_name(contact).into(),
        );
    }
    for problem in [
        Problem::Empty,
        Problem::NoActionCombined,
        Problem::AmountMissing,
        Problem::DateMissing,
    ] {
        md(
            format!("outcome_problem/{problem:?}"),
            t.outcome_problem(problem),
        );
    }
    md("outcome_intro".into(), t.outcome_intro(id));
    md(
        "outcome_measures_hint".into(),
        t.outcome_measures_hint(Money {
            amount: 50_000,
            currency: c,
        }),
    );
    md("until_invalid".into(), t.until_invalid());
    md("minutes_invalid".into(), t.minutes_invalid());
    md(
        "care_at_submission/configured".into(),
        t.care_at_submission(Some(Untrusted::new(LINK)), Some(Untrusted::new(LINK))),
    );
    md(
        "care_at_submission/bare".into(),
        t.care_at_submission(None, None),
    );
    md("urgent_page".into(), t.urgent_page(id, &user(ALPHA)));
    md("card_kept_off".into(), t.card_kept_off(&user(ALPHA)));
    md(
        "note_kept_off".into(),
        t.note_kept_off(&user(ALPHA), &user(BRAVO)),
    );
    for safe in [true, false] {
        md(
            format!("safety_recorded/{safe}"),
            t.safety_recorded(id, safe),
        );
        md(
            format!("note_safety/{safe}"),
            t.note_safety(&user(ALPHA), safe),
        );
    }
    for m in crate::domain::Medium::ALL {
        md(format!("medium_name/{}", m.slug()), t.medium_name(m).into());
    }
    let facts = crate::domain::Facts {
        occurred_at: Some(at()),
        medium: Some(crate::domain::Medium::Phone),
        minutes: Some(417),
        words: Some(format!("{TYPED}\n{TYPED}")),
        wants: Some(TYPED.into()),
        present: Some(TYPED.into()),
        evidence: vec![LINK.into()],
        note: Some(TYPED.into()),
    };
    md("facts_lines/all".into(), t.facts_lines(&facts, &zone));
    md(
        "facts_lines/minutes".into(),
        t.facts_lines(
            &crate::domain::Facts {
                minutes: Some(419),
                ..Default::default()
            },
            &zone,
        ),
    );
    md(
        "card_addition".into(),
        t.card_addition(&user(ALPHA), at(), &zone),
    );
    md("add_facts_intro".into(), t.add_facts_intro(id));
    md(
        "note_facts_added".into(),
        t.note_facts_added(&user(ALPHA), &t.facts_lines(&facts, &zone)),
    );
    md(
        "checks_intro".into(),
        t.checks_intro(id, Outcome::refund(AMOUNT).and(Measure::Termination), c),
    );
    for a in <Complaint as Slug>::ALL {
        md(
            format!("complaint_name/{}", a.slug()),
            t.complaint_name(*a).into(),
        );
    }
    for a in <Accommodation as Slug>::ALL {
        md(
            format!("accommodation_name/{}", a.slug()),
            t.accommodation_name(*a).into(),
        );
    }
    for a in <DutyToServe as Slug>::ALL {
        md(
            format!("duty_to_serve_name/{}", a.slug()),
            t.duty_to_serve_name(*a).into(),
        );
    }
    for a in <LegalReview as Slug>::ALL {
        md(format!("legal_name/{}", a.slug()), t.legal_name(*a).into());
        md(
            format!("legal_button/{}", a.slug()),
            t.legal_button(*a).into(),
        );
        md(
            format!("note_legal_answered/{}", a.slug()),
            t.note_legal_answered(&user(ALPHA), *a),
        );
    }
    for (name, checks) in [
        (
            "calm",
            Checks {
                complaint: Complaint::Answered,
                accommodation: Accommodation::Considered,
                duty_to_serve: DutyToServe::No,
                clause: TYPED.into(),
                legal: LegalReview::Reviewed,
            },
        ),
        (
            "concerns",
            Checks {
                complaint: Complaint::Unanswered,
                accommodation: Accommodation::NotConsidered,
                duty_to_serve: DutyToServe::Unsure,
                clause: TYPED.into(),
                legal: LegalReview::Pending,
            },
        ),
    ] {
        md(format!("checks_summary/{name}"), t.checks_summary(&checks));
    }
    for outcome in outcomes() {
        let slug = outcome.slugs();
        md(format!("outcome/{slug}"), t.outcome(outcome, c));
        let by = user(ALPHA);
        md(
            format!("status_proposed/{slug}"),
            t.status_proposed(outcome, &by, c),
        );
        md(
            format!("note_proposal/{slug}"),
            t.note_proposal(outcome, &by, c),
        );
        md(
            format!("note_rejected/{slug}"),
            t.note_rejected(&by, outcome, c),
        );
        md(
            format!("proposal_approved/{slug}"),
            t.proposal_approved(outcome, &by, c),
        );
        md(
            format!("proposal_rejected/{slug}"),
            t.proposal_rejected(outcome, &by, c),
        );
        md(
            format!("reporter_closed/{slug}"),
            t.reporter_closed(id, outcome, c),
        );
        for approved in [false, true] {
            let d = decision(approved, outcome);
            md(
                format!("status_closed/{slug}/{approved}"),
                t.status_closed(&d, c, &zone),
            );
            md(
                format!("note_closed/{slug}/{approved}"),
                t.note_closed(&d, c, &zone),
            );
        }
    }
    for step in [
        Step::Caution,
        Step::WrittenWarning,
        Step::Suspension,
        Step::Termination,
        Step::AlreadyCutOff,
    ] {
        md(format!("step_name/{step:?}"), t.step_name(step).into());
    }
    for answer in PromiseFailed::ALL {
        md(
            format!("promise_failed_name/{}", answer.slug()),
            t.promise_failed_name(answer).into(),
        );
    }
    for currency in ["JPY", "USD"] {
        md(
            format!("money/{currency}"),
            t.money(Money {
                amount: AMOUNT,
                currency,
            }),
        );
        md(
            format!("refund_amount/{currency}"),
            t.refund_amount(currency),
        );
    }
    md("usage".into(), t.usage());
    md(
        "unknown_category".into(),
        t.unknown_category(Untrusted::new(TYPED)),
    );
    md("missing_customer".into(), t.missing_customer());
    md("missing_category".into(), t.missing_category());
    md(
        "invalid_customer".into(),
        t.invalid_customer(Untrusted::new(TYPED)),
    );
    md("summary_too_long".into(), t.summary_too_long(2000));
    md("form_unavailable".into(), t.form_unavailable());
    md("internal_error".into(), t.internal_error(REFERENCE));
    md("staff_unverified".into(), t.staff_unverified());
    md("records_refused".into(), t.records_refused());
    for cut_off in [false, true] {
        md(
            format!("history_header/{cut_off}"),
            t.history_header(&record(cut_off), c, &zone),
        );
    }
    for (n, line) in record(false).cases.iter().enumerate() {
        for private in [false, true] {
            md(
                format!("history_case/{n}/{private}"),
                t.history_case(line, private, &zone),
            );
        }
    }
    for (name, next) in [("more", Some(431)), ("last", None)] {
        md(
            format!("history_page/{name}"),
            t.history_page(Untrusted::new(CUSTOMER), 417, 419, 433, next),
        );
    }
    md("no_history".into(), t.no_history(Untrusted::new(CUSTOMER)));
    md("tallies/of".into(), t.tallies(&tallies(), Some(350), c));
    md("tallies/alone".into(), t.tallies(&tallies(), None, c));
    for (key, label) in [
        ("form_title", t.form_title()),
        ("form_submit", t.form_submit()),
        ("form_cancel", t.form_cancel()),
        ("form_customer", t.form_customer()),
        ("form_customer_hint", t.form_customer_hint()),
        ("form_category", t.form_category()),
        ("form_severity", t.form_severity()),
        ("form_severity_hint", t.form_severity_hint()),
        ("form_summary", t.form_summary()),
        ("form_promise_failed", t.form_promise_failed()),
        ("form_done_title", t.form_done_title()),
        ("form_close", t.form_close()),
        ("card_customer", t.card_customer()),
        ("card_category", t.card_category()),
        ("card_severity", t.card_severity()),
        ("card_reporter", t.card_reporter()),
        ("card_opened", t.card_opened()),
        ("card_promise_failed", t.card_promise_failed()),
        ("card_summary", t.card_summary()),
        ("card_no_summary", t.card_no_summary()),
        ("card_history", t.card_history()),
        ("card_recommendation", t.card_recommendation()),
        ("recommendation_note", t.recommendation_note()),
        ("card_private", t.card_private()),
        ("card_reporter_may_decide", t.card_reporter_may_decide()),
        ("history_private_note", t.history_private_note()),
        ("card_evidence", t.card_evidence()),
        ("evidence_link", t.evidence_link()),
        ("identify_button", t.identify_button()),
        ("take_button", t.take_button()),
        ("decide_confirm_title", t.decide_confirm_title()),
        ("confirm_yes", t.confirm_yes()),
        ("confirm_no", t.confirm_no()),
        ("page_link", t.page_link()),
        ("approve_button", t.approve_button()),
        ("reject_button", t.reject_button()),
        ("identify_title", t.identify_title()),
        ("form_quote", t.form_quote()),
        ("suggestion_button", t.suggestion_button()),
        ("suggestion_private_note", t.suggestion_private_note()),
        ("confirm_guess_button", t.confirm_guess_button()),
        (
            "change_classification_button",
            t.change_classification_button(),
        ),
        ("emergency_button", t.emergency_button()),
        ("classify_title", t.classify_title()),
        ("classify_submit", t.classify_submit()),
        ("card_unconfirmed", t.card_unconfirmed()),
        ("outcome_title", t.outcome_title()),
        ("outcome_submit", t.outcome_submit()),
        ("outcome_measures", t.outcome_measures()),
        ("outcome_until", t.outcome_until()),
        ("outcome_contact", t.outcome_contact()),
        ("several_button", t.several_button()),
        ("checks_title", t.checks_title()),
        ("safety_question", t.safety_question()),
        ("keep_off_button", t.keep_off_button()),
        ("safe_button", t.safe_button()),
        ("need_someone_button", t.need_someone_button()),
        ("form_when", t.form_when()),
        ("form_when_hint", t.form_when_hint()),
        ("form_medium", t.form_medium()),
        ("form_minutes", t.form_minutes()),
        ("form_words", t.form_words()),
        ("form_wants", t.form_wants()),
        ("form_present", t.form_present()),
        ("form_evidence", t.form_evidence()),
        ("form_evidence_hint", t.form_evidence_hint()),
        ("form_facts_note", t.form_facts_note()),
        ("card_facts", t.card_facts()),
        ("add_facts_button", t.add_facts_button()),
        ("add_facts_title", t.add_facts_title()),
        (
            "correct_classification_button",
            t.correct_classification_button(),
        ),
        ("check_complaint", t.check_complaint()),
        ("check_accommodation", t.check_accommodation()),
        ("check_duty_to_serve", t.check_duty_to_serve()),
        ("check_clause", t.check_clause()),
        ("check_legal", t.check_legal()),
        ("default_terms_clause", t.default_terms_clause()),
        ("private_categories", t.private_categories()),
        ("form_promise_failed_hint", t.form_promise_failed_hint()),
    ] {
        md(key.into(), label.into());
    }
    for (name, h) in [
        ("none", History::default()),
        (
            "some",
            History {
                prior_cases: 417,
                prior_cases_last_12_months: 419,
                warnings: 431,
                cut_off: false,
            },
        ),
        (
            "cut-off",
            History {
                prior_cases: 417,
                prior_cases_last_12_months: 419,
                warnings: 431,
                cut_off: true,
            },
        ),
    ] {
        md(format!("history_line/{name}"), t.history_line(&h));
    }
    md(
        "card_customer_unknown".into(),
        t.card_customer_unknown(&user(ALPHA)),
    );
    md("person".into(), t.person(&user(ALPHA)));
    md(
        "status_open/paging".into(),
        t.status_open(Some(&user(ALPHA))),
    );
    md("status_open/nobody".into(), t.status_open(None));
    md(
        "status_taken".into(),
        t.status_taken(&user(ALPHA), at(), &zone),
    );
    md("note_paged/one".into(), t.note_paged(&[user(ALPHA)]));
    md(
        "note_paged/two".into(),
        t.note_paged(&[user(ALPHA), user(BRAVO)]),
    );
    for approval in [false, true] {
        md(
            format!("note_reminder/{approval}"),
            t.note_reminder(id, &[user(ALPHA), user(BRAVO)], approval),
        );
    }
    md("here_alert/middle".into(), t.here_alert(id, 417, 419));
    md("here_alert/last".into(), t.here_alert(id, 419, 419));
    for approval in [false, true] {
        md(
            format!("note_nobody_may_act/{approval}"),
            t.note_nobody_may_act(id, approval),
        );
    }
    md("note_taken".into(), t.note_taken(&user(ALPHA)));
    md(
        "warning_draft_intro".into(),
        t.warning_draft_intro(id, &user(ALPHA)),
    );
    let day: jiff::civil::Date = "2026-12-04".parse().expect("a date");
    md(
        "warning_draft/configured".into(),
        t.warning_draft(
            Untrusted::new(CUSTOMER),
            day,
            Category::VerbalAbuse,
            Some(Untrusted::new(TYPED)),
            Some(Untrusted::new(POLICY)),
        ),
    );
    md(
        "warning_draft/defaults".into(),
        t.warning_draft(Untrusted::new(CUSTOMER), day, Category::Sexual, None, None),
    );
    md("ask_customer".into(), t.ask_customer(id));
    md("identify_intro".into(), t.identify_intro(id));
    md(
        "note_customer_identified".into(),
        t.note_customer_identified(Untrusted::new(CUSTOMER), &user(ALPHA)),
    );
    md("already_escalated".into(), t.already_escalated(id));
    md(
        "suggestion_repeated_within".into(),
        t.suggestion_repeated_within(417, SignedDuration::from_mins(30)),
    );
    for category in [Category::Restraint, Category::Threat] {
        for severity in Severity::ALL {
            let key = format!("{}/{}", category.slug(), severity.slug());
            md(
                format!("ask_classification/{key}"),
                t.ask_classification(id, category, severity),
            );
            md(
                format!("classified/{key}"),
                t.classified(id, category, severity),
            );
            md(
                format!("note_classified/{key}/confirmed"),
                t.note_classified(&user(ALPHA), category, severity, None),
            );
            md(
                format!("note_classified/{key}/changed"),
                t.note_classified(
                    &user(ALPHA),
                    category,
                    severity,
                    Some((Category::Other, Severity::Low)),
                ),
            );
        }
    }
    md("classify_intro".into(), t.classify_intro(id));
    md("emergency_recorded".into(), t.emergency_recorded(id));
    let channel = ChannelId::parse(CHANNEL).expect("a channel id");
    md(
        "suggestion_by_dm/link".into(),
        t.suggestion_by_dm(&channel, Some(Untrusted::new(LINK))),
    );
    md(
        "suggestion_by_dm/none".into(),
        t.suggestion_by_dm(&channel, None),
    );
    for (name, refusal) in refusals() {
        md(format!("refusal/{name}"), t.refusal(&refusal, id, c));
    }
    md("no_such_case".into(), t.no_such_case(Untrusted::new(TYPED)));
    md(
        "refund_amount_hint".into(),
        t.refund_amount_hint(Money {
            amount: 50_000,
            currency: c,
        }),
    );
    md("amount_invalid".into(), t.amount_invalid());
    for (name, report) in reports() {
        md(format!("weekly_report/{name}"), t.weekly_report(&report, c));
    }
    let week = Week::new(2026, 49).expect("a week");
    md("chart_comment".into(), t.chart_comment(week, 12));
    let version = Untrusted::new(POLICY);
    for (name, summary, url, acknowledged) in [
        ("bare", None, None, None),
        (
            "full",
            Some(Untrusted::new(TYPED)),
            Some(Untrusted::new(LINK)),
            Some(at()),
        ),
    ] {
        md(
            format!("policy_view/{name}"),
            t.policy_view(&user(ALPHA), version, summary, url, acknowledged, &zone),
        );
    }
    md(
        "policy_acknowledged".into(),
        t.policy_acknowledged(&user(ALPHA), version, at(), &zone),
    );
    md(
        "policy_version_changed".into(),
        t.policy_version_changed(Untrusted::new(TYPED), version),
    );
    md(
        "policy_reminder_intro".into(),
        t.policy_reminder_intro(&user(BRAVO)),
    );
    md("policy_remind_refused".into(), t.policy_remind_refused());
    md(
        "policy_remind_started".into(),
        t.policy_remind_started(version),
    );
    for (name, sent, recent, done) in [("none", 0, 0, 0), ("one", 1, 1, 1), ("some", 431, 417, 419)]
    {
        md(
            format!("policy_remind_done/{name}"),
            t.policy_remind_done(version, sent, recent, done),
        );
    }
    md(
        "policy_members_failed".into(),
        t.policy_members_failed(Untrusted::new("missing_scope")),
    );
    for (name, minutes) in [("0", 0), ("m", 45), ("h", 180), ("hm", 320), ("d", 3000)] {
        md(
            format!("duration/{name}"),
            t.duration(SignedDuration::from_mins(minutes)),
        );
    }
    for category in Category::ALL {
        md(
            format!("category_description/{}", category.slug()),
            t.category_description(category).into(),
        );
    }
    md("when".into(), t.when(at(), &zone));
    md(
        "unknown_command".into(),
        t.unknown_command(Untrusted::new(TYPED)),
    );
    md(
        "org_install_unsupported".into(),
        t.org_install_unsupported(),
    );
    md("stale_form_title".into(), t.stale_form_title().into());
    md("stale_form".into(), t.stale_form());
    md("stale_shortcut".into(), t.stale_shortcut());
    md("evidence_unreadable".into(), t.evidence_unreadable().into());
    md(
        "reaction_not_recorded".into(),
        t.reaction_not_recorded(Untrusted::new("rotating_light")),
    );
    let mut plain = |key: String, text: String| out.push((key, Kind::Plain, text));
    plain("datetime".into(), t.datetime(at(), &zone));
    let week = Week::new(2026, 49).expect("a week");
    plain("chart_title".into(), t.chart_title(week, 12));
    plain(
        "chart_table_caption".into(),
        t.chart_table_caption(week, 12),
    );
    plain(
        "acknowledgement_summary".into(),
        t.acknowledgement_summary(POLICY, 417, 431),
    );
    for (i, header) in t.acknowledgement_headers().into_iter().enumerate() {
        plain(format!("acknowledgement_headers/{i}"), header.into());
    }
    for (key, label) in [
        ("policy_ack_button", t.policy_ack_button()),
        ("acknowledgement_not_yet", t.acknowledgement_not_yet()),
        ("chart_x_axis", t.chart_x_axis()),
        ("chart_y_axis", t.chart_y_axis()),
        ("chart_no_cases", t.chart_no_cases()),
        ("chart_week_column", t.chart_week_column()),
        ("chart_total_column", t.chart_total_column()),
    ] {
        plain(key.into(), label.into());
    }
    for column in Column::ALL {
        plain(
            format!("column_name/{}", column.key()),
            t.column_name(column).into(),
        );
    }
    for source in [
        Source::Command,
        Source::Form,
        Source::Shortcut,
        Source::Reaction,
        Source::Suggestion,
        Source::Consultation,
    ] {
        plain(
            format!("source_name/{source:?}"),
            t.source_name(source).into(),
        );
    }
    for state in [
        CaseState::Open,
        CaseState::Taken {
            owner: stamp(ALPHA),
        },
        CaseState::Closed {
            owner: stamp(ALPHA),
            decision: decision(false, Outcome::only(Measure::Warning)),
        },
    ] {
        plain(format!("state_name/{state:?}"), t.state_name(&state).into());
    }
    for (name, event) in events() {
        let (event_name, detail) = t.audit_event(&event, c);
        plain(
            format!("audit_event/{name}"),
            format!("{event_name}\n{detail}"),
        );
    }
    plain(
        "timeline_line/all".into(),
        t.timeline_line("AT-MARK", "EVENT-MARK", "BY-MARK", "DETAIL-MARK"),
    );
    plain(
        "timeline_line/bot".into(),
        t.timeline_line("AT-MARK", "EVENT-MARK", "", "DETAIL-MARK"),
    );
    let actions = [
        "take",
        "decide",
        "approve",
        "reject",
        "name-customer",
        "classify",
        "add-facts",
        "record-prevention",
        "answer-safety",
        "keep-reporter-off",
        "answer-legal",
        "answer-check-in",
        "consultation-answered",
        "consultation-close",
        "consultation-convert",
    ];
    let not_staff = crate::domain::NotStaff::ALL.map(|n| n.slug());
    let paths = crate::staff::Path::ALL.map(|p| p.slug());
    let entries = [
        "not-staff",
        "refused",
        "backup",
        "export",
        "report-posted",
        "operations-refused",
        "retention-erased",
    ];
    let details = [
        ("not-staff", "path"),
        ("backup", "path"),
        ("refused", "case"),
        ("refused", "reason"),
        ("refused", "action"),
        ("backup", "pid"),
        ("backup", "cases"),
        ("backup", "records"),
        ("export", "format"),
        ("export", "since"),
        ("report-posted", "week"),
        ("retention-erased", "ids"),
        ("export", "people"),
        ("retention-erased", "closed-before"),
        ("retention-erased", "retention"),
    ];
    let mut names: Vec<(String, Recorded<'_>)> = Vec::new();
    names.extend(entries.map(|e| (format!("entry/{e}"), Recorded::LogEntry(e))));
    names.extend(details.map(|(what, name)| {
        (
            format!("detail/{what}/{name}"),
            Recorded::Detail { what, name },
        )
    }));
    names.extend(actions.map(|a| (format!("action/{a}"), Recorded::Action(a))));
    names.extend(Refusal::RIGHTS.map(|r| (format!("refusal/{r}"), Recorded::RefusalReason(r))));
    names.extend(
        ConsultRefusal::RIGHTS.map(|r| (format!("refusal/{r}"), Recorded::RefusalReason(r))),
    );
    names.extend(not_staff.map(|n| (format!("not-staff/{n}"), Recorded::NotStaff(n))));
    names.extend(paths.map(|p| (format!("path/{p}"), Recorded::Path(p))));
    names.extend(
        crate::domain::Effect::NAMES.map(|e| (format!("delivery/{e}"), Recorded::Delivery(e))),
    );
    names.extend(
        ["standard output", "not the bot's user"]
            .map(|v| (format!("value/{v}"), Recorded::Value(v))),
    );
    for (key, name) in names {
        let text = t.recorded(name).unwrap_or("MISSING");
        assert_ne!(text, "MISSING", "{key}");
        plain(format!("recorded/{key}"), text.into());
    }
    plain(
        "log_details".into(),
        t.log_details(&[
            ("NAME-MARK".into(), "VALUE-MARK".into()),
            ("NAME2-MARK".into(), "VALUE2-MARK".into()),
        ]),
    );
    for reason in [
        "gave up after 431 attempts: HTTP 500",
        "gave up after 431 attempts",
        "the case does not exist",
        "the case card was never posted",
        "the proposal message was never posted",
        "channel_not_found",
    ] {
        plain(
            format!("undelivered_reason/{reason}"),
            t.undelivered_reason(reason),
        );
    }
    out.extend(consultation_sentences(t));
    out.extend(compliance_sentences(t));
    out
}

/// A quarter where every figure of the compliance report is something (the staff
/// counted from the user group), one where nothing happened (no desk, no policy
/// document, retention forever, check-ins off, the staff not counted without a token),
/// one where Slack did not list the staff, and the busy one with the staff from the
/// support channels.
fn compliance_reports() -> [(&'static str, Compliance); 4] {
    use crate::domain::compliance::{
        Gathering, NotCounted, Period, RulesInForce, Staff, StaffList, Standing, Times,
    };
    use crate::domain::{PagingPolicy, Policy, Roles};
    let period = Period {
        from: "2026-07-01".parse().expect("a day"),
        to: "2026-09-30".parse().expect("a day"),
    };
    let roles = Roles::new(vec![user(ALPHA)], vec![user(BRAVO)]);
    let policy = Policy {
        version: POLICY.into(),
        refund_approval_over: 50_000,
    };
    let standing = |retention: &str, url: Option<&str>, desk: u64, staff: Staff| Standing {
        zone: "Asia/Tokyo".into(),
        made_at: at(),
        policy_version: POLICY.into(),
        document_url: url.map(Into::into),
        desk_members: desk,
        desk_channel: true,
        currency: "JPY".into(),
        rules: RulesInForce::of(&roles, &policy, &PagingPolicy::default()),
        retention: retention.into(),
        check_in_after: Some(SignedDuration::from_hours(72)),
        staff,
    };
    let mut quiet = Gathering::new(period, &tokyo()).finish(standing(
        "forever",
        None,
        0,
        Staff::NotListed(NotCounted::NoToken),
    ));
    quiet.care.check_in_after_seconds = None;
    let failed = Gathering::new(period, &tokyo()).finish(standing(
        "5y",
        Some(LINK),
        2,
        Staff::NotListed(NotCounted::SlackFailed("missing_scope".into())),
    ));
    let mut gathering = Gathering::new(period, &tokyo());
    gathering.acknowledgement(&user(ALPHA), at());
    let mut busy = gathering.finish(standing(
        "5y",
        Some(LINK),
        2,
        Staff::Listed {
            from: StaffList::UserGroup,
            at: at(),
            members: vec![user(ALPHA), user(BRAVO)],
        },
    ));
    busy.policy.acknowledged = 417;
    busy.policy.acknowledged_in_period = 2;
    busy.policy.first_acknowledged_at = Some(at());
    busy.policy.last_acknowledged_at = Some(at());
    busy.policy.decided_under = BTreeMap::from([(POLICY.to_owned(), 3)]);
    let times = Some(Times {
        count: 3,
        median_seconds: 1200,
        p90_seconds: 30 * 3600,
    });
    let d = &mut busy.consultation;
    (d.opened, d.answered, d.closed, d.converted) = (419, 3, 2, 1);
    d.to_first_answer = times;
    let r = &mut busy.response;
    r.opened = 431;
    r.by_category.insert(Category::Threat, 2);
    r.by_category.insert(Category::VerbalAbuse, 1);
    r.private_categories = 1;
    (r.decided, r.acted_on, r.no_action) = (433, 431, 2);
    for m in [
        Measure::Warning,
        Measure::Police,
        Measure::Termination,
        Measure::Refund,
    ] {
        r.measures.insert(m, 1);
    }
    r.combined = 1;
    r.refund_total = AMOUNT;
    (r.to_taken, r.to_decided) = (times, times);
    r.checks = crate::domain::compliance::CheckFigures {
        decisions: 1,
        answered: 1,
        legal_reviewed: 0,
        legal_not_needed: 1,
        with_concerns: 1,
    };
    (r.repeat_cases, r.repeat_customers, r.prevention_notes) = (439, 443, 449);
    busy.deterrence.reporter_may_decide = true;
    busy.deterrence.approvers_are_managers = false;
    let c = &mut busy.care;
    (c.check_ins_sent, c.check_ins_fine, c.check_ins_desk) = (457, 1, 1);
    (
        c.check_ins_unanswered,
        c.needed_someone,
        c.reporters_kept_off,
    ) = (1, 1, 461);
    (c.private_cases, c.exports, c.backups, c.retention_passes) = (1, 463, 1, 1);
    busy.months[0].opened = 467;
    let mut channels = busy.clone();
    channels.policy.staff_from = Some(StaffList::SupportChannels);
    [
        ("busy", busy),
        ("quiet", quiet),
        ("slack-failed", failed),
        ("support-channels", channels),
    ]
}

/// The prevention note's words and the compliance report.
fn compliance_sentences(t: &dyn Catalog) -> Vec<Sentence> {
    use crate::domain::compliance::ITEMS;
    let mut out: Vec<Sentence> = Vec::new();
    let mut plain = |key: String, text: String| out.push((key, Kind::Plain, text));
    plain("form_prevention".into(), t.form_prevention().into());
    plain(
        "form_prevention_hint".into(),
        t.form_prevention_hint().into(),
    );
    for (name, report) in compliance_reports() {
        plain(
            format!("compliance_report/{name}/markdown"),
            t.compliance_report(&report, Markup::Markdown),
        );
    }
    let month = crate::domain::compliance::Month {
        year: 2026,
        month: 7,
    };
    plain("compliance_month".into(), t.compliance_month(month));
    plain(
        "compliance_table/by-category".into(),
        t.compliance_table(true).into(),
    );
    plain(
        "compliance_table/by-month".into(),
        t.compliance_table(false).into(),
    );
    for (i, header) in t.compliance_csv_headers().into_iter().enumerate() {
        plain(format!("compliance_csv_headers/{i}"), header.into());
    }
    for item in ITEMS {
        let name = t
            .compliance_item(item, None)
            .unwrap_or_else(|| panic!("{item} has no name"));
        plain(format!("compliance_item/{item}"), name);
    }
    let detailed = t
        .compliance_item(
            "response.by_category",
            Some(t.category_name(Category::Threat)),
        )
        .expect("a name");
    plain(
        "compliance_item/response.by_category/detail".into(),
        detailed,
    );
    let mut md = |key: String, text: String| out.push((key, Kind::Mrkdwn, text));
    md("card_prevention".into(), t.card_prevention().into());
    for edit in [false, true] {
        md(
            format!("prevention_button/{edit}"),
            t.prevention_button(edit).into(),
        );
        md(
            format!("prevention_intro/{edit}"),
            t.prevention_intro(CaseId::new(CASE), edit),
        );
    }
    md("prevention_title".into(), t.prevention_title().into());
    for (name, report) in compliance_reports() {
        md(
            format!("compliance_report/{name}/slack"),
            t.compliance_report(&report, Markup::Slack),
        );
    }
    md("compliance_refused".into(), t.compliance_refused());
    md(
        "compliance_period_invalid".into(),
        t.compliance_period_invalid(),
    );
    out
}

/// The sentences of consultations and of the check-in after a case closes.
fn consultation_sentences(t: &dyn Catalog) -> Vec<Sentence> {
    let zone = tokyo();
    let case = CaseId::new(CASE);
    let id = ConsultationId::new(CASE);
    let mut out: Vec<Sentence> = Vec::new();
    let mut md = |key: String, text: String| out.push((key, Kind::Mrkdwn, text));
    for (key, label) in [
        ("consult_button", t.consult_button()),
        ("consult_offer", t.consult_offer()),
        ("consult_title", t.consult_title()),
        ("consult_with", t.consult_with()),
        ("consult_with_hint", t.consult_with_hint()),
        ("consult_with_anyone", t.consult_with_anyone()),
        ("consult_summary", t.consult_summary()),
        ("consult_card_private", t.consult_card_private()),
        ("consult_answered_button", t.consult_answered_button()),
        ("consult_close_button", t.consult_close_button()),
        ("consult_convert_button", t.consult_convert_button()),
        ("convert_title", t.convert_title()),
        ("convert_customer_hint", t.convert_customer_hint()),
        ("check_in_fine_button", t.check_in_fine_button()),
        ("check_in_desk_button", t.check_in_desk_button()),
    ] {
        md(key.into(), label.into());
    }
    md("consult_intro".into(), t.consult_intro());
    md(
        "consult_summary_missing".into(),
        t.consult_summary_missing(),
    );
    md(
        "consult_opened/chosen".into(),
        t.consult_opened(id, Some(&user(BRAVO))),
    );
    md("consult_opened/desk".into(), t.consult_opened(id, None));
    md("consult_no_desk".into(), t.consult_no_desk());
    md("consult_card_title".into(), t.consult_card_title(id));
    md(
        "consult_card_chosen".into(),
        t.consult_card_chosen(&user(BRAVO)),
    );
    md(
        "consult_card_about/reaction".into(),
        t.consult_card_about(case, false),
    );
    md(
        "consult_card_about/check-in".into(),
        t.consult_card_about(case, true),
    );
    md(
        "consult_card_with_member".into(),
        t.consult_card_with_member(id, &user(BRAVO)),
    );
    for (name, state, first) in [
        ("open", ConsultState::Open, None),
        ("answered", ConsultState::Open, Some(stamp(BRAVO))),
        (
            "closed",
            ConsultState::Closed { by: stamp(ALPHA) },
            Some(stamp(BRAVO)),
        ),
        (
            "converted",
            ConsultState::Converted {
                by: stamp(ALPHA),
                case,
            },
            None,
        ),
    ] {
        md(
            format!("consult_status/{name}"),
            t.consult_status(&state, first.as_ref(), &zone),
        );
    }
    md(
        "consult_note_answered".into(),
        t.consult_note_answered(&user(ALPHA)),
    );
    md(
        "consult_note_closed".into(),
        t.consult_note_closed(&user(ALPHA)),
    );
    md(
        "consult_note_converted".into(),
        t.consult_note_converted(&user(ALPHA), case),
    );
    md(
        "consult_closed_to_reporter".into(),
        t.consult_closed_to_reporter(id),
    );
    md(
        "consult_converted_to_reporter".into(),
        t.consult_converted_to_reporter(id, case),
    );
    for (key, refusal) in consult_refusals() {
        md(
            format!("consult_refusal/{key}"),
            t.consult_refusal(&refusal, id),
        );
    }
    md(
        "no_such_consultation".into(),
        t.no_such_consultation(Untrusted::new(TYPED)),
    );
    md(
        "consult_add_facts_intro".into(),
        t.consult_add_facts_intro(id),
    );
    md("convert_intro".into(), t.convert_intro(id));
    md(
        "card_from_consultation".into(),
        t.card_from_consultation(id, &user(ALPHA)),
    );
    md("check_in/desk".into(), t.check_in(case, true));
    md("check_in/no-desk".into(), t.check_in(case, false));
    for (name, reply, consultation) in [
        ("fine", CheckInReply::Fine, None),
        ("desk", CheckInReply::Desk, Some(id)),
        ("desk-unnumbered", CheckInReply::Desk, None),
        ("no-answer", CheckInReply::NoAnswer, None),
    ] {
        md(
            format!("check_in_answered/{name}"),
            t.check_in_answered(case, reply, consultation),
        );
    }
    out
}

fn catalogs() -> [(Locale, Vec<Sentence>); 2] {
    [Locale::En, Locale::Ja].map(|l| (l, sentences(l.catalog())))
}

#[test]
fn every_method_of_the_catalog_is_rendered_here() {
    let source = include_str!("mod.rs");
    let start = source
        .find("pub trait Catalog")
        .expect("the trait is in mod.rs");
    let body = &source[start..];
    let body = &body[..body.find("\n}\n").expect("the trait ends")];
    let methods: BTreeSet<&str> = body
        .split("fn ")
        .skip(1)
        .filter_map(|rest| rest.split('(').next())
        .collect();
    let (_, rendered) = &catalogs()[0];
    let keys: BTreeSet<&str> = rendered
        .iter()
        .map(|(key, ..)| key.split('/').next().unwrap_or(key))
        .collect();
    let missing: Vec<&&str> = methods.difference(&keys).collect();
    assert!(
        missing.is_empty(),
        "render these in i18n/tests.rs `sentences`: {missing:?}"
    );
}

#[test]
fn every_key_exists_in_both_catalogs_with_the_same_placeholders() {
    let [(_, en), (_, ja)] = catalogs();
    let en_keys: Vec<&String> = en.iter().map(|(k, ..)| k).collect();
    let ja_keys: Vec<&String> = ja.iter().map(|(k, ..)| k).collect();
    assert_eq!(en_keys, ja_keys);
    let markers = markers();
    let used = |text: &str| -> BTreeSet<String> {
        markers
            .iter()
            .filter(|m| text.contains(m.as_str()))
            .cloned()
            .collect()
    };
    let mut differ = Vec::new();
    for ((key, _, en), (_, _, ja)) in en.iter().zip(ja.iter()) {
        let (e, j) = (used(en), used(ja));
        if e != j {
            differ.push(format!(
                "{key}: only en {:?}, only ja {:?}",
                e.difference(&j).collect::<Vec<_>>(),
                j.difference(&e).collect::<Vec<_>>()
            ));
        }
    }
    assert!(differ.is_empty(), "{}", differ.join("\n"));
}

#[test]
fn every_sentence_of_both_catalogs_follows_the_style_rules() {
    let mut broken = Vec::new();
    for (locale, sentences) in catalogs() {
        for (key, kind, text) in sentences {
            for v in violations(&text, locale, true, kind) {
                broken.push(format!("{locale:?} {key}: {v}"));
            }
            // Typed text and links reach mrkdwn escaped, never raw.
            assert!(!text.contains(TYPED), "{locale:?} {key}: {text}");
            assert!(!text.contains(CUSTOMER), "{locale:?} {key}: {text}");
        }
    }
    assert!(broken.is_empty(), "{}", broken.join("\n"));
}

#[test]
fn japanese_names_people_with_san_and_uses_the_decided_words() {
    let t = Locale::Ja.catalog();
    let zone = tokyo();
    assert_eq!(
        t.note_proposal(
            Outcome::refund(120_000).and(Measure::Termination),
            &user(ALPHA),
            "JPY"
        ),
        "<@U0ALPHA>さんが「120,000円を返金のうえ契約解除」を提案しました。提案者以外の承認者が承認すると確定します。"
    );
    assert_eq!(
        t.measure_name(Measure::NoAction),
        "措置なし（カスハラ非該当）"
    );
    assert_eq!(t.severity_name(Severity::Critical), "重大");
    assert_eq!(t.promise_failed_name(PromiseFailed::Yes), "あり");
    assert_eq!(t.datetime(at(), &zone), "2026年12月4日 12:21");
    let utc = t.datetime(at(), &TimeZone::UTC);
    assert_eq!(utc, "2026年12月4日 03:21 UTC", "another zone is named");
    assert_eq!(t.refund_amount("JPY"), "金額（円）");
    let week = &reports()[0].1;
    assert!(
        t.weekly_report(week, "JPY")
            .contains("集計期間：2026年11月30日（月）〜12月6日（日）、日本時間"),
        "{}",
        t.weekly_report(week, "JPY")
    );
    let new_year = &reports()[2].1;
    assert!(
        t.weekly_report(new_year, "JPY")
            .contains("2026年12月28日（月）〜2027年1月3日（日）")
    );
}

#[test]
fn times_are_in_the_configured_zone_in_both_languages() {
    let zone = tokyo();
    let en = Locale::En.catalog().when(at(), &zone);
    assert_eq!(
        en,
        "<!date^1796354460^{date_short_pretty} {time}|Fri 4 Dec 2026 12:21 JST>"
    );
    let ja = Locale::Ja.catalog().when(at(), &zone);
    assert!(ja.ends_with("|2026年12月4日 12:21>"), "{ja}");
}

#[test]
fn the_usage_text_escapes_its_placeholders() {
    let usage = Locale::En.catalog().usage();
    assert!(usage.contains("`/escalate &lt;customer-id&gt; &lt;category&gt;"));
    assert!(!usage.contains("<customer-id>"));
}

#[test]
fn every_label_a_person_reads_can_be_typed_back() {
    for locale in [Locale::En, Locale::Ja] {
        for c in Category::ALL {
            let label = locale.catalog().category_name(c);
            assert_eq!(Category::parse(label), Some(c), "{locale:?} {label}");
            let description = locale.catalog().category_description(c);
            assert!(
                description.chars().count() <= 75,
                "Slack shows at most 75 characters: {description}"
            );
        }
    }
}

#[test]
fn thousands_are_grouped() {
    assert_eq!(group_thousands(0), "0");
    assert_eq!(group_thousands(999), "999");
    assert_eq!(group_thousands(1000), "1,000");
    assert_eq!(group_thousands(1234567), "1,234,567");
}

#[test]
fn typed_text_cannot_ping_the_channel() {
    assert_eq!(
        Untrusted::new("<!channel> & <@U1>").to_string(),
        "&lt;!channel&gt; &amp; &lt;@U1&gt;"
    );
    assert_eq!(
        Untrusted::new("https://x.example/?a=1&b=<2>|3").link("open"),
        "<https://x.example/?a=1&amp;b=&lt;2&gt;%7C3|open>"
    );
}

#[test]
fn money_reads_naturally_in_each_language() {
    let yen = Money {
        amount: 120_000,
        currency: "JPY",
    };
    assert_eq!(Locale::En.catalog().money(yen.clone()), "¥120,000");
    assert_eq!(Locale::Ja.catalog().money(yen), "120,000円");
    let usd = Money {
        amount: 250,
        currency: "USD",
    };
    assert_eq!(Locale::En.catalog().money(usd), "250 USD");
}

#[test]
fn every_category_has_guidance_in_both_languages() {
    for locale in [Locale::En, Locale::Ja] {
        for c in Category::ALL {
            assert!(!locale.catalog().guidance(c).is_empty());
            assert!(!locale.catalog().category_name(c).is_empty());
        }
    }
}

#[test]
fn critical_guidance_puts_safety_first_and_names_the_police() {
    for c in [Category::Violence, Category::Threat] {
        assert!(Locale::En.catalog().guidance(c).contains("110"));
        assert!(Locale::Ja.catalog().guidance(c).contains("110"));
    }
}

#[test]
fn durations_read_naturally_in_each_language() {
    let cases = [
        (20, "under a minute", "1分未満"),
        (45 * 60, "45 min", "45分"),
        (3 * 3600, "3 h", "3時間"),
        (5 * 3600 + 20 * 60, "5 h 20 min", "5時間20分"),
        (2 * 86400 + 3 * 3600 + 59, "2 d 3 h", "2日3時間"),
        (86400 + 59 * 60, "1 d", "1日"),
    ];
    for (secs, en, ja) in cases {
        let d = jiff::SignedDuration::from_secs(secs);
        assert_eq!(Locale::En.catalog().duration(d), en);
        assert_eq!(Locale::Ja.catalog().duration(d), ja);
    }
    assert_eq!(one_decimal(1.25), "1.3");
    assert_eq!(one_decimal(2.0), "2");
    assert_eq!(trend(3, &[1, 2]), Some((Trend::Up, 1.5)));
    assert_eq!(trend(0, &[]), None);
}

#[test]
fn form_title_fits_slacks_24_character_limit() {
    for locale in [Locale::En, Locale::Ja] {
        let c = locale.catalog();
        for title in [
            c.form_title(),
            c.form_done_title(),
            c.outcome_title(),
            c.checks_title(),
            c.prevention_title(),
        ] {
            assert!(title.chars().count() <= 24, "{title}");
        }
    }
}

#[test]
fn every_refusal_ends_the_same_way_in_each_language() {
    for (locale, ending) in [
        (Locale::En, "Nothing changed."),
        (Locale::Ja, "変更はありません。"),
    ] {
        let t = locale.catalog();
        for (key, refusal) in refusals() {
            // A form's own check, said before anything could change.
            if key == "amount-must-be-positive" {
                continue;
            }
            let text = t.refusal(&refusal, CaseId::new(CASE), "JPY");
            assert!(text.ends_with(ending), "{locale:?} {key}: {text}");
        }
    }
}

#[test]
fn every_consultation_refusal_ends_the_same_way_and_its_rights_are_known() {
    for (locale, ending) in [
        (Locale::En, "Nothing changed."),
        (Locale::Ja, "変更はありません。"),
    ] {
        let t = locale.catalog();
        for (key, refusal) in consult_refusals() {
            let text = t.consult_refusal(&refusal, ConsultationId::new(CASE));
            assert!(text.ends_with(ending), "{locale:?} {key}: {text}");
            if let Some(name) = refusal.about_rights() {
                assert!(ConsultRefusal::RIGHTS.contains(&name), "{key}: {name}");
                assert!(t.recorded(Recorded::RefusalReason(name)).is_some(), "{key}");
            }
        }
    }
}

#[test]
fn the_consult_labels_fit_slacks_limits_and_the_choice_reads_as_the_issue_says() {
    for locale in [Locale::En, Locale::Ja] {
        let t = locale.catalog();
        for title in [t.consult_title(), t.convert_title()] {
            assert!(title.chars().count() <= 24, "{title}");
        }
        assert!(t.consult_button().chars().count() <= 75);
    }
    assert_eq!(
        Locale::Ja.catalog().consult_button(),
        "相談したい・カスハラか迷う"
    );
    assert_eq!(
        Locale::En.catalog().consult_button(),
        "I'd like advice: not sure it is harassment"
    );
}

#[test]
fn refusals_read_by_executives_name_no_setting() {
    for locale in [Locale::En, Locale::Ja] {
        for (key, refusal) in refusals() {
            let text = locale.catalog().refusal(&refusal, CaseId::new(CASE), "JPY");
            assert!(!text.contains("people."), "{locale:?} {key}: {text}");
            assert!(!text.contains("policy."), "{locale:?} {key}: {text}");
        }
    }
}

#[test]
fn the_usage_text_lists_what_cards_show_and_each_word_can_be_typed() {
    let t = Locale::Ja.catalog();
    let usage = t.usage();
    let listed = usage
        .lines()
        .skip_while(|l| *l != "*区分*")
        .nth(1)
        .expect("a line of categories");
    let words: Vec<&str> = listed.split('、').collect();
    let labels: Vec<&str> = Category::ALL.map(|c| t.category_name(c)).to_vec();
    assert_eq!(words, labels, "{usage}");
    for word in words {
        assert!(Category::parse(word).is_some(), "{word}");
    }
    for everyday in ["セクハラ", "脅し", "長電話", "居座り"] {
        assert!(usage.contains(everyday), "{everyday}: {usage}");
        assert!(Category::parse(everyday).is_some(), "{everyday}");
    }
    for old in ["性的", "執拗", "拘束", "sexual"] {
        assert!(Category::parse(old).is_some(), "{old} is still accepted");
    }
}

#[test]
fn every_refusal_about_rights_is_among_the_names_the_catalogs_know() {
    for (key, refusal) in refusals() {
        if let Some(name) = refusal.about_rights() {
            assert!(Refusal::RIGHTS.contains(&name), "{key}: {name}");
        }
    }
}

#[test]
fn the_report_says_how_fast_nine_in_ten_were_without_a_doubled_bound() {
    let mut week = reports()[0].1.clone();
    let quick = Spread {
        count: 2,
        median: SignedDuration::from_secs(10),
        p90: SignedDuration::from_secs(20),
    };
    week.to_taken = Some(quick);
    let ja = Locale::Ja.catalog().weekly_report(&week, "JPY");
    assert!(ja.contains("中央値 1分未満、9割が1分未満（2件）"), "{ja}");
    assert!(!ja.contains("未満以内"), "{ja}");
    let en = Locale::En.catalog().weekly_report(&week, "JPY");
    assert!(
        en.contains("median under a minute, 9 in 10 under a minute (2 cases)"),
        "{en}"
    );
}
