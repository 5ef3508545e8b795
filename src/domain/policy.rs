//! Purpose: the company's policy as code: who holds which role, which outcomes need an
//! approver's approval, and the default sanction ladder (domain.md). The ladder looks at
//! conduct history only, never at a customer's size or revenue: the same conduct leads to
//! the same recommended step for every customer.

use serde::{Deserialize, Serialize};

use super::case::{Measure, Outcome};
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
    /// The consultation desk (相談窓口, `people.consultation_desk`): answers, closes and
    /// turns into cases the consultations; adds facts to cases too.
    pub desk: super::consultation::Desk,
}

impl Roles {
    /// Executives and managers; the managers approve, nobody else has a role.
    pub fn new(executives: Vec<UserId>, managers: Vec<UserId>) -> Self {
        Roles {
            approvers: managers.clone(),
            executives,
            managers,
            reporter_may_decide: false,
            desk: Default::default(),
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

    /// Who may read the compliance summary (`/escalate compliance`): executives, managers
    /// and the consultation desk, who answer for the measures it shows.
    pub fn may_read_compliance(&self, user: &UserId) -> bool {
        self.executives.contains(user) || self.is_manager(user) || self.desk.is_member(user)
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
    /// Suspensions and terminations are proposed only with the checks answered (see
    /// `checks`): they stop serving a customer.
    pub fn needs_checks(outcome: Outcome) -> bool {
        outcome.terminates() || outcome.has(Measure::Suspension)
    }

    /// Suspensions and terminations always; refunds above the threshold.
    pub fn needs_approval(&self, outcome: Outcome) -> bool {
        outcome.terminates()
            || outcome.has(Measure::Suspension)
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

/// The step the ladder recommends: 注意 → 書面警告 → 利用停止 → 契約解除. People decide;
/// this is advice on the card.
///
/// Stored cases written before the ladder had four steps read as the step they meant:
/// the old first step ("warning") is the caution, the old "final warning" the written one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Step {
    #[serde(alias = "warning")]
    Caution,
    #[serde(alias = "final-warning")]
    WrittenWarning,
    Suspension,
    Termination,
    /// The customer is already cut off: the case is for the record.
    AlreadyCutOff,
}

impl Step {
    /// No earlier case in the 12 months before: a caution. One: a written warning. Two: a
    /// suspension. Three or more: termination. A critical case starts at
    /// `CRITICAL_STARTS_AT` whatever the history (domain.md: "any critical case:
    /// termination recommended").
    pub fn recommend(severity: Severity, history: &History) -> Step {
        if history.cut_off {
            return Step::AlreadyCutOff;
        }
        let by_history = match history.prior_cases_last_12_months {
            0 => Step::Caution,
            1 => Step::WrittenWarning,
            2 => Step::Suspension,
            _ => Step::Termination,
        };
        if severity == Severity::Critical {
            by_history.max(Self::CRITICAL_STARTS_AT)
        } else {
            by_history
        }
    }

    /// Where a critical case (violence, threats) starts on the ladder.
    pub const CRITICAL_STARTS_AT: Step = Step::Termination;

    /// The measure a step recommends, if any.
    pub fn measure(self) -> Option<Measure> {
        match self {
            Step::Caution => Some(Measure::Caution),
            Step::WrittenWarning => Some(Measure::Warning),
            Step::Suspension => Some(Measure::Suspension),
            Step::Termination => Some(Measure::Termination),
            Step::AlreadyCutOff => None,
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
        assert_eq!(Step::recommend(Severity::High, &history(0)), Step::Caution);
        assert_eq!(
            Step::recommend(Severity::High, &history(1)),
            Step::WrittenWarning
        );
        assert_eq!(
            Step::recommend(Severity::High, &history(2)),
            Step::Suspension
        );
        assert_eq!(
            Step::recommend(Severity::High, &history(3)),
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
        assert_eq!(Step::recommend(Severity::Medium, &old), Step::Caution);
    }

    #[test]
    fn steps_stored_by_the_two_step_ladder_read_as_they_were_meant() {
        let old: Vec<Step> =
            serde_json::from_str(r#"["warning","final-warning","termination","already-cut-off"]"#)
                .unwrap();
        assert_eq!(
            old,
            [
                Step::Caution,
                Step::WrittenWarning,
                Step::Termination,
                Step::AlreadyCutOff
            ]
        );
    }

    #[test]
    fn approval_is_needed_for_suspensions_terminations_and_large_refunds_only() {
        let policy = Policy {
            version: "v".into(),
            refund_approval_over: 100,
        };
        assert!(policy.needs_approval(Outcome::only(Measure::Termination)));
        assert!(policy.needs_approval(Outcome::refund(1).and(Measure::Termination)));
        assert!(policy.needs_approval(Outcome::refund(101)));
        assert!(!policy.needs_approval(Outcome::refund(100)));
        assert!(!policy.needs_approval(Outcome::only(Measure::Warning)));
        assert!(!policy.needs_approval(Outcome::no_action()));
        let until = "2027-01-31".parse().unwrap();
        assert!(policy.needs_approval(Outcome::suspension(until)));
        assert!(policy.needs_approval(Outcome::only(Measure::Warning).and(Measure::Termination)));
        assert!(
            !policy.needs_approval(
                Outcome::only(Measure::Warning)
                    .and(Measure::Police)
                    .and(Measure::FormalRequest)
            )
        );
    }
}
