//! Purpose: Slack's transport, and nothing we render: the signed HTTP ingress and its
//! signature check, Socket Mode, the Web API client, and the payloads Slack sends us.
//! Slack's payload and API types come from slack-morphism; our types never take the
//! `Slack` prefix. What the bot shows in Slack is `crate::render`.

pub mod api;
pub mod ingress;
pub mod message;
pub mod payload;
pub mod signature;
pub mod socket;
