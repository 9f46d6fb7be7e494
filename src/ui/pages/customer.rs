//! 客户画像 Customer 360: one customer's profile, holdings, AUM and activity by month, scores
//! with their reasons, interactions and feedback. The customer id is in the URL
//! (`?page=customer&id=…`), so a profile can be bookmarked and the back button returns to the
//! list it was opened from.

use crate::analytics::forecast::{customer_monthly_series, year_month};
use crate::analytics::profile::{transaction_mix, MixLine, YEAR_DAYS};
use crate::analytics::scores::FactorScores;
use crate::analytics::scores::{ATTRITION_HIGH_SCORE, POTENTIAL_MIN_SCORE};
use crate::analytics::suitability::{suitability_flag, SuitabilityFlag, SuitabilityIssue};
use crate::charts::{BarsSpec, ContributionsSpec, TrendSpec};
use crate::format::{count, date, dated_title, money_compact};
use crate::i18n::model_feature_name;
use crate::i18n::{Lang, Msg};
use crate::model::Day;
use crate::model::{ProductType, NO_RELATIONSHIP_MANAGER};
use crate::ui::background::{self, Job};
use crate::ui::components::{job_status, ChartCanvas, DataTable, KpiCard, WithData};
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
        match loaded.find_customer(&id) {
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
    // The customer's holdings, found once for the chart, the tags and the suitability check.
    let own: Vec<usize> = loaded.customer_rows().holdings.of(row).collect();
    let flags: Vec<SuitabilityFlag> = own
        .iter()
        .filter_map(|&h| suitability_flag(dataset, h))
        .collect();
    let mut by_product = [0i64; ProductType::ALL.len()];
    for &h in &own {
        by_product[holdings.product_type[h] as usize] += holdings.balance_fen[h];
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
                    crate::format::month(year, month, lang)
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
    let contacts: Vec<usize> = loaded.customer_rows().interactions.of(row).collect();
    let feedback = dataset.feedback();
    let answers: Vec<usize> = loaded.customer_rows().feedback.of(row).collect();

    // Tags: what a relationship manager should know at a glance.
    let mut tags = Vec::new();
    if tier < loaded.tier_rules.key_account_tiers() {
        tags.push((Msg::TagKeyAccount, "key-account"));
    } else if scored.potential.score(row) >= POTENTIAL_MIN_SCORE {
        tags.push((Msg::PotentialKeyAccounts, "potential"));
    }
    if scored.attrition.score(row) >= ATTRITION_HIGH_SCORE {
        tags.push((Msg::TagAttritionRisk, "attrition"));
    }
    if c.relationship_manager_idx[row] == NO_RELATIONSHIP_MANAGER {
        tags.push((Msg::Unassigned, "unassigned"));
    }
    if !flags.is_empty() {
        tags.push((Msg::TagSuitability, "suitability"));
    }
    let tags = tags
        .into_iter()
        .map(|(msg, key)| view! { <li class="tag" data-tag=key>{lang.text(msg)}</li> })
        .collect_view();

    // Twelve months of transactions by category and by channel.
    let mix = analysis
        .as_of
        .map(|day| transaction_mix(dataset, row, Day(day.0 - YEAR_DAYS), day));
    let mix_chart = |lines: &[MixLine], title: Msg, testid: &'static str| {
        (!lines.is_empty()).then(|| {
            let spec = BarsSpec {
                title: dated(title),
                categories: lines
                    .iter()
                    .map(|l| match l.label.as_str() {
                        "" => lang.text(Msg::BlankValue).to_owned(),
                        label => format!("{label} ({})", count(l.count as usize)),
                    })
                    .collect(),
                values_fen: lines.iter().map(|l| l.turnover_fen).collect(),
                caption: lang.text(Msg::Turnover).into(),
                lang,
            };
            view! {
                <section class="panel half">
                    <ChartCanvas spec=spec height=280 testid=testid/>
                </section>
            }
        })
    };
    let mix_charts = match &mix {
        Some(mix) if !mix.by_category.is_empty() => view! {
            <div class="panel-row">
                {mix_chart(&mix.by_category, Msg::TransactionsByCategory, "customer-categories")}
                {mix_chart(&mix.by_channel, Msg::TransactionsByChannel, "customer-channels")}
            </div>
        }
        .into_any(),
        _ => view! { <p class="empty">{lang.text(Msg::NoTransactionsInYear)}</p> }.into_any(),
    };

    view! {
        <h2 data-testid="customer-name">{c.name.get(row).to_owned()}</h2>
        <ul class="tags" data-testid="customer-tags">{tags}</ul>
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
        {mix_charts}
        <div class="panel-row">{scores}</div>
        <div class="panel-row">
            <section class="panel half" data-testid="next-best">
                <h3>{lang.text(Msg::NextBestProduct)}</h3>
                {next_best(loaded, lang, row, &as_of)}
            </section>
            <section class="panel half" data-testid="suitability">
                <h3>{lang.text(Msg::Suitability)}</h3>
                {suitability(loaded, lang, &flags)}
            </section>
        </div>
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
                view! { <DataTable testid="customer-interactions">{rows}</DataTable> }.into_any()
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
                view! { <DataTable testid="customer-feedback">{rows}</DataTable> }.into_any()
            }}
        </section>
    }
}

/// Contributions shown by name on the offer's chart; the rest are summed into one bar.
const OFFER_FACTORS: usize = 6;

/// The families the customer does not hold, by the propensity models' probability, with the
/// reasons for the first. The models train in the analysis worker on first use.
fn next_best(loaded: &Loaded, lang: Lang, row: usize, as_of: &str) -> impl IntoView {
    let job = background::offers(loaded, row as u32);
    let as_of = as_of.to_owned();
    move || match job.get() {
        Job::Ready(offers) if offers.is_empty() => {
            view! { <p class="empty">{lang.text(Msg::NothingToOffer)}</p> }.into_any()
        }
        Job::Ready(offers) => {
            let product_name = |p: ProductType| match lang {
                Lang::Zh => p.chinese_name(),
                Lang::En => p.english_name(),
            };
            let rows = offers
                .iter()
                .map(|offer| {
                    view! {
                        <tr data-product=offer.product.key()>
                            <td>{product_name(offer.product)}</td>
                            <td class="num">{format!("{:.0}%", offer.probability * 100.0)}</td>
                            <td class="num">{format!("{:.0}%", offer.base_rate * 100.0)}</td>
                            <td class="num">{offer.validation_auc.map_or("–".into(), |a| format!("{a:.2}"))}</td>
                        </tr>
                    }
                })
                .collect_view();
            let best = &offers[0];
            let mut factors: Vec<(String, f64)> = best
                .contributions
                .iter()
                .take(OFFER_FACTORS)
                .map(|(name, part)| (model_feature_name(name, lang), *part))
                .collect();
            let rest: f64 = best
                .contributions
                .iter()
                .skip(OFFER_FACTORS)
                .map(|c| c.1)
                .sum();
            if best.contributions.len() > OFFER_FACTORS {
                factors.push((lang.text(Msg::OtherFactors).to_owned(), rest));
            }
            let spec = ContributionsSpec {
                title: dated_title(
                    &format!(
                        "{} · {} {:.0}%",
                        product_name(best.product),
                        lang.text(Msg::Probability),
                        best.probability * 100.0
                    ),
                    &as_of,
                    lang,
                ),
                base_label: lang.text(Msg::ModelBase).into(),
                base: best.base,
                factors,
                decimals: 2,
            };
            view! {
                <DataTable testid="offers" headers=vec![lang.text(Msg::NextBestProduct), lang.text(Msg::Probability), lang.text(Msg::HoldersShare), lang.text(Msg::ValidationAuc)]>{rows}</DataTable>
                <p class="hint">{lang.text(Msg::WhyThisProduct)}</p>
                <ChartCanvas spec=spec height=300 testid="offer-contributions"/>
                <p class="hint">{lang.text(Msg::NextBestHint)}</p>
            }
            .into_any()
        }
        other => job_status(&other, lang, "offers-job"),
    }
}

/// Holdings whose risk rating is above what the customer may hold.
fn suitability(loaded: &Loaded, lang: Lang, flags: &[SuitabilityFlag]) -> impl IntoView {
    let holdings = loaded.dataset.holdings();
    if flags.is_empty() {
        return view! { <p class="ok" data-testid="suitability-clear">{lang.text(Msg::SuitabilityClear)}</p> }
            .into_any();
    }
    let rows = flags
        .iter()
        .map(|flag| {
            let h = flag.holding as usize;
            let product = holdings.product_type[h];
            let issue = match flag.issue {
                SuitabilityIssue::AboveTolerance => Msg::AboveTolerance,
                SuitabilityIssue::NotAssessed => Msg::NotAssessed,
            };
            view! {
                <tr>
                    <td>{match lang { Lang::Zh => product.chinese_name(), Lang::En => product.english_name() }}</td>
                    <td class="num">{money_compact(holdings.balance_fen[h], lang)}</td>
                    <td>{format!("R{}", flag.product_level)}</td>
                    <td>{match flag.customer_level { 0 => "–".to_owned(), level => format!("R{level}") }}</td>
                    <td>{lang.text(issue)}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <DataTable testid="suitability-flags" class="warning" role="alert" headers=vec![lang.text(Msg::Product), lang.text(Msg::Balance), lang.text(Msg::ProductRisk), lang.text(Msg::CustomerTolerance), lang.text(Msg::Suitability)]>{rows}</DataTable>
    }
    .into_any()
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
        decimals: 1,
    }
}
