//! Purpose: making writes durable, in groups. A request that must not be lost waits for a
//! flush that started after its write; concurrent requests share one flush instead of
//! queueing one each (group commit), which is most of the cost of an acknowledgement.
//!
//! sled's explicit flush ends with `sync_file_range`, which gets the data to the disk's
//! queue but neither syncs the file's metadata nor flushes the drive's cache: enough for a
//! process crash, not for a power loss (sled's background thread calls `fsync` only every
//! 500 ms). We close that gap by `fdatasync`-ing sled's data file after each flush. (Values
//! over about 128 KiB live in sled's `blobs/` files, which this does not sync: a large
//! archive block or journal record can still be lost to a power cut.)

use std::fs::File;
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use tokio::sync::Mutex;

use super::StoreError;

pub(super) struct Flusher {
    /// Bumped after every write that must become durable.
    written: AtomicU64,
    /// Everything up to this write number is durable.
    flushed: AtomicU64,
    /// Flushes done (each one `db.flush` and one `fdatasync`), for /metrics: writes per
    /// flush is how well group commit works.
    done: AtomicU64,
    /// One flush at a time; waiters queue here and usually find their write covered.
    running: Mutex<()>,
    /// sled's log file, for fdatasync. `None` if it cannot be opened (then we rely on
    /// sled alone and say so at start-up).
    data_file: Option<Arc<File>>,
}

impl Flusher {
    pub(super) fn new(store_path: &Path) -> Flusher {
        let data_file = match File::open(store_path.join("db")) {
            Ok(file) => Some(Arc::new(file)),
            Err(e) => {
                tracing::warn!(
                    error = %e,
                    "could not open the store's data file for fdatasync; durability against \
                     power loss is sled's alone"
                );
                None
            }
        };
        Flusher {
            written: AtomicU64::new(0),
            flushed: AtomicU64::new(0),
            done: AtomicU64::new(0),
            running: Mutex::new(()),
            data_file,
        }
    }

    /// Makes every write that completed before this call durable. `apply` runs first, on
    /// the same blocking thread: it applies the changes waiting for this flush (see
    /// `journal`), so the requests sharing a flush share one batch too.
    pub(super) async fn flush(
        &self,
        db: &sled::Db,
        apply: impl FnOnce() -> Result<(), StoreError> + Send + 'static,
    ) -> Result<(), StoreError> {
        let mine = self.written.fetch_add(1, Ordering::SeqCst) + 1;
        let _turn = self.running.lock().await;
        if self.flushed.load(Ordering::SeqCst) >= mine {
            // A flush that started after our write finished while we waited.
            return Ok(());
        }
        // Every write numbered up to here completed before this flush starts.
        let covers = self.written.load(Ordering::SeqCst);
        // One blocking call for all three: the batch, sled's own flush, the fdatasync.
        let db = db.clone();
        let file = self.data_file.clone();
        tokio::task::spawn_blocking(move || -> Result<(), StoreError> {
            apply()?;
            db.flush()?;
            if let Some(file) = file {
                file.sync_data().map_err(StoreError::Io)?;
            }
            Ok(())
        })
        .await
        .map_err(|e| StoreError::Io(std::io::Error::other(e)))??;
        self.flushed.fetch_max(covers, Ordering::SeqCst);
        self.done.fetch_add(1, Ordering::Relaxed);
        Ok(())
    }

    /// (writes that asked to be durable, flushes that made them so), since start.
    pub(super) fn counts(&self) -> (u64, u64) {
        (
            self.written.load(Ordering::Relaxed),
            self.done.load(Ordering::Relaxed),
        )
    }
}
