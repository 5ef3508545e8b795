//! Purpose: `escalation-bot backup`: a consistent copy of the store, made here when no
//! bot runs, or by the running bot through its operations socket.

use std::path::Path;

use escalation_bot::config::Settings;
use escalation_bot::operations;
use escalation_bot::store::{Store, StoreError};

use super::ask::ask_for;
use super::runtime;
use super::store::check_owner;

pub fn run(config: Option<&Path>, dir: &Path) -> Result<(), String> {
    let settings = Settings::load(config).map_err(|e| e.to_string())?;
    check_owner(&settings)?;
    let done = match Store::open_existing(&settings.store_path, settings.store_cache_bytes) {
        Ok(store) => {
            let done = operations::backup(&store, &settings.output_dir(), dir)?;
            let caller = operations::socket::Caller::this_process();
            runtime()?.block_on(operations::record_backup(
                &store,
                caller,
                &done,
                jiff::Timestamp::now(),
            ))?;
            done
        }
        Err(StoreError::Locked { .. }) => {
            let request = operations::BackupRequest {
                path: dir.to_owned(),
            };
            ask_for(&settings, operations::BACKUP_PATH, &request)?
        }
        Err(e) => return Err(e.to_string()),
    };
    println!(
        "Backed up {} cases ({} records) to {}. To restore: stop the bot and point store.path \
         at that directory (or move it into place).",
        done.cases,
        done.records,
        done.path.display()
    );
    Ok(())
}
