//! 客户 Customers: every customer in a paged table, sortable by any column; paging and sort live in the URL.

use crate::format::{count, money_compact};
use crate::i18n::{Lang, Msg};
use crate::model::NO_RELATIONSHIP_MANAGER;
use crate::ui::components::WithData;
use crate::ui::state::Loaded;
use crate::ui::{page_href, Page};
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;
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

fn customers(loaded: Arc<Loaded>, lang: Lang) -> impl IntoView {
    let query = use_query_map();
    move || {
        let query = query.read();
        let sort = query
            .get("sort")
            .and_then(|slug| Column::ALL.into_iter().find(|c| c.slug() == slug))
            .unwrap_or(Column::Aum);
        let descending = query.get("desc").map(|d| d != "0").unwrap_or(true);
        let n = loaded.dataset.n_customers();
        let n_pages = n.div_ceil(PAGE_SIZE).max(1);
        let page = query
            .get("p")
            .and_then(|p| p.parse::<usize>().ok())
            .unwrap_or(1)
            .clamp(1, n_pages);

        let mut order: Vec<usize> = (0..n).collect();
        // Ties fall back to the customer id, so the order is stable and reproducible.
        order.sort_by(|&a, &b| {
            let primary = sort.compare(&loaded, a, b);
            let primary = if descending {
                primary.reverse()
            } else {
                primary
            };
            primary.then_with(|| Column::CustomerId.compare(&loaded, a, b))
        });

        let link = move |column: Column, desc: bool, page: usize| {
            page_href(
                Page::Customers,
                &format!("&sort={}&desc={}&p={page}", column.slug(), u8::from(desc)),
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

        let c = loaded.dataset.customers();
        let f = &loaded.analysis.features;
        let rows = order
            .iter()
            .skip((page - 1) * PAGE_SIZE)
            .take(PAGE_SIZE)
            .map(|&i| {
                let tier = loaded.analysis.tier_of_customer[i] as usize;
                let manager = match manager_id(&loaded, i) {
                    "" => lang.text(Msg::Unassigned).to_owned(),
                    id => id.to_owned(),
                };
                view! {
                    <tr data-customer=c.customer_id.get(i).to_owned()>
                        <td>{c.customer_id.get(i).to_owned()}</td>
                        <td>{c.name.get(i).to_owned()}</td>
                        <td>{c.city.get(i).to_owned()}</td>
                        <td>{loaded.tier_name(tier, lang).to_owned()}</td>
                        <td class="num">{money_compact(f.aum_fen[i], lang)}</td>
                        <td class="num">{money_compact(f.loan_fen[i], lang)}</td>
                        <td class="num">{f.products[i]}</td>
                        <td class="num">{f.f12[i]}</td>
                        <td class="num">{recency_text(f.recency_days[i])}</td>
                        <td>{manager}</td>
                    </tr>
                }
            })
            .collect_view();

        view! {
            <p class="hint">{lang.text(Msg::SortBy)} " · " {count(n)} " " {lang.text(Msg::Rows)}</p>
            <div class="table-scroll">
                <table class="data-table" data-testid="customer-table">
                    <thead><tr>{headers}</tr></thead>
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
    }
}

fn recency_text(days: u32) -> String {
    if days == crate::analytics::NO_TRANSACTION_RECENCY {
        "–".into()
    } else {
        days.to_string()
    }
}
