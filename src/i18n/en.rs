//! Purpose: the English catalog.

use std::fmt::Write;

use jiff::ToSpan;

use super::{
    Catalog, Money, Trend, duration_units, escape, group_thousands, mention, mentions, one_decimal,
    slack_time, trend,
};
use crate::domain::customer::CaseLine;
use crate::domain::{
    CaseId, Category, CustomerRecord, Decision, History, Outcome, OutcomeKind, PromiseFailed,
    Refusal, Severity, Step, Tallies, UserId, Week,
};
use crate::report::WeeklyReport;

pub struct En;

impl Catalog for En {
    fn category_name(&self, category: Category) -> &'static str {
        match category {
            Category::Violence => "Physical attack, assault",
            Category::Threat => "Threats (to harm, to expose, intimidating legal threats)",
            Category::VerbalAbuse => "Insults, verbal abuse, slander",
            Category::Intimidation => "Intimidation, shouting, coercion",
            Category::Dogeza => "Demanding a humiliating (kneeling) apology",
            Category::Persistent => "Repeated, persistent contact",
            Category::Restraint => "Holding staff: hours-long calls, refusing to leave",
            Category::Discrimination => "Discriminatory remarks",
            Category::Sexual => "Sexual remarks or behaviour",
            Category::PersonalAttack => "Attacks on one employee, doxxing, \"fire that agent\"",
            Category::UnreasonableDemand => {
                "Demands beyond the contract: money, free work, after-hours service"
            }
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

    fn outcome_kind_name(&self, kind: OutcomeKind) -> &'static str {
        match kind {
            OutcomeKind::Warning => "Warning",
            OutcomeKind::Refund => "Refund",
            OutcomeKind::Termination => "Terminate",
            OutcomeKind::RefundAndTermination => "Refund and terminate",
            OutcomeKind::NoAction => "No action",
        }
    }

    fn outcome(&self, outcome: Outcome, currency: &str) -> String {
        let money = |amount| self.money(Money { amount, currency });
        match outcome {
            Outcome::Warning => "a warning".into(),
            Outcome::Refund { amount } => format!("a refund of {}", money(amount)),
            Outcome::Termination => "termination (the customer is cut off)".into(),
            Outcome::RefundAndTermination { amount } => format!(
                "a refund of {} and termination (the customer is cut off)",
                money(amount)
            ),
            Outcome::NoAction => "no action (not harassment)".into(),
        }
    }

    fn step_name(&self, step: Step) -> &'static str {
        match step {
            Step::Warning => "Warning",
            Step::FinalWarning => "Final warning",
            Step::Termination => "Termination",
            Step::AlreadyCutOff => "Already cut off: record only",
        }
    }

    fn promise_failed_name(&self, answer: PromiseFailed) -> &'static str {
        match answer {
            PromiseFailed::Yes => "Yes: we failed a promise",
            PromiseFailed::No => "No",
            PromiseFailed::Unsure => "Not sure",
        }
    }

    fn money(&self, money: Money<'_>) -> String {
        match money.currency {
            "JPY" => format!("¥{}", group_thousands(money.amount)),
            other => format!("{} {other}", group_thousands(money.amount)),
        }
    }

    fn guidance(&self, category: Category) -> &'static str {
        match category {
            Category::Violence => {
                "Your safety comes first. End the conversation and move away. If anyone is in \
                 danger, call the police (110 in Japan). Do not meet this customer alone."
            }
            Category::Threat => {
                "Your safety comes first. End the conversation and do not negotiate. If there is \
                 a threat to life or property, call the police (110 in Japan). Keep the messages \
                 and recordings."
            }
            Category::VerbalAbuse => {
                "You don't have to listen to insults. Say once that you will end the conversation \
                 if they continue, then end it. Keep the record and don't reply in kind."
            }
            Category::Intimidation => {
                "Stay calm and keep your distance. You may end the call or chat. Make no promises \
                 under pressure."
            }
            Category::Dogeza => {
                "Never kneel or give a humiliating apology. Apologise once, and only for what we \
                 actually got wrong."
            }
            Category::Persistent => {
                "Don't answer each new message. Management will reply through one channel. Keep \
                 the messages."
            }
            Category::Restraint => {
                "You may end a call that goes on without progress. State a time limit and keep to \
                 it."
            }
            Category::Discrimination => {
                "This is never acceptable. End the conversation. The details stay in the private \
                 escalation channel."
            }
            Category::Sexual => {
                "You don't have to continue. End the conversation. The details stay in the \
                 private escalation channel."
            }
            Category::PersonalAttack => {
                "Demands about you personally (firing you, your contact details) are not yours to \
                 answer. Management will respond. Don't share personal information."
            }
            Category::UnreasonableDemand => {
                "Check the contract: what we promised and failed, we fix; what we never promised, \
                 we don't do. Agree to nothing extra; management will answer."
            }
            Category::Other => {
                "Stop engaging on this matter; management takes it from here. Keep a record of \
                 what happened."
            }
        }
    }

    fn case_opened(&self, id: CaseId, category: Category) -> String {
        format!(
            "*{id}* is open, and management has it now: you don't need to handle this customer \
             on this matter any further. Thank you for reporting it.\n\n*What to do now:* {}",
            self.guidance(category)
        )
    }

    fn usage(&self) -> String {
        let mut categories = String::new();
        for c in Category::ALL {
            let _ = write!(categories, "`{}` ({}), ", c.slug(), c.short_ja());
        }
        let categories = categories.trim_end_matches(", ");
        format!(
            "*How to escalate*\n\
             • `/escalate <customer-id> <category> <what happened>` opens a case at once.\n\
             • `/escalate` alone opens a form.\n\
             • `/escalate history <customer-id>` shows a customer's history with us.\n\
             • `/escalate stats` shows the tallies.\n\
             Categories: {categories}.\n\
             Example: `/escalate cust-42 verbal-abuse Shouted insults at me for an hour`"
        )
    }

    fn unknown_category(&self, given: &str) -> String {
        format!(
            "\"{}\" is not a category I know, so nothing was recorded.\n\n{}",
            escape(given),
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

    fn invalid_customer(&self, given: &str) -> String {
        format!(
            "\"{}\" is not a customer id: use one word of up to 64 characters, like an account \
             id. Nothing was recorded.",
            escape(given)
        )
    }

    fn summary_too_long(&self, max_chars: usize) -> String {
        format!(
            "The description is longer than {max_chars} characters, so nothing was recorded. \
             Shorten it, or use `/escalate` alone to open the form."
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

    fn history_header(&self, record: &CustomerRecord, currency: &str) -> String {
        let mut out = format!("*History of customer `{}`*\n", escape(record.id.as_str()));
        match &record.cut_off {
            Some(cut) => {
                let _ = writeln!(out, "Cut off since {} ({}).", slack_time(cut.at), cut.case);
            }
            None => out.push_str("Not cut off.\n"),
        }
        let _ = write!(
            out,
            "Warnings: {} · Refunds: {} ({} in total)",
            record.warnings,
            record.refunds,
            self.money(Money {
                amount: record.refund_total,
                currency
            })
        );
        out
    }

    fn history_case(&self, line: &CaseLine, private: bool) -> String {
        let outcome = match line.outcome {
            Some(kind) => self.outcome_kind_name(kind),
            None => "open",
        };
        let category = if private {
            "Private category"
        } else {
            self.category_name(line.category)
        };
        format!(
            "• {} · {} · {category} · {outcome}",
            line.id,
            slack_time(line.opened_at)
        )
    }

    fn history_page(
        &self,
        customer: &str,
        from: usize,
        to: usize,
        total: usize,
        next: Option<usize>,
    ) -> String {
        let shown = format!("Cases {from} to {to} of {total}, newest first.");
        match next {
            Some(page) => format!(
                "{shown} Older ones: `/escalate history {} {page}`",
                escape(customer)
            ),
            None => shown,
        }
    }

    fn history_private_note(&self) -> &'static str {
        "Private categories are named only in the escalation channel."
    }

    fn no_history(&self, customer: &str) -> String {
        format!("Customer `{}` has no cases with us.", escape(customer))
    }

    fn tallies(&self, t: &Tallies, customer_count: Option<u64>, currency: &str) -> String {
        let cut_off = match customer_count {
            Some(total) => format!("{} of {}", t.customers_cut_off, group_thousands(total)),
            None => t.customers_cut_off.to_string(),
        };
        format!(
            "*Escalation tallies*\n\
             Cases: {} ({} open)\n\
             Warnings: {}\n\
             Refunds: {} ({} in total)\n\
             Terminations: {}\n\
             No action: {}\n\
             Customers cut off: {cut_off}",
            t.cases_total,
            t.cases_open,
            t.warnings,
            t.refunds,
            self.money(Money {
                amount: t.refund_total,
                currency
            }),
            t.terminations,
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
        "Did we fail a promise here?"
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
        "Did we fail a promise?"
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
            "{} earlier case{} ({} in the last 12 months), {} warning{}.",
            h.prior_cases,
            if h.prior_cases == 1 { "" } else { "s" },
            h.prior_cases_last_12_months,
            h.warnings,
            if h.warnings == 1 { "" } else { "s" },
        );
        if h.cut_off {
            out.push_str(" Already cut off.");
        }
        out
    }

    fn card_recommendation(&self) -> &'static str {
        "Policy recommends"
    }
    fn recommendation_note(&self) -> &'static str {
        "From conduct history only, the same for every customer. People decide."
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
            "*{id}* is open, and management has it now. Which customer wrote that message? \
             Name them so the case is judged against their history. Only you can see this."
        )
    }
    fn identify_title(&self) -> &'static str {
        "Name the customer"
    }
    fn identify_intro(&self, id: CaseId) -> String {
        format!("Which customer is *{id}* about?")
    }
    fn note_customer_identified(&self, customer: &str, by: &UserId) -> String {
        format!(
            "{} named the customer: `{}`.",
            mention(by),
            escape(customer)
        )
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
             takes it from here. Only you can see this.",
            self.category_name(category)
        )
    }
    fn suggestion_button(&self) -> &'static str {
        "Escalate"
    }
    fn suggestion_private_note(&self) -> &'static str {
        "The customer cannot see this suggestion."
    }
    fn suggestion_by_dm(&self, channel: &str, permalink: Option<&str>) -> String {
        let message = match permalink {
            Some(link) => format!("<{link}|A message>"),
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
             escalate it and management takes it from here. Only you can see this.",
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

    fn status_taken(&self, by: &UserId, at: jiff::Timestamp) -> String {
        format!(
            ":raising_hand: *Taken* by {} at {}.",
            mention(by),
            slack_time(at)
        )
    }

    fn status_proposed(&self, outcome: Outcome, by: &UserId, currency: &str) -> String {
        format!(
            ":hourglass_flowing_sand: *Awaiting approval*: {} proposed {}. An approver other \
             than the proposer approves or rejects in the thread.",
            mention(by),
            self.outcome(outcome, currency)
        )
    }

    fn status_closed(&self, d: &Decision, currency: &str) -> String {
        let approved = match &d.approved {
            Some(a) => format!(", approved by {}", mention(&a.by)),
            None => String::new(),
        };
        format!(
            ":white_check_mark: *Closed*: {} decided by {}{approved}, {}. Policy {}.",
            self.outcome(d.outcome, currency),
            mention(&d.decided.by),
            slack_time(d.final_stamp().at),
            escape(&d.policy_version)
        )
    }

    fn take_button(&self) -> &'static str {
        "Take this case"
    }
    fn decide_confirm_title(&self) -> &'static str {
        "Record this decision?"
    }
    fn decide_confirm_text(&self, kind: OutcomeKind, id: CaseId) -> String {
        match kind {
            OutcomeKind::Termination => format!(
                "This proposes cutting off the customer of {id}. An approver other than you \
                 must approve it in the thread."
            ),
            _ => format!(
                "{id} will be closed with: {}.",
                self.outcome_kind_name(kind)
            ),
        }
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
        customer: Option<&str>,
        private: bool,
    ) -> String {
        let Some(customer) = customer else {
            return format!(
                ":rotating_light: *{id}* needs an executive: {} from a customer not identified \
                 yet.",
                if private {
                    "a private category"
                } else {
                    self.category_name(category)
                }
            );
        };
        if private {
            format!(
                ":rotating_light: *{id}* needs an executive. It is in a private category: the \
                 details are in the escalation channel."
            )
        } else {
            format!(
                ":rotating_light: *{id}* needs an executive: {} from customer `{}`.",
                self.category_name(category),
                escape(customer)
            )
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
                ":bell: {} the proposal on {id} is still waiting for an approver's approval.",
                mentions(to)
            )
        } else {
            format!(
                ":bell: {} {id} is still waiting for your decision.",
                mentions(to)
            )
        }
    }
    fn here_alert(&self, id: CaseId, round: u32, of: u32) -> String {
        let base = format!(
            "<!here> :rotating_light: Nobody has taken {id} yet, and every executive has been \
             paged. Can an executive or manager take it?"
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
            "{} proposes {}. This needs an approver's approval, and not from the proposer.",
            mention(by),
            self.outcome(outcome, currency)
        )
    }
    fn note_rejected(&self, by: &UserId, outcome: Outcome, currency: &str) -> String {
        format!(
            "{} rejected {}. The case is back with whoever took it.",
            mention(by),
            self.outcome(outcome, currency)
        )
    }
    fn note_closed(&self, d: &Decision, currency: &str) -> String {
        self.status_closed(d, currency)
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
             speaking up: reporting protects you and your colleagues, and it never counts \
             against you.",
            self.outcome(outcome, currency)
        )
    }

    fn refusal(&self, refusal: &Refusal, id: CaseId, currency: &str) -> String {
        match refusal {
            Refusal::NotExecutiveOrManager => {
                format!("Only executives and managers can take a case. {id} is unchanged.")
            }
            Refusal::AlreadyTakenBy(owner) => format!(
                "{} has already taken {id}. Nothing changed.",
                mention(owner)
            ),
            Refusal::AlreadyYours => format!("You have already taken {id}. Nothing changed."),
            Refusal::NotTakenYet => {
                format!("{id} has not been taken yet: take it first, then decide.")
            }
            Refusal::NotOwnerOrManager { owner } => format!(
                "Only {}, who took {id}, or a manager can decide it. Nothing changed.",
                mention(owner)
            ),
            Refusal::ProposalPending => format!(
                "A decision on {id} is already waiting for an approver's approval in the thread."
            ),
            Refusal::NothingToApprove => {
                format!("{id} has no proposal waiting for approval. Nothing changed.")
            }
            Refusal::ProposalReplaced => format!(
                "That proposal on {id} was rejected and a new one is waiting: use the buttons \
                 on the newest proposal in the thread. Nothing changed."
            ),
            Refusal::ApproversOnly => format!(
                "Only an approver (`people.approvers`) can approve or reject the proposal on \
                 {id}. Nothing changed."
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
            Refusal::AmountMustBePositive => "The refund amount must be more than zero.".into(),
            Refusal::CustomerUnknown => format!(
                "Name the customer of {id} first: a warning, refund or termination applies to a \
                 customer. Nothing changed."
            ),
            Refusal::CustomerAlreadyKnown(customer) => format!(
                "The customer of {id} is already named: `{}`. Nothing changed.",
                escape(customer.as_str())
            ),
            Refusal::NotInvolved => {
                format!("Only the reporter, executives and managers can name the customer of {id}.")
            }
            Refusal::NotInvolvedToClassify => {
                format!("Only the reporter, executives and managers can set the category of {id}.")
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

    fn no_such_case(&self, id: &str) -> String {
        format!("There is no case {}. Nothing changed.", escape(id))
    }

    fn refund_title(&self) -> &'static str {
        "Refund"
    }
    fn refund_amount(&self, currency: &str) -> String {
        format!("Amount ({currency})")
    }
    fn refund_amount_hint(&self, approval_over: Money<'_>) -> String {
        format!(
            "Whole units. Refunds above {} need an approver's approval.",
            self.money(approval_over)
        )
    }
    fn refund_submit(&self) -> &'static str {
        "Record"
    }
    fn refund_intro(&self, id: CaseId, kind: OutcomeKind) -> String {
        format!(
            "*{id}*: {}. How much do we refund?",
            self.outcome_kind_name(kind)
        )
    }
    fn amount_invalid(&self) -> String {
        "Enter a whole amount greater than zero, digits only.".into()
    }

    fn weekly_report(&self, r: &WeeklyReport, currency: &str) -> String {
        let s = &r.figures.stats;
        let monday = r.week.monday();
        let sunday = monday.saturating_add(6.days());
        let mut out = format!(
            "*Weekly escalation report, {}* ({} to {}, weeks in {})\n",
            r.week,
            monday.strftime("%a %-d %b"),
            sunday.strftime("%a %-d %b %Y"),
            r.zone
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
                ", {word} an average of {} (the {} weeks before: {})",
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
        let _ = writeln!(out, "*By category:* {}", parts.join(" · "));
        let _ = writeln!(
            out,
            "*Decided:* {}: warnings {}, refunds {} ({}), terminations {}, no action {}{}",
            s.decided_total(),
            s.decided(OutcomeKind::Warning),
            s.refunds,
            self.money(Money {
                amount: s.refund_total,
                currency
            }),
            r.terminations(),
            s.decided(OutcomeKind::NoAction),
            // Counted in both refunds and terminations: say so, or the parts outnumber
            // the total.
            match s.decided(OutcomeKind::RefundAndTermination) {
                0 => String::new(),
                both => format!(" ({both} of them both a refund and a termination)"),
            },
        );
        for (label, spread, none) in [
            (
                "Time to take over",
                r.figures.to_taken,
                "no case was taken this week",
            ),
            (
                "Time to decide",
                r.figures.to_decided,
                "no case was decided this week",
            ),
        ] {
            match spread {
                Some(x) => writeln!(
                    out,
                    "*{label}:* median {}, 90th percentile {} ({} case{})",
                    self.duration(x.median),
                    self.duration(x.p90),
                    x.count,
                    if x.count == 1 { "" } else { "s" }
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
        let _ = write!(
            out,
            "*Customers cut off:* {} this week, {all_time} in all",
            s.cut_off
        );
        out
    }

    fn chart_comment(&self, week: Week, weeks: usize, legend: &[String]) -> String {
        format!(
            "Cases opened per week, the {weeks} weeks to {week}, by category: {}",
            legend.join(" · ")
        )
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

    fn unknown_command(&self, command: &str) -> String {
        format!(
            "`{}` is not a command of this bot, so nothing was recorded. To escalate, use \
             `/escalate` (`/escalate help` shows how).",
            escape(command)
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

    fn reaction_not_recorded(&self, reaction: &str) -> String {
        format!(
            "Your :{}: reaction could not be turned into a case, so management has not \
             been told. Please escalate with `/escalate` instead.",
            escape(reaction)
        )
    }
}
