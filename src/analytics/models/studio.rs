//! The model studio's job: from an outcome and candidate features to two validated models
//! (logistic regression and boosted trees) and the report a risk officer reads — ROC, gains,
//! calibration, precision and recall at the top, the confusion matrix at every threshold,
//! feature importance — then a final fit on every labelled customer that scores them all.
//!
//! Every figure of the report comes from held-out rows: each fold is scored by a model trained
//! on the other folds (stratified, from a fixed seed, so a run is reproducible).

use super::metrics::stratified_folds;
use super::outcome::{column_labels, derived_labels, Outcome, OutcomeError};
use super::report::{
    at_top, calibration, confusion_by_threshold, gains, roc_curve, CalibrationBin, Confusion,
    GainPoint, RocPoint, TopShare,
};
use super::selection::{candidates, screen, Candidates, LeftOut, Screened};
use super::{roc_auc, sigmoid, Design, Feature, FeatureValues, Model, ModelKind, FOLD_SEED};
use crate::analytics::profile::customer_profile;
use crate::analytics::{as_of_date, customer_features, TierRules};
use crate::model::Dataset;
use rustc_hash::FxHashMap;
use serde::{Deserialize, Serialize};

/// The shares of customers the report gives precision and recall for.
pub const TOP_SHARES: [f64; 3] = [0.05, 0.10, 0.20];
/// Customers whose contributions are averaged into the feature importance at most.
pub const IMPORTANCE_ROWS: usize = 5_000;
/// Points of a ROC curve at most.
pub const ROC_POINTS: usize = 200;

/// One model kind's validation.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ModelValidation {
    /// The learner.
    pub kind: ModelKind,
    /// ROC AUC of each fold on its held-out customers.
    pub fold_auc: Vec<f64>,
    /// Their mean.
    pub auc: f64,
    /// Their standard deviation: how much the AUC moves with the split.
    pub auc_spread: f64,
    /// The ROC curve of the held-out scores, all folds pooled.
    pub roc: Vec<RocPoint>,
    /// Cumulative gains and lift at every 5 % contacted.
    pub gains: Vec<GainPoint>,
    /// Predicted against observed by decile of predicted probability.
    pub calibration: Vec<CalibrationBin>,
    /// Precision and recall at the top 5, 10 and 20 %.
    pub top: Vec<TopShare>,
    /// The confusion matrix at every threshold from 0 to 100 %.
    pub confusion: Vec<Confusion>,
    /// Each used feature's mean absolute contribution to the final model's log-odds, largest
    /// first.
    pub importance: Vec<(String, f64)>,
    /// Milliseconds its folds and final fit took (the shell measures; the core has no clock).
    #[serde(default)]
    pub millis: f64,
}

/// What training found.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TrainingReport {
    /// Customers in the snapshot.
    pub customers: usize,
    /// Of them, those with a known outcome (trained and validated on).
    pub labelled: usize,
    /// Of those, the positives.
    pub positives: usize,
    /// Folds of the cross-validation.
    pub folds: usize,
    /// Every candidate feature, with its AUC alone and why it is left out, if it is.
    pub screened: Vec<Screened>,
    /// The features the models read, in order.
    pub used: Vec<String>,
    /// Customers the feature importance is averaged over.
    pub importance_rows: usize,
    /// Both models' validation.
    pub models: Vec<ModelValidation>,
}

impl TrainingReport {
    /// The validation of the better model by mean AUC, the one applied unless the manager
    /// chooses.
    pub fn best(&self) -> Option<&ModelValidation> {
        self.models.iter().max_by(|a, b| a.auc.total_cmp(&b.auc))
    }
}

/// A model fitted on every labelled customer, and the features it reads by name.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct FinalModel {
    /// The learner.
    pub kind: ModelKind,
    /// The fit.
    pub model: Model,
    /// The features it reads, in the order of its design.
    pub features: Vec<String>,
    /// Per feature, the labels of a text column as coded at training (`None` for a number), so
    /// another snapshot's codes can be mapped onto them; empty in models stored before.
    #[serde(default)]
    pub levels: Vec<Option<Vec<String>>>,
}

impl FinalModel {
    /// The columns this model reads, taken by name from `candidates` (any snapshot's), each
    /// text column coded as at training: a label it never saw reads as "other". `Err` names
    /// the features the candidates lack, or hold as numbers where the model read text (or the
    /// reverse).
    pub fn design_for(&self, candidates: &Design) -> Result<Design, Vec<String>> {
        let mut design = Design::default();
        let mut missing = Vec::new();
        for (i, name) in self.features.iter().enumerate() {
            let trained_levels = self.levels.get(i);
            let Some(feature) = candidates.features.iter().find(|f| &f.name == name) else {
                missing.push(name.clone());
                continue;
            };
            match (&feature.values, trained_levels) {
                (FeatureValues::Numeric(_), None | Some(None)) => {
                    design.features.push(feature.clone())
                }
                (FeatureValues::Categorical { .. }, None) => design.features.push(feature.clone()),
                (FeatureValues::Categorical { levels, codes }, Some(Some(trained))) => {
                    let code_of: FxHashMap<&str, u32> = trained
                        .iter()
                        .enumerate()
                        .map(|(code, level)| (level.as_str(), code as u32))
                        .collect();
                    // Past the trained levels: a code every model reads as "other".
                    let unseen = trained.len() as u32;
                    let mapped: Vec<u32> = levels
                        .iter()
                        .map(|level| code_of.get(level.as_str()).copied().unwrap_or(unseen))
                        .collect();
                    design.features.push(Feature {
                        name: name.clone(),
                        values: FeatureValues::Categorical {
                            levels: trained.clone(),
                            codes: codes.iter().map(|&c| mapped[c as usize]).collect(),
                        },
                    });
                }
                _ => missing.push(name.clone()),
            }
        }
        if missing.is_empty() {
            Ok(design)
        } else {
            Err(missing)
        }
    }

    /// Each customer's probability of the outcome, on a design of `features` (see
    /// [`Design::select`]).
    pub fn probabilities(&self, design: &Design) -> Vec<f32> {
        (0..design.rows())
            .map(|r| sigmoid(self.model.score(design, r)) as f32)
            .collect()
    }

    /// One customer's log-odds as a base and each feature's part, largest effect first; they
    /// add up to the logit of its probability.
    pub fn contributions(&self, design: &Design, row: usize) -> (f64, Vec<(String, f64)>) {
        let (base, parts) = self.model.contributions(design, row);
        let mut named: Vec<(String, f64)> = self.features.iter().cloned().zip(parts).collect();
        named.sort_by(|a, b| b.1.abs().total_cmp(&a.1.abs()).then(a.0.cmp(&b.0)));
        (base, named)
    }
}

/// A model applied to a snapshot: named and versioned, with its report, the outcome it
/// predicts and every customer's probability. Stored with the snapshot it scores.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AppliedModel {
    /// The name a manager reads ("y = yes"), with the learner.
    pub name: String,
    /// 1 for the first model applied to the snapshot, then one more each time.
    pub version: u32,
    /// What it predicts.
    pub outcome: super::outcome::Outcome,
    /// The fit on every labelled customer.
    pub model: FinalModel,
    /// The training report it came with.
    pub report: TrainingReport,
    /// Every customer's probability of the outcome, in the customers table's order.
    pub probabilities: Vec<f32>,
}

impl AppliedModel {
    /// The validation of the applied learner.
    pub fn validation(&self) -> Option<&ModelValidation> {
        self.report
            .models
            .iter()
            .find(|m| m.kind == self.model.kind)
    }

    /// Whether it predicts a credit outcome (default, delinquency) and so informs credit risk.
    pub fn is_credit_risk(&self) -> bool {
        self.outcome.is_credit_risk()
    }
}

/// What a training learns from, and whom its model then scores.
#[derive(Clone, Debug, PartialEq)]
pub struct TrainingData {
    /// The candidate features of the customers the labels describe.
    pub candidates: Candidates,
    /// Their outcomes.
    pub labels: Vec<Option<bool>>,
    /// The candidate features of the customers to score, when they are not those trained on:
    /// an outcome between two snapshots is learned on the earlier one and applied to this one.
    pub scored: Option<Candidates>,
}

impl TrainingData {
    /// The customers the model is applied to.
    pub fn scored(&self) -> &Candidates {
        self.scored.as_ref().unwrap_or(&self.candidates)
    }
}

/// The features and labels for `outcome` on the snapshot `current`: a column's outcome is
/// learned and applied on `current`; an outcome between two snapshots is learned on `earlier`
/// (its customers' features, labelled by what happened to them by `current`; tiers by
/// `rules`) and applied to `current`.
pub fn training_data(
    current: &Dataset,
    earlier: Option<&Dataset>,
    outcome: &Outcome,
    rules: &TierRules,
) -> Result<TrainingData, OutcomeError> {
    let candidates_of = |dataset: &Dataset| {
        let as_of = as_of_date(dataset);
        let features = customer_features(dataset, as_of);
        candidates(dataset, &features, &customer_profile(dataset, as_of))
    };
    match outcome {
        Outcome::Column { column, rule } => Ok(TrainingData {
            labels: column_labels(current.customers(), column, rule)?,
            candidates: candidates_of(current),
            scored: None,
        }),
        Outcome::Derived { outcome, .. } => {
            let earlier = earlier.ok_or(OutcomeError::NoEarlierSnapshot)?;
            Ok(TrainingData {
                labels: derived_labels(earlier, current, *outcome, rules)?,
                candidates: candidates_of(earlier),
                scored: Some(candidates_of(current)),
            })
        }
    }
}

/// Which features to use: `None` for the screen's defaults, else exactly these names (the
/// outcome and constant columns are never used).
pub fn chosen_features(screened: &[Screened], chosen: Option<&[String]>) -> Vec<Screened> {
    screened
        .iter()
        .cloned()
        .map(|mut s| {
            if let Some(chosen) = chosen {
                let never = matches!(s.left_out, Some(LeftOut::Outcome | LeftOut::Constant));
                s.left_out = if never {
                    s.left_out
                } else if chosen.contains(&s.name) {
                    None
                } else {
                    Some(s.left_out.unwrap_or(LeftOut::NotChosen))
                };
            }
            s
        })
        .collect()
}

/// Trains and validates both learners with `folds`-fold cross-validation, then fits each on
/// every labelled customer. `progress` hears steps done of all (each fold and each final fit),
/// and `clock` the milliseconds since some fixed moment (the shell's; timing only).
pub fn train(
    candidates: &Candidates,
    labels: &[Option<bool>],
    outcome_column: Option<&str>,
    chosen: Option<&[String]>,
    folds: usize,
    progress: &mut dyn FnMut(usize, usize),
    clock: &dyn Fn() -> f64,
) -> Result<(TrainingReport, Vec<FinalModel>), String> {
    let folds = folds.clamp(2, 10);
    let screened = chosen_features(&screen(candidates, labels, outcome_column), chosen);
    let used: Vec<String> = screened
        .iter()
        .filter(|s| s.left_out.is_none())
        .map(|s| s.name.clone())
        .collect();
    if used.is_empty() {
        return Err("no feature is left to learn from".to_owned());
    }
    let design = candidates.design.select(&used);
    let labelled: Vec<usize> = (0..labels.len()).filter(|&r| labels[r].is_some()).collect();
    let truth: Vec<bool> = labels.iter().map(|&l| l == Some(true)).collect();
    let labelled_truth: Vec<bool> = labelled.iter().map(|&r| truth[r]).collect();
    let positives = labelled_truth.iter().filter(|&&t| t).count();
    if positives < folds || labelled.len() - positives < folds {
        return Err(format!(
            "{folds} folds need at least {folds} customers of each outcome; there are {positives} positive and {} negative",
            labelled.len() - positives
        ));
    }
    let fold = stratified_folds(&labelled_truth, folds, FOLD_SEED);
    let steps = 2 * (folds + 1);
    let mut done = 0;
    let mut models = Vec::new();
    let mut finals = Vec::new();
    // Every labelled customer's share in the importance: an even spread of at most
    // IMPORTANCE_ROWS of them.
    let stride = labelled.len().div_ceil(IMPORTANCE_ROWS).max(1);
    let importance_rows: Vec<usize> = labelled.iter().copied().step_by(stride).collect();
    for kind in [ModelKind::Logistic, ModelKind::Gbdt] {
        let started = clock();
        let mut held_out = vec![0.0; labelled.len()];
        let mut fold_auc = Vec::with_capacity(folds);
        for f in 0..folds as u8 {
            progress(done, steps);
            let train_rows: Vec<usize> = (0..labelled.len())
                .filter(|&i| fold[i] != f)
                .map(|i| labelled[i])
                .collect();
            let test: Vec<usize> = (0..labelled.len()).filter(|&i| fold[i] == f).collect();
            let model = Model::fit(kind, &design, &truth, &train_rows);
            let scores: Vec<f64> = test
                .iter()
                .map(|&i| sigmoid(model.score(&design, labelled[i])))
                .collect();
            let test_truth: Vec<bool> = test.iter().map(|&i| labelled_truth[i]).collect();
            fold_auc.extend(roc_auc(&scores, &test_truth));
            for (&i, s) in test.iter().zip(scores) {
                held_out[i] = s;
            }
            done += 1;
        }
        progress(done, steps);
        let model = Model::fit(kind, &design, &truth, &labelled);
        done += 1;
        let mut importance: Vec<(String, f64)> = used.iter().map(|n| (n.clone(), 0.0)).collect();
        for &r in &importance_rows {
            let (_, parts) = model.contributions(&design, r);
            for (slot, part) in importance.iter_mut().zip(parts) {
                slot.1 += part.abs() / importance_rows.len() as f64;
            }
        }
        importance.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
        let auc = fold_auc.iter().sum::<f64>() / fold_auc.len().max(1) as f64;
        let auc_spread = (fold_auc.iter().map(|a| (a - auc) * (a - auc)).sum::<f64>()
            / fold_auc.len().max(1) as f64)
            .sqrt();
        models.push(ModelValidation {
            kind,
            auc,
            auc_spread,
            roc: roc_curve(&held_out, &labelled_truth, ROC_POINTS),
            gains: gains(&held_out, &labelled_truth, 0.05),
            calibration: calibration(&held_out, &labelled_truth, 10),
            top: TOP_SHARES
                .iter()
                .map(|&share| at_top(&held_out, &labelled_truth, share))
                .collect(),
            confusion: confusion_by_threshold(&held_out, &labelled_truth),
            fold_auc,
            importance,
            millis: clock() - started,
        });
        finals.push(FinalModel {
            kind,
            model,
            features: used.clone(),
            levels: design
                .features
                .iter()
                .map(|f| match &f.values {
                    FeatureValues::Categorical { levels, .. } => Some(levels.clone()),
                    FeatureValues::Numeric(_) => None,
                })
                .collect(),
        });
    }
    progress(steps, steps);
    Ok((
        TrainingReport {
            customers: labels.len(),
            labelled: labelled.len(),
            positives,
            folds,
            screened,
            used,
            importance_rows: importance_rows.len(),
            models,
        },
        finals,
    ))
}
