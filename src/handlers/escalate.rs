//! Purpose: opening a case, the bot's one promise to an agent: from `/escalate` text, or
//! from the form (empty, or opened on a message by the shortcut or a suggestion), the case
//! is stored and flushed, the card and the page are queued, and the agent is told at once
//! that management has it, with guidance for the category.

use std::sync::Arc;
use std::time::Duration;

use serde_json::json;
use slack_morphism::prelude::*;

use crate::app::Context;
use crate::domain::{
    Case, Category, ChannelId, CustomerId, NewCase, PromiseFailed, Severity, Source, UserId,
};
use crate::handlers::{CommandForm, Reply, Submitted, ephemeral, internal_error};
use crate::render::{self, FormContext, form};
use crate::slack::message::Posted;
use crate::staff::{Admission, Path, admit_now};

/// `/escalate` alone: opens the form. The trigger expires three seconds after the
/// command, so the form is opened right after the acknowledgement, not before it.
pub fn open_form(ctx: &Arc<Context>, command: &CommandForm) -> Reply {
    let ctx = ctx.clone();
    let trigger = command.trigger_id.clone();
    let origin = command.channel_id.clone();
    let response_url = command.response_url.clone();
    tokio::spawn(async move {
        let context = FormContext {
            origin: Some(origin),
            ..FormContext::default()
        };
        let view = render::escalate_form(&context, None, ctx.look());
        open_or_say(&ctx, &trigger, view, &response_url, "the escalation form").await;
    });
    Reply::Ack
}

/// `/escalate <customer> <category> <what happened>`.
pub async fn open_from_command(
    ctx: &Arc<Context>,
    command: &CommandForm,
    customer: &str,
    category: Option<&str>,
    summary: &str,
) -> Reply {
    let t = ctx.look().t;
    let Some(category_text) = category else {
        // "/escalate threat": they named the category and forgot the customer.
        return ephemeral(if Category::parse(customer).is_some() {
            t.missing_customer()
        } else {
            t.missing_category()
        });
    };
    let Some(category) = Category::parse(category_text) else {
        return ephemeral(t.unknown_category(category_text.into()));
    };
    let Some(customer) = CustomerId::parse(customer) else {
        return ephemeral(t.invalid_customer(customer.into()));
    };
    if summary.chars().count() > NewCase::MAX_SUMMARY_CHARS {
        return ephemeral(t.summary_too_long(NewCase::MAX_SUMMARY_CHARS));
    }
    let Some(reporter) = UserId::parse(&command.user_id) else {
        return Reply::BadRequest("user_id is not a Slack user id");
    };
    let new = NewCase {
        customer: Some(customer),
        category,
        severity: None,
        promise_failed: None,
        summary: summary.to_owned(),
        reporter,
        reported_from: ChannelId::parse(&command.channel_id),
        evidence: None,
        source: Source::Command,
        facts: Default::default(),
    };
    // A replayed command (same trigger) answers with the case it already opened.
    match open(ctx, new, ("trigger", &command.trigger_id)).await {
        Ok(case) => crate::handlers::ephemeral_message(render::opened(&case, ctx.look())),
        Err(text) => ephemeral(text),
    }
}

/// Opens the case, once per request: `once` names the request so a replay of it finds
/// the case it opened instead of opening another.
async fn open(ctx: &Arc<Context>, new: NewCase, once: (&str, &str)) -> Result<Case, String> {
    let opened = ctx
        .store
        .open_case(new, ctx.clock.now(), &ctx.settings.rules, Some(once))
        .await
        .map_err(|e| internal_error(ctx, "opening a case", &e))?;
    let case = opened.case;
    if opened.replayed {
        tracing::info!(case = %case.id, "replayed request; the case was already open");
    } else {
        tracing::info!(case = %case.id, category = case.category.slug(), "case opened");
    }
    Ok(case)
}

/// The escalation form was submitted. Problems go back into the form, next to the field;
/// success turns the form into the confirmation with the case id and guidance.
pub async fn form_submitted(
    ctx: &Arc<Context>,
    user: &SlackBasicUserInfo,
    view: &SlackStatefulView,
) -> Reply {
    let t = ctx.look().t;
    let submitted = Submitted::new(view);

    let mut errors = serde_json::Map::new();
    let customer_text = submitted.text(form::CUSTOMER);
    let customer = CustomerId::parse(&customer_text);
    if customer.is_none() {
        errors.insert(
            form::CUSTOMER.into(),
            json!(t.invalid_customer(customer_text.as_str().into())),
        );
    }
    let category = submitted
        .choice(form::CATEGORY)
        .and_then(|c| Category::parse(&c));
    if category.is_none() {
        errors.insert(form::CATEGORY.into(), json!(t.missing_category()));
    }
    let facts = match crate::handlers::facts::facts_of(submitted, t) {
        Ok(facts) => facts,
        Err((field, text)) => {
            errors.insert(field.into(), json!(text));
            Default::default()
        }
    };
    let summary = submitted.text(form::SUMMARY);
    if summary.chars().count() > NewCase::MAX_SUMMARY_CHARS {
        errors.insert(
            form::SUMMARY.into(),
            json!(t.summary_too_long(NewCase::MAX_SUMMARY_CHARS)),
        );
    }
    let Some(reporter) = UserId::parse(user.id.as_ref()) else {
        return Reply::BadRequest("user.id is not a Slack user id");
    };
    // Before anything is said about the form's fields: someone who is not staff sees it
    // close, and nothing else.
    match admit_now(ctx, &reporter, Path::Form, None).await {
        Admission::Staff => {}
        Admission::Refused(_) => return Reply::Ack,
        Admission::Unsure(_) => {
            return Reply::Json(json!({
                "response_action": "update",
                "view": render::notice(t.form_done_title(), t.staff_unverified(), ctx.look()),
            }));
        }
    }
    let (Some(customer), Some(category), true) = (customer, category, errors.is_empty()) else {
        return Reply::Json(json!({"response_action": "errors", "errors": errors}));
    };
    let context = FormContext::decode(submitted.metadata());
    let source = match (&context.evidence, context.category) {
        (None, _) => Source::Form,
        (Some(_), None) => Source::Shortcut,
        (Some(_), Some(_)) => Source::Suggestion,
    };
    let new = NewCase {
        customer: Some(customer),
        category,
        severity: submitted
            .choice(form::SEVERITY)
            .and_then(|s| Severity::parse(&s)),
        promise_failed: submitted
            .choice(form::PROMISE)
            .and_then(|p| PromiseFailed::parse(&p)),
        summary: summary.trim().to_owned(),
        reporter,
        reported_from: context.origin.as_deref().and_then(ChannelId::parse),
        evidence: context.evidence,
        source,
        facts,
    };
    let view_id = view.state_params.id.to_string();
    let view = match open(ctx, new, ("view", &view_id)).await {
        Ok(case) => render::opened_notice(&case, ctx.look()),
        Err(text) => render::notice(t.form_done_title(), text, ctx.look()),
    };
    Reply::Json(json!({
        "response_action": "update",
        "view": view,
    }))
}

/// How long the permalink may take before the form opens without it: views.open must
/// still fit in the trigger's three seconds, and a slow Slack must not cost the form.
const PERMALINK_WAIT: Duration = Duration::from_secs(1);

/// Opens the form on a flagged message: the message quoted, the customer filled in when
/// the bot can tell, and (from a suggestion) the category it looked like. Runs after the
/// acknowledgement; whether `user` is staff, the permalink look-up and views.open must fit
/// in the trigger's three seconds together, so the first two run at once and are cut
/// short (the case still has channel and time). Someone who is not staff (`path` says
/// how they got here) sees nothing.
pub fn open_form_on_message(
    ctx: &Arc<Context>,
    trigger: String,
    user: UserId,
    channel: ChannelId,
    message: Posted,
    category: Option<Category>,
    path: Path,
) {
    let ctx = ctx.clone();
    tokio::spawn(async move {
        let link = crate::domain::MessageRef {
            channel: channel.clone(),
            ts: message.ts.clone(),
        };
        let (admission, permalink) = tokio::join!(
            admit_now(&ctx, &user, path, None),
            tokio::time::timeout(PERMALINK_WAIT, ctx.slack.permalink(&link))
        );
        match admission {
            Admission::Staff => {}
            Admission::Refused(_) => return,
            Admission::Unsure(_) => {
                let text = ctx.look().t.staff_unverified();
                let _ = ctx
                    .slack
                    .post_ephemeral(&channel, &user, render::ephemeral(text), None)
                    .await;
                return;
            }
        }
        let permalink = match permalink {
            Ok(found) => found.ok(),
            Err(_) => {
                tracing::info!("the permalink took too long; the form opens without it");
                None
            }
        };
        let customer = ctx.settings.watch.customers.identify(
            message.writer(),
            &message.text,
            ctx.directory.known_team().as_deref(),
        );
        let context = FormContext {
            origin: Some(channel.to_string()),
            evidence: Some(message.evidence(&channel, permalink)),
            category,
            about: None,
        };
        let view =
            render::escalate_form(&context, customer.as_ref().map(|c| c.as_str()), ctx.look());
        if let Err(e) = ctx.slack.open_view(&trigger, view).await {
            tracing::warn!(error = %e, "could not open the escalation form on a message");
            let text = ctx.look().t.form_unavailable();
            let _ = ctx
                .slack
                .post_ephemeral(&channel, &user, render::ephemeral(text), None)
                .await;
        }
    });
}

/// Opens a form a slash command asked for; if Slack will not, tells the person who typed
/// the command (through its response URL) that the form could not open.
pub async fn open_or_say(
    ctx: &Context,
    trigger: &str,
    view: SlackView,
    response_url: &str,
    what: &str,
) {
    if let Err(e) = ctx.slack.open_view(trigger, view).await {
        tracing::warn!(error = %e, form = what, "could not open a form");
        let text = ctx.look().t.form_unavailable();
        if let Err(e) = ctx
            .slack
            .respond(response_url, render::ephemeral(text))
            .await
        {
            tracing::warn!(error = %e, "could not tell the agent the form failed");
        }
    }
}
