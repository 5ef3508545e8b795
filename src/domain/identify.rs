//! Purpose: telling which customer wrote a message in a support channel: a Slack Connect
//! workspace mapped to a customer id (`[customers]`), or a customer id a helpdesk
//! integration writes into its messages (`slack.customer_pattern`).

use std::collections::BTreeMap;

use regex::Regex;

use super::ids::CustomerId;

#[derive(Debug, Clone, Default)]
pub struct CustomerDirectory {
    /// Slack Connect team id -> customer.
    pub teams: BTreeMap<String, CustomerId>,
    /// A pattern whose first capture group (or the group named `customer`) is the id.
    pub pattern: Option<Regex>,
}

impl CustomerDirectory {
    /// The customer behind a message by an author of `author_team` reading `text`.
    pub fn identify(&self, author_team: Option<&str>, text: &str) -> Option<CustomerId> {
        if let Some(customer) = author_team.and_then(|team| self.teams.get(team)) {
            return Some(customer.clone());
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

    #[test]
    fn a_slack_connect_team_names_its_customer() {
        assert_eq!(
            directory().identify(Some("T0ACME"), "hi").unwrap().as_str(),
            "acme"
        );
    }

    #[test]
    fn a_helpdesk_message_names_its_customer_in_the_text() {
        let text = "New chat from Zendesk\nCustomer ID: globex-7\nMessage: you idiot";
        assert_eq!(
            directory().identify(None, text).unwrap().as_str(),
            "globex-7"
        );
        assert_eq!(directory().identify(Some("T0OURS"), "no id here"), None);
    }
}
