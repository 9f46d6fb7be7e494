//! Widgets shared by pages: the data gate, the chart canvas, the data table, KPI cards,
//! background-job status.

mod chart_canvas;
mod data_table;
mod job_status;
mod kpi_card;
mod with_data;

pub use chart_canvas::ChartCanvas;
pub use data_table::DataTable;
pub use job_status::job_status;
pub use kpi_card::KpiCard;
pub use with_data::WithData;
