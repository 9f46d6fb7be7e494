//! How good a score is on rows it was not trained on: ROC AUC and precision in the top decile,
//! and the reproducible folds those rows come from.

use crate::random::SplitMix64;

/// Area under the ROC curve: the chance that a random positive scores above a random negative
/// (ties count half), by the Mann–Whitney rank sum. `None` without both classes.
pub fn roc_auc(scores: &[f64], labels: &[bool]) -> Option<f64> {
    let mut order: Vec<usize> = (0..scores.len()).collect();
    order.sort_by(|&a, &b| scores[a].total_cmp(&scores[b]));
    let positives = labels.iter().filter(|&&l| l).count();
    let negatives = labels.len() - positives;
    if positives == 0 || negatives == 0 {
        return None;
    }
    let mut rank_sum = 0.0;
    let mut i = 0;
    while i < order.len() {
        let mut j = i;
        while j + 1 < order.len() && scores[order[j + 1]] == scores[order[i]] {
            j += 1;
        }
        // Tied scores share the average of their ranks (1-based).
        let rank = (i + j) as f64 / 2.0 + 1.0;
        rank_sum += rank * order[i..=j].iter().filter(|&&r| labels[r]).count() as f64;
        i = j + 1;
    }
    let p = positives as f64;
    Some((rank_sum - p * (p + 1.0) / 2.0) / (p * negatives as f64))
}

/// The share of positives among the `fraction` highest scores (at least one row): what a
/// campaign calling the top decile would hit.
pub fn precision_at_top(scores: &[f64], labels: &[bool], fraction: f64) -> f64 {
    if scores.is_empty() {
        return 0.0;
    }
    let take = ((scores.len() as f64 * fraction).ceil() as usize).clamp(1, scores.len());
    let mut order: Vec<usize> = (0..scores.len()).collect();
    // Highest first; equal scores in row order, so the figure is reproducible.
    order.sort_by(|&a, &b| scores[b].total_cmp(&scores[a]).then(a.cmp(&b)));
    order[..take].iter().filter(|&&r| labels[r]).count() as f64 / take as f64
}

/// Assigns each of `rows` rows to one of `k` folds of (nearly) equal size, in a random order
/// drawn from `seed`: the same seed gives the same folds everywhere.
pub fn folds(rows: usize, k: usize, seed: u64) -> Vec<u8> {
    let mut fold = vec![0u8; rows];
    for (position, row) in SplitMix64(seed).permutation(rows).into_iter().enumerate() {
        fold[row] = (position % k.max(1)) as u8;
    }
    fold
}

/// Like [`folds`], but each fold gets its share of positives and of negatives (within one row),
/// so a rare outcome is in every fold and the fold AUCs compare.
pub fn stratified_folds(labels: &[bool], k: usize, seed: u64) -> Vec<u8> {
    let k = k.max(1);
    let mut fold = vec![0u8; labels.len()];
    let mut next = 0usize;
    for class in [true, false] {
        let rows: Vec<usize> = (0..labels.len()).filter(|&r| labels[r] == class).collect();
        for i in SplitMix64(seed).permutation(rows.len()) {
            fold[rows[i]] = (next % k) as u8;
            next += 1;
        }
    }
    fold
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The definition itself: count the pairs.
    fn naive_auc(scores: &[f64], labels: &[bool]) -> f64 {
        let (mut wins, mut pairs) = (0.0, 0.0);
        for (i, &li) in labels.iter().enumerate() {
            for (j, &lj) in labels.iter().enumerate() {
                if li && !lj {
                    pairs += 1.0;
                    if scores[i] > scores[j] {
                        wins += 1.0;
                    } else if scores[i] == scores[j] {
                        wins += 0.5;
                    }
                }
            }
        }
        wins / pairs
    }

    #[test]
    fn auc_by_ranks_matches_counting_pairs_with_ties() {
        let mut rng = SplitMix64(3);
        for n in [2, 5, 17, 60] {
            let scores: Vec<f64> = (0..n).map(|_| rng.below(6) as f64).collect();
            let mut labels: Vec<bool> = (0..n).map(|_| rng.below(3) == 0).collect();
            labels[0] = true;
            labels[1] = false;
            let fast = roc_auc(&scores, &labels).expect("both classes");
            assert!(
                (fast - naive_auc(&scores, &labels)).abs() < 1e-12,
                "n = {n}"
            );
        }
        assert_eq!(roc_auc(&[0.1, 0.2], &[true, true]), None);
        assert_eq!(roc_auc(&[0.1, 0.9], &[false, true]), Some(1.0));
    }

    #[test]
    fn precision_counts_the_top_decile() {
        let scores: Vec<f64> = (0..20).map(f64::from).collect();
        let labels: Vec<bool> = (0..20).map(|i| i >= 19).collect();
        // Top 10% of 20 rows is 2 rows: 19 (positive) and 18 (negative).
        assert_eq!(precision_at_top(&scores, &labels, 0.10), 0.5);
    }

    #[test]
    fn stratified_folds_share_out_a_rare_class() {
        let labels: Vec<bool> = (0..1000).map(|i| i % 50 == 0).collect();
        let fold = stratified_folds(&labels, 5, 7);
        assert_eq!(fold, stratified_folds(&labels, 5, 7));
        for k in 0..5u8 {
            let rows = fold.iter().filter(|&&f| f == k).count();
            let positives = (0..1000).filter(|&r| fold[r] == k && labels[r]).count();
            assert_eq!((rows, positives), (200, 4), "fold {k}");
        }
    }

    #[test]
    fn folds_are_balanced_and_reproducible() {
        let a = folds(103, 5, 11);
        assert_eq!(a, folds(103, 5, 11));
        assert_ne!(a, folds(103, 5, 12));
        for k in 0..5u8 {
            let size = a.iter().filter(|&&f| f == k).count();
            assert!(size == 20 || size == 21, "fold {k} has {size} rows");
        }
    }
}
