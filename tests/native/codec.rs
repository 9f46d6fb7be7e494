//! Column chunks decode to exactly the dataset that was encoded, across chunk boundaries, and
//! damaged or missing chunks are reported, never half-read.

use keystone::demo::{generate, DemoConfig};
use keystone::model::Dataset;
use keystone::storage::catalogue::{SnapshotRecord, SCHEMA_VERSION};
use keystone::storage::codec::{decode_dataset, encode_dataset, CodecError, RowCounts, CHUNK_ROWS};
use std::collections::HashMap;

fn round_trip(data: &Dataset) -> Result<Dataset, CodecError> {
    let chunks: HashMap<String, Vec<u8>> = encode_dataset("snap-1", data).into_iter().collect();
    decode_dataset("snap-1", SCHEMA_VERSION, &RowCounts::of(data), &chunks)
}

#[test]
fn datasets_round_trip_across_chunk_boundaries() {
    // 4,000 customers × 20 transactions crosses the 65,536-row chunk boundary.
    let data = generate(&DemoConfig {
        n_customers: 4_000,
        transactions_per_customer: 20,
        seed: 11,
    });
    assert!(data.transactions().len() > CHUNK_ROWS);
    // Compared with `==`, not `assert_eq!`: a failure would print millions of values.
    assert!(
        round_trip(&data) == Ok(data.clone()),
        "the demo does not round-trip"
    );
    assert!(round_trip(&Dataset::default()) == Ok(Dataset::default()));
}

#[test]
fn missing_and_damaged_chunks_are_errors() {
    let data = generate(&DemoConfig {
        n_customers: 50,
        ..DemoConfig::default()
    });
    let rows = RowCounts::of(&data);
    let mut chunks: HashMap<String, Vec<u8>> = encode_dataset("s", &data).into_iter().collect();
    let key = "s/transactions/amount/00000".to_string();
    let mut damaged = chunks.clone();
    damaged.get_mut(&key).expect("chunk exists").pop();
    assert_eq!(
        decode_dataset("s", SCHEMA_VERSION, &rows, &damaged),
        Err(CodecError::CorruptChunk(key.clone()))
    );
    chunks.remove(&key);
    assert_eq!(
        decode_dataset("s", SCHEMA_VERSION, &rows, &chunks),
        Err(CodecError::MissingChunk(key))
    );
}

#[test]
fn schema_1_snapshots_are_read_with_unrated_products() {
    let data = generate(&DemoConfig {
        n_customers: 50,
        ..DemoConfig::default()
    });
    let rows = RowCounts::of(&data);
    // A snapshot written before product risk ratings existed has no such column.
    let old: HashMap<String, Vec<u8>> = encode_dataset("s", &data)
        .into_iter()
        .filter(|(key, _)| !key.starts_with("s/holdings/risk_level/"))
        .collect();
    let migrated = decode_dataset("s", 1, &rows, &old).expect("schema 1 reads");
    assert!(migrated.holdings().risk_level.iter().all(|&r| r == 0));
    assert!(migrated.holdings().balance_fen == data.holdings().balance_fen);
    assert!(data.holdings().risk_level.iter().any(|&r| r > 0));
    // The same chunks claimed as schema 2 are incomplete, and say so.
    assert!(matches!(
        decode_dataset("s", 2, &rows, &old),
        Err(CodecError::MissingChunk(key)) if key == "s/holdings/risk_level/00000"
    ));
}

#[test]
fn catalogue_records_round_trip_and_refuse_newer_schemas() {
    let record = SnapshotRecord {
        schema_version: SCHEMA_VERSION,
        snapshot_id: "snap-1".into(),
        dataset_name: "演示".into(),
        imported_at: "2026-11-29T00:00:00Z".into(),
        as_of: Some("2026-09-30".into()),
        rows: RowCounts::default(),
        sources: Vec::new(),
    };
    assert_eq!(
        SnapshotRecord::from_json(&record.to_json()),
        Ok(record.clone())
    );
    let newer = SnapshotRecord {
        schema_version: SCHEMA_VERSION + 1,
        ..record
    };
    assert!(SnapshotRecord::from_json(&newer.to_json()).is_err());
    assert!(SnapshotRecord::from_json("{not json").is_err());
}

#[test]
fn backups_round_trip_and_refuse_damage() {
    use keystone::storage::backup::{read_backup, write_backup, BackupError};
    let data = generate(&DemoConfig {
        n_customers: 300,
        ..DemoConfig::default()
    });
    let chunks = encode_dataset("snap-1", &data);
    let record = SnapshotRecord {
        schema_version: SCHEMA_VERSION,
        snapshot_id: "snap-1".into(),
        dataset_name: "分行".into(),
        imported_at: "2026-11-29T00:00:00Z".into(),
        as_of: None,
        rows: RowCounts::of(&data),
        sources: Vec::new(),
    };
    let file = write_backup(
        "2026-11-29T01:00:00Z",
        vec![record.clone()],
        Some("snap-1".into()),
        &chunks,
    );
    let backup = read_backup(&file).expect("a fresh backup reads");
    assert_eq!(backup.header.snapshots, vec![record.clone()]);
    assert_eq!(backup.header.active.as_deref(), Some("snap-1"));
    let restored: HashMap<String, Vec<u8>> = backup.chunks.into_iter().collect();
    let decoded =
        decode_dataset("snap-1", record.schema_version, &record.rows, &restored).expect("decode");
    assert!(decoded == data, "the restored dataset differs");

    let mut flipped = file.clone();
    let last = flipped.len() - 1;
    flipped[last] ^= 1;
    assert_eq!(read_backup(&flipped), Err(BackupError::DigestMismatch));
    assert_eq!(
        read_backup(&file[..file.len() - 10]),
        Err(BackupError::WrongLength)
    );
    assert_eq!(read_backup(b"name,city\n"), Err(BackupError::NotABackup));
}
