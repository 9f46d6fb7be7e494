//! Customers and AUM per tier, as two bar panels side by side.

use super::{ChartError, FONT_FAMILY, PALETTE};
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
}

/// Draws the two panels onto `area`.
pub fn draw_tier_bars<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    spec: &TierBarsSpec,
) -> Result<(), ChartError>
where
    DB::ErrorType: 'static,
{
    area.fill(&WHITE)?;
    let area = area.titled(&spec.title, (FONT_FAMILY, 20).into_font())?;
    let (left, right) = area.split_horizontally(area.dim_in_pixel().0 / 2);

    let customers: Vec<i64> = spec.customers.iter().map(|&c| c as i64).collect();
    draw_panel(
        &left,
        &spec.customers_caption,
        &spec.tiers,
        &customers,
        PALETTE[0],
        &|v| count(v.max(0) as usize),
    )?;
    draw_panel(
        &right,
        &spec.aum_caption,
        &spec.tiers,
        &spec.aum_fen,
        PALETTE[1],
        &|fen| money_compact(fen, spec.lang),
    )?;
    area.present()?;
    Ok(())
}

fn draw_panel<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    caption: &str,
    categories: &[String],
    values: &[i64],
    colour: RGBColor,
    format_value: &dyn Fn(i64) -> String,
) -> Result<(), ChartError>
where
    DB::ErrorType: 'static,
{
    let top = values.iter().copied().max().unwrap_or(0).max(1);
    // Headroom above the tallest bar so its value label fits.
    let y_max = top + top / 8 + 1;
    let mut chart = ChartBuilder::on(area)
        .caption(caption, (FONT_FAMILY, 16))
        .margin(10)
        .x_label_area_size(30)
        .y_label_area_size(70)
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
            SegmentValue::CenterOf(i) | SegmentValue::Exact(i) => {
                categories.get(*i as usize).cloned().unwrap_or_default()
            }
            SegmentValue::Last => String::new(),
        })
        .y_label_formatter(&|v| format_value(*v))
        .label_style((FONT_FAMILY, 12))
        .draw()?;
    chart.draw_series(
        Histogram::vertical(&chart)
            .style(colour.filled())
            .margin(12)
            .data(values.iter().enumerate().map(|(i, &v)| (i as i32, v))),
    )?;
    let label_style =
        TextStyle::from((FONT_FAMILY, 12).into_font()).pos(Pos::new(HPos::Center, VPos::Bottom));
    chart.draw_series(values.iter().enumerate().map(|(i, &v)| {
        Text::new(
            format_value(v),
            (SegmentValue::CenterOf(i as i32), v + top / 100),
            label_style.clone(),
        )
    }))?;
    Ok(())
}
