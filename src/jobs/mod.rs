//! Purpose: long-running work beside the HTTP server: delivering the outbox to Slack, and
//! firing the paging timers.

pub mod outbox;
pub mod scheduler;
