//! Purpose: an executive or manager clicks "Take this case" (on the card or in a page).
//! The first one to click owns the case: it is recorded with who and when, paging stops,
//! the card updates in place and the thread gets a timeline reply. Anyone else clicking
//! is told who has it, and nothing changes. The owner (or a manager) may also keep the
//! reporter off the customer from now on (担当替え): the customer's history says so.

use std::sync::Arc;

use crate::app::Context;
use crate::domain::Action;
use crate::handlers::{Click, Reply, act};

pub async fn handle(ctx: &Arc<Context>, click: Click) -> Reply {
    act(ctx, click, Action::Take).await
}

/// "Keep the reporter off this customer" on the card (担当替え).
pub async fn keep_reporter_off(ctx: &Arc<Context>, click: Click) -> Reply {
    act(ctx, click, Action::KeepReporterOff).await
}
