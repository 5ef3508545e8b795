//! Purpose: does the work accepted from Slack events, after they were acknowledged: opens
//! a case from a message someone reacted to (fetching the message for the evidence and
//! the customer), and shows suggestions to the staff in a conversation, only to them
//! (ephemerally in the channel, or by direct message to a lead who is not in it).
//! Work is removed once done; a failure that may pass is retried with backoff. A
//! reaction whose message cannot be read, for good, still opens its case.

use std::collections::BTreeSet;
use std::sync::Arc;

use jiff::SignedDuration;
use tokio::sync::watch;

use crate::app::Context;
use crate::domain::identify::CustomerDirectory;
use crate::domain::{ChannelId, Evidence, MessageRef, NewCase, Source, UserId};
use crate::i18n::Untrusted;
use crate::jobs::later;
use crate::jobs::outbox::backoff;
use crate::render::{self, Flagged};
use crate::slack::api::{CallError, CallResult};
use crate::slack::message::Posted;
use crate::staff::{Admission, Path, admit};
use crate::store::{Work, WorkEntry};

const IDLE_POLL: SignedDuration = SignedDuration::from_secs(30);
/// Recent channel messages to look through for staff when a message starts no thread.
const RECENT: u16 = 20;

pub async fn run(ctx: Arc<Context>, mut shutdown: watch::Receiver<bool>) {
    let ready = ctx.store.work_ready();
    tracing::info!("event work started");
    while !*shutdown.borrow() {
        let now = ctx.clock.now();
        let mut wake = now + IDLE_POLL;
        match ctx.store.work_due(now, 16) {
            Ok((due, next)) => {
                if let Some(next) = next {
                    wake = wake.min(next);
                }
                for (seq, entry) in due {
                    process(&ctx, seq, entry).await;
                }
                if ctx
                    .store
                    .work_due(ctx.clock.now(), 1)
                    .is_ok_and(|(d, _)| !d.is_empty())
                {
                    continue;
                }
            }
            Err(e) => {
                tracing::error!(error = %e, "could not read the event work");
                wake = wake.min(now + SignedDuration::from_secs(1));
            }
        }
        tokio::select! {
            () = ready.notified() => {}
            () = ctx.clock.sleep_until(wake) => {}
            _ = shutdown.changed() => {}
        }
    }
    tracing::info!("event work stopped");
}

async fn process(ctx: &Arc<Context>, seq: u64, entry: WorkEntry) {
    let mut failed_step = None;
    let result = match &entry.work {
        Work::Reaction {
            channel,
            ts,
            reporter,
        } => open_from_reaction(ctx, channel, ts, reporter)
            .await
            .map_err(|ReactionFailed(step, e)| {
                failed_step = Some(step);
                e
            }),
        Work::Suggest { .. } => suggest(ctx, &entry.work).await,
        Work::ConsultReply {
            channel,
            thread_ts,
            ts,
            user,
        } => consult_reply(ctx, channel, thread_ts, ts, user).await,
    };
    let recorded = match result {
        Ok(()) => ctx.store.work_done(seq).await,
        Err(CallError::Retry {
            after,
            reason,
            rate_limited,
            ..
        }) if rate_limited || entry.attempts + 1 < ctx.settings.delivery.max_attempts => {
            let delivery = &ctx.settings.delivery;
            let delay = backoff(
                entry.attempts,
                delivery.retry_base,
                delivery.retry_cap,
                after,
            );
            tracing::warn!(
                reason,
                retry_in_ms = delay.as_millis() as u64,
                "event work failed; will retry"
            );
            let not_before = later(ctx.clock.now(), delay);
            ctx.store
                .work_retry(seq, entry, not_before, !rate_limited)
                .await
        }
        // Retrying will not help (not_in_channel, missing_scope...), or the retries are
        // spent. A reaction is someone asking for help: it still becomes a case.
        Err(e) => {
            match &entry.work {
                Work::Reaction {
                    channel,
                    ts,
                    reporter,
                } => {
                    let step = failed_step.unwrap_or(Step::Record);
                    reaction_failed(ctx, channel, ts, reporter, step, &e).await;
                }
                Work::Suggest { .. } => {
                    tracing::warn!(error = %e, "a suggestion could not be shown; given up");
                }
                Work::ConsultReply { .. } => {
                    tracing::warn!(error = %e, "a reply in a consultation could not be noted");
                }
            }
            ctx.store.work_done(seq).await
        }
    };
    if let Err(e) = recorded {
        tracing::error!(error = %e, "could not record event work");
    }
}

/// A reply in the consultation channel: the desk's first answer to a consultation, when a
/// member who may act on it wrote it (anyone else's reply is only a reply).
async fn consult_reply(
    ctx: &Arc<Context>,
    channel: &ChannelId,
    thread_ts: &str,
    ts: &str,
    user: &UserId,
) -> Result<(), CallError> {
    let at = crate::domain::repeats::ts_time(ts).unwrap_or_else(|| ctx.clock.now());
    let by = crate::domain::Stamp {
        by: user.clone(),
        at,
    };
    match ctx
        .store
        .consultation_replied(channel, thread_ts, by, &ctx.settings.rules)
        .await
    {
        Ok(Some(id)) => {
            tracing::info!(consultation = %id, "the desk answered in the thread");
            Ok(())
        }
        Ok(None) => Ok(()),
        Err(e) => Err(store_failure(e)),
    }
}

fn store_failure(e: impl std::fmt::Display) -> CallError {
    CallError::Retry {
        after: None,
        reason: format!("store: {e}"),
        maybe_done: false,
        rate_limited: false,
    }
}

/// Which step of a reaction's work failed, with why.
struct ReactionFailed(Step, CallError);

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Step {
    /// Finding out whether the reporter is staff (users.info).
    Admit,
    /// Reading the message (conversations.replies).
    Read,
    /// Storing the case.
    Record,
}

impl Step {
    fn failed(self) -> impl FnOnce(CallError) -> ReactionFailed {
        move |e| ReactionFailed(self, e)
    }
}

/// The trigger reaction: a case with the message as evidence and whoever reacted as the
/// reporter. One case per message, however many react (or however often this runs).
/// A reaction by someone who is not staff (a customer in a Slack Connect channel) opens
/// nothing and is answered with nothing.
async fn open_from_reaction(
    ctx: &Arc<Context>,
    channel: &ChannelId,
    ts: &str,
    reporter: &UserId,
) -> Result<(), ReactionFailed> {
    match admit(ctx, reporter, Path::Reaction, None).await {
        Admission::Staff => {}
        Admission::Refused(_) => return Ok(()),
        Admission::Unsure(e) => return Err(ReactionFailed(Step::Admit, e)),
    }
    let read = ctx.slack.message(channel, ts).await;
    let Some(message) = read.map_err(Step::Read.failed())? else {
        // Deleted before the bot read it (a customer taking back what they wrote): the
        // reporter's call for help stands.
        tracing::info!("the reacted-to message is gone; opening the case without it");
        open_unread(ctx, channel, ts, reporter).await;
        return Ok(());
    };
    let link = MessageRef {
        channel: channel.clone(),
        ts: ts.to_owned(),
    };
    let permalink = ctx.slack.permalink(&link).await.ok();
    let watch = &ctx.settings.watch;
    let new = NewCase {
        customer: watch.customers.identify(
            message.writer(),
            &message.text,
            ctx.directory.known_team().as_deref(),
        ),
        category: watch
            .lexicon
            .classify(&message.text)
            .unwrap_or(crate::domain::Category::Other),
        severity: None,
        promise_failed: None,
        summary: String::new(),
        reporter: reporter.clone(),
        reported_from: Some(channel.clone()),
        evidence: Some(message.evidence(channel, permalink)),
        source: Source::Reaction,
        facts: Default::default(),
    };
    let once = format!("{channel}:{ts}");
    let opened = ctx
        .store
        .open_case(
            new,
            ctx.clock.now(),
            &ctx.settings.rules,
            Some(("message", &once)),
        )
        .await
        .map_err(store_failure)
        .map_err(Step::Record.failed())?;
    if opened.replayed {
        if opened.case.reporter != *reporter {
            let text = ctx.look().t.already_escalated(opened.case.id);
            // Best effort: the case exists, and this is only a courtesy to a second
            // reporter; failing here must not send the reaction down the fallback.
            if let Err(e) = ctx
                .slack
                .post_ephemeral(
                    channel,
                    reporter,
                    render::ephemeral(text),
                    message.reply_to(),
                )
                .await
            {
                tracing::warn!(error = %e, "could not tell a second reporter the case exists");
            }
        }
    } else {
        tracing::info!(case = %opened.case.id, "case opened from a reaction");
    }
    Ok(())
}

/// A reaction's work failed for good (an error retrying cannot fix, or every retry
/// spent). A staff member's call for help still becomes a case: when the message could
/// not be read, the case opens without it. When who reacted could not be found out
/// (users.info failing), no case may open on their word and nothing about a case may
/// reach them: never fails open. Then, and when the case could not be stored, they are
/// told in a sentence that names no case that it did not work.
async fn reaction_failed(
    ctx: &Arc<Context>,
    channel: &ChannelId,
    ts: &str,
    reporter: &UserId,
    step: Step,
    error: &CallError,
) {
    match step {
        Step::Read => {
            tracing::warn!(
                error = %error,
                "could not read the reacted-to message; opening the case without it"
            );
            open_unread(ctx, channel, ts, reporter).await;
        }
        Step::Admit | Step::Record => {
            tracing::error!(
                error = %error,
                ?step,
                "a reaction could not be made a case; telling the reporter"
            );
            let text = ctx
                .look()
                .t
                .reaction_not_recorded(ctx.settings.watch.trigger_reaction.as_str().into());
            tell_reporter(ctx, channel, reporter, text).await;
        }
    }
}

/// The trigger reaction on a message the bot cannot read: the case opens from what the
/// event said (channel, ts, who reacted) and a link if Slack gives one, with category
/// "other" and no customer, so management is paged and the reporter acknowledged and
/// asked for the customer as for any reaction. If even that fails, the reporter is told
/// it did not work. Same once-key as `open_from_reaction`: never a second case.
async fn open_unread(ctx: &Arc<Context>, channel: &ChannelId, ts: &str, reporter: &UserId) {
    let link = MessageRef {
        channel: channel.clone(),
        ts: ts.to_owned(),
    };
    // chat.getPermalink needs no scope and no membership; it fails for a deleted message.
    let permalink = ctx.slack.permalink(&link).await.ok();
    let new = NewCase {
        customer: None,
        category: crate::domain::Category::Other,
        severity: None,
        promise_failed: None,
        summary: String::new(),
        reporter: reporter.clone(),
        reported_from: Some(channel.clone()),
        evidence: Some(Evidence {
            channel: channel.clone(),
            ts: ts.to_owned(),
            thread_ts: None,
            permalink,
            quote: String::new(),
            author: None,
            unreadable: true,
        }),
        source: Source::Reaction,
        facts: Default::default(),
    };
    let once = format!("{channel}:{ts}");
    let opened = ctx
        .store
        .open_case(
            new,
            ctx.clock.now(),
            &ctx.settings.rules,
            Some(("message", &once)),
        )
        .await;
    match opened {
        Ok(opened) if !opened.replayed => {
            tracing::info!(case = %opened.case.id, "case opened from a reaction, without its message");
        }
        Ok(_) => {}
        Err(e) => {
            tracing::error!(error = %e, "a reaction could not be made a case; telling the reporter");
            let text = ctx
                .look()
                .t
                .reaction_not_recorded(ctx.settings.watch.trigger_reaction.as_str().into());
            tell_reporter(ctx, channel, reporter, text).await;
        }
    }
}

/// Tells a reporter something only they see: where they reacted, or by direct message
/// when the bot cannot speak there.
async fn tell_reporter(ctx: &Arc<Context>, channel: &ChannelId, reporter: &UserId, text: String) {
    let shown = ctx
        .slack
        .post_ephemeral(channel, reporter, render::ephemeral(text.clone()), None)
        .await;
    if let Err(e) = shown {
        tracing::warn!(error = %e, "could not tell the reporter in the channel; trying a direct message");
        if let Err(e) = suggest_by_dm(ctx, reporter, render::ephemeral(text)).await {
            tracing::error!(error = %e, "could not tell the reporter that their reaction failed");
        }
    }
}

/// Whether `m` was written by someone of our workspace who is not a customer. A message
/// that does not say which workspace its author belongs to (or when ours is unknown) is
/// not taken for staff: a suggestion shown to a customer would break the one rule.
fn by_staff(m: &Posted, our_team: Option<&str>, customers: &CustomerDirectory) -> bool {
    match (m.author_team(), our_team) {
        (Some(team), Some(ours)) => team == ours && !customers.is_customer_team(team),
        _ => false,
    }
}

/// The staff in a conversation: people of our workspace (not bots, not the customer) who
/// posted in the message's thread, or recently in the channel when it starts none.
/// Configured support leads when nobody did.
async fn staff(
    ctx: &Arc<Context>,
    channel: &ChannelId,
    thread: Option<&str>,
    author: Option<&str>,
    our_team: Option<&str>,
) -> CallResult<Vec<UserId>> {
    let messages: Vec<Posted> = match thread {
        Some(ts) => ctx.slack.thread(channel, ts).await?,
        None => ctx.slack.recent(channel, RECENT).await?,
    };
    let customers = &ctx.settings.watch.customers;
    let our_team = ctx.settings.slack.team_id.as_deref().or(our_team);
    let mut seen = BTreeSet::new();
    let mut posters = Vec::new();
    for m in messages {
        let Some(user) = m.author() else { continue };
        if m.is_from_bot() || !by_staff(&m, our_team, customers) || m.user.as_deref() == author {
            continue;
        }
        if seen.insert(user.clone()) {
            posters.push(user);
        }
    }
    // What a message says of its author's workspace is a first sieve; whether each one
    // is staff (not a guest of ours, not deactivated) is the one place's to say.
    let mut staff = Vec::new();
    for person in posters {
        if admitted(ctx, &person).await? {
            staff.push(person);
        }
    }
    if staff.is_empty() {
        for lead in &ctx.settings.watch.support_leads {
            if admitted(ctx, lead).await? {
                staff.push(lead.clone());
            }
        }
    }
    Ok(staff)
}

/// Whether a suggestion may be shown to `person`: only staff. A look-up that fails is
/// retried with the rest of the work.
async fn admitted(ctx: &Arc<Context>, person: &UserId) -> CallResult<bool> {
    match admit(ctx, person, Path::Suggestion, None).await {
        Admission::Staff => Ok(true),
        Admission::Refused(_) => Ok(false),
        Admission::Unsure(e) => Err(e),
    }
}

async fn suggest(ctx: &Arc<Context>, work: &Work) -> CallResult<()> {
    let Work::Suggest {
        channel,
        ts,
        thread,
        category,
        repeated,
        author,
        our_team,
    } = work
    else {
        return Ok(());
    };
    let people = staff(
        ctx,
        channel,
        thread.as_deref(),
        author.as_deref(),
        our_team.as_deref(),
    )
    .await?;
    if people.is_empty() {
        tracing::warn!("a suggestion had nobody to go to: set people.support_leads");
        return Ok(());
    }
    let look = ctx.look();
    let watch = &ctx.settings.watch;
    let text = match repeated {
        Some(count) if *category == crate::domain::Category::Persistent => look
            .t
            .suggestion_repeated_within(*count, watch.repeat_window),
        _ => look.t.suggestion(*category),
    };
    let flagged = Flagged {
        channel: channel.to_string(),
        ts: ts.clone(),
        category: Some(*category),
    };
    // Looked up once, and only if someone has to be told by direct message.
    let mut permalink: Option<Option<String>> = None;
    for person in people {
        let content = render::suggestion(text.clone(), &flagged, look);
        // Ephemeral: only this person sees it; nothing appears in the channel.
        match ctx
            .slack
            .post_ephemeral(channel, &person, content, thread.as_deref())
            .await
        {
            Ok(()) => {}
            // A support lead need not be in every support channel; Slack shows ephemerals
            // only to members, so tell them directly (a DM the customer cannot see).
            Err(CallError::Permanent { reason }) if reason == NOT_A_MEMBER => {
                if permalink.is_none() {
                    let message = MessageRef {
                        channel: channel.clone(),
                        ts: ts.clone(),
                    };
                    permalink = Some(ctx.slack.permalink(&message).await.ok().and_then(safe_link));
                }
                let link = permalink
                    .as_ref()
                    .and_then(Option::as_deref)
                    .map(Untrusted::new);
                let intro = look.t.suggestion_by_dm(channel, link);
                let content = render::suggestion(format!("{intro}\n{text}"), &flagged, look);
                if let Err(e) = suggest_by_dm(ctx, &person, content).await {
                    tracing::warn!(error = %e, "could not send a suggestion by direct message");
                }
            }
            Err(e) => tracing::warn!(error = %e, "could not show a suggestion"),
        }
    }
    Ok(())
}

/// Slack's answer to chat.postEphemeral for someone who is not in the conversation.
const NOT_A_MEMBER: &str = "user_not_in_channel";

async fn suggest_by_dm(
    ctx: &Arc<Context>,
    person: &UserId,
    content: slack_morphism::prelude::SlackMessageContent,
) -> CallResult<()> {
    let dm = ctx.slack.open_dm(person).await?;
    ctx.slack
        .post_message(&dm, content, None, None, false)
        .await
        .map(|_| ())
}

/// A permalink fit to put in a mrkdwn link: a URL (Slack's own), with nothing in it that
/// would end the link early.
fn safe_link(link: String) -> Option<String> {
    let url = url::Url::parse(&link).ok()?;
    matches!(url.scheme(), "https" | "http").then(|| url.as_str().replace('|', "%7C"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn posted(fields: serde_json::Value) -> Posted {
        serde_json::from_value(fields).expect("a message")
    }

    #[test]
    fn only_authors_of_our_workspace_count_as_staff() {
        let customers = CustomerDirectory {
            teams: [(
                "T0ACME".to_owned(),
                crate::domain::CustomerId::parse("acme").expect("valid id"),
            )]
            .into(),
            pattern: None,
        };
        let ours = Some("T0OURS");
        let agent = posted(serde_json::json!({"ts": "1.1", "user": "U1", "team": "T0OURS"}));
        assert!(by_staff(&agent, ours, &customers));
        let guest = posted(serde_json::json!({"ts": "1.2", "user": "U2", "user_team": "T0ACME"}));
        assert!(!by_staff(&guest, ours, &customers));
        let other = posted(serde_json::json!({"ts": "1.3", "user": "U3", "team": "T0OTHER"}));
        assert!(!by_staff(&other, ours, &customers));
        let unknown = posted(serde_json::json!({"ts": "1.4", "user": "U4"}));
        assert!(
            !by_staff(&unknown, ours, &customers),
            "no team info: not staff"
        );
        assert!(
            !by_staff(&agent, None, &customers),
            "our workspace unknown: not staff"
        );
    }

    #[test]
    fn a_permalink_is_kept_only_when_it_is_a_web_url() {
        assert_eq!(
            safe_link("https://x.slack.com/archives/C1/p12".into()).as_deref(),
            Some("https://x.slack.com/archives/C1/p12")
        );
        assert_eq!(safe_link("not a url".into()), None);
        assert_eq!(safe_link("javascript:alert(1)".into()), None);
        assert!(
            safe_link("https://x.slack.com/a|b>c".into())
                .is_some_and(|l| !l.contains('|') && !l.contains('>'))
        );
    }
}
