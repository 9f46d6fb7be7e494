//! 总览 Overview: headline figures, the tier pyramid, the AUM distribution and the monthly
//! trend with its forecast, as of the data's date.

use crate::analytics::distribution::aum_histogram;
use crate::analytics::forecast::{forecast, monthly_series, year_month, MonthIndex};
use crate::analytics::migration::{tier_migration, Migration, TierSnapshot};
use crate::analytics::pipeline::features_and_tiers;
use crate::analytics::scores::potential_key_accounts;
use crate::charts::{AumHistogramSpec, TierBarsSpec, TrendSpec};
use crate::format::{count, dated_title, money_compact, percent};
use crate::i18n::{Lang, Msg};
use crate::storage::catalogue::SnapshotRecord;
use crate::storage::Store;
use crate::ui::components::{ChartCanvas, DataTable, KpiCard, WithData};
use crate::ui::customers_href;
use crate::ui::state::Loaded;
use crate::view::url::CustomersQuery;
use leptos::prelude::*;
use std::sync::Arc;

/// Months of history in the trend chart, and months forecast after them.
const TREND_MONTHS: usize = 24;
const FORECAST_MONTHS: usize = 6;

/// A month as the reader writes it.
fn month_label(month: MonthIndex, lang: Lang) -> String {
    let (year, month) = year_month(month);
    crate::format::month(year, month, lang)
}

/// The overview page.
#[component]
pub fn OverviewPage() -> impl IntoView {
    view! { <WithData render=overview/> }
}

/// What changed since the dataset's previous snapshot, with the current tier rules.
#[derive(Clone)]
struct SincePrevious {
    record: SnapshotRecord,
    aum_before_fen: i64,
    migration: Migration,
}

/// The snapshot of the same dataset imported just before `current`, re-tiered with today's
/// rules and compared with it; `None` when there is none.
async fn since_previous(loaded: Arc<Loaded>) -> Result<Option<SincePrevious>, String> {
    let previous = Store::browser()
        .previous(&loaded.record)
        .await
        .map_err(|e| e.to_string())?;
    let Some((record, earlier)) = previous else {
        return Ok(None);
    };
    let (_, features, tiers) = features_and_tiers(&earlier, &loaded.tier_rules);
    let migration = tier_migration(
        TierSnapshot {
            customer_id: &earlier.customers().customer_id,
            tier: &tiers,
            aum_fen: &features.aum_fen,
        },
        TierSnapshot {
            customer_id: &loaded.dataset.customers().customer_id,
            tier: &loaded.analysis.tier_of_customer,
            aum_fen: &loaded.analysis.features.aum_fen,
        },
        loaded.tier_rules.tiers.len(),
    );
    Ok(Some(SincePrevious {
        record,
        aum_before_fen: features.aum_fen.iter().sum(),
        migration,
    }))
}

/// The tier-migration matrix: earlier tiers down (and new customers), later tiers across (and
/// customers gone); each cell its customers and their AUM.
fn migration_table(loaded: &Loaded, lang: Lang, since: &SincePrevious) -> impl IntoView {
    let tiers = loaded.tier_rules.tiers.len();
    let name = |tier: usize| loaded.tier_name(tier, lang).to_owned();
    let headers = (0..tiers)
        .map(|t| view! { <th scope="col">{name(t)}</th> })
        .collect_view();
    let rows = (0..=tiers)
        .map(|from| {
            let label = if from < tiers {
                name(from)
            } else {
                lang.text(Msg::NewCustomers).to_owned()
            };
            let cells = (0..=tiers)
                .map(|to| {
                    let customers = since.migration.customers[from][to];
                    let aum = since.migration.aum_fen[from][to];
                    let class = match (from == to, from < to) {
                        (true, _) => "num stay",
                        (false, true) => "num loss",
                        (false, false) => "num gain",
                    };
                    view! {
                        <td class=class data-from=from data-to=to>
                            {count(customers)}
                            <small>{money_compact(aum as i64, lang)}</small>
                        </td>
                    }
                })
                .collect_view();
            view! { <tr><th scope="row">{label}</th>{cells}</tr> }
        })
        .collect_view();
    view! {
        <DataTable testid="migration" class="migration" head=view! { <th scope="col">{lang.text(Msg::FromTo)}</th> {headers} <th scope="col">{lang.text(Msg::GoneCustomers)}</th> }.into_any()>{rows}</DataTable>
    }
}

fn overview(loaded: Arc<Loaded>, lang: Lang) -> impl IntoView {
    let previous = {
        let loaded = loaded.clone();
        LocalResource::new(move || since_previous(loaded.clone()))
    };
    let analysis = &loaded.analysis;
    let tiers = &analysis.tier_summary;
    let key_tiers = loaded.tier_rules.key_account_tiers();
    let key_accounts: usize = tiers.customers[..key_tiers].iter().sum();
    let key_aum: i64 = tiers.aum_fen[..key_tiers].iter().sum();
    let total_aum = tiers.total_aum_fen();
    let as_of = loaded.as_of_text(lang);

    let tier_link = |tier: usize| {
        customers_href(&CustomersQuery {
            tier: Some(loaded.tier_rules.tiers[tier].key.clone()),
            ..CustomersQuery::default()
        })
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
        title: dated_title(lang.text(Msg::CustomersAndAumByTier), &as_of, lang),
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
        title: dated_title(lang.text(Msg::AumDistribution), &as_of, lang),
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

    let scored = loaded.scored();
    let potential_count = potential_key_accounts(
        &scored.potential,
        &features.aum_fen,
        scored.key_threshold_fen,
    )
    .len();

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
                title: dated_title(lang.text(Msg::AumTrend), &as_of, lang),
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
            {
                let loaded = loaded.clone();
                move || {
                    let value = match previous.get() {
                        None => "…".to_owned(),
                        Some(Err(_)) => "–".to_owned(),
                        Some(Ok(None)) => lang.text(Msg::NoPreviousSnapshot).to_owned(),
                        Some(Ok(Some(since))) => {
                            let change = loaded.analysis.tier_summary.total_aum_fen() - since.aum_before_fen;
                            let sign = if change > 0 { "+" } else { "" };
                            format!("{sign}{}", money_compact(change, lang))
                        }
                    };
                    view! { <KpiCard label=lang.text(Msg::AumChange) value=value testid="aum-change"/> }
                }
            }
        </section>
        <section class="panel">
            <ChartCanvas spec=spec height=360 testid="tier-bars"/>
        </section>
        <div class="panel-row">
        <section class="panel">
            <ChartCanvas spec=histogram_spec height=340 testid="aum-histogram"/>
            <p class="hint">{lang.text(Msg::CustomersWithoutAum)} ": " {count(without_aum)}</p>
        </section>
        <section class="panel">
            {match trend {
                Some((spec, note)) => view! {
                    <ChartCanvas spec=spec height=340 testid="aum-trend"/>
                    <p class="hint" data-testid="forecast-note">{note}</p>
                }.into_any(),
                None => view! { <p class="empty">{lang.text(Msg::NoTransactionsYet)}</p> }.into_any(),
            }}
        </section>
        </div>
        <section class="panel" class:without-data=move || matches!(previous.get(), Some(Ok(None)))>
            <h2>{lang.text(Msg::TierMigration)}</h2>
            {
                let loaded = loaded.clone();
                move || match previous.get() {
                    None => view! { <p class="loading">{lang.text(Msg::Loading)}</p> }.into_any(),
                    Some(Err(why)) => view! { <p class="error" role="alert">{lang.text(Msg::StorageError)} ": " {why}</p> }.into_any(),
                    Some(Ok(None)) => view! { <p class="empty" data-testid="no-migration">{lang.text(Msg::NoPreviousSnapshotHint)}</p> }.into_any(),
                    Some(Ok(Some(since))) => view! {
                        <p class="hint" data-testid="migration-since">
                            {lang.text(Msg::Since)} " " {since.record.dataset_name.clone()} " · "
                            {since.record.as_of.clone().unwrap_or_default()} " ("
                            {since.record.imported_at.get(..16).unwrap_or_default().replace('T', " ")} ")"
                        </p>
                        {migration_table(&loaded, lang, &since)}
                    }.into_any(),
                }
            }
        </section>
        <section class="panel">
            <DataTable testid="tier-table" headers=vec![lang.text(Msg::Tier), lang.text(Msg::Threshold), lang.text(Msg::Customers), lang.text(Msg::Aum), lang.text(Msg::AumShare)]>{rows}</DataTable>
        </section>
    }
}
