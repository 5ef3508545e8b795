//! Purpose: the facts of the record. "Add facts" on the card opens a form (the reporter,
//! the owner or a manager may submit it; anyone else is told so in the form); what they
//! fill in is appended to the case with who and when, the card and the thread update, and
//! the audit trail keeps every addition as given. The case form asks the same facts, which
//! `facts_of` reads for both.

use std::sync::Arc;

use serde_json::json;
use slack_morphism::prelude::*;

use crate::app::Context;
use crate::domain::{Action, CaseId, Facts, Medium, UserId};
use crate::handlers::{Click, Reply, Submitted, open_form_for_staff, submit};
use crate::i18n::Catalog;
use crate::render::{self, form};
use crate::staff::Path;

/// The facts filled in a form, or the field that is wrong and why.
pub fn facts_of(
    submitted: Submitted<'_>,
    t: &dyn Catalog,
) -> Result<Facts, (&'static str, String)> {
    let minutes = submitted.text(form::MINUTES);
    let minutes = match minutes.trim() {
        "" => None,
        typed => match typed.parse::<u32>() {
            Ok(n) if (1..=Facts::MAX_MINUTES).contains(&n) => Some(n),
            _ => return Err((form::MINUTES, t.minutes_invalid())),
        },
    };
    let occurred_at = submitted
        .field(form::WHEN)
        .and_then(|v| v.selected_date_time.as_ref())
        .map(|at| at.0);
    Ok(Facts {
        occurred_at,
        medium: submitted
            .field(form::MEDIUM)
            .and_then(|v| v.selected_option.as_ref())
            .and_then(|o| Medium::parse(&o.value)),
        minutes,
        words: Facts::text_of(&submitted.text(form::WORDS)),
        wants: Facts::text_of(&submitted.text(form::WANTS)),
        present: Facts::text_of(&submitted.text(form::PRESENT)),
        evidence: Facts::links_of(&submitted.text(form::LINKS)),
        note: Facts::text_of(&submitted.text(form::NOTE)),
    })
}

/// "Add facts" on the card: opens the form.
pub fn clicked(ctx: &Arc<Context>, click: Click, trigger_id: &str) -> Reply {
    let Some(id) = CaseId::parse(&click.value) else {
        return Reply::BadRequest("add facts without a case");
    };
    open_form_for_staff(
        ctx,
        click,
        trigger_id,
        Path::Button,
        id,
        "opening the facts form",
        move |ctx| Ok(render::facts_form(id, ctx.look())),
    )
}

/// The facts form was submitted.
pub async fn submitted(
    ctx: &Arc<Context>,
    user: &SlackBasicUserInfo,
    view: &SlackStatefulView,
) -> Reply {
    let t = ctx.look().t;
    let submitted = Submitted::new(view);
    let Some(id) = CaseId::parse(submitted.metadata()) else {
        return Reply::BadRequest("facts form without a case");
    };
    let Some(user) = UserId::parse(user.id.as_ref()) else {
        return Reply::BadRequest("user.id is not a Slack user id");
    };
    let facts = match facts_of(submitted, t) {
        Ok(facts) => facts,
        Err((field, text)) => {
            return Reply::Json(json!({
                "response_action": "errors",
                "errors": { field: text },
            }));
        }
    };
    submit(
        ctx,
        id,
        Action::AddFacts(facts),
        user,
        t.add_facts_title(),
        Path::Form,
    )
    .await
}
