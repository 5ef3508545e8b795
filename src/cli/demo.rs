//! Purpose: `escalation-bot demo`, the bot's main job shown end to end with no Slack
//! workspace: the real server on loopback with a temporary store, the Slack stand-in for
//! the Web API, and signed requests playing the people. Prints what each person sees.

use std::collections::HashMap;
use std::io::Write;
use std::sync::Arc;
use std::time::Duration;

use anyhow::{Context as _, bail};
use tokio::net::TcpListener;

use escalation_bot::app::Application;
use escalation_bot::clock::SystemClock;
use escalation_bot::config::LogFormat;
use escalation_bot::config::{Secret, Secrets, Settings};
use escalation_bot::i18n::Locale;
use escalation_bot::store::Store;
use escalation_bot::telemetry;
use slack_standin::{Answer, Author, Message, Sender, StandIn, transcript};

use super::{log_filter, runtime};

const TOKEN: &str = "xoxb-demo-token";
const SIGNING_SECRET: &str = "demo-signing-secret";
const ESCALATIONS: &str = "C0DEMOESCAL";
const SUPPORT: &str = "C0DEMOSUPPORT";
const LEADERSHIP: &str = "C0DEMOLEADERS";
const AGENT: &str = "U0AGENT";
const CEO: &str = "U0CEO";
const COO: &str = "U0COO";
const MANAGER: &str = "U0MANAGER";
/// A customer's workspace, sharing #support with us over Slack Connect.
const ACME_TEAM: &str = "T0ACMECORP";
const ACME_USER: &str = "U0ACMEBOB";

pub fn run(locale: Option<&str>) -> Result<(), String> {
    let locale = match locale {
        Some(text) => {
            Locale::parse(text).ok_or_else(|| format!("--locale {text:?}: use en or ja."))?
        }
        // The demo needs no configuration, but speaks the configured language if there is one.
        None => Settings::locale_only(None).unwrap_or(Locale::En),
    };
    telemetry::init(&log_filter("warn"), LogFormat::Text);
    let mut out = std::io::stdout().lock();
    runtime()?
        .block_on(show(locale, &mut out))
        .map_err(|e| format!("The demo failed: {e:#}."))
}

struct Script {
    locale: Locale,
}

impl Script {
    fn say<'a>(&self, en: &'a str, ja: &'a str) -> &'a str {
        match self.locale {
            Locale::En => en,
            Locale::Ja => ja,
        }
    }
}

struct Demo<'o, W: Write> {
    out: &'o mut W,
    slack: Arc<StandIn>,
    sender: Sender,
    app: Application,
    seen: usize,
    script: Script,
}

impl<W: Write> Demo<'_, W> {
    fn line(&mut self, text: &str) -> anyhow::Result<()> {
        writeln!(self.out, "{text}")?;
        Ok(())
    }

    fn step(&mut self, en: &str, ja: &str) -> anyhow::Result<()> {
        let text = self.script.say(en, ja).to_owned();
        self.line(&format!("\n▶ {text}\n"))
    }

    /// Waits until every queued delivery went out and Slack has been quiet for a moment,
    /// then prints what people saw since last time.
    async fn settle(&mut self) -> anyhow::Result<()> {
        let store = self.app.context().store.clone();
        let mut last = usize::MAX;
        let mut quiet = 0;
        for _ in 0..500 {
            let now = self.slack.sightings().len();
            if store.outbox_len() == 0 && store.work_len() == 0 && now == last {
                quiet += 1;
                if quiet >= 5 {
                    break;
                }
            } else {
                quiet = 0;
            }
            last = now;
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        let (lines, next) =
            transcript::render(&self.slack, self.seen, language(self.script.locale));
        self.seen = next;
        for line in lines {
            self.line(&line)?;
        }
        Ok(())
    }

    /// The bot's direct answer to a slash command or a form (shown only to that person).
    fn answer(&mut self, who: &str, answer: &Answer) -> anyhow::Result<()> {
        if answer.status != 200 {
            bail!("the bot answered HTTP {}: {}", answer.status, answer.body);
        }
        let json = answer.json();
        let text = match json["response_action"].as_str() {
            Some("update") => json["view"]["blocks"][0]["text"]["text"]
                .as_str()
                .unwrap_or_default()
                .to_owned(),
            // A reply of several blocks (a long history) reads block by block.
            _ => match json["blocks"].as_array() {
                Some(blocks) if blocks.len() > 1 => blocks
                    .iter()
                    .flat_map(|b| {
                        b["text"]["text"].as_str().into_iter().chain(
                            b["elements"]
                                .as_array()
                                .into_iter()
                                .flatten()
                                .filter_map(|e| e["text"].as_str()),
                        )
                    })
                    .collect::<Vec<_>>()
                    .join("\n"),
                _ => answer.text(),
            },
        };
        if text.is_empty() {
            return Ok(());
        }
        let name = self.slack.user_name(who);
        let header = match self.script.locale {
            Locale::En => format!("[only {name} sees: the bot's reply]"),
            Locale::Ja => format!("[{name}さんにだけ表示：ボットの返信]"),
        };
        self.line(&header)?;
        for line in transcript::mrkdwn(&self.slack, &text).lines() {
            self.line(&format!("    {line}"))?;
        }
        self.line("")
    }

    fn card(&self) -> anyhow::Result<Message> {
        self.slack
            .messages()
            .into_iter()
            .rfind(|m| m.channel == ESCALATIONS && m.thread_ts.is_none() && m.only_for.is_none())
            .context("the bot posted no case card")
    }

    fn in_dm(&self, user: &str) -> anyhow::Result<Message> {
        let dm = self.slack.dm_of(user).context("the bot opened no DM")?;
        self.slack
            .messages()
            .into_iter()
            .rfind(|m| m.channel == dm)
            .context("the bot sent no DM")
    }

    fn proposal(&self) -> anyhow::Result<Message> {
        self.slack
            .messages()
            .into_iter()
            .rfind(|m| m.thread_ts.is_some() && m.blocks.to_string().contains("approve_proposal"))
            .context("the bot posted no proposal")
    }

    async fn click(&mut self, who: &str, message: &Message, action: &str) -> anyhow::Result<()> {
        let answer = self
            .sender
            .click(who, message, action)
            .await
            .map_err(anyhow::Error::msg)?;
        self.answer(who, &answer)?;
        self.settle().await
    }
}

fn people(locale: Locale) -> HashMap<&'static str, &'static str> {
    // Display names as a Slack profile shows them; roles are in the demo's first line.
    let names: [(&str, &str, &str); 5] = [
        (AGENT, "Aiko Sato", "佐藤 愛子"),
        (CEO, "Kenji Tanaka", "田中 健二"),
        (COO, "Yumi Ito", "伊藤 由美"),
        (MANAGER, "Hiro Mori", "森 博"),
        (ACME_USER, "Bob (Acme)", "ボブ（アクメ社）"),
    ];
    names
        .into_iter()
        .map(|(id, en, ja)| (id, if locale == Locale::Ja { ja } else { en }))
        .collect()
}

/// Runs the demo, writing the transcript to `out`.
async fn show(locale: Locale, out: &mut impl Write) -> anyhow::Result<()> {
    let slack = Arc::new(StandIn::start(TOKEN).await?);
    slack.add_channel(ESCALATIONS, "escalations");
    slack.add_channel(SUPPORT, "support");
    slack.add_channel(LEADERSHIP, "leadership");
    for (id, name) in people(locale) {
        if id == ACME_USER {
            // Bob belongs to Acme's workspace, shared with ours over Slack Connect.
            slack.add_person(
                id,
                slack_standin::Person {
                    name: name.into(),
                    team: ACME_TEAM.into(),
                    membership: slack_standin::Membership::Member,
                },
            );
        } else {
            slack.add_user(id, name);
        }
    }
    let dir = tempfile::tempdir().context("could not create a temporary store")?;
    let toml = format!(
        r#"
        [slack]
        api_url = "{api}"
        escalation_channel = "{ESCALATIONS}"
        stats_channel = "{LEADERSHIP}"
        support_channels = ["{SUPPORT}"]
        [people]
        executives = ["{CEO}", "{COO}"]
        managers = ["{MANAGER}"]
        # 決裁: another executive or the support manager, never whoever proposed it.
        approvers = ["{COO}", "{MANAGER}"]
        [policy]
        version = "2026-11"
        currency = "JPY"
        refund_approval_over = 50000
        customer_count = 350
        [delivery]
        # The stand-in does not rate-limit, and a demo need not wait a second a message.
        channel_rate = 1000.0
        [customers]
        {ACME_TEAM} = "acme"
        [report]
        timezone = "Asia/Tokyo"
        "#,
        api = slack.api_url()
    );
    let mut settings = Settings::from_sources(&toml, HashMap::new())?;
    settings.locale = locale;
    settings.store_path = dir.path().join("store");
    let store = Store::open(&settings.store_path, settings.store_cache_bytes)?;
    let listener = TcpListener::bind("127.0.0.1:0").await?;
    let secrets = Secrets {
        bot_token: Secret::new(TOKEN),
        signing_secret: Secret::new(SIGNING_SECRET),
        app_token: None,
    };
    let app = Application::start(settings, secrets, Arc::new(SystemClock), store, listener)?;
    let sender = Sender::new(
        format!("http://{}", app.addr()),
        SIGNING_SECRET,
        slack.clone(),
    );
    let mut demo = Demo {
        out,
        slack,
        sender,
        app,
        seen: 0,
        script: Script { locale },
    };
    let result = play(&mut demo).await;
    let Demo { app, .. } = demo;
    app.shutdown().await?;
    result
}

async fn play<W: Write>(d: &mut Demo<'_, W>) -> anyhow::Result<()> {
    d.line(d.script.say(
        "escalation-bot demo: the real bot on loopback, a stand-in for Slack's Web API, and a \
         temporary store. Aiko Sato is a support agent; Kenji Tanaka (CEO, paged first) and \
         Yumi Ito (COO) take cases; Hiro Mori is the support manager. Yumi and Hiro approve \
         terminations and large refunds.",
        "escalation-bot のデモです。実際のボットをこのコンピューターの中だけで動かし、Slack の\
         代わりに内蔵の模擬サーバーと一時的な保存領域を使います。登場人物は、サポート担当の佐藤 愛子さん、\
         責任者の田中 健二さん（CEO、最初に呼び出されます）と伊藤 由美さん（COO）、\
         サポートマネージャーの森 博さんです。契約解除と高額の返金は、伊藤さんと森さんが\
         承認します。",
    ))?;

    d.step(
        "Aiko is insulted on a call for an hour and escalates in one line.",
        "佐藤さんは電話で1時間にわたり罵倒され、1行でエスカレーションします。",
    )?;
    let text = d.script.say(
        "cust-42 verbal-abuse Called me incompetent and shouted for an hour after I suggested the export feature.",
        "cust-42 暴言 エクスポート機能を提案したところ、1時間にわたり「無能」と怒鳴り続けた。",
    );
    d.line(&format!("    /escalate {text}\n"))?;
    let answer = d.sender.command(AGENT, SUPPORT, text).await;
    d.answer(AGENT, &answer)?;
    d.settle().await?;

    d.step(
        "Aiko clicks \"Take this case\" on the card: only executives and managers can.",
        "佐藤さんがカードの「この案件を担当する」を押しますが、担当できるのは責任者とマネージャーだけです。",
    )?;
    let card = d.card()?;
    d.click(AGENT, &card, "take_case").await?;

    d.step(
        "Kenji takes the case from his page.",
        "田中さんが、呼び出しのダイレクトメッセージから案件を担当します。",
    )?;
    let page = d.in_dm(CEO)?;
    d.click(CEO, &page, "take_case").await?;

    d.step(
        "Kenji decides: refund everything paid to date and terminate the contract. He ticks both \
         measures and enters the amount.",
        "田中さんは、これまでの支払いを全額返金したうえで契約を解除すると判断し、二つの措置を選んで\
         金額を入力します。",
    )?;
    let card = d.card()?;
    d.click(CEO, &card, "decide:several").await?;
    let form = d
        .slack
        .views()
        .last()
        .cloned()
        .context("the outcome form did not open")?;
    d.line(d.script.say(
        "    (Kenji ticks Refund and Termination, types 120000 and submits)\n",
        "    （田中さんが「返金」と「契約解除」を選び、「120000」と入力して送信します）\n",
    ))?;
    let answer = d
        .sender
        .submit(
            CEO,
            &form,
            &[("measures", "refund,termination"), ("amount", "120000")],
        )
        .await;
    let checks = answer.json();
    if checks["response_action"] != "push" {
        bail!(
            "the checks before a termination did not open: {}",
            answer.body
        );
    }
    let pushed = d.slack.push_view(&checks["view"]);
    d.settle().await?;
    d.line(d.script.say(
        "    (the checks before a termination: Kenji answers that the complaint underneath was \
         answered, accommodation is not relevant, no duty to keep serving applies, the terms' \
         clause, and that legal has reviewed it)\n",
        "    （契約解除の事前確認：田中さんが、背景の苦情には回答済み、合理的配慮は該当しない、提供を\
         続ける義務はない、根拠条項、法務確認済みと回答します）\n",
    ))?;
    let answer = d
        .sender
        .submit(
            CEO,
            &pushed,
            &[
                ("complaint", "answered"),
                ("accommodation", "not-relevant"),
                ("duty_to_serve", "no"),
                ("legal", "reviewed"),
            ],
        )
        .await;
    d.answer(CEO, &answer)?;
    d.settle().await?;

    d.step(
        "Kenji tries to approve his own proposal: a termination is approved by an approver, \
         never by whoever proposed it.",
        "田中さんが自分の提案を承認しようとしますが、契約解除を承認できるのは提案者以外の\
         承認者だけです。",
    )?;
    let proposal = d.proposal()?;
    d.click(CEO, &proposal, "approve_proposal").await?;

    d.step(
        "Hiro, an approver, approves in the thread.",
        "承認者の森さんがスレッドで承認します。",
    )?;
    d.click(MANAGER, &proposal, "approve_proposal").await?;

    d.step(
        "A second customer demands free weekend work. Yumi takes it and gives a warning.",
        "別のお客様が、契約外の週末の無償作業を要求しています。伊藤さんが担当し、書面警告とします。",
    )?;
    let text = d.script.say(
        "cust-7 unreasonable-demand Demands free on-site work every weekend, outside the contract.",
        "cust-7 不当要求 契約外の週末の無償訪問作業を毎週要求している。",
    );
    d.line(&format!("    /escalate {text}\n"))?;
    let answer = d.sender.command(AGENT, SUPPORT, text).await;
    d.answer(AGENT, &answer)?;
    d.settle().await?;
    let card = d.card()?;
    d.click(COO, &card, "take_case").await?;
    let card = d.card()?;
    d.click(COO, &card, "decide:warning").await?;

    d.step(
        "In #support, shared with the customer Acme over Slack Connect, Acme's Bob turns \
         nasty. The bot suggests escalating, to Aiko alone: Bob sees nothing.",
        "顧客のアクメ社と Slack コネクトで共有している #support で、アクメ社のボブさんの言葉が\
         荒れます。ボットは佐藤さんにだけエスカレーションを提案し、ボブさんには何も表示されません。",
    )?;
    let bob = Author::person(ACME_USER, ACME_TEAM);
    let opening = d.slack.post_as(
        Author::person(AGENT, slack_standin::web_api::TEAM_ID),
        SUPPORT,
        d.script
            .say("Hi Bob, how can I help?", "ボブさん、どうされましたか？"),
        None,
    );
    let nasty = d.slack.post_as(
        bob,
        SUPPORT,
        d.script.say(
            "Fix it today or else. You're useless.",
            "今日中に直せ。本当に使えねえな、無能が。",
        ),
        Some(&opening.ts),
    );
    let bob_says = d.script.say("Bob", "ボブさん");
    d.line(&format!(
        "    {bob_says}{}{}\n",
        d.script.say(": ", "："),
        nasty.text
    ))?;
    let answer = d.sender.message_event(&nasty).await;
    d.answer(AGENT, &answer)?;
    d.settle().await?;

    d.step(
        "Bob adds :rotating_light: to his own message. He is not staff: nothing happens, and \
         he sees nothing.",
        "ボブさんが自分のメッセージに 🚨（:rotating_light:）のリアクションを付けます。社内のメンバーではないため、\
         何も起こらず、ボブさんには何も表示されません。",
    )?;
    let answer = d.sender.react(ACME_USER, &nasty, "rotating_light").await;
    d.answer(ACME_USER, &answer)?;
    d.settle().await?;

    d.step(
        "Aiko reacts to Bob's message with :rotating_light:. A case opens from it, with the \
         message as evidence and Acme as the customer.",
        "佐藤さんがボブさんのメッセージに 🚨 のリアクションを付けると、\
         そのメッセージを証拠として、顧客をアクメ社とする案件が起票されます。",
    )?;
    let answer = d.sender.react(AGENT, &nasty, "rotating_light").await;
    d.answer(AGENT, &answer)?;
    d.settle().await?;

    d.step(
        "Aiko asks for a customer's history: histories and tallies are for people with a role.",
        "佐藤さんが顧客の履歴を見ようとしますが、履歴と集計を見られるのは、役割のある方だけです。",
    )?;
    d.line("    /escalate history cust-42\n")?;
    let answer = d.sender.command(AGENT, SUPPORT, "history cust-42").await;
    d.answer(AGENT, &answer)?;

    d.step(
        "Hiro looks up the first customer.",
        "森さんが、最初のお客様の履歴を確認します。",
    )?;
    d.line("    /escalate history cust-42\n")?;
    let answer = d.sender.command(MANAGER, SUPPORT, "history cust-42").await;
    d.answer(MANAGER, &answer)?;

    d.step(
        "The tallies leadership quotes.",
        "経営層への報告に使う集計です。",
    )?;
    d.line("    /escalate stats\n")?;
    let answer = d.sender.command(MANAGER, SUPPORT, "stats").await;
    d.answer(MANAGER, &answer)?;

    d.step(
        "Hiro asks for this month's compliance summary: the record of the measures the 2026 law \
         asks employers to take, the same as `escalation-bot compliance-report` gives.",
        "森さんが、今月の実施状況を確認します。2026年の法改正で事業主に求められる措置の記録で、\
         `escalation-bot compliance-report` と同じ内容です。",
    )?;
    let today = d
        .app
        .context()
        .clock
        .now()
        .to_zoned(d.app.context().settings.report.schedule.zone.clone())
        .date();
    let month = format!("compliance {} {today}", today.first_of_month());
    d.line(&format!("    /escalate {month}\n"))?;
    let answer = d.sender.command(MANAGER, SUPPORT, &month).await;
    d.answer(MANAGER, &answer)?;
    d.settle().await?;

    d.step(
        "Every Monday at 09:00 (in the configured time zone), leadership gets the week's report with a \
         chart. Here is this week's, posted now as `escalation-bot report --post` would.",
        "毎週月曜 9:00（設定したタイムゾーンの時刻）に、経営層のチャンネルへ週次報告とグラフが\
         届きます。ここでは `escalation-bot report --post` と同じく、今週分をすぐに投稿します。",
    )?;
    let ctx = d.app.context().clone();
    let now = ctx.clock.now();
    let week = escalation_bot::domain::Week::of(now, &ctx.settings.report.schedule.zone);
    escalation_bot::jobs::report::post_now(&ctx.store, &ctx.slack, &ctx.settings, now, week)
        .await
        .map_err(anyhow::Error::msg)?;
    d.settle().await?;

    let dead = d.app.context().store.dead_letters()?;
    if !dead.is_empty() {
        bail!("{} deliveries failed: {:?}", dead.len(), dead);
    }
    let calls = d.slack.calls();
    let unauthorized: Vec<&str> = calls
        .iter()
        .filter(|c| !c.authorized)
        .map(|c| c.method.as_str())
        .collect();
    if !unauthorized.is_empty() {
        bail!("calls without the bot token: {unauthorized:?}");
    }
    d.line(&format!(
        "{}{}",
        d.script.say(
            "Slack Web API calls made: ",
            "Slack Web API の呼び出し回数："
        ),
        calls.len()
    ))
}

/// The Slack client's language for a transcript in `locale`.
fn language(locale: Locale) -> transcript::Language {
    match locale {
        Locale::En => transcript::Language::English,
        Locale::Ja => transcript::Language::Japanese,
    }
}

#[cfg(test)]
mod tests {
    use slack_standin::transcript::EMOJI;

    /// The emoji shortcodes (`:eyes:`) in `source`: a colon, a name, a colon, with no colon
    /// either side (Rust paths such as `crate::i18n::Locale` are not shortcodes).
    fn shortcodes(source: &str) -> Vec<&str> {
        let code = regex::Regex::new(r":[a-z0-9_+-]+:").expect("a valid pattern");
        let bytes = source.as_bytes();
        code.find_iter(source)
            .filter(|m| {
                m.start().checked_sub(1).is_none_or(|i| bytes[i] != b':')
                    && bytes.get(m.end()) != Some(&b':')
            })
            .map(|m| m.as_str())
            .collect()
    }

    /// The transcript shows the stand-in's emoji as emoji and any other shortcode raw: the
    /// bot writes only those.
    #[test]
    fn every_emoji_the_bot_writes_has_a_terminal_form() {
        let sources = [
            ("src/i18n/en.rs", include_str!("../i18n/en.rs")),
            ("src/i18n/ja.rs", include_str!("../i18n/ja.rs")),
            ("src/render.rs", include_str!("../render.rs")),
        ];
        let mut seen = 0;
        for (file, source) in sources {
            for code in shortcodes(source) {
                seen += 1;
                assert!(
                    EMOJI.iter().any(|(known, _)| *known == code),
                    "{code} in {file} would print raw in the demo: add it to the stand-in's \
                     transcript::EMOJI"
                );
            }
        }
        assert!(seen > 10, "the scan found the catalogs' emoji");
        assert_eq!(shortcodes("crate::i18n::Locale, a:b"), Vec::<&str>::new());
    }
}
