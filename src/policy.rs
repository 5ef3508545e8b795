//! Purpose: the company's policy on customer harassment, read and acknowledged with a
//! date (the 2026 guideline's first measure): who should read it (the members of
//! `people.staff_group`, else of the support channels, staff only), who has read the
//! version in force and when, and the list the `acknowledgements` command prints. The
//! Slack side (the command, the button, the reminders) is `handlers::policy`.

use jiff::{SignedDuration, Timestamp};

use crate::config::Settings;
use crate::domain::UserId;
use crate::i18n::Catalog;
use crate::slack::api::{CallError, WebApi};
use crate::staff::Directory;
use crate::store::{Store, StoreError};

/// The button's action id; its value is the policy version it confirms.
pub const ACK: &str = "policy_ack";

/// A person is reminded at most this often.
pub const REMIND_EVERY: SignedDuration = SignedDuration::from_hours(7 * 24);

/// Who should read the policy: the members of `people.staff_group` (a Slack user group),
/// else of the support channels, each once, keeping only staff (full members of our
/// workspace: never a customer, a guest or a bot), with the name Slack gives them. In the
/// order Slack lists them. Asks users.info for each (a list made now and then, not
/// cached).
pub async fn readers(
    slack: &WebApi,
    directory: &Directory,
    settings: &Settings,
) -> Result<Vec<Reader>, CallError> {
    let mut listed: Vec<UserId> = Vec::new();
    match &settings.staff_group {
        Some(group) => listed = slack.usergroup_members(group).await?,
        None => {
            for channel in &settings.slack.support_channels {
                for user in slack.channel_members(channel).await? {
                    if !listed.contains(&user) {
                        listed.push(user);
                    }
                }
            }
        }
    }
    let our_team = directory.our_team(slack).await?;
    let mut staff = Vec::with_capacity(listed.len());
    for user in listed {
        if let Some(member) = slack.member(&user).await?
            && member.judge(&our_team).is_ok()
        {
            let name = member.real_name.filter(|n| !n.trim().is_empty());
            staff.push(Reader { user, name });
        }
    }
    Ok(staff)
}

/// Someone who should read the policy.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reader {
    pub user: UserId,
    pub name: Option<String>,
}

/// One reader and when they acknowledged the version in force, if they did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Standing {
    pub user: UserId,
    pub name: Option<String>,
    pub acknowledged: Option<Timestamp>,
}

/// Where each of `readers` stands on `version`.
pub fn standings(
    store: &Store,
    version: &str,
    readers: Vec<Reader>,
) -> Result<Vec<Standing>, StoreError> {
    readers
        .into_iter()
        .map(|Reader { user, name }| {
            let acknowledged = store
                .policy_acknowledgement(&user, version)?
                .map(|ack| ack.at);
            Ok(Standing {
                user,
                name,
                acknowledged,
            })
        })
        .collect()
}

/// The list `escalation-bot acknowledgements` prints: those who acknowledged first (in
/// the order they did), then those who have not, as text or CSV (UTF-8 with a byte-order
/// mark and CRLF, like the export, so Excel opens Japanese correctly), and a closing line.
pub fn listing(
    catalog: &dyn Catalog,
    version: &str,
    standings: &[Standing],
    zone: &jiff::tz::TimeZone,
    csv: bool,
) -> String {
    let mut sorted: Vec<&Standing> = standings.iter().collect();
    sorted.sort_by_key(|s| (s.acknowledged.is_none(), s.acknowledged));
    let done = sorted.iter().filter(|s| s.acknowledged.is_some()).count();
    let when = |s: &Standing| match s.acknowledged {
        Some(at) => catalog.datetime(at, zone),
        None => catalog.acknowledgement_not_yet().to_owned(),
    };
    if csv {
        let field = |text: &str| -> String {
            if text.contains([',', '"', '\n', '\r']) {
                format!("\"{}\"", text.replace('"', "\"\""))
            } else {
                text.to_owned()
            }
        };
        let mut out = String::from("\u{feff}");
        out.push_str(
            &catalog
                .acknowledgement_headers()
                .iter()
                .map(|h| field(h))
                .collect::<Vec<_>>()
                .join(","),
        );
        out.push_str("\r\n");
        for s in sorted {
            let at = match s.acknowledged {
                Some(at) => at
                    .to_zoned(zone.clone())
                    .strftime("%Y-%m-%dT%H:%M:%S%:z")
                    .to_string(),
                None => String::new(),
            };
            out.push_str(&format!(
                "{},{},{},{}\r\n",
                s.user,
                field(s.name.as_deref().unwrap_or("")),
                field(version),
                at
            ));
        }
        return out;
    }
    let mut out = String::new();
    for s in sorted {
        match &s.name {
            Some(name) => out.push_str(&format!("{} ({name})  {}\n", s.user, when(s))),
            None => out.push_str(&format!("{}  {}\n", s.user, when(s))),
        }
    }
    out.push_str(&catalog.acknowledgement_summary(version, done, standings.len()));
    out.push('\n');
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::Locale;

    fn user(s: &str) -> UserId {
        UserId::parse(s).unwrap()
    }

    #[test]
    fn the_list_puts_who_acknowledged_first_and_says_how_many() {
        let zone = jiff::tz::TimeZone::get("Asia/Tokyo").unwrap();
        let standings = vec![
            Standing {
                user: user("U0NOTYET"),
                name: None,
                acknowledged: None,
            },
            Standing {
                user: user("U0LATE"),
                name: Some("Sato, Aiko".into()),
                acknowledged: Some("2026-12-02T01:00:00Z".parse().unwrap()),
            },
            Standing {
                user: user("U0EARLY"),
                name: Some("田中 健二".into()),
                acknowledged: Some("2026-12-01T01:00:00Z".parse().unwrap()),
            },
        ];
        let text = listing(Locale::En.catalog(), "2026-11", &standings, &zone, false);
        let lines: Vec<&str> = text.lines().collect();
        assert!(lines[0].starts_with("U0EARLY (田中 健二)  "), "{text}");
        assert!(lines[1].starts_with("U0LATE (Sato, Aiko)  "), "{text}");
        assert_eq!(lines[2], "U0NOTYET  not yet");
        assert_eq!(
            lines[3],
            "2 of 3 have acknowledged version 2026-11 of the policy."
        );
        let csv = listing(Locale::Ja.catalog(), "2026-11", &standings, &zone, true);
        assert!(
            csv.starts_with("\u{feff}Slack ユーザー,名前,方針の版,確認日時\r\n"),
            "{csv}"
        );
        assert!(
            csv.contains("U0EARLY,田中 健二,2026-11,2026-12-01T10:00:00+09:00\r\n"),
            "{csv}"
        );
        assert!(csv.contains("U0LATE,\"Sato, Aiko\",2026-11,"), "{csv}");
        assert!(csv.contains("U0NOTYET,,2026-11,\r\n"), "{csv}");
    }
}
