//! Curves on a unit square — ROC, cumulative gains, calibration — one line per model and the
//! dashed diagonal a random (or perfectly calibrated) model would follow.

use super::{scaled, tick_count, ChartError, ChartSpec, Hit, Ticks, FONT_FAMILY, PALETTE};
use plotters::coord::Shift;
use plotters::prelude::*;

/// What the chart shows, already in the reader's language.
#[derive(Clone, Debug, PartialEq)]
pub struct CurvesSpec {
    /// The chart's title, including its as-of date.
    pub title: String,
    /// Each series' name (with its figure, e.g. "Trees · AUC 0.80") and points, x and y in 0–1.
    pub series: Vec<(String, Vec<(f64, f64)>)>,
    /// Whether each point is marked (few points, as in calibration deciles).
    pub markers: bool,
    /// The diagonal's name in the legend.
    pub diagonal: String,
    /// Axis captions.
    pub x_caption: String,
    /// See `x_caption`.
    pub y_caption: String,
}

impl ChartSpec for CurvesSpec {
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
        let px = f64::from(scaled(12, scale));
        let (width, height) = area.dim_in_pixel();
        let x_ticks = Ticks::numbers(0.0..1.0, tick_count(width, px * 2.5, 6));
        let y_ticks = Ticks::numbers(0.0..1.0, tick_count(height, px * 1.5, 6));
        let mut chart = ChartBuilder::on(area)
            .margin(scaled(10, scale))
            .margin_right(scaled(16, scale))
            .x_label_area_size(scaled(40, scale))
            .y_label_area_size((y_ticks.widest(px) + px * 2.5) as u32)
            .build_cartesian_2d(0.0..1.0, 0.0..1.0)?;
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
        let grey = BLACK.mix(0.45);
        let dashes = (0..20).map(|i| {
            let (a, b) = (f64::from(i) / 20.0, (f64::from(i) + 0.5) / 20.0);
            PathElement::new(vec![(a, a), (b, b)], grey.stroke_width(scaled(1, scale)))
        });
        chart
            .draw_series(dashes)?
            .label(self.diagonal.as_str())
            .legend(move |(x, y)| PathElement::new(vec![(x, y), (x + 16, y)], grey));
        let line = scaled(2, scale);
        let mut hits = Vec::new();
        for (s, (name, points)) in self.series.iter().enumerate() {
            let colour = PALETTE[s % PALETTE.len()];
            chart
                .draw_series(LineSeries::new(
                    points.iter().copied(),
                    colour.stroke_width(line),
                ))?
                .label(name.as_str())
                .legend(move |(x, y)| {
                    PathElement::new(vec![(x, y), (x + 16, y)], colour.stroke_width(3))
                });
            if self.markers {
                let radius = scaled(3, scale);
                chart.draw_series(
                    points
                        .iter()
                        .map(|&p| Circle::new(p, radius, colour.filled())),
                )?;
                let r = radius as i32 + 2;
                hits.extend(points.iter().map(|&(x, y)| {
                    let (px, py) = chart.backend_coord(&(x, y));
                    Hit {
                        rect: (px - r, py - r, px + r, py + r),
                        text: format!("{name}: {:.0}% → {:.0}%", x * 100.0, y * 100.0),
                        link: None,
                    }
                }));
            }
        }
        chart
            .configure_series_labels()
            .background_style(WHITE.mix(0.85))
            .border_style(BLACK.mix(0.3))
            .label_font((FONT_FAMILY, scaled(12, scale)))
            .position(SeriesLabelPosition::LowerRight)
            .draw()?;
        Ok(hits)
    }
}
