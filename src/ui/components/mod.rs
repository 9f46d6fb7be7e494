//! Widgets shared by pages: the data gate, the chart canvas, KPI cards, background-job status.

mod chart_canvas;
mod job_status;
mod kpi_card;
mod with_data;

pub use chart_canvas::ChartCanvas;
pub use job_status::job_status;
pub use kpi_card::KpiCard;
pub use with_data::WithData;
