//! Fuzzes the `/escalate` text parser: any text must parse without panicking, and what it
//! calls the customer, category and description must come from the text itself.
#![no_main]

use escalation_bot::handlers::command::{Request, parse};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|text: &str| {
    match parse(text) {
        Request::Open {
            customer,
            category,
            summary,
        } => {
            assert!(!customer.is_empty() && text.contains(customer));
            if let Some(category) = category {
                assert!(text.contains(category));
            }
            assert!(text.contains(summary));
        }
        Request::History {
            customer: Some(customer),
            page,
        } => {
            assert!(text.contains(customer));
            if let Some(page) = page {
                assert!(text.contains(page));
            }
        }
        Request::Form => assert!(text.trim().is_empty()),
        // What the desk is asked about comes from the text, after the word `consult`.
        Request::Consult { text: asked } => assert!(text.contains(asked)),
        Request::Compliance { from, to } => {
            for day in [from, to].into_iter().flatten() {
                assert!(text.contains(day));
            }
        }
        Request::Help | Request::Stats | Request::Policy | Request::PolicyRemind => {}
        Request::History {
            customer: None,
            page,
        } => assert!(page.is_none()),
    }
});
