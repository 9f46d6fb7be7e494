//! Models trained in the browser on the customers' own data: regularised logistic regression and
//! gradient-boosted trees, always reported with their cross-validated ROC AUC and precision in
//! the top decile, and every score split into per-feature contributions.
//!
//! Validation is honest: each fold's rows are scored by a model that never saw them, and every
//! statistic a model learns from the data (means, quantile cuts, label rates) is taken from its
//! training rows only.

pub mod design;
pub mod gbdt;
pub mod logistic;
pub mod metrics;
pub mod outcome;
pub mod report;
pub mod selection;
pub mod studio;

pub use design::{outcome_labels, Design, Feature, FeatureValues};
pub use gbdt::{GbdtConfig, GbdtModel};
pub use logistic::{sigmoid, LogisticConfig, LogisticModel};
pub use metrics::{folds, precision_at_top, roc_auc, stratified_folds};

/// Which learner.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub enum ModelKind {
    /// L2-regularised logistic regression.
    Logistic,
    /// Gradient-boosted decision trees.
    Gbdt,
}

/// A trained model of either kind.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub enum Model {
    /// See [`LogisticModel`].
    Logistic(LogisticModel),
    /// See [`GbdtModel`].
    Gbdt(GbdtModel),
}

impl Model {
    /// Trains a model of `kind` on `rows`, with default settings.
    pub fn fit(kind: ModelKind, design: &Design, labels: &[bool], rows: &[usize]) -> Model {
        match kind {
            ModelKind::Logistic => Model::Logistic(LogisticModel::fit(
                design,
                labels,
                rows,
                &LogisticConfig::default(),
            )),
            ModelKind::Gbdt => {
                Model::Gbdt(GbdtModel::fit(design, labels, rows, &GbdtConfig::default()))
            }
        }
    }

    /// The log-odds of `row`.
    pub fn score(&self, design: &Design, row: usize) -> f64 {
        match self {
            Model::Logistic(m) => m.score(design, row),
            Model::Gbdt(m) => m.score(design, row),
        }
    }

    /// The log-odds of `row` as a base and one part per feature; they add up to the score.
    pub fn contributions(&self, design: &Design, row: usize) -> (f64, Vec<f64>) {
        match self {
            Model::Logistic(m) => m.contributions(design, row),
            Model::Gbdt(m) => m.contributions(design, row),
        }
    }
}

/// Cross-validated quality of a model kind on a design.
#[derive(Clone, Debug, PartialEq)]
pub struct Validation {
    /// ROC AUC of each fold, on that fold's held-out rows.
    pub fold_auc: Vec<f64>,
    /// The mean of the fold AUCs.
    pub roc_auc: f64,
    /// Share of positives among the top 10% of the held-out scores, all folds pooled.
    pub precision_top_decile: f64,
    /// Share of positives overall, to compare the precision with.
    pub base_rate: f64,
}

/// The seed of the folds: fixed, so every run validates on the same split.
pub const FOLD_SEED: u64 = 20_240_601;

/// `k`-fold cross-validation: each fold is scored by a model trained on the other folds.
pub fn cross_validate(design: &Design, labels: &[bool], kind: ModelKind, k: usize) -> Validation {
    let fold = folds(labels.len(), k, FOLD_SEED);
    let mut held_out_scores = vec![0.0; labels.len()];
    let mut fold_auc = Vec::with_capacity(k);
    for f in 0..k as u8 {
        let train: Vec<usize> = (0..labels.len()).filter(|&r| fold[r] != f).collect();
        let test: Vec<usize> = (0..labels.len()).filter(|&r| fold[r] == f).collect();
        let model = Model::fit(kind, design, labels, &train);
        let scores: Vec<f64> = test.iter().map(|&r| model.score(design, r)).collect();
        let test_labels: Vec<bool> = test.iter().map(|&r| labels[r]).collect();
        if let Some(auc) = roc_auc(&scores, &test_labels) {
            fold_auc.push(auc);
        }
        for (&r, s) in test.iter().zip(scores) {
            held_out_scores[r] = s;
        }
    }
    let roc_auc = fold_auc.iter().sum::<f64>() / fold_auc.len().max(1) as f64;
    Validation {
        fold_auc,
        roc_auc,
        precision_top_decile: precision_at_top(&held_out_scores, labels, 0.10),
        base_rate: labels.iter().filter(|&&l| l).count() as f64 / labels.len().max(1) as f64,
    }
}
