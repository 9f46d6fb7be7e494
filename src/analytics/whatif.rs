//! Threshold what-ifs: how many customers and how much AUM each tier would gain or lose under
//! proposed thresholds, answered from the AUM column sorted once (binary searches and prefix
//! sums), not by re-tiering every customer.

use super::tiers::TierRules;

/// The AUM column sorted, with prefix sums: counts and sums above any threshold in O(log n).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct AumIndex {
    sorted: Vec<i64>,
    /// `prefix[i]` = sum of the `i` smallest values; i128 so no sum of i64 fen can overflow.
    prefix: Vec<i128>,
}

impl AumIndex {
    /// Sorts the column (O(n log n), once per dataset).
    pub fn new(aum_fen: &[i64]) -> AumIndex {
        let mut sorted = aum_fen.to_vec();
        sorted.sort_unstable();
        let mut prefix = Vec::with_capacity(sorted.len() + 1);
        prefix.push(0i128);
        let mut sum = 0i128;
        for &v in &sorted {
            sum += i128::from(v);
            prefix.push(sum);
        }
        AumIndex { sorted, prefix }
    }

    /// Customers with AUM in `[low, high)` and their AUM; `None` bounds are open.
    pub fn band(&self, low: Option<i64>, high: Option<i64>) -> (usize, i128) {
        let start = low.map_or(0, |l| self.sorted.partition_point(|&v| v < l));
        let end = high.map_or(self.sorted.len(), |h| {
            self.sorted.partition_point(|&v| v < h)
        });
        let end = end.max(start);
        (end - start, self.prefix[end] - self.prefix[start])
    }
}

/// One tier under the current and the proposed thresholds.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TierShift {
    /// Customers in the tier now, and under the proposal.
    pub customers_now: usize,
    /// See `customers_now`.
    pub customers_proposed: usize,
    /// AUM (fen) in the tier now, and under the proposal.
    pub aum_now_fen: i128,
    /// See `aum_now_fen`.
    pub aum_proposed_fen: i128,
    /// Customers (and their AUM) who would join the tier.
    pub customers_in: usize,
    /// See `customers_in`.
    pub aum_in_fen: i128,
    /// Customers (and their AUM) who would leave the tier.
    pub customers_out: usize,
    /// See `customers_out`.
    pub aum_out_fen: i128,
}

/// The AUM band `[low, high)` of each tier, highest tier first.
fn bands(rules: &TierRules) -> Vec<(Option<i64>, Option<i64>)> {
    let n = rules.tiers.len();
    (0..n)
        .map(|t| {
            let low = (t + 1 < n).then(|| rules.tiers[t].min_aum_fen);
            let high = (t > 0).then(|| rules.tiers[t - 1].min_aum_fen);
            (low, high)
        })
        .collect()
}

/// Per tier, what changes from `current` to `proposed` AUM thresholds (same tiers, new
/// bounds). `None` when the ladders differ in length or either has income or turnover
/// conditions: those are re-tiered in full with [`super::assign_tiers`].
pub fn what_if(
    index: &AumIndex,
    current: &TierRules,
    proposed: &TierRules,
) -> Option<Vec<TierShift>> {
    let aum_only = current.aum_only() && proposed.aum_only();
    if current.tiers.len() != proposed.tiers.len() || !aum_only {
        return None;
    }
    let now = bands(current);
    let next = bands(proposed);
    Some(
        now.iter()
            .zip(&next)
            .map(|(&(low_c, high_c), &(low_p, high_p))| {
                let (customers_now, aum_now_fen) = index.band(low_c, high_c);
                let (customers_proposed, aum_proposed_fen) = index.band(low_p, high_p);
                // Both bands are intervals, so their overlap is one too (`None` < `Some`, so
                // the larger low bound is the plain maximum).
                let low = low_c.max(low_p);
                let high = match (high_c, high_p) {
                    (Some(a), Some(b)) => Some(a.min(b)),
                    (a, b) => a.or(b),
                };
                let (stay, stay_aum) = index.band(low, high);
                TierShift {
                    customers_now,
                    customers_proposed,
                    aum_now_fen,
                    aum_proposed_fen,
                    customers_in: customers_proposed - stay,
                    aum_in_fen: aum_proposed_fen - stay_aum,
                    customers_out: customers_now - stay,
                    aum_out_fen: aum_now_fen - stay_aum,
                }
            })
            .collect(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::random::SplitMix64;

    /// The definition: tier every customer under both ladders and count.
    fn naive(aum: &[i64], current: &TierRules, proposed: &TierRules) -> Vec<TierShift> {
        let mut shifts = vec![TierShift::default(); current.tiers.len()];
        for &a in aum {
            let (from, to) = (current.tier_of_aum(a), proposed.tier_of_aum(a));
            let v = i128::from(a);
            shifts[from].customers_now += 1;
            shifts[from].aum_now_fen += v;
            shifts[to].customers_proposed += 1;
            shifts[to].aum_proposed_fen += v;
            if from != to {
                shifts[to].customers_in += 1;
                shifts[to].aum_in_fen += v;
                shifts[from].customers_out += 1;
                shifts[from].aum_out_fen += v;
            }
        }
        shifts
    }

    #[test]
    fn sorted_answers_match_retiering_everyone() {
        let mut rng = SplitMix64(5);
        let current = TierRules::workload_defaults();
        for trial in 0..200 {
            let n = rng.below(60) as usize;
            // Small values so ties and values exactly on a threshold are common.
            let aum: Vec<i64> = (0..n)
                .map(|_| rng.below(12) as i64 * 50_000_000 - 1)
                .collect();
            let mut proposed = current.clone();
            let mut threshold = 700_000_000;
            for tier in proposed.tiers.iter_mut().take(3) {
                threshold -= rng.below(300_000_000) as i64;
                tier.min_aum_fen = threshold.max(0);
                threshold = tier.min_aum_fen - 1;
            }
            let index = AumIndex::new(&aum);
            let fast = what_if(&index, &current, &proposed).expect("same ladder");
            assert!(fast == naive(&aum, &current, &proposed), "trial {trial}");
        }
    }
}
