//! 设置 Settings: language, the tier rules in force, browser storage use, and the privacy promise.

use crate::analytics::pipeline::{time_stages, StageTimings};
use crate::format::money_compact;
use crate::i18n::{Lang, Msg};
use crate::storage::Store;
use crate::ui::components::{whole_number, DataTable, WithData};
use crate::ui::state::{AppState, Loaded};
use leptos::prelude::*;
use leptos::task::spawn_local;
use std::sync::Arc;

/// The settings page.
#[component]
pub fn SettingsPage() -> impl IntoView {
    let state = expect_context::<AppState>();
    let usage = RwSignal::new(None::<(f64, f64)>);
    spawn_local(async move {
        usage.set(Store::usage().await);
    });
    let on_language = move |event| {
        let lang = if event_target_value(&event) == "en" {
            Lang::En
        } else {
            Lang::Zh
        };
        state.set_lang(lang);
    };
    view! {
        <section class="panel">
            <label for="language-select">{move || state.text(Msg::Language)}</label>
            <select id="language-select" on:change=on_language data-testid="language-select">
                // Each language named in itself.
                <option value="zh-CN" lang="zh-CN" translate="no" selected=move || state.lang.get() == Lang::Zh>"简体中文"</option>
                <option value="en" lang="en" translate="no" selected=move || state.lang.get() == Lang::En>"English"</option>
            </select>
        </section>
        <section class="panel">
            <h2>{move || state.text(Msg::WorkingAs)}</h2>
            <AuthorForm/>
        </section>
        <section class="panel">
            <h2>{move || state.text(Msg::AlertThresholdsTitle)}</h2>
            <ThresholdsForm/>
        </section>
        <section class="panel">
            <h2>{move || state.text(Msg::TierRules)}</h2>
            <WithData render=tier_rules/>
        </section>
        <section class="panel">
            <h2>{move || state.text(Msg::StorageUsage)}</h2>
            <p data-testid="storage-usage">
                {move || match usage.get() {
                    Some((used, quota)) => format!("{:.1} MB / {:.0} MB", used / 1e6, quota / 1e6),
                    None => state.text(Msg::StorageUnknown).to_owned(),
                }}
            </p>
        </section>
        <section class="panel">
            <h2>{move || state.text(Msg::PerformanceCheck)}</h2>
            <WithData render=performance_check/>
        </section>
        <section class="panel">
            <h2>{move || state.text(Msg::Privacy)}</h2>
            <p>{move || state.text(Msg::PrivacyNote)}</p>
        </section>
    }
}

/// Times the analysis stages on the data shown, with the core's own timing loop.
fn performance_check(loaded: Arc<Loaded>, lang: Lang) -> impl IntoView {
    let result = RwSignal::new(None::<StageTimings>);
    let run = move |_| {
        let performance = web_sys::window().and_then(|w| w.performance());
        let now = move || performance.as_ref().map_or(0.0, |p| p.now() / 1000.0);
        result.set(Some(time_stages(&loaded.dataset, 5, &now)));
    };
    let ms = |seconds: f64| format!("{:.1} ms", seconds * 1000.0);
    view! {
        <p class="hint">{lang.text(Msg::PerformanceHint)}</p>
        <button type="button" on:click=run data-testid="performance-run">
            {lang.text(Msg::PerformanceRun)}
        </button>
        {move || result.get().map(|t| view! {
            // The stages' seconds as attributes, for the end-to-end test and the bench.
            <div
                data-testid="performance"
                data-features-s=t.features
                data-rfm-s=t.rfm
                data-kmeans-s=t.kmeans
                data-pipeline-s=t.pipeline
                data-whatif-s=t.whatif
            >
                <DataTable>
                    <tr><th scope="row">{lang.text(Msg::StageFeatures)}</th><td>{ms(t.features)}</td></tr>
                    <tr><th scope="row">{lang.text(Msg::StageRfm)}</th><td>{ms(t.rfm)}</td></tr>
                    <tr><th scope="row">{lang.text(Msg::StageKmeans)}</th><td>{ms(t.kmeans)}</td></tr>
                    <tr><th scope="row">{lang.text(Msg::StagePipeline)}</th><td>{ms(t.pipeline)}</td></tr>
                    <tr><th scope="row">{lang.text(Msg::StageWhatIf)}</th><td>{format!("{:.1} µs", t.whatif * 1e6)}</td></tr>
                </DataTable>
            </div>
        })}
    }
}

fn tier_rules(loaded: Arc<Loaded>, lang: Lang) -> impl IntoView {
    let n = loaded.tier_rules.tiers.len();
    let rows = (0..n)
        .map(|tier| {
            let threshold = if tier + 1 == n {
                "–".to_string()
            } else {
                format!(
                    "≥ {}",
                    money_compact(loaded.tier_rules.tiers[tier].min_aum_fen, lang)
                )
            };
            let key_account = if tier < loaded.tier_rules.key_account_tiers() {
                Msg::Yes
            } else {
                Msg::No
            };
            view! {
                <tr>
                    <th scope="row">{loaded.tier_name(tier, lang).to_owned()}</th>
                    <td>{threshold}</td>
                    <td>{lang.text(key_account)}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <DataTable testid="tier-rules" headers=vec![lang.text(Msg::Tier), lang.text(Msg::Threshold), lang.text(Msg::KeyAccounts)]>{rows}</DataTable>
    }
}

/// Who records in this browser: a name and the staff number events are signed with.
#[component]
fn AuthorForm() -> impl IntoView {
    let state = expect_context::<AppState>();
    let current = state.workbench.get_untracked().author;
    let name = RwSignal::new(current.as_ref().map(|a| a.name.clone()).unwrap_or_default());
    let key = RwSignal::new(current.map(|a| a.key).unwrap_or_default());
    let save = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let (name, key) = (name.get_untracked(), key.get_untracked());
        let (name, key) = (name.trim(), key.trim());
        if name.is_empty() || key.is_empty() {
            return;
        }
        let mut settings = state.workbench.get_untracked();
        settings.author = Some(crate::journal::Author {
            key: key.to_owned(),
            name: name.to_owned(),
        });
        state.set_workbench(settings);
        state
            .notice
            .set(Some(state.lang.get_untracked().text(Msg::Recorded).into()));
    };
    view! {
        <form class="inline-form" data-testid="author-form" on:submit=save>
            <label>{move || state.text(Msg::AuthorName)}<input required data-testid="author-name" prop:value=move || name.get() on:input=move |ev| name.set(event_target_value(&ev))/></label>
            <label>{move || state.text(Msg::AuthorRm)}<input required data-testid="author-key" prop:value=move || key.get() on:input=move |ev| key.set(event_target_value(&ev))/></label>
            <button type="submit" data-testid="save-author">{move || state.text(Msg::SaveAuthor)}</button>
        </form>
    }
}

/// The alert thresholds and the contact cadence per tier (the cadence is a journal event,
/// so a team lead's journal carries it to the team).
#[component]
fn ThresholdsForm() -> impl IntoView {
    let state = expect_context::<AppState>();
    let t = state.workbench.get_untracked().thresholds;
    let share = RwSignal::new(t.outflow_share_percent.to_string());
    let amount = RwSignal::new((t.outflow_min_fen / 100).to_string());
    let dormant = RwSignal::new(t.dormant_days.to_string());
    let maturity = RwSignal::new(t.maturity_days.to_string());
    let save = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let mut settings = state.workbench.get_untracked();
        if let Some(v) = whole_number(share) {
            settings.thresholds.outflow_share_percent = v;
        }
        if let Some(v) = amount
            .get_untracked()
            .trim()
            .parse::<i64>()
            .ok()
            .and_then(|y| y.checked_mul(100))
        {
            settings.thresholds.outflow_min_fen = v;
        }
        if let Some(v) = whole_number(dormant) {
            settings.thresholds.dormant_days = v;
        }
        if let Some(v) = whole_number(maturity) {
            settings.thresholds.maturity_days = v;
        }
        state.set_workbench(settings);
        state
            .notice
            .set(Some(state.lang.get_untracked().text(Msg::Recorded).into()));
    };
    let field = move |label: Msg, value: RwSignal<String>, testid: &'static str| {
        view! { <label>{move || state.text(label)}<input type="number" min="0" data-testid=testid prop:value=move || value.get() on:input=move |ev| value.set(event_target_value(&ev))/></label> }
    };
    view! {
        <form class="inline-form" data-testid="thresholds-form" on:submit=save>
            {field(Msg::OutflowShare, share, "threshold-share")}
            {field(Msg::OutflowAmount, amount, "threshold-amount")}
            {field(Msg::DormantDays, dormant, "threshold-dormant")}
            {field(Msg::MaturityDays, maturity, "threshold-maturity")}
            <button type="submit" data-testid="save-thresholds">{move || state.text(Msg::SaveThresholds)}</button>
        </form>
        <h3>{move || state.text(Msg::CadencePolicy)}</h3>
        <WithData render=cadence_form/>
    }
}

fn cadence_form(loaded: Arc<Loaded>, lang: Lang) -> impl IntoView {
    let state = expect_context::<AppState>();
    let policy = crate::analytics::cadence::CadencePolicy::default()
        .with_journal(&state.journal.get_untracked());
    let fields: Vec<(String, String, RwSignal<String>)> = loaded
        .tier_rules
        .tiers
        .iter()
        .map(|tier| {
            let days = policy.days_for(&tier.key).unwrap_or(0);
            (
                tier.key.clone(),
                if lang == Lang::Zh {
                    tier.name_zh.clone()
                } else {
                    tier.name_en.clone()
                },
                RwSignal::new(days.to_string()),
            )
        })
        .collect();
    let inputs = fields
        .iter()
        .map(|(key, name, value)| {
            let value = *value;
            view! { <label>{name.clone()}<input type="number" min="0" data-cadence=key.clone() prop:value=move || value.get() on:input=move |ev| value.set(event_target_value(&ev))/></label> }
        })
        .collect_view();
    let save = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let changes = fields
            .iter()
            .filter_map(|(key, _, value)| {
                let days = value.get_untracked().trim().parse::<u32>().ok()?;
                (policy.days_for(key).unwrap_or(0) != days).then(|| {
                    crate::journal::EventKind::CadenceChanged {
                        tier: key.clone(),
                        every_days: days,
                    }
                })
            })
            .collect::<Vec<_>>();
        if !changes.is_empty() {
            state.record(changes);
        }
    };
    view! {
        <form class="inline-form" data-testid="cadence-form" on:submit=save>
            {inputs}
            <button type="submit" data-testid="save-cadence">{lang.text(Msg::SaveCadence)}</button>
        </form>
    }
}
