//! One panel of bars with their values: a customer's holdings by product, say.

use super::tier_bars::{draw_panel, Measure};
use super::{ChartError, ChartSpec, Hit, PALETTE};
use crate::i18n::Lang;
use plotters::coord::Shift;
use plotters::prelude::*;

/// Money per category, already in the reader's language.
#[derive(Clone, Debug, PartialEq)]
pub struct BarsSpec {
    /// The chart's title, including its as-of date.
    pub title: String,
    /// The categories, in the order drawn.
    pub categories: Vec<String>,
    /// Per category, an amount in fen.
    pub values_fen: Vec<i64>,
    /// The value axis caption.
    pub caption: String,
    /// The reader's language, which picks 万/亿 or K/M/B.
    pub lang: Lang,
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
        let rects = draw_panel(
            area,
            &self.caption,
            &self.categories,
            &self.values_fen,
            PALETTE[2],
            Measure::Money(self.lang),
            scale,
        )?;
        Ok(rects
            .into_iter()
            .zip(self.categories.iter().zip(&self.values_fen))
            .map(|(rect, (category, &fen))| Hit {
                rect,
                text: format!("{category}: {}", crate::format::money_exact(fen)),
                link: None,
            })
            .collect())
    }
}

/// A share per category, in whole per cents (coverage per manager, say).
#[derive(Clone, Debug, PartialEq)]
pub struct SharesSpec {
    /// The chart's title, including its as-of date.
    pub title: String,
    /// The categories, in the order drawn.
    pub categories: Vec<String>,
    /// Per category, 0 to 100.
    pub percents: Vec<i64>,
    /// The value axis caption.
    pub caption: String,
}

impl ChartSpec for SharesSpec {
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
        let rects = draw_panel(
            area,
            &self.caption,
            &self.categories,
            &self.percents,
            PALETTE[1],
            Measure::Percent,
            scale,
        )?;
        Ok(rects
            .into_iter()
            .zip(self.categories.iter().zip(&self.percents))
            .map(|(rect, (category, percent))| Hit {
                rect,
                text: format!("{category}: {percent}%"),
                link: None,
            })
            .collect())
    }
}
