//! Purpose: the weekly report's chart (cases per week, stacked by category), drawn
//! in-process into a PNG so the bot needs no fonts, plotting tools or system libraries.
//! The image carries only digits and week labels; the message it is shared with names
//! the categories in the reader's language.

/// One bar: a week, with its count per series (the same series order for every bar).
pub struct Bar {
    /// Short ASCII label under the bar, like `W47`.
    pub label: String,
    pub counts: Vec<u64>,
}

pub const WIDTH: u32 = 960;
pub const HEIGHT: u32 = 480;

const LEFT: i64 = 70;
const RIGHT: i64 = 120;
const TOP: i64 = 40;
const BOTTOM: i64 = 44;
const SCALE: i64 = 2;

const WHITE: [u8; 3] = [255, 255, 255];
const GRID: [u8; 3] = [225, 225, 225];
const AXIS: [u8; 3] = [90, 90, 90];
const INK: [u8; 3] = [40, 40, 40];

/// Twelve colours that stay apart for most readers (Tableau 10 and two more).
const PALETTE: [[u8; 3]; 12] = [
    [78, 121, 167],
    [242, 142, 43],
    [225, 87, 89],
    [118, 183, 178],
    [89, 161, 79],
    [237, 201, 72],
    [176, 122, 161],
    [255, 157, 167],
    [156, 117, 95],
    [186, 176, 172],
    [31, 119, 180],
    [148, 103, 189],
];

/// The colour of series `i` (repeating after twelve).
pub fn colour(i: usize) -> [u8; 3] {
    PALETTE[i % PALETTE.len()]
}

/// A 5x7 glyph: one byte per row, the low five bits from left to right.
fn glyph(c: char) -> Option<[u8; 7]> {
    Some(match c {
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
        'W' => [0x11, 0x11, 0x11, 0x15, 0x15, 0x15, 0x0a],
        '-' => [0x00, 0x00, 0x00, 0x1f, 0x00, 0x00, 0x00],
        '/' => [0x01, 0x01, 0x02, 0x04, 0x08, 0x10, 0x10],
        ':' => [0x00, 0x0c, 0x0c, 0x00, 0x0c, 0x0c, 0x00],
        '.' => [0x00, 0x00, 0x00, 0x00, 0x00, 0x0c, 0x0c],
        _ => return None,
    })
}

/// Width in pixels of `text` drawn at `SCALE` (glyph plus one column of space).
fn text_width(text: &str) -> i64 {
    text.chars().count() as i64 * 6 * SCALE - SCALE
}

struct Canvas {
    pixels: Vec<u8>,
}

impl Canvas {
    fn new() -> Canvas {
        Canvas {
            pixels: WHITE.repeat((WIDTH * HEIGHT) as usize),
        }
    }

    /// Fills the rectangle from (x, y) of size w x h, clipped to the image.
    fn fill(&mut self, x: i64, y: i64, w: i64, h: i64, colour: [u8; 3]) {
        let (x0, y0) = (x.max(0), y.max(0));
        let (x1, y1) = ((x + w).min(WIDTH as i64), (y + h).min(HEIGHT as i64));
        for row in y0..y1 {
            for col in x0..x1 {
                let at = ((row * WIDTH as i64 + col) * 3) as usize;
                self.pixels[at..at + 3].copy_from_slice(&colour);
            }
        }
    }

    /// Draws `text` with its top-left corner at (x, y); unknown characters are blank.
    fn text(&mut self, x: i64, y: i64, text: &str, colour: [u8; 3]) {
        for (i, c) in text.chars().enumerate() {
            let Some(rows) = glyph(c) else {
                continue;
            };
            let left = x + i as i64 * 6 * SCALE;
            for (r, bits) in rows.iter().enumerate() {
                for col in 0..5 {
                    if bits & (0x10 >> col) != 0 {
                        self.fill(
                            left + col * SCALE,
                            y + r as i64 * SCALE,
                            SCALE,
                            SCALE,
                            colour,
                        );
                    }
                }
            }
        }
    }

    fn png(self) -> Vec<u8> {
        let mut out = Vec::new();
        let mut encoder = png::Encoder::new(&mut out, WIDTH, HEIGHT);
        encoder.set_color(png::ColorType::Rgb);
        encoder.set_depth(png::BitDepth::Eight);
        // Encoding into memory fails only on a size mismatch, which the canvas rules out.
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

/// A round step for the y axis that gives at most five gridlines above zero.
fn tick_step(max: u64) -> u64 {
    let mut magnitude = 1u64;
    loop {
        for step in [1, 2, 5].map(|m: u64| m.saturating_mul(magnitude)) {
            if max.div_ceil(step) <= 5 {
                return step;
            }
        }
        magnitude = magnitude.saturating_mul(10);
    }
}

/// Renders stacked bars (one per week, oldest left), series stacked bottom-up in order.
/// Returns a PNG (8-bit RGB).
pub fn render(bars: &[Bar], series: usize) -> Vec<u8> {
    let mut canvas = Canvas::new();
    let plot_w = WIDTH as i64 - LEFT - RIGHT;
    let plot_h = HEIGHT as i64 - TOP - BOTTOM;
    let base = TOP + plot_h;
    let totals: Vec<u64> = bars
        .iter()
        .map(|b| {
            b.counts
                .iter()
                .take(series)
                .fold(0u64, |a, n| a.saturating_add(*n))
        })
        .collect();
    let step = tick_step(totals.iter().copied().max().unwrap_or(0).max(1));
    let top = totals
        .iter()
        .copied()
        .max()
        .unwrap_or(0)
        .max(1)
        .div_ceil(step)
        .saturating_mul(step);
    let height_of = |n: u64| ((n as f64 / top as f64) * plot_h as f64).round() as i64;

    let mut tick = 0u64;
    while tick <= top {
        let y = base - height_of(tick);
        canvas.fill(LEFT, y, plot_w, 1, GRID);
        let label = tick.to_string();
        canvas.text(LEFT - 10 - text_width(&label), y - 7, &label, INK);
        match tick.checked_add(step) {
            Some(next) => tick = next,
            None => break,
        }
    }

    if !bars.is_empty() {
        let slot = plot_w / bars.len() as i64;
        let bar_w = (slot * 3 / 5).max(1);
        for (i, (bar, total)) in bars.iter().zip(&totals).enumerate() {
            let x = LEFT + i as i64 * slot + (slot - bar_w) / 2;
            let mut stacked = 0u64;
            for (s, n) in bar.counts.iter().take(series).enumerate() {
                let below = height_of(stacked);
                stacked = stacked.saturating_add(*n);
                let h = height_of(stacked) - below;
                canvas.fill(x, base - below - h, bar_w, h, colour(s));
            }
            let centre = x + bar_w / 2;
            let label: String = bar.label.chars().take(8).collect();
            canvas.text(centre - text_width(&label) / 2, base + 12, &label, INK);
            if *total > 0 {
                let count = total.to_string();
                let y = base - height_of(*total) - 20;
                canvas.text(centre - text_width(&count) / 2, y, &count, INK);
            }
        }
    }
    canvas.fill(LEFT, TOP, 1, plot_h + 1, AXIS);
    canvas.fill(LEFT, base, plot_w, 1, AXIS);

    let legend_x = WIDTH as i64 - RIGHT + 24;
    for s in 0..series.min(12) {
        let y = TOP + s as i64 * 30;
        canvas.fill(legend_x, y, 20, 20, colour(s));
        canvas.text(legend_x + 30, y + 3, &(s + 1).to_string(), INK);
    }
    canvas.png()
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Image {
        width: u32,
        height: u32,
        rgb: Vec<u8>,
    }

    impl Image {
        fn at(&self, x: i64, y: i64) -> [u8; 3] {
            let i = ((y * self.width as i64 + x) * 3) as usize;
            [self.rgb[i], self.rgb[i + 1], self.rgb[i + 2]]
        }

        /// The topmost row in column `x` with `colour`, if any.
        fn top_of(&self, x: i64, colour: [u8; 3]) -> Option<i64> {
            (0..self.height as i64).find(|y| self.at(x, *y) == colour)
        }

        fn has(&self, colour: [u8; 3]) -> bool {
            self.rgb.chunks(3).any(|p| p == colour)
        }
    }

    fn decode(bytes: &[u8]) -> Image {
        let decoder = png::Decoder::new(std::io::Cursor::new(bytes));
        let mut reader = decoder.read_info().expect("a valid PNG");
        let mut rgb = vec![0; reader.output_buffer_size().expect("a sane size")];
        let info = reader.next_frame(&mut rgb).expect("one frame");
        assert_eq!(info.color_type, png::ColorType::Rgb);
        assert_eq!(info.bit_depth, png::BitDepth::Eight);
        Image {
            width: info.width,
            height: info.height,
            rgb,
        }
    }

    fn bar(label: &str, counts: &[u64]) -> Bar {
        Bar {
            label: label.into(),
            counts: counts.to_vec(),
        }
    }

    /// The x of the middle of bar `i` of `n`.
    fn bar_centre(i: usize, n: usize) -> i64 {
        let slot = (WIDTH as i64 - LEFT - RIGHT) / n as i64;
        LEFT + i as i64 * slot + slot / 2
    }

    #[test]
    fn bars_stack_their_series_in_order_from_the_axis_up() {
        let image = decode(&render(&[bar("W46", &[3, 2]), bar("W47", &[1, 0])], 2));
        assert_eq!((image.width, image.height), (WIDTH, HEIGHT));
        let base = HEIGHT as i64 - BOTTOM;
        let x = bar_centre(0, 2);
        assert_eq!(
            image.at(x, base - 2),
            colour(0),
            "the first series sits on the axis"
        );
        let first_top = image.top_of(x, colour(0)).unwrap();
        let second_top = image.top_of(x, colour(1)).unwrap();
        assert!(second_top < first_top, "the second series is stacked above");
        // The taller bar (5) reaches higher than the shorter one (1).
        let other = image.top_of(bar_centre(1, 2), colour(0)).unwrap();
        assert!(second_top < other);
        assert!(!image.has(colour(2)), "only the series asked for are drawn");
    }

    #[test]
    fn the_legend_shows_every_series_colour() {
        let image = decode(&render(&[bar("W1", &[0; 10])], 10));
        for s in 0..10 {
            assert!(image.has(colour(s)), "series {s} missing from the legend");
        }
    }

    #[test]
    fn odd_input_still_gives_a_valid_image() {
        for bars in [
            vec![],
            vec![bar("W1", &[0, 0]), bar("W2", &[0, 0])],
            vec![bar("週47", &[1, 2, 3, 4]), bar("", &[5])],
            vec![bar("W9", &[u64::MAX, u64::MAX])],
            (0..60).map(|i| bar(&format!("W{i}"), &[i])).collect(),
        ] {
            let image = decode(&render(&bars, 2));
            assert_eq!((image.width, image.height), (WIDTH, HEIGHT));
        }
    }

    #[test]
    fn ticks_are_round_and_few() {
        assert_eq!(tick_step(1), 1);
        assert_eq!(tick_step(5), 1);
        assert_eq!(tick_step(7), 2);
        assert_eq!(tick_step(23), 5);
        assert_eq!(tick_step(340), 100);
        assert!(u64::MAX.div_ceil(tick_step(u64::MAX)) <= 5);
    }
}
