//! `make bench`: native figures, one `BENCH <figure> <median> <unit>` line each.
//!
//! Timing belongs here, never in tests. Each figure is the median of several runs.

use keystone::analytics::listing::CustomerList;
use keystone::analytics::models::ModelKind;
use keystone::analytics::pipeline::time_stages;
use keystone::analytics::profile::customer_profile;
use keystone::analytics::propensity::next_best_products;
use keystone::analytics::segments::segment_customers;
use keystone::analytics::{analyse, AnalysisConfig};
use keystone::demo::{generate, DemoConfig};
use keystone::import::{
    guessed_inputs, import, read_sheet_from, ImportRequest, SharedSource, Sheet,
};
use keystone::model::Day;
use keystone::storage::catalogue::SCHEMA_VERSION;
use keystone::storage::codec::{decode_dataset, encode_dataset, RowCounts};
use std::collections::HashMap;

#[path = "support/journal_workload.rs"]
mod journal_workload;
use std::hint::black_box;
use std::path::{Path, PathBuf};
use std::time::Instant;

const RUNS: usize = 5;

fn median_seconds(mut run: impl FnMut()) -> f64 {
    let mut times: Vec<f64> = (0..RUNS)
        .map(|_| {
            let started = Instant::now();
            run();
            started.elapsed().as_secs_f64()
        })
        .collect();
    times.sort_by(f64::total_cmp);
    times[RUNS / 2]
}

fn report(figure: &str, seconds: f64) {
    println!("BENCH {figure} {seconds:.4} s");
}

fn main() {
    // `make bench-sampling`: only what the next-best sample costs on L, in a minute or two.
    if std::env::var_os("KEYSTONE_BENCH_SAMPLING_ONLY").is_some() {
        let data = std::env::var_os("KEYSTONE_BENCH_DATA").map(PathBuf::from);
        if let Some(files) = data.and_then(|d| workload_files(&d.join("L"))) {
            sampling_cost(&import_workload(&files), "L");
        }
        return;
    }
    // The workbench's figures on M alone.
    if std::env::var_os("KEYSTONE_BENCH_WORKBENCH_ONLY").is_some() {
        let data = std::env::var_os("KEYSTONE_BENCH_DATA").map(PathBuf::from);
        if let Some(files) = data.and_then(|d| workload_files(&d.join("M"))) {
            workbench_figures(&import_workload(&files), "M");
        }
        return;
    }
    let config = DemoConfig::default();
    report(
        "demo.generate.native",
        median_seconds(|| {
            black_box(generate(&config));
        }),
    );
    let dataset = generate(&config);
    let analysis_config = AnalysisConfig::default();
    report(
        "analyse.demo.native",
        median_seconds(|| {
            black_box(analyse(&dataset, &analysis_config));
        }),
    );
    report(
        "encode.demo.native",
        median_seconds(|| {
            black_box(encode_dataset("bench", &dataset));
        }),
    );
    let chunks: HashMap<String, Vec<u8>> = encode_dataset("bench", &dataset).into_iter().collect();
    let rows = RowCounts::of(&dataset);
    report(
        "decode.demo.native",
        median_seconds(|| {
            black_box(decode_dataset("bench", SCHEMA_VERSION, &rows, &chunks).ok());
        }),
    );
    #[cfg(not(target_arch = "wasm32"))]
    train_uci();
    if let Some(data) = std::env::var_os("KEYSTONE_BENCH_DATA").map(PathBuf::from) {
        workload(&data.join("S"), "S");
        workload(&data.join("M"), "M");
        // L (1.5 GB of CSV, 3.4 GB of memory) only when asked: it takes minutes.
        if std::env::var_os("KEYSTONE_BENCH_L").is_some() {
            workload(&data.join("L"), "L");
        }
    }
}

/// The model studio's job on the UCI bank-marketing file (45,211 customers, `y` = `yes`, every
/// default feature): both models, 5 folds and the final fit — what the page's Train runs.
/// Native only: the fixture is gzip-compressed, and `flate2` is a native test dependency.
#[cfg(not(target_arch = "wasm32"))]
fn train_uci() {
    use keystone::analytics::models::outcome::{column_labels, OutcomeRule};
    use keystone::analytics::models::selection::candidates;
    use keystone::analytics::models::studio::train;
    use keystone::analytics::{as_of_date, customer_features};
    use keystone::import::{auto_map, read_sheet, Entity, FileInput};
    use std::io::Read;
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/uci-bank-full.csv.gz");
    let mut csv = Vec::new();
    let packed = std::fs::read(&path).expect("the UCI file");
    flate2::read::GzDecoder::new(packed.as_slice())
        .read_to_end(&mut csv)
        .expect("gunzip");
    let sheet = read_sheet("bank-full.csv", &csv, None).expect("read");
    let outcome = import(&ImportRequest {
        files: vec![FileInput {
            file_name: "bank-full.csv".into(),
            entity: Entity::Customers,
            sheet: &sheet,
            mapping: auto_map(Entity::Customers, &sheet.headers),
            date_style: Default::default(),
        }],
        today: Day(30_000),
        currency: Default::default(),
        base: None,
    });
    let dataset = outcome.dataset;
    let as_of = as_of_date(&dataset);
    let features = customer_features(&dataset, as_of);
    let profile = customer_profile(&dataset, as_of);
    let labels = column_labels(
        dataset.customers(),
        "y",
        &OutcomeRule::Values(vec!["yes".into()]),
    )
    .expect("labels");
    let mut aucs = String::new();
    report(
        "train.uci.native",
        median_seconds(|| {
            let candidates = candidates(&dataset, &features, &profile);
            let (report, _) = train(
                &candidates,
                &labels,
                Some("y"),
                None,
                5,
                &mut |_, _| {},
                &|| 0.0,
            )
            .expect("trained");
            aucs = report
                .models
                .iter()
                .map(|m| format!("{:?} {:.4}", m.kind, m.auc))
                .collect::<Vec<_>>()
                .join(", ");
        }),
    );
    eprintln!("train.uci.native: AUC {aucs}");
}

/// A workload folder's three files, read into memory (not timed); `None` when one is missing.
fn workload_files(dir: &Path) -> Option<Vec<(String, SharedSource)>> {
    ["customers.csv", "holdings.csv", "transactions.csv"]
        .iter()
        .map(|f| {
            let bytes = std::fs::read(dir.join(f)).ok()?;
            Some((f.to_string(), SharedSource::new(bytes)))
        })
        .collect()
}

/// Imports the files as the Data page would, each one's kind guessed from its headers.
fn import_workload(files: &[(String, SharedSource)]) -> keystone::model::Dataset {
    let sheets: Vec<(String, Sheet)> = files
        .iter()
        .map(|(n, source)| {
            let sheet = read_sheet_from(n, source.clone(), None).expect("workload reads");
            (n.clone(), sheet)
        })
        .collect();
    import(&ImportRequest {
        files: guessed_inputs(&sheets),
        today: Day(30_000),
        currency: Default::default(),
        base: None,
    })
    .dataset
}

/// Reads a workload folder into memory (not timed), then times import and pipeline stages.
fn workload(dir: &Path, name: &str) {
    let Some(files) = workload_files(dir) else {
        return;
    };
    let import_once = || import_workload(&files);
    report(
        &format!("import.{name}.native"),
        median_seconds(|| {
            black_box(import_once());
        }),
    );
    let dataset = import_once();
    let clock = Instant::now();
    let stages = time_stages(&dataset, RUNS, &|| clock.elapsed().as_secs_f64());
    report(&format!("pipeline.{name}.native"), stages.pipeline);
    report(&format!("features.{name}.native"), stages.features);
    report(&format!("rfm.{name}.native"), stages.rfm);
    report(&format!("kmeans.{name}.native"), stages.kmeans);
    println!("BENCH whatif.{name}.native {:.7} s", stages.whatif);
    if name == "M" {
        workbench_figures(&dataset, name);
    }
    // The two jobs the pages hand to the analysis worker.
    let analysis = analyse(&dataset, &AnalysisConfig::default());
    report(
        &format!("segments.{name}.native"),
        median_seconds(|| {
            black_box(segment_customers(
                &dataset,
                &analysis.features,
                &mut |_, _| {},
            ));
        }),
    );
    let everyone: Vec<usize> = (0..dataset.n_customers()).collect();
    let tier_names: Vec<String> = AnalysisConfig::default()
        .tier_rules
        .tiers
        .iter()
        .map(|t| t.name_en.clone())
        .collect();
    let headers = [
        "id", "name", "city", "tier", "aum", "loans", "products", "f12", "days", "rm",
    ];
    let list = CustomerList {
        dataset: &dataset,
        features: &analysis.features,
        tier_of_customer: &analysis.tier_of_customer,
        tier_names: &tier_names,
        headers: &headers,
        rows: &everyone,
        score: None,
    };
    report(
        &format!("export_xlsx.{name}.native"),
        median_seconds(|| {
            black_box(list.to_xlsx("customers", 1_764_547_200).ok());
        }),
    );
    report(
        &format!("export_csv.{name}.native"),
        median_seconds(|| {
            black_box(list.to_csv());
        }),
    );
    let profile = customer_profile(&dataset, analysis.as_of);
    report(
        &format!("next_best.{name}.native"),
        median_seconds(|| {
            black_box(next_best_products(
                &dataset,
                &analysis.features,
                &profile,
                ModelKind::Gbdt,
                &mut |_, _| {},
            ));
        }),
    );
    sampling_cost(&dataset, name);
}

/// What the training sample costs in accuracy: each family's validation AUC trained on the
/// sample against trained on every customer outside the validation fifth (one run each).
/// Only a book past the limit is sampled: L, not M.
fn sampling_cost(dataset: &keystone::model::Dataset, name: &str) {
    let analysis = analyse(dataset, &AnalysisConfig::default());
    let profile = customer_profile(dataset, analysis.as_of);
    if dataset.n_customers() * 4 / 5 > keystone::analytics::propensity::MAX_TRAINING_ROWS {
        let sampled = next_best_products(
            dataset,
            &analysis.features,
            &profile,
            ModelKind::Gbdt,
            &mut |_, _| {},
        );
        let everything = keystone::analytics::propensity::next_best_products_sampled(
            dataset,
            &analysis.features,
            &profile,
            ModelKind::Gbdt,
            usize::MAX,
            &mut |_, _| {},
        );
        let gap = sampled
            .products
            .iter()
            .zip(&everything.products)
            .filter_map(|(s, e)| Some(e.validation_auc? - s.validation_auc?))
            .fold(f64::MIN, f64::max);
        for (s, e) in sampled.products.iter().zip(&everything.products) {
            eprintln!(
                "next_best.{name}: {:?} AUC {:?} on {} customers, {:?} on {}",
                s.product, s.validation_auc, s.trained_on, e.validation_auc, e.trained_on
            );
        }
        println!("BENCH next_best.{name}.auc_loss_of_sampling {gap:.4} AUC");
    }
}

/// The workbench with 100,000 journal events: the stored journal read back (segments as the
/// browser stores them), and every alert, the cadence and the follow-ups recomputed.
fn workbench_figures(dataset: &keystone::model::Dataset, name: &str) {
    use keystone::storage::journal::{
        encode_segment, read_segments, StoredSegment, StoredWorkbench,
    };
    use keystone::view::relationship::workbench;
    // As IndexedDB holds them: binary segments of 2,048 events.
    let segments: Vec<StoredSegment> = journal_workload::events(100_000)
        .chunks(2048)
        .map(|c| StoredSegment::Binary(encode_segment(c).expect("a segment")))
        .collect();
    report(
        &format!("journal_read.{name}.native"),
        median_seconds(|| {
            black_box(read_segments(&segments).ok());
        }),
    );
    let journal = read_segments(&segments).expect("the journal");
    let loaded = keystone::view::Loaded::with_rules(
        keystone::storage::catalogue::SnapshotRecord {
            schema_version: SCHEMA_VERSION,
            snapshot_id: "bench".into(),
            dataset_name: "bench".into(),
            imported_at: "2026-12-04T00:00:00Z".into(),
            as_of: None,
            rows: RowCounts::of(dataset),
            second_part: RowCounts::NONE,
            sources: Vec::new(),
            currency: Default::default(),
        },
        std::sync::Arc::new(dataset.clone()),
        keystone::analytics::TierRules::workload_defaults(),
    );
    let settings = StoredWorkbench::default();
    let today = loaded.analysis.as_of.expect("an as-of date").plus_days(10);
    // The balancing proposal, redrawn when the weights change: cheap enough for the page.
    report(
        &format!("balance.{name}.native"),
        median_seconds(|| {
            black_box(keystone::view::relationship::balance_proposal(
                &loaded, &settings,
            ));
        }),
    );
    report(
        &format!("alerts.{name}.native"),
        median_seconds(|| {
            black_box(workbench(
                &loaded, &journal, &settings, None, today, "RM0001",
            ));
        }),
    );
    // As the page does after a record: one more event, from the workbench shown before. An
    // acknowledgement leaves the follow-ups as they were; a visit with a next step does not.
    let first_customer = dataset.customers().customer_id.get(0).to_owned();
    let acknowledged = keystone::journal::EventKind::AlertAcknowledged {
        alert_key: format!("overdue:{first_customer}"),
    };
    let visited = keystone::journal::EventKind::InteractionLogged {
        customer_id: first_customer.clone(),
        date: today,
        contact: keystone::journal::ContactKind::Visit,
        note: "上门拜访".into(),
        next_step: Some(keystone::journal::NextStep {
            text: "电话跟进".into(),
            due: today.plus_days(7),
        }),
        confidential: false,
    };
    for (figure, kind) in [
        ("alerts_after_ack", acknowledged),
        ("alerts_after_visit", visited),
    ] {
        let mut grown = journal.clone();
        let shown = workbench(&loaded, &grown, &settings, None, today, "RM0001");
        let sequence = grown.next_sequence("RM0001");
        grown
            .merge([keystone::journal::JournalEvent {
                id: keystone::journal::EventId {
                    author: "RM0001".into(),
                    sequence,
                },
                at_ms: i64::MAX / 2,
                author_name: "基准".into(),
                kind,
            }])
            .expect("a new event");
        report(
            &format!("{figure}.{name}.native"),
            median_seconds(|| {
                black_box(keystone::view::relationship::workbench_after(
                    Some(&shown),
                    &loaded,
                    &grown,
                    &settings,
                    None,
                    today,
                    "RM0001",
                ));
            }),
        );
    }
}
