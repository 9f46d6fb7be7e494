//! Customer lists: the filters keep exactly the customers a manager asked for, and the CSV of a
//! list has its rows with formula cells neutralised.

use keystone::analytics::listing::{filter_customers, CustomerFilter, CustomerList};
use keystone::analytics::{analyse, AnalysisConfig};
use keystone::demo::{generate, DemoConfig};
use keystone::model::NO_RELATIONSHIP_MANAGER;

#[test]
fn each_filter_keeps_exactly_the_customers_that_match_it() {
    let data = generate(&DemoConfig::default());
    let analysis = analyse(&data, &AnalysisConfig::default());
    let c = data.customers();
    let aum = &analysis.features.aum_fen;
    let tiers = &analysis.tier_of_customer;
    let all = filter_customers(&data, aum, tiers, None, None, &CustomerFilter::default());
    assert_eq!(all, (0..c.len()).collect::<Vec<_>>());

    let city = c.city.get(0).to_owned();
    let filter = CustomerFilter {
        tier: Some(1),
        city: Some(city.clone()),
        min_aum_fen: Some(200_000_000),
        ..CustomerFilter::default()
    };
    let kept = filter_customers(&data, aum, tiers, None, None, &filter);
    let by_hand: Vec<usize> = (0..c.len())
        .filter(|&r| tiers[r] == 1 && c.city.get(r) == city && aum[r] >= 200_000_000)
        .collect();
    assert!(!by_hand.is_empty(), "the demo has such customers");
    assert_eq!(kept, by_hand);

    let unassigned = CustomerFilter {
        relationship_manager: Some(NO_RELATIONSHIP_MANAGER),
        ..CustomerFilter::default()
    };
    for row in filter_customers(&data, aum, tiers, None, None, &unassigned) {
        assert_eq!(c.relationship_manager_idx[row], NO_RELATIONSHIP_MANAGER);
    }

    // Search by part of an id, any case, or by a name.
    let id = c.customer_id.get(42).to_owned();
    let search = |text: &str| {
        filter_customers(
            &data,
            aum,
            tiers,
            None,
            None,
            &CustomerFilter {
                search: text.into(),
                ..CustomerFilter::default()
            },
        )
    };
    assert_eq!(search(&id), [42]);
    assert!(search(&id.to_lowercase()).contains(&42));
    let name = c.name.get(7).to_owned();
    assert!(search(&name).contains(&7));
    assert!(search("no such customer").is_empty());

    // A score range keeps the customers whose score (whole points) lies within it, both ends
    // included; without the score it keeps no one.
    let as_of = analysis.as_of;
    let profile = keystone::analytics::profile::customer_profile(&data, as_of);
    let attrition = keystone::analytics::scores::attrition_risk(&analysis.features, &profile);
    let high_risk = CustomerFilter {
        score_range: Some((60, 100)),
        ..CustomerFilter::default()
    };
    let kept = filter_customers(&data, aum, tiers, None, Some(&attrition), &high_risk);
    let by_hand: Vec<usize> = (0..c.len())
        .filter(|&r| (60.0..=100.0).contains(&attrition.score(r).round()))
        .collect();
    assert!(!by_hand.is_empty() && by_hand.len() < c.len(), "a real cut");
    assert_eq!(kept, by_hand);
    assert!(filter_customers(&data, aum, tiers, None, None, &high_risk).is_empty());
}

#[test]
fn the_csv_and_workbook_of_a_list_have_its_rows_in_order_and_never_run_a_formula() {
    let mut data = generate(&DemoConfig {
        n_customers: 20,
        ..DemoConfig::default()
    });
    // Names as a hostile export might carry them.
    let hostile = [
        "=HYPERLINK(\"http://x\")",
        "+1",
        "-2",
        "@SUM(A1)",
        "\tTab",
        "\rCR",
    ];
    data = keystone::model::Dataset::new({
        let mut tables = data.into_tables();
        let mut names = keystone::model::TextColumn::new();
        for row in 0..tables.customers.customer_id.len() {
            names.push(hostile.get(row).copied().unwrap_or("王芳"));
        }
        tables.customers.name = names;
        tables
    })
    .expect("consistent");
    let analysis = analyse(&data, &AnalysisConfig::default());
    let rows = [3, 0, 1, 2, 4, 5];
    let tier_names: Vec<String> = ["私行", "财富", "贵宾", "大众"].map(String::from).to_vec();
    let headers = [
        "客户号",
        "姓名",
        "城市",
        "层级",
        "AUM",
        "贷款",
        "产品数",
        "交易",
        "天数",
        "客户经理",
    ];
    let list = CustomerList {
        dataset: &data,
        features: &analysis.features,
        tier_of_customer: &analysis.tier_of_customer,
        tier_names: &tier_names,
        headers: &headers,
        rows: &rows,
        score: None,
    };
    let csv = list.to_csv();
    let mut reader = csv::Reader::from_reader(csv.as_bytes());
    assert_eq!(
        reader.headers().expect("header").iter().collect::<Vec<_>>(),
        headers
    );
    let records: Vec<csv::StringRecord> = reader.records().map(|r| r.expect("row")).collect();
    assert_eq!(records.len(), rows.len());
    let c = data.customers();
    for (record, &row) in records.iter().zip(&rows) {
        assert_eq!(&record[0], c.customer_id.get(row));
        let name = &record[1];
        assert!(
            !name.starts_with(['=', '+', '-', '@', '\t', '\r']),
            "a spreadsheet would run {name:?}"
        );
        assert_eq!(name.trim_start_matches('\''), c.name.get(row));
        let aum: f64 = record[4].parse().expect("AUM is a plain number");
        assert_eq!((aum * 100.0).round() as i64, analysis.features.aum_fen[row]);
    }

    // The workbook holds the same list: text as text (never a formula), money as numbers.
    use calamine::{Data, Reader};
    let bytes = list.to_xlsx("客户", 1_764_547_200).expect("workbook");
    // The core reads no clock: the time the caller gives is the file's, and so the file.
    assert_eq!(bytes, list.to_xlsx("客户", 1_764_547_200).expect("again"));
    assert_ne!(
        bytes,
        list.to_xlsx("客户", 1_764_633_600).expect("a day later")
    );
    let mut workbook =
        calamine::Xlsx::new(std::io::Cursor::new(bytes)).expect("a workbook Excel can open");
    assert_eq!(workbook.sheet_names(), ["客户"]);
    let range = workbook.worksheet_range("客户").expect("sheet");
    let formulas = workbook.worksheet_formula("客户").expect("formulas");
    assert!(
        formulas.used_cells().all(|(_, _, f)| f.is_empty()),
        "no cell is a formula"
    );
    assert_eq!(range.height(), rows.len() + 1);
    let header: Vec<String> = range
        .rows()
        .next()
        .expect("header")
        .iter()
        .map(|d| d.to_string())
        .collect();
    assert_eq!(header, headers);
    for (cells, (record, &row)) in range.rows().skip(1).zip(records.iter().zip(&rows)) {
        assert_eq!(cells[0], Data::String(c.customer_id.get(row).to_owned()));
        assert_eq!(
            cells[1],
            Data::String(record[1].to_owned()),
            "neutralised as in the CSV"
        );
        match cells[4] {
            Data::Float(yuan) => {
                assert_eq!(
                    (yuan * 100.0).round() as i64,
                    analysis.features.aum_fen[row]
                )
            }
            ref other => panic!("AUM should be a number, not {other:?}"),
        }
        assert_eq!(
            cells[6],
            Data::Float(f64::from(analysis.features.products[row]))
        );
    }
}

#[test]
fn a_list_narrowed_by_a_score_exports_it_as_a_last_column() {
    use keystone::analytics::scores::{key_threshold_fen, ScoreKind};
    let data = generate(&DemoConfig {
        n_customers: 200,
        ..DemoConfig::default()
    });
    let config = AnalysisConfig::default();
    let analysis = analyse(&data, &config);
    let profile = keystone::analytics::profile::customer_profile(&data, analysis.as_of);
    let potential = ScoreKind::Potential.compute(
        &data,
        &analysis.features,
        &profile,
        key_threshold_fen(&config.tier_rules),
    );
    let rows: Vec<usize> = (0..data.n_customers()).filter(|&r| r % 7 == 0).collect();
    let tier_names: Vec<String> = ["私行", "财富", "贵宾", "大众"].map(String::from).to_vec();
    let headers = [
        "id",
        "name",
        "city",
        "tier",
        "aum",
        "loan",
        "products",
        "f12",
        "days",
        "rm",
        "potential",
    ];
    let list = CustomerList {
        dataset: &data,
        features: &analysis.features,
        tier_of_customer: &analysis.tier_of_customer,
        tier_names: &tier_names,
        headers: &headers,
        rows: &rows,
        score: Some(&potential),
    };
    let csv = list.to_csv();
    let mut reader = csv::Reader::from_reader(csv.as_bytes());
    assert_eq!(reader.headers().expect("header").get(10), Some("potential"));
    let shown: Vec<f64> = reader
        .records()
        .map(|r| r.expect("row")[10].parse().expect("points"))
        .collect();
    let expected: Vec<f64> = rows.iter().map(|&r| potential.score(r).round()).collect();
    assert_eq!(shown, expected);

    use calamine::{Data, Reader};
    let bytes = list.to_xlsx("list", 1_764_547_200).expect("workbook");
    let mut workbook = calamine::Xlsx::new(std::io::Cursor::new(bytes)).expect("opens");
    let range = workbook.worksheet_range("list").expect("sheet");
    let column: Vec<Data> = range.rows().skip(1).map(|r| r[10].clone()).collect();
    assert_eq!(
        column,
        expected.into_iter().map(Data::Float).collect::<Vec<_>>()
    );
}
