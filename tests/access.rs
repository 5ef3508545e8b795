//! Only the right people, black-box: customers and guests never trigger or see anything
//! (whatever path they try), the customer pattern is a helpdesk's and no person's, the
//! reporter never decides their own case, approval needs two people, rights follow the
//! configuration in force, and histories are for people with a role, with private
//! categories named only in the escalation channel and long histories paged whole.

mod common;

use std::time::Duration;

use common::*;
use escalation_bot::domain::{CaseId, CaseState, CustomerId, Event, Notice, Roles, UserId};
use escalation_bot::i18n::Locale;
use escalation_bot::store::LogEntry;
use jiff::SignedDuration;
use slack_standin::web_api::TEAM_ID;
use slack_standin::{Author, Membership, Person};

/// A guest of our own workspace (multi-channel), and people of other workspaces.
const GUEST: &str = "U0GUEST";
const SINGLE_GUEST: &str = "U0ONECHAN";
const ACME_BOB: &str = "U0ACMEBOB";
const OTHER_BOT: &str = "U0OTHERBOT";
const GONE: &str = "U0LEFTUS";
const NOBODY: &str = "U0NOBODY";

fn user(id: &str) -> UserId {
    UserId::parse(id).expect("a user id")
}

fn person(name: &str, team: &str, membership: Membership) -> Person {
    Person {
        name: name.into(),
        team: team.into(),
        membership,
    }
}

/// Everyone who is not staff, as Slack describes them (NOBODY is unknown to Slack).
fn add_outsiders(bot: &TestBot) {
    let slack = &bot.slack;
    slack.add_person(GUEST, person("guest", TEAM_ID, Membership::Guest));
    slack.add_person(
        SINGLE_GUEST,
        person("one-channel guest", TEAM_ID, Membership::SingleChannelGuest),
    );
    slack.add_person(ACME_BOB, person("bob", ACME_TEAM, Membership::Member));
    slack.add_person(OTHER_BOT, person("a bot", TEAM_ID, Membership::Bot));
    slack.add_person(GONE, person("left us", TEAM_ID, Membership::Deactivated));
}

const OUTSIDERS: [(&str, &str); 6] = [
    (GUEST, "guest"),
    (SINGLE_GUEST, "single-channel-guest"),
    (ACME_BOB, "other-workspace"),
    (OTHER_BOT, "bot"),
    (GONE, "deactivated"),
    (NOBODY, "unknown"),
];

async fn watching_bot() -> TestBot {
    let bot = TestBot::start_with(Options {
        tweak: |s| watch_support_channels(s, 100),
        ..Options::default()
    })
    .await;
    add_outsiders(&bot);
    bot
}

fn customer_says(bot: &TestBot, text: &str) -> slack_standin::Message {
    bot.slack
        .post_as(Author::person("U0CUST1", ACME_TEAM), SUPPORT, text, None)
}

/// The roles once EXEC1 has left `people.executives`: the managers may still decide.
fn exec1_gone() -> Roles {
    Roles::new(vec![user(EXEC2)], vec![user(MGR1), user(MGR2)])
}

fn log(bot: &TestBot) -> Vec<LogEntry> {
    bot.store
        .log_entries()
        .collect::<Result<_, _>>()
        .expect("the log reads")
}

/// Waits until the work accepted from events is done and its deliveries went out.
async fn quiet(bot: &TestBot) {
    for _ in 0..500 {
        if bot.store.work_len() == 0 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    assert_eq!(bot.store.work_len(), 0, "the event work finished");
    bot.settle().await;
}

/// The `escalation_bot_refused_total` count for `path` and `reason`.
fn refused_count(bot: &TestBot, path: &str, reason: &str) -> u64 {
    let ctx = bot.app().context();
    let text = ctx.metrics.render(&ctx.store, ctx.clock.now());
    let start = format!("escalation_bot_refused_total{{path=\"{path}\",reason=\"{reason}\"}} ");
    text.lines()
        .find_map(|l| l.strip_prefix(&start))
        .map_or(0, |n| n.parse().expect("a count"))
}

/// Nothing the bot sent could reach `who`: no ephemeral, no direct message, no form.
fn nothing_reached(bot: &TestBot, who: &str) {
    assert!(
        bot.ephemerals_for(who).is_empty(),
        "{who} was shown {:?}",
        bot.ephemerals_for(who)
    );
    assert!(bot.slack.dm_of(who).is_none(), "a DM was opened with {who}");
}

#[tokio::test]
async fn a_guest_or_customer_reacting_opens_nothing_and_is_told_nothing() {
    let bot = watching_bot().await;
    let insult = customer_says(&bot, "You idiot, I know where your office is");
    for (who, _) in OUTSIDERS {
        let answer = bot.sender.react(who, &insult, "rotating_light").await;
        assert_eq!(answer.status, 200, "acknowledged like any event");
    }
    quiet(&bot).await;
    assert_eq!(bot.store.tallies().unwrap().cases_total, 0, "no case");
    for (who, _) in OUTSIDERS {
        nothing_reached(&bot, who);
    }
    assert!(
        bot.slack.calls_to("chat.postMessage").is_empty(),
        "nobody was paged, no card was posted"
    );
    // For us: an entry each in the audit log outside cases, and a count.
    let entries = log(&bot);
    for (who, reason) in OUTSIDERS {
        let entry = entries
            .iter()
            .find(|e| e.who == who)
            .unwrap_or_else(|| panic!("no audit entry for {who}: {entries:?}"));
        assert_eq!(entry.what, "not-staff");
        assert_eq!(entry.details["path"], "reaction");
        assert_eq!(entry.details["reason"], reason, "{who}");
        assert_eq!(refused_count(&bot, "reaction", reason), 1, "{reason}");
    }

    // The same message, flagged by one of our agents, opens its case as usual.
    bot.sender.react(AGENT, &insult, "rotating_light").await;
    quiet(&bot).await;
    let case = bot.case(CaseId::new(1));
    assert_eq!(case.reporter, user(AGENT));
    assert_eq!(case.customer.as_ref().map(|c| c.as_str()), Some("acme"));
}

#[tokio::test]
async fn every_other_path_is_closed_to_someone_who_is_not_staff() {
    let bot = watching_bot().await;
    let insult = customer_says(&bot, "Shut up and refund me");
    // An agent's form and an open case, for the outsiders to try their hands on.
    bot.escalate(AGENT, "").await;
    bot.slack
        .wait_for(Duration::from_secs(5), |s| s.views().len() == 1)
        .await
        .unwrap();
    let form = bot.slack.views().pop().unwrap();
    let id = bot.open_case("cust-1 verbal-abuse Shouted at me").await;
    let card = bot.card(id);
    let before = (bot.case(id), bot.audit().len());
    let calls_before = bot.slack.calls().len();

    for who in [GUEST, ACME_BOB] {
        for text in [
            "cust-2 threat I will find you",
            "help",
            "stats",
            "history cust-1",
            "",
        ] {
            let answer = bot.escalate(who, text).await;
            assert_eq!(
                (answer.status, answer.body.as_str()),
                (200, ""),
                "{who} /escalate {text:?}: Slack shows nothing"
            );
        }
        assert_eq!(bot.sender.shortcut(who, &insult).await.status, 200);
        let submitted = bot
            .sender
            .submit(
                who,
                &form,
                &[("customer", "other-co"), ("category", "threat")],
            )
            .await;
        assert_eq!(
            (submitted.status, submitted.body.as_str()),
            (200, ""),
            "the form just closes"
        );
        // The case names its customer, so its card has no identify button: naming one is
        // `a_guest_cannot_name_the_customer_of_a_case`.
        assert!(text_of(&card).contains("take_case"), "{}", text_of(&card));
        bot.click(who, &card, "take_case").await;
    }
    tokio::time::sleep(Duration::from_millis(200)).await;
    bot.settle().await;
    assert_eq!(bot.store.tallies().unwrap().cases_total, 1, "no new case");
    assert_eq!(bot.slack.views().len(), 1, "no form opened for an outsider");
    assert_eq!(
        (bot.case(id), bot.audit().len()),
        before,
        "the case is as it was"
    );
    assert!(
        bot.store
            .customer(&CustomerId::parse("other-co").unwrap())
            .unwrap()
            .is_none()
    );
    for who in [GUEST, ACME_BOB] {
        nothing_reached(&bot, who);
    }
    let sent: Vec<String> = bot.slack.calls()[calls_before..]
        .iter()
        .map(|c| c.method.clone())
        // Reads only: who they are, and (for the shortcut, looked up while their standing
        // is checked, so the form can still open within the trigger's three seconds) the
        // message's permalink. Nothing was posted, opened or changed.
        .filter(|m| m != "users.info" && m != "chat.getPermalink")
        .collect();
    assert!(sent.is_empty(), "the bot did nothing for them: {sent:?}");
    let paths: Vec<String> = log(&bot)
        .iter()
        .filter(|e| e.who == GUEST)
        .map(|e| e.details["path"].clone())
        .collect();
    for path in ["command", "shortcut", "form", "button"] {
        assert!(paths.iter().any(|p| p == path), "{path} in {paths:?}");
    }
}

#[tokio::test]
async fn a_guest_cannot_name_the_customer_of_a_case() {
    let bot = watching_bot().await;
    // From a workspace nobody configured: the case opens without a customer.
    let insult = bot.slack.post_as(
        Author::person("U0STRANGER", "T0UNKNOWN"),
        SUPPORT,
        "Shut up and listen",
        None,
    );
    bot.sender.react(AGENT, &insult, "rotating_light").await;
    quiet(&bot).await;
    let id = CaseId::new(1);
    assert_eq!(bot.case(id).customer, None);
    let card = bot.card(id);
    assert!(
        text_of(&card).contains("identify_customer"),
        "the card asks who the customer is: {}",
        text_of(&card)
    );
    // The reporter opens the form; it is the form a guest would forge a submission of.
    bot.click(AGENT, &card, "identify_customer").await;
    bot.slack
        .wait_for(Duration::from_secs(5), |s| s.views().len() == 1)
        .await
        .expect("the customer form opens for the reporter");
    let form = bot.slack.views().pop().expect("the form");
    let before = bot.audit().len();

    for who in [GUEST, ACME_BOB] {
        bot.click(who, &card, "identify_customer").await;
        let submitted = bot
            .sender
            .submit(who, &form, &[("customer", "other-co")])
            .await;
        assert_eq!(
            (submitted.status, submitted.body.as_str()),
            (200, ""),
            "{who}: the form just closes"
        );
    }
    tokio::time::sleep(Duration::from_millis(200)).await;
    bot.settle().await;
    assert_eq!(bot.slack.views().len(), 1, "no form opened for a guest");
    assert_eq!(bot.case(id).customer, None);
    let timeline = bot.store.timeline(id).expect("the timeline reads");
    assert!(
        !timeline
            .iter()
            .any(|e| matches!(e, Event::CustomerIdentified { .. })),
        "{timeline:?}"
    );
    assert_eq!(bot.audit().len(), before, "the case's trail is as it was");
    assert!(
        bot.store
            .customer(&CustomerId::parse("other-co").unwrap())
            .unwrap()
            .is_none()
    );
    for who in [GUEST, ACME_BOB] {
        nothing_reached(&bot, who);
        let paths: Vec<String> = log(&bot)
            .iter()
            .filter(|e| e.who == who)
            .map(|e| e.details["path"].clone())
            .collect();
        assert!(
            paths.len() >= 2 && paths.iter().all(|p| p == "name-customer"),
            "{who}: the click and the submission, each refused: {paths:?}"
        );
    }
}

#[tokio::test]
async fn a_guest_typing_a_customer_pattern_names_nobody() {
    let bot = watching_bot().await;
    // Our own guest, and a Slack Connect user, write what a helpdesk integration writes.
    let by_guest = bot.slack.post_as(
        Author::person(GUEST, TEAM_ID),
        SUPPORT,
        "Customer ID: other-co\nyou idiot",
        None,
    );
    let by_stranger = bot.slack.post_as(
        Author::person("U0STRANGER", "T0UNKNOWN"),
        SUPPORT,
        "Customer ID: other-co\nyou idiot",
        None,
    );
    let by_helpdesk = bot.slack.post_as(
        Author {
            user: "U0ZENDESK".into(),
            team: TEAM_ID.into(),
            bot_id: Some("B0ZENDESK".into()),
        },
        SUPPORT,
        "New chat\nCustomer ID: globex\nMessage: you idiot",
        None,
    );
    for message in [&by_guest, &by_stranger, &by_helpdesk] {
        bot.sender.react(AGENT, message, "rotating_light").await;
        quiet(&bot).await;
    }
    let customers: Vec<Option<String>> = (1..=3)
        .map(|n| bot.case(CaseId::new(n)).customer.map(|c| c.to_string()))
        .collect();
    assert_eq!(
        customers,
        [None, None, Some("globex".to_string())],
        "only the helpdesk integration's message names its customer"
    );
    assert!(
        bot.store
            .customer(&CustomerId::parse("other-co").unwrap())
            .unwrap()
            .is_none(),
        "other-co's record is untouched: no case, no step up the ladder"
    );
    // The shortcut on the guest's message leaves the customer for the agent to name.
    bot.sender.shortcut(AGENT, &by_guest).await;
    bot.slack
        .wait_for(Duration::from_secs(5), |s| s.views().len() == 1)
        .await
        .unwrap();
    let form = bot.slack.views().pop().unwrap();
    let field = form["blocks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|b| b["block_id"] == "customer")
        .unwrap();
    assert!(field["element"]["initial_value"].is_null(), "{field}");
}

#[tokio::test]
async fn a_reporter_executive_cannot_take_their_own_case() {
    let bot = TestBot::start().await;
    let answer = bot
        .escalate(
            EXEC1,
            "cust-3 verbal-abuse Insulted me when I joined the call",
        )
        .await;
    assert!(answer.text().contains("ESC-1"), "{}", answer.text());
    bot.settle().await;
    let id = CaseId::new(1);
    assert!(
        bot.dms_to(EXEC1).is_empty(),
        "not paged about their own report"
    );
    assert_eq!(bot.dms_to(EXEC2).len(), 1, "the next executive is");
    let card = bot.card(id);
    assert!(
        !text_of(&card).contains("reporter_may_decide"),
        "off by default"
    );

    let before = bot.case(id);
    bot.click(EXEC1, &card, "take_case").await;
    let refusal = bot.ephemeral_after(EXEC1, 0).await;
    assert!(
        refusal
            .text
            .contains("You reported ESC-1, so you cannot take, decide or approve it"),
        "{}",
        refusal.text
    );
    bot.settle().await;
    assert_eq!(bot.case(id), before, "nothing changed");
    assert!(matches!(
        bot.audit().last().map(|e| &e.event),
        Some(Event::Notified {
            notice: Notice::Refused { by, action, reason },
            ..
        }) if by.as_str() == EXEC1 && action == "take" && reason == "own-report"
    ));
    let ctx = bot.app().context();
    assert!(
        ctx.metrics
            .render(&ctx.store, ctx.clock.now())
            .contains("escalation_bot_refused_total{path=\"take\",reason=\"own-report\"} 1")
    );

    // Someone else takes it, and the reporter still decides nothing.
    bot.click(EXEC2, &bot.page(EXEC2), "take_case").await;
    bot.settle().await;
    bot.click(EXEC1, &bot.card(id), "decide:warning").await;
    let refusal = bot.ephemeral_after(EXEC1, 1).await;
    assert!(refusal.text.contains("Only <@U0EXEC2>"), "{}", refusal.text);
    assert!(matches!(bot.case(id).state, CaseState::Taken { .. }));
}

#[tokio::test]
async fn a_manager_who_reported_the_case_neither_decides_nor_approves_it() {
    let bot = TestBot::start().await;
    bot.escalate(MGR1, "cust-4 threat Said he would wait outside")
        .await;
    bot.settle().await;
    let id = CaseId::new(1);
    bot.click(EXEC1, &bot.page(EXEC1), "take_case").await;
    bot.settle().await;
    bot.click(MGR1, &bot.card(id), "decide:no-action").await;
    let refusal = bot.ephemeral_after(MGR1, 0).await;
    assert!(
        refusal.text.contains("You reported ESC-1"),
        "{}",
        refusal.text
    );
    bot.propose_termination(EXEC1, id, "not-needed").await;
    bot.settle().await;
    let proposal = bot.proposal(id);
    bot.click(MGR1, &proposal, "approve_proposal").await;
    let refusal = bot.ephemeral_after(MGR1, 1).await;
    assert!(
        refusal.text.contains("You reported ESC-1"),
        "{}",
        refusal.text
    );
    bot.settle().await;
    assert!(matches!(bot.case(id).state, CaseState::Proposed { .. }));
    bot.click(MGR2, &proposal, "approve_proposal").await;
    bot.settle().await;
    assert!(bot.case(id).is_closed());
}

#[tokio::test]
async fn a_reporter_cannot_reject_the_proposal_on_their_own_case() {
    let bot = TestBot::start().await;
    bot.escalate(MGR1, "cust-4 threat Said he would wait outside")
        .await;
    bot.settle().await;
    let id = CaseId::new(1);
    bot.click(EXEC1, &bot.page(EXEC1), "take_case").await;
    bot.settle().await;
    bot.propose_termination(EXEC1, id, "reviewed").await;
    bot.settle().await;
    let proposal = bot.proposal(id);
    bot.click(MGR1, &proposal, "reject_proposal").await;
    let refusal = bot.ephemeral_after(MGR1, 0).await;
    assert!(
        refusal.text.contains("You reported ESC-1"),
        "{}",
        refusal.text
    );
    bot.settle().await;
    assert!(
        matches!(bot.case(id).state, CaseState::Proposed { .. }),
        "the proposal still waits"
    );
    let timeline = bot.store.timeline(id).expect("the timeline reads");
    assert!(
        !timeline.iter().any(|e| matches!(e, Event::Rejected { .. })),
        "{timeline:?}"
    );
    // Another approver's rejection counts.
    bot.click(MGR2, &proposal, "reject_proposal").await;
    bot.settle().await;
    assert!(matches!(bot.case(id).state, CaseState::Taken { .. }));
}

#[tokio::test]
async fn a_small_company_may_let_the_reporter_decide_and_the_card_says_so() {
    let bot = TestBot::start_with(Options {
        tweak: |s| s.rules.roles.reporter_may_decide = true,
        ..Options::default()
    })
    .await;
    bot.escalate(EXEC1, "cust-5 intimidation Banged the table")
        .await;
    bot.settle().await;
    let id = CaseId::new(1);
    let card = bot.card(id);
    assert!(
        text_of(&card).contains("reporter_may_decide` is on"),
        "{}",
        text_of(&card)
    );
    bot.click(EXEC1, &card, "take_case").await;
    bot.settle().await;
    assert!(matches!(bot.case(id).state, CaseState::Taken { .. }));
}

#[tokio::test]
async fn approval_is_the_approvers_role_not_the_managers() {
    let bot = TestBot::start_with(Options {
        // As people.approvers = ["U0LEGAL1", "U0LEGAL2"] reads (src/config/settings.rs tests that).
        tweak: |s| {
            let legal = ["U0LEGAL1", "U0LEGAL2"].map(|u| UserId::parse(u).expect("an id"));
            s.rules.roles = s.rules.roles.clone().with_approvers(legal.to_vec());
        },
        ..Options::default()
    })
    .await;
    assert!(
        bot.settings.rules.roles.approvers == [user("U0LEGAL1"), user("U0LEGAL2")],
        "people.approvers as configured"
    );
    for legal in ["U0LEGAL1", "U0LEGAL2"] {
        bot.slack.add_user(legal, "legal");
    }
    let id = bot
        .open_case("cust-9 threat Threatened to post my address")
        .await;
    bot.click(MGR1, &bot.card(id), "take_case").await;
    bot.settle().await;
    bot.propose_termination(MGR1, id, "not-needed").await;
    bot.settle().await;
    let proposal = bot.proposal(id);
    bot.click(MGR2, &proposal, "approve_proposal").await;
    let refusal = bot.ephemeral_after(MGR2, 0).await;
    assert!(
        refusal.text.contains("Only an approver"),
        "{}",
        refusal.text
    );
    bot.settle().await;
    assert!(matches!(bot.case(id).state, CaseState::Proposed { .. }));
    bot.click("U0LEGAL1", &proposal, "approve_proposal").await;
    bot.settle().await;
    let CaseState::Closed { decision, .. } = bot.case(id).state else {
        panic!("approved");
    };
    assert_eq!(decision.approved.unwrap().by, user("U0LEGAL1"));
}

#[tokio::test]
async fn an_owner_removed_from_the_config_can_no_longer_decide_and_reminders_follow_the_roles() {
    let (mut bot, clock) = TestBot::start_on_manual_clock(Options::default()).await;
    let id = bot
        .open_and_take("cust-6 persistent Called forty times")
        .await;

    // EXEC1 leaves people.executives; the bot restarts with the new configuration.
    bot.settings.rules.roles = exec1_gone();
    bot.restart().await;
    bot.click(EXEC1, &bot.card(id), "decide:warning").await;
    let refusal = bot.ephemeral_after(EXEC1, 0).await;
    assert!(
        refusal
            .text
            .contains("no longer among the executives or managers"),
        "{}",
        refusal.text
    );
    bot.settle().await;
    assert!(matches!(bot.case(id).state, CaseState::Taken { .. }));

    // The decision reminder goes to those who may decide now: the managers.
    clock.advance(SignedDuration::from_hours(24));
    bot.catch_up().await;
    let reminders = bot.thread_saying(id, ":bell:");
    assert_eq!(reminders.len(), 1);
    assert!(
        reminders[0].text.contains(&format!("<@{MGR1}> <@{MGR2}>"))
            && !reminders[0].text.contains(EXEC1),
        "{}",
        reminders[0].text
    );

    // With nobody left who may decide (the one manager reported the case), the
    // reminders stop rather than name nobody.
    bot.settings.rules.roles = roles_where_nobody_may_decide();
    bot.restart().await;
    clock.advance(SignedDuration::from_hours(24));
    bot.catch_up().await;
    let reminders = bot.thread_saying(id, ":bell:").len();
    assert_eq!(reminders, 1, "no reminder to an empty list");
    assert_eq!(bot.case(id).next, None, "and none is scheduled");

    // A manager who may decide still can.
    bot.settings.rules.roles = exec1_gone();
    bot.restart().await;
    bot.click(MGR1, &bot.card(id), "decide:warning").await;
    bot.settle().await;
    assert!(bot.case(id).is_closed());
    bot.shutdown().await;
}

/// Reminders that stop for want of anyone who may act say so in the thread, in the
/// configured language, naming the setting; once the configuration names someone, the
/// next start-up gives the case its reminder back.
#[tokio::test]
async fn reminders_that_stop_say_why_and_resume_when_someone_may_act() {
    let (mut bot, clock) = TestBot::start_on_manual_clock(Options::default()).await;
    let id = bot
        .open_and_take("cust-6 persistent Called forty times")
        .await;

    // The owner leaves people.executives and the one manager is the reporter.
    bot.settings.rules.roles = roles_where_nobody_may_decide();
    bot.restart().await;
    clock.advance(SignedDuration::from_hours(24));
    bot.catch_up().await;
    let stopped = bot.thread_saying(id, ":warning:");
    assert_eq!(stopped.len(), 1, "{:?}", bot.thread(id));
    assert!(
        stopped[0]
            .text
            .contains("Nobody in the configuration may decide ESC-1")
            && stopped[0].text.contains("people.managers"),
        "{}",
        stopped[0].text
    );
    assert_eq!(bot.case(id).next, None, "no reminder is scheduled");
    assert!(
        !bot.thread(id).iter().any(|m| m.text.contains(":bell:")),
        "and none names nobody"
    );

    // Restarting with the same configuration changes nothing.
    bot.restart().await;
    bot.catch_up().await;
    assert_eq!(bot.case(id).next, None);

    // A manager is configured again: start-up schedules the reminder, due at once.
    bot.settings.rules.roles = exec1_gone();
    bot.restart().await;
    bot.catch_up().await;
    let reminders = bot.thread_saying(id, ":bell:");
    assert_eq!(reminders.len(), 1, "{:?}", bot.thread(id));
    assert!(
        reminders[0].text.contains(&format!("<@{MGR1}> <@{MGR2}>")),
        "{}",
        reminders[0].text
    );
    assert!(
        bot.case(id).next.is_some(),
        "and they go on until someone decides"
    );
    bot.shutdown().await;
}

/// The same in Japanese, for an approval nobody may give.
#[tokio::test]
async fn a_stopped_approval_reminder_is_said_in_japanese_and_names_people_approvers() {
    let (mut bot, clock) = TestBot::start_on_manual_clock(Options {
        locale: Locale::Ja,
        ..Options::default()
    })
    .await;
    let id = bot
        .open_and_take("cust-6 persistent Called forty times")
        .await;
    bot.propose_termination(EXEC1, id, "reviewed").await;
    bot.settle().await;
    assert!(matches!(bot.case(id).state, CaseState::Proposed { .. }));

    // The only approver left is the one who proposed.
    bot.settings.rules.roles =
        Roles::new(vec![user(EXEC1)], vec![user(MGR1)]).with_approvers(vec![user(EXEC1)]);
    bot.restart().await;
    clock.advance(SignedDuration::from_hours(24));
    bot.catch_up().await;
    let stopped = bot.thread_saying(id, ":warning:");
    assert_eq!(stopped.len(), 1, "{:?}", bot.thread(id));
    assert!(
        stopped[0]
            .text
            .contains("ESC-1 の提案を承認できる人がいない")
            && stopped[0].text.contains("people.approvers"),
        "{}",
        stopped[0].text
    );
    assert_eq!(bot.case(id).next, None);
    bot.shutdown().await;
}

#[tokio::test]
async fn a_closing_message_never_reaches_a_reporter_who_is_no_longer_staff() {
    let (bot, clock) = TestBot::start_on_manual_clock(Options::default()).await;
    let id = bot.open_and_take("cust-7 other Rude on the phone").await;
    // The agent leaves; once the bot's verdict on them expires, it asks Slack again.
    bot.slack.set_membership(AGENT, Membership::Deactivated);
    clock.advance(escalation_bot::staff::TTL);
    bot.click(EXEC1, &bot.card(id), "decide:warning").await;
    bot.settle().await;
    assert!(bot.case(id).is_closed());
    assert!(bot.dms_to(AGENT).is_empty(), "no closing message");
    let withheld = log(&bot)
        .into_iter()
        .find(|e| e.who == AGENT)
        .expect("an audit entry");
    assert_eq!(withheld.details["path"], "closing-message");
    assert_eq!(withheld.details["reason"], "deactivated");
    assert_eq!(withheld.details["case"], "ESC-1");
    assert!(
        bot.store.dead_letters().unwrap().is_empty(),
        "not a failure"
    );
}

#[tokio::test]
async fn suggestions_are_shown_only_to_staff_in_the_conversation() {
    let bot = watching_bot().await;
    let opening = bot.slack.post_as(
        Author::person(AGENT, TEAM_ID),
        SUPPORT,
        "How can we help?",
        None,
    );
    bot.slack.post_as(
        Author::person(GUEST, TEAM_ID),
        SUPPORT,
        "(contractor) following this thread",
        Some(&opening.ts),
    );
    let insult = bot.slack.post_as(
        Author::person("U0CUST1", ACME_TEAM),
        SUPPORT,
        "You idiot, fix it now",
        Some(&opening.ts),
    );
    bot.sender.message_event(&insult).await;
    bot.ephemeral_after(AGENT, 0).await;
    quiet(&bot).await;
    nothing_reached(&bot, GUEST);
    assert_eq!(refused_count(&bot, "suggestion", "guest"), 1);
}

/// A customer with a case in a private category and one in a public one.
async fn customer_with_private_case(bot: &TestBot) {
    bot.open_case("cust-8 sexual Remarks about my appearance")
        .await;
    bot.open_case("cust-8 discrimination Mocked my accent")
        .await;
    bot.open_case("cust-8 personal-attack Asked for my home address")
        .await;
    bot.open_case("cust-8 verbal-abuse Shouted at me").await;
}

#[tokio::test]
async fn history_is_for_people_with_a_role_and_private_categories_stay_private() {
    let bot = TestBot::start_with(Options {
        tweak: |s| watch_support_channels(s, 100),
        ..Options::default()
    })
    .await;
    add_outsiders(&bot);
    customer_with_private_case(&bot).await;

    let outsider = bot.sender.command(GUEST, SUPPORT, "history cust-8").await;
    assert_eq!((outsider.status, outsider.body.as_str()), (200, ""));
    let agent = bot.escalate(AGENT, "history cust-8").await.text();
    assert!(
        agent.contains("for executives, managers, approvers and support leads"),
        "{agent}"
    );
    let stats = bot.escalate(AGENT, "stats").await.text();
    assert!(stats.contains("support leads"), "{stats}");

    // Outside the escalation channel: the private category is only "private".
    for reader in [MGR1, EXEC2, LEAD] {
        let answer = bot.sender.command(reader, SUPPORT, "history cust-8").await;
        let body = answer.body;
        assert!(body.contains("Private category"), "{reader}: {body}");
        for private in ["Sexual", "Discrimination", "Attack on an employee"] {
            assert!(!body.contains(private), "{reader}: {private} in {body}");
        }
        assert!(body.contains("Verbal abuse"), "{body}");
        assert!(
            body.contains("named only in the escalation channel"),
            "{body}"
        );
    }
    // In the escalation channel it is named.
    let inside = bot
        .sender
        .command(MGR1, ESCALATIONS, "history cust-8")
        .await
        .body;
    assert!(inside.contains("Sexual harassment"), "{inside}");
    assert!(!inside.contains("Private category"), "{inside}");
}

#[tokio::test]
async fn a_long_history_is_paged_newest_first_and_never_cut() {
    let bot = TestBot::start().await;
    let total = 60;
    for n in 1..=total {
        let answer = bot
            .escalate(AGENT, &format!("cust-long persistent Call number {n}"))
            .await;
        assert_eq!(answer.status, 200);
    }
    bot.settle().await;
    let page = |n: usize| {
        let bot = &bot;
        async move {
            let answer = bot.escalate(MGR1, &format!("history cust-long {n}")).await;
            answer.json()
        }
    };
    let first = page(1).await;
    let blocks = first["blocks"].as_array().unwrap();
    assert!(blocks.len() <= 50, "Slack's limit on blocks");
    let mut shown = Vec::new();
    for block in blocks {
        let text = block["text"]["text"].as_str().unwrap_or_default();
        assert!(text.chars().count() <= 3000, "a section over Slack's limit");
        // Case ids as the lines print them (`ESC-12,`): not the digits of a date.
        for word in text
            .split_whitespace()
            .filter(|w| w.starts_with(CaseId::PREFIX))
        {
            if let Some(id) = CaseId::parse(word.trim_end_matches(|c: char| !c.is_ascii_digit())) {
                shown.push(id.number());
            }
        }
    }
    let newest: Vec<u64> = (11..=60).rev().collect();
    assert_eq!(shown, newest, "the 50 newest, newest first");
    let footer = first.to_string();
    assert!(
        footer.contains("Cases 1 to 50 of 60, newest first")
            && footer.contains("/escalate history cust-long 2"),
        "{footer}"
    );
    let second = page(2).await.to_string();
    for n in 1..=10 {
        assert!(second.contains(&format!("ESC-{n},")), "ESC-{n} on page 2");
    }
    assert!(!second.contains("ESC-11,"), "{second}");
    assert!(second.contains("Cases 51 to 60 of 60"), "{second}");
}
