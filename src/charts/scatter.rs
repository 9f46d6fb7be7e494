//! Customers as points on two axes, coloured by cluster: the clusters' 2-D projection.

use super::{scaled, ChartError, ChartSpec, Hit, FONT_FAMILY, PALETTE};
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
        let mut chart = ChartBuilder::on(area)
            .margin(scaled(10, scale))
            .x_label_area_size(scaled(40, scale))
            .y_label_area_size(scaled(50, scale))
            .build_cartesian_2d(x_low..x_high, y_low..y_high)?;
        chart
            .configure_mesh()
            .light_line_style(TRANSPARENT)
            .x_desc(self.x_caption.as_str())
            .y_desc(self.y_caption.as_str())
            .x_label_formatter(&|v| format!("{v:.1}"))
            .y_label_formatter(&|v| format!("{v:.1}"))
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
