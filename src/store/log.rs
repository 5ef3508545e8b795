//! Purpose: the audit log outside cases: things an auditor must be able to see that
//! belong to no case (a request refused before any case existed, someone who is not
//! staff trying to escalate, a backup or an export of the store). Append-only, in the
//! order written, and kept for good like the cases' own trails; backups copy it with
//! every other tree, and the export lists it after the cases.
//!
//! `audit_log_by_seq`: sequence (u64 BE, sled's monotonic id) -> LogEntry.

use std::collections::BTreeMap;

use jiff::Timestamp;
use serde::{Deserialize, Serialize};

use super::{Store, StoreError, decode, encode, keys};

/// One entry: who did what, when, and whatever else an auditor needs to read it.
/// Deliberately general, so every part of the bot can log here without a schema change.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LogEntry {
    pub at: Timestamp,
    /// Who acted: a Slack user id (`U0…`), or for the command line the local account
    /// (`uid 1000`). Empty when nobody can be named.
    pub who: String,
    /// What happened, as a short kebab-case name (`not-staff`, `backup`, `export`).
    pub what: String,
    /// Everything else, by name (`path`, `reason`, `case`, `channel`…), in name order.
    #[serde(default)]
    pub details: BTreeMap<String, String>,
}

impl LogEntry {
    pub fn new(at: Timestamp, who: impl Into<String>, what: impl Into<String>) -> LogEntry {
        LogEntry {
            at,
            who: who.into(),
            what: what.into(),
            details: BTreeMap::new(),
        }
    }

    /// Adds a detail (a later one with the same name replaces it).
    pub fn with(mut self, name: impl Into<String>, value: impl Into<String>) -> LogEntry {
        self.details.insert(name.into(), value.into());
        self
    }

    /// The details as one line, `name=value` separated by `; ` (for the CSV export).
    pub fn details_line(&self) -> String {
        self.details
            .iter()
            .map(|(name, value)| format!("{name}={value}"))
            .collect::<Vec<_>>()
            .join("; ")
    }
}

impl Store {
    /// Appends `entry` to the audit log outside cases and flushes it: an entry exists to
    /// be found later, so it is on disk before the caller goes on.
    pub async fn log(&self, entry: &LogEntry) -> Result<(), StoreError> {
        {
            let _writing = self.writing();
            let seq = self.db.generate_id()?;
            self.log.insert(keys::seq(seq), encode(entry))?;
        }
        self.flush().await
    }

    /// Every entry of the audit log outside cases, in the order they were written.
    pub fn log_entries(&self) -> impl Iterator<Item = Result<LogEntry, StoreError>> + '_ {
        self.log.iter().map(|kv| {
            kv.map_err(StoreError::from)
                .and_then(|(_, v)| decode("audit_log_by_seq", &v))
        })
    }

    pub fn log_len(&self) -> usize {
        self.log.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// sled lets go of a store's lock a moment after its last handle is dropped.
    fn open_when_released(path: &std::path::Path) -> Store {
        let mut opened = Store::open(path, 1 << 20);
        for _ in 0..100 {
            if !matches!(opened, Err(StoreError::Locked { .. })) {
                break;
            }
            std::thread::sleep(std::time::Duration::from_millis(50));
            opened = Store::open(path, 1 << 20);
        }
        opened.expect("the store opens")
    }

    fn at(minute: i64) -> Timestamp {
        Timestamp::from_second(1_790_000_000 + minute * 60).expect("in range")
    }

    #[tokio::test]
    async fn entries_are_kept_in_the_order_written_and_survive_a_reopen() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("s");
        {
            let store = Store::open(&path, 1 << 20).unwrap();
            store
                .log(
                    &LogEntry::new(at(1), "U0GUEST", "not-staff")
                        .with("path", "reaction")
                        .with("reason", "guest"),
                )
                .await
                .unwrap();
            store
                .log(&LogEntry::new(at(0), "uid 1000", "backup").with("cases", "12"))
                .await
                .unwrap();
        }
        let store = open_when_released(&path);
        let entries: Vec<LogEntry> = store.log_entries().collect::<Result<_, _>>().unwrap();
        assert_eq!(store.log_len(), 2);
        // Written order, not time order: the log says what the bot recorded when.
        assert_eq!(entries[0].what, "not-staff");
        assert_eq!(entries[0].details_line(), "path=reaction; reason=guest");
        assert_eq!(entries[1].who, "uid 1000");
        assert_eq!(entries[1].details["cases"], "12");
    }

    #[tokio::test]
    async fn a_backup_copies_the_log() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&dir.path().join("s"), 1 << 20).unwrap();
        store
            .log(&LogEntry::new(at(0), "U0X", "not-staff"))
            .await
            .unwrap();
        let copy = dir.path().join("copy");
        store.backup_to(&copy).unwrap();
        let restored = open_when_released(&copy);
        assert_eq!(restored.log_len(), 1);
    }
}
