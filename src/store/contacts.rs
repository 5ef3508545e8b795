//! Purpose: every contact a customer makes with us, kept long enough to notice persistent
//! contact across channels, days and restarts (`domain::repeats` says when). A contact is
//! keyed by who made it, when, and what it was (a message's channel and ts, a command's
//! trigger), so the same message seen twice (an event, then a shortcut on it) counts once.
//!
//! Trees:
//! - `contact_by_customer`: (who, time µs, origin) -> (), who as `c:<customer>` or
//!   `u:<guest user>` with a length byte in front, so one customer's contacts are one range
//! - `contact_suggested`: who -> time µs of the last repeated-contact suggestion

use jiff::Timestamp;

use super::{Store, StoreError, keys};
use crate::domain::repeats::{Contactor, RepeatPolicy};

fn prefix(who: &Contactor) -> Vec<u8> {
    let key = who.key();
    let bytes = key.as_bytes();
    // Customer ids are at most 64 characters and Slack user ids short: a byte holds it.
    let len = u8::try_from(bytes.len()).unwrap_or(u8::MAX);
    let mut out = Vec::with_capacity(1 + bytes.len());
    out.push(len);
    out.extend_from_slice(&bytes[..usize::from(len)]);
    out
}

fn contact_key(who: &Contactor, at: Timestamp, origin: &str) -> Vec<u8> {
    let mut key = prefix(who);
    key.extend_from_slice(&keys::micros(at));
    key.extend_from_slice(origin.as_bytes());
    key
}

/// The contact's time, from its key.
fn time_of(key: &[u8]) -> Option<Timestamp> {
    let len = usize::from(*key.first()?);
    keys::micros_from(key.get(1 + len..1 + len + 8)?)
}

impl Store {
    /// Records that `who` contacted us at `at`; `origin` tells this contact from others at
    /// the same moment and makes recording it twice harmless.
    pub fn record_contact(
        &self,
        who: &Contactor,
        origin: &str,
        at: Timestamp,
    ) -> Result<(), StoreError> {
        let _writing = self.writing();
        self.contacts.insert(contact_key(who, at, origin), &[])?;
        Ok(())
    }

    /// How many contacts `who` made after `since`.
    pub fn contacts_since(&self, who: &Contactor, since: Timestamp) -> Result<u32, StoreError> {
        let mut from = prefix(who);
        // Strictly after `since`: the first key of the next microsecond.
        let next = since
            .checked_add(jiff::SignedDuration::from_micros(1))
            .unwrap_or(since);
        from.extend_from_slice(&keys::micros(next));
        let end = prefix(who);
        let mut count = 0u32;
        for kv in self.contacts.range(from..) {
            let (key, _) = kv?;
            if !key.starts_with(&end) {
                break;
            }
            count = count.saturating_add(1);
        }
        Ok(count)
    }

    /// Counts a contact and says whether it makes one too many: `Some(count)` the first
    /// time the count passes the policy's limit in a window (that is then remembered, so
    /// one burst makes one suggestion, even when two messages arrive at once).
    pub fn repeated_contact(
        &self,
        who: &Contactor,
        origin: &str,
        at: Timestamp,
        policy: &RepeatPolicy,
    ) -> Result<Option<u32>, StoreError> {
        self.record_contact(who, origin, at)?;
        let count = self.contacts_since(who, policy.start(at))?;
        if count <= policy.limit {
            return Ok(None);
        }
        let key = who.key();
        let _writing = self.writing();
        let old = self.suggested.get(key.as_bytes())?;
        let last = old.as_deref().and_then(keys::micros_from);
        if !policy.suggests(count, last, at) {
            return Ok(None);
        }
        let claimed =
            self.suggested
                .compare_and_swap(key.as_bytes(), old, Some(&keys::micros(at)[..]))?;
        Ok(claimed.is_ok().then_some(count))
    }

    /// Forgets contacts, and suggestion marks, older than `window` before `now`: only the
    /// window's contacts ever count. Returns how many went.
    pub fn prune_contacts(
        &self,
        now: Timestamp,
        window: jiff::SignedDuration,
    ) -> Result<usize, StoreError> {
        let cutoff = now.checked_sub(window).unwrap_or(Timestamp::MIN);
        let mut pruned = 0;
        let _writing = self.writing();
        for kv in self.contacts.iter() {
            let (key, _) = kv?;
            if time_of(&key).is_none_or(|t| t <= cutoff) {
                self.contacts.remove(key)?;
                pruned += 1;
            }
        }
        for kv in self.suggested.iter() {
            let (key, value) = kv?;
            if keys::micros_from(&value).is_none_or(|t| t <= cutoff) {
                self.suggested.remove(key)?;
            }
        }
        Ok(pruned)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::CustomerId;
    use jiff::SignedDuration;

    fn at(minute: i64) -> Timestamp {
        Timestamp::from_second(1_800_000_000 + minute * 60).unwrap()
    }

    fn acme() -> Contactor {
        Contactor::Customer(CustomerId::parse("acme").unwrap())
    }

    #[test]
    fn contacts_are_counted_per_customer_and_survive_a_restart() {
        let dir = tempfile::tempdir().unwrap();
        let policy = RepeatPolicy {
            limit: 2,
            window: SignedDuration::from_hours(72),
        };
        {
            let store = Store::open(dir.path(), 1 << 20).unwrap();
            // Across channels and days.
            for (n, (channel, day)) in [("C1", 0), ("C2", 1)].into_iter().enumerate() {
                let origin = format!("{channel}:{n}");
                assert_eq!(
                    store
                        .repeated_contact(&acme(), &origin, at(day * 1440), &policy)
                        .unwrap(),
                    None
                );
            }
            store.db.flush().unwrap();
        }
        // sled lets go of its lock a moment after the last handle is dropped (longer on a
        // busy machine): retry rather than fail on the lock.
        let mut reopened = Store::open(dir.path(), 1 << 20);
        for _ in 0..100 {
            if !matches!(reopened, Err(StoreError::Locked { .. })) {
                break;
            }
            std::thread::sleep(std::time::Duration::from_millis(50));
            reopened = Store::open(dir.path(), 1 << 20);
        }
        let store = reopened.unwrap();
        let third = store
            .repeated_contact(&acme(), "trigger:T1", at(2 * 1440), &policy)
            .unwrap();
        assert_eq!(third, Some(3), "the count outlived the restart");
        assert_eq!(
            store
                .repeated_contact(&acme(), "trigger:T2", at(2 * 1440 + 1), &policy)
                .unwrap(),
            None,
            "one suggestion per burst"
        );
        let other = Contactor::Customer(CustomerId::parse("globex").unwrap());
        assert_eq!(store.contacts_since(&other, at(-1)).unwrap(), 0);
    }

    #[test]
    fn the_same_message_counts_once_and_old_contacts_are_pruned() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path(), 1 << 20).unwrap();
        for _ in 0..3 {
            store.record_contact(&acme(), "C1:1.1", at(0)).unwrap();
        }
        store.record_contact(&acme(), "C1:1.2", at(30)).unwrap();
        assert_eq!(store.contacts_since(&acme(), at(-1)).unwrap(), 2);
        assert_eq!(
            store.contacts_since(&acme(), at(0)).unwrap(),
            1,
            "after, not at"
        );
        let pruned = store
            .prune_contacts(at(40), SignedDuration::from_mins(20))
            .unwrap();
        assert_eq!(pruned, 1);
        assert_eq!(store.contacts_since(&acme(), at(-1)).unwrap(), 1);
    }
}
