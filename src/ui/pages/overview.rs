//! 总览 Overview: headline figures, the tier table and the tier chart, as of the data's date.

use crate::charts::{draw_tier_bars, TierBarsSpec};
use crate::format::{count, date, money_compact, percent};
use crate::i18n::{Lang, Msg};
use crate::ui::components::{ChartCanvas, KpiCard, WithData};
use crate::ui::state::Loaded;
use leptos::prelude::*;
use std::sync::Arc;

/// The overview page.
#[component]
pub fn OverviewPage() -> impl IntoView {
    view! { <WithData render=overview/> }
}

fn overview(loaded: Arc<Loaded>, lang: Lang) -> impl IntoView {
    let analysis = &loaded.analysis;
    let tiers = &analysis.tier_summary;
    let key_tiers = loaded.tier_rules.key_account_tiers();
    let key_accounts: usize = tiers.customers[..key_tiers].iter().sum();
    let key_aum: i64 = tiers.aum_fen[..key_tiers].iter().sum();
    let total_aum = tiers.total_aum_fen();
    let as_of = analysis
        .as_of
        .map(|day| date(day, lang))
        .unwrap_or_else(|| "–".into());

    let rows = (0..loaded.tier_rules.tiers.len())
        .map(|tier| {
            let rule = &loaded.tier_rules.tiers[tier];
            let threshold = if tier + 1 == loaded.tier_rules.tiers.len() {
                "–".to_string()
            } else {
                format!("≥ {}", money_compact(rule.min_aum_fen, lang))
            };
            view! {
                <tr data-tier=rule.key.clone()>
                    <th scope="row">{loaded.tier_name(tier, lang).to_owned()}</th>
                    <td>{threshold}</td>
                    <td class="num" data-count="customers">{count(tiers.customers[tier])}</td>
                    <td class="num">{money_compact(tiers.aum_fen[tier], lang)}</td>
                    <td class="num">{percent(tiers.aum_fen[tier], total_aum)}</td>
                </tr>
            }
        })
        .collect_view();

    let spec = TierBarsSpec {
        title: format!(
            "{} · {} {}",
            lang.text(Msg::CustomersAndAumByTier),
            lang.text(Msg::AsOf),
            as_of
        ),
        tiers: (0..loaded.tier_rules.tiers.len())
            .map(|tier| loaded.tier_name(tier, lang).to_owned())
            .collect(),
        customers: tiers.customers.iter().map(|&c| c as u64).collect(),
        aum_fen: tiers.aum_fen.clone(),
        customers_caption: lang.text(Msg::CustomerCountAxis).into(),
        aum_caption: lang.text(Msg::AumAxis).into(),
        lang,
    };
    let chart_label = spec.title.clone();

    view! {
        <p class="as-of" data-testid="as-of">{lang.text(Msg::AsOf)} ": " {as_of}</p>
        <section class="kpis">
            <KpiCard label=lang.text(Msg::Customers) value=count(loaded.dataset.n_customers()) testid="customers"/>
            <KpiCard label=lang.text(Msg::KeyAccounts) value=count(key_accounts) testid="key-accounts"/>
            <KpiCard label=lang.text(Msg::TotalAum) value=money_compact(total_aum, lang) testid="total-aum"/>
            <KpiCard label=lang.text(Msg::KeyAccountAumShare) value=percent(key_aum, total_aum) testid="key-share"/>
        </section>
        <section class="panel">
            <ChartCanvas
                draw=move |area| draw_tier_bars(area, &spec)
                width=1160
                height=360
                label=chart_label
                testid="tier-bars"
            />
        </section>
        <section class="panel">
            <table class="data-table" data-testid="tier-table">
                <thead>
                    <tr>
                        <th scope="col">{lang.text(Msg::Tier)}</th>
                        <th scope="col">{lang.text(Msg::Threshold)}</th>
                        <th scope="col">{lang.text(Msg::Customers)}</th>
                        <th scope="col">{lang.text(Msg::Aum)}</th>
                        <th scope="col">{lang.text(Msg::AumShare)}</th>
                    </tr>
                </thead>
                <tbody>{rows}</tbody>
            </table>
        </section>
    }
}
