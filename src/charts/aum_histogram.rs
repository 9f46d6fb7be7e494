//! Customers by AUM on a logarithmic axis, with the tier thresholds marked.

use super::{scaled, ChartError, ChartSpec, Hit, FONT_FAMILY, PALETTE};
use crate::format::{count, money_compact};
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
        let top = self.counts.iter().copied().max().unwrap_or(0).max(1);
        let y_max = top + top / 8 + 1;
        let mut chart = ChartBuilder::on(area)
            .margin(scaled(10, scale))
            .x_label_area_size(scaled(40, scale))
            .y_label_area_size(scaled(60, scale))
            .build_cartesian_2d(x_low..x_high, 0..y_max)?;
        let decades = (x_high - x_low).round() as usize;
        let lang = self.lang;
        chart
            .configure_mesh()
            .disable_x_mesh()
            .light_line_style(TRANSPARENT)
            .x_labels(decades + 1)
            .x_label_formatter(&|x| money_compact(10f64.powf(*x).round() as i64, lang))
            .y_label_formatter(&|y| count(*y))
            .x_desc(self.x_caption.as_str())
            .y_desc(self.y_caption.as_str())
            .label_style((FONT_FAMILY, scaled(12, scale)))
            .axis_desc_style((FONT_FAMILY, scaled(13, scale)))
            .draw()?;
        let bins = self
            .counts
            .len()
            .min(self.edges_fen.len().saturating_sub(1));
        chart.draw_series((0..bins).map(|i| {
            Rectangle::new(
                [
                    (log(self.edges_fen[i]), 0),
                    (log(self.edges_fen[i + 1]), self.counts[i]),
                ],
                PALETTE[0].filled(),
            )
        }))?;
        let marker = PALETTE[5].stroke_width(scaled(2, scale));
        let label = TextStyle::from((FONT_FAMILY, scaled(12, scale)).into_font())
            .color(&PALETTE[5])
            .pos(Pos::new(HPos::Left, VPos::Top));
        for (name, fen) in &self.thresholds {
            let x = log(*fen);
            if x <= x_low || x >= x_high {
                continue;
            }
            chart.draw_series(LineSeries::new([(x, 0), (x, y_max)], marker))?;
            chart.draw_series([Text::new(
                format!(" {name} ≥ {}", money_compact(*fen, lang)),
                (x, y_max),
                label.clone(),
            )])?;
        }
        Ok((0..bins)
            .map(|i| {
                let (left, top) = chart.backend_coord(&(log(self.edges_fen[i]), y_max));
                let (right, bottom) = chart.backend_coord(&(log(self.edges_fen[i + 1]), 0));
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
