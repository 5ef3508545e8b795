//! Purpose: a small Slack Web API on loopback for the demo and the tests. It answers the
//! methods the bot calls with Slack's real response shapes, keeps the messages as Slack
//! would (posts, thread replies, edits, ephemerals, DMs), knows its people as Slack does
//! (full members, guests, other workspaces' users, bots, deactivated accounts; users.info
//! refuses anyone it does not know), records every call, checks the bot token, and can be
//! told to fail (429 with Retry-After, 5xx, slow answers, errors) so delivery can be
//! tested against the failures Slack really produces.

use std::collections::{HashMap, HashSet, VecDeque};
use std::net::SocketAddr;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::body::Incoming;
use hyper::header::{AUTHORIZATION, CONTENT_TYPE, HeaderValue, RETRY_AFTER};
use hyper::{Request, Response, StatusCode};
use hyper_util::rt::TokioIo;
use serde_json::{Value, json};
use tokio::net::TcpListener;
use tokio::sync::Notify;
use tokio::task::JoinHandle;

use super::rules;
use super::socket::SocketServer;

pub const TEAM_ID: &str = "T0STANDIN";
pub const BOT_USER: &str = "U0BOT";
pub const BOT_ID: &str = "B0BOT";
pub const APP_ID: &str = "A0ESCALATE";

/// How long a trigger_id may be exchanged with views.open after Slack sent it.
pub const TRIGGER_LIFETIME: Duration = Duration::from_secs(3);

/// The name calls to an upload URL are recorded (and faults injected) under: they are
/// not a Web API method.
pub const UPLOAD: &str = "(upload)";

/// One Web API call as the bot made it.
#[derive(Debug, Clone, PartialEq)]
pub struct Call {
    pub method: String,
    /// Parameters, from the JSON body, the form body or the query string.
    pub params: Value,
    pub authorized: bool,
    /// When the call arrived.
    pub at: std::time::Instant,
}

/// A message as Slack holds it.
#[derive(Debug, Clone, PartialEq)]
pub struct Message {
    pub channel: String,
    pub ts: String,
    pub thread_ts: Option<String>,
    pub text: String,
    pub blocks: Value,
    pub metadata: Value,
    /// Only this user sees it (ephemeral messages and response_url answers).
    pub only_for: Option<String>,
    pub edits: u32,
    /// Who wrote it: `None` for the bot's own messages.
    pub author: Option<Author>,
    /// Files shared with it (files.completeUploadExternal), as Slack describes them.
    pub files: Vec<Value>,
}

/// A file the bot uploaded through files.getUploadURLExternal and the upload URL.
#[derive(Debug, Clone, PartialEq)]
pub struct File {
    pub id: String,
    pub filename: String,
    /// The length files.getUploadURLExternal was told.
    pub length: usize,
    /// What arrived at the upload URL, once it did.
    pub bytes: Option<Vec<u8>>,
    /// Set by files.completeUploadExternal.
    pub title: Option<String>,
    pub shared: bool,
}

/// A person (or integration) who wrote a message in a channel, not the bot.
#[derive(Debug, Clone, PartialEq)]
pub struct Author {
    pub user: String,
    /// Their workspace: another one than ours for a Slack Connect guest.
    pub team: String,
    /// An integration's bot id (helpdesk messages).
    pub bot_id: Option<String>,
}

impl Author {
    /// A person of workspace `team`: ours (`TEAM_ID`), or a Slack Connect guest's.
    pub fn person(user: &str, team: &str) -> Author {
        Author {
            user: user.into(),
            team: team.into(),
            bot_id: None,
        }
    }
}

/// What kind of account a user is, as users.info tells.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Membership {
    /// A full member of their workspace.
    Member,
    /// A multi-channel guest (`is_restricted`).
    Guest,
    /// A single-channel guest (`is_restricted` and `is_ultra_restricted`).
    SingleChannelGuest,
    /// A bot user (an integration's, or an app's).
    Bot,
    /// A deactivated account (`deleted`).
    Deactivated,
}

/// A user the stand-in knows: who users.info describes.
#[derive(Debug, Clone, PartialEq)]
pub struct Person {
    pub name: String,
    /// Their workspace: `TEAM_ID` for ours, another for a Slack Connect customer.
    pub team: String,
    pub membership: Membership,
}

/// Something a person would see happen, in order: what the demo transcript prints.
/// Messages are snapshots, as they read at that moment.
#[derive(Debug, Clone, PartialEq)]
pub enum Sighting {
    Posted(Message),
    Edited(Message),
    FormOpened(Value),
}

/// A failure to inject into the next call of a method.
#[derive(Debug, Clone, PartialEq)]
pub enum Fault {
    /// HTTP 429 with this Retry-After (seconds).
    RateLimited { retry_after: u64 },
    /// An HTTP status with an empty body (500, 502, 503...).
    Status(u16),
    /// HTTP 200 with `{"ok": false, "error": code}`.
    Error(String),
    /// Answer normally, but only after this long.
    Slow(Duration),
    /// Close the connection without answering.
    Reset,
    /// Do what was asked, then close the connection without answering (the post went
    /// out, the bot cannot know).
    ResetAfterDoing,
    /// Do what was asked, then answer only after this long (past the bot's timeout).
    SlowAfterDoing(Duration),
}

#[derive(Default)]
struct State {
    token: String,
    channels: HashMap<String, String>,
    /// Who is in each channel besides the bot (DMs hold their user by construction).
    members: HashMap<String, HashSet<String>>,
    users: HashMap<String, Person>,
    dms: HashMap<String, String>,
    calls: Vec<Call>,
    messages: Vec<Message>,
    /// Indexes into `messages` of everyone's messages (not ephemeral ones), so lookups do
    /// not scan every message ever posted: by (channel, ts), the top-level ones of each
    /// channel, and the replies of each (channel, thread ts), all in posting order.
    by_ts: HashMap<(String, String), usize>,
    top_level: HashMap<String, Vec<usize>>,
    replies: HashMap<(String, String), Vec<usize>>,
    sightings: Vec<Sighting>,
    views: Vec<Value>,
    /// The trigger ids sent to the app: when, and whether views.open used one already.
    triggers: HashMap<String, Trigger>,
    hooks: HashMap<String, String>,
    faults: HashMap<String, VecDeque<Fault>>,
    clock: u64,
    /// Socket Mode: the app-level token apps.connections.open accepts, and the URL.
    socket: Option<(String, String)>,
    /// Where upload URLs point (this server), and the files uploaded.
    base_url: String,
    files: Vec<File>,
    /// Block types this workspace refuses although Slack knows them (see
    /// `StandIn::refuse_block_types`).
    refused_blocks: HashSet<String>,
    /// User groups (`S…`) and their members, in order.
    usergroups: HashMap<String, Vec<String>>,
}

#[derive(Debug, Clone, Copy)]
struct Trigger {
    issued: tokio::time::Instant,
    exchanged: bool,
}

/// The stand-in server. Dropping it stops it.
pub struct StandIn {
    addr: SocketAddr,
    state: Arc<Mutex<State>>,
    changed: Arc<Notify>,
    task: JoinHandle<()>,
    socket: std::sync::OnceLock<SocketServer>,
}

impl Drop for StandIn {
    fn drop(&mut self) {
        self.task.abort();
    }
}

fn lock(state: &Mutex<State>) -> MutexGuard<'_, State> {
    // A panic while holding the lock would be a bug in the stand-in; keep serving.
    state
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

impl StandIn {
    /// Starts on 127.0.0.1 with an ephemeral port, accepting `bot_token`.
    pub async fn start(bot_token: &str) -> std::io::Result<StandIn> {
        let listener = TcpListener::bind("127.0.0.1:0").await?;
        let addr = listener.local_addr()?;
        let state = Arc::new(Mutex::new(State {
            token: bot_token.to_owned(),
            clock: 1_790_000_000_000_000,
            base_url: format!("http://{addr}"),
            ..State::default()
        }));
        let changed = Arc::new(Notify::new());
        let task = tokio::spawn(accept(listener, state.clone(), changed.clone()));
        Ok(StandIn {
            addr,
            state,
            changed,
            task,
            socket: std::sync::OnceLock::new(),
        })
    }

    /// Turns on Socket Mode: apps.connections.open (with `app_token`) hands out a
    /// websocket on loopback, returned here to send envelopes through.
    pub async fn enable_socket_mode(&self, app_token: &str) -> std::io::Result<&SocketServer> {
        let server = SocketServer::start().await?;
        lock(&self.state).socket = Some((app_token.to_owned(), server.url().to_owned()));
        Ok(self.socket.get_or_init(|| server))
    }

    /// The Socket Mode websocket, once enabled.
    pub fn socket(&self) -> Option<&SocketServer> {
        self.socket.get()
    }

    /// The Web API base URL to configure the bot with (`slack.api_url`).
    pub fn api_url(&self) -> String {
        format!("http://{}/api", self.addr)
    }

    /// A channel the bot is a member of.
    pub fn add_channel(&self, id: &str, name: &str) {
        lock(&self.state).channels.insert(id.into(), name.into());
    }

    /// A full member of our workspace (transcripts show their name rather than the id).
    pub fn add_user(&self, id: &str, name: &str) {
        self.add_person(
            id,
            Person {
                name: name.into(),
                team: TEAM_ID.into(),
                membership: Membership::Member,
            },
        );
    }

    /// A guest of our workspace (a customer invited into a support channel).
    pub fn add_guest(&self, id: &str, name: &str) {
        self.add_person(
            id,
            Person {
                name: name.into(),
                team: TEAM_ID.into(),
                membership: Membership::Guest,
            },
        );
    }

    /// Anyone: a guest, someone of another workspace, a bot, a deactivated account.
    pub fn add_person(&self, id: &str, person: Person) {
        lock(&self.state).users.insert(id.into(), person);
    }

    /// Someone's account changes, as an admin would change it (a guest made a member,
    /// an employee deactivated).
    pub fn set_membership(&self, id: &str, membership: Membership) {
        if let Some(person) = lock(&self.state).users.get_mut(id) {
            person.membership = membership;
        }
    }

    pub fn user_name(&self, id: &str) -> String {
        lock(&self.state)
            .users
            .get(id)
            .map(|p| p.name.clone())
            .unwrap_or_else(|| id.to_owned())
    }

    /// The workspace of a user the stand-in knows (ours for anyone it does not).
    pub fn user_team(&self, id: &str) -> String {
        lock(&self.state)
            .users
            .get(id)
            .map(|p| p.team.clone())
            .unwrap_or_else(|| TEAM_ID.to_owned())
    }

    pub fn channel_name(&self, id: &str) -> Option<String> {
        lock(&self.state).channels.get(id).cloned()
    }

    /// A fresh trigger_id, as Slack puts in a slash command, a click or a shortcut: what
    /// views.open takes, once, within `TRIGGER_LIFETIME` (tokio's clock). A payload built
    /// by hand needs one from here too: views.open refuses ids Slack never sent.
    pub fn trigger_id(&self) -> String {
        let id = format!(
            "{}.{}.{:016x}",
            fastrand::u32(..),
            fastrand::u32(..),
            fastrand::u64(..)
        );
        lock(&self.state).triggers.insert(
            id.clone(),
            Trigger {
                issued: tokio::time::Instant::now(),
                exchanged: false,
            },
        );
        id
    }

    /// `user` is in `channel` (as a person who joined or was invited). Whoever posts,
    /// reacts, types a command or clicks in a channel is in it already.
    pub fn join(&self, channel: &str, user: &str) {
        lock(&self.state).join(channel, user);
    }

    /// `user` leaves `channel` (or is removed from it).
    pub fn leave(&self, channel: &str, user: &str) {
        if let Some(members) = lock(&self.state).members.get_mut(channel) {
            members.remove(user);
        }
    }

    /// Whether `user` is in `channel`, as chat.postEphemeral sees it.
    pub fn is_member(&self, channel: &str, user: &str) -> bool {
        lock(&self.state).is_member(channel, user)
    }

    /// A response_url for an interaction by `user` (answers to it are ephemeral to them).
    pub fn response_url(&self, user: &str) -> String {
        let mut state = lock(&self.state);
        let id = format!("{}", state.hooks.len() + 1);
        state.hooks.insert(id.clone(), user.to_owned());
        format!("http://{}/hooks/{id}", self.addr)
    }

    /// A user group (`S…`, as an admin makes one) and its members: what
    /// usergroups.users.list answers.
    pub fn add_usergroup(&self, id: &str, members: &[&str]) {
        lock(&self.state)
            .usergroups
            .insert(id.into(), members.iter().map(|m| (*m).to_owned()).collect());
    }

    /// Makes this workspace refuse messages holding blocks of these types with
    /// `invalid_blocks`, as a workspace (or an Enterprise Grid policy, or a Slack not yet
    /// rolled out there) that does not take a new block type would: for testing an app's
    /// fallback. An empty list takes every type Slack knows again.
    pub fn refuse_block_types(&self, types: &[&str]) {
        lock(&self.state).refused_blocks = types.iter().map(|t| (*t).to_owned()).collect();
    }

    /// Makes the next call of `method` fail this way (faults queue up in order).
    pub fn fail_next(&self, method: &str, fault: Fault) {
        lock(&self.state)
            .faults
            .entry(method.into())
            .or_default()
            .push_back(fault);
    }

    pub fn calls(&self) -> Vec<Call> {
        lock(&self.state).calls.clone()
    }

    pub fn calls_to(&self, method: &str) -> Vec<Call> {
        lock(&self.state)
            .calls
            .iter()
            .filter(|c| c.method == method)
            .cloned()
            .collect()
    }

    /// Every message, in the order it was first posted, as it reads now.
    pub fn messages(&self) -> Vec<Message> {
        lock(&self.state).messages.clone()
    }

    pub fn sightings(&self) -> Vec<Sighting> {
        lock(&self.state).sightings.clone()
    }

    /// The forms opened with views.open, as the stand-in returned them (with ids).
    /// The files uploaded, in order.
    pub fn files(&self) -> Vec<File> {
        lock(&self.state).files.clone()
    }

    pub fn views(&self) -> Vec<Value> {
        lock(&self.state).views.clone()
    }

    /// A view the bot pushed over an open form (`"response_action": "push"` in its answer
    /// to a submission), as Slack shows it then: with an id and the fields Slack adds.
    /// Recorded with the forms opened.
    pub fn push_view(&self, view: &Value) -> Value {
        let mut state = lock(&self.state);
        // A push comes in the bot's answer to a form submission: no trigger id to spend.
        let pushed = state.show_view(view.clone());
        pushed["view"].clone()
    }

    /// The user whose DM with the bot this channel is.
    pub fn dm_user(&self, channel: &str) -> Option<String> {
        lock(&self.state)
            .dms
            .iter()
            .find(|(_, dm)| dm.as_str() == channel)
            .map(|(user, _)| user.clone())
    }

    /// Someone other than the bot writes in a channel (a customer, an agent, a helpdesk
    /// integration), as a reply in `thread` if given. Returns the message.
    pub fn post_as(
        &self,
        author: Author,
        channel: &str,
        text: &str,
        thread: Option<&str>,
    ) -> Message {
        let mut state = lock(&self.state);
        // Whoever writes in a channel exists for users.info too, as Slack would describe
        // them: an integration's bot user, or a person of their own workspace.
        if !state.users.contains_key(&author.user) {
            let person = Person {
                name: author.user.to_lowercase(),
                team: author.team.clone(),
                membership: if author.bot_id.is_some() {
                    Membership::Bot
                } else {
                    Membership::Member
                },
            };
            state.users.insert(author.user.clone(), person);
        }
        state.join(channel, &author.user);
        let message = Message {
            channel: channel.to_owned(),
            ts: state.next_ts(),
            thread_ts: thread.map(str::to_owned),
            text: text.to_owned(),
            blocks: json!([]),
            metadata: Value::Null,
            only_for: None,
            edits: 0,
            author: Some(author),
            files: Vec::new(),
        };
        state.push(message.clone());
        message
    }

    /// A message as Slack puts it in events and payloads.
    pub fn message_json(&self, message: &Message) -> Value {
        lock(&self.state).message_json(message)
    }

    /// The DM channel between the bot and `user`, if one was opened.
    pub fn dm_of(&self, user: &str) -> Option<String> {
        lock(&self.state).dms.get(user).cloned()
    }

    /// Waits until `check` holds for the recorded state, up to `timeout`.
    pub async fn wait_for(
        &self,
        timeout: Duration,
        mut check: impl FnMut(&StandIn) -> bool,
    ) -> Result<(), String> {
        let deadline = tokio::time::Instant::now() + timeout;
        loop {
            // Registered before the check, so a change during the check is not missed.
            let mut notified = std::pin::pin!(self.changed.notified());
            notified.as_mut().enable();
            if check(self) {
                return Ok(());
            }
            if tokio::time::timeout_at(deadline, notified).await.is_err() {
                return if check(self) {
                    Ok(())
                } else {
                    Err(format!("timed out after {timeout:?}"))
                };
            }
        }
    }
}

async fn accept(listener: TcpListener, state: Arc<Mutex<State>>, changed: Arc<Notify>) {
    loop {
        let Ok((stream, _)) = listener.accept().await else {
            continue;
        };
        let state = state.clone();
        let changed = changed.clone();
        tokio::spawn(async move {
            let service = hyper::service::service_fn(move |req| {
                let state = state.clone();
                let changed = changed.clone();
                // An Err makes hyper drop the connection without answering: a reset.
                async move { handle(&state, &changed, req).await.ok_or(ConnectionReset) }
            });
            let _ = hyper::server::conn::http1::Builder::new()
                .serve_connection(TokioIo::new(stream), service)
                .await;
        });
    }
}

fn json_response(status: StatusCode, body: Value) -> Response<Full<Bytes>> {
    let mut response = Response::new(Full::new(Bytes::from(body.to_string())));
    *response.status_mut() = status;
    response.headers_mut().insert(
        CONTENT_TYPE,
        HeaderValue::from_static("application/json; charset=utf-8"),
    );
    response
}

fn error(code: &str) -> Value {
    json!({ "ok": false, "error": code })
}

/// Slack's answer to blocks or a view that break a rule: the error, and where.
fn refused(refusal: rules::Refusal) -> Value {
    json!({
        "ok": false, "error": refusal.error,
        "response_metadata": { "messages": [refusal.message] },
    })
}

/// Reads parameters the way Slack accepts them: JSON, form body, or query string.
fn params(query: Option<&str>, content_type: &str, body: &[u8]) -> Value {
    let mut params = serde_json::Map::new();
    if let Some(query) = query {
        for (k, v) in form_urlencoded(query.as_bytes()) {
            params.insert(k, Value::String(v));
        }
    }
    if content_type.starts_with("application/json") {
        if let Ok(Value::Object(map)) = serde_json::from_slice::<Value>(body) {
            params.extend(map);
        }
    } else {
        for (k, v) in form_urlencoded(body) {
            params.insert(k, Value::String(v));
        }
    }
    Value::Object(params)
}

fn form_urlencoded(bytes: &[u8]) -> Vec<(String, String)> {
    serde_urlencoded::from_bytes::<Vec<(String, String)>>(bytes).unwrap_or_default()
}

#[derive(Debug)]
struct ConnectionReset;

impl std::fmt::Display for ConnectionReset {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("connection reset by the stand-in")
    }
}

impl std::error::Error for ConnectionReset {}

/// Answers one request; `None` drops the connection instead.
async fn handle(
    state: &Arc<Mutex<State>>,
    changed: &Notify,
    req: Request<Incoming>,
) -> Option<Response<Full<Bytes>>> {
    let path = req.uri().path().to_owned();
    let query = req.uri().query().map(str::to_owned);
    let content_type = req
        .headers()
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_owned();
    let auth = req
        .headers()
        .get(AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let body = req
        .into_body()
        .collect()
        .await
        .map(|b| b.to_bytes())
        .unwrap_or_default();
    let params = params(query.as_deref(), &content_type, &body);

    let (method, hook) = if let Some(method) = path.strip_prefix("/api/") {
        (method.to_owned(), None)
    } else if let Some(hook) = path.strip_prefix("/hooks/") {
        ("response_url".to_owned(), Some(hook.to_owned()))
    } else if let Some(file) = path.strip_prefix("/upload/") {
        (UPLOAD.to_owned(), Some(file.to_owned()))
    } else {
        return Some(json_response(StatusCode::NOT_FOUND, error("not_found")));
    };

    let (fault, authorized) = {
        let mut s = lock(state);
        let expected = match (&s.socket, method.as_str()) {
            (Some((app_token, _)), "apps.connections.open") => app_token.clone(),
            _ => s.token.clone(),
        };
        let authorized = hook.is_some() || auth.as_deref() == Some(&format!("Bearer {expected}"));
        s.calls.push(Call {
            method: method.clone(),
            params: params.clone(),
            authorized,
            at: std::time::Instant::now(),
        });
        (
            s.faults.get_mut(&method).and_then(VecDeque::pop_front),
            authorized,
        )
    };
    changed.notify_waiters();

    match fault {
        Some(Fault::RateLimited { retry_after }) => {
            let mut response = json_response(StatusCode::TOO_MANY_REQUESTS, error("ratelimited"));
            response
                .headers_mut()
                .insert(RETRY_AFTER, HeaderValue::from(retry_after));
            return Some(response);
        }
        Some(Fault::Status(code)) => {
            let status = StatusCode::from_u16(code).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
            let mut response = Response::new(Full::new(Bytes::new()));
            *response.status_mut() = status;
            return Some(response);
        }
        Some(Fault::Error(code)) => return Some(json_response(StatusCode::OK, error(&code))),
        Some(Fault::Slow(delay)) => tokio::time::sleep(delay).await,
        Some(Fault::Reset) => return None,
        Some(Fault::ResetAfterDoing | Fault::SlowAfterDoing(_)) | None => {}
    }

    let answer = {
        let mut s = lock(state);
        if !authorized {
            error(if auth.is_none() {
                "not_authed"
            } else {
                "invalid_auth"
            })
        } else if method == UPLOAD {
            let file = hook.unwrap_or_default();
            let answer = s.receive_upload(&file, &content_type, &body);
            drop(s);
            changed.notify_waiters();
            // Slack's upload URL answers in plain text, not JSON.
            let mut response = Response::new(Full::new(Bytes::from(answer.1)));
            *response.status_mut() = answer.0;
            response.headers_mut().insert(
                CONTENT_TYPE,
                HeaderValue::from_static("text/plain; charset=utf-8"),
            );
            return match fault {
                Some(Fault::ResetAfterDoing) => None,
                _ => Some(response),
            };
        } else if let Some(hook) = hook {
            s.respond_to_hook(&hook, &params)
        } else {
            s.call(&method, &params)
        }
    };
    changed.notify_waiters();
    match fault {
        Some(Fault::ResetAfterDoing) => None,
        Some(Fault::SlowAfterDoing(delay)) => {
            tokio::time::sleep(delay).await;
            Some(json_response(StatusCode::OK, answer))
        }
        _ => Some(json_response(StatusCode::OK, answer)),
    }
}

fn str_param<'a>(params: &'a Value, name: &str) -> Option<&'a str> {
    params
        .get(name)
        .and_then(Value::as_str)
        .filter(|s| !s.is_empty())
}

impl State {
    /// Slack's message timestamps: the time of posting in microseconds, unique per
    /// workspace here (Slack makes them unique per channel).
    fn next_ts(&mut self) -> String {
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| u64::try_from(d.as_micros()).unwrap_or(u64::MAX));
        self.clock = now.max(self.clock + 1);
        format!("{}.{:06}", self.clock / 1_000_000, self.clock % 1_000_000)
    }

    /// Block Kit's rules, then the block types this workspace refuses.
    fn check_blocks(&self, blocks: &Value) -> Result<(), rules::Refusal> {
        rules::check_message_blocks(blocks)?;
        for (i, block) in blocks
            .as_array()
            .map(Vec::as_slice)
            .unwrap_or_default()
            .iter()
            .enumerate()
        {
            let kind = block.get("type").and_then(Value::as_str).unwrap_or("");
            if self.refused_blocks.contains(kind) {
                return Err(rules::Refusal {
                    error: "invalid_blocks",
                    message: format!("unsupported block type {kind:?} [json-pointer:/blocks/{i}]"),
                });
            }
        }
        Ok(())
    }

    fn is_conversation(&self, channel: &str) -> bool {
        self.channels.contains_key(channel) || self.dms.values().any(|d| d == channel)
    }

    fn join(&mut self, channel: &str, user: &str) {
        self.members
            .entry(channel.to_owned())
            .or_default()
            .insert(user.to_owned());
    }

    /// In the channel: joined it, or it is their DM with the bot.
    fn is_member(&self, channel: &str, user: &str) -> bool {
        self.members
            .get(channel)
            .is_some_and(|members| members.contains(user))
            || self.dms.get(user).is_some_and(|dm| dm == channel)
    }

    fn find(&self, channel: &str, ts: &str) -> Option<usize> {
        self.by_ts
            .get(&(channel.to_owned(), ts.to_owned()))
            .copied()
    }

    /// Stores a message and indexes it.
    fn push(&mut self, message: Message) {
        let index = self.messages.len();
        if message.only_for.is_none() {
            let channel = message.channel.clone();
            self.by_ts
                .insert((channel.clone(), message.ts.clone()), index);
            match &message.thread_ts {
                Some(parent) if *parent != message.ts => self
                    .replies
                    .entry((channel, parent.clone()))
                    .or_default()
                    .push(index),
                _ => self.top_level.entry(channel).or_default().push(index),
            }
        }
        self.messages.push(message);
    }

    fn call(&mut self, method: &str, p: &Value) -> Value {
        match method {
            "auth.test" => json!({
                "ok": true, "url": "https://standin.slack.com/", "team": "Stand-in",
                "user": "escalation-bot", "team_id": TEAM_ID, "user_id": BOT_USER, "bot_id": BOT_ID,
            }),
            "chat.postMessage" => self.post_message(p),
            "chat.update" => self.update(p),
            "chat.postEphemeral" => self.post_ephemeral(p),
            "chat.getPermalink" => self.permalink(p),
            "conversations.open" => self.open_dm(p),
            "conversations.history" => self.history(p, None),
            "conversations.replies" => match str_param(p, "ts") {
                Some(ts) => self.history(p, Some(ts.to_owned())),
                None => error("thread_not_found"),
            },
            "views.open" => self.open_view(p),
            "views.update" => self.update_view(p),
            "users.info" => self.user_info(p),
            "usergroups.users.list" => match str_param(p, "usergroup") {
                None => error("invalid_arguments"),
                Some(group) => match self.usergroups.get(group) {
                    Some(users) => json!({ "ok": true, "users": users }),
                    None => error("no_such_subteam"),
                },
            },
            "conversations.members" => self.channel_members(p),
            "files.getUploadURLExternal" => self.upload_url(p),
            "files.completeUploadExternal" => self.complete_upload(p),
            "apps.connections.open" => match &self.socket {
                Some((_, url)) => json!({ "ok": true, "url": url }),
                None => error("not_allowed_token_type"),
            },
            _ => error("unknown_method"),
        }
    }

    /// conversations.members: the bot and whoever joined, a page at a time (`limit`,
    /// default 100, at most 1,000) with Slack's `next_cursor`.
    fn channel_members(&self, p: &Value) -> Value {
        let Some(channel) = str_param(p, "channel") else {
            return error("channel_not_found");
        };
        if !self.channels.contains_key(channel) {
            return error("channel_not_found");
        }
        let mut all: Vec<&str> = self
            .members
            .get(channel)
            .map(|m| m.iter().map(String::as_str).collect())
            .unwrap_or_default();
        all.sort_unstable();
        all.insert(0, BOT_USER);
        let limit = str_param(p, "limit")
            .and_then(|l| l.parse::<usize>().ok())
            .filter(|&l| l > 0)
            .unwrap_or(100)
            .min(1000);
        let from = match str_param(p, "cursor") {
            None => 0,
            Some(cursor) => match cursor.strip_prefix("next:").and_then(|n| n.parse().ok()) {
                Some(n) => n,
                None => return error("invalid_cursor"),
            },
        };
        let page: Vec<&str> = all.iter().skip(from).take(limit).copied().collect();
        let next = if from + limit < all.len() {
            format!("next:{}", from + limit)
        } else {
            String::new()
        };
        json!({ "ok": true, "members": page, "response_metadata": { "next_cursor": next } })
    }

    fn message_json(&self, m: &Message) -> Value {
        let mut v = match &m.author {
            None => json!({
                "type": "message", "ts": m.ts, "text": m.text, "user": BOT_USER,
                "bot_id": BOT_ID, "app_id": APP_ID, "team": TEAM_ID, "blocks": m.blocks,
            }),
            Some(author) => {
                let mut v = json!({
                    "type": "message", "ts": m.ts, "text": m.text, "user": author.user,
                    "team": author.team, "user_team": author.team,
                });
                if let Some(bot) = &author.bot_id {
                    v["bot_id"] = json!(bot);
                    v["subtype"] = json!("bot_message");
                }
                v
            }
        };
        if let Some(thread) = &m.thread_ts {
            v["thread_ts"] = json!(thread);
        }
        if !m.metadata.is_null() {
            v["metadata"] = m.metadata.clone();
        }
        if !m.files.is_empty() {
            v["files"] = json!(m.files);
            v["upload"] = json!(true);
        }
        v
    }

    /// files.getUploadURLExternal: a URL on this server to send the file's bytes to.
    fn upload_url(&mut self, p: &Value) -> Value {
        let Some(filename) = str_param(p, "filename") else {
            return error("invalid_arguments");
        };
        let length = match p.get("length") {
            Some(Value::String(s)) => s.parse::<usize>().ok(),
            Some(Value::Number(n)) => n.as_u64().map(|n| n as usize),
            _ => None,
        };
        let Some(length) = length.filter(|l| *l > 0) else {
            return error("invalid_arguments");
        };
        let id = format!("F0{:08}", self.files.len() + 1);
        self.files.push(File {
            id: id.clone(),
            filename: filename.to_owned(),
            length,
            bytes: None,
            title: None,
            shared: false,
        });
        json!({ "ok": true, "upload_url": format!("{}/upload/{id}", self.base_url), "file_id": id })
    }

    /// The upload URL: raw bytes, or a multipart form whose file part we keep whole.
    fn receive_upload(
        &mut self,
        id: &str,
        content_type: &str,
        body: &[u8],
    ) -> (StatusCode, String) {
        let Some(file) = self.files.iter_mut().find(|f| f.id == id) else {
            return (StatusCode::NOT_FOUND, "file not found".into());
        };
        if content_type.starts_with("multipart/form-data") {
            file.bytes = Some(body.to_vec());
        } else if body.len() != file.length {
            return (
                StatusCode::BAD_REQUEST,
                format!("length mismatch: told {}, got {}", file.length, body.len()),
            );
        } else {
            file.bytes = Some(body.to_vec());
        }
        (StatusCode::OK, format!("OK - {}", body.len()))
    }

    /// files.completeUploadExternal: shares the uploaded files in a channel (or thread) as
    /// one message from the bot, with the initial comment as its text.
    fn complete_upload(&mut self, p: &Value) -> Value {
        // Form-encoded requests carry `files` as a JSON string.
        let files: Vec<Value> = match p.get("files") {
            Some(Value::Array(files)) => files.clone(),
            Some(Value::String(s)) => serde_json::from_str(s).unwrap_or_default(),
            _ => Vec::new(),
        };
        if files.is_empty() {
            return error("invalid_arguments");
        }
        let mut shared = Vec::new();
        for f in &files {
            let id = f.get("id").and_then(Value::as_str).unwrap_or("");
            match self.files.iter().find(|file| file.id == id) {
                Some(file) if file.bytes.is_some() => shared.push(id.to_owned()),
                Some(_) => return error("upload_not_complete"),
                None => return error("file_not_found"),
            }
        }
        let channel = str_param(p, "channel_id").map(str::to_owned);
        let thread_ts = str_param(p, "thread_ts").map(str::to_owned);
        if let Some(channel) = &channel {
            if !self.is_conversation(channel) {
                return error("not_in_channel");
            }
            if let Some(thread) = &thread_ts
                && self.find(channel, thread).is_none()
            {
                return error("invalid_thread_ts");
            }
        }
        let mut described = Vec::new();
        for (f, id) in files.iter().zip(&shared) {
            let title = f.get("title").and_then(Value::as_str).map(str::to_owned);
            let Some(file) = self.files.iter_mut().find(|file| file.id == *id) else {
                continue;
            };
            file.title = title.clone().or_else(|| Some(file.filename.clone()));
            file.shared = channel.is_some();
            described.push(json!({
                "id": file.id, "name": file.filename, "title": file.title,
                "size": file.bytes.as_ref().map_or(0, Vec::len),
                "mimetype": if file.filename.ends_with(".png") { "image/png" } else { "application/octet-stream" },
            }));
        }
        if let Some(channel) = channel {
            let message = Message {
                channel,
                ts: self.next_ts(),
                thread_ts,
                text: str_param(p, "initial_comment").unwrap_or("").to_owned(),
                blocks: json!([]),
                metadata: Value::Null,
                only_for: None,
                edits: 0,
                author: None,
                files: described.clone(),
            };
            self.sightings.push(Sighting::Posted(message.clone()));
            self.push(message);
        }
        json!({ "ok": true, "files": described })
    }

    fn post_message(&mut self, p: &Value) -> Value {
        let Some(channel) = str_param(p, "channel") else {
            return error("channel_not_found");
        };
        if !self.is_conversation(channel) {
            return error(if channel.starts_with('C') || channel.starts_with('G') {
                "not_in_channel"
            } else {
                "channel_not_found"
            });
        }
        let text = str_param(p, "text").unwrap_or("").to_owned();
        let blocks = p.get("blocks").cloned().unwrap_or(json!([]));
        if text.is_empty() && blocks.as_array().is_none_or(Vec::is_empty) {
            return error("no_text");
        }
        if let Err(refusal) = self.check_blocks(&blocks) {
            return refused(refusal);
        }
        let thread_ts = str_param(p, "thread_ts").map(str::to_owned);
        if let Some(thread) = &thread_ts
            && self.find(channel, thread).is_none()
        {
            return error("thread_not_found");
        }
        let message = Message {
            channel: channel.to_owned(),
            ts: self.next_ts(),
            thread_ts,
            text,
            blocks,
            metadata: p.get("metadata").cloned().unwrap_or(Value::Null),
            only_for: None,
            edits: 0,
            author: None,
            files: Vec::new(),
        };
        let answer = json!({
            "ok": true, "channel": message.channel, "ts": message.ts,
            "message": self.message_json(&message),
        });
        self.sightings.push(Sighting::Posted(message.clone()));
        self.push(message);
        answer
    }

    fn update(&mut self, p: &Value) -> Value {
        let (Some(channel), Some(ts)) = (str_param(p, "channel"), str_param(p, "ts")) else {
            return error("message_not_found");
        };
        let Some(index) = self.find(channel, ts) else {
            return error("message_not_found");
        };
        // An app edits only what it posted itself.
        if self.messages[index].author.is_some() {
            return error("cant_update_message");
        }
        if let Some(blocks) = p.get("blocks")
            && let Err(refusal) = self.check_blocks(blocks)
        {
            return refused(refusal);
        }
        let message = &mut self.messages[index];
        if let Some(text) = str_param(p, "text") {
            message.text = text.to_owned();
        }
        if let Some(blocks) = p.get("blocks") {
            message.blocks = blocks.clone();
        }
        message.edits += 1;
        let message = message.clone();
        self.sightings.push(Sighting::Edited(message.clone()));
        json!({
            "ok": true, "channel": channel, "ts": ts, "text": message.text,
            "message": { "text": message.text, "user": BOT_USER, "bot_id": BOT_ID, "blocks": message.blocks },
        })
    }

    fn post_ephemeral(&mut self, p: &Value) -> Value {
        let (Some(channel), Some(user)) = (str_param(p, "channel"), str_param(p, "user")) else {
            return error("user_not_in_channel");
        };
        if !self.is_conversation(channel) {
            return error("channel_not_found");
        }
        // Slack shows an ephemeral message only to someone in the conversation.
        if !self.is_member(channel, user) {
            return error("user_not_in_channel");
        }
        if let Some(blocks) = p.get("blocks")
            && let Err(refusal) = self.check_blocks(blocks)
        {
            return refused(refusal);
        }
        let message = Message {
            channel: channel.to_owned(),
            ts: self.next_ts(),
            thread_ts: str_param(p, "thread_ts").map(str::to_owned),
            text: str_param(p, "text").unwrap_or("").to_owned(),
            blocks: p.get("blocks").cloned().unwrap_or(json!([])),
            metadata: Value::Null,
            only_for: Some(user.to_owned()),
            edits: 0,
            author: None,
            files: Vec::new(),
        };
        let ts = message.ts.clone();
        self.sightings.push(Sighting::Posted(message.clone()));
        self.push(message);
        json!({ "ok": true, "message_ts": ts })
    }

    fn respond_to_hook(&mut self, hook: &str, p: &Value) -> Value {
        let Some(user) = self.hooks.get(hook).cloned() else {
            return error("expired_url");
        };
        if let Some(blocks) = p.get("blocks")
            && let Err(refusal) = self.check_blocks(blocks)
        {
            return refused(refusal);
        }
        let message = Message {
            channel: String::new(),
            ts: self.next_ts(),
            thread_ts: None,
            text: str_param(p, "text").unwrap_or("").to_owned(),
            blocks: p.get("blocks").cloned().unwrap_or(json!([])),
            metadata: Value::Null,
            only_for: Some(user),
            edits: 0,
            author: None,
            files: Vec::new(),
        };
        self.sightings.push(Sighting::Posted(message.clone()));
        self.push(message);
        json!({ "ok": true })
    }

    /// conversations.history (top-level messages) or conversations.replies (the thread's
    /// parent and replies), newest first like Slack, from `oldest` on; metadata only with
    /// include_all_metadata.
    fn history(&self, p: &Value, thread: Option<String>) -> Value {
        let Some(channel) = str_param(p, "channel") else {
            return error("channel_not_found");
        };
        if !self.is_conversation(channel) {
            return error("channel_not_found");
        }
        let bound = |name| str_param(p, name).and_then(|t| t.parse::<f64>().ok());
        let (oldest, latest) = (bound("oldest"), bound("latest"));
        let inclusive = matches!(str_param(p, "inclusive"), Some("true" | "1"));
        // Slack's default page is 100 messages, and it gives at most 999.
        let limit = str_param(p, "limit")
            .and_then(|l| l.parse::<usize>().ok())
            .filter(|&l| l > 0)
            .unwrap_or(100)
            .min(999);
        let in_range = |m: &Message| {
            let ts = m.ts.parse::<f64>().unwrap_or(0.0);
            let after = oldest.is_none_or(|o| ts > o || (inclusive && ts == o));
            let before = latest.is_none_or(|l| ts < l || (inclusive && ts == l));
            after && before
        };
        let with_metadata = str_param(p, "include_all_metadata") == Some("true");
        let json = |m: &Message| {
            let mut v = self.message_json(m);
            if !with_metadata && let Some(o) = v.as_object_mut() {
                o.remove("metadata");
            }
            v
        };
        let none = Vec::new();
        let mut picked: Vec<&Message> = match thread {
            // Top-level messages, newest first.
            None => self
                .top_level
                .get(channel)
                .unwrap_or(&none)
                .iter()
                .rev()
                .map(|&i| &self.messages[i])
                .filter(|m| in_range(m))
                .take(limit + 1)
                .collect(),
            // conversations.replies takes a reply's ts too, and answers with its whole
            // thread, parent first, oldest first.
            Some(ts) => {
                let parent = self
                    .find(channel, &ts)
                    .and_then(|i| self.messages[i].thread_ts.clone())
                    .unwrap_or(ts);
                let key = (channel.to_owned(), parent);
                self.by_ts
                    .get(&key)
                    .into_iter()
                    .chain(self.replies.get(&key).unwrap_or(&none))
                    .map(|&i| &self.messages[i])
                    .filter(|m| in_range(m))
                    .take(limit + 1)
                    .collect()
            }
        };
        let has_more = picked.len() > limit;
        picked.truncate(limit);
        let messages: Vec<Value> = picked.into_iter().map(json).collect();
        json!({ "ok": true, "messages": messages, "has_more": has_more })
    }

    fn permalink(&self, p: &Value) -> Value {
        let (Some(channel), Some(ts)) = (str_param(p, "channel"), str_param(p, "message_ts"))
        else {
            return error("message_not_found");
        };
        if self.find(channel, ts).is_none() {
            return error("message_not_found");
        }
        json!({
            "ok": true, "channel": channel,
            "permalink": format!("https://standin.slack.com/archives/{channel}/p{}", ts.replace('.', "")),
        })
    }

    fn open_dm(&mut self, p: &Value) -> Value {
        // Slack documents a comma-separated string; slack-morphism sends a JSON array.
        let users: Vec<String> = match p.get("users") {
            Some(Value::String(s)) => s.split(',').map(|u| u.trim().to_owned()).collect(),
            Some(Value::Array(a)) => a
                .iter()
                .filter_map(|u| u.as_str().map(str::to_owned))
                .collect(),
            _ => Vec::new(),
        };
        let [user] = users.as_slice() else {
            return error(if users.is_empty() {
                "users_list_not_supplied"
            } else {
                "not_implemented"
            });
        };
        if !user.starts_with('U') && !user.starts_with('W') {
            return error("user_not_found");
        }
        let already_open = self.dms.contains_key(user);
        let id = self
            .dms
            .entry(user.clone())
            .or_insert_with(|| format!("D{}", &user[1..]))
            .clone();
        json!({ "ok": true, "already_open": already_open, "channel": { "id": id } })
    }

    /// users.info as Slack answers it: the user with their workspace and account flags,
    /// or `user_not_found` for an id it does not know (and for no id at all).
    fn user_info(&self, p: &Value) -> Value {
        let Some(id) = str_param(p, "user") else {
            return error("user_not_found");
        };
        if id == BOT_USER {
            return json!({ "ok": true, "user": {
                "id": BOT_USER, "team_id": TEAM_ID, "name": "escalation-bot", "deleted": false,
                "is_bot": true, "is_app_user": false, "is_restricted": false,
                "is_ultra_restricted": false, "is_admin": false, "is_owner": false,
                "profile": { "bot_id": BOT_ID, "team": TEAM_ID, "real_name": "escalation-bot" },
            }});
        }
        let Some(person) = self.users.get(id) else {
            return error("user_not_found");
        };
        let (guest, single) = match person.membership {
            Membership::Guest => (true, false),
            Membership::SingleChannelGuest => (true, true),
            _ => (false, false),
        };
        json!({ "ok": true, "user": {
            "id": id,
            "team_id": person.team,
            "name": person.name,
            "real_name": person.name,
            "deleted": person.membership == Membership::Deactivated,
            "color": "9f69e7",
            "tz": "Asia/Tokyo", "tz_label": "Japan Standard Time", "tz_offset": 32400,
            "is_admin": false, "is_owner": false, "is_primary_owner": false,
            "is_restricted": guest,
            "is_ultra_restricted": single,
            "is_bot": person.membership == Membership::Bot,
            "is_app_user": false,
            "updated": 1_790_000_000,
            "profile": {
                "real_name": person.name, "display_name": person.name, "team": person.team,
            },
        }})
    }

    /// views.open: exchanges a trigger_id Slack sent, once and within
    /// `TRIGGER_LIFETIME`, for a view that keeps Block Kit's rules.
    fn open_view(&mut self, p: &Value) -> Value {
        let Some(trigger_id) = str_param(p, "trigger_id") else {
            return error("invalid_trigger_id");
        };
        let Some(trigger) = self.triggers.get_mut(trigger_id) else {
            return error("invalid_trigger_id");
        };
        if trigger.exchanged {
            return error("exchanged_trigger_id");
        }
        if trigger.issued.elapsed() > TRIGGER_LIFETIME {
            return error("expired_trigger_id");
        }
        // A form string (form-encoded call) or an object (JSON body).
        let view = match p.get("view") {
            Some(Value::String(s)) => serde_json::from_str(s).unwrap_or(Value::Null),
            Some(view) => view.clone(),
            None => Value::Null,
        };
        if !view.is_object() {
            return error("invalid_arguments");
        }
        if let Err(refusal) = rules::check_view(&view) {
            return refused(refusal);
        }
        trigger.exchanged = true;
        self.show_view(view)
    }

    /// views.update: replaces a view someone has open, by its id, as Slack does: an unknown
    /// id is `not_found`, a `hash` that is not the view's latest is `hash_conflict` (the
    /// view changed since the caller read it), and the new view keeps Block Kit's rules.
    /// The new version is recorded after the others, with the same id and a new hash.
    fn update_view(&mut self, p: &Value) -> Value {
        let Some(view_id) = str_param(p, "view_id") else {
            return error("invalid_arguments");
        };
        let Some(current) = self
            .views
            .iter()
            .rev()
            .find(|v| v["id"] == view_id)
            .cloned()
        else {
            return error("not_found");
        };
        if let Some(hash) = str_param(p, "hash")
            && current["hash"].as_str() != Some(hash)
        {
            return error("hash_conflict");
        }
        let view = match p.get("view") {
            Some(Value::String(s)) => serde_json::from_str(s).unwrap_or(Value::Null),
            Some(view) => view.clone(),
            None => Value::Null,
        };
        if !view.is_object() {
            return error("invalid_arguments");
        }
        if let Err(refusal) = rules::check_view(&view) {
            return refused(refusal);
        }
        let mut view = view;
        for key in ["id", "team_id", "app_id", "bot_id", "root_view_id"] {
            view[key] = current[key].clone();
        }
        view["hash"] = json!(format!("{}.hash.{}", self.clock, self.views.len() + 1));
        view["state"] = json!({ "values": {} });
        view["previous_view_id"] = Value::Null;
        self.views.push(view.clone());
        self.sightings.push(Sighting::FormOpened(view.clone()));
        json!({ "ok": true, "view": view })
    }

    /// Shows a view that passed Slack's rules (opened with a trigger, or pushed in the
    /// answer to a form), as Slack describes it back.
    fn show_view(&mut self, view: Value) -> Value {
        if !view.is_object() {
            return error("invalid_arguments");
        }
        if let Err(refusal) = rules::check_view(&view) {
            return refused(refusal);
        }
        let mut view = view;
        let id = format!("V{:08}", self.views.len() + 1);
        view["id"] = json!(id);
        view["team_id"] = json!(TEAM_ID);
        view["app_id"] = json!(APP_ID);
        view["bot_id"] = json!(BOT_ID);
        view["hash"] = json!(format!("{}.hash", self.clock));
        view["state"] = json!({ "values": {} });
        view["root_view_id"] = json!(id);
        view["previous_view_id"] = Value::Null;
        self.views.push(view.clone());
        self.sightings.push(Sighting::FormOpened(view.clone()));
        json!({ "ok": true, "view": view })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn state() -> State {
        let mut state = State {
            clock: 1_790_000_000_000_000,
            ..State::default()
        };
        state.channels.insert("C1".into(), "support".into());
        state
    }

    fn post(state: &mut State, thread: Option<&str>) -> String {
        let mut p = json!({ "channel": "C1", "text": "x" });
        if let Some(ts) = thread {
            p["thread_ts"] = json!(ts);
        }
        let answer = state.call("chat.postMessage", &p);
        answer["ts"].as_str().expect("posted").to_owned()
    }

    fn ts_of(answer: &Value) -> Vec<String> {
        answer["messages"]
            .as_array()
            .unwrap()
            .iter()
            .map(|m| m["ts"].as_str().unwrap().to_owned())
            .collect()
    }

    #[test]
    fn history_pages_like_slack_newest_first_and_replies_oldest_first() {
        let mut state = state();
        let top: Vec<String> = (0..5).map(|_| post(&mut state, None)).collect();
        let replies: Vec<String> = (0..3).map(|_| post(&mut state, Some(&top[1]))).collect();

        let all = state.call("conversations.history", &json!({ "channel": "C1" }));
        let newest_first: Vec<String> = top.iter().rev().cloned().collect();
        assert_eq!(ts_of(&all), newest_first, "replies are not top-level");
        assert_eq!(all["has_more"], false);
        let page = state.call(
            "conversations.history",
            &json!({ "channel": "C1", "limit": "2" }),
        );
        assert_eq!(ts_of(&page), newest_first[..2]);
        assert_eq!(page["has_more"], true);
        let before = state.call(
            "conversations.history",
            &json!({ "channel": "C1", "latest": top[2], "inclusive": "true" }),
        );
        assert_eq!(
            ts_of(&before),
            [top[2].clone(), top[1].clone(), top[0].clone()]
        );

        // By the parent's ts or a reply's, the whole thread, parent first.
        let mut thread = vec![top[1].clone()];
        thread.extend(replies.iter().cloned());
        for ts in [&top[1], &replies[2]] {
            let answer = state.call(
                "conversations.replies",
                &json!({ "channel": "C1", "ts": ts }),
            );
            assert_eq!(ts_of(&answer), thread);
        }
        let lonely = state.call(
            "conversations.replies",
            &json!({ "channel": "C1", "ts": top[4] }),
        );
        assert_eq!(ts_of(&lonely), [top[4].clone()]);
    }

    #[test]
    fn a_user_groups_members_are_listed_and_an_unknown_group_refused() {
        let mut state = state();
        state
            .usergroups
            .insert("S1".into(), vec!["U1".into(), "U2".into()]);
        let answer = state.call("usergroups.users.list", &json!({ "usergroup": "S1" }));
        assert_eq!(answer, json!({ "ok": true, "users": ["U1", "U2"] }));
        let unknown = state.call("usergroups.users.list", &json!({ "usergroup": "S9" }));
        assert_eq!(unknown["error"], "no_such_subteam");
        let missing = state.call("usergroups.users.list", &json!({}));
        assert_eq!(missing["error"], "invalid_arguments");
    }

    #[test]
    fn a_channels_members_come_in_pages_with_the_bot_and_an_unknown_channel_is_refused() {
        let mut state = state();
        for user in ["U3", "U1", "U2"] {
            state.join("C1", user);
        }
        let first = state.call(
            "conversations.members",
            &json!({ "channel": "C1", "limit": "2" }),
        );
        assert_eq!(first["members"], json!([BOT_USER, "U1"]));
        let cursor = first["response_metadata"]["next_cursor"]
            .as_str()
            .unwrap()
            .to_owned();
        let rest = state.call(
            "conversations.members",
            &json!({ "channel": "C1", "limit": "2", "cursor": cursor }),
        );
        assert_eq!(rest["members"], json!(["U2", "U3"]));
        assert_eq!(rest["response_metadata"]["next_cursor"], "");
        let unknown = state.call("conversations.members", &json!({ "channel": "C9" }));
        assert_eq!(unknown["error"], "channel_not_found");
        let bad = state.call(
            "conversations.members",
            &json!({ "channel": "C1", "cursor": "x" }),
        );
        assert_eq!(bad["error"], "invalid_cursor");
    }

    fn trigger(state: &mut State, age: Duration) -> String {
        let id = format!("T{}", state.triggers.len());
        let issued = tokio::time::Instant::now()
            .checked_sub(age)
            .expect("the clock is past the trigger's age");
        state.triggers.insert(
            id.clone(),
            Trigger {
                issued,
                exchanged: false,
            },
        );
        id
    }

    fn modal() -> Value {
        json!({ "type": "modal", "title": { "type": "plain_text", "text": "Escalate" },
                "blocks": [{ "type": "section", "text": { "type": "mrkdwn", "text": "hi" } }] })
    }

    #[test]
    fn views_open_takes_a_trigger_slack_sent_once_within_three_seconds() {
        let mut state = state();
        let fresh = trigger(&mut state, Duration::from_millis(100));
        let open = |state: &mut State, trigger: &str| {
            state.call(
                "views.open",
                &json!({ "trigger_id": trigger, "view": modal() }),
            )
        };
        assert_eq!(open(&mut state, &fresh)["ok"], true);
        assert_eq!(open(&mut state, &fresh)["error"], "exchanged_trigger_id");
        let old = trigger(&mut state, TRIGGER_LIFETIME + Duration::from_millis(1));
        assert_eq!(open(&mut state, &old)["error"], "expired_trigger_id");
        assert_eq!(
            open(&mut state, "1.2.made-up")["error"],
            "invalid_trigger_id"
        );
    }

    #[test]
    fn views_update_replaces_an_open_view_by_id_and_refuses_a_stale_hash() {
        let mut state = state();
        let id = trigger(&mut state, Duration::from_millis(100));
        let opened = state.call("views.open", &json!({ "trigger_id": id, "view": modal() }));
        let view_id = opened["view"]["id"].as_str().unwrap().to_owned();
        let hash = opened["view"]["hash"].as_str().unwrap().to_owned();
        let mut other = modal();
        other["title"]["text"] = json!("B");
        let unknown = state.call(
            "views.update",
            &json!({ "view_id": "V0NONE", "view": other }),
        );
        assert_eq!(unknown["error"], "not_found");
        let updated = state.call(
            "views.update",
            &json!({ "view_id": view_id, "hash": hash, "view": other }),
        );
        assert_eq!(updated["ok"], true, "{updated}");
        assert_eq!(updated["view"]["id"], view_id.as_str());
        assert_eq!(updated["view"]["title"]["text"], "B");
        let stale = state.call(
            "views.update",
            &json!({ "view_id": view_id, "hash": hash, "view": other }),
        );
        assert_eq!(stale["error"], "hash_conflict");
    }

    #[test]
    fn views_open_refuses_a_view_that_breaks_block_kit_and_keeps_the_trigger() {
        let mut state = state();
        let id = trigger(&mut state, Duration::ZERO);
        let mut view = modal();
        view["title"]["text"] = json!("A title longer than 24 chars");
        let answer = state.call("views.open", &json!({ "trigger_id": id, "view": view }));
        assert_eq!(answer["error"], "invalid_arguments");
        assert!(
            answer["response_metadata"]["messages"][0]
                .as_str()
                .unwrap()
                .contains("/view/title")
        );
        // Nothing opened: the trigger is still good for a corrected view.
        let answer = state.call("views.open", &json!({ "trigger_id": id, "view": modal() }));
        assert_eq!(answer["ok"], true);
    }

    #[test]
    fn messages_with_blocks_slack_refuses_are_not_posted() {
        let mut state = state();
        let unknown = json!([{ "type": "sectoin", "text": { "type": "mrkdwn", "text": "x" } }]);
        let answer = state.call(
            "chat.postMessage",
            &json!({ "channel": "C1", "text": "x", "blocks": unknown }),
        );
        assert_eq!(answer["error"], "invalid_blocks");
        assert!(state.messages.is_empty());
        let ts = post(&mut state, None);
        let long = json!([{ "type": "header", "text": { "type": "plain_text", "text": "h".repeat(151) } }]);
        let answer = state.call(
            "chat.update",
            &json!({ "channel": "C1", "ts": ts, "blocks": long }),
        );
        assert_eq!(answer["error"], "invalid_blocks");
        assert_eq!(state.messages[0].edits, 0);
    }

    #[test]
    fn ephemeral_messages_go_only_to_people_in_the_channel() {
        let mut state = state();
        let ephemeral = json!({ "channel": "C1", "user": "U1", "text": "psst" });
        let answer = state.call("chat.postEphemeral", &ephemeral);
        assert_eq!(answer["error"], "user_not_in_channel");
        state.join("C1", "U1");
        assert_eq!(state.call("chat.postEphemeral", &ephemeral)["ok"], true);
        // In their DM with the bot, a person is always in the conversation.
        let dm = state.call("conversations.open", &json!({ "users": "U2" }));
        let dm = dm["channel"]["id"].as_str().unwrap();
        let answer = state.call(
            "chat.postEphemeral",
            &json!({ "channel": dm, "user": "U2", "text": "psst" }),
        );
        assert_eq!(answer["ok"], true);
    }

    #[test]
    fn the_app_updates_only_its_own_messages() {
        let mut state = state();
        let theirs = Message {
            channel: "C1".into(),
            ts: state.next_ts(),
            thread_ts: None,
            text: "a customer wrote this".into(),
            blocks: json!([]),
            metadata: Value::Null,
            only_for: None,
            edits: 0,
            author: Some(Author::person("U9", TEAM_ID)),
            files: Vec::new(),
        };
        let ts = theirs.ts.clone();
        state.push(theirs);
        let edit = json!({ "channel": "C1", "ts": ts, "text": "edited" });
        assert_eq!(
            state.call("chat.update", &edit)["error"],
            "cant_update_message"
        );
        let ours = post(&mut state, None);
        let edit = json!({ "channel": "C1", "ts": ours, "text": "edited" });
        assert_eq!(state.call("chat.update", &edit)["ok"], true);
    }
}
