//! escalation-bot: takes abusive-customer cases off support agents and gets them decided
//! by management, in Slack. Data flows one way:
//! ingress -> handler -> domain decision -> store (state + outbox, one transaction) -> job
//! delivers to Slack.

pub mod app; // Application: wires store, Slack client, ingress and worker; shutdown
pub mod clock; // where "now" comes from (system, or tokio's pausable clock in tests)
pub mod config; // Settings: TOML file, then ESCALATION_BOT__* environment; secrets
pub mod domain; // cases, customers, policy, tallies: our rules, no I/O
pub mod handlers; // one file per thing a person does in Slack
pub mod http; // the HTTP answers both listeners give: plain text or JSON
pub mod i18n; // every sentence people read, in English and Japanese
pub mod jobs; // outbox delivery, paging timers, work from events
pub mod metrics; // counters and /metrics in Prometheus text format
pub mod operations; // backups, exports, reports by hand: the private socket, where files may go, the audit
pub mod policy; // the company's policy: who should read it, who has, the list
pub mod render; // what the bot shows in Slack: cards, pages, forms, as Block Kit
pub mod report; // the weekly report for leadership, its chart, and the audit export
pub mod slack; // Slack's transport: signed ingress, Web API client, Socket Mode, payloads
pub mod staff; // who is staff: users.info, cached; everyone else refused silently
pub mod store; // sled: the only module that imports it
pub mod telemetry; // tracing subscriber
