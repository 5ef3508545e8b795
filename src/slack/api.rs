//! Purpose: the Slack Web API calls the bot makes, over slack-morphism's client, with a
//! configurable base URL (the stand-in in tests and the demo), a timeout on every call,
//! and failures sorted into "try again later" and "will never work".

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::Duration;

use jiff::{SignedDuration, Timestamp};

use crate::clock::Clock;

use slack_morphism::errors::SlackClientError;
use slack_morphism::prelude::*;

use crate::config::Secret;
use std::sync::Arc;

use crate::domain::{ChannelId, Member, MessageRef, UserId};
use crate::metrics::Metrics;
use crate::slack::message::Posted;

/// Slack error codes that a later attempt can get past.
const RETRYABLE: &[&str] = &[
    "ratelimited",
    "rate_limited",
    "internal_error",
    "fatal_error",
    "service_unavailable",
    "request_timeout",
    "team_added_to_org",
];

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CallError {
    /// Rate limits, timeouts, 5xx, dropped connections: try again later.
    #[error("temporary failure: {reason}")]
    Retry {
        after: Option<Duration>,
        reason: String,
        /// Slack may have acted on the call anyway (a timeout or a dropped connection
        /// after sending, a 5xx): look before posting again.
        maybe_done: bool,
        /// Slack's rate limit, not a failure: waiting on it spends no attempt.
        rate_limited: bool,
    },
    /// invalid_auth, channel_not_found, not_in_channel...: retrying will not help.
    #[error("permanent failure: {reason}")]
    Permanent { reason: String },
}

pub type CallResult<T> = Result<T, CallError>;

/// conversations.replies and conversations.history, read into our own message type.
#[derive(serde::Deserialize)]
struct PostedList {
    #[serde(default)]
    messages: Vec<Posted>,
}

/// users.info, read into the facts that decide whether someone is staff.
#[derive(serde::Deserialize)]
struct UserInfo {
    user: Member,
}

/// usergroups.users.list: the group's members.
#[derive(serde::Deserialize)]
struct GroupMembers {
    #[serde(default)]
    users: Vec<String>,
}

/// conversations.members: a page of a conversation's members.
#[derive(serde::Deserialize)]
struct ChannelMembers {
    #[serde(default)]
    members: Vec<String>,
    #[serde(default)]
    response_metadata: Option<NextCursor>,
}

#[derive(serde::Deserialize)]
struct NextCursor {
    #[serde(default)]
    next_cursor: String,
}

/// What users.info answers for someone Slack will not describe to the bot.
const NO_SUCH_USER: [&str; 2] = ["user_not_found", "user_not_visible"];

/// Tags every message we post so it can later be recognised in the channel (to find
/// out, after a crash or a timeout, whether it went out), as Slack message metadata.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Tag {
    /// An outbox delivery, by its sequence number.
    Delivery { outbox_seq: u64, case: String },
    /// The weekly report on a week (`2026-W47`).
    Report { week: String },
}

impl Tag {
    fn event_type(&self) -> &'static str {
        match self {
            Tag::Delivery { .. } => "escalation_bot_delivery",
            Tag::Report { .. } => "escalation_bot_report",
        }
    }

    /// What identifies the message: compared when looking for it.
    fn identity(&self) -> (&'static str, String) {
        match self {
            Tag::Delivery { outbox_seq, .. } => ("outbox_seq", outbox_seq.to_string()),
            Tag::Report { week } => ("week", week.clone()),
        }
    }

    fn metadata(&self) -> SlackMessageMetadata {
        let (key, value) = self.identity();
        let mut payload = HashMap::from([(key.to_owned(), value)]);
        if let Tag::Delivery { case, .. } = self {
            payload.insert("case".to_owned(), case.clone());
        }
        SlackMessageMetadata {
            event_type: self.event_type().into(),
            event_payload: Some(payload),
        }
    }

    fn matches(&self, meta: &SlackMessageMetadata) -> bool {
        let (key, value) = self.identity();
        meta.event_type == self.event_type()
            && meta.event_payload.as_ref().and_then(|p| p.get(key)) == Some(&value)
    }
}

/// A file to share in a channel with Slack's upload flow.
pub struct Upload {
    pub filename: String,
    pub title: String,
    /// The text of the message the file is shared with.
    pub comment: String,
    pub content_type: &'static str,
    pub bytes: Vec<u8>,
}

pub struct WebApi {
    client: SlackClient<SlackClientHyperHttpsConnector>,
    token: SlackApiToken,
    timeout: Duration,
    metrics: Arc<Metrics>,
    clock: Arc<dyn Clock>,
    paused: Paused,
}

/// Where Slack said "slow down" (HTTP 429 with Retry-After), until when: a method, or for
/// chat.postMessage, whose limit is per channel, a method and channel. Every caller (each
/// delivery lane, the event work, the handlers) waits out the same pause instead of
/// spending its own attempts finding out.
#[derive(Default)]
struct Paused(Mutex<HashMap<String, Timestamp>>);

/// A 429 without Retry-After (a proxy's, say): Slack's documented minimum.
const DEFAULT_PAUSE: Duration = Duration::from_secs(1);

impl Paused {
    fn key(method: &str, channel: Option<&ChannelId>) -> String {
        match channel {
            Some(channel) => format!("{method} {channel}"),
            None => method.to_owned(),
        }
    }

    /// How long `key` is still paused, if it is.
    fn remaining(&self, key: &str, now: Timestamp) -> Option<Duration> {
        let mut paused = self.0.lock().unwrap_or_else(|p| p.into_inner());
        match paused.get(key) {
            Some(&until) if until > now => Duration::try_from(until.duration_since(now)).ok(),
            Some(_) => {
                paused.remove(key);
                None
            }
            None => None,
        }
    }

    fn pause(&self, key: String, until: Timestamp) {
        let mut paused = self.0.lock().unwrap_or_else(|p| p.into_inner());
        let entry = paused.entry(key).or_insert(until);
        *entry = (*entry).max(until);
    }
}

fn retry(reason: impl Into<String>, maybe_done: bool) -> CallError {
    CallError::Retry {
        after: None,
        reason: reason.into(),
        maybe_done,
        rate_limited: false,
    }
}

fn rate_limited(after: Option<Duration>, reason: &str) -> CallError {
    CallError::Retry {
        after,
        reason: reason.into(),
        maybe_done: false,
        rate_limited: true,
    }
}

fn classify(error: SlackClientError) -> CallError {
    match error {
        // Slack answered and said no: nothing was done.
        SlackClientError::RateLimitError(e) => {
            rate_limited(e.retry_after, "rate limited (HTTP 429)")
        }
        SlackClientError::ApiError(e) if RETRYABLE.contains(&e.code.as_str()) => {
            retry(e.code, false)
        }
        SlackClientError::ApiError(e) => CallError::Permanent { reason: e.code },
        SlackClientError::HttpError(e) if e.status_code.as_u16() == 429 => {
            rate_limited(None, "rate limited (HTTP 429)")
        }
        // A 5xx may come from a proxy after Slack did the work.
        SlackClientError::HttpError(e) if e.status_code.is_server_error() => {
            retry(format!("HTTP {}", e.status_code.as_u16()), true)
        }
        SlackClientError::HttpError(e) => CallError::Permanent {
            reason: format!("HTTP {}", e.status_code.as_u16()),
        },
        // A proxy's HTML error page or a cut-off body: the next attempt may be fine.
        SlackClientError::ProtocolError(_) => retry("unreadable response", true),
        SlackClientError::HttpProtocolError(_)
        | SlackClientError::EndOfStream(_)
        | SlackClientError::SystemError(_) => retry("network error", true),
        SlackClientError::SocketModeProtocolError(e) => CallError::Permanent { reason: e.message },
    }
}

fn tagged(content: SlackMessageContent, tag: Option<&Tag>) -> SlackMessageContent {
    match tag {
        None => content,
        Some(tag) => content.with_metadata(tag.metadata()),
    }
}

impl WebApi {
    /// `api_url` is the Web API base without a trailing slash (`https://slack.com/api`).
    /// Plain `http://` is allowed so the loopback stand-in works; root certificates are
    /// compiled in (webpki-roots), so a container needs no CA bundle. A call taking
    /// longer than `timeout` fails (and may have been done).
    pub fn new(
        api_url: &str,
        token: &Secret,
        timeout: Duration,
        metrics: Arc<Metrics>,
        clock: Arc<dyn Clock>,
    ) -> WebApi {
        let https = hyper_rustls::HttpsConnectorBuilder::new()
            .with_webpki_roots()
            .https_or_http()
            .enable_http1()
            .enable_http2()
            .build();
        let connector = SlackClientHyperConnector::from(https).with_slack_api_url(api_url);
        WebApi {
            client: SlackClient::new(connector),
            token: SlackApiToken::new(token.expose().into()),
            timeout,
            metrics,
            clock,
            paused: Paused::default(),
        }
    }

    /// Runs one Web API call under the timeout, counting it (and its failure) by method.
    async fn timed<T>(
        &self,
        method: &str,
        call: impl Future<Output = ClientResult<T>>,
    ) -> CallResult<T> {
        self.timed_in(method, None, call).await
    }

    /// `timed`, for a method Slack limits per channel (`channel`): while an earlier 429
    /// for the same method (and channel) lasts, answers "rate limited" without calling.
    async fn timed_in<T>(
        &self,
        method: &str,
        channel: Option<&ChannelId>,
        call: impl Future<Output = ClientResult<T>>,
    ) -> CallResult<T> {
        let key = Paused::key(method, channel);
        if let Some(wait) = self.paused.remaining(&key, self.clock.now()) {
            return Err(rate_limited(
                Some(wait),
                "rate limited (waiting out an earlier 429)",
            ));
        }
        let result = match tokio::time::timeout(self.timeout, call).await {
            Ok(result) => result.map_err(classify),
            Err(_) => Err(retry("timed out", true)),
        };
        if let Err(CallError::Retry {
            after,
            rate_limited: true,
            ..
        }) = &result
        {
            let wait = after.unwrap_or(DEFAULT_PAUSE);
            tracing::warn!(
                method,
                wait_ms = wait.as_millis() as u64,
                "Slack asked to slow down; pausing the method for every caller"
            );
            let wait_for = SignedDuration::try_from(wait).unwrap_or(SignedDuration::from_secs(1));
            self.paused.pause(
                key,
                self.clock
                    .now()
                    .saturating_add(wait_for)
                    .unwrap_or(Timestamp::MAX),
            );
        }
        self.metrics.slack_call(method, result.is_ok());
        result
    }

    fn session(&self) -> SlackClientSession<'_, SlackClientHyperHttpsConnector> {
        self.client.open_session(&self.token)
    }

    /// Posts a message; `thread` makes it a reply, `broadcast` also shows the reply in
    /// the channel (for alerts that must be seen).
    pub async fn post_message(
        &self,
        channel: &ChannelId,
        content: SlackMessageContent,
        thread: Option<&str>,
        tag: Option<&Tag>,
        broadcast: bool,
    ) -> CallResult<MessageRef> {
        let mut request =
            SlackApiChatPostMessageRequest::new(channel.as_str().into(), tagged(content, tag));
        if let Some(ts) = thread {
            request = request.with_thread_ts(ts.into());
            if broadcast {
                request = request.with_reply_broadcast(true);
            }
        }
        let session = self.session();
        let response = self
            .timed_in(
                "chat.postMessage",
                Some(channel),
                session.chat_post_message(&request),
            )
            .await?;
        Ok(MessageRef {
            channel: ChannelId::parse(response.channel.as_ref()).unwrap_or_else(|| channel.clone()),
            ts: response.ts.to_string(),
        })
    }

    pub async fn update_message(
        &self,
        message: &MessageRef,
        content: SlackMessageContent,
    ) -> CallResult<()> {
        let request = SlackApiChatUpdateRequest::new(
            message.channel.as_str().into(),
            content,
            message.ts.as_str().into(),
        );
        let session = self.session();
        self.timed("chat.update", session.chat_update(&request))
            .await
            .map(|_| ())
    }

    /// The direct-message channel between the bot and `user`, opening it if needed.
    pub async fn open_dm(&self, user: &UserId) -> CallResult<ChannelId> {
        let request =
            SlackApiConversationsOpenRequest::new().with_users(vec![user.as_str().into()]);
        let session = self.session();
        let response = self
            .timed("conversations.open", session.conversations_open(&request))
            .await?;
        ChannelId::parse(response.channel.id.as_ref()).ok_or_else(|| CallError::Permanent {
            reason: "conversations.open returned an unexpected channel id".into(),
        })
    }

    /// Finds the message posted with `tag` in `channel` (in `thread` if it is a reply),
    /// if Slack has it: how a post whose outcome was unknown learns that it went out after
    /// all. Looks at the latest 200 messages: an unknown attempt is recent, and no time
    /// bound means no trust in agreeing clocks.
    pub async fn find_tagged(
        &self,
        channel: &ChannelId,
        thread: Option<&str>,
        tag: &Tag,
    ) -> CallResult<Option<MessageRef>> {
        let session = self.session();
        let messages = match thread {
            None => {
                let request = SlackApiConversationsHistoryRequest::new()
                    .with_channel(channel.as_str().into())
                    .with_include_all_metadata(true)
                    .with_limit(200);
                self.timed(
                    "conversations.history",
                    session.conversations_history(&request),
                )
                .await?
                .messages
            }
            // slack-morphism's replies request has no include_all_metadata; ask directly.
            Some(ts) => {
                let params = [
                    ("channel", Some(channel.as_str())),
                    ("ts", Some(ts)),
                    ("include_all_metadata", Some("true")),
                    ("limit", Some("200")),
                ];
                let response: SlackApiConversationsRepliesResponse = self
                    .timed(
                        "conversations.replies",
                        session
                            .http_session_api
                            .http_get("conversations.replies", &params, None),
                    )
                    .await?;
                response.messages
            }
        };
        Ok(messages
            .into_iter()
            .find(|m| {
                m.content
                    .metadata
                    .as_ref()
                    .is_some_and(|meta| tag.matches(meta))
            })
            .map(|m| MessageRef {
                channel: channel.clone(),
                ts: m.origin.ts.to_string(),
            }))
    }

    /// Shares a file in `channel` (in `thread` when given) with Slack's upload flow:
    /// files.getUploadURLExternal, the bytes to the URL it gives, then
    /// files.completeUploadExternal, which posts the message the file appears in.
    pub async fn upload_file(
        &self,
        channel: &ChannelId,
        thread: Option<&str>,
        upload: Upload,
    ) -> CallResult<()> {
        let session = self.session();
        let url = self
            .timed(
                "files.getUploadURLExternal",
                session.get_upload_url_external(&SlackApiFilesGetUploadUrlExternalRequest::new(
                    upload.filename,
                    upload.bytes.len(),
                )),
            )
            .await?;
        self.timed(
            "upload_url",
            session.files_upload_via_url(&SlackApiFilesUploadViaUrlRequest::new(
                url.upload_url,
                upload.bytes,
                upload.content_type.into(),
            )),
        )
        .await?;
        let mut complete = SlackApiFilesCompleteUploadExternalRequest::new(vec![
            SlackApiFilesComplete::new(url.file_id).with_title(upload.title),
        ])
        .with_channel_id(channel.as_str().into())
        .with_initial_comment(upload.comment);
        if let Some(ts) = thread {
            complete = complete.with_thread_ts(ts.into());
        }
        self.timed(
            "files.completeUploadExternal",
            session.files_complete_upload_external(&complete),
        )
        .await
        .map(|_| ())
    }

    /// Whether `thread` already holds a file named `filename` (after an upload whose
    /// outcome was unknown).
    pub async fn thread_has_file(
        &self,
        channel: &ChannelId,
        thread: &str,
        filename: &str,
    ) -> CallResult<bool> {
        Ok(self
            .thread(channel, thread)
            .await?
            .iter()
            .any(|m| m.files.iter().any(|f| f.name.as_deref() == Some(filename))))
    }

    /// The messages of a thread (the parent and its replies, when `ts` is either), or of
    /// one message that starts no thread: conversations.replies takes any of them.
    pub async fn thread(&self, channel: &ChannelId, ts: &str) -> CallResult<Vec<Posted>> {
        let params = [
            ("channel", Some(channel.as_str())),
            ("ts", Some(ts)),
            ("limit", Some("200")),
        ];
        let session = self.session();
        let response: PostedList = self
            .timed(
                "conversations.replies",
                session
                    .http_session_api
                    .http_get("conversations.replies", &params, None),
            )
            .await?;
        Ok(response.messages)
    }

    /// The latest top-level messages of a channel, newest first.
    pub async fn recent(&self, channel: &ChannelId, limit: u16) -> CallResult<Vec<Posted>> {
        let limit = limit.to_string();
        let params = [
            ("channel", Some(channel.as_str())),
            ("limit", Some(limit.as_str())),
        ];
        let session = self.session();
        let response: PostedList = self
            .timed(
                "conversations.history",
                session
                    .http_session_api
                    .http_get("conversations.history", &params, None),
            )
            .await?;
        Ok(response.messages)
    }

    /// One message, wherever it is (top level or in a thread).
    pub async fn message(&self, channel: &ChannelId, ts: &str) -> CallResult<Option<Posted>> {
        Ok(self
            .thread(channel, ts)
            .await?
            .into_iter()
            .find(|m| m.ts == ts))
    }

    /// What Slack says about `user` (users.info, needs `users:read`); `None` when Slack
    /// does not know them or will not show them to the bot.
    pub async fn member(&self, user: &UserId) -> CallResult<Option<Member>> {
        let params = [("user", Some(user.as_str()))];
        let session = self.session();
        let answer: CallResult<UserInfo> = self
            .timed(
                "users.info",
                session
                    .http_session_api
                    .http_get("users.info", &params, None),
            )
            .await;
        match answer {
            Ok(info) => Ok(Some(info.user)),
            Err(CallError::Permanent { reason }) if NO_SUCH_USER.contains(&reason.as_str()) => {
                Ok(None)
            }
            Err(e) => Err(e),
        }
    }

    /// The members of a user group (usergroups.users.list, needs `usergroups:read`).
    pub async fn usergroup_members(&self, group: &str) -> CallResult<Vec<UserId>> {
        let params = [("usergroup", Some(group))];
        let session = self.session();
        let answer: GroupMembers = self
            .timed(
                "usergroups.users.list",
                session
                    .http_session_api
                    .http_get("usergroups.users.list", &params, None),
            )
            .await?;
        Ok(answer
            .users
            .iter()
            .filter_map(|u| UserId::parse(u))
            .collect())
    }

    /// The members of a conversation (conversations.members, needs `channels:read` or
    /// `groups:read`), every page of them.
    pub async fn channel_members(&self, channel: &ChannelId) -> CallResult<Vec<UserId>> {
        let mut members = Vec::new();
        let mut cursor = String::new();
        // A bound on pages: 200 a page, so 100 pages is 20,000 people.
        for _ in 0..100 {
            let mut params = vec![("channel", Some(channel.as_str())), ("limit", Some("200"))];
            if !cursor.is_empty() {
                params.push(("cursor", Some(cursor.as_str())));
            }
            let session = self.session();
            let page: ChannelMembers = self
                .timed(
                    "conversations.members",
                    session
                        .http_session_api
                        .http_get("conversations.members", &params, None),
                )
                .await?;
            members.extend(page.members.iter().filter_map(|u| UserId::parse(u)));
            cursor = page
                .response_metadata
                .map(|m| m.next_cursor)
                .unwrap_or_default();
            if cursor.is_empty() {
                break;
            }
        }
        Ok(members)
    }

    /// The workspace the bot's token belongs to (auth.test): our own workspace, whose full
    /// members are the staff.
    pub async fn own_team(&self) -> CallResult<String> {
        let session = self.session();
        Ok(self
            .timed("auth.test", session.auth_test())
            .await?
            .team_id
            .to_string())
    }

    /// A Socket Mode websocket URL (apps.connections.open, with the app-level token).
    pub async fn open_socket(&self, app_token: &Secret) -> CallResult<String> {
        let token = SlackApiToken::new(app_token.expose().into());
        let session = self.client.open_session(&token);
        let response = self
            .timed(
                "apps.connections.open",
                session.apps_connections_open(&SlackApiAppsConnectionOpenRequest::new()),
            )
            .await?;
        Ok(response.url.0.to_string())
    }

    pub async fn permalink(&self, message: &MessageRef) -> CallResult<String> {
        let request = SlackApiChatGetPermalinkRequest::new(
            message.channel.as_str().into(),
            message.ts.as_str().into(),
        );
        let session = self.session();
        Ok(self
            .timed("chat.getPermalink", session.chat_get_permalink(&request))
            .await?
            .permalink
            .to_string())
    }

    pub async fn open_view(&self, trigger_id: &str, view: SlackView) -> CallResult<()> {
        let request = SlackApiViewsOpenRequest::new(trigger_id.into(), view);
        let session = self.session();
        self.timed("views.open", session.views_open(&request))
            .await
            .map(|_| ())
    }

    /// Replaces a form someone has open (a button in it changed what it asks), by the
    /// view's id; `hash` makes Slack refuse when the form changed since it was read.
    pub async fn update_view(
        &self,
        view_id: &str,
        hash: Option<&str>,
        view: SlackView,
    ) -> CallResult<()> {
        let mut request = SlackApiViewsUpdateRequest::new(view).with_view_id(view_id.into());
        if let Some(hash) = hash {
            request = request.with_hash(hash.to_owned());
        }
        let session = self.session();
        self.timed("views.update", session.views_update(&request))
            .await
            .map(|_| ())
    }

    /// A message only `user` sees, in a conversation the bot is in (refusals of a button
    /// click, suggestions in a support channel), in `thread` if given.
    pub async fn post_ephemeral(
        &self,
        channel: &ChannelId,
        user: &UserId,
        content: SlackMessageContent,
        thread: Option<&str>,
    ) -> CallResult<()> {
        let mut request = SlackApiChatPostEphemeralRequest::new(
            channel.as_str().into(),
            user.as_str().into(),
            content,
        );
        if let Some(ts) = thread {
            request = request.with_thread_ts(ts.into());
        }
        let session = self.session();
        self.timed("chat.postEphemeral", session.chat_post_ephemeral(&request))
            .await
            .map(|_| ())
    }

    /// Follows up on a slash command through its response_url, which works in any
    /// conversation, even one the bot is not in. Slack shows it only to the person who
    /// typed the command (ephemeral is the default for command responses).
    pub async fn respond(
        &self,
        response_url: &str,
        content: SlackMessageContent,
    ) -> CallResult<()> {
        let url: SlackResponseUrl = response_url
            .parse::<url::Url>()
            .map_err(|_| CallError::Permanent {
                reason: "response_url is not a URL".into(),
            })?
            .into();
        let request = SlackApiPostWebhookMessageRequest::new(content).with_replace_original(false);
        self.timed("response_url", self.client.respond_to_event(&url, &request))
            .await
            .map(|_| ())
    }
}
