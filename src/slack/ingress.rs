//! Purpose: the HTTP endpoints Slack calls. Every POST is size-limited and its v0
//! signature checked on the raw bytes before anything is parsed; then the body is parsed
//! into Slack's payload types and handed to the handlers, whose answer is the HTTP reply.
//! Owning ingress in hyper (rather than slack-morphism's listener) is what lets us answer
//! 401/413/400 instead of dropping the connection.

use std::convert::Infallible;
use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::Duration;

use bytes::Bytes;
use http_body_util::{BodyExt, Limited};
use hyper::body::Incoming;
use hyper::header::CONTENT_LENGTH;
use hyper::{Method, Request, Response, StatusCode};
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::server::graceful::GracefulShutdown;
use slack_morphism::prelude::SlackPushEvent;
use tokio::net::TcpListener;

use crate::app::Context;
use crate::config::{Mode, SlackSettings};
use crate::handlers::{self, Reply};
use crate::slack::payload::{self, Inbound, Kind as Endpoint, Origin};
use crate::slack::signature::{self, SIGNATURE_HEADER, TIMESTAMP_HEADER};

/// Slack's payloads are a few kilobytes; this leaves room and bounds memory per request.
pub const MAX_BODY_BYTES: usize = 1024 * 1024;

pub const COMMANDS_PATH: &str = "/slack/commands";
pub const INTERACTIVITY_PATH: &str = "/slack/interactivity";
pub const EVENTS_PATH: &str = "/slack/events";
pub const HEALTH_PATH: &str = "/healthz";
pub const READY_PATH: &str = "/readyz";
pub const METRICS_PATH: &str = "/metrics";

pub const RETRY_NUM_HEADER: &str = "x-slack-retry-num";

/// How long in-flight requests get to finish on shutdown.
const DRAIN_TIMEOUT: Duration = Duration::from_secs(10);

use crate::http::{Body, respond};

/// Which routes a listener serves. The main one is the port Slack reaches (through an
/// Ingress or a proxy, often from the Internet): Slack's requests and /healthz, nothing
/// that shows case counts. The metrics one (`server.metrics_bind`) is for Prometheus and
/// the probes: /healthz, /readyz, /metrics. Neither takes admin actions: those are only
/// on the operations socket (`operations::socket`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Listener {
    Main,
    Metrics,
}

/// Serves until `shutdown` resolves, then stops accepting and lets in-flight requests
/// finish (up to a bound).
pub async fn serve(
    listener: TcpListener,
    ctx: Arc<Context>,
    which: Listener,
    shutdown: impl Future<Output = ()>,
) {
    let graceful = GracefulShutdown::new();
    tokio::pin!(shutdown);
    loop {
        tokio::select! {
            accepted = listener.accept() => {
                let (stream, peer) = match accepted {
                    Ok(accepted) => accepted,
                    Err(e) => {
                        // Out of file descriptors and the like: back off, don't spin.
                        tracing::warn!(error = %e, "accept failed");
                        tokio::time::sleep(Duration::from_millis(50)).await;
                        continue;
                    }
                };
                let ctx = ctx.clone();
                let service = hyper::service::service_fn(move |req| {
                    let ctx = ctx.clone();
                    async move { Ok::<_, Infallible>(route(&ctx, req, which, peer).await) }
                });
                let connection = hyper::server::conn::http1::Builder::new()
                    .timer(TokioTimer::new())
                    .header_read_timeout(Duration::from_secs(10))
                    .serve_connection(TokioIo::new(stream), service);
                let connection = graceful.watch(connection);
                tokio::spawn(async move {
                    if let Err(e) = connection.await {
                        tracing::debug!(error = %e, "connection ended with an error");
                    }
                });
            }
            () = &mut shutdown => break,
        }
    }
    drop(listener);
    tokio::select! {
        () = graceful.shutdown() => tracing::info!("all requests finished"),
        () = tokio::time::sleep(DRAIN_TIMEOUT) => tracing::warn!("gave up waiting for requests to finish"),
    }
}

fn status(status: StatusCode, reason: &'static str) -> Response<Body> {
    crate::http::text(status, reason)
}

async fn route(
    ctx: &Arc<Context>,
    req: Request<Incoming>,
    which: Listener,
    peer: SocketAddr,
) -> Response<Body> {
    let path = req.uri().path().to_owned();
    let get = req.method() == Method::GET;
    let metrics_here = which == Listener::Metrics;
    match path.as_str() {
        HEALTH_PATH if get => return status(StatusCode::OK, "ok"),
        READY_PATH if get && metrics_here => return ready(ctx),
        METRICS_PATH if get && metrics_here => {
            let text = ctx.metrics.render(&ctx.store, ctx.clock.now());
            return respond(
                StatusCode::OK,
                "text/plain; version=0.0.4; charset=utf-8",
                text,
            );
        }
        HEALTH_PATH => return status(StatusCode::METHOD_NOT_ALLOWED, "use GET"),
        READY_PATH | METRICS_PATH if metrics_here => {
            return status(StatusCode::METHOD_NOT_ALLOWED, "use GET");
        }
        _ => {}
    }
    if path.starts_with("/admin/") {
        // Anything that can reach a TCP port (any local user, a sidecar, a browser page
        // posting text/plain) could otherwise copy or export the store.
        tracing::warn!(%peer, path, ?which, "refused an admin request over TCP");
        return match which {
            Listener::Metrics => status(
                StatusCode::FORBIDDEN,
                "admin actions are served only on the operations socket in the store's directory",
            ),
            Listener::Main => status(StatusCode::NOT_FOUND, "not found"),
        };
    }
    let endpoint = match (path.as_str(), which) {
        (COMMANDS_PATH, Listener::Main) => Endpoint::Commands,
        (INTERACTIVITY_PATH, Listener::Main) => Endpoint::Interactivity,
        (EVENTS_PATH, Listener::Main) => Endpoint::Events,
        _ => return status(StatusCode::NOT_FOUND, "not found"),
    };
    // In Socket Mode Slack's requests come over the websocket; these routes would only be
    // one more way in, signed with the same secret, that nobody needs.
    if ctx.settings.slack.mode == Mode::Socket {
        tracing::debug!(
            path,
            "a Slack route over HTTP while in Socket Mode: not found"
        );
        return status(StatusCode::NOT_FOUND, "not found");
    }
    if req.method() != Method::POST {
        return status(StatusCode::METHOD_NOT_ALLOWED, "use POST");
    }
    let started = std::time::Instant::now();
    let response = slack_request(ctx, endpoint, req).await;
    let name = match endpoint {
        Endpoint::Commands => "commands",
        Endpoint::Interactivity => "interactivity",
        Endpoint::Events => "events",
    };
    ctx.metrics
        .request(name, response.status().as_u16(), started.elapsed());
    tracing::debug!(
        ?endpoint,
        status = response.status().as_u16(),
        micros = started.elapsed().as_micros() as u64,
        "answered Slack"
    );
    response
}

/// Ready to take traffic: the store answers and the delivery worker runs and makes
/// progress.
fn ready(ctx: &Arc<Context>) -> Response<Body> {
    let store_ok = ctx.store.tallies().is_ok();
    let worker_ok = ctx.metrics.worker_running.load(Ordering::SeqCst);
    let stalled = ctx
        .metrics
        .worker_stalled(ctx.clock.now(), crate::jobs::outbox::STALLED_AFTER);
    match (store_ok, worker_ok, stalled) {
        (true, true, false) => status(StatusCode::OK, "ready"),
        (false, _, _) => status(StatusCode::SERVICE_UNAVAILABLE, "the store does not answer"),
        (true, false, _) => status(
            StatusCode::SERVICE_UNAVAILABLE,
            "the delivery worker is not running",
        ),
        (true, true, true) => status(
            StatusCode::SERVICE_UNAVAILABLE,
            "the delivery worker stopped making progress",
        ),
    }
}

async fn slack_request(
    ctx: &Arc<Context>,
    endpoint: Endpoint,
    req: Request<Incoming>,
) -> Response<Body> {
    let declared = req
        .headers()
        .get(CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|n| n > MAX_BODY_BYTES as u64) {
        tracing::warn!(?endpoint, "refused an oversized body");
        return status(StatusCode::PAYLOAD_TOO_LARGE, "body too large");
    }
    let header = |name| {
        req.headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned)
    };
    let (timestamp, signature) = (header(TIMESTAMP_HEADER), header(SIGNATURE_HEADER));
    // Slack retries events it thinks we missed; said so we can log it.
    let retry_num = header(RETRY_NUM_HEADER).and_then(|n| n.parse::<u32>().ok());
    let body = match Limited::new(req.into_body(), MAX_BODY_BYTES)
        .collect()
        .await
    {
        Ok(collected) => collected.to_bytes(),
        Err(e) if e.is::<http_body_util::LengthLimitError>() => {
            tracing::warn!(?endpoint, "refused an oversized body");
            return status(StatusCode::PAYLOAD_TOO_LARGE, "body too large");
        }
        Err(_) => return status(StatusCode::BAD_REQUEST, "could not read the body"),
    };
    let now = ctx.clock.now().as_second();
    if let Err(why) = signature::verify(
        ctx.signing_secret.expose(),
        timestamp.as_deref(),
        signature.as_deref(),
        &body,
        now,
    ) {
        // The reason only: never the signature, the secret or the body.
        tracing::warn!(?endpoint, reason = %why, "refused a request that is not signed by Slack");
        return status(StatusCode::UNAUTHORIZED, "invalid signature");
    }
    let (inbound, origin) = match payload::decode(endpoint, &body) {
        Ok(decoded) => decoded,
        Err(e) => {
            tracing::warn!(?endpoint, error = %e, "could not parse a signed request");
            return status(StatusCode::BAD_REQUEST, "malformed payload");
        }
    };
    let reply = match foreign(&ctx.settings.slack, &inbound, &origin) {
        Some(why) => Reply::Forbidden(why),
        None => handle(ctx, inbound, retry_num).await,
    };
    match reply {
        Reply::Ack => respond(StatusCode::OK, "text/plain; charset=utf-8", Bytes::new()),
        Reply::Json(value) => respond(
            StatusCode::OK,
            "application/json; charset=utf-8",
            serde_json::to_vec(&value).expect("JSON values always serialize"),
        ),
        Reply::BadRequest(why) => {
            tracing::warn!(?endpoint, why, "refused a malformed request");
            status(StatusCode::BAD_REQUEST, why)
        }
        Reply::Forbidden(why) => {
            tracing::warn!(
                ?endpoint,
                why,
                "refused a request for another workspace or app"
            );
            status(StatusCode::FORBIDDEN, why)
        }
        Reply::Unavailable => status(StatusCode::SERVICE_UNAVAILABLE, "try again later"),
    }
}

/// Hands a decoded request to its handler; `retry` is Slack's redelivery count for events.
pub(crate) async fn handle(ctx: &Arc<Context>, inbound: Inbound, retry: Option<u32>) -> Reply {
    match inbound {
        Inbound::SslCheck => Reply::Ack,
        Inbound::OrgWide(org) => handlers::refuse_org_wide(ctx, &org),
        Inbound::Command(form) => handlers::command::handle(ctx, form).await,
        Inbound::Interaction(event, raw) => handlers::interaction::handle(ctx, *event, &raw).await,
        Inbound::Event(event, raw) => handlers::events::handle(ctx, *event, &raw, retry).await,
    }
}

/// Why a request is not for this bot, when `slack.team_id` / `slack.app_id` are set: a
/// request from another workspace or for another app, or one that does not say which.
/// Slack's URL challenge and certificate check name neither and are always answered; an
/// org-wide install's request names no workspace and gets its own refusal.
pub(crate) fn foreign(
    slack: &SlackSettings,
    inbound: &Inbound,
    origin: &Origin,
) -> Option<&'static str> {
    match inbound {
        Inbound::Event(event, _) if matches!(**event, SlackPushEvent::UrlVerification(_)) => {
            return None;
        }
        Inbound::SslCheck | Inbound::OrgWide(_) => return None,
        _ => {}
    }
    if let Some(team) = &slack.team_id
        && origin.team.as_ref() != Some(team)
    {
        return Some("wrong workspace");
    }
    if let Some(app) = &slack.app_id
        && origin.app.as_ref() != Some(app)
    {
        return Some("wrong app");
    }
    None
}
