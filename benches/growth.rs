//! How the bot's costs grow with its history: at 10k, 100k and 1M cases, the time to open
//! the store, to answer `/escalate history` and `/escalate stats`, and to compute the
//! weekly report, and the bot's resident memory.
//!
//! `cargo bench --bench growth` (ESCALATION_BOT_GROWTH_SIZES=10000,100000 for a shorter
//! run; writing the million takes about twenty minutes on two cores). The history is
//! written through the store's real transactions (the same a running bot makes, aggregates
//! included), 64 cases at a time: a case every five minutes over the years, one customer in
//! five with several cases, most cases taken and decided, the last ones still open. It is
//! written a week at a time with the store reopened in between, and the archive job run,
//! as a bot restarted weekly would leave it; "open" is then the bot's start with the last
//! week's writes to replay. Each size is then measured in a fresh child process, so its memory is
//! the bot's with that store and nothing left over from writing it: the real bot (HTTP
//! server, jobs, 16 MB sled cache as configured by default) answering signed commands.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Arc;
use std::time::{Duration, Instant};

use common::*;
use escalation_bot::app::Application;
use escalation_bot::clock::ManualClock;
use escalation_bot::config::{Secret, Secrets, Settings};
use escalation_bot::domain::{
    Accommodation, Action, Category, Checks, Complaint, CustomerId, DutyToServe, LegalReview,
    Measure, NewCase, Outcome, Rules, Source, Stamp, UserId, Week,
};
use escalation_bot::report::WeeklyReport;
use escalation_bot::store::Store;
use hyper_util::client::legacy::Client;
use hyper_util::rt::TokioExecutor;
use jiff::{SignedDuration, Timestamp};
use slack_standin::StandIn;
use tokio::net::TcpListener;

const ZONE: &str = "Asia/Tokyo";
/// One case every five minutes: a million cases is about ten years.
const SPACING: SignedDuration = SignedDuration::from_mins(5);
const CUSTOMERS: u64 = 200_000;
const IN_FLIGHT: usize = 64;
/// Measurements per operation and size.
const SAMPLES: usize = 200;
const CHILD: &str = "ESCALATION_BOT_GROWTH_STORE";

fn start() -> Timestamp {
    "2017-01-02T00:00:00Z".parse().expect("a timestamp")
}

fn settings(api_url: &str, store: &Path) -> Settings {
    let extra = format!(
        r#"
        [policy]
        customer_count = 350000
        [report]
        timezone = "{ZONE}"
        "#
    );
    common::settings(api_url, store, &extra)
}

fn user(id: &str) -> UserId {
    UserId::parse(id).expect("a user id")
}

/// Case `n` (from 0) of `total`: who, what, and what became of it. Deterministic, so
/// every run writes the same history.
async fn write_case(store: &Store, rules: &Rules, n: u64, total: u64) {
    let mut rng = fastrand::Rng::with_seed(n);
    let at = start() + SPACING * (n as i32);
    let customer = if rng.u8(..5) == 0 {
        rng.u64(..CUSTOMERS / 10)
    } else {
        CUSTOMERS / 10 + rng.u64(..CUSTOMERS)
    };
    let new = NewCase {
        customer: CustomerId::parse(&format!("cust-{customer}")),
        category: Category::ALL[rng.usize(..Category::ALL.len())],
        severity: None,
        promise_failed: None,
        summary: "Shouted at me on the phone for an hour and demanded a refund".into(),
        reporter: user(AGENT),
        reported_from: None,
        evidence: None,
        source: Source::Command,
        facts: Default::default(),
    };
    let id = store
        .open_case(new, at, rules, None)
        .await
        .expect("opens")
        .case
        .id;
    // The last 1% of the whole history stay open; of those, half are taken.
    let open = n + total / 100 >= total;
    if open && n.is_multiple_of(2) {
        return;
    }
    let stamp = |who: &str, minutes: i64| Stamp {
        by: user(who),
        at: at + SignedDuration::from_mins(minutes),
    };
    let take = stamp(EXEC, rng.i64(2..90));
    store
        .act(id, Action::Take, take, rules)
        .await
        .expect("takes");
    if open {
        return;
    }
    let decided = rng.i64(90..3000);
    let outcome = match rng.u8(..100) {
        0..60 => Outcome::only(Measure::Warning),
        60..80 => Outcome::refund(rng.u64(1..50) * 1000),
        80..95 => Outcome::no_action(),
        _ => Outcome::only(Measure::Termination),
    };
    let action = if outcome.terminates() {
        Action::DecideWith {
            outcome,
            checks: Some(Checks {
                complaint: Complaint::None,
                accommodation: Accommodation::NotRelevant,
                duty_to_serve: DutyToServe::No,
                clause: "Art. 12".into(),
                legal: LegalReview::NotNeeded,
            }),
            prevention: None,
        }
    } else {
        Action::Decide(outcome)
    };
    store
        .act(id, action, stamp(EXEC, decided), rules)
        .await
        .expect("decides");
    if outcome.terminates() {
        store
            .act(
                id,
                Action::Approve { proposal: None },
                stamp(MANAGER, decided + 60),
                rules,
            )
            .await
            .expect("approves");
    }
}

/// A week of cases at `SPACING`: the history is written a week at a time, and the store
/// reopened after each, as a bot restarted weekly (a deploy, a node drain) would see it.
/// ESCALATION_BOT_GROWTH_RESTART_EVERY=<cases> changes it, to see what a longer run
/// leaves sled to replay at the next start.
const WEEK_OF_CASES: u64 = 7 * 24 * 12;

fn restart_every() -> u64 {
    std::env::var("ESCALATION_BOT_GROWTH_RESTART_EVERY")
        .ok()
        .and_then(|n| n.trim().parse().ok())
        .filter(|&n| n > 0)
        .unwrap_or(WEEK_OF_CASES)
}

/// Writes cases `from..to` of `total`, a week at a time, `IN_FLIGHT` at a time within the
/// week. After each week it does what the running bot's jobs do: fires the paging timers
/// due by then, drops the deliveries (there is no Slack to send them to) and archives the
/// cases closed a week before; every `restart_every()` cases it reopens the store. Returns
/// the time after the last case.
async fn write_history(path: &Path, from: u64, to: u64, total: u64) -> Timestamp {
    let rules = Arc::new(settings("http://127.0.0.1:9/api", path).rules);
    let every = restart_every();
    let mut store = Arc::new(open_released(path));
    let mut opened_at = from;
    let mut week_start = from;
    let mut now = start();
    while week_start < to {
        if week_start - opened_at >= every {
            drop(store);
            store = Arc::new(open_released(path));
            opened_at = week_start;
        }
        let week_end = (week_start + WEEK_OF_CASES).min(to);
        let next = Arc::new(std::sync::atomic::AtomicU64::new(week_start));
        let mut writers = Vec::new();
        for _ in 0..IN_FLIGHT {
            let (store, rules, next) = (store.clone(), rules.clone(), next.clone());
            writers.push(tokio::spawn(async move {
                loop {
                    let n = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                    if n >= week_end {
                        break;
                    }
                    write_case(&store, &rules, n, total).await;
                }
            }));
        }
        for writer in writers {
            writer.await.expect("writer");
        }
        now = start() + SPACING * (week_end as i32) + SignedDuration::from_hours(1);
        while store
            .fire_due_timers(now, &rules, 10_000)
            .await
            .expect("timers fire")
            > 0
        {}
        store.forget_deliveries().expect("deliveries dropped");
        while store.archive_closed(now, 100_000).expect("archives") > 0 {}
        store.flush().await.expect("flushed");
        week_start = week_end;
    }
    now
}

/// Opens the store once sled has let go of its lock, which it does a moment after the
/// last handle is dropped.
fn open_released(path: &Path) -> Store {
    for _ in 0..200 {
        match Store::open(path, 16 << 20) {
            Ok(mut store) => {
                store
                    .set_report_zone(jiff::tz::TimeZone::get(ZONE).expect("a zone"), ZONE)
                    .expect("zone set");
                return store;
            }
            Err(escalation_bot::store::StoreError::Locked { .. }) => {
                std::thread::sleep(Duration::from_millis(20));
            }
            Err(e) => panic!("the store does not open: {e}"),
        }
    }
    panic!("the store stayed locked");
}

fn disk_mb(path: &Path) -> f64 {
    fn walk(path: &Path) -> u64 {
        std::fs::read_dir(path)
            .into_iter()
            .flatten()
            .flatten()
            .map(|e| match e.metadata() {
                Ok(m) if m.is_dir() => walk(&e.path()),
                Ok(m) => m.len(),
                Err(_) => 0,
            })
            .sum()
    }
    walk(path) as f64 / (1024.0 * 1024.0)
}

struct Timed {
    p50: Duration,
    p99: Duration,
}

async fn timed<F, Fut>(mut f: F) -> Timed
where
    F: FnMut(usize) -> Fut,
    Fut: std::future::Future<Output = ()>,
{
    let mut samples = Vec::with_capacity(SAMPLES);
    for i in 0..SAMPLES {
        let started = Instant::now();
        f(i).await;
        samples.push(started.elapsed());
    }
    samples.sort();
    Timed {
        p50: quantile(&samples, 0.5),
        p99: quantile(&samples, 0.99),
    }
}

/// In the child: the bot on `path` at `now`; prints one line of figures.
async fn measure(path: &Path, now: Timestamp) {
    let slack = StandIn::start(TOKEN).await.expect("stand-in");
    slack.add_channel(ESCALATIONS, "escalations");
    slack.add_channel(SUPPORT, "support");
    add_people(&slack);
    let settings = settings(&slack.api_url(), path);

    let opening = Instant::now();
    let store = Store::open(path, settings.store_cache_bytes).expect("the store opens");
    let opened = opening.elapsed();
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("binds");
    let secrets = Secrets {
        bot_token: Secret::new(TOKEN),
        signing_secret: Secret::new(SECRET),
        app_token: None,
    };
    let clock = Arc::new(ManualClock::new(now));
    let app = Application::start(settings.clone(), secrets, clock, store, listener)
        .expect("the bot starts");
    let base = format!("http://{}", app.addr());
    let client: HttpClient = Client::builder(TokioExecutor::new()).build_http();
    let ctx = app.context().clone();
    let cases = ctx.store.tallies().expect("tallies").cases_total;

    let mut rng = fastrand::Rng::with_seed(7);
    let history = timed(|i| {
        let customer = rng.u64(..CUSTOMERS / 10);
        // Histories and tallies are for people with a role.
        let request = slash_command(
            MANAGER,
            SUPPORT,
            &format!("history cust-{customer}"),
            i as u64,
        );
        let (client, base) = (client.clone(), base.clone());
        async move {
            let (status, _) = send(&client, &base, &request, now).await.expect("answered");
            assert_eq!(status, 200);
        }
    })
    .await;
    let stats = timed(|i| {
        let request = slash_command(MANAGER, SUPPORT, "stats", 1_000_000 + i as u64);
        let (client, base) = (client.clone(), base.clone());
        async move {
            let (status, body) = send(&client, &base, &request, now).await.expect("answered");
            assert_eq!(status, 200);
            assert!(String::from_utf8_lossy(&body).contains("350,000"));
        }
    })
    .await;
    let zone = settings.report.schedule.zone.clone();
    let week = Week::of(now, &zone).previous();
    let catalog = settings.locale.catalog();
    let mut opened_that_week = 0;
    let report = timed(|_| {
        let report = WeeklyReport::build(&ctx.store, week, ZONE, now, Some(350_000))
            .expect("the report builds");
        opened_that_week = report.summary.stats.opened;
        std::hint::black_box(report.text(catalog, "JPY"));
        async {}
    })
    .await;
    assert!(opened_that_week > 0, "the reported week has cases");
    let chart = timed(|_| {
        let report = WeeklyReport::build(&ctx.store, week, ZONE, now, Some(350_000))
            .expect("the report builds");
        std::hint::black_box(report.chart_png(catalog));
        async {}
    })
    .await;
    let (resident, peak) = (resident_mb(), peak_resident_mb());
    drop(ctx);
    app.shutdown().await.expect("shuts down");
    // sled writes a snapshot of its page table when it opens, and replays the log written
    // since the last one: the first open after a lot of writing pays for them, the next
    // one does not.
    std::thread::sleep(Duration::from_millis(200));
    let reopening = Instant::now();
    let store = Store::open(path, settings.store_cache_bytes).expect("the store reopens");
    let reopened = reopening.elapsed();
    drop(store);
    println!(
        "{cases:>9} {:>8.0} {:>8} {:>8} {:>8} {:>8} {:>8} {:>8} {:>8} {:>8} {:>8} {:>7.1} {:>7.1}",
        disk_mb(path),
        ms(opened),
        ms(reopened),
        ms(history.p50),
        ms(history.p99),
        ms(stats.p50),
        ms(stats.p99),
        ms(report.p50),
        ms(report.p99),
        ms(chart.p50),
        resident,
        peak,
    );
}

fn sizes() -> Vec<u64> {
    std::env::var("ESCALATION_BOT_GROWTH_SIZES")
        .ok()
        .map(|s| s.split(',').filter_map(|n| n.trim().parse().ok()).collect())
        .unwrap_or_else(|| vec![10_000, 100_000, 1_000_000])
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("a runtime")
}

fn main() {
    if let Ok(spec) = std::env::var(CHILD) {
        let (path, now) = spec.split_once('|').expect("path|now");
        let now: Timestamp = now.parse().expect("a timestamp");
        runtime().block_on(measure(Path::new(path), now));
        return;
    }
    // ESCALATION_BOT_GROWTH_DIR keeps the store for a closer look (it must be new).
    let dir = tempfile::tempdir().expect("temp dir");
    let path: PathBuf = match std::env::var("ESCALATION_BOT_GROWTH_DIR") {
        Ok(kept) => PathBuf::from(kept),
        Err(_) => dir.path().join("store"),
    };
    println!(
        "growth: each size measured in a fresh process; {SAMPLES} samples per operation; times in ms"
    );
    println!(
        "{:>9} {:>8} {:>8} {:>8} {:>8} {:>8} {:>8} {:>8} {:>8} {:>8} {:>8} {:>7} {:>7}",
        "cases",
        "disk MB",
        "open",
        "reopen",
        "hist p50",
        "hist p99",
        "stat p50",
        "stat p99",
        "rep p50",
        "rep p99",
        "chart",
        "RSS MB",
        "peak MB"
    );
    let sizes = sizes();
    let total = sizes.iter().copied().max().unwrap_or(0);
    let mut written = 0;
    for size in sizes {
        let writing = Instant::now();
        let now = runtime().block_on(write_history(&path, written, size, total));
        eprintln!(
            "  (wrote cases {}..{size} in {:.0} s)",
            written + 1,
            writing.elapsed().as_secs_f64()
        );
        written = size;
        // sled lets go of its lock a moment after the last handle is dropped.
        std::thread::sleep(Duration::from_millis(200));
        let status = Command::new(std::env::current_exe().expect("this benchmark"))
            .env(CHILD, format!("{}|{now}", path.display()))
            .status()
            .expect("the measuring process runs");
        assert!(status.success(), "measuring {size} cases failed");
    }
}
