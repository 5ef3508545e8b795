//! Purpose: the harassment categories (MHLW's 2022 manual, freee's published policy and
//! similar) with their default severity and privacy, and how people name them.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Category {
    Violence,
    Threat,
    VerbalAbuse,
    Intimidation,
    Dogeza,
    Persistent,
    Restraint,
    Discrimination,
    Sexual,
    PersonalAttack,
    UnreasonableDemand,
    Other,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Severity {
    Critical,
    High,
    Medium,
    Low,
}

impl Category {
    pub const ALL: [Category; 12] = [
        Category::Violence,
        Category::Threat,
        Category::VerbalAbuse,
        Category::Intimidation,
        Category::Dogeza,
        Category::Persistent,
        Category::Restraint,
        Category::Discrimination,
        Category::Sexual,
        Category::PersonalAttack,
        Category::UnreasonableDemand,
        Category::Other,
    ];

    /// The slug agents type in `/escalate` and we use in keys and exports.
    pub fn slug(self) -> &'static str {
        match self {
            Category::Violence => "violence",
            Category::Threat => "threat",
            Category::VerbalAbuse => "verbal-abuse",
            Category::Intimidation => "intimidation",
            Category::Dogeza => "dogeza",
            Category::Persistent => "persistent",
            Category::Restraint => "restraint",
            Category::Discrimination => "discrimination",
            Category::Sexual => "sexual",
            Category::PersonalAttack => "personal-attack",
            Category::UnreasonableDemand => "unreasonable-demand",
            Category::Other => "other",
        }
    }

    /// A short Japanese word for it (`/escalate cust-42 暴言 …`), accepted as typed since
    /// the first version. The usage text lists the catalog's labels instead (what cards
    /// show) and names the everyday words of [`Category::typed_words`] (セクハラ, 長電話),
    /// since nobody types 性的 or 拘束; [`Category::parse`] takes all of them.
    pub fn short_ja(self) -> &'static str {
        match self {
            Category::Violence => "暴力",
            Category::Threat => "脅迫",
            Category::VerbalAbuse => "暴言",
            Category::Intimidation => "威圧",
            Category::Dogeza => "土下座",
            Category::Persistent => "執拗",
            Category::Restraint => "拘束",
            Category::Discrimination => "差別",
            Category::Sexual => "性的",
            Category::PersonalAttack => "個人攻撃",
            Category::UnreasonableDemand => "不当要求",
            Category::Other => "その他",
        }
    }

    /// What else staff call it, in Japanese and English, as they would type it in a
    /// hurry: セクハラ, 脅し, 長電話, 居座り, insult… Each word names one category only.
    /// The catalogs' short labels (暴言・侮辱, Verbal abuse) are here too, so whatever a
    /// person reads on a card they can type back.
    pub fn typed_words(self) -> &'static [&'static str] {
        match self {
            Category::Violence => &[
                "暴行",
                "傷害",
                "身体的な攻撃",
                "身体的攻撃",
                "殴られた",
                "assault",
                "physical",
                "physical-attack",
            ],
            Category::Threat => &[
                "脅し",
                "脅された",
                "殺害予告",
                "晒す",
                "threats",
                "threatened",
            ],
            Category::VerbalAbuse => &[
                "暴言・侮辱",
                "侮辱",
                "罵倒",
                "中傷",
                "誹謗中傷",
                "名誉毀損",
                "精神的な攻撃",
                "insult",
                "insults",
                "abuse",
                "slander",
            ],
            Category::Intimidation => &[
                "威圧的な言動",
                "恫喝",
                "怒鳴る",
                "怒鳴られた",
                "大声",
                "shouting",
                "coercion",
            ],
            Category::Dogeza => &["土下座の要求", "土下座要求", "kneeling", "demand-to-kneel"],
            Category::Persistent => &[
                "執拗な言動",
                "しつこい",
                "繰り返し",
                "継続的",
                "repeated",
                "persistent-contact",
            ],
            Category::Restraint => &[
                "長時間の拘束",
                "長電話",
                "居座り",
                "長時間",
                "拘束的な行動",
                "holding",
                "holding-staff",
            ],
            Category::Discrimination => &["差別的な言動", "discriminatory"],
            Category::Sexual => &[
                "性的な言動",
                "セクハラ",
                "セクシャルハラスメント",
                "セクシュアルハラスメント",
                "つきまとい",
                "sexual-harassment",
            ],
            Category::PersonalAttack => &[
                "従業員個人への攻撃",
                "個人への攻撃",
                "晒し",
                "解雇要求",
                "doxxing",
                "attack-on-an-employee",
            ],
            Category::UnreasonableDemand => &[
                "不当な要求",
                "過剰な要求",
                "過剰要求",
                "無理な要求",
                "無償対応",
                "unreasonable",
                "demand",
            ],
            Category::Other => &["other-harassment"],
        }
    }

    pub fn default_severity(self) -> Severity {
        match self {
            Category::Violence | Category::Threat => Severity::Critical,
            Category::VerbalAbuse
            | Category::Intimidation
            | Category::Dogeza
            | Category::Discrimination
            | Category::Sexual
            | Category::PersonalAttack => Severity::High,
            Category::Persistent
            | Category::Restraint
            | Category::UnreasonableDemand
            | Category::Other => Severity::Medium,
        }
    }

    /// Private categories are described only in the escalation channel (domain.md,
    /// "Privacy"): pages and reports name the case, never what happened.
    pub fn is_private(self) -> bool {
        matches!(
            self,
            Category::Discrimination | Category::Sexual | Category::PersonalAttack
        )
    }

    /// A slug (any case, `_` or a space for `-`), the Japanese word, or one of the other
    /// words staff use; full-width letters and digits count as their ASCII twins (a
    /// Japanese keyboard types `ｖｉｏｌｅｎｃｅ` as readily as `violence`).
    pub fn parse(s: &str) -> Option<Category> {
        let folded: String = s
            .trim()
            .chars()
            .map(|c| match c {
                // Full-width ASCII (U+FF01..U+FF5E) to ASCII.
                '\u{ff01}'..='\u{ff5e}' => char::from_u32(c as u32 - 0xfee0)
                    .unwrap_or(c)
                    .to_ascii_lowercase(),
                '_' | ' ' => '-',
                c => c.to_ascii_lowercase(),
            })
            .collect();
        Category::ALL.into_iter().find(|c| {
            c.slug() == folded
                || c.short_ja() == folded
                || c.typed_words().iter().any(|w| *w == folded)
        })
    }
}

impl Severity {
    pub const ALL: [Severity; 4] = [
        Severity::Critical,
        Severity::High,
        Severity::Medium,
        Severity::Low,
    ];

    pub fn slug(self) -> &'static str {
        match self {
            Severity::Critical => "critical",
            Severity::High => "high",
            Severity::Medium => "medium",
            Severity::Low => "low",
        }
    }

    pub fn parse(s: &str) -> Option<Severity> {
        Severity::ALL.into_iter().find(|v| v.slug() == s.trim())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_category_parses_from_its_slug_and_its_japanese_label() {
        for c in Category::ALL {
            assert_eq!(Category::parse(c.slug()), Some(c));
            assert_eq!(Category::parse(c.short_ja()), Some(c));
        }
    }

    #[test]
    fn the_words_staff_type_name_their_category() {
        for (typed, category) in [
            ("セクハラ", Category::Sexual),
            ("脅し", Category::Threat),
            ("長電話", Category::Restraint),
            ("居座り", Category::Restraint),
            ("罵倒", Category::VerbalAbuse),
            ("暴言・侮辱", Category::VerbalAbuse),
            ("insult", Category::VerbalAbuse),
            ("ｖｅｒｂａｌ－ａｂｕｓｅ", Category::VerbalAbuse),
        ] {
            assert_eq!(Category::parse(typed), Some(category), "{typed}");
        }
    }

    #[test]
    fn no_word_names_two_categories() {
        let mut seen = std::collections::BTreeMap::new();
        for c in Category::ALL {
            let words = [c.slug(), c.short_ja()]
                .into_iter()
                .chain(c.typed_words().iter().copied());
            for word in words {
                if let Some(other) = seen.insert(word, c) {
                    panic!("{word:?} names both {other:?} and {c:?}");
                }
            }
        }
    }

    #[test]
    fn slugs_are_forgiving_about_case_and_underscores() {
        assert_eq!(Category::parse("Verbal_Abuse"), Some(Category::VerbalAbuse));
        assert_eq!(Category::parse("THREAT"), Some(Category::Threat));
        assert_eq!(Category::parse("rudeness"), None);
    }

    #[test]
    fn only_violence_and_threats_are_critical_by_default() {
        let critical: Vec<_> = Category::ALL
            .into_iter()
            .filter(|c| c.default_severity() == Severity::Critical)
            .collect();
        assert_eq!(critical, [Category::Violence, Category::Threat]);
    }

    #[test]
    fn serde_uses_the_slug() {
        let json = serde_json::to_string(&Category::UnreasonableDemand).unwrap();
        assert_eq!(json, "\"unreasonable-demand\"");
    }
}
