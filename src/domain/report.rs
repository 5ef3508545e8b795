//! Purpose: the weekly report's calendar and numbers: which ISO week an instant falls in
//! (counted in the configured time zone), when each week's report is due, the per-week
//! aggregates kept up to date as cases change, and percentiles. Pure: no I/O, no clock.

use std::collections::BTreeMap;
use std::fmt;
use std::str::FromStr;

use jiff::civil::{Date, ISOWeekDate, Time, Weekday};
use jiff::tz::TimeZone;
use jiff::{SignedDuration, Timestamp, ToSpan};
use serde::{Deserialize, Serialize};

use super::case::{Measure, Outcome};
use super::category::Category;
use super::outcome::measures_of_kind;

/// An ISO 8601 week (Monday to Sunday), shown as `2026-W47`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Week {
    year: i16,
    week: i8,
}

impl Week {
    /// The week `at` falls in, on the calendar of `zone`.
    pub fn of(at: Timestamp, zone: &TimeZone) -> Week {
        Week::containing(at.to_zoned(zone.clone()).date())
    }

    pub fn containing(date: Date) -> Week {
        let iso = date.iso_week_date();
        Week {
            year: iso.year(),
            week: iso.week(),
        }
    }

    pub fn new(year: i16, week: i8) -> Option<Week> {
        ISOWeekDate::new(year, week, Weekday::Monday)
            .ok()
            .map(|_| Week { year, week })
    }

    pub fn year(self) -> i16 {
        self.year
    }

    /// The week's number within its ISO year, 1 to 53.
    pub fn number(self) -> i8 {
        self.week
    }

    pub fn monday(self) -> Date {
        ISOWeekDate::new(self.year, self.week, Weekday::Monday)
            .expect("a Week is only built from a valid ISO week")
            .date()
    }

    /// Weeks are far from the ends of jiff's calendar (years 9999 and -9999); at those
    /// ends `next` and `previous` stay put rather than fail.
    pub fn next(self) -> Week {
        self.monday()
            .checked_add(7.days())
            .map_or(self, Week::containing)
    }

    pub fn previous(self) -> Week {
        self.monday()
            .checked_sub(7.days())
            .map_or(self, Week::containing)
    }

    /// This week and the `n - 1` before it, oldest first.
    pub fn last(self, n: usize) -> Vec<Week> {
        let mut weeks = Vec::with_capacity(n);
        let mut week = self;
        for _ in 0..n {
            weeks.push(week);
            week = week.previous();
        }
        weeks.reverse();
        weeks
    }

    /// The instant the week starts in `zone` (Monday 00:00, or the first instant of
    /// Monday where daylight saving skips midnight).
    pub fn start(self, zone: &TimeZone) -> Timestamp {
        self.monday()
            .to_zoned(zone.clone())
            .map(|z| z.timestamp())
            .unwrap_or(Timestamp::MIN)
    }

    /// Three bytes that sort in week order, for store keys.
    pub fn key(self) -> [u8; 3] {
        let [hi, lo] = ((i32::from(self.year) + 10_000) as u16).to_be_bytes();
        [hi, lo, self.week as u8]
    }

    pub fn from_key(key: &[u8]) -> Option<Week> {
        let [hi, lo, week] = key.try_into().ok()?;
        let year = i32::from(u16::from_be_bytes([hi, lo])) - 10_000;
        Week::new(i16::try_from(year).ok()?, i8::try_from(week).ok()?)
    }
}

impl fmt::Display for Week {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-W{:02}", self.year, self.week)
    }
}

impl FromStr for Week {
    type Err = String;

    /// `2026-W47` (also `2026W47`, `2026-w47`).
    fn from_str(s: &str) -> Result<Week, String> {
        let bad = || format!("`{s}` is not an ISO week: write it like 2026-W47");
        let upper = s.trim().to_ascii_uppercase();
        let (year, week) = upper.split_once('W').ok_or_else(bad)?;
        let year = year.strip_suffix('-').unwrap_or(year);
        let year: i16 = year.parse().map_err(|_| bad())?;
        let week: i8 = week.parse().map_err(|_| bad())?;
        Week::new(year, week).ok_or_else(|| format!("{year} has no week {week}"))
    }
}

impl Serialize for Week {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Week {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Week, D::Error> {
        let s = String::deserialize(d)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

/// When reports go out: a weekday and a time of day, on the calendar of a zone.
#[derive(Debug, Clone, PartialEq)]
pub struct Schedule {
    pub weekday: Weekday,
    pub time: Time,
    pub zone: TimeZone,
}

impl Schedule {
    /// Reads `weekly_at`: a weekday (`MON`, `Monday`, `月`) and a 24-hour time, `MON 09:00`.
    pub fn parse_weekly_at(s: &str) -> Result<(Weekday, Time), String> {
        let bad = || format!("`{s}` is not a weekly time: write it like \"MON 09:00\"");
        let mut parts = s.split_whitespace();
        let (Some(day), Some(time), None) = (parts.next(), parts.next(), parts.next()) else {
            return Err(bad());
        };
        let weekday = parse_weekday(day).ok_or_else(bad)?;
        let (h, m) = time.split_once(':').ok_or_else(bad)?;
        let (h, m): (i8, i8) = (h.parse().map_err(|_| bad())?, m.parse().map_err(|_| bad())?);
        let time = Time::new(h, m, 0, 0).map_err(|_| bad())?;
        Ok((weekday, time))
    }

    /// When the report on `week` is due: the scheduled weekday and time in the week
    /// after it. A time daylight saving skips that day is moved on by the gap (02:30 on
    /// a spring-forward night is 03:30); a time that happens twice is the first.
    pub fn due(&self, week: Week) -> Timestamp {
        let offset = i64::from(self.weekday.to_monday_zero_offset());
        week.next()
            .monday()
            .checked_add(offset.days())
            .ok()
            .and_then(|date| date.to_datetime(self.time).to_zoned(self.zone.clone()).ok())
            .map_or(Timestamp::MAX, |z| z.timestamp())
    }

    /// The week a new store starts reporting with: the first whose report is not due
    /// yet at `now`. (A report's due time always falls in the week after it.)
    pub fn first_week(&self, now: Timestamp) -> Week {
        let last = Week::of(now, &self.zone).previous();
        if self.due(last) > now {
            last
        } else {
            last.next()
        }
    }
}

fn parse_weekday(s: &str) -> Option<Weekday> {
    const NAMES: [(Weekday, &str, &str); 7] = [
        (Weekday::Monday, "monday", "月"),
        (Weekday::Tuesday, "tuesday", "火"),
        (Weekday::Wednesday, "wednesday", "水"),
        (Weekday::Thursday, "thursday", "木"),
        (Weekday::Friday, "friday", "金"),
        (Weekday::Saturday, "saturday", "土"),
        (Weekday::Sunday, "sunday", "日"),
    ];
    let lower = s.to_lowercase();
    NAMES.into_iter().find_map(|(day, en, ja)| {
        let ja_match = lower.trim_end_matches("曜日").trim_end_matches('曜') == ja;
        (lower == en || (lower.len() >= 3 && en.starts_with(&lower)) || ja_match).then_some(day)
    })
}

/// One week's numbers, kept up to date as cases change, so a report never scans cases.
/// Cases count in the week they were opened; takes, decisions and cut-offs in the week
/// they happened.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(from = "WeekStatsWire")]
pub struct WeekStats {
    pub opened: u64,
    pub by_category: BTreeMap<Category, u64>,
    /// Opened this week by a customer with an earlier case.
    pub repeat_cases: u64,
    /// Decisions (closed cases) this week that included each measure: a decision with
    /// several counts in each.
    pub decided: BTreeMap<Measure, u64>,
    /// Cases decided (closed) this week.
    pub decided_cases: u64,
    /// Of those, decisions with more than one measure.
    pub combined: u64,
    pub refunds: u64,
    pub refund_total: u64,
    /// Customers cut off for the first time this week.
    pub cut_off: u64,
    /// Consultations with the desk (相談件数), each in the week it happened: opened,
    /// closed with advice given, turned into a case. Numbers only, never described.
    pub consultations: ConsultCounts,
}

/// A week's consultations, counted; what they were about stays with the desk.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct ConsultCounts {
    pub opened: u64,
    pub closed: u64,
    pub converted: u64,
}

/// A week's numbers as stored: before outcomes combined, `decided` was keyed by one
/// outcome kind each (`refund-and-termination` among them) and its sum was the cases
/// decided.
#[derive(Deserialize)]
struct WeekStatsWire {
    #[serde(default)]
    opened: u64,
    #[serde(default)]
    by_category: BTreeMap<Category, u64>,
    #[serde(default)]
    repeat_cases: u64,
    #[serde(default)]
    decided: BTreeMap<String, u64>,
    #[serde(default)]
    decided_cases: Option<u64>,
    #[serde(default)]
    combined: Option<u64>,
    #[serde(default)]
    refunds: u64,
    #[serde(default)]
    refund_total: u64,
    #[serde(default)]
    cut_off: u64,
    #[serde(default)]
    consultations: ConsultCounts,
}

impl From<WeekStatsWire> for WeekStats {
    fn from(wire: WeekStatsWire) -> WeekStats {
        let mut decided = BTreeMap::new();
        let mut legacy_cases = 0;
        let mut legacy_combined = 0;
        for (key, n) in &wire.decided {
            // A key no build wrote is dropped rather than failing the whole week.
            let Some(measures) = measures_of_kind(key) else {
                continue;
            };
            legacy_cases += n;
            if measures.len() > 1 {
                legacy_combined += n;
            }
            for m in measures.iter() {
                *decided.entry(m).or_default() += n;
            }
        }
        WeekStats {
            opened: wire.opened,
            by_category: wire.by_category,
            repeat_cases: wire.repeat_cases,
            decided,
            decided_cases: wire.decided_cases.unwrap_or(legacy_cases),
            combined: wire.combined.unwrap_or(legacy_combined),
            refunds: wire.refunds,
            refund_total: wire.refund_total,
            cut_off: wire.cut_off,
            consultations: wire.consultations,
        }
    }
}

impl WeekStats {
    /// A case opened this week now has another category (its reporter changed the
    /// lexicon's guess).
    pub fn recount_category(&mut self, from: Category, to: Category) {
        if let Some(n) = self.by_category.get_mut(&from) {
            *n = n.saturating_sub(1);
            if *n == 0 {
                self.by_category.remove(&from);
            }
        }
        *self.by_category.entry(to).or_default() += 1;
    }

    pub fn count_opened(&mut self, category: Category, repeat: bool) {
        self.opened += 1;
        *self.by_category.entry(category).or_default() += 1;
        if repeat {
            self.repeat_cases += 1;
        }
    }

    pub fn count_decided(&mut self, outcome: Outcome, newly_cut_off: bool) {
        for measure in outcome.measures.iter() {
            *self.decided.entry(measure).or_default() += 1;
        }
        self.decided_cases += 1;
        if outcome.measures.len() > 1 {
            self.combined += 1;
        }
        if let Some(amount) = outcome.refund_amount() {
            self.refunds += 1;
            self.refund_total = self.refund_total.saturating_add(amount);
        }
        if newly_cut_off {
            self.cut_off += 1;
        }
    }

    pub fn decided_total(&self) -> u64 {
        self.decided_cases
    }

    pub fn decided(&self, kind: Measure) -> u64 {
        self.decided.get(&kind).copied().unwrap_or(0)
    }

    /// Opened cases of public categories, most frequent first, then the count of private
    /// ones (domain.md, "Privacy": counted, never described).
    pub fn categories_for_report(&self) -> (Vec<(Category, u64)>, u64) {
        let mut public: Vec<(Category, u64)> = self
            .by_category
            .iter()
            .filter(|(c, n)| !c.is_private() && **n > 0)
            .map(|(c, n)| (*c, *n))
            .collect();
        public.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
        let private = self
            .by_category
            .iter()
            .filter(|(c, _)| c.is_private())
            .map(|(_, n)| n)
            .sum();
        (public, private)
    }
}

/// Which time a duration measures, from the case's opening.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Span {
    ToTaken,
    ToDecided,
}

/// The middle and the 90th percentile of some durations.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Spread {
    pub count: usize,
    pub median: SignedDuration,
    pub p90: SignedDuration,
}

impl Spread {
    /// `seconds` must be sorted. Nearest-rank percentiles: every figure is a real case's.
    pub fn of_sorted(seconds: &[u64]) -> Option<Spread> {
        Some(Spread {
            count: seconds.len(),
            median: nearest_rank(seconds, 50)?,
            p90: nearest_rank(seconds, 90)?,
        })
    }
}

fn nearest_rank(sorted: &[u64], percent: usize) -> Option<SignedDuration> {
    if sorted.is_empty() {
        return None;
    }
    let rank = (percent * sorted.len()).div_ceil(100).max(1);
    let secs = sorted[rank - 1].min(i64::MAX as u64) as i64;
    Some(SignedDuration::from_secs(secs))
}

/// The categories the chart stacks, in order: the public ones, then one bar segment for
/// all private ones together.
pub fn chart_series() -> Vec<Option<Category>> {
    Category::ALL
        .into_iter()
        .filter(|c| !c.is_private())
        .map(Some)
        .chain([None])
        .collect()
}

impl WeekStats {
    /// This week's opened cases per chart series (see `chart_series`).
    pub fn chart_counts(&self) -> Vec<u64> {
        let (public, private) = self.categories_for_report();
        chart_series()
            .into_iter()
            .map(|series| match series {
                Some(c) => public.iter().find(|(p, _)| *p == c).map_or(0, |(_, n)| *n),
                None => private,
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn zone(name: &str) -> TimeZone {
        TimeZone::get(name).unwrap()
    }

    #[test]
    fn a_week_stored_before_outcomes_combined_counts_each_measure_and_each_case_once() {
        let old = r#"{"opened":3,"by_category":{"threat":3},"repeat_cases":0,
            "decided":{"warning":1,"refund-and-termination":2},"refunds":2,
            "refund_total":7000,"cut_off":2}"#;
        let week: WeekStats = serde_json::from_str(old).unwrap();
        assert_eq!(week.decided_total(), 3);
        assert_eq!(week.combined, 2);
        assert_eq!(week.decided(Measure::Refund), 2);
        assert_eq!(week.decided(Measure::Termination), 2);
        assert_eq!(week.decided(Measure::Warning), 1);
        let again: WeekStats =
            serde_json::from_str(&serde_json::to_string(&week).unwrap()).unwrap();
        assert_eq!(again, week);
    }

    #[test]
    fn a_decision_of_several_measures_is_one_case_counted_in_each() {
        let mut week = WeekStats::default();
        week.count_decided(Outcome::only(Measure::Warning).and(Measure::Police), false);
        week.count_decided(Outcome::refund(10).and(Measure::Termination), true);
        assert_eq!((week.decided_total(), week.combined), (2, 2));
        assert_eq!(week.decided(Measure::Police), 1);
        assert_eq!((week.refunds, week.refund_total, week.cut_off), (1, 10, 1));
    }

    fn at(s: &str) -> Timestamp {
        s.parse().unwrap()
    }

    fn schedule(weekly_at: &str, tz: &str) -> Schedule {
        let (weekday, time) = Schedule::parse_weekly_at(weekly_at).unwrap();
        Schedule {
            weekday,
            time,
            zone: zone(tz),
        }
    }

    fn week(s: &str) -> Week {
        s.parse().unwrap()
    }

    #[test]
    fn a_changed_category_moves_the_weeks_count() {
        let mut stats = WeekStats::default();
        stats.count_opened(Category::VerbalAbuse, false);
        stats.recount_category(Category::VerbalAbuse, Category::Sexual);
        assert_eq!(stats.by_category.get(&Category::VerbalAbuse), None);
        assert_eq!(stats.by_category.get(&Category::Sexual), Some(&1));
    }

    #[test]
    fn weeks_are_counted_in_the_configured_zone() {
        // Sunday 20:00 UTC is already Monday 05:00 in Tokyo: the next week there.
        let sunday_evening = at("2026-11-22T20:00:00Z");
        assert_eq!(Week::of(sunday_evening, &zone("UTC")), week("2026-W47"));
        assert_eq!(
            Week::of(sunday_evening, &zone("Asia/Tokyo")),
            week("2026-W48")
        );
        // And Monday 03:00 UTC is still Sunday in New York.
        let monday_early = at("2026-11-23T03:00:00Z");
        assert_eq!(
            Week::of(monday_early, &zone("America/New_York")),
            week("2026-W47")
        );
    }

    #[test]
    fn iso_weeks_cross_years_the_iso_way() {
        // 2026-12-31 is a Thursday: week 53 of 2026. 2027-01-04 starts 2027-W01.
        assert_eq!(
            Week::containing(Date::new(2026, 12, 31).unwrap()),
            week("2026-W53")
        );
        assert_eq!(week("2026-W53").next(), week("2027-W01"));
        assert_eq!(week("2027-W01").previous(), week("2026-W53"));
        assert_eq!(week("2027-W01").monday(), Date::new(2027, 1, 4).unwrap());
        // 2025-12-29 (Monday) is in 2026-W01.
        assert_eq!(
            Week::containing(Date::new(2025, 12, 29).unwrap()),
            week("2026-W01")
        );
        assert!("2025-W53".parse::<Week>().is_err(), "2025 has 52 weeks");
    }

    #[test]
    fn week_names_parse_and_keys_sort() {
        assert_eq!(week("2026w47"), week("2026-W47"));
        assert_eq!(week("2026-W47").to_string(), "2026-W47");
        for bad in [
            "",
            "2026",
            "W47",
            "2026-W0",
            "2026-W54",
            "twenty-W1",
            "2026-W47-1",
        ] {
            assert!(bad.parse::<Week>().is_err(), "{bad}");
        }
        let (a, b) = (week("2026-W53"), week("2027-W01"));
        assert!(a.key() < b.key());
        assert_eq!(Week::from_key(&b.key()), Some(b));
        assert_eq!(
            week("2026-W05").last(3),
            [week("2026-W03"), week("2026-W04"), week("2026-W05")]
        );
    }

    #[test]
    fn weekly_at_reads_the_ways_people_write_it() {
        for s in [
            "MON 09:00",
            "mon 9:00",
            "Monday 09:00",
            "月 09:00",
            "月曜日 9:00",
        ] {
            assert_eq!(
                Schedule::parse_weekly_at(s),
                Ok((Weekday::Monday, Time::constant(9, 0, 0, 0))),
                "{s}"
            );
        }
        for bad in [
            "",
            "MON",
            "09:00",
            "MO 09:00",
            "MON 24:00",
            "MON 9",
            "MON 09:60",
            "MON 09:00 JST",
        ] {
            assert!(Schedule::parse_weekly_at(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn a_weeks_report_is_due_the_following_week_in_the_zone() {
        let tokyo = schedule("MON 09:00", "Asia/Tokyo");
        // 2026-W47 runs Mon 16 Nov to Sun 22 Nov; its report is Mon 23 Nov 09:00 JST.
        assert_eq!(tokyo.due(week("2026-W47")), at("2026-11-23T00:00:00Z"));
        let friday = schedule("FRI 17:30", "Europe/London");
        assert_eq!(friday.due(week("2026-W47")), at("2026-11-27T17:30:00Z"));
    }

    #[test]
    fn due_times_follow_daylight_saving() {
        let ny = schedule("MON 09:00", "America/New_York");
        // 09:00 EDT (UTC-4) before the November change, 09:00 EST (UTC-5) after it.
        assert_eq!(ny.due(week("2026-W43")), at("2026-10-26T13:00:00Z"));
        assert_eq!(ny.due(week("2026-W44")), at("2026-11-02T14:00:00Z"));
        // Sunday 8 March 2026, 02:30 does not exist in New York: it is 03:30 EDT.
        let gap = schedule("SUN 02:30", "America/New_York");
        assert_eq!(gap.due(week("2026-W09")), at("2026-03-08T07:30:00Z"));
        // Sunday 1 November 2026, 01:30 happens twice: the first (EDT) counts.
        let fold = schedule("SUN 01:30", "America/New_York");
        assert_eq!(fold.due(week("2026-W43")), at("2026-11-01T05:30:00Z"));
        // Consecutive dues are a week apart except across a change, by the change.
        let london = schedule("MON 09:00", "Europe/London");
        let hours = |w: &str| {
            london
                .due(week(w).next())
                .duration_since(london.due(week(w)))
                .as_hours()
        };
        assert_eq!(hours("2026-W10"), 168);
        assert_eq!(hours("2026-W12"), 167, "clocks go forward on 29 March");
        assert_eq!(hours("2026-W42"), 169, "clocks go back on 25 October");
    }

    #[test]
    fn a_new_store_starts_with_the_first_report_not_yet_due() {
        let tokyo = schedule("MON 09:00", "Asia/Tokyo");
        // Monday 08:59 JST: last week's report is a minute away.
        assert_eq!(
            tokyo.first_week(at("2026-11-22T23:59:00Z")),
            week("2026-W47")
        );
        // Monday 09:00 JST: it is due now, so it belongs to the time before us.
        assert_eq!(
            tokyo.first_week(at("2026-11-23T00:00:00Z")),
            week("2026-W48")
        );
        // Sunday in the week itself.
        assert_eq!(
            tokyo.first_week(at("2026-11-22T05:00:00Z")),
            week("2026-W47")
        );
    }

    #[test]
    fn week_start_is_monday_midnight_in_the_zone() {
        assert_eq!(
            week("2026-W48").start(&zone("Asia/Tokyo")),
            at("2026-11-22T15:00:00Z")
        );
    }

    #[test]
    fn percentiles_are_nearest_rank() {
        assert_eq!(Spread::of_sorted(&[]), None);
        let one = Spread::of_sorted(&[60]).unwrap();
        assert_eq!((one.median.as_secs(), one.p90.as_secs()), (60, 60));
        let ten: Vec<u64> = (1..=10).collect();
        let s = Spread::of_sorted(&ten).unwrap();
        assert_eq!((s.count, s.median.as_secs(), s.p90.as_secs()), (10, 5, 9));
        let s = Spread::of_sorted(&[1, 2, 3, 4]).unwrap();
        assert_eq!((s.median.as_secs(), s.p90.as_secs()), (2, 4));
    }

    #[test]
    fn private_categories_are_counted_together_and_never_named() {
        let mut stats = WeekStats::default();
        stats.by_category.insert(Category::VerbalAbuse, 2);
        stats.by_category.insert(Category::Threat, 3);
        stats.by_category.insert(Category::Sexual, 1);
        stats.by_category.insert(Category::Discrimination, 2);
        let (public, private) = stats.categories_for_report();
        assert_eq!(public, [(Category::Threat, 3), (Category::VerbalAbuse, 2)]);
        assert_eq!(private, 3);
        let counts = stats.chart_counts();
        assert_eq!(counts.len(), chart_series().len());
        assert_eq!(counts.iter().sum::<u64>(), 8);
        assert_eq!(*counts.last().unwrap(), 3);
    }
}
