//! 设置 Settings: language, the tier rules in force, browser storage use, and the privacy promise.

use crate::analytics::pipeline::{time_stages, StageTimings};
use crate::format::money_compact;
use crate::i18n::{Lang, Msg};
use crate::storage::Store;
use crate::ui::components::{DataTable, WithData};
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
