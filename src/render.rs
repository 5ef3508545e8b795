//! Purpose: everything the bot shows in Slack, as Block Kit: the case card, pages, thread
//! notes, the escalation, outcome, checks and facts forms, what the reporter is told. Pure
//! functions of our state and the catalog; the ids of buttons and form fields that
//! handlers read back are defined here too.

pub mod charts;

use slack_morphism::prelude::*;

use serde::{Deserialize, Serialize};

use crate::domain::checks::Slug;
use crate::domain::{Accommodation, Complaint, DutyToServe};
use crate::domain::{
    Case, CaseId, CaseState, Category, Contact, Contacts, CustomerRecord, Decision, Evidence,
    LegalReview, Measure, Measures, Note, Outcome, PromiseFailed, Proposal, Resolution, Severity,
};
use crate::i18n::{Catalog, Money, Untrusted};

/// Action ids of buttons (`value` carries the case id, like `ESC-12`).
pub mod action {
    pub const TAKE: &str = "take_case";
    /// `decide:<measure>` records one measure (or opens the outcome form with it chosen,
    /// for measures with details); `decide:several` opens the form with nothing chosen.
    /// Cards posted before outcomes combined may still carry
    /// `decide:refund-and-termination`, which opens the form with both chosen.
    pub const DECIDE_PREFIX: &str = "decide:";
    pub const DECIDE_SEVERAL: &str = "several";
    pub const APPROVE: &str = "approve_proposal";
    pub const REJECT: &str = "reject_proposal";
    /// Answers to a proposal's pending legal review (`value` as Approve's).
    pub const LEGAL_REVIEWED: &str = "legal_reviewed";
    pub const LEGAL_NOT_NEEDED: &str = "legal_not_needed";
    /// A link button: Slack still reports the click, and we ignore it.
    pub const OPEN_THREAD: &str = "open_thread";
    /// Opens the form naming a case's customer.
    pub const IDENTIFY: &str = "identify_customer";
    /// The button on a suggestion; `value` is a `Flagged` as JSON.
    pub const ESCALATE_SUGGESTED: &str = "escalate_suggested";
    /// The reporter of a case opened from a reaction: the bot's guess is right.
    pub const CONFIRM_GUESS: &str = "confirm_classification";
    /// ...or opens the form to change the category and severity.
    pub const CHANGE_CLASSIFICATION: &str = "change_classification";
    /// On the card: opens the form adding facts to the record.
    pub const ADD_FACTS: &str = "add_facts";
    /// On a decided case's card: opens the form recording its prevention note.
    pub const PREVENTION: &str = "record_prevention";
    /// On the card: keep the reporter off this customer (担当替え).
    pub const KEEP_OFF: &str = "keep_reporter_off";
    /// The reporter of a critical case: "I'm safe" / "I need someone now".
    pub const SAFE: &str = "safe_now";
    pub const NEED_SOMEONE: &str = "need_someone_now";
    /// ...or says it is an emergency (critical: everyone is paged).
    pub const EMERGENCY: &str = "emergency";
    /// In the escalation form: ask the consultation desk instead (the form becomes the
    /// consult form, keeping the quoted message).
    pub const CONSULT_INSTEAD: &str = "consult_instead";
    /// In a reaction's follow-up: ask the desk about the case (`value`: the case id).
    pub const CONSULT_ABOUT: &str = "consult_about";
    /// On a consultation (`value`: its id, like `CON-3`): the desk's buttons.
    pub const CONSULT_ANSWERED: &str = "consult_answered";
    pub const CONSULT_CLOSE: &str = "consult_close";
    pub const CONSULT_CONVERT: &str = "consult_convert";
    /// The check-in after a case closed (`value`: the case id).
    pub const CHECK_IN_FINE: &str = "check_in_fine";
    pub const CHECK_IN_DESK: &str = "check_in_desk";
}

/// The message shortcut's callback id (in the app manifest too).
pub const MESSAGE_SHORTCUT: &str = "escalate_message";

/// Callback ids of forms and the block/action ids of their fields.
pub mod form {
    pub const ESCALATE: &str = "escalate_form";
    /// The outcome form: measures, and the details some of them carry.
    pub const OUTCOME: &str = "outcome_form";
    /// The checks before a suspension or a termination; private_metadata is
    /// `ESC-12|<the outcome as JSON>`.
    pub const CHECKS: &str = "checks_form";
    /// Facts added to a case's record; private_metadata is the case id.
    pub const FACTS: &str = "facts_form";
    pub const WHEN: &str = "when";
    pub const MEDIUM: &str = "medium";
    pub const MINUTES: &str = "minutes";
    pub const WORDS: &str = "words";
    pub const WANTS: &str = "wants";
    pub const PRESENT: &str = "present";
    pub const LINKS: &str = "links";
    pub const NOTE: &str = "note";
    pub const COMPLAINT: &str = "complaint";
    pub const ACCOMMODATION: &str = "accommodation";
    pub const DUTY_TO_SERVE: &str = "duty_to_serve";
    pub const CLAUSE: &str = "clause";
    pub const LEGAL: &str = "legal";
    /// The refund form of builds before outcomes combined; one still open in Slack when
    /// the bot is upgraded is read like the outcome form.
    pub const REFUND: &str = "refund_form";
    pub const IDENTIFY: &str = "identify_form";
    /// The form confirming or changing a case's category and severity.
    pub const CLASSIFY: &str = "classify_form";
    pub const CUSTOMER: &str = "customer";
    pub const CATEGORY: &str = "category";
    pub const SEVERITY: &str = "severity";
    pub const SUMMARY: &str = "summary";
    pub const PROMISE: &str = "promise_failed";
    pub const AMOUNT: &str = "amount";
    pub const MEASURES: &str = "measures";
    pub const UNTIL: &str = "until";
    pub const CONTACT: &str = "contact";
    /// The prevention note (再発防止策), in the outcome form, the checks form and the
    /// prevention form.
    pub const PREVENTION: &str = "prevention";
    /// The prevention form of a decided case; private_metadata is the case id.
    pub const PREVENTION_FORM: &str = "prevention_form";
    /// The consult form; private_metadata is a `FormContext`.
    pub const CONSULT: &str = "consult_form";
    /// Whom the reporter would like to talk to (a desk member's id, or `anyone`).
    pub const WITH: &str = "consult_with";
    pub const WITH_ANYONE: &str = "anyone";
    /// Turning a consultation into a case; private_metadata is the consultation's id.
    pub const CONVERT: &str = "convert_form";
}

/// The catalog, currency and time zone every view needs: times are printed in the
/// configured zone (`report.timezone`), never the server's.
#[derive(Clone, Copy)]
pub struct Look<'a> {
    pub t: &'a dyn Catalog,
    pub currency: &'a str,
    /// `policy.reporter_may_decide`: the card says so while it is on.
    pub reporter_may_decide: bool,
    pub zone: &'a jiff::tz::TimeZone,
    /// `policy.document_url` and `care.support_url`, told to the reporter at submission.
    pub policy_url: Option<&'a str>,
    pub support_url: Option<&'a str>,
    /// `policy.company_name` and `policy.terms_clause`, for a written warning's draft.
    pub company: Option<&'a str>,
    pub terms_clause: Option<&'a str>,
    /// A consultation desk is configured: the forms and follow-ups offer it.
    pub desk: bool,
}

fn md(text: impl Into<String>) -> SlackBlockText {
    SlackBlockMarkDownText::new(text.into()).into()
}

/// Plain text, cut to Slack's limit for the element (in characters).
fn plain(text: &str, max_chars: usize) -> SlackBlockPlainTextOnly {
    truncate(text, max_chars).as_str().into()
}

fn truncate(text: &str, max_chars: usize) -> String {
    if text.chars().count() <= max_chars {
        text.to_owned()
    } else {
        let mut cut: String = text.chars().take(max_chars.saturating_sub(1)).collect();
        cut.push('…');
        cut
    }
}

fn section(text: impl Into<String>) -> SlackBlock {
    SlackSectionBlock::new()
        .with_text(md(truncate(&text.into(), SECTION_MAX_CHARS)))
        .into()
}

fn context(text: impl Into<String>) -> SlackBlock {
    SlackContextBlock::new(vec![SlackBlockMarkDownText::new(text.into()).into()]).into()
}

fn button(text: &str, action_id: &str, value: &str) -> SlackBlockButtonElement {
    SlackBlockButtonElement::new(plain(text, 75))
        .with_action_id(action_id.into())
        .with_value(value.to_owned())
}

/// What a section block's text may hold (Slack refuses more).
const SECTION_MAX_CHARS: usize = 3000;

fn quote(text: &str) -> String {
    quote_within(text, usize::MAX)
}

/// `text` escaped and as a mrkdwn block quote, in at most `max_chars` characters. The
/// cut (marked `…`) is made after escaping: an escape grows a character to five
/// (`&amp;`), so a quote cut before escaping can still overflow its block, and Slack's
/// limit then takes what follows it, or splits an entity in half.
fn quote_within(text: &str, max_chars: usize) -> String {
    let mut out = String::new();
    let mut used = 0usize;
    for (i, line) in text.lines().enumerate() {
        let prefix = if i == 0 { "> " } else { "\n> " };
        let pieces = std::iter::once(prefix.to_owned()).chain(
            line.chars()
                .map(|c| Untrusted::new(c.encode_utf8(&mut [0; 4])).to_string()),
        );
        for piece in pieces {
            let len = piece.chars().count();
            // Room is kept for the ellipsis.
            if used + len > max_chars.saturating_sub(1) {
                out.push('…');
                return out;
            }
            used += len;
            out.push_str(&piece);
        }
    }
    out
}

fn content(fallback: String, blocks: Vec<SlackBlock>) -> SlackMessageContent {
    SlackMessageContent::new()
        .with_text(fallback)
        .with_blocks(blocks)
}

/// The case card in the escalation channel: facts, history, the ladder's recommendation,
/// where the case stands, and the buttons for what can happen next.
pub fn card(case: &Case, look: Look<'_>) -> SlackMessageContent {
    let t = look.t;
    let id = case.id.to_string();
    let mut blocks =
        vec![SlackHeaderBlock::new(plain(&t.card_title(case.id, case.category), 150)).into()];
    if case.category.is_private() {
        blocks.push(context(t.card_private()));
    }
    if look.reporter_may_decide {
        blocks.push(context(t.card_reporter_may_decide()));
    }
    if case.unconfirmed && !case.is_closed() {
        blocks.push(context(t.card_unconfirmed()));
    }
    if case.reporter_kept_off {
        blocks.push(context(t.card_kept_off(&case.reporter)));
    }
    if let Some(from) = &case.consultation {
        blocks.push(context(t.card_from_consultation(from.id, &from.by)));
    }
    let customer = match &case.customer {
        Some(customer) => format!("`{}`", Untrusted::from(customer)),
        None => t.card_customer_unknown(&case.reporter),
    };
    let mut fields = vec![
        md(format!("*{}*\n{customer}", t.card_customer())),
        md(format!(
            "*{}*\n{}",
            t.card_category(),
            t.category_name(case.category)
        )),
        md(format!(
            "*{}*\n{}",
            t.card_severity(),
            t.severity_name(case.severity)
        )),
        md(format!(
            "*{}*\n{}",
            t.card_reporter(),
            t.person(&case.reporter)
        )),
        md(format!(
            "*{}*\n{}",
            t.card_opened(),
            t.when(case.opened_at, look.zone)
        )),
    ];
    if let Some(answer) = case.promise_failed {
        fields.push(md(format!(
            "*{}*\n{}",
            t.card_promise_failed(),
            t.promise_failed_name(answer)
        )));
    }
    blocks.push(SlackSectionBlock::new().with_fields(fields).into());
    let summary = if case.summary.trim().is_empty() {
        format!("_{}_", t.card_no_summary())
    } else {
        quote(&case.summary)
    };
    // A case flagged from a message may have no description: the quote says it.
    if !(case.summary.trim().is_empty() && case.evidence.is_some()) {
        blocks.push(section(format!("*{}*\n{summary}", t.card_summary())));
    }
    if let Some(evidence) = &case.evidence {
        blocks.extend(evidence_blocks(evidence, look));
    }
    blocks.extend(record_block(&case.facts, &case.additions, look));
    blocks.push(section(format!(
        "*{}*\n{}",
        t.card_history(),
        t.history_line(&case.history)
    )));
    blocks.push(section(format!(
        "*{}*\n{}",
        t.card_recommendation(),
        t.step_name(case.recommendation)
    )));
    blocks.push(context(t.recommendation_note()));
    let checks = match &case.state {
        CaseState::Proposed { proposal, .. } => proposal.checks.as_ref(),
        CaseState::Closed { decision, .. } => decision.checks.as_ref(),
        CaseState::Open | CaseState::Taken { .. } => None,
    };
    if let Some(checks) = checks {
        blocks.push(section(t.checks_summary(checks)));
    }
    let prevention = match &case.state {
        CaseState::Proposed { proposal, .. } => proposal.prevention.as_deref(),
        CaseState::Closed { decision, .. } => decision.prevention.as_deref(),
        CaseState::Open | CaseState::Taken { .. } => None,
    };
    if let Some(note) = prevention.filter(|n| !n.is_empty()) {
        let header = format!("*{}*\n", t.card_prevention());
        blocks.push(section(
            header.clone() + &quote_within(note, SECTION_MAX_CHARS - header.chars().count()),
        ));
    }
    blocks.push(SlackDividerBlock::new().into());
    let status = status_line(case, look);
    blocks.push(section(status.clone()));
    let mut buttons: Vec<SlackActionBlockElement> = match &case.state {
        CaseState::Open => vec![
            button(t.take_button(), action::TAKE, &id)
                .with_style(SlackBlockButtonStyle::Primary)
                .into(),
        ],
        CaseState::Taken { .. } => {
            let mut buttons: Vec<SlackActionBlockElement> = CARD_MEASURES
                .into_iter()
                .map(|kind| decide_button(kind, case.id, look).into())
                .collect();
            buttons.insert(
                CARD_MEASURES.len() - 1,
                button(
                    t.several_button(),
                    &format!("{}{}", action::DECIDE_PREFIX, action::DECIDE_SEVERAL),
                    &id,
                )
                .into(),
            );
            buttons
        }
        CaseState::Proposed { .. } | CaseState::Closed { .. } => Vec::new(),
    };
    if case.customer.is_none() && !case.is_closed() {
        buttons.push(button(t.identify_button(), action::IDENTIFY, &id).into());
    }
    // The record grows after a case closes too; the category is corrected while it is open.
    buttons.push(button(t.add_facts_button(), action::ADD_FACTS, &id).into());
    // Every decision may get its prevention note afterwards (a one-click decision has none).
    if let CaseState::Closed { decision, .. } = &case.state {
        let edit = decision
            .prevention
            .as_deref()
            .is_some_and(|n| !n.is_empty());
        buttons.push(button(t.prevention_button(edit), action::PREVENTION, &id).into());
    }
    if case.customer.is_some() && !case.reporter_kept_off && case.owner().is_some() {
        buttons.push(button(t.keep_off_button(), action::KEEP_OFF, &id).into());
    }
    if !case.is_closed() && !case.unconfirmed {
        buttons.push(
            button(
                t.correct_classification_button(),
                action::CHANGE_CLASSIFICATION,
                &id,
            )
            .into(),
        );
    }
    if !buttons.is_empty() {
        blocks.push(SlackActionsBlock::new(buttons).into());
    }
    content(
        format!("{}\n{status}", t.card_title(case.id, case.category)),
        blocks,
    )
}

/// The flagged message: where it was and a quote of it (sized to fit its block after
/// escaping), then the link to it in a block of its own, so however long the message,
/// the link is never what gets cut.
fn evidence_blocks(evidence: &Evidence, look: Look<'_>) -> Vec<SlackBlock> {
    let header = format!("*{}* <#{}>\n", look.t.card_evidence(), evidence.channel);
    let body = if evidence.unreadable {
        look.t.evidence_unreadable().to_owned()
    } else {
        quote_within(&evidence.quote, SECTION_MAX_CHARS - header.chars().count())
    };
    let mut blocks = vec![section(header + &body)];
    if let Some(link) = &evidence.permalink {
        blocks.push(context(Untrusted::new(link).link(look.t.evidence_link())));
    }
    blocks
}

fn status_line(case: &Case, look: Look<'_>) -> String {
    let t = look.t;
    match &case.state {
        CaseState::Open => t.status_open(case.posts.pages.last().map(|p| &p.to)),
        CaseState::Taken { owner } => t.status_taken(&owner.by, owner.at, look.zone),
        CaseState::Proposed { proposal, .. } => {
            t.status_proposed(proposal.outcome, &proposal.proposed.by, look.currency)
        }
        CaseState::Closed { decision, .. } => t.status_closed(decision, look.currency, look.zone),
    }
}

/// The measures a taken card offers a button for, in this order (the "several or other"
/// button goes before the last); every measure is in the outcome form.
const CARD_MEASURES: [Measure; 6] = [
    Measure::Caution,
    Measure::Warning,
    Measure::Suspension,
    Measure::Termination,
    Measure::Refund,
    Measure::NoAction,
];

fn decide_button(kind: Measure, id: CaseId, look: Look<'_>) -> SlackBlockButtonElement {
    let t = look.t;
    let action_id = format!("{}{}", action::DECIDE_PREFIX, kind.slug());
    let b = button(t.measure_name(kind), &action_id, &id.to_string());
    let b = match kind {
        Measure::Termination | Measure::Suspension => b.with_style(SlackBlockButtonStyle::Danger),
        _ => b,
    };
    // Measures with details open a form, which is its own confirmation.
    if kind.needs_details() {
        return b;
    }
    b.with_confirm(SlackBlockConfirmItem::new(
        plain(t.decide_confirm_title(), 100),
        md(t.decide_confirm_text(kind, id)),
        plain(t.confirm_yes(), 30),
        plain(t.confirm_no(), 30),
    ))
}

/// The direct message that pages an executive.
/// Once someone has taken the case, the page shows where the case stands instead of the
/// take button (see `Effect::UpdatePages`).
pub fn page(case: &Case, permalink: Option<&str>, look: Look<'_>) -> SlackMessageContent {
    let t = look.t;
    let text = t.page(
        case.id,
        case.category,
        case.customer.as_ref().map(Untrusted::from),
        case.category.is_private(),
    );
    let mut blocks = vec![section(text.clone())];
    let mut buttons: Vec<SlackActionBlockElement> = Vec::new();
    if matches!(case.state, CaseState::Open) {
        buttons.push(
            button(t.take_button(), action::TAKE, &case.id.to_string())
                .with_style(SlackBlockButtonStyle::Primary)
                .into(),
        );
    } else {
        blocks.push(context(status_line(case, look)));
    }
    if let Some(link) = permalink.and_then(|l| l.parse().ok()) {
        buttons.push(
            button(t.page_link(), action::OPEN_THREAD, &case.id.to_string())
                .with_url(link)
                .into(),
        );
    }
    if !buttons.is_empty() {
        blocks.push(SlackActionsBlock::new(buttons).into());
    }
    content(text, blocks)
}

/// The urgent direct message when the reporter needs someone now, with the thread's link.
pub fn urgent(case: &Case, permalink: Option<&str>, look: Look<'_>) -> SlackMessageContent {
    let t = look.t;
    let text = t.urgent_page(case.id, &case.reporter);
    let mut blocks = vec![section(text.clone())];
    if let Some(link) = permalink.and_then(|l| l.parse().ok()) {
        blocks.push(
            SlackActionsBlock::new(vec![
                button(t.page_link(), action::OPEN_THREAD, &case.id.to_string())
                    .with_url(link)
                    .into(),
            ])
            .into(),
        );
    }
    content(text, blocks)
}

/// A timeline reply in the case thread.
pub fn note(case: &Case, note: &Note, look: Look<'_>) -> SlackMessageContent {
    let t = look.t;
    let currency = look.currency;
    let text = match note {
        Note::Paged { to } => t.note_paged(to),
        Note::Reminder { to, approval } => t.note_reminder(case.id, to, *approval),
        Note::CustomerIdentified { customer, by } => {
            t.note_customer_identified(Untrusted::from(customer), by)
        }
        Note::NobodyMayAct { approval } => t.note_nobody_may_act(case.id, *approval),
        Note::Taken { by } => t.note_taken(by),
        Note::Classified {
            by,
            category,
            severity,
            from,
        } => t.note_classified(by, *category, *severity, *from),
        Note::Proposal { proposal } => {
            return proposal_message(case.id, proposal, look);
        }
        Note::Rejected { by, outcome } => t.note_rejected(by, *outcome, currency),
        Note::Closed { decision } => t.note_closed(decision, currency, look.zone),
        Note::WarningDraft { to } => return warning_draft(case, to, look),
        Note::LegalAnswered { by, answer } => t.note_legal_answered(by, *answer),
        Note::Safety { by, safe } => t.note_safety(by, *safe),
        Note::KeptOff { by } => t.note_kept_off(by, &case.reporter),
        Note::FactsAdded { by, facts } => t.note_facts_added(by, &t.facts_lines(facts, look.zone)),
    };
    content(text.clone(), vec![section(text)])
}

/// The draft of a written warning, for whoever decided it to check, copy and send: the
/// case's date and category, the terms' clause and the company's name from the
/// configuration. A code block, so it copies as plain text.
fn warning_draft(case: &Case, to: &crate::domain::UserId, look: Look<'_>) -> SlackMessageContent {
    let t = look.t;
    let intro = t.warning_draft_intro(case.id, to);
    let customer = case
        .customer
        .as_ref()
        .map(|c| c.as_str())
        .unwrap_or_default();
    let draft = t.warning_draft(
        Untrusted::new(customer),
        case.opened_at.to_zoned(look.zone.clone()).date(),
        case.category,
        look.terms_clause.map(Untrusted::new),
        look.company.map(Untrusted::new),
    );
    content(
        intro.clone(),
        vec![section(intro), section(format!("```\n{draft}\n```"))],
    )
}

/// The value of a proposal's Approve and Reject buttons: the case and which proposal
/// ("ESC-7@1790000120000"), so a click on an older proposal settles nothing.
fn proposal_value(id: CaseId, proposal: &Proposal) -> String {
    format!("{id}@{}", proposal.mark())
}

/// The case and the proposal mark a button value names; a bare case id (buttons posted
/// before proposals were marked) names whatever proposal is pending.
pub fn parse_proposal_value(value: &str) -> (&str, Option<i64>) {
    match value.split_once('@') {
        Some((case, mark)) => (case, mark.parse().ok()),
        None => (value, None),
    }
}

fn proposal_message(id: CaseId, proposal: &Proposal, look: Look<'_>) -> SlackMessageContent {
    let t = look.t;
    let text = t.note_proposal(proposal.outcome, &proposal.proposed.by, look.currency);
    let value = proposal_value(id, proposal);
    let mut blocks = vec![section(text.clone())];
    let mut buttons: Vec<SlackActionBlockElement> = vec![
        button(t.approve_button(), action::APPROVE, &value)
            .with_style(SlackBlockButtonStyle::Primary)
            .into(),
        button(t.reject_button(), action::REJECT, &value)
            .with_style(SlackBlockButtonStyle::Danger)
            .into(),
    ];
    if let Some(checks) = &proposal.checks {
        blocks.push(section(t.checks_summary(checks)));
        if checks.legal == LegalReview::Pending {
            buttons.push(
                button(
                    t.legal_button(LegalReview::Reviewed),
                    action::LEGAL_REVIEWED,
                    &value,
                )
                .into(),
            );
            buttons.push(
                button(
                    t.legal_button(LegalReview::NotNeeded),
                    action::LEGAL_NOT_NEEDED,
                    &value,
                )
                .into(),
            );
        }
    }
    blocks.push(SlackActionsBlock::new(buttons).into());
    content(text, blocks)
}

/// The @here alert when nobody has taken the case, with the take button at hand.
pub fn here_alert(case: &Case, round: u32, of: u32, look: Look<'_>) -> SlackMessageContent {
    let t = look.t;
    let text = t.here_alert(case.id, round, of);
    let button = button(t.take_button(), action::TAKE, &case.id.to_string())
        .with_style(SlackBlockButtonStyle::Primary);
    content(
        text.clone(),
        vec![
            section(text),
            SlackActionsBlock::new(vec![button.into()]).into(),
        ],
    )
}

/// The proposal message once someone approved or rejected it: no more buttons.
pub fn resolved_proposal(
    proposal: &Proposal,
    resolution: &Resolution,
    look: Look<'_>,
) -> SlackMessageContent {
    let t = look.t;
    let text = match resolution {
        Resolution::Approved { by } => t.proposal_approved(proposal.outcome, by, look.currency),
        Resolution::Rejected { by } => t.proposal_rejected(proposal.outcome, by, look.currency),
    };
    content(text.clone(), vec![section(text)])
}

/// The reporter's closing message, with thanks.
pub fn reporter_closed(case: &Case, decision: &Decision, look: Look<'_>) -> SlackMessageContent {
    let text = look
        .t
        .reporter_closed(case.id, decision.outcome, look.currency);
    content(text.clone(), vec![section(text)])
}

/// An ephemeral reply (slash command response or response_url message).
pub fn ephemeral(text: String) -> SlackMessageContent {
    content(text.clone(), vec![section(text)])
}

/// Cases a history shows at a time; older ones are on the next pages.
pub const HISTORY_PAGE: usize = 50;

/// Block Kit's limit on a section's text, with room to spare.
const SECTION_CHARS: usize = 2900;

/// A customer's history, newest first, `HISTORY_PAGE` cases a page (`page` counts from 1;
/// past the last it shows the last). The cases are split over as many sections as they
/// need, never cut. Outside the escalation channel (`show_private` false) a private
/// category is shown only as "private category".
pub fn history(
    record: &CustomerRecord,
    page: usize,
    show_private: bool,
    look: Look<'_>,
) -> SlackMessageContent {
    let t = look.t;
    let mut cases: Vec<_> = record.cases.iter().collect();
    cases.sort_by(|a, b| b.opened_at.cmp(&a.opened_at).then(b.id.cmp(&a.id)));
    let total = cases.len();
    let pages = total.div_ceil(HISTORY_PAGE).max(1);
    let page = page.clamp(1, pages);
    let from = (page - 1) * HISTORY_PAGE;
    let shown = &cases[from.min(total)..(from + HISTORY_PAGE).min(total)];
    let header = t.history_header(record, look.currency, look.zone);
    let mut blocks = vec![section(header.clone())];
    let mut chunk = String::new();
    let mut hid_private = false;
    for line in shown {
        let private = line.category.is_private() && !show_private;
        hid_private |= private;
        let text = t.history_case(line, private, look.zone);
        if !chunk.is_empty() && chunk.chars().count() + 1 + text.chars().count() > SECTION_CHARS {
            blocks.push(section(std::mem::take(&mut chunk)));
        }
        if !chunk.is_empty() {
            chunk.push('\n');
        }
        chunk.push_str(&text);
    }
    if !chunk.is_empty() {
        blocks.push(section(chunk));
    }
    let mut notes = Vec::new();
    if hid_private {
        notes.push(t.history_private_note().to_owned());
    }
    if total > HISTORY_PAGE {
        let next = (page < pages).then_some(page + 1);
        notes.push(t.history_page(
            Untrusted::from(&record.id),
            from + 1,
            from + shown.len(),
            total,
            next,
        ));
    }
    if !notes.is_empty() {
        blocks.push(context(notes.join("\n")));
    }
    content(header, blocks)
}

fn option(text: &str, value: &str) -> SlackBlockChoiceItem<SlackBlockPlainTextOnly> {
    SlackBlockChoiceItem::new(plain(text, 75), value.to_owned())
}

/// A category in the form's menu: the short label people read everywhere else, with the
/// long wording (MHLW's, with examples) shown below it.
fn category_option(
    category: Category,
    t: &dyn Catalog,
) -> SlackBlockChoiceItem<SlackBlockPlainTextOnly> {
    option(t.category_name(category), category.slug())
        .with_description(plain(t.category_description(category), 75))
}

/// What the escalation form carries in its private_metadata (JSON, at most 3000
/// characters): where it was opened, and the flagged message if it came from one.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FormContext {
    pub origin: Option<String>,
    pub evidence: Option<Evidence>,
    /// A suggested category (from the bot's lexicon), preselected.
    pub category: Option<Category>,
    /// The case a consultation is about (asked from a reaction's follow-up).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub about: Option<CaseId>,
}

/// Slack's limit on private_metadata.
const MAX_METADATA_CHARS: usize = 3000;

impl FormContext {
    /// Serializes, shortening the quote until it fits Slack's limit.
    pub fn encode(&self) -> String {
        let mut context = self.clone();
        loop {
            let json = serde_json::to_string(&context).expect("plain data serializes");
            let Some(evidence) = context.evidence.as_mut() else {
                return json;
            };
            if json.chars().count() <= MAX_METADATA_CHARS || evidence.quote.is_empty() {
                return json;
            }
            let keep = evidence.quote.chars().count() * 3 / 4;
            evidence.quote = evidence.quote.chars().take(keep).collect::<String>() + "…";
        }
    }

    /// Reads private_metadata back; a bare channel id is what older forms carried.
    pub fn decode(metadata: &str) -> FormContext {
        serde_json::from_str(metadata).unwrap_or_else(|_| FormContext {
            origin: (!metadata.is_empty()).then(|| metadata.to_owned()),
            ..FormContext::default()
        })
    }
}

/// The escalation form: `/escalate` alone opens it empty; the message shortcut and a
/// suggestion open it with the message quoted and the customer filled in when known.
pub fn escalate_form(context: &FormContext, customer: Option<&str>, look: Look<'_>) -> SlackView {
    let t = look.t;
    let categories = Category::ALL
        .into_iter()
        .map(|c| category_option(c, t))
        .collect();
    let severities = Severity::ALL
        .into_iter()
        .map(|s| option(t.severity_name(s), s.slug()))
        .collect();
    let promises = PromiseFailed::ALL
        .into_iter()
        .map(|p| {
            SlackBlockChoiceItem::new(
                SlackBlockText::from(plain(t.promise_failed_name(p), 75)),
                p.slug().to_owned(),
            )
        })
        .collect();
    let mut customer_input = SlackBlockPlainTextInputElement::new()
        .with_action_id(form::CUSTOMER.into())
        .with_max_length(crate::domain::CustomerId::MAX_CHARS as u64);
    if let Some(customer) = customer {
        customer_input = customer_input.with_initial_value(customer.to_owned());
    }
    let mut category_select = SlackBlockStaticSelectElement::new()
        .with_action_id(form::CATEGORY.into())
        .with_options(categories);
    if let Some(category) = context.category {
        category_select = category_select.with_initial_option(category_option(category, t));
    }
    let mut blocks: Vec<SlackBlock> = Vec::new();
    if look.desk {
        blocks.extend(consult_offer(action::CONSULT_INSTEAD, "", look));
    }
    if let Some(evidence) = &context.evidence {
        let header = format!("*{}*\n", t.form_quote());
        let room = SECTION_MAX_CHARS - header.chars().count();
        blocks.push(section(header + &quote_within(&evidence.quote, room)));
    }
    blocks.extend::<Vec<SlackBlock>>(vec![
        SlackInputBlock::new(plain(t.form_customer(), 2000), customer_input.into())
            .with_block_id(form::CUSTOMER.into())
            .with_hint(plain(t.form_customer_hint(), 2000))
            .into(),
        SlackInputBlock::new(plain(t.form_category(), 2000), category_select.into())
            .with_block_id(form::CATEGORY.into())
            .into(),
        SlackInputBlock::new(
            plain(t.form_severity(), 2000),
            SlackBlockStaticSelectElement::new()
                .with_action_id(form::SEVERITY.into())
                .with_options(severities)
                .into(),
        )
        .with_block_id(form::SEVERITY.into())
        .with_hint(plain(t.form_severity_hint(), 2000))
        .with_optional(true)
        .into(),
        SlackInputBlock::new(
            plain(t.form_summary(), 2000),
            SlackBlockPlainTextInputElement::new()
                .with_action_id(form::SUMMARY.into())
                .with_multiline(true)
                .with_max_length(crate::domain::NewCase::MAX_SUMMARY_CHARS as u64)
                .into(),
        )
        .with_block_id(form::SUMMARY.into())
        // With the message quoted, what happened may already be clear.
        .with_optional(context.evidence.is_some())
        .into(),
        SlackInputBlock::new(
            plain(t.form_promise_failed(), 2000),
            SlackBlockRadioButtonsElement::new(promises)
                .with_action_id(form::PROMISE.into())
                .into(),
        )
        .with_block_id(form::PROMISE.into())
        .with_hint(plain(t.form_promise_failed_hint(), 2000))
        .with_optional(true)
        .into(),
    ]);
    blocks.extend(facts_inputs(look, false));
    SlackView::Modal(
        SlackModalView::new(plain(t.form_title(), 24), blocks)
            .with_callback_id(form::ESCALATE.into())
            .with_submit(plain(t.form_submit(), 24))
            .with_close(plain(t.form_cancel(), 24))
            .with_private_metadata(context.encode()),
    )
}

/// The optional facts of the record (記録票): when, how, how long, the exact words, what
/// the reporter wants, who else was there, links; with `note` (adding facts later), what
/// else happened.
fn facts_inputs(look: Look<'_>, note: bool) -> Vec<SlackBlock> {
    let t = look.t;
    let text = |label: &str, block: &str, multiline: bool| -> SlackBlock {
        SlackInputBlock::new(
            plain(label, 2000),
            SlackBlockPlainTextInputElement::new()
                .with_action_id(block.into())
                .with_multiline(multiline)
                .with_max_length(crate::domain::Facts::MAX_TEXT_CHARS as u64)
                .into(),
        )
        .with_block_id(block.into())
        .with_optional(true)
        .into()
    };
    let media = crate::domain::Medium::ALL
        .into_iter()
        .map(|m| option(t.medium_name(m), m.slug()))
        .collect();
    let mut blocks = vec![
        SlackInputBlock::new(
            plain(t.form_when(), 2000),
            SlackBlockDateTimePickerElement::new()
                .with_action_id(form::WHEN.into())
                .into(),
        )
        .with_block_id(form::WHEN.into())
        .with_hint(plain(t.form_when_hint(), 2000))
        .with_optional(true)
        .into(),
        SlackInputBlock::new(
            plain(t.form_medium(), 2000),
            SlackBlockStaticSelectElement::new()
                .with_action_id(form::MEDIUM.into())
                .with_options(media)
                .into(),
        )
        .with_block_id(form::MEDIUM.into())
        .with_optional(true)
        .into(),
        SlackInputBlock::new(
            plain(t.form_minutes(), 2000),
            SlackBlockNumberInputElement::new(false)
                .with_action_id(form::MINUTES.into())
                .with_min_value("1".into())
                .into(),
        )
        .with_block_id(form::MINUTES.into())
        .with_optional(true)
        .into(),
        text(t.form_words(), form::WORDS, true),
        text(t.form_wants(), form::WANTS, true),
        text(t.form_present(), form::PRESENT, false),
        SlackInputBlock::new(
            plain(t.form_evidence(), 2000),
            SlackBlockPlainTextInputElement::new()
                .with_action_id(form::LINKS.into())
                .with_multiline(true)
                .with_max_length(3000)
                .into(),
        )
        .with_block_id(form::LINKS.into())
        .with_hint(plain(t.form_evidence_hint(), 2000))
        .with_optional(true)
        .into(),
    ];
    if note {
        blocks.insert(0, text(t.form_facts_note(), form::NOTE, true));
    }
    blocks
}

/// The form adding facts to a case's record.
pub fn facts_form(id: CaseId, look: Look<'_>) -> SlackView {
    let t = look.t;
    let mut blocks = vec![section(t.add_facts_intro(id))];
    blocks.extend(facts_inputs(look, true));
    SlackView::Modal(
        SlackModalView::new(plain(t.add_facts_title(), 24), blocks)
            .with_callback_id(form::FACTS.into())
            .with_submit(plain(t.outcome_submit(), 24))
            .with_close(plain(t.form_cancel(), 24))
            .with_private_metadata(id.to_string()),
    )
}

/// The short form naming a case's customer.
pub fn identify_form(id: CaseId, look: Look<'_>) -> SlackView {
    let t = look.t;
    let blocks = vec![
        section(t.identify_intro(id)),
        SlackInputBlock::new(
            plain(t.form_customer(), 2000),
            SlackBlockPlainTextInputElement::new()
                .with_action_id(form::CUSTOMER.into())
                .with_max_length(crate::domain::CustomerId::MAX_CHARS as u64)
                .into(),
        )
        .with_block_id(form::CUSTOMER.into())
        .with_hint(plain(t.form_customer_hint(), 2000))
        .into(),
    ];
    SlackView::Modal(
        SlackModalView::new(plain(t.identify_title(), 24), blocks)
            .with_callback_id(form::IDENTIFY.into())
            .with_submit(plain(t.outcome_submit(), 24))
            .with_close(plain(t.form_cancel(), 24))
            .with_private_metadata(id.to_string()),
    )
}

/// Care told to whoever reports or consults: reporting never counts against them, where
/// the policy is, whom to talk to.
fn care(look: Look<'_>) -> String {
    look.t.care_at_submission(
        look.policy_url.map(Untrusted::new),
        look.support_url.map(Untrusted::new),
    )
}

/// `text`, then the care.
fn with_care(text: String, look: Look<'_>) -> SlackMessageContent {
    let care = care(look);
    content(
        format!("{text}\n{care}"),
        vec![section(text), context(care)],
    )
}

/// What the reporter is told when their case opens, after the case id and guidance:
/// that reporting never counts against them, where the policy is, whom to talk to; and for
/// a critical case, whether they are safe now, with "I'm safe" and "I need someone now".
pub fn care_blocks(case: &Case, look: Look<'_>) -> (String, Vec<SlackBlock>) {
    let t = look.t;
    let care = care(look);
    let mut text = care.clone();
    let mut blocks = vec![context(care)];
    if case.severity == Severity::Critical {
        let id = case.id.to_string();
        text = format!("{text}\n{}", t.safety_question());
        blocks.push(section(format!("*{}*", t.safety_question())));
        blocks.push(
            SlackActionsBlock::new(vec![
                button(t.safe_button(), action::SAFE, &id).into(),
                button(t.need_someone_button(), action::NEED_SOMEONE, &id)
                    .with_style(SlackBlockButtonStyle::Danger)
                    .into(),
            ])
            .into(),
        );
    }
    (text, blocks)
}

/// The answer to the reporter of a new case: the case id and guidance, then care.
pub fn opened(case: &Case, look: Look<'_>) -> SlackMessageContent {
    let opened = look.t.case_opened(case.id, case.category);
    let (care, more) = care_blocks(case, look);
    let mut blocks = vec![section(opened.clone())];
    blocks.extend(more);
    content(format!("{opened}\n{care}"), blocks)
}

/// The form, once the case opened: the same as `opened`, as a modal.
pub fn opened_notice(case: &Case, look: Look<'_>) -> SlackView {
    let t = look.t;
    let blocks = opened(case, look).blocks.unwrap_or_default();
    SlackView::Modal(
        SlackModalView::new(plain(t.form_done_title(), 24), blocks)
            .with_close(plain(t.form_close(), 24)),
    )
}

/// Tells the reporter of a case flagged with a reaction that management has it (only
/// they see it); if the bot could not tell the customer, asks them to name it.
/// While the category is the bot's guess, asks the reporter to confirm or change it, with
/// "It's an emergency" at hand.
pub fn acknowledge(case: &Case, look: Look<'_>) -> SlackMessageContent {
    let t = look.t;
    let id = case.id.to_string();
    let mut text = if case.customer.is_some() {
        t.case_opened(case.id, case.category)
    } else {
        t.ask_customer(case.id)
    };
    let mut blocks = vec![section(text.clone())];
    if case.customer.is_none() {
        let identify = button(t.identify_button(), action::IDENTIFY, &id)
            .with_style(SlackBlockButtonStyle::Primary);
        blocks.push(SlackActionsBlock::new(vec![identify.into()]).into());
    }
    if case.unconfirmed {
        let ask = t.ask_classification(case.id, case.category, case.severity);
        text = format!("{text}\n{ask}");
        blocks.push(section(ask));
        blocks.push(SlackActionsBlock::new(classification_buttons(&id, look)).into());
    }
    if case.customer.is_none() {
        blocks.push(context(t.guidance(case.category)));
    }
    if look.desk {
        blocks.extend(consult_offer(action::CONSULT_ABOUT, &id, look));
    }
    let (care, more) = care_blocks(case, look);
    blocks.extend(more);
    content(format!("{text}\n{care}"), blocks)
}

fn classification_buttons(id: &str, look: Look<'_>) -> Vec<SlackActionBlockElement> {
    let t = look.t;
    vec![
        button(t.confirm_guess_button(), action::CONFIRM_GUESS, id)
            .with_style(SlackBlockButtonStyle::Primary)
            .into(),
        button(
            t.change_classification_button(),
            action::CHANGE_CLASSIFICATION,
            id,
        )
        .into(),
        button(t.emergency_button(), action::EMERGENCY, id)
            .with_style(SlackBlockButtonStyle::Danger)
            .into(),
    ]
}

/// The form confirming or changing a case's category and severity, with what the case has
/// now preselected. private_metadata is the case id.
pub fn classify_form(case: &Case, look: Look<'_>) -> SlackView {
    let t = look.t;
    let categories = Category::ALL
        .into_iter()
        .map(|c| category_option(c, t))
        .collect();
    let severities = Severity::ALL
        .into_iter()
        .map(|s| option(t.severity_name(s), s.slug()))
        .collect();
    let blocks = vec![
        section(t.classify_intro(case.id)),
        SlackInputBlock::new(
            plain(t.form_category(), 2000),
            SlackBlockStaticSelectElement::new()
                .with_action_id(form::CATEGORY.into())
                .with_options(categories)
                .with_initial_option(category_option(case.category, t))
                .into(),
        )
        .with_block_id(form::CATEGORY.into())
        .into(),
        SlackInputBlock::new(
            plain(t.form_severity(), 2000),
            SlackBlockStaticSelectElement::new()
                .with_action_id(form::SEVERITY.into())
                .with_options(severities)
                .with_initial_option(option(t.severity_name(case.severity), case.severity.slug()))
                .into(),
        )
        .with_block_id(form::SEVERITY.into())
        .into(),
    ];
    SlackView::Modal(
        SlackModalView::new(plain(t.classify_title(), 24), blocks)
            .with_callback_id(form::CLASSIFY.into())
            .with_submit(plain(t.classify_submit(), 24))
            .with_close(plain(t.form_cancel(), 24))
            .with_private_metadata(case.id.to_string()),
    )
}

/// What a suggestion's button carries: the message to escalate and why it was flagged.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Flagged {
    pub channel: String,
    pub ts: String,
    pub category: Option<Category>,
}

/// The bot's suggestion, shown only to one member of staff (ephemeral).
pub fn suggestion(text: String, flagged: &Flagged, look: Look<'_>) -> SlackMessageContent {
    let value = serde_json::to_string(flagged).expect("plain data serializes");
    let button = button(
        look.t.suggestion_button(),
        action::ESCALATE_SUGGESTED,
        &value,
    )
    .with_style(SlackBlockButtonStyle::Danger);
    content(
        text.clone(),
        vec![
            section(text),
            SlackActionsBlock::new(vec![button.into()]).into(),
            context(look.t.suggestion_private_note()),
        ],
    )
}

/// A form turned into a message with only a Close button: the confirmation once a case
/// is open, or why a submission could not be recorded.
pub fn notice(title: &str, text: String, look: Look<'_>) -> SlackView {
    SlackView::Modal(
        SlackModalView::new(plain(title, 24), vec![section(text)])
            .with_close(plain(look.t.form_close(), 24)),
    )
}

fn measure_option(measure: Measure, t: &dyn Catalog) -> SlackBlockChoiceItem<SlackBlockText> {
    SlackBlockChoiceItem::new(
        SlackBlockText::from(plain(t.measure_name(measure), 75)),
        measure.slug().to_owned(),
    )
}

fn contact_option(contact: Contact, t: &dyn Catalog) -> SlackBlockChoiceItem<SlackBlockText> {
    SlackBlockChoiceItem::new(
        SlackBlockText::from(plain(t.contact_name(contact), 75)),
        contact.slug().to_owned(),
    )
}

/// The chosen measures as a form's private_metadata carries them: `ESC-12|refund+termination`.
pub fn outcome_form_metadata(id: CaseId, chosen: Measures) -> String {
    let slugs: Vec<&str> = chosen.iter().map(Measure::slug).collect();
    format!("{id}|{}", slugs.join("+"))
}

/// The case and the measures chosen when the form opened, from its private_metadata;
/// the refund form of older builds wrote one kind slug (`ESC-12|refund-and-termination`).
pub fn parse_outcome_form_metadata(metadata: &str) -> Option<(CaseId, Measures)> {
    let (id, chosen) = metadata.split_once('|')?;
    let mut measures = Measures::new();
    for part in chosen.split('+').filter(|p| !p.is_empty()) {
        for m in crate::domain::outcome::measures_of_kind(part)?.iter() {
            measures.insert(m);
        }
    }
    Some((CaseId::parse(id)?, measures))
}

/// The form recording a decision: every measure (several may apply; `chosen` are ticked),
/// the refund's amount, the suspension's last day, how contact is limited.
pub fn outcome_form(id: CaseId, chosen: Measures, approval_over: u64, look: Look<'_>) -> SlackView {
    let t = look.t;
    let money = || Money {
        amount: approval_over,
        currency: look.currency,
    };
    let mut measures = SlackBlockCheckboxesElement::new(
        Measure::ALL
            .into_iter()
            .map(|m| measure_option(m, t))
            .collect(),
    )
    .with_action_id(form::MEASURES.into());
    if !chosen.is_empty() {
        measures =
            measures.with_initial_options(chosen.iter().map(|m| measure_option(m, t)).collect());
    }
    let blocks = vec![
        section(t.outcome_intro(id)),
        SlackInputBlock::new(plain(t.outcome_measures(), 2000), measures.into())
            .with_block_id(form::MEASURES.into())
            .with_hint(plain(&t.outcome_measures_hint(money()), 2000))
            .into(),
        SlackInputBlock::new(
            plain(&t.refund_amount(look.currency), 2000),
            SlackBlockNumberInputElement::new(false)
                .with_action_id(form::AMOUNT.into())
                .with_min_value("1".into())
                .into(),
        )
        .with_block_id(form::AMOUNT.into())
        .with_hint(plain(&t.refund_amount_hint(money()), 2000))
        .with_optional(!chosen.contains(Measure::Refund))
        .into(),
        SlackInputBlock::new(
            plain(t.outcome_until(), 2000),
            SlackBlockDatePickerElement::new()
                .with_action_id(form::UNTIL.into())
                .into(),
        )
        .with_block_id(form::UNTIL.into())
        .with_optional(!chosen.contains(Measure::Suspension))
        .into(),
        SlackInputBlock::new(
            plain(t.outcome_contact(), 2000),
            SlackBlockCheckboxesElement::new(
                Contact::ALL
                    .into_iter()
                    .map(|c| contact_option(c, t))
                    .collect(),
            )
            .with_action_id(form::CONTACT.into())
            .into(),
        )
        .with_block_id(form::CONTACT.into())
        .with_optional(true)
        .into(),
        prevention_input(None, true, t),
    ];
    SlackView::Modal(
        SlackModalView::new(plain(t.outcome_title(), 24), blocks)
            .with_callback_id(form::OUTCOME.into())
            .with_submit(plain(t.outcome_submit(), 24))
            .with_close(plain(t.form_cancel(), 24))
            .with_private_metadata(outcome_form_metadata(id, chosen)),
    )
}

fn radio<T: Slug>(label: &str, block: &str, name: impl Fn(T) -> &'static str) -> SlackBlock {
    let options = T::ALL
        .iter()
        .map(|a| {
            SlackBlockChoiceItem::new(
                SlackBlockText::from(plain(name(*a), 75)),
                a.slug().to_owned(),
            )
        })
        .collect();
    SlackInputBlock::new(
        plain(label, 2000),
        SlackBlockRadioButtonsElement::new(options)
            .with_action_id(block.into())
            .into(),
    )
    .with_block_id(block.into())
    .into()
}

/// The prevention note (再発防止策) of a decision, starting as `initial`: optional in the
/// forms that decide, required in the form that records it afterwards.
fn prevention_input(initial: Option<&str>, optional: bool, t: &dyn Catalog) -> SlackBlock {
    let max = crate::domain::Decision::MAX_PREVENTION_CHARS;
    let mut field = SlackBlockPlainTextInputElement::new()
        .with_action_id(form::PREVENTION.into())
        .with_multiline(true)
        .with_max_length(max as u64);
    if let Some(text) = initial.filter(|t| !t.is_empty()) {
        field = field.with_initial_value(truncate(text, max));
    }
    let input = SlackInputBlock::new(plain(t.form_prevention(), 2000), field.into())
        .with_block_id(form::PREVENTION.into())
        .with_optional(optional);
    if optional {
        input.with_hint(plain(t.form_prevention_hint(), 2000))
    } else {
        input
    }
    .into()
}

/// The form recording (or editing) the prevention note of decided case `id`, starting as
/// the note it has.
pub fn prevention_form(id: CaseId, existing: Option<&str>, look: Look<'_>) -> SlackView {
    let t = look.t;
    let existing = existing.filter(|n| !n.is_empty());
    let blocks = vec![
        section(t.prevention_intro(id, existing.is_some())),
        prevention_input(existing, false, t),
    ];
    SlackView::Modal(
        SlackModalView::new(plain(t.prevention_title(), 24), blocks)
            .with_callback_id(form::PREVENTION_FORM.into())
            .with_submit(plain(t.outcome_submit(), 24))
            .with_close(plain(t.form_cancel(), 24))
            .with_private_metadata(id.to_string()),
    )
}

/// The checks before a suspension or a termination, pushed over the outcome form (or
/// opened by the card's termination button). Every answer is required; the clause starts
/// as `policy.terms_clause`, and the optional prevention note as what the outcome form had.
pub fn checks_form(
    id: CaseId,
    outcome: Outcome,
    clause: &str,
    prevention: Option<&str>,
    look: Look<'_>,
) -> SlackView {
    let t = look.t;
    let blocks = vec![
        section(t.checks_intro(id, outcome, look.currency)),
        radio::<Complaint>(t.check_complaint(), form::COMPLAINT, |a| {
            t.complaint_name(a)
        }),
        radio::<Accommodation>(t.check_accommodation(), form::ACCOMMODATION, |a| {
            t.accommodation_name(a)
        }),
        radio::<DutyToServe>(t.check_duty_to_serve(), form::DUTY_TO_SERVE, |a| {
            t.duty_to_serve_name(a)
        }),
        SlackInputBlock::new(
            plain(t.check_clause(), 2000),
            SlackBlockPlainTextInputElement::new()
                .with_action_id(form::CLAUSE.into())
                .with_initial_value(truncate(clause, crate::domain::Checks::MAX_CLAUSE_CHARS))
                .with_max_length(crate::domain::Checks::MAX_CLAUSE_CHARS as u64)
                .into(),
        )
        .with_block_id(form::CLAUSE.into())
        .into(),
        radio::<LegalReview>(t.check_legal(), form::LEGAL, |a| t.legal_name(a)),
        prevention_input(prevention, true, t),
    ];
    let outcome_json = serde_json::to_string(&outcome).expect("an outcome always serializes");
    SlackView::Modal(
        SlackModalView::new(plain(t.checks_title(), 24), blocks)
            .with_callback_id(form::CHECKS.into())
            .with_submit(plain(t.outcome_submit(), 24))
            .with_close(plain(t.form_cancel(), 24))
            .with_private_metadata(format!("{id}|{outcome_json}")),
    )
}

/// The case and the outcome a checks form is about.
pub fn parse_checks_form_metadata(metadata: &str) -> Option<(CaseId, Outcome)> {
    let (id, outcome) = metadata.split_once('|')?;
    Some((CaseId::parse(id)?, serde_json::from_str(outcome).ok()?))
}

/// How contact is limited, from the form's checkboxes.
pub fn contacts_of(slugs: &[&str]) -> Contacts {
    Contacts::of(slugs.iter().filter_map(|s| Contact::parse(s)))
}

/// The amount of an outcome as the card would say it (for logs and transcripts).
pub fn outcome_text(outcome: Outcome, look: Look<'_>) -> String {
    look.t.outcome(outcome, look.currency)
}

/// The record (記録票): the facts given first, then each addition with who and when.
fn record_block(
    facts: &crate::domain::Facts,
    additions: &[crate::domain::Addition],
    look: Look<'_>,
) -> Option<SlackBlock> {
    let t = look.t;
    if facts.is_empty() && additions.is_empty() {
        return None;
    }
    let mut record = vec![format!("*{}*", t.card_facts())];
    if !facts.is_empty() {
        record.push(t.facts_lines(facts, look.zone));
    }
    for addition in additions {
        record.push(format!(
            "{}\n{}",
            t.card_addition(&addition.by.by, addition.by.at, look.zone),
            t.facts_lines(&addition.facts, look.zone)
        ));
    }
    Some(section(record.join("\n")))
}

/// "I'd like advice: not sure it is harassment", with what it means: in the escalation
/// form (`value` empty) and a reaction's follow-up (`value` the case).
fn consult_offer(action_id: &str, value: &str, look: Look<'_>) -> Vec<SlackBlock> {
    let t = look.t;
    vec![
        context(t.consult_offer()),
        SlackActionsBlock::new(vec![button(t.consult_button(), action_id, value).into()]).into(),
    ]
}

/// The consult form: what happened (the only required field), whom to talk to among
/// `choices` (the desk, but the person asking), and the same facts as a case's.
pub fn consult_form(
    context: &FormContext,
    choices: &[crate::domain::UserId],
    look: Look<'_>,
) -> SlackView {
    let t = look.t;
    let mut blocks = vec![section(t.consult_intro())];
    if let Some(evidence) = &context.evidence {
        let header = format!("*{}*\n", t.form_quote());
        let room = SECTION_MAX_CHARS - header.chars().count();
        blocks.push(section(header + &quote_within(&evidence.quote, room)));
    }
    if !choices.is_empty() {
        let anyone = SlackBlockChoiceItem::new(
            SlackBlockText::from(plain(t.consult_with_anyone(), 75)),
            form::WITH_ANYONE.to_owned(),
        );
        // Radio buttons hold ten options: anyone, and the first nine members.
        let mut options = vec![anyone.clone()];
        options.extend(
            choices
                .iter()
                .take(9)
                .map(|user| SlackBlockChoiceItem::new(md(t.person(user)), user.to_string())),
        );
        blocks.push(
            SlackInputBlock::new(
                plain(t.consult_with(), 2000),
                SlackBlockRadioButtonsElement::new(options)
                    .with_action_id(form::WITH.into())
                    .with_initial_option(anyone)
                    .into(),
            )
            .with_block_id(form::WITH.into())
            .with_hint(plain(t.consult_with_hint(), 2000))
            .with_optional(true)
            .into(),
        );
    }
    blocks.push(
        SlackInputBlock::new(
            plain(t.consult_summary(), 2000),
            SlackBlockPlainTextInputElement::new()
                .with_action_id(form::SUMMARY.into())
                .with_multiline(true)
                .with_max_length(crate::domain::NewConsultation::MAX_SUMMARY_CHARS as u64)
                .into(),
        )
        .with_block_id(form::SUMMARY.into())
        // With the message quoted, what happened may already be clear.
        .with_optional(context.evidence.is_some())
        .into(),
    );
    blocks.extend(facts_inputs(look, false));
    SlackView::Modal(
        SlackModalView::new(plain(t.consult_title(), 24), blocks)
            .with_callback_id(form::CONSULT.into())
            .with_submit(plain(t.form_submit(), 24))
            .with_close(plain(t.form_cancel(), 24))
            .with_private_metadata(context.encode()),
    )
}

/// A consultation as the desk sees it: in full (to the member the reporter chose, to each
/// member, or in the consultation channel), or, `in_full` false, the channel's one line
/// when the reporter chose a member (who has it, nothing of what it is about).
pub fn consultation_card(
    consultation: &crate::domain::Consultation,
    in_full: bool,
    look: Look<'_>,
) -> SlackMessageContent {
    use crate::domain::ConsultState;
    let t = look.t;
    let c = consultation;
    let status = t.consult_status(&c.state, c.first_answer.as_ref(), look.zone);
    if let (false, Some(with)) = (in_full, &c.chosen) {
        let line = t.consult_card_with_member(c.id, with);
        return content(line.clone(), vec![section(line), context(status)]);
    }
    let id = c.id.to_string();
    let title = t.consult_card_title(c.id);
    let mut blocks: Vec<SlackBlock> = vec![
        SlackHeaderBlock::new(plain(&title, 150)).into(),
        context(t.consult_card_private()),
    ];
    if let Some(with) = &c.chosen {
        blocks.push(context(t.consult_card_chosen(with)));
    }
    if let Some(case) = c.about {
        let from_check_in = c.source == crate::domain::ConsultSource::CheckIn;
        blocks.push(context(t.consult_card_about(case, from_check_in)));
    }
    blocks.push(
        SlackSectionBlock::new()
            .with_fields(vec![
                md(format!(
                    "*{}*\n{}",
                    t.card_reporter(),
                    t.person(&c.reporter)
                )),
                md(format!(
                    "*{}*\n{}",
                    t.card_opened(),
                    t.when(c.opened_at, look.zone)
                )),
            ])
            .into(),
    );
    if !c.summary.trim().is_empty() {
        blocks.push(section(format!(
            "*{}*\n{}",
            t.card_summary(),
            quote(&c.summary)
        )));
    }
    if let Some(evidence) = &c.evidence {
        blocks.extend(evidence_blocks(evidence, look));
    }
    blocks.extend(record_block(&c.facts, &c.additions, look));
    blocks.push(SlackDividerBlock::new().into());
    blocks.push(section(status.clone()));
    let mut buttons: Vec<SlackActionBlockElement> = Vec::new();
    if matches!(c.state, ConsultState::Open) {
        if c.first_answer.is_none() {
            buttons.push(button(t.consult_answered_button(), action::CONSULT_ANSWERED, &id).into());
        }
        buttons.push(
            button(t.consult_close_button(), action::CONSULT_CLOSE, &id)
                .with_style(SlackBlockButtonStyle::Primary)
                .into(),
        );
        buttons.push(button(t.consult_convert_button(), action::CONSULT_CONVERT, &id).into());
    }
    // The record grows after it ends too.
    buttons.push(button(t.add_facts_button(), action::ADD_FACTS, &id).into());
    blocks.push(SlackActionsBlock::new(buttons).into());
    content(format!("{title}\n{status}"), blocks)
}

/// A note in a consultation's thread.
pub fn consultation_note(
    note: &crate::domain::effect::ConsultNote,
    look: Look<'_>,
) -> SlackMessageContent {
    use crate::domain::effect::ConsultNote;
    let t = look.t;
    let text = match note {
        ConsultNote::Answered { by } => t.consult_note_answered(by),
        ConsultNote::Closed { by } => t.consult_note_closed(by),
        ConsultNote::Converted { by, case } => t.consult_note_converted(by, *case),
        ConsultNote::FactsAdded { by, facts } => {
            t.note_facts_added(by, &t.facts_lines(facts, look.zone))
        }
    };
    content(text.clone(), vec![section(text)])
}

/// What became of a consultation, to whoever asked for it, with the care they were told at
/// the start.
pub fn consultation_outcome(
    consultation: &crate::domain::Consultation,
    look: Look<'_>,
) -> SlackMessageContent {
    use crate::domain::ConsultState;
    let t = look.t;
    let text = match &consultation.state {
        ConsultState::Converted { case, .. } => {
            t.consult_converted_to_reporter(consultation.id, *case)
        }
        ConsultState::Closed { .. } | ConsultState::Open => {
            t.consult_closed_to_reporter(consultation.id)
        }
    };
    with_care(text, look)
}

/// The answer to whoever asked the desk: it reached the desk (or the member they chose),
/// nobody else was told; then the care a reporter of a case is told.
pub fn consult_opened(
    consultation: &crate::domain::Consultation,
    look: Look<'_>,
) -> SlackMessageContent {
    let t = look.t;
    let text = t.consult_opened(consultation.id, consultation.chosen.as_ref());
    with_care(text, look)
}

/// The consult form, once the consultation is with the desk: the same as `consult_opened`.
pub fn consult_opened_notice(
    consultation: &crate::domain::Consultation,
    look: Look<'_>,
) -> SlackView {
    let blocks = consult_opened(consultation, look)
        .blocks
        .unwrap_or_default();
    SlackView::Modal(
        SlackModalView::new(plain(look.t.form_done_title(), 24), blocks)
            .with_close(plain(look.t.form_close(), 24)),
    )
}

/// The form turning a consultation into a case: its category (required), severity and
/// customer (both optional).
pub fn convert_form(id: crate::domain::ConsultationId, look: Look<'_>) -> SlackView {
    let t = look.t;
    let categories = Category::ALL
        .into_iter()
        .map(|c| category_option(c, t))
        .collect();
    let severities = Severity::ALL
        .into_iter()
        .map(|s| option(t.severity_name(s), s.slug()))
        .collect();
    let blocks = vec![
        section(t.convert_intro(id)),
        SlackInputBlock::new(
            plain(t.form_category(), 2000),
            SlackBlockStaticSelectElement::new()
                .with_action_id(form::CATEGORY.into())
                .with_options(categories)
                .into(),
        )
        .with_block_id(form::CATEGORY.into())
        .into(),
        SlackInputBlock::new(
            plain(t.form_severity(), 2000),
            SlackBlockStaticSelectElement::new()
                .with_action_id(form::SEVERITY.into())
                .with_options(severities)
                .into(),
        )
        .with_block_id(form::SEVERITY.into())
        .with_hint(plain(t.form_severity_hint(), 2000))
        .with_optional(true)
        .into(),
        SlackInputBlock::new(
            plain(t.form_customer(), 2000),
            SlackBlockPlainTextInputElement::new()
                .with_action_id(form::CUSTOMER.into())
                .with_max_length(crate::domain::CustomerId::MAX_CHARS as u64)
                .into(),
        )
        .with_block_id(form::CUSTOMER.into())
        .with_hint(plain(t.convert_customer_hint(), 2000))
        .with_optional(true)
        .into(),
    ];
    SlackView::Modal(
        SlackModalView::new(plain(t.convert_title(), 24), blocks)
            .with_callback_id(form::CONVERT.into())
            .with_submit(plain(t.outcome_submit(), 24))
            .with_close(plain(t.form_cancel(), 24))
            .with_private_metadata(id.to_string()),
    )
}

/// The form adding facts to a consultation's record (the case form's facts form, for a
/// consultation: private_metadata is its id).
pub fn consult_facts_form(id: crate::domain::ConsultationId, look: Look<'_>) -> SlackView {
    let t = look.t;
    let mut blocks = vec![section(t.consult_add_facts_intro(id))];
    blocks.extend(facts_inputs(look, true));
    SlackView::Modal(
        SlackModalView::new(plain(t.add_facts_title(), 24), blocks)
            .with_callback_id(form::FACTS.into())
            .with_submit(plain(t.outcome_submit(), 24))
            .with_close(plain(t.form_cancel(), 24))
            .with_private_metadata(id.to_string()),
    )
}

/// The check-in to the reporter of a closed case: how are you, with "I'm fine" and (with
/// a desk) "I'd like to talk to the desk"; once answered or over, what was recorded. The
/// care sentences of the start follow it.
pub fn check_in(case: &Case, look: Look<'_>) -> SlackMessageContent {
    let t = look.t;
    let id = case.id.to_string();
    let answer = case.check_in.as_ref().and_then(|c| c.answer.as_ref());
    let text = match answer {
        Some(answer) => t.check_in_answered(case.id, answer.reply, answer.consultation),
        None => t.check_in(case.id, look.desk),
    };
    let mut blocks = vec![section(text.clone())];
    if answer.is_none() {
        let mut buttons: Vec<SlackActionBlockElement> =
            vec![button(t.check_in_fine_button(), action::CHECK_IN_FINE, &id).into()];
        if look.desk {
            buttons.push(
                button(t.check_in_desk_button(), action::CHECK_IN_DESK, &id)
                    .with_style(SlackBlockButtonStyle::Primary)
                    .into(),
            );
        }
        blocks.push(SlackActionsBlock::new(buttons).into());
    }
    let care = care(look);
    blocks.push(context(care));
    content(text, blocks)
}

/// The policy as Slack shows it to `user`: the text, and unless they confirmed this
/// version already, the button that does. `intro` goes first (a reminder's greeting).
pub fn policy(
    catalog: &dyn Catalog,
    settings: &crate::config::Settings,
    user: &crate::domain::UserId,
    acknowledged: Option<jiff::Timestamp>,
    intro: Option<String>,
) -> SlackMessageContent {
    let version = &settings.rules.policy.version;
    let text = catalog.policy_view(
        user,
        Untrusted::new(version),
        settings.policy_summary.as_deref().map(Untrusted::new),
        settings.policy_url.as_deref().map(Untrusted::new),
        acknowledged,
        &settings.report.schedule.zone,
    );
    let text = match intro {
        Some(intro) => format!("{intro}\n\n{text}"),
        None => text,
    };
    let mut blocks: Vec<SlackBlock> = vec![
        SlackSectionBlock::new()
            .with_text(SlackBlockMarkDownText::new(charts::fit(&text, 3000)).into())
            .into(),
    ];
    if acknowledged.is_none() {
        let button = SlackBlockButtonElement::new(catalog.policy_ack_button().into())
            .with_action_id(crate::policy::ACK.into())
            .with_value(charts::fit(version, 2000))
            .with_style(SlackBlockButtonStyle::Primary);
        blocks.push(SlackActionsBlock::new(vec![button.into()]).into());
    }
    SlackMessageContent::new()
        .with_text(text)
        .with_blocks(blocks)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::case::tests::{open_case, stamp};
    use crate::i18n::Locale;

    fn look(locale: Locale) -> Look<'static> {
        Look {
            t: locale.catalog(),
            currency: "JPY",
            reporter_may_decide: false,
            zone: tokyo(),
            policy_url: Some("https://example.com/policy?a=1&b=2"),
            support_url: None,
            company: Some("Example & Co."),
            terms_clause: None,
            desk: true,
        }
    }

    fn tokyo() -> &'static jiff::tz::TimeZone {
        static TOKYO: std::sync::OnceLock<jiff::tz::TimeZone> = std::sync::OnceLock::new();
        TOKYO.get_or_init(|| jiff::tz::TimeZone::get("Asia/Tokyo").expect("jiff bundles Tokyo"))
    }

    fn json(content: &SlackMessageContent) -> String {
        serde_json::to_string(content).unwrap()
    }

    /// Every text object of a view or message, with the kind the style rules need.
    fn texts(value: &serde_json::Value, out: &mut Vec<(crate::i18n::style::Kind, String)>) {
        use crate::i18n::style::Kind;
        match value {
            serde_json::Value::Object(map) => {
                if let (Some(kind), Some(serde_json::Value::String(text))) =
                    (map.get("type").and_then(|t| t.as_str()), map.get("text"))
                {
                    match kind {
                        "mrkdwn" => out.push((Kind::Mrkdwn, text.clone())),
                        "plain_text" => out.push((Kind::Plain, text.clone())),
                        _ => {}
                    }
                }
                map.values().for_each(|v| texts(v, out));
            }
            serde_json::Value::Array(items) => items.iter().for_each(|v| texts(v, out)),
            _ => {}
        }
    }

    /// Every consultation and check-in view, in each state that reads differently.
    fn consultation_views(case: &Case, look: Look<'_>) -> Vec<serde_json::Value> {
        use crate::domain::effect::ConsultNote;
        use crate::domain::{
            CheckIn, CheckInAnswer, CheckInReply, ConsultSource, ConsultState, Consultation,
            ConsultationId, Desk, NewConsultation, UserId,
        };
        let user = |id: &str| UserId::parse(id).unwrap();
        let desk = Desk {
            members: vec![user("UHR1"), user("UHR2")],
            channel: true,
        };
        let mut c = Consultation::open(
            ConsultationId::new(3),
            NewConsultation {
                reporter: user("UAGENT1"),
                summary: "カスハラか迷っています <!here>".into(),
                facts: crate::domain::Facts {
                    minutes: Some(40),
                    ..Default::default()
                },
                evidence: case.evidence.clone(),
                reported_from: None,
                chosen: Some(user("UHR2")),
                source: ConsultSource::Reaction,
                about: Some(case.id),
            },
            stamp("UAGENT1", 0).at,
            &desk,
        );
        let mut out = Vec::new();
        let mut push = |v: serde_json::Value| out.push(v);
        let context = FormContext {
            origin: None,
            evidence: case.evidence.clone(),
            category: None,
            about: Some(case.id),
        };
        push(serde_json::to_value(consult_form(&context, &desk.members, look)).unwrap());
        push(serde_json::to_value(consult_opened_notice(&c, look)).unwrap());
        push(serde_json::to_value(convert_form(c.id, look)).unwrap());
        push(serde_json::to_value(consult_facts_form(c.id, look)).unwrap());
        for in_full in [true, false] {
            push(serde_json::to_value(consultation_card(&c, in_full, look)).unwrap());
        }
        c.first_answer = Some(stamp("UHR2", 3));
        push(serde_json::to_value(consultation_card(&c, true, look)).unwrap());
        c.chosen = None;
        c.source = ConsultSource::CheckIn;
        for state in [
            ConsultState::Closed {
                by: stamp("UHR1", 4),
            },
            ConsultState::Converted {
                by: stamp("UHR1", 4),
                case: case.id,
            },
        ] {
            c.state = state;
            push(serde_json::to_value(consultation_card(&c, true, look)).unwrap());
            push(serde_json::to_value(consultation_outcome(&c, look)).unwrap());
        }
        for note in [
            ConsultNote::Answered { by: user("UHR1") },
            ConsultNote::Closed { by: user("UHR1") },
            ConsultNote::Converted {
                by: user("UHR1"),
                case: case.id,
            },
            ConsultNote::FactsAdded {
                by: user("UAGENT1"),
                facts: c.facts.clone(),
            },
        ] {
            push(serde_json::to_value(consultation_note(&note, look)).unwrap());
        }
        let mut closed = case.clone();
        closed.check_in = Some(CheckIn {
            sent_at: stamp("UAGENT1", 5).at,
            answer: None,
        });
        push(serde_json::to_value(check_in(&closed, look)).unwrap());
        for (reply, consultation) in [
            (CheckInReply::Fine, None),
            (CheckInReply::Desk, Some(c.id)),
            (CheckInReply::NoAnswer, None),
        ] {
            closed.check_in = Some(CheckIn {
                sent_at: stamp("UAGENT1", 5).at,
                answer: Some(CheckInAnswer {
                    reply,
                    at: stamp("UAGENT1", 6).at,
                    consultation,
                }),
            });
            push(serde_json::to_value(check_in(&closed, look)).unwrap());
        }
        closed.consultation = Some(crate::domain::FromConsultation {
            id: c.id,
            by: user("UHR1"),
        });
        push(serde_json::to_value(card(&closed, look)).unwrap());
        out
    }

    #[test]
    fn every_view_in_japanese_follows_the_style_rules() {
        let look = look(Locale::Ja);
        let mut case = open_case();
        case.promise_failed = Some(PromiseFailed::Yes);
        case.evidence = Some(Evidence {
            channel: crate::domain::ChannelId::parse("C1").unwrap(),
            ts: "1.2".into(),
            thread_ts: None,
            permalink: Some("https://x.slack.com/archives/C1/p12?a=1&b=2".into()),
            quote: "今日中に直せ <!channel>".into(),
            author: None,
            unreadable: false,
        });
        let mut rendered: Vec<serde_json::Value> = Vec::new();
        let mut push = |case: &Case| {
            rendered.push(serde_json::to_value(card(case, look)).unwrap());
            rendered.push(
                serde_json::to_value(page(case, Some("https://x.slack.com/a"), look)).unwrap(),
            );
            rendered.push(serde_json::to_value(acknowledge(case, look)).unwrap());
        };
        // Opened from a reaction: the bot's guess waits for the reporter.
        case.unconfirmed = true;
        push(&case);
        let classify = serde_json::to_value(classify_form(&case, look)).unwrap();
        case.unconfirmed = false;
        push(&case);
        let owner = stamp("UEXEC1", 1);
        case.state = CaseState::Taken {
            owner: owner.clone(),
        };
        push(&case);
        let proposal = Proposal {
            outcome: Outcome::refund(120_000).and(Measure::Termination),
            proposed: owner.clone(),
            checks: Some(crate::domain::Checks {
                complaint: Complaint::Unanswered,
                accommodation: Accommodation::NotConsidered,
                duty_to_serve: DutyToServe::Unsure,
                clause: "利用規約第12条（禁止事項）".into(),
                legal: LegalReview::Pending,
            }),
            prevention: Some("電話は二人で対応する".into()),
        };
        let checks = serde_json::to_value(checks_form(
            case.id,
            proposal.outcome,
            "利用規約第12条",
            proposal.prevention.as_deref(),
            look,
        ))
        .unwrap();
        case.state = CaseState::Proposed {
            owner: owner.clone(),
            proposal: proposal.clone(),
        };
        push(&case);
        let decision = Decision {
            outcome: proposal.outcome,
            decided: owner.clone(),
            approved: Some(stamp("UMGR1", 2)),
            policy_version: "2026-11".into(),
            checks: None,
            prevention: proposal.prevention.clone(),
        };
        case.state = CaseState::Closed {
            owner,
            decision: decision.clone(),
        };
        push(&case);
        case.customer = None;
        push(&case);
        rendered.push(serde_json::to_value(reporter_closed(&case, &decision, look)).unwrap());
        let mut critical = case.clone();
        critical.severity = Severity::Critical;
        critical.facts.minutes = Some(90);
        critical.facts.words = Some("<b>&".into());
        rendered.push(serde_json::to_value(opened(&critical, look)).unwrap());
        rendered.push(serde_json::to_value(acknowledge(&critical, look)).unwrap());
        rendered.push(serde_json::to_value(urgent(&critical, Some("https://x"), look)).unwrap());
        rendered.push(serde_json::to_value(card(&critical, look)).unwrap());
        rendered.push(serde_json::to_value(facts_form(critical.id, look)).unwrap());
        for note_ in [
            Note::Proposal {
                proposal: proposal.clone(),
            },
            Note::Closed { decision },
            Note::WarningDraft {
                to: crate::domain::UserId::parse("UEXEC1").unwrap(),
            },
        ] {
            rendered.push(serde_json::to_value(note(&case, &note_, look)).unwrap());
        }
        rendered.push(
            serde_json::to_value(resolved_proposal(
                &proposal,
                &Resolution::Approved {
                    by: crate::domain::UserId::parse("UMGR1").unwrap(),
                },
                look,
            ))
            .unwrap(),
        );
        rendered.push(serde_json::to_value(here_alert(&case, 3, 3, look)).unwrap());
        let context = FormContext {
            origin: None,
            evidence: case.evidence.clone(),
            category: Some(Category::Restraint),
            about: None,
        };
        rendered.push(serde_json::to_value(escalate_form(&context, Some("cust-1"), look)).unwrap());
        rendered.push(
            serde_json::to_value(outcome_form(
                case.id,
                Measures::of([Measure::Refund, Measure::Termination]),
                50_000,
                look,
            ))
            .unwrap(),
        );
        rendered.push(serde_json::to_value(identify_form(case.id, look)).unwrap());
        rendered.push(checks);
        rendered.push(classify);
        let line = |n: u64, category| crate::domain::customer::CaseLine {
            id: CaseId::new(n),
            opened_at: stamp("UAGENT1", n as i64).at,
            category,
            outcome: n
                .is_multiple_of(2)
                .then_some(Measures::of([Measure::Warning, Measure::Police])),
        };
        let record = CustomerRecord {
            id: crate::domain::CustomerId::parse("cust-1").unwrap(),
            cases: (1..=HISTORY_PAGE as u64 + 3)
                .map(|n| {
                    line(
                        n,
                        if n == 7 {
                            Category::Sexual
                        } else {
                            Category::Restraint
                        },
                    )
                })
                .collect(),
            warnings: 2,
            refunds: 1,
            refund_total: 30_000,
            cautions: 1,
            suspended_until: "2027-01-31".parse().ok(),
            kept_off: Vec::new(),
            cut_off: Some(crate::domain::customer::CutOff {
                case: CaseId::new(9),
                at: stamp("UMGR1", 9).at,
            }),
        };
        for page in [1, 2] {
            rendered.push(serde_json::to_value(history(&record, page, false, look)).unwrap());
        }
        rendered.extend(consultation_views(&case, look));
        let mut found = Vec::new();
        for value in &rendered {
            let mut all = Vec::new();
            texts(value, &mut all);
            for (kind, text) in all {
                for v in crate::i18n::style::violations(&text, Locale::Ja, true, kind) {
                    found.push(v);
                }
            }
        }
        assert!(found.is_empty(), "{}", found.join("\n"));
    }

    #[test]
    fn the_form_offers_short_labels_with_the_long_wording_below() {
        let form = serde_json::to_value(escalate_form(
            &FormContext::default(),
            None,
            look(Locale::Ja),
        ))
        .unwrap();
        let options = form.to_string();
        assert!(options.contains(r#""text":"暴言・侮辱""#), "{options}");
        assert!(options.contains("精神的な攻撃（暴言、侮辱、中傷、名誉毀損）"));
        assert!(!options.contains('\u{b7}'));
    }

    #[test]
    fn an_open_card_offers_only_take() {
        let card = json(&card(&open_case(), look(Locale::En)));
        assert!(card.contains(action::TAKE));
        assert!(!card.contains(action::DECIDE_PREFIX));
    }

    #[test]
    fn a_taken_card_offers_the_ladder_and_a_form_with_every_measure() {
        let mut case = open_case();
        case.state = CaseState::Taken {
            owner: stamp("UEXEC1", 1),
        };
        let card = json(&card(&case, look(Locale::Ja)));
        for kind in CARD_MEASURES {
            assert!(
                card.contains(&format!("decide:{}", kind.slug())),
                "{kind:?}"
            );
        }
        assert!(card.contains("decide:several"));
        let form = serde_json::to_string(&outcome_form(
            case.id,
            Measures::new(),
            50_000,
            look(Locale::Ja),
        ))
        .unwrap();
        for kind in Measure::ALL {
            assert!(form.contains(&format!("\"{}\"", kind.slug())), "{kind:?}");
        }
        assert!(!card.contains(action::TAKE));
    }

    #[test]
    fn typed_text_is_escaped_on_the_card() {
        let mut case = open_case();
        case.summary = "<!channel> called me names".into();
        let card = json(&card(&case, look(Locale::En)));
        assert!(!card.contains("<!channel>"));
        assert!(card.contains("&lt;!channel&gt;"));
    }

    #[test]
    fn a_quote_is_cut_after_escaping_and_never_inside_an_entity() {
        assert_eq!(
            quote_within("a <b>\nc & d", 100),
            "> a &lt;b&gt;\n> c &amp; d"
        );
        assert_eq!(quote("a <b>\nc"), "> a &lt;b&gt;\n> c");
        let cut = quote_within(&"<".repeat(100), 12);
        assert_eq!(cut, "> &lt;&lt;…", "two whole entities and the mark");
        for budget in [3, 50, 2999] {
            let cut = quote_within(&"&<>x\n".repeat(2000), budget);
            assert!(cut.chars().count() <= budget, "{budget}");
            assert!(cut.ends_with('…'));
            let before = cut.trim_end_matches('…');
            assert!(
                before.ends_with("&amp;")
                    || before.ends_with("&lt;")
                    || before.ends_with("&gt;")
                    || before.ends_with('x')
                    || before.ends_with("> ")
                    || before.is_empty(),
                "{before:?}"
            );
        }
    }

    #[test]
    fn a_long_quote_is_shortened_to_fit_private_metadata() {
        let context = FormContext {
            origin: None,
            evidence: Some(Evidence {
                channel: crate::domain::ChannelId::parse("C1").unwrap(),
                ts: "1.2".into(),
                thread_ts: None,
                permalink: Some("https://x.slack.com/archives/C1/p12".into()),
                quote: "\"quoted\"\n".repeat(400),
                author: None,
                unreadable: false,
            }),
            category: None,
            about: None,
        };
        let encoded = context.encode();
        assert!(encoded.chars().count() <= 3000);
        let decoded = FormContext::decode(&encoded);
        assert!(decoded.evidence.unwrap().quote.ends_with('…'));
        assert_eq!(
            FormContext::decode("C0123").origin.as_deref(),
            Some("C0123")
        );
    }

    #[test]
    fn a_private_case_page_does_not_describe_it() {
        let mut case = open_case();
        case.category = Category::Sexual;
        let page = json(&page(&case, None, look(Locale::En)));
        assert!(!page.contains("cust-1"));
        assert!(!page.contains("Sexual"));
    }

    #[test]
    fn forms_serialize_as_modals_with_our_callback_ids() {
        let context = FormContext {
            origin: Some("C0123".into()),
            ..FormContext::default()
        };
        let form = serde_json::to_value(escalate_form(&context, None, look(Locale::Ja))).unwrap();
        assert_eq!(form["type"], "modal");
        assert_eq!(form["callback_id"], form::ESCALATE);
        let metadata = form["private_metadata"].as_str().unwrap();
        assert_eq!(FormContext::decode(metadata), context);
        let refund = serde_json::to_value(outcome_form(
            CaseId::new(3),
            Measures::of([Measure::Refund, Measure::Termination]),
            50_000,
            look(Locale::En),
        ))
        .unwrap();
        assert_eq!(refund["callback_id"], form::OUTCOME);
        assert_eq!(refund["private_metadata"], "ESC-3|termination+refund");
        assert_eq!(
            parse_outcome_form_metadata("ESC-3|termination+refund"),
            Some((
                CaseId::new(3),
                Measures::of([Measure::Refund, Measure::Termination])
            ))
        );
        assert_eq!(
            parse_outcome_form_metadata("ESC-3|refund-and-termination"),
            Some((
                CaseId::new(3),
                Measures::of([Measure::Refund, Measure::Termination])
            )),
            "a refund form opened by an older build"
        );
    }
}
