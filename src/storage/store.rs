//! `Store`: the one door to the browser's storage — snapshots in IndexedDB, settings in
//! localStorage. Pages and workers call its typed operations; nothing else names either API.
//!
//! Each operation opens the database, does its work in as few transactions as it needs and
//! closes it, so a page never holds a connection that would block a later version's upgrade.

use super::backup::read_backup;
use super::catalogue::SnapshotRecord;
use super::idb::{self, Database};
pub use super::idb::{SaveOptions, StorageError, DATABASE_NAME};
use super::settings::{StoredPresets, StoredTierRules};
use crate::analytics::TierRules;
use crate::i18n::Lang;
use crate::import::MappingPreset;
use crate::model::Dataset;
use gloo_storage::{LocalStorage, Storage};

const LANGUAGE_KEY: &str = "keystone.language";
/// The tier ladder the user saved on the Segments page, used for every dataset.
const TIER_RULES_KEY: &str = "keystone.tier_rules";
/// Set once the demo has been generated, so deleting all data is not undone by a reload.
const DEMO_SEEDED_KEY: &str = "keystone.demo_seeded";
/// Saved mapping presets (header names, never data).
const PRESETS_KEY: &str = "keystone.mapping_presets";
/// The workbench's author and thresholds.
const WORKBENCH_KEY: &str = "keystone.workbench";
/// The last sequence number this browser gave its author's events, kept when the data is
/// deleted: a journal file exported before may come back, and its ids must not be reused.
const LAST_SEQUENCE_KEY: &str = "keystone.last_sequence";

/// The app's storage, by database name (tests use their own).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Store {
    database: String,
}

/// What [`Store::current_readable`] found.
#[derive(Default)]
pub struct Readable {
    /// The snapshot shown, if any decodes.
    pub current: Option<(SnapshotRecord, Dataset)>,
    /// Snapshots whose stored bytes do not decode, newest first, with why.
    pub skipped: Vec<(SnapshotRecord, crate::storage::codec::CodecError)>,
}

impl Store {
    /// The app's own database.
    pub fn browser() -> Store {
        Store::named(DATABASE_NAME)
    }

    /// A database of Keystone's layout under another name.
    pub fn named(name: &str) -> Store {
        Store {
            database: name.to_owned(),
        }
    }

    /// Opens the database, does `work` with it and closes it, whatever the work's outcome.
    async fn with_db<T>(
        &self,
        work: impl AsyncFnOnce(&Database) -> Result<T, StorageError>,
    ) -> Result<T, StorageError> {
        let db = idb::open_named(&self.database).await?;
        let result = work(&db).await;
        db.close();
        result
    }

    /// The current snapshot, read into memory; `None` when nothing is stored.
    pub async fn current(&self) -> Result<Option<(SnapshotRecord, Dataset)>, StorageError> {
        self.with_db(async |db| idb::load_active(db).await).await
    }

    /// The current snapshot; or, when its stored bytes do not decode, the newest other one
    /// that does, made current — with the snapshots passed over and why. A damaged snapshot
    /// is reported once and stays listed (to delete or back up), never read again at every
    /// start.
    pub async fn current_readable(&self) -> Result<Readable, StorageError> {
        self.with_db(async |db| {
            let mut readable = Readable::default();
            let Some(active) = idb::active_record(db).await? else {
                return Ok(readable);
            };
            let mut others = idb::list_snapshots(db).await?;
            others.retain(|r| r.snapshot_id != active.snapshot_id);
            others.sort_by(|a, b| b.imported_at.cmp(&a.imported_at));
            for (index, record) in std::iter::once(active).chain(others).enumerate() {
                match idb::read_snapshot(db, &record).await? {
                    Ok(dataset) => {
                        if index > 0 {
                            idb::set_active(db, &record.snapshot_id).await?;
                        }
                        readable.current = Some((record, dataset));
                        break;
                    }
                    Err(why) => readable.skipped.push((record, why)),
                }
            }
            Ok(readable)
        })
        .await
    }

    /// Every stored snapshot's record, and the current one's id.
    pub async fn list(&self) -> Result<(Vec<SnapshotRecord>, Option<String>), StorageError> {
        self.with_db(async |db| {
            let list = idb::list_snapshots(db).await?;
            let active = idb::active_record(db).await?.map(|r| r.snapshot_id);
            Ok((list, active))
        })
        .await
    }

    /// The snapshot of `current`'s dataset imported just before it, read into memory.
    pub async fn previous(
        &self,
        current: &SnapshotRecord,
    ) -> Result<Option<(SnapshotRecord, Dataset)>, StorageError> {
        self.with_db(async |db| {
            let previous = idb::list_snapshots(db)
                .await?
                .into_iter()
                .filter(|r| {
                    r.dataset_name == current.dataset_name && r.imported_at < current.imported_at
                })
                .max_by(|a, b| a.imported_at.cmp(&b.imported_at));
            match previous {
                Some(record) => {
                    let dataset = idb::load_snapshot(db, &record).await?;
                    Ok(Some((record, dataset)))
                }
                None => Ok(None),
            }
        })
        .await
    }

    /// One snapshot's data.
    pub async fn load(&self, record: &SnapshotRecord) -> Result<Dataset, StorageError> {
        self.with_db(async |db| idb::load_snapshot(db, record).await)
            .await
    }

    /// Stores a dataset as a new snapshot and makes it current, all or nothing.
    pub async fn save(
        &self,
        record: &SnapshotRecord,
        dataset: &Dataset,
        options: SaveOptions,
    ) -> Result<(), StorageError> {
        self.with_db(async |db| idb::save_snapshot(db, record, dataset, options).await)
            .await
    }

    /// Stores an import's chunks, encoded under `from_prefix`, as the snapshot `snapshot_id`,
    /// and makes it current: all or nothing. While the browser writes the chunks, `finish`
    /// runs (synchronously, so the transaction stays open) and returns the record to commit
    /// with whatever the caller keeps; when it fails, nothing is stored.
    pub async fn commit_import<T>(
        &self,
        snapshot_id: &str,
        from_prefix: &str,
        chunks: &[(String, js_sys::Uint8Array)],
        options: SaveOptions,
        finish: impl FnOnce() -> Result<(SnapshotRecord, T), StorageError>,
    ) -> Result<T, StorageError> {
        self.with_db(async |db| {
            let pending =
                idb::start_encoded_snapshot(db, snapshot_id, from_prefix, chunks, options).await?;
            match finish() {
                Ok((record, kept)) => {
                    pending.commit(&record).await?;
                    Ok(kept)
                }
                Err(error) => {
                    pending.abort().await;
                    Err(error)
                }
            }
        })
        .await
    }

    /// Stores `model` as the one applied to its snapshot (deleted with the snapshot).
    pub async fn save_model(
        &self,
        snapshot_id: &str,
        model: &crate::analytics::models::studio::AppliedModel,
    ) -> Result<(), StorageError> {
        let json = super::models::to_json(model);
        self.with_db(async |db| idb::put_model(db, snapshot_id, json).await)
            .await
    }

    /// The model applied to a snapshot, if one was.
    pub async fn model(
        &self,
        snapshot_id: &str,
    ) -> Result<Option<crate::analytics::models::studio::AppliedModel>, StorageError> {
        let json = self
            .with_db(async |db| idb::get_model(db, snapshot_id).await)
            .await?;
        json.map(|json| super::models::from_json(&json).map_err(StorageError))
            .transpose()
    }

    /// Makes another stored snapshot current.
    pub async fn set_current(&self, snapshot_id: &str) -> Result<(), StorageError> {
        self.with_db(async |db| idb::set_active(db, snapshot_id).await)
            .await
    }

    /// Deletes one snapshot; the newest remaining one becomes current.
    pub async fn delete_snapshot(&self, snapshot_id: &str) -> Result<(), StorageError> {
        self.with_db(async |db| idb::delete_snapshot(db, snapshot_id).await)
            .await
    }

    /// Deletes every snapshot of a dataset; the newest remaining one becomes current.
    pub async fn delete_dataset(&self, dataset_name: &str) -> Result<(), StorageError> {
        self.with_db(async |db| idb::delete_dataset(db, dataset_name).await)
            .await
    }

    /// Deletes every snapshot.
    pub async fn delete_all(&self) -> Result<(), StorageError> {
        self.with_db(async |db| idb::delete_all(db).await).await
    }

    /// Every snapshot packed into one backup file.
    pub async fn backup(&self, created_at: &str) -> Result<Vec<u8>, StorageError> {
        self.with_db(async |db| idb::export_backup(db, created_at).await)
            .await
    }

    /// Replaces everything stored by a backup file, verified whole first (a refused file
    /// changes nothing), and returns the snapshot then current.
    pub async fn restore(
        &self,
        file: &[u8],
    ) -> Result<Option<(SnapshotRecord, Dataset)>, StorageError> {
        let backup = read_backup(file)?;
        self.with_db(async |db| {
            idb::restore_backup(db, &backup).await?;
            idb::load_active(db).await
        })
        .await
    }

    /// How many chunks a snapshot has stored (zero for one never committed).
    pub async fn chunk_count(&self, snapshot_id: &str) -> Result<u32, StorageError> {
        self.with_db(async |db| idb::chunk_count(db, snapshot_id).await)
            .await
    }

    /// Bytes used and available to this origin, as the browser estimates them.
    pub async fn usage() -> Option<(f64, f64)> {
        let storage = web_sys::window()?.navigator().storage();
        let estimate = wasm_bindgen_futures::JsFuture::from(storage.estimate().ok()?)
            .await
            .ok()?;
        let field = |name: &str| {
            js_sys::Reflect::get(&estimate, &name.into())
                .ok()
                .and_then(|v| v.as_f64())
        };
        Some((field("usage")?, field("quota")?))
    }

    /// The journal, read whole; a damaged store is refused with where, not read in part.
    pub async fn journal(&self) -> Result<crate::journal::Journal, StorageError> {
        let segments = self.with_db(async |db| idb::read_journal(db).await).await?;
        super::journal::read_segments(&segments).map_err(StorageError)
    }

    /// Adds events to the stored journal in one transaction (the caller passes only events
    /// the journal lacks).
    pub async fn append_journal(
        &self,
        events: &[crate::journal::JournalEvent],
    ) -> Result<(), StorageError> {
        self.with_db(async |db| idb::append_journal(db, events).await)
            .await
    }

    /// The workbench's stored settings (defaults when none).
    pub fn workbench() -> super::journal::StoredWorkbench {
        LocalStorage::get::<String>(WORKBENCH_KEY)
            .map(|json| super::journal::StoredWorkbench::read(&json))
            .unwrap_or_default()
    }

    /// Saves the workbench's settings.
    pub fn set_workbench(settings: &super::journal::StoredWorkbench) {
        let _ = LocalStorage::set(WORKBENCH_KEY, settings.write());
    }

    /// The last sequence number handed out in this browser (0 before the first).
    pub fn last_sequence() -> u64 {
        LocalStorage::get::<u64>(LAST_SEQUENCE_KEY).unwrap_or(0)
    }

    /// Remembers the last sequence number handed out.
    pub fn set_last_sequence(sequence: u64) {
        let _ = LocalStorage::set(LAST_SEQUENCE_KEY, sequence);
    }

    // Settings. Losing one is harmless (each has a default), so failed writes are not errors.

    /// The language the reader chose, if any.
    pub fn language() -> Option<Lang> {
        LocalStorage::get::<String>(LANGUAGE_KEY)
            .ok()
            .and_then(|code| Lang::from_code(&code))
    }

    /// Remembers the reader's language.
    pub fn set_language(lang: Lang) {
        let _ = LocalStorage::set(LANGUAGE_KEY, lang.code());
    }

    /// The tier ladder saved in this browser, if a usable one is.
    pub fn tier_rules() -> Option<TierRules> {
        let json = LocalStorage::get::<String>(TIER_RULES_KEY).ok()?;
        StoredTierRules::read(&json)
    }

    /// Saves a tier ladder for every dataset.
    pub fn set_tier_rules(rules: &TierRules) {
        let _ = LocalStorage::set(TIER_RULES_KEY, StoredTierRules::write(rules));
    }

    /// The saved mapping presets.
    pub fn mapping_presets() -> Vec<MappingPreset> {
        // Version 0 stored the list itself as JSON, version 1 a string of JSON: both read.
        match LocalStorage::get::<String>(PRESETS_KEY) {
            Ok(json) => StoredPresets::read(&json),
            Err(_) => LocalStorage::get::<serde_json::Value>(PRESETS_KEY)
                .map(|value| StoredPresets::read(&value.to_string()))
                .unwrap_or_default(),
        }
    }

    /// Saves the mapping presets.
    pub fn set_mapping_presets(presets: &[MappingPreset]) {
        let _ = LocalStorage::set(PRESETS_KEY, StoredPresets::write(presets));
    }

    /// Whether the demo was generated once already.
    pub fn demo_seeded() -> bool {
        LocalStorage::get::<bool>(DEMO_SEEDED_KEY).unwrap_or(false)
    }

    /// Records that the demo was generated.
    pub fn set_demo_seeded() {
        let _ = LocalStorage::set(DEMO_SEEDED_KEY, true);
    }
}
