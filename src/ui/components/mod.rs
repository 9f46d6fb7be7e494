//! Widgets shared by pages: the data gate, the chart canvas, KPI cards.

mod chart_canvas;
mod kpi_card;
mod with_data;

pub use chart_canvas::ChartCanvas;
pub use kpi_card::KpiCard;
pub use with_data::WithData;
