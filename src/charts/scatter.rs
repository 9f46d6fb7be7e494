//! Customers as points on two axes, coloured by cluster: the clusters' 2-D projection.

use super::{scaled, tick_count, ChartError, ChartSpec, Hit, Ticks, FONT_FAMILY, PALETTE};
use plotters::coord::Shift;
use plotters::prelude::*;

/// What the scatter shows, already in the reader's language.
#[derive(Clone, Debug, PartialEq)]
pub struct ScatterSpec {
    /// The chart's title, including its as-of date.
    pub title: String,
    /// The points: x, y and the series (cluster) each belongs to.
    pub points: Vec<(f64, f64, usize)>,
    /// Per point, its tooltip and link (a customer's profile).
    pub labels: Vec<(String, Option<String>)>,
    /// Series names, for the legend.
    pub series: Vec<String>,
    /// Axis captions.
    pub x_caption: String,
    /// See `x_caption`.
    pub y_caption: String,
}

impl ChartSpec for ScatterSpec {
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
        let bounds = |pick: fn(&(f64, f64, usize)) -> f64| {
            let (low, high) = self
                .points
                .iter()
                .map(pick)
                .fold((f64::MAX, f64::MIN), |(l, h), v| (l.min(v), h.max(v)));
            if low > high {
                (-1.0, 1.0)
            } else {
                let pad = ((high - low) * 0.05).max(0.1);
                (low - pad, high + pad)
            }
        };
        let (x_low, x_high) = bounds(|p| p.0);
        let (y_low, y_high) = bounds(|p| p.1);
        let px = f64::from(scaled(12, scale));
        let (width, height) = area.dim_in_pixel();
        let x_ticks = Ticks::numbers(x_low..x_high, tick_count(width, px * 2.0, 10));
        let y_ticks = Ticks::numbers(y_low..y_high, tick_count(height, px, 10));
        let mut chart = ChartBuilder::on(area)
            .margin(scaled(10, scale))
            .margin_top(scaled(10, scale) + (px / 2.0) as u32)
            .x_label_area_size(scaled(40, scale))
            .y_label_area_size((y_ticks.widest(px) + px * 2.5) as u32)
            .build_cartesian_2d(x_low..x_high, y_low..y_high)?;
        chart
            .configure_mesh()
            .light_line_style(TRANSPARENT)
            .x_desc(self.x_caption.as_str())
            .y_desc(self.y_caption.as_str())
            .x_labels(x_ticks.values.len())
            .y_labels(y_ticks.values.len())
            .x_label_formatter(&|v| x_ticks.label(*v))
            .y_label_formatter(&|v| y_ticks.label(*v))
            .label_style((FONT_FAMILY, scaled(12, scale)))
            .axis_desc_style((FONT_FAMILY, scaled(13, scale)))
            .draw()?;
        let radius = scaled(3, scale);
        for (s, name) in self.series.iter().enumerate() {
            let colour = PALETTE[s % PALETTE.len()];
            chart
                .draw_series(
                    self.points
                        .iter()
                        .filter(|p| p.2 == s)
                        .map(|&(x, y, _)| Circle::new((x, y), radius, colour.mix(0.7).filled())),
                )?
                .label(name.as_str())
                .legend(move |(x, y)| Circle::new((x, y), 4, colour.filled()));
        }
        chart
            .configure_series_labels()
            .background_style(WHITE.mix(0.85))
            .border_style(BLACK.mix(0.3))
            .label_font((FONT_FAMILY, scaled(12, scale)))
            .position(SeriesLabelPosition::UpperRight)
            .draw()?;
        let r = radius as i32 + 1;
        Ok(self
            .points
            .iter()
            .zip(&self.labels)
            .map(|(&(x, y, _), (text, link))| {
                let (px, py) = chart.backend_coord(&(x, y));
                Hit {
                    rect: (px - r, py - r, px + r, py + r),
                    text: text.clone(),
                    link: link.clone(),
                }
            })
            .collect())
    }
}
