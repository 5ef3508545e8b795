//! Keeps the bot and the stand-in honest: every Web API call the bot makes during a full
//! run is checked against Slack's published OpenAPI description (tests/data): the method
//! exists, and every parameter Slack requires (other than the token, which travels in the
//! Authorization header) is sent.

mod common;

use std::collections::BTreeSet;
use std::time::Duration;

use common::*;
use serde_json::Value;

fn spec() -> Value {
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/data/slack-web-api-openapi-v2.json"
    ))
    .expect("the OpenAPI description is in tests/data");
    serde_json::from_str(&text).expect("it is JSON")
}

/// Methods Slack added after the published description (2021), with the arguments its
/// current documentation (docs.slack.dev/reference/methods) marks required.
const NEWER_METHODS: &[(&str, &[&str])] = &[
    ("files.getUploadURLExternal", &["filename", "length"]),
    ("files.completeUploadExternal", &["files"]),
];

fn required_params(spec: &Value, method: &str) -> Option<Vec<String>> {
    if let Some((_, required)) = NEWER_METHODS.iter().find(|(m, _)| *m == method) {
        return Some(required.iter().map(|r| r.to_string()).collect());
    }
    let path = spec["paths"].get(format!("/{method}"))?;
    let operation = path.as_object()?.values().next()?;
    Some(
        operation["parameters"]
            .as_array()
            .into_iter()
            .flatten()
            .filter(|p| p["required"] == true && p["name"] != "token")
            .filter_map(|p| p["name"].as_str().map(str::to_owned))
            .collect(),
    )
}

#[tokio::test]
async fn every_web_api_call_matches_slacks_published_description() {
    let bot = TestBot::start_with(Options {
        tweak: |s| s.slack.stats_channel = escalation_bot::domain::ChannelId::parse(STATS),
        ..Options::default()
    })
    .await;
    bot.slack.add_channel(STATS, "leadership");

    // The form, an ephemeral refusal, a page with its permalink, updates, a proposal,
    // an approval and the reporter's DM: every method the lifecycle uses.
    bot.escalate(AGENT, "").await;
    bot.slack
        .wait_for(Duration::from_secs(5), |s| s.views().len() == 1)
        .await
        .unwrap();
    let id = bot.open_case("cust-1 threat Threatened me").await;
    bot.click(AGENT, &bot.card(id), "take_case").await;
    bot.ephemeral_after(AGENT, 0).await;
    bot.click(EXEC1, &bot.page(EXEC1), "take_case").await;
    bot.settle().await;
    bot.click(EXEC1, &bot.card(id), "decide:several").await;
    bot.slack
        .wait_for(Duration::from_secs(5), |s| s.views().len() == 2)
        .await
        .unwrap();
    let form = bot.slack.views().pop().unwrap();
    let answer = bot
        .sender
        .submit(
            EXEC1,
            &form,
            &[("measures", "refund,termination"), ("amount", "90000")],
        )
        .await;
    bot.answer_checks(EXEC1, &answer, "not-needed").await;
    bot.settle().await;
    bot.click(MGR1, &bot.proposal(id), "approve_proposal").await;
    bot.settle().await;

    // Flagging from support channels: the shortcut, a reaction, a suggestion.
    let guest = slack_standin::Author::person("U0GUEST", "T0GUEST");
    let insult = bot.slack.post_as(guest.clone(), SUPPORT, "you idiot", None);
    bot.sender.shortcut(AGENT, &insult).await;
    bot.slack
        .wait_for(Duration::from_secs(5), |s| s.views().len() == 3)
        .await
        .unwrap();
    bot.sender.react(AGENT, &insult, "rotating_light").await;
    let threat = bot
        .slack
        .post_as(guest, SUPPORT, "I know where you live", None);
    bot.sender.message_event(&threat).await;
    bot.slack
        .wait_for(Duration::from_secs(5), |s| {
            !s.calls_to("conversations.history").is_empty()
                && !s.calls_to("conversations.replies").is_empty()
        })
        .await
        .unwrap();
    bot.settle().await;

    // The weekly report with its chart.
    let ctx = bot.app().context();
    let now = ctx.clock.now();
    let week = escalation_bot::domain::Week::of(now, &ctx.settings.report.schedule.zone);
    escalation_bot::jobs::report::post_now(&ctx.store, &ctx.slack, &ctx.settings, now, week)
        .await
        .unwrap();
    // And where the native chart is refused, with the chart as an uploaded image.
    bot.slack.refuse_block_types(&["data_visualization"]);
    escalation_bot::jobs::report::post_now(&ctx.store, &ctx.slack, &ctx.settings, now, week)
        .await
        .unwrap();

    let spec = spec();
    // The upload URL is where files.getUploadURLExternal said to send the bytes, not a
    // Web API method.
    let calls: Vec<_> = bot
        .slack
        .calls()
        .into_iter()
        .filter(|c| c.method != slack_standin::web_api::UPLOAD)
        .collect();
    let methods: BTreeSet<&str> = calls.iter().map(|c| c.method.as_str()).collect();
    assert_eq!(
        methods,
        BTreeSet::from([
            "chat.getPermalink",
            "chat.postEphemeral",
            "chat.postMessage",
            "chat.update",
            "conversations.history",
            "conversations.open",
            "conversations.replies",
            "files.completeUploadExternal",
            "files.getUploadURLExternal",
            "auth.test",
            "users.info",
            "views.open",
        ]),
        "the lifecycle's methods changed: update the scopes in the README too"
    );
    for call in &calls {
        let required = required_params(&spec, &call.method)
            .unwrap_or_else(|| panic!("{} is not a Slack Web API method", call.method));
        for name in required {
            assert!(
                call.params.get(&name).is_some_and(|v| !v.is_null()),
                "{} was called without the required {name}: {}",
                call.method,
                call.params
            );
        }
        assert!(call.authorized, "{} without the bot token", call.method);
    }
}
