//! Purpose: Socket Mode: instead of Slack posting to public HTTPS endpoints, the bot opens
//! a websocket to Slack (apps.connections.open with the app-level token) and receives the
//! same slash commands, interactions and events as envelopes, answering each with an
//! acknowledgement that carries what the HTTP response would have. The same handlers
//! run; reconnects are automatic (Slack asks for them, and networks drop). Requests are
//! counted under the same endpoint names as over HTTP, with the status HTTP would answer.
//!
//! Two things a long-lived websocket needs that a request does not:
//! - A connection can die without a close (a NAT or proxy forgets it, a laptop sleeps):
//!   TCP then says nothing for many minutes. The bot pings every `PING_EVERY` and gives
//!   the connection up when nothing at all (pong, ping, envelope) arrived for
//!   `IDLE_TIMEOUT`, so a half-open connection is noticed within a minute. Both are
//!   measured on the bot's clock, so tests move time instead of waiting.
//! - Slack asks for a reconnect (`disconnect`) while envelopes received just before may
//!   still be in the handlers. The bot opens the new connection at once and keeps the old
//!   one open until those are acknowledged (and Slack stops using it), so nothing
//!   received is left unanswered; an event whose handler could not record it is left
//!   unacknowledged on purpose and Slack delivers it again, which the handlers
//!   deduplicate (by event id, trigger id, view id).

use std::sync::Arc;
use std::time::Duration;

use futures_util::stream::{SplitSink, SplitStream};
use futures_util::{SinkExt, StreamExt};
use jiff::{SignedDuration, Timestamp};
use serde::Deserialize;
use serde_json::{Value, json};
use tokio::net::TcpStream;
use tokio::sync::{mpsc, watch};
use tokio::task::JoinSet;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream};

use crate::app::Context;
use crate::config::Secret;
use crate::handlers::Reply;
use crate::slack::ingress;
use crate::slack::payload::{self, Kind};

/// Waits between reconnection attempts grow to this.
const MAX_RECONNECT_WAIT: Duration = Duration::from_secs(30);
/// How often the bot pings Slack.
pub const PING_EVERY: SignedDuration = SignedDuration::from_secs(10);
/// A connection that sent nothing for this long (three pings unanswered) is dead.
pub const IDLE_TIMEOUT: SignedDuration = SignedDuration::from_secs(30);
/// After a `disconnect`, how long the old connection stays open for envelopes Slack may
/// still send on it, and for the acknowledgements of those received before.
pub const DRAIN_GRACE: SignedDuration = SignedDuration::from_secs(10);
/// How long shutdown waits for the acknowledgements of envelopes being handled.
const SHUTDOWN_DRAIN: Duration = Duration::from_secs(10);
/// Opening the websocket may take this long before the attempt counts as failed.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

type Socket = WebSocketStream<MaybeTlsStream<TcpStream>>;

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

/// One websocket and the envelopes its handlers are still working on.
struct Connection {
    write: SplitSink<Socket, Message>,
    read: SplitStream<Socket>,
    /// Each handler sends its acknowledgement here (`None`: leave it unacknowledged).
    done_tx: mpsc::Sender<Option<Message>>,
    done_rx: mpsc::Receiver<Option<Message>>,
    /// Envelopes dispatched whose handler has not finished.
    in_flight: usize,
    /// When anything last arrived from Slack.
    last_heard: Timestamp,
    next_ping: Timestamp,
}

/// Why serving a connection stopped.
enum Ended {
    /// Slack asked for a reconnect; the connection is still open.
    Disconnect,
    /// Slack closed it.
    Closed,
    Shutdown,
}

/// Keeps a Socket Mode connection open until `shutdown`.
pub async fn run(ctx: Arc<Context>, app_token: Secret, mut shutdown: watch::Receiver<bool>) {
    let mut failures = 0u32;
    // Old connections finishing their envelopes after a `disconnect`.
    let mut draining = JoinSet::new();
    while !*shutdown.borrow() {
        let outcome = match connect(&ctx, &app_token).await {
            Ok(mut connection) => match serve(&ctx, &mut connection, &mut shutdown, None).await {
                Ok(Ended::Disconnect) => {
                    let (ctx, shutdown) = (ctx.clone(), shutdown.clone());
                    draining.spawn(drain(ctx, connection, shutdown));
                    Ok(())
                }
                Ok(Ended::Closed) => Ok(()),
                Ok(Ended::Shutdown) => {
                    finish(connection).await;
                    break;
                }
                Err(e) => Err(e),
            },
            Err(e) => Err(e),
        };
        match outcome {
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
    while draining.join_next().await.is_some() {}
    tracing::info!("Socket Mode stopped");
}

async fn connect(ctx: &Arc<Context>, app_token: &Secret) -> anyhow::Result<Connection> {
    let url = ctx.slack.open_socket(app_token).await?;
    let (socket, _) = tokio::time::timeout(
        CONNECT_TIMEOUT,
        tokio_tungstenite::connect_async(url.as_str()),
    )
    .await
    .map_err(|_| anyhow::anyhow!("the websocket did not open within 10 s"))??;
    let (write, read) = socket.split();
    // Handlers run concurrently; their acknowledgements come back through here.
    let (done_tx, done_rx) = mpsc::channel(64);
    let now = ctx.clock.now();
    tracing::info!("Socket Mode connected");
    Ok(Connection {
        write,
        read,
        done_tx,
        done_rx,
        in_flight: 0,
        last_heard: now,
        next_ping: now.saturating_add(PING_EVERY).unwrap_or(Timestamp::MAX),
    })
}

fn after(at: Timestamp, by: SignedDuration) -> Timestamp {
    at.saturating_add(by).unwrap_or(Timestamp::MAX)
}

/// Reads envelopes, hands them to the handlers and writes their acknowledgements, pinging
/// as it goes. `drain_until` is set on a connection Slack asked us to leave: it then
/// stays only until that moment and its last acknowledgement, whichever is later.
async fn serve(
    ctx: &Arc<Context>,
    connection: &mut Connection,
    shutdown: &mut watch::Receiver<bool>,
    drain_until: Option<Timestamp>,
) -> anyhow::Result<Ended> {
    loop {
        if *shutdown.borrow() {
            return Ok(Ended::Shutdown);
        }
        let now = ctx.clock.now();
        if let Some(until) = drain_until
            && now >= until
            && connection.in_flight == 0
        {
            return Ok(Ended::Closed);
        }
        let idle_at = after(connection.last_heard, IDLE_TIMEOUT);
        if now >= idle_at {
            anyhow::bail!(
                "nothing from Slack for {} s, not even a pong: the connection is half-open",
                IDLE_TIMEOUT.as_secs()
            );
        }
        let drained = drain_until.unwrap_or(Timestamp::MAX);
        tokio::select! {
            frame = connection.read.next() => {
                let Some(frame) = frame else { return Ok(Ended::Closed) };
                connection.last_heard = ctx.clock.now();
                match frame? {
                    Message::Text(text) => match dispatch(ctx, text.as_str(), &connection.done_tx) {
                        Dispatched::Handling => connection.in_flight += 1,
                        Dispatched::Nothing => {}
                        Dispatched::Disconnect if drain_until.is_none() => return Ok(Ended::Disconnect),
                        // Already leaving this connection.
                        Dispatched::Disconnect => {}
                    },
                    Message::Ping(data) => connection.write.send(Message::Pong(data)).await?,
                    Message::Close(_) => return Ok(Ended::Closed),
                    _ => {}
                }
            }
            Some(done) = connection.done_rx.recv() => {
                connection.in_flight = connection.in_flight.saturating_sub(1);
                if let Some(ack) = done {
                    connection.write.send(ack).await?;
                }
            }
            () = ctx.clock.sleep_until(connection.next_ping) => {
                connection.write.send(Message::Ping(Vec::new().into())).await?;
                connection.next_ping = after(ctx.clock.now(), PING_EVERY);
            }
            () = ctx.clock.sleep_until(idle_at) => {}
            // Once nothing is left to acknowledge; until then the answers wake the loop.
            () = ctx.clock.sleep_until(drained), if drain_until.is_some() && connection.in_flight == 0 => {}
            _ = shutdown.changed() => {}
        }
    }
}

/// An old connection after Slack asked for a new one: it keeps answering (envelopes
/// received before the `disconnect`, and any Slack still sends on it) until Slack closes
/// it, or `DRAIN_GRACE` has passed and nothing is left to acknowledge.
async fn drain(ctx: Arc<Context>, mut connection: Connection, mut shutdown: watch::Receiver<bool>) {
    let until = after(ctx.clock.now(), DRAIN_GRACE);
    match serve(&ctx, &mut connection, &mut shutdown, Some(until)).await {
        Ok(Ended::Shutdown) => finish(connection).await,
        Ok(_) => {
            let _ = connection.write.send(Message::Close(None)).await;
            tracing::debug!("the previous Socket Mode connection is closed");
        }
        Err(e) => {
            tracing::warn!(error = %e, "the previous Socket Mode connection failed while draining")
        }
    }
}

/// On shutdown: the acknowledgements of envelopes being handled still go out (up to a
/// bound), then the connection is closed.
async fn finish(mut connection: Connection) {
    let deadline = tokio::time::Instant::now() + SHUTDOWN_DRAIN;
    while connection.in_flight > 0 {
        match tokio::time::timeout_at(deadline, connection.done_rx.recv()).await {
            Ok(Some(done)) => {
                connection.in_flight -= 1;
                if let Some(ack) = done
                    && connection.write.send(ack).await.is_err()
                {
                    break;
                }
            }
            Ok(None) | Err(_) => {
                tracing::warn!(
                    unanswered = connection.in_flight,
                    "stopped before every envelope was acknowledged; Slack sends events again"
                );
                break;
            }
        }
    }
    let _ = connection.write.send(Message::Close(None)).await;
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

/// What one text frame started.
enum Dispatched {
    /// A handler is working on an envelope and will answer through the channel.
    Handling,
    /// Nothing to answer (hello, unreadable text).
    Nothing,
    /// Slack asked us to reconnect.
    Disconnect,
}

/// Handles one envelope.
fn dispatch(ctx: &Arc<Context>, text: &str, done: &mpsc::Sender<Option<Message>>) -> Dispatched {
    let started = std::time::Instant::now();
    let envelope: Envelope = match serde_json::from_str(text) {
        Ok(envelope) => envelope,
        Err(e) => {
            tracing::warn!(error = %e, "unreadable Socket Mode message");
            return Dispatched::Nothing;
        }
    };
    match envelope.kind.as_str() {
        "hello" => {
            tracing::debug!("Socket Mode hello");
            return Dispatched::Nothing;
        }
        "disconnect" => {
            tracing::info!(reason = ?envelope.reason, "Slack asked to reconnect");
            return Dispatched::Disconnect;
        }
        _ => {}
    }
    let Some(envelope_id) = envelope.envelope_id.clone() else {
        tracing::warn!(kind = envelope.kind, "Socket Mode envelope without an id");
        return Dispatched::Nothing;
    };
    let ctx = ctx.clone();
    let done = done.clone();
    tokio::spawn(async move {
        let reply = handle(&ctx, &envelope).await;
        if let Some(name) = endpoint(&envelope.kind) {
            ctx.metrics.request(name, reply.status(), started.elapsed());
        }
        let ack = match reply {
            Reply::Ack => Some(json!({ "envelope_id": envelope_id })),
            Reply::Json(payload) => Some(json!({ "envelope_id": envelope_id, "payload": payload })),
            // Acknowledged all the same, so Slack does not send it again.
            Reply::BadRequest(why) => {
                tracing::warn!(kind = envelope.kind, why, "refused a malformed envelope");
                Some(json!({ "envelope_id": envelope_id }))
            }
            Reply::Forbidden(why) => {
                tracing::warn!(
                    kind = envelope.kind,
                    why,
                    "ignored an envelope for another workspace or app"
                );
                Some(json!({ "envelope_id": envelope_id }))
            }
            // No acknowledgement: Slack delivers it again.
            Reply::Unavailable => None,
        };
        // Err: the connection is gone; Slack delivers an unacknowledged event again.
        let _ = done
            .send(ack.map(|ack| Message::text(ack.to_string())))
            .await;
    });
    Dispatched::Handling
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
