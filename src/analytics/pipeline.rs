//! The workload pipeline of `shared/bench/WORKLOAD.md`: features, tiers, RFM and k-means, with
//! the summary the command line prints and the benchmarks time.

use super::kmeans::{kmeans, Clustering, FeatureMatrix, KMeansConfig};
use super::rfm::{champions, rfm_scores, RfmScores};
use super::{as_of_date, assign_tiers, customer_features, CustomerFeatures, TierRules};
use crate::model::{Dataset, Day};

/// The clustering the workload asks for: k = 8, at most 20 Lloyd iterations.
pub const WORKLOAD_KMEANS: KMeansConfig = KMeansConfig {
    k: 8,
    max_iterations: 20,
    seed: 7,
};

/// Everything the pipeline computes.
#[derive(Clone, Debug, PartialEq)]
pub struct PipelineResult {
    /// Latest transaction date.
    pub as_of: Option<Day>,
    /// Per-customer features.
    pub features: CustomerFeatures,
    /// Tier of each customer.
    pub tier_of_customer: Vec<u8>,
    /// RFM scores.
    pub rfm: RfmScores,
    /// Customers with R, F, M ≥ 4.
    pub champions: usize,
    /// The k-means clustering of the z-scored features.
    pub clustering: Clustering,
}

/// The six clustering features, z-scored: ln(1+aum), ln(1+income), ln(1+f12), recency,
/// ln(1+m12), products (money in yuan).
pub fn clustering_features(dataset: &Dataset, features: &CustomerFeatures) -> FeatureMatrix {
    let ln1p_yuan = |fen: i64| (fen.max(0) as f64 / 100.0).ln_1p();
    let income = &dataset.customers().annual_income_fen;
    let mut matrix = FeatureMatrix::from_columns(&[
        features.aum_fen.iter().map(|&v| ln1p_yuan(v)).collect(),
        income.iter().map(|&v| ln1p_yuan(v)).collect(),
        features.f12.iter().map(|&v| (v as f64).ln_1p()).collect(),
        features.recency_days.iter().map(|&v| v as f64).collect(),
        features.m12_fen.iter().map(|&v| ln1p_yuan(v)).collect(),
        features.products.iter().map(|&v| v as f64).collect(),
    ]);
    matrix.z_score();
    matrix
}

/// Features and tiers, the first stage.
pub fn features_and_tiers(
    dataset: &Dataset,
    rules: &TierRules,
) -> (Option<Day>, CustomerFeatures, Vec<u8>) {
    let as_of = as_of_date(dataset);
    let features = customer_features(dataset, as_of);
    let tiers = assign_tiers(&features.aum_fen, rules);
    (as_of, features, tiers)
}

/// Runs the whole pipeline.
pub fn run_pipeline(
    dataset: &Dataset,
    rules: &TierRules,
    kmeans_config: &KMeansConfig,
) -> PipelineResult {
    let (as_of, features, tier_of_customer) = features_and_tiers(dataset, rules);
    let rfm = rfm_scores(
        &dataset.customers().customer_id,
        &features.recency_days,
        &features.f12,
        &features.m12_fen,
    );
    let champions = champions(&rfm);
    let clustering = kmeans(&clustering_features(dataset, &features), kmeans_config);
    PipelineResult {
        as_of,
        features,
        tier_of_customer,
        rfm,
        champions,
        clustering,
    }
}
