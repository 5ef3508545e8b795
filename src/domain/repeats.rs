//! Purpose: noticing persistent contact: the same customer posting more than N messages
//! within M minutes. Kept in memory (losing it at a restart only delays a suggestion), and
//! bounded: old timestamps are dropped as they leave the window.

use std::collections::{HashMap, VecDeque};

use jiff::{SignedDuration, Timestamp};

#[derive(Debug, Clone)]
pub struct Repeats {
    limit: u32,
    window: SignedDuration,
    seen: HashMap<String, VecDeque<Timestamp>>,
    /// When each customer was last suggested, so one burst gives one suggestion.
    suggested: HashMap<String, Timestamp>,
}

impl Repeats {
    pub fn new(limit: u32, window: SignedDuration) -> Self {
        Repeats {
            limit,
            window,
            seen: HashMap::new(),
            suggested: HashMap::new(),
        }
    }

    /// Counts a message from `who` at `at`; returns how many are in the window when that
    /// is more than the limit and no suggestion was made for them within the window.
    pub fn record(&mut self, who: &str, at: Timestamp) -> Option<u32> {
        let start = at - self.window;
        let times = self.seen.entry(who.to_owned()).or_default();
        times.push_back(at);
        while times.front().is_some_and(|t| *t <= start) {
            times.pop_front();
        }
        let count = times.len() as u32;
        if count <= self.limit {
            return None;
        }
        if self.suggested.get(who).is_some_and(|t| *t > start) {
            return None;
        }
        self.suggested.insert(who.to_owned(), at);
        // Forget customers who went quiet, so the maps do not grow without bound.
        self.seen
            .retain(|_, t| t.back().is_some_and(|last| *last > start));
        self.suggested.retain(|_, t| *t > start);
        Some(count)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(minute: i64) -> Timestamp {
        Timestamp::from_second(1_800_000_000 + minute * 60).unwrap()
    }

    #[test]
    fn more_than_n_messages_in_the_window_is_noticed_once() {
        let mut repeats = Repeats::new(3, SignedDuration::from_mins(10));
        for minute in 0..3 {
            assert_eq!(repeats.record("acme", at(minute)), None);
        }
        assert_eq!(repeats.record("acme", at(3)), Some(4));
        assert_eq!(
            repeats.record("acme", at(4)),
            None,
            "one suggestion per burst"
        );
        assert_eq!(repeats.record("globex", at(4)), None, "per customer");
    }

    #[test]
    fn messages_spread_out_are_not_persistent() {
        let mut repeats = Repeats::new(3, SignedDuration::from_mins(10));
        for n in 0..20 {
            assert_eq!(repeats.record("acme", at(n * 4)), None);
        }
    }

    #[test]
    fn a_new_burst_after_the_window_is_noticed_again() {
        let mut repeats = Repeats::new(2, SignedDuration::from_mins(10));
        for minute in 0..3 {
            repeats.record("acme", at(minute));
        }
        for minute in 30..32 {
            assert_eq!(repeats.record("acme", at(minute)), None);
        }
        assert_eq!(repeats.record("acme", at(32)), Some(3));
    }
}
