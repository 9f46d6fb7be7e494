//! 数据 Data: what is stored in this browser, loading the demo, deleting everything.

use crate::format::{count, date};
use crate::i18n::{Lang, Msg};
use crate::model::Day;
use crate::ui::components::WithData;
use crate::ui::state::{AppState, Loaded, DEMO_DATASET_NAME};
use leptos::prelude::*;
use std::sync::Arc;

/// The data page.
#[component]
pub fn DataPage() -> impl IntoView {
    let state = expect_context::<AppState>();
    let delete_all = move |_| {
        let question = state.lang.get_untracked().text(Msg::ConfirmDeleteAll);
        if window().confirm_with_message(question).unwrap_or(false) {
            state.delete_all();
        }
    };
    view! {
        <section class="panel">
            <div class="actions">
                <button on:click=move |_| state.load_demo() data-testid="load-demo">
                    {move || state.text(Msg::LoadDemo)}
                </button>
                <button class="danger" on:click=delete_all data-testid="delete-all">
                    {move || state.text(Msg::DeleteAll)}
                </button>
            </div>
            {move || state.notice.get().map(|notice| view! { <p class="notice" role="status">{notice}</p> })}
        </section>
        <section class="panel">
            <h2>{move || state.text(Msg::DataHeld)}</h2>
            <WithData render=snapshot/>
        </section>
    }
}

fn snapshot(loaded: Arc<Loaded>, lang: Lang) -> impl IntoView {
    let record = &loaded.record;
    let name = if record.dataset_name == DEMO_DATASET_NAME {
        lang.text(Msg::DemoDatasetName).to_owned()
    } else {
        record.dataset_name.clone()
    };
    let as_of = record
        .as_of
        .as_deref()
        .and_then(Day::parse_iso)
        .map(|day| date(day, lang))
        .unwrap_or_else(|| "–".into());
    let rows = &record.rows;
    view! {
        <dl class="facts" data-testid="snapshot">
            <dt>{lang.text(Msg::DatasetName)}</dt><dd>{name}</dd>
            <dt>{lang.text(Msg::Snapshot)}</dt><dd>{record.snapshot_id.clone()}</dd>
            <dt>{lang.text(Msg::ImportedAt)}</dt><dd>{record.imported_at.clone()}</dd>
            <dt>{lang.text(Msg::AsOf)}</dt><dd>{as_of}</dd>
            <dt>{lang.text(Msg::Customers)}</dt><dd data-count="customers">{count(rows.customers)}</dd>
            <dt>{lang.text(Msg::Holdings)}</dt><dd>{count(rows.holdings)}</dd>
            <dt>{lang.text(Msg::Transactions)}</dt><dd>{count(rows.transactions)}</dd>
            <dt>{lang.text(Msg::NavRelationshipManagers)}</dt><dd>{count(rows.relationship_managers)}</dd>
        </dl>
    }
}
