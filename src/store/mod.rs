//! Purpose: durable state in sled, and the only module that imports it. Cases, customers,
//! tallies, the append-only audit log and the outbox of Slack deliveries live in trees of
//! one database; every state change is written together with its audit entry and the
//! deliveries it causes in one transaction, and flushed before anyone is told about it.
//!
//! Trees (key -> value, values are JSON):
//! - `meta`: `schema_version` -> u32, `next_case` -> u64, `tallies` -> Tallies
//! - `case_by_id`: case number (u64 BE) -> Case
//! - `customer_by_id`: customer id (UTF-8) -> CustomerRecord
//! - `audit_by_seq`: sequence (u64 BE) -> AuditEntry, never rewritten
//! - `outbox_by_seq`: sequence (u64 BE) -> OutboxEntry, removed once delivered
//! - `dead_letter_by_seq`: sequence (u64 BE) -> DeadLetter, deliveries that cannot succeed

mod keys;

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use jiff::Timestamp;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use sled::Transactional;
use sled::transaction::{ConflictableTransactionError, TransactionError, TransactionalTree};
use tokio::sync::Notify;

use crate::domain::{
    Action, Case, CaseId, CustomerId, CustomerRecord, Effect, Event, Lane, MessageRef, NewCase,
    PageSent, Policy, Refusal, Roles, Stamp, Tallies,
};

/// The layout this build reads and writes. Bump it with a migration in `MIGRATIONS`.
pub const SCHEMA_VERSION: u32 = 1;

/// `MIGRATIONS[n]` upgrades a store from version `n + 1` to `n + 2`.
const MIGRATIONS: &[fn(&sled::Db) -> sled::Result<()>] = &[];

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

/// A Slack delivery waiting to go out.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OutboxEntry {
    pub case: CaseId,
    pub effect: Effect,
    /// Entries of one lane are delivered in sequence order.
    pub lane: String,
    pub created_at: Timestamp,
    pub not_before: Timestamp,
    pub attempts: u32,
    pub last_error: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeadLetter {
    pub entry: OutboxEntry,
    pub reason: String,
    pub at: Timestamp,
}

/// An outbox entry with its place in the queue.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Queued {
    pub seq: u64,
    pub entry: OutboxEntry,
}

/// What a delivery posted that later deliveries refer to (threads, edits).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Delivered {
    Nothing,
    Card(MessageRef),
    Proposal(MessageRef),
    Page(PageSent),
}

#[derive(Clone)]
pub struct Store {
    db: sled::Db,
    meta: sled::Tree,
    cases: sled::Tree,
    customers: sled::Tree,
    audit: sled::Tree,
    outbox: sled::Tree,
    dead: sled::Tree,
    /// Wakes the delivery worker when something is queued.
    outbox_ready: Arc<Notify>,
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

fn lane_key(case: CaseId, lane: &Lane) -> String {
    match lane {
        Lane::EscalationChannel => format!("{case}/escalation"),
        Lane::DirectMessage(user) => format!("{case}/dm/{user}"),
    }
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
        let store = Store {
            meta: db.open_tree("meta")?,
            cases: db.open_tree("case_by_id")?,
            customers: db.open_tree("customer_by_id")?,
            audit: db.open_tree("audit_by_seq")?,
            outbox: db.open_tree("outbox_by_seq")?,
            dead: db.open_tree("dead_letter_by_seq")?,
            db,
            outbox_ready: Arc::new(Notify::new()),
        };
        store.migrate(path)?;
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

    fn migrate(&self, path: &Path) -> Result<(), StoreError> {
        let found = match self.meta.get(keys::SCHEMA_VERSION)? {
            Some(v) => decode::<u32>("meta", &v)?,
            None => {
                self.meta
                    .insert(keys::SCHEMA_VERSION, encode(&SCHEMA_VERSION))?;
                self.db.flush()?;
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
            let migration = MIGRATIONS[(version - 1) as usize];
            migration(&self.db)?;
            self.meta
                .insert(keys::SCHEMA_VERSION, encode(&(version + 1)))?;
            self.db.flush()?;
            tracing::info!(from = version, to = version + 1, "migrated the store");
        }
        Ok(())
    }

    /// Makes everything written so far survive a crash of this process.
    pub async fn flush(&self) -> Result<(), StoreError> {
        self.db.flush_async().await?;
        Ok(())
    }

    /// Resolves when deliveries may have been queued since the last call.
    pub fn outbox_ready(&self) -> Arc<Notify> {
        self.outbox_ready.clone()
    }

    /// Opens a case: numbers it, judges it against the customer's history, records it,
    /// queues the card and the first page, and flushes. Returns the case as stored.
    pub async fn open_case(
        &self,
        new: NewCase,
        at: Timestamp,
        roles: &Roles,
    ) -> Result<Case, StoreError> {
        let result = (
            &self.meta,
            &self.cases,
            &self.customers,
            &self.audit,
            &self.outbox,
        )
            .transaction(|(meta, cases, customers, audit, outbox)| {
                let number = match meta.get(keys::NEXT_CASE)? {
                    Some(v) => keys::u64_value(&v).unwrap_or(1),
                    None => 1,
                };
                meta.insert(keys::NEXT_CASE, &keys::seq(number + 1))?;
                let mut customer = match customers.get(keys::customer(&new.customer))? {
                    Some(v) => tx_decode("customer_by_id", &v)?,
                    None => CustomerRecord::new(new.customer.clone()),
                };
                let case = Case::open(
                    CaseId::new(number),
                    new.clone(),
                    at,
                    customer.history_at(at),
                );
                let event = Event::Opened {
                    by: Stamp {
                        by: case.reporter.clone(),
                        at,
                    },
                };
                customer.record(&case, &event);
                customers.insert(keys::customer(&case.customer), encode(&customer))?;
                record_event(meta, cases, audit, outbox, &case, &event, false, roles, at)?;
                Ok(case)
            });
        let case = tx_outcome(result).map_err(into_store_error)?;
        self.flush().await?;
        self.outbox_ready.notify_one();
        Ok(case)
    }

    /// Applies a person's action to a case atomically: reads the case, lets the domain
    /// decide, and writes the new state, the customer record, the tallies, the audit entry
    /// and the deliveries together. A refusal writes nothing.
    pub async fn act(
        &self,
        id: CaseId,
        action: Action,
        actor: Stamp,
        roles: &Roles,
        policy: &Policy,
    ) -> Result<(Case, Event), ActError> {
        let result = (
            &self.meta,
            &self.cases,
            &self.customers,
            &self.audit,
            &self.outbox,
        )
            .transaction(|(meta, cases, customers, audit, outbox)| {
                let Some(bytes) = cases.get(keys::case(id))? else {
                    return Err(ConflictableTransactionError::Abort(Abort::NoSuchCase(id)));
                };
                let mut case: Case = tx_decode("case_by_id", &bytes)?;
                let (state, event) = case
                    .apply(action, &actor, roles, policy)
                    .map_err(|r| ConflictableTransactionError::Abort(Abort::Refused(r)))?;
                case.state = state;
                let mut newly_cut_off = false;
                if let Event::Closed { .. } = event {
                    let key = keys::customer(&case.customer);
                    let mut customer = match customers.get(key)? {
                        Some(v) => tx_decode("customer_by_id", &v)?,
                        None => CustomerRecord::new(case.customer.clone()),
                    };
                    let was_cut_off = customer.cut_off.is_some();
                    customer.record(&case, &event);
                    newly_cut_off = !was_cut_off && customer.cut_off.is_some();
                    customers.insert(key, encode(&customer))?;
                }
                record_event(
                    meta,
                    cases,
                    audit,
                    outbox,
                    &case,
                    &event,
                    newly_cut_off,
                    roles,
                    actor.at,
                )?;
                Ok((case, event))
            });
        let acted = tx_outcome(result)?;
        self.flush().await?;
        self.outbox_ready.notify_one();
        Ok(acted)
    }

    pub fn case(&self, id: CaseId) -> Result<Option<Case>, StoreError> {
        self.cases
            .get(keys::case(id))?
            .map(|v| decode("case_by_id", &v))
            .transpose()
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

    /// Every case, in number order.
    pub fn cases(&self) -> impl Iterator<Item = Result<Case, StoreError>> + '_ {
        self.cases.iter().map(|kv| {
            kv.map_err(StoreError::from)
                .and_then(|(_, v)| decode("case_by_id", &v))
        })
    }

    /// The audit log, oldest first.
    pub fn audit(&self) -> impl Iterator<Item = Result<AuditEntry, StoreError>> + '_ {
        self.audit.iter().map(|kv| {
            kv.map_err(StoreError::from)
                .and_then(|(_, v)| decode("audit_by_seq", &v))
        })
    }

    pub fn outbox_len(&self) -> usize {
        self.outbox.len()
    }

    pub fn dead_letters(&self) -> Result<Vec<DeadLetter>, StoreError> {
        self.dead
            .iter()
            .map(|kv| {
                kv.map_err(StoreError::from)
                    .and_then(|(_, v)| decode("dead_letter_by_seq", &v))
            })
            .collect()
    }

    /// The deliveries that may go out now: the first entry of each lane, if it is due.
    /// Also returns when the earliest not-yet-due lane head becomes due.
    pub fn outbox_due(
        &self,
        now: Timestamp,
        limit: usize,
    ) -> Result<(Vec<Queued>, Option<Timestamp>), StoreError> {
        let mut lanes = HashSet::new();
        let mut due = Vec::new();
        let mut next = None::<Timestamp>;
        for kv in self.outbox.iter() {
            let (k, v) = kv?;
            let entry: OutboxEntry = decode("outbox_by_seq", &v)?;
            if !lanes.insert(entry.lane.clone()) {
                continue;
            }
            if entry.not_before <= now {
                let seq = keys::seq_from(&k).ok_or(StoreError::Corrupt {
                    tree: "outbox_by_seq",
                    reason: "key is not a sequence number".into(),
                })?;
                due.push(Queued { seq, entry });
                if due.len() >= limit {
                    break;
                }
            } else {
                next = Some(next.map_or(entry.not_before, |n| n.min(entry.not_before)));
            }
        }
        Ok((due, next))
    }

    /// Records a delivery and removes it from the outbox, in one transaction, flushed:
    /// what was posted must be remembered before the next delivery relies on it.
    pub async fn outbox_delivered(
        &self,
        queued: &Queued,
        delivered: Delivered,
    ) -> Result<(), StoreError> {
        let result = (&self.cases, &self.outbox).transaction(|(cases, outbox)| {
            outbox.remove(&keys::seq(queued.seq))?;
            if delivered == Delivered::Nothing {
                return Ok(());
            }
            let key = keys::case(queued.entry.case);
            let Some(bytes) = cases.get(key)? else {
                return Ok(());
            };
            let mut case: Case = tx_decode("case_by_id", &bytes)?;
            match &delivered {
                Delivered::Card(m) => case.posts.card = Some(m.clone()),
                Delivered::Proposal(m) => case.posts.proposal = Some(m.clone()),
                Delivered::Page(p) => case.posts.pages.push(p.clone()),
                Delivered::Nothing => {}
            }
            cases.insert(&key, encode(&case))?;
            Ok(())
        });
        tx_outcome(result).map_err(into_store_error)?;
        self.flush().await
    }

    /// Puts a delivery back with a later time after a failure that may pass.
    pub async fn outbox_retry(
        &self,
        queued: &Queued,
        not_before: Timestamp,
        error: &str,
    ) -> Result<(), StoreError> {
        let mut entry = queued.entry.clone();
        entry.attempts += 1;
        entry.not_before = not_before;
        entry.last_error = Some(error.to_owned());
        self.outbox.insert(keys::seq(queued.seq), encode(&entry))?;
        self.flush().await
    }

    /// Moves a delivery that cannot succeed to the dead letters, so it stops blocking its
    /// lane and stays on record for someone to look at.
    pub async fn outbox_dead(
        &self,
        queued: &Queued,
        reason: &str,
        at: Timestamp,
    ) -> Result<(), StoreError> {
        let letter = DeadLetter {
            entry: queued.entry.clone(),
            reason: reason.to_owned(),
            at,
        };
        let result = (&self.outbox, &self.dead).transaction(|(outbox, dead)| {
            outbox.remove(&keys::seq(queued.seq))?;
            dead.insert(&keys::seq(queued.seq), encode(&letter))?;
            Ok(())
        });
        tx_outcome(result).map_err(into_store_error)?;
        self.flush().await
    }
}

/// The part of every state change that is the same: the case itself, the tallies, the
/// audit entry and the deliveries that follow.
#[allow(clippy::too_many_arguments)]
fn record_event(
    meta: &TransactionalTree,
    cases: &TransactionalTree,
    audit: &TransactionalTree,
    outbox: &TransactionalTree,
    case: &Case,
    event: &Event,
    newly_cut_off: bool,
    roles: &Roles,
    at: Timestamp,
) -> TxResult<()> {
    cases.insert(&keys::case(case.id), encode(case))?;

    let mut tallies: Tallies = match meta.get(keys::TALLIES)? {
        Some(v) => tx_decode("meta", &v)?,
        None => Tallies::default(),
    };
    tallies.record(event, newly_cut_off);
    meta.insert(keys::TALLIES, encode(&tallies))?;

    let entry = AuditEntry {
        case: case.id,
        event: event.clone(),
    };
    audit.insert(&keys::seq(audit.generate_id()?), encode(&entry))?;

    for effect in Effect::for_event(event, roles) {
        let entry = OutboxEntry {
            case: case.id,
            lane: lane_key(case.id, &effect.lane(case)),
            effect,
            created_at: at,
            not_before: at,
            attempts: 0,
            last_error: None,
        };
        outbox.insert(&keys::seq(outbox.generate_id()?), encode(&entry))?;
    }
    Ok(())
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::case::tests::{policy, roles, stamp};
    use crate::domain::{Category, Outcome, UserId};

    fn new_case(customer: &str) -> NewCase {
        NewCase {
            customer: CustomerId::parse(customer).unwrap(),
            category: Category::VerbalAbuse,
            severity: None,
            promise_failed: None,
            summary: "s".into(),
            reporter: UserId::parse("UAGENT1").unwrap(),
            reported_from: None,
        }
    }

    fn temp() -> (tempfile::TempDir, Store) {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&dir.path().join("s"), 1 << 20).unwrap();
        (dir, store)
    }

    #[tokio::test]
    async fn cases_are_numbered_in_order_and_queue_their_deliveries() {
        let (_dir, store) = temp();
        let at = stamp("UAGENT1", 0).at;
        let a = store.open_case(new_case("c1"), at, &roles()).await.unwrap();
        let b = store.open_case(new_case("c1"), at, &roles()).await.unwrap();
        assert_eq!((a.id.number(), b.id.number()), (1, 2));
        assert_eq!(b.history.prior_cases, 1, "the second case sees the first");
        // Card, page, thread note per case.
        assert_eq!(store.outbox_len(), 6);
        let (due, _) = store.outbox_due(at, 100).unwrap();
        // One head per lane: each case's escalation-channel lane and its page lane.
        assert_eq!(due.len(), 4);
        assert_eq!(due[0].entry.effect, Effect::PostCard);
    }

    #[tokio::test]
    async fn a_refusal_writes_nothing() {
        let (_dir, store) = temp();
        let at = stamp("UAGENT1", 0).at;
        let case = store.open_case(new_case("c1"), at, &roles()).await.unwrap();
        let audit_before = store.audit().count();
        let outbox_before = store.outbox_len();
        let refused = store
            .act(
                case.id,
                Action::Decide(Outcome::Warning),
                stamp("UEXEC1", 1),
                &roles(),
                &policy(),
            )
            .await;
        assert!(matches!(
            refused,
            Err(ActError::Refused(Refusal::NotTakenYet))
        ));
        assert_eq!(store.case(case.id).unwrap().unwrap(), case);
        assert_eq!(store.audit().count(), audit_before);
        assert_eq!(store.outbox_len(), outbox_before);
        let missing = store
            .act(
                CaseId::new(99),
                Action::Take,
                stamp("UEXEC1", 1),
                &roles(),
                &policy(),
            )
            .await;
        assert!(matches!(missing, Err(ActError::NoSuchCase(_))));
    }

    #[tokio::test]
    async fn a_store_from_a_newer_version_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("s");
        {
            let db = sled::open(&path).unwrap();
            db.open_tree("meta")
                .unwrap()
                .insert(keys::SCHEMA_VERSION, encode(&(SCHEMA_VERSION + 1)))
                .unwrap();
            db.flush().unwrap();
        }
        // sled lets go of its lock a moment after the last handle is dropped.
        let mut result = Store::open(&path, 1 << 20);
        for _ in 0..100 {
            if !matches!(result, Err(StoreError::Locked { .. })) {
                break;
            }
            std::thread::sleep(std::time::Duration::from_millis(50));
            result = Store::open(&path, 1 << 20);
        }
        let Err(err) = result else {
            panic!("a newer store must not open");
        };
        assert!(matches!(err, StoreError::TooNew { found, .. } if found == SCHEMA_VERSION + 1));
        assert!(err.to_string().contains("Upgrade the bot"));
    }

    #[tokio::test]
    async fn a_delivery_records_what_it_posted() {
        let (_dir, store) = temp();
        let at = stamp("UAGENT1", 0).at;
        let case = store.open_case(new_case("c1"), at, &roles()).await.unwrap();
        let (due, _) = store.outbox_due(at, 1).unwrap();
        let card = MessageRef {
            channel: crate::domain::ChannelId::parse("C0ESC").unwrap(),
            ts: "1.000100".into(),
        };
        store
            .outbox_delivered(&due[0], Delivered::Card(card.clone()))
            .await
            .unwrap();
        assert_eq!(store.case(case.id).unwrap().unwrap().posts.card, Some(card));
        assert_eq!(store.outbox_len(), 2);
    }
}
