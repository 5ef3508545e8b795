//! Purpose: `escalation-bot serve`: the bot itself, until SIGTERM or Ctrl-C.

use std::path::Path;
use std::sync::Arc;

use escalation_bot::app::Application;
use escalation_bot::clock::SystemClock;
use escalation_bot::config::{Secrets, Settings};
use escalation_bot::telemetry;

use super::{log_filter, runtime};

pub fn run(config: Option<&Path>) -> Result<(), String> {
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
