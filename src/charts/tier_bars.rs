//! Customers and AUM per tier, as two bar panels side by side.

use super::{scaled, ChartError, ChartSpec, Hit, FONT_FAMILY, PALETTE};
use crate::format::{count, money_compact};
use crate::i18n::Lang;
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

/// What the tier chart shows, already in the reader's language.
#[derive(Clone, Debug, PartialEq)]
pub struct TierBarsSpec {
    /// The chart's title, including its as-of date.
    pub title: String,
    /// Tier names, highest tier first.
    pub tiers: Vec<String>,
    /// Customers per tier.
    pub customers: Vec<u64>,
    /// AUM per tier, in fen.
    pub aum_fen: Vec<i64>,
    /// Caption of the customers panel.
    pub customers_caption: String,
    /// Caption of the AUM panel.
    pub aum_caption: String,
    /// The reader's language, which picks 万/亿 or K/M/B for the AUM axis.
    pub lang: Lang,
    /// Per tier, where a click on its bars leads (its customer list).
    pub links: Vec<Option<String>>,
}

/// Draws the two panels onto `area` at scale 1.
pub fn draw_tier_bars<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    spec: &TierBarsSpec,
) -> Result<Vec<Hit>, ChartError>
where
    DB::ErrorType: 'static,
{
    spec.draw(area, 1.0)
}

impl ChartSpec for TierBarsSpec {
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
        let (left, right) = area.split_horizontally(area.dim_in_pixel().0 / 2);
        let tooltip = |tier: usize| {
            format!(
                "{}: {} {} · {} {}",
                self.tiers[tier],
                self.customers_caption,
                count(self.customers[tier] as usize),
                self.aum_caption,
                money_compact(self.aum_fen[tier], self.lang)
            )
        };
        let customers: Vec<i64> = self.customers.iter().map(|&c| c as i64).collect();
        let mut hits = draw_panel(
            &left,
            &self.customers_caption,
            &self.tiers,
            &customers,
            PALETTE[0],
            &|v| count(v.max(0) as usize),
            scale,
        )?;
        hits.extend(draw_panel(
            &right,
            &self.aum_caption,
            &self.tiers,
            &self.aum_fen,
            PALETTE[1],
            &|fen| money_compact(fen, self.lang),
            scale,
        )?);
        let tiers = self.tiers.len();
        Ok(hits
            .into_iter()
            .enumerate()
            .map(|(i, rect)| Hit {
                rect,
                text: tooltip(i % tiers),
                link: self.links.get(i % tiers).cloned().flatten(),
            })
            .collect())
    }
}

/// Draws one panel; the bars' rectangles, in order.
pub(super) fn draw_panel<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    caption: &str,
    categories: &[String],
    values: &[i64],
    colour: RGBColor,
    format_value: &dyn Fn(i64) -> String,
    scale: f64,
) -> Result<Vec<(i32, i32, i32, i32)>, ChartError>
where
    DB::ErrorType: 'static,
{
    let top = values.iter().copied().max().unwrap_or(0).max(1);
    // Headroom above the tallest bar so its value label fits.
    let y_max = top + top / 8 + 1;
    let n = categories.len().max(1);
    // A gap between bars a sixth of their slot, at most 12 px: twenty managers still get bars.
    let slot = f64::from(area.dim_in_pixel().0) * 0.8 / n as f64;
    let margin = (scaled(12, scale) as f64).min(slot / 6.0).max(1.0) as u32;
    // Every label while they fit; beyond eight, every few (the tooltip names each bar).
    let label_step = n.div_ceil(8);
    let mut chart = ChartBuilder::on(area)
        .caption(caption, (FONT_FAMILY, scaled(16, scale)))
        .margin(scaled(10, scale))
        .x_label_area_size(scaled(30, scale))
        .y_label_area_size(scaled(70, scale))
        // An integer range is inclusive in plotters' segmented coordinates: n categories are 0..n-1.
        .build_cartesian_2d(
            (0..categories.len().max(1) as i32 - 1).into_segmented(),
            0..y_max,
        )?;
    chart
        .configure_mesh()
        .disable_x_mesh()
        .light_line_style(TRANSPARENT)
        .x_labels(categories.len())
        .x_label_formatter(&|segment| match segment {
            SegmentValue::CenterOf(i) | SegmentValue::Exact(i)
                if (*i as usize).is_multiple_of(label_step) =>
            {
                categories.get(*i as usize).cloned().unwrap_or_default()
            }
            _ => String::new(),
        })
        .y_label_formatter(&|v| format_value(*v))
        .label_style((FONT_FAMILY, scaled(12, scale)))
        .draw()?;
    chart.draw_series(
        Histogram::vertical(&chart)
            .style(colour.filled())
            .margin(margin)
            .data(values.iter().enumerate().map(|(i, &v)| (i as i32, v))),
    )?;
    let label_style = TextStyle::from((FONT_FAMILY, scaled(12, scale)).into_font())
        .pos(Pos::new(HPos::Center, VPos::Bottom));
    let labelled = if n <= 8 { values.len() } else { 0 };
    chart.draw_series(values.iter().take(labelled).enumerate().map(|(i, &v)| {
        Text::new(
            format_value(v),
            (SegmentValue::CenterOf(i as i32), v + top / 100),
            label_style.clone(),
        )
    }))?;
    // The bar as drawn, the full column height: a small bar is still easy to point at.
    Ok((0..values.len())
        .map(|i| {
            let (left, top) = chart.backend_coord(&(SegmentValue::Exact(i as i32), y_max));
            let (right, bottom) = chart.backend_coord(&(SegmentValue::Exact(i as i32 + 1), 0));
            (left + margin as i32, top, right - margin as i32, bottom)
        })
        .collect())
}
