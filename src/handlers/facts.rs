//! Purpose: the facts of the record. "Add facts" on the card opens a form (the reporter,
//! the owner or a manager may submit it; anyone else is told so in the form); what they
//! fill in is appended to the case with who and when, the card and the thread update, and
//! the audit trail keeps every addition as given. The case form asks the same facts, which
//! `facts_of` reads for both. A consultation's record grows the same way (its reporter and
//! the desk add to it).

use std::sync::Arc;

use serde_json::json;
use slack_morphism::prelude::*;

use crate::app::Context;
use crate::domain::{Action, CaseId, ConsultAction, ConsultationId, Facts, Medium, UserId};
use crate::handlers::{Click, Reply, Submitted, consult, open_form_for_staff, submit};
use crate::i18n::Catalog;
use crate::render::{self, form};
use crate::staff::{Admission, Path, admit_now};

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

/// "Add facts" on the card (or on a consultation): opens the form.
pub fn clicked(ctx: &Arc<Context>, click: Click, trigger_id: &str) -> Reply {
    if let Some(id) = ConsultationId::parse(&click.value) {
        return open_form_for_staff(
            ctx,
            click,
            trigger_id,
            Path::Button,
            None,
            "opening the facts form",
            move |ctx| Ok(render::consult_facts_form(id, ctx.look())),
        );
    }
    let Some(id) = CaseId::parse(&click.value) else {
        return Reply::BadRequest("add facts without a case");
    };
    open_form_for_staff(
        ctx,
        click,
        trigger_id,
        Path::Button,
        Some(id),
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
    let metadata = submitted.metadata();
    let Some(user) = UserId::parse(user.id.as_ref()) else {
        return Reply::BadRequest("user.id is not a Slack user id");
    };
    let consultation = ConsultationId::parse(metadata);
    let case = CaseId::parse(metadata);
    if consultation.is_none() && case.is_none() {
        return Reply::BadRequest("facts form without a case");
    }
    let facts = match facts_of(submitted, t) {
        Ok(facts) => facts,
        Err((field, text)) => {
            return Reply::Json(json!({
                "response_action": "errors",
                "errors": { field: text },
            }));
        }
    };
    match (consultation, case) {
        (Some(id), _) => {
            match admit_now(ctx, &user, Path::Form, None).await {
                Admission::Staff => {}
                Admission::Refused(_) => return Reply::Ack,
                Admission::Unsure(_) => {
                    let look = ctx.look();
                    return Reply::Json(json!({
                        "response_action": "update",
                        "view": render::notice(t.add_facts_title(), t.staff_unverified(), look),
                    }));
                }
            }
            let action = ConsultAction::AddFacts(facts);
            consult::submit_action(ctx, id, action, user, t.add_facts_title()).await
        }
        (None, Some(id)) => {
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
        (None, None) => Reply::BadRequest("facts form without a case"),
    }
}
