//! Purpose: noticing persistent contact: one customer contacting us more than
//! `suggestions.repeat_count` times within `suggestions.repeat_window`, whatever the
//! channel or the day. Every contact counts: their messages in support channels, helpdesk
//! messages that name them, and the cases agents open about them (`/escalate`, the
//! shortcut, a reaction). The store keeps the contacts (`store::contacts`), so a restart
//! forgets nothing; this module only says who is who and when a count calls for a
//! suggestion.

use jiff::{SignedDuration, Timestamp};

use super::ids::CustomerId;

/// Whose contacts are counted: a known customer, or a Slack Connect guest whose company
/// the bot cannot tell (their own contacts only).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Contactor {
    Customer(CustomerId),
    Guest(String),
}

impl Contactor {
    /// The key the store counts under; the prefix keeps a customer id and a Slack user id
    /// that happen to be spelled alike apart.
    pub fn key(&self) -> String {
        match self {
            Contactor::Customer(id) => format!("c:{id}"),
            Contactor::Guest(user) => format!("u:{user}"),
        }
    }
}

/// When repeated contact is worth a suggestion.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RepeatPolicy {
    /// More contacts than this within the window...
    pub limit: u32,
    pub window: SignedDuration,
}

impl RepeatPolicy {
    /// Where the window that ends at `at` starts (contacts after it count).
    pub fn start(&self, at: Timestamp) -> Timestamp {
        at.checked_sub(self.window).unwrap_or(Timestamp::MIN)
    }

    /// Whether `count` contacts in the window call for a suggestion, given when the last
    /// suggestion about the same contactor was made: one burst, one suggestion.
    pub fn suggests(&self, count: u32, last: Option<Timestamp>, at: Timestamp) -> bool {
        count > self.limit && last.is_none_or(|t| t <= self.start(at))
    }
}

/// The time a Slack message timestamp (`1790000000.000100`) stands for.
pub fn ts_time(ts: &str) -> Option<Timestamp> {
    let (seconds, micros) = ts.split_once('.').unwrap_or((ts, "0"));
    let seconds: i64 = seconds.parse().ok()?;
    let micros: i64 = format!("{micros:0<6}").get(..6)?.parse().ok()?;
    Timestamp::from_microsecond(seconds.checked_mul(1_000_000)?.checked_add(micros)?).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(minute: i64) -> Timestamp {
        Timestamp::from_second(1_800_000_000 + minute * 60).unwrap()
    }

    fn policy() -> RepeatPolicy {
        RepeatPolicy {
            limit: 3,
            window: SignedDuration::from_mins(10),
        }
    }

    #[test]
    fn more_than_the_limit_suggests_once_per_window() {
        let p = policy();
        assert!(!p.suggests(3, None, at(0)));
        assert!(p.suggests(4, None, at(0)));
        assert!(
            !p.suggests(5, Some(at(0)), at(5)),
            "one suggestion per burst"
        );
        assert!(
            p.suggests(5, Some(at(0)), at(10)),
            "a new window, a new suggestion"
        );
    }

    #[test]
    fn customers_and_guests_are_counted_apart() {
        let customer = Contactor::Customer(CustomerId::parse("U0CUST").unwrap());
        let guest = Contactor::Guest("U0CUST".into());
        assert_ne!(customer.key(), guest.key());
    }

    #[test]
    fn slack_timestamps_are_read_to_the_microsecond() {
        assert_eq!(
            ts_time("1790000000.000100").map(|t| t.as_microsecond()),
            Some(1_790_000_000_000_100)
        );
        assert_eq!(
            ts_time("1790000000").map(|t| t.as_second()),
            Some(1_790_000_000)
        );
        assert_eq!(ts_time("soon"), None);
    }
}
