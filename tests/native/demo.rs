//! The demo generator: same seed, same bytes; and a summary a banker would recognise.

use super::support::check_expected;
use keystone::analytics::{analyse, AnalysisConfig};
use keystone::demo::{generate, DemoConfig};
use keystone::format::money_decimal;
use keystone::storage::codec::encode_dataset;

#[test]
fn same_seed_gives_the_same_bytes_and_another_seed_does_not() {
    let config = DemoConfig::default();
    let first = encode_dataset("s", &generate(&config));
    let second = encode_dataset("s", &generate(&config));
    assert_eq!(first, second);
    let other = encode_dataset(
        "s",
        &generate(&DemoConfig {
            seed: config.seed + 1,
            ..config
        }),
    );
    assert_ne!(first, other);
}

#[test]
fn demo_summary_matches_expected_output() {
    let data = generate(&DemoConfig::default());
    let analysis = analyse(&data, &AnalysisConfig::default());
    let mut out = String::new();
    out.push_str(&format!(
        "rows customers={} holdings={} transactions={} relationship_managers={}\n",
        data.customers().len(),
        data.holdings().len(),
        data.transactions().len(),
        data.relationship_managers().len()
    ));
    out.push_str(&format!(
        "as_of {}\n",
        analysis.as_of.map(|d| d.to_string()).unwrap_or_default()
    ));
    let rules = &AnalysisConfig::default().tier_rules;
    for (i, tier) in rules.tiers.iter().enumerate() {
        out.push_str(&format!(
            "tier {} customers={} aum={}\n",
            tier.key,
            analysis.tier_summary.customers[i],
            money_decimal(analysis.tier_summary.aum_fen[i])
        ));
    }
    out.push_str(&format!(
        "sum_aum {}\nunassigned_customers {}\n",
        money_decimal(analysis.tier_summary.total_aum_fen()),
        analysis.books.unassigned.clients
    ));
    for row in 0..3 {
        let c = data.customers();
        out.push_str(&format!(
            "customer {} {} {} {} risk={} aum={}\n",
            c.customer_id.get(row),
            c.name.get(row),
            c.city.get(row),
            c.birth_date[row],
            c.risk_level[row],
            money_decimal(analysis.features.aum_fen[row])
        ));
    }
    check_expected("demo_summary.txt", &out);
}

#[test]
fn demo_looks_like_a_bank_book() {
    let data = generate(&DemoConfig::default());
    let analysis = analyse(&data, &AnalysisConfig::default());
    let tiers = &analysis.tier_summary;
    // A heavy tail: a few per cent of clients are key accounts but hold much of the AUM.
    let key_accounts = tiers.customers[0] + tiers.customers[1];
    let key_aum = tiers.aum_fen[0] + tiers.aum_fen[1];
    assert!(tiers.customers[0] > 0, "some private-banking clients");
    assert!(
        key_accounts * 100 < data.n_customers() * 5,
        "key accounts are rare"
    );
    assert!(
        key_aum * 10 > tiers.total_aum_fen() * 3,
        "key accounts hold a large share"
    );
    assert!(data.customers().name.iter().all(|n| n.chars().count() >= 2));
    assert!(analysis.features.f12.contains(&0), "some dormant clients");
    assert!(
        analysis.books.unassigned.clients > 0,
        "some clients lack a manager"
    );
}
