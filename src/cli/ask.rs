//! Purpose: the command line's client of a running bot: when the bot holds the store
//! (sled lets one process open it), `backup`, `report` and `export` ask it through its
//! operations socket, a private Unix socket in the store's directory
//! (`escalation_bot::operations::socket`), instead of opening the store themselves.

use escalation_bot::config::Settings;
use escalation_bot::operations;
use serde::Serialize;
use serde::de::DeserializeOwned;

use super::runtime;

/// Sends `request` (as JSON) to the running bot's operation at `path`; its answer as sent.
pub fn ask(settings: &Settings, path: &str, request: &impl Serialize) -> Result<String, String> {
    let body = serde_json::to_string(request).map_err(|e| e.to_string())?;
    runtime()?.block_on(operations::socket::ask(&settings.store_path, path, body))
}

/// Like `ask`, for an operation that answers with JSON.
pub fn ask_for<T: DeserializeOwned>(
    settings: &Settings,
    path: &str,
    request: &impl Serialize,
) -> Result<T, String> {
    let answer = ask(settings, path, request)?;
    serde_json::from_str(&answer).map_err(|_| format!("Unexpected answer from the bot: {answer}"))
}
