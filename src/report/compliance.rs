//! Purpose: the compliance report (issue 14): what the company did about customer
//! harassment over a period, in the five groups of measures of the MHLW guideline, as
//! Markdown (a file or a terminal), CSV (a spreadsheet), JSON (a program) or a Slack
//! message (`/escalate compliance`, with the monthly numbers as data tables).
//!
//! Where the numbers come from: every case with its timeline (live and archived: the
//! months of a period are not the weekly aggregates' weeks, and the report needs the
//! checks, the prevention notes and the check-ins, which no aggregate keeps), every
//! consultation, the acknowledgements of the policy in force, the audit log outside
//! cases, the configuration in force, and the staff as Slack lists them when it can be
//! asked (the caller's call). One walk, like the audit export's; README,
//! "The compliance report", says how long it takes on a big store.

use std::io::Write;

use jiff::Timestamp;
use slack_morphism::prelude::{SlackBlock, SlackMessageContent};

use super::export::defuse;
use crate::config::Settings;
use crate::domain::compliance::{
    Compliance, Gathering, Period, Row, RulesInForce, Staff, Standing,
};
use crate::domain::{Category, Measure, Step};
use crate::i18n::{Catalog, Markup};
use crate::render::charts;
use crate::store::{Store, StoreError};

/// How the report is written (`--format`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Markdown,
    Csv,
    Json,
}

impl Format {
    pub fn parse(s: &str) -> Option<Format> {
        match s.trim().to_ascii_lowercase().as_str() {
            "md" | "markdown" => Some(Format::Markdown),
            "csv" => Some(Format::Csv),
            "json" => Some(Format::Json),
            _ => None,
        }
    }

    /// As `--format` spells it.
    pub fn name(self) -> &'static str {
        match self {
            Format::Markdown => "md",
            Format::Csv => "csv",
            Format::Json => "json",
        }
    }
}

/// The report, gathered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ComplianceReport {
    pub figures: Compliance,
}

impl ComplianceReport {
    /// Gathers the report on `period` from the store and the configuration in force, as
    /// of `now`, with the staff Slack listed (`operations::staff`). Reads every case once
    /// (holding the archive still meanwhile, as the export does), then the
    /// consultations, the acknowledgements and the audit log. Blocking.
    pub fn gather(
        store: &Store,
        settings: &Settings,
        period: Period,
        now: Timestamp,
        staff: Staff,
    ) -> Result<ComplianceReport, StoreError> {
        let zone = &settings.report.schedule.zone;
        let mut gathering = Gathering::new(period, zone);
        {
            let _steady = store.hold_archive();
            for case in store.cases_with_timelines() {
                let (case, timeline) = case?;
                gathering.case(&case, &timeline);
            }
        }
        for consultation in store.consultations() {
            gathering.consultation(&consultation?);
        }
        let version = &settings.rules.policy.version;
        for ack in store.policy_acknowledgements(version)? {
            gathering.acknowledgement(&ack.user, ack.at);
        }
        for entry in store.log_entries() {
            let entry = entry?;
            gathering.log_entry(&entry.what, entry.at);
        }
        let rules = &settings.rules;
        let standing = Standing {
            zone: settings.report.zone_name.clone(),
            made_at: now,
            policy_version: version.clone(),
            document_url: settings.policy_url.clone(),
            desk_members: distinct(&rules.roles.desk.members),
            desk_channel: settings.slack.consultation_channel.is_some(),
            currency: settings.currency.clone(),
            rules: RulesInForce::of(&rules.roles, &rules.policy, &rules.paging),
            retention: settings.retention.name(),
            check_in_after: rules.paging.check_in_after,
            staff,
        };
        Ok(ComplianceReport {
            figures: gathering.finish(standing),
        })
    }

    /// The report as Markdown: its text, then the monthly tables.
    pub fn markdown(&self, t: &dyn Catalog) -> String {
        let mut out = t.compliance_report(&self.figures, Markup::Markdown);
        for table in self.tables(t) {
            out.push('\n');
            out.push_str(&Markup::Markdown.heading(&table.caption));
            out.push_str("\n\n");
            let row = |cells: Vec<String>| format!("| {} |\n", cells.join(" | "));
            out.push_str(&row(table.header.clone()));
            let rule: Vec<String> = (0..table.header.len())
                .map(|i| if i == 0 { "---" } else { "---:" }.to_owned())
                .collect();
            out.push_str(&row(rule));
            for (label, numbers) in &table.rows {
                let cells = std::iter::once(label.clone())
                    .chain(numbers.iter().map(u64::to_string))
                    .collect();
                out.push_str(&row(cells));
            }
        }
        out
    }

    /// The report as a Slack message: its text in sections, then (with `tables`) the
    /// monthly tables as Block Kit data tables (`render::charts::data_table`, within
    /// Slack's limits).
    pub fn message(&self, t: &dyn Catalog, tables: bool) -> SlackMessageContent {
        let text = t.compliance_report(&self.figures, Markup::Slack);
        let mut blocks: Vec<SlackBlock> = super::sections(&text);
        for table in self.tables(t).into_iter().filter(|_| tables) {
            blocks.push(charts::data_table(
                &table.caption,
                &table.header,
                &table.rows,
            ));
        }
        SlackMessageContent::new()
            .with_text(text)
            .with_blocks(blocks)
    }

    /// The report as JSON: `domain::compliance::Compliance`'s keys, in English whatever
    /// the language (for programs, like the export's).
    pub fn json(&self) -> String {
        let mut json = serde_json::to_string_pretty(&self.figures).expect("the report serializes");
        json.push('\n');
        json
    }

    /// The report as CSV, for a spreadsheet: a byte-order mark and CRLF (Excel reads
    /// Japanese then), a header row in the configured language, and a row per figure
    /// (`Compliance::rows`): its group of the guideline, its id, month and key, its name
    /// in the configured language, its value.
    pub fn write_csv(&self, t: &dyn Catalog, out: &mut dyn Write) -> std::io::Result<()> {
        out.write_all("\u{feff}".as_bytes())?;
        let mut csv = csv::WriterBuilder::new()
            .terminator(csv::Terminator::CRLF)
            .from_writer(out);
        csv.write_record(t.compliance_csv_headers())?;
        for row in self.figures.rows() {
            let detail = detail(&row, t);
            let name = t
                .compliance_item(row.item, detail.as_deref())
                .unwrap_or_else(|| row.item.to_owned());
            csv.write_record([
                row.section.to_string(),
                row.item.to_owned(),
                row.month.map(|m| m.to_string()).unwrap_or_default(),
                defuse(row.key.as_deref().unwrap_or_default()),
                name,
                defuse(&row.value),
            ])?;
        }
        csv.flush()
    }

    /// The report in `format`, in the catalog's language.
    pub fn write(
        &self,
        format: Format,
        t: &dyn Catalog,
        out: &mut dyn Write,
    ) -> std::io::Result<()> {
        match format {
            Format::Markdown => out.write_all(self.markdown(t).as_bytes()),
            Format::Json => out.write_all(self.json().as_bytes()),
            Format::Csv => self.write_csv(t, out),
        }?;
        out.flush()
    }

    /// The two monthly tables: cases opened by category and month (the public
    /// categories that had a case, the private ones together, the total), and the month's
    /// cases opened, decisions (acted on, no action) and consultations.
    fn tables(&self, t: &dyn Catalog) -> [Table; 2] {
        let c = &self.figures;
        let item = |id: &str| t.compliance_item(id, None).unwrap_or_else(|| id.to_owned());
        let month = item("months.month");
        let categories = c.categories_seen();
        let private = c.response.private_categories > 0;
        let mut header = vec![month.clone()];
        header.extend(categories.iter().map(|c| t.category_name(*c).to_owned()));
        if private {
            header.push(t.private_categories().to_owned());
        }
        header.push(t.chart_total_column().to_owned());
        let rows = c
            .months
            .iter()
            .map(|m| {
                let mut numbers: Vec<u64> = categories
                    .iter()
                    .map(|c| m.by_category.get(c).copied().unwrap_or(0))
                    .collect();
                if private {
                    numbers.push(m.private_categories);
                }
                numbers.push(m.opened);
                (t.compliance_month(m.month), numbers)
            })
            .collect();
        let by_category = Table {
            caption: t.compliance_table(true).to_owned(),
            header,
            rows,
        };
        let columns = [
            "months.opened",
            "months.decided",
            "months.acted_on",
            "months.no_action",
            "months.consultations",
        ];
        let by_month = Table {
            caption: t.compliance_table(false).to_owned(),
            header: std::iter::once(month)
                .chain(columns.iter().map(|id| item(id)))
                .collect(),
            rows: c
                .months
                .iter()
                .map(|m| {
                    (
                        t.compliance_month(m.month),
                        vec![
                            m.opened,
                            m.decided,
                            m.acted_on,
                            m.no_action,
                            m.consultations,
                        ],
                    )
                })
                .collect(),
        };
        [by_category, by_month]
    }
}

/// A table of monthly numbers: its caption, its header, a row per month.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Table {
    caption: String,
    header: Vec<String>,
    rows: Vec<(String, Vec<u64>)>,
}

/// How many different people are in a role.
fn distinct(users: &[crate::domain::UserId]) -> u64 {
    let mut seen: Vec<&crate::domain::UserId> = users.iter().collect();
    seen.sort();
    seen.dedup();
    seen.len() as u64
}

/// What a row's key stands for, as people read it: a category, a measure, a step of the
/// ladder, a policy version.
fn detail(row: &Row, t: &dyn Catalog) -> Option<String> {
    let key = row.key.as_deref()?;
    Some(match row.item {
        "response.by_category" | "months.by_category" => {
            t.category_name(Category::parse(key)?).to_owned()
        }
        "response.measures" => t.measure_name(Measure::parse(key)?).to_owned(),
        "deterrence.ladder" => {
            let step: Step =
                serde_json::from_value(serde_json::Value::String(row.value.clone())).ok()?;
            t.step_name(step).to_owned()
        }
        _ => key.to_owned(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::compliance::Gathering;
    use crate::domain::{PagingPolicy, Policy, Roles, UserId};
    use crate::i18n::Locale;

    fn report() -> ComplianceReport {
        let zone = jiff::tz::TimeZone::get("Asia/Tokyo").unwrap();
        let period = Period {
            from: "2026-07-01".parse().unwrap(),
            to: "2026-09-30".parse().unwrap(),
        };
        let user = |u: &str| UserId::parse(u).unwrap();
        let roles = Roles::new(vec![user("U0EXEC1")], vec![user("U0MGR1"), user("U0MGR2")]);
        let policy = Policy {
            version: "2026-07".into(),
            refund_approval_over: 50_000,
        };
        let mut figures = Gathering::new(period, &zone).finish(Standing {
            zone: "Asia/Tokyo".into(),
            made_at: "2026-10-05T01:00:00Z".parse().unwrap(),
            policy_version: "=2026-07".into(),
            document_url: None,
            desk_members: 2,
            desk_channel: false,
            currency: "JPY".into(),
            rules: RulesInForce::of(&roles, &policy, &PagingPolicy::default()),
            retention: "5y".into(),
            check_in_after: None,
            staff: crate::domain::compliance::Staff::NotListed(
                crate::domain::compliance::NotCounted::NoToken,
            ),
        });
        figures.response.by_category.insert(Category::Threat, 3);
        figures.response.private_categories = 2;
        figures.response.opened = 5;
        figures.months[1].by_category.insert(Category::Threat, 3);
        figures.months[1].private_categories = 2;
        figures.months[1].opened = 5;
        figures.months[2].consultations = 4;
        ComplianceReport { figures }
    }

    #[test]
    fn formats_parse() {
        assert_eq!(Format::parse("md"), Some(Format::Markdown));
        assert_eq!(Format::parse(" Markdown "), Some(Format::Markdown));
        assert_eq!(Format::parse("CSV"), Some(Format::Csv));
        assert_eq!(Format::parse("json"), Some(Format::Json));
        assert_eq!(Format::parse("pdf"), None);
    }

    #[test]
    fn the_markdown_has_the_text_then_a_table_per_view_of_the_months() {
        let md = report().markdown(Locale::En.catalog());
        assert!(md.starts_with("# Customer harassment measures"), "{md}");
        assert!(md.contains("## 3. Response"), "{md}");
        assert!(
            md.contains(
                "| Month | Threats | Private categories | Total |\n| --- | ---: | ---: | ---: |\n\
                 | Jul 2026 | 0 | 0 | 0 |\n| Aug 2026 | 3 | 2 | 5 |\n"
            ),
            "{md}"
        );
        assert!(
            md.contains("| Sep 2026 | 0 | 0 | 0 | 0 | 4 |"),
            "consultations by month: {md}"
        );
        let ja = report().markdown(Locale::Ja.catalog());
        assert!(ja.contains("| 2026年8月 | 3 | 2 | 5 |"), "{ja}");
    }

    #[test]
    fn the_message_is_sections_and_two_tables_slack_takes() {
        let message = report().message(Locale::Ja.catalog(), true);
        let blocks = serde_json::to_value(message.blocks.as_ref().unwrap()).unwrap();
        let blocks = blocks.as_array().unwrap();
        let tables: Vec<&serde_json::Value> = blocks
            .iter()
            .filter(|b| b["type"] == "data_table")
            .collect();
        assert_eq!(tables.len(), 2);
        assert_eq!(
            tables[0]["rows"].as_array().unwrap().len(),
            4,
            "header + 3 months"
        );
        assert_eq!(tables[0]["rows"][2][0]["text"], "2026年8月");
        assert_eq!(tables[0]["rows"][2][1]["value"], 3);
        assert!(
            blocks
                .iter()
                .filter(|b| b["type"] == "section")
                .all(|b| b["text"]["text"].as_str().unwrap().chars().count() <= 3000)
        );
    }

    #[test]
    fn the_csv_has_stable_columns_a_name_per_row_and_no_formula() {
        let mut bytes = Vec::new();
        report()
            .write_csv(Locale::En.catalog(), &mut bytes)
            .unwrap();
        let text = String::from_utf8(bytes).unwrap();
        let text = text.strip_prefix('\u{feff}').expect("a byte-order mark");
        let mut lines = text.split("\r\n");
        assert_eq!(lines.next(), Some("Section,Item id,Month,Key,Item,Value"));
        assert!(
            text.contains("1,policy.version,,,Policy version in force,'=2026-07\r\n"),
            "{text}"
        );
        assert!(
            text.contains("3,response.by_category,,threat,Cases opened by category: Threats,3"),
            "{text}"
        );
        assert!(
            text.contains("3,months.opened,2026-08,,Cases opened,5"),
            "{text}"
        );
        assert!(
            text.contains(
                "4,deterrence.ladder,,1,\"The ladder's step, by earlier cases: Written warning\",\
                 written-warning"
            ),
            "{text}"
        );
        assert!(!text.contains("sexual"), "private categories: counted only");
        let rows = report().figures.rows().len();
        assert_eq!(
            text.split("\r\n").filter(|l| !l.is_empty()).count(),
            rows + 1
        );
    }
}
