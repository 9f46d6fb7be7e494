//! `DataTable`: the app's one table markup — class, test id, a header row of column names
//! (or a header row the page builds, for sortable links), the rows the page gives, an optional
//! footer, and an optional horizontal scroll box for wide tables.

use leptos::prelude::*;

/// A data table. `headers` are plain column names; `head` replaces them with cells the page
/// builds. The rows come as children.
#[component]
pub fn DataTable(
    /// `data-testid`, for tests and the bench.
    #[prop(optional)]
    testid: Option<&'static str>,
    /// Column names, each a `<th scope="col">`.
    #[prop(optional)]
    headers: Vec<&'static str>,
    /// A header row's cells built by the page, instead of `headers`.
    #[prop(optional)]
    head: Option<AnyView>,
    /// A footer row's cells (totals, the unassigned).
    #[prop(optional)]
    foot: Option<AnyView>,
    /// Classes besides `data-table`.
    #[prop(optional)]
    class: Option<&'static str>,
    /// ARIA role (`alert` for warnings).
    #[prop(optional)]
    role: Option<&'static str>,
    /// In a box that scrolls sideways, for tables wider than the screen.
    #[prop(optional)]
    scroll: bool,
    children: Children,
) -> impl IntoView {
    let class = match class {
        Some(more) => format!("data-table {more}"),
        None => "data-table".to_owned(),
    };
    let head = match head {
        Some(cells) => Some(cells),
        None if headers.is_empty() => None,
        None => Some(
            headers
                .into_iter()
                .map(|name| view! { <th scope="col">{name}</th> })
                .collect_view()
                .into_any(),
        ),
    };
    let table = view! {
        <table class=class data-testid=testid role=role>
            {head.map(|cells| view! { <thead><tr>{cells}</tr></thead> })}
            <tbody>{children()}</tbody>
            {foot.map(|cells| view! { <tfoot>{cells}</tfoot> })}
        </table>
    };
    if scroll {
        view! { <div class="table-scroll">{table}</div> }.into_any()
    } else {
        table.into_any()
    }
}
