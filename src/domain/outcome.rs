//! Purpose: what the company does about a customer once a case is decided: one or more
//! measures (注意, 書面警告, 窓口・手段の限定, 利用停止, 契約解除, 返金, 先方への申し入れ,
//! 警察相談・被害届, 弁護士相談), or 措置なし（カスハラ非該当） alone, with the details some of
//! them carry (the refund's amount, the suspension's last day, how contact is limited).
//! Pure data and its checks; which outcomes need an approver is the policy's to say.
//!
//! Records written before outcomes could combine (`{"kind":"refund-and-termination",
//! "amount":…}`, and the bare kind slugs of customer histories and weekly aggregates)
//! still read: see `OutcomeWire` and `Measures`'s `Deserialize`.

use std::fmt;
use std::marker::PhantomData;

use jiff::civil::Date;
use serde::de::{self, Deserializer, SeqAccess, Visitor};
use serde::ser::{SerializeSeq, Serializer};
use serde::{Deserialize, Serialize};

/// One measure. The order is the ladder's, then the rest: it is the order people read
/// them in (cards, the report, the export).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Measure {
    /// 注意: a verbal caution.
    Caution,
    /// 書面警告: a written warning (the owner sends it; the bot drafts it). Its slug is the
    /// old "warning" outcome's, which it continues.
    Warning,
    /// 窓口・手段の限定: contact only by email, through a named contact, at fixed hours.
    ContactRestriction,
    /// 利用停止: service suspended until a date.
    Suspension,
    /// 契約解除: the customer relationship ends.
    Termination,
    Refund,
    /// 先方への申し入れ: a formal request to the customer company (B2B: the abuser often
    /// works for our customer).
    FormalRequest,
    /// 警察相談・被害届.
    Police,
    /// 弁護士相談.
    Lawyer,
    /// 措置なし（カスハラ非該当）: not harassment after all. Never combined with another.
    NoAction,
}

impl Measure {
    pub const ALL: [Measure; 10] = [
        Measure::Caution,
        Measure::Warning,
        Measure::ContactRestriction,
        Measure::Suspension,
        Measure::Termination,
        Measure::Refund,
        Measure::FormalRequest,
        Measure::Police,
        Measure::Lawyer,
        Measure::NoAction,
    ];

    pub fn slug(self) -> &'static str {
        match self {
            Measure::Caution => "caution",
            Measure::Warning => "warning",
            Measure::ContactRestriction => "contact-restriction",
            Measure::Suspension => "suspension",
            Measure::Termination => "termination",
            Measure::Refund => "refund",
            Measure::FormalRequest => "formal-request",
            Measure::Police => "police",
            Measure::Lawyer => "lawyer",
            Measure::NoAction => "no-action",
        }
    }

    pub fn parse(s: &str) -> Option<Measure> {
        Measure::ALL.into_iter().find(|m| m.slug() == s)
    }

    /// Measures that carry a detail asked in the outcome form (an amount, a date, how
    /// contact is limited): a button for one of them opens the form.
    pub fn needs_details(self) -> bool {
        matches!(
            self,
            Measure::Refund | Measure::Suspension | Measure::ContactRestriction
        )
    }

    fn bit(self) -> u16 {
        1 << (self as u16)
    }
}

/// How contact with the customer is limited (窓口・手段の限定).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Contact {
    /// By email only (no calls, no chat).
    EmailOnly,
    /// Through one named contact only.
    NamedContact,
    /// At fixed hours only.
    FixedHours,
}

impl Contact {
    pub const ALL: [Contact; 3] = [
        Contact::EmailOnly,
        Contact::NamedContact,
        Contact::FixedHours,
    ];

    pub fn slug(self) -> &'static str {
        match self {
            Contact::EmailOnly => "email-only",
            Contact::NamedContact => "named-contact",
            Contact::FixedHours => "fixed-hours",
        }
    }

    pub fn parse(s: &str) -> Option<Contact> {
        Contact::ALL.into_iter().find(|c| c.slug() == s)
    }

    fn bit(self) -> u16 {
        1 << (self as u16)
    }
}

/// Something a `Set` can hold: a small enum with a bit each.
pub trait Member: Copy + Serialize + for<'de> Deserialize<'de> + 'static {
    const EVERY: &'static [Self];
    fn mask(self) -> u16;
}

impl Member for Measure {
    const EVERY: &'static [Self] = &Measure::ALL;
    fn mask(self) -> u16 {
        self.bit()
    }
}

impl Member for Contact {
    const EVERY: &'static [Self] = &Contact::ALL;
    fn mask(self) -> u16 {
        self.bit()
    }
}

/// A set of measures (or contact limits), `Copy` so an outcome stays a plain value.
/// Serialized as a list of slugs in order.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct Set<T: Member> {
    bits: u16,
    _of: PhantomData<T>,
}

pub type Measures = Set<Measure>;
pub type Contacts = Set<Contact>;

impl<T: Member> Default for Set<T> {
    fn default() -> Self {
        Set {
            bits: 0,
            _of: PhantomData,
        }
    }
}

impl<T: Member> Set<T> {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn of(items: impl IntoIterator<Item = T>) -> Self {
        let mut set = Self::new();
        for item in items {
            set.insert(item);
        }
        set
    }

    pub fn insert(&mut self, item: T) {
        self.bits |= item.mask();
    }

    pub fn with(mut self, item: T) -> Self {
        self.insert(item);
        self
    }

    pub fn contains(self, item: T) -> bool {
        self.bits & item.mask() != 0
    }

    pub fn is_empty(self) -> bool {
        self.bits == 0
    }

    pub fn len(self) -> usize {
        self.bits.count_ones() as usize
    }

    pub fn iter(self) -> impl Iterator<Item = T> {
        T::EVERY.iter().copied().filter(move |m| self.contains(*m))
    }
}

impl<T: Member + fmt::Debug> fmt::Debug for Set<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_set().entries(self.iter()).finish()
    }
}

impl<T: Member> Serialize for Set<T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut seq = serializer.serialize_seq(Some(self.len()))?;
        for item in self.iter() {
            seq.serialize_element(&item)?;
        }
        seq.end()
    }
}

impl<'de, T: Member> Deserialize<'de> for Set<T> {
    /// A list of slugs; for measures also one slug as a string, which is how customer
    /// histories stored an outcome's kind before outcomes combined
    /// (`"refund-and-termination"` is both).
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct SetVisitor<T>(PhantomData<T>);
        impl<'de, T: Member> Visitor<'de> for SetVisitor<T> {
            type Value = Set<T>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a list of slugs, or one slug")
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Set<T>, A::Error> {
                let mut set = Set::new();
                while let Some(item) = seq.next_element::<T>()? {
                    set.insert(item);
                }
                Ok(set)
            }
            fn visit_str<E: de::Error>(self, s: &str) -> Result<Set<T>, E> {
                legacy_kind::<T>(s).ok_or_else(|| E::unknown_variant(s, &["a slug"]))
            }
        }
        deserializer.deserialize_any(SetVisitor(PhantomData))
    }
}

/// One slug as a set: an old outcome kind (`refund-and-termination` is two measures) or
/// a member's own slug.
fn legacy_kind<T: Member>(s: &str) -> Option<Set<T>> {
    use serde::de::IntoDeserializer;
    let parts: &[&str] = match s {
        "refund-and-termination" => &["refund", "termination"],
        other => &[other][..],
    };
    let mut set = Set::new();
    for part in parts {
        let de: de::value::StrDeserializer<'_, de::value::Error> = part.into_deserializer();
        set.insert(T::deserialize(de).ok()?);
    }
    Some(set)
}

/// Reads one old outcome kind slug as measures (`refund-and-termination` is two).
pub fn measures_of_kind(slug: &str) -> Option<Measures> {
    legacy_kind::<Measure>(slug)
}

/// What was decided. Amounts are whole units of `policy.currency` (yen for JPY).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(from = "OutcomeWire")]
pub struct Outcome {
    pub measures: Measures,
    /// The refund's amount, with `Measure::Refund`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub refund: Option<u64>,
    /// The suspension's last day, with `Measure::Suspension`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub suspended_until: Option<Date>,
    /// How contact is limited, with `Measure::ContactRestriction`.
    #[serde(skip_serializing_if = "no_contact_limits")]
    pub contact: Contacts,
}

fn no_contact_limits(contact: &Contacts) -> bool {
    contact.is_empty()
}

/// What a stored outcome may look like: today's, or one written before outcomes
/// combined (tagged by `kind`).
#[derive(Deserialize)]
#[serde(untagged)]
enum OutcomeWire {
    Legacy(LegacyOutcome),
    Current {
        measures: Measures,
        #[serde(default)]
        refund: Option<u64>,
        #[serde(default)]
        suspended_until: Option<Date>,
        #[serde(default)]
        contact: Contacts,
    },
}

#[derive(Deserialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
enum LegacyOutcome {
    Warning,
    Refund { amount: u64 },
    Termination,
    RefundAndTermination { amount: u64 },
    NoAction,
}

impl From<OutcomeWire> for Outcome {
    fn from(wire: OutcomeWire) -> Outcome {
        match wire {
            OutcomeWire::Legacy(old) => match old {
                LegacyOutcome::Warning => Outcome::only(Measure::Warning),
                LegacyOutcome::Refund { amount } => Outcome::refund(amount),
                LegacyOutcome::Termination => Outcome::only(Measure::Termination),
                LegacyOutcome::RefundAndTermination { amount } => {
                    Outcome::refund(amount).and(Measure::Termination)
                }
                LegacyOutcome::NoAction => Outcome::no_action(),
            },
            OutcomeWire::Current {
                measures,
                refund,
                suspended_until,
                contact,
            } => Outcome {
                measures,
                refund,
                suspended_until,
                contact,
            },
        }
    }
}

/// Why a combination of measures cannot be recorded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Problem {
    /// Nothing chosen.
    Empty,
    /// 措置なし was chosen with another measure.
    NoActionCombined,
    /// A refund without an amount, or of zero.
    AmountMissing,
    /// A suspension without its last day.
    DateMissing,
}

impl Outcome {
    /// One measure with no details.
    pub fn only(measure: Measure) -> Outcome {
        Outcome {
            measures: Measures::of([measure]),
            refund: None,
            suspended_until: None,
            contact: Contacts::new(),
        }
    }

    pub fn no_action() -> Outcome {
        Outcome::only(Measure::NoAction)
    }

    pub fn refund(amount: u64) -> Outcome {
        Outcome {
            refund: Some(amount),
            ..Outcome::only(Measure::Refund)
        }
    }

    pub fn suspension(until: Date) -> Outcome {
        Outcome {
            suspended_until: Some(until),
            ..Outcome::only(Measure::Suspension)
        }
    }

    /// This outcome and one more measure (details of that measure are set separately).
    pub fn and(mut self, measure: Measure) -> Outcome {
        self.measures.insert(measure);
        self
    }

    pub fn has(self, measure: Measure) -> bool {
        self.measures.contains(measure)
    }

    pub fn is_no_action(self) -> bool {
        self.has(Measure::NoAction)
    }

    pub fn refund_amount(self) -> Option<u64> {
        self.refund.filter(|_| self.has(Measure::Refund))
    }

    /// Whether the customer is cut off.
    pub fn terminates(self) -> bool {
        self.has(Measure::Termination)
    }

    /// The outcome without details of measures it does not include (an amount typed for
    /// a refund that was then unticked): what gets recorded.
    pub fn normalized(self) -> Outcome {
        Outcome {
            measures: self.measures,
            refund: self.refund.filter(|_| self.has(Measure::Refund)),
            suspended_until: self
                .suspended_until
                .filter(|_| self.has(Measure::Suspension)),
            contact: if self.has(Measure::ContactRestriction) {
                self.contact
            } else {
                Contacts::new()
            },
        }
    }

    /// Whether the outcome can be recorded as it is.
    pub fn check(self) -> Result<(), Problem> {
        if self.measures.is_empty() {
            return Err(Problem::Empty);
        }
        if self.is_no_action() && self.measures.len() > 1 {
            return Err(Problem::NoActionCombined);
        }
        if self.has(Measure::Refund) && self.refund.is_none_or(|a| a == 0) {
            return Err(Problem::AmountMissing);
        }
        if self.has(Measure::Suspension) && self.suspended_until.is_none() {
            return Err(Problem::DateMissing);
        }
        Ok(())
    }

    /// The slugs joined with `+` (`refund+termination`): the export's outcome id.
    pub fn slugs(self) -> String {
        self.measures
            .iter()
            .map(Measure::slug)
            .collect::<Vec<_>>()
            .join("+")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn outcomes_stored_before_measures_combined_still_read() {
        let old: Outcome =
            serde_json::from_str(r#"{"kind":"refund-and-termination","amount":120000}"#).unwrap();
        assert_eq!(old, Outcome::refund(120_000).and(Measure::Termination));
        assert!(old.terminates());
        assert_eq!(old.refund_amount(), Some(120_000));
        for (json, measure) in [
            (r#"{"kind":"warning"}"#, Measure::Warning),
            (r#"{"kind":"termination"}"#, Measure::Termination),
            (r#"{"kind":"no-action"}"#, Measure::NoAction),
        ] {
            let outcome: Outcome = serde_json::from_str(json).unwrap();
            assert_eq!(outcome, Outcome::only(measure), "{json}");
        }
        let refund: Outcome = serde_json::from_str(r#"{"kind":"refund","amount":5}"#).unwrap();
        assert_eq!(refund, Outcome::refund(5));
    }

    #[test]
    fn outcomes_round_trip_with_their_details() {
        let outcome = Outcome {
            contact: Contacts::of([Contact::EmailOnly, Contact::FixedHours]),
            ..Outcome::suspension("2027-01-31".parse().unwrap())
                .and(Measure::ContactRestriction)
                .and(Measure::Police)
        };
        let json = serde_json::to_string(&outcome).unwrap();
        assert_eq!(
            json,
            r#"{"measures":["contact-restriction","suspension","police"],"suspended_until":"2027-01-31","contact":["email-only","fixed-hours"]}"#
        );
        assert_eq!(serde_json::from_str::<Outcome>(&json).unwrap(), outcome);
    }

    #[test]
    fn old_kind_slugs_read_as_measures() {
        let set: Measures = serde_json::from_str(r#""refund-and-termination""#).unwrap();
        assert_eq!(set, Measures::of([Measure::Refund, Measure::Termination]));
        let set: Measures = serde_json::from_str(r#""no-action""#).unwrap();
        assert_eq!(set, Measures::of([Measure::NoAction]));
        assert!(serde_json::from_str::<Measures>(r#""nonsense""#).is_err());
    }

    #[test]
    fn no_action_stands_alone_and_details_are_required() {
        assert_eq!(Outcome::no_action().check(), Ok(()));
        assert_eq!(
            Outcome::no_action().and(Measure::Caution).check(),
            Err(Problem::NoActionCombined)
        );
        assert_eq!(
            Outcome::only(Measure::Refund).check(),
            Err(Problem::AmountMissing)
        );
        assert_eq!(Outcome::refund(0).check(), Err(Problem::AmountMissing));
        assert_eq!(
            Outcome::only(Measure::Suspension).check(),
            Err(Problem::DateMissing)
        );
        let empty = Outcome {
            measures: Measures::new(),
            ..Outcome::no_action()
        };
        assert_eq!(empty.check(), Err(Problem::Empty));
        assert_eq!(
            Outcome::only(Measure::Warning).and(Measure::Police).check(),
            Ok(())
        );
    }

    #[test]
    fn every_slug_parses_back() {
        for m in Measure::ALL {
            assert_eq!(Measure::parse(m.slug()), Some(m));
        }
        for c in Contact::ALL {
            assert_eq!(Contact::parse(c.slug()), Some(c));
        }
    }
}
