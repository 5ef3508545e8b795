//! Purpose: the identifiers our concepts are known by (cases, customers, Slack users and
//! channels), parsed once at the edge so the rest of the code never re-checks them.

use std::fmt;

use serde::{Deserialize, Serialize};

/// A case number. Shown to people as `ESC-12`; stored as the bare number so keys sort.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct CaseId(u64);

impl CaseId {
    pub const PREFIX: &'static str = "ESC-";

    pub fn new(n: u64) -> Self {
        CaseId(n)
    }

    pub fn number(self) -> u64 {
        self.0
    }

    /// Accepts `ESC-12`, `esc-12` and `12`: people type all three.
    pub fn parse(s: &str) -> Option<Self> {
        let s = s.trim();
        let digits = match s.get(..Self::PREFIX.len()) {
            Some(p) if p.eq_ignore_ascii_case(Self::PREFIX) => &s[Self::PREFIX.len()..],
            _ => s,
        };
        if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        digits.parse().ok().filter(|n| *n > 0).map(CaseId)
    }
}

impl fmt::Display for CaseId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}{}", Self::PREFIX, self.0)
    }
}

/// A consultation number (相談). Shown to people as `CON-3`; stored as the bare number so
/// keys sort. Numbered on its own: consultations are not cases.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct ConsultationId(u64);

impl ConsultationId {
    pub const PREFIX: &'static str = "CON-";

    pub fn new(n: u64) -> Self {
        ConsultationId(n)
    }

    pub fn number(self) -> u64 {
        self.0
    }

    /// Accepts `CON-3` and `con-3`; a bare number is a case's, so it is not one.
    pub fn parse(s: &str) -> Option<Self> {
        let s = s.trim();
        let digits = match s.get(..Self::PREFIX.len()) {
            Some(p) if p.eq_ignore_ascii_case(Self::PREFIX) => &s[Self::PREFIX.len()..],
            _ => return None,
        };
        if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        digits.parse().ok().filter(|n| *n > 0).map(ConsultationId)
    }
}

impl fmt::Display for ConsultationId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}{}", Self::PREFIX, self.0)
    }
}

/// Slack ids (users `U…`/`W…`, channels `C…`/`G…`/`D…`, teams `T…`) are short upper-case
/// alphanumerics. Checking the alphabet keeps anything that could break mrkdwn (`<`, `|`)
/// out of the `<@U…>` mentions we build from them.
fn is_slack_id(s: &str, first: &[u8]) -> bool {
    (2..=32).contains(&s.len())
        && first.contains(&s.as_bytes()[0])
        && s.bytes()
            .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit())
}

macro_rules! slack_id {
    ($(#[$doc:meta])* $name:ident, $first:expr) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(String);

        impl $name {
            pub fn parse(s: &str) -> Option<Self> {
                is_slack_id(s, $first).then(|| $name(s.to_owned()))
            }

            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }
    };
}

slack_id!(
    /// A Slack user (`U…`, or `W…` on Enterprise Grid).
    UserId,
    b"UW"
);
slack_id!(
    /// A Slack conversation: public or private channel, or a direct message.
    ChannelId,
    b"CGD"
);

/// The customer as the support team knows them (an account id, a company code).
///
/// Kept exactly as typed apart from surrounding whitespace: ids are often case-sensitive
/// in the systems they come from, so we do not fold case.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct CustomerId(String);

impl CustomerId {
    pub const MAX_CHARS: usize = 64;

    pub fn parse(s: &str) -> Option<Self> {
        let s = s.trim();
        let ok = !s.is_empty()
            && s.chars().count() <= Self::MAX_CHARS
            && !s.chars().any(|c| c.is_whitespace() || c.is_control());
        ok.then(|| CustomerId(s.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for CustomerId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn case_id_accepts_the_forms_people_type() {
        assert_eq!(CaseId::parse("ESC-12"), Some(CaseId::new(12)));
        assert_eq!(CaseId::parse("esc-12"), Some(CaseId::new(12)));
        assert_eq!(CaseId::parse(" 12 "), Some(CaseId::new(12)));
        assert_eq!(CaseId::new(7).to_string(), "ESC-7");
    }

    #[test]
    fn case_id_rejects_junk_and_zero() {
        for bad in [
            "",
            "ESC-",
            "ESC-0",
            "ESC-1a",
            "-1",
            "ESC-99999999999999999999999",
        ] {
            assert_eq!(CaseId::parse(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn consultation_ids_are_their_own_and_never_a_bare_number() {
        assert_eq!(ConsultationId::parse("CON-3"), Some(ConsultationId::new(3)));
        assert_eq!(ConsultationId::parse("con-3"), Some(ConsultationId::new(3)));
        assert_eq!(ConsultationId::new(7).to_string(), "CON-7");
        for bad in ["3", "ESC-3", "CON-", "CON-0", "CON-1a"] {
            assert_eq!(ConsultationId::parse(bad), None, "{bad:?}");
        }
        assert_eq!(CaseId::parse("CON-3"), None);
    }

    #[test]
    fn slack_ids_must_look_like_slack_ids() {
        assert!(UserId::parse("U0EXEC1").is_some());
        assert!(UserId::parse("W012ABC").is_some());
        assert!(UserId::parse("C0123").is_none());
        assert!(UserId::parse("U<!here>").is_none());
        assert!(ChannelId::parse("C0123ESCAL").is_some());
        assert!(ChannelId::parse("D024BE91L").is_some());
        assert!(ChannelId::parse("c0123").is_none());
    }

    #[test]
    fn customer_id_is_trimmed_and_bounded() {
        assert_eq!(CustomerId::parse("  cust-42 ").unwrap().as_str(), "cust-42");
        assert_eq!(
            CustomerId::parse("株式会社アクメ").unwrap().as_str(),
            "株式会社アクメ"
        );
        assert!(CustomerId::parse("").is_none());
        assert!(CustomerId::parse("two words").is_none());
        assert!(CustomerId::parse(&"x".repeat(65)).is_none());
    }
}
