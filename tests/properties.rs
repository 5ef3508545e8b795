//! Property tests of the case state machine and paging: whatever sequence of clicks by
//! whoever, and whatever timers fire in between, no termination (or large refund) is
//! recorded without a manager's approval by someone other than the proposer, nothing
//! changes a closed case, and no page or alert goes out once someone has taken the case.

use escalation_bot::domain::paging::{self, PagingPolicy};
use escalation_bot::domain::{
    Action, Case, CaseId, CaseState, Category, CustomerId, Effect, Event, History, Measure,
    Measures, NewCase, Outcome, Policy, Roles, Source, Stamp, Timer, UserId,
};
use jiff::{SignedDuration, Timestamp};
use proptest::prelude::*;

const PEOPLE: [&str; 6] = ["UAGENT", "UEXEC1", "UEXEC2", "UMGR1", "UMGR2", "UMGREXEC"];

fn user(id: &str) -> UserId {
    UserId::parse(id).expect("valid id")
}

fn roles() -> Roles {
    Roles::new(
        vec![user("UEXEC1"), user("UEXEC2"), user("UMGREXEC")],
        vec![user("UMGR1"), user("UMGR2"), user("UMGREXEC")],
    )
}

fn policy() -> Policy {
    Policy {
        version: "p".into(),
        refund_approval_over: 1000,
    }
}

#[derive(Debug, Clone)]
enum Step {
    Act { action: Action, by: usize },
    Fire(Timer),
    Tick,
}

/// Any combination of measures, with or without their details (so incomplete ones and
/// "no action" combined with a measure are tried too).
fn outcome() -> impl Strategy<Value = Outcome> {
    (
        proptest::collection::vec(0..Measure::ALL.len(), 0..4),
        proptest::option::of(0u64..3000),
        any::<bool>(),
    )
        .prop_map(|(picks, refund, dated)| Outcome {
            measures: Measures::of(picks.into_iter().map(|i| Measure::ALL[i])),
            refund,
            suspended_until: dated.then(|| "2027-01-31".parse().expect("a date")),
            contact: Default::default(),
        })
}

fn step() -> impl Strategy<Value = Step> {
    let action = prop_oneof![
        Just(Action::Take),
        outcome().prop_map(Action::Decide),
        Just(Action::Approve { proposal: None }),
        Just(Action::Reject { proposal: None }),
        Just(Action::IdentifyCustomer(
            CustomerId::parse("named").unwrap()
        )),
    ];
    let timer = prop_oneof![
        (0usize..4).prop_map(|index| Timer::Page { index }),
        (1u32..5).prop_map(|round| Timer::Here { round }),
        Just(Timer::Remind),
    ];
    prop_oneof![
        4 => (action, 0..PEOPLE.len()).prop_map(|(action, by)| Step::Act { action, by }),
        2 => timer.prop_map(Step::Fire),
        1 => Just(Step::Tick),
    ]
}

fn new_case(severity_critical: bool, customer_known: bool) -> Case {
    let category = if severity_critical {
        Category::Threat
    } else {
        Category::VerbalAbuse
    };
    let new = NewCase {
        customer: customer_known.then(|| CustomerId::parse("cust").unwrap()),
        category,
        severity: None,
        promise_failed: None,
        summary: String::new(),
        reporter: user("UAGENT"),
        reported_from: None,
        evidence: None,
        source: Source::Command,
        facts: Default::default(),
    };
    Case::open(
        CaseId::new(1),
        new,
        Timestamp::from_second(1_800_000_000).unwrap(),
        History::default(),
    )
}

fn pages_or_alerts(effects: &[Effect]) -> bool {
    effects
        .iter()
        .any(|e| matches!(e, Effect::Page { .. } | Effect::HereAlert { .. }))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn no_sequence_of_actions_breaks_the_approval_or_paging_rules(
        critical in any::<bool>(),
        customer_known in any::<bool>(),
        steps in proptest::collection::vec(step(), 0..40),
    ) {
        let roles = roles();
        let policy = policy();
        let paging_policy = PagingPolicy::default();
        let mut case = new_case(critical, customer_known);
        let mut now = case.opened_at;
        let mut ever_taken = false;

        let (opening, next) = paging::on_open(&case, &roles, &paging_policy);
        prop_assert!(pages_or_alerts(&opening), "an open case pages someone");
        case.next = next;

        for step in steps {
            match step {
                Step::Tick => now += SignedDuration::from_mins(7),
                Step::Fire(timer) => {
                    let (effects, next) = paging::on_timer(&case, timer, &roles, &paging_policy, now);
                    if ever_taken {
                        prop_assert!(!pages_or_alerts(&effects), "a page after the take: {effects:?}");
                    }
                    if !matches!(case.state, CaseState::Open) {
                        prop_assert!(next.is_none_or(|n| n.timer == Timer::Remind));
                    }
                }
                Step::Act { action, by } => {
                    let actor = Stamp { by: user(PEOPLE[by]), at: now };
                    let before = case.clone();
                    match case.apply(action, &actor, &roles, &policy) {
                        Err(_) => prop_assert_eq!(&case, &before, "a refusal changes nothing"),
                        Ok((state, event)) => {
                            prop_assert!(!before.is_closed(), "a closed case changed: {event:?}");
                            prop_assert!(!pages_or_alerts(&Effect::for_event(&event)));
                            if let Event::Closed { decision } = &event {
                                prop_assert_eq!(decision.outcome.check(), Ok(()));
                                let needs = decision.outcome.terminates()
                                    || decision.outcome.has(Measure::Suspension)
                                    || decision.outcome.refund_amount().is_some_and(|a| a > policy.refund_approval_over);
                                if needs {
                                    let approver = decision.approved.as_ref();
                                    prop_assert!(approver.is_some(), "unapproved {:?}", decision.outcome);
                                    let approver = &approver.unwrap().by;
                                    prop_assert!(roles.is_manager(approver), "approved by a non-manager");
                                    prop_assert!(*approver != decision.decided.by, "self-approved");
                                }
                                prop_assert!(decision.outcome.refund_amount() != Some(0));
                            }
                            if let Event::Closed { decision } = &event {
                                prop_assert!(
                                    case.customer.is_some() || decision.outcome.is_no_action(),
                                    "{:?} for a customer nobody named", decision.outcome
                                );
                            }
                            if let Event::CustomerIdentified { customer, .. } = &event {
                                prop_assert!(case.customer.is_none(), "named twice");
                                case.set_customer(customer.clone(), History::default());
                            }
                            case.state = state;
                            case.next = paging::after_event(&event, &paging_policy, case.next);
                            if !matches!(case.state, CaseState::Open) {
                                ever_taken = true;
                            }
                        }
                    }
                }
            }
        }
    }
}
