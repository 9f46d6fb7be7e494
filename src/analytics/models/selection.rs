//! Which columns a model may read: every kept column of the export and Keystone's own
//! per-customer features, less those that cannot help or would mislead — the outcome itself,
//! constants, identifiers, near-unique text and probable leaks — each left out with its reason.
//!
//! A probable leak is a feature that alone predicts the outcome almost perfectly (cross-
//! validated AUC ≥ [`LEAK_AUC`]): most often the outcome written another way (a closing date
//! for a churn flag), known only after the fact. The manager may put any of them back.

use super::design::{Design, FeatureValues, MIN_LEVEL_ROWS};
use super::metrics::{roc_auc, stratified_folds};
use super::FOLD_SEED;
use crate::analytics::profile::CustomerProfile;
use crate::analytics::{CustomerFeatures, NO_TRANSACTION_RECENCY};
use crate::model::{Dataset, Gender};
use serde::{Deserialize, Serialize};

/// A single feature whose cross-validated AUC reaches this is flagged as a probable leak.
pub const LEAK_AUC: f64 = 0.98;
/// A text column with more distinct values than this share of its rows reads as near-unique.
pub const NEAR_UNIQUE_SHARE: f64 = 0.5;

/// Keystone's own per-customer features, computed from the mapped fields, holdings and
/// transactions (money on a log scale: ln(1 + yuan), signed for flows).
pub const OWN_FEATURES: [&str; 19] = [
    "aum",
    "loans",
    "deposits",
    "wealth",
    "products",
    "f12",
    "m12",
    "in12",
    "out12",
    "net_flow12",
    "recency_days",
    "card_share",
    "age",
    "tenure_months",
    "annual_income",
    "risk_level",
    "gender",
    "city",
    "occupation",
];

/// Why a feature is left out.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum LeftOut {
    /// It is the outcome.
    Outcome,
    /// Every customer has the same value (or none).
    Constant,
    /// A different value for every customer: an identifier.
    Identifier,
    /// Text with a different value for most customers.
    NearUnique {
        /// Its distinct values.
        distinct: usize,
    },
    /// Alone it predicts the outcome almost perfectly.
    ProbableLeak,
    /// The manager left it out.
    NotChosen,
}

impl LeftOut {
    /// The reason as the command line's report writes it.
    pub fn key(&self) -> &'static str {
        match self {
            LeftOut::Outcome => "outcome",
            LeftOut::Constant => "constant",
            LeftOut::Identifier => "identifier",
            LeftOut::NearUnique { .. } => "near-unique",
            LeftOut::ProbableLeak => "probable leak",
            LeftOut::NotChosen => "not chosen",
        }
    }
}

/// One candidate feature and what the screen found.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Screened {
    /// Its name: the export's header, or one of [`OWN_FEATURES`].
    pub name: String,
    /// Whether it is one of Keystone's own features.
    pub own: bool,
    /// Numeric (else categorical).
    pub numeric: bool,
    /// Its cross-validated AUC alone (the better of it and its reverse is not taken: a rate
    /// model orders by itself); `None` when it cannot be measured.
    pub alone_auc: Option<f64>,
    /// Why it is left out by default; `None`: used.
    pub left_out: Option<LeftOut>,
}

/// The candidate features of a dataset.
#[derive(Clone, Debug, PartialEq)]
pub struct Candidates {
    /// Its kept columns first, then Keystone's own features.
    pub design: Design,
    /// How many of them are kept columns of the export.
    pub exported: usize,
}

/// Every candidate feature of `dataset`: its kept columns, then Keystone's own features (one
/// whose name a kept column already has is not added twice).
pub fn candidates(
    dataset: &Dataset,
    features: &CustomerFeatures,
    profile: &CustomerProfile,
) -> Candidates {
    let customers = dataset.customers();
    let mut design = Design::from_attributes(customers, &[]);
    let exported = design.features.len();
    let taken = |name: &str, design: &Design| {
        design
            .features
            .iter()
            .any(|f| f.name.eq_ignore_ascii_case(name))
    };
    let yuan = |fen: i64| (fen.max(0) as f64 / 100.0).ln_1p();
    let signed =
        |fen: i64| (fen as f64 / 100.0).signum() * (fen.unsigned_abs() as f64 / 100.0).ln_1p();
    for name in OWN_FEATURES {
        if taken(name, &design) {
            continue;
        }
        let n = dataset.n_customers();
        let values: Vec<f64> = match name {
            "aum" => features.aum_fen.iter().map(|&v| yuan(v)).collect(),
            "loans" => features.loan_fen.iter().map(|&v| yuan(v)).collect(),
            "deposits" => profile.deposits_fen.iter().map(|&v| yuan(v)).collect(),
            "wealth" => profile.wealth_fen.iter().map(|&v| yuan(v)).collect(),
            "products" => features.products.iter().map(|&v| f64::from(v)).collect(),
            "f12" => features.f12.iter().map(|&v| f64::from(v).ln_1p()).collect(),
            "m12" => features.m12_fen.iter().map(|&v| yuan(v)).collect(),
            "in12" => features.in12_fen.iter().map(|&v| yuan(v)).collect(),
            "out12" => profile.out12_fen.iter().map(|&v| yuan(v)).collect(),
            "net_flow12" => profile.net_flow12_fen.iter().map(|&v| signed(v)).collect(),
            "recency_days" => features
                .recency_days
                .iter()
                .map(|&d| {
                    if d == NO_TRANSACTION_RECENCY {
                        f64::NAN
                    } else {
                        f64::from(d)
                    }
                })
                .collect(),
            "card_share" => (0..n).map(|c| profile.card_share(c)).collect(),
            "age" => profile
                .age_years
                .iter()
                .map(|a| a.map_or(f64::NAN, f64::from))
                .collect(),
            "tenure_months" => profile
                .tenure_months
                .iter()
                .map(|t| t.map_or(f64::NAN, f64::from))
                .collect(),
            "annual_income" => customers
                .annual_income_fen
                .iter()
                .map(|&v| if v > 0 { yuan(v) } else { f64::NAN })
                .collect(),
            "risk_level" => customers
                .risk_level
                .iter()
                .map(|&r| if r == 0 { f64::NAN } else { f64::from(r) })
                .collect(),
            "gender" => customers
                .gender
                .iter()
                .map(|g| match g {
                    Gender::Unknown => f64::NAN,
                    Gender::Female => 0.0,
                    Gender::Male => 1.0,
                })
                .collect(),
            "city" => {
                design.push_categorical(name, &customers.city);
                continue;
            }
            "occupation" => {
                design.push_categorical(name, &customers.occupation);
                continue;
            }
            _ => continue,
        };
        design.push_numeric(name, values);
    }
    Candidates { design, exported }
}

/// Screens every candidate for a model of `labels` (`None`: unlabelled customers, left out of
/// the measures); `outcome` names the outcome's own column.
pub fn screen(
    candidates: &Candidates,
    labels: &[Option<bool>],
    outcome: Option<&str>,
) -> Vec<Screened> {
    let (design, own_from) = (&candidates.design, candidates.exported);
    let labelled: Vec<usize> = (0..labels.len()).filter(|&r| labels[r].is_some()).collect();
    let truth: Vec<bool> = labelled.iter().map(|&r| labels[r] == Some(true)).collect();
    let fold = stratified_folds(&truth, 5, FOLD_SEED);
    design
        .features
        .iter()
        .enumerate()
        .map(|(index, feature)| {
            let bins = bins_of(&feature.values, &labelled);
            let alone_auc = alone_auc(&bins, &truth, &fold);
            let left_out = if outcome.is_some_and(|o| o == feature.name) && index < own_from {
                Some(LeftOut::Outcome)
            } else if constant(&feature.values) {
                Some(LeftOut::Constant)
            } else if let Some(reason) = unique_values(feature, index < own_from) {
                Some(reason)
            } else if alone_auc.is_some_and(|auc| auc >= LEAK_AUC) {
                Some(LeftOut::ProbableLeak)
            } else {
                None
            };
            Screened {
                name: feature.name.clone(),
                own: index >= own_from,
                numeric: matches!(feature.values, FeatureValues::Numeric(_)),
                alone_auc,
                left_out,
            }
        })
        .collect()
}

/// Whether every customer has the same value (missing counting as one value).
fn constant(values: &FeatureValues) -> bool {
    match values {
        FeatureValues::Numeric(values) => values
            .iter()
            .all(|v| v.total_cmp(&values[0]).is_eq() || (v.is_nan() && values[0].is_nan())),
        FeatureValues::Categorical { codes, .. } => codes.iter().all(|&c| c == codes[0]),
    }
}

/// An identifier (every customer a value of its own) or near-unique text, among the export's
/// columns; Keystone's own features are neither.
fn unique_values(feature: &super::Feature, exported: bool) -> Option<LeftOut> {
    if !exported {
        return None;
    }
    match &feature.values {
        FeatureValues::Categorical { levels, codes } => {
            let mut used = vec![false; levels.len()];
            let mut rows = 0;
            for &c in codes {
                if !levels[c as usize].trim().is_empty() {
                    used[c as usize] = true;
                    rows += 1;
                }
            }
            let distinct = used.iter().filter(|&&u| u).count();
            if rows > 1 && distinct == rows {
                Some(LeftOut::Identifier)
            } else if rows >= 2 * MIN_LEVEL_ROWS
                && distinct as f64 > NEAR_UNIQUE_SHARE * rows as f64
            {
                Some(LeftOut::NearUnique { distinct })
            } else {
                None
            }
        }
        FeatureValues::Numeric(values) => {
            // A number column is an identifier when its header says so and no two customers
            // share a value (a client number exported as digits).
            let name = feature.name.to_lowercase();
            let id_like = name.ends_with("id")
                || name.ends_with("num")
                || name.ends_with("_no")
                || name.ends_with("number")
                || ["号", "编号", "代码"].iter().any(|w| name.contains(w));
            if !id_like {
                return None;
            }
            let mut present: Vec<f64> = values.iter().copied().filter(|v| !v.is_nan()).collect();
            present.sort_by(f64::total_cmp);
            let all_distinct = present.windows(2).all(|w| w[0] != w[1]);
            (present.len() > 1 && all_distinct).then_some(LeftOut::Identifier)
        }
    }
}

/// Each labelled row's bin: numbers by their quantiles over all labelled rows (labels unseen,
/// so nothing leaks), missing values together; labels by their level, rare ones pooled.
fn bins_of(values: &FeatureValues, rows: &[usize]) -> Vec<u32> {
    const BINS: usize = 20;
    match values {
        FeatureValues::Numeric(values) => {
            let cuts = super::design::quantile_cuts(values, rows, BINS);
            rows.iter()
                .map(|&r| {
                    let v = values[r];
                    if v.is_nan() {
                        0
                    } else {
                        1 + cuts.partition_point(|&c| c < v) as u32
                    }
                })
                .collect()
        }
        FeatureValues::Categorical { levels, codes } => {
            let kept = super::design::kept_levels(levels.len(), codes, rows);
            rows.iter()
                .map(|&r| kept[codes[r] as usize].map_or(0, |k| k as u32 + 1))
                .collect()
        }
    }
}

/// The AUC of scoring each held-out row by its bin's positive rate in the other folds; `None`
/// when every row is in one bin.
fn alone_auc(bins: &[u32], truth: &[bool], fold: &[u8]) -> Option<f64> {
    if bins.iter().all(|&b| b == bins[0]) {
        return None;
    }
    let width = bins.iter().copied().max().unwrap_or(0) as usize + 1;
    let mut total = vec![(0.0f64, 0.0f64); width];
    let mut by_fold = vec![vec![(0.0f64, 0.0f64); width]; 5];
    for ((&b, &t), &f) in bins.iter().zip(truth).zip(fold) {
        let add = (f64::from(u8::from(t)), 1.0);
        total[b as usize].0 += add.0;
        total[b as usize].1 += add.1;
        by_fold[f as usize][b as usize].0 += add.0;
        by_fold[f as usize][b as usize].1 += add.1;
    }
    let overall = truth.iter().filter(|&&t| t).count() as f64 / truth.len().max(1) as f64;
    let scores: Vec<f64> = bins
        .iter()
        .zip(fold)
        .map(|(&b, &f)| {
            let (yes, n) = (
                total[b as usize].0 - by_fold[f as usize][b as usize].0,
                total[b as usize].1 - by_fold[f as usize][b as usize].1,
            );
            (yes + overall) / (n + 1.0)
        })
        .collect();
    roc_auc(&scores, truth)
}
