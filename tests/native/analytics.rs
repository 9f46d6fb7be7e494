//! Scores, potential key accounts, what-if, migration, suitability, forecasts, RFM and
//! propensity: hand-made customers whose answers are known, and the fast paths checked against
//! plain re-computation on the S workload.

use super::support::{bytes, dataset, import_files};
use keystone::analytics::forecast::{customer_monthly_series, forecast, monthly_series};
use keystone::analytics::kmeans::FeatureMatrix;
use keystone::analytics::migration::{tier_migration, Movement, TierSnapshot};
use keystone::analytics::models::ModelKind;
use keystone::analytics::profile::customer_profile;
use keystone::analytics::projection::principal_components;
use keystone::analytics::propensity::{customer_offers, next_best_products, OFFERED};
use keystone::analytics::rfm::{ntile, rfm_grid, rfm_scores};
use keystone::analytics::scores::{
    attrition_risk, financial_capacity, key_account_potential, potential_key_accounts, Factor,
};
use keystone::analytics::suitability::{suitability_flags, SuitabilityIssue};
use keystone::analytics::whatif::{what_if, AumIndex};
use keystone::analytics::{
    analyse, as_of_date, assign_tiers, customer_features, AnalysisConfig, TierRules,
};
use keystone::demo::{generate, DemoConfig};
use keystone::model::{CodedColumn, Dataset, Day, Direction, ProductType};

fn workload_s() -> Dataset {
    let files: Vec<(&str, Vec<u8>)> = ["customers", "holdings", "transactions"]
        .iter()
        .map(|name| {
            let file: &'static str = Box::leak(format!("{name}.csv").into_boxed_str());
            (file, bytes(&format!("workload-s/{name}.csv.gz")))
        })
        .collect();
    import_files(&files).1.dataset
}

/// Three customers: C1 silent for 200 days with one product and money gone; C2 active,
/// diversified, growing; C3 just under the ¥1M key-account line with strong inflows.
fn three_customers() -> Dataset {
    use Direction::{In, Out};
    use ProductType::*;
    let mut transactions = vec![(0, "2025-12-12", 50_000, Out)];
    for month in 1..=12 {
        let date = format!("2025-{:02}-15", month.min(12));
        let date: &'static str = Box::leak(date.into_boxed_str());
        transactions.push((1, date, 3_000, In));
        transactions.push((1, date, 500, Out));
        transactions.push((2, date, 30_000, In));
    }
    transactions.push((1, "2026-06-30", 100, Out));
    transactions.push((2, "2026-06-20", 20_000, In));
    let data = dataset(
        &[("C1", 0), ("C2", 0), ("C3", 1)],
        &[
            (0, CurrentDeposit, 2_000),
            (1, CurrentDeposit, 50_000),
            (1, Fund, 80_000),
            (1, Insurance, 20_000),
            (2, TimeDeposit, 700_000),
            (2, WealthManagement, 200_000),
        ],
        &transactions,
    );
    let mut tables = data.tables().clone();
    tables.customers.annual_income_fen = vec![0, 30_000_000, 60_000_000];
    Dataset::new(tables).expect("consistent")
}

#[test]
fn a_customers_transaction_mix_counts_each_category_and_channel_in_the_window() {
    use keystone::analytics::profile::{transaction_mix, MixLine};
    let data = three_customers();
    let mut tables = data.tables().clone();
    let t = &mut tables.transactions;
    let (mut category, mut channel) = (CodedColumn::new(), CodedColumn::new());
    for row in 0..t.len() {
        let incoming = t.direction[row] == Direction::In;
        category.push(if incoming { "工资" } else { "消费" });
        channel.push(if incoming { "网银" } else { "POS" });
    }
    (t.category, t.channel) = (category, channel);
    let data = Dataset::new(tables).expect("consistent");
    let day = |iso: &str| Day::parse_iso(iso).expect("date");
    // C2 over the year to 2026-06-30: salary on the 15th of July to December 2025 (¥3,000
    // each), spending on the same days (¥500) and ¥100 on the last day.
    let mix = transaction_mix(&data, 1, day("2025-06-30"), day("2026-06-30"));
    let line = |label: &str, count, yuan: i64| MixLine {
        label: label.into(),
        count,
        turnover_fen: yuan * 100,
    };
    assert_eq!(
        mix.by_category,
        [line("工资", 6, 18_000), line("消费", 7, 3_100)]
    );
    assert_eq!(
        mix.by_channel,
        [line("网银", 6, 18_000), line("POS", 7, 3_100)]
    );
    // The window's first day is excluded, its last included; other customers never count.
    let last_day = transaction_mix(&data, 1, day("2026-06-29"), day("2026-06-30"));
    assert_eq!(last_day.by_category, [line("消费", 1, 100)]);
    assert_eq!(
        transaction_mix(&data, 0, day("2026-01-01"), day("2026-06-30")),
        Default::default()
    );
}

#[test]
fn attrition_risk_is_high_for_the_silent_customer_and_explained() {
    let data = three_customers();
    let as_of = as_of_date(&data);
    let features = customer_features(&data, as_of);
    let profile = customer_profile(&data, as_of);
    let risk = attrition_risk(&features, &profile);
    let scores: Vec<f64> = (0..3).map(|c| risk.score(c)).collect();
    assert!(
        scores[0] >= 60.0,
        "silent, one product, money gone: {scores:?}"
    );
    assert!(scores[1] < 20.0, "active and diversified: {scores:?}");
    // Recency is the silent customer's biggest reason, and the parts add up to the score.
    let reasons = risk.explain(0);
    assert_eq!(reasons[0].0, Factor::Recency);
    let total: f64 = risk.base + reasons.iter().map(|(_, p)| p).sum::<f64>();
    assert!((total - scores[0]).abs() < 1e-9);
}

#[test]
fn the_profile_splits_assets_and_reads_flows_over_windows() {
    let data = three_customers();
    let as_of = as_of_date(&data);
    assert_eq!(as_of, Day::parse_iso("2026-06-30"));
    let p = customer_profile(&data, as_of);
    assert_eq!(p.deposits_fen, [200_000, 5_000_000, 70_000_000]);
    assert_eq!(p.wealth_fen, [0, 10_000_000, 20_000_000]);
    // C1's one outflow is consumption (card spending) 200 days before as-of.
    assert_eq!(p.out12_fen[0], 5_000_000);
    assert_eq!(p.card_share(0), 1.0);
    assert_eq!((p.recent_count[0], p.earlier_count[0]), (0, 1));
    // C3: twelve ¥30k inflows within the year (2025-07-15 … 2025-12-15 and 2025-01-15 …
    // 2025-06-15 minus those before 2025-06-30 − 365 days) and ¥20k in June 2026.
    let inflow_days = [
        "2025-07-15",
        "2025-08-15",
        "2025-09-15",
        "2025-10-15",
        "2025-11-15",
        "2025-12-15",
    ];
    assert_eq!(
        p.net_flow12_fen[2],
        (inflow_days.len() as i64 * 30_000 + 20_000) * 100
    );
    assert_eq!(p.monthly_inflow_fen[2], p.net_flow12_fen[2] / 12);
    assert_eq!(p.net_flow_recent_fen[2], 2_000_000);
    assert_eq!(
        p.tenure_months,
        [None, None, None],
        "no opening dates in this data"
    );
}

#[test]
fn capacity_ranks_income_and_assets_and_stays_in_range() {
    let data = three_customers();
    let as_of = as_of_date(&data);
    let features = customer_features(&data, as_of);
    let profile = customer_profile(&data, as_of);
    let capacity = financial_capacity(&data, &features, &profile);
    let scores: Vec<f64> = (0..3).map(|c| capacity.score(c)).collect();
    assert!(scores[2] > scores[1] && scores[1] > scores[0], "{scores:?}");
    assert!(
        scores.iter().all(|s| (0.0..=100.0).contains(s)),
        "{scores:?}"
    );
}

#[test]
fn the_customer_about_to_cross_the_line_is_a_potential_key_account() {
    let data = three_customers();
    let as_of = as_of_date(&data);
    let features = customer_features(&data, as_of);
    let profile = customer_profile(&data, as_of);
    let threshold = TierRules::workload_defaults().tiers[1].min_aum_fen;
    let potential = key_account_potential(&data, &features, &profile, threshold);
    let listed = potential_key_accounts(&potential, &features.aum_fen, threshold);
    assert_eq!(
        listed,
        vec![2],
        "only C3: {:?}",
        (0..3).map(|c| potential.score(c)).collect::<Vec<_>>()
    );
    let reasons = potential.explain(2);
    assert!(reasons[..2].iter().any(|(f, _)| *f == Factor::Proximity));
    assert!(reasons[..2].iter().any(|(f, _)| *f == Factor::Momentum));
}

#[test]
fn what_if_on_the_workload_matches_retiering_everyone() {
    let data = workload_s();
    let analysis = analyse(&data, &AnalysisConfig::default());
    let aum = &analysis.features.aum_fen;
    let columns = analysis.features.tier_columns(&data);
    let current = TierRules::workload_defaults();
    let index = AumIndex::new(aum);
    for (tier, yuan) in [
        (1usize, 800_000i64),
        (1, 1_500_000),
        (0, 5_000_000),
        (2, 100_000),
    ] {
        let mut proposed = current.clone();
        proposed.tiers[tier].min_aum_fen = yuan * 100;
        let shifts = what_if(&index, &current, &proposed).expect("same ladder");
        let before = assign_tiers(&columns, &current);
        let after = assign_tiers(&columns, &proposed);
        for (t, shift) in shifts.iter().enumerate() {
            let count = |tiers: &[u8]| tiers.iter().filter(|&&x| usize::from(x) == t).count();
            assert_eq!(shift.customers_now, count(&before));
            assert_eq!(shift.customers_proposed, count(&after));
            let moved_in = (0..aum.len())
                .filter(|&c| usize::from(after[c]) == t && before[c] != after[c])
                .count();
            assert_eq!(shift.customers_in, moved_in, "tier {t} at ¥{yuan}");
        }
    }
    // Income or turnover conditions are beyond the sorted AUM: no instant answer, not a wrong one.
    let mut with_income = current.clone();
    with_income.tiers[0].min_annual_income_fen = Some(1);
    assert_eq!(what_if(&index, &current, &with_income), None);
    // The workload's own counts come back when nothing changes.
    let same = what_if(&index, &current, &current).expect("same ladder");
    let counts: Vec<usize> = same.iter().map(|s| s.customers_now).collect();
    assert_eq!(counts, [49, 401, 3903, 5647]);
    assert!(same
        .iter()
        .all(|s| s.customers_in == 0 && s.customers_out == 0));
}

#[test]
fn migration_of_a_snapshot_against_itself_and_a_later_one() {
    let before = generate(&DemoConfig::default());
    let rules = TierRules::workload_defaults();
    let config = AnalysisConfig::default();
    let a = analyse(&before, &config);
    // The same book a period later: every balance of the first customer multiplied by 100.
    let mut tables = before.tables().clone();
    for row in 0..tables.holdings.customer_idx.len() {
        if tables.holdings.customer_idx[row] == 0
            && !tables.holdings.product_type[row].is_liability()
        {
            tables.holdings.balance_fen[row] *= 100;
        }
    }
    let after = Dataset::new(tables).expect("consistent");
    let b = analyse(&after, &config);
    let snapshot = |d: &'static Dataset, t: &'static [u8], aum: &'static [i64]| TierSnapshot {
        customer_id: &d.customers().customer_id,
        tier: t,
        aum_fen: aum,
    };
    let leak = |d: Dataset| -> &'static Dataset { Box::leak(Box::new(d)) };
    let (before, after) = (leak(before), leak(after));
    let (a_tiers, b_tiers) = (leak_vec(a.tier_of_customer), leak_vec(b.tier_of_customer));
    let (a_aum, b_aum) = (leak_vec(a.features.aum_fen), leak_vec(b.features.aum_fen));
    let same = tier_migration(
        snapshot(before, a_tiers, a_aum),
        snapshot(before, a_tiers, a_aum),
        4,
    );
    assert!(same.moves.is_empty());
    let diagonal: usize = (0..4).map(|t| same.customers[t][t]).sum();
    assert_eq!(diagonal, before.n_customers());
    let later = tier_migration(
        snapshot(before, a_tiers, a_aum),
        snapshot(after, b_tiers, b_aum),
        rules.tiers.len(),
    );
    assert!(
        b_tiers[0] < a_tiers[0],
        "the first customer must move up for this test"
    );
    assert_eq!(later.moves.len(), 1);
    assert_eq!(later.moves[0].movement, Movement::Up);
    assert_eq!(
        later.moves[0].customer_id,
        before.customers().customer_id.get(0)
    );
    let from = usize::from(a_tiers[0]);
    let to = usize::from(b_tiers[0]);
    assert_eq!(later.customers[from][to], 1);
}

fn leak_vec<T>(v: Vec<T>) -> &'static [T] {
    Box::leak(v.into_boxed_slice())
}

#[test]
fn suitability_flags_products_above_tolerance_and_unassessed_customers() {
    use ProductType::*;
    let data = dataset(
        &[("C1", 0), ("C2", 0), ("C3", 0)],
        &[
            (0, Fund, 1_000),
            (0, CurrentDeposit, 1_000),
            (1, Fund, 500),
            (2, WealthManagement, 10),
            (2, Loan, 100),
        ],
        &[],
    );
    let mut tables = data.tables().clone();
    tables.customers.risk_level = vec![2, 0, 2];
    tables.holdings.risk_level = vec![4, 0, 0, 0, 5];
    let data = Dataset::new(tables).expect("consistent");
    let flags: Vec<(u32, u8, SuitabilityIssue)> = suitability_flags(&data)
        .iter()
        .map(|f| (f.holding, f.product_level, f.issue))
        .collect();
    // The R4 fund of a level-2 customer, and the fund (default R3) of an unassessed one; the
    // R2 wealth product fits level 2, deposits never flag, loans are not investments.
    assert_eq!(
        flags,
        [
            (0, 4, SuitabilityIssue::AboveTolerance),
            (2, 3, SuitabilityIssue::NotAssessed)
        ]
    );
}

#[test]
fn monthly_series_count_every_transaction_and_forecasts_report_their_error() {
    let data = workload_s();
    let analysis = analyse(&data, &AnalysisConfig::default());
    let as_of = analysis.as_of.expect("as-of");
    let series = monthly_series(
        &data,
        as_of,
        &analysis.features.aum_fen,
        &analysis.tier_of_customer,
        4,
        36,
    );
    assert_eq!(series.months.len(), 36);
    let first_day = Day::from_ymd(2023, 7, 1).expect("date");
    let in_window = data
        .transactions()
        .txn_date
        .iter()
        .filter(|&&d| d >= first_day && d <= as_of)
        .count();
    assert_eq!(series.activity[4].iter().sum::<f64>() as usize, in_window);
    // Tiers add up to the total, month by month.
    for m in 0..36 {
        let by_tier: f64 = (0..4).map(|t| series.activity[t][m]).sum();
        assert_eq!(by_tier, series.activity[4][m]);
    }
    let total_aum: f64 = analysis.features.aum_fen.iter().map(|&v| v as f64).sum();
    assert_eq!(series.aum_fen[4][35], total_aum);
    // One customer's series counts that customer's transactions and ends at their AUM.
    let customer = 17;
    let single = customer_monthly_series(&data, as_of, customer, &analysis.features.aum_fen, 36);
    let t = data.transactions();
    let own = (0..t.len())
        .filter(|&r| t.customer_idx[r] as usize == customer && t.txn_date[r] >= first_day)
        .count();
    assert!(own > 0);
    assert_eq!(single.activity[0].iter().sum::<f64>() as usize, own);
    assert_eq!(single.activity[1], single.activity[0]);
    assert_eq!(
        single.aum_fen[0][35],
        analysis.features.aum_fen[customer] as f64
    );
    let f = forecast(&series.activity[4], 3, 3);
    assert_eq!(f.values.len(), 3);
    let relative = f.holdout_relative_error.expect("held-out error");
    eprintln!(
        "S monthly activity: Holt α={} β={}, next 3 {:?}, held-out relative error {relative:.3}",
        f.alpha, f.beta, f.values
    );
    assert!(relative < 0.5, "{relative}");
}

#[test]
fn rfm_matches_sorting_by_hand_including_silent_customers_and_ties() {
    let data = workload_s();
    let analysis = analyse(&data, &AnalysisConfig::default());
    let f = &analysis.features;
    let ids = &data.customers().customer_id;
    // Small prefixes keep the naive quadratic ranking quick; ties are common in f12.
    for n in [1usize, 4, 5, 7, 23, 400] {
        let mut subset = keystone::model::TextColumn::new();
        (0..n).for_each(|c| subset.push(ids.get(c)));
        let scores = rfm_scores(&subset, &f.recency_days[..n], &f.f12[..n], &f.m12_fen[..n]);
        let buckets = ntile(n, 5);
        for c in 0..n {
            if f.f12[c] == 0 {
                // Silent in the window: ranked at the bottom, but given no score.
                assert_eq!((scores.r[c], scores.f[c], scores.m[c]), (0, 0, 0));
                continue;
            }
            // Position = how many rows sort before c (by key, then by id).
            let before = |key: &dyn Fn(usize) -> i64| {
                (0..n)
                    .filter(|&o| (key(o), ids.get(o)) < (key(c), ids.get(c)))
                    .count()
            };
            assert_eq!(
                scores.f[c],
                buckets[before(&|o| i64::from(f.f12[o]))],
                "F of row {c} of {n}"
            );
            assert_eq!(
                scores.m[c],
                buckets[before(&|o| f.m12_fen[o])],
                "M of row {c} of {n}"
            );
            assert_eq!(
                scores.r[c],
                buckets[before(&|o| -i64::from(f.recency_days[o]))],
                "R of row {c} of {n}"
            );
        }
    }
    // A customer with no holdings and no transactions takes the bottom place but no score: the
    // others rank above it.
    let silent = three_customers();
    let features = customer_features(&silent, as_of_date(&silent));
    let mut only = keystone::model::TextColumn::new();
    ["C1", "C2", "C3", "C4", "C5"]
        .iter()
        .for_each(|id| only.push(id));
    let scores = rfm_scores(
        &only,
        &[99_999, 3, 1, 0, 10],
        &[0, 5, 5, 9, 1],
        &[0, 50, 60, 90, 5],
    );
    assert_eq!((scores.r[0], scores.f[0], scores.m[0]), (0, 0, 0));
    assert_eq!(scores.r[1..], [3, 4, 5, 2]);
    assert_eq!(features.recency_days.len(), 3);
}

#[test]
fn next_best_products_never_offer_what_is_held_and_report_validation() {
    let data = generate(&DemoConfig::default());
    let as_of = as_of_date(&data);
    let features = customer_features(&data, as_of);
    let profile = customer_profile(&data, as_of);
    let mut heard = Vec::new();
    let result = next_best_products(
        &data,
        &features,
        &profile,
        ModelKind::Logistic,
        &mut |done, of| heard.push((done, of)),
    );
    assert_eq!(heard.first(), Some(&(0, OFFERED.len())));
    assert_eq!(heard.last(), Some(&(OFFERED.len(), OFFERED.len())));
    assert!(!result.products.is_empty());
    for p in &result.products {
        eprintln!(
            "demo propensity {:?}: holders {}, validation AUC {:?}, top-decile precision {:.3} (base {:.3})",
            p.product, p.holders, p.validation_auc.map(|a| (a * 1000.0).round() / 1000.0), p.precision_top_decile, p.base_rate
        );
        assert!(p.validation_auc.is_some());
        assert_eq!(p.trained_on, data.n_customers() * 4 / 5);
    }
    let h = data.holdings();
    for customer in 0..500 {
        if let Some((product, probability)) = result.next_best(customer) {
            assert!((0.0..=1.0).contains(&probability));
            let product = &product;
            let holds = (0..h.len()).any(|r| {
                h.customer_idx[r] as usize == customer
                    && h.product_type[r] == *product
                    && h.balance_fen[r] > 0
            });
            assert!(!holds, "customer {customer} already holds {product:?}");
        }
    }
    // The profile page's offers: every family not held, most probable first, the first being
    // the next-best product, and each probability explained by parts that add up to it.
    for customer in [0, 1, 17, 250] {
        let offers = customer_offers(&result, customer);
        let held = result.held[customer];
        let open = result
            .products
            .iter()
            .filter(|p| held & (1 << (p.product as u8)) == 0)
            .count();
        assert_eq!(offers.len(), open, "customer {customer}");
        assert!(offers
            .windows(2)
            .all(|w| w[0].probability >= w[1].probability));
        if let (Some(first), Some((product, probability))) =
            (offers.first(), result.next_best(customer))
        {
            assert_eq!(first.product, product);
            assert!((first.probability - probability).abs() < 1e-12);
        }
        for offer in &offers {
            let logit = offer.base + offer.contributions.iter().map(|c| c.1).sum::<f64>();
            let p = 1.0 / (1.0 + (-logit).exp());
            assert!((p - offer.probability).abs() < 1e-9);
            assert!(offer
                .contributions
                .windows(2)
                .all(|w| w[0].1.abs() >= w[1].1.abs()));
            assert!(!offer
                .contributions
                .iter()
                .any(|c| c.0 == format!("holds_{}", offer.product.key())));
            for (feature, _) in &offer.contributions {
                let zh = keystone::i18n::model_feature_name(feature, keystone::i18n::Lang::Zh);
                assert!(!zh.is_ascii(), "{feature} has no Chinese name");
            }
        }
    }
    assert_eq!(
        result,
        next_best_products(
            &data,
            &features,
            &profile,
            ModelKind::Logistic,
            &mut |_, _| {}
        ),
        "deterministic"
    );
}

/// The families' trees on the workload: validated on a fifth they never saw, better than the
/// linear model there, and, on a book larger than the training limit, trained on a sample of
/// the size asked that still learns (half of a small book costs these deep trees much:
/// the limit is set far above where that happens).
#[test]
fn next_best_trees_are_validated_and_a_sample_keeps_most_of_their_accuracy() {
    use keystone::analytics::propensity::next_best_products_sampled;
    let data = workload_s();
    let as_of = as_of_date(&data);
    let features = customer_features(&data, as_of);
    let profile = customer_profile(&data, as_of);
    let run = |kind, max_rows| {
        next_best_products_sampled(&data, &features, &profile, kind, max_rows, &mut |_, _| {})
    };
    let trees = run(ModelKind::Gbdt, usize::MAX);
    let linear = run(ModelKind::Logistic, usize::MAX);
    let sampled = run(ModelKind::Gbdt, 4_000);
    assert_eq!(trees.products.len(), OFFERED.len());
    for ((t, l), s) in trees
        .products
        .iter()
        .zip(&linear.products)
        .zip(&sampled.products)
    {
        let (t_auc, l_auc, s_auc) = (
            t.validation_auc.expect("validated"),
            l.validation_auc.expect("validated"),
            s.validation_auc.expect("validated"),
        );
        eprintln!(
            "S {:?}: trees {t_auc:.4} on {}, linear {l_auc:.4}, trees on a sample {s_auc:.4} on {}",
            t.product, t.trained_on, s.trained_on
        );
        assert_eq!(t.trained_on, 8_000);
        // Each class keeps its share: the sample's size is the limit, give or take rounding.
        assert!((4_000..=4_001).contains(&s.trained_on), "{}", s.trained_on);
        assert!(
            t_auc > l_auc,
            "{:?}: trees {t_auc:.4}, linear {l_auc:.4}",
            t.product
        );
        assert!(
            s_auc > 0.55,
            "{:?}: sample {s_auc:.4}, all {t_auc:.4}",
            t.product
        );
    }
    assert_eq!(trees, run(ModelKind::Gbdt, usize::MAX), "deterministic");
}

#[test]
fn the_workload_gets_a_k_by_silhouette_and_clusters_in_words() {
    use keystone::analytics::pipeline::{clustering_features, WORKLOAD_KMEANS};
    use keystone::analytics::segments::{choose_k, cluster_profiles, CLUSTERING_WORDS};
    let data = workload_s();
    let analysis = analyse(&data, &AnalysisConfig::default());
    let matrix = clustering_features(&data, &analysis.features);
    let chosen = choose_k(&matrix, 2..=12, &WORKLOAD_KMEANS, &mut || {});
    assert_eq!(chosen.silhouettes.len(), 11);
    let best = chosen
        .silhouettes
        .iter()
        .map(|&(_, s)| s)
        .fold(f64::MIN, f64::max);
    assert_eq!(
        chosen
            .silhouettes
            .iter()
            .find(|(k, _)| *k == chosen.k)
            .map(|p| p.1),
        Some(best)
    );
    assert_eq!(chosen.clustering.sizes.iter().sum::<usize>(), 10_000);
    let profiles = cluster_profiles(
        &chosen.clustering,
        matrix.columns,
        &analysis.features.aum_fen,
        &CLUSTERING_WORDS,
    );
    for p in &profiles {
        eprintln!(
            "S cluster: {} customers, {:.1}% of AUM, {} / {}",
            p.size,
            p.aum_share * 100.0,
            p.description.0,
            p.description.1
        );
    }
    eprintln!(
        "S silhouettes: {:?}",
        chosen
            .silhouettes
            .iter()
            .map(|(k, s)| format!("{k}:{s:.3}"))
            .collect::<Vec<_>>()
    );
    assert_eq!(profiles.len(), chosen.k);
    // Same seed, same choice.
    assert_eq!(
        choose_k(&matrix, 2..=12, &WORKLOAD_KMEANS, &mut || {}).k,
        chosen.k
    );
}

#[test]
fn rfm_grid_counts_every_customer_once_with_the_mean_m_of_its_cell() {
    let data = workload_s();
    let analysis = analyse(&data, &AnalysisConfig::default());
    let f = &analysis.features;
    let scores = rfm_scores(
        &data.customers().customer_id,
        &f.recency_days,
        &f.f12,
        &f.m12_fen,
    );
    let grid = rfm_grid(&scores);
    let total: usize = grid.iter().flatten().map(|cell| cell.customers).sum();
    let silent = f.f12.iter().filter(|&&n| n == 0).count();
    assert!(
        silent > 0,
        "the workload has customers silent in the window"
    );
    assert_eq!(total + silent, data.n_customers());
    assert_eq!(scores.without_activity(), silent);
    for r in 1..=5u8 {
        for fr in 1..=5u8 {
            let members: Vec<usize> = (0..scores.r.len())
                .filter(|&c| scores.r[c] == r && scores.f[c] == fr)
                .collect();
            let cell = grid[usize::from(r) - 1][usize::from(fr) - 1];
            assert_eq!(cell.customers, members.len());
            if !members.is_empty() {
                let mean = members.iter().map(|&c| f64::from(scores.m[c])).sum::<f64>()
                    / members.len() as f64;
                assert!((cell.mean_m - mean).abs() < 1e-12);
            }
        }
    }
}

#[test]
fn principal_components_find_the_direction_the_data_spreads_along() {
    // Points along (1, 1, 0)/√2 with a little noise across: the first component is that line
    // and shows nearly all the variance.
    let mut rng = keystone::random::SplitMix64(3);
    let mut columns = vec![Vec::new(), Vec::new(), Vec::new()];
    for _ in 0..2_000 {
        let t = rng.unit() * 10.0 - 5.0;
        let noise = (rng.unit() - 0.5) * 0.2;
        columns[0].push(t + noise);
        columns[1].push(t - noise);
        columns[2].push((rng.unit() - 0.5) * 0.1);
    }
    let mut matrix = FeatureMatrix::from_columns(&columns);
    matrix.z_score();
    let projection = principal_components(&matrix);
    let first = &projection.components[0];
    let half = std::f64::consts::FRAC_1_SQRT_2;
    assert!(
        (first[0] - half).abs() < 0.01 && (first[1] - half).abs() < 0.01,
        "{first:?}"
    );
    assert!(projection.explained[0] > 0.6, "{:?}", projection.explained);
    let dot: f64 = first
        .iter()
        .zip(&projection.components[1])
        .map(|(a, b)| a * b)
        .sum();
    assert!(dot.abs() < 1e-6, "components are orthogonal");
    // Each point's first coordinate is its dot product with the first component.
    let row = matrix.row(17);
    let expected: f64 = row.iter().zip(first).map(|(a, b)| a * b).sum();
    assert!((projection.points[17][0] - expected).abs() < 1e-12);
    // The variance along the first component is its share of the total (3 unit variances).
    let mean_square = projection.points.iter().map(|p| p[0] * p[0]).sum::<f64>() / 2_000.0;
    assert!((mean_square / 3.0 - projection.explained[0]).abs() < 1e-6);
}

#[test]
fn the_segments_reach_the_page_as_computed_with_points_in_single_precision() {
    use keystone::analytics::segments::{segment_customers, CustomerSegments, SEGMENT_STEPS};
    let data = generate(&DemoConfig::default());
    let features = customer_features(&data, as_of_date(&data));
    let mut steps = Vec::new();
    let segments = segment_customers(&data, &features, &mut |done, of| steps.push((done, of)));
    assert_eq!(
        steps,
        (1..=SEGMENT_STEPS)
            .map(|s| (s, SEGMENT_STEPS))
            .collect::<Vec<_>>(),
        "every step reported once, in order"
    );
    // The worker's message, read back on the page.
    let json = serde_json::to_string(&segments).expect("serialises");
    let read: CustomerSegments = serde_json::from_str(&json).expect("reads back");
    // Numbers come back exactly, or (serde_json parses floats fast, not always to the last bit)
    // within a unit in the last place.
    let close = |a: f64, b: f64| (a - b).abs() <= b.abs() * 1e-15;
    let all_close =
        |a: &[f64], b: &[f64]| a.len() == b.len() && a.iter().zip(b).all(|(x, y)| close(*x, *y));
    assert_eq!(read.rfm, segments.rfm);
    assert_eq!(read.chosen.k, segments.chosen.k);
    assert_eq!(
        read.chosen.clustering.assignment,
        segments.chosen.clustering.assignment
    );
    assert_eq!(
        read.chosen.clustering.sizes,
        segments.chosen.clustering.sizes
    );
    assert!(all_close(
        &read.chosen.clustering.centroids,
        &segments.chosen.clustering.centroids
    ));
    for (read, sent) in read.profiles.iter().zip(&segments.profiles) {
        assert_eq!(
            (read.size, &read.description),
            (sent.size, &sent.description)
        );
        assert!(close(read.aum_share, sent.aum_share) && all_close(&read.centre_z, &sent.centre_z));
    }
    assert!(all_close(
        &read.projection.explained,
        &segments.projection.explained
    ));
    assert_eq!(
        read.projection.points.len(),
        segments.projection.points.len()
    );
    for (read, sent) in read
        .projection
        .points
        .iter()
        .zip(&segments.projection.points)
    {
        for axis in 0..2 {
            assert!((read[axis] - sent[axis]).abs() <= sent[axis].abs() * 1e-7 + 1e-30);
        }
    }
}
