//! Purpose: everything that speaks Slack: the signed HTTP ingress, the Web API client, and
//! the Block Kit views. Slack's payload and API types come from slack-morphism; our types
//! never take the `Slack` prefix.

pub mod api;
pub mod charts;
pub mod ingress;
pub mod message;
pub mod payload;
pub mod signature;
pub mod socket;
pub mod views;
