//! Flagging abuse where it happens: the message shortcut, the trigger reaction (known and
//! unknown customers), customer identification, and the bot's suggestions, shown only to
//! staff and never visible in the support channel.

mod common;

use std::time::Duration;

use common::*;
use escalation_bot::config::Settings;
use escalation_bot::domain::{CaseId, CaseState, Category, CustomerId, Severity, Source, Step};
use serde_json::json;
use slack_standin::web_api::TEAM_ID;
use slack_standin::{Author, Fault, Message};

fn watching(settings: &mut Settings) {
    watch_support_channels(settings, 3);
}

/// The agent submits the escalation form for customer acme, verbal abuse; the form
/// moves on to its confirmation.
async fn submit_for_acme(bot: &TestBot, form: &serde_json::Value) {
    let answer = bot
        .sender
        .submit(
            AGENT,
            form,
            &[("customer", "acme"), ("category", "verbal-abuse")],
        )
        .await;
    assert_eq!(
        answer.json()["response_action"],
        "update",
        "{}",
        answer.body
    );
}

async fn bot() -> TestBot {
    TestBot::start_with(Options {
        tweak: watching,
        ..Options::default()
    })
    .await
}

fn customer(user: &str, team: &str) -> Author {
    Author::person(user, team)
}

fn staff(user: &str) -> Author {
    Author::person(user, TEAM_ID)
}

/// Nothing the bot did can be seen by the customer in the support channel: no message,
/// no reply, no reaction; only ephemeral messages to staff.
fn assert_nothing_visible_in_support(bot: &TestBot) {
    let visible: Vec<Message> = bot
        .slack
        .messages()
        .into_iter()
        .filter(|m| m.channel == SUPPORT && m.author.is_none() && m.only_for.is_none())
        .collect();
    assert!(
        visible.is_empty(),
        "the bot posted in the support channel: {visible:?}"
    );
    for call in bot.slack.calls() {
        let touches_support = call.params["channel"] == SUPPORT;
        assert!(
            !(touches_support
                && matches!(
                    call.method.as_str(),
                    "chat.postMessage" | "reactions.add" | "chat.update"
                )),
            "{} in the support channel",
            call.method
        );
    }
}

async fn wait_for_case(bot: &TestBot, n: u64) -> escalation_bot::domain::Case {
    for _ in 0..500 {
        if let Ok(Some(case)) = bot.store.case(CaseId::new(n)) {
            return case;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    panic!("case {n} was not opened");
}

async fn wait_for_ephemeral(bot: &TestBot, user: &str, count: usize) -> Message {
    bot.ephemeral_after(user, count).await
}

#[tokio::test]
async fn the_shortcut_opens_the_form_on_the_message_and_the_case_keeps_it_as_evidence() {
    let bot = bot().await;
    let insult = bot.slack.post_as(
        customer("U0CUST1", ACME_TEAM),
        SUPPORT,
        "You idiot, refund everything now",
        None,
    );
    let answer = bot.sender.shortcut(AGENT, &insult).await;
    assert_eq!(answer.status, 200);
    bot.slack
        .wait_for(Duration::from_secs(5), |s| s.views().len() == 1)
        .await
        .expect("the form opens");
    let form = bot.slack.views().pop().unwrap();
    let form_text = form.to_string();
    assert!(
        form_text.contains("You idiot, refund everything now"),
        "the message is quoted"
    );
    let customer_field = form["blocks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|b| b["block_id"] == "customer")
        .unwrap();
    assert_eq!(
        customer_field["element"]["initial_value"], "acme",
        "Slack Connect team -> customer"
    );
    assert_eq!(bot.slack.calls_to("chat.getPermalink").len(), 1);

    submit_for_acme(&bot, &form).await;
    let case = bot.case(CaseId::new(1));
    assert_eq!(case.source, Source::Shortcut);
    assert_eq!(case.customer.as_ref().map(|c| c.as_str()), Some("acme"));
    let evidence = case.evidence.clone().expect("evidence is kept");
    assert_eq!(evidence.quote, "You idiot, refund everything now");
    assert_eq!(evidence.channel.as_str(), SUPPORT);
    assert_eq!(evidence.ts, insult.ts);
    assert!(evidence.permalink.unwrap().contains(SUPPORT));
    assert_eq!(evidence.author.unwrap().as_str(), "U0CUST1");
    bot.settle().await;
    let card = text_of(&bot.card(case.id));
    assert!(
        card.contains("You idiot, refund everything now") && card.contains("Open the message"),
        "{card}"
    );
    assert_nothing_visible_in_support(&bot);
}

#[tokio::test]
async fn a_reaction_opens_a_case_from_the_message_once() {
    let bot = bot().await;
    let insult = bot.slack.post_as(
        customer("U0CUST1", ACME_TEAM),
        SUPPORT,
        "お前は本当に無能だな。責任者を出せ",
        None,
    );
    assert_eq!(
        bot.sender
            .react(AGENT, &insult, "rotating_light")
            .await
            .status,
        200
    );
    let case = wait_for_case(&bot, 1).await;
    assert_eq!(case.source, Source::Reaction);
    assert_eq!(case.reporter.as_str(), AGENT);
    assert_eq!(case.customer.as_ref().map(|c| c.as_str()), Some("acme"));
    assert_eq!(
        case.category,
        Category::VerbalAbuse,
        "the category the message looks like"
    );
    assert_eq!(case.evidence.as_ref().unwrap().quote, insult.text);
    bot.settle().await;
    let told = wait_for_ephemeral(&bot, AGENT, 0).await;
    assert_eq!(
        told.channel, SUPPORT,
        "the reporter is told where they reacted"
    );
    assert!(
        told.text.contains("ESC-1") && told.text.contains("management has it"),
        "{}",
        told.text
    );
    assert_eq!(bot.dms_to(EXEC1).len(), 1, "the executive is paged");

    // A second person reacting, and the same event delivered twice: still one case.
    assert_eq!(
        bot.sender
            .react(AGENT2, &insult, "rotating_light")
            .await
            .status,
        200
    );
    let second = wait_for_ephemeral(&bot, AGENT2, 0).await;
    assert!(
        second.text.contains("already escalated as *ESC-1*"),
        "{}",
        second.text
    );
    let event = json!({
        "token": "t", "team_id": TEAM_ID, "api_app_id": "A0ESCALATE", "type": "event_callback",
        "event_id": "Ev0SAMEONE", "event_time": 1,
        "event": {"type": "reaction_added", "user": AGENT, "reaction": "rotating_light",
                  "item": {"type": "message", "channel": SUPPORT, "ts": insult.ts}}
    });
    for _ in 0..2 {
        let body = event.to_string().into_bytes();
        assert_eq!(
            bot.sender
                .post_signed("/slack/events", "application/json", body)
                .await
                .status,
            200
        );
    }
    bot.settle().await;
    tokio::time::sleep(Duration::from_millis(100)).await;
    assert_eq!(bot.store.tallies().unwrap().cases_total, 1);
    assert_eq!(bot.store.work_len(), 0);
    assert_nothing_visible_in_support(&bot);
}

#[tokio::test]
async fn other_reactions_and_other_channels_do_nothing() {
    let bot = bot().await;
    bot.slack.add_channel("C0ELSEWHERE", "random");
    let here = bot
        .slack
        .post_as(customer("U0CUST1", ACME_TEAM), SUPPORT, "you idiot", None);
    let elsewhere = bot.slack.post_as(
        customer("U0CUST1", ACME_TEAM),
        "C0ELSEWHERE",
        "you idiot",
        None,
    );
    bot.sender.react(AGENT, &here, "thumbsup").await;
    bot.sender.react(AGENT, &elsewhere, "rotating_light").await;
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert_eq!(bot.store.tallies().unwrap().cases_total, 0);
    assert_eq!(bot.store.work_len(), 0);
}

#[tokio::test]
async fn a_reaction_on_an_unknown_customer_opens_the_case_and_asks_the_reporter() {
    let bot = bot().await;
    let insult = bot.slack.post_as(
        customer("U0STRANGER", "T0UNKNOWN"),
        SUPPORT,
        "Shut up and listen",
        None,
    );
    bot.sender.react(AGENT, &insult, "rotating_light").await;
    let case = wait_for_case(&bot, 1).await;
    assert_eq!(case.customer, None, "the case is open meanwhile");
    bot.settle().await;
    assert_eq!(bot.dms_to(EXEC1).len(), 1, "management is paged anyway");
    let card = text_of(&bot.card(case.id));
    assert!(
        card.contains("Not identified yet") && card.contains("identify_customer"),
        "{card}"
    );
    let ask = wait_for_ephemeral(&bot, AGENT, 0).await;
    assert!(ask.text.contains("Which customer"), "{}", ask.text);

    // Decisions that apply to a customer wait for one.
    bot.click(EXEC1, &bot.page(EXEC1), "take_case").await;
    bot.settle().await;
    bot.click(EXEC1, &bot.card(case.id), "decide:warning").await;
    let refusal = wait_for_ephemeral(&bot, EXEC1, 0).await;
    assert!(
        refusal.text.contains("Name the customer of ESC-1 first"),
        "{}",
        refusal.text
    );

    bot.click(AGENT, &ask, "identify_customer").await;
    bot.slack
        .wait_for(Duration::from_secs(5), |s| s.views().len() == 1)
        .await
        .expect("the customer form opens");
    let form = bot.slack.views().pop().unwrap();
    let answer = bot
        .sender
        .submit(AGENT, &form, &[("customer", "globex")])
        .await;
    assert_eq!(answer.json()["response_action"], "clear", "{}", answer.body);
    bot.settle().await;
    let case = bot.case(case.id);
    assert_eq!(case.customer.as_ref().map(|c| c.as_str()), Some("globex"));
    assert!(
        matches!(case.state, CaseState::Taken { .. }),
        "naming changes nothing else"
    );
    let record = bot
        .store
        .customer(&CustomerId::parse("globex").unwrap())
        .unwrap()
        .unwrap();
    assert_eq!(record.cases.len(), 1);
    assert!(text_of(&bot.card(case.id)).contains("`globex`"));
    assert!(
        bot.thread(case.id)
            .iter()
            .any(|m| m.text.contains("named the customer"))
    );
    bot.click(EXEC1, &bot.card(case.id), "decide:warning").await;
    bot.settle().await;
    assert!(bot.case(case.id).is_closed());
    assert_eq!(
        bot.store
            .customer(&CustomerId::parse("globex").unwrap())
            .unwrap()
            .unwrap()
            .warnings,
        1
    );
}

#[tokio::test]
async fn a_helpdesk_message_names_its_customer() {
    let bot = bot().await;
    let helpdesk = Author {
        user: "U0ZENDESK".into(),
        team: TEAM_ID.into(),
        bot_id: Some("B0ZENDESK".into()),
    };
    let chat = bot.slack.post_as(
        helpdesk,
        SUPPORT,
        "New chat — Customer ID: initech\n> I'll make sure you get fired for this",
        None,
    );
    bot.sender.react(AGENT, &chat, "rotating_light").await;
    let case = wait_for_case(&bot, 1).await;
    assert_eq!(case.customer.as_ref().map(|c| c.as_str()), Some("initech"));
}

#[tokio::test]
async fn a_suggestion_goes_only_to_the_staff_in_the_thread() {
    let bot = bot().await;
    let opening = bot
        .slack
        .post_as(staff(AGENT), SUPPORT, "Hello, how can I help today?", None);
    let threat = bot.slack.post_as(
        customer("U0CUST1", ACME_TEAM),
        SUPPORT,
        "Fix it or else. I know where you live.",
        Some(&opening.ts),
    );
    assert_eq!(bot.sender.message_event(&threat).await.status, 200);
    let suggestion = wait_for_ephemeral(&bot, AGENT, 0).await;
    assert_eq!(
        suggestion.thread_ts.as_deref(),
        Some(opening.ts.as_str()),
        "in the thread"
    );
    assert!(
        suggestion.text.contains("may be harassment"),
        "{}",
        suggestion.text
    );
    assert!(text_of(&suggestion).contains("escalate_suggested"));
    tokio::time::sleep(Duration::from_millis(100)).await;
    assert!(
        bot.ephemerals_for(LEAD).is_empty(),
        "leads only when no staff took part"
    );
    assert!(
        bot.ephemerals_for("U0CUST1").is_empty(),
        "never the customer"
    );
    assert_nothing_visible_in_support(&bot);
    assert_eq!(
        bot.store.tallies().unwrap().cases_total,
        0,
        "a suggestion opens nothing"
    );

    // Escalating from the suggestion opens the form on that message.
    bot.click(AGENT, &suggestion, "escalate_suggested").await;
    bot.slack
        .wait_for(Duration::from_secs(5), |s| s.views().len() == 1)
        .await
        .expect("the form opens");
    let form = bot.slack.views().pop().unwrap();
    assert!(form.to_string().contains("I know where you live"));
    let category = form["blocks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|b| b["block_id"] == "category")
        .unwrap();
    assert_eq!(category["element"]["initial_option"]["value"], "threat");
}

#[tokio::test]
async fn with_no_staff_in_the_conversation_the_support_leads_are_told() {
    let bot = bot().await;
    let insult = bot.slack.post_as(
        customer("U0CUST1", ACME_TEAM),
        SUPPORT,
        "バカじゃないの",
        None,
    );
    bot.sender.message_event(&insult).await;
    let suggestion = wait_for_ephemeral(&bot, LEAD, 0).await;
    assert_eq!(suggestion.channel, SUPPORT);
    assert_eq!(suggestion.thread_ts, None);
    assert_nothing_visible_in_support(&bot);
}

#[tokio::test]
async fn a_lead_who_is_not_in_the_channel_gets_the_suggestion_by_direct_message() {
    let bot = bot().await;
    bot.slack.fail_next(
        "chat.postEphemeral",
        Fault::Error("user_not_in_channel".into()),
    );
    let insult = bot.slack.post_as(
        customer("U0CUST1", ACME_TEAM),
        SUPPORT,
        "You moron, fix it",
        None,
    );
    bot.sender.message_event(&insult).await;
    bot.slack
        .wait_for(Duration::from_secs(5), |s| {
            s.dm_of(LEAD).is_some_and(|dm| {
                s.messages()
                    .iter()
                    .any(|m| m.channel == dm && m.only_for.is_none())
            })
        })
        .await
        .expect("the lead is told by direct message");
    let dm = bot.dms_to(LEAD).pop().unwrap();
    assert!(
        dm.text.contains(&format!("<#{SUPPORT}>")) && dm.text.contains("may be harassment"),
        "says which channel and why: {}",
        dm.text
    );
    let link = format!("https://standin.slack.com/archives/{SUPPORT}/p");
    assert!(dm.text.contains(&link), "links the message: {}", dm.text);
    assert!(text_of(&dm).contains("escalate_suggested"));
    assert!(bot.ephemerals_for(LEAD).is_empty());
    assert_nothing_visible_in_support(&bot);

    // The button in the DM opens the form on the message in the support channel.
    bot.click(LEAD, &dm, "escalate_suggested").await;
    bot.slack
        .wait_for(Duration::from_secs(5), |s| s.views().len() == 1)
        .await
        .expect("the form opens");
    assert!(
        bot.slack
            .views()
            .pop()
            .unwrap()
            .to_string()
            .contains("You moron, fix it")
    );
}

#[tokio::test]
async fn a_slow_permalink_does_not_keep_the_shortcut_form_from_opening() {
    let bot = bot().await;
    bot.slack
        .fail_next("chat.getPermalink", Fault::Slow(Duration::from_secs(5)));
    let insult = bot.slack.post_as(
        customer("U0CUST1", ACME_TEAM),
        SUPPORT,
        "You idiot, refund everything now",
        None,
    );
    assert_eq!(bot.sender.shortcut(AGENT, &insult).await.status, 200);
    bot.slack
        .wait_for(Duration::from_secs(4), |s| s.views().len() == 1)
        .await
        .expect("the form opens without waiting for the permalink");
    let form = bot.slack.views().pop().unwrap();
    submit_for_acme(&bot, &form).await;
    let evidence = bot.case(CaseId::new(1)).evidence.expect("evidence is kept");
    assert_eq!(evidence.permalink, None);
    assert_eq!(evidence.channel.as_str(), SUPPORT);
    assert_eq!(evidence.ts, insult.ts);
}

#[tokio::test]
async fn polite_quoted_staff_and_bot_messages_suggest_nothing() {
    let bot = bot().await;
    let messages = [
        bot.slack.post_as(
            customer("U0CUST1", ACME_TEAM),
            SUPPORT,
            "I'm disappointed: the export failed three times. Please fix it today.",
            None,
        ),
        bot.slack.post_as(
            customer("U0CUST1", ACME_TEAM),
            SUPPORT,
            "Your agent wrote \"you idiot\" to my colleague. I expect an apology.",
            None,
        ),
        bot.slack.post_as(
            customer("U0CUST1", ACME_TEAM),
            SUPPORT,
            "ご対応いただけず残念です。至急ご確認ください。",
            None,
        ),
        bot.slack.post_as(
            staff(AGENT),
            SUPPORT,
            "The customer said \"you idiot\" again",
            None,
        ),
        bot.slack
            .post_as(staff(AGENT2), SUPPORT, "shut up, printer", None),
        bot.slack.post_as(
            Author {
                user: "U0OTHERBOT".into(),
                team: TEAM_ID.into(),
                bot_id: Some("B0OTHER".into()),
            },
            SUPPORT,
            "Deploy failed: you idiot tests",
            None,
        ),
    ];
    for message in &messages {
        assert_eq!(bot.sender.message_event(message).await.status, 200);
    }
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert!(
        bot.slack.calls_to("chat.postEphemeral").is_empty(),
        "{:?}",
        bot.slack.calls_to("chat.postEphemeral")
    );
    assert_eq!(bot.store.work_len(), 0);
}

#[tokio::test]
async fn repeated_contact_is_suggested_as_persistent_once() {
    let bot = bot().await;
    for n in 0..5 {
        let message = bot.slack.post_as(
            customer("U0CUST1", ACME_TEAM),
            SUPPORT,
            &format!("Any update? ({n})"),
            None,
        );
        bot.sender.message_event(&message).await;
    }
    let suggestion = wait_for_ephemeral(&bot, LEAD, 0).await;
    assert!(
        suggestion.text.contains("contacted us 4 times in 30 min"),
        "{}",
        suggestion.text
    );
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert_eq!(
        bot.ephemerals_for(LEAD).len(),
        1,
        "one suggestion per burst"
    );
    let flagged = text_of(&suggestion);
    assert!(flagged.contains("persistent"), "{flagged}");
}

/// A customer message the bot files as a threat (a legal threat in keigo), reacted to.
async fn reacted_threat(bot: &TestBot) -> escalation_bot::domain::Case {
    let threat = bot.slack.post_as(
        customer("U0CUST1", ACME_TEAM),
        SUPPORT,
        "この対応は納得できません。訴えさせていただきます。",
        None,
    );
    bot.sender.react(AGENT, &threat, "rotating_light").await;
    let case = wait_for_case(bot, 1).await;
    bot.settle().await;
    case
}

#[tokio::test]
async fn a_reaction_case_is_paged_as_its_guess_and_never_critical_until_the_reporter_says_so() {
    let bot = bot().await;
    let case = reacted_threat(&bot).await;
    assert_eq!(case.category, Category::Threat, "the lexicon's guess");
    assert!(case.unconfirmed);
    assert_eq!(
        case.severity,
        Severity::High,
        "not critical from the words alone"
    );
    assert_eq!(
        case.recommendation,
        Step::Caution,
        "no termination on a guess"
    );
    assert_eq!(
        bot.dms_to(EXEC1).len(),
        1,
        "paged as a high case: the first executive"
    );
    assert!(bot.dms_to(EXEC2).is_empty(), "not the whole chain at once");
    assert!(text_of(&bot.card(case.id)).contains("the bot's guess"));

    let ask = wait_for_ephemeral(&bot, AGENT, 0).await;
    assert_eq!(ask.channel, SUPPORT);
    let shown = text_of(&ask);
    for button in [
        "confirm_classification",
        "change_classification",
        "emergency",
    ] {
        assert!(shown.contains(button), "{button}: {shown}");
    }
    assert!(
        ask.text.contains("Threat") || ask.text.contains("threat"),
        "{}",
        ask.text
    );

    // "That's right": the category is confirmed; a confirmed threat pages the chain.
    bot.click(AGENT, &ask, "confirm_classification").await;
    let thanks = wait_for_ephemeral(&bot, AGENT, 1).await;
    assert!(thanks.text.contains("ESC-1"), "{}", thanks.text);
    bot.settle().await;
    let confirmed = bot.case(case.id);
    assert!(!confirmed.unconfirmed);
    assert_eq!(
        confirmed.severity,
        Severity::High,
        "still what the reporter was shown"
    );
    assert_eq!(bot.dms_to(EXEC2).len(), 1, "the rest of the chain is paged");
    assert_eq!(bot.dms_to(EXEC1).len(), 1, "nobody is paged twice");
    assert!(!text_of(&bot.card(case.id)).contains("the bot's guess"));
    assert!(
        bot.thread(case.id)
            .iter()
            .any(|m| m.text.contains("confirmed the category")),
        "the thread says who confirmed it"
    );

    // "It's an emergency": critical, and the ladder follows.
    bot.click(AGENT, &ask, "emergency").await;
    let told = wait_for_ephemeral(&bot, AGENT, 2).await;
    assert!(told.text.contains("police"), "{}", told.text);
    bot.settle().await;
    let critical = bot.case(case.id);
    assert_eq!(critical.severity, Severity::Critical);
    assert_eq!(critical.recommendation, Step::Termination);
    assert_eq!(
        bot.dms_to(EXEC1).len() + bot.dms_to(EXEC2).len(),
        2,
        "already all paged"
    );

    // A second click changes nothing and says so; someone else may not.
    bot.click(AGENT, &ask, "emergency").await;
    let again = wait_for_ephemeral(&bot, AGENT, 3).await;
    assert!(again.text.contains("already filed"), "{}", again.text);
    bot.click(AGENT2, &ask, "emergency").await;
    let refused = wait_for_ephemeral(&bot, AGENT2, 0).await;
    assert!(
        refused.text.contains("Only the reporter"),
        "{}",
        refused.text
    );
    let events: Vec<&str> = bot
        .audit()
        .iter()
        .map(|e| e.event.name())
        .filter(|n| *n == "classified")
        .collect();
    assert_eq!(events.len(), 2);
    assert_nothing_visible_in_support(&bot);
}

#[tokio::test]
async fn an_emergency_pages_the_whole_chain_at_once() {
    let bot = bot().await;
    let insult = bot.slack.post_as(
        customer("U0CUST1", ACME_TEAM),
        SUPPORT,
        "You people are useless",
        None,
    );
    bot.sender.react(AGENT, &insult, "rotating_light").await;
    let case = wait_for_case(&bot, 1).await;
    bot.settle().await;
    assert_eq!(case.category, Category::VerbalAbuse);
    assert!(bot.dms_to(EXEC2).is_empty());
    let ask = wait_for_ephemeral(&bot, AGENT, 0).await;
    bot.click(AGENT, &ask, "emergency").await;
    bot.settle().await;
    let case = bot.case(case.id);
    assert_eq!(case.severity, Severity::Critical);
    assert_eq!(case.category, Category::VerbalAbuse, "the category stays");
    assert_eq!(bot.dms_to(EXEC1).len(), 1);
    assert_eq!(bot.dms_to(EXEC2).len(), 1, "everyone, at once");
}

#[tokio::test]
async fn the_reporter_changes_the_guess_in_a_form_with_it_preselected() {
    let bot = bot().await;
    let insult = bot.slack.post_as(
        customer("U0CUST1", ACME_TEAM),
        SUPPORT,
        "You're useless, honestly",
        None,
    );
    bot.sender.react(AGENT, &insult, "rotating_light").await;
    let case = wait_for_case(&bot, 1).await;
    bot.settle().await;
    let ask = wait_for_ephemeral(&bot, AGENT, 0).await;
    bot.click(AGENT, &ask, "change_classification").await;
    bot.slack
        .wait_for(Duration::from_secs(5), |s| s.views().len() == 1)
        .await
        .expect("the form opens");
    let form = bot.slack.views().pop().unwrap();
    let preselected = |block: &str| {
        form["blocks"]
            .as_array()
            .unwrap()
            .iter()
            .find(|b| b["block_id"] == block)
            .map(|b| b["element"]["initial_option"]["value"].clone())
    };
    assert_eq!(preselected("category"), Some(json!("verbal-abuse")));
    assert_eq!(preselected("severity"), Some(json!("high")));
    let answer = bot
        .sender
        .submit(AGENT, &form, &[("category", "sexual")])
        .await;
    assert_eq!(
        answer.json()["response_action"],
        "update",
        "{}",
        answer.body
    );
    bot.settle().await;
    let case = bot.case(case.id);
    assert_eq!(case.category, Category::Sexual);
    assert_eq!(case.severity, Severity::High, "the severity as preselected");
    assert!(!case.unconfirmed);
    let card = text_of(&bot.card(case.id));
    assert!(card.contains("Private category"), "{card}");
    let page = text_of(&bot.page(EXEC1));
    assert!(
        !page.contains("acme"),
        "the page stops naming the customer: {page}"
    );
    assert!(
        bot.thread(case.id)
            .iter()
            .any(|m| m.text.contains("changed the category"))
    );
}

#[tokio::test]
async fn repeated_contact_counts_every_channel_escalations_and_survives_a_restart() {
    let mut bot = TestBot::start_with(Options {
        tweak: |settings| {
            watch_support_channels(settings, 3);
            settings
                .slack
                .support_channels
                .push(escalation_bot::domain::ChannelId::parse("C0SUPPORT2").unwrap());
        },
        ..Options::default()
    })
    .await;
    bot.slack.add_channel("C0SUPPORT2", "support-2");
    bot.slack.join("C0SUPPORT2", LEAD);
    for (n, channel) in [SUPPORT, "C0SUPPORT2"].into_iter().enumerate() {
        let message = bot.slack.post_as(
            customer("U0CUST1", ACME_TEAM),
            channel,
            &format!("Any update? ({n})"),
            None,
        );
        bot.sender.message_event(&message).await;
    }
    // An agent escalating the same customer is a contact too.
    bot.open_case("acme unreasonable-demand wants a weekend visit")
        .await;
    bot.settle().await;
    assert!(
        bot.ephemerals_for(LEAD).is_empty(),
        "three is not more than three"
    );

    bot.restart().await;
    let fourth = bot
        .slack
        .post_as(customer("U0CUST1", ACME_TEAM), "C0SUPPORT2", "Hello?", None);
    bot.sender.message_event(&fourth).await;
    let suggestion = wait_for_ephemeral(&bot, LEAD, 0).await;
    assert!(
        suggestion.text.contains("contacted us 4 times"),
        "the count outlived the restart: {}",
        suggestion.text
    );
    assert_eq!(suggestion.channel, "C0SUPPORT2");
}

/// A helpdesk integration relaying the customer's chat, and a case an agent opens with
/// the shortcut on a message the bot never saw as an event, are contacts with the customer
/// like the customer's own messages: the fourth contact of the three suggests persistence.
#[tokio::test]
async fn repeated_contact_counts_helpdesk_messages_and_shortcut_cases() {
    let bot = bot().await;
    let helpdesk = Author {
        user: "U0ZENDESK".into(),
        team: TEAM_ID.into(),
        bot_id: Some("B0ZENDESK".into()),
    };
    let relayed = bot.slack.post_as(
        helpdesk,
        SUPPORT,
        "New chat — Customer ID: acme\n> Is there any news on my order?",
        None,
    );
    bot.sender.message_event(&relayed).await;

    // Posted while the bot was not receiving events: only the shortcut makes it known.
    let unseen = bot.slack.post_as(
        customer("U0CUST1", ACME_TEAM),
        SUPPORT,
        "You idiot, refund everything now",
        None,
    );
    assert_eq!(bot.sender.shortcut(AGENT, &unseen).await.status, 200);
    bot.slack
        .wait_for(Duration::from_secs(5), |s| s.views().len() == 1)
        .await
        .expect("the form opens");
    let form = bot.slack.views().pop().expect("the form");
    submit_for_acme(&bot, &form).await;
    assert_eq!(bot.case(CaseId::new(1)).source, Source::Shortcut);

    let third = bot.slack.post_as(
        customer("U0CUST1", ACME_TEAM),
        SUPPORT,
        "Hello, anyone there?",
        None,
    );
    bot.sender.message_event(&third).await;
    bot.settle().await;
    assert!(
        bot.ephemerals_for(LEAD).is_empty(),
        "three is not more than three"
    );

    let fourth = bot
        .slack
        .post_as(customer("U0CUST1", ACME_TEAM), SUPPORT, "Hello?", None);
    bot.sender.message_event(&fourth).await;
    let suggestion = wait_for_ephemeral(&bot, LEAD, 0).await;
    assert!(
        suggestion.text.contains("contacted us 4 times"),
        "the helpdesk message and the shortcut's case both counted: {}",
        suggestion.text
    );
}

/// The card's blocks as JSON values.
fn blocks_of(message: &Message) -> Vec<serde_json::Value> {
    let blocks: serde_json::Value =
        serde_json::from_str(&message.blocks.to_string()).expect("the blocks are JSON");
    blocks.as_array().cloned().unwrap_or_default()
}

/// A case opened without its message, as the card and the people involved see it.
async fn assert_opened_without_the_message(bot: &TestBot, ts: &str) {
    let case = wait_for_case(bot, 1).await;
    assert_eq!(case.source, Source::Reaction);
    assert_eq!(case.reporter.as_str(), AGENT);
    assert_eq!(case.category, Category::Other);
    let evidence = case.evidence.clone().expect("where the message is");
    assert!(evidence.unreadable);
    assert_eq!(
        (evidence.channel.as_str(), evidence.ts.as_str()),
        (SUPPORT, ts)
    );
    assert_eq!(evidence.quote, "");
    bot.settle().await;
    assert_eq!(bot.dms_to(EXEC1).len(), 1, "management is paged");
    let card = text_of(&bot.card(case.id));
    assert!(card.contains("could not read this message"), "{card}");
    let told = wait_for_ephemeral(bot, AGENT, 0).await;
    assert!(told.text.contains("ESC-1"), "{}", told.text);
    assert_nothing_visible_in_support(bot);
}

/// The bot may not read a message someone reacted to (removed from the channel, a
/// history scope missing): the reaction still becomes a case, from where the message is
/// and who reacted, with the link Slack gives for it.
#[tokio::test]
async fn a_reaction_on_a_message_the_bot_cannot_read_still_opens_its_case() {
    for reason in ["not_in_channel", "missing_scope"] {
        let bot = bot().await;
        let insult = bot
            .slack
            .post_as(customer("U0CUST1", ACME_TEAM), SUPPORT, "you idiot", None);
        bot.slack
            .fail_next("conversations.replies", Fault::Error(reason.into()));
        let answer = bot.sender.react(AGENT, &insult, "rotating_light").await;
        assert_eq!(answer.status, 200);
        assert_opened_without_the_message(&bot, &insult.ts).await;
        let case = bot.case(CaseId::new(1));
        let link = case.evidence.unwrap().permalink;
        assert!(link.is_some_and(|l| l.contains(SUPPORT)), "{reason}");
        assert!(
            text_of(&bot.card(CaseId::new(1))).contains("Open the message"),
            "{reason}"
        );
    }
}

/// Slack failing for longer than the retries last: the case opens all the same. (The
/// bot's clock is moved past each retry's moment.)
#[tokio::test]
async fn a_reaction_whose_retries_run_out_still_opens_its_case() {
    let (bot, clock) = TestBot::start_on_manual_clock(Options {
        tweak: |s| {
            watching(s);
            s.delivery.max_attempts = 3;
        },
        ..Options::default()
    })
    .await;
    let insult = bot
        .slack
        .post_as(customer("U0CUST1", ACME_TEAM), SUPPORT, "you idiot", None);
    for _ in 0..3 {
        bot.slack
            .fail_next("conversations.replies", Fault::Status(503));
    }
    bot.sender.react(AGENT, &insult, "rotating_light").await;
    let attempts = || bot.slack.calls_to("conversations.replies").len();
    for attempt in 1..=3 {
        // Time moves on in steps until the bot tries again.
        for _ in 0..500 {
            if attempts() >= attempt {
                break;
            }
            clock.advance(jiff::SignedDuration::from_secs(10));
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        assert_eq!(attempts(), attempt);
        if attempt < 3 {
            assert!(
                bot.store.case(CaseId::new(1)).unwrap().is_none(),
                "not before the retries are spent"
            );
        }
    }
    assert_opened_without_the_message(&bot, &insult.ts).await;
    assert_eq!(
        bot.slack.calls_to("conversations.replies").len(),
        3,
        "every attempt was made first"
    );
}

/// A customer deleting the message before the bot reads it does not take the report back.
#[tokio::test]
async fn a_reaction_on_a_message_deleted_before_the_bot_read_it_still_opens_its_case() {
    let bot = bot().await;
    let ts = "1700000000.000100";
    let gone = json!({
        "type": "reaction_added", "user": AGENT, "reaction": "rotating_light",
        "item": {"type": "message", "channel": SUPPORT, "ts": ts},
    });
    assert_eq!(bot.sender.event(gone).await.status, 200);
    assert_opened_without_the_message(&bot, ts).await;
}

/// However long the message, and however much of it escaping grows (`<` becomes `&lt;`),
/// the card keeps the link to it: the quote is cut to fit its block after escaping, and
/// the link has a block of its own.
#[tokio::test]
async fn a_long_quoted_message_keeps_its_permalink_on_the_card() {
    let bot = bot().await;
    let long = format!("you idiot {}", "<&>".repeat(660));
    let insult = bot
        .slack
        .post_as(customer("U0CUST1", ACME_TEAM), SUPPORT, &long, None);
    bot.sender.react(AGENT, &insult, "rotating_light").await;
    let case = wait_for_case(&bot, 1).await;
    bot.settle().await;
    let card = bot.card(case.id);
    let blocks = blocks_of(&card);
    for block in &blocks {
        if let Some(text) = block["text"]["text"].as_str() {
            assert!(text.chars().count() <= 3000, "{}", text.chars().count());
            assert!(
                !text.ends_with("&l…") && !text.ends_with("&…"),
                "an entity cut in half"
            );
        }
    }
    let quote = blocks
        .iter()
        .filter_map(|b| b["text"]["text"].as_str())
        .find(|t| t.contains("&gt; you idiot") || t.contains("> you idiot"))
        .expect("the quote");
    assert!(quote.ends_with('…'), "cut, and says so");
    let link = case.evidence.unwrap().permalink.unwrap();
    let link_block = blocks
        .iter()
        .find(|b| b.to_string().contains(&link))
        .expect("the permalink is on the card");
    assert_eq!(link_block["type"], "context", "in a block of its own");
}

/// If the bot cannot find out whether whoever reacted is staff (users.info refused, here
/// for a missing scope), it never opens a case on their word and never shows them
/// anything about one; they are told, in a sentence that names no case, that it did not
/// work.
#[tokio::test]
async fn a_reaction_by_someone_the_bot_cannot_look_up_opens_nothing_and_says_so() {
    let bot = bot().await;
    let insult = bot
        .slack
        .post_as(customer("U0CUST1", ACME_TEAM), SUPPORT, "you idiot", None);
    bot.slack
        .fail_next("users.info", Fault::Error("missing_scope".into()));
    bot.sender.react(AGENT, &insult, "rotating_light").await;
    let told = wait_for_ephemeral(&bot, AGENT, 0).await;
    assert!(
        told.text.contains("could not be turned into a case") && !told.text.contains("ESC-"),
        "{}",
        told.text
    );
    bot.settle().await;
    assert_eq!(bot.store.tallies().unwrap().cases_total, 0);
    assert!(bot.dms_to(EXEC1).is_empty(), "nobody paged");
    assert_nothing_visible_in_support(&bot);
}
