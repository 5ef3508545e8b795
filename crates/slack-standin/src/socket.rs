//! Purpose: Slack's side of Socket Mode on loopback: the websocket apps.connections.open
//! points to. Greets a connecting bot with `hello`, sends it envelopes (slash commands,
//! interactions, events) and hands back the acknowledgement to each, and can ask it to
//! reconnect as Slack does. It can also fall silent without closing, as a connection
//! whose far end vanished does (a NAT that forgot it), and counts the bot's pings.

use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use futures_util::{SinkExt, StreamExt};
use serde_json::{Value, json};
use tokio::net::TcpListener;
use tokio::sync::{Notify, mpsc, oneshot};
use tokio::task::JoinHandle;
use tokio_tungstenite::tungstenite::Message;

#[derive(Default)]
struct Inner {
    /// Frames to the connected bot, if one is connected.
    to_bot: Mutex<Option<mpsc::UnboundedSender<Message>>>,
    /// Envelopes waiting for their acknowledgement.
    pending: Mutex<HashMap<String, oneshot::Sender<Value>>>,
    connections: AtomicUsize,
    connected: Notify,
    /// Makes the newest connection stop reading and writing, socket left open.
    silence: Mutex<Option<oneshot::Sender<()>>>,
    pings: AtomicUsize,
}

pub struct SocketServer {
    url: String,
    inner: Arc<Inner>,
    task: JoinHandle<()>,
}

impl Drop for SocketServer {
    fn drop(&mut self) {
        self.task.abort();
    }
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

impl SocketServer {
    pub async fn start() -> std::io::Result<SocketServer> {
        let listener = TcpListener::bind("127.0.0.1:0").await?;
        let url = format!("ws://{}/link/?ticket=standin", listener.local_addr()?);
        let inner = Arc::new(Inner::default());
        let task = tokio::spawn(accept(listener, inner.clone()));
        Ok(SocketServer { url, inner, task })
    }

    /// The URL apps.connections.open hands out.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// How many times a bot has connected.
    pub fn connections(&self) -> usize {
        self.inner.connections.load(Ordering::SeqCst)
    }

    /// Waits until `count` connections have been made.
    pub async fn wait_connected(&self, count: usize) -> Result<(), String> {
        let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
        while self.connections() < count {
            let mut notified = std::pin::pin!(self.inner.connected.notified());
            notified.as_mut().enable();
            if self.connections() >= count {
                break;
            }
            if tokio::time::timeout_at(deadline, notified).await.is_err() {
                return Err(format!("only {} connections", self.connections()));
            }
        }
        Ok(())
    }

    /// Sends an envelope of `kind` (slash_commands, interactive, events_api) and returns
    /// the bot's acknowledgement.
    pub async fn send(&self, kind: &str, payload: Value) -> Result<Value, String> {
        let envelope_id = format!("{:016x}", fastrand::u64(..));
        let (tx, rx) = oneshot::channel();
        lock(&self.inner.pending).insert(envelope_id.clone(), tx);
        let envelope = json!({
            "envelope_id": envelope_id,
            "type": kind,
            "payload": payload,
            "accepts_response_payload": kind != "events_api",
            "retry_attempt": 0,
            "retry_reason": "",
        });
        let sent = lock(&self.inner.to_bot)
            .as_ref()
            .map(|tx| tx.send(Message::text(envelope.to_string())).is_ok())
            .unwrap_or(false);
        if !sent {
            return Err("no bot is connected".into());
        }
        tokio::time::timeout(Duration::from_secs(5), rx)
            .await
            .map_err(|_| "no acknowledgement within 5 s".to_string())?
            .map_err(|_| "the connection dropped".to_string())
    }

    /// Sends an envelope and, right behind it on the same connection, a `disconnect`: the
    /// acknowledgement of an envelope the bot received before it was asked to reconnect.
    pub async fn send_then_disconnect(&self, kind: &str, payload: Value) -> Result<Value, String> {
        let envelope_id = format!("{:016x}", fastrand::u64(..));
        let (tx, rx) = oneshot::channel();
        lock(&self.inner.pending).insert(envelope_id.clone(), tx);
        let envelope = json!({
            "envelope_id": envelope_id, "type": kind, "payload": payload,
            "accepts_response_payload": kind != "events_api", "retry_attempt": 0,
        });
        let disconnect = json!({ "type": "disconnect", "reason": "refresh_requested" });
        let sent = lock(&self.inner.to_bot).as_ref().is_some_and(|tx| {
            tx.send(Message::text(envelope.to_string())).is_ok()
                && tx.send(Message::text(disconnect.to_string())).is_ok()
        });
        if !sent {
            return Err("no bot is connected".into());
        }
        tokio::time::timeout(Duration::from_secs(5), rx)
            .await
            .map_err(|_| "no acknowledgement within 5 s".to_string())?
            .map_err(|_| "the connection dropped".to_string())
    }

    /// The newest connection goes quiet: nothing more is read or written on it (so the
    /// bot's pings go unanswered), and it is not closed.
    pub fn go_silent(&self) {
        if let Some(silence) = lock(&self.inner.silence).take() {
            let _ = silence.send(());
        }
    }

    /// Pings received from the bot, on any connection.
    pub fn pings(&self) -> usize {
        self.inner.pings.load(Ordering::SeqCst)
    }

    /// Asks the connected bot to reconnect, as Slack does every few hours.
    pub fn disconnect(&self) {
        if let Some(tx) = lock(&self.inner.to_bot).as_ref() {
            let _ = tx.send(Message::text(
                json!({ "type": "disconnect", "reason": "refresh_requested" }).to_string(),
            ));
        }
    }
}

async fn accept(listener: TcpListener, inner: Arc<Inner>) {
    loop {
        let Ok((stream, _)) = listener.accept().await else {
            continue;
        };
        let inner = inner.clone();
        tokio::spawn(async move {
            let Ok(socket) = tokio_tungstenite::accept_async(stream).await else {
                return;
            };
            let (mut write, mut read) = socket.split();
            let (tx, mut rx) = mpsc::unbounded_channel::<Message>();
            let hello = json!({
                "type": "hello", "num_connections": 1,
                "connection_info": { "app_id": super::web_api::APP_ID },
                "debug_info": { "host": "standin" },
            });
            if write.send(Message::text(hello.to_string())).await.is_err() {
                return;
            }
            *lock(&inner.to_bot) = Some(tx);
            let (silence, mut silenced) = oneshot::channel();
            *lock(&inner.silence) = Some(silence);
            inner.connections.fetch_add(1, Ordering::SeqCst);
            inner.connected.notify_waiters();
            loop {
                tokio::select! {
                    // Err: a newer connection took the switch; this one carries on.
                    Ok(()) = &mut silenced => {
                        // The socket stays open (this task owns it), never polled again:
                        // no pong, no close, no data.
                        std::future::pending::<()>().await;
                    }
                    frame = read.next() => match frame {
                        Some(Ok(Message::Text(text))) => {
                            let Ok(ack) = serde_json::from_str::<Value>(text.as_str()) else { continue };
                            let id = ack["envelope_id"].as_str().unwrap_or_default().to_owned();
                            if let Some(waiting) = lock(&inner.pending).remove(&id) {
                                let _ = waiting.send(ack);
                            }
                        }
                        Some(Ok(Message::Ping(_))) => {
                            inner.pings.fetch_add(1, Ordering::SeqCst);
                        }
                        Some(Ok(Message::Close(_))) | None | Some(Err(_)) => break,
                        Some(Ok(_)) => {}
                    },
                    Some(out) = rx.recv() => {
                        if write.send(out).await.is_err() {
                            break;
                        }
                    }
                }
            }
        });
    }
}
