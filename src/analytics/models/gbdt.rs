//! Gradient-boosted decision trees for a yes/no outcome (log loss), on binned features.
//!
//! Numbers are cut at training quantiles (at most [`MAX_BINS`] bins); labels are ordered by
//! their training positive rate, so a split on a category is a split on "how likely its
//! members are", learned without looking at the rows being scored. Missing values and labels
//! unseen in training fall in bin 0. Each score splits into a base and one contribution per
//! feature by following its path (Saabas): every split credits its feature with the change in
//! the node value it causes, and the changes add up to the leaf.

use super::design::{quantile_cuts, Design, FeatureValues, MIN_LEVEL_ROWS};

/// Bins per feature, the missing bin included.
pub const MAX_BINS: usize = 64;

/// Training options.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct GbdtConfig {
    /// Trees.
    pub rounds: usize,
    /// Shrinkage of each tree's values.
    pub learning_rate: f64,
    /// Splits from root to leaf at most.
    pub max_depth: usize,
    /// Least rows on each side of a split.
    pub min_rows_in_leaf: usize,
    /// L2 penalty on leaf values.
    pub l2: f64,
    /// Stop adding trees once they no longer help rows set aside from the training rows.
    pub early_stopping: Option<EarlyStopping>,
}

/// Rounds chosen on training rows the trees do not fit: one row in `holdout_every` is set
/// aside, and growing stops `patience` rounds after its log loss last improved; the trees
/// after the best round are dropped.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct EarlyStopping {
    /// One training row in this many is held out.
    pub holdout_every: usize,
    /// Rounds without improvement before stopping.
    pub patience: usize,
}

impl Default for GbdtConfig {
    fn default() -> GbdtConfig {
        GbdtConfig {
            rounds: 200,
            learning_rate: 0.1,
            max_depth: 4,
            min_rows_in_leaf: 20,
            l2: 1.0,
            early_stopping: None,
        }
    }
}

/// How one feature's values become bins.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
enum Binning {
    /// Bin `1 + i` holds values up to `cuts[i]`; bin `1 + cuts.len()` the rest.
    Numeric { cuts: Vec<f64> },
    /// The bin of each level (0 for levels unseen in training).
    Categorical { bin_of_level: Vec<u8> },
}

impl Binning {
    fn bin(&self, values: &FeatureValues, row: usize) -> u8 {
        match (self, values) {
            (Binning::Numeric { cuts }, FeatureValues::Numeric(values)) => {
                let v = values[row];
                if v.is_nan() {
                    0
                } else {
                    1 + cuts.partition_point(|&c| c < v) as u8
                }
            }
            (Binning::Categorical { bin_of_level }, FeatureValues::Categorical { codes, .. }) => {
                bin_of_level.get(codes[row] as usize).copied().unwrap_or(0)
            }
            _ => 0,
        }
    }
}

#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
struct Node {
    /// The node's value (already shrunk): what a row stopping here would add.
    value: f64,
    /// `(feature, highest bin going left, left child, right child)` for a split node.
    split: Option<(usize, u8, u32, u32)>,
}

/// A trained ensemble.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct GbdtModel {
    binnings: Vec<Binning>,
    /// Log-odds before any tree: the training base rate.
    prior: f64,
    /// Trees, each as nodes with the root first.
    trees: Vec<Vec<Node>>,
}

impl GbdtModel {
    /// Trains on `rows` of `design` against `labels`.
    pub fn fit(design: &Design, labels: &[bool], rows: &[usize], config: &GbdtConfig) -> GbdtModel {
        let every: Vec<usize> = (0..design.features.len()).collect();
        GbdtModel::fit_shared(
            &SharedBins::new(design, rows),
            design,
            &every,
            labels,
            rows,
            config,
        )
    }

    /// Trains on `rows` against `labels`, reading the features `features` of `design` (in that
    /// order: the model scores a design made of those columns) with their numeric bins taken
    /// from `shared`, which was built from `design`.
    pub fn fit_shared(
        shared: &SharedBins,
        design: &Design,
        features: &[usize],
        labels: &[bool],
        rows: &[usize],
        config: &GbdtConfig,
    ) -> GbdtModel {
        let (rows, holdout): (Vec<usize>, Vec<usize>) = match config.early_stopping {
            Some(stopping) if rows.len() >= 10 * stopping.holdout_every.max(2) => {
                let every = stopping.holdout_every.max(2);
                let (held, kept): (Vec<_>, Vec<_>) = rows
                    .iter()
                    .enumerate()
                    .partition(|(i, _)| i % every == every - 1);
                (
                    kept.into_iter().map(|(_, &r)| r).collect(),
                    held.into_iter().map(|(_, &r)| r).collect(),
                )
            }
            _ => (rows.to_vec(), Vec::new()),
        };
        let rows = rows.as_slice();
        // Categorical bins follow the labels, so they are this model's own.
        let binnings: Vec<Binning> = features
            .iter()
            .map(|&f| match &shared.numeric[f] {
                Some((binning, _)) => binning.clone(),
                None => binning_on(&design.features[f].values, labels, rows),
            })
            .collect();
        let bin = |k: usize, row: usize| -> u8 {
            let f = features[k];
            match &shared.numeric[f] {
                Some((_, bins)) => bins[row],
                None => binnings[k].bin(&design.features[f].values, row),
            }
        };
        // Binned training rows, row-major: a histogram pass reads each row's bins together.
        let width = binnings.len();
        let mut binned = Vec::with_capacity(rows.len() * width);
        for &r in rows {
            binned.extend((0..width).map(|k| bin(k, r)));
        }
        let bins = Binned {
            width,
            bins: binned,
        };
        let y: Vec<f64> = rows
            .iter()
            .map(|&r| f64::from(u8::from(labels[r])))
            .collect();
        let rate = (y.iter().sum::<f64>() / y.len().max(1) as f64).clamp(1e-6, 1.0 - 1e-6);
        let prior = (rate / (1.0 - rate)).ln();
        let mut raw = vec![prior; rows.len()];
        let mut trees = Vec::with_capacity(config.rounds);
        let mut derivatives = vec![[0.0; 2]; rows.len()];
        let held_bins: Vec<Vec<u8>> = holdout
            .iter()
            .map(|&r| (0..width).map(|k| bin(k, r)).collect())
            .collect();
        let mut held_raw = vec![prior; holdout.len()];
        let mut best = (f64::INFINITY, 0usize);
        for round in 0..config.rounds {
            for i in 0..rows.len() {
                let p = super::logistic::sigmoid(raw[i]);
                derivatives[i] = [p - y[i], (p * (1.0 - p)).max(1e-12)];
            }
            let (tree, leaves) = grow_tree(&bins, &derivatives, config);
            // Each training row's leaf is known from the growing: no tree walk per row.
            for (leaf, rows) in leaves {
                let value = tree[leaf as usize].value;
                for r in rows {
                    raw[r as usize] += value;
                }
            }
            if let (Some(stopping), false) = (config.early_stopping, holdout.is_empty()) {
                let mut loss = 0.0;
                for ((raw, bins), &r) in held_raw.iter_mut().zip(&held_bins).zip(&holdout) {
                    *raw += leaf_value(&tree, |f| bins[f]);
                    let p = super::logistic::sigmoid(*raw).clamp(1e-12, 1.0 - 1e-12);
                    loss -= if labels[r] { p.ln() } else { (1.0 - p).ln() };
                }
                trees.push(tree);
                if loss < best.0 {
                    best = (loss, round + 1);
                } else if round + 1 - best.1 >= stopping.patience {
                    break;
                }
                continue;
            }
            trees.push(tree);
        }
        if !holdout.is_empty() {
            trees.truncate(best.1);
        }
        GbdtModel {
            binnings,
            prior,
            trees,
        }
    }

    /// Trees in the ensemble.
    pub fn rounds(&self) -> usize {
        self.trees.len()
    }

    fn bins_of(&self, design: &Design, row: usize) -> Vec<u8> {
        self.binnings
            .iter()
            .zip(&design.features)
            .map(|(b, f)| b.bin(&f.values, row))
            .collect()
    }

    /// The log-odds of `row`.
    pub fn score(&self, design: &Design, row: usize) -> f64 {
        let bins = self.bins_of(design, row);
        self.prior
            + self
                .trees
                .iter()
                .map(|tree| leaf_value(tree, |f| bins[f]))
                .sum::<f64>()
    }

    /// The log-odds of `row` as a base (the prior plus every root's value) and one part per
    /// feature.
    pub fn contributions(&self, design: &Design, row: usize) -> (f64, Vec<f64>) {
        let bins = self.bins_of(design, row);
        let mut parts = vec![0.0; self.binnings.len()];
        let mut base = self.prior;
        for tree in &self.trees {
            let mut node = &tree[0];
            base += node.value;
            while let Some((feature, threshold, left, right)) = node.split {
                let next = &tree[if bins[feature] <= threshold {
                    left
                } else {
                    right
                } as usize];
                parts[feature] += next.value - node.value;
                node = next;
            }
        }
        (base, parts)
    }
}

fn leaf_value(tree: &[Node], bin: impl Fn(usize) -> u8) -> f64 {
    let mut node = &tree[0];
    while let Some((feature, threshold, left, right)) = node.split {
        node = &tree[if bin(feature) <= threshold {
            left
        } else {
            right
        } as usize];
    }
    node.value
}

fn binning_on(values: &FeatureValues, labels: &[bool], rows: &[usize]) -> Binning {
    match values {
        FeatureValues::Numeric(values) => {
            let cuts = quantile_cuts(values, rows, MAX_BINS - 1);
            Binning::Numeric { cuts }
        }
        FeatureValues::Categorical { levels, codes } => {
            let mut seen = vec![(0.0f64, 0.0f64); levels.len()];
            for &r in rows {
                let s = &mut seen[codes[r] as usize];
                s.0 += f64::from(u8::from(labels[r]));
                s.1 += 1.0;
            }
            // Labels seen in fewer than MIN_LEVEL_ROWS training rows are pooled: ranked by
            // their own few rows, a rare label's rate is mostly its own outcome, which the
            // trees would learn as if it were a pattern.
            let mut pooled = (0.0, 0.0);
            for s in seen.iter_mut().filter(|s| s.1 < MIN_LEVEL_ROWS as f64) {
                pooled.0 += s.0;
                pooled.1 += s.1;
                *s = (0.0, 0.0);
            }
            let overall = seen.iter().map(|s| s.0).sum::<f64>() + pooled.0;
            let overall = overall / rows.len().max(1) as f64;
            // Labels lean on the overall rate (ten pseudo-rows) rather than their own rows.
            let rate = |&(yes, n): &(f64, f64)| (yes + 10.0 * overall) / (n + 10.0);
            // Places: each kept label, then "other" (the pooled labels) at `levels.len()`.
            let mut order: Vec<usize> = (0..levels.len()).filter(|&l| seen[l].1 > 0.0).collect();
            if pooled.1 > 0.0 {
                order.push(levels.len());
            }
            let rate_of = |l: usize| rate(if l == levels.len() { &pooled } else { &seen[l] });
            order.sort_by(|&a, &b| rate_of(a).total_cmp(&rate_of(b)).then(a.cmp(&b)));
            let per_bin = order.len().div_ceil(MAX_BINS - 1).max(1);
            let mut bin_of_place = vec![0u8; levels.len() + 1];
            for (rank, &place) in order.iter().enumerate() {
                bin_of_place[place] = (1 + rank / per_bin) as u8;
            }
            let other = bin_of_place[levels.len()];
            let bin_of_level = (0..levels.len())
                .map(|l| {
                    if seen[l].1 > 0.0 {
                        bin_of_place[l]
                    } else {
                        // Pooled, or unseen in training: what "other" stands for.
                        other
                    }
                })
                .collect();
            Binning::Categorical { bin_of_level }
        }
    }
}

/// The numeric features of a design binned once, for several models trained on rows of it with
/// different labels (one per product family): numeric cuts do not depend on the labels, so
/// they are taken once from the rows the models may train on, and every row's bin is kept.
pub struct SharedBins {
    /// Per feature of the design: for a numeric one, its binning and every row's bin.
    numeric: Vec<Option<(Binning, Vec<u8>)>>,
}

impl SharedBins {
    /// Cuts each numeric feature of `design` at the quantiles of `rows` and bins every row.
    pub fn new(design: &Design, rows: &[usize]) -> SharedBins {
        let numeric = design
            .features
            .iter()
            .map(|feature| match &feature.values {
                FeatureValues::Numeric(values) => {
                    let binning = Binning::Numeric {
                        cuts: quantile_cuts(values, rows, MAX_BINS - 1),
                    };
                    let bins = (0..values.len())
                        .map(|r| binning.bin(&feature.values, r))
                        .collect();
                    Some((binning, bins))
                }
                FeatureValues::Categorical { .. } => None,
            })
            .collect();
        SharedBins { numeric }
    }
}

/// Binned training rows, row-major.
struct Binned {
    /// Features per row.
    width: usize,
    bins: Vec<u8>,
}

impl Binned {
    fn row(&self, row: usize) -> &[u8] {
        &self.bins[row * self.width..(row + 1) * self.width]
    }
}

/// Sums of gradient, hessian and rows per bin, for one feature.
type Histogram = [(f64, f64, u32); MAX_BINS];

/// Each feature's histogram over `rows`; each row's bins and derivatives are read once.
fn histograms(bins: &Binned, derivatives: &[[f64; 2]], rows: &[u32]) -> Vec<Histogram> {
    let mut histograms = vec![[(0.0f64, 0.0f64, 0u32); MAX_BINS]; bins.width];
    for &r in rows {
        let [g, h] = derivatives[r as usize];
        for (histogram, &bin) in histograms.iter_mut().zip(bins.row(r as usize)) {
            let cell = &mut histogram[bin as usize];
            cell.0 += g;
            cell.1 += h;
            cell.2 += 1;
        }
    }
    histograms
}

/// Grows one tree depth-first from all rows, splitting while the gain is positive; returns it
/// with each leaf's training rows.
fn grow_tree(
    bins: &Binned,
    derivatives: &[[f64; 2]],
    config: &GbdtConfig,
) -> (Vec<Node>, Vec<(u32, Vec<u32>)>) {
    let mut nodes = Vec::new();
    let mut leaves = Vec::new();
    let all: Vec<u32> = (0..derivatives.len() as u32).collect();
    let sums = derivatives
        .iter()
        .fold((0.0, 0.0), |(g, h), [gr, hr]| (g + gr, h + hr));
    let grower = Grower {
        bins,
        derivatives,
        config,
    };
    let histogram = grower
        .splittable(all.len(), 0)
        .then(|| histograms(bins, derivatives, &all));
    grower.grow(&mut nodes, &mut leaves, all, sums, histogram, 0);
    (nodes, leaves)
}

struct Grower<'a> {
    bins: &'a Binned,
    derivatives: &'a [[f64; 2]],
    config: &'a GbdtConfig,
}

impl Grower<'_> {
    /// Whether a node of `rows` rows at `depth` may split (and so needs its histograms).
    fn splittable(&self, rows: usize, depth: usize) -> bool {
        depth < self.config.max_depth && rows >= 2 * self.config.min_rows_in_leaf
    }

    /// Adds the node of `rows`, whose gradient and hessian sum to `sums`, and its subtree;
    /// `histogram` is given when it may split. Leaves go to `leaves` with their rows.
    fn grow(
        &self,
        nodes: &mut Vec<Node>,
        leaves: &mut Vec<(u32, Vec<u32>)>,
        rows: Vec<u32>,
        (g, h): (f64, f64),
        histogram: Option<Vec<Histogram>>,
        depth: usize,
    ) -> u32 {
        let config = self.config;
        let index = nodes.len() as u32;
        nodes.push(Node {
            value: -g / (h + config.l2) * config.learning_rate,
            split: None,
        });
        let Some(histogram) = histogram else {
            leaves.push((index, rows));
            return index;
        };
        let parent_score = g * g / (h + config.l2);
        // (gain, feature, threshold, left sums)
        let mut best: Option<(f64, usize, u8, (f64, f64))> = None;
        for (feature, feature_histogram) in histogram.iter().enumerate() {
            let (mut gl, mut hl, mut nl) = (0.0, 0.0, 0usize);
            for (threshold, &(gb, hb, nb)) in
                feature_histogram.iter().enumerate().take(MAX_BINS - 1)
            {
                gl += gb;
                hl += hb;
                nl += nb as usize;
                let nr = rows.len() - nl;
                if nl < config.min_rows_in_leaf || nr < config.min_rows_in_leaf {
                    continue;
                }
                let (gr, hr) = (g - gl, h - hl);
                let gain = gl * gl / (hl + config.l2) + gr * gr / (hr + config.l2) - parent_score;
                if gain > 1e-9 && best.is_none_or(|(b, ..)| gain > b) {
                    best = Some((gain, feature, threshold as u8, (gl, hl)));
                }
            }
        }
        let Some((_, feature, threshold, (gl, hl))) = best else {
            leaves.push((index, rows));
            return index;
        };
        let (left_rows, right_rows) = self.partition(&rows, feature, threshold);
        // The smaller child's histograms are counted; the larger's are the parent's less them.
        let (left_splits, right_splits) = (
            self.splittable(left_rows.len(), depth + 1),
            self.splittable(right_rows.len(), depth + 1),
        );
        let (mut left_histogram, mut right_histogram) = (None, None);
        if left_splits || right_splits {
            let left_smaller = left_rows.len() <= right_rows.len();
            let smaller = histograms(
                self.bins,
                self.derivatives,
                if left_smaller {
                    &left_rows
                } else {
                    &right_rows
                },
            );
            let mut larger = histogram;
            for (big, small) in larger.iter_mut().zip(&smaller) {
                for (b, s) in big.iter_mut().zip(small) {
                    b.0 -= s.0;
                    b.1 -= s.1;
                    b.2 -= s.2;
                }
            }
            (left_histogram, right_histogram) = if left_smaller {
                (Some(smaller), Some(larger))
            } else {
                (Some(larger), Some(smaller))
            };
        }
        let left = self.grow(
            nodes,
            leaves,
            left_rows,
            (gl, hl),
            left_histogram.filter(|_| left_splits),
            depth + 1,
        );
        let right = self.grow(
            nodes,
            leaves,
            right_rows,
            (g - gl, h - hl),
            right_histogram.filter(|_| right_splits),
            depth + 1,
        );
        nodes[index as usize].split = Some((feature, threshold, left, right));
        index
    }

    /// The rows going left (bin at most `threshold`) and right, in their order. Written
    /// without a branch per row: which side a row goes is as good as random to the processor.
    fn partition(&self, rows: &[u32], feature: usize, threshold: u8) -> (Vec<u32>, Vec<u32>) {
        let mut left = vec![0u32; rows.len()];
        let mut right = vec![0u32; rows.len()];
        let (mut l, mut r) = (0, 0);
        for &row in rows {
            let goes_left = usize::from(self.bins.row(row as usize)[feature] <= threshold);
            left[l] = row;
            right[r] = row;
            l += goes_left;
            r += 1 - goes_left;
        }
        left.truncate(l);
        right.truncate(r);
        (left, right)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::CodedColumn;

    #[test]
    fn learns_an_interaction_and_contributions_add_up_to_the_score() {
        // Positive exactly when x > 0.5 and the colour is red: no single feature tells.
        let (mut xs, mut colours, mut labels) = (Vec::new(), CodedColumn::new(), Vec::new());
        for i in 0..2000 {
            let x = (i % 100) as f64 / 100.0;
            let colour = ["red", "blue"][(i / 100) % 2];
            xs.push(x);
            colours.push(colour);
            labels.push(x > 0.5 && colour == "red");
        }
        let mut design = Design::default();
        design.push_numeric("x", xs);
        design.push_categorical("colour", &colours);
        let rows: Vec<usize> = (0..2000).collect();
        let model = GbdtModel::fit(&design, &labels, &rows, &GbdtConfig::default());
        for row in [0, 60, 160, 1999] {
            let p = super::super::logistic::sigmoid(model.score(&design, row));
            assert_eq!(p > 0.5, labels[row], "row {row}: p = {p}");
            let (base, parts) = model.contributions(&design, row);
            let total = base + parts.iter().sum::<f64>();
            assert!((total - model.score(&design, row)).abs() < 1e-9);
        }
        // A red row above the cut owes its score to both features.
        let (_, parts) = model.contributions(&design, 60);
        assert!(parts[0] > 0.0 && parts[1] > 0.0, "{parts:?}");
    }
}
