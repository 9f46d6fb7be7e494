//! 客户 Customers: every customer in a paged table, searchable, filterable and sortable by any
//! column; filters, paging and sort live in the URL, so a list can be bookmarked and shared.

use crate::analytics::listing::{filter_customers, CustomerFilter, CustomerList};
use crate::analytics::scores::{FactorScores, ScoreKind};
use crate::analytics::segments::CustomerSegments;
use crate::format::{count, money_compact};
use crate::i18n::{Lang, Msg};
use crate::model::NO_RELATIONSHIP_MANAGER;
use crate::ui::background::{self, Job};
use crate::ui::components::{job_status, WithData};
use crate::ui::state::Loaded;
use crate::ui::{page_href, Page};
use crate::worker::protocol::ListExport;
use leptos::prelude::*;
use leptos_router::hooks::{use_navigate, use_query_map};
use leptos_router::params::ParamsMap;
use std::cmp::Ordering;
use std::sync::Arc;

const PAGE_SIZE: usize = 50;

/// The columns the table can sort by.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Column {
    CustomerId,
    Name,
    City,
    Tier,
    Aum,
    Loan,
    Products,
    F12,
    Recency,
    RelationshipManager,
}

impl Column {
    const ALL: [Column; 10] = [
        Column::CustomerId,
        Column::Name,
        Column::City,
        Column::Tier,
        Column::Aum,
        Column::Loan,
        Column::Products,
        Column::F12,
        Column::Recency,
        Column::RelationshipManager,
    ];

    fn slug(self) -> &'static str {
        match self {
            Column::CustomerId => "id",
            Column::Name => "name",
            Column::City => "city",
            Column::Tier => "tier",
            Column::Aum => "aum",
            Column::Loan => "loan",
            Column::Products => "products",
            Column::F12 => "f12",
            Column::Recency => "recency",
            Column::RelationshipManager => "rm",
        }
    }

    fn title(self) -> Msg {
        match self {
            Column::CustomerId => Msg::CustomerId,
            Column::Name => Msg::Name,
            Column::City => Msg::City,
            Column::Tier => Msg::Tier,
            Column::Aum => Msg::Aum,
            Column::Loan => Msg::Loan,
            Column::Products => Msg::Products,
            Column::F12 => Msg::F12,
            Column::Recency => Msg::Recency,
            Column::RelationshipManager => Msg::RelationshipManager,
        }
    }

    fn compare(self, loaded: &Loaded, a: usize, b: usize) -> Ordering {
        let c = loaded.dataset.customers();
        let f = &loaded.analysis.features;
        match self {
            Column::CustomerId => c.customer_id.get(a).cmp(c.customer_id.get(b)),
            Column::Name => c.name.get(a).cmp(c.name.get(b)),
            Column::City => c.city.get(a).cmp(c.city.get(b)),
            // Tier 0 is the highest, so "ascending tier" lists the lowest rung first.
            Column::Tier => {
                loaded.analysis.tier_of_customer[b].cmp(&loaded.analysis.tier_of_customer[a])
            }
            Column::Aum => f.aum_fen[a].cmp(&f.aum_fen[b]),
            Column::Loan => f.loan_fen[a].cmp(&f.loan_fen[b]),
            Column::Products => f.products[a].cmp(&f.products[b]),
            Column::F12 => f.f12[a].cmp(&f.f12[b]),
            Column::Recency => f.recency_days[a].cmp(&f.recency_days[b]),
            Column::RelationshipManager => manager_id(loaded, a).cmp(manager_id(loaded, b)),
        }
    }
}

fn manager_id(loaded: &Loaded, customer: usize) -> &str {
    match loaded.dataset.customers().relationship_manager_idx[customer] {
        NO_RELATIONSHIP_MANAGER => "",
        rm => loaded
            .dataset
            .relationship_managers()
            .rm_id
            .get(rm as usize),
    }
}

/// The customers page.
#[component]
pub fn CustomersPage() -> impl IntoView {
    view! { <WithData render=customers/> }
}

/// The filter a page URL asks for.
fn filter_from(query: &ParamsMap, loaded: &Loaded) -> CustomerFilter {
    let managers = loaded.dataset.relationship_managers();
    CustomerFilter {
        tier: query.get("tier").and_then(|key| {
            loaded
                .tier_rules
                .tiers
                .iter()
                .position(|rule| rule.key == key)
                .map(|tier| tier as u8)
        }),
        relationship_manager: query.get("rm").and_then(|id| {
            if id == "none" {
                Some(NO_RELATIONSHIP_MANAGER)
            } else {
                (0..managers.len())
                    .find(|&rm| managers.rm_id.get(rm) == id)
                    .map(|rm| rm as u32)
            }
        }),
        city: query.get("city").filter(|city| !city.is_empty()),
        risk_level: query.get("risk").and_then(|r| r.parse().ok()),
        min_aum_fen: query
            .get("min")
            .and_then(|v| v.parse::<f64>().ok())
            .map(|yuan| (yuan * 100.0).round() as i64),
        max_aum_fen: query
            .get("max")
            .and_then(|v| v.parse::<f64>().ok())
            .map(|yuan| (yuan * 100.0).round() as i64),
        search: query.get("q").unwrap_or_default(),
        rfm_cell: query
            .get("r")
            .zip(query.get("f"))
            .and_then(|(r, f)| Some((r.parse().ok()?, f.parse().ok()?))),
        cluster: query.get("cluster").and_then(|c| c.parse().ok()),
        score_range: chosen_score(query).map(|_| {
            let bound = |key: &str, default: i32| {
                query
                    .get(key)
                    .and_then(|v| v.trim().parse::<i32>().ok())
                    .unwrap_or(default)
            };
            (bound("smin", 0), bound("smax", 100))
        }),
    }
}

/// The score a list is narrowed by (`?score=`), shown and exported as an extra column.
fn chosen_score(query: &ParamsMap) -> Option<ScoreKind> {
    let key = query.get("score")?;
    ScoreKind::ALL.into_iter().find(|s| s.key() == key)
}

fn score_title(kind: ScoreKind) -> Msg {
    match kind {
        ScoreKind::Capacity => Msg::FinancialCapacity,
        ScoreKind::Attrition => Msg::AttritionRisk,
        ScoreKind::Potential => Msg::KeyAccountPotential,
    }
}

fn scores_of(loaded: &Loaded, kind: ScoreKind) -> &FactorScores {
    let scored = loaded.scored();
    match kind {
        ScoreKind::Capacity => &scored.capacity,
        ScoreKind::Attrition => &scored.attrition,
        ScoreKind::Potential => &scored.potential,
    }
}

fn customers(loaded: Arc<Loaded>, lang: Lang) -> impl IntoView {
    let query = use_query_map();
    let navigate = use_navigate();
    // Sets one query key (empty removes it), keeping the others, and replaces the history
    // entry: typing a search should not leave a trail of back-button stops.
    let set_param = move |key: &'static str, value: String| {
        let mut pairs: Vec<(String, String)> = query
            .get_untracked()
            .into_iter()
            .filter(|(k, _)| k != key && k != "p" && k != "page")
            .map(|(k, v)| (k.into_owned(), v))
            .collect();
        if !value.is_empty() {
            pairs.push((key.to_owned(), value));
        }
        let extra: String = pairs
            .iter()
            .map(|(k, v)| {
                format!(
                    "&{k}={}",
                    js_sys::encode_uri_component(v)
                        .as_string()
                        .unwrap_or_default()
                )
            })
            .collect();
        navigate(
            &page_href(Page::Customers, &extra),
            leptos_router::NavigateOptions {
                replace: true,
                ..Default::default()
            },
        );
    };
    let controls = filter_controls(&loaded, lang, query, set_param.clone());
    let tier_names: Vec<String> = (0..loaded.tier_rules.tiers.len())
        .map(|tier| loaded.tier_name(tier, lang).to_owned())
        .collect();
    let headers: Vec<&'static str> = Column::ALL.iter().map(|c| lang.text(c.title())).collect();
    let (csv_loaded, csv_tiers, csv_headers) =
        (loaded.clone(), tier_names.clone(), headers.clone());
    let export_csv = move |_| {
        let loaded = &csv_loaded;
        let query = query.get_untracked();
        let Some(order) = current_list(loaded, &query) else {
            return;
        };
        let score = chosen_score(&query);
        let headers = with_score_header(&csv_headers, score, lang);
        let csv = CustomerList {
            dataset: &loaded.dataset,
            features: &loaded.analysis.features,
            tier_of_customer: &loaded.analysis.tier_of_customer,
            tier_names: &csv_tiers,
            headers: &headers,
            rows: &order,
            score: score.map(|s| scores_of(loaded, s)),
        }
        .to_csv();
        // A byte-order mark, so spreadsheet programs read the Chinese as UTF-8.
        let mut bytes = "\u{FEFF}".as_bytes().to_vec();
        bytes.extend_from_slice(csv.as_bytes());
        crate::ui::download::download_bytes("customers.csv", "text/csv", &bytes);
    };
    // The workbook of a large list takes seconds to write: the analysis worker writes it.
    let workbook = RwSignal::new(None::<ArcRwSignal<Job<()>>>);
    let xlsx_loaded = loaded.clone();
    let export_xlsx = move |_| {
        let loaded = &xlsx_loaded;
        let query = query.get_untracked();
        let Some(order) = current_list(loaded, &query) else {
            return;
        };
        let score = chosen_score(&query);
        let export = ListExport {
            tier_rules: loaded.tier_rules.clone(),
            tier_names: tier_names.clone(),
            headers: with_score_header(&headers, score, lang)
                .iter()
                .map(|h| h.to_string())
                .collect(),
            sheet_name: lang.text(Msg::NavCustomers).to_owned(),
            rows: order.iter().map(|&row| row as u32).collect(),
            score,
        };
        workbook.set(Some(background::export_workbook(
            loaded,
            export,
            "customers.xlsx",
        )));
    };
    let workbook_status = move || {
        workbook
            .get()
            .map(|job| job_status(&job.get(), lang, "xlsx-job"))
    };
    let table_loaded = loaded.clone();
    let table = move || {
        let loaded = &table_loaded;
        let query = query.read();
        // A list of a segment needs the segments, which the worker computes.
        let segments = match needs_segments(&query) {
            true => match background::segments(loaded).get() {
                Job::Ready(segments) => Some(segments),
                other => return job_status(&other, lang, "segments-job"),
            },
            false => None,
        };
        let sort = query
            .get("sort")
            .and_then(|slug| Column::ALL.into_iter().find(|c| c.slug() == slug))
            .unwrap_or(Column::Aum);
        let descending = query.get("desc").map(|d| d != "0").unwrap_or(true);
        let order = listed(loaded, &query, segments.as_deref());
        let n = order.len();
        let n_pages = n.div_ceil(PAGE_SIZE).max(1);
        let page = query
            .get("p")
            .and_then(|p| p.parse::<usize>().ok())
            .unwrap_or(1)
            .clamp(1, n_pages);
        let kept: String = query
            .clone()
            .into_iter()
            .filter(|(k, _)| !matches!(k.as_ref(), "page" | "sort" | "desc" | "p"))
            .map(|(k, v)| {
                format!(
                    "&{k}={}",
                    js_sys::encode_uri_component(&v)
                        .as_string()
                        .unwrap_or_default()
                )
            })
            .collect();
        let link = move |column: Column, desc: bool, page: usize| {
            page_href(
                Page::Customers,
                &format!(
                    "{kept}&sort={}&desc={}&p={page}",
                    column.slug(),
                    u8::from(desc)
                ),
            )
        };
        let headers = Column::ALL
            .into_iter()
            .map(|column| {
                let active = column == sort;
                let next_desc = if active { !descending } else { true };
                let aria_sort = match (active, descending) {
                    (false, _) => "none",
                    (true, true) => "descending",
                    (true, false) => "ascending",
                };
                let arrow = match (active, descending) {
                    (false, _) => "",
                    (true, true) => " ▼",
                    (true, false) => " ▲",
                };
                view! {
                    <th scope="col" aria-sort=aria_sort>
                        <a href=link(column, next_desc, 1) data-sort=column.slug()>
                            {lang.text(column.title())}{arrow}
                        </a>
                    </th>
                }
            })
            .collect_view();

        // The chosen score gets a column of its own, so the range it is narrowed to shows.
        let score = chosen_score(&query);
        let score_header =
            score.map(|s| view! { <th scope="col">{lang.text(score_title(s))}</th> });
        let score_of = score.map(|s| scores_of(loaded, s));
        let c = loaded.dataset.customers();
        let f = &loaded.analysis.features;
        let rows = order
            .iter()
            .skip((page - 1) * PAGE_SIZE)
            .take(PAGE_SIZE)
            .map(|&i| {
                let tier = loaded.analysis.tier_of_customer[i] as usize;
                let manager = match manager_id(loaded, i) {
                    "" => lang.text(Msg::Unassigned).to_owned(),
                    id => id.to_owned(),
                };
                let id = c.customer_id.get(i).to_owned();
                let profile = page_href(
                    Page::Customer,
                    &format!(
                        "&id={}",
                        js_sys::encode_uri_component(&id)
                            .as_string()
                            .unwrap_or_default()
                    ),
                );
                view! {
                    <tr data-customer=id.clone()>
                        <td><a href=profile data-customer-link=id.clone()>{id.clone()}</a></td>
                        <td>{c.name.get(i).to_owned()}</td>
                        <td>{c.city.get(i).to_owned()}</td>
                        <td>{loaded.tier_name(tier, lang).to_owned()}</td>
                        <td class="num">{money_compact(f.aum_fen[i], lang)}</td>
                        <td class="num">{money_compact(f.loan_fen[i], lang)}</td>
                        <td class="num">{f.products[i]}</td>
                        <td class="num">{f.f12[i]}</td>
                        <td class="num">{recency_text(f.recency_days[i])}</td>
                        <td>{manager}</td>
                        {score_of.map(|s| view! { <td class="num" data-score>{format!("{:.0}", s.score(i))}</td> })}
                    </tr>
                }
            })
            .collect_view();

        view! {
            <p class="hint" data-testid="list-count" data-count=n>
                {lang.text(Msg::SortBy)} " · " {count(n)} " " {lang.text(Msg::Rows)}
            </p>
            <div class="table-scroll">
                <table class="data-table" data-testid="customer-table">
                    <thead><tr>{headers}{score_header}</tr></thead>
                    <tbody>{rows}</tbody>
                </table>
            </div>
            <nav class="pager" aria-label="pages">
                {(page > 1).then(|| view! {
                    <a href=link(sort, descending, page - 1) data-testid="page-previous">{lang.text(Msg::PagePrevious)}</a>
                })}
                <span data-testid="page-position">{page} " / " {n_pages}</span>
                {(page < n_pages).then(|| view! {
                    <a href=link(sort, descending, page + 1) data-testid="page-next">{lang.text(Msg::PageNext)}</a>
                })}
            </nav>
        }
        .into_any()
    };
    view! {
        <section class="filters" aria-label=lang.text(Msg::Filters)>
            {controls}
            <button class="secondary" on:click=export_csv data-testid="export-csv">{lang.text(Msg::ExportCsv)}</button>
            <button class="secondary" on:click=export_xlsx data-testid="export-xlsx">{lang.text(Msg::ExportXlsx)}</button>
            {workbook_status}
        </section>
        {table}
    }
}

/// The list's column headers, with the chosen score's last.
fn with_score_header(
    headers: &[&'static str],
    score: Option<ScoreKind>,
    lang: Lang,
) -> Vec<&'static str> {
    let mut headers = headers.to_vec();
    headers.extend(score.map(|s| lang.text(score_title(s))));
    headers
}

/// Whether the URL lists a segment (an RFM cell or a cluster).
fn needs_segments(query: &ParamsMap) -> bool {
    query.get("cluster").is_some() || (query.get("r").is_some() && query.get("f").is_some())
}

/// The list shown now; `None` while the segments it needs are still being computed.
fn current_list(loaded: &Loaded, query: &ParamsMap) -> Option<Vec<usize>> {
    let segments = match needs_segments(query) {
        true => match background::segments(loaded).get_untracked() {
            Job::Ready(segments) => Some(segments),
            _ => return None,
        },
        false => None,
    };
    Some(listed(loaded, query, segments.as_deref()))
}

/// The customers the URL's filter keeps, in the URL's sort order (ties by customer id, so the
/// order is stable and reproducible).
fn listed(loaded: &Loaded, query: &ParamsMap, segments: Option<&CustomerSegments>) -> Vec<usize> {
    let sort = query
        .get("sort")
        .and_then(|slug| Column::ALL.into_iter().find(|c| c.slug() == slug))
        .unwrap_or(Column::Aum);
    let descending = query.get("desc").map(|d| d != "0").unwrap_or(true);
    let filter = filter_from(query, loaded);
    let mut order = filter_customers(
        &loaded.dataset,
        &loaded.analysis.features.aum_fen,
        &loaded.analysis.tier_of_customer,
        segments,
        chosen_score(query).map(|s| scores_of(loaded, s)),
        &filter,
    );
    order.sort_by(|&a, &b| {
        let primary = sort.compare(loaded, a, b);
        let primary = if descending {
            primary.reverse()
        } else {
            primary
        };
        primary.then_with(|| Column::CustomerId.compare(loaded, a, b))
    });
    order
}

/// The search box and the tier, manager, city and risk selects.
fn filter_controls(
    loaded: &Loaded,
    lang: Lang,
    query: Memo<ParamsMap>,
    set_param: impl Fn(&'static str, String) + Clone + 'static,
) -> impl IntoView {
    let current = move |key: &str| query.get_untracked().get(key).unwrap_or_default();
    let any = lang.text(Msg::Any);
    let select = |key: &'static str, label: Msg, options: Vec<(String, String)>| {
        let set = set_param.clone();
        let selected = current(key);
        let options = options
            .into_iter()
            .map(|(value, text)| {
                let is = value == selected;
                view! { <option value=value selected=is>{text}</option> }
            })
            .collect_view();
        view! {
            <label>
                {lang.text(label)} " "
                <select
                    data-filter=key
                    on:change=move |event| set(key, event_target_value(&event))
                >
                    <option value="">{any}</option>
                    {options}
                </select>
            </label>
        }
    };
    let tiers = loaded
        .tier_rules
        .tiers
        .iter()
        .enumerate()
        .map(|(tier, rule)| (rule.key.clone(), loaded.tier_name(tier, lang).to_owned()))
        .collect();
    let managers = loaded.dataset.relationship_managers();
    let mut manager_options: Vec<(String, String)> = (0..managers.len())
        .map(|rm| {
            let id = managers.rm_id.get(rm);
            let name = managers.name.get(rm);
            let text = if name.is_empty() {
                id.to_owned()
            } else {
                format!("{id} {name}")
            };
            (id.to_owned(), text)
        })
        .collect();
    manager_options.push(("none".into(), lang.text(Msg::Unassigned).into()));
    let mut cities: Vec<String> = loaded.dataset.customers().city.values().to_vec();
    cities.retain(|city| !city.is_empty());
    cities.sort();
    let cities = cities.into_iter().map(|c| (c.clone(), c)).collect();
    let risks = (1..=5).map(|r| (r.to_string(), format!("R{r}"))).collect();
    let scores = ScoreKind::ALL
        .into_iter()
        .map(|s| (s.key().to_owned(), lang.text(score_title(s)).to_owned()))
        .collect();
    let bound = |key: &'static str, label: Msg| {
        let set = set_param.clone();
        view! {
            <label>
                {lang.text(label)} " "
                <input
                    type="number"
                    min="0"
                    max="100"
                    step="1"
                    class="score-bound"
                    value=current(key)
                    data-filter=key
                    on:change=move |event| set(key, event_target_value(&event))
                />
            </label>
        }
    };
    let search = set_param.clone();
    view! {
        <label>
            {lang.text(Msg::Search)} " "
            <input
                type="search"
                value=current("q")
                placeholder=lang.text(Msg::SearchHint)
                data-testid="customer-search"
                on:input=move |event| search("q", event_target_value(&event))
            />
        </label>
        {select("tier", Msg::Tier, tiers)}
        {select("rm", Msg::RelationshipManager, manager_options)}
        {select("city", Msg::City, cities)}
        {select("risk", Msg::RiskLevel, risks)}
        {select("score", Msg::Score, scores)}
        {bound("smin", Msg::ScoreFrom)}
        {bound("smax", Msg::ScoreTo)}
    }
}

fn recency_text(days: u32) -> String {
    if days == crate::analytics::NO_TRANSACTION_RECENCY {
        "–".into()
    } else {
        days.to_string()
    }
}
