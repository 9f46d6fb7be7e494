//! 客户 Customers: every customer in a paged table, searchable, filterable and sortable by any
//! column; filters, paging and sort live in the URL, so a list can be bookmarked and shared.
//! The list, its rows and links come from `view::customers`; this page binds them.

use crate::format::counted;
use crate::i18n::{Lang, Msg};
use crate::journal::EventKind;
use crate::ui::background::{self, Job};
use crate::ui::components::{job_status, DataTable, WithData};
use crate::ui::state::Loaded;
use crate::ui::{current_path, customers_href};
use crate::view::customers::{
    customers_page, export_list, filter_choices, list_headers, listed, tier_names, SortHeader,
};
use crate::view::relationship::ListRefusal;
use crate::view::url::{CustomersQuery, Query};
use crate::worker::protocol::ListExport;
use leptos::prelude::*;
use leptos_router::hooks::{use_navigate, use_query_map};
use leptos_router::params::ParamsMap;
use std::sync::Arc;

/// The customers page.
#[component]
pub fn CustomersPage() -> impl IntoView {
    view! { <WithData render=customers/> }
}

/// The router's query, as the view models read a URL.
struct RouterQuery<'a>(&'a ParamsMap);

impl Query for RouterQuery<'_> {
    fn param(&self, key: &str) -> Option<String> {
        self.0.get(key)
    }
}

/// The list state the URL asks for.
fn list_query(query: &ParamsMap) -> CustomersQuery {
    CustomersQuery::from_query(&RouterQuery(query))
}

/// The list shown now; `None` while the segments it needs are still being computed.
fn current_list(loaded: &Loaded, query: &CustomersQuery) -> Option<Vec<usize>> {
    let segments = match query.needs_segments() {
        true => match background::segments(loaded).get_untracked() {
            Job::Ready(segments) => Some(segments),
            _ => return None,
        },
        false => None,
    };
    Some(listed(loaded, query, segments.as_deref()))
}

fn customers(loaded: Arc<Loaded>, lang: Lang) -> impl IntoView {
    let params = use_query_map();
    let query = Memo::new(move |_| list_query(&params.read()));
    let navigate = use_navigate();
    // Sets one filter (empty clears it), keeping the others, and replaces the history entry:
    // typing a search should not leave a trail of back-button stops.
    let set_filter = move |key: &'static str, value: String| {
        let next = query.get_untracked().with_filter(key, &value);
        navigate(
            &customers_href(&next),
            leptos_router::NavigateOptions {
                replace: true,
                ..Default::default()
            },
        );
    };
    let controls = filter_controls(&loaded, lang, query, set_filter);
    let actions_loaded = loaded.clone();
    let names = tier_names(&loaded, lang);
    let (csv_loaded, csv_names) = (loaded.clone(), names.clone());
    let export_csv = move |_| {
        let query = query.get_untracked();
        let Some(rows) = current_list(&csv_loaded, &query) else {
            return;
        };
        let owned = list_headers(lang, query.score);
        let headers: Vec<&str> = owned.iter().map(String::as_str).collect();
        let csv = export_list(&csv_loaded, &query, &csv_names, &headers, &rows).to_csv();
        // A byte-order mark, so spreadsheet programs read the Chinese as UTF-8.
        let mut bytes = "\u{FEFF}".as_bytes().to_vec();
        bytes.extend_from_slice(csv.as_bytes());
        crate::ui::download::download_bytes("customers.csv", "text/csv", &bytes);
    };
    // The workbook of a large list takes seconds to write: the analysis worker writes it.
    let workbook = RwSignal::new(None::<ArcRwSignal<Job<()>>>);
    let xlsx_loaded = loaded.clone();
    let export_xlsx = move |_| {
        let query = query.get_untracked();
        let Some(rows) = current_list(&xlsx_loaded, &query) else {
            return;
        };
        let export = ListExport {
            tier_rules: xlsx_loaded.tier_rules.clone(),
            tier_names: names.clone(),
            headers: list_headers(lang, query.score),
            sheet_name: lang.text(Msg::NavCustomers).to_owned(),
            rows: rows.iter().map(|&row| row as u32).collect(),
            score: query.score,
            // The worker knows the rule scores but not the model applied on this page.
            model_scores: (query.score == Some(crate::analytics::scores::ScoreKind::Model))
                .then(|| {
                    xlsx_loaded
                        .applied
                        .as_ref()
                        .map(|a| a.probabilities.clone())
                })
                .flatten(),
        };
        workbook.set(Some(background::export_workbook(
            &xlsx_loaded,
            export,
            "customers.xlsx",
        )));
    };
    let workbook_status = move || {
        workbook
            .get()
            .map(|job| job_status(&job.get(), lang, "xlsx-job"))
    };
    let table = move || {
        let query = query.get();
        // A list of a segment needs the segments, which the worker computes.
        let segments = match query.needs_segments() {
            true => match background::segments(&loaded).get() {
                Job::Ready(segments) => Some(segments),
                other => return job_status(&other, lang, "segments-job"),
            },
            false => None,
        };
        let page = customers_page(&loaded, &query, segments.as_deref(), lang, &current_path());
        let header = |h: &SortHeader| {
            view! {
                <th scope="col" aria-sort=h.aria_sort>
                    <a href=h.href.clone() data-sort=h.column.slug()>{h.title}{h.arrow}</a>
                </th>
            }
        };
        let headers = page.headers.iter().map(header).collect_view();
        // The chosen score gets a column of its own, so the range it is narrowed to shows.
        let score_header = page.score_header.as_ref().map(header);
        let chips = page
            .chips
            .into_iter()
            .map(|chip| {
                view! {
                    <li class="tag chip" data-chip=chip.key>
                        {chip.label.clone()} " "
                        <a href=chip.remove_href aria-label=format!("{} {}", lang.text(Msg::RemoveFilter), chip.label) data-remove-chip=chip.key>"×"</a>
                    </li>
                }
            })
            .collect_view();
        let rows = page
            .rows
            .into_iter()
            .map(|row| {
                view! {
                    <tr data-customer=row.customer_id.clone()>
                        <td translate="no"><a href=row.profile_href data-customer-link=row.customer_id.clone()>{row.customer_id.clone()}</a></td>
                        <td translate="no">{row.name}</td>
                        <td translate="no">{row.city}</td>
                        <td>{row.tier}</td>
                        <td class="num">{row.aum}</td>
                        <td class="num">{row.loan}</td>
                        <td class="num">{row.products}</td>
                        <td class="num">{row.f12}</td>
                        <td class="num">{row.recency}</td>
                        <td translate="no">{row.relationship_manager}</td>
                        {row.score.map(|s| view! { <td class="num" data-score>{s}</td> })}
                    </tr>
                }
            })
            .collect_view();
        view! {
            <ul class="tags" data-testid="filter-chips">{chips}</ul>
            <p class="hint" data-testid="list-count" data-count=page.count>
                {lang.text(Msg::SortBy)} " · " {counted(page.count, Msg::Row, Msg::Rows, lang)}
            </p>
            <DataTable testid="customer-table" scroll=true head=view! { {headers}{score_header} }.into_any()>
                {rows}
            </DataTable>
            <nav class="pager" aria-label=lang.text(Msg::PagesNavigation)>
                {page.previous.map(|href| view! {
                    <a href=href data-testid="page-previous">{lang.text(Msg::PagePrevious)}</a>
                })}
                <span data-testid="page-position">{page.page} " / " {page.n_pages}</span>
                {page.next.map(|href| view! {
                    <a href=href data-testid="page-next">{lang.text(Msg::PageNext)}</a>
                })}
            </nav>
        }
        .into_any()
    };
    let actions = list_actions(actions_loaded, lang, query);
    view! {
        <section class="filters" aria-label=lang.text(Msg::Filters)>
            {controls}
            <button class="secondary" on:click=export_csv data-testid="export-csv">{lang.text(Msg::ExportCsv)}</button>
            <button class="secondary" on:click=export_xlsx data-testid="export-xlsx">{lang.text(Msg::ExportXlsx)}</button>
            {workbook_status}
        </section>
        {actions}
        {table}
    }
}

/// A list action's journal events for the list (rows) of a snapshot, or why none.
type ListAction<'a> = dyn Fn(&Loaded, &[usize]) -> Result<Vec<EventKind>, ListRefusal> + 'a;

/// What the relationship workbench does with the list shown: invite it to a client event, or
/// hand it to a manager. Each is journal events, one per customer it changes.
fn list_actions(loaded: Arc<Loaded>, lang: Lang, query: Memo<CustomersQuery>) -> impl IntoView {
    use crate::view::relationship::{list_invitations, list_reassignments};
    let state = expect_context::<crate::ui::state::AppState>();
    let shared = expect_context::<crate::ui::pages::relationship::SharedWorkbench>();
    let event = RwSignal::new(String::new());
    let manager = RwSignal::new(0u32);
    let managers = loaded.dataset.relationship_managers();
    let manager_options = (0..managers.len())
        .map(|m| view! { <option value=m.to_string() translate="no">{format!("{} {}", managers.rm_id.get(m), managers.name.get(m))}</option> })
        .collect_view();
    let events = move || {
        shared
            .0
            .get()
            .map(|bench| bench.events.clone())
            .unwrap_or_default()
    };
    let event_options = move || {
        events()
            .into_iter()
            .map(|e| {
                let id = e.event_id.clone();
                let selected = event.get_untracked() == id;
                view! { <option value=id selected=selected translate="no">{format!("{} {}", e.starts.replace('T', " "), e.name)}</option> }
            })
            .collect_view()
    };
    // The list as the table shows it; a segment's list waits for the segments.
    let act = {
        let loaded = loaded.clone();
        move |make: &ListAction<'_>| {
            let Some(rows) = current_list(&loaded, &query.get_untracked()) else {
                return;
            };
            match make(&loaded, &rows) {
                Ok(kinds) => state.record(kinds),
                Err(refusal) => state.notice.set(Some(refusal.text(lang))),
            }
        }
    };
    let invite = {
        let act = act.clone();
        move |_| {
            let chosen = event.get_untracked();
            let Some(client_event) = events().into_iter().find(|e| e.event_id == chosen) else {
                return;
            };
            act(&|loaded, rows| list_invitations(loaded, rows, &client_event));
        }
    };
    let assign = move |_| {
        let to = manager.get_untracked();
        act(&|loaded, rows| list_reassignments(loaded, rows, to));
    };
    let has_events = move || !events().is_empty();
    view! {
        <section class="filters list-actions" aria-label=lang.text(Msg::ListActions) data-testid="list-actions">
            <Show when=has_events fallback=move || view! { <span class="hint">{lang.text(Msg::NoEventsYet)}</span> }>
                <label>
                    {lang.text(Msg::InviteList)} " "
                    <select data-testid="list-event" on:change=move |ev| event.set(event_target_value(&ev))>
                        <option value="">"—"</option>
                        {event_options}
                    </select>
                </label>
                <button class="secondary" data-testid="invite-list" on:click=invite.clone()>{lang.text(Msg::Invite)}</button>
            </Show>
            <label>
                {lang.text(Msg::AssignList)} " "
                <select data-testid="list-manager" on:change=move |ev| manager.set(event_target_value(&ev).parse().unwrap_or(0))>{manager_options}</select>
            </label>
            <button class="secondary" data-testid="assign-list" on:click=assign>{lang.text(Msg::Assign)}</button>
            {move || state.notice.get().map(|notice| view! { <p class="notice" role="status" data-testid="notice">{notice}</p> })}
        </section>
    }
}

/// The search box, the tier, manager, city, risk and score selects and the score bounds.
fn filter_controls(
    loaded: &Loaded,
    lang: Lang,
    query: Memo<CustomersQuery>,
    set_filter: impl Fn(&'static str, String) + Clone + 'static,
) -> impl IntoView {
    let current = move |key: &str| query.get_untracked().filter_value(key);
    let any = lang.text(Msg::Any);
    let select = |key: &'static str, label: Msg, options: Vec<(String, String)>| {
        let set = set_filter.clone();
        let selected = current(key);
        // Managers and cities are the bank's own names, shown as imported.
        let data = matches!(key, "rm" | "city").then_some("no");
        let options = options
            .into_iter()
            .map(|(value, text)| {
                let is = value == selected;
                view! { <option value=value selected=is translate=data>{text}</option> }
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
    let choices = filter_choices(loaded, lang);
    let bound = |key: &'static str, label: Msg| {
        let set = set_filter.clone();
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
    let search = set_filter.clone();
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
        {select("tier", Msg::Tier, choices.tiers)}
        {select("rm", Msg::RelationshipManager, choices.managers)}
        {select("city", Msg::City, choices.cities)}
        {select("risk", Msg::RiskLevel, choices.risks)}
        {select("score", Msg::Score, choices.scores)}
        {bound("smin", Msg::ScoreFrom)}
        {bound("smax", Msg::ScoreTo)}
    }
}
