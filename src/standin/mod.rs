//! Purpose: a local stand-in for Slack, for the demo and the black-box tests: the Web API
//! on loopback (`web_api`), the sender of signed Slack requests to the bot (`sender`),
//! and a transcript of what people would see (`transcript`). Nothing in the product's
//! logic knows it exists: the bot reaches it over real HTTP through `slack.api_url`.

pub mod sender;
pub mod socket;
pub mod transcript;
pub mod web_api;

pub use sender::{Answer, Sender};
pub use web_api::{Author, Call, Fault, Membership, Message, Person, StandIn};
