//! Purpose: the weekly report leadership reads: its numbers, gathered from the store's
//! per-week aggregates (never by scanning cases), its text in the configured language,
//! and its chart. `jobs::report` posts it on schedule; the `report` command prints or
//! posts it on demand; `export` writes every case for audits.

pub mod chart;
pub mod export;

use jiff::{SignedDuration, Timestamp};

use crate::config::Settings;
use crate::domain::{Category, OutcomeKind, Week, report::chart_series};
use crate::i18n::Catalog;
use crate::slack::api::Upload;
use crate::store::{Store, StoreError, WeekFigures};

/// How many weeks before the reported one the trend compares with.
pub const TREND_WEEKS: usize = 4;
/// How many weeks the chart shows, ending with the reported one.
pub const CHART_WEEKS: usize = 12;

/// Everything a week's report says. Aggregates only: no names, and private categories
/// as one count.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WeeklyReport {
    pub week: Week,
    /// The zone weeks are counted in, as configured (`Asia/Tokyo`).
    pub zone: String,
    pub figures: WeekFigures,
    /// Cases opened in each of the `TREND_WEEKS` weeks before, oldest first.
    pub trend: Vec<u64>,
    /// Open now, when the report is made, and how long the oldest has been open.
    pub open_now: u64,
    pub oldest_open: Option<SignedDuration>,
    /// Customers with more than one case, all time.
    pub repeat_customers: u64,
    /// Customers cut off, all time, and of how many customers (`policy.customer_count`).
    pub cut_off_total: u64,
    pub customer_count: Option<u64>,
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
        Ok(WeeklyReport {
            week,
            zone: zone.to_owned(),
            figures,
            trend,
            open_now: tallies.cases_open,
            oldest_open,
            repeat_customers: tallies.repeat_customers,
            cut_off_total: tallies.customers_cut_off,
            customer_count,
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
        catalog.weekly_report(self, currency)
    }

    /// Terminations, counting refund-and-termination.
    pub fn terminations(&self) -> u64 {
        let stats = &self.figures.stats;
        stats.decided(OutcomeKind::Termination) + stats.decided(OutcomeKind::RefundAndTermination)
    }

    /// The chart as a PNG, and the words the image cannot say (which number is which
    /// category) for the message it is shared with.
    pub fn chart_png(&self) -> Vec<u8> {
        let bars: Vec<chart::Bar> = self
            .chart
            .iter()
            .map(|(week, counts)| chart::Bar {
                label: format!("W{:02}", week.number()),
                counts: counts.clone(),
            })
            .collect();
        chart::render(&bars, chart_series().len())
    }

    pub fn chart_file_name(&self) -> String {
        format!("escalations-{}.png", self.week)
    }

    pub fn chart_comment(&self, catalog: &dyn Catalog) -> String {
        let legend: Vec<String> = chart_series()
            .into_iter()
            .enumerate()
            .map(|(i, s)| format!("{} {}", i + 1, series_name(catalog, s)))
            .collect();
        catalog.chart_comment(self.week, CHART_WEEKS, &legend)
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
