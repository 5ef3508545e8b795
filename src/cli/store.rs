//! Purpose: opening the store from the command line: only as its owner, and only when
//! no running bot holds it (then the commands ask the bot instead, see `ask`).

use escalation_bot::config::Settings;
use escalation_bot::operations;
use escalation_bot::store::{Store, StoreError};

/// Refuses a command that would open the store directly as anyone but its owner (root,
/// say): files sled creates in it would then belong to another user and keep the bot
/// from writing. The store's contents are the owner's to read, nobody else's.
pub fn check_owner(settings: &Settings) -> Result<(), String> {
    use std::os::unix::fs::MetadataExt;
    let Ok(meta) = std::fs::metadata(&settings.store_path) else {
        return Ok(());
    };
    let me = operations::socket::own_uid();
    if meta.uid() != me {
        return Err(format!(
            "The store at {} belongs to uid {}, and this is uid {me}: run this as the store's \
             owner (the user the bot runs as).",
            settings.store_path.display(),
            meta.uid()
        ));
    }
    Ok(())
}

pub fn open_store(settings: &Settings) -> Result<Store, String> {
    check_owner(settings)?;
    Store::open_existing(&settings.store_path, settings.store_cache_bytes)
        .map_err(|e| e.to_string())
}

/// Opens the store for a command that reads the weekly figures, counted in the
/// configured zone; `None` when a running bot holds it.
pub fn open_for_report(settings: &Settings) -> Result<Option<Store>, String> {
    check_owner(settings)?;
    match Store::open_existing(&settings.store_path, settings.store_cache_bytes) {
        Ok(mut store) => {
            let report = &settings.report;
            store
                .set_report_zone(report.schedule.zone.clone(), &report.zone_name)
                .map_err(|e| e.to_string())?;
            Ok(Some(store))
        }
        Err(StoreError::Locked { .. }) => Ok(None),
        Err(e) => Err(e.to_string()),
    }
}
