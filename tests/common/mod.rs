//! Shared harness for the black-box tests: the real bot on port 0 with a temporary store,
//! the Slack Web API stand-in on loopback, and a sender that signs requests as Slack does.
#![allow(dead_code)] // each test file uses a different part of the harness

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use escalation_bot::app::Application;
use escalation_bot::clock::{Clock, ManualClock, SystemClock};
use escalation_bot::config::{Secret, Secrets, Settings};
use escalation_bot::domain::{Case, CaseId, Roles, UserId};
use escalation_bot::i18n::Locale;
use escalation_bot::store::{AuditEntry, Store};
use slack_standin::web_api::Sighting;
use slack_standin::{Answer, Message, Sender, StandIn};
use tokio::net::TcpListener;

pub const TOKEN: &str = "xoxb-test-token-5f2c";
/// A support lead, and a customer's Slack Connect workspace, for support-channel watching.
pub const LEAD: &str = "U0LEAD1";
pub const ACME_TEAM: &str = "T0ACME";
pub const SIGNING_SECRET: &str = "test-signing-secret-9a1e";
pub const ESCALATIONS: &str = "C0TESTESCAL";
pub const SUPPORT: &str = "C0TESTSUPPORT";
/// Where the weekly report goes, in tests that set `slack.stats_channel`.
pub const STATS: &str = "C0TESTSTATS";
pub const AGENT: &str = "U0AGENT1";
pub const AGENT2: &str = "U0AGENT2";
pub const EXEC1: &str = "U0EXEC1";
pub const EXEC2: &str = "U0EXEC2";
pub const MGR1: &str = "U0MGR1";
pub const MGR2: &str = "U0MGR2";

pub struct TestBot {
    pub app: Option<Application>,
    pub slack: Arc<StandIn>,
    pub sender: Sender,
    pub store: Store,
    pub dir: tempfile::TempDir,
    pub settings: Settings,
    pub clock: Arc<dyn Clock>,
    pub signing_secret: &'static str,
}

pub struct Options {
    pub locale: Locale,
    pub clock: Arc<dyn Clock>,
    pub extra_toml: String,
    pub signing_secret: &'static str,
    /// Adjusts the settings after they are read (delivery timings, team id...).
    pub tweak: fn(&mut Settings),
    /// Receive Slack's requests over Socket Mode instead of HTTP.
    pub socket_mode: bool,
    /// Serve /metrics and /readyz on a second listener (`server.metrics_bind`, port 0).
    pub metrics: bool,
}

pub const APP_TOKEN: &str = "xapp-1-test-app-token";

impl Default for Options {
    fn default() -> Self {
        Options {
            locale: Locale::En,
            clock: Arc::new(SystemClock),
            extra_toml: String::new(),
            signing_secret: SIGNING_SECRET,
            tweak: |_| {},
            socket_mode: false,
            metrics: false,
        }
    }
}

pub fn settings(api_url: &str, extra_toml: &str) -> Settings {
    let toml = format!(
        r#"
        [slack]
        api_url = "{api_url}"
        escalation_channel = "{ESCALATIONS}"
        support_channels = ["{SUPPORT}"]
        [people]
        executives = ["{EXEC1}", "{EXEC2}"]
        managers = ["{MGR1}", "{MGR2}"]
        [policy]
        version = "2026-11"
        currency = "JPY"
        refund_approval_over = 50000
        customer_count = 350
        [delivery]
        # The stand-in does not rate-limit; tests of the per-channel budget set their own.
        channel_rate = 1000.0
        {extra_toml}
        "#
    );
    Settings::from_sources(&toml, HashMap::new()).expect("the test settings are valid")
}

async fn launch(
    settings: &mut Settings,
    signing_secret: &'static str,
    clock: &Arc<dyn Clock>,
    store: &Store,
    slack: &Arc<StandIn>,
    metrics: bool,
) -> (Application, Sender) {
    let listener = TcpListener::bind("127.0.0.1:0")
        .await
        .expect("port 0 binds");
    let metrics = if metrics {
        let listener = TcpListener::bind("127.0.0.1:0")
            .await
            .expect("port 0 binds");
        settings.metrics_bind = Some(listener.local_addr().expect("bound"));
        Some(listener)
    } else {
        None
    };
    let secrets = Secrets {
        bot_token: Secret::new(TOKEN),
        signing_secret: Secret::new(signing_secret),
        app_token: Some(Secret::new(APP_TOKEN)),
    };
    let app = Application::start_with_metrics(
        settings.clone(),
        secrets,
        clock.clone(),
        store.clone(),
        listener,
        metrics,
    )
    .expect("the bot starts");
    let sender = Sender::new(
        format!("http://{}", app.addr()),
        signing_secret,
        slack.clone(),
    )
    .with_clock({
        let clock = clock.clone();
        move || clock.now().as_second()
    });
    (app, sender)
}

impl TestBot {
    pub async fn start() -> TestBot {
        TestBot::start_with(Options::default()).await
    }

    /// A bot whose clock moves only when the test advances it, starting now.
    pub async fn start_on_manual_clock(options: Options) -> (TestBot, Arc<ManualClock>) {
        let clock = Arc::new(ManualClock::new(jiff::Timestamp::now()));
        let bot = TestBot::start_with(Options {
            clock: clock.clone(),
            ..options
        })
        .await;
        (bot, clock)
    }

    pub async fn start_with(options: Options) -> TestBot {
        let slack = Arc::new(StandIn::start(TOKEN).await.expect("the stand-in starts"));
        slack.add_channel(ESCALATIONS, "escalations");
        slack.add_channel(SUPPORT, "support");
        for (id, name) in [
            (AGENT, "agent1"),
            (AGENT2, "agent2"),
            (EXEC1, "exec1"),
            (EXEC2, "exec2"),
            (MGR1, "mgr1"),
            (MGR2, "mgr2"),
            (LEAD, "lead1"),
        ] {
            slack.add_user(id, name);
        }
        // Who is in which channel, as in a real workspace: the agents and their lead in
        // #support, the people who handle cases in the escalation channel. The stand-in
        // refuses an ephemeral message to anyone else there, as Slack does.
        for person in [AGENT, AGENT2, LEAD] {
            slack.join(SUPPORT, person);
        }
        for person in [EXEC1, EXEC2, MGR1, MGR2] {
            slack.join(ESCALATIONS, person);
        }
        let dir = tempfile::tempdir().expect("a temporary directory");
        let mut settings = settings(&slack.api_url(), &options.extra_toml);
        settings.locale = options.locale;
        settings.store_path = dir.path().join("store");
        (options.tweak)(&mut settings);
        if options.socket_mode {
            settings.slack.mode = escalation_bot::config::Mode::Socket;
            slack
                .enable_socket_mode(APP_TOKEN)
                .await
                .expect("the socket stand-in starts");
        }
        let store =
            Store::open(&settings.store_path, settings.store_cache_bytes).expect("the store opens");
        let (app, sender) = launch(
            &mut settings,
            options.signing_secret,
            &options.clock,
            &store,
            &slack,
            options.metrics,
        )
        .await;
        TestBot {
            app: Some(app),
            slack,
            sender,
            store,
            dir,
            settings,
            clock: options.clock,
            signing_secret: options.signing_secret,
        }
    }

    pub fn app(&self) -> &Application {
        self.app.as_ref().expect("the bot is running")
    }

    /// `http://host:port` of the metrics listener (started with `Options::metrics`).
    pub fn metrics_base(&self) -> String {
        let addr = self
            .app()
            .metrics_addr()
            .expect("started with a metrics listener");
        format!("http://{addr}")
    }

    pub async fn shutdown(&mut self) {
        if let Some(app) = self.app.take() {
            app.shutdown().await.expect("clean shutdown");
        }
    }

    /// Stops the bot (if it runs) and starts it again on the same store, Slack and clock.
    pub async fn restart(&mut self) {
        self.shutdown().await;
        let path = self.settings.store_path.clone();
        // sled is one process per store: every handle to the old one must go before it
        // opens again, so park `self.store` on a throwaway store meanwhile.
        let parking = tempfile::tempdir().expect("a temporary directory");
        self.store = Store::open(&parking.path().join("s"), 1 << 20).expect("opens");
        self.store = reopen(&path);
        let metrics = self.settings.metrics_bind.is_some();
        let (app, sender) = launch(
            &mut self.settings,
            self.signing_secret,
            &self.clock,
            &self.store,
            &self.slack,
            metrics,
        )
        .await;
        self.app = Some(app);
        self.sender = sender;
    }

    /// Waits until the scheduler has fired every timer due by the bot's clock, and what
    /// they queued has been delivered.
    pub async fn catch_up(&self) {
        for _ in 0..500 {
            let now = self.clock.now();
            let behind = self
                .store
                .next_timer()
                .expect("timers read")
                .is_some_and(|due| due <= now);
            if !behind {
                self.settle().await;
                return;
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        panic!("the scheduler did not catch up with the clock");
    }

    /// Waits until every queued delivery went out and Slack has been quiet briefly.
    pub async fn settle(&self) {
        let mut last = usize::MAX;
        let mut quiet = 0;
        for _ in 0..1000 {
            let now = self.slack.calls().len();
            if self.store.outbox_len() == 0 && now == last {
                quiet += 1;
                if quiet >= 5 {
                    return;
                }
            } else {
                quiet = 0;
            }
            last = now;
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        panic!("the outbox did not drain: {} left", self.store.outbox_len());
    }

    pub async fn escalate(&self, user: &str, text: &str) -> Answer {
        self.sender.command(user, SUPPORT, text).await
    }

    /// Opens a case by command and waits for its card and page.
    pub async fn open_case(&self, text: &str) -> CaseId {
        let answer = self.escalate(AGENT, text).await;
        assert_eq!(answer.status, 200, "{}", answer.body);
        let id = answer
            .text()
            .split_whitespace()
            .find_map(|w| {
                CaseId::parse(w.trim_matches(|c: char| !c.is_ascii_alphanumeric() && c != '-'))
            })
            .unwrap_or_else(|| panic!("no case id in {:?}", answer.text()));
        self.settle().await;
        id
    }

    /// Opens a case by command, and EXEC1 takes it from their page.
    pub async fn open_and_take(&self, text: &str) -> CaseId {
        let id = self.open_case(text).await;
        self.click(EXEC1, &self.page(EXEC1), "take_case").await;
        self.settle().await;
        id
    }

    pub fn case(&self, id: CaseId) -> Case {
        self.store
            .case(id)
            .expect("the store reads")
            .expect("the case exists")
    }

    pub fn audit(&self) -> Vec<AuditEntry> {
        self.store
            .audit()
            .collect::<Result<_, _>>()
            .expect("the audit log reads")
    }

    /// The case card as it reads now.
    pub fn card(&self, id: CaseId) -> Message {
        let case = self.case(id);
        let posted = case.posts.card.expect("the card was posted");
        self.slack
            .messages()
            .into_iter()
            .find(|m| {
                m.channel == posted.channel.as_str() && m.ts == posted.ts && m.only_for.is_none()
            })
            .expect("the stand-in has the card")
    }

    /// The card as it was first posted (what a client that missed the update still shows).
    pub fn card_as_posted(&self, id: CaseId) -> Message {
        let ts = self.card(id).ts;
        self.slack
            .sightings()
            .into_iter()
            .find_map(|s| match s {
                Sighting::Posted(m) if m.ts == ts => Some(m),
                _ => None,
            })
            .expect("the card was posted")
    }

    pub fn thread(&self, id: CaseId) -> Vec<Message> {
        let card = self.card(id);
        self.slack
            .messages()
            .into_iter()
            .filter(|m| m.thread_ts.as_deref() == Some(card.ts.as_str()))
            .collect()
    }

    /// The replies in a case's thread that contain `text`.
    pub fn thread_saying(&self, id: CaseId, text: &str) -> Vec<Message> {
        let mut replies = self.thread(id);
        replies.retain(|m| m.text.contains(text));
        replies
    }

    pub fn dms_to(&self, user: &str) -> Vec<Message> {
        let Some(dm) = self.slack.dm_of(user) else {
            return Vec::new();
        };
        self.slack
            .messages()
            .into_iter()
            .filter(|m| m.channel == dm && m.only_for.is_none())
            .collect()
    }

    pub fn ephemerals_for(&self, user: &str) -> Vec<Message> {
        self.slack
            .messages()
            .into_iter()
            .filter(|m| m.only_for.as_deref() == Some(user))
            .collect()
    }

    /// Waits for the next ephemeral message `user` sees, beyond `seen` of them.
    pub async fn ephemeral_after(&self, user: &str, seen: usize) -> Message {
        self.slack
            .wait_for(Duration::from_secs(5), |s| {
                s.messages()
                    .iter()
                    .filter(|m| m.only_for.as_deref() == Some(user))
                    .count()
                    > seen
            })
            .await
            .unwrap_or_else(|e| panic!("no ephemeral message for {user}: {e}"));
        self.ephemerals_for(user)
            .into_iter()
            .nth(seen)
            .expect("counted above")
    }

    /// `user` clicks `action` on `message` and the bot acknowledges.
    pub async fn click(&self, user: &str, message: &Message, action: &str) {
        let answer = self
            .sender
            .click(user, message, action)
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(answer.status, 200, "{}", answer.body);
    }

    /// `user` proposes terminating the customer of `id` from its card: the button opens the
    /// checks before a termination, answered here (legal review `legal`: `reviewed`,
    /// `not-needed` or `pending`). Returns the form's answer.
    pub async fn propose_termination(&self, user: &str, id: CaseId, legal: &str) -> Answer {
        let before = self.slack.views().len();
        self.click(user, &self.card(id), "decide:termination").await;
        self.slack
            .wait_for(Duration::from_secs(5), |s| s.views().len() > before)
            .await
            .expect("the checks form opens");
        let form = self.slack.views().pop().expect("counted above");
        let answer = self
            .sender
            .submit(
                user,
                &form,
                &[
                    ("complaint", "none"),
                    ("accommodation", "not-relevant"),
                    ("duty_to_serve", "no"),
                    ("legal", legal),
                ],
            )
            .await;
        assert_eq!(answer.status, 200, "{}", answer.body);
        answer
    }

    /// Answers the checks form the bot pushed over the outcome form (`answer` is the outcome
    /// form's), as `user`, with legal review `legal`.
    pub async fn answer_checks(&self, user: &str, answer: &Answer, legal: &str) -> Answer {
        let json = answer.json();
        assert_eq!(json["response_action"], "push", "{json}");
        let pushed = self.slack.push_view(&json["view"]);
        let answer = self
            .sender
            .submit(
                user,
                &pushed,
                &[
                    ("complaint", "answered"),
                    ("accommodation", "not-relevant"),
                    ("duty_to_serve", "no"),
                    ("legal", legal),
                ],
            )
            .await;
        assert_eq!(answer.status, 200, "{}", answer.body);
        answer
    }

    /// The page DM `user` received for the latest case.
    pub fn page(&self, user: &str) -> Message {
        self.dms_to(user)
            .into_iter()
            .last()
            .expect("a page was sent")
    }

    /// The proposal message in the case thread (the one with Approve/Reject, or that had them).
    pub fn proposal(&self, id: CaseId) -> Message {
        let case = self.case(id);
        let posted = case.posts.proposal.expect("a proposal was posted");
        self.slack
            .messages()
            .into_iter()
            .find(|m| m.ts == posted.ts)
            .expect("the stand-in has the proposal")
    }
}

/// Runs the real binary in `dir` with a clean environment (no .env, no stray settings)
/// plus `env`.
/// The roles once EXEC1 has left `people.executives` and the one manager is AGENT, who
/// reports the cases: nobody may decide them.
pub fn roles_where_nobody_may_decide() -> Roles {
    let user = |u: &str| UserId::parse(u).expect("a user id");
    Roles::new(vec![user(EXEC2)], vec![user(AGENT)]).with_approvers(vec![user(MGR1), user(MGR2)])
}

pub fn run_binary(
    dir: &std::path::Path,
    args: &[&str],
    env: &[(&str, &str)],
) -> std::process::Output {
    let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_escalation-bot"));
    command
        .current_dir(dir)
        .args(args)
        .env_clear()
        .env("PATH", "/usr/bin:/bin");
    for (k, v) in env {
        command.env(k, v);
    }
    command.output().expect("the binary runs")
}

/// Opens the store at `path` again in this process. sled releases its lock when its
/// background threads notice the last handle is gone, a moment after the drop.
pub fn reopen(path: &std::path::Path) -> Store {
    for _ in 0..100 {
        match Store::open(path, 1 << 20) {
            Ok(store) => return store,
            Err(escalation_bot::store::StoreError::Locked { .. }) => {
                std::thread::sleep(Duration::from_millis(50))
            }
            Err(e) => panic!("{e}"),
        }
    }
    panic!("the store stayed locked")
}

pub fn text_of(message: &Message) -> String {
    format!("{} {}", message.text, message.blocks)
}

/// Support-channel watching: ACME_TEAM is customer `acme`, helpdesk messages name their
/// customer as "Customer ID: …", LEAD is the support lead, and more than `repeat_count`
/// contacts in the window suggest "persistent".
pub fn watch_support_channels(settings: &mut Settings, repeat_count: u32) {
    let watch = &mut settings.watch;
    watch.customers.teams.insert(
        ACME_TEAM.into(),
        escalation_bot::domain::CustomerId::parse("acme").expect("valid id"),
    );
    watch.customers.pattern =
        Some(regex::Regex::new(r"Customer ID: (?P<customer>[A-Za-z0-9_-]+)").expect("valid"));
    watch.support_leads = vec![escalation_bot::domain::UserId::parse(LEAD).expect("valid id")];
    watch.repeat_count = repeat_count;
}

/// The consultation desk (相談窓口) of tests that need one, and its private channel.
pub const HR1: &str = "U0HR1";
pub const HR2: &str = "U0HR2";
pub const DESK: &str = "C0TESTDESK";

/// Configures the consultation desk (HR1, HR2), with its channel when `channel`.
pub fn desk(settings: &mut Settings, channel: bool) {
    let user = |id| escalation_bot::domain::UserId::parse(id).expect("valid id");
    settings.rules.roles.desk = escalation_bot::domain::Desk {
        members: vec![user(HR1), user(HR2)],
        channel,
    };
    settings.slack.consultation_channel =
        channel.then(|| escalation_bot::domain::ChannelId::parse(DESK).expect("valid id"));
}

impl TestBot {
    /// The desk's people in Slack, in the desk's channel.
    pub fn add_desk(&self) {
        self.slack.add_channel(DESK, "consultation-desk");
        for (id, name) in [(HR1, "hr1"), (HR2, "hr2")] {
            self.slack.add_user(id, name);
            self.slack.join(DESK, id);
        }
    }

    pub fn consultation(&self, n: u64) -> escalation_bot::domain::Consultation {
        self.store
            .consultation(escalation_bot::domain::ConsultationId::new(n))
            .expect("the store reads")
            .expect("the consultation exists")
    }

    /// The top-level messages of the consultation channel, as they read now.
    pub fn desk_posts(&self) -> Vec<Message> {
        self.slack
            .messages()
            .into_iter()
            .filter(|m| m.channel == DESK && m.thread_ts.is_none() && m.only_for.is_none())
            .collect()
    }

    /// The replies in the thread of a post in the consultation channel.
    pub fn desk_thread(&self, post: &Message) -> Vec<Message> {
        self.slack
            .messages()
            .into_iter()
            .filter(|m| m.channel == DESK && m.thread_ts.as_deref() == Some(post.ts.as_str()))
            .collect()
    }

    /// Waits for a form to open beyond the `seen` ones, and returns it.
    pub async fn form_after(&self, seen: usize) -> serde_json::Value {
        self.slack
            .wait_for(Duration::from_secs(5), |s| s.views().len() > seen)
            .await
            .unwrap_or_else(|e| panic!("no form opened: {e}"));
        self.slack.views().pop().expect("counted above")
    }
}
