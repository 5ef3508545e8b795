//! Purpose: long-running work beside the HTTP server: delivering the outbox to Slack,
//! firing the paging timers, doing the work Slack events asked for, and posting the
//! weekly report.

pub mod inbox;
pub mod outbox;
pub mod report;
pub mod scheduler;

use std::time::Duration;

use jiff::{SignedDuration, Timestamp};

/// `now + delay`, saturating at `now` for a delay too large to add (never in practice).
pub(crate) fn later(now: Timestamp, delay: Duration) -> Timestamp {
    SignedDuration::try_from(delay)
        .ok()
        .and_then(|d| now.checked_add(d).ok())
        .unwrap_or(now)
}
