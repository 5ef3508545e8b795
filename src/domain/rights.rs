//! Purpose: who may act on a case, in one place. The state machine (`case`) asks it
//! whether the person clicking may take, decide, approve or name the customer; the paging
//! and reminder timers ask it who could act at all, so nobody is paged or reminded about
//! something they may not do. Always against the roles in force at that moment: an owner
//! removed from `people.executives` can no longer decide, however long ago they took
//! the case.
//!
//! Separation of duties: whoever reported a case never takes, decides, proposes,
//! approves or rejects on it (an executive who reports is a reporter for that case),
//! unless `policy.reporter_may_decide` is on; and nobody approves their own proposal.

use super::case::{Case, CaseState, Refusal};
use super::ids::UserId;
use super::policy::Roles;

/// Something a person may or may not do to a case.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Right {
    /// Take an open case (and so stop the paging).
    Take,
    /// Decide a taken case: record an outcome, or propose one that needs approval.
    Decide,
    /// Approve or reject the pending proposal.
    Settle,
    /// Name the customer of a case opened without one.
    NameCustomer,
    /// Confirm or change the category and severity (of a case whose category the bot
    /// guessed, or later): the reporter above all, who saw what happened.
    Classify,
    /// Keep the reporter off the customer (担当替え): the owner, or a manager.
    KeepReporterOff,
    /// Answer "are you safe now?": the reporter alone.
    AnswerSafety,
    /// Add facts to a case's record: its reporter (who saw what happened), its owner, a
    /// manager, the consultation desk.
    AddFacts,
    /// Answer the check-in after the case closed: the reporter alone.
    AnswerCheckIn,
    /// Answer a proposal's pending legal review: its proposer, the owner, a manager or an
    /// approver (legal often approves).
    AnswerLegal,
    /// Record or replace the prevention note of a decided case: whoever may decide it
    /// (the owner while they still hold a role, a manager) and the consultation desk.
    RecordPrevention,
}

impl Roles {
    /// Whether `user` may do `right` to `case` now, and if not, why. Says nothing about the
    /// case's state (taken already, closed): the state machine answers that first.
    pub fn check(&self, case: &Case, user: &UserId, right: Right) -> Result<(), Refusal> {
        let reporter = *user == case.reporter;
        // The role first (an agent who reported is told only executives take cases),
        // then separation of duties for those whose role would allow it.
        self.role_allows(case, user, right)?;
        if reporter
            && !self.reporter_may_decide
            && !matches!(
                right,
                Right::NameCustomer
                    | Right::Classify
                    | Right::AddFacts
                    | Right::AnswerSafety
                    | Right::AnswerCheckIn
            )
        {
            return Err(Refusal::OwnReport);
        }
        if right == Right::Settle
            && let CaseState::Proposed { proposal, .. } = &case.state
            && proposal.proposed.by == *user
        {
            return Err(Refusal::OwnProposal);
        }
        Ok(())
    }

    /// Whether the roles `user` holds now allow `right` on `case`.
    fn role_allows(&self, case: &Case, user: &UserId, right: Right) -> Result<(), Refusal> {
        let reporter = *user == case.reporter;
        match right {
            Right::Take => {
                if self.may_take(user) {
                    Ok(())
                } else {
                    Err(Refusal::NotExecutiveOrManager)
                }
            }
            Right::Decide => {
                let owner = case.owner().map(|o| &o.by);
                if self.is_manager(user) {
                    Ok(())
                } else if owner == Some(user) {
                    // They took it when they held a role; deciding needs one still.
                    if self.may_take(user) {
                        Ok(())
                    } else {
                        Err(Refusal::NoLongerEntitled)
                    }
                } else {
                    match owner {
                        Some(owner) => Err(Refusal::NotOwnerOrManager {
                            owner: owner.clone(),
                        }),
                        None => Err(Refusal::NotTakenYet),
                    }
                }
            }
            Right::Settle => {
                if self.is_approver(user) {
                    Ok(())
                } else {
                    Err(Refusal::ApproversOnly)
                }
            }
            Right::NameCustomer => {
                if reporter || self.may_take(user) {
                    Ok(())
                } else {
                    Err(Refusal::NotInvolved)
                }
            }
            Right::Classify => {
                if reporter || self.may_take(user) {
                    Ok(())
                } else {
                    Err(Refusal::NotInvolvedToClassify)
                }
            }
            Right::KeepReporterOff => {
                let owner = case.owner().map(|o| &o.by);
                if self.is_manager(user) || owner == Some(user) {
                    Ok(())
                } else {
                    match owner {
                        Some(owner) => Err(Refusal::NotOwnerOrManager {
                            owner: owner.clone(),
                        }),
                        None => Err(Refusal::NotTakenYet),
                    }
                }
            }
            Right::AnswerSafety | Right::AnswerCheckIn => {
                if reporter {
                    Ok(())
                } else {
                    Err(Refusal::NotTheReporter)
                }
            }
            Right::AddFacts => {
                let owner = case.owner().map(|o| &o.by);
                if reporter
                    || owner == Some(user)
                    || self.is_manager(user)
                    || self.desk.is_member(user)
                {
                    Ok(())
                } else {
                    Err(Refusal::NotInvolvedToAddFacts)
                }
            }
            Right::AnswerLegal => {
                let proposer = match &case.state {
                    CaseState::Proposed { proposal, .. } => Some(&proposal.proposed.by),
                    _ => None,
                };
                let owner = case.owner().map(|o| &o.by);
                if self.is_manager(user)
                    || self.is_approver(user)
                    || proposer == Some(user)
                    || owner == Some(user)
                {
                    Ok(())
                } else {
                    Err(Refusal::NotInvolvedToAnswer)
                }
            }
            Right::RecordPrevention => {
                let owner = case.owner().map(|o| &o.by);
                if self.is_manager(user)
                    || (owner == Some(user) && self.may_take(user))
                    || self.desk.is_member(user)
                {
                    Ok(())
                } else {
                    Err(Refusal::NotInvolvedToRecordPrevention)
                }
            }
        }
    }

    /// Everyone who could do `right` to `case` now, as far as the configured roles go (for
    /// paging and reminders; `NameCustomer` is not anyone's to be reminded of). In the
    /// order they would be asked: the executives' chain for taking; for deciding, the
    /// owner alone while they still may, else the managers; the approvers for settling.
    pub fn who_may(&self, case: &Case, right: Right) -> Vec<UserId> {
        let candidates: Vec<&UserId> = match right {
            Right::Take => self.executives.iter().collect(),
            Right::Decide => {
                if let Some(owner) = case.owner().map(|o| &o.by)
                    && self.check(case, owner, Right::Decide).is_ok()
                {
                    return vec![owner.clone()];
                }
                self.managers.iter().collect()
            }
            Right::Settle => self.approvers.iter().collect(),
            Right::NameCustomer
            | Right::Classify
            | Right::AnswerLegal
            | Right::AddFacts
            | Right::AnswerSafety
            | Right::AnswerCheckIn
            | Right::KeepReporterOff
            | Right::RecordPrevention => Vec::new(),
        };
        let mut people: Vec<UserId> = Vec::new();
        for person in candidates {
            if self.check(case, person, right).is_ok() && !people.contains(person) {
                people.push(person.clone());
            }
        }
        people
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::Measure;
    use crate::domain::case::tests::{open_case, stamp, user};
    use crate::domain::{Outcome, Proposal};

    fn roles() -> Roles {
        Roles::new(
            vec![user("UEXEC1"), user("UEXEC2")],
            vec![user("UMGR1"), user("UMGR2")],
        )
    }

    fn reported_by(reporter: &str) -> Case {
        let mut case = open_case();
        case.reporter = user(reporter);
        case
    }

    #[test]
    fn an_executive_who_reports_a_case_is_its_reporter() {
        let case = reported_by("UEXEC1");
        let roles = roles();
        assert_eq!(
            roles.check(&case, &user("UEXEC1"), Right::Take),
            Err(Refusal::OwnReport)
        );
        assert_eq!(roles.check(&case, &user("UEXEC2"), Right::Take), Ok(()));
        assert_eq!(
            roles.who_may(&case, Right::Take),
            vec![user("UEXEC2")],
            "the reporter is not paged about their own case"
        );
        assert_eq!(
            roles.check(&case, &user("UEXEC1"), Right::NameCustomer),
            Ok(()),
            "naming the customer is reporting, not deciding"
        );
    }

    #[test]
    fn a_small_company_may_let_the_reporter_decide() {
        let case = reported_by("UEXEC1");
        let mut roles = roles();
        roles.reporter_may_decide = true;
        assert_eq!(roles.check(&case, &user("UEXEC1"), Right::Take), Ok(()));
    }

    #[test]
    fn an_owner_removed_from_the_roles_can_no_longer_decide() {
        let mut case = open_case();
        case.state = CaseState::Taken {
            owner: stamp("UEXEC2", 1),
        };
        let before = roles();
        assert_eq!(before.check(&case, &user("UEXEC2"), Right::Decide), Ok(()));
        assert_eq!(before.who_may(&case, Right::Decide), vec![user("UEXEC2")]);
        let after = Roles::new(vec![user("UEXEC1")], vec![user("UMGR1"), user("UMGR2")]);
        assert_eq!(
            after.check(&case, &user("UEXEC2"), Right::Decide),
            Err(Refusal::NoLongerEntitled)
        );
        assert_eq!(
            after.who_may(&case, Right::Decide),
            vec![user("UMGR1"), user("UMGR2")],
            "the managers are reminded instead"
        );
    }

    #[test]
    fn approval_is_the_approvers_and_never_the_proposers_or_the_reporters() {
        let mut case = reported_by("ULEGAL2");
        case.state = CaseState::Proposed {
            owner: stamp("UEXEC1", 1),
            proposal: Proposal {
                outcome: Outcome::only(Measure::Termination),
                proposed: stamp("ULEGAL1", 2),
                checks: None,
                prevention: None,
            },
        };
        let roles = roles().with_approvers(vec![user("ULEGAL1"), user("ULEGAL2"), user("ULEGAL3")]);
        assert_eq!(
            roles.check(&case, &user("UMGR1"), Right::Settle),
            Err(Refusal::ApproversOnly),
            "a manager who is not an approver"
        );
        assert_eq!(
            roles.check(&case, &user("ULEGAL1"), Right::Settle),
            Err(Refusal::OwnProposal)
        );
        assert_eq!(
            roles.check(&case, &user("ULEGAL2"), Right::Settle),
            Err(Refusal::OwnReport)
        );
        assert_eq!(roles.who_may(&case, Right::Settle), vec![user("ULEGAL3")]);
        let nobody = roles.with_approvers(vec![user("ULEGAL1"), user("ULEGAL2")]);
        assert!(
            nobody.who_may(&case, Right::Settle).is_empty(),
            "nobody left: reminders stop"
        );
    }
}
