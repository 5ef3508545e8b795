//! Purpose: changes over several trees that happen whole or not at all, written once.
//!
//! sled 0.34's own transactions cost about twice their inserts: each commit rolls sled's
//! log buffer before and after it, so every transaction is a log write of its own and
//! group commit has little left to group. A case is one change over nine trees, so that
//! was most of a case's CPU (README "Performance").
//!
//! Instead, one change at a time (a mutex) runs its body against a buffer: reads see the
//! change's own writes first, then the trees. If the body succeeds, the whole list of
//! writes is stored as one record under one key (sled makes a single insert atomic), the
//! writes are applied as plain inserts and removes, and the record is removed. sled
//! recovers a prefix of its log after a crash, so a crash can leave at most the last
//! change half applied, and then its record is still there: opening the store applies it
//! again (every write is "this key now holds this value", so applying twice is the same
//! as once). A change of one write skips the record: that insert is atomic already.
//!
//! The API mirrors sled's transactional trees (`get`, `insert`, `remove`, `generate_id`,
//! errors as `ConflictableTransactionError`), so transaction bodies read as before.
//!
//! Readers outside a change may see one half applied (the case before its customer); every
//! read-modify-write runs inside a change, where the mutex makes it see whole changes.

use std::cell::RefCell;
use std::rc::Rc;
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};

use sled::IVec;
use sled::transaction::{
    ConflictableTransactionError, TransactionError, UnabortableTransactionError,
};

/// The one key of the `journal` tree: the change being applied, if any.
const IN_FLIGHT: &[u8] = b"in_flight";

/// Runs changes over several trees, one at a time.
pub(super) struct Journal {
    db: sled::Db,
    tree: sled::Tree,
    one_at_a_time: Mutex<()>,
    /// Set when applying a change failed half way (a storage error): the next change
    /// finishes it first.
    interrupted: AtomicBool,
}

/// One write of a change: tree `tree` (its place in the change's trees) now holds `value`
/// at `key`, or nothing when `value` is `None`.
struct Write {
    tree: usize,
    key: IVec,
    value: Option<IVec>,
}

/// What a change's trees share: its writes in the order they were made.
pub(super) struct Change {
    db: sled::Db,
    writes: RefCell<Vec<Write>>,
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
        let writes = self.change.writes.borrow();
        if let Some(w) = writes
            .iter()
            .rev()
            .find(|w| w.tree == self.place && w.key == key)
        {
            return Ok(w.value.clone());
        }
        drop(writes);
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
        self.change.writes.borrow_mut().push(Write {
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
        // A change whose applying failed half way (a storage error) is finished first,
        // so this one reads whole state.
        if self.interrupted.load(Ordering::Acquire) {
            self.finish_interrupted()?;
            self.interrupted.store(false, Ordering::Release);
        }
        let change = Rc::new(Change {
            db: self.db.clone(),
            writes: RefCell::new(Vec::new()),
        });
        let view = trees.view(&change);
        let answer = loop {
            match body(&view) {
                Ok(answer) => break answer,
                Err(ConflictableTransactionError::Abort(e)) => {
                    return Err(TransactionError::Abort(e));
                }
                Err(ConflictableTransactionError::Storage(e)) => {
                    return Err(TransactionError::Storage(e));
                }
                // Nothing here conflicts; a body that says so anyway starts again.
                Err(_) => change.writes.borrow_mut().clear(),
            }
        };
        drop(view);
        let writes = last_of_each(change.writes.take());
        let trees = trees.trees();
        match writes.as_slice() {
            [] => {}
            [one] => apply(&trees[one.tree], one)?,
            _ => {
                self.tree.insert(IN_FLIGHT, encode(&trees, &writes))?;
                let applied = writes.iter().try_for_each(|w| apply(&trees[w.tree], w));
                if let Err(e) = applied.and_then(|()| self.tree.remove(IN_FLIGHT).map(drop)) {
                    self.interrupted.store(true, Ordering::Release);
                    return Err(TransactionError::Storage(e));
                }
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
                "the store's journal holds a torn change; restore the last backup".into(),
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

/// The writes that matter: a key written twice in a change (a queue's depth after each
/// of a case's three deliveries) is written once, at its last place.
fn last_of_each(writes: Vec<Write>) -> Vec<Write> {
    let mut seen = std::collections::HashSet::with_capacity(writes.len());
    let mut kept: Vec<Write> = writes
        .into_iter()
        .rev()
        .filter(|w| seen.insert((w.tree, w.key.clone())))
        .collect();
    kept.reverse();
    kept
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
    let mut out = Vec::with_capacity(size);
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
    fn a_key_written_twice_is_written_once_at_its_last_place() {
        let w = |tree, key: &str, value: Option<&str>| Write {
            tree,
            key: IVec::from(key),
            value: value.map(IVec::from),
        };
        let kept = last_of_each(vec![
            w(0, "n", Some("1")),
            w(0, "a", Some("x")),
            w(1, "n", Some("other tree")),
            w(0, "n", Some("2")),
            w(0, "a", None),
        ]);
        let kept: Vec<_> = kept
            .iter()
            .map(|w| (w.tree, w.key.clone(), w.value.clone()))
            .collect();
        assert_eq!(
            kept,
            vec![
                (1, IVec::from("n"), Some(IVec::from("other tree"))),
                (0, IVec::from("n"), Some(IVec::from("2"))),
                (0, IVec::from("a"), None),
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
