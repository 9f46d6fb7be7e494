//! Browser tests (wasm-bindgen-test in headless Chromium): what IndexedDB keeps, what it
//! refuses to keep half-written, and the screen a page panic leaves.

#![cfg(target_arch = "wasm32")]

use keystone::demo::{generate, DemoConfig};
use keystone::model::Dataset;
use keystone::storage::catalogue::{SnapshotRecord, SCHEMA_VERSION};
use keystone::storage::codec::{encode_dataset, RowCounts};
use keystone::storage::{SaveOptions, Store};
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

fn dataset(seed: u64) -> Dataset {
    // 14,000 customers give more than one 262,144-row chunk of transactions.
    generate(&DemoConfig {
        n_customers: 14_000,
        transactions_per_customer: 20,
        seed,
    })
}

fn record(snapshot_id: &str, data: &Dataset) -> SnapshotRecord {
    SnapshotRecord {
        schema_version: SCHEMA_VERSION,
        snapshot_id: snapshot_id.into(),
        dataset_name: "测试".into(),
        imported_at: "2026-11-29T00:00:00Z".into(),
        as_of: None,
        rows: RowCounts::of(data),
        second_part: RowCounts::NONE,
        sources: Vec::new(),
        currency: Default::default(),
    }
}

#[wasm_bindgen_test]
async fn a_snapshot_reads_back_identical_after_the_database_is_reopened() {
    let name = "keystone-test-reopen";
    let data = dataset(1);
    assert!(data.transactions().len() > keystone::storage::codec::CHUNK_ROWS);
    let store = Store::named(name);
    store.delete_all().await.expect("clear");
    store
        .save(&record("s1", &data), &data, SaveOptions::default())
        .await
        .expect("save");

    let (stored_record, stored) = Store::named(name)
        .current()
        .await
        .expect("load")
        .expect("a snapshot is active");
    assert_eq!(stored_record, record("s1", &data));
    assert!(
        stored == data,
        "the dataset read back differs from the one written"
    );
}

#[wasm_bindgen_test]
async fn an_interrupted_save_leaves_the_previous_snapshot_and_no_trace() {
    let name = "keystone-test-atomic";
    let first = dataset(2);
    let store = Store::named(name);
    store.delete_all().await.expect("clear");
    store
        .save(&record("first", &first), &first, SaveOptions::default())
        .await
        .expect("save first");

    let second = dataset(3);
    let interrupted = store
        .save(
            &record("second", &second),
            &second,
            SaveOptions {
                fail_after_chunks: Some(5),
            },
        )
        .await;
    assert!(interrupted.is_err(), "the forced failure must be reported");

    let (active, stored) = store.current().await.expect("load").expect("active");
    assert_eq!(active.snapshot_id, "first");
    assert!(stored == first, "the previous snapshot must be intact");
    let ids: Vec<String> = store
        .list()
        .await
        .expect("list")
        .0
        .into_iter()
        .map(|r| r.snapshot_id)
        .collect();
    assert_eq!(
        ids,
        vec!["first".to_string()],
        "no catalogue entry for the interrupted one"
    );
    assert_eq!(
        store.chunk_count("second").await.expect("count"),
        0,
        "no chunks left behind"
    );
    assert!(store.chunk_count("first").await.expect("count") > 0);
}

/// The model studio's result for `data`: every customer scored on AUM by a logistic fit of
/// whether they hold over ¥1M (what a stored model looks like; its quality does not matter).
fn applied_model(data: &Dataset) -> keystone::analytics::models::studio::AppliedModel {
    use keystone::analytics::models::outcome::{Outcome, OutcomeRule};
    use keystone::analytics::models::studio::{AppliedModel, FinalModel, TrainingReport};
    use keystone::analytics::models::{Design, Model, ModelKind};
    let features = keystone::analytics::customer_features(data, None);
    let aum: Vec<f64> = features.aum_fen.iter().map(|&f| f as f64).collect();
    let labels: Vec<bool> = features.aum_fen.iter().map(|&f| f > 100_000_000).collect();
    let mut design = Design::default();
    design.push_numeric("aum", aum);
    let rows: Vec<usize> = (0..labels.len()).collect();
    let model = Model::fit(ModelKind::Logistic, &design, &labels, &rows);
    AppliedModel {
        name: "aum ≥ 1M".into(),
        version: 2,
        outcome: Outcome::Column {
            column: "aum".into(),
            rule: OutcomeRule::AtLeast(1e6),
        },
        probabilities: rows
            .iter()
            .map(|&r| keystone::analytics::models::sigmoid(model.score(&design, r)) as f32)
            .collect(),
        model: FinalModel {
            kind: ModelKind::Logistic,
            model,
            features: vec!["aum".into()],
            levels: vec![None],
        },
        report: TrainingReport {
            customers: rows.len(),
            labelled: rows.len(),
            positives: labels.iter().filter(|&&l| l).count(),
            folds: 5,
            screened: Vec::new(),
            used: vec!["aum".into()],
            importance_rows: 0,
            models: Vec::new(),
        },
    }
}

#[wasm_bindgen_test]
async fn a_backup_restores_every_snapshot_and_a_damaged_one_changes_nothing() {
    let name = "keystone-test-backup";
    let (first, second) = (dataset(4), dataset(5));
    let store = Store::named(name);
    store.delete_all().await.expect("clear");
    for (id, data) in [("one", &first), ("two", &second)] {
        store
            .save(&record(id, data), data, SaveOptions::default())
            .await
            .expect("save");
    }
    // The model applied to the second snapshot goes with it.
    let model = applied_model(&second);
    store
        .save_model("two", &model)
        .await
        .expect("save the model");
    let file = store.backup("2026-11-29T00:00:00Z").await.expect("export");
    store.delete_all().await.expect("clear");
    assert!(store.current().await.expect("load").is_none());

    let mut damaged = file.clone();
    let last = damaged.len() - 1;
    damaged[last] ^= 0xFF;
    assert!(
        store.restore(&damaged).await.is_err(),
        "a damaged backup must be refused"
    );
    assert!(
        store.current().await.expect("load").is_none(),
        "a refused backup changes nothing"
    );

    let (active, stored) = store
        .restore(&file)
        .await
        .expect("restore")
        .expect("active");
    assert_eq!(active.snapshot_id, "two");
    assert!(stored == second, "the active snapshot restores exactly");
    let mut ids: Vec<String> = store
        .list()
        .await
        .expect("list")
        .0
        .into_iter()
        .map(|r| r.snapshot_id)
        .collect();
    ids.sort();
    assert_eq!(ids, vec!["one".to_string(), "two".to_string()]);
    let restored = store
        .model("two")
        .await
        .expect("read")
        .expect("the model restored");
    assert_eq!((restored.name.as_str(), restored.version), ("aum ≥ 1M", 2));
    assert_eq!(restored.probabilities.len(), second.n_customers());
    assert!(store.model("one").await.expect("read").is_none());
}

#[wasm_bindgen_test]
async fn deleting_a_dataset_removes_all_its_snapshots_and_keeps_the_others() {
    let name = "keystone-test-datasets";
    let small = generate(&DemoConfig {
        n_customers: 200,
        transactions_per_customer: 5,
        seed: 9,
    });
    let store = Store::named(name);
    store.delete_all().await.expect("clear");
    let snapshot = |id: &str, dataset: &str, at: &str| SnapshotRecord {
        dataset_name: dataset.into(),
        imported_at: at.into(),
        ..record(id, &small)
    };
    for (id, dataset, at) in [
        ("a1", "分行A", "2026-10-01T00:00:00Z"),
        ("b1", "分行B", "2026-10-02T00:00:00Z"),
        ("a2", "分行A", "2026-11-01T00:00:00Z"),
    ] {
        store
            .save(&snapshot(id, dataset, at), &small, SaveOptions::default())
            .await
            .expect("save");
    }
    // a2 is active (saved last); deleting 分行A removes a1 and a2, and b1 becomes active.
    store.delete_dataset("分行A").await.expect("delete dataset");
    let (left, active) = store.list().await.expect("list");
    let left: Vec<String> = left.into_iter().map(|r| r.snapshot_id).collect();
    assert_eq!(left, ["b1"]);
    assert_eq!(active.as_deref(), Some("b1"));
    assert_eq!(store.chunk_count("a1").await.expect("count"), 0);
    assert_eq!(store.chunk_count("a2").await.expect("count"), 0);
    assert!(store.chunk_count("b1").await.expect("count") > 0);
    let (_, data) = store.current().await.expect("load").expect("active data");
    assert!(data == small);
}

#[wasm_bindgen_test]
async fn a_snapshot_that_no_longer_decodes_is_skipped_at_start_and_the_next_one_shown() {
    let name = "keystone-test-skip";
    let small = generate(&DemoConfig {
        n_customers: 200,
        transactions_per_customer: 5,
        seed: 9,
    });
    let store = Store::named(name);
    store.delete_all().await.expect("clear");
    let older = SnapshotRecord {
        imported_at: "2026-10-01T00:00:00Z".into(),
        ..record("good", &small)
    };
    store
        .save(&older, &small, SaveOptions::default())
        .await
        .expect("save");
    // Its record claims more customers than its chunks hold: stored damage, as a bad restore
    // or a disk could leave. It is the current one.
    let mut damaged = SnapshotRecord {
        imported_at: "2026-11-01T00:00:00Z".into(),
        ..record("damaged", &small)
    };
    damaged.rows.customers += 5;
    store
        .save(&damaged, &small, SaveOptions::default())
        .await
        .expect("save");
    assert!(
        store.current().await.is_err(),
        "the current one does not decode"
    );
    let readable = store.current_readable().await.expect("the database reads");
    let skipped: Vec<&str> = readable
        .skipped
        .iter()
        .map(|(r, _)| r.snapshot_id.as_str())
        .collect();
    assert_eq!(skipped, ["damaged"]);
    let (shown, data) = readable.current.expect("the older one is shown");
    assert_eq!(shown.snapshot_id, "good");
    assert!(data == small);
    // The readable one is now current: the next start reads it straight away.
    let (record, _) = store.current().await.expect("reads").expect("current");
    assert_eq!(record.snapshot_id, "good");
    let (listed, _) = store.list().await.expect("list");
    assert_eq!(listed.len(), 2, "the damaged one stays listed, to delete");
}

#[wasm_bindgen_test]
async fn chunks_encoded_elsewhere_are_stored_under_the_new_snapshot_as_they_are() {
    let name = "keystone-test-encoded";
    let data = dataset(4);
    let store = Store::named(name);
    store.delete_all().await.expect("clear");
    // As the import worker sends them: encoded under its transfer prefix, in JS buffers.
    let chunks: Vec<(String, js_sys::Uint8Array)> = encode_dataset("transfer", &data)
        .into_iter()
        .map(|(key, bytes)| (key, js_sys::Uint8Array::from(bytes.as_slice())))
        .collect();
    // Abandoned after the chunks went in (the page's copy did not decode): nothing stays.
    let refused = store
        .commit_import(
            "import-0",
            "transfer/",
            &chunks,
            SaveOptions::default(),
            || Err::<(SnapshotRecord, ()), _>(keystone::storage::StorageError("no".into())),
        )
        .await;
    assert!(refused.is_err());
    assert_eq!(store.chunk_count("import-0").await.expect("count"), 0);
    assert!(store.list().await.expect("read").1.is_none());
    // The page decodes and analyses in the closure, before the record goes in.
    store
        .commit_import(
            "import-1",
            "transfer/",
            &chunks,
            SaveOptions::default(),
            || Ok((record("import-1", &data), ())),
        )
        .await
        .expect("save");
    assert_eq!(
        store.chunk_count("import-1").await.expect("count") as usize,
        chunks.len()
    );
    let (stored_record, stored) = store
        .current()
        .await
        .expect("load")
        .expect("a snapshot is active");
    assert_eq!(stored_record.snapshot_id, "import-1");
    assert!(
        stored == data,
        "the stored chunks decode to another dataset"
    );
}

/// A two-worker import: the first worker's chunks, and the second's transactions stored as
/// they came, under the second part's id. The snapshot reads back as one dataset with the
/// second part's rows after the first's; deleting it leaves none of its chunks.
#[wasm_bindgen_test]
async fn a_snapshot_stored_in_two_parts_reads_back_as_one_and_deletes_whole() {
    use keystone::storage::codec::second_part_id;
    let name = "keystone-test-two-parts";
    let (first, second) = (dataset(6), dataset(7));
    let part = RowCounts {
        transactions: second.transactions().len(),
        ..RowCounts::NONE
    };
    let whole = {
        let mut tables = first.clone().into_tables();
        tables.transactions.append(second.transactions());
        Dataset::new(tables).expect("a dataset")
    };
    let store = Store::named(name);
    store.delete_all().await.expect("clear");
    let part_prefix = format!("{}/transactions/", second_part_id("transfer"));
    let chunks: Vec<(String, js_sys::Uint8Array)> = encode_dataset("transfer", &first)
        .into_iter()
        .chain(
            encode_dataset(&second_part_id("transfer"), &second)
                .into_iter()
                .filter(|(key, _)| key.starts_with(&part_prefix)),
        )
        .map(|(key, bytes)| (key, js_sys::Uint8Array::from(bytes.as_slice())))
        .collect();
    let record = SnapshotRecord {
        rows: RowCounts::of(&whole),
        second_part: part,
        ..record("import-2", &whole)
    };
    store
        .commit_import(
            "import-2",
            "transfer/",
            &chunks,
            SaveOptions::default(),
            || Ok((record, ())),
        )
        .await
        .expect("save");
    let (stored_record, stored) = store
        .current()
        .await
        .expect("load")
        .expect("a snapshot is active");
    assert_eq!(stored_record.second_part, part);
    assert!(stored == whole, "the parts do not read back as the whole");
    store.delete_snapshot("import-2").await.expect("delete");
    assert_eq!(store.chunk_count("import-2").await.expect("count"), 0);
}

#[wasm_bindgen_test]
async fn large_files_hash_in_slices_to_the_same_sha256() {
    use keystone::worker::file_sha256;
    use sha2::{Digest, Sha256};
    // One byte past four 2 MB slices, so the sliced path reads a short last slice.
    let bytes: Vec<u8> = (0..8_388_609u32)
        .map(|i| (i.wrapping_mul(2_654_435_761) >> 24) as u8)
        .collect();
    let parts = js_sys::Array::of1(&js_sys::Uint8Array::from(bytes.as_slice()));
    let blob = web_sys::Blob::new_with_u8_array_sequence(&parts).expect("blob");
    let expected: String = Sha256::digest(&bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    let whole = file_sha256(&blob, f64::MAX).await.expect("crypto.subtle");
    let sliced = file_sha256(&blob, 0.0).await.expect("slices");
    assert_eq!(whole, expected);
    assert_eq!(sliced, expected);
}

/// The screen the page's panic hook shows (`main.rs`): in the page's language, once however
/// often the hook runs, with a reload of the page and a start that leaves the data unloaded
/// (`?safe=1`, which the Data page explains). No production path panics on purpose, so the
/// hook's screen is drawn here as the hook draws it.
#[wasm_bindgen_test]
fn a_page_panic_shows_a_recovery_screen_in_the_pages_language() {
    let window = web_sys::window().expect("window");
    let document = window.document().expect("document");
    let root = document.document_element().expect("root");
    for (lang, text, reload, safe) in [
        (
            "en",
            "Keystone met an internal error",
            "Reload",
            "Open without loading the data",
        ),
        (
            "zh-CN",
            "Keystone 遇到内部错误",
            "重新加载",
            "不加载数据打开",
        ),
    ] {
        root.set_attribute("lang", lang).expect("lang");
        keystone::ui::show_crash_screen();
        keystone::ui::show_crash_screen();
        let screens = document.get_elements_by_class_name("crash");
        assert_eq!(
            screens.length(),
            1,
            "one screen however often the hook runs"
        );
        let screen = document
            .get_element_by_id("keystone-crash")
            .expect("the screen");
        assert_eq!(screen.get_attribute("role").as_deref(), Some("alert"));
        let paragraph = screen.query_selector("p").expect("query").expect("text");
        assert!(paragraph
            .text_content()
            .unwrap_or_default()
            .starts_with(text));
        let links = screen.get_elements_by_tag_name("a");
        let link = |i: u32| links.item(i).expect("a link");
        let href = |i: u32| link(i).get_attribute("href").unwrap_or_default();
        assert_eq!(link(0).text_content().as_deref(), Some(reload));
        assert_eq!(href(0), window.location().href().expect("href"));
        assert!(link(1).text_content().unwrap_or_default().starts_with(safe));
        let path = window.location().pathname().expect("path");
        assert_eq!(href(1), format!("{path}?safe=1"));
        screen.remove();
    }
}

/// A visit recorded by `author` as its `sequence`-th event.
fn visit(author: &str, sequence: u64, customer_id: &str) -> keystone::journal::JournalEvent {
    use keystone::journal::{ContactKind, EventId, EventKind, JournalEvent};
    JournalEvent {
        id: EventId {
            author: author.into(),
            sequence,
        },
        at_ms: 1_764_000_000_000 + sequence as i64,
        author_name: format!("{author} 经理"),
        kind: EventKind::InteractionLogged {
            customer_id: customer_id.into(),
            date: keystone::model::Day::parse_iso("2026-11-30").expect("a date"),
            contact: ContactKind::Visit,
            note: format!("第 {sequence} 次拜访"),
            next_step: None,
            confidential: sequence.is_multiple_of(2),
        },
    }
}

#[wasm_bindgen_test]
async fn the_journal_survives_reopening_the_database_and_a_new_snapshot() {
    let name = "keystone-test-journal";
    let store = Store::named(name);
    store.delete_all().await.expect("clear");
    assert!(store.journal().await.expect("read").is_empty());
    // More than a segment's worth, written in three appends (one event, a batch, the rest).
    let events: Vec<_> = (1..=4500)
        .map(|s| visit("RM0001", s, "D00000001"))
        .collect();
    store
        .append_journal(&events[..1])
        .await
        .expect("append one");
    store
        .append_journal(&events[1..3000])
        .await
        .expect("append a batch");
    store
        .append_journal(&events[3000..])
        .await
        .expect("append the rest");

    let data = dataset(7);
    store
        .save(&record("after", &data), &data, SaveOptions::default())
        .await
        .expect("a new snapshot");
    // A fresh handle opens the database again: the journal is read whole, in order.
    let journal = Store::named(name).journal().await.expect("read back");
    assert_eq!(journal.len(), events.len());
    assert_eq!(journal.events(), &events[..]);
    // A batch with an event that cannot be stored (no date) stores none of it, even the
    // segment's worth before that event.
    let mut undated = visit("RM0002", 2101, "D00000002");
    if let keystone::journal::EventKind::InteractionLogged { date, .. } = &mut undated.kind {
        *date = keystone::model::Day::MISSING;
    }
    let mut batch: Vec<_> = (1..=2100)
        .map(|s| visit("RM0002", s, "D00000002"))
        .collect();
    batch.push(undated);
    assert!(store.append_journal(&batch).await.is_err());
    assert_eq!(store.journal().await.expect("read").events(), &events[..]);
    // Deleting one snapshot leaves the journal; deleting everything takes it.
    store
        .delete_snapshot("after")
        .await
        .expect("delete the snapshot");
    assert_eq!(store.journal().await.expect("read").len(), events.len());
    store.delete_all().await.expect("delete all");
    assert!(store.journal().await.expect("read").is_empty());
}
