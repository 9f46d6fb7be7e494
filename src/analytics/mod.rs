//! The analytics core: from a validated [`Dataset`] to the facts a key-account manager acts on.
//!
//! Plain synchronous functions over columns, request in and response out, so the same code runs
//! natively in tests and benchmarks and in the browser (or a worker) unchanged.

pub mod alerts;
pub mod balance;
mod books;
pub mod cadence;
pub mod distribution;
mod features;
pub mod forecast;
pub mod kmeans;
pub mod listing;
pub mod migration;
pub mod models;
pub mod nps;
pub mod pipeline;
pub mod profile;
pub mod projection;
pub mod propensity;
pub mod rfm;
pub mod scores;
pub mod segments;
pub mod suitability;
mod tiers;
pub mod whatif;
pub mod workbench;

pub use books::{product_mix_by_tier, relationship_manager_books, Book, Books};
pub use features::{as_of_date, customer_features, CustomerFeatures, NO_TRANSACTION_RECENCY};
pub use tiers::{
    assign_tiers, summarise_tiers, TierColumns, TierInput, TierRule, TierRules, TierSummary,
};

use crate::model::{Dataset, Day, ProductType};

/// What the caller wants computed and with which rules.
#[derive(Clone, Debug, PartialEq)]
pub struct AnalysisConfig {
    /// The tier ladder and which tier starts the key accounts.
    pub tier_rules: TierRules,
}

impl Default for AnalysisConfig {
    fn default() -> AnalysisConfig {
        AnalysisConfig {
            tier_rules: TierRules::workload_defaults(),
        }
    }
}

/// Everything the overview and list pages show about one dataset.
#[derive(Clone, Debug, PartialEq)]
pub struct Analysis {
    /// The date the figures describe: the latest transaction (or balance) date.
    pub as_of: Option<Day>,
    /// Per-customer features, indexed like the customers table.
    pub features: CustomerFeatures,
    /// Each customer's tier, as an index into the rules' tiers.
    pub tier_of_customer: Vec<u8>,
    /// Customers and AUM per tier.
    pub tier_summary: TierSummary,
    /// Each relationship manager's book of clients.
    pub books: Books,
    /// Customers holding each product type, per tier.
    pub product_mix: Vec<[usize; ProductType::ALL.len()]>,
}

impl Analysis {
    /// This analysis for `dataset`, the same customers with other managers: only the books
    /// depend on who looks after whom, so a reassignment does not compute every feature again.
    pub fn rebooked(&self, dataset: &Dataset, config: &AnalysisConfig) -> Analysis {
        Analysis {
            books: relationship_manager_books(
                dataset,
                &self.features.aum_fen,
                &self.tier_of_customer,
                config.tier_rules.key_account_tiers(),
            ),
            ..self.clone()
        }
    }
}

/// Runs the whole overview pipeline: features, tiers, relationship-manager books.
pub fn analyse(dataset: &Dataset, config: &AnalysisConfig) -> Analysis {
    let as_of = as_of_date(dataset);
    let features = customer_features(dataset, as_of);
    let tier_of_customer = assign_tiers(&features.tier_columns(dataset), &config.tier_rules);
    let tier_summary = summarise_tiers(
        &features.aum_fen,
        &tier_of_customer,
        config.tier_rules.tiers.len(),
    );
    let books = relationship_manager_books(
        dataset,
        &features.aum_fen,
        &tier_of_customer,
        config.tier_rules.key_account_tiers(),
    );
    let product_mix =
        product_mix_by_tier(dataset, &tier_of_customer, config.tier_rules.tiers.len());
    Analysis {
        product_mix,
        as_of,
        features,
        tier_of_customer,
        tier_summary,
        books,
    }
}
