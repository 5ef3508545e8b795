//! Purpose: the rules Slack applies to what an app sends, checked where Slack checks them,
//! so an app's test fails where Slack would refuse: Block Kit's limits on messages and
//! views, and the error Slack answers with. Pure functions over the JSON the app sent.
//!
//! Slack answers a message whose blocks break a rule with `invalid_blocks`, and a view
//! that does with `invalid_arguments`; both say where in `response_metadata.messages`
//! (as `[json-pointer:/blocks/0/text]`), and so do these checks. The limits are Block
//! Kit's published ones (docs.slack.dev, "Blocks", "Block elements", "Composition
//! objects", "Modals").

use std::collections::HashSet;

use serde_json::Value;

/// Blocks in one message.
pub const MESSAGE_BLOCKS: usize = 50;
/// Blocks in one view (modal or Home tab).
pub const VIEW_BLOCKS: usize = 100;
/// A section's `text`.
pub const SECTION_TEXT: usize = 3000;
/// A section's `fields`: how many, and each one's text.
pub const SECTION_FIELDS: usize = 10;
pub const SECTION_FIELD_TEXT: usize = 2000;
/// A header's text.
pub const HEADER_TEXT: usize = 150;
/// A button's `value`, and its label.
pub const BUTTON_VALUE: usize = 2000;
pub const BUTTON_TEXT: usize = 75;
/// Elements of an actions block, and of a context block.
pub const ACTIONS_ELEMENTS: usize = 25;
pub const CONTEXT_ELEMENTS: usize = 10;
/// `block_id` and `action_id`.
pub const ID_LENGTH: usize = 255;
/// Options of checkboxes and radio buttons; of a select menu.
pub const CHOICE_OPTIONS: usize = 10;
pub const SELECT_OPTIONS: usize = 100;
/// An option's label and value.
pub const OPTION_TEXT: usize = 75;
pub const OPTION_VALUE: usize = 150;
/// An input block's label.
pub const INPUT_LABEL: usize = 2000;
/// A modal's title, submit and close labels.
pub const VIEW_TITLE: usize = 24;
/// A view's `private_metadata`, and its `callback_id`.
pub const PRIVATE_METADATA: usize = 3000;
pub const CALLBACK_ID: usize = 255;

/// A data visualization block: its title; a bar, area or line chart's series (and a
/// pie's segments), their names and their points' labels; the axis titles; how many in
/// one message.
pub const CHART_TITLE: usize = 50;
pub const CHART_SERIES: usize = 6;
pub const CHART_LABEL: usize = 20;
pub const CHART_POINTS: usize = 20;
pub const CHART_AXIS_TITLE: usize = 50;
pub const CHARTS_PER_MESSAGE: usize = 2;
/// A data table block: rows under the header, columns, characters in all its cells (and
/// in all the tables of a message), rows a page.
pub const TABLE_ROWS: usize = 100;
pub const TABLE_COLUMNS: usize = 20;
pub const TABLE_CHARS: usize = 10_000;
pub const TABLE_PAGE: u64 = 100;

/// The block types Slack knows. Anything else is refused.
pub const BLOCK_TYPES: [&str; 13] = [
    "actions",
    "context",
    "data_table",
    "data_visualization",
    "divider",
    "file",
    "header",
    "image",
    "input",
    "markdown",
    "rich_text",
    "section",
    "video",
];

/// Why Slack refuses what was sent: the error code, and where (as Slack's
/// `response_metadata.messages` says it).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refusal {
    pub error: &'static str,
    pub message: String,
}

/// Slack counts characters, not bytes.
fn chars(text: &str) -> usize {
    text.chars().count()
}

/// The text of a text object (`{"type": "plain_text", "text": …}`), or a bare string.
fn text_of(value: &Value) -> Option<&str> {
    value
        .get("text")
        .and_then(Value::as_str)
        .or_else(|| value.as_str())
}

struct Check {
    error: &'static str,
}

impl Check {
    fn refuse(&self, what: String, pointer: &str) -> Refusal {
        Refusal {
            error: self.error,
            message: format!("{what} [json-pointer:{pointer}]"),
        }
    }

    fn at_most(&self, len: usize, max: usize, what: &str, pointer: &str) -> Result<(), Refusal> {
        if len > max {
            return Err(self.refuse(format!("{what}: {len} is more than {max}"), pointer));
        }
        Ok(())
    }

    fn text_at_most(
        &self,
        object: &Value,
        max: usize,
        what: &str,
        pointer: &str,
    ) -> Result<(), Refusal> {
        match text_of(object) {
            Some(text) => self.at_most(chars(text), max, what, pointer),
            None => Ok(()),
        }
    }

    /// Blocks of a message or a view: their count, types, ids and contents.
    fn blocks(&self, blocks: &Value, max: usize, pointer: &str) -> Result<(), Refusal> {
        let Some(blocks) = blocks.as_array() else {
            return if blocks.is_null() {
                Ok(())
            } else {
                Err(self.refuse("blocks must be an array".into(), pointer))
            };
        };
        self.at_most(blocks.len(), max, "too many blocks", pointer)?;
        let mut block_ids = HashSet::new();
        let (mut charts, mut table_chars) = (0, 0);
        for (i, block) in blocks.iter().enumerate() {
            let at = format!("{pointer}/{i}");
            let kind = block.get("type").and_then(Value::as_str).unwrap_or("");
            if !BLOCK_TYPES.contains(&kind) {
                return Err(self.refuse(format!("unknown block type {kind:?}"), &at));
            }
            if kind == "data_visualization" {
                charts += 1;
                self.at_most(charts, CHARTS_PER_MESSAGE, "too many charts", &at)?;
            }
            if kind == "data_table" {
                table_chars += self.table(block, &at)?;
                self.at_most(
                    table_chars,
                    TABLE_CHARS,
                    "too many characters in tables",
                    &at,
                )?;
            }
            if let Some(id) = block.get("block_id").and_then(Value::as_str) {
                self.at_most(chars(id), ID_LENGTH, "block_id too long", &at)?;
                if !block_ids.insert(id) {
                    return Err(self.refuse(format!("duplicate block_id {id:?}"), &at));
                }
            }
            self.block(kind, block, &at)?;
        }
        Ok(())
    }

    /// A string field that must be there, of at most `max` characters.
    fn required_text(
        &self,
        value: &Value,
        max: usize,
        what: &str,
        at: &str,
    ) -> Result<(), Refusal> {
        match value.as_str() {
            Some(text) if !text.is_empty() => self.at_most(chars(text), max, what, at),
            _ => Err(self.refuse(format!("{what}: a non-empty string is required"), at)),
        }
    }

    /// A data visualization block: a pie's segments, or a bar, area or line chart's series
    /// over its axis categories, each series one point per category.
    fn chart(&self, block: &Value, at: &str) -> Result<(), Refusal> {
        let title = block.get("title").unwrap_or(&Value::Null);
        self.required_text(title, CHART_TITLE, "chart title", &format!("{at}/title"))?;
        let chart = block.get("chart").unwrap_or(&Value::Null);
        let at = format!("{at}/chart");
        let list = |name: &str| chart.get(name).and_then(Value::as_array);
        let count = |n: usize, what: &str, pointer: &str| {
            if n == 0 {
                return Err(self.refuse(format!("{what}: at least one is required"), pointer));
            }
            self.at_most(n, CHART_SERIES, what, pointer)
        };
        match chart.get("type").and_then(Value::as_str).unwrap_or("") {
            "pie" => {
                let segments = list("segments").map(Vec::as_slice).unwrap_or_default();
                let pointer = format!("{at}/segments");
                count(segments.len(), "too many segments", &pointer)?;
                for (i, segment) in segments.iter().enumerate() {
                    let p = format!("{pointer}/{i}");
                    let label = segment.get("label").unwrap_or(&Value::Null);
                    self.required_text(label, CHART_LABEL, "segment label", &format!("{p}/label"))?;
                    if !segment
                        .get("value")
                        .and_then(Value::as_f64)
                        .is_some_and(|v| v > 0.0)
                    {
                        return Err(self.refuse("a segment's value must be above 0".into(), &p));
                    }
                }
            }
            "bar" | "area" | "line" => {
                let axis = chart.get("axis_config").unwrap_or(&Value::Null);
                let apointer = format!("{at}/axis_config");
                let categories = axis
                    .get("categories")
                    .and_then(Value::as_array)
                    .map(Vec::as_slice)
                    .unwrap_or_default();
                let cpointer = format!("{apointer}/categories");
                if categories.is_empty() {
                    return Err(
                        self.refuse("categories: at least one is required".into(), &cpointer)
                    );
                }
                self.at_most(
                    categories.len(),
                    CHART_POINTS,
                    "too many categories",
                    &cpointer,
                )?;
                let mut labels = Vec::new();
                for (i, category) in categories.iter().enumerate() {
                    let p = format!("{cpointer}/{i}");
                    self.required_text(category, CHART_LABEL, "category label", &p)?;
                    labels.push(category.as_str().unwrap_or(""));
                }
                for name in ["x_label", "y_label"] {
                    if let Some(label) = axis.get(name) {
                        self.required_text(
                            label,
                            CHART_AXIS_TITLE,
                            name,
                            &format!("{apointer}/{name}"),
                        )?;
                    }
                }
                let series = list("series").map(Vec::as_slice).unwrap_or_default();
                let pointer = format!("{at}/series");
                count(series.len(), "too many series", &pointer)?;
                let mut names = HashSet::new();
                for (i, one) in series.iter().enumerate() {
                    let p = format!("{pointer}/{i}");
                    let name = one.get("name").unwrap_or(&Value::Null);
                    self.required_text(name, CHART_LABEL, "series name", &format!("{p}/name"))?;
                    if !names.insert(name.as_str().unwrap_or("")) {
                        return Err(
                            self.refuse("series names must be unique".into(), &format!("{p}/name"))
                        );
                    }
                    let data = one
                        .get("data")
                        .and_then(Value::as_array)
                        .map(Vec::as_slice)
                        .unwrap_or_default();
                    let points: Vec<&str> = data
                        .iter()
                        .map(|d| d.get("label").and_then(Value::as_str).unwrap_or(""))
                        .collect();
                    if points != labels {
                        return Err(self.refuse(
                            "a series needs one point per axis category, in order".into(),
                            &format!("{p}/data"),
                        ));
                    }
                    if let Some(j) = data
                        .iter()
                        .position(|d| !d.get("value").is_some_and(Value::is_number))
                    {
                        return Err(self.refuse(
                            "a point's value must be a number".into(),
                            &format!("{p}/data/{j}"),
                        ));
                    }
                }
            }
            other => {
                return Err(self.refuse(
                    format!("unknown chart type {other:?}"),
                    &format!("{at}/type"),
                ));
            }
        }
        Ok(())
    }

    /// A data table block; returns the characters in its cells.
    fn table(&self, block: &Value, at: &str) -> Result<usize, Refusal> {
        let caption = block.get("caption").unwrap_or(&Value::Null);
        if caption.as_str().is_none() {
            return Err(self.refuse("a table needs a caption".into(), &format!("{at}/caption")));
        }
        let rows = block
            .get("rows")
            .and_then(Value::as_array)
            .map(Vec::as_slice)
            .unwrap_or_default();
        let pointer = format!("{at}/rows");
        if rows.len() < 2 {
            return Err(self.refuse("a table needs a header and a row".into(), &pointer));
        }
        self.at_most(rows.len() - 1, TABLE_ROWS, "too many rows", &pointer)?;
        let width = rows[0].as_array().map_or(0, Vec::len);
        if width == 0 {
            return Err(self.refuse("a row needs a cell".into(), &format!("{pointer}/0")));
        }
        self.at_most(
            width,
            TABLE_COLUMNS,
            "too many columns",
            &format!("{pointer}/0"),
        )?;
        let mut used = 0;
        for (i, row) in rows.iter().enumerate() {
            let cells = row.as_array().map(Vec::as_slice).unwrap_or_default();
            if cells.len() != width {
                return Err(self.refuse(
                    "every row needs as many cells as the header".into(),
                    &format!("{pointer}/{i}"),
                ));
            }
            for (j, cell) in cells.iter().enumerate() {
                let p = format!("{pointer}/{i}/{j}");
                match cell.get("type").and_then(Value::as_str).unwrap_or("") {
                    "raw_text" => {}
                    "raw_number" => {
                        if !cell.get("value").is_some_and(Value::is_number) {
                            return Err(self.refuse("a raw_number needs a number".into(), &p));
                        }
                    }
                    "rich_text" | "action_cell" if i > 0 => continue,
                    "rich_text" => {
                        return Err(self.refuse("a header cell cannot be rich_text".into(), &p));
                    }
                    other => return Err(self.refuse(format!("unknown cell type {other:?}"), &p)),
                }
                match cell.get("text").and_then(Value::as_str) {
                    Some(text) if !text.is_empty() => used += chars(text),
                    _ => {
                        return Err(self.refuse(
                            "a cell's text must not be empty".into(),
                            &format!("{p}/text"),
                        ));
                    }
                }
            }
        }
        if let Some(page) = block.get("page_size")
            && !page.as_u64().is_some_and(|p| (1..=TABLE_PAGE).contains(&p))
        {
            return Err(self.refuse(
                "page_size must be 1 to 100".into(),
                &format!("{at}/page_size"),
            ));
        }
        if let Some(index) = block.get("row_header_column_index")
            && index.as_u64().is_none_or(|i| i as usize >= width)
        {
            return Err(self.refuse(
                "row_header_column_index is past the last column".into(),
                &format!("{at}/row_header_column_index"),
            ));
        }
        self.at_most(
            used,
            TABLE_CHARS,
            "too many characters in a table",
            &pointer,
        )?;
        Ok(used)
    }

    fn block(&self, kind: &str, block: &Value, at: &str) -> Result<(), Refusal> {
        match kind {
            "data_visualization" => self.chart(block, at)?,
            "section" => {
                if let Some(text) = block.get("text") {
                    self.text_at_most(
                        text,
                        SECTION_TEXT,
                        "section text too long",
                        &format!("{at}/text"),
                    )?;
                }
                if let Some(fields) = block.get("fields").and_then(Value::as_array) {
                    let pointer = format!("{at}/fields");
                    self.at_most(fields.len(), SECTION_FIELDS, "too many fields", &pointer)?;
                    for (j, field) in fields.iter().enumerate() {
                        self.text_at_most(
                            field,
                            SECTION_FIELD_TEXT,
                            "field text too long",
                            &format!("{pointer}/{j}"),
                        )?;
                    }
                }
                if let Some(accessory) = block.get("accessory") {
                    self.element(accessory, &format!("{at}/accessory"))?;
                }
            }
            "header" => {
                let text = block.get("text").unwrap_or(&Value::Null);
                if text.get("type").and_then(Value::as_str) != Some("plain_text") {
                    return Err(self.refuse(
                        "a header's text must be plain_text".into(),
                        &format!("{at}/text"),
                    ));
                }
                self.text_at_most(
                    text,
                    HEADER_TEXT,
                    "header text too long",
                    &format!("{at}/text"),
                )?;
            }
            "actions" | "context" => {
                let (max, what) = if kind == "actions" {
                    (ACTIONS_ELEMENTS, "too many elements in an actions block")
                } else {
                    (CONTEXT_ELEMENTS, "too many elements in a context block")
                };
                let elements = block
                    .get("elements")
                    .and_then(Value::as_array)
                    .map(Vec::as_slice)
                    .unwrap_or_default();
                self.at_most(elements.len(), max, what, &format!("{at}/elements"))?;
                let mut action_ids = HashSet::new();
                for (j, element) in elements.iter().enumerate() {
                    let pointer = format!("{at}/elements/{j}");
                    if let Some(id) = element.get("action_id").and_then(Value::as_str)
                        && !action_ids.insert(id)
                    {
                        return Err(self.refuse(format!("duplicate action_id {id:?}"), &pointer));
                    }
                    self.element(element, &pointer)?;
                }
            }
            "input" => {
                if let Some(label) = block.get("label") {
                    self.text_at_most(
                        label,
                        INPUT_LABEL,
                        "label too long",
                        &format!("{at}/label"),
                    )?;
                }
                if let Some(element) = block.get("element") {
                    self.element(element, &format!("{at}/element"))?;
                }
            }
            _ => {}
        }
        Ok(())
    }

    /// An interactive element (button, menu, checkboxes…) or a context's text or image.
    fn element(&self, element: &Value, at: &str) -> Result<(), Refusal> {
        if let Some(id) = element.get("action_id").and_then(Value::as_str) {
            self.at_most(chars(id), ID_LENGTH, "action_id too long", at)?;
        }
        match element.get("type").and_then(Value::as_str).unwrap_or("") {
            "button" => {
                if let Some(text) = element.get("text") {
                    self.text_at_most(
                        text,
                        BUTTON_TEXT,
                        "button text too long",
                        &format!("{at}/text"),
                    )?;
                }
                if let Some(value) = element.get("value").and_then(Value::as_str) {
                    self.at_most(
                        chars(value),
                        BUTTON_VALUE,
                        "button value too long",
                        &format!("{at}/value"),
                    )?;
                }
            }
            kind @ ("checkboxes"
            | "radio_buttons"
            | "static_select"
            | "multi_static_select"
            | "overflow") => {
                let max = match kind {
                    "checkboxes" | "radio_buttons" => CHOICE_OPTIONS,
                    "overflow" => 5,
                    _ => SELECT_OPTIONS,
                };
                let options = element
                    .get("options")
                    .and_then(Value::as_array)
                    .map(Vec::as_slice)
                    .unwrap_or_default();
                let pointer = format!("{at}/options");
                self.at_most(options.len(), max, "too many options", &pointer)?;
                for (k, option) in options.iter().enumerate() {
                    let at = format!("{pointer}/{k}");
                    if let Some(text) = option.get("text") {
                        self.text_at_most(
                            text,
                            OPTION_TEXT,
                            "option text too long",
                            &format!("{at}/text"),
                        )?;
                    }
                    if let Some(value) = option.get("value").and_then(Value::as_str) {
                        self.at_most(
                            chars(value),
                            OPTION_VALUE,
                            "option value too long",
                            &format!("{at}/value"),
                        )?;
                    }
                }
            }
            _ => {}
        }
        Ok(())
    }
}

/// The blocks of a message (chat.postMessage, chat.postEphemeral, chat.update, a
/// response_url): Slack's `invalid_blocks` if they break a rule.
pub fn check_message_blocks(blocks: &Value) -> Result<(), Refusal> {
    Check {
        error: "invalid_blocks",
    }
    .blocks(blocks, MESSAGE_BLOCKS, "/blocks")
}

/// A view (views.open, views.update, views.push, a response_action): Slack's
/// `invalid_arguments` if it breaks a rule.
pub fn check_view(view: &Value) -> Result<(), Refusal> {
    let check = Check {
        error: "invalid_arguments",
    };
    let modal = view.get("type").and_then(Value::as_str) == Some("modal");
    if modal {
        let Some(title) = view.get("title").filter(|t| text_of(t).is_some()) else {
            return Err(check.refuse("a modal needs a title".into(), "/view/title"));
        };
        check.text_at_most(title, VIEW_TITLE, "title too long", "/view/title")?;
        for label in ["submit", "close"] {
            if let Some(text) = view.get(label) {
                check.text_at_most(
                    text,
                    VIEW_TITLE,
                    "label too long",
                    &format!("/view/{label}"),
                )?;
            }
        }
    }
    if let Some(metadata) = view.get("private_metadata").and_then(Value::as_str) {
        check.at_most(
            chars(metadata),
            PRIVATE_METADATA,
            "private_metadata too long",
            "/view/private_metadata",
        )?;
    }
    if let Some(callback) = view.get("callback_id").and_then(Value::as_str) {
        check.at_most(
            chars(callback),
            CALLBACK_ID,
            "callback_id too long",
            "/view/callback_id",
        )?;
    }
    check.blocks(
        view.get("blocks").unwrap_or(&Value::Null),
        VIEW_BLOCKS,
        "/view/blocks",
    )
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn section(text: &str) -> Value {
        json!({ "type": "section", "text": { "type": "mrkdwn", "text": text } })
    }

    fn button(action_id: &str, value: &str) -> Value {
        json!({ "type": "button", "action_id": action_id, "value": value,
                "text": { "type": "plain_text", "text": "Go" } })
    }

    fn modal(title: &str, blocks: Value) -> Value {
        json!({ "type": "modal", "title": { "type": "plain_text", "text": title },
                "blocks": blocks })
    }

    fn refused(result: Result<(), Refusal>) -> (&'static str, String) {
        let refusal = result.expect_err("Slack refuses it");
        (refusal.error, refusal.message)
    }

    #[test]
    fn a_message_takes_50_blocks_and_not_51() {
        let blocks = |n| Value::Array((0..n).map(|_| json!({ "type": "divider" })).collect());
        assert_eq!(check_message_blocks(&blocks(50)), Ok(()));
        let (error, message) = refused(check_message_blocks(&blocks(51)));
        assert_eq!(error, "invalid_blocks");
        assert!(message.contains("[json-pointer:/blocks]"), "{message}");
    }

    #[test]
    fn a_view_takes_100_blocks_and_not_101() {
        let blocks = |n| Value::Array((0..n).map(|_| json!({ "type": "divider" })).collect());
        assert_eq!(check_view(&modal("Form", blocks(100))), Ok(()));
        assert_eq!(
            refused(check_view(&modal("Form", blocks(101)))).0,
            "invalid_arguments"
        );
    }

    #[test]
    fn section_text_is_at_most_3000_characters_counted_as_characters() {
        // 3000 Japanese characters are 9000 bytes, and still fine.
        let ok = json!([section(&"あ".repeat(3000))]);
        assert_eq!(check_message_blocks(&ok), Ok(()));
        let long = json!([section(&"a".repeat(3001))]);
        let (error, message) = refused(check_message_blocks(&long));
        assert_eq!(error, "invalid_blocks");
        assert!(message.contains("/blocks/0/text"), "{message}");
    }

    #[test]
    fn section_fields_are_at_most_10_of_2000_characters() {
        let field = |n| json!({ "type": "mrkdwn", "text": "f".repeat(n) });
        let fields = |count, len| json!([{ "type": "section", "fields": (0..count).map(|_| field(len)).collect::<Vec<_>>() }]);
        assert_eq!(check_message_blocks(&fields(10, 2000)), Ok(()));
        assert_eq!(
            refused(check_message_blocks(&fields(11, 1))).0,
            "invalid_blocks"
        );
        assert_eq!(
            refused(check_message_blocks(&fields(1, 2001))).0,
            "invalid_blocks"
        );
    }

    #[test]
    fn header_text_is_plain_and_at_most_150_characters() {
        let header = |kind: &str, n| json!([{ "type": "header", "text": { "type": kind, "text": "h".repeat(n) } }]);
        assert_eq!(check_message_blocks(&header("plain_text", 150)), Ok(()));
        assert_eq!(
            refused(check_message_blocks(&header("plain_text", 151))).0,
            "invalid_blocks"
        );
        assert_eq!(
            refused(check_message_blocks(&header("mrkdwn", 5))).0,
            "invalid_blocks"
        );
    }

    #[test]
    fn a_button_value_is_at_most_2000_characters() {
        let actions =
            |n| json!([{ "type": "actions", "elements": [button("go", &"v".repeat(n))] }]);
        assert_eq!(check_message_blocks(&actions(2000)), Ok(()));
        let (error, message) = refused(check_message_blocks(&actions(2001)));
        assert_eq!(error, "invalid_blocks");
        assert!(message.contains("/blocks/0/elements/0/value"), "{message}");
    }

    #[test]
    fn action_ids_are_unique_within_a_block_but_may_repeat_across_blocks() {
        let twice =
            json!([{ "type": "actions", "elements": [button("go", "1"), button("go", "2")] }]);
        let (error, message) = refused(check_message_blocks(&twice));
        assert_eq!(error, "invalid_blocks");
        assert!(message.contains("duplicate action_id"), "{message}");
        let apart = json!([
            { "type": "actions", "elements": [button("go", "1")] },
            { "type": "actions", "elements": [button("go", "2")] },
        ]);
        assert_eq!(check_message_blocks(&apart), Ok(()));
    }

    #[test]
    fn block_ids_are_unique_within_a_message_and_a_view() {
        let blocks = json!([
            { "type": "divider", "block_id": "b" },
            { "type": "divider", "block_id": "b" },
        ]);
        assert_eq!(refused(check_message_blocks(&blocks)).0, "invalid_blocks");
        let (error, message) = refused(check_view(&modal("Form", blocks)));
        assert_eq!(error, "invalid_arguments");
        assert!(message.contains("duplicate block_id"), "{message}");
    }

    #[test]
    fn an_unknown_block_type_is_refused() {
        let blocks = json!([{ "type": "sectoin", "text": { "type": "mrkdwn", "text": "x" } }]);
        let (error, message) = refused(check_message_blocks(&blocks));
        assert_eq!(error, "invalid_blocks");
        assert!(message.contains("sectoin"), "{message}");
        assert_eq!(
            refused(check_message_blocks(&json!([{ "text": "no type" }]))).0,
            "invalid_blocks"
        );
    }

    #[test]
    fn a_modal_title_is_at_most_24_characters_and_required() {
        assert_eq!(check_view(&modal(&"t".repeat(24), json!([]))), Ok(()));
        let (error, message) = refused(check_view(&modal(&"t".repeat(25), json!([]))));
        assert_eq!(error, "invalid_arguments");
        assert!(message.contains("/view/title"), "{message}");
        let untitled = json!({ "type": "modal", "blocks": [] });
        assert_eq!(refused(check_view(&untitled)).0, "invalid_arguments");
        let mut long_submit = modal("Form", json!([]));
        long_submit["submit"] = json!({ "type": "plain_text", "text": "s".repeat(25) });
        assert_eq!(refused(check_view(&long_submit)).0, "invalid_arguments");
    }

    #[test]
    fn private_metadata_is_at_most_3000_characters() {
        let with = |n| {
            let mut view = modal("Form", json!([]));
            view["private_metadata"] = json!("m".repeat(n));
            view
        };
        assert_eq!(check_view(&with(3000)), Ok(()));
        assert_eq!(refused(check_view(&with(3001))).0, "invalid_arguments");
    }

    #[test]
    fn checkboxes_take_at_most_10_options() {
        let option = |i: usize| json!({ "text": { "type": "plain_text", "text": format!("o{i}") }, "value": format!("v{i}") });
        let form = |n| {
            modal(
                "Form",
                json!([{ "type": "input", "block_id": "b", "label": { "type": "plain_text", "text": "L" },
                "element": { "type": "checkboxes", "action_id": "a", "options": (0..n).map(option).collect::<Vec<_>>() } }]),
            )
        };
        assert_eq!(check_view(&form(10)), Ok(()));
        assert_eq!(refused(check_view(&form(11))).0, "invalid_arguments");
    }

    /// A bar chart of `series` series named `name0`…, over `categories` weeks.
    fn bar(series: usize, categories: usize) -> Value {
        let labels: Vec<String> = (0..categories).map(|i| format!("11/{}", i + 1)).collect();
        let series: Vec<Value> = (0..series)
            .map(|s| json!({ "name": format!("name{s}"),
                "data": labels.iter().map(|l| json!({ "label": l, "value": 1 })).collect::<Vec<_>>() }))
            .collect();
        json!({ "type": "data_visualization", "title": "Cases per week",
                "chart": { "type": "bar", "series": series,
                           "axis_config": { "categories": labels, "y_label": "Cases" } } })
    }

    fn check(block: &Value) -> Result<(), Refusal> {
        check_message_blocks(&json!([block]))
    }

    #[test]
    fn a_bar_chart_takes_1_to_6_series_over_1_to_20_categories() {
        assert_eq!(check(&bar(1, 1)), Ok(()));
        assert_eq!(check(&bar(6, 20)), Ok(()));
        for block in [bar(7, 12), bar(0, 12), bar(3, 21), bar(3, 0)] {
            assert_eq!(refused(check(&block)).0, "invalid_blocks", "{block}");
        }
    }

    #[test]
    fn chart_titles_names_and_labels_keep_to_their_lengths() {
        let mut ok = bar(2, 3);
        ok["title"] = json!("t".repeat(50));
        ok["chart"]["series"][0]["name"] = json!("暴".repeat(20));
        assert_eq!(check(&ok), Ok(()));
        let mut title = bar(2, 3);
        title["title"] = json!("t".repeat(51));
        let mut name = bar(2, 3);
        name["chart"]["series"][0]["name"] = json!("n".repeat(21));
        let mut label = bar(1, 1);
        label["chart"]["axis_config"]["categories"][0] = json!("l".repeat(21));
        label["chart"]["series"][0]["data"][0]["label"] = json!("l".repeat(21));
        let mut axis = bar(1, 1);
        axis["chart"]["axis_config"]["y_label"] = json!("y".repeat(51));
        for block in [title, name, label, axis] {
            assert_eq!(refused(check(&block)).0, "invalid_blocks", "{block}");
        }
    }

    #[test]
    fn a_series_has_one_point_per_category_and_a_unique_name() {
        let mut missing = bar(2, 3);
        missing["chart"]["series"][1]["data"]
            .as_array_mut()
            .unwrap()
            .pop();
        let mut stranger = bar(1, 2);
        stranger["chart"]["series"][0]["data"][1]["label"] = json!("12/25");
        let mut twins = bar(2, 2);
        twins["chart"]["series"][1]["name"] = json!("name0");
        let mut unknown = bar(1, 1);
        unknown["chart"]["type"] = json!("radar");
        for block in [missing, stranger, twins, unknown] {
            assert_eq!(refused(check(&block)).0, "invalid_blocks", "{block}");
        }
    }

    #[test]
    fn a_message_holds_at_most_two_charts() {
        assert_eq!(check_message_blocks(&json!([bar(1, 1), bar(1, 1)])), Ok(()));
        let (error, message) = refused(check_message_blocks(&json!([
            bar(1, 1),
            bar(1, 1),
            bar(1, 1)
        ])));
        assert_eq!(error, "invalid_blocks");
        assert!(message.contains("[json-pointer:/blocks/2]"), "{message}");
    }

    fn table(rows: usize, columns: usize, text: &str) -> Value {
        let header: Vec<Value> = (0..columns)
            .map(|c| json!({ "type": "raw_text", "text": format!("c{c}") }))
            .collect();
        let row: Vec<Value> = (0..columns)
            .map(|_| json!({ "type": "raw_number", "value": 1, "text": text }))
            .collect();
        let mut all = vec![Value::Array(header)];
        all.extend((0..rows).map(|_| Value::Array(row.clone())));
        json!({ "type": "data_table", "caption": "Numbers", "rows": all, "page_size": 5 })
    }

    #[test]
    fn a_table_takes_a_header_and_1_to_100_rows_of_1_to_20_columns() {
        assert_eq!(check(&table(1, 1, "1")), Ok(()));
        assert_eq!(check(&table(100, 20, "1")), Ok(()));
        for block in [
            table(0, 3, "1"),
            table(101, 3, "1"),
            table(3, 21, "1"),
            table(3, 3, ""),
        ] {
            assert_eq!(
                refused(check(&block)).0,
                "invalid_blocks",
                "{}",
                block["rows"].as_array().unwrap().len()
            );
        }
        let mut ragged = table(2, 3, "1");
        ragged["rows"][2].as_array_mut().unwrap().pop();
        let mut rich_header = table(2, 1, "1");
        rich_header["rows"][0][0] = json!({ "type": "rich_text", "elements": [] });
        let mut page = table(2, 1, "1");
        page["page_size"] = json!(101);
        for block in [ragged, rich_header, page] {
            assert_eq!(refused(check(&block)).0, "invalid_blocks", "{block}");
        }
    }

    #[test]
    fn tables_hold_at_most_10000_characters_in_a_message() {
        // 50 rows of 20 cells of 9 characters, and the header: under 10,000.
        assert_eq!(check(&table(50, 20, "123456789")), Ok(()));
        assert_eq!(
            refused(check(&table(100, 20, "123456789"))).0,
            "invalid_blocks"
        );
        let half = table(50, 20, "123456789");
        assert_eq!(
            refused(check_message_blocks(&json!([half, half]))).0,
            "invalid_blocks",
            "two tables share the message's 10,000"
        );
    }
}
