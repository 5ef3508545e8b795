//! What the benchmarks share: requests signed as Slack signs them, sent over HTTP, and
//! the process's memory as the kernel counts it.
#![allow(dead_code)] // each benchmark uses a different part

use std::time::Duration;

use bytes::Bytes;
use escalation_bot::config::Settings;
use escalation_bot::slack::signature;
use http_body_util::{BodyExt, Full};
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::HttpConnector;
use slack_standin::web_api::{APP_ID, TEAM_ID};

pub const TOKEN: &str = "xoxb-bench";
pub const SECRET: &str = "bench-signing-secret";
pub const ESCALATIONS: &str = "C0BENCHESC";
pub const SUPPORT: &str = "C0BENCHSUP";
pub const EXEC: &str = "U0BENCHEXEC";
pub const MANAGER: &str = "U0BENCHMGR";
/// A second manager: approval needs someone other than the proposer.
pub const MANAGER2: &str = "U0BENCHMGR2";
pub const AGENT: &str = "U0BENCHAGENT";

pub type HttpClient = Client<HttpConnector, Full<Bytes>>;

/// The people the benchmarks act as, known to the stand-in as our full members (the bot
/// answers staff only).
pub fn add_people(slack: &slack_standin::StandIn) {
    for (id, name) in [
        (EXEC, "exec"),
        (MANAGER, "manager"),
        (MANAGER2, "manager2"),
        (AGENT, "agent"),
    ] {
        slack.add_user(id, name);
    }
}

pub struct Request {
    pub path: &'static str,
    pub content_type: &'static str,
    pub body: Vec<u8>,
}

/// The bot's settings against the stand-in at `api_url`, on `store`, with `extra` TOML
/// sections after the Slack channels and people.
pub fn settings(api_url: &str, store: &std::path::Path, extra: &str) -> Settings {
    let toml = format!(
        r#"
        [slack]
        api_url = "{api_url}"
        escalation_channel = "{ESCALATIONS}"
        support_channels = ["{SUPPORT}"]
        [people]
        executives = ["{EXEC}"]
        managers = ["{MANAGER}", "{MANAGER2}"]
        {extra}
        "#
    );
    let mut settings = Settings::from_sources(&toml, Default::default()).expect("valid settings");
    settings.store_path = store.to_owned();
    settings
}

/// `/escalate <text>` from `user` in `channel`, with a fresh trigger id `n`.
pub fn slash_command(user: &str, channel: &str, text: &str, n: u64) -> Request {
    let body = serde_urlencoded::to_string([
        ("team_id", TEAM_ID),
        ("channel_id", channel),
        ("user_id", user),
        ("command", "/escalate"),
        ("text", text),
        ("api_app_id", APP_ID),
        ("response_url", "http://127.0.0.1:9/hooks/bench"),
        ("trigger_id", &format!("bench.{n}")),
    ])
    .expect("encodes");
    Request {
        path: "/slack/commands",
        content_type: "application/x-www-form-urlencoded",
        body: body.into_bytes(),
    }
}

/// Sends `request` signed with `SECRET` at `at` (the bot's clock: it refuses signatures
/// more than five minutes off); the status and body of the answer.
pub async fn send(
    client: &HttpClient,
    base: &str,
    request: &Request,
    at: jiff::Timestamp,
) -> Option<(u16, Bytes)> {
    let ts = at.as_second().to_string();
    let sig = signature::sign(SECRET, &ts, &request.body);
    let http = hyper::Request::post(format!("{base}{}", request.path))
        .header("content-type", request.content_type)
        .header(signature::TIMESTAMP_HEADER, ts)
        .header(signature::SIGNATURE_HEADER, sig)
        .body(Full::new(Bytes::from(request.body.clone())))
        .expect("a valid request");
    let response = client.request(http).await.ok()?;
    let status = response.status().as_u16();
    let body = response.into_body().collect().await.ok()?.to_bytes();
    Some((status, body))
}

fn status_mb(field: &str) -> f64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix(field))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<f64>().ok())
        .map_or(0.0, |kb| kb / 1024.0)
}

/// Resident memory now, in MB.
pub fn resident_mb() -> f64 {
    status_mb("VmRSS:")
}

/// The most resident memory this process has had, in MB.
pub fn peak_resident_mb() -> f64 {
    status_mb("VmHWM:")
}

pub fn ms(d: Duration) -> String {
    format!("{:.2}", d.as_secs_f64() * 1000.0)
}

/// The `p` quantile (0 to 1) of sorted durations.
pub fn quantile(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    sorted[((sorted.len() as f64 - 1.0) * p).round() as usize]
}
