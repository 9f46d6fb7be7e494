//! 模型 Models: the model studio. Pick an outcome column and its positive class (or a
//! threshold), train both models in the analysis worker with progress and Cancel, then read
//! the validation report — AUC per model and fold, precision and recall at the top shares,
//! ROC, gains, calibration, feature importance and a confusion matrix at a threshold the
//! manager moves — and change the features and train again.

use crate::analytics::models::outcome::{DerivedOutcome, Outcome, OutcomeRule};
use crate::analytics::models::studio::{AppliedModel, TrainingReport};
use crate::analytics::models::ModelKind;
use crate::analytics::scores::ScoreKind;
use crate::i18n::{Lang, Msg};
use crate::model::ProductType;
use crate::storage::catalogue::SnapshotRecord;
use crate::storage::Store;
use crate::ui::background::{self, Job};
use crate::ui::components::{job_status, ChartCanvas, DataTable, WithData};
use crate::ui::customers_href;
use crate::ui::state::Loaded;
use crate::view::models::{
    confusion_at, earlier_snapshots, model_name, outcome_choices, outcome_name, report_view,
    snapshot_label,
};
use crate::view::url::{Column, CustomersQuery};
use crate::worker::protocol::{ApplyRequest, TrainRequest};
use leptos::prelude::*;
use std::sync::Arc;

/// The value of the positive-class choice that stands for "at least a threshold".
const AT_LEAST: &str = "\u{2265}";

/// The models page.
#[component]
pub fn ModelsPage() -> impl IntoView {
    view! { <WithData render=studio/> }
}

type TrainingSlot = ArcRwSignal<Job<Arc<TrainingReport>>>;

/// The earlier snapshots of the loaded book, latest first.
async fn earlier_of(loaded: Arc<Loaded>) -> Vec<SnapshotRecord> {
    match Store::browser().list().await {
        Ok((all, _)) => earlier_snapshots(&loaded.record, &all),
        Err(_) => Vec::new(),
    }
}

fn studio(loaded: Arc<Loaded>, lang: Lang) -> impl IntoView {
    let t = move |m| lang.text(m);
    let choices = outcome_choices(&loaded.dataset);
    let earlier = {
        let loaded = loaded.clone();
        LocalResource::new(move || earlier_of(loaded.clone()))
    };
    let earlier_list = move || earlier.get().unwrap_or_default();
    // The date of the earlier snapshot an outcome is derived from.
    let since_of = move |outcome: &Outcome| match outcome {
        Outcome::Derived {
            earlier_snapshot, ..
        } => earlier_list()
            .into_iter()
            .find(|r| &r.snapshot_id == earlier_snapshot)
            .map(|r| r.as_of.unwrap_or(r.imported_at)),
        Outcome::Column { .. } => None,
    };
    // Drawn anew (after a model is applied, or a visit elsewhere), the page shows the last
    // training of this snapshot's worker again.
    let last = background::last_training(&loaded);
    let (first_column, first_positive, first_threshold) = match last.as_ref().map(|l| &l.0.outcome)
    {
        Some(Outcome::Column {
            column,
            rule: OutcomeRule::Values(values),
        }) => (
            column.clone(),
            values.first().cloned().unwrap_or_default(),
            String::new(),
        ),
        Some(Outcome::Column {
            column,
            rule: OutcomeRule::AtLeast(t),
        }) => (column.clone(), AT_LEAST.to_owned(), t.to_string()),
        _ => choices.first().map_or_else(Default::default, |first| {
            (
                first.column.clone(),
                first
                    .values
                    .first()
                    .map_or(AT_LEAST.to_owned(), |v| v.value.clone()),
                String::new(),
            )
        }),
    };
    // An outcome between two snapshots: which earlier one, and what happened since.
    let last_derived = match last.as_ref().map(|l| &l.0.outcome) {
        Some(Outcome::Derived {
            earlier_snapshot,
            outcome,
        }) => Some((earlier_snapshot.clone(), *outcome)),
        _ => None,
    };
    let derived = RwSignal::new(last_derived.is_some() || choices.is_empty());
    let earlier_id = RwSignal::new(
        last_derived
            .as_ref()
            .map(|d| d.0.clone())
            .unwrap_or_default(),
    );
    let what = RwSignal::new(match last_derived.as_ref().map(|d| d.1) {
        Some(DerivedOutcome::MovedUpTier) => "up",
        Some(DerivedOutcome::Bought(_)) => "bought",
        _ => "left",
    });
    let aum_drop = RwSignal::new(match last_derived.as_ref().map(|d| d.1) {
        Some(DerivedOutcome::Left { aum_drop }) => format!("{:.0}", aum_drop * 100.0),
        _ => "50".to_owned(),
    });
    let family = RwSignal::new(match last_derived.as_ref().map(|d| d.1) {
        Some(DerivedOutcome::Bought(family)) => family,
        _ => ProductType::Fund,
    });
    let no_outcome = choices.is_empty();
    let column = RwSignal::new(first_column);
    let positive = RwSignal::new(first_positive);
    let threshold = RwSignal::new(first_threshold);
    let chosen: RwSignal<Option<Vec<String>>> =
        RwSignal::new(last.as_ref().and_then(|l| l.0.chosen.clone()));
    let trained_outcome = RwSignal::new(last.as_ref().map(|l| l.0.outcome.clone()));
    let training: RwSignal<Option<TrainingSlot>> = RwSignal::new(last.map(|l| l.1));
    let choices = StoredValue::new(choices);
    let current =
        move || choices.with_value(|all| all.iter().find(|c| c.column == column.get()).cloned());
    let column_options = choices.with_value(|all| {
        all.iter()
            .map(|c| {
                let name = c.column.clone();
                view! { <option value=name.clone()>{name.clone()}</option> }
            })
            .collect_view()
    });
    let value_options = move || {
        let Some(choice) = current() else {
            return Vec::new();
        };
        let mut options: Vec<_> = choice
            .values
            .iter()
            .filter(|v| !v.value.is_empty())
            .map(|v| {
                let (value, label) = (v.value.clone(), format!("{} ({})", v.value, crate::format::count(v.rows)));
                view! { <option value=value.clone() selected=move || positive.get() == value>{label}</option> }
                    .into_any()
            })
            .collect();
        if choice.numeric {
            options.push(
                view! { <option value=AT_LEAST selected=move || positive.get() == AT_LEAST>{t(Msg::ModelAtLeast)}</option> }
                    .into_any(),
            );
        }
        options
    };
    let on_column = move |ev| {
        let name = event_target_value(&ev);
        column.set(name.clone());
        let first = choices.with_value(|all| {
            all.iter()
                .find(|c| c.column == name)
                .and_then(|c| c.values.iter().find(|v| !v.value.is_empty()))
                .map_or(AT_LEAST.to_owned(), |v| v.value.clone())
        });
        positive.set(first);
        chosen.set(None);
    };
    let train_loaded = StoredValue::new(loaded.clone());
    let start = move |features: Option<Vec<String>>| {
        let outcome = if derived.get_untracked() {
            // The latest earlier snapshot unless another is chosen.
            let id = Some(earlier_id.get_untracked())
                .filter(|id| !id.is_empty())
                .or_else(|| earlier_list().first().map(|r| r.snapshot_id.clone()));
            let Some(earlier_snapshot) = id else {
                return;
            };
            let outcome = match what.get_untracked() {
                "up" => DerivedOutcome::MovedUpTier,
                "bought" => DerivedOutcome::Bought(family.get_untracked()),
                _ => match aum_drop.get_untracked().trim().parse::<f64>() {
                    Ok(p) if (0.0..=100.0).contains(&p) => DerivedOutcome::Left {
                        aum_drop: p / 100.0,
                    },
                    _ => return,
                },
            };
            Outcome::Derived {
                earlier_snapshot,
                outcome,
            }
        } else {
            let rule = if positive.get_untracked() == AT_LEAST {
                match threshold.get_untracked().trim().parse::<f64>() {
                    Ok(t) if t.is_finite() => OutcomeRule::AtLeast(t),
                    _ => return,
                }
            } else {
                OutcomeRule::Values(vec![positive.get_untracked()])
            };
            Outcome::Column {
                column: column.get_untracked(),
                rule,
            }
        };
        trained_outcome.set(Some(outcome.clone()));
        let request = TrainRequest {
            outcome,
            chosen: features,
            folds: 5,
            tier_rules: train_loaded.with_value(|l| l.tier_rules.clone()),
        };
        training.set(Some(
            train_loaded.with_value(|l| background::train(l, request)),
        ));
    };
    let running = move || {
        training
            .get()
            .is_some_and(|slot| matches!(slot.get(), Job::Running { .. }))
    };
    let as_of = loaded.analysis.as_of.map(|_| loaded.as_of_text(lang));
    // Applying scores every customer in the worker, then stores the model with the snapshot.
    let state = expect_context::<crate::ui::state::AppState>();
    let applying: RwSignal<Option<ArcRwSignal<Job<Arc<AppliedModel>>>>> = RwSignal::new(None);
    let apply_loaded = StoredValue::new(loaded.clone());
    let apply = move |kind: ModelKind| {
        let Some(outcome) = trained_outcome.get_untracked() else {
            return;
        };
        let version = apply_loaded.with_value(|l| l.applied.as_ref().map_or(1, |a| a.version + 1));
        let since = since_of(&outcome);
        let request = ApplyRequest {
            kind,
            name: outcome_name(&outcome, since.as_deref(), lang),
            version,
            outcome,
        };
        let slot = apply_loaded.with_value(|l| background::apply_model(l, request));
        applying.set(Some(slot));
    };
    Effect::new(move |_| {
        if let Some(Job::Ready(applied)) = applying.get().map(|slot| slot.get()) {
            applying.set(None);
            state.use_applied_model(applied);
        }
    });
    let applying_status = move || {
        applying
            .get()
            .map(|slot| job_status(&slot.get(), lang, "applying-job"))
    };
    let applied = loaded.applied.as_ref().map(|a| {
        let link = customers_href(&CustomersQuery {
            score: Some(ScoreKind::Model),
            sort: Column::Score,
            descending: true,
            ..CustomersQuery::default()
        });
        view! {
            <p data-testid="model-applied">
                {t(Msg::ModelApplied)}
                <strong translate="no">{a.name.clone()}</strong>
                {format!(" · {} {} · {} · AUC {:.3}", t(Msg::ModelVersion), a.version, model_name(a.model.kind, lang), a.validation().map_or(0.0, |v| v.auc))}
            </p>
            <p class="hint">{t(Msg::ModelAppliedHint)} " " <a href=link data-testid="model-list">{t(Msg::ModelOpenList)}</a></p>
        }
    });
    let report = move || {
        let slot = training.get()?;
        Some(match slot.get() {
            Job::Ready(report) => {
                let mut suffix = match trained_outcome.get_untracked() {
                    Some(outcome @ Outcome::Derived { .. }) => {
                        outcome_name(&outcome, since_of(&outcome).as_deref(), lang)
                    }
                    _ => column.get_untracked(),
                };
                if let Some(as_of) = &as_of {
                    suffix = format!("{suffix} · {as_of}");
                }
                report_section(&report, lang, &suffix, chosen, start, apply).into_any()
            }
            other => job_status(&other, lang, "training-job"),
        })
    };
    view! {
        <section class="panel" data-testid="model-studio">
            <p class="hint">{t(Msg::ModelHint)}</p>
            <Show when=move || !no_outcome && !earlier_list().is_empty()>
                <div class="form-row">
                    <label>{t(Msg::ModelSource)} " "
                        <select data-testid="outcome-source" on:change=move |ev| {
                            derived.set(event_target_value(&ev) == "derived");
                            chosen.set(None);
                        }>
                            <option value="column" selected=move || !derived.get()>{t(Msg::ModelFromColumn)}</option>
                            <option value="derived" selected=move || derived.get()>{t(Msg::ModelBetweenSnapshots)}</option>
                        </select>
                    </label>
                </div>
            </Show>
            <Show when=move || no_outcome && earlier_list().is_empty()>
                <p class="empty" data-testid="models-empty">{t(Msg::ModelNoOutcome)}</p>
            </Show>
            <Show when=move || derived.get() && !earlier_list().is_empty()>
                <p class="hint">{t(Msg::ModelDerivedHint)}</p>
                <div class="form-row">
                    <label>{t(Msg::ModelEarlierSnapshot)} " "
                        <select data-testid="outcome-earlier" on:change=move |ev| earlier_id.set(event_target_value(&ev))>
                            {move || earlier_list().into_iter().map(|r| {
                                let id = r.snapshot_id.clone();
                                let label = snapshot_label(&r, lang);
                                view! { <option value=id.clone() selected=move || earlier_id.get() == id>{label}</option> }
                            }).collect_view()}
                        </select>
                    </label>
                    <label>{t(Msg::ModelDerivedWhat)} " "
                        <select data-testid="outcome-derived" on:change=move |ev| {
                            what.set(match event_target_value(&ev).as_str() { "up" => "up", "bought" => "bought", _ => "left" })
                        }>
                            <option value="left" selected=move || what.get() == "left">{t(Msg::ModelDerivedLeft)}</option>
                            <option value="up" selected=move || what.get() == "up">{t(Msg::ModelDerivedUp)}</option>
                            <option value="bought" selected=move || what.get() == "bought">{t(Msg::ModelDerivedBought)}</option>
                        </select>
                    </label>
                    <Show when=move || what.get() == "left">
                        <label>{t(Msg::ModelAumDrop)} " "
                            <input type="number" min="0" max="100" data-testid="outcome-aum-drop"
                                prop:value=move || aum_drop.get()
                                on:input=move |ev| aum_drop.set(event_target_value(&ev))/>
                        </label>
                    </Show>
                    <Show when=move || what.get() == "bought">
                        <label>{t(Msg::ModelFamily)} " "
                            <select data-testid="outcome-family" on:change=move |ev| {
                                let key = event_target_value(&ev);
                                if let Some(p) = ProductType::NAMED.into_iter().find(|p| p.key() == key) { family.set(p) }
                            }>
                                {ProductType::NAMED.into_iter().map(|p| view! {
                                    <option value=p.key() selected=move || family.get() == p>{crate::i18n::product_name(p, lang)}</option>
                                }).collect_view()}
                            </select>
                        </label>
                    </Show>
                </div>
            </Show>
            <div class="form-row">
                <Show when=move || !derived.get()>
                    <label>{t(Msg::ModelOutcome)} " "
                        <select data-testid="outcome-column" on:change=on_column>{column_options.clone()}</select>
                    </label>
                    <label>{t(Msg::ModelPositiveClass)} " "
                        <select data-testid="outcome-positive" on:change=move |ev| positive.set(event_target_value(&ev))>
                            {value_options}
                        </select>
                    </label>
                    <Show when=move || positive.get() == AT_LEAST>
                        <label>{t(Msg::ModelThreshold)} " "
                            <input type="number" data-testid="outcome-threshold"
                                prop:value=move || threshold.get()
                                on:input=move |ev| threshold.set(event_target_value(&ev))/>
                        </label>
                    </Show>
                </Show>
                <button data-testid="train" disabled=move || running() || (derived.get() && earlier_list().is_empty()) on:click=move |_| start(chosen.get_untracked())>
                    {t(Msg::ModelTrain)}
                </button>
                <Show when=running>
                    <button class="secondary" data-testid="cancel-training"
                        on:click=move |_| background::cancel_training()>
                        {t(Msg::ModelCancel)}
                    </button>
                </Show>
            </div>
            {applied}
            {applying_status}
        </section>
        {report}
    }
    .into_any()
}

fn report_section(
    report: &TrainingReport,
    lang: Lang,
    suffix: &str,
    chosen: RwSignal<Option<Vec<String>>>,
    start: impl Fn(Option<Vec<String>>) + Copy + 'static,
    apply: impl Fn(ModelKind) + Copy + 'static,
) -> impl IntoView {
    let t = move |m| lang.text(m);
    let view = report_view(report, lang, suffix);
    let model_rows = view
        .models
        .iter()
        .zip(&report.models)
        .map(|(row, model)| {
            let top = row.top.clone();
            let kind = model.kind;
            view! {
                <tr data-model=row.key>
                    <td>{row.model.clone()}</td>
                    <td class="num" data-testid="model-auc">{row.auc.clone()}</td>
                    <td class="num">{row.folds.clone()}</td>
                    {top.into_iter().map(|cell| view! { <td class="num">{cell}</td> }).collect_view()}
                    <td class="num">{row.seconds.clone()}</td>
                    <td><button class="secondary" data-testid="apply-model" on:click=move |_| apply(kind)>{t(Msg::ModelApply)}</button></td>
                </tr>
            }
        })
        .collect_view();
    // The features ticked: the used ones to begin with.
    let ticked = RwSignal::new(
        chosen
            .get_untracked()
            .unwrap_or_else(|| report.used.clone()),
    );
    let feature_rows = view
        .features
        .iter()
        .map(|row| {
            let name = row.name.clone();
            let (a, b) = (name.clone(), name.clone());
            view! {
                <tr data-feature=name.clone()>
                    <td translate="no">{row.shown.clone()}</td>
                    <td>
                        <input type="checkbox"
                            prop:checked=move || ticked.with(|t| t.contains(&a))
                            on:change=move |ev| {
                                let on = event_target_checked(&ev);
                                ticked.update(|t| {
                                    t.retain(|n| n != &b);
                                    if on { t.push(b.clone()); }
                                });
                            }/>
                    </td>
                    <td data-testid="left-out-reason">{row.reason.clone()}</td>
                    <td class="num">{row.alone_auc.clone()}</td>
                </tr>
            }
        })
        .collect_view();
    let retrain = move |_| {
        let features = ticked.get_untracked();
        chosen.set(Some(features.clone()));
        start(Some(features));
    };
    // The confusion matrix of the better model, at a threshold the manager moves.
    let best = report.best().cloned();
    let threshold = RwSignal::new(50u8);
    let base_rate = (report.positives * 100)
        .checked_div(report.labelled)
        .unwrap_or(50) as u8;
    threshold.set(base_rate.clamp(1, 99));
    let best_name = best.as_ref().map_or("", |b| model_name(b.kind, lang));
    let confusion = move || {
        let c = best
            .as_ref()
            .and_then(|b| confusion_at(b, threshold.get()))?;
        Some(view! {
            <table class="data" data-testid="confusion">
                <thead><tr><th></th><th scope="col">{t(Msg::ModelPredictedYes)}</th><th scope="col">{t(Msg::ModelPredictedNo)}</th></tr></thead>
                <tbody>
                    <tr><th scope="row">{t(Msg::ModelActualYes)}</th><td class="num" data-cell="tp">{c.true_positives}</td><td class="num" data-cell="fn">{c.false_negatives}</td></tr>
                    <tr><th scope="row">{t(Msg::ModelActualNo)}</th><td class="num" data-cell="fp">{c.false_positives}</td><td class="num" data-cell="tn">{c.true_negatives}</td></tr>
                </tbody>
            </table>
        })
    };
    view! {
        <section class="panel" data-testid="model-report">
            <p data-testid="model-summary">{view.summary.clone()}</p>
            <DataTable testid="model-table" scroll=true headers=vec![t(Msg::ModelColumnModel), t(Msg::ModelColumnAuc), t(Msg::ModelColumnFolds), t(Msg::ModelColumnTop5), t(Msg::ModelColumnTop10), t(Msg::ModelColumnTop20), t(Msg::ModelColumnSeconds), ""]>
                {model_rows}
            </DataTable>
        </section>
        <section class="panel chart-grid">
            <ChartCanvas spec=view.roc.clone() height=340 testid="model-roc"/>
            <ChartCanvas spec=view.gains.clone() height=340 testid="model-gains"/>
            <ChartCanvas spec=view.calibration.clone() height=340 testid="model-calibration"/>
            <ChartCanvas spec=view.importance.clone() height=380 testid="model-importance"/>
        </section>
        <section class="panel">
            <h2>{t(Msg::ModelConfusionTitle)} " · " {best_name}</h2>
            <label>{t(Msg::ModelConfusionAt)}
                <input type="range" min="1" max="99" data-testid="confusion-threshold"
                    prop:value=move || threshold.get().to_string()
                    on:input=move |ev| {
                        if let Ok(v) = event_target_value(&ev).parse::<u8>() { threshold.set(v) }
                    }/>
                " " {move || format!("{}%", threshold.get())}
            </label>
            {confusion}
        </section>
        <section class="panel">
            <DataTable testid="model-features" headers=vec![t(Msg::ModelFeature), t(Msg::ModelUsed), t(Msg::ModelLeftOutWhy), t(Msg::ModelAloneAuc)]>
                {feature_rows}
            </DataTable>
            <button data-testid="train-again" on:click=retrain>{t(Msg::ModelTrainAgain)}</button>
        </section>
    }
}
