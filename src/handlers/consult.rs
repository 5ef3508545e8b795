//! Purpose: consultations with the desk (相談). `/escalate consult [what happened]`, the
//! choice in the escalation form (and so the message shortcut) and in a reaction's
//! follow-up open one: no customer or category, no executive paged; it goes to
//! `people.consultation_desk` (or only the member the reporter chose), and the reporter is
//! told so privately, with the same care as for a case. The desk's buttons ("I've talked
//! to them", "Close: advice given", "Turn into a case", whose form asks the case's
//! category) are checked against the desk at the click; anyone else is told so, and
//! customers nothing. The check-in after a case closes is answered here too: "I'd like to
//! talk to the desk" opens a consultation linked to the case.

use std::sync::Arc;

use serde_json::{Value, json};
use slack_morphism::prelude::*;

use crate::app::Context;
use crate::domain::{
    Action, CaseId, Category, ChannelId, ConsultAction, ConsultSource, ConsultationId, Conversion,
    CustomerId, NewConsultation, Severity, Stamp, UserId,
};
use crate::handlers::escalate::open_or_say;
use crate::handlers::{
    Click, CommandForm, Reply, Submitted, act, ephemeral, ephemeral_message, internal_error,
    open_form_for_staff, tell,
};
use crate::render::{self, FormContext, form};
use crate::staff::{Admission, Path, admit_now};
use crate::store::ConsultFailed;

/// Whom `user` may choose to talk to: the desk, but themselves.
fn choices(ctx: &Context, user: &UserId) -> Vec<UserId> {
    ctx.settings.rules.roles.desk.choices(user)
}

/// The sentence for a consultation that did not happen, or was refused.
fn failed(ctx: &Context, failure: ConsultFailed) -> String {
    let t = ctx.look().t;
    match failure {
        ConsultFailed::Refused(id, refusal) => t.consult_refusal(&refusal, id),
        ConsultFailed::NoSuchConsultation(id) => {
            t.no_such_consultation(id.to_string().as_str().into())
        }
        ConsultFailed::NoDesk => t.consult_no_desk(),
        ConsultFailed::Store(e) => internal_error(ctx, "recording a consultation", &e),
    }
}

/// Counts a refusal about who may act (the audit entry is the store's).
fn count_refusal(ctx: &Context, action: &ConsultAction, failure: &ConsultFailed) {
    if let ConsultFailed::Refused(_, refusal) = failure
        && let Some(reason) = refusal.about_rights()
    {
        ctx.metrics.refused(action.name(), reason);
    }
}

/// `/escalate consult [what happened]`: with text, the consultation opens at once (the
/// desk as a whole; the form offers the choice of a member); alone, the form opens.
pub async fn command(ctx: &Arc<Context>, command: &CommandForm, text: &str) -> Reply {
    let look = ctx.look();
    let t = look.t;
    let Some(reporter) = UserId::parse(&command.user_id) else {
        return Reply::BadRequest("user_id is not a Slack user id");
    };
    if choices(ctx, &reporter).is_empty() {
        return ephemeral(t.consult_no_desk());
    }
    if text.trim().is_empty() {
        let context = FormContext {
            origin: Some(command.channel_id.clone()),
            ..FormContext::default()
        };
        return open_form(ctx, command, reporter, context);
    }
    if text.chars().count() > NewConsultation::MAX_SUMMARY_CHARS {
        return ephemeral(t.summary_too_long(NewConsultation::MAX_SUMMARY_CHARS));
    }
    let new = NewConsultation {
        reporter,
        summary: text.trim().to_owned(),
        facts: Default::default(),
        evidence: None,
        reported_from: ChannelId::parse(&command.channel_id),
        chosen: None,
        source: ConsultSource::Command,
        about: None,
    };
    match open(ctx, new, ("trigger", &command.trigger_id)).await {
        Ok(opened) => ephemeral_message(render::consult_opened(&opened, look)),
        Err(text) => ephemeral(text),
    }
}

/// Opens the consult form on the command's trigger, right after the acknowledgement.
fn open_form(
    ctx: &Arc<Context>,
    command: &CommandForm,
    reporter: UserId,
    context: FormContext,
) -> Reply {
    let ctx = ctx.clone();
    let trigger = command.trigger_id.clone();
    let response_url = command.response_url.clone();
    tokio::spawn(async move {
        let view = render::consult_form(&context, &choices(&ctx, &reporter), ctx.look());
        open_or_say(&ctx, &trigger, view, &response_url, "the consult form").await;
    });
    Reply::Ack
}

/// Opens the consultation, once per request.
async fn open(
    ctx: &Arc<Context>,
    new: NewConsultation,
    once: (&str, &str),
) -> Result<crate::domain::Consultation, String> {
    let opened = ctx
        .store
        .open_consultation(new, ctx.clock.now(), &ctx.settings.rules, Some(once))
        .await
        .map_err(|e| failed(ctx, e))?;
    let consultation = opened.consultation;
    if opened.replayed {
        tracing::info!(consultation = %consultation.id, "replayed request; already with the desk");
    } else {
        tracing::info!(consultation = %consultation.id, "consultation opened");
    }
    Ok(consultation)
}

/// "I'd like advice: not sure it is harassment" in the escalation form: the form becomes
/// the consult form (views.update), keeping where it was opened and the quoted message.
/// `raw` is the payload: the view's id, hash and private_metadata.
pub fn instead(ctx: &Arc<Context>, user: UserId, raw: &Value) -> Reply {
    let view = &raw["view"];
    let Some(view_id) = view["id"].as_str().map(str::to_owned) else {
        return Reply::BadRequest("consult button outside a form");
    };
    let hash = view["hash"].as_str().map(str::to_owned);
    let context = FormContext::decode(view["private_metadata"].as_str().unwrap_or(""));
    let ctx = ctx.clone();
    tokio::spawn(async move {
        match admit_now(&ctx, &user, Path::Button, None).await {
            Admission::Staff => {}
            Admission::Refused(_) => return,
            Admission::Unsure(_) => {
                let look = ctx.look();
                let notice =
                    render::notice(look.t.form_done_title(), look.t.staff_unverified(), look);
                let _ = ctx
                    .slack
                    .update_view(&view_id, hash.as_deref(), notice)
                    .await;
                return;
            }
        }
        let look = ctx.look();
        let choices = choices(&ctx, &user);
        let view = if choices.is_empty() {
            render::notice(look.t.consult_title(), look.t.consult_no_desk(), look)
        } else {
            render::consult_form(&context, &choices, look)
        };
        if let Err(e) = ctx.slack.update_view(&view_id, hash.as_deref(), view).await {
            tracing::warn!(error = %e, "could not turn the form into the consult form");
        }
    });
    Reply::Ack
}

/// The same choice in a reaction's follow-up: the consult form about the case, with its
/// message quoted.
pub fn about(ctx: &Arc<Context>, click: Click, trigger_id: &str) -> Reply {
    let Some(id) = CaseId::parse(&click.value) else {
        return Reply::BadRequest("consult button without a case");
    };
    let user = click.user.clone();
    let origin = click.channel.as_ref().map(ToString::to_string);
    open_form_for_staff(
        ctx,
        click,
        trigger_id,
        Path::Button,
        Some(id),
        "opening the consult form",
        move |ctx| {
            let evidence = match ctx.store.case(id) {
                Ok(case) => case.and_then(|c| c.evidence),
                Err(e) => return Err(internal_error(ctx, "reading a case", &e)),
            };
            let context = FormContext {
                origin,
                evidence,
                category: None,
                about: Some(id),
            };
            let choices = choices(ctx, &user);
            if choices.is_empty() {
                return Err(ctx.look().t.consult_no_desk());
            }
            Ok(render::consult_form(&context, &choices, ctx.look()))
        },
    )
}

/// The consult form was submitted. Problems go back into the form; success turns it into
/// the confirmation, with care.
pub async fn submitted(
    ctx: &Arc<Context>,
    user: &SlackBasicUserInfo,
    view: &SlackStatefulView,
) -> Reply {
    let look = ctx.look();
    let t = look.t;
    let values = Submitted::new(view);
    let context = FormContext::decode(values.metadata());
    let mut errors = serde_json::Map::new();
    let summary = values.text(form::SUMMARY);
    if summary.trim().is_empty() && context.evidence.is_none() {
        errors.insert(form::SUMMARY.into(), json!(t.consult_summary_missing()));
    } else if summary.chars().count() > NewConsultation::MAX_SUMMARY_CHARS {
        errors.insert(
            form::SUMMARY.into(),
            json!(t.summary_too_long(NewConsultation::MAX_SUMMARY_CHARS)),
        );
    }
    let facts = match crate::handlers::facts::facts_of(values, t) {
        Ok(facts) => facts,
        Err((field, text)) => {
            errors.insert(field.into(), json!(text));
            Default::default()
        }
    };
    let Some(reporter) = UserId::parse(user.id.as_ref()) else {
        return Reply::BadRequest("user.id is not a Slack user id");
    };
    match admit_now(ctx, &reporter, Path::Form, None).await {
        Admission::Staff => {}
        Admission::Refused(_) => return Reply::Ack,
        Admission::Unsure(_) => {
            return Reply::Json(json!({
                "response_action": "update",
                "view": render::notice(t.form_done_title(), t.staff_unverified(), look),
            }));
        }
    }
    if !errors.is_empty() {
        return Reply::Json(json!({"response_action": "errors", "errors": errors}));
    }
    // Only a member of the desk (not the reporter) is a choice; anything else is nobody
    // in particular.
    let chosen = values
        .choice(form::WITH)
        .and_then(|c| UserId::parse(&c))
        .filter(|c| choices(ctx, &reporter).contains(c));
    let source = match (&context.about, &context.evidence) {
        (Some(_), _) => ConsultSource::Reaction,
        (None, Some(_)) => ConsultSource::Shortcut,
        (None, None) => ConsultSource::Form,
    };
    let new = NewConsultation {
        reporter,
        summary: summary.trim().to_owned(),
        facts,
        evidence: context.evidence,
        reported_from: context.origin.as_deref().and_then(ChannelId::parse),
        chosen,
        source,
        about: context.about,
    };
    let view_id = view.state_params.id.to_string();
    let view = match open(ctx, new, ("view", &view_id)).await {
        Ok(consultation) => render::consult_opened_notice(&consultation, look),
        Err(text) => render::notice(t.form_done_title(), text, look),
    };
    Reply::Json(json!({ "response_action": "update", "view": view }))
}

/// Applies a desk member's action to the consultation a button names; the person hears
/// back only when it was refused (the consultation's messages show the rest). Someone who
/// is not staff hears nothing.
async fn act_on(ctx: &Arc<Context>, click: Click, action: ConsultAction) -> Reply {
    let look = ctx.look();
    match admit_now(ctx, &click.user, Path::Button, None).await {
        Admission::Staff => {}
        Admission::Refused(_) => return Reply::Ack,
        Admission::Unsure(_) => {
            tell(ctx, click.channel, click.user, look.t.staff_unverified());
            return Reply::Ack;
        }
    }
    let Some(id) = ConsultationId::parse(&click.value) else {
        let text = look.t.no_such_consultation(click.value.as_str().into());
        tell(ctx, click.channel, click.user, text);
        return Reply::Ack;
    };
    let actor = Stamp {
        by: click.user.clone(),
        at: ctx.clock.now(),
    };
    match ctx
        .store
        .consult(id, action.clone(), actor, &ctx.settings.rules)
        .await
    {
        Ok((_, event)) => {
            tracing::info!(consultation = %id, event = event.name(), "consultation changed");
        }
        Err(failure) => {
            count_refusal(ctx, &action, &failure);
            let text = failed(ctx, failure);
            tell(ctx, click.channel, click.user, text);
        }
    }
    Reply::Ack
}

/// "I've talked to them": the desk's first answer, when it was not in the thread.
pub async fn answered(ctx: &Arc<Context>, click: Click) -> Reply {
    act_on(ctx, click, ConsultAction::Answered).await
}

/// "Close: advice given".
pub async fn close(ctx: &Arc<Context>, click: Click) -> Reply {
    act_on(ctx, click, ConsultAction::Close).await
}

/// "Turn into a case": the desk member is checked now (anyone else is told at once), then
/// the form asks for the case's category (and its customer, if known).
pub fn convert_clicked(ctx: &Arc<Context>, click: Click, trigger_id: &str) -> Reply {
    let Some(id) = ConsultationId::parse(&click.value) else {
        return Reply::BadRequest("convert button without a consultation");
    };
    let user = click.user.clone();
    open_form_for_staff(
        ctx,
        click,
        trigger_id,
        Path::Button,
        None,
        "opening the form turning a consultation into a case",
        move |ctx| {
            let look = ctx.look();
            let probe = ConsultAction::Convert(Conversion {
                customer: None,
                category: Category::Other,
                severity: None,
            });
            match ctx.store.consultation(id) {
                Ok(Some(consultation)) => {
                    if let Err(refusal) =
                        consultation.check(&probe, &user, &ctx.settings.rules.roles)
                    {
                        if let Some(reason) = refusal.about_rights() {
                            ctx.metrics.refused(probe.name(), reason);
                            let (store, action) = (ctx.store.clone(), probe.name());
                            let actor = Stamp {
                                by: user.clone(),
                                at: ctx.clock.now(),
                            };
                            tokio::spawn(async move {
                                if let Err(e) = store
                                    .note_consultation_refused(id, &actor, action, reason)
                                    .await
                                {
                                    tracing::error!(error = %e, "could not note a refusal");
                                }
                            });
                        }
                        return Err(look.t.consult_refusal(&refusal, id));
                    }
                }
                Ok(None) => {
                    return Err(look.t.no_such_consultation(id.to_string().as_str().into()));
                }
                Err(e) => return Err(internal_error(ctx, "reading a consultation", &e)),
            }
            Ok(render::convert_form(id, look))
        },
    )
}

/// The form turning a consultation into a case was submitted.
pub async fn convert_submitted(
    ctx: &Arc<Context>,
    user: &SlackBasicUserInfo,
    view: &SlackStatefulView,
) -> Reply {
    let look = ctx.look();
    let t = look.t;
    let (Some(id), Some(user)) = (
        ConsultationId::parse(Submitted::new(view).metadata()),
        UserId::parse(user.id.as_ref()),
    ) else {
        return Reply::BadRequest("convert form without a consultation");
    };
    let values = Submitted::new(view);
    let mut errors = serde_json::Map::new();
    let category = values
        .choice(form::CATEGORY)
        .and_then(|c| Category::parse(&c));
    if category.is_none() {
        errors.insert(form::CATEGORY.into(), json!(t.missing_category()));
    }
    let typed = values.text(form::CUSTOMER);
    let customer = match typed.trim() {
        "" => None,
        typed => match CustomerId::parse(typed) {
            Some(customer) => Some(customer),
            None => {
                errors.insert(
                    form::CUSTOMER.into(),
                    json!(t.invalid_customer(typed.into())),
                );
                None
            }
        },
    };
    match admit_now(ctx, &user, Path::Form, None).await {
        Admission::Staff => {}
        Admission::Refused(_) => return Reply::Ack,
        Admission::Unsure(_) => {
            return Reply::Json(json!({
                "response_action": "update",
                "view": render::notice(t.convert_title(), t.staff_unverified(), look),
            }));
        }
    }
    let (Some(category), true) = (category, errors.is_empty()) else {
        return Reply::Json(json!({"response_action": "errors", "errors": errors}));
    };
    let conversion = Conversion {
        customer,
        category,
        severity: values
            .choice(form::SEVERITY)
            .and_then(|s| Severity::parse(&s)),
    };
    let action = ConsultAction::Convert(conversion);
    submit_action(ctx, id, action, user, t.convert_title()).await
}

/// Applies an action from a submitted form: success closes it, a refusal replaces it with
/// the reason.
pub async fn submit_action(
    ctx: &Arc<Context>,
    id: ConsultationId,
    action: ConsultAction,
    user: UserId,
    title: &str,
) -> Reply {
    let look = ctx.look();
    let actor = Stamp {
        by: user,
        at: ctx.clock.now(),
    };
    match ctx
        .store
        .consult(id, action.clone(), actor, &ctx.settings.rules)
        .await
    {
        Ok((_, event)) => {
            tracing::info!(consultation = %id, event = event.name(), "consultation changed");
            Reply::Json(json!({ "response_action": "clear" }))
        }
        Err(failure) => {
            count_refusal(ctx, &action, &failure);
            let text = failed(ctx, failure);
            Reply::Json(json!({
                "response_action": "update",
                "view": render::notice(title, text, look),
            }))
        }
    }
}

/// The check-in after a case closed: "I'm fine" or "I'd like to talk to the desk". Only
/// its reporter answers; the message then says what was recorded.
pub async fn check_in(ctx: &Arc<Context>, click: Click, desk: bool) -> Reply {
    act(ctx, click, Action::AnswerCheckIn { desk }).await
}
