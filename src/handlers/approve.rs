//! Purpose: a manager clicks Approve or Reject on a proposed outcome in the case thread.
//! Only a manager who did not propose it may: approval records the outcome (with
//! proposer, approver, times and policy version), updates the customer's record and the
//! tallies, and thanks the reporter; rejection gives the case back to its owner. Anyone
//! else is told why not, and nothing changes.

use std::sync::Arc;

use crate::app::Context;
use crate::domain::Action;
use crate::handlers::{Click, Reply, act};
use crate::slack::views::parse_proposal_value;

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
