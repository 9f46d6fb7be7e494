//! The view models the pages bind to: URL states that read back what they write, the Customers
//! page's list against the core's filter, and the import panel's reducer on every path.

use keystone::analytics::listing::{filter_customers, CustomerFilter};
use keystone::analytics::scores::ScoreKind;
use keystone::analytics::TierRules;
use keystone::demo::{generate, DemoConfig};
use keystone::i18n::Lang;
use keystone::import::{read_sheet, Entity, Field, Mapping, MappingPreset};
use keystone::storage::catalogue::{SnapshotRecord, SCHEMA_VERSION};
use keystone::storage::codec::RowCounts;
use keystone::view::customers::{customers_page, listed, PAGE_SIZE};
use keystone::view::import_session::{
    ImportFailure, ImportSession, ImportStage, ImportStep, Validated,
};
use keystone::view::url::{Column, CustomerQuery, CustomersQuery, Page};
use keystone::view::Loaded;
use keystone::worker::protocol::SheetSummary;

/// Splits a link's query into pairs, decoding `%XX` as UTF-8, as the router does.
fn query_of(link: &str) -> Vec<(String, String)> {
    let decode = |text: &str| {
        let bytes = text.as_bytes();
        let mut out = Vec::new();
        let mut i = 0;
        while i < bytes.len() {
            if bytes[i] == b'%' {
                out.push(u8::from_str_radix(&text[i + 1..i + 3], 16).expect("hex"));
                i += 3;
            } else {
                out.push(bytes[i]);
                i += 1;
            }
        }
        String::from_utf8(out).expect("utf-8")
    };
    let (_, query) = link.split_once('?').expect("a query");
    query
        .split('&')
        .map(|pair| {
            let (k, v) = pair.split_once('=').expect("key=value");
            (k.to_owned(), decode(v))
        })
        .collect()
}

fn read_back(link: &str) -> CustomersQuery {
    let pairs = query_of(link);
    let borrowed: Vec<(&str, &str)> = pairs
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    assert_eq!(borrowed[0], ("page", "customers"));
    CustomersQuery::from_query(borrowed.as_slice())
}

#[test]
fn a_customer_list_url_reads_back_as_the_list_it_was_written_from() {
    let cases = [
        CustomersQuery::default(),
        CustomersQuery {
            tier: Some("private".into()),
            relationship_manager: Some("RM 007/甲".into()),
            city: Some("上海".into()),
            risk_level: Some(4),
            min_aum_fen: Some(100_000_050),
            max_aum_fen: Some(-5),
            search: "王 & co=1%".into(),
            rfm_cell: Some((5, 1)),
            cluster: Some(3),
            score: Some(ScoreKind::Attrition),
            score_min: 40,
            score_max: 90,
            sort: Column::Recency,
            descending: false,
            page: 7,
        },
    ];
    for query in cases {
        let link = query.to_href("/keystone/");
        assert!(link.starts_with("/keystone/?page=customers"), "{link}");
        assert_eq!(read_back(&link), query, "{link}");
    }
}

#[test]
fn a_customer_list_url_that_does_not_parse_falls_back_to_defaults() {
    let query = CustomersQuery::from_query(
        [
            ("risk", "high"),
            ("min", "1e9"),
            ("max", "12.345"),
            ("p", "0"),
            ("sort", "nonsense"),
            ("smin", "40"),
        ]
        .as_slice(),
    );
    // No score chosen, so its bounds are not read either.
    assert_eq!(query, CustomersQuery::default());
    let exact = CustomersQuery::from_query([("min", "1000000.5"), ("max", "12")].as_slice());
    assert_eq!(exact.min_aum_fen, Some(100_000_050), "yuan to fen, exactly");
    assert_eq!(exact.max_aum_fen, Some(1_200));
}

#[test]
fn sorting_paging_and_filtering_move_the_list_as_a_manager_expects() {
    let query = CustomersQuery::default().at_page(3);
    let by_name = query.sorted_by(Column::Name);
    assert_eq!(
        (by_name.sort, by_name.descending, by_name.page),
        (Column::Name, true, 1)
    );
    let again = by_name.sorted_by(Column::Name);
    assert!(!again.descending, "a second click turns the order round");
    let filtered = query.with_filter("tier", "wealth");
    assert_eq!(
        (filtered.tier.as_deref(), filtered.page),
        (Some("wealth"), 1)
    );
    assert_eq!(filtered.with_filter("tier", "").tier, None, "empty clears");
    let scored = query
        .with_filter("score", "potential")
        .with_filter("smin", "60");
    assert_eq!(
        (scored.score, scored.score_min),
        (Some(ScoreKind::Potential), 60)
    );
    assert_eq!(scored.filter_value("smin"), "60");
    let unscored = scored.with_filter("score", "");
    assert_eq!((unscored.score, unscored.score_min), (None, 0));
}

#[test]
fn page_and_customer_links_name_what_they_open() {
    assert_eq!(
        Page::from_slug(Some("managers")),
        Page::RelationshipManagers
    );
    assert_eq!(Page::from_slug(Some("nope")), Page::Overview);
    assert_eq!(Page::from_slug(None), Page::Overview);
    for page in Page::NAVIGATION {
        assert_eq!(Page::from_slug(Some(page.slug())), page);
    }
    let link = CustomerQuery {
        customer_id: "C 01/乙".into(),
    }
    .to_href("/");
    assert_eq!(link, "/?page=customer&id=C%2001%2F%E4%B9%99");
    let pairs = query_of(&link);
    let borrowed: Vec<(&str, &str)> = pairs
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    assert_eq!(
        CustomerQuery::from_query(borrowed.as_slice()).map(|q| q.customer_id),
        Some("C 01/乙".into())
    );
    assert_eq!(CustomerQuery::from_query([("id", "")].as_slice()), None);
}

fn demo_loaded() -> Loaded {
    super::support::loaded(generate(&DemoConfig {
        n_customers: 600,
        transactions_per_customer: 8,
        seed: 11,
    }))
}

#[test]
fn the_customers_page_lists_what_the_core_filter_keeps_in_the_urls_order() {
    let loaded = demo_loaded();
    let query = CustomersQuery {
        tier: Some("affluent".into()),
        sort: Column::Aum,
        descending: true,
        ..CustomersQuery::default()
    };
    let order = listed(&loaded, &query, None);
    let tiers = &loaded.analysis.tier_of_customer;
    let by_core = filter_customers(
        &loaded.dataset,
        &loaded.analysis.features.aum_fen,
        tiers,
        None,
        None,
        &CustomerFilter {
            tier: Some(2),
            ..CustomerFilter::default()
        },
    );
    let mut expected = by_core.clone();
    expected.sort_by_key(|&r| std::cmp::Reverse(loaded.analysis.features.aum_fen[r]));
    assert!(
        order.len() > PAGE_SIZE,
        "more than one page: {}",
        order.len()
    );
    let aum: Vec<i64> = order
        .iter()
        .map(|&r| loaded.analysis.features.aum_fen[r])
        .collect();
    let expected_aum: Vec<i64> = expected
        .iter()
        .map(|&r| loaded.analysis.features.aum_fen[r])
        .collect();
    assert_eq!(aum, expected_aum, "AUM, largest first");

    let page = customers_page(&loaded, &query.at_page(2), None, Lang::En, "/k/");
    assert_eq!(page.count, by_core.len());
    assert_eq!(page.page, 2);
    assert_eq!(page.n_pages, by_core.len().div_ceil(PAGE_SIZE));
    let customers = loaded.dataset.customers();
    let ids: Vec<&str> = page.rows.iter().map(|r| r.customer_id.as_str()).collect();
    let expected_ids: Vec<&str> = order[PAGE_SIZE..(2 * PAGE_SIZE).min(order.len())]
        .iter()
        .map(|&r| customers.customer_id.get(r))
        .collect();
    assert_eq!(ids, expected_ids);
    assert!(page.rows.iter().all(|r| r.tier == "Affluent"));
    assert_eq!(page.previous, Some(query.at_page(1).to_href("/k/")));
    let aum_header = page
        .headers
        .iter()
        .find(|h| h.column == Column::Aum)
        .expect("AUM");
    assert_eq!(
        (aum_header.aria_sort, aum_header.arrow),
        ("descending", " ▼")
    );
    assert!(read_back(&aum_header.href).descending.eq(&false));
    // A page past the end shows the last one.
    let past = customers_page(&loaded, &query.at_page(999), None, Lang::Zh, "/");
    assert_eq!(past.page, past.n_pages);
    assert_eq!(past.next, None);
}

fn summary(name: &str, csv: &str) -> SheetSummary {
    let sheet = read_sheet(name, csv.as_bytes(), None).expect("reads");
    SheetSummary::of(name, csv.len(), &sheet)
}

#[test]
fn an_import_session_goes_from_pick_to_commit() {
    let mut session = ImportSession::default();
    session.step(ImportStep::Picked { bytes: 1e6 });
    assert_eq!(session.stage, ImportStage::Reading);
    let exported = summary(
        "a.csv",
        "客户编号,户名\r\nC00000001,王伟\r\nC00000002,李娜\r\n",
    );
    let preset = MappingPreset {
        name: "核心客户".into(),
        signature: keystone::import::header_signature(&exported.headers),
        entity: Entity::Customers,
        mapping: Mapping {
            columns: vec![(Field::CustomerId, 0), (Field::Name, 1)],
            ..Mapping::default()
        },
    };
    session.step(ImportStep::Read {
        summaries: vec![exported, summary("b.csv", "x,y\n1,2\n")],
        presets: vec![preset.clone()],
    });
    assert_eq!(session.stage, ImportStage::Mapping);
    assert_eq!(session.applied_preset.as_deref(), Some("核心客户"));
    assert_eq!(
        session.files[0].mapping, preset.mapping,
        "the preset's mapping applies"
    );
    // `x,y` shows no kind: the import waits until it is mapped or removed (#19, problem 1).
    assert_eq!(session.files[1].entity, None);
    assert_eq!(session.needs_mapping(), ["b.csv"]);
    session.step(ImportStep::Validate);
    assert_eq!(session.stage, ImportStage::Mapping);
    session.step(ImportStep::Drop(1));
    assert!(session.needs_mapping().is_empty());
    session.step(ImportStep::Validate);
    session.step(ImportStep::Progress(40));
    assert_eq!(
        (session.stage.clone(), session.rows_done),
        (ImportStage::Validating, 40)
    );
    session.step(ImportStep::Validated(Validated {
        report: Default::default(),
        rows: RowCounts::NONE,
        sha256: vec![String::new(); 1],
    }));
    assert!(matches!(session.stage, ImportStage::Validated(_)));
    session.step(ImportStep::Progress(41));
    assert_eq!(
        session.rows_done, 40,
        "progress after the import changes nothing"
    );
    session.step(ImportStep::Commit);
    assert_eq!(session.stage, ImportStage::Committing);
    session.step(ImportStep::Committed);
    assert_eq!(session, ImportSession::default());
}

#[test]
fn an_import_session_refuses_too_much_and_ignores_stale_messages() {
    let mut session = ImportSession::default();
    session.step(ImportStep::Picked { bytes: 1e9 });
    let ImportStage::Failed(failure) = &session.stage else {
        panic!("{:?}", session.stage)
    };
    assert!(matches!(failure, ImportFailure::TooLarge { .. }));
    assert!(
        failure.text(Lang::En).contains("3000 MB"),
        "{}",
        failure.text(Lang::En)
    );

    // A worker's reply after a cancel changes nothing.
    let mut session = ImportSession::default();
    session.step(ImportStep::Picked { bytes: 10.0 });
    session.step(ImportStep::Cancel);
    session.step(ImportStep::Read {
        summaries: vec![summary("a.csv", "a\n1\n")],
        presets: Vec::new(),
    });
    session.step(ImportStep::Failed("late".into()));
    assert_eq!(session, ImportSession::default());

    // A failure while reading is shown; the next pick starts afresh.
    session.step(ImportStep::Picked { bytes: 10.0 });
    session.step(ImportStep::Failed("a.csv: binary".into()));
    assert_eq!(
        session.stage,
        ImportStage::Failed(ImportFailure::Said("a.csv: binary".into()))
    );
    session.step(ImportStep::Picked { bytes: 10.0 });
    assert_eq!(session.stage, ImportStage::Reading);
    // A worker that crashes mid-import ends the import with a translated reason, instead of
    // a progress bar that runs forever; a late crash report after a save changes nothing.
    session.step(ImportStep::Read {
        summaries: vec![summary("c.csv", "客户号,姓名\nC1,王伟\n")],
        presets: Vec::new(),
    });
    session.step(ImportStep::Validate);
    assert_eq!(session.stage, ImportStage::Validating);
    session.step(ImportStep::WorkerStopped(
        "RuntimeError: unreachable".into(),
    ));
    let ImportStage::Failed(failure) = &session.stage else {
        panic!("still {:?}", session.stage);
    };
    assert_eq!(
        failure.text(Lang::Zh),
        "导入进程意外停止：导入已取消，未保存任何数据。可重试，或检查文件后再导入。 (RuntimeError: unreachable)"
    );
    assert!(failure
        .text(Lang::En)
        .starts_with("The import worker stopped unexpectedly"));
    session.step(ImportStep::Cancel);
    session.step(ImportStep::WorkerStopped("late".into()));
    assert_eq!(session.stage, ImportStage::Idle);
}

#[test]
fn the_overview_shows_the_cores_figures_and_links_each_tier_to_its_list() {
    use keystone::view::overview::{overview, SincePrevious};
    let loaded = demo_loaded();
    let page = overview(&loaded, Lang::En, "/k/");
    let kpi = |id: &str| {
        page.kpis
            .iter()
            .find(|k| k.testid == id)
            .map(|k| k.value.clone())
            .expect("a KPI")
    };
    assert_eq!(kpi("customers"), "600");
    let key_tiers = loaded.tier_rules.key_account_tiers() as u8;
    let key_accounts = loaded
        .analysis
        .tier_of_customer
        .iter()
        .filter(|&&t| t < key_tiers)
        .count();
    assert_eq!(kpi("key-accounts"), keystone::format::count(key_accounts));
    assert_eq!(page.tiers.len(), 4);
    for (tier, row) in page.tiers.iter().enumerate() {
        assert_eq!(read_back(&row.href).tier.as_deref(), Some(row.key.as_str()));
        let in_tier = loaded
            .analysis
            .tier_of_customer
            .iter()
            .filter(|&&t| t as usize == tier)
            .count();
        assert_eq!(row.customers, keystone::format::count(in_tier));
    }
    assert_eq!(
        page.tiers[3].threshold, "–",
        "the last rung takes everyone left"
    );
    assert_eq!(page.tier_bars.links.len(), 4);
    let (trend, note) = page.trend.expect("the demo has transactions");
    assert_eq!(trend.forecast_fen.len(), 6);
    assert!(note.starts_with("Forecast"), "{note}");

    // Against itself, every customer stays in their tier and AUM has not moved.
    let since = SincePrevious::of(&loaded, loaded.record.clone(), &loaded.dataset);
    let tiers = loaded.tier_rules.tiers.len();
    for from in 0..=tiers {
        for to in 0..=tiers {
            if from != to {
                assert_eq!(since.migration.customers[from][to], 0, "{from} → {to}");
            }
        }
    }
    assert_eq!(since.aum_change(&loaded, Lang::En), "¥0.00");
}

#[test]
fn a_customers_rows_grouped_once_are_those_a_scan_finds_in_order() {
    use keystone::view::Grouped;
    let loaded = demo_loaded();
    let holdings = loaded.dataset.holdings();
    let grouped = &loaded.customer_rows().holdings;
    for customer in [0, 1, 17, 599] {
        let scanned: Vec<usize> = (0..holdings.len())
            .filter(|&h| holdings.customer_idx[h] as usize == customer)
            .collect();
        assert_eq!(grouped.of(customer).collect::<Vec<_>>(), scanned);
    }
    let small = Grouped::by_customer(&[2, 0, 2, 1, 0], 4);
    assert_eq!(small.of(0).collect::<Vec<_>>(), [1, 4]);
    assert_eq!(small.of(2).collect::<Vec<_>>(), [0, 2]);
    assert_eq!(small.of(3).count(), 0, "a customer without rows");
    let id = loaded.dataset.customers().customer_id.get(42).to_owned();
    assert_eq!(loaded.find_customer(&id), Some(42));
    assert_eq!(loaded.find_customer("no such id"), None);
}

#[test]
fn the_managers_page_lists_every_book_largest_first_and_links_each_to_its_clients() {
    use keystone::view::managers::{average_scores, managers_page};
    let loaded = demo_loaded();
    let page = managers_page(&loaded, Lang::En, "/");
    let managers = loaded.dataset.relationship_managers();
    assert_eq!(page.books.len(), managers.len());
    let aum_of = |id: &str| {
        let m = (0..managers.len())
            .find(|&m| managers.rm_id.get(m) == id)
            .expect("a manager");
        loaded.analysis.books.by_manager[m].aum_fen
    };
    let aums: Vec<i64> = page.books.iter().map(|b| aum_of(&b.rm_id)).collect();
    assert!(aums.windows(2).all(|w| w[0] >= w[1]), "largest book first");
    for book in page.books.iter().chain([&page.unassigned]) {
        assert_eq!(
            read_back(&book.href).relationship_manager.as_deref(),
            Some(book.rm_id.as_str())
        );
    }
    assert_eq!(page.workload.tiers.len(), managers.len());
    // Mean scores per book, against a plain mean over the book's clients.
    let scores = average_scores(&loaded);
    let customers = loaded.dataset.customers();
    let first: Vec<usize> = (0..customers.len())
        .filter(|&c| customers.relationship_manager_idx[c] == 0)
        .collect();
    let mean = first
        .iter()
        .map(|&c| loaded.scored().attrition.score(c))
        .sum::<f64>()
        / first.len() as f64;
    let attrition = scores[0].0.expect("the demo has transactions");
    assert!((attrition - mean).abs() < 1e-9);
}

#[test]
fn tier_thresholds_typed_in_the_readers_unit_read_exactly_and_a_ladder_must_fall() {
    use keystone::view::segments::{
        fen_to_threshold, threshold_to_fen, valid_ladder, what_if_view,
    };
    // Chinese bankers type 万元, English ones thousands: ¥1,000,000 is 100 or 1000.
    for (typed, zh, en) in [
        ("100", Some(100_000_000), Some(10_000_000)),
        (" 600 ", Some(600_000_000), Some(60_000_000)),
        ("1000", Some(1_000_000_000), Some(100_000_000)),
        ("0.5", Some(500_000), Some(50_000)),
        ("5.000001", Some(5_000_001), None),
        ("1.2345", Some(1_234_500), Some(123_450)),
        ("5.00001", Some(5_000_010), Some(500_001)),
        (".25", Some(250_000), Some(25_000)),
        ("0", None, None),
        ("-5", None, None),
        ("1e3", None, None),
        ("1.2.3", None, None),
        ("5.0000001", None, None),
        ("", None, None),
        ("99999999999999", None, None),
    ] {
        for (lang, fen) in [(Lang::Zh, zh), (Lang::En, en)] {
            assert_eq!(threshold_to_fen(typed, lang), fen, "{typed:?} {lang:?}");
            if let Some(fen) = fen {
                assert_eq!(
                    threshold_to_fen(&fen_to_threshold(fen, lang), lang),
                    Some(fen),
                    "{typed:?} {lang:?} round trip"
                );
            }
        }
    }
    assert_eq!(fen_to_threshold(600_000_000, Lang::Zh), "600");
    assert_eq!(fen_to_threshold(600_000_000, Lang::En), "6000");
    assert_eq!(fen_to_threshold(500_000, Lang::Zh), "0.5");
    assert_eq!(fen_to_threshold(5_000_000, Lang::En), "50");

    let mut rules = TierRules::workload_defaults();
    assert!(valid_ladder(&rules));
    rules.tiers[1].min_aum_fen = rules.tiers[0].min_aum_fen;
    assert!(!valid_ladder(&rules), "thresholds must fall");

    let loaded = demo_loaded();
    let (rows, spec) =
        what_if_view(&loaded, &loaded.tier_rules, Lang::En).expect("an AUM-only ladder");
    assert_eq!(rows.len(), 4);
    assert!(rows
        .iter()
        .all(|r| r.customers_in == "+0" && r.customers_out == "−0"));
    assert_eq!(
        rows.iter()
            .map(|r| r.customers_now.clone())
            .collect::<Vec<_>>(),
        rows.iter()
            .map(|r| r.customers_proposed.clone())
            .collect::<Vec<_>>()
    );
    assert_eq!(spec.tiers.len(), 4);
    // Raising the wealth threshold moves customers down from it, and only down.
    let mut higher = loaded.tier_rules.clone();
    higher.tiers[1].min_aum_fen *= 2;
    let (rows, _) = what_if_view(&loaded, &higher, Lang::En).expect("what-if");
    assert_ne!(rows[1].customers_out, "−0");
    assert_eq!(rows[0].customers_in, "+0");
}

#[test]
fn the_import_figures_carry_every_attribute_the_bench_reads() {
    use keystone::view::import_session::ImportFigures;
    let mut figures = ImportFigures::picked(125e6);
    assert_eq!(figures.summary(Lang::En), None, "nothing read yet");
    figures.read_ms = 110.0;
    figures.validate_ms = 1_000.0;
    figures.rows = 2_000_000;
    figures.workers = 2;
    figures.commit_ms = 330.0;
    let line = figures.summary(Lang::En).expect("a summary");
    assert!(line.contains("125.0 MB"), "{line}");
    // A small export is not "0.0 MB".
    let mut small = ImportFigures::picked(1_730.0);
    small.read_ms = 5.0;
    let small = small.summary(Lang::Zh).expect("read");
    assert!(small.contains("1.7 KB"), "{small}");
    assert!(line.contains("2,000,000"), "{line}");
    assert!(line.contains("2000000 "), "rows per second: {line}");
    let names: Vec<&str> = figures
        .attributes(7.0)
        .into_iter()
        .map(|(n, _)| n)
        .collect();
    // Every attribute of the import panel that benches/browser.rs reads.
    let bench = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/benches/browser.rs"))
        .expect("the browser bench");
    for read in [
        "data-read-ms",
        "data-validate-ms",
        "data-worker-read-ms",
        "data-parse-ms",
        "data-file-read-ms",
        "data-pack-ms",
        "data-digest-wait-ms",
        "data-commit-ms",
        "data-commit-steps-ms",
        "data-worker-memory-bytes",
        "data-columnar-bytes",
        "data-stored-bytes",
    ] {
        assert!(bench.contains(read), "the bench no longer reads {read}");
        assert!(names.contains(&read), "{read} is not set");
    }
}

#[test]
fn a_customers_profile_shows_their_own_facts_holdings_and_warnings() {
    use keystone::analytics::propensity::Offer;
    use keystone::analytics::suitability::suitability_flag;
    use keystone::model::ProductType;
    use keystone::view::customer::{customer_profile, offers_view, OFFER_FACTORS};
    let loaded = demo_loaded();
    let holdings = loaded.dataset.holdings();
    // The customer with the most holdings.
    let row = (0..loaded.dataset.n_customers())
        .max_by_key(|&c| loaded.customer_rows().holdings.of(c).count())
        .expect("a customer");
    let page = customer_profile(&loaded, row, Lang::En);
    let customers = loaded.dataset.customers();
    assert_eq!(page.facts[0].1, customers.customer_id.get(row));
    assert_eq!(page.name, customers.name.get(row));
    let held: i64 = (0..holdings.len())
        .filter(|&h| holdings.customer_idx[h] as usize == row)
        .map(|h| holdings.balance_fen[h])
        .sum();
    let chart = page.holdings.expect("holdings");
    assert_eq!(
        chart.values.iter().sum::<i64>(),
        held,
        "every holding, by product"
    );
    let flagged = (0..holdings.len())
        .filter(|&h| holdings.customer_idx[h] as usize == row)
        .filter(|&h| suitability_flag(&loaded.dataset, h).is_some())
        .count();
    assert_eq!(page.suitability.len(), flagged);
    assert_eq!(
        page.tags.iter().any(|&(_, key)| key == "suitability"),
        flagged > 0
    );
    assert_eq!(page.scores.len(), 3);
    assert_eq!(
        page.kpis[0].value,
        keystone::format::money_compact(loaded.analysis.features.aum_fen[row], Lang::En)
    );

    let offer = |product, probability| Offer {
        product,
        probability,
        validation_auc: Some(0.8123),
        base_rate: 0.25,
        base: -1.0,
        contributions: (0..OFFER_FACTORS + 2)
            .map(|i| (format!("feature{i}"), 0.1))
            .collect(),
        trained_on: 20_000,
    };
    assert_eq!(
        offers_view(&[], Lang::En, "2026-12-01"),
        None,
        "nothing to offer"
    );
    let (rows, spec) = offers_view(
        &[
            offer(ProductType::Fund, 0.42),
            offer(ProductType::Insurance, 0.2),
        ],
        Lang::En,
        "2026-12-01",
    )
    .expect("offers");
    assert_eq!(rows.len(), 2);
    assert_eq!(
        (
            rows[0].probability.as_str(),
            rows[0].validation_auc.as_str()
        ),
        ("42%", "0.81")
    );
    assert_eq!(
        spec.factors.len(),
        OFFER_FACTORS + 1,
        "the rest summed into one bar"
    );
    assert!((spec.factors[OFFER_FACTORS].1 - 0.2).abs() < 1e-9);
}

#[test]
fn stored_snapshots_group_by_dataset_the_shown_one_first_newest_first() {
    use keystone::view::data::dataset_groups;
    let snapshot = |id: &str, dataset: &str, at: &str| SnapshotRecord {
        schema_version: SCHEMA_VERSION,
        snapshot_id: id.into(),
        dataset_name: dataset.into(),
        imported_at: at.into(),
        as_of: None,
        rows: RowCounts::NONE,
        second_part: RowCounts::NONE,
        sources: Vec::new(),
        currency: Default::default(),
    };
    let list = vec![
        snapshot("a1", "分行A", "2026-10-01T00:00:00Z"),
        snapshot("z1", "总行", "2026-09-01T00:00:00Z"),
        snapshot("b1", "分行B", "2026-10-02T00:00:00Z"),
        snapshot("a2", "分行A", "2026-11-01T00:00:00Z"),
        snapshot("b2", "分行B", "2026-11-02T00:00:00Z"),
    ];
    let groups = dataset_groups(list.clone(), Some("b1"));
    let shape: Vec<(&str, Vec<&str>)> = groups
        .iter()
        .map(|g| {
            let ids = g.snapshots.iter().map(|r| r.snapshot_id.as_str()).collect();
            (g.dataset_name.as_str(), ids)
        })
        .collect();
    assert_eq!(
        shape,
        [
            ("分行B", vec!["b2", "b1"]),
            ("分行A", vec!["a2", "a1"]),
            ("总行", vec!["z1"]),
        ]
    );
    assert_eq!(dataset_groups(list, None)[0].dataset_name, "分行A");
    assert!(dataset_groups(Vec::new(), None).is_empty());
}

#[test]
fn a_book_without_transactions_or_holdings_says_what_is_missing_instead_of_guessing() {
    use super::support::{loaded, sparse_book};
    use keystone::view::customer::customer_profile;
    use keystone::view::managers::managers_page;
    let book = loaded(sparse_book());
    for lang in [Lang::Zh, Lang::En] {
        // S1 holds deposits and a fund; S3 holds nothing. Nobody has a transaction.
        let rich = customer_profile(&book, 0, lang);
        assert!(!rich.has_transactions && rich.has_holdings);
        assert!(
            rich.trend.is_none(),
            "no trend drawn from flows nobody imported"
        );
        assert!(rich.mix.is_none());
        let scores: Vec<&str> = rich.scores.iter().map(|s| s.1).collect();
        assert!(
            !scores.contains(&"attrition"),
            "no attrition score without activity: {scores:?}"
        );
        assert!(scores.contains(&"capacity"));
        assert!(rich.tags.iter().all(|t| t.1 != "attrition"));
        let empty = customer_profile(&book, 2, lang);
        assert!(!empty.has_holdings && empty.holdings.is_none());
        let choices = keystone::view::customers::filter_choices(&book, lang);
        assert!(
            choices.scores.iter().all(|(key, _)| key != "attrition"),
            "a list is not narrowed by a score the data cannot give"
        );
        let page = managers_page(&book, lang, "/");
        assert!(page.books.iter().all(|b| b.attrition == "–"));
        assert_eq!(page.unassigned.attrition, "–");
    }
    // With transactions, the same pages show them.
    let demo = demo_loaded();
    let profile = customer_profile(&demo, 0, Lang::En);
    assert!(profile.has_transactions);
    assert!(profile.scores.iter().any(|s| s.1 == "attrition"));
}

#[test]
fn ids_sort_as_numbers_a_score_column_sorts_and_a_segment_shows_as_a_removable_chip() {
    use super::support::{dataset, loaded};
    use keystone::view::customers::natural;
    assert_eq!(natural("C2", "C10"), std::cmp::Ordering::Less);
    assert_eq!(natural("10", "9"), std::cmp::Ordering::Greater);
    // Ids 1, 2, 10, 100 as a core system numbers them: a text sort would put 10 before 2.
    let book = loaded(dataset(
        &[("100", 0), ("2", 0), ("10", 1), ("1", 1)],
        &[],
        &[],
    ));
    let by_id = CustomersQuery {
        sort: Column::CustomerId,
        descending: false,
        ..CustomersQuery::default()
    };
    let ids: Vec<String> = customers_page(&book, &by_id, None, Lang::En, "/")
        .rows
        .into_iter()
        .map(|r| r.customer_id)
        .collect();
    assert_eq!(ids, ["1", "2", "10", "100"]);

    // The score a list is narrowed by is a sortable column, both ways.
    let demo = demo_loaded();
    let scored = CustomersQuery {
        score: Some(ScoreKind::Capacity),
        ..CustomersQuery::default()
    }
    .sorted_by(Column::Score);
    let page = customers_page(&demo, &scored, None, Lang::En, "/");
    let header = page.score_header.expect("a score column");
    assert_eq!(header.aria_sort, "descending");
    let link = read_back(&header.href);
    assert_eq!((link.sort, link.descending), (Column::Score, false));
    let scores: Vec<f64> = page
        .rows
        .iter()
        .map(|r| r.score.as_deref().expect("score").parse().expect("number"))
        .collect();
    assert!(scores.windows(2).all(|w| w[0] >= w[1]), "{scores:?}");
    // Dropping the score drops its sort too.
    assert_eq!(scored.with_filter("score", "").sort, Column::Aum);

    // An RFM drill-down names its cell, and the chip's link is the list without it.
    let cell = CustomersQuery {
        rfm_cell: Some((5, 4)),
        tier: Some("private".into()),
        ..CustomersQuery::default()
    };
    let chips = keystone::view::customers::segment_chips(&cell, None, Lang::En, "/");
    assert_eq!(chips.len(), 1);
    assert_eq!(chips[0].label, "RFM cell R5 F4");
    let without = read_back(&chips[0].remove_href);
    assert_eq!(without.rfm_cell, None);
    assert_eq!(
        without.tier.as_deref(),
        Some("private"),
        "other filters stay"
    );
}

#[test]
fn a_report_can_go_back_to_its_mapping_and_a_file_can_be_dropped_from_the_pick() {
    let mut session = ImportSession::default();
    session.step(ImportStep::Picked { bytes: 100.0 });
    session.step(ImportStep::Read {
        summaries: vec![
            summary("holdings.csv", "客户号,产品类型,余额\nC1,基金,100\n"),
            summary("balances.dat", "客户号,产品类型,余额\nC2,理财,5\n"),
        ],
        presets: Vec::new(),
    });
    assert!(
        session.lacks_customers(),
        "holdings alone must be attached to customers already there"
    );
    let mapped = session.files[0].mapping.clone();
    session.step(ImportStep::Drop(1));
    assert_eq!(session.files.len(), 1);
    assert_eq!(session.files[0].name, "holdings.csv");
    session.step(ImportStep::Drop(5));
    assert_eq!(
        session.files.len(),
        1,
        "a position past the end changes nothing"
    );
    session.step(ImportStep::Validate);
    session.step(ImportStep::Validated(Validated {
        report: Default::default(),
        rows: RowCounts::NONE,
        sha256: vec![String::new()],
    }));
    session.step(ImportStep::BackToMapping);
    assert_eq!(
        session.stage,
        ImportStage::Reading,
        "a new worker reads the files again"
    );
    // Its read brings the files back as detected; the choices made stay.
    session.step(ImportStep::Read {
        summaries: vec![summary("holdings.csv", "x\n1\n")],
        presets: Vec::new(),
    });
    assert_eq!(session.stage, ImportStage::Mapping);
    assert!(!session.restoring);
    assert_eq!(
        session.files[0].mapping, mapped,
        "the mapping survives the report"
    );
    session.step(ImportStep::Drop(0));
    assert_eq!(session, ImportSession::default(), "nothing left to import");

    let mut with_customers = ImportSession::default();
    with_customers.step(ImportStep::Picked { bytes: 100.0 });
    with_customers.step(ImportStep::Read {
        summaries: vec![summary("customers.csv", "客户号,姓名\nC1,王伟\n")],
        presets: Vec::new(),
    });
    assert!(!with_customers.lacks_customers());
}

#[test]
fn the_import_line_shows_only_the_steps_that_ran_and_a_report_says_why_it_cannot_be_saved() {
    use keystone::import::{FileSummary, ImportIssue, ImportReport, IssueReason};
    use keystone::view::import_session::{
        commit_blocked, commit_caveat, issues_by_file, ImportFigures,
    };
    let mut figures = ImportFigures::picked(2e6);
    figures.read_ms = 50.0;
    let read = figures.summary(Lang::En).expect("read");
    assert!(
        read.contains("2.0 MB") && !read.contains("Saved") && !read.contains("0 rows"),
        "{read}"
    );
    figures.validate_ms = 500.0;
    figures.rows = 1;
    figures.workers = 1;
    let validated = figures.summary(Lang::En).expect("validated");
    assert!(validated.contains("1 row:"), "singular: {validated}");
    assert!(
        validated.contains("1 background worker)"),
        "singular: {validated}"
    );
    assert!(!validated.contains("Saved"), "{validated}");

    let issue = |file: &str, line: u64| ImportIssue {
        file: file.into(),
        line,
        column: None,
        value: String::new(),
        reason: IssueReason::MissingValue,
        warning: false,
    };
    let file = |name: &str, accepted: usize| FileSummary {
        file: name.into(),
        accepted,
        ..FileSummary::default()
    };
    // One file with a thousand bad rows, another with two: both files' reasons are listed.
    let report = ImportReport {
        files: vec![file("big.csv", 0), file("small.csv", 0)],
        issues: (1..=1_000)
            .map(|l| issue("big.csv", l))
            .chain([issue("small.csv", 7), issue("small.csv", 9)])
            .collect(),
    };
    let listed = issues_by_file(&report, 100);
    assert_eq!(listed.len(), 2);
    assert_eq!(
        (listed[0].file, listed[0].shown.len(), listed[0].more),
        ("big.csv", 98, 902)
    );
    assert_eq!(
        (listed[1].file, listed[1].shown.len(), listed[1].more),
        ("small.csv", 2, 0)
    );
    assert_eq!(
        commit_blocked(&report),
        Some(keystone::i18n::Msg::CommitBlockedNothingAccepted),
        "nothing kept, nothing to save"
    );
    let kept = ImportReport {
        files: vec![file("big.csv", 3)],
        issues: Vec::new(),
    };
    assert_eq!(commit_blocked(&kept), None);
    assert_eq!(commit_caveat(&kept), None);
    // A file that refused more rows than it kept is likely not what it was taken for.
    let mostly_refused = ImportReport {
        files: vec![
            file("big.csv", 3),
            FileSummary {
                rejected: 4,
                ..file("noise.csv", 3)
            },
        ],
        issues: Vec::new(),
    };
    assert_eq!(
        commit_blocked(&mostly_refused),
        Some(keystone::i18n::Msg::CommitBlockedMostlyRefused)
    );
    // The same period appended again: nothing new, every row a duplicate; saved with a caveat.
    let again = ImportReport {
        files: vec![FileSummary {
            file: "transactions.csv".into(),
            deduplicated: 5,
            ..FileSummary::default()
        }],
        issues: Vec::new(),
    };
    assert_eq!(commit_blocked(&again), None);
    assert_eq!(
        commit_caveat(&again),
        Some(keystone::i18n::Msg::CommitAddsNothingNew)
    );
}

#[test]
fn rfm_on_a_book_without_transactions_has_no_champions_and_says_what_is_missing() {
    use keystone::analytics::pipeline::{run_pipeline, WORKLOAD_KMEANS};
    use keystone::analytics::segments::segment_customers;
    use keystone::view::segments::rfm_note;
    // #19, problem 8: ranked by id among equal zeros, 40% of such a book were "champions".
    let sparse = super::support::sparse_book();
    let result = run_pipeline(&sparse, &TierRules::workload_defaults(), &WORKLOAD_KMEANS);
    assert_eq!(result.champions, 0);
    let segments = segment_customers(&sparse, &result.features, &mut |_, _| {});
    assert_eq!(segments.rfm.without_activity(), sparse.n_customers());
    assert_eq!(
        rfm_note(&segments, false, Lang::En).as_deref(),
        Some("RFM needs transactions: this dataset has none, so no customer has a recency, frequency or monetary score.")
    );
    // With transactions, the customers idle in the window are counted apart from the grid.
    let loaded = demo_loaded();
    let features = &loaded.analysis.features;
    let segments = segment_customers(&loaded.dataset, features, &mut |_, _| {});
    let idle = features.f12.iter().filter(|&&f| f == 0).count();
    assert_eq!(segments.rfm.without_activity(), idle);
    let gridded: usize = keystone::analytics::rfm::rfm_grid(&segments.rfm)
        .iter()
        .flatten()
        .map(|c| c.customers)
        .sum();
    assert_eq!(gridded + idle, loaded.dataset.n_customers());
    match rfm_note(&segments, true, Lang::En) {
        None => assert_eq!(idle, 0),
        Some(note) => assert!(
            note.ends_with(&format!("{idle} customers")) || idle == 1,
            "{note}"
        ),
    }
}

#[test]
fn a_value_map_lists_a_columns_codes_and_the_sessions_plan_applies_to_the_same_files() {
    use keystone::import::{Field, Plan};
    use keystone::view::import_session::{value_maps, value_rows, ValueMapOf};
    let dir = super::support::data_path("exports/accounts");
    let read = |name: &str| {
        let bytes = std::fs::read(dir.join(name)).expect("fixture");
        let sheet = read_sheet(name, &bytes, None).expect("reads");
        (SheetSummary::of(name, bytes.len(), &sheet), sheet)
    };
    let (trans, trans_sheet) = read("trans.csv");
    let (loans, _) = read("loans.csv");
    let mut session = ImportSession::default();
    session.step(ImportStep::Picked { bytes: 1e3 });
    session.step(ImportStep::Read {
        summaries: vec![trans, loans],
        presets: Vec::new(),
    });
    let direction_column = session.files[0]
        .mapping
        .column(Field::Direction)
        .expect("借贷 maps to the direction");
    let direction = ValueMapOf::Field(Field::Direction, direction_column);
    assert_eq!(value_maps(&session.files[0]), [direction]);
    assert_eq!(
        value_rows(&session.files[0], direction),
        None,
        "not counted yet"
    );
    session.step(ImportStep::Values {
        index: 0,
        column: direction_column,
        values: trans_sheet
            .distinct_values(direction_column, 64)
            .expect("counts"),
    });
    let shown = |session: &ImportSession| -> Vec<(String, usize, Option<String>, bool)> {
        value_rows(&session.files[0], direction)
            .expect("counted")
            .0
            .into_iter()
            .map(|r| {
                let understood = r.understood();
                (r.value, r.rows, r.assigned, understood)
            })
            .collect()
    };
    assert_eq!(
        shown(&session),
        [
            ("存入".into(), 4, None, true),
            ("VYDAJ".into(), 2, None, false),
            ("支取".into(), 2, None, true),
        ]
    );
    session.files[0]
        .mapping
        .assign(Field::Direction, "VYDAJ", Some("out"));
    assert_eq!(
        shown(&session)[1],
        ("VYDAJ".into(), 2, Some("out".into()), true)
    );

    // The session's plan, read back into a fresh pick of the same files, sets the same
    // choices; an entry that skips a file asks for it to be dropped.
    let mut plan = Plan::from_json(&session.plan().to_json()).expect("reads back");
    plan.files[1].skip = true;
    let mut fresh = ImportSession::default();
    fresh.step(ImportStep::Picked { bytes: 1e3 });
    fresh.step(ImportStep::Read {
        summaries: vec![read("trans.csv").0, read("loans.csv").0],
        presets: Vec::new(),
    });
    let applied = fresh.apply_plan(&plan);
    assert_eq!((applied.files, applied.skip.clone()), (1, vec![1]));
    assert!(applied.reread.is_empty() && applied.problems.is_empty());
    assert_eq!(fresh.files[0].mapping, session.files[0].mapping);
    // A plan naming a column the file lacks leaves the file as it was, and says why.
    plan.files[0]
        .columns
        .insert("no such".into(), "channel".into());
    let before = fresh.files[0].clone();
    let applied = fresh.apply_plan(&plan);
    assert_eq!(
        applied.problems,
        ["trans.csv: the file has no column \"no such\""]
    );
    assert_eq!(fresh.files[0], before);
}

#[test]
fn a_plan_that_reads_a_file_otherwise_applies_when_the_new_read_arrives() {
    use keystone::import::{Field, Plan};
    // A GBK export read as UTF-8 has garbled headers: the plan's encoding has it read again,
    // and its columns apply to the new read's headers, not the garbled ones.
    let gbk = super::support::bytes("import/customers_zh_gbk.csv");
    let as_utf8 = keystone::import::ReadOptions {
        encoding: Some(keystone::import::TextEncoding::Utf8),
        ..read_sheet("c.csv", &gbk, None).expect("reads").options
    };
    let garbled = read_sheet("c.csv", &gbk, Some(as_utf8)).expect("reads");
    let right = read_sheet("c.csv", &gbk, None).expect("reads");
    let mut session = ImportSession::default();
    session.step(ImportStep::Picked { bytes: 1e3 });
    session.step(ImportStep::Read {
        summaries: vec![SheetSummary::of("c.csv", gbk.len(), &garbled)],
        presets: Vec::new(),
    });
    assert_eq!(
        session.files[0].entity, None,
        "garbled headers show no kind"
    );
    let mut plan_of_right = ImportSession::default();
    plan_of_right.step(ImportStep::Picked { bytes: 1e3 });
    plan_of_right.step(ImportStep::Read {
        summaries: vec![SheetSummary::of("c.csv", gbk.len(), &right)],
        presets: Vec::new(),
    });
    plan_of_right.files[0].mapping.set(Field::City, None);
    let plan: Plan = plan_of_right.plan();
    let applied = session.apply_plan(&plan);
    assert_eq!((applied.files, applied.reread.len()), (1, 1));
    assert!(applied.problems.is_empty(), "{:?}", applied.problems);
    // The worker's new read arrives with the headers' own guess; the plan wins.
    session.step(ImportStep::Reread {
        index: 0,
        summary: Box::new(SheetSummary::of("c.csv", gbk.len(), &right)),
    });
    assert_eq!(session.files[0].entity, Some(Entity::Customers));
    assert_eq!(session.files[0].mapping, plan_of_right.files[0].mapping);
    assert_eq!(session.files[0].mapping.column(Field::City), None);
}

#[test]
fn a_dollar_dataset_shows_every_amount_in_dollars_and_its_thresholds_in_thousands_of_usd() {
    use super::support::{bytes, import_files, loaded};
    use keystone::format::{money_axis, money_compact, money_exact, threshold_unit};
    use keystone::model::Currency;
    use keystone::view::overview::overview;
    let (_, outcome) = import_files(&[
        ("clients.csv", bytes("exports/usd/clients.csv")),
        ("holdings.csv", bytes("exports/usd/holdings.csv")),
    ]);
    let mut loaded = loaded(outcome.dataset.clone());
    // A renminbi snapshot writes ¥ …
    let page = overview(&loaded, Lang::En, "/k/");
    let aum = |page: &keystone::view::overview::Overview| {
        page.kpis
            .iter()
            .find(|k| k.testid == "total-aum")
            .map(|k| k.value.clone())
            .expect("the AUM KPI")
    };
    assert_eq!(aum(&page), "¥1.60M");
    // … and the same figures stored as dollars write $, with nothing converted.
    loaded.record.currency = Currency::Usd;
    let loaded = keystone::view::Loaded::with_rules(
        loaded.record.clone(),
        loaded.dataset.clone(),
        loaded.tier_rules.clone(),
    );
    let page = overview(&loaded, Lang::En, "/k/");
    assert_eq!(aum(&page), "$1.60M");
    assert_eq!(money_compact(159_500_050, Lang::Zh), "$159.50万");
    assert_eq!(money_exact(-85_025), "-$850.25");
    assert_eq!(money_axis(&[0.0, 50_000_000.0], Lang::En), ["$0", "$500K"]);
    assert_eq!(threshold_unit(Lang::Zh), "万美元");
    assert_eq!(threshold_unit(Lang::En), "thousand USD");
    keystone::format::show_amounts_in(Currency::Chf);
    assert_eq!(money_exact(1_000), "CHF 10.00");
}

#[test]
fn an_import_session_takes_the_currency_its_cells_name_unless_the_manager_or_a_plan_says() {
    use super::support::bytes;
    use keystone::model::Currency;
    use keystone::view::import_session::currency_note;
    let card = |name: &str| {
        let bytes = bytes(&format!("exports/usd/{name}"));
        let sheet = read_sheet(name, &bytes, None).expect("reads");
        SheetSummary::of(name, bytes.len(), &sheet)
    };
    let mut session = ImportSession {
        files: vec![card("clients.csv"), card("holdings.csv")],
        ..ImportSession::default()
    };
    assert_eq!(
        session.currencies_named(),
        [(Currency::Usd, 6), (Currency::Eur, 1)]
    );
    assert_eq!(session.currency(), Currency::Usd);
    assert_eq!(
        currency_note(
            session.currency(),
            false,
            &session.currencies_named(),
            Lang::Zh
        ),
        "文件中的币种：USD（6 个单元格）、EUR（1 个单元格）；其他币种的金额将被拒绝，不做换算"
    );
    let mut plan = session.plan();
    assert_eq!(plan.currency, Some(Currency::Usd));
    // A plan's currency is the session's; the manager's choice goes into the next plan.
    plan.currency = Some(Currency::Hkd);
    session.apply_plan(&plan);
    assert_eq!(session.currency(), Currency::Hkd);
    session.currency = Some(Currency::Eur);
    assert_eq!(session.plan().currency, Some(Currency::Eur));
    // Files that name no currency are in the default, and the note says so.
    let plain = ImportSession {
        files: vec![summary("c.csv", "客户号,姓名\n1,张元\n")],
        ..ImportSession::default()
    };
    assert_eq!(plain.currency(), Currency::Cny);
    assert_eq!(
        currency_note(plain.currency(), false, &plain.currencies_named(), Lang::En),
        "no cell names a currency: the default is CNY"
    );
}

#[test]
fn an_outcome_label_and_channel_words_are_assigned_in_value_maps_and_imported_as_assigned() {
    use super::support::{bytes, today};
    use keystone::import::{import, Field, FileInput, ImportRequest, Plan};
    use keystone::view::import_session::{value_maps, value_rows, ValueMapOf, ValueStatus};
    // The churn snapshot's outcome is a text label, kept as an attribute: its value map
    // turns it into the yes/no a model reads.
    let churn = bytes("exports/wide/churn_snapshot.csv");
    let sheet = read_sheet("churn_snapshot.csv", &churn, None).expect("reads");
    let mut session = ImportSession::default();
    session.step(ImportStep::Picked { bytes: 1e3 });
    session.step(ImportStep::Read {
        summaries: vec![SheetSummary::of("churn_snapshot.csv", churn.len(), &sheet)],
        presets: Vec::new(),
    });
    let flag = sheet
        .headers
        .iter()
        .position(|h| h == "Attrition_Flag")
        .expect("the outcome column");
    let outcome = ValueMapOf::Kept(flag);
    assert!(value_maps(&session.files[0]).contains(&outcome));
    session.step(ImportStep::Values {
        index: 0,
        column: flag,
        values: sheet.distinct_values(flag, 64).expect("counts"),
    });
    let statuses = |session: &ImportSession| -> Vec<(String, usize, ValueStatus)> {
        value_rows(&session.files[0], outcome)
            .expect("counted")
            .0
            .into_iter()
            .map(|r| (r.value, r.rows, r.status))
            .collect()
    };
    assert_eq!(
        statuses(&session),
        [
            ("Existing Customer".into(), 6, ValueStatus::KeptAsWritten),
            ("Attrited Customer".into(), 3, ValueStatus::KeptAsWritten),
        ]
    );
    for (label, to) in [("Attrited Customer", "yes"), ("Existing Customer", "no")] {
        outcome.assign(&mut session.files[0].mapping, label, Some(to));
    }
    assert!(statuses(&session)
        .iter()
        .all(|(_, _, s)| *s == ValueStatus::Assigned));
    // The plan names the column by its header, and reads back to the same mapping.
    let json = session.plan().to_json();
    assert!(json.contains("\"kept_values\""), "{json}");
    assert!(json.contains("\"Attrited Customer\": \"yes\""), "{json}");
    let plan = Plan::from_json(&json).expect("reads back");
    let (_, mapping, _) = plan.files[0]
        .apply(&sheet.headers)
        .expect("fits")
        .expect("kept");
    assert_eq!(mapping, session.files[0].mapping);
    let imported = import(&ImportRequest {
        files: vec![FileInput {
            file_name: "churn_snapshot.csv".into(),
            entity: Entity::Customers,
            sheet: &sheet,
            mapping,
            date_style: Default::default(),
        }],
        today: today(),
        currency: keystone::model::Currency::Usd,
        base: None,
    });
    let customers = imported.dataset.customers();
    let attribute = customers
        .attributes
        .iter()
        .find(|a| a.name == "Attrition_Flag")
        .expect("kept");
    let labels: Vec<&str> = (0..customers.len())
        .map(|r| attribute.values.get(r))
        .collect();
    assert_eq!(labels.iter().filter(|&&l| l == "yes").count(), 3);
    assert_eq!(labels.iter().filter(|&&l| l == "no").count(), 6);

    // Channel and category words are assigned what they stand for when counted; a word
    // nobody knows is kept as written, not refused.
    let csv = "流水号,客户号,交易日期,金额,渠道,交易类别\n\
               T1,C1,2026-01-05,-88.00,POS,Groceries\n\
               T2,C1,2026-01-06,-20.00,KIOSK,Fee\n\
               T3,C1,2026-01-25,9000.00,Mobile Banking,Salary\n";
    let txn_sheet = read_sheet("txn.csv", csv.as_bytes(), None).expect("reads");
    let mut session = ImportSession::default();
    session.step(ImportStep::Picked { bytes: 1e3 });
    session.step(ImportStep::Read {
        summaries: vec![SheetSummary::of("txn.csv", csv.len(), &txn_sheet)],
        presets: Vec::new(),
    });
    let mut read_as = Vec::new();
    for field in [Field::Channel, Field::Category] {
        let column = session.files[0].mapping.column(field).expect("mapped");
        session.step(ImportStep::Values {
            index: 0,
            column,
            values: txn_sheet.distinct_values(column, 64).expect("counts"),
        });
        let (rows, _) =
            value_rows(&session.files[0], ValueMapOf::Field(field, column)).expect("counted");
        let mut rows: Vec<(String, Option<String>, ValueStatus)> = rows
            .into_iter()
            .map(|r| (r.value, r.assigned, r.status))
            .collect();
        rows.sort_by(|a, b| a.0.cmp(&b.0));
        read_as.push(rows);
    }
    let assigned = |value: &str, to: &str| (value.into(), Some(to.into()), ValueStatus::Assigned);
    assert_eq!(
        read_as,
        [
            vec![
                ("KIOSK".into(), None, ValueStatus::KeptAsWritten),
                assigned("Mobile Banking", "mobile"),
                assigned("POS", "card"),
            ],
            vec![
                assigned("Fee", "fee"),
                ("Groceries".into(), None, ValueStatus::KeptAsWritten),
                assigned("Salary", "salary"),
            ],
        ]
    );
}

/// A list by model score opened before the stored model is read (a reload, a bookmark) shows
/// everyone at 0 instead of failing, and the filter offers the model's score only once one is
/// applied.
#[test]
fn a_list_by_model_score_without_a_model_scores_zero_and_offers_no_model_filter() {
    use keystone::analytics::scores::ScoreKind;
    use keystone::view::customers::filter_choices;
    let loaded = demo_loaded();
    let query = CustomersQuery::from_query([("score", "model"), ("smin", "50")].as_slice());
    assert_eq!(query.score, Some(ScoreKind::Model));
    let page = customers_page(&loaded, &query, None, Lang::En, "/");
    assert_eq!(page.count, 0, "nobody scores 50 without a model");
    let everyone = CustomersQuery::from_query([("score", "model")].as_slice());
    let page = customers_page(&loaded, &everyone, None, Lang::En, "/");
    assert_eq!(page.count, loaded.dataset.n_customers());
    assert!(page.rows.iter().all(|r| r.score.as_deref() == Some("0")));
    assert!(!filter_choices(&loaded, Lang::En)
        .scores
        .iter()
        .any(|(key, _)| key == "model"));
}

/// An outcome between two snapshots is offered from the same book's earlier snapshots, latest
/// first (by the data's date, or when a date is missing, by import), and names itself with
/// what happened and since when, in the reader's language.
#[test]
fn the_models_page_offers_the_books_earlier_snapshots_and_names_a_derived_outcome() {
    use keystone::analytics::models::outcome::{DerivedOutcome, Outcome, OutcomeRule};
    use keystone::model::ProductType;
    use keystone::view::models::{earlier_snapshots, outcome_name, snapshot_label};
    let record = |id: &str, book: &str, imported: &str, as_of: Option<&str>| SnapshotRecord {
        schema_version: SCHEMA_VERSION,
        snapshot_id: id.into(),
        dataset_name: book.into(),
        imported_at: imported.into(),
        as_of: as_of.map(Into::into),
        rows: RowCounts::default(),
        second_part: RowCounts::NONE,
        sources: Vec::new(),
        currency: Default::default(),
    };
    let current = record("q3", "分行", "2026-10-02T09:00:00Z", Some("2026-09-30"));
    let all = vec![
        current.clone(),
        // Imported after the current one, but of an earlier quarter: earlier.
        record("q2", "分行", "2026-10-03T09:00:00Z", Some("2026-06-30")),
        record("q1", "分行", "2026-04-01T09:00:00Z", Some("2026-03-31")),
        // A later quarter, and another book: not offered.
        record("q4", "分行", "2026-12-01T09:00:00Z", Some("2026-12-31")),
        record("other", "私行", "2026-01-01T09:00:00Z", Some("2026-01-01")),
        // Without a date: by import.
        record("undated", "分行", "2026-02-01T09:00:00Z", None),
    ];
    let ids: Vec<String> = earlier_snapshots(&current, &all)
        .into_iter()
        .map(|r| r.snapshot_id)
        .collect();
    assert_eq!(ids, ["q2", "q1", "undated"]);
    assert_eq!(
        snapshot_label(&all[1], Lang::Zh),
        "2026-06-30 · 导入于 2026-10-03"
    );
    let left = Outcome::Derived {
        earlier_snapshot: "q2".into(),
        outcome: DerivedOutcome::Left { aum_drop: 0.3 },
    };
    assert_eq!(
        outcome_name(&left, Some("2026-06-30"), Lang::En),
        "left (gone, or AUM down by more than 30 %) · since 2026-06-30"
    );
    assert_eq!(
        outcome_name(&left, Some("2026-06-30"), Lang::Zh),
        "流失（不在或资产降幅超过 30%） · 自 2026-06-30"
    );
    let bought = Outcome::Derived {
        earlier_snapshot: "q2".into(),
        outcome: DerivedOutcome::Bought(ProductType::Fund),
    };
    assert_eq!(outcome_name(&bought, None, Lang::Zh), "新购基金");
    let column = Outcome::Column {
        column: "y".into(),
        rule: OutcomeRule::Values(vec!["yes".into()]),
    };
    assert_eq!(outcome_name(&column, None, Lang::Zh), "y = yes");
}
