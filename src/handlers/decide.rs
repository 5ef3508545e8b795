//! Purpose: whoever took a case (or a manager) decides it: one or more measures (see
//! `domain::outcome`). A measure without details (a caution, a written warning, no action)
//! is one click; a refund, a suspension, a contact restriction and several measures at
//! once are chosen in the outcome form, which asks their details. What needs approval
//! (suspensions, terminations, refunds above `policy.refund_approval_over`) becomes a
//! proposal for an approver; the rest closes the case at once. Both forms take an optional
//! prevention note (再発防止策), recorded with the decision.

use std::sync::Arc;

use serde_json::json;
use slack_morphism::prelude::*;

use crate::app::Context;
use crate::domain::checks::Slug;
use crate::domain::{
    Accommodation, Action, CaseId, Checks, Complaint, Contacts, Decision, DutyToServe, LegalReview,
    Measure, Measures, Outcome, Policy, Problem, UserId,
};
use crate::handlers::{
    Click, Reply, Submitted, act, case_of_click, clicked_case, internal_error, refused_at_click,
    submit, tell,
};
use crate::render::{self, form};
use crate::staff::Path;

/// Refunds above this are surely typos (a trillion yen).
const MAX_AMOUNT: u64 = 1_000_000_000_000;

/// What a decision button on the card asks for.
pub fn chosen_by_button(rest: &str) -> Option<Measures> {
    if rest == crate::render::action::DECIDE_SEVERAL {
        return Some(Measures::new());
    }
    crate::domain::outcome::measures_of_kind(rest)
}

/// A decision button on the card was clicked: `chosen` are the measures it stands for
/// (none for "several or other measures").
pub async fn clicked(
    ctx: &Arc<Context>,
    click: Click,
    chosen: Measures,
    trigger_id: &str,
) -> Reply {
    let mut one = chosen.iter();
    let single = match (one.next(), one.next()) {
        (Some(measure), None) => Some(measure),
        _ => None,
    };
    if let Some(measure) = single
        && !measure.needs_details()
        && measure != Measure::Termination
    {
        return act(ctx, click, Action::Decide(Outcome::only(measure))).await;
    }
    let Some(id) = clicked_case(ctx, &click).await else {
        return Reply::Ack;
    };
    // Ask for the amount only if this person may decide now: refusing after they have
    // filled in the form would waste their time.
    let Some(case) = case_of_click(ctx, &click, id) else {
        return Reply::Ack;
    };
    // A probe outcome that is complete, so only who may decide, and where the case
    // stands, can refuse it. "No action" alone needs no customer; anything else does.
    let probe_outcome = if chosen.contains(Measure::NoAction) {
        Outcome::no_action()
    } else {
        Outcome::only(Measure::Caution)
    };
    if refused_at_click(ctx, &click, &case, Action::Decide(probe_outcome)).await {
        return Reply::Ack;
    }
    let ctx = ctx.clone();
    let trigger = trigger_id.to_owned();
    tokio::spawn(async move {
        // A termination alone has no details: its button opens the checks at once.
        let view = if single == Some(Measure::Termination) {
            checks_form(&ctx, id, Outcome::only(Measure::Termination), None)
        } else {
            render::outcome_form(
                id,
                chosen,
                ctx.settings.rules.policy.refund_approval_over,
                ctx.look(),
            )
        };
        if let Err(e) = ctx.slack.open_view(&trigger, view).await {
            let text = internal_error(&ctx, "opening the outcome form", &e);
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

/// The outcome form (or an older build's refund form) was submitted.
pub async fn outcome_submitted(
    ctx: &Arc<Context>,
    user: &SlackBasicUserInfo,
    view: &SlackStatefulView,
) -> Reply {
    let look = ctx.look();
    let t = look.t;
    let submitted = Submitted::new(view);
    let field = |block: &str| submitted.field(block).cloned();
    let Some((id, preset)) = render::parse_outcome_form_metadata(submitted.metadata()) else {
        return Reply::BadRequest("outcome form without a case");
    };
    let Some(user) = UserId::parse(user.id.as_ref()) else {
        return Reply::BadRequest("user.id is not a Slack user id");
    };
    let errors = |field: &str, text: String| {
        let mut errors = serde_json::Map::new();
        errors.insert(field.to_owned(), json!(text));
        Reply::Json(json!({ "response_action": "errors", "errors": errors }))
    };
    // The refund form of older builds has no checkboxes: its measures are in the metadata.
    let mut measures = match field(form::MEASURES) {
        Some(value) => Measures::of(
            value
                .selected_options
                .unwrap_or_default()
                .iter()
                .filter_map(|o| Measure::parse(&o.value)),
        ),
        None if submitted.has_input(form::MEASURES) => Measures::new(),
        None => preset,
    };
    let amount_text = field(form::AMOUNT)
        .and_then(|v| v.value)
        .unwrap_or_default();
    let refund = if amount_text.trim().is_empty() {
        None
    } else {
        match parse_amount(&amount_text) {
            Some(amount) => Some(amount),
            None => return errors(form::AMOUNT, t.amount_invalid()),
        }
    };
    let until = match field(form::UNTIL).and_then(|v| v.selected_date) {
        None => None,
        Some(text) => {
            let today = ctx.clock.now().to_zoned(look.zone.clone()).date();
            match text.parse::<jiff::civil::Date>() {
                Ok(date) if date > today => Some(date),
                _ => return errors(form::UNTIL, t.until_invalid()),
            }
        }
    };
    let contact = Contacts::of(
        field(form::CONTACT)
            .and_then(|v| v.selected_options)
            .unwrap_or_default()
            .iter()
            .filter_map(|o| crate::domain::Contact::parse(&o.value)),
    );
    // A detail given is the measure meant: an amount typed is a refund.
    if refund.is_some() {
        measures.insert(Measure::Refund);
    }
    if until.is_some() {
        measures.insert(Measure::Suspension);
    }
    if !contact.is_empty() {
        measures.insert(Measure::ContactRestriction);
    }
    let outcome = Outcome {
        measures,
        refund,
        suspended_until: until,
        contact,
    };
    if let Err(problem) = outcome.check() {
        let at = match problem {
            Problem::Empty | Problem::NoActionCombined => form::MEASURES,
            Problem::AmountMissing => form::AMOUNT,
            Problem::DateMissing => form::UNTIL,
        };
        return errors(at, t.outcome_problem(problem));
    }
    let prevention = prevention_note(submitted);
    // A suspension or a termination asks the checks first, in a form over this one, which
    // carries the prevention note on as its field's first value.
    if Policy::needs_checks(outcome) {
        return Reply::Json(json!({
            "response_action": "push",
            "view": checks_form(ctx, id, outcome, prevention.as_deref()),
        }));
    }
    submit(
        ctx,
        id,
        Action::DecideWith {
            outcome,
            checks: None,
            prevention,
        },
        user,
        t.outcome_title(),
        Path::Form,
    )
    .await
}

/// The prevention note (再発防止策) a form was submitted with, if any was written.
fn prevention_note(submitted: Submitted<'_>) -> Option<String> {
    Decision::prevention_of(&submitted.text(form::PREVENTION))
}

/// The checks form for `outcome` on case `id`, its clause starting as `policy.terms_clause`
/// and its prevention note as `prevention`.
fn checks_form(ctx: &Context, id: CaseId, outcome: Outcome, prevention: Option<&str>) -> SlackView {
    let look = ctx.look();
    let clause = ctx
        .settings
        .terms_clause
        .as_deref()
        .unwrap_or(look.t.default_terms_clause());
    render::checks_form(id, outcome, clause, prevention, look)
}

/// The checks before a suspension or a termination were submitted: the proposal is made
/// with the answers (or refused, with the reason in place of the forms).
pub async fn checks_submitted(
    ctx: &Arc<Context>,
    user: &SlackBasicUserInfo,
    view: &SlackStatefulView,
) -> Reply {
    let t = ctx.look().t;
    let submitted = Submitted::new(view);
    let field = |block: &str| submitted.field(block).cloned();
    let Some((id, outcome)) = render::parse_checks_form_metadata(submitted.metadata()) else {
        return Reply::BadRequest("checks form without a case");
    };
    let Some(user) = UserId::parse(user.id.as_ref()) else {
        return Reply::BadRequest("user.id is not a Slack user id");
    };
    let chosen = |block: &str| {
        field(block)
            .and_then(|v| v.selected_option)
            .map(|o| o.value)
            .unwrap_or_default()
    };
    let clause = field(form::CLAUSE)
        .and_then(|v| v.value)
        .unwrap_or_default()
        .trim()
        .chars()
        .take(Checks::MAX_CLAUSE_CHARS)
        .collect::<String>();
    // Slack requires every answer before it submits; a request without one is not Slack's.
    let (Some(complaint), Some(accommodation), Some(duty_to_serve), Some(legal)) = (
        Complaint::parse(&chosen(form::COMPLAINT)),
        Accommodation::parse(&chosen(form::ACCOMMODATION)),
        DutyToServe::parse(&chosen(form::DUTY_TO_SERVE)),
        LegalReview::parse(&chosen(form::LEGAL)),
    ) else {
        return Reply::BadRequest("checks form with an answer missing");
    };
    if clause.is_empty() {
        return Reply::BadRequest("checks form without a clause");
    }
    let checks = Checks {
        complaint,
        accommodation,
        duty_to_serve,
        clause,
        legal,
    };
    submit(
        ctx,
        id,
        Action::DecideWith {
            outcome,
            checks: Some(checks),
            prevention: prevention_note(submitted),
        },
        user,
        t.checks_title(),
        Path::Form,
    )
    .await
}

/// Whether the submitted form has an input block with this id (Slack sends no state for
/// checkboxes left empty).
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
