//! Purpose: the running tallies leadership quotes ("3 of 350 customers cut off"), kept up
//! to date event by event so reading them never scans the cases.

use serde::{Deserialize, Serialize};

use super::case::{Event, Measure};
use super::outcome::Outcome;

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Tallies {
    pub cases_total: u64,
    pub cases_open: u64,
    pub warnings: u64,
    pub refunds: u64,
    pub refund_total: u64,
    pub terminations: u64,
    pub no_action: u64,
    /// Distinct customers cut off (a customer terminated twice counts once).
    pub customers_cut_off: u64,
    /// Of the open cases, those someone has taken (deciding) and those whose decision
    /// waits for approval; the rest wait to be taken.
    #[serde(default)]
    pub taken: u64,
    #[serde(default)]
    pub proposed: u64,
    /// Customers with more than one case.
    #[serde(default)]
    pub repeat_customers: u64,
    /// Decisions that included each further measure; `warnings` are the written ones.
    /// A decision with several measures counts in each.
    #[serde(default)]
    pub cautions: u64,
    #[serde(default)]
    pub contact_restrictions: u64,
    #[serde(default)]
    pub suspensions: u64,
    #[serde(default)]
    pub formal_requests: u64,
    #[serde(default)]
    pub police: u64,
    #[serde(default)]
    pub lawyer: u64,
}

/// What an event changed about its case's customer, which only the customer record knows.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct CustomerChange {
    /// The event cut off a customer who was not cut off before.
    pub newly_cut_off: bool,
    /// The event added the case to its customer's record, which now holds this many.
    pub cases_now: Option<usize>,
}

impl CustomerChange {
    /// The case is not its customer's first.
    pub fn repeat_case(self) -> bool {
        self.cases_now.is_some_and(|n| n >= 2)
    }

    /// The case made its customer a repeat customer.
    pub fn newly_repeat(self) -> bool {
        self.cases_now == Some(2)
    }
}

impl Tallies {
    /// Counts each measure of a decision once.
    fn count_measures(&mut self, outcome: Outcome) {
        if let Some(amount) = outcome.refund_amount() {
            self.refund_total = self.refund_total.saturating_add(amount);
        }
        for measure in outcome.measures.iter() {
            let count = match measure {
                Measure::Caution => &mut self.cautions,
                Measure::Warning => &mut self.warnings,
                Measure::ContactRestriction => &mut self.contact_restrictions,
                Measure::Suspension => &mut self.suspensions,
                Measure::Termination => &mut self.terminations,
                Measure::Refund => &mut self.refunds,
                Measure::FormalRequest => &mut self.formal_requests,
                Measure::Police => &mut self.police,
                Measure::Lawyer => &mut self.lawyer,
                Measure::NoAction => &mut self.no_action,
            };
            *count += 1;
        }
    }

    /// How many decisions included `measure`.
    pub fn count_of(&self, measure: Measure) -> u64 {
        match measure {
            Measure::Caution => self.cautions,
            Measure::Warning => self.warnings,
            Measure::ContactRestriction => self.contact_restrictions,
            Measure::Suspension => self.suspensions,
            Measure::Termination => self.terminations,
            Measure::Refund => self.refunds,
            Measure::FormalRequest => self.formal_requests,
            Measure::Police => self.police,
            Measure::Lawyer => self.lawyer,
            Measure::NoAction => self.no_action,
        }
    }

    /// Open cases nobody has taken yet.
    pub fn waiting(&self) -> u64 {
        self.cases_open.saturating_sub(self.taken + self.proposed)
    }

    pub fn record(&mut self, event: &Event, change: CustomerChange) {
        if change.newly_repeat() {
            self.repeat_customers += 1;
        }
        match event {
            Event::Opened { .. } => {
                self.cases_total += 1;
                self.cases_open += 1;
            }
            Event::Taken { .. } => self.taken += 1,
            Event::Proposed { .. } => {
                self.taken = self.taken.saturating_sub(1);
                self.proposed += 1;
            }
            Event::Rejected { .. } => {
                self.proposed = self.proposed.saturating_sub(1);
                self.taken += 1;
            }
            Event::Closed { decision } => {
                let outcome = decision.outcome;
                self.cases_open = self.cases_open.saturating_sub(1);
                // A decision needing approval closes a proposed case; others a taken one.
                if decision.approved.is_some() {
                    self.proposed = self.proposed.saturating_sub(1);
                } else {
                    self.taken = self.taken.saturating_sub(1);
                }
                self.count_measures(outcome);
                if change.newly_cut_off {
                    self.customers_cut_off += 1;
                }
            }
            Event::CustomerIdentified { .. }
            | Event::LegalAnswered { .. }
            | Event::FactsAdded { .. }
            | Event::SafetyAnswered { .. }
            | Event::CheckInAnswered { .. }
            | Event::ReporterKeptOff { .. }
            | Event::Notified { .. }
            | Event::PreventionRecorded { .. }
            | Event::Classified { .. } => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::case::tests::stamp;
    use crate::domain::case::{Decision, Outcome};

    fn closed(outcome: Outcome) -> Event {
        Event::Closed {
            decision: Decision {
                outcome,
                decided: stamp("UEXEC1", 1),
                approved: None,
                policy_version: "v".into(),
                checks: None,
                prevention: None,
            },
        }
    }

    fn cut_off() -> CustomerChange {
        CustomerChange {
            newly_cut_off: true,
            cases_now: None,
        }
    }

    #[test]
    fn a_customer_becomes_a_repeat_customer_once() {
        let mut t = Tallies::default();
        let opened = Event::Opened {
            by: stamp("UAGENT1", 0),
        };
        for n in 1..=3 {
            t.record(
                &opened,
                CustomerChange {
                    cases_now: Some(n),
                    ..CustomerChange::default()
                },
            );
        }
        assert_eq!((t.cases_total, t.repeat_customers), (3, 1));
    }

    #[test]
    fn refund_and_termination_moves_both_tallies() {
        let mut t = Tallies::default();
        t.record(
            &Event::Opened {
                by: stamp("UAGENT1", 0),
            },
            CustomerChange {
                cases_now: Some(1),
                ..CustomerChange::default()
            },
        );
        t.record(
            &closed(Outcome::refund(120_000).and(Measure::Termination)),
            cut_off(),
        );
        assert_eq!(
            t,
            Tallies {
                cases_total: 1,
                cases_open: 0,
                refunds: 1,
                refund_total: 120_000,
                terminations: 1,
                customers_cut_off: 1,
                ..Tallies::default()
            }
        );
    }

    #[test]
    fn a_written_warning_with_a_police_consultation_counts_in_both() {
        let mut t = Tallies::default();
        t.record(
            &closed(Outcome::only(Measure::Warning).and(Measure::Police)),
            CustomerChange::default(),
        );
        assert_eq!((t.warnings, t.police, t.terminations), (1, 1, 0));
        assert_eq!(t.count_of(Measure::Police), 1);
    }

    #[test]
    fn a_second_termination_of_the_same_customer_is_not_a_second_customer() {
        let mut t = Tallies::default();
        t.record(&closed(Outcome::only(Measure::Termination)), cut_off());
        t.record(
            &closed(Outcome::only(Measure::Termination)),
            CustomerChange::default(),
        );
        assert_eq!(t.terminations, 2);
        assert_eq!(t.customers_cut_off, 1);
    }
}
