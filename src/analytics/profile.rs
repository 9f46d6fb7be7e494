//! Features beyond the workload's: how assets split, how money moves over recent windows, card
//! use, tenure and age. One pass over holdings and one over transactions.
//!
//! Balance histories are rarely exported; the AUM of an earlier date is reconstructed as today's
//! AUM minus the net inflow since then. That ignores market movements of wealth products, which
//! is why the changes are labelled "by net flows" wherever they are shown.

use crate::model::{add_fen, Dataset, Day, Direction, ProductType};

/// Days in the recent window (about three months).
pub const RECENT_DAYS: i32 = 91;
/// Days in a year window.
pub const YEAR_DAYS: i32 = 365;

/// One value per customer for each feature, indexed like the customers table. Money in fen.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct CustomerProfile {
    /// Demand and time deposits.
    pub deposits_fen: Vec<i64>,
    /// Wealth products: 理财, funds, insurance and other assets.
    pub wealth_fen: Vec<i64>,
    /// Credit-card balance owed.
    pub card_balance_fen: Vec<i64>,
    /// Card spending over the year: outflows through POS or categorised as consumption.
    pub card_spend12_fen: Vec<i64>,
    /// All outflows over the year.
    pub out12_fen: Vec<i64>,
    /// Inflows over the year, per month on average.
    pub monthly_inflow_fen: Vec<i64>,
    /// Inflow minus outflow over the recent window.
    pub net_flow_recent_fen: Vec<i64>,
    /// Inflow minus outflow over the year.
    pub net_flow12_fen: Vec<i64>,
    /// Transactions in the recent window.
    pub recent_count: Vec<u32>,
    /// Transactions in the year before the recent window (days 92–365).
    pub earlier_count: Vec<u32>,
    /// Loan repayments over the year (category 还款 / repayment).
    pub repayments12: Vec<u32>,
    /// Whole months since the account was opened; `None` when unknown.
    pub tenure_months: Vec<Option<u16>>,
    /// Age in whole years at as-of; `None` when the birth date is unknown.
    pub age_years: Vec<Option<u8>>,
}

impl CustomerProfile {
    /// Share of the year's outflow spent by card, 0 when nothing flowed out.
    pub fn card_share(&self, customer: usize) -> f64 {
        match self.out12_fen[customer] {
            0 => 0.0,
            out => self.card_spend12_fen[customer] as f64 / out as f64,
        }
    }
}

/// Whether a transaction is card spending: a POS channel or a consumption category.
fn is_card_spend(channel: &str, category: &str) -> bool {
    let channel = channel.to_ascii_lowercase();
    let category = category.to_ascii_lowercase();
    channel.contains("pos")
        || channel.contains("刷卡")
        || channel.contains("信用卡")
        || channel.contains("card")
        || category.contains("消费")
        || category.contains("consum")
        || category.contains("purchase")
}

fn is_repayment(category: &str) -> bool {
    category.contains("还款") || category.to_ascii_lowercase().contains("repay")
}

/// Computes the profile of every customer as of `as_of` (windows end there).
pub fn customer_profile(dataset: &Dataset, as_of: Option<Day>) -> CustomerProfile {
    let n = dataset.n_customers();
    let mut p = CustomerProfile {
        deposits_fen: vec![0; n],
        wealth_fen: vec![0; n],
        card_balance_fen: vec![0; n],
        card_spend12_fen: vec![0; n],
        out12_fen: vec![0; n],
        monthly_inflow_fen: vec![0; n],
        net_flow_recent_fen: vec![0; n],
        net_flow12_fen: vec![0; n],
        recent_count: vec![0; n],
        earlier_count: vec![0; n],
        repayments12: vec![0; n],
        tenure_months: vec![None; n],
        age_years: vec![None; n],
    };
    let holdings = dataset.holdings();
    for row in 0..holdings.len() {
        let c = holdings.customer_idx[row] as usize;
        let balance = holdings.balance_fen[row];
        match holdings.product_type[row] {
            ProductType::CurrentDeposit | ProductType::TimeDeposit => {
                p.deposits_fen[c] = add_fen(p.deposits_fen[c], balance)
            }
            ProductType::Loan => {}
            ProductType::CreditCard => {
                p.card_balance_fen[c] = add_fen(p.card_balance_fen[c], balance)
            }
            _ => p.wealth_fen[c] = add_fen(p.wealth_fen[c], balance),
        }
    }
    let customers = dataset.customers();
    // An exported age is the age at the data's date: it stands when no birth date does.
    for (c, &age) in customers.age.iter().enumerate() {
        p.age_years[c] = (age > 0).then_some(age);
    }
    let Some(as_of) = as_of else {
        return p;
    };
    for c in 0..n {
        let open = customers.open_date[c];
        if !open.is_missing() && open <= as_of {
            p.tenure_months[c] = Some(months_between(open, as_of));
        }
        if let Some(years) = customers.birth_date[c].years_until(as_of) {
            p.age_years[c] = u8::try_from(years).ok();
        }
    }
    let t = dataset.transactions();
    // Per-code answers, so the text tests run once per distinct channel or category.
    let card_channel: Vec<bool> = t
        .channel
        .values()
        .iter()
        .map(|v| is_card_spend(v, ""))
        .collect();
    let card_category: Vec<bool> = t
        .category
        .values()
        .iter()
        .map(|v| is_card_spend("", v))
        .collect();
    let repayment: Vec<bool> = t
        .category
        .values()
        .iter()
        .map(|v| is_repayment(v))
        .collect();
    let mut in12 = vec![0i64; n];
    for row in 0..t.len() {
        let date = t.txn_date[row];
        let age = as_of.0 - date.0;
        if date.is_missing() || !(0..YEAR_DAYS).contains(&age) {
            continue;
        }
        let c = t.customer_idx[row] as usize;
        let amount = t.amount_fen[row];
        let recent = age < RECENT_DAYS;
        let signed = match t.direction[row] {
            Direction::In => {
                in12[c] = add_fen(in12[c], amount);
                amount
            }
            Direction::Out => {
                p.out12_fen[c] = add_fen(p.out12_fen[c], amount);
                let (channel, category) = (t.channel.codes()[row], t.category.codes()[row]);
                if card_channel[channel as usize] || card_category[category as usize] {
                    p.card_spend12_fen[c] = add_fen(p.card_spend12_fen[c], amount);
                }
                if repayment[category as usize] {
                    p.repayments12[c] += 1;
                }
                -amount
            }
        };
        p.net_flow12_fen[c] = add_fen(p.net_flow12_fen[c], signed);
        if recent {
            p.net_flow_recent_fen[c] = add_fen(p.net_flow_recent_fen[c], signed);
            p.recent_count[c] += 1;
        } else {
            p.earlier_count[c] += 1;
        }
    }
    for (monthly, inflow) in p.monthly_inflow_fen.iter_mut().zip(in12) {
        *monthly = inflow / 12;
    }
    p
}

/// Whole calendar months from `from` to `to` (a month counts once its day is reached).
pub fn months_between(from: Day, to: Day) -> u16 {
    match (from.ymd(), to.ymd()) {
        (Some((y1, m1, d1)), Some((y2, m2, d2))) => {
            let months = (y2 - y1) * 12 + m2 as i32 - m1 as i32 - i32::from(d2 < d1);
            months.clamp(0, i32::from(u16::MAX)) as u16
        }
        _ => 0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn months_count_whole_months() {
        let day = |s: &str| Day::parse_iso(s).expect("date");
        assert_eq!(months_between(day("2024-01-31"), day("2024-02-29")), 0);
        assert_eq!(months_between(day("2024-01-15"), day("2024-02-15")), 1);
        assert_eq!(months_between(day("2020-06-30"), day("2026-06-30")), 72);
        assert_eq!(months_between(day("2026-07-01"), day("2026-06-30")), 0);
    }

    #[test]
    fn card_spend_is_pos_or_consumption() {
        assert!(is_card_spend("POS", "转账支出"));
        assert!(is_card_spend("手机银行", "消费"));
        assert!(!is_card_spend("柜面", "缴费"));
    }
}

/// One line of a customer's transaction mix: a category or channel as exported, how many
/// transactions and how much money (both directions) went through it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MixLine {
    /// The category or channel ("" when the export left it blank).
    pub label: String,
    /// Transactions.
    pub count: u32,
    /// Amount, in and out together, in fen.
    pub turnover_fen: i64,
}

/// A customer's transactions in a window, by category and by channel, largest turnover first.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TransactionMix {
    /// By category (消费, 转账 …).
    pub by_category: Vec<MixLine>,
    /// By channel (手机银行, 柜面 …).
    pub by_channel: Vec<MixLine>,
}

/// The transactions of `customer` (a row of the customers table) dated in `(since, until]`.
pub fn transaction_mix(
    dataset: &Dataset,
    customer: usize,
    since: Day,
    until: Day,
) -> TransactionMix {
    let t = dataset.transactions();
    let mut by_category = vec![(0u32, 0i64); t.category.values().len()];
    let mut by_channel = vec![(0u32, 0i64); t.channel.values().len()];
    for row in 0..t.len() {
        if t.customer_idx[row] as usize != customer
            || t.txn_date[row] <= since
            || t.txn_date[row] > until
        {
            continue;
        }
        let amount = t.amount_fen[row].saturating_abs();
        for (lines, code) in [
            (&mut by_category, t.category.codes()[row]),
            (&mut by_channel, t.channel.codes()[row]),
        ] {
            let line = &mut lines[code as usize];
            line.0 += 1;
            line.1 = line.1.saturating_add(amount);
        }
    }
    let lines = |totals: Vec<(u32, i64)>, labels: &[String]| {
        let mut lines: Vec<MixLine> = totals
            .into_iter()
            .zip(labels)
            .filter(|((count, _), _)| *count > 0)
            .map(|((count, turnover_fen), label)| MixLine {
                label: label.clone(),
                count,
                turnover_fen,
            })
            .collect();
        lines.sort_by(|a, b| {
            b.turnover_fen
                .cmp(&a.turnover_fen)
                .then_with(|| a.label.cmp(&b.label))
        });
        lines
    };
    TransactionMix {
        by_category: lines(by_category, t.category.values()),
        by_channel: lines(by_channel, t.channel.values()),
    }
}
