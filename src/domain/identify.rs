//! Purpose: telling which customer wrote a message in a support channel: a Slack Connect
//! workspace mapped to a customer id (`[customers]`), or a customer id a helpdesk
//! integration writes into its messages (`slack.customer_pattern`). The pattern is read
//! only in bot messages of our own workspace, the integrations it is meant for: a person
//! (a guest, a customer) who types "Customer ID: other-co" names nobody.

use std::collections::BTreeMap;

use regex::Regex;

use super::ids::CustomerId;

/// Who wrote a message, as far as telling its customer goes.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Writer<'a> {
    /// The author's workspace, when the message says.
    pub team: Option<&'a str>,
    /// Posted by an app or integration rather than a person.
    pub bot: bool,
}

#[derive(Debug, Clone, Default)]
pub struct CustomerDirectory {
    /// Slack Connect team id -> customer.
    pub teams: BTreeMap<String, CustomerId>,
    /// A pattern whose first capture group (or the group named `customer`) is the id.
    pub pattern: Option<Regex>,
}

impl CustomerDirectory {
    /// The customer behind a message `writer` wrote, reading `text`. `our_team` is our
    /// workspace, when known: a bot of another workspace (a customer's own app in a
    /// shared channel) is not one of our helpdesk integrations.
    pub fn identify(
        &self,
        writer: Writer<'_>,
        text: &str,
        our_team: Option<&str>,
    ) -> Option<CustomerId> {
        if let Some(customer) = writer.team.and_then(|team| self.teams.get(team)) {
            return Some(customer.clone());
        }
        if !writer.bot {
            return None;
        }
        if let (Some(team), Some(ours)) = (writer.team, our_team)
            && team != ours
        {
            return None;
        }
        let captures = self.pattern.as_ref()?.captures(text)?;
        let id = captures
            .name("customer")
            .or_else(|| captures.get(1))
            .or_else(|| captures.get(0))?;
        CustomerId::parse(id.as_str())
    }

    /// Whether `author_team` is a customer's workspace (a Slack Connect guest).
    pub fn is_customer_team(&self, author_team: &str) -> bool {
        self.teams.contains_key(author_team)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn directory() -> CustomerDirectory {
        CustomerDirectory {
            teams: BTreeMap::from([("T0ACME".into(), CustomerId::parse("acme").unwrap())]),
            pattern: Some(Regex::new(r"Customer ID: (?P<customer>[A-Za-z0-9_-]+)").unwrap()),
        }
    }

    fn person(team: &str) -> Writer<'_> {
        Writer {
            team: Some(team),
            bot: false,
        }
    }

    fn bot(team: Option<&str>) -> Writer<'_> {
        Writer { team, bot: true }
    }

    const OURS: Option<&str> = Some("T0OURS");

    #[test]
    fn a_slack_connect_team_names_its_customer() {
        assert_eq!(
            directory()
                .identify(person("T0ACME"), "hi", OURS)
                .unwrap()
                .as_str(),
            "acme"
        );
    }

    #[test]
    fn a_helpdesk_message_names_its_customer_in_the_text() {
        let text = "New chat from Zendesk\nCustomer ID: globex-7\nMessage: you idiot";
        for helpdesk in [bot(None), bot(OURS)] {
            assert_eq!(
                directory().identify(helpdesk, text, OURS).unwrap().as_str(),
                "globex-7"
            );
        }
        assert_eq!(directory().identify(bot(OURS), "no id here", OURS), None);
    }

    #[test]
    fn a_person_typing_the_pattern_names_nobody() {
        let text = "Customer ID: other-co";
        for typed_by in [person("T0OURS"), person("T0GUEST")] {
            assert_eq!(directory().identify(typed_by, text, OURS), None);
        }
        assert_eq!(
            directory().identify(bot(Some("T0THEIRS")), text, OURS),
            None,
            "another workspace's app is not our helpdesk"
        );
    }
}
