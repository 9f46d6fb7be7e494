//! The validation report's curves, from held-out probabilities: ROC, cumulative gains and lift,
//! calibration by decile, precision and recall in the top shares, and the confusion matrix at
//! every threshold a user can choose. Plain counts, so each is checked against hand counts.

use serde::{Deserialize, Serialize};

/// A point of the ROC curve.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct RocPoint {
    /// False-positive rate: negatives at or above the threshold, of all negatives.
    pub false_positive_rate: f64,
    /// True-positive rate (recall).
    pub true_positive_rate: f64,
}

/// The ROC curve from (0, 0) to (1, 1), one point per distinct score (tied scores move both
/// rates at once), thinned to at most `max_points` points, the ends kept.
pub fn roc_curve(scores: &[f64], labels: &[bool], max_points: usize) -> Vec<RocPoint> {
    let positives = labels.iter().filter(|&&l| l).count().max(1) as f64;
    let negatives = labels.iter().filter(|&&l| !l).count().max(1) as f64;
    let order = highest_first(scores);
    let mut points = vec![RocPoint {
        false_positive_rate: 0.0,
        true_positive_rate: 0.0,
    }];
    let (mut tp, mut fp) = (0usize, 0usize);
    let mut i = 0;
    while i < order.len() {
        let mut j = i;
        while j < order.len() && scores[order[j]] == scores[order[i]] {
            if labels[order[j]] {
                tp += 1;
            } else {
                fp += 1;
            }
            j += 1;
        }
        points.push(RocPoint {
            false_positive_rate: fp as f64 / negatives,
            true_positive_rate: tp as f64 / positives,
        });
        i = j;
    }
    thin(points, max_points)
}

/// A point of the cumulative gains curve.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct GainPoint {
    /// Share of customers contacted, highest scores first.
    pub contacted: f64,
    /// Share of all positives among them.
    pub captured: f64,
    /// `captured / contacted`: how many times better than contacting at random.
    pub lift: f64,
}

/// Cumulative gains at every `step` share contacted (0.05: 5 %, 10 % … 100 %).
pub fn gains(scores: &[f64], labels: &[bool], step: f64) -> Vec<GainPoint> {
    let positives = labels.iter().filter(|&&l| l).count().max(1) as f64;
    let order = highest_first(scores);
    let steps = (1.0 / step).round() as usize;
    (1..=steps)
        .map(|s| {
            let contacted = s as f64 / steps as f64;
            let take = rows_in_top(order.len(), contacted);
            let captured = order[..take].iter().filter(|&&r| labels[r]).count() as f64 / positives;
            GainPoint {
                contacted,
                captured,
                lift: captured / contacted,
            }
        })
        .collect()
}

/// Predicted against observed in one bin of customers ranked by their probability.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct CalibrationBin {
    /// The mean predicted probability of the bin.
    pub predicted: f64,
    /// The share of positives in it.
    pub observed: f64,
    /// Its customers.
    pub rows: usize,
}

/// Calibration by `bins` equal groups of customers ranked by probability (deciles for 10),
/// lowest first.
pub fn calibration(probabilities: &[f64], labels: &[bool], bins: usize) -> Vec<CalibrationBin> {
    let mut order = highest_first(probabilities);
    order.reverse();
    let n = order.len();
    (0..bins)
        .filter_map(|b| {
            let rows = &order[b * n / bins..(b + 1) * n / bins];
            (!rows.is_empty()).then(|| CalibrationBin {
                predicted: rows.iter().map(|&r| probabilities[r]).sum::<f64>() / rows.len() as f64,
                observed: rows.iter().filter(|&&r| labels[r]).count() as f64 / rows.len() as f64,
                rows: rows.len(),
            })
        })
        .collect()
}

/// Precision and recall when the top `share` of customers are contacted.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct TopShare {
    /// The share contacted (0.10 for the top 10 %).
    pub share: f64,
    /// Positives among them.
    pub precision: f64,
    /// Of all positives, those among them.
    pub recall: f64,
}

/// Precision and recall in the top `share` of scores (at least one row; equal scores in row
/// order, so the figure is reproducible).
pub fn at_top(scores: &[f64], labels: &[bool], share: f64) -> TopShare {
    let positives = labels.iter().filter(|&&l| l).count().max(1) as f64;
    let order = highest_first(scores);
    let take = rows_in_top(order.len(), share).max(1).min(order.len());
    let hits = order[..take].iter().filter(|&&r| labels[r]).count() as f64;
    TopShare {
        share,
        precision: hits / take.max(1) as f64,
        recall: hits / positives,
    }
}

/// The confusion matrix when customers at or above `threshold` are called positive.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Confusion {
    /// The threshold, in hundredths of probability.
    pub threshold_percent: u8,
    pub true_positives: u32,
    pub false_positives: u32,
    pub false_negatives: u32,
    pub true_negatives: u32,
}

/// The confusion matrix at every threshold from 0 % to 100 % in steps of 1 %, so a page can
/// move the threshold without the rows.
pub fn confusion_by_threshold(probabilities: &[f64], labels: &[bool]) -> Vec<Confusion> {
    // Rows per (percent bucket, label); a row at p is called positive at every threshold ≤ p.
    let mut at = [[0u32; 2]; 102];
    for (&p, &l) in probabilities.iter().zip(labels) {
        let bucket = (p * 100.0).floor().clamp(0.0, 100.0) as usize;
        at[bucket][usize::from(l)] += 1;
    }
    let total = [
        labels.iter().filter(|&&l| !l).count() as u32,
        labels.iter().filter(|&&l| l).count() as u32,
    ];
    let mut above = [0u32; 2];
    let mut table: Vec<Confusion> = (0..=100u8)
        .rev()
        .map(|t| {
            above[0] += at[t as usize][0];
            above[1] += at[t as usize][1];
            Confusion {
                threshold_percent: t,
                true_positives: above[1],
                false_positives: above[0],
                false_negatives: total[1] - above[1],
                true_negatives: total[0] - above[0],
            }
        })
        .collect();
    table.reverse();
    table
}

fn highest_first(scores: &[f64]) -> Vec<usize> {
    let mut order: Vec<usize> = (0..scores.len()).collect();
    order.sort_by(|&a, &b| scores[b].total_cmp(&scores[a]).then(a.cmp(&b)));
    order
}

fn rows_in_top(rows: usize, share: f64) -> usize {
    // A share of rows, rounded up: the top 10 % of 15 rows is 2 rows.
    ((rows as f64 * share - 1e-9).ceil().max(0.0) as usize).min(rows)
}

fn thin(points: Vec<RocPoint>, max_points: usize) -> Vec<RocPoint> {
    if points.len() <= max_points.max(2) {
        return points;
    }
    let last = points.len() - 1;
    let keep = max_points.max(2) - 1;
    (0..=keep).map(|i| points[i * last / keep]).collect()
}
