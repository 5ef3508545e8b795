//! The HTTP edge, black-box: signatures, the replay window, size limits, malformed bodies.
//! Whatever comes in, the answer is a 2xx or a 4xx, and stored data only changes for a
//! well-signed, well-formed request.

mod common;

use std::io::{Read, Write};
use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use common::*;
use escalation_bot::clock::TokioClock;
use escalation_bot::config::Settings;
use escalation_bot::slack::signature;
use http_body_util::Full;
use serde_json::{Value, json};
use slack_standin::sender::unix_now;
use slack_standin::web_api::{APP_ID, BOT_ID, BOT_USER, TEAM_ID};
use slack_standin::{Author, Message};

const FORM: &str = "application/x-www-form-urlencoded";
const JSON: &str = "application/json";
const EVENTS: &str = "/slack/events";
/// What Slack adds when it redelivers an event it thinks we missed.
const FIRST_RETRY: [(&str, &str); 2] = [
    ("X-Slack-Retry-Num", "1"),
    ("X-Slack-Retry-Reason", "http_timeout"),
];

fn command_body(text: &str) -> Vec<u8> {
    serde_urlencoded::to_string([
        ("team_id", "T0STANDIN"),
        ("channel_id", SUPPORT),
        ("user_id", AGENT),
        ("command", "/escalate"),
        ("text", text),
        ("response_url", "http://127.0.0.1:9/hooks/1"),
        ("trigger_id", "1.2.3"),
    ])
    .unwrap()
    .into_bytes()
}

/// Support-channel watching as in tests/flag.rs, with a low repeat limit: a third
/// message within the window is one too many.
fn watching(settings: &mut Settings) {
    watch_support_channels(settings, 2);
}

async fn watching_bot() -> TestBot {
    TestBot::start_with(Options {
        tweak: watching,
        ..Options::default()
    })
    .await
}

fn guest() -> Author {
    Author::person("U0CUST1", ACME_TEAM)
}

/// An Events API delivery of `event` under a chosen `event_id`, as Slack wraps it for
/// this app (so a retry can repeat the id).
fn envelope(event_id: &str, event: Value) -> Vec<u8> {
    json!({
        "token": "legacy-verification-token", "team_id": TEAM_ID, "api_app_id": APP_ID,
        "type": "event_callback", "event_id": event_id, "event_time": unix_now(),
        "event": event,
        "authorizations": [{ "team_id": TEAM_ID, "user_id": BOT_USER, "is_bot": true }],
    })
    .to_string()
    .into_bytes()
}

fn message_event(bot: &TestBot, message: &Message) -> Value {
    let mut event = bot.slack.message_json(message);
    event["channel"] = json!(message.channel);
    event["event_ts"] = json!(message.ts);
    event["channel_type"] = json!("channel");
    event
}

/// Posts an event body signed now, with `headers` added; returns the HTTP status.
async fn post_event(bot: &TestBot, body: Vec<u8>, headers: &[(&str, &str)]) -> u16 {
    let ts = unix_now().to_string();
    let sig = signature::sign(SIGNING_SECRET, &ts, &body);
    let mut request = hyper::Request::post(format!("http://{}{EVENTS}", bot.app().addr()))
        .header("content-type", JSON)
        .header(signature::TIMESTAMP_HEADER, ts)
        .header(signature::SIGNATURE_HEADER, sig);
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    let client = hyper_util::client::legacy::Client::builder(hyper_util::rt::TokioExecutor::new())
        .build_http::<Full<Bytes>>();
    let response = client
        .request(request.body(Full::new(Bytes::from(body))).unwrap())
        .await
        .expect("the bot answers");
    response.status().as_u16()
}

/// Waits until the event work accepted so far is done and its messages went out.
async fn work_done(bot: &TestBot) {
    for _ in 0..500 {
        if bot.store.work_len() == 0 {
            bot.settle().await;
            return;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    panic!("event work did not finish: {} left", bot.store.work_len());
}

async fn assert_nothing_changed(bot: &TestBot) {
    bot.settle().await;
    assert_eq!(bot.store.tallies().unwrap().cases_total, 0);
    assert_eq!(bot.audit().len(), 0);
    assert_eq!(bot.store.outbox_len(), 0);
    assert!(bot.slack.calls().is_empty(), "{:?}", bot.slack.calls());
}

#[tokio::test]
async fn a_wrong_signature_is_refused_with_401_and_changes_nothing() {
    let bot = TestBot::start().await;
    let body = command_body("cust-1 threat forged");
    let ts = unix_now().to_string();
    let forged = signature::sign("not-the-secret", &ts, &body);
    let answer = bot
        .sender
        .post_raw(
            "/slack/commands",
            FORM,
            body.clone(),
            Some(ts.clone()),
            Some(forged),
        )
        .await;
    assert_eq!(answer.status, 401);

    // A valid signature for a different body does not carry over.
    let other = signature::sign(SIGNING_SECRET, &ts, b"text=something+else");
    let answer = bot
        .sender
        .post_raw("/slack/commands", FORM, body, Some(ts), Some(other))
        .await;
    assert_eq!(answer.status, 401);
    assert_nothing_changed(&bot).await;
}

#[tokio::test]
async fn missing_signature_headers_are_refused() {
    let bot = TestBot::start().await;
    let body = command_body("cust-1 threat unsigned");
    let ts = unix_now().to_string();
    let sig = signature::sign(SIGNING_SECRET, &ts, &body);
    for (timestamp, signature) in [(None, None), (Some(ts.clone()), None), (None, Some(sig))] {
        let answer = bot
            .sender
            .post_raw("/slack/commands", FORM, body.clone(), timestamp, signature)
            .await;
        assert_eq!(answer.status, 401);
    }
    assert_nothing_changed(&bot).await;
}

#[tokio::test]
async fn a_stale_timestamp_is_refused_even_with_a_correct_signature() {
    let bot = TestBot::start().await;
    let body = command_body("cust-1 threat replayed");
    for age in [301, 3600, -301] {
        let ts = (unix_now() - age).to_string();
        let sig = signature::sign(SIGNING_SECRET, &ts, &body);
        let answer = bot
            .sender
            .post_raw("/slack/commands", FORM, body.clone(), Some(ts), Some(sig))
            .await;
        assert_eq!(answer.status, 401, "age {age}");
    }
    assert_nothing_changed(&bot).await;
}

#[tokio::test]
async fn a_body_over_one_mebibyte_gets_413() {
    let bot = TestBot::start().await;
    let mut body = command_body("cust-1 other ");
    body.resize(1024 * 1024 + 1, b'x');
    let answer = bot.sender.post_signed("/slack/commands", FORM, body).await;
    assert_eq!(answer.status, 413);
    assert_nothing_changed(&bot).await;
}

/// Without Content-Length nothing is refused up front: the limit has to hold while the
/// chunked body streams in. Raw TCP, so the framing is exactly what is on the wire.
#[tokio::test]
async fn a_chunked_body_over_one_mebibyte_without_content_length_gets_413() {
    let bot = TestBot::start().await;
    let mut body = command_body("cust-1 other ");
    body.resize(1024 * 1024 + 1, b'x');
    let ts = unix_now().to_string();
    let sig = signature::sign(SIGNING_SECRET, &ts, &body);
    let addr = bot.app().addr();
    let answer = tokio::task::spawn_blocking(move || {
        let mut stream = std::net::TcpStream::connect(addr).expect("the bot listens");
        stream
            .set_read_timeout(Some(Duration::from_secs(10)))
            .unwrap();
        let mut reader = stream.try_clone().unwrap();
        // Written from another thread: the bot may answer (and stop reading) before the
        // last chunk, and a blocked write must not keep the answer from being read.
        let writer = std::thread::spawn(move || {
            let head = format!(
                "POST /slack/commands HTTP/1.1\r\nHost: {addr}\r\nContent-Type: {FORM}\r\n\
                 Transfer-Encoding: chunked\r\nConnection: close\r\n\
                 {}: {ts}\r\n{}: {sig}\r\n\r\n",
                signature::TIMESTAMP_HEADER,
                signature::SIGNATURE_HEADER,
            );
            stream.write_all(head.as_bytes())?;
            for chunk in body.chunks(16 * 1024) {
                stream.write_all(format!("{:x}\r\n", chunk.len()).as_bytes())?;
                stream.write_all(chunk)?;
                stream.write_all(b"\r\n")?;
            }
            stream.write_all(b"0\r\n\r\n")
        });
        let mut answer = Vec::new();
        let mut buf = [0; 4096];
        while !answer.windows(4).any(|w| w == b"\r\n\r\n") {
            match reader.read(&mut buf) {
                Ok(0) | Err(_) => break,
                Ok(n) => answer.extend_from_slice(&buf[..n]),
            }
        }
        drop(reader);
        // The writer's outcome does not matter: the bot may close on the rest.
        let _ = writer.join();
        String::from_utf8_lossy(&answer).into_owned()
    })
    .await
    .unwrap();
    assert!(answer.starts_with("HTTP/1.1 413"), "{answer:?}");
    assert_nothing_changed(&bot).await;
}

#[tokio::test]
async fn malformed_signed_bodies_get_400() {
    let bot = TestBot::start().await;
    let cases: [(&str, &str, &[u8]); 7] = [
        ("/slack/commands", FORM, b"this is not a form"),
        (
            "/slack/commands",
            FORM,
            b"text=cust-1+threat+missing+fields",
        ),
        ("/slack/interactivity", FORM, b"payload=not-json"),
        (
            "/slack/interactivity",
            FORM,
            b"payload=%7B%22type%22%3A%22no_such_type%22%7D",
        ),
        ("/slack/interactivity", FORM, b"nopayload=1"),
        ("/slack/events", "application/json", b"{not json"),
        (
            "/slack/events",
            "application/json",
            b"{\"type\":\"mystery\"}",
        ),
    ];
    for (path, content_type, body) in cases {
        let answer = bot
            .sender
            .post_signed(path, content_type, body.to_vec())
            .await;
        assert_eq!(
            answer.status,
            400,
            "{path} {}",
            String::from_utf8_lossy(body)
        );
    }
    // Invalid UTF-8, correctly signed.
    let answer = bot
        .sender
        .post_signed("/slack/events", "application/json", vec![0xff, 0xfe, b'{'])
        .await;
    assert_eq!(answer.status, 400);
    assert_nothing_changed(&bot).await;
}

#[tokio::test]
async fn a_click_on_a_case_that_does_not_exist_is_answered_and_changes_nothing() {
    let bot = TestBot::start().await;
    let payload = serde_json::json!({
        "type": "block_actions",
        "team": {"id": "T0STANDIN"},
        "user": {"id": EXEC1},
        "api_app_id": "A0ESCALATE",
        "container": {"type": "message", "message_ts": "1.2", "channel_id": ESCALATIONS},
        "trigger_id": "1.2.3",
        "channel": {"id": ESCALATIONS},
        "actions": [{"type": "button", "action_id": "take_case", "value": "ESC-999"}]
    });
    let answer = bot.sender.interaction(&payload).await;
    assert_eq!(answer.status, 200);
    let refusal = bot.ephemeral_after(EXEC1, 0).await;
    assert!(
        refusal.text.contains("There is no case ESC-999"),
        "{}",
        refusal.text
    );
    assert_eq!(bot.audit().len(), 0);
}

#[tokio::test]
async fn health_and_unknown_routes() {
    let bot = TestBot::start().await;
    let client = hyper_util::client::legacy::Client::builder(hyper_util::rt::TokioExecutor::new())
        .build_http::<http_body_util::Empty<bytes::Bytes>>();
    let base = format!("http://{}", bot.app().addr());
    let status = |path: &str, method: hyper::Method| {
        let request = hyper::Request::builder()
            .method(method)
            .uri(format!("{base}{path}"))
            .body(http_body_util::Empty::new())
            .unwrap();
        let client = client.clone();
        async move { client.request(request).await.unwrap().status().as_u16() }
    };
    assert_eq!(status("/healthz", hyper::Method::GET).await, 200);
    assert_eq!(status("/slack/commands", hyper::Method::GET).await, 405);
    assert_eq!(status("/nowhere", hyper::Method::POST).await, 404);
}

#[tokio::test]
async fn the_events_url_challenge_is_answered() {
    let bot = TestBot::start().await;
    let answer = bot
        .sender
        .url_verification("3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P")
        .await;
    assert_eq!(answer.status, 200);
    assert_eq!(
        answer.json()["challenge"],
        "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P"
    );
}

/// Slack's worked example from "Verifying requests from Slack", sent to the running bot
/// with its clock set to the example's moment: the bot accepts it as a signed slash
/// command (an empty `/webhook-collect`, which is not ours and is answered so).
#[tokio::test]
async fn slacks_published_signing_example_is_accepted_by_the_running_bot() {
    const SECRET: &str = "8f742231b10e8888abcd99yyyzzz85a5";
    const TIMESTAMP: &str = "1531420618";
    const BODY: &str = "token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text=&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c";
    const SIGNATURE: &str = "v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503";

    let clock = TokioClock::starting_at(jiff::Timestamp::from_second(1531420618 + 30).unwrap());
    let bot = TestBot::start_with(Options {
        clock: Arc::new(clock),
        signing_secret: SECRET,
        ..Options::default()
    })
    .await;
    // Slack's example user, as a member of the workspace (the bot answers staff only).
    bot.slack.add_user("U2CERLKJA", "roadrunner");
    let sender = &bot.sender;
    let answer = sender
        .post_raw(
            "/slack/commands",
            FORM,
            BODY.as_bytes().to_vec(),
            Some(TIMESTAMP.into()),
            Some(SIGNATURE.into()),
        )
        .await;
    assert_eq!(answer.status, 200, "{}", answer.body);
    // Signed and read; not our command, so it is answered with a sentence, not a form.
    assert!(
        answer
            .text()
            .contains("`/webhook-collect` is not a command of this bot"),
        "{}",
        answer.body
    );
    assert!(bot.slack.calls_to("views.open").is_empty());

    // One changed byte and the same headers: refused.
    let tampered = BODY.replace("roadrunner", "roadrunnex");
    let answer = sender
        .post_raw(
            "/slack/commands",
            FORM,
            tampered.into_bytes(),
            Some(TIMESTAMP.into()),
            Some(SIGNATURE.into()),
        )
        .await;
    assert_eq!(answer.status, 401);
}

#[tokio::test]
async fn random_signed_junk_never_gets_a_5xx() {
    let bot = TestBot::start().await;
    fastrand::seed(7);
    for round in 0..200 {
        let len = fastrand::usize(0..300);
        let mut body: Vec<u8> = (0..len).map(|_| fastrand::u8(..)).collect();
        if round % 3 == 0 {
            body = format!("payload={}", String::from_utf8_lossy(&body)).into_bytes();
        }
        let path = ["/slack/commands", "/slack/interactivity", "/slack/events"][round % 3];
        let answer = bot.sender.post_signed(path, FORM, body).await;
        assert!(
            (200..500).contains(&answer.status) && answer.status != 401,
            "round {round}: {} {}",
            answer.status,
            answer.body
        );
    }
}

#[tokio::test]
async fn a_replayed_command_opens_no_second_case() {
    let bot = TestBot::start().await;
    let body = command_body("cust-1 threat Said he would come back");
    let first = bot
        .sender
        .post_signed("/slack/commands", FORM, body.clone())
        .await;
    let replay = bot.sender.post_signed("/slack/commands", FORM, body).await;
    assert_eq!((first.status, replay.status), (200, 200));
    assert!(first.text().contains("ESC-1") && replay.text().contains("ESC-1"));
    bot.settle().await;
    assert_eq!(bot.store.tallies().unwrap().cases_total, 1);
    assert_eq!(bot.audit().len(), 1);
    let cards = bot
        .slack
        .messages()
        .iter()
        .filter(|m| m.channel == ESCALATIONS && m.thread_ts.is_none())
        .count();
    assert_eq!(cards, 1);
}

#[tokio::test]
async fn a_replayed_form_submission_opens_no_second_case() {
    let bot = TestBot::start().await;
    bot.escalate(AGENT, "").await;
    bot.slack
        .wait_for(std::time::Duration::from_secs(5), |s| s.views().len() == 1)
        .await
        .unwrap();
    let form = bot.slack.views().pop().unwrap();
    let inputs = [
        ("customer", "cust-5"),
        ("category", "threat"),
        ("summary", "x"),
    ];
    let first = bot.sender.submit(AGENT, &form, &inputs).await;
    let again = bot.sender.submit(AGENT, &form, &inputs).await;
    assert!(
        first.body.contains("ESC-1") && again.body.contains("ESC-1"),
        "{}",
        again.body
    );
    assert_eq!(bot.store.tallies().unwrap().cases_total, 1);
}

#[tokio::test]
async fn requests_for_another_workspace_or_app_are_refused() {
    let bot = TestBot::start_with(Options {
        tweak: |s| {
            s.slack.team_id = Some("T0STANDIN".into());
            s.slack.app_id = Some("A0OTHERAPP".into());
        },
        ..Options::default()
    })
    .await;
    // The stand-in's requests name app A0ESCALATE: not this bot's.
    let answer = bot.escalate(AGENT, "cust-1 threat wrong app").await;
    assert_eq!(answer.status, 403);
    let clicked = bot
        .sender
        .interaction(&serde_json::json!({
            "type": "block_actions", "team": {"id": "T0ELSEWHERE"}, "user": {"id": EXEC1},
            "api_app_id": "A0OTHERAPP", "trigger_id": "1.2",
            "container": {"type": "message", "message_ts": "1.2", "channel_id": ESCALATIONS},
            "actions": [{"type": "button", "action_id": "take_case", "value": "ESC-1"}]
        }))
        .await;
    assert_eq!(clicked.status, 403, "wrong workspace");
    // Slack's URL challenge carries neither, and is answered.
    assert_eq!(bot.sender.url_verification("c").await.status, 200);
    assert_nothing_changed(&bot).await;
}

#[tokio::test]
async fn a_retried_event_is_acknowledged_and_handled_once() {
    let bot = TestBot::start().await;
    let event = serde_json::json!({
        "token": "legacy", "team_id": "T0STANDIN", "api_app_id": "A0ESCALATE",
        "type": "event_callback", "event_id": "Ev0RETRIED", "event_time": 1790000000,
        "event": {"type": "reaction_added", "user": AGENT, "reaction": "rotating_light",
                  "item": {"type": "message", "channel": SUPPORT, "ts": "1790000000.000100"},
                  "event_ts": "1790000000.000200"}
    });
    let body = event.to_string().into_bytes();
    let first = bot
        .sender
        .post_signed("/slack/events", "application/json", body.clone())
        .await;
    let ts = unix_now().to_string();
    let sig = signature::sign(SIGNING_SECRET, &ts, &body);
    let retry = bot
        .sender
        .post_raw(
            "/slack/events",
            "application/json",
            body,
            Some(ts),
            Some(sig),
        )
        .await;
    assert_eq!((first.status, retry.status), (200, 200));
    let again = bot
        .store
        .accept_event("Ev0RETRIED", jiff::Timestamp::now(), None)
        .await
        .unwrap();
    assert!(!again, "recorded once");
    // The stand-in has no such message: the case opens without it (the reaction is
    // never dropped), and only once however often Slack delivered the event.
    for _ in 0..500 {
        if bot.store.work_len() == 0 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(10)).await;
    }
    bot.settle().await;
    assert_eq!(bot.store.work_len(), 0);
    assert_eq!(bot.store.tallies().unwrap().cases_total, 1);
}

#[tokio::test]
async fn a_retried_message_event_is_suggested_once() {
    let bot = watching_bot().await;
    let insult = bot
        .slack
        .post_as(guest(), SUPPORT, "You idiot, refund everything now", None);
    let body = envelope("Ev0MSGRETRY", message_event(&bot, &insult));
    assert_eq!(post_event(&bot, body.clone(), &[]).await, 200);
    assert_eq!(post_event(&bot, body, &FIRST_RETRY).await, 200);
    let suggestion = bot.ephemeral_after(LEAD, 0).await;
    assert_eq!(suggestion.channel, SUPPORT);
    work_done(&bot).await;
    assert_eq!(
        bot.slack.calls_to("chat.postEphemeral").len(),
        1,
        "{:?}",
        bot.slack.calls_to("chat.postEphemeral")
    );
    assert_eq!(bot.store.tallies().unwrap().cases_total, 0);
}

/// A retry is the same message: counting it would make a customer look persistent, and
/// spend the one suggestion per burst on a delivery that is then dropped as a duplicate.
#[tokio::test]
async fn retries_of_a_message_do_not_count_towards_repeated_contact() {
    let bot = watching_bot().await;
    let first = bot.slack.post_as(guest(), SUPPORT, "Any update? (0)", None);
    let body = envelope("Ev0POLITE0", message_event(&bot, &first));
    assert_eq!(post_event(&bot, body.clone(), &[]).await, 200);
    assert_eq!(post_event(&bot, body.clone(), &FIRST_RETRY).await, 200);
    let second_retry = [
        ("X-Slack-Retry-Num", "2"),
        ("X-Slack-Retry-Reason", "http_timeout"),
    ];
    assert_eq!(post_event(&bot, body, &second_retry).await, 200);
    work_done(&bot).await;
    assert!(bot.slack.calls_to("chat.postEphemeral").is_empty());

    // Two more messages make three: one too many, now and only now.
    for n in 1..3 {
        let message = bot
            .slack
            .post_as(guest(), SUPPORT, &format!("Any update? ({n})"), None);
        assert_eq!(bot.sender.message_event(&message).await.status, 200);
    }
    let suggestion = bot.ephemeral_after(LEAD, 0).await;
    assert!(
        suggestion.text.contains("contacted us 3 times in 30 min"),
        "{}",
        suggestion.text
    );
    work_done(&bot).await;
    assert_eq!(bot.ephemerals_for(LEAD).len(), 1);
}

#[tokio::test]
async fn the_bots_own_messages_and_reactions_cause_nothing() {
    let bot = watching_bot().await;
    // Words that, from a helpdesk integration, name a customer and read as abuse.
    let text = "Customer ID: initech\nYou idiot, refund everything now";
    let ours = [
        // Known by the app it was posted with...
        json!({"type": "message", "subtype": "bot_message", "bot_id": BOT_ID,
               "app_id": APP_ID, "team": TEAM_ID, "text": text}),
        // ...or by the bot user, as in the envelope's authorizations.
        json!({"type": "message", "user": BOT_USER, "bot_id": BOT_ID,
               "team": TEAM_ID, "text": text}),
    ];
    for (n, mut event) in ours.into_iter().enumerate() {
        event["channel"] = json!(SUPPORT);
        event["ts"] = json!(format!("1790000000.00010{n}"));
        let body = envelope(&format!("Ev0OURS{n}"), event);
        assert_eq!(post_event(&bot, body, &[]).await, 200);
    }
    assert_eq!(bot.store.work_len(), 0, "accepted with no work");
    let insult = bot.slack.post_as(guest(), SUPPORT, "You idiot", None);
    assert_eq!(
        bot.sender
            .react(BOT_USER, &insult, "rotating_light")
            .await
            .status,
        200
    );
    assert_eq!(
        bot.store.work_len(),
        0,
        "the bot's reaction reports nothing"
    );

    // The same words from someone else's integration are suggested: the one suggestion.
    let helpdesk = Author {
        user: "U0ZENDESK".into(),
        team: TEAM_ID.into(),
        bot_id: Some("B0ZENDESK".into()),
    };
    let chat = bot.slack.post_as(helpdesk, SUPPORT, text, None);
    assert_eq!(bot.sender.message_event(&chat).await.status, 200);
    bot.ephemeral_after(LEAD, 0).await;
    work_done(&bot).await;
    assert_eq!(bot.slack.calls_to("chat.postEphemeral").len(), 1);
    assert_eq!(bot.store.tallies().unwrap().cases_total, 0);
}
