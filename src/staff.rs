//! Purpose: the one place that decides who is staff. Every path a person reaches the bot
//! by (a reaction, the shortcut, `/escalate`, a form, naming a customer, a button) and
//! everything the bot sends a person about a case (acknowledgements, pages, closing
//! messages, suggestions) asks `admit` first. It looks the user up with
//! users.info, judges the answer by `domain::staff` (full members of our own workspace
//! only), and remembers the verdict for `TTL`, so a guest promoted or an employee
//! deactivated counts as such within minutes, and Slack is asked at most once per person
//! per `TTL`. Everyone else is refused here, silently: nothing is shown to them, and we
//! get an entry in the audit log outside cases and a count in `/metrics`.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::Duration;

use jiff::{SignedDuration, Timestamp};

use crate::app::Context;
use crate::domain::{CaseId, NotStaff, UserId};
use crate::slack::api::{CallError, CallResult, WebApi};
use crate::store::LogEntry;

/// How long a verdict is trusted. Long enough that a busy support channel costs Slack a
/// call per person every few minutes at most; short enough that a guest, or someone who
/// left, is treated as such soon after Slack says so.
pub const TTL: SignedDuration = SignedDuration::from_mins(10);

/// At most this many people are remembered (a workspace's staff is far fewer; a flood
/// of strangers must not grow memory without bound).
pub const CAPACITY: usize = 10_000;

/// How long a look-up may hold up an answer Slack waits for (it allows three seconds
/// for the whole request). Beyond it, the person is asked to try again.
pub const REQUEST_WAIT: Duration = Duration::from_millis(1500);

/// Where someone met the bot, or what the bot was about to send them: the audit entry's
/// `path` and the metric's label.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Path {
    Reaction,
    Shortcut,
    Command,
    Form,
    NameCustomer,
    Button,
    /// The escalate button on one of the bot's suggestions.
    Suggested,
    /// A suggestion about to be shown to someone.
    Suggestion,
    Acknowledgement,
    Page,
    ClosingMessage,
}

impl Path {
    pub const ALL: [Path; 11] = [
        Path::Reaction,
        Path::Shortcut,
        Path::Command,
        Path::Form,
        Path::NameCustomer,
        Path::Button,
        Path::Suggested,
        Path::Suggestion,
        Path::Acknowledgement,
        Path::Page,
        Path::ClosingMessage,
    ];

    pub fn slug(self) -> &'static str {
        match self {
            Path::Reaction => "reaction",
            Path::Shortcut => "shortcut",
            Path::Command => "command",
            Path::Form => "form",
            Path::NameCustomer => "name-customer",
            Path::Button => "button",
            Path::Suggested => "suggested",
            Path::Suggestion => "suggestion",
            Path::Acknowledgement => "acknowledgement",
            Path::Page => "page",
            Path::ClosingMessage => "closing-message",
        }
    }
}

/// What `admit` decided.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Admission {
    Staff,
    /// Not staff: already logged and counted. Show them nothing.
    Refused(NotStaff),
    /// Slack could not be asked (a timeout, a missing scope): nothing is known, so
    /// nothing about a case may be shown; the caller retries or asks to try again.
    Unsure(CallError),
}

type Cached = (Result<(), NotStaff>, Timestamp);

/// Verdicts on people, and our own workspace's id.
pub struct Directory {
    /// `slack.team_id`, when configured: our workspace without asking Slack.
    configured_team: Option<String>,
    /// Learned from auth.test once, when not configured.
    learned_team: Mutex<Option<String>>,
    verdicts: Mutex<HashMap<UserId, Cached>>,
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

impl Directory {
    pub fn new(configured_team: Option<String>) -> Self {
        Directory {
            configured_team,
            learned_team: Mutex::new(None),
            verdicts: Mutex::new(HashMap::new()),
        }
    }

    /// Our workspace: `slack.team_id`, or the one the bot's token belongs to.
    pub async fn our_team(&self, slack: &WebApi) -> CallResult<String> {
        if let Some(team) = &self.configured_team {
            return Ok(team.clone());
        }
        if let Some(team) = lock(&self.learned_team).clone() {
            return Ok(team);
        }
        let team = slack.own_team().await?;
        *lock(&self.learned_team) = Some(team.clone());
        Ok(team)
    }

    /// Our workspace if it is known without asking Slack (configured, or learned).
    pub fn known_team(&self) -> Option<String> {
        self.configured_team
            .clone()
            .or_else(|| lock(&self.learned_team).clone())
    }

    fn cached(&self, user: &UserId, now: Timestamp) -> Option<Result<(), NotStaff>> {
        lock(&self.verdicts)
            .get(user)
            .filter(|(_, until)| now < *until)
            .map(|(verdict, _)| *verdict)
    }

    fn remember(&self, user: &UserId, verdict: Result<(), NotStaff>, now: Timestamp) {
        let mut verdicts = lock(&self.verdicts);
        if verdicts.len() >= CAPACITY {
            verdicts.retain(|_, (_, until)| now < *until);
            if verdicts.len() >= CAPACITY {
                // Still full of fresh verdicts: forget them all rather than grow; the
                // next look-ups simply ask Slack again.
                verdicts.clear();
            }
        }
        let until = now.checked_add(TTL).unwrap_or(Timestamp::MAX);
        verdicts.insert(user.clone(), (verdict, until));
    }

    /// Whether `user` is staff, from the cache or from Slack. Errors are not cached.
    pub async fn judge(
        &self,
        slack: &WebApi,
        now: Timestamp,
        user: &UserId,
    ) -> CallResult<Result<(), NotStaff>> {
        if let Some(verdict) = self.cached(user, now) {
            return Ok(verdict);
        }
        let our_team = self.our_team(slack).await?;
        let verdict = match slack.member(user).await? {
            Some(member) => member.judge(&our_team),
            None => Err(NotStaff::Unknown),
        };
        self.remember(user, verdict, now);
        Ok(verdict)
    }
}

/// Whether `user` is staff, for `path` (about `case`, if there is one). Someone who is
/// not is refused here, once for all callers: an entry in the audit log outside
/// cases, a count in the metrics, and nothing shown to them.
pub async fn admit(ctx: &Context, user: &UserId, path: Path, case: Option<CaseId>) -> Admission {
    let now = ctx.clock.now();
    match ctx.directory.judge(&ctx.slack, now, user).await {
        Ok(Ok(())) => Admission::Staff,
        Ok(Err(why)) => {
            ctx.metrics.refused(path.slug(), why.slug());
            tracing::info!(
                user = %user,
                path = path.slug(),
                reason = why.slug(),
                "not staff: refused silently"
            );
            let mut entry = LogEntry::new(now, user.as_str(), "not-staff")
                .with("path", path.slug())
                .with("reason", why.slug());
            if let Some(case) = case {
                entry = entry.with("case", case.to_string());
            }
            if let Err(e) = ctx.store.log(&entry).await {
                tracing::error!(error = %e, "could not write the audit entry of a refusal");
            }
            Admission::Refused(why)
        }
        Err(e) => {
            tracing::warn!(
                user = %user,
                path = path.slug(),
                error = %e,
                "could not tell whether someone is staff (users.info needs the users:read \
                 scope)"
            );
            Admission::Unsure(e)
        }
    }
}

/// `admit`, for a request Slack is waiting on: a look-up slower than `REQUEST_WAIT`
/// counts as unsure.
pub async fn admit_now(
    ctx: &Context,
    user: &UserId,
    path: Path,
    case: Option<CaseId>,
) -> Admission {
    match tokio::time::timeout(REQUEST_WAIT, admit(ctx, user, path, case)).await {
        Ok(admission) => admission,
        Err(_) => Admission::Unsure(CallError::Retry {
            after: None,
            reason: "users.info took too long".into(),
            maybe_done: false,
            rate_limited: false,
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn user(id: &str) -> UserId {
        UserId::parse(id).expect("a user id")
    }

    fn at(minute: i64) -> Timestamp {
        Timestamp::from_second(1_790_000_000 + minute * 60).expect("in range")
    }

    #[test]
    fn a_verdict_is_trusted_for_its_lifetime_only() {
        let directory = Directory::new(Some("T0OURS".into()));
        directory.remember(&user("U0GUEST"), Err(NotStaff::Guest), at(0));
        assert_eq!(
            directory.cached(&user("U0GUEST"), at(9)),
            Some(Err(NotStaff::Guest))
        );
        assert_eq!(directory.cached(&user("U0GUEST"), at(10)), None, "expired");
        assert_eq!(directory.cached(&user("U0OTHER"), at(0)), None);
    }

    #[test]
    fn the_cache_never_grows_past_its_capacity() {
        let directory = Directory::new(None);
        for n in 0..CAPACITY + 10 {
            directory.remember(&user(&format!("U{n:08}")), Ok(()), at(0));
        }
        assert!(lock(&directory.verdicts).len() <= CAPACITY);
        // Expired verdicts go first, before fresh ones are dropped.
        let directory = Directory::new(None);
        for n in 0..CAPACITY - 1 {
            directory.remember(&user(&format!("U{n:08}")), Ok(()), at(0));
        }
        directory.remember(&user("U0LATE1"), Ok(()), at(20));
        directory.remember(&user("U0LATE2"), Ok(()), at(20));
        assert_eq!(lock(&directory.verdicts).len(), 2);
    }
}
