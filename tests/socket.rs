//! Socket Mode: the same commands, interactions and events arrive over a websocket the
//! bot opened (apps.connections.open with the app-level token, against a loopback
//! stand-in), and each acknowledgement carries what the HTTP response would have.

mod common;

use common::*;
use escalation_bot::domain::{CaseId, CaseState};
use serde_json::json;
use slack_standin::Author;
use slack_standin::web_api::{APP_ID, TEAM_ID};

/// Requests counted under `endpoint` with `status`, as /metrics shows them.
fn requests(bot: &TestBot, endpoint: &str, status: u16) -> u64 {
    let ctx = bot.app().context();
    let line =
        format!("escalation_bot_requests_total{{endpoint=\"{endpoint}\",status=\"{status}\"}} ");
    ctx.metrics
        .render(&ctx.store, ctx.clock.now())
        .lines()
        .find_map(|l| l.strip_prefix(&line)?.parse().ok())
        .unwrap_or(0)
}

async fn socket_bot() -> TestBot {
    let bot = TestBot::start_with(Options {
        socket_mode: true,
        ..Options::default()
    })
    .await;
    bot.slack
        .socket()
        .expect("socket mode is on")
        .wait_connected(1)
        .await
        .expect("the bot connects");
    bot
}

/// Sends `/escalate text` over the socket; the acknowledgement's reply text, if any.
async fn escalate(bot: &TestBot, text: &str) -> Option<String> {
    let ack = bot
        .slack
        .socket()
        .expect("socket mode is on")
        .send("slash_commands", command(text))
        .await
        .expect("acknowledged");
    ack["payload"]["text"].as_str().map(str::to_owned)
}

fn command(text: &str) -> serde_json::Value {
    json!({
        "token": "legacy", "team_id": TEAM_ID, "team_domain": "standin",
        "channel_id": SUPPORT, "channel_name": "support", "user_id": AGENT, "user_name": "agent1",
        "command": "/escalate", "text": text, "api_app_id": APP_ID,
        "response_url": "http://127.0.0.1:9/hooks/x", "trigger_id": "1.2.3",
    })
}

#[tokio::test]
async fn a_command_an_interaction_and_an_event_round_trip_over_socket_mode() {
    let bot = socket_bot().await;
    let socket = bot.slack.socket().unwrap();
    let opened = bot.slack.calls_to("apps.connections.open");
    assert!(opened[0].authorized, "connected with the app-level token");

    // A slash command: the acknowledgement carries the ephemeral reply.
    let ack = socket
        .send(
            "slash_commands",
            command("cust-1 threat Said he would come by"),
        )
        .await
        .unwrap();
    assert_eq!(ack["payload"]["response_type"], "ephemeral");
    assert!(ack["payload"]["text"].as_str().unwrap().contains("ESC-1"));
    bot.settle().await;

    // An interaction: the executive takes the case from the page.
    let page = bot.page(EXEC1);
    let payload = json!({
        "type": "block_actions", "team": {"id": TEAM_ID}, "user": {"id": EXEC1, "team_id": TEAM_ID},
        "api_app_id": APP_ID, "trigger_id": "4.5.6",
        "container": {"type": "message", "message_ts": page.ts, "channel_id": page.channel},
        "channel": {"id": page.channel},
        "actions": [{"type": "button", "action_id": "take_case", "value": "ESC-1", "block_id": "b"}]
    });
    let ack = socket.send("interactive", payload).await.unwrap();
    assert!(
        ack.get("payload").is_none(),
        "a click is acknowledged empty"
    );
    assert!(matches!(
        bot.case(CaseId::new(1)).state,
        CaseState::Taken { .. }
    ));

    // An event: a reaction in a support channel opens a case.
    let insult = bot.slack.post_as(
        Author::person("U0CUST", "T0GUEST"),
        SUPPORT,
        "you idiot",
        None,
    );
    let event = json!({
        "token": "legacy", "team_id": TEAM_ID, "api_app_id": APP_ID, "type": "event_callback",
        "event_id": "Ev0SOCKET", "event_time": 1,
        "event": {"type": "reaction_added", "user": AGENT, "reaction": "rotating_light",
                  "item": {"type": "message", "channel": SUPPORT, "ts": insult.ts}}
    });
    socket.send("events_api", event).await.unwrap();
    for _ in 0..500 {
        if bot.store.case(CaseId::new(2)).unwrap().is_some() {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(10)).await;
    }
    assert_eq!(
        bot.case(CaseId::new(2)).evidence.unwrap().quote,
        "you idiot"
    );

    // Counted as the same requests over HTTP would be.
    for endpoint in ["commands", "interactivity", "events"] {
        assert_eq!(requests(&bot, endpoint, 200), 1, "{endpoint}");
    }
}

#[tokio::test]
async fn the_bot_reconnects_when_slack_asks() {
    let bot = socket_bot().await;
    let socket = bot.slack.socket().unwrap();
    socket.disconnect();
    socket.wait_connected(2).await.expect("the bot reconnects");
    let reply = escalate(&bot, "cust-2 other After reconnecting").await;
    assert!(reply.unwrap().contains("ESC-1"));
}

#[tokio::test]
async fn a_malformed_envelope_is_acknowledged_and_changes_nothing() {
    let bot = socket_bot().await;
    let socket = bot.slack.socket().unwrap();
    let ack = socket
        .send("slash_commands", json!({"text": "no user, no channel"}))
        .await
        .unwrap();
    assert!(ack.get("payload").is_none());
    assert_eq!(bot.store.tallies().unwrap().cases_total, 0);
    assert_eq!(
        requests(&bot, "commands", 400),
        1,
        "counted as a bad request"
    );
}

#[tokio::test]
async fn an_envelope_for_another_workspace_or_app_is_acknowledged_and_ignored() {
    let bot = TestBot::start_with(Options {
        socket_mode: true,
        tweak: |s| {
            s.slack.team_id = Some(TEAM_ID.into());
            s.slack.app_id = Some(APP_ID.into());
        },
        ..Options::default()
    })
    .await;
    let socket = bot.slack.socket().expect("socket mode is on");
    socket.wait_connected(1).await.expect("the bot connects");

    let mut elsewhere = command("cust-1 threat From another workspace");
    elsewhere["team_id"] = json!("T0ELSEWHERE");
    let ack = socket.send("slash_commands", elsewhere).await.unwrap();
    assert!(
        ack.get("payload").is_none(),
        "no reply to another workspace"
    );
    let mut other_app = command("cust-1 threat For another app");
    other_app["api_app_id"] = json!("A0OTHERAPP");
    let ack = socket.send("slash_commands", other_app).await.unwrap();
    assert!(ack.get("payload").is_none(), "no reply for another app");
    assert_eq!(bot.store.tallies().unwrap().cases_total, 0);
    assert_eq!(requests(&bot, "commands", 403), 2, "counted as HTTP would");

    // Ours still works.
    let reply = escalate(&bot, "cust-1 threat Said he would come by").await;
    assert!(reply.unwrap().contains("ESC-1"));
}

/// In Socket Mode nothing comes over HTTP but health checks: Slack's routes are not there,
/// even for a request signed with the right secret.
#[tokio::test]
async fn the_http_slack_routes_are_not_found_in_socket_mode() {
    let bot = socket_bot().await;
    let answer = bot.escalate(AGENT, "cust-1 threat Over HTTP").await;
    assert_eq!(answer.status, 404, "{}", answer.body);
    let answer = bot.sender.url_verification("challenge").await;
    assert_eq!(answer.status, 404, "{}", answer.body);
    let insult = bot.slack.post_as(
        Author::person("U0CUST", "T0GUEST"),
        SUPPORT,
        "you idiot",
        None,
    );
    let answer = bot.sender.react(AGENT, &insult, "rotating_light").await;
    assert_eq!(answer.status, 404, "{}", answer.body);
    assert_eq!(bot.store.tallies().unwrap().cases_total, 0);
    // The same command over the socket works.
    let reply = escalate(&bot, "cust-1 threat Over the socket").await;
    assert!(reply.unwrap().contains("ESC-1"));
}

/// A connection whose far end vanished without a close (a NAT that forgot it) is noticed
/// by the bot's pings going unanswered, and replaced, well within a minute. Time is the
/// bot's manual clock: nothing here waits for real seconds to pass.
#[tokio::test]
async fn a_half_open_socket_is_noticed_and_replaced_within_a_minute() {
    use escalation_bot::clock::ManualClock;
    use escalation_bot::slack::socket::{IDLE_TIMEOUT, PING_EVERY};
    use jiff::SignedDuration;

    let clock = std::sync::Arc::new(ManualClock::new(jiff::Timestamp::now()));
    let bot = TestBot::start_with(Options {
        socket_mode: true,
        clock: clock.clone(),
        ..Options::default()
    })
    .await;
    let socket = bot.slack.socket().expect("socket mode is on");
    socket.wait_connected(1).await.expect("the bot connects");
    assert!(IDLE_TIMEOUT < SignedDuration::from_mins(1));
    // One round trip first: the bot is past connecting and serving the socket.
    let reply = escalate(&bot, "cust-2 other Before the clock moves").await;
    assert!(reply.unwrap().contains("ESC-1"));

    // A healthy connection: the bot pings, Slack answers, nothing is replaced however long.
    for round in 1..=6 {
        clock.advance(PING_EVERY);
        wait_until(|| socket.pings() >= round).await;
    }
    assert_eq!(
        socket.connections(),
        1,
        "pings answered: the connection is kept"
    );

    // Slack's side goes quiet: the pings go unanswered and the connection is given up.
    socket.go_silent();
    let step = SignedDuration::from_secs(5);
    let mut waited = SignedDuration::ZERO;
    while socket.connections() < 2 && waited <= IDLE_TIMEOUT + PING_EVERY {
        clock.advance(step);
        waited += step;
        for _ in 0..20 {
            if socket.connections() >= 2 {
                break;
            }
            tokio::task::yield_now().await;
            tokio::time::sleep(std::time::Duration::from_millis(5)).await;
        }
    }
    socket
        .wait_connected(2)
        .await
        .expect("the bot reconnects after the idle timeout");
    assert!(
        waited < SignedDuration::from_mins(1),
        "noticed after {waited:?} of silence"
    );
    assert!(
        waited >= IDLE_TIMEOUT - step,
        "not before the idle timeout: {waited:?}"
    );

    // And the new connection works.
    let mut after = command("cust-3 other After a dead connection");
    after["trigger_id"] = json!("7.8.9");
    let ack = socket.send("slash_commands", after).await.unwrap();
    assert!(ack["payload"]["text"].as_str().unwrap().contains("ESC-2"));
}

/// Polls `ready` until it holds (the bot acts on its own tasks).
async fn wait_until(ready: impl Fn() -> bool) {
    for _ in 0..500 {
        if ready() {
            return;
        }
        tokio::time::sleep(std::time::Duration::from_millis(10)).await;
    }
    panic!("the condition never held");
}

/// Slack asks for a reconnect right behind an envelope: the bot opens a new connection,
/// and the envelope it already received is still answered on the old one, once.
#[tokio::test]
async fn an_envelope_received_just_before_a_disconnect_is_still_acknowledged() {
    let bot = socket_bot().await;
    let socket = bot.slack.socket().unwrap();
    let ack = socket
        .send_then_disconnect("slash_commands", command("cust-5 threat Right before"))
        .await
        .expect("acknowledged on the old connection");
    assert!(
        ack["payload"]["text"].as_str().unwrap().contains("ESC-1"),
        "{ack}"
    );
    socket.wait_connected(2).await.expect("the bot reconnects");
    // A new command (its own trigger id) on the new connection.
    let mut next = command("cust-6 other On the new connection");
    next["trigger_id"] = json!("7.8.9");
    let ack = socket.send("slash_commands", next).await.unwrap();
    assert!(
        ack["payload"]["text"].as_str().unwrap().contains("ESC-2"),
        "{ack}"
    );
    assert_eq!(bot.store.tallies().unwrap().cases_total, 2);
}
