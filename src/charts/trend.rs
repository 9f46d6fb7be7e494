//! Monthly AUM with its forecast band above, monthly activity below.

use super::{scaled, ChartError, ChartSpec, Hit, FONT_FAMILY, PALETTE};
use crate::format::{count, money_compact};
use crate::i18n::Lang;
use plotters::coord::Shift;
use plotters::prelude::*;

/// What the trend chart shows, already in the reader's language.
#[derive(Clone, Debug, PartialEq)]
pub struct TrendSpec {
    /// The chart's title, including its as-of date.
    pub title: String,
    /// Month labels: the history, then the forecast months.
    pub months: Vec<String>,
    /// AUM at each history month's end, in fen.
    pub aum_fen: Vec<f64>,
    /// Transactions in each history month.
    pub activity: Vec<f64>,
    /// The forecast AUM for the months after the history, and its band (low, high).
    pub forecast_fen: Vec<f64>,
    /// See `forecast_fen`.
    pub band_fen: Vec<(f64, f64)>,
    /// Captions: AUM panel, activity panel, and the word for a forecast value.
    pub aum_caption: String,
    /// See `aum_caption`.
    pub activity_caption: String,
    /// See `aum_caption`.
    pub forecast_caption: String,
    /// The reader's language, which picks 万/亿 or K/M/B.
    pub lang: Lang,
}

impl ChartSpec for TrendSpec {
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
        let history = self.aum_fen.len();
        let months = self
            .months
            .len()
            .max(history + self.forecast_fen.len())
            .max(1);
        let (upper, lower) = area.split_vertically(area.dim_in_pixel().1 * 3 / 5);
        let lang = self.lang;
        let values = self
            .aum_fen
            .iter()
            .chain(&self.forecast_fen)
            .copied()
            .chain(self.band_fen.iter().flat_map(|&(low, high)| [low, high]));
        let (low, high) = values.fold((f64::MAX, f64::MIN), |(l, h), v| (l.min(v), h.max(v)));
        let (low, high) = if low > high { (0.0, 1.0) } else { (low, high) };
        let pad = ((high - low) * 0.1).max(1.0);
        let label = |i: usize| self.months.get(i).cloned().unwrap_or_default();
        let x_range = -0.5..months as f64 - 0.5;
        let mut top = ChartBuilder::on(&upper)
            .caption(&self.aum_caption, (FONT_FAMILY, scaled(15, scale)))
            .margin(scaled(10, scale))
            .x_label_area_size(scaled(10, scale))
            .y_label_area_size(scaled(80, scale))
            .build_cartesian_2d(x_range.clone(), (low - pad).max(0.0)..high + pad)?;
        top.configure_mesh()
            .disable_x_mesh()
            .x_labels(0)
            .y_label_formatter(&|v| money_compact(v.round() as i64, lang))
            .label_style((FONT_FAMILY, scaled(12, scale)))
            .draw()?;
        if !self.forecast_fen.is_empty() && history > 0 {
            // The band starts at the last known month, so it grows out of the line.
            let last = (history as f64 - 1.0, self.aum_fen[history - 1]);
            let mut outline = vec![last];
            outline.extend(
                self.band_fen
                    .iter()
                    .enumerate()
                    .map(|(h, &(_, high))| ((history + h) as f64, high)),
            );
            outline.extend(
                self.band_fen
                    .iter()
                    .enumerate()
                    .rev()
                    .map(|(h, &(low, _))| ((history + h) as f64, low)),
            );
            top.draw_series([Polygon::new(outline, PALETTE[4].mix(0.3).filled())])?;
            let mut line = vec![last];
            line.extend(
                self.forecast_fen
                    .iter()
                    .enumerate()
                    .map(|(h, &v)| ((history + h) as f64, v)),
            );
            top.draw_series(LineSeries::new(
                line,
                PALETTE[5].stroke_width(scaled(2, scale)),
            ))?;
        }
        top.draw_series(LineSeries::new(
            self.aum_fen.iter().enumerate().map(|(i, &v)| (i as f64, v)),
            PALETTE[0].stroke_width(scaled(2, scale)),
        ))?;
        top.draw_series(
            self.aum_fen
                .iter()
                .enumerate()
                .map(|(i, &v)| Circle::new((i as f64, v), scaled(3, scale), PALETTE[0].filled())),
        )?;

        let busiest = self.activity.iter().copied().fold(0.0, f64::max).max(1.0);
        let mut bottom = ChartBuilder::on(&lower)
            .caption(&self.activity_caption, (FONT_FAMILY, scaled(15, scale)))
            .margin(scaled(10, scale))
            .x_label_area_size(scaled(30, scale))
            .y_label_area_size(scaled(80, scale))
            .build_cartesian_2d(x_range, 0.0..busiest * 1.1)?;
        let step = (months / 12).max(1);
        bottom
            .configure_mesh()
            .disable_x_mesh()
            .x_labels(months)
            .x_label_formatter(&|x| {
                let i = x.round();
                if (x - i).abs() < 1e-6 && i >= 0.0 && (i as usize).is_multiple_of(step) {
                    label(i as usize)
                } else {
                    String::new()
                }
            })
            .y_label_formatter(&|v| count(v.round() as usize))
            .label_style((FONT_FAMILY, scaled(12, scale)))
            .draw()?;
        bottom.draw_series(self.activity.iter().enumerate().map(|(i, &v)| {
            Rectangle::new(
                [(i as f64 - 0.35, 0.0), (i as f64 + 0.35, v)],
                PALETTE[2].filled(),
            )
        }))?;

        // One strip per month through both panels: the pointer need not find a thin line.
        Ok((0..months)
            .map(|i| {
                let x = i as f64;
                let (left, top_y) = top.backend_coord(&(x - 0.5, high + pad));
                let (right, _) = top.backend_coord(&(x + 0.5, high + pad));
                let (_, bottom_y) = bottom.backend_coord(&(x, 0.0));
                let text = if i < history {
                    format!(
                        "{}: {} {} · {} {}",
                        label(i),
                        self.aum_caption,
                        money_compact(self.aum_fen[i].round() as i64, lang),
                        self.activity_caption,
                        count(self.activity.get(i).copied().unwrap_or(0.0).round() as usize)
                    )
                } else {
                    let h = i - history;
                    let (low, high) = self.band_fen.get(h).copied().unwrap_or((0.0, 0.0));
                    format!(
                        "{} ({}): {} ({}–{})",
                        label(i),
                        self.forecast_caption,
                        money_compact(
                            self.forecast_fen.get(h).copied().unwrap_or(0.0).round() as i64,
                            lang
                        ),
                        money_compact(low.round() as i64, lang),
                        money_compact(high.round() as i64, lang)
                    )
                };
                Hit {
                    rect: (left, top_y, right, bottom_y),
                    text,
                    link: None,
                }
            })
            .collect())
    }
}
