//! Purpose: whoever took a case (or a manager) decides it. Warning and no action close the
//! case at once; a termination becomes a proposal for a manager; a refund first asks the
//! amount in a form, then closes the case or, above `policy.refund_approval_over`, becomes
//! a proposal too.

use std::sync::Arc;

use serde_json::json;
use slack_morphism::prelude::*;

use crate::app::Context;
use crate::domain::{Action, CaseId, OutcomeKind, Stamp, UserId};
use crate::handlers::{Click, Reply, act, submit, tell};
use crate::slack::views::{self, form};
use crate::staff::{Admission, Path};

/// Refunds above this are surely typos (a trillion yen).
const MAX_AMOUNT: u64 = 1_000_000_000_000;

/// A decision button on the card was clicked.
pub async fn clicked(
    ctx: &Arc<Context>,
    click: Click,
    kind: OutcomeKind,
    trigger_id: &str,
) -> Reply {
    if let Some(outcome) = kind.without_amount() {
        return act(ctx, click, Action::Decide(outcome)).await;
    }
    let look = ctx.look();
    match ctx
        .admit_now(&click.user, Path::Button, CaseId::parse(&click.value))
        .await
    {
        Admission::Staff => {}
        Admission::Refused(_) => return Reply::Ack,
        Admission::Unsure(_) => {
            tell(ctx, click.channel, click.user, look.t.staff_unverified());
            return Reply::Ack;
        }
    }
    let Some(id) = CaseId::parse(&click.value) else {
        tell(
            ctx,
            click.channel,
            click.user,
            look.t.no_such_case(click.value.as_str().into()),
        );
        return Reply::Ack;
    };
    // Ask for the amount only if this person may decide now: refusing after they have
    // filled in the form would waste their time.
    let case = match ctx.store.case(id) {
        Ok(Some(case)) => case,
        Ok(None) => {
            tell(
                ctx,
                click.channel,
                click.user,
                look.t.no_such_case(click.value.as_str().into()),
            );
            return Reply::Ack;
        }
        Err(e) => {
            let text = ctx.internal_error("reading a case", &e);
            tell(ctx, click.channel, click.user, text);
            return Reply::Ack;
        }
    };
    let probe = Stamp {
        by: click.user.clone(),
        at: ctx.clock.now(),
    };
    let settings = &ctx.settings;
    let action = Action::Decide(kind.with_amount(1));
    if let Err(refusal) = case.apply(
        action.clone(),
        &probe,
        &settings.rules.roles,
        &settings.rules.policy,
    ) {
        if let Some(reason) = refusal.about_rights() {
            ctx.count_refusal(&action, &refusal);
            if let Err(e) = ctx
                .store
                .note_refused(id, &probe, action.name(), reason)
                .await
            {
                tracing::error!(error = %e, "could not write the audit entry of a refusal");
            }
        }
        tell(
            ctx,
            click.channel,
            click.user,
            look.t.refusal(&refusal, id, look.currency),
        );
        return Reply::Ack;
    }
    let ctx = ctx.clone();
    let trigger = trigger_id.to_owned();
    tokio::spawn(async move {
        let view = views::refund_form(
            id,
            kind,
            ctx.settings.rules.policy.refund_approval_over,
            ctx.look(),
        );
        if let Err(e) = ctx.slack.open_view(&trigger, view).await {
            let text = ctx.internal_error("opening the refund form", &e);
            tell(&ctx, click.channel, click.user, text);
        }
    });
    Reply::Ack
}

/// Digits only (people paste "50,000" or "５００００"; we accept the separators and
/// full-width digits, nothing else).
pub fn parse_amount(text: &str) -> Option<u64> {
    let digits: String = text
        .trim()
        .chars()
        .filter(|c| !matches!(c, ',' | '，' | '_' | ' '))
        .map(|c| match c {
            '０'..='９' => char::from_u32(c as u32 - '０' as u32 + '0' as u32).unwrap_or(c),
            _ => c,
        })
        .collect();
    if digits.is_empty() || !digits.chars().all(|c| c.is_ascii_digit()) {
        return None;
    }
    digits
        .parse()
        .ok()
        .filter(|amount| (1..=MAX_AMOUNT).contains(amount))
}

/// The refund form was submitted.
pub async fn refund_submitted(
    ctx: &Arc<Context>,
    user: &SlackBasicUserInfo,
    view: &SlackStatefulView,
) -> Reply {
    let look = ctx.look();
    let t = look.t;
    let metadata = match &view.view {
        SlackView::Modal(modal) => modal.private_metadata.clone().unwrap_or_default(),
        SlackView::Home(_) => String::new(),
    };
    let parsed = metadata.split_once('|').and_then(|(id, kind)| {
        Some((
            CaseId::parse(id)?,
            OutcomeKind::parse(kind).filter(|k| k.needs_amount())?,
        ))
    });
    let Some((id, kind)) = parsed else {
        return Reply::BadRequest("refund form without a case");
    };
    let Some(user) = UserId::parse(user.id.as_ref()) else {
        return Reply::BadRequest("user.id is not a Slack user id");
    };
    let amount_text = view
        .state_params
        .state
        .as_ref()
        .and_then(|s| s.values.get(&form::AMOUNT.into()))
        .and_then(|b| b.get(&form::AMOUNT.into()))
        .and_then(|v| v.value.clone())
        .unwrap_or_default();
    let Some(amount) = parse_amount(&amount_text) else {
        return Reply::Json(json!({
            "response_action": "errors",
            "errors": { form::AMOUNT: t.amount_invalid() },
        }));
    };
    let action = Action::Decide(kind.with_amount(amount));
    submit(ctx, id, action, user, t.refund_title(), Path::Form).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amounts_accept_separators_and_full_width_digits() {
        assert_eq!(parse_amount("50000"), Some(50_000));
        assert_eq!(parse_amount(" 50,000 "), Some(50_000));
        assert_eq!(parse_amount("５００００"), Some(50_000));
    }

    #[test]
    fn amounts_reject_zero_signs_decimals_and_absurd_values() {
        for bad in ["", "0", "-5", "12.5", "1e6", "abc", "10000000000000"] {
            assert_eq!(parse_amount(bad), None, "{bad:?}");
        }
    }
}
