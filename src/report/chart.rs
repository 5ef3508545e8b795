//! Purpose: the weekly report's chart as a PNG (cases per week, stacked by category), for
//! where Slack's native chart cannot be used: a workspace that refuses the block, or a
//! file to keep. Drawn in-process so the bot needs no fonts, plotting tools or system
//! libraries: digits and week labels in a tiny pixel font, the legend's category names
//! (in the reader's language, Japanese included) in the bitmap font of `font`.

use super::font;

/// One bar: a week, with its count per series (the same series order for every bar).
pub struct Bar {
    /// Short ASCII label under the bar, like `11/30` (its week's Monday).
    pub label: String,
    pub counts: Vec<u64>,
}

pub const WIDTH: u32 = 1120;
pub const HEIGHT: u32 = 480;

/// Margins around the plot: tick numbers on the left, the legend on the right (room for
/// a colour square and a name of 20 characters), totals above the tallest bar, week
/// labels below.
const LEFT: i64 = 80;
const RIGHT: i64 = 270;
const TOP: i64 = 40;
const BOTTOM: i64 = 44;
const PLOT_W: i64 = WIDTH as i64 - LEFT - RIGHT;
const PLOT_H: i64 = HEIGHT as i64 - TOP - BOTTOM;
/// The row of the x axis: bars stand on it, labels hang below it.
const BASE: i64 = TOP + PLOT_H;

/// Glyphs are 5x7 pixels, drawn at twice that size, one column apart.
const SCALE: i64 = 2;
const GLYPH_H: i64 = 7 * SCALE;
const ADVANCE: i64 = 6 * SCALE;

/// The y axis shows between four and six ticks, zero included.
const MIN_STEPS: u64 = 3;
const MAX_STEPS: u64 = 5;

const LEGEND_X: i64 = WIDTH as i64 - RIGHT + 24;
/// Vertical room for the legend, and the spacing of its rows (tighter with many series).
const LEGEND_ROOM: usize = (HEIGHT as i64 - TOP - 10) as usize;
const LEGEND_PITCH: (usize, usize) = (16, 30);

const WHITE: [u8; 3] = [255, 255, 255];
const GRID: [u8; 3] = [225, 225, 225];
const AXIS: [u8; 3] = [90, 90, 90];
const INK: [u8; 3] = [40, 40, 40];

/// Twelve colours that stay apart (Tableau 10 without its grey, then gold, maroon and
/// navy), none of them the background, grid, axis or text colour.
const PALETTE: [[u8; 3]; 12] = [
    [31, 119, 180],
    [255, 127, 14],
    [44, 160, 44],
    [214, 39, 40],
    [148, 103, 189],
    [140, 86, 75],
    [227, 119, 194],
    [188, 189, 34],
    [23, 190, 207],
    [255, 215, 0],
    [128, 0, 0],
    [0, 0, 128],
];

/// The colour of series `series_index` (the palette repeats after twelve).
pub fn colour(series_index: usize) -> [u8; 3] {
    PALETTE[series_index % PALETTE.len()]
}

/// A 5x7 glyph: one byte per row, top first, the low five bits from left to right.
/// Lowercase letters are drawn as capitals; anything else unknown is `None`.
fn glyph(c: char) -> Option<[u8; 7]> {
    Some(match c.to_ascii_uppercase() {
        '0' => [0x0e, 0x11, 0x13, 0x15, 0x19, 0x11, 0x0e],
        '1' => [0x04, 0x0c, 0x04, 0x04, 0x04, 0x04, 0x0e],
        '2' => [0x0e, 0x11, 0x01, 0x02, 0x04, 0x08, 0x1f],
        '3' => [0x1f, 0x02, 0x04, 0x02, 0x01, 0x11, 0x0e],
        '4' => [0x02, 0x06, 0x0a, 0x12, 0x1f, 0x02, 0x02],
        '5' => [0x1f, 0x10, 0x1e, 0x01, 0x01, 0x11, 0x0e],
        '6' => [0x06, 0x08, 0x10, 0x1e, 0x11, 0x11, 0x0e],
        '7' => [0x1f, 0x01, 0x02, 0x04, 0x08, 0x08, 0x08],
        '8' => [0x0e, 0x11, 0x11, 0x0e, 0x11, 0x11, 0x0e],
        '9' => [0x0e, 0x11, 0x11, 0x0f, 0x01, 0x02, 0x0c],
        'A' => [0x0e, 0x11, 0x11, 0x11, 0x1f, 0x11, 0x11],
        'B' => [0x1e, 0x11, 0x11, 0x1e, 0x11, 0x11, 0x1e],
        'C' => [0x0e, 0x11, 0x10, 0x10, 0x10, 0x11, 0x0e],
        'D' => [0x1c, 0x12, 0x11, 0x11, 0x11, 0x12, 0x1c],
        'E' => [0x1f, 0x10, 0x10, 0x1e, 0x10, 0x10, 0x1f],
        'F' => [0x1f, 0x10, 0x10, 0x1e, 0x10, 0x10, 0x10],
        'G' => [0x0e, 0x11, 0x10, 0x17, 0x11, 0x11, 0x0f],
        'H' => [0x11, 0x11, 0x11, 0x1f, 0x11, 0x11, 0x11],
        'I' => [0x0e, 0x04, 0x04, 0x04, 0x04, 0x04, 0x0e],
        'J' => [0x07, 0x02, 0x02, 0x02, 0x02, 0x12, 0x0c],
        'K' => [0x11, 0x12, 0x14, 0x18, 0x14, 0x12, 0x11],
        'L' => [0x10, 0x10, 0x10, 0x10, 0x10, 0x10, 0x1f],
        'M' => [0x11, 0x1b, 0x15, 0x15, 0x11, 0x11, 0x11],
        'N' => [0x11, 0x11, 0x19, 0x15, 0x13, 0x11, 0x11],
        'O' => [0x0e, 0x11, 0x11, 0x11, 0x11, 0x11, 0x0e],
        'P' => [0x1e, 0x11, 0x11, 0x1e, 0x10, 0x10, 0x10],
        'Q' => [0x0e, 0x11, 0x11, 0x11, 0x15, 0x12, 0x0d],
        'R' => [0x1e, 0x11, 0x11, 0x1e, 0x14, 0x12, 0x11],
        'S' => [0x0f, 0x10, 0x10, 0x0e, 0x01, 0x01, 0x1e],
        'T' => [0x1f, 0x04, 0x04, 0x04, 0x04, 0x04, 0x04],
        'U' => [0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x0e],
        'V' => [0x11, 0x11, 0x11, 0x11, 0x11, 0x0a, 0x04],
        'W' => [0x11, 0x11, 0x11, 0x15, 0x15, 0x15, 0x0a],
        'X' => [0x11, 0x11, 0x0a, 0x04, 0x0a, 0x11, 0x11],
        'Y' => [0x11, 0x11, 0x11, 0x0a, 0x04, 0x04, 0x04],
        'Z' => [0x1f, 0x01, 0x02, 0x04, 0x08, 0x10, 0x1f],
        '-' => [0x00, 0x00, 0x00, 0x1f, 0x00, 0x00, 0x00],
        '/' => [0x01, 0x01, 0x02, 0x04, 0x08, 0x10, 0x10],
        ':' => [0x00, 0x0c, 0x0c, 0x00, 0x0c, 0x0c, 0x00],
        '.' => [0x00, 0x00, 0x00, 0x00, 0x00, 0x0c, 0x0c],
        ' ' => [0x00; 7],
        _ => return None,
    })
}

/// Width in pixels of `text` as `Canvas::text` draws it.
fn text_width(text: &str) -> i64 {
    let chars = i64::try_from(text.chars().count()).unwrap_or(i64::MAX);
    chars.saturating_mul(ADVANCE).saturating_sub(SCALE).max(0)
}

/// An RGB image of `WIDTH` x `HEIGHT`, white to start with; drawing clips to its edges.
struct Canvas {
    pixels: Vec<u8>,
}

impl Canvas {
    fn new() -> Canvas {
        Canvas {
            pixels: WHITE.repeat(WIDTH as usize * HEIGHT as usize),
        }
    }

    /// Fills the `w` x `h` rectangle whose top-left corner is (x, y).
    fn fill_rect(&mut self, x: i64, y: i64, w: i64, h: i64, colour: [u8; 3]) {
        let (x0, y0) = (x.max(0), y.max(0));
        let x1 = x.saturating_add(w).min(WIDTH as i64);
        let y1 = y.saturating_add(h).min(HEIGHT as i64);
        for row in y0..y1 {
            for col in x0..x1 {
                let at = ((row * WIDTH as i64 + col) * 3) as usize;
                self.pixels[at..at + 3].copy_from_slice(&colour);
            }
        }
    }

    /// Draws `text` with its top-left corner at (x, y); unknown characters stay blank.
    fn text(&mut self, x: i64, y: i64, text: &str, colour: [u8; 3]) {
        let mut left = x;
        for c in text.chars() {
            if left >= WIDTH as i64 {
                break;
            }
            for (r, bits) in (0i64..).zip(glyph(c).unwrap_or_default()) {
                for col in 0..5 {
                    if bits & (0x10 >> col) != 0 {
                        let top = y + r * SCALE;
                        self.fill_rect(left + col * SCALE, top, SCALE, SCALE, colour);
                    }
                }
            }
            left = left.saturating_add(ADVANCE);
        }
    }

    /// `text` in the legend's font with its top-left corner at (x, y). A character the
    /// font lacks is drawn as an empty box, so a gap never passes for a name.
    fn name(&mut self, x: i64, y: i64, text: &str) {
        let mut left = x;
        for c in text.chars() {
            if left >= WIDTH as i64 {
                break;
            }
            match font::glyph(c) {
                Some(glyph) => {
                    for row in 0..font::HEIGHT {
                        for col in 0..glyph.width() {
                            if glyph.ink(col, row) {
                                self.fill_rect(left + col, y + row, 1, 1, INK);
                            }
                        }
                    }
                    left = left.saturating_add(glyph.width());
                }
                None => {
                    self.fill_rect(left + 1, y + 1, 13, 1, INK);
                    self.fill_rect(left + 1, y + 14, 13, 1, INK);
                    self.fill_rect(left + 1, y + 1, 1, 14, INK);
                    self.fill_rect(left + 14, y + 1, 1, 14, INK);
                    left = left.saturating_add(16);
                }
            }
        }
    }

    /// `text` centred on column `centre`, if it fits in `room` pixels.
    fn text_centred(&mut self, centre: i64, y: i64, room: i64, text: &str) {
        let width = text_width(text);
        if width <= room {
            self.text(centre - width / 2, y, text, INK);
        }
    }

    fn into_png(self) -> Vec<u8> {
        let mut out = Vec::new();
        let mut encoder = png::Encoder::new(&mut out, WIDTH, HEIGHT);
        encoder.set_color(png::ColorType::Rgb);
        encoder.set_depth(png::BitDepth::Eight);
        // Writing into a Vec cannot fail; the encoder fails only on a size mismatch,
        // which the canvas rules out.
        let mut writer = encoder
            .write_header()
            .expect("a PNG header for a fixed-size RGB image");
        writer
            .write_image_data(&self.pixels)
            .expect("the canvas holds exactly WIDTH x HEIGHT RGB pixels");
        drop(writer);
        out
    }
}

/// The smallest round step (1, 2 or 5 times a power of ten) that reaches `max` in at
/// most `MAX_STEPS` steps.
fn tick_step(max: u64) -> u64 {
    let mut magnitude = 1u64;
    loop {
        for m in [1, 2, 5] {
            let step = magnitude.saturating_mul(m);
            if max.div_ceil(step) <= MAX_STEPS {
                return step;
            }
        }
        magnitude = magnitude.saturating_mul(10);
    }
}

/// The y axis: round ticks from zero to `top`, which the tallest bar does not exceed.
struct Axis {
    step: u64,
    top: u64,
}

impl Axis {
    fn for_max(max: u64) -> Axis {
        let step = tick_step(max);
        let steps = max.div_ceil(step).max(MIN_STEPS);
        Axis {
            step,
            top: steps.saturating_mul(step),
        }
    }

    fn ticks(&self) -> impl Iterator<Item = u64> {
        let step = self.step;
        (0..=self.top / step).map(move |k| k * step)
    }

    /// Height in pixels of a count, from the x axis up.
    fn height(&self, count: u64) -> i64 {
        (count as f64 / self.top as f64 * PLOT_H as f64).round() as i64
    }
}

/// The slot width for `n` bars, and the left edge and width of bar `i` in it: evenly
/// spaced, the group centred in the plot, a gap of two fifths of a slot between bars.
fn bar_span(i: usize, n: usize) -> (i64, i64, i64) {
    let n = n.max(1) as i64;
    let slot = PLOT_W / n;
    let width = (slot * 3 / 5).max(1);
    let left = LEFT + (PLOT_W - slot * n) / 2 + i as i64 * slot + (slot - width) / 2;
    (slot, left, width)
}

fn draw_grid(canvas: &mut Canvas, axis: &Axis) {
    for tick in axis.ticks() {
        let y = BASE - axis.height(tick);
        canvas.fill_rect(LEFT, y, PLOT_W, 1, GRID);
        let label = tick.to_string();
        canvas.text(LEFT - 10 - text_width(&label), y - GLYPH_H / 2, &label, INK);
    }
}

/// Each bar's series stacked bottom-up, its label below and its total above.
fn draw_bars(canvas: &mut Canvas, bars: &[Bar], series: usize, axis: &Axis) {
    for (i, bar) in bars.iter().enumerate() {
        let (slot, left, width) = bar_span(i, bars.len());
        let mut stacked = 0u64;
        for (s, &count) in bar.counts.iter().take(series).enumerate() {
            let below = axis.height(stacked);
            stacked = stacked.saturating_add(count);
            let above = axis.height(stacked);
            canvas.fill_rect(left, BASE - above, width, above - below, colour(s));
        }
        let centre = left + width / 2;
        canvas.text_centred(centre, BASE + 10, slot, &bar.label);
        if stacked > 0 {
            let y = BASE - axis.height(stacked) - 6 - GLYPH_H;
            canvas.text_centred(centre, y, slot, &stacked.to_string());
        }
    }
}

fn draw_axes(canvas: &mut Canvas) {
    canvas.fill_rect(LEFT, TOP, 1, PLOT_H + 1, AXIS);
    canvas.fill_rect(LEFT, BASE, PLOT_W, 1, AXIS);
}

/// A colour square and the series' name for each series, as many rows as fit.
fn draw_legend(canvas: &mut Canvas, names: &[String]) {
    let (min_pitch, max_pitch) = LEGEND_PITCH;
    let pitch = (LEGEND_ROOM / names.len().max(1)).clamp(min_pitch, max_pitch);
    let square = (pitch * 2 / 3) as i64;
    for (s, name) in names.iter().enumerate().take(LEGEND_ROOM / pitch) {
        let y = TOP + (s * pitch) as i64;
        canvas.fill_rect(LEGEND_X, y, square, square, colour(s));
        let top = y + (square - font::HEIGHT) / 2;
        canvas.name(LEGEND_X + square + 8, top, name);
    }
}

/// Renders stacked bars (one per week, oldest left), series stacked bottom-up in order,
/// each series in its own colour (see `colour`) and named in the legend by `names`.
/// Returns a PNG (8-bit RGB). Counts past the series are ignored, missing ones count as
/// nothing; labels or totals too wide for their bar's slot are left out, and so is the
/// part of a name past the image's edge.
pub fn render(bars: &[Bar], names: &[String]) -> Vec<u8> {
    let series = names.len();
    let tallest = bars
        .iter()
        .map(|bar| {
            let counts = bar.counts.iter().take(series);
            counts.fold(0u64, |sum, &n| sum.saturating_add(n))
        })
        .max()
        .unwrap_or(0);
    let axis = Axis::for_max(tallest);
    let mut canvas = Canvas::new();
    draw_grid(&mut canvas, &axis);
    draw_bars(&mut canvas, bars, series, &axis);
    draw_axes(&mut canvas);
    draw_legend(&mut canvas, names);
    canvas.into_png()
}

#[cfg(test)]
mod tests {
    use super::*;

    const SIGNATURE: [u8; 8] = [137, 80, 78, 71, 13, 10, 26, 10];

    struct Image {
        rgb: Vec<u8>,
    }

    impl Image {
        fn at(&self, x: i64, y: i64) -> [u8; 3] {
            let i = ((y * WIDTH as i64 + x) * 3) as usize;
            [self.rgb[i], self.rgb[i + 1], self.rgb[i + 2]]
        }

        /// The topmost row in column `x` drawn in any series colour.
        fn top_of_bar(&self, x: i64) -> Option<i64> {
            (0..HEIGHT as i64).find(|&y| PALETTE.contains(&self.at(x, y)))
        }

        /// Whether `colour` appears anywhere right of `x`.
        fn has_right_of(&self, x: i64, colour: [u8; 3]) -> bool {
            (0..HEIGHT as i64).any(|y| (x..WIDTH as i64).any(|col| self.at(col, y) == colour))
        }
    }

    /// Decodes `bytes`, checking it is a PNG of the chart's size in 8-bit RGB.
    fn decode(bytes: &[u8]) -> Image {
        assert_eq!(bytes[..8], SIGNATURE, "the PNG signature");
        let decoder = png::Decoder::new(std::io::Cursor::new(bytes));
        let mut reader = decoder.read_info().expect("a valid PNG");
        let mut rgb = vec![0; reader.output_buffer_size().expect("a sane size")];
        let info = reader.next_frame(&mut rgb).expect("one frame");
        assert_eq!((info.width, info.height), (WIDTH, HEIGHT));
        assert_eq!(info.color_type, png::ColorType::Rgb);
        assert_eq!(info.bit_depth, png::BitDepth::Eight);
        rgb.truncate(info.buffer_size());
        Image { rgb }
    }

    fn bar(label: &str, counts: &[u64]) -> Bar {
        Bar {
            label: label.into(),
            counts: counts.to_vec(),
        }
    }

    fn names(n: usize) -> Vec<String> {
        (0..n).map(|i| format!("Series {i}")).collect()
    }

    /// Ink pixels in the legend's row `s`, right of its colour square.
    fn legend_ink(image: &Image, s: usize, series: usize) -> usize {
        let (min_pitch, max_pitch) = LEGEND_PITCH;
        let pitch = (LEGEND_ROOM / series).clamp(min_pitch, max_pitch) as i64;
        let top = TOP + s as i64 * pitch;
        (top..top + pitch)
            .flat_map(|y| (LEGEND_X + pitch * 2 / 3 + 1..WIDTH as i64).map(move |x| (x, y)))
            .filter(|&(x, y)| image.at(x, y) == INK)
            .count()
    }

    #[test]
    fn the_legend_names_each_series_in_japanese_and_english() {
        let names = vec![
            "暴言・侮辱".to_owned(),
            "Verbal abuse".to_owned(),
            String::new(),
        ];
        let image = decode(&render(&[bar("11/16", &[1, 2, 0])], &names));
        assert!(legend_ink(&image, 0, 3) > 100, "the Japanese name is drawn");
        assert!(legend_ink(&image, 1, 3) > 100, "the English name is drawn");
        assert_eq!(legend_ink(&image, 2, 3), 0, "an empty name draws nothing");
        let one = decode(&render(&[bar("11/16", &[1])], &["暴".to_owned()]));
        let other = decode(&render(&[bar("11/16", &[1])], &["言".to_owned()]));
        assert_ne!(one.rgb, other.rgb, "different characters, different glyphs");
    }

    #[test]
    fn a_character_the_font_lacks_is_a_box_not_a_gap() {
        let image = decode(&render(&[bar("11/16", &[1])], &["\u{1F600}".to_owned()]));
        assert!(legend_ink(&image, 0, 1) > 40);
    }

    fn centre(i: usize, n: usize) -> i64 {
        let (_, left, width) = bar_span(i, n);
        left + width / 2
    }

    #[test]
    fn the_image_is_an_rgb_png_of_the_chart_size() {
        let image = decode(&render(&[bar("W47", &[1])], &names(1)));
        assert_eq!(image.rgb.len(), WIDTH as usize * HEIGHT as usize * 3);
        assert_eq!(image.at(0, 0), WHITE, "a white background");
    }

    #[test]
    fn the_first_series_sits_on_the_axis_and_the_next_above_it() {
        let image = decode(&render(
            &[bar("W46", &[3, 2]), bar("W47", &[1, 0])],
            &names(2),
        ));
        let x = centre(0, 2);
        assert_eq!(image.at(x, BASE - 2), colour(0));
        let first = (0..BASE).find(|&y| image.at(x, y) == colour(0)).unwrap();
        let second = (0..BASE).find(|&y| image.at(x, y) == colour(1)).unwrap();
        assert!(second < first, "the second series is stacked on the first");
        assert_eq!(image.at(x, first - 1), colour(1), "with no gap between");
    }

    #[test]
    fn a_taller_bar_reaches_higher() {
        let bars = [bar("W1", &[1, 1]), bar("W2", &[4, 4]), bar("W3", &[3, 0])];
        let image = decode(&render(&bars, &names(2)));
        let tops: Vec<i64> = (0..3)
            .map(|i| image.top_of_bar(centre(i, 3)).unwrap())
            .collect();
        assert!(tops[1] < tops[2] && tops[2] < tops[0], "{tops:?}");
        assert_eq!(tops[1], TOP, "the tallest bar reaches the top tick");
    }

    #[test]
    fn the_legend_shows_every_series_colour() {
        let image = decode(&render(&[bar("W1", &[0; 12])], &names(12)));
        for s in 0..12 {
            assert!(
                image.has_right_of(LEGEND_X, colour(s)),
                "series {s} missing from the legend"
            );
        }
    }

    #[test]
    fn counts_past_the_series_are_ignored_and_missing_ones_are_nothing() {
        let bars = [bar("W1", &[1, 2, 3, 4]), bar("W2", &[5])];
        let image = decode(&render(&bars, &names(2)));
        assert!(!image.rgb.chunks(3).any(|p| p == colour(2)));
        assert_eq!(image.at(centre(1, 2), BASE - 2), colour(0));
        let second = image.top_of_bar(centre(1, 2)).unwrap();
        assert_eq!(image.at(centre(1, 2), second), colour(0));
    }

    #[test]
    fn odd_input_still_gives_a_valid_image() {
        let inputs: [(Vec<Bar>, usize); 8] = [
            (vec![], 0),
            (vec![], 5),
            (vec![bar("W1", &[0, 0]), bar("W2", &[0, 0])], 2),
            (vec![bar("週47", &[1, 2]), bar("", &[])], 2),
            (vec![bar("W9", &[u64::MAX, u64::MAX])], 2),
            ((0..2000).map(|i| bar(&format!("W{i}"), &[i])).collect(), 1),
            (vec![bar(&"X".repeat(10_000), &[1])], 200),
            (vec![bar("W1", &[7])], 500),
        ];
        for (bars, series) in inputs {
            decode(&render(&bars, &names(series)));
        }
    }

    #[test]
    fn unknown_characters_are_drawn_blank() {
        let mut canvas = Canvas::new();
        canvas.text(10, 10, "週 é", INK);
        assert!(canvas.pixels.iter().all(|&v| v == 255));
        canvas.text(10, 10, "w", INK);
        assert!(
            canvas.pixels.contains(&INK[0]),
            "lowercase is drawn as capitals"
        );
    }

    #[test]
    fn the_font_covers_digits_capitals_and_punctuation_with_distinct_glyphs() {
        let chars = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ-/:.";
        let glyphs: Vec<[u8; 7]> = chars.chars().map(|c| glyph(c).unwrap()).collect();
        for (c, rows) in chars.chars().zip(&glyphs) {
            assert!(rows.iter().all(|&r| r < 0x20), "{c} uses only five columns");
            assert!(rows.iter().any(|&r| r != 0), "{c} is not blank");
        }
        for (i, a) in glyphs.iter().enumerate() {
            let c = char::from(chars.as_bytes()[i]);
            assert!(!glyphs[i + 1..].contains(a), "{c} looks like another glyph");
        }
        assert_eq!(glyph(' '), Some([0; 7]));
    }

    #[test]
    fn ticks_are_round_few_and_reach_the_tallest_bar() {
        for max in [0, 1, 2, 3, 5, 6, 7, 11, 23, 99, 340, 12_345, u64::MAX] {
            let axis = Axis::for_max(max);
            let ticks: Vec<u64> = axis.ticks().collect();
            assert!((4..=6).contains(&ticks.len()), "{max}: {ticks:?}");
            assert_eq!(ticks[0], 0);
            assert!(axis.top >= max, "{max}: {ticks:?}");
            let mut digits = axis.step;
            while digits.is_multiple_of(10) {
                digits /= 10;
            }
            assert!([1, 2, 5].contains(&digits), "{max}: step {}", axis.step);
        }
        assert_eq!(tick_step(7), 2);
        assert_eq!(tick_step(23), 5);
        assert_eq!(tick_step(340), 100);
    }

    #[test]
    fn the_palette_has_twelve_distinct_colours_apart_from_the_chrome() {
        for (i, a) in PALETTE.iter().enumerate() {
            for b in PALETTE[i + 1..].iter().chain(&[WHITE, GRID, AXIS, INK]) {
                let distance: u32 = (0..3).map(|c| a[c].abs_diff(b[c]) as u32).sum();
                assert!(distance >= 60, "{a:?} and {b:?} are too alike");
            }
        }
        assert_eq!(colour(12), colour(0));
    }
}
