//! Transparent rule scores, 0–100, each the sum of a base and one contribution per factor, so a
//! relationship manager can see why a customer scores what it does.
//!
//! - **Financial capacity** (资金实力): assets, income and inflows add; leverage and card
//!   balances against income subtract; regular loan repayments add.
//! - **Attrition risk** (流失风险), for data without an attrition label: long silence, falling
//!   activity, money leaving and a thin relationship.
//! - **Key-account potential** (潜力大客户), for customers below the key-account threshold:
//!   closeness to it, net inflows that would carry them over within a year, income and activity.
//!
//! Every factor maps its input linearly onto its points between two documented anchors and is
//! flat outside them, so a score never jumps.

use super::features::{CustomerFeatures, NO_TRANSACTION_RECENCY};
use super::profile::CustomerProfile;
use crate::model::Dataset;

/// Which rule score.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub enum ScoreKind {
    /// [`financial_capacity`].
    Capacity,
    /// [`attrition_risk`].
    Attrition,
    /// [`key_account_potential`].
    Potential,
    /// The applied model's probability in percent (the model studio's); not in [`ScoreKind::ALL`],
    /// which lists the rule scores every dataset has.
    Model,
}

impl ScoreKind {
    /// Every score, in the order pages list them.
    pub const ALL: [ScoreKind; 3] = [
        ScoreKind::Capacity,
        ScoreKind::Attrition,
        ScoreKind::Potential,
    ];

    /// A stable name for URLs.
    pub fn key(self) -> &'static str {
        match self {
            ScoreKind::Capacity => "capacity",
            ScoreKind::Attrition => "attrition",
            ScoreKind::Potential => "potential",
            ScoreKind::Model => "model",
        }
    }

    /// Whether `dataset` holds what this score is read from: attrition is read from activity,
    /// so on a dataset without transactions it would be a default, not a finding.
    pub fn applies_to(self, dataset: &Dataset) -> bool {
        self != ScoreKind::Attrition || !dataset.transactions().is_empty()
    }

    /// Every customer's score of this kind; potential is measured against `key_threshold_fen`
    /// (see [`key_threshold_fen`]).
    pub fn compute(
        self,
        dataset: &Dataset,
        features: &CustomerFeatures,
        profile: &CustomerProfile,
        key_threshold_fen: i64,
    ) -> FactorScores {
        match self {
            // A model's scores come with it (see `FactorScores::of_model`), not from rules.
            ScoreKind::Model => FactorScores::with(0.0, Vec::new()),
            ScoreKind::Capacity => financial_capacity(dataset, features, profile),
            ScoreKind::Attrition => attrition_risk(features, profile),
            ScoreKind::Potential => {
                key_account_potential(dataset, features, profile, key_threshold_fen)
            }
        }
    }
}

/// The least AUM of a ladder's lowest key-account tier: the line potential is measured against
/// (never reached when the ladder has no key-account tier).
pub fn key_threshold_fen(rules: &super::TierRules) -> i64 {
    rules
        .key_account_tiers()
        .checked_sub(1)
        .map_or(i64::MAX, |tier| rules.tiers[tier].min_aum_fen)
}

/// A factor of a score.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub enum Factor {
    /// Assets under management.
    Assets,
    /// Declared annual income.
    Income,
    /// Average monthly inflow.
    Inflow,
    /// Loan repayments made over the year.
    Repayments,
    /// Loans against assets and income.
    Leverage,
    /// Credit-card balance against monthly income.
    CardBalance,
    /// Days since the last transaction.
    Recency,
    /// Transactions in the last three months against the nine before.
    ActivityTrend,
    /// Net outflow of the last three months against the balance.
    Outflow,
    /// Few product types held.
    ProductBreadth,
    /// AUM as a share of the key-account threshold.
    Proximity,
    /// Twelve-month net inflow against the gap to the threshold.
    Momentum,
    /// Transactions over the year.
    Activity,
    /// An applied model's probability.
    Model,
}

impl Factor {
    /// The factor's name in Chinese.
    pub fn name_zh(self) -> &'static str {
        match self {
            Factor::Assets => "资产规模",
            Factor::Income => "年收入",
            Factor::Inflow => "月均流入",
            Factor::Repayments => "按时还款",
            Factor::Leverage => "负债率",
            Factor::CardBalance => "信用卡负债",
            Factor::Recency => "久未交易",
            Factor::ActivityTrend => "交易减少",
            Factor::Outflow => "资金流出",
            Factor::ProductBreadth => "产品单一",
            Factor::Proximity => "接近门槛",
            Factor::Momentum => "资金净流入",
            Factor::Activity => "交易活跃",
            Factor::Model => "模型概率",
        }
    }

    /// The factor's name in English.
    pub fn name_en(self) -> &'static str {
        match self {
            Factor::Assets => "Assets",
            Factor::Income => "Income",
            Factor::Inflow => "Monthly inflow",
            Factor::Repayments => "Repayments",
            Factor::Leverage => "Leverage",
            Factor::CardBalance => "Card balance",
            Factor::Recency => "Inactive for long",
            Factor::ActivityTrend => "Falling activity",
            Factor::Outflow => "Money leaving",
            Factor::ProductBreadth => "Few products",
            Factor::Proximity => "Close to threshold",
            Factor::Momentum => "Net inflow",
            Factor::Activity => "Active",
            Factor::Model => "Model probability",
        }
    }
}

/// A score for every customer, kept as its parts.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct FactorScores {
    /// Points every customer starts from.
    pub base: f64,
    /// The factors, in the order of `points`.
    pub factors: Vec<Factor>,
    /// Per factor, each customer's points (negative for factors that subtract).
    pub points: Vec<Vec<f64>>,
}

impl FactorScores {
    /// A customer's score: the base plus every factor's points.
    pub fn score(&self, customer: usize) -> f64 {
        self.base + self.points.iter().map(|p| p[customer]).sum::<f64>()
    }

    /// A customer's factors with their points, largest effect first.
    pub fn explain(&self, customer: usize) -> Vec<(Factor, f64)> {
        let mut parts: Vec<(Factor, f64)> = self
            .factors
            .iter()
            .zip(&self.points)
            .map(|(&f, p)| (f, p[customer]))
            .collect();
        parts.sort_by(|a, b| b.1.abs().total_cmp(&a.1.abs()));
        parts
    }

    /// An applied model's probabilities as a score in percent (one factor, no base): what
    /// lists sort, filter and export by. Without probabilities (no model applied), no factor:
    /// every customer scores 0.
    pub fn of_model(probabilities: &[f32]) -> FactorScores {
        if probabilities.is_empty() {
            return FactorScores::with(0.0, Vec::new());
        }
        FactorScores::with(
            0.0,
            vec![(
                Factor::Model,
                probabilities
                    .iter()
                    .map(|&p| f64::from(p) * 100.0)
                    .collect(),
            )],
        )
    }

    fn with(base: f64, columns: Vec<(Factor, Vec<f64>)>) -> FactorScores {
        let (factors, points) = columns.into_iter().unzip();
        FactorScores {
            base,
            factors,
            points,
        }
    }
}

/// `points` at `high` and beyond, 0 at `low` and below, linear between.
fn ramp(value: f64, low: f64, high: f64, points: f64) -> f64 {
    if high == low {
        return if value >= high { points } else { 0.0 };
    }
    ((value - low) / (high - low)).clamp(0.0, 1.0) * points
}

fn yuan(fen: i64) -> f64 {
    fen as f64 / 100.0
}

/// Financial capacity: base 30; assets 0–30 (¥1k → ¥10M on a log scale), income 0–20 (¥10k →
/// ¥3M, log), monthly inflow 0–10 (¥1k → ¥300k, log), repayments 0–10 (0 → 12 a year, only
/// with a loan), leverage −20–0 (loans at 0 → 100% of assets plus a year's income), card
/// balance −10–0 (0 → three months' income).
pub fn financial_capacity(
    dataset: &Dataset,
    features: &CustomerFeatures,
    profile: &CustomerProfile,
) -> FactorScores {
    let n = dataset.n_customers();
    let income = &dataset.customers().annual_income_fen;
    let log = |fen: i64| (1.0 + yuan(fen).max(0.0)).log10();
    let column = |f: &dyn Fn(usize) -> f64| (0..n).map(f).collect::<Vec<f64>>();
    FactorScores::with(
        30.0,
        vec![
            (
                Factor::Assets,
                column(&|c| ramp(log(features.aum_fen[c]), 3.0, 7.0, 30.0)),
            ),
            (
                Factor::Income,
                column(&|c| ramp(log(income[c]), 4.0, 6.5, 20.0)),
            ),
            (
                Factor::Inflow,
                column(&|c| ramp(log(profile.monthly_inflow_fen[c]), 3.0, 5.5, 10.0)),
            ),
            (
                Factor::Repayments,
                column(&|c| {
                    if features.loan_fen[c] > 0 {
                        ramp(f64::from(profile.repayments12[c]), 0.0, 12.0, 10.0)
                    } else {
                        0.0
                    }
                }),
            ),
            (
                Factor::Leverage,
                column(&|c| {
                    let cover = yuan(features.aum_fen[c].max(0) + income[c].max(0)).max(1.0);
                    -ramp(yuan(features.loan_fen[c]) / cover, 0.0, 1.0, 20.0)
                }),
            ),
            (
                Factor::CardBalance,
                column(&|c| {
                    let quarter_income = (yuan(income[c]) / 4.0).max(1.0);
                    -ramp(
                        yuan(profile.card_balance_fen[c]) / quarter_income,
                        0.0,
                        1.0,
                        10.0,
                    )
                }),
            ),
        ],
    )
}

/// Attrition risk without labels: recency 0–35 (30 → 180 days; no transaction at all counts as
/// 180), falling activity 0–25 (the last three months' monthly rate against the nine before:
/// 0 at the same rate, 25 when it stopped), money leaving 0–25 (a three-month net outflow of 0
/// → 50% of what the customer held before it), product breadth 0–15 (15 for one product type
/// or none, 7.5 for two).
pub fn attrition_risk(features: &CustomerFeatures, profile: &CustomerProfile) -> FactorScores {
    let n = features.aum_fen.len();
    let column = |f: &dyn Fn(usize) -> f64| (0..n).map(f).collect::<Vec<f64>>();
    FactorScores::with(
        0.0,
        vec![
            (
                Factor::Recency,
                column(&|c| {
                    let days = match features.recency_days[c] {
                        NO_TRANSACTION_RECENCY => 180.0,
                        days => f64::from(days),
                    };
                    ramp(days, 30.0, 180.0, 35.0)
                }),
            ),
            (
                Factor::ActivityTrend,
                column(&|c| {
                    let earlier = f64::from(profile.earlier_count[c]) / 9.0;
                    let recent = f64::from(profile.recent_count[c]) / 3.0;
                    if earlier == 0.0 {
                        0.0
                    } else {
                        ramp(1.0 - recent / earlier, 0.0, 1.0, 25.0)
                    }
                }),
            ),
            (
                Factor::Outflow,
                column(&|c| {
                    let outflow = (-profile.net_flow_recent_fen[c]).max(0);
                    let before = (features.aum_fen[c] + outflow).max(1);
                    ramp(outflow as f64 / before as f64, 0.0, 0.5, 25.0)
                }),
            ),
            (
                Factor::ProductBreadth,
                column(&|c| match features.products[c] {
                    0 | 1 => 15.0,
                    2 => 7.5,
                    _ => 0.0,
                }),
            ),
        ],
    )
}

/// Key-account potential, for customers below `threshold_fen` (others score 0 on every factor):
/// proximity 0–40 (AUM at 30% → 100% of the threshold), momentum 0–30 (twelve-month net inflow
/// at 0 → the whole gap), income 0–20 (0 → half the threshold a year), activity 0–10 (0 → 120
/// transactions a year).
pub fn key_account_potential(
    dataset: &Dataset,
    features: &CustomerFeatures,
    profile: &CustomerProfile,
    threshold_fen: i64,
) -> FactorScores {
    let n = features.aum_fen.len();
    let income = &dataset.customers().annual_income_fen;
    let below = |c: usize| features.aum_fen[c] < threshold_fen;
    let threshold = yuan(threshold_fen).max(1.0);
    let column = |f: &dyn Fn(usize) -> f64| {
        (0..n)
            .map(|c| if below(c) { f(c) } else { 0.0 })
            .collect::<Vec<f64>>()
    };
    FactorScores::with(
        0.0,
        vec![
            (
                Factor::Proximity,
                column(&|c| ramp(yuan(features.aum_fen[c]) / threshold, 0.3, 1.0, 40.0)),
            ),
            (
                Factor::Momentum,
                column(&|c| {
                    let gap = (threshold - yuan(features.aum_fen[c])).max(1.0);
                    ramp(yuan(profile.net_flow12_fen[c]) / gap, 0.0, 1.0, 30.0)
                }),
            ),
            (
                Factor::Income,
                column(&|c| ramp(yuan(income[c]) / threshold, 0.0, 0.5, 20.0)),
            ),
            (
                Factor::Activity,
                column(&|c| ramp(f64::from(features.f12[c]), 0.0, 120.0, 10.0)),
            ),
        ],
    )
}

/// The score from which a customer below the threshold is listed as a potential key account.
pub const POTENTIAL_MIN_SCORE: f64 = 50.0;

/// The attrition-risk score from which a customer is tagged at risk: recency, falling activity
/// and money leaving together, or most of one of them.
pub const ATTRITION_HIGH_SCORE: f64 = 60.0;

/// Potential key accounts: customers below the threshold scoring at least
/// [`POTENTIAL_MIN_SCORE`], highest first (ties by customer row).
pub fn potential_key_accounts(
    potential: &FactorScores,
    aum_fen: &[i64],
    threshold_fen: i64,
) -> Vec<usize> {
    let mut listed: Vec<usize> = (0..aum_fen.len())
        .filter(|&c| aum_fen[c] < threshold_fen && potential.score(c) >= POTENTIAL_MIN_SCORE)
        .collect();
    listed.sort_by(|&a, &b| {
        potential
            .score(b)
            .total_cmp(&potential.score(a))
            .then(a.cmp(&b))
    });
    listed
}

#[cfg(test)]
mod tests {
    use super::ramp;

    #[test]
    fn ramps_are_flat_outside_their_anchors() {
        assert_eq!(ramp(-5.0, 0.0, 10.0, 20.0), 0.0);
        assert_eq!(ramp(5.0, 0.0, 10.0, 20.0), 10.0);
        assert_eq!(ramp(50.0, 0.0, 10.0, 20.0), 20.0);
    }
}
