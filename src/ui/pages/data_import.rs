//! The import panel of the Data page: pick files, check each guess (contents, encoding, column
//! mapping), validate, read the report, then commit as a new snapshot or cancel.

use crate::format::{count, counted};
use crate::i18n::{canonical_label, entity_name, field_name, issue_reason, Lang, Msg};
use crate::import::{
    auto_map, canonical_values, header_signature, DayMonthOrder, Entity, Field, MappingPreset,
    Plan, ReadOptions, TextEncoding, TextLayout,
};
use crate::model::Currency;
use crate::storage::catalogue::SourceFile;
use crate::storage::codec::RowCounts;
use crate::storage::Store;
use crate::ui::components::DataTable;
use crate::ui::download::download_bytes;
use crate::ui::state::{AppState, DataState};
use crate::view::import_session::{
    commit_blocked, commit_caveat, currency_note, issues_by_file, value_maps, value_rows,
    ImportFigures, ImportSession, ImportStage, ImportStep, PlanApplied, Validated, ValueMapOf,
    ValueStatus,
};
use crate::worker::protocol::{ImportPlan, PlannedFile, Reread, SheetSummary};
use crate::worker::{
    warm_up_page, wasm_memory_bytes, ImportEvent, ImportWorker, Imported, TransferredChunks,
};
use leptos::prelude::*;
use leptos::task::spawn_local;
use std::sync::Arc;
use wasm_bindgen::JsCast;

const ISSUES_LISTED: usize = 1_000;

/// A picked file as the worker read it, with the user's choices.
type DraftFile = SheetSummary;

/// The picked files in the session, as the mapping cards read and change them.
#[derive(Clone, Copy)]
struct Drafts(RwSignal<ImportSession>);

impl Drafts {
    fn get(self) -> Vec<DraftFile> {
        self.0.with(|s| s.files.clone())
    }

    fn get_untracked(self) -> Vec<DraftFile> {
        self.0.with_untracked(|s| s.files.clone())
    }

    fn update(self, change: impl FnOnce(&mut Vec<DraftFile>)) {
        self.0.update(|s| change(&mut s.files));
    }
}

fn now_ms() -> f64 {
    js_sys::Date::now()
}

/// The import panel.
#[component]
pub fn ImportPanel() -> impl IntoView {
    let state = expect_context::<AppState>();
    let session = RwSignal::new(ImportSession::default());
    let files = Drafts(session);
    let step = move |step: ImportStep| session.update(|s| s.step(step));
    // The panel redraws its stage only when the stage changes, not on every row of progress
    // or mapping edit (which would recreate the inputs being typed in).
    let stage = Memo::new(move |_| session.with(|s| s.stage.clone()));
    let snapshot_name = RwSignal::new(String::new());
    let timings = RwSignal::new(ImportFigures::default());
    let t = move |msg: Msg| state.text(msg);

    // Append to the dataset shown (a later period) instead of starting a new one.
    let append = RwSignal::new(false);
    let current = move || match state.data.get_untracked() {
        DataState::Ready(loaded) => Some(loaded),
        _ => None,
    };
    let preset_name = RwSignal::new(String::new());
    let save_preset = move |_| {
        let name = preset_name.get_untracked().trim().to_owned();
        if name.is_empty() {
            return;
        }
        let mut presets = Store::mapping_presets();
        for draft in files.get_untracked() {
            let Some(entity) = draft.entity else { continue };
            presets.push(MappingPreset {
                name: name.clone(),
                signature: header_signature(&draft.headers),
                entity,
                mapping: draft.mapping.clone(),
            });
        }
        Store::set_mapping_presets(&presets);
        session.update(|s| s.applied_preset = Some(name));
    };
    // The worker is not `Send`; it lives in this panel and dies (cancelling its work) with it.
    let worker = StoredValue::new_local(None::<ImportWorker>);
    // The validated dataset's chunks, still in the worker's buffers: stored as they are.
    let transferred = StoredValue::new_local(None::<TransferredChunks>);
    let phase_started = StoredValue::new(0.0f64);
    // Loading a worker's wasm and compiling its import code take a moment: the first import's
    // workers load and warm up while the manager picks the files.
    let spare = StoredValue::new_local(None::<ImportWorker>);

    let on_worker_message = move |message: ImportEvent| match message {
        ImportEvent::Read(summaries) => {
            timings.update(|t| t.read_ms = now_ms() - phase_started.get_value());
            let presets = Store::mapping_presets();
            step(ImportStep::Read { summaries, presets });
        }
        ImportEvent::Reread(index, summary) => step(ImportStep::Reread {
            index,
            summary: Box::new(summary),
        }),
        ImportEvent::Values(index, column, values) => step(ImportStep::Values {
            index,
            column,
            values,
        }),
        ImportEvent::Progress(rows) => step(ImportStep::Progress(rows)),
        ImportEvent::Imported(Imported {
            result,
            chunks,
            page_memory_bytes,
        }) => {
            let validate_ms = now_ms() - phase_started.get_value();
            timings.update(|t| t.validated(&result, validate_ms, page_memory_bytes));
            transferred.set_value(Some(chunks));
            step(ImportStep::Validated(Validated {
                report: result.report,
                rows: result.rows,
                sha256: result.sha256,
            }));
        }
        ImportEvent::Failed(why) => step(ImportStep::Failed(why)),
        ImportEvent::Stopped(detail) => {
            // The crashed worker's partner, if any, has nothing left to do. A spare that died
            // while warming up (or could not start) must not take the next pick: a fresh one
            // does, and says so if it fails too.
            worker.set_value(None);
            spare.set_value(None);
            step(ImportStep::WorkerStopped(detail))
        }
    };
    let started = ImportWorker::start(on_worker_message).ok();
    if let Some(workers) = &started {
        workers.warm_up();
        // After the page has drawn: the warm-up holds this thread for a few tens of ms.
        set_timeout(warm_up_page, std::time::Duration::from_millis(300));
    }
    spare.set_value(started);

    let on_pick = move |event: leptos::ev::Event| {
        let Some(input) = event
            .target()
            .and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok())
        else {
            return;
        };
        let Some(list) = input.files() else { return };
        let picked: Vec<web_sys::File> = (0..list.length()).filter_map(|i| list.get(i)).collect();
        // Empty the input, so the next pick (even of the same files) starts a new import.
        input.set_value("");
        let total: f64 = picked.iter().map(|f| f.size()).sum();
        // The last import's "saved" message belongs to that import.
        state.notice.set(None);
        step(ImportStep::Picked { bytes: total });
        if !matches!(session.get_untracked().stage, ImportStage::Reading) {
            return;
        }
        phase_started.set_value(now_ms());
        timings.set(ImportFigures::picked(total));
        // A fresh worker per import (the previous one, if any, is terminated on replacement):
        // the one started with the panel, else one started now.
        let ready = spare.try_update_value(Option::take).flatten();
        match ready.map_or_else(|| ImportWorker::start(on_worker_message), Ok) {
            Ok(started) => worker.set_value(Some(started)),
            Err(why) => {
                step(ImportStep::Failed(why));
                return;
            }
        }
        worker.with_value(|w| {
            if let Some(w) = w {
                w.read(&picked, Vec::new());
            }
        });
    };

    let reread = Callback::new(move |(index, options): (usize, ReadOptions)| {
        worker.with_value(|w| {
            if let Some(w) = w {
                w.reread(Reread { index, options });
            }
        });
    });

    let drop_file = Callback::new(move |index: usize| {
        worker.with_value(|w| {
            if let Some(w) = w {
                w.drop_file(index);
            }
        });
        step(ImportStep::Drop(index));
    });

    let ask_values = Callback::new(move |(index, column): (usize, usize)| {
        worker.with_value(|w| {
            if let Some(w) = w {
                w.values(index, column);
            }
        });
    });

    // A mapping plan: the same JSON `keystone-cli inspect` writes and `analyze --plan` reads.
    let plan_notice = RwSignal::new(None::<(bool, String)>);
    let export_plan = move |_| {
        let json = session.with_untracked(|s| s.plan().to_json());
        download_bytes("keystone-plan.json", "application/json", json.as_bytes());
    };
    let on_plan = move |event: leptos::ev::Event| {
        let Some(input) = event
            .target()
            .and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok())
        else {
            return;
        };
        let Some(file) = input.files().and_then(|list| list.get(0)) else {
            return;
        };
        input.set_value("");
        spawn_local(async move {
            let lang = state.lang.get_untracked();
            let text = wasm_bindgen_futures::JsFuture::from(file.text())
                .await
                .ok()
                .and_then(|t| t.as_string())
                .unwrap_or_default();
            let plan = match Plan::from_json(&text) {
                Ok(plan) => plan,
                Err(error) => {
                    plan_notice.set(Some((
                        false,
                        format!("{} {error}", lang.text(Msg::PlanRefused)),
                    )));
                    return;
                }
            };
            let mut applied = PlanApplied::default();
            session.update(|s| applied = s.apply_plan(&plan));
            for (index, options) in applied.reread {
                reread.run((index, options));
            }
            for index in applied.skip.iter().copied() {
                drop_file.run(index);
            }
            plan_notice.set(Some(if applied.problems.is_empty() {
                (
                    true,
                    format!(
                        "{} {}",
                        lang.text(Msg::PlanApplied),
                        counted(applied.files, Msg::FileCounted, Msg::FilesCounted, lang)
                    ),
                )
            } else {
                (
                    false,
                    format!(
                        "{} {}",
                        lang.text(Msg::PlanRefused),
                        applied.problems.join("; ")
                    ),
                )
            }));
        });
    };

    // Files with no customers can only join the customers shown: tick "Append" for them.
    Effect::new(move |_| {
        let lacks = session.with(|s| s.stage == ImportStage::Mapping && s.lacks_customers());
        if lacks && current().is_some() {
            append.set(true);
        }
    });

    // The dataset's currency: an appended period's is the dataset's own.
    let dataset_currency = move || match (append.get_untracked(), current()) {
        (true, Some(loaded)) => loaded.record.currency,
        _ => session.with_untracked(ImportSession::currency),
    };
    let validate = move |_| {
        let plan = ImportPlan {
            files: files
                .get_untracked()
                .iter()
                .filter_map(|d| {
                    Some(PlannedFile {
                        entity: d.entity?,
                        mapping: d.mapping.clone(),
                        date_style: d.date_style,
                    })
                })
                .collect(),
            today: (js_sys::Date::now() / 86_400_000.0).floor() as i32,
            append_to: None,
            currency: dataset_currency(),
        };
        let base = if append.get_untracked() {
            current()
        } else {
            None
        };
        let plan = ImportPlan {
            append_to: base.as_ref().map(|b| RowCounts::of(&b.dataset)),
            ..plan
        };
        step(ImportStep::Validate);
        phase_started.set_value(now_ms());
        worker.with_value(|w| {
            if let Some(w) = w {
                w.import(plan.clone(), base.as_ref().map(|b| &*b.dataset));
            }
        });
    };

    let commit = move |_| {
        let ImportStage::Validated(validated) = session.get_untracked().stage else {
            return;
        };
        let Some(chunks) = transferred.try_update_value(Option::take).flatten() else {
            return;
        };
        let rows = validated.rows;
        let held_sources = match (append.get_untracked(), current()) {
            (true, Some(loaded)) => loaded.record.sources.clone(),
            _ => Vec::new(),
        };
        let sources = held_sources
            .into_iter()
            .chain(
                files
                    .get_untracked()
                    .iter()
                    .zip(&validated.sha256)
                    .map(|(d, sha256)| SourceFile {
                        name: d.name.clone(),
                        size: d.size,
                        sha256: sha256.clone(),
                        entity: d.entity.map(|e| e.key().to_owned()),
                        mapping: d
                            .mapping
                            .columns
                            .iter()
                            .map(|&(field, column)| {
                                (
                                    format!("{field:?}"),
                                    d.headers.get(column).cloned().unwrap_or_default(),
                                )
                            })
                            .collect(),
                    }),
            )
            .collect();
        let name = match (
            snapshot_name.get_untracked(),
            append.get_untracked(),
            current(),
        ) {
            // An appended period is a later snapshot of the same dataset unless renamed.
            (typed, true, Some(loaded)) if typed.trim().is_empty() => {
                loaded.record.dataset_name.clone()
            }
            (typed, _, _) => typed,
        };
        let currency = dataset_currency();
        step(ImportStep::Commit);
        let started = now_ms();
        spawn_local(async move {
            match state
                .commit_import(name, sources, currency, rows, chunks)
                .await
            {
                Ok(steps) => {
                    timings.update(|t| {
                        t.commit_ms = now_ms() - started;
                        t.commit_steps = steps;
                    });
                    worker.set_value(None);
                    step(ImportStep::Committed);
                    state
                        .notice
                        .set(Some(state.lang.get_untracked().text(Msg::Imported).into()));
                }
                Err(why) => {
                    let lang = state.lang.get_untracked();
                    step(ImportStep::Failed(format!(
                        "{} {why}",
                        lang.text(Msg::ImportFailed)
                    )));
                }
            }
        });
    };

    // From a report back to its files and mapping. The worker that validated them is gone (its
    // memory with it): a new one reads the same files, each as the manager chose to read it.
    let back_to_mapping = move |_| {
        transferred.set_value(None);
        let picked = worker.with_value(|w| w.as_ref().map(ImportWorker::files));
        let Some(picked) = picked else {
            return;
        };
        let options = files
            .get_untracked()
            .into_iter()
            .map(|d| d.options)
            .collect();
        step(ImportStep::BackToMapping);
        match ImportWorker::start(on_worker_message) {
            Ok(started) => {
                started.read(&picked, options);
                worker.set_value(Some(started));
            }
            Err(why) => step(ImportStep::Failed(why)),
        }
    };

    // Cancelling terminates the worker mid-parse; nothing was stored, so nothing is undone.
    let cancel = move |_| {
        worker.set_value(None);
        transferred.set_value(None);
        step(ImportStep::Cancel);
    };

    let timing_text = move || timings.get().summary(state.lang.get());
    // The figures `make bench` reads, as the panel's attributes.
    let panel = NodeRef::<leptos::html::Section>::new();
    // A memo: the session changes with every progress report, the files' read times rarely.
    let worker_read_ms = Memo::new(move |_| {
        session.with(|s| s.files.iter().map(|f| f64::from(f.read_ms)).sum::<f64>())
    });
    Effect::new(move |_| {
        let figures = timings.get();
        let worker_read_ms = worker_read_ms.get();
        if let Some(panel) = panel.get() {
            for (name, value) in figures.attributes(worker_read_ms) {
                let _ = panel.set_attribute(name, &value);
            }
            let _ = panel.set_attribute("data-wasm-memory-bytes", &wasm_memory_bytes().to_string());
        }
    });
    view! {
        <section
            class="panel"
            data-testid="import"
            node_ref=panel
        >
            <h2>{move || t(Msg::ImportTitle)}</h2>
            <p class="hint">{move || t(Msg::ImportHint)}</p>
            // Any file: exports come as .dat, .prn, .asc, .txt …, and the content says what it is.
            // The browser's own button speaks the browser's language: a label in the page's
            // stands in for it, and the input stays focusable under it.
            <label class="file-pick">
                <input
                    type="file"
                    multiple
                    class="file-input"
                    on:change=on_pick
                    data-testid="import-files"
                />
                <span class="button">{move || t(Msg::ChooseFiles)}</span>
            </label>
            <p class="hint" data-testid="import-timings">{timing_text}</p>
            {move || match stage.get() {
                ImportStage::Idle => ().into_any(),
                ImportStage::Reading => view! { <p class="loading">{t(Msg::ReadingFiles)}</p> }.into_any(),
                ImportStage::Validating => {
                    let total = session.with_untracked(ImportSession::rows_expected);
                    let progress = move || session.with(|s| s.rows_done);
                    view! {
                        <p class="loading" role="status">
                            {t(Msg::Validating)} " "
                             <progress max=total value=progress data-testid="import-progress"></progress>
                            " " {move || count(progress())} " / " {count(total)} " " {t(Msg::Rows)}
                            {move || {
                                let seconds = (now_ms() - phase_started.get_value()) / 1000.0;
                                let rate = progress() as f64 / seconds.max(0.001);
                                format!(" · {} {}/s", count(rate as usize), t(Msg::Rows))
                            }}
                        </p>
                        <button class="secondary" on:click=cancel data-testid="import-cancel-running">{t(Msg::CancelImport)}</button>
                    }
                    .into_any()
                }
                ImportStage::Committing => view! { <p class="loading">{t(Msg::Committing)}</p> }.into_any(),
                ImportStage::Failed(why) => view! { <p class="error" role="alert" data-testid="import-error">{why.text(state.lang.get())}</p> }.into_any(),
                ImportStage::Mapping => view! {
                    {move || session.with(|s| s.applied_preset.clone()).map(|name| view! {
                        <p class="notice" data-testid="preset-applied">{t(Msg::PresetApplied)} " " {name}</p>
                    })}
                    {move || (session.with(ImportSession::lacks_customers) && matches!(state.data.get(), DataState::Ready(_))).then(|| view! {
                        <p class="notice" data-testid="import-attach">
                            {t(Msg::AttachToCurrent)} " "
                            <strong translate="no">{move || match state.data.get() {
                                DataState::Ready(loaded) => loaded.record.dataset_name.clone(),
                                _ => String::new(),
                            }}</strong>
                        </p>
                    })}
                    <FileCards files=files reread=reread drop_file=drop_file ask_values=ask_values/>
                    <div class="actions">
                        <button class="secondary" on:click=export_plan data-testid="plan-export">{t(Msg::ExportPlan)}</button>
                        <label class="file-pick">
                            <input type="file" accept=".json,application/json" class="file-input" on:change=on_plan data-testid="plan-import"/>
                            <span class="button secondary">{t(Msg::ImportPlan)}</span>
                        </label>
                    </div>
                    {move || plan_notice.get().map(|(ok, text)| view! {
                        <p class=if ok { "notice" } else { "error" } role="status" data-testid="plan-notice">{text}</p>
                    })}
                    {move || matches!(state.data.get(), DataState::Ready(_)).then(|| view! {
                        <label class="append">
                            <input type="checkbox" bind:checked=append data-testid="import-append"/>
                            " " {t(Msg::AppendToCurrent)}
                        </label>
                    })}
                    {move || {
                        let lang = state.lang.get();
                        let appended = append.get().then(current).flatten();
                        let currency = match &appended {
                            Some(loaded) => loaded.record.currency,
                            None => session.with(ImportSession::currency),
                        };
                        let options = Currency::ALL
                            .into_iter()
                            .map(|c| {
                                let name = match lang {
                                    Lang::Zh => c.zh_name(),
                                    Lang::En => c.sign().trim(),
                                };
                                view! { <option value=c.code() selected=c == currency>{format!("{} {name}", c.code())}</option> }
                            })
                            .collect_view();
                        let note = match &appended {
                            Some(_) => t(Msg::CurrencyAppended).to_owned(),
                            None => currency_note(currency, session.with(|s| s.currency.is_some()), &session.with(ImportSession::currencies_named), lang),
                        };
                        view! {
                            <div class="controls">
                                <label>
                                    {t(Msg::Currency)} " "
                                    <select
                                        disabled=appended.is_some()
                                        on:change=move |event| {
                                            let chosen = Currency::from_code(&event_target_value(&event));
                                            session.update(|s| s.currency = chosen);
                                        }
                                        data-testid="import-currency"
                                    >
                                        {options}
                                    </select>
                                </label>
                                <span class="hint" data-testid="import-currency-note">{note}</span>
                            </div>
                        }
                    }}
                    <div class="actions">
                        <label>
                            {t(Msg::PresetName)} " "
                            <input type="text" bind:value=preset_name data-testid="preset-name"/>
                        </label>
                        <button class="secondary" on:click=save_preset data-testid="preset-save">{t(Msg::SavePreset)}</button>
                    </div>
                    {move || {
                        let waiting = session.with(|s| s.needs_mapping().join("、"));
                        (!waiting.is_empty()).then(|| view! {
                            <p class="error" role="alert" data-testid="import-needs-mapping">
                                {t(Msg::ValidateWaitsForMapping)} " " <span translate="no">{waiting}</span>
                            </p>
                        })
                    }}
                    <div class="actions">
                        <button
                            on:click=validate
                            disabled=move || session.with(|s| !s.needs_mapping().is_empty())
                            data-testid="import-validate"
                        >
                            {t(Msg::Validate)}
                        </button>
                        <button class="secondary" on:click=cancel>{t(Msg::CancelImport)}</button>
                    </div>
                }.into_any(),
                ImportStage::Validated(validated) => view! {
                    <Report validated=validated.clone()/>
                    <div class="actions">
                        <label>
                            {t(Msg::SnapshotName)} " "
                            <input type="text" bind:value=snapshot_name data-testid="import-name"/>
                        </label>
                        {commit_caveat(&validated.report).map(|why| view! {
                            <p class="notice" data-testid="import-caveat">{t(why)}</p>
                        })}
                        {match commit_blocked(&validated.report) {
                            None => view! {
                                <button on:click=commit data-testid="import-commit">{t(Msg::Commit)}</button>
                            }.into_any(),
                            Some(why) => view! {
                                <p class="error" role="alert" data-testid="import-blocked">{t(why)}</p>
                            }.into_any(),
                        }}
                        <button class="secondary" on:click=back_to_mapping data-testid="import-back">{t(Msg::BackToMapping)}</button>
                        <button class="secondary" on:click=cancel data-testid="import-cancel">{t(Msg::CancelImport)}</button>
                    </div>
                }.into_any(),
            }}
        </section>
    }
}

/// One card per picked file: contents, encoding, mapping selects and a preview.
#[component]
fn FileCards(
    files: Drafts,
    reread: Callback<(usize, ReadOptions)>,
    drop_file: Callback<usize>,
    ask_values: Callback<(usize, usize)>,
) -> impl IntoView {
    let state = expect_context::<AppState>();
    move || {
        let lang = state.lang.get();
        files
            .get()
            .into_iter()
            .enumerate()
            .map(|(index, draft)| {
                let calls = CardCalls {
                    reread,
                    drop_file,
                    ask_values,
                };
                file_card(files, calls, index, draft, lang)
            })
            .collect_view()
    }
}

/// What a file card asks of the panel: read again, drop, count a column's values.
#[derive(Clone, Copy)]
struct CardCalls {
    reread: Callback<(usize, ReadOptions)>,
    drop_file: Callback<usize>,
    ask_values: Callback<(usize, usize)>,
}

fn file_card(
    files: Drafts,
    calls: CardCalls,
    index: usize,
    draft: DraftFile,
    lang: Lang,
) -> impl IntoView {
    let CardCalls {
        reread,
        drop_file,
        ask_values,
    } = calls;
    let encoding = draft.encoding.clone().unwrap_or_else(|| "–".into());
    let delimiter = draft.delimiter.map(|d| match d {
        b'\t' => "Tab".to_string(),
        b' ' => lang.text(Msg::SpaceRuns).to_string(),
        d => (d as char).to_string(),
    });
    let on_entity = move |event| {
        let key = event_target_value(&event);
        files.update(|all| {
            if let Some(entity) = Entity::from_key(&key) {
                let d = &mut all[index];
                d.entity = Some(entity);
                d.mapping = auto_map(entity, &d.headers);
            }
        });
    };
    let choose = draft.entity.is_none().then(|| {
        view! { <option value="" selected=true disabled=true>{lang.text(Msg::ChooseEntity)}</option> }
    });
    let entity_options = Entity::ALL
        .into_iter()
        .map(|entity| {
            view! {
                <option value=entity.key() selected=Some(entity) == draft.entity>
                    {entity_name(entity, lang)}
                </option>
            }
        })
        .collect_view();
    let reading = reading_controls(reread, index, &draft, lang);
    let dates = date_controls(files, index, &draft, lang);
    let missing_text = match draft.entity {
        None => Some(lang.text(Msg::NeedsMapping).to_owned()),
        Some(entity) => {
            let missing = draft.mapping.missing_required(entity);
            (!missing.is_empty()).then(|| {
                let names: Vec<&str> = missing.iter().map(|&f| field_name(f, lang)).collect();
                format!("{} {}", lang.text(Msg::MissingRequired), names.join("、"))
            })
        }
    };
    let headers = draft.headers.clone();
    let mapping_rows = draft
        .entity
        .map_or(&[][..], Entity::fields)
        .iter()
        .map(|spec| {
            let field = spec.field;
            let current = draft.mapping.column(field);
            let fixed = draft.mapping.fixed(field).map(str::to_owned);
            // The customer id is not needed where the account id names the row's holder.
            let by_account = field == Field::CustomerId
                && draft.entity.is_some_and(Entity::keyed_by_account)
                && draft.mapping.column(Field::AccountId).is_some();
            let required = spec.required && !by_account;
            let on_change = move |event| {
                let value = event_target_value(&event);
                files.update(|all| {
                    let mapping = &mut all[index].mapping;
                    match value.strip_prefix("fixed:") {
                        Some(fixed) => mapping.set_fixed(field, Some(fixed)),
                        None => {
                            mapping.set_fixed(field, None);
                            mapping.set(field, value.parse::<usize>().ok());
                        }
                    }
                });
            };
            let column_options = headers
                .iter()
                .enumerate()
                .map(|(c, header)| {
                    view! { <option value=c.to_string() selected=current == Some(c) translate="no">{header.clone()}</option> }
                })
                .collect_view();
            // A file of one product family (loans) names none: every row takes one value.
            let fixed_options = (!canonical_values(field).is_empty()).then(|| {
                let options = canonical_values(field)
                    .iter()
                    .map(|&(value, _)| {
                        let selected = fixed.as_deref() == Some(value);
                        view! {
                            <option value=format!("fixed:{value}") selected=selected>
                                {canonical_label(Some(field), value, lang)}
                            </option>
                        }
                    })
                    .collect_view();
                view! { <optgroup label=lang.text(Msg::FixedValue)>{options}</optgroup> }
            });
            view! {
                <tr>
                    <th scope="row">
                        {field_name(field, lang)}
                        {required.then(|| view! { <span class="required">" *"</span> })}
                    </th>
                    <td>
                        <select on:change=on_change aria-label=field_name(field, lang) data-field=format!("{field:?}")>
                            <option value="" selected=current.is_none() && fixed.is_none()>{lang.text(Msg::NotMapped)}</option>
                            {column_options}
                            {fixed_options}
                        </select>
                    </td>
                </tr>
            }
        })
        .collect_view();
    let maps = value_maps(&draft);
    let field_maps = maps
        .iter()
        .filter(|of| matches!(of, ValueMapOf::Field(..)))
        .map(|&of| value_map(files, ask_values, index, &draft, of, lang))
        .collect_view();
    let kept_maps = maps
        .iter()
        .filter(|of| matches!(of, ValueMapOf::Kept(_)))
        .map(|&of| value_map(files, ask_values, index, &draft, of, lang))
        .collect_view();
    let kept_group = (maps.iter().any(|of| matches!(of, ValueMapOf::Kept(_)))).then(|| {
        view! {
            <details class="kept-value-maps" data-testid="kept-value-maps">
                <summary>{lang.text(Msg::KeptValueMaps)}</summary>
                <p class="hint">{lang.text(Msg::KeptValueMapsHint)}</p>
                {kept_maps}
            </details>
        }
    });
    let preview_head = draft
        .headers
        .iter()
        .map(|h| view! { <th scope="col" translate="no">{h.clone()}</th> })
        .collect_view();
    let preview_rows = draft
        .preview
        .iter()
        .cloned()
        .map(|cells| {
            let cells = cells
                .into_iter()
                .map(|c| view! { <td translate="no">{c}</td> })
                .collect_view();
            view! { <tr>{cells}</tr> }
        })
        .collect_view();
    view! {
        <div class="file-card" data-file=draft.name.clone()>
            <div class="report-bar">
                <h3 translate="no" id=format!("import-file-{index}")>{draft.name.clone()}</h3>
                <button
                    class="secondary small"
                    on:click=move |_| drop_file.run(index)
                    aria-describedby=format!("import-file-{index}")
                    data-testid="import-remove-file"
                >
                    {lang.text(Msg::RemoveFile)}
                </button>
            </div>
            <p class="hint">
                {lang.text(match draft.format.as_str() {
                    "Workbook" => Msg::FormatWorkbook,
                    "Json" => Msg::FormatJson,
                    _ => Msg::FormatDelimited,
                })}
                " · " {lang.text(Msg::Encoding)} ": " {encoding}
                {delimiter.map(|d| format!(" · {}: {d}", lang.text(Msg::Delimiter)))}
                {draft.sheet.clone().map(|s| format!(" · {}: {s}", lang.text(Msg::Sheet)))}
                " · " {if draft.format == "Delimited" { "≈" } else { "" }}
                {counted(draft.rows, Msg::Row, Msg::Rows, lang)}
            </p>
            <div class="controls">
                <label>
                    {lang.text(Msg::Entity)} " "
                    <select on:change=on_entity data-testid="import-entity">{choose}{entity_options}</select>
                </label>
                {reading}
                {dates}
            </div>
            {missing_text.map(|m| view! { <p class="error" data-testid="import-file-problem">{m}</p> })}
            <details open>
                <summary>{lang.text(Msg::ColumnMapping)}</summary>
                <DataTable class="mapping">{mapping_rows}</DataTable>
            </details>
            {field_maps}
            {kept_group}
            <details>
                <summary>{lang.text(Msg::Preview)}</summary>
                <DataTable scroll=true head=preview_head.into_any()>{preview_rows}</DataTable>
            </details>
        </div>
    }
}

/// The value map of one column: each value found with its rows, how it reads, and what the
/// manager assigns it to.
fn value_map(
    files: Drafts,
    ask_values: Callback<(usize, usize)>,
    index: usize,
    draft: &DraftFile,
    of: ValueMapOf,
    lang: Lang,
) -> impl IntoView {
    let column = of.column();
    let field = match of {
        ValueMapOf::Field(field, _) => Some(field),
        ValueMapOf::Kept(_) => None,
    };
    let body = match value_rows(draft, of) {
        None => view! {
            <button
                class="secondary small"
                on:click=move |_| ask_values.run((index, column))
                data-testid="value-map-load"
            >
                {lang.text(Msg::CountValues)}
            </button>
        }
        .into_any(),
        Some((rows, more)) => {
            let rows = rows
                .into_iter()
                .map(|row| {
                    let value = row.value.clone();
                    let on_change = move |event| {
                        let to = event_target_value(&event);
                        files.update(|all| {
                            of.assign(
                                &mut all[index].mapping,
                                &value,
                                (!to.is_empty()).then_some(to.as_str()),
                            )
                        });
                    };
                    let options = of
                        .canonical()
                        .iter()
                        .map(|&(canonical, _)| {
                            view! {
                                <option value=canonical selected=row.assigned.as_deref() == Some(canonical)>
                                    {canonical_label(field, canonical, lang)}
                                </option>
                            }
                        })
                        .collect_view();
                    let status = match row.status {
                        ValueStatus::Assigned => Msg::ValueAssigned,
                        ValueStatus::Understood => Msg::ValueUnderstood,
                        ValueStatus::NotUnderstood => Msg::ValueNotUnderstood,
                        ValueStatus::KeptAsWritten => Msg::ValueKeptAsWritten,
                    };
                    view! {
                        <tr data-value=row.value.clone() data-understood=row.understood().to_string()>
                            <td translate="no">{row.value.clone()}</td>
                            <td class="num">{count(row.rows)}</td>
                            <td>{lang.text(status)}</td>
                            <td>
                                <select on:change=on_change aria-label=row.value.clone() data-testid="value-map-assign">
                                    <option value="" selected=row.assigned.is_none()>{lang.text(Msg::AsExported)}</option>
                                    {options}
                                </select>
                            </td>
                        </tr>
                    }
                })
                .collect_view();
            view! {
                <DataTable class="mapping" headers=vec![lang.text(Msg::ExportedValue), lang.text(Msg::Rows), lang.text(Msg::ValueStatus), lang.text(Msg::ReadAs)]>{rows}</DataTable>
                {more.then(|| view! { <p class="hint">{lang.text(Msg::MoreValues)}</p> })}
            }
            .into_any()
        }
    };
    let (title, data_field) = match of {
        ValueMapOf::Field(field, _) => (field_name(field, lang).to_owned(), format!("{field:?}")),
        ValueMapOf::Kept(column) => {
            let header = draft.headers.get(column).cloned().unwrap_or_default();
            (header.clone(), format!("kept:{header}"))
        }
    };
    view! {
        <details open=field.is_some() class="value-map" data-field=data_field data-testid="value-map">
            <summary>{lang.text(Msg::ValueMap)} " · " <span translate=if field.is_some() { "yes" } else { "no" }>{title}</span></summary>
            {body}
        </details>
    }
}

/// The validation report: per-file counts, the first issues, and the full list as CSV.
#[component]
fn Report(validated: Arc<Validated>) -> impl IntoView {
    let state = expect_context::<AppState>();
    let report = &validated.report;
    let csv = report.issues_csv();
    let download = move |_| {
        crate::ui::download::download_bytes(
            "keystone-import-issues.csv",
            "text/csv;charset=utf-8",
            csv.as_bytes(),
        )
    };
    let lang = state.lang.get_untracked();
    let summary_rows = report
        .files
        .iter()
        .map(|f| {
            view! {
                <tr data-file=f.file.clone()>
                    <td translate="no">{f.file.clone()}</td>
                    <td>{f.entity.map(|e| entity_name(e, lang)).unwrap_or("–")}</td>
                    <td class="num">{count(f.rows_read)}</td>
                    <td class="num" data-count="accepted">{count(f.accepted)}</td>
                    <td class="num" data-count="rejected">{count(f.rejected)}</td>
                    <td class="num">{count(f.deduplicated)}</td>
                    <td class="num" data-count="warnings">{count(f.warnings)}</td>
                </tr>
            }
        })
        .collect_view();
    // File by file, each with its share of the rows listed: one file's thousand bad rows
    // never hide another file's reason.
    let issue_rows = issues_by_file(report, ISSUES_LISTED)
        .into_iter()
        .map(|listed| {
            let rows = listed
                .shown
                .iter()
                .map(|issue| {
                    view! {
                        <tr>
                            <td translate="no">{issue.file.clone()}</td>
                            <td class="num">{issue.line}</td>
                            <td translate="no">{issue.column.clone().unwrap_or_default()}</td>
                            <td translate="no">{issue.value.clone()}</td>
                            <td>{issue_reason(&issue.reason, lang)}</td>
                            <td class=if issue.warning { "notice" } else { "error" } data-kind=if issue.warning { "warning" } else { "rejected" }>
                                {lang.text(if issue.warning { Msg::CellWarning } else { Msg::RejectedRow })}
                            </td>
                        </tr>
                    }
                })
                .collect_view();
            let more = (listed.more > 0).then(|| {
                view! {
                    <tr class="more" data-more=listed.file.to_owned()>
                        <td translate="no">{listed.file.to_owned()}</td>
                        <td colspan="5">{count(listed.more)} " " {lang.text(Msg::MoreIssuesInCsv)}</td>
                    </tr>
                }
            });
            view! { {rows} {more} }
        })
        .collect_view();
    let has_issues = !report.issues.is_empty();
    // Each code no field understood, once, with its rows: what to assign in the value map.
    let codes = report.unknown_codes();
    let unknown_codes = (!codes.is_empty()).then(|| {
        let rows = codes
            .into_iter()
            .map(|code| {
                let value = code.value.clone();
                view! {
                    <tr data-value=value>
                        <td translate="no">{code.file}</td>
                        <td translate="no">{code.column}</td>
                        <td translate="no">{code.value}</td>
                        <td class="num">{count(code.rows)}</td>
                    </tr>
                }
            })
            .collect_view();
        view! {
            <p class="notice">{lang.text(Msg::UnknownCodesHint)}</p>
            <DataTable testid="import-unknown-codes" headers=vec![lang.text(Msg::File), lang.text(Msg::Column), lang.text(Msg::ExportedValue), lang.text(Msg::Rows)]>{rows}</DataTable>
        }
    });
    view! {
        <h3>{lang.text(Msg::ValidationReport)}</h3>
        <DataTable testid="import-summary" headers=vec![lang.text(Msg::File), lang.text(Msg::Entity), lang.text(Msg::RowsRead), lang.text(Msg::Accepted), lang.text(Msg::Rejected), lang.text(Msg::Deduplicated), lang.text(Msg::CellWarnings)]>{summary_rows}</DataTable>
        {unknown_codes}
        {has_issues.then(|| view! {
            <p class="hint">{lang.text(Msg::IssuesShown)}</p>
            <button class="secondary" on:click=download data-testid="import-download-issues">{lang.text(Msg::DownloadIssues)}</button>
            <div class="table-scroll issues">
                <DataTable testid="import-issues" headers=vec![lang.text(Msg::File), lang.text(Msg::Line), lang.text(Msg::Column), lang.text(Msg::RawValue), lang.text(Msg::Reason), lang.text(Msg::IssueKind)]>{issue_rows}</DataTable>
            </div>
        })}
    }
}

/// Encoding, delimiter, header row and sheet: each change has the worker read the file again.
fn reading_controls(
    reread: Callback<(usize, ReadOptions)>,
    index: usize,
    draft: &DraftFile,
    lang: Lang,
) -> impl IntoView {
    let options = draft.options.clone();
    let encoding_select = options.encoding.map(|current| {
        let base = options.clone();
        let on_change = move |event| {
            let encoding = match event_target_value(&event).as_str() {
                "GBK/GB18030" => TextEncoding::Gb18030,
                "UTF-16LE" => TextEncoding::Utf16Le,
                "UTF-16BE" => TextEncoding::Utf16Be,
                _ => TextEncoding::Utf8,
            };
            reread.run((
                index,
                ReadOptions {
                    encoding: Some(encoding),
                    ..base.clone()
                },
            ));
        };
        let choices = [
            TextEncoding::Utf8,
            TextEncoding::Gb18030,
            TextEncoding::Utf16Le,
            TextEncoding::Utf16Be,
        ]
        .into_iter()
        .map(|e| view! { <option value=e.label() selected=e == current>{e.label()}</option> })
        .collect_view();
        view! {
            <label>
                {lang.text(Msg::Encoding)} " "
                <select on:change=on_change data-testid="import-encoding">{choices}</select>
            </label>
        }
    });
    let layout_controls = options.layout.map(|layout| {
        let (base, base_header) = (options.clone(), options.clone());
        let on_delimiter = move |event| {
            let delimiter = match event_target_value(&event).as_str() {
                ";" => b';',
                "tab" => b'\t',
                "|" => b'|',
                "spaces" => b' ',
                _ => b',',
            };
            let layout = TextLayout {
                delimiter,
                ..layout
            };
            reread.run((
                index,
                ReadOptions {
                    layout: Some(layout),
                    ..base.clone()
                },
            ));
        };
        let on_header = move |event| {
            let has_header = event_target_checked(&event);
            let layout = TextLayout {
                has_header,
                ..layout
            };
            reread.run((
                index,
                ReadOptions {
                    layout: Some(layout),
                    ..base_header.clone()
                },
            ));
        };
        let choices = [
            (",", b','),
            (";", b';'),
            ("tab", b'\t'),
            ("|", b'|'),
            ("spaces", b' '),
        ]
        .into_iter()
        .map(|(value, byte)| {
            let label = match byte {
                b'\t' => "Tab",
                b' ' => lang.text(Msg::SpaceRuns),
                _ => value,
            };
            view! { <option value=value selected=byte == layout.delimiter>{label}</option> }
        })
        .collect_view();
        view! {
            <label>
                {lang.text(Msg::Delimiter)} " "
                <select on:change=on_delimiter data-testid="import-delimiter">{choices}</select>
            </label>
            <label>
                <input type="checkbox" checked=layout.has_header on:change=on_header/>
                " " {lang.text(Msg::HeaderRow)}
            </label>
        }
    });
    let sheet_select = (draft.sheet_names.len() > 1).then(|| {
        let base = options.clone();
        let current = options.sheet.clone();
        let on_change = move |event| {
            reread.run((index, ReadOptions { sheet: Some(event_target_value(&event)), ..base.clone() }));
        };
        let choices = draft
            .sheet_names
            .iter()
            .map(|name| view! { <option value=name.clone() selected=current.as_ref() == Some(name)>{name.clone()}</option> })
            .collect_view();
        view! {
            <label>
                {lang.text(Msg::Sheet)} " "
                <select on:change=on_change>{choices}</select>
            </label>
        }
    });
    view! { {encoding_select} {layout_controls} {sheet_select} }
}

/// Day/month order of slash dates and the century of six-digit dates, when the file cannot tell.
fn date_controls(files: Drafts, index: usize, draft: &DraftFile, lang: Lang) -> impl IntoView {
    let style = draft.date_style;
    let on_order = move |event| {
        let order = match event_target_value(&event).as_str() {
            "dmy" => DayMonthOrder::DayFirst,
            "mdy" => DayMonthOrder::MonthFirst,
            _ => DayMonthOrder::Unknown,
        };
        files.update(|all| all[index].date_style.order = order);
    };
    let on_century = move |event| {
        let century = event_target_value(&event).parse::<i32>().ok();
        files.update(|all| all[index].date_style.century = century);
    };
    view! {
        <label>
            {lang.text(Msg::DateOrder)} " "
            <select on:change=on_order>
                <option value="auto" selected=style.order == DayMonthOrder::Unknown>{lang.text(Msg::DateOrderAuto)}</option>
                <option value="dmy" selected=style.order == DayMonthOrder::DayFirst>"DD/MM/YYYY"</option>
                <option value="mdy" selected=style.order == DayMonthOrder::MonthFirst>"MM/DD/YYYY"</option>
            </select>
        </label>
        <label>
            {lang.text(Msg::Century)} " "
            <select on:change=on_century data-testid="import-century">
                <option value="" selected=style.century.is_none()>"–"</option>
                <option value="1900" selected=style.century == Some(1900)>"19YY"</option>
                <option value="2000" selected=style.century == Some(2000)>"20YY"</option>
            </select>
        </label>
    }
}
