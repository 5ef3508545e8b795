//! Purpose: the durable queue the outbox and the event work both use. Entries live in
//! their own tree by sequence number; an index tree beside it, written in the same
//! transaction as the entries, says what a delivery pass needs without reading the
//! backlog:
//!
//! - `L` lane -> the sequence numbers waiting in that lane, oldest first (lanes are short:
//!   a case's deliveries to one place);
//! - `D` budget 0x00 not_before seq -> (): the head of each lane (and every entry that has
//!   no lane), grouped by the rate budget it spends and ordered by when it is due, so a
//!   pass visits each budget once and reads only what is due in the budgets it can spend;
//! - `C` case -> the sequence numbers still pending for that case (the archive asks);
//!   one key per case, so a case's three deliveries write it once
//! - `N` -> how many entries wait (metrics, the demo, tests).
//!
//! A pass therefore costs in proportion to the budgets and to what it takes, not to the
//! backlog: with 100k cards held back by the escalation channel's rate, a pass that finds
//! that budget spent skips the whole group with one seek.

use std::borrow::Cow;

use super::journal::TransactionalTree;
use jiff::Timestamp;
use serde::Serialize;
use serde::de::DeserializeOwned;

use super::{StoreError, TxResult, decode, encode, keys, tx_decode};
use crate::domain::CaseId;

const LANE: u8 = b'L';
const DUE: u8 = b'D';
const CASE: u8 = b'C';
const DEPTH: &[u8] = b"N";

/// Where an entry sits in the indexes; derived from the entry, so it never disagrees.
pub(super) struct Place<'a> {
    /// Entries of one lane go out one at a time, in order. None: on its own.
    pub lane: Option<&'a str>,
    /// The rate budget it spends ("" for none).
    pub budget: Cow<'a, str>,
    pub not_before: Timestamp,
    pub case: Option<CaseId>,
}

/// An entry of a queue.
pub(super) trait Item: Serialize + DeserializeOwned {
    /// The entries tree's name, for errors.
    const TREE: &'static str;
    fn place(&self) -> Place<'_>;
}

/// What a pass's visitor says of a due entry.
pub(super) enum Visit {
    Take,
    /// Not now (its lane is busy, say); look at the next one.
    Skip,
    /// Not before this time; look at the next one.
    WaitUntil(Timestamp),
}

fn lane_key(lane: &str) -> Vec<u8> {
    let mut key = Vec::with_capacity(1 + lane.len());
    key.push(LANE);
    key.extend_from_slice(lane.as_bytes());
    key
}

fn budget_prefix(budget: &str) -> Vec<u8> {
    let mut key = Vec::with_capacity(2 + budget.len() + 16);
    key.push(DUE);
    key.extend_from_slice(budget.as_bytes());
    key.push(0);
    key
}

fn due_key(budget: &str, not_before: Timestamp, seq: u64) -> Vec<u8> {
    let mut key = budget_prefix(budget);
    key.extend_from_slice(&keys::micros(not_before));
    key.extend_from_slice(&keys::seq(seq));
    key
}

fn case_key(case: CaseId) -> [u8; 9] {
    let mut key = [0; 9];
    key[0] = CASE;
    key[1..].copy_from_slice(&keys::case(case));
    key
}

fn seqs(bytes: &[u8]) -> impl Iterator<Item = u64> + '_ {
    bytes
        .chunks_exact(8)
        .filter_map(|c| c.try_into().ok().map(u64::from_be_bytes))
}

fn corrupt(tree: &'static str, reason: &str) -> StoreError {
    StoreError::Corrupt {
        tree,
        reason: reason.into(),
    }
}

/// The queue's trees, for reads and for writes outside a larger transaction.
#[derive(Clone)]
pub(super) struct Queue {
    pub entries: sled::Tree,
    pub index: sled::Tree,
    pub index_name: &'static str,
}

/// The queue inside a transaction.
pub(super) struct QueueTx<'a> {
    pub entries: &'a TransactionalTree,
    pub index: &'a TransactionalTree,
}

impl QueueTx<'_> {
    /// Adds an entry at the end of its lane; it is due at once if it heads the lane.
    pub fn push<I: Item>(&self, item: &I) -> TxResult<u64> {
        let seq = self.entries.generate_id()?;
        self.entries.insert(&keys::seq(seq), encode(item))?;
        let place = item.place();
        let heads = match place.lane {
            Some(lane) => {
                let key = lane_key(lane);
                let mut waiting = self
                    .index
                    .get(&key)?
                    .map(|v| v.to_vec())
                    .unwrap_or_default();
                let heads = waiting.is_empty();
                waiting.extend_from_slice(&keys::seq(seq));
                self.index.insert(key, waiting)?;
                heads
            }
            None => true,
        };
        if heads {
            self.index
                .insert(due_key(&place.budget, place.not_before, seq), &[])?;
        }
        if let Some(case) = place.case {
            let key = case_key(case);
            let mut pending = self.index.get(key)?.map(|v| v.to_vec()).unwrap_or_default();
            pending.extend_from_slice(&keys::seq(seq));
            self.index.insert(&key, pending)?;
        }
        self.add_depth(1)?;
        Ok(seq)
    }

    /// Removes entry `seq` (delivered, done or dead); the next of its lane becomes due.
    /// Nothing happens if it is gone already.
    pub fn remove<I: Item>(&self, seq: u64) -> TxResult<()> {
        let Some(bytes) = self.entries.get(keys::seq(seq))? else {
            return Ok(());
        };
        self.entries.remove(&keys::seq(seq))?;
        let item: I = tx_decode(I::TREE, &bytes)?;
        let place = item.place();
        self.index
            .remove(due_key(&place.budget, place.not_before, seq))?;
        if let Some(case) = place.case {
            let key = case_key(case);
            let pending = self.index.get(key)?.map(|v| v.to_vec()).unwrap_or_default();
            let rest: Vec<u8> = seqs(&pending)
                .filter(|&s| s != seq)
                .flat_map(u64::to_be_bytes)
                .collect();
            if rest.is_empty() {
                self.index.remove(&key)?;
            } else {
                self.index.insert(&key, rest)?;
            }
        }
        if let Some(lane) = place.lane {
            let key = lane_key(lane);
            let waiting = self
                .index
                .get(&key)?
                .map(|v| v.to_vec())
                .unwrap_or_default();
            let was_head = seqs(&waiting).next() == Some(seq);
            let rest: Vec<u8> = seqs(&waiting)
                .filter(|&s| s != seq)
                .flat_map(u64::to_be_bytes)
                .collect();
            if rest.is_empty() {
                self.index.remove(key)?;
            } else {
                if was_head && let Some(next) = seqs(&rest).next() {
                    self.make_due::<I>(next)?;
                }
                self.index.insert(key, rest)?;
            }
        }
        self.add_depth(-1)
    }

    /// Writes `item` over entry `seq` (a retry's new time and attempt count), moving its
    /// place among the due if it is a lane's head.
    pub fn replace<I: Item>(&self, seq: u64, item: &I) -> TxResult<()> {
        let Some(bytes) = self.entries.get(keys::seq(seq))? else {
            // Delivered meanwhile: do not bring it back.
            return Ok(());
        };
        self.entries.insert(&keys::seq(seq), encode(item))?;
        let old: I = tx_decode(I::TREE, &bytes)?;
        let (was, now) = (old.place(), item.place());
        let was_due = due_key(&was.budget, was.not_before, seq);
        if self.index.get(&was_due)?.is_some() {
            self.index.remove(was_due)?;
            self.index
                .insert(due_key(&now.budget, now.not_before, seq), &[])?;
        }
        Ok(())
    }

    fn make_due<I: Item>(&self, seq: u64) -> TxResult<()> {
        if let Some(bytes) = self.entries.get(keys::seq(seq))? {
            let item: I = tx_decode(I::TREE, &bytes)?;
            let place = item.place();
            self.index
                .insert(due_key(&place.budget, place.not_before, seq), &[])?;
        }
        Ok(())
    }

    fn add_depth(&self, by: i64) -> TxResult<()> {
        let depth = self
            .index
            .get(DEPTH)?
            .and_then(|v| keys::u64_value(&v))
            .unwrap_or(0);
        let depth = depth.saturating_add_signed(by);
        self.index.insert(DEPTH, &keys::seq(depth))?;
        Ok(())
    }
}

impl Queue {
    /// How many entries wait.
    pub fn len(&self) -> Result<u64, StoreError> {
        Ok(self
            .index
            .get(DEPTH)?
            .and_then(|v| keys::u64_value(&v))
            .unwrap_or(0))
    }

    pub fn get<I: Item>(&self, seq: u64) -> Result<Option<I>, StoreError> {
        self.entries
            .get(keys::seq(seq))?
            .map(|v| decode(I::TREE, &v))
            .transpose()
    }

    /// The first entry waiting in `lane`.
    pub fn lane_head<I: Item>(&self, lane: &str) -> Result<Option<(u64, I)>, StoreError> {
        let Some(waiting) = self.index.get(lane_key(lane))? else {
            return Ok(None);
        };
        let Some(seq) = seqs(&waiting).next() else {
            return Ok(None);
        };
        Ok(self.get(seq)?.map(|item| (seq, item)))
    }

    /// Whether anything is pending for `case`.
    pub fn pending_for(&self, case: CaseId) -> Result<bool, StoreError> {
        Ok(self.index.get(case_key(case))?.is_some())
    }

    /// Visits the due entries, budget by budget, until `limit` are taken: `room(budget)`
    /// says how many a budget may start now (0 skips it with one seek), and `visit`
    /// decides on each entry due at `now`, oldest first. Returns when the earliest entry
    /// seen that is not due yet (or that the visitor put off) becomes due.
    pub fn scan_due<I: Item>(
        &self,
        now: Timestamp,
        limit: usize,
        mut room: impl FnMut(&str) -> usize,
        mut visit: impl FnMut(u64, I) -> Visit,
    ) -> Result<Option<Timestamp>, StoreError> {
        let mut next = None::<Timestamp>;
        let mut total = 0;
        let soonest = |at: Timestamp, next: &mut Option<Timestamp>| {
            *next = Some(next.map_or(at, |n: Timestamp| n.min(at)));
        };
        let mut cursor = vec![DUE];
        while total < limit {
            let Some(first) = self.index.range(cursor.as_slice()..).next() else {
                break;
            };
            let (key, _) = first?;
            if key.first() != Some(&DUE) {
                break;
            }
            let end = key[1..]
                .iter()
                .position(|&b| b == 0)
                .ok_or_else(|| corrupt(self.index_name, "a due key has no budget end"))?;
            let budget = std::str::from_utf8(&key[1..1 + end])
                .map_err(|_| corrupt(self.index_name, "a budget is not UTF-8"))?
                .to_owned();
            let prefix = budget_prefix(&budget);
            let allowed = room(&budget).min(limit - total);
            let mut taken = 0;
            if allowed > 0 {
                for kv in self.index.scan_prefix(&prefix) {
                    let (key, _) = kv?;
                    let rest = &key[prefix.len()..];
                    let (Some(at), Some(seq)) = (
                        rest.get(..8).and_then(keys::micros_from),
                        rest.get(8..).and_then(keys::seq_from),
                    ) else {
                        return Err(corrupt(self.index_name, "a due key is malformed"));
                    };
                    if at > now {
                        soonest(at, &mut next);
                        break;
                    }
                    // Removed since the index was read: skip it.
                    let Some(item) = self.get::<I>(seq)? else {
                        continue;
                    };
                    match visit(seq, item) {
                        Visit::Take => {
                            taken += 1;
                            total += 1;
                            if taken >= allowed {
                                break;
                            }
                        }
                        Visit::Skip => {}
                        Visit::WaitUntil(at) => soonest(at, &mut next),
                    }
                }
            }
            // Past every key of this budget: its prefix ends in 0x00, so 0x01 sorts after
            // them all and before any longer budget name that starts the same way.
            cursor = prefix;
            if let Some(last) = cursor.last_mut() {
                *last = 1;
            }
        }
        Ok(next)
    }

    /// Builds the index from the entries (a store from before the index existed).
    pub fn rebuild_index<I: Item>(&self) -> Result<(), StoreError> {
        self.index.clear()?;
        let mut batch = sled::Batch::default();
        let mut lanes: std::collections::HashMap<String, Vec<u8>> = Default::default();
        let mut cases: std::collections::HashMap<CaseId, Vec<u8>> = Default::default();
        let mut depth = 0u64;
        for kv in self.entries.iter() {
            let (key, value) = kv?;
            let seq = keys::seq_from(&key)
                .ok_or_else(|| corrupt(I::TREE, "key is not a sequence number"))?;
            let item: I = decode(I::TREE, &value)?;
            let place = item.place();
            let heads = match place.lane {
                Some(lane) => {
                    let waiting = lanes.entry(lane.to_owned()).or_default();
                    waiting.extend_from_slice(&keys::seq(seq));
                    waiting.len() == 8
                }
                None => true,
            };
            if heads {
                batch.insert(due_key(&place.budget, place.not_before, seq), &[]);
            }
            if let Some(case) = place.case {
                cases
                    .entry(case)
                    .or_default()
                    .extend_from_slice(&keys::seq(seq));
            }
            depth += 1;
        }
        for (lane, waiting) in lanes {
            batch.insert(lane_key(&lane), waiting);
        }
        for (case, pending) in cases {
            batch.insert(&case_key(case), pending);
        }
        batch.insert(DEPTH, &keys::seq(depth));
        self.index.apply_batch(batch)?;
        Ok(())
    }
}
