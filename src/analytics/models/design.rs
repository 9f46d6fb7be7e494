//! The inputs of a model: named feature columns, numeric or categorical, one value per customer.

use crate::import::values::parse_yes_no;
use crate::model::{CodedColumn, Customers};

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
