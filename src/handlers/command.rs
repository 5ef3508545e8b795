//! Purpose: the `/escalate` slash command: reading its text and answering help, history
//! and stats (the compliance summary is `compliance.rs`). Opening a case (from the text or the form) is `escalate.rs`. Only staff get
//! any answer at all (anyone else gets an empty acknowledgement: Slack shows them
//! nothing); histories and tallies only people with a role. Any other command name is
//! answered with a sentence, never taken for `/escalate`.

use std::sync::Arc;

use crate::app::Context;
use crate::domain::{ChannelId, CustomerId, UserId};
use crate::handlers::{
    CommandForm, Reply, compliance, consult, ephemeral, ephemeral_message, escalate,
    internal_error, policy,
};
use crate::render;
use crate::staff::{Admission, Path, admit_now};

/// The one slash command the bot has (the app manifests declare it).
pub const COMMAND: &str = "/escalate";

/// What the text after `/escalate` asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Request<'a> {
    /// No text: open the form.
    Form,
    Help,
    Stats,
    /// Ask the consultation desk (相談); the text, if any, is what happened.
    Consult {
        text: &'a str,
    },
    /// `/escalate policy`: the policy, to confirm having read it.
    Policy,
    /// `/escalate policy remind`: remind those who have not read it (managers, the desk).
    PolicyRemind,
    /// `/escalate compliance [from [to]]`: the compliance summary (the last full quarter
    /// without days).
    Compliance {
        from: Option<&'a str>,
        to: Option<&'a str>,
    },
    History {
        customer: Option<&'a str>,
        /// Which page of a long history, counting from 1 (typed after the customer).
        page: Option<&'a str>,
    },
    Open {
        customer: &'a str,
        category: Option<&'a str>,
        summary: &'a str,
    },
}

/// Splits off the first whitespace-separated word (any Unicode space, so the full-width
/// space a Japanese keyboard types works too) and returns it with the rest, untrimmed.
fn first_word(text: &str) -> Option<(&str, &str)> {
    let text = text.trim_start();
    if text.is_empty() {
        return None;
    }
    let end = text.find(char::is_whitespace).unwrap_or(text.len());
    Some((&text[..end], &text[end..]))
}

/// Reads the command text. Never fails: anything that is not a keyword is a customer id,
/// and the handler explains what is missing.
pub fn parse(text: &str) -> Request<'_> {
    let Some((word, rest)) = first_word(text) else {
        return Request::Form;
    };
    match word.to_lowercase().as_str() {
        "help" | "ヘルプ" | "?" | "？" => Request::Help,
        "stats" | "集計" => Request::Stats,
        "consult" | "相談" => Request::Consult { text: rest.trim() },
        "policy" | "方針" => match first_word(rest) {
            Some((word, _)) if matches!(word.to_lowercase().as_str(), "remind" | "催促") => {
                Request::PolicyRemind
            }
            _ => Request::Policy,
        },
        "compliance" | "実施状況" => {
            let (from, to) = match first_word(rest) {
                Some((from, rest)) => (Some(from), first_word(rest).map(|(to, _)| to)),
                None => (None, None),
            };
            Request::Compliance { from, to }
        }
        "history" | "履歴" => {
            let (customer, page) = match first_word(rest) {
                Some((customer, rest)) => (Some(customer), first_word(rest).map(|(p, _)| p)),
                None => (None, None),
            };
            Request::History { customer, page }
        }
        _ => {
            let (category, summary) = match first_word(rest) {
                Some((category, summary)) => (Some(category), summary.trim()),
                None => (None, ""),
            };
            Request::Open {
                customer: word,
                category,
                summary,
            }
        }
    }
}

pub async fn handle(ctx: &Arc<Context>, form: CommandForm) -> Reply {
    let look = ctx.look();
    let t = look.t;
    // A command another app of the workspace owns, or one renamed in the manifest
    // without a deploy: opening a case from it would be a guess. Asked before who is
    // staff: the request is not for anything of ours, and the sentence names no case.
    if form.command.trim() != COMMAND {
        tracing::warn!(
            command = form.command,
            "a slash command this bot does not have"
        );
        return ephemeral(t.unknown_command(form.command.trim().into()));
    }
    let Some(user) = UserId::parse(&form.user_id) else {
        return Reply::BadRequest("user_id is not a Slack user id");
    };
    match admit_now(ctx, &user, Path::Command, None).await {
        Admission::Staff => {}
        // Not even the help: a customer learns nothing from the bot.
        Admission::Refused(_) => return Reply::Ack,
        Admission::Unsure(_) => return ephemeral(t.staff_unverified()),
    }
    let request = parse(&form.text);
    if matches!(request, Request::Stats | Request::History { .. })
        && !ctx
            .settings
            .rules
            .roles
            .may_read_records(&user, &ctx.settings.watch.support_leads)
    {
        return ephemeral(t.records_refused());
    }
    match request {
        Request::Form => escalate::open_form(ctx, &form),
        Request::Help => ephemeral(t.usage()),
        Request::Consult { text } => consult::command(ctx, &form, text).await,
        Request::Policy => policy::show(ctx, &user),
        Request::PolicyRemind => policy::remind(ctx, &user, form.response_url.clone()),
        Request::Compliance { from, to } => {
            compliance::summary(ctx, &user, from, to, form.response_url.clone())
        }
        Request::Stats => match ctx.store.tallies() {
            Ok(tallies) => {
                ephemeral(t.tallies(&tallies, ctx.settings.customer_count, look.currency))
            }
            Err(e) => ephemeral(internal_error(ctx, "reading the tallies", &e)),
        },
        Request::History { customer: None, .. } => ephemeral(t.missing_customer()),
        Request::History {
            customer: Some(customer),
            page,
        } => {
            let Some(id) = CustomerId::parse(customer) else {
                return ephemeral(t.invalid_customer(customer.into()));
            };
            // Private categories are named only in the escalation channel (domain.md).
            let in_escalations = ChannelId::parse(&form.channel_id).as_ref()
                == Some(&ctx.settings.slack.escalation_channel);
            let page = page.and_then(|p| p.parse::<usize>().ok()).unwrap_or(1);
            match ctx.store.customer(&id) {
                Ok(Some(record)) if !record.cases.is_empty() => {
                    ephemeral_message(render::history(&record, page, in_escalations, look))
                }
                Ok(_) => ephemeral(t.no_history((&id).into())),
                Err(e) => ephemeral(internal_error(ctx, "reading a customer's history", &e)),
            }
        }
        Request::Open {
            customer,
            category,
            summary,
        } => escalate::open_from_command(ctx, &form, customer, category, summary).await,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_text_opens_the_form() {
        assert_eq!(parse(""), Request::Form);
        assert_eq!(parse("   "), Request::Form);
    }

    #[test]
    fn keywords_in_both_languages() {
        assert_eq!(parse("help"), Request::Help);
        assert_eq!(parse("ヘルプ"), Request::Help);
        assert_eq!(parse("STATS"), Request::Stats);
        assert_eq!(parse("集計"), Request::Stats);
        assert_eq!(parse("consult"), Request::Consult { text: "" });
        assert_eq!(
            parse("相談\u{3000}カスハラか迷っています"),
            Request::Consult {
                text: "カスハラか迷っています"
            }
        );
        assert_eq!(parse("policy"), Request::Policy);
        assert_eq!(parse("方針"), Request::Policy);
        assert_eq!(parse("policy remind"), Request::PolicyRemind);
        assert_eq!(
            parse("compliance"),
            Request::Compliance {
                from: None,
                to: None
            }
        );
        assert_eq!(
            parse("実施状況　2026-07-01 2026-09-30"),
            Request::Compliance {
                from: Some("2026-07-01"),
                to: Some("2026-09-30")
            }
        );
        assert_eq!(parse("方針　催促"), Request::PolicyRemind);
        assert_eq!(
            parse("履歴 cust-9"),
            Request::History {
                customer: Some("cust-9"),
                page: None
            }
        );
        assert_eq!(
            parse("history cust-9 2"),
            Request::History {
                customer: Some("cust-9"),
                page: Some("2")
            }
        );
        assert_eq!(
            parse("history"),
            Request::History {
                customer: None,
                page: None
            }
        );
    }

    #[test]
    fn a_case_keeps_the_description_as_typed() {
        assert_eq!(
            parse("cust-42 verbal-abuse  Shouted   at me\nfor an hour "),
            Request::Open {
                customer: "cust-42",
                category: Some("verbal-abuse"),
                summary: "Shouted   at me\nfor an hour",
            }
        );
    }

    #[test]
    fn full_width_spaces_separate_words() {
        assert_eq!(
            parse("顧客A\u{3000}暴言\u{3000}電話で罵倒された"),
            Request::Open {
                customer: "顧客A",
                category: Some("暴言"),
                summary: "電話で罵倒された",
            }
        );
    }

    #[test]
    fn a_lone_word_is_a_customer_without_category() {
        assert_eq!(
            parse("cust-1"),
            Request::Open {
                customer: "cust-1",
                category: None,
                summary: ""
            }
        );
    }
}
