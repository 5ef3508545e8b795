//! Purpose: how long a closed case keeps what it says (`store.retention`), and what is
//! left of it after: the counts. Erasing takes out every free text (what happened, the
//! record's facts and their additions, the quoted message, the clause typed before a
//! termination, the prevention note) and every person's Slack id (the reporter, whoever took, decided,
//! approved, proposed, answered, was paged or refused), and keeps what the numbers are
//! made of: the case number, the customer, category and severity, the times, the
//! outcome's measures and amounts, the checks' answers, and the kind and time of each
//! step of the timeline. So the tallies, the weekly aggregates and any recount of them
//! from the cases come out the same. A consultation closed (or turned into a case) that
//! long ago is reduced the same way: what was said and who said it go, its number, its
//! source, its times and the kind of each step stay (the consultation counts). Pure: the
//! store decides when and where.

use jiff::{Span, Timestamp, ToSpan, Unit};

use super::case::{Case, CaseState, Decision, Event, Notice, Posts, Proposal, Stamp};
use super::consultation::{ConsultEvent, ConsultPosts, ConsultState, Consultation, Destination};
use super::facts::Facts;
use super::ids::UserId;

/// The id an erased person is replaced with. Slack's ids are `U` then upper-case letters
/// and digits, as this one, but Slack gives out none that spells a word.
pub const ERASED_USER: &str = "U0ERASED";

/// The shortest retention accepted: a closed case stays whole at least this long (the
/// archive takes it after 7 days; an appeal or a correction comes within weeks).
pub const MIN_DAYS: i64 = 30;

/// `store.retention`: how long after it closed a case keeps its details.
#[derive(Debug, Clone, Copy)]
pub enum Retention {
    Forever,
    /// A calendar span (`5y`, `18mo`, `400d`), counted back from now in UTC.
    After(Span),
}

impl PartialEq for Retention {
    /// The same setting: `5y` and `5y`, not `5y` and `60mo`.
    fn eq(&self, other: &Retention) -> bool {
        match (self, other) {
            (Retention::Forever, Retention::Forever) => true,
            (Retention::After(a), Retention::After(b)) => a.fieldwise() == b.fieldwise(),
            _ => false,
        }
    }
}

impl Retention {
    /// `forever`, or a span like `5y`, `6 months`, `90d`, of at least `MIN_DAYS` days.
    pub fn parse(text: &str) -> Option<Retention> {
        let text = text.trim();
        if text.eq_ignore_ascii_case("forever") {
            return Some(Retention::Forever);
        }
        let span: Span = text.parse().ok()?;
        let reference = jiff::civil::date(2026, 1, 1);
        let days = span.total((Unit::Day, reference)).ok()?;
        (days >= MIN_DAYS as f64).then_some(Retention::After(span))
    }

    /// Cases closed before this are erased now (`None`: never).
    pub fn cutoff(&self, now: Timestamp) -> Option<Timestamp> {
        match self {
            Retention::Forever => None,
            Retention::After(span) => now
                .to_zoned(jiff::tz::TimeZone::UTC)
                .checked_sub(*span)
                .ok()
                .map(|z| z.timestamp()),
        }
    }

    /// As written in the configuration (`5y`, `forever`), for the audit log.
    pub fn name(&self) -> String {
        match self {
            Retention::Forever => "forever".to_owned(),
            Retention::After(span) => format!("{span:#}"),
        }
    }
}

impl Default for Retention {
    /// Five years: Japan's labour record-keeping periods (労働基準法 第109条) and what the
    /// 2026 guideline's consultation records are usually kept for.
    fn default() -> Retention {
        Retention::After(5.years())
    }
}

fn erased() -> UserId {
    UserId::parse(ERASED_USER).expect("ERASED_USER is a well-formed user id")
}

fn erase_stamp(stamp: &mut Stamp) {
    stamp.by = erased();
}

/// A proposal keeps its measures and the checks' answers; its proposer, the clause and
/// the prevention note's text go.
fn erase_proposal(proposal: &mut Proposal) {
    erase_stamp(&mut proposal.proposed);
    if let Some(checks) = &mut proposal.checks {
        checks.clause.clear();
    }
    erase_note(&mut proposal.prevention);
}

/// A prevention note's text goes; that one was written stays (an empty note), so the
/// compliance report's count of decisions with one does not change.
fn erase_note(note: &mut Option<String>) {
    if let Some(text) = note {
        text.clear();
    }
}

/// A decision keeps its measures, the checks' answers and the policy version; who
/// decided and approved, the clause and the prevention note go.
fn erase_decision(decision: &mut Decision) {
    erase_stamp(&mut decision.decided);
    if let Some(approved) = &mut decision.approved {
        erase_stamp(approved);
    }
    if let Some(checks) = &mut decision.checks {
        checks.clause.clear();
    }
    erase_note(&mut decision.prevention);
}

impl Case {
    /// Whether `erase` may take this case now: closed before `cutoff` and not yet erased.
    pub fn due_for_erasure(&self, cutoff: Timestamp) -> bool {
        self.erased.is_none() && self.closed_at().is_some_and(|at| at < cutoff)
    }

    /// Reduces the case to its counts (see the module), marking when. Its timeline goes
    /// through `Event::erase`.
    pub fn erase(&mut self, at: Timestamp) {
        self.summary.clear();
        self.reporter = erased();
        self.reported_from = None;
        self.evidence = None;
        self.facts = Facts::default();
        for addition in &mut self.additions {
            erase_stamp(&mut addition.by);
            addition.facts = Facts::default();
        }
        self.posts = Posts::default();
        self.next = None;
        // The desk member who turned a consultation into this case; the consultation's
        // number stays (a count, and the link between the two records).
        if let Some(from) = &mut self.consultation {
            from.by = erased();
        }
        // The check-in (when it went out, what was answered) names nobody: it stays.
        match &mut self.state {
            CaseState::Open => {}
            CaseState::Taken { owner } => erase_stamp(owner),
            CaseState::Proposed { owner, proposal } => {
                erase_stamp(owner);
                erase_proposal(proposal);
            }
            CaseState::Closed { owner, decision } => {
                erase_stamp(owner);
                erase_decision(decision);
            }
        }
        self.erased = Some(at);
    }
}

impl Event {
    /// The step as its kind and time only: who and what they wrote are gone.
    pub fn erase(&mut self) {
        match self {
            Event::Opened { by }
            | Event::Taken { by }
            | Event::ReporterKeptOff { by }
            | Event::SafetyAnswered { by, .. }
            | Event::LegalAnswered { by, .. }
            | Event::CustomerIdentified { by, .. }
            | Event::Classified { by, .. }
            | Event::PreventionRecorded { by, .. }
            | Event::CheckInAnswered { by, .. } => erase_stamp(by),
            Event::Proposed { proposal } => erase_proposal(proposal),
            Event::Rejected { by, proposal } => {
                erase_stamp(by);
                erase_proposal(proposal);
            }
            Event::Closed { decision } => erase_decision(decision),
            Event::FactsAdded { facts, by } => {
                *facts = Facts::default();
                erase_stamp(by);
            }
            Event::Notified { notice, .. } => erase_notice(notice),
        }
    }
}

fn erase_notice(notice: &mut Notice) {
    match notice {
        Notice::Paged { to } | Notice::Reminded { to } => {
            for user in to {
                *user = erased();
            }
        }
        Notice::Refused { by, .. } => *by = erased(),
        Notice::Alerted { .. }
        | Notice::Undelivered { .. }
        | Notice::CheckedIn
        | Notice::CheckInUnanswered => {}
    }
}

impl Consultation {
    /// Ended before `cutoff` and not erased yet.
    pub fn due_for_erasure(&self, cutoff: Timestamp) -> bool {
        self.erased.is_none() && self.ended_at().is_some_and(|at| at < cutoff)
    }

    /// Reduces the consultation to its counts, marking when. A case it became keeps its
    /// own copy of the record, erased with the case under the same setting.
    pub fn erase(&mut self, at: Timestamp) {
        self.summary.clear();
        self.reporter = erased();
        self.facts = Facts::default();
        for addition in &mut self.additions {
            erase_stamp(&mut addition.by);
            addition.facts = Facts::default();
        }
        self.evidence = None;
        self.reported_from = None;
        if self.chosen.is_some() {
            self.chosen = Some(erased());
        }
        match &mut self.state {
            ConsultState::Open => {}
            ConsultState::Closed { by } | ConsultState::Converted { by, .. } => erase_stamp(by),
        }
        if let Some(first) = &mut self.first_answer {
            erase_stamp(first);
        }
        for destination in &mut self.destinations {
            if let Destination::Member { user } = destination {
                *user = erased();
            }
        }
        self.posts = ConsultPosts::default();
        self.erased = Some(at);
    }
}

impl ConsultEvent {
    /// The step as its kind and time only.
    pub fn erase(&mut self) {
        match self {
            ConsultEvent::Opened { by }
            | ConsultEvent::Answered { by, .. }
            | ConsultEvent::Closed { by }
            | ConsultEvent::Converted { by, .. } => erase_stamp(by),
            ConsultEvent::FactsAdded { facts, by } => {
                *facts = Facts::default();
                erase_stamp(by);
            }
            ConsultEvent::Notified { notice, .. } => erase_notice(notice),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> Timestamp {
        s.parse().expect("a timestamp")
    }

    #[test]
    fn retention_is_a_span_of_at_least_30_days_or_forever() {
        assert_eq!(Retention::parse("forever"), Some(Retention::Forever));
        assert_eq!(Retention::parse("Forever"), Some(Retention::Forever));
        for ok in ["5y", "1y", "18mo", "30d", "6 months", "P2Y"] {
            assert!(Retention::parse(ok).is_some(), "{ok}");
        }
        for bad in ["", "29d", "0y", "-5y", "5", "five years", "1h"] {
            assert_eq!(Retention::parse(bad), None, "{bad}");
        }
    }

    #[test]
    fn the_cutoff_counts_calendar_years_back_and_forever_has_none() {
        let now = at("2031-03-01T00:00:00Z");
        assert_eq!(
            Retention::default().cutoff(now),
            Some(at("2026-03-01T00:00:00Z"))
        );
        assert_eq!(Retention::Forever.cutoff(now), None);
        assert_eq!(Retention::default().name(), "5y");
    }

    use crate::domain::case::tests::{checks, open_case, stamp, user};
    use crate::domain::{
        Addition, ChannelId, Decision, Evidence, Measure, Medium, MessageRef, Outcome, PageSent,
    };

    fn facts(words: &str) -> Facts {
        Facts {
            occurred_at: Some(at("2026-11-16T01:00:00Z")),
            medium: Some(Medium::Phone),
            minutes: Some(90),
            words: Some(words.into()),
            wants: Some("an apology".into()),
            present: Some("Suzuki".into()),
            evidence: vec!["https://x.slack.com/archives/C1/p1".into()],
            note: None,
        }
    }

    /// A closed case with every kind of detail a person gave or the bot recorded.
    fn rich_case() -> Case {
        let mut case = open_case();
        let channel = ChannelId::parse("C0SUPPORT").expect("a channel");
        case.reported_from = Some(channel.clone());
        case.evidence = Some(Evidence {
            channel: channel.clone(),
            ts: "1.2".into(),
            thread_ts: None,
            permalink: Some("https://x.slack.com/archives/C0SUPPORT/p12".into()),
            quote: "you idiot".into(),
            author: Some(user("UCUSTOMER")),
            unreadable: false,
        });
        case.facts = facts("you idiot");
        case.additions = vec![Addition {
            by: stamp("UMGR1", 30),
            facts: Facts {
                note: Some("called again".into()),
                ..Facts::default()
            },
        }];
        case.posts.card = Some(MessageRef {
            channel,
            ts: "3.4".into(),
        });
        case.posts.pages = vec![PageSent {
            to: user("UEXEC1"),
            message: case.posts.card.clone().expect("a card"),
            at: stamp("UEXEC1", 1).at,
        }];
        case.state = CaseState::Closed {
            owner: stamp("UEXEC1", 5),
            decision: Decision {
                outcome: Outcome::only(Measure::Termination),
                decided: stamp("UEXEC1", 60),
                approved: Some(stamp("UMGR2", 120)),
                policy_version: "2026-11".into(),
                checks: Some(checks()),
                prevention: Some("Two staff on calls with this customer".into()),
            },
        };
        case
    }

    #[test]
    fn erasing_a_case_takes_out_exactly_the_texts_and_the_people() {
        let before = rich_case();
        let mut case = before.clone();
        let now = at("2031-12-01T00:00:00Z");
        assert!(case.due_for_erasure(now));
        case.erase(now);
        // What is expected, spelled out field by field from the case as it was.
        let mut expected = before.clone();
        let nobody = user(ERASED_USER);
        expected.summary = String::new();
        expected.reporter = nobody.clone();
        expected.reported_from = None;
        expected.evidence = None;
        expected.facts = Facts::default();
        expected.additions[0].by.by = nobody.clone();
        expected.additions[0].facts = Facts::default();
        expected.posts = Posts::default();
        let CaseState::Closed { owner, decision } = &mut expected.state else {
            unreachable!("a closed case")
        };
        owner.by = nobody.clone();
        decision.decided.by = nobody.clone();
        decision.approved.as_mut().expect("approved").by = nobody.clone();
        decision.checks.as_mut().expect("checks").clause = String::new();
        // The note's text goes; that there was one stays, for the compliance report.
        decision.prevention = Some(String::new());
        expected.erased = Some(now);
        assert_eq!(case, expected);
        // What the numbers are made of stays: the times, the outcome, the classification.
        assert_eq!(case.closed_at(), before.closed_at());
        assert_eq!(
            (case.opened_at, case.category, case.severity),
            (before.opened_at, before.category, before.severity)
        );
        assert_eq!(case.customer, before.customer);
        let text = serde_json::to_string(&case).expect("a case serializes");
        for gone in [
            "UAGENT1",
            "UEXEC1",
            "UMGR1",
            "UMGR2",
            "UCUSTOMER",
            "idiot",
            "apology",
            "Suzuki",
            "Art. 12",
            "shouted",
            "called again",
            "slack.com",
            "Two staff",
        ] {
            assert!(!text.contains(gone), "{gone:?} is still in {text}");
        }
        assert!(!case.due_for_erasure(now), "erased once");
    }

    #[test]
    fn a_prevention_note_recorded_after_the_decision_is_erased_like_one_written_with_it() {
        let mut case = rich_case();
        let CaseState::Closed { decision, .. } = &mut case.state else {
            unreachable!("a closed case")
        };
        decision.prevention = None;
        let roles = crate::domain::Roles::new(vec![user("UEXEC1")], vec![user("UMGR1")]);
        let policy = crate::domain::Policy {
            version: "2026-11".into(),
            refund_approval_over: 50_000,
        };
        let action = crate::domain::Action::RecordPrevention("A second person on calls".into());
        let (state, mut event) = case
            .apply(action, &stamp("UMGR1", 200), &roles, &policy)
            .expect("a manager records the note");
        case.state = state;
        let now = at("2031-12-01T00:00:00Z");
        case.erase(now);
        event.erase();
        let CaseState::Closed { decision, .. } = &case.state else {
            unreachable!("a closed case")
        };
        assert_eq!(decision.prevention.as_deref(), Some(""));
        assert!(
            decision.has_prevention(),
            "the compliance report still counts it"
        );
        let text = serde_json::to_string(&(&case, &event)).expect("serializes");
        for gone in ["second person", "UMGR1"] {
            assert!(!text.contains(gone), "{gone:?} is still in {text}");
        }
        assert!(matches!(
            event,
            Event::PreventionRecorded { edited: false, .. }
        ));
    }

    #[test]
    fn an_open_case_or_one_closed_after_the_cutoff_is_not_due() {
        let open = open_case();
        assert!(!open.due_for_erasure(at("2099-01-01T00:00:00Z")));
        let closed = rich_case();
        let at_close = closed.closed_at().expect("closed");
        assert!(!closed.due_for_erasure(at_close));
        assert!(closed.due_for_erasure(at_close + jiff::SignedDuration::from_secs(1)));
    }

    #[test]
    fn erasing_a_step_keeps_its_kind_and_time_only() {
        let case = rich_case();
        let CaseState::Closed { decision, .. } = case.state.clone() else {
            unreachable!("a closed case")
        };
        let proposal = crate::domain::Proposal {
            outcome: decision.outcome,
            proposed: stamp("UEXEC1", 60),
            checks: Some(checks()),
            prevention: Some("Two staff on calls with this customer".into()),
        };
        let events = vec![
            Event::Opened {
                by: stamp("UAGENT1", 0),
            },
            Event::Taken {
                by: stamp("UEXEC1", 5),
            },
            Event::Proposed {
                proposal: proposal.clone(),
            },
            Event::Rejected {
                by: stamp("UMGR1", 70),
                proposal,
            },
            Event::Closed { decision },
            Event::FactsAdded {
                facts: Facts {
                    occurred_at: None,
                    ..facts("you idiot")
                },
                by: stamp("UAGENT1", 80),
            },
            Event::ReporterKeptOff {
                by: stamp("UEXEC1", 81),
            },
            Event::SafetyAnswered {
                safe: false,
                by: stamp("UAGENT1", 82),
            },
            Event::LegalAnswered {
                answer: crate::domain::LegalReview::Reviewed,
                by: stamp("UMGR1", 83),
            },
            Event::Classified {
                category: crate::domain::Category::Threat,
                severity: crate::domain::Severity::High,
                from_category: crate::domain::Category::VerbalAbuse,
                from_severity: crate::domain::Severity::Medium,
                by: stamp("UMGR1", 84),
            },
            Event::Notified {
                notice: Notice::Paged {
                    to: vec![user("UEXEC1")],
                },
                at: stamp("UEXEC1", 2).at,
            },
            Event::Notified {
                notice: Notice::Reminded {
                    to: vec![user("UMGR1")],
                },
                at: stamp("UMGR1", 3).at,
            },
            Event::Notified {
                notice: Notice::Refused {
                    by: user("UAGENT1"),
                    action: "take".into(),
                    reason: "own-report".into(),
                },
                at: stamp("UAGENT1", 4).at,
            },
        ];
        for event in events {
            let mut erased = event.clone();
            erased.erase();
            assert_eq!(erased.name(), event.name());
            let text = serde_json::to_string(&erased).expect("an event serializes");
            for gone in [
                "UAGENT1",
                "UEXEC1",
                "UMGR1",
                "idiot",
                "apology",
                "Suzuki",
                "Art. 12",
                "Two staff",
            ] {
                assert!(!text.contains(gone), "{gone:?} is still in {text}");
            }
            let when = |e: &Event| {
                serde_json::to_value(e)
                    .expect("json")
                    .to_string()
                    .matches("2026-")
                    .count()
            };
            assert_eq!(when(&erased), when(&event), "every time is kept: {text}");
        }
    }
}
