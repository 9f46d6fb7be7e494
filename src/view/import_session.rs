//! The import panel's state as a reducer: (session, step) → session. The page feeds it the
//! manager's actions and the worker's events and binds what it shows to the result, so every
//! path through an import — late or stale worker messages included — is tested natively.

use crate::format::counted;
use crate::i18n::{Lang, Msg};
use crate::import::values::parse_yes_no;
use crate::import::{
    canonical_values, detect_currency, find_preset, known_value, known_word, total_named,
    DistinctValues, Entity, Field, FilePlan, ImportIssue, ImportReport, Mapping, MappingPreset,
    Plan, FLAG_VALUES, PLAN_VERSION,
};
use crate::model::Currency;
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
    /// A worker stopped without a word (it crashed): what the browser said of it.
    WorkerStopped(String),
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
            ImportFailure::WorkerStopped(detail) => {
                format!("{} ({detail})", lang.text(Msg::WorkerStopped))
            }
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
    Reread {
        index: usize,
        summary: Box<SheetSummary>,
    },
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
    /// The manager left a report to change the mapping: the files and choices stay.
    BackToMapping,
    /// The manager dropped the file at this position from the pick.
    Drop(usize),
    /// The worker counted a column's distinct values, for its value map.
    Values {
        index: usize,
        column: usize,
        values: DistinctValues,
    },
    /// Something failed.
    Failed(String),
    /// A worker stopped without a word (it crashed).
    WorkerStopped(String),
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
    /// The files are being read again to go back from a report to their mapping: the read
    /// that arrives restores the worker's copy; the choices made here stay.
    pub restoring: bool,
    /// A plan applied to files that are being read again with its settings: it applies to
    /// each again when its new read arrives (which brings the headers' own guesses).
    pub pending_plan: Option<Plan>,
    /// The dataset's currency as the manager (or a plan) chose it; `None`: as the files' cells
    /// name it (see [`ImportSession::currency`]).
    pub currency: Option<Currency>,
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
            (ImportStep::Read { .. }, S::Reading) if self.restoring => {
                self.restoring = false;
                self.stage = S::Mapping;
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
                        summary.entity = Some(preset.entity);
                        summary.mapping = preset.mapping.clone();
                        self.applied_preset = Some(preset.name.clone());
                    }
                }
                self.files = summaries;
                self.stage = S::Mapping;
            }
            (ImportStep::Reread { index, summary }, S::Mapping) => {
                if let Some(slot) = self.files.get_mut(index) {
                    *slot = *summary;
                    if let Some(plan) = &mut self.pending_plan {
                        // Read as the plan says: its choices now fit the new headers (once: a
                        // later read the manager asks for keeps their own choices).
                        if let Some(planned) = plan.file(&slot.name) {
                            if let Ok(Some(decided)) = planned.apply(&slot.headers) {
                                (slot.entity, slot.mapping, slot.date_style) = decided;
                            }
                        }
                        plan.files.retain(|f| f.file != slot.name);
                    }
                }
            }
            (ImportStep::Validate, S::Mapping) if self.needs_mapping().is_empty() => {
                self.rows_done = 0;
                self.stage = S::Validating;
            }
            (ImportStep::Progress(rows), S::Validating) => self.rows_done = rows,
            (ImportStep::Validated(validated), S::Validating) => {
                self.stage = S::Validated(Arc::new(validated));
            }
            (ImportStep::Commit, S::Validated(_)) => self.stage = S::Committing,
            // The worker that validated is gone with its memory: the files are read again.
            (ImportStep::BackToMapping, S::Validated(_)) => {
                self.stage = S::Reading;
                self.restoring = true;
            }
            (
                ImportStep::Values {
                    index,
                    column,
                    values,
                },
                S::Mapping,
            ) => {
                if let Some(file) = self.files.get_mut(index) {
                    // Channel and category words that stand for a canonical value are
                    // assigned it, for the manager to see and change.
                    let field = file.mapping.columns.iter().find(|&&(_, c)| c == column);
                    if let Some(&(field, _)) = field {
                        for (value, _) in &values.values {
                            let known = known_word(field, value);
                            if known.is_some() && file.mapping.value(field, value) == value {
                                file.mapping.assign(field, value, known);
                            }
                        }
                    }
                    file.distinct.retain(|(c, _)| *c != column);
                    file.distinct.push((column, values));
                }
            }
            (ImportStep::Drop(index), S::Mapping) if index < self.files.len() => {
                self.files.remove(index);
                if self.files.is_empty() {
                    *self = ImportSession::default();
                }
            }
            (ImportStep::Committed, S::Committing) | (ImportStep::Cancel, _) => {
                *self = ImportSession::default();
            }
            (ImportStep::Failed(why), S::Reading | S::Mapping | S::Validating | S::Committing) => {
                self.stage = S::Failed(ImportFailure::Said(why));
            }
            // Nothing was stored: the import is over, and says so instead of running on.
            (ImportStep::WorkerStopped(detail), S::Reading | S::Mapping | S::Validating) => {
                self.stage = S::Failed(ImportFailure::WorkerStopped(detail));
            }
            // Anything else is stale or out of turn.
            _ => {}
        }
    }

    /// Whether the picked files hold no customers (holdings, transactions … alone): they can
    /// only be attached to the customers of a dataset already there.
    pub fn lacks_customers(&self) -> bool {
        !self.files.is_empty()
            && self
                .files
                .iter()
                .all(|f| f.entity != Some(Entity::Customers))
    }

    /// The picked files that show no kind: the import waits until each is mapped or removed.
    pub fn needs_mapping(&self) -> Vec<&str> {
        self.files
            .iter()
            .filter(|f| f.entity.is_none())
            .map(|f| f.name.as_str())
            .collect()
    }

    /// The currencies the picked files' cells name, most named first.
    pub fn currencies_named(&self) -> Vec<(Currency, usize)> {
        total_named(self.files.iter().map(|f| f.currencies.as_slice()))
    }

    /// The dataset's currency: the manager's choice, else the one the cells name most, else
    /// the default.
    pub fn currency(&self) -> Currency {
        self.currency
            .unwrap_or_else(|| detect_currency(&self.currencies_named()))
    }

    /// The picked files as a mapping plan: what the manager chose for each, by header.
    pub fn plan(&self) -> Plan {
        Plan {
            keystone_plan: PLAN_VERSION,
            currency: Some(self.currency()),
            files: self
                .files
                .iter()
                .map(|f| {
                    FilePlan::of(
                        &f.name,
                        &f.headers,
                        &f.options,
                        f.entity,
                        &f.mapping,
                        f.date_style,
                    )
                })
                .collect(),
        }
    }

    /// Applies a plan to the picked files it names (by file name): kinds, mappings and date
    /// styles are set here; what else it asks is returned for the page to do — files to read
    /// again with other settings (the plan applies to each when its new read arrives), files
    /// to leave out (positions, highest first) — with the problems of the entries that do not
    /// fit their file (that file is left as it was).
    pub fn apply_plan(&mut self, plan: &Plan) -> PlanApplied {
        let mut applied = PlanApplied::default();
        if plan.currency.is_some() {
            self.currency = plan.currency;
        }
        for (index, file) in self.files.iter_mut().enumerate() {
            let Some(planned) = plan.file(&file.name) else {
                continue;
            };
            if planned.skip {
                applied.skip.push(index);
                continue;
            }
            match planned.read_options(&file.options) {
                // Read again first: the plan's columns are the new read's headers.
                Ok(options) if options != file.options => {
                    applied.reread.push((index, options));
                    applied.files += 1;
                    continue;
                }
                Ok(_) => {}
                Err(error) => {
                    applied.problems.push(format!("{}: {error}", file.name));
                    continue;
                }
            }
            match planned.apply(&file.headers) {
                Ok(Some(decided)) => {
                    (file.entity, file.mapping, file.date_style) = decided;
                    applied.files += 1;
                }
                Ok(None) => applied.skip.push(index),
                Err(error) => applied.problems.push(format!("{}: {error}", file.name)),
            }
        }
        applied.skip.reverse();
        self.pending_plan = (!applied.reread.is_empty()).then(|| plan.clone());
        applied
    }

    /// Data rows in the picked files, as the worker estimated them.
    pub fn rows_expected(&self) -> usize {
        self.files.iter().map(|f| f.rows).sum()
    }
}

/// What applying a plan left for the page to do (see [`ImportSession::apply_plan`]).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PlanApplied {
    /// Files the plan set.
    pub files: usize,
    /// Files to read again with the plan's settings: `(position, options)`.
    pub reread: Vec<(usize, crate::import::ReadOptions)>,
    /// Files the plan skips, highest position first (so each drop leaves the rest in place).
    pub skip: Vec<usize>,
    /// Entries that do not fit their file.
    pub problems: Vec<String>,
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

    /// The line shown under the import, once the files are read: each step's figures only
    /// once that step has run.
    pub fn summary(&self, lang: Lang) -> Option<String> {
        if self.read_ms <= 0.0 {
            return None;
        }
        let mut parts = vec![format!(
            "{} {}: {:.2} s",
            lang.text(Msg::TimingRead),
            crate::format::file_size(self.bytes),
            self.read_ms / 1000.0
        )];
        if self.validate_ms > 0.0 {
            let rate = self.rows as f64 / (self.validate_ms / 1000.0);
            parts.push(format!(
                "{} {}: {:.2} s ({:.0} {}/s, {})",
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
            ));
        }
        if self.commit_ms > 0.0 {
            parts.push(format!(
                "{}: {:.2} s",
                lang.text(Msg::TimingSave),
                self.commit_ms / 1000.0
            ));
        }
        Some(parts.join(" · "))
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

/// Why a validated import cannot be saved, if it cannot: a file that could not be read at
/// all, or no row kept from any file. The page says so where the Commit button would be.
pub fn commit_blocked(report: &ImportReport) -> Option<Msg> {
    if !report.can_commit() {
        Some(Msg::CommitBlockedUnreadable)
    } else if !report.mostly_refused().is_empty() {
        Some(Msg::CommitBlockedMostlyRefused)
    } else if report
        .files
        .iter()
        .all(|f| f.accepted == 0 && f.deduplicated == 0)
    {
        Some(Msg::CommitBlockedNothingAccepted)
    } else {
        None
    }
}

/// Why the dataset's currency is what it is, in the reader's words: what the files' cells
/// name (or that none does, so the default holds), and that amounts in another currency than
/// `currency` are refused rather than converted. `chosen`: the currency was declared (by the
/// manager or a plan), not taken from the cells or the default.
pub fn currency_note(
    currency: Currency,
    chosen: bool,
    named: &[(Currency, usize)],
    lang: Lang,
) -> String {
    let cells: Vec<String> = named
        .iter()
        .map(|&(c, n)| match lang {
            Lang::Zh => format!("{c}（{}）", counted(n, Msg::Cell, Msg::Cells, lang)),
            Lang::En => format!("{c} in {}", counted(n, Msg::Cell, Msg::Cells, lang)),
        })
        .collect();
    let default = Currency::default();
    let mut note = match (cells.is_empty(), chosen, lang) {
        (true, true, Lang::Zh) => "文件中没有币种符号".to_owned(),
        (true, true, Lang::En) => "no cell names a currency".to_owned(),
        (true, false, Lang::Zh) => format!("文件中没有币种符号，默认 {default}"),
        (true, false, Lang::En) => format!("no cell names a currency: the default is {default}"),
        (false, _, Lang::Zh) => format!("文件中的币种：{}", cells.join("、")),
        (false, _, Lang::En) => format!("the files name {}", cells.join(", ")),
    };
    if named.iter().any(|&(c, _)| c != currency) {
        note.push_str(match lang {
            Lang::Zh => "；其他币种的金额将被拒绝，不做换算",
            Lang::En => "; amounts in another currency are refused, not converted",
        });
    }
    note
}

/// What saving a validated import will do when it adds nothing new: every row kept was one
/// already held (the same period appended again), so the new snapshot repeats the data.
pub fn commit_caveat(report: &ImportReport) -> Option<Msg> {
    (commit_blocked(report).is_none() && report.files.iter().all(|f| f.accepted == 0))
        .then_some(Msg::CommitAddsNothingNew)
}

/// One file's problems as the report lists them.
#[derive(Clone, Debug, PartialEq)]
pub struct FileIssues<'a> {
    pub file: &'a str,
    /// The first problems, in line order.
    pub shown: Vec<&'a ImportIssue>,
    /// How many more are only in the downloaded CSV.
    pub more: usize,
}

/// The report's problems file by file, at most `limit` in all but every file with problems
/// getting its share, so one file's thousand bad rows never hide another file's reason.
pub fn issues_by_file(report: &ImportReport, limit: usize) -> Vec<FileIssues<'_>> {
    let mut files: Vec<FileIssues<'_>> = Vec::new();
    let mut all: Vec<Vec<&ImportIssue>> = Vec::new();
    for issue in &report.issues {
        match files.iter().position(|f| f.file == issue.file) {
            Some(i) => all[i].push(issue),
            None => {
                files.push(FileIssues {
                    file: &issue.file,
                    shown: Vec::new(),
                    more: 0,
                });
                all.push(vec![issue]);
            }
        }
    }
    // Shares: the files with few problems show them all, the rest split what is left.
    let mut left = limit;
    let mut order: Vec<usize> = (0..all.len()).collect();
    order.sort_by_key(|&i| all[i].len());
    for (done, &i) in order.iter().enumerate() {
        let share = left / (order.len() - done).max(1);
        let take = all[i].len().min(share.max(1));
        left = left.saturating_sub(take);
        files[i].more = all[i].len() - take;
        files[i].shown = all[i][..take].to_vec();
    }
    files
}

/// A column whose values a value map translates: one mapped to a coded field, or one of a
/// customers file kept as an attribute (a yes/no flag or an outcome label).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ValueMapOf {
    /// The column feeding a coded field.
    Field(Field, usize),
    /// A column kept as a customer attribute.
    Kept(usize),
}

impl ValueMapOf {
    /// The file's column.
    pub fn column(self) -> usize {
        match self {
            ValueMapOf::Field(_, column) | ValueMapOf::Kept(column) => column,
        }
    }

    /// What its values may be assigned to: `(value, Chinese name)`.
    pub fn canonical(self) -> &'static [(&'static str, &'static str)] {
        match self {
            ValueMapOf::Field(field, _) => canonical_values(field),
            ValueMapOf::Kept(_) => &FLAG_VALUES,
        }
    }

    /// What `value` is assigned to in `mapping`, if anything.
    pub fn assigned<'m>(self, mapping: &'m Mapping, value: &str) -> Option<&'m str> {
        match self {
            ValueMapOf::Field(field, _) => mapping
                .values
                .iter()
                .find(|(f, from, _)| *f == field && from == value)
                .map(|(_, _, to)| to.as_str()),
            ValueMapOf::Kept(column) => mapping
                .kept_values
                .iter()
                .find(|(c, from, _)| *c == column && from == value)
                .map(|(_, _, to)| to.as_str()),
        }
    }

    /// Assigns `value` to `to`, or takes the assignment back.
    pub fn assign(self, mapping: &mut Mapping, value: &str, to: Option<&str>) {
        match self {
            ValueMapOf::Field(field, _) => mapping.assign(field, value, to),
            ValueMapOf::Kept(column) => mapping.assign_kept(column, value, to),
        }
    }

    /// How `value` reads without an assignment.
    fn unassigned(self, value: &str) -> ValueStatus {
        match self {
            ValueMapOf::Field(field, _) if known_value(field, value) => ValueStatus::Understood,
            // Channels and categories are descriptions: an unknown one is kept as written.
            ValueMapOf::Field(Field::Channel | Field::Category, _) => ValueStatus::KeptAsWritten,
            ValueMapOf::Field(..) => ValueStatus::NotUnderstood,
            ValueMapOf::Kept(_) if parse_yes_no(value).is_ok() => ValueStatus::Understood,
            ValueMapOf::Kept(_) => ValueStatus::KeptAsWritten,
        }
    }
}

/// The value maps a file's card offers: its coded fields' columns (or none, for a field fixed
/// to one value), then, for a customers file, every column kept as an attribute.
pub fn value_maps(file: &SheetSummary) -> Vec<ValueMapOf> {
    let fields = file
        .mapping
        .columns
        .iter()
        .filter(|&&(field, _)| !canonical_values(field).is_empty())
        .map(|&(field, column)| ValueMapOf::Field(field, column));
    let kept = (0..file.headers.len())
        .filter(|_| file.entity == Some(Entity::Customers))
        .filter(|&column| file.mapping.columns.iter().all(|&(_, c)| c != column))
        .map(ValueMapOf::Kept);
    fields.chain(kept).collect()
}

/// How an exported value reads.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ValueStatus {
    /// The manager (or a known word) assigned it a value.
    Assigned,
    /// The field's reader knows it as it is (`借`, `F`, `yes`).
    Understood,
    /// A code the field cannot read: rows holding it are refused or misread until assigned.
    NotUnderstood,
    /// A description (a channel, a category, an attribute's label) kept as written.
    KeptAsWritten,
}

/// One exported value of a coded column, as its value map lists it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ValueRow {
    /// The value as exported.
    pub value: String,
    /// Rows holding it.
    pub rows: usize,
    /// What the manager assigned it to, if anything.
    pub assigned: Option<String>,
    /// How it reads.
    pub status: ValueStatus,
}

impl ValueRow {
    /// Whether it reads as something the field knows: assigned, or understood as it is.
    pub fn understood(&self) -> bool {
        matches!(self.status, ValueStatus::Assigned | ValueStatus::Understood)
    }
}

/// The value map of one column of file `file`: each distinct value with its rows, most
/// frequent first, and whether more values exist than were counted; `None` until the worker
/// has counted them.
pub fn value_rows(file: &SheetSummary, of: ValueMapOf) -> Option<(Vec<ValueRow>, bool)> {
    let (_, distinct) = file.distinct.iter().find(|(c, _)| *c == of.column())?;
    let rows = distinct
        .values
        .iter()
        .map(|(value, rows)| {
            let assigned = of.assigned(&file.mapping, value).map(str::to_owned);
            ValueRow {
                value: value.clone(),
                rows: *rows,
                status: match assigned {
                    Some(_) => ValueStatus::Assigned,
                    None => of.unassigned(value),
                },
                assigned,
            }
        })
        .collect();
    Some((rows, distinct.more))
}
