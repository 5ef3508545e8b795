//! Purpose: who counts as staff. Only full members of our own workspace may report, name
//! a customer, or receive anything about a case: not guests (multi- or single-channel),
//! not another workspace's people (Slack Connect customers), not bots or apps, not
//! deactivated accounts. The facts come from Slack (users.info); this is the rule applied
//! to them, in one place. `staff` (outside the domain) looks the facts up and caches them.

use serde::{Deserialize, Serialize};

/// What Slack says about a user, as far as deciding whether they are staff goes, and
/// their name.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
pub struct Member {
    pub id: String,
    /// The workspace the user belongs to.
    #[serde(default)]
    pub team_id: Option<String>,
    #[serde(default)]
    pub deleted: bool,
    #[serde(default)]
    pub is_bot: bool,
    #[serde(default)]
    pub is_app_user: bool,
    /// A multi-channel guest.
    #[serde(default)]
    pub is_restricted: bool,
    /// A single-channel guest.
    #[serde(default)]
    pub is_ultra_restricted: bool,
    /// Someone from another organisation the bot can see only through a shared channel.
    #[serde(default)]
    pub is_stranger: bool,
    /// On Enterprise Grid, the workspaces of the organisation the user belongs to.
    #[serde(default)]
    pub enterprise_user: Option<EnterpriseUser>,
    /// The name people know them by (for lists HR reads; never part of the judgement).
    #[serde(default)]
    pub real_name: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
pub struct EnterpriseUser {
    #[serde(default)]
    pub teams: Vec<String>,
}

/// Why someone is not staff: what the audit entry and the metric say.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum NotStaff {
    /// Slack does not know the user, or will not show them to the bot.
    Unknown,
    Deactivated,
    /// A bot user, an app, or Slackbot.
    Bot,
    /// Someone of another workspace: a Slack Connect customer.
    OtherWorkspace,
    /// A multi-channel guest of our workspace.
    Guest,
    /// A single-channel guest of our workspace.
    SingleChannelGuest,
}

impl NotStaff {
    pub const ALL: [NotStaff; 6] = [
        NotStaff::Unknown,
        NotStaff::Deactivated,
        NotStaff::Bot,
        NotStaff::OtherWorkspace,
        NotStaff::Guest,
        NotStaff::SingleChannelGuest,
    ];

    pub fn slug(self) -> &'static str {
        match self {
            NotStaff::Unknown => "unknown",
            NotStaff::Deactivated => "deactivated",
            NotStaff::Bot => "bot",
            NotStaff::OtherWorkspace => "other-workspace",
            NotStaff::Guest => "guest",
            NotStaff::SingleChannelGuest => "single-channel-guest",
        }
    }
}

/// Slackbot is no bot by its flags, and no person either.
const SLACKBOT: &str = "USLACKBOT";

impl Member {
    /// Whether this user is staff of the workspace `our_team`, and if not, why.
    pub fn judge(&self, our_team: &str) -> Result<(), NotStaff> {
        if self.deleted {
            return Err(NotStaff::Deactivated);
        }
        if self.is_bot || self.is_app_user || self.id == SLACKBOT {
            return Err(NotStaff::Bot);
        }
        let ours = self.team_id.as_deref() == Some(our_team)
            || self
                .enterprise_user
                .as_ref()
                .is_some_and(|e| e.teams.iter().any(|t| t == our_team));
        if !ours || self.is_stranger {
            return Err(NotStaff::OtherWorkspace);
        }
        if self.is_ultra_restricted {
            return Err(NotStaff::SingleChannelGuest);
        }
        if self.is_restricted {
            return Err(NotStaff::Guest);
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn member(fields: serde_json::Value) -> Member {
        serde_json::from_value(fields).expect("a users.info user")
    }

    #[test]
    fn a_full_member_of_our_workspace_is_staff() {
        let agent = member(serde_json::json!({
            "id": "U0AGENT1", "team_id": "T0OURS", "is_admin": false, "deleted": false,
            "profile": { "display_name": "agent" }
        }));
        assert_eq!(agent.judge("T0OURS"), Ok(()));
    }

    #[test]
    fn guests_other_workspaces_bots_and_deactivated_accounts_are_not() {
        for (fields, why) in [
            (
                serde_json::json!({"id": "U1", "team_id": "T0OURS", "is_restricted": true}),
                NotStaff::Guest,
            ),
            (
                serde_json::json!({"id": "U2", "team_id": "T0OURS", "is_restricted": true,
                    "is_ultra_restricted": true}),
                NotStaff::SingleChannelGuest,
            ),
            (
                serde_json::json!({"id": "U3", "team_id": "T0ACME"}),
                NotStaff::OtherWorkspace,
            ),
            (
                serde_json::json!({"id": "U4", "team_id": "T0OURS", "is_stranger": true}),
                NotStaff::OtherWorkspace,
            ),
            (
                serde_json::json!({"id": "U5", "team_id": "T0OURS", "is_bot": true}),
                NotStaff::Bot,
            ),
            (
                serde_json::json!({"id": "USLACKBOT", "team_id": "T0OURS"}),
                NotStaff::Bot,
            ),
            (
                serde_json::json!({"id": "U6", "team_id": "T0OURS", "deleted": true}),
                NotStaff::Deactivated,
            ),
            (serde_json::json!({"id": "U7"}), NotStaff::OtherWorkspace),
        ] {
            assert_eq!(member(fields.clone()).judge("T0OURS"), Err(why), "{fields}");
        }
    }

    #[test]
    fn on_enterprise_grid_a_member_of_our_workspace_counts_whatever_their_home_team() {
        let grid = member(serde_json::json!({
            "id": "W0EXEC", "team_id": "T0OTHER",
            "enterprise_user": { "enterprise_id": "E0ORG", "teams": ["T0OTHER", "T0OURS"] }
        }));
        assert_eq!(grid.judge("T0OURS"), Ok(()));
        assert_eq!(grid.judge("T0THIRD"), Err(NotStaff::OtherWorkspace));
    }
}
