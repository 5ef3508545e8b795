//! Running it as a service: /healthz, /readyz, /metrics (on the main port and on the
//! operations listener), and what the command line asks a running bot for: a consistent
//! backup, a week's report, the audit export.

mod common;

use std::sync::Arc;

use common::*;
use escalation_bot::app::Application;
use escalation_bot::clock::SystemClock;
use escalation_bot::config::{Secret, Secrets};
use http_body_util::{BodyExt, Full};

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

#[tokio::test]
async fn the_operations_listener_serves_metrics_and_backups_but_not_slack() {
    let mut bot = TestBot::start().await;
    bot.shutdown().await;
    let path = bot.settings.store_path.clone();
    let parking = tempfile::tempdir().unwrap();
    bot.store = escalation_bot::store::Store::open(&parking.path().join("s"), 1 << 20).unwrap();
    let store = reopen(&path);
    let app = Application::start_with_operations(
        bot.settings.clone(),
        Secrets {
            bot_token: Secret::new(TOKEN),
            signing_secret: Secret::new(SIGNING_SECRET),
            app_token: None,
        },
        Arc::new(SystemClock),
        store.clone(),
        tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap(),
        Some(tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap()),
    )
    .unwrap();
    let ops = format!("http://{}", app.operations_addr().unwrap());
    assert_eq!(http("GET", &format!("{ops}/healthz"), "").await.0, 200);
    assert_eq!(http("GET", &format!("{ops}/readyz"), "").await.0, 200);
    assert_eq!(http("GET", &format!("{ops}/metrics"), "").await.0, 200);
    assert_eq!(
        http("POST", &format!("{ops}/slack/commands"), "").await.0,
        404
    );
    let main = format!("http://{}", app.addr());
    assert_eq!(
        http("POST", &format!("{main}/admin/backup"), "/tmp/x")
            .await
            .0,
        404
    );

    let sender = escalation_bot::standin::Sender::new(main, SIGNING_SECRET, bot.slack.clone());
    assert_eq!(
        sender
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

    app.shutdown().await.unwrap();
    let restored = reopen(&copy);
    assert_eq!(restored.tallies().unwrap().cases_total, 1);
    let case = restored
        .case(escalation_bot::domain::CaseId::new(1))
        .unwrap()
        .unwrap();
    assert_eq!(case.customer.unwrap().as_str(), "cust-9");
    drop(store);
}
