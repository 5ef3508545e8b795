//! Unit tests of the store's transactions (black-box behaviour is in tests/).

use jiff::SignedDuration;

use super::*;
use crate::domain::case::tests::{policy, roles, stamp};
use crate::domain::{
    Action, CaseState, Category, Effect, MessageRef, NewCase, Outcome, PagingPolicy, Rules, Timer,
    UserId,
};
use crate::store::outbox::{Delivered, Gate};

fn rules() -> Rules {
    Rules {
        roles: roles(),
        policy: policy(),
        paging: PagingPolicy::default(),
    }
}

fn new_case(customer: &str) -> NewCase {
    NewCase {
        customer: CustomerId::parse(customer),
        category: Category::VerbalAbuse,
        severity: None,
        promise_failed: None,
        summary: "s".into(),
        reporter: UserId::parse("UAGENT1").unwrap(),
        reported_from: None,
        evidence: None,
        source: crate::domain::Source::Command,
    }
}

fn temp() -> (tempfile::TempDir, Store) {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(&dir.path().join("s"), 1 << 20).unwrap();
    (dir, store)
}

#[tokio::test]
async fn cases_are_numbered_in_order_and_queue_their_deliveries() {
    let (_dir, store) = temp();
    let at = stamp("UAGENT1", 0).at;
    let a = store
        .open_case(new_case("c1"), at, &rules(), None)
        .await
        .unwrap()
        .case;
    let b = store
        .open_case(new_case("c1"), at, &rules(), None)
        .await
        .unwrap()
        .case;
    assert_eq!((a.id.number(), b.id.number()), (1, 2));
    assert_eq!(b.history.prior_cases, 1, "the second case sees the first");
    // Card, page, thread note per case.
    assert_eq!(store.outbox_len(), 6);
    let (due, _) = store.outbox_due(at, 100, |_| Gate::Go).unwrap();
    // One head per lane, and pages wait one pass for their card: the two cards.
    assert_eq!(due.len(), 2);
    assert!(due.iter().all(|q| q.entry.effect == Effect::PostCard));
}

#[tokio::test]
async fn a_replayed_request_returns_the_first_case_and_writes_nothing() {
    let (_dir, store) = temp();
    let at = stamp("UAGENT1", 0).at;
    let first = store
        .open_case(new_case("c1"), at, &rules(), Some(("trigger", "t-1")))
        .await
        .unwrap();
    let again = store
        .open_case(new_case("c1"), at, &rules(), Some(("trigger", "t-1")))
        .await
        .unwrap();
    assert!(!first.replayed && again.replayed);
    assert_eq!(again.case.id, first.case.id);
    assert_eq!(store.tallies().unwrap().cases_total, 1);
    assert_eq!(store.audit().count(), 1);
}

#[tokio::test]
async fn a_refusal_writes_nothing() {
    let (_dir, store) = temp();
    let at = stamp("UAGENT1", 0).at;
    let case = store
        .open_case(new_case("c1"), at, &rules(), None)
        .await
        .unwrap()
        .case;
    let audit_before = store.audit().count();
    let outbox_before = store.outbox_len();
    let refused = store
        .act(
            case.id,
            Action::Decide(Outcome::Warning),
            stamp("UEXEC1", 1),
            &rules(),
        )
        .await;
    assert!(matches!(
        refused,
        Err(ActError::Refused(Refusal::NotTakenYet))
    ));
    assert_eq!(store.case(case.id).unwrap().unwrap(), case);
    assert_eq!(store.audit().count(), audit_before);
    assert_eq!(store.outbox_len(), outbox_before);
    let missing = store
        .act(CaseId::new(99), Action::Take, stamp("UEXEC1", 1), &rules())
        .await;
    assert!(matches!(missing, Err(ActError::NoSuchCase(_))));
}

#[tokio::test]
async fn a_store_from_a_newer_version_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("s");
    {
        let db = sled::open(&path).unwrap();
        db.open_tree("meta")
            .unwrap()
            .insert(keys::SCHEMA_VERSION, encode(&(SCHEMA_VERSION + 1)))
            .unwrap();
        db.flush().unwrap();
    }
    // sled lets go of its lock a moment after the last handle is dropped.
    let mut result = Store::open(&path, 1 << 20);
    for _ in 0..100 {
        if !matches!(result, Err(StoreError::Locked { .. })) {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
        result = Store::open(&path, 1 << 20);
    }
    let Err(err) = result else {
        panic!("a newer store must not open");
    };
    assert!(matches!(err, StoreError::TooNew { found, .. } if found == SCHEMA_VERSION + 1));
    assert!(err.to_string().contains("Upgrade the bot"));
}

#[tokio::test]
async fn a_delivery_records_what_it_posted() {
    let (_dir, store) = temp();
    let at = stamp("UAGENT1", 0).at;
    let case = store
        .open_case(new_case("c1"), at, &rules(), None)
        .await
        .unwrap()
        .case;
    let (due, _) = store.outbox_due(at, 1, |_| Gate::Go).unwrap();
    let card = MessageRef {
        channel: crate::domain::ChannelId::parse("C0ESC").unwrap(),
        ts: "1.000100".into(),
    };
    store
        .outbox_delivered(&due[0], Delivered::Card(card.clone()))
        .await
        .unwrap();
    assert_eq!(store.case(case.id).unwrap().unwrap().posts.card, Some(card));
    assert_eq!(store.outbox_len(), 2);
}

#[tokio::test]
async fn a_due_timer_fires_once_and_schedules_the_next() {
    let (_dir, store) = temp();
    let at = stamp("UAGENT1", 0).at;
    let case = store
        .open_case(new_case("c1"), at, &rules(), None)
        .await
        .unwrap()
        .case;
    let first_due = at + SignedDuration::from_mins(15);
    assert_eq!(store.next_timer().unwrap(), Some(first_due));
    assert_eq!(
        store
            .fire_due_timers(first_due - SignedDuration::from_secs(1), &rules(), 10)
            .await
            .unwrap(),
        0
    );
    let outbox_before = store.outbox_len();
    assert_eq!(
        store
            .fire_due_timers(first_due, &rules(), 10)
            .await
            .unwrap(),
        1
    );
    assert_eq!(
        store.outbox_len(),
        outbox_before + 2,
        "a page and a thread note"
    );
    let next = store.case(case.id).unwrap().unwrap().next.unwrap();
    assert_eq!(next.timer, Timer::Here { round: 1 });
    assert_eq!(store.next_timer().unwrap(), Some(next.due));
    assert_eq!(
        store
            .fire_due_timers(first_due, &rules(), 10)
            .await
            .unwrap(),
        0,
        "fired once"
    );
}

#[tokio::test]
async fn taking_a_case_replaces_its_paging_timer_with_a_reminder() {
    let (_dir, store) = temp();
    let at = stamp("UAGENT1", 0).at;
    let case = store
        .open_case(new_case("c1"), at, &rules(), None)
        .await
        .unwrap()
        .case;
    store
        .act(case.id, Action::Take, stamp("UEXEC1", 5), &rules())
        .await
        .unwrap();
    let taken = store.case(case.id).unwrap().unwrap();
    assert!(matches!(taken.state, CaseState::Taken { .. }));
    let next = taken.next.unwrap();
    assert_eq!(next.timer, Timer::Remind);
    assert_eq!(
        store.next_timer().unwrap(),
        Some(next.due),
        "the old paging timer is gone"
    );
    assert_eq!(store.timers.len(), 1);
}

#[tokio::test]
async fn events_are_accepted_once_with_their_work_and_forgotten_after_the_retention() {
    let (_dir, store) = temp();
    let at = stamp("UAGENT1", 0).at;
    let work = Work::Reaction {
        channel: crate::domain::ChannelId::parse("C0SUPPORT").unwrap(),
        ts: "1.2".into(),
        reporter: UserId::parse("UAGENT1").unwrap(),
    };
    assert!(
        store
            .accept_event("Ev1", at, Some(work.clone()))
            .await
            .unwrap()
    );
    assert!(!store.accept_event("Ev1", at, Some(work)).await.unwrap());
    assert_eq!(store.work_len(), 1, "the duplicate queued nothing");
    let kept = store.prune(at + SignedDuration::from_mins(61)).unwrap();
    assert_eq!(kept, 0, "kept an hour");
    let later = at + ONCE_RETENTION + SignedDuration::from_secs(1);
    assert_eq!(store.prune(later).unwrap(), 1);
    assert!(store.accept_event("Ev1", at, None).await.unwrap());
}
