//! Mapping plans: everything a person decided about an export's files — each file's kind (or
//! that it is skipped), which header feeds which field, fixed values, value maps, date order
//! and century, encoding, delimiter and header row — as one JSON file that the app exports and
//! imports and `keystone-cli analyze --plan` applies. Columns are named by header, not by
//! position, so a plan reads like the export it was made for and survives a reordered one.
//!
//! The same [`FilePlan::of`] writes the app's plan and `keystone-cli inspect`'s, so the two are
//! byte for byte the same for the same files and choices.

use super::decode::TextEncoding;
use super::mapping::{Entity, Field, Mapping};
use super::sheet::{ReadOptions, TextLayout};
use super::values::{DateStyle, DayMonthOrder};
use crate::model::Currency;
use std::collections::BTreeMap;
use std::fmt;

/// The version written in every plan; a newer one is refused.
pub const PLAN_VERSION: u32 = 1;

/// A plan for a set of export files.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Plan {
    /// [`PLAN_VERSION`] when written.
    pub keystone_plan: u32,
    /// The dataset's currency (ISO code); absent: detected from the cells' signs, else CNY.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub currency: Option<Currency>,
    /// One entry per file, by file name.
    pub files: Vec<FilePlan>,
}

/// What to do with one file.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FilePlan {
    /// The file's name.
    pub file: String,
    /// Its kind (`customers`, `accounts`, `transactions` …); absent: it needs mapping.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
    /// Leave the file out of the import.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub skip: bool,
    /// Header → field (`"客户号": "customer_id"`).
    #[serde(default)]
    pub columns: BTreeMap<String, String>,
    /// Field → the value every row takes (`"product_type": "贷款"`).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub fixed: BTreeMap<String, String>,
    /// Field → (value as exported → value as read): `"direction": {"VYDAJ": "out"}`.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub values: BTreeMap<String, BTreeMap<String, String>>,
    /// Header of a column kept as a customer attribute → its value map: `"Attrition_Flag":
    /// {"Attrited Customer": "yes", "Existing Customer": "no"}`.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub kept_values: BTreeMap<String, BTreeMap<String, String>>,
    /// How dates are written.
    #[serde(default)]
    pub dates: DatesPlan,
    /// How the file is read.
    #[serde(default)]
    pub read: ReadPlan,
}

/// Day/month order (`day_first`, `month_first`, or absent: inferred) and the century of
/// six-digit `YYMMDD` dates.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DatesPlan {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub order: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub century: Option<i32>,
}

/// Encoding (`UTF-8`, `GBK/GB18030` …), delimiter (one character, or `tab`), whether the first
/// row is a header, and a workbook's sheet; each absent one is detected.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReadPlan {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub encoding: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub delimiter: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub header: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sheet: Option<String>,
}

/// Why a plan cannot be applied to a file: each names what to change.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PlanError {
    /// Not a plan, or damaged.
    Unreadable(String),
    /// Written by a newer Keystone.
    TooNew(u32),
    /// The kind is not one Keystone knows.
    UnknownKind(String),
    /// A field name Keystone does not know.
    UnknownField(String),
    /// The plan maps a header that the file does not have.
    NoSuchColumn(String),
    /// An encoding, delimiter or date order that cannot be read.
    BadSetting(String),
}

impl fmt::Display for PlanError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PlanError::Unreadable(why) => write!(f, "not a mapping plan: {why}"),
            PlanError::TooNew(v) => write!(f, "plan version {v} is newer than this Keystone"),
            PlanError::UnknownKind(kind) => write!(f, "unknown kind of file {kind:?}"),
            PlanError::UnknownField(field) => write!(f, "unknown field {field:?}"),
            PlanError::NoSuchColumn(header) => write!(f, "the file has no column {header:?}"),
            PlanError::BadSetting(what) => write!(f, "cannot read setting {what:?}"),
        }
    }
}

impl Plan {
    /// Reads a plan's JSON.
    pub fn from_json(json: &str) -> Result<Plan, PlanError> {
        let plan: Plan =
            serde_json::from_str(json).map_err(|e| PlanError::Unreadable(e.to_string()))?;
        if plan.keystone_plan > PLAN_VERSION {
            return Err(PlanError::TooNew(plan.keystone_plan));
        }
        Ok(plan)
    }

    /// The plan as JSON, one field a line, for a person to read and edit.
    pub fn to_json(&self) -> String {
        let mut json = serde_json::to_string_pretty(self).unwrap_or_default();
        json.push('\n');
        json
    }

    /// The entry for file `name`, if the plan has one.
    pub fn file(&self, name: &str) -> Option<&FilePlan> {
        self.files.iter().find(|f| f.file == name)
    }
}

impl FilePlan {
    /// The plan of one file as read (`headers`, `options`) with the choices made for it.
    pub fn of(
        name: &str,
        headers: &[String],
        options: &ReadOptions,
        entity: Option<Entity>,
        mapping: &Mapping,
        dates: DateStyle,
    ) -> FilePlan {
        let field_name = |field: Field| field.key().to_owned();
        let mut values: BTreeMap<String, BTreeMap<String, String>> = BTreeMap::new();
        for (field, from, to) in &mapping.values {
            values
                .entry(field_name(*field))
                .or_default()
                .insert(from.clone(), to.clone());
        }
        let mut kept_values: BTreeMap<String, BTreeMap<String, String>> = BTreeMap::new();
        for (column, from, to) in &mapping.kept_values {
            if let Some(header) = headers.get(*column) {
                kept_values
                    .entry(header.clone())
                    .or_default()
                    .insert(from.clone(), to.clone());
            }
        }
        FilePlan {
            file: name.to_owned(),
            kind: entity.map(|e| e.key().to_owned()),
            skip: false,
            columns: mapping
                .columns
                .iter()
                .filter_map(|&(field, column)| {
                    Some((headers.get(column)?.clone(), field_name(field)))
                })
                .collect(),
            fixed: mapping
                .fixed
                .iter()
                .map(|(field, value)| (field_name(*field), value.clone()))
                .collect(),
            values,
            kept_values,
            dates: DatesPlan {
                order: match dates.order {
                    DayMonthOrder::Unknown => None,
                    DayMonthOrder::DayFirst => Some("day_first".into()),
                    DayMonthOrder::MonthFirst => Some("month_first".into()),
                },
                century: dates.century,
            },
            read: ReadPlan {
                encoding: options.encoding.map(|e| e.label().to_owned()),
                delimiter: options.layout.map(|l| delimiter_name(l.delimiter)),
                header: options.layout.map(|l| l.has_header),
                sheet: options.sheet.clone(),
            },
        }
    }

    /// The read options: the plan's where it sets them, the detected ones elsewhere.
    pub fn read_options(&self, detected: &ReadOptions) -> Result<ReadOptions, PlanError> {
        let mut options = detected.clone();
        if let Some(label) = &self.read.encoding {
            options.encoding = Some(encoding_named(label)?);
        }
        if self.read.delimiter.is_some() || self.read.header.is_some() {
            let detected = detected.layout.unwrap_or(TextLayout {
                delimiter: b',',
                has_header: true,
            });
            options.layout = Some(TextLayout {
                delimiter: match &self.read.delimiter {
                    Some(name) => delimiter_named(name)?,
                    None => detected.delimiter,
                },
                has_header: self.read.header.unwrap_or(detected.has_header),
            });
        }
        if let Some(sheet) = &self.read.sheet {
            options.sheet = Some(sheet.clone());
        }
        Ok(options)
    }

    /// The kind, mapping and date style for a file with these `headers`: `Ok(None)` for a
    /// file the plan skips.
    pub fn apply(
        &self,
        headers: &[String],
    ) -> Result<Option<(Option<Entity>, Mapping, DateStyle)>, PlanError> {
        if self.skip {
            return Ok(None);
        }
        let entity = match &self.kind {
            Some(kind) => {
                Some(Entity::from_key(kind).ok_or_else(|| PlanError::UnknownKind(kind.clone()))?)
            }
            None => None,
        };
        let field =
            |key: &str| Field::from_key(key).ok_or_else(|| PlanError::UnknownField(key.into()));
        let mut mapping = Mapping::default();
        for (header, key) in &self.columns {
            let column = headers
                .iter()
                .position(|h| h == header)
                .ok_or_else(|| PlanError::NoSuchColumn(header.clone()))?;
            mapping.set(field(key)?, Some(column));
        }
        for (key, value) in &self.fixed {
            mapping.set_fixed(field(key)?, Some(value));
        }
        for (key, assigned) in &self.values {
            let field = field(key)?;
            for (from, to) in assigned {
                mapping.assign(field, from, Some(to));
            }
        }
        for (header, assigned) in &self.kept_values {
            let column = headers
                .iter()
                .position(|h| h == header)
                .ok_or_else(|| PlanError::NoSuchColumn(header.clone()))?;
            for (from, to) in assigned {
                mapping.assign_kept(column, from, Some(to));
            }
        }
        let order = match self.dates.order.as_deref() {
            None => DayMonthOrder::Unknown,
            Some("day_first") => DayMonthOrder::DayFirst,
            Some("month_first") => DayMonthOrder::MonthFirst,
            Some(other) => return Err(PlanError::BadSetting(other.into())),
        };
        Ok(Some((
            entity,
            mapping,
            DateStyle {
                order,
                century: self.dates.century,
            },
        )))
    }
}

fn delimiter_name(delimiter: u8) -> String {
    match delimiter {
        b'\t' => "tab".into(),
        b' ' => "space".into(),
        d => (d as char).to_string(),
    }
}

fn delimiter_named(name: &str) -> Result<u8, PlanError> {
    match name {
        "tab" | "\t" => Ok(b'\t'),
        "space" | " " => Ok(b' '),
        d if d.len() == 1 && d.is_ascii() => Ok(d.as_bytes()[0]),
        other => Err(PlanError::BadSetting(other.into())),
    }
}

fn encoding_named(label: &str) -> Result<TextEncoding, PlanError> {
    [
        TextEncoding::Utf8,
        TextEncoding::Utf16Le,
        TextEncoding::Utf16Be,
        TextEncoding::Gb18030,
    ]
    .into_iter()
    .find(|e| {
        e.label().eq_ignore_ascii_case(label)
            || (e == &TextEncoding::Gb18030
                && ["gbk", "gb18030", "gb2312"].contains(&label.to_ascii_lowercase().as_str()))
    })
    .ok_or_else(|| PlanError::BadSetting(label.into()))
}
