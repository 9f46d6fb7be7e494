//! The messages between the page and the import worker, as plain serialisable data.
//!
//! Bulk bytes (file contents, column chunks) travel beside these as transferred `ArrayBuffer`s;
//! only the small control data is JSON.

use crate::import::{DateStyle, Entity, ImportReport, Mapping, ReadOptions, Sheet};
use crate::model::Currency;
use crate::storage::codec::RowCounts;
use serde::{Deserialize, Serialize};

/// What the worker found in one file: enough for the mapping screen, without the rows.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SheetSummary {
    /// The file's name.
    pub name: String,
    /// Size in bytes.
    pub size: u64,
    /// `Delimited`, `Workbook` or `Json`.
    pub format: String,
    /// The encoding used, for text files.
    pub encoding: Option<String>,
    /// The delimiter, for delimited files.
    pub delimiter: Option<u8>,
    /// The worksheet read, for workbooks.
    pub sheet: Option<String>,
    /// Column headers.
    pub headers: Vec<String>,
    /// The first rows, for the preview.
    pub preview: Vec<Vec<String>>,
    /// Data rows in the file (from line breaks for text: an estimate when quoted fields span lines).
    pub rows: usize,
    /// The entity the headers give evidence of; `None`: the file needs mapping (the user says
    /// what it holds, or removes it) before anything is imported.
    pub entity: Option<Entity>,
    /// The mapping guessed from the headers.
    pub mapping: Mapping,
    /// How the file was read; the user may change any of it and have the file read again.
    pub options: ReadOptions,
    /// The worksheets of a workbook.
    pub sheet_names: Vec<String>,
    /// How the file's dates are written; the user may declare it.
    pub date_style: DateStyle,
    /// Milliseconds the worker spent on this file: read its start, detect, preview.
    #[serde(default)]
    pub read_ms: u32,
    /// The distinct values of the columns asked about so far, for value maps: `(column,
    /// values)`.
    #[serde(default)]
    pub distinct: Vec<(usize, crate::import::DistinctValues)>,
    /// The currencies its first rows' cells name, with how many cells name each, most named
    /// first: the evidence for the dataset's currency.
    #[serde(default)]
    pub currencies: Vec<(Currency, usize)>,
}

impl SheetSummary {
    /// Summarises a read sheet.
    pub fn of(name: &str, size: usize, sheet: &Sheet) -> SheetSummary {
        let entity = crate::import::guess_entity(&sheet.headers);
        SheetSummary {
            name: name.to_owned(),
            size: size as u64,
            format: format!("{:?}", sheet.options.format),
            encoding: sheet.options.encoding.map(|e| e.label().to_owned()),
            delimiter: sheet.options.layout.map(|l| l.delimiter),
            sheet: sheet.options.sheet.clone(),
            headers: sheet.headers.clone(),
            preview: sheet
                .preview(5)
                .into_iter()
                .map(|(_, cells)| cells)
                .collect(),
            rows: sheet.row_estimate(),
            entity,
            mapping: entity
                .map(|entity| crate::import::auto_map(entity, &sheet.headers))
                .unwrap_or_default(),
            options: sheet.options.clone(),
            sheet_names: sheet.sheet_names.clone(),
            date_style: DateStyle::default(),
            read_ms: 0,
            distinct: Vec::new(),
            currencies: crate::import::currencies_named(sheet),
        }
    }
}

/// The user's decisions for each file, in the order the files were read.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportPlan {
    /// Per file: what it holds and how its columns map.
    pub files: Vec<PlannedFile>,
    /// Today, as a day number: later dates are refused.
    pub today: i32,
    /// For an incremental import: the row counts of the current dataset, sent along as chunks.
    #[serde(default)]
    pub append_to: Option<RowCounts>,
    /// The dataset's currency: amounts are read in it.
    #[serde(default)]
    pub currency: Currency,
}

/// One file's decisions.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlannedFile {
    /// What the file holds.
    pub entity: Entity,
    /// Which column feeds which field.
    pub mapping: Mapping,
    /// How its dates are written.
    pub date_style: DateStyle,
}

/// The worker's answer to an import: the report, and the row counts that go with the chunks.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportResult {
    /// What was read, kept and refused.
    pub report: ImportReport,
    /// Rows per table of the dataset sent as chunks.
    pub rows: RowCounts,
    /// Milliseconds the worker spent parsing and validating, and packing the chunks.
    #[serde(default)]
    pub parse_ms: u32,
    /// Of `parse_ms`, milliseconds spent waiting for the files' bytes.
    #[serde(default)]
    pub file_read_ms: u32,
    /// Milliseconds spent encoding the chunks for the transfer.
    #[serde(default)]
    pub pack_ms: u32,
    /// How many workers read the files: 2 when the largest was cut in two and the parts
    /// merged, 1 otherwise.
    #[serde(default)]
    pub workers: u32,
    /// How much sooner the second worker's part was done than the first's, in milliseconds
    /// (negative: later): how well the cut balanced them.
    #[serde(default)]
    pub second_lead_ms: i32,
    /// Milliseconds the page then waited for the files' SHA-256 (it hashes them, and fills
    /// this and `sha256` in; the worker sends them empty).
    #[serde(default)]
    pub digest_wait_ms: u32,
    /// The worker's wasm memory after the import: its high-water mark, as wasm memory never
    /// shrinks. With a second worker, both high-water marks added.
    #[serde(default)]
    pub worker_memory_bytes: u64,
    /// Of `worker_memory_bytes`, the second worker's, if one read part of a file.
    #[serde(default)]
    pub second_worker_memory_bytes: u64,
    /// Bytes the dataset's columns take in memory: its columnar size.
    #[serde(default)]
    pub columnar_bytes: u64,
    /// Bytes of its stored chunks (narrower than in memory).
    #[serde(default)]
    pub stored_bytes: u64,
    /// Per file read, in order: the SHA-256 of its bytes, hex (empty if the browser could not
    /// compute it).
    #[serde(default)]
    pub sha256: Vec<String>,
    /// Of `rows`, the second worker's rows of the cut file: not in this message's chunks but
    /// in those the page kept from the second worker, stored as the snapshot's second part.
    #[serde(default)]
    pub second_part: RowCounts,
}

/// The second import worker's answer, beside its dataset's chunks: what the first worker needs
/// to merge the two parts ([`crate::import::TwoParts::merge_report`]) besides the rows.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SecondPartResult {
    /// What the merge needs besides the rows: report, passes, the range of transaction ids.
    pub part: crate::import::PartOutcome,
    /// Rows per table of the dataset sent as chunks.
    pub rows: RowCounts,
    /// Columnar and stored bytes of its rows of the cut file.
    pub columnar_bytes: u64,
    pub stored_bytes: u64,
    /// The second worker's wasm memory after its part: its high-water mark.
    pub worker_memory_bytes: u64,
    /// When its part was done, in milliseconds since the epoch.
    pub done_at_ms: f64,
}

/// The key prefix under which the worker sends the dataset's chunks.
pub const TRANSFER_SNAPSHOT: &str = "transfer";

/// A request to read one file again with other options (encoding, delimiter, header, sheet).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Reread {
    /// The file's position in the read order.
    pub index: usize,
    /// The options to read it with.
    pub options: ReadOptions,
}

/// What the page asks of the analysis worker, which keeps one snapshot in memory (read from
/// IndexedDB by itself, so no dataset crosses between the threads) and answers from it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum AnalysisRequest {
    /// Load this snapshot; sent first, once.
    Open(crate::storage::catalogue::SnapshotRecord),
    /// RFM scores, clusters and their projection.
    Segments,
    /// The families one customer does not hold, most probable first (trains the propensity
    /// models the first time).
    Offers {
        /// The customer, as a row of the customers table.
        customer: u32,
    },
    /// A customer list as an Excel workbook.
    ListXlsx(ListExport),
    /// Train and validate both models on an outcome (the model studio).
    Train(TrainRequest),
    /// Score every customer with one of the last trained models.
    Apply(ApplyRequest),
}

/// Which trained model to apply, and under what name.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ApplyRequest {
    /// The learner.
    pub kind: crate::analytics::models::ModelKind,
    /// The name shown.
    pub name: String,
    /// Its version on this snapshot.
    pub version: u32,
    /// The outcome it was trained on.
    pub outcome: crate::analytics::models::outcome::Outcome,
}

/// What to train on: the outcome and, unless the screen's defaults, the features.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TrainRequest {
    /// What the models predict.
    pub outcome: crate::analytics::models::outcome::Outcome,
    /// The features chosen; `None` for the screen's defaults.
    pub chosen: Option<Vec<String>>,
    /// Folds of the cross-validation.
    pub folds: u32,
    /// The tier ladder in force, for an outcome of moving up a tier.
    pub tier_rules: crate::analytics::TierRules,
}

/// A customer list to write as a workbook, in the reader's language.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ListExport {
    /// The tier ladder in force (the page's rules may differ from the defaults).
    pub tier_rules: crate::analytics::TierRules,
    /// The tiers' names, in the rules' order.
    pub tier_names: Vec<String>,
    /// The column headers.
    pub headers: Vec<String>,
    /// The worksheet's name.
    pub sheet_name: String,
    /// The customers listed, as rows of the customers table, in order.
    pub rows: Vec<u32>,
    /// The score the list was narrowed by, written as a last column (its header last).
    #[serde(default)]
    pub score: Option<crate::analytics::scores::ScoreKind>,
    /// When that score is the applied model's: every customer's probability.
    #[serde(default)]
    pub model_scores: Option<Vec<f32>>,
}

/// The analysis worker's jobs, as progress and failures name them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum AnalysisJob {
    /// Reading the snapshot.
    Open,
    /// [`AnalysisRequest::Segments`].
    Segments,
    /// [`AnalysisRequest::Offers`].
    Offers,
    /// [`AnalysisRequest::ListXlsx`].
    ListXlsx,
    /// [`AnalysisRequest::Train`].
    Train,
    /// [`AnalysisRequest::Apply`].
    Apply,
}

/// What the analysis worker tells the page. A workbook's bytes travel beside the message as a
/// transferred buffer.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum AnalysisReply {
    /// Steps done of a job.
    Progress {
        /// Which job.
        job: AnalysisJob,
        /// Steps done.
        done: u32,
        /// Steps in all.
        of: u32,
    },
    /// The segments.
    Segments(Box<crate::analytics::segments::CustomerSegments>),
    /// One customer's offers, and the products' quality.
    Offers {
        /// The customer asked about.
        customer: u32,
        /// Families not held, most probable first.
        offers: Vec<crate::analytics::propensity::Offer>,
    },
    /// The workbook is attached.
    ListXlsx,
    /// The models are trained and validated.
    Trained(Box<crate::analytics::models::studio::TrainingReport>),
    /// A model is applied: every customer scored.
    Applied(Box<crate::analytics::models::studio::AppliedModel>),
    /// A job failed; the text says why.
    Failed {
        /// Which job.
        job: AnalysisJob,
        /// Why.
        message: String,
    },
}

/// What the page asks of an import worker. Files and chunks travel beside the message (see
/// `port::Attachments`); which ones each request carries is said on its variant.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum ImportRequest {
    /// Import made-up files once, so the import's code is compiled when the manager's files
    /// come (a worker started ahead of the pick).
    WarmUp,
    /// Read the attached picked files: detect, preview, guess their mapping; or, when options
    /// are given (one per file), read each as the manager chose before (a report's files read
    /// again after the worker that validated them is gone).
    Read(Vec<ReadOptions>),
    /// Read one file again with other options.
    Reread(Reread),
    /// Leave the file at this position out of the pick (the manager dropped it).
    Drop(usize),
    /// The distinct values of one column of one file, with their counts, for its value map.
    Values {
        /// The file's position in the read order.
        index: usize,
        /// The column.
        column: usize,
    },
    /// Import the files read, as planned; for an append, the current dataset's chunks are
    /// attached.
    Import(ImportPlan),
    /// To the second worker: read this part of the attached picked files.
    ReadSecondPart(crate::import::SecondPart),
    /// To the first worker, forwarded by the page: the second worker's part, with its
    /// customers' and managers' chunks attached.
    SecondPartRead(SecondPartResult),
}

/// What an import worker tells the page.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum ImportReply {
    /// The picked files are read.
    Read(Vec<SheetSummary>),
    /// One file read again.
    Reread {
        /// Its position in the read order.
        index: usize,
        /// What was found.
        summary: SheetSummary,
    },
    /// A column's distinct values.
    Values {
        /// The file's position in the read order.
        index: usize,
        /// The column.
        column: usize,
        /// What it holds.
        values: crate::import::DistinctValues,
    },
    /// Rows this worker has parsed so far.
    Progress {
        /// Rows parsed.
        rows: usize,
    },
    /// The first worker cut a file in two: the page gives this part to the second worker.
    CutInTwo(crate::import::SecondPart),
    /// The second worker's part is read; its chunks are attached.
    SecondPartRead(SecondPartResult),
    /// The import is done; the dataset's chunks are attached.
    Imported(Box<ImportResult>),
    /// The job failed; the text says why, in words the Data page shows.
    Failed {
        /// Why.
        message: String,
    },
}

/// Everything a worker script hears: one script runs either kind of worker.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum ToWorker {
    /// A request to an import worker.
    Import(ImportRequest),
    /// A request to an analysis worker.
    Analysis(AnalysisRequest),
}

/// Everything a worker says.
#[allow(clippy::large_enum_variant)] // One reply at a time, serialised at once: boxing buys nothing.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum WorkerReply {
    /// The worker listens: messages queued for it can go.
    Ready,
    /// An import worker's reply.
    Import(ImportReply),
    /// An analysis worker's reply.
    Analysis(AnalysisReply),
    /// Not sent by a worker but said of one by the page's port: the worker stopped (an
    /// uncaught error, a crash, out of memory) and its job is lost.
    Stopped(String),
}

impl WorkerReply {
    /// The failure to send instead of this reply when it could not be sent (`None` for
    /// `Ready`, which carries nothing to fail).
    pub fn failed(&self, message: String) -> Option<WorkerReply> {
        match self {
            WorkerReply::Ready | WorkerReply::Stopped(_) => None,
            WorkerReply::Import(_) => Some(WorkerReply::Import(ImportReply::Failed { message })),
            WorkerReply::Analysis(reply) => {
                let job = match reply {
                    AnalysisReply::Progress { job, .. } | AnalysisReply::Failed { job, .. } => *job,
                    AnalysisReply::Segments(_) => AnalysisJob::Segments,
                    AnalysisReply::Offers { .. } => AnalysisJob::Offers,
                    AnalysisReply::ListXlsx => AnalysisJob::ListXlsx,
                    AnalysisReply::Trained(_) => AnalysisJob::Train,
                    AnalysisReply::Applied(_) => AnalysisJob::Apply,
                };
                Some(WorkerReply::Analysis(AnalysisReply::Failed {
                    job,
                    message,
                }))
            }
        }
    }
}
