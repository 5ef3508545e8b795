//! Purpose: who has read which version of the company's policy, and when (the dated
//! acknowledgement the 2026 guideline's first measure asks for), and when each person was
//! last reminded, so a reminder goes to someone at most once a week.
//!
//! Trees:
//! - `policy_ack`: (version length byte, version, user) -> PolicyAck, the first time that
//!   user acknowledged that version; never rewritten (a second click keeps the first)
//! - `policy_reminded`: user -> time µs of the last reminder sent to them

use jiff::Timestamp;
use serde::{Deserialize, Serialize};

use super::{Store, StoreError, decode, encode, keys};
use crate::domain::UserId;

/// One acknowledgement: the policy version read, by whom, when.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PolicyAck {
    pub user: UserId,
    pub version: String,
    pub at: Timestamp,
}

fn version_prefix(version: &str) -> Vec<u8> {
    let bytes = version.as_bytes();
    // Versions are short labels ("2026-11"); a longer one is cut in the key only.
    let len = u8::try_from(bytes.len()).unwrap_or(u8::MAX);
    let mut key = Vec::with_capacity(1 + bytes.len() + 12);
    key.push(len);
    key.extend_from_slice(&bytes[..usize::from(len)]);
    key
}

fn ack_key(version: &str, user: &UserId) -> Vec<u8> {
    let mut key = version_prefix(version);
    key.extend_from_slice(user.as_str().as_bytes());
    key
}

impl Store {
    /// Records that `user` read policy `version` at `at`, and flushes. A second click on
    /// the same version keeps the first time. Returns the acknowledgement as kept.
    pub async fn acknowledge_policy(
        &self,
        user: &UserId,
        version: &str,
        at: Timestamp,
    ) -> Result<PolicyAck, StoreError> {
        let ack = PolicyAck {
            user: user.clone(),
            version: version.to_owned(),
            at,
        };
        let kept = {
            let _writing = self.writing();
            let key = ack_key(version, user);
            match self.policy_ack.compare_and_swap(
                &key,
                None as Option<&[u8]>,
                Some(encode(&ack)),
            )? {
                Ok(()) => ack,
                Err(existing) => match existing.current {
                    Some(bytes) => decode("policy_ack", &bytes)?,
                    None => ack,
                },
            }
        };
        self.flush().await?;
        Ok(kept)
    }

    /// When `user` acknowledged `version`, if they did.
    pub fn policy_acknowledgement(
        &self,
        user: &UserId,
        version: &str,
    ) -> Result<Option<PolicyAck>, StoreError> {
        self.policy_ack
            .get(ack_key(version, user))?
            .map(|v| decode("policy_ack", &v))
            .transpose()
    }

    /// Every acknowledgement of `version`, by user id.
    pub fn policy_acknowledgements(&self, version: &str) -> Result<Vec<PolicyAck>, StoreError> {
        self.policy_ack
            .scan_prefix(version_prefix(version))
            .map(|kv| {
                let (_, v) = kv?;
                decode("policy_ack", &v)
            })
            .filter(|ack| !matches!(ack, Ok(PolicyAck { version: v, .. }) if v != version))
            .collect()
    }

    /// When `user` was last reminded to read the policy.
    pub fn policy_reminded(&self, user: &UserId) -> Result<Option<Timestamp>, StoreError> {
        Ok(self
            .policy_reminded
            .get(user.as_str().as_bytes())?
            .and_then(|v| keys::micros_from(&v)))
    }

    /// Claims a reminder to `user` at `at` unless they had one within `every`, and flushes:
    /// written before the reminder is sent, and atomically (two rounds asked at once
    /// cannot both claim the same person), so a crash can cost a reminder but nobody gets
    /// two within `every`. Whether the reminder is theirs to send.
    pub async fn claim_policy_reminder(
        &self,
        user: &UserId,
        at: Timestamp,
        every: jiff::SignedDuration,
    ) -> Result<bool, StoreError> {
        let key = user.as_str().as_bytes();
        let claimed = {
            let _writing = self.writing();
            loop {
                let current = self.policy_reminded.get(key)?;
                let last = current.as_deref().and_then(keys::micros_from);
                if last.is_some_and(|last| at.duration_since(last) < every) {
                    break false;
                }
                let swapped = self.policy_reminded.compare_and_swap(
                    key,
                    current,
                    Some(keys::micros(at).to_vec()),
                )?;
                if swapped.is_ok() {
                    break true;
                }
            }
        };
        if claimed {
            self.flush().await?;
        }
        Ok(claimed)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn user(s: &str) -> UserId {
        UserId::parse(s).unwrap()
    }

    fn at(s: &str) -> Timestamp {
        s.parse().unwrap()
    }

    #[tokio::test]
    async fn an_acknowledgement_is_kept_per_version_with_its_first_time() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&dir.path().join("s"), 1 << 20).unwrap();
        let (alice, bob) = (user("UALICE"), user("UBOB"));
        let first = store
            .acknowledge_policy(&alice, "2026-11", at("2026-12-01T01:00:00Z"))
            .await
            .unwrap();
        let again = store
            .acknowledge_policy(&alice, "2026-11", at("2026-12-02T01:00:00Z"))
            .await
            .unwrap();
        assert_eq!(again, first, "the first click counts");
        store
            .acknowledge_policy(&bob, "2026-1", at("2026-12-03T01:00:00Z"))
            .await
            .unwrap();
        store
            .acknowledge_policy(&alice, "2027-01", at("2027-01-05T01:00:00Z"))
            .await
            .unwrap();
        let november: Vec<_> = store
            .policy_acknowledgements("2026-11")
            .unwrap()
            .into_iter()
            .map(|a| a.user)
            .collect();
        assert_eq!(
            november,
            std::slice::from_ref(&alice),
            "another version is another list"
        );
        assert_eq!(
            store
                .policy_acknowledgement(&alice, "2027-01")
                .unwrap()
                .unwrap()
                .at,
            at("2027-01-05T01:00:00Z")
        );
        assert!(
            store
                .policy_acknowledgement(&bob, "2026-11")
                .unwrap()
                .is_none()
        );

        assert!(store.policy_reminded(&bob).unwrap().is_none());
        let week = jiff::SignedDuration::from_hours(7 * 24);
        let claim = |when: &str| store.claim_policy_reminder(&bob, at(when), week);
        assert!(claim("2026-12-04T00:00:00Z").await.unwrap());
        assert!(!claim("2026-12-04T00:00:00Z").await.unwrap(), "once");
        assert!(
            !claim("2026-12-10T23:59:59Z").await.unwrap(),
            "not within the week"
        );
        assert_eq!(
            store.policy_reminded(&bob).unwrap(),
            Some(at("2026-12-04T00:00:00Z"))
        );
        assert!(claim("2026-12-11T00:00:00Z").await.unwrap(), "a week later");
    }
}
