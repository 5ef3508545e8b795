//! Purpose: what the bot counts about itself, and `/metrics` in Prometheus' text format:
//! requests and acknowledgement latency by endpoint, Slack Web API calls and errors by
//! method, pages sent, the outbox's depth and oldest entry, cases by state. Hand-written
//! exposition: a handful of counters and one histogram do not need a metrics framework.

use std::collections::BTreeMap;
use std::fmt::Write;
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, AtomicI64, AtomicU64, Ordering};
use std::time::Duration;

use crate::store::Store;

/// Upper bounds of the acknowledgement latency buckets, in seconds.
const BUCKETS: [f64; 12] = [
    0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 3.0,
];

#[derive(Default)]
struct Histogram {
    counts: [u64; BUCKETS.len()],
    count: u64,
    sum: f64,
}

#[derive(Default)]
pub struct Metrics {
    /// (endpoint, status) -> requests.
    requests: Mutex<BTreeMap<(&'static str, u16), u64>>,
    latency: Mutex<BTreeMap<&'static str, Histogram>>,
    /// method -> (calls, errors).
    slack_calls: Mutex<BTreeMap<String, (u64, u64)>>,
    /// (path, reason) -> requests or deliveries refused: people who are not staff, and
    /// actions a person has no right to.
    refused: Mutex<BTreeMap<(&'static str, &'static str), u64>>,
    pages_sent: AtomicU64,
    deliveries: AtomicU64,
    dead_letters: AtomicU64,
    delivery_panics: AtomicU64,
    /// Set while the delivery worker's loop runs: part of readiness.
    pub worker_running: AtomicBool,
    /// When the delivery worker last finished a delivery or found nothing to do
    /// (milliseconds since the epoch, on the bot's clock): part of readiness.
    worker_progress_ms: AtomicI64,
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

impl Metrics {
    /// The delivery worker moved on (see `worker_stalled`).
    pub fn progress(&self, at: jiff::Timestamp) {
        self.worker_progress_ms
            .store(at.as_millisecond(), Ordering::Relaxed);
    }

    /// Whether the delivery worker has gone `limit` without progress at `now`: every
    /// delivery it started is hung, or its loop no longer turns.
    pub fn worker_stalled(&self, now: jiff::Timestamp, limit: jiff::SignedDuration) -> bool {
        let last = self.worker_progress_ms.load(Ordering::Relaxed);
        now.as_millisecond().saturating_sub(last) > limit.as_millis() as i64
    }

    pub fn delivery_panicked(&self) {
        self.delivery_panics.fetch_add(1, Ordering::Relaxed);
    }

    pub fn request(&self, endpoint: &'static str, status: u16, took: Duration) {
        *lock(&self.requests).entry((endpoint, status)).or_default() += 1;
        let seconds = took.as_secs_f64();
        let mut latency = lock(&self.latency);
        let histogram = latency.entry(endpoint).or_default();
        for (i, bound) in BUCKETS.iter().enumerate() {
            if seconds <= *bound {
                histogram.counts[i] += 1;
            }
        }
        histogram.count += 1;
        histogram.sum += seconds;
    }

    pub fn slack_call(&self, method: &str, ok: bool) {
        let mut calls = lock(&self.slack_calls);
        let entry = calls.entry(method.to_owned()).or_default();
        entry.0 += 1;
        if !ok {
            entry.1 += 1;
        }
    }

    /// Something was refused: `path` is where (a reaction, a button, a page), `reason`
    /// why (a guest, another workspace, the reporter's own case).
    pub fn refused(&self, path: &'static str, reason: &'static str) {
        *lock(&self.refused).entry((path, reason)).or_default() += 1;
    }

    pub fn page_sent(&self) {
        self.pages_sent.fetch_add(1, Ordering::Relaxed);
    }

    pub fn delivered(&self) {
        self.deliveries.fetch_add(1, Ordering::Relaxed);
    }

    pub fn dead_letter(&self) {
        self.dead_letters.fetch_add(1, Ordering::Relaxed);
    }

    /// The exposition text, with the store's gauges read now.
    pub fn render(&self, store: &Store, now: jiff::Timestamp) -> String {
        let mut out = String::from(
            "# HELP escalation_bot_cases Cases by state.\n# TYPE escalation_bot_cases gauge\n",
        );
        let tallies = store.tallies().unwrap_or_default();
        for (state, n) in [
            ("waiting", tallies.waiting()),
            ("taken", tallies.taken),
            ("proposed", tallies.proposed),
            (
                "closed",
                tallies.cases_total.saturating_sub(tallies.cases_open),
            ),
        ] {
            let _ = writeln!(out, "escalation_bot_cases{{state=\"{state}\"}} {n}");
        }
        let counters = [
            (
                "escalation_bot_pages_sent_total",
                "Pages delivered to executives.",
                &self.pages_sent,
            ),
            (
                "escalation_bot_deliveries_total",
                "Outbox entries delivered to Slack.",
                &self.deliveries,
            ),
            (
                "escalation_bot_dead_letters_total",
                "Outbox entries set aside as undeliverable.",
                &self.dead_letters,
            ),
            (
                "escalation_bot_delivery_panics_total",
                "Deliveries that failed with a bug (a panic), each counted as a failed attempt.",
                &self.delivery_panics,
            ),
        ];
        for (name, help, value) in counters {
            let _ = writeln!(
                out,
                "# HELP {name} {help}\n# TYPE {name} counter\n{name} {}",
                value.load(Ordering::Relaxed)
            );
        }
        let oldest = store
            .outbox_oldest()
            .ok()
            .flatten()
            .map_or(0.0, |at| now.duration_since(at).as_secs_f64().max(0.0));
        let _ = writeln!(
            out,
            "# HELP escalation_bot_outbox_depth Slack deliveries waiting.\n\
             # TYPE escalation_bot_outbox_depth gauge\nescalation_bot_outbox_depth {}\n\
             # HELP escalation_bot_outbox_oldest_seconds Age of the oldest waiting delivery.\n\
             # TYPE escalation_bot_outbox_oldest_seconds gauge\n\
             escalation_bot_outbox_oldest_seconds {oldest:.3}",
            store.outbox_len()
        );
        let (durable_writes, flushes) = store.flush_counts();
        let _ = writeln!(
            out,
            "# HELP escalation_bot_store_durable_writes_total Writes that waited to be on disk.\n\
             # TYPE escalation_bot_store_durable_writes_total counter\n\
             escalation_bot_store_durable_writes_total {durable_writes}\n\
             # HELP escalation_bot_store_flushes_total Flushes to disk (sled flush and fdatasync); \
             concurrent writes share one.\n\
             # TYPE escalation_bot_store_flushes_total counter\n\
             escalation_bot_store_flushes_total {flushes}"
        );
        let _ = writeln!(
            out,
            "# HELP escalation_bot_slack_calls_total Slack Web API calls by method.\n\
             # TYPE escalation_bot_slack_calls_total counter"
        );
        let calls = lock(&self.slack_calls);
        for (method, (n, _)) in calls.iter() {
            let _ = writeln!(
                out,
                "escalation_bot_slack_calls_total{{method=\"{method}\"}} {n}"
            );
        }
        let _ = writeln!(
            out,
            "# HELP escalation_bot_slack_errors_total Failed Slack Web API calls by method.\n\
             # TYPE escalation_bot_slack_errors_total counter"
        );
        for (method, (_, errors)) in calls.iter() {
            let _ = writeln!(
                out,
                "escalation_bot_slack_errors_total{{method=\"{method}\"}} {errors}"
            );
        }
        drop(calls);
        let _ = writeln!(
            out,
            "# HELP escalation_bot_refused_total Refused by where and why: people who are not \
             staff (silently), and actions nobody in that role may take.\n\
             # TYPE escalation_bot_refused_total counter"
        );
        for ((path, reason), n) in lock(&self.refused).iter() {
            let _ = writeln!(
                out,
                "escalation_bot_refused_total{{path=\"{path}\",reason=\"{reason}\"}} {n}"
            );
        }
        let _ = writeln!(
            out,
            "# HELP escalation_bot_requests_total Requests from Slack by endpoint and status.\n\
             # TYPE escalation_bot_requests_total counter"
        );
        for ((endpoint, status), n) in lock(&self.requests).iter() {
            let _ = writeln!(
                out,
                "escalation_bot_requests_total{{endpoint=\"{endpoint}\",status=\"{status}\"}} {n}"
            );
        }
        let _ = writeln!(
            out,
            "# HELP escalation_bot_ack_seconds Time to answer Slack, by endpoint.\n\
             # TYPE escalation_bot_ack_seconds histogram"
        );
        for (endpoint, h) in lock(&self.latency).iter() {
            for (i, bound) in BUCKETS.iter().enumerate() {
                let _ = writeln!(
                    out,
                    "escalation_bot_ack_seconds_bucket{{endpoint=\"{endpoint}\",le=\"{bound}\"}} {}",
                    h.counts[i]
                );
            }
            let _ = writeln!(
                out,
                "escalation_bot_ack_seconds_bucket{{endpoint=\"{endpoint}\",le=\"+Inf\"}} {c}\n\
                 escalation_bot_ack_seconds_sum{{endpoint=\"{endpoint}\"}} {:.6}\n\
                 escalation_bot_ack_seconds_count{{endpoint=\"{endpoint}\"}} {c}",
                h.sum,
                c = h.count
            );
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn latency_buckets_are_cumulative() {
        let metrics = Metrics::default();
        metrics.request("commands", 200, Duration::from_micros(800));
        metrics.request("commands", 200, Duration::from_millis(20));
        let latency = lock(&metrics.latency);
        let h = &latency["commands"];
        assert_eq!(h.counts[0], 0, "≤ 0.5 ms");
        assert_eq!(h.counts[1], 1, "≤ 1 ms");
        assert_eq!(h.counts[5], 2, "≤ 25 ms");
        assert_eq!(h.count, 2);
    }
}
