//! Axis labels a reader can tell apart: as many ticks as the space holds, each written with
//! just enough digits to differ from its neighbours, category labels that skip or shorten
//! instead of overlapping.
//!
//! Chart text is measured before it is drawn, so the widths here are an estimate made on the
//! generous side: the browser picks the face behind `sans-serif`, and a label that fits with
//! the widest common face fits with all of them.

use super::{ChartError, FONT_FAMILY};
use crate::format::{distinct, money_axis};
use crate::i18n::Lang;
use plotters::coord::ranged1d::{BoldPoints, Ranged};
use plotters::coord::types::RangedCoordf64;
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

/// The width in pixels of `text` drawn at `px` pixels: wide (CJK, full-width) characters take
/// a whole em, narrow punctuation a third, everything else 0.62 em (DejaVu Sans' digits are
/// 0.636 em, Liberation Sans' 0.556 em).
pub fn text_width(text: &str, px: f64) -> f64 {
    text.chars().map(em).sum::<f64>() * px
}

/// One character's width in em, by the estimate above.
fn em(c: char) -> f64 {
    if is_wide(c) {
        1.0
    } else if " .,:;'|!il1()[]-".contains(c) {
        0.34
    } else if c.is_ascii_uppercase() || "mw%@¥€£—–".contains(c) {
        0.78
    } else {
        0.62
    }
}

/// Whether a character takes a full em: CJK ideographs and punctuation, kana, Hangul,
/// full-width forms.
pub fn is_wide(c: char) -> bool {
    matches!(c,
        '\u{1100}'..='\u{115f}'
        | '\u{2e80}'..='\u{a4cf}'
        | '\u{ac00}'..='\u{d7a3}'
        | '\u{f900}'..='\u{faff}'
        | '\u{fe30}'..='\u{fe4f}'
        | '\u{ff00}'..='\u{ff60}'
        | '\u{ffe0}'..='\u{ffe6}')
}

/// `text` shortened with an ellipsis to fit `width` pixels at `px` (whole when it fits).
pub fn fit(text: &str, px: f64, width: f64) -> String {
    if text_width(text, px) <= width {
        return text.to_owned();
    }
    let room = width - text_width("…", px);
    let mut used = 0.0;
    let mut kept: String = text
        .chars()
        .take_while(|&c| {
            used += em(c) * px;
            used <= room
        })
        .collect();
    kept.push('…');
    kept
}

/// Every how-many-th of `labels` can be written under slots `slot` pixels wide without two
/// touching (a gap of half an em between them): 1 when all fit.
pub fn label_step(labels: &[String], px: f64, slot: f64) -> usize {
    let widest = labels.iter().map(|l| text_width(l, px)).fold(0.0, f64::max);
    if slot <= 0.0 {
        return labels.len().max(1);
    }
    (((widest + px * 0.5) / slot).ceil() as usize).max(1)
}

/// How many value labels an axis `length` pixels long holds, at most `most`: one per three
/// text heights, at least two.
pub fn tick_count(length: u32, px: f64, most: usize) -> usize {
    ((f64::from(length) / (px * 3.0)) as usize).clamp(2, most.max(2))
}

/// The tick values plotters draws on a number axis over `range` with `count` labels, and the
/// text of each, written with the fewest decimals that keep them distinct.
#[derive(Clone, Debug, PartialEq)]
pub struct Ticks {
    /// Where the ticks fall.
    pub values: Vec<f64>,
    /// What each says.
    pub labels: Vec<String>,
}

impl Ticks {
    /// Plain numbers: `0`, `0.5`, `1.0` … never `-0.0`.
    pub fn numbers(range: std::ops::Range<f64>, count: usize) -> Ticks {
        let values = key_points(range, count);
        let labels = distinct(&values, |v, decimals| {
            let text = format!("{v:.decimals$}");
            match text.strip_prefix('-') {
                Some(rest) if rest.chars().all(|c| c == '0' || c == '.') => rest.to_owned(),
                _ => text,
            }
        });
        Ticks { values, labels }
    }

    /// Money in fen, in one unit for the whole axis (万/亿 or K/M/B).
    pub fn money(range: std::ops::Range<f64>, count: usize, lang: Lang) -> Ticks {
        let values = key_points(range, count);
        let labels = money_axis(&values, lang);
        Ticks { values, labels }
    }

    /// Counts: whole numbers with thousands separators, only at whole values.
    pub fn counts(range: std::ops::Range<f64>, count: usize) -> Ticks {
        let values: Vec<f64> = key_points(range, count)
            .into_iter()
            .filter(|v| v.fract().abs() < 1e-9 && *v >= 0.0)
            .collect();
        let labels = values
            .iter()
            .map(|v| crate::format::count(v.round() as usize))
            .collect();
        Ticks { values, labels }
    }

    /// The label for a value plotters asks about: the nearest tick's (empty off the ticks).
    pub fn label(&self, value: f64) -> String {
        let span = match (self.values.first(), self.values.last()) {
            (Some(first), Some(last)) if self.values.len() > 1 => {
                (last - first).abs() / (self.values.len() - 1) as f64
            }
            _ => f64::MAX,
        };
        self.values
            .iter()
            .zip(&self.labels)
            .find(|(tick, _)| (*tick - value).abs() <= span * 1e-6)
            .map(|(_, label)| label.clone())
            .unwrap_or_default()
    }

    /// The widest label's width in pixels at `px`.
    pub fn widest(&self, px: f64) -> f64 {
        self.labels
            .iter()
            .map(|l| text_width(l, px))
            .fold(0.0, f64::max)
    }
}

/// plotters' own bold key points for a float axis, so the labels are computed for exactly the
/// ticks it draws.
fn key_points(range: std::ops::Range<f64>, count: usize) -> Vec<f64> {
    RangedCoordf64::from(range).key_points(BoldPoints(count))
}

/// A range around `low..high` that shows the values with some air: a tenth of the spread each
/// way, and for a flat or nearly flat series a twentieth of the value, so a constant balance
/// is a line across the middle, not a stack of equal ticks.
pub fn padded(low: f64, high: f64, floor_at_zero: bool) -> (f64, f64) {
    let (low, high) = if low > high { (0.0, 1.0) } else { (low, high) };
    let spread = high - low;
    let size = high.abs().max(low.abs());
    // Nearly flat: less than a thousandth of the values apart.
    let pad = if spread <= size * 1e-3 {
        size * 0.05
    } else {
        spread * 0.1
    }
    .max(1.0);
    let bottom = if floor_at_zero && low >= 0.0 {
        (low - pad).max(0.0)
    } else {
        low - pad
    };
    (bottom, high + pad)
}

/// Writes `caption` centred at the top of `area` and returns the space under it: a line and a
/// half of the caption's size, measured as the canvas draws it (plotters' own caption reserves
/// what its built-in font estimate says, which the browser's text outgrows).
pub fn under_caption<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    caption: &str,
    px: f64,
) -> Result<DrawingArea<DB, Shift>, ChartError>
where
    DB::ErrorType: 'static,
{
    let (width, _) = area.dim_in_pixel();
    let band = (px * 1.6).round() as u32;
    let (top, rest) = area.split_vertically(band);
    let text = fit(caption, px, f64::from(width));
    let style =
        TextStyle::from((FONT_FAMILY, px).into_font()).pos(Pos::new(HPos::Center, VPos::Top));
    top.draw_text(&text, &style, ((width / 2) as i32, (px * 0.3) as i32))?;
    Ok(rest)
}
