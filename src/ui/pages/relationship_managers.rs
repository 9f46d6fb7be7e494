//! 客户经理 Relationship managers: each manager's book (clients, key accounts, AUM, average
//! attrition risk and capacity), the workload across managers, and the clients nobody looks
//! after. Every book opens as a customer list.

use crate::i18n::{Lang, Msg};
use crate::ui::components::{ChartCanvas, DataTable, WithData};
use crate::ui::current_path;
use crate::ui::state::Loaded;
use crate::view::managers::{managers_page, BookRow};
use crate::view::relationship::coverage;
use leptos::prelude::*;
use std::sync::Arc;

/// The relationship-managers page.
#[component]
pub fn RelationshipManagersPage() -> impl IntoView {
    view! { <WithData render=relationship_managers/> }
}

/// A book's figures: clients, key accounts, AUM, average AUM, mean scores.
fn book_cells(book: BookRow) -> impl IntoView {
    view! {
        <td class="num" data-count="clients">{book.clients}</td>
        <td class="num">{book.key_accounts}</td>
        <td class="num">{book.aum}</td>
        <td class="num">{book.average_aum}</td>
        <td class="num" data-score="attrition">{book.attrition}</td>
        <td class="num" data-score="capacity">{book.capacity}</td>
    }
}

fn relationship_managers(loaded: Arc<Loaded>, lang: Lang) -> impl IntoView {
    let page = managers_page(&loaded, lang, &current_path());
    let rows = page
        .books
        .into_iter()
        .map(|book| {
            let id = book.rm_id.clone();
            view! {
                <tr data-manager=id.clone()>
                    <td><a href=book.href.clone() data-book=id.clone()>{id.clone()}</a></td>
                    <td translate="no">{book.name.clone()}</td>
                    <td translate="no">{book.branch.clone()}</td>
                    {book_cells(book)}
                </tr>
            }
        })
        .collect_view();
    let unassigned = page.unassigned;
    let workload = page.workload;
    let bench = crate::ui::pages::relationship::bench_memo(loaded.clone());
    let coverage_view = {
        let loaded = loaded.clone();
        move || {
            let (rows, chart) = coverage(&loaded, &bench.get(), lang);
            let rows = rows
                .into_iter()
                .map(|row| {
                    let percent = row
                        .percent()
                        .map_or_else(|| "—".to_owned(), |p| format!("{p}%"));
                    view! {
                        <tr data-coverage=row.rm_id.clone()>
                            <td translate="no">{row.rm_id.clone()}</td>
                            <td translate="no">{row.name.clone()}</td>
                            <td class="num">{row.key_accounts}</td>
                            <td class="num">{row.covered}</td>
                            <td class="num" data-coverage-percent="">{percent}</td>
                        </tr>
                    }
                })
                .collect_view();
            view! {
                <ChartCanvas spec=chart height=300 testid="coverage-chart"/>
                <DataTable testid="coverage-table" headers=vec![lang.text(Msg::RmId), lang.text(Msg::Name), lang.text(Msg::KeyAccounts), lang.text(Msg::Covered), lang.text(Msg::Coverage)]>{rows}</DataTable>
            }
        }
    };
    view! {
        <section class="panel">
            <h2>{lang.text(Msg::Coverage)}</h2>
            {coverage_view}
        </section>
        <section class="panel">
            <ChartCanvas spec=workload height=360 testid="manager-workload"/>
        </section>
        <section class="panel">
            <DataTable testid="manager-table" scroll=true headers=vec![lang.text(Msg::RmId), lang.text(Msg::Name), lang.text(Msg::Branch), lang.text(Msg::Clients), lang.text(Msg::KeyAccounts), lang.text(Msg::Aum), lang.text(Msg::AverageAum), lang.text(Msg::AverageAttrition), lang.text(Msg::AverageCapacity)] foot=view! { <tr data-manager="unassigned"> <th scope="row" colspan="3"> <a href=unassigned.href.clone() data-book="none">{unassigned.name.clone()}</a> </th> {book_cells(unassigned)} </tr> }.into_any()>{rows}</DataTable>
        </section>
    }
}
