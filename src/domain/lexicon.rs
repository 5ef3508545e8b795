//! Purpose: spotting messages that look abusive, to suggest an escalation (never to act on
//! its own). A lexicon per category in Japanese and English, kept to phrases that are
//! abusive in themselves: a polite complaint, even an angry one, must not match, and
//! neither must words the customer is quoting (`> ...`, "...", 「...」).

use std::collections::BTreeMap;

use super::category::Category;

/// Shipped defaults: (category, phrases). English phrases match whole words, case- and
/// apostrophe-insensitively; Japanese ones match anywhere (Japanese has no spaces), so a
/// Japanese phrase is kept specific enough not to sit inside everyday words, or listed in
/// `EXCEPTIONS`.
const DEFAULTS: &[(Category, &[&str])] = &[
    (
        Category::Threat,
        &[
            "kill you",
            "i will kill him",
            "i will kill her",
            "i will kill your",
            "i'll kill him",
            "i'll kill her",
            "i'll kill your",
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
            // Not bare ゴミ: ゴミ箱 (the trash folder), ゴミ出し, 生ゴミ are everyday words.
            "ゴミみたい",
            "ゴミ同然",
            "ゴミ以下",
            "ゴミ野郎",
            "ゴミ対応",
            "ゴミ会社",
            "ゴミサービス",
            "ゴミサポート",
            "ゴミ担当",
            "お前はゴミ",
            "お前らはゴミ",
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
            // Not bare "you'd better": "maybe you'd better ask your manager" is advice.
            "you'd better watch",
            "you'd better be careful",
            "you better watch",
            "you better be careful",
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
            // Not bare 写真送って: 「写真送っていいですか」 offers a photo of the problem.
            "あなたの写真を送って",
            "あなたの写真送って",
            "君の写真を送って",
            "君の写真送って",
            "お前の写真を送って",
            "お前の写真送って",
            "自撮りを送って",
            "自撮り送って",
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
            // Not bare "for free or": "is it available for free or paid?" asks a price.
            "for free or else",
            "for free or i'll",
            "for free or i will",
            "compensate me or else",
            "compensate me or i'll",
            "compensate me or i will",
            "タダでやれ",
            "無償でやれ",
            "慰謝料を払え",
            "今すぐ来い",
            "全額返せ",
        ],
    ),
];

/// A shipped phrase that is everyday language when certain text follows or precedes it:
/// the regex crate has no lookaround, so these are checked around each match instead.
/// Written as normalized text (lower case, single spaces); a leading space in
/// `followed_by` means "followed by another word".
struct Exception {
    phrase: &'static str,
    followed_by: &'static [&'static str],
    preceded_by: &'static [&'static str],
}

const EXCEPTIONS: &[Exception] = &[
    // "do it, or else." threatens; "email me or else call" offers a choice.
    Exception {
        phrase: "or else",
        followed_by: &[" "],
        preceded_by: &[],
    },
    // 「帰るなよ」 restrains; 「帰るなら」「帰るなど」「帰るなり」「帰るなんて」 do not, nor
    // 「持ち帰るな」 (do not take it home).
    Exception {
        phrase: "帰るな",
        followed_by: &["ら", "ど", "り", "ん", "あ", "ぁ", "ー"],
        preceded_by: &["持ち", "持って"],
    },
    // 「費用が馬鹿にならない」 means "not negligible"; バカンス is a holiday.
    Exception {
        phrase: "馬鹿",
        followed_by: &["にならな", "になりませ", "にできな", "にできませ"],
        preceded_by: &[],
    },
    Exception {
        phrase: "バカ",
        followed_by: &[
            "にならな",
            "になりませ",
            "にできな",
            "にできませ",
            "ンス",
            "ラ",
        ],
        preceded_by: &[],
    },
    // 「以前痛い目を見たので」 tells of a bad experience; 「痛い目を見るぞ」 threatens.
    Exception {
        phrase: "痛い目を見",
        followed_by: &["た", "まし", "てき"],
        preceded_by: &[],
    },
    // 「全額返せますか」 asks politely; 「全額返せ」 demands.
    Exception {
        phrase: "全額返せ",
        followed_by: &["ます", "ませ", "る", "ない", "ば"],
        preceded_by: &[],
    },
    // 「彼氏いるので」 is about the writer.
    Exception {
        phrase: "彼氏いるの",
        followed_by: &["で"],
        preceded_by: &[],
    },
    // "fire her up" (a machine), "fire him an email".
    Exception {
        phrase: "fire her",
        followed_by: &[" up", " an ", " a "],
        preceded_by: &[],
    },
    Exception {
        phrase: "fire him",
        followed_by: &[" up", " an ", " a "],
        preceded_by: &[],
    },
];

#[derive(Debug, Clone)]
struct Term {
    category: Category,
    phrase: String,
    /// Text that, right after the phrase, makes the match not count.
    unless_followed_by: &'static [&'static str],
    /// Text that, right before the phrase, makes the match not count.
    unless_preceded_by: &'static [&'static str],
}

impl Term {
    fn new(category: Category, phrase: String) -> Term {
        let exception = EXCEPTIONS.iter().find(|e| e.phrase == phrase);
        Term {
            category,
            unless_followed_by: exception.map_or(&[], |e| e.followed_by),
            unless_preceded_by: exception.map_or(&[], |e| e.preceded_by),
            phrase,
        }
    }

    /// Whether the phrase occurs in `text` as whole words (for ASCII phrases) or anywhere
    /// (for phrases in scripts written without spaces), with none of its exceptions around
    /// that occurrence.
    fn occurs_in(&self, text: &str) -> bool {
        let phrase = self.phrase.as_str();
        text.match_indices(phrase).any(|(at, _)| {
            let (before, after) = (&text[..at], &text[at + phrase.len()..]);
            let whole_words = !phrase.is_ascii()
                || (!before.chars().next_back().is_some_and(is_word_char)
                    && !after.chars().next().is_some_and(is_word_char));
            whole_words
                && !self.unless_followed_by.iter().any(|s| after.starts_with(s))
                && !self.unless_preceded_by.iter().any(|p| before.ends_with(p))
        })
    }
}

#[derive(Debug, Clone)]
pub struct Lexicon {
    terms: Vec<Term>,
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

impl Lexicon {
    /// The shipped lexicon plus `extra` phrases per category (from configuration).
    pub fn new(extra: &BTreeMap<Category, Vec<String>>) -> Lexicon {
        let mut terms: Vec<Term> = DEFAULTS
            .iter()
            .flat_map(|(category, phrases)| {
                phrases.iter().map(|p| Term::new(*category, normalize(p)))
            })
            .collect();
        for (category, phrases) in extra {
            terms.extend(
                phrases
                    .iter()
                    .map(|p| normalize(p))
                    .filter(|p| !p.is_empty())
                    .map(|p| Term::new(*category, p)),
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
            .filter(|term| term.occurs_in(&text))
            .map(|term| term.category)
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
            "ファイルがゴミ箱に入ったままです。復元できますか？",
            "今日は早めに帰るなら、明日の朝に確認します。",
            "エラー画面の写真送っていいですか？",
            "Please email me or else call my office after 3pm.",
            "I'll kill the stuck job and retry, or else we wait for the nightly run.",
            "Is the add-on available for free or is it paid?",
            "Can you compensate me or extend the trial by a month?",
            "Maybe you'd better ask your manager before changing the plan.",
            "Let me fire him an email and fire up the server again.",
            "全額返せますか？ 難しければ一部でも構いません。",
            "移行の費用が馬鹿にならないので、見積もりをお願いします。",
            "来週からバカンスで不在のため、別の担当者にご連絡ください。",
            "以前痛い目を見たので、バックアップの手順を教えてください。",
            "データを持ち帰るなら、暗号化は必要ですか？",
            "ゴミ出しの日のリマインダー機能はありますか？",
            "画面の写真を送ってください、とのことでしたので添付します。",
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
    fn specific_forms_of_everyday_words_still_match() {
        for (text, category) in [
            ("ゴミみたいな対応しかできないのか", Category::VerbalAbuse),
            ("お前はゴミだ", Category::VerbalAbuse),
            ("まだ帰るなよ、話は終わってない", Category::Restraint),
            ("帰るな！", Category::Restraint),
            ("あなたの写真送ってよ", Category::Sexual),
            ("自撮り送って", Category::Sexual),
            ("Do it now or else!", Category::Intimidation),
            ("Refund me, or else", Category::Intimidation),
            ("馬鹿にしてるのか", Category::VerbalAbuse),
            ("痛い目を見るぞ", Category::Threat),
            ("今日中に全額返せ", Category::UnreasonableDemand),
            ("I'll kill him when I see him", Category::Threat),
            (
                "Do it for free or else I'm telling everyone",
                Category::UnreasonableDemand,
            ),
            ("You'd better watch yourself", Category::Intimidation),
            ("fire her now", Category::PersonalAttack),
        ] {
            assert_eq!(classify(text), Some(category), "{text}");
        }
    }

    #[test]
    fn every_exception_names_a_shipped_phrase() {
        for exception in EXCEPTIONS {
            assert!(
                DEFAULTS
                    .iter()
                    .any(|(_, phrases)| phrases.contains(&exception.phrase)),
                "{}",
                exception.phrase
            );
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
