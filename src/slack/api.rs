//! Purpose: the Slack Web API calls the bot makes, over slack-morphism's client, with a
//! configurable base URL (the stand-in in tests and the demo), a timeout on every call,
//! and failures sorted into "try again later" and "will never work".

use std::collections::HashMap;
use std::time::Duration;

use slack_morphism::errors::SlackClientError;
use slack_morphism::prelude::*;

use crate::config::Secret;
use crate::domain::{ChannelId, MessageRef, UserId};

/// How long one Web API call may take before we give up on it and retry later.
const CALL_TIMEOUT: Duration = Duration::from_secs(10);

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
    },
    /// invalid_auth, channel_not_found, not_in_channel...: retrying will not help.
    #[error("permanent failure: {reason}")]
    Permanent { reason: String },
}

pub type CallResult<T> = Result<T, CallError>;

/// Tags every message we post so a delivery can later be recognised in the channel
/// (to find out, after a crash, whether it went out).
pub struct Tag {
    pub outbox_seq: u64,
    pub case: String,
}

pub struct WebApi {
    client: SlackClient<SlackClientHyperHttpsConnector>,
    token: SlackApiToken,
}

fn classify(error: SlackClientError) -> CallError {
    match error {
        SlackClientError::RateLimitError(e) => CallError::Retry {
            after: e.retry_after,
            reason: "rate limited (HTTP 429)".into(),
        },
        SlackClientError::ApiError(e) if RETRYABLE.contains(&e.code.as_str()) => CallError::Retry {
            after: None,
            reason: e.code,
        },
        SlackClientError::ApiError(e) => CallError::Permanent { reason: e.code },
        SlackClientError::HttpError(e)
            if e.status_code.is_server_error() || e.status_code.as_u16() == 429 =>
        {
            CallError::Retry {
                after: None,
                reason: format!("HTTP {}", e.status_code.as_u16()),
            }
        }
        SlackClientError::HttpError(e) => CallError::Permanent {
            reason: format!("HTTP {}", e.status_code.as_u16()),
        },
        // A proxy's HTML error page or a cut-off body: the next attempt may be fine.
        SlackClientError::ProtocolError(_) => CallError::Retry {
            after: None,
            reason: "unreadable response".into(),
        },
        SlackClientError::HttpProtocolError(_)
        | SlackClientError::EndOfStream(_)
        | SlackClientError::SystemError(_) => CallError::Retry {
            after: None,
            reason: "network error".into(),
        },
        SlackClientError::SocketModeProtocolError(e) => CallError::Permanent { reason: e.message },
    }
}

async fn timed<T>(call: impl Future<Output = ClientResult<T>>) -> CallResult<T> {
    match tokio::time::timeout(CALL_TIMEOUT, call).await {
        Ok(result) => result.map_err(classify),
        Err(_) => Err(CallError::Retry {
            after: None,
            reason: "timed out".into(),
        }),
    }
}

fn tagged(content: SlackMessageContent, tag: Option<&Tag>) -> SlackMessageContent {
    match tag {
        None => content,
        Some(tag) => content.with_metadata(SlackMessageMetadata {
            event_type: "escalation_bot_delivery".into(),
            event_payload: Some(HashMap::from([
                ("outbox_seq".to_owned(), tag.outbox_seq.to_string()),
                ("case".to_owned(), tag.case.clone()),
            ])),
        }),
    }
}

impl WebApi {
    /// `api_url` is the Web API base without a trailing slash (`https://slack.com/api`).
    /// Plain `http://` is allowed so the loopback stand-in works; root certificates are
    /// compiled in (webpki-roots), so a container needs no CA bundle.
    pub fn new(api_url: &str, token: &Secret) -> WebApi {
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
        }
    }

    fn session(&self) -> SlackClientSession<'_, SlackClientHyperHttpsConnector> {
        self.client.open_session(&self.token)
    }

    pub async fn post_message(
        &self,
        channel: &ChannelId,
        content: SlackMessageContent,
        thread: Option<&str>,
        tag: Option<&Tag>,
    ) -> CallResult<MessageRef> {
        let mut request =
            SlackApiChatPostMessageRequest::new(channel.as_str().into(), tagged(content, tag));
        if let Some(ts) = thread {
            request = request.with_thread_ts(ts.into());
        }
        let session = self.session();
        let response = timed(session.chat_post_message(&request)).await?;
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
        timed(session.chat_update(&request)).await.map(|_| ())
    }

    /// The direct-message channel between the bot and `user`, opening it if needed.
    pub async fn open_dm(&self, user: &UserId) -> CallResult<ChannelId> {
        let request =
            SlackApiConversationsOpenRequest::new().with_users(vec![user.as_str().into()]);
        let session = self.session();
        let response = timed(session.conversations_open(&request)).await?;
        ChannelId::parse(response.channel.id.as_ref()).ok_or_else(|| CallError::Permanent {
            reason: "conversations.open returned an unexpected channel id".into(),
        })
    }

    pub async fn permalink(&self, message: &MessageRef) -> CallResult<String> {
        let request = SlackApiChatGetPermalinkRequest::new(
            message.channel.as_str().into(),
            message.ts.as_str().into(),
        );
        let session = self.session();
        Ok(timed(session.chat_get_permalink(&request))
            .await?
            .permalink
            .to_string())
    }

    pub async fn open_view(&self, trigger_id: &str, view: SlackView) -> CallResult<()> {
        let request = SlackApiViewsOpenRequest::new(trigger_id.into(), view);
        let session = self.session();
        timed(session.views_open(&request)).await.map(|_| ())
    }

    /// A message only `user` sees, in a conversation the bot is in (refusals of a button
    /// click in the escalation channel or a page).
    pub async fn post_ephemeral(
        &self,
        channel: &ChannelId,
        user: &UserId,
        content: SlackMessageContent,
    ) -> CallResult<()> {
        let request = SlackApiChatPostEphemeralRequest::new(
            channel.as_str().into(),
            user.as_str().into(),
            content,
        );
        let session = self.session();
        timed(session.chat_post_ephemeral(&request))
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
        timed(self.client.respond_to_event(&url, &request))
            .await
            .map(|_| ())
    }
}
