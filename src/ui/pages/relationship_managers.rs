//! 客户经理 Relationship managers: each manager's book, and the clients nobody looks after.

use crate::analytics::Book;
use crate::format::{count, money_compact};
use crate::i18n::{Lang, Msg};
use crate::ui::components::WithData;
use crate::ui::state::Loaded;
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

fn relationship_managers(loaded: Arc<Loaded>, lang: Lang) -> impl IntoView {
    let managers = loaded.dataset.relationship_managers();
    let books = &loaded.analysis.books;
    let mut order: Vec<usize> = (0..managers.len()).collect();
    order.sort_by(|&a, &b| {
        books.by_manager[b]
            .aum_fen
            .cmp(&books.by_manager[a].aum_fen)
    });
    let rows = order
        .into_iter()
        .map(|m| {
            view! {
                <tr data-manager=managers.rm_id.get(m).to_owned()>
                    <td>{managers.rm_id.get(m).to_owned()}</td>
                    <td>{managers.name.get(m).to_owned()}</td>
                    <td>{managers.branch.get(m).to_owned()}</td>
                    {book_cells(&books.by_manager[m], lang)}
                </tr>
            }
        })
        .collect_view();
    view! {
        <section class="panel">
            <div class="table-scroll">
                <table class="data-table" data-testid="manager-table">
                    <thead>
                        <tr>
                            <th scope="col">{lang.text(Msg::RmId)}</th>
                            <th scope="col">{lang.text(Msg::Name)}</th>
                            <th scope="col">{lang.text(Msg::Branch)}</th>
                            <th scope="col">{lang.text(Msg::Clients)}</th>
                            <th scope="col">{lang.text(Msg::KeyAccounts)}</th>
                            <th scope="col">{lang.text(Msg::Aum)}</th>
                            <th scope="col">{lang.text(Msg::AverageAum)}</th>
                        </tr>
                    </thead>
                    <tbody>{rows}</tbody>
                    <tfoot>
                        <tr data-manager="unassigned">
                            <th scope="row" colspan="3">{lang.text(Msg::KeyAccountsWithoutRm)}</th>
                            {book_cells(&books.unassigned, lang)}
                        </tr>
                    </tfoot>
                </table>
            </div>
        </section>
    }
}
