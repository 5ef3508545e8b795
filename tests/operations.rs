//! Running it as a service: /healthz, /readyz, /metrics (on the main port, or only on the
//! operations listener when there is one), and what the command line asks a running bot
//! for: a consistent backup, a week's report, the audit export.

mod common;

use std::sync::Arc;
use std::time::Duration;

use common::*;
use escalation_bot::app::{Application, Context};
use escalation_bot::clock::{ManualClock, SystemClock};
use escalation_bot::config::{Secret, Secrets};
use escalation_bot::slack::ingress::{self, Listener};
use escalation_bot::standin::{Fault, Sender, StandIn};
use escalation_bot::store::Store;
use http_body_util::{BodyExt, Full};
use jiff::{SignedDuration, Timestamp};
use tokio::net::TcpListener;

async fn http(method: &str, url: &str, body: &str) -> (u16, String) {
    let client = hyper_util::client::legacy::Client::builder(hyper_util::rt::TokioExecutor::new())
        .build_http::<Full<bytes::Bytes>>();
    let request = hyper::Request::builder()
        .method(method)
        .uri(url)
        .body(Full::new(bytes::Bytes::from(body.to_owned())))
        .unwrap();
    let response = client.request(request).await.unwrap();
    let status = response.status().as_u16();
    let body = response.into_body().collect().await.unwrap().to_bytes();
    (status, String::from_utf8_lossy(&body).into_owned())
}

fn value(metrics: &str, line_start: &str) -> f64 {
    metrics
        .lines()
        .find(|l| l.starts_with(line_start))
        .and_then(|l| l.rsplit(' ').next())
        .and_then(|v| v.parse().ok())
        .unwrap_or_else(|| panic!("no {line_start} in\n{metrics}"))
}

#[tokio::test]
async fn readiness_and_metrics_follow_what_the_bot_does() {
    let bot = TestBot::start().await;
    let base = format!("http://{}", bot.app().addr());
    assert_eq!(http("GET", &format!("{base}/readyz"), "").await.0, 200);
    let (status, before) = http("GET", &format!("{base}/metrics"), "").await;
    assert_eq!(status, 200);
    assert_eq!(
        value(&before, "escalation_bot_cases{state=\"waiting\"}"),
        0.0
    );
    assert_eq!(value(&before, "escalation_bot_outbox_depth"), 0.0);

    let id = bot.open_case("cust-1 threat Metrics").await;
    bot.click(EXEC1, &bot.page(EXEC1), "take_case").await;
    bot.settle().await;
    let (_, after) = http("GET", &format!("{base}/metrics"), "").await;
    assert_eq!(value(&after, "escalation_bot_cases{state=\"taken\"}"), 1.0);
    assert_eq!(
        value(&after, "escalation_bot_cases{state=\"waiting\"}"),
        0.0
    );
    assert!(
        value(&after, "escalation_bot_pages_sent_total") >= 2.0,
        "critical: both executives"
    );
    assert_eq!(
        value(
            &after,
            "escalation_bot_requests_total{endpoint=\"commands\",status=\"200\"}"
        ),
        1.0
    );
    assert!(
        value(
            &after,
            "escalation_bot_slack_calls_total{method=\"chat.postMessage\"}"
        ) >= 3.0
    );
    assert_eq!(
        value(
            &after,
            "escalation_bot_ack_seconds_count{endpoint=\"interactivity\"}"
        ),
        1.0
    );
    assert!(
        after.contains("escalation_bot_ack_seconds_bucket{endpoint=\"commands\",le=\"+Inf\"} 1")
    );
    let _ = id;
}

/// Stops the test bot and starts it again on the same store with an operations listener
/// on 127.0.0.1:<free port>, named in its settings as `server.metrics_bind` (where the
/// command line looks for it).
async fn restart_with_operations(bot: &mut TestBot) {
    bot.shutdown().await;
    let path = bot.settings.store_path.clone();
    // sled is one process per store: park `bot.store` on a throwaway one meanwhile.
    let parking = tempfile::tempdir().unwrap();
    bot.store = Store::open(&parking.path().join("s"), 1 << 20).unwrap();
    bot.store = reopen(&path);
    let main = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let operations = TcpListener::bind("127.0.0.1:0").await.unwrap();
    bot.settings.bind = main.local_addr().unwrap();
    bot.settings.metrics_bind = Some(operations.local_addr().unwrap());
    let app = Application::start_with_operations(
        bot.settings.clone(),
        Secrets {
            bot_token: Secret::new(TOKEN),
            signing_secret: Secret::new(SIGNING_SECRET),
            app_token: None,
        },
        bot.clock.clone(),
        bot.store.clone(),
        main,
        Some(operations),
    )
    .unwrap();
    bot.sender = Sender::new(
        format!("http://{}", app.addr()),
        SIGNING_SECRET,
        bot.slack.clone(),
    )
    .with_clock(bot.clock.clone());
    bot.app = Some(app);
}

#[tokio::test]
async fn the_operations_listener_serves_metrics_and_backups_but_not_slack() {
    let mut bot = TestBot::start().await;
    restart_with_operations(&mut bot).await;
    let app = bot.app();
    let ops = format!("http://{}", app.operations_addr().unwrap());
    assert_eq!(http("GET", &format!("{ops}/healthz"), "").await.0, 200);
    assert_eq!(http("GET", &format!("{ops}/readyz"), "").await.0, 200);
    assert_eq!(http("GET", &format!("{ops}/metrics"), "").await.0, 200);
    assert_eq!(
        http("POST", &format!("{ops}/slack/commands"), "").await.0,
        404
    );
    // The main port is the one Slack (and so the Internet) reaches: health only.
    let main = format!("http://{}", app.addr());
    assert_eq!(http("GET", &format!("{main}/healthz"), "").await.0, 200);
    for path in ["/readyz", "/metrics"] {
        assert_eq!(
            http("GET", &format!("{main}{path}"), "").await.0,
            404,
            "{path}"
        );
    }
    assert_eq!(
        http("POST", &format!("{main}/admin/backup"), "/tmp/x")
            .await
            .0,
        404
    );

    assert_eq!(
        bot.sender
            .command(AGENT, SUPPORT, "cust-9 threat Back me up")
            .await
            .status,
        200
    );

    let target = tempfile::tempdir().unwrap();
    let copy = target.path().join("copy");
    let (status, body) = http(
        "POST",
        &format!("{ops}/admin/backup"),
        copy.to_str().unwrap(),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    assert!(body.trim().parse::<usize>().unwrap() > 5, "{body}");
    let (status, body) = http(
        "POST",
        &format!("{ops}/admin/backup"),
        copy.to_str().unwrap(),
    )
    .await;
    assert_eq!(status, 409, "a backup never overwrites: {body}");
    assert_eq!(
        http("POST", &format!("{ops}/admin/backup"), "relative/dir")
            .await
            .0,
        400
    );

    // The weekly report and the export, for the command line while the bot holds the store.
    let (status, body) = http("POST", &format!("{ops}/admin/report"), "{}").await;
    assert_eq!(status, 200, "{body}");
    assert!(body.contains("Weekly escalation report"), "{body}");
    let (status, body) = http(
        "POST",
        &format!("{ops}/admin/report"),
        r#"{"week": "2026-W99"}"#,
    )
    .await;
    assert_eq!(status, 400, "{body}");
    let (status, body) = http("POST", &format!("{ops}/admin/report"), r#"{"post": true}"#).await;
    assert_eq!(status, 502, "no stats channel is configured: {body}");
    assert!(body.contains("slack.stats_channel"), "{body}");
    assert_eq!(
        http("POST", &format!("{ops}/admin/report"), "week=1")
            .await
            .0,
        400
    );
    let file = target.path().join("cases.csv");
    let export = format!(
        r#"{{"path": {:?}, "format": "csv"}}"#,
        file.to_str().unwrap()
    );
    let (status, body) = http("POST", &format!("{ops}/admin/export"), &export).await;
    assert_eq!((status, body.trim()), (200, "1"));
    assert!(std::fs::read_to_string(&file).unwrap().contains("cust-9"));
    let (status, _) = http("POST", &format!("{ops}/admin/export"), &export).await;
    assert_eq!(status, 409, "an export never overwrites a file");
    let xlsx = r#"{"path": "/tmp/never", "format": "xlsx"}"#;
    assert_eq!(
        http("POST", &format!("{ops}/admin/export"), xlsx).await.0,
        400
    );
    assert_eq!(http("GET", &format!("{ops}/admin/export"), "").await.0, 405);

    bot.shutdown().await;
    let restored = reopen(&copy);
    assert_eq!(restored.tallies().unwrap().cases_total, 1);
    let case = restored
        .case(escalation_bot::domain::CaseId::new(1))
        .unwrap()
        .unwrap();
    assert_eq!(case.customer.unwrap().as_str(), "cust-9");
}

/// Ready means the store answers and the delivery worker runs: not before the worker
/// starts, and not after it stopped.
#[tokio::test]
async fn readiness_fails_while_the_delivery_worker_is_not_running() {
    let slack = StandIn::start(TOKEN).await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let mut settings = settings(&slack.api_url(), "");
    settings.store_path = dir.path().join("store");
    let store = Store::open(&settings.store_path, settings.store_cache_bytes).unwrap();
    let secrets = Secrets {
        bot_token: Secret::new(TOKEN),
        signing_secret: Secret::new(SIGNING_SECRET),
        app_token: None,
    };
    let ctx = Arc::new(Context::new(
        settings,
        secrets,
        Arc::new(SystemClock),
        store,
    ));
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let readyz = format!("http://{}/readyz", listener.local_addr().unwrap());
    let server = tokio::spawn(ingress::serve(
        listener,
        ctx.clone(),
        Listener::Operations,
        std::future::pending(),
    ));
    let (status, body) = http("GET", &readyz, "").await;
    assert_eq!(
        (status, body.as_str()),
        (503, "the delivery worker is not running"),
        "before the worker starts"
    );

    let (stop, stopped) = tokio::sync::watch::channel(false);
    let worker = tokio::spawn(escalation_bot::jobs::outbox::run(ctx.clone(), stopped));
    let mut status = 0;
    for _ in 0..200 {
        status = http("GET", &readyz, "").await.0;
        if status == 200 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    assert_eq!(status, 200, "ready once the worker runs");

    stop.send(true).unwrap();
    worker.await.unwrap();
    let (status, body) = http("GET", &readyz, "").await;
    assert_eq!(
        (status, body.as_str()),
        (503, "the delivery worker is not running"),
        "after the worker stopped"
    );
    server.abort();
}

/// A refused Slack call is counted by method, and a delivery waiting for its retry shows
/// in the outbox's depth and oldest age (on the bot's clock) until it goes out.
#[tokio::test]
async fn metrics_count_failed_slack_calls_and_the_age_of_the_oldest_waiting_delivery() {
    let clock = Arc::new(ManualClock::new(Timestamp::now()));
    let bot = TestBot::start_with(Options {
        clock: clock.clone(),
        ..Options::default()
    })
    .await;
    let metrics_url = format!("http://{}/metrics", bot.app().addr());
    let errors = "escalation_bot_slack_errors_total{method=\"chat.postMessage\"}";
    // Slack refuses the first post (the case card) and asks to wait two minutes.
    bot.slack
        .fail_next("chat.postMessage", Fault::RateLimited { retry_after: 120 });
    let answer = bot.escalate(AGENT, "cust-4 threat Held back").await;
    assert_eq!(answer.status, 200, "{}", answer.body);
    let mut text = String::new();
    for _ in 0..200 {
        text = http("GET", &metrics_url, "").await.1;
        if text.lines().any(|l| l.starts_with(errors)) {
            break;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    assert_eq!(value(&text, errors), 1.0, "{text}");

    clock.advance(SignedDuration::from_secs(90));
    let (_, text) = http("GET", &metrics_url, "").await;
    assert_eq!(value(&text, errors), 1.0);
    assert!(value(&text, "escalation_bot_outbox_depth") >= 1.0, "{text}");
    let oldest = value(&text, "escalation_bot_outbox_oldest_seconds");
    assert!(
        (90.0..91.0).contains(&oldest),
        "the card has waited 90 s: {oldest}"
    );

    // Well past Retry-After: the card goes out, nothing waits any more.
    clock.advance(SignedDuration::from_mins(5));
    bot.settle().await;
    assert!(
        bot.case(escalation_bot::domain::CaseId::new(1))
            .posts
            .card
            .is_some()
    );
    let (_, text) = http("GET", &metrics_url, "").await;
    assert_eq!(value(&text, errors), 1.0, "the retry succeeded");
    assert_eq!(value(&text, "escalation_bot_outbox_depth"), 0.0);
    assert_eq!(value(&text, "escalation_bot_outbox_oldest_seconds"), 0.0);
}

/// The real binary's `backup`, `report` and `export`, while the bot runs and holds the
/// store: each asks the bot on its operations listener (`server.metrics_bind`).
#[tokio::test]
async fn the_command_line_backs_up_reports_and_exports_through_a_running_bot() {
    let mut bot = TestBot::start().await;
    restart_with_operations(&mut bot).await;
    let id = bot.open_case("cust-7 threat Ask the running bot").await;
    let work = tempfile::tempdir().unwrap();
    let config = work.path().join("escalation-bot.toml");
    std::fs::write(
        &config,
        format!(
            r#"
            [server]
            metrics_bind = "{ops}"
            [store]
            path = "{store}"
            [slack]
            escalation_channel = "{ESCALATIONS}"
            [people]
            executives = ["{EXEC1}"]
            managers = ["{MGR1}", "{MGR2}"]
            "#,
            ops = bot.settings.metrics_bind.unwrap(),
            store = bot.settings.store_path.display(),
        ),
    )
    .unwrap();
    // The bot answers on this runtime: run the binary off it.
    let cli = |args: Vec<String>| {
        let dir = work.path().to_owned();
        tokio::task::spawn_blocking(move || {
            let args: Vec<&str> = args.iter().map(String::as_str).collect();
            run_binary(&dir, &args, &[])
        })
    };
    let config = config.display().to_string();
    let say = |o: &std::process::Output| {
        format!(
            "{}\n{}",
            String::from_utf8_lossy(&o.stdout),
            String::from_utf8_lossy(&o.stderr)
        )
    };

    let copy = work.path().join("copy");
    let out = cli(vec![
        "backup".into(),
        copy.display().to_string(),
        "--config".into(),
        config.clone(),
    ])
    .await
    .unwrap();
    assert!(out.status.success(), "{}", say(&out));
    assert!(say(&out).contains("Backed up 1 cases"), "{}", say(&out));
    let restored = reopen(&copy);
    let case = restored.case(id).unwrap().expect("the case is in the copy");
    assert_eq!(case.customer.unwrap().as_str(), "cust-7");
    drop(restored);

    let out = cli(vec!["report".into(), "--config".into(), config.clone()])
        .await
        .unwrap();
    assert!(out.status.success(), "{}", say(&out));
    let report = String::from_utf8_lossy(&out.stdout);
    assert!(report.contains("Weekly escalation report"), "{report}");

    let file = work.path().join("cases.json");
    let out = cli(vec![
        "export".into(),
        "--format".into(),
        "json".into(),
        "--out".into(),
        file.display().to_string(),
        "--config".into(),
        config,
    ])
    .await
    .unwrap();
    assert!(out.status.success(), "{}", say(&out));
    let cases: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&file).unwrap()).unwrap();
    let cases = cases.as_array().expect("a JSON array of cases");
    assert_eq!(cases.len(), 1, "{cases:?}");
    assert_eq!(cases[0]["case"], id.to_string());
    assert_eq!(cases[0]["customer"], "cust-7");

    bot.shutdown().await;
}
