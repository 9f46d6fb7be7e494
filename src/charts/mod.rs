//! Chart drawing: plain chart specs in, pixels on any plotters backend out.
//!
//! The same function draws onto the browser's canvas (`plotters-canvas`) and onto the SVG backend
//! in native tests, which check what a user would see: bars, labels, title.

mod tier_bars;

pub use tier_bars::{draw_tier_bars, TierBarsSpec};

use plotters::style::RGBColor;

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
