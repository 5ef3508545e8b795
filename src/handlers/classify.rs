//! Purpose: the reporter of a case opened from a reaction confirms or changes the category
//! and severity the bot guessed from the message's words: "That's right", "Change" (a
//! short form with the guess preselected), or "It's an emergency" (critical: everyone on
//! the chain is paged at once). Executives and managers may do the same. Each is one
//! stored action; the person is told what was recorded, only they see it. Someone who is
//! not staff is refused before anything, like every other path (`staff`).

use std::sync::Arc;

use serde_json::json;
use slack_morphism::prelude::*;

use crate::app::Context;
use crate::domain::{Action, CaseId, Category, Severity, Stamp, UserId};
use crate::handlers::{
    Click, Reply, Submitted, clicked_case, internal_error, open_form_for_staff, tell,
};
use crate::render::{self, form};
use crate::staff::{Admission, Path, admit_now};
use crate::store::ActError;

/// What a click on one of the reporter's buttons asks for.
pub enum Asked {
    /// The guess is right, as shown.
    Confirm,
    /// Critical, same category.
    Emergency,
}

pub async fn clicked(ctx: &Arc<Context>, click: Click, asked: Asked) -> Reply {
    let t = ctx.look().t;
    let Some(id) = clicked_case(ctx, &click).await else {
        return Reply::Ack;
    };
    let action = match asked {
        Asked::Confirm => Action::Classify {
            category: None,
            severity: None,
        },
        Asked::Emergency => Action::Classify {
            category: None,
            severity: Some(Severity::Critical),
        },
    };
    let text = match apply(ctx, id, action, click.user.clone()).await {
        Ok((_, Severity::Critical)) => t.emergency_recorded(id),
        Ok((category, severity)) => t.classified(id, category, severity),
        Err(text) => text,
    };
    tell(ctx, click.channel, click.user, text);
    Reply::Ack
}

/// Stores the classification; the recorded category and severity, or the sentence saying
/// why not.
async fn apply(
    ctx: &Arc<Context>,
    id: CaseId,
    action: Action,
    user: UserId,
) -> Result<(Category, Severity), String> {
    let look = ctx.look();
    let actor = Stamp {
        by: user,
        at: ctx.clock.now(),
    };
    match ctx.store.act(id, action, actor, &ctx.settings.rules).await {
        Ok((case, event)) => {
            tracing::info!(case = %id, event = event.name(), "case changed");
            Ok((case.category, case.severity))
        }
        Err(ActError::Refused(refusal)) => Err(look.t.refusal(&refusal, id, look.currency)),
        Err(ActError::NoSuchCase(_)) => Err(look.t.no_such_case(id.to_string().as_str().into())),
        Err(ActError::Store(e)) => Err(internal_error(ctx, "classifying a case", &e)),
    }
}

/// "Change": opens the form with the case's category and severity preselected.
pub fn change_clicked(ctx: &Arc<Context>, click: Click, trigger_id: &str) -> Reply {
    let Some(id) = CaseId::parse(&click.value) else {
        return Reply::BadRequest("classification button without a case");
    };
    open_form_for_staff(
        ctx,
        click,
        trigger_id,
        Path::Button,
        Some(id),
        "opening the classification form",
        move |ctx| match ctx.store.case(id) {
            Ok(Some(case)) => Ok(render::classify_form(&case, ctx.look())),
            Ok(None) => Err(ctx.look().t.no_such_case(id.to_string().as_str().into())),
            Err(e) => Err(internal_error(ctx, "reading a case for its form", &e)),
        },
    )
}

/// The form was submitted: a missing choice goes back to the form; anything else is
/// recorded and the form says what.
pub async fn submitted(
    ctx: &Arc<Context>,
    user: &SlackBasicUserInfo,
    view: &SlackStatefulView,
) -> Reply {
    let look = ctx.look();
    let t = look.t;
    let submitted = Submitted::new(view);
    let (Some(id), Some(user)) = (
        CaseId::parse(submitted.metadata()),
        UserId::parse(user.id.as_ref()),
    ) else {
        return Reply::BadRequest("classification form without a case");
    };
    match admit_now(ctx, &user, Path::Form, Some(id)).await {
        Admission::Staff => {}
        Admission::Refused(_) => return Reply::Ack,
        Admission::Unsure(_) => {
            return Reply::Json(json!({
                "response_action": "update",
                "view": render::notice(t.classify_title(), t.staff_unverified(), look),
            }));
        }
    }
    let category = submitted
        .choice(form::CATEGORY)
        .and_then(|c| Category::parse(&c));
    let severity = submitted
        .choice(form::SEVERITY)
        .and_then(|s| Severity::parse(&s));
    let (Some(category), Some(severity)) = (category, severity) else {
        let mut errors = serde_json::Map::new();
        if category.is_none() {
            errors.insert(form::CATEGORY.into(), json!(t.missing_category()));
        }
        if severity.is_none() {
            errors.insert(form::SEVERITY.into(), json!(t.form_severity_hint()));
        }
        return Reply::Json(json!({"response_action": "errors", "errors": errors}));
    };
    let action = Action::Classify {
        category: Some(category),
        severity: Some(severity),
    };
    let text = match apply(ctx, id, action, user).await {
        Ok((_, Severity::Critical)) => t.emergency_recorded(id),
        Ok((category, severity)) => t.classified(id, category, severity),
        Err(text) => text,
    };
    Reply::Json(json!({
        "response_action": "update",
        "view": render::notice(t.classify_title(), text, look),
    }))
}
