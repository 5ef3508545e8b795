//! Purpose: the facts of a case as the MHLW manual's record sheets (記録票) keep them: when
//! it happened, how (phone, email, chat, in person, social media), for how long, the exact
//! words, what the reporter wants the company to do, who else was there, and evidence
//! (message links, files shared in Slack). Only "what happened" (the case's summary) is
//! required; these are optional at first and added later with who and when, never
//! overwritten: each addition is kept as it was given.

use jiff::Timestamp;
use serde::{Deserialize, Serialize};

use super::case::Stamp;

/// How the conduct reached us.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Medium {
    Phone,
    Email,
    Chat,
    InPerson,
    Sns,
    Other,
}

impl Medium {
    pub const ALL: [Medium; 6] = [
        Medium::Phone,
        Medium::Email,
        Medium::Chat,
        Medium::InPerson,
        Medium::Sns,
        Medium::Other,
    ];

    pub fn slug(self) -> &'static str {
        match self {
            Medium::Phone => "phone",
            Medium::Email => "email",
            Medium::Chat => "chat",
            Medium::InPerson => "in-person",
            Medium::Sns => "sns",
            Medium::Other => "other",
        }
    }

    pub fn parse(s: &str) -> Option<Medium> {
        Medium::ALL.into_iter().find(|m| m.slug() == s)
    }
}

/// Facts given when the case opened, or added later (then `note` says what else happened).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Facts {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub occurred_at: Option<Timestamp>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub medium: Option<Medium>,
    /// How long it lasted, in minutes (拘束, long calls).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub minutes: Option<u32>,
    /// The exact words, as the reporter remembers or copied them.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub words: Option<String>,
    /// What the reporter wants the company to do.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub wants: Option<String>,
    /// Others present (colleagues, witnesses).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub present: Option<String>,
    /// Links: message permalinks, files shared in Slack.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub evidence: Vec<String>,
    /// In an addition: what else happened, or what changed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

impl Facts {
    /// Longer than this does not fit a Block Kit section with the rest.
    pub const MAX_TEXT_CHARS: usize = 1000;
    /// A week: longer is surely a typo.
    pub const MAX_MINUTES: u32 = 7 * 24 * 60;
    pub const MAX_LINKS: usize = 10;

    pub fn is_empty(&self) -> bool {
        *self == Facts::default()
    }

    /// One link per line (or separated by spaces), `<…>` as Slack wraps them unwrapped,
    /// only http(s) links kept, at most `MAX_LINKS`.
    pub fn links_of(text: &str) -> Vec<String> {
        text.split_whitespace()
            .map(|l| l.trim_start_matches('<').trim_end_matches('>'))
            .map(|l| l.split('|').next().unwrap_or(l))
            .filter(|l| l.starts_with("https://") || l.starts_with("http://"))
            .take(Self::MAX_LINKS)
            .map(str::to_owned)
            .collect()
    }

    /// A text field as kept: trimmed, `None` when empty, cut to `MAX_TEXT_CHARS`.
    pub fn text_of(text: &str) -> Option<String> {
        let text = text.trim();
        (!text.is_empty()).then(|| text.chars().take(Self::MAX_TEXT_CHARS).collect())
    }
}

/// Facts someone added to a case after it opened.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Addition {
    pub by: Stamp,
    pub facts: Facts,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn links_are_taken_from_lines_or_slacks_brackets() {
        let links = Facts::links_of(
            "<https://x.slack.com/archives/C1/p1|msg>\nhttps://x.slack.com/files/U1/F1 not-a-link",
        );
        assert_eq!(
            links,
            [
                "https://x.slack.com/archives/C1/p1",
                "https://x.slack.com/files/U1/F1"
            ]
        );
    }

    #[test]
    fn empty_text_is_no_fact_and_facts_read_from_an_older_case_are_empty() {
        assert_eq!(Facts::text_of("  "), None);
        let facts: Facts = serde_json::from_str("{}").unwrap();
        assert!(facts.is_empty());
        for m in Medium::ALL {
            assert_eq!(Medium::parse(m.slug()), Some(m));
        }
    }
}
