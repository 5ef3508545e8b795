//! The HTTP edge, black-box: signatures, the replay window, size limits, malformed bodies.
//! Whatever comes in, the answer is a 2xx or a 4xx, and stored data only changes for a
//! well-signed, well-formed request.

mod common;

use std::sync::Arc;

use common::*;
use escalation_bot::clock::TokioClock;
use escalation_bot::slack::signature;
use escalation_bot::standin::sender::unix_now;

const FORM: &str = "application/x-www-form-urlencoded";

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
/// command (an empty `/webhook-collect`, which opens the form).
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
    bot.slack
        .wait_for(std::time::Duration::from_secs(5), |s| {
            !s.calls_to("views.open").is_empty()
        })
        .await
        .expect("the empty command opens the form");
    let opened = bot.slack.calls_to("views.open");
    assert_eq!(
        opened[0].params["trigger_id"],
        "398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c"
    );

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
    assert_eq!(
        bot.store.work_len(),
        0,
        "a reaction outside support channels is no work"
    );
}
