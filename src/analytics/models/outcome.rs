//! What a model learns to predict: a column of the export read as yes/no by a rule the manager
//! chooses (its positive values, or a threshold), or an outcome derived from two snapshots of
//! the same book (left, moved up a tier, bought a product family).
//!
//! Labels are `Option<bool>`: a customer whose outcome is not known (a blank cell, a customer
//! the later snapshot cannot say anything about) is scored but never trained or validated on.

use crate::analytics::{as_of_date, assign_tiers, customer_features, TierRules};
use crate::model::{CodedColumn, Customers, Dataset, ProductType};
use rustc_hash::FxHashMap;
use serde::{Deserialize, Serialize};
use std::fmt;

/// One value of a column with the rows holding it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ValueCount {
    /// The value as exported (trimmed); empty for a blank cell.
    pub value: String,
    /// Rows holding it.
    pub rows: usize,
}

/// A column's values, most frequent first (blank last), so the positive class is chosen from
/// what is there.
pub fn value_counts(column: &CodedColumn) -> Vec<ValueCount> {
    let mut rows: FxHashMap<&str, usize> = FxHashMap::default();
    for &code in column.codes() {
        *rows
            .entry(column.values()[code as usize].trim())
            .or_default() += 1;
    }
    let mut counts: Vec<ValueCount> = rows
        .into_iter()
        .map(|(value, rows)| ValueCount {
            value: value.to_owned(),
            rows,
        })
        .collect();
    counts.sort_by(|a, b| {
        a.value
            .is_empty()
            .cmp(&b.value.is_empty())
            .then(b.rows.cmp(&a.rows))
            .then(a.value.cmp(&b.value))
    });
    counts
}

/// How a column's values become yes and no.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum OutcomeRule {
    /// Yes for these values (`yes`, `Attrited Customer`, `1`), no for every other non-blank one.
    Values(Vec<String>),
    /// Yes for numbers at or above the threshold (days past due ≥ 90), no below.
    AtLeast(f64),
}

/// An outcome derived from the snapshot trained on and a later one of the same book.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub enum DerivedOutcome {
    /// Gone from the later snapshot, or its AUM fell by more than this share (0.5: halved).
    Left {
        /// The fall of AUM that counts as leaving, as a share of the earlier AUM.
        aum_drop: f64,
    },
    /// A higher tier in the later snapshot (customers already at the top are not asked).
    MovedUpTier,
    /// Holds the family in the later snapshot and did not in the earlier (customers who held it
    /// already are not asked).
    Bought(ProductType),
}

/// What a model predicts.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum Outcome {
    /// A kept column of the customers file (its header) read by a rule.
    Column {
        /// The header.
        column: String,
        /// Which values are yes.
        rule: OutcomeRule,
    },
    /// What happened between an earlier snapshot of the same book and this one: learned from
    /// the earlier snapshot's customers, then applied to this one's (who will leave by the
    /// next snapshot, as those did by this one).
    Derived {
        /// The earlier snapshot's id (the shell loads it).
        earlier_snapshot: String,
        /// What happened by this snapshot.
        outcome: DerivedOutcome,
    },
}

impl Outcome {
    /// The customers column the outcome is read from, which no model may use as a feature.
    pub fn column(&self) -> Option<&str> {
        match self {
            Outcome::Column { column, .. } => Some(column),
            Outcome::Derived { .. } => None,
        }
    }

    /// Whether it names a credit outcome (default, delinquency, overdue): such a model informs
    /// the 360's credit risk.
    pub fn is_credit_risk(&self) -> bool {
        let Outcome::Column { column, .. } = self else {
            return false;
        };
        let name = column.to_lowercase();
        [
            "default", "delinq", "overdue", "past_due", "违约", "逾期", "不良",
        ]
        .iter()
        .any(|word| name.contains(word))
    }
}

/// Why an outcome cannot be learned, in words the page and the command line show.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum OutcomeError {
    /// No kept column has this header; the ones there are listed.
    NoColumn {
        column: String,
        columns: Vec<String>,
    },
    /// A positive value the column never holds; the ones it holds are listed.
    NoSuchValue { value: String, values: Vec<String> },
    /// A threshold on a column with a value that is not a number.
    NotNumeric { column: String, value: String },
    /// The labelled rows are all yes or all no.
    OneClass { positives: usize, negatives: usize },
    /// The later snapshot shares no customer with this one.
    NoCommonCustomers,
    /// A derived outcome without the earlier snapshot it is derived from.
    NoEarlierSnapshot,
}

impl fmt::Display for OutcomeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            OutcomeError::NoColumn { column, columns } => write!(
                f,
                "no column {column:?} among the customers' kept columns ({})",
                columns.join(", ")
            ),
            OutcomeError::NoSuchValue { value, values } => write!(
                f,
                "the outcome column holds no value {value:?}; it holds {}",
                values
                    .iter()
                    .map(|v| format!("{v:?}"))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            OutcomeError::NotNumeric { column, value } => write!(
                f,
                "a threshold needs numbers, but {column:?} holds {value:?}"
            ),
            OutcomeError::OneClass {
                positives,
                negatives,
            } => write!(
                f,
                "a model needs both outcomes to learn from: {positives} positive and {negatives} negative customers"
            ),
            OutcomeError::NoCommonCustomers => {
                write!(f, "the later snapshot shares no customer with this one")
            }
            OutcomeError::NoEarlierSnapshot => write!(
                f,
                "an outcome between two snapshots needs an earlier snapshot of the same book"
            ),
        }
    }
}

/// Labels of every customer from a kept column and a rule.
pub fn column_labels(
    customers: &Customers,
    column: &str,
    rule: &OutcomeRule,
) -> Result<Vec<Option<bool>>, OutcomeError> {
    let Some(attribute) = customers.attributes.iter().find(|a| a.name == column) else {
        return Err(OutcomeError::NoColumn {
            column: column.to_owned(),
            columns: customers
                .attributes
                .iter()
                .map(|a| a.name.clone())
                .collect(),
        });
    };
    let values = &attribute.values;
    let by_code: Vec<Option<bool>> = match rule {
        OutcomeRule::Values(positive) => {
            let found = value_counts(values);
            if let Some(missing) = positive
                .iter()
                .find(|p| !found.iter().any(|v| v.value == p.trim()))
            {
                return Err(OutcomeError::NoSuchValue {
                    value: missing.clone(),
                    values: found.into_iter().map(|v| v.value).collect(),
                });
            }
            values
                .values()
                .iter()
                .map(|v| {
                    let v = v.trim();
                    (!v.is_empty()).then(|| positive.iter().any(|p| p.trim() == v))
                })
                .collect()
        }
        OutcomeRule::AtLeast(threshold) => values
            .values()
            .iter()
            .map(|v| match v.trim() {
                "" => Ok(None),
                text => text
                    .parse::<f64>()
                    .ok()
                    .filter(|x| x.is_finite())
                    .map(|x| Some(x >= *threshold))
                    .ok_or_else(|| OutcomeError::NotNumeric {
                        column: column.to_owned(),
                        value: text.to_owned(),
                    }),
            })
            .collect::<Result<_, _>>()?,
    };
    both_classes(
        values
            .codes()
            .iter()
            .map(|&c| by_code[c as usize])
            .collect(),
    )
}

/// Labels of the customers of `earlier` from what happened to them by `later` (matched by
/// customer id); tiers by `rules`.
pub fn derived_labels(
    earlier: &Dataset,
    later: &Dataset,
    outcome: DerivedOutcome,
    rules: &TierRules,
) -> Result<Vec<Option<bool>>, OutcomeError> {
    let later_row: FxHashMap<&str, usize> = later
        .customers()
        .customer_id
        .iter()
        .enumerate()
        .map(|(row, id)| (id, row))
        .collect();
    let matched: Vec<Option<usize>> = earlier
        .customers()
        .customer_id
        .iter()
        .map(|id| later_row.get(id).copied())
        .collect();
    if matched.iter().all(Option::is_none) {
        return Err(OutcomeError::NoCommonCustomers);
    }
    let before = customer_features(earlier, as_of_date(earlier));
    let after = customer_features(later, as_of_date(later));
    let labels = match outcome {
        DerivedOutcome::Left { aum_drop } => matched
            .iter()
            .enumerate()
            .map(|(c, m)| {
                Some(m.is_none_or(|m| {
                    let (was, is) = (before.aum_fen[c] as f64, after.aum_fen[m] as f64);
                    was > 0.0 && is < was * (1.0 - aum_drop)
                }))
            })
            .collect(),
        DerivedOutcome::MovedUpTier => {
            let tier_before = assign_tiers(&before.tier_columns(earlier), rules);
            let tier_after = assign_tiers(&after.tier_columns(later), rules);
            matched
                .iter()
                .enumerate()
                .map(|(c, m)| {
                    // Rungs are highest first: a smaller index is a higher tier.
                    let m = (*m)?;
                    (tier_before[c] > 0).then(|| tier_after[m] < tier_before[c])
                })
                .collect()
        }
        DerivedOutcome::Bought(family) => {
            let held_before = holds(earlier, family);
            let held_after = holds(later, family);
            matched
                .iter()
                .enumerate()
                .map(|(c, m)| {
                    let m = (*m)?;
                    (!held_before[c]).then(|| held_after[m])
                })
                .collect()
        }
    };
    both_classes(labels)
}

fn holds(dataset: &Dataset, family: ProductType) -> Vec<bool> {
    let mut held = vec![false; dataset.n_customers()];
    let h = dataset.holdings();
    for row in 0..h.len() {
        if h.product_type[row] == family && h.balance_fen[row] > 0 {
            held[h.customer_idx[row] as usize] = true;
        }
    }
    held
}

fn both_classes(labels: Vec<Option<bool>>) -> Result<Vec<Option<bool>>, OutcomeError> {
    let positives = labels.iter().filter(|&&l| l == Some(true)).count();
    let negatives = labels.iter().filter(|&&l| l == Some(false)).count();
    if positives == 0 || negatives == 0 {
        return Err(OutcomeError::OneClass {
            positives,
            negatives,
        });
    }
    Ok(labels)
}
