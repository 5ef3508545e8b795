//! Purpose: an executive or manager clicks "Take this case" (on the card or in a page).
//! The first one to click owns the case: it is recorded with who and when, paging stops,
//! the card updates in place and the thread gets a timeline reply. Anyone else clicking
//! is told who has it, and nothing changes.

use std::sync::Arc;

use crate::app::Context;
use crate::domain::Action;
use crate::handlers::{Click, Reply, act};

pub async fn handle(ctx: &Arc<Context>, click: Click) -> Reply {
    act(ctx, click, Action::Take).await
}
