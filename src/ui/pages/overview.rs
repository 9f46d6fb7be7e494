//! 总览 Overview: headline figures, the tier pyramid, the AUM distribution and the monthly
//! trend with its forecast, as of the data's date.

use crate::analytics::distribution::aum_histogram;
use crate::analytics::forecast::{forecast, monthly_series, year_month, MonthIndex};
use crate::analytics::profile::customer_profile;
use crate::analytics::scores::{key_account_potential, potential_key_accounts};
use crate::charts::{AumHistogramSpec, TierBarsSpec, TrendSpec};
use crate::format::{count, date, money_compact, percent};
use crate::i18n::{Lang, Msg};
use crate::ui::components::{ChartCanvas, KpiCard, WithData};
use crate::ui::state::Loaded;
use crate::ui::{page_href, Page};
use leptos::prelude::*;
use std::sync::Arc;

/// Months of history in the trend chart, and months forecast after them.
const TREND_MONTHS: usize = 24;
const FORECAST_MONTHS: usize = 6;

/// A month as the reader writes it.
fn month_label(month: MonthIndex, lang: Lang) -> String {
    let (year, month) = year_month(month);
    match lang {
        Lang::Zh => format!("{year}年{month}月"),
        Lang::En => format!("{year}-{month:02}"),
    }
}

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

    let tier_link = |tier: usize| {
        page_href(
            Page::Customers,
            &format!("&tier={}", loaded.tier_rules.tiers[tier].key),
        )
    };
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
                    <th scope="row">
                        <a href=tier_link(tier) data-tier-link=rule.key.clone()>{loaded.tier_name(tier, lang).to_owned()}</a>
                    </th>
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
        links: (0..loaded.tier_rules.tiers.len())
            .map(|tier| Some(tier_link(tier)))
            .collect(),
    };

    let features = &analysis.features;
    let histogram = aum_histogram(&features.aum_fen, 4);
    let tier_count = loaded.tier_rules.tiers.len();
    let histogram_spec = AumHistogramSpec {
        title: format!(
            "{} · {} {}",
            lang.text(Msg::AumDistribution),
            lang.text(Msg::AsOf),
            as_of
        ),
        edges_fen: histogram.edges_fen,
        counts: histogram.counts,
        thresholds: (0..tier_count.saturating_sub(1))
            .map(|tier| {
                (
                    loaded.tier_name(tier, lang).to_owned(),
                    loaded.tier_rules.tiers[tier].min_aum_fen,
                )
            })
            .collect(),
        x_caption: lang.text(Msg::AumAxis).into(),
        y_caption: lang.text(Msg::CustomerCountAxis).into(),
        lang,
    };

    let key_threshold = key_tiers
        .checked_sub(1)
        .map_or(i64::MAX, |tier| loaded.tier_rules.tiers[tier].min_aum_fen);
    let profile = customer_profile(&loaded.dataset, analysis.as_of);
    let potential = key_account_potential(&loaded.dataset, features, &profile, key_threshold);
    let potential_count =
        potential_key_accounts(&potential, &features.aum_fen, key_threshold).len();

    let trend = analysis
        .as_of
        .filter(|_| !loaded.dataset.transactions().is_empty())
        .map(|as_of_day| {
            let series = monthly_series(
                &loaded.dataset,
                as_of_day,
                &features.aum_fen,
                &analysis.tier_of_customer,
                tier_count,
                TREND_MONTHS,
            );
            let total = tier_count;
            let aum = series.aum_fen.get(total).cloned().unwrap_or_default();
            let predicted = forecast(&aum, FORECAST_MONTHS, 3);
            let last = series.months.last().copied().unwrap_or_default();
            let months = series
                .months
                .iter()
                .copied()
                .chain((1..=FORECAST_MONTHS as i32).map(|h| last + h))
                .map(|m| month_label(m, lang))
                .collect();
            let error = predicted
                .holdout_relative_error
                .map(|e| format!("{:.1}%", e * 100.0))
                .unwrap_or_else(|| "–".into());
            let spec = TrendSpec {
                title: format!(
                    "{} · {} {}",
                    lang.text(Msg::AumTrend),
                    lang.text(Msg::AsOf),
                    as_of
                ),
                months,
                aum_fen: aum,
                activity: series.activity.get(total).cloned().unwrap_or_default(),
                forecast_fen: predicted.values,
                band_fen: predicted.band,
                aum_caption: lang.text(Msg::AumMonthEnd).into(),
                activity_caption: lang.text(Msg::TransactionsPerMonth).into(),
                forecast_caption: lang.text(Msg::ForecastWord).into(),
                lang,
            };
            (spec, format!("{} {error}", lang.text(Msg::ForecastNote)))
        });
    let without_aum = histogram.without_aum;

    view! {
        <div class="report-bar">
            <p class="as-of" data-testid="as-of">{lang.text(Msg::AsOf)} ": " {as_of.clone()}</p>
            // The browser's own print dialog: the print style sheet lays the overview out as a
            // one-page A4 management report, without navigation or buttons.
            <button class="secondary" on:click=|_| { let _ = window().print(); } data-testid="print-report">
                {lang.text(Msg::PrintReport)}
            </button>
        </div>
        <section class="kpis">
            <KpiCard label=lang.text(Msg::Customers) value=count(loaded.dataset.n_customers()) testid="customers"/>
            <KpiCard label=lang.text(Msg::KeyAccounts) value=count(key_accounts) testid="key-accounts"/>
            <KpiCard label=lang.text(Msg::TotalAum) value=money_compact(total_aum, lang) testid="total-aum"/>
            <KpiCard label=lang.text(Msg::KeyAccountAumShare) value=percent(key_aum, total_aum) testid="key-share"/>
            <KpiCard label=lang.text(Msg::PotentialKeyAccounts) value=count(potential_count) testid="potential"/>
        </section>
        <section class="panel">
            <ChartCanvas spec=spec height=360 testid="tier-bars"/>
        </section>
        <section class="panel">
            <ChartCanvas spec=histogram_spec height=320 testid="aum-histogram"/>
            <p class="hint">{lang.text(Msg::CustomersWithoutAum)} ": " {count(without_aum)}</p>
        </section>
        <section class="panel">
            {match trend {
                Some((spec, note)) => view! {
                    <ChartCanvas spec=spec height=380 testid="aum-trend"/>
                    <p class="hint" data-testid="forecast-note">{note}</p>
                }.into_any(),
                None => view! { <p class="empty">{lang.text(Msg::NoTransactionsYet)}</p> }.into_any(),
            }}
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
