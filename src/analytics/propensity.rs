//! Product propensity and the next-best product: for each product family, a model trained on who
//! already holds it, then for each customer the family they do not hold with the highest
//! probability.
//!
//! Features describe the customer, not the product being predicted: age, income, tenure,
//! activity, card use, risk tolerance, city and occupation, and which *other* families they
//! hold — never the family's own balance. Each model is validated on a reproducible hold-out
//! fifth of the customers it never saw, and trained on the rest — at most [`MAX_TRAINING_ROWS`]
//! of them, a sample stratified by holding the family, so a book of a million trains in the
//! browser in seconds (the page states the sample's size). The trees of every family read one
//! binning of the shared features, made once.

use super::features::CustomerFeatures;
use super::models::gbdt::{EarlyStopping, SharedBins};
use super::models::{
    folds, precision_at_top, roc_auc, sigmoid, Design, GbdtConfig, GbdtModel, Model, ModelKind,
};
use super::profile::CustomerProfile;
use crate::model::{Dataset, ProductType};
use crate::random::SplitMix64;

/// Rows a propensity model trains on at most.
pub const MAX_TRAINING_ROWS: usize = 100_000;

/// The families' trees: deeper than the model studio's, as holding one family depends on
/// several others together, with a fast rate and as many rounds as a tenth of the training
/// rows, set aside, says still help (about twenty).
pub const PROPENSITY_TREES: GbdtConfig = GbdtConfig {
    rounds: 200,
    learning_rate: 0.2,
    max_depth: 6,
    min_rows_in_leaf: 20,
    l2: 1.0,
    early_stopping: Some(EarlyStopping {
        holdout_every: 10,
        patience: 5,
    }),
};
/// The seed of the train/validation split.
pub const SPLIT_SEED: u64 = 42;

/// The families a customer can be offered.
pub const OFFERED: [ProductType; 7] = ProductType::NAMED;

/// One family's model and scores.
#[derive(Clone, Debug, PartialEq)]
pub struct ProductPropensity {
    /// The family.
    pub product: ProductType,
    /// Customers holding it.
    pub holders: usize,
    /// ROC AUC on the validation fifth; `None` when it lacks holders or non-holders.
    pub validation_auc: Option<f64>,
    /// Holders among the top 10% of validation scores.
    pub precision_top_decile: f64,
    /// Holders among all validation rows.
    pub base_rate: f64,
    /// The model (trained on the training rows only).
    pub model: Model,
    /// The design it reads (per family, as its own flag is left out).
    pub design: Design,
    /// Customers it was trained on (a stratified sample when the book is large).
    pub trained_on: usize,
}

/// Every family's propensity, and each customer's best family not yet held.
#[derive(Clone, Debug, PartialEq)]
pub struct NextBestProducts {
    /// Per family in [`OFFERED`] order (families nobody or everybody holds are skipped).
    pub products: Vec<ProductPropensity>,
    /// Per customer: the families held, one bit per family.
    pub held: Vec<u8>,
}

impl NextBestProducts {
    /// The family `customer` does not hold with the highest probability, and that probability.
    pub fn next_best(&self, customer: usize) -> Option<(ProductType, f64)> {
        customer_offers(self, customer)
            .first()
            .map(|offer| (offer.product, offer.probability))
    }
}

/// A family a customer could be offered, with the reasons the model gives.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Offer {
    /// The family.
    pub product: ProductType,
    /// The model's probability that the customer holds it.
    pub probability: f64,
    /// The model's ROC AUC on customers it never saw, so the reader knows how far to trust it.
    pub validation_auc: Option<f64>,
    /// The share of customers holding the family, to compare the probability with.
    pub base_rate: f64,
    /// The log-odds every customer starts from.
    pub base: f64,
    /// Each feature's log-odds, largest effect first; with `base` they add up to the logit of
    /// `probability`.
    pub contributions: Vec<(String, f64)>,
    /// Customers the model was trained on (a sample of a large book).
    #[serde(default)]
    pub trained_on: usize,
}

/// The families `customer` does not hold, most probable first, each with its contributions.
pub fn customer_offers(products: &NextBestProducts, customer: usize) -> Vec<Offer> {
    let mut offers: Vec<Offer> = products
        .products
        .iter()
        .filter(|p| products.held[customer] & (1 << (p.product as u8)) == 0)
        .map(|p| {
            let (base, parts) = p.model.contributions(&p.design, customer);
            let mut contributions: Vec<(String, f64)> = p
                .design
                .features
                .iter()
                .zip(parts)
                .map(|(feature, part)| (feature.name.clone(), part))
                .collect();
            contributions.sort_by(|a, b| b.1.abs().total_cmp(&a.1.abs()));
            Offer {
                product: p.product,
                probability: sigmoid(base + contributions.iter().map(|c| c.1).sum::<f64>()),
                validation_auc: p.validation_auc,
                base_rate: p.base_rate,
                base,
                contributions,
                trained_on: p.trained_on,
            }
        })
        .collect();
    offers.sort_by(|a, b| b.probability.total_cmp(&a.probability));
    offers
}

/// The families each customer holds with a positive balance, one bit per family.
fn held_families(dataset: &Dataset) -> Vec<u8> {
    let mut held = vec![0u8; dataset.n_customers()];
    let h = dataset.holdings();
    for row in 0..h.len() {
        if h.balance_fen[row] > 0 {
            held[h.customer_idx[row] as usize] |= 1 << (h.product_type[row] as u8);
        }
    }
    held
}

/// The customer features every family's model shares.
fn common_design(
    dataset: &Dataset,
    features: &CustomerFeatures,
    profile: &CustomerProfile,
) -> Design {
    let customers = dataset.customers();
    let ln_yuan = |fen: i64| (fen.max(0) as f64 / 100.0).ln_1p();
    let mut design = Design::default();
    let optional = |v: Option<f64>| v.unwrap_or(f64::NAN);
    design.push_numeric(
        "age",
        profile
            .age_years
            .iter()
            .map(|a| optional(a.map(f64::from)))
            .collect(),
    );
    design.push_numeric(
        "annual_income",
        customers
            .annual_income_fen
            .iter()
            .map(|&v| ln_yuan(v))
            .collect(),
    );
    design.push_numeric(
        "tenure_months",
        profile
            .tenure_months
            .iter()
            .map(|t| optional(t.map(f64::from)))
            .collect(),
    );
    design.push_numeric(
        "f12",
        features.f12.iter().map(|&v| f64::from(v).ln_1p()).collect(),
    );
    design.push_numeric(
        "in12",
        features.in12_fen.iter().map(|&v| ln_yuan(v)).collect(),
    );
    design.push_numeric(
        "card_share",
        (0..dataset.n_customers())
            .map(|c| profile.card_share(c))
            .collect(),
    );
    design.push_numeric(
        "risk_level",
        customers
            .risk_level
            .iter()
            .map(|&r| if r == 0 { f64::NAN } else { f64::from(r) })
            .collect(),
    );
    design.push_categorical("city", &customers.city);
    design.push_categorical("occupation", &customers.occupation);
    design
}

/// Trains one model per family with `kind` and picks each customer's next-best family;
/// `progress` hears the families done of [`OFFERED`]'s length.
pub fn next_best_products(
    dataset: &Dataset,
    features: &CustomerFeatures,
    profile: &CustomerProfile,
    kind: ModelKind,
    progress: &mut dyn FnMut(usize, usize),
) -> NextBestProducts {
    next_best_products_sampled(
        dataset,
        features,
        profile,
        kind,
        MAX_TRAINING_ROWS,
        progress,
    )
}

/// [`next_best_products`] with each family trained on at most `max_training_rows` customers
/// (the benchmark compares the sample's validation AUC with everything's).
pub fn next_best_products_sampled(
    dataset: &Dataset,
    features: &CustomerFeatures,
    profile: &CustomerProfile,
    kind: ModelKind,
    max_training_rows: usize,
    progress: &mut dyn FnMut(usize, usize),
) -> NextBestProducts {
    let n = dataset.n_customers();
    let held = held_families(dataset);
    // Every family's flag is a column; each family's model reads all but its own.
    let mut shared_design = common_design(dataset, features, profile);
    let first_flag = shared_design.features.len();
    for family in OFFERED {
        let bit = 1u8 << (family as u8);
        shared_design.push_numeric(
            &format!("holds_{}", family.key()),
            held.iter()
                .map(|&h| f64::from(u8::from(h & bit != 0)))
                .collect(),
        );
    }
    let fold = folds(n, 5, SPLIT_SEED);
    let validation: Vec<usize> = (0..n).filter(|&r| fold[r] == 0).collect();
    let outside: Vec<usize> = (0..n).filter(|&r| fold[r] != 0).collect();
    // Binned once for all families: the numeric cuts come from the rows any family may train on.
    let shared = (kind == ModelKind::Gbdt).then(|| SharedBins::new(&shared_design, &outside));
    let mut products = Vec::new();
    for (done, product) in OFFERED.into_iter().enumerate() {
        progress(done, OFFERED.len());
        let bit = 1u8 << (product as u8);
        let labels: Vec<bool> = held.iter().map(|&h| h & bit != 0).collect();
        let holders = labels.iter().filter(|&&l| l).count();
        if holders == 0 || holders == n {
            continue;
        }
        let read: Vec<usize> = (0..shared_design.features.len())
            .filter(|&f| f != first_flag + done)
            .collect();
        let design = Design {
            features: read
                .iter()
                .map(|&f| shared_design.features[f].clone())
                .collect(),
        };
        let training = training_sample(&outside, &labels, max_training_rows);
        let model = match &shared {
            Some(shared) => Model::Gbdt(GbdtModel::fit_shared(
                shared,
                &shared_design,
                &read,
                &labels,
                &training,
                &PROPENSITY_TREES,
            )),
            None => Model::fit(kind, &design, &labels, &training),
        };
        // Only the validation fifth is scored here; a customer's offers are scored when asked.
        let scores: Vec<f64> = validation
            .iter()
            .map(|&r| sigmoid(model.score(&design, r)))
            .collect();
        let truth: Vec<bool> = validation.iter().map(|&r| labels[r]).collect();
        products.push(ProductPropensity {
            product,
            holders,
            validation_auc: roc_auc(&scores, &truth),
            precision_top_decile: precision_at_top(&scores, &truth, 0.10),
            base_rate: truth.iter().filter(|&&t| t).count() as f64 / truth.len().max(1) as f64,
            model,
            design,
            trained_on: training.len(),
        });
    }
    progress(OFFERED.len(), OFFERED.len());
    NextBestProducts { products, held }
}

/// The training rows of one family: every customer `outside` the validation fold, or, when there
/// are more than `max_rows`, a sample of them stratified by holding the family (each
/// class keeps its share), drawn from a fixed seed.
fn training_sample(outside: &[usize], labels: &[bool], max_rows: usize) -> Vec<usize> {
    if outside.len() <= max_rows {
        return outside.to_vec();
    }
    let mut sampled = Vec::with_capacity(max_rows);
    for class in [true, false] {
        let rows: Vec<usize> = outside
            .iter()
            .copied()
            .filter(|&r| labels[r] == class)
            .collect();
        let take = (rows.len() * max_rows).div_ceil(outside.len());
        let order = SplitMix64(SPLIT_SEED).permutation(rows.len());
        sampled.extend(order[..take.min(rows.len())].iter().map(|&i| rows[i]));
    }
    sampled.sort_unstable();
    sampled
}

#[cfg(test)]
mod tests {
    use super::training_sample;

    #[test]
    fn a_large_book_trains_on_a_sample_that_keeps_each_class_share() {
        // 10,000 rows outside validation, 30% holders.
        let labels: Vec<bool> = (0..12_500).map(|r| r % 10 < 3).collect();
        let outside: Vec<usize> = (0..12_500).filter(|r| r % 5 != 0).collect();
        let share =
            |rows: &[usize]| rows.iter().filter(|&&r| labels[r]).count() as f64 / rows.len() as f64;
        let sample = training_sample(&outside, &labels, 2_000);
        assert_eq!(sample.len(), 2_000);
        assert!((share(&sample) - share(&outside)).abs() < 1e-3);
        assert!(sample.iter().all(|r| outside.binary_search(r).is_ok()));
        assert!(sample.windows(2).all(|w| w[0] < w[1]), "sorted, no repeats");
        assert_eq!(sample, training_sample(&outside, &labels, 2_000));
        assert_eq!(training_sample(&outside, &labels, 10_000), outside);
    }
}
