//! Purpose: what the bot does for each thing a person does in Slack, one file per action.
//! Handlers turn a verified, parsed request into a domain action, let the store apply it
//! (with its deliveries) and answer Slack at once; they never wait on the Web API for
//! anything that must not be lost.

pub mod approve;
pub mod classify;
pub mod command;
pub mod compliance;
pub mod consult;
pub mod decide;
pub mod escalate;
pub mod events;
pub mod facts;
pub mod interaction;
pub mod policy;
pub mod prevention;
pub mod safety;
pub mod shortcut;
pub mod take_case;

use std::fmt::Display;
use std::sync::Arc;

use serde_json::json;
use slack_morphism::prelude::{SlackBlock, SlackStatefulView, SlackView, SlackViewStateValue};

use crate::app::Context;
use crate::domain::{Action, Case, CaseId, ChannelId, Refusal, Stamp, UserId};
use crate::render;
use crate::staff::{Admission, Path, admit_now};
use crate::store::ActError;

/// What goes back to Slack in the HTTP response.
#[derive(Debug, Clone, PartialEq)]
pub enum Reply {
    /// 200 with an empty body: "got it".
    Ack,
    /// 200 with this JSON body (a slash command's message, a view submission's
    /// response_action, the events URL challenge).
    Json(serde_json::Value),
    /// 400: the request was well signed but makes no sense.
    BadRequest(&'static str),
    /// 403: the request is for another workspace or app (`slack.team_id`, `slack.app_id`).
    Forbidden(&'static str),
    /// 503: the bot cannot record this right now (its store failed); Slack will retry.
    /// Only for events, which nobody is waiting on; people get a sentence instead.
    Unavailable,
}

impl Reply {
    /// The HTTP status this reply is answered with (Socket Mode counts requests by it too).
    pub fn status(&self) -> u16 {
        match self {
            Reply::Ack | Reply::Json(_) => 200,
            Reply::BadRequest(_) => 400,
            Reply::Forbidden(_) => 403,
            Reply::Unavailable => 503,
        }
    }
}

pub use crate::slack::payload::CommandForm;

/// A submitted form (a view submission), as handlers read it. Our inputs give their
/// element the block's id as its action id, so one name finds a field.
#[derive(Clone, Copy)]
pub struct Submitted<'a>(&'a SlackStatefulView);

impl<'a> Submitted<'a> {
    pub fn new(view: &'a SlackStatefulView) -> Self {
        Submitted(view)
    }

    /// The form's private_metadata ("" when it has none).
    pub fn metadata(self) -> &'a str {
        match &self.0.view {
            SlackView::Modal(modal) => modal.private_metadata.as_deref().unwrap_or(""),
            SlackView::Home(_) => "",
        }
    }

    /// What was filled in input `block`: a text, a date, or the options chosen.
    pub fn field(self, block: &str) -> Option<&'a SlackViewStateValue> {
        self.0
            .state_params
            .state
            .as_ref()?
            .values
            .get(&block.into())?
            .get(&block.into())
    }

    /// A text input's value ("" when left empty).
    pub fn text(self, block: &str) -> String {
        self.field(block)
            .and_then(|v| v.value.clone())
            .unwrap_or_default()
    }

    /// The value of the option chosen in a select or radio input.
    pub fn choice(self, block: &str) -> Option<String> {
        self.field(block)
            .and_then(|v| v.selected_option.as_ref())
            .map(|o| o.value.clone())
    }

    /// Whether the form has input `block` at all (filled or not).
    pub fn has_input(self, block: &str) -> bool {
        let SlackView::Modal(modal) = &self.0.view else {
            return false;
        };
        modal.blocks.iter().any(|b| match b {
            SlackBlock::Input(input) => input.block_id.as_ref().is_some_and(|id| id.0 == block),
            _ => false,
        })
    }
}

/// Logs an internal failure with a short reference and returns the sentence the person
/// sees, which quotes the reference so support can find the log line.
pub fn internal_error(ctx: &Context, doing: &str, error: &dyn Display) -> String {
    let reference = format!("ERR-{:08X}", fastrand::u32(..));
    tracing::error!(reference, doing, error = %error, "request failed");
    ctx.look().t.internal_error(&reference)
}

/// Counts a refusal about who may act (the audit entry is the store's).
pub fn count_refusal(ctx: &Context, action: &Action, refusal: &Refusal) {
    if let Some(reason) = refusal.about_rights() {
        ctx.metrics.refused(action.name(), reason);
    }
}

/// An ephemeral reply to a slash command, in the HTTP response itself.
pub fn ephemeral(text: String) -> Reply {
    ephemeral_message(render::ephemeral(text))
}

/// An ephemeral reply to a slash command with blocks of its own.
pub fn ephemeral_message(content: slack_morphism::prelude::SlackMessageContent) -> Reply {
    let mut body = serde_json::to_value(content).expect("message content always serializes");
    body["response_type"] = json!("ephemeral");
    Reply::Json(body)
}

/// A request from an org-wide (Enterprise Grid) install. The bot is installed per
/// workspace (the manifests say `org_deploy_enabled: false`), so such a request is
/// refused: a slash command hears why, anything else is acknowledged (so Slack does not
/// retry it) and logged. Nothing is recorded.
pub fn refuse_org_wide(ctx: &Context, org: &crate::slack::payload::OrgWide) -> Reply {
    tracing::warn!(
        endpoint = ?org.endpoint,
        enterprise = org.enterprise.as_deref().unwrap_or("unknown"),
        "refused a request from an org-wide install, which this bot does not support"
    );
    match org.endpoint {
        crate::slack::payload::Kind::Commands => ephemeral(ctx.look().t.org_install_unsupported()),
        _ => Reply::Ack,
    }
}

/// Tells one person something only they see, without holding up the reply to Slack.
/// Best effort: a refusal lost to a crash changes nothing, so it skips the outbox.
pub fn tell(ctx: &Arc<Context>, channel: Option<ChannelId>, user: UserId, text: String) {
    let Some(channel) = channel else {
        tracing::warn!("no conversation to answer in; the refusal is only logged");
        return;
    };
    let ctx = ctx.clone();
    tokio::spawn(async move {
        if let Err(e) = ctx
            .slack
            .post_ephemeral(&channel, &user, render::ephemeral(text), None)
            .await
        {
            tracing::warn!(error = %e, "could not show an ephemeral message");
        }
    });
}

/// Opens a form about case `id` (or a consultation: `None`) for the person who clicked,
/// once they are known to be staff: anyone else is refused silently (`admit` logs and
/// counts it), a look-up that cannot tell is said to them, and so is a form that cannot
/// be built (`form` may read the store and answer a sentence instead) or that Slack would
/// not open (`what` names it in the log). Answers Slack at once; the look-up and the call
/// run after.
pub fn open_form_for_staff(
    ctx: &Arc<Context>,
    click: Click,
    trigger_id: &str,
    path: Path,
    id: Option<CaseId>,
    what: &'static str,
    form: impl FnOnce(&Arc<Context>) -> Result<slack_morphism::prelude::SlackView, String>
    + Send
    + 'static,
) -> Reply {
    let ctx = ctx.clone();
    let trigger = trigger_id.to_owned();
    tokio::spawn(async move {
        match admit_now(&ctx, &click.user, path, id).await {
            Admission::Staff => {}
            Admission::Refused(_) => return,
            Admission::Unsure(_) => {
                let text = ctx.look().t.staff_unverified();
                tell(&ctx, click.channel, click.user, text);
                return;
            }
        }
        let view = match form(&ctx) {
            Ok(view) => view,
            Err(text) => {
                tell(&ctx, click.channel, click.user, text);
                return;
            }
        };
        if let Err(e) = ctx.slack.open_view(&trigger, view).await {
            let text = internal_error(&ctx, what, &e);
            tell(&ctx, click.channel, click.user, text);
        }
    });
    Reply::Ack
}

/// Where a button was clicked and by whom.
pub struct Click {
    pub user: UserId,
    pub channel: Option<ChannelId>,
    /// The button's value: the case id.
    pub value: String,
}

/// The case a clicked button names, once the person who clicked is known to be staff.
/// `None` when the click goes no further: someone who is not staff was refused silently
/// (`admit_now` logs and counts it), and someone who could not be checked, or a button
/// that names no case, is told so.
pub async fn clicked_case(ctx: &Arc<Context>, click: &Click) -> Option<CaseId> {
    let t = ctx.look().t;
    let id = CaseId::parse(&click.value);
    let text = match admit_now(ctx, &click.user, Path::Button, id).await {
        Admission::Staff => match id {
            Some(id) => return Some(id),
            None => t.no_such_case(click.value.as_str().into()),
        },
        Admission::Refused(_) => return None,
        Admission::Unsure(_) => t.staff_unverified(),
    };
    tell(ctx, click.channel.clone(), click.user.clone(), text);
    None
}

/// The case a click names, read for a check before a form opens; `None` when it does not
/// exist or cannot be read, which the person who clicked is told.
pub fn case_of_click(ctx: &Arc<Context>, click: &Click, id: CaseId) -> Option<Case> {
    let text = match ctx.store.case(id) {
        Ok(Some(case)) => return Some(case),
        Ok(None) => ctx.look().t.no_such_case(click.value.as_str().into()),
        Err(e) => internal_error(ctx, "reading a case", &e),
    };
    tell(ctx, click.channel.clone(), click.user.clone(), text);
    None
}

/// Whether `action` by whoever clicked would be refused on `case` now, checked before a
/// form opens so nobody fills one in for nothing (the submission is checked again). A
/// refusal is said to them, and one about who may act is counted and written to the
/// case's trail, as `act` does.
pub async fn refused_at_click(
    ctx: &Arc<Context>,
    click: &Click,
    case: &Case,
    action: Action,
) -> bool {
    let look = ctx.look();
    let probe = Stamp {
        by: click.user.clone(),
        at: ctx.clock.now(),
    };
    let rules = &ctx.settings.rules;
    let Err(refusal) = case.apply(action.clone(), &probe, &rules.roles, &rules.policy) else {
        return false;
    };
    if let Some(reason) = refusal.about_rights() {
        count_refusal(ctx, &action, &refusal);
        if let Err(e) = ctx
            .store
            .note_refused(case.id, &probe, action.name(), reason)
            .await
        {
            tracing::error!(error = %e, "could not write the audit entry of a refusal");
        }
    }
    let text = look.t.refusal(&refusal, case.id, look.currency);
    tell(ctx, click.channel.clone(), click.user.clone(), text);
    true
}

/// Applies `action` to the case a button names. The store does the work atomically; the
/// person hears back only when something was refused (the card shows the rest). Someone
/// who is not staff hears nothing at all.
pub async fn act(ctx: &Arc<Context>, click: Click, action: Action) -> Reply {
    let look = ctx.look();
    let Some(id) = clicked_case(ctx, &click).await else {
        return Reply::Ack;
    };
    let actor = Stamp {
        by: click.user.clone(),
        at: ctx.clock.now(),
    };
    let result = ctx
        .store
        .act(id, action.clone(), actor, &ctx.settings.rules)
        .await;
    match result {
        Ok((_, event)) => {
            tracing::info!(case = %id, event = event.name(), "case changed");
        }
        Err(ActError::Refused(refusal)) => {
            tracing::info!(case = %id, ?action, ?refusal, "refused");
            count_refusal(ctx, &action, &refusal);
            let text = look.t.refusal(&refusal, id, look.currency);
            tell(ctx, click.channel, click.user, text);
        }
        Err(ActError::NoSuchCase(_)) => {
            tell(
                ctx,
                click.channel,
                click.user,
                look.t.no_such_case(id.to_string().as_str().into()),
            );
        }
        Err(ActError::Store(e)) => {
            let text = internal_error(ctx, "applying an action to a case", &e);
            tell(ctx, click.channel, click.user, text);
        }
    }
    Reply::Ack
}

/// Applies `action` from a submitted form (`path` says which): success closes the form; a
/// refusal replaces the form with the reason (a form has no channel to answer in).
/// Someone who is not staff sees the form close, and nothing else.
pub async fn submit(
    ctx: &Arc<Context>,
    id: CaseId,
    action: Action,
    user: UserId,
    title: &str,
    path: Path,
) -> Reply {
    let look = ctx.look();
    let t = look.t;
    let problem = match admit_now(ctx, &user, path, Some(id)).await {
        Admission::Staff => None,
        Admission::Refused(_) => return Reply::Ack,
        Admission::Unsure(_) => Some(t.staff_unverified()),
    };
    let actor = Stamp {
        by: user,
        at: ctx.clock.now(),
    };
    let outcome = match problem {
        Some(problem) => Err(problem),
        None => Ok(ctx
            .store
            .act(id, action.clone(), actor, &ctx.settings.rules)
            .await),
    };
    let problem = match outcome {
        Err(problem) => problem,
        Ok(Ok((_, event))) => {
            tracing::info!(case = %id, event = event.name(), "case changed");
            return Reply::Json(json!({ "response_action": "clear" }));
        }
        Ok(Err(ActError::Refused(refusal))) => {
            count_refusal(ctx, &action, &refusal);
            t.refusal(&refusal, id, look.currency)
        }
        Ok(Err(ActError::NoSuchCase(_))) => t.no_such_case(id.to_string().as_str().into()),
        Ok(Err(ActError::Store(e))) => internal_error(ctx, "recording a form", &e),
    };
    Reply::Json(json!({
        "response_action": "update",
        "view": render::notice(title, problem, look),
    }))
}
