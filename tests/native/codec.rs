//! Column chunks decode to exactly the dataset that was encoded, across chunk boundaries, and
//! damaged or missing chunks are reported, never half-read.

use keystone::demo::{generate, DemoConfig};
use keystone::model::{Dataset, TextColumn};
use keystone::storage::catalogue::{SnapshotRecord, SCHEMA_VERSION};
use keystone::storage::codec::{
    append_holdings, append_transactions, decode_dataset, encode_dataset, CodecError, RowCounts,
    CHUNK_ROWS,
};
use std::collections::HashMap;

/// The demo with 50 customers (about 1,000 transactions): one chunk of everything.
fn small_demo() -> Dataset {
    generate(&DemoConfig {
        n_customers: 50,
        ..DemoConfig::default()
    })
}

fn round_trip(data: &Dataset) -> Result<Dataset, CodecError> {
    let chunks: HashMap<String, Vec<u8>> = encode_dataset("snap-1", data).into_iter().collect();
    decode_dataset("snap-1", SCHEMA_VERSION, &RowCounts::of(data), &chunks)
}

#[test]
fn datasets_round_trip_across_chunk_boundaries() {
    // 15,000 customers × 20 transactions crosses the 262,144-row chunk boundary.
    let data = generate(&DemoConfig {
        n_customers: 15_000,
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
fn stored_rows_append_to_a_table_as_the_table_would_append_them() {
    // A snapshot's second part is read by adding its rows from their chunks; the result must
    // be what appending the decoded part gives, dictionaries merged, across chunk boundaries.
    let first = generate(&DemoConfig {
        n_customers: 300,
        ..DemoConfig::default()
    });
    let part = generate(&DemoConfig {
        n_customers: 15_000,
        transactions_per_customer: 20,
        seed: 12,
    });
    assert!(part.transactions().len() > CHUNK_ROWS);
    let chunks: HashMap<String, Vec<u8>> = encode_dataset("part", &part).into_iter().collect();
    let rows = RowCounts::of(&part);

    let mut expected = first.transactions().clone();
    expected.append(part.transactions());
    let mut appended = first.transactions().clone();
    append_transactions(
        &mut appended,
        "part",
        SCHEMA_VERSION,
        rows.transactions,
        &chunks,
    )
    .expect("appends");
    assert!(
        appended == expected,
        "transactions differ from Transactions::append"
    );

    let mut expected = first.holdings().clone();
    expected.append(part.holdings());
    let mut appended = first.holdings().clone();
    append_holdings(
        &mut appended,
        "part",
        SCHEMA_VERSION,
        rows.holdings,
        &chunks,
    )
    .expect("appends");
    assert!(
        appended == expected,
        "holdings differ from Holdings::append"
    );

    let mut damaged = chunks.clone();
    damaged.remove("part/transactions/amount/00001");
    let mut appended = first.transactions().clone();
    assert_eq!(
        append_transactions(
            &mut appended,
            "part",
            SCHEMA_VERSION,
            rows.transactions,
            &damaged
        ),
        Err(CodecError::MissingChunk(
            "part/transactions/amount/00001".into()
        ))
    );
}

#[test]
fn missing_and_damaged_chunks_are_errors() {
    let data = small_demo();
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

/// The demo with its transaction ids replaced by `ids` (as many as it has transactions).
fn with_transaction_ids(data: &Dataset, ids: &[String]) -> Dataset {
    let mut tables = data.tables().clone();
    tables.transactions.txn_id = TextColumn::new();
    for id in ids {
        tables.transactions.txn_id.push(id);
    }
    Dataset::new(tables).expect("consistent")
}

#[test]
fn numbered_ids_are_stored_as_numbers_and_read_back_exactly() {
    let data = small_demo();
    let n = data.transactions().len();
    let from = |make: &dyn Fn(usize) -> String| -> Vec<String> { (0..n).map(make).collect() };
    // (what the ids are, the ids, the stored chunk's length: `None` for text as before)
    let numbered = |prefix: &str, width: usize| Some(18 + prefix.len() + (n - 1) * width);
    let cases: Vec<(&str, Vec<String>, Option<usize>)> = vec![
        (
            "issued in order",
            from(&|i| format!("T{i:010}")),
            numbered("T", 1),
        ),
        (
            "with gaps",
            from(&|i| format!("T{:010}", i * 300)),
            numbered("T", 2),
        ),
        (
            "falling",
            from(&|i| format!("T{:010}", 5_000_000 - i)),
            numbered("T", 1),
        ),
        (
            "carried over nines",
            from(&|i| format!("X-{:06}", 99_500 + i)),
            numbered("X-", 1),
        ),
        (
            "twenty digits, the first two kept as the prefix",
            from(&|i| format!("2024010500{:010}", 7 * i + 123)),
            numbered("20", 1),
        ),
        (
            "up to 10^18 - 1",
            from(&|i| format!("{}", 999_999_999_999_999_999 - i as i64 * 1_000_000_000_000)),
            numbered("", 6),
        ),
        (
            "Chinese prefix",
            from(&|i| format!("流水{i:06}")),
            numbered("流水", 1),
        ),
        (
            "rows longer than 32 bytes",
            from(&|i| format!("上海浦东分行-流水-{:012}", 3 * i)),
            numbered("上海浦东分行-流水-", 1),
        ),
        (
            "digits of different lengths",
            from(&|i| format!("T{i}")),
            None,
        ),
        (
            "prefixes that differ",
            from(&|i| format!("{}{i:06}", if i % 2 == 0 { "A" } else { "B" })),
            None,
        ),
        ("no digits", from(&|i| "x".repeat(i % 5 + 1)), None),
    ];
    for (what, ids, stored) in cases {
        let data = with_transaction_ids(&data, &ids);
        let chunks: HashMap<String, Vec<u8>> = encode_dataset("s", &data).into_iter().collect();
        let chunk = &chunks["s/transactions/txn_id/00000"];
        match stored {
            Some(length) => assert_eq!(chunk.len(), length, "{what}"),
            None => assert!(chunk.len() > ids.iter().map(String::len).sum(), "{what}"),
        }
        assert!(
            round_trip(&data) == Ok(data.clone()),
            "{what}: ids do not round-trip"
        );
    }
}

#[test]
fn damaged_numbered_chunks_are_errors_and_older_schemas_do_not_read_them() {
    let data = small_demo();
    let rows = RowCounts::of(&data);
    let chunks: HashMap<String, Vec<u8>> = encode_dataset("s", &data).into_iter().collect();
    let key = "s/transactions/txn_id/00000".to_string();
    let damage = |change: &dyn Fn(&mut Vec<u8>)| {
        let mut damaged = chunks.clone();
        change(damaged.get_mut(&key).expect("chunk exists"));
        decode_dataset("s", SCHEMA_VERSION, &rows, &damaged)
    };
    let corrupt = Err(CodecError::CorruptChunk(key.clone()));
    // Compared with `==`: a decoded dataset is too long to print.
    let refused = |change: &dyn Fn(&mut Vec<u8>), what: &str| {
        assert!(damage(change) == corrupt, "{what} was not refused");
    };
    // Header: rows, prefix length 1, "T", 10 digits, the first number (0), the width.
    let width_at = 4 + 4 + 1 + 1 + 8;
    assert_eq!(
        chunks[&key][width_at], 1,
        "the demo's ids are issued in order"
    );
    assert!(damage(&|_| ()) == Ok(data.clone()));
    refused(
        &|c| {
            c.pop();
        },
        "one difference short",
    );
    refused(&|c| c.push(1), "one difference too many");
    refused(&|c| c[width_at] = 9, "a width over 8 bytes");
    refused(&|c| c[width_at - 9] = 19, "19 digits");
    refused(&|c| c[width_at - 9] = 0, "no digits");
    refused(&|c| c[4] = 200, "a prefix past the end");
    refused(&|c| c[8] = 0xff, "a prefix that is not UTF-8");
    refused(
        &|c| c[width_at - 8..width_at].copy_from_slice(&9_999_999_999u64.to_le_bytes()),
        "a number past 10 digits",
    );
    refused(&|c| c[width_at + 1] = 0x80, "a number below zero");
    // Schema 5 had no numbered chunks: read as schema 5, the first numbered chunk (customer
    // numbers) is damaged.
    assert!(
        decode_dataset("s", 5, &rows, &chunks)
            == Err(CodecError::CorruptChunk(
                "s/customers/customer_id/00000".to_string()
            ))
    );
}

#[test]
fn schema_1_snapshots_are_read_with_unrated_products() {
    let data = small_demo();
    // Ids ending in a letter, which every schema stores as text (schema 1 stored no ids as
    // numbers).
    let mut tables = data.tables().clone();
    for ids in [
        &mut tables.customers.customer_id,
        &mut tables.transactions.txn_id,
        &mut tables.relationship_managers.rm_id,
    ] {
        let mut renamed = TextColumn::new();
        for id in ids.iter() {
            renamed.push(&format!("{id}x"));
        }
        *ids = renamed;
    }
    let data = Dataset::new(tables).expect("consistent");
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

/// The demo as builds before schema 8 generated it: no contacts or survey answers (drawn from
/// a generator of their own, so nothing else moved) and no maturity dates, which older chunks
/// read as not given.
fn before_contact_history(data: keystone::model::Dataset) -> keystone::model::Dataset {
    let mut tables = data.into_tables();
    tables.interactions = Default::default();
    tables.feedback = Default::default();
    for day in &mut tables.holdings.maturity_date {
        *day = keystone::model::Day::MISSING;
    }
    keystone::model::Dataset::new(tables).expect("the same tables, fewer rows")
}

#[test]
fn schema_2_backups_restore_and_decode() {
    use keystone::storage::backup::read_backup;
    // Written before schema 3 narrowed the chunks: the demo's first 300 customers, as a backup
    // (every integer at full width, text with u32 offsets).
    let file = gunzip(include_bytes!(
        "../data/storage/demo-300-schema-2.keystone.gz"
    ));
    let backup = read_backup(&file).expect("an older backup reads");
    assert_eq!(backup.header.schema_version, 2);
    let record = &backup.header.snapshots[0];
    let chunks: HashMap<String, Vec<u8>> = backup.chunks.into_iter().collect();
    let old = decode_dataset("snap-v2", record.schema_version, &record.rows, &chunks)
        .expect("schema 2 chunks decode");
    let data = before_contact_history(generate(&DemoConfig {
        n_customers: 300,
        ..DemoConfig::default()
    }));
    // If the demo generator changes, this fixture must be written again with a schema 2 build.
    assert!(old == data, "the schema 2 backup decodes to other data");
    // Written again now, the same data takes fewer bytes.
    let stored = |chunks: &HashMap<String, Vec<u8>>| chunks.values().map(Vec::len).sum::<usize>();
    let narrow: HashMap<String, Vec<u8>> = encode_dataset("snap-v2", &data).into_iter().collect();
    assert!(
        stored(&narrow) * 10 < stored(&chunks) * 7,
        "schema 3 stores {} bytes, schema 2 {}",
        stored(&narrow),
        stored(&chunks)
    );
}

#[test]
fn schema_4_backups_decode_in_their_smaller_chunks() {
    use keystone::storage::backup::read_backup;
    use keystone::storage::codec::chunk_rows;
    // Written by a schema 4 build, whose chunks held 65,536 rows: more transactions than one
    // chunk, so the reader must cut where that layout cut.
    let file = gunzip(include_bytes!(
        "../data/storage/demo-4000-schema-4.keystone.gz"
    ));
    let backup = read_backup(&file).expect("an older backup reads");
    let record = &backup.header.snapshots[0];
    assert_eq!(record.schema_version, 4);
    assert!(record.rows.transactions > chunk_rows(4));
    assert!(record.rows.transactions < CHUNK_ROWS);
    let chunks: HashMap<String, Vec<u8>> = backup.chunks.into_iter().collect();
    let old = decode_dataset("snap-v4", record.schema_version, &record.rows, &chunks)
        .expect("schema 4 chunks decode");
    let data = before_contact_history(generate(&DemoConfig {
        n_customers: 4_000,
        transactions_per_customer: 20,
        seed: 11,
    }));
    // If the demo generator changes, this fixture must be written again with a schema 4 build.
    assert!(old == data, "the schema 4 backup decodes to other data");
    // Read as the current layout, the same chunks are not taken for whole columns.
    assert!(decode_dataset("snap-v4", SCHEMA_VERSION, &record.rows, &chunks).is_err());
}

#[test]
fn integers_are_stored_at_the_width_their_values_need() {
    let mut data = generate(&DemoConfig {
        n_customers: 300,
        ..DemoConfig::default()
    });
    let width = |data: &Dataset, key: &str| {
        let chunks: HashMap<String, Vec<u8>> = encode_dataset("s", data).into_iter().collect();
        chunks[&format!("s/{key}/00000")].len() / data.transactions().len()
    };
    assert_eq!(width(&data, "transactions/channel"), 1);
    assert_eq!(width(&data, "transactions/txn_date"), 2);
    assert_eq!(width(&data, "transactions/customer"), 2);
    // Extremes at every width a column may take round-trip exactly, negative ones too, up to
    // the largest amount a dataset may hold.
    for (amount, bytes) in [
        (-128, 1),
        (127, 1),
        (-129, 2),
        (1 << 31, 5),
        (-keystone::model::MAX_AMOUNT_FEN, 8),
        (keystone::model::MAX_AMOUNT_FEN, 8),
    ] {
        let mut tables = data.tables().clone();
        tables.transactions.amount_fen.fill(0);
        tables.transactions.amount_fen[7] = amount;
        data = Dataset::new(tables).expect("consistent");
        assert_eq!(width(&data, "transactions/amount"), bytes, "{amount}");
        assert!(
            round_trip(&data) == Ok(data.clone()),
            "{amount} does not round-trip"
        );
    }
}

fn gunzip(bytes: &[u8]) -> Vec<u8> {
    use std::io::Read;
    let mut out = Vec::new();
    flate2::read::GzDecoder::new(bytes)
        .read_to_end(&mut out)
        .expect("gunzip");
    out
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
        second_part: RowCounts::NONE,
        sources: Vec::new(),
        currency: Default::default(),
    };
    assert_eq!(
        SnapshotRecord::from_json(&record.to_json()),
        Ok(record.clone())
    );
    let newer = SnapshotRecord {
        schema_version: SCHEMA_VERSION + 1,
        ..record.clone()
    };
    assert!(SnapshotRecord::from_json(&newer.to_json()).is_err());
    assert!(SnapshotRecord::from_json("{not json").is_err());
    // Snapshots stored before the currency was asked were read as renminbi: so they stay.
    let mut older: serde_json::Value = serde_json::from_str(&record.to_json()).expect("json");
    older.as_object_mut().expect("object").remove("currency");
    let older = SnapshotRecord::from_json(&older.to_string()).expect("an older record reads");
    assert_eq!(older.currency, keystone::model::Currency::Cny);
    let dollars = SnapshotRecord {
        currency: keystone::model::Currency::Usd,
        ..record.clone()
    };
    assert!(dollars.to_json().contains("\"currency\":\"USD\""));
    assert_eq!(SnapshotRecord::from_json(&dollars.to_json()), Ok(dollars));
}

/// A demo dataset of `customers` as snapshot `snap-1`: its chunks and its record.
fn backup_fixture(customers: usize) -> (Dataset, Vec<(String, Vec<u8>)>, SnapshotRecord) {
    let data = generate(&DemoConfig {
        n_customers: customers,
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
        second_part: RowCounts::NONE,
        sources: Vec::new(),
        currency: Default::default(),
    };
    (data, chunks, record)
}

#[test]
fn backups_round_trip_and_refuse_damage() {
    use keystone::storage::backup::{read_backup, write_backup, BackupError};
    let (data, chunks, record) = backup_fixture(300);
    let file = write_backup(
        "2026-11-29T01:00:00Z",
        vec![record.clone()],
        Some("snap-1".into()),
        &chunks,
        Vec::new(),
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
        Err(BackupError::DigestMismatch)
    );
    assert_eq!(read_backup(b"name,city\n"), Err(BackupError::NotABackup));
    // The digest covers the header too: a row count edited in it is refused as damage.
    let text = String::from_utf8_lossy(&file).into_owned();
    let rows = format!("\"customers\":{}", record.rows.customers);
    assert!(text.contains(&rows));
    let edited = text.replacen(&rows, "\"customers\":2000000000", 1);
    assert_eq!(
        read_backup(edited.as_bytes()),
        Err(BackupError::DigestMismatch)
    );
}

/// A version 1 backup (its digest on the body only) of `header` and `chunks`, written as an
/// attacker or a damaged disk might: the header says whatever it says.
fn backup_v1(
    header: &keystone::storage::backup::BackupHeader,
    chunks: &[(String, Vec<u8>)],
) -> Vec<u8> {
    use sha2::{Digest, Sha256};
    let body: Vec<u8> = chunks.iter().flat_map(|(_, b)| b.clone()).collect();
    let header = keystone::storage::backup::BackupHeader {
        body_sha256: Sha256::digest(&body)
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect(),
        ..header.clone()
    };
    let mut file = b"KEYSTONE-BACKUP 1\n".to_vec();
    file.extend_from_slice(serde_json::to_string(&header).expect("json").as_bytes());
    file.push(b'\n');
    file.extend_from_slice(&body);
    file
}

#[test]
fn a_backup_whose_numbers_do_not_fit_is_refused_before_anything_is_replaced() {
    use keystone::storage::backup::{read_backup, BackupError, BackupHeader};
    let (_, chunks, record) = backup_fixture(200);
    let header = BackupHeader {
        schema_version: SCHEMA_VERSION,
        created_at: "2026-11-29T01:00:00Z".into(),
        snapshots: vec![record.clone()],
        active: Some("snap-1".into()),
        chunks: chunks
            .iter()
            .map(|(k, b)| (k.clone(), b.len() as u64))
            .collect(),
        body_sha256: String::new(),
        models: Vec::new(),
    };
    // As written, an older backup still restores.
    let backup = read_backup(&backup_v1(&header, &chunks)).expect("a version 1 backup reads");
    assert_eq!(backup.header.snapshots, vec![record.clone()]);
    let refused = |header: &BackupHeader, chunks: &[(String, Vec<u8>)]| {
        read_backup(&backup_v1(header, chunks)).expect_err("refused")
    };
    let bad_snapshot = |error: BackupError| matches!(error, BackupError::BadSnapshot { .. });

    // Two billion transactions claimed: refused without asking for their room.
    let mut claimed = header.clone();
    claimed.snapshots[0].rows.transactions = 2_000_000_000;
    assert!(bad_snapshot(refused(&claimed, &chunks)));
    // A dictionary chunk whose count says 2^31 values.
    let mut damaged = chunks.clone();
    let dictionary = damaged
        .iter_mut()
        .find(|(k, _)| k.ends_with("/dict"))
        .expect("a dictionary");
    dictionary.1[..4].copy_from_slice(&[0xFF; 4]);
    assert!(bad_snapshot(refused(&header, &damaged)));
    // Chunk lengths that wrap the sum: refused as lengths, not a panic.
    let mut wrapping = header.clone();
    wrapping.chunks[0].1 = u64::MAX;
    wrapping.chunks[1].1 = 2;
    assert_eq!(refused(&wrapping, &chunks), BackupError::WrongLength);
    // A current snapshot that is not there, a chunk of no snapshot, a chunk twice.
    let mut no_active = header.clone();
    no_active.active = Some("snap-9".into());
    assert!(matches!(
        refused(&no_active, &chunks),
        BackupError::Inconsistent(_)
    ));
    let mut stray = chunks.clone();
    stray.push(("other/customers/customer_id/00000".into(), vec![0; 8]));
    let mut stray_header = header.clone();
    stray_header
        .chunks
        .push(("other/customers/customer_id/00000".into(), 8));
    assert!(matches!(
        refused(&stray_header, &stray),
        BackupError::Inconsistent(_)
    ));
    let mut twice = chunks.clone();
    twice.push(chunks[0].clone());
    let mut twice_header = header.clone();
    twice_header.chunks.push(header.chunks[0].clone());
    assert!(matches!(
        refused(&twice_header, &twice),
        BackupError::Inconsistent(_)
    ));
    // Every byte of a chunk flipped in turn (the digest made to match): refused or read, but
    // never a panic or a dataset that breaks the model's rules.
    let amounts = chunks
        .iter()
        .position(|(k, _)| k.contains("transactions/amount"))
        .expect("amounts");
    for at in 0..chunks[amounts].1.len().min(64) {
        let mut flipped = chunks.clone();
        flipped[amounts].1[at] ^= 0xFF;
        let _ = read_backup(&backup_v1(&header, &flipped));
    }
}

/// One column list per table: every visit sees the same columns, named once.
mod column_lists {
    use keystone::demo::{generate, DemoConfig};
    use keystone::model::schema::{column_lengths, table_column_bytes, Table};
    use keystone::model::{Dataset, ModelError};
    use keystone::storage::codec::encode_dataset;
    use std::collections::HashSet;

    fn names<T: Table>(table: &T) -> Vec<&'static str> {
        column_lengths(table)
            .into_iter()
            .map(|(name, _)| name)
            .collect()
    }

    /// The columns of a table that has rows (an empty one writes only its dictionaries).
    fn filled<T: Table>(table: &T) -> Vec<&'static str> {
        column_lengths(table)
            .into_iter()
            .filter(|&(_, rows)| rows > 0)
            .map(|(name, _)| name)
            .collect()
    }

    #[test]
    fn every_stored_column_is_one_the_lists_name() {
        let data = generate(&DemoConfig {
            n_customers: 300,
            transactions_per_customer: 4,
            seed: 3,
        });
        let mut listed = HashSet::new();
        let mut expected = HashSet::new();
        for (table, columns) in [
            ("customers", filled(data.customers())),
            ("holdings", filled(data.holdings())),
            ("transactions", filled(data.transactions())),
            (
                "relationship_managers",
                filled(data.relationship_managers()),
            ),
        ] {
            expected.extend(columns.iter().map(|c| format!("{table}/{c}")));
        }
        let lists = [
            ("customers", names(data.customers())),
            ("holdings", names(data.holdings())),
            ("transactions", names(data.transactions())),
            ("relationship_managers", names(data.relationship_managers())),
            ("interactions", names(data.interactions())),
            ("feedback", names(data.feedback())),
        ];
        for (table, columns) in &lists {
            let unique: HashSet<_> = columns.iter().collect();
            assert_eq!(unique.len(), columns.len(), "{table} names a column twice");
            for column in columns {
                listed.insert(format!("{table}/{column}"));
            }
        }
        // Every chunk the codec writes is a listed column's (or its dictionary, or a
        // customer attribute's), and every listed column is written.
        let mut written = HashSet::new();
        for (key, _) in encode_dataset("s", &data) {
            let parts: Vec<&str> = key.split('/').collect();
            let column = format!("{}/{}", parts[1], parts[2]);
            if column.starts_with("customers/attribute") {
                continue;
            }
            assert!(listed.contains(&column), "{key} is not in a column list");
            written.insert(column);
        }
        assert!(
            written.is_superset(&expected),
            "a listed column was not written"
        );
        let bytes = data.table_bytes();
        assert_eq!(bytes.holdings, table_column_bytes(data.holdings()));
        assert!(bytes.transactions > 0);
    }

    #[test]
    fn a_ragged_table_is_refused_naming_its_short_column() {
        let data = generate(&DemoConfig {
            n_customers: 50,
            transactions_per_customer: 2,
            seed: 4,
        });
        let mut tables = data.into_tables();
        tables.transactions.channel = Default::default();
        match Dataset::new(tables) {
            Err(ModelError::RaggedTable { table, column, .. }) => {
                assert_eq!((table, column), ("transactions", "channel"));
            }
            other => panic!("expected a ragged table, got {:?}", other.map(|_| ())),
        }
    }
}

/// A backup keeps the model applied to each snapshot (a restore would otherwise lose it), and
/// refuses one that names a snapshot it does not hold or does not read as a stored model.
#[test]
fn a_backup_keeps_each_snapshots_applied_model_and_refuses_one_that_does_not_fit() {
    use keystone::storage::backup::{read_backup, write_backup, BackupError};
    let (_, chunks, record) = backup_fixture(50);
    let (book, _, _) = super::support::churn_with_model("流失标志", "流失", 3);
    let applied = book.applied.as_ref().expect("applied").as_ref().clone();
    let json = keystone::storage::models::to_json(&applied);
    let write = |models: Vec<(String, String)>| {
        write_backup(
            "2026-12-07T00:00:00Z",
            vec![record.clone()],
            Some("snap-1".into()),
            &chunks,
            models,
        )
    };
    let backup = read_backup(&write(vec![("snap-1".into(), json.clone())])).expect("reads");
    assert_eq!(backup.header.models.len(), 1);
    let (id, stored) = &backup.header.models[0];
    assert_eq!(id, "snap-1");
    assert_eq!(stored, &json, "kept as stored");
    let read = keystone::storage::models::from_json(stored).expect("reads");
    assert_eq!((&read.name, read.version), (&applied.name, applied.version));
    for (models, says) in [
        (vec![("snap-2".to_owned(), json.clone())], "snap-2"),
        (
            vec![
                ("snap-1".to_owned(), json.clone()),
                ("snap-1".to_owned(), json.clone()),
            ],
            "snap-1",
        ),
        (
            vec![("snap-1".to_owned(), "{\"keystone_model\": 99}".to_owned())],
            "newer",
        ),
        (
            vec![("snap-1".to_owned(), "not json".to_owned())],
            "does not read",
        ),
    ] {
        match read_backup(&write(models)) {
            Err(BackupError::Inconsistent(why)) => assert!(why.contains(says), "{why}"),
            other => panic!("{says}: {other:?}"),
        }
    }
    // A header written before models were kept still reads, with none.
    let mut header = serde_json::to_value(&backup.header).expect("json");
    header.as_object_mut().expect("object").remove("models");
    let older: keystone::storage::backup::BackupHeader =
        serde_json::from_value(header).expect("an older header reads");
    assert!(older.models.is_empty());
}
