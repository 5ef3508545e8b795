//! The consultation path, black-box over HTTP against the Slack stand-in: `/escalate
//! consult`, the choice in the escalation form, the shortcut and a reaction's follow-up
//! open a consultation that reaches the desk only (its channel, each member, or the member
//! the reporter chose); the desk answers, closes it or turns it into a case; anyone else
//! is refused; the weekly report counts it and says nothing more.

mod common;

use std::time::Duration;

use common::*;
use escalation_bot::domain::{
    AnsweredBy, CaseId, ConsultEvent, ConsultSource, ConsultState, Source, Week,
};
use escalation_bot::i18n::Locale;
use slack_standin::{Author, web_api::TEAM_ID};

async fn bot_with_desk(channel: bool, locale: Locale) -> TestBot {
    let tweak: fn(&mut escalation_bot::config::Settings) = if channel {
        |s| desk(s, true)
    } else {
        |s| desk(s, false)
    };
    let bot = TestBot::start_with(Options {
        tweak,
        locale,
        ..Options::default()
    })
    .await;
    bot.add_desk();
    bot
}

/// Waits until the store has consultation `n`, then until its deliveries went out.
async fn consultation_opened(bot: &TestBot, n: u64) -> escalation_bot::domain::Consultation {
    for _ in 0..500 {
        if let Ok(Some(_)) = bot
            .store
            .consultation(escalation_bot::domain::ConsultationId::new(n))
        {
            bot.settle().await;
            return bot.consultation(n);
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    panic!("consultation {n} was not opened");
}

fn timeline(bot: &TestBot, n: u64) -> Vec<ConsultEvent> {
    bot.store
        .consultation_timeline(escalation_bot::domain::ConsultationId::new(n))
        .expect("the trail reads")
}

#[tokio::test]
async fn a_consultation_reaches_the_desk_alone_and_the_desk_answers_and_closes_it() {
    let bot = bot_with_desk(true, Locale::En).await;
    let answer = bot
        .escalate(
            AGENT,
            "consult He kept asking where I live. Is that harassment?",
        )
        .await;
    assert_eq!(answer.status, 200, "{}", answer.body);
    let told = answer.text();
    for expected in ["CON-1", "nobody else is told", "will not be treated badly"] {
        assert!(told.contains(expected), "{expected}: {told}");
    }
    let consultation = consultation_opened(&bot, 1).await;
    assert_eq!(consultation.reporter.as_str(), AGENT);
    assert_eq!(consultation.source, ConsultSource::Command);
    // No case, no page, nothing in the escalation channel.
    assert!(bot.store.case(CaseId::new(1)).unwrap().is_none());
    assert!(bot.dms_to(EXEC1).is_empty() && bot.dms_to(MGR1).is_empty());
    assert!(
        bot.slack
            .messages()
            .iter()
            .all(|m| m.channel != ESCALATIONS),
        "the escalation channel hears nothing"
    );
    let posts = bot.desk_posts();
    assert_eq!(posts.len(), 1);
    let post = text_of(&posts[0]);
    assert!(
        post.contains("Consultation CON-1") && post.contains("where I live"),
        "{post}"
    );
    for button in [
        "consult_answered",
        "consult_close",
        "consult_convert",
        "add_facts",
    ] {
        assert!(post.contains(button), "{button}: {post}");
    }

    // The desk's first reply in the thread is its first answer.
    let reply = bot.slack.post_as(
        Author {
            user: HR1.into(),
            team: TEAM_ID.into(),
            bot_id: None,
        },
        DESK,
        "Thanks for asking. Can we talk at 3pm?",
        Some(&posts[0].ts),
    );
    assert_eq!(bot.sender.message_event(&reply).await.status, 200);
    for _ in 0..500 {
        if bot.consultation(1).first_answer.is_some() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    let first = bot.consultation(1).first_answer.expect("answered");
    assert_eq!(first.by.as_str(), HR1);
    assert!(timeline(&bot, 1).iter().any(|e| matches!(
        e,
        ConsultEvent::Answered {
            how: AnsweredBy::ThreadReply,
            ..
        }
    )));
    bot.settle().await;

    // Only the desk closes it: an agent and a manager are told so, and it stays open.
    let card = bot.desk_posts().remove(0);
    for (who, seen) in [(AGENT2, 0), (MGR1, 0)] {
        bot.click(who, &card, "consult_close").await;
        let refused = bot.ephemeral_after(who, seen).await;
        assert!(
            refused.text.contains("Only the consultation desk"),
            "{}",
            refused.text
        );
    }
    // A customer (a guest in the channel) gets nothing at all.
    bot.slack.add_guest("U0GUEST1", "guest");
    bot.click("U0GUEST1", &card, "consult_close").await;
    bot.settle().await;
    assert!(bot.ephemerals_for("U0GUEST1").is_empty());
    assert!(bot.consultation(1).is_open());
    let refusals = timeline(&bot, 1)
        .iter()
        .filter(|e| matches!(e, ConsultEvent::Notified { .. }))
        .count();
    assert_eq!(refusals, 2, "the desk's trail says who tried");

    bot.click(HR2, &card, "consult_close").await;
    bot.settle().await;
    let stale = card;
    let closed = bot.consultation(1);
    let ConsultState::Closed { by } = &closed.state else {
        panic!("{:?}", closed.state);
    };
    assert_eq!(by.by.as_str(), HR2);
    let card = text_of(&bot.desk_posts()[0]);
    assert!(
        card.contains("advice given") && !card.contains("consult_close"),
        "{card}"
    );
    assert!(
        bot.desk_thread(&bot.desk_posts()[0])
            .iter()
            .any(|m| m.text.contains(&format!("<@{HR2}> closed it"))),
        "the thread says so"
    );
    let to_reporter = bot.dms_to(AGENT).pop().expect("the reporter is told");
    assert!(
        to_reporter.text.contains("closed *CON-1*: advice given"),
        "{}",
        to_reporter.text
    );
    // Twice (from a copy that still shows the button) is refused, and changes nothing.
    bot.click(HR1, &stale, "consult_close").await;
    let refused = bot.ephemeral_after(HR1, 0).await;
    assert!(refused.text.contains("already closed"), "{}", refused.text);
    assert_eq!(bot.consultation(1).state, closed.state);

    // The weekly report counts it, and says nothing of it.
    let now = bot.clock.now();
    let week = Week::of(now, bot.store.report_zone());
    let report = escalation_bot::report::WeeklyReport::build(&bot.store, week, "UTC", now, None)
        .expect("the report builds");
    let text = Locale::En.catalog().weekly_report(&report.summary, "JPY");
    assert!(
        text.contains(
            "*Consultations with the desk:* 1 opened, 1 closed with advice given, 0 turned into \
             cases"
        ),
        "{text}"
    );
    assert!(
        !text.contains("where I live") && !text.contains(AGENT),
        "{text}"
    );
    assert_eq!(bot.store.tallies().unwrap().cases_total, 0, "not a case");
}

#[tokio::test]
async fn the_reporter_chooses_whom_to_talk_to_and_only_they_get_the_details() {
    let bot = bot_with_desk(true, Locale::En).await;
    let answer = bot.escalate(AGENT, "consult").await;
    assert_eq!(answer.status, 200);
    let form = bot.form_after(0).await;
    assert_eq!(form["callback_id"], "consult_form");
    let form_text = form.to_string();
    assert!(
        form_text.contains(&format!("<@{HR1}>")) && form_text.contains(&format!("<@{HR2}>")),
        "the desk's members are the choices: {form_text}"
    );
    let submitted = bot
        .sender
        .submit(
            AGENT,
            &form,
            &[
                ("consult_with", HR2),
                ("summary", "Sexual remarks on the phone from a customer"),
                ("words", "What are you wearing?"),
            ],
        )
        .await;
    assert_eq!(submitted.status, 200, "{}", submitted.body);
    let confirmation = submitted.json();
    assert_eq!(confirmation["response_action"], "update");
    assert!(
        confirmation["view"]
            .to_string()
            .contains(&format!("<@{HR2}>")),
        "{confirmation}"
    );
    let consultation = consultation_opened(&bot, 1).await;
    assert_eq!(consultation.chosen.as_ref().map(|u| u.as_str()), Some(HR2));
    assert_eq!(
        consultation.facts.words.as_deref(),
        Some("What are you wearing?")
    );

    // The chosen member has it in full; the channel has one line; the other member nothing.
    let to_hr2 = bot.dms_to(HR2);
    assert_eq!(to_hr2.len(), 1);
    assert!(
        text_of(&to_hr2[0]).contains("Sexual remarks"),
        "{}",
        text_of(&to_hr2[0])
    );
    assert!(bot.dms_to(HR1).is_empty());
    let line = text_of(&bot.desk_posts()[0]);
    assert!(
        line.contains(&format!("is with <@{HR2}>")) && !line.contains("Sexual remarks"),
        "{line}"
    );
    assert!(
        !line.contains("consult_close"),
        "no buttons in the channel: {line}"
    );

    // Only the chosen member acts on it.
    bot.slack.join(&to_hr2[0].channel, HR1);
    bot.click(HR1, &to_hr2[0], "consult_answered").await;
    let refused = bot.ephemeral_after(HR1, 0).await;
    assert!(
        refused.text.contains(&format!("chose to talk to <@{HR2}>")),
        "{}",
        refused.text
    );
    bot.click(HR2, &to_hr2[0], "consult_answered").await;
    bot.settle().await;
    let answered = bot.consultation(1);
    assert_eq!(answered.first_answer.as_ref().unwrap().by.as_str(), HR2);
    assert!(answered.is_open(), "talking is not closing");
    let dm = text_of(&bot.dms_to(HR2)[0]);
    assert!(
        dm.contains(&format!("<@{HR2}> answered first")) && !dm.contains("consult_answered"),
        "{dm}"
    );
}

#[tokio::test]
async fn the_escalation_forms_choice_turns_it_into_a_consultation_the_desk_turns_into_a_case() {
    let bot = bot_with_desk(false, Locale::En).await;
    bot.escalate(AGENT, "").await;
    let form = bot.form_after(0).await;
    assert_eq!(form["callback_id"], "escalate_form");
    let seen = bot.slack.views().len();
    let clicked = bot
        .sender
        .click_in_view(AGENT, &form, "consult_instead")
        .await
        .expect("the form offers the desk");
    assert_eq!(clicked.status, 200);
    let consult = bot.form_after(seen).await;
    assert_eq!(consult["callback_id"], "consult_form");
    assert_eq!(consult["id"], form["id"], "the same form, updated");
    let submitted = bot
        .sender
        .submit(
            AGENT,
            &consult,
            &[
                ("summary", "Kept me on the phone for two hours, shouting"),
                ("minutes", "120"),
            ],
        )
        .await;
    assert_eq!(submitted.json()["response_action"], "update");
    let consultation = consultation_opened(&bot, 1).await;
    assert_eq!(consultation.source, ConsultSource::Form);
    // No channel: each member has it by direct message.
    let (to_hr1, to_hr2) = (bot.dms_to(HR1), bot.dms_to(HR2));
    assert_eq!((to_hr1.len(), to_hr2.len()), (1, 1));
    assert!(bot.dms_to(EXEC1).is_empty(), "nobody is paged");

    // Turning it into a case asks for the category.
    let seen = bot.slack.views().len();
    bot.click(HR1, &to_hr1[0], "consult_convert").await;
    let convert = bot.form_after(seen).await;
    assert_eq!(convert["callback_id"], "convert_form");
    let missing = bot.sender.submit(HR1, &convert, &[]).await.json();
    assert_eq!(missing["response_action"], "errors", "{missing}");
    assert!(bot.store.case(CaseId::new(1)).unwrap().is_none());
    let done = bot
        .sender
        .submit(
            HR1,
            &convert,
            &[("category", "restraint"), ("customer", "cust-9")],
        )
        .await;
    assert_eq!(done.json()["response_action"], "clear", "{}", done.body);
    bot.settle().await;
    let case = bot.case(CaseId::new(1));
    assert_eq!(case.reporter.as_str(), AGENT, "the case keeps the reporter");
    assert_eq!(case.source, Source::Consultation);
    assert_eq!(case.summary, "Kept me on the phone for two hours, shouting");
    assert_eq!(case.facts.minutes, Some(120), "and the record");
    assert_eq!(case.customer.as_ref().map(|c| c.as_str()), Some("cust-9"));
    let from = case
        .consultation
        .as_ref()
        .expect("linked to its consultation");
    assert_eq!(
        (from.id.to_string(), from.by.as_str()),
        ("CON-1".into(), HR1)
    );
    let ConsultState::Converted { case: linked, .. } = bot.consultation(1).state else {
        panic!("converted");
    };
    assert_eq!(linked, case.id, "linked both ways");
    // Then paging starts as for any case.
    assert_eq!(bot.dms_to(EXEC1).len(), 1, "the executive is paged");
    let card = text_of(&bot.card(case.id));
    assert!(
        card.contains("Turned into a case from consultation CON-1"),
        "{card}"
    );
    for dm in [bot.dms_to(HR1), bot.dms_to(HR2)] {
        let shown = text_of(&dm[0]);
        assert!(
            shown.contains("Turned into a case") && !shown.contains("consult_convert"),
            "{shown}"
        );
    }
    let told = bot.dms_to(AGENT).pop().expect("the reporter is told");
    assert!(told.text.contains("into case *ESC-1*"), "{}", told.text);
    // A copy that still shows the buttons is refused: it is a case now.
    bot.click(HR2, &to_hr2[0], "consult_close").await;
    let refused = bot.ephemeral_after(HR2, 0).await;
    assert!(
        refused.text.contains("already case ESC-1"),
        "{}",
        refused.text
    );
    let report = bot
        .store
        .week_stats(Week::of(bot.clock.now(), bot.store.report_zone()));
    let counts = report.unwrap().consultations;
    assert_eq!((counts.opened, counts.closed, counts.converted), (1, 0, 1));
}

#[tokio::test]
async fn a_reactions_follow_up_offers_the_desk_about_its_case() {
    let bot = TestBot::start_with(Options {
        tweak: |s| {
            watch_support_channels(s, 10);
            desk(s, true);
        },
        ..Options::default()
    })
    .await;
    bot.add_desk();
    let insult = bot.slack.post_as(
        Author {
            user: "U0CUST1".into(),
            team: ACME_TEAM.into(),
            bot_id: None,
        },
        SUPPORT,
        "Where do you live? I will find out.",
        None,
    );
    bot.sender.react(AGENT, &insult, "rotating_light").await;
    let told = bot.ephemeral_after(AGENT, 0).await;
    assert!(
        told.blocks.to_string().contains("consult_about"),
        "{}",
        told.blocks
    );
    bot.settle().await;
    let seen = bot.slack.views().len();
    bot.click(AGENT, &told, "consult_about").await;
    let form = bot.form_after(seen).await;
    assert_eq!(form["callback_id"], "consult_form");
    assert!(
        form.to_string().contains("Where do you live?"),
        "the message is quoted"
    );
    let submitted = bot
        .sender
        .submit(
            AGENT,
            &form,
            &[("summary", "Is this a threat? I feel unsafe.")],
        )
        .await;
    assert_eq!(submitted.json()["response_action"], "update");
    let consultation = consultation_opened(&bot, 1).await;
    assert_eq!(consultation.about, Some(CaseId::new(1)));
    assert_eq!(consultation.source, ConsultSource::Reaction);
    assert_eq!(
        consultation.evidence.as_ref().map(|e| e.quote.as_str()),
        Some(insult.text.as_str())
    );
    let post = text_of(&bot.desk_posts()[0]);
    assert!(post.contains("About ESC-1"), "{post}");
    assert!(
        bot.case(CaseId::new(1)).state == escalation_bot::domain::CaseState::Open,
        "the case goes on as it was"
    );

    // The shortcut's form offers the desk too.
    let seen = bot.slack.views().len();
    bot.sender.shortcut(AGENT, &insult).await;
    let form = bot.form_after(seen).await;
    assert!(form.to_string().contains("consult_instead"), "{form}");
}

#[tokio::test]
async fn the_desk_adds_facts_to_consultations_and_cases_and_others_may_not() {
    let bot = bot_with_desk(true, Locale::En).await;
    bot.escalate(AGENT, "consult A customer keeps calling my mobile")
        .await;
    consultation_opened(&bot, 1).await;
    let post = bot.desk_posts().remove(0);
    for (who, allowed) in [(HR1, true), (AGENT, true), (AGENT2, false)] {
        let seen = bot.slack.views().len();
        bot.click(who, &post, "add_facts").await;
        let form = bot.form_after(seen).await;
        let answer = bot
            .sender
            .submit(who, &form, &[("note", "Three more calls today")])
            .await
            .json();
        if allowed {
            assert_eq!(answer["response_action"], "clear", "{who}: {answer}");
        } else {
            assert!(
                answer["view"]
                    .to_string()
                    .contains("Only the reporter and the consultation desk"),
                "{answer}"
            );
        }
    }
    bot.settle().await;
    assert_eq!(bot.consultation(1).additions.len(), 2);
    assert!(
        bot.desk_thread(&post)
            .iter()
            .any(|m| m.text.contains("Three more calls today")),
        "the thread hears of it"
    );

    // On a case, the desk may add facts too.
    let id = bot.open_case("cust-1 verbal-abuse Swore at me").await;
    let seen = bot.slack.views().len();
    bot.click(HR1, &bot.card(id), "add_facts").await;
    let form = bot.form_after(seen).await;
    let answer = bot
        .sender
        .submit(HR1, &form, &[("note", "The reporter told me more")])
        .await
        .json();
    assert_eq!(answer["response_action"], "clear", "{answer}");
    bot.settle().await;
    assert_eq!(bot.case(id).additions[0].by.by.as_str(), HR1);
}

#[tokio::test]
async fn without_a_desk_nothing_is_offered_and_asking_says_so() {
    let bot = TestBot::start().await;
    let answer = bot.escalate(AGENT, "consult Is this harassment?").await;
    assert!(
        answer.text().contains("There is no consultation desk"),
        "{}",
        answer.text()
    );
    bot.escalate(AGENT, "").await;
    let form = bot.form_after(0).await;
    assert!(!form.to_string().contains("consult_instead"), "{form}");
    assert!(
        bot.store.consultations().next().is_none(),
        "nothing was recorded"
    );
}

#[tokio::test]
async fn in_japanese_the_reporter_is_told_in_japanese_and_with_care() {
    let bot = bot_with_desk(true, Locale::Ja).await;
    let answer = bot.escalate(AGENT, "相談 カスハラか迷っています").await;
    let told = answer.text();
    assert!(
        told.contains("CON-1 として相談窓口に届けました")
            && told.contains("不利益な扱いを受けることはありません"),
        "{told}"
    );
    consultation_opened(&bot, 1).await;
    let post = text_of(&bot.desk_posts()[0]);
    assert!(
        post.contains("相談 CON-1") && post.contains("終了：助言済み"),
        "{post}"
    );
}
