//! Purpose: spotting messages that look abusive, to suggest an escalation (never to act on
//! its own). A lexicon per category in Japanese and English, kept to phrases that are
//! abusive in themselves: a polite complaint, even an angry one, must not match, and
//! neither must words the customer is quoting (`> ...`, "...", 「...」).

use std::collections::BTreeMap;

use super::category::Category;

/// Shipped defaults: (category, phrases). English phrases match whole words, case- and
/// apostrophe-insensitively; Japanese ones match anywhere (Japanese has no spaces).
const DEFAULTS: &[(Category, &[&str])] = &[
    (
        Category::Threat,
        &[
            "kill you",
            "i will kill",
            "i'll kill",
            "i know where you live",
            "watch your back",
            "you'll regret this",
            "you will regret this",
            "burn your office",
            "hurt you",
            "殺すぞ",
            "ぶっ殺",
            "殺してやる",
            "覚えてろ",
            "覚えておけよ",
            "ただで済むと思うな",
            "家を知ってる",
            "燃やしてやる",
            "ネットに晒",
            "晒してやる",
            "痛い目を見",
        ],
    ),
    (
        Category::VerbalAbuse,
        &[
            "you idiot",
            "you're an idiot",
            "you are an idiot",
            "you moron",
            "you're stupid",
            "you are stupid",
            "you're useless",
            "you are useless",
            "worthless idiot",
            "incompetent idiot",
            "shut up",
            "fuck you",
            "fucking idiot",
            "piece of shit",
            "bitch",
            "bastard",
            "バカ",
            "馬鹿",
            "アホ",
            "無能",
            "クズ",
            "ゴミ",
            "死ね",
            "役立たず",
            "ふざけるな",
            "ふざけんな",
            "黙れ",
            "使えない奴",
            "使えねえ",
        ],
    ),
    (
        Category::Intimidation,
        &[
            "do you know who i am",
            "you'd better",
            "you better watch",
            "or else",
            "誠意を見せろ",
            "なめてるのか",
            "なめるな",
            "舐めるな",
            "分かってんのか",
            "どうなっても知らない",
            "上の者を出せ",
        ],
    ),
    (
        Category::Dogeza,
        &[
            "get on your knees",
            "on your knees and apologize",
            "kneel and apologize",
            "土下座",
            "頭を下げに来い",
            "謝りに来い",
        ],
    ),
    (
        Category::Restraint,
        &[
            "don't you dare hang up",
            "you're not leaving",
            "i'm not leaving until",
            "電話を切るな",
            "帰さない",
            "帰るな",
            "切ったら許さない",
        ],
    ),
    (
        Category::Discrimination,
        &[
            "go back to your country",
            "because you're a woman",
            "外国人のくせに",
            "女のくせに",
            "女のくせ",
            "外人は",
        ],
    ),
    (
        Category::Sexual,
        &[
            "what are you wearing",
            "send me a photo of you",
            "you're sexy",
            "go on a date with me",
            "彼氏いるの",
            "デートしよう",
            "写真送って",
            "スリーサイズ",
        ],
    ),
    (
        Category::PersonalAttack,
        &[
            "fire that agent",
            "fire her",
            "fire him",
            "get that agent fired",
            "your home address",
            "担当を変えろ",
            "クビにしろ",
            "辞めさせろ",
            "お前の名前を言え",
            "住所を教えろ",
        ],
    ),
    (
        Category::UnreasonableDemand,
        &[
            "do it for free",
            "for free or",
            "compensate me or",
            "タダでやれ",
            "無償でやれ",
            "慰謝料を払え",
            "今すぐ来い",
            "全額返せ",
        ],
    ),
];

#[derive(Debug, Clone)]
pub struct Lexicon {
    terms: Vec<(Category, String)>,
}

impl Default for Lexicon {
    fn default() -> Self {
        Lexicon::new(&BTreeMap::new())
    }
}

/// Lower case, straight apostrophes, single spaces: how both sides are compared.
fn normalize(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut space = false;
    for c in text.chars() {
        let c = match c {
            '\u{2018}' | '\u{2019}' | '\u{FF07}' => '\'',
            c if c.is_whitespace() => ' ',
            c => c,
        };
        if c == ' ' {
            if !space && !out.is_empty() {
                out.push(' ');
            }
            space = true;
        } else {
            out.extend(c.to_lowercase());
            space = false;
        }
    }
    out
}

/// The text without what it quotes: blockquote lines (Slack sends `>` as `&gt;`), and
/// anything between quotation marks or in code spans.
pub fn without_quotes(text: &str) -> String {
    let unquoted_lines: Vec<&str> = text
        .lines()
        .filter(|l| {
            let l = l.trim_start();
            !(l.starts_with('>') || l.starts_with("&gt;"))
        })
        .collect();
    let text = unquoted_lines.join("\n");
    let pairs = [
        ('"', '"'),
        ('\u{201C}', '\u{201D}'),
        ('「', '」'),
        ('『', '』'),
        ('`', '`'),
    ];
    let mut out = String::with_capacity(text.len());
    let mut closing: Option<char> = None;
    for c in text.chars() {
        match closing {
            Some(close) if c == close => closing = None,
            Some(_) => {}
            None => match pairs.iter().find(|(open, _)| *open == c) {
                Some((_, close)) => closing = Some(*close),
                None => out.push(c),
            },
        }
    }
    out
}

fn is_word_char(c: char) -> bool {
    c.is_alphanumeric() || c == '\''
}

/// Whether `phrase` occurs in `text` as whole words (for ASCII phrases) or anywhere (for
/// phrases in scripts written without spaces).
fn contains_phrase(text: &str, phrase: &str) -> bool {
    if !phrase.is_ascii() {
        return text.contains(phrase);
    }
    text.match_indices(phrase).any(|(at, _)| {
        let before = text[..at].chars().next_back();
        let after = text[at + phrase.len()..].chars().next();
        !before.is_some_and(is_word_char) && !after.is_some_and(is_word_char)
    })
}

impl Lexicon {
    /// The shipped lexicon plus `extra` phrases per category (from configuration).
    pub fn new(extra: &BTreeMap<Category, Vec<String>>) -> Lexicon {
        let mut terms: Vec<(Category, String)> = DEFAULTS
            .iter()
            .flat_map(|(category, phrases)| phrases.iter().map(|p| (*category, normalize(p))))
            .collect();
        for (category, phrases) in extra {
            terms.extend(
                phrases
                    .iter()
                    .map(|p| normalize(p))
                    .filter(|p| !p.is_empty())
                    .map(|p| (*category, p)),
            );
        }
        Lexicon { terms }
    }

    /// The category a message looks like, if any. Quoted text is ignored; with several
    /// matches the most serious category (in `Category::ALL` order) wins.
    pub fn classify(&self, text: &str) -> Option<Category> {
        let text = normalize(&without_quotes(text));
        if text.is_empty() {
            return None;
        }
        self.terms
            .iter()
            .filter(|(_, phrase)| contains_phrase(&text, phrase))
            .map(|(category, _)| *category)
            .min_by_key(|c| Category::ALL.iter().position(|a| a == c))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn classify(text: &str) -> Option<Category> {
        Lexicon::default().classify(text)
    }

    #[test]
    fn abuse_in_english_and_japanese_is_spotted() {
        assert_eq!(
            classify("You IDIOT, fix it now"),
            Some(Category::VerbalAbuse)
        );
        assert_eq!(classify("I know where you live."), Some(Category::Threat));
        assert_eq!(
            classify("お前は本当に無能だな"),
            Some(Category::VerbalAbuse)
        );
        assert_eq!(classify("今すぐ土下座しに来い"), Some(Category::Dogeza));
        assert_eq!(
            classify("覚えてろよ、ネットに晒してやる"),
            Some(Category::Threat)
        );
        assert_eq!(
            classify("you’re useless"),
            Some(Category::VerbalAbuse),
            "curly apostrophe"
        );
    }

    #[test]
    fn polite_complaints_do_not_match() {
        for text in [
            "I'm very disappointed with the service and I'd like a refund, please.",
            "This is the third time the export failed. Please fix it today.",
            "Sorry if this is a stupid question, but where is the invoice?",
            "ご対応いただけず大変残念です。至急ご確認ください。",
            "請求書の金額が契約と異なります。返金をお願いします。",
            "Could you shut down the old workspace for us?",
        ] {
            assert_eq!(classify(text), None, "{text}");
        }
    }

    #[test]
    fn quoted_words_do_not_match() {
        for text in [
            "Your agent replied \"you idiot\" to my colleague. This is unacceptable.",
            "&gt; you idiot\nI was shocked to read this from your support team.",
            "担当者から「バカ」と言われました。改善を求めます。",
            "The error says `kill you` in the log, what does it mean?",
        ] {
            assert_eq!(classify(text), None, "{text}");
        }
    }

    #[test]
    fn english_phrases_match_whole_words_only() {
        assert_eq!(classify("the bitchiness"), None);
        assert_eq!(classify("scuttle or elsewhere"), None);
        assert_eq!(classify("do it, or else."), Some(Category::Intimidation));
    }

    #[test]
    fn the_most_serious_category_wins() {
        assert_eq!(
            classify("you idiot, I will kill you"),
            Some(Category::Threat)
        );
    }

    #[test]
    fn configured_phrases_extend_the_lexicon() {
        let extra = BTreeMap::from([(Category::UnreasonableDemand, vec!["Weekend Visit".into()])]);
        let lexicon = Lexicon::new(&extra);
        assert_eq!(
            lexicon.classify("I want a weekend visit every week"),
            Some(Category::UnreasonableDemand)
        );
    }
}
