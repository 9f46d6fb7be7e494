//! Tiering customers by AUM: the ladder of thresholds and the counts per rung.

/// One rung of the tier ladder.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TierRule {
    /// A stable machine name (`private`, `wealth` …), used in exports and URLs.
    pub key: String,
    /// The name a Chinese-speaking banker uses (私行, 财富 …).
    pub name_zh: String,
    /// The English name.
    pub name_en: String,
    /// The least AUM, in fen, that puts a customer on this rung.
    pub min_aum_fen: i64,
}

/// The tier ladder, highest rung first; the last rung takes everyone left.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TierRules {
    /// The rungs, with strictly falling thresholds.
    pub tiers: Vec<TierRule>,
    /// How many of the top rungs count as key accounts (大客户).
    pub key_account_tiers: usize,
}

const YUAN: i64 = 100;

impl TierRules {
    /// The workload's ladder: 私行 ≥ ¥6M, 财富 ≥ ¥1M, 贵宾 ≥ ¥50k, 大众; key accounts from 财富 up.
    pub fn workload_defaults() -> TierRules {
        let rule = |key: &str, zh: &str, en: &str, min_yuan: i64| TierRule {
            key: key.into(),
            name_zh: zh.into(),
            name_en: en.into(),
            min_aum_fen: min_yuan * YUAN,
        };
        TierRules {
            tiers: vec![
                rule("private", "私行", "Private", 6_000_000),
                rule("wealth", "财富", "Wealth", 1_000_000),
                rule("affluent", "贵宾", "Affluent", 50_000),
                rule("mass", "大众", "Mass", i64::MIN / YUAN),
            ],
            key_account_tiers: 2,
        }
    }

    /// The rung for an AUM: the first whose threshold it reaches, else the last.
    pub fn tier_of(&self, aum_fen: i64) -> usize {
        self.tiers
            .iter()
            .position(|tier| aum_fen >= tier.min_aum_fen)
            .unwrap_or(self.tiers.len().saturating_sub(1))
    }

    /// How many top rungs are key accounts.
    pub fn key_account_tiers(&self) -> usize {
        self.key_account_tiers
    }
}

/// Each customer's rung, as an index into [`TierRules::tiers`].
pub fn assign_tiers(aum_fen: &[i64], rules: &TierRules) -> Vec<u8> {
    aum_fen
        .iter()
        .map(|&aum| rules.tier_of(aum) as u8)
        .collect()
}

/// Customers and AUM per rung.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TierSummary {
    /// Customers on each rung.
    pub customers: Vec<usize>,
    /// Sum of AUM on each rung, in fen.
    pub aum_fen: Vec<i64>,
}

impl TierSummary {
    /// All customers.
    pub fn total_customers(&self) -> usize {
        self.customers.iter().sum()
    }

    /// All AUM, in fen.
    pub fn total_aum_fen(&self) -> i64 {
        self.aum_fen.iter().sum()
    }
}

/// Counts customers and sums AUM per rung.
pub fn summarise_tiers(aum_fen: &[i64], tier_of_customer: &[u8], n_tiers: usize) -> TierSummary {
    let mut summary = TierSummary {
        customers: vec![0; n_tiers],
        aum_fen: vec![0; n_tiers],
    };
    for (&aum, &tier) in aum_fen.iter().zip(tier_of_customer) {
        summary.customers[tier as usize] += 1;
        summary.aum_fen[tier as usize] += aum;
    }
    summary
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thresholds_are_inclusive_and_the_last_rung_takes_the_rest() {
        let rules = TierRules::workload_defaults();
        let yuan = |y: i64| y * 100;
        let cases = [
            (yuan(6_000_000), 0),
            (yuan(6_000_000) - 1, 1),
            (yuan(1_000_000), 1),
            (yuan(50_000), 2),
            (yuan(50_000) - 1, 3),
            (0, 3),
            (-yuan(10), 3),
        ];
        for (aum, expected) in cases {
            assert_eq!(rules.tier_of(aum), expected, "aum {aum} fen");
        }
    }
}
