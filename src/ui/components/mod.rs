//! Widgets shared by pages: the data gate, the chart canvas, the data table, KPI cards,
//! background-job status, the reading of a settings form's whole-number field.

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

use leptos::prelude::{GetUntracked, RwSignal};

/// A form field's text as a whole number, `None` when it is not one (the setting keeps its
/// value).
pub fn whole_number(field: RwSignal<String>) -> Option<u32> {
    field.get_untracked().trim().parse().ok()
}
