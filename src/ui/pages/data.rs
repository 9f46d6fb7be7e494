//! 数据 Data: what is stored in this browser, loading the demo, deleting everything.

use crate::format::{count, counted, date, date_time};
use crate::i18n::{entity_names, Lang, Msg};
use crate::model::Day;
use crate::storage::catalogue::SnapshotRecord;
use crate::storage::Store;
use crate::ui::components::{DataTable, WithData};
use crate::ui::pages::data_import::ImportPanel;
use crate::ui::state::{AppState, Loaded, DEMO_DATASET_NAME};
use crate::ui::timezone_offset;
use crate::view::data::dataset_groups;
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
    let restore = move |event: leptos::ev::Event| {
        use wasm_bindgen::JsCast;
        let Some(file) = event
            .target()
            .and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok())
            .and_then(|input| input.files())
            .and_then(|files| files.get(0))
        else {
            return;
        };
        let question = state.lang.get_untracked().text(Msg::ConfirmRestore);
        if !window().confirm_with_message(question).unwrap_or(false) {
            return;
        }
        leptos::task::spawn_local(async move {
            if let Ok(buffer) = wasm_bindgen_futures::JsFuture::from(file.array_buffer()).await {
                state.restore_backup(js_sys::Uint8Array::new(&buffer).to_vec());
            }
        });
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
                <button class="secondary" on:click=move |_| state.export_backup() data-testid="export-backup">
                    {move || state.text(Msg::ExportBackup)}
                </button>
                // The page's own button over the file input: the browser's speaks its own language.
                <label class="file-pick">
                    <input type="file" class="file-input" accept=".keystone" on:change=restore data-testid="restore-backup"/>
                    <span class="button secondary">{move || state.text(Msg::RestoreBackup)}</span>
                </label>
            </div>
            {move || state.notice.get().map(|notice| view! { <p class="notice" role="status">{notice}</p> })}
        </section>
        <ImportPanel/>
        <section class="panel">
            <h2>{move || state.text(Msg::DataHeld)}</h2>
            <WithData render=snapshot/>
        </section>
        <SnapshotList/>
    }
}

/// One snapshot's row, with its buttons to make it current or delete it.
fn snapshot_row(
    state: AppState,
    lang: Lang,
    record: SnapshotRecord,
    current: Option<&str>,
) -> impl IntoView {
    let id = record.snapshot_id.clone();
    let is_current = current == Some(id.as_str());
    let (activate_id, delete_id) = (id.clone(), id.clone());
    let delete = move |_| {
        let question = state.lang.get_untracked().text(Msg::ConfirmDeleteSnapshot);
        if window().confirm_with_message(question).unwrap_or(false) {
            state.delete_snapshot(delete_id.clone());
        }
    };
    view! {
        <tr data-snapshot=id>
            <td translate="no">{display_name(&record.dataset_name, lang)}</td>
            <td>{date_time(&record.imported_at, timezone_offset(), lang)}</td>
            <td>{record.as_of.as_deref().and_then(Day::parse_iso).map_or_else(|| "–".into(), |day| date(day, lang))}</td>
            <td class="num">{count(record.rows.customers)}</td>
            <td class="num">{count(record.rows.transactions)}</td>
            <td>
                {if is_current {
                    view! { <strong>{lang.text(Msg::Current)}</strong> }.into_any()
                } else {
                    view! {
                        <button class="secondary" on:click=move |_| state.activate_snapshot(activate_id.clone())>
                            {lang.text(Msg::Activate)}
                        </button>
                    }.into_any()
                }}
                " "
                <button class="danger" on:click=delete>{lang.text(Msg::Delete)}</button>
            </td>
        </tr>
    }
}

/// Every stored snapshot, with buttons to make one current or delete it.
#[component]
fn SnapshotList() -> impl IntoView {
    let state = expect_context::<AppState>();
    let snapshots = LocalResource::new(move || {
        state.snapshots_changed.track();
        async move { Store::browser().list().await.ok() }
    });
    move || {
        let lang = state.lang.get();
        let Some(Some((list, active))) = snapshots.get() else {
            return ().into_any();
        };
        let rows = dataset_groups(list, active.as_deref())
            .into_iter()
            .map(|group| {
                let name = group.dataset_name.clone();
                let shown_name = display_name(&name, lang);
                let name_attribute = shown_name.clone();
                let n_snapshots = group.snapshots.len();
                let delete_dataset = move |_| {
                    let question = state.lang.get_untracked().text(Msg::ConfirmDeleteDataset);
                    if window().confirm_with_message(question).unwrap_or(false) {
                        state.delete_dataset(name.clone());
                    }
                };
                let snapshots = group
                    .snapshots
                    .into_iter()
                    .map(|record| snapshot_row(state, lang, record, active.as_deref()))
                    .collect_view();
                view! {
                    <tr class="dataset-row" data-dataset=name_attribute>
                        <th scope="rowgroup" colspan="5">
                            <span translate="no">{shown_name}</span> " · " {counted(n_snapshots, Msg::SnapshotOfDataset, Msg::SnapshotsOfDataset, lang)}
                        </th>
                        <td>
                            <button class="danger" data-testid="delete-dataset" on:click=delete_dataset>
                                {lang.text(Msg::DeleteDataset)}
                            </button>
                        </td>
                    </tr>
                    {snapshots}
                }
            })
            .collect_view();
        view! {
            <section class="panel">
                <h2>{lang.text(Msg::Snapshots)}</h2>
                <DataTable testid="snapshots" headers=vec![lang.text(Msg::DatasetName), lang.text(Msg::ImportedAt), lang.text(Msg::AsOf), lang.text(Msg::Customers), lang.text(Msg::Transactions), ""]>{rows}</DataTable>
            </section>
        }
        .into_any()
    }
}

fn display_name(dataset_name: &str, lang: Lang) -> String {
    if dataset_name == DEMO_DATASET_NAME {
        lang.text(Msg::DemoDatasetName).to_owned()
    } else {
        dataset_name.to_owned()
    }
}

fn snapshot(loaded: Arc<Loaded>, lang: Lang) -> impl IntoView {
    let record = &loaded.record;
    let name = display_name(&record.dataset_name, lang);
    let as_of = record
        .as_of
        .as_deref()
        .and_then(Day::parse_iso)
        .map(|day| date(day, lang))
        .unwrap_or_else(|| "–".into());
    let rows = &record.rows;
    view! {
        <dl class="facts" data-testid="snapshot">
            <dt>{lang.text(Msg::DatasetName)}</dt><dd translate="no">{name}</dd>
            <dt>{lang.text(Msg::Snapshot)}</dt><dd translate="no">{record.snapshot_id.clone()}</dd>
            <dt>{lang.text(Msg::ImportedAt)}</dt><dd>{date_time(&record.imported_at, timezone_offset(), lang)}</dd>
            <dt>{lang.text(Msg::AsOf)}</dt><dd>{as_of}</dd>
            <dt>{lang.text(Msg::Customers)}</dt><dd data-count="customers">{count(rows.customers)}</dd>
            <dt>{lang.text(Msg::Holdings)}</dt><dd>{count(rows.holdings)}</dd>
            <dt>{lang.text(Msg::Transactions)}</dt><dd data-count="transactions">{count(rows.transactions)}</dd>
            <dt>{lang.text(Msg::NavRelationshipManagers)}</dt><dd>{count(rows.relationship_managers)}</dd>
        </dl>
        {(!record.sources.is_empty()).then(|| {
            let sources = record
                .sources
                .iter()
                .map(|source| view! {
                    <tr data-source=source.name.clone()>
                        <td translate="no">{source.name.clone()}</td>
                        <td>{source.entity.as_deref().map_or_else(|| "–".into(), |keys| entity_names(keys, lang))}</td>
                        <td class="num">{count(source.size as usize)}</td>
                        <td class="hash" translate="no" data-sha256=source.sha256.clone()>{source.sha256.clone()}</td>
                    </tr>
                })
                .collect_view();
            view! {
                <h3>{lang.text(Msg::SourceFiles)}</h3>
                <DataTable testid="sources" headers=vec![lang.text(Msg::File), lang.text(Msg::Entity), lang.text(Msg::Bytes), "SHA-256"]>{sources}</DataTable>
            }
        })}
    }
}
