//! Purpose: the weekly report's aggregates, kept in step with the cases inside the same
//! transactions that change them, so a report reads a few dozen records however long the
//! history is; rebuilding them from the cases when the report's time zone changes; and
//! the durable state of the report schedule.
//!
//! `report_index` keys:
//! - `w` week -> WeekStats
//! - `o` case -> (), the open cases (the first is the oldest)
//! - `p` week span chunk -> the seconds cases took to be taken (or decided) that week, 8
//!   bytes each, in the order they happened, up to `CHUNK` a record: a few records per
//!   week and span rather than a key per case, because sled keeps memory for every page of
//!   keys (see README "Performance"), and bounded ones, so a busy week's take does not
//!   rewrite all of the week's durations
//! - `n` week span -> how many durations the week's chunks hold (u64 BE), so a transaction
//!   (which cannot scan) knows which chunk to append to

use std::collections::{BTreeMap, HashMap};

use super::journal::TransactionalTree;
use jiff::Timestamp;
use jiff::tz::TimeZone;
use serde::{Deserialize, Serialize};

use super::{Store, StoreError, TxResult, decode, encode, keys, tx_decode};
use crate::domain::{
    Case, CaseId, CaseState, ConsultCounts, ConsultEvent, ConsultState, Consultation,
    CustomerChange, CustomerRecord, Event, MessageRef, Span, Spread, Week, WeekStats,
};

const WEEK: u8 = b'w';
const OPEN: u8 = b'o';
const SPAN_CHUNK: u8 = b'p';
const SPAN_COUNT: u8 = b'n';
/// Durations per chunk record: 2 KiB.
const CHUNK: u64 = 256;
/// Schema 2's key per case and span: `d` week span seconds case -> ().
const SPAN_V2: u8 = b'd';

fn week_key(week: Week) -> [u8; 4] {
    let [a, b, c] = week.key();
    [WEEK, a, b, c]
}

fn open_key(case: CaseId) -> [u8; 9] {
    let mut key = [OPEN; 9];
    key[1..].copy_from_slice(&keys::case(case));
    key
}

/// A week and span, as the span keys begin after their kind byte.
fn span_id(week: Week, span: Span) -> [u8; 4] {
    let [a, b, c] = week.key();
    let span = match span {
        Span::ToTaken => b't',
        Span::ToDecided => b'd',
    };
    [a, b, c, span]
}

fn count_key(id: [u8; 4]) -> [u8; 5] {
    let [a, b, c, d] = id;
    [SPAN_COUNT, a, b, c, d]
}

fn chunk_prefix(id: [u8; 4]) -> [u8; 5] {
    let [a, b, c, d] = id;
    [SPAN_CHUNK, a, b, c, d]
}

/// The chunk that holds duration number `n` (from 0) of a week and span.
fn chunk_key(id: [u8; 4], n: u64) -> [u8; 9] {
    let mut key = [0; 9];
    key[..5].copy_from_slice(&chunk_prefix(id));
    key[5..].copy_from_slice(&((n / CHUNK) as u32).to_be_bytes());
    key
}

fn corrupt(reason: String) -> StoreError {
    StoreError::Corrupt {
        tree: "report_index",
        reason,
    }
}

/// Durations are 8 bytes each, big-endian.
fn spans_from(bytes: &[u8], into: &mut Vec<u64>) -> Result<(), StoreError> {
    if !bytes.len().is_multiple_of(8) {
        return Err(corrupt(format!("a span record of {} bytes", bytes.len())));
    }
    into.extend(
        bytes
            .chunks_exact(8)
            .map(|c| u64::from_be_bytes(c.try_into().expect("8 bytes"))),
    );
    Ok(())
}

fn spans_bytes(seconds: &[u64]) -> Vec<u8> {
    seconds.iter().flat_map(|s| s.to_be_bytes()).collect()
}

/// Writes a week and span's durations as chunks and their count (rebuilds, migrations).
fn put_spans(batch: &mut sled::Batch, id: [u8; 4], seconds: &[u64]) {
    for (i, chunk) in seconds.chunks(CHUNK as usize).enumerate() {
        batch.insert(&chunk_key(id, i as u64 * CHUNK), spans_bytes(chunk));
    }
    batch.insert(&count_key(id), &keys::seq(seconds.len() as u64));
}

/// Adds one duration to a week's last chunk, inside the transaction.
fn add_span(index: &TransactionalTree, week: Week, span: Span, seconds: u64) -> TxResult<()> {
    let tx_corrupt = |reason: String| {
        sled::transaction::ConflictableTransactionError::Abort(super::Abort::Corrupt(
            "report_index",
            reason,
        ))
    };
    let id = span_id(week, span);
    let count = match index.get(count_key(id))? {
        Some(v) => keys::u64_value(&v)
            .ok_or_else(|| tx_corrupt(format!("a span count of {} bytes", v.len())))?,
        None => 0,
    };
    let key = chunk_key(id, count);
    let mut chunk = index.get(key)?.map(|v| v.to_vec()).unwrap_or_default();
    chunk.extend_from_slice(&seconds.to_be_bytes());
    index.insert(&key, chunk)?;
    index.insert(&count_key(id), &keys::seq(count + 1))?;
    Ok(())
}

/// Schema 2 -> 3: a week's durations, one key each, become a few records per week and span.
pub(super) fn spans_into_records(db: &sled::Db) -> Result<(), StoreError> {
    let index = db.open_tree("report_index")?;
    let mut records: BTreeMap<[u8; 4], Vec<u64>> = BTreeMap::new();
    let mut batch = sled::Batch::default();
    for kv in index.scan_prefix([SPAN_V2]) {
        let (key, _) = kv?;
        let (Some(id), Some(seconds)) = (key.get(1..5), key.get(5..13)) else {
            return Err(corrupt("short duration key".into()));
        };
        let id: [u8; 4] = id.try_into().expect("4 bytes");
        let seconds = u64::from_be_bytes(seconds.try_into().expect("8 bytes"));
        records.entry(id).or_default().push(seconds);
        batch.remove(key);
    }
    for (id, seconds) in records {
        put_spans(&mut batch, id, &seconds);
    }
    index.apply_batch(batch)?;
    Ok(())
}

fn seconds_between(from: Timestamp, to: Timestamp) -> u64 {
    to.duration_since(from).as_secs().max(0) as u64
}

/// Brings the aggregates up to date with `event`, inside the transaction that records it.
pub(super) fn count(
    index: &TransactionalTree,
    zone: &TimeZone,
    case: &Case,
    event: &Event,
    change: CustomerChange,
) -> TxResult<()> {
    let update = |week: Week, f: &dyn Fn(&mut WeekStats)| -> TxResult<()> {
        let key = week_key(week);
        let mut stats: WeekStats = match index.get(key)? {
            Some(v) => tx_decode("report_index", &v)?,
            None => WeekStats::default(),
        };
        f(&mut stats);
        index.insert(&key, encode(&stats))?;
        Ok(())
    };
    match event {
        Event::Opened { by } => {
            update(Week::of(by.at, zone), &|s| {
                s.count_opened(case.category, change.repeat_case())
            })?;
            index.insert(&open_key(case.id), &[])?;
        }
        Event::CustomerIdentified { .. } if change.repeat_case() => {
            update(Week::of(case.opened_at, zone), &|s| s.repeat_cases += 1)?;
        }
        Event::Taken { by } => {
            let seconds = seconds_between(case.opened_at, by.at);
            let week = Week::of(by.at, zone);
            add_span(index, week, Span::ToTaken, seconds)?;
        }
        Event::Closed { decision } => {
            let at = decision.final_stamp().at;
            let week = Week::of(at, zone);
            update(week, &|s| {
                s.count_decided(decision.outcome, change.newly_cut_off)
            })?;
            let seconds = seconds_between(case.opened_at, at);
            add_span(index, week, Span::ToDecided, seconds)?;
            index.remove(&open_key(case.id))?;
        }
        // The week's count moves with the category a person confirmed.
        Event::Classified {
            category,
            from_category,
            ..
        } if category != from_category => {
            update(Week::of(case.opened_at, zone), &|s| {
                s.recount_category(*from_category, *category)
            })?;
        }
        Event::CustomerIdentified { .. }
        | Event::Classified { .. }
        | Event::Proposed { .. }
        | Event::Rejected { .. }
        | Event::LegalAnswered { .. }
        | Event::FactsAdded { .. }
        | Event::SafetyAnswered { .. }
        | Event::CheckInAnswered { .. }
        | Event::ReporterKeptOff { .. }
        | Event::PreventionRecorded { .. }
        | Event::Notified { .. } => {}
    }
    Ok(())
}

/// Counts a consultation's step in the week it happened, inside its transaction.
pub(super) fn count_consultation(
    index: &TransactionalTree,
    zone: &TimeZone,
    event: &ConsultEvent,
) -> TxResult<()> {
    let (at, count): (Timestamp, fn(&mut ConsultCounts)) = match event {
        ConsultEvent::Opened { by } => (by.at, |c| c.opened += 1),
        ConsultEvent::Closed { by } => (by.at, |c| c.closed += 1),
        ConsultEvent::Converted { by, .. } => (by.at, |c| c.converted += 1),
        ConsultEvent::Answered { .. }
        | ConsultEvent::FactsAdded { .. }
        | ConsultEvent::Notified { .. } => return Ok(()),
    };
    let key = week_key(Week::of(at, zone));
    let mut stats: WeekStats = match index.get(key)? {
        Some(v) => tx_decode("report_index", &v)?,
        None => WeekStats::default(),
    };
    count(&mut stats.consultations);
    index.insert(&key, encode(&stats))?;
    Ok(())
}

/// Where the scheduled weekly report is: the next week to post, and how far its posting
/// got, so a restart neither posts a step twice nor skips one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReportState {
    pub next: Week,
    #[serde(default)]
    pub posting: Posting,
}

/// Each step is marked as attempted (durably) before it is tried: after a crash or a
/// timeout, an attempted step is looked for in Slack before it is tried again.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Posting {
    pub message_attempted: bool,
    pub message: Option<MessageRef>,
    pub chart_attempted: bool,
    pub chart_done: bool,
    /// Slack refused the native chart's blocks (`invalid_blocks`): the message is (being)
    /// posted as text alone, and the chart goes into its thread as a PNG. Set before that
    /// post, so after a crash the chart still goes where the message expects it.
    #[serde(default)]
    pub png: bool,
}

/// The numbers a week's report needs, read from the aggregates.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WeekFigures {
    pub stats: WeekStats,
    pub to_taken: Option<Spread>,
    pub to_decided: Option<Spread>,
}

impl Store {
    pub fn week_stats(&self, week: Week) -> Result<WeekStats, StoreError> {
        Ok(match self.report.get(week_key(week))? {
            Some(v) => decode("report_index", &v)?,
            None => WeekStats::default(),
        })
    }

    pub fn week_figures(&self, week: Week) -> Result<WeekFigures, StoreError> {
        let spread = |span| -> Result<Option<Spread>, StoreError> {
            let mut seconds = Vec::new();
            for kv in self.report.scan_prefix(chunk_prefix(span_id(week, span))) {
                let (_, v) = kv?;
                spans_from(&v, &mut seconds)?;
            }
            seconds.sort_unstable();
            Ok(Spread::of_sorted(&seconds))
        };
        Ok(WeekFigures {
            stats: self.week_stats(week)?,
            to_taken: spread(Span::ToTaken)?,
            to_decided: spread(Span::ToDecided)?,
        })
    }

    /// The case open the longest, if any is open.
    pub fn oldest_open(&self) -> Result<Option<Case>, StoreError> {
        let Some((key, _)) = self.report.scan_prefix([OPEN]).next().transpose()? else {
            return Ok(None);
        };
        match keys::seq_from(&key[1..]) {
            Some(n) => self.case(CaseId::new(n)),
            None => Err(StoreError::Corrupt {
                tree: "report_index",
                reason: "open-case key without a case number".into(),
            }),
        }
    }

    /// The zone the weekly aggregates are counted in.
    pub fn report_zone(&self) -> &TimeZone {
        &self.zone
    }

    /// Counts the weekly aggregates in `zone` from now on. When they were counted in
    /// another zone (or not at all, in a store from before they existed), they are rebuilt
    /// from the cases first: a full scan, once. Returns whether it rebuilt.
    pub fn set_report_zone(&mut self, zone: TimeZone, name: &str) -> Result<bool, StoreError> {
        let current = self
            .meta
            .get(keys::REPORT_ZONE)?
            .map(|v| decode::<String>("meta", &v))
            .transpose()?;
        self.zone = zone;
        if current.as_deref() == Some(name) {
            return Ok(false);
        }
        self.rebuild_report_index()?;
        self.meta.insert(keys::REPORT_ZONE, encode(&name))?;
        self.db.flush()?;
        if let Some(from) = current {
            tracing::info!(
                from,
                to = name,
                "recounted the weekly report in a new time zone"
            );
        }
        Ok(true)
    }

    /// Recomputes every aggregate from the cases and customers, with writes paused.
    fn rebuild_report_index(&self) -> Result<(), StoreError> {
        let _paused = self
            .gate
            .write()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        self.report.clear()?;
        let zone = &self.zone;
        let mut weeks: BTreeMap<Week, WeekStats> = BTreeMap::new();
        let mut batch = sled::Batch::default();
        let mut pending = 0;
        let mut categories = HashMap::new();
        let mut spans: BTreeMap<[u8; 4], Vec<u64>> = BTreeMap::new();
        for case in self.cases() {
            let case = case?;
            categories.insert(case.id, case.category);
            weeks
                .entry(Week::of(case.opened_at, zone))
                .or_default()
                .count_opened(case.category, false);
            if let Some(owner) = case.owner() {
                let week = Week::of(owner.at, zone);
                let seconds = seconds_between(case.opened_at, owner.at);
                spans
                    .entry(span_id(week, Span::ToTaken))
                    .or_default()
                    .push(seconds);
            }
            match (&case.state, case.closed_at()) {
                (CaseState::Closed { decision, .. }, Some(at)) => {
                    let week = Week::of(at, zone);
                    weeks
                        .entry(week)
                        .or_default()
                        .count_decided(decision.outcome, false);
                    let seconds = seconds_between(case.opened_at, at);
                    spans
                        .entry(span_id(week, Span::ToDecided))
                        .or_default()
                        .push(seconds);
                }
                _ => batch.insert(&open_key(case.id), &[]),
            }
            pending += 1;
            // Bounded batches keep a million-case rebuild's memory flat.
            if pending % 10_000 == 0 {
                self.report.apply_batch(std::mem::take(&mut batch))?;
            }
        }
        let mut repeat_customers = 0;
        for kv in self.customers.iter() {
            let (_, v) = kv?;
            let customer: CustomerRecord = decode("customer_by_id", &v)?;
            if customer.cases.len() > 1 {
                repeat_customers += 1;
            }
            for line in customer.cases.iter().skip(1) {
                weeks
                    .entry(Week::of(line.opened_at, zone))
                    .or_default()
                    .repeat_cases += 1;
            }
            if let Some(cut) = &customer.cut_off {
                weeks.entry(Week::of(cut.at, zone)).or_default().cut_off += 1;
            }
        }
        for kv in self.consultations.iter() {
            let (_, v) = kv?;
            let consultation: Consultation = decode("consultation_by_id", &v)?;
            let week = |at: Timestamp| Week::of(at, zone);
            weeks
                .entry(week(consultation.opened_at))
                .or_default()
                .consultations
                .opened += 1;
            let ended = match &consultation.state {
                ConsultState::Open => None,
                ConsultState::Closed { by } => Some((by.at, false)),
                ConsultState::Converted { by, .. } => Some((by.at, true)),
            };
            if let Some((at, converted)) = ended {
                let counts: &mut ConsultCounts =
                    &mut weeks.entry(week(at)).or_default().consultations;
                if converted {
                    counts.converted += 1;
                } else {
                    counts.closed += 1;
                }
            }
        }
        for (week, stats) in &weeks {
            batch.insert(&week_key(*week), encode(stats));
        }
        for (id, seconds) in spans {
            put_spans(&mut batch, id, &seconds);
        }
        self.report.apply_batch(batch)?;
        let mut tallies = self.tallies()?;
        tallies.repeat_customers = repeat_customers;
        self.meta.insert(keys::TALLIES, encode(&tallies))?;
        Ok(())
    }

    pub fn report_state(&self) -> Result<Option<ReportState>, StoreError> {
        self.meta
            .get(keys::REPORT_STATE)?
            .map(|v| decode("meta", &v))
            .transpose()
    }

    /// Records how far the scheduled report got, durably, before anything relies on it.
    pub async fn put_report_state(&self, state: &ReportState) -> Result<(), StoreError> {
        {
            let _writing = self.writing();
            self.meta.insert(keys::REPORT_STATE, encode(state))?;
        }
        self.flush().await
    }
}
