//! Purpose: a message in a support channel as Slack describes it (in events, in the
//! message shortcut's payload, in conversations.replies), with the fields slack-morphism's
//! models leave out that we need: which workspace the author belongs to (Slack Connect).

use serde::Deserialize;

use crate::domain::identify::Writer;
use crate::domain::{ChannelId, Evidence, UserId};

#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
pub struct Posted {
    #[serde(default)]
    pub ts: String,
    pub thread_ts: Option<String>,
    #[serde(default)]
    pub text: String,
    pub user: Option<String>,
    /// The author's workspace, on messages in shared (Slack Connect) channels.
    pub user_team: Option<String>,
    pub team: Option<String>,
    pub bot_id: Option<String>,
    pub subtype: Option<String>,
    #[serde(default)]
    pub files: Vec<PostedFile>,
}

/// A file shared with a message, as far as we look at it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
pub struct PostedFile {
    pub id: Option<String>,
    pub name: Option<String>,
}

impl Posted {
    pub fn author_team(&self) -> Option<&str> {
        self.user_team.as_deref().or(self.team.as_deref())
    }

    pub fn author(&self) -> Option<UserId> {
        self.user.as_deref().and_then(UserId::parse)
    }

    /// Who wrote it, as telling its customer needs.
    pub fn writer(&self) -> Writer<'_> {
        Writer {
            team: self.author_team(),
            bot: self.is_from_bot(),
        }
    }

    /// Posted by an app or integration rather than a person.
    pub fn is_from_bot(&self) -> bool {
        self.bot_id.is_some() || self.subtype.as_deref() == Some("bot_message")
    }

    /// Edits, deletions, joins and the like: not something someone said.
    pub fn is_system(&self) -> bool {
        self.subtype
            .as_deref()
            .is_some_and(|s| s != "bot_message" && s != "thread_broadcast" && s != "file_share")
    }

    /// A thread reply (not the parent of a thread).
    pub fn reply_to(&self) -> Option<&str> {
        self.thread_ts.as_deref().filter(|t| *t != self.ts)
    }

    pub fn evidence(&self, channel: &ChannelId, permalink: Option<String>) -> Evidence {
        Evidence {
            channel: channel.clone(),
            ts: self.ts.clone(),
            thread_ts: self.reply_to().map(str::to_owned),
            permalink,
            quote: Evidence::quote_of(&self.text),
            author: self.author(),
            unreadable: false,
        }
    }
}
