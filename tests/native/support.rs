//! Shared helpers: fixtures, importing them, and expected-output files (compare, or rewrite
//! when `UPDATE_EXPECT=1`).

use flate2::read::GzDecoder;
use keystone::analytics::TierRules;
use keystone::import::{
    auto_map, currencies_named, detect_currency, import, read_sheet, total_named, DateStyle,
    Entity, FileInput, ImportOutcome, ImportRequest, Mapping, Sheet,
};
use keystone::model::{
    Customers, Dataset, Day, Direction, Holdings, ProductType, RelationshipManagers, Tables,
    Transactions,
};
use keystone::storage::catalogue::{SnapshotRecord, SCHEMA_VERSION};
use keystone::storage::codec::RowCounts;
use keystone::view::Loaded;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// Path of an expected-output file under `tests/data/expected/`.
pub fn expected_path(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data/expected")
        .join(name)
}

/// Asserts that `actual` equals the checked-in file, or rewrites the file when asked to.
pub fn check_expected(name: &str, actual: &str) {
    let path = expected_path(name);
    if std::env::var_os("UPDATE_EXPECT").is_some() {
        std::fs::write(&path, actual).expect("write expected output");
        return;
    }
    let expected = std::fs::read_to_string(&path).unwrap_or_else(|e| {
        panic!(
            "{}: {e} (run with UPDATE_EXPECT=1 to create it)",
            path.display()
        )
    });
    if expected != actual {
        let first_difference = expected
            .lines()
            .zip(actual.lines())
            .position(|(e, a)| e != a)
            .unwrap_or(expected.lines().count().min(actual.lines().count()));
        panic!(
            "{} differs from the computed output at line {}:\n  expected: {:?}\n  actual:   {:?}\n(run with UPDATE_EXPECT=1 if the change is intended)",
            path.display(),
            first_difference + 1,
            expected.lines().nth(first_difference),
            actual.lines().nth(first_difference)
        );
    }
}

/// Path of a test fixture under `tests/data/`.
pub fn data_path(name: &str) -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data")
        .join(name)
}

/// A fixture's bytes, gunzipped when the name ends in `.gz`.
pub fn bytes(name: &str) -> Vec<u8> {
    let raw = std::fs::read(data_path(name)).unwrap_or_else(|e| panic!("{name}: {e}"));
    if name.ends_with(".gz") {
        let mut out = Vec::new();
        GzDecoder::new(raw.as_slice())
            .read_to_end(&mut out)
            .expect("gunzip");
        out
    } else {
        raw
    }
}

/// The fixed "today" of the import tests.
pub fn today() -> Day {
    Day::parse_iso("2026-11-29").expect("date")
}

/// Reads one file and imports it as `entity` — a file whose headers show no kind, as a person
/// would declare it — with the mapping its headers suggest, or with no column mapped (every
/// column then kept as a customer attribute) when `map_columns` is false.
pub fn import_declared(
    name: &str,
    bytes: &[u8],
    entity: Entity,
    map_columns: bool,
) -> (Sheet, ImportOutcome) {
    let sheet = read_sheet(name, bytes, None).unwrap_or_else(|e| panic!("{name}: {e}"));
    let mapping = if map_columns {
        auto_map(entity, &sheet.headers)
    } else {
        Default::default()
    };
    let outcome = import_mapped(name, &sheet, entity, mapping);
    (sheet, outcome)
}

/// Reads one file as `entity` with the mapping its headers suggest, fed to the importer in
/// pieces of `piece` bytes.
pub fn import_in_pieces(name: &str, bytes: &[u8], entity: Entity, piece: usize) -> ImportOutcome {
    let sheet = read_sheet(name, bytes, None)
        .unwrap_or_else(|e| panic!("{name}: {e}"))
        .with_piece_bytes(piece);
    import_mapped(name, &sheet, entity, auto_map(entity, &sheet.headers))
}

fn import_mapped(name: &str, sheet: &Sheet, entity: Entity, mapping: Mapping) -> ImportOutcome {
    import(&ImportRequest {
        files: vec![FileInput {
            file_name: name.to_owned(),
            entity,
            sheet,
            mapping,
            date_style: DateStyle::default(),
        }],
        today: today(),
        // As the app and the CLI start: in the currency the cells name, else the default.
        currency: detect_currency(&currencies_named(sheet)),
        base: None,
    })
}

/// Reads each file, guesses its entity and mapping, and imports them together (the files
/// must each show their kind: one that does not fails the test).
pub fn import_files(files: &[(&str, Vec<u8>)]) -> (Vec<Sheet>, ImportOutcome) {
    let named: Vec<(String, Sheet)> = files
        .iter()
        .map(|(name, bytes)| {
            let sheet = read_sheet(name, bytes, None).unwrap_or_else(|e| panic!("{name}: {e}"));
            (name.to_string(), sheet)
        })
        .collect();
    let guessed = keystone::import::guess_inputs(&named);
    assert!(
        guessed.needs_mapping.is_empty(),
        "files that show no kind: {:?}",
        guessed.needs_mapping
    );
    let named_currencies: Vec<_> = named.iter().map(|(_, s)| currencies_named(s)).collect();
    let outcome = import(&ImportRequest {
        files: guessed.inputs,
        today: today(),
        currency: detect_currency(&total_named(named_currencies.iter().map(Vec::as_slice))),
        base: None,
    });
    let sheets = named.into_iter().map(|(_, sheet)| sheet).collect();
    (sheets, outcome)
}

/// Builds a dataset from short literal rows: customers `(id, rm)`, holdings
/// `(customer, product, yuan)`, transactions `(customer, date, yuan, direction)`.
pub fn dataset(
    customers: &[(&str, u32)],
    holdings: &[(u32, ProductType, i64)],
    transactions: &[(u32, &str, i64, Direction)],
) -> Dataset {
    let mut c = Customers::default();
    for &(id, rm) in customers {
        c.customer_id.push(id);
        c.name.push(id);
        c.gender.push(Default::default());
        c.birth_date.push(Day::MISSING);
        c.city.push("北京");
        c.occupation.push("职员");
        c.annual_income_fen.push(0);
        c.risk_level.push(3);
        c.relationship_manager_idx.push(rm);
        c.open_date.push(Day::MISSING);
        c.age.push(0);
        c.income_band.push(false);
    }
    let mut h = Holdings::default();
    for &(customer, product, yuan) in holdings {
        h.customer_idx.push(customer);
        h.product_type.push(product);
        h.product_code.push("P");
        h.balance_fen.push(yuan * 100);
        h.as_of.push(Day::parse_iso("2026-06-30").expect("date"));
        h.risk_level.push(0);
        h.maturity_date.push(Day::MISSING);
    }
    let mut t = Transactions::default();
    for (i, &(customer, date, yuan, direction)) in transactions.iter().enumerate() {
        t.txn_id.push(&format!("T{i}"));
        t.customer_idx.push(customer);
        t.txn_date.push(Day::parse_iso(date).expect("date"));
        t.amount_fen.push(yuan * 100);
        t.direction.push(direction);
        t.channel.push("手机银行");
        t.category.push("消费");
    }
    let mut r = RelationshipManagers::default();
    for id in ["RM1", "RM2"] {
        r.rm_id.push(id);
        r.name.push(id);
        r.branch.push("总行");
    }
    Dataset::new(Tables {
        customers: c,
        holdings: h,
        transactions: t,
        relationship_managers: r,
        ..Tables::default()
    })
    .expect("consistent test dataset")
}

/// An import's report as text, one line per file and per issue: what expected outputs hold.
pub fn report_text(outcome: &ImportOutcome) -> String {
    let mut out = String::new();
    for file in &outcome.report.files {
        out.push_str(&format!(
            "file {} entity={:?} read={} accepted={} rejected={} deduplicated={} cell_warnings={}\n",
            file.file,
            file.entity.map(|e| e.key()),
            file.rows_read,
            file.accepted,
            file.rejected,
            file.deduplicated,
            file.warnings
        ));
    }
    for issue in &outcome.report.issues {
        out.push_str(&format!(
            "{} {}:{} column={:?} value={:?} reason={}\n",
            if issue.warning { "warning" } else { "issue" },
            issue.file,
            issue.line,
            issue.column.as_deref().unwrap_or(""),
            issue.value,
            issue.reason
        ));
    }
    out
}

/// `dataset` analysed with the workload's tier rules, as a page receives it.
pub fn loaded(dataset: Dataset) -> Loaded {
    let record = SnapshotRecord {
        schema_version: SCHEMA_VERSION,
        snapshot_id: "chart-test".into(),
        dataset_name: "chart test".into(),
        imported_at: "2026-12-04T00:00:00Z".into(),
        as_of: None,
        rows: RowCounts::of(&dataset),
        second_part: RowCounts::NONE,
        sources: Vec::new(),
        currency: Default::default(),
    };
    Loaded::with_rules(record, Arc::new(dataset), TierRules::workload_defaults())
}

/// A branch's small book exported without transactions: three customers, the last with no
/// holdings and no manager.
pub fn sparse_book() -> Dataset {
    dataset(
        &[("S1", 0), ("S2", 1), ("S3", u32::MAX)],
        &[
            (0, ProductType::CurrentDeposit, 8_000_000),
            (0, ProductType::Fund, 1_200_000),
            (1, ProductType::TimeDeposit, 60_000),
        ],
        &[],
    )
}

/// A dataset row by row, for expected-output files: customers with every field, then
/// holdings, transactions, managers, and the counts of interactions and feedback.
pub fn dataset_text(data: &Dataset) -> String {
    use keystone::format::money_decimal;
    let mut out = String::new();
    let c = data.customers();
    for row in 0..c.len() {
        out.push_str(&format!(
            "customer {} {} {:?} birth={} age={} income={}{} risk={} rm={} open={} city={}\n",
            c.customer_id.get(row),
            c.name.get(row),
            c.gender[row],
            c.birth_date[row],
            c.age[row],
            money_decimal(c.annual_income_fen[row]),
            if c.income_band[row] { " (band)" } else { "" },
            c.risk_level[row],
            c.relationship_manager_idx[row],
            c.open_date[row],
            c.city.get(row)
        ));
    }
    let h = data.holdings();
    for row in 0..h.len() {
        out.push_str(&format!(
            "holding {} {:?} {} {}\n",
            c.customer_id.get(h.customer_idx[row] as usize),
            h.product_type[row],
            h.product_code.get(row),
            money_decimal(h.balance_fen[row])
        ));
    }
    let t = data.transactions();
    for row in 0..t.len() {
        out.push_str(&format!(
            "transaction {} {} {} {:?} {}\n",
            t.txn_id.get(row),
            c.customer_id.get(t.customer_idx[row] as usize),
            t.txn_date[row],
            t.direction[row],
            money_decimal(t.amount_fen[row])
        ));
    }
    let r = data.relationship_managers();
    for row in 0..r.len() {
        out.push_str(&format!(
            "manager {} {:?} {:?}\n",
            r.rm_id.get(row),
            r.name.get(row),
            r.branch.get(row)
        ));
    }
    out.push_str(&format!(
        "interactions={} feedback={} scores={:?}\n",
        data.interactions().len(),
        data.feedback().len(),
        data.feedback().score
    ));
    out
}

/// What the workload pipeline makes of a dataset, as the command line prints it: rows, the
/// date, tiers, champions and the money sums.
pub fn summary_text(data: &Dataset) -> String {
    use keystone::analytics::pipeline::{run_pipeline, WORKLOAD_KMEANS};
    use keystone::format::money_decimal;
    let rules = TierRules::workload_defaults();
    let result = run_pipeline(data, &rules, &WORKLOAD_KMEANS);
    let mut tiers = vec![0usize; rules.tiers.len()];
    for &t in &result.tier_of_customer {
        tiers[t as usize] += 1;
    }
    let f = &result.features;
    let tiers: Vec<String> = rules
        .tiers
        .iter()
        .zip(&tiers)
        .map(|(rule, n)| format!("{}={n}", rule.key))
        .collect();
    format!(
        "summary customers={} holdings={} transactions={} as_of={:?} tiers=[{}] champions={} aum={} loan={} f12={} m12={} in12={}\n",
        data.customers().len(),
        data.holdings().len(),
        data.transactions().len(),
        result.as_of.map(|d| d.to_string()),
        tiers.join(" "),
        result.champions,
        money_decimal(f.aum_fen.iter().sum()),
        money_decimal(f.loan_fen.iter().sum()),
        f.f12.iter().map(|&v| u64::from(v)).sum::<u64>(),
        money_decimal(f.m12_fen.iter().sum()),
        money_decimal(f.in12_fen.iter().sum()),
    )
}

/// The churn fixture (`tests/data/models/churn.csv`) loaded, both models trained on `column` =
/// `positive` with `folds` folds, and the better one applied: the book with it, the report and
/// the design the model reads.
pub fn churn_with_model(
    column: &str,
    positive: &str,
    folds: usize,
) -> (
    Loaded,
    keystone::analytics::models::studio::TrainingReport,
    keystone::analytics::models::Design,
) {
    use keystone::analytics::models::outcome::{column_labels, Outcome, OutcomeRule};
    use keystone::analytics::models::selection::candidates;
    use keystone::analytics::models::studio::{train, AppliedModel};
    let (_, outcome) = import_files(&[("churn.csv", bytes("models/churn.csv"))]);
    let book = loaded(outcome.dataset);
    let rule = OutcomeRule::Values(vec![positive.to_owned()]);
    let labels = column_labels(book.dataset.customers(), column, &rule).expect("labels");
    let candidates = candidates(
        &book.dataset,
        &book.analysis.features,
        &book.scored().profile,
    );
    let (report, finals) = train(
        &candidates,
        &labels,
        Some(column),
        None,
        folds,
        &mut |_, _| {},
        &|| 0.0,
    )
    .expect("trained");
    let best = report.best().expect("a model").kind;
    let model = finals.into_iter().find(|f| f.kind == best).expect("final");
    let design = candidates.design.select(&model.features);
    let applied = AppliedModel {
        name: format!("{column} = {positive}"),
        version: 1,
        outcome: Outcome::Column {
            column: column.to_owned(),
            rule,
        },
        probabilities: model.probabilities(&design),
        model,
        report: report.clone(),
    };
    (book.with_applied(Some(Arc::new(applied))), report, design)
}

/// Each customer's last contact after `journal`, as the workbench computes it.
pub fn last_contacts_after(
    data: &Dataset,
    journal: &keystone::journal::Journal,
) -> Vec<Option<keystone::model::Day>> {
    use keystone::analytics::workbench::{client_events, contacts, last_contacts, EventCustomers};
    let all = contacts(
        data,
        &EventCustomers::resolve(data, journal),
        journal,
        &client_events(journal),
    );
    last_contacts(data, &all)
}
