//! Purpose: our concepts and rules, with no I/O: cases and their state machine, customers,
//! the policy (roles, approvals, sanction ladder), tallies, and which notices follow which
//! events. Everything here is deterministic and unit-tested in place.

pub mod case;
pub mod category;
pub mod check_in;
pub mod checks;
pub mod compliance;
pub mod consultation;
pub mod customer;
pub mod effect;
pub mod export;
pub mod facts;
pub mod identify;
pub mod ids;
pub mod lexicon;
pub mod normalize;
pub mod outcome;
pub mod paging;
pub mod policy;
pub mod repeats;
pub mod report;
pub mod retention;
pub mod rights;
pub mod staff;
pub mod tally;

pub use case::{
    Accommodation, Action, Addition, Case, CaseState, CheckIn, CheckInAnswer, CheckInReply, Checks,
    Complaint, Contact, Contacts, Decision, DutyToServe, Event, Evidence, Facts, FromConsultation,
    LegalReview, Measure, Measures, Medium, MessageRef, NewCase, Notice, Outcome, PageSent,
    Problem, PromiseFailed, Proposal, Refusal, Source, Stamp,
};
pub use category::{Category, Severity};
pub use consultation::{
    AnsweredBy, ConsultAction, ConsultEvent, ConsultRefusal, ConsultSource, ConsultState,
    Consultation, Conversion, Desk, DeskMessage, Destination, NewConsultation,
};
pub use customer::CustomerRecord;
pub use effect::{Effect, Lane, Note, Resolution};
pub use ids::{CaseId, ChannelId, ConsultationId, CustomerId, UserId};
pub use paging::{PagingPolicy, Scheduled, Timer};
pub use policy::{History, Policy, Roles, Rules, Step};
pub use report::{ConsultCounts, Schedule, Span, Spread, Week, WeekStats};
pub use retention::Retention;
pub use rights::Right;
pub use staff::{Member, NotStaff};
pub use tally::{CustomerChange, Tallies};
