//! A score taken apart: the base and each factor's points as horizontal bars, adding up to the
//! score, so the reason behind a number is visible.

use super::{scaled, ChartError, ChartSpec, Hit, FONT_FAMILY, PALETTE};
use plotters::coord::Shift;
use plotters::prelude::*;

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
        // Room for the value labels right of the bars, whatever the scale of the parts.
        let span = (high - low).max(1e-6);
        let (low, high) = (low - span * 0.04, high + span * 0.16);
        let decimals = self.decimals;
        let n = rows.len() as i32;
        let mut chart = ChartBuilder::on(area)
            .margin(scaled(10, scale))
            .x_label_area_size(scaled(25, scale))
            .y_label_area_size(scaled(120, scale))
            .build_cartesian_2d(low..high, (0..n - 1).into_segmented())?;
        chart
            .configure_mesh()
            .disable_y_mesh()
            .light_line_style(TRANSPARENT)
            .y_labels(rows.len())
            .y_label_formatter(&|segment| match segment {
                SegmentValue::CenterOf(i) | SegmentValue::Exact(i) => rows
                    .get((n - 1 - *i) as usize)
                    .map(|r| r.0.clone())
                    .unwrap_or_default(),
                SegmentValue::Last => String::new(),
            })
            .x_label_formatter(&|v| format!("{v:.decimals$}"))
            .label_style((FONT_FAMILY, scaled(12, scale)))
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
                format!("{points:+.decimals$}"),
                (points.max(0.0) + span * 0.01, at),
                (FONT_FAMILY, scaled(12, scale)).into_font(),
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
                    text: format!("{name}: {points:+.decimals$}"),
                    link: None,
                }
            })
            .collect())
    }
}
