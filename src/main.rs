//! Purpose: the binary: parse the command line, load settings, start logging, run.

use std::path::Path;
use std::process::ExitCode;
use std::sync::Arc;

use escalation_bot::app::Application;
use escalation_bot::cli::{Cli, Command};
use escalation_bot::clock::SystemClock;
use escalation_bot::config::{self, LogFormat, Secrets, Settings};
use escalation_bot::i18n::Locale;
use escalation_bot::report::export::{self, Format};
use escalation_bot::store::{Store, StoreError};
use escalation_bot::{operations, telemetry};
use serde_json::json;

mod demo;

fn main() -> ExitCode {
    let cli = Cli::parse_in(help_locale());
    config::load_env_file();
    let result = match cli.command {
        Command::Serve { config } => serve(config.as_deref()),
        Command::Demo { locale } => run_demo(locale.as_deref()),
        Command::Stats { config, json } => stats(config.as_deref(), json),
        Command::CheckConfig { config } => check_config(config.as_deref()),
        Command::Backup { dir, config } => backup(config.as_deref(), &dir),
        Command::Report { week, post, config } => report(config.as_deref(), week.as_deref(), post),
        Command::Export {
            format,
            since,
            out,
            config,
        } => export(config.as_deref(), &format, since.as_deref(), out.as_deref()),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("{message}");
            ExitCode::FAILURE
        }
    }
}

/// The language of `--help`: the configured one (`i18n.locale`, as the demo uses it),
/// else the terminal's (the first of LC_ALL, LC_MESSAGES and LANG that is set), else
/// English.
fn help_locale() -> Locale {
    if let Some(locale) = Settings::locale_only(None) {
        return locale;
    }
    ["LC_ALL", "LC_MESSAGES", "LANG"]
        .into_iter()
        .filter_map(|name| std::env::var(name).ok())
        .find(|value| !value.is_empty())
        .map_or(Locale::En, |value| {
            if value.starts_with("ja") {
                Locale::Ja
            } else {
                Locale::En
            }
        })
}

fn log_filter(default: &str) -> String {
    std::env::var("RUST_LOG").unwrap_or_else(|_| default.to_owned())
}

fn runtime() -> Result<tokio::runtime::Runtime, String> {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| format!("Could not start the async runtime: {e}."))
}

fn serve(config: Option<&Path>) -> Result<(), String> {
    let settings = Settings::load(config).map_err(|e| e.to_string())?;
    let secrets = Secrets::from_env(settings.slack.mode).map_err(|e| e.to_string())?;
    telemetry::init(&log_filter("info"), settings.log_format);
    runtime()?.block_on(async {
        let app = Application::build(settings, secrets, Arc::new(SystemClock))
            .await
            .map_err(|e| format!("Could not start: {e:#}."))?;
        app.run_until(shutdown_signal())
            .await
            .map_err(|e| format!("Shutdown failed: {e:#}."))
    })
}

/// SIGINT (Ctrl-C) or SIGTERM (what Kubernetes and systemd send).
async fn shutdown_signal() {
    let interrupt = async {
        if tokio::signal::ctrl_c().await.is_err() {
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = interrupt => {}
        () = terminate => {}
    }
}

fn run_demo(locale: Option<&str>) -> Result<(), String> {
    let locale = match locale {
        Some(text) => {
            Locale::parse(text).ok_or_else(|| format!("--locale {text:?}: use en or ja."))?
        }
        // The demo needs no configuration, but speaks the configured language if there is one.
        None => Settings::locale_only(None).unwrap_or(Locale::En),
    };
    telemetry::init(&log_filter("warn"), LogFormat::Text);
    let mut out = std::io::stdout().lock();
    runtime()?
        .block_on(demo::run(locale, &mut out))
        .map_err(|e| format!("The demo failed: {e:#}."))
}

/// Refuses a command that would open the store directly as anyone but its owner (root,
/// say): files sled creates in it would then belong to another user and keep the bot
/// from writing. The store's contents are the owner's to read, nobody else's.
fn check_owner(settings: &Settings) -> Result<(), String> {
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

fn open_store(settings: &Settings) -> Result<Store, String> {
    check_owner(settings)?;
    Store::open_existing(&settings.store_path, settings.store_cache_bytes)
        .map_err(|e| e.to_string())
}

fn stats(config: Option<&Path>, as_json: bool) -> Result<(), String> {
    let settings = Settings::load(config).map_err(|e| e.to_string())?;
    let store = open_store(&settings)?;
    let t = store.tallies().map_err(|e| e.to_string())?;
    if as_json {
        let object = json!({
            "cases_total": t.cases_total,
            "cases_open": t.cases_open,
            "warnings": t.warnings,
            "refunds": t.refunds,
            "refund_total": t.refund_total,
            "currency": settings.currency,
            "terminations": t.terminations,
            "no_action": t.no_action,
            "customers_cut_off": t.customers_cut_off,
            "customer_count": settings.customer_count,
            "repeat_customers": t.repeat_customers,
            "cautions": t.cautions,
            "contact_restrictions": t.contact_restrictions,
            "suspensions": t.suspensions,
            "formal_requests": t.formal_requests,
            "police": t.police,
            "lawyer": t.lawyer,
        });
        println!("{object}");
    } else {
        let text =
            settings
                .locale
                .catalog()
                .tallies(&t, settings.customer_count, &settings.currency);
        // Slack's *bold* markers mean nothing in a terminal.
        println!("{}", text.replace('*', ""));
    }
    Ok(())
}

fn check_config(config: Option<&Path>) -> Result<(), String> {
    let settings = Settings::load(config).map_err(|e| e.to_string())?;
    Secrets::from_env(settings.slack.mode).map_err(|e| e.to_string())?;
    println!(
        "Configuration is valid: listening on {}, {}, store at {} (operations socket {}), \
         backups and exports under {}, cases go to {}, {} executive(s) paged in order, {} \
         manager(s), Slack Web API at {}, language {:?}, {}.",
        settings.bind,
        match settings.metrics_bind {
            Some(addr) => format!("/metrics and /readyz on {addr}"),
            None => "no /metrics or /readyz (server.metrics_bind is not set)".to_owned(),
        },
        settings.store_path.display(),
        operations::socket::socket_path(&settings.store_path).display(),
        settings.output_dir().display(),
        settings.slack.escalation_channel,
        settings.rules.roles.executives.len(),
        settings.rules.roles.managers.len(),
        settings.slack.api_url,
        settings.locale,
        match &settings.slack.stats_channel {
            Some(channel) => format!(
                "weekly report to {channel} on {:?} {} ({})",
                settings.report.schedule.weekday,
                settings.report.schedule.time.strftime("%H:%M"),
                settings.report.zone_name
            ),
            None => "no weekly report (slack.stats_channel is not set)".to_owned(),
        },
    );
    Ok(())
}

fn backup(config: Option<&Path>, dir: &Path) -> Result<(), String> {
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
            let body = serde_json::to_string(&request).map_err(|e| e.to_string())?;
            let answer = runtime()?.block_on(operations::socket::ask(
                &settings.store_path,
                operations::BACKUP_PATH,
                body,
            ))?;
            serde_json::from_str(&answer)
                .map_err(|_| format!("Unexpected answer from the bot: {answer}"))?
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

/// Opens the store for a command that reads the weekly figures, counted in the
/// configured zone; `None` when a running bot holds it.
fn open_for_report(settings: &Settings) -> Result<Option<Store>, String> {
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

fn report(config: Option<&Path>, week: Option<&str>, post: bool) -> Result<(), String> {
    let settings = Settings::load(config).map_err(|e| e.to_string())?;
    let now = jiff::Timestamp::now();
    let Some(store) = open_for_report(&settings)? else {
        let request = operations::ReportRequest {
            week: week.map(str::to_owned),
            post,
        };
        let body = serde_json::to_string(&request).map_err(|e| e.to_string())?;
        let answer = runtime()?.block_on(operations::socket::ask(
            &settings.store_path,
            operations::REPORT_PATH,
            body,
        ))?;
        print_report(&answer, post);
        return Ok(());
    };
    let week = operations::week_asked(&settings, week, now)?;
    if !post {
        print_report(
            &operations::report_text(&store, &settings, week, now)?,
            false,
        );
        return Ok(());
    }
    let token = std::env::var("SLACK_BOT_TOKEN")
        .ok()
        .filter(|t| !t.trim().is_empty())
        .ok_or("SLACK_BOT_TOKEN is not set: posting the report needs the bot token.")?;
    let slack = escalation_bot::slack::api::WebApi::new(
        &settings.slack.api_url,
        &config::Secret::new(token.trim()),
        settings.delivery.call_timeout,
        Arc::new(escalation_bot::metrics::Metrics::default()),
        Arc::new(escalation_bot::clock::SystemClock),
    );
    runtime()?.block_on(async {
        let cases =
            escalation_bot::jobs::report::post_now(&store, &slack, &settings, now, week).await?;
        let caller = operations::socket::Caller::this_process();
        operations::record_report_posted(&store, caller, week, cases, now).await
    })?;
    println!("Posted the report on {week}.");
    Ok(())
}

fn print_report(text: &str, posted: bool) {
    if posted {
        println!("{}", text.trim());
    } else {
        // Slack's *bold* markers mean nothing in a terminal.
        println!("{}", text.replace('*', ""));
    }
}

fn export(
    config: Option<&Path>,
    format: &str,
    since: Option<&str>,
    out: Option<&Path>,
) -> Result<(), String> {
    let settings = Settings::load(config).map_err(|e| e.to_string())?;
    let parsed =
        Format::parse(format).ok_or_else(|| format!("--format {format:?}: use csv or json."))?;
    let since_at = operations::since_asked(&settings, since)?;
    let Some(store) = open_for_report(&settings)? else {
        let Some(path) = out else {
            return Err(
                "The bot is running and writes the export itself: give a file with --out \
                 (a name inside operations.output_dir)."
                    .into(),
            );
        };
        let request = operations::ExportRequest {
            path: path.to_owned(),
            format: format.to_owned(),
            since: since.map(str::to_owned),
        };
        let body = serde_json::to_string(&request).map_err(|e| e.to_string())?;
        let answer = runtime()?.block_on(operations::socket::ask(
            &settings.store_path,
            operations::EXPORT_PATH,
            body,
        ))?;
        let done: operations::ExportDone = serde_json::from_str(&answer)
            .map_err(|_| format!("Unexpected answer from the bot: {answer}"))?;
        eprintln!("Exported {} cases to {}.", done.cases, done.path.display());
        return Ok(());
    };
    let caller = operations::socket::Caller::this_process();
    let now = jiff::Timestamp::now();
    match out {
        Some(path) => {
            let done = operations::export_file(&store, &settings, path, parsed, since_at)?;
            runtime()?.block_on(operations::record_export(
                &store,
                caller,
                Some(&done.path),
                parsed,
                since,
                done.cases,
                now,
            ))?;
            eprintln!("Exported {} cases to {}.", done.cases, done.path.display());
        }
        None => {
            let mut writer = std::io::stdout().lock();
            let zone = &settings.report.schedule.zone;
            let cases = export::write(
                &store,
                zone,
                &settings.currency,
                since_at,
                parsed,
                settings.locale.catalog(),
                &mut writer,
            )
            .map_err(|e| e.to_string())?;
            runtime()?.block_on(operations::record_export(
                &store, caller, None, parsed, since, cases, now,
            ))?;
            eprintln!("Exported {cases} cases.");
        }
    }
    Ok(())
}
