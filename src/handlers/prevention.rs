//! Purpose: the prevention note (再発防止策) of every decision. A decision made in a form
//! may carry one; any decided case's card has "Add prevention note" (or "Edit prevention
//! note" once it has one), which opens a form with the note as it stands. Whoever may
//! decide the case (its owner while they hold a role, a manager) and the consultation desk
//! may record it, checked at the click and again at the submission; never the case's
//! reporter. Saving replaces the note on the decision; the trail records who and when.

use std::sync::Arc;

use slack_morphism::prelude::*;

use crate::app::Context;
use crate::domain::{Action, CaseId, CaseState, Refusal, UserId};
use crate::handlers::{
    Click, Reply, Submitted, case_of_click, clicked_case, internal_error, refused_at_click, submit,
    tell,
};
use crate::render::{self, form};
use crate::staff::Path;

/// The note the click is checked with: only who may, and where the case stands, can
/// refuse it.
const PROBE: &str = "probe";

/// "Add prevention note" (or "Edit prevention note") on the card: opens the form, if this
/// person may record the note now.
pub async fn clicked(ctx: &Arc<Context>, click: Click, trigger_id: &str) -> Reply {
    let Some(id) = clicked_case(ctx, &click).await else {
        return Reply::Ack;
    };
    let Some(case) = case_of_click(ctx, &click, id) else {
        return Reply::Ack;
    };
    if refused_at_click(ctx, &click, &case, Action::RecordPrevention(PROBE.into())).await {
        return Reply::Ack;
    }
    // The archive keeps a closed case as it was (README, "Decisions where the issue was
    // silent"): the store refuses it too, at the submission.
    match ctx.store.is_archived(id) {
        Ok(false) => {}
        Ok(true) => {
            let look = ctx.look();
            let text = look.t.refusal(&Refusal::Archived, id, look.currency);
            tell(ctx, click.channel, click.user, text);
            return Reply::Ack;
        }
        Err(e) => {
            let text = internal_error(ctx, "reading the archive", &e);
            tell(ctx, click.channel, click.user, text);
            return Reply::Ack;
        }
    }
    let existing = match case.state {
        CaseState::Closed { decision, .. } => decision.prevention,
        _ => None,
    };
    let ctx = ctx.clone();
    let trigger = trigger_id.to_owned();
    tokio::spawn(async move {
        let view = render::prevention_form(id, existing.as_deref(), ctx.look());
        if let Err(e) = ctx.slack.open_view(&trigger, view).await {
            let text = internal_error(&ctx, "opening the prevention form", &e);
            tell(&ctx, click.channel, click.user, text);
        }
    });
    Reply::Ack
}

/// The prevention form was submitted: the note replaces the decision's, or the refusal
/// (who may, an empty note, an archived case) replaces the form.
pub async fn submitted(
    ctx: &Arc<Context>,
    user: &SlackBasicUserInfo,
    view: &SlackStatefulView,
) -> Reply {
    let submitted = Submitted::new(view);
    let Some(id) = CaseId::parse(submitted.metadata()) else {
        return Reply::BadRequest("prevention form without a case");
    };
    let Some(user) = UserId::parse(user.id.as_ref()) else {
        return Reply::BadRequest("user.id is not a Slack user id");
    };
    let note = submitted.text(form::PREVENTION);
    submit(
        ctx,
        id,
        Action::RecordPrevention(note),
        user,
        ctx.look().t.prevention_title(),
        Path::Form,
    )
    .await
}
