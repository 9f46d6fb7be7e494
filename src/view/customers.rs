//! The Customers page's model: the customers a [`CustomersQuery`] lists, in its order, one page
//! of them as table rows, the sortable headers' links and the filters' choices.

use super::url::{Column, CustomerQuery, CustomersQuery};
use super::Loaded;
use crate::analytics::listing::{filter_customers, CustomerFilter, CustomerList};
use crate::analytics::scores::{FactorScores, ScoreKind};
use crate::analytics::segments::CustomerSegments;
use crate::analytics::NO_TRANSACTION_RECENCY;
use crate::format::money_compact;
use crate::i18n::{Lang, Msg};
use crate::model::NO_RELATIONSHIP_MANAGER;
use std::cmp::Ordering;

/// Customers shown to a page.
pub const PAGE_SIZE: usize = 50;

/// A score's name.
pub fn score_title(kind: ScoreKind) -> Msg {
    match kind {
        ScoreKind::Capacity => Msg::FinancialCapacity,
        ScoreKind::Attrition => Msg::AttritionRisk,
        ScoreKind::Potential => Msg::KeyAccountPotential,
        ScoreKind::Model => Msg::ModelScore,
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

/// Ids and codes as people read them: `C2` before `C10`, digits by their value.
pub fn natural(a: &str, b: &str) -> Ordering {
    natord::compare(a, b)
}

fn compare(
    column: Column,
    loaded: &Loaded,
    score: Option<&FactorScores>,
    a: usize,
    b: usize,
) -> Ordering {
    let c = loaded.dataset.customers();
    let f = &loaded.analysis.features;
    match column {
        Column::CustomerId => natural(c.customer_id.get(a), c.customer_id.get(b)),
        Column::Name => natural(c.name.get(a), c.name.get(b)),
        Column::City => natural(c.city.get(a), c.city.get(b)),
        // Tier 0 is the highest, so "ascending tier" lists the lowest rung first.
        Column::Tier => {
            loaded.analysis.tier_of_customer[b].cmp(&loaded.analysis.tier_of_customer[a])
        }
        Column::Aum => f.aum_fen[a].cmp(&f.aum_fen[b]),
        Column::Loan => f.loan_fen[a].cmp(&f.loan_fen[b]),
        Column::Products => f.products[a].cmp(&f.products[b]),
        Column::F12 => f.f12[a].cmp(&f.f12[b]),
        Column::Recency => f.recency_days[a].cmp(&f.recency_days[b]),
        Column::RelationshipManager => natural(manager_id(loaded, a), manager_id(loaded, b)),
        Column::Score => score.map_or(Ordering::Equal, |s| s.score(a).total_cmp(&s.score(b))),
    }
}

/// The core's filter for what the URL asks: names resolved to rows of this dataset.
pub fn customer_filter(loaded: &Loaded, query: &CustomersQuery) -> CustomerFilter {
    let managers = loaded.dataset.relationship_managers();
    CustomerFilter {
        tier: query.tier.as_ref().and_then(|key| {
            loaded
                .tier_rules
                .tiers
                .iter()
                .position(|rule| &rule.key == key)
                .map(|tier| tier as u8)
        }),
        relationship_manager: query.relationship_manager.as_ref().and_then(|id| {
            if id == "none" {
                Some(NO_RELATIONSHIP_MANAGER)
            } else {
                (0..managers.len())
                    .find(|&rm| managers.rm_id.get(rm) == id)
                    .map(|rm| rm as u32)
            }
        }),
        city: query.city.clone(),
        risk_level: query.risk_level,
        min_aum_fen: query.min_aum_fen,
        max_aum_fen: query.max_aum_fen,
        search: query.search.clone(),
        rfm_cell: query.rfm_cell,
        cluster: query.cluster.map(|c| c as u32),
        score_range: query.score.map(|_| (query.score_min, query.score_max)),
    }
}

/// The customers the URL's filter keeps, in the URL's sort order (ties by customer id, so the
/// order is stable and reproducible). A segment's list needs `segments`.
pub fn listed(
    loaded: &Loaded,
    query: &CustomersQuery,
    segments: Option<&CustomerSegments>,
) -> Vec<usize> {
    let mut order = filter_customers(
        &loaded.dataset,
        &loaded.analysis.features.aum_fen,
        &loaded.analysis.tier_of_customer,
        segments,
        query.score.map(|s| loaded.scored().of(s)),
        &customer_filter(loaded, query),
    );
    let score = query.score.map(|s| loaded.scored().of(s));
    order.sort_by(|&a, &b| {
        let primary = compare(query.sort, loaded, score, a, b);
        let primary = if query.descending {
            primary.reverse()
        } else {
            primary
        };
        primary.then_with(|| compare(Column::CustomerId, loaded, None, a, b))
    });
    order
}

/// The exported list's column headers in `lang`, the chosen score's last; money columns name
/// the dataset's currency (`AUM (USD)`), as their cells are bare numbers.
pub fn list_headers(lang: Lang, score: Option<ScoreKind>) -> Vec<String> {
    let currency = crate::format::shown_currency();
    Column::ALL
        .iter()
        .map(|&c| match c {
            Column::Aum | Column::Loan => format!("{} ({currency})", lang.text(c.title())),
            _ => lang.text(c.title()).to_owned(),
        })
        .chain(score.map(|s| lang.text(score_title(s)).to_owned()))
        .collect()
}

/// The tiers' names in `lang`, in the rules' order.
pub fn tier_names(loaded: &Loaded, lang: Lang) -> Vec<String> {
    (0..loaded.tier_rules.tiers.len())
        .map(|tier| loaded.tier_name(tier, lang).to_owned())
        .collect()
}

/// The listed customers as the core's list, for the CSV and workbook exports.
pub fn export_list<'a>(
    loaded: &'a Loaded,
    query: &CustomersQuery,
    tier_names: &'a [String],
    headers: &'a [&'a str],
    rows: &'a [usize],
) -> CustomerList<'a> {
    CustomerList {
        dataset: &loaded.dataset,
        features: &loaded.analysis.features,
        tier_of_customer: &loaded.analysis.tier_of_customer,
        tier_names,
        headers,
        rows,
        score: query.score.map(|s| loaded.scored().of(s)),
    }
}

/// A sortable column's header.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SortHeader {
    /// Which column.
    pub column: Column,
    /// Its name.
    pub title: &'static str,
    /// `none`, `ascending` or `descending`, for `aria-sort`.
    pub aria_sort: &'static str,
    /// ` ▼`, ` ▲` or nothing.
    pub arrow: &'static str,
    /// The link that sorts by it (or turns the order round).
    pub href: String,
}

/// One customer's row, as shown.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CustomerRow {
    pub customer_id: String,
    pub profile_href: String,
    pub name: String,
    pub city: String,
    pub tier: String,
    pub aum: String,
    pub loan: String,
    pub products: String,
    pub f12: String,
    pub recency: String,
    pub relationship_manager: String,
    /// The chosen score, in whole points.
    pub score: Option<String>,
}

/// One page of the list, ready to bind.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CustomersPage {
    /// Customers the filter keeps.
    pub count: usize,
    /// The page shown (clamped to the pages there are) and how many there are.
    pub page: usize,
    pub n_pages: usize,
    pub headers: Vec<SortHeader>,
    /// The chosen score's header, when the list is narrowed by one: sortable like the others.
    pub score_header: Option<SortHeader>,
    /// The segment the list is of (an RFM cell, a cluster), each with the link that drops it:
    /// the selects cannot show these.
    pub chips: Vec<FilterChip>,
    pub rows: Vec<CustomerRow>,
    /// Links to the neighbouring pages, where there are such.
    pub previous: Option<String>,
    pub next: Option<String>,
}

/// The page of the list `query` asks for; `path` is the document's own path, for links.
pub fn customers_page(
    loaded: &Loaded,
    query: &CustomersQuery,
    segments: Option<&CustomerSegments>,
    lang: Lang,
    path: &str,
) -> CustomersPage {
    let order = listed(loaded, query, segments);
    let count = order.len();
    let n_pages = count.div_ceil(PAGE_SIZE).max(1);
    let page = query.page.clamp(1, n_pages);
    let header = |column: Column| {
        let active = column == query.sort;
        let (aria_sort, arrow) = match (active, query.descending) {
            (false, _) => ("none", ""),
            (true, true) => ("descending", " ▼"),
            (true, false) => ("ascending", " ▲"),
        };
        SortHeader {
            column,
            title: lang.text(match (column, query.score) {
                (Column::Score, Some(kind)) => score_title(kind),
                _ => column.title(),
            }),
            aria_sort,
            arrow,
            href: query.sorted_by(column).to_href(path),
        }
    };
    let headers = Column::ALL.into_iter().map(header).collect();
    let score = query.score.map(|s| loaded.scored().of(s));
    let c = loaded.dataset.customers();
    let f = &loaded.analysis.features;
    let rows = order
        .iter()
        .skip((page - 1) * PAGE_SIZE)
        .take(PAGE_SIZE)
        .map(|&i| {
            let tier = loaded.analysis.tier_of_customer[i] as usize;
            let customer_id = c.customer_id.get(i).to_owned();
            CustomerRow {
                profile_href: CustomerQuery {
                    customer_id: customer_id.clone(),
                }
                .to_href(path),
                customer_id,
                name: c.name.get(i).to_owned(),
                city: c.city.get(i).to_owned(),
                tier: loaded.tier_name(tier, lang).to_owned(),
                aum: money_compact(f.aum_fen[i], lang),
                loan: money_compact(f.loan_fen[i], lang),
                products: f.products[i].to_string(),
                f12: f.f12[i].to_string(),
                recency: match f.recency_days[i] {
                    NO_TRANSACTION_RECENCY => "–".into(),
                    days => days.to_string(),
                },
                relationship_manager: match manager_id(loaded, i) {
                    "" => lang.text(Msg::Unassigned).to_owned(),
                    id => id.to_owned(),
                },
                score: score.map(|s| format!("{:.0}", s.score(i))),
            }
        })
        .collect();
    CustomersPage {
        count,
        page,
        n_pages,
        headers,
        score_header: query.score.map(|_| header(Column::Score)),
        chips: segment_chips(query, segments, lang, path),
        rows,
        previous: (page > 1).then(|| query.at_page(page - 1).to_href(path)),
        next: (page < n_pages).then(|| query.at_page(page + 1).to_href(path)),
    }
}

/// An active filter the selects cannot show, with the link that drops it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FilterChip {
    /// `rfm` or `cluster`, for tests and styling.
    pub key: &'static str,
    /// What the list is narrowed to, in words.
    pub label: String,
    /// The same list without it.
    pub remove_href: String,
}

/// The segment a drill-down list is of: its RFM cell, its cluster (named, once the segments
/// are there).
pub fn segment_chips(
    query: &CustomersQuery,
    segments: Option<&CustomerSegments>,
    lang: Lang,
    path: &str,
) -> Vec<FilterChip> {
    let mut chips = Vec::new();
    if let Some((r, f)) = query.rfm_cell {
        chips.push(FilterChip {
            key: "rfm",
            label: format!("{} R{r} F{f}", lang.text(Msg::RfmCell)),
            remove_href: query.with_filter("rfm", "").to_href(path),
        });
    }
    if let Some(cluster) = query.cluster {
        let words = segments
            .map(|s| super::segments::cluster_name(s, cluster, lang))
            .filter(|w| !w.is_empty())
            .map(|w| format!(" · {w}"))
            .unwrap_or_default();
        chips.push(FilterChip {
            key: "cluster",
            label: format!("{} {}{words}", lang.text(Msg::Cluster), cluster + 1),
            remove_href: query.with_filter("cluster", "").to_href(path),
        });
    }
    chips
}

/// The choices of the filter selects: `(value, text)` pairs.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FilterChoices {
    pub tiers: Vec<(String, String)>,
    pub managers: Vec<(String, String)>,
    pub cities: Vec<(String, String)>,
    pub risks: Vec<(String, String)>,
    pub scores: Vec<(String, String)>,
}

/// What each filter select offers for this dataset.
pub fn filter_choices(loaded: &Loaded, lang: Lang) -> FilterChoices {
    let tiers = loaded
        .tier_rules
        .tiers
        .iter()
        .enumerate()
        .map(|(tier, rule)| (rule.key.clone(), loaded.tier_name(tier, lang).to_owned()))
        .collect();
    let m = loaded.dataset.relationship_managers();
    let mut managers: Vec<(String, String)> = (0..m.len())
        .map(|rm| {
            let (id, name) = (m.rm_id.get(rm), m.name.get(rm));
            let text = if name.is_empty() {
                id.to_owned()
            } else {
                format!("{id} {name}")
            };
            (id.to_owned(), text)
        })
        .collect();
    managers.sort_by(|a, b| natural(&a.0, &b.0));
    managers.push(("none".into(), lang.text(Msg::Unassigned).into()));
    let mut cities: Vec<String> = loaded.dataset.customers().city.values().to_vec();
    cities.retain(|city| !city.is_empty());
    cities.sort_by(|a, b| natural(a, b));
    FilterChoices {
        tiers,
        managers,
        cities: cities.into_iter().map(|c| (c.clone(), c)).collect(),
        risks: (1..=5).map(|r| (r.to_string(), format!("R{r}"))).collect(),
        // Only the scores this dataset can give: no attrition without transactions, and the
        // model's only once one is applied.
        scores: ScoreKind::ALL
            .into_iter()
            .filter(|s| s.applies_to(&loaded.dataset))
            .chain(loaded.applied.as_ref().map(|_| ScoreKind::Model))
            .map(|s| (s.key().to_owned(), lang.text(score_title(s)).to_owned()))
            .collect(),
    }
}
