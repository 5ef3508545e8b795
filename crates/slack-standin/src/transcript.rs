//! Purpose: turns what the stand-in saw into a readable transcript: who sees what, in
//! order, with Block Kit flattened to text roughly as the Slack client shows it.

use serde_json::Value;

use super::web_api::{Message, Sighting, StandIn};

/// The language of the Slack client the transcript imitates: it decides the client's own
/// words ("only … sees") and punctuation, not the app's.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Language {
    English,
    Japanese,
}

const DIVIDER: &str = "────────";

/// The emoji shortcodes a transcript shows as emoji (a terminal has no others); any other
/// shortcode prints as it is. An app can check its own text against this list.
pub const EMOJI: [(&str, &str); 12] = [
    (":eyes:", "👀"),
    (":speech_balloon:", "💬"),
    (":arrow_right:", "➡️"),
    (":bell:", "🔔"),
    (":rotating_light:", "🚨"),
    (":raising_hand:", "🙋"),
    (":hourglass_flowing_sand:", "⏳"),
    (":white_check_mark:", "✅"),
    (":lock:", "🔒"),
    (":grey_question:", "❔"),
    (":information_source:", "ℹ️"),
    (":warning:", "⚠️"),
];

/// Renders sightings from index `from` on; returns the lines and the next index.
pub fn render(slack: &StandIn, from: usize, language: Language) -> (Vec<String>, usize) {
    let ja = language == Language::Japanese;
    let sightings = slack.sightings();
    let mut lines = Vec::new();
    for sighting in sightings.iter().skip(from) {
        match sighting {
            Sighting::Posted(m) => {
                lines.push(format!("[{}]", audience(slack, m, false, ja)));
                lines.extend(indent(&message_lines(slack, m, ja)));
            }
            Sighting::Edited(m) => {
                lines.push(format!("[{}]", audience(slack, m, true, ja)));
                // A card's facts do not change: show the part below the divider.
                let all = message_lines(slack, m, ja);
                let changed = match all.iter().position(|l| l == DIVIDER) {
                    Some(at) => all[at + 1..].to_vec(),
                    None => all,
                };
                lines.extend(indent(&changed));
            }
            Sighting::FormOpened(view) => {
                let title = view["title"]["text"].as_str().unwrap_or("form");
                lines.push(if ja {
                    format!("[フォームが開く：「{title}」]")
                } else {
                    format!("[a form opens: \"{title}\"]")
                });
                for block in view["blocks"].as_array().into_iter().flatten() {
                    if block["type"] == "input" {
                        lines.push(format!(
                            "    ▢ {}",
                            block["label"]["text"].as_str().unwrap_or("")
                        ));
                    } else {
                        lines.extend(indent(&block_lines(slack, block, ja)));
                    }
                }
            }
        }
        lines.push(String::new());
    }
    (lines, sightings.len())
}

fn indent(lines: &[String]) -> Vec<String> {
    lines.iter().map(|l| format!("    {l}")).collect()
}

fn audience(slack: &StandIn, m: &Message, edited: bool, ja: bool) -> String {
    if let Some(user) = &m.only_for {
        let name = slack.user_name(user);
        return match (slack.channel_name(&m.channel), ja) {
            (Some(c), false) => format!("only {name} sees, in #{c}"),
            (None, false) => format!("only {name} sees"),
            (Some(c), true) => format!("#{c} で{name}さんにだけ表示"),
            (None, true) => format!("{name}さんにだけ表示"),
        };
    }
    let place = match (slack.channel_name(&m.channel), slack.dm_user(&m.channel)) {
        (Some(name), _) => format!("#{name}"),
        (None, Some(user)) if ja => {
            format!("{}さんへのダイレクトメッセージ", slack.user_name(&user))
        }
        (None, Some(user)) => format!("direct message to {}", slack.user_name(&user)),
        (None, None) => m.channel.clone(),
    };
    let place = match (m.thread_ts.is_some(), ja) {
        (true, false) => format!("{place}, in the thread"),
        (true, true) => format!("{place} のスレッド"),
        (false, _) => place,
    };
    match (edited, ja) {
        (true, false) => format!("{place}, message updated in place"),
        (true, true) => format!("{place}（メッセージを更新）"),
        (false, _) => place,
    }
}

fn message_lines(slack: &StandIn, m: &Message, ja: bool) -> Vec<String> {
    let blocks: Vec<String> = m
        .blocks
        .as_array()
        .into_iter()
        .flatten()
        .flat_map(|b| block_lines(slack, b, ja))
        .collect();
    let mut lines: Vec<String> = if blocks.is_empty() {
        mrkdwn(slack, &m.text).lines().map(str::to_owned).collect()
    } else {
        blocks
    };
    for file in &m.files {
        let name = file["name"].as_str().unwrap_or("file");
        let size = file["size"].as_u64().unwrap_or(0);
        lines.push(format!("📎 {name} ({size} bytes)"));
    }
    lines
}

fn text_of(slack: &StandIn, text: &Value) -> String {
    mrkdwn(slack, text["text"].as_str().unwrap_or(""))
}

/// A block as the Slack client lays it out; `ja` picks the punctuation of the Japanese
/// client (a field's label and value, a context line's brackets).
fn block_lines(slack: &StandIn, block: &Value, ja: bool) -> Vec<String> {
    let mut out = Vec::new();
    match block["type"].as_str().unwrap_or("") {
        "header" => out.push(format!("== {} ==", text_of(slack, &block["text"]))),
        "section" => {
            if !block["text"].is_null() {
                out.extend(text_of(slack, &block["text"]).lines().map(str::to_owned));
            }
            for field in block["fields"].as_array().into_iter().flatten() {
                out.push(text_of(slack, field).replace('\n', if ja { "：" } else { ": " }));
            }
        }
        "context" => {
            let parts: Vec<String> = block["elements"]
                .as_array()
                .into_iter()
                .flatten()
                .map(|e| text_of(slack, e))
                .collect();
            // Context is the client's small grey print: a note mark in Japanese, where
            // brackets would nest with the brackets of the text itself.
            out.push(if ja {
                format!("※ {}", parts.join(" "))
            } else {
                format!("({})", parts.join(" "))
            });
        }
        "divider" => out.push(DIVIDER.into()),
        // A chart as its title and a line of values per series (the client draws bars).
        "data_visualization" => {
            out.push(format!("📊 {}", block["title"].as_str().unwrap_or("")));
            let chart = &block["chart"];
            let (sep, list) = if ja { ("：", "、") } else { (": ", ", ") };
            for series in chart["series"].as_array().into_iter().flatten() {
                let values: Vec<String> = series["data"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .map(|p| p["value"].to_string())
                    .collect();
                let name = series["name"].as_str().unwrap_or("");
                out.push(format!("  {name}{sep}{}", values.join(list)));
            }
        }
        // A table by its caption: the client shows it paged and sortable.
        "data_table" => out.push(format!("▦ {}", block["caption"].as_str().unwrap_or(""))),
        "actions" => {
            let buttons: Vec<String> = block["elements"]
                .as_array()
                .into_iter()
                .flatten()
                .map(|e| format!("[ {} ]", text_of(slack, &e["text"])))
                .collect();
            out.push(buttons.join(" "));
        }
        _ => {}
    }
    out
}

/// Slack mrkdwn as a person reads it: mentions as names, dates as dates, escapes undone.
pub fn mrkdwn(slack: &StandIn, text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(start) = rest.find('<') {
        out.push_str(&rest[..start]);
        let Some(end) = rest[start..].find('>') else {
            out.push_str(&rest[start..]);
            rest = "";
            break;
        };
        let token = &rest[start + 1..start + end];
        if let Some(user) = token.strip_prefix('@') {
            out.push('@');
            out.push_str(&slack.user_name(user));
        } else if let Some(channel) = token.strip_prefix('#') {
            let id = channel.split('|').next().unwrap_or(channel);
            out.push('#');
            out.push_str(&slack.channel_name(id).unwrap_or_else(|| id.to_owned()));
        } else if token.starts_with("!date^") {
            out.push_str(token.rsplit('|').next().unwrap_or(token));
        } else if let Some(special) = token.strip_prefix('!') {
            out.push('@');
            out.push_str(special);
        } else {
            out.push_str(token.rsplit('|').next().unwrap_or(token));
        }
        rest = &rest[start + end + 1..];
    }
    out.push_str(rest);
    // Bold markers mean nothing in a terminal; code spans and quotes read fine as they are.
    let mut out = out.replace('*', "");
    for (code, emoji) in EMOJI {
        out = out.replace(code, emoji);
    }
    out.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mrkdwn_reads_as_a_person_reads_it() {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("a runtime");
        let _guard = runtime.enter();
        let slack = runtime
            .block_on(StandIn::start("xoxb-t"))
            .expect("the stand-in starts");
        slack.add_user("U1", "aiko");
        slack.add_channel("C1", "support");
        assert_eq!(
            mrkdwn(
                &slack,
                "*Taken* by <@U1> in <#C1> :eyes: &lt;ok&gt; <https://x.example|the link>"
            ),
            "Taken by @aiko in #support 👀 <ok> the link"
        );
    }
}
