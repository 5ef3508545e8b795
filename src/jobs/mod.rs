//! Purpose: long-running work beside the HTTP server: delivering the outbox to Slack,
//! firing the paging timers, and doing the work Slack events asked for.

pub mod inbox;
pub mod outbox;
pub mod scheduler;
