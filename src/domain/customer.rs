//! Purpose: a customer's record with us: their cases, warnings, refunds, and whether they
//! are cut off. Terminated customers stay on record.

use jiff::{SignedDuration, Timestamp};
use serde::{Deserialize, Serialize};

use super::case::{Case, Decision, Event, OutcomeKind};
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
}

/// One case as the customer's history shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CaseLine {
    pub id: CaseId,
    pub opened_at: Timestamp,
    pub category: Category,
    /// `None` while the case is undecided.
    pub outcome: Option<OutcomeKind>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CutOff {
    pub case: CaseId,
    pub at: Timestamp,
}

/// The ladder's look-back window (domain.md: "second within 12 months").
const LADDER_WINDOW: SignedDuration = SignedDuration::from_hours(365 * 24);

impl CustomerRecord {
    pub fn new(id: CustomerId) -> Self {
        CustomerRecord {
            id,
            cases: Vec::new(),
            warnings: 0,
            refunds: 0,
            refund_total: 0,
            cut_off: None,
        }
    }

    /// The history a new case opened at `at` is judged against. Cases closed as "no
    /// action" (not harassment after all) never count against a customer.
    pub fn history_at(&self, at: Timestamp) -> History {
        let counted = || {
            self.cases
                .iter()
                .filter(|c| c.opened_at <= at && c.outcome != Some(OutcomeKind::NoAction))
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
            | Event::Notified { .. } => {}
        }
    }

    fn record_decision(&mut self, case: CaseId, decision: &Decision) {
        let outcome = decision.outcome;
        if let Some(line) = self.cases.iter_mut().find(|l| l.id == case) {
            line.outcome = Some(outcome.kind());
        }
        if outcome.kind() == OutcomeKind::Warning {
            self.warnings += 1;
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

    fn close(outcome: Outcome) -> Event {
        Event::Closed {
            decision: Decision {
                outcome,
                decided: stamp("UEXEC1", 2),
                approved: None,
                policy_version: "v".into(),
            },
        }
    }

    #[test]
    fn record_counts_warnings_refunds_and_cut_off() {
        let case = open_case();
        let mut record = CustomerRecord::new(case.customer.clone().unwrap());
        record.record(
            &case,
            &Event::Opened {
                by: stamp("UAGENT1", 0),
            },
        );
        record.record(
            &case,
            &close(Outcome::RefundAndTermination { amount: 3000 }),
        );
        assert_eq!(record.refunds, 1);
        assert_eq!(record.refund_total, 3000);
        assert_eq!(record.cut_off.as_ref().map(|c| c.case), Some(case.id));
        assert_eq!(
            record.cases[0].outcome,
            Some(OutcomeKind::RefundAndTermination)
        );
    }

    #[test]
    fn no_action_cases_do_not_count_against_the_customer() {
        let case = open_case();
        let mut record = CustomerRecord::new(case.customer.clone().unwrap());
        record.record(
            &case,
            &Event::Opened {
                by: stamp("UAGENT1", 0),
            },
        );
        record.record(&case, &close(Outcome::NoAction));
        let later = case.opened_at + SignedDuration::from_hours(1);
        assert_eq!(record.history_at(later).prior_cases, 0);
    }

    #[test]
    fn history_counts_the_last_twelve_months_separately() {
        let case = open_case();
        let mut record = CustomerRecord::new(case.customer.clone().unwrap());
        record.record(
            &case,
            &Event::Opened {
                by: stamp("UAGENT1", 0),
            },
        );
        let next_year = case.opened_at + SignedDuration::from_hours(400 * 24);
        let history = record.history_at(next_year);
        assert_eq!(history.prior_cases, 1);
        assert_eq!(history.prior_cases_last_12_months, 0);
    }
}
