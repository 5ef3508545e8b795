//! Purpose: a local stand-in for Slack, for an app's demo and black-box tests: the Web
//! API on loopback (`web_api`) with the rules and errors of Slack's that apps trip on
//! (`rules`), the sender of signed Slack requests to the app (`sender`, `signature`),
//! Socket Mode (`socket`), and a transcript of what people would see (`transcript`).
//! It knows nothing of the app it stands in for: the app reaches it over real HTTP at
//! `StandIn::api_url`, and is driven through `Sender` as Slack would drive it.

pub mod rules;
pub mod sender;
pub mod signature;
pub mod socket;
pub mod transcript;
pub mod web_api;

pub use sender::{Answer, Sender};
pub use web_api::{Author, Call, Fault, Membership, Message, Person, StandIn};
