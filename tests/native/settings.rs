//! Settings kept in the browser: stored apart from the core types, with a version, and what an
//! earlier release wrote still reads.

use keystone::analytics::TierRules;
use keystone::import::{Entity, Field, Mapping, MappingPreset};
use keystone::storage::settings::{StoredPresets, StoredTierRules, SETTINGS_VERSION};

fn fixture(name: &str) -> String {
    let path = format!("{}/tests/data/settings/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(path).expect("fixture")
}

#[test]
fn a_tier_ladder_round_trips_through_its_stored_form() {
    let mut rules = TierRules::workload_defaults();
    rules.tiers[1].min_aum_fen = 123_456_789;
    rules.tiers[0].min_annual_income_fen = Some(100);
    let json = StoredTierRules::write(&rules);
    assert!(json.contains(&format!("\"version\":{SETTINGS_VERSION}")));
    assert_eq!(StoredTierRules::read(&json), Some(rules));
}

#[test]
fn a_ladder_saved_before_settings_had_versions_still_reads() {
    let rules = StoredTierRules::read(&fixture("tier_rules-v0.json")).expect("v0 reads");
    assert_eq!(rules.tiers.len(), 3);
    assert_eq!(rules.tiers[0].name_zh, "私行");
    assert_eq!(rules.tiers[0].min_aum_fen, 500_000_000);
    assert_eq!(rules.tiers[1].min_volume12_fen, None);
    assert_eq!(rules.key_account_tiers, 2);
}

#[test]
fn ladders_this_build_cannot_use_are_refused_not_half_read() {
    for json in [
        "",
        "{}",
        r#"{"version":1,"tiers":[],"key_account_tiers":0}"#,
        r#"{"version":99,"tiers":[{"key":"a","name_zh":"a","name_en":"a","min_aum_fen":0}],"key_account_tiers":1}"#,
        r#"{"version":1,"tiers":[{"key":"a","name_zh":"a","name_en":"a","min_aum_fen":0}],"key_account_tiers":2}"#,
    ] {
        assert_eq!(StoredTierRules::read(json), None, "{json}");
    }
}

#[test]
fn mapping_presets_round_trip_and_old_ones_read_without_unknown_fields() {
    let preset = MappingPreset {
        name: "流水".into(),
        signature: "客户号|交易日期|金额|方向".into(),
        entity: Entity::Transactions,
        mapping: Mapping {
            columns: vec![
                (Field::CustomerId, 0),
                (Field::TxnDate, 1),
                (Field::Amount, 2),
                (Field::Direction, 3),
            ],
            values: vec![(Field::Direction, "PRIJEM".into(), "in".into())],
            fixed: vec![(Field::Channel, "柜面".into())],
            kept_values: vec![(4, "Attrited Customer".into(), "yes".into())],
        },
    };
    let json = StoredPresets::write(std::slice::from_ref(&preset));
    assert!(
        json.contains("\"transactions\""),
        "entities by their stored key: {json}"
    );
    assert_eq!(StoredPresets::read(&json), vec![preset]);

    let old = StoredPresets::read(&fixture("mapping_presets-v0.json"));
    assert_eq!(
        old.len(),
        1,
        "the preset naming an unknown field is left out"
    );
    assert_eq!(old[0].entity, Entity::Customers);
    assert_eq!(old[0].mapping.column(Field::OpenDate), Some(2));
}
