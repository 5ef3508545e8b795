//! Purpose: fires the paging timers (re-pages, @here alerts, decision reminders) when they
//! fall due, including those that fell due while the bot was down, prunes the
//! "already handled" marks and contacts older than the repeat window, moves cases closed
//! for a week into the archive, and once a day reduces cases closed longer ago than
//! `store.retention` to their counts. Each timer fires in its own store transaction, so a
//! restart neither loses nor repeats one.

use std::sync::Arc;

use jiff::{SignedDuration, Timestamp};
use tokio::sync::watch;

use crate::app::Context;

/// Timers fired per store pass before looking at the clock again.
const BATCH: usize = 100;
/// Look at the timers at least this often, whatever happens.
const IDLE_POLL: SignedDuration = SignedDuration::from_mins(1);
/// How often old "already handled" marks are forgotten.
const PRUNE_EVERY: SignedDuration = SignedDuration::from_mins(10);
/// Cases archived per pass; a store with more to archive (one from before the archive)
/// catches up a pass per wake instead of holding the scheduler for minutes.
const ARCHIVE_BATCH: usize = 4096;
/// How often cases past `store.retention` are looked for (and at start): the walk reads
/// every archive block, and a day early or late does not matter to a period of years.
const RETAIN_EVERY: SignedDuration = SignedDuration::from_hours(24);
/// Cases erased per transaction; more wait for the next wake.
const ERASE_BATCH: usize = 4096;

pub async fn run(ctx: Arc<Context>, mut shutdown: watch::Receiver<bool>) {
    let changed = ctx.store.timers_changed();
    let mut pruned_at: Option<Timestamp> = None;
    let mut retained_at: Option<Timestamp> = None;
    tracing::info!("scheduler started");
    // The roles may have changed since the last run: cases whose reminders stopped for want
    // of anyone who may act get one again if someone may now.
    match ctx
        .store
        .resume_reminders(ctx.clock.now(), &ctx.settings.rules)
        .await
    {
        Ok(resumed) if resumed.is_empty() => {}
        Ok(resumed) => {
            let cases: Vec<String> = resumed.iter().map(ToString::to_string).collect();
            tracing::info!(cases = cases.join(" "), "reminders resumed");
        }
        Err(e) => tracing::error!(error = %e, "could not resume stopped reminders"),
    }
    while !*shutdown.borrow() {
        let now = ctx.clock.now();
        match ctx
            .store
            .fire_due_timers(now, &ctx.settings.rules, BATCH)
            .await
        {
            Ok(BATCH) => continue,
            Ok(0) => {}
            Ok(fired) => tracing::info!(fired, "timers fired"),
            Err(e) => tracing::error!(error = %e, "could not fire timers"),
        }
        if pruned_at.is_none_or(|at| now.duration_since(at) >= PRUNE_EVERY) {
            match ctx.store.prune(now) {
                Ok(0) => {}
                Ok(pruned) => tracing::debug!(pruned, "forgot old request marks"),
                Err(e) => tracing::error!(error = %e, "could not prune request marks"),
            }
            match ctx
                .store
                .prune_contacts(now, ctx.settings.watch.repeat_window)
            {
                Ok(0) => {}
                Ok(pruned) => tracing::debug!(pruned, "forgot contacts older than the window"),
                Err(e) => tracing::error!(error = %e, "could not prune old contacts"),
            }
            let store = ctx.store.clone();
            match tokio::task::spawn_blocking(move || store.archive_closed(now, ARCHIVE_BATCH))
                .await
            {
                Ok(Ok(ARCHIVE_BATCH)) => {
                    tracing::info!(moved = ARCHIVE_BATCH, "archived closed cases; more to go");
                    continue;
                }
                Ok(Ok(0)) => {}
                Ok(Ok(moved)) => tracing::info!(moved, "archived closed cases"),
                Ok(Err(e)) => tracing::error!(error = %e, "could not archive closed cases"),
                Err(e) => tracing::error!(error = %e, "the archiving task failed"),
            }
            pruned_at = Some(now);
        }
        if retained_at.is_none_or(|at| now.duration_since(at) >= RETAIN_EVERY) {
            match erase_past_retention(&ctx, now).await {
                Ok(true) => continue,
                Ok(false) => retained_at = Some(now),
                Err(e) => {
                    tracing::error!(error = %e, "could not erase cases past store.retention");
                    retained_at = Some(now);
                }
            }
        }
        let mut wake = now + IDLE_POLL;
        match ctx.store.next_timer() {
            Ok(Some(next)) => wake = wake.min(next),
            Ok(None) => {}
            Err(e) => tracing::error!(error = %e, "could not read the timers"),
        }
        tokio::select! {
            () = ctx.clock.sleep_until(wake) => {}
            () = changed.notified() => {}
            _ = shutdown.changed() => {}
        }
    }
    tracing::info!("scheduler stopped");
}

/// One retention pass: erases up to `ERASE_BATCH` cases (and as many consultations) ended
/// before `store.retention`
/// ago (the store writes the audit entry with them) and flushes. Whether more may wait.
async fn erase_past_retention(ctx: &Arc<Context>, now: Timestamp) -> Result<bool, String> {
    let retention = ctx.settings.retention;
    let Some(cutoff) = retention.cutoff(now) else {
        return Ok(false);
    };
    let store = ctx.store.clone();
    let name = retention.name();
    let erased = tokio::task::spawn_blocking(move || {
        store.erase_closed_before(cutoff, &name, now, ERASE_BATCH)
    })
    .await
    .map_err(|e| e.to_string())?
    .map_err(|e| e.to_string())?;
    if erased.cases == 0 && erased.consultations == 0 {
        return Ok(false);
    }
    ctx.store.flush().await.map_err(|e| e.to_string())?;
    tracing::info!(cases = erased.cases, ids = erased.ids, consultations = erased.consultations, retention = %retention.name(), "erased the details of cases and consultations past store.retention");
    Ok(erased.cases == ERASE_BATCH || erased.consultations == ERASE_BATCH)
}
