//! Monthly AUM with its forecast band above, monthly activity below.

use super::{
    label_step, padded, scaled, text_width, tick_count, under_caption, ChartError, ChartSpec, Hit,
    Ticks, FONT_FAMILY, PALETTE,
};
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
        let (upper, lower) = area.split_vertically(area.dim_in_pixel().1 * 11 / 20);
        let lang = self.lang;
        let values = self
            .aum_fen
            .iter()
            .chain(&self.forecast_fen)
            .copied()
            .chain(self.band_fen.iter().flat_map(|&(low, high)| [low, high]));
        let (low, high) = values.fold((f64::MAX, f64::MIN), |(l, h), v| (l.min(v), h.max(v)));
        let (y_low, y_high) = padded(low, high, true);
        let label = |i: usize| self.months.get(i).cloned().unwrap_or_default();
        let x_range = -0.5..months as f64 - 0.5;
        let px = f64::from(scaled(12, scale));
        let margin = scaled(10, scale);
        let caption_px = scaled(15, scale);
        // The plot's height: the panel less its caption, margins and the x label strip.
        let plot_height = |panel: u32, x_labels: u32| {
            panel.saturating_sub(caption_px * 2 + margin * 2 + x_labels)
        };
        let aum_ticks = Ticks::money(
            y_low..y_high,
            tick_count(
                plot_height(upper.dim_in_pixel().1, scaled(10, scale)),
                px,
                6,
            ),
            lang,
        );
        let busiest = self.activity.iter().copied().fold(0.0, f64::max).max(1.0);
        let activity_ticks = Ticks::counts(
            0.0..busiest * 1.1,
            tick_count(
                plot_height(lower.dim_in_pixel().1, scaled(30, scale)),
                px,
                4,
            ),
        );
        // Both panels share one label strip width, so their plots line up month for month.
        let y_area = (aum_ticks.widest(px).max(activity_ticks.widest(px)) + px) as u32;
        let month_labels: Vec<String> = (0..months).map(label).collect();
        // The last month's label is centred on its slot near the right edge: half of it needs room.
        let right = (month_labels
            .iter()
            .map(|l| text_width(l, px))
            .fold(0.0, f64::max)
            / 2.0) as u32
            + margin;
        let upper = under_caption(&upper, &self.aum_caption, f64::from(caption_px))?;
        let mut top = ChartBuilder::on(&upper)
            .margin(margin)
            // The top tick's label is centred on the plot's edge: half of it needs room.
            .margin_top(margin + (px / 2.0) as u32)
            // The top tick's label is centred on the plot's edge: half of it needs room.
            .margin_top(margin + (px / 2.0) as u32)
            .margin_right(right)
            .x_label_area_size(scaled(10, scale))
            .y_label_area_size(y_area)
            .build_cartesian_2d(x_range.clone(), y_low..y_high)?;
        top.configure_mesh()
            .disable_x_mesh()
            .x_labels(0)
            .y_labels(aum_ticks.values.len())
            .y_label_formatter(&|v| aum_ticks.label(*v))
            .label_style((FONT_FAMILY, px))
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

        let lower = under_caption(&lower, &self.activity_caption, f64::from(caption_px))?;
        let mut bottom = ChartBuilder::on(&lower)
            .margin(margin)
            // The top tick's label is centred on the plot's edge: half of it needs room.
            .margin_top(margin + (px / 2.0) as u32)
            // The top tick's label is centred on the plot's edge: half of it needs room.
            .margin_top(margin + (px / 2.0) as u32)
            .margin_right(right)
            .x_label_area_size(scaled(30, scale))
            .y_label_area_size(y_area)
            .build_cartesian_2d(x_range, 0.0..busiest * 1.1)?;
        let slot = f64::from(bottom.plotting_area().dim_in_pixel().0) / months as f64;
        let step = label_step(&month_labels, px, slot);
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
            .y_labels(activity_ticks.values.len())
            .y_label_formatter(&|v| activity_ticks.label(*v))
            .label_style((FONT_FAMILY, px))
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
                let (left, top_y) = top.backend_coord(&(x - 0.5, y_high));
                let (right, _) = top.backend_coord(&(x + 0.5, y_high));
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
