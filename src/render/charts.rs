//! Purpose: Block Kit's native charts and tables, built within the limits Slack
//! publishes, so what the bot sends is never refused for its shape: a bar chart (the
//! data visualization block) and a table of numbers (the data table block).
//!
//! The limits, from Slack's reference (docs.slack.dev/reference/block-kit/blocks/
//! data-visualization-block and …/data-table-block; the data series, data point and axis
//! limits as slack-messaging 0.7.7 transcribes that page, and at most two charts in a
//! message as slack-morphism 2.31 does):
//! - a chart's `title` is at most 50 characters;
//! - a bar chart has 1 to 6 series (slack-morphism's comment says 12; Slack's page says
//!   6, and Slack is who refuses), with unique names of at most 20 characters;
//! - each series has one point per axis category, 1 to 20 of them, and each category
//!   (the point's label) is at most 20 characters; `x_label` and `y_label` at most 50;
//! - a message holds at most two data visualization blocks;
//! - a data table has a header row and 1 to 100 rows under it, 1 to 20 columns, every row
//!   as long as the header, a non-empty text in every cell, at most 10,000 characters in
//!   all its cells (and in all the tables of one message), and `page_size` 1 to 100.

use slack_morphism::prelude::*;

pub const TITLE_MAX: usize = 50;
pub const SERIES_MAX: usize = 6;
pub const LABEL_MAX: usize = 20;
pub const CATEGORIES_MAX: usize = 20;
pub const AXIS_TITLE_MAX: usize = 50;
pub const CHARTS_PER_MESSAGE: usize = 2;
pub const TABLE_ROWS_MAX: usize = 100;
pub const TABLE_COLUMNS_MAX: usize = 20;
pub const TABLE_CHARS_MAX: usize = 10_000;
pub const TABLE_PAGE_MAX: usize = 100;

/// One series of a bar chart: its name (the legend) and a value per category.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Series {
    pub name: String,
    pub values: Vec<u64>,
}

/// `text` in at most `max` characters, the cut marked with `…`.
pub fn fit(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_owned();
    }
    let mut cut: String = text.chars().take(max.saturating_sub(1)).collect();
    cut.push('…');
    cut
}

/// A bar chart of `series` over `categories` (the x axis, in order). What Slack would
/// refuse is made to fit: the title, names and labels are cut to their limits, only the
/// last `CATEGORIES_MAX` categories and the first `SERIES_MAX` series are kept (callers
/// group the rest first; see `report::ChartData`), a missing value counts as 0, and a
/// name that a cut made equal to an earlier one gets a number.
pub fn bar_chart(
    title: &str,
    categories: &[String],
    series: &[Series],
    x_label: Option<&str>,
    y_label: Option<&str>,
) -> SlackBlock {
    let skip = categories.len().saturating_sub(CATEGORIES_MAX);
    let labels: Vec<String> = categories[skip..]
        .iter()
        .map(|c| fit(c, LABEL_MAX))
        .collect();
    let mut names: Vec<String> = Vec::new();
    let mut data = Vec::new();
    for s in series.iter().take(SERIES_MAX) {
        let mut name = fit(&s.name, LABEL_MAX);
        let mut n = 2;
        while names.contains(&name) {
            let suffix = format!(" {n}");
            name = format!(
                "{}{suffix}",
                fit(&s.name, LABEL_MAX - suffix.chars().count())
            );
            n += 1;
        }
        names.push(name.clone());
        let points = labels
            .iter()
            .enumerate()
            .map(|(i, label)| {
                let value = s.values.get(skip + i).copied().unwrap_or(0);
                SlackChartDataPoint::new(label.clone(), value.into())
            })
            .collect();
        data.push(SlackChartDataSeries::new(name, points));
    }
    let axis = SlackChartAxisConfig::new(labels)
        .opt_x_label(x_label.map(|l| fit(l, AXIS_TITLE_MAX)))
        .opt_y_label(y_label.map(|l| fit(l, AXIS_TITLE_MAX)));
    SlackDataVisualizationBlock::new(
        fit(title, TITLE_MAX),
        SlackChart::Bar(SlackSeriesChart::new(data, axis)),
    )
    .into()
}

/// A table of numbers: `header` names the columns (the first is the rows' label), each
/// row a label and its numbers (sortable as numbers). For monthly or weekly figures.
/// Made to fit like `bar_chart`: at most `TABLE_COLUMNS_MAX` columns and
/// `TABLE_ROWS_MAX` rows (the first ones), every row as long as the header (missing
/// numbers are 0), an empty text shown as `-`, and rows left out from the end while the
/// cells would pass `TABLE_CHARS_MAX` characters. All rows show on one page.
pub fn data_table(caption: &str, header: &[String], rows: &[(String, Vec<u64>)]) -> SlackBlock {
    let columns = header.len().clamp(1, TABLE_COLUMNS_MAX);
    let text = |t: &str| -> String {
        if t.is_empty() {
            "-".to_owned()
        } else {
            t.to_owned()
        }
    };
    let head: Vec<String> = (0..columns)
        .map(|i| text(header.get(i).map_or("", String::as_str)))
        .collect();
    let mut used: usize = head.iter().map(|h| h.chars().count()).sum();
    let mut table: Vec<Vec<SlackDataTableCell>> =
        vec![head.into_iter().map(SlackDataTableCell::from).collect()];
    for (label, numbers) in rows.iter().take(TABLE_ROWS_MAX) {
        let label = text(label);
        let shown: Vec<u64> = (1..columns)
            .map(|i| numbers.get(i - 1).copied().unwrap_or(0))
            .collect();
        let chars = label.chars().count()
            + shown
                .iter()
                .map(|n| n.to_string().chars().count())
                .sum::<usize>();
        if used + chars > TABLE_CHARS_MAX {
            break;
        }
        used += chars;
        let mut row = vec![SlackDataTableCell::from(label)];
        row.extend(shown.into_iter().map(|n| {
            SlackDataTableCell::RawNumber(SlackDataTableRawNumberCell::new(n.into(), n.to_string()))
        }));
        table.push(row);
    }
    // Slack wants a row under the header.
    if table.len() == 1 {
        table.push(
            (0..columns)
                .map(|_| SlackDataTableCell::from("-"))
                .collect(),
        );
    }
    let page = (table.len() - 1).clamp(1, TABLE_PAGE_MAX) as u32;
    SlackDataTableBlock::new(fit(caption, 3000), table)
        .with_page_size(page)
        .into()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::{Value, json};

    fn json(block: &SlackBlock) -> Value {
        serde_json::to_value(block).expect("blocks serialize")
    }

    fn weeks(n: usize) -> Vec<String> {
        (0..n).map(|i| format!("11/{}", i + 1)).collect()
    }

    #[test]
    fn a_bar_chart_is_the_block_slack_documents() {
        let series = [
            Series {
                name: "Verbal abuse".into(),
                values: vec![1, 2],
            },
            Series {
                name: "Threats".into(),
                values: vec![0, 3],
            },
        ];
        let block = bar_chart(
            "Cases per week",
            &weeks(2),
            &series,
            Some("Week"),
            Some("Cases"),
        );
        assert_eq!(
            json(&block),
            json!({
                "type": "data_visualization",
                "title": "Cases per week",
                "chart": {
                    "type": "bar",
                    "series": [
                        {"name": "Verbal abuse", "data": [
                            {"label": "11/1", "value": 1}, {"label": "11/2", "value": 2}]},
                        {"name": "Threats", "data": [
                            {"label": "11/1", "value": 0}, {"label": "11/2", "value": 3}]},
                    ],
                    "axis_config": {
                        "categories": ["11/1", "11/2"], "x_label": "Week", "y_label": "Cases",
                    },
                },
            })
        );
    }

    #[test]
    fn a_bar_chart_keeps_within_every_limit() {
        let series: Vec<Series> = (0..9)
            .map(|i| Series {
                name: format!("A very long category name {i}"),
                values: vec![i; 30],
            })
            .collect();
        let block = json(&bar_chart(
            &"T".repeat(80),
            &weeks(30)
                .iter()
                .map(|w| format!("{w} {}", "x".repeat(30)))
                .collect::<Vec<_>>(),
            &series,
            Some(&"x".repeat(60)),
            None,
        ));
        let count = |v: &Value| v.as_str().unwrap().chars().count();
        assert_eq!(count(&block["title"]), TITLE_MAX);
        let chart = &block["chart"];
        let series = chart["series"].as_array().unwrap();
        assert_eq!(series.len(), SERIES_MAX);
        let categories = chart["axis_config"]["categories"].as_array().unwrap();
        assert_eq!(categories.len(), CATEGORIES_MAX);
        assert!(categories.iter().all(|c| count(c) <= LABEL_MAX));
        assert_eq!(count(&chart["axis_config"]["x_label"]), AXIS_TITLE_MAX);
        let mut names = Vec::new();
        for s in series {
            assert!(count(&s["name"]) <= LABEL_MAX);
            names.push(s["name"].as_str().unwrap().to_owned());
            let labels: Vec<&Value> = s["data"]
                .as_array()
                .unwrap()
                .iter()
                .map(|p| &p["label"])
                .collect();
            assert_eq!(labels, categories.iter().collect::<Vec<_>>());
        }
        names.sort();
        names.dedup();
        assert_eq!(names.len(), SERIES_MAX, "names stay unique after the cut");
    }

    #[test]
    fn a_table_has_its_header_then_one_row_of_numbers_per_label() {
        let header = ["Month".to_owned(), "Cases".to_owned(), String::new()];
        let rows = [
            ("Nov 2026".to_owned(), vec![3, 1]),
            ("Dec 2026".to_owned(), vec![2]),
        ];
        let block = json(&data_table("Cases per month", &header, &rows));
        assert_eq!(
            block,
            json!({
                "type": "data_table",
                "caption": "Cases per month",
                "page_size": 2,
                "rows": [
                    [{"type": "raw_text", "text": "Month"}, {"type": "raw_text", "text": "Cases"},
                     {"type": "raw_text", "text": "-"}],
                    [{"type": "raw_text", "text": "Nov 2026"},
                     {"type": "raw_number", "value": 3, "text": "3"},
                     {"type": "raw_number", "value": 1, "text": "1"}],
                    [{"type": "raw_text", "text": "Dec 2026"},
                     {"type": "raw_number", "value": 2, "text": "2"},
                     {"type": "raw_number", "value": 0, "text": "0"}],
                ],
            })
        );
    }

    #[test]
    fn a_table_keeps_within_every_limit() {
        let header: Vec<String> = (0..30).map(|i| format!("c{i}")).collect();
        let rows: Vec<(String, Vec<u64>)> = (0..300)
            .map(|i| ("x".repeat(200) + &i.to_string(), vec![u64::MAX; 40]))
            .collect();
        let block = json(&data_table("numbers", &header, &rows));
        let table = block["rows"].as_array().unwrap();
        assert!(table.len() >= 2 && table.len() <= TABLE_ROWS_MAX + 1);
        assert!(
            table
                .iter()
                .all(|r| r.as_array().unwrap().len() == TABLE_COLUMNS_MAX)
        );
        let chars: usize = table
            .iter()
            .flat_map(|r| r.as_array().unwrap())
            .map(|c| c["text"].as_str().unwrap().chars().count())
            .sum();
        assert!(chars <= TABLE_CHARS_MAX, "{chars}");
        let empty = json(&data_table("none", &[], &[]));
        assert_eq!(
            empty["rows"].as_array().unwrap().len(),
            2,
            "a header and a row"
        );
    }
}
