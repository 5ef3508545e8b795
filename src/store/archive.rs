//! Purpose: closed cases, packed. sled keeps memory for every page of keys whatever its
//! cache size, and a leaf page holds at most 16 keys, so a key per case and per audit
//! entry costs hundreds of megabytes at a million cases (README "Performance"). A case
//! closed for `ARCHIVE_AFTER`, with nothing left to deliver, moves with its timeline into
//! the block of `BLOCK` consecutive case numbers it belongs to: one key for up to 16 cases
//! instead of four or five keys each. A closed case with nothing left to deliver never
//! changes again (every action on it is refused), so a block is written only when cases
//! move into it.
//!
//! `archive_by_block`: case number / `BLOCK` (u64 BE) -> [Archived], in case order.

use std::collections::BTreeMap;

use jiff::{SignedDuration, Timestamp};
use serde::{Deserialize, Serialize};
use sled::transaction::ConflictableTransactionError;

use super::consultations::ConsultEntry;
use super::{
    Abort, AuditEntry, LogEntry, Store, StoreError, decode, encode, into_store_error, keys,
    tx_decode, tx_outcome,
};
use crate::domain::{Case, CaseId, Consultation, CustomerRecord, Event};

/// Case numbers per archive block.
pub const BLOCK: u64 = 16;

/// How long a closed case stays where it can still change: deliveries about it (the
/// closing messages, their retries) finish within hours.
pub const ARCHIVE_AFTER: SignedDuration = SignedDuration::from_hours(7 * 24);

/// A closed case and what happened to it, as the archive keeps them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Archived {
    pub case: Case,
    pub timeline: Vec<Event>,
}

fn block_key(id: CaseId) -> [u8; 8] {
    (id.number() / BLOCK).to_be_bytes()
}

impl Store {
    /// A case from the archive, if it was moved there.
    pub(super) fn archived(&self, id: CaseId) -> Result<Option<Archived>, StoreError> {
        let Some(bytes) = self.archive.get(block_key(id))? else {
            return Ok(None);
        };
        let block: Vec<Archived> = decode("archive_by_block", &bytes)?;
        Ok(block.into_iter().find(|a| a.case.id == id))
    }

    /// Whether a case has moved into the archive (for operations and tests; readers need
    /// not care where a case lives).
    pub fn is_archived(&self, id: CaseId) -> Result<bool, StoreError> {
        Ok(self.archived(id)?.is_some())
    }

    /// Every archived case, in number order.
    pub(super) fn archived_all(&self) -> impl Iterator<Item = Result<Archived, StoreError>> + '_ {
        self.archive
            .iter()
            .flat_map(|kv| -> Vec<Result<Archived, StoreError>> {
                let block = kv
                    .map_err(StoreError::from)
                    .and_then(|(_, v)| decode::<Vec<Archived>>("archive_by_block", &v));
                match block {
                    Ok(cases) => cases.into_iter().map(Ok).collect(),
                    Err(e) => vec![Err(e)],
                }
            })
    }

    /// Moves up to `limit` cases closed before `now - ARCHIVE_AFTER`, with no delivery
    /// pending and no timer (the check-in after the close), into the archive, a block per
    /// transaction. Returns how many moved; call again while it returns `limit`.
    pub fn archive_closed(&self, now: Timestamp, limit: usize) -> Result<usize, StoreError> {
        let _moving = self.hold_archive();
        let before = now - ARCHIVE_AFTER;
        let mut blocks: BTreeMap<[u8; 8], Vec<CaseId>> = BTreeMap::new();
        let mut chosen = 0;
        for case in self.live_cases() {
            let case = case?;
            if chosen == limit {
                break;
            }
            // A check-in still to come (or to hear back from) keeps the case live.
            if case.closed_at().is_some_and(|at| at < before)
                && case.next.is_none()
                && !self.outbox.pending_for(case.id)?
            {
                blocks.entry(block_key(case.id)).or_default().push(case.id);
                chosen += 1;
            }
        }
        let mut moved = 0;
        for (block, ids) in blocks {
            moved += self.archive_block(block, &ids)?;
        }
        Ok(moved)
    }

    /// Moves closed cases of one block, their audit entries with them, atomically.
    fn archive_block(&self, block: [u8; 8], ids: &[CaseId]) -> Result<usize, StoreError> {
        let _writing = self.writing();
        let result = self.journal.run(
            // The block first, then the removals: a reader never finds the case nowhere.
            (&self.archive, &self.cases, &self.audit),
            |(archive, cases, audit)| {
                let mut packed: Vec<Archived> = match archive.get(block)? {
                    Some(v) => tx_decode("archive_by_block", &v)?,
                    None => Vec::new(),
                };
                let mut moved = 0;
                for &id in ids {
                    let Some(bytes) = cases.get(keys::case(id))? else {
                        continue;
                    };
                    let case: Case = tx_decode("case_by_id", &bytes)?;
                    // Chosen outside the change: still closed, with no check-in to come
                    // and nothing to deliver?
                    let pending = self.outbox.pending_for(id).map_err(|e| match e {
                        StoreError::Sled(e) => ConflictableTransactionError::Storage(e),
                        other => ConflictableTransactionError::Abort(Abort::Corrupt(
                            "outbox_index",
                            other.to_string(),
                        )),
                    })?;
                    if !case.is_closed() || case.next.is_some() || pending {
                        continue;
                    }
                    // Read here, inside the change: every audit write goes through a
                    // change, so none can come between this scan and the move (a refusal
                    // on a closed case's button still writes one).
                    let mut timeline = Vec::new();
                    for entry in self.audit.scan_prefix(keys::case(id)) {
                        let (key, v) = entry.map_err(ConflictableTransactionError::Storage)?;
                        timeline.push(tx_decode::<AuditEntry>("audit_by_case", &v)?.event);
                        audit.remove(key)?;
                    }
                    cases.remove(&keys::case(id))?;
                    packed.push(Archived { case, timeline });
                    moved += 1;
                }
                packed.sort_by_key(|a| a.case.id.number());
                archive.insert(&block, encode(&packed))?;
                Ok(moved)
            },
        );
        tx_outcome(result).map_err(into_store_error)
    }
}

/// What one retention pass erased: how many cases, and which (as `ESC-1–ESC-16, ESC-20`),
/// and how many consultations.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Erased {
    pub cases: usize,
    pub ids: String,
    pub consultations: usize,
}

/// Case ids as ranges of consecutive numbers: `ESC-1–ESC-3, ESC-7`.
fn ranges(ids: &[CaseId]) -> String {
    let mut out: Vec<String> = Vec::new();
    let mut i = 0;
    while i < ids.len() {
        let mut j = i;
        while j + 1 < ids.len() && ids[j + 1].number() == ids[j].number() + 1 {
            j += 1;
        }
        out.push(if i == j {
            ids[i].to_string()
        } else {
            format!("{}–{}", ids[i], ids[j])
        });
        i = j + 1;
    }
    out.join(", ")
}

impl Store {
    /// `store.retention`: reduces archived cases closed before `cutoff` to their counts
    /// (`Case::erase`, `Event::erase`), up to `limit` of them, and forgets them in their
    /// customers' "keep the reporter off" lists (a reporter's id). The blocks, the
    /// customers and one entry in the audit log outside cases (`retention-erased`: how
    /// many, which, closed before when, under which setting) are written in one
    /// transaction, so no erasure goes unrecorded. Cases closed that long ago are in the
    /// archive (it takes them after `ARCHIVE_AFTER`); a case still outside it waits for
    /// the pass after it moves. Blocking; holds the archive while it runs. Returns what
    /// it erased; call again while it erased `limit`.
    pub fn erase_closed_before(
        &self,
        cutoff: Timestamp,
        retention: &str,
        now: Timestamp,
        limit: usize,
    ) -> Result<Erased, StoreError> {
        let _moving = self.hold_archive();
        let mut blocks: Vec<(sled::IVec, Vec<Archived>)> = Vec::new();
        let mut erased: Vec<CaseId> = Vec::new();
        for kv in self.archive.iter() {
            if erased.len() >= limit {
                break;
            }
            let (key, value) = kv?;
            let mut block: Vec<Archived> = decode("archive_by_block", &value)?;
            let mut changed = false;
            for archived in &mut block {
                if erased.len() < limit && archived.case.due_for_erasure(cutoff) {
                    archived.case.erase(now);
                    archived.timeline.iter_mut().for_each(Event::erase);
                    erased.push(archived.case.id);
                    changed = true;
                }
            }
            if changed {
                blocks.push((key, block));
            }
        }
        // Consultations ended before the cutoff, with their audit trails: few (a desk's
        // workload), so a walk of them all.
        let mut consultations: Vec<(Consultation, Vec<(sled::IVec, ConsultEntry)>)> = Vec::new();
        for kv in self.consultations.iter() {
            if consultations.len() >= limit {
                break;
            }
            let (_, value) = kv?;
            let mut consultation: Consultation = decode("consultation_by_id", &value)?;
            if !consultation.due_for_erasure(cutoff) {
                continue;
            }
            consultation.erase(now);
            let mut trail = Vec::new();
            for kv in self
                .consult_audit
                .scan_prefix(keys::consultation(consultation.id))
            {
                let (key, value) = kv?;
                let mut entry: ConsultEntry = decode("audit_by_consultation", &value)?;
                entry.event.erase();
                trail.push((key, entry));
            }
            consultations.push((consultation, trail));
        }
        if erased.is_empty() && consultations.is_empty() {
            return Ok(Erased::default());
        }
        erased.sort();
        let owners: std::collections::BTreeSet<_> = blocks
            .iter()
            .flat_map(|(_, b)| b.iter())
            .filter(|a| erased.contains(&a.case.id))
            .filter_map(|a| a.case.customer.clone())
            .collect();
        let ids = ranges(&erased);
        let entry = LogEntry::new(now, "", "retention-erased")
            .with("cases", erased.len().to_string())
            .with("ids", ids.clone())
            .with("closed-before", cutoff.to_string())
            .with("retention", retention)
            .with("consultations", consultations.len().to_string());
        let _writing = self.writing();
        let result = self.journal.run(
            (
                &self.archive,
                &self.customers,
                &self.log,
                &self.consultations,
                &self.consult_audit,
            ),
            |(archive, customers, log, by_id, audit)| {
                for (consultation, trail) in &consultations {
                    by_id.insert(&keys::consultation(consultation.id), encode(consultation))?;
                    for (key, entry) in trail {
                        audit.insert(key, encode(entry))?;
                    }
                }
                for (key, block) in &blocks {
                    archive.insert(key, encode(block))?;
                }
                for id in &owners {
                    let key = keys::customer(id);
                    let Some(bytes) = customers.get(key)? else {
                        continue;
                    };
                    let mut record: CustomerRecord = tx_decode("customer_by_id", &bytes)?;
                    let before = record.kept_off.len();
                    record.kept_off.retain(|k| !erased.contains(&k.case));
                    if record.kept_off.len() != before {
                        customers.insert(key, encode(&record))?;
                    }
                }
                let seq = log.generate_id()?;
                log.insert(&keys::seq(seq), encode(&entry))?;
                Ok(())
            },
        );
        tx_outcome(result).map_err(into_store_error)?;
        Ok(Erased {
            cases: erased.len(),
            ids,
            consultations: consultations.len(),
        })
    }
}

/// Two streams ordered by case number as one; a case is in one of them, never both.
pub(super) fn merge_by_case<T>(
    a: impl Iterator<Item = Result<(u64, T), StoreError>>,
    b: impl Iterator<Item = Result<(u64, T), StoreError>>,
) -> impl Iterator<Item = Result<T, StoreError>> {
    let (mut a, mut b) = (a.peekable(), b.peekable());
    std::iter::from_fn(move || {
        let take_a = match (a.peek(), b.peek()) {
            (None, None) => return None,
            (Some(_), None) | (Some(Err(_)), _) => true,
            (None, Some(_)) | (_, Some(Err(_))) => false,
            (Some(Ok((x, _))), Some(Ok((y, _)))) => x <= y,
        };
        let next = if take_a { a.next() } else { b.next() };
        next.map(|r| r.map(|(_, t)| t))
    })
}
