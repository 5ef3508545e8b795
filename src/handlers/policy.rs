//! Purpose: the company's policy in Slack: `/escalate policy` shows it with 「確認しました /
//! I have read it」, the click is recorded with the person, the time and the version in
//! force (`store::policy`), and `/escalate policy remind` (managers and the desk) sends everyone who
//! should read it and has not a direct message with the button, at most once a week each.
//! Only staff see any of it; the list of readers is `crate::policy`.

use std::sync::Arc;

use crate::app::Context;
use crate::domain::{ChannelId, UserId};
use crate::handlers::{Reply, ephemeral, ephemeral_message, internal_error, tell};
use crate::i18n::Untrusted;
use crate::policy::{self, REMIND_EVERY};
use crate::render;
use crate::staff::{Admission, Path, admit_now};

/// `/escalate policy`: the policy, and whether `user` confirmed this version.
pub fn show(ctx: &Arc<Context>, user: &UserId) -> Reply {
    let t = ctx.look().t;
    let version = &ctx.settings.rules.policy.version;
    match ctx.store.policy_acknowledgement(user, version) {
        Ok(ack) => ephemeral_message(render::policy(
            t,
            &ctx.settings,
            user,
            ack.map(|a| a.at),
            None,
        )),
        Err(e) => ephemeral(internal_error(ctx, "reading an acknowledgement", &e)),
    }
}

/// `/escalate policy remind`: managers and the consultation desk. Answers at once; the reminders go out after, and the result comes by
/// `response_url`.
pub fn remind(ctx: &Arc<Context>, user: &UserId, response_url: String) -> Reply {
    let t = ctx.look().t;
    let roles = &ctx.settings.rules.roles;
    if !roles.is_manager(user) && !roles.desk.is_member(user) {
        return ephemeral(t.policy_remind_refused());
    }
    let version = ctx.settings.rules.policy.version.clone();
    let ctx2 = ctx.clone();
    let by = user.clone();
    tokio::spawn(async move {
        let text = send_reminders(&ctx2, &by).await;
        if let Err(e) = ctx2
            .slack
            .respond(&response_url, render::ephemeral(text))
            .await
        {
            tracing::warn!(error = %e, "could not say how the policy reminders went");
        }
    });
    ephemeral(t.policy_remind_started(Untrusted::new(&version)))
}

/// Reminds each reader who has not acknowledged the version in force and was not reminded
/// within `REMIND_EVERY`. The reminder is recorded before it is sent. Returns the sentence
/// for whoever asked.
async fn send_reminders(ctx: &Arc<Context>, by: &UserId) -> String {
    let t = ctx.look().t;
    let version = ctx.settings.rules.policy.version.clone();
    let now = ctx.clock.now();
    let readers = match policy::readers(&ctx.slack, &ctx.directory, &ctx.settings).await {
        Ok(readers) => readers,
        Err(e) => {
            tracing::warn!(error = %e, "could not list who should read the policy");
            let reason = match &e {
                crate::slack::api::CallError::Permanent { reason } => reason.clone(),
                crate::slack::api::CallError::Retry { reason, .. } => reason.clone(),
            };
            return t.policy_members_failed(Untrusted::new(&reason));
        }
    };
    let (mut sent, mut recent, mut done) = (0, 0, 0);
    for policy::Reader { user, .. } in readers {
        let acknowledged = match ctx.store.policy_acknowledgement(&user, &version) {
            Ok(acknowledged) => acknowledged,
            Err(e) => return internal_error(ctx, "reading acknowledgements", &e),
        };
        if acknowledged.is_some() {
            done += 1;
            continue;
        }
        match ctx
            .store
            .claim_policy_reminder(&user, now, REMIND_EVERY)
            .await
        {
            Ok(true) => {}
            Ok(false) => {
                recent += 1;
                continue;
            }
            Err(e) => return internal_error(ctx, "recording a policy reminder", &e),
        }
        let content = render::policy(
            t,
            &ctx.settings,
            &user,
            None,
            Some(t.policy_reminder_intro(&user)),
        );
        let posted = match ctx.slack.open_dm(&user).await {
            Ok(dm) => {
                ctx.slack
                    .post_message(&dm, content, None, None, false)
                    .await
            }
            Err(e) => Err(e),
        };
        match posted {
            Ok(_) => sent += 1,
            Err(e) => tracing::warn!(user = %user, error = %e, "could not send a policy reminder"),
        }
    }
    tracing::info!(by = %by, sent, recent, done, version, "policy reminders sent");
    t.policy_remind_done(Untrusted::new(&version), sent, recent, done)
}

/// The 「確認しました / I have read it」 button: `version` is the one it confirms. Recorded
/// (durably, before the answer) only for staff and only for the version in force.
pub async fn clicked(
    ctx: &Arc<Context>,
    user: UserId,
    channel: Option<ChannelId>,
    version: String,
    response_url: Option<String>,
) -> Reply {
    let t = ctx.look().t;
    let say = |content: slack_morphism::prelude::SlackMessageContent| {
        let ctx = ctx.clone();
        let user = user.clone();
        let channel = channel.clone();
        let url = response_url.clone();
        tokio::spawn(async move {
            let shown = match url {
                Some(url) => ctx.slack.respond(&url, content).await,
                None => match channel {
                    Some(channel) => {
                        ctx.slack
                            .post_ephemeral(&channel, &user, content, None)
                            .await
                    }
                    None => Ok(()),
                },
            };
            if let Err(e) = shown {
                tracing::warn!(error = %e, "could not answer a policy acknowledgement");
            }
        });
    };
    match admit_now(ctx, &user, Path::Button, None).await {
        Admission::Staff => {}
        Admission::Refused(_) => return Reply::Ack,
        Admission::Unsure(_) => {
            say(render::ephemeral(t.staff_unverified()));
            return Reply::Ack;
        }
    }
    let current = ctx.settings.rules.policy.version.clone();
    if version != current {
        let acknowledged = ctx
            .store
            .policy_acknowledgement(&user, &current)
            .ok()
            .flatten()
            .map(|a| a.at);
        let intro = t.policy_version_changed(Untrusted::new(&version), Untrusted::new(&current));
        say(render::policy(
            t,
            &ctx.settings,
            &user,
            acknowledged,
            Some(intro),
        ));
        return Reply::Ack;
    }
    let now = ctx.clock.now();
    match ctx.store.acknowledge_policy(&user, &current, now).await {
        Ok(ack) => {
            tracing::info!(user = %user, version = current, "policy acknowledged");
            say(render::ephemeral(t.policy_acknowledged(
                &user,
                Untrusted::new(&current),
                ack.at,
                &ctx.settings.report.schedule.zone,
            )));
        }
        Err(e) => {
            let text = internal_error(ctx, "recording an acknowledgement", &e);
            tell(ctx, channel, user, text);
        }
    }
    Reply::Ack
}
