//! IndexedDB: the browser half of storage, moving catalogue records and column chunks in and out.
//!
//! Three object stores: `catalogue` (snapshot records as JSON, and the `active` pointer),
//! `chunks` (column bytes as `Uint8Array`s) and `journal` (what managers recorded, in segments
//! of event lines, apart from every snapshot so imports, restores and deletions of snapshots
//! leave it alone). A snapshot, its chunks and the pointer to it are
//! written in one read-write transaction, so a failure or a closed tab leaves the previous
//! snapshot intact and no partial one visible.

use super::backup::{write_backup, Backup};
use super::catalogue::SnapshotRecord;
use super::codec::{decode_with_part, encode_dataset, snapshot_prefix, CodecError};
use super::journal::{append_to_segment, segment_count, StoredSegment};
use crate::journal::JournalEvent;
use crate::model::Dataset;
pub(super) use indexed_db_futures::database::Database;
use indexed_db_futures::prelude::*;
use indexed_db_futures::transaction::TransactionMode;
use std::collections::HashMap;
use std::fmt;
use wasm_bindgen::{JsCast, JsValue};

/// The database's name in the browser.
pub const DATABASE_NAME: &str = "keystone";
/// The IndexedDB version; raise it, with an upgrade step, when object stores change.
const DATABASE_VERSION: u32 = 2;
const CATALOGUE: &str = "catalogue";
const CHUNKS: &str = "chunks";
const JOURNAL: &str = "journal";
/// Event lines a journal segment holds before the next one starts: few records to read back,
/// small ones to rewrite on an append.
const SEGMENT_EVENTS: usize = 2048;
const ACTIVE_KEY: &str = "active";

/// A storage failure, in words the Data page can show.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StorageError(pub String);

impl fmt::Display for StorageError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

macro_rules! storage_error_from {
    ($($source:ty),*) => {$(
        impl From<$source> for StorageError {
            fn from(error: $source) -> StorageError {
                StorageError(error.to_string())
            }
        }
    )*};
}

storage_error_from!(
    super::backup::BackupError,
    indexed_db_futures::error::Error,
    indexed_db_futures::error::OpenDbError,
    indexed_db_futures::error::SimpleValueError,
    super::catalogue::CatalogueError,
    super::codec::CodecError
);

/// Opens a database of Keystone's layout under another name (tests use their own).
pub async fn open_named(name: &str) -> Result<Database, StorageError> {
    let db = Database::open(name)
        .with_version(DATABASE_VERSION)
        .with_on_upgrade_needed(|event, db| {
            // Version 0 → 1 creates the stores; later versions add steps below this one.
            if (event.old_version() as u64) < 1 {
                db.create_object_store(CATALOGUE).build()?;
                db.create_object_store(CHUNKS).build()?;
            }
            // Version 2 adds the journal.
            if (event.old_version() as u64) < 2 {
                db.create_object_store(JOURNAL).build()?;
            }
            Ok(())
        })
        .await?;
    Ok(db)
}

fn snapshot_key(snapshot_id: &str) -> String {
    format!("snapshot/{snapshot_id}")
}

/// The catalogue key of the model applied to a snapshot.
fn model_key(snapshot_id: &str) -> String {
    format!("model/{snapshot_id}")
}

/// Stores the model applied to a snapshot (as JSON), replacing the one before.
pub async fn put_model(db: &Database, snapshot_id: &str, json: String) -> Result<(), StorageError> {
    let tx = db
        .transaction(CATALOGUE)
        .with_mode(TransactionMode::Readwrite)
        .build()?;
    tx.object_store(CATALOGUE)?
        .put(json)
        .with_key(model_key(snapshot_id))
        .primitive()?;
    tx.commit().await?;
    Ok(())
}

/// The model applied to a snapshot, as stored JSON.
pub async fn get_model(db: &Database, snapshot_id: &str) -> Result<Option<String>, StorageError> {
    let tx = db.transaction(CATALOGUE).build()?;
    let json: Option<String> = tx
        .object_store(CATALOGUE)?
        .get(model_key(snapshot_id))
        .primitive()?
        .await?;
    Ok(json)
}

/// How a save should behave; tests use the failure switch to prove that commits are atomic.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct SaveOptions {
    /// Abort after writing this many chunks, as a crash or a full disk would.
    pub fail_after_chunks: Option<usize>,
}

/// Stores a dataset as a new snapshot and makes it the active one, all or nothing.
pub async fn save_snapshot(
    db: &Database,
    record: &SnapshotRecord,
    dataset: &Dataset,
    options: SaveOptions,
) -> Result<(), StorageError> {
    let chunks = encode_dataset(&record.snapshot_id, dataset)
        .into_iter()
        .map(|(key, bytes)| {
            let value: JsValue = js_sys::Uint8Array::from(bytes.as_slice()).into();
            (key, value, bytes.len())
        });
    save_chunks(db, record, chunks, options).await
}

/// Starts storing chunks already encoded under another snapshot id (the import worker's
/// transfer prefix), without decoding and encoding them again: `chunks` are `(key, bytes)`
/// with keys starting with `from_prefix`. The browser writes them while the caller goes on;
/// the caller must not yield to the event loop before [`PendingSnapshot::commit`] (the
/// transaction would end), which it may use to decode and analyse its own copy meanwhile.
pub async fn start_encoded_snapshot<'db>(
    db: &'db Database,
    snapshot_id: &str,
    from_prefix: &str,
    chunks: &[(String, js_sys::Uint8Array)],
    options: SaveOptions,
) -> Result<PendingSnapshot<'db>, StorageError> {
    let prefix = snapshot_prefix(snapshot_id);
    let renamed = chunks.iter().map(|(key, bytes)| {
        let key = format!("{prefix}{}", key.strip_prefix(from_prefix).unwrap_or(key));
        (key, JsValue::from(bytes.clone()), bytes.length() as usize)
    });
    start_chunks(db, renamed, options).await
}

/// A snapshot's chunks on their way into the database, in a transaction still open: the record
/// and the active pointer go into the same transaction with [`PendingSnapshot::commit`].
/// Aborted, or failing, nothing of it is stored.
pub struct PendingSnapshot<'db> {
    tx: indexed_db_futures::transaction::Transaction<'db>,
    /// Bytes of the chunks, for a quota message.
    needed: usize,
}

impl PendingSnapshot<'_> {
    /// Adds the record and makes the snapshot the active one; all is stored, or nothing.
    pub async fn commit(self, record: &SnapshotRecord) -> Result<(), StorageError> {
        let catalogue = self.tx.object_store(CATALOGUE)?;
        catalogue
            .put(record.to_json())
            .with_key(snapshot_key(&record.snapshot_id))
            .primitive()?;
        catalogue
            .put(record.snapshot_id.clone())
            .with_key(ACTIVE_KEY)
            .primitive()?;
        if let Err(error) = self.tx.commit().await {
            return Err(StorageError(format!(
                "{error} (the snapshot needs {} bytes)",
                self.needed
            )));
        }
        Ok(())
    }

    /// Rolls the chunks back.
    pub async fn abort(self) {
        let _ = self.tx.abort().await;
    }
}

/// Writes `(key, value, bytes)` chunks, the record and the active pointer in one transaction.
async fn save_chunks(
    db: &Database,
    record: &SnapshotRecord,
    chunks: impl Iterator<Item = (String, JsValue, usize)>,
    options: SaveOptions,
) -> Result<(), StorageError> {
    start_chunks(db, chunks, options)
        .await?
        .commit(record)
        .await
}

/// Puts `(key, value, bytes)` chunks in a new read-write transaction, left open.
async fn start_chunks(
    db: &Database,
    chunks: impl Iterator<Item = (String, JsValue, usize)>,
    options: SaveOptions,
) -> Result<PendingSnapshot<'_>, StorageError> {
    let tx = db
        .transaction([CATALOGUE, CHUNKS])
        .with_mode(TransactionMode::Readwrite)
        .build()?;
    let chunk_store = tx.object_store(CHUNKS)?;
    let mut needed = 0;
    for (written, (key, value, bytes)) in chunks.enumerate() {
        if options.fail_after_chunks == Some(written) {
            // Dropping the transaction without committing rolls it back.
            tx.abort().await?;
            return Err(StorageError(format!(
                "save interrupted after {written} chunks"
            )));
        }
        needed += bytes;
        chunk_store.put(value).with_key(key.as_str()).primitive()?;
    }
    drop(chunk_store);
    Ok(PendingSnapshot { tx, needed })
}

/// The active snapshot's record, if any.
pub async fn active_record(db: &Database) -> Result<Option<SnapshotRecord>, StorageError> {
    let tx = db.transaction(CATALOGUE).build()?;
    let catalogue = tx.object_store(CATALOGUE)?;
    let active: Option<String> = catalogue.get(ACTIVE_KEY).primitive()?.await?;
    let Some(snapshot_id) = active else {
        return Ok(None);
    };
    let json: Option<String> = catalogue
        .get(snapshot_key(&snapshot_id))
        .primitive()?
        .await?;
    match json {
        Some(json) => Ok(Some(SnapshotRecord::from_json(&json)?)),
        None => Err(StorageError(format!(
            "the active snapshot {snapshot_id} has no catalogue record"
        ))),
    }
}

/// Every snapshot in the catalogue.
pub async fn list_snapshots(db: &Database) -> Result<Vec<SnapshotRecord>, StorageError> {
    let tx = db.transaction(CATALOGUE).build()?;
    let catalogue = tx.object_store(CATALOGUE)?;
    let values: Vec<JsValue> = catalogue
        .get_all()
        .with_query("snapshot/".to_string().."snapshot0".to_string())
        .primitive()?
        .await?
        .collect::<Result<_, _>>()?;
    values
        .iter()
        .filter_map(JsValue::as_string)
        .map(|json| SnapshotRecord::from_json(&json).map_err(StorageError::from))
        .collect()
}

/// The key range holding exactly the chunks of one snapshot.
fn chunk_range(snapshot_id: &str) -> std::ops::Range<String> {
    let prefix = snapshot_prefix(snapshot_id);
    // `/` + 1 is `0`, so the range ends right after the last key under the prefix.
    let end = format!("{}0", &prefix[..prefix.len() - 1]);
    prefix..end
}

/// How many chunks a snapshot has in the store (zero for one that was never committed).
pub async fn chunk_count(db: &Database, snapshot_id: &str) -> Result<u32, StorageError> {
    let tx = db.transaction(CHUNKS).build()?;
    let store = tx.object_store(CHUNKS)?;
    let n = store
        .count()
        .with_query(chunk_range(snapshot_id))
        .primitive()?
        .await?;
    Ok(n)
}

/// Reads the active snapshot's data back into memory.
pub async fn load_active(db: &Database) -> Result<Option<(SnapshotRecord, Dataset)>, StorageError> {
    let Some(record) = active_record(db).await? else {
        return Ok(None);
    };
    let dataset = load_snapshot(db, &record).await?;
    Ok(Some((record, dataset)))
}

/// Makes another stored snapshot the active one.
pub async fn set_active(db: &Database, snapshot_id: &str) -> Result<(), StorageError> {
    let tx = db
        .transaction(CATALOGUE)
        .with_mode(TransactionMode::Readwrite)
        .build()?;
    tx.object_store(CATALOGUE)?
        .put(snapshot_id.to_owned())
        .with_key(ACTIVE_KEY)
        .primitive()?;
    tx.commit().await?;
    Ok(())
}

/// Deletes one snapshot and its chunks; if it was active, the newest remaining one becomes
/// active (or none). One transaction, so a failure deletes nothing.
pub async fn delete_snapshot(db: &Database, snapshot_id: &str) -> Result<(), StorageError> {
    delete_snapshots(db, |r| r.snapshot_id == snapshot_id).await
}

/// Deletes a dataset: every snapshot with that name, in one transaction.
pub async fn delete_dataset(db: &Database, dataset_name: &str) -> Result<(), StorageError> {
    delete_snapshots(db, |r| r.dataset_name == dataset_name).await
}

/// Deletes the snapshots `doomed` picks and their chunks; if the active one goes, the newest
/// remaining one becomes active (or none).
async fn delete_snapshots(
    db: &Database,
    doomed: impl Fn(&SnapshotRecord) -> bool,
) -> Result<(), StorageError> {
    let (gone, remaining): (Vec<SnapshotRecord>, Vec<SnapshotRecord>) = list_snapshots(db)
        .await?
        .into_iter()
        .partition(|r| doomed(r));
    let active = active_record(db).await?.map(|r| r.snapshot_id);
    let tx = db
        .transaction([CATALOGUE, CHUNKS])
        .with_mode(TransactionMode::Readwrite)
        .build()?;
    let catalogue = tx.object_store(CATALOGUE)?;
    let chunks = tx.object_store(CHUNKS)?;
    for record in &gone {
        chunks
            .delete(chunk_range(&record.snapshot_id))
            .primitive()?;
        catalogue
            .delete(snapshot_key(&record.snapshot_id))
            .primitive()?;
        catalogue
            .delete(model_key(&record.snapshot_id))
            .primitive()?;
    }
    if gone
        .iter()
        .any(|r| active.as_deref() == Some(r.snapshot_id.as_str()))
    {
        match remaining
            .iter()
            .max_by(|a, b| a.imported_at.cmp(&b.imported_at))
        {
            Some(newest) => {
                catalogue
                    .put(newest.snapshot_id.clone())
                    .with_key(ACTIVE_KEY)
                    .primitive()?;
            }
            None => {
                catalogue.delete(ACTIVE_KEY).primitive()?;
            }
        }
    }
    tx.commit().await?;
    Ok(())
}

/// Reads one snapshot's data into memory.
pub async fn load_snapshot(
    db: &Database,
    record: &SnapshotRecord,
) -> Result<Dataset, StorageError> {
    Ok(read_snapshot(db, record).await??)
}

/// A snapshot's dataset, or why its stored bytes do not decode; `Err` when the database
/// could not be read at all.
pub async fn read_snapshot(
    db: &Database,
    record: &SnapshotRecord,
) -> Result<Result<Dataset, CodecError>, StorageError> {
    mark("keystone-chunks-asked");
    let chunks = read_chunks(db, Some(chunk_range(&record.snapshot_id))).await?;
    let chunks: HashMap<String, Vec<u8>> = chunks.into_iter().collect();
    mark("keystone-chunks-read");
    let dataset = decode_with_part(
        &record.snapshot_id,
        record.schema_version,
        &record.rows,
        &record.second_part,
        &chunks,
    );
    mark("keystone-chunks-decoded");
    Ok(dataset)
}

/// A performance mark, so `make bench` can split a reload into its steps.
fn mark(name: &str) {
    if let Some(performance) = web_sys::window().and_then(|w| w.performance()) {
        let _ = performance.mark(name);
    }
}

/// Reads chunks (those in `range`, or all), in key order, one request per chunk: a single
/// `getAll` over a large dataset can exceed what the browser passes between its processes.
async fn read_chunks(
    db: &Database,
    range: Option<std::ops::Range<String>>,
) -> Result<Vec<(String, Vec<u8>)>, StorageError> {
    let tx = db.transaction(CHUNKS).build()?;
    let store = tx.object_store(CHUNKS)?;
    let keys: Vec<String> = match range {
        Some(range) => store.get_all_keys().with_query(range).primitive()?.await?,
        None => store.get_all_keys().primitive()?.await?,
    }
    .collect::<Result<_, _>>()?;
    // All requests go out before the first is awaited, so the transaction stays busy.
    let requests = keys
        .iter()
        .map(|key| store.get::<JsValue, _, _>(key.as_str()).primitive())
        .collect::<Result<Vec<_>, _>>()?;
    let mut chunks = Vec::with_capacity(keys.len());
    for (key, request) in keys.into_iter().zip(requests) {
        let bytes = request
            .await?
            .and_then(|value| value.dyn_into::<js_sys::Uint8Array>().ok())
            .map(|array| {
                let bytes = array.to_vec();
                crate::worker::port::release(&array.buffer());
                bytes
            })
            .ok_or_else(|| StorageError(format!("stored data is incomplete: {key} is missing")))?;
        chunks.push((key, bytes));
    }
    Ok(chunks)
}

/// Deletes every snapshot, chunk and journal event, in one transaction.
pub async fn delete_all(db: &Database) -> Result<(), StorageError> {
    let tx = db
        .transaction([CATALOGUE, CHUNKS, JOURNAL])
        .with_mode(TransactionMode::Readwrite)
        .build()?;
    tx.object_store(CATALOGUE)?.clear()?;
    tx.object_store(CHUNKS)?.clear()?;
    tx.object_store(JOURNAL)?.clear()?;
    tx.commit().await?;
    Ok(())
}

/// Packs every snapshot and chunk into one backup file.
pub async fn export_backup(db: &Database, created_at: &str) -> Result<Vec<u8>, StorageError> {
    let snapshots = list_snapshots(db).await?;
    let active = active_record(db).await?.map(|r| r.snapshot_id);
    let chunks = read_chunks(db, None).await?;
    let mut models = Vec::new();
    for record in &snapshots {
        if let Some(json) = get_model(db, &record.snapshot_id).await? {
            models.push((record.snapshot_id.clone(), json));
        }
    }
    Ok(write_backup(created_at, snapshots, active, &chunks, models))
}

/// Replaces everything stored by a verified backup, in one transaction: if it fails, what was
/// there before is still there.
pub async fn restore_backup(db: &Database, backup: &Backup) -> Result<(), StorageError> {
    let tx = db
        .transaction([CATALOGUE, CHUNKS])
        .with_mode(TransactionMode::Readwrite)
        .build()?;
    let catalogue = tx.object_store(CATALOGUE)?;
    let chunk_store = tx.object_store(CHUNKS)?;
    catalogue.clear()?;
    chunk_store.clear()?;
    for (key, bytes) in &backup.chunks {
        let value: JsValue = js_sys::Uint8Array::from(bytes.as_slice()).into();
        chunk_store.put(value).with_key(key.as_str()).primitive()?;
    }
    for record in &backup.header.snapshots {
        catalogue
            .put(record.to_json())
            .with_key(snapshot_key(&record.snapshot_id))
            .primitive()?;
    }
    for (snapshot_id, json) in &backup.header.models {
        catalogue
            .put(json.clone())
            .with_key(model_key(snapshot_id))
            .primitive()?;
    }
    if let Some(active) = &backup.header.active {
        catalogue
            .put(active.clone())
            .with_key(ACTIVE_KEY)
            .primitive()?;
    }
    tx.commit().await?;
    Ok(())
}

fn segment_key(n: u32) -> String {
    format!("segment/{n:08}")
}

/// Every stored journal segment, in key order: text (the first layout) or bytes.
pub async fn read_journal(db: &Database) -> Result<Vec<StoredSegment>, StorageError> {
    let tx = db.transaction(JOURNAL).build()?;
    let values: Vec<JsValue> = tx
        .object_store(JOURNAL)?
        .get_all()
        .primitive()?
        .await?
        .collect::<Result<_, _>>()?;
    values
        .into_iter()
        .map(|value| match value.as_string() {
            Some(text) => Ok(StoredSegment::Lines(text)),
            None => value
                .dyn_into::<js_sys::Uint8Array>()
                .map(|bytes| StoredSegment::Binary(bytes.to_vec()))
                .map_err(|_| {
                    StorageError("the stored journal holds a value of another kind".into())
                }),
        })
        .collect()
}

/// Adds events to the journal in one transaction: the last binary segment is filled up, then
/// new ones are started (a segment of the first layout is left as it is). All or nothing.
pub async fn append_journal(db: &Database, events: &[JournalEvent]) -> Result<(), StorageError> {
    if events.is_empty() {
        return Ok(());
    }
    let tx = db
        .transaction(JOURNAL)
        .with_mode(TransactionMode::Readwrite)
        .build()?;
    let store = tx.object_store(JOURNAL)?;
    let keys: Vec<String> = store
        .get_all_keys()
        .primitive()?
        .await?
        .collect::<Result<_, _>>()?;
    let last = keys
        .iter()
        .filter_map(|k| k.strip_prefix("segment/")?.parse::<u32>().ok())
        .max();
    // The last segment, when it is binary and has room; otherwise the next one, empty.
    let (mut n, mut segment) = match last {
        Some(n) => {
            let value: JsValue = store
                .get(segment_key(n))
                .primitive()?
                .await?
                .unwrap_or(JsValue::UNDEFINED);
            match value.dyn_into::<js_sys::Uint8Array>() {
                Ok(bytes) => (n, bytes.to_vec()),
                Err(_) => (n + 1, Vec::new()),
            }
        }
        None => (0, Vec::new()),
    };
    // Every segment is written out before the first put: an event that cannot be stored
    // stores nothing.
    let mut written: Vec<(u32, Vec<u8>)> = Vec::new();
    let mut rest = events;
    while !rest.is_empty() {
        let held = segment_count(&segment).unwrap_or(0) as usize;
        if held >= SEGMENT_EVENTS {
            n += 1;
            segment.clear();
            continue;
        }
        let (now, later) = rest.split_at((SEGMENT_EVENTS - held).min(rest.len()));
        segment = append_to_segment(&segment, now).map_err(StorageError)?;
        written.push((n, segment.clone()));
        rest = later;
    }
    for (n, bytes) in written {
        let value: JsValue = js_sys::Uint8Array::from(bytes.as_slice()).into();
        store.put(value).with_key(segment_key(n)).primitive()?;
    }
    tx.commit().await?;
    Ok(())
}
