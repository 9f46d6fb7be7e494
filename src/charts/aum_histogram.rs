//! Customers by AUM on a logarithmic axis, with the tier thresholds marked.

use super::{
    label_step, scaled, text_width, tick_count, ChartError, ChartSpec, Hit, Ticks, FONT_FAMILY,
    PALETTE,
};
use crate::format::{count, money_axis, money_compact};
use crate::i18n::Lang;
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

/// What the AUM distribution shows, already in the reader's language.
#[derive(Clone, Debug, PartialEq)]
pub struct AumHistogramSpec {
    /// The chart's title, including its as-of date.
    pub title: String,
    /// Bin edges in fen, ascending (one more than the bins).
    pub edges_fen: Vec<i64>,
    /// Customers per bin.
    pub counts: Vec<usize>,
    /// Tier thresholds to mark: the tier's name and its least AUM in fen.
    pub thresholds: Vec<(String, i64)>,
    /// The axis captions: AUM (x) and customers (y).
    pub x_caption: String,
    /// See `x_caption`.
    pub y_caption: String,
    /// The reader's language, which picks 万/亿 or K/M/B.
    pub lang: Lang,
}

impl ChartSpec for AumHistogramSpec {
    fn title(&self) -> &str {
        &self.title
    }

    fn draw_plot<DB: DrawingBackend>(
        &self,
        area: &DrawingArea<DB, Shift>,
        scale: f64,
    ) -> Result<Vec<Hit>, ChartError>
    where
        DB::ErrorType: 'static,
    {
        let log = |fen: i64| (fen.max(1) as f64).log10();
        let (Some(&first), Some(&last)) = (self.edges_fen.first(), self.edges_fen.last()) else {
            return Ok(Vec::new());
        };
        let (x_low, x_high) = (log(first), log(last).max(log(first) + 1.0));
        let lang = self.lang;
        let px = f64::from(scaled(12, scale));
        let height = area.dim_in_pixel().1;
        let (margin, x_area) = (scaled(10, scale), scaled(40, scale));
        // Threshold labels stack in rows at the top when they would touch: room for all.
        let row = px * 1.4;
        let plot_height = f64::from(height.saturating_sub(margin * 2 + x_area)).max(1.0);
        let top = self.counts.iter().copied().max().unwrap_or(0).max(1) as f64;
        let headroom = (row * self.thresholds.len() as f64 + px) / plot_height;
        let y_max = top / (1.0 - headroom.min(0.6)) + 1.0;
        let y_ticks = Ticks::counts(0.0..y_max, tick_count(plot_height as u32, px, 8));
        let decades = ((x_high - x_low).round() as usize).max(1);
        let decade_labels = money_axis(
            &(0..=decades)
                .map(|d| 10f64.powf(x_low.ceil() + d as f64))
                .collect::<Vec<_>>(),
            lang,
        );
        let widest = decade_labels
            .iter()
            .map(|l| text_width(l, px))
            .fold(0.0, f64::max);
        let mut chart = ChartBuilder::on(area)
            .margin(margin)
            // The top tick's label is centred on the plot's edge: half of it needs room.
            .margin_top(margin + (px / 2.0) as u32)
            // The top tick's label is centred on the plot's edge: half of it needs room.
            .margin_top(margin + (px / 2.0) as u32)
            // The last decade's label is centred on the axis' end: half of it needs room.
            .margin_right((widest / 2.0) as u32 + margin)
            .x_label_area_size(x_area)
            .y_label_area_size((y_ticks.widest(px) + px * 2.5) as u32)
            .build_cartesian_2d(x_low..x_high, 0.0..y_max)?;
        let plot_width = f64::from(chart.plotting_area().dim_in_pixel().0);
        let step = label_step(&decade_labels, px, plot_width / decades as f64);
        chart
            .configure_mesh()
            .disable_x_mesh()
            .light_line_style(TRANSPARENT)
            .x_labels(decades / step + 1)
            .x_label_formatter(&|x| {
                let fen = 10f64.powf(*x);
                money_axis(&[fen], lang).pop().unwrap_or_default()
            })
            .y_labels(y_ticks.values.len())
            .y_label_formatter(&|y| y_ticks.label(*y))
            .x_desc(self.x_caption.as_str())
            .y_desc(self.y_caption.as_str())
            .label_style((FONT_FAMILY, px))
            .axis_desc_style((FONT_FAMILY, scaled(13, scale)))
            .draw()?;
        let bins = self
            .counts
            .len()
            .min(self.edges_fen.len().saturating_sub(1));
        chart.draw_series((0..bins).map(|i| {
            Rectangle::new(
                [
                    (log(self.edges_fen[i]), 0.0),
                    (log(self.edges_fen[i + 1]), self.counts[i] as f64),
                ],
                PALETTE[0].filled(),
            )
        }))?;
        let marker = PALETTE[5].stroke_width(scaled(2, scale));
        let mut thresholds: Vec<(f64, String)> = self
            .thresholds
            .iter()
            .map(|(name, fen)| (log(*fen), format!("{name} ≥ {}", money_compact(*fen, lang))))
            .filter(|(x, _)| *x > x_low && *x < x_high)
            .collect();
        thresholds.sort_by(|a, b| a.0.total_cmp(&b.0));
        let base = area.get_base_pixel();
        let (plot_left, plot_right) = {
            let (l, _) = chart.backend_coord(&(x_low, 0.0));
            let (r, _) = chart.backend_coord(&(x_high, 0.0));
            (f64::from(l - base.0), f64::from(r - base.0))
        };
        let (_, plot_top) = chart.backend_coord(&(x_low, y_max));
        // Each label starts just right of its line (or ends just left of it near the right
        // edge), in the first row where it touches no label already placed.
        let mut rows: Vec<Vec<(f64, f64)>> = Vec::new();
        let lines: Vec<f64> = thresholds
            .iter()
            .map(|(x, _)| f64::from(chart.backend_coord(&(*x, 0.0)).0 - base.0))
            .collect();
        for ((x, text), &line) in thresholds.iter().zip(&lines) {
            chart.draw_series(LineSeries::new([(*x, 0.0), (*x, y_max)], marker))?;
            let w = text_width(text, px);
            let gap = px * 0.3;
            // Right of its line if it fits, else left; and of the two, a side that crosses no
            // other threshold's line when there is one.
            let right = (line + gap, line + gap + w);
            let left_start = (line - gap - w).max(plot_left);
            let left = (left_start, left_start + w);
            let crosses = |(from, to): (f64, f64)| {
                lines
                    .iter()
                    .any(|&other| other != line && other > from - gap && other < to + gap)
            };
            let fits_right = right.1 <= plot_right;
            let span = match (fits_right, crosses(right), crosses(left)) {
                (true, false, _) => right,
                (_, _, false) => left,
                (true, _, _) => right,
                _ => left,
            };
            let free = |placed: &Vec<(f64, f64)>| {
                placed
                    .iter()
                    .all(|&(l, r)| span.1 + gap <= l || span.0 >= r + gap)
            };
            let index = match rows.iter().position(free) {
                Some(i) => i,
                None => {
                    rows.push(Vec::new());
                    rows.len() - 1
                }
            };
            rows[index].push(span);
            let y = f64::from(plot_top - base.1) + 2.0 + row * index as f64;
            let style = TextStyle::from((FONT_FAMILY, px).into_font())
                .color(&PALETTE[5])
                .pos(Pos::new(HPos::Left, VPos::Top));
            area.draw_text(text, &style, (span.0 as i32, y as i32))?;
        }
        Ok((0..bins)
            .map(|i| {
                let (left, top) = chart.backend_coord(&(log(self.edges_fen[i]), y_max));
                let (right, bottom) = chart.backend_coord(&(log(self.edges_fen[i + 1]), 0.0));
                Hit {
                    rect: (left, top, right, bottom),
                    text: format!(
                        "{}–{}: {} {}",
                        money_compact(self.edges_fen[i], lang),
                        money_compact(self.edges_fen[i + 1], lang),
                        count(self.counts[i]),
                        self.y_caption
                    ),
                    link: None,
                }
            })
            .collect())
    }
}
