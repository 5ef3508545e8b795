//! Purpose: the operations socket, a Unix domain socket in the store's directory
//! (`<store.path>/operations.sock`) through which the command line asks a running bot for
//! what needs its store: backups, exports, a report posted now. A TCP port, even on
//! loopback, is reachable by every local user, a service-mesh sidecar, or a browser page
//! posting text/plain; this socket is mode 0600 and every connection's peer is checked
//! (SO_PEERCRED): only the user the bot runs as gets an answer.
//!
//! The peer's credentials come from tokio's `UnixStream::peer_cred`, which is stable
//! (std's is not) and reads SO_PEERCRED on Linux (getpeereid elsewhere): no new crate
//! and no unsafe code.

use std::convert::Infallible;
use std::future::Future;
use std::os::unix::fs::{FileTypeExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context as _;
use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::server::graceful::GracefulShutdown;
use tokio::net::{UnixListener, UnixStream};

use crate::app::Context;
use crate::store::LogEntry;

pub const SOCKET_NAME: &str = "operations.sock";

/// How long the requests in progress (a backup, an export) get to finish on shutdown.
const DRAIN_TIMEOUT: Duration = Duration::from_secs(30);

/// Where the operations socket of the bot using `store` is.
pub fn socket_path(store: &Path) -> PathBuf {
    store.join(SOCKET_NAME)
}

/// This process's effective uid.
pub fn own_uid() -> u32 {
    rustix::process::geteuid().as_raw()
}

/// Who is at the other end of a connection, as the kernel says.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Caller {
    pub uid: u32,
    pub pid: Option<i32>,
}

impl Caller {
    /// This process (the command line working on a store no bot holds).
    pub fn this_process() -> Caller {
        Caller {
            uid: own_uid(),
            pid: i32::try_from(std::process::id()).ok(),
        }
    }

    /// As the audit log names a local account.
    pub fn who(&self) -> String {
        format!("uid {}", self.uid)
    }

    /// An audit entry for this caller, with its process id among the details.
    pub fn entry(&self, at: jiff::Timestamp, what: &str) -> LogEntry {
        let entry = LogEntry::new(at, self.who(), what);
        match self.pid {
            Some(pid) => entry.with("pid", pid.to_string()),
            None => entry,
        }
    }
}

/// Binds the socket for the bot whose store is at `store` (which it has open, so no
/// other bot uses it: a socket file there is one a stopped bot left behind).
pub fn bind(store: &Path) -> anyhow::Result<UnixListener> {
    let path = socket_path(store);
    match std::fs::symlink_metadata(&path) {
        Ok(meta) if meta.file_type().is_socket() => std::fs::remove_file(&path)
            .with_context(|| format!("could not remove the old socket {}", path.display()))?,
        Ok(_) => anyhow::bail!(
            "{} exists and is not a socket: move it away so the bot can put its operations \
             socket there",
            path.display()
        ),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
        Err(e) => return Err(e).with_context(|| format!("{}", path.display())),
    }
    let listener = UnixListener::bind(&path).with_context(|| {
        format!(
            "could not create the operations socket {} (a Unix socket path holds at most 107 \
             bytes: a shorter store.path helps)",
            path.display()
        )
    })?;
    // Until this runs the socket has the umask's mode (0755 with the usual 022, which
    // lets nobody else connect); the peer check below holds either way.
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600))
        .with_context(|| format!("could not make {} private", path.display()))?;
    Ok(listener)
}

/// Serves the operations requests until `shutdown`, then lets those in progress finish
/// (up to a bound) and removes the socket file.
pub async fn serve(
    listener: UnixListener,
    path: PathBuf,
    ctx: Arc<Context>,
    shutdown: impl Future<Output = ()>,
) {
    let owner = own_uid();
    let graceful = GracefulShutdown::new();
    tokio::pin!(shutdown);
    loop {
        tokio::select! {
            accepted = listener.accept() => {
                let stream = match accepted {
                    Ok((stream, _)) => stream,
                    Err(e) => {
                        tracing::warn!(error = %e, "accept failed on the operations socket");
                        tokio::time::sleep(Duration::from_millis(50)).await;
                        continue;
                    }
                };
                let caller = match stream.peer_cred() {
                    Ok(cred) => Caller { uid: cred.uid(), pid: cred.pid() },
                    Err(e) => {
                        tracing::warn!(error = %e, "could not tell who is on the operations socket; refused");
                        continue;
                    }
                };
                let allowed = caller.uid == owner;
                if !allowed {
                    refused(&ctx, caller).await;
                }
                let ctx = ctx.clone();
                let service = hyper::service::service_fn(move |req| {
                    let ctx = ctx.clone();
                    async move {
                        Ok::<_, Infallible>(if allowed {
                            super::route(&ctx, req, caller).await
                        } else {
                            super::text(
                                hyper::StatusCode::FORBIDDEN,
                                format!(
                                    "Only the user the bot runs as (uid {owner}) may use its \
                                     operations socket; this is uid {}.",
                                    caller.uid
                                ),
                            )
                        })
                    }
                });
                let connection = hyper::server::conn::http1::Builder::new()
                    .timer(TokioTimer::new())
                    .header_read_timeout(Duration::from_secs(10))
                    .serve_connection(TokioIo::new(stream), service);
                let connection = graceful.watch(connection);
                tokio::spawn(async move {
                    if let Err(e) = connection.await {
                        tracing::debug!(error = %e, "operations connection ended with an error");
                    }
                });
            }
            () = &mut shutdown => break,
        }
    }
    drop(listener);
    let _ = std::fs::remove_file(&path);
    tokio::select! {
        () = graceful.shutdown() => {}
        () = tokio::time::sleep(DRAIN_TIMEOUT) => tracing::warn!("gave up waiting for operations requests to finish"),
    }
}

/// Someone other than the bot's user connected: the log, the audit log outside cases.
async fn refused(ctx: &Context, caller: Caller) {
    tracing::warn!(
        uid = caller.uid,
        pid = caller.pid,
        "refused the operations socket to another user"
    );
    let entry = caller
        .entry(ctx.clock.now(), "operations-refused")
        .with("reason", "not the bot's user");
    if let Err(e) = ctx.store.log(&entry).await {
        tracing::error!(error = %e, "could not record a refused operations request");
    }
}

/// POSTs `body` to `path` on the operations socket of the bot using `store`; its answer
/// on success, or a sentence saying what went wrong.
pub async fn ask(store: &Path, path: &str, body: String) -> Result<String, String> {
    let socket = socket_path(store);
    let stream = UnixStream::connect(&socket)
        .await
        .map_err(|e| match e.kind() {
            std::io::ErrorKind::NotFound => format!(
                "The store at {} is in use by a running bot, but it has no operations socket ({}): \
             an older version of the bot? Stop it and run this again.",
                store.display(),
                socket.display()
            ),
            std::io::ErrorKind::PermissionDenied => format!(
                "{} is private to the user the bot runs as: run this as that user.",
                socket.display()
            ),
            _ => format!(
                "Could not reach the running bot at {}: {e}.",
                socket.display()
            ),
        })?;
    let (mut sender, connection) = hyper::client::conn::http1::handshake(TokioIo::new(stream))
        .await
        .map_err(|e| format!("Could not talk to the running bot: {e}."))?;
    tokio::spawn(connection);
    let request = hyper::Request::post(path)
        .header(hyper::header::HOST, "localhost")
        .body(Full::new(Bytes::from(body)))
        .map_err(|e| e.to_string())?;
    let response = sender
        .send_request(request)
        .await
        .map_err(|e| format!("The running bot did not answer: {e}."))?;
    let status = response.status();
    let body = response
        .into_body()
        .collect()
        .await
        .map(|b| String::from_utf8_lossy(&b.to_bytes()).into_owned())
        .unwrap_or_default();
    if status.is_success() {
        Ok(body)
    } else {
        Err(format!("The running bot said: {}", body.trim()))
    }
}
