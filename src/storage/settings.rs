//! The settings kept in the browser, as stored types with a version, apart from the core types.
//!
//! localStorage outlives every deploy: a tier ladder or a mapping preset saved today must still
//! read after the core's `TierRules` or `Field` change shape. So what is stored is these types,
//! converted to and from the core's; a field or entity is stored by a name fixed here, not by
//! the core's serde derive. Version 0 is what earlier releases wrote (the core type as it was,
//! without a `version`); it has the same fields as version 1.

use crate::analytics::{TierRule, TierRules};
use crate::import::{Entity, Field, Mapping, MappingPreset};
use serde::{Deserialize, Serialize};

/// The version these types write.
pub const SETTINGS_VERSION: u32 = 1;

/// A tier ladder as stored.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StoredTierRules {
    /// 0 for ladders saved before settings had versions, else [`SETTINGS_VERSION`].
    #[serde(default)]
    pub version: u32,
    /// The rungs, highest first.
    pub tiers: Vec<StoredTierRule>,
    /// How many of the top rungs count as key accounts.
    pub key_account_tiers: usize,
}

/// One rung as stored.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StoredTierRule {
    pub key: String,
    pub name_zh: String,
    pub name_en: String,
    pub min_aum_fen: i64,
    #[serde(default)]
    pub min_annual_income_fen: Option<i64>,
    #[serde(default)]
    pub min_volume12_fen: Option<i64>,
}

impl From<&TierRules> for StoredTierRules {
    fn from(rules: &TierRules) -> StoredTierRules {
        StoredTierRules {
            version: SETTINGS_VERSION,
            tiers: rules
                .tiers
                .iter()
                .map(|rule| StoredTierRule {
                    key: rule.key.clone(),
                    name_zh: rule.name_zh.clone(),
                    name_en: rule.name_en.clone(),
                    min_aum_fen: rule.min_aum_fen,
                    min_annual_income_fen: rule.min_annual_income_fen,
                    min_volume12_fen: rule.min_volume12_fen,
                })
                .collect(),
            key_account_tiers: rules.key_account_tiers,
        }
    }
}

impl StoredTierRules {
    /// The ladder, if this version is one this build reads and the ladder is usable (at least
    /// one rung, key-account rungs among them).
    pub fn into_rules(self) -> Option<TierRules> {
        if self.version > SETTINGS_VERSION || self.tiers.is_empty() {
            return None;
        }
        if self.key_account_tiers > self.tiers.len() {
            return None;
        }
        let tiers = self
            .tiers
            .into_iter()
            .map(|rule| TierRule {
                key: rule.key,
                name_zh: rule.name_zh,
                name_en: rule.name_en,
                min_aum_fen: rule.min_aum_fen,
                min_annual_income_fen: rule.min_annual_income_fen,
                min_volume12_fen: rule.min_volume12_fen,
            })
            .collect();
        Some(TierRules {
            tiers,
            key_account_tiers: self.key_account_tiers,
        })
    }

    /// Reads stored JSON: `None` when it is not a ladder this build can use.
    pub fn read(json: &str) -> Option<TierRules> {
        serde_json::from_str::<StoredTierRules>(json)
            .ok()?
            .into_rules()
    }

    /// The JSON to store for `rules`.
    pub fn write(rules: &TierRules) -> String {
        serde_json::to_string(&StoredTierRules::from(rules)).unwrap_or_default()
    }
}

/// The mapping presets as stored: a list with one version.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StoredPresets {
    pub version: u32,
    pub presets: Vec<StoredPreset>,
}

/// One mapping preset as stored: the entity and fields by their stored names.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StoredPreset {
    pub name: String,
    pub signature: String,
    pub entity: String,
    /// `(field, column index)`.
    pub columns: Vec<(String, usize)>,
    /// The value map: `(field, value as exported, value as read)`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub values: Vec<(String, String, String)>,
    /// Fields fixed to one value for every row: `(field, value)`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub fixed: Vec<(String, String)>,
    /// Value maps of kept columns: `(column index, value as exported, value as read)`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub kept_values: Vec<(usize, String, String)>,
}

/// Version 0: the core's `MappingPreset` list as earlier releases serialised it.
#[derive(Deserialize)]
struct PresetV0 {
    name: String,
    signature: String,
    entity: String,
    mapping: MappingV0,
}

#[derive(Deserialize)]
struct MappingV0 {
    columns: Vec<(String, usize)>,
}

/// The name a field is stored by. Fixed: renaming a `Field` variant must keep its name here.
pub fn stored_field_name(field: Field) -> &'static str {
    match field {
        Field::CustomerId => "CustomerId",
        Field::Name => "Name",
        Field::Gender => "Gender",
        Field::BirthDate => "BirthDate",
        Field::City => "City",
        Field::Occupation => "Occupation",
        Field::AnnualIncome => "AnnualIncome",
        Field::RiskLevel => "RiskLevel",
        Field::RmId => "RmId",
        Field::OpenDate => "OpenDate",
        Field::ProductType => "ProductType",
        Field::ProductCode => "ProductCode",
        Field::Balance => "Balance",
        Field::AsOf => "AsOf",
        Field::TxnId => "TxnId",
        Field::TxnDate => "TxnDate",
        Field::Amount => "Amount",
        Field::Direction => "Direction",
        Field::DebitAmount => "DebitAmount",
        Field::CreditAmount => "CreditAmount",
        Field::Channel => "Channel",
        Field::Category => "Category",
        Field::Branch => "Branch",
        Field::Date => "Date",
        Field::InteractionKind => "InteractionKind",
        Field::Note => "Note",
        Field::Score => "Score",
        Field::Comment => "Comment",
        Field::ProductRiskLevel => "ProductRiskLevel",
        Field::Age => "Age",
        Field::DepositBalance => "DepositBalance",
        Field::TimeDepositBalance => "TimeDepositBalance",
        Field::WealthBalance => "WealthBalance",
        Field::FundBalance => "FundBalance",
        Field::InsuranceBalance => "InsuranceBalance",
        Field::LoanBalance => "LoanBalance",
        Field::CardBalance => "CardBalance",
        Field::AccountId => "AccountId",
        Field::Role => "Role",
        Field::MaturityDate => "MaturityDate",
    }
}

/// The name an entity is stored by (version 0 used the variant's name, version 1 the key).
fn stored_entity(name: &str) -> Option<Entity> {
    Entity::ALL
        .into_iter()
        .find(|e| e.key() == name || format!("{e:?}") == name)
}

fn stored_field(name: &str) -> Option<Field> {
    Field::ALL
        .into_iter()
        .find(|&f| stored_field_name(f) == name)
}

impl StoredPreset {
    fn of(preset: &MappingPreset) -> StoredPreset {
        StoredPreset {
            name: preset.name.clone(),
            signature: preset.signature.clone(),
            entity: preset.entity.key().to_owned(),
            columns: preset
                .mapping
                .columns
                .iter()
                .map(|&(field, column)| (stored_field_name(field).to_owned(), column))
                .collect(),
            values: preset
                .mapping
                .values
                .iter()
                .map(|(field, from, to)| {
                    (
                        stored_field_name(*field).to_owned(),
                        from.clone(),
                        to.clone(),
                    )
                })
                .collect(),
            fixed: preset
                .mapping
                .fixed
                .iter()
                .map(|(field, value)| (stored_field_name(*field).to_owned(), value.clone()))
                .collect(),
            kept_values: preset.mapping.kept_values.clone(),
        }
    }

    /// The preset, or `None` when its entity or a field is unknown to this build (a preset
    /// half applied would map columns wrongly without saying so).
    fn into_preset(self) -> Option<MappingPreset> {
        let columns = self
            .columns
            .into_iter()
            .map(|(field, column)| Some((stored_field(&field)?, column)))
            .collect::<Option<Vec<_>>>()?;
        let values = self
            .values
            .into_iter()
            .map(|(field, from, to)| Some((stored_field(&field)?, from, to)))
            .collect::<Option<Vec<_>>>()?;
        let fixed = self
            .fixed
            .into_iter()
            .map(|(field, value)| Some((stored_field(&field)?, value)))
            .collect::<Option<Vec<_>>>()?;
        Some(MappingPreset {
            name: self.name,
            signature: self.signature,
            entity: stored_entity(&self.entity)?,
            mapping: Mapping {
                columns,
                values,
                fixed,
                kept_values: self.kept_values,
            },
        })
    }
}

impl StoredPresets {
    /// Reads stored JSON of either version; unreadable presets are left out.
    pub fn read(json: &str) -> Vec<MappingPreset> {
        if let Ok(stored) = serde_json::from_str::<StoredPresets>(json) {
            if stored.version > SETTINGS_VERSION {
                return Vec::new();
            }
            return stored
                .presets
                .into_iter()
                .filter_map(StoredPreset::into_preset)
                .collect();
        }
        serde_json::from_str::<Vec<PresetV0>>(json)
            .unwrap_or_default()
            .into_iter()
            .filter_map(|v0| {
                StoredPreset {
                    name: v0.name,
                    signature: v0.signature,
                    entity: v0.entity,
                    columns: v0.mapping.columns,
                    values: Vec::new(),
                    fixed: Vec::new(),
                    kept_values: Vec::new(),
                }
                .into_preset()
            })
            .collect()
    }

    /// The JSON to store for `presets`.
    pub fn write(presets: &[MappingPreset]) -> String {
        let stored = StoredPresets {
            version: SETTINGS_VERSION,
            presets: presets.iter().map(StoredPreset::of).collect(),
        };
        serde_json::to_string(&stored).unwrap_or_default()
    }
}
