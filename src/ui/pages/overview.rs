//! 总览 Overview: headline figures, the tier pyramid, the AUM distribution and the monthly
//! trend with its forecast, as of the data's date.

use crate::format::{count, money_compact};
use crate::i18n::{Lang, Msg};
use crate::storage::Store;
use crate::ui::components::{ChartCanvas, DataTable, KpiCard, WithData};
use crate::ui::current_path;
use crate::ui::state::Loaded;
use crate::view::overview::{overview as overview_model, SincePrevious};
use leptos::prelude::*;
use std::sync::Arc;

/// The overview page.
#[component]
pub fn OverviewPage() -> impl IntoView {
    view! { <WithData render=overview/> }
}

/// The snapshot of the same dataset imported just before `current`, re-tiered with today's
/// rules and compared with it; `None` when there is none.
async fn since_previous(loaded: Arc<Loaded>) -> Result<Option<SincePrevious>, String> {
    let previous = Store::browser()
        .previous(&loaded.record)
        .await
        .map_err(|e| e.to_string())?;
    Ok(previous.map(|(record, earlier)| SincePrevious::of(&loaded, record, &earlier)))
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
    let page = overview_model(&loaded, lang, &current_path());
    let as_of = page.as_of.clone();
    let rows = page
        .tiers
        .into_iter()
        .map(|row| {
            view! {
                <tr data-tier=row.key.clone()>
                    <th scope="row">
                        <a href=row.href data-tier-link=row.key.clone()>{row.name}</a>
                    </th>
                    <td>{row.threshold}</td>
                    <td class="num" data-count="customers">{row.customers}</td>
                    <td class="num">{row.aum}</td>
                    <td class="num">{row.aum_share}</td>
                </tr>
            }
        })
        .collect_view();
    let kpis = page
        .kpis
        .into_iter()
        .map(|k| view! { <KpiCard label=k.label value=k.value testid=k.testid/> })
        .collect_view();
    let (spec, histogram_spec, trend, without_aum) =
        (page.tier_bars, page.histogram, page.trend, page.without_aum);

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
            {kpis}
            {
                let loaded = loaded.clone();
                move || {
                    let value = match previous.get() {
                        None => "…".to_owned(),
                        Some(Err(_)) => "–".to_owned(),
                        Some(Ok(None)) => lang.text(Msg::NoPreviousSnapshot).to_owned(),
                        Some(Ok(Some(since))) => since.aum_change(&loaded, lang),
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
