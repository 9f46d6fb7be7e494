//! RFM scoring exactly as the workload defines it: quintiles with SQL `ntile(5)` semantics,
//! ties broken by customer id, and the named segments bankers use.
//!
//! A customer with no transaction in the 12-month window has no RFM score (0 in each column,
//! segment "no activity"): ranking by id among equal zeros would otherwise make up to 40% of a
//! dataset without transactions "champions". They still take their places at the bottom of
//! the ranking, as the workload's `ntile` over every customer has it, so the scores of the
//! active customers — and the workload's figures — are as defined.

use crate::model::TextColumn;

/// R, F and M scores (1–5) per customer; 0 for a customer with no activity in the window.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct RfmScores {
    /// Recency score: 5 for the most recent transactors.
    pub r: Vec<u8>,
    /// Frequency score: 5 for the most transactions in 12 months.
    pub f: Vec<u8>,
    /// Monetary score: 5 for the highest 12-month turnover.
    pub m: Vec<u8>,
}

/// The classic RFM segments (重要价值客户 …), from high/low R, F and M.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum RfmSegment {
    /// 重要价值: R, F and M all 4 or 5 (the workload's "champions").
    Champions,
    /// 重要发展: recent and valuable, not yet frequent.
    Promising,
    /// 重要保持: frequent and valuable, but not recent.
    AtRiskLoyal,
    /// 重要挽留: valuable, but neither recent nor frequent.
    AtRiskHighValue,
    /// 一般价值: recent and frequent, low turnover.
    Loyal,
    /// 一般发展: recent only.
    New,
    /// 一般保持: frequent only.
    Regular,
    /// 一般挽留: low on all three.
    Dormant,
    /// 无交易: no transaction in the 12 months, so no score.
    NoActivity,
}

impl RfmSegment {
    /// Segments in display order.
    pub const ALL: [RfmSegment; 9] = [
        RfmSegment::Champions,
        RfmSegment::Promising,
        RfmSegment::AtRiskLoyal,
        RfmSegment::AtRiskHighValue,
        RfmSegment::Loyal,
        RfmSegment::New,
        RfmSegment::Regular,
        RfmSegment::Dormant,
        RfmSegment::NoActivity,
    ];

    /// The segment of one customer's scores: a score of 4 or 5 counts as high; no score (0)
    /// is no activity.
    pub fn of(r: u8, f: u8, m: u8) -> RfmSegment {
        if r == 0 || f == 0 || m == 0 {
            return RfmSegment::NoActivity;
        }
        match (r >= 4, f >= 4, m >= 4) {
            (true, true, true) => RfmSegment::Champions,
            (true, false, true) => RfmSegment::Promising,
            (false, true, true) => RfmSegment::AtRiskLoyal,
            (false, false, true) => RfmSegment::AtRiskHighValue,
            (true, true, false) => RfmSegment::Loyal,
            (true, false, false) => RfmSegment::New,
            (false, true, false) => RfmSegment::Regular,
            (false, false, false) => RfmSegment::Dormant,
        }
    }

    /// The Chinese name.
    pub fn chinese_name(self) -> &'static str {
        match self {
            RfmSegment::Champions => "重要价值客户",
            RfmSegment::Promising => "重要发展客户",
            RfmSegment::AtRiskLoyal => "重要保持客户",
            RfmSegment::AtRiskHighValue => "重要挽留客户",
            RfmSegment::Loyal => "一般价值客户",
            RfmSegment::New => "一般发展客户",
            RfmSegment::Regular => "一般保持客户",
            RfmSegment::Dormant => "一般挽留客户",
            RfmSegment::NoActivity => "无交易客户",
        }
    }

    /// The English name.
    pub fn english_name(self) -> &'static str {
        match self {
            RfmSegment::Champions => "Champions",
            RfmSegment::Promising => "Promising high value",
            RfmSegment::AtRiskLoyal => "Loyal, slipping away",
            RfmSegment::AtRiskHighValue => "High value at risk",
            RfmSegment::Loyal => "Loyal, low value",
            RfmSegment::New => "Recent, occasional",
            RfmSegment::Regular => "Frequent, not recent",
            RfmSegment::Dormant => "Dormant",
            RfmSegment::NoActivity => "No activity",
        }
    }
}

/// The 1-based `ntile(buckets)` of each position in a sorted list of `n` rows: the first
/// `n % buckets` buckets hold one row more.
pub fn ntile(n: usize, buckets: usize) -> Vec<u8> {
    let (small, extra) = (n / buckets, n % buckets);
    let big_rows = extra * (small + 1);
    (0..n)
        .map(|i| {
            let bucket = if i < big_rows {
                i / (small + 1)
            } else {
                extra + (i - big_rows) / small.max(1)
            };
            (bucket + 1) as u8
        })
        .collect()
}

/// Scores every customer. Ties are broken by customer id ascending, as the workload's SQL does.
pub fn rfm_scores(
    customer_id: &TextColumn,
    recency_days: &[u32],
    f12: &[u32],
    m12_fen: &[i64],
) -> RfmScores {
    let n = customer_id.len();
    let buckets = ntile(n, 5);
    // Each customer's place in id order, the tie-break. Exports usually list customers by id
    // already, so the string sort is skipped when they do.
    let in_id_order = (1..n).all(|c| customer_id.get(c - 1) <= customer_id.get(c));
    let mut id_rank: Vec<u32> = (0..n as u32).collect();
    if !in_id_order {
        let mut by_id: Vec<u32> = (0..n as u32).collect();
        by_id.sort_unstable_by(|&a, &b| {
            customer_id
                .get(a as usize)
                .cmp(customer_id.get(b as usize))
                .then(a.cmp(&b))
        });
        for (rank, &customer) in by_id.iter().enumerate() {
            id_rank[customer as usize] = rank as u32;
        }
    }
    let score = |key: &dyn Fn(usize) -> i64| -> Vec<u8> {
        // (key, id rank) pairs are all distinct, so an unstable sort gives the one order.
        let mut order: Vec<(i64, u32, u32)> =
            (0..n).map(|c| (key(c), id_rank[c], c as u32)).collect();
        order.sort_unstable();
        let mut scores = vec![0u8; n];
        for (position, &(_, _, customer)) in order.iter().enumerate() {
            scores[customer as usize] = buckets[position];
        }
        scores
    };
    let mut scores = RfmScores {
        // "Recency descending": the longest-silent customers come first and score 1.
        r: score(&|c| -(recency_days[c] as i64)),
        f: score(&|c| f12[c] as i64),
        m: score(&|c| m12_fen[c]),
    };
    for c in (0..n).filter(|&c| f12[c] == 0) {
        scores.r[c] = 0;
        scores.f[c] = 0;
        scores.m[c] = 0;
    }
    scores
}

impl RfmScores {
    /// Customers with no score: no transaction in the window.
    pub fn without_activity(&self) -> usize {
        self.f.iter().filter(|&&f| f == 0).count()
    }
}

/// Customers with R, F and M all at least 4.
pub fn champions(scores: &RfmScores) -> usize {
    (0..scores.r.len())
        .filter(|&c| scores.r[c] >= 4 && scores.f[c] >= 4 && scores.m[c] >= 4)
        .count()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ntile_puts_the_remainder_in_the_first_buckets() {
        assert_eq!(ntile(7, 5), vec![1, 1, 2, 2, 3, 4, 5]);
        assert_eq!(ntile(10, 5), vec![1, 1, 2, 2, 3, 3, 4, 4, 5, 5]);
        assert_eq!(ntile(3, 5), vec![1, 2, 3]);
        assert_eq!(ntile(0, 5), Vec::<u8>::new());
    }

    #[test]
    fn ties_are_broken_by_customer_id() {
        let mut ids = TextColumn::new();
        for id in ["C3", "C1", "C5", "C2", "C4"] {
            ids.push(id);
        }
        // All equal: order is by id, so C1 gets 1 … C5 gets 5.
        let scores = rfm_scores(&ids, &[7; 5], &[2; 5], &[100; 5]);
        assert_eq!(scores.f, vec![3, 1, 5, 2, 4]);
        // Recency descending: the most recent (smallest recency) scores 5.
        let scores = rfm_scores(&ids, &[1, 50, 30, 30, 99_999], &[1; 5], &[0; 5]);
        assert_eq!(scores.r, vec![5, 2, 4, 3, 1]);
    }

    #[test]
    fn customers_without_transactions_have_no_score_and_are_never_champions() {
        let mut ids = TextColumn::new();
        for id in ["C1", "C2", "C3", "C4", "C5"] {
            ids.push(id);
        }
        // Nobody transacted: ranking the equal zeros by id would make C4 and C5 champions.
        let none = rfm_scores(&ids, &[99_999; 5], &[0; 5], &[0; 5]);
        assert_eq!(champions(&none), 0);
        assert_eq!(none.without_activity(), 5);
        assert_eq!(
            RfmSegment::of(none.r[4], none.f[4], none.m[4]),
            RfmSegment::NoActivity
        );
        let grid = rfm_grid(&none);
        assert_eq!(grid.iter().flatten().map(|c| c.customers).sum::<usize>(), 0);
        // One active customer keeps the top place it earns among all five.
        let one = rfm_scores(
            &ids,
            &[99_999, 99_999, 3, 99_999, 99_999],
            &[0, 0, 4, 0, 0],
            &[0, 0, 900, 0, 0],
        );
        assert_eq!((one.r[2], one.f[2], one.m[2]), (5, 5, 5));
        assert_eq!(champions(&one), 1);
        assert_eq!(one.without_activity(), 4);
    }
}

/// One cell of the R × F grid: its customers and their mean M score.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct RfmCell {
    /// Customers with this R and F.
    pub customers: usize,
    /// Their mean M score (0 for an empty cell).
    pub mean_m: f64,
}

/// The R × F grid of the scored customers: `grid[r - 1][f - 1]`.
pub fn rfm_grid(scores: &RfmScores) -> [[RfmCell; 5]; 5] {
    let mut sums = [[(0usize, 0u64); 5]; 5];
    for ((&r, &f), &m) in scores.r.iter().zip(&scores.f).zip(&scores.m) {
        if r == 0 || f == 0 {
            continue;
        }
        let cell = &mut sums[usize::from(r.min(5)) - 1][usize::from(f.min(5)) - 1];
        cell.0 += 1;
        cell.1 += u64::from(m);
    }
    sums.map(|row| {
        row.map(|(customers, m)| RfmCell {
            customers,
            mean_m: if customers == 0 {
                0.0
            } else {
                m as f64 / customers as f64
            },
        })
    })
}
