//! Purpose: every sentence a person reads, in English and Japanese. One catalog per
//! language implements the `Catalog` trait, so the compiler refuses a sentence that exists
//! in only one of them. Text here is Slack mrkdwn unless a method says plain text.

mod en;
mod ja;
pub mod style;
#[cfg(test)]
mod tests;

use std::fmt;

use jiff::Timestamp;
use jiff::tz::TimeZone;
use serde::{Deserialize, Serialize};

use crate::domain::compliance::{Compliance, Month};
use crate::domain::customer::CaseLine;
use crate::domain::export::Column;
use crate::domain::{
    Accommodation, CaseId, CaseState, Category, ChannelId, CheckInReply, Checks, Complaint,
    ConsultRefusal, ConsultState, ConsultationId, Contact, CustomerId, CustomerRecord, Decision,
    DutyToServe, Event, Facts, History, LegalReview, Measure, Medium, Outcome, Problem,
    PromiseFailed, Refusal, Severity, Source, Spread, Stamp, Step, Tallies, UserId, Week,
    WeekStats,
};

/// What a week's report says, as plain figures: `report::WeeklyReport` gathers them from
/// the store, and the catalogs word them. Aggregates only: no names, and private
/// categories as one count.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WeekSummary {
    pub week: Week,
    /// The zone weeks are counted in, as configured (`Asia/Tokyo`).
    pub zone: String,
    pub stats: WeekStats,
    /// How long the week's cases took to be taken, and to be decided.
    pub to_taken: Option<Spread>,
    pub to_decided: Option<Spread>,
    /// Cases opened in each of the weeks before, oldest first.
    pub trend: Vec<u64>,
    /// Open now, when the report is made, and how long the oldest has been open.
    pub open_now: u64,
    pub oldest_open: Option<jiff::SignedDuration>,
    /// Customers with more than one case, all time.
    pub repeat_customers: u64,
    /// Customers cut off, all time, and of how many customers (`policy.customer_count`).
    pub cut_off_total: u64,
    pub customer_count: Option<u64>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Locale {
    En,
    Ja,
}

impl Locale {
    pub fn parse(s: &str) -> Option<Locale> {
        match s.trim().to_ascii_lowercase().as_str() {
            "en" | "english" => Some(Locale::En),
            "ja" | "japanese" | "日本語" => Some(Locale::Ja),
            _ => None,
        }
    }

    pub fn catalog(self) -> &'static dyn Catalog {
        match self {
            Locale::En => &en::En,
            Locale::Ja => &ja::Ja,
        }
    }
}

/// Money as people in the configured currency expect to read it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Money<'a> {
    pub amount: u64,
    pub currency: &'a str,
}

/// `1234567` -> `1,234,567`.
pub fn group_thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// Text we did not write: what a person typed, ids and links taken from payloads or the
/// Web API, values from the configuration. Its `Display` escapes the three characters
/// mrkdwn gives meaning to (`&`, `<`, `>`: `<!channel>`, `<@U…>`, links), so a sentence
/// that interpolates it shows it as typed and cannot ping a channel or forge a link.
/// The catalogs take outside text only as this type, so no sentence can use it raw by
/// accident; this is the one escaping mechanism of the bot's mrkdwn.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Untrusted<'a>(&'a str);

impl<'a> Untrusted<'a> {
    pub fn new(text: &'a str) -> Untrusted<'a> {
        Untrusted(text)
    }

    /// The text as it came, for what is not mrkdwn (plain-text fields, lengths).
    pub fn as_typed(self) -> &'a str {
        self.0
    }

    /// A link to a URL we did not write, shown as `label`: the URL escaped like any other
    /// outside text, and `|` (which would end the URL early) percent-encoded.
    pub fn link(self, label: &str) -> String {
        format!("<{}|{label}>", Untrusted(&self.0.replace('|', "%7C")))
    }
}

impl fmt::Display for Untrusted<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut rest = self.0;
        while let Some(at) = rest.find(['&', '<', '>']) {
            f.write_str(&rest[..at])?;
            f.write_str(match rest.as_bytes()[at] {
                b'&' => "&amp;",
                b'<' => "&lt;",
                _ => "&gt;",
            })?;
            rest = &rest[at + 1..];
        }
        f.write_str(rest)
    }
}

impl<'a> From<&'a str> for Untrusted<'a> {
    fn from(text: &'a str) -> Untrusted<'a> {
        Untrusted(text)
    }
}

impl<'a> From<&'a CustomerId> for Untrusted<'a> {
    fn from(id: &'a CustomerId) -> Untrusted<'a> {
        Untrusted(id.as_str())
    }
}

/// A Slack date token: Slack shows each reader the time in their own zone and language;
/// `fallback` is what a client that cannot (a notification, an old client, our
/// transcripts) shows instead, written by the catalog in the configured zone.
pub fn date_token(at: Timestamp, fallback: &str) -> String {
    format!(
        "<!date^{}^{{date_short_pretty}} {{time}}|{}>",
        at.as_second(),
        Untrusted(fallback)
    )
}

/// Whether times in this zone go without naming it for a Japanese reader (日本時間).
pub fn is_japan(zone: &TimeZone) -> bool {
    zone.iana_name() == Some("Asia/Tokyo")
}

pub fn mention(user: &UserId) -> String {
    format!("<@{user}>")
}

/// A duration in whole days, hours and minutes, for sentences that name the two largest.
pub fn duration_units(d: jiff::SignedDuration) -> (i64, i64, i64) {
    let minutes = d.as_secs().max(0) / 60;
    (minutes / 1440, minutes % 1440 / 60, minutes % 60)
}

/// How a week's opened cases compare with the weeks before (their mean).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Trend {
    Up,
    Down,
    Level,
}

pub fn trend(now: u64, before: &[u64]) -> Option<(Trend, f64)> {
    if before.is_empty() {
        return None;
    }
    let mean = before.iter().sum::<u64>() as f64 / before.len() as f64;
    let direction = match (now as f64).partial_cmp(&mean) {
        Some(std::cmp::Ordering::Greater) => Trend::Up,
        Some(std::cmp::Ordering::Less) => Trend::Down,
        _ => Trend::Level,
    };
    Some((direction, mean))
}

/// `1.5`, `2`: a mean as people write it.
pub fn one_decimal(x: f64) -> String {
    let rounded = (x * 10.0).round() / 10.0;
    if rounded.fract() == 0.0 {
        format!("{rounded:.0}")
    } else {
        format!("{rounded:.1}")
    }
}

/// A short name the bot records for programs (the store, which writes it, knows no
/// catalog): the export shows it to people by [`Catalog::recorded`], in the configured
/// language, and keeps the name itself in an id column. A name the catalog does not know
/// (a later version's) is shown as recorded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Recorded<'a> {
    /// An entry of the audit log outside cases (`not-staff`, `backup`, `export`…).
    LogEntry(&'a str),
    /// A detail of such an entry, by the entry's name and its own (`not-staff`, `path`):
    /// the same detail can mean different things (where someone was refused, where a
    /// backup went).
    Detail { what: &'a str, name: &'a str },
    /// A person's action on a case (`take`), as `Action::name` records it.
    Action(&'a str),
    /// Why an action was refused (`own-report`), as `Refusal::about_rights` records it.
    RefusalReason(&'a str),
    /// Why someone is not staff (`guest`), as `NotStaff::slug` records it.
    NotStaff(&'a str),
    /// Where someone who is not staff met the bot (`reaction`), as `staff::Path::slug`.
    Path(&'a str),
    /// A delivery about a case (`page`), as `Effect::name` records it.
    Delivery(&'a str),
    /// A fixed value the log writes in words (`standard output`, `not the bot's user`).
    Value(&'a str),
}

/// Everything the bot says. Methods returning `String` build whole sentences; the few
/// returning `&'static str` are labels (button text, field names, titles). Text from
/// outside (typed, or ids and links from payloads) comes in as [`Untrusted`]; times come
/// with the configured zone, which every printed time is in.
///
/// Both catalogs use the same words (README, "Words"): 契約解除 / termination,
/// 措置なし（カスハラ非該当） / no action (not harassment), 担当 / take and owner, 責任者 /
/// management, 重大・高・中・低 / critical, high, medium, low, 当社側の不備 / our own failing,
/// 区分 and 要配慮区分 / category and private category. `tests.rs` renders every method of
/// both and checks the style rules a program can check (`style.rs`).
pub trait Catalog: Sync {
    // Names.
    /// The short label pages, cards, report rows and the chart legend use.
    fn category_name(&self, category: Category) -> &'static str;
    fn severity_name(&self, severity: Severity) -> &'static str;
    fn measure_name(&self, measure: Measure) -> &'static str;
    fn contact_name(&self, contact: Contact) -> &'static str;
    fn outcome(&self, outcome: Outcome, currency: &str) -> String;
    fn step_name(&self, step: Step) -> &'static str;
    fn promise_failed_name(&self, answer: PromiseFailed) -> &'static str;
    fn money(&self, money: Money<'_>) -> String;

    // What the reporter reads the moment they escalate.
    fn guidance(&self, category: Category) -> &'static str;
    fn case_opened(&self, id: CaseId, category: Category) -> String;
    fn usage(&self) -> String;
    fn unknown_category(&self, given: Untrusted<'_>) -> String;
    fn missing_customer(&self) -> String;
    fn missing_category(&self) -> String;
    fn invalid_customer(&self, given: Untrusted<'_>) -> String;
    fn summary_too_long(&self, max_chars: usize) -> String;
    fn form_unavailable(&self) -> String;
    fn internal_error(&self, reference: &str) -> String;

    /// Someone on the staff the bot could not check just now (users.info failed): the
    /// only thing said to a person whose standing is unknown, and it says nothing of any
    /// case.
    fn staff_unverified(&self) -> String;

    // `/escalate history` and `/escalate stats`.
    /// Asked by someone on the staff without a role that reads records.
    fn records_refused(&self) -> String;
    /// The top of a customer's history: terminated or not, warnings and refunds.
    fn history_header(&self, record: &CustomerRecord, currency: &str, zone: &TimeZone) -> String;
    /// One case of a history; `private` hides what a private category is.
    fn history_case(&self, line: &CaseLine, private: bool, zone: &TimeZone) -> String;
    /// Under the cases shown, when there are more than one page of them: which ones these
    /// are (newest first), and how to see the older ones.
    fn history_page(
        &self,
        customer: Untrusted<'_>,
        from: usize,
        to: usize,
        total: usize,
        next: Option<usize>,
    ) -> String;
    /// Said when a private category was hidden outside the escalation channel.
    fn history_private_note(&self) -> &'static str;
    fn no_history(&self, customer: Untrusted<'_>) -> String;
    fn tallies(&self, tallies: &Tallies, customer_count: Option<u64>, currency: &str) -> String;

    // The escalation form.
    fn form_title(&self) -> &'static str;
    fn form_submit(&self) -> &'static str;
    fn form_cancel(&self) -> &'static str;
    fn form_customer(&self) -> &'static str;
    fn form_customer_hint(&self) -> &'static str;
    fn form_category(&self) -> &'static str;
    fn form_severity(&self) -> &'static str;
    fn form_severity_hint(&self) -> &'static str;
    fn form_summary(&self) -> &'static str;
    fn form_promise_failed(&self) -> &'static str;
    fn form_done_title(&self) -> &'static str;
    fn form_close(&self) -> &'static str;

    // The case card in the escalation channel.
    fn card_title(&self, id: CaseId, category: Category) -> String;
    fn card_customer(&self) -> &'static str;
    fn card_category(&self) -> &'static str;
    fn card_severity(&self) -> &'static str;
    fn card_reporter(&self) -> &'static str;
    fn card_opened(&self) -> &'static str;
    fn card_promise_failed(&self) -> &'static str;
    fn card_summary(&self) -> &'static str;
    fn card_no_summary(&self) -> &'static str;
    fn card_history(&self) -> &'static str;
    fn history_line(&self, history: &History) -> String;
    fn card_recommendation(&self) -> &'static str;
    fn recommendation_note(&self) -> &'static str;
    fn card_private(&self) -> &'static str;
    /// On every card while `policy.reporter_may_decide` is on.
    fn card_reporter_may_decide(&self) -> &'static str;
    fn card_customer_unknown(&self, reporter: &UserId) -> String;
    fn card_evidence(&self) -> &'static str;
    fn evidence_link(&self) -> &'static str;
    fn identify_button(&self) -> &'static str;
    fn status_open(&self, paging: Option<&UserId>) -> String;
    fn status_taken(&self, by: &UserId, at: Timestamp, zone: &TimeZone) -> String;
    fn status_proposed(&self, outcome: Outcome, by: &UserId, currency: &str) -> String;
    fn status_closed(&self, decision: &Decision, currency: &str, zone: &TimeZone) -> String;
    fn take_button(&self) -> &'static str;
    fn decide_confirm_title(&self) -> &'static str;
    fn decide_confirm_text(&self, kind: Measure, id: CaseId) -> String;
    /// The card's button opening the outcome form with nothing chosen.
    fn several_button(&self) -> &'static str;
    fn confirm_yes(&self) -> &'static str;
    fn confirm_no(&self) -> &'static str;

    // Paging.
    /// `customer` is `None` while nobody has named the customer.
    fn page(
        &self,
        id: CaseId,
        category: Category,
        customer: Option<Untrusted<'_>>,
        private: bool,
    ) -> String;
    fn page_link(&self) -> &'static str;

    // Timeline replies in the case thread.
    fn note_paged(&self, to: &[UserId]) -> String;
    fn note_reminder(&self, id: CaseId, to: &[UserId], approval: bool) -> String;
    /// The @here alert when nobody took the case; the last one says paging stops.
    fn here_alert(&self, id: CaseId, round: u32, of: u32) -> String;
    /// Nobody in the configuration may decide (or approve) the case: reminders stop, and
    /// the sentence names the setting that would let someone act.
    fn note_nobody_may_act(&self, id: CaseId, approval: bool) -> String;
    fn note_taken(&self, by: &UserId) -> String;
    fn note_proposal(&self, outcome: Outcome, by: &UserId, currency: &str) -> String;
    fn note_rejected(&self, by: &UserId, outcome: Outcome, currency: &str) -> String;
    fn note_closed(&self, decision: &Decision, currency: &str, zone: &TimeZone) -> String;
    /// Above a written warning's draft in the thread: who sends it, that the bot does not.
    fn warning_draft_intro(&self, id: CaseId, to: &UserId) -> String;
    /// The draft itself, plain text for the owner to copy: the customer as the case names
    /// them, the day of the case, its category, the terms' clause and the company's name
    /// (placeholders when not configured).
    fn warning_draft(
        &self,
        customer: Untrusted<'_>,
        day: jiff::civil::Date,
        category: Category,
        clause: Option<Untrusted<'_>>,
        company: Option<Untrusted<'_>>,
    ) -> String;
    fn approve_button(&self) -> &'static str;
    fn reject_button(&self) -> &'static str;
    fn proposal_approved(&self, outcome: Outcome, by: &UserId, currency: &str) -> String;
    fn proposal_rejected(&self, outcome: Outcome, by: &UserId, currency: &str) -> String;

    // The reporter, at the end.
    fn reporter_closed(&self, id: CaseId, outcome: Outcome, currency: &str) -> String;

    // Naming the customer of a case opened from a message.
    fn ask_customer(&self, id: CaseId) -> String;
    fn identify_title(&self) -> &'static str;
    fn identify_intro(&self, id: CaseId) -> String;
    fn note_customer_identified(&self, customer: Untrusted<'_>, by: &UserId) -> String;

    // Flagging where it happens: the shortcut, the reaction, the bot's suggestions.
    fn form_quote(&self) -> &'static str;
    fn already_escalated(&self, id: CaseId) -> String;
    fn suggestion(&self, category: Category) -> String;
    fn suggestion_button(&self) -> &'static str;
    fn suggestion_private_note(&self) -> &'static str;
    /// Opens a suggestion sent by direct message to someone who is not in the channel
    /// (`permalink`, when known, links the message).
    fn suggestion_by_dm(&self, channel: &ChannelId, permalink: Option<Untrusted<'_>>) -> String;
    /// Repeated contact: `count` contacts from one customer (messages, helpdesk messages,
    /// escalations, in any channel) within `window`.
    fn suggestion_repeated_within(&self, count: u32, window: jiff::SignedDuration) -> String;

    // A case opened from a reaction: its reporter confirms or changes what the bot guessed.
    fn ask_classification(&self, id: CaseId, category: Category, severity: Severity) -> String;
    fn confirm_guess_button(&self) -> &'static str;
    fn change_classification_button(&self) -> &'static str;
    fn emergency_button(&self) -> &'static str;
    /// Plain text, at most 24 characters (a modal's title).
    fn classify_title(&self) -> &'static str;
    fn classify_intro(&self, id: CaseId) -> String;
    /// Plain text, at most 24 characters.
    fn classify_submit(&self) -> &'static str;
    fn classified(&self, id: CaseId, category: Category, severity: Severity) -> String;
    fn emergency_recorded(&self, id: CaseId) -> String;
    fn card_unconfirmed(&self) -> &'static str;
    /// `from` is what it was before, when the person changed it (None: confirmed as is).
    fn note_classified(
        &self,
        by: &UserId,
        category: Category,
        severity: Severity,
        from: Option<(Category, Severity)>,
    ) -> String;

    // Refusals: the case is unchanged and the person is told why.
    fn refusal(&self, refusal: &Refusal, id: CaseId, currency: &str) -> String;
    fn no_such_case(&self, id: Untrusted<'_>) -> String;

    // The outcome form (measures, the refund amount, the suspension's end, contact limits).
    fn outcome_title(&self) -> &'static str;
    fn outcome_measures(&self) -> &'static str;
    fn outcome_measures_hint(&self, approval_over: Money<'_>) -> String;
    fn outcome_until(&self) -> &'static str;
    fn outcome_contact(&self) -> &'static str;
    fn outcome_problem(&self, problem: Problem) -> String;
    fn until_invalid(&self) -> String;
    fn refund_amount(&self, currency: &str) -> String;
    fn refund_amount_hint(&self, approval_over: Money<'_>) -> String;
    fn outcome_submit(&self) -> &'static str;
    fn outcome_intro(&self, id: CaseId) -> String;
    fn amount_invalid(&self) -> String;

    // Care for the reporter (被害者への配慮): at submission, and for critical categories.
    /// That reporting never counts against them, where the policy is, whom to talk to.
    fn care_at_submission(
        &self,
        policy_url: Option<Untrusted<'_>>,
        support_url: Option<Untrusted<'_>>,
    ) -> String;
    fn safety_question(&self) -> &'static str;
    fn safe_button(&self) -> &'static str;
    fn need_someone_button(&self) -> &'static str;
    /// The reporter's answer, acknowledged to them alone.
    fn safety_recorded(&self, id: CaseId, safe: bool) -> String;
    fn note_safety(&self, by: &UserId, safe: bool) -> String;
    /// The urgent direct message to everyone who can act when the reporter needs someone.
    fn urgent_page(&self, id: CaseId, reporter: &UserId) -> String;

    // 担当替え: keeping the reporter off the customer.
    fn keep_off_button(&self) -> &'static str;
    fn card_kept_off(&self, reporter: &UserId) -> String;
    fn note_kept_off(&self, by: &UserId, reporter: &UserId) -> String;

    // The record: facts in the case form, on the card, and added later.
    fn medium_name(&self, medium: Medium) -> &'static str;
    fn form_when(&self) -> &'static str;
    fn form_when_hint(&self) -> &'static str;
    fn form_medium(&self) -> &'static str;
    fn form_minutes(&self) -> &'static str;
    fn form_words(&self) -> &'static str;
    fn form_wants(&self) -> &'static str;
    fn form_present(&self) -> &'static str;
    fn form_evidence(&self) -> &'static str;
    fn form_evidence_hint(&self) -> &'static str;
    fn form_facts_note(&self) -> &'static str;
    fn minutes_invalid(&self) -> String;
    /// The facts as the card, the thread and the export show them, one per line.
    fn facts_lines(&self, facts: &Facts, zone: &TimeZone) -> String;
    fn card_facts(&self) -> &'static str;
    /// Heads facts added later: who and when.
    fn card_addition(&self, by: &UserId, at: Timestamp, zone: &TimeZone) -> String;
    fn add_facts_button(&self) -> &'static str;
    fn add_facts_title(&self) -> &'static str;
    fn add_facts_intro(&self, id: CaseId) -> String;
    fn note_facts_added(&self, by: &UserId, facts: &str) -> String;
    fn correct_classification_button(&self) -> &'static str;

    // Before a suspension or a termination: the checks, their answers, the legal review.
    fn checks_title(&self) -> &'static str;
    fn checks_intro(&self, id: CaseId, outcome: Outcome, currency: &str) -> String;
    fn check_complaint(&self) -> &'static str;
    fn check_accommodation(&self) -> &'static str;
    fn check_duty_to_serve(&self) -> &'static str;
    fn check_clause(&self) -> &'static str;
    fn check_legal(&self) -> &'static str;
    fn complaint_name(&self, answer: Complaint) -> &'static str;
    fn accommodation_name(&self, answer: Accommodation) -> &'static str;
    fn duty_to_serve_name(&self, answer: DutyToServe) -> &'static str;
    fn legal_name(&self, answer: LegalReview) -> &'static str;
    /// The form's clause when `policy.terms_clause` is not set.
    fn default_terms_clause(&self) -> &'static str;
    /// The answers as the card and the proposal show them, concerns marked.
    fn checks_summary(&self, checks: &Checks) -> String;
    fn legal_button(&self, answer: LegalReview) -> &'static str;
    fn note_legal_answered(&self, by: &UserId, answer: LegalReview) -> String;

    // The weekly report in the stats channel: aggregates only, no names, private
    // categories counted together (domain.md, "Privacy").
    fn weekly_report(&self, report: &WeekSummary, currency: &str) -> String;
    /// Shared with the chart's image (where Slack's native chart cannot be used): what it
    /// shows. The image's legend names the categories.
    fn chart_comment(&self, week: Week, weeks: usize) -> String;
    /// The native chart's title (at most 50 characters) and its axes' titles.
    fn chart_title(&self, week: Week, weeks: usize) -> String;
    fn chart_x_axis(&self) -> &'static str;
    fn chart_y_axis(&self) -> &'static str;
    /// The chart's one series when no case was opened in its weeks.
    fn chart_no_cases(&self) -> &'static str;
    /// The table of the chart's numbers: its caption, and its first and last columns.
    fn chart_table_caption(&self, week: Week, weeks: usize) -> String;
    fn chart_week_column(&self) -> &'static str;
    fn chart_total_column(&self) -> &'static str;
    fn private_categories(&self) -> &'static str;
    fn duration(&self, d: jiff::SignedDuration) -> String;

    // The company's policy and its dated acknowledgement (issue 14).
    /// What `/escalate policy` shows `user`: the version, the summary (`policy.summary`,
    /// else the catalog's), the link, and whether and when they confirmed this version.
    #[allow(clippy::too_many_arguments)]
    fn policy_view(
        &self,
        user: &UserId,
        version: Untrusted<'_>,
        summary: Option<Untrusted<'_>>,
        url: Option<Untrusted<'_>>,
        acknowledged: Option<Timestamp>,
        zone: &TimeZone,
    ) -> String;
    fn policy_ack_button(&self) -> &'static str;
    /// The answer to the button: recorded, with the version and when.
    fn policy_acknowledged(
        &self,
        user: &UserId,
        version: Untrusted<'_>,
        at: Timestamp,
        zone: &TimeZone,
    ) -> String;
    /// A button of an earlier version was clicked: nothing recorded, the current one shown.
    fn policy_version_changed(&self, clicked: Untrusted<'_>, version: Untrusted<'_>) -> String;
    /// The first line of a reminder sent by direct message.
    fn policy_reminder_intro(&self, user: &UserId) -> String;
    fn policy_remind_refused(&self) -> String;
    fn policy_remind_started(&self, version: Untrusted<'_>) -> String;
    /// How a round of reminders went: sent, skipped (reminded within the week), and how
    /// many have read it.
    fn policy_remind_done(
        &self,
        version: Untrusted<'_>,
        sent: usize,
        recent: usize,
        acknowledged: usize,
    ) -> String;
    /// The staff could not be listed from Slack (`reason`: its error code).
    fn policy_members_failed(&self, reason: Untrusted<'_>) -> String;
    /// The `acknowledgements` command: its CSV headers (user, name, version, acknowledged at),
    /// the word for "not yet", and its closing line (`source`: the group or channels).
    fn acknowledgement_headers(&self) -> [&'static str; 4];
    fn acknowledgement_not_yet(&self) -> &'static str;
    fn acknowledgement_summary(&self, version: &str, done: usize, total: usize) -> String;

    // Requests the bot does not handle (issue 11): each gets a sentence, nothing recorded.
    /// A slash command other than `/escalate` (`command` as Slack sent it).
    fn unknown_command(&self, command: Untrusted<'_>) -> String;
    /// A slash command from an org-wide (Enterprise Grid) install.
    fn org_install_unsupported(&self) -> String;
    /// The title of the notice that replaces a submitted form the bot no longer knows.
    fn stale_form_title(&self) -> &'static str;
    fn stale_form(&self) -> String;
    /// A message shortcut the bot no longer knows (renamed by a deploy).
    fn stale_shortcut(&self) -> String;

    // A reaction whose message the bot could not read (issue 11: never silently dropped).
    /// In place of the quote on the card of a case opened without its message.
    fn evidence_unreadable(&self) -> &'static str;
    /// To the reporter, when not even that case could be opened.
    fn reaction_not_recorded(&self, reaction: Untrusted<'_>) -> String;

    // Words added with the vocabulary (issue 12). Kept here, after the rest, so the
    // methods above stay where other branches expect them.
    /// The long wording of a category (MHLW's, with examples) for the form's help text,
    /// at most 75 characters (a Block Kit option's description).
    fn category_description(&self, category: Category) -> &'static str;
    fn form_promise_failed_hint(&self) -> &'static str;
    /// A person on their own, as a card's field shows them (「<@U…>さん」 in Japanese).
    fn person(&self, user: &UserId) -> String;
    /// A time as plain text in `zone`, for the fallback of Slack's date token and for
    /// text outside Slack.
    fn datetime(&self, at: Timestamp, zone: &TimeZone) -> String;
    /// A time in a Slack message: Slack's date token, with `datetime` as its fallback.
    fn when(&self, at: Timestamp, zone: &TimeZone) -> String {
        date_token(at, &self.datetime(at, zone))
    }

    // The audit export (plain text, not mrkdwn: it goes to a file, not to Slack).
    fn column_name(&self, column: Column) -> &'static str;
    fn source_name(&self, source: Source) -> &'static str;
    fn state_name(&self, state: &CaseState) -> &'static str;
    /// An audit-log entry's name and what it says beyond who and when.
    fn audit_event(&self, event: &Event, currency: &str) -> (&'static str, String);
    /// One line of the export's timeline cell; `by` is empty for the bot's own steps.
    fn timeline_line(&self, at: &str, event: &str, by: &str, detail: &str) -> String;
    /// What people read for a name the bot records for programs; `None` for one this
    /// version does not know.
    fn recorded(&self, name: Recorded<'_>) -> Option<&'static str>;
    /// The details of an entry of the audit log outside cases, names and values already
    /// as people read them, as one line.
    fn log_details(&self, details: &[(String, String)]) -> String;
    /// Why a delivery failed for good, as recorded: the bot's own words (`gave up after 5
    /// attempts: …`, `the case card was never posted`) in the configured language; Slack's
    /// error codes (`channel_not_found`) stay as they are, like ids.
    fn undelivered_reason(&self, reason: &str) -> String;

    // Consultations with the desk (issue 13): advice, not a case. Kept after the rest.
    /// The choice in the escalation form and in a reaction's follow-up (a button, at most 75
    /// characters).
    fn consult_button(&self) -> &'static str;
    /// Beside that choice: what asking the desk means.
    fn consult_offer(&self) -> &'static str;
    /// Plain text, at most 24 characters (a modal's title).
    fn consult_title(&self) -> &'static str;
    fn consult_intro(&self) -> String;
    fn consult_with(&self) -> &'static str;
    fn consult_with_hint(&self) -> &'static str;
    /// The choice of nobody in particular on the desk.
    fn consult_with_anyone(&self) -> &'static str;
    fn consult_summary(&self) -> &'static str;
    fn consult_summary_missing(&self) -> String;
    /// To whoever consulted: it reached the desk (`with`: the member they chose), no one
    /// else was told; care follows it.
    fn consult_opened(&self, id: ConsultationId, with: Option<&UserId>) -> String;
    /// Nobody on a consultation desk can be reached (none configured, or only the person
    /// asking).
    fn consult_no_desk(&self) -> String;
    fn consult_card_title(&self, id: ConsultationId) -> String;
    /// On every consultation the desk sees: for the desk only; how to answer.
    fn consult_card_private(&self) -> &'static str;
    fn consult_card_chosen(&self, with: &UserId) -> String;
    /// The case it is about: a reaction's, or a closed case whose check-in asked for the
    /// desk (`from_check_in`).
    fn consult_card_about(&self, case: CaseId, from_check_in: bool) -> String;
    /// In the consultation channel when the reporter chose a member: who has it, and
    /// nothing of what it is about.
    fn consult_card_with_member(&self, id: ConsultationId, with: &UserId) -> String;
    fn consult_status(
        &self,
        state: &ConsultState,
        first_answer: Option<&Stamp>,
        zone: &TimeZone,
    ) -> String;
    fn consult_answered_button(&self) -> &'static str;
    fn consult_close_button(&self) -> &'static str;
    fn consult_convert_button(&self) -> &'static str;
    fn consult_note_answered(&self, by: &UserId) -> String;
    fn consult_note_closed(&self, by: &UserId) -> String;
    fn consult_note_converted(&self, by: &UserId, case: CaseId) -> String;
    /// To whoever consulted, once the desk closed it.
    fn consult_closed_to_reporter(&self, id: ConsultationId) -> String;
    /// To whoever consulted, once the desk turned it into a case.
    fn consult_converted_to_reporter(&self, id: ConsultationId, case: CaseId) -> String;
    fn consult_refusal(&self, refusal: &ConsultRefusal, id: ConsultationId) -> String;
    fn no_such_consultation(&self, id: Untrusted<'_>) -> String;
    fn consult_add_facts_intro(&self, id: ConsultationId) -> String;
    /// Plain text, at most 24 characters.
    fn convert_title(&self) -> &'static str;
    fn convert_intro(&self, id: ConsultationId) -> String;
    fn convert_customer_hint(&self) -> &'static str;
    /// On a case's card: the consultation it was turned from, and by whom.
    fn card_from_consultation(&self, id: ConsultationId, by: &UserId) -> String;

    // The check-in after a case closes.
    /// `desk`: a consultation desk is configured, so talking to it is offered.
    fn check_in(&self, id: CaseId, desk: bool) -> String;
    fn check_in_fine_button(&self) -> &'static str;
    fn check_in_desk_button(&self) -> &'static str;
    /// The check-in once answered (or over: no answer); `consultation` is the one
    /// "talk to the desk" opened.
    fn check_in_answered(
        &self,
        id: CaseId,
        reply: CheckInReply,
        consultation: Option<ConsultationId>,
    ) -> String;

    // The prevention note on a decision, and the compliance report (issue 14). Kept after
    // the rest.
    /// The field for the prevention note (再発防止策) in the outcome and checks forms (plain
    /// text), and its hint.
    fn form_prevention(&self) -> &'static str;
    fn form_prevention_hint(&self) -> &'static str;
    /// Above the prevention note on the card.
    fn card_prevention(&self) -> &'static str;
    /// The button on a decided case's card that records its prevention note, or edits it
    /// (`edit`: the decision has one).
    fn prevention_button(&self, edit: bool) -> &'static str;
    /// The form recording the prevention note of a decided case: its title (24
    /// characters at most) and its intro.
    fn prevention_title(&self) -> &'static str;
    fn prevention_intro(&self, id: CaseId, edit: bool) -> String;
    /// The compliance report's text in `markup`: its title, period, and the five groups of
    /// measures of the MHLW guideline. Aggregates only. The monthly tables follow it.
    fn compliance_report(&self, report: &Compliance, markup: Markup) -> String;
    /// A month as a table row names it (`Jul 2026`, `2026年7月`).
    fn compliance_month(&self, month: Month) -> String;
    /// The caption of a monthly table: cases by category and month (`by_category`), or
    /// the month-by-month figures.
    fn compliance_table(&self, by_category: bool) -> &'static str;
    /// The CSV's header row: section, item, month, key, name, value.
    fn compliance_csv_headers(&self) -> [&'static str; 6];
    /// The name people read for a figure of the report, by its JSON path
    /// (`response.opened`, `months.decided`), with `detail` (a category, a measure, a
    /// version or a step, already as people read it) where the figure is one of several;
    /// also the monthly tables' column names. `None` for a path this version does not know.
    fn compliance_item(&self, item: &str, detail: Option<&str>) -> Option<String>;
    /// `/escalate compliance` asked by someone on the staff who is not an executive, a
    /// manager or on the consultation desk.
    fn compliance_refused(&self) -> String;
    /// `/escalate compliance` with days that do not make a period.
    fn compliance_period_invalid(&self) -> String;
}

/// How the compliance report's text is marked up: Markdown for a file or a terminal,
/// Slack's mrkdwn for `/escalate compliance`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Markup {
    Markdown,
    Slack,
}

impl Markup {
    /// A section's heading.
    pub fn heading(self, text: &str) -> String {
        match self {
            Markup::Markdown => format!("## {text}"),
            Markup::Slack => format!("*{text}*"),
        }
    }

    /// The report's title.
    pub fn title(self, text: &str) -> String {
        match self {
            Markup::Markdown => format!("# {text}"),
            Markup::Slack => format!("*{text}*"),
        }
    }

    /// A link to a URL we did not write: Slack's link with `label`, or a Markdown
    /// autolink.
    pub fn link(self, url: Untrusted<'_>, label: &str) -> String {
        match self {
            Markup::Markdown => format!("<{url}>"),
            Markup::Slack => url.link(label),
        }
    }
}

/// The name of `recorded` as people read it, or as recorded when the catalog does not know
/// it.
pub fn recorded_or_as_is(t: &dyn Catalog, recorded: Recorded<'_>) -> String {
    let raw = match recorded {
        Recorded::LogEntry(s)
        | Recorded::Action(s)
        | Recorded::RefusalReason(s)
        | Recorded::NotStaff(s)
        | Recorded::Path(s)
        | Recorded::Delivery(s)
        | Recorded::Value(s) => s,
        Recorded::Detail { name, .. } => name,
    };
    t.recorded(recorded).unwrap_or(raw).to_owned()
}

/// `gave up after 5 attempts: HTTP 500` -> `(5, Some("HTTP 500"))`: the outbox's words for a
/// delivery retried until its last attempt.
pub fn gave_up(reason: &str) -> Option<(u32, Option<&str>)> {
    let rest = reason.strip_prefix("gave up after ")?;
    let (count, rest) = rest.split_once(" attempts")?;
    let count = count.parse().ok()?;
    match rest.strip_prefix(": ") {
        Some(last) => Some((count, Some(last))),
        None if rest.is_empty() => Some((count, None)),
        None => None,
    }
}
