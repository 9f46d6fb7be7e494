//! The import panel's state as a reducer: (session, step) → session. The page feeds it the
//! manager's actions and the worker's events and binds what it shows to the result, so every
//! path through an import — late or stale worker messages included — is tested natively.

use crate::format::counted;
use crate::i18n::{Lang, Msg};
use crate::import::{find_preset, ImportReport, MappingPreset};
use crate::storage::codec::RowCounts;
use crate::worker::protocol::{ImportResult, SheetSummary};
use std::sync::Arc;

/// Files above this many bytes in total are refused before reading: decoding, parsing and the
/// columns take about three times the file size, and a tab past ~2 GB of wasm memory crashes.
pub const MEMORY_LIMIT_BYTES: f64 = 2.0e9;
/// Memory an import takes per byte of its files.
pub const MEMORY_PER_FILE_BYTE: f64 = 3.0;

/// The validated import, waiting for commit or cancel (its chunks wait beside it, on the page).
#[derive(Debug, PartialEq)]
pub struct Validated {
    /// What was read, kept and refused.
    pub report: ImportReport,
    /// Rows per table of the dataset.
    pub rows: RowCounts,
    /// Per file read, the SHA-256 of its bytes.
    pub sha256: Vec<String>,
}

/// Why an import stopped.
#[derive(Clone, Debug, PartialEq)]
pub enum ImportFailure {
    /// The files need more memory than a tab has: bytes needed and available.
    TooLarge { needed: f64, limit: f64 },
    /// The worker, the browser or storage said why.
    Said(String),
}

impl ImportFailure {
    /// The message shown.
    pub fn text(&self, lang: Lang) -> String {
        match self {
            ImportFailure::TooLarge { needed, limit } => format!(
                "{} {} {:.0} MB, {} {:.0} MB",
                lang.text(Msg::FileTooLarge),
                lang.text(Msg::MemoryNeeded),
                needed / 1e6,
                lang.text(Msg::MemoryAvailable),
                limit / 1e6
            ),
            ImportFailure::Said(why) => why.clone(),
        }
    }
}

/// Where the import stands.
#[derive(Clone, Debug, Default, PartialEq)]
pub enum ImportStage {
    /// Nothing picked.
    #[default]
    Idle,
    /// The worker reads the picked files.
    Reading,
    /// The manager maps the files' columns.
    Mapping,
    /// The worker imports them.
    Validating,
    /// Imported, waiting for commit or cancel.
    Validated(Arc<Validated>),
    /// Being stored.
    Committing,
    /// Stopped; nothing was stored.
    Failed(ImportFailure),
}

/// What happens to an import: the manager's actions and the worker's events.
#[derive(Debug, PartialEq)]
pub enum ImportStep {
    /// Files were picked, `bytes` in all.
    Picked { bytes: f64 },
    /// The worker read them; the saved `presets` apply to files whose headers they fit.
    Read {
        summaries: Vec<SheetSummary>,
        presets: Vec<MappingPreset>,
    },
    /// The worker read one file again.
    Reread { index: usize, summary: SheetSummary },
    /// The manager started the import.
    Validate,
    /// Rows parsed so far.
    Progress(usize),
    /// The worker finished.
    Validated(Validated),
    /// The manager committed.
    Commit,
    /// Stored.
    Committed,
    /// The manager cancelled.
    Cancel,
    /// Something failed.
    Failed(String),
}

/// The import panel's state.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ImportSession {
    /// Where it stands.
    pub stage: ImportStage,
    /// The picked files as read, with the manager's choices.
    pub files: Vec<SheetSummary>,
    /// Rows parsed so far.
    pub rows_done: usize,
    /// The name of the preset applied when the files were read, if one was.
    pub applied_preset: Option<String>,
}

impl ImportSession {
    /// The session after `step`. Events that no longer fit (a worker's message after a cancel,
    /// a progress report after the import) change nothing.
    pub fn step(&mut self, step: ImportStep) {
        use ImportStage as S;
        match (step, &self.stage) {
            (ImportStep::Picked { bytes }, _) => {
                let needed = bytes * MEMORY_PER_FILE_BYTE;
                *self = ImportSession::default();
                self.stage = if needed > MEMORY_LIMIT_BYTES {
                    S::Failed(ImportFailure::TooLarge {
                        needed,
                        limit: MEMORY_LIMIT_BYTES,
                    })
                } else {
                    S::Reading
                };
            }
            (
                ImportStep::Read {
                    mut summaries,
                    presets,
                },
                S::Reading,
            ) => {
                for summary in &mut summaries {
                    if let Some(preset) = find_preset(&presets, &summary.headers) {
                        summary.entity = preset.entity;
                        summary.mapping = preset.mapping.clone();
                        self.applied_preset = Some(preset.name.clone());
                    }
                }
                self.files = summaries;
                self.stage = S::Mapping;
            }
            (ImportStep::Reread { index, summary }, S::Mapping) => {
                if let Some(slot) = self.files.get_mut(index) {
                    *slot = summary;
                }
            }
            (ImportStep::Validate, S::Mapping) => {
                self.rows_done = 0;
                self.stage = S::Validating;
            }
            (ImportStep::Progress(rows), S::Validating) => self.rows_done = rows,
            (ImportStep::Validated(validated), S::Validating) => {
                self.stage = S::Validated(Arc::new(validated));
            }
            (ImportStep::Commit, S::Validated(_)) => self.stage = S::Committing,
            (ImportStep::Committed, S::Committing) | (ImportStep::Cancel, _) => {
                *self = ImportSession::default();
            }
            (ImportStep::Failed(why), S::Reading | S::Mapping | S::Validating | S::Committing) => {
                self.stage = S::Failed(ImportFailure::Said(why));
            }
            // Anything else is stale or out of turn.
            _ => {}
        }
    }

    /// Data rows in the picked files, as the worker estimated them.
    pub fn rows_expected(&self) -> usize {
        self.files.iter().map(|f| f.rows).sum()
    }
}

/// Where a commit's time went: handing the chunks to IndexedDB (serialised on the page's
/// thread), decoding the page's copy, analysing it, and waiting for the browser to finish
/// writing.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct CommitSteps {
    pub put_ms: f64,
    pub decode_ms: f64,
    pub analyse_ms: f64,
    pub wait_ms: f64,
}

/// What the last import took, step by step: shown to the manager in one line and read by
/// `make bench` from the panel's `data-*` attributes.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct ImportFigures {
    /// Bytes picked.
    pub bytes: f64,
    /// Milliseconds from the pick to the files read, and from the start of the import to its
    /// report.
    pub read_ms: f64,
    pub validate_ms: f64,
    /// Of `validate_ms`, the worker's parse and pack time, its waits for the files' bytes, its
    /// packing, and the page's wait for the files' digests.
    pub parse_ms: f64,
    pub file_read_ms: f64,
    pub pack_ms: f64,
    pub digest_wait_ms: f64,
    /// How much sooner the second worker's part was done than the first's.
    pub second_lead_ms: f64,
    /// Workers that read the files.
    pub workers: u32,
    /// The workers' memory high-water marks (added), the second worker's, the page's memory
    /// while they ran, the dataset's columnar size and its stored size, in bytes.
    pub worker_memory_bytes: f64,
    pub second_worker_memory_bytes: f64,
    pub page_memory_bytes: f64,
    pub columnar_bytes: f64,
    pub stored_bytes: f64,
    /// Milliseconds to store it, and their steps.
    pub commit_ms: f64,
    pub commit_steps: CommitSteps,
    /// Rows read.
    pub rows: usize,
}

impl ImportFigures {
    /// A new pick of `bytes`.
    pub fn picked(bytes: f64) -> ImportFigures {
        ImportFigures {
            bytes,
            ..ImportFigures::default()
        }
    }

    /// The worker's figures for an import that took `validate_ms`, with the page's memory.
    pub fn validated(&mut self, result: &ImportResult, validate_ms: f64, page_memory_bytes: f64) {
        *self = ImportFigures {
            validate_ms,
            parse_ms: f64::from(result.parse_ms),
            file_read_ms: f64::from(result.file_read_ms),
            pack_ms: f64::from(result.pack_ms),
            digest_wait_ms: f64::from(result.digest_wait_ms),
            second_lead_ms: f64::from(result.second_lead_ms),
            workers: result.workers,
            worker_memory_bytes: result.worker_memory_bytes as f64,
            second_worker_memory_bytes: result.second_worker_memory_bytes as f64,
            page_memory_bytes,
            columnar_bytes: result.columnar_bytes as f64,
            stored_bytes: result.stored_bytes as f64,
            rows: result.report.files.iter().map(|f| f.rows_read).sum(),
            ..*self
        };
    }

    /// The line shown under the import, once the files are read.
    pub fn summary(&self, lang: Lang) -> Option<String> {
        (self.read_ms > 0.0).then(|| {
            let rate = match self.validate_ms > 0.0 {
                true => self.rows as f64 / (self.validate_ms / 1000.0),
                false => 0.0,
            };
            format!(
                "{} {:.1} MB: {:.2} s · {} {}: {:.2} s ({:.0} {}/s, {}) · {}: {:.2} s",
                lang.text(Msg::TimingRead),
                self.bytes / 1e6,
                self.read_ms / 1000.0,
                lang.text(Msg::TimingValidate),
                counted(self.rows, Msg::Row, Msg::Rows, lang),
                self.validate_ms / 1000.0,
                rate,
                lang.text(Msg::Rows),
                counted(
                    self.workers as usize,
                    Msg::TimingWorker,
                    Msg::TimingWorkers,
                    lang
                ),
                lang.text(Msg::TimingSave),
                self.commit_ms / 1000.0
            )
        })
    }

    /// The panel's `data-*` attributes that `make bench` reads; `worker_read_ms` is the files'
    /// detection time as the worker reported it.
    pub fn attributes(&self, worker_read_ms: f64) -> Vec<(&'static str, String)> {
        let s = self.commit_steps;
        vec![
            ("data-read-ms", self.read_ms.to_string()),
            ("data-validate-ms", self.validate_ms.to_string()),
            ("data-worker-read-ms", worker_read_ms.to_string()),
            (
                "data-worker-memory-bytes",
                self.worker_memory_bytes.to_string(),
            ),
            (
                "data-second-worker-memory-bytes",
                self.second_worker_memory_bytes.to_string(),
            ),
            (
                "data-page-memory-during-bytes",
                self.page_memory_bytes.to_string(),
            ),
            ("data-columnar-bytes", self.columnar_bytes.to_string()),
            ("data-stored-bytes", self.stored_bytes.to_string()),
            ("data-parse-ms", self.parse_ms.to_string()),
            ("data-file-read-ms", self.file_read_ms.to_string()),
            ("data-pack-ms", self.pack_ms.to_string()),
            ("data-digest-wait-ms", self.digest_wait_ms.to_string()),
            ("data-workers", self.workers.to_string()),
            ("data-second-lead-ms", self.second_lead_ms.to_string()),
            ("data-commit-ms", self.commit_ms.to_string()),
            (
                "data-commit-steps-ms",
                format!(
                    "{:.0} {:.0} {:.0} {:.0}",
                    s.put_ms, s.decode_ms, s.analyse_ms, s.wait_ms
                ),
            ),
        ]
    }
}
