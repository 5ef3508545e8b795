//! Purpose: long-running work beside the HTTP server: delivering the outbox to Slack.

pub mod outbox;
