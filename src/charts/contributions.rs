//! A score taken apart: the base and each factor's points as horizontal bars, adding up to the
//! score, so the reason behind a number is visible.

use super::{
    fit, scaled, text_width, tick_count, ChartError, ChartSpec, Hit, Ticks, FONT_FAMILY, PALETTE,
};
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

/// A score's parts, already in the reader's language.
#[derive(Clone, Debug, PartialEq)]
pub struct ContributionsSpec {
    /// The chart's title: the score's name, its value and the as-of date.
    pub title: String,
    /// The name of the base points.
    pub base_label: String,
    /// The points every customer starts from.
    pub base: f64,
    /// Each factor's name and points (negative for factors that subtract).
    pub factors: Vec<(String, f64)>,
    /// Decimals shown: rule points read as whole numbers, a model's log-odds need two.
    pub decimals: usize,
}

impl ChartSpec for ContributionsSpec {
    const TITLE_PX: u32 = 18;

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
        let rows: Vec<(String, f64)> = std::iter::once((self.base_label.clone(), self.base))
            .chain(self.factors.iter().cloned())
            .collect();
        let low = rows.iter().map(|r| r.1).fold(0.0, f64::min);
        let high = rows.iter().map(|r| r.1).fold(0.0, f64::max);
        let decimals = self.decimals;
        let px = f64::from(scaled(12, scale));
        let width = f64::from(area.dim_in_pixel().0);
        // Names get the room they need, up to two fifths of the card; longer ones shorten.
        let name_room = rows
            .iter()
            .map(|r| text_width(&r.0, px))
            .fold(0.0, f64::max)
            .min(width * 0.4);
        let names: Vec<String> = rows.iter().map(|r| fit(&r.0, px, name_room)).collect();
        let value_text = |points: f64| {
            let text = format!("{points:+.decimals$}");
            // −0.00 is nothing taken away: say +0.00.
            if points.abs() * 10f64.powi(decimals as i32) < 0.5 {
                format!("{:+.decimals$}", 0.0)
            } else {
                text
            }
        };
        let margin = scaled(10, scale);
        let plot_width = (width - name_room - px - f64::from(margin) * 2.0).max(1.0);
        // Room right of the bars for the widest value label, whatever the scale of the parts.
        let widest_value = rows
            .iter()
            .map(|r| text_width(&value_text(r.1), px))
            .fold(0.0, f64::max)
            + px * 0.5;
        let span = (high - low).max(10f64.powi(-(decimals as i32)));
        let share = (widest_value / plot_width).min(0.45);
        let low = low - span * 0.04;
        let high = low + (high - low + span * 0.04) / (1.0 - share);
        let ticks = Ticks::numbers(low..high, tick_count(plot_width as u32, px * 1.6, 8));
        let n = rows.len() as i32;
        let mut chart = ChartBuilder::on(area)
            .margin(margin)
            .x_label_area_size(scaled(25, scale))
            .y_label_area_size((name_room + px) as u32)
            .build_cartesian_2d(low..high, (0..n - 1).into_segmented())?;
        chart
            .configure_mesh()
            .disable_y_mesh()
            .light_line_style(TRANSPARENT)
            .y_labels(rows.len())
            .y_label_formatter(&|segment| match segment {
                SegmentValue::CenterOf(i) | SegmentValue::Exact(i) => names
                    .get((n - 1 - *i) as usize)
                    .cloned()
                    .unwrap_or_default(),
                SegmentValue::Last => String::new(),
            })
            .x_labels(ticks.values.len())
            .x_label_formatter(&|v| ticks.label(*v))
            .label_style((FONT_FAMILY, px))
            .draw()?;
        // The first row at the top: row i sits in segment n - 1 - i.
        let band = |i: usize| {
            let segment = n - 1 - i as i32;
            (
                SegmentValue::Exact(segment),
                SegmentValue::Exact(segment + 1),
            )
        };
        chart.draw_series(rows.iter().enumerate().map(|(i, &(_, points))| {
            let (bottom, top) = band(i);
            let colour = match i {
                0 => PALETTE[4],
                _ if points < 0.0 => PALETTE[5],
                _ => PALETTE[2],
            };
            Rectangle::new([(0.0, bottom), (points, top)], colour.filled())
        }))?;
        chart.draw_series(rows.iter().enumerate().map(|(i, &(_, points))| {
            let (_, top) = band(i);
            let at = if let SegmentValue::Exact(s) = top {
                SegmentValue::CenterOf(s - 1)
            } else {
                top
            };
            Text::new(
                value_text(points),
                (points.max(0.0) + span * 0.01, at),
                TextStyle::from((FONT_FAMILY, px).into_font())
                    .pos(Pos::new(HPos::Left, VPos::Center)),
            )
        }))?;
        Ok(rows
            .iter()
            .enumerate()
            .map(|(i, (name, points))| {
                let (bottom, top) = band(i);
                let (left, y0) = chart.backend_coord(&(low, top));
                let (right, y1) = chart.backend_coord(&(high, bottom));
                Hit {
                    rect: (left, y0, right, y1),
                    text: format!("{name}: {}", value_text(*points)),
                    link: None,
                }
            })
            .collect())
    }
}
