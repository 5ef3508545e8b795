//! Purpose: escalating from the message itself. The "Escalate this message" shortcut and
//! the escalate button on the bot's suggestions open the escalation form with the message
//! quoted (evidence: text, permalink, channel, time); the "Name the customer" button and
//! form complete a case the bot opened from a reaction without knowing the customer.

use std::sync::Arc;

use serde_json::Value;
use slack_morphism::prelude::*;

use crate::app::Context;
use crate::domain::{Action, CaseId, ChannelId, CustomerId, UserId};
use crate::handlers::{
    Click, Reply, Submitted, escalate, internal_error, open_form_for_staff, submit, tell,
};
use crate::render::{self, Flagged, form};
use crate::slack::message::Posted;
use crate::staff::Path;

/// The message shortcut. `raw` is the payload as JSON: slack-morphism's message model
/// has no `user_team`, which tells a Slack Connect customer apart.
pub fn message_shortcut(
    ctx: &Arc<Context>,
    event: &SlackInteractionMessageActionEvent,
    raw: &Value,
) -> Reply {
    let (Some(user), Some(channel)) = (
        UserId::parse(event.user.id.as_ref()),
        event
            .channel
            .as_ref()
            .and_then(|c| ChannelId::parse(c.id.as_ref())),
    ) else {
        return Reply::BadRequest("shortcut without a user or channel");
    };
    let Ok(message) = serde_json::from_value::<Posted>(raw["message"].clone()) else {
        return Reply::BadRequest("shortcut without a message");
    };
    if message.ts.is_empty() {
        return Reply::BadRequest("shortcut without a message");
    }
    escalate::open_form_on_message(
        ctx,
        event.trigger_id.to_string(),
        user,
        channel,
        message,
        None,
        Path::Shortcut,
    );
    Reply::Ack
}

/// The escalate button on a suggestion: fetch the message it was about, then the form.
pub fn suggested(ctx: &Arc<Context>, click: Click, trigger_id: &str) -> Reply {
    let Ok(flagged) = serde_json::from_str::<Flagged>(&click.value) else {
        return Reply::BadRequest("suggestion button without a message");
    };
    let Some(channel) = ChannelId::parse(&flagged.channel) else {
        return Reply::BadRequest("suggestion button without a channel");
    };
    let ctx = ctx.clone();
    let trigger = trigger_id.to_owned();
    tokio::spawn(async move {
        match ctx.slack.message(&channel, &flagged.ts).await {
            Ok(Some(message)) => escalate::open_form_on_message(
                &ctx,
                trigger,
                click.user,
                channel,
                message,
                flagged.category,
                Path::Suggested,
            ),
            Ok(None) => tracing::info!("the suggested message is gone; nothing to escalate"),
            Err(e) => {
                let text = internal_error(&ctx, "fetching a suggested message", &e);
                tell(&ctx, Some(channel), click.user, text);
            }
        }
    });
    Reply::Ack
}

/// "Name the customer": opens the short form.
pub fn identify_clicked(ctx: &Arc<Context>, click: Click, trigger_id: &str) -> Reply {
    let Some(id) = CaseId::parse(&click.value) else {
        return Reply::BadRequest("identify button without a case");
    };
    open_form_for_staff(
        ctx,
        click,
        trigger_id,
        Path::NameCustomer,
        Some(id),
        "opening the customer form",
        move |ctx| Ok(render::identify_form(id, ctx.look())),
    )
}

/// The customer form was submitted.
pub async fn identify_submitted(
    ctx: &Arc<Context>,
    user: &SlackBasicUserInfo,
    view: &SlackStatefulView,
) -> Reply {
    let t = ctx.look().t;
    let submitted = Submitted::new(view);
    let (Some(id), Some(user)) = (
        CaseId::parse(submitted.metadata()),
        UserId::parse(user.id.as_ref()),
    ) else {
        return Reply::BadRequest("customer form without a case");
    };
    let typed = submitted.text(form::CUSTOMER);
    let Some(customer) = CustomerId::parse(&typed) else {
        return Reply::Json(serde_json::json!({
            "response_action": "errors",
            "errors": { form::CUSTOMER: t.invalid_customer(typed.as_str().into()) },
        }));
    };
    submit(
        ctx,
        id,
        Action::IdentifyCustomer(customer),
        user,
        t.identify_title(),
        Path::NameCustomer,
    )
    .await
}
