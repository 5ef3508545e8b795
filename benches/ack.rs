//! Acknowledgements and delivery of the real server, run as users run it: the release
//! binary as its own process (`escalation-bot serve`, pinned to core 0 where `taskset`
//! exists), load from this process (pinned to the other cores), over loopback, with
//! Slack-signed requests, against the Slack stand-in in this process. The baseline is a
//! bare hyper server, also its own process on core 0, answering 200 OK to the same requests.
//!
//! `cargo bench --bench ack` (ESCALATION_BOT_BENCH_SECONDS=3 per measurement by default).
//! `ESCALATION_BOT_BENCH_ONLY=escalate` measures only `/escalate` on an empty queue and
//! prints the bot's process id first, for `perf record -p`; with it,
//! `ESCALATION_BOT_BENCH_QUEUED=100000` measures a queue of that many deliveries instead.
//! - `/escalate` at concurrency 1, 16 and 64 with the default channel rate (about one
//!   message a second, so a backlog builds as it would), with an empty queue and with 10k
//!   and 100k deliveries already queued; requests per second, latency, and the server's CPU
//!   time per request from its own counters (/proc/PID/stat);
//! - take and reaction events, on the empty-queue bot;
//! - draining 10k and 100k queued deliveries with the channel rate lifted;
//! - the time from an escalation's acknowledgement to the executive's page.

mod common;

use std::convert::Infallible;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use bytes::Bytes;
use common::*;
use escalation_bot::domain::{CaseId, Category, CustomerId, NewCase, Source, UserId};
use escalation_bot::store::Store;
use http_body_util::{BodyExt, Full};
use hyper_util::client::legacy::Client;
use hyper_util::rt::{TokioExecutor, TokioIo};
use slack_standin::web_api::{APP_ID, TEAM_ID};
use slack_standin::{Author, StandIn};
use tokio::net::TcpListener;

const CONCURRENCY: [usize; 3] = [1, 16, 64];

#[derive(Debug)]
struct Run {
    requests: usize,
    errors: usize,
    elapsed: Duration,
    latencies: Vec<Duration>,
}

impl Run {
    fn per_second(&self) -> f64 {
        self.requests as f64 / self.elapsed.as_secs_f64()
    }

    fn percentile(&self, p: f64) -> Duration {
        quantile(&self.latencies, p)
    }

    fn max(&self) -> Duration {
        self.latencies.last().copied().unwrap_or_default()
    }
}

fn seconds() -> Duration {
    let secs = std::env::var("ESCALATION_BOT_BENCH_SECONDS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(3.0);
    Duration::from_secs_f64(secs)
}

/// `concurrency` clients sending requests made by `make(n)` back to back for `duration`.
async fn load(
    base: &str,
    concurrency: usize,
    duration: Duration,
    make: Arc<dyn Fn(u64) -> Request + Send + Sync>,
) -> Run {
    let client: HttpClient = Client::builder(TokioExecutor::new())
        .pool_max_idle_per_host(concurrency)
        .build_http();
    let counter = Arc::new(AtomicU64::new(0));
    let start = Instant::now();
    let deadline = start + duration;
    let mut tasks = Vec::new();
    for _ in 0..concurrency {
        let client = client.clone();
        let base = base.to_owned();
        let counter = counter.clone();
        let make = make.clone();
        tasks.push(tokio::spawn(async move {
            let mut latencies = Vec::new();
            let mut errors = 0;
            while Instant::now() < deadline {
                let request = make(counter.fetch_add(1, Ordering::Relaxed));
                let sent = Instant::now();
                if acked(&client, &base, &request).await {
                    latencies.push(sent.elapsed());
                } else {
                    errors += 1;
                }
            }
            (latencies, errors)
        }));
    }
    let mut run = Run {
        requests: 0,
        errors: 0,
        elapsed: Duration::ZERO,
        latencies: Vec::new(),
    };
    for task in tasks {
        let (latencies, errors) = task.await.expect("load task");
        run.requests += latencies.len();
        run.errors += errors;
        run.latencies.extend(latencies);
    }
    run.elapsed = start.elapsed();
    run.latencies.sort();
    run
}

/// Set in the child this benchmark starts as the baseline server: it writes its address
/// to the file named here and serves until killed.
const BASELINE_ENV: &str = "ESCALATION_BOT_BENCH_BASELINE_ADDR_FILE";

/// The baseline, in the child process: 200 OK with an empty body after reading the
/// request, the cost of HTTP on loopback and nothing else, on a one-thread runtime like
/// the bot's core.
fn bare_hyper_server(addr_file: &str) {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("a runtime");
    runtime.block_on(async {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("binds");
        let addr = listener.local_addr().expect("has an address");
        std::fs::write(addr_file, addr.to_string()).expect("writes its address");
        loop {
            let Ok((stream, _)) = listener.accept().await else {
                continue;
            };
            tokio::spawn(async move {
                let service = hyper::service::service_fn(
                    |req: hyper::Request<hyper::body::Incoming>| async move {
                        let _ = req.into_body().collect().await;
                        Ok::<_, Infallible>(hyper::Response::new(Full::new(Bytes::new())))
                    },
                );
                let _ = hyper::server::conn::http1::Builder::new()
                    .serve_connection(TokioIo::new(stream), service)
                    .await;
            });
        }
    });
}

/// A server this benchmark runs as its own process, pinned to core 0 when it can be.
struct Process {
    child: std::process::Child,
    base: String,
    metrics: Option<String>,
}

impl Process {
    fn pid(&self) -> u32 {
        self.child.id()
    }

    /// CPU time the process has used so far (user and system), from /proc.
    fn cpu(&self) -> Duration {
        let stat =
            std::fs::read_to_string(format!("/proc/{}/stat", self.pid())).unwrap_or_default();
        // Fields after the command name (which may hold spaces) in parentheses.
        let fields: Vec<&str> = stat
            .rsplit_once(')')
            .map(|(_, rest)| rest.split_whitespace().collect())
            .unwrap_or_default();
        let ticks: u64 = [11, 12]
            .iter()
            .filter_map(|&i| fields.get(i).and_then(|f| f.parse::<u64>().ok()))
            .sum();
        Duration::from_secs_f64(ticks as f64 / clock_ticks_per_second())
    }
}

impl Process {
    /// Bytes the process has caused to be written to storage so far (/proc/PID/io).
    fn written(&self) -> u64 {
        std::fs::read_to_string(format!("/proc/{}/io", self.pid()))
            .unwrap_or_default()
            .lines()
            .find_map(|l| l.strip_prefix("write_bytes: "))
            .and_then(|v| v.trim().parse().ok())
            .unwrap_or(0)
    }
}

impl Drop for Process {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn clock_ticks_per_second() -> f64 {
    std::process::Command::new("getconf")
        .arg("CLK_TCK")
        .output()
        .ok()
        .and_then(|o| String::from_utf8(o.stdout).ok())
        .and_then(|s| s.trim().parse().ok())
        .unwrap_or(100.0)
}

fn has_taskset() -> bool {
    std::process::Command::new("taskset")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success())
}

/// `program args` on core 0 (through taskset when there is one).
fn on_core_zero(program: &std::path::Path, args: &[&str]) -> std::process::Command {
    if has_taskset() {
        let mut command = std::process::Command::new("taskset");
        command.args(["-c", "0"]).arg(program).args(args);
        command
    } else {
        let mut command = std::process::Command::new(program);
        command.args(args);
        command
    }
}

/// Moves this process (every thread) off core 0, leaving it to the server.
fn pin_self_off_core_zero() {
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    if cores < 2 || !has_taskset() {
        println!(
            "(not pinned: {cores} core(s), taskset {})",
            if has_taskset() { "present" } else { "absent" }
        );
        return;
    }
    let others = format!("1-{}", cores - 1);
    let pid = std::process::id().to_string();
    let pinned = std::process::Command::new("taskset")
        .args(["-a", "-p", "-c", &others, &pid])
        .output()
        .is_ok_and(|o| o.status.success());
    println!("server pinned to core 0, load generator and stand-in to cores {others}: {pinned}");
}

fn wait_for_file(path: &std::path::Path) -> String {
    for _ in 0..500 {
        if let Ok(text) = std::fs::read_to_string(path)
            && !text.is_empty()
        {
            return text;
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    panic!("{} never appeared", path.display());
}

fn start_baseline(dir: &std::path::Path) -> Process {
    let addr_file = dir.join("baseline.addr");
    let exe = std::env::current_exe().expect("this benchmark's path");
    let child = on_core_zero(&exe, &[])
        .env(BASELINE_ENV, &addr_file)
        .spawn()
        .expect("the baseline starts");
    let addr = wait_for_file(&addr_file);
    Process {
        child,
        base: format!("http://{addr}"),
        metrics: None,
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port")
}

/// The release binary, serving on `store` against the stand-in.
async fn start_bot(slack: &StandIn, store: &std::path::Path, channel_rate: f64) -> Process {
    let (port, metrics_port) = (free_port(), free_port());
    let config = store.with_extension("toml");
    std::fs::write(
        &config,
        format!(
            r#"
            [server]
            bind = "127.0.0.1:{port}"
            metrics_bind = "127.0.0.1:{metrics_port}"
            [store]
            path = "{store}"
            [slack]
            api_url = "{api}"
            escalation_channel = "{ESCALATIONS}"
            support_channels = ["{SUPPORT}"]
            [people]
            executives = ["{EXEC}"]
            managers = ["{MANAGER}", "{MANAGER2}"]
            [delivery]
            channel_rate = {channel_rate}
            "#,
            store = store.display(),
            api = slack.api_url(),
        ),
    )
    .expect("writes the configuration");
    let binary = std::path::Path::new(env!("CARGO_BIN_EXE_escalation-bot"));
    let child = on_core_zero(binary, &["serve", "--config", &config.to_string_lossy()])
        .env("SLACK_BOT_TOKEN", TOKEN)
        .env("SLACK_SIGNING_SECRET", SECRET)
        .env("RUST_LOG", "warn")
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("the bot starts");
    let process = Process {
        child,
        base: format!("http://127.0.0.1:{port}"),
        metrics: Some(format!("http://127.0.0.1:{metrics_port}")),
    };
    let client: HttpClient = Client::builder(TokioExecutor::new()).build_http();
    for _ in 0..1000 {
        let request = hyper::Request::get(format!("{}/healthz", process.base))
            .body(Full::new(Bytes::new()))
            .expect("a request");
        if client
            .request(request)
            .await
            .is_ok_and(|r| r.status() == 200)
        {
            return process;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    panic!("the bot did not start");
}

/// The bot's outbox depth, from its /metrics.
async fn outbox_depth(client: &HttpClient, bot: &Process) -> Option<u64> {
    metric(client, bot, "escalation_bot_outbox_depth")
        .await
        .map(|v| v as u64)
}

/// One unlabelled metric of the bot's /metrics.
async fn metric(client: &HttpClient, bot: &Process, name: &str) -> Option<f64> {
    let url = format!("{}/metrics", bot.metrics.as_ref()?);
    let request = hyper::Request::get(url)
        .body(Full::new(Bytes::new()))
        .ok()?;
    let body = client
        .request(request)
        .await
        .ok()?
        .into_body()
        .collect()
        .await
        .ok()?
        .to_bytes();
    String::from_utf8_lossy(&body).lines().find_map(|l| {
        l.strip_prefix(name)
            .and_then(|rest| rest.strip_prefix(' '))
            .and_then(|v| v.trim().parse::<f64>().ok())
    })
}

/// Durable writes and flushes so far (group commit: how many writes a flush covers).
async fn flushes(client: &HttpClient, bot: &Process) -> (f64, f64) {
    let writes = metric(client, bot, "escalation_bot_store_durable_writes_total").await;
    let flushes = metric(client, bot, "escalation_bot_store_flushes_total").await;
    (writes.unwrap_or(f64::NAN), flushes.unwrap_or(f64::NAN))
}

/// A store with `cases` escalations whose deliveries (card, page, thread note: three
/// each) are all still queued, written through the store as the bot writes them.
async fn seed(path: &std::path::Path, cases: u64) {
    let settings = settings("http://127.0.0.1:9/api", path, "");
    let store = Store::open(path, settings.store_cache_bytes).expect("the store opens");
    let rules = Arc::new(settings.rules.clone());
    let next = Arc::new(AtomicU64::new(0));
    let mut writers = Vec::new();
    for _ in 0..32 {
        let (store, rules, next) = (store.clone(), rules.clone(), next.clone());
        writers.push(tokio::spawn(async move {
            loop {
                let n = next.fetch_add(1, Ordering::Relaxed);
                if n >= cases {
                    break;
                }
                let new = NewCase {
                    customer: CustomerId::parse(&format!("queued-{n}")),
                    category: Category::VerbalAbuse,
                    severity: None,
                    promise_failed: None,
                    summary: "Shouted at me on the phone".into(),
                    reporter: UserId::parse(AGENT).expect("a user id"),
                    reported_from: None,
                    evidence: None,
                    source: Source::Command,
                    facts: Default::default(),
                };
                store
                    .open_case(new, jiff::Timestamp::now(), &rules, None)
                    .await
                    .expect("a case");
            }
        }));
    }
    for writer in writers {
        writer.await.expect("seeding");
    }
    drop(store);
    // sled lets go of its lock a moment after the last handle is dropped.
    tokio::time::sleep(Duration::from_millis(500)).await;
}

fn copy_dir(from: &std::path::Path, to: &std::path::Path) {
    std::fs::create_dir_all(to).expect("creates the copy");
    for entry in std::fs::read_dir(from).expect("reads the store") {
        let entry = entry.expect("an entry");
        let target = to.join(entry.file_name());
        if entry.file_type().expect("a type").is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).expect("copies a file");
        }
    }
}

fn command(n: u64) -> Request {
    let text = format!("bench-{n} verbal-abuse Shouted at me on the phone");
    slash_command(AGENT, SUPPORT, &text, n)
}

/// Whether Slack would take the answer as an acknowledgement.
async fn acked(client: &HttpClient, base: &str, request: &Request) -> bool {
    send(client, base, request, jiff::Timestamp::now())
        .await
        .is_some_and(|(status, _)| status == 200)
}

fn take(case: u64) -> Request {
    let payload = serde_json::json!({
        "type": "block_actions", "team": {"id": TEAM_ID}, "user": {"id": EXEC, "team_id": TEAM_ID},
        "api_app_id": APP_ID, "trigger_id": format!("take.{case}"),
        "container": {"type": "message", "message_ts": "1.2", "channel_id": ESCALATIONS},
        "channel": {"id": ESCALATIONS},
        "actions": [{"type": "button", "action_id": "take_case", "value": format!("ESC-{case}"), "block_id": "b"}]
    });
    let body = serde_urlencoded::to_string([("payload", payload.to_string())]).expect("encodes");
    Request {
        path: "/slack/interactivity",
        content_type: "application/x-www-form-urlencoded",
        body: body.into_bytes(),
    }
}

fn reaction(n: u64, ts: &str) -> Request {
    let event = serde_json::json!({
        "token": "t", "team_id": TEAM_ID, "api_app_id": APP_ID, "type": "event_callback",
        "event_id": format!("EvBENCH{n}"), "event_time": 1,
        "event": {"type": "reaction_added", "user": AGENT, "reaction": "rotating_light",
                  "item": {"type": "message", "channel": SUPPORT, "ts": ts}}
    });
    Request {
        path: "/slack/events",
        content_type: "application/json",
        body: event.to_string().into_bytes(),
    }
}

fn row(label: &str, concurrency: usize, bot: &Run, cpu: Duration, base: &Run, base_cpu: Duration) {
    let per = |cpu: Duration, run: &Run| cpu.as_secs_f64() * 1e6 / run.requests.max(1) as f64;
    println!(
        "{label:<16} {concurrency:>4} {:>9.0} {:>8} {:>8} {:>8} {:>8.0} | {:>9.0} {:>7} {:>7} {:>6.0} | {:>6.2}x {:>5.1}x {:>6}",
        bot.per_second(),
        ms(bot.percentile(0.5)),
        ms(bot.percentile(0.99)),
        ms(bot.max()),
        per(cpu, bot),
        base.per_second(),
        ms(base.percentile(0.5)),
        ms(base.percentile(0.99)),
        per(base_cpu, base),
        bot.per_second() / base.per_second(),
        per(cpu, bot) / per(base_cpu, base).max(0.001),
        bot.errors,
    );
}

/// One measurement against `server`: the run and the server's CPU time during it.
async fn measure(
    server: &Process,
    concurrency: usize,
    duration: Duration,
    make: Arc<dyn Fn(u64) -> Request + Send + Sync>,
) -> (Run, Duration) {
    let before = server.cpu();
    let run = load(&server.base, concurrency, duration, make).await;
    (run, server.cpu().saturating_sub(before))
}

fn header() {
    println!(
        "{:<16} {:>4} {:>9} {:>8} {:>8} {:>8} {:>8} | {:>9} {:>7} {:>7} {:>6} | {:>7} {:>6} {:>6}",
        "request",
        "conc",
        "bot req/s",
        "p50",
        "p99",
        "max",
        "µs CPU",
        "base r/s",
        "p50",
        "p99",
        "µs CPU",
        "req/s",
        "CPU",
        "errors"
    );
}

fn stand_in_people(slack: &StandIn) {
    slack.add_channel(ESCALATIONS, "escalations");
    slack.add_channel(SUPPORT, "support");
    add_people(slack);
}

fn main() {
    if let Ok(addr_file) = std::env::var(BASELINE_ENV) {
        bare_hyper_server(&addr_file);
        return;
    }
    pin_self_off_core_zero();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("a runtime");
    runtime.block_on(async {
        let duration = seconds();
        let dir = tempfile::tempdir().expect("temp dir");
        let baseline = start_baseline(dir.path());
        let only_escalate = std::env::var("ESCALATION_BOT_BENCH_ONLY").is_ok_and(|v| v == "escalate");
        let cpu_note = "µs CPU: the server process's CPU time per answered request";
        println!("ack latency and throughput, {duration:?} per measurement; latencies in ms; {cpu_note}; the ratios are bot / baseline");

        // Stores with deliveries already queued: 10k and 100k entries, three a case.
        // `ESCALATION_BOT_BENCH_QUEUED=100000` (with ONLY=escalate) measures that queue instead.
        let only_queued: Option<u64> = std::env::var("ESCALATION_BOT_BENCH_QUEUED").ok().and_then(|v| v.parse().ok());
        let queued: Vec<u64> = match (only_escalate, only_queued) {
            (true, Some(q)) => vec![q],
            (true, None) => vec![0],
            (false, _) => vec![0, 10_000, 100_000],
        };
        let queued = queued.as_slice();
        for entries in queued.iter().copied().filter(|&e| e > 0) {
            let started = Instant::now();
            seed(&dir.path().join(format!("template-{entries}")), entries / 3).await;
            println!("seeded a store with {entries} queued deliveries in {:.1} s", started.elapsed().as_secs_f64());
        }
        header();
        let metrics_client: HttpClient = Client::builder(TokioExecutor::new()).build_http();
        let mut summary = Vec::new();
        for &entries in queued {
            let slack = StandIn::start(TOKEN).await.expect("stand-in");
            stand_in_people(&slack);
            let store = dir.path().join(format!("run-{entries}"));
            if entries > 0 {
                copy_dir(&dir.path().join(format!("template-{entries}")), &store);
            }
            let bot = start_bot(&slack, &store, 1.0).await;
            if only_escalate {
                println!("bot process id {}", bot.pid());
            }
            for concurrency in CONCURRENCY {
                let (base, base_cpu) = measure(&baseline, concurrency, duration, Arc::new(command)).await;
                // Every acknowledged /escalate is a case on disk: distinct customers, fresh
                // trigger ids, so none is a replay.
                let offset = (concurrency as u64 + 1) * 100_000_000;
                let commands: Arc<dyn Fn(u64) -> Request + Send + Sync> =
                    Arc::new(move |n| command(offset + n));
                let (writes_before, flushes_before) = flushes(&metrics_client, &bot).await;
                let bytes_before = bot.written();
                let (run, cpu) = measure(&bot, concurrency, duration, commands).await;
                let (writes_after, flushes_after) = flushes(&metrics_client, &bot).await;
                row(&format!("/escalate q={}k", entries / 1000), concurrency, &run, cpu, &base, base_cpu);
                let flushed = flushes_after - flushes_before;
                println!(
                    "    {:.0} durable writes in {flushed:.0} flushes: {:.2} writes a flush, {:.2} flushes a request; {:.1} KB written to disk a request",
                    writes_after - writes_before,
                    (writes_after - writes_before) / flushed,
                    flushed / run.requests.max(1) as f64,
                    bot.written().saturating_sub(bytes_before) as f64 / 1024.0 / run.requests.max(1) as f64,
                );
                summary.push((entries, concurrency, run, cpu));
            }
            if entries == 0 && !only_escalate {
                // Every answered /escalate on this bot opened a case (none is a replay).
                let opened: u64 = summary.iter().filter(|(e, ..)| *e == 0).map(|(_, _, run, _)| run.requests as u64).sum();
                other_requests(&slack, &bot, &baseline, duration, opened).await;
            }
            drop(bot);
        }
        if only_escalate {
            return;
        }
        let per_case = |entries: u64, c: usize| {
            summary
                .iter()
                .find(|(e, k, _, _)| *e == entries && *k == c)
                .map(|(_, _, run, cpu)| cpu.as_secs_f64() * 1e6 / run.requests.max(1) as f64)
                .unwrap_or(f64::NAN)
        };
        for c in CONCURRENCY {
            println!(
                "CPU per case at c={c}: {:.0} µs empty, {:.0} µs with 10k queued ({:.2}x), {:.0} µs with 100k queued ({:.2}x)",
                per_case(0, c),
                per_case(10_000, c),
                per_case(10_000, c) / per_case(0, c),
                per_case(100_000, c),
                per_case(100_000, c) / per_case(0, c),
            );
        }

        // Draining: the channel rate lifted, how long until nothing is queued.
        let client: HttpClient = Client::builder(TokioExecutor::new()).build_http();
        let mut drained = Vec::new();
        for entries in queued.iter().copied().filter(|&e| e > 0) {
            let slack = StandIn::start(TOKEN).await.expect("stand-in");
            stand_in_people(&slack);
            let store = dir.path().join(format!("drain-{entries}"));
            copy_dir(&dir.path().join(format!("template-{entries}")), &store);
            let started = Instant::now();
            let bot = start_bot(&slack, &store, 1_000_000.0).await;
            let before = bot.cpu();
            loop {
                if outbox_depth(&client, &bot).await == Some(0) {
                    break;
                }
                tokio::time::sleep(Duration::from_millis(20)).await;
            }
            let took = started.elapsed();
            println!(
                "drained {entries} queued deliveries in {:.2} s (bot CPU {:.2} s)",
                took.as_secs_f64(),
                bot.cpu().saturating_sub(before).as_secs_f64()
            );
            drained.push(took);
        }
        if let [small, large] = drained[..] {
            println!(
                "drain 100k / drain 10k: {:.1}x (10x the work)",
                large.as_secs_f64() / small.as_secs_f64()
            );
        }

        delivery_latency(dir.path()).await;
    });
}

/// Take and reaction events, on the empty-queue bot (after its /escalate runs).
async fn other_requests(
    slack: &StandIn,
    bot: &Process,
    baseline: &Process,
    duration: Duration,
    mut opened: u64,
) {
    // Take: each click takes a different open case. A click past the last case would name
    // one that does not exist and be refused, which costs less, so first open enough cases
    // for the three cells (more than this machine has ever taken in that time), and say
    // how many clicks took one.
    let needed = (duration.as_secs_f64() * 25_000.0) as u64;
    let more = Arc::new(AtomicU64::new(900_000_000));
    let started = Instant::now();
    let before = opened;
    while opened < needed {
        let more = more.clone();
        let commands: Arc<dyn Fn(u64) -> Request + Send + Sync> =
            Arc::new(move |_| command(more.fetch_add(1, Ordering::Relaxed)));
        let (run, _) = measure(bot, 64, Duration::from_secs(1), commands).await;
        opened += run.requests as u64;
    }
    println!(
        "    opened {} more cases for the take cells in {:.1} s",
        opened - before,
        started.elapsed().as_secs_f64()
    );
    let next_case = Arc::new(AtomicU64::new(1));
    for concurrency in CONCURRENCY {
        let (base, base_cpu) = measure(baseline, concurrency, duration, Arc::new(take)).await;
        let next = next_case.clone();
        let clicks: Arc<dyn Fn(u64) -> Request + Send + Sync> =
            Arc::new(move |_| take(next.fetch_add(1, Ordering::Relaxed)));
        let first = next_case.load(Ordering::Relaxed);
        let (run, cpu) = measure(bot, concurrency, duration, clicks).await;
        row("take case", concurrency, &run, cpu, &base, base_cpu);
        let took = next_case
            .load(Ordering::Relaxed)
            .min(opened + 1)
            .saturating_sub(first);
        println!(
            "    {took} of {} clicks named an open case ({opened} were opened)",
            run.requests
        );
    }
    // Events: the trigger reaction on distinct messages (accepted with their work; the
    // job opening cases from them runs meanwhile, as in production).
    let guest = Author {
        user: "U0GUEST".into(),
        team: "T0GUEST".into(),
        bot_id: None,
    };
    let messages: Arc<Vec<String>> = Arc::new(
        (0..100_000)
            .map(|_| slack.post_as(guest.clone(), SUPPORT, "you idiot", None).ts)
            .collect(),
    );
    let next_message = Arc::new(AtomicU64::new(0));
    for concurrency in CONCURRENCY {
        let base_messages = messages.clone();
        let (base, base_cpu) = measure(
            baseline,
            concurrency,
            duration,
            Arc::new(move |n| reaction(n, &base_messages[n as usize % base_messages.len()])),
        )
        .await;
        let (messages, next) = (messages.clone(), next_message.clone());
        let reactions: Arc<dyn Fn(u64) -> Request + Send + Sync> = Arc::new(move |_| {
            let n = next.fetch_add(1, Ordering::Relaxed);
            reaction(n, &messages[n as usize % messages.len()])
        });
        let (run, cpu) = measure(bot, concurrency, duration, reactions).await;
        row("event", concurrency, &run, cpu, &base, base_cpu);
    }
}

/// Acknowledgement to page, one escalation at a time, on a fresh bot.
async fn delivery_latency(dir: &std::path::Path) {
    let slack = StandIn::start(TOKEN).await.expect("stand-in");
    stand_in_people(&slack);
    let bot = start_bot(&slack, &dir.join("delivery"), 1.0).await;
    let client: HttpClient = Client::builder(TokioExecutor::new()).build_http();
    let mut latencies = Vec::new();
    for n in 0..50u64 {
        let sent = Instant::now();
        assert!(
            acked(&client, &bot.base, &command(n)).await,
            "escalation acknowledged"
        );
        let id = CaseId::new(n + 1).to_string();
        // When the page's chat.postMessage reached the stand-in.
        let page_at = || {
            slack
                .calls_to("chat.postMessage")
                .into_iter()
                .find_map(|c| {
                    let dm = c.params["channel"]
                        .as_str()
                        .is_some_and(|ch| ch.starts_with('D'));
                    (dm && c.params["metadata"]["event_payload"]["case"] == id.as_str())
                        .then_some(c.at)
                })
        };
        slack
            .wait_for(Duration::from_secs(10), |_| page_at().is_some())
            .await
            .expect("the page arrives");
        latencies.push(page_at().expect("seen above").duration_since(sent));
        // Stay under the executive's DM budget of about one message a second.
        tokio::time::sleep(Duration::from_millis(1100)).await;
    }
    latencies.sort();
    let run = Run {
        requests: latencies.len(),
        errors: 0,
        elapsed: Duration::ZERO,
        latencies,
    };
    println!(
        "delivery: /escalate sent to the page reaching the stand-in (ack included), {} escalations: p50 {} ms, p99 {} ms, max {} ms",
        run.requests,
        ms(run.percentile(0.5)),
        ms(run.percentile(0.99)),
        ms(run.max())
    );
}
