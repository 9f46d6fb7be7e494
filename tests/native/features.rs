//! Features, tiers and relationship-manager books on small datasets whose answers are known.

use super::support::dataset;
use keystone::analytics::{analyse, AnalysisConfig, NO_TRANSACTION_RECENCY};
use keystone::model::{
    Customers, Dataset, Day, Direction, ProductType, Tables, NO_RELATIONSHIP_MANAGER,
};

#[test]
fn features_follow_the_workload_definitions() {
    use Direction::{In, Out};
    use ProductType::*;
    let data = dataset(
        &[("C1", 0), ("C2", 1), ("C3", NO_RELATIONSHIP_MANAGER)],
        &[
            (0, CurrentDeposit, 1_000),
            (0, Fund, 6_999_000),
            (0, Loan, 500),
            (0, CreditCard, 300),
            (1, TimeDeposit, 0),
            (1, WealthManagement, 60_000),
        ],
        &[
            // 2026-06-30 is as-of; the window is the 365 days after 2025-06-30.
            (0, "2026-06-30", 10, In),
            (0, "2025-07-01", 20, Out),
            (0, "2025-06-30", 40, In),
            (1, "2026-01-01", 5, Out),
        ],
    );
    let analysis = analyse(&data, &AnalysisConfig::default());
    let f = &analysis.features;
    assert_eq!(analysis.as_of, Day::parse_iso("2026-06-30"));
    assert_eq!(
        f.aum_fen,
        vec![700_000_000, 6_000_000, 0],
        "liabilities excluded"
    );
    assert_eq!(f.loan_fen, vec![50_000, 0, 0], "only 贷款 counts as loan");
    assert_eq!(f.products, vec![4, 1, 0], "zero balances are not held");
    assert_eq!(
        f.f12,
        vec![2, 1, 0],
        "the window excludes as-of minus 365 days"
    );
    assert_eq!(f.m12_fen, vec![3_000, 500, 0]);
    assert_eq!(f.in12_fen, vec![1_000, 0, 0]);
    assert_eq!(f.recency_days, vec![0, 180, NO_TRANSACTION_RECENCY]);
    assert_eq!(analysis.tier_of_customer, vec![0, 2, 3]);
    assert_eq!(analysis.tier_summary.customers, vec![1, 0, 1, 1]);
    assert_eq!(analysis.books.by_manager[0].key_accounts, 1);
    assert_eq!(analysis.books.by_manager[1].aum_fen, 6_000_000);
    assert_eq!(analysis.books.unassigned.clients, 1);
    // Customer 1 holds a fund, a loan and a card (private tier); customer 2 only 理财 (affluent).
    let mix = &analysis.product_mix;
    assert_eq!(mix[0][Fund as usize], 1);
    assert_eq!(mix[0][CreditCard as usize], 1);
    assert_eq!(mix[2][WealthManagement as usize], 1);
    assert_eq!(
        mix[2][TimeDeposit as usize], 0,
        "a zero balance is not held"
    );
}

#[test]
fn an_empty_dataset_has_no_as_of_and_empty_tiers() {
    let analysis = analyse(&Dataset::default(), &AnalysisConfig::default());
    assert_eq!(analysis.as_of, None);
    assert_eq!(analysis.tier_summary.total_customers(), 0);
    assert_eq!(analysis.tier_summary.customers.len(), 4);
}

#[test]
fn ragged_tables_and_dangling_references_are_refused() {
    let mut customers = Customers::default();
    customers.customer_id.push("C1");
    assert!(Dataset::new(Tables {
        customers,
        ..Tables::default()
    })
    .is_err());

    let data = dataset(&[("C1", 0)], &[], &[]);
    let mut holdings = data.holdings().clone();
    holdings.customer_idx.push(7);
    holdings.product_type.push(ProductType::Fund);
    holdings.product_code.push("P");
    holdings.balance_fen.push(1);
    holdings.as_of.push(Day::MISSING);
    holdings.risk_level.push(0);
    holdings.maturity_date.push(Day::MISSING);
    let refused = Dataset::new(Tables {
        holdings,
        ..data.tables().clone()
    });
    assert!(
        refused.is_err(),
        "a holding of an unknown customer must be refused"
    );
}
