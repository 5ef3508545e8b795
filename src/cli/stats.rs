//! Purpose: `escalation-bot stats`: the tallies, read from a stopped bot's store.

use std::path::Path;

use escalation_bot::config::Settings;
use serde_json::json;

use super::store::open_store;

pub fn run(config: Option<&Path>, as_json: bool) -> Result<(), String> {
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
