//! The RFM grid: recency down, frequency across, each cell coloured by its customers' mean
//! monetary score, labelled with their number.

use super::{scaled, ChartError, ChartSpec, Hit, FONT_FAMILY};
use crate::format::count;
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

/// What the grid shows, already in the reader's language.
#[derive(Clone, Debug, PartialEq)]
pub struct RfmGridSpec {
    /// The chart's title, including its as-of date.
    pub title: String,
    /// `cells[r - 1][f - 1]`: customers and their mean M score.
    pub cells: [[(usize, f64); 5]; 5],
    /// Axis captions (recency, frequency) and the words for a cell's tooltip.
    pub r_caption: String,
    /// See `r_caption`.
    pub f_caption: String,
    /// "customers", "mean M".
    pub customers_word: String,
    /// See `customers_word`.
    pub mean_m_word: String,
    /// Per cell (same indexing), where a click leads: its customers.
    pub links: Vec<Vec<Option<String>>>,
}

/// A sequential blue scale from pale (M = 1) to deep (M = 5): readable by every kind of colour
/// vision, as it varies in lightness only.
fn shade(mean_m: f64) -> RGBColor {
    let t = ((mean_m - 1.0) / 4.0).clamp(0.0, 1.0);
    let mix = |pale: f64, deep: f64| (pale + (deep - pale) * t).round() as u8;
    RGBColor(mix(222.0, 8.0), mix(235.0, 48.0), mix(247.0, 107.0))
}

impl ChartSpec for RfmGridSpec {
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
        let mut chart = ChartBuilder::on(area)
            .margin(scaled(10, scale))
            .x_label_area_size(scaled(40, scale))
            .y_label_area_size(scaled(60, scale))
            // Integer ranges are inclusive in segmented coordinates: five cells are 0..4.
            .build_cartesian_2d((0..4).into_segmented(), (0..4).into_segmented())?;
        let label = |prefix: &'static str| {
            move |segment: &SegmentValue<i32>| match segment {
                SegmentValue::CenterOf(i) | SegmentValue::Exact(i) => format!("{prefix}{}", i + 1),
                SegmentValue::Last => String::new(),
            }
        };
        chart
            .configure_mesh()
            .disable_mesh()
            .x_labels(5)
            .y_labels(5)
            .x_label_formatter(&label("F"))
            .y_label_formatter(&label("R"))
            .x_desc(self.f_caption.as_str())
            .y_desc(self.r_caption.as_str())
            .label_style((FONT_FAMILY, scaled(12, scale)))
            .axis_desc_style((FONT_FAMILY, scaled(13, scale)))
            .draw()?;
        let mut hits = Vec::with_capacity(25);
        for r in 0..5 {
            for f in 0..5 {
                let (customers, mean_m) = self.cells[r][f];
                let (x, y) = (f as i32, r as i32);
                let corner = |a: i32, b: i32| (SegmentValue::Exact(a), SegmentValue::Exact(b));
                chart.draw_series([Rectangle::new(
                    [corner(x, y), corner(x + 1, y + 1)],
                    shade(mean_m).filled(),
                )])?;
                let ink = if mean_m >= 3.0 { WHITE } else { BLACK };
                chart.draw_series([Text::new(
                    count(customers),
                    (SegmentValue::CenterOf(x), SegmentValue::CenterOf(y)),
                    TextStyle::from((FONT_FAMILY, scaled(13, scale)).into_font())
                        .color(&ink)
                        .pos(Pos::new(HPos::Center, VPos::Center)),
                )])?;
                let (left, top) = chart.backend_coord(&corner(x, y + 1));
                let (right, bottom) = chart.backend_coord(&corner(x + 1, y));
                hits.push(Hit {
                    rect: (left, top, right, bottom),
                    text: format!(
                        "R{} F{}: {} {} · {} {mean_m:.2}",
                        r + 1,
                        f + 1,
                        count(customers),
                        self.customers_word,
                        self.mean_m_word
                    ),
                    link: self
                        .links
                        .get(r)
                        .and_then(|row| row.get(f))
                        .cloned()
                        .flatten(),
                });
            }
        }
        Ok(hits)
    }
}
