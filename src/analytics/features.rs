//! Per-customer features exactly as the workload defines them (aum, loan, products, f12, m12, in12, recency).

use crate::model::{add_fen, Dataset, Day, Direction};

/// Recency reported for a customer with no transaction at all.
pub const NO_TRANSACTION_RECENCY: u32 = 99_999;

/// One value per customer for each feature, indexed like the customers table.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CustomerFeatures {
    /// Assets under management: balances of every product that is not a liability, in fen.
    pub aum_fen: Vec<i64>,
    /// Loan balances (贷款 only), in fen.
    pub loan_fen: Vec<i64>,
    /// Distinct product types held with a positive balance.
    pub products: Vec<u8>,
    /// Transactions in the 365 days up to as-of.
    pub f12: Vec<u32>,
    /// Turnover (both directions) in the 365 days up to as-of, in fen.
    pub m12_fen: Vec<i64>,
    /// Inflow in the 365 days up to as-of, in fen.
    pub in12_fen: Vec<i64>,
    /// Days from the latest transaction to as-of; [`NO_TRANSACTION_RECENCY`] when none.
    pub recency_days: Vec<u32>,
}

impl CustomerFeatures {
    /// The columns tiering reads: AUM, declared income and twelve-month turnover.
    pub fn tier_columns<'a>(&'a self, dataset: &'a Dataset) -> super::TierColumns<'a> {
        super::TierColumns {
            aum_fen: &self.aum_fen,
            annual_income_fen: &dataset.customers().annual_income_fen,
            volume12_fen: &self.m12_fen,
        }
    }
}

/// The latest transaction date; without transactions, the latest balance date.
pub fn as_of_date(dataset: &Dataset) -> Option<Day> {
    let latest = |days: &[Day]| days.iter().copied().filter(|d| !d.is_missing()).max();
    latest(&dataset.transactions().txn_date).or_else(|| latest(&dataset.holdings().as_of))
}

/// Computes the features of every customer, including those with no holdings or transactions.
pub fn customer_features(dataset: &Dataset, as_of: Option<Day>) -> CustomerFeatures {
    let n = dataset.n_customers();
    let mut features = CustomerFeatures {
        aum_fen: vec![0; n],
        loan_fen: vec![0; n],
        products: vec![0; n],
        f12: vec![0; n],
        m12_fen: vec![0; n],
        in12_fen: vec![0; n],
        recency_days: vec![NO_TRANSACTION_RECENCY; n],
    };

    // One bit per product type, so "distinct types held" needs no set per customer.
    let mut held_types = vec![0u8; n];
    let holdings = dataset.holdings();
    for row in 0..holdings.len() {
        let customer = holdings.customer_idx[row] as usize;
        let product = holdings.product_type[row];
        let balance = holdings.balance_fen[row];
        if product == crate::model::ProductType::Loan {
            features.loan_fen[customer] = add_fen(features.loan_fen[customer], balance);
        } else if !product.is_liability() {
            features.aum_fen[customer] = add_fen(features.aum_fen[customer], balance);
        }
        if balance > 0 {
            held_types[customer] |= 1 << (product as u8);
        }
    }
    for (products, types) in features.products.iter_mut().zip(&held_types) {
        *products = types.count_ones() as u8;
    }

    let Some(as_of) = as_of else {
        return features;
    };
    let window_start = as_of.0 - 365;
    let mut latest = vec![i32::MIN; n];
    let transactions = dataset.transactions();
    for row in 0..transactions.len() {
        let customer = transactions.customer_idx[row] as usize;
        let date = transactions.txn_date[row].0;
        if transactions.txn_date[row].is_missing() {
            continue;
        }
        latest[customer] = latest[customer].max(date);
        if date > window_start && date <= as_of.0 {
            let amount = transactions.amount_fen[row];
            features.f12[customer] += 1;
            features.m12_fen[customer] = add_fen(features.m12_fen[customer], amount);
            if transactions.direction[row] == Direction::In {
                features.in12_fen[customer] = add_fen(features.in12_fen[customer], amount);
            }
        }
    }
    for (recency, &last) in features.recency_days.iter_mut().zip(&latest) {
        if last != i32::MIN {
            *recency = (as_of.0 - last).max(0) as u32;
        }
    }
    features
}
