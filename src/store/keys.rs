//! Purpose: every key the store writes, built in one place. Integers are big-endian so
//! sled's byte order is numeric order (cases by number, outbox by sequence).

use crate::domain::{CaseId, CustomerId};

pub const SCHEMA_VERSION: &[u8] = b"schema_version";
pub const NEXT_CASE: &[u8] = b"next_case";
pub const TALLIES: &[u8] = b"tallies";

pub fn case(id: CaseId) -> [u8; 8] {
    id.number().to_be_bytes()
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn case_keys_sort_numerically() {
        assert!(case(CaseId::new(9)) < case(CaseId::new(10)));
        assert_eq!(seq_from(&seq(42)), Some(42));
        assert_eq!(seq_from(b"short"), None);
    }
}
