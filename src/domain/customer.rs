//! Purpose: a customer's record with us: their cases, warnings, refunds, and whether they
//! are cut off. Terminated customers stay on record.

use jiff::{SignedDuration, Timestamp};
use serde::{Deserialize, Serialize};

use super::case::{Case, Decision, Event, Measure, Measures};
use super::category::Category;
use super::ids::{CaseId, CustomerId};
use super::policy::History;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CustomerRecord {
    pub id: CustomerId,
    pub cases: Vec<CaseLine>,
    pub warnings: u32,
    pub refunds: u32,
    pub refund_total: u64,
    pub cut_off: Option<CutOff>,
    /// Cautions (注意); `warnings` counts the written ones (書面警告).
    #[serde(default)]
    pub cautions: u32,
    /// The last day of the latest suspension (利用停止), if any.
    #[serde(default)]
    pub suspended_until: Option<jiff::civil::Date>,
    /// Staff kept off this customer after reporting them (担当替え), shown with the
    /// history so nobody assigns them again.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub kept_off: Vec<KeptOff>,
}

/// Someone kept off a customer: who, because of which case, since when.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct KeptOff {
    pub user: super::ids::UserId,
    pub case: CaseId,
    pub at: Timestamp,
}

/// One case as the customer's history shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CaseLine {
    pub id: CaseId,
    pub opened_at: Timestamp,
    pub category: Category,
    /// `None` while the case is undecided. Stored as one kind slug before outcomes
    /// combined (`"refund-and-termination"`), which still reads.
    pub outcome: Option<Measures>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CutOff {
    pub case: CaseId,
    pub at: Timestamp,
}

/// The ladder's look-back window (domain.md: "second within 12 months").
pub const LADDER_WINDOW: SignedDuration = SignedDuration::from_hours(365 * 24);

impl CustomerRecord {
    pub fn new(id: CustomerId) -> Self {
        CustomerRecord {
            id,
            cases: Vec::new(),
            warnings: 0,
            refunds: 0,
            refund_total: 0,
            cut_off: None,
            cautions: 0,
            suspended_until: None,
            kept_off: Vec::new(),
        }
    }

    /// The history a new case opened at `at` is judged against. Cases closed as "no
    /// action" (not harassment after all) never count against a customer.
    pub fn history_at(&self, at: Timestamp) -> History {
        let counted = || {
            self.cases.iter().filter(|c| {
                c.opened_at <= at && !c.outcome.is_some_and(|m| m.contains(Measure::NoAction))
            })
        };
        let window_start = at - LADDER_WINDOW;
        History {
            prior_cases: counted().count() as u32,
            prior_cases_last_12_months: counted().filter(|c| c.opened_at >= window_start).count()
                as u32,
            warnings: self.warnings,
            cut_off: self.cut_off.is_some(),
        }
    }

    /// Brings the record up to date with something that happened to one of its cases.
    pub fn record(&mut self, case: &Case, event: &Event) {
        match event {
            Event::Opened { .. } | Event::CustomerIdentified { .. } => self.cases.push(CaseLine {
                id: case.id,
                opened_at: case.opened_at,
                category: case.category,
                outcome: None,
            }),
            Event::Closed { decision } => self.record_decision(case.id, decision),
            Event::Classified { category, .. } => {
                if let Some(line) = self.cases.iter_mut().find(|l| l.id == case.id) {
                    line.category = *category;
                }
            }
            Event::Taken { .. }
            | Event::Proposed { .. }
            | Event::Rejected { .. }
            | Event::LegalAnswered { .. }
            | Event::FactsAdded { .. }
            | Event::SafetyAnswered { .. }
            | Event::CheckInAnswered { .. }
            | Event::PreventionRecorded { .. }
            | Event::Notified { .. } => {}
            Event::ReporterKeptOff { by } => {
                if !self.kept_off.iter().any(|k| k.user == case.reporter) {
                    self.kept_off.push(KeptOff {
                        user: case.reporter.clone(),
                        case: case.id,
                        at: by.at,
                    });
                }
            }
        }
    }

    fn record_decision(&mut self, case: CaseId, decision: &Decision) {
        let outcome = decision.outcome;
        if let Some(line) = self.cases.iter_mut().find(|l| l.id == case) {
            line.outcome = Some(outcome.measures);
        }
        if outcome.has(Measure::Warning) {
            self.warnings += 1;
        }
        if outcome.has(Measure::Caution) {
            self.cautions += 1;
        }
        if let Some(until) = outcome
            .suspended_until
            .filter(|_| outcome.has(Measure::Suspension))
        {
            self.suspended_until = Some(until);
        }
        if let Some(amount) = outcome.refund_amount() {
            self.refunds += 1;
            self.refund_total = self.refund_total.saturating_add(amount);
        }
        if outcome.terminates() && self.cut_off.is_none() {
            self.cut_off = Some(CutOff {
                case,
                at: decision.final_stamp().at,
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::case::Outcome;
    use crate::domain::case::tests::{open_case, stamp};

    /// A case just opened, and its customer's record with it.
    fn opened() -> (Case, CustomerRecord) {
        let case = open_case();
        let mut record = CustomerRecord::new(case.customer.clone().unwrap());
        record.record(
            &case,
            &Event::Opened {
                by: stamp("UAGENT1", 0),
            },
        );
        (case, record)
    }

    fn close(outcome: Outcome) -> Event {
        Event::Closed {
            decision: Decision {
                outcome,
                decided: stamp("UEXEC1", 2),
                approved: None,
                policy_version: "v".into(),
                checks: None,
                prevention: None,
            },
        }
    }

    #[test]
    fn record_counts_warnings_refunds_and_cut_off() {
        let (case, mut record) = opened();
        record.record(
            &case,
            &close(Outcome::refund(3000).and(Measure::Termination)),
        );
        assert_eq!(record.refunds, 1);
        assert_eq!(record.refund_total, 3000);
        assert_eq!(record.cut_off.as_ref().map(|c| c.case), Some(case.id));
        assert_eq!(
            record.cases[0].outcome,
            Some(Measures::of([Measure::Refund, Measure::Termination]))
        );
    }

    #[test]
    fn a_history_stored_before_outcomes_combined_still_reads() {
        let old = r#"{"id":"acme","cases":[{"id":1,"opened_at":"2026-11-01T00:00:00Z",
            "category":"threat","outcome":"refund-and-termination"},{"id":2,
            "opened_at":"2026-11-02T00:00:00Z","category":"other","outcome":null}],
            "warnings":1,"refunds":1,"refund_total":5000,"cut_off":null}"#;
        let record: CustomerRecord = serde_json::from_str(old).unwrap();
        assert_eq!(
            record.cases[0].outcome,
            Some(Measures::of([Measure::Refund, Measure::Termination]))
        );
        assert_eq!(record.cases[1].outcome, None);
        assert_eq!((record.cautions, record.suspended_until), (0, None));
    }

    #[test]
    fn each_measure_of_a_decision_counts_on_the_record() {
        let (case, mut record) = opened();
        let until: jiff::civil::Date = "2027-02-01".parse().unwrap();
        let outcome = Outcome::suspension(until)
            .and(Measure::Warning)
            .and(Measure::Caution);
        record.record(&case, &close(outcome));
        assert_eq!(
            (record.warnings, record.cautions, record.suspended_until),
            (1, 1, Some(until))
        );
        assert!(record.cut_off.is_none());
    }

    #[test]
    fn no_action_cases_do_not_count_against_the_customer() {
        let (case, mut record) = opened();
        record.record(&case, &close(Outcome::no_action()));
        let later = case.opened_at + SignedDuration::from_hours(1);
        assert_eq!(record.history_at(later).prior_cases, 0);
    }

    #[test]
    fn history_counts_the_last_twelve_months_separately() {
        let (case, record) = opened();
        let next_year = case.opened_at + SignedDuration::from_hours(400 * 24);
        let history = record.history_at(next_year);
        assert_eq!(history.prior_cases, 1);
        assert_eq!(history.prior_cases_last_12_months, 0);
    }
}
