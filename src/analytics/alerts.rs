//! Alerts: what a relationship manager should notice today, each with its rule, the value that
//! tripped it and the customer. Computed afresh from the snapshot and the journal on every
//! change; the journal only records which alerts were acknowledged or snoozed, by key.

use super::cadence::ContactStatus;
use super::suitability::suitability_flags;
use super::workbench::DETRACTOR_MAX;
use crate::journal::{EventKind, Journal};
use crate::model::{Dataset, Day, Direction};
use rustc_hash::FxHashMap;
use serde::{Deserialize, Serialize};

/// The editable thresholds.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct AlertThresholds {
    /// Days a net outflow is summed over, up to the data's date.
    pub outflow_days: u32,
    /// A net outflow above this share (per cent) of the AUM before it trips the alert …
    pub outflow_share_percent: u32,
    /// … or above this amount, in fen.
    pub outflow_min_fen: i64,
    /// Days without a transaction that make a key account dormant.
    pub dormant_days: u32,
    /// Days ahead a maturing holding is announced.
    pub maturity_days: u32,
}

impl Default for AlertThresholds {
    /// 30 per cent or ¥500,000 out in 30 days; dormant after 90 days; maturities 30 days ahead.
    fn default() -> AlertThresholds {
        AlertThresholds {
            outflow_days: 30,
            outflow_share_percent: 30,
            outflow_min_fen: 50_000_000,
            dormant_days: 90,
            maturity_days: 30,
        }
    }
}

/// Which rule an alert comes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum AlertRule {
    /// Net outflow over the window above the share or the amount; value: the outflow in fen.
    LargeOutflow,
    /// A key account with no transaction for the dormant days; value: days since the last.
    DormantKeyAccount,
    /// A lower tier than in the previous snapshot; value: rungs dropped.
    TierDrop,
    /// A product above the customer's risk tolerance, or risk products without an
    /// assessment; value: the product's rating.
    Suitability,
    /// A holding maturing within the days ahead; value: its balance in fen.
    Maturity,
    /// A detractor's survey score (0–6); value: the score.
    LowSatisfaction,
    /// A key account past its contact cadence; value: days overdue.
    OverdueKeyAccount,
}

impl AlertRule {
    /// Every rule, in the order the page lists them.
    pub const ALL: [AlertRule; 7] = [
        AlertRule::LargeOutflow,
        AlertRule::DormantKeyAccount,
        AlertRule::TierDrop,
        AlertRule::Suitability,
        AlertRule::Maturity,
        AlertRule::LowSatisfaction,
        AlertRule::OverdueKeyAccount,
    ];

    /// The key in alert keys and URLs.
    pub fn key(self) -> &'static str {
        match self {
            AlertRule::LargeOutflow => "outflow",
            AlertRule::DormantKeyAccount => "dormant",
            AlertRule::TierDrop => "tier_drop",
            AlertRule::Suitability => "suitability",
            AlertRule::Maturity => "maturity",
            AlertRule::LowSatisfaction => "low_satisfaction",
            AlertRule::OverdueKeyAccount => "overdue",
        }
    }
}

/// One alert.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Alert {
    /// The rule.
    pub rule: AlertRule,
    /// The customer's row.
    pub customer: usize,
    /// What tripped it, in the rule's unit (see [`AlertRule`]).
    pub value: i64,
    /// The day it concerns (the data's date, a maturity, an answer, a due date).
    pub day: Day,
    /// Stable across recomputations of the same fact, so an acknowledgement outlives them and
    /// a new fact (a later outflow, another maturity) alerts again.
    pub key: std::sync::Arc<str>,
}

/// What the rules read, all indexed like the customers table.
pub struct AlertInput<'a> {
    /// The snapshot.
    pub dataset: &'a Dataset,
    /// The data's date (outflows and dormancy are measured up to it).
    pub as_of: Option<Day>,
    /// The working day (maturities ahead and overdue contacts are counted from it).
    pub today: Day,
    /// AUM per customer.
    pub aum_fen: &'a [i64],
    /// Days since the latest transaction (`NO_TRANSACTION_RECENCY` for none).
    pub recency_days: &'a [u32],
    /// Tier per customer.
    pub tier_of_customer: &'a [u8],
    /// How many top tiers are key accounts.
    pub key_account_tiers: usize,
    /// Each customer's tier in the previous snapshot, when there is one and they were in it.
    pub previous_tier: Option<&'a [Option<u8>]>,
    /// Each customer's standing against the cadence.
    pub contact: &'a [ContactStatus],
    /// The journal (recorded survey answers).
    pub journal: &'a Journal,
    /// Each journal event's customer row.
    pub customers: &'a super::workbench::EventCustomers,
}

/// Every alert the rules raise, by rule then customer: [`snapshot_alerts`], then
/// [`journal_alerts`].
pub fn compute_alerts(input: &AlertInput<'_>, thresholds: &AlertThresholds) -> Vec<Alert> {
    let mut alerts = snapshot_alerts(input, thresholds);
    alerts.extend(journal_alerts(input));
    alerts
}

/// Collects alerts with their keys.
fn raiser<'a>(
    input: &'a AlertInput<'_>,
    alerts: &'a mut Vec<Alert>,
) -> impl FnMut(AlertRule, usize, i64, Day, &str) + 'a {
    let ids = &input.dataset.customers().customer_id;
    move |rule, customer, value, day, detail| {
        alerts.push(Alert {
            rule,
            customer,
            value,
            day,
            key: format!("{}:{}:{}{detail}", rule.key(), ids.get(customer), day.0).into(),
        });
    }
}

/// The alerts of the snapshot alone (outflow, dormancy, tier drop, suitability, maturity), by
/// rule then customer: a journal change leaves them as they are, so a caller may keep them.
pub fn snapshot_alerts(input: &AlertInput<'_>, thresholds: &AlertThresholds) -> Vec<Alert> {
    let dataset = input.dataset;
    let n = dataset.n_customers();
    let is_key = |row: usize| usize::from(input.tier_of_customer[row]) < input.key_account_tiers;
    let mut alerts = Vec::new();
    let mut raise = raiser(input, &mut alerts);

    if let Some(as_of) = input.as_of {
        // Net outflow in the window: out minus in, in i128 so no book overflows it.
        let start = as_of.0 - i32::try_from(thresholds.outflow_days).unwrap_or(i32::MAX);
        let mut net_out = vec![0i128; n];
        let t = dataset.transactions();
        for row in 0..t.len() {
            let day = t.txn_date[row].0;
            if day > start && day <= as_of.0 {
                let amount = i128::from(t.amount_fen[row]);
                let slot = &mut net_out[t.customer_idx[row] as usize];
                match t.direction[row] {
                    Direction::Out => *slot += amount,
                    Direction::In => *slot -= amount,
                }
            }
        }
        for (row, &out) in net_out.iter().enumerate() {
            if out <= 0 {
                continue;
            }
            // The share is of the AUM before the outflow: today's plus what left.
            let before = i128::from(input.aum_fen[row]) + out;
            let share = out * 100 > i128::from(thresholds.outflow_share_percent) * before;
            if share || out > i128::from(thresholds.outflow_min_fen) {
                let value = i64::try_from(out).unwrap_or(i64::MAX);
                raise(AlertRule::LargeOutflow, row, value, as_of, "");
            }
        }
        if !t.is_empty() {
            for row in (0..n).filter(|&row| is_key(row)) {
                let days = input.recency_days[row];
                if days >= thresholds.dormant_days {
                    // Keyed by the last transaction's day, so a new one ends this dormancy.
                    let last = if days == super::NO_TRANSACTION_RECENCY {
                        Day::MISSING
                    } else {
                        as_of.plus_days(-(days as i32))
                    };
                    raise(AlertRule::DormantKeyAccount, row, i64::from(days), last, "");
                }
            }
        }
    }

    if let Some(previous) = input.previous_tier {
        for row in 0..n {
            if let Some(Some(before)) = previous.get(row) {
                let now = input.tier_of_customer[row];
                if now > *before {
                    let detail = format!(":{before}>{now}");
                    let day = input.as_of.unwrap_or(Day::MISSING);
                    raise(
                        AlertRule::TierDrop,
                        row,
                        i64::from(now - before),
                        day,
                        &detail,
                    );
                }
            }
        }
    }

    let holdings = dataset.holdings();
    for flag in suitability_flags(dataset) {
        let row = flag.customer as usize;
        let detail = format!(":{}", holdings.product_code.get(flag.holding as usize));
        let value = i64::from(flag.product_level);
        raise(AlertRule::Suitability, row, value, Day::MISSING, &detail);
    }

    let horizon = input
        .today
        .plus_days(i32::try_from(thresholds.maturity_days).unwrap_or(i32::MAX));
    for row in 0..holdings.len() {
        let matures = holdings.maturity_date[row];
        if !matures.is_missing()
            && matures >= input.today
            && matures <= horizon
            && holdings.balance_fen[row] > 0
        {
            let customer = holdings.customer_idx[row] as usize;
            let detail = format!(":{}", holdings.product_code.get(row));
            raise(
                AlertRule::Maturity,
                customer,
                holdings.balance_fen[row],
                matures,
                &detail,
            );
        }
    }

    drop(raise);
    alerts.sort_by(|a, b| (a.rule, a.customer, &a.key).cmp(&(b.rule, b.customer, &b.key)));
    alerts
}

/// The alerts the journal moves (a detractor's latest answer, an overdue key account), by rule
/// then customer; they come after every snapshot alert's rule.
pub fn journal_alerts(input: &AlertInput<'_>) -> Vec<Alert> {
    let dataset = input.dataset;
    let n = dataset.n_customers();
    let is_key = |row: usize| usize::from(input.tier_of_customer[row]) < input.key_account_tiers;
    let mut alerts = Vec::new();
    let mut raise = raiser(input, &mut alerts);
    // Each customer's latest answer, imported or recorded; a detractor's raises the alert.
    let mut latest: FxHashMap<usize, (Day, u8)> = FxHashMap::default();
    let mut answer = |customer: usize, day: Day, score: u8| {
        let slot = latest.entry(customer).or_insert((day, score));
        if day >= slot.0 {
            *slot = (day, score);
        }
    };
    let feedback = dataset.feedback();
    for row in 0..feedback.len() {
        answer(
            feedback.customer_idx[row] as usize,
            feedback.date[row],
            feedback.score[row],
        );
    }
    for (index, event) in input.journal.events().iter().enumerate() {
        if let EventKind::SurveyAnswered { date, score, .. } = &event.kind {
            if let Some(row) = input.customers.of(index) {
                answer(row, *date, *score);
            }
        }
    }
    let mut low: Vec<(usize, Day, u8)> = latest
        .into_iter()
        .filter(|&(_, (_, score))| score <= DETRACTOR_MAX)
        .map(|(row, (day, score))| (row, day, score))
        .collect();
    low.sort_unstable();
    for (row, day, score) in low {
        raise(AlertRule::LowSatisfaction, row, i64::from(score), day, "");
    }

    for row in (0..n).filter(|&row| is_key(row)) {
        let status = input.contact[row];
        if status.overdue_days > 0 {
            let due = status.due.unwrap_or(Day::MISSING);
            raise(
                AlertRule::OverdueKeyAccount,
                row,
                i64::from(status.overdue_days),
                due,
                "",
            );
        }
    }
    drop(raise);
    alerts.sort_by(|a, b| (a.rule, a.customer, &a.key).cmp(&(b.rule, b.customer, &b.key)));
    alerts
}

/// How the journal has dealt with alerts, by key.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct AlertDecisions {
    acknowledged: rustc_hash::FxHashSet<String>,
    snoozed_until: FxHashMap<String, Day>,
}

impl AlertDecisions {
    /// The journal's acknowledgements and snoozes (the latest snooze of a key stands).
    pub fn of(journal: &Journal) -> AlertDecisions {
        let mut decisions = AlertDecisions::default();
        for event in journal.events() {
            match &event.kind {
                EventKind::AlertAcknowledged { alert_key } => {
                    decisions.acknowledged.insert(alert_key.clone());
                }
                EventKind::AlertSnoozed { alert_key, until } => {
                    decisions.snoozed_until.insert(alert_key.clone(), *until);
                }
                _ => {}
            }
        }
        decisions
    }

    /// Whether an alert still asks for attention on `today`: not acknowledged, and not
    /// snoozed past today.
    pub fn is_open(&self, key: &str, today: Day) -> bool {
        !self.acknowledged.contains(key)
            && self
                .snoozed_until
                .get(key)
                .is_none_or(|&until| until <= today)
    }
}
