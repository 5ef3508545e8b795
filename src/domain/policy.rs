//! Purpose: the company's policy as code: who holds which role, which outcomes need an
//! approver's approval, and the default sanction ladder (domain.md). The ladder looks at
//! conduct history only, never at a customer's size or revenue: the same conduct leads to
//! the same recommended step for every customer.

use serde::{Deserialize, Serialize};

use super::case::Outcome;
use super::category::Severity;
use super::ids::UserId;

/// Who holds which role. What each role may do to a case is `rights`'s to say. Agents
/// are everyone else on the staff.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Roles {
    /// Take and decide cases; paged in this order.
    pub executives: Vec<UserId>,
    /// Take and decide cases, and decide any taken case.
    pub managers: Vec<UserId>,
    /// Approve or reject what needs approval (`people.approvers`; the managers unless
    /// configured). In a Japanese company 決裁 often goes to another 役員 or to 法務.
    pub approvers: Vec<UserId>,
    /// `policy.reporter_may_decide`: a very small company may let whoever reported a case
    /// also take and decide it. Off by default (separation of duties).
    pub reporter_may_decide: bool,
}

impl Roles {
    /// Executives and managers; the managers approve, nobody else has a role.
    pub fn new(executives: Vec<UserId>, managers: Vec<UserId>) -> Self {
        Roles {
            approvers: managers.clone(),
            executives,
            managers,
            reporter_may_decide: false,
        }
    }

    pub fn with_approvers(self, approvers: Vec<UserId>) -> Self {
        Roles { approvers, ..self }
    }

    pub fn is_manager(&self, user: &UserId) -> bool {
        self.managers.contains(user)
    }

    pub fn is_approver(&self, user: &UserId) -> bool {
        self.approvers.contains(user)
    }

    pub fn may_take(&self, user: &UserId) -> bool {
        self.executives.contains(user) || self.is_manager(user)
    }

    /// Who may read customers' histories and the tallies (`/escalate history`, `stats`):
    /// executives, managers, approvers and the support leads (`people.support_leads`),
    /// nobody else.
    pub fn may_read_records(&self, user: &UserId, support_leads: &[UserId]) -> bool {
        self.may_take(user) || self.is_approver(user) || support_leads.contains(user)
    }

    /// The distinct people who may approve. A proposal needs someone other than its
    /// proposer, so with fewer than two some proposer could never get an approval.
    pub fn distinct_approvers(&self) -> usize {
        let mut seen: Vec<&UserId> = Vec::new();
        for a in &self.approvers {
            if !seen.contains(&a) {
                seen.push(a);
            }
        }
        seen.len()
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Policy {
    /// Stamped on every decision, so an audit can tell which rules applied.
    pub version: String,
    /// Refunds above this amount need an approver's approval.
    pub refund_approval_over: u64,
}

impl Policy {
    pub fn needs_approval(&self, outcome: Outcome) -> bool {
        outcome.terminates()
            || outcome
                .refund_amount()
                .is_some_and(|amount| amount > self.refund_approval_over)
    }
}

/// Everything configurable that decides what happens to a case.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rules {
    pub roles: Roles,
    pub policy: Policy,
    pub paging: super::paging::PagingPolicy,
}

/// A customer's conduct history as of a moment: what the ladder and the card show.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct History {
    /// Earlier cases, not counting those closed as "no action".
    pub prior_cases: u32,
    /// Of those, the ones opened in the 12 months before.
    pub prior_cases_last_12_months: u32,
    pub warnings: u32,
    pub cut_off: bool,
}

/// The step the ladder recommends. People decide; this is advice on the card.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Step {
    Warning,
    FinalWarning,
    Termination,
    /// The customer is already cut off: the case is for the record.
    AlreadyCutOff,
}

impl Step {
    /// First case: warning. Second within 12 months: final warning. Third within 12
    /// months, or any critical case: termination.
    pub fn recommend(severity: Severity, history: &History) -> Step {
        if history.cut_off {
            Step::AlreadyCutOff
        } else if severity == Severity::Critical || history.prior_cases_last_12_months >= 2 {
            Step::Termination
        } else if history.prior_cases_last_12_months == 1 {
            Step::FinalWarning
        } else {
            Step::Warning
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn history(recent: u32) -> History {
        History {
            prior_cases: recent,
            prior_cases_last_12_months: recent,
            ..History::default()
        }
    }

    #[test]
    fn ladder_climbs_with_recent_cases() {
        assert_eq!(Step::recommend(Severity::High, &history(0)), Step::Warning);
        assert_eq!(
            Step::recommend(Severity::High, &history(1)),
            Step::FinalWarning
        );
        assert_eq!(
            Step::recommend(Severity::High, &history(2)),
            Step::Termination
        );
    }

    #[test]
    fn a_critical_case_recommends_termination_even_the_first_time() {
        assert_eq!(
            Step::recommend(Severity::Critical, &history(0)),
            Step::Termination
        );
    }

    #[test]
    fn old_cases_do_not_climb_the_ladder() {
        let old = History {
            prior_cases: 5,
            prior_cases_last_12_months: 0,
            ..History::default()
        };
        assert_eq!(Step::recommend(Severity::Medium, &old), Step::Warning);
    }

    #[test]
    fn approval_is_needed_for_terminations_and_large_refunds_only() {
        let policy = Policy {
            version: "v".into(),
            refund_approval_over: 100,
        };
        assert!(policy.needs_approval(Outcome::Termination));
        assert!(policy.needs_approval(Outcome::RefundAndTermination { amount: 1 }));
        assert!(policy.needs_approval(Outcome::Refund { amount: 101 }));
        assert!(!policy.needs_approval(Outcome::Refund { amount: 100 }));
        assert!(!policy.needs_approval(Outcome::Warning));
        assert!(!policy.needs_approval(Outcome::NoAction));
    }
}
