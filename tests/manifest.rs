//! The Slack app manifests and the Kubernetes manifests agree with the code: the command,
//! the shortcut, the events, the request paths; every Web API method the bot calls is
//! covered by a listed scope, and no scope is listed that nothing needs; the Kubernetes
//! objects reference each other by the right names and ports.

mod common;

use std::collections::BTreeSet;
use std::time::Duration;

use common::*;
use escalation_bot::domain::{ChannelId, Week};
use escalation_bot::handlers::events::SUBSCRIBED_EVENTS;
use escalation_bot::jobs::report::post_now;
use escalation_bot::slack::ingress::{COMMANDS_PATH, EVENTS_PATH, INTERACTIVITY_PATH};
use escalation_bot::slack::views::MESSAGE_SHORTCUT;
use escalation_bot::standin::web_api::UPLOAD;
use serde_norway::Value;

fn yaml(path: &str) -> Value {
    let text = std::fs::read_to_string(format!("{}/{path}", env!("CARGO_MANIFEST_DIR")))
        .unwrap_or_else(|e| panic!("{path}: {e}"));
    serde_norway::from_str(&text).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn strings(v: &Value) -> BTreeSet<String> {
    v.as_sequence()
        .into_iter()
        .flatten()
        .filter_map(|s| s.as_str().map(str::to_owned))
        .collect()
}

fn path_of(url: &Value) -> String {
    let url = url.as_str().expect("a URL");
    let rest = url
        .strip_prefix("https://YOUR-HOST")
        .expect("the placeholder host");
    rest.to_owned()
}

/// The scope each Web API method needs (Slack's documentation), and what events need.
fn scope_of(method: &str) -> Option<&'static str> {
    match method {
        "chat.postMessage" | "chat.update" | "chat.postEphemeral" => Some("chat:write"),
        "conversations.open" => Some("im:write"),
        // History of the escalation channel (private), support channels and DMs.
        "conversations.history" | "conversations.replies" => None,
        "views.open" | "chat.getPermalink" => None,
        "files.getUploadURLExternal" | "files.completeUploadExternal" => Some("files:write"),
        other => panic!("no scope known for {other}: add it here and to the manifest"),
    }
}

const HISTORY_SCOPES: [&str; 3] = ["channels:history", "groups:history", "im:history"];

#[test]
fn both_slack_manifests_match_the_code() {
    for file in [
        "manifests/slack-app.yaml",
        "manifests/slack-app.socket-mode.yaml",
    ] {
        let manifest = yaml(file);
        let features = &manifest["features"];
        let commands = features["slash_commands"].as_sequence().unwrap();
        assert_eq!(commands.len(), 1, "{file}");
        assert_eq!(commands[0]["command"].as_str(), Some("/escalate"), "{file}");
        let shortcuts: BTreeSet<&str> = features["shortcuts"]
            .as_sequence()
            .unwrap()
            .iter()
            .filter_map(|s| s["callback_id"].as_str())
            .collect();
        assert_eq!(shortcuts, BTreeSet::from([MESSAGE_SHORTCUT]), "{file}");
        let settings = &manifest["settings"];
        let events = strings(&settings["event_subscriptions"]["bot_events"]);
        let subscribed: BTreeSet<String> =
            SUBSCRIBED_EVENTS.iter().map(|e| e.to_string()).collect();
        assert_eq!(events, subscribed, "{file}");
        assert_eq!(
            settings["interactivity"]["is_enabled"].as_bool(),
            Some(true)
        );
        let socket = settings["socket_mode_enabled"].as_bool() == Some(true);
        assert_eq!(socket, file.contains("socket"), "{file}");
        if !socket {
            assert_eq!(path_of(&commands[0]["url"]), COMMANDS_PATH);
            assert_eq!(
                path_of(&settings["interactivity"]["request_url"]),
                INTERACTIVITY_PATH
            );
            assert_eq!(
                path_of(&settings["event_subscriptions"]["request_url"]),
                EVENTS_PATH
            );
        }
    }
    assert_eq!(
        strings(&yaml("manifests/slack-app.yaml")["oauth_config"]["scopes"]["bot"]),
        strings(&yaml("manifests/slack-app.socket-mode.yaml")["oauth_config"]["scopes"]["bot"]),
        "both variants ask for the same scopes"
    );
}

/// Drives everything the bot does against the stand-in, then checks the listed scopes
/// cover every method it called, and that each listed scope is needed by something.
#[tokio::test]
async fn the_listed_scopes_are_exactly_what_the_bot_uses() {
    let bot = TestBot::start_with(Options {
        tweak: |s| s.slack.stats_channel = ChannelId::parse(STATS),
        ..Options::default()
    })
    .await;
    bot.slack.add_channel(STATS, "leadership");
    bot.escalate(AGENT, "").await;
    bot.slack
        .wait_for(Duration::from_secs(5), |s| s.views().len() == 1)
        .await
        .unwrap();
    let id = bot.open_case("cust-1 verbal-abuse Scope check").await;
    bot.click(AGENT, &bot.card(id), "take_case").await;
    bot.click(EXEC1, &bot.page(EXEC1), "take_case").await;
    bot.settle().await;
    bot.click(EXEC1, &bot.card(id), "decide:warning").await;
    let guest = escalation_bot::standin::Author {
        user: "U0GUEST".into(),
        team: "T0GUEST".into(),
        bot_id: None,
    };
    let insult = bot.slack.post_as(guest, SUPPORT, "you idiot", None);
    bot.sender.shortcut(AGENT, &insult).await;
    bot.sender.react(AGENT, &insult, "rotating_light").await;
    bot.sender.message_event(&insult).await;
    bot.slack
        .wait_for(Duration::from_secs(5), |s| {
            !s.calls_to("conversations.history").is_empty()
                && !s.calls_to("conversations.replies").is_empty()
        })
        .await
        .unwrap();
    bot.settle().await;
    // The weekly report and its chart.
    let ctx = bot.app().context();
    let now = ctx.clock.now();
    let week = Week::of(now, &ctx.settings.report.schedule.zone);
    post_now(&ctx.store, &ctx.slack, &ctx.settings, now, week)
        .await
        .unwrap();

    let listed = strings(&yaml("manifests/slack-app.yaml")["oauth_config"]["scopes"]["bot"]);
    let mut needed: BTreeSet<String> = BTreeSet::from(["commands".to_string()]);
    for call in bot.slack.calls() {
        if call.method == "response_url" || call.method == UPLOAD {
            continue;
        }
        if let Some(scope) = scope_of(&call.method) {
            needed.insert(scope.into());
        }
        if call.method.starts_with("conversations.history")
            || call.method == "conversations.replies"
        {
            needed.extend(HISTORY_SCOPES.iter().map(|s| s.to_string()));
        }
    }
    // Events need their own: reactions and messages in public and private channels.
    for event in SUBSCRIBED_EVENTS {
        needed.insert(
            match event {
                "reaction_added" => "reactions:read",
                "message.channels" => "channels:history",
                "message.groups" => "groups:history",
                other => panic!("no scope known for the {other} event"),
            }
            .into(),
        );
    }
    assert_eq!(listed, needed, "listed scopes vs what the code uses");
}

fn documents(path: &str) -> Vec<Value> {
    let text = std::fs::read_to_string(format!("{}/{path}", env!("CARGO_MANIFEST_DIR"))).unwrap();
    serde_norway::Deserializer::from_str(&text)
        .map(|doc| serde::Deserialize::deserialize(doc).unwrap_or_else(|e| panic!("{path}: {e}")))
        .collect()
}

#[test]
fn the_kubernetes_objects_fit_together() {
    let dir = "manifests/kubernetes";
    let kustomization = yaml(&format!("{dir}/kustomization.yaml"));
    let mut objects = Vec::new();
    for resource in strings(&kustomization["resources"]) {
        objects.extend(documents(&format!("{dir}/{resource}")));
    }
    objects.extend(documents(&format!("{dir}/secret.example.yaml")));
    for o in &objects {
        assert!(
            o["apiVersion"].is_string()
                && o["kind"].is_string()
                && o["metadata"]["name"].is_string()
        );
    }
    let find = |kind: &str| {
        objects
            .iter()
            .find(|o| o["kind"].as_str() == Some(kind))
            .unwrap_or_else(|| panic!("no {kind}"))
    };
    let set = find("StatefulSet");
    let config_map = find("ConfigMap");
    let secret = find("Secret");
    let service = find("Service");

    assert_eq!(
        set["spec"]["replicas"].as_u64(),
        Some(1),
        "sled: one process per store"
    );
    let pod = &set["spec"]["template"]["spec"];
    let container = &pod["containers"][0];
    assert_eq!(pod["securityContext"]["runAsNonRoot"].as_bool(), Some(true));
    assert_eq!(
        container["securityContext"]["readOnlyRootFilesystem"].as_bool(),
        Some(true)
    );
    assert_eq!(
        container["securityContext"]["capabilities"]["drop"][0].as_str(),
        Some("ALL")
    );
    assert!(container["resources"]["requests"]["memory"].is_string());

    // The configuration the pod mounts is the ConfigMap, and it is valid.
    let config_volume = pod["volumes"]
        .as_sequence()
        .unwrap()
        .iter()
        .find(|v| v["name"] == "config")
        .unwrap();
    assert_eq!(
        config_volume["configMap"]["name"],
        config_map["metadata"]["name"]
    );
    assert_eq!(
        container["envFrom"][0]["secretRef"]["name"],
        secret["metadata"]["name"]
    );
    let toml = config_map["data"]["escalation-bot.toml"].as_str().unwrap();
    let settings = escalation_bot::config::Settings::from_sources(toml, Default::default())
        .expect("the ConfigMap's configuration is valid");
    assert!(
        settings.bind.ip().is_unspecified(),
        "listen on all interfaces inside the pod"
    );
    let metrics = settings
        .metrics_bind
        .expect("an operations listener for the probes");

    // Ports: the container's, the Service's targets, the probes', the configuration's.
    let port = |name: &str| {
        container["ports"]
            .as_sequence()
            .unwrap()
            .iter()
            .find(|p| p["name"] == name)
            .and_then(|p| p["containerPort"].as_u64())
            .unwrap_or_else(|| panic!("no {name} port"))
    };
    assert_eq!(port("http"), u64::from(settings.bind.port()));
    assert_eq!(port("metrics"), u64::from(metrics.port()));
    let targets = strings(&Value::Sequence(
        service["spec"]["ports"]
            .as_sequence()
            .unwrap()
            .iter()
            .map(|p| p["targetPort"].clone())
            .collect(),
    ));
    assert_eq!(
        targets,
        BTreeSet::from(["http".to_string(), "metrics".to_string()])
    );
    assert_eq!(
        service["spec"]["selector"],
        set["spec"]["template"]["metadata"]["labels"]
    );
    assert_eq!(container["livenessProbe"]["httpGet"]["path"], "/healthz");
    assert_eq!(container["readinessProbe"]["httpGet"]["path"], "/readyz");
    assert_eq!(container["readinessProbe"]["httpGet"]["port"], "metrics");

    // The store is on the claimed volume.
    let data_mount = container["volumeMounts"]
        .as_sequence()
        .unwrap()
        .iter()
        .find(|m| m["name"] == "data")
        .unwrap();
    let mount = data_mount["mountPath"].as_str().unwrap();
    assert!(
        settings.store_path.starts_with(mount),
        "{:?} is not under {mount}",
        settings.store_path
    );
    assert_eq!(
        set["spec"]["volumeClaimTemplates"][0]["metadata"]["name"],
        "data"
    );
}
