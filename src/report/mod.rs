//! Purpose: the weekly report leadership reads: its numbers, gathered from the store's
//! per-week aggregates (never by scanning cases), its text in the configured language,
//! and its chart: Slack's native bar chart with a table of its numbers in the message,
//! or, where Slack refuses those blocks, a PNG in the thread. `jobs::report` posts it on
//! schedule; the `report` command prints or posts it on demand; `export` writes every
//! case for audits.

pub mod chart;
pub mod compliance;
pub mod export;
mod font;

use jiff::{SignedDuration, Timestamp};

use crate::config::Settings;
use crate::domain::{Category, Measure, Week, report::chart_series};
use crate::i18n::{Catalog, WeekSummary};
use crate::render::charts::{self, Series};
use crate::slack::api::Upload;
use crate::store::{Store, StoreError, WeekFigures};
use slack_morphism::prelude::{SlackBlock, SlackMessageContent, SlackSectionBlock};

/// How many weeks before the reported one the trend compares with.
pub const TREND_WEEKS: usize = 4;
/// How many weeks the chart shows, ending with the reported one.
pub const CHART_WEEKS: usize = 12;

/// Everything a week's report says: its figures, which the catalogs word, and its chart.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WeeklyReport {
    pub summary: WeekSummary,
    /// Cases opened per week and chart series (see `chart_series`), oldest first.
    pub chart: Vec<(Week, Vec<u64>)>,
}

impl WeeklyReport {
    /// Reads a week's report from the aggregates: a few dozen small reads, whatever the
    /// size of the history.
    pub fn build(
        store: &Store,
        week: Week,
        zone: &str,
        now: Timestamp,
        customer_count: Option<u64>,
    ) -> Result<WeeklyReport, StoreError> {
        let figures = store.week_figures(week)?;
        let mut chart = Vec::with_capacity(CHART_WEEKS);
        for w in week.last(CHART_WEEKS) {
            let stats = if w == week {
                figures.stats.clone()
            } else {
                store.week_stats(w)?
            };
            chart.push((w, stats.chart_counts()));
        }
        let mut trend = Vec::with_capacity(TREND_WEEKS);
        for w in week.previous().last(TREND_WEEKS) {
            trend.push(store.week_stats(w)?.opened);
        }
        let tallies = store.tallies()?;
        let oldest_open = store
            .oldest_open()?
            .map(|case| now.duration_since(case.opened_at).max(SignedDuration::ZERO));
        let WeekFigures {
            stats,
            to_taken,
            to_decided,
        } = figures;
        Ok(WeeklyReport {
            summary: WeekSummary {
                week,
                zone: zone.to_owned(),
                stats,
                to_taken,
                to_decided,
                trend,
                open_now: tallies.cases_open,
                oldest_open,
                repeat_customers: tallies.repeat_customers,
                cut_off_total: tallies.customers_cut_off,
                customer_count,
            },
            chart,
        })
    }

    /// The report on `week` as the configuration asks for it (zone, customer count).
    pub fn configured(
        store: &Store,
        settings: &Settings,
        week: Week,
        now: Timestamp,
    ) -> Result<WeeklyReport, StoreError> {
        WeeklyReport::build(
            store,
            week,
            &settings.report.zone_name,
            now,
            settings.customer_count,
        )
    }

    pub fn text(&self, catalog: &dyn Catalog, currency: &str) -> String {
        catalog.weekly_report(&self.summary, currency)
    }

    /// Decisions that included a termination (with a refund or not).
    pub fn terminations(&self) -> u64 {
        self.summary.stats.decided(Measure::Termination)
    }

    /// The chart's numbers as a reader sees them: each week labelled with its Monday as
    /// month/day (11/30: dates people know, in Japan and elsewhere, where an ISO week
    /// number means little), and at most `charts::SERIES_MAX` series named in the
    /// reader's language. Categories with no case in the chart's weeks are left out; when
    /// more are left than Slack's chart takes, the largest keep their own series and the
    /// rest are one series named like the category "other" (which joins it). With no case
    /// at all, one series of zeros says so.
    pub fn chart_data(&self, catalog: &dyn Catalog) -> ChartData {
        let weeks = self
            .chart
            .iter()
            .map(|(week, _)| {
                let monday = week.monday();
                format!("{}/{}", monday.month(), monday.day())
            })
            .collect();
        let column = |i: usize| -> Vec<u64> {
            self.chart
                .iter()
                .map(|(_, counts)| counts.get(i).copied().unwrap_or(0))
                .collect()
        };
        let mut present: Vec<(Option<Category>, Vec<u64>)> = chart_series()
            .into_iter()
            .enumerate()
            .map(|(i, s)| (s, column(i)))
            .filter(|(_, counts)| counts.iter().any(|&n| n > 0))
            .collect();
        let total = |counts: &[u64]| counts.iter().fold(0u64, |a, &n| a.saturating_add(n));
        if present.len() > charts::SERIES_MAX {
            let other = Some(Category::Other);
            let mut ranked: Vec<usize> = (0..present.len())
                .filter(|&i| present[i].0 != other)
                .collect();
            // Largest first; the sort is stable, so ties keep the categories' order.
            ranked.sort_by_key(|&i| std::cmp::Reverse(total(&present[i].1)));
            let kept: Vec<usize> = ranked.into_iter().take(charts::SERIES_MAX - 1).collect();
            let mut grouped = vec![0u64; self.chart.len()];
            for (i, (_, counts)) in present.iter().enumerate() {
                if !kept.contains(&i) {
                    for (sum, n) in grouped.iter_mut().zip(counts) {
                        *sum = sum.saturating_add(*n);
                    }
                }
            }
            present = present
                .into_iter()
                .enumerate()
                .filter(|(i, _)| kept.contains(i))
                .map(|(_, s)| s)
                .chain([(other, grouped)])
                .collect();
        }
        let series = if present.is_empty() {
            vec![Series {
                name: catalog.chart_no_cases().to_owned(),
                values: vec![0; self.chart.len()],
            }]
        } else {
            present
                .into_iter()
                .map(|(s, values)| Series {
                    name: series_name(catalog, s).to_owned(),
                    values,
                })
                .collect()
        };
        ChartData { weeks, series }
    }

    /// The report as a message. With `native`, the chart is in it as Slack's bar chart,
    /// followed by a table of the same numbers (exact figures, and what a screen reader
    /// reads); without, the message is the text alone and the chart goes as an image.
    pub fn message(
        &self,
        catalog: &dyn Catalog,
        currency: &str,
        native: bool,
    ) -> SlackMessageContent {
        let text = self.text(catalog, currency);
        let content = SlackMessageContent::new().with_text(text.clone());
        if !native {
            return content;
        }
        let mut blocks: Vec<SlackBlock> = sections(&text);
        let data = self.chart_data(catalog);
        blocks.push(charts::bar_chart(
            &catalog.chart_title(self.summary.week, CHART_WEEKS),
            &data.weeks,
            &data.series,
            Some(catalog.chart_x_axis()),
            Some(catalog.chart_y_axis()),
        ));
        let header: Vec<String> = std::iter::once(catalog.chart_week_column().to_owned())
            .chain(data.series.iter().map(|s| s.name.clone()))
            .chain([catalog.chart_total_column().to_owned()])
            .collect();
        let rows: Vec<(String, Vec<u64>)> = data
            .weeks
            .iter()
            .enumerate()
            .map(|(w, label)| {
                let mut numbers: Vec<u64> = data
                    .series
                    .iter()
                    .map(|s| s.values.get(w).copied().unwrap_or(0))
                    .collect();
                numbers.push(numbers.iter().fold(0u64, |a, &n| a.saturating_add(n)));
                (label.clone(), numbers)
            })
            .collect();
        blocks.push(charts::data_table(
            &catalog.chart_table_caption(self.summary.week, CHART_WEEKS),
            &header,
            &rows,
        ));
        content.with_blocks(blocks)
    }

    /// The chart as a PNG, its legend naming the series in the reader's language.
    pub fn chart_png(&self, catalog: &dyn Catalog) -> Vec<u8> {
        let data = self.chart_data(catalog);
        let bars: Vec<chart::Bar> = data
            .weeks
            .iter()
            .enumerate()
            .map(|(w, label)| chart::Bar {
                label: label.clone(),
                counts: data
                    .series
                    .iter()
                    .map(|s| s.values.get(w).copied().unwrap_or(0))
                    .collect(),
            })
            .collect();
        let names: Vec<String> = data.series.into_iter().map(|s| s.name).collect();
        chart::render(&bars, &names)
    }

    /// Named by the week's Monday (`escalations-2026-11-30.png`): people see the name in
    /// Slack, and a date says more than an ISO week. The report job also finds an
    /// uploaded chart by this name.
    pub fn chart_file_name(&self) -> String {
        format!("escalations-{}.png", self.summary.week.monday())
    }

    /// The chart as a file to share, with its comment.
    pub fn chart_upload(&self, catalog: &dyn Catalog) -> Upload {
        let filename = self.chart_file_name();
        Upload {
            title: filename.clone(),
            filename,
            comment: catalog.chart_comment(self.summary.week, CHART_WEEKS),
            content_type: "image/png",
            bytes: self.chart_png(catalog),
        }
    }
}

/// The chart's weeks and series (see `WeeklyReport::chart_data`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChartData {
    pub weeks: Vec<String>,
    pub series: Vec<Series>,
}

/// Block Kit's limit on a section's text, with room to spare.
const SECTION_CHARS: usize = 2900;

/// `text` as mrkdwn sections, split between lines so none passes Slack's limit.
pub(crate) fn sections(text: &str) -> Vec<SlackBlock> {
    let mut blocks = Vec::new();
    let mut chunk = String::new();
    for line in text.lines() {
        let line = charts::fit(line, SECTION_CHARS);
        if !chunk.is_empty() && chunk.chars().count() + 1 + line.chars().count() > SECTION_CHARS {
            blocks.push(std::mem::take(&mut chunk));
        }
        if !chunk.is_empty() {
            chunk.push('\n');
        }
        chunk.push_str(&line);
    }
    if !chunk.is_empty() {
        blocks.push(chunk);
    }
    blocks
        .into_iter()
        .map(|text| {
            SlackSectionBlock::new()
                .with_text(slack_morphism::prelude::SlackBlockMarkDownText::new(text).into())
                .into()
        })
        .collect()
}

/// The chart's series as a reader names them: a category, or all private ones.
pub fn series_name(catalog: &dyn Catalog, series: Option<Category>) -> &'static str {
    match series {
        Some(category) => catalog.category_name(category),
        None => catalog.private_categories(),
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use super::*;
    use crate::domain::{Spread, WeekStats};
    use crate::i18n::Locale;

    /// A busy week: every line of the report has something to say.
    fn busy_week() -> WeeklyReport {
        let stats = WeekStats {
            opened: 7,
            by_category: BTreeMap::from([
                (Category::Threat, 2),
                (Category::VerbalAbuse, 3),
                (Category::Sexual, 2),
            ]),
            repeat_cases: 3,
            decided: BTreeMap::from([
                (Measure::Warning, 2),
                (Measure::Refund, 2),
                (Measure::Termination, 2),
                (Measure::NoAction, 1),
            ]),
            decided_cases: 6,
            combined: 1,
            refunds: 2,
            refund_total: 80_000,
            cut_off: 2,
            consultations: crate::domain::ConsultCounts {
                opened: 3,
                closed: 1,
                converted: 1,
            },
        };
        let spread = |count, median_mins, p90_mins| Spread {
            count,
            median: SignedDuration::from_mins(median_mins),
            p90: SignedDuration::from_mins(p90_mins),
        };
        WeeklyReport {
            summary: WeekSummary {
                week: Week::new(2026, 47).expect("a week"),
                zone: "Asia/Tokyo".into(),
                stats,
                to_taken: Some(spread(5, 20, 120)),
                to_decided: Some(spread(6, 180, 1440)),
                trend: vec![2, 3, 2, 1],
                open_now: 3,
                oldest_open: Some(SignedDuration::from_hours(72)),
                repeat_customers: 4,
                cut_off_total: 3,
                customer_count: Some(350),
            },
            chart: Vec::new(),
        }
    }

    #[test]
    fn every_figure_of_a_busy_week_is_in_the_english_report() {
        let text = busy_week().text(Locale::En.catalog(), "JPY");
        println!("{text}");
        for line in [
            "*Weekly escalation report*\nMon 16 Nov to Sun 22 Nov 2026, counted in Asia/Tokyo time",
            "*Cases opened:* 7, up from an average of 2 (the 4 weeks before, oldest first: 2, 3, 2, 1)",
            "*By category:* Verbal abuse 3, Threats 2, Private categories 2 (not itemised)",
            "*Decided:* 6\nCautions 0, written warnings 2, suspensions 0, terminations 2, refunds 2 \
             (¥80,000), no action (not harassment) 1",
            "1 of them had several measures, counted under each.",
            "*Time to take:* median 20 min, 9 in 10 within 2 h (5 cases)",
            "*Still open now:* 3, the oldest for 3 d",
            "3 of this week's cases came from a customer with an earlier case; 4 customers have",
            "*Customers terminated:* 2 this week, 3 of 350 in all",
        ] {
            assert!(text.contains(line), "{line:?} missing from:\n{text}");
        }
        assert!(!text.contains("W47"), "the dates, not an ISO week");
        assert!(!text.contains("Sexual"), "private categories are not named");
    }

    #[test]
    fn every_figure_of_a_busy_week_is_in_the_japanese_report() {
        let text = busy_week().text(Locale::Ja.catalog(), "JPY");
        println!("{text}");
        for line in [
            "*週次エスカレーション報告*\n集計期間：2026年11月16日（月）〜11月22日（日）、日本時間",
            "*新規案件* 7件（前4週の平均 2件から増加。前4週は古い順に 2件、3件、2件、1件）",
            "*区分別* 暴言・侮辱 3件、脅迫 2件、要配慮区分 2件（内訳は非表示）",
            "*判断* 6件\n内訳：注意 0件、書面警告 2件、利用停止 0件、契約解除 2件、返金 2件（80,000円）、\
             措置なし（カスハラ非該当） 1件",
            "うち1件は複数の措置を含み、措置ごとに数えています。",
            "*担当決定までの時間* 中央値 20分、9割が2時間以内（5件）",
            "*未完了の案件（現時点）* 3件（最も古い案件は起票から 3日）",
            "*再発* 過去に案件がある顧客から 3件（累計で案件が2件以上の顧客 4社）",
            "*契約解除した顧客* 今週 2社、累計 350社中 3社",
        ] {
            assert!(text.contains(line), "{line:?} missing from:\n{text}");
        }
        assert!(!text.contains("W47"), "the dates, not an ISO week");
        let found = crate::i18n::style::violations(
            &text,
            Locale::Ja,
            true,
            crate::i18n::style::Kind::Mrkdwn,
        );
        assert!(found.is_empty(), "{found:?}");
        assert!(!text.contains("性的"), "private categories are not named");
    }

    /// A report whose chart holds these counts per series (in `chart_series` order), the
    /// same each week.
    fn with_chart(counts: &[u64]) -> WeeklyReport {
        let mut report = busy_week();
        report.chart = report
            .summary
            .week
            .last(CHART_WEEKS)
            .into_iter()
            .map(|w| (w, counts.to_vec()))
            .collect();
        report
    }

    fn names(data: &ChartData) -> Vec<&str> {
        data.series.iter().map(|s| s.name.as_str()).collect()
    }

    #[test]
    fn the_chart_names_its_categories_and_leaves_out_those_with_no_case() {
        // Violence 1, verbal abuse 2, private 3: the others had no case.
        let mut counts = vec![0; chart_series().len()];
        counts[0] = 1;
        counts[2] = 2;
        *counts.last_mut().unwrap() = 3;
        let report = with_chart(&counts);
        let en = report.chart_data(Locale::En.catalog());
        assert_eq!(
            names(&en),
            ["Physical attack", "Verbal abuse", "Private categories"]
        );
        assert_eq!(en.weeks.len(), CHART_WEEKS);
        assert_eq!(en.weeks.last().map(String::as_str), Some("11/16"));
        assert_eq!(en.series[2].values, vec![3; CHART_WEEKS]);
        let ja = report.chart_data(Locale::Ja.catalog());
        assert_eq!(names(&ja), ["暴力", "暴言・侮辱", "要配慮区分"]);
    }

    #[test]
    fn more_categories_than_slack_charts_keep_the_five_largest_and_group_the_rest() {
        // Ten series, all with cases: "other" (index 8) is large, yet it joins the group.
        let counts: Vec<u64> = vec![5, 1, 9, 2, 7, 3, 8, 4, 20, 6];
        assert_eq!(counts.len(), chart_series().len());
        let report = with_chart(&counts);
        let data = report.chart_data(Locale::En.catalog());
        assert_eq!(data.series.len(), charts::SERIES_MAX);
        // The five largest but "other", in the categories' order, then "Other" with the
        // rest: 1 + 2 + 3 + 4 + 20.
        assert_eq!(
            names(&data),
            [
                "Physical attack",
                "Verbal abuse",
                "Demand to kneel",
                "Holding staff",
                "Private categories",
                "Other"
            ]
        );
        assert_eq!(data.series[5].values, vec![30; CHART_WEEKS]);
        let total: u64 = data.series.iter().map(|s| s.values[0]).sum();
        assert_eq!(
            total,
            counts.iter().sum::<u64>(),
            "every case is still counted"
        );
        let ja = report.chart_data(Locale::Ja.catalog());
        assert_eq!(ja.series[5].name, "その他");
    }

    #[test]
    fn a_chart_of_no_cases_has_one_series_that_says_so() {
        let report = with_chart(&vec![0; chart_series().len()]);
        let data = report.chart_data(Locale::Ja.catalog());
        assert_eq!(names(&data), ["案件なし"]);
        assert_eq!(data.series[0].values, vec![0; CHART_WEEKS]);
    }

    #[test]
    fn every_name_the_chart_can_show_fits_slack_and_the_image_font() {
        for locale in [Locale::En, Locale::Ja] {
            let t = locale.catalog();
            let mut shown: Vec<String> = chart_series()
                .into_iter()
                .map(|s| series_name(t, s).to_owned())
                .collect();
            shown.push(t.chart_no_cases().to_owned());
            shown.push(t.category_name(Category::Other).to_owned());
            for name in &shown {
                assert!(
                    name.chars().count() <= charts::LABEL_MAX,
                    "{name:?} is cut in Slack"
                );
                for c in name.chars() {
                    assert!(
                        font::glyph(c).is_some(),
                        "the image font lacks {c:?} of {name:?}"
                    );
                }
            }
            let week = Week::new(2026, 47).expect("a week");
            let title = t.chart_title(week, CHART_WEEKS);
            assert!(title.chars().count() <= charts::TITLE_MAX, "{title:?}");
            for axis in [t.chart_x_axis(), t.chart_y_axis()] {
                assert!(axis.chars().count() <= charts::AXIS_TITLE_MAX, "{axis:?}");
            }
        }
    }

    #[test]
    fn the_report_message_carries_the_chart_and_its_table_only_when_native() {
        let report = with_chart(&[1, 0, 2, 0, 0, 0, 0, 0, 0, 1]);
        let t = Locale::En.catalog();
        let native = serde_json::to_value(report.message(t, "JPY", true)).unwrap();
        let kinds: Vec<&str> = native["blocks"]
            .as_array()
            .unwrap()
            .iter()
            .map(|b| b["type"].as_str().unwrap())
            .collect();
        assert_eq!(
            kinds.last_chunk::<2>(),
            Some(&["data_visualization", "data_table"])
        );
        assert!(kinds[..kinds.len() - 2].iter().all(|k| *k == "section"));
        assert_eq!(native["text"], report.text(t, "JPY"));
        let plain = serde_json::to_value(report.message(t, "JPY", false)).unwrap();
        assert!(
            plain.get("blocks").is_none_or(serde_json::Value::is_null),
            "{plain}"
        );
    }

    #[test]
    fn the_image_differs_by_language_because_its_legend_names_the_categories() {
        let report = with_chart(&[1, 0, 2, 0, 0, 0, 0, 0, 0, 1]);
        let en = report.chart_png(Locale::En.catalog());
        let ja = report.chart_png(Locale::Ja.catalog());
        assert_ne!(en, ja);
    }
}
