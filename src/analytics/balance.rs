//! The workload balance: a proposal that evens out the relationship managers' weighted books
//! with the fewest moves, applied only when accepted (as assignment events in the journal).
//!
//! A customer weighs their tier's weight plus their AUM times the AUM weight; a manager's load
//! is the sum over their book. Each step moves the one customer from the most loaded manager
//! to the least loaded one that lowers the sum of squared deviations from the mean load most
//! (a customer of weight `w` moved across a gap `g` lowers it by `2w(g − w)`, so only
//! `w < g` helps and `w = g/2` helps most). Steps stop when the spread is within the tolerance
//! or no move lowers it. Unassigned customers with a weight are given out first, each to the
//! least loaded manager, heaviest first. Weights are integers (milli-points) and ties go to
//! the lower customer row, so the same book always gives the same proposal.

use crate::model::NO_RELATIONSHIP_MANAGER;
use serde::{Deserialize, Serialize};

/// The editable weights.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct BalanceWeights {
    /// Points per client of each tier (highest tier first); a missing tier weighs 0.
    pub tier_points: Vec<u32>,
    /// Points per ¥1,000,000 of AUM.
    pub points_per_million: u32,
    /// The spread (most loaded minus least loaded) the proposal stops at, as a per cent of
    /// the mean load.
    pub tolerance_percent: u32,
}

impl Default for BalanceWeights {
    /// 私行 10 points a client, 财富 4, 贵宾 1, 大众 0; 1 point per ¥1M; 10 % tolerance.
    fn default() -> BalanceWeights {
        BalanceWeights {
            tier_points: vec![10, 4, 1, 0],
            points_per_million: 1,
            tolerance_percent: 10,
        }
    }
}

/// One proposed move.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Move {
    /// The customer's row.
    pub customer: usize,
    /// From this manager row ([`NO_RELATIONSHIP_MANAGER`] for an unassigned customer).
    pub from: u32,
    /// To this manager row.
    pub to: u32,
}

/// A proposal: the moves and every manager's load before and after, in milli-points.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Proposal {
    /// In the order found.
    pub moves: Vec<Move>,
    /// Load per manager row before.
    pub before: Vec<i64>,
    /// Load per manager row after.
    pub after: Vec<i64>,
}

/// A customer's weight in milli-points.
pub fn customer_weight(tier: u8, aum_fen: i64, weights: &BalanceWeights) -> i64 {
    let tier_points = weights
        .tier_points
        .get(usize::from(tier))
        .copied()
        .unwrap_or(0);
    // ¥1M is 10^8 fen; milli-points per fen of AUM is points_per_million / 10^5.
    let aum = i128::from(aum_fen.max(0)) * i128::from(weights.points_per_million) / 100_000;
    i64::try_from(i128::from(tier_points) * 1000 + aum).unwrap_or(i64::MAX)
}

/// Most loaded minus least loaded.
pub fn spread(loads: &[i64]) -> i64 {
    let max = loads.iter().copied().max().unwrap_or(0);
    let min = loads.iter().copied().min().unwrap_or(0);
    max - min
}

/// The proposal for `n_managers` managers, given each customer's manager row, tier and AUM.
pub fn propose_balance(
    manager_of: &[u32],
    tier_of_customer: &[u8],
    aum_fen: &[i64],
    n_managers: usize,
    weights: &BalanceWeights,
) -> Proposal {
    let weight: Vec<i64> = tier_of_customer
        .iter()
        .zip(aum_fen)
        .map(|(&tier, &aum)| customer_weight(tier, aum, weights))
        .collect();
    let mut load = vec![0i64; n_managers];
    let mut book: Vec<Vec<usize>> = vec![Vec::new(); n_managers];
    let mut unassigned = Vec::new();
    for (customer, &manager) in manager_of.iter().enumerate() {
        match book.get_mut(manager as usize) {
            Some(clients) if manager != NO_RELATIONSHIP_MANAGER => {
                clients.push(customer);
                load[manager as usize] = load[manager as usize].saturating_add(weight[customer]);
            }
            _ if weight[customer] > 0 => unassigned.push(customer),
            _ => {}
        }
    }
    let before = load.clone();
    let mut moves = Vec::new();
    if n_managers == 0 {
        return Proposal {
            moves,
            before,
            after: load,
        };
    }
    let least = |load: &[i64]| (0..load.len()).min_by_key(|&m| (load[m], m)).unwrap_or(0);
    unassigned.sort_by_key(|&c| (std::cmp::Reverse(weight[c]), c));
    for customer in unassigned {
        let to = least(&load);
        load[to] = load[to].saturating_add(weight[customer]);
        book[to].push(customer);
        moves.push(Move {
            customer,
            from: NO_RELATIONSHIP_MANAGER,
            to: to as u32,
        });
    }
    let total: i128 = load.iter().map(|&l| i128::from(l)).sum();
    let mean = total / n_managers as i128;
    let tolerance = mean * i128::from(weights.tolerance_percent) / 100;
    // Each step lowers the sum of squares, so this ends; the bound keeps a hostile book finite.
    for _ in 0..manager_of.len() {
        if i128::from(spread(&load)) <= tolerance {
            break;
        }
        let from = (0..n_managers)
            .max_by_key(|&m| (load[m], std::cmp::Reverse(m)))
            .unwrap_or(0);
        let to = least(&load);
        let gap = load[from] - load[to];
        // The customer closest to half the gap, lighter than the gap, the lower row on a tie.
        let best = book[from]
            .iter()
            .enumerate()
            .filter(|&(_, &c)| weight[c] > 0 && weight[c] < gap)
            .min_by_key(|&(_, &c)| ((2 * weight[c] - gap).abs(), c));
        let Some((slot, &customer)) = best else {
            break;
        };
        book[from].swap_remove(slot);
        book[to].push(customer);
        load[from] -= weight[customer];
        load[to] += weight[customer];
        moves.push(Move {
            customer,
            from: from as u32,
            to: to as u32,
        });
    }
    Proposal {
        moves: collapse(moves),
        before,
        after: load,
    }
}

/// One move per customer: a customer moved twice goes straight to where they end, and one
/// who ends where they began does not move at all.
fn collapse(moves: Vec<Move>) -> Vec<Move> {
    let mut out: Vec<Move> = Vec::with_capacity(moves.len());
    for step in moves {
        match out.iter().position(|m| m.customer == step.customer) {
            Some(i) => out[i].to = step.to,
            None => out.push(step),
        }
    }
    out.retain(|m| m.from != m.to);
    out
}
