//! Purpose: the weekly report leadership reads: its numbers, gathered from the store's
//! per-week aggregates (never by scanning cases), its text in the configured language,
//! and its chart. `jobs::report` posts it on schedule; the `report` command prints or
//! posts it on demand; `export` writes every case for audits.

pub mod chart;
pub mod export;

use jiff::{SignedDuration, Timestamp};

use crate::config::Settings;
use crate::domain::{Category, Measure, Week, report::chart_series};
use crate::i18n::{Catalog, WeekSummary};
use crate::slack::api::Upload;
use crate::store::{Store, StoreError, WeekFigures};

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

    /// The chart as a PNG, and the words the image cannot say (which number is which
    /// category) for the message it is shared with.
    pub fn chart_png(&self) -> Vec<u8> {
        let bars: Vec<chart::Bar> = self
            .chart
            .iter()
            .map(|(week, counts)| {
                // The week's Monday as month/day (11/30): dates people know, in Japan and
                // elsewhere, where an ISO week number (W49) means little.
                let monday = week.monday();
                chart::Bar {
                    label: format!("{}/{}", monday.month(), monday.day()),
                    counts: counts.clone(),
                }
            })
            .collect();
        chart::render(&bars, chart_series().len())
    }

    /// Named by the week's Monday (`escalations-2026-11-30.png`): people see the name in
    /// Slack, and a date says more than an ISO week. The report job also finds an
    /// uploaded chart by this name.
    pub fn chart_file_name(&self) -> String {
        format!("escalations-{}.png", self.summary.week.monday())
    }

    pub fn chart_comment(&self, catalog: &dyn Catalog) -> String {
        let legend: Vec<String> = chart_series()
            .into_iter()
            .enumerate()
            .map(|(i, s)| format!("{} {}", i + 1, series_name(catalog, s)))
            .collect();
        catalog.chart_comment(self.summary.week, CHART_WEEKS, &legend)
    }

    /// The chart as a file to share, with its comment.
    pub fn chart_upload(&self, catalog: &dyn Catalog) -> Upload {
        let filename = self.chart_file_name();
        Upload {
            title: filename.clone(),
            filename,
            comment: self.chart_comment(catalog),
            content_type: "image/png",
            bytes: self.chart_png(),
        }
    }
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
}
