//! One panel of bars with their values: a customer's holdings by product, say.

use super::tier_bars::draw_panel;
pub use super::tier_bars::Measure;
use super::{ChartError, ChartSpec, Hit, PALETTE};
use plotters::coord::Shift;
use plotters::prelude::*;

/// A value per category, already in the reader's language: money, a share, an NPS.
#[derive(Clone, Debug, PartialEq)]
pub struct BarsSpec {
    /// The chart's title, including its as-of date.
    pub title: String,
    /// The categories, in the order drawn.
    pub categories: Vec<String>,
    /// Per category, in the measure's unit (fen, whole per cents, NPS points).
    pub values: Vec<i64>,
    /// The value axis caption.
    pub caption: String,
    /// What the values are: picks the axis, its range and the labels.
    pub measure: Measure,
}

impl ChartSpec for BarsSpec {
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
        let colour = match self.measure {
            Measure::Money(_) | Measure::Count => PALETTE[2],
            Measure::Percent | Measure::Nps => PALETTE[1],
        };
        let rects = draw_panel(
            area,
            &self.caption,
            &self.categories,
            &self.values,
            colour,
            self.measure,
            scale,
        )?;
        Ok(rects
            .into_iter()
            .zip(self.categories.iter().zip(&self.values))
            .map(|(rect, (category, &value))| Hit {
                rect,
                text: format!("{category}: {}", self.measure.exact(value)),
                link: None,
            })
            .collect())
    }
}
