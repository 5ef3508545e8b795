//! Ack latency and throughput of the real server, against a bare hyper server in the same
//! run, and the time from an escalation's acknowledgement to the executive's page.
//!
//! `cargo bench --bench ack` (ESCALATION_BOT_BENCH_SECONDS=3 per measurement by default).
//! The bot runs in-process with a temporary store (flushed and fdatasync'ed before every
//! acknowledgement, as in production), its jobs running, against the Slack stand-in on
//! loopback; a Rust load generator drives it over HTTP with signed requests. The baseline
//! answers 200 OK to the same requests and does nothing else.

mod common;

use std::convert::Infallible;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use bytes::Bytes;
use common::*;
use escalation_bot::app::Application;
use escalation_bot::clock::SystemClock;
use escalation_bot::config::{Secret, Secrets};
use escalation_bot::domain::CaseId;
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

/// A server that answers 200 OK with an empty body after reading the request: the
/// cost of HTTP on loopback and nothing else.
async fn bare_hyper() -> String {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("binds");
    let addr = listener.local_addr().expect("has an address");
    tokio::spawn(async move {
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
    format!("http://{addr}")
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

async fn start_bot(slack: &StandIn, dir: &std::path::Path) -> Application {
    let settings = settings(&slack.api_url(), &dir.join("store"), "");
    let store = Store::open(&settings.store_path, settings.store_cache_bytes).expect("store opens");
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("binds");
    let secrets = Secrets {
        bot_token: Secret::new(TOKEN),
        signing_secret: Secret::new(SECRET),
        app_token: None,
    };
    Application::start(settings, secrets, Arc::new(SystemClock), store, listener).expect("starts")
}

fn row(label: &str, concurrency: usize, bot: &Run, base: &Run) {
    println!(
        "{label:<12} {concurrency:>4} {:>10.0} {:>8} {:>8} {:>8} {:>10.0} {:>8} {:>8} {:>6.2}x {:>6}",
        bot.per_second(),
        ms(bot.percentile(0.5)),
        ms(bot.percentile(0.99)),
        ms(bot.max()),
        base.per_second(),
        ms(base.percentile(0.5)),
        ms(base.percentile(0.99)),
        bot.per_second() / base.per_second(),
        bot.errors,
    );
}

fn main() {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("a runtime");
    runtime.block_on(async {
        let duration = seconds();
        let slack = StandIn::start(TOKEN).await.expect("stand-in");
        slack.add_channel(ESCALATIONS, "escalations");
        slack.add_channel(SUPPORT, "support");
        add_people(&slack);
        let dir = tempfile::tempdir().expect("temp dir");
        let app = start_bot(&slack, dir.path()).await;
        let bot = format!("http://{}", app.addr());
        let baseline = bare_hyper().await;

        println!("ack latency and throughput, {duration:?} per measurement; latencies in ms");
        println!(
            "{:<12} {:>4} {:>10} {:>8} {:>8} {:>8} {:>10} {:>8} {:>8} {:>7} {:>6}",
            "request", "conc", "bot req/s", "p50", "p99", "max", "base req/s", "p50", "p99", "ratio", "errors"
        );
        let make: Arc<dyn Fn(u64) -> Request + Send + Sync> = Arc::new(command);
        for concurrency in CONCURRENCY {
            let base = load(&baseline, concurrency, duration, make.clone()).await;
            // Every acknowledged /escalate is a case on disk: distinct customers, fresh
            // trigger ids, so none is a replay.
            let offset = app.context().store.tallies().map(|t| t.cases_total).unwrap_or(0) * 10 + 1_000_000;
            let commands: Arc<dyn Fn(u64) -> Request + Send + Sync> =
                Arc::new(move |n| command(offset + n));
            let run = load(&bot, concurrency, duration, commands).await;
            row("/escalate", concurrency, &run, &base);
        }
        let cases = app.context().store.tallies().map(|t| t.cases_total).unwrap_or(0);

        // Take: each click takes a different open case.
        let next_case = Arc::new(AtomicU64::new(1));
        for concurrency in CONCURRENCY {
            let base = load(&baseline, concurrency, duration, Arc::new(take)).await;
            let next = next_case.clone();
            let clicks: Arc<dyn Fn(u64) -> Request + Send + Sync> =
                Arc::new(move |_| take(next.fetch_add(1, Ordering::Relaxed).min(cases)));
            let run = load(&bot, concurrency, duration, clicks).await;
            row("take case", concurrency, &run, &base);
        }

        // Events: the trigger reaction on distinct messages (accepted with their work;
        // the job opening cases from them runs meanwhile, as in production).
        let guest = Author { user: "U0GUEST".into(), team: "T0GUEST".into(), bot_id: None };
        let messages: Arc<Vec<String>> = Arc::new(
            (0..200_000).map(|_| slack.post_as(guest.clone(), SUPPORT, "you idiot", None).ts).collect(),
        );
        let next_message = Arc::new(AtomicU64::new(0));
        for concurrency in CONCURRENCY {
            let base_messages = messages.clone();
            let base = load(&baseline, concurrency, duration, Arc::new(move |n| {
                reaction(n, &base_messages[n as usize % base_messages.len()])
            }))
            .await;
            let (messages, next) = (messages.clone(), next_message.clone());
            let reactions: Arc<dyn Fn(u64) -> Request + Send + Sync> = Arc::new(move |_| {
                let n = next.fetch_add(1, Ordering::Relaxed);
                reaction(n, &messages[n as usize % messages.len()])
            });
            let run = load(&bot, concurrency, duration, reactions).await;
            row("event", concurrency, &run, &base);
        }
        println!(
            "resident memory of this process after the ack runs (bot, load generator, and the \
             stand-in, which keeps every call it received): {:.1} MB",
            resident_mb()
        );
        app.shutdown().await.expect("shuts down");
        drop(slack);

        // Delivery: acknowledgement to page, one escalation at a time, on a fresh bot.
        let slack = StandIn::start(TOKEN).await.expect("stand-in");
        slack.add_channel(ESCALATIONS, "escalations");
        slack.add_channel(SUPPORT, "support");
        add_people(&slack);
        let dir = tempfile::tempdir().expect("temp dir");
        let app = start_bot(&slack, dir.path()).await;
        let bot = format!("http://{}", app.addr());
        let client: HttpClient = Client::builder(TokioExecutor::new()).build_http();
        let mut latencies = Vec::new();
        for n in 0..50u64 {
            let sent = Instant::now();
            assert!(acked(&client, &bot, &command(n)).await, "escalation acknowledged");
            let id = CaseId::new(n + 1).to_string();
            // When the page's chat.postMessage reached the stand-in.
            let page_at = || {
                slack.calls_to("chat.postMessage").into_iter().find_map(|c| {
                    let dm = c.params["channel"].as_str().is_some_and(|ch| ch.starts_with('D'));
                    (dm && c.params["metadata"]["event_payload"]["case"] == id.as_str()).then_some(c.at)
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
        let run = Run { requests: latencies.len(), errors: 0, elapsed: Duration::ZERO, latencies };
        println!(
            "delivery: /escalate sent to the page reaching the stand-in (ack included), {} escalations: p50 {} ms, p99 {} ms, max {} ms",
            run.requests,
            ms(run.percentile(0.5)),
            ms(run.percentile(0.99)),
            ms(run.max())
        );
        app.shutdown().await.expect("shuts down");
    });
}
