//! The Slack app manifests and the Kubernetes manifests agree with the code: the command,
//! the shortcut, the events, the request paths; every Web API method the bot calls is
//! covered by a listed scope (the methods named in src/slack/api.rs, and those a run
//! against the stand-in calls), and no scope is listed that nothing needs; the Kubernetes
//! objects reference each other by the right names, labels and ports.

mod common;

use std::collections::BTreeSet;
use std::time::Duration;

use common::*;
use escalation_bot::domain::{ChannelId, Week};
use escalation_bot::handlers::events::SUBSCRIBED_EVENTS;
use escalation_bot::jobs::report::post_now;
use escalation_bot::render::MESSAGE_SHORTCUT;
use escalation_bot::slack::ingress::{COMMANDS_PATH, EVENTS_PATH, INTERACTIVITY_PATH};
use serde_norway::Value;
use slack_standin::web_api::UPLOAD;

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

/// The bot-token scopes each Web API method needs (Slack's documentation), on the
/// conversations the code calls it on.
fn scopes_of(method: &str) -> &'static [&'static str] {
    match method {
        "chat.postMessage" | "chat.update" | "chat.postEphemeral" => &["chat:write"],
        "conversations.open" => &["im:write"],
        // Public support channels (channels:history); private support channels, the
        // escalation channel and the stats channel (groups:history); and the bot's DMs
        // (im:history): after an uncertain page or reporter's message, jobs/outbox.rs
        // `post_once` looks for it with `find_tagged`, which reads the DM's history.
        "conversations.history" => &["channels:history", "groups:history", "im:history"],
        // Threads in support channels (the reacted-to message, the staff in a thread) and
        // in the escalation and stats channels (an uncertain reply or chart); never a DM.
        "conversations.replies" => &["channels:history", "groups:history"],
        "files.getUploadURLExternal" | "files.completeUploadExternal" => &["files:write"],
        // views.update: the escalation form turning into the consult form in place.
        "views.open" | "views.update" | "chat.getPermalink" => &[],
        // Who is staff: the workspace, the guest flags, bots and deactivated accounts.
        "users.info" => &["users:read"],
        // Who should read the policy: a user group's members, or the support channels'.
        "usergroups.users.list" => &["usergroups:read"],
        "conversations.members" => &["channels:read", "groups:read"],
        // Our own workspace, when slack.team_id is not configured: no scope needed.
        "auth.test" => &[],
        // The app-level token (connections:write), not a bot scope.
        "apps.connections.open" => &[],
        other => panic!("no scope known for {other}: add it here and to the manifest"),
    }
}

/// Calls through the Web API client that are no Web API method: the upload URL
/// files.getUploadURLExternal hands out, and a slash command's response_url.
const NOT_METHODS: [&str; 2] = ["upload_url", "response_url"];

/// Every Web API method the client in src/slack/api.rs can call: each call goes through
/// its `timed` wrapper (or `timed_in`, for limits per channel) under a literal method name.
fn methods_the_client_calls() -> BTreeSet<String> {
    let source = include_str!("../src/slack/api.rs");
    let literal_after = |at: usize| {
        let rest = source[at..].trim_start();
        rest.strip_prefix('"')
            .and_then(|r| r.split_once('"'))
            .map(|(name, _)| name.to_owned())
            .unwrap_or_else(|| {
                let start: String = rest.chars().take(40).collect();
                panic!("not a literal method name: {start}")
            })
    };
    let mut methods: BTreeSet<String> = source
        .match_indices(".timed(")
        .map(|(at, call)| literal_after(at + call.len()))
        .collect();
    // `timed` itself hands its `method` on to `timed_in`: only literal names are calls.
    for (at, call) in source.match_indices(".timed_in(") {
        if source[at + call.len()..].trim_start().starts_with('"') {
            methods.insert(literal_after(at + call.len()));
        }
    }
    // Methods called by name (not through a slack-morphism function) are timed under it.
    for (at, call) in source.match_indices(".http_get(") {
        let name = literal_after(at + call.len());
        assert!(methods.contains(&name), "{name} is called but not timed");
    }
    assert!(
        methods.contains("chat.postMessage") && methods.len() > 8,
        "the parse found {methods:?}"
    );
    methods
        .into_iter()
        .filter(|m| !NOT_METHODS.contains(&m.as_str()))
        .collect()
}

/// What events need: reactions, and messages in public and private channels.
fn event_scope(event: &str) -> &'static str {
    match event {
        "reaction_added" => "reactions:read",
        "message.channels" => "channels:history",
        "message.groups" => "groups:history",
        other => panic!("no scope known for the {other} event"),
    }
}

/// The app manifests: HTTP and Socket Mode, each in English and in Japanese.
const SLACK_MANIFESTS: [&str; 4] = [
    "manifests/slack-app.yaml",
    "manifests/slack-app.socket-mode.yaml",
    "manifests/slack-app.ja.yaml",
    "manifests/slack-app.socket-mode.ja.yaml",
];

#[test]
fn every_slack_manifest_matches_the_code() {
    for file in SLACK_MANIFESTS {
        let manifest = yaml(file);
        let features = &manifest["features"];
        let commands = features["slash_commands"].as_sequence().unwrap();
        assert_eq!(commands.len(), 1, "{file}");
        assert_eq!(
            commands[0]["command"].as_str(),
            Some(escalation_bot::handlers::command::COMMAND),
            "{file}"
        );
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
    for file in SLACK_MANIFESTS {
        assert_eq!(
            strings(&yaml("manifests/slack-app.yaml")["oauth_config"]["scopes"]["bot"]),
            strings(&yaml(file)["oauth_config"]["scopes"]["bot"]),
            "every variant asks for the same scopes: {file}"
        );
    }
}

/// What people read in a manifest: the app's descriptions, the command's description
/// and usage hint, the shortcut's name and description.
fn texts_people_read(manifest: &mut Value) -> Vec<String> {
    let mut taken = Vec::new();
    let mut take = |v: &mut Value| {
        if let Some(text) = v.as_str() {
            taken.push(text.to_owned());
        }
        *v = Value::Null;
    };
    take(&mut manifest["display_information"]["description"]);
    if manifest["display_information"]
        .get("long_description")
        .is_some()
    {
        take(&mut manifest["display_information"]["long_description"]);
    }
    let features = &mut manifest["features"];
    for command in features["slash_commands"].as_sequence_mut().unwrap() {
        take(&mut command["description"]);
        take(&mut command["usage_hint"]);
    }
    for shortcut in features["shortcuts"].as_sequence_mut().unwrap() {
        take(&mut shortcut["name"]);
        take(&mut shortcut["description"]);
    }
    taken
}

/// The Japanese manifests are the English ones with only the words people read in
/// Japanese: the same app, command, shortcut, scopes, events and URLs.
#[test]
fn the_japanese_manifests_differ_from_the_english_only_in_their_words() {
    use escalation_bot::i18n::Locale;
    use escalation_bot::i18n::style::{Kind, is_japanese, violations};
    for (en, ja) in [
        ("manifests/slack-app.yaml", "manifests/slack-app.ja.yaml"),
        (
            "manifests/slack-app.socket-mode.yaml",
            "manifests/slack-app.socket-mode.ja.yaml",
        ),
    ] {
        let (mut english, mut japanese) = (yaml(en), yaml(ja));
        let english_texts = texts_people_read(&mut english);
        let japanese_texts = texts_people_read(&mut japanese);
        assert_eq!(english, japanese, "{ja} is {en} in other words");
        assert_eq!(english_texts.len(), japanese_texts.len(), "{ja}");
        for text in &japanese_texts {
            assert!(
                text.chars().any(is_japanese),
                "{ja}: {text:?} is not Japanese"
            );
            let found = violations(text, Locale::Ja, true, Kind::Plain);
            assert!(found.is_empty(), "{ja}: {found:?}");
        }
        // Slack's limits: a shortcut's name, 24 characters; its description, 50.
        let shortcut = &yaml(ja)["features"]["shortcuts"][0];
        assert!(shortcut["name"].as_str().unwrap().chars().count() <= 24);
        assert!(shortcut["description"].as_str().unwrap().chars().count() <= 50);
    }
}

/// Every method the Web API client can call is covered by a listed scope, and every
/// listed scope is needed by one of them, by an event or by the command.
#[test]
fn the_listed_scopes_are_exactly_what_the_code_can_use() {
    let listed = strings(&yaml("manifests/slack-app.yaml")["oauth_config"]["scopes"]["bot"]);
    let mut needed: BTreeSet<String> = BTreeSet::from(["commands".to_string()]);
    for method in methods_the_client_calls() {
        needed.extend(scopes_of(&method).iter().map(|s| s.to_string()));
    }
    for event in SUBSCRIBED_EVENTS {
        needed.insert(event_scope(event).into());
    }
    assert_eq!(listed, needed, "listed scopes vs what the code can call");
}

/// Drives everything the bot does against the stand-in, then checks that each call it
/// made is one the client is known to make, and that the scope that call needs on that
/// conversation is listed.
#[tokio::test]
async fn every_call_the_bot_makes_is_covered_by_a_listed_scope() {
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
    let guest = slack_standin::Author::person("U0GUEST", "T0GUEST");
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
    // The weekly report with its native chart, and where that is refused, its image.
    let ctx = bot.app().context();
    let now = ctx.clock.now();
    let week = Week::of(now, &ctx.settings.report.schedule.zone);
    post_now(&ctx.store, &ctx.slack, &ctx.settings, now, week)
        .await
        .unwrap();
    bot.slack.refuse_block_types(&["data_visualization"]);
    post_now(&ctx.store, &ctx.slack, &ctx.settings, now, week)
        .await
        .unwrap();

    let listed = strings(&yaml("manifests/slack-app.yaml")["oauth_config"]["scopes"]["bot"]);
    let known = methods_the_client_calls();
    let mut needed: BTreeSet<String> = BTreeSet::new();
    for call in bot.slack.calls() {
        if call.method == "response_url" || call.method == UPLOAD {
            continue;
        }
        assert!(
            known.contains(&call.method),
            "{} was called but src/slack/api.rs does not name it",
            call.method
        );
        if call.method == "conversations.history" || call.method == "conversations.replies" {
            // Reading a conversation needs the history scope of its kind. The escalation
            // channel is private (the README says to make it so); a support or stats
            // channel may be either, so both scopes.
            let channel = call.params["channel"].as_str().unwrap_or_default();
            let kinds: &[&str] = if bot.slack.dm_user(channel).is_some() {
                &["im:history"]
            } else if channel == ESCALATIONS {
                &["groups:history"]
            } else {
                &["channels:history", "groups:history"]
            };
            needed.extend(kinds.iter().map(|s| s.to_string()));
        } else {
            needed.extend(scopes_of(&call.method).iter().map(|s| s.to_string()));
        }
    }
    let missing: Vec<_> = needed.difference(&listed).collect();
    assert!(
        missing.is_empty(),
        "calls made without a listed scope: {missing:?}"
    );
    assert!(
        needed.contains("chat:write") && needed.contains("files:write"),
        "the run made the calls it is meant to: {needed:?}"
    );
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
    let services: Vec<&Value> = objects
        .iter()
        .filter(|o| o["kind"].as_str() == Some("Service"))
        .collect();
    let headless = |s: &Value| s["spec"]["clusterIP"].as_str() == Some("None");
    // The Service the Ingress points at (it has a cluster IP), and the headless one the
    // StatefulSet names for the pod's network identity.
    let regular: Vec<&&Value> = services.iter().filter(|s| !headless(s)).collect();
    assert_eq!(regular.len(), 1, "one Service for the Ingress");
    let service = regular[0];
    let governing = services
        .iter()
        .find(|s| s["metadata"]["name"] == set["spec"]["serviceName"])
        .unwrap_or_else(|| {
            panic!(
                "the StatefulSet's serviceName {:?} names no Service",
                set["spec"]["serviceName"]
            )
        });
    assert!(
        headless(governing),
        "a StatefulSet's serviceName names a headless Service (clusterIP: None)"
    );

    // Selectors pick the pods the StatefulSet makes: every label they ask for is on the
    // pod template (Kubernetes refuses a StatefulSet whose selector misses its template).
    let pod_labels = &set["spec"]["template"]["metadata"]["labels"];
    let selects = |selector: &Value| {
        let selector = selector.as_mapping().expect("a selector is a map");
        !selector.is_empty() && selector.iter().all(|(k, v)| pod_labels.get(k) == Some(v))
    };
    assert!(
        selects(&set["spec"]["selector"]["matchLabels"]),
        "the StatefulSet's selector matches its pod template's labels"
    );
    for s in &services {
        assert!(
            selects(&s["spec"]["selector"]),
            "Service {:?} selects the bot's pods",
            s["metadata"]["name"]
        );
    }

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
        .expect("a metrics listener for the readiness probe and Prometheus");

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
    for target in governing["spec"]["ports"]
        .as_sequence()
        .into_iter()
        .flatten()
    {
        let name = target["targetPort"].as_str().expect("a named target port");
        port(name);
    }
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
    // Backups and exports too (the root filesystem is read-only), beside the store, and
    // so is the operations socket, which lives in the store's directory.
    let output = settings.output_dir();
    assert!(
        output.starts_with(mount) && !output.starts_with(&settings.store_path),
        "{output:?}"
    );
    assert_eq!(
        set["spec"]["volumeClaimTemplates"][0]["metadata"]["name"],
        "data"
    );
}
