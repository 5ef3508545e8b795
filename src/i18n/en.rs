//! Purpose: the English catalog. It uses the decisions the Japanese one does (README,
//! "Words"): termination / terminated, no action (not harassment), take / took / owner,
//! management, critical / high / medium / low, our own failing, category and private
//! category; short category labels, with the long wording in the form's help text; times
//! in the configured zone.

use std::fmt::Write;

use jiff::tz::TimeZone;
use jiff::{SignedDuration, Timestamp, ToSpan};

use super::{
    Catalog, Markup, Money, Recorded, Trend, Untrusted, WeekSummary, duration_units,
    group_thousands, mention, one_decimal, recorded_or_as_is, trend,
};
use crate::domain::compliance::{Compliance, Month, NotCounted, StaffList, Times};
use crate::domain::customer::CaseLine;
use crate::domain::export::Column;
use crate::domain::{
    Accommodation, CaseId, CaseState, Category, ChannelId, CheckInReply, Checks, Complaint,
    ConsultRefusal, ConsultState, ConsultationId, Contact, CustomerRecord, Decision, DutyToServe,
    Event, Facts, History, LegalReview, Measure, Medium, Notice, Outcome, Problem, PromiseFailed,
    Refusal, Severity, Source, Stamp, Step, Tallies, UserId, Week,
};

pub struct En;

fn mentions(users: &[UserId]) -> String {
    users.iter().map(mention).collect::<Vec<_>>().join(" ")
}

fn plural(n: u64) -> &'static str {
    if n == 1 { "" } else { "s" }
}

impl Catalog for En {
    fn category_name(&self, category: Category) -> &'static str {
        match category {
            Category::Violence => "Physical attack",
            Category::Threat => "Threats",
            Category::VerbalAbuse => "Verbal abuse",
            Category::Intimidation => "Intimidation",
            Category::Dogeza => "Demand to kneel",
            Category::Persistent => "Persistent contact",
            Category::Restraint => "Holding staff",
            Category::Discrimination => "Discrimination",
            Category::Sexual => "Sexual harassment",
            Category::PersonalAttack => "Attack on an employee",
            Category::UnreasonableDemand => "Unreasonable demand",
            Category::Other => "Other",
        }
    }

    fn severity_name(&self, severity: Severity) -> &'static str {
        match severity {
            Severity::Critical => "Critical",
            Severity::High => "High",
            Severity::Medium => "Medium",
            Severity::Low => "Low",
        }
    }

    fn measure_name(&self, measure: Measure) -> &'static str {
        match measure {
            Measure::Caution => "Caution",
            Measure::Warning => "Written warning",
            Measure::ContactRestriction => "Contact restriction",
            Measure::Suspension => "Suspension",
            Measure::Termination => "Termination",
            Measure::Refund => "Refund",
            Measure::FormalRequest => "Formal request to their company",
            Measure::Police => "Police consultation or report",
            Measure::Lawyer => "Lawyer consultation",
            Measure::NoAction => "No action (not harassment)",
        }
    }

    fn contact_name(&self, contact: Contact) -> &'static str {
        match contact {
            Contact::EmailOnly => "email only",
            Contact::NamedContact => "one named contact",
            Contact::FixedHours => "fixed hours",
        }
    }

    fn outcome(&self, outcome: Outcome, currency: &str) -> String {
        let parts: Vec<String> = outcome
            .measures
            .iter()
            .map(|measure| match measure {
                Measure::Caution => "a caution".into(),
                Measure::Warning => "a written warning".into(),
                Measure::ContactRestriction if !outcome.contact.is_empty() => {
                    let how: Vec<&str> = outcome
                        .contact
                        .iter()
                        .map(|c| self.contact_name(c))
                        .collect();
                    format!("contact restricted ({})", how.join(", "))
                }
                Measure::ContactRestriction => "contact restricted".into(),
                Measure::Suspension => match outcome.suspended_until {
                    Some(until) => format!("suspension until {}", until.strftime("%a %-d %b %Y")),
                    None => "suspension".into(),
                },
                Measure::Termination => "termination".into(),
                Measure::Refund => format!(
                    "a refund of {}",
                    self.money(Money {
                        amount: outcome.refund.unwrap_or(0),
                        currency
                    })
                ),
                Measure::FormalRequest => "a formal request to their company".into(),
                Measure::Police => "a police consultation or report".into(),
                Measure::Lawyer => "a lawyer consultation".into(),
                Measure::NoAction => "no action (not harassment)".into(),
            })
            .collect();
        match parts.split_last() {
            None => String::new(),
            Some((last, [])) => last.clone(),
            Some((last, rest)) => format!("{} and {last}", rest.join(", ")),
        }
    }

    fn step_name(&self, step: Step) -> &'static str {
        match step {
            Step::Caution => "Caution",
            Step::WrittenWarning => "Written warning",
            Step::Suspension => "Suspension",
            Step::Termination => "Termination",
            Step::AlreadyCutOff => "Already terminated: record only",
        }
    }

    fn promise_failed_name(&self, answer: PromiseFailed) -> &'static str {
        match answer {
            PromiseFailed::Yes => "Yes",
            PromiseFailed::No => "No",
            PromiseFailed::Unsure => "Unsure",
        }
    }

    fn money(&self, money: Money<'_>) -> String {
        match money.currency {
            "JPY" => format!("¥{}", group_thousands(money.amount)),
            other => format!(
                "{} {}",
                group_thousands(money.amount),
                Untrusted::new(other)
            ),
        }
    }

    fn guidance(&self, category: Category) -> &'static str {
        match category {
            Category::Violence => {
                "Your safety comes first. End the conversation and move away. If anyone is in \
                 danger, call the police (110 in Japan). Do not meet this customer alone."
            }
            Category::Threat => {
                "Your safety comes first. End the conversation and do not give in to demands. If \
                 there is a threat to life, body or property, call the police (110 in Japan). \
                 Keep the messages and recordings."
            }
            Category::VerbalAbuse => {
                "You don't have to listen to insults. Say once that you will end the conversation \
                 if they continue, then end it. Don't reply in kind, and keep the record."
            }
            Category::Intimidation => {
                "Stay calm and keep your distance. You may end the call or chat. Make no promise \
                 or concession on the spot."
            }
            Category::Dogeza => {
                "You never have to kneel or give a humiliating apology. Apologise only for what \
                 we actually got wrong, and agree to nothing beyond that."
            }
            Category::Persistent => {
                "You don't have to answer each new message. Management will reply through one \
                 channel. Keep the messages."
            }
            Category::Restraint => {
                "You may end a long call that makes no progress. Say when you will end it, and \
                 end it then."
            }
            Category::Discrimination => {
                "You don't have to put up with this. End the conversation. The details stay in \
                 the private escalation channel."
            }
            Category::Sexual => {
                "You don't have to continue. End the conversation. The details stay in the \
                 private escalation channel."
            }
            Category::PersonalAttack => {
                "Demands aimed at you personally (firing you, your contact details) are not yours \
                 to answer. Management will respond. Don't share personal information."
            }
            Category::UnreasonableDemand => {
                "Our policy: we put right what we failed to deliver under the contract, and we \
                 don't do what the contract doesn't cover. Make no promise or concession on the \
                 spot; say someone will get back to them. Management will answer."
            }
            Category::Other => {
                "Stop engaging on this matter; management takes it from here. Keep a record of \
                 what happened."
            }
        }
    }

    fn case_opened(&self, id: CaseId, category: Category) -> String {
        format!(
            "Thank you for reporting it. *{id}* is open, and management has it now: you don't \
             need to handle this customer on this matter any further.\n\n*What to do now*\n{}",
            self.guidance(category)
        )
    }

    fn usage(&self) -> String {
        let categories: Vec<String> = Category::ALL
            .into_iter()
            .map(|c| format!("`{}`", c.slug()))
            .collect();
        let id = Untrusted::new("<customer-id>");
        let category = Untrusted::new("<category>");
        let what = Untrusted::new("<what happened>");
        format!(
            "*How to escalate*\n\
             • `/escalate {id} {category} {what}` opens a case at once.\n\
             • `/escalate` alone opens a form.\n\
             • `/escalate consult` asks the consultation desk for advice instead (not sure it \
             is harassment?): no customer or category needed, nobody else is told.\n\
             • `/escalate history {id}` shows a customer's history with us.\n\
             • `/escalate stats` shows the tallies.\n\
             • `/escalate policy` shows our policy on customer harassment, to confirm you \
             have read it (managers: `/escalate policy remind` reminds those who have not).\n\
             • `/escalate compliance` shows executives, managers and the consultation desk the \
             compliance summary of the last full quarter (or of two days you give).\n\
             *Categories*\n{}.\n\
             Words staff use work too, such as insult, threats, セクハラ, 長電話 or 居座り.\n\
             *Example*\n\
             `/escalate cust-42 verbal-abuse Shouted insults at me for an hour`",
            categories.join(", ")
        )
    }

    fn unknown_category(&self, given: Untrusted<'_>) -> String {
        format!(
            "\"{given}\" is not a category I know, so nothing was recorded.\n\n{}",
            self.usage()
        )
    }

    fn missing_customer(&self) -> String {
        format!(
            "Tell me which customer this is about, so nothing was recorded yet.\n\n{}",
            self.usage()
        )
    }

    fn missing_category(&self) -> String {
        format!(
            "Tell me what kind of harassment this is, so nothing was recorded yet.\n\n{}",
            self.usage()
        )
    }

    fn invalid_customer(&self, given: Untrusted<'_>) -> String {
        format!(
            "\"{given}\" is not a customer id: use one word of up to 64 characters, like an \
             account id. Nothing was recorded."
        )
    }

    fn summary_too_long(&self, max_chars: usize) -> String {
        format!(
            "The description is longer than {} characters, so nothing was recorded. Shorten \
             it, or use `/escalate` alone to open the form.",
            group_thousands(max_chars as u64)
        )
    }

    fn form_unavailable(&self) -> String {
        format!(
            "I couldn't open the form just now. You can escalate in one line instead:\n\n{}",
            self.usage()
        )
    }

    fn internal_error(&self, reference: &str) -> String {
        format!(
            "Something went wrong on our side, and this may not have been recorded. Please try \
             again; if it keeps failing, tell a manager and quote `{reference}`."
        )
    }

    fn staff_unverified(&self) -> String {
        "I couldn't check your Slack account just now, so nothing was recorded. Please try \
         again in a moment."
            .into()
    }

    fn records_refused(&self) -> String {
        "Customer histories and the tallies are for executives, managers, approvers and \
         support leads. If you need one, please ask one of them."
            .into()
    }

    fn history_header(&self, record: &CustomerRecord, currency: &str, zone: &TimeZone) -> String {
        let mut out = format!("*History of customer `{}`*\n", Untrusted::from(&record.id));
        match &record.cut_off {
            Some(cut) => {
                let _ = writeln!(
                    out,
                    "Terminated on {} ({}).",
                    self.when(cut.at, zone),
                    cut.case
                );
            }
            None => out.push_str("Not terminated.\n"),
        }
        if let Some(until) = record.suspended_until {
            let _ = writeln!(out, "Suspended until {}.", until.strftime("%a %-d %b %Y"));
        }
        for kept in &record.kept_off {
            let _ = writeln!(
                out,
                "Keep {} off this customer (since {}).",
                mention(&kept.user),
                kept.case
            );
        }
        let _ = write!(
            out,
            "Cautions: {}, written warnings: {}, refunds: {} ({} in total)",
            record.cautions,
            record.warnings,
            record.refunds,
            self.money(Money {
                amount: record.refund_total,
                currency
            })
        );
        out
    }

    fn history_case(&self, line: &CaseLine, private: bool, zone: &TimeZone) -> String {
        let outcome = match line.outcome {
            Some(measures) => measures
                .iter()
                .map(|m| self.measure_name(m))
                .collect::<Vec<_>>()
                .join(" + "),
            None => "Open".into(),
        };
        let category = if private {
            "Private category"
        } else {
            self.category_name(line.category)
        };
        format!(
            "• {}, opened {}: {category}, {outcome}",
            line.id,
            self.when(line.opened_at, zone)
        )
    }

    fn history_page(
        &self,
        customer: Untrusted<'_>,
        from: usize,
        to: usize,
        total: usize,
        next: Option<usize>,
    ) -> String {
        let shown = format!("Cases {from} to {to} of {total}, newest first.");
        match next {
            Some(page) => format!("{shown} Older ones: `/escalate history {customer} {page}`"),
            None => shown,
        }
    }

    fn history_private_note(&self) -> &'static str {
        "Private categories are named only in the escalation channel."
    }

    fn no_history(&self, customer: Untrusted<'_>) -> String {
        format!("Customer `{customer}` has no cases with us.")
    }

    fn tallies(&self, t: &Tallies, customer_count: Option<u64>, currency: &str) -> String {
        let cut_off = match customer_count {
            Some(total) => format!("{} of {}", t.customers_cut_off, group_thousands(total)),
            None => t.customers_cut_off.to_string(),
        };
        format!(
            "*Escalation tallies*\n\
             Cases: {} ({} open)\n\
             Cautions: {}\n\
             Written warnings: {}\n\
             Contact restrictions: {}\n\
             Suspensions: {}\n\
             Refunds: {} ({} in total)\n\
             Terminations: {}\n\
             Formal requests to their company: {}\n\
             Police consultations or reports: {}\n\
             Lawyer consultations: {}\n\
             No action (not harassment): {}\n\
             Customers terminated: {cut_off}",
            t.cases_total,
            t.cases_open,
            t.cautions,
            t.warnings,
            t.contact_restrictions,
            t.suspensions,
            t.refunds,
            self.money(Money {
                amount: t.refund_total,
                currency
            }),
            t.terminations,
            t.formal_requests,
            t.police,
            t.lawyer,
            t.no_action,
        )
    }

    fn form_title(&self) -> &'static str {
        "Escalate a customer"
    }
    fn form_submit(&self) -> &'static str {
        "Escalate"
    }
    fn form_cancel(&self) -> &'static str {
        "Cancel"
    }
    fn form_customer(&self) -> &'static str {
        "Customer id"
    }
    fn form_customer_hint(&self) -> &'static str {
        "One word, like the account id in our systems."
    }
    fn form_category(&self) -> &'static str {
        "What kind of harassment?"
    }
    fn form_severity(&self) -> &'static str {
        "Severity"
    }
    fn form_severity_hint(&self) -> &'static str {
        "Leave empty to use the category's usual severity."
    }
    fn form_summary(&self) -> &'static str {
        "What happened?"
    }
    fn form_promise_failed(&self) -> &'static str {
        "Any failing on our own side?"
    }
    fn form_done_title(&self) -> &'static str {
        "Escalated"
    }
    fn form_close(&self) -> &'static str {
        "Close"
    }

    fn card_title(&self, id: CaseId, category: Category) -> String {
        format!("{id}: {}", self.category_name(category))
    }
    fn card_customer(&self) -> &'static str {
        "Customer"
    }
    fn card_category(&self) -> &'static str {
        "Category"
    }
    fn card_severity(&self) -> &'static str {
        "Severity"
    }
    fn card_reporter(&self) -> &'static str {
        "Reported by"
    }
    fn card_opened(&self) -> &'static str {
        "Opened"
    }
    fn card_promise_failed(&self) -> &'static str {
        "Our own failing"
    }
    fn card_summary(&self) -> &'static str {
        "What happened"
    }
    fn card_no_summary(&self) -> &'static str {
        "No description given: ask the reporter."
    }
    fn card_history(&self) -> &'static str {
        "History with us"
    }

    fn history_line(&self, h: &History) -> String {
        if h.prior_cases == 0 && !h.cut_off {
            return "No earlier cases.".into();
        }
        let mut out = format!(
            "{} earlier case{} ({} in the last 12 months), {} written warning{}.",
            h.prior_cases,
            plural(u64::from(h.prior_cases)),
            h.prior_cases_last_12_months,
            h.warnings,
            plural(u64::from(h.warnings)),
        );
        if h.cut_off {
            out.push_str(" Already terminated.");
        }
        out
    }

    fn card_recommendation(&self) -> &'static str {
        "Policy recommends"
    }
    fn recommendation_note(&self) -> &'static str {
        "From conduct history only, the same for every customer. The owner of the case decides."
    }
    fn card_customer_unknown(&self, reporter: &UserId) -> String {
        format!("_Not identified yet: {} was asked._", mention(reporter))
    }
    fn card_evidence(&self) -> &'static str {
        "The message"
    }
    fn evidence_link(&self) -> &'static str {
        "Open the message"
    }
    fn identify_button(&self) -> &'static str {
        "Name the customer"
    }
    fn ask_customer(&self, id: CaseId) -> String {
        format!(
            "Thank you for reporting it. *{id}* is open, and management has it now. Which \
             customer wrote that message? Name them so the case is judged against their history."
        )
    }
    fn identify_title(&self) -> &'static str {
        "Name the customer"
    }
    fn identify_intro(&self, id: CaseId) -> String {
        format!("Which customer is *{id}* about?")
    }
    fn note_customer_identified(&self, customer: Untrusted<'_>, by: &UserId) -> String {
        format!("{} named the customer: `{customer}`.", mention(by))
    }
    fn form_quote(&self) -> &'static str {
        "The message"
    }
    fn already_escalated(&self, id: CaseId) -> String {
        format!("This message is already escalated as *{id}*: management has it.")
    }
    fn suggestion(&self, category: Category) -> String {
        format!(
            ":eyes: This message may be harassment ({}). If it is, escalate it and management \
             takes it from here.",
            self.category_name(category)
        )
    }
    fn suggestion_button(&self) -> &'static str {
        "Escalate"
    }
    fn suggestion_private_note(&self) -> &'static str {
        "Only visible to you"
    }
    fn suggestion_by_dm(&self, channel: &ChannelId, permalink: Option<Untrusted<'_>>) -> String {
        let message = match permalink {
            Some(link) => link.link("A message"),
            None => "A message".to_owned(),
        };
        format!(
            "{message} in <#{channel}> (you are not in that channel, so this comes to you \
             here):"
        )
    }
    fn suggestion_repeated_within(&self, count: u32, window: jiff::SignedDuration) -> String {
        format!(
            ":eyes: This customer has contacted us {count} times in {} (messages, helpdesk \
             messages and escalations, in any channel). If the contact has become persistent, \
             escalate it and management takes it from here.",
            self.duration(window)
        )
    }
    fn ask_classification(&self, id: CaseId, category: Category, severity: Severity) -> String {
        format!(
            "From the words of the message, the bot filed *{id}* as *{}*, severity *{}*. \
             Is that right? Confirm it or change it. If anyone is in danger, press \
             \"It's an emergency\": everyone on the chain is paged at once.",
            self.category_name(category),
            self.severity_name(severity)
        )
    }
    fn confirm_guess_button(&self) -> &'static str {
        "That's right"
    }
    fn change_classification_button(&self) -> &'static str {
        "Change"
    }
    fn emergency_button(&self) -> &'static str {
        "It's an emergency"
    }
    fn classify_title(&self) -> &'static str {
        "Category and severity"
    }
    fn classify_intro(&self, id: CaseId) -> String {
        format!("What is *{id}* about, and how serious is it?")
    }
    fn classify_submit(&self) -> &'static str {
        "Save"
    }
    fn classified(&self, id: CaseId, category: Category, severity: Severity) -> String {
        format!(
            "Thank you. *{id}* is filed as {}, severity {}.",
            self.category_name(category),
            self.severity_name(severity)
        )
    }
    fn emergency_recorded(&self, id: CaseId) -> String {
        format!(
            "*{id}* is now {}: everyone on the chain is paged at once. Your safety comes \
             first: end the conversation, and if anyone is in danger, call the police (110 in \
             Japan).",
            self.severity_name(Severity::Critical).to_lowercase()
        )
    }
    fn card_unconfirmed(&self) -> &'static str {
        ":grey_question: The category and severity are the bot's guess from the words of the \
         message; the reporter has been asked to confirm them."
    }
    fn note_classified(
        &self,
        by: &UserId,
        category: Category,
        severity: Severity,
        from: Option<(Category, Severity)>,
    ) -> String {
        match from {
            None => format!(
                "{} confirmed the category: {}, severity {}.",
                mention(by),
                self.category_name(category),
                self.severity_name(severity)
            ),
            Some((was_category, was_severity)) => format!(
                "{} changed the category and severity to {}, {} (before: {}, {}).",
                mention(by),
                self.category_name(category),
                self.severity_name(severity),
                self.category_name(was_category),
                self.severity_name(was_severity)
            ),
        }
    }
    fn card_private(&self) -> &'static str {
        ":lock: Private category: the details are shown only in this channel."
    }
    fn card_reporter_may_decide(&self) -> &'static str {
        ":information_source: `policy.reporter_may_decide` is on: whoever reported this case \
         may also take and decide it."
    }

    fn status_open(&self, paging: Option<&UserId>) -> String {
        match paging {
            Some(user) => format!(
                ":rotating_light: *Open*: waiting for someone to take it. Paged {}.",
                mention(user)
            ),
            None => ":rotating_light: *Open*: waiting for someone to take it.".into(),
        }
    }

    fn status_taken(&self, by: &UserId, at: Timestamp, zone: &TimeZone) -> String {
        format!(
            ":raising_hand: *Taken* by {} on {}.",
            mention(by),
            self.when(at, zone)
        )
    }

    fn status_proposed(&self, outcome: Outcome, by: &UserId, currency: &str) -> String {
        format!(
            ":hourglass_flowing_sand: *Awaiting approval*: {} proposed {}. An approver other \
             than the proposer approves or rejects it in the thread.",
            mention(by),
            self.outcome(outcome, currency)
        )
    }

    fn status_closed(&self, d: &Decision, currency: &str, zone: &TimeZone) -> String {
        let approved = match &d.approved {
            Some(a) => format!(", approved by {}", mention(&a.by)),
            None => String::new(),
        };
        format!(
            ":white_check_mark: *Closed*: {}, decided by {}{approved}, {}. Policy {}.",
            self.outcome(d.outcome, currency),
            mention(&d.decided.by),
            self.when(d.final_stamp().at, zone),
            Untrusted::new(&d.policy_version)
        )
    }

    fn take_button(&self) -> &'static str {
        "Take this case"
    }
    fn decide_confirm_title(&self) -> &'static str {
        "Record this decision?"
    }
    fn decide_confirm_text(&self, kind: Measure, id: CaseId) -> String {
        match kind {
            Measure::Termination => format!(
                "This proposes terminating the contract with the customer of {id}. It takes \
                 effect when an approver other than you approves it in the thread."
            ),
            _ => format!(
                "{id} will be recorded as \"{}\" and closed.",
                self.measure_name(kind)
            ),
        }
    }
    fn several_button(&self) -> &'static str {
        "Several or other measures…"
    }
    fn confirm_yes(&self) -> &'static str {
        "Yes"
    }
    fn confirm_no(&self) -> &'static str {
        "Cancel"
    }

    fn page(
        &self,
        id: CaseId,
        category: Category,
        customer: Option<Untrusted<'_>>,
        private: bool,
    ) -> String {
        match (customer, private) {
            // A private case's page names neither the customer nor what happened.
            (_, true) => format!(
                ":rotating_light: Please take *{id}*, a private category: the details are in the \
                 escalation channel."
            ),
            (Some(customer), false) => format!(
                ":rotating_light: Please take *{id}*: {} from customer `{customer}`.",
                self.category_name(category)
            ),
            (None, false) => format!(
                ":rotating_light: Please take *{id}*: {} from a customer not identified yet.",
                self.category_name(category)
            ),
        }
    }
    fn page_link(&self) -> &'static str {
        "Open the case thread"
    }

    fn note_paged(&self, to: &[UserId]) -> String {
        format!("Paged {}.", mentions(to))
    }
    fn note_reminder(&self, id: CaseId, to: &[UserId], approval: bool) -> String {
        if approval {
            format!(
                ":bell: {} the proposal on {id} is still waiting for an approver.",
                mentions(to)
            )
        } else {
            format!(
                ":bell: {} {id} is still waiting for your decision.",
                mentions(to)
            )
        }
    }
    fn note_nobody_may_act(&self, id: CaseId, approval: bool) -> String {
        if approval {
            format!(
                ":warning: Nobody in the configuration may approve the proposal on {id}, so \
                 reminders have stopped. Set `people.approvers`; reminders resume when the bot \
                 next starts."
            )
        } else {
            format!(
                ":warning: Nobody in the configuration may decide {id}, so reminders have \
                 stopped. Put the owner back in `people.executives` or add someone to \
                 `people.managers`; reminders resume when the bot next starts."
            )
        }
    }
    fn here_alert(&self, id: CaseId, round: u32, of: u32) -> String {
        let base = format!(
            "<!here> :rotating_light: Nobody has taken {id} yet, and everyone on the paging list \
             has been paged. Can an executive or manager take it?"
        );
        if round >= of {
            format!(
                "{base} This was alert {round} of {of}: paging stops now, and the case stays open \
                 until someone takes it."
            )
        } else {
            format!("{base} (alert {round} of {of})")
        }
    }
    fn note_taken(&self, by: &UserId) -> String {
        format!("{} took the case. Paging stops.", mention(by))
    }
    fn note_proposal(&self, outcome: Outcome, by: &UserId, currency: &str) -> String {
        format!(
            "{} proposes {}. An approver other than the proposer must approve it.",
            mention(by),
            self.outcome(outcome, currency)
        )
    }
    fn note_rejected(&self, by: &UserId, outcome: Outcome, currency: &str) -> String {
        format!(
            "{} rejected {}. The case is back with its owner.",
            mention(by),
            self.outcome(outcome, currency)
        )
    }
    fn note_closed(&self, d: &Decision, currency: &str, zone: &TimeZone) -> String {
        self.status_closed(d, currency, zone)
    }
    fn warning_draft_intro(&self, id: CaseId, to: &UserId) -> String {
        format!(
            "{}, here is a draft of the written warning for {id}. Check it, change what you \
             need, and send it to the customer yourself: the bot never writes to customers.",
            mention(to)
        )
    }
    fn warning_draft(
        &self,
        customer: Untrusted<'_>,
        day: jiff::civil::Date,
        category: Category,
        clause: Option<Untrusted<'_>>,
        company: Option<Untrusted<'_>>,
    ) -> String {
        let clause = match clause {
            Some(clause) => clause.to_string(),
            None => "the prohibited conduct clause of our terms of service".into(),
        };
        let company = match company {
            Some(company) => company.to_string(),
            None => "[company name]".into(),
        };
        format!(
            "Subject: Warning about conduct toward our staff\n\n\
             Dear {customer},\n\n\
             On {}, we recorded conduct toward our staff that we cannot accept ({}). Such \
             conduct is prohibited under {clause}.\n\
             If it happens again, we may take further measures, including suspending the \
             service or terminating the contract.\n\
             Please address any reply about this matter to the sender of this letter.\n\n\
             {company}",
            day.strftime("%-d %B %Y"),
            self.category_name(category).to_lowercase(),
        )
    }
    fn approve_button(&self) -> &'static str {
        "Approve"
    }
    fn reject_button(&self) -> &'static str {
        "Reject"
    }
    fn proposal_approved(&self, outcome: Outcome, by: &UserId, currency: &str) -> String {
        format!(
            "Proposal: {}. *Approved* by {}.",
            self.outcome(outcome, currency),
            mention(by)
        )
    }
    fn proposal_rejected(&self, outcome: Outcome, by: &UserId, currency: &str) -> String {
        format!(
            "Proposal: {}. *Rejected* by {}.",
            self.outcome(outcome, currency),
            mention(by)
        )
    }

    fn reporter_closed(&self, id: CaseId, outcome: Outcome, currency: &str) -> String {
        format!(
            "*{id}*, which you reported, is closed: management decided on {}. Thank you for \
             reporting it: it protects you and your colleagues, and reporting never counts \
             against you.",
            self.outcome(outcome, currency)
        )
    }

    fn refusal(&self, refusal: &Refusal, id: CaseId, currency: &str) -> String {
        match refusal {
            Refusal::NotExecutiveOrManager => {
                format!("Only executives and managers can take {id}. Nothing changed.")
            }
            Refusal::AlreadyTakenBy(owner) => format!(
                "{} has already taken {id}. Nothing changed.",
                mention(owner)
            ),
            Refusal::AlreadyYours => format!("You have already taken {id}. Nothing changed."),
            Refusal::NotTakenYet => {
                format!("{id} has not been taken yet: take it first, then decide. Nothing changed.")
            }
            Refusal::NotOwnerOrManager { owner } => format!(
                "Only {}, the owner of {id}, or a manager can decide it. Nothing changed.",
                mention(owner)
            ),
            Refusal::ProposalPending => {
                format!(
                    "A decision on {id} is already waiting for approval in the thread. Nothing \
                     changed."
                )
            }
            Refusal::NothingToApprove => {
                format!("{id} has no proposal waiting for approval. Nothing changed.")
            }
            Refusal::ProposalReplaced => format!(
                "That proposal on {id} was rejected and a new one is waiting: use the buttons \
                 on the newest proposal in the thread. Nothing changed."
            ),
            Refusal::ApproversOnly => format!(
                "Only an approver can approve or reject the proposal on {id}. Nothing changed."
            ),
            Refusal::OwnProposal => format!(
                "You proposed this decision on {id}, so another approver must approve or reject \
                 it. Nothing changed."
            ),
            Refusal::OwnReport => format!(
                "You reported {id}, so you cannot take, decide or approve it: someone else must \
                 (separation of duties). Nothing changed."
            ),
            Refusal::NoLongerEntitled => format!(
                "You took {id}, but you are no longer among the executives or managers, so you \
                 cannot decide it now; a manager can. Nothing changed."
            ),
            Refusal::AlreadyKeptOff => {
                format!("The reporter of {id} is already kept off this customer. Nothing changed.")
            }
            Refusal::NotTheReporter => {
                format!("Only the reporter of {id} answers this. Nothing changed.")
            }
            Refusal::NotInvolvedToAddFacts => format!(
                "Only the reporter, the owner, managers and the consultation desk can add facts \
                 to {id}. Nothing changed."
            ),
            Refusal::CheckInNotAsked => {
                format!("Nobody has asked how you are about {id} yet. Nothing changed.")
            }
            Refusal::CheckInAnswered => format!(
                "You have already answered about {id}; `/escalate consult` reaches the \
                 consultation desk at any time. Nothing changed."
            ),
            Refusal::CheckInOver => format!(
                "This check-in about {id} has closed; `/escalate consult` reaches the \
                 consultation desk at any time. Nothing changed."
            ),
            Refusal::NoDesk => format!(
                "There is no consultation desk to talk to about {id}; please ask a manager whom \
                 to talk to. Nothing changed."
            ),
            Refusal::NothingToAdd => "Fill in at least one fact. Nothing changed.".into(),
            Refusal::NotInvolvedToRecordPrevention => format!(
                "Only the owner of {id}, managers and the consultation desk can record its \
                 prevention note. Nothing changed."
            ),
            Refusal::NotDecidedYet => format!(
                "{id} has no decision yet: its prevention note is written with the decision, \
                 or added once it is decided. Nothing changed."
            ),
            Refusal::PreventionEmpty => "The prevention note is empty: write what changes so \
                 this does not happen again. Nothing changed."
                .into(),
            Refusal::Archived => format!(
                "{id} is archived (it closed more than a week ago), and an archived record no \
                 longer changes. Nothing changed."
            ),
            Refusal::ChecksMissing => format!(
                "A suspension or termination of {id} is proposed with the checks answered: use \
                 the buttons on the card. Nothing changed."
            ),
            Refusal::LegalReviewPending => format!(
                "Legal review of {id} is pending: it can be approved once someone answers it, \
                 with the buttons on the proposal. Nothing changed."
            ),
            Refusal::NoLegalReviewPending => {
                format!("{id} has no legal review waiting for an answer. Nothing changed.")
            }
            Refusal::NotInvolvedToAnswer => format!(
                "Only the owner, the proposer, managers and approvers can answer the legal \
                 review of {id}. Nothing changed."
            ),
            Refusal::Incomplete(problem) => {
                format!("{} Nothing changed.", self.outcome_problem(*problem))
            }
            Refusal::CustomerUnknown => format!(
                "Name the customer of {id} first: every measure but \"no action\" applies to a \
                 customer. Nothing changed."
            ),
            Refusal::CustomerAlreadyKnown(customer) => format!(
                "The customer of {id} is already named: `{}`. Nothing changed.",
                Untrusted::from(customer)
            ),
            Refusal::NotInvolved => {
                format!(
                    "Only the reporter, executives and managers can name the customer of {id}. \
                     Nothing changed."
                )
            }
            Refusal::NotInvolvedToClassify => {
                format!(
                    "Only the reporter, executives and managers can set the category of {id}. \
                     Nothing changed."
                )
            }
            Refusal::ClassificationUnchanged { category, severity } => format!(
                "{id} is already filed as {}, severity {}. Nothing changed.",
                self.category_name(*category),
                self.severity_name(*severity)
            ),
            Refusal::Closed { outcome } => format!(
                "{id} is already closed with {}. Nothing changed.",
                self.outcome(*outcome, currency)
            ),
        }
    }

    fn no_such_case(&self, id: Untrusted<'_>) -> String {
        format!("There is no case {id}. Nothing changed.")
    }

    fn outcome_title(&self) -> &'static str {
        "Record the decision"
    }
    fn outcome_measures(&self) -> &'static str {
        "Measures"
    }
    fn outcome_measures_hint(&self, approval_over: Money<'_>) -> String {
        format!(
            "Several may apply. Suspensions, terminations and refunds above {} need an \
             approver's approval. \"No action\" stands alone.",
            self.money(approval_over)
        )
    }
    fn outcome_until(&self) -> &'static str {
        "Suspended until (for a suspension)"
    }
    fn outcome_contact(&self) -> &'static str {
        "How contact is limited (for a contact restriction)"
    }
    fn outcome_problem(&self, problem: Problem) -> String {
        match problem {
            Problem::Empty => "Choose at least one measure.".into(),
            Problem::NoActionCombined => {
                "\"No action (not harassment)\" cannot be combined with a measure.".into()
            }
            Problem::AmountMissing => "A refund needs an amount greater than zero.".into(),
            Problem::DateMissing => "A suspension needs the day it ends.".into(),
        }
    }
    fn until_invalid(&self) -> String {
        "Choose a day after today.".into()
    }
    fn refund_amount(&self, currency: &str) -> String {
        match currency {
            "JPY" => "Amount (¥)".into(),
            other => format!("Amount ({other})"),
        }
    }
    fn refund_amount_hint(&self, approval_over: Money<'_>) -> String {
        format!(
            "For a refund: whole units. Refunds above {} need an approver's approval.",
            self.money(approval_over)
        )
    }
    fn outcome_submit(&self) -> &'static str {
        "Record"
    }
    fn outcome_intro(&self, id: CaseId) -> String {
        format!("*{id}*: what do we do about the customer? Choose every measure that applies.")
    }
    fn amount_invalid(&self) -> String {
        "Enter a whole amount greater than zero, digits only.".into()
    }

    fn care_at_submission(
        &self,
        policy_url: Option<Untrusted<'_>>,
        support_url: Option<Untrusted<'_>>,
    ) -> String {
        let mut out =
            "Reporting never counts against you: you will not be treated badly for it.".to_owned();
        if let Some(url) = policy_url {
            out.push_str(&format!(
                " Our policy on customer harassment: {}.",
                url.link("read it")
            ));
        }
        if let Some(url) = support_url {
            out.push_str(&format!(
                " If you would like to talk to someone (the employee assistance programme, the \
                 occupational physician, the consultation desk): {}.",
                url.link("who to contact")
            ));
        }
        out
    }
    fn keep_off_button(&self) -> &'static str {
        "Keep the reporter off this customer"
    }
    fn card_kept_off(&self, reporter: &UserId) -> String {
        format!(
            "{} is kept off this customer: someone else handles them from now on.",
            mention(reporter)
        )
    }
    fn note_kept_off(&self, by: &UserId, reporter: &UserId) -> String {
        format!(
            "{} kept {} off this customer; the customer's history says so.",
            mention(by),
            mention(reporter)
        )
    }
    fn urgent_page(&self, id: CaseId, reporter: &UserId) -> String {
        format!(
            ":rotating_light: *{id}*: {} needs someone now. Please go to them or call them at \
             once.",
            mention(reporter)
        )
    }
    fn safety_question(&self) -> &'static str {
        "Are you safe now? Is someone with you?"
    }
    fn safe_button(&self) -> &'static str {
        "I'm safe"
    }
    fn need_someone_button(&self) -> &'static str {
        "I need someone now"
    }
    fn safety_recorded(&self, id: CaseId, safe: bool) -> String {
        if safe {
            format!("Thank you. Management has {id}; take the time you need.")
        } else {
            format!(
                "Management is being alerted now about {id}. If you are in danger, leave and \
                 call the police (110 in Japan)."
            )
        }
    }
    fn note_safety(&self, by: &UserId, safe: bool) -> String {
        if safe {
            format!("{} says they are safe.", mention(by))
        } else {
            format!(
                ":rotating_light: {} needs someone now: everyone who can act was paged.",
                mention(by)
            )
        }
    }

    fn medium_name(&self, medium: Medium) -> &'static str {
        match medium {
            Medium::Phone => "Phone",
            Medium::Email => "Email",
            Medium::Chat => "Chat",
            Medium::InPerson => "In person",
            Medium::Sns => "Social media",
            Medium::Other => "Other",
        }
    }
    fn form_when(&self) -> &'static str {
        "When did it happen?"
    }
    fn form_when_hint(&self) -> &'static str {
        "Leave empty for now. Everything below is optional and can be added later."
    }
    fn form_medium(&self) -> &'static str {
        "How?"
    }
    fn form_minutes(&self) -> &'static str {
        "How long (minutes)?"
    }
    fn form_words(&self) -> &'static str {
        "Their exact words"
    }
    fn form_wants(&self) -> &'static str {
        "What do you want the company to do?"
    }
    fn form_present(&self) -> &'static str {
        "Who else was there?"
    }
    fn form_evidence(&self) -> &'static str {
        "Evidence: links"
    }
    fn form_evidence_hint(&self) -> &'static str {
        "One per line: a message's link (Copy link), a file shared in Slack."
    }
    fn form_facts_note(&self) -> &'static str {
        "What else happened, or what changed?"
    }
    fn minutes_invalid(&self) -> String {
        "Enter the minutes as a whole number, at most a week.".into()
    }
    fn facts_lines(&self, f: &Facts, zone: &TimeZone) -> String {
        let mut lines: Vec<String> = Vec::new();
        if let Some(at) = f.occurred_at {
            lines.push(format!("*When:* {}", self.when(at, zone)));
        }
        match (f.medium, f.minutes) {
            (Some(m), Some(n)) => lines.push(format!("*How:* {}, {n} min", self.medium_name(m))),
            (Some(m), None) => lines.push(format!("*How:* {}", self.medium_name(m))),
            (None, Some(n)) => lines.push(format!("*How long:* {n} min")),
            (None, None) => {}
        }
        if let Some(words) = &f.words {
            let quoted: Vec<String> = words
                .lines()
                .map(|l| format!("> {}", Untrusted::new(l)))
                .collect();
            lines.push(format!("*Exact words:*\n{}", quoted.join("\n")));
        }
        if let Some(wants) = &f.wants {
            lines.push(format!("*Wants the company to:* {}", Untrusted::new(wants)));
        }
        if let Some(present) = &f.present {
            lines.push(format!("*Others present:* {}", Untrusted::new(present)));
        }
        if !f.evidence.is_empty() {
            let links: Vec<String> = f
                .evidence
                .iter()
                .enumerate()
                .map(|(n, l)| Untrusted::new(l).link(&format!("link {}", n + 1)))
                .collect();
            lines.push(format!("*Evidence:* {}", links.join(", ")));
        }
        if let Some(note) = &f.note {
            lines.push(format!("*Also:* {}", Untrusted::new(note)));
        }
        lines.join("\n")
    }
    fn card_facts(&self) -> &'static str {
        "The record"
    }
    fn card_addition(&self, by: &UserId, at: Timestamp, zone: &TimeZone) -> String {
        format!("Added by {} on {}:", mention(by), self.when(at, zone))
    }
    fn add_facts_button(&self) -> &'static str {
        "Add facts"
    }
    fn add_facts_title(&self) -> &'static str {
        "Add facts"
    }
    fn add_facts_intro(&self, id: CaseId) -> String {
        format!(
            "*{id}*: what you add is kept with your name and the time, beside what was \
             recorded before. Fill in what you know."
        )
    }
    fn note_facts_added(&self, by: &UserId, facts: &str) -> String {
        format!("{} added facts:\n{facts}", mention(by))
    }
    fn correct_classification_button(&self) -> &'static str {
        "Correct category or severity"
    }

    fn checks_title(&self) -> &'static str {
        "Before stopping service"
    }
    fn checks_intro(&self, id: CaseId, outcome: Outcome, currency: &str) -> String {
        format!(
            "*{id}*: before proposing {}, answer these. The approver sees the answers, and they \
             are part of the decision record.",
            self.outcome(outcome, currency)
        )
    }
    fn check_complaint(&self) -> &'static str {
        "Is there a legitimate complaint underneath, and has it been answered?"
    }
    fn check_accommodation(&self) -> &'static str {
        "Has reasonable accommodation been considered (disability discrimination law)?"
    }
    fn check_duty_to_serve(&self) -> &'static str {
        "Does a duty to keep serving apply (a lifeline or a regulated service)?"
    }
    fn check_clause(&self) -> &'static str {
        "Which clause of the terms does this rest on?"
    }
    fn check_legal(&self) -> &'static str {
        "Has legal reviewed it?"
    }
    fn complaint_name(&self, answer: Complaint) -> &'static str {
        match answer {
            Complaint::None => "No legitimate complaint",
            Complaint::Answered => "Yes, and it has been answered",
            Complaint::Unanswered => "Yes, not answered yet",
        }
    }
    fn accommodation_name(&self, answer: Accommodation) -> &'static str {
        match answer {
            Accommodation::Considered => "Considered",
            Accommodation::NotRelevant => "Not relevant: nothing suggests a disability",
            Accommodation::NotConsidered => "Not considered",
        }
    }
    fn duty_to_serve_name(&self, answer: DutyToServe) -> &'static str {
        match answer {
            DutyToServe::No => "No",
            DutyToServe::Yes => "Yes",
            DutyToServe::Unsure => "Unsure",
        }
    }
    fn legal_name(&self, answer: LegalReview) -> &'static str {
        match answer {
            LegalReview::Reviewed => "Reviewed",
            LegalReview::NotNeeded => "Not needed",
            LegalReview::Pending => "Pending: approval waits for an answer",
        }
    }
    fn default_terms_clause(&self) -> &'static str {
        "The prohibited conduct clause of our terms of service"
    }
    fn checks_summary(&self, c: &Checks) -> String {
        let mark = |concern: bool| if concern { " :warning:" } else { "" };
        format!(
            "*Before stopping service*\n\
             Legitimate complaint underneath: {}{}\n\
             Reasonable accommodation: {}{}\n\
             Duty to keep serving: {}{}\n\
             Terms clause: {}\n\
             Legal review: {}{}",
            self.complaint_name(c.complaint),
            mark(c.complaint == Complaint::Unanswered),
            self.accommodation_name(c.accommodation),
            mark(c.accommodation == Accommodation::NotConsidered),
            self.duty_to_serve_name(c.duty_to_serve),
            mark(c.duty_to_serve != DutyToServe::No),
            Untrusted::new(&c.clause),
            self.legal_name(c.legal),
            mark(c.legal == LegalReview::Pending),
        )
    }
    fn legal_button(&self, answer: LegalReview) -> &'static str {
        match answer {
            LegalReview::Reviewed => "Legal has reviewed it",
            LegalReview::NotNeeded => "Legal review not needed",
            LegalReview::Pending => "Legal review pending",
        }
    }
    fn note_legal_answered(&self, by: &UserId, answer: LegalReview) -> String {
        format!(
            "{} answered the legal review: {}.",
            mention(by),
            self.legal_name(answer)
        )
    }

    fn weekly_report(&self, r: &WeekSummary, currency: &str) -> String {
        let s = &r.stats;
        let monday = r.week.monday();
        let sunday = monday.saturating_add(6.days());
        let first = if monday.year() == sunday.year() {
            monday.strftime("%a %-d %b").to_string()
        } else {
            monday.strftime("%a %-d %b %Y").to_string()
        };
        let mut out = format!(
            "*Weekly escalation report*\n{first} to {}, counted in {} time\n",
            sunday.strftime("%a %-d %b %Y"),
            Untrusted::new(&r.zone)
        );
        let _ = write!(out, "*Cases opened:* {}", s.opened);
        if let Some((direction, mean)) = trend(s.opened, &r.trend) {
            let list: Vec<String> = r.trend.iter().map(u64::to_string).collect();
            let word = match direction {
                Trend::Up => "up from",
                Trend::Down => "down from",
                Trend::Level => "level with",
            };
            let _ = write!(
                out,
                ", {word} an average of {} (the {} weeks before, oldest first: {})",
                one_decimal(mean),
                r.trend.len(),
                list.join(", ")
            );
        }
        out.push('\n');
        let (public, private) = s.categories_for_report();
        let mut parts: Vec<String> = public
            .iter()
            .map(|(c, n)| format!("{} {n}", self.category_name(*c)))
            .collect();
        if private > 0 {
            parts.push(format!(
                "{} {private} (not itemised)",
                self.private_categories()
            ));
        }
        if parts.is_empty() {
            parts.push("none".into());
        }
        let _ = writeln!(out, "*By category:* {}", parts.join(", "));
        let mut parts: Vec<String> = Vec::new();
        for measure in Measure::ALL {
            let n = s.decided(measure);
            // The ladder's steps, refunds and "no action" always; the rest when they occur.
            let always = matches!(
                measure,
                Measure::Caution
                    | Measure::Warning
                    | Measure::Suspension
                    | Measure::Termination
                    | Measure::Refund
                    | Measure::NoAction
            );
            if n == 0 && !always {
                continue;
            }
            let name = match measure {
                Measure::Caution => "cautions",
                Measure::Warning => "written warnings",
                Measure::ContactRestriction => "contact restrictions",
                Measure::Suspension => "suspensions",
                Measure::Termination => "terminations",
                Measure::Refund => "refunds",
                Measure::FormalRequest => "formal requests to their company",
                Measure::Police => "police consultations or reports",
                Measure::Lawyer => "lawyer consultations",
                Measure::NoAction => "no action (not harassment)",
            };
            let n = if measure == Measure::Refund {
                format!(
                    "{n} ({})",
                    self.money(Money {
                        amount: s.refund_total,
                        currency
                    })
                )
            } else {
                n.to_string()
            };
            parts.push(format!("{name} {n}"));
        }
        let parts = parts.join(", ");
        let _ = writeln!(
            out,
            "*Decided:* {}\n{}{}",
            s.decided_total(),
            parts[..1].to_uppercase(),
            &parts[1..]
        );
        // Counted under each of its measures: say so, or the parts outnumber the total.
        match s.combined {
            0 => {}
            1 => {
                let _ = writeln!(out, "1 of them had several measures, counted under each.");
            }
            n => {
                let _ = writeln!(out, "{n} of them had several measures, counted under each.");
            }
        }
        for (label, spread, none) in [
            ("Time to take", r.to_taken, "no case was taken this week"),
            (
                "Time to decide",
                r.to_decided,
                "no case was decided this week",
            ),
        ] {
            match spread {
                Some(x) => writeln!(
                    out,
                    "*{label}:* median {}, 9 in 10 {} ({} case{})",
                    self.duration(x.median),
                    // "under a minute" is a bound already: no "within" before it.
                    match self.duration(x.p90) {
                        under if under.starts_with("under") => under,
                        d => format!("within {d}"),
                    },
                    x.count,
                    plural(x.count as u64)
                ),
                None => writeln!(out, "*{label}:* {none}"),
            }
            .ok();
        }
        let _ = write!(out, "*Still open now:* {}", r.open_now);
        if let Some(age) = r.oldest_open {
            let _ = write!(out, ", the oldest for {}", self.duration(age));
        }
        out.push('\n');
        let _ = writeln!(
            out,
            "*Repeat customers:* {} of this week's cases came from a customer with an earlier \
             case; {} customer{} had more than one case in all",
            s.repeat_cases,
            r.repeat_customers,
            if r.repeat_customers == 1 {
                " has"
            } else {
                "s have"
            }
        );
        let all_time = match r.customer_count {
            Some(total) => format!("{} of {}", r.cut_off_total, group_thousands(total)),
            None => r.cut_off_total.to_string(),
        };
        let _ = writeln!(
            out,
            "*Customers terminated:* {} this week, {all_time} in all",
            s.cut_off
        );
        // Numbers only: what a consultation is about stays with the desk.
        let c = s.consultations;
        let _ = write!(
            out,
            "*Consultations with the desk:* {} opened, {} closed with advice given, {} turned \
             into cases",
            c.opened, c.closed, c.converted
        );
        out
    }

    fn policy_view(
        &self,
        user: &UserId,
        version: Untrusted<'_>,
        summary: Option<Untrusted<'_>>,
        url: Option<Untrusted<'_>>,
        acknowledged: Option<Timestamp>,
        zone: &TimeZone,
    ) -> String {
        let mut out = format!("*Our policy on customer harassment* (version {version})\n");
        match summary {
            Some(summary) => out.push_str(&summary.to_string()),
            None => out.push_str(
                "We do not accept abuse of our staff by customers. Report it with `/escalate`: \
                 management takes over, reporting never counts against you, and a legitimate \
                 complaint is still answered.",
            ),
        }
        if let Some(url) = url {
            let _ = write!(out, "\nRead it in full: {}", url.link("the policy"));
        }
        match acknowledged {
            Some(at) => {
                let _ = write!(
                    out,
                    "\n{} confirmed reading this version on {}.",
                    mention(user),
                    self.datetime(at, zone)
                );
            }
            None => out.push_str("\nOnce you have read it, please confirm with the button."),
        }
        out
    }

    fn policy_ack_button(&self) -> &'static str {
        "I have read it"
    }

    fn policy_acknowledged(
        &self,
        user: &UserId,
        version: Untrusted<'_>,
        at: Timestamp,
        zone: &TimeZone,
    ) -> String {
        format!(
            "Thank you, {}. Recorded: you read the policy, version {version}, on {}.",
            mention(user),
            self.datetime(at, zone)
        )
    }

    fn policy_version_changed(&self, clicked: Untrusted<'_>, version: Untrusted<'_>) -> String {
        format!(
            "That button was for version {clicked} of the policy; it is now version {version}, \
             so nothing was recorded. Please read the current one below."
        )
    }

    fn policy_reminder_intro(&self, user: &UserId) -> String {
        format!(
            "Hello {}: please take a moment to read our policy on customer harassment, and \
             confirm when you have.",
            mention(user)
        )
    }

    fn policy_remind_refused(&self) -> String {
        "Reminders to read the policy are sent by managers and the consultation desk. Nothing changed.".into()
    }

    fn policy_remind_started(&self, version: Untrusted<'_>) -> String {
        format!(
            "Looking up who has not read version {version} of the policy yet. The reminders \
             follow, and you will hear how many went out."
        )
    }

    fn policy_remind_done(
        &self,
        version: Untrusted<'_>,
        sent: usize,
        recent: usize,
        acknowledged: usize,
    ) -> String {
        let people = |n: usize| {
            if n == 1 {
                "1 person".to_owned()
            } else {
                format!("{n} people")
            }
        };
        format!(
            "Reminded {} to read version {version} of the policy. {} reminded in the last \
             week {} not reminded again; {} read it already.",
            people(sent),
            people(recent),
            if recent == 1 { "was" } else { "were" },
            people(acknowledged)
        )
    }

    fn policy_members_failed(&self, reason: Untrusted<'_>) -> String {
        format!(
            "I could not list the staff from Slack ({reason}), so no reminder was sent. \
             Nothing changed."
        )
    }

    fn acknowledgement_headers(&self) -> [&'static str; 4] {
        ["Slack user", "Name", "Policy version", "Acknowledged at"]
    }

    fn acknowledgement_not_yet(&self) -> &'static str {
        "not yet"
    }

    fn acknowledgement_summary(&self, version: &str, done: usize, total: usize) -> String {
        format!("{done} of {total} have acknowledged version {version} of the policy.")
    }

    fn chart_comment(&self, week: Week, weeks: usize) -> String {
        let sunday = week.monday().saturating_add(6.days());
        format!(
            "Cases opened per week by category, the {weeks} weeks to {}. Each bar is labelled \
             with its week's Monday (month/day).",
            sunday.strftime("%a %-d %b %Y"),
        )
    }

    fn chart_title(&self, week: Week, weeks: usize) -> String {
        let sunday = week.monday().saturating_add(6.days());
        format!(
            "Cases per week by category, {weeks} weeks to {}",
            sunday.strftime("%-d %b")
        )
    }

    fn chart_x_axis(&self) -> &'static str {
        "Week (its Monday)"
    }

    fn chart_y_axis(&self) -> &'static str {
        "Cases opened"
    }

    fn chart_no_cases(&self) -> &'static str {
        "No cases"
    }

    fn chart_table_caption(&self, week: Week, weeks: usize) -> String {
        let sunday = week.monday().saturating_add(6.days());
        format!(
            "Cases opened per week by category, the {weeks} weeks to {}",
            sunday.strftime("%a %-d %b %Y")
        )
    }

    fn chart_week_column(&self) -> &'static str {
        "Week of"
    }

    fn chart_total_column(&self) -> &'static str {
        "Total"
    }

    fn private_categories(&self) -> &'static str {
        "Private categories"
    }

    fn duration(&self, d: jiff::SignedDuration) -> String {
        match duration_units(d) {
            (0, 0, 0) => "under a minute".into(),
            (0, 0, m) => format!("{m} min"),
            (0, h, 0) => format!("{h} h"),
            (0, h, m) => format!("{h} h {m} min"),
            (d, 0, _) => format!("{d} d"),
            (d, h, _) => format!("{d} d {h} h"),
        }
    }

    fn unknown_command(&self, command: Untrusted<'_>) -> String {
        format!(
            "`{command}` is not a command of this bot, so nothing was recorded. To escalate, \
             use `/escalate` (`/escalate help` shows how)."
        )
    }

    fn org_install_unsupported(&self) -> String {
        "This bot is installed workspace by workspace, not for a whole Enterprise Grid \
         organization, so nothing was recorded. Ask your Slack admin to install it in this \
         workspace."
            .into()
    }

    fn stale_form_title(&self) -> &'static str {
        "Form out of date"
    }

    fn stale_form(&self) -> String {
        "This form belongs to an older version of the bot, so nothing was recorded. Close it \
         and start again: `/escalate` opens the current form."
            .into()
    }

    fn stale_shortcut(&self) -> String {
        "That shortcut belongs to an older version of the bot, so nothing was recorded. Use \
         the “Escalate this message” shortcut, or `/escalate`."
            .into()
    }

    fn evidence_unreadable(&self) -> &'static str {
        "The bot could not read this message (it may not be in the channel, lack a \
         permission, or the message was deleted), so there is no quote. Open the message \
         to see it."
    }

    fn reaction_not_recorded(&self, reaction: Untrusted<'_>) -> String {
        format!(
            "Your :{reaction}: reaction could not be turned into a case, so management has not \
             been told. Please escalate with `/escalate` instead."
        )
    }

    fn category_description(&self, category: Category) -> &'static str {
        match category {
            Category::Violence => "Assault, injury, throwing or breaking things",
            Category::Threat => "Threats to harm, to expose online, intimidating legal threats",
            Category::VerbalAbuse => "Insults, abusive language, slander, defamation",
            Category::Intimidation => "Shouting, coercion, banging the desk",
            Category::Dogeza => "Demanding a humiliating apology, such as kneeling (dogeza)",
            Category::Persistent => "The same demand or contact again and again",
            Category::Restraint => "Hours-long calls, refusing to leave, not letting staff go",
            Category::Discrimination => {
                "Remarks or treatment because of nationality, sex, disability…"
            }
            Category::Sexual => "Sexual remarks or behaviour, stalking",
            Category::PersonalAttack => {
                "Demands to fire someone, prying into or exposing their details"
            }
            Category::UnreasonableDemand => {
                "Beyond the contract: money, free work, after-hours service"
            }
            Category::Other => "Anything not listed above",
        }
    }

    fn form_promise_failed_hint(&self) -> &'static str {
        "Yes if we did not deliver what the contract or a promise said. A valid complaint made \
         abusively is still harassment."
    }

    fn person(&self, user: &UserId) -> String {
        mention(user)
    }

    fn datetime(&self, at: Timestamp, zone: &TimeZone) -> String {
        at.to_zoned(zone.clone())
            .strftime("%a %-d %b %Y %H:%M %Z")
            .to_string()
    }

    fn column_name(&self, column: Column) -> &'static str {
        match column {
            Column::Case => "Case",
            Column::OpenedAt => "Opened at",
            Column::Customer => "Customer id",
            Column::Category => "Category",
            Column::CategoryId => "Category id",
            Column::Severity => "Severity",
            Column::Source => "Reported through",
            Column::Reporter => "Reporter id",
            Column::ReportedFrom => "Reported from channel id",
            Column::PromiseFailed => "Our own failing",
            Column::Summary => "What happened",
            Column::Evidence => "The message",
            Column::State => "State",
            Column::TakenBy => "Owner id",
            Column::TakenAt => "Taken at",
            Column::Outcome => "Outcome",
            Column::OutcomeId => "Outcome id",
            Column::RefundAmount => "Refund amount",
            Column::Currency => "Currency",
            Column::DecidedBy => "Decided by id",
            Column::DecidedAt => "Decided at",
            Column::ApprovedBy => "Approved by id",
            Column::ApprovedAt => "Approved at",
            Column::PolicyVersion => "Policy version",
            Column::Timeline => "Timeline",
            Column::TimelineIds => "Timeline ids",
        }
    }

    fn source_name(&self, source: Source) -> &'static str {
        match source {
            Source::Command => "slash command",
            Source::Form => "form",
            Source::Shortcut => "message shortcut",
            Source::Reaction => "reaction",
            Source::Suggestion => "the bot's suggestion",
            Source::Consultation => "a consultation",
        }
    }

    fn state_name(&self, state: &CaseState) -> &'static str {
        match state {
            CaseState::Open => "open",
            CaseState::Taken { .. } => "taken",
            CaseState::Proposed { .. } => "awaiting approval",
            CaseState::Closed { .. } => "closed",
        }
    }

    fn audit_event(&self, event: &Event, currency: &str) -> (&'static str, String) {
        let outcome = |o: Outcome| self.outcome(o, currency);
        // The prevention note, as written (an erased case's is empty: nothing to show).
        let prevention = |note: Option<&str>| match note.filter(|n| !n.is_empty()) {
            Some(note) => format!("; prevention: {note}"),
            None => String::new(),
        };
        match event {
            Event::Opened { .. } => ("opened", String::new()),
            Event::Taken { .. } => ("taken", String::new()),
            Event::Proposed { proposal } => (
                "proposed",
                outcome(proposal.outcome) + &prevention(proposal.prevention.as_deref()),
            ),
            Event::Rejected { proposal, .. } => ("rejected", outcome(proposal.outcome)),
            Event::Closed { decision } => (
                "closed",
                match &decision.approved {
                    Some(_) => format!(
                        "{} (proposed by {})",
                        outcome(decision.outcome),
                        decision.decided.by
                    ),
                    None => outcome(decision.outcome),
                } + &prevention(decision.prevention.as_deref()),
            ),
            Event::CustomerIdentified { customer, .. } => ("customer named", customer.to_string()),
            // The note itself is the decision's: the trail says only who wrote it.
            Event::PreventionRecorded { edited, .. } => (
                if *edited {
                    "prevention note edited"
                } else {
                    "prevention note recorded"
                },
                String::new(),
            ),
            Event::ReporterKeptOff { .. } => ("reporter kept off", String::new()),
            Event::SafetyAnswered { safe, .. } => (
                "safety answered",
                if *safe { "safe" } else { "needs someone now" }.to_owned(),
            ),
            Event::FactsAdded { facts, .. } => (
                "facts added",
                self.facts_lines(facts, &TimeZone::UTC).replace('\n', " / "),
            ),
            Event::LegalAnswered { answer, .. } => {
                ("legal review answered", self.legal_name(*answer).to_owned())
            }
            Event::CheckInAnswered {
                reply,
                consultation,
                ..
            } => (
                "check-in answered",
                match (reply, consultation) {
                    (CheckInReply::Desk, Some(id)) => {
                        format!("would like to talk to the consultation desk ({id})")
                    }
                    (CheckInReply::Desk, None) => {
                        "would like to talk to the consultation desk".to_owned()
                    }
                    (CheckInReply::Fine, _) => "fine".to_owned(),
                    (CheckInReply::NoAnswer, _) => "no answer".to_owned(),
                },
            ),
            Event::Classified {
                category,
                severity,
                from_category,
                from_severity,
                ..
            } => (
                "classified",
                format!(
                    "{}, {} (was {}, {})",
                    self.category_name(*category),
                    self.severity_name(*severity),
                    self.category_name(*from_category),
                    self.severity_name(*from_severity)
                ),
            ),
            Event::Notified { notice, .. } => match notice {
                Notice::Paged { to } => ("paged", ids(to)),
                Notice::Alerted { round, of } => ("alerted", format!("round {round} of {of}")),
                Notice::Reminded { to } => ("reminded", ids(to)),
                Notice::Undelivered { what, reason } => (
                    "undelivered",
                    format!(
                        "{}: {}",
                        recorded_or_as_is(self, Recorded::Delivery(what)),
                        self.undelivered_reason(reason)
                    ),
                ),
                Notice::Refused { action, reason, .. } => (
                    "refused",
                    format!(
                        "{}: {}",
                        recorded_or_as_is(self, Recorded::Action(action)),
                        recorded_or_as_is(self, Recorded::RefusalReason(reason))
                    ),
                ),
                Notice::CheckedIn => ("checked in with the reporter", String::new()),
                Notice::CheckInUnanswered => ("check-in answered", "no answer".to_owned()),
            },
        }
    }

    fn timeline_line(&self, at: &str, event: &str, by: &str, detail: &str) -> String {
        let mut line = format!("{at} {event}");
        if !by.is_empty() {
            let _ = write!(line, " by {by}");
        }
        if !detail.is_empty() {
            let _ = write!(line, ": {detail}");
        }
        line
    }

    fn recorded(&self, name: Recorded<'_>) -> Option<&'static str> {
        Some(match name {
            Recorded::LogEntry(what) => match what {
                "not-staff" => "refused someone not on the staff",
                "refused" => "refused",
                "backup" => "backup",
                "export" => "export",
                "report-posted" => "report posted by hand",
                "operations-refused" => "refused the operations socket",
                "retention-erased" => "erased the details of cases past the retention period",
                _ => return None,
            },
            Recorded::Detail { what, name } => match (what, name) {
                (_, "case") => "case",
                ("not-staff", "path") => "where",
                (_, "path") => "file",
                (_, "reason") => "reason",
                (_, "action") => "action",
                (_, "pid") => "process",
                (_, "cases") => "cases",
                (_, "records") => "records",
                (_, "format") => "format",
                (_, "since") => "since",
                (_, "week") => "week",
                (_, "ids") => "case ids",
                (_, "people") => "people",
                (_, "closed-before") => "closed before",
                (_, "retention") => "retention period",
                _ => return None,
            },
            Recorded::Action(action) => match action {
                "take" => "take",
                "decide" => "decide",
                "approve" => "approve",
                "reject" => "reject",
                "name-customer" => "name the customer",
                "classify" => "set the category",
                "add-facts" => "add facts",
                "record-prevention" => "record the prevention note",
                "answer-safety" => "answer whether they are safe",
                "keep-reporter-off" => "keep the reporter off the customer",
                "answer-legal" => "answer the legal review",
                "answer-check-in" => "answer the check-in",
                "consultation-answered" => "note that the desk talked to them",
                "consultation-close" => "close a consultation",
                "consultation-convert" => "turn a consultation into a case",
                _ => return None,
            },
            Recorded::RefusalReason(reason) => match reason {
                "not-executive-or-manager" => "not an executive or manager",
                "not-owner-or-manager" => "neither the owner nor a manager",
                "no-longer-entitled" => "the owner, no longer an executive",
                "own-report" => "their own report (separation of duties)",
                "approvers-only" => "not an approver",
                "own-proposal" => "their own proposal",
                "not-involved" | "not-involved-to-classify" => {
                    "neither the reporter nor an executive or manager"
                }
                "not-involved-to-add-facts" => {
                    "neither the reporter, the owner, a manager nor the consultation desk"
                }
                "not-involved-to-record-prevention" => {
                    "neither the owner, a manager nor the consultation desk"
                }
                "desk-only" => "not on the consultation desk",
                "chosen-only" => "not the desk member the reporter chose",
                "own-consultation" => "their own consultation",
                "not-involved-in-consultation" => "neither its reporter nor the consultation desk",
                "not-involved-to-answer" => {
                    "neither the owner, the proposer, a manager nor an approver"
                }
                "not-the-reporter" => "not the reporter of the case",
                _ => return None,
            },
            Recorded::NotStaff(reason) => match reason {
                "unknown" => "unknown to Slack",
                "deactivated" => "a deactivated account",
                "bot" => "a bot or an app",
                "other-workspace" => "someone of another workspace (Slack Connect)",
                "guest" => "a multi-channel guest",
                "single-channel-guest" => "a single-channel guest",
                _ => return None,
            },
            Recorded::Path(path) => match path {
                "reaction" => "a reaction",
                "shortcut" => "the message shortcut",
                "command" => "the slash command",
                "form" => "the form",
                "name-customer" => "naming the customer",
                "button" => "a button",
                "suggested" => "a suggestion's button",
                "suggestion" => "a suggestion",
                "acknowledgement" => "the acknowledgement",
                "page" => "a page",
                "closing-message" => "the closing message",
                _ => return None,
            },
            Recorded::Delivery(what) => match what {
                "post-card" => "posting the card",
                "update-card" => "updating the card",
                "update-pages" => "updating the pages",
                "page" => "a page",
                "urgent" => "the urgent message",
                "update-proposal" => "updating the proposal",
                "check-in" => "the check-in to the reporter",
                "update-check-in" => "updating the check-in",
                "post-consultation" => "posting a consultation to the desk",
                "update-consultation" => "updating a consultation",
                "consultation-note" => "a note in a consultation's thread",
                "consultation-outcome" => "telling the reporter what became of a consultation",
                "here-alert" => "an @here alert",
                "thread-note" => "a note in the thread",
                "resolve-proposal" => "updating the proposal",
                "notify-reporter" => "the closing message to the reporter",
                "acknowledge" => "the acknowledgement to the reporter",
                _ => return None,
            },
            Recorded::Value(value) => match value {
                "standard output" => "printed",
                "not the bot's user" => "not the bot's user",
                _ => return None,
            },
        })
    }

    fn log_details(&self, details: &[(String, String)]) -> String {
        details
            .iter()
            .map(|(name, value)| format!("{name}: {value}"))
            .collect::<Vec<_>>()
            .join("; ")
    }

    fn undelivered_reason(&self, reason: &str) -> String {
        if let Some((attempts, last)) = super::gave_up(reason) {
            return match last {
                Some(last) => format!("gave up after {attempts} attempts ({last})"),
                None => format!("gave up after {attempts} attempts"),
            };
        }
        match reason {
            "the case does not exist" => "the case does not exist".into(),
            "the case card was never posted" => "the case card was never posted".into(),
            "the proposal message was never posted" => {
                "the proposal message was never posted".into()
            }
            // Slack's error code, or a sentence from the Web API client.
            other => other.to_owned(),
        }
    }

    fn consult_button(&self) -> &'static str {
        "I'd like advice: not sure it is harassment"
    }
    fn consult_offer(&self) -> &'static str {
        "Not sure it is harassment, or would like advice first? Ask the consultation desk: \
         no customer or category needed, and nobody else is told."
    }
    fn consult_title(&self) -> &'static str {
        "Ask the desk"
    }
    fn consult_intro(&self) -> String {
        "This goes to the consultation desk only: no executive is paged, and no customer or \
         category is needed. Only what happened is required; the rest helps if you know it. \
         Consulting never counts against you."
            .into()
    }
    fn consult_with(&self) -> &'static str {
        "Whom would you like to talk to?"
    }
    fn consult_with_hint(&self) -> &'static str {
        "If you choose someone (for example someone of the same gender), only they are told \
         what you write."
    }
    fn consult_with_anyone(&self) -> &'static str {
        "Anyone on the desk"
    }
    fn consult_summary(&self) -> &'static str {
        "What happened, or what you would like advice on"
    }
    fn consult_summary_missing(&self) -> String {
        "Tell the desk what happened, in a few words. Nothing was recorded.".into()
    }
    fn consult_opened(&self, id: ConsultationId, with: Option<&UserId>) -> String {
        let to = match with {
            Some(with) => format!("{}, whom you chose,", mention(with)),
            None => "the consultation desk".to_owned(),
        };
        format!(
            "Thank you for asking. *{id}* is with {to}: nobody else is told, and no executive \
             is paged. They will contact you."
        )
    }
    fn consult_no_desk(&self) -> String {
        "There is no consultation desk to reach yet, so nothing was recorded. Please ask a \
         manager whom to talk to, or escalate with `/escalate`."
            .into()
    }
    fn consult_card_title(&self, id: ConsultationId) -> String {
        format!("Consultation {id}")
    }
    fn consult_card_private(&self) -> &'static str {
        "For the consultation desk only: nothing of it goes outside the desk. Answer the \
         reporter in this thread or talk to them directly."
    }
    fn consult_card_chosen(&self, with: &UserId) -> String {
        format!(
            "The reporter chose to talk to {}: only they have the details.",
            mention(with)
        )
    }
    fn consult_card_about(&self, case: CaseId, from_check_in: bool) -> String {
        if from_check_in {
            format!(
                "The reporter of {case} asked to talk to the desk when the bot checked in after \
                 the case closed."
            )
        } else {
            format!("About {case}, which management already has.")
        }
    }
    fn consult_card_with_member(&self, id: ConsultationId, with: &UserId) -> String {
        format!(
            "*{id}* is with {}, whom the reporter chose to talk to; the details are with them \
             only.",
            mention(with)
        )
    }
    fn consult_status(
        &self,
        state: &ConsultState,
        first_answer: Option<&Stamp>,
        zone: &TimeZone,
    ) -> String {
        match state {
            ConsultState::Open => match first_answer {
                Some(first) => format!(
                    ":speech_balloon: *Open* {} answered first, {}.",
                    mention(&first.by),
                    self.when(first.at, zone)
                ),
                None => ":speech_balloon: *Open* Waiting for the desk to answer.".into(),
            },
            ConsultState::Closed { by } => format!(
                ":white_check_mark: *Closed* {} closed it, advice given, {}.",
                mention(&by.by),
                self.when(by.at, zone)
            ),
            ConsultState::Converted { by, case } => format!(
                ":arrow_right: *Turned into a case* {} turned it into {case}, {}.",
                mention(&by.by),
                self.when(by.at, zone)
            ),
        }
    }
    fn consult_answered_button(&self) -> &'static str {
        "I've talked to them"
    }
    fn consult_close_button(&self) -> &'static str {
        "Close: advice given"
    }
    fn consult_convert_button(&self) -> &'static str {
        "Turn into a case"
    }
    fn consult_note_answered(&self, by: &UserId) -> String {
        format!("{} talked to the reporter.", mention(by))
    }
    fn consult_note_closed(&self, by: &UserId) -> String {
        format!("{} closed it: advice given.", mention(by))
    }
    fn consult_note_converted(&self, by: &UserId, case: CaseId) -> String {
        format!(
            "{} turned it into {case}: management is paged as for any case.",
            mention(by)
        )
    }
    fn consult_closed_to_reporter(&self, id: ConsultationId) -> String {
        format!(
            "The consultation desk closed *{id}*: advice given. If you would like to talk again, \
             `/escalate consult` reaches them at any time. Consulting never counts against you."
        )
    }
    fn consult_converted_to_reporter(&self, id: ConsultationId, case: CaseId) -> String {
        format!(
            "The consultation desk turned *{id}* into case *{case}*: management has it now, and \
             you don't need to handle this customer on this matter any further. Reporting \
             never counts against you."
        )
    }
    fn consult_refusal(&self, refusal: &ConsultRefusal, id: ConsultationId) -> String {
        match refusal {
            ConsultRefusal::DeskOnly => {
                format!("Only the consultation desk can do this on {id}. Nothing changed.")
            }
            ConsultRefusal::ChosenOnly(with) => format!(
                "The reporter chose to talk to {} about {id}, so only they can do this. Nothing \
                 changed.",
                mention(with)
            ),
            ConsultRefusal::OwnConsultation => format!(
                "You asked for {id} yourself, so another member of the desk handles it. Nothing \
                 changed."
            ),
            ConsultRefusal::NotInvolvedToAddFacts => format!(
                "Only the reporter and the consultation desk can add facts to {id}. Nothing \
                 changed."
            ),
            ConsultRefusal::Closed => format!("{id} is already closed. Nothing changed."),
            ConsultRefusal::Converted(case) => {
                format!("{id} is already case {case}. Nothing changed.")
            }
            ConsultRefusal::AlreadyAnswered => format!(
                "The desk's first answer to {id} is already on the record. Nothing changed."
            ),
            ConsultRefusal::NothingToAdd => "Fill in at least one fact. Nothing changed.".into(),
        }
    }
    fn no_such_consultation(&self, id: Untrusted<'_>) -> String {
        format!("There is no consultation {id}. Nothing changed.")
    }
    fn consult_add_facts_intro(&self, id: ConsultationId) -> String {
        format!(
            "Add to the record of {id}. What you add is kept with your name and the time, \
             beside what is there already. Fill in what you know."
        )
    }
    fn convert_title(&self) -> &'static str {
        "Turn into a case"
    }
    fn convert_intro(&self, id: ConsultationId) -> String {
        format!(
            "{id} becomes a case with its record and its reporter, and management is paged as \
             for any case. A case needs a category; the customer can be named now or later."
        )
    }
    fn convert_customer_hint(&self) -> &'static str {
        "Optional: the reporter or management can name them later."
    }
    fn card_from_consultation(&self, id: ConsultationId, by: &UserId) -> String {
        format!(
            "Turned into a case from consultation {id} by {}.",
            mention(by)
        )
    }
    fn check_in(&self, id: CaseId, desk: bool) -> String {
        let desk = if desk {
            " If you would like to talk to the consultation desk, say so below. Your answer is \
             kept with the case's record."
        } else {
            " Your answer is kept with the case's record."
        };
        format!(
            "*{id}*, which you reported, has closed. How are you now? Would you like to talk to \
             someone?{desk}"
        )
    }
    fn check_in_fine_button(&self) -> &'static str {
        "I'm fine"
    }
    fn check_in_desk_button(&self) -> &'static str {
        "I'd like to talk to the desk"
    }
    fn check_in_answered(
        &self,
        id: CaseId,
        reply: CheckInReply,
        consultation: Option<ConsultationId>,
    ) -> String {
        let later = "`/escalate consult` reaches the consultation desk at any time.";
        match (reply, consultation) {
            (CheckInReply::Fine, _) => {
                format!("Thank you for letting us know about {id}. If that changes, {later}")
            }
            (CheckInReply::Desk, Some(consultation)) => format!(
                "Thank you. *{consultation}* is with the consultation desk; they will contact \
                 you about {id}."
            ),
            (CheckInReply::Desk, None) => {
                format!("Thank you. The consultation desk will contact you about {id}.")
            }
            (CheckInReply::NoAnswer, _) => format!(
                "This check-in about {id} has closed. If you would like to talk to someone, \
                 {later}"
            ),
        }
    }

    fn form_prevention(&self) -> &'static str {
        "Prevention (so it does not happen again)"
    }

    fn form_prevention_hint(&self) -> &'static str {
        "Optional: what changes so this does not happen again (two staff on this customer's \
         calls, a script, a change to a process). It is kept with the decision; the \
         compliance report counts decisions with one and never shows the text."
    }

    fn card_prevention(&self) -> &'static str {
        "Prevention"
    }

    fn prevention_button(&self, edit: bool) -> &'static str {
        if edit {
            "Edit prevention note"
        } else {
            "Add prevention note"
        }
    }

    fn prevention_title(&self) -> &'static str {
        "Prevention note"
    }

    fn prevention_intro(&self, id: CaseId, edit: bool) -> String {
        if edit {
            format!(
                "*{id}*: edit the prevention note kept with the decision. Saving replaces the \
                 earlier note; the record keeps who changed it and when."
            )
        } else {
            format!(
                "*{id}*: what changes so this does not happen again (two staff on this \
                 customer's calls, a script, a change to a process)? It is kept with the \
                 decision; the compliance report counts decisions with one and never shows \
                 the text."
            )
        }
    }

    fn compliance_report(&self, c: &Compliance, markup: Markup) -> String {
        let zone = TimeZone::get(&c.zone).unwrap_or(TimeZone::UTC);
        let day = |d: jiff::civil::Date| d.strftime("%-d %b %Y").to_string();
        let date = |at: Timestamp| day(at.to_zoned(zone.clone()).date());
        let people = |n: u64| if n == 1 { "person" } else { "people" };
        let times = |label: &str, times: Option<Times>, what: &str, none: &str| match times {
            Some(x) => format!(
                "- {label}: median {}, 9 in 10 {} ({} {what}{})",
                self.duration(x.median()),
                // "under a minute" is a bound already: no "within" before it.
                match self.duration(x.p90()) {
                    under if under.starts_with("under") => under,
                    d => format!("within {d}"),
                },
                x.count,
                plural(x.count)
            ),
            None => format!("- {label}: {none}"),
        };
        let mut out = String::new();
        let _ = writeln!(
            out,
            "{}",
            markup.title("Customer harassment measures: compliance report")
        );
        let _ = writeln!(
            out,
            "Period: {} to {}, counted in {} time. Made {}.",
            day(c.period.from),
            day(c.period.to),
            Untrusted::new(&c.zone),
            self.datetime(c.made_at, &zone)
        );
        out.push_str(
            "Aggregates only, in the five groups of measures of the MHLW guideline (指針): no \
             names, no details of private cases, no free text.\n",
        );

        let p = &c.policy;
        let _ = writeln!(
            out,
            "\n{}",
            markup.heading("1. Policy (方針の明確化と周知)")
        );
        let version = Untrusted::new(&p.version);
        let _ = writeln!(
            out,
            "- In force: version {version}; {}.",
            match &p.document_url {
                Some(url) => format!(
                    "the policy: {}",
                    markup.link(Untrusted::new(url), "the policy document")
                ),
                None => "no policy document is configured (policy.document_url)".into(),
            }
        );
        match (p.first_acknowledged_at, p.last_acknowledged_at) {
            (Some(first), Some(last)) => {
                let _ = writeln!(
                    out,
                    "- Confirmed reading this version: {} {} so far, {} of them in the period; \
                     the first on {}, the latest on {}.",
                    p.acknowledged,
                    people(p.acknowledged),
                    p.acknowledged_in_period,
                    date(first),
                    date(last)
                );
            }
            _ => out.push_str("- Nobody has confirmed reading this version yet.\n"),
        }
        match (
            p.staff,
            p.staff_acknowledged,
            p.staff_from,
            p.staff_counted_at,
        ) {
            (Some(staff), Some(done), Some(from), Some(at)) => {
                let _ = writeln!(
                    out,
                    "- Staff who have confirmed reading this version: {done} of {staff} staff. \
                     The staff are the members of {} other than guests, people of other \
                     workspaces and bots, as Slack listed them on {}.",
                    match from {
                        StaffList::UserGroup => "the staff user group (people.staff_group)",
                        StaffList::SupportChannels =>
                            "the support channels (slack.support_channels)",
                    },
                    self.datetime(at, &zone)
                );
            }
            _ => {
                let _ = writeln!(
                    out,
                    "- Staff not counted: {}",
                    match &p.staff_not_counted {
                        Some(NotCounted::SlackFailed(reason)) =>
                            format!("Slack did not list them ({}).", Untrusted::new(reason)),
                        _ => "the bot was not running and SLACK_BOT_TOKEN was not set.".into(),
                    }
                );
            }
        }
        if p.decided_under.is_empty() {
            out.push_str("- No decision in the period, so no policy version was applied.\n");
        } else {
            let list: Vec<String> = p
                .decided_under
                .iter()
                .map(|(v, n)| format!("{} ({n})", Untrusted::new(v)))
                .collect();
            let _ = writeln!(
                out,
                "- The period's decisions were made under policy version {}.",
                list.join(", ")
            );
        }

        let d = &c.consultation;
        let _ = writeln!(
            out,
            "\n{}",
            markup.heading("2. Consultation system (相談体制)")
        );
        if d.desk_members == 0 {
            out.push_str("- No consultation desk is configured (people.consultation_desk).\n");
        } else {
            let _ = writeln!(
                out,
                "- The consultation desk has {} member{}; consultations reach them {}, and \
                 nobody else.",
                d.desk_members,
                plural(d.desk_members),
                if d.desk_channel {
                    "in the desk's private channel"
                } else {
                    "by direct message"
                }
            );
        }
        let _ = writeln!(
            out,
            "- Consultations: {} opened, {} answered, {} closed with advice given, {} turned \
             into cases.",
            d.opened, d.answered, d.closed, d.converted
        );
        let _ = writeln!(
            out,
            "{}.",
            times(
                "Time to the desk's first answer",
                d.to_first_answer,
                "consultation",
                "no first answer in the period"
            )
        );

        let r = &c.response;
        let _ = writeln!(
            out,
            "\n{}",
            markup.heading("3. Response (事後の迅速・適切な対応)")
        );
        let mut parts: Vec<String> = r
            .by_category
            .iter()
            .filter(|(_, n)| **n > 0)
            .map(|(c, n)| format!("{} {n}", self.category_name(*c)))
            .collect();
        if r.private_categories > 0 {
            parts.push(format!(
                "{} {} (not itemised)",
                self.private_categories(),
                r.private_categories
            ));
        }
        if parts.is_empty() {
            parts.push("none".into());
        }
        let _ = writeln!(
            out,
            "- Cases opened: {}. By category: {}.",
            r.opened,
            parts.join(", ")
        );
        let _ = writeln!(
            out,
            "- Cases decided: {}: acted on {}, no action (not harassment) {}. A complaint \
             judged not to be harassment is recorded as such, beside the cases acted on.",
            r.decided, r.acted_on, r.no_action
        );
        let measures: Vec<String> = Measure::ALL
            .into_iter()
            .map(|m| {
                let n = r.measures.get(&m).copied().unwrap_or(0);
                if m == Measure::Refund {
                    format!(
                        "{} {n} ({})",
                        self.measure_name(m),
                        self.money(Money {
                            amount: r.refund_total,
                            currency: &r.currency
                        })
                    )
                } else {
                    format!("{} {n}", self.measure_name(m))
                }
            })
            .collect();
        let _ = writeln!(out, "- Measures: {}.", measures.join(", "));
        if r.combined > 0 {
            let _ = writeln!(
                out,
                "- {} of the decisions had several measures, counted under each.",
                r.combined
            );
        }
        for (label, spread, none) in [
            (
                "Time to take",
                r.to_taken,
                "no case was taken in the period",
            ),
            (
                "Time to decide",
                r.to_decided,
                "no case was decided in the period",
            ),
        ] {
            let _ = writeln!(out, "{}.", times(label, spread, "case", none));
        }
        let k = &r.checks;
        if k.decisions == 0 {
            out.push_str(
                "- Checks before a suspension or a termination: no such decision in the \
                 period.\n",
            );
        } else {
            let _ = writeln!(
                out,
                "- Checks before a suspension or a termination: {} decision{}, {} with the \
                 checks answered; legal reviewed {}, legal review not needed {}; {} with an \
                 answer marked for the approver to look at twice.",
                k.decisions,
                plural(k.decisions),
                k.answered,
                k.legal_reviewed,
                k.legal_not_needed,
                k.with_concerns
            );
        }
        let _ = writeln!(
            out,
            "- Recurrence: {} of the period's cases came from a customer with an earlier case; \
             {} customer{} with a case in the period had more than one by its end.",
            r.repeat_cases,
            r.repeat_customers,
            plural(r.repeat_customers)
        );
        let _ = writeln!(
            out,
            "- Prevention (再発防止策): a note was recorded on {} of the {} decision{}.",
            r.prevention_notes,
            r.decided,
            plural(r.decided)
        );
        out.push_str("- Month by month: in the tables below.\n");

        let rules = &c.deterrence;
        let _ = writeln!(
            out,
            "\n{}",
            markup.heading("4. Deterrence: the rules in force (抑止のための措置)")
        );
        let steps: Vec<String> = rules
            .ladder
            .iter()
            .enumerate()
            .map(|(i, s)| {
                let earlier = match (s.earlier_cases, i + 1 == rules.ladder.len()) {
                    (0, _) => "no earlier case".to_owned(),
                    (n, true) => format!("{n} or more"),
                    (n, false) => n.to_string(),
                };
                format!("{earlier}: {}", self.step_name(s.step).to_ascii_lowercase())
            })
            .collect();
        let _ = writeln!(
            out,
            "- The ladder, from conduct history only (earlier cases opened in the {} days \
             before, not those closed as no action): {}. A critical case (violence, threats) \
             starts at {} whatever the history.",
            rules.ladder_window_days,
            steps.join("; "),
            self.step_name(rules.critical_starts_at)
                .to_ascii_lowercase()
        );
        let _ = writeln!(
            out,
            "- Approval: every suspension and termination, and refunds over {}, need the \
             approval of one of {} approver{} ({}), never the proposer.",
            self.money(Money {
                amount: rules.refund_approval_over,
                currency: &r.currency
            }),
            rules.approvers,
            plural(rules.approvers),
            if rules.approvers_are_managers {
                "the managers"
            } else {
                "named in people.approvers"
            }
        );
        let _ = writeln!(
            out,
            "- Who acts: {} executive{}, paged one after another (the next after {}, then {} \
             alert{} in the escalation channel); {} manager{}; a taken case not yet decided \
             is reminded every {}.",
            rules.executives,
            plural(rules.executives),
            self.duration(SignedDuration::from_secs(rules.page_after_seconds)),
            rules.alert_rounds,
            plural(u64::from(rules.alert_rounds)),
            rules.managers,
            plural(rules.managers),
            self.duration(SignedDuration::from_secs(rules.decision_reminder_seconds))
        );
        out.push_str(if rules.reporter_may_decide {
            "- Separation of duties is lifted (policy.reporter_may_decide): a reporter may \
             take and decide their own case.\n"
        } else {
            "- Separation of duties: whoever reported a case never takes, decides or \
             approves it.\n"
        });
        out.push_str(
            "- Before a suspension or a termination the proposer answers the checks: a \
             legitimate complaint underneath, reasonable accommodation, a duty to keep \
             serving, the clause of the terms, legal review.\n",
        );

        let care = &c.care;
        let _ = writeln!(
            out,
            "\n{}",
            markup.heading("5. Care and privacy (併せて講ずべき措置)")
        );
        let _ = writeln!(
            out,
            "- Check-ins after a close ({}): {} sent; answered fine {}, would like to talk to \
             the desk {}, no answer {}.",
            match care.check_in_after_seconds {
                Some(s) => format!("{} after it", self.duration(SignedDuration::from_secs(s))),
                None => "now off".into(),
            },
            care.check_ins_sent,
            care.check_ins_fine,
            care.check_ins_desk,
            care.check_ins_unanswered
        );
        let _ = writeln!(
            out,
            "- \"I need someone now\" from the reporter of a critical case: {}.",
            care.needed_someone
        );
        let _ = writeln!(
            out,
            "- Reporters kept off a customer (担当替え): {}.",
            care.reporters_kept_off
        );
        let _ = writeln!(
            out,
            "- Private categories: {} case{}, counted here and described only in the \
             escalation channel.",
            care.private_cases,
            plural(care.private_cases)
        );
        let _ = writeln!(
            out,
            "- From the audit log: {} export{}, {} backup{}, {} retention pass{} that erased \
             cases.",
            care.exports,
            plural(care.exports),
            care.backups,
            plural(care.backups),
            care.retention_passes,
            if care.retention_passes == 1 { "" } else { "es" }
        );
        let _ = writeln!(
            out,
            "{}",
            if care.retention == "forever" {
                "- Retention: closed cases keep their details for good (store.retention is \
                 forever)."
                    .to_owned()
            } else {
                format!(
                    "- Retention: a closed case keeps its details for {} after it closed \
                     (store.retention), then only its counts.",
                    Untrusted::new(&care.retention)
                )
            }
        );
        out
    }

    fn compliance_month(&self, month: Month) -> String {
        month.first_day().strftime("%b %Y").to_string()
    }

    fn compliance_table(&self, by_category: bool) -> &'static str {
        if by_category {
            "Cases opened by category and month"
        } else {
            "Month by month"
        }
    }

    fn compliance_csv_headers(&self) -> [&'static str; 6] {
        ["Section", "Item id", "Month", "Key", "Item", "Value"]
    }

    fn compliance_item(&self, item: &str, detail: Option<&str>) -> Option<String> {
        let name = match item {
            "period.from" => "First day",
            "period.to" => "Last day",
            "zone" => "Time zone",
            "made_at" => "Made at",
            "policy.version" => "Policy version in force",
            "policy.document_url" => "Policy document",
            "policy.acknowledged" => "People who confirmed reading the version in force",
            "policy.acknowledged_in_period" => "Of them, in the period",
            "policy.first_acknowledged_at" => "First confirmation",
            "policy.last_acknowledged_at" => "Latest confirmation",
            "policy.staff" => "Staff listed from Slack",
            "policy.staff_acknowledged" => "Of them, confirmed reading the version in force",
            "policy.staff_from" => "Staff listed from",
            "policy.staff_counted_at" => "Staff listed at",
            "policy.staff_not_counted" => "Staff not counted because",
            "policy.decided_under" => "Decisions made under policy version",
            "consultation.desk_members" => "Consultation desk members",
            "consultation.desk_channel" => "Consultations in the desk's own channel",
            "consultation.opened" => "Consultations opened",
            "consultation.answered" => "Consultations answered",
            "consultation.closed" => "Closed with advice given",
            "consultation.converted" => "Turned into cases",
            "consultation.to_first_answer.count" => "First answers timed",
            "consultation.to_first_answer.median_seconds" => {
                "Time to a first answer, median (seconds)"
            }
            "consultation.to_first_answer.p90_seconds" => {
                "Time to a first answer, 9 in 10 within (seconds)"
            }
            "response.opened" => "Cases opened",
            "response.by_category" => "Cases opened by category",
            "response.private_categories" => "Cases of private categories",
            "response.decided" => "Cases decided",
            "response.acted_on" => "Acted on",
            "response.no_action" => "No action (not harassment)",
            "response.measures" => "Decisions including",
            "response.combined" => "Decisions of several measures",
            "response.refund_total" => "Refunded in all",
            "response.currency" => "Currency",
            "response.to_taken.count" => "Cases taken",
            "response.to_taken.median_seconds" => "Time to take, median (seconds)",
            "response.to_taken.p90_seconds" => "Time to take, 9 in 10 within (seconds)",
            "response.to_decided.count" => "Decisions timed",
            "response.to_decided.median_seconds" => "Time to decide, median (seconds)",
            "response.to_decided.p90_seconds" => "Time to decide, 9 in 10 within (seconds)",
            "response.checks.decisions" => "Suspensions and terminations decided",
            "response.checks.answered" => "With the checks answered",
            "response.checks.legal_reviewed" => "Legal reviewed",
            "response.checks.legal_not_needed" => "Legal review not needed",
            "response.checks.with_concerns" => "With an answer marked for the approver",
            "response.repeat_cases" => "Cases from a customer with an earlier case",
            "response.repeat_customers" => "Customers with more than one case",
            "response.prevention_notes" => "Decisions with a prevention note",
            "deterrence.ladder" => "The ladder's step, by earlier cases",
            "deterrence.ladder_window_days" => "The ladder counts earlier cases of (days)",
            "deterrence.critical_starts_at" => "A critical case starts at",
            "deterrence.refund_approval_over" => "Refunds need approval above",
            "deterrence.approvers" => "Approvers",
            "deterrence.approvers_are_managers" => "The approvers are the managers",
            "deterrence.executives" => "Executives paged",
            "deterrence.managers" => "Managers",
            "deterrence.reporter_may_decide" => "A reporter may decide their own case",
            "deterrence.page_after_seconds" => "Next executive paged after (seconds)",
            "deterrence.alert_rounds" => "Alerts in the escalation channel",
            "deterrence.decision_reminder_seconds" => "Decision reminder every (seconds)",
            "care.check_ins_sent" => "Check-ins sent",
            "care.check_ins_fine" => "Check-ins answered: fine",
            "care.check_ins_desk" => "Check-ins answered: would like to talk to the desk",
            "care.check_ins_unanswered" => "Check-ins with no answer",
            "care.needed_someone" => "\"I need someone now\"",
            "care.reporters_kept_off" => "Reporters kept off a customer",
            "care.private_cases" => "Cases of private categories",
            "care.exports" => "Exports",
            "care.backups" => "Backups",
            "care.retention_passes" => "Retention passes",
            "care.retention" => "Retention (store.retention)",
            "care.check_in_after_seconds" => "Check-in after a close (seconds)",
            "months.month" => "Month",
            "months.opened" => "Cases opened",
            "months.by_category" => "Cases opened by category",
            "months.private_categories" => "Private categories",
            "months.decided" => "Decided",
            "months.acted_on" => "Acted on",
            "months.no_action" => "No action (not harassment)",
            "months.consultations" => "Consultations",
            _ => return None,
        };
        Some(match detail {
            Some(detail) => format!("{name}: {detail}"),
            None => name.to_owned(),
        })
    }

    fn compliance_refused(&self) -> String {
        "The compliance summary is for executives, managers and the consultation desk; if \
         you need it, please ask one of them. Nothing changed."
            .into()
    }

    fn compliance_period_invalid(&self) -> String {
        "Give the period as two days, the first not after the last, like `/escalate \
         compliance 2026-07-01 2026-09-30` (at most 8 years), or no days for the last full \
         quarter."
            .into()
    }
}

fn ids(users: &[UserId]) -> String {
    users
        .iter()
        .map(UserId::to_string)
        .collect::<Vec<_>>()
        .join(" ")
}
