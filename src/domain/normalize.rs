//! Purpose: one spelling for the many ways people type the same words, so the lexicon
//! matches what a customer meant rather than how they keyed it. Both the messages and the
//! lexicon's patterns are read in this form.
//!
//! In order: Slack's markup goes (mentions, links, `&gt;` entities), code is dropped
//! (it is machine text: logs, commands), NFKC folds full- and half-width forms (ｂａｋａ,
//! ﾊﾞｶ), text is lower-cased and katakana folded to hiragana (バカ, ばか), long-vowel marks,
//! wave dashes and small vowels go (ばーーか, ばぁか), keigo in kanji reads as its kana
//! (頂きます, 下さい), separators typed inside a word go
//! (ば か, 死・ね, f-u-c-k, i.d.i.o.t), common character swaps inside Latin words are
//! undone (sh!t, st0pid, a$$), and three or more of the same character become one
//! (stuuupid, ばかかかか). Quotation marks are removed but remembered: the lexicon reads
//! inside quotes and decides from the words around them whether they report what someone
//! else said.

use std::ops::Range;

use icu_normalizer::ComposingNormalizerBorrowed;

/// A message in the lexicon's spelling.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Normalized {
    pub text: String,
    /// Where the writer quoted something, as byte ranges of `text`.
    pub quotes: Vec<Quote>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Quote {
    pub range: Range<usize>,
    /// A `>` line (a blockquote) rather than words between quotation marks.
    pub block: bool,
}

/// Quotation marks that open and close a quote. ASCII `'` is left out: it is far more often
/// an apostrophe.
const QUOTE_PAIRS: [(char, char); 5] = [
    ('"', '"'),
    ('\u{201C}', '\u{201D}'),
    ('「', '」'),
    ('『', '』'),
    ('«', '»'),
];

/// Characters people type inside a word to dodge a filter, or by accident.
const JOINERS: [char; 13] = [
    ' ', '・', '*', '.', '_', '-', '/', '|', '+', '=', '#', '\'', '`',
];

/// The lexicon's spelling of a pattern or phrase: the same folding as messages, without
/// the markup and quote handling.
pub fn fold(text: &str) -> String {
    normalize_plain(text)
}

/// Normalises a message, remembering what it quotes.
pub fn normalize(text: &str) -> Normalized {
    let text = without_markup(text);
    let text = nfkc(&text);
    let text = without_code(&text);
    let marked = mark_quotes(&text);
    let folded = fold_honorifics(fold_chars(marked));
    let joined = join_words(folded);
    let collapsed = collapse(joined);
    assemble(collapsed)
}

fn normalize_plain(text: &str) -> String {
    let text = nfkc(text);
    let marked: Vec<(char, Option<u16>)> = text.chars().map(|c| (c, None)).collect();
    assemble(collapse(join_words(fold_honorifics(fold_chars(marked))))).text
}

fn nfkc(text: &str) -> String {
    ComposingNormalizerBorrowed::new_nfkc()
        .normalize(text)
        .into_owned()
}

/// Slack's mrkdwn as the Events API sends it: `<@U1>`, `<#C1|name>`, `<https://…|label>`,
/// `<!here>`, and `&amp;` `&lt;` `&gt;` for the characters people typed.
fn without_markup(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(open) = rest.find('<') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        match after.find('>') {
            Some(close) => {
                let token = &after[..close];
                // A link keeps its label (the words the person chose); ids and bare URLs go.
                if let Some((_, label)) = token.split_once('|')
                    && !token.starts_with('#')
                    && !token.starts_with('@')
                    && !token.starts_with('!')
                {
                    out.push_str(label);
                } else {
                    out.push(' ');
                }
                rest = &after[close + 1..];
            }
            None => {
                out.push('<');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
}

/// Code spans and blocks are logs and commands, not what the customer says to us.
fn without_code(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    loop {
        let fence = rest.find("```");
        let tick = rest.find('`');
        let (start, marker) = match (fence, tick) {
            (Some(f), Some(t)) if f <= t => (f, "```"),
            (_, Some(t)) => (t, "`"),
            (Some(f), None) => (f, "```"),
            (None, None) => break,
        };
        let body = &rest[start + marker.len()..];
        match body.find(marker) {
            Some(end) => {
                out.push_str(&rest[..start]);
                out.push(' ');
                rest = &body[end + marker.len()..];
            }
            None => {
                // An unclosed backtick is just a character.
                out.push_str(&rest[..start + marker.len()]);
                rest = body;
            }
        }
    }
    out.push_str(rest);
    out
}

/// Each character with the quote it belongs to (blockquote lines and closed pairs of
/// quotation marks), the marks themselves dropped. An unclosed mark is kept as text.
fn mark_quotes(text: &str) -> Vec<(char, Option<u16>)> {
    let mut out: Vec<(char, Option<u16>)> = Vec::with_capacity(text.len());
    let mut next_id: u16 = 0;
    for (n, line) in text.split('\n').enumerate() {
        if n > 0 {
            out.push(('\n', None));
        }
        let trimmed = line.trim_start();
        if let Some(quoted) = trimmed.strip_prefix('>') {
            let id = (next_id & !BLOCK) | BLOCK;
            next_id = next_id.wrapping_add(1);
            out.extend(quoted.chars().map(|c| (c, Some(id))));
            continue;
        }
        let chars: Vec<char> = line.chars().collect();
        let mut i = 0;
        while i < chars.len() {
            let c = chars[i];
            let closing = QUOTE_PAIRS
                .iter()
                .find(|(open, _)| *open == c)
                .map(|(_, close)| *close);
            let end = closing.and_then(|close| {
                chars[i + 1..]
                    .iter()
                    .position(|&d| d == close)
                    .map(|p| i + 1 + p)
            });
            match end {
                Some(end) => {
                    let id = next_id & !BLOCK;
                    next_id = next_id.wrapping_add(1);
                    out.extend(chars[i + 1..end].iter().map(|&c| (c, Some(id))));
                    i = end + 1;
                }
                None => {
                    out.push((c, None));
                    i += 1;
                }
            }
        }
    }
    out
}

/// The bit of a quote id that marks a blockquote line.
const BLOCK: u16 = 0x8000;

fn is_kana(c: char) -> bool {
    matches!(c, '\u{3041}'..='\u{309F}' | '\u{30A0}'..='\u{30FF}')
}

/// Written without spaces between words: kana and kanji.
pub fn is_japanese(c: char) -> bool {
    is_kana(c)
        || matches!(c, '\u{4E00}'..='\u{9FFF}' | '\u{3400}'..='\u{4DBF}' | '々' | '〆' | 'ヶ')
}

/// Lower case, katakana as hiragana, one apostrophe, one kind of space; elongation marks
/// and small vowels dropped.
fn fold_chars(chars: Vec<(char, Option<u16>)>) -> Vec<(char, Option<u16>)> {
    let mut out = Vec::with_capacity(chars.len());
    for (c, q) in chars {
        let c = match c {
            '\u{30A1}'..='\u{30F6}' => char::from_u32(c as u32 - 0x60).unwrap_or(c),
            '\u{30FD}' | '\u{30FE}' => char::from_u32(c as u32 - 0x60).unwrap_or(c),
            '\u{2018}' | '\u{2019}' | '\u{02BC}' => '\'',
            '\n' => '\n',
            c if c.is_whitespace() => ' ',
            c => c,
        };
        match c {
            // ー, 〜, ~ and small vowels lengthen the sound before them: ばーか, ばぁか.
            'ー' | '〜' | '~' | 'ぁ' | 'ぃ' | 'ぅ' | 'ぇ' | 'ぉ' => {}
            c if c.is_uppercase() => out.extend(c.to_lowercase().map(|l| (l, q))),
            c => out.push((c, q)),
        }
    }
    out
}

/// The honorific verbs written in kanji, 頂く and 下さる, read as their kana: patterns
/// spell keigo in kana (いただきます, ください), and a customer's IME gives either. Only the
/// verb forms fold, with the kana that follows them (頂か/き/く/け/い, 下さい/る/れ), so the
/// nouns 頂上 and 頂戴 and words like 部下さん keep their kanji; 下さ before い, る or れ is
/// always read くださ, whatever the verb.
fn fold_honorifics(chars: Vec<(char, Option<u16>)>) -> Vec<(char, Option<u16>)> {
    let mut out = Vec::with_capacity(chars.len() + 8);
    for (i, &(c, q)) in chars.iter().enumerate() {
        let next = chars.get(i + 1).map(|(n, _)| *n);
        let after = chars.get(i + 2).map(|(n, _)| *n);
        match c {
            '頂' if next.is_some_and(|n| matches!(n, 'か' | 'き' | 'く' | 'け' | 'い')) => {
                out.extend([('い', q), ('た', q), ('だ', q)]);
            }
            '下' if next == Some('さ')
                && after.is_some_and(|n| matches!(n, 'い' | 'る' | 'れ')) =>
            {
                out.extend([('く', q), ('だ', q)]);
            }
            c => out.push((c, q)),
        }
    }
    out
}

fn is_latin(c: char) -> bool {
    c.is_ascii_alphabetic()
}

/// Removes separators inside Japanese words, splits Latin words on dots and dashes, undoes
/// character swaps inside Latin words, and joins words spelled letter by letter.
fn join_words(chars: Vec<(char, Option<u16>)>) -> Vec<(char, Option<u16>)> {
    let n = chars.len();
    let mut out: Vec<(char, Option<u16>)> = Vec::with_capacity(n);
    for i in 0..n {
        let (c, q) = chars[i];
        let prev = out.last().map(|(p, _)| *p);
        let next = chars[i + 1..]
            .iter()
            .map(|(c, _)| *c)
            .find(|c| !JOINERS.contains(c));
        if JOINERS.contains(&c) && prev.is_some_and(is_japanese) && next.is_some_and(is_japanese) {
            continue;
        }
        let between_letters = prev.is_some_and(is_latin)
            && chars
                .get(i + 1)
                .is_some_and(|(n, _)| is_latin(*n) || *n == c);
        let c = match c {
            '.' | '-' | '_' if between_letters => ' ',
            '!' | '1' if between_letters => 'i',
            '0' if between_letters => 'o',
            '3' if between_letters => 'e',
            '@' if between_letters => 'a',
            '$' if prev.is_some_and(|p| is_latin(p) || p == 's') => 's',
            c => c,
        };
        out.push((c, q));
    }
    join_spelled_out(out)
}

/// `f u c k` and `i d i o t`: three or more single letters in a row are one word.
fn join_spelled_out(chars: Vec<(char, Option<u16>)>) -> Vec<(char, Option<u16>)> {
    let n = chars.len();
    let single = |i: usize| -> bool {
        chars.get(i).is_some_and(|(c, _)| is_latin(*c))
            && (i == 0 || chars.get(i - 1).is_some_and(|(c, _)| *c == ' '))
            && chars
                .get(i + 1)
                .is_none_or(|(c, _)| *c == ' ' || *c == '\n')
    };
    let mut drop = vec![false; n];
    let mut i = 0;
    while i < n {
        if single(i) {
            let mut letters = vec![i];
            while let Some(&last) = letters.last() {
                if last + 2 < n && chars[last + 1].0 == ' ' && single(last + 2) {
                    letters.push(last + 2);
                } else {
                    break;
                }
            }
            if letters.len() >= 3 {
                for &l in &letters[..letters.len() - 1] {
                    drop[l + 1] = true;
                }
            }
            i = letters.last().map_or(i, |l| l + 1);
        } else {
            i += 1;
        }
    }
    chars
        .into_iter()
        .zip(drop)
        .filter(|(_, d)| !d)
        .map(|(c, _)| c)
        .collect()
}

/// Three or more of the same character become one (digits keep their count: amounts and
/// times); runs of spaces become one.
fn collapse(chars: Vec<(char, Option<u16>)>) -> Vec<(char, Option<u16>)> {
    let mut out: Vec<(char, Option<u16>)> = Vec::with_capacity(chars.len());
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i].0;
        let mut j = i + 1;
        while j < chars.len() && chars[j].0 == c {
            j += 1;
        }
        let run = j - i;
        let keep = if c.is_ascii_digit() {
            run
        } else if c == ' ' || run >= 3 {
            1
        } else {
            run
        };
        out.extend_from_slice(&chars[i..i + keep]);
        i = j;
    }
    out
}

fn assemble(chars: Vec<(char, Option<u16>)>) -> Normalized {
    let mut text = String::with_capacity(chars.len() * 3);
    let mut quotes: Vec<Quote> = Vec::new();
    let mut open: Option<(u16, usize)> = None;
    // Leading and trailing spaces are not part of the text.
    let start = chars
        .iter()
        .position(|(c, _)| *c != ' ')
        .unwrap_or(chars.len());
    let end = chars
        .iter()
        .rposition(|(c, _)| *c != ' ')
        .map_or(start, |p| p + 1);
    for &(c, q) in &chars[start..end.max(start)] {
        match (open, q) {
            (Some((id, _)), Some(now)) if id == now => {}
            (current, now) => {
                if let Some((id, from)) = current {
                    quotes.push(Quote {
                        range: from..text.len(),
                        block: id & BLOCK != 0,
                    });
                }
                open = now.map(|id| (id, text.len()));
            }
        }
        text.push(c);
    }
    if let Some((id, from)) = open {
        quotes.push(Quote {
            range: from..text.len(),
            block: id & BLOCK != 0,
        });
    }
    quotes.retain(|q| !text[q.range.clone()].trim().is_empty());
    Normalized { text, quotes }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn n(text: &str) -> String {
        normalize(text).text
    }

    #[test]
    fn widths_scripts_and_case_fold_to_one_spelling() {
        assert_eq!(n("ﾊﾞｶ"), "ばか");
        assert_eq!(n("バカ"), "ばか");
        assert_eq!(n("ＢＡＫＡ"), "baka");
        assert_eq!(n("You IDIOT"), "you idiot");
        assert_eq!(n("you’re"), "you're");
    }

    #[test]
    fn elongations_and_repeats_are_undone() {
        assert_eq!(n("ばーーか"), "ばか");
        assert_eq!(n("ばぁか"), "ばか");
        assert_eq!(n("バカ〜〜"), "ばか");
        assert_eq!(n("ばかかかか"), "ばか");
        assert_eq!(n("stuuuupid"), "stupid");
        assert_eq!(n("kill"), "kill", "a double letter stays");
        assert_eq!(n("1000円"), "1000円", "digits keep their count");
    }

    #[test]
    fn kanji_keigo_reads_like_its_kana() {
        assert_eq!(n("訴えさせて頂きます"), "訴えさせていただきます");
        assert_eq!(n("見せて頂けますか"), "見せていただけますか");
        assert_eq!(n("払って頂いた"), "払っていただいた");
        assert_eq!(n("出して下さい"), "出してください");
        assert_eq!(n("ご連絡下されば"), "ご連絡くだされば");
        assert_eq!(n("頂上まで"), "頂上まで", "a noun keeps its kanji");
        assert_eq!(n("頂戴します"), "頂戴します");
        assert_eq!(n("部下さんから"), "部下さんから");
        assert_eq!(n("値下さげ"), "値下さげ", "only before い, る or れ");
        assert_eq!(
            fold("頂きます"),
            "いただきます",
            "patterns fold the same way"
        );
    }

    #[test]
    fn separators_inside_words_go() {
        assert_eq!(n("ば か"), "ばか");
        assert_eq!(n("死・ね"), "死ね");
        assert_eq!(n("f u c k you"), "fuck you");
        assert_eq!(n("i.d.i.o.t"), "idiot");
        assert_eq!(n("back-end logs"), "back end logs");
        assert_eq!(n("sh!t"), "shit");
        assert_eq!(n("st0pid"), "stopid");
        assert_eq!(n("a$$"), "ass");
        assert_eq!(n("i am a cat"), "i am a cat", "real one-letter words stay");
    }

    #[test]
    fn quotes_are_kept_and_remembered() {
        let q = normalize("担当者から「バカ」と言われました");
        assert_eq!(q.text, "担当者からばかと言われました");
        assert_eq!(q.quotes.len(), 1);
        assert_eq!(&q.text[q.quotes[0].range.clone()], "ばか");
        let b = normalize("New chat\n&gt; I'll sue you");
        assert_eq!(b.text, "new chat\n i'll sue you");
        assert!(b.quotes[0].block);
        assert_eq!(normalize("he said \"hi").quotes, vec![], "an unclosed mark");
    }

    #[test]
    fn slack_markup_and_code_are_not_words() {
        assert_eq!(n("<@U0AGENT1> you idiot"), "you idiot");
        assert_eq!(n("see <https://x.test/kill|the docs>"), "see the docs");
        assert_eq!(n("the log says `kill you` there"), "the log says there");
        assert_eq!(n("a &amp; b"), "a & b");
    }
}
