//! 客户画像 Customer 360: one customer's profile, holdings, AUM and activity by month, scores
//! with their reasons, interactions and feedback. The customer id is in the URL
//! (`?page=customer&id=…`), so a profile can be bookmarked and the back button returns to the
//! list it was opened from.

use crate::i18n::{Lang, Msg};
use crate::ui::background::{self, Job};
use crate::ui::components::{job_status, ChartCanvas, DataTable, KpiCard, WithData};
use crate::ui::state::Loaded;
use crate::view::customer::{customer_profile, offers_view, HeldRow, LogRow, SuitabilityRow};
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;
use std::sync::Arc;

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

/// A dated log (contacts or feedback), newest first; `what_class` styles its middle column.
fn log_table(rows: Vec<LogRow>, testid: &'static str, what_class: &'static str) -> impl IntoView {
    let rows = rows
        .into_iter()
        .map(|row| {
            view! {
                <tr>
                    <td>{row.date}</td>
                    <td class=what_class translate="no">{row.what}</td>
                    <td translate="no">{row.text}</td>
                </tr>
            }
        })
        .collect_view();
    view! { <DataTable testid=testid>{rows}</DataTable> }
}

fn profile(loaded: &Loaded, lang: Lang, row: usize) -> impl IntoView {
    let page = customer_profile(loaded, row, lang);
    let as_of = loaded.as_of_text(lang);
    let tags = page
        .tags
        .into_iter()
        .map(|(label, key)| view! { <li class="tag" data-tag=key>{label}</li> })
        .collect_view();
    let facts = page
        .facts
        .into_iter()
        .map(|(label, value, data)| view! { <dt>{label}</dt><dd translate=data.then_some("no")>{value}</dd> })
        .collect_view();
    let kpis = page
        .kpis
        .into_iter()
        .map(|k| view! { <KpiCard label=k.label value=k.value testid=k.testid/> })
        .collect_view();
    let scores = page
        .scores
        .into_iter()
        .map(|(spec, testid)| {
            view! {
                <section class="panel half">
                    <ChartCanvas spec=spec height=300 testid=testid/>
                </section>
            }
        })
        .collect_view();
    let mix_charts = match page.mix {
        Some((by_category, by_channel)) => {
            let panel = |spec, testid: &'static str| {
                view! {
                    <section class="panel half">
                        <ChartCanvas spec=spec height=280 testid=testid/>
                    </section>
                }
            };
            view! {
                <div class="panel-row">
                    {panel(by_category, "customer-categories")}
                    {panel(by_channel, "customer-channels")}
                </div>
            }
            .into_any()
        }
        None if !page.has_transactions => ().into_any(),
        None => view! { <p class="empty">{lang.text(Msg::NoTransactionsInYear)}</p> }.into_any(),
    };
    let trend = match (page.trend, page.has_transactions) {
        (Some(spec), _) => view! { <ChartCanvas spec=spec height=320 testid="customer-trend"/> }.into_any(),
        (None, false) => view! { <p class="empty" data-testid="needs-transactions">{lang.text(Msg::NoTransactionsImported)}</p> }.into_any(),
        (None, true) => view! { <p class="empty">{lang.text(Msg::NoAssetsOrActivity)}</p> }.into_any(),
    };
    let attrition_note = (!page.has_transactions).then(|| {
        view! {
            <section class="panel half" data-testid="attrition-needs-transactions">
                <h3>{lang.text(Msg::AttritionRisk)}</h3>
                <p class="empty">{lang.text(Msg::AttritionNeedsTransactions)}</p>
            </section>
        }
    });
    let has_holdings = page.has_holdings;
    // The applied model's verdict with its reasons, and where credit risk comes from.
    let verdict = crate::view::customer::model_verdict(loaded, row, lang, &as_of);
    let credit_note = match verdict.as_ref().filter(|v| v.credit_risk) {
        Some(v) => format!("{}{})", lang.text(Msg::CreditRiskLearned), v.name),
        None => lang.text(Msg::CreditRiskRuleBased).to_owned(),
    };
    let model_section = view! {
        <section class="panel" data-testid="customer-model">
            <h3>{lang.text(Msg::ModelOn360)}</h3>
            {verdict.map(|v| view! {
                <p data-testid="model-probability"><span translate="no">{v.name}</span> " · " {lang.text(Msg::Probability)} " " <strong>{v.probability}</strong></p>
                <ChartCanvas spec=v.spec height=300 testid="customer-model-contributions"/>
                <p class="hint">{lang.text(Msg::ModelContributionsHint)}</p>
            })}
            <p class="hint" data-testid="credit-risk-source">{credit_note}</p>
        </section>
    };
    view! {
        <h2 data-testid="customer-name" translate="no">{page.name}</h2>
        <ul class="tags" data-testid="customer-tags">{tags}</ul>
        <dl class="facts" data-testid="customer-facts">{facts}</dl>
        <section class="kpis">{kpis}</section>
        <section class="panel">
            {match page.holdings {
                Some(spec) => view! { <ChartCanvas spec=spec height=300 testid="customer-holdings"/> }.into_any(),
                None => view! { <p class="empty">{lang.text(Msg::NoHoldings)}</p> }.into_any(),
            }}
            {held_accounts(lang, page.held)}
        </section>
        <section class="panel">{trend}</section>
        {mix_charts}
        <div class="panel-row">{scores} {attrition_note}</div>
        {model_section}
        <div class="panel-row">
            <section class="panel half" data-testid="next-best">
                <h3>{lang.text(Msg::NextBestProduct)}</h3>
                {if has_holdings {
                    next_best(loaded, lang, row, &as_of).into_any()
                } else {
                    view! { <p class="empty" data-testid="offers-need-holdings">{lang.text(Msg::OffersNeedHoldings)}</p> }.into_any()
                }}
            </section>
            <section class="panel half" data-testid="suitability">
                <h3>{lang.text(Msg::Suitability)}</h3>
                {if has_holdings {
                    suitability(lang, page.suitability).into_any()
                } else {
                    view! { <p class="empty">{lang.text(Msg::SuitabilityNeedsHoldings)}</p> }.into_any()
                }}
            </section>
        </div>
        <section class="panel">
            <h3>{lang.text(Msg::Interactions)}</h3>
            {if page.contacts.is_empty() {
                view! { <p class="empty">{lang.text(Msg::NoInteractions)}</p> }.into_any()
            } else {
                log_table(page.contacts, "customer-interactions", "").into_any()
            }}
            <h3>{lang.text(Msg::Feedback)}</h3>
            {if page.feedback.is_empty() {
                view! { <p class="empty">{lang.text(Msg::NoFeedback)}</p> }.into_any()
            } else {
                log_table(page.feedback, "customer-feedback", "num").into_any()
            }}
        </section>
    }
}

/// The families the customer does not hold, by the propensity models' probability, with the
/// reasons for the first. The models train in the analysis worker on first use.
fn next_best(loaded: &Loaded, lang: Lang, row: usize, as_of: &str) -> impl IntoView {
    let job = background::offers(loaded, row as u32);
    let as_of = as_of.to_owned();
    move || match job.get() {
        Job::Ready(offers) => {
            let trained_on = offers.first().map(|o| o.trained_on).unwrap_or_default();
            match offers_view(&offers, lang, &as_of) {
                None => view! { <p class="empty">{lang.text(Msg::NothingToOffer)}</p> }.into_any(),
                Some((rows, spec)) => {
                    let rows = rows
                        .into_iter()
                        .map(|offer| {
                            view! {
                                <tr data-product=offer.key>
                                    <td>{offer.product}</td>
                                    <td class="num">{offer.probability}</td>
                                    <td class="num">{offer.holders_share}</td>
                                    <td class="num">{offer.validation_auc}</td>
                                </tr>
                            }
                        })
                        .collect_view();
                    view! {
                    <DataTable testid="offers" headers=vec![lang.text(Msg::NextBestProduct), lang.text(Msg::Probability), lang.text(Msg::HoldersShare), lang.text(Msg::ValidationAuc)]>{rows}</DataTable>
                    <p class="hint">{lang.text(Msg::WhyThisProduct)}</p>
                    <ChartCanvas spec=spec height=300 testid="offer-contributions"/>
                    <p class="hint">{lang.text(Msg::NextBestHint)}</p>
                    <p class="hint" data-testid="offers-sample">{lang.text(Msg::TrainedOnCustomers)}{crate::format::count(trained_on)}</p>
                }
                .into_any()
                }
            }
        }
        other => job_status(&other, lang, "offers-job"),
    }
}

/// Holdings whose risk rating is above what the customer may hold.
/// Every account and holding, by its id as imported.
fn held_accounts(lang: Lang, held: Vec<HeldRow>) -> impl IntoView {
    (!held.is_empty()).then(|| {
        let rows = held
            .into_iter()
            .map(|h| {
                let code = h.code.clone();
                view! {
                    <tr data-code=code>
                        <td>{h.product}</td>
                        <td translate="no">{h.code}</td>
                        <td class="num">{h.balance}</td>
                        <td>{h.as_of}</td>
                    </tr>
                }
            })
            .collect_view();
        view! {
            <details>
                <summary>{lang.text(Msg::HeldAccounts)}</summary>
                <DataTable testid="customer-accounts" scroll=true headers=vec![lang.text(Msg::Product), lang.text(Msg::AccountOrCode), lang.text(Msg::Balance), lang.text(Msg::AsOfShort)]>{rows}</DataTable>
            </details>
        }
    })
}

fn suitability(lang: Lang, flags: Vec<SuitabilityRow>) -> impl IntoView {
    if flags.is_empty() {
        return view! { <p class="ok" data-testid="suitability-clear">{lang.text(Msg::SuitabilityClear)}</p> }
            .into_any();
    }
    let rows = flags
        .into_iter()
        .map(|flag| {
            view! {
                <tr>
                    <td>{flag.product}</td>
                    <td class="num">{flag.balance}</td>
                    <td>{flag.product_level}</td>
                    <td>{flag.customer_level}</td>
                    <td>{flag.issue}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <DataTable testid="suitability-flags" class="warning" role="alert" scroll=true headers=vec![lang.text(Msg::Product), lang.text(Msg::Balance), lang.text(Msg::ProductRisk), lang.text(Msg::CustomerTolerance), lang.text(Msg::Suitability)]>{rows}</DataTable>
    }
    .into_any()
}
