//! The Relationship managers page's model: each manager's book (clients, key accounts, AUM,
//! mean attrition risk and capacity) largest first, the unassigned clients, and the workload
//! chart; every book links to its customer list.

use super::url::CustomersQuery;
use super::Loaded;
use crate::analytics::scores::ScoreKind;
use crate::analytics::Book;
use crate::charts::TierBarsSpec;
use crate::format::{count, dated_title, money_compact};
use crate::i18n::{Lang, Msg};
use crate::model::NO_RELATIONSHIP_MANAGER;

/// One book's row, as shown.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BookRow {
    /// The manager's id (`none` for the unassigned), name and branch.
    pub rm_id: String,
    pub name: String,
    pub branch: String,
    /// The book's customer list.
    pub href: String,
    pub clients: String,
    pub key_accounts: String,
    pub aum: String,
    pub average_aum: String,
    /// Mean scores of the book's clients, one decimal.
    pub attrition: String,
    pub capacity: String,
}

/// The page, ready to bind.
#[derive(Clone, Debug, PartialEq)]
pub struct ManagersPage {
    /// Managers by AUM, largest book first.
    pub books: Vec<BookRow>,
    /// The clients without a manager.
    pub unassigned: BookRow,
    /// Clients and AUM per manager, in the same order.
    pub workload: TierBarsSpec,
}

/// Mean scores per book: `(attrition, capacity)` per manager, then the unassigned; attrition is
/// `None` on a dataset it cannot be read from (no transactions).
pub fn average_scores(loaded: &Loaded) -> Vec<(Option<f64>, f64)> {
    let dataset = &loaded.dataset;
    let scored = loaded.scored();
    let books = dataset.relationship_managers().len();
    let mut sums = vec![(0.0, 0.0, 0usize); books + 1];
    for (customer, &manager) in dataset
        .customers()
        .relationship_manager_idx
        .iter()
        .enumerate()
    {
        let book = match manager {
            NO_RELATIONSHIP_MANAGER => books,
            manager => manager as usize,
        };
        sums[book].0 += scored.attrition.score(customer);
        sums[book].1 += scored.capacity.score(customer);
        sums[book].2 += 1;
    }
    let attrition_known = ScoreKind::Attrition.applies_to(dataset);
    sums.into_iter()
        .map(|(a, c, n)| {
            let (a, c) = match n {
                0 => (0.0, 0.0),
                n => (a / n as f64, c / n as f64),
            };
            (attrition_known.then_some(a), c)
        })
        .collect()
}

fn book_href(rm_id: &str, path: &str) -> String {
    CustomersQuery {
        relationship_manager: Some(rm_id.to_owned()),
        ..CustomersQuery::default()
    }
    .to_href(path)
}

fn book_row(
    (rm_id, name, branch): (&str, &str, &str),
    book: &Book,
    (attrition, capacity): (Option<f64>, f64),
    lang: Lang,
    path: &str,
) -> BookRow {
    let average = match book.clients {
        0 => 0,
        clients => book.aum_fen / clients as i64,
    };
    BookRow {
        rm_id: rm_id.to_owned(),
        name: name.to_owned(),
        branch: branch.to_owned(),
        href: book_href(rm_id, path),
        clients: count(book.clients),
        key_accounts: count(book.key_accounts),
        aum: money_compact(book.aum_fen, lang),
        average_aum: money_compact(average, lang),
        attrition: attrition.map_or("–".into(), |a| format!("{a:.1}")),
        capacity: format!("{capacity:.1}"),
    }
}

/// The page of `loaded` in `lang`; `path` is the document's own path, for links.
pub fn managers_page(loaded: &Loaded, lang: Lang, path: &str) -> ManagersPage {
    let managers = loaded.dataset.relationship_managers();
    let books = &loaded.analysis.books;
    let scores = average_scores(loaded);
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
            .map(|&m| Some(book_href(managers.rm_id.get(m), path)))
            .collect(),
    };
    let rows = order
        .iter()
        .map(|&m| {
            let who = (
                managers.rm_id.get(m),
                managers.name.get(m),
                managers.branch.get(m),
            );
            book_row(who, &books.by_manager[m], scores[m], lang, path)
        })
        .collect();
    let unassigned = book_row(
        ("none", lang.text(Msg::KeyAccountsWithoutRm), ""),
        &books.unassigned,
        scores[managers.len()],
        lang,
        path,
    );
    ManagersPage {
        books: rows,
        unassigned,
        workload,
    }
}
