//! 分层与细分 Segments: the tier ladder and which products each tier's customers hold.

use crate::format::{count, money_compact, percent};
use crate::i18n::{Lang, Msg};
use crate::model::ProductType;
use crate::ui::components::WithData;
use crate::ui::state::Loaded;
use leptos::prelude::*;
use std::sync::Arc;

/// The segments page.
#[component]
pub fn SegmentsPage() -> impl IntoView {
    view! { <WithData render=segments/> }
}

fn segments(loaded: Arc<Loaded>, lang: Lang) -> impl IntoView {
    let analysis = &loaded.analysis;
    // Only product types someone holds get a column; "other" is usually empty.
    let products: Vec<ProductType> = ProductType::ALL
        .into_iter()
        .filter(|&p| analysis.product_mix.iter().any(|tier| tier[p as usize] > 0))
        .collect();
    let product_name = |p: ProductType| match lang {
        Lang::Zh => p.chinese_name(),
        Lang::En => p.english_name(),
    };
    let headers = products
        .iter()
        .map(|&p| view! { <th scope="col">{product_name(p)}</th> })
        .collect_view();
    let rows = (0..loaded.tier_rules.tiers.len())
        .map(|tier| {
            let customers = analysis.tier_summary.customers[tier];
            let cells = products
                .iter()
                .map(|&p| {
                    let holders = analysis.product_mix[tier][p as usize];
                    view! {
                        <td class="num" title=percent(holders as i64, customers as i64)>
                            {count(holders)}
                        </td>
                    }
                })
                .collect_view();
            view! {
                <tr data-tier=loaded.tier_rules.tiers[tier].key.clone()>
                    <th scope="row">{loaded.tier_name(tier, lang).to_owned()}</th>
                    <td class="num">{count(customers)}</td>
                    <td class="num">{money_compact(analysis.tier_summary.aum_fen[tier], lang)}</td>
                    {cells}
                </tr>
            }
        })
        .collect_view();
    view! {
        <section class="panel">
            <h2>{lang.text(Msg::ProductMixByTier)}</h2>
            <p class="hint">{lang.text(Msg::KeyAccountRule)}</p>
            <div class="table-scroll">
                <table class="data-table" data-testid="product-mix">
                    <thead>
                        <tr>
                            <th scope="col">{lang.text(Msg::Tier)}</th>
                            <th scope="col">{lang.text(Msg::Customers)}</th>
                            <th scope="col">{lang.text(Msg::Aum)}</th>
                            {headers}
                        </tr>
                    </thead>
                    <tbody>{rows}</tbody>
                </table>
            </div>
        </section>
    }
}
