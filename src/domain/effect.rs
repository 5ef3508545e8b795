//! Purpose: what people must be told after something happens to a case. Effects are
//! written to the durable outbox in the same transaction as the change that causes them
//! and delivered to Slack later by `jobs::outbox`; this module only decides which.

use serde::{Deserialize, Serialize};

use super::case::{Case, Decision, Event, Outcome, Proposal};
use super::category::{Category, Severity};
use super::consultation::{AnsweredBy, ConsultEvent, Consultation, Destination};
use super::ids::{CaseId, CustomerId, UserId};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "effect", rename_all = "kebab-case")]
pub enum Effect {
    /// Post the case card to the escalation channel; its thread holds the timeline.
    PostCard,
    /// Re-render the card from the case's state at delivery time, so updates converge
    /// on the latest state however many of them queue up.
    UpdateCard,
    /// Page an executive by direct message, with a button to take the case.
    Page { to: UserId },
    /// The reporter needs someone now: an urgent direct message, whatever the case's state
    /// (a page is only for taking an open case).
    Urgent { to: UserId },
    /// Once the case is taken, edit the pages already sent so nobody else tries to take
    /// it (they say who has it instead).
    UpdatePages,
    /// Nobody took the case after the whole chain was paged: alert the escalation
    /// channel with @here (a thread reply also shown in the channel).
    HereAlert { round: u32, of: u32 },
    /// A timeline reply in the card's thread.
    ThreadNote { note: Note },
    /// Re-render the pending proposal message from the case (its checks changed).
    UpdateProposal,
    /// Edit the proposal message so its Approve/Reject buttons go away.
    ResolveProposal {
        proposal: Proposal,
        resolution: Resolution,
    },
    /// Tell the reporter the case ended, and thank them.
    NotifyReporter,
    /// Tell the reporter of a case they flagged with a reaction (who got no reply),
    /// only them, where they flagged it, that management has it: and ask who the
    /// customer is if the bot could not tell.
    Acknowledge,
    /// Ask the reporter of a closed case how they are, with "I'm fine" and "I'd like to
    /// talk to the desk" (see `check_in`).
    CheckIn,
    /// Re-render the check-in message from the case: answered, or over.
    UpdateCheckIn,
    /// Post a consultation where it goes (see `Consultation::destinations_for`).
    PostConsultation { to: Destination },
    /// Re-render every message a consultation was posted as.
    UpdateConsultation,
    /// A note in the consultation's thread (only when it is posted in full in the
    /// consultation channel).
    ConsultationNote { note: ConsultNote },
    /// Tell whoever consulted what became of it: closed, or turned into a case.
    ConsultationOutcome,
}

/// A note in a consultation's thread.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "note", rename_all = "kebab-case")]
pub enum ConsultNote {
    /// A desk member pressed "I've talked to them".
    Answered {
        by: UserId,
    },
    Closed {
        by: UserId,
    },
    Converted {
        by: UserId,
        case: CaseId,
    },
    FactsAdded {
        by: UserId,
        facts: crate::domain::Facts,
    },
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "note", rename_all = "kebab-case")]
pub enum Note {
    Paged {
        to: Vec<UserId>,
    },
    /// The case waits for a decision (or, with `approval`, a manager's approval).
    Reminder {
        to: Vec<UserId>,
        approval: bool,
    },
    /// Nobody the configuration names may decide the case (or, with `approval`, approve
    /// its proposal), so reminders stop: said in the thread so the case is not forgotten
    /// in silence. They resume at start-up once someone may act.
    NobodyMayAct {
        approval: bool,
    },
    Taken {
        by: UserId,
    },
    Proposal {
        proposal: Proposal,
    },
    Rejected {
        by: UserId,
        outcome: Outcome,
    },
    Closed {
        decision: Decision,
    },
    CustomerIdentified {
        customer: CustomerId,
        by: UserId,
    },
    /// The reporter is kept off the customer (担当替え).
    KeptOff {
        by: UserId,
    },
    /// The reporter answered "are you safe now?".
    Safety {
        by: UserId,
        safe: bool,
    },
    /// Someone added facts to the record.
    FactsAdded {
        by: UserId,
        facts: crate::domain::Facts,
    },
    /// Someone answered the proposal's pending legal review.
    LegalAnswered {
        by: UserId,
        answer: crate::domain::LegalReview,
    },
    /// A decision included a written warning: a draft of it for `to` (who decided) to
    /// check, copy and send. The bot itself never writes to the customer.
    WarningDraft {
        to: UserId,
    },
    /// The category and severity were confirmed (`from` None) or changed.
    Classified {
        by: UserId,
        category: Category,
        severity: Severity,
        from: Option<(Category, Severity)>,
    },
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "resolution", rename_all = "kebab-case")]
pub enum Resolution {
    Approved { by: UserId },
    Rejected { by: UserId },
}

/// Deliveries of one lane go out in order; lanes are independent, so a page never waits
/// behind a card the escalation channel is slow to accept.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Lane {
    EscalationChannel,
    DirectMessage(UserId),
    /// Where a consultation lives: its thread in the consultation channel (and the edits
    /// of its messages).
    Desk,
}

impl Effect {
    pub fn lane(&self, case: &Case) -> Lane {
        match self {
            Effect::Page { to } | Effect::Urgent { to } => Lane::DirectMessage(to.clone()),
            Effect::NotifyReporter
            | Effect::Acknowledge
            | Effect::CheckIn
            | Effect::UpdateCheckIn => Lane::DirectMessage(case.reporter.clone()),
            // A consultation's deliveries are never queued for a case.
            Effect::PostConsultation { .. }
            | Effect::UpdateConsultation
            | Effect::ConsultationNote { .. }
            | Effect::ConsultationOutcome => Lane::Desk,
            Effect::PostCard
            | Effect::UpdateCard
            | Effect::UpdatePages
            | Effect::HereAlert { .. }
            | Effect::ThreadNote { .. }
            | Effect::ResolveProposal { .. }
            | Effect::UpdateProposal => Lane::EscalationChannel,
        }
    }

    /// The lane of a consultation's delivery: its thread and edits on the desk's lane,
    /// each direct message on its own.
    pub fn consultation_lane(&self, consultation: &Consultation) -> Lane {
        match self {
            Effect::PostConsultation {
                to: Destination::Member { user },
            } => Lane::DirectMessage(user.clone()),
            Effect::ConsultationOutcome => Lane::DirectMessage(consultation.reporter.clone()),
            _ => Lane::Desk,
        }
    }

    /// Every name [`Effect::name`] gives, for the catalogs' words for them.
    pub const NAMES: [&'static str; 17] = [
        "post-card",
        "update-card",
        "update-pages",
        "page",
        "urgent",
        "here-alert",
        "thread-note",
        "resolve-proposal",
        "update-proposal",
        "notify-reporter",
        "acknowledge",
        "check-in",
        "update-check-in",
        "post-consultation",
        "update-consultation",
        "consultation-note",
        "consultation-outcome",
    ];

    /// A short name for logs and the audit trail.
    pub fn name(&self) -> &'static str {
        match self {
            Effect::PostCard => "post-card",
            Effect::UpdateCard => "update-card",
            Effect::UpdatePages => "update-pages",
            Effect::Page { .. } => "page",
            Effect::Urgent { .. } => "urgent",
            Effect::HereAlert { .. } => "here-alert",
            Effect::ThreadNote { .. } => "thread-note",
            Effect::ResolveProposal { .. } => "resolve-proposal",
            Effect::UpdateProposal => "update-proposal",
            Effect::NotifyReporter => "notify-reporter",
            Effect::Acknowledge => "acknowledge",
            Effect::CheckIn => "check-in",
            Effect::UpdateCheckIn => "update-check-in",
            Effect::PostConsultation { .. } => "post-consultation",
            Effect::UpdateConsultation => "update-consultation",
            Effect::ConsultationNote { .. } => "consultation-note",
            Effect::ConsultationOutcome => "consultation-outcome",
        }
    }

    /// The deliveries that follow something that happened to a consultation. Notes go to
    /// its thread only when the channel has it in full (a member the reporter chose has
    /// it alone, by direct message, and sees the card change).
    pub fn for_consultation(event: &ConsultEvent, consultation: &Consultation) -> Vec<Effect> {
        let in_thread = consultation.chosen.is_none()
            && consultation.destinations.contains(&Destination::Channel);
        let note = |note: ConsultNote| in_thread.then_some(Effect::ConsultationNote { note });
        match event {
            ConsultEvent::Opened { .. } => consultation
                .destinations
                .iter()
                .map(|to| Effect::PostConsultation { to: to.clone() })
                .collect(),
            ConsultEvent::Answered { by, how } => {
                let mut effects = vec![Effect::UpdateConsultation];
                // A reply in the thread is its own note.
                if *how == AnsweredBy::Button {
                    effects.extend(note(ConsultNote::Answered { by: by.by.clone() }));
                }
                effects
            }
            ConsultEvent::Closed { by } => {
                let mut effects = vec![Effect::UpdateConsultation];
                effects.extend(note(ConsultNote::Closed { by: by.by.clone() }));
                effects.push(Effect::ConsultationOutcome);
                effects
            }
            ConsultEvent::Converted { by, case } => {
                let mut effects = vec![Effect::UpdateConsultation];
                effects.extend(note(ConsultNote::Converted {
                    by: by.by.clone(),
                    case: *case,
                }));
                effects.push(Effect::ConsultationOutcome);
                effects
            }
            ConsultEvent::FactsAdded { facts, by } => {
                let mut effects = vec![Effect::UpdateConsultation];
                effects.extend(note(ConsultNote::FactsAdded {
                    by: by.by.clone(),
                    facts: facts.clone(),
                }));
                effects
            }
            ConsultEvent::Notified { .. } => Vec::new(),
        }
    }

    /// The effects that follow `event`. Paging is `paging::on_open`'s and the timers'.
    pub fn for_event(event: &Event) -> Vec<Effect> {
        match event {
            Event::Opened { .. } => vec![Effect::PostCard],
            Event::Taken { by } => vec![
                Effect::UpdateCard,
                Effect::UpdatePages,
                Effect::ThreadNote {
                    note: Note::Taken { by: by.by.clone() },
                },
            ],
            Event::Proposed { proposal } => vec![
                Effect::UpdateCard,
                Effect::ThreadNote {
                    note: Note::Proposal {
                        proposal: proposal.clone(),
                    },
                },
            ],
            Event::Rejected { by, proposal } => vec![
                Effect::UpdateCard,
                Effect::ResolveProposal {
                    proposal: proposal.clone(),
                    resolution: Resolution::Rejected { by: by.by.clone() },
                },
                Effect::ThreadNote {
                    note: Note::Rejected {
                        by: by.by.clone(),
                        outcome: proposal.outcome,
                    },
                },
            ],
            Event::ReporterKeptOff { by } => vec![
                Effect::UpdateCard,
                Effect::ThreadNote {
                    note: Note::KeptOff { by: by.by.clone() },
                },
            ],
            // Who is paged when the reporter needs someone is `paging::someone_now`'s.
            Event::SafetyAnswered { safe, by } => vec![Effect::ThreadNote {
                note: Note::Safety {
                    by: by.by.clone(),
                    safe: *safe,
                },
            }],
            Event::FactsAdded { facts, by } => vec![
                Effect::UpdateCard,
                Effect::ThreadNote {
                    note: Note::FactsAdded {
                        by: by.by.clone(),
                        facts: facts.clone(),
                    },
                },
            ],
            // The answer is for the record, not the case thread (management reads it): the
            // check-in message changes, and "talk to the desk" opens a consultation, whose
            // deliveries are the store's to add.
            Event::CheckInAnswered { .. } => vec![Effect::UpdateCheckIn],
            Event::LegalAnswered { answer, by } => vec![
                Effect::UpdateCard,
                Effect::UpdateProposal,
                Effect::ThreadNote {
                    note: Note::LegalAnswered {
                        by: by.by.clone(),
                        answer: *answer,
                    },
                },
            ],
            // What the bot did on its own is logged after the fact; nothing follows it.
            Event::Notified { .. } => Vec::new(),
            // The card shows the note; the trail says who wrote it.
            Event::PreventionRecorded { .. } => vec![Effect::UpdateCard],
            Event::CustomerIdentified { customer, by } => vec![
                Effect::UpdateCard,
                Effect::ThreadNote {
                    note: Note::CustomerIdentified {
                        customer: customer.clone(),
                        by: by.by.clone(),
                    },
                },
            ],
            // Pages re-render too: a page of a category that turned private stops
            // describing the case. Paging more people is `paging::after_classified`'s.
            Event::Classified {
                category,
                severity,
                from_category,
                from_severity,
                by,
            } => {
                let changed = (category, severity) != (from_category, from_severity);
                vec![
                    Effect::UpdateCard,
                    Effect::UpdatePages,
                    Effect::ThreadNote {
                        note: Note::Classified {
                            by: by.by.clone(),
                            category: *category,
                            severity: *severity,
                            from: changed.then_some((*from_category, *from_severity)),
                        },
                    },
                ]
            }
            Event::Closed { decision } => {
                let mut effects = vec![Effect::UpdateCard];
                if let Some(approved) = &decision.approved {
                    effects.push(Effect::ResolveProposal {
                        proposal: Proposal {
                            outcome: decision.outcome,
                            proposed: decision.decided.clone(),
                            checks: decision.checks.clone(),
                            prevention: decision.prevention.clone(),
                        },
                        resolution: Resolution::Approved {
                            by: approved.by.clone(),
                        },
                    });
                }
                effects.push(Effect::ThreadNote {
                    note: Note::Closed {
                        decision: decision.clone(),
                    },
                });
                if decision.outcome.has(super::case::Measure::Warning) {
                    effects.push(Effect::ThreadNote {
                        note: Note::WarningDraft {
                            to: decision.decided.by.clone(),
                        },
                    });
                }
                effects.push(Effect::NotifyReporter);
                effects
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::Measure;
    use crate::domain::case::tests::stamp;

    #[test]
    fn opening_a_case_posts_the_card() {
        let opened = Event::Opened {
            by: stamp("UAGENT1", 0),
        };
        assert_eq!(Effect::for_event(&opened), vec![Effect::PostCard]);
    }

    #[test]
    fn closing_a_case_tells_the_reporter() {
        let decision = Decision {
            outcome: Outcome::only(Measure::Warning),
            decided: stamp("UEXEC1", 1),
            approved: None,
            policy_version: "v".into(),
            checks: None,
            prevention: None,
        };
        let effects = Effect::for_event(&Event::Closed { decision });
        assert_eq!(effects.first(), Some(&Effect::UpdateCard));
        assert_eq!(effects.last(), Some(&Effect::NotifyReporter));
        assert!(
            !effects
                .iter()
                .any(|e| matches!(e, Effect::ResolveProposal { .. }))
        );
    }
}
