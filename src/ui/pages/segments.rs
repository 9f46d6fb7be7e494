//! 分层与细分 Segments: the tier-rule editor with a live what-if, the RFM grid, the clusters
//! on a 2-D projection with a profile card each, and the products each tier holds. Every
//! segment opens as a customer list.

use crate::analytics::segments::CustomerSegments;
use crate::analytics::TierRules;
use crate::format::{count, money_compact, percent, threshold_unit};
use crate::i18n::{Lang, Msg};
use crate::model::{Currency, ProductType};
use crate::ui::background::{self, Job};
use crate::ui::components::{job_status, ChartCanvas, DataTable, WithData};
use crate::ui::state::{AppState, Loaded};
use crate::ui::{current_path, customers_href};
use crate::view::segments::{
    cluster_name, cluster_spec, fen_to_threshold, rfm_note, rfm_spec, threshold_to_fen,
    valid_ladder, what_if_view,
};
use crate::view::url::CustomersQuery;
use leptos::prelude::*;
use std::sync::Arc;

/// The segments page.
#[component]
pub fn SegmentsPage() -> impl IntoView {
    view! { <WithData render=segments/> }
}

fn segments(loaded: Arc<Loaded>, lang: Lang) -> impl IntoView {
    let as_of = loaded.as_of_text(lang);
    // Clustering a large book takes seconds: the worker computes it while the rest shows.
    let job = background::segments(&loaded);
    let segment_loaded = loaded.clone();
    let segment_views = move || match job.get() {
        Job::Ready(segments) => view! {
            {rfm_section(&segment_loaded, &segments, lang, &as_of)}
            {cluster_section(&segment_loaded, &segments, lang, &as_of)}
        }
        .into_any(),
        other => {
            view! { <section class="panel">{job_status(&other, lang, "segments-job")}</section> }
                .into_any()
        }
    };
    view! {
        {tier_editor(loaded.clone(), lang)}
        {segment_views}
        {product_mix(&loaded, lang)}
    }
}

fn tier_editor(loaded: Arc<Loaded>, lang: Lang) -> impl IntoView {
    let state = expect_context::<AppState>();
    let current = loaded.tier_rules.clone();
    // The default ladder is in renminbi; in another currency its figures are only a start.
    let other_currency = loaded.record.currency != Currency::default();
    let proposed = RwSignal::new(current.clone());
    let valid = move || proposed.with(valid_ladder);
    let tiers = current.tiers.len();
    let inputs_loaded = loaded.clone();
    let inputs = (0..tiers.saturating_sub(1))
        .map(|tier| {
            let rule = &inputs_loaded.tier_rules.tiers[tier];
            let value = fen_to_threshold(rule.min_aum_fen, lang);
            let key = rule.key.clone();
            view! {
                <label>
                    {inputs_loaded.tier_name(tier, lang).to_owned()} " ≥ "
                    <input
                        type="number"
                        min="0"
                        step="any"
                        value=value
                        data-whatif-input=key
                        aria-label=format!("{} {} ({})", inputs_loaded.tier_name(tier, lang), lang.text(Msg::Threshold), threshold_unit(lang))
                        on:input=move |event| {
                            if let Some(fen) = threshold_to_fen(&event_target_value(&event), lang) {
                                proposed.update(|rules| rules.tiers[tier].min_aum_fen = fen);
                            }
                        }
                    />
                    " " {threshold_unit(lang)}
                </label>
            }
        })
        .collect_view();
    let table = move || {
        let Some((rows, spec)) = what_if_view(&loaded, &proposed.get(), lang) else {
            return view! { <p class="notice">{lang.text(Msg::WhatIfAumOnly)}</p> }.into_any();
        };
        let rows = rows
            .into_iter()
            .map(|row| {
                view! {
                    <tr data-tier=row.key>
                        <th scope="row">{row.name}</th>
                        <td class="num" data-whatif="now">{row.customers_now}</td>
                        <td class="num" data-whatif="proposed">{row.customers_proposed}</td>
                        <td class="num gain" data-whatif="in">{row.customers_in}</td>
                        <td class="num loss" data-whatif="out">{row.customers_out}</td>
                        <td class="num">{row.aum_now}</td>
                        <td class="num">{row.aum_proposed}</td>
                        <td class="num gain">{row.aum_in}</td>
                        <td class="num loss">{row.aum_out}</td>
                    </tr>
                }
            })
            .collect_view();
        view! {
            <DataTable testid="whatif" headers=vec![lang.text(Msg::Tier), lang.text(Msg::CustomersNow), lang.text(Msg::CustomersProposed), lang.text(Msg::MovingIn), lang.text(Msg::MovingOut), lang.text(Msg::AumNow), lang.text(Msg::AumProposed), lang.text(Msg::AumIn), lang.text(Msg::AumOut)]>{rows}</DataTable>
            <ChartCanvas spec=spec height=300 testid="whatif-bars"/>
        }
        .into_any()
    };
    let apply = move |_| {
        if valid() {
            state.apply_tier_rules(proposed.get_untracked());
        }
    };
    let reset = move |_| state.apply_tier_rules(TierRules::workload_defaults());
    view! {
        <section class="panel">
            <h2>{lang.text(Msg::TierRuleEditor)}</h2>
            <p class="hint">{lang.text(Msg::TierRuleEditorHint)}</p>
            {other_currency.then(|| view! {
                <p class="notice" data-testid="tier-currency">{lang.text(Msg::CurrencyLadderNote)}</p>
            })}
            <div class="filters">{inputs}</div>
            {move || (!valid()).then(|| view! { <p class="error" role="alert">{lang.text(Msg::ThresholdsMustFall)}</p> })}
            {table}
            <div class="actions">
                <button on:click=apply disabled=move || !valid() data-testid="whatif-apply">{lang.text(Msg::ApplyTiers)}</button>
                <button class="secondary" on:click=reset data-testid="whatif-reset">{lang.text(Msg::DefaultTiers)}</button>
            </div>
        </section>
    }
}

fn rfm_section(
    loaded: &Loaded,
    segments: &CustomerSegments,
    lang: Lang,
    as_of: &str,
) -> impl IntoView {
    let has_transactions = !loaded.dataset.transactions().is_empty();
    let note = rfm_note(segments, has_transactions, lang);
    if !has_transactions {
        return view! {
            <section class="panel">
                <p class="empty" data-testid="rfm-missing">{note}</p>
            </section>
        }
        .into_any();
    }
    let spec = rfm_spec(segments, lang, as_of, &current_path());
    view! {
        <section class="panel">
            <ChartCanvas spec=spec height=420 testid="rfm-grid"/>
            <p class="hint">{lang.text(Msg::RfmHint)}</p>
            {note.map(|note| view! { <p class="hint" data-testid="rfm-no-activity">{note}</p> })}
        </section>
    }
    .into_any()
}

fn cluster_section(
    loaded: &Loaded,
    segments: &CustomerSegments,
    lang: Lang,
    as_of: &str,
) -> impl IntoView {
    let spec = cluster_spec(loaded, segments, lang, as_of, &current_path());
    let cards = segments
        .profiles
        .iter()
        .enumerate()
        .map(|(cluster, profile)| {
            view! {
                <a class="card" href=customers_href(&CustomersQuery { cluster: Some(cluster), ..CustomersQuery::default() }) data-cluster=cluster>
                    <h3>{lang.text(Msg::Cluster)} " " {cluster + 1}</h3>
                    <p class="cluster-words">{cluster_name(segments, cluster, lang)}</p>
                    <p>{count(profile.size)} " " {lang.text(Msg::Customers)} " · " {lang.text(Msg::AumShare)} " " {format!("{:.1}%", profile.aum_share * 100.0)}</p>
                </a>
            }
        })
        .collect_view();
    view! {
        <section class="panel">
            <ChartCanvas spec=spec height=440 testid="cluster-scatter"/>
            <p class="hint">{lang.text(Msg::ClusterHint)}</p>
            <div class="cards" data-testid="cluster-cards">{cards}</div>
        </section>
    }
}

fn product_mix(loaded: &Loaded, lang: Lang) -> impl IntoView {
    let analysis = &loaded.analysis;
    // Only product types someone holds get a column; "other" is usually empty.
    let products: Vec<ProductType> = ProductType::ALL
        .into_iter()
        .filter(|&p| analysis.product_mix.iter().any(|tier| tier[p as usize] > 0))
        .collect();
    let product_name = |p: ProductType| crate::i18n::product_name(p, lang);
    let headers = products
        .iter()
        .map(|&p| view! { <th scope="col">{product_name(p)}</th> })
        .collect_view();
    let rows = (0..loaded.tier_rules.tiers.len())
        .map(|tier| {
            let customers = analysis.tier_summary.customers[tier];
            let cells = products
                .iter()
                .map(|&p| {
                    let holders = analysis.product_mix[tier][p as usize];
                    view! {
                        <td class="num" title=percent(holders as i64, customers as i64)>
                            {count(holders)}
                        </td>
                    }
                })
                .collect_view();
            view! {
                <tr data-tier=loaded.tier_rules.tiers[tier].key.clone()>
                    <th scope="row">{loaded.tier_name(tier, lang).to_owned()}</th>
                    <td class="num">{count(customers)}</td>
                    <td class="num">{money_compact(analysis.tier_summary.aum_fen[tier], lang)}</td>
                    {cells}
                </tr>
            }
        })
        .collect_view();
    view! {
        <section class="panel">
            <h2>{lang.text(Msg::ProductMixByTier)}</h2>
            <p class="hint">{lang.text(Msg::KeyAccountRule)}</p>
            <DataTable testid="product-mix" scroll=true head=view! { <th scope="col">{lang.text(Msg::Tier)}</th> <th scope="col">{lang.text(Msg::Customers)}</th> <th scope="col">{lang.text(Msg::Aum)}</th> {headers} }.into_any()>{rows}</DataTable>
        </section>
    }
}
