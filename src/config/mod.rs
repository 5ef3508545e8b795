//! Purpose: the bot's settings (see settings.rs). This commit only moves the file; the
//! raw file format and the secrets follow in their own files.

mod settings;

pub use settings::*;
