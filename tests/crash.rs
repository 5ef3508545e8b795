//! The real binary, killed with SIGKILL at random moments under load, many times over, and
//! restarted on the same store: every case whose creation was acknowledged is there, none
//! twice, each card and page went out exactly once, and every due page was delivered. The
//! paging timeout is a second, so re-pages and @here alerts fall due, fire and are
//! delivered while the bot is being killed too: each goes out once.
//! Also: SIGTERM stops the bot cleanly.
//!
//! `ESCALATION_BOT_CRASH_CYCLES` sets the number of kill cycles (default 12).

mod common;

use std::collections::{HashMap, HashSet};
use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::sync::mpsc;
use std::time::Duration;

use common::*;
use escalation_bot::domain::CaseId;
use slack_standin::{Sender, StandIn};

const BIN: &str = env!("CARGO_BIN_EXE_escalation-bot");

struct Bot {
    child: Child,
    url: String,
}

fn write_config(dir: &Path, api_url: &str) -> std::path::PathBuf {
    let path = dir.join("escalation-bot.toml");
    let text = format!(
        r#"
        [server]
        bind = "127.0.0.1:0"
        [store]
        path = "{store}"
        [slack]
        api_url = "{api_url}"
        escalation_channel = "{ESCALATIONS}"
        [people]
        executives = ["{EXEC1}", "{EXEC2}"]
        managers = ["{MGR1}", "{MGR2}"]
        [paging]
        ack_timeout = "1s"
        max_rounds = 1
        [delivery]
        channel_rate = 1000.0
        retry_base = "50ms"
        retry_cap = "500ms"
        call_timeout = "2s"
        "#,
        store = dir.join("store").display()
    );
    std::fs::write(&path, text).unwrap();
    path
}

/// Starts `serve` and waits for it to say where it listens.
fn start(config: &Path) -> Bot {
    let mut child = Command::new(BIN)
        .args(["serve", "--config", config.to_str().unwrap()])
        .env_clear()
        .env("PATH", "/usr/bin:/bin")
        .env("SLACK_BOT_TOKEN", TOKEN)
        .env("SLACK_SIGNING_SECRET", SIGNING_SECRET)
        .env("RUST_LOG", "info")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the binary starts");
    let stderr = child.stderr.take().expect("stderr is piped");
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        // Keep reading to the end so the bot never blocks on a full pipe.
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            if let Some(addr) = line.split("addr=").nth(1) {
                let _ = tx.send(addr.split_whitespace().next().unwrap_or("").to_owned());
            }
        }
    });
    let addr = rx
        .recv_timeout(Duration::from_secs(30))
        .expect("the bot said where it listens");
    Bot {
        child,
        url: format!("http://{addr}"),
    }
}

fn signal(bot: &Bot, name: &str) {
    let status = Command::new("kill")
        .args([format!("-{name}"), bot.child.id().to_string()])
        .status()
        .expect("kill runs");
    assert!(status.success());
}

fn case_of(text: &str) -> Option<CaseId> {
    text.split(|c: char| !(c.is_ascii_alphanumeric() || c == '-'))
        .find_map(|w| w.starts_with("ESC-").then(|| CaseId::parse(w)).flatten())
}

/// Sends escalations from `tasks` concurrent agents until the bot stops answering;
/// returns (customer, case) for every one acknowledged.
async fn load(sender: Arc<Sender>, cycle: usize, tasks: usize) -> Vec<(String, CaseId)> {
    let mut handles = Vec::new();
    for task in 0..tasks {
        let sender = sender.clone();
        handles.push(tokio::spawn(async move {
            let mut acked = Vec::new();
            for n in 0.. {
                let customer = format!("c{cycle}-{task}-{n}");
                let answer = sender
                    .command(AGENT, SUPPORT, &format!("{customer} threat Load test"))
                    .await;
                if answer.status != 200 {
                    break;
                }
                let id = case_of(&answer.text()).expect("an acknowledgement names the case");
                acked.push((customer, id));
            }
            acked
        }));
    }
    let mut acked = Vec::new();
    for handle in handles {
        acked.extend(handle.await.expect("load task"));
    }
    acked
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn killed_at_random_moments_the_bot_loses_and_repeats_nothing() {
    let cycles: usize = std::env::var("ESCALATION_BOT_CRASH_CYCLES")
        .ok()
        .and_then(|c| c.parse().ok())
        .unwrap_or(12);
    let slack = Arc::new(StandIn::start(TOKEN).await.unwrap());
    slack.add_channel(ESCALATIONS, "escalations");
    for (id, name) in [(AGENT, "agent1"), (EXEC1, "exec1"), (EXEC2, "exec2")] {
        slack.add_user(id, name);
    }
    slack.add_channel(SUPPORT, "support");
    let dir = tempfile::tempdir().unwrap();
    let config = write_config(dir.path(), &slack.api_url());
    fastrand::seed(20261122);

    let mut acked: Vec<(String, CaseId)> = Vec::new();
    for cycle in 0..cycles {
        let mut bot = start(&config);
        let sender = Arc::new(Sender::new(bot.url.clone(), SIGNING_SECRET, slack.clone()));
        let load = tokio::spawn(load(sender, cycle, 6));
        tokio::time::sleep(Duration::from_millis(fastrand::u64(30..300))).await;
        bot.child.kill().expect("SIGKILL");
        bot.child.wait().expect("reaped");
        acked.extend(load.await.expect("load"));
    }
    assert!(
        acked.len() > cycles,
        "the load got through: {} cases",
        acked.len()
    );
    eprintln!(
        "{} cases acknowledged over {cycles} kill cycles",
        acked.len()
    );

    // Every case the store holds is owed its card, acknowledged or not: a kill between
    // the commit and the answer leaves a case nobody was told about, which must still go
    // out. Read them while no bot holds the store.
    let stored: HashSet<String> = {
        let store = reopen(&dir.path().join("store"));
        let stored: HashSet<String> = store.cases().map(|c| c.unwrap().id.to_string()).collect();
        // A case is one change over several trees (the case, the tallies, its deliveries
        // and timer...): a kill never leaves one half written, so the tallies count exactly
        // the cases there are.
        assert_eq!(
            store.tallies().unwrap().cases_total,
            stored.len() as u64,
            "the tallies agree with the cases stored"
        );
        stored
    };
    // One last start: everything owed to Slack goes out.
    let bot = start(&config);
    let expected: HashSet<String> = acked.iter().map(|(_, id)| id.to_string()).collect();
    assert!(expected.is_subset(&stored), "an acknowledged case was lost");
    let tagged = |slack: &StandIn, pred: &dyn Fn(&slack_standin::Message) -> bool| {
        slack
            .messages()
            .into_iter()
            .filter(|m| pred(m))
            .filter_map(|m| {
                m.metadata["event_payload"]["case"]
                    .as_str()
                    .map(str::to_owned)
            })
            .collect::<Vec<_>>()
    };
    let is_card = |m: &slack_standin::Message| m.channel == ESCALATIONS && m.thread_ts.is_none();
    slack
        .wait_for(Duration::from_secs(60), |s| {
            let cards: HashSet<String> = tagged(s, &is_card).into_iter().collect();
            stored.is_subset(&cards)
        })
        .await
        .expect("every stored case got its card");
    // Give the pages (another lane) the same chance, then look at everything.
    let dm1 = || slack.dm_of(EXEC1).unwrap_or_default();
    slack
        .wait_for(Duration::from_secs(60), |s| {
            let dm = dm1();
            let pages: HashSet<String> = tagged(s, &|m| m.channel == dm).into_iter().collect();
            let cards: HashSet<String> = tagged(s, &is_card).into_iter().collect();
            cards.is_subset(&pages)
        })
        .await
        .expect("every case's page went out");
    // Nobody takes a case: a second later the next executive is paged, a second after
    // that the thread gets its one @here alert (max_rounds = 1), whatever the kills did.
    let dm2 = || slack.dm_of(EXEC2).unwrap_or_default();
    let is_alert = |m: &slack_standin::Message| {
        m.channel == ESCALATIONS && m.thread_ts.is_some() && m.text.contains("<!here>")
    };
    slack
        .wait_for(Duration::from_secs(60), |s| {
            let dm = dm2();
            let pages: HashSet<String> = tagged(s, &|m| m.channel == dm).into_iter().collect();
            let alerts: HashSet<String> = tagged(s, &is_alert).into_iter().collect();
            expected.is_subset(&pages) && expected.is_subset(&alerts)
        })
        .await
        .expect("every case's re-page and alert went out");
    signal(&bot, "TERM");
    let mut bot = bot;
    let status = bot.child.wait().unwrap();
    assert!(status.success(), "SIGTERM stops the bot cleanly: {status}");
    let dm = dm2();
    for (what, sent) in [
        ("re-page", tagged(&slack, &|m| m.channel == dm)),
        ("@here alert", tagged(&slack, &is_alert)),
    ] {
        let mut per_case: HashMap<&String, usize> = HashMap::new();
        for case in &sent {
            *per_case.entry(case).or_default() += 1;
        }
        assert!(
            per_case.values().all(|n| *n == 1),
            "a {what} went out twice: {per_case:?}"
        );
    }

    // Exactly once, as people see it.
    let mut per_seq: HashMap<String, usize> = HashMap::new();
    for m in slack.messages() {
        if let Some(seq) = m.metadata["event_payload"]["outbox_seq"].as_str() {
            *per_seq.entry(seq.to_owned()).or_default() += 1;
        }
    }
    assert!(
        per_seq.values().all(|n| *n == 1),
        "a delivery was posted twice"
    );
    let cards = tagged(&slack, &is_card);
    let distinct: HashSet<&String> = cards.iter().collect();
    assert_eq!(cards.len(), distinct.len(), "one card per case");

    // The store: every acknowledged case, with the right customer, none twice.
    let store = reopen(&dir.path().join("store"));
    let mut customers = HashSet::new();
    let mut total = 0;
    for case in store.cases() {
        let case = case.unwrap();
        assert!(
            customers.insert(case.customer.as_ref().expect("named").to_string()),
            "{} twice",
            case.customer.as_ref().expect("named")
        );
        assert!(
            distinct.contains(&case.id.to_string()),
            "{} has no card",
            case.id
        );
        total += 1;
    }
    for (customer, id) in &acked {
        let case = store
            .case(*id)
            .unwrap()
            .unwrap_or_else(|| panic!("{id} was acknowledged and lost"));
        assert_eq!(case.customer.as_ref().expect("named").as_str(), customer);
        assert!(
            !case.posts.pages.is_empty(),
            "{id}'s page was delivered and recorded"
        );
    }
    assert_eq!(store.tallies().unwrap().cases_total, total);
    assert_eq!(store.outbox_len(), 0);
    assert!(store.dead_letters().unwrap().is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigterm_finishes_the_request_in_flight_and_flushes() {
    let slack = Arc::new(StandIn::start(TOKEN).await.unwrap());
    slack.add_channel(ESCALATIONS, "escalations");
    for (id, name) in [(AGENT, "agent1"), (EXEC1, "exec1"), (EXEC2, "exec2")] {
        slack.add_user(id, name);
    }
    let dir = tempfile::tempdir().unwrap();
    let config = write_config(dir.path(), &slack.api_url());
    let mut bot = start(&config);
    let sender = Sender::new(bot.url.clone(), SIGNING_SECRET, slack.clone());
    let answer = sender
        .command(AGENT, SUPPORT, "cust-1 threat Before shutdown")
        .await;
    assert_eq!(answer.status, 200);

    // A request whose headers and half its body have arrived when SIGTERM does: it is
    // answered, and its case kept.
    let body = serde_urlencoded::to_string([
        ("team_id", slack_standin::web_api::TEAM_ID),
        ("channel_id", SUPPORT),
        ("user_id", AGENT),
        ("command", "/escalate"),
        ("text", "cust-2 threat In flight at shutdown"),
        ("api_app_id", slack_standin::web_api::APP_ID),
        ("response_url", "http://127.0.0.1:9/hooks/x"),
        ("trigger_id", "in.flight"),
    ])
    .unwrap();
    let ts = jiff::Timestamp::now().as_second().to_string();
    let signature = escalation_bot::slack::signature::sign(SIGNING_SECRET, &ts, body.as_bytes());
    let addr = bot.url.trim_start_matches("http://").to_owned();
    let mut stream = std::net::TcpStream::connect(&addr).unwrap();
    let head = format!(
        "POST /slack/commands HTTP/1.1\r\nhost: {addr}\r\ncontent-type: \
         application/x-www-form-urlencoded\r\ncontent-length: {}\r\n\
         x-slack-request-timestamp: {ts}\r\nx-slack-signature: {signature}\r\n\r\n",
        body.len()
    );
    use std::io::{Read, Write};
    let (first, rest) = body.as_bytes().split_at(body.len() / 2);
    stream.write_all(head.as_bytes()).unwrap();
    stream.write_all(first).unwrap();
    stream.flush().unwrap();
    std::thread::sleep(Duration::from_millis(200));
    signal(&bot, "TERM");
    std::thread::sleep(Duration::from_millis(200));
    stream.write_all(rest).unwrap();
    let mut response = String::new();
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    let _ = stream.read_to_string(&mut response);
    assert!(
        response.starts_with("HTTP/1.1 200"),
        "the request in flight is answered: {response:?}"
    );
    assert!(response.contains("ESC-2"), "{response}");

    let status = bot.child.wait().unwrap();
    assert!(status.success(), "{status}");
    let store = reopen(&dir.path().join("store"));
    assert_eq!(store.tallies().unwrap().cases_total, 2);
    let refused = sender
        .command(AGENT, SUPPORT, "cust-2 threat After shutdown")
        .await;
    assert_eq!(refused.status, 0, "nothing listens any more");
}
