//! Purpose: what the proposer of a suspension or a termination answers before it can be
//! proposed, and the approver sees on the card (the MHLW guideline's cautions): is there a
//! legitimate complaint underneath, and has it been answered; has reasonable accommodation
//! been considered (障害者差別解消法); does a duty to keep serving apply; which clause of the
//! terms; has legal reviewed it (法務確認). "Pending" legal review blocks approval until
//! someone answers it. The answers travel with the proposal into the decision record.

use serde::{Deserialize, Serialize};

/// Is there a legitimate complaint underneath (a real failing of ours), and has it been
/// answered? A valid complaint made abusively is still abuse, but it must be answered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Complaint {
    /// No legitimate complaint underneath.
    None,
    /// There is one, and it has been answered.
    Answered,
    /// There is one, not answered yet.
    Unanswered,
}

/// Has reasonable accommodation (合理的配慮) been considered?
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Accommodation {
    Considered,
    /// Nothing suggests a disability is involved.
    NotRelevant,
    NotConsidered,
}

/// Does a duty to keep serving apply (a lifeline or a regulated service)?
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum DutyToServe {
    No,
    Yes,
    Unsure,
}

/// Has legal reviewed it (法務確認)?
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum LegalReview {
    Reviewed,
    NotNeeded,
    /// Asked, no answer yet: the proposal cannot be approved until someone answers.
    Pending,
}

/// The answers, as given with the proposal (and, for the legal review, updated after).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Checks {
    pub complaint: Complaint,
    pub accommodation: Accommodation,
    pub duty_to_serve: DutyToServe,
    /// The clause of the terms the measure rests on, as the proposer wrote it.
    pub clause: String,
    pub legal: LegalReview,
}

impl Checks {
    /// The longest clause kept (a Block Kit field holds 2,000 characters).
    pub const MAX_CLAUSE_CHARS: usize = 500;

    /// Answers that an approver should look at twice: a complaint not yet answered, no
    /// accommodation considered, a duty to serve that applies or may. They do not block
    /// approval (people decide); the card marks them.
    pub fn concerns(&self) -> bool {
        self.complaint == Complaint::Unanswered
            || self.accommodation == Accommodation::NotConsidered
            || self.duty_to_serve != DutyToServe::No
    }
}

/// A slug for each answer, as the form's options and the audit carry them.
pub trait Slug: Sized + Copy + 'static {
    const ALL: &'static [Self];
    fn slug(self) -> &'static str;
    fn parse(s: &str) -> Option<Self> {
        Self::ALL.iter().copied().find(|a| a.slug() == s)
    }
}

impl Slug for Complaint {
    const ALL: &'static [Self] = &[Complaint::None, Complaint::Answered, Complaint::Unanswered];
    fn slug(self) -> &'static str {
        match self {
            Complaint::None => "none",
            Complaint::Answered => "answered",
            Complaint::Unanswered => "unanswered",
        }
    }
}

impl Slug for Accommodation {
    const ALL: &'static [Self] = &[
        Accommodation::Considered,
        Accommodation::NotRelevant,
        Accommodation::NotConsidered,
    ];
    fn slug(self) -> &'static str {
        match self {
            Accommodation::Considered => "considered",
            Accommodation::NotRelevant => "not-relevant",
            Accommodation::NotConsidered => "not-considered",
        }
    }
}

impl Slug for DutyToServe {
    const ALL: &'static [Self] = &[DutyToServe::No, DutyToServe::Yes, DutyToServe::Unsure];
    fn slug(self) -> &'static str {
        match self {
            DutyToServe::No => "no",
            DutyToServe::Yes => "yes",
            DutyToServe::Unsure => "unsure",
        }
    }
}

impl Slug for LegalReview {
    const ALL: &'static [Self] = &[
        LegalReview::Reviewed,
        LegalReview::NotNeeded,
        LegalReview::Pending,
    ];
    fn slug(self) -> &'static str {
        match self {
            LegalReview::Reviewed => "reviewed",
            LegalReview::NotNeeded => "not-needed",
            LegalReview::Pending => "pending",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_answer_parses_back_from_its_slug() {
        for a in Complaint::ALL {
            assert_eq!(Complaint::parse(a.slug()), Some(*a));
        }
        for a in Accommodation::ALL {
            assert_eq!(Accommodation::parse(a.slug()), Some(*a));
        }
        for a in DutyToServe::ALL {
            assert_eq!(DutyToServe::parse(a.slug()), Some(*a));
        }
        for a in LegalReview::ALL {
            assert_eq!(LegalReview::parse(a.slug()), Some(*a));
        }
    }

    #[test]
    fn concerns_are_marked_but_a_clean_set_is_not() {
        let clean = Checks {
            complaint: Complaint::Answered,
            accommodation: Accommodation::NotRelevant,
            duty_to_serve: DutyToServe::No,
            clause: "Art. 12".into(),
            legal: LegalReview::Pending,
        };
        assert!(!clean.concerns());
        assert!(
            Checks {
                duty_to_serve: DutyToServe::Unsure,
                ..clean
            }
            .concerns()
        );
    }
}
