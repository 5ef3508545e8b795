//! Purpose: Socket Mode: instead of Slack posting to public HTTPS endpoints, the bot opens
//! a websocket to Slack (apps.connections.open with the app-level token) and receives the
//! same slash commands, interactions and events as envelopes, answering each with an
//! acknowledgement that carries what the HTTP response would have. The same handlers
//! run; reconnects are automatic (Slack asks for them, and networks drop). Requests are
//! counted under the same endpoint names as over HTTP, with the status HTTP would answer.

use std::sync::Arc;
use std::time::Duration;

use futures_util::{SinkExt, StreamExt};
use serde::Deserialize;
use serde_json::{Value, json};
use tokio::sync::{mpsc, watch};
use tokio_tungstenite::tungstenite::Message;

use crate::app::Context;
use crate::config::Secret;
use crate::handlers::Reply;
use crate::slack::ingress;
use crate::slack::payload::{self, Kind};

/// Waits between reconnection attempts grow to this.
const MAX_RECONNECT_WAIT: Duration = Duration::from_secs(30);

#[derive(Deserialize)]
struct Envelope {
    #[serde(rename = "type")]
    kind: String,
    envelope_id: Option<String>,
    #[serde(default)]
    payload: Value,
    retry_attempt: Option<u32>,
    reason: Option<String>,
}

/// Keeps a Socket Mode connection open until `shutdown`.
pub async fn run(ctx: Arc<Context>, app_token: Secret, mut shutdown: watch::Receiver<bool>) {
    let mut failures = 0u32;
    while !*shutdown.borrow() {
        match connect_and_serve(&ctx, &app_token, &mut shutdown).await {
            Ok(()) => failures = 0,
            Err(e) => {
                failures += 1;
                tracing::warn!(error = %e, failures, "Socket Mode connection failed");
            }
        }
        if *shutdown.borrow() {
            break;
        }
        let wait = Duration::from_millis(250)
            .saturating_mul(1 << failures.min(7))
            .min(MAX_RECONNECT_WAIT);
        tokio::select! {
            () = tokio::time::sleep(wait) => {}
            _ = shutdown.changed() => {}
        }
    }
    tracing::info!("Socket Mode stopped");
}

async fn connect_and_serve(
    ctx: &Arc<Context>,
    app_token: &Secret,
    shutdown: &mut watch::Receiver<bool>,
) -> anyhow::Result<()> {
    let url = ctx.slack.open_socket(app_token).await?;
    let (socket, _) = tokio_tungstenite::connect_async(url.as_str()).await?;
    let (mut write, mut read) = socket.split();
    // Handlers run concurrently; their acknowledgements come back through here.
    let (acks, mut to_send) = mpsc::channel::<Message>(64);
    tracing::info!("Socket Mode connected");
    loop {
        tokio::select! {
            frame = read.next() => {
                let Some(frame) = frame else { return Ok(()) };
                match frame? {
                    // false: Slack asked us to reconnect.
                    Message::Text(text) if !dispatch(ctx, text.as_str(), &acks) => return Ok(()),
                    Message::Text(_) => {}
                    Message::Ping(data) => write.send(Message::Pong(data)).await?,
                    Message::Close(_) => return Ok(()),
                    _ => {}
                }
            }
            Some(ack) = to_send.recv() => write.send(ack).await?,
            _ = shutdown.changed() => {
                let _ = write.send(Message::Close(None)).await;
                return Ok(());
            }
        }
    }
}

/// The HTTP endpoint an envelope type stands for, as the request metrics name it.
fn endpoint(kind: &str) -> Option<&'static str> {
    match kind {
        "slash_commands" => Some("commands"),
        "interactive" => Some("interactivity"),
        "events_api" => Some("events"),
        _ => None,
    }
}

/// Handles one envelope; false when Slack asks to reconnect.
fn dispatch(ctx: &Arc<Context>, text: &str, acks: &mpsc::Sender<Message>) -> bool {
    let started = std::time::Instant::now();
    let envelope: Envelope = match serde_json::from_str(text) {
        Ok(envelope) => envelope,
        Err(e) => {
            tracing::warn!(error = %e, "unreadable Socket Mode message");
            return true;
        }
    };
    match envelope.kind.as_str() {
        "hello" => {
            tracing::debug!("Socket Mode hello");
            return true;
        }
        "disconnect" => {
            tracing::info!(reason = ?envelope.reason, "Slack asked to reconnect");
            return false;
        }
        _ => {}
    }
    let Some(envelope_id) = envelope.envelope_id.clone() else {
        tracing::warn!(kind = envelope.kind, "Socket Mode envelope without an id");
        return true;
    };
    let ctx = ctx.clone();
    let acks = acks.clone();
    tokio::spawn(async move {
        let reply = handle(&ctx, &envelope).await;
        if let Some(name) = endpoint(&envelope.kind) {
            ctx.metrics.request(name, reply.status(), started.elapsed());
        }
        let ack = match reply {
            Reply::Ack => json!({ "envelope_id": envelope_id }),
            Reply::Json(payload) => json!({ "envelope_id": envelope_id, "payload": payload }),
            // Acknowledged all the same, so Slack does not send it again.
            Reply::BadRequest(why) => {
                tracing::warn!(kind = envelope.kind, why, "refused a malformed envelope");
                json!({ "envelope_id": envelope_id })
            }
            Reply::Forbidden(why) => {
                tracing::warn!(
                    kind = envelope.kind,
                    why,
                    "ignored an envelope for another workspace or app"
                );
                json!({ "envelope_id": envelope_id })
            }
            // No acknowledgement: Slack delivers it again.
            Reply::Unavailable => return,
        };
        let _ = acks.send(Message::text(ack.to_string())).await;
    });
    true
}

async fn handle(ctx: &Arc<Context>, envelope: &Envelope) -> Reply {
    let kind = match envelope.kind.as_str() {
        "slash_commands" => Kind::Commands,
        "interactive" => Kind::Interactivity,
        "events_api" => Kind::Events,
        _ => return Reply::BadRequest("unknown envelope type"),
    };
    let (inbound, origin) = match payload::decode_value(kind, envelope.payload.clone()) {
        Ok(decoded) => decoded,
        Err(_) => return Reply::BadRequest("malformed payload"),
    };
    match ingress::foreign(&ctx.settings.slack, &inbound, &origin) {
        Some(why) => Reply::Forbidden(why),
        None => ingress::handle(ctx, inbound, envelope.retry_attempt).await,
    }
}
