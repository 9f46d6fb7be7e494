//! The inputs of a model: named feature columns, numeric or categorical, one value per customer.

use crate::import::values::parse_yes_no;
use crate::model::{CodedColumn, Customers};

/// Training rows a label needs to be a level of its own; rarer labels are pooled as "other",
/// so a model cannot memorise a label seen a handful of times (an id, a street).
pub const MIN_LEVEL_ROWS: usize = 20;
/// Levels a categorical feature keeps at most (the most frequent); the rest are "other".
pub const MAX_ONE_HOT_LEVELS: usize = 32;

/// Which levels of a categorical feature keep a place of their own on `rows`: per level, its
/// place (0 for the most frequent) or `None` for "other". Ties go to the earlier level.
pub fn kept_levels(levels: usize, codes: &[u32], rows: &[usize]) -> Vec<Option<usize>> {
    let mut count = vec![0usize; levels];
    for &r in rows {
        if let Some(c) = count.get_mut(codes[r] as usize) {
            *c += 1;
        }
    }
    let mut frequent: Vec<usize> = (0..levels)
        .filter(|&l| count[l] >= MIN_LEVEL_ROWS)
        .collect();
    frequent.sort_by(|&a, &b| count[b].cmp(&count[a]).then(a.cmp(&b)));
    frequent.truncate(MAX_ONE_HOT_LEVELS);
    let mut kept = vec![None; levels];
    for (place, &level) in frequent.iter().enumerate() {
        kept[level] = Some(place);
    }
    kept
}

/// Cuts between `bins` bins of equal counts of the non-missing `values` of `rows`, ascending,
/// without repeats and never at the largest value (which would leave the last bin empty).
pub fn quantile_cuts(values: &[f64], rows: &[usize], bins: usize) -> Vec<f64> {
    let mut present: Vec<f64> = rows
        .iter()
        .map(|&r| values[r])
        .filter(|v| !v.is_nan())
        .collect();
    present.sort_by(f64::total_cmp);
    let mut cuts: Vec<f64> = Vec::new();
    for q in 1..bins {
        let Some(&cut) = present.get(q * present.len() / bins) else {
            continue;
        };
        if cuts.last() != Some(&cut) && Some(&cut) != present.last() {
            cuts.push(cut);
        }
    }
    cuts
}

/// One feature's values.
#[derive(Clone, Debug, PartialEq)]
pub enum FeatureValues {
    /// Numbers; `NaN` where the value is missing.
    Numeric(Vec<f64>),
    /// Labels, as codes into `levels`.
    Categorical {
        /// The distinct labels.
        levels: Vec<String>,
        /// One code per row.
        codes: Vec<u32>,
    },
}

/// A named feature column.
#[derive(Clone, Debug, PartialEq)]
pub struct Feature {
    /// The name shown next to its contribution (the export's header, or a feature's name).
    pub name: String,
    /// The values.
    pub values: FeatureValues,
}

/// The feature columns a model reads, all of the same length.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Design {
    /// The columns.
    pub features: Vec<Feature>,
}

impl Design {
    /// Rows (customers).
    pub fn rows(&self) -> usize {
        self.features.first().map_or(0, |f| match &f.values {
            FeatureValues::Numeric(v) => v.len(),
            FeatureValues::Categorical { codes, .. } => codes.len(),
        })
    }

    /// The features named, in the order named (names it lacks are skipped).
    pub fn select(&self, names: &[String]) -> Design {
        Design {
            features: names
                .iter()
                .filter_map(|name| self.features.iter().find(|f| &f.name == name).cloned())
                .collect(),
        }
    }

    /// Adds a numeric column.
    pub fn push_numeric(&mut self, name: &str, values: Vec<f64>) {
        self.features.push(Feature {
            name: name.to_owned(),
            values: FeatureValues::Numeric(values),
        });
    }

    /// Adds a categorical column.
    pub fn push_categorical(&mut self, name: &str, column: &CodedColumn) {
        self.features.push(Feature {
            name: name.to_owned(),
            values: FeatureValues::Categorical {
                levels: column.values().to_vec(),
                codes: column.codes().to_vec(),
            },
        });
    }

    /// The customers' extra export columns (those mapped to no field) as features: numeric when
    /// every non-blank value is a number, categorical otherwise. `exclude` names columns to
    /// leave out: the outcome itself, identifiers, and anything known only after the outcome
    /// (the UCI file's call `duration`).
    pub fn from_attributes(customers: &Customers, exclude: &[&str]) -> Design {
        let mut design = Design::default();
        for attribute in &customers.attributes {
            if exclude
                .iter()
                .any(|e| e.eq_ignore_ascii_case(&attribute.name))
            {
                continue;
            }
            let column = &attribute.values;
            let numbers: Option<Vec<f64>> = column
                .values()
                .iter()
                .map(|v| match v.trim() {
                    "" => Some(f64::NAN),
                    text => text.parse::<f64>().ok().filter(|x| x.is_finite()),
                })
                .collect();
            match numbers {
                Some(by_code) => design.push_numeric(
                    &attribute.name,
                    column
                        .codes()
                        .iter()
                        .map(|&c| by_code[c as usize])
                        .collect(),
                ),
                None => design.push_categorical(&attribute.name, column),
            }
        }
        design
    }
}

/// A yes/no outcome column (`y`, `exited`, 是否流失 …) as labels, when every value reads as yes or
/// no and both occur. Rows with a blank outcome are an error here: a model must not guess them.
pub fn outcome_labels(column: &CodedColumn) -> Result<Vec<bool>, String> {
    let by_code: Vec<bool> = column
        .values()
        .iter()
        .map(|v| match parse_yes_no(v) {
            Ok(Some(yes)) => Ok(yes),
            _ => Err(format!("the outcome value {v:?} is neither yes nor no")),
        })
        .collect::<Result<_, _>>()?;
    let labels: Vec<bool> = column
        .codes()
        .iter()
        .map(|&c| by_code[c as usize])
        .collect();
    if !labels.contains(&true) || !labels.contains(&false) {
        return Err("the outcome needs both yes and no rows to learn from".to_owned());
    }
    Ok(labels)
}
