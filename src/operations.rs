//! Purpose: what the command line asks a running bot for, on the operations listener
//! (`server.metrics_bind`), because sled lets only the bot's process open the store:
//! a backup, a week's report (printed or posted now), and the audit export. Only from
//! the bot's own machine: these read everything and write files where the bot runs.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;

use bytes::Bytes;
use http_body_util::{BodyExt, Full, Limited};
use hyper::body::Incoming;
use hyper::header::{CONTENT_TYPE, HeaderValue};
use hyper::{Method, Request, Response, StatusCode};
use serde::{Deserialize, Serialize};

use crate::app::Context;
use crate::config::Settings;
use crate::domain::Week;
use crate::report::WeeklyReport;
use crate::report::export::{self, Format};
use crate::store::Store;

pub const BACKUP_PATH: &str = "/admin/backup";
pub const REPORT_PATH: &str = "/admin/report";
pub const EXPORT_PATH: &str = "/admin/export";

type Body = Full<Bytes>;

/// `POST /admin/report`: a week's report as text, or posted now.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct ReportRequest {
    /// `2026-W47`; the last complete week when absent.
    pub week: Option<String>,
    #[serde(default)]
    pub post: bool,
}

/// `POST /admin/export`: every case (opened since `since`) into a new file at `path`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ExportRequest {
    pub path: PathBuf,
    pub format: String,
    /// `2026-01-01`, a day in the report's zone.
    pub since: Option<String>,
}

fn text(status: StatusCode, body: impl Into<Bytes>) -> Response<Body> {
    let mut response = Response::new(Full::new(body.into()));
    *response.status_mut() = status;
    response.headers_mut().insert(
        CONTENT_TYPE,
        HeaderValue::from_static("text/plain; charset=utf-8"),
    );
    response
}

/// Routes the operations requests; `None` for any other path.
pub async fn route(
    ctx: &Arc<Context>,
    req: Request<Incoming>,
    peer: SocketAddr,
) -> Result<Response<Body>, Request<Incoming>> {
    let path = req.uri().path();
    if ![BACKUP_PATH, REPORT_PATH, EXPORT_PATH].contains(&path) {
        return Err(req);
    }
    if !peer.ip().is_loopback() {
        tracing::warn!(%peer, path, "refused an operations request from another machine");
        return Ok(text(
            StatusCode::FORBIDDEN,
            "ask from the bot's own machine",
        ));
    }
    if req.method() != Method::POST {
        return Ok(text(StatusCode::METHOD_NOT_ALLOWED, "use POST"));
    }
    let path = path.to_owned();
    let Ok(body) = Limited::new(req.into_body(), 16 * 1024).collect().await else {
        return Ok(text(StatusCode::BAD_REQUEST, "could not read the body"));
    };
    let body = body.to_bytes();
    Ok(match path.as_str() {
        BACKUP_PATH => backup(ctx, &body).await,
        REPORT_PATH => match serde_json::from_slice(&body) {
            Ok(request) => report(ctx, request).await,
            Err(e) => text(StatusCode::BAD_REQUEST, format!("bad request: {e}")),
        },
        _ => match serde_json::from_slice(&body) {
            Ok(request) => export(ctx, request).await,
            Err(e) => text(StatusCode::BAD_REQUEST, format!("bad request: {e}")),
        },
    })
}

/// The body is the directory to write a consistent copy of the store into.
async fn backup(ctx: &Arc<Context>, body: &[u8]) -> Response<Body> {
    let Ok(dir) = std::str::from_utf8(body) else {
        return text(StatusCode::BAD_REQUEST, "the directory is not UTF-8");
    };
    let dir = PathBuf::from(dir.trim());
    if !dir.is_absolute() {
        return text(StatusCode::BAD_REQUEST, "give an absolute directory");
    }
    let store = ctx.store.clone();
    match tokio::task::spawn_blocking(move || store.backup_to(&dir)).await {
        Ok(Ok(records)) => {
            tracing::info!(records, "backup written");
            text(StatusCode::OK, records.to_string())
        }
        Ok(Err(e)) => {
            tracing::warn!(error = %e, "backup failed");
            text(StatusCode::CONFLICT, e.to_string())
        }
        Err(_) => text(StatusCode::INTERNAL_SERVER_ERROR, "the backup task failed"),
    }
}

/// Which week a request means: the one named, or the last complete one.
pub fn week_asked(
    settings: &Settings,
    named: Option<&str>,
    now: jiff::Timestamp,
) -> Result<Week, String> {
    match named {
        Some(name) => name.parse(),
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

async fn report(ctx: &Arc<Context>, request: ReportRequest) -> Response<Body> {
    let now = ctx.clock.now();
    let week = match week_asked(&ctx.settings, request.week.as_deref(), now) {
        Ok(week) => week,
        Err(e) => return text(StatusCode::BAD_REQUEST, e),
    };
    if request.post {
        return match crate::jobs::report::post_now(&ctx.store, &ctx.slack, &ctx.settings, now, week)
            .await
        {
            Ok(()) => text(StatusCode::OK, format!("posted the report on {week}")),
            Err(e) => text(StatusCode::BAD_GATEWAY, e),
        };
    }
    match report_text(&ctx.store, &ctx.settings, week, now) {
        Ok(report) => text(StatusCode::OK, report),
        Err(e) => text(StatusCode::INTERNAL_SERVER_ERROR, e),
    }
}

async fn export(ctx: &Arc<Context>, request: ExportRequest) -> Response<Body> {
    let Some(format) = Format::parse(&request.format) else {
        return text(StatusCode::BAD_REQUEST, "the format is csv or json");
    };
    let since = match since_asked(&ctx.settings, request.since.as_deref()) {
        Ok(since) => since,
        Err(e) => return text(StatusCode::BAD_REQUEST, e),
    };
    if !request.path.is_absolute() {
        return text(StatusCode::BAD_REQUEST, "give an absolute file path");
    }
    let store = ctx.store.clone();
    let zone = ctx.settings.report.schedule.zone.clone();
    let currency = ctx.settings.currency.clone();
    let written = tokio::task::spawn_blocking(move || -> Result<usize, String> {
        let file = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&request.path)
            .map_err(|e| format!("{}: {e}", request.path.display()))?;
        let mut out = std::io::BufWriter::new(file);
        export::write(&store, &zone, &currency, since, format, &mut out).map_err(|e| e.to_string())
    })
    .await;
    match written {
        Ok(Ok(cases)) => text(StatusCode::OK, cases.to_string()),
        Ok(Err(e)) => text(StatusCode::CONFLICT, e),
        Err(_) => text(StatusCode::INTERNAL_SERVER_ERROR, "the export task failed"),
    }
}
