//! Unit tests of the store's transactions (black-box behaviour is in tests/).

use jiff::SignedDuration;

use super::*;
use crate::domain::case::tests::{policy, roles, stamp};
use crate::domain::{
    Action, CaseState, Category, Effect, Measure, MessageRef, NewCase, Outcome, PagingPolicy,
    Rules, Timer, UserId,
};
use crate::store::outbox::Delivered;

/// Check-ins off: these tests archive closed cases as soon as a week has passed, which a
/// check-in still to come would delay (see `a_check_in_keeps_its_case_live_until_it_is_over`).
fn rules() -> Rules {
    Rules {
        roles: roles(),
        policy: policy(),
        paging: PagingPolicy {
            check_in_after: None,
            ..PagingPolicy::default()
        },
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
        facts: Default::default(),
    }
}

/// Opens the store at `path` once sled has let go of its lock, which it does a moment
/// after the last handle is dropped.
fn open_when_released(path: &std::path::Path) -> Result<Store, StoreError> {
    let mut result = Store::open(path, 1 << 20);
    for _ in 0..100 {
        if !matches!(result, Err(StoreError::Locked { .. })) {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
        result = Store::open(path, 1 << 20);
    }
    result
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
    let (due, _) = store
        .outbox_due(at, 100, |_| false, |_| usize::MAX)
        .unwrap();
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

/// Two cases opened at once share one flush and one batch; a replay that arrives while
/// the first request waits for that flush reads the case from the batch, and is answered
/// only once the case is in the trees.
#[tokio::test]
async fn requests_waiting_on_one_flush_share_a_batch_and_a_replay_waits_for_it() {
    let (_dir, store) = temp();
    let at = stamp("UAGENT1", 0).at;
    let rules = rules();
    let (first, other, again) = tokio::join!(
        store.open_case(new_case("c1"), at, &rules, Some(("trigger", "t-1"))),
        store.open_case(new_case("c2"), at, &rules, Some(("trigger", "t-2"))),
        store.open_case(new_case("c1"), at, &rules, Some(("trigger", "t-1"))),
    );
    let (first, other, again) = (first.unwrap(), other.unwrap(), again.unwrap());
    assert!(!first.replayed && !other.replayed && again.replayed);
    assert_eq!(again.case.id, first.case.id);
    assert_eq!(
        (first.case.id.number(), other.case.id.number()),
        (1, 2),
        "the second change read the next case number the first left pending"
    );
    assert!(store.case(first.case.id).unwrap().is_some());
    assert!(store.case(other.case.id).unwrap().is_some());
    assert_eq!(store.tallies().unwrap().cases_total, 2);
    assert_eq!(store.outbox_len(), 6);
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
            Action::Decide(Outcome::only(Measure::Warning)),
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
    let Err(err) = open_when_released(&path) else {
        panic!("a newer store must not open");
    };
    assert!(matches!(err, StoreError::TooNew { found, .. } if found == SCHEMA_VERSION + 1));
    assert!(err.to_string().contains("Upgrade the bot"));
}

#[tokio::test]
async fn a_store_claiming_schema_0_is_refused_as_corrupt() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("s");
    {
        let db = sled::open(&path).unwrap();
        db.open_tree("meta")
            .unwrap()
            .insert(keys::SCHEMA_VERSION, encode(&0u32))
            .unwrap();
        db.flush().unwrap();
    }
    let Err(err) = open_when_released(&path) else {
        panic!("a store with schema 0 must not open");
    };
    assert!(
        matches!(err, StoreError::Corrupt { tree: "meta", .. }),
        "{err}"
    );
}

#[tokio::test]
async fn an_unreadable_case_counter_stops_numbering_instead_of_restarting_it() {
    let (_dir, store) = temp();
    let at = stamp("UAGENT1", 0).at;
    store
        .open_case(new_case("c1"), at, &rules(), None)
        .await
        .unwrap();
    store.meta.insert(keys::NEXT_CASE, &b"two"[..]).unwrap();
    let refused = store.open_case(new_case("c1"), at, &rules(), None).await;
    assert!(
        matches!(refused, Err(StoreError::Corrupt { tree: "meta", .. })),
        "{refused:?}"
    );
    assert_eq!(store.tallies().unwrap().cases_total, 1, "nothing written");
    assert_eq!(store.cases().count(), 1);
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
    let (due, _) = store.outbox_due(at, 1, |_| false, |_| usize::MAX).unwrap();
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
    let timeline = store.timeline(case.id).unwrap();
    assert_eq!(
        timeline.last(),
        Some(&Event::Notified {
            notice: crate::domain::Notice::Paged {
                to: vec![UserId::parse("UEXEC2").unwrap()]
            },
            at: first_due,
        }),
        "the re-page is on the audit trail"
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
    assert_eq!(
        store.timeline(case.id).unwrap().len(),
        timeline.len(),
        "logged once"
    );
    assert_eq!(
        store.tallies().unwrap().cases_total,
        1,
        "a notice counts nowhere"
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
    assert!(!store.event_seen("Ev1").unwrap());
    assert!(
        store
            .accept_event("Ev1", at, Some(work.clone()))
            .await
            .unwrap()
    );
    assert!(store.event_seen("Ev1").unwrap());
    assert!(!store.event_seen("Ev2").unwrap());
    assert!(!store.accept_event("Ev1", at, Some(work)).await.unwrap());
    assert_eq!(store.work_len(), 1, "the duplicate queued nothing");
    let kept = store.prune(at + SignedDuration::from_mins(61)).unwrap();
    assert_eq!(kept, 0, "kept an hour");
    let later = at + ONCE_RETENTION + SignedDuration::from_secs(1);
    assert_eq!(store.prune(later).unwrap(), 1);
    assert!(store.accept_event("Ev1", at, None).await.unwrap());
}

#[test]
fn an_outbox_entry_says_what_it_is_about_and_those_written_before_consultations_read_as_cases() {
    let old = r#"{"case":7,"effect":{"effect":"post-card"},"lane":"ESC-7/escalation",
        "created_at":"2026-11-16T00:00:00Z","not_before":"2026-11-16T00:00:00Z",
        "attempts":0,"last_error":null}"#;
    let entry: OutboxEntry = serde_json::from_str(old).unwrap();
    assert_eq!(entry.about, About::Case(CaseId::new(7)));
    assert_eq!(entry.case(), Some(CaseId::new(7)));
    let about = OutboxEntry {
        about: About::Consultation(crate::domain::ConsultationId::new(3)),
        ..entry
    };
    let json = serde_json::to_value(&about).unwrap();
    assert_eq!(json["consultation"], 3);
    assert!(json.get("case").is_none());
    let back: OutboxEntry = serde_json::from_value(json).unwrap();
    assert_eq!(back, about);
    assert_eq!(back.case(), None);
}

mod weekly {
    use super::*;
    use crate::domain::{Case, Measure, Stamp, Tallies, Week, WeekStats};
    use jiff::Timestamp;
    use jiff::tz::TimeZone;

    fn at(s: &str) -> Timestamp {
        s.parse().unwrap()
    }

    fn by(user: &str, when: &str) -> Stamp {
        Stamp {
            by: UserId::parse(user).unwrap(),
            at: at(when),
        }
    }

    fn case_of(customer: &str, category: Category) -> NewCase {
        NewCase {
            category,
            ..new_case(customer)
        }
    }

    /// Tokyo weeks: 2026-W47 is Mon 16 Nov 00:00 JST (Sun 15 Nov 15:00 UTC) to Sun 22
    /// Nov 23:59 JST.
    async fn history(store: &Store) {
        let rules = rules();
        let open = |customer: &'static str, category, when: &'static str| {
            let store = store.clone();
            let rules = rules.clone();
            async move {
                store
                    .open_case(case_of(customer, category), at(when), &rules, None)
                    .await
                    .unwrap()
                    .case
                    .id
            }
        };
        let act = |id, action, stamp| {
            let store = store.clone();
            let rules = rules.clone();
            async move { store.act(id, action, stamp, &rules).await.unwrap() }
        };
        // W46 (Sunday 15 Nov 20:00 JST): decided in W47.
        let a = open("acme", Category::Threat, "2026-11-15T11:00:00Z").await;
        // W47, Monday 00:30 JST, though Sunday in UTC.
        let b = open("acme", Category::VerbalAbuse, "2026-11-15T15:30:00Z").await;
        let c = open("bolt", Category::Sexual, "2026-11-18T01:00:00Z").await;
        let d = open("cord", Category::Discrimination, "2026-11-19T01:00:00Z").await;
        let e = open("bolt", Category::VerbalAbuse, "2026-11-20T01:00:00Z").await;
        // W48, Monday 01:00 JST.
        let _f = open("dune", Category::Other, "2026-11-22T16:00:00Z").await;

        act(a, Action::Take, by("UEXEC1", "2026-11-15T11:10:00Z")).await;
        act(
            a,
            crate::domain::case::tests::terminate(),
            by("UEXEC1", "2026-11-16T01:00:00Z"),
        )
        .await;
        act(
            a,
            Action::Approve { proposal: None },
            by("UMGR1", "2026-11-16T03:00:00Z"),
        )
        .await;
        act(b, Action::Take, by("UEXEC2", "2026-11-15T16:30:00Z")).await;
        act(
            b,
            Action::Decide(Outcome::only(Measure::Warning)),
            by("UEXEC2", "2026-11-16T15:30:00Z"),
        )
        .await;
        act(c, Action::Take, by("UEXEC1", "2026-11-18T01:20:00Z")).await;
        act(
            c,
            Action::Decide(Outcome::refund(30_000)),
            by("UEXEC1", "2026-11-18T05:00:00Z"),
        )
        .await;
        act(d, Action::Take, by("UEXEC2", "2026-11-19T04:00:00Z")).await;
        // e stays open, untaken; d stays taken.
        let _ = e;
    }

    fn tokyo() -> TimeZone {
        TimeZone::get("Asia/Tokyo").unwrap()
    }

    async fn tokyo_store() -> (tempfile::TempDir, Store) {
        let (dir, mut store) = temp();
        store.set_report_zone(tokyo(), "Asia/Tokyo").unwrap();
        history(&store).await;
        (dir, store)
    }

    #[tokio::test]
    async fn a_weeks_numbers_match_the_history_that_made_them() {
        let (_dir, store) = tokyo_store().await;
        let w47: Week = "2026-W47".parse().unwrap();
        let figures = store.week_figures(w47).unwrap();
        let stats = &figures.stats;
        assert_eq!(stats.opened, 4);
        assert_eq!(
            stats.categories_for_report(),
            (vec![(Category::VerbalAbuse, 2)], 2),
            "sexual and discrimination are counted together, unnamed"
        );
        assert_eq!(stats.repeat_cases, 2, "acme's and bolt's second cases");
        assert_eq!(stats.decided(Measure::Termination), 1);
        assert_eq!(stats.decided(Measure::Warning), 1);
        assert_eq!(stats.decided(Measure::Refund), 1);
        assert_eq!(
            (stats.refunds, stats.refund_total, stats.cut_off),
            (1, 30_000, 1)
        );
        // Taken in W47: b after 60 min, c after 20, d after 180 (a was taken in W46).
        let taken = figures.to_taken.unwrap();
        assert_eq!(taken.count, 3);
        assert_eq!(taken.median.as_mins(), 60);
        assert_eq!(taken.p90.as_mins(), 180);
        // Decided in W47: a after 16 h (approval counts), b after 24 h, c after 4 h.
        let decided = figures.to_decided.unwrap();
        assert_eq!(decided.count, 3);
        assert_eq!(decided.median.as_hours(), 16);
        assert_eq!(decided.p90.as_hours(), 24);

        let w46 = store.week_stats("2026-W46".parse().unwrap()).unwrap();
        assert_eq!((w46.opened, w46.decided_total()), (1, 0));
        let w48 = store.week_stats("2026-W48".parse().unwrap()).unwrap();
        assert_eq!(w48.opened, 1);
        assert_eq!(
            store.oldest_open().unwrap().unwrap().id.number(),
            4,
            "d, then e, f"
        );
        let tallies = store.tallies().unwrap();
        assert_eq!(
            (tallies.repeat_customers, tallies.customers_cut_off),
            (2, 1)
        );
    }

    #[tokio::test]
    async fn rebuilding_in_another_zone_and_back_gives_the_same_numbers() {
        let (_dir, mut store) = tokyo_store().await;
        let weeks: Vec<Week> = "2026-W48".parse::<Week>().unwrap().last(4);
        let snapshot = |store: &Store| -> Vec<WeekFigures> {
            weeks
                .iter()
                .map(|w| store.week_figures(*w).unwrap())
                .collect()
        };
        let counted = snapshot(&store);
        let tallies = store.tallies().unwrap();
        assert!(store.set_report_zone(TimeZone::UTC, "UTC").unwrap());
        // In UTC, b's Sunday-afternoon opening belongs to W46.
        let w46 = store.week_stats("2026-W46".parse().unwrap()).unwrap();
        assert_eq!(w46.opened, 2);
        assert!(store.set_report_zone(tokyo(), "Asia/Tokyo").unwrap());
        assert!(
            !store.set_report_zone(tokyo(), "Asia/Tokyo").unwrap(),
            "same zone: no work"
        );
        assert_eq!(snapshot(&store), counted);
        assert_eq!(store.tallies().unwrap(), tallies);
        let total: u64 = weeks
            .iter()
            .map(|w| store.week_stats(*w).unwrap().opened)
            .sum();
        assert_eq!(total, 6);
        assert_ne!(counted[1].stats, WeekStats::default());
    }

    #[tokio::test]
    async fn a_schema_1_store_is_migrated_and_its_aggregates_built() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("s");
        let (_other, store) = tokyo_store().await;
        let cases: Vec<Case> = store.cases().map(Result::unwrap).collect();
        let audit: Vec<AuditEntry> = store.audit().map(Result::unwrap).collect();
        drop(store);
        {
            // Schema 1: the same cases, the audit log keyed by sequence, no aggregates.
            let db = sled::open(&path).unwrap();
            let meta = db.open_tree("meta").unwrap();
            meta.insert(keys::SCHEMA_VERSION, encode(&1u32)).unwrap();
            let tree = db.open_tree("case_by_id").unwrap();
            for case in &cases {
                tree.insert(keys::case(case.id), encode(case)).unwrap();
            }
            let log = db.open_tree("audit_by_seq").unwrap();
            for (seq, entry) in audit.iter().enumerate() {
                log.insert(keys::seq(seq as u64), encode(entry)).unwrap();
            }
            db.flush().unwrap();
        }
        let mut store = open_when_released(&path).unwrap();
        store.set_report_zone(tokyo(), "Asia/Tokyo").unwrap();
        assert_eq!(store.audit().count(), audit.len());
        let names: Vec<&str> = store
            .timeline(CaseId::new(1))
            .unwrap()
            .iter()
            .map(|e| e.name())
            .collect();
        assert_eq!(names, ["opened", "taken", "proposed", "closed"]);
        let w47 = store.week_stats("2026-W47".parse().unwrap()).unwrap();
        assert_eq!((w47.opened, w47.decided_total()), (4, 3));
        assert!(
            store
                .db
                .tree_names()
                .iter()
                .all(|n| &n[..] != b"audit_by_seq")
        );
    }

    /// Everything a reader can see of the store, to compare before and after a change of
    /// layout.
    fn everything(store: &Store) -> (Vec<Case>, Vec<AuditEntry>, Vec<WeekFigures>, Tallies) {
        let weeks: Vec<Week> = "2026-W48".parse::<Week>().unwrap().last(4);
        (
            store.cases().map(Result::unwrap).collect(),
            store.audit().map(Result::unwrap).collect(),
            weeks
                .iter()
                .map(|w| store.week_figures(*w).unwrap())
                .collect(),
            store.tallies().unwrap(),
        )
    }

    #[tokio::test]
    async fn cases_closed_a_week_ago_move_to_the_archive_and_read_the_same() {
        let (dir, mut store) = tokyo_store().await;
        store.forget_deliveries().unwrap();
        let before = everything(&store);
        let a = CaseId::new(1);
        let a_before = store.case(a).unwrap().unwrap();
        // a closed on Monday 16 Nov, b that evening, c on Wednesday 18 Nov.
        let archive = |when: &str, limit| store.archive_closed(at(when), limit).unwrap();
        assert_eq!(archive("2026-11-23T02:00:00Z", 100), 0);
        assert_eq!(archive("2026-11-23T04:00:00Z", 100), 1);
        assert_eq!(archive("2026-12-01T00:00:00Z", 1), 1, "at most the limit");
        assert_eq!(archive("2026-12-01T00:00:00Z", 100), 1);
        assert_eq!(archive("2026-12-01T00:00:00Z", 100), 0);
        assert_eq!(store.cases.len(), 3, "d, e and f are still open");
        assert_eq!(
            store.audit.len(),
            4,
            "only the open cases' entries stay live"
        );
        assert_eq!(store.archive.len(), 1, "cases 1 to 15 share a block");

        assert_eq!(everything(&store), before);
        assert_eq!(store.case(a).unwrap().unwrap(), a_before);
        let names: Vec<&str> = store
            .timeline(a)
            .unwrap()
            .iter()
            .map(|e| e.name())
            .collect();
        assert_eq!(names, ["opened", "taken", "proposed", "closed"]);
        // Recounting the weeks reads archived cases too.
        store.set_report_zone(TimeZone::UTC, "UTC").unwrap();
        store.set_report_zone(tokyo(), "Asia/Tokyo").unwrap();
        assert_eq!(everything(&store), before);

        // An action on an archived case gets a closed case's answer and writes nothing.
        let take = store
            .act(
                a,
                Action::Take,
                by("UEXEC2", "2026-12-01T00:00:00Z"),
                &rules(),
            )
            .await;
        assert!(matches!(
            take,
            Err(ActError::Refused(Refusal::Closed { .. }))
        ));
        let missing = store
            .act(
                CaseId::new(99),
                Action::Take,
                by("UEXEC2", "2026-12-01T00:00:00Z"),
                &rules(),
            )
            .await;
        assert!(matches!(missing, Err(ActError::NoSuchCase(_))));
        assert_eq!(everything(&store), before);

        // The next case still numbers on, and the archive survives a restart.
        let g = store
            .open_case(
                case_of("acme", Category::Threat),
                at("2026-12-01T01:00:00Z"),
                &rules(),
                None,
            )
            .await
            .unwrap()
            .case;
        assert_eq!(g.id.number(), 7);
        assert_eq!(
            g.history.prior_cases, 2,
            "acme's archived cases still count"
        );
        let path = dir.path().join("s");
        drop(store);
        let store = open_when_released(&path).unwrap();
        assert_eq!(store.case(a).unwrap().unwrap(), a_before);
        assert_eq!(store.cases().count(), 7);
    }

    #[tokio::test]
    async fn a_check_in_keeps_its_case_live_until_it_is_over() {
        let (_dir, store) = temp();
        store.forget_deliveries().unwrap();
        let rules = Rules {
            paging: PagingPolicy::default(),
            ..rules()
        };
        let id = store
            .open_case(new_case("acme"), at("2026-11-16T00:00:00Z"), &rules, None)
            .await
            .unwrap()
            .case
            .id;
        store
            .act(
                id,
                Action::Take,
                by("UEXEC1", "2026-11-16T00:10:00Z"),
                &rules,
            )
            .await
            .unwrap();
        let warn = Action::Decide(Outcome::only(Measure::Warning));
        store
            .act(id, warn, by("UEXEC1", "2026-11-16T00:20:00Z"), &rules)
            .await
            .unwrap();
        store.forget_deliveries().unwrap();
        let next = store.case(id).unwrap().unwrap().next.unwrap();
        assert_eq!(next.timer, Timer::CheckIn);
        assert_eq!(
            next.due,
            at("2026-11-19T00:20:00Z"),
            "three days after the close"
        );
        let week_later = at("2026-11-24T00:00:00Z");
        assert_eq!(
            store.archive_closed(week_later, 100).unwrap(),
            0,
            "the check-in is still to come"
        );
        assert_eq!(
            store.fire_due_timers(week_later, &rules, 10).await.unwrap(),
            1
        );
        let case = store.case(id).unwrap().unwrap();
        assert!(case.check_in.is_some(), "sent");
        assert_eq!(case.next.map(|n| n.timer), Some(Timer::CheckInOver));
        assert_eq!(store.archive_closed(week_later, 100).unwrap(), 0);
        let over = at("2026-11-28T00:00:00Z");
        assert_eq!(store.fire_due_timers(over, &rules, 10).await.unwrap(), 1);
        store.forget_deliveries().unwrap();
        let names: Vec<&str> = store
            .timeline(id)
            .unwrap()
            .iter()
            .map(|e| e.name())
            .collect();
        assert_eq!(
            names,
            [
                "opened",
                "taken",
                "closed",
                "checked-in",
                "check-in-unanswered"
            ]
        );
        assert_eq!(store.archive_closed(over, 100).unwrap(), 1, "now it may go");
    }

    #[tokio::test]
    async fn retention_erases_the_details_of_old_cases_and_keeps_every_number() {
        let (_dir, mut store) = tokyo_store().await;
        // A case whose reporter the owner kept off the customer (a reporter's id on the
        // customer's record), with facts added, closed on Friday 20 Nov.
        let rules = rules();
        let g = store
            .open_case(new_case("gale"), at("2026-11-19T02:00:00Z"), &rules, None)
            .await
            .unwrap()
            .case
            .id;
        for (action, who, when) in [
            (Action::Take, "UEXEC1", "2026-11-19T03:00:00Z"),
            (Action::KeepReporterOff, "UEXEC1", "2026-11-19T03:05:00Z"),
            (
                Action::AddFacts(crate::domain::Facts {
                    words: Some("I know where you live".into()),
                    ..Default::default()
                }),
                "UEXEC1",
                "2026-11-19T03:10:00Z",
            ),
            (
                Action::Decide(Outcome::only(Measure::Warning)),
                "UEXEC1",
                "2026-11-20T01:00:00Z",
            ),
        ] {
            store.act(g, action, by(who, when), &rules).await.unwrap();
        }
        let gale = CustomerId::parse("gale").unwrap();
        assert_eq!(store.customer(&gale).unwrap().unwrap().kept_off.len(), 1);
        store.forget_deliveries().unwrap();
        assert_eq!(
            store
                .archive_closed(at("2026-12-01T00:00:00Z"), 100)
                .unwrap(),
            4
        );
        let before = everything(&store);
        let customers_before: Vec<_> = ["acme", "bolt", "gale"]
            .iter()
            .map(|c| {
                store
                    .customer(&CustomerId::parse(c).unwrap())
                    .unwrap()
                    .unwrap()
            })
            .collect();

        // Five years after Thursday 19 Nov: a (closed 16 Nov), b (16 Nov) and c (18 Nov)
        // are due, g (20 Nov) not yet.
        let now = at("2031-11-19T00:00:00Z");
        let cutoff = crate::domain::Retention::default().cutoff(now).unwrap();
        let erased = store.erase_closed_before(cutoff, "5y", now, 100).unwrap();
        assert_eq!(erased.cases, 3);
        assert_eq!(erased.ids, "ESC-1–ESC-3");
        let after = everything(&store);
        assert_eq!(after.2, before.2, "the weekly numbers stay");
        assert_eq!(after.3, before.3, "the tallies stay");
        for (case, was) in after.0.iter().zip(&before.0) {
            let mut expected = was.clone();
            if case.id.number() <= 3 {
                expected.erase(now);
            }
            assert_eq!(
                case, &expected,
                "{} is erased exactly as Case::erase says",
                case.id
            );
        }
        for (entry, was) in after.1.iter().zip(&before.1) {
            let mut expected = was.clone();
            if entry.case.number() <= 3 {
                expected.event.erase();
            }
            assert_eq!(entry, &expected);
        }
        // A customer's history (the ladder, recurrence) keeps its lines.
        for (customer, was) in customers_before.iter().take(2).zip(["acme", "bolt"]) {
            let now = store
                .customer(&CustomerId::parse(was).unwrap())
                .unwrap()
                .unwrap();
            assert_eq!(&now, customer);
        }
        // Recounting from the cases gives the same weeks.
        store.set_report_zone(TimeZone::UTC, "UTC").unwrap();
        store.set_report_zone(tokyo(), "Asia/Tokyo").unwrap();
        assert_eq!(everything(&store).2, before.2);
        // The erasure is in the audit log outside cases.
        let logged: Vec<LogEntry> = store
            .log_entries()
            .map(Result::unwrap)
            .filter(|e| e.what == "retention-erased")
            .collect();
        assert_eq!(logged.len(), 1);
        assert_eq!(logged[0].details["cases"], "3");
        assert_eq!(logged[0].details["ids"], "ESC-1–ESC-3");
        assert_eq!(logged[0].details["retention"], "5y");
        assert_eq!(logged[0].details["closed-before"], cutoff.to_string());
        // Nothing twice: a second pass erases nothing and logs nothing.
        let again = store.erase_closed_before(cutoff, "5y", now, 100).unwrap();
        assert_eq!(again.cases, 0);
        assert_eq!(store.log_entries().count(), 1);

        // A day later g is due too, and its reporter leaves the customer's record.
        let later = at("2031-11-21T00:00:00Z");
        let cutoff = crate::domain::Retention::default().cutoff(later).unwrap();
        let erased = store.erase_closed_before(cutoff, "5y", later, 100).unwrap();
        assert_eq!(erased.ids, "ESC-7");
        let record = store.customer(&gale).unwrap().unwrap();
        assert!(record.kept_off.is_empty());
        assert_eq!(record.cases, customers_before[2].cases);
        let text = serde_json::to_string(&store.timeline(g).unwrap()).unwrap();
        assert!(
            !text.contains("where you live") && !text.contains("UEXEC1"),
            "{text}"
        );
        // Open cases are never due.
        assert!(
            store
                .case(CaseId::new(5))
                .unwrap()
                .unwrap()
                .erased
                .is_none()
        );
    }

    #[tokio::test]
    async fn a_closed_case_with_a_delivery_pending_is_not_archived() {
        let (_dir, store) = tokyo_store().await;
        let later = at("2026-12-01T00:00:00Z");
        assert_eq!(
            store.archive_closed(later, 100).unwrap(),
            0,
            "closing messages wait"
        );
        store.forget_deliveries().unwrap();
        assert_eq!(store.archive_closed(later, 100).unwrap(), 3);
    }

    #[tokio::test]
    async fn a_schema_2_store_gets_its_durations_in_one_record_per_week() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("s");
        let store = {
            let mut store = Store::open(&path, 1 << 20).unwrap();
            store.set_report_zone(tokyo(), "Asia/Tokyo").unwrap();
            store
        };
        history(&store).await;
        let before = everything(&store);
        // Schema 2 kept a key per duration: `d` week span seconds case -> ().
        let records: Vec<(sled::IVec, sled::IVec)> =
            store.report.scan_prefix(b"p").map(Result::unwrap).collect();
        assert!(!records.is_empty());
        for kv in store.report.scan_prefix(b"n") {
            store.report.remove(kv.unwrap().0).unwrap();
        }
        for (key, value) in records {
            store.report.remove(&key).unwrap();
            for (n, seconds) in value.chunks_exact(8).enumerate() {
                let mut old = vec![b'd'];
                old.extend_from_slice(&key[1..5]);
                old.extend_from_slice(seconds);
                old.extend_from_slice(&(n as u64).to_be_bytes());
                store.report.insert(old, &[]).unwrap();
            }
        }
        store
            .meta
            .insert(keys::SCHEMA_VERSION, encode(&2u32))
            .unwrap();
        store.db.flush().unwrap();
        assert_ne!(everything(&store), before, "the old layout is not read");
        drop(store);
        let store = open_when_released(&path).unwrap();
        assert_eq!(everything(&store), before);
        assert_eq!(store.report.scan_prefix(b"d").count(), 0);
    }

    #[tokio::test]
    async fn a_busy_weeks_durations_fill_several_records_and_count_the_same() {
        let (_dir, store) = temp();
        let rules = rules();
        // 600 cases on Monday 23 Nov 2026 (UTC), case n taken after n minutes.
        let monday = at("2026-11-23T00:00:00Z");
        for n in 0..600i64 {
            let opened = monday + SignedDuration::from_secs(n);
            let id = store
                .open_case(new_case("c1"), opened, &rules, None)
                .await
                .unwrap()
                .case
                .id;
            let taken = Stamp {
                by: UserId::parse("UEXEC1").unwrap(),
                at: opened + SignedDuration::from_mins(n),
            };
            store.act(id, Action::Take, taken, &rules).await.unwrap();
        }
        let week: Week = "2026-W48".parse().unwrap();
        let chunks = store.report.scan_prefix(b"p").count();
        assert!(chunks >= 3, "600 durations in records of 256: {chunks}");
        let taken = store.week_figures(week).unwrap().to_taken.unwrap();
        assert_eq!(taken.count, 600);
        assert_eq!(
            taken.median.as_mins(),
            299,
            "nearest rank of 0..599 minutes"
        );
        // A rebuild writes the same.
        let before = store.week_figures(week).unwrap();
        let mut store = store;
        store.set_report_zone(tokyo(), "Asia/Tokyo").unwrap();
        store.set_report_zone(TimeZone::UTC, "UTC").unwrap();
        assert_eq!(store.week_figures(week).unwrap(), before);
    }
}

/// A store as schema 4 left it: the same entries, no queue indexes. Opening it builds
/// them, and the queues answer as they did before.
#[tokio::test]
async fn a_schema_4_store_gets_its_queue_indexes_on_open() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("s");
    let at = stamp("UAGENT1", 0).at;
    let (before, work_before) = {
        let store = Store::open(&path, 1 << 20).unwrap();
        for customer in ["c1", "c2", "c1"] {
            store
                .open_case(new_case(customer), at, &rules(), None)
                .await
                .unwrap();
        }
        let work = Work::Reaction {
            channel: crate::domain::ChannelId::parse("C1").unwrap(),
            ts: "1.000001".into(),
            reporter: UserId::parse("UAGENT1").unwrap(),
        };
        store.accept_event("Ev1", at, Some(work)).await.unwrap();
        let due = |s: &Store| {
            let (due, _) = s.outbox_due(at, 100, |_| false, |_| usize::MAX).unwrap();
            due.into_iter().map(|q| q.seq).collect::<Vec<_>>()
        };
        let before = (store.outbox_len(), due(&store));
        let work_before = store.work_due(at, 10).unwrap().0.len();
        // What schema 4 wrote: these trees did not exist.
        store.outbox.index.clear().unwrap();
        store.work.index.clear().unwrap();
        store
            .meta
            .insert(keys::SCHEMA_VERSION, encode(&4u32))
            .unwrap();
        store.db.flush().unwrap();
        (before, work_before)
    };
    let store = open_when_released(&path).unwrap();
    assert_eq!(
        store.meta.get(keys::SCHEMA_VERSION).unwrap().as_deref(),
        Some(encode(&SCHEMA_VERSION).as_slice())
    );
    let (due, _) = store
        .outbox_due(at, 100, |_| false, |_| usize::MAX)
        .unwrap();
    let after = (
        store.outbox_len(),
        due.into_iter().map(|q| q.seq).collect::<Vec<_>>(),
    );
    assert_eq!(after, before);
    assert_eq!(
        before.0, 9,
        "card, page and thread note for each of 3 cases"
    );
    assert_eq!(store.work_len(), 1);
    assert_eq!(work_before, 1);
    assert_eq!(store.work_due(at, 10).unwrap().0.len(), work_before);
}

/// Schema 10 kept one `C` key per pending entry; 11 keeps one per case. A schema-10 store
/// gets the new keys on open and still knows what each case has pending.
#[tokio::test]
async fn a_schema_10_store_gets_one_pending_key_per_case_on_open() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("s");
    let at = stamp("UAGENT1", 0).at;
    let ids = {
        let store = Store::open(&path, 1 << 20).unwrap();
        let mut ids = Vec::new();
        for customer in ["c1", "c2"] {
            let opened = store
                .open_case(new_case(customer), at, &rules(), None)
                .await
                .unwrap();
            ids.push(opened.case.id);
        }
        // What schema 10 wrote: `C` case seq -> () for each entry.
        let index = &store.outbox.index;
        let per_case: Vec<_> = index.scan_prefix(b"C").map(|kv| kv.unwrap()).collect();
        assert_eq!(per_case.len(), 2, "one key per case now");
        for (key, value) in per_case {
            index.remove(&key).unwrap();
            for seq in value.chunks_exact(8) {
                index.insert([&key[..], seq].concat(), &[]).unwrap();
            }
        }
        store
            .meta
            .insert(keys::SCHEMA_VERSION, encode(&10u32))
            .unwrap();
        store.db.flush().unwrap();
        ids
    };
    let store = open_when_released(&path).unwrap();
    let keys: Vec<_> = store
        .outbox
        .index
        .scan_prefix(b"C")
        .map(|kv| kv.unwrap().0.len())
        .collect();
    assert_eq!(keys, vec![9, 9], "one key per case, none per entry");
    for id in ids {
        assert!(store.outbox.pending_for(id).unwrap(), "{id} has deliveries");
    }
    assert!(
        !store
            .outbox
            .pending_for(crate::domain::CaseId::new(99))
            .unwrap()
    );
}

/// The point of the index: with the escalation channel's budget spent, a pass does not
/// read the cards waiting for it, however many there are.
#[tokio::test]
async fn a_pass_skips_a_spent_budget_without_reading_its_backlog() {
    let (_dir, store) = temp();
    let at = stamp("UAGENT1", 0).at;
    for n in 0..300 {
        store
            .open_case(new_case(&format!("c{n}")), at, &rules(), None)
            .await
            .unwrap();
    }
    let mut asked = Vec::new();
    let (due, _) = store
        .outbox_due(
            at + SignedDuration::from_mins(1),
            8,
            |_| false,
            |budget| {
                asked.push(budget.to_owned());
                if budget == ESCALATION_BUDGET { 0 } else { 1 }
            },
        )
        .unwrap();
    // Only pages are due (one per executive's budget, the rate allowing one each).
    assert!(
        due.iter()
            .all(|q| matches!(q.entry.effect, Effect::Page { .. }))
    );
    assert_eq!(
        due.len(),
        1,
        "one page: every case pages the same executive"
    );
    // The escalation budget is asked first for the pages' sake (do they wait for their
    // card?), then each budget once as the pass reaches it.
    assert_eq!(asked.first().map(String::as_str), Some(ESCALATION_BUDGET));
    let mut seen = asked[1..].to_vec();
    seen.sort();
    seen.dedup();
    assert_eq!(seen.len(), asked.len() - 1, "each budget once: {asked:?}");
    // The queue knows its depth without counting: 300 cases, 3 deliveries each.
    assert_eq!(store.outbox_len(), 900);
}

/// Entries of a lane go out in order, one at a time; removing the head makes the next
/// due, and a retry moves the head to its new time.
#[tokio::test]
async fn a_lane_advances_only_when_its_head_is_done() {
    let (_dir, store) = temp();
    let at = stamp("UAGENT1", 0).at;
    let case = store
        .open_case(new_case("c1"), at, &rules(), None)
        .await
        .unwrap()
        .case;
    let lane = outbox::lane_key(case.id, &crate::domain::Lane::EscalationChannel);
    let head = |s: &Store| {
        let (due, _) = s
            .outbox_due(
                at + SignedDuration::from_hours(1),
                100,
                |_| false,
                |_| usize::MAX,
            )
            .unwrap();
        due.into_iter().find(|q| q.entry.lane == lane)
    };
    let card = head(&store).unwrap();
    assert_eq!(card.entry.effect, Effect::PostCard);
    let later = at + SignedDuration::from_mins(10);
    store
        .outbox_retry(
            &card,
            Retry {
                not_before: later,
                error: "HTTP 500",
                uncertain: false,
                counted: true,
            },
        )
        .await
        .unwrap();
    let (due, next) = store
        .outbox_due(at, 100, |_| false, |_| usize::MAX)
        .unwrap();
    assert!(
        due.iter().all(|q| q.entry.lane != lane),
        "waits for its retry"
    );
    assert!(next.is_some());
    let card = head(&store).unwrap();
    assert_eq!((card.entry.attempts, card.entry.not_before), (1, later));
    let message = MessageRef {
        channel: crate::domain::ChannelId::parse("CESC").unwrap(),
        ts: "1.1".into(),
    };
    store
        .outbox_delivered(&card, Delivered::Card(message))
        .await
        .unwrap();
    let note = head(&store).unwrap();
    assert!(matches!(note.entry.effect, Effect::ThreadNote { .. }));
    assert!(note.seq > card.seq);
}

/// A backup of a big store does not stop writes while it copies, and the copy is still
/// one moment of the store: every case it has is counted in its tallies.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn writes_go_on_while_a_backup_copies_and_the_copy_is_consistent() {
    let (dir, store) = temp();
    let at = stamp("UAGENT1", 0).at;
    // Bulk for the copy to walk, so that it takes a while.
    let bulk = store.db.open_tree("bulk_for_the_test").unwrap();
    let mut batch = sled::Batch::default();
    for n in 0u64..30_000 {
        batch.insert(&n.to_be_bytes(), &[7u8; 32]);
    }
    bulk.apply_batch(batch).unwrap();
    store
        .open_case(new_case("c0"), at, &rules(), None)
        .await
        .unwrap();

    let target = dir.path().join("copy");
    let copying = {
        let (store, target) = (store.clone(), target.clone());
        tokio::task::spawn_blocking(move || store.backup_to(&target))
    };
    let mut during = 0;
    while !copying.is_finished() {
        store
            .open_case(new_case("c1"), at, &rules(), None)
            .await
            .unwrap();
        during += 1;
    }
    let records = copying.await.unwrap().unwrap();
    assert!(records > 30_000);
    assert!(
        during >= 5,
        "only {during} cases were opened while the backup copied"
    );
    assert_eq!(
        store.tallies().unwrap().cases_total,
        store.cases().count() as u64,
        "the store itself"
    );
    let copy = open_when_released(&target).unwrap();
    let cases = copy.cases().count() as u64;
    assert_eq!(copy.tallies().unwrap().cases_total, cases);
    assert!(
        cases >= 1 && cases <= 1 + during,
        "{cases} cases, {during} opened during"
    );
}

/// A store of schema 4 holds outcomes, histories and weekly counts as one kind each
/// (`refund-and-termination`); schema 5 reads them as the measures they were.
#[tokio::test]
async fn a_schema_4_store_with_single_kind_outcomes_reads_as_measures() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("s");
    let rules = rules();
    {
        let store = Store::open(&path, 1 << 20).unwrap();
        let at = stamp("UAGENT1", 0).at;
        let case = store
            .open_case(new_case("acme"), at, &rules, None)
            .await
            .unwrap()
            .case;
        store
            .act(case.id, Action::Take, stamp("UEXEC1", 1), &rules)
            .await
            .unwrap();
        let both = Outcome::refund(120_000).and(Measure::Termination);
        store
            .act(
                case.id,
                crate::domain::case::tests::with_checks(both, crate::domain::case::tests::checks()),
                stamp("UEXEC1", 2),
                &rules,
            )
            .await
            .unwrap();
        store
            .act(
                case.id,
                Action::Approve { proposal: None },
                stamp("UMGR1", 3),
                &rules,
            )
            .await
            .unwrap();
    }
    {
        // Rewrite every record the way schema 4 wrote it.
        let mut db = sled::open(&path);
        for _ in 0..100 {
            if db.is_ok() {
                break;
            }
            std::thread::sleep(std::time::Duration::from_millis(50));
            db = sled::open(&path);
        }
        let db = db.unwrap();
        let legacy = |json: String| {
            json.replace(
                r#"{"measures":["termination","refund"],"refund":120000}"#,
                r#"{"kind":"refund-and-termination","amount":120000}"#,
            )
            .replace(
                r#""outcome":["termination","refund"]"#,
                r#""outcome":"refund-and-termination""#,
            )
            .replace(
                r#""recommendation":"caution""#,
                r#""recommendation":"warning""#,
            )
            .replace(
                r#""decided":{"termination":1,"refund":1},"decided_cases":1,"combined":1"#,
                r#""decided":{"refund-and-termination":1}"#,
            )
        };
        let mut rewritten = 0;
        for name in [
            "case_by_id",
            "audit_by_case",
            "customer_by_id",
            "report_index",
        ] {
            let tree = db.open_tree(name).unwrap();
            for kv in tree.iter() {
                let (k, v) = kv.unwrap();
                let Ok(text) = String::from_utf8(v.to_vec()) else {
                    continue;
                };
                let old = legacy(text.clone());
                if old != text {
                    rewritten += 1;
                    tree.insert(k, old.as_bytes()).unwrap();
                }
            }
        }
        assert!(
            rewritten >= 4,
            "case, audit entries, customer and week rewritten"
        );
        db.open_tree("meta")
            .unwrap()
            .insert(keys::SCHEMA_VERSION, encode(&4u32))
            .unwrap();
        db.flush().unwrap();
    }
    let store = open_when_released(&path).unwrap();
    let case = store.case(CaseId::new(1)).unwrap().unwrap();
    let CaseState::Closed { decision, .. } = &case.state else {
        panic!("{:?}", case.state);
    };
    assert_eq!(
        decision.outcome,
        Outcome::refund(120_000).and(Measure::Termination)
    );
    assert_eq!(case.recommendation, crate::domain::Step::Caution);
    let customer = store
        .customer(&CustomerId::parse("acme").unwrap())
        .unwrap()
        .unwrap();
    assert_eq!(
        customer.cases[0].outcome,
        Some(crate::domain::Measures::of([
            Measure::Refund,
            Measure::Termination
        ]))
    );
    let closed = store
        .audit()
        .map(Result::unwrap)
        .filter(|e| matches!(e.event, Event::Closed { .. }))
        .count();
    assert_eq!(closed, 1);
    let tallies = store.tallies().unwrap();
    assert_eq!((tallies.refunds, tallies.terminations), (1, 1));
}

#[tokio::test]
async fn a_schema_7_store_opens_as_the_current_schema_with_its_cases_and_takes_acknowledgements() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("s");
    let rules = rules();
    let before = {
        let store = Store::open(&path, 1 << 20).unwrap();
        let at = stamp("UAGENT1", 0).at;
        store
            .open_case(new_case("acme"), at, &rules, None)
            .await
            .unwrap()
            .case
    };
    {
        // A store as schema 7 left it: no policy trees, the version at 7.
        let mut db = sled::open(&path);
        for _ in 0..100 {
            if db.is_ok() {
                break;
            }
            std::thread::sleep(std::time::Duration::from_millis(50));
            db = sled::open(&path);
        }
        let db = db.unwrap();
        db.drop_tree("policy_ack").unwrap();
        db.drop_tree("policy_reminded").unwrap();
        db.open_tree("meta")
            .unwrap()
            .insert(keys::SCHEMA_VERSION, encode(&7u32))
            .unwrap();
        db.flush().unwrap();
    }
    let store = open_when_released(&path).unwrap();
    let version: u32 = decode(
        "meta",
        &store.meta.get(keys::SCHEMA_VERSION).unwrap().unwrap(),
    )
    .unwrap();
    assert_eq!(version, SCHEMA_VERSION);
    assert_eq!(store.case(before.id).unwrap().unwrap(), before);
    let user = UserId::parse("UAGENT1").unwrap();
    assert!(store.policy_acknowledgement(&user, "1").unwrap().is_none());
    store
        .acknowledge_policy(&user, "1", stamp("UAGENT1", 5).at)
        .await
        .unwrap();
    assert_eq!(store.policy_acknowledgements("1").unwrap().len(), 1);
}

/// Retention reduces a consultation ended before the cutoff to its counts, with its audit
/// trail, in the same pass and audit entry as cases; an open one, or a recent one, stays.
#[tokio::test]
async fn retention_erases_old_consultations_and_keeps_their_counts() {
    use crate::domain::{ConsultAction, ConsultSource, ConsultState, Desk, NewConsultation, Stamp};
    let at = |s: &str| -> jiff::Timestamp { s.parse().unwrap() };
    let (_dir, store) = temp();
    let mut rules = rules();
    rules.roles.desk = Desk {
        members: vec![UserId::parse("UHR1").unwrap()],
        channel: false,
    };
    let ask = |summary: &str| NewConsultation {
        reporter: UserId::parse("UAGENT1").unwrap(),
        summary: summary.into(),
        facts: crate::domain::Facts {
            words: Some("You people are useless".into()),
            ..Default::default()
        },
        evidence: None,
        reported_from: None,
        chosen: Some(UserId::parse("UHR1").unwrap()),
        source: ConsultSource::Command,
        about: None,
    };
    let opened = at("2026-01-05T01:00:00Z");
    let old = store
        .open_consultation(ask("A caller shouted for an hour"), opened, &rules, None)
        .await
        .unwrap()
        .consultation
        .id;
    let still_open = store
        .open_consultation(ask("Not sure this is harassment"), opened, &rules, None)
        .await
        .unwrap()
        .consultation
        .id;
    store
        .consult(
            old,
            ConsultAction::Close,
            Stamp {
                by: UserId::parse("UHR1").unwrap(),
                at: at("2026-01-06T01:00:00Z"),
            },
            &rules,
        )
        .await
        .unwrap();
    let week: crate::domain::Week = "2026-W02".parse().unwrap();
    let counts_before = store.week_figures(week).unwrap();

    let now = at("2026-03-01T00:00:00Z");
    let cutoff = at("2026-02-01T00:00:00Z");
    let erased = store.erase_closed_before(cutoff, "30d", now, 100).unwrap();
    assert_eq!((erased.cases, erased.consultations), (0, 1));

    let c = store.consultation(old).unwrap().unwrap();
    assert_eq!(c.erased, Some(now));
    assert!(c.summary.is_empty() && c.facts == crate::domain::Facts::default());
    assert_eq!(c.reporter.as_str(), crate::domain::retention::ERASED_USER);
    assert_eq!(
        c.chosen.as_ref().map(|u| u.as_str()),
        Some(crate::domain::retention::ERASED_USER)
    );
    let ConsultState::Closed { by } = &c.state else {
        panic!("still closed: {:?}", c.state)
    };
    assert_eq!(by.by.as_str(), crate::domain::retention::ERASED_USER);
    assert_eq!(by.at, at("2026-01-06T01:00:00Z"), "the times stay");
    let trail = store.consultation_timeline(old).unwrap();
    assert_eq!(
        trail.iter().map(|e| e.name()).collect::<Vec<_>>(),
        ["opened", "closed"],
        "the steps stay"
    );
    assert!(!format!("{trail:?}").contains("UAGENT1") && !format!("{trail:?}").contains("UHR1"));
    // The open one is untouched, and the week's counts are the same.
    let open = store.consultation(still_open).unwrap().unwrap();
    assert!(open.erased.is_none() && open.summary == "Not sure this is harassment");
    assert_eq!(store.week_figures(week).unwrap(), counts_before);
    // The pass is on the audit log, and a second pass erases nothing more.
    let logged: Vec<_> = store
        .log_entries()
        .map(Result::unwrap)
        .filter(|e| e.what == "retention-erased")
        .collect();
    assert_eq!(logged.len(), 1);
    assert_eq!(logged[0].details["consultations"], "1");
    let again = store.erase_closed_before(cutoff, "30d", now, 100).unwrap();
    assert_eq!((again.cases, again.consultations), (0, 0));
}
