//! App-wide state: the interface language and the loaded dataset with its analysis.

use crate::analytics::TierRules;
use crate::demo::{generate, DemoConfig};
use crate::i18n::{Lang, Msg};
use crate::journal::{EventId, EventKind, Journal, JournalEvent};
use crate::model::Dataset;
use crate::storage::catalogue::{SnapshotRecord, SourceFile, SCHEMA_VERSION};
use crate::storage::codec::{decode_with_part, RowCounts};
use crate::storage::journal::StoredWorkbench;
use crate::storage::{SaveOptions, StorageError, Store};
pub use crate::view::import_session::CommitSteps;
pub use crate::view::Loaded;
use crate::worker::protocol::TRANSFER_SNAPSHOT;
use crate::worker::TransferredChunks;
use leptos::prelude::*;
use leptos::task::spawn_local;
use std::sync::Arc;

/// The catalogue name of the generated demo; pages show it translated.
pub const DEMO_DATASET_NAME: &str = "demo";

/// Where the data stands.
#[derive(Clone)]
pub enum DataState {
    /// Reading IndexedDB.
    Loading,
    /// First visit: generating and storing the demo.
    GeneratingDemo,
    /// Nothing stored.
    Empty,
    /// A snapshot is loaded.
    Ready(Arc<Loaded>),
    /// Storage failed; the message says why.
    Failed(String),
}

/// The few signals every page reads, provided by context.
#[derive(Clone, Copy)]
pub struct AppState {
    /// The interface language.
    pub lang: RwSignal<Lang>,
    /// The loaded data.
    pub data: RwSignal<DataState>,
    /// A one-line message about the last action (saved, deleted …).
    pub notice: RwSignal<Option<String>>,
    /// Bumped whenever the stored snapshots change, so lists of them reload.
    pub snapshots_changed: RwSignal<u32>,
    /// What managers recorded, as stored.
    pub journal: RwSignal<Arc<Journal>>,
    /// Who records in this browser, and the workbench's thresholds.
    pub workbench: RwSignal<StoredWorkbench>,
    /// Whether the stored journal has been read: nothing is recorded before, or a sequence
    /// number already stored would be given again.
    journal_read: RwSignal<bool>,
    /// The next sequence number of this browser's author not yet handed out: events still being
    /// stored hold theirs, so a second record made meanwhile does not reuse them (the same id
    /// with other contents would leave the stored journal unreadable).
    next_sequence: StoredValue<u64>,
}

impl AppState {
    /// State with the remembered language, or the browser's.
    pub fn new() -> AppState {
        let remembered = Store::language();
        let browser = window().navigator().language().unwrap_or_default();
        let lang = remembered.unwrap_or_else(|| Lang::from_browser(&browser));
        set_document_language(lang);
        AppState {
            lang: RwSignal::new(lang),
            data: RwSignal::new(DataState::Loading),
            notice: RwSignal::new(None),
            snapshots_changed: RwSignal::new(0),
            journal: RwSignal::new(Arc::new(Journal::default())),
            workbench: RwSignal::new(Store::workbench()),
            journal_read: RwSignal::new(false),
            next_sequence: StoredValue::new(0),
        }
    }

    /// Switches and remembers the language.
    pub fn set_lang(self, lang: Lang) {
        Store::set_language(lang);
        set_document_language(lang);
        // A notice is written in the language it was raised in: it goes with that language.
        self.notice.set(None);
        self.lang.set(lang);
    }

    /// The string for `msg` in the current language (tracked).
    pub fn text(self, msg: Msg) -> &'static str {
        self.lang.get().text(msg)
    }

    /// Reads the stored journal; a damaged one is said, and nothing is recorded over it.
    pub fn load_journal(self) {
        if let Some(performance) = window().performance() {
            let _ = performance.mark("keystone-journal-asked");
        }
        spawn_local(async move {
            match Store::browser().journal().await {
                Ok(journal) => {
                    self.journal.set(Arc::new(journal));
                    self.journal_read.set(true);
                }
                Err(error) => self.notice.set(Some(error.0)),
            }
            if let Some(performance) = window().performance() {
                let _ = performance.mark("keystone-journal-ready");
            }
        });
    }

    /// Records events written now by this browser's author, stored first and shown after:
    /// a failed write records nothing. Without an author, says where to set one.
    pub fn record(self, kinds: Vec<EventKind>) {
        let lang = self.lang.get_untracked();
        let Some(author) = self.workbench.get_untracked().author else {
            self.notice.set(Some(lang.text(Msg::NoAuthor).into()));
            return;
        };
        if !self.journal_read.get_untracked() {
            self.notice.set(Some(lang.text(Msg::JournalNotRead).into()));
            return;
        }
        let journal = self.journal.get_untracked();
        // Past the journal's, those still being stored, and every one this browser gave
        // before the data was last deleted.
        let first = journal
            .next_sequence(&author.key)
            .max(self.next_sequence.get_value())
            .max(Store::last_sequence().saturating_add(1));
        let next = first.saturating_add(kinds.len() as u64);
        self.next_sequence.set_value(next);
        Store::set_last_sequence(next - 1);
        let at_ms = js_sys::Date::now() as i64;
        let events: Vec<JournalEvent> = kinds
            .into_iter()
            .zip(first..)
            .map(|(kind, sequence)| JournalEvent {
                id: EventId {
                    author: author.key.clone(),
                    sequence,
                },
                at_ms,
                author_name: author.name.clone(),
                kind,
            })
            .collect();
        self.store_events(events, false);
    }

    /// Stores events the journal lacks, then shows them; `say_count` reports how many were new.
    fn store_events(self, events: Vec<JournalEvent>, say_count: bool) {
        let lang = self.lang.get_untracked();
        let journal = self.journal.get_untracked();
        let new = match journal.missing(events) {
            Ok(new) => new,
            Err(conflicts) => {
                let why: Vec<String> = conflicts.iter().map(ToString::to_string).collect();
                self.notice.set(Some(why.join("; ")));
                return;
            }
        };
        spawn_local(async move {
            match Store::browser().append_journal(&new).await {
                Ok(()) => {
                    let count = new.len();
                    // In place unless a computation still holds the journal shown (no copy
                    // of a long journal per event). The same events passed `missing` above;
                    // a merge cannot conflict now.
                    self.journal.update(|journal| {
                        let _ = Arc::make_mut(journal).merge(new);
                    });
                    self.notice.set(Some(if say_count {
                        format!("{}{count}", lang.text(Msg::JournalImported))
                    } else {
                        lang.text(Msg::Recorded).into()
                    }));
                }
                Err(error) => self.notice.set(Some(error.0)),
            }
        });
    }

    /// Merges a journal file (another manager's, or this one's exported earlier): read whole
    /// or refused at its first bad line, events already here skipped.
    pub fn import_journal(self, bytes: Vec<u8>) {
        match crate::journal::read_file(&bytes) {
            Ok(events) => self.store_events(events, true),
            Err(error) => self.notice.set(Some(error.to_string())),
        }
    }

    /// Offers the journal as a file, confidential notes left out.
    pub fn export_journal(self) {
        let journal = self.journal.get_untracked();
        let events: Vec<JournalEvent> = journal.events().iter().map(|e| e.redacted()).collect();
        match crate::journal::write_file(&events) {
            Ok(bytes) => {
                let day: String = js_sys::Date::new_0().to_iso_string().into();
                let name = format!("keystone-journal-{}.journal", &day[..10]);
                crate::ui::download::download_bytes(&name, "text/plain", &bytes);
            }
            Err(error) => self.notice.set(Some(error)),
        }
    }

    /// Saves the workbench's settings in this browser.
    pub fn set_workbench(self, settings: StoredWorkbench) {
        Store::set_workbench(&settings);
        self.workbench.set(settings);
    }

    /// Shows the journal's reassignments in the data: books, lists and pages follow them.
    pub fn apply_journal_assignments(self) {
        if let DataState::Ready(loaded) = self.data.get_untracked() {
            if let Some(next) = loaded.with_journal_assignments(&self.journal.get_untracked()) {
                self.data.set(DataState::Ready(Arc::new(next)));
            }
        }
    }

    /// Loads the active snapshot; on the very first visit, generates and stores the demo.
    pub fn load(self) {
        spawn_local(async move {
            let state = match load_or_seed(self).await {
                Ok(state) => state,
                Err(error) => DataState::Failed(error.0),
            };
            self.data.set(state);
            // Marks the moment stored data is in memory and analysed, for `make bench`.
            if let Some(performance) = window().performance() {
                let _ = performance.mark("keystone-data-ready");
            }
        });
    }

    /// Stores `applied` with the snapshot it scores and shows it: its scores join the lists and
    /// the 360 page. A failure to store is said on the page; the model is shown all the same.
    pub fn use_applied_model(self, applied: Arc<crate::analytics::models::studio::AppliedModel>) {
        let DataState::Ready(loaded) = self.data.get_untracked() else {
            return;
        };
        let snapshot_id = loaded.record.snapshot_id.clone();
        self.data.set(DataState::Ready(Arc::new(
            loaded.with_applied(Some(applied.clone())),
        )));
        spawn_local(async move {
            if let Err(error) = Store::browser().save_model(&snapshot_id, &applied).await {
                self.notice.set(Some(error.0));
            }
        });
    }

    /// Reads the model applied to the snapshot shown, once per snapshot, and shows it.
    pub fn load_applied_model(self) {
        thread_local! {
            static ASKED: std::cell::RefCell<Option<String>> = const { std::cell::RefCell::new(None) };
        }
        let DataState::Ready(loaded) = self.data.get_untracked() else {
            return;
        };
        let snapshot_id = loaded.record.snapshot_id.clone();
        let fresh = ASKED.with(|asked| {
            let mut asked = asked.borrow_mut();
            let fresh = asked.as_deref() != Some(snapshot_id.as_str());
            *asked = Some(snapshot_id.clone());
            fresh
        });
        if !fresh || loaded.applied.is_some() {
            return;
        }
        spawn_local(async move {
            match Store::browser().model(&snapshot_id).await {
                Ok(Some(applied)) => {
                    if let DataState::Ready(shown) = self.data.get_untracked() {
                        if shown.record.snapshot_id == snapshot_id && shown.applied.is_none() {
                            let next = shown.with_applied(Some(Arc::new(applied)));
                            self.data.set(DataState::Ready(Arc::new(next)));
                        }
                    }
                }
                Ok(None) => {}
                Err(error) => self.notice.set(Some(error.0)),
            }
        });
    }

    /// Saves a new tier ladder (in this browser) and re-analyses the data shown with it.
    pub fn apply_tier_rules(self, rules: TierRules) {
        Store::set_tier_rules(&rules);
        if let DataState::Ready(loaded) = self.data.get_untracked() {
            let next = Loaded::with_rules(loaded.record.clone(), loaded.dataset.clone(), rules)
                .with_applied(loaded.applied.clone());
            // Segments do not depend on tiers: the analysis worker of this snapshot keeps them.
            self.data.set(DataState::Ready(Arc::new(next)));
        }
    }

    /// Replaces whatever is stored by a freshly generated demo.
    pub fn load_demo(self) {
        self.data.set(DataState::GeneratingDemo);
        spawn_local(async move {
            let state = match seed_demo().await {
                Ok(loaded) => {
                    self.notice
                        .set(Some(self.lang.get_untracked().text(Msg::DemoLoaded).into()));
                    DataState::Ready(loaded)
                }
                Err(error) => DataState::Failed(error.0),
            };
            self.data.set(state);
        });
    }

    /// Stores an import (its `rows` and the worker's `chunks`) as a new snapshot, makes it
    /// current and shows it. The chunks go to the database as they came from the worker; while
    /// the browser writes them, this thread decodes its own copy and analyses it. The save is
    /// one transaction: on failure the data held before stays as it was.
    pub async fn commit_import(
        self,
        name: String,
        sources: Vec<SourceFile>,
        currency: crate::model::Currency,
        rows: RowCounts,
        chunks: TransferredChunks,
    ) -> Result<CommitSteps, StorageError> {
        let now = js_sys::Date::new_0();
        let imported_at: String = now.to_iso_string().into();
        let record = SnapshotRecord {
            schema_version: SCHEMA_VERSION,
            snapshot_id: format!("import-{}", now.get_time() as u64),
            // An unnamed import is named in the language of the person who made it.
            dataset_name: if name.trim().is_empty() {
                let lang = self.lang.get_untracked();
                // The local calendar day, not UTC's.
                let today = crate::model::Day::from_ymd(
                    now.get_full_year() as i32,
                    now.get_month() + 1,
                    now.get_date(),
                )
                .map_or_else(
                    || imported_at[..10].to_owned(),
                    |day| crate::format::date(day, lang),
                );
                format!("{} {today}", lang.text(Msg::DefaultImportName))
            } else {
                name.trim().to_owned()
            },
            imported_at,
            as_of: None,
            rows,
            second_part: chunks.second_part,
            sources,
            currency,
        };
        let (loaded, steps) = store_import(record, chunks).await?;
        self.data.set(DataState::Ready(Arc::new(loaded)));
        self.snapshots_changed.update(|n| *n += 1);
        Ok(steps)
    }

    /// Makes a stored snapshot current and loads it.
    pub fn activate_snapshot(self, snapshot_id: String) {
        self.data.set(DataState::Loading);
        spawn_local(async move {
            let changed = Store::browser().set_current(&snapshot_id).await;
            self.show_current(changed).await;
        });
    }

    /// Deletes one stored snapshot; the newest remaining one becomes current.
    pub fn delete_snapshot(self, snapshot_id: String) {
        spawn_local(async move {
            let changed = Store::browser().delete_snapshot(&snapshot_id).await;
            self.show_current(changed).await;
        });
    }

    /// Deletes every snapshot of a dataset; the newest remaining snapshot becomes current.
    pub fn delete_dataset(self, dataset_name: String) {
        spawn_local(async move {
            let changed = Store::browser().delete_dataset(&dataset_name).await;
            self.show_current(changed).await;
        });
    }

    /// After a change to the stored snapshots: loads and shows whichever is now current.
    async fn show_current(self, changed: Result<(), StorageError>) {
        let loaded = match changed {
            Ok(()) => Store::browser().current().await,
            Err(error) => Err(error),
        };
        self.data.set(match loaded {
            Ok(Some((record, dataset))) => DataState::Ready(Arc::new(analysed(record, dataset))),
            Ok(None) => DataState::Empty,
            Err(error) => DataState::Failed(error.0),
        });
        self.snapshots_changed.update(|n| *n += 1);
    }

    /// Offers every stored snapshot as one backup file.
    pub fn export_backup(self) {
        spawn_local(async move {
            let created_at: String = js_sys::Date::new_0().to_iso_string().into();
            let result = Store::browser().backup(&created_at).await;
            match result {
                Ok(bytes) => {
                    let name = format!("keystone-backup-{}.keystone", &created_at[..10]);
                    crate::ui::download::download_bytes(&name, "application/octet-stream", &bytes);
                }
                Err(error) => self.notice.set(Some(error.0)),
            }
        });
    }

    /// Replaces everything stored by a backup file's contents, after verifying it whole.
    pub fn restore_backup(self, file: Vec<u8>) {
        spawn_local(async move {
            let result = Store::browser().restore(&file).await;
            match result {
                Ok(loaded) => {
                    self.notice
                        .set(Some(self.lang.get_untracked().text(Msg::Restored).into()));
                    self.data.set(match loaded {
                        Some((record, dataset)) => {
                            DataState::Ready(Arc::new(analysed(record, dataset)))
                        }
                        None => DataState::Empty,
                    });
                    self.snapshots_changed.update(|n| *n += 1);
                }
                // A refused backup changes nothing; say why.
                Err(error) => self.notice.set(Some(error.0)),
            }
        });
    }

    /// Deletes everything stored.
    pub fn delete_all(self) {
        spawn_local(async move {
            let result = Store::browser().delete_all().await;
            match result {
                Ok(()) => {
                    self.notice
                        .set(Some(self.lang.get_untracked().text(Msg::Deleted).into()));
                    self.journal.set(Arc::new(Journal::default()));
                    self.data.set(DataState::Empty);
                }
                Err(error) => self.data.set(DataState::Failed(error.0)),
            }
        });
    }
}

impl Default for AppState {
    fn default() -> AppState {
        AppState::new()
    }
}

fn set_document_language(lang: Lang) {
    if let Some(root) = document().document_element() {
        let _ = root.set_attribute("lang", lang.code());
    }
}

async fn load_or_seed(state: AppState) -> Result<DataState, StorageError> {
    if crate::ui::safe_start() {
        let lang = state.lang.get_untracked();
        state.notice.set(Some(lang.text(Msg::DataSetAside).into()));
        return Ok(DataState::Empty);
    }
    let readable = Store::browser().current_readable().await?;
    if !readable.skipped.is_empty() {
        let lang = state.lang.get_untracked();
        let names: Vec<String> = readable
            .skipped
            .iter()
            .map(|(record, why)| {
                let at = crate::format::date_time(
                    &record.imported_at,
                    crate::ui::timezone_offset(),
                    lang,
                );
                format!("{} ({at}): {why}", record.dataset_name)
            })
            .collect();
        state.notice.set(Some(format!(
            "{} {}",
            lang.text(Msg::SnapshotSkipped),
            names.join("; ")
        )));
    }
    if let Some((record, dataset)) = readable.current {
        return Ok(DataState::Ready(Arc::new(analysed(record, dataset))));
    }
    if !readable.skipped.is_empty() {
        // Stored data that cannot be read is not replaced by the demo.
        return Ok(DataState::Empty);
    }
    if Store::demo_seeded() {
        return Ok(DataState::Empty);
    }
    state.data.set(DataState::GeneratingDemo);
    Ok(DataState::Ready(seed_demo().await?))
}

async fn seed_demo() -> Result<Arc<Loaded>, StorageError> {
    let dataset = generate(&DemoConfig::default());
    let mut loaded = analysed(demo_record(&dataset), dataset);
    loaded.record.as_of = loaded.analysis.as_of.map(|day| day.to_string());
    Store::browser()
        .save(&loaded.record, &loaded.dataset, SaveOptions::default())
        .await?;
    Store::set_demo_seeded();
    Ok(Arc::new(loaded))
}

fn demo_record(dataset: &Dataset) -> SnapshotRecord {
    let now = js_sys::Date::new_0();
    SnapshotRecord {
        schema_version: SCHEMA_VERSION,
        snapshot_id: format!("demo-{}", now.get_time() as u64),
        dataset_name: DEMO_DATASET_NAME.into(),
        imported_at: now.to_iso_string().into(),
        as_of: None,
        rows: RowCounts::of(dataset),
        second_part: RowCounts::NONE,
        sources: Vec::new(),
        currency: crate::model::Currency::Cny,
    }
}

/// A snapshot read or imported, analysed with the tier ladder saved in this browser (or the
/// default one).
fn analysed(record: SnapshotRecord, dataset: Dataset) -> Loaded {
    let rules = Store::tier_rules().unwrap_or_else(TierRules::workload_defaults);
    Loaded::with_rules(record, Arc::new(dataset), rules)
}

/// Stores an import's chunks as the snapshot `record` and returns it loaded: the chunks are put
/// first, then — without yielding, so the transaction stays open — this thread decodes and
/// analyses its own copy while the browser writes, and the record, with the as-of date the
/// analysis found, goes in last.
async fn store_import(
    record: SnapshotRecord,
    chunks: TransferredChunks,
) -> Result<(Loaded, CommitSteps), StorageError> {
    let clock = || js_sys::Date::now();
    let started = clock();
    let snapshot_id = record.snapshot_id.clone();
    let (loaded, [put, decoded, analysed_at]) = Store::browser()
        .commit_import(
            &snapshot_id,
            &TransferredChunks::prefix(),
            &chunks.chunks,
            SaveOptions::default(),
            || {
                let put = clock();
                let dataset = decode_with_part(
                    TRANSFER_SNAPSHOT,
                    SCHEMA_VERSION,
                    &record.rows,
                    &record.second_part,
                    &chunks,
                )?;
                // Stored (the transaction holds its own copy) and decoded: nothing needs these
                // bytes.
                chunks.release_buffers();
                let decoded = clock();
                let mut loaded = analysed(record, dataset);
                loaded.record.as_of = loaded.analysis.as_of.map(|day| day.to_string());
                let record = loaded.record.clone();
                Ok((record, (loaded, [put, decoded, clock()])))
            },
        )
        .await?;
    let steps = CommitSteps {
        put_ms: put - started,
        decode_ms: decoded - put,
        analyse_ms: analysed_at - decoded,
        wait_ms: clock() - analysed_at,
    };
    Ok((loaded, steps))
}
