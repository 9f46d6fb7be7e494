//! Customer lists: which customers a filter keeps, and a list as CSV for a spreadsheet.

use super::features::{CustomerFeatures, NO_TRANSACTION_RECENCY};
use super::segments::CustomerSegments;
use crate::format::money_decimal;
use crate::import::neutralise_formula;
use crate::model::{Dataset, NO_RELATIONSHIP_MANAGER};

/// What a customer list is narrowed to; `None` or empty means "any".
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CustomerFilter {
    /// A tier, as an index into the tier rules.
    pub tier: Option<u8>,
    /// A relationship manager's row, or [`NO_RELATIONSHIP_MANAGER`] for the unassigned.
    pub relationship_manager: Option<u32>,
    /// A city, exactly as imported.
    pub city: Option<String>,
    /// A customer risk level (1–5).
    pub risk_level: Option<u8>,
    /// AUM bounds in fen, inclusive.
    pub min_aum_fen: Option<i64>,
    /// See `min_aum_fen`.
    pub max_aum_fen: Option<i64>,
    /// Text the customer id or name contains (case-insensitive for Latin letters).
    pub search: String,
    /// An RFM cell: (R, F) scores.
    pub rfm_cell: Option<(u8, u8)>,
    /// A cluster of the segments page.
    pub cluster: Option<u32>,
}

/// The customers (rows) the filter keeps, in row order. RFM-cell and cluster conditions need
/// the `segments`; without them those conditions keep no one.
pub fn filter_customers(
    dataset: &Dataset,
    aum_fen: &[i64],
    tier_of_customer: &[u8],
    segments: Option<&CustomerSegments>,
    filter: &CustomerFilter,
) -> Vec<usize> {
    let c = dataset.customers();
    let search = filter.search.trim().to_lowercase();
    let city = filter.city.as_deref();
    (0..c.len())
        .filter(|&row| {
            filter.tier.is_none_or(|tier| tier_of_customer[row] == tier)
                && filter
                    .relationship_manager
                    .is_none_or(|rm| c.relationship_manager_idx[row] == rm)
                && city.is_none_or(|city| c.city.get(row) == city)
                && filter
                    .risk_level
                    .is_none_or(|risk| c.risk_level[row] == risk)
                && filter.min_aum_fen.is_none_or(|min| aum_fen[row] >= min)
                && filter.max_aum_fen.is_none_or(|max| aum_fen[row] <= max)
                && filter.rfm_cell.is_none_or(|(r, f)| {
                    segments.is_some_and(|s| s.rfm.r[row] == r && s.rfm.f[row] == f)
                })
                && filter.cluster.is_none_or(|cluster| {
                    segments.is_some_and(|s| s.chosen.clustering.assignment[row] == cluster)
                })
                && (search.is_empty()
                    || c.customer_id.get(row).to_lowercase().contains(&search)
                    || c.name.get(row).to_lowercase().contains(&search))
        })
        .collect()
}

/// A list of customers as CSV: a header row, then one row per customer in `rows` order. Money
/// is in yuan with two decimals; a cell a spreadsheet would run as a formula is neutralised.
pub fn customers_csv(
    dataset: &Dataset,
    features: &CustomerFeatures,
    tier_of_customer: &[u8],
    tier_names: &[String],
    headers: &[&str],
    rows: &[usize],
) -> String {
    let c = dataset.customers();
    let managers = dataset.relationship_managers();
    let mut writer = csv::Writer::from_writer(Vec::new());
    let _ = writer.write_record(headers.iter().map(|h| neutralise_formula(h)));
    for &row in rows {
        let manager = match c.relationship_manager_idx[row] {
            NO_RELATIONSHIP_MANAGER => "",
            rm => managers.rm_id.get(rm as usize),
        };
        let recency = match features.recency_days[row] {
            NO_TRANSACTION_RECENCY => String::new(),
            days => days.to_string(),
        };
        let tier = tier_names
            .get(tier_of_customer[row] as usize)
            .map_or("", String::as_str);
        let _ = writer.write_record([
            neutralise_formula(c.customer_id.get(row)),
            neutralise_formula(c.name.get(row)),
            neutralise_formula(c.city.get(row)),
            neutralise_formula(tier),
            money_decimal(features.aum_fen[row]),
            money_decimal(features.loan_fen[row]),
            features.products[row].to_string(),
            features.f12[row].to_string(),
            recency,
            neutralise_formula(manager),
        ]);
    }
    String::from_utf8(writer.into_inner().unwrap_or_default()).unwrap_or_default()
}
