//! Fuzzes the decoding of what Slack posts to the bot (commands, interactivity payloads,
//! events): any bytes must decode or fail with an error, never panic.
#![no_main]

use escalation_bot::slack::payload::{Kind, decode};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((selector, body)) = data.split_first() else {
        return;
    };
    let kind = match selector % 3 {
        0 => Kind::Commands,
        1 => Kind::Interactivity,
        _ => Kind::Events,
    };
    let _ = decode(kind, body);
});
