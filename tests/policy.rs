//! The company's policy and its dated acknowledgement, over real HTTP against the
//! stand-in: `/escalate policy` shows it with the button, the click is recorded with the
//! person, the time and the version in force, a new version asks again, `/escalate policy
//! remind` (managers and the desk) sends the not-yet-acknowledged a direct message at most once a week
//! each and never to a guest, and `escalation-bot acknowledgements` lists who has and who
//! has not.

mod common;

use std::sync::Arc;
use std::time::Duration;

use common::*;
use escalation_bot::clock::{Clock, ManualClock};
use escalation_bot::config::Settings;
use jiff::{SignedDuration, Timestamp};
use slack_standin::Message;
use slack_standin::sender::Answer;

const GUEST: &str = "U0GUEST1";
const GROUP: &str = "S0STAFF";

fn with_group(settings: &mut Settings) {
    settings.staff_group = Some(GROUP.into());
    settings.policy_url = Some("https://intranet.example.com/kasuhara".into());
}

async fn bot_with_group(clock: Arc<ManualClock>) -> TestBot {
    let bot = TestBot::start_with(Options {
        clock,
        tweak: with_group,
        ..Options::default()
    })
    .await;
    bot.slack.add_guest(GUEST, "guest");
    bot.slack
        .add_usergroup(GROUP, &[AGENT, AGENT2, GUEST, MGR1]);
    bot
}

/// The answer to a slash command as the message it shows (to click its button).
fn shown(answer: &Answer) -> Message {
    let json = answer.json();
    Message {
        channel: SUPPORT.into(),
        ts: "1.000001".into(),
        thread_ts: None,
        text: json["text"].as_str().unwrap_or_default().into(),
        blocks: json["blocks"].clone(),
        metadata: serde_json::Value::Null,
        only_for: None,
        edits: 0,
        author: None,
        files: Vec::new(),
    }
}

fn has_button(message: &Message) -> bool {
    message.blocks.to_string().contains("policy_ack")
}

/// Waits for `user`'s next ephemeral message after the first `seen`, and returns its text.
async fn next_ephemeral(bot: &TestBot, user: &str, seen: usize) -> String {
    bot.ephemeral_after(user, seen).await.text
}

#[tokio::test]
async fn the_policy_is_shown_acknowledged_with_a_date_and_asked_again_for_a_new_version() {
    let clock = Arc::new(ManualClock::new("2026-12-01T01:00:00Z".parse().unwrap()));
    let mut bot = bot_with_group(clock.clone()).await;

    let answer = bot.escalate(AGENT, "policy").await;
    assert_eq!(answer.status, 200, "{}", answer.body);
    let policy = shown(&answer);
    assert!(policy.text.contains("version 2026-11"), "{}", policy.text);
    assert!(
        policy
            .text
            .contains("<https://intranet.example.com/kasuhara|the policy>"),
        "{}",
        policy.text
    );
    assert!(has_button(&policy));
    assert!(policy.blocks.to_string().contains("I have read it"));

    let seen = bot.ephemerals_for(AGENT).len();
    bot.click(AGENT, &policy, "policy_ack").await;
    let answer = next_ephemeral(&bot, AGENT, seen).await;
    assert!(
        answer.contains("Recorded: you read the policy, version 2026-11"),
        "{answer}"
    );
    let user = escalation_bot::domain::UserId::parse(AGENT).unwrap();
    let ack = bot
        .store
        .policy_acknowledgement(&user, "2026-11")
        .unwrap()
        .expect("recorded");
    assert_eq!(ack.at, clock.now());
    assert_eq!(ack.version, "2026-11");

    // Shown again, it says when, and has no button.
    let again = shown(&bot.escalate(AGENT, "policy").await);
    assert!(
        again.text.contains("confirmed reading this version"),
        "{}",
        again.text
    );
    assert!(!has_button(&again));

    // A second click on the old message keeps the first time.
    clock.advance(SignedDuration::from_hours(1));
    bot.click(AGENT, &policy, "policy_ack").await;
    bot.settle().await;
    let kept = bot
        .store
        .policy_acknowledgement(&user, "2026-11")
        .unwrap()
        .unwrap();
    assert_eq!(kept.at, ack.at);

    // A new version asks again; the old version's button records nothing.
    bot.settings.rules.policy.version = "2027-01".into();
    bot.restart().await;
    let new = shown(&bot.escalate(AGENT, "policy").await);
    assert!(new.text.contains("version 2027-01"), "{}", new.text);
    assert!(has_button(&new), "asked again");
    let seen = bot.ephemerals_for(AGENT).len();
    bot.click(AGENT, &policy, "policy_ack").await;
    let answer = next_ephemeral(&bot, AGENT, seen).await;
    assert!(answer.contains("it is now version 2027-01"), "{answer}");
    assert!(
        bot.store
            .policy_acknowledgement(&user, "2027-01")
            .unwrap()
            .is_none()
    );
    bot.click(AGENT, &new, "policy_ack").await;
    bot.settle().await;
    assert!(
        bot.store
            .policy_acknowledgement(&user, "2027-01")
            .unwrap()
            .is_some()
    );
    assert!(
        bot.store
            .policy_acknowledgement(&user, "2026-11")
            .unwrap()
            .is_some(),
        "the earlier version's acknowledgement stays, with its date"
    );
    bot.shutdown().await;
}

#[tokio::test]
async fn a_guest_sees_nothing_and_cannot_acknowledge() {
    let clock = Arc::new(ManualClock::new(Timestamp::now()));
    let bot = bot_with_group(clock).await;
    bot.slack.join(SUPPORT, GUEST);
    let answer = bot.escalate(GUEST, "policy").await;
    assert_eq!(answer.status, 200);
    assert!(
        answer.body.is_empty(),
        "nothing for a guest: {}",
        answer.body
    );
    let policy = shown(&bot.escalate(AGENT, "policy").await);
    bot.click(GUEST, &policy, "policy_ack").await;
    bot.settle().await;
    let guest = escalation_bot::domain::UserId::parse(GUEST).unwrap();
    assert!(
        bot.store
            .policy_acknowledgement(&guest, "2026-11")
            .unwrap()
            .is_none()
    );
    assert!(bot.ephemerals_for(GUEST).is_empty());
}

/// The direct messages the bot sent `user`.
fn dms(bot: &TestBot, user: &str) -> Vec<Message> {
    let Some(dm) = bot.slack.dm_of(user) else {
        return Vec::new();
    };
    bot.slack
        .messages()
        .into_iter()
        .filter(|m| m.channel == dm && m.only_for.is_none())
        .collect()
}

#[tokio::test]
async fn reminders_go_to_staff_who_have_not_read_it_at_most_once_a_week() {
    let clock = Arc::new(ManualClock::new("2026-12-01T01:00:00Z".parse().unwrap()));
    let bot = bot_with_group(clock.clone()).await;
    // AGENT has read it; AGENT2 and MGR1 have not; the guest is in the group too.
    let policy = shown(&bot.escalate(AGENT, "policy").await);
    bot.click(AGENT, &policy, "policy_ack").await;
    bot.settle().await;

    // Not a manager: refused, nothing sent.
    let refused = bot.escalate(AGENT2, "policy remind").await;
    assert!(
        refused.text().contains("Nothing changed."),
        "{}",
        refused.text()
    );

    let seen = bot.ephemerals_for(MGR1).len();
    let started = bot.escalate(MGR1, "policy remind").await;
    assert!(
        started.text().contains("Looking up who has not read"),
        "{}",
        started.text()
    );
    let done = next_ephemeral(&bot, MGR1, seen).await;
    assert!(done.contains("Reminded 2 people"), "{done}");
    assert!(done.contains("1 person read it already"), "{done}");
    let to_agent2 = dms(&bot, AGENT2);
    assert_eq!(to_agent2.len(), 1);
    assert!(
        to_agent2[0].text.contains("please take a moment to read"),
        "{}",
        to_agent2[0].text
    );
    assert!(has_button(&to_agent2[0]));
    assert_eq!(dms(&bot, MGR1).len(), 1);
    assert!(dms(&bot, AGENT).is_empty(), "already read it");
    assert!(dms(&bot, GUEST).is_empty(), "never a guest");

    // The button in the direct message records the acknowledgement.
    bot.click(AGENT2, &to_agent2[0], "policy_ack").await;
    bot.settle().await;
    let agent2 = escalation_bot::domain::UserId::parse(AGENT2).unwrap();
    assert!(
        bot.store
            .policy_acknowledgement(&agent2, "2026-11")
            .unwrap()
            .is_some()
    );

    // Again within the week: MGR1 (still not read) is not reminded twice.
    clock.advance(SignedDuration::from_hours(24 * 6));
    let seen = bot.ephemerals_for(MGR1).len();
    bot.escalate(MGR1, "policy remind").await;
    let done = next_ephemeral(&bot, MGR1, seen).await;
    assert!(done.contains("Reminded 0 people"), "{done}");
    assert!(
        done.contains("1 person reminded in the last week"),
        "{done}"
    );
    assert_eq!(dms(&bot, MGR1).len(), 1);

    // A week later, once more.
    clock.advance(SignedDuration::from_hours(24 * 2));
    let seen = bot.ephemerals_for(MGR1).len();
    bot.escalate(MGR1, "policy remind").await;
    let done = next_ephemeral(&bot, MGR1, seen).await;
    assert!(done.contains("Reminded 1 person"), "{done}");
    assert_eq!(dms(&bot, MGR1).len(), 2);
}

#[tokio::test]
async fn without_a_staff_group_the_support_channels_members_are_asked() {
    let clock = Arc::new(ManualClock::new("2026-12-01T01:00:00Z".parse().unwrap()));
    let bot = TestBot::start_with(Options {
        clock,
        ..Options::default()
    })
    .await;
    let seen = bot.ephemerals_for(MGR1).len();
    bot.escalate(MGR1, "policy remind").await;
    let done = next_ephemeral(&bot, MGR1, seen).await;
    // #support: the two agents, their lead and the manager who typed the command there
    // (and the bot, which is no one to remind).
    assert!(done.contains("Reminded 4 people"), "{done}");
    for person in [AGENT, AGENT2, LEAD, MGR1] {
        assert_eq!(dms(&bot, person).len(), 1, "{person}");
    }
    assert!(!bot.slack.calls_to("conversations.members").is_empty());
}

#[tokio::test]
async fn a_user_group_slack_does_not_know_is_said_and_nothing_is_sent() {
    let clock = Arc::new(ManualClock::new(Timestamp::now()));
    let bot = TestBot::start_with(Options {
        clock,
        tweak: |s| s.staff_group = Some("S0GONE".into()),
        ..Options::default()
    })
    .await;
    let seen = bot.ephemerals_for(MGR1).len();
    bot.escalate(MGR1, "policy remind").await;
    let done = next_ephemeral(&bot, MGR1, seen).await;
    assert!(done.contains("no_such_subteam"), "{done}");
    assert!(done.contains("Nothing changed."), "{done}");
    assert!(bot.slack.calls_to("conversations.open").is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_acknowledgements_command_lists_who_has_and_who_has_not() {
    let clock = Arc::new(ManualClock::new("2026-12-01T01:00:00Z".parse().unwrap()));
    let bot = bot_with_group(clock).await;
    let policy = shown(&bot.escalate(AGENT, "policy").await);
    bot.click(AGENT, &policy, "policy_ack").await;
    bot.settle().await;
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("escalation-bot.toml");
    std::fs::write(
        &config,
        format!(
            "[slack]\napi_url = \"{}\"\nescalation_channel = \"{ESCALATIONS}\"\n\
             support_channels = [\"{SUPPORT}\"]\n[people]\nexecutives = [\"{EXEC1}\", \"{EXEC2}\"]\n\
             managers = [\"{MGR1}\", \"{MGR2}\"]\nstaff_group = \"{GROUP}\"\n[policy]\nversion = \"2026-11\"\n\
             [store]\npath = \"{}\"\n",
            bot.slack.api_url(),
            bot.settings.store_path.display()
        ),
    )
    .unwrap();
    let config_arg = config.display().to_string();
    let out = tokio::task::spawn_blocking(move || {
        std::process::Command::new(env!("CARGO_BIN_EXE_escalation-bot"))
            .args([
                "acknowledgements",
                "--format",
                "csv",
                "--config",
                &config_arg,
            ])
            .output()
            .unwrap()
    })
    .await
    .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout).to_string();
    assert!(
        out.status.success(),
        "{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        stdout.starts_with("\u{feff}Slack user,Name,Policy version,Acknowledged at\r\n"),
        "{stdout}"
    );
    assert!(
        stdout.contains(&format!(
            "{AGENT},{},2026-11,2026-12-01T01:00:00+00:00\r\n",
            bot.slack.user_name(AGENT)
        )),
        "{stdout}"
    );
    assert!(
        stdout.contains(&format!(
            "{AGENT2},{},2026-11,\r\n",
            bot.slack.user_name(AGENT2)
        )),
        "{stdout}"
    );
    assert!(
        stdout.contains(&format!(
            "{MGR1},{},2026-11,\r\n",
            bot.slack.user_name(MGR1)
        )),
        "{stdout}"
    );
    assert!(!stdout.contains(GUEST), "a guest is not staff: {stdout}");
    // Listing names people: it is audited like an export.
    tokio::time::sleep(Duration::from_millis(50)).await;
    let logged = bot
        .store
        .log_entries()
        .map(Result::unwrap)
        .filter(|e| e.details.get("format").map(String::as_str) == Some("acknowledgements-csv"))
        .count();
    assert_eq!(logged, 1);
}

#[tokio::test]
async fn in_japanese_the_policy_asks_for_確認しました_and_records_it() {
    let clock = Arc::new(ManualClock::new("2026-12-01T01:00:00Z".parse().unwrap()));
    let bot = TestBot::start_with(Options {
        clock,
        locale: escalation_bot::i18n::Locale::Ja,
        tweak: with_group,
        ..Options::default()
    })
    .await;
    let policy = shown(&bot.escalate(AGENT, "方針").await);
    assert!(
        policy
            .text
            .contains("*カスタマーハラスメントに関する当社の方針* 版：2026-11"),
        "{}",
        policy.text
    );
    assert!(policy.blocks.to_string().contains("確認しました"));
    let seen = bot.ephemerals_for(AGENT).len();
    bot.click(AGENT, &policy, "policy_ack").await;
    let answer = next_ephemeral(&bot, AGENT, seen).await;
    assert!(
        // The test bot counts time in UTC, which a Japanese sentence names.
        answer
            .contains("方針（版：2026-11）を2026年12月1日 01:00 UTCに確認したことを記録しました。"),
        "{answer}"
    );
}

/// The consultation desk may send the reminders too (the issue: "desk or managers").
#[tokio::test]
async fn the_consultation_desk_may_send_reminders() {
    let clock = Arc::new(ManualClock::new("2026-12-01T01:00:00Z".parse().unwrap()));
    let bot = TestBot::start_with(Options {
        clock,
        tweak: |s| {
            with_group(s);
            desk(s, false);
        },
        ..Options::default()
    })
    .await;
    bot.add_desk();
    bot.slack.add_usergroup(GROUP, &[AGENT, AGENT2]);
    let seen = bot.ephemerals_for(HR1).len();
    let started = bot.escalate(HR1, "policy remind").await;
    assert!(
        started.text().contains("Looking up who has not read"),
        "{}",
        started.text()
    );
    let done = next_ephemeral(&bot, HR1, seen).await;
    assert!(done.contains("Reminded 2 people"), "{done}");
    assert_eq!(dms(&bot, AGENT).len(), 1);
    assert_eq!(dms(&bot, AGENT2).len(), 1);
}
