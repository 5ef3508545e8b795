//! Purpose: durable state in sled, and the only module that imports it. Cases, customers,
//! tallies, the append-only audit log, the outbox of Slack deliveries and the paging timers
//! live in trees of one database; every state change is written together with its audit
//! entry, its deliveries and its next timer in one transaction, and flushed before anyone
//! is told about it.
//!
//! Trees (key -> value, values are JSON):
//! - `meta`: `schema_version` -> u32, `next_case` -> u64, `tallies` -> Tallies,
//!   `report_zone` -> the zone `report_index` counts weeks in, `report_state` -> ReportState
//! - `case_by_id`: case number (u64 BE) -> Case
//! - `customer_by_id`: customer id (UTF-8) -> CustomerRecord
//! - `audit_by_case`: (case, sequence) (u64 BE each) -> AuditEntry, never rewritten (moved,
//!   whole, into the archive with its case)
//! - `report_index`: the weekly report's aggregates (see `report`)
//! - `outbox_by_seq`: sequence (u64 BE) -> OutboxEntry, removed once delivered;
//!   `outbox_index`: its lanes, due lane heads by rate budget, pending per case and depth
//!   (see `queue`), written in the same transactions
//! - `dead_letter_by_seq`: sequence (u64 BE) -> DeadLetter, deliveries that cannot succeed
//! - `timer_by_due`: (due µs, case) -> (), an index of `Case::next`
//! - `once_by_key`: `event:<id>`, `trigger:<id>`, `view:<id>`, `message:<channel>:<ts>`
//!   -> Once, requests already handled (Slack's retries and replays); the request kinds
//!   are kept `ONCE_RETENTION`, flagged messages for good (one case per message)
//! - `work_by_seq`: sequence (u64 BE) -> WorkEntry, work accepted from events;
//!   `work_index`: the same kind of index
//! - `archive_by_block`: case number / 16 (u64 BE) -> [Archived], cases closed for a week,
//!   with their audit entries (see `archive`)
//! - `audit_log_by_seq`: sequence (u64 BE) -> LogEntry, the audit log of what belongs to no
//!   case (refusals before any case exists, backups, exports; see `log`), never rewritten
//! - `contact_by_customer`, `contact_suggested`: each customer's recent contacts, for
//!   repeated-contact suggestions (see `contacts`)
//! - `consultation_by_id`: consultation number (u64 BE) -> Consultation; `meta`
//!   `next_consultation` -> u64 numbers them (see `consultations`)
//! - `audit_by_consultation`: (consultation, sequence) (u64 BE each) -> ConsultEntry, a
//!   consultation's audit trail, never rewritten
//! - `consultation_by_thread`: `<channel>:<ts>` of a consultation's post in the
//!   consultation channel -> consultation number (u64 BE), to know the desk's replies
//! - `policy_ack`, `policy_reminded`: who read which version of the policy and when, and
//!   when each person was last reminded to (see `policy`)
//!
//! A case lives in `case_by_id` and `audit_by_case` until the archive takes it, then in
//! `archive_by_block` only; the readers below look in both.

mod archive;
mod cases;
mod consultations;
mod contacts;
mod flush;
mod journal;
mod keys;
mod log;
mod outbox;
mod policy;
mod queue;
mod report;
mod work;

use std::path::{Path, PathBuf};
use std::sync::Arc;

use jiff::{SignedDuration, Timestamp};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use sled::transaction::{ConflictableTransactionError, TransactionError};
use tokio::sync::Notify;

use crate::domain::{CaseId, CustomerId, CustomerRecord, Event, Refusal, Tallies};

pub use archive::{ARCHIVE_AFTER, Archived, Erased};
pub use cases::Opened;
pub use consultations::{ConsultEntry, ConsultFailed, OpenedConsultation};
pub use log::LogEntry;
pub use outbox::{
    About, CONSULTATION_BUDGET, DeadLetter, Delivered, ESCALATION_BUDGET, OutboxEntry, Queued,
    Retry,
};
pub use policy::PolicyAck;
pub use report::{Posting, ReportState, WeekFigures};
pub use work::{Work, WorkEntry};

/// The layout this build reads and writes. Bump it with a migration in `MIGRATIONS`.
pub const SCHEMA_VERSION: u32 = 11;

/// Rewrites a store's layout from one schema version to the next.
type Migration = fn(&sled::Db) -> Result<(), StoreError>;

/// `MIGRATIONS[n]` upgrades a store from version `n + 1` to `n + 2`.
const MIGRATIONS: &[Migration] = &[
    audit_by_case,
    report::spans_into_records,
    classified,
    queue_indexes,
    combined_outcomes,
    consultations,
    policy_acknowledgements,
    prevention_notes,
    prevention_recorded,
    pending_per_case,
];

/// Version 7 (issue 13) adds consultations (`consultation_by_id`, `audit_by_consultation`,
/// `consultation_by_thread`, created on open), outbox entries about a consultation
/// (`{"consultation": 3, ...}` where a case's say `{"case": 12, ...}`), the check-in after a
/// case closes (its timers, its audit entries, `Case::check_in`) and the weekly counts of
/// consultations. Nothing old changes; the version is raised so an older build, which
/// could not read them, refuses the store instead of failing on them later.
fn consultations(_db: &sled::Db) -> Result<(), StoreError> {
    Ok(())
}

/// Version 8 (issue 14) keeps who read which version of the policy, and when each person
/// was last reminded (`policy_ack`, `policy_reminded`, created on open), and erases cases
/// past `store.retention` (an erased case has `erased` set and people's ids replaced; the
/// audit log outside cases gets `retention-erased` entries). Nothing old is rewritten; the
/// version is raised so an older build, which knows none of it, refuses the store.
fn policy_acknowledgements(_db: &sled::Db) -> Result<(), StoreError> {
    Ok(())
}

/// Version 9 (issue 14) records the prevention note (再発防止策) on decisions and proposals
/// (`prevention`, absent when none was written; emptied by retention, which keeps that one
/// was). Nothing old is rewritten; the version is raised so an older build, which would
/// drop the note when it rewrites a case, refuses the store.
fn prevention_notes(_db: &sled::Db) -> Result<(), StoreError> {
    Ok(())
}

/// Version 10 (issue 14) records a prevention note after the decision: the decision's
/// `prevention` changes, and the case's trail gets `prevention-recorded` entries (who and
/// when, `edited` when it replaced a note). Nothing old is rewritten; the version is raised
/// so an older build, which could not read those entries, refuses the store.
fn prevention_recorded(_db: &sled::Db) -> Result<(), StoreError> {
    Ok(())
}

/// Version 11 (issue 16) keeps what is pending for a case under one index key per case
/// (`C` case -> its sequence numbers) instead of one per entry, so a case's deliveries
/// write it once. The indexes are rebuilt from the entries, as version 5 built them.
fn pending_per_case(db: &sled::Db) -> Result<(), StoreError> {
    queue_indexes(db)
}

/// Version 5 indexes the outbox and the event work (lanes, due heads by rate budget,
/// pending per case, depth), so a delivery pass no longer reads the whole backlog. The
/// entries themselves are unchanged; the indexes are built from them.
fn queue_indexes(db: &sled::Db) -> Result<(), StoreError> {
    let (outbox, work) = queues(db)?;
    outbox.rebuild_index::<OutboxEntry>()?;
    work.rebuild_index::<WorkEntry>()?;
    Ok(())
}

fn queues(db: &sled::Db) -> Result<(queue::Queue, queue::Queue), StoreError> {
    Ok((
        queue::Queue {
            entries: db.open_tree("outbox_by_seq")?,
            index: db.open_tree("outbox_index")?,
            index_name: "outbox_index",
        },
        queue::Queue {
            entries: db.open_tree("work_by_seq")?,
            index: db.open_tree("work_index")?,
            index_name: "work_index",
        },
    ))
}

/// Version 6 (issue 13) records decisions of several measures (`{"measures":[...],...}`)
/// with the checks before a suspension or termination, customer histories with a list of
/// measures per case (and who is kept off the customer), weekly aggregates counted per
/// measure, the record's facts and their additions, and the audit entries `facts-added`,
/// `legal-answered`, `safety-answered` and `reporter-kept-off`. Records written before read
/// as they are (see `domain::outcome`; new fields default), so nothing is rewritten; the
/// version is raised so an older build, which could not read the new records, refuses the
/// store instead of failing on them later.
fn combined_outcomes(_db: &sled::Db) -> Result<(), StoreError> {
    Ok(())
}

/// Version 4 writes `classified` audit entries (a reporter confirming or changing a
/// category the lexicon guessed) and counts contacts in their own trees, created on open.
/// Nothing old changes; the version is raised so an older build, which could not read
/// those entries, refuses the store instead of failing on them later.
fn classified(_db: &sled::Db) -> Result<(), StoreError> {
    Ok(())
}

/// Version 2 keys the audit log by case, so a case's timeline is one range read (the
/// export reads every case's). The weekly aggregates it also adds are built on open.
fn audit_by_case(db: &sled::Db) -> Result<(), StoreError> {
    let old = db.open_tree("audit_by_seq")?;
    let new = db.open_tree("audit_by_case")?;
    let mut batch = sled::Batch::default();
    for kv in old.iter() {
        let (key, value) = kv?;
        let entry: AuditEntry = decode("audit_by_seq", &value)?;
        let seq = keys::seq_from(&key).ok_or(StoreError::Corrupt {
            tree: "audit_by_seq",
            reason: "key is not a sequence number".into(),
        })?;
        batch.insert(&keys::audit(entry.case, seq), value);
    }
    new.apply_batch(batch)?;
    db.flush()?;
    db.drop_tree("audit_by_seq")?;
    Ok(())
}

/// How long "already handled" marks are kept. Slack retries events for about five
/// minutes and the issue asks for at least an hour.
pub const ONCE_RETENTION: SignedDuration = SignedDuration::from_hours(2);

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error(
        "The store at {path} is in use by another process, probably a running bot \
         (sled allows one process per store). Stop it first, or ask the bot: /escalate stats."
    )]
    Locked { path: PathBuf },
    #[error("There is no store at {path} yet: the bot has not recorded anything there.")]
    Missing { path: PathBuf },
    #[error(
        "The store at {path} was written by a newer escalation-bot (schema {found}; this build \
         knows up to {SCHEMA_VERSION}). Upgrade the bot."
    )]
    TooNew { path: PathBuf, found: u32 },
    #[error("A record in {tree} could not be read: {reason}")]
    Corrupt { tree: &'static str, reason: String },
    #[error("The store failed: {0}")]
    Sled(#[from] sled::Error),
    #[error("The store could not sync to disk: {0}")]
    Io(std::io::Error),
    #[error("{path} is not empty: a backup goes into a new or empty directory.")]
    BackupTarget { path: PathBuf },
}

/// Why an action on a case did not happen.
#[derive(Debug, thiserror::Error)]
pub enum ActError {
    #[error("no case {0}")]
    NoSuchCase(CaseId),
    #[error("refused: {0:?}")]
    Refused(Refusal),
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// One line of the audit log: who did what to which case, when.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditEntry {
    pub case: CaseId,
    pub event: Event,
}

/// A request already handled, and the case (or consultation) it opened, if any.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
struct Once {
    at: Timestamp,
    case: Option<CaseId>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    consultation: Option<crate::domain::ConsultationId>,
}

#[derive(Clone)]
pub struct Store {
    db: sled::Db,
    meta: sled::Tree,
    cases: sled::Tree,
    customers: sled::Tree,
    audit: sled::Tree,
    outbox: queue::Queue,
    dead: sled::Tree,
    timers: sled::Tree,
    once: sled::Tree,
    work: queue::Queue,
    report: sled::Tree,
    archive: sled::Tree,
    log: sled::Tree,
    contacts: sled::Tree,
    suggested: sled::Tree,
    consultations: sled::Tree,
    consult_audit: sled::Tree,
    consult_threads: sled::Tree,
    policy_ack: sled::Tree,
    policy_reminded: sled::Tree,
    /// The zone weeks are counted in for the weekly report (see `set_report_zone`).
    zone: jiff::tz::TimeZone,
    flusher: Arc<flush::Flusher>,
    /// Applies changes over several trees whole (see `journal`).
    journal: Arc<journal::Journal>,
    /// Wakes the delivery worker when something is queued.
    outbox_ready: Arc<Notify>,
    /// Wakes the scheduler when a timer may have moved earlier.
    timers_changed: Arc<Notify>,
    /// Wakes the event-work job when work was queued.
    work_ready: Arc<Notify>,
    /// Writes hold it shared; a backup holds it exclusively for a moment, to collect the
    /// changes made while it copied at a point no write is halfway through.
    gate: Arc<std::sync::RwLock<()>>,
    /// Held while cases move into the archive, and by readers that walk many cases and
    /// must see each exactly once (`hold_archive`).
    archiving: Arc<std::sync::Mutex<()>>,
}

/// How a transaction body gives up; mapped to `ActError` outside.
enum Abort {
    NoSuchCase(CaseId),
    Refused(Refusal),
    Corrupt(&'static str, String),
}

type TxResult<T> = Result<T, ConflictableTransactionError<Abort>>;

fn encode<T: Serialize>(value: &T) -> Vec<u8> {
    serde_json::to_vec(value).expect("store records are plain data and always serialize")
}

fn decode<T: DeserializeOwned>(tree: &'static str, bytes: &[u8]) -> Result<T, StoreError> {
    serde_json::from_slice(bytes).map_err(|e| StoreError::Corrupt {
        tree,
        reason: e.to_string(),
    })
}

fn tx_decode<T: DeserializeOwned>(tree: &'static str, bytes: &[u8]) -> TxResult<T> {
    serde_json::from_slice(bytes)
        .map_err(|e| ConflictableTransactionError::Abort(Abort::Corrupt(tree, e.to_string())))
}

fn tx_outcome<T>(result: Result<T, TransactionError<Abort>>) -> Result<T, ActError> {
    result.map_err(|e| match e {
        TransactionError::Abort(Abort::NoSuchCase(id)) => ActError::NoSuchCase(id),
        TransactionError::Abort(Abort::Refused(r)) => ActError::Refused(r),
        TransactionError::Abort(Abort::Corrupt(tree, reason)) => {
            ActError::Store(StoreError::Corrupt { tree, reason })
        }
        TransactionError::Storage(e) => ActError::Store(StoreError::Sled(e)),
    })
}

/// For transactions that never refuse: only storage and decoding errors can come out.
fn into_store_error(e: ActError) -> StoreError {
    match e {
        ActError::Store(s) => s,
        other => StoreError::Corrupt {
            tree: "transaction",
            reason: format!("unexpected abort: {other}"),
        },
    }
}

/// Brings a store written by an older build up to `SCHEMA_VERSION`, one version at a time,
/// before anything reads it.
fn migrate(db: &sled::Db, meta: &sled::Tree, path: &Path) -> Result<(), StoreError> {
    let found = match meta.get(keys::SCHEMA_VERSION)? {
        Some(v) => decode::<u32>("meta", &v)?,
        None => {
            meta.insert(keys::SCHEMA_VERSION, encode(&SCHEMA_VERSION))?;
            db.flush()?;
            return Ok(());
        }
    };
    if found > SCHEMA_VERSION {
        return Err(StoreError::TooNew {
            path: path.to_owned(),
            found,
        });
    }
    for version in found..SCHEMA_VERSION {
        // Versions start at 1: a 0 (or a gap in MIGRATIONS) is not a store we wrote.
        let migration = version
            .checked_sub(1)
            .and_then(|n| MIGRATIONS.get(n as usize))
            .ok_or_else(|| StoreError::Corrupt {
                tree: "meta",
                reason: format!("schema version {found} is not one this bot ever wrote"),
            })?;
        migration(db)?;
        meta.insert(keys::SCHEMA_VERSION, encode(&(version + 1)))?;
        db.flush()?;
        tracing::info!(from = version, to = version + 1, "migrated the store");
    }
    Ok(())
}

impl Store {
    /// Opens (creating if needed) the store at `path`. `cache_bytes` bounds sled's page
    /// cache, which is most of the process's memory.
    pub fn open(path: &Path, cache_bytes: u64) -> Result<Store, StoreError> {
        let db = sled::Config::new()
            .path(path)
            .cache_capacity(cache_bytes)
            .open()
            .map_err(|e| match e {
                sled::Error::Io(io) if io.to_string().contains("could not acquire lock") => {
                    StoreError::Locked {
                        path: path.to_owned(),
                    }
                }
                other => StoreError::Sled(other),
            })?;
        // The archive first and the queues last (see `journal`).
        let journal = Arc::new(journal::Journal::open(
            &db,
            &["archive_by_block"],
            &["outbox_by_seq", "outbox_index", "work_by_seq", "work_index"],
        )?);
        let meta = db.open_tree("meta")?;
        migrate(&db, &meta, path)?;
        let (outbox, work) = queues(&db)?;
        let mut store = Store {
            meta,
            cases: db.open_tree("case_by_id")?,
            customers: db.open_tree("customer_by_id")?,
            audit: db.open_tree("audit_by_case")?,
            outbox,
            dead: db.open_tree("dead_letter_by_seq")?,
            timers: db.open_tree("timer_by_due")?,
            once: db.open_tree("once_by_key")?,
            work,
            report: db.open_tree("report_index")?,
            archive: db.open_tree("archive_by_block")?,
            log: db.open_tree("audit_log_by_seq")?,
            contacts: db.open_tree("contact_by_customer")?,
            suggested: db.open_tree("contact_suggested")?,
            consultations: db.open_tree("consultation_by_id")?,
            consult_audit: db.open_tree("audit_by_consultation")?,
            consult_threads: db.open_tree("consultation_by_thread")?,
            policy_ack: db.open_tree("policy_ack")?,
            policy_reminded: db.open_tree("policy_reminded")?,
            zone: jiff::tz::TimeZone::UTC,
            flusher: Arc::new(flush::Flusher::new(path)),
            journal,
            db,
            outbox_ready: Arc::new(Notify::new()),
            timers_changed: Arc::new(Notify::new()),
            work_ready: Arc::new(Notify::new()),
            gate: Arc::new(std::sync::RwLock::new(())),
            archiving: Arc::new(std::sync::Mutex::new(())),
        };
        // Weeks count in UTC until the application names its zone; a store that has no
        // aggregates yet (new, or from schema 1) gets them here.
        let zone = match store.meta.get(keys::REPORT_ZONE)? {
            Some(v) => decode::<String>("meta", &v)?,
            None => "UTC".to_owned(),
        };
        let tz = jiff::tz::TimeZone::get(&zone).unwrap_or(jiff::tz::TimeZone::UTC);
        store.set_report_zone(tz, &zone)?;
        Ok(store)
    }

    /// Opens a store that must already exist (for read-only commands like `stats`, which
    /// should not leave an empty store behind when pointed at the wrong directory).
    pub fn open_existing(path: &Path, cache_bytes: u64) -> Result<Store, StoreError> {
        if !path.join("conf").exists() {
            return Err(StoreError::Missing {
                path: path.to_owned(),
            });
        }
        Store::open(path, cache_bytes)
    }

    /// Held while writing (never across an await), so a backup sees whole changes.
    fn writing(&self) -> std::sync::RwLockReadGuard<'_, ()> {
        self.gate
            .read()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Copies the whole store into a new store at `dir`, consistently, without stopping
    /// writes for the length of the copy: every tree is watched from before the first
    /// read, the trees are copied while writes go on, and then, with writes paused for
    /// only as long as it takes to collect what the watchers saw (milliseconds), the
    /// changes made during the copy are applied to it in order. The copy is the store as
    /// it was at that pause. `dir` must not exist or be empty. Blocking: call it from a
    /// blocking thread. Returns the number of records in the copy.
    pub fn backup_to(&self, dir: &Path) -> Result<usize, StoreError> {
        if dir.exists() && dir.read_dir().map_err(StoreError::Io)?.next().is_some() {
            return Err(StoreError::BackupTarget {
                path: dir.to_owned(),
            });
        }
        let copy = sled::Config::new().path(dir).open()?;
        let trees = self
            .db
            .tree_names()
            .into_iter()
            .map(|name| Ok((self.db.open_tree(&name)?, copy.open_tree(&name)?)))
            .collect::<Result<Vec<_>, StoreError>>()?;
        let done = Arc::new(std::sync::atomic::AtomicBool::new(false));
        // One watcher a tree, each on a thread that keeps reading: sled makes writers wait
        // when a watcher falls 1,024 events behind.
        let watchers: Vec<_> = trees
            .iter()
            .map(|(from, _)| {
                let mut events = from.watch_prefix(Vec::<u8>::new());
                let done = done.clone();
                std::thread::spawn(move || {
                    let mut seen = Vec::new();
                    // sled 0.34 reports a wait that timed out as "disconnected", so an
                    // error only means "nothing yet". Once writes are paused, a few quiet
                    // waits in a row mean everything written has been seen.
                    let mut quiet = 0;
                    while quiet < 3 {
                        match events.next_timeout(std::time::Duration::from_millis(10)) {
                            Ok(event) => {
                                seen.push(event);
                                quiet = 0;
                            }
                            Err(_) if done.load(std::sync::atomic::Ordering::SeqCst) => {
                                quiet += 1;
                            }
                            Err(_) => {}
                        }
                    }
                    seen
                })
            })
            .collect();
        for (from, to) in &trees {
            let mut batch = sled::Batch::default();
            for (n, kv) in from.iter().enumerate() {
                let (k, v) = kv?;
                batch.insert(k, v);
                // Bounded batches keep a large store's copy from doubling memory.
                if n % 10_000 == 9_999 {
                    to.apply_batch(std::mem::take(&mut batch))?;
                }
            }
            to.apply_batch(batch)?;
        }
        let changes: Vec<Vec<sled::Event>> = {
            // No write is halfway through while this is held, so each watcher has every
            // event of every write that finished: it drains them, then times out and stops.
            let _paused = self
                .gate
                .write()
                .unwrap_or_else(|poisoned| poisoned.into_inner());
            done.store(true, std::sync::atomic::Ordering::SeqCst);
            watchers
                .into_iter()
                .map(|w| w.join().unwrap_or_default())
                .collect()
        };
        let mut records = 0;
        for ((_, to), events) in trees.iter().zip(changes) {
            let mut batch = sled::Batch::default();
            for event in events {
                match event {
                    sled::Event::Insert { key, value } => batch.insert(key, value),
                    sled::Event::Remove { key } => batch.remove(key),
                }
            }
            to.apply_batch(batch)?;
            records += to.len();
        }
        copy.flush()?;
        Ok(records)
    }

    /// Makes everything written before this call survive a crash of this process and a
    /// power loss. Concurrent callers share one flush.
    pub async fn flush(&self) -> Result<(), StoreError> {
        let journal = Arc::clone(&self.journal);
        let gate = Arc::clone(&self.gate);
        let apply = move || {
            // Applying is writing: a backup waits for a batch to be applied whole.
            let _writing = gate.read().unwrap_or_else(|poisoned| poisoned.into_inner());
            journal.apply_pending().map_err(StoreError::from)
        };
        self.flusher.flush(&self.db, apply).await
    }

    /// How many writes asked to be made durable since start, and how many flushes (each
    /// a sled flush and an `fdatasync`) did it.
    pub fn flush_counts(&self) -> (u64, u64) {
        self.flusher.counts()
    }

    /// Notified when deliveries may have been queued.
    pub fn outbox_ready(&self) -> Arc<Notify> {
        self.outbox_ready.clone()
    }

    /// Notified when work from events was queued.
    pub fn work_ready(&self) -> Arc<Notify> {
        self.work_ready.clone()
    }

    /// Notified when a timer may have been set earlier than the scheduler knows.
    pub fn timers_changed(&self) -> Arc<Notify> {
        self.timers_changed.clone()
    }

    pub fn case(&self, id: CaseId) -> Result<Option<crate::domain::Case>, StoreError> {
        match self.cases.get(keys::case(id))? {
            Some(v) => decode("case_by_id", &v).map(Some),
            None => Ok(self.archived(id)?.map(|a| a.case)),
        }
    }

    pub fn customer(&self, id: &CustomerId) -> Result<Option<CustomerRecord>, StoreError> {
        self.customers
            .get(keys::customer(id))?
            .map(|v| decode("customer_by_id", &v))
            .transpose()
    }

    pub fn tallies(&self) -> Result<Tallies, StoreError> {
        Ok(match self.meta.get(keys::TALLIES)? {
            Some(v) => decode("meta", &v)?,
            None => Tallies::default(),
        })
    }

    /// While the guard lives, no case moves into the archive. sled's iterators are not
    /// snapshots: a reader that walks every case (an export) while cases move could meet
    /// one twice or miss it. Writes go on meanwhile; archiving waits.
    pub fn hold_archive(&self) -> std::sync::MutexGuard<'_, ()> {
        self.archiving
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Every case, in number order, archived or not. A caller that may run while the
    /// bot archives holds `hold_archive` for the walk; the report rebuild pauses writes,
    /// archiving included.
    pub fn cases(&self) -> impl Iterator<Item = Result<crate::domain::Case, StoreError>> + '_ {
        let live = self.live_cases().map(|c| c.map(|c| (c.id.number(), c)));
        let archived = self
            .archived_all()
            .map(|a| a.map(|a| (a.case.id.number(), a.case)));
        archive::merge_by_case(live, archived)
    }

    /// The cases not yet archived, in number order.
    fn live_cases(&self) -> impl Iterator<Item = Result<crate::domain::Case, StoreError>> + '_ {
        self.cases.iter().map(|kv| {
            kv.map_err(StoreError::from)
                .and_then(|(_, v)| decode("case_by_id", &v))
        })
    }

    /// Every case with its timeline, in number order: what an export writes. Archived
    /// cases come with theirs, so each archive record is read once.
    pub fn cases_with_timelines(
        &self,
    ) -> impl Iterator<Item = Result<(crate::domain::Case, Vec<Event>), StoreError>> + '_ {
        let live = self.live_cases().map(|c| {
            let case = c?;
            let timeline = self.live_timeline(case.id)?;
            Ok((case.id.number(), (case, timeline)))
        });
        let archived = self
            .archived_all()
            .map(|a| a.map(|a| (a.case.id.number(), (a.case, a.timeline))));
        archive::merge_by_case(live, archived)
    }

    /// The audit log: case by case, each case's entries oldest first.
    pub fn audit(&self) -> impl Iterator<Item = Result<AuditEntry, StoreError>> + '_ {
        self.cases_with_timelines()
            .flat_map(|c| -> Vec<Result<AuditEntry, StoreError>> {
                match c {
                    Ok((case, timeline)) => timeline
                        .into_iter()
                        .map(|event| {
                            Ok(AuditEntry {
                                case: case.id,
                                event,
                            })
                        })
                        .collect(),
                    Err(e) => vec![Err(e)],
                }
            })
    }

    /// What happened to one case, oldest first.
    pub fn timeline(&self, id: CaseId) -> Result<Vec<Event>, StoreError> {
        let live = self.live_timeline(id)?;
        if !live.is_empty() {
            return Ok(live);
        }
        Ok(self.archived(id)?.map(|a| a.timeline).unwrap_or_default())
    }

    /// A case's entries in `audit_by_case` (none once it is archived).
    fn live_timeline(&self, id: CaseId) -> Result<Vec<Event>, StoreError> {
        self.audit
            .scan_prefix(keys::case(id))
            .map(|kv| {
                let (_, v) = kv?;
                decode::<AuditEntry>("audit_by_case", &v).map(|e| e.event)
            })
            .collect()
    }

    /// Whether a Slack event was accepted before (a retry or a duplicate delivery). Writes
    /// nothing: `accept_event` records an event, and decides if two deliveries race.
    pub fn event_seen(&self, event_id: &str) -> Result<bool, StoreError> {
        Ok(self.once.contains_key(keys::once("event", event_id))?)
    }

    /// Forgets "already handled" marks older than `ONCE_RETENTION`, except those of
    /// flagged messages: a message escalated once stays escalated.
    pub fn prune(&self, now: Timestamp) -> Result<usize, StoreError> {
        let cutoff = now - ONCE_RETENTION;
        let mut pruned = 0;
        let _writing = self.writing();
        for kv in self.once.iter() {
            let (key, value) = kv?;
            if key.starts_with(b"message:") {
                continue;
            }
            let once: Once = decode("once_by_key", &value)?;
            if once.at < cutoff {
                self.once.remove(key)?;
                pruned += 1;
            }
        }
        Ok(pruned)
    }
}

#[cfg(test)]
mod tests;
