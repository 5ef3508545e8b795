//! Purpose: every key the store writes, built in one place. Integers are big-endian so
//! sled's byte order is numeric order (cases by number, outbox by sequence, timers by
//! due time).

use jiff::Timestamp;

use crate::domain::{CaseId, ConsultationId, CustomerId};

pub const SCHEMA_VERSION: &[u8] = b"schema_version";
pub const NEXT_CASE: &[u8] = b"next_case";
pub const TALLIES: &[u8] = b"tallies";
pub const REPORT_ZONE: &[u8] = b"report_zone";
pub const REPORT_STATE: &[u8] = b"report_state";
pub const NEXT_CONSULTATION: &[u8] = b"next_consultation";

pub fn case(id: CaseId) -> [u8; 8] {
    id.number().to_be_bytes()
}

pub fn consultation(id: ConsultationId) -> [u8; 8] {
    id.number().to_be_bytes()
}

/// A consultation's audit entry: grouped by consultation, in order within it.
pub fn consult_audit(id: ConsultationId, seq: u64) -> [u8; 16] {
    let mut key = [0; 16];
    key[..8].copy_from_slice(&consultation(id));
    key[8..].copy_from_slice(&seq.to_be_bytes());
    key
}

/// A message in Slack, as `consultation_by_thread` keys it.
pub fn thread(channel: &str, ts: &str) -> Vec<u8> {
    format!("{channel}:{ts}").into_bytes()
}

pub fn customer(id: &CustomerId) -> &[u8] {
    id.as_str().as_bytes()
}

pub fn seq(n: u64) -> [u8; 8] {
    n.to_be_bytes()
}

pub fn seq_from(key: &[u8]) -> Option<u64> {
    Some(u64::from_be_bytes(key.try_into().ok()?))
}

pub fn u64_value(bytes: &[u8]) -> Option<u64> {
    Some(u64::from_be_bytes(bytes.try_into().ok()?))
}

/// Microseconds since the epoch, shifted so that byte order is time order.
pub(super) fn micros(at: Timestamp) -> [u8; 8] {
    let micros = at.as_microsecond() as i128 + (1i128 << 63);
    (micros.clamp(0, u64::MAX as i128) as u64).to_be_bytes()
}

pub(super) fn micros_from(bytes: &[u8]) -> Option<Timestamp> {
    let shifted = u64::from_be_bytes(bytes.try_into().ok()?) as i128 - (1i128 << 63);
    Timestamp::from_microsecond(i64::try_from(shifted).ok()?).ok()
}

/// A case's pending timer in the due-time index: (due, case).
pub fn timer(due: Timestamp, case_id: CaseId) -> [u8; 16] {
    let mut key = [0; 16];
    key[..8].copy_from_slice(&micros(due));
    key[8..].copy_from_slice(&case(case_id));
    key
}

pub fn timer_from(key: &[u8]) -> Option<(Timestamp, CaseId)> {
    let (due, id) = key.split_at_checked(8)?;
    Some((micros_from(due)?, CaseId::new(seq_from(id)?)))
}

/// An audit entry: grouped by case, in order within it.
pub fn audit(case_id: CaseId, seq: u64) -> [u8; 16] {
    let mut key = [0; 16];
    key[..8].copy_from_slice(&case(case_id));
    key[8..].copy_from_slice(&seq.to_be_bytes());
    key
}

/// Dedupe keys ("at most once" requests): a Slack event id, a trigger id, a form id.
pub fn once(kind: &str, id: &str) -> Vec<u8> {
    format!("{kind}:{id}").into_bytes()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn case_keys_sort_numerically() {
        assert!(case(CaseId::new(9)) < case(CaseId::new(10)));
        assert_eq!(seq_from(&seq(42)), Some(42));
        assert_eq!(seq_from(b"short"), None);
    }

    #[test]
    fn timer_keys_sort_by_due_time_and_round_trip() {
        let early = Timestamp::from_second(-10).unwrap();
        let late = Timestamp::from_second(1_800_000_000).unwrap();
        assert!(timer(early, CaseId::new(9)) < timer(late, CaseId::new(1)));
        assert_eq!(
            timer_from(&timer(late, CaseId::new(7))),
            Some((late, CaseId::new(7)))
        );
    }
}
