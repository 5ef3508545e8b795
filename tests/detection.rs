//! The lexicon against the evaluation corpus (`tests/data/detection/`): support messages
//! written by hand, labelled with their category or none. Prints precision and recall per
//! category for the tuning set, the held-out set and both, and fails below the targets of
//! issue #15: recall at least 90% overall and 80% in every category, false alarms on at
//! most 3% of the messages that are not abusive, and none of those classified as a
//! critical category.
//!
//! `cargo test --test detection -- --nocapture` shows the tables and the tuning set's
//! misses. The held-out set's messages are listed only with DETECTION_SHOW_HOLDOUT=1, so
//! tuning the rules does not look at them by accident.

use std::collections::BTreeMap;

use escalation_bot::domain::Category;
use escalation_bot::domain::Severity;
use escalation_bot::domain::lexicon::Lexicon;

#[derive(Debug, Clone)]
struct Sample {
    label: Option<Category>,
    kind: String,
    text: String,
}

fn load(name: &str) -> Vec<Sample> {
    let path = format!("{}/tests/data/detection/{name}", env!("CARGO_MANIFEST_DIR"));
    let raw = std::fs::read_to_string(&path).expect("the corpus is in the repository");
    raw.lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty() && !l.starts_with('#'))
        .map(|(n, line)| {
            let mut parts = line.splitn(3, ' ');
            let (label, kind, text) = (parts.next(), parts.next(), parts.next());
            let (Some(label), Some(kind), Some(text)) = (label, kind, text) else {
                panic!("{name}:{}: not `label kind text`: {line}", n + 1);
            };
            let label = match label {
                "none" => None,
                slug => Some(
                    Category::parse(slug)
                        .unwrap_or_else(|| panic!("{name}:{}: unknown label {slug}", n + 1)),
                ),
            };
            let kinds: &[&str] = if label.is_some() {
                &["mild", "strong", "severe"]
            } else {
                &["polite", "angry", "everyday"]
            };
            assert!(kinds.contains(&kind), "{name}:{}: kind {kind}", n + 1);
            Sample {
                label,
                kind: kind.to_owned(),
                text: text.replace("\\n", "\n"),
            }
        })
        .collect()
}

#[derive(Debug, Default, Clone, Copy)]
struct Counts {
    tp: u32,
    fp: u32,
    fn_: u32,
}

#[derive(Debug, Default)]
struct Figures {
    per_category: BTreeMap<Category, Counts>,
    abusive: u32,
    correct: u32,
    flagged: u32,
    benign: u32,
    false_alarms: u32,
    critical_false_alarms: u32,
    /// Per language ("ja", "en"): abusive, flagged at all, not abusive, false alarms.
    by_language: BTreeMap<&'static str, [u32; 4]>,
    misses: Vec<String>,
}

fn language(text: &str) -> &'static str {
    let japanese = text
        .chars()
        .any(|c| matches!(c, '\u{3040}'..='\u{30FF}' | '\u{4E00}'..='\u{9FFF}'));
    if japanese { "ja" } else { "en" }
}

fn pct(n: u32, d: u32) -> f64 {
    if d == 0 {
        100.0
    } else {
        f64::from(n) * 100.0 / f64::from(d)
    }
}

impl Figures {
    fn of(samples: &[Sample], lexicon: &Lexicon) -> Figures {
        let mut f = Figures::default();
        for s in samples {
            let got = lexicon.classify(&s.text);
            let lang = f.by_language.entry(language(&s.text)).or_default();
            match (s.label, got) {
                (Some(_), flagged) => {
                    lang[0] += 1;
                    lang[1] += u32::from(flagged.is_some());
                }
                (None, flagged) => {
                    lang[2] += 1;
                    lang[3] += u32::from(flagged.is_some());
                }
            }
            if let Some(label) = s.label {
                f.abusive += 1;
                if got.is_some() {
                    f.flagged += 1;
                }
                let entry = f.per_category.entry(label).or_default();
                if got == Some(label) {
                    entry.tp += 1;
                    f.correct += 1;
                } else {
                    entry.fn_ += 1;
                }
            } else {
                f.benign += 1;
                if got.is_some() {
                    f.false_alarms += 1;
                }
                if got.is_some_and(|c| c.default_severity() == Severity::Critical) {
                    f.critical_false_alarms += 1;
                }
            }
            if let Some(got) = got
                && Some(got) != s.label
            {
                f.per_category.entry(got).or_default().fp += 1;
            }
            if got != s.label {
                let found = lexicon
                    .matches(&s.text)
                    .iter()
                    .map(|m| format!("{}:{}", m.category.slug(), m.intent))
                    .collect::<Vec<_>>()
                    .join(", ");
                f.misses.push(format!(
                    "  want {:<20} got {:<20} [{}] {}{}",
                    s.label.map_or("none", |c| c.slug()),
                    got.map_or("none", |c| c.slug()),
                    s.kind,
                    s.text.replace('\n', "⏎"),
                    if found.is_empty() {
                        String::new()
                    } else {
                        format!("  <- {found}")
                    }
                ));
            }
        }
        f
    }

    fn recall(&self) -> f64 {
        pct(self.correct, self.abusive)
    }

    fn false_alarm_rate(&self) -> f64 {
        pct(self.false_alarms, self.benign)
    }

    fn table(&self, title: &str) -> String {
        let mut out = format!(
            "\n{title}: {} abusive, {} not abusive\n{:<20} {:>5} {:>10} {:>8}\n",
            self.abusive, self.benign, "category", "n", "precision", "recall"
        );
        for (category, c) in &self.per_category {
            let n = c.tp + c.fn_;
            if n == 0 && c.fp == 0 {
                continue;
            }
            out.push_str(&format!(
                "{:<20} {:>5} {:>9.1}% {:>7.1}%\n",
                category.slug(),
                n,
                pct(c.tp, c.tp + c.fp),
                pct(c.tp, n)
            ));
        }
        out.push_str(&format!(
            "recall {:.1}% (right category), {:.1}% flagged at all; false alarms {} of {} ({:.1}%), {} as a critical category\n",
            self.recall(),
            pct(self.flagged, self.abusive),
            self.false_alarms,
            self.benign,
            self.false_alarm_rate(),
            self.critical_false_alarms
        ));
        for (lang, [abusive, flagged, benign, alarms]) in &self.by_language {
            out.push_str(&format!(
                "  {lang}: flagged {flagged} of {abusive} abusive ({:.1}%), false alarms {alarms} of {benign} ({:.1}%)\n",
                pct(*flagged, *abusive),
                pct(*alarms, *benign)
            ));
        }
        out
    }
}

#[test]
fn the_lexicon_meets_the_detection_targets_on_the_corpus() {
    let lexicon = Lexicon::default();
    let tune = load("tune.txt");
    let holdout = load("holdout.txt");
    let all: Vec<Sample> = tune.iter().chain(&holdout).cloned().collect();
    assert!(all.len() >= 400, "the corpus has {} messages", all.len());

    let tuned = Figures::of(&tune, &lexicon);
    let held = Figures::of(&holdout, &lexicon);
    let both = Figures::of(&all, &lexicon);
    println!("{}", tuned.table("tuning set"));
    println!("{}", held.table("held-out set"));
    println!("{}", both.table("whole corpus"));
    println!("tuning set, messages classified wrongly:");
    for miss in &tuned.misses {
        println!("{miss}");
    }
    if std::env::var_os("DETECTION_SHOW_HOLDOUT").is_some() {
        println!("held-out set, messages classified wrongly:");
        for miss in &held.misses {
            println!("{miss}");
        }
    }

    for category in Category::ALL {
        if category == Category::Other {
            continue;
        }
        let c = both
            .per_category
            .get(&category)
            .copied()
            .unwrap_or_default();
        assert!(
            c.tp + c.fn_ > 0,
            "the corpus has no {} messages",
            category.slug()
        );
        let recall = pct(c.tp, c.tp + c.fn_);
        assert!(
            recall >= 80.0,
            "recall for {} is {recall:.1}%, below 80%",
            category.slug()
        );
    }
    assert!(
        both.recall() >= 90.0,
        "overall recall is {:.1}%, below 90%",
        both.recall()
    );
    assert!(
        both.false_alarm_rate() <= 3.0,
        "false alarms on {:.1}% of the messages that are not abusive, above 3%",
        both.false_alarm_rate()
    );
    assert_eq!(
        both.critical_false_alarms, 0,
        "a message that is not abusive was classified as a critical category"
    );
}
