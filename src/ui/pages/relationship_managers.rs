//! 客户经理 Relationship managers: each manager's book (clients, key accounts, AUM, average
//! attrition risk and capacity), the workload across managers, and the clients nobody looks
//! after. Every book opens as a customer list.

use crate::analytics::Book;
use crate::charts::TierBarsSpec;
use crate::format::{count, dated_title, money_compact};
use crate::i18n::{Lang, Msg};
use crate::model::NO_RELATIONSHIP_MANAGER;
use crate::ui::components::{ChartCanvas, DataTable, WithData};
use crate::ui::customers_href;
use crate::ui::state::Loaded;
use crate::view::url::CustomersQuery;
use leptos::prelude::*;
use std::sync::Arc;

/// The relationship-managers page.
#[component]
pub fn RelationshipManagersPage() -> impl IntoView {
    view! { <WithData render=relationship_managers/> }
}

fn book_cells(book: &Book, lang: Lang) -> impl IntoView {
    let average = if book.clients == 0 {
        0
    } else {
        book.aum_fen / book.clients as i64
    };
    view! {
        <td class="num" data-count="clients">{count(book.clients)}</td>
        <td class="num">{count(book.key_accounts)}</td>
        <td class="num">{money_compact(book.aum_fen, lang)}</td>
        <td class="num">{money_compact(average, lang)}</td>
    }
}

/// Mean scores per book: `(attrition, capacity)` per manager, then the unassigned.
fn average_scores(loaded: &Loaded) -> Vec<(f64, f64)> {
    let dataset = &loaded.dataset;
    let scored = loaded.scored();
    let (attrition, capacity) = (&scored.attrition, &scored.capacity);
    let books = dataset.relationship_managers().len();
    let mut sums = vec![(0.0, 0.0, 0usize); books + 1];
    for (customer, &manager) in dataset
        .customers()
        .relationship_manager_idx
        .iter()
        .enumerate()
    {
        let book = if manager == NO_RELATIONSHIP_MANAGER {
            books
        } else {
            manager as usize
        };
        sums[book].0 += attrition.score(customer);
        sums[book].1 += capacity.score(customer);
        sums[book].2 += 1;
    }
    sums.into_iter()
        .map(|(a, c, n)| {
            if n == 0 {
                (0.0, 0.0)
            } else {
                (a / n as f64, c / n as f64)
            }
        })
        .collect()
}

fn relationship_managers(loaded: Arc<Loaded>, lang: Lang) -> impl IntoView {
    let managers = loaded.dataset.relationship_managers();
    let books = &loaded.analysis.books;
    let scores = average_scores(&loaded);
    let book_link = |id: &str| {
        customers_href(&CustomersQuery {
            relationship_manager: Some(id.to_owned()),
            ..CustomersQuery::default()
        })
    };
    let mut order: Vec<usize> = (0..managers.len()).collect();
    order.sort_by(|&a, &b| {
        books.by_manager[b]
            .aum_fen
            .cmp(&books.by_manager[a].aum_fen)
    });
    let as_of = loaded.as_of_text(lang);
    let workload = TierBarsSpec {
        title: dated_title(lang.text(Msg::WorkloadAcrossManagers), &as_of, lang),
        tiers: order
            .iter()
            .map(|&m| managers.rm_id.get(m).to_owned())
            .collect(),
        customers: order
            .iter()
            .map(|&m| books.by_manager[m].clients as u64)
            .collect(),
        aum_fen: order.iter().map(|&m| books.by_manager[m].aum_fen).collect(),
        customers_caption: lang.text(Msg::Clients).into(),
        aum_caption: lang.text(Msg::Aum).into(),
        lang,
        links: order
            .iter()
            .map(|&m| Some(book_link(managers.rm_id.get(m))))
            .collect(),
    };
    let score_cells = |(attrition, capacity): (f64, f64)| {
        view! {
            <td class="num" data-score="attrition">{format!("{attrition:.1}")}</td>
            <td class="num" data-score="capacity">{format!("{capacity:.1}")}</td>
        }
    };
    let rows = order
        .into_iter()
        .map(|m| {
            let id = managers.rm_id.get(m).to_owned();
            view! {
                <tr data-manager=id.clone()>
                    <td><a href=book_link(&id) data-book=id.clone()>{id.clone()}</a></td>
                    <td>{managers.name.get(m).to_owned()}</td>
                    <td>{managers.branch.get(m).to_owned()}</td>
                    {book_cells(&books.by_manager[m], lang)}
                    {score_cells(scores[m])}
                </tr>
            }
        })
        .collect_view();
    let unassigned_scores = scores[managers.len()];
    view! {
        <section class="panel">
            <ChartCanvas spec=workload height=360 testid="manager-workload"/>
        </section>
        <section class="panel">
            <DataTable testid="manager-table" scroll=true headers=vec![lang.text(Msg::RmId), lang.text(Msg::Name), lang.text(Msg::Branch), lang.text(Msg::Clients), lang.text(Msg::KeyAccounts), lang.text(Msg::Aum), lang.text(Msg::AverageAum), lang.text(Msg::AverageAttrition), lang.text(Msg::AverageCapacity)] foot=view! { <tr data-manager="unassigned"> <th scope="row" colspan="3"> <a href=book_link("none") data-book="none">{lang.text(Msg::KeyAccountsWithoutRm)}</a> </th> {book_cells(&books.unassigned, lang)} {score_cells(unassigned_scores)} </tr> }.into_any()>{rows}</DataTable>
        </section>
    }
}
