//! Purpose: routes an interactivity payload (a button click, a form submission) to the
//! file that handles that action.

use std::sync::Arc;

use slack_morphism::prelude::*;

use crate::app::Context;
use crate::domain::{ChannelId, UserId};
use serde_json::Value;

use crate::handlers::{
    Click, Reply, approve, classify, consult, decide, escalate, facts, prevention, safety,
    shortcut, take_case, tell,
};
use crate::render::{self, MESSAGE_SHORTCUT, action, form};
use crate::staff::{Admission, Path, admit, admit_now};

/// `raw` is the payload as JSON, for the fields slack-morphism does not model.
pub async fn handle(ctx: &Arc<Context>, event: SlackInteractionEvent, raw: &Value) -> Reply {
    match event {
        SlackInteractionEvent::BlockActions(event) => block_action(ctx, event, raw).await,
        SlackInteractionEvent::MessageAction(event) => {
            if event.callback_id.to_string() == MESSAGE_SHORTCUT {
                shortcut::message_shortcut(ctx, &event, raw)
            } else {
                stale_shortcut(ctx, &event)
            }
        }
        SlackInteractionEvent::ViewSubmission(event) => {
            let callback = match &event.view.view {
                SlackView::Modal(modal) => modal.callback_id.as_ref().map(|c| c.to_string()),
                SlackView::Home(_) => None,
            };
            match callback.as_deref() {
                Some(form::ESCALATE) => {
                    escalate::form_submitted(ctx, &event.user, &event.view).await
                }
                Some(form::FACTS) => facts::submitted(ctx, &event.user, &event.view).await,
                Some(form::CHECKS) => decide::checks_submitted(ctx, &event.user, &event.view).await,
                Some(form::OUTCOME | form::REFUND) => {
                    decide::outcome_submitted(ctx, &event.user, &event.view).await
                }
                Some(form::IDENTIFY) => {
                    shortcut::identify_submitted(ctx, &event.user, &event.view).await
                }
                Some(form::CLASSIFY) => classify::submitted(ctx, &event.user, &event.view).await,
                Some(form::PREVENTION_FORM) => {
                    prevention::submitted(ctx, &event.user, &event.view).await
                }
                Some(form::CONSULT) => consult::submitted(ctx, &event.user, &event.view).await,
                Some(form::CONVERT) => {
                    consult::convert_submitted(ctx, &event.user, &event.view).await
                }
                other => stale_form(ctx, &event.user, other).await,
            }
        }
        SlackInteractionEvent::ViewClosed(_) => Reply::Ack,
        other => {
            tracing::debug!(
                kind = interaction_kind(&other),
                "interaction not handled yet"
            );
            Reply::Ack
        }
    }
}

/// A form the bot no longer knows (renamed or removed by a deploy while it was open in
/// someone's client): for staff, the form is replaced by a notice saying nothing was
/// recorded, so they neither lose their words silently nor see Slack's generic error;
/// anyone else's just closes, as every form does for them.
async fn stale_form(
    ctx: &Arc<Context>,
    user: &SlackBasicUserInfo,
    callback: Option<&str>,
) -> Reply {
    tracing::warn!(
        callback_id = callback.unwrap_or(""),
        "a form this bot does not know was submitted; nothing recorded"
    );
    let Some(user) = UserId::parse(user.id.as_ref()) else {
        return Reply::Ack;
    };
    if admit_now(ctx, &user, Path::Form, None).await != Admission::Staff {
        return Reply::Ack;
    }
    let look = ctx.look();
    Reply::Json(serde_json::json!({
        "response_action": "update",
        "view": render::notice(look.t.stale_form_title(), look.t.stale_form(), look),
    }))
}

/// A message shortcut the bot no longer knows: staff are told, only they see it;
/// anyone else, nothing.
fn stale_shortcut(ctx: &Arc<Context>, event: &SlackInteractionMessageActionEvent) -> Reply {
    tracing::warn!(
        callback_id = %event.callback_id,
        "a message shortcut this bot does not know; nothing recorded"
    );
    let Some(user) = UserId::parse(event.user.id.as_ref()) else {
        tracing::warn!("the shortcut names no user to tell");
        return Reply::Ack;
    };
    let channel = event
        .channel
        .as_ref()
        .and_then(|c| ChannelId::parse(c.id.as_ref()));
    let ctx = ctx.clone();
    tokio::spawn(async move {
        if admit(&ctx, &user, Path::Shortcut, None).await == Admission::Staff {
            let text = ctx.look().t.stale_shortcut();
            tell(&ctx, channel, user, text);
        }
    });
    Reply::Ack
}

fn interaction_kind(event: &SlackInteractionEvent) -> &'static str {
    match event {
        SlackInteractionEvent::BlockActions(_) => "block_actions",
        SlackInteractionEvent::BlockSuggestion(_) => "block_suggestion",
        SlackInteractionEvent::DialogSubmission(_) => "dialog_submission",
        SlackInteractionEvent::MessageAction(_) => "message_action",
        SlackInteractionEvent::Shortcut(_) => "shortcut",
        SlackInteractionEvent::ViewSubmission(_) => "view_submission",
        SlackInteractionEvent::ViewClosed(_) => "view_closed",
    }
}

async fn block_action(
    ctx: &Arc<Context>,
    event: SlackInteractionBlockActionsEvent,
    raw: &Value,
) -> Reply {
    let Some(user) = event
        .user
        .as_ref()
        .and_then(|u| UserId::parse(u.id.as_ref()))
    else {
        return Reply::BadRequest("block_actions without a user");
    };
    let channel = event
        .channel
        .as_ref()
        .map(|c| c.id.to_string())
        .or_else(|| match &event.container {
            SlackInteractionActionContainer::Message(m) => {
                m.channel_id.as_ref().map(|c| c.to_string())
            }
            _ => None,
        })
        .and_then(|c| ChannelId::parse(&c));
    // One click is one action; Slack sends a list for legacy reasons.
    let Some(clicked) = event.actions.as_ref().and_then(|a| a.first()) else {
        return Reply::BadRequest("block_actions without an action");
    };
    let click = Click {
        user,
        channel,
        value: clicked.value.clone().unwrap_or_default(),
    };
    let action_id = clicked.action_id.to_string();
    match action_id.as_str() {
        crate::policy::ACK => {
            let url = event.response_url.as_ref().map(|u| u.0.to_string());
            super::policy::clicked(ctx, click.user, click.channel, click.value, url).await
        }
        action::TAKE => take_case::handle(ctx, click).await,
        action::APPROVE => approve::handle(ctx, click, true).await,
        action::REJECT => approve::handle(ctx, click, false).await,
        action::LEGAL_REVIEWED => {
            approve::answer_legal(ctx, click, crate::domain::LegalReview::Reviewed).await
        }
        action::LEGAL_NOT_NEEDED => {
            approve::answer_legal(ctx, click, crate::domain::LegalReview::NotNeeded).await
        }
        action::OPEN_THREAD => Reply::Ack,
        action::KEEP_OFF => take_case::keep_reporter_off(ctx, click).await,
        action::SAFE => safety::handle(ctx, click, true).await,
        action::NEED_SOMEONE => safety::handle(ctx, click, false).await,
        action::ADD_FACTS => facts::clicked(ctx, click, event.trigger_id.as_ref()),
        action::PREVENTION => prevention::clicked(ctx, click, event.trigger_id.as_ref()).await,
        action::IDENTIFY => shortcut::identify_clicked(ctx, click, event.trigger_id.as_ref()),
        action::ESCALATE_SUGGESTED => shortcut::suggested(ctx, click, event.trigger_id.as_ref()),
        action::CONFIRM_GUESS => classify::clicked(ctx, click, classify::Asked::Confirm).await,
        action::EMERGENCY => classify::clicked(ctx, click, classify::Asked::Emergency).await,
        action::CHANGE_CLASSIFICATION => {
            classify::change_clicked(ctx, click, event.trigger_id.as_ref())
        }
        action::CONSULT_INSTEAD => consult::instead(ctx, click.user, raw),
        action::CONSULT_ABOUT => consult::about(ctx, click, event.trigger_id.as_ref()),
        action::CONSULT_ANSWERED => consult::answered(ctx, click).await,
        action::CONSULT_CLOSE => consult::close(ctx, click).await,
        action::CONSULT_CONVERT => consult::convert_clicked(ctx, click, event.trigger_id.as_ref()),
        action::CHECK_IN_FINE => consult::check_in(ctx, click, false).await,
        action::CHECK_IN_DESK => consult::check_in(ctx, click, true).await,
        other => match other
            .strip_prefix(action::DECIDE_PREFIX)
            .and_then(decide::chosen_by_button)
        {
            Some(chosen) => decide::clicked(ctx, click, chosen, event.trigger_id.as_ref()).await,
            None => {
                tracing::warn!(action_id = other, "unknown button");
                Reply::Ack
            }
        },
    }
}
