//! Purpose: a manager clicks Approve or Reject on a proposed outcome in the case thread
//! (or answers its pending legal review, which approval waits for).
//! Only a manager who did not propose it may: approval records the outcome (with
//! proposer, approver, times and policy version), updates the customer's record and the
//! tallies, and thanks the reporter; rejection gives the case back to its owner. Anyone
//! else is told why not, and nothing changes.

use std::sync::Arc;

use crate::app::Context;
use crate::domain::{Action, LegalReview};
use crate::handlers::{Click, Reply, act};
use crate::render::parse_proposal_value;

pub async fn handle(ctx: &Arc<Context>, mut click: Click, approve: bool) -> Reply {
    let (case, proposal) = parse_proposal_value(&click.value);
    let action = if approve {
        Action::Approve { proposal }
    } else {
        Action::Reject { proposal }
    };
    click.value = case.to_owned();
    act(ctx, click, action).await
}

/// Someone answers the pending legal review of a proposal (法務確認): with "reviewed" or
/// "not needed" the proposal can be approved. Who may is `rights`'s to say.
pub async fn answer_legal(ctx: &Arc<Context>, mut click: Click, answer: LegalReview) -> Reply {
    let (case, proposal) = parse_proposal_value(&click.value);
    let action = Action::AnswerLegal { proposal, answer };
    click.value = case.to_owned();
    act(ctx, click, action).await
}
