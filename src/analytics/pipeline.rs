//! The workload pipeline of `shared/bench/WORKLOAD.md`: features, tiers, RFM and k-means, with
//! the summary the command line prints and the benchmarks time.

use super::kmeans::{kmeans, Clustering, FeatureMatrix, KMeansConfig};
use super::rfm::{champions, rfm_scores, RfmScores};
use super::whatif::{what_if, AumIndex};
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
    let tiers = assign_tiers(&features.tier_columns(dataset), rules);
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

/// Median seconds of each pipeline stage over repeated runs, and of one threshold what-if.
#[derive(Clone, Copy, Debug, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct StageTimings {
    /// Features and tiers.
    pub features: f64,
    /// RFM scores.
    pub rfm: f64,
    /// k-means (with its z-scored matrix).
    pub kmeans: f64,
    /// The whole pipeline in one go.
    pub pipeline: f64,
    /// One threshold what-if on the sorted AUM (the index built beforehand).
    pub whatif: f64,
    /// Runs each median is taken over.
    pub runs: usize,
}

/// Times every stage `runs` times on `dataset` with the caller's clock (seconds): the same code
/// measures natively and in the browser, where only the host knows the time.
pub fn time_stages(dataset: &Dataset, runs: usize, now: &dyn Fn() -> f64) -> StageTimings {
    let rules = TierRules::workload_defaults();
    let runs = runs.max(1);
    let median = |f: &mut dyn FnMut()| {
        let mut seconds: Vec<f64> = (0..runs)
            .map(|_| {
                let start = now();
                f();
                now() - start
            })
            .collect();
        seconds.sort_by(f64::total_cmp);
        seconds[runs / 2]
    };
    let (_, features, _) = features_and_tiers(dataset, &rules);
    let ids = &dataset.customers().customer_id;
    let mut sink = 0usize;
    let timings = StageTimings {
        features: median(&mut || sink += features_and_tiers(dataset, &rules).2.len()),
        rfm: median(&mut || {
            let scores = rfm_scores(
                ids,
                &features.recency_days,
                &features.f12,
                &features.m12_fen,
            );
            sink += champions(&scores);
        }),
        kmeans: median(&mut || {
            let matrix = clustering_features(dataset, &features);
            sink += kmeans(&matrix, &WORKLOAD_KMEANS).iterations;
        }),
        pipeline: median(&mut || {
            sink += run_pipeline(dataset, &rules, &WORKLOAD_KMEANS).champions;
        }),
        whatif: {
            let index = AumIndex::new(&features.aum_fen);
            // One what-if takes microseconds: time a batch of thresholds and divide, so a
            // coarse browser clock still resolves it.
            const BATCH: usize = 1_000;
            let mut proposed = rules.clone();
            median(&mut || {
                for step in 0..BATCH {
                    proposed.tiers[1].min_aum_fen = 50_000_000 + step as i64 * 100_000;
                    sink += what_if(&index, &rules, &proposed).map_or(0, |s| s[1].customers_in);
                }
            }) / BATCH as f64
        },
        runs,
    };
    // Keeps the optimiser from dropping work whose result is unused.
    std::hint::black_box(sink);
    timings
}
