//! The import panel's state as a reducer: (session, step) → session. The page feeds it the
//! manager's actions and the worker's events and binds what it shows to the result, so every
//! path through an import — late or stale worker messages included — is tested natively.

use crate::i18n::{Lang, Msg};
use crate::import::{find_preset, ImportReport, MappingPreset};
use crate::storage::codec::RowCounts;
use crate::worker::protocol::SheetSummary;
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
