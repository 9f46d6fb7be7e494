//! Tier migration between two snapshots of a dataset: who moved between tiers, who is new and
//! who is gone, matched by customer id.

use crate::model::TextColumn;
use rustc_hash::FxHashMap;

/// One snapshot's side of a comparison.
#[derive(Clone, Copy, Debug)]
pub struct TierSnapshot<'a> {
    /// Customer ids.
    pub customer_id: &'a TextColumn,
    /// Each customer's tier (0 = highest).
    pub tier: &'a [u8],
    /// Each customer's AUM, in fen.
    pub aum_fen: &'a [i64],
}

/// How one customer's tier changed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Movement {
    /// To a higher tier (a smaller tier index).
    Up,
    /// To a lower tier.
    Down,
    /// Only in the later snapshot.
    New,
    /// Only in the earlier snapshot.
    Gone,
}

/// A customer who did not stay in the same tier.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Move {
    /// The customer id.
    pub customer_id: String,
    /// Tier before, if the customer was there.
    pub from: Option<u8>,
    /// Tier after, if the customer is still there.
    pub to: Option<u8>,
    /// AUM before and after (0 when absent), in fen.
    pub aum_before_fen: i64,
    /// See `aum_before_fen`.
    pub aum_after_fen: i64,
    /// Which way.
    pub movement: Movement,
}

/// The comparison.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Migration {
    /// `customers[from][to]`: rows are earlier tiers plus a last row for new customers; columns
    /// are later tiers plus a last column for customers gone.
    pub customers: Vec<Vec<usize>>,
    /// The same cells' AUM in the later snapshot (in the earlier one for the "gone" column).
    pub aum_fen: Vec<Vec<i128>>,
    /// Everyone who moved, newest tier first: up, then down, then new, then gone.
    pub moves: Vec<Move>,
}

/// Compares two snapshots tiered with ladders of `tiers` rungs.
pub fn tier_migration(
    before: TierSnapshot<'_>,
    after: TierSnapshot<'_>,
    tiers: usize,
) -> Migration {
    let mut migration = Migration {
        customers: vec![vec![0; tiers + 1]; tiers + 1],
        aum_fen: vec![vec![0; tiers + 1]; tiers + 1],
        moves: Vec::new(),
    };
    let earlier: FxHashMap<&str, usize> = before
        .customer_id
        .iter()
        .enumerate()
        .map(|(row, id)| (id, row))
        .collect();
    let mut matched = vec![false; before.tier.len()];
    for (row, id) in after.customer_id.iter().enumerate() {
        let to = after.tier[row];
        let aum_after = after.aum_fen[row];
        let from = earlier.get(id).map(|&b| {
            matched[b] = true;
            (before.tier[b], before.aum_fen[b])
        });
        let from_cell = from.map_or(tiers, |(t, _)| usize::from(t));
        migration.customers[from_cell][usize::from(to)] += 1;
        migration.aum_fen[from_cell][usize::from(to)] += i128::from(aum_after);
        let movement = match from {
            None => Movement::New,
            Some((t, _)) if to < t => Movement::Up,
            Some((t, _)) if to > t => Movement::Down,
            Some(_) => continue,
        };
        migration.moves.push(Move {
            customer_id: id.to_owned(),
            from: from.map(|(t, _)| t),
            to: Some(to),
            aum_before_fen: from.map_or(0, |(_, a)| a),
            aum_after_fen: aum_after,
            movement,
        });
    }
    for (row, id) in before.customer_id.iter().enumerate() {
        if matched[row] {
            continue;
        }
        let from = before.tier[row];
        migration.customers[usize::from(from)][tiers] += 1;
        migration.aum_fen[usize::from(from)][tiers] += i128::from(before.aum_fen[row]);
        migration.moves.push(Move {
            customer_id: id.to_owned(),
            from: Some(from),
            to: None,
            aum_before_fen: before.aum_fen[row],
            aum_after_fen: 0,
            movement: Movement::Gone,
        });
    }
    let rank = |m: &Move| match m.movement {
        Movement::Up => 0,
        Movement::Down => 1,
        Movement::New => 2,
        Movement::Gone => 3,
    };
    migration.moves.sort_by(|a, b| {
        rank(a)
            .cmp(&rank(b))
            .then(a.to.cmp(&b.to))
            .then(b.aum_after_fen.cmp(&a.aum_after_fen))
            .then(a.customer_id.cmp(&b.customer_id))
    });
    migration
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ids(values: &[&str]) -> TextColumn {
        let mut column = TextColumn::new();
        values.iter().for_each(|v| column.push(v));
        column
    }

    #[test]
    fn customers_moving_up_down_in_and_out_are_counted_once() {
        let before_ids = ids(&["A", "B", "C", "D"]);
        let after_ids = ids(&["B", "A", "E", "C"]);
        let migration = tier_migration(
            TierSnapshot {
                customer_id: &before_ids,
                tier: &[1, 0, 1, 2],
                aum_fen: &[10, 90, 20, 1],
            },
            TierSnapshot {
                customer_id: &after_ids,
                tier: &[1, 0, 2, 1],
                aum_fen: &[80, 30, 2, 15],
            },
            3,
        );
        // A up 1→0, B down 0→1, C stays 1, D gone from 2, E new in 2.
        assert_eq!(migration.customers[1][0], 1);
        assert_eq!(migration.customers[0][1], 1);
        assert_eq!(migration.customers[1][1], 1);
        assert_eq!(migration.customers[2][3], 1);
        assert_eq!(migration.customers[3][2], 1);
        let total: usize = migration.customers.iter().flatten().sum();
        assert_eq!(total, 5);
        assert_eq!(migration.aum_fen[1][0], 30);
        let order: Vec<(&str, Movement)> = migration
            .moves
            .iter()
            .map(|m| (m.customer_id.as_str(), m.movement))
            .collect();
        assert_eq!(
            order,
            [
                ("A", Movement::Up),
                ("B", Movement::Down),
                ("E", Movement::New),
                ("D", Movement::Gone)
            ]
        );
    }
}
