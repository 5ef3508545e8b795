//! Purpose: changes over several trees that happen whole or not at all, written in batches.
//!
//! sled 0.34's own transactions cost about twice their inserts: each commit rolls sled's
//! log buffer before and after it, so every transaction is a log write of its own and
//! group commit has little left to group. A case is one change over nine trees, so that
//! was most of a case's CPU (README "Performance").
//!
//! Instead, one change at a time (a mutex) runs its body against a buffer: reads see the
//! change's own writes first, then those of changes made before it and not yet applied,
//! then the trees. If the body succeeds, its writes (the last one of each key) join the
//! pending batch. A batch is applied whole: its writes are stored as one record under one
//! key (sled makes a single insert atomic), applied as plain inserts and removes, and the
//! record is removed. sled recovers an unbroken prefix of its log after a crash, so a
//! crash can leave at most the last batch half applied, and then its record is still
//! there: opening the store applies it again (every write is "this key now holds this
//! value", so applying twice is the same as once). A batch of one write skips the record:
//! that insert is atomic already.
//!
//! Most changes are applied before `run` returns (`Apply::Now`). The requests people wait
//! on (a case opened, an action on it) are applied by the flush that makes them durable
//! (`Apply::WithFlush`): the flush that many concurrent requests share applies all their
//! changes as one batch, so they share one record, and a key they all write (the next case
//! number, the tallies, the week's figures, a queue's depth) is written once.
//!
//! The writes are applied tree by tree: the archive first, the queues last, the others in
//! between, so a delivery never starts from a case that does not show the change yet.
//! Readers outside a change may still see a batch half applied (the case before its
//! customer), or not see a change whose flush has not run yet (it has not been
//! acknowledged to anyone either); every read-modify-write runs inside a change, where the
//! mutex makes it see whole changes. Every write to the trees a change spans goes through
//! a change.
//!
//! The API mirrors sled's transactional trees (`get`, `insert`, `remove`, `generate_id`,
//! errors as `ConflictableTransactionError`), so transaction bodies read as before.

use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;
use std::sync::{Arc, Mutex, MutexGuard};

use sled::IVec;
use sled::transaction::{
    ConflictableTransactionError, TransactionError, UnabortableTransactionError,
};

/// The one key of the `journal` tree: the batch being applied, if any.
const IN_FLIGHT: &[u8] = b"in_flight";

/// The first byte of a record: its format. A record of another format (a newer build's,
/// left by a crash) is refused rather than misread.
const FORMAT: u8 = 1;

/// A deferred change is applied at once, with those before it, when the batch waiting to
/// be applied grows past this many bytes: sled keeps values over about 128 KiB in files
/// that are not synced (see `flush`), and a record should stay well under that.
const BATCH_BYTES: usize = 64 * 1024;

/// Runs changes over several trees, one at a time, and applies them in batches.
pub(super) struct Journal {
    db: sled::Db,
    tree: sled::Tree,
    /// Trees whose writes are applied before all others (the archive) and after all others
    /// (the queues), in that order; see the module's documentation.
    first: Vec<IVec>,
    last: Vec<IVec>,
    /// Held while a change's body runs, and while a batch is taken to be applied: a body
    /// never sees a batch move from pending to applying.
    one_at_a_time: Mutex<()>,
    /// Changes made and not yet applied.
    pending: Arc<Mutex<Batch>>,
    /// The batch being applied; left here if applying it failed, to be applied again first.
    applying: Mutex<Option<Arc<Batch>>>,
    /// One batch applied at a time, in the order the changes were made.
    apply_turn: Mutex<()>,
}

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// One write of a change: tree `tree` (its place in the change's trees) now holds `value`
/// at `key`, or nothing when `value` is `None`.
struct Write {
    tree: usize,
    key: IVec,
    value: Option<IVec>,
}

/// Where the last write of each key is in a change's writes, one map per tree (by the
/// tree's place), so a lookup borrows the key instead of copying it.
type Last = Vec<HashMap<IVec, usize>>;

/// The last write of each key of one or more changes, tree by tree.
#[derive(Default)]
struct Batch {
    trees: HashMap<IVec, TreeWrites>,
    writes: usize,
    bytes: usize,
}

/// A batch's writes to one tree, in the order each key was first written.
struct TreeWrites {
    tree: sled::Tree,
    rank: usize,
    writes: Vec<(IVec, Option<IVec>)>,
    at: HashMap<IVec, usize>,
}

impl Batch {
    /// The batch's write to `key` of the tree named `tree`: `Some(None)` for a removal.
    fn get(&self, tree: &[u8], key: &[u8]) -> Option<Option<IVec>> {
        let writes = self.trees.get(tree)?;
        writes.at.get(key).map(|&at| writes.writes[at].1.clone())
    }

    fn put(&mut self, tree: &sled::Tree, name: &IVec, rank: usize, key: IVec, value: Option<IVec>) {
        self.bytes += key.len() + value.as_ref().map_or(0, |v| v.len());
        let writes = self
            .trees
            .entry(name.clone())
            .or_insert_with(|| TreeWrites {
                tree: tree.clone(),
                rank,
                writes: Vec::new(),
                at: HashMap::new(),
            });
        match writes.at.get(&key) {
            Some(&at) => writes.writes[at].1 = value,
            None => {
                writes.at.insert(key.clone(), writes.writes.len());
                writes.writes.push((key, value));
                self.writes += 1;
            }
        }
    }

    /// The writes in the order they are applied: tree by tree by rank (then name, so the
    /// order never depends on a hash), and within a tree in the order they were made.
    fn in_order(&self) -> Vec<(&IVec, &TreeWrites)> {
        let mut trees: Vec<_> = self.trees.iter().collect();
        trees.sort_by(|(a_name, a), (b_name, b)| (a.rank, a_name).cmp(&(b.rank, b_name)));
        trees
    }
}

/// What a change's trees share: their names (by place), its writes in the order they were
/// made, where the last write of each key is, and the writes made before it and not yet
/// applied.
pub(super) struct Change {
    db: sled::Db,
    names: Vec<IVec>,
    writes: RefCell<Vec<Write>>,
    last: RefCell<Last>,
    pending: Arc<Mutex<Batch>>,
    applying: Option<Arc<Batch>>,
}

/// A tree seen from inside a change.
pub(super) struct TransactionalTree {
    tree: sled::Tree,
    place: usize,
    change: Rc<Change>,
}

type Unabortable<T> = Result<T, UnabortableTransactionError>;

impl TransactionalTree {
    /// The value at `key`: this change's last write to it, else that of a change made
    /// before and not yet applied, else the tree's.
    pub fn get<K: AsRef<[u8]>>(&self, key: K) -> Unabortable<Option<IVec>> {
        let key = key.as_ref();
        let at = self
            .change
            .last
            .borrow()
            .get(self.place)
            .and_then(|last| last.get(key))
            .copied();
        if let Some(at) = at {
            return Ok(self.change.writes.borrow()[at].value.clone());
        }
        let name = &self.change.names[self.place];
        if let Some(value) = lock(&self.change.pending).get(name, key) {
            return Ok(value);
        }
        if let Some(value) = self
            .change
            .applying
            .as_ref()
            .and_then(|batch| batch.get(name, key))
        {
            return Ok(value);
        }
        Ok(self.tree.get(key)?)
    }

    /// Sets `key` to `value`. (Unlike sled's, it does not return the old value: reading
    /// it was a tree lookup per write, most of them unused; `get` first where it matters.)
    pub fn insert<K, V>(&self, key: K, value: V) -> Unabortable<()>
    where
        K: AsRef<[u8]> + Into<IVec>,
        V: Into<IVec>,
    {
        self.write(key.into(), Some(value.into()));
        Ok(())
    }

    /// Removes `key` (see `insert`).
    pub fn remove<K: AsRef<[u8]> + Into<IVec>>(&self, key: K) -> Unabortable<()> {
        self.write(key.into(), None);
        Ok(())
    }

    /// A number never handed out before, in this store (sled's id generator).
    pub fn generate_id(&self) -> Unabortable<u64> {
        Ok(self.change.db.generate_id()?)
    }

    fn write(&self, key: IVec, value: Option<IVec>) {
        let mut writes = self.change.writes.borrow_mut();
        let mut last = self.change.last.borrow_mut();
        if last.len() <= self.place {
            last.resize_with(self.place + 1, HashMap::new);
        }
        last[self.place].insert(key.clone(), writes.len());
        writes.push(Write {
            tree: self.place,
            key,
            value,
        });
    }
}

/// Tuples of trees a change may span; `View` is what its body sees.
pub(super) trait Trees {
    type View;
    fn view(&self, change: &Rc<Change>) -> Self::View;
    /// The trees in the order `Write::tree` numbers them.
    fn trees(&self) -> Vec<sled::Tree>;
}

macro_rules! trees {
    ($($t:ident $n:tt),+) => {
        impl<'a> Trees for ($(trees!(@tree 'a $t),)+) {
            type View = ($(trees!(@view $t),)+);
            fn view(&self, change: &Rc<Change>) -> Self::View {
                ($(TransactionalTree {
                    tree: self.$n.clone(),
                    place: $n,
                    change: Rc::clone(change),
                },)+)
            }
            fn trees(&self) -> Vec<sled::Tree> {
                vec![$(self.$n.clone()),+]
            }
        }
    };
    (@view $t:ident) => { TransactionalTree };
    (@tree $l:lifetime $t:ident) => { &$l sled::Tree };
}

trees!(A 0);
trees!(A 0, B 1);
trees!(A 0, B 1, C 2);
trees!(A 0, B 1, C 2, D 3);
trees!(A 0, B 1, C 2, D 3, E 4);
trees!(A 0, B 1, C 2, D 3, E 4, F 5);
trees!(A 0, B 1, C 2, D 3, E 4, F 5, G 6, H 7, I 8, J 9, K 10);

/// When a change's writes reach the trees.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum Apply {
    /// Before `run` returns.
    Now,
    /// With the next batch, which `apply_pending` applies: the caller flushes
    /// (`Store::flush` applies the batch first) before it tells anyone the change
    /// happened. Changes in one batch share one record, and a key many of them write (the
    /// tallies, the next case number) is written once.
    WithFlush,
}

impl Journal {
    /// The journal of `db`. A batch a crash interrupted is applied whole first. Writes to
    /// the trees named in `first` are applied before all others, and to those in `last`
    /// after all others, each list in its order.
    pub(super) fn open(
        db: &sled::Db,
        first: &[&str],
        last: &[&str],
    ) -> Result<Journal, sled::Error> {
        let journal = Journal {
            db: db.clone(),
            tree: db.open_tree("journal")?,
            first: first.iter().map(|name| IVec::from(*name)).collect(),
            last: last.iter().map(|name| IVec::from(*name)).collect(),
            one_at_a_time: Mutex::new(()),
            pending: Arc::default(),
            applying: Mutex::new(None),
            apply_turn: Mutex::new(()),
        };
        if journal.finish_interrupted()? {
            tracing::warn!("finished a change a crash had interrupted");
            db.flush()?;
        }
        Ok(journal)
    }

    /// Where writes to the tree named `name` go in the order of application.
    fn rank(&self, name: &IVec) -> usize {
        if let Some(at) = self.first.iter().position(|n| n == name) {
            return at;
        }
        match self.last.iter().position(|n| n == name) {
            Some(at) => self.first.len() + 1 + at,
            None => self.first.len(),
        }
    }

    /// Runs `body` over `trees` and applies its writes whole (with any pending before
    /// them), or none of them if it fails.
    pub(super) fn run<T: Trees, A, E>(
        &self,
        trees: T,
        body: impl Fn(&T::View) -> Result<A, ConflictableTransactionError<E>>,
    ) -> Result<A, TransactionError<E>> {
        self.change(trees, Apply::Now, body)
    }

    /// Runs `body` over `trees`; if it succeeds, its writes join the pending batch whole,
    /// and are applied as `when` says. If it fails, nothing is written.
    pub(super) fn change<T: Trees, A, E>(
        &self,
        trees: T,
        when: Apply,
        body: impl Fn(&T::View) -> Result<A, ConflictableTransactionError<E>>,
    ) -> Result<A, TransactionError<E>> {
        let (answer, pending_bytes) = {
            let _one = lock(&self.one_at_a_time);
            let sled_trees = trees.trees();
            let change = Rc::new(Change {
                db: self.db.clone(),
                names: sled_trees.iter().map(|t| t.name()).collect(),
                writes: RefCell::new(Vec::new()),
                last: RefCell::new(Vec::new()),
                pending: Arc::clone(&self.pending),
                applying: lock(&self.applying).clone(),
            });
            let view = trees.view(&change);
            let answer = match body(&view) {
                Ok(answer) => answer,
                Err(ConflictableTransactionError::Abort(e)) => {
                    return Err(TransactionError::Abort(e));
                }
                Err(ConflictableTransactionError::Storage(e)) => {
                    return Err(TransactionError::Storage(e));
                }
                // Nothing here conflicts: one change runs at a time.
                Err(_) => {
                    return Err(TransactionError::Storage(sled::Error::ReportableBug(
                        "a change's body reported a conflict".into(),
                    )));
                }
            };
            drop(view);
            let writes = in_order(change.writes.take(), change.last.take());
            let names = &change.names;
            let mut pending = lock(&self.pending);
            for w in writes {
                let (tree, name) = (&sled_trees[w.tree], &names[w.tree]);
                pending.put(tree, name, self.rank(name), w.key, w.value);
            }
            (answer, pending.bytes)
        };
        if when == Apply::Now || pending_bytes > BATCH_BYTES {
            self.apply_pending()?;
        }
        Ok(answer)
    }

    /// Applies every change made so far and not yet applied, as one batch: its writes
    /// (the last of each key) are stored as one record under one key (sled makes a single
    /// insert atomic), applied as plain inserts and removes, and the record is removed.
    pub(super) fn apply_pending(&self) -> Result<(), sled::Error> {
        let _turn = lock(&self.apply_turn);
        // A batch whose applying failed half way (a storage error, a panic) first.
        let left = lock(&self.applying).clone();
        if let Some(batch) = left {
            self.apply(&batch)?;
            *lock(&self.applying) = None;
        }
        let batch = {
            let _one = lock(&self.one_at_a_time);
            let batch = std::mem::take(&mut *lock(&self.pending));
            if batch.writes == 0 {
                return Ok(());
            }
            let batch = Arc::new(batch);
            *lock(&self.applying) = Some(Arc::clone(&batch));
            batch
        };
        self.apply(&batch)?;
        *lock(&self.applying) = None;
        Ok(())
    }

    fn apply(&self, batch: &Batch) -> Result<(), sled::Error> {
        let trees = batch.in_order();
        // One write is atomic already: no record.
        let recorded = batch.writes > 1;
        if recorded {
            self.tree.insert(IN_FLIGHT, encode(batch, &trees))?;
        }
        for (_, writes) in &trees {
            for (key, value) in &writes.writes {
                put(&writes.tree, key, value)?;
            }
        }
        if recorded {
            self.tree.remove(IN_FLIGHT)?;
        }
        Ok(())
    }

    /// Applies the batch left in the journal, if any; true if there was one.
    fn finish_interrupted(&self) -> Result<bool, sled::Error> {
        let Some(record) = self.tree.get(IN_FLIGHT)? else {
            return Ok(false);
        };
        let Some(writes) = decode(&record) else {
            return Err(sled::Error::Unsupported(
                "the store's journal holds a change this build cannot read (torn, or written \
                 by a newer build); restore the last backup"
                    .into(),
            ));
        };
        for (tree, key, value) in writes {
            let tree = self.db.open_tree(tree)?;
            match value {
                Some(v) => tree.insert(key, v)?,
                None => tree.remove(key)?,
            };
        }
        self.tree.remove(IN_FLIGHT)?;
        Ok(true)
    }
}

/// The writes that matter, in the order they join the batch: the last write of each key
/// (a queue's depth after each of a case's three deliveries is written once), tree by
/// tree in the order the change named its trees, and in the order they were made within
/// one.
fn in_order(writes: Vec<Write>, last: Last) -> Vec<Write> {
    let mut kept: Vec<(usize, Write)> = writes
        .into_iter()
        .enumerate()
        .filter(|(at, w)| last.get(w.tree).and_then(|l| l.get(&w.key)) == Some(at))
        .collect();
    kept.sort_by_key(|(at, w)| (w.tree, *at));
    kept.into_iter().map(|(_, w)| w).collect()
}

fn put(tree: &sled::Tree, key: &IVec, value: &Option<IVec>) -> Result<(), sled::Error> {
    match value {
        Some(v) => tree.insert(key, v.clone())?,
        None => tree.remove(key)?,
    };
    Ok(())
}

/// A batch as bytes: per write, the tree's name, the key and the value, each
/// length-prefixed (u32, big-endian); a value's length is `u32::MAX` for a removal.
fn encode(batch: &Batch, trees: &[(&IVec, &TreeWrites)]) -> Vec<u8> {
    let size =
        batch.bytes + batch.writes * 12 + trees.iter().map(|(n, _)| n.len()).sum::<usize>() * 4;
    let mut out = Vec::with_capacity(1 + size);
    out.push(FORMAT);
    for (name, writes) in trees {
        for (key, value) in &writes.writes {
            put_field(&mut out, name);
            put_field(&mut out, key);
            match value {
                Some(v) => put_field(&mut out, v),
                None => out.extend_from_slice(&u32::MAX.to_be_bytes()),
            }
        }
    }
    out
}

fn put_field(out: &mut Vec<u8>, bytes: &[u8]) {
    let len = u32::try_from(bytes.len()).expect("a store record is far below 4 GiB");
    out.extend_from_slice(&len.to_be_bytes());
    out.extend_from_slice(bytes);
}

type Decoded<'a> = Vec<(&'a [u8], &'a [u8], Option<&'a [u8]>)>;

fn decode(mut bytes: &[u8]) -> Option<Decoded<'_>> {
    fn take<'a>(bytes: &mut &'a [u8]) -> Option<Option<&'a [u8]>> {
        let (len, rest) = bytes.split_first_chunk::<4>()?;
        let len = u32::from_be_bytes(*len);
        if len == u32::MAX {
            *bytes = rest;
            return Some(None);
        }
        let (field, rest) = rest.split_at_checked(len as usize)?;
        *bytes = rest;
        Some(Some(field))
    }
    let (&format, rest) = bytes.split_first()?;
    if format != FORMAT {
        return None;
    }
    bytes = rest;
    let mut writes = Vec::new();
    while !bytes.is_empty() {
        let tree = take(&mut bytes)??;
        let key = take(&mut bytes)??;
        let value = take(&mut bytes)?;
        writes.push((tree, key, value));
    }
    Some(writes)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn db() -> (tempfile::TempDir, sled::Db) {
        let dir = tempfile::tempdir().unwrap();
        let db = sled::Config::new().path(dir.path()).open().unwrap();
        (dir, db)
    }

    #[test]
    fn a_change_reads_its_own_writes_and_applies_them_all() {
        let (_dir, db) = db();
        let (a, b) = (db.open_tree("a").unwrap(), db.open_tree("b").unwrap());
        a.insert("k", "old").unwrap();
        let journal = Journal::open(&db, &[], &[]).unwrap();
        let seen = journal
            .run((&a, &b), |(a, b)| {
                let before = a.get("k")?;
                a.insert("k", "new")?;
                b.insert("x", "1")?;
                b.remove("x")?;
                b.insert("y", "2")?;
                Ok::<_, ConflictableTransactionError<()>>((before, a.get("k")?, b.get("x")?))
            })
            .unwrap();
        assert_eq!(
            seen,
            (Some(IVec::from("old")), Some(IVec::from("new")), None)
        );
        assert_eq!(a.get("k").unwrap(), Some(IVec::from("new")));
        assert_eq!(b.get("x").unwrap(), None);
        assert_eq!(b.get("y").unwrap(), Some(IVec::from("2")));
        assert!(journal.tree.is_empty(), "the record is gone once applied");
    }

    #[test]
    fn in_order_keeps_the_last_write_of_each_key_tree_by_tree() {
        let w = |tree, key: &str, value: Option<&str>| Write {
            tree,
            key: IVec::from(key),
            value: value.map(IVec::from),
        };
        let writes = vec![
            w(1, "n", Some("1")),
            w(0, "a", Some("x")),
            w(1, "m", Some("1")),
            w(1, "n", Some("2")),
            w(0, "a", None),
        ];
        let map = |entries: &[(&str, usize)]| {
            entries
                .iter()
                .map(|&(k, at)| (IVec::from(k), at))
                .collect::<HashMap<_, _>>()
        };
        let last = vec![map(&[("a", 4)]), map(&[("n", 3), ("m", 2)])];
        let kept: Vec<_> = in_order(writes, last)
            .into_iter()
            .map(|w| (w.tree, w.key, w.value))
            .collect();
        assert_eq!(
            kept,
            vec![
                (0, IVec::from("a"), None),
                (1, IVec::from("m"), Some(IVec::from("1"))),
                (1, IVec::from("n"), Some(IVec::from("2"))),
            ]
        );
    }

    #[test]
    fn an_aborted_change_writes_nothing() {
        let (_dir, db) = db();
        let (a, b) = (db.open_tree("a").unwrap(), db.open_tree("b").unwrap());
        let journal = Journal::open(&db, &[], &[]).unwrap();
        let result = journal.run((&a, &b), |(a, b)| {
            a.insert("k", "v")?;
            b.insert("k", "v")?;
            Err::<(), _>(ConflictableTransactionError::Abort("no"))
        });
        assert!(matches!(result, Err(TransactionError::Abort("no"))));
        assert!(a.is_empty() && b.is_empty() && journal.tree.is_empty());
    }

    #[test]
    fn a_change_a_crash_left_half_applied_is_finished_on_open() {
        let dir = tempfile::tempdir().unwrap();
        {
            let db = sled::Config::new().path(dir.path()).open().unwrap();
            let (a, b) = (db.open_tree("a").unwrap(), db.open_tree("b").unwrap());
            // What a crash after the record and the first write leaves behind.
            let mut batch = Batch::default();
            let (name_a, name_b) = (a.name(), b.name());
            batch.put(&a, &name_a, 0, IVec::from("k"), Some(IVec::from("1")));
            batch.put(&b, &name_b, 1, IVec::from("gone"), None);
            batch.put(&b, &name_b, 1, IVec::from("k"), Some(IVec::from("2")));
            b.insert("gone", "still here").unwrap();
            db.open_tree("journal")
                .unwrap()
                .insert(IN_FLIGHT, encode(&batch, &batch.in_order()))
                .unwrap();
            a.insert("k", "1").unwrap();
            db.flush().unwrap();
        }
        let db = sled::Config::new().path(dir.path()).open().unwrap();
        let journal = Journal::open(&db, &[], &[]).unwrap();
        let (a, b) = (db.open_tree("a").unwrap(), db.open_tree("b").unwrap());
        assert_eq!(a.get("k").unwrap(), Some(IVec::from("1")));
        assert_eq!(b.get("gone").unwrap(), None);
        assert_eq!(b.get("k").unwrap(), Some(IVec::from("2")));
        assert!(journal.tree.is_empty());
    }

    #[test]
    fn a_record_round_trips_and_a_torn_one_is_refused() {
        let (_dir, db) = db();
        let a = db.open_tree("a").unwrap();
        let mut batch = Batch::default();
        batch.put(&a, &a.name(), 0, IVec::from("k"), Some(IVec::from("")));
        batch.put(&a, &a.name(), 0, IVec::from("r"), None);
        let bytes = encode(&batch, &batch.in_order());
        let decoded = decode(&bytes).unwrap();
        assert_eq!(
            decoded,
            vec![
                (&b"a"[..], &b"k"[..], Some(&b""[..])),
                (&b"a"[..], &b"r"[..], None)
            ]
        );
        assert!(decode(&bytes[..bytes.len() - 1]).is_none());
    }

    #[test]
    fn changes_until_flush_are_read_by_later_changes_and_applied_as_one_batch() {
        let (_dir, db) = db();
        let (a, b) = (db.open_tree("a").unwrap(), db.open_tree("b").unwrap());
        let journal = Journal::open(&db, &[], &[]).unwrap();
        let count = |journal: &Journal, key: &'static str| {
            journal
                .change((&a, &b), Apply::WithFlush, |(a, b)| {
                    let n = a.get("n")?.map_or(0, |v| v[0]);
                    a.insert("n", vec![n + 1])?;
                    b.insert(key, vec![n])?;
                    Ok::<_, ConflictableTransactionError<()>>(n)
                })
                .unwrap()
        };
        assert_eq!(count(&journal, "x"), 0);
        assert_eq!(
            count(&journal, "y"),
            1,
            "the second change reads the first's write"
        );
        assert!(
            a.is_empty() && b.is_empty(),
            "nothing applied before the flush"
        );
        let pending = lock(&journal.pending);
        assert_eq!(
            pending.writes, 3,
            "the counter is written once for both changes"
        );
        drop(pending);
        journal.apply_pending().unwrap();
        assert_eq!(a.get("n").unwrap(), Some(IVec::from(vec![2])));
        assert_eq!(b.get("x").unwrap(), Some(IVec::from(vec![0])));
        assert_eq!(b.get("y").unwrap(), Some(IVec::from(vec![1])));
        assert!(journal.tree.is_empty(), "the record is gone once applied");
        assert!(lock(&journal.applying).is_none());
    }

    #[test]
    fn a_change_applied_now_applies_those_pending_before_it() {
        let (_dir, db) = db();
        let a = db.open_tree("a").unwrap();
        let journal = Journal::open(&db, &[], &[]).unwrap();
        journal
            .change((&a,), Apply::WithFlush, |(a,)| {
                a.insert("k", "first")?;
                Ok::<_, ConflictableTransactionError<()>>(())
            })
            .unwrap();
        journal
            .run((&a,), |(a,)| {
                a.insert("k", "second")?;
                a.insert("j", "too")?;
                Ok::<_, ConflictableTransactionError<()>>(())
            })
            .unwrap();
        assert_eq!(a.get("k").unwrap(), Some(IVec::from("second")));
        assert_eq!(a.get("j").unwrap(), Some(IVec::from("too")));
        assert_eq!(lock(&journal.pending).writes, 0);
    }

    #[test]
    fn a_batch_is_applied_archive_first_and_queues_last() {
        let (_dir, db) = db();
        let trees: Vec<_> = ["queue", "case", "archive"]
            .iter()
            .map(|n| db.open_tree(n).unwrap())
            .collect();
        let journal = Journal::open(&db, &["archive"], &["queue"]).unwrap();
        let mut batch = Batch::default();
        for tree in &trees {
            let name = tree.name();
            batch.put(tree, &name, journal.rank(&name), IVec::from("k"), None);
        }
        let order: Vec<_> = batch
            .in_order()
            .into_iter()
            .map(|(n, _)| n.clone())
            .collect();
        assert_eq!(
            order,
            vec![
                IVec::from("archive"),
                IVec::from("case"),
                IVec::from("queue")
            ]
        );
    }
}
