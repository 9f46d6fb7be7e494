//! One headline figure with its label.

use leptos::prelude::*;

/// A KPI: a label above a large value.
#[component]
pub fn KpiCard(label: &'static str, value: String, testid: &'static str) -> impl IntoView {
    view! {
        <div class="kpi" data-kpi=testid>
            <div class="kpi-label">{label}</div>
            <div class="kpi-value">{value}</div>
        </div>
    }
}
