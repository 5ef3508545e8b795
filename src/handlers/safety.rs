//! Purpose: the reporter of a critical case answers "are you safe now? is someone with
//! you?" on the message that told them the case opened. "I need someone now" pages
//! everyone who can act on the case at once (`paging::someone_now`) and tells the reporter
//! so, with the police number; "I'm safe" is noted in the thread. Only the reporter may
//! answer (`rights`); anyone else is told so, and nothing changes.

use std::sync::Arc;

use crate::app::Context;
use crate::domain::{Action, CaseId, Stamp};
use crate::handlers::{Click, Reply, count_refusal, internal_error, tell};
use crate::staff::{Admission, Path, admit_now};
use crate::store::ActError;

pub async fn handle(ctx: &Arc<Context>, click: Click, safe: bool) -> Reply {
    let look = ctx.look();
    let t = look.t;
    let id = CaseId::parse(&click.value);
    match admit_now(ctx, &click.user, Path::Button, id).await {
        Admission::Staff => {}
        Admission::Refused(_) => return Reply::Ack,
        Admission::Unsure(_) => {
            tell(ctx, click.channel, click.user, t.staff_unverified());
            return Reply::Ack;
        }
    }
    let Some(id) = id else {
        return Reply::BadRequest("safety button without a case");
    };
    let actor = Stamp {
        by: click.user.clone(),
        at: ctx.clock.now(),
    };
    let action = Action::AnswerSafety { safe };
    let text = match ctx
        .store
        .act(id, action.clone(), actor, &ctx.settings.rules)
        .await
    {
        Ok(_) => {
            tracing::info!(case = %id, safe, "the reporter answered the safety question");
            t.safety_recorded(id, safe)
        }
        Err(ActError::Refused(refusal)) => {
            count_refusal(ctx, &action, &refusal);
            t.refusal(&refusal, id, look.currency)
        }
        Err(ActError::NoSuchCase(_)) => t.no_such_case(id.to_string().as_str().into()),
        Err(ActError::Store(e)) => internal_error(ctx, "recording the safety answer", &e),
    };
    tell(ctx, click.channel, click.user, text);
    Reply::Ack
}
