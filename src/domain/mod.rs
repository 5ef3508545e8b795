//! Purpose: our concepts and rules, with no I/O: cases and their state machine, customers,
//! the policy (roles, approvals, sanction ladder), tallies, and which notices follow which
//! events. Everything here is deterministic and unit-tested in place.

pub mod case;
pub mod category;
pub mod customer;
pub mod effect;
pub mod ids;
pub mod paging;
pub mod policy;
pub mod tally;

pub use case::{
    Action, Case, CaseState, Decision, Event, MessageRef, NewCase, Outcome, OutcomeKind, PageSent,
    PromiseFailed, Proposal, Refusal, Stamp,
};
pub use category::{Category, Severity};
pub use customer::CustomerRecord;
pub use effect::{Effect, Lane, Note, Resolution};
pub use ids::{CaseId, ChannelId, CustomerId, UserId};
pub use paging::{PagingPolicy, Scheduled, Timer};
pub use policy::{History, Policy, Roles, Rules, Step};
pub use tally::Tallies;
