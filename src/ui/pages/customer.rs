//! 客户画像 Customer 360: one customer's profile, holdings, AUM and activity by month, scores
//! with their reasons, interactions and feedback. The customer id is in the URL
//! (`?page=customer&id=…`), so a profile can be bookmarked and the back button returns to the
//! list it was opened from.

use crate::analytics::forecast::{customer_monthly_series, year_month};
use crate::analytics::scores::FactorScores;
use crate::charts::{BarsSpec, ContributionsSpec, TrendSpec};
use crate::format::{count, date, dated_title, money_compact};
use crate::i18n::{Lang, Msg};
use crate::model::{ProductType, NO_RELATIONSHIP_MANAGER};
use crate::ui::components::{ChartCanvas, KpiCard, WithData};
use crate::ui::state::Loaded;
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;
use std::sync::Arc;

/// Months of history on the profile's trend chart.
const PROFILE_MONTHS: usize = 12;

/// The customer profile page.
#[component]
pub fn CustomerPage() -> impl IntoView {
    view! { <WithData render=customer/> }
}

fn customer(loaded: Arc<Loaded>, lang: Lang) -> impl IntoView {
    let query = use_query_map();
    move || {
        let id = query.read().get("id").unwrap_or_default();
        let customers = loaded.dataset.customers();
        match (0..customers.len()).find(|&row| customers.customer_id.get(row) == id) {
            Some(row) => profile(&loaded, lang, row).into_any(),
            None => view! {
                <p class="empty" data-status="unknown-customer">
                    {lang.text(Msg::UnknownCustomer)} " " {id}
                </p>
            }
            .into_any(),
        }
    }
}

fn profile(loaded: &Loaded, lang: Lang, row: usize) -> impl IntoView {
    let dataset = &loaded.dataset;
    let analysis = &loaded.analysis;
    let c = dataset.customers();
    let f = &analysis.features;
    let as_of = loaded.as_of_text(lang);
    let dated = |msg: Msg| dated_title(lang.text(msg), &as_of, lang);
    let tier = analysis.tier_of_customer[row] as usize;
    let manager = match c.relationship_manager_idx[row] {
        NO_RELATIONSHIP_MANAGER => lang.text(Msg::Unassigned).to_owned(),
        rm => {
            let managers = dataset.relationship_managers();
            format!(
                "{} {}",
                managers.rm_id.get(rm as usize),
                managers.name.get(rm as usize)
            )
        }
    };
    let scored = loaded.scored();
    let customer_profile = &scored.profile;
    let facts = [
        (Msg::CustomerId, c.customer_id.get(row).to_owned()),
        (Msg::Tier, loaded.tier_name(tier, lang).to_owned()),
        (Msg::City, c.city.get(row).to_owned()),
        (Msg::RelationshipManager, manager),
        (
            Msg::RiskLevel,
            match c.risk_level[row] {
                0 => "–".into(),
                r => format!("R{r}"),
            },
        ),
        (
            Msg::Age,
            customer_profile.age_years[row].map_or("–".into(), |a| a.to_string()),
        ),
        (
            Msg::TenureMonths,
            customer_profile.tenure_months[row].map_or("–".into(), |m| m.to_string()),
        ),
    ]
    .into_iter()
    .map(|(msg, value)| view! { <dt>{lang.text(msg)}</dt><dd>{value}</dd> })
    .collect_view();

    // Holdings by product type: what a relationship manager sees first.
    let holdings = dataset.holdings();
    let mut by_product = [0i64; ProductType::ALL.len()];
    for h in 0..holdings.len() {
        if holdings.customer_idx[h] as usize == row {
            by_product[holdings.product_type[h] as usize] += holdings.balance_fen[h];
        }
    }
    let held: Vec<(ProductType, i64)> = ProductType::ALL
        .into_iter()
        .map(|p| (p, by_product[p as usize]))
        .filter(|&(_, fen)| fen != 0)
        .collect();
    let holdings_chart = (!held.is_empty()).then(|| BarsSpec {
        title: dated(Msg::HoldingsByProduct),
        categories: held
            .iter()
            .map(|&(p, _)| match lang {
                Lang::Zh => p.chinese_name().to_owned(),
                Lang::En => p.english_name().to_owned(),
            })
            .collect(),
        values_fen: held.iter().map(|&(_, fen)| fen).collect(),
        caption: lang.text(Msg::Balance).into(),
        lang,
    });

    let trend = analysis.as_of.map(|day| {
        let series = customer_monthly_series(dataset, day, row, &f.aum_fen, PROFILE_MONTHS);
        TrendSpec {
            title: dated(Msg::AumTrend),
            months: series
                .months
                .iter()
                .map(|&m| {
                    let (year, month) = year_month(m);
                    match lang {
                        Lang::Zh => format!("{year}年{month}月"),
                        Lang::En => format!("{year}-{month:02}"),
                    }
                })
                .collect(),
            aum_fen: series.aum_fen.first().cloned().unwrap_or_default(),
            activity: series.activity.first().cloned().unwrap_or_default(),
            forecast_fen: Vec::new(),
            band_fen: Vec::new(),
            aum_caption: lang.text(Msg::AumMonthEnd).into(),
            activity_caption: lang.text(Msg::TransactionsPerMonth).into(),
            forecast_caption: lang.text(Msg::ForecastWord).into(),
            lang,
        }
    });

    let scores = [
        (Msg::FinancialCapacity, &scored.capacity, "capacity"),
        (Msg::AttritionRisk, &scored.attrition, "attrition"),
        (Msg::KeyAccountPotential, &scored.potential, "potential"),
    ]
    .into_iter()
    .map(|(name, scores, testid)| {
        let spec = contributions(
            scores,
            row,
            lang,
            &dated_title(
                &format!("{} {:.0}", lang.text(name), scores.score(row)),
                &as_of,
                lang,
            ),
        );
        view! {
            <section class="panel half">
                <ChartCanvas spec=spec height=300 testid=testid/>
            </section>
        }
    })
    .collect_view();

    let interactions = dataset.interactions();
    let contacts: Vec<usize> = (0..interactions.len())
        .filter(|&i| interactions.customer_idx[i] as usize == row)
        .collect();
    let feedback = dataset.feedback();
    let answers: Vec<usize> = (0..feedback.len())
        .filter(|&i| feedback.customer_idx[i] as usize == row)
        .collect();

    view! {
        <h2 data-testid="customer-name">{c.name.get(row).to_owned()}</h2>
        <dl class="facts" data-testid="customer-facts">{facts}</dl>
        <section class="kpis">
            <KpiCard label=lang.text(Msg::Aum) value=money_compact(f.aum_fen[row], lang) testid="customer-aum"/>
            <KpiCard label=lang.text(Msg::Deposits) value=money_compact(customer_profile.deposits_fen[row], lang) testid="customer-deposits"/>
            <KpiCard label=lang.text(Msg::WealthProducts) value=money_compact(customer_profile.wealth_fen[row], lang) testid="customer-wealth"/>
            <KpiCard label=lang.text(Msg::Loan) value=money_compact(f.loan_fen[row], lang) testid="customer-loans"/>
            <KpiCard label=lang.text(Msg::F12) value=count(f.f12[row] as usize) testid="customer-f12"/>
        </section>
        <section class="panel">
            {match holdings_chart {
                Some(spec) => view! { <ChartCanvas spec=spec height=300 testid="customer-holdings"/> }.into_any(),
                None => view! { <p class="empty">{lang.text(Msg::NoHoldings)}</p> }.into_any(),
            }}
        </section>
        <section class="panel">
            {trend.map(|spec| view! { <ChartCanvas spec=spec height=320 testid="customer-trend"/> })}
        </section>
        <div class="panel-row">{scores}</div>
        <section class="panel">
            <h3>{lang.text(Msg::Interactions)}</h3>
            {if contacts.is_empty() {
                view! { <p class="empty">{lang.text(Msg::NoInteractions)}</p> }.into_any()
            } else {
                let rows = contacts.iter().rev().map(|&i| view! {
                    <tr>
                        <td>{date(interactions.date[i], lang)}</td>
                        <td>{interactions.kind.get(i).to_owned()}</td>
                        <td>{interactions.note.get(i).to_owned()}</td>
                    </tr>
                }).collect_view();
                view! { <table class="data-table" data-testid="customer-interactions"><tbody>{rows}</tbody></table> }.into_any()
            }}
            <h3>{lang.text(Msg::Feedback)}</h3>
            {if answers.is_empty() {
                view! { <p class="empty">{lang.text(Msg::NoFeedback)}</p> }.into_any()
            } else {
                let rows = answers.iter().rev().map(|&i| view! {
                    <tr>
                        <td>{date(feedback.date[i], lang)}</td>
                        <td class="num">{feedback.score[i]}</td>
                        <td>{feedback.comment.get(i).to_owned()}</td>
                    </tr>
                }).collect_view();
                view! { <table class="data-table" data-testid="customer-feedback"><tbody>{rows}</tbody></table> }.into_any()
            }}
        </section>
    }
}

/// A customer's score as a contributions chart, largest effects first.
fn contributions(scores: &FactorScores, row: usize, lang: Lang, title: &str) -> ContributionsSpec {
    ContributionsSpec {
        title: title.to_owned(),
        base_label: lang.text(Msg::BasePoints).into(),
        base: scores.base,
        factors: scores
            .explain(row)
            .into_iter()
            .map(|(factor, points)| {
                let name = match lang {
                    Lang::Zh => factor.name_zh(),
                    Lang::En => factor.name_en(),
                };
                (name.to_owned(), points)
            })
            .collect(),
    }
}
