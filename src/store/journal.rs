//! Purpose: changes over several trees that happen whole or not at all, written once.
//!
//! sled 0.34's own transactions cost about twice their inserts: each commit rolls sled's
//! log buffer before and after it, so every transaction is a log write of its own and
//! group commit has little left to group. A case is one change over nine trees, so that
//! was most of a case's CPU (README "Performance").
//!
//! Instead, one change at a time (a mutex) runs its body against a buffer: reads see the
//! change's own writes first, then the trees. If the body succeeds, its writes (the last
//! one of each key) are stored as one record under one key (sled makes a single insert
//! atomic), applied as plain inserts and removes, and the record is removed. sled recovers
//! an unbroken prefix of its log after a crash, so a crash can leave at most the last
//! change half applied, and then its record is still there: opening the store applies it
//! again (every write is "this key now holds this value", so applying twice is the same
//! as once). A change of one write skips the record: that insert is atomic already.
//!
//! The writes are applied tree by tree, in the order the change names its trees: a change
//! names the records people read (the case, its archive block) before the queue that acts
//! on them, so a delivery never starts from a case that does not show the change yet.
//! Readers outside a change may still see one half applied (the case before its
//! customer); every read-modify-write runs inside a change, where the mutex makes it see
//! whole changes. Every write to the trees a change spans goes through a change.
//!
//! The API mirrors sled's transactional trees (`get`, `insert`, `remove`, `generate_id`,
//! errors as `ConflictableTransactionError`), so transaction bodies read as before.

use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};

use sled::IVec;
use sled::transaction::{
    ConflictableTransactionError, TransactionError, UnabortableTransactionError,
};

/// The one key of the `journal` tree: the change being applied, if any.
const IN_FLIGHT: &[u8] = b"in_flight";

/// The first byte of a record: its format. A record of another format (a newer build's,
/// left by a crash) is refused rather than misread.
const FORMAT: u8 = 1;

/// Runs changes over several trees, one at a time.
pub(super) struct Journal {
    db: sled::Db,
    tree: sled::Tree,
    one_at_a_time: Mutex<()>,
    /// Set while a change is applied, and left set if applying it failed half way (a
    /// storage error, a panic): the next change finishes it first.
    interrupted: AtomicBool,
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

/// What a change's trees share: its writes in the order they were made, and where the
/// last write of each key is.
pub(super) struct Change {
    db: sled::Db,
    writes: RefCell<Vec<Write>>,
    last: RefCell<Last>,
}

/// A tree seen from inside a change.
pub(super) struct TransactionalTree {
    tree: sled::Tree,
    place: usize,
    change: Rc<Change>,
}

type Unabortable<T> = Result<T, UnabortableTransactionError>;

impl TransactionalTree {
    /// The value at `key`: this change's last write to it, or the tree's.
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

impl Journal {
    /// The journal of `db`. A change a crash interrupted is applied whole first.
    pub(super) fn open(db: &sled::Db) -> Result<Journal, sled::Error> {
        let journal = Journal {
            db: db.clone(),
            tree: db.open_tree("journal")?,
            one_at_a_time: Mutex::new(()),
            interrupted: AtomicBool::new(false),
        };
        if journal.finish_interrupted()? {
            tracing::warn!("finished a change a crash had interrupted");
            db.flush()?;
        }
        Ok(journal)
    }

    /// Runs `body` over `trees` and applies its writes whole, or none of them if it fails.
    pub(super) fn run<T: Trees, A, E>(
        &self,
        trees: T,
        body: impl Fn(&T::View) -> Result<A, ConflictableTransactionError<E>>,
    ) -> Result<A, TransactionError<E>> {
        let _one = self
            .one_at_a_time
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        // A change whose applying failed half way (a storage error, a panic) is finished
        // first, so this one reads whole state.
        if self.interrupted.load(Ordering::Acquire) {
            self.finish_interrupted()?;
            self.interrupted.store(false, Ordering::Release);
        }
        let change = Rc::new(Change {
            db: self.db.clone(),
            writes: RefCell::new(Vec::new()),
            last: RefCell::new(Vec::new()),
        });
        let view = trees.view(&change);
        let answer = match body(&view) {
            Ok(answer) => answer,
            Err(ConflictableTransactionError::Abort(e)) => return Err(TransactionError::Abort(e)),
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
        let trees = trees.trees();
        match writes.as_slice() {
            [] => {}
            [one] => apply(&trees[one.tree], one)?,
            _ => {
                self.tree.insert(IN_FLIGHT, encode(&trees, &writes))?;
                // Left set if this panics or fails half way: the next change finishes it.
                self.interrupted.store(true, Ordering::Release);
                for w in &writes {
                    apply(&trees[w.tree], w)?;
                }
                self.tree.remove(IN_FLIGHT)?;
                self.interrupted.store(false, Ordering::Release);
            }
        }
        Ok(answer)
    }

    /// Applies the change left in the journal, if any; true if there was one.
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

/// The writes that matter, in the order they are applied: the last write of each key (a
/// queue's depth after each of a case's three deliveries is written once), tree by tree
/// in the order the change named its trees, and in the order they were made within one.
fn in_order(writes: Vec<Write>, last: Last) -> Vec<Write> {
    let mut kept: Vec<(usize, Write)> = writes
        .into_iter()
        .enumerate()
        .filter(|(at, w)| last.get(w.tree).and_then(|l| l.get(&w.key)) == Some(at))
        .collect();
    kept.sort_by_key(|(at, w)| (w.tree, *at));
    kept.into_iter().map(|(_, w)| w).collect()
}

fn apply(tree: &sled::Tree, w: &Write) -> Result<(), sled::Error> {
    match &w.value {
        Some(v) => tree.insert(&w.key, v.clone())?,
        None => tree.remove(&w.key)?,
    };
    Ok(())
}

/// A change as bytes: per write, the tree's name, the key and the value, each
/// length-prefixed (u32, big-endian); a value's length is `u32::MAX` for a removal.
fn encode(trees: &[sled::Tree], writes: &[Write]) -> Vec<u8> {
    let size: usize = writes
        .iter()
        .map(|w| 24 + w.key.len() + w.value.as_ref().map_or(0, |v| v.len()))
        .sum();
    let mut out = Vec::with_capacity(1 + size);
    out.push(FORMAT);
    for w in writes {
        let name = trees[w.tree].name();
        put(&mut out, &name);
        put(&mut out, &w.key);
        match &w.value {
            Some(v) => put(&mut out, v),
            None => out.extend_from_slice(&u32::MAX.to_be_bytes()),
        }
    }
    out
}

fn put(out: &mut Vec<u8>, bytes: &[u8]) {
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
        let journal = Journal::open(&db).unwrap();
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
        let journal = Journal::open(&db).unwrap();
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
            let writes = vec![
                Write {
                    tree: 0,
                    key: IVec::from("k"),
                    value: Some(IVec::from("1")),
                },
                Write {
                    tree: 1,
                    key: IVec::from("gone"),
                    value: None,
                },
                Write {
                    tree: 1,
                    key: IVec::from("k"),
                    value: Some(IVec::from("2")),
                },
            ];
            b.insert("gone", "still here").unwrap();
            db.open_tree("journal")
                .unwrap()
                .insert(IN_FLIGHT, encode(&[a.clone(), b.clone()], &writes))
                .unwrap();
            apply(&a, &writes[0]).unwrap();
            db.flush().unwrap();
        }
        let db = sled::Config::new().path(dir.path()).open().unwrap();
        let journal = Journal::open(&db).unwrap();
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
        let writes = vec![
            Write {
                tree: 0,
                key: IVec::from("k"),
                value: Some(IVec::from("")),
            },
            Write {
                tree: 0,
                key: IVec::from("r"),
                value: None,
            },
        ];
        let bytes = encode(std::slice::from_ref(&a), &writes);
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
}
