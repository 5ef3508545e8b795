//! Purpose: the compliance report's numbers (issue 14): what the company did about
//! customer harassment over a period, grouped as the MHLW guideline (指針) groups the
//! measures it requires: 1 the policy, 2 the consultation system, 3 the response, 4
//! deterrence (the rules in force), 5 care and privacy. Aggregates only: counts, times
//! and settings, never a name, a free text or what a private case was about. Pure: the
//! report module feeds `Gathering` the store's records one by one and the catalogs word
//! the result.
//!
//! Like the weekly report, each thing counts when it happened: a case in the month it
//! was opened, a take or a decision when it was made, a check-in when it was sent or
//! answered, a consultation's steps when each happened. Acknowledgements of the policy
//! in force are counted up to when the report is made (they are evidence that
//! accumulates), with how many fell in the period; and, when the staff could be listed
//! from Slack as the report was made (`Staff`, an input: the domain asks nobody), how
//! many of them did.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::fmt;

use jiff::civil::Date;
use jiff::tz::TimeZone;
use jiff::{SignedDuration, Timestamp, ToSpan};
use serde::{Serialize, Serializer};

use super::case::{Case, CaseState, Event, Measure};
use super::category::{Category, Severity};
use super::checks::LegalReview;
use super::consultation::{ConsultState, Consultation};
use super::ids::{CustomerId, UserId};
use super::policy::{History, Policy, Roles, Step};
use super::report::Spread;
use super::{CheckInReply, PagingPolicy};

/// The longest period a report covers: 8 years, 96 months, which its monthly tables hold
/// (Slack's data table takes 100 rows).
pub const MAX_MONTHS: usize = 96;

/// A calendar month.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Month {
    pub year: i16,
    /// 1 to 12.
    pub month: i8,
}

impl Month {
    pub fn of(date: Date) -> Month {
        Month {
            year: date.year(),
            month: date.month(),
        }
    }

    pub fn first_day(self) -> Date {
        Date::new(self.year, self.month, 1).expect("a Month is a real month")
    }

    pub fn next(self) -> Month {
        if self.month == 12 {
            Month {
                year: self.year.saturating_add(1),
                month: 1,
            }
        } else {
            Month {
                year: self.year,
                month: self.month + 1,
            }
        }
    }
}

impl fmt::Display for Month {
    /// `2026-07`: the key programs read (CSV, JSON).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}", self.year, self.month)
    }
}

impl Serialize for Month {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

/// Why a period was not understood, as a sentence for the command line (Slack has the
/// catalog's `compliance_period_invalid`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PeriodError {
    /// Not a day like 2026-07-01.
    NotADay(String),
    /// The first day is after the last.
    Reversed { from: Date, to: Date },
    /// Longer than `MAX_MONTHS`.
    TooLong,
}

impl fmt::Display for PeriodError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PeriodError::NotADay(given) => {
                write!(f, "{given:?} is not a day: write it like 2026-07-01.")
            }
            PeriodError::Reversed { from, to } => {
                write!(f, "The period starts on {from}, after its end on {to}.")
            }
            PeriodError::TooLong => write!(
                f,
                "A report covers at most {} years ({MAX_MONTHS} months).",
                MAX_MONTHS / 12
            ),
        }
    }
}

/// The days a report covers, both included, on the calendar of `report.timezone`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Period {
    pub from: Date,
    pub to: Date,
}

impl Period {
    pub fn new(from: Date, to: Date) -> Result<Period, PeriodError> {
        if from > to {
            return Err(PeriodError::Reversed { from, to });
        }
        let period = Period { from, to };
        if period.months().len() > MAX_MONTHS {
            return Err(PeriodError::TooLong);
        }
        Ok(period)
    }

    /// The last calendar quarter (January to March, April to June, …) that ended before
    /// `today`.
    pub fn last_full_quarter(today: Date) -> Period {
        let this_quarter = Month {
            year: today.year(),
            month: (today.month() - 1) / 3 * 3 + 1,
        }
        .first_day();
        let from = this_quarter.saturating_sub(3.months());
        Period {
            from,
            to: this_quarter.saturating_sub(1.day()),
        }
    }

    /// The period asked for: neither day, the last full quarter; only `from`, from then
    /// to `today`; only `to`, from the start of its quarter to it; both, those days.
    pub fn asked(from: Option<&str>, to: Option<&str>, today: Date) -> Result<Period, PeriodError> {
        let day = |text: &str| {
            text.trim()
                .parse::<Date>()
                .map_err(|_| PeriodError::NotADay(text.trim().to_owned()))
        };
        match (from.map(day).transpose()?, to.map(day).transpose()?) {
            (None, None) => Ok(Period::last_full_quarter(today)),
            (Some(from), None) => Period::new(from, today.max(from)),
            (None, Some(to)) => {
                let quarter = Month {
                    year: to.year(),
                    month: (to.month() - 1) / 3 * 3 + 1,
                };
                Period::new(quarter.first_day(), to)
            }
            (Some(from), Some(to)) => Period::new(from, to),
        }
    }

    /// The first instant of the first day, in `zone`.
    pub fn start(self, zone: &TimeZone) -> Timestamp {
        day_start(self.from, zone)
    }

    /// The first instant after the last day, in `zone` (the period is `start..end`).
    pub fn end(self, zone: &TimeZone) -> Timestamp {
        day_start(self.to.saturating_add(1.day()), zone)
    }

    /// Every month the period touches, in order.
    pub fn months(self) -> Vec<Month> {
        let last = Month::of(self.to);
        let mut months = vec![Month::of(self.from)];
        while let Some(&month) = months.last()
            && month < last
            && months.len() <= MAX_MONTHS
        {
            months.push(month.next());
        }
        months
    }
}

fn day_start(date: Date, zone: &TimeZone) -> Timestamp {
    date.to_zoned(zone.clone())
        .map(|z| z.timestamp())
        .unwrap_or(Timestamp::MAX)
}

impl Serialize for Period {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        #[derive(Serialize)]
        struct Days {
            from: String,
            to: String,
        }
        Days {
            from: self.from.to_string(),
            to: self.to.to_string(),
        }
        .serialize(s)
    }
}

/// How long some things took: how many, the median, and the time 9 in 10 were within
/// (nearest rank, as the weekly report says it).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Times {
    pub count: u64,
    pub median_seconds: i64,
    pub p90_seconds: i64,
}

impl Times {
    fn of(mut seconds: Vec<u64>) -> Option<Times> {
        seconds.sort_unstable();
        Spread::of_sorted(&seconds).map(Times::from)
    }

    pub fn median(self) -> SignedDuration {
        SignedDuration::from_secs(self.median_seconds)
    }

    pub fn p90(self) -> SignedDuration {
        SignedDuration::from_secs(self.p90_seconds)
    }
}

impl From<Spread> for Times {
    fn from(s: Spread) -> Times {
        Times {
            count: s.count as u64,
            median_seconds: s.median.as_secs(),
            p90_seconds: s.p90.as_secs(),
        }
    }
}

/// Group 1, the policy (方針の明確化と周知): the version in force, where it is, who
/// read it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PolicyFigures {
    /// `policy.version`, in force when the report is made.
    pub version: String,
    /// `policy.document_url`.
    pub document_url: Option<String>,
    /// People who acknowledged the version in force, up to when the report was made.
    pub acknowledged: u64,
    /// Of them, those who did within the period.
    pub acknowledged_in_period: u64,
    #[serde(serialize_with = "optional_time")]
    pub first_acknowledged_at: Option<Timestamp>,
    #[serde(serialize_with = "optional_time")]
    pub last_acknowledged_at: Option<Timestamp>,
    /// The staff listed from Slack when the report was made (`None`: not counted, and
    /// `staff_not_counted` says why).
    pub staff: Option<u64>,
    /// Of them, those whose acknowledgement of the version in force is stored.
    pub staff_acknowledged: Option<u64>,
    /// Which list the staff came from.
    pub staff_from: Option<StaffList>,
    #[serde(serialize_with = "optional_time")]
    pub staff_counted_at: Option<Timestamp>,
    /// Why the staff were not counted.
    #[serde(serialize_with = "optional_not_counted")]
    pub staff_not_counted: Option<NotCounted>,
    /// The policy versions the period's decisions were stamped with, and how many each:
    /// the versions in force during the period.
    pub decided_under: BTreeMap<String, u64>,
}

/// Where the people who should read the policy are listed: `people.staff_group`, else
/// the support channels (`policy::readers`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum StaffList {
    UserGroup,
    SupportChannels,
}

/// Why the report could not count the staff.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NotCounted {
    /// The command line made the report itself (the bot was stopped) without
    /// SLACK_BOT_TOKEN, so Slack could not be asked.
    NoToken,
    /// Slack did not list them; its reason (an error code, a timeout).
    SlackFailed(String),
}

impl NotCounted {
    /// The JSON's and the CSV's value.
    pub fn slug(&self) -> &'static str {
        match self {
            NotCounted::NoToken => "no-token",
            NotCounted::SlackFailed(_) => "slack-failed",
        }
    }
}

/// The staff, as Slack listed them when the report was made (full members of our
/// workspace only), or why they were not listed. An input of the report: the Slack calls
/// are the caller's.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Staff {
    Listed {
        from: StaffList,
        at: Timestamp,
        members: Vec<UserId>,
    },
    NotListed(NotCounted),
}

/// Group 2, the consultation system (相談体制): the desk, and what came to it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ConsultationFigures {
    /// How many people are on the desk (`people.consultation_desk`).
    pub desk_members: u64,
    /// Consultations go to the desk's own channel (else by direct message).
    pub desk_channel: bool,
    pub opened: u64,
    /// The desk's first answers in the period.
    pub answered: u64,
    /// Closed with advice given.
    pub closed: u64,
    /// Turned into cases.
    pub converted: u64,
    /// From opening to the desk's first answer, for those first answered in the period.
    #[serde(serialize_with = "optional_times")]
    pub to_first_answer: Option<Times>,
}

/// The checks before a suspension or a termination, on the period's decisions.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct CheckFigures {
    /// Decisions that suspended or terminated a customer.
    pub decisions: u64,
    /// Of them, with the checks answered (every one since the checks exist).
    pub answered: u64,
    pub legal_reviewed: u64,
    pub legal_not_needed: u64,
    /// With an answer the approver was asked to look at twice (a complaint not answered,
    /// no accommodation considered, a duty to keep serving).
    pub with_concerns: u64,
}

/// Group 3, the response (事後の迅速・適切な対応).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ResponseFigures {
    pub opened: u64,
    /// Cases opened, by public category (every one, zeros included).
    #[serde(serialize_with = "by_slug")]
    pub by_category: BTreeMap<Category, u64>,
    /// Cases of the private categories, together: counted, never itemised.
    pub private_categories: u64,
    /// Cases decided (closed) in the period.
    pub decided: u64,
    /// Decided with a measure (anything but "no action").
    pub acted_on: u64,
    /// Decided as 措置なし（カスハラ非該当）: not harassment. Beside `acted_on`, the
    /// evidence that legitimate complaints are not suppressed.
    pub no_action: u64,
    /// Decisions that included each measure (every one, zeros included); a decision of
    /// several counts under each.
    #[serde(serialize_with = "by_slug")]
    pub measures: BTreeMap<Measure, u64>,
    /// Decisions of more than one measure.
    pub combined: u64,
    pub refund_total: u64,
    pub currency: String,
    /// From opening to being taken, for the cases taken in the period; and to being
    /// decided, for those decided in it.
    #[serde(serialize_with = "optional_times")]
    pub to_taken: Option<Times>,
    #[serde(serialize_with = "optional_times")]
    pub to_decided: Option<Times>,
    pub checks: CheckFigures,
    /// Cases opened in the period whose customer had an earlier case.
    pub repeat_cases: u64,
    /// Customers with a case in the period and more than one case by its end.
    pub repeat_customers: u64,
    /// Decisions of the period with a prevention note (再発防止策) recorded.
    pub prevention_notes: u64,
}

/// One step of the ladder: this many earlier cases in the window recommend that step.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct LadderStep {
    /// Earlier cases in the window (the last step is "this many or more").
    pub earlier_cases: u32,
    pub step: Step,
}

/// 4. Deterrence (抑止のための措置): the rules in force at the time, as roles and counts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RulesInForce {
    pub ladder: Vec<LadderStep>,
    /// The ladder counts earlier cases opened within this many days (not those closed
    /// as "no action").
    pub ladder_window_days: i64,
    /// Where a critical case (violence, threats) starts, whatever the history.
    pub critical_starts_at: Step,
    /// Suspensions and terminations always need an approver; refunds above this.
    pub refund_approval_over: u64,
    pub approvers: u64,
    /// The approvers are the managers (`people.approvers` not set).
    pub approvers_are_managers: bool,
    pub executives: u64,
    pub managers: u64,
    /// `policy.reporter_may_decide`: separation of duties lifted.
    pub reporter_may_decide: bool,
    /// Nobody took a case: the next executive after this long, then alerts.
    pub page_after_seconds: i64,
    pub alert_rounds: u32,
    /// A taken case not yet decided: a reminder this often.
    pub decision_reminder_seconds: i64,
}

impl RulesInForce {
    /// The rules the configuration and the code apply now.
    pub fn of(roles: &Roles, policy: &Policy, paging: &PagingPolicy) -> RulesInForce {
        let approvers = distinct(&roles.approvers);
        let managers = distinct(&roles.managers);
        RulesInForce {
            ladder: ladder(),
            ladder_window_days: super::customer::LADDER_WINDOW.as_hours() / 24,
            critical_starts_at: Step::CRITICAL_STARTS_AT,
            refund_approval_over: policy.refund_approval_over,
            approvers: approvers.len() as u64,
            approvers_are_managers: approvers == managers,
            executives: distinct(&roles.executives).len() as u64,
            managers: managers.len() as u64,
            reporter_may_decide: roles.reporter_may_decide,
            page_after_seconds: paging.ack_timeout.as_secs(),
            alert_rounds: paging.max_rounds,
            decision_reminder_seconds: paging.decision_reminder.as_secs(),
        }
    }
}

/// The people of a role, each once, in id order.
fn distinct(users: &[UserId]) -> Vec<&UserId> {
    let mut seen: Vec<&UserId> = users.iter().collect();
    seen.sort();
    seen.dedup();
    seen
}

/// The ladder as `Step::recommend` applies it, read from it rather than restated: the
/// step for each number of earlier cases, up to the one that stays.
fn ladder() -> Vec<LadderStep> {
    let mut steps: Vec<LadderStep> = Vec::new();
    for earlier in 0..10 {
        let history = History {
            prior_cases: earlier,
            prior_cases_last_12_months: earlier,
            ..History::default()
        };
        let step = Step::recommend(Severity::Medium, &history);
        if steps.last().is_some_and(|s| s.step == step) {
            continue;
        }
        steps.push(LadderStep {
            earlier_cases: earlier,
            step,
        });
    }
    steps
}

/// Group 5, care and privacy (併せて講ずべき措置).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CareFigures {
    /// Check-ins after a close sent, and answered: fine, would like to talk to the desk,
    /// or no answer in time.
    pub check_ins_sent: u64,
    pub check_ins_fine: u64,
    pub check_ins_desk: u64,
    pub check_ins_unanswered: u64,
    /// "I need someone now", from the reporter of a critical case.
    pub needed_someone: u64,
    /// Reporters kept off a customer (担当替え).
    pub reporters_kept_off: u64,
    /// Cases of the private categories opened: counted, never described.
    pub private_cases: u64,
    /// From the audit log: exports, backups, and retention passes that erased cases.
    pub exports: u64,
    pub backups: u64,
    pub retention_passes: u64,
    /// `store.retention` (`5y`, `forever`).
    pub retention: String,
    /// `care.check_in_after` in seconds (`None`: check-ins are off).
    pub check_in_after_seconds: Option<i64>,
}

/// The numbers of one month (its days within the period).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MonthFigures {
    pub month: Month,
    pub opened: u64,
    #[serde(serialize_with = "by_slug")]
    pub by_category: BTreeMap<Category, u64>,
    pub private_categories: u64,
    pub decided: u64,
    pub acted_on: u64,
    pub no_action: u64,
    pub consultations: u64,
}

impl MonthFigures {
    fn new(month: Month) -> MonthFigures {
        MonthFigures {
            month,
            opened: 0,
            by_category: public_categories(),
            private_categories: 0,
            decided: 0,
            acted_on: 0,
            no_action: 0,
            consultations: 0,
        }
    }
}

/// The whole report: its period, when it was made, and the five groups. Its JSON is the
/// report's JSON (keys in English, the same in every language and every report).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Compliance {
    pub period: Period,
    /// The zone the period's days are counted in (`report.timezone`).
    pub zone: String,
    #[serde(serialize_with = "time")]
    pub made_at: Timestamp,
    pub policy: PolicyFigures,
    pub consultation: ConsultationFigures,
    pub response: ResponseFigures,
    pub deterrence: RulesInForce,
    pub care: CareFigures,
    pub months: Vec<MonthFigures>,
}

impl Compliance {
    /// The public categories that had a case in the period, in the categories' order:
    /// the columns of the table by category and month.
    pub fn categories_seen(&self) -> Vec<Category> {
        self.response
            .by_category
            .iter()
            .filter(|(_, n)| **n > 0)
            .map(|(c, _)| *c)
            .collect()
    }
}

/// What the report says besides the counts: the configuration in force when it is made.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Standing {
    pub zone: String,
    pub made_at: Timestamp,
    pub policy_version: String,
    pub document_url: Option<String>,
    pub desk_members: u64,
    pub desk_channel: bool,
    pub currency: String,
    pub rules: RulesInForce,
    pub retention: String,
    pub check_in_after: Option<SignedDuration>,
    pub staff: Staff,
}

fn public_categories() -> BTreeMap<Category, u64> {
    Category::ALL
        .into_iter()
        .filter(|c| !c.is_private())
        .map(|c| (c, 0))
        .collect()
}

fn every_measure() -> BTreeMap<Measure, u64> {
    Measure::ALL.into_iter().map(|m| (m, 0)).collect()
}

/// The report's numbers, gathered from records fed one at a time (cases in number order,
/// with their timelines; consultations; acknowledgements of the version in force; the
/// audit log outside cases), so a store of any size needs no more memory than a count
/// per customer.
#[derive(Debug)]
pub struct Gathering {
    zone: TimeZone,
    period: Period,
    start: Timestamp,
    end: Timestamp,
    months: BTreeMap<Month, MonthFigures>,
    response: ResponseFigures,
    care: CareFigures,
    consultation: ConsultationFigures,
    decided_under: BTreeMap<String, u64>,
    to_taken: Vec<u64>,
    to_decided: Vec<u64>,
    to_first_answer: Vec<u64>,
    /// Per customer: cases opened before the period's end, and whether one was in it.
    customers: HashMap<CustomerId, (u64, bool)>,
    acknowledged: Vec<Timestamp>,
    acknowledged_by: HashSet<UserId>,
}

fn seconds_between(from: Timestamp, to: Timestamp) -> u64 {
    to.duration_since(from).as_secs().max(0) as u64
}

impl Gathering {
    pub fn new(period: Period, zone: &TimeZone) -> Gathering {
        Gathering {
            zone: zone.clone(),
            period,
            start: period.start(zone),
            end: period.end(zone),
            months: period
                .months()
                .into_iter()
                .map(|m| (m, MonthFigures::new(m)))
                .collect(),
            response: ResponseFigures {
                opened: 0,
                by_category: public_categories(),
                private_categories: 0,
                decided: 0,
                acted_on: 0,
                no_action: 0,
                measures: every_measure(),
                combined: 0,
                refund_total: 0,
                currency: String::new(),
                to_taken: None,
                to_decided: None,
                checks: CheckFigures::default(),
                repeat_cases: 0,
                repeat_customers: 0,
                prevention_notes: 0,
            },
            care: CareFigures {
                check_ins_sent: 0,
                check_ins_fine: 0,
                check_ins_desk: 0,
                check_ins_unanswered: 0,
                needed_someone: 0,
                reporters_kept_off: 0,
                private_cases: 0,
                exports: 0,
                backups: 0,
                retention_passes: 0,
                retention: String::new(),
                check_in_after_seconds: None,
            },
            consultation: ConsultationFigures {
                desk_members: 0,
                desk_channel: false,
                opened: 0,
                answered: 0,
                closed: 0,
                converted: 0,
                to_first_answer: None,
            },
            decided_under: BTreeMap::new(),
            to_taken: Vec::new(),
            to_decided: Vec::new(),
            to_first_answer: Vec::new(),
            customers: HashMap::new(),
            acknowledged: Vec::new(),
            acknowledged_by: HashSet::new(),
        }
    }

    fn within(&self, at: Timestamp) -> bool {
        self.start <= at && at < self.end
    }

    /// The month of `at`, when `at` is within the period.
    fn month(&mut self, at: Timestamp) -> Option<&mut MonthFigures> {
        if !self.within(at) {
            return None;
        }
        let month = Month::of(at.to_zoned(self.zone.clone()).date());
        self.months.get_mut(&month)
    }

    /// One case, with its timeline. Cases come in number order (the order they opened),
    /// which is how "an earlier case" of the same customer is known.
    pub fn case(&mut self, case: &Case, timeline: &[Event]) {
        let opened_in = self.within(case.opened_at);
        if opened_in {
            self.response.opened += 1;
            if case.category.is_private() {
                self.response.private_categories += 1;
                self.care.private_cases += 1;
            } else {
                *self.response.by_category.entry(case.category).or_default() += 1;
            }
            if let Some(month) = self.month(case.opened_at) {
                month.opened += 1;
                if case.category.is_private() {
                    month.private_categories += 1;
                } else {
                    *month.by_category.entry(case.category).or_default() += 1;
                }
            }
        }
        if let Some(customer) = &case.customer
            && case.opened_at < self.end
        {
            let (earlier, _) = self.customers.get(customer).copied().unwrap_or((0, false));
            if opened_in && earlier > 0 {
                self.response.repeat_cases += 1;
            }
            let entry = self.customers.entry(customer.clone()).or_insert((0, false));
            entry.0 += 1;
            entry.1 |= opened_in;
        }
        if let Some(owner) = case.owner()
            && self.within(owner.at)
        {
            self.to_taken
                .push(seconds_between(case.opened_at, owner.at));
        }
        if let CaseState::Closed { decision, .. } = &case.state {
            let at = decision.final_stamp().at;
            if self.within(at) {
                let outcome = decision.outcome;
                let acted = !outcome.is_no_action();
                let r = &mut self.response;
                r.decided += 1;
                if acted {
                    r.acted_on += 1;
                } else {
                    r.no_action += 1;
                }
                for measure in outcome.measures.iter() {
                    *r.measures.entry(measure).or_default() += 1;
                }
                if outcome.measures.len() > 1 {
                    r.combined += 1;
                }
                if let Some(amount) = outcome.refund_amount() {
                    r.refund_total = r.refund_total.saturating_add(amount);
                }
                if Policy::needs_checks(outcome) {
                    r.checks.decisions += 1;
                    if let Some(checks) = &decision.checks {
                        r.checks.answered += 1;
                        match checks.legal {
                            LegalReview::Reviewed => r.checks.legal_reviewed += 1,
                            LegalReview::NotNeeded => r.checks.legal_not_needed += 1,
                            LegalReview::Pending => {}
                        }
                        if checks.concerns() {
                            r.checks.with_concerns += 1;
                        }
                    }
                }
                if decision.has_prevention() {
                    r.prevention_notes += 1;
                }
                *self
                    .decided_under
                    .entry(decision.policy_version.clone())
                    .or_default() += 1;
                self.to_decided.push(seconds_between(case.opened_at, at));
                if let Some(month) = self.month(at) {
                    month.decided += 1;
                    if acted {
                        month.acted_on += 1;
                    } else {
                        month.no_action += 1;
                    }
                }
            }
        }
        if let Some(check_in) = &case.check_in {
            if self.within(check_in.sent_at) {
                self.care.check_ins_sent += 1;
            }
            if let Some(answer) = &check_in.answer
                && self.within(answer.at)
            {
                match answer.reply {
                    CheckInReply::Fine => self.care.check_ins_fine += 1,
                    CheckInReply::Desk => self.care.check_ins_desk += 1,
                    CheckInReply::NoAnswer => self.care.check_ins_unanswered += 1,
                }
            }
        }
        for event in timeline {
            match event {
                Event::ReporterKeptOff { by } if self.within(by.at) => {
                    self.care.reporters_kept_off += 1;
                }
                Event::SafetyAnswered { safe: false, by } if self.within(by.at) => {
                    self.care.needed_someone += 1;
                }
                _ => {}
            }
        }
    }

    /// One consultation: opened, first answered, closed or turned into a case, each when
    /// it happened.
    pub fn consultation(&mut self, consultation: &Consultation) {
        if self.within(consultation.opened_at) {
            self.consultation.opened += 1;
            if let Some(month) = self.month(consultation.opened_at) {
                month.consultations += 1;
            }
        }
        if let Some(first) = &consultation.first_answer
            && self.within(first.at)
        {
            self.consultation.answered += 1;
            self.to_first_answer
                .push(seconds_between(consultation.opened_at, first.at));
        }
        match &consultation.state {
            ConsultState::Open => {}
            ConsultState::Closed { by } => {
                if self.within(by.at) {
                    self.consultation.closed += 1;
                }
            }
            ConsultState::Converted { by, .. } => {
                if self.within(by.at) {
                    self.consultation.converted += 1;
                }
            }
        }
    }

    /// `user` acknowledged the version of the policy in force, at `at`.
    pub fn acknowledgement(&mut self, user: &UserId, at: Timestamp) {
        self.acknowledged.push(at);
        self.acknowledged_by.insert(user.clone());
    }

    /// An entry of the audit log outside cases (`export`, `backup`, `retention-erased`…).
    pub fn log_entry(&mut self, what: &str, at: Timestamp) {
        if !self.within(at) {
            return;
        }
        match what {
            "export" => self.care.exports += 1,
            "backup" => self.care.backups += 1,
            "retention-erased" => self.care.retention_passes += 1,
            _ => {}
        }
    }

    /// The report, with what the configuration says now.
    pub fn finish(mut self, standing: Standing) -> Compliance {
        self.response.to_taken = Times::of(self.to_taken);
        self.response.to_decided = Times::of(self.to_decided);
        self.response.currency = standing.currency;
        self.response.repeat_customers = self
            .customers
            .values()
            .filter(|(cases, in_period)| *in_period && *cases > 1)
            .count() as u64;
        self.consultation.to_first_answer = Times::of(self.to_first_answer);
        self.consultation.desk_members = standing.desk_members;
        self.consultation.desk_channel = standing.desk_channel;
        self.care.retention = standing.retention;
        self.care.check_in_after_seconds = standing.check_in_after.map(|d| d.as_secs());
        self.acknowledged.sort_unstable();
        let acknowledged_in_period = self
            .acknowledged
            .iter()
            .filter(|at| self.start <= **at && **at < self.end)
            .count() as u64;
        let (staff, staff_acknowledged, staff_from, staff_counted_at, staff_not_counted) =
            match standing.staff {
                Staff::Listed { from, at, members } => {
                    let members: HashSet<UserId> = members.into_iter().collect();
                    let done = members
                        .iter()
                        .filter(|m| self.acknowledged_by.contains(*m))
                        .count();
                    (
                        Some(members.len() as u64),
                        Some(done as u64),
                        Some(from),
                        Some(at),
                        None,
                    )
                }
                Staff::NotListed(why) => (None, None, None, None, Some(why)),
            };
        Compliance {
            period: self.period,
            zone: standing.zone,
            made_at: standing.made_at,
            policy: PolicyFigures {
                version: standing.policy_version,
                document_url: standing.document_url,
                acknowledged: self.acknowledged.len() as u64,
                acknowledged_in_period,
                first_acknowledged_at: self.acknowledged.first().copied(),
                last_acknowledged_at: self.acknowledged.last().copied(),
                staff,
                staff_acknowledged,
                staff_from,
                staff_counted_at,
                staff_not_counted,
                decided_under: self.decided_under,
            },
            consultation: self.consultation,
            response: self.response,
            deterrence: standing.rules,
            care: self.care,
            months: self.months.into_values().collect(),
        }
    }
}

/// Every figure of the report by its JSON path, in the order the CSV lists them: the
/// CSV's `item` column, and what the catalogs name. A figure of several (by category, by
/// measure, by version, the ladder's steps) has a `key` beside it; a monthly one a month.
pub const ITEMS: [&str; 81] = [
    "period.from",
    "period.to",
    "zone",
    "made_at",
    "policy.version",
    "policy.document_url",
    "policy.acknowledged",
    "policy.acknowledged_in_period",
    "policy.first_acknowledged_at",
    "policy.last_acknowledged_at",
    "policy.staff",
    "policy.staff_acknowledged",
    "policy.staff_from",
    "policy.staff_counted_at",
    "policy.staff_not_counted",
    "policy.decided_under",
    "consultation.desk_members",
    "consultation.desk_channel",
    "consultation.opened",
    "consultation.answered",
    "consultation.closed",
    "consultation.converted",
    "consultation.to_first_answer.count",
    "consultation.to_first_answer.median_seconds",
    "consultation.to_first_answer.p90_seconds",
    "response.opened",
    "response.by_category",
    "response.private_categories",
    "response.decided",
    "response.acted_on",
    "response.no_action",
    "response.measures",
    "response.combined",
    "response.refund_total",
    "response.currency",
    "response.to_taken.count",
    "response.to_taken.median_seconds",
    "response.to_taken.p90_seconds",
    "response.to_decided.count",
    "response.to_decided.median_seconds",
    "response.to_decided.p90_seconds",
    "response.checks.decisions",
    "response.checks.answered",
    "response.checks.legal_reviewed",
    "response.checks.legal_not_needed",
    "response.checks.with_concerns",
    "response.repeat_cases",
    "response.repeat_customers",
    "response.prevention_notes",
    "months.opened",
    "months.by_category",
    "months.private_categories",
    "months.decided",
    "months.acted_on",
    "months.no_action",
    "months.consultations",
    "deterrence.ladder",
    "deterrence.ladder_window_days",
    "deterrence.critical_starts_at",
    "deterrence.refund_approval_over",
    "deterrence.approvers",
    "deterrence.approvers_are_managers",
    "deterrence.executives",
    "deterrence.managers",
    "deterrence.reporter_may_decide",
    "deterrence.page_after_seconds",
    "deterrence.alert_rounds",
    "deterrence.decision_reminder_seconds",
    "care.check_ins_sent",
    "care.check_ins_fine",
    "care.check_ins_desk",
    "care.check_ins_unanswered",
    "care.needed_someone",
    "care.reporters_kept_off",
    "care.private_cases",
    "care.exports",
    "care.backups",
    "care.retention_passes",
    "care.retention",
    "care.check_in_after_seconds",
    // Not a row: the month column's name (the monthly tables' first column).
    "months.month",
];

/// Maps of several figures, each row keyed by the map's key.
const KEYED: [&str; 3] = ["by_category", "measures", "decided_under"];

/// One row of the report's CSV: which group of the guideline (1 to 5; 0 for the report's
/// own period and time), which figure, of which month and key, and its value as JSON
/// writes it (without quotes; empty for nothing).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Row {
    pub section: u8,
    pub item: &'static str,
    pub month: Option<Month>,
    pub key: Option<String>,
    pub value: String,
}

impl Compliance {
    /// The report as rows, in `ITEMS` order, each month's after the response's figures.
    /// Read from the report's JSON, so the two formats cannot say different things.
    pub fn rows(&self) -> Vec<Row> {
        let json = serde_json::to_value(self).expect("the report serializes");
        let mut rows = Vec::new();
        for (name, section) in [
            ("period", 0),
            ("zone", 0),
            ("made_at", 0),
            ("policy", 1),
            ("consultation", 2),
            ("response", 3),
            ("deterrence", 4),
            ("care", 5),
        ] {
            flatten(section, name, &json[name], None, &mut rows);
        }
        for (figures, value) in self.months.iter().zip(
            json["months"]
                .as_array()
                .map(Vec::as_slice)
                .unwrap_or_default(),
        ) {
            let mut value = value.clone();
            if let Some(map) = value.as_object_mut() {
                map.remove("month");
            }
            flatten(3, "months", &value, Some(figures.month), &mut rows);
        }
        let position = |item: &str| ITEMS.iter().position(|i| *i == item).unwrap_or(usize::MAX);
        rows.sort_by_key(|r| (r.section, r.month, position(r.item)));
        rows
    }
}

fn item(path: &str) -> &'static str {
    ITEMS.iter().find(|i| **i == path).copied().unwrap_or("")
}

fn flatten(
    section: u8,
    path: &str,
    value: &serde_json::Value,
    month: Option<Month>,
    rows: &mut Vec<Row>,
) {
    use serde_json::Value;
    let scalar = |v: &Value| match v {
        Value::Null => String::new(),
        Value::String(s) => s.clone(),
        other => other.to_string(),
    };
    let Value::Object(map) = value else {
        rows.push(Row {
            section,
            item: item(path),
            month,
            key: None,
            value: scalar(value),
        });
        return;
    };
    for (name, v) in map {
        let path = format!("{path}.{name}");
        if KEYED.contains(&name.as_str()) {
            for (key, n) in v.as_object().into_iter().flatten() {
                rows.push(Row {
                    section,
                    item: item(&path),
                    month,
                    key: Some(key.clone()),
                    value: scalar(n),
                });
            }
        } else if name == "ladder" {
            for step in v.as_array().into_iter().flatten() {
                rows.push(Row {
                    section,
                    item: item(&path),
                    month,
                    key: Some(scalar(&step["earlier_cases"])),
                    value: scalar(&step["step"]),
                });
            }
        } else {
            flatten(section, &path, v, month, rows);
        }
    }
}

fn time<S: Serializer>(at: &Timestamp, s: S) -> Result<S::Ok, S::Error> {
    s.collect_str(at)
}

fn optional_time<S: Serializer>(at: &Option<Timestamp>, s: S) -> Result<S::Ok, S::Error> {
    match at {
        Some(at) => s.collect_str(at),
        None => s.serialize_none(),
    }
}

fn optional_not_counted<S: Serializer>(why: &Option<NotCounted>, s: S) -> Result<S::Ok, S::Error> {
    match why {
        Some(why) => s.serialize_str(why.slug()),
        None => s.serialize_none(),
    }
}

/// Times, or when nothing was measured a count of 0 and no times: the same keys either way.
fn optional_times<S: Serializer>(times: &Option<Times>, s: S) -> Result<S::Ok, S::Error> {
    #[derive(Serialize)]
    struct Nothing {
        count: u64,
        median_seconds: Option<i64>,
        p90_seconds: Option<i64>,
    }
    match times {
        Some(times) => times.serialize(s),
        None => Nothing {
            count: 0,
            median_seconds: None,
            p90_seconds: None,
        }
        .serialize(s),
    }
}

/// A map by category or measure, keyed by their slugs.
fn by_slug<K: Serialize + Ord, S: Serializer>(
    map: &BTreeMap<K, u64>,
    s: S,
) -> Result<S::Ok, S::Error> {
    s.collect_map(map.iter())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::case::tests::{checks, open_case, user};
    use crate::domain::consultation::ConsultSource;
    use crate::domain::{CheckIn, CheckInAnswer, ConsultationId, Decision, Outcome, Stamp, UserId};

    fn day(s: &str) -> Date {
        s.parse().expect("a day")
    }

    fn tokyo() -> TimeZone {
        TimeZone::get("Asia/Tokyo").expect("Tokyo is in the zone database")
    }

    /// `2026-07-03 10:00` in Tokyo.
    fn at(s: &str) -> Timestamp {
        let civil: jiff::civil::DateTime = s.parse().expect("a civil time");
        civil.to_zoned(tokyo()).expect("a Tokyo time").timestamp()
    }

    fn stamp(by: &str, when: &str) -> Stamp {
        Stamp {
            by: user(by),
            at: at(when),
        }
    }

    #[test]
    fn the_default_period_is_the_last_full_quarter() {
        let q = |today| Period::last_full_quarter(day(today));
        assert_eq!(
            q("2026-10-05"),
            Period {
                from: day("2026-07-01"),
                to: day("2026-09-30")
            }
        );
        assert_eq!(
            q("2026-10-01"),
            Period {
                from: day("2026-07-01"),
                to: day("2026-09-30")
            }
        );
        assert_eq!(
            q("2026-09-30"),
            Period {
                from: day("2026-04-01"),
                to: day("2026-06-30")
            }
        );
        // Across a new year.
        assert_eq!(
            q("2027-02-14"),
            Period {
                from: day("2026-10-01"),
                to: day("2026-12-31")
            }
        );
        assert_eq!(
            Period::asked(None, None, day("2027-02-14")),
            Ok(q("2027-02-14"))
        );
    }

    #[test]
    fn a_period_asked_for_by_one_day_or_two() {
        let today = day("2026-11-20");
        assert_eq!(
            Period::asked(Some("2026-10-01"), None, today),
            Ok(Period {
                from: day("2026-10-01"),
                to: today
            })
        );
        assert_eq!(
            Period::asked(None, Some("2026-08-15"), today),
            Ok(Period {
                from: day("2026-07-01"),
                to: day("2026-08-15")
            })
        );
        assert_eq!(
            Period::asked(Some(" 2026-01-01"), Some("2026-12-31 "), today),
            Ok(Period {
                from: day("2026-01-01"),
                to: day("2026-12-31")
            })
        );
        assert_eq!(
            Period::asked(Some("2026-12-01"), Some("2026-11-01"), today),
            Err(PeriodError::Reversed {
                from: day("2026-12-01"),
                to: day("2026-11-01")
            })
        );
        assert_eq!(
            Period::asked(Some("July"), None, today),
            Err(PeriodError::NotADay("July".into()))
        );
        assert_eq!(
            Period::asked(Some("2010-01-01"), Some("2026-01-01"), today),
            Err(PeriodError::TooLong)
        );
        assert!(Period::asked(Some("2018-01-01"), Some("2025-12-31"), today).is_ok());
    }

    #[test]
    fn a_period_starts_and_ends_at_midnight_in_the_zone_and_lists_its_months() {
        let period = Period {
            from: day("2026-07-01"),
            to: day("2026-09-30"),
        };
        assert_eq!(
            period.start(&tokyo()),
            "2026-06-30T15:00:00Z".parse::<Timestamp>().unwrap()
        );
        assert_eq!(
            period.end(&tokyo()),
            "2026-09-30T15:00:00Z".parse::<Timestamp>().unwrap()
        );
        let months: Vec<String> = period.months().iter().map(Month::to_string).collect();
        assert_eq!(months, ["2026-07", "2026-08", "2026-09"]);
        let across = Period {
            from: day("2026-11-15"),
            to: day("2027-01-02"),
        };
        let months: Vec<String> = across.months().iter().map(Month::to_string).collect();
        assert_eq!(months, ["2026-11", "2026-12", "2027-01"]);
    }

    fn quarter() -> Period {
        Period {
            from: day("2026-07-01"),
            to: day("2026-09-30"),
        }
    }

    fn case(n: u64, customer: &str, category: Category, opened: &str) -> Case {
        let mut case = open_case();
        case.id = crate::domain::CaseId::new(n);
        case.customer = Some(CustomerId::parse(customer).expect("a customer"));
        case.category = category;
        case.opened_at = at(opened);
        case
    }

    fn closed(mut case: Case, taken: &str, decided: &str, outcome: Outcome) -> Case {
        let checks = Policy::needs_checks(outcome).then(checks);
        case.state = CaseState::Closed {
            owner: stamp("UEXEC1", taken),
            decision: Decision {
                outcome,
                decided: stamp("UEXEC1", decided),
                approved: None,
                policy_version: "2026-07".into(),
                checks,
                prevention: None,
            },
        };
        case
    }

    fn standing() -> Standing {
        let roles = crate::domain::case::tests::roles();
        let policy = Policy {
            version: "2026-07".into(),
            refund_approval_over: 50_000,
        };
        Standing {
            zone: "Asia/Tokyo".into(),
            made_at: at("2026-10-05T10:00:00"),
            policy_version: "2026-07".into(),
            document_url: Some("https://intranet.example.com/kasuhara".into()),
            desk_members: 2,
            desk_channel: true,
            currency: "JPY".into(),
            rules: RulesInForce::of(&roles, &policy, &PagingPolicy::default()),
            retention: "5y".into(),
            check_in_after: Some(SignedDuration::from_hours(72)),
            // UAGENT1 twice (in two support channels), and nobody from outside: the
            // caller lists staff only.
            staff: Staff::Listed {
                from: StaffList::SupportChannels,
                at: at("2026-10-05T09:59:00"),
                members: ["UAGENT1", "UAGENT2", "UMGR1", "UAGENT1"]
                    .map(user)
                    .to_vec(),
            },
        }
    }

    /// A quarter where every figure has something to count, around cases and steps just
    /// outside it that must not count.
    fn gathered() -> Compliance {
        let mut g = Gathering::new(quarter(), &tokyo());
        // Before the period: acme's first case, decided in June.
        g.case(
            &closed(
                case(1, "acme", Category::VerbalAbuse, "2026-06-20T09:00:00"),
                "2026-06-20T09:30:00",
                "2026-06-21T09:00:00",
                Outcome::only(Measure::Caution),
            ),
            &[],
        );
        // July: acme again (a repeat), taken in 30 min, decided in 2 days: a written
        // warning with a prevention note, and the reporter kept off.
        let mut second = closed(
            case(2, "acme", Category::Threat, "2026-07-03T10:00:00"),
            "2026-07-03T10:30:00",
            "2026-07-05T10:00:00",
            Outcome::only(Measure::Warning).and(Measure::Police),
        );
        if let CaseState::Closed { decision, .. } = &mut second.state {
            decision.prevention = Some("Two staff on this customer's calls".into());
        }
        second.check_in = Some(CheckIn {
            sent_at: at("2026-07-08T10:00:00"),
            answer: Some(CheckInAnswer {
                reply: CheckInReply::Fine,
                at: at("2026-07-08T12:00:00"),
                consultation: None,
            }),
        });
        let kept_off = [
            Event::ReporterKeptOff {
                by: stamp("UEXEC1", "2026-07-04T09:00:00"),
            },
            Event::SafetyAnswered {
                safe: false,
                by: stamp("UAGENT1", "2026-07-03T10:01:00"),
            },
            Event::SafetyAnswered {
                safe: true,
                by: stamp("UAGENT1", "2026-07-03T10:02:00"),
            },
        ];
        g.case(&second, &kept_off);
        // August: a private case, decided as not harassment; its check-in unanswered.
        let mut third = closed(
            case(3, "beta", Category::Sexual, "2026-08-10T10:00:00"),
            "2026-08-10T12:00:00",
            "2026-08-11T10:00:00",
            Outcome::no_action(),
        );
        third.check_in = Some(CheckIn {
            sent_at: at("2026-08-14T10:00:00"),
            answer: Some(CheckInAnswer {
                reply: CheckInReply::NoAnswer,
                at: at("2026-08-17T10:00:00"),
                consultation: None,
            }),
        });
        g.case(&third, &[]);
        // September: beta again, terminated with the checks (legal not needed).
        g.case(
            &closed(
                case(4, "beta", Category::VerbalAbuse, "2026-09-29T10:00:00"),
                "2026-09-29T11:00:00",
                "2026-09-30T10:00:00",
                Outcome::only(Measure::Termination),
            ),
            &[],
        );
        // September: gamma, still open; its check-in and steps are none.
        g.case(
            &case(5, "gamma", Category::Persistent, "2026-09-30T23:59:00"),
            &[],
        );
        // October: after the period, not counted at all.
        g.case(
            &case(6, "gamma", Category::Persistent, "2026-10-01T00:00:00"),
            &[],
        );
        let consultation = |n: u64, opened: &str| Consultation {
            id: ConsultationId::new(n),
            reporter: UserId::parse("UAGENT1").expect("an id"),
            summary: "x".into(),
            facts: Default::default(),
            additions: Vec::new(),
            evidence: None,
            reported_from: None,
            chosen: None,
            source: ConsultSource::Command,
            about: None,
            opened_at: at(opened),
            state: ConsultState::Open,
            first_answer: None,
            destinations: Vec::new(),
            posts: Default::default(),
            erased: None,
        };
        let mut answered = consultation(1, "2026-07-01T09:00:00");
        answered.first_answer = Some(stamp("UHR1", "2026-07-01T09:20:00"));
        answered.state = ConsultState::Closed {
            by: stamp("UHR1", "2026-07-02T09:00:00"),
        };
        g.consultation(&answered);
        let mut converted = consultation(2, "2026-08-01T09:00:00");
        converted.first_answer = Some(stamp("UHR1", "2026-08-01T12:00:00"));
        converted.state = ConsultState::Converted {
            by: stamp("UHR1", "2026-08-01T12:00:00"),
            case: crate::domain::CaseId::new(9),
        };
        g.consultation(&converted);
        g.consultation(&consultation(3, "2026-09-15T09:00:00"));
        g.consultation(&consultation(4, "2026-06-30T23:00:00"));
        g.acknowledgement(&user("UAGENT1"), at("2026-06-15T09:00:00"));
        g.acknowledgement(&user("UAGENT2"), at("2026-07-15T09:00:00"));
        // Someone no longer listed as staff (they left, or were never in the list).
        g.acknowledgement(&user("UFORMER"), at("2026-10-02T09:00:00"));
        g.log_entry("export", at("2026-08-01T09:00:00"));
        g.log_entry("export", at("2026-10-02T09:00:00"));
        g.log_entry("backup", at("2026-09-01T09:00:00"));
        g.log_entry("not-staff", at("2026-09-01T09:00:00"));
        g.finish(standing())
    }

    #[test]
    fn cases_count_when_each_step_happened_within_the_period() {
        let c = gathered();
        let r = &c.response;
        assert_eq!(r.opened, 4, "cases 2 to 5");
        assert_eq!(r.by_category[&Category::Threat], 1);
        assert_eq!(r.by_category[&Category::VerbalAbuse], 1);
        assert_eq!(r.by_category[&Category::Persistent], 1);
        assert!(
            !r.by_category.contains_key(&Category::Sexual),
            "never named"
        );
        assert_eq!(r.private_categories, 1);
        assert_eq!(
            (r.decided, r.acted_on, r.no_action),
            (3, 2, 1),
            "not case 1's"
        );
        assert_eq!(r.measures[&Measure::Warning], 1);
        assert_eq!(r.measures[&Measure::Police], 1);
        assert_eq!(r.measures[&Measure::Termination], 1);
        assert_eq!(r.measures[&Measure::Caution], 0, "decided in June");
        assert_eq!(r.combined, 1);
        let taken = r.to_taken.expect("three taken in the period");
        assert_eq!(taken.count, 3);
        assert_eq!((taken.median_seconds, taken.p90_seconds), (3600, 2 * 3600));
        let decided = r.to_decided.expect("three decided");
        assert_eq!(
            (decided.median_seconds, decided.p90_seconds),
            (86_400, 2 * 86_400)
        );
        assert_eq!(r.repeat_cases, 2, "acme's and beta's second cases");
        assert_eq!(
            r.repeat_customers, 2,
            "acme and beta; gamma's second case is after the end"
        );
        assert_eq!(r.prevention_notes, 1);
        assert_eq!(
            r.checks,
            CheckFigures {
                decisions: 1,
                answered: 1,
                legal_reviewed: 0,
                legal_not_needed: 1,
                with_concerns: 0
            }
        );
        assert_eq!(
            c.policy.decided_under,
            BTreeMap::from([("2026-07".into(), 3)])
        );
    }

    #[test]
    fn months_the_desk_care_and_the_log_are_counted_in_the_period() {
        let c = gathered();
        let months: Vec<(String, u64, u64, u64, u64, u64)> = c
            .months
            .iter()
            .map(|m| {
                (
                    m.month.to_string(),
                    m.opened,
                    m.decided,
                    m.acted_on,
                    m.no_action,
                    m.consultations,
                )
            })
            .collect();
        assert_eq!(
            months,
            [
                ("2026-07".into(), 1, 1, 1, 0, 1),
                ("2026-08".into(), 1, 1, 0, 1, 1),
                ("2026-09".into(), 2, 1, 1, 0, 1),
            ]
        );
        assert_eq!(c.months[1].private_categories, 1);
        assert_eq!(c.months[2].by_category[&Category::Persistent], 1);
        let d = &c.consultation;
        assert_eq!((d.opened, d.answered, d.closed, d.converted), (3, 2, 1, 1));
        let first = d.to_first_answer.expect("two answered");
        assert_eq!(
            (first.median_seconds, first.p90_seconds),
            (20 * 60, 3 * 3600)
        );
        assert_eq!((d.desk_members, d.desk_channel), (2, true));
        let care = &c.care;
        assert_eq!(care.check_ins_sent, 2);
        assert_eq!(
            (
                care.check_ins_fine,
                care.check_ins_desk,
                care.check_ins_unanswered
            ),
            (1, 0, 1)
        );
        assert_eq!(care.needed_someone, 1);
        assert_eq!(care.reporters_kept_off, 1);
        assert_eq!(care.private_cases, 1);
        assert_eq!(
            (care.exports, care.backups, care.retention_passes),
            (1, 1, 0)
        );
        assert_eq!(care.retention, "5y");
        let p = &c.policy;
        assert_eq!((p.acknowledged, p.acknowledged_in_period), (3, 1));
        assert_eq!(p.first_acknowledged_at, Some(at("2026-06-15T09:00:00")));
        assert_eq!(p.last_acknowledged_at, Some(at("2026-10-02T09:00:00")));
    }

    #[test]
    fn the_staff_who_acknowledged_are_counted_among_those_listed_or_not_at_all() {
        let p = gathered().policy;
        assert_eq!(p.acknowledged, 3, "anyone, UFORMER too");
        assert_eq!(
            (p.staff, p.staff_acknowledged),
            (Some(3), Some(2)),
            "UAGENT1 and UAGENT2 of UAGENT1, UAGENT2 and UMGR1"
        );
        assert_eq!(p.staff_from, Some(StaffList::SupportChannels));
        assert_eq!(p.staff_counted_at, Some(at("2026-10-05T09:59:00")));
        assert_eq!(p.staff_not_counted, None);
        for why in [
            NotCounted::NoToken,
            NotCounted::SlackFailed("timeout".into()),
        ] {
            let mut g = Gathering::new(quarter(), &tokyo());
            g.acknowledgement(&user("UAGENT1"), at("2026-07-15T09:00:00"));
            let p = g
                .finish(Standing {
                    staff: Staff::NotListed(why.clone()),
                    ..standing()
                })
                .policy;
            assert_eq!(p.acknowledged, 1);
            assert_eq!(
                (
                    p.staff,
                    p.staff_acknowledged,
                    p.staff_from,
                    p.staff_counted_at
                ),
                (None, None, None, None),
                "never a made-up number"
            );
            assert_eq!(p.staff_not_counted, Some(why));
        }
    }

    #[test]
    fn the_rules_in_force_are_read_from_the_code_and_the_configuration() {
        let rules = standing().rules;
        let steps: Vec<(u32, Step)> = rules
            .ladder
            .iter()
            .map(|s| (s.earlier_cases, s.step))
            .collect();
        assert_eq!(
            steps,
            [
                (0, Step::Caution),
                (1, Step::WrittenWarning),
                (2, Step::Suspension),
                (3, Step::Termination)
            ]
        );
        assert_eq!(rules.ladder_window_days, 365);
        assert_eq!(rules.critical_starts_at, Step::Termination);
        assert_eq!(
            (rules.executives, rules.managers, rules.approvers),
            (2, 2, 2)
        );
        assert!(rules.approvers_are_managers);
        assert_eq!(rules.page_after_seconds, 15 * 60);
        let other = RulesInForce::of(
            &crate::domain::case::tests::roles()
                .with_approvers(vec![user("UMGR1"), user("ULEGAL")]),
            &Policy {
                version: "v".into(),
                refund_approval_over: 1,
            },
            &PagingPolicy::default(),
        );
        assert!(!other.approvers_are_managers);
    }

    #[test]
    fn the_rows_are_the_json_flattened_in_a_fixed_order() {
        let report = gathered();
        let rows = report.rows();
        assert!(
            rows.iter().all(|r| !r.item.is_empty()),
            "every path is in ITEMS"
        );
        let listed: Vec<&str> = ITEMS
            .iter()
            .copied()
            .filter(|i| *i != "months.month")
            .collect();
        for item in &listed {
            assert!(rows.iter().any(|r| r.item == *item), "{item} has no row");
        }
        let quiet = Gathering::new(quarter(), &tokyo()).finish(standing());
        let shape = |rows: &[Row]| -> Vec<(u8, &str, Option<Month>, Option<String>)> {
            rows.iter()
                .filter(|r| r.item != "policy.decided_under")
                .map(|r| (r.section, r.item, r.month, r.key.clone()))
                .collect()
        };
        assert_eq!(
            shape(&rows),
            shape(&quiet.rows()),
            "the same rows whatever happened"
        );
        let value = |item: &str, month: Option<&str>, key: Option<&str>| {
            rows.iter()
                .find(|r| {
                    r.item == item
                        && r.month.map(|m| m.to_string()).as_deref() == month
                        && r.key.as_deref() == key
                })
                .map(|r| r.value.clone())
        };
        assert_eq!(value("response.opened", None, None).as_deref(), Some("4"));
        assert_eq!(
            value("response.by_category", None, Some("verbal-abuse")).as_deref(),
            Some("1")
        );
        assert_eq!(
            value("months.decided", Some("2026-09"), None).as_deref(),
            Some("1")
        );
        assert_eq!(
            value("deterrence.ladder", None, Some("1")).as_deref(),
            Some("written-warning")
        );
        assert_eq!(
            value("period.from", None, None).as_deref(),
            Some("2026-07-01")
        );
        assert_eq!(
            value("response.to_taken.median_seconds", None, None).as_deref(),
            Some("3600")
        );
        assert_eq!(
            value("consultation.to_first_answer.median_seconds", None, None).as_deref(),
            Some("1200")
        );
        let sections: Vec<u8> = rows.iter().map(|r| r.section).collect();
        assert!(sections.is_sorted(), "{sections:?}");
        assert!(!rows.iter().any(|r| r.key.as_deref() == Some("sexual")));
    }

    #[test]
    fn the_json_keys_are_the_same_whatever_happened() {
        fn keys(value: &serde_json::Value, prefix: &str, into: &mut Vec<String>) {
            match value {
                serde_json::Value::Object(map) => {
                    for (k, v) in map {
                        let key = format!("{prefix}{k}");
                        into.push(key.clone());
                        keys(v, &format!("{key}."), into);
                    }
                }
                serde_json::Value::Array(items) => {
                    if let Some(first) = items.first() {
                        keys(first, &format!("{prefix}[]."), into);
                    }
                }
                _ => {}
            }
        }
        let busy = serde_json::to_value(gathered()).expect("serializes");
        let quiet = serde_json::to_value(Gathering::new(quarter(), &tokyo()).finish(Standing {
            staff: Staff::NotListed(NotCounted::NoToken),
            ..standing()
        }))
        .expect("serializes");
        let (mut a, mut b) = (Vec::new(), Vec::new());
        keys(&busy, "", &mut a);
        keys(&quiet, "", &mut b);
        // The versions decisions were made under are data, not keys.
        a.retain(|k| !k.starts_with("policy.decided_under."));
        assert_eq!(a, b);
        for key in [
            "period.from",
            "policy.acknowledged",
            "policy.staff",
            "policy.staff_acknowledged",
            "policy.staff_from",
            "policy.staff_counted_at",
            "policy.staff_not_counted",
            "consultation.to_first_answer.median_seconds",
            "response.by_category.verbal-abuse",
            "response.measures.no-action",
            "response.prevention_notes",
            "deterrence.ladder",
            "care.check_ins_sent",
            "months.[].by_category.threat",
        ] {
            assert!(b.contains(&key.to_owned()), "{key} in {b:?}");
        }
        assert!(
            !b.iter().any(|k| k.contains("sexual")),
            "private: counted only"
        );
        assert_eq!(busy["period"]["from"], "2026-07-01");
        assert_eq!(busy["policy"]["staff"], 3);
        assert_eq!(busy["policy"]["staff_from"], "support-channels");
        assert_eq!(quiet["policy"]["staff"], serde_json::Value::Null);
        assert_eq!(quiet["policy"]["staff_not_counted"], "no-token");
        assert_eq!(busy["months"][0]["month"], "2026-07");
    }
}
