//! Chart drawing: plain chart specs in, pixels on any plotters backend out.
//!
//! The same function draws onto the browser's canvas (`plotters-canvas`) and onto the SVG backend
//! in native tests, which check what a user would see: bars, labels, title.

mod aum_histogram;
mod axis;
mod bars;
mod contributions;
mod curves;
mod rfm_grid;
mod scatter;
mod tier_bars;
mod trend;

pub use aum_histogram::AumHistogramSpec;
pub use axis::{fit, is_wide, label_step, padded, text_width, tick_count, under_caption, Ticks};
pub use bars::{BarsSpec, Measure};
pub use contributions::ContributionsSpec;
pub use curves::CurvesSpec;
pub use rfm_grid::RfmGridSpec;
pub use scatter::ScatterSpec;
pub use tier_bars::{draw_tier_bars, TierBarsSpec};
pub use trend::TrendSpec;

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::RGBColor;

/// A part of a drawn chart the pointer can rest on: its rectangle in the drawing's pixels, the
/// exact values to show, and where a click leads (a link, when drilling down makes sense).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Hit {
    /// `(left, top, right, bottom)` in pixels of the drawing area.
    pub rect: (i32, i32, i32, i32),
    /// The tooltip: exact values, in the reader's language.
    pub text: String,
    /// Where a click goes.
    pub link: Option<String>,
}

impl Hit {
    /// Whether the point lies inside (edges included; a thin bar still takes the pointer).
    pub fn contains(&self, x: i32, y: i32) -> bool {
        let (left, top, right, bottom) = self.rect;
        x >= left.min(right) - 1
            && x <= left.max(right) + 1
            && y >= top.min(bottom)
            && y <= top.max(bottom)
    }
}

/// A chart: plain data that draws itself on any plotters backend.
pub trait ChartSpec {
    /// The title's font size in pixels at scale 1.
    const TITLE_PX: u32 = 20;

    /// The title, with the as-of date: it is drawn into the image and names downloads.
    fn title(&self) -> &str;

    /// Draws the chart's plot onto `area`, the space under its title, with every size (fonts,
    /// margins, lines) times `scale`, and returns the hit regions.
    fn draw_plot<DB: DrawingBackend>(
        &self,
        area: &DrawingArea<DB, Shift>,
        scale: f64,
    ) -> Result<Vec<Hit>, ChartError>
    where
        DB::ErrorType: 'static;

    /// Draws the whole chart onto `area` — a white background, the title, the plot — at
    /// `scale`, the screen's device-pixel ratio, so HiDPI canvases are crisp; returns the hit
    /// regions.
    fn draw<DB: DrawingBackend>(
        &self,
        area: &DrawingArea<DB, Shift>,
        scale: f64,
    ) -> Result<Vec<Hit>, ChartError>
    where
        DB::ErrorType: 'static,
    {
        area.fill(&WHITE)?;
        // A long title on a narrow card shrinks a little, then gives up its end to an ellipsis
        // (the download's name keeps it whole).
        let room = f64::from(area.dim_in_pixel().0) - f64::from(scaled(16, scale));
        let full = f64::from(scaled(Self::TITLE_PX, scale));
        let mut px = full;
        while px > full * 0.75 && text_width(self.title(), px) > room {
            px -= 1.0;
        }
        let title = fit(self.title(), px, room);
        let plot = area.titled(&title, (FONT_FAMILY, px).into_font())?;
        let hits = self.draw_plot(&plot, scale)?;
        plot.present()?;
        Ok(hits)
    }
}

/// Renders a chart to an SVG document of `width` × `height`, with its hit regions.
pub fn render_svg<S: ChartSpec>(
    spec: &S,
    width: u32,
    height: u32,
) -> Result<(String, Vec<Hit>), ChartError> {
    let mut svg = String::new();
    let hits = {
        let area = SVGBackend::with_string(&mut svg, (width, height)).into_drawing_area();
        spec.draw(&area, 1.0)?
    };
    Ok((svg, hits))
}

/// `size` pixels at `scale`.
pub(crate) fn scaled(size: u32, scale: f64) -> u32 {
    (f64::from(size) * scale).round().max(1.0) as u32
}

/// The Okabe–Ito palette: distinguishable with every common form of colour blindness.
pub const PALETTE: [RGBColor; 7] = [
    RGBColor(0x00, 0x72, 0xB2),
    RGBColor(0xE6, 0x9F, 0x00),
    RGBColor(0x00, 0x9E, 0x73),
    RGBColor(0xCC, 0x79, 0xA7),
    RGBColor(0x56, 0xB4, 0xE9),
    RGBColor(0xD5, 0x5E, 0x00),
    RGBColor(0xF0, 0xE4, 0x42),
];

/// The font family charts ask for; the browser resolves it to a CJK-capable face.
pub const FONT_FAMILY: &str = "sans-serif";

/// A drawing failure, reduced to text: the backends' error types differ and the caller only shows it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ChartError(pub String);

impl<E: std::error::Error + Send + Sync> From<plotters::drawing::DrawingAreaErrorKind<E>>
    for ChartError
{
    fn from(error: plotters::drawing::DrawingAreaErrorKind<E>) -> ChartError {
        ChartError(error.to_string())
    }
}
