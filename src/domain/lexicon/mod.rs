//! Purpose: spotting messages that look abusive, to suggest an escalation and a category
//! (never to act on its own: people confirm). Messages are normalised first
//! (`domain::normalize`), then read against intents, one pattern per thing a customer
//! means, per category, with the context that makes a phrase harmless (`intents`).
//!
//! Quoted words are read too: customers quote themselves for emphasis (「誠意」を見せろ),
//! and helpdesk integrations quote the customer's chat. What a quote reports someone else
//! saying (担当者から「バカ」と言われました, your agent wrote "you idiot") does not count.
//! When several categories match, a private one (sexual, discrimination, personal attack)
//! wins, so the case keeps its privacy; otherwise the more serious one does.

mod intents;

use std::collections::BTreeMap;
use std::sync::OnceLock;

use regex::Regex;

use super::category::Category;
use super::normalize::{self, Normalized, Quote};
pub use intents::{INTENTS, Intent, Unless};

/// An intent, compiled.
#[derive(Debug, Clone)]
struct Rule {
    category: Category,
    name: &'static str,
    pattern: Regex,
    before: Option<Regex>,
    after: Option<Regex>,
    near: Option<Regex>,
    in_message: Option<Regex>,
    weak: bool,
}

/// A rule that matched a message: what the customer seems to mean.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Match {
    pub category: Category,
    pub intent: &'static str,
    /// The words that matched, in the normalised spelling.
    pub words: String,
    pub weak: bool,
}

#[derive(Debug, Clone)]
pub struct Lexicon {
    rules: Vec<Rule>,
    /// All the rules' patterns at once: one pass over a message says which rules can
    /// match, and only those are run on their own.
    any: regex::RegexSet,
}

fn either(parts: &[&str], anchor_start: bool, anchor_end: bool) -> Option<Regex> {
    if parts.is_empty() {
        return None;
    }
    let body = parts
        .iter()
        .map(|p| format!("(?:{p})"))
        .collect::<Vec<_>>()
        .join("|");
    let pattern = match (anchor_start, anchor_end) {
        (true, _) => format!("^(?:{body})"),
        (_, true) => format!("(?:{body})$"),
        _ => body,
    };
    Some(
        Regex::new(&ascii_boundaries(&pattern))
            .expect("shipped contexts compile (lexicon tests compile them all)"),
    )
}

/// Word boundaries are Latin ones: a Unicode `\b` makes the regex crate leave its fast
/// engines on any text with a kana in it, and the patterns that use `\b` are English.
fn ascii_boundaries(pattern: &str) -> String {
    pattern.replace(r"\b", r"(?-u:\b)")
}

impl Rule {
    fn from_intent(intent: &Intent) -> Rule {
        let pick = |want: fn(&Unless) -> Option<&'static str>| -> Vec<&'static str> {
            intent.unless.iter().filter_map(want).collect()
        };
        let before = pick(|u| match u {
            Unless::Before(p) => Some(p),
            _ => None,
        });
        let after = pick(|u| match u {
            Unless::After(p) => Some(p),
            _ => None,
        });
        let near = pick(|u| match u {
            Unless::Near(p) => Some(p),
            _ => None,
        });
        let in_message = pick(|u| match u {
            Unless::InMessage(p) => Some(p),
            _ => None,
        });
        Rule {
            category: intent.category,
            name: intent.name,
            pattern: Regex::new(&ascii_boundaries(intent.pattern))
                .expect("shipped patterns compile (lexicon tests compile them all)"),
            before: either(&before, false, true),
            after: either(&after, true, false),
            near: either(&near, false, false),
            in_message: either(&in_message, false, false),
            weak: intent.weak,
        }
    }

    /// A phrase from configuration: its words, as typed, in the normalised spelling;
    /// Latin words match whole.
    fn from_phrase(category: Category, phrase: &str) -> Option<Rule> {
        let folded = normalize::fold(phrase);
        if folded.is_empty() {
            return None;
        }
        let mut pattern = regex::escape(&folded);
        if folded.starts_with(|c: char| c.is_ascii_alphanumeric()) {
            pattern = format!(r"\b{pattern}");
        }
        if folded.ends_with(|c: char| c.is_ascii_alphanumeric()) {
            pattern = format!(r"{pattern}\b");
        }
        Some(Rule {
            category,
            name: "configured phrase",
            pattern: Regex::new(&pattern).ok()?,
            before: None,
            after: None,
            near: None,
            in_message: None,
            weak: false,
        })
    }
}

/// Where a sentence ends, for `Unless::Near`.
fn is_sentence_end(c: char) -> bool {
    matches!(c, '。' | '!' | '?' | '.' | '\n')
}

fn sentence_around(text: &str, start: usize, end: usize) -> &str {
    let from = text[..start]
        .char_indices()
        .rev()
        .find(|(_, c)| is_sentence_end(*c))
        .map_or(0, |(i, c)| i + c.len_utf8());
    let to = text[end..]
        .char_indices()
        .find(|(_, c)| is_sentence_end(*c))
        .map_or(text.len(), |(i, _)| end + i);
    &text[from..to]
}

/// What comes right after a quote when it reports someone else's words: と言われた,
/// と書かれていた, という書き込み, ...is what your agent wrote.
const REPORTED_AFTER: &str = r"^\s*((と|って|とか|なんて|などと)\s*(言|い|云)われ|(と|って)(書|か)かれ|と(罵|ののし)られ|(と|って)返(さ|信|答)|と(回答|返答|表示|出|で)|という(書き込|かきこ|投稿|こめんと|めっせじ|める|表示|えら|文言|言葉|ことば|単語|内容|れびゅ|返信|回答)|(is|was) what (your|the|he|she|they|someone)|(from|by) (your|the) (agent|rep|support|staff|team|employee|operator|company|engineer))";

/// What comes right before a quote when it reports someone else's words: your agent
/// replied "...", the log says "...".
const REPORTED_BEFORE: &str = r"(said|says|wrote|writes|replied|answered|responded|told (me|us)|called (me|us)|typed|emailed|messaged|texted|posted|shows|showed|reads|read|the (log|error|message|screen|popup|page) (says|said|shows|reads))( to (me|us|my \w+|our \w+))?[ :,]*$";

/// A blockquote reports someone else when the rest of the message says whose words they
/// are; a helpdesk integration quoting the customer's chat says nothing of the kind.
const REPORTED_BLOCK: &str = r"\b(your|the|one of your) (agent|rep|support|staff|employee|operator|engineer|team)s?\b|\bfrom your\b|\b(he|she|they) (said|wrote|replied)\b|担当|すたっふ|社員|店員|おぺれた|言われ|書かれ|返信|回答";

struct Reported {
    after: Regex,
    before: Regex,
    block: Regex,
}

fn reported() -> &'static Reported {
    static REPORTED: OnceLock<Reported> = OnceLock::new();
    REPORTED.get_or_init(|| Reported {
        after: Regex::new(REPORTED_AFTER).expect("a fixed pattern compiles"),
        before: Regex::new(REPORTED_BEFORE).expect("a fixed pattern compiles"),
        block: Regex::new(REPORTED_BLOCK).expect("a fixed pattern compiles"),
    })
}

/// Whether a quote is someone else's words that the customer reports, not their own.
fn reports_someone_else(message: &Normalized, quote: &Quote) -> bool {
    let text = &message.text;
    let r = reported();
    if quote.block {
        let mut outside = String::new();
        let mut from = 0;
        for q in message.quotes.iter().filter(|q| q.block) {
            outside.push_str(&text[from..q.range.start.max(from)]);
            from = q.range.end;
        }
        outside.push_str(&text[from.min(text.len())..]);
        return r.block.is_match(&outside);
    }
    r.after.is_match(&text[quote.range.end..]) || r.before.is_match(&text[..quote.range.start])
}

impl Default for Lexicon {
    fn default() -> Self {
        shipped().clone()
    }
}

/// The shipped intents, compiled once per process (settings are loaded more than once,
/// and compiling some 140 patterns is the slow part).
fn shipped() -> &'static Lexicon {
    static SHIPPED: OnceLock<Lexicon> = OnceLock::new();
    SHIPPED.get_or_init(|| Lexicon::from_rules(INTENTS.iter().map(Rule::from_intent).collect()))
}

impl Lexicon {
    fn from_rules(rules: Vec<Rule>) -> Lexicon {
        let any = regex::RegexSet::new(rules.iter().map(|r| r.pattern.as_str()))
            .expect("every rule's pattern compiled on its own");
        Lexicon { rules, any }
    }

    /// The shipped intents plus `extra` phrases per category (from configuration).
    pub fn new(extra: &BTreeMap<Category, Vec<String>>) -> Lexicon {
        let added: Vec<Rule> = extra
            .iter()
            .flat_map(|(category, phrases)| {
                phrases
                    .iter()
                    .filter_map(|p| Rule::from_phrase(*category, p))
            })
            .collect();
        if added.is_empty() {
            return shipped().clone();
        }
        let mut rules = shipped().rules.clone();
        rules.extend(added);
        Lexicon::from_rules(rules)
    }

    /// Every intent the message matches, strong ones first.
    pub fn matches(&self, text: &str) -> Vec<Match> {
        let message = normalize::normalize(text);
        let text = message.text.as_str();
        if text.is_empty() {
            return Vec::new();
        }
        let reported: Vec<&Quote> = message
            .quotes
            .iter()
            .filter(|q| reports_someone_else(&message, q))
            .collect();
        let mut found = Vec::new();
        for index in self.any.matches(text).iter() {
            let rule = &self.rules[index];
            if rule.in_message.as_ref().is_some_and(|c| c.is_match(text)) {
                continue;
            }
            let hit = rule.pattern.find_iter(text).find(|m| {
                let (start, end) = (m.start(), m.end());
                let quoted = reported
                    .iter()
                    .any(|q| start < q.range.end && q.range.start < end);
                !quoted
                    && !rule
                        .before
                        .as_ref()
                        .is_some_and(|b| b.is_match(&text[..start]))
                    && !rule
                        .after
                        .as_ref()
                        .is_some_and(|a| a.is_match(&text[end..]))
                    && !rule
                        .near
                        .as_ref()
                        .is_some_and(|n| n.is_match(sentence_around(text, start, end)))
            });
            if let Some(m) = hit {
                found.push(Match {
                    category: rule.category,
                    intent: rule.name,
                    words: m.as_str().to_owned(),
                    weak: rule.weak,
                });
            }
        }
        found.sort_by_key(|m| m.weak);
        found
    }

    /// The category a message looks like, if any. Weak intents count only when nothing
    /// else matched; a private category wins over the others, then the more serious (in
    /// `Category::ALL` order).
    pub fn classify(&self, text: &str) -> Option<Category> {
        let found = self.matches(text);
        let strong: Vec<&Match> = found.iter().filter(|m| !m.weak).collect();
        let candidates: Vec<Category> = if strong.is_empty() {
            found.iter().map(|m| m.category).collect()
        } else {
            strong.iter().map(|m| m.category).collect()
        };
        let rank = |c: &Category| {
            let order = Category::ALL
                .iter()
                .position(|a| a == c)
                .unwrap_or(usize::MAX);
            (!c.is_private(), order)
        };
        candidates.into_iter().min_by_key(rank)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn classify(text: &str) -> Option<Category> {
        Lexicon::default().classify(text)
    }

    #[test]
    fn every_shipped_pattern_and_context_compiles() {
        for intent in INTENTS {
            assert!(Regex::new(intent.pattern).is_ok(), "{}", intent.name);
            for unless in intent.unless {
                let p = match unless {
                    Unless::Before(p)
                    | Unless::After(p)
                    | Unless::Near(p)
                    | Unless::InMessage(p) => p,
                };
                assert!(Regex::new(p).is_ok(), "{}: {p}", intent.name);
            }
        }
        assert_eq!(Lexicon::default().rules.len(), INTENTS.len());
    }

    #[test]
    fn patterns_are_written_in_the_normalised_spelling() {
        // Katakana, long-vowel marks, capitals or full-width forms in a pattern could never
        // match: messages are folded before they are read.
        for intent in INTENTS {
            let contexts = intent.unless.iter().map(|u| match u {
                Unless::Before(p) | Unless::After(p) | Unless::Near(p) | Unless::InMessage(p) => *p,
            });
            for pattern in std::iter::once(intent.pattern).chain(contexts) {
                // A range of all hiragana is not a spelling.
                let spelled = pattern.replace("ぁ-ゖ", "");
                for c in spelled.chars() {
                    let bad = matches!(c, '\u{30A1}'..='\u{30F6}' | 'ー' | 'ぁ' | 'ぃ' | 'ぅ' | 'ぇ' | 'ぉ' | '\u{FF01}'..='\u{FF5E}')
                        || (c.is_uppercase() && !pattern.contains(&format!("\\{c}")));
                    assert!(!bad, "{:?} in {}: {}", c, intent.name, pattern);
                }
            }
        }
    }

    #[test]
    fn the_misses_found_in_issue_15_are_caught() {
        for (text, category) in [
            ("訴えさせていただきます", Category::Threat),
            ("出るところに出ますよ", Category::Threat),
            ("SNSで晒しますね", Category::Threat),
            ("ネットにさらしてやる", Category::Threat),
            ("ツイッター で全部書き込んでやるからな", Category::Threat),
            ("このやりとり、拡散しますんで", Category::Threat),
            ("「誠意を見せろ」って言ってるんだよ", Category::Intimidation),
            ("責任者を出せ！", Category::Intimidation),
            ("上の者を呼んでこい", Category::Intimidation),
            ("I'll sue you", Category::Threat),
            ("I'm going to punch you in the face", Category::Violence),
            ("ぶん殴るぞ", Category::Violence),
            ("訴えさせて頂きます", Category::Threat),
            ("誠意を見せて下さい", Category::Intimidation),
            ("誠意を見せて頂きたい", Category::Intimidation),
            ("慰謝料を払って頂きます", Category::UnreasonableDemand),
            ("責任者を出して下さい", Category::Intimidation),
            ("拡散", Category::Threat),
            ("拡散する。", Category::Threat),
            ("ツイッターで拡散しときます", Category::Threat),
            ("訴えるつもりです", Category::Threat),
            ("出るとこ出ようか", Category::Threat),
            ("お姉さんのスリーサイズ教えてよ", Category::Sexual),
            ("ばか", Category::VerbalAbuse),
            ("ﾊﾞｶ", Category::VerbalAbuse),
            ("ばーーか", Category::VerbalAbuse),
            ("バーカ", Category::VerbalAbuse),
        ] {
            assert_eq!(classify(text), Some(category), "{text}");
        }
    }

    #[test]
    fn the_false_alarms_found_in_issue_15_stay_quiet() {
        for text in [
            "弊社の顧客データがネットに晒されています。至急調べてください。",
            "Our data was exposed online after the breach. What happened?",
            "このバグ、本番で出たら痛い目を見ますね。",
            "プリンターから紙クズが出てきます。",
            "These fees kill you if you're a small shop.",
            "Watch your back-end logs around 3am.",
            "注文フォームのスリーサイズ欄を任意にしたいです。",
            "お客様のスリーサイズを聞く機能はありますか？レディース服のネットショップです。",
            "スリーサイズを聞けますか？うちは婦人服の通販をしています。",
            "こんなばかばかしい話は初めてです。",
            "馬鹿馬鹿しいほど手間がかかります。",
            "弊社の顧客データがネットで拡散されています。至急調べてください。",
            "個人情報がツイッターで拡散しています。どうなっているんですか？",
            "写真が拡散する前に削除できますか？",
            "訴えるつもりはありませんが、説明はしてください。",
            "駅を出るところで電話します。",
            "山の頂上から写真を送ります。",
        ] {
            assert_eq!(
                classify(text),
                None,
                "{text}: {:?}",
                Lexicon::default().matches(text)
            );
        }
    }

    #[test]
    fn polite_complaints_and_everyday_words_do_not_match() {
        for text in [
            "I'm very disappointed with the service and I'd like a refund, please.",
            "Sorry if this is a stupid question, but where is the invoice?",
            "ご対応いただけず大変残念です。至急ご確認ください。",
            "Could you shut down the old workspace for us?",
            "ファイルがゴミ箱に入ったままです。復元できますか？",
            "今日は早めに帰るなら、明日の朝に確認します。",
            "エラー画面の写真送っていいですか？",
            "Please email me or else call my office after 3pm.",
            "I'll kill the stuck job and retry, or else we wait for the nightly run.",
            "Is the add-on available for free or is it paid?",
            "Maybe you'd better ask your manager before changing the plan.",
            "Let me fire him an email and fire up the server again.",
            "全額返せますか？ 難しければ一部でも構いません。",
            "移行の費用が馬鹿にならないので、見積もりをお願いします。",
            "来週からバカンスで不在のため、別の担当者にご連絡ください。",
            "来たばかりでよくわかりません。",
            "データを持ち帰るなら、暗号化は必要ですか？",
            "じゃあほかの方法を教えてください。",
            "責任者の方からご説明いただけますでしょうか。",
        ] {
            assert_eq!(
                classify(text),
                None,
                "{text}: {:?}",
                Lexicon::default().matches(text)
            );
        }
    }

    #[test]
    fn quotes_count_unless_they_report_someone_else() {
        for text in [
            "Your agent replied \"you idiot\" to my colleague. This is unacceptable.",
            "担当者から「バカ」と言われました。改善を求めます。",
            "&gt; you idiot\nI was shocked to read this from your support team.",
            "The error says `kill you` in the log, what does it mean?",
            "The log says \"kill the child process\", what does it mean?",
        ] {
            assert_eq!(
                classify(text),
                None,
                "{text}: {:?}",
                Lexicon::default().matches(text)
            );
        }
        for (text, category) in [
            ("「誠意」を見せてください", Category::Intimidation),
            (
                "New chat — Customer ID: initech\n&gt; I'll make sure you lose your job",
                Category::PersonalAttack,
            ),
            ("\"You idiot\" is what I'd call you", Category::VerbalAbuse),
        ] {
            assert_eq!(classify(text), Some(category), "{text}");
        }
    }

    #[test]
    fn conjugations_and_politeness_are_one_intent() {
        for text in ["訴えます", "訴えるぞ", "訴えさせてもらいます", "訴えてやる"]
        {
            assert_eq!(classify(text), Some(Category::Threat), "{text}");
        }
        for text in [
            "誠意を見せろ",
            "誠意を見せてください",
            "誠意を見せてもらえますか",
        ] {
            assert_eq!(classify(text), Some(Category::Intimidation), "{text}");
        }
    }

    #[test]
    fn a_private_category_wins_so_the_case_stays_private() {
        assert_eq!(
            classify("バカ女、彼氏いるの？"),
            Some(Category::Sexual),
            "sexual over verbal abuse"
        );
        assert_eq!(
            classify("外国人のくせに。殺すぞ"),
            Some(Category::Discrimination),
            "discrimination over a threat"
        );
        assert_eq!(
            classify("you idiot, I will kill you"),
            Some(Category::Threat),
            "otherwise the more serious"
        );
    }

    #[test]
    fn weak_pressure_gives_way_to_what_is_demanded() {
        assert_eq!(classify("Do it now or else!"), Some(Category::Intimidation));
        assert_eq!(
            classify("Pay me $10,000 for my wasted time or else"),
            Some(Category::UnreasonableDemand)
        );
    }

    #[test]
    fn configured_phrases_extend_the_lexicon() {
        let extra = BTreeMap::from([(Category::UnreasonableDemand, vec!["Weekend Visit".into()])]);
        let lexicon = Lexicon::new(&extra);
        assert_eq!(
            lexicon.classify("I want a ＷＥＥＫＥＮＤ visit every week"),
            Some(Category::UnreasonableDemand)
        );
        assert_eq!(lexicon.classify("weekend visitors"), None, "whole words");
    }
}
