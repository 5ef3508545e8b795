//! Purpose: paging that never silently stops. While nobody has taken a case, the chain of
//! executives is paged one after another, every `ack_timeout`; after the last one the
//! escalation channel is alerted with @here, again every `ack_timeout`, up to `max_rounds`
//! alerts, the last of which says paging has stopped. Critical cases page the whole chain
//! at once. Once a case is taken, paging stops and the owner is reminded in the thread if
//! no decision comes within `decision_reminder`.
//!
//! A case has at most one pending timer (`Case::next`); this module decides what it is and
//! what firing it does. Pure: the store persists timers, the scheduler job fires them.

use jiff::{SignedDuration, Timestamp};
use serde::{Deserialize, Serialize};

use super::case::{Case, CaseState, Event, Notice};
use super::category::Severity;
use super::effect::{Effect, Note};
use super::ids::UserId;
use super::policy::Roles;
use super::rights::Right;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PagingPolicy {
    pub ack_timeout: SignedDuration,
    /// How many @here alerts go to the escalation channel after the chain is exhausted.
    pub max_rounds: u32,
    pub decision_reminder: SignedDuration,
    /// `care.check_in_after`: how long after a case closes its reporter is asked how they
    /// are (and, again, how long an answer may take); `None` is "off".
    pub check_in_after: Option<SignedDuration>,
}

impl Default for PagingPolicy {
    fn default() -> Self {
        PagingPolicy {
            ack_timeout: SignedDuration::from_mins(15),
            max_rounds: 3,
            decision_reminder: SignedDuration::from_hours(24),
            check_in_after: Some(SignedDuration::from_hours(3 * 24)),
        }
    }
}

/// What a timer does when it fires.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "timer", rename_all = "kebab-case")]
pub enum Timer {
    /// Page `executives[index]`.
    Page { index: usize },
    /// Alert the escalation channel with @here; `round` counts from 1.
    Here { round: u32 },
    /// Remind whoever must act that the case awaits a decision (or an approval).
    Remind,
    /// Check in with the reporter of a closed case (see `check_in`).
    CheckIn,
    /// The check-in's time for an answer is over: "no answer" unless one came.
    CheckInOver,
}

impl Timer {
    /// The check-in's timers, which `check_in::on_timer` fires; the rest are paging's.
    pub fn is_check_in(self) -> bool {
        matches!(self, Timer::CheckIn | Timer::CheckInOver)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Scheduled {
    pub due: Timestamp,
    pub timer: Timer,
}

fn at(due: Timestamp, plus: SignedDuration, timer: Timer) -> Option<Scheduled> {
    Some(Scheduled {
        due: due.checked_add(plus).unwrap_or(Timestamp::MAX),
        timer,
    })
}

/// The timer that follows a step of the chain of executives (`chain` long).
fn after_page(
    index: usize,
    chain: &[UserId],
    now: Timestamp,
    policy: &PagingPolicy,
) -> Option<Scheduled> {
    let timer = if index + 1 < chain.len() {
        Timer::Page { index: index + 1 }
    } else {
        Timer::Here { round: 1 }
    };
    if matches!(timer, Timer::Here { .. }) && policy.max_rounds == 0 {
        return None;
    }
    at(now, policy.ack_timeout, timer)
}

/// The pages that go out when a case opens, and the first timer.
pub fn on_open(
    case: &Case,
    roles: &Roles,
    policy: &PagingPolicy,
) -> (Vec<Effect>, Option<Scheduled>) {
    let now = case.opened_at;
    // The executives who may take this case: an executive who reported it is not paged
    // about it (they may not take it).
    let chain = roles.who_may(case, Right::Take);
    if chain.is_empty() {
        // Nobody to page: straight to the channel alerts, which any manager can answer.
        let next = (policy.max_rounds > 0)
            .then(|| at(now, SignedDuration::ZERO, Timer::Here { round: 1 }))
            .flatten();
        return (Vec::new(), next);
    }
    // Violence and threats page everyone at once whatever severity the form said (a
    // reporter who picked "high" for a threat must not slow the response), and so does
    // any case its reporter called critical. Then straight to the channel alerts.
    if pages_everyone(case) {
        let mut effects: Vec<Effect> = chain
            .iter()
            .map(|to| Effect::Page { to: to.clone() })
            .collect();
        effects.push(Effect::ThreadNote {
            note: Note::Paged { to: chain.clone() },
        });
        let next = (policy.max_rounds > 0)
            .then(|| at(now, policy.ack_timeout, Timer::Here { round: 1 }))
            .flatten();
        return (effects, next);
    }
    let first = chain[0].clone();
    (
        vec![
            Effect::Page { to: first.clone() },
            Effect::ThreadNote {
                note: Note::Paged { to: vec![first] },
            },
        ],
        after_page(0, &chain, now, policy),
    )
}

/// Whether a case pages the whole chain at once: critical, or a violence or threat case
/// as a person filed it. A category the lexicon guessed (a reaction) is not enough: a false
/// alarm must not page everyone.
pub fn pages_everyone(case: &Case) -> bool {
    case.severity == Severity::Critical
        || (!case.unconfirmed && case.category.default_severity() == Severity::Critical)
}

/// After someone confirms or changes a case's category and severity: if it now pages
/// everyone and did not before, and nobody has taken it, the executives not paged yet are
/// paged now and the @here alerts follow. `was_everyone` is `pages_everyone` before the
/// change; `case` is the case after it.
pub fn after_classified(
    was_everyone: bool,
    case: &Case,
    roles: &Roles,
    policy: &PagingPolicy,
    now: Timestamp,
) -> (Vec<Effect>, Option<Scheduled>) {
    if was_everyone || !pages_everyone(case) || !matches!(case.state, CaseState::Open) {
        return (Vec::new(), case.next);
    }
    // The chain is paged in order: a pending `Page { index }` means those before it have
    // been; any other timer (or none) means all of them have.
    let from = match case.next.map(|n| n.timer) {
        Some(Timer::Page { index }) => index,
        _ => return (Vec::new(), case.next),
    };
    let to: Vec<_> = roles
        .who_may(case, Right::Take)
        .into_iter()
        .skip(from)
        .collect();
    if to.is_empty() {
        return (Vec::new(), case.next);
    }
    let mut effects: Vec<Effect> = to
        .iter()
        .map(|to| Effect::Page { to: to.clone() })
        .collect();
    effects.push(Effect::ThreadNote {
        note: Note::Paged { to },
    });
    let next = (policy.max_rounds > 0)
        .then(|| at(now, policy.ack_timeout, Timer::Here { round: 1 }))
        .flatten();
    (effects, next)
}

/// The reporter needs someone now: the whole chain gets an urgent direct message at once,
/// whatever its order or the case's state: the executives (who may take cases) and the
/// managers, the owner, and the approvers of a pending proposal; never the reporter.
pub fn someone_now(case: &Case, roles: &Roles) -> Vec<Effect> {
    let mut to = roles.who_may(case, Right::Take);
    let mut more = roles.who_may(case, Right::Decide);
    // Deciding is the owner's while they may; the managers may too, and are told.
    more.extend(
        roles
            .managers
            .iter()
            .filter(|m| roles.check(case, m, Right::Decide).is_ok())
            .cloned(),
    );
    if matches!(case.state, CaseState::Proposed { .. }) {
        more.extend(roles.who_may(case, Right::Settle));
    }
    for person in more {
        if !to.contains(&person) {
            to.push(person);
        }
    }
    let mut effects: Vec<Effect> = to
        .iter()
        .map(|to| Effect::Urgent { to: to.clone() })
        .collect();
    if !to.is_empty() {
        effects.push(Effect::ThreadNote {
            note: Note::Paged { to },
        });
    }
    effects
}

/// What the audit trail says a timer did, from the effects it queued: the people paged
/// (one entry for all of them), the @here alert, the people reminded.
pub fn notices(effects: &[Effect]) -> Vec<Notice> {
    let mut paged = Vec::new();
    let mut notices = Vec::new();
    for effect in effects {
        match effect {
            Effect::Page { to } => paged.push(to.clone()),
            Effect::HereAlert { round, of } => notices.push(Notice::Alerted {
                round: *round,
                of: *of,
            }),
            Effect::ThreadNote {
                note: Note::Reminder { to, .. },
            } => notices.push(Notice::Reminded { to: to.clone() }),
            _ => {}
        }
    }
    if !paged.is_empty() {
        notices.insert(0, Notice::Paged { to: paged });
    }
    notices
}

/// The timer a case carries after `event`, given the one it had (opening is
/// `on_open`'s).
pub fn after_event(
    event: &Event,
    policy: &PagingPolicy,
    current: Option<Scheduled>,
) -> Option<Scheduled> {
    match event {
        Event::Opened { .. } => None,
        // Naming the customer, or the bot's own notices, change nothing about who must act.
        Event::CustomerIdentified { .. }
        | Event::Notified { .. }
        | Event::Classified { .. }
        | Event::LegalAnswered { .. }
        | Event::FactsAdded { .. }
        | Event::SafetyAnswered { .. }
        | Event::CheckInAnswered { .. }
        | Event::PreventionRecorded { .. }
        | Event::ReporterKeptOff { .. } => current,
        Event::Taken { by } | Event::Rejected { by, .. } => {
            at(by.at, policy.decision_reminder, Timer::Remind)
        }
        Event::Proposed { proposal } => at(
            proposal.proposed.at,
            policy.decision_reminder,
            Timer::Remind,
        ),
        // The reporter is checked in with once the case has been closed a while.
        Event::Closed { decision } => {
            super::check_in::after_close(decision.final_stamp().at, policy)
        }
    }
}

/// What firing `timer` does to `case` at `now`: the notices to send and the next timer.
/// A timer that no longer fits the case (paging a taken case, reminding about a closed
/// one) does nothing and schedules nothing: this is what stops paging after a take.
/// Pages and reminders go only to people who may act on the case under the roles in
/// force now; with nobody left who may, reminding stops.
pub fn on_timer(
    case: &Case,
    timer: Timer,
    roles: &Roles,
    policy: &PagingPolicy,
    now: Timestamp,
) -> (Vec<Effect>, Option<Scheduled>) {
    match (timer, &case.state) {
        (Timer::Page { index }, CaseState::Open) => {
            let chain = roles.who_may(case, Right::Take);
            match chain.get(index) {
                Some(to) => (
                    vec![
                        Effect::Page { to: to.clone() },
                        Effect::ThreadNote {
                            note: Note::Paged {
                                to: vec![to.clone()],
                            },
                        },
                    ],
                    after_page(index, &chain, now, policy),
                ),
                // The chain got shorter since this was scheduled: go on to the alerts.
                None => on_timer(case, Timer::Here { round: 1 }, roles, policy, now),
            }
        }
        (Timer::Here { round }, CaseState::Open) => {
            let last = round >= policy.max_rounds;
            let effects = vec![Effect::HereAlert {
                round,
                of: policy.max_rounds,
            }];
            let next = if last {
                None
            } else {
                at(now, policy.ack_timeout, Timer::Here { round: round + 1 })
            };
            (effects, next)
        }
        (Timer::Remind, CaseState::Taken { .. } | CaseState::Proposed { .. }) => {
            let approval = matches!(case.state, CaseState::Proposed { .. });
            let right = if approval {
                Right::Settle
            } else {
                Right::Decide
            };
            let to = roles.who_may(case, right);
            if to.is_empty() {
                // Nobody may act under the roles in force: a reminder would name nobody.
                // Reminders stop, but out loud: the thread says which setting is missing,
                // and `resumed` schedules one again at start-up once the setting is fixed.
                return (
                    vec![Effect::ThreadNote {
                        note: Note::NobodyMayAct { approval },
                    }],
                    None,
                );
            }
            (
                vec![Effect::ThreadNote {
                    note: Note::Reminder { to, approval },
                }],
                at(now, policy.decision_reminder, Timer::Remind),
            )
        }
        _ => (Vec::new(), None),
    }
}

/// The reminder a taken or proposed case gets back at start-up (when the configuration
/// may have changed) if it has none because nobody could act on it when the last one fell
/// due, and someone may now. Due at once: the case has already waited a reminder period.
pub fn resumed(case: &Case, roles: &Roles, now: Timestamp) -> Option<Scheduled> {
    if case.next.is_some() {
        return None;
    }
    let right = match case.state {
        CaseState::Taken { .. } => Right::Decide,
        CaseState::Proposed { .. } => Right::Settle,
        _ => return None,
    };
    if roles.who_may(case, right).is_empty() {
        return None;
    }
    Some(Scheduled {
        due: now,
        timer: Timer::Remind,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::case::tests::{open_case, roles, stamp, user};
    use crate::domain::{Category, Stamp};

    fn policy() -> PagingPolicy {
        PagingPolicy::default()
    }

    #[test]
    fn a_guessed_threat_pages_one_at_a_time_and_its_confirmation_pages_the_rest() {
        let mut case = open_case();
        case.category = Category::Threat;
        case.severity = crate::domain::Severity::High;
        case.unconfirmed = true;
        let (effects, next) = on_open(&case, &roles(), &policy());
        let paged: Vec<_> = effects
            .iter()
            .filter(|e| matches!(e, Effect::Page { .. }))
            .collect();
        assert_eq!(paged.len(), 1, "not the whole chain on a guess");
        case.next = next;
        let was = pages_everyone(&case);
        assert!(!was);
        case.unconfirmed = false;
        let now = stamp("UAGENT1", 1).at;
        let (effects, next) = after_classified(was, &case, &roles(), &policy(), now);
        assert_eq!(
            effects.first(),
            Some(&Effect::Page { to: user("UEXEC2") }),
            "only who was not paged yet"
        );
        assert!(matches!(
            next,
            Some(Scheduled {
                timer: Timer::Here { round: 1 },
                ..
            })
        ));
        case.next = next;
        let (again, _) = after_classified(true, &case, &roles(), &policy(), now);
        assert!(again.is_empty(), "already everyone");
    }

    #[test]
    fn the_audit_trail_names_who_a_timer_paged_alerted_or_reminded() {
        let effects = vec![
            Effect::Page { to: user("UEXEC1") },
            Effect::Page { to: user("UEXEC2") },
            Effect::ThreadNote {
                note: Note::Paged {
                    to: vec![user("UEXEC1"), user("UEXEC2")],
                },
            },
            Effect::HereAlert { round: 2, of: 3 },
            Effect::ThreadNote {
                note: Note::Reminder {
                    to: vec![user("UMGR1")],
                    approval: true,
                },
            },
        ];
        assert_eq!(
            notices(&effects),
            vec![
                Notice::Paged {
                    to: vec![user("UEXEC1"), user("UEXEC2")]
                },
                Notice::Alerted { round: 2, of: 3 },
                Notice::Reminded {
                    to: vec![user("UMGR1")]
                },
            ]
        );
        assert_eq!(notices(&[Effect::UpdateCard]), vec![]);
    }

    fn pages(effects: &[Effect]) -> Vec<String> {
        effects
            .iter()
            .filter_map(|e| match e {
                Effect::Page { to } => Some(to.to_string()),
                _ => None,
            })
            .collect()
    }

    #[test]
    fn the_chain_is_paged_in_order_then_the_channel_is_alerted() {
        let case = open_case();
        let (effects, next) = on_open(&case, &roles(), &policy());
        assert_eq!(pages(&effects), ["UEXEC1"]);
        let next = next.unwrap();
        assert_eq!(next.timer, Timer::Page { index: 1 });
        assert_eq!(next.due, case.opened_at + SignedDuration::from_mins(15));

        let (effects, next) = on_timer(&case, next.timer, &roles(), &policy(), next.due);
        assert_eq!(pages(&effects), ["UEXEC2"]);
        let mut next = next.unwrap();
        assert_eq!(next.timer, Timer::Here { round: 1 });

        for round in 1..=3 {
            let (effects, after) = on_timer(&case, next.timer, &roles(), &policy(), next.due);
            assert_eq!(effects, [Effect::HereAlert { round, of: 3 }]);
            match after {
                Some(after) => next = after,
                None => assert_eq!(round, 3, "alerts stop after max_rounds"),
            }
        }
    }

    #[test]
    fn a_critical_case_pages_everyone_at_once() {
        let mut case = open_case();
        case.category = Category::Violence;
        case.severity = Severity::Critical;
        let (effects, next) = on_open(&case, &roles(), &policy());
        assert_eq!(pages(&effects), ["UEXEC1", "UEXEC2"]);
        assert_eq!(next.unwrap().timer, Timer::Here { round: 1 });
    }

    #[test]
    fn a_threat_pages_everyone_even_when_the_form_said_high() {
        let mut case = open_case();
        case.category = Category::Threat;
        case.severity = Severity::High;
        let (effects, _) = on_open(&case, &roles(), &policy());
        assert_eq!(pages(&effects), ["UEXEC1", "UEXEC2"]);
    }

    #[test]
    fn a_case_its_reporter_called_critical_pages_everyone() {
        let mut case = open_case();
        case.category = Category::Other;
        case.severity = Severity::Critical;
        let (effects, _) = on_open(&case, &roles(), &policy());
        assert_eq!(pages(&effects), ["UEXEC1", "UEXEC2"]);
    }

    #[test]
    fn a_taken_case_is_never_paged_again() {
        let mut case = open_case();
        case.state = CaseState::Taken {
            owner: stamp("UEXEC1", 1),
        };
        for timer in [Timer::Page { index: 1 }, Timer::Here { round: 1 }] {
            assert_eq!(
                on_timer(&case, timer, &roles(), &policy(), case.opened_at),
                (vec![], None)
            );
        }
    }

    #[test]
    fn taking_schedules_a_reminder_for_the_owner() {
        let by = stamp("UEXEC1", 1);
        let next = after_event(&Event::Taken { by: by.clone() }, &policy(), None).unwrap();
        assert_eq!(next.timer, Timer::Remind);
        assert_eq!(next.due, by.at + SignedDuration::from_hours(24));
        let mut case = open_case();
        case.state = CaseState::Taken { owner: by };
        let (effects, again) = on_timer(&case, Timer::Remind, &roles(), &policy(), next.due);
        assert_eq!(
            effects,
            [Effect::ThreadNote {
                note: Note::Reminder {
                    to: vec![user("UEXEC1")],
                    approval: false
                }
            }]
        );
        assert!(again.is_some(), "reminders repeat until someone decides");
    }

    #[test]
    fn a_pending_proposal_reminds_the_other_managers() {
        let mut case = open_case();
        case.state = CaseState::Proposed {
            owner: stamp("UMGR1", 1),
            proposal: crate::domain::Proposal {
                outcome: crate::domain::Outcome::only(crate::domain::Measure::Termination),
                proposed: Stamp {
                    by: user("UMGR1"),
                    at: case.opened_at,
                },
                checks: None,
                prevention: None,
            },
        };
        let (effects, _) = on_timer(&case, Timer::Remind, &roles(), &policy(), case.opened_at);
        assert_eq!(
            effects,
            [Effect::ThreadNote {
                note: Note::Reminder {
                    to: vec![user("UMGR2")],
                    approval: true
                }
            }]
        );
    }

    #[test]
    fn an_executive_who_reported_the_case_is_skipped_in_the_chain() {
        let mut case = open_case();
        case.reporter = user("UEXEC1");
        let (effects, next) = on_open(&case, &roles(), &policy());
        assert_eq!(pages(&effects), ["UEXEC2"]);
        assert_eq!(next.unwrap().timer, Timer::Here { round: 1 });
        case.severity = Severity::Critical;
        let (effects, _) = on_open(&case, &roles(), &policy());
        assert_eq!(
            pages(&effects),
            ["UEXEC2"],
            "critical: everyone else at once"
        );
        let alone = Roles::new(vec![user("UEXEC1")], vec![user("UMGR1"), user("UMGR2")]);
        let (effects, next) = on_open(&case, &alone, &policy());
        assert!(
            pages(&effects).is_empty(),
            "nobody is paged about their own report"
        );
        let next = next.unwrap();
        assert_eq!(
            (next.timer, next.due),
            (Timer::Here { round: 1 }, case.opened_at),
            "the channel is alerted at once instead"
        );
    }

    #[test]
    fn reminders_go_to_whoever_may_act_now_and_stop_when_nobody_may() {
        let mut case = open_case();
        case.state = CaseState::Taken {
            owner: stamp("UEXEC2", 1),
        };
        // The owner left people.executives: the managers are reminded instead.
        let without_owner = Roles::new(vec![user("UEXEC1")], vec![user("UMGR1"), user("UMGR2")]);
        let (effects, next) = on_timer(
            &case,
            Timer::Remind,
            &without_owner,
            &policy(),
            case.opened_at,
        );
        assert_eq!(
            effects,
            [Effect::ThreadNote {
                note: Note::Reminder {
                    to: vec![user("UMGR1"), user("UMGR2")],
                    approval: false
                }
            }]
        );
        assert!(next.is_some());
        // Nobody who may decide is left (the one manager is the reporter).
        case.reporter = user("UMGR1");
        let nobody = Roles::new(vec![user("UEXEC1")], vec![user("UMGR1")]);
        assert_eq!(
            on_timer(&case, Timer::Remind, &nobody, &policy(), case.opened_at),
            (
                vec![Effect::ThreadNote {
                    note: Note::NobodyMayAct { approval: false }
                }],
                None
            ),
            "no reminder to an empty list, no more reminders, and the thread says why"
        );
        assert!(
            notices(&[Effect::ThreadNote {
                note: Note::NobodyMayAct { approval: false }
            }])
            .is_empty()
        );
    }

    #[test]
    fn a_stopped_reminder_resumes_once_someone_may_act() {
        let mut case = open_case();
        case.reporter = user("UMGR1");
        case.state = CaseState::Taken {
            owner: stamp("UEXEC2", 1),
        };
        let now = case.opened_at;
        let nobody = Roles::new(vec![user("UEXEC1")], vec![user("UMGR1")]);
        assert_eq!(resumed(&case, &nobody, now), None, "still nobody");
        let back = Roles::new(vec![user("UEXEC2")], vec![user("UMGR1")]);
        assert_eq!(
            resumed(&case, &back, now),
            Some(Scheduled {
                due: now,
                timer: Timer::Remind
            })
        );
        case.next = resumed(&case, &back, now);
        assert_eq!(resumed(&case, &back, now), None, "one timer at most");
        let open = open_case();
        assert_eq!(resumed(&open, &back, now), None, "paging is not a reminder");
    }

    #[test]
    fn a_closed_case_waits_only_for_its_check_in() {
        let decision = crate::domain::Decision {
            outcome: crate::domain::Outcome::only(crate::domain::Measure::Warning),
            decided: stamp("UEXEC1", 1),
            approved: None,
            policy_version: "v".into(),
            checks: None,
            prevention: None,
        };
        let closed = Event::Closed { decision };
        let reminder = Some(Scheduled {
            due: stamp("UEXEC1", 60).at,
            timer: Timer::Remind,
        });
        assert_eq!(
            after_event(&closed, &policy(), reminder),
            Some(Scheduled {
                due: stamp("UEXEC1", 1).at + SignedDuration::from_hours(72),
                timer: Timer::CheckIn
            }),
            "no reminder, no page: the check-in"
        );
        let off = PagingPolicy {
            check_in_after: None,
            ..policy()
        };
        assert_eq!(after_event(&closed, &off, reminder), None);
    }
}
