//! Tiering customers by AUM (and optionally income and yearly turnover): the ladder of
//! thresholds and the counts per rung.

use crate::model::{add_fen, sum_fen};

/// One rung of the tier ladder. A customer reaches it when every condition set holds.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct TierRule {
    /// A stable machine name (`private`, `wealth` …), used in exports and URLs.
    pub key: String,
    /// The name a Chinese-speaking banker uses (私行, 财富 …).
    pub name_zh: String,
    /// The English name.
    pub name_en: String,
    /// The least AUM, in fen, that puts a customer on this rung.
    pub min_aum_fen: i64,
    /// Optionally, the least declared annual income too, in fen.
    #[serde(default)]
    pub min_annual_income_fen: Option<i64>,
    /// Optionally, the least twelve-month transaction turnover (m12) too, in fen.
    #[serde(default)]
    pub min_volume12_fen: Option<i64>,
}

impl TierRule {
    fn admits(&self, customer: &TierInput) -> bool {
        customer.aum_fen >= self.min_aum_fen
            && self
                .min_annual_income_fen
                .is_none_or(|min| customer.annual_income_fen >= min)
            && self
                .min_volume12_fen
                .is_none_or(|min| customer.volume12_fen >= min)
    }
}

/// What tiering reads of one customer.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct TierInput {
    /// AUM, in fen.
    pub aum_fen: i64,
    /// Declared annual income, in fen.
    pub annual_income_fen: i64,
    /// Twelve-month turnover, in fen.
    pub volume12_fen: i64,
}

/// The columns tiering reads, indexed like the customers table.
#[derive(Clone, Copy, Debug)]
pub struct TierColumns<'a> {
    /// AUM, in fen.
    pub aum_fen: &'a [i64],
    /// Declared annual income, in fen.
    pub annual_income_fen: &'a [i64],
    /// Twelve-month turnover, in fen.
    pub volume12_fen: &'a [i64],
}

impl TierColumns<'_> {
    fn get(&self, customer: usize) -> TierInput {
        TierInput {
            aum_fen: self.aum_fen[customer],
            annual_income_fen: self.annual_income_fen[customer],
            volume12_fen: self.volume12_fen[customer],
        }
    }
}

/// The tier ladder, highest rung first; the last rung takes everyone left.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
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
            min_annual_income_fen: None,
            min_volume12_fen: None,
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

    /// The rung of a customer: the first whose conditions all hold, else the last.
    pub fn tier_of(&self, customer: &TierInput) -> usize {
        self.tiers
            .iter()
            .position(|tier| tier.admits(customer))
            .unwrap_or(self.tiers.len().saturating_sub(1))
    }

    /// The rung for an AUM alone, on a ladder without income or turnover conditions.
    pub fn tier_of_aum(&self, aum_fen: i64) -> usize {
        self.tier_of(&TierInput {
            aum_fen,
            ..TierInput::default()
        })
    }

    /// Whether the ladder looks at AUM only (what the instant what-if answers).
    pub fn aum_only(&self) -> bool {
        self.tiers
            .iter()
            .all(|t| t.min_annual_income_fen.is_none() && t.min_volume12_fen.is_none())
    }

    /// How many top rungs are key accounts.
    pub fn key_account_tiers(&self) -> usize {
        self.key_account_tiers
    }
}

/// Each customer's rung, as an index into [`TierRules::tiers`].
pub fn assign_tiers(customers: &TierColumns<'_>, rules: &TierRules) -> Vec<u8> {
    (0..customers.aum_fen.len())
        .map(|c| rules.tier_of(&customers.get(c)) as u8)
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
        sum_fen(&self.aum_fen)
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
        summary.aum_fen[tier as usize] = add_fen(summary.aum_fen[tier as usize], aum);
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
            assert_eq!(rules.tier_of_aum(aum), expected, "aum {aum} fen");
        }
    }

    #[test]
    fn income_and_turnover_conditions_must_hold_as_well() {
        let mut rules = TierRules::workload_defaults();
        rules.tiers[0].min_annual_income_fen = Some(100_000_000);
        rules.tiers[1].min_volume12_fen = Some(5_000_000);
        let rich = |income: i64, volume: i64| TierInput {
            aum_fen: 700_000_000,
            annual_income_fen: income,
            volume12_fen: volume,
        };
        assert_eq!(rules.tier_of(&rich(100_000_000, 0)), 0);
        // Below the private income floor: wealth, if its turnover condition holds.
        assert_eq!(rules.tier_of(&rich(99_999_999, 5_000_000)), 1);
        assert_eq!(rules.tier_of(&rich(0, 4_999_999)), 2);
        assert!(!rules.aum_only());
        assert!(TierRules::workload_defaults().aum_only());
    }
}
