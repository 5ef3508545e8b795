//! Purpose: an escalation case and its state machine: what taking, deciding and approving
//! do to it (who may is `rights`'s to say, asked here). Pure: no I/O, no clock; callers
//! pass who acted and when.
//!
//! ```text
//! Open --take--> Taken --decide--> Closed                (warning, small refund, no action)
//!                  |  ^
//!                  |  '--reject-- Proposed                (termination, large refund)
//!                  '---decide-->  Proposed --approve--> Closed
//! ```

use jiff::Timestamp;
use serde::{Deserialize, Serialize};

use super::category::{Category, Severity};
pub use super::check_in::{CheckIn, CheckInAnswer, CheckInReply};
pub use super::checks::{Accommodation, Checks, Complaint, DutyToServe, LegalReview};
pub use super::facts::{Addition, Facts, Medium};
use super::ids::{CaseId, ChannelId, ConsultationId, CustomerId, UserId};
use super::paging::Scheduled;
use super::policy::{History, Policy, Roles, Step};
use super::rights::Right;

/// Who did something, and when.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Stamp {
    pub by: UserId,
    pub at: Timestamp,
}

pub use super::outcome::{Contact, Contacts, Measure, Measures, Outcome, Problem};

/// An outcome that needs an approver's approval, waiting in the thread.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Proposal {
    pub outcome: Outcome,
    pub proposed: Stamp,
    /// The proposer's answers before a suspension or termination (absent in proposals
    /// made before they were asked, and for refunds).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub checks: Option<Checks>,
    /// What will be done so it does not happen again (再発防止策), as the proposer wrote it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub prevention: Option<String>,
}

impl Proposal {
    /// What tells this proposal from an earlier one on the same case: when it was made,
    /// in milliseconds (a case has one proposal at a time, and replacing one takes a
    /// rejection and a new decision).
    pub fn mark(&self) -> i64 {
        self.proposed.at.as_millisecond()
    }
}

/// A recorded outcome, stamped with the policy version it was decided under.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Decision {
    pub outcome: Outcome,
    /// Who decided (or proposed, when approval was needed).
    pub decided: Stamp,
    pub approved: Option<Stamp>,
    pub policy_version: String,
    /// The answers given before a suspension or termination, as they stood at approval.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub checks: Option<Checks>,
    /// The prevention note (再発防止策): what will be done so it does not happen again.
    /// Optional, written in the outcome form (or the checks form), or recorded after the
    /// decision (`Action::RecordPrevention`); free text, so the compliance report counts
    /// it and never shows it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub prevention: Option<String>,
}

impl Decision {
    /// The longest prevention note kept, like the record's other free-text fields.
    pub const MAX_PREVENTION_CHARS: usize = 1000;

    /// Whether a prevention note was recorded (retention empties its text and keeps
    /// that it was: `decide` and `RecordPrevention` never record an empty one).
    pub fn has_prevention(&self) -> bool {
        self.prevention.is_some()
    }

    /// A prevention note as kept: trimmed, cut to `MAX_PREVENTION_CHARS`; `None` when
    /// nothing is left.
    pub fn prevention_of(text: &str) -> Option<String> {
        let note: String = text
            .trim()
            .chars()
            .take(Self::MAX_PREVENTION_CHARS)
            .collect();
        (!note.is_empty()).then_some(note)
    }

    /// What made the decision final: its approval, if it needed one.
    pub fn final_stamp(&self) -> &Stamp {
        self.approved.as_ref().unwrap_or(&self.decided)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "state", rename_all = "kebab-case")]
pub enum CaseState {
    /// Nobody has taken the case yet: paging runs.
    Open,
    Taken {
        owner: Stamp,
    },
    Proposed {
        owner: Stamp,
        proposal: Proposal,
    },
    Closed {
        owner: Stamp,
        decision: Decision,
    },
}

/// "Did we fail a promise here?" (domain.md, lesson 4): a valid complaint made abusively
/// is still abuse, but the decider should know.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum PromiseFailed {
    Yes,
    No,
    Unsure,
}

impl PromiseFailed {
    pub const ALL: [PromiseFailed; 3] =
        [PromiseFailed::Yes, PromiseFailed::No, PromiseFailed::Unsure];

    pub fn slug(self) -> &'static str {
        match self {
            PromiseFailed::Yes => "yes",
            PromiseFailed::No => "no",
            PromiseFailed::Unsure => "unsure",
        }
    }

    pub fn parse(s: &str) -> Option<PromiseFailed> {
        PromiseFailed::ALL.into_iter().find(|p| p.slug() == s)
    }
}

/// A Slack message we posted and may need to edit or reply to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MessageRef {
    pub channel: ChannelId,
    pub ts: String,
}

/// What the delivery worker has posted for this case. Bookkeeping, not state: it never
/// changes what anyone may do with the case.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Posts {
    pub card: Option<MessageRef>,
    pub proposal: Option<MessageRef>,
    pub pages: Vec<PageSent>,
    /// The check-in sent to the reporter after the case closed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub check_in: Option<MessageRef>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PageSent {
    pub to: UserId,
    pub message: MessageRef,
    pub at: Timestamp,
}

/// The message a case is about, as Slack showed it when someone flagged it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Evidence {
    pub channel: ChannelId,
    pub ts: String,
    /// Set when the message is a reply in a thread.
    pub thread_ts: Option<String>,
    pub permalink: Option<String>,
    /// The message's text, cut to `Evidence::MAX_QUOTE_CHARS`.
    pub quote: String,
    /// Who wrote it (absent for some integration bots).
    pub author: Option<UserId>,
    /// The bot could not read the message (not in the channel, a missing scope, Slack
    /// down past every retry, the message deleted): the case was opened from where it is
    /// (channel, ts, link) and who reacted, with no quote.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub unreadable: bool,
}

impl Evidence {
    pub const MAX_QUOTE_CHARS: usize = 2000;

    /// Cuts a message's text to what a case keeps.
    pub fn quote_of(text: &str) -> String {
        if text.chars().count() <= Self::MAX_QUOTE_CHARS {
            text.to_owned()
        } else {
            let mut cut: String = text.chars().take(Self::MAX_QUOTE_CHARS - 1).collect();
            cut.push('…');
            cut
        }
    }
}

/// How a case was flagged.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Source {
    /// `/escalate <customer> <category> ...`
    #[default]
    Command,
    /// The form `/escalate` opens.
    Form,
    /// The message shortcut on a customer's message.
    Shortcut,
    /// The trigger reaction on a message in a support channel.
    Reaction,
    /// The escalate button on one of the bot's suggestions.
    Suggestion,
    /// The consultation desk turned a consultation into a case.
    Consultation,
}

/// What a reporter gives us to open a case.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewCase {
    /// `None` when the bot could not tell who the customer is (a reaction on a message
    /// from an unknown sender): the reporter is asked, and the case is open meanwhile.
    pub customer: Option<CustomerId>,
    pub category: Category,
    /// `None` takes the category's default.
    pub severity: Option<Severity>,
    pub promise_failed: Option<PromiseFailed>,
    pub summary: String,
    pub reporter: UserId,
    pub reported_from: Option<ChannelId>,
    pub evidence: Option<Evidence>,
    pub source: Source,
    /// When, how, how long, the exact words, what the reporter wants, who was there,
    /// links: all optional.
    pub facts: Facts,
}

impl NewCase {
    /// Longer than this does not fit a Block Kit section (3000 characters) with its label.
    pub const MAX_SUMMARY_CHARS: usize = 2000;
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Case {
    pub id: CaseId,
    /// `None` until someone names the customer.
    pub customer: Option<CustomerId>,
    pub category: Category,
    pub severity: Severity,
    pub promise_failed: Option<PromiseFailed>,
    pub summary: String,
    pub reporter: UserId,
    pub reported_from: Option<ChannelId>,
    pub opened_at: Timestamp,
    /// The customer's conduct history when the case was opened.
    pub history: History,
    pub recommendation: Step,
    pub state: CaseState,
    #[serde(default)]
    pub posts: Posts,
    /// The pending page, alert or reminder, if any.
    #[serde(default)]
    pub next: Option<Scheduled>,
    #[serde(default)]
    pub evidence: Option<Evidence>,
    #[serde(default)]
    pub source: Source,
    /// The category and severity are the lexicon's guess from the flagged message (a case
    /// opened from a reaction) until a person confirms or changes them.
    #[serde(default)]
    pub unconfirmed: bool,
    /// The facts given when the case opened.
    #[serde(default)]
    pub facts: Facts,
    /// Facts added later, each with who and when, in order; never rewritten.
    #[serde(default)]
    pub additions: Vec<Addition>,
    /// The owner marked "keep the reporter off this customer" (担当替え).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub reporter_kept_off: bool,
    /// The consultation this case was turned from, and who on the desk turned it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub consultation: Option<FromConsultation>,
    /// The check-in after the case closed, and its answer.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub check_in: Option<CheckIn>,
    /// When `store.retention` reduced the case to its counts (see `retention`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub erased: Option<Timestamp>,
}

/// A case turned from a consultation: which one, and who on the desk turned it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FromConsultation {
    pub id: ConsultationId,
    pub by: UserId,
}

/// Something that happened to a case: the audit log's entries and what deliveries follow.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "event", rename_all = "kebab-case")]
pub enum Event {
    Opened {
        by: Stamp,
    },
    Taken {
        by: Stamp,
    },
    Proposed {
        proposal: Proposal,
    },
    Rejected {
        by: Stamp,
        proposal: Proposal,
    },
    Closed {
        decision: Decision,
    },
    /// The owner (or a manager) marked "keep the reporter off this customer" (担当替え).
    ReporterKeptOff {
        by: Stamp,
    },
    /// The reporter of a critical case answered "are you safe now?": `safe: false` is "I
    /// need someone now", which pages the chain at once.
    SafetyAnswered {
        safe: bool,
        by: Stamp,
    },
    /// Someone added facts to the record (the reporter, the owner, a manager).
    FactsAdded {
        facts: Facts,
        by: Stamp,
    },
    /// Someone answered the pending legal review of the proposal.
    LegalAnswered {
        answer: LegalReview,
        by: Stamp,
    },
    /// Someone recorded the prevention note (再発防止策) of a decided case after the
    /// decision (`edited`: it replaced an earlier note). The text is the decision's, not
    /// the trail's.
    PreventionRecorded {
        by: Stamp,
        #[serde(default, skip_serializing_if = "std::ops::Not::not")]
        edited: bool,
    },
    /// The reporter answered the check-in after the case closed ("no answer" is the bot's
    /// `Notice::CheckInUnanswered`). "Talk to the desk" names the consultation it opened.
    CheckInAnswered {
        reply: CheckInReply,
        by: Stamp,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        consultation: Option<ConsultationId>,
    },
    CustomerIdentified {
        customer: CustomerId,
        by: Stamp,
    },
    /// Someone confirmed or changed the category and severity (of a case whose category
    /// the bot guessed, or later). `from_*` are what they were before.
    Classified {
        category: Category,
        severity: Severity,
        from_category: Category,
        from_severity: Severity,
        by: Stamp,
    },
    /// Something the bot did about the case on its own, logged for the audit trail: a
    /// timer's page, alert or reminder, or a delivery that failed for good. Changes no
    /// state and counts in no tally.
    Notified {
        notice: Notice,
        at: Timestamp,
    },
}

/// What the bot did on its own (see [`Event::Notified`]).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "notice", rename_all = "kebab-case")]
pub enum Notice {
    /// Paged because nobody took the case in time.
    Paged { to: Vec<UserId> },
    /// Alerted the escalation channel (@here): round `round` of `of`.
    Alerted { round: u32, of: u32 },
    /// Reminded whoever must decide (or approve).
    Reminded { to: Vec<UserId> },
    /// A delivery about the case failed for good and is a dead letter.
    Undelivered { what: String, reason: String },
    /// Refused someone an action they have no right to (the reporter deciding their own
    /// case, someone who is not an approver approving): the case did not change.
    Refused {
        by: UserId,
        action: String,
        reason: String,
    },
    /// Sent the reporter the check-in after the case closed.
    CheckedIn,
    /// The reporter did not answer the check-in in time: "no answer" is recorded.
    CheckInUnanswered,
}

impl Event {
    /// A short name for logs and metrics.
    pub fn name(&self) -> &'static str {
        match self {
            Event::Opened { .. } => "opened",
            Event::Taken { .. } => "taken",
            Event::Proposed { .. } => "proposed",
            Event::Rejected { .. } => "rejected",
            Event::Closed { .. } => "closed",
            Event::LegalAnswered { .. } => "legal-answered",
            Event::PreventionRecorded { .. } => "prevention-recorded",
            Event::CheckInAnswered { .. } => "check-in-answered",
            Event::FactsAdded { .. } => "facts-added",
            Event::SafetyAnswered { .. } => "safety-answered",
            Event::ReporterKeptOff { .. } => "reporter-kept-off",
            Event::CustomerIdentified { .. } => "customer-identified",
            Event::Classified { .. } => "classified",
            Event::Notified { notice, .. } => match notice {
                Notice::Paged { .. } => "paged",
                Notice::Alerted { .. } => "alerted",
                Notice::Reminded { .. } => "reminded",
                Notice::Undelivered { .. } => "undelivered",
                Notice::Refused { .. } => "refused",
                Notice::CheckedIn => "checked-in",
                Notice::CheckInUnanswered => "check-in-unanswered",
            },
        }
    }
}

/// A person's action on a case.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Action {
    Take,
    /// Record an outcome (or propose it, when it needs approval). A suspension or a
    /// termination needs `DecideWith` and its checks.
    Decide(Outcome),
    /// The same as a form submits it: with the answers a suspension or a termination
    /// needs first, and the prevention note (再発防止策), both optional here.
    DecideWith {
        outcome: Outcome,
        checks: Option<Checks>,
        prevention: Option<String>,
    },
    /// Keep the reporter off this customer from now on (担当替え).
    KeepReporterOff,
    /// The reporter answers "are you safe now?" (`safe: false`: "I need someone now").
    AnswerSafety {
        safe: bool,
    },
    /// Add facts to the record, on an open or a closed case.
    AddFacts(Facts),
    /// The reporter answers the check-in after the case closed (`desk`: "I'd like to talk
    /// to the desk").
    AnswerCheckIn {
        desk: bool,
    },
    /// Answer the pending legal review of the proposal (`proposal` as for `Approve`).
    AnswerLegal {
        proposal: Option<i64>,
        answer: LegalReview,
    },
    /// Settle the pending proposal. `proposal` is the mark of the proposal the button
    /// belongs to ([`Proposal::mark`]): a click on an older proposal's message, one already
    /// rejected and replaced, must not settle the new one. `None` settles whatever is
    /// pending.
    Approve {
        proposal: Option<i64>,
    },
    Reject {
        proposal: Option<i64>,
    },
    /// Name the customer of a case opened without one.
    IdentifyCustomer(CustomerId),
    /// Record (or replace) the prevention note (再発防止策) of a decided case.
    RecordPrevention(String),
    /// Confirm or change the category and severity; `None` keeps what the case has (so
    /// "that's right" confirms what the person was shown, and "it's an emergency" keeps
    /// the category).
    Classify {
        category: Option<Category>,
        severity: Option<Severity>,
    },
}

impl Action {
    /// A short name for logs and the audit trail.
    pub fn name(&self) -> &'static str {
        match self {
            Action::Take => "take",
            Action::Decide(_) | Action::DecideWith { .. } => "decide",
            Action::AnswerLegal { .. } => "answer-legal",
            Action::AddFacts(_) => "add-facts",
            Action::AnswerCheckIn { .. } => "answer-check-in",
            Action::AnswerSafety { .. } => "answer-safety",
            Action::KeepReporterOff => "keep-reporter-off",
            Action::Approve { .. } => "approve",
            Action::Reject { .. } => "reject",
            Action::IdentifyCustomer(_) => "name-customer",
            Action::Classify { .. } => "classify",
            Action::RecordPrevention(_) => "record-prevention",
        }
    }
}

/// Why an action was refused. Every refusal leaves the case exactly as it was.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    /// Only executives and managers take cases.
    NotExecutiveOrManager,
    AlreadyTakenBy(UserId),
    AlreadyYours,
    NotTakenYet,
    /// Only whoever took the case, or a manager, decides.
    NotOwnerOrManager {
        owner: UserId,
    },
    /// Whoever took the case no longer holds a role that decides (they were removed from
    /// `people.executives` or `people.managers` since).
    NoLongerEntitled,
    /// The reporter of a case takes, decides and approves nothing on it
    /// (`policy.reporter_may_decide` is off).
    OwnReport,
    ProposalPending,
    NothingToApprove,
    /// The button belongs to a proposal that was rejected; another one is pending now.
    ProposalReplaced,
    /// Only `people.approvers` approve or reject.
    ApproversOnly,
    OwnProposal,
    /// The outcome lacks something (an amount, a date) or combines "no action" with a
    /// measure.
    Incomplete(Problem),
    /// A suspension or a termination is proposed only with the checks answered.
    ChecksMissing,
    /// Legal review is pending: nobody approves until someone answers it.
    LegalReviewPending,
    /// There is no pending legal review to answer (answered already, or none asked).
    NoLegalReviewPending,
    /// Only the owner, the proposer, managers and approvers answer the legal review.
    NotInvolvedToAnswer,
    /// Only the reporter, the owner, managers and the consultation desk add facts.
    NotInvolvedToAddFacts,
    /// No check-in was sent about this case (yet, or at all).
    CheckInNotAsked,
    /// The check-in was answered already.
    CheckInAnswered,
    /// The check-in is over: "no answer" was recorded.
    CheckInOver,
    /// "Talk to the desk", but no consultation desk is configured (any more).
    NoDesk,
    /// Nothing was filled in.
    NothingToAdd,
    /// Only the reporter answers whether they are safe.
    NotTheReporter,
    /// The reporter is already kept off this customer for this case.
    AlreadyKeptOff,
    Closed {
        outcome: Outcome,
    },
    /// Every measure but "no action" applies to a customer: name them first.
    CustomerUnknown,
    CustomerAlreadyKnown(CustomerId),
    /// Only the reporter, executives and managers name a case's customer.
    NotInvolved,
    /// Only the reporter, executives and managers set a case's category and severity.
    NotInvolvedToClassify,
    /// The case already has this category and severity, confirmed.
    ClassificationUnchanged {
        category: Category,
        severity: Severity,
    },
    /// Only the owner (while they may decide), managers and the consultation desk record
    /// a prevention note after the decision.
    NotInvolvedToRecordPrevention,
    /// A prevention note needs a decision: the case is not decided yet.
    NotDecidedYet,
    /// The prevention note was empty.
    PreventionEmpty,
    /// The case moved into the archive: its record no longer changes.
    Archived,
}

impl Refusal {
    /// Every name [`Refusal::about_rights`] gives, for the catalogs' words for them.
    pub const RIGHTS: [&'static str; 12] = [
        "not-executive-or-manager",
        "not-owner-or-manager",
        "no-longer-entitled",
        "own-report",
        "approvers-only",
        "own-proposal",
        "not-involved",
        "not-involved-to-classify",
        "not-involved-to-add-facts",
        "not-involved-to-answer",
        "not-the-reporter",
        "not-involved-to-record-prevention",
    ];

    /// For a refusal about who may act (rather than about where the case stands), a
    /// short name for the audit trail and the metrics: someone tried what their role, or
    /// separation of duties, does not allow.
    pub fn about_rights(&self) -> Option<&'static str> {
        Some(match self {
            Refusal::NotExecutiveOrManager => "not-executive-or-manager",
            Refusal::NotOwnerOrManager { .. } => "not-owner-or-manager",
            Refusal::NoLongerEntitled => "no-longer-entitled",
            Refusal::OwnReport => "own-report",
            Refusal::ApproversOnly => "approvers-only",
            Refusal::OwnProposal => "own-proposal",
            Refusal::NotInvolved => "not-involved",
            Refusal::NotInvolvedToClassify => "not-involved-to-classify",
            Refusal::NotInvolvedToAnswer => "not-involved-to-answer",
            Refusal::NotInvolvedToAddFacts => "not-involved-to-add-facts",
            Refusal::NotTheReporter => "not-the-reporter",
            Refusal::NotInvolvedToRecordPrevention => "not-involved-to-record-prevention",
            Refusal::AlreadyTakenBy(_)
            | Refusal::AlreadyYours
            | Refusal::NotTakenYet
            | Refusal::ProposalPending
            | Refusal::NothingToApprove
            | Refusal::ProposalReplaced
            | Refusal::Incomplete(_)
            | Refusal::ChecksMissing
            | Refusal::LegalReviewPending
            | Refusal::NoLegalReviewPending
            | Refusal::NothingToAdd
            | Refusal::CheckInNotAsked
            | Refusal::CheckInAnswered
            | Refusal::CheckInOver
            | Refusal::NoDesk
            | Refusal::AlreadyKeptOff
            | Refusal::Closed { .. }
            | Refusal::CustomerUnknown
            | Refusal::CustomerAlreadyKnown(_)
            | Refusal::ClassificationUnchanged { .. }
            | Refusal::NotDecidedYet
            | Refusal::PreventionEmpty
            | Refusal::Archived => return None,
        })
    }
}

impl Case {
    pub fn open(id: CaseId, new: NewCase, at: Timestamp, history: History) -> Case {
        // A reaction's category is the lexicon's guess: never critical on that alone
        // (critical pages everyone and recommends termination); the reporter says if it is.
        let unconfirmed = new.source == Source::Reaction;
        let severity =
            new.severity
                .unwrap_or_else(|| match (new.category.default_severity(), unconfirmed) {
                    (Severity::Critical, true) => Severity::High,
                    (default, _) => default,
                });
        let recommendation = Step::recommend(severity, &history);
        Case {
            id,
            customer: new.customer,
            category: new.category,
            severity,
            promise_failed: new.promise_failed,
            summary: new.summary,
            reporter: new.reporter,
            reported_from: new.reported_from,
            opened_at: at,
            history,
            recommendation,
            state: CaseState::Open,
            posts: Posts::default(),
            next: None,
            evidence: new.evidence,
            source: new.source,
            unconfirmed,
            facts: new.facts,
            additions: Vec::new(),
            reporter_kept_off: false,
            consultation: None,
            check_in: None,
            erased: None,
        }
    }

    pub fn is_closed(&self) -> bool {
        matches!(self.state, CaseState::Closed { .. })
    }

    /// When the case closed, if it has.
    pub fn closed_at(&self) -> Option<Timestamp> {
        match &self.state {
            CaseState::Closed { decision, .. } => Some(decision.final_stamp().at),
            _ => None,
        }
    }

    pub fn owner(&self) -> Option<&Stamp> {
        match &self.state {
            CaseState::Open => None,
            CaseState::Taken { owner }
            | CaseState::Proposed { owner, .. }
            | CaseState::Closed { owner, .. } => Some(owner),
        }
    }

    /// Decides what `action` by `actor` does to this case, without changing it.
    pub fn apply(
        &self,
        action: Action,
        actor: &Stamp,
        roles: &Roles,
        policy: &Policy,
    ) -> Result<(CaseState, Event), Refusal> {
        match action {
            Action::Take => self.take(actor, roles),
            Action::Decide(outcome) => self.decide(outcome, None, None, actor, roles, policy),
            Action::DecideWith {
                outcome,
                checks,
                prevention,
            } => self.decide(outcome, checks, prevention, actor, roles, policy),
            Action::KeepReporterOff => {
                if self.customer.is_none() {
                    return Err(Refusal::CustomerUnknown);
                }
                if self.reporter_kept_off {
                    return Err(Refusal::AlreadyKeptOff);
                }
                roles.check(self, &actor.by, Right::KeepReporterOff)?;
                Ok((
                    self.state.clone(),
                    Event::ReporterKeptOff { by: actor.clone() },
                ))
            }
            Action::AnswerSafety { safe } => {
                roles.check(self, &actor.by, Right::AnswerSafety)?;
                Ok((
                    self.state.clone(),
                    Event::SafetyAnswered {
                        safe,
                        by: actor.clone(),
                    },
                ))
            }
            Action::AddFacts(facts) => {
                if facts.is_empty() {
                    return Err(Refusal::NothingToAdd);
                }
                roles.check(self, &actor.by, Right::AddFacts)?;
                Ok((
                    self.state.clone(),
                    Event::FactsAdded {
                        facts,
                        by: actor.clone(),
                    },
                ))
            }
            Action::AnswerCheckIn { desk } => self.answer_check_in(desk, actor, roles),
            Action::AnswerLegal { proposal, answer } => {
                self.answer_legal(proposal, answer, actor, roles)
            }
            Action::Approve { proposal } => {
                self.resolve_proposal(true, proposal, actor, roles, policy)
            }
            Action::Reject { proposal } => {
                self.resolve_proposal(false, proposal, actor, roles, policy)
            }
            Action::IdentifyCustomer(customer) => self.identify(customer, actor, roles),
            Action::Classify { category, severity } => {
                self.classify(category, severity, actor, roles)
            }
            Action::RecordPrevention(text) => self.record_prevention(&text, actor, roles),
        }
    }

    /// Records `text` as the prevention note of the case's decision, replacing any
    /// earlier one. Only a decided case has one; who may is `Right::RecordPrevention`.
    fn record_prevention(
        &self,
        text: &str,
        actor: &Stamp,
        roles: &Roles,
    ) -> Result<(CaseState, Event), Refusal> {
        let CaseState::Closed { owner, decision } = &self.state else {
            return Err(Refusal::NotDecidedYet);
        };
        roles.check(self, &actor.by, Right::RecordPrevention)?;
        let note = Decision::prevention_of(text).ok_or(Refusal::PreventionEmpty)?;
        let edited = decision.has_prevention();
        let decision = Decision {
            prevention: Some(note),
            ..decision.clone()
        };
        Ok((
            CaseState::Closed {
                owner: owner.clone(),
                decision,
            },
            Event::PreventionRecorded {
                by: actor.clone(),
                edited,
            },
        ))
    }

    fn classify(
        &self,
        category: Option<Category>,
        severity: Option<Severity>,
        actor: &Stamp,
        roles: &Roles,
    ) -> Result<(CaseState, Event), Refusal> {
        if let CaseState::Closed { decision, .. } = &self.state {
            return Err(Refusal::Closed {
                outcome: decision.outcome,
            });
        }
        roles.check(self, &actor.by, Right::Classify)?;
        let category = category.unwrap_or(self.category);
        let severity = severity.unwrap_or(self.severity);
        if !self.unconfirmed && category == self.category && severity == self.severity {
            return Err(Refusal::ClassificationUnchanged { category, severity });
        }
        Ok((
            self.state.clone(),
            Event::Classified {
                category,
                severity,
                from_category: self.category,
                from_severity: self.severity,
                by: actor.clone(),
            },
        ))
    }

    fn answer_check_in(
        &self,
        desk: bool,
        actor: &Stamp,
        roles: &Roles,
    ) -> Result<(CaseState, Event), Refusal> {
        roles.check(self, &actor.by, Right::AnswerCheckIn)?;
        match self.check_in.as_ref().map(|c| c.answer.as_ref()) {
            None => return Err(Refusal::CheckInNotAsked),
            Some(Some(answer)) if answer.reply == CheckInReply::NoAnswer => {
                return Err(Refusal::CheckInOver);
            }
            Some(Some(_)) => return Err(Refusal::CheckInAnswered),
            Some(None) => {}
        }
        if desk && roles.desk.members.is_empty() {
            return Err(Refusal::NoDesk);
        }
        let reply = if desk {
            CheckInReply::Desk
        } else {
            CheckInReply::Fine
        };
        Ok((
            self.state.clone(),
            Event::CheckInAnswered {
                reply,
                by: actor.clone(),
                consultation: None,
            },
        ))
    }

    /// Records the reporter's answer to the check-in (and the consultation it opened).
    pub fn answer_check_in_with(
        &mut self,
        reply: CheckInReply,
        at: Timestamp,
        consultation: Option<ConsultationId>,
    ) {
        if let Some(check_in) = &mut self.check_in {
            check_in.answer = Some(CheckInAnswer {
                reply,
                at,
                consultation,
            });
        }
    }

    /// Appends facts someone added (the record keeps every addition as given).
    pub fn add_facts(&mut self, facts: Facts, by: Stamp) {
        self.additions.push(Addition { by, facts });
    }

    /// Records a confirmed category and severity, and the ladder's step for it.
    pub fn set_classification(&mut self, category: Category, severity: Severity) {
        self.category = category;
        self.severity = severity;
        self.unconfirmed = false;
        self.recommendation = Step::recommend(severity, &self.history);
    }

    fn identify(
        &self,
        customer: CustomerId,
        actor: &Stamp,
        roles: &Roles,
    ) -> Result<(CaseState, Event), Refusal> {
        if let CaseState::Closed { decision, .. } = &self.state {
            return Err(Refusal::Closed {
                outcome: decision.outcome,
            });
        }
        if let Some(known) = &self.customer {
            return Err(Refusal::CustomerAlreadyKnown(known.clone()));
        }
        roles.check(self, &actor.by, Right::NameCustomer)?;
        Ok((
            self.state.clone(),
            Event::CustomerIdentified {
                customer,
                by: actor.clone(),
            },
        ))
    }

    /// Records the customer named for a case opened without one, judged against their
    /// history as it stood when the case opened.
    pub fn set_customer(&mut self, customer: CustomerId, history: History) {
        self.customer = Some(customer);
        self.recommendation = Step::recommend(self.severity, &history);
        self.history = history;
    }

    fn take(&self, actor: &Stamp, roles: &Roles) -> Result<(CaseState, Event), Refusal> {
        match &self.state {
            CaseState::Open => {
                roles.check(self, &actor.by, Right::Take)?;
                Ok((
                    CaseState::Taken {
                        owner: actor.clone(),
                    },
                    Event::Taken { by: actor.clone() },
                ))
            }
            CaseState::Taken { owner } | CaseState::Proposed { owner, .. } => {
                if owner.by == actor.by {
                    Err(Refusal::AlreadyYours)
                } else {
                    Err(Refusal::AlreadyTakenBy(owner.by.clone()))
                }
            }
            CaseState::Closed { decision, .. } => Err(Refusal::Closed {
                outcome: decision.outcome,
            }),
        }
    }

    /// The proposal waiting for an answer, with the case's owner. Refused with `none`
    /// when nothing is proposed, and as replaced when `mark` names an earlier proposal.
    fn pending_proposal(
        &self,
        mark: Option<i64>,
        none: Refusal,
    ) -> Result<(&Stamp, &Proposal), Refusal> {
        match &self.state {
            CaseState::Proposed { owner, proposal } => {
                if mark.is_some_and(|mark| mark != proposal.mark()) {
                    Err(Refusal::ProposalReplaced)
                } else {
                    Ok((owner, proposal))
                }
            }
            CaseState::Open | CaseState::Taken { .. } => Err(none),
            CaseState::Closed { decision, .. } => Err(Refusal::Closed {
                outcome: decision.outcome,
            }),
        }
    }

    fn answer_legal(
        &self,
        mark: Option<i64>,
        answer: LegalReview,
        actor: &Stamp,
        roles: &Roles,
    ) -> Result<(CaseState, Event), Refusal> {
        let (owner, proposal) = self.pending_proposal(mark, Refusal::NoLegalReviewPending)?;
        roles.check(self, &actor.by, Right::AnswerLegal)?;
        let Some(checks) = proposal
            .checks
            .as_ref()
            .filter(|c| c.legal == LegalReview::Pending && answer != LegalReview::Pending)
        else {
            return Err(Refusal::NoLegalReviewPending);
        };
        let mut proposal = proposal.clone();
        proposal.checks = Some(Checks {
            legal: answer,
            ..checks.clone()
        });
        Ok((
            CaseState::Proposed {
                owner: owner.clone(),
                proposal,
            },
            Event::LegalAnswered {
                answer,
                by: actor.clone(),
            },
        ))
    }

    fn decide(
        &self,
        outcome: Outcome,
        checks: Option<Checks>,
        prevention: Option<String>,
        actor: &Stamp,
        roles: &Roles,
        policy: &Policy,
    ) -> Result<(CaseState, Event), Refusal> {
        let owner = match &self.state {
            CaseState::Open => return Err(Refusal::NotTakenYet),
            CaseState::Proposed { .. } => return Err(Refusal::ProposalPending),
            CaseState::Taken { owner } => owner,
            CaseState::Closed { decision, .. } => {
                return Err(Refusal::Closed {
                    outcome: decision.outcome,
                });
            }
        };
        roles.check(self, &actor.by, Right::Decide)?;
        let outcome = outcome.normalized();
        outcome.check().map_err(Refusal::Incomplete)?;
        if self.customer.is_none() && !outcome.is_no_action() {
            return Err(Refusal::CustomerUnknown);
        }
        if Policy::needs_checks(outcome) && checks.is_none() {
            return Err(Refusal::ChecksMissing);
        }
        let prevention = prevention.as_deref().and_then(Decision::prevention_of);
        if policy.needs_approval(outcome) {
            let proposal = Proposal {
                outcome,
                proposed: actor.clone(),
                checks,
                prevention,
            };
            Ok((
                CaseState::Proposed {
                    owner: owner.clone(),
                    proposal: proposal.clone(),
                },
                Event::Proposed { proposal },
            ))
        } else {
            let decision = Decision {
                outcome,
                decided: actor.clone(),
                approved: None,
                policy_version: policy.version.clone(),
                checks,
                prevention,
            };
            Ok((
                CaseState::Closed {
                    owner: owner.clone(),
                    decision: decision.clone(),
                },
                Event::Closed { decision },
            ))
        }
    }

    fn resolve_proposal(
        &self,
        approve: bool,
        mark: Option<i64>,
        actor: &Stamp,
        roles: &Roles,
        policy: &Policy,
    ) -> Result<(CaseState, Event), Refusal> {
        let (owner, proposal) = self.pending_proposal(mark, Refusal::NothingToApprove)?;
        roles.check(self, &actor.by, Right::Settle)?;
        if approve {
            if proposal
                .checks
                .as_ref()
                .is_some_and(|c| c.legal == LegalReview::Pending)
            {
                return Err(Refusal::LegalReviewPending);
            }
            let decision = Decision {
                outcome: proposal.outcome,
                decided: proposal.proposed.clone(),
                approved: Some(actor.clone()),
                policy_version: policy.version.clone(),
                checks: proposal.checks.clone(),
                prevention: proposal.prevention.clone(),
            };
            Ok((
                CaseState::Closed {
                    owner: owner.clone(),
                    decision: decision.clone(),
                },
                Event::Closed { decision },
            ))
        } else {
            Ok((
                CaseState::Taken {
                    owner: owner.clone(),
                },
                Event::Rejected {
                    by: actor.clone(),
                    proposal: proposal.clone(),
                },
            ))
        }
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    pub fn user(s: &str) -> UserId {
        UserId::parse(s).expect("test user ids are valid")
    }

    pub fn stamp(by: &str, minute: i64) -> Stamp {
        Stamp {
            by: user(by),
            at: Timestamp::from_second(1_790_000_000 + minute * 60).expect("in range"),
        }
    }

    pub fn roles() -> Roles {
        Roles::new(
            vec![user("UEXEC1"), user("UEXEC2")],
            vec![user("UMGR1"), user("UMGR2")],
        )
    }

    /// Terminating, with the checks answered (legal review not needed).
    pub fn terminate() -> Action {
        with_checks(Outcome::only(Measure::Termination), checks())
    }

    /// Deciding `outcome` with the checks answered and no prevention note.
    pub fn with_checks(outcome: Outcome, checks: Checks) -> Action {
        Action::DecideWith {
            outcome,
            checks: Some(checks),
            prevention: None,
        }
    }

    pub fn checks() -> Checks {
        Checks {
            complaint: Complaint::None,
            accommodation: Accommodation::NotRelevant,
            duty_to_serve: DutyToServe::No,
            clause: "Art. 12".into(),
            legal: LegalReview::NotNeeded,
        }
    }

    #[test]
    fn a_suspension_or_termination_is_proposed_only_with_the_checks_answered() {
        let mut case = open_case();
        step(&mut case, Action::Take, "UEXEC1").unwrap();
        assert_eq!(
            step(
                &mut case,
                Action::Decide(Outcome::only(Measure::Termination)),
                "UEXEC1"
            ),
            Err(Refusal::ChecksMissing)
        );
        let until = "2027-01-31".parse().unwrap();
        assert_eq!(
            step(
                &mut case,
                Action::Decide(Outcome::suspension(until)),
                "UEXEC1"
            ),
            Err(Refusal::ChecksMissing)
        );
        let event = step(&mut case, terminate(), "UEXEC1").unwrap();
        let Event::Proposed { proposal } = event else {
            panic!("{event:?}");
        };
        assert_eq!(proposal.checks, Some(checks()));
    }

    #[test]
    fn pending_legal_review_blocks_approval_until_someone_answers_it() {
        let mut case = open_case();
        step(&mut case, Action::Take, "UEXEC1").unwrap();
        let pending = Checks {
            legal: LegalReview::Pending,
            ..checks()
        };
        step(
            &mut case,
            with_checks(Outcome::only(Measure::Termination), pending),
            "UEXEC1",
        )
        .unwrap();
        let approve = Action::Approve { proposal: None };
        assert_eq!(
            step(&mut case, approve.clone(), "UMGR1"),
            Err(Refusal::LegalReviewPending)
        );
        let answer = |answer| Action::AnswerLegal {
            proposal: None,
            answer,
        };
        assert_eq!(
            step(&mut case, answer(LegalReview::Reviewed), "UAGENT1"),
            Err(Refusal::NotInvolvedToAnswer),
            "the reporter answers nothing"
        );
        assert_eq!(
            step(&mut case, answer(LegalReview::Pending), "UMGR1"),
            Err(Refusal::NoLegalReviewPending),
            "pending is not an answer"
        );
        let event = step(&mut case, answer(LegalReview::Reviewed), "UEXEC1").unwrap();
        assert!(matches!(
            event,
            Event::LegalAnswered {
                answer: LegalReview::Reviewed,
                ..
            }
        ));
        assert_eq!(
            step(&mut case, answer(LegalReview::NotNeeded), "UMGR1"),
            Err(Refusal::NoLegalReviewPending),
            "answered once"
        );
        let Event::Closed { decision } = step(&mut case, approve, "UMGR1").unwrap() else {
            panic!("approval closes the case");
        };
        let recorded = decision.checks.expect("the answers are in the record");
        assert_eq!(recorded.legal, LegalReview::Reviewed);
        assert_eq!(recorded.clause, "Art. 12");
    }

    pub fn policy() -> Policy {
        Policy {
            version: "2026-11".into(),
            refund_approval_over: 50_000,
        }
    }

    pub fn open_case() -> Case {
        let new = NewCase {
            customer: CustomerId::parse("cust-1"),
            category: Category::VerbalAbuse,
            severity: None,
            promise_failed: None,
            summary: "shouted for an hour".into(),
            reporter: user("UAGENT1"),
            reported_from: None,
            evidence: None,
            source: Source::Command,
            facts: Default::default(),
        };
        Case::open(
            CaseId::new(1),
            new,
            stamp("UAGENT1", 0).at,
            History::default(),
        )
    }

    fn step(case: &mut Case, action: Action, by: &str) -> Result<Event, Refusal> {
        let (state, event) = case.apply(action, &stamp(by, 1), &roles(), &policy())?;
        case.state = state;
        Ok(event)
    }

    #[test]
    fn executive_takes_an_open_case() {
        let mut case = open_case();
        let event = step(&mut case, Action::Take, "UEXEC1").unwrap();
        assert!(matches!(event, Event::Taken { .. }));
        assert_eq!(case.owner().unwrap().by, user("UEXEC1"));
    }

    #[test]
    fn agent_cannot_take_a_case() {
        let case = open_case();
        let refused = case.apply(Action::Take, &stamp("UAGENT1", 1), &roles(), &policy());
        assert_eq!(refused, Err(Refusal::NotExecutiveOrManager));
    }

    #[test]
    fn second_take_is_refused_and_names_the_owner() {
        let mut case = open_case();
        step(&mut case, Action::Take, "UEXEC1").unwrap();
        assert_eq!(
            step(&mut case, Action::Take, "UEXEC2"),
            Err(Refusal::AlreadyTakenBy(user("UEXEC1")))
        );
        assert_eq!(
            step(&mut case, Action::Take, "UEXEC1"),
            Err(Refusal::AlreadyYours)
        );
    }

    #[test]
    fn warning_closes_at_once_with_the_policy_version() {
        let mut case = open_case();
        step(&mut case, Action::Take, "UEXEC1").unwrap();
        let event = step(
            &mut case,
            Action::Decide(Outcome::only(Measure::Warning)),
            "UEXEC1",
        )
        .unwrap();
        let Event::Closed { decision } = event else {
            panic!("expected a closed case, got {event:?}");
        };
        assert_eq!(decision.policy_version, "2026-11");
        assert_eq!(decision.approved, None);
        assert!(case.is_closed());
    }

    #[test]
    fn only_the_owner_or_a_manager_decides() {
        let mut case = open_case();
        step(&mut case, Action::Take, "UEXEC1").unwrap();
        assert_eq!(
            step(
                &mut case,
                Action::Decide(Outcome::only(Measure::Warning)),
                "UEXEC2"
            ),
            Err(Refusal::NotOwnerOrManager {
                owner: user("UEXEC1")
            })
        );
        assert!(step(&mut case, Action::Decide(Outcome::no_action()), "UMGR1").is_ok());
    }

    #[test]
    fn termination_needs_another_managers_approval() {
        let mut case = open_case();
        step(&mut case, Action::Take, "UMGR1").unwrap();
        let proposed = step(&mut case, terminate(), "UMGR1").unwrap();
        assert!(matches!(proposed, Event::Proposed { .. }));
        assert_eq!(
            step(&mut case, Action::Approve { proposal: None }, "UMGR1"),
            Err(Refusal::OwnProposal)
        );
        assert_eq!(
            step(&mut case, Action::Approve { proposal: None }, "UEXEC1"),
            Err(Refusal::ApproversOnly)
        );
        let Event::Closed { decision } =
            step(&mut case, Action::Approve { proposal: None }, "UMGR2").unwrap()
        else {
            panic!("approval closes the case");
        };
        assert_eq!(decision.decided.by, user("UMGR1"));
        assert_eq!(decision.approved.unwrap().by, user("UMGR2"));
    }

    #[test]
    fn a_click_on_a_rejected_proposal_does_not_settle_the_next_one() {
        let mut case = open_case();
        step(&mut case, Action::Take, "UEXEC1").unwrap();
        let at = |by: &str, minute: i64| stamp(by, minute);
        let apply = |case: &mut Case, action: Action, stamp: Stamp| {
            let (state, event) = case.apply(action, &stamp, &roles(), &policy())?;
            case.state = state;
            Ok::<_, Refusal>(event)
        };
        apply(&mut case, terminate(), at("UEXEC1", 2)).unwrap();
        let first = at("UEXEC1", 2).at.as_millisecond();
        apply(
            &mut case,
            Action::Reject {
                proposal: Some(first),
            },
            at("UMGR1", 3),
        )
        .unwrap();
        apply(&mut case, terminate(), at("UEXEC1", 4)).unwrap();
        let second = at("UEXEC1", 4).at.as_millisecond();
        for stale in [
            Action::Approve {
                proposal: Some(first),
            },
            Action::Reject {
                proposal: Some(first),
            },
        ] {
            assert_eq!(
                apply(&mut case, stale, at("UMGR1", 5)),
                Err(Refusal::ProposalReplaced)
            );
        }
        assert!(matches!(case.state, CaseState::Proposed { .. }));
        let closed = apply(
            &mut case,
            Action::Approve {
                proposal: Some(second),
            },
            at("UMGR1", 6),
        );
        assert!(matches!(closed, Ok(Event::Closed { .. })));
    }

    #[test]
    fn rejection_returns_the_case_to_its_owner() {
        let mut case = open_case();
        step(&mut case, Action::Take, "UEXEC1").unwrap();
        step(&mut case, terminate(), "UEXEC1").unwrap();
        assert_eq!(
            step(
                &mut case,
                Action::Decide(Outcome::only(Measure::Warning)),
                "UEXEC1"
            ),
            Err(Refusal::ProposalPending)
        );
        assert!(matches!(
            step(&mut case, Action::Reject { proposal: None }, "UMGR1").unwrap(),
            Event::Rejected { .. }
        ));
        assert_eq!(
            case.state,
            CaseState::Taken {
                owner: stamp("UEXEC1", 1)
            }
        );
        assert!(
            step(
                &mut case,
                Action::Decide(Outcome::only(Measure::Warning)),
                "UEXEC1"
            )
            .is_ok()
        );
    }

    #[test]
    fn refunds_above_the_threshold_need_approval_and_small_ones_do_not() {
        let mut small = open_case();
        step(&mut small, Action::Take, "UEXEC1").unwrap();
        let event = step(
            &mut small,
            Action::Decide(Outcome::refund(50_000)),
            "UEXEC1",
        );
        assert!(matches!(event, Ok(Event::Closed { .. })));

        let mut large = open_case();
        step(&mut large, Action::Take, "UEXEC1").unwrap();
        let event = step(
            &mut large,
            Action::Decide(Outcome::refund(50_001)),
            "UEXEC1",
        );
        assert!(matches!(event, Ok(Event::Proposed { .. })));
    }

    #[test]
    fn nothing_changes_a_closed_case() {
        let mut case = open_case();
        step(&mut case, Action::Take, "UEXEC1").unwrap();
        step(
            &mut case,
            Action::Decide(Outcome::only(Measure::Warning)),
            "UEXEC1",
        )
        .unwrap();
        for (action, by) in [
            (Action::Take, "UEXEC2"),
            (terminate(), "UMGR1"),
            (Action::Approve { proposal: None }, "UMGR1"),
            (Action::Reject { proposal: None }, "UMGR1"),
        ] {
            assert_eq!(
                step(&mut case, action, by),
                Err(Refusal::Closed {
                    outcome: Outcome::only(Measure::Warning)
                })
            );
        }
    }

    #[test]
    fn a_case_must_be_taken_before_it_is_decided() {
        let mut case = open_case();
        assert_eq!(
            step(
                &mut case,
                Action::Decide(Outcome::only(Measure::Warning)),
                "UMGR1"
            ),
            Err(Refusal::NotTakenYet)
        );
        assert_eq!(
            step(&mut case, Action::Approve { proposal: None }, "UMGR1"),
            Err(Refusal::NothingToApprove)
        );
    }

    #[test]
    fn a_case_without_a_customer_can_only_be_closed_as_no_action_until_named() {
        let mut case = open_case();
        case.customer = None;
        step(&mut case, Action::Take, "UEXEC1").unwrap();
        assert_eq!(
            step(
                &mut case,
                Action::Decide(Outcome::only(Measure::Warning)),
                "UEXEC1"
            ),
            Err(Refusal::CustomerUnknown)
        );
        let acme = CustomerId::parse("acme").unwrap();
        assert_eq!(
            step(&mut case, Action::IdentifyCustomer(acme.clone()), "UAGENT2"),
            Err(Refusal::NotInvolved)
        );
        let event = step(&mut case, Action::IdentifyCustomer(acme.clone()), "UAGENT1").unwrap();
        assert!(matches!(event, Event::CustomerIdentified { .. }));
        case.set_customer(acme.clone(), History::default());
        assert_eq!(
            step(&mut case, Action::IdentifyCustomer(acme.clone()), "UEXEC1"),
            Err(Refusal::CustomerAlreadyKnown(acme))
        );
        assert!(
            step(
                &mut case,
                Action::Decide(Outcome::only(Measure::Warning)),
                "UEXEC1"
            )
            .is_ok()
        );
    }

    fn reacted_to(category: Category) -> Case {
        let mut case = open_case();
        let new = NewCase {
            customer: CustomerId::parse("cust-1"),
            category,
            severity: None,
            promise_failed: None,
            summary: String::new(),
            reporter: user("UAGENT1"),
            reported_from: None,
            evidence: None,
            source: Source::Reaction,
            facts: Default::default(),
        };
        case = Case::open(case.id, new, case.opened_at, History::default());
        case
    }

    #[test]
    fn a_guessed_threat_is_never_critical_until_someone_says_so() {
        let case = reacted_to(Category::Threat);
        assert!(case.unconfirmed);
        assert_eq!(case.severity, Severity::High);
        assert_eq!(
            case.recommendation,
            Step::Caution,
            "no termination on a guess"
        );
    }

    #[test]
    fn the_reporter_confirms_or_changes_the_guess_once() {
        let mut case = reacted_to(Category::VerbalAbuse);
        let confirm = Action::Classify {
            category: None,
            severity: None,
        };
        let (_, event) = case
            .apply(confirm.clone(), &stamp("UAGENT1", 1), &roles(), &policy())
            .unwrap();
        let Event::Classified {
            category, severity, ..
        } = event
        else {
            panic!("{event:?}");
        };
        assert_eq!(
            (category, severity),
            (Category::VerbalAbuse, Severity::High)
        );
        case.set_classification(category, severity);
        assert!(!case.unconfirmed);
        assert_eq!(
            case.apply(confirm, &stamp("UAGENT1", 2), &roles(), &policy()),
            Err(Refusal::ClassificationUnchanged { category, severity }),
            "a second click changes nothing"
        );
        let emergency = Action::Classify {
            category: None,
            severity: Some(Severity::Critical),
        };
        assert_eq!(
            case.apply(emergency.clone(), &stamp("UAGENT2", 2), &roles(), &policy()),
            Err(Refusal::NotInvolvedToClassify)
        );
        let (_, event) = case
            .apply(emergency, &stamp("UAGENT1", 3), &roles(), &policy())
            .unwrap();
        assert!(matches!(
            event,
            Event::Classified {
                severity: Severity::Critical,
                ..
            }
        ));
        case.set_classification(Category::VerbalAbuse, Severity::Critical);
        assert_eq!(case.recommendation, Step::Termination);
    }

    #[test]
    fn the_reporter_takes_decides_and_approves_nothing_on_their_own_case() {
        let mut case = open_case();
        case.reporter = user("UEXEC1");
        assert_eq!(
            step(&mut case, Action::Take, "UEXEC1"),
            Err(Refusal::OwnReport)
        );
        step(&mut case, Action::Take, "UEXEC2").unwrap();
        case.reporter = user("UMGR1");
        assert_eq!(
            step(
                &mut case,
                Action::Decide(Outcome::only(Measure::Warning)),
                "UMGR1"
            ),
            Err(Refusal::OwnReport),
            "a manager may decide any case but their own report"
        );
        step(&mut case, terminate(), "UEXEC2").unwrap();
        assert_eq!(
            step(&mut case, Action::Approve { proposal: None }, "UMGR1"),
            Err(Refusal::OwnReport)
        );
        assert!(Refusal::OwnReport.about_rights().is_some());
        assert!(step(&mut case, Action::Approve { proposal: None }, "UMGR2").is_ok());
    }

    fn prevention_of(case: &Case) -> Option<String> {
        match &case.state {
            CaseState::Closed { decision, .. } => decision.prevention.clone(),
            other => panic!("not decided: {other:?}"),
        }
    }

    #[test]
    fn a_one_click_decision_gets_its_prevention_note_afterwards_and_an_edit_replaces_it() {
        let mut case = open_case();
        let note = |text: &str| Action::RecordPrevention(text.into());
        assert_eq!(
            step(&mut case, note("Two staff"), "UMGR1"),
            Err(Refusal::NotDecidedYet)
        );
        step(&mut case, Action::Take, "UEXEC1").unwrap();
        assert_eq!(
            step(&mut case, note("Two staff"), "UEXEC1"),
            Err(Refusal::NotDecidedYet),
            "a note needs a decision"
        );
        step(
            &mut case,
            Action::Decide(Outcome::only(Measure::Caution)),
            "UEXEC1",
        )
        .unwrap();
        assert_eq!(
            prevention_of(&case),
            None,
            "a one-click decision has no note"
        );
        assert_eq!(
            step(&mut case, note(" \n "), "UEXEC1"),
            Err(Refusal::PreventionEmpty)
        );
        let event = step(&mut case, note("  Two staff on calls  "), "UEXEC1").unwrap();
        assert_eq!(
            event,
            Event::PreventionRecorded {
                by: stamp("UEXEC1", 1),
                edited: false
            }
        );
        assert_eq!(prevention_of(&case).as_deref(), Some("Two staff on calls"));
        assert!(case.is_closed(), "the decision stays as it was");
        let long = "x".repeat(Decision::MAX_PREVENTION_CHARS + 50);
        let event = step(&mut case, note(&long), "UMGR1").unwrap();
        assert!(matches!(
            event,
            Event::PreventionRecorded { edited: true, .. }
        ));
        assert_eq!(
            prevention_of(&case).map(|n| n.chars().count()),
            Some(Decision::MAX_PREVENTION_CHARS),
            "cut to the longest kept, as the forms that decide do"
        );
    }

    #[test]
    fn the_owner_managers_and_the_desk_record_a_prevention_note_and_never_the_reporter() {
        let mut case = open_case();
        step(&mut case, Action::Take, "UEXEC1").unwrap();
        step(&mut case, Action::Decide(Outcome::no_action()), "UEXEC1").unwrap();
        let mut roles = roles();
        roles.desk.members = vec![user("UHR1")];
        let try_as = |case: &Case, by: &str| {
            case.apply(
                Action::RecordPrevention("A script for refunds".into()),
                &stamp(by, 2),
                &roles,
                &policy(),
            )
            .map(|_| ())
        };
        for may in ["UEXEC1", "UMGR1", "UHR1"] {
            assert_eq!(try_as(&case, may), Ok(()), "{may}");
        }
        for (may_not, refusal) in [
            ("UEXEC2", Refusal::NotInvolvedToRecordPrevention),
            ("UAGENT1", Refusal::NotInvolvedToRecordPrevention),
            ("UAGENT2", Refusal::NotInvolvedToRecordPrevention),
        ] {
            assert_eq!(try_as(&case, may_not), Err(refusal.clone()), "{may_not}");
            assert!(refusal.about_rights().is_some());
        }
        case.reporter = user("UMGR1");
        assert_eq!(
            try_as(&case, "UMGR1"),
            Err(Refusal::OwnReport),
            "a manager never writes the decision record of their own report"
        );
        case.reporter = user("UHR1");
        assert_eq!(try_as(&case, "UHR1"), Err(Refusal::OwnReport));
    }

    #[test]
    fn a_zero_refund_is_refused() {
        let mut case = open_case();
        step(&mut case, Action::Take, "UEXEC1").unwrap();
        assert_eq!(
            step(&mut case, Action::Decide(Outcome::refund(0)), "UEXEC1"),
            Err(Refusal::Incomplete(Problem::AmountMissing))
        );
    }
}
