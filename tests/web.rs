//! Browser tests (wasm-bindgen-test in headless Chromium): what IndexedDB keeps, and what it
//! refuses to keep half-written.

#![cfg(target_arch = "wasm32")]

use keystone::demo::{generate, DemoConfig};
use keystone::model::Dataset;
use keystone::storage::catalogue::{SnapshotRecord, SCHEMA_VERSION};
use keystone::storage::codec::RowCounts;
use keystone::storage::idb::{self, SaveOptions};
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

fn dataset(seed: u64) -> Dataset {
    // 4,000 customers give more than one 65,536-row chunk of transactions.
    generate(&DemoConfig {
        n_customers: 4_000,
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
        sources: Vec::new(),
    }
}

#[wasm_bindgen_test]
async fn a_snapshot_reads_back_identical_after_the_database_is_reopened() {
    let name = "keystone-test-reopen";
    let data = dataset(1);
    let db = idb::open_named(name).await.expect("open");
    idb::delete_all(&db).await.expect("clear");
    idb::save_snapshot(&db, &record("s1", &data), &data, SaveOptions::default())
        .await
        .expect("save");
    db.close();

    let db = idb::open_named(name).await.expect("reopen");
    let (stored_record, stored) = idb::load_active(&db)
        .await
        .expect("load")
        .expect("a snapshot is active");
    assert_eq!(stored_record, record("s1", &data));
    assert!(
        stored == data,
        "the dataset read back differs from the one written"
    );
    db.close();
}

#[wasm_bindgen_test]
async fn an_interrupted_save_leaves_the_previous_snapshot_and_no_trace() {
    let name = "keystone-test-atomic";
    let first = dataset(2);
    let db = idb::open_named(name).await.expect("open");
    idb::delete_all(&db).await.expect("clear");
    idb::save_snapshot(
        &db,
        &record("first", &first),
        &first,
        SaveOptions::default(),
    )
    .await
    .expect("save first");

    let second = dataset(3);
    let interrupted = idb::save_snapshot(
        &db,
        &record("second", &second),
        &second,
        SaveOptions {
            fail_after_chunks: Some(5),
        },
    )
    .await;
    assert!(interrupted.is_err(), "the forced failure must be reported");
    db.close();

    let db = idb::open_named(name).await.expect("reopen");
    let (active, stored) = idb::load_active(&db).await.expect("load").expect("active");
    assert_eq!(active.snapshot_id, "first");
    assert!(stored == first, "the previous snapshot must be intact");
    let ids: Vec<String> = idb::list_snapshots(&db)
        .await
        .expect("list")
        .into_iter()
        .map(|r| r.snapshot_id)
        .collect();
    assert_eq!(
        ids,
        vec!["first".to_string()],
        "no catalogue entry for the interrupted one"
    );
    let chunks = |id: &'static str| idb::chunk_count(&db, id);
    assert_eq!(
        chunks("second").await.expect("count"),
        0,
        "no chunks left behind"
    );
    assert!(chunks("first").await.expect("count") > 0);
    db.close();
}

#[wasm_bindgen_test]
async fn a_backup_restores_every_snapshot_and_a_damaged_one_changes_nothing() {
    use keystone::storage::backup::read_backup;
    let name = "keystone-test-backup";
    let (first, second) = (dataset(4), dataset(5));
    let db = idb::open_named(name).await.expect("open");
    idb::delete_all(&db).await.expect("clear");
    for (id, data) in [("one", &first), ("two", &second)] {
        idb::save_snapshot(&db, &record(id, data), data, SaveOptions::default())
            .await
            .expect("save");
    }
    let file = idb::export_backup(&db, "2026-11-29T00:00:00Z")
        .await
        .expect("export");
    idb::delete_all(&db).await.expect("clear");
    assert!(idb::load_active(&db).await.expect("load").is_none());

    let mut damaged = file.clone();
    let last = damaged.len() - 1;
    damaged[last] ^= 0xFF;
    assert!(
        read_backup(&damaged).is_err(),
        "a damaged backup must be refused"
    );

    let backup = read_backup(&file).expect("verified");
    idb::restore_backup(&db, &backup).await.expect("restore");
    db.close();
    let db = idb::open_named(name).await.expect("reopen");
    let (active, stored) = idb::load_active(&db).await.expect("load").expect("active");
    assert_eq!(active.snapshot_id, "two");
    assert!(stored == second, "the active snapshot restores exactly");
    let mut ids: Vec<String> = idb::list_snapshots(&db)
        .await
        .expect("list")
        .into_iter()
        .map(|r| r.snapshot_id)
        .collect();
    ids.sort();
    assert_eq!(ids, vec!["one".to_string(), "two".to_string()]);
    db.close();
}
