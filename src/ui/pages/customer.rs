//! 客户画像 Customer 360: one customer's profile, holdings, AUM and activity by month, scores
//! with their reasons, interactions and feedback. The customer id is in the URL
//! (`?page=customer&id=…`), so a profile can be bookmarked and the back button returns to the
//! list it was opened from.

use crate::i18n::{Lang, Msg};
use crate::ui::background::{self, Job};
use crate::ui::components::{job_status, ChartCanvas, DataTable, KpiCard, WithData};
use crate::ui::state::{AppState, Loaded};
use crate::view::customer::{customer_profile, offers_view, HeldRow, SuitabilityRow};
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

fn profile(loaded: &Arc<Loaded>, lang: Lang, row: usize) -> impl IntoView {
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
        {contact_section(loaded.clone(), lang, row)}
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

/// Contacts and survey answers, imported and recorded, newest first, with the forms that record
/// a contact (its next step becomes a follow-up) and a satisfaction score.
fn contact_section(loaded: Arc<Loaded>, lang: Lang, row: usize) -> impl IntoView {
    use crate::journal::{EventKind, NextStep};
    use crate::view::relationship::{contact_how, CONTACT_KINDS};
    let state = expect_context::<AppState>();
    let bench = crate::ui::pages::relationship::bench_memo(loaded.clone());
    let customer_id = loaded.dataset.customers().customer_id.get(row).to_owned();
    let t = move |msg: Msg| lang.text(msg);
    let today = crate::ui::pages::relationship::today();
    let iso = |d: crate::model::Day| {
        d.ymd()
            .map(|(y, m, d)| format!("{y:04}-{m:02}-{d:02}"))
            .unwrap_or_default()
    };
    let (when, how, note, step, step_due, confidential) = (
        RwSignal::new(iso(today)),
        RwSignal::new("visit".to_owned()),
        RwSignal::new(String::new()),
        RwSignal::new(String::new()),
        RwSignal::new(String::new()),
        RwSignal::new(false),
    );
    let (score, comment) = (RwSignal::new(String::new()), RwSignal::new(String::new()));
    let log = {
        let customer_id = customer_id.clone();
        move |ev: leptos::ev::SubmitEvent| {
            ev.prevent_default();
            let Some(date) = crate::model::Day::parse_iso(&when.get_untracked()) else {
                return;
            };
            let contact = CONTACT_KINDS
                .iter()
                .find(|(_, key)| *key == how.get_untracked())
                .map_or(crate::journal::ContactKind::Visit, |&(kind, _)| kind);
            let next_step = crate::model::Day::parse_iso(&step_due.get_untracked())
                .filter(|_| !step.get_untracked().trim().is_empty())
                .map(|due| NextStep {
                    text: step.get_untracked().trim().to_owned(),
                    due,
                });
            state.record(vec![EventKind::InteractionLogged {
                customer_id: customer_id.clone(),
                date,
                contact,
                note: note.get_untracked().trim().to_owned(),
                next_step,
                confidential: confidential.get_untracked(),
            }]);
            note.set(String::new());
            step.set(String::new());
        }
    };
    let survey = {
        let customer_id = customer_id.clone();
        move |ev: leptos::ev::SubmitEvent| {
            ev.prevent_default();
            let Some(value) = score
                .get_untracked()
                .trim()
                .parse::<u8>()
                .ok()
                .filter(|s| *s <= 10)
            else {
                return;
            };
            state.record(vec![EventKind::SurveyAnswered {
                customer_id: customer_id.clone(),
                date: crate::ui::pages::relationship::today(),
                score: value,
                comment: comment.get_untracked().trim().to_owned(),
            }]);
            score.set(String::new());
            comment.set(String::new());
        }
    };
    let kinds = CONTACT_KINDS
        .iter()
        .map(|&(kind, key)| view! { <option value=key>{crate::view::relationship::contact_kind_name(kind, lang)}</option> })
        .collect_view();
    let history = move || {
        let bench = bench.get();
        let journal = state.journal.get();
        let rows: Vec<_> = crate::view::relationship::customer_contacts(&loaded, &bench, &journal, row, 50)
            .into_iter()
            .map(|c| {
                let next = c
                    .next_step
                    .as_ref()
                    .map(|s| format!(" → {} ({})", s.text, crate::format::date(s.due, lang)))
                    .unwrap_or_default();
                view! {
                    <tr>
                        <td>{crate::format::date(c.date, lang)}</td>
                        <td translate=(!matches!(c.how, crate::analytics::workbench::ContactHow::Recorded(_))).then_some("no")>{contact_how(&c.how, lang)}</td>
                        <td translate="no">{c.note.clone().unwrap_or_else(|| t(Msg::Confidential).to_owned())}{next}</td>
                        <td translate="no">{c.by.clone()}</td>
                    </tr>
                }
            })
            .collect();
        if rows.is_empty() {
            view! { <p class="empty">{t(Msg::NoInteractions)}</p> }.into_any()
        } else {
            view! { <DataTable testid="customer-interactions">{rows}</DataTable> }.into_any()
        }
    };
    let answers = move || {
        let bench = bench.get();
        let rows: Vec<_> = bench
            .answers
            .iter()
            .filter(|a| a.customer == row)
            .map(|a| view! { <tr><td>{crate::format::date(a.date, lang)}</td><td class="num">{a.score}</td><td translate="no">{a.comment.clone()}</td></tr> })
            .collect();
        if rows.is_empty() {
            view! { <p class="empty">{t(Msg::NoFeedback)}</p> }.into_any()
        } else {
            view! { <DataTable testid="customer-feedback">{rows}</DataTable> }.into_any()
        }
    };
    view! {
        <section class="panel" data-testid="contacts">
            <h3>{t(Msg::ContactHistory)}</h3>
            <form class="inline-form" data-testid="contact-form" on:submit=log>
                <label>{t(Msg::ContactDate)}<input type="date" required data-testid="contact-date" prop:value=move || when.get() on:input=move |ev| when.set(event_target_value(&ev))/></label>
                <label>{t(Msg::ContactHowLabel)}<select data-testid="contact-kind" on:change=move |ev| how.set(event_target_value(&ev))>{kinds}</select></label>
                <label>{t(Msg::ContactNote)}<input data-testid="contact-note" prop:value=move || note.get() on:input=move |ev| note.set(event_target_value(&ev))/></label>
                <label>{t(Msg::NextStepText)}<input data-testid="next-step" prop:value=move || step.get() on:input=move |ev| step.set(event_target_value(&ev))/></label>
                <label>{t(Msg::NextStepDue)}<input type="date" data-testid="next-step-due" on:input=move |ev| step_due.set(event_target_value(&ev))/></label>
                <label class="check"><input type="checkbox" data-testid="contact-confidential" on:change=move |ev| confidential.set(event_target_checked(&ev))/>{t(Msg::ConfidentialLabel)}</label>
                <button type="submit" data-testid="log-contact">{t(Msg::LogContact)}</button>
            </form>
            {history}
            <h3>{t(Msg::Feedback)}</h3>
            <form class="inline-form" data-testid="survey-form" on:submit=survey>
                <label>{t(Msg::SurveyScore)}<input type="number" min="0" max="10" required data-testid="survey-score" prop:value=move || score.get() on:input=move |ev| score.set(event_target_value(&ev))/></label>
                <label>{t(Msg::SurveyComment)}<input data-testid="survey-comment" prop:value=move || comment.get() on:input=move |ev| comment.set(event_target_value(&ev))/></label>
                <button type="submit" data-testid="record-survey">{t(Msg::RecordSurvey)}</button>
            </form>
            {answers}
        </section>
    }
}
