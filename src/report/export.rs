//! Purpose: every case with its outcome and timeline, for audits: CSV that Excel opens
//! correctly with Japanese text (UTF-8 with a byte-order mark, CRLF), or JSON, in the
//! configured language (HR and legal read it). Streams case by case, so a million cases
//! need no more memory than one. After the cases come the entries of the audit log
//! outside cases (refusals before any case existed, backups, exports), one row each with
//! an empty `case` and the entry as its one timeline step, so a reader of either format
//! needs no second layout.

use std::io::Write;

use jiff::Timestamp;
use jiff::tz::TimeZone;
use serde::Serialize;

pub use crate::domain::export::Column;
use crate::domain::{Case, CaseState, Event, Notice, Stamp};
use crate::i18n::{Catalog, Recorded, recorded_or_as_is};
use crate::store::{LogEntry, Store, StoreError};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Csv,
    Json,
}

impl Format {
    pub fn parse(s: &str) -> Option<Format> {
        match s.trim().to_ascii_lowercase().as_str() {
            "csv" => Some(Format::Csv),
            "json" => Some(Format::Json),
            _ => None,
        }
    }

    /// As `--format` spells it.
    pub fn name(self) -> &'static str {
        match self {
            Format::Csv => "csv",
            Format::Json => "json",
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("could not write the export: {0}")]
    Write(#[from] std::io::Error),
    #[error("could not write the export: {0}")]
    Csv(#[from] csv::Error),
}

/// The CSV header row in the catalog's language.
pub fn headers(t: &dyn Catalog) -> [&'static str; 26] {
    Column::ALL.map(|c| t.column_name(c))
}

/// One case, flattened for auditors, in the configured language. Times are ISO 8601 in
/// the report's zone, with the offset, so they are unambiguous wherever the file is read.
/// The fields are in [`Column::ALL`] order and named by [`Column::key`] (but for
/// [`Column::TimelineIds`], which is the steps' `event_id`s).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Row {
    pub case: String,
    pub opened_at: String,
    pub customer: String,
    pub category: String,
    pub category_id: String,
    pub severity: String,
    pub source: String,
    pub reporter: String,
    pub reported_from: String,
    pub promise_failed: String,
    pub summary: String,
    pub evidence: String,
    pub state: String,
    pub taken_by: String,
    pub taken_at: String,
    pub outcome: String,
    pub outcome_id: String,
    pub refund_amount: String,
    pub currency: String,
    pub decided_by: String,
    pub decided_at: String,
    pub approved_by: String,
    pub approved_at: String,
    pub policy_version: String,
    pub timeline: Vec<Step>,
}

/// One entry of a case's audit log: `event` as people read it, `event_id` as programs do.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Step {
    pub at: String,
    pub event: String,
    pub event_id: String,
    pub by: String,
    pub detail: String,
}

fn time(at: Timestamp, zone: &TimeZone) -> String {
    at.to_zoned(zone.clone())
        .strftime("%Y-%m-%dT%H:%M:%S%:z")
        .to_string()
}

fn step(event: &Event, zone: &TimeZone, t: &dyn Catalog, currency: &str) -> Step {
    let (name, detail) = t.audit_event(event, currency);
    let (at, by) = match event {
        Event::Opened { by } | Event::Taken { by } => (by.at, by.by.to_string()),
        Event::Proposed { proposal } => (proposal.proposed.at, proposal.proposed.by.to_string()),
        Event::Rejected { by, .. }
        | Event::CustomerIdentified { by, .. }
        | Event::LegalAnswered { by, .. }
        | Event::FactsAdded { by, .. }
        | Event::SafetyAnswered { by, .. }
        | Event::CheckInAnswered { by, .. }
        | Event::ReporterKeptOff { by }
        | Event::PreventionRecorded { by, .. }
        | Event::Classified { by, .. } => (by.at, by.by.to_string()),
        Event::Closed { decision } => {
            let last = decision.final_stamp();
            (last.at, last.by.to_string())
        }
        // A refusal names who was refused; the rest is the bot's own doing, with no
        // person in the "by" column.
        Event::Notified {
            at,
            notice: Notice::Refused { by, .. },
        } => (*at, by.to_string()),
        Event::Notified { at, .. } => (*at, String::new()),
    };
    Step {
        at: time(at, zone),
        event: name.to_owned(),
        event_id: event.name().to_owned(),
        by,
        detail,
    }
}

impl Row {
    pub fn of(
        case: &Case,
        timeline: &[Event],
        zone: &TimeZone,
        currency: &str,
        t: &dyn Catalog,
    ) -> Row {
        let stamp_of = |s: Option<&Stamp>| {
            s.map_or((String::new(), String::new()), |s| {
                (s.by.to_string(), time(s.at, zone))
            })
        };
        let (taken_by, taken_at) = stamp_of(case.owner());
        let decision = match &case.state {
            CaseState::Closed { decision, .. } => Some(decision),
            _ => None,
        };
        let (decided_by, decided_at) = stamp_of(decision.map(|d| &d.decided));
        let (approved_by, approved_at) = stamp_of(decision.and_then(|d| d.approved.as_ref()));
        Row {
            case: case.id.to_string(),
            opened_at: time(case.opened_at, zone),
            customer: case
                .customer
                .as_ref()
                .map(ToString::to_string)
                .unwrap_or_default(),
            category: t.category_name(case.category).to_owned(),
            category_id: case.category.slug().to_owned(),
            severity: t.severity_name(case.severity).to_owned(),
            source: t.source_name(case.source).to_owned(),
            reporter: case.reporter.to_string(),
            reported_from: case
                .reported_from
                .as_ref()
                .map(ToString::to_string)
                .unwrap_or_default(),
            promise_failed: case
                .promise_failed
                .map(|p| t.promise_failed_name(p).to_owned())
                .unwrap_or_default(),
            summary: case.summary.clone(),
            evidence: case
                .evidence
                .as_ref()
                .and_then(|e| e.permalink.clone())
                .unwrap_or_default(),
            state: t.state_name(&case.state).to_owned(),
            taken_by,
            taken_at,
            outcome: decision
                .map(|d| t.outcome(d.outcome, currency))
                .unwrap_or_default(),
            outcome_id: decision.map(|d| d.outcome.slugs()).unwrap_or_default(),
            refund_amount: decision
                .and_then(|d| d.outcome.refund_amount())
                .map(|a| a.to_string())
                .unwrap_or_default(),
            currency: currency.to_owned(),
            decided_by,
            decided_at,
            approved_by,
            approved_at,
            policy_version: decision
                .map(|d| d.policy_version.clone())
                .unwrap_or_default(),
            timeline: timeline
                .iter()
                .map(|e| step(e, zone, t, currency))
                .collect(),
        }
    }

    /// An entry of the audit log outside cases: no case, and the entry (when, what, who,
    /// its details) as the only step of its timeline. The store writes the entry with
    /// names for programs (`not-staff`, `path=reaction`), knowing no catalog; here they
    /// become the configured language's words, and the entry's own name is the step's
    /// `event_id`.
    pub fn of_log(entry: &LogEntry, zone: &TimeZone, t: &dyn Catalog) -> Row {
        Row {
            case: String::new(),
            opened_at: String::new(),
            customer: String::new(),
            category: String::new(),
            category_id: String::new(),
            severity: String::new(),
            source: String::new(),
            reporter: String::new(),
            reported_from: String::new(),
            promise_failed: String::new(),
            summary: String::new(),
            evidence: String::new(),
            state: String::new(),
            taken_by: String::new(),
            taken_at: String::new(),
            outcome: String::new(),
            outcome_id: String::new(),
            refund_amount: String::new(),
            currency: String::new(),
            decided_by: String::new(),
            decided_at: String::new(),
            approved_by: String::new(),
            approved_at: String::new(),
            policy_version: String::new(),
            timeline: vec![Step {
                at: time(entry.at, zone),
                event: recorded_or_as_is(t, Recorded::LogEntry(&entry.what)),
                event_id: entry.what.clone(),
                by: entry.who.clone(),
                detail: log_details(entry, t),
            }],
        }
    }

    /// The CSV cells, in [`Column::ALL`] order; the timeline is one cell, a line a step.
    pub fn cells(&self, t: &dyn Catalog) -> [String; 26] {
        let timeline = self
            .timeline
            .iter()
            .map(|s| t.timeline_line(&s.at, &s.event, &s.by, &s.detail))
            .collect::<Vec<_>>()
            .join("\n");
        let ids = self
            .timeline
            .iter()
            .map(|s| s.event_id.as_str())
            .collect::<Vec<_>>()
            .join("\n");
        [
            &self.case,
            &self.opened_at,
            &self.customer,
            &self.category,
            &self.category_id,
            &self.severity,
            &self.source,
            &self.reporter,
            &self.reported_from,
            &self.promise_failed,
            &self.summary,
            &self.evidence,
            &self.state,
            &self.taken_by,
            &self.taken_at,
            &self.outcome,
            &self.outcome_id,
            &self.refund_amount,
            &self.currency,
            &self.decided_by,
            &self.decided_at,
            &self.approved_by,
            &self.approved_at,
            &self.policy_version,
            &timeline,
            &ids,
        ]
        .map(|cell| defuse(cell))
    }
}

/// An entry's details as people read them: each name in the configured language, and
/// each value that is one of the bot's own names (a path, a reason, an action) too;
/// the rest (case ids, files, counts, weeks) as recorded.
fn log_details(entry: &LogEntry, t: &dyn Catalog) -> String {
    let what = entry.what.as_str();
    let details: Vec<(String, String)> = entry
        .details
        .iter()
        .map(|(name, value)| {
            let v = value.as_str();
            let value = match (what, name.as_str()) {
                ("not-staff", "path") => recorded_or_as_is(t, Recorded::Path(v)),
                ("not-staff", "reason") => recorded_or_as_is(t, Recorded::NotStaff(v)),
                ("refused", "action") => recorded_or_as_is(t, Recorded::Action(v)),
                ("refused", "reason") => recorded_or_as_is(t, Recorded::RefusalReason(v)),
                (_, "path" | "reason") => recorded_or_as_is(t, Recorded::Value(v)),
                // As people write a file format: CSV, JSON.
                (_, "format") => v.to_ascii_uppercase(),
                _ => value.clone(),
            };
            let name = recorded_or_as_is(t, Recorded::Detail { what, name });
            (name, value)
        })
        .collect();
    t.log_details(&details)
}

/// Text a person typed (a summary, a customer id) that starts like a formula would run as
/// one when the file is opened in a spreadsheet ("CSV injection"): a leading apostrophe
/// makes it text, which spreadsheets then hide.
pub fn defuse(cell: &str) -> String {
    if cell.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{cell}")
    } else {
        cell.to_owned()
    }
}

/// Writes every case opened at or after `since` (all when `None`), in case order, then
/// the entries of the audit log outside cases written at or after `since`, in the order
/// they were written. Returns how many cases (the log's rows are not counted).
pub fn write(
    store: &Store,
    zone: &TimeZone,
    currency: &str,
    since: Option<Timestamp>,
    format: Format,
    t: &dyn Catalog,
    out: &mut dyn Write,
) -> Result<usize, ExportError> {
    // Every case once, even while the bot archives.
    let _steady = store.hold_archive();
    let rows = store.cases_with_timelines().filter_map(|c| match c {
        Ok((case, _)) if since.is_some_and(|s| case.opened_at < s) => None,
        Ok((case, timeline)) => Some(Ok(Row::of(&case, &timeline, zone, currency, t))),
        Err(e) => Some(Err(e)),
    });
    let log = store.log_entries().filter_map(|e| match e {
        Ok(entry) if since.is_some_and(|s| entry.at < s) => None,
        Ok(entry) => Some(Ok(Row::of_log(&entry, zone, t))),
        Err(e) => Some(Err(e)),
    });
    let mut count = 0;
    let mut written = 0;
    match format {
        Format::Csv => {
            // The byte-order mark is how Excel knows the file is UTF-8.
            out.write_all("\u{feff}".as_bytes())?;
            let mut csv = csv::WriterBuilder::new()
                .terminator(csv::Terminator::CRLF)
                .from_writer(out);
            csv.write_record(headers(t))?;
            for row in rows {
                csv.write_record(row?.cells(t))?;
                count += 1;
            }
            for row in log {
                csv.write_record(row?.cells(t))?;
            }
            csv.flush()?;
        }
        Format::Json => {
            out.write_all(b"[")?;
            for row in rows {
                if written > 0 {
                    out.write_all(b",")?;
                }
                out.write_all(b"\n")?;
                serde_json::to_writer(&mut *out, &row?).map_err(std::io::Error::from)?;
                count += 1;
                written += 1;
            }
            for row in log {
                if written > 0 {
                    out.write_all(b",")?;
                }
                out.write_all(b"\n")?;
                serde_json::to_writer(&mut *out, &row?).map_err(std::io::Error::from)?;
                written += 1;
            }
            out.write_all(b"\n]\n")?;
            out.flush()?;
        }
    }
    Ok(count)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formula_like_text_is_defused_and_other_text_left_alone() {
        assert_eq!(defuse("=HYPERLINK(\"x\")"), "'=HYPERLINK(\"x\")");
        assert_eq!(defuse("-1"), "'-1");
        assert_eq!(defuse("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(defuse("返金してください"), "返金してください");
        assert_eq!(defuse(""), "");
    }

    #[test]
    fn times_carry_the_zone_offset() {
        let at: Timestamp = "2026-11-16T00:30:00Z".parse().unwrap();
        let tokyo = TimeZone::get("Asia/Tokyo").unwrap();
        assert_eq!(time(at, &tokyo), "2026-11-16T09:30:00+09:00");
        assert_eq!(time(at, &TimeZone::UTC), "2026-11-16T00:30:00+00:00");
    }

    #[tokio::test]
    async fn the_log_outside_cases_follows_the_cases_in_both_formats() {
        use crate::domain::case::tests::{policy, roles};
        use crate::domain::{Category, CustomerId, NewCase, PagingPolicy, Rules, Source, UserId};
        use crate::i18n::Locale;
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&dir.path().join("s"), 1 << 20).unwrap();
        let at: Timestamp = "2026-11-16T00:30:00Z".parse().unwrap();
        let rules = Rules {
            roles: roles(),
            policy: policy(),
            paging: PagingPolicy::default(),
        };
        let new = NewCase {
            customer: CustomerId::parse("cust-1"),
            category: Category::Threat,
            severity: None,
            promise_failed: None,
            summary: "s".into(),
            reporter: UserId::parse("U0AGENT1").unwrap(),
            reported_from: None,
            evidence: None,
            source: Source::Command,
            facts: Default::default(),
        };
        store.open_case(new, at, &rules, None).await.unwrap();
        store
            .log(
                &LogEntry::new(at, "U0GUEST", "not-staff")
                    .with("path", "reaction")
                    .with("reason", "guest"),
            )
            .await
            .unwrap();
        let zone = TimeZone::get("Asia/Tokyo").unwrap();
        let t = Locale::En.catalog();

        let mut csv_bytes = Vec::new();
        let cases = write(&store, &zone, "JPY", None, Format::Csv, t, &mut csv_bytes).unwrap();
        assert_eq!(cases, 1, "the count is of cases");
        let text = String::from_utf8(csv_bytes[3..].to_vec()).unwrap();
        let mut reader = csv::Reader::from_reader(text.as_bytes());
        let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
        assert_eq!(rows.len(), 2);
        assert_eq!(&rows[0][0], "ESC-1");
        assert_eq!(&rows[1][0], "", "no case");
        let timeline = Column::ALL.len() - 2;
        assert_eq!(
            &rows[1][timeline],
            "2026-11-16T09:30:00+09:00 refused someone not on the staff by U0GUEST: where: a \
             reaction; reason: a multi-channel guest"
        );
        assert_eq!(&rows[1][timeline + 1], "not-staff", "the id, for programs");
        assert_eq!(&rows[0][timeline + 1], "opened");

        let mut json_bytes = Vec::new();
        write(&store, &zone, "JPY", None, Format::Json, t, &mut json_bytes).unwrap();
        let rows: serde_json::Value = serde_json::from_slice(&json_bytes).unwrap();
        let log = &rows.as_array().unwrap()[1];
        assert_eq!(log["case"], "");
        assert_eq!(
            log["timeline"][0]["event"],
            "refused someone not on the staff"
        );
        assert_eq!(log["timeline"][0]["event_id"], "not-staff");
        assert_eq!(log["timeline"][0]["by"], "U0GUEST");

        let later = Some("2026-11-17T00:00:00Z".parse().unwrap());
        let mut none = Vec::new();
        write(&store, &zone, "JPY", later, Format::Json, t, &mut none).unwrap();
        let rows: serde_json::Value = serde_json::from_slice(&none).unwrap();
        assert_eq!(
            rows.as_array().unwrap().len(),
            0,
            "--since applies to the log too"
        );
    }

    /// Every kind of entry the log outside cases holds, and the refusals and failed
    /// deliveries on a case's trail, with what the code that writes them puts in them.
    fn log_entries(at: Timestamp) -> Vec<LogEntry> {
        vec![
            LogEntry::new(at, "U0GUEST", "not-staff")
                .with("path", "reaction")
                .with("reason", "guest")
                .with("case", "ESC-1"),
            LogEntry::new(at, "U0AGENT1", "refused")
                .with("case", "ESC-1")
                .with("action", "take")
                .with("reason", "not-executive-or-manager"),
            LogEntry::new(at, "uid 1000", "backup")
                .with("pid", "42")
                .with("path", "/srv/out/backup-1")
                .with("cases", "12")
                .with("records", "340"),
            LogEntry::new(at, "uid 1000", "export")
                .with("pid", "42")
                .with("path", "standard output")
                .with("format", "csv")
                .with("cases", "12")
                .with("since", "2026-11-01"),
            LogEntry::new(at, "uid 1000", "report-posted")
                .with("pid", "42")
                .with("week", "2026-W47")
                .with("cases", "3"),
            LogEntry::new(at, "uid 1001", "operations-refused")
                .with("pid", "43")
                .with("reason", "not the bot's user"),
        ]
    }

    /// A word of ASCII letters joined by `-` or `_` (`not-staff`, `channel_not_found`),
    /// or a lone English word: what a Japanese reader should not meet outside ids.
    fn slugs(text: &str) -> Vec<&str> {
        text.split(|c: char| !(c.is_ascii_alphanumeric() || c == '-' || c == '_'))
            .filter(|w| w.chars().any(|c| c.is_ascii_lowercase()))
            .collect()
    }

    #[test]
    fn japanese_export_names_log_entries_refusals_and_failed_deliveries_in_japanese() {
        use crate::domain::{Notice, UserId};
        use crate::i18n::Locale;
        let t = Locale::Ja.catalog();
        let zone = TimeZone::get("Asia/Tokyo").unwrap();
        let at: Timestamp = "2026-11-16T00:30:00Z".parse().unwrap();
        for entry in log_entries(at) {
            let row = Row::of_log(&entry, &zone, t);
            let step = &row.timeline[0];
            assert_eq!(step.event_id, entry.what, "the id stays for programs");
            assert_eq!(slugs(&step.event), Vec::<&str>::new(), "{}", step.event);
            // Files and weeks are ids; nothing else in the details is English.
            let detail = step.detail.replace("/srv/out/backup-1", "");
            assert_eq!(slugs(&detail), Vec::<&str>::new(), "{}", step.detail);
            let cells = row.cells(t);
            assert_eq!(cells[Column::ALL.len() - 1], entry.what);
        }
        let refused = Event::Notified {
            notice: Notice::Refused {
                by: UserId::parse("U0AGENT1").unwrap(),
                action: "take".into(),
                reason: "not-executive-or-manager".into(),
            },
            at,
        };
        let step = step(&refused, &zone, t, "JPY");
        assert_eq!(step.event_id, "refused");
        assert_eq!(step.detail, "担当、理由：責任者にもマネージャーにも未登録");
        for (what, reason, expected) in [
            (
                "page",
                "gave up after 5 attempts: HTTP 500",
                "呼び出し、5回試みて断念、最後のエラーは HTTP 500",
            ),
            (
                "post-card",
                "channel_not_found",
                "案件カードの投稿、エラー channel_not_found",
            ),
            (
                "thread-note",
                "the case card was never posted",
                "スレッドへの記録、案件カードが投稿されていない",
            ),
        ] {
            let undelivered = Event::Notified {
                notice: Notice::Undelivered {
                    what: what.into(),
                    reason: reason.into(),
                },
                at,
            };
            let (name, detail) = t.audit_event(&undelivered, "JPY");
            assert_eq!(name, "配信失敗");
            assert_eq!(detail, expected);
        }
    }

    #[test]
    fn every_name_the_bot_records_has_words_in_both_languages() {
        use crate::domain::{Action, NotStaff, Outcome};
        use crate::i18n::Locale;
        let actions = [
            Action::Take,
            Action::Decide(Outcome::only(crate::domain::Measure::Warning)),
            Action::Approve { proposal: None },
            Action::Reject { proposal: None },
            Action::IdentifyCustomer(crate::domain::CustomerId::parse("c").unwrap()),
        ]
        .map(|a| a.name());
        let at: Timestamp = "2026-11-16T00:30:00Z".parse().unwrap();
        for locale in [Locale::En, Locale::Ja] {
            let t = locale.catalog();
            let known = |r: Recorded<'_>| assert!(t.recorded(r).is_some(), "{locale:?} {r:?}");
            for a in actions.into_iter().chain(["classify"]) {
                known(Recorded::Action(a));
            }
            for r in crate::domain::Refusal::RIGHTS {
                known(Recorded::RefusalReason(r));
            }
            for n in NotStaff::ALL {
                known(Recorded::NotStaff(n.slug()));
            }
            for p in crate::staff::Path::ALL {
                known(Recorded::Path(p.slug()));
            }
            for e in crate::domain::Effect::NAMES {
                known(Recorded::Delivery(e));
            }
            for entry in log_entries(at) {
                known(Recorded::LogEntry(&entry.what));
                for name in entry.details.keys() {
                    known(Recorded::Detail {
                        what: &entry.what,
                        name,
                    });
                }
            }
        }
    }

    #[test]
    fn formats_parse() {
        assert_eq!(Format::parse("CSV"), Some(Format::Csv));
        assert_eq!(Format::parse("json"), Some(Format::Json));
        assert_eq!(Format::parse("xlsx"), None);
    }
}
