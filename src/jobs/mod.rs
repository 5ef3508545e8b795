//! Purpose: long-running work beside the HTTP server: delivering the outbox to Slack,
//! firing the paging timers, doing the work Slack events asked for, and posting the
//! weekly report.

pub mod inbox;
pub mod outbox;
pub mod report;
pub mod scheduler;
