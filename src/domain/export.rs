//! Purpose: the columns of the audit export (`report::export`), in order, with the keys
//! programs read. Plain names, so the catalogs can word them without knowing the export.

/// The export's columns, in order. CSV headers are the catalog's names for them, in the
/// configured language; JSON keys are [`Column::key`], the same in every language (a
/// program reads them). Ids stay as ids: cases, customers, Slack users and channels, and
/// the category's and outcome's slugs in their own columns beside the names people read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Column {
    Case,
    OpenedAt,
    Customer,
    Category,
    CategoryId,
    Severity,
    Source,
    Reporter,
    ReportedFrom,
    PromiseFailed,
    Summary,
    Evidence,
    State,
    TakenBy,
    TakenAt,
    Outcome,
    OutcomeId,
    RefundAmount,
    Currency,
    DecidedBy,
    DecidedAt,
    ApprovedBy,
    ApprovedAt,
    PolicyVersion,
    Timeline,
    /// The timeline's steps by id (`opened`, `not-staff`), a line each beside the
    /// timeline's lines, for programs that read the CSV. CSV only: in JSON each step has
    /// its `event_id`.
    TimelineIds,
}

impl Column {
    pub const ALL: [Column; 26] = [
        Column::Case,
        Column::OpenedAt,
        Column::Customer,
        Column::Category,
        Column::CategoryId,
        Column::Severity,
        Column::Source,
        Column::Reporter,
        Column::ReportedFrom,
        Column::PromiseFailed,
        Column::Summary,
        Column::Evidence,
        Column::State,
        Column::TakenBy,
        Column::TakenAt,
        Column::Outcome,
        Column::OutcomeId,
        Column::RefundAmount,
        Column::Currency,
        Column::DecidedBy,
        Column::DecidedAt,
        Column::ApprovedBy,
        Column::ApprovedAt,
        Column::PolicyVersion,
        Column::Timeline,
        Column::TimelineIds,
    ];

    /// The JSON key: `case`, `opened_at`, …
    pub fn key(self) -> &'static str {
        match self {
            Column::Case => "case",
            Column::OpenedAt => "opened_at",
            Column::Customer => "customer",
            Column::Category => "category",
            Column::CategoryId => "category_id",
            Column::Severity => "severity",
            Column::Source => "source",
            Column::Reporter => "reporter",
            Column::ReportedFrom => "reported_from",
            Column::PromiseFailed => "promise_failed",
            Column::Summary => "summary",
            Column::Evidence => "evidence",
            Column::State => "state",
            Column::TakenBy => "taken_by",
            Column::TakenAt => "taken_at",
            Column::Outcome => "outcome",
            Column::OutcomeId => "outcome_id",
            Column::RefundAmount => "refund_amount",
            Column::Currency => "currency",
            Column::DecidedBy => "decided_by",
            Column::DecidedAt => "decided_at",
            Column::ApprovedBy => "approved_by",
            Column::ApprovedAt => "approved_at",
            Column::PolicyVersion => "policy_version",
            Column::Timeline => "timeline",
            Column::TimelineIds => "timeline_ids",
        }
    }
}
