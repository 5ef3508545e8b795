//! Running it as a service: /healthz on every port, /readyz and /metrics only on the
//! metrics listener (`server.metrics_bind`), never admin actions over TCP; and what the
//! command line asks a running bot for on the operations socket (a consistent backup, a
//! week's report, the audit export), written only under `operations.output_dir`, private,
//! never over anything, each one in the audit log.

mod common;

use std::sync::Arc;
use std::time::Duration;

use common::*;
use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::path::Path;

use escalation_bot::app::Context;
use escalation_bot::clock::SystemClock;
use escalation_bot::config::{Secret, Secrets};
use escalation_bot::operations::{self, socket};
use escalation_bot::slack::ingress::{self, Listener};
use escalation_bot::store::{LogEntry, Store};
use http_body_util::{BodyExt, Full};
use jiff::{SignedDuration, Timestamp};
use slack_standin::{Fault, StandIn};
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
    let bot = TestBot::start_with(Options {
        metrics: true,
        ..Options::default()
    })
    .await;
    let base = bot.metrics_base();
    assert_eq!(http("GET", &format!("{base}/readyz"), "").await.0, 200);
    let (status, before) = http("GET", &format!("{base}/metrics"), "").await;
    assert_eq!(status, 200);
    assert_eq!(
        value(&before, "escalation_bot_cases{state=\"waiting\"}"),
        0.0
    );
    assert_eq!(value(&before, "escalation_bot_outbox_depth"), 0.0);

    let id = bot.open_and_take("cust-1 threat Metrics").await;
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

/// The public port is the one Slack (and so the Internet) reaches: Slack's routes and
/// /healthz, nothing with case counts, no admin action; with or without a metrics
/// listener (without one, /metrics and /readyz are not served at all).
#[tokio::test]
async fn the_public_port_serves_slack_and_health_only() {
    for metrics in [false, true] {
        let bot = TestBot::start_with(Options {
            metrics,
            ..Options::default()
        })
        .await;
        let main = format!("http://{}", bot.app().addr());
        assert_eq!(http("GET", &format!("{main}/healthz"), "").await.0, 200);
        for path in ["/readyz", "/metrics"] {
            assert_eq!(
                http("GET", &format!("{main}{path}"), "").await.0,
                404,
                "{path}, metrics listener: {metrics}"
            );
        }
        for path in [
            operations::BACKUP_PATH,
            operations::EXPORT_PATH,
            operations::REPORT_PATH,
        ] {
            let body = r#"{"path": "x", "format": "csv"}"#;
            assert_eq!(http("POST", &format!("{main}{path}"), body).await.0, 404);
        }
        assert_eq!(
            bot.escalate(AGENT, "cust-9 threat Over the public port")
                .await
                .status,
            200
        );
    }
}

/// The metrics listener is for Prometheus and the probes: never Slack's routes, and
/// admin actions are refused there (anything that reaches a TCP port, a browser page
/// posting text/plain included, could otherwise copy the store), leaving no file.
#[tokio::test]
async fn admin_actions_over_tcp_are_refused_and_write_nothing() {
    let bot = TestBot::start_with(Options {
        metrics: true,
        ..Options::default()
    })
    .await;
    bot.open_case("cust-9 threat Keep me in").await;
    let ops = bot.metrics_base();
    assert_eq!(http("GET", &format!("{ops}/healthz"), "").await.0, 200);
    assert_eq!(http("GET", &format!("{ops}/readyz"), "").await.0, 200);
    assert_eq!(http("GET", &format!("{ops}/metrics"), "").await.0, 200);
    assert_eq!(
        http("POST", &format!("{ops}/slack/commands"), "").await.0,
        404
    );
    let output = bot.settings.output_dir();
    let posts_before = bot.slack.calls_to("chat.postMessage").len();
    let attempts = [
        (operations::BACKUP_PATH, r#"{"path": "stolen"}"#.to_owned()),
        (
            operations::EXPORT_PATH,
            r#"{"path": "stolen.csv", "format": "csv"}"#.to_owned(),
        ),
        (operations::REPORT_PATH, r#"{"post": true}"#.to_owned()),
        // What a browser page can send without a preflight.
        (operations::BACKUP_PATH, "/tmp/stolen".to_owned()),
    ];
    for (path, body) in attempts {
        let (status, text) = http("POST", &format!("{ops}{path}"), &body).await;
        assert_eq!(status, 403, "{path}: {text}");
        assert!(text.contains("operations socket"), "{text}");
    }
    assert!(!output.join("stolen").exists() && !output.join("stolen.csv").exists());
    assert!(!Path::new("/tmp/stolen").exists());
    assert!(bot.store.log_entries().next().is_none(), "nothing was done");
    assert_eq!(
        bot.slack.calls_to("chat.postMessage").len(),
        posts_before,
        "no report posted"
    );
}

fn mode(path: &Path) -> u32 {
    std::fs::metadata(path).unwrap().mode() & 0o777
}

/// Every file and folder under `dir` (itself included): files 0600, folders 0700.
fn assert_private(dir: &Path) {
    let meta = std::fs::symlink_metadata(dir).unwrap();
    let want = if meta.is_dir() { 0o700 } else { 0o600 };
    assert_eq!(meta.mode() & 0o777, want, "{}", dir.display());
    if meta.is_dir() {
        for entry in std::fs::read_dir(dir).unwrap() {
            assert_private(&entry.unwrap().path());
        }
    }
}

fn log_of(store: &Store, what: &str) -> Vec<LogEntry> {
    store
        .log_entries()
        .map(Result::unwrap)
        .filter(|e| e.what == what)
        .collect()
}

/// What the command line asks a running bot for, on the operations socket: backups and
/// exports only under operations.output_dir, created private, never over anything, each
/// one in the audit log with who, when, what and how many cases.
#[tokio::test]
async fn the_operations_socket_backs_up_and_exports_only_under_the_output_directory() {
    let mut bot = TestBot::start().await;
    let store_path = bot.settings.store_path.clone();
    let sock = socket::socket_path(&store_path);
    assert_eq!(mode(&sock), 0o600, "the socket is private");
    bot.open_case("cust-9 threat Back me up").await;
    let ask = |path: &'static str, body: String| {
        let store_path = store_path.clone();
        async move { socket::ask(&store_path, path, body).await }
    };
    let output = bot.settings.output_dir();

    let answer = ask(operations::BACKUP_PATH, r#"{"path": "backup-1"}"#.into())
        .await
        .expect("a backup");
    let done: operations::BackupDone = serde_json::from_str(&answer).unwrap();
    assert_eq!(done.cases, 1);
    assert!(done.records > 5, "{answer}");
    let copy = output.canonicalize().unwrap().join("backup-1");
    assert_eq!(done.path, copy);
    assert_private(&output);
    assert_private(&copy);
    let again = ask(operations::BACKUP_PATH, r#"{"path": "backup-1"}"#.into()).await;
    assert!(
        again.as_ref().is_err_and(|e| e.contains("already exists")),
        "never over an existing backup: {again:?}"
    );
    let elsewhere = tempfile::tempdir().unwrap();
    for outside in [
        format!(r#"{{"path": {:?}}}"#, elsewhere.path().join("copy")),
        r#"{"path": "../escaped"}"#.to_owned(),
        r#"{"path": "/etc/escalation-bot-copy"}"#.to_owned(),
    ] {
        let refused = ask(operations::BACKUP_PATH, outside.clone()).await;
        assert!(refused.is_err(), "{outside}: {refused:?}");
    }
    assert!(!elsewhere.path().join("copy").exists());
    assert!(!output.parent().unwrap().join("escaped").exists());

    // Exports: a new 0600 file, never over one.
    let export = r#"{"path": "audit/cases.csv", "format": "csv"}"#.to_owned();
    let answer = ask(operations::EXPORT_PATH, export.clone())
        .await
        .expect("an export");
    let done: operations::ExportDone = serde_json::from_str(&answer).unwrap();
    assert_eq!(done.cases, 1);
    let file = output.canonicalize().unwrap().join("audit/cases.csv");
    assert_eq!(done.path, file);
    assert!(std::fs::read_to_string(&file).unwrap().contains("cust-9"));
    assert_private(&output.join("audit"));
    std::fs::write(output.join("taken.json"), "mine").unwrap();
    for export in [
        export,
        r#"{"path": "taken.json", "format": "json"}"#.to_owned(),
    ] {
        let again = ask(operations::EXPORT_PATH, export).await;
        assert!(again.is_err_and(|e| e.contains("already exists")));
    }
    assert_eq!(
        std::fs::read_to_string(output.join("taken.json")).unwrap(),
        "mine"
    );
    let xlsx = ask(
        operations::EXPORT_PATH,
        r#"{"path": "x.xlsx", "format": "xlsx"}"#.into(),
    )
    .await;
    assert!(xlsx.is_err_and(|e| e.contains("csv or json")));

    // The report, printed and posted (nowhere to post it: said so, nothing recorded).
    let report = ask(operations::REPORT_PATH, "{}".into()).await.unwrap();
    assert!(report.contains("Weekly escalation report"), "{report}");
    let bad_week = ask(operations::REPORT_PATH, r#"{"week": "2026-W99"}"#.into()).await;
    assert!(bad_week.is_err());
    let post = ask(operations::REPORT_PATH, r#"{"post": true}"#.into()).await;
    assert!(post.is_err_and(|e| e.contains("slack.stats_channel")));

    // Each backup and export made is in the audit log: who (this process's user), when,
    // what, how many cases; the refused ones wrote nothing and are not.
    let me = format!("uid {}", socket::own_uid());
    let backups = log_of(&bot.store, "backup");
    assert_eq!(backups.len(), 1, "{backups:?}");
    assert_eq!(backups[0].who, me);
    assert_eq!(backups[0].details["cases"], "1");
    assert_eq!(backups[0].details["path"], copy.display().to_string());
    assert!(backups[0].details.contains_key("pid"));
    let exports = log_of(&bot.store, "export");
    assert_eq!(exports.len(), 1, "{exports:?}");
    assert_eq!(exports[0].details["format"], "csv");
    assert_eq!(exports[0].details["cases"], "1");
    assert!(log_of(&bot.store, "report-posted").is_empty());

    // The copy is a store with the case in it.
    bot.shutdown().await;
    assert!(!sock.exists(), "the socket goes with the bot");
    let restored = reopen(&copy);
    assert_eq!(restored.tallies().unwrap().cases_total, 1);
    let case = restored
        .case(escalation_bot::domain::CaseId::new(1))
        .unwrap()
        .unwrap();
    assert_eq!(case.customer.unwrap().as_str(), "cust-9");
}

/// Another local user gets nothing from the operations socket, even if its mode were
/// lost: the kernel names the peer (SO_PEERCRED), and the refusal is audited. Runs the
/// test binary itself as `nobody`, so it needs root; elsewhere it says so and checks
/// only the socket's mode.
#[tokio::test]
async fn another_user_is_refused_on_the_operations_socket() {
    let bot = TestBot::start().await;
    let sock = socket::socket_path(&bot.settings.store_path);
    assert_eq!(mode(&sock), 0o600);
    if socket::own_uid() != 0 {
        eprintln!("not root: the other-user half of this test needs root to run as nobody");
        return;
    }
    // As if the socket's mode had been lost: the peer check alone must hold.
    for dir in [bot.dir.path(), bot.settings.store_path.as_path()] {
        std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o755)).unwrap();
    }
    std::fs::set_permissions(&sock, std::fs::Permissions::from_mode(0o666)).unwrap();
    let exe = std::env::current_exe().unwrap();
    let store = bot.settings.store_path.clone();
    let out = tokio::task::spawn_blocking(move || {
        use std::os::unix::process::CommandExt;
        std::process::Command::new(exe)
            .args([
                "--exact",
                "ask_the_operations_socket_for_a_backup",
                "--ignored",
                "--nocapture",
            ])
            .env("ESCALATION_BOT_TEST_STORE", store)
            .uid(65534)
            .gid(65534)
            .output()
            .unwrap()
    })
    .await
    .unwrap();
    let said = format!(
        "{}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(said.contains("answer: Err"), "{said}");
    assert!(
        said.contains("Only the user the bot runs as (uid 0)") && said.contains("uid 65534"),
        "{said}"
    );
    assert!(!bot.settings.output_dir().join("by-nobody").exists());
    let refused = log_of(&bot.store, "operations-refused");
    assert_eq!(refused.len(), 1, "{refused:?}");
    assert_eq!(refused[0].who, "uid 65534");
}

/// Not a test on its own: what `another_user_is_refused_on_the_operations_socket` runs as
/// another user.
#[tokio::test]
#[ignore = "run by another_user_is_refused_on_the_operations_socket, as another user"]
async fn ask_the_operations_socket_for_a_backup() {
    let store = std::env::var("ESCALATION_BOT_TEST_STORE").expect("set by the calling test");
    let answer = socket::ask(
        Path::new(&store),
        operations::BACKUP_PATH,
        r#"{"path": "by-nobody"}"#.into(),
    )
    .await;
    println!("answer: {answer:?}");
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
        Listener::Metrics,
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
    let (bot, clock) = TestBot::start_on_manual_clock(Options {
        metrics: true,
        ..Options::default()
    })
    .await;
    let metrics_url = format!("{}/metrics", bot.metrics_base());
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
    // The case was flushed before its acknowledgement: at least one durable write, and
    // never more flushes than writes (concurrent writes share one).
    let writes = value(&text, "escalation_bot_store_durable_writes_total");
    let flushes = value(&text, "escalation_bot_store_flushes_total");
    assert!(writes >= 1.0 && (1.0..=writes).contains(&flushes), "{text}");
}

/// The real binary's `backup`, `report` and `export`, while the bot runs and holds the
/// store: each finds the bot's operations socket in the store's directory by itself (no
/// port to configure), and what it writes lands under operations.output_dir.
#[tokio::test]
async fn the_command_line_backs_up_reports_and_exports_through_a_running_bot() {
    let bot = TestBot::start().await;
    let id = bot.open_case("cust-7 threat Ask the running bot").await;
    let work = tempfile::tempdir().unwrap();
    // The bot's own setting (the command line reads the same file in a real install).
    let output = bot.settings.output_dir();
    let config = work.path().join("escalation-bot.toml");
    std::fs::write(
        &config,
        format!(
            r#"
            [store]
            path = "{store}"
            [operations]
            output_dir = "{output}"
            [slack]
            escalation_channel = "{ESCALATIONS}"
            [people]
            executives = ["{EXEC1}"]
            managers = ["{MGR1}", "{MGR2}"]
            "#,
            store = bot.settings.store_path.display(),
            output = output.display(),
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

    let out = cli(vec![
        "backup".into(),
        "copy".into(),
        "--config".into(),
        config.clone(),
    ])
    .await
    .unwrap();
    assert!(out.status.success(), "{}", say(&out));
    assert!(say(&out).contains("Backed up 1 cases"), "{}", say(&out));
    let copy = output.join("copy");
    assert_private(&output);
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

    let out = cli(vec![
        "export".into(),
        "--format".into(),
        "json".into(),
        "--out".into(),
        "cases.json".into(),
        "--config".into(),
        config.clone(),
    ])
    .await
    .unwrap();
    assert!(out.status.success(), "{}", say(&out));
    let file = output.join("cases.json");
    assert_eq!(mode(&file), 0o600);
    let cases: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&file).unwrap()).unwrap();
    let cases = cases.as_array().expect("a JSON array of cases");
    assert_eq!(cases[0]["case"], id.to_string());
    assert_eq!(cases[0]["customer"], "cust-7");
    // The backup made a moment ago is in the log the export carries after the cases.
    assert!(
        cases
            .iter()
            .any(|row| row["case"] == "" && row["timeline"][0]["event_id"] == "backup"),
        "{cases:?}"
    );

    // Anywhere else, or over what exists, is refused with a sentence.
    let elsewhere = work.path().join("elsewhere.json");
    for target in [elsewhere.display().to_string(), "cases.json".into()] {
        let out = cli(vec![
            "export".into(),
            "--format".into(),
            "json".into(),
            "--out".into(),
            target.clone(),
            "--config".into(),
            config.clone(),
        ])
        .await
        .unwrap();
        assert!(!out.status.success(), "{target}: {}", say(&out));
        assert!(
            say(&out).contains("operations.output_dir") || say(&out).contains("already exists"),
            "{}",
            say(&out)
        );
    }
    assert!(!elsewhere.exists());
    let out = cli(vec![
        "export".into(),
        "--format".into(),
        "csv".into(),
        "--config".into(),
        config,
    ])
    .await
    .unwrap();
    assert!(!out.status.success());
    assert!(
        say(&out).contains("give a file with --out"),
        "{}",
        say(&out)
    );
    assert_eq!(log_of(&bot.store, "backup").len(), 1);
    assert_eq!(log_of(&bot.store, "export").len(), 1);
}

/// A worker whose every delivery hangs is running but not working: readiness says so, so
/// an orchestrator restarts it, and says ready again once deliveries finish.
#[tokio::test]
async fn readiness_reports_a_delivery_worker_that_stopped_making_progress() {
    let (bot, clock) = TestBot::start_on_manual_clock(Options {
        metrics: true,
        ..Options::default()
    })
    .await;
    let readyz = format!("{}/readyz", bot.metrics_base());
    assert_eq!(http("GET", &readyz, "").await.0, 200);
    // Slack accepts the connection and then says nothing for a while: the card and the
    // page are in flight, and nothing finishes.
    let hang = Duration::from_secs(3);
    bot.slack.fail_next("chat.postMessage", Fault::Slow(hang));
    bot.slack.fail_next("conversations.open", Fault::Slow(hang));
    let answer = bot.escalate(AGENT, "cust-4 other Slack hangs").await;
    assert_eq!(answer.status, 200, "{}", answer.body);
    clock.advance(SignedDuration::from_mins(3));
    let (status, body) = http("GET", &readyz, "").await;
    assert_eq!(
        (status, body.as_str()),
        (503, "the delivery worker stopped making progress")
    );
    // The calls come back: deliveries finish, and the worker is ready again.
    let mut status = 0;
    for _ in 0..500 {
        status = http("GET", &readyz, "").await.0;
        if status == 200 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert_eq!(status, 200, "ready again once deliveries finish");
}

/// A backup walks the whole store; meanwhile people keep escalating and the probes keep
/// answering: writes pause only for the moment the backup collects what changed.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn acknowledgements_and_health_keep_answering_while_a_backup_copies() {
    use escalation_bot::domain::{Category, NewCase, Source, UserId};
    let bot = TestBot::start().await;
    let at = Timestamp::now();
    let seeded = 500;
    for n in 0..seeded {
        let new = NewCase {
            customer: escalation_bot::domain::CustomerId::parse(&format!("seed-{n}")),
            category: Category::UnreasonableDemand,
            severity: None,
            promise_failed: None,
            summary: "A case from before, for the backup to copy".into(),
            reporter: UserId::parse(AGENT).unwrap(),
            reported_from: None,
            evidence: None,
            source: Source::Command,
            facts: Default::default(),
        };
        bot.store
            .open_case(new, at, &bot.settings.rules, None)
            .await
            .unwrap();
    }
    // History, not news: nothing of it goes to Slack.
    bot.store.forget_deliveries().unwrap();
    let store_path = bot.settings.store_path.clone();
    let backup = tokio::spawn(async move {
        socket::ask(
            &store_path,
            operations::BACKUP_PATH,
            r#"{"path": "while-busy"}"#.into(),
        )
        .await
    });
    let health = format!("http://{}/healthz", bot.app().addr());
    let mut answered = 0;
    while !backup.is_finished() {
        let started = std::time::Instant::now();
        let answer = bot.escalate(AGENT, "cust-1 other During the backup").await;
        assert_eq!(answer.status, 200, "{}", answer.body);
        let (status, _) = http("GET", &health, "").await;
        assert_eq!(status, 200);
        let took = started.elapsed();
        assert!(
            took < Duration::from_secs(3),
            "an ack and a probe took {took:?}"
        );
        answered += 1;
    }
    let done: operations::BackupDone =
        serde_json::from_str(&backup.await.unwrap().expect("the backup")).unwrap();
    assert!(answered >= 1);
    let cases = done.cases as usize;
    assert!(
        (seeded..=seeded + answered).contains(&cases),
        "the copy holds {cases} cases: the {seeded} seeded and some of the {answered} opened during it"
    );
}
