//! Purpose: what the command line asks of the store: a backup, a week's report (printed or
//! posted now), the audit export, the compliance report. With the bot running (sled lets only its process open
//! the store) they are asked on the operations socket (`socket`), never over TCP; with
//! the bot stopped the command line does them itself. Either way the same functions here
//! write the files, only under `operations.output_dir` (`output`), and each backup,
//! export and posted report is an entry in the audit log outside cases: who, when,
//! what, how many cases.

pub mod output;
pub mod socket;

use std::path::{Path, PathBuf};
use std::sync::Arc;

use http_body_util::{BodyExt, Limited};
use hyper::body::Incoming;
use hyper::{Method, Request, Response, StatusCode};
use serde::{Deserialize, Serialize};

use crate::app::Context;
use crate::config::Settings;
use crate::domain::Week;
use crate::domain::compliance::{NotCounted, Period, Staff, StaffList};
use crate::http::{Body, json, text};
use crate::report::WeeklyReport;
use crate::report::compliance::{self, ComplianceReport};
use crate::report::export::{self, Format};
use crate::store::Store;
use output::OutputDir;
use socket::Caller;

pub const BACKUP_PATH: &str = "/admin/backup";
pub const REPORT_PATH: &str = "/admin/report";
pub const EXPORT_PATH: &str = "/admin/export";
pub const ACKNOWLEDGEMENTS_PATH: &str = "/admin/acknowledgements";
pub const COMPLIANCE_PATH: &str = "/admin/compliance";

/// `POST /admin/compliance`: the compliance report on a period, printed (its text is the
/// answer) or written into a new file (the answer is `ExportDone`).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct ComplianceRequest {
    /// `2026-07-01`, days in the report's zone; both absent: the last full quarter.
    pub from: Option<String>,
    pub to: Option<String>,
    /// md (default), csv or json.
    #[serde(default)]
    pub format: Option<String>,
    /// Relative to `operations.output_dir`, or absolute inside it; must not exist.
    #[serde(default)]
    pub out: Option<PathBuf>,
}

/// `POST /admin/acknowledgements`: who has acknowledged the policy in force, as text or
/// CSV.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct AcknowledgementsRequest {
    #[serde(default)]
    pub csv: bool,
}

/// `POST /admin/backup`: a consistent copy of the store into a new folder.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct BackupRequest {
    /// Relative to `operations.output_dir`, or absolute inside it; must not exist.
    pub path: PathBuf,
}

/// What a backup wrote.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct BackupDone {
    pub path: PathBuf,
    pub cases: u64,
    pub records: usize,
}

/// `POST /admin/report`: a week's report as text, or posted now.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct ReportRequest {
    /// `2026-W47`; the last complete week when absent.
    pub week: Option<String>,
    #[serde(default)]
    pub post: bool,
    /// Write the week's chart as a PNG into this new file (like an export's `path`)
    /// instead.
    #[serde(default)]
    pub chart: Option<PathBuf>,
}

/// `POST /admin/export`: every case (opened since `since`) into a new file.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ExportRequest {
    /// Relative to `operations.output_dir`, or absolute inside it; must not exist.
    pub path: PathBuf,
    pub format: String,
    /// `2026-01-01`, a day in the report's zone.
    pub since: Option<String>,
}

/// What an export wrote.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ExportDone {
    pub path: PathBuf,
    pub cases: usize,
}

/// The operations requests, from `caller` (already known to be the bot's user).
pub async fn route(ctx: &Arc<Context>, req: Request<Incoming>, caller: Caller) -> Response<Body> {
    let path = req.uri().path().to_owned();
    if ![
        BACKUP_PATH,
        REPORT_PATH,
        EXPORT_PATH,
        ACKNOWLEDGEMENTS_PATH,
        COMPLIANCE_PATH,
    ]
    .contains(&path.as_str())
    {
        return text(StatusCode::NOT_FOUND, "not found");
    }
    if req.method() != Method::POST {
        return text(StatusCode::METHOD_NOT_ALLOWED, "use POST");
    }
    let Ok(body) = Limited::new(req.into_body(), 16 * 1024).collect().await else {
        return text(StatusCode::BAD_REQUEST, "could not read the body");
    };
    let body = body.to_bytes();
    match path.as_str() {
        BACKUP_PATH => match serde_json::from_slice(&body) {
            Ok(request) => backup_asked(ctx, request, caller).await,
            Err(e) => text(StatusCode::BAD_REQUEST, format!("bad request: {e}")),
        },
        REPORT_PATH => match serde_json::from_slice(&body) {
            Ok(request) => report_asked(ctx, request, caller).await,
            Err(e) => text(StatusCode::BAD_REQUEST, format!("bad request: {e}")),
        },
        COMPLIANCE_PATH => match serde_json::from_slice(&body) {
            Ok(request) => compliance_asked(ctx, request, caller).await,
            Err(e) => text(StatusCode::BAD_REQUEST, format!("bad request: {e}")),
        },
        ACKNOWLEDGEMENTS_PATH => match serde_json::from_slice::<AcknowledgementsRequest>(&body) {
            Ok(request) => {
                let now = ctx.clock.now();
                match acknowledgements(
                    &ctx.store,
                    &ctx.slack,
                    &ctx.directory,
                    &ctx.settings,
                    request.csv,
                )
                .await
                {
                    Ok((listing, people)) => {
                        match record_acknowledgements(&ctx.store, caller, request.csv, people, now)
                            .await
                        {
                            Ok(()) => text(StatusCode::OK, listing),
                            Err(e) => text(StatusCode::INTERNAL_SERVER_ERROR, e),
                        }
                    }
                    Err(e) => text(StatusCode::BAD_GATEWAY, e),
                }
            }
            Err(e) => text(StatusCode::BAD_REQUEST, format!("bad request: {e}")),
        },
        _ => match serde_json::from_slice(&body) {
            Ok(request) => export_asked(ctx, request, caller).await,
            Err(e) => text(StatusCode::BAD_REQUEST, format!("bad request: {e}")),
        },
    }
}

/// Copies `store` into a new folder `requested` under `output_dir` (0700, files 0600),
/// and counts the cases in the copy, which also shows it opens. Blocking.
pub fn backup(store: &Store, output_dir: &Path, requested: &Path) -> Result<BackupDone, String> {
    let dir = OutputDir::prepare(output_dir).map_err(|e| e.to_string())?;
    let target = dir.resolve(requested).map_err(|e| e.to_string())?;
    output::create_dir(&target).map_err(|e| e.to_string())?;
    let copied = store.backup_to(&target).map_err(|e| e.to_string());
    let done = copied.and_then(|records| {
        let copy = open_copy(&target).map_err(|e| format!("The copy does not open: {e}"))?;
        let cases = copy.tallies().map_err(|e| e.to_string())?.cases_total;
        Ok(BackupDone {
            path: target.clone(),
            cases,
            records,
        })
    });
    // Whatever sled created in there, with its own modes.
    let private = output::make_private(&target).map_err(|e| e.to_string());
    match (done, private) {
        (Ok(done), Ok(())) => Ok(done),
        (Err(e), _) | (Ok(_), Err(e)) => {
            // A copy that failed half-way is no backup; nothing is left pretending to be one.
            let _ = std::fs::remove_dir_all(&target);
            Err(e)
        }
    }
}

/// Opens a copy just written. sled lets go of a store's lock a moment after its last
/// handle is dropped (its background threads notice), so a copy closed an instant ago
/// may still look in use: wait for that, briefly.
fn open_copy(path: &Path) -> Result<Store, crate::store::StoreError> {
    let mut tries = 0;
    loop {
        match Store::open_existing(path, 1 << 20) {
            Err(crate::store::StoreError::Locked { .. }) if tries < 100 => {
                tries += 1;
                std::thread::sleep(std::time::Duration::from_millis(50));
            }
            opened => return opened,
        }
    }
}

/// Records a backup in the audit log; a backup that cannot be recorded is removed, so
/// none exists that the log does not show.
pub async fn record_backup(
    store: &Store,
    caller: Caller,
    done: &BackupDone,
    at: jiff::Timestamp,
) -> Result<(), String> {
    let entry = caller
        .entry(at, "backup")
        .with("path", done.path.display().to_string())
        .with("cases", done.cases.to_string())
        .with("records", done.records.to_string());
    store.log(&entry).await.map_err(|e| {
        let _ = std::fs::remove_dir_all(&done.path);
        format!("The backup could not be recorded in the audit log, so it was removed: {e}")
    })
}

/// Writes `bytes` into a new file `requested` under `output_dir` (0600), removing it if the
/// write fails half way; returns where it went. Blocking.
fn write_new_file(settings: &Settings, requested: &Path, bytes: &[u8]) -> Result<PathBuf, String> {
    let dir = OutputDir::prepare(&settings.output_dir()).map_err(|e| e.to_string())?;
    let target = dir.resolve(requested).map_err(|e| e.to_string())?;
    let mut file = output::create_file(&target).map_err(|e| e.to_string())?;
    if let Err(e) = std::io::Write::write_all(&mut file, bytes) {
        drop(file);
        let _ = std::fs::remove_file(&target);
        return Err(e.to_string());
    }
    Ok(target)
}

/// Writes the export into a new file `requested` under `output_dir` (0600). Blocking.
pub fn export_file(
    store: &Store,
    settings: &Settings,
    requested: &Path,
    format: Format,
    since: Option<jiff::Timestamp>,
) -> Result<ExportDone, String> {
    let dir = OutputDir::prepare(&settings.output_dir()).map_err(|e| e.to_string())?;
    let target = dir.resolve(requested).map_err(|e| e.to_string())?;
    let file = output::create_file(&target).map_err(|e| e.to_string())?;
    let mut out = std::io::BufWriter::new(file);
    let zone = &settings.report.schedule.zone;
    let catalog = settings.locale.catalog();
    match export::write(
        store,
        zone,
        &settings.currency,
        since,
        format,
        catalog,
        &mut out,
    ) {
        Ok(cases) => Ok(ExportDone {
            path: target,
            cases,
        }),
        Err(e) => {
            drop(out);
            let _ = std::fs::remove_file(&target);
            Err(e.to_string())
        }
    }
}

/// Records an export in the audit log. `file` is where it went (`None`: printed); a
/// file that cannot be recorded is removed.
pub async fn record_export(
    store: &Store,
    caller: Caller,
    file: Option<&Path>,
    format: Format,
    since: Option<&str>,
    cases: usize,
    at: jiff::Timestamp,
) -> Result<(), String> {
    let mut entry = caller
        .entry(at, "export")
        .with(
            "path",
            file.map_or_else(|| "standard output".to_owned(), |p| p.display().to_string()),
        )
        .with("format", format.name())
        .with("cases", cases.to_string());
    if let Some(since) = since {
        entry = entry.with("since", since);
    }
    store.log(&entry).await.map_err(|e| {
        if let Some(file) = file {
            let _ = std::fs::remove_file(file);
            format!("The export could not be recorded in the audit log, so it was removed: {e}")
        } else {
            format!("The export could not be recorded in the audit log: {e}")
        }
    })
}

/// Writes a week's chart as a PNG into a new file `requested` under `output_dir` (0600),
/// its legend naming the categories in the configured language: the chart to keep or to
/// send on, where Slack's native chart lives only in Slack. Blocking. `cases` in the
/// answer is how many cases the report counts.
pub fn chart_file(
    store: &Store,
    settings: &Settings,
    week: Week,
    now: jiff::Timestamp,
    requested: &Path,
) -> Result<ExportDone, String> {
    let report = WeeklyReport::configured(store, settings, week, now).map_err(|e| e.to_string())?;
    let png = report.chart_png(settings.locale.catalog());
    Ok(ExportDone {
        path: write_new_file(settings, requested, &png)?,
        cases: usize::try_from(report.summary.stats.opened).unwrap_or(usize::MAX),
    })
}

/// Records a chart written to a file, as an export (format `png`); a file that cannot be
/// recorded is removed.
pub async fn record_chart_export(
    store: &Store,
    caller: Caller,
    done: &ExportDone,
    week: Week,
    at: jiff::Timestamp,
) -> Result<(), String> {
    let entry = caller
        .entry(at, "export")
        .with("path", done.path.display().to_string())
        .with("format", "png")
        .with("week", week.to_string())
        .with("cases", done.cases.to_string());
    store.log(&entry).await.map_err(|e| {
        let _ = std::fs::remove_file(&done.path);
        format!("The chart could not be recorded in the audit log, so it was removed: {e}")
    })
}

/// Who should read the policy (`crate::policy::readers`, from Slack) and who has read the
/// version in force, as text or CSV in the configured language; with how many people it
/// lists.
pub async fn acknowledgements(
    store: &Store,
    slack: &crate::slack::api::WebApi,
    directory: &crate::staff::Directory,
    settings: &Settings,
    csv: bool,
) -> Result<(String, usize), String> {
    let readers = crate::policy::readers(slack, directory, settings)
        .await
        .map_err(|e| format!("Slack did not list the staff: {e}"))?;
    let version = &settings.rules.policy.version;
    let standings = crate::policy::standings(store, version, readers).map_err(|e| e.to_string())?;
    let listing = crate::policy::listing(
        settings.locale.catalog(),
        version,
        &standings,
        &settings.report.schedule.zone,
        csv,
    );
    Ok((listing, standings.len()))
}

/// The staff for the compliance report's "N of M": the people `acknowledgements` lists
/// (`policy::readers`: the staff group's members, else the support channels', staff
/// only), as ids, counted at `at`. When Slack does not list them the report says so
/// rather than fail: this never errs.
pub async fn staff(
    slack: &crate::slack::api::WebApi,
    directory: &crate::staff::Directory,
    settings: &Settings,
    at: jiff::Timestamp,
) -> Staff {
    let from = if settings.staff_group.is_some() {
        StaffList::UserGroup
    } else {
        StaffList::SupportChannels
    };
    match crate::policy::readers(slack, directory, settings).await {
        Ok(readers) => Staff::Listed {
            from,
            at,
            members: readers.into_iter().map(|r| r.user).collect(),
        },
        Err(e) => {
            tracing::warn!(error = %e, "Slack did not list the staff: the compliance report does not count them");
            let reason = match e {
                crate::slack::api::CallError::Retry { reason, .. }
                | crate::slack::api::CallError::Permanent { reason } => reason,
            };
            Staff::NotListed(NotCounted::SlackFailed(reason))
        }
    }
}

/// Records a listing of acknowledgements in the audit log, as an export (it names people).
pub async fn record_acknowledgements(
    store: &Store,
    caller: Caller,
    csv: bool,
    people: usize,
    at: jiff::Timestamp,
) -> Result<(), String> {
    let entry = caller
        .entry(at, "export")
        .with("path", "standard output")
        .with(
            "format",
            if csv {
                "acknowledgements-csv"
            } else {
                "acknowledgements"
            },
        )
        .with("people", people.to_string());
    store
        .log(&entry)
        .await
        .map_err(|e| format!("The list could not be recorded in the audit log: {e}"))
}

/// Records a report posted by hand (what the schedule posts is in its own state).
/// `cases`: how many the report counts, as every admin action records (README, Security).
pub async fn record_report_posted(
    store: &Store,
    caller: Caller,
    week: Week,
    cases: u64,
    at: jiff::Timestamp,
) -> Result<(), String> {
    let entry = caller
        .entry(at, "report-posted")
        .with("week", week.to_string())
        .with("cases", cases.to_string());
    store.log(&entry).await.map_err(|e| {
        format!("The report was posted, but could not be recorded in the audit log: {e}")
    })
}

/// The period a request names (`--from`, `--to`), with today in the report's zone.
pub fn period_asked(
    settings: &Settings,
    from: Option<&str>,
    to: Option<&str>,
    now: jiff::Timestamp,
) -> Result<Period, String> {
    let today = now.to_zoned(settings.report.schedule.zone.clone()).date();
    Period::asked(from, to, today).map_err(|e| e.to_string())
}

/// The format a request names (`--format`; Markdown when absent).
pub fn compliance_format(format: Option<&str>) -> Result<compliance::Format, String> {
    match format {
        None => Ok(compliance::Format::Markdown),
        Some(name) => compliance::Format::parse(name)
            .ok_or_else(|| format!("--format {name:?}: use md, csv or json.")),
    }
}

/// The compliance report on `period` in `format` and the configured language. Blocking
/// (it reads every case).
pub fn compliance_bytes(
    store: &Store,
    settings: &Settings,
    period: Period,
    format: compliance::Format,
    now: jiff::Timestamp,
    staff: Staff,
) -> Result<Vec<u8>, String> {
    let report =
        ComplianceReport::gather(store, settings, period, now, staff).map_err(|e| e.to_string())?;
    let mut bytes = Vec::new();
    report
        .write(format, settings.locale.catalog(), &mut bytes)
        .map_err(|e| e.to_string())?;
    Ok(bytes)
}

/// Writes the compliance report into a new file `requested` under `output_dir` (0600).
/// Blocking.
pub fn compliance_file(
    store: &Store,
    settings: &Settings,
    period: Period,
    format: compliance::Format,
    now: jiff::Timestamp,
    staff: Staff,
    requested: &Path,
) -> Result<ExportDone, String> {
    let bytes = compliance_bytes(store, settings, period, format, now, staff)?;
    Ok(ExportDone {
        path: write_new_file(settings, requested, &bytes)?,
        cases: 0,
    })
}

/// Records a compliance report written to a file, as an export (format `compliance-md`,
/// `-csv` or `-json`, with its period); a file that cannot be recorded is removed. A
/// printed one is not recorded: like the weekly report, it shows only aggregates.
pub async fn record_compliance_export(
    store: &Store,
    caller: Caller,
    path: &Path,
    format: compliance::Format,
    period: Period,
    at: jiff::Timestamp,
) -> Result<(), String> {
    let entry = caller
        .entry(at, "export")
        .with("path", path.display().to_string())
        .with("format", format!("compliance-{}", format.name()))
        .with("from", period.from.to_string())
        .with("to", period.to.to_string());
    store.log(&entry).await.map_err(|e| {
        let _ = std::fs::remove_file(path);
        format!("The report could not be recorded in the audit log, so it was removed: {e}")
    })
}

async fn compliance_asked(
    ctx: &Arc<Context>,
    request: ComplianceRequest,
    caller: Caller,
) -> Response<Body> {
    let now = ctx.clock.now();
    let asked = period_asked(
        &ctx.settings,
        request.from.as_deref(),
        request.to.as_deref(),
        now,
    )
    .and_then(|period| Ok((period, compliance_format(request.format.as_deref())?)));
    let (period, format) = match asked {
        Ok(asked) => asked,
        Err(e) => return text(StatusCode::BAD_REQUEST, e),
    };
    let staff = staff(&ctx.slack, &ctx.directory, &ctx.settings, now).await;
    let ctx2 = ctx.clone();
    let out = request.out.clone();
    let made = tokio::task::spawn_blocking(move || match out {
        Some(path) => compliance_file(
            &ctx2.store,
            &ctx2.settings,
            period,
            format,
            now,
            staff,
            &path,
        )
        .map(|done| (Some(done), Vec::new())),
        None => compliance_bytes(&ctx2.store, &ctx2.settings, period, format, now, staff)
            .map(|bytes| (None, bytes)),
    })
    .await;
    match made {
        Ok(Ok((Some(done), _))) => {
            if let Err(e) =
                record_compliance_export(&ctx.store, caller, &done.path, format, period, now).await
            {
                return text(StatusCode::INTERNAL_SERVER_ERROR, e);
            }
            json(&done)
        }
        Ok(Ok((None, bytes))) => text(StatusCode::OK, bytes),
        Ok(Err(e)) => text(StatusCode::CONFLICT, e),
        Err(_) => text(
            StatusCode::INTERNAL_SERVER_ERROR,
            "the compliance report task failed",
        ),
    }
}

async fn backup_asked(
    ctx: &Arc<Context>,
    request: BackupRequest,
    caller: Caller,
) -> Response<Body> {
    let store = ctx.store.clone();
    let output_dir = ctx.settings.output_dir();
    let made =
        tokio::task::spawn_blocking(move || backup(&store, &output_dir, &request.path)).await;
    let done = match made {
        Ok(Ok(done)) => done,
        Ok(Err(e)) => {
            tracing::warn!(error = %e, "backup refused or failed");
            return text(StatusCode::CONFLICT, e);
        }
        Err(_) => return text(StatusCode::INTERNAL_SERVER_ERROR, "the backup task failed"),
    };
    if let Err(e) = record_backup(&ctx.store, caller, &done, ctx.clock.now()).await {
        return text(StatusCode::INTERNAL_SERVER_ERROR, e);
    }
    tracing::info!(path = %done.path.display(), cases = done.cases, records = done.records, "backup written");
    json(&done)
}

/// Which week a request means: the one named, or the last complete one.
pub fn week_asked(
    settings: &Settings,
    named: Option<&str>,
    now: jiff::Timestamp,
) -> Result<Week, String> {
    match named {
        // A day names the week it falls in: people know dates better than ISO weeks.
        Some(name) => match name.trim().parse::<jiff::civil::Date>() {
            Ok(day) => Ok(Week::containing(day)),
            Err(_) => name.parse(),
        },
        None => Ok(Week::of(now, &settings.report.schedule.zone).previous()),
    }
}

/// The start of a day (`2026-01-01`) in the report's zone.
pub fn since_asked(
    settings: &Settings,
    since: Option<&str>,
) -> Result<Option<jiff::Timestamp>, String> {
    let Some(day) = since else {
        return Ok(None);
    };
    let date: jiff::civil::Date = day
        .trim()
        .parse()
        .map_err(|_| format!("--since {day:?}: write a day like 2026-01-01"))?;
    date.to_zoned(settings.report.schedule.zone.clone())
        .map(|z| Some(z.timestamp()))
        .map_err(|e| format!("--since {day:?}: {e}"))
}

/// A week's report in the configured language, as text.
pub fn report_text(
    store: &Store,
    settings: &Settings,
    week: Week,
    now: jiff::Timestamp,
) -> Result<String, String> {
    let report = WeeklyReport::configured(store, settings, week, now).map_err(|e| e.to_string())?;
    Ok(report.text(settings.locale.catalog(), &settings.currency))
}

async fn report_asked(
    ctx: &Arc<Context>,
    request: ReportRequest,
    caller: Caller,
) -> Response<Body> {
    let now = ctx.clock.now();
    let week = match week_asked(&ctx.settings, request.week.as_deref(), now) {
        Ok(week) => week,
        Err(e) => return text(StatusCode::BAD_REQUEST, e),
    };
    if let Some(requested) = request.chart {
        let ctx2 = ctx.clone();
        let written = tokio::task::spawn_blocking(move || {
            chart_file(&ctx2.store, &ctx2.settings, week, now, &requested)
        })
        .await;
        let done = match written {
            Ok(Ok(done)) => done,
            Ok(Err(e)) => return text(StatusCode::CONFLICT, e),
            Err(_) => return text(StatusCode::INTERNAL_SERVER_ERROR, "the chart task failed"),
        };
        if let Err(e) = record_chart_export(&ctx.store, caller, &done, week, now).await {
            return text(StatusCode::INTERNAL_SERVER_ERROR, e);
        }
        return text(
            StatusCode::OK,
            format!("Wrote the chart of {week} to {}.", done.path.display()),
        );
    }
    if request.post {
        let cases =
            match crate::jobs::report::post_now(&ctx.store, &ctx.slack, &ctx.settings, now, week)
                .await
            {
                Ok(cases) => cases,
                Err(e) => return text(StatusCode::BAD_GATEWAY, e),
            };
        if let Err(e) = record_report_posted(&ctx.store, caller, week, cases, now).await {
            return text(StatusCode::INTERNAL_SERVER_ERROR, e);
        }
        return text(StatusCode::OK, format!("posted the report on {week}"));
    }
    match report_text(&ctx.store, &ctx.settings, week, now) {
        Ok(report) => text(StatusCode::OK, report),
        Err(e) => text(StatusCode::INTERNAL_SERVER_ERROR, e),
    }
}

async fn export_asked(
    ctx: &Arc<Context>,
    request: ExportRequest,
    caller: Caller,
) -> Response<Body> {
    let Some(format) = Format::parse(&request.format) else {
        return text(StatusCode::BAD_REQUEST, "the format is csv or json");
    };
    let since = match since_asked(&ctx.settings, request.since.as_deref()) {
        Ok(since) => since,
        Err(e) => return text(StatusCode::BAD_REQUEST, e),
    };
    let ctx2 = ctx.clone();
    let path = request.path.clone();
    let written = tokio::task::spawn_blocking(move || {
        export_file(&ctx2.store, &ctx2.settings, &path, format, since)
    })
    .await;
    let done = match written {
        Ok(Ok(done)) => done,
        Ok(Err(e)) => return text(StatusCode::CONFLICT, e),
        Err(_) => return text(StatusCode::INTERNAL_SERVER_ERROR, "the export task failed"),
    };
    let recorded = record_export(
        &ctx.store,
        caller,
        Some(&done.path),
        format,
        request.since.as_deref(),
        done.cases,
        ctx.clock.now(),
    )
    .await;
    if let Err(e) = recorded {
        return text(StatusCode::INTERNAL_SERVER_ERROR, e);
    }
    tracing::info!(path = %done.path.display(), cases = done.cases, "export written");
    json(&done)
}
