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

    /// The short Japanese label agents may type instead of the slug.
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

    /// Slug (any case, `_` for `-`) or the short Japanese label.
    pub fn parse(s: &str) -> Option<Category> {
        let s = s.trim();
        let folded = s.to_ascii_lowercase().replace('_', "-");
        Category::ALL
            .into_iter()
            .find(|c| c.slug() == folded || c.short_ja() == s)
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
