//! Customers and AUM per tier, as two bar panels side by side.

use super::{
    fit, label_step, scaled, text_width, tick_count, under_caption, ChartError, ChartSpec, Hit,
    Ticks, FONT_FAMILY, PALETTE,
};
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
            Measure::Count,
            scale,
        )?;
        hits.extend(draw_panel(
            &right,
            &self.aum_caption,
            &self.tiers,
            &self.aum_fen,
            PALETTE[1],
            Measure::Money(self.lang),
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

/// What a panel's bars measure: it picks the axis' range and the labels' writing.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Measure {
    /// Customers, transactions: whole numbers.
    Count,
    /// Amounts in fen, in the reader's units.
    Money(Lang),
    /// Whole per cents, drawn against 100 %.
    Percent,
    /// Net promoter scores, −100 to 100, drawn against both ends.
    Nps,
}

impl Measure {
    fn label(self, value: i64) -> String {
        match self {
            Measure::Count => count(value.max(0) as usize),
            Measure::Money(lang) => money_compact(value, lang),
            Measure::Percent => format!("{value}%"),
            Measure::Nps => format!("{value:+}"),
        }
    }

    /// The value as a tooltip says it, to the fen.
    pub fn exact(self, value: i64) -> String {
        match self {
            Measure::Money(_) => crate::format::money_exact(value),
            _ => self.label(value),
        }
    }

    fn ticks(self, range: std::ops::Range<f64>, n: usize) -> Ticks {
        match self {
            Measure::Count | Measure::Percent => Ticks::counts(range, n),
            Measure::Nps => Ticks::numbers(range, n),
            Measure::Money(lang) => Ticks::money(range, n, lang),
        }
    }

    /// The axis' ends before headroom: a share and a score against their whole scale, so no
    /// coverage at all still reads as 0 of 100 %; a count or amount up to the tallest bar.
    fn extent(self, values: &[i64]) -> (f64, f64) {
        match self {
            Measure::Percent => (0.0, 100.0),
            Measure::Nps => (-100.0, 100.0),
            _ => (0.0, values.iter().copied().max().unwrap_or(0).max(1) as f64),
        }
    }
}

/// Draws one panel; the bars' rectangles, in order. Category names skip or shorten to fit
/// under their bars, value labels show only when each fits over its own bar: the tooltip
/// always names the bar and its exact value.
pub(super) fn draw_panel<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    caption: &str,
    categories: &[String],
    values: &[i64],
    colour: RGBColor,
    measure: Measure,
    scale: f64,
) -> Result<Vec<(i32, i32, i32, i32)>, ChartError>
where
    DB::ErrorType: 'static,
{
    let px = f64::from(scaled(12, scale));
    let (bottom, top) = measure.extent(values);
    // Headroom past the tallest bar (and the deepest, below zero) so its value label fits.
    let y_max = top * 1.15 + 1.0;
    let y_min = if bottom < 0.0 {
        bottom * 1.15 - 1.0
    } else {
        0.0
    };
    let n = categories.len().max(1);
    let (margin, caption_px, x_area) = (scaled(10, scale), scaled(16, scale), scaled(30, scale));
    let plot_height = area
        .dim_in_pixel()
        .1
        .saturating_sub(caption_px * 2 + margin * 2 + x_area);
    let ticks = measure.ticks(y_min..y_max, tick_count(plot_height, px, 6));
    let area = under_caption(area, caption, f64::from(caption_px))?;
    let mut chart = ChartBuilder::on(&area)
        .margin(margin)
        // The top tick's label is centred on the plot's edge: half of it needs room.
        .margin_top(margin + (px / 2.0) as u32)
        .x_label_area_size(x_area)
        .y_label_area_size((ticks.widest(px) + px) as u32)
        // An integer range is inclusive in plotters' segmented coordinates: n categories are 0..n-1.
        .build_cartesian_2d((0..n as i32 - 1).into_segmented(), y_min..y_max)?;
    let slot = f64::from(chart.plotting_area().dim_in_pixel().0) / n as f64;
    // A gap between bars a sixth of their slot, at most 12 px: twenty managers still get bars.
    let gap = (f64::from(scaled(12, scale))).min(slot / 6.0).max(1.0) as u32;
    let step = label_step(categories, px, slot);
    let shown: Vec<String> = categories
        .iter()
        .map(|c| fit(c, px, slot * step as f64 - px * 0.5))
        .collect();
    chart
        .configure_mesh()
        .disable_x_mesh()
        .light_line_style(TRANSPARENT)
        .x_labels(n)
        .x_label_formatter(&|segment| match segment {
            SegmentValue::CenterOf(i) | SegmentValue::Exact(i)
                if (*i as usize).is_multiple_of(step) =>
            {
                shown.get(*i as usize).cloned().unwrap_or_default()
            }
            _ => String::new(),
        })
        .y_labels(ticks.values.len())
        .y_label_formatter(&|v| ticks.label(*v))
        .label_style((FONT_FAMILY, px))
        .draw()?;
    // Rectangles in category order, not plotters' `Histogram`: that one sums its data through a
    // `HashMap`, so the bars would leave in a different order on every run.
    chart.draw_series(values.iter().enumerate().map(|(i, &v)| {
        let mut bar = Rectangle::new(
            [
                (SegmentValue::Exact(i as i32), v as f64),
                (SegmentValue::Exact(i as i32 + 1), 0.0),
            ],
            colour.filled(),
        );
        bar.set_margin(0, 0, gap, gap);
        bar
    }))?;
    let label_style =
        TextStyle::from((FONT_FAMILY, px).into_font()).pos(Pos::new(HPos::Center, VPos::Bottom));
    // A bar below zero has its label under its end.
    let below_style =
        TextStyle::from((FONT_FAMILY, px).into_font()).pos(Pos::new(HPos::Center, VPos::Top));
    let value_labels: Vec<String> = values.iter().map(|&v| measure.label(v)).collect();
    let fits = value_labels
        .iter()
        .all(|l| text_width(l, px) + px * 0.3 <= slot);
    if fits {
        chart.draw_series(value_labels.into_iter().enumerate().map(|(i, text)| {
            let (offset, style) = match values[i] < 0 {
                true => (-top / 100.0, &below_style),
                false => (top / 100.0, &label_style),
            };
            Text::new(
                text,
                (SegmentValue::CenterOf(i as i32), values[i] as f64 + offset),
                style.clone(),
            )
        }))?;
    }
    // The bar as drawn, the full column height: a small bar is still easy to point at.
    Ok((0..values.len())
        .map(|i| {
            let (left, top) = chart.backend_coord(&(SegmentValue::Exact(i as i32), y_max));
            let (right, bottom) = chart.backend_coord(&(SegmentValue::Exact(i as i32 + 1), y_min));
            (left + gap as i32, top, right - gap as i32, bottom)
        })
        .collect())
}
