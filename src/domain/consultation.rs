//! Purpose: a consultation (相談): someone on the staff asks the consultation desk (相談窓口,
//! `people.consultation_desk`, often HR) for advice, for instance because they are not sure
//! what happened is harassment. No customer or category is needed and no executive is
//! paged; the record keeps what they wrote (the same facts as a case's, only "what
//! happened" required), whom they chose to talk to, and an audit trail. The desk answers
//! the reporter (in the thread or directly), closes it ("advice given") or turns it into a
//! case, which keeps the record and the reporter. Pure: who may do what, and what each
//! step records; the store persists it.
//!
//! Privacy (the guideline's 併せて講ずべき措置): a consultation is described only to the
//! desk. When the reporter chose a member, only that member gets the details and may act
//! on it. Elsewhere (the weekly report) consultations are a number.

use jiff::Timestamp;
use serde::{Deserialize, Serialize};

use super::case::{Evidence, MessageRef, Notice, Stamp};
use super::facts::{Addition, Facts};
use super::ids::{CaseId, ChannelId, ConsultationId, UserId};
use super::policy::Roles;

/// The consultation desk as configured.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Desk {
    /// `people.consultation_desk`, in the order the configuration lists them.
    pub members: Vec<UserId>,
    /// `slack.consultation_channel` is set: consultations are posted there (a thread
    /// each); without it each member gets them by direct message.
    pub channel: bool,
}

impl Desk {
    pub fn is_member(&self, user: &UserId) -> bool {
        self.members.contains(user)
    }

    /// Whom `reporter` may choose to talk to: the desk, except themselves.
    pub fn choices(&self, reporter: &UserId) -> Vec<UserId> {
        let mut choices: Vec<UserId> = Vec::new();
        for member in &self.members {
            if member != reporter && !choices.contains(member) {
                choices.push(member.clone());
            }
        }
        choices
    }
}

/// Where a consultation is posted.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "to", rename_all = "kebab-case")]
pub enum Destination {
    /// The consultation channel: the consultation in full (or, when the reporter chose a
    /// member, one line saying who has it, with no details).
    Channel,
    /// A desk member's direct messages: the consultation in full.
    Member { user: UserId },
}

/// How a consultation was asked for.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ConsultSource {
    /// `/escalate consult <what happened>`.
    #[default]
    Command,
    /// The consult form (`/escalate consult`, or the choice in the escalation form).
    Form,
    /// The consult form opened on a message (the shortcut, then the choice).
    Shortcut,
    /// The follow-up to a case opened from a reaction: its reporter asked for advice.
    Reaction,
    /// The check-in after a case closed: its reporter asked to talk to the desk.
    CheckIn,
}

/// What someone gives us to open a consultation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewConsultation {
    pub reporter: UserId,
    /// What happened, or what they would like advice on. Required, except from a
    /// check-in (the case says what happened).
    pub summary: String,
    pub facts: Facts,
    pub evidence: Option<Evidence>,
    pub reported_from: Option<ChannelId>,
    /// The desk member they chose to talk to, if any.
    pub chosen: Option<UserId>,
    pub source: ConsultSource,
    /// The case it is about (the reaction's, or the closed case of a check-in).
    pub about: Option<CaseId>,
}

impl NewConsultation {
    pub const MAX_SUMMARY_CHARS: usize = super::case::NewCase::MAX_SUMMARY_CHARS;
}

/// Where a consultation stands.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "state", rename_all = "kebab-case")]
pub enum ConsultState {
    Open,
    /// The desk closed it: advice given.
    Closed {
        by: Stamp,
    },
    /// The desk turned it into a case.
    Converted {
        by: Stamp,
        case: CaseId,
    },
}

/// A message the consultation was posted as, in a desk member's direct messages.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeskMessage {
    pub to: UserId,
    pub message: MessageRef,
}

/// What the delivery worker posted for a consultation. Bookkeeping, not state.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConsultPosts {
    /// The post in the consultation channel, whose thread is the consultation's.
    pub thread: Option<MessageRef>,
    pub dms: Vec<DeskMessage>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Consultation {
    pub id: ConsultationId,
    pub reporter: UserId,
    pub summary: String,
    #[serde(default)]
    pub facts: Facts,
    /// Facts added later, each with who and when; never rewritten.
    #[serde(default)]
    pub additions: Vec<Addition>,
    #[serde(default)]
    pub evidence: Option<Evidence>,
    #[serde(default)]
    pub reported_from: Option<ChannelId>,
    #[serde(default)]
    pub chosen: Option<UserId>,
    #[serde(default)]
    pub source: ConsultSource,
    #[serde(default)]
    pub about: Option<CaseId>,
    pub opened_at: Timestamp,
    pub state: ConsultState,
    /// The desk's first answer: its first reply in the thread, "I've talked to them", or
    /// closing or turning it into a case, whichever came first (for the time to a first
    /// answer).
    #[serde(default)]
    pub first_answer: Option<Stamp>,
    /// Where it was posted, decided when it opened.
    #[serde(default)]
    pub destinations: Vec<Destination>,
    #[serde(default)]
    pub posts: ConsultPosts,
    /// When `store.retention` reduced it to its counts (see `retention`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub erased: Option<Timestamp>,
}

/// How the desk's first answer was seen.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum AnsweredBy {
    /// A desk member replied in the consultation's thread.
    ThreadReply,
    /// A desk member pressed "I've talked to them".
    Button,
}

/// Something that happened to a consultation: its audit trail.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "event", rename_all = "kebab-case")]
pub enum ConsultEvent {
    Opened {
        by: Stamp,
    },
    /// The desk answered for the first time.
    Answered {
        by: Stamp,
        how: AnsweredBy,
    },
    /// Closed: advice given.
    Closed {
        by: Stamp,
    },
    /// Turned into a case, which keeps the record and the reporter.
    Converted {
        by: Stamp,
        case: CaseId,
    },
    FactsAdded {
        facts: Facts,
        by: Stamp,
    },
    /// What the bot did on its own, or a refusal (as on a case's trail).
    Notified {
        notice: Notice,
        at: Timestamp,
    },
}

impl ConsultEvent {
    pub fn name(&self) -> &'static str {
        match self {
            ConsultEvent::Opened { .. } => "opened",
            ConsultEvent::Answered { .. } => "answered",
            ConsultEvent::Closed { .. } => "closed",
            ConsultEvent::Converted { .. } => "converted",
            ConsultEvent::FactsAdded { .. } => "facts-added",
            ConsultEvent::Notified { .. } => "notified",
        }
    }
}

/// A person's action on a consultation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ConsultAction {
    /// "I've talked to them": the desk's first answer, outside the thread.
    Answered,
    /// "Close: advice given".
    Close,
    /// "Turn into a case", with what a case needs that a consultation does not have.
    Convert(Conversion),
    AddFacts(Facts),
}

impl ConsultAction {
    pub fn name(&self) -> &'static str {
        match self {
            ConsultAction::Answered => "consultation-answered",
            ConsultAction::Close => "consultation-close",
            ConsultAction::Convert(_) => "consultation-convert",
            ConsultAction::AddFacts(_) => "add-facts",
        }
    }
}

/// What the desk says about the case a consultation becomes: a case needs a category; the
/// customer may be named now or later.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Conversion {
    pub customer: Option<super::ids::CustomerId>,
    pub category: super::category::Category,
    /// `None` takes the category's default.
    pub severity: Option<super::category::Severity>,
}

/// Why an action on a consultation was refused. It leaves the consultation as it was.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ConsultRefusal {
    /// Only the consultation desk answers, closes or converts.
    DeskOnly,
    /// The reporter chose to talk to this member: only they act on it.
    ChosenOnly(UserId),
    /// A desk member who asked for it themselves: another member handles it.
    OwnConsultation,
    /// Only the reporter and the desk add facts.
    NotInvolvedToAddFacts,
    Closed,
    Converted(CaseId),
    /// The desk's first answer is already on the record.
    AlreadyAnswered,
    NothingToAdd,
}

impl ConsultRefusal {
    /// Every name [`ConsultRefusal::about_rights`] gives, for the catalogs' words for them.
    pub const RIGHTS: [&'static str; 4] = [
        "desk-only",
        "chosen-only",
        "own-consultation",
        "not-involved-in-consultation",
    ];

    /// For a refusal about who may act, a short name for the audit trail and the metrics.
    pub fn about_rights(&self) -> Option<&'static str> {
        Some(match self {
            ConsultRefusal::DeskOnly => "desk-only",
            ConsultRefusal::ChosenOnly(_) => "chosen-only",
            ConsultRefusal::OwnConsultation => "own-consultation",
            ConsultRefusal::NotInvolvedToAddFacts => "not-involved-in-consultation",
            ConsultRefusal::Closed
            | ConsultRefusal::Converted(_)
            | ConsultRefusal::AlreadyAnswered
            | ConsultRefusal::NothingToAdd => return None,
        })
    }
}

impl Consultation {
    pub fn open(
        id: ConsultationId,
        new: NewConsultation,
        at: Timestamp,
        desk: &Desk,
    ) -> Consultation {
        let destinations = Consultation::destinations_for(&new.reporter, new.chosen.as_ref(), desk);
        Consultation {
            id,
            reporter: new.reporter,
            summary: new.summary,
            facts: new.facts,
            additions: Vec::new(),
            evidence: new.evidence,
            reported_from: new.reported_from,
            chosen: new.chosen,
            source: new.source,
            about: new.about,
            opened_at: at,
            state: ConsultState::Open,
            first_answer: None,
            destinations,
            posts: ConsultPosts::default(),
            erased: None,
        }
    }

    /// Where a consultation goes. A member the reporter chose gets it alone, by direct
    /// message, whatever else is configured; the channel (if any) gets one line saying who
    /// has it. Otherwise the channel, or each member (but the reporter) by direct message.
    /// Empty when nobody on the desk can be reached (it is only the reporter, or nobody).
    pub fn destinations_for(
        reporter: &UserId,
        chosen: Option<&UserId>,
        desk: &Desk,
    ) -> Vec<Destination> {
        let choices = desk.choices(reporter);
        if let Some(chosen) = chosen.filter(|c| choices.contains(c)) {
            let mut to = vec![Destination::Member {
                user: chosen.clone(),
            }];
            if desk.channel {
                to.insert(0, Destination::Channel);
            }
            return to;
        }
        if choices.is_empty() {
            return Vec::new();
        }
        if desk.channel {
            vec![Destination::Channel]
        } else {
            choices
                .into_iter()
                .map(|user| Destination::Member { user })
                .collect()
        }
    }

    pub fn is_open(&self) -> bool {
        matches!(self.state, ConsultState::Open)
    }

    /// When it was closed or turned into a case.
    pub fn ended_at(&self) -> Option<Timestamp> {
        match &self.state {
            ConsultState::Open => None,
            ConsultState::Closed { by } | ConsultState::Converted { by, .. } => Some(by.at),
        }
    }

    /// Whether `user` may act for the desk on it: a member (the chosen one, if the
    /// reporter chose), not its reporter.
    pub fn check_desk(&self, user: &UserId, roles: &Roles) -> Result<(), ConsultRefusal> {
        if !roles.desk.is_member(user) {
            return Err(ConsultRefusal::DeskOnly);
        }
        if *user == self.reporter {
            return Err(ConsultRefusal::OwnConsultation);
        }
        match &self.chosen {
            Some(chosen) if chosen != user => Err(ConsultRefusal::ChosenOnly(chosen.clone())),
            _ => Ok(()),
        }
    }

    /// Whether `actor` may do `action` now, and if not, why. Rights first, then where the
    /// consultation stands.
    pub fn check(
        &self,
        action: &ConsultAction,
        actor: &UserId,
        roles: &Roles,
    ) -> Result<(), ConsultRefusal> {
        match action {
            ConsultAction::AddFacts(facts) => {
                if facts.is_empty() {
                    return Err(ConsultRefusal::NothingToAdd);
                }
                if *actor != self.reporter && self.check_desk(actor, roles).is_err() {
                    return Err(ConsultRefusal::NotInvolvedToAddFacts);
                }
                // Facts are added to an ended consultation too: the record grows.
                Ok(())
            }
            ConsultAction::Answered | ConsultAction::Close | ConsultAction::Convert(_) => {
                self.check_desk(actor, roles)?;
                match &self.state {
                    ConsultState::Closed { .. } => return Err(ConsultRefusal::Closed),
                    ConsultState::Converted { case, .. } => {
                        return Err(ConsultRefusal::Converted(*case));
                    }
                    ConsultState::Open => {}
                }
                if *action == ConsultAction::Answered && self.first_answer.is_some() {
                    return Err(ConsultRefusal::AlreadyAnswered);
                }
                Ok(())
            }
        }
    }

    /// Records `event` on the consultation (its audit entry is the store's).
    pub fn record(&mut self, event: &ConsultEvent) {
        match event {
            ConsultEvent::Opened { .. } | ConsultEvent::Notified { .. } => {}
            ConsultEvent::Answered { by, .. } => {
                self.first_answer.get_or_insert_with(|| by.clone());
            }
            ConsultEvent::Closed { by } => {
                self.first_answer.get_or_insert_with(|| by.clone());
                self.state = ConsultState::Closed { by: by.clone() };
            }
            ConsultEvent::Converted { by, case } => {
                self.first_answer.get_or_insert_with(|| by.clone());
                self.state = ConsultState::Converted {
                    by: by.clone(),
                    case: *case,
                };
            }
            ConsultEvent::FactsAdded { facts, by } => self.additions.push(Addition {
                by: by.clone(),
                facts: facts.clone(),
            }),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::Category;
    use crate::domain::case::tests::{roles, stamp, user};

    fn convert() -> ConsultAction {
        ConsultAction::Convert(Conversion {
            customer: None,
            category: Category::Other,
            severity: None,
        })
    }

    fn desk(channel: bool) -> Desk {
        Desk {
            members: vec![user("UHR1"), user("UHR2"), user("UAGENT1")],
            channel,
        }
    }

    fn new(chosen: Option<&str>) -> NewConsultation {
        NewConsultation {
            reporter: user("UAGENT1"),
            summary: "He kept asking where I live".into(),
            facts: Facts::default(),
            evidence: None,
            reported_from: None,
            chosen: chosen.map(user),
            source: ConsultSource::Form,
            about: None,
        }
    }

    fn open(chosen: Option<&str>, channel: bool) -> Consultation {
        Consultation::open(
            ConsultationId::new(1),
            new(chosen),
            stamp("UAGENT1", 0).at,
            &desk(channel),
        )
    }

    #[test]
    fn a_chosen_member_alone_gets_the_details_and_the_channel_only_a_line() {
        let member = Destination::Member { user: user("UHR2") };
        assert_eq!(
            open(Some("UHR2"), true).destinations,
            [Destination::Channel, member.clone()]
        );
        assert_eq!(open(Some("UHR2"), false).destinations, [member]);
        assert_eq!(open(None, true).destinations, [Destination::Channel]);
        assert_eq!(
            open(None, false).destinations,
            [
                Destination::Member { user: user("UHR1") },
                Destination::Member { user: user("UHR2") }
            ],
            "never the reporter, who is on the desk too"
        );
        assert_eq!(
            open(Some("UAGENT1"), false).destinations.len(),
            2,
            "choosing oneself is no choice"
        );
        let only_me = Desk {
            members: vec![user("UAGENT1")],
            channel: true,
        };
        assert!(Consultation::destinations_for(&user("UAGENT1"), None, &only_me).is_empty());
    }

    #[test]
    fn only_the_desk_and_only_the_chosen_member_act_and_never_on_their_own() {
        let roles = Roles {
            desk: desk(true),
            ..roles()
        };
        let mut c = open(Some("UHR2"), true);
        assert_eq!(
            c.check(&ConsultAction::Close, &user("UMGR1"), &roles),
            Err(ConsultRefusal::DeskOnly),
            "managers are not the desk"
        );
        assert_eq!(
            c.check(&ConsultAction::Close, &user("UHR1"), &roles),
            Err(ConsultRefusal::ChosenOnly(user("UHR2")))
        );
        assert_eq!(
            c.check(&ConsultAction::Close, &user("UHR2"), &roles),
            Ok(())
        );
        c.chosen = None;
        c.reporter = user("UHR1");
        assert_eq!(
            c.check(&convert(), &user("UHR1"), &roles),
            Err(ConsultRefusal::OwnConsultation)
        );
        let facts = ConsultAction::AddFacts(Facts {
            minutes: Some(5),
            ..Facts::default()
        });
        assert_eq!(
            c.check(&facts, &user("UHR1"), &roles),
            Ok(()),
            "the reporter"
        );
        assert_eq!(c.check(&facts, &user("UHR2"), &roles), Ok(()), "the desk");
        assert_eq!(
            c.check(&facts, &user("UEXEC1"), &roles),
            Err(ConsultRefusal::NotInvolvedToAddFacts)
        );
    }

    #[test]
    fn the_first_answer_is_kept_and_an_ended_consultation_changes_no_more() {
        let roles = Roles {
            desk: desk(false),
            ..roles()
        };
        let mut c = open(None, false);
        c.record(&ConsultEvent::Answered {
            by: stamp("UHR1", 5),
            how: AnsweredBy::ThreadReply,
        });
        assert_eq!(
            c.check(&ConsultAction::Answered, &user("UHR2"), &roles),
            Err(ConsultRefusal::AlreadyAnswered)
        );
        c.record(&ConsultEvent::Closed {
            by: stamp("UHR2", 9),
        });
        assert_eq!(c.first_answer, Some(stamp("UHR1", 5)));
        assert_eq!(c.ended_at(), Some(stamp("UHR2", 9).at));
        assert_eq!(
            c.check(&convert(), &user("UHR1"), &roles),
            Err(ConsultRefusal::Closed)
        );
    }
}
