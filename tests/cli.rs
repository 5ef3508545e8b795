//! The command line, run as the real binary: demo, stats, check-config.

use std::path::Path;
use std::process::{Command, Output};
use std::time::Duration;

use escalation_bot::i18n::Locale;
use escalation_bot::i18n::style::{Kind, violations};

use escalation_bot::domain::{
    Category, CustomerId, NewCase, PagingPolicy, Policy, Roles, Rules, Source, UserId,
};
mod common;

use common::{reopen, run_binary};

const BIN: &str = env!("CARGO_BIN_EXE_escalation-bot");

fn config(dir: &Path, extra: &str) -> std::path::PathBuf {
    let path = dir.join("escalation-bot.toml");
    let text = format!(
        r#"
        [store]
        path = "{store}"
        [slack]
        escalation_channel = "C0123ESCAL"
        [people]
        executives = ["U0EXEC1"]
        managers = ["U0MGR1", "U0MGR2"]
        {extra}
        "#,
        store = dir.join("store").display()
    );
    std::fs::write(&path, text).unwrap();
    path
}

fn run(dir: &Path, args: &[&str], env: &[(&str, &str)]) -> Output {
    run_binary(dir, args, env)
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

async fn store_with_one_case(path: &Path) {
    let store = reopen(path);
    let rules = Rules {
        roles: Roles::new(vec![UserId::parse("U0EXEC1").unwrap()], vec![]),
        policy: Policy {
            version: "1".into(),
            refund_approval_over: 0,
        },
        paging: PagingPolicy::default(),
    };
    let new = NewCase {
        customer: CustomerId::parse("cust-1"),
        category: Category::Threat,
        severity: None,
        promise_failed: None,
        summary: "x".into(),
        reporter: UserId::parse("U0AGENT").unwrap(),
        reported_from: None,
        evidence: None,
        source: Source::Command,
        facts: Default::default(),
    };
    store
        .open_case(new, jiff::Timestamp::now(), &rules, None)
        .await
        .unwrap();
}

#[test]
fn help_lists_the_subcommands() {
    let dir = tempfile::tempdir().unwrap();
    let out = run(dir.path(), &["--help"], &[]);
    assert!(out.status.success());
    for sub in ["serve", "demo", "stats", "check-config"] {
        assert!(stdout(&out).contains(sub), "{sub} missing from --help");
    }
}

#[test]
fn help_is_in_japanese_for_a_japanese_terminal_or_configuration() {
    let dir = tempfile::tempdir().unwrap();
    let terminal = run(
        dir.path(),
        &["export", "--help"],
        &[("LANG", "ja_JP.UTF-8")],
    );
    assert!(terminal.status.success(), "{}", stderr(&terminal));
    let text = stdout(&terminal);
    assert!(
        text.contains("使い方：") && text.contains("監査用に"),
        "{text}"
    );
    config(dir.path(), "[i18n]\nlocale = \"ja\"");
    let configured = run(dir.path(), &["--help"], &[("LANG", "C.UTF-8")]);
    assert!(
        stdout(&configured).contains("コマンド："),
        "{}",
        stdout(&configured)
    );
    let english = run(tempfile::tempdir().unwrap().path(), &["--help"], &[]);
    assert!(stdout(&english).contains("Commands:"));
}

#[test]
fn the_demo_runs_the_whole_flow_without_a_workspace() {
    let dir = tempfile::tempdir().unwrap();
    let out = run(dir.path(), &["demo"], &[]);
    assert!(out.status.success(), "{}\n{}", stdout(&out), stderr(&out));
    let transcript = stdout(&out);
    for expected in [
        "ESC-1 is open",
        "direct message to Kenji",
        "Only executives and managers can take ESC-1",
        "Awaiting approval",
        "Approved by @Hiro",
        "Thank you for reporting it",
        "Customers terminated: 1 of 350",
        // The compliance summary, from the same store.
        "Customer harassment measures: compliance report",
        "Cases decided: 2: acted on 2, no action (not harassment) 0.",
    ] {
        assert!(
            transcript.contains(expected),
            "{expected:?} missing from:\n{transcript}"
        );
    }
    let found = violations(&transcript, Locale::En, true, Kind::Plain);
    assert!(found.is_empty(), "{found:#?}");
}

/// The transcript a Japanese executive reads: the decided words, people named with さん,
/// times in 日本時間, and the style rules a program can check, line by line.
#[test]
fn the_demo_speaks_japanese_when_configured() {
    let dir = tempfile::tempdir().unwrap();
    let out = run(
        dir.path(),
        &["demo"],
        &[("ESCALATION_BOT__I18N__LOCALE", "ja")],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let transcript = stdout(&out);
    for expected in [
        "ご報告ありがとうございます。ESC-1 として受け付けました。",
        "@田中 健二さんが担当になりました",
        "@田中 健二さんが「120,000円を返金のうえ契約解除」を提案しました。",
        "[ 注意 ] [ 書面警告 ] [ 利用停止 ] [ 契約解除 ] [ 返金 ] [ 複数・その他の措置… ] [ 措置なし（カスハラ非該当） ]",
        "起票日時：2026年",
        "集計期間：",
        "（日）、日本時間",
        "契約解除した顧客：350社中 1社",
        "カスタマーハラスメント対策の実施状況報告",
        "判断した案件：2件。うち措置あり 2件、措置なし（カスハラ非該当） 0件。",
        // The native chart names its categories: no numbered legend.
        "📊 12月",
        "までの12週間の区分別新規案件\n      暴言・侮辱：0、",
    ] {
        assert!(
            transcript.contains(expected),
            "{expected:?} missing from:\n{transcript}"
        );
    }
    assert!(!transcript.contains("W49"), "the report names its dates");
    assert!(!transcript.contains("1 暴力"), "no numbered legend");
    let found = violations(&transcript, Locale::Ja, true, Kind::Plain);
    assert!(found.is_empty(), "{found:#?}\n{transcript}");
}

#[tokio::test]
async fn stats_prints_json_tallies() {
    let dir = tempfile::tempdir().unwrap();
    let cfg = config(dir.path(), "[policy]\ncustomer_count = 350");
    store_with_one_case(&dir.path().join("store")).await;
    let out = run(
        dir.path(),
        &["stats", "--json", "--config", cfg.to_str().unwrap()],
        &[],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let json: serde_json::Value = serde_json::from_str(stdout(&out).trim()).unwrap();
    assert_eq!(json["cases_total"], 1);
    assert_eq!(json["cases_open"], 1);
    for key in [
        "warnings",
        "refunds",
        "refund_total",
        "terminations",
        "customers_cut_off",
    ] {
        assert_eq!(json[key], 0, "{key}");
    }
    assert_eq!(json["customer_count"], 350);

    let text = run(dir.path(), &["stats"], &[]);
    assert!(
        stdout(&text).contains("Cases: 1 (1 open)"),
        "{}",
        stdout(&text)
    );
}

#[tokio::test]
async fn stats_without_customer_count_reports_null() {
    let dir = tempfile::tempdir().unwrap();
    config(dir.path(), "");
    store_with_one_case(&dir.path().join("store")).await;
    let out = run(dir.path(), &["stats", "--json"], &[]);
    let json: serde_json::Value = serde_json::from_str(stdout(&out).trim()).unwrap();
    assert!(json["customer_count"].is_null());
}

#[tokio::test]
async fn stats_says_so_when_a_running_bot_holds_the_store() {
    let dir = tempfile::tempdir().unwrap();
    config(dir.path(), "");
    store_with_one_case(&dir.path().join("store")).await;
    let _held = reopen(&dir.path().join("store"));
    let started = std::time::Instant::now();
    let out = run(dir.path(), &["stats"], &[]);
    assert!(
        started.elapsed() < Duration::from_secs(20),
        "stats must not hang"
    );
    assert!(!out.status.success());
    assert!(
        stderr(&out).contains("is in use by another process"),
        "{}",
        stderr(&out)
    );
    assert!(!stderr(&out).contains("panicked"));
}

#[test]
fn stats_on_a_missing_store_says_so_and_creates_nothing() {
    let dir = tempfile::tempdir().unwrap();
    config(dir.path(), "");
    let out = run(dir.path(), &["stats"], &[]);
    assert!(!out.status.success());
    assert!(
        stderr(&out).contains("There is no store"),
        "{}",
        stderr(&out)
    );
    assert!(!dir.path().join("store").exists());
}

#[test]
fn check_config_names_the_missing_key() {
    let dir = tempfile::tempdir().unwrap();
    let out = run(dir.path(), &["check-config"], &[]);
    assert_eq!(out.status.code(), Some(1));
    let message = stderr(&out);
    assert!(
        message.contains("slack.escalation_channel is missing"),
        "{message}"
    );
    assert_eq!(message.trim().lines().count(), 1, "one sentence: {message}");
}

#[test]
fn check_config_wants_the_secrets_from_the_environment() {
    let dir = tempfile::tempdir().unwrap();
    config(dir.path(), "");
    let out = run(dir.path(), &["check-config"], &[]);
    assert!(
        stderr(&out).contains("SLACK_BOT_TOKEN is not set"),
        "{}",
        stderr(&out)
    );
    let out = run(
        dir.path(),
        &["check-config"],
        &[("SLACK_BOT_TOKEN", "xoxb-1"), ("SLACK_SIGNING_SECRET", "s")],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stdout(&out).contains("Configuration is valid"));
    assert!(!stdout(&out).contains("xoxb-1"));
}

#[test]
fn a_dot_env_file_is_read() {
    let dir = tempfile::tempdir().unwrap();
    config(dir.path(), "");
    std::fs::write(
        dir.path().join(".env"),
        "SLACK_BOT_TOKEN=xoxb-from-dotenv\nSLACK_SIGNING_SECRET=s\nESCALATION_BOT__I18N__LOCALE=ja\n",
    )
    .unwrap();
    let out = run(dir.path(), &["check-config"], &[]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stdout(&out).contains("Ja"), "{}", stdout(&out));
}

/// A proposal is approved by someone other than its proposer: with one person who may
/// approve, their own proposals never could be. Neither check-config nor serve accepts it.
#[test]
fn a_one_approver_configuration_is_refused_naming_the_key() {
    let secrets = [("SLACK_BOT_TOKEN", "xoxb-1"), ("SLACK_SIGNING_SECRET", "s")];
    for (override_key, value, named) in [
        (
            "ESCALATION_BOT__PEOPLE__MANAGERS",
            "U0MGR1",
            "people.managers is invalid",
        ),
        (
            "ESCALATION_BOT__PEOPLE__APPROVERS",
            "U0LEGAL1",
            "people.approvers is invalid",
        ),
        (
            "ESCALATION_BOT__PEOPLE__APPROVERS",
            "U0LEGAL1,U0LEGAL1",
            "people.approvers is invalid",
        ),
    ] {
        let dir = tempfile::tempdir().unwrap();
        config(dir.path(), "");
        let mut env = secrets.to_vec();
        env.push((override_key, value));
        for command in ["check-config", "serve"] {
            let out = run(dir.path(), &[command], &env);
            assert_eq!(
                out.status.code(),
                Some(1),
                "{command} {override_key}={value}"
            );
            let message = stderr(&out);
            assert!(
                message.contains(named) && message.contains("two different people"),
                "{command}: {message}"
            );
        }
        assert!(
            !dir.path().join("store").exists(),
            "serve stopped before opening a store"
        );
    }
    // Two approvers of their own (another executive, legal) are enough.
    let dir = tempfile::tempdir().unwrap();
    config(dir.path(), "");
    let mut env = secrets.to_vec();
    env.push(("ESCALATION_BOT__PEOPLE__APPROVERS", "U0EXEC1,U0LEGAL1"));
    let out = run(dir.path(), &["check-config"], &env);
    assert!(out.status.success(), "{}", stderr(&out));
}

/// Only a missing `people.approvers` means "the managers approve": an empty list written
/// out is refused, naming the key, by check-config and serve alike.
#[test]
fn an_empty_approvers_list_is_refused_rather_than_read_as_the_managers() {
    let secrets = [("SLACK_BOT_TOKEN", "xoxb-1"), ("SLACK_SIGNING_SECRET", "s")];
    let dir = tempfile::tempdir().unwrap();
    config(dir.path(), "approvers = []");
    for command in ["check-config", "serve"] {
        let out = run(dir.path(), &[command], &secrets);
        assert_eq!(out.status.code(), Some(1), "{command}");
        let message = stderr(&out);
        assert!(
            message.contains("people.approvers is invalid") && message.contains("empty list"),
            "{command}: {message}"
        );
        assert_eq!(message.trim().lines().count(), 1, "one sentence: {message}");
    }
    assert!(!dir.path().join("store").exists(), "serve stopped first");
    // Without the key, the managers approve.
    let dir = tempfile::tempdir().unwrap();
    config(dir.path(), "");
    let out = run(dir.path(), &["check-config"], &secrets);
    assert!(out.status.success(), "{}", stderr(&out));
}

#[test]
fn an_invalid_environment_override_is_named() {
    let dir = tempfile::tempdir().unwrap();
    config(dir.path(), "");
    let out = run(
        dir.path(),
        &["check-config"],
        &[("ESCALATION_BOT__PAGING__ACK_TIMEOUT", "whenever")],
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("paging.ack_timeout is invalid"),
        "{}",
        stderr(&out)
    );
}

fn mode(path: &Path) -> u32 {
    use std::os::unix::fs::MetadataExt;
    std::fs::metadata(path).unwrap().mode() & 0o777
}

/// The entries of the audit log outside cases named `what`.
fn logged(store: &Path, what: &str) -> Vec<escalation_bot::store::LogEntry> {
    let store = reopen(store);
    store
        .log_entries()
        .map(Result::unwrap)
        .filter(|e| e.what == what)
        .collect()
}

/// With no bot running, the command line copies the store itself, under the same rules
/// as the bot: into a new folder under operations.output_dir (by default `output`
/// beside the store), private, never over anything, and in the audit log.
#[tokio::test]
async fn backup_copies_a_store_no_bot_is_using() {
    let dir = tempfile::tempdir().unwrap();
    config(dir.path(), "");
    store_with_one_case(&dir.path().join("store")).await;
    let out = run(dir.path(), &["backup", "backup-1"], &[]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        stdout(&out).contains("Backed up 1 cases"),
        "{}",
        stdout(&out)
    );
    let copy = dir.path().join("output/backup-1");
    assert_eq!(mode(&dir.path().join("output")), 0o700);
    assert_eq!(mode(&copy), 0o700);
    assert_eq!(mode(&copy.join("db")), 0o600);
    let again = run(dir.path(), &["backup", copy.to_str().unwrap()], &[]);
    assert!(!again.status.success());
    assert!(
        stderr(&again).contains("already exists"),
        "{}",
        stderr(&again)
    );
    let outside = dir.path().join("elsewhere");
    let refused = run(dir.path(), &["backup", outside.to_str().unwrap()], &[]);
    assert!(!refused.status.success());
    assert!(
        stderr(&refused).contains("outside operations.output_dir"),
        "{}",
        stderr(&refused)
    );
    assert!(!outside.exists());
    let backups = logged(&dir.path().join("store"), "backup");
    assert_eq!(backups.len(), 1, "{backups:?}");
    assert_eq!(
        backups[0].who,
        format!("uid {}", escalation_bot::operations::socket::own_uid())
    );
    assert_eq!(backups[0].details["cases"], "1");
}

/// With the bot stopped, the store's owner may still print an export (as before), and
/// that too is in the audit log.
#[tokio::test]
async fn an_export_printed_with_the_bot_stopped_is_audited() {
    let dir = tempfile::tempdir().unwrap();
    config(dir.path(), "");
    store_with_one_case(&dir.path().join("store")).await;
    let out = run(dir.path(), &["export", "--format", "json"], &[]);
    assert!(out.status.success(), "{}", stderr(&out));
    let rows: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(rows[0]["customer"], "cust-1");
    let exports = logged(&dir.path().join("store"), "export");
    assert_eq!(exports.len(), 1, "{exports:?}");
    assert_eq!(exports[0].details["path"], "standard output");
    assert_eq!(exports[0].details["cases"], "1");
    let out = run(dir.path(), &["report"], &[]);
    assert!(out.status.success(), "{}", stderr(&out));
}

/// Something holds the store but offers no operations socket (an older bot, another
/// tool): the command line says so instead of guessing.
#[tokio::test]
async fn a_store_held_without_an_operations_socket_is_explained() {
    let dir = tempfile::tempdir().unwrap();
    config(dir.path(), "");
    store_with_one_case(&dir.path().join("store")).await;
    let _held = reopen(&dir.path().join("store"));
    let out = run(dir.path(), &["backup", "never-written"], &[]);
    assert!(!out.status.success());
    assert!(
        stderr(&out).contains("has no operations socket"),
        "{}",
        stderr(&out)
    );
    assert!(!dir.path().join("output/never-written").exists());
}

/// Opening the store as anyone but its owner (root, typically) would leave files in it
/// the bot cannot write: refused, with the reason. Needs root to give the store away.
#[tokio::test]
async fn only_the_stores_owner_opens_it_from_the_command_line() {
    let dir = tempfile::tempdir().unwrap();
    config(dir.path(), "");
    let store = dir.path().join("store");
    store_with_one_case(&store).await;
    if escalation_bot::operations::socket::own_uid() != 0 {
        eprintln!("not root: cannot give the store to another user; nothing to check");
        return;
    }
    let chown = std::process::Command::new("chown")
        .args(["-R", "65534:65534", store.to_str().unwrap()])
        .status()
        .unwrap();
    assert!(chown.success());
    for args in [
        &["export", "--format", "csv"][..],
        &["backup", "b"][..],
        &["stats"][..],
    ] {
        let out = run(dir.path(), args, &[]);
        assert!(!out.status.success(), "{args:?}");
        assert!(
            stderr(&out).contains("belongs to uid 65534"),
            "{args:?}: {}",
            stderr(&out)
        );
    }
}

#[test]
fn logs_are_json_when_configured() {
    use std::io::{BufRead, BufReader};
    let dir = tempfile::tempdir().unwrap();
    let cfg = config(
        dir.path(),
        "[server]\nbind = \"127.0.0.1:0\"\n[telemetry]\nformat = \"json\"",
    );
    let mut child = Command::new(BIN)
        .current_dir(dir.path())
        .args(["serve", "--config", cfg.to_str().unwrap()])
        .env_clear()
        .env("SLACK_BOT_TOKEN", "xoxb-json-test")
        .env("SLACK_SIGNING_SECRET", "s")
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut first = String::new();
    BufReader::new(child.stderr.take().unwrap())
        .read_line(&mut first)
        .unwrap();
    let _ = child.kill();
    let _ = child.wait();
    let line: serde_json::Value =
        serde_json::from_str(&first).unwrap_or_else(|e| panic!("{e}: {first}"));
    assert_eq!(line["level"], "INFO");
    assert!(line["fields"]["message"].is_string(), "{line}");
    assert!(!first.contains("xoxb-json-test"));
}
