//! From mapped sheets to a validated [`Dataset`] and a row-level report.
//!
//! Customers files are read first; every other file's rows find their customer as they are
//! read (rows naming no known customer are rejected there), and the tables are checked once
//! more by [`Dataset::new`]. Nothing is dropped without an [`ImportIssue`] saying which file,
//! line, column and value, and why.

use super::decode::TextEncoding;
use super::mapping::{canonical_values, declared_money_unit, Entity, Field, Mapping, FIELD_COUNT};
use super::records::{MAX_ROW_BYTES, MAX_ROW_CELLS};
use super::sheet::{Pass, ReadError, Row, Sheet, TextRows, TextSpan};
use super::values::{
    currency_named, infer_day_month_order, parse_age, parse_date, parse_direction, parse_gender,
    parse_income_in, parse_money, parse_money_in, parse_risk_level, DateStyle, DayMonthOrder,
    ValueError,
};
use crate::model::schema::reserve_rows;
use crate::model::{
    Attribute, CodedColumn, Currency, Customers, Dataset, Day, Dictionary, Direction, Feedback,
    Gender, Holdings, Interactions, ProductType, RelationshipManagers, Tables, TextColumn,
    Transactions, NO_RELATIONSHIP_MANAGER,
};
use rustc_hash::FxHashMap;
use std::collections::HashMap;
use std::fmt;

/// One file to import: what it holds and how its columns map.
pub struct FileInput<'a> {
    /// The file's name, as the report shows it.
    pub file_name: String,
    /// The entity the file holds.
    pub entity: Entity,
    /// Its rows.
    pub sheet: &'a Sheet,
    /// Which column feeds which field.
    pub mapping: Mapping,
    /// How its date columns are written (day/month order, century of six-digit dates).
    pub date_style: DateStyle,
}

/// The read files split by what their headers give evidence of: an import without a person to
/// ask (the command line, benchmarks, tests) takes `inputs` and must say that `needs_mapping`
/// were left out, never guess what they hold.
pub struct Guessed<'a> {
    /// The files whose kind the headers show, with the mapping they suggest.
    pub inputs: Vec<FileInput<'a>>,
    /// The names of the files that show no kind.
    pub needs_mapping: Vec<&'a str>,
}

/// [`Guessed`] for `sheets`, in their order.
pub fn guess_inputs(sheets: &[(String, Sheet)]) -> Guessed<'_> {
    let mut guessed = Guessed {
        inputs: Vec::new(),
        needs_mapping: Vec::new(),
    };
    for (name, sheet) in sheets {
        match super::mapping::guess_entity(&sheet.headers) {
            Some(entity) => guessed.inputs.push(FileInput {
                file_name: name.clone(),
                entity,
                sheet,
                mapping: super::mapping::auto_map(entity, &sheet.headers),
                date_style: DateStyle::default(),
            }),
            None => guessed.needs_mapping.push(name),
        }
    }
    guessed
}

/// The files of `sheets` whose kind their headers show (see [`guess_inputs`]), for callers
/// that know every file they pass is of a kind.
pub fn guessed_inputs(sheets: &[(String, Sheet)]) -> Vec<FileInput<'_>> {
    guess_inputs(sheets).inputs
}

/// What to import, and the facts the core cannot know by itself.
pub struct ImportRequest<'a> {
    /// The files, in any order.
    pub files: Vec<FileInput<'a>>,
    /// Today's date, from the caller's clock: later dates are rejected as in the future.
    pub today: Day,
    /// The dataset's currency, as declared or detected ([`detect_currency`]): amounts are read
    /// in it, and a cell that names another is refused.
    pub currency: Currency,
    /// The dataset to append to (an incremental import), or `None` for a fresh one.
    /// Its customers, managers and transactions are kept; transactions are deduplicated by id
    /// against it; a holdings file in the import replaces its holdings (a newer balance date).
    pub base: Option<&'a Dataset>,
}

/// Why a row (or a whole file) was not taken, or what was done to it.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum IssueReason {
    /// The cell's text is not a value of the field's kind.
    BadValue(ValueError),
    /// A required field is blank.
    MissingValue,
    /// The row has a different number of cells than the header.
    RaggedRow {
        /// Cells in this row.
        found: usize,
        /// Cells in the header.
        expected: usize,
    },
    /// The row refers to a customer that no customer file contains.
    UnknownCustomer,
    /// A second customer row with an id seen before (in `first_file`, at `first_line`).
    DuplicateCustomer {
        /// Where the id first appeared.
        first_line: u64,
        /// The file it appeared in first (customers may come in more than one file).
        #[serde(default)]
        first_file: String,
    },
    /// A second transaction with an id seen before; dropped, the first one kept.
    DuplicateTransaction,
    /// An appended customer row for a customer the dataset already holds; the held one is kept.
    CustomerAlreadyHeld,
    /// A date after today.
    FutureDate,
    /// A negative amount in a file that also says the direction.
    NegativeAmountWithDirection,
    /// Both or neither of a debit and a credit column hold an amount.
    DebitCreditConflict,
    /// A survey score outside 0–10.
    ScoreOutOfRange,
    /// An amount that cannot be negative (income) is.
    NegativeAmount,
    /// A quoted field never closes, so the rest of the file ran into one cell.
    UnclosedQuote,
    /// The file could not be read at all.
    Unreadable(String),
    /// The file's mapping leaves required fields unmapped.
    UnmappedFields(Vec<Field>),
    /// Some characters could not be decoded in the file's encoding.
    UndecodableCharacters(usize),
    /// The row is longer than [`MAX_ROW_BYTES`] or has more than [`MAX_ROW_CELLS`] cells:
    /// not read (the value is its start).
    RowTooLong,
    /// The row's text is in another encoding than the rest of its file (UTF-8 in a GBK file):
    /// shown as that encoding's text, not stored.
    OtherEncoding {
        /// The encoding the row is in.
        found: TextEncoding,
        /// The encoding the file is read in.
        file: TextEncoding,
    },
    /// A transactions file's amounts carry no sign and no column says their direction.
    UnsignedAmounts,
    /// The column's header repeats an earlier column's: it was renamed (the value is the
    /// header as exported), so each column keeps its own values.
    DuplicateHeader,
    /// The row's account is in no accounts file and has no owner among the links.
    UnknownAccount,
    /// A link whose role is not the owner's: it attributes no account.
    NotOwner,
    /// A second owner of an account: the first one holds it.
    SecondOwner,
}

impl IssueReason {
    /// Whether the row was kept despite the issue (a removed duplicate counts as handled, not rejected).
    pub fn rejects_row(&self) -> bool {
        !matches!(
            self,
            IssueReason::DuplicateTransaction | IssueReason::CustomerAlreadyHeld
        )
    }
}

impl fmt::Display for IssueReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            IssueReason::BadValue(error) => write!(f, "{error}"),
            IssueReason::MissingValue => write!(f, "required value is blank"),
            IssueReason::RaggedRow { found, expected } => {
                write!(f, "row has {found} cells, the header has {expected}")
            }
            IssueReason::UnknownCustomer => write!(f, "no customer with this id"),
            IssueReason::DuplicateCustomer {
                first_line,
                first_file,
            } => {
                write!(
                    f,
                    "duplicate customer id (first at line {first_line} of {first_file})"
                )
            }
            IssueReason::DuplicateTransaction => {
                write!(f, "duplicate transaction id: removed, the first kept")
            }
            IssueReason::CustomerAlreadyHeld => {
                write!(f, "customer already held: the held record is kept")
            }
            IssueReason::FutureDate => write!(f, "date is in the future"),
            IssueReason::NegativeAmountWithDirection => {
                write!(f, "negative amount although a direction is given")
            }
            IssueReason::DebitCreditConflict => {
                write!(f, "exactly one of debit and credit must hold an amount")
            }
            IssueReason::ScoreOutOfRange => write!(f, "score must be 0 to 10"),
            IssueReason::NegativeAmount => write!(f, "amount cannot be negative"),
            IssueReason::UnclosedQuote => {
                write!(
                    f,
                    "a quote opened here never closes; the rest of the file ran into this row"
                )
            }
            IssueReason::Unreadable(why) => write!(f, "{why}"),
            IssueReason::UnmappedFields(fields) => {
                write!(f, "required fields not mapped: {fields:?}")
            }
            IssueReason::UnknownAccount => {
                write!(f, "no account with this id has an owner among the links")
            }
            IssueReason::NotOwner => write!(
                f,
                "role is not the owner's: this link attributes no account (assign the role to owner in the value map to count it)"
            ),
            IssueReason::SecondOwner => {
                write!(f, "the account already has an owner: the first one holds it")
            }
            IssueReason::DuplicateHeader => write!(
                f,
                "the header repeats an earlier column's: this column was renamed, and keeps its own values"
            ),
            IssueReason::UnsignedAmounts => write!(
                f,
                "amounts have no sign and no direction column: map the direction (借贷标志, CR/DR, in/out) so inflows and outflows are told apart"
            ),
            IssueReason::RowTooLong => write!(
                f,
                "the row holds more than {} MiB of text or {MAX_ROW_CELLS} cells, beyond any export's row: it was not read (a quote left open runs the lines after it into one row)",
                MAX_ROW_BYTES >> 20
            ),
            IssueReason::OtherEncoding { found, file } => write!(
                f,
                "this row is {} text in a file read as {}: save the whole file in one encoding",
                found.label(),
                file.label()
            ),
            IssueReason::UndecodableCharacters(n) => {
                write!(
                    f,
                    "{n} characters could not be decoded: check the file's encoding"
                )
            }
        }
    }
}

/// One problem, located precisely.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ImportIssue {
    /// The file's name.
    pub file: String,
    /// 1-based line (or row, or record); 0 for the whole file.
    pub line: u64,
    /// The column's header, when one cell is at fault.
    pub column: Option<String>,
    /// The raw text of that cell.
    pub value: String,
    /// What is wrong.
    pub reason: IssueReason,
    /// A cell warning: an optional value that did not read was left out, and the row was kept.
    #[serde(default)]
    pub warning: bool,
}

/// Row counts of one file.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct FileSummary {
    /// The file's name.
    pub file: String,
    /// What it held.
    pub entity: Option<Entity>,
    /// Data rows read.
    pub rows_read: usize,
    /// Rows stored.
    pub accepted: usize,
    /// Rows refused.
    pub rejected: usize,
    /// Duplicate rows removed (transactions with an id seen before).
    pub deduplicated: usize,
    /// Optional cells left out of rows that were kept (cell warnings).
    #[serde(default)]
    pub warnings: usize,
}

impl FileSummary {
    /// More of its rows were refused than kept: the file is likely not what it was taken for
    /// (another kind, a wrong mapping or encoding, or no table at all), so what little it gave
    /// is not stored as if it were right.
    pub fn mostly_refused(&self) -> bool {
        self.rejected > self.accepted + self.deduplicated
    }
}

/// The validation report shown before anything is stored.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ImportReport {
    /// Per file, the row counts.
    pub files: Vec<FileSummary>,
    /// Every issue, in file and line order.
    pub issues: Vec<ImportIssue>,
}

impl ImportReport {
    /// Rows refused over all files.
    pub fn rejected(&self) -> usize {
        self.files.iter().map(|f| f.rejected).sum()
    }

    /// The files that refused more rows than they kept (see [`FileSummary::mostly_refused`]).
    pub fn mostly_refused(&self) -> Vec<&str> {
        self.files
            .iter()
            .filter(|f| f.mostly_refused())
            .map(|f| f.file.as_str())
            .collect()
    }

    /// Whether what was read may be stored: not when a file could not be read to its end, or
    /// the tables did not fit together (the import is then all or nothing).
    pub fn can_commit(&self) -> bool {
        !self
            .issues
            .iter()
            .any(|issue| matches!(issue.reason, IssueReason::Unreadable(_)))
    }

    /// The codes no field understood, once per file, column and value with the rows that
    /// hold it, most frequent first: what to assign in the value map.
    pub fn unknown_codes(&self) -> Vec<UnknownCode> {
        let mut codes: Vec<UnknownCode> = Vec::new();
        for issue in &self.issues {
            let IssueReason::BadValue(error) = issue.reason else {
                continue;
            };
            if !error.is_unknown_code() {
                continue;
            }
            let column = issue.column.clone().unwrap_or_default();
            match codes
                .iter_mut()
                .find(|c| c.file == issue.file && c.column == column && c.value == issue.value)
            {
                Some(code) => code.rows += 1,
                None => codes.push(UnknownCode {
                    file: issue.file.clone(),
                    column,
                    value: issue.value.clone(),
                    rows: 1,
                    error,
                }),
            }
        }
        codes.sort_by(|a, b| {
            b.rows
                .cmp(&a.rows)
                .then_with(|| (&a.file, &a.column, &a.value).cmp(&(&b.file, &b.column, &b.value)))
        });
        codes
    }

    /// Cell warnings over all files: optional values left out of rows that were kept.
    pub fn warnings(&self) -> usize {
        self.files.iter().map(|f| f.warnings).sum()
    }

    /// The issues as CSV (`file,line,column,value,reason,kind`, the kind `rejected row` or
    /// `cell warning`), for download; cells that a spreadsheet would run as a formula are
    /// neutralised.
    pub fn issues_csv(&self) -> String {
        let mut writer = csv::Writer::from_writer(Vec::new());
        let _ = writer.write_record(["file", "line", "column", "value", "reason", "kind"]);
        for issue in &self.issues {
            let _ = writer.write_record(
                [
                    neutralise_formula(&issue.file),
                    issue.line.to_string().into(),
                    neutralise_formula(issue.column.as_deref().unwrap_or("")),
                    neutralise_formula(&issue.value),
                    issue.reason.to_string().into(),
                    if issue.warning {
                        "cell warning"
                    } else {
                        "rejected row"
                    }
                    .into(),
                ]
                .iter()
                .map(|cell| cell.as_bytes()),
            );
        }
        String::from_utf8(writer.into_inner().unwrap_or_default()).unwrap_or_default()
    }
}

/// A code that no field understood (see [`ImportReport::unknown_codes`]).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UnknownCode {
    pub file: String,
    pub column: String,
    pub value: String,
    /// Rows holding it.
    pub rows: usize,
    pub error: ValueError,
}

/// Prefixes a cell that a spreadsheet would evaluate (`=`, `+`, `-`, `@`, tab, CR) with `'`.
pub fn neutralise_formula(cell: &str) -> std::borrow::Cow<'_, str> {
    if cell.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{cell}").into()
    } else {
        cell.into()
    }
}

/// The imported data and the report on it.
pub struct ImportOutcome {
    /// What will be stored if the user commits.
    pub dataset: Dataset,
    /// What was read, kept and refused.
    pub report: ImportReport,
    /// Per file of the request, in its order: what reading it met.
    pub passes: Vec<Pass>,
}

/// Parses, validates and assembles the files into one dataset.
pub fn import(request: &ImportRequest<'_>) -> ImportOutcome {
    import_with_progress(request, &mut |_| {})
}

/// Rows between two progress reports.
pub const PROGRESS_EVERY_ROWS: usize = 65_536;

/// [`import`], calling `progress` with the rows read so far every [`PROGRESS_EVERY_ROWS`] rows:
/// an [`Importer`] fed from each file's own source.
pub fn import_with_progress(
    request: &ImportRequest<'_>,
    progress: &mut dyn FnMut(usize),
) -> ImportOutcome {
    let mut importer = Importer::new(request);
    for read in importer.reads() {
        let sheet = request.files[read.file].sheet;
        if let Err(error) = sheet.read_text(|piece| importer.feed(read.file, piece, progress)) {
            importer.fail(read.file, error);
            break;
        }
    }
    importer.finish(progress)
}

/// The bytes of a delimited file an [`Importer`] reads: `span` of file `file` of the request.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TextRead {
    /// The file's index in the request.
    pub file: usize,
    /// Its bytes to read.
    pub span: TextSpan,
}

/// An import fed the bytes of its delimited files by whoever reads them: [`import_with_progress`]
/// reads each file's source in turn; a browser worker asks for a file's next slice before it
/// feeds this one, so the browser reads while the worker parses.
///
/// Files are read in entity order (customers first, so every later row finds its customer);
/// [`Importer::reads`] lists the bytes wanted in that order. Workbooks and JSON, whose rows are
/// held, are taken in their turn as the reads pass them.
pub struct Importer<'r> {
    request: &'r ImportRequest<'r>,
    staged: Staged,
    report: ImportReport,
    passes: Vec<Pass>,
    /// The request's files in the order they are read.
    order: Vec<usize>,
    /// How many of `order` are done or being read.
    started: usize,
    /// The delimited file being fed.
    reading: Option<Reading<'r>>,
    /// Rows read in the files before the current one, for progress.
    rows_done: usize,
    /// A file could not be read: nothing of this import may be stored.
    failed: bool,
}

/// A file being read.
struct Reading<'r> {
    index: usize,
    summary: FileSummary,
    rows: FileRows<'r>,
    text: Option<TextRows>,
}

/// What becomes of a file's rows.
enum FileRows<'r> {
    /// Staged in the tables.
    Mapped(Box<MappedFile<'r>>),
    /// Counted and refused: the file lacks a required field.
    Refused,
}

impl<'r> Importer<'r> {
    /// An import of `request`, nothing read yet.
    pub fn new(request: &'r ImportRequest<'r>) -> Importer<'r> {
        let replaces_holdings = request.files.iter().any(|f| f.entity == Entity::Holdings);
        let order = Entity::ALL
            .iter()
            .flat_map(|&entity| {
                (0..request.files.len()).filter(move |&i| request.files[i].entity == entity)
            })
            .collect();
        Importer {
            request,
            staged: match request.base {
                Some(base) => Staged::from_base(base, replaces_holdings),
                None => Staged::default(),
            },
            report: ImportReport::default(),
            passes: vec![Pass::default(); request.files.len()],
            order,
            started: 0,
            reading: None,
            rows_done: 0,
            failed: false,
        }
    }

    /// The delimited files' bytes, in the order to feed them.
    pub fn reads(&self) -> Vec<TextRead> {
        self.order
            .iter()
            .filter_map(|&file| {
                let span = self.request.files[file].sheet.text_span()?;
                Some(TextRead { file, span })
            })
            .collect()
    }

    /// Reads the next bytes of file `file` (the reads in their order, each read's bytes in
    /// order); whether to go on (not after a file failed).
    pub fn feed(&mut self, file: usize, bytes: &[u8], progress: &mut dyn FnMut(usize)) -> bool {
        if self.failed {
            return false;
        }
        if self.reading.as_ref().is_none_or(|r| r.index != file) {
            self.start_file(file, progress);
        }
        let Some(reading) = &mut self.reading else {
            return false;
        };
        let Reading {
            summary,
            rows,
            text,
            ..
        } = reading;
        let (staged, issues, rows_done) =
            (&mut self.staged, &mut self.report.issues, self.rows_done);
        if let Some(text) = text {
            text.feed(bytes, &mut |line, record| {
                take_row(staged, rows, summary, issues, line, record, &mut |n| {
                    progress(rows_done + n)
                })
            });
        }
        true
    }

    /// File `file` could not be read to its end: the import stops, and stores nothing.
    pub fn fail(&mut self, file: usize, error: ReadError) {
        if self.failed {
            return;
        }
        if self.reading.as_ref().is_none_or(|r| r.index != file) {
            self.start_file(file, &mut |_| {});
        }
        if let Some(reading) = self.reading.take() {
            self.report.files.push(reading.summary);
        }
        // Part of a file is not the file: nothing of this import may be stored.
        self.report.issues.push(file_issue(
            &self.request.files[file],
            IssueReason::Unreadable(format!("{error}")),
        ));
        self.failed = true;
    }

    /// The end of the reads: the files not yet taken, then the dataset and its report (no
    /// data after a file failed).
    pub fn finish(mut self, progress: &mut dyn FnMut(usize)) -> ImportOutcome {
        if !self.failed {
            self.end_file(progress);
            while let Some(&next) = self.order.get(self.started) {
                self.start_file(next, progress);
                self.end_file(progress);
            }
        }
        let dataset = if self.failed {
            Dataset::default()
        } else {
            self.staged.assemble(&mut self.report)
        };
        ImportOutcome {
            dataset,
            report: self.report,
            passes: self.passes,
        }
    }

    /// Ends the current file, takes every file before `file` in their order, and starts it.
    fn start_file(&mut self, file: usize, progress: &mut dyn FnMut(usize)) {
        self.end_file(progress);
        while self.started < self.order.len() {
            let index = self.order[self.started];
            self.started += 1;
            let input = &self.request.files[index];
            let entity = input.entity;
            let summary = FileSummary {
                file: input.file_name.clone(),
                entity: Some(entity),
                ..FileSummary::default()
            };
            let missing = input.mapping.missing_required(entity);
            let id_needed =
                entity != Entity::Customers || input.mapping.column(Field::CustomerId).is_some();
            let rows = if !missing.is_empty() && id_needed {
                self.report
                    .issues
                    .push(file_issue(input, IssueReason::UnmappedFields(missing)));
                FileRows::Refused
            } else if entity == Entity::Transactions && amounts_unsigned(input) {
                self.report
                    .issues
                    .push(file_issue(input, IssueReason::UnsignedAmounts));
                FileRows::Refused
            } else {
                for (column, exported) in &input.sheet.renamed_headers {
                    self.report.issues.push(ImportIssue {
                        file: input.file_name.clone(),
                        line: 1,
                        column: input.sheet.headers.get(*column).cloned(),
                        value: exported.clone(),
                        reason: IssueReason::DuplicateHeader,
                        warning: true,
                    });
                }
                FileRows::Mapped(Box::new(self.staged.begin_file(
                    input,
                    self.request.today,
                    self.request.currency,
                )))
            };
            self.reading = Some(Reading {
                index,
                summary,
                rows,
                text: input.sheet.text_rows(),
            });
            if index == file {
                return;
            }
            self.end_file(progress);
        }
    }

    /// Ends the file being read: its last rows (or all of them, for held rows), its summary.
    fn end_file(&mut self, progress: &mut dyn FnMut(usize)) {
        let Some(Reading {
            index,
            mut summary,
            mut rows,
            text,
        }) = self.reading.take()
        else {
            return;
        };
        let (staged, issues, rows_done) =
            (&mut self.staged, &mut self.report.issues, self.rows_done);
        let mut take = |line, record: Row<'_>| {
            take_row(
                staged,
                &mut rows,
                &mut summary,
                issues,
                line,
                record,
                &mut |n| progress(rows_done + n),
            )
        };
        let pass = match text {
            Some(text) => text.finish(&mut take),
            None => {
                let sheet = self.request.files[index].sheet;
                // Held rows cannot fail to read.
                sheet
                    .read_rows(|line, record| {
                        take(line, record);
                    })
                    .unwrap_or_default()
            }
        };
        self.passes[index] = pass;
        self.rows_done += summary.rows_read;
        self.report.files.push(summary);
    }
}

/// Takes one row of a file; always goes on.
fn take_row(
    staged: &mut Staged,
    rows: &mut FileRows<'_>,
    summary: &mut FileSummary,
    issues: &mut Vec<ImportIssue>,
    line: u64,
    record: Row<'_>,
    progress: &mut dyn FnMut(usize),
) -> bool {
    summary.rows_read += 1;
    if summary.rows_read.is_multiple_of(PROGRESS_EVERY_ROWS) {
        progress(summary.rows_read);
    }
    match rows {
        FileRows::Mapped(file) => staged.take_row(file, summary, issues, line, record),
        FileRows::Refused => summary.rejected += 1,
    }
    true
}

fn file_issue(file: &FileInput<'_>, reason: IssueReason) -> ImportIssue {
    ImportIssue {
        file: file.file_name.clone(),
        line: 0,
        column: None,
        value: String::new(),
        reason,
        warning: false,
    }
}

/// One row being read: finds cells by field and records what is wrong with them.
struct RowReader<'r> {
    file: &'r FileInput<'r>,
    /// The mapping as a lookup table by field, built once per file.
    columns: &'r [Option<usize>; FIELD_COUNT],
    line: u64,
    record: Row<'r>,
    /// Per field, the money unit its header declares (`余额（万元）`), found once per file.
    money_units: &'r [Option<&'static str>; FIELD_COUNT],
    currency: Currency,
    date_style: DateStyle,
    issues: Vec<ImportIssue>,
    /// Optional cells that did not read: reported, the row kept without them.
    warnings: Vec<ImportIssue>,
    /// The mapping fixes no field and assigns no value: cells read as they are.
    plain: bool,
}

impl<'r> RowReader<'r> {
    /// An optional, descriptive cell (a birth date, an income, a rating): when `read` finds
    /// it wrong the field is left missing and the problem becomes a cell warning, so one bad
    /// optional value never costs the row (nor, for a customer, every row that refers to it).
    fn optional<T>(&mut self, read: impl FnOnce(&mut Self) -> Option<T>) -> Option<T> {
        let before = self.issues.len();
        let value = read(self);
        if self.issues.len() == before {
            return value;
        }
        let demoted: Vec<ImportIssue> = self
            .issues
            .drain(before..)
            .map(|issue| ImportIssue {
                warning: true,
                ..issue
            })
            .collect();
        self.warnings.extend(demoted);
        None
    }

    /// Reports a cell warning on `field`: the row is kept.
    fn warn(&mut self, field: Field, reason: IssueReason) {
        self.optional(|r| {
            r.fail(field, reason);
            None::<()>
        });
    }

    #[inline]
    fn text(&self, field: Field) -> &'r str {
        // ASCII trimming is a byte scan; full-width spaces are handled by the value parsers.
        let raw = self.columns[field as usize]
            .and_then(|column| self.record.get(column))
            .unwrap_or("")
            .trim_ascii();
        // Most files map columns only: the lookup of fixed and assigned values stays out of
        // the loop that every cell of a large file goes through.
        if self.plain {
            raw
        } else {
            self.mapped_text(field, raw)
        }
    }

    /// `raw` as the mapping reads it: a field's fixed value, or a value assigned to it.
    #[cold]
    #[inline(never)]
    fn mapped_text(&self, field: Field, raw: &'r str) -> &'r str {
        let mapping: &'r Mapping = &self.file.mapping;
        let raw = match (self.columns[field as usize], mapping.fixed(field)) {
            (None, Some(fixed)) => fixed,
            _ => raw,
        };
        mapping.value(field, raw)
    }

    fn fail(&mut self, field: Field, reason: IssueReason) {
        let column = self.columns[field as usize];
        self.issues.push(ImportIssue {
            file: self.file.file_name.clone(),
            line: self.line,
            column: column.and_then(|c| self.file.sheet.headers.get(c).cloned()),
            value: self.text(field).to_owned(),
            reason,
            warning: false,
        });
    }

    fn value<T>(
        &mut self,
        field: Field,
        parse: impl Fn(&str) -> Result<Option<T>, ValueError>,
    ) -> Option<T> {
        match parse(self.text(field)) {
            Ok(value) => value,
            Err(error) => {
                self.fail(field, IssueReason::BadValue(error));
                None
            }
        }
    }

    fn required<T>(
        &mut self,
        field: Field,
        parse: impl Fn(&str) -> Result<Option<T>, ValueError>,
    ) -> Option<T> {
        let before = self.issues.len();
        let value = self.value(field, parse);
        if value.is_none() && self.issues.len() == before {
            self.fail(field, IssueReason::MissingValue);
        }
        value
    }

    /// A money cell, scaled by a unit the header declares (`余额（万元）`) unless the cell
    /// carries its own.
    fn money(&mut self, field: Field, required: bool) -> Option<i64> {
        let unit = self.money_units[field as usize];
        let currency = self.currency;
        let parse = move |text: &str| match unit {
            Some(unit) if !text.is_empty() && text != "-" && !text.ends_with(['万', '亿']) => {
                parse_money_in(&format!("{text}{unit}"), currency)
            }
            _ => parse_money_in(text, currency),
        };
        if required {
            self.required(field, parse)
        } else {
            self.value(field, parse)
        }
    }

    /// The row's holder: its customer id, or, in a file keyed by account, its account.
    fn holder(&mut self) -> Option<Holder<'r>> {
        if self.columns[Field::CustomerId as usize].is_none()
            && self.columns[Field::AccountId as usize].is_some()
        {
            self.required_text(Field::AccountId).map(Holder::Account)
        } else {
            self.required_text(Field::CustomerId).map(Holder::Customer)
        }
    }

    fn required_text(&mut self, field: Field) -> Option<&'r str> {
        let text = self.text(field);
        if text.is_empty() {
            self.fail(field, IssueReason::MissingValue);
            None
        } else {
            Some(text)
        }
    }

    fn date(&mut self, field: Field, today: Day, required: bool) -> Option<Day> {
        let style = self.date_style;
        let day = if required {
            self.required(field, |t| parse_date(t, style))
        } else {
            self.value(field, |t| parse_date(t, style))
        };
        if day.is_some_and(|d| d > today) {
            self.fail(field, IssueReason::FutureDate);
        }
        day
    }
}

/// Whom a row belongs to: a customer by id, or the holder of an account.
#[derive(Clone, Copy)]
enum Holder<'r> {
    Customer(&'r str),
    Account(&'r str),
}

impl Holder<'_> {
    /// Reports that no customer (or no account with a holder) answers to this.
    fn report_unknown(self, row: &mut RowReader<'_>) {
        match self {
            Holder::Customer(_) => row.fail(Field::CustomerId, IssueReason::UnknownCustomer),
            Holder::Account(_) => row.fail(Field::AccountId, IssueReason::UnknownAccount),
        }
    }
}

/// Whether `field`'s reader knows `text` as exported, without a value map: a direction,
/// gender, risk level or product family it can read (a role: an owner's word; any other role
/// reads as "not the owner"; a channel or category: a canonical key or a word that stands for
/// one — any other is kept as written).
pub fn known_value(field: Field, text: &str) -> bool {
    match field {
        Field::Direction => matches!(parse_direction(text), Ok(Some(_))),
        Field::Gender => parse_gender(text).is_ok(),
        Field::RiskLevel | Field::ProductRiskLevel => parse_risk_level(text).is_ok(),
        Field::ProductType => ProductType::from_known_name(text).is_some(),
        Field::Role => is_owner_role(text),
        Field::Channel | Field::Category => {
            super::mapping::known_word(field, text).is_some()
                || canonical_values(field).iter().any(|&(key, _)| key == text)
        }
        _ => true,
    }
}

/// Whether a link's role attributes the account to its customer: an owner (`owner`, `户主`,
/// `本人` …), or a link that states no role. Another role counts once the value map assigns it
/// to `owner`.
fn is_owner_role(role: &str) -> bool {
    const OWNER: [&str; 11] = [
        "",
        "owner",
        "primary",
        "holder",
        "main",
        "户主",
        "主",
        "本人",
        "所有人",
        "持有人",
        "主卡",
    ];
    OWNER
        .iter()
        .any(|word| word.eq_ignore_ascii_case(role.trim()))
}

/// A file's mapping, prepared once for all its rows.
struct MappedFile<'r> {
    file: &'r FileInput<'r>,
    today: Day,
    /// The dataset's currency: a money cell that names another is refused.
    currency: Currency,
    width: usize,
    date_style: DateStyle,
    /// The mapping as a lookup table by field.
    columns: [Option<usize>; FIELD_COUNT],
    /// Per field, the money unit its header declares (`余额（万元）`).
    money_units: [Option<&'static str>; FIELD_COUNT],
    /// Per kept customer attribute, this file's column of the same name.
    attribute_columns: Vec<Option<usize>>,
    /// For a customers file, its place in `Staged::customer_files`.
    customer_file: u32,
    /// For a customers file, its balance columns: each a product family's holding.
    balances: Vec<(Field, ProductType)>,
    /// The mapping fixes no field and assigns no value: cells read as they are.
    plain: bool,
}

/// Staged tables: managers are still named by id until every manager is known.
#[derive(Default)]
struct Staged {
    customers: Customers,
    /// Customer id → row of `customers`. Customers files are read before any other, so every
    /// later row finds its customer here as it is read.
    customer_ids: Dictionary,
    /// Per customer row, the line it was read from ([`HELD`] for the dataset appended to).
    customer_lines: Vec<u64>,
    /// Per customer row, which of `customer_files` it came from.
    customer_file: Vec<u32>,
    /// The customers files' names, in the order first met.
    customer_files: Vec<String>,
    customer_rm: CodedColumn,
    customer_has_rm: Vec<bool>,
    managers: RelationshipManagers,
    /// The ids of `managers`, so a large managers file finds its duplicates in one lookup a
    /// row rather than a scan.
    manager_ids: Dictionary,
    holdings: Holdings,
    transactions: Transactions,
    transaction_ids: TransactionIds,
    interactions: Interactions,
    interaction_rm: Vec<Option<String>>,
    feedback: Feedback,
    /// Account id → the row of its holder: the owner its links name, or the customer the
    /// accounts file gives. Files keyed by account find their customer here.
    account_holders: FxHashMap<String, u32>,
}

/// Finds repeated transaction ids without a copy of every id.
///
/// Core systems number transactions in order: while every id sorts after the one before, none
/// can repeat and nothing needs indexing. The first id out of order builds a hash index of the
/// ids so far (hash → row), which answers from then on.
#[derive(Default)]
struct TransactionIds {
    /// The row of the latest non-empty id, while the ids are still ascending.
    latest: Option<u32>,
    out_of_order: bool,
    index: FxHashMap<u64, u32>,
}

impl TransactionIds {
    /// Whether `txn_id` is among `ids[..row_if_new]`; when not, remembers it at `row_if_new`
    /// if `remember` (the row will be stored there).
    fn seen(&mut self, ids: &TextColumn, txn_id: &str, row_if_new: u32, remember: bool) -> bool {
        if !self.out_of_order {
            match self.latest {
                Some(latest) if ids.get(latest as usize) >= txn_id => {
                    self.out_of_order = true;
                    for row in 0..row_if_new {
                        let id = ids.get(row as usize);
                        if !id.is_empty() {
                            self.insert(ids, id, row);
                        }
                    }
                }
                _ => {
                    if remember {
                        self.latest = Some(row_if_new);
                    }
                    return false;
                }
            }
        }
        if remember {
            !self.insert(ids, txn_id, row_if_new)
        } else {
            self.slot(ids, txn_id).is_err()
        }
    }

    /// `Err` with the row of `txn_id` when it is indexed, else `Ok` with the free hash slot it
    /// would take. Equal hashes are confirmed against the stored id; a true collision probes
    /// the next slot.
    fn slot(&self, ids: &TextColumn, txn_id: &str) -> Result<u64, u32> {
        let mut hash = {
            use std::hash::{BuildHasher, Hasher};
            let mut hasher = rustc_hash::FxBuildHasher.build_hasher();
            hasher.write(txn_id.as_bytes());
            hasher.finish()
        };
        loop {
            match self.index.get(&hash) {
                Some(&held) if ids.get(held as usize) == txn_id => return Err(held),
                Some(_) => hash = hash.wrapping_add(1),
                None => return Ok(hash),
            }
        }
    }

    /// Adds `txn_id` at `row` unless present; whether it was added.
    fn insert(&mut self, ids: &TextColumn, txn_id: &str, row: u32) -> bool {
        match self.slot(ids, txn_id) {
            Ok(hash) => {
                self.index.insert(hash, row);
                true
            }
            Err(_) => false,
        }
    }
}

/// The "line" of rows that come from the dataset being appended to.
const HELD: u64 = 0;
impl Staged {
    /// Staged tables that start as `base`, for an incremental import.
    fn from_base(base: &Dataset, replace_holdings: bool) -> Staged {
        let mut staged = Staged::default();
        let managers = base.relationship_managers();
        staged.customers = Customers {
            relationship_manager_idx: Vec::new(),
            ..base.customers().clone()
        };
        for (row, id) in base.customers().customer_id.iter().enumerate() {
            staged.customer_ids.code_for(id);
            staged.customer_lines.push(HELD);
            staged.customer_file.push(u32::MAX);
            let rm = base.customers().relationship_manager_idx[row];
            let has_rm = rm != NO_RELATIONSHIP_MANAGER;
            staged.customer_rm.push(if has_rm {
                managers.rm_id.get(rm as usize)
            } else {
                ""
            });
            staged.customer_has_rm.push(has_rm);
        }
        staged.managers = managers.clone();
        for id in managers.rm_id.iter() {
            staged.manager_ids.code_for(id);
        }
        // The held rows' customers keep their rows: new customers come after them.
        if !replace_holdings {
            staged.holdings = base.holdings().clone();
        }
        staged.transactions = base.transactions().clone();
        for row in 0..staged.transactions.len() {
            let id = staged.transactions.txn_id.get(row);
            if !id.is_empty() {
                // Registers the held id; the held rows were deduplicated when first imported.
                let _ =
                    staged
                        .transaction_ids
                        .seen(&staged.transactions.txn_id, id, row as u32, true);
            }
        }
        let i = base.interactions();
        staged.interactions = Interactions {
            relationship_manager_idx: Vec::new(),
            ..i.clone()
        };
        for &rm in &i.relationship_manager_idx {
            staged.interaction_rm.push(
                (rm != NO_RELATIONSHIP_MANAGER).then(|| managers.rm_id.get(rm as usize).to_owned()),
            );
        }
        staged.feedback = base.feedback().clone();
        staged
    }

    /// Prepares for a file's rows: its mapping as lookup tables, its attribute columns, room
    /// for its rows.
    fn begin_file<'r>(
        &mut self,
        file: &'r FileInput<'r>,
        today: Day,
        currency: Currency,
    ) -> MappedFile<'r> {
        let width = file.sheet.headers.len();
        let mut date_style = file.date_style;
        if date_style.order == DayMonthOrder::Unknown {
            date_style.order = infer_order(file);
        }
        let mut columns = [None; FIELD_COUNT];
        let mut money_units = [None; FIELD_COUNT];
        for &(field, column) in &file.mapping.columns {
            columns[field as usize] = Some(column);
            money_units[field as usize] = file
                .sheet
                .headers
                .get(column)
                .and_then(|header| declared_money_unit(header));
        }
        let attribute_columns: Vec<usize> = (0..width)
            .filter(|c| !file.mapping.columns.iter().any(|&(_, mapped)| mapped == *c))
            .collect();
        // Looked up by name, not searched: a wide sheet (a balance per month and product, or a
        // damaged one of 30,000 columns) would otherwise compare every pair of columns.
        let column_named: HashMap<&str, usize> = attribute_columns
            .iter()
            .rev()
            .map(|&c| (file.sheet.headers[c].as_str(), c))
            .collect();
        if file.entity == Entity::Customers {
            // Every customers file's own columns are kept: a second file's extra column is a
            // new attribute, blank for the customers read before it.
            let mut kept: std::collections::HashSet<String> = self
                .customers
                .attributes
                .iter()
                .map(|a| a.name.clone())
                .collect();
            for &c in &attribute_columns {
                let name = &file.sheet.headers[c];
                if !kept.insert(name.clone()) {
                    continue;
                }
                let mut values = CodedColumn::new();
                values.reserve(self.customers.len());
                for _ in 0..self.customers.len() {
                    values.push("");
                }
                self.customers.attributes.push(Attribute {
                    name: name.clone(),
                    values,
                });
            }
        }
        // Each kept attribute takes this file's column of the same name, if it has one.
        let attribute_columns: Vec<Option<usize>> = self
            .customers
            .attributes
            .iter()
            .map(|a| column_named.get(a.name.as_str()).copied())
            .collect();
        // A customers file is named once here, not looked up for each of its rows.
        let customer_file = if file.entity == Entity::Customers {
            self.customer_files.push(file.file_name.clone());
            (self.customer_files.len() - 1) as u32
        } else {
            u32::MAX
        };
        self.reserve(file.entity, file.sheet.row_estimate());
        if file.entity == Entity::Transactions {
            // Transaction ids are the one unique text of a large file: its bytes are sized from
            // the first rows too, as doubling would touch up to three times them.
            if let Some(column) = columns[Field::TxnId as usize] {
                let sample = file.sheet.preview(64);
                let bytes: usize = sample
                    .iter()
                    .map(|(_, cells)| cells.get(column).map_or(0, |c| c.trim_ascii().len()))
                    .sum();
                let per_row = bytes.div_ceil(sample.len().max(1));
                let rows = file.sheet.row_estimate();
                self.transactions
                    .txn_id
                    .reserve_bytes((rows + rows / 8) * per_row);
            }
        }
        MappedFile {
            file,
            today,
            currency,
            width,
            date_style,
            columns,
            money_units,
            attribute_columns,
            customer_file,
            balances: file
                .mapping
                .columns
                .iter()
                .filter(|_| file.entity == Entity::Customers)
                .filter_map(|&(field, _)| Some((field, field.product_balance()?)))
                .collect(),
            plain: file.mapping.values.is_empty()
                && file.mapping.fixed.is_empty()
                && file.mapping.kept_values.is_empty(),
        }
    }

    /// Stages one row of a mapped file, or reports why not.
    #[inline]
    fn take_row(
        &mut self,
        mapped: &MappedFile<'_>,
        summary: &mut FileSummary,
        issues: &mut Vec<ImportIssue>,
        line: u64,
        record: Row<'_>,
    ) {
        let file = mapped.file;
        let width = mapped.width;
        let today = mapped.today;
        if let Some(start) = record.overlong_start() {
            summary.rejected += 1;
            issues.push(ImportIssue {
                file: file.file_name.clone(),
                line,
                column: None,
                value: start.to_owned(),
                reason: IssueReason::RowTooLong,
                warning: false,
            });
            return;
        }
        if record.len() != width {
            summary.rejected += 1;
            // A field that swallowed line breaks up to the end of the file is an unclosed quote.
            let unclosed = record
                .iter()
                .next_back()
                .is_some_and(|cell| cell.contains('\n'));
            let value: String = record.iter().collect::<Vec<_>>().join(",");
            issues.push(ImportIssue {
                file: file.file_name.clone(),
                line,
                column: None,
                value: value.chars().take(200).collect(),
                reason: if unclosed {
                    IssueReason::UnclosedQuote
                } else {
                    IssueReason::RaggedRow {
                        found: record.len(),
                        expected: width,
                    }
                },
                warning: false,
            });
            return;
        }
        if record.in_other_encoding() {
            let column = record.iter().position(|cell| !cell.is_ascii()).unwrap_or(0);
            summary.rejected += 1;
            issues.push(ImportIssue {
                file: file.file_name.clone(),
                line,
                column: file.sheet.headers.get(column).cloned(),
                value: record.get(column).unwrap_or("").chars().take(200).collect(),
                reason: IssueReason::OtherEncoding {
                    found: TextEncoding::Utf8,
                    file: TextEncoding::Gb18030,
                },
                warning: false,
            });
            return;
        }
        if record.may_hold_replacements() {
            if let Some(column) = record.iter().position(|cell| cell.contains('\u{FFFD}')) {
                summary.rejected += 1;
                issues.push(ImportIssue {
                    file: file.file_name.clone(),
                    line,
                    column: file.sheet.headers.get(column).cloned(),
                    value: record.get(column).unwrap_or("").to_owned(),
                    reason: IssueReason::UndecodableCharacters(
                        record.iter().map(|c| c.matches('\u{FFFD}').count()).sum(),
                    ),
                    warning: false,
                });
                return;
            }
        }
        let mut row = RowReader {
            file,
            columns: &mapped.columns,
            money_units: &mapped.money_units,
            currency: mapped.currency,
            line,
            record,
            date_style: mapped.date_style,
            issues: Vec::new(),
            warnings: Vec::new(),
            plain: mapped.plain,
        };
        let outcome = match file.entity {
            Entity::Customers => self.customer_row(&mut row, today, mapped),
            Entity::RelationshipManagers => self.manager_row(&mut row),
            Entity::Holdings => self.holding_row(&mut row, today),
            Entity::Transactions => self.transaction_row(&mut row, today),
            Entity::Interactions => self.interaction_row(&mut row, today),
            Entity::Feedback => self.feedback_row(&mut row, today),
            Entity::AccountLinks => self.link_row(&mut row),
            Entity::Accounts => self.account_row(&mut row, today),
        };
        match outcome {
            RowOutcome::Accepted => summary.accepted += 1,
            RowOutcome::Rejected => summary.rejected += 1,
            RowOutcome::Deduplicated => summary.deduplicated += 1,
        }
        summary.warnings += row.warnings.len();
        issues.append(&mut row.issues);
        issues.append(&mut row.warnings);
    }

    /// Makes room for a file's rows up front: growing columns by doubling would hold up to
    /// three times a column's size at the moment it moves, and the import's memory is that peak.
    fn reserve(&mut self, entity: Entity, estimate: usize) {
        // The estimate scales the first megabyte's lines; a little over is cheaper than a move.
        let rows = estimate + estimate / 64;
        match entity {
            Entity::Customers => {
                reserve_rows(&mut self.customers, rows);
                self.customer_rm.reserve(rows);
                self.customer_has_rm.reserve(rows);
            }
            Entity::Holdings | Entity::Accounts => reserve_rows(&mut self.holdings, rows),
            Entity::Transactions => reserve_rows(&mut self.transactions, rows),
            Entity::RelationshipManagers
            | Entity::Interactions
            | Entity::Feedback
            | Entity::AccountLinks => {}
        }
    }

    fn customer_row(
        &mut self,
        row: &mut RowReader<'_>,
        today: Day,
        mapped: &MappedFile<'_>,
    ) -> RowOutcome {
        let generated: String;
        let id = if row.file.mapping.column(Field::CustomerId).is_some() {
            row.required_text(Field::CustomerId)
        } else {
            // Exports without an id (survey or marketing lists) get one per row, in file order.
            generated = format!("U{:08}", self.customers.len() + 1);
            Some(generated.as_str())
        };
        let gender = row.optional(|r| r.value(Field::Gender, parse_gender));
        let birth_date = row.optional(|r| r.date(Field::BirthDate, today, false));
        let income = row.optional(|r| {
            let currency = r.currency;
            let income = r.value(Field::AnnualIncome, |t| parse_income_in(t, currency));
            if income.is_some_and(|(fen, _)| fen < 0) {
                r.fail(Field::AnnualIncome, IssueReason::NegativeAmount);
            }
            income
        });
        let age = row.optional(|r| r.value(Field::Age, parse_age));
        // A wide snapshot's balance columns, each a holding of its product family.
        let balances: Vec<(ProductType, Option<i64>)> = mapped
            .balances
            .iter()
            .map(|&(field, product)| (product, row.optional(|r| r.money(field, false))))
            .collect();
        let risk = row.optional(|r| r.value(Field::RiskLevel, parse_risk_level));
        let open_date = row.optional(|r| r.date(Field::OpenDate, today, false));
        let Some(id) = id else {
            return RowOutcome::Rejected;
        };
        if !row.issues.is_empty() {
            return RowOutcome::Rejected;
        }
        if let Some(existing) = self.customer_ids.find(id) {
            let first_line = self.customer_lines[existing as usize];
            let first_file = self
                .customer_files
                .get(self.customer_file[existing as usize] as usize)
                .cloned()
                .unwrap_or_default();
            if first_line == HELD {
                row.fail(Field::CustomerId, IssueReason::CustomerAlreadyHeld);
                return RowOutcome::Deduplicated;
            }
            row.fail(
                Field::CustomerId,
                IssueReason::DuplicateCustomer {
                    first_line,
                    first_file,
                },
            );
            return RowOutcome::Rejected;
        }
        self.customer_ids.code_for(id);
        self.customer_lines.push(row.line);
        self.customer_file.push(mapped.customer_file);
        let c = &mut self.customers;
        c.customer_id.push(id);
        c.name.push(row.text(Field::Name));
        c.gender.push(gender.unwrap_or(Gender::Unknown));
        c.birth_date.push(birth_date.unwrap_or(Day::MISSING));
        c.city.push(row.text(Field::City));
        c.occupation.push(row.text(Field::Occupation));
        c.annual_income_fen.push(income.map_or(0, |(fen, _)| fen));
        c.income_band.push(income.is_some_and(|(_, band)| band));
        c.age.push(age.unwrap_or(0));
        c.risk_level.push(risk.unwrap_or(0));
        c.open_date.push(open_date.unwrap_or(Day::MISSING));
        let rm = row.text(Field::RmId);
        self.customer_rm.push(rm);
        self.customer_has_rm.push(!rm.is_empty());
        for (attribute, &column) in c.attributes.iter_mut().zip(&mapped.attribute_columns) {
            let value = match column {
                Some(column) => {
                    let value = row.record.get(column).unwrap_or("").trim();
                    if mapped.plain {
                        value
                    } else {
                        row.file.mapping.kept_value(column, value)
                    }
                }
                None => "",
            };
            attribute.values.push(value);
        }
        let customer = (c.len() - 1) as u32;
        for (product, balance) in balances {
            // A zero balance is no holding: the product is not held.
            let Some(balance) = balance.filter(|&b| b != 0) else {
                continue;
            };
            let h = &mut self.holdings;
            h.customer_idx.push(customer);
            h.product_type.push(product);
            h.product_code.push("");
            // A liability may be written negative; an asset's sign stands (an overdrawn
            // account lowers the customer's AUM).
            h.balance_fen.push(if product.is_liability() {
                balance.abs()
            } else {
                balance
            });
            h.as_of.push(Day::MISSING);
            h.risk_level.push(0);
            h.maturity_date.push(Day::MISSING);
        }
        RowOutcome::Accepted
    }

    fn manager_row(&mut self, row: &mut RowReader<'_>) -> RowOutcome {
        let Some(id) = row.required_text(Field::RmId) else {
            return RowOutcome::Rejected;
        };
        if self.manager_ids.find(id).is_some() {
            // A second row for the same manager adds nothing; the first one stands.
            return RowOutcome::Deduplicated;
        }
        self.manager_ids.code_for(id);
        self.managers.rm_id.push(id);
        self.managers.name.push(row.text(Field::Name));
        self.managers.branch.push(row.text(Field::Branch));
        RowOutcome::Accepted
    }

    fn holding_row(&mut self, row: &mut RowReader<'_>, today: Day) -> RowOutcome {
        let holder = row.holder();
        let product = row.required_text(Field::ProductType);
        let balance = row.money(Field::Balance, true);
        let as_of = row.optional(|r| r.date(Field::AsOf, today, false));
        let risk = row.optional(|r| r.value(Field::ProductRiskLevel, parse_risk_level));
        // A maturity lies ahead of the data's date as often as behind it.
        let style = row.date_style;
        let maturity = row.optional(|r| r.value(Field::MaturityDate, |t| parse_date(t, style)));
        // One lookup a row: an unknown code is kept as other assets, and said — silently
        // counted as an asset it would move the customer's AUM and tier.
        let product_type = product.map(ProductType::from_known_name);
        if product_type.is_some_and(|known| known.is_none()) {
            row.warn(
                Field::ProductType,
                IssueReason::BadValue(ValueError::UnknownProduct),
            );
        }
        let (Some(holder), Some(product), Some(balance)) = (holder, product_type, balance) else {
            return RowOutcome::Rejected;
        };
        if !row.issues.is_empty() {
            return RowOutcome::Rejected;
        }
        let Some(customer) = self.known_holder(row, holder) else {
            return RowOutcome::Rejected;
        };
        let h = &mut self.holdings;
        h.customer_idx.push(customer);
        h.product_type.push(product.unwrap_or(ProductType::Other));
        // Keyed by account and with no product code: the account is the product held.
        h.product_code
            .push(match (row.text(Field::ProductCode), holder) {
                ("", Holder::Account(account)) => account,
                (code, _) => code,
            });
        h.balance_fen.push(balance);
        h.as_of.push(as_of.unwrap_or(Day::MISSING));
        h.risk_level.push(risk.unwrap_or(0));
        h.maturity_date.push(maturity.unwrap_or(Day::MISSING));
        RowOutcome::Accepted
    }

    fn transaction_row(&mut self, row: &mut RowReader<'_>, today: Day) -> RowOutcome {
        let mapping = &row.file.mapping;
        let split = mapping.column(Field::Amount).is_none();
        let has_direction = mapping.column(Field::Direction).is_some();
        let holder = row.holder();
        let date = row.date(Field::TxnDate, today, true);
        let signed = if split {
            let before = row.issues.len();
            let debit = row.money(Field::DebitAmount, false).filter(|&v| v != 0);
            let credit = row.money(Field::CreditAmount, false).filter(|&v| v != 0);
            match (debit, credit) {
                (Some(out), None) => Some((out.abs(), Direction::Out)),
                (None, Some(inflow)) => Some((inflow.abs(), Direction::In)),
                // A cell that did not parse is already reported; do not blame the pair too.
                _ if row.issues.len() > before => None,
                _ => {
                    row.fail(Field::DebitAmount, IssueReason::DebitCreditConflict);
                    None
                }
            }
        } else {
            let amount = row.money(Field::Amount, true);
            let direction = if has_direction {
                row.required(Field::Direction, parse_direction)
            } else {
                None
            };
            match (amount, direction) {
                (Some(a), Some(_)) if a < 0 => {
                    row.fail(Field::Amount, IssueReason::NegativeAmountWithDirection);
                    None
                }
                (Some(a), Some(d)) => Some((a, d)),
                (Some(a), None) if !has_direction => {
                    Some((a.abs(), if a < 0 { Direction::Out } else { Direction::In }))
                }
                _ => None,
            }
        };
        let (Some(holder), Some(date), Some((amount, direction))) = (holder, date, signed) else {
            return RowOutcome::Rejected;
        };
        if !row.issues.is_empty() {
            return RowOutcome::Rejected;
        }
        let known = self.holder_row(holder);
        let txn_id = row.text(Field::TxnId);
        // Only stored rows count as seen: a row refused for its customer repeats nothing.
        if !txn_id.is_empty() && self.is_duplicate_transaction(txn_id, known.is_some()) {
            row.fail(Field::TxnId, IssueReason::DuplicateTransaction);
            return RowOutcome::Deduplicated;
        }
        let Some(customer) = known else {
            holder.report_unknown(row);
            return RowOutcome::Rejected;
        };
        let t = &mut self.transactions;
        t.customer_idx.push(customer);
        t.txn_id.push(txn_id);
        t.txn_date.push(date);
        t.amount_fen.push(amount);
        t.direction.push(direction);
        t.channel.push(row.text(Field::Channel));
        t.category.push(row.text(Field::Category));
        RowOutcome::Accepted
    }

    /// Whether a transaction with this id is already staged; when not, remembers it if
    /// `stored` (the row is about to be).
    fn is_duplicate_transaction(&mut self, txn_id: &str, stored: bool) -> bool {
        let next_row = self.transactions.txn_id.len() as u32;
        self.transaction_ids
            .seen(&self.transactions.txn_id, txn_id, next_row, stored)
    }

    /// The customer row a holder names, if known.
    fn holder_row(&self, holder: Holder<'_>) -> Option<u32> {
        match holder {
            Holder::Customer(id) => self.customer_ids.find(id),
            Holder::Account(account) => self.account_holders.get(account).copied(),
        }
    }

    /// [`Staged::holder_row`]; `None`, reported, when unknown.
    fn known_holder(&self, row: &mut RowReader<'_>, holder: Holder<'_>) -> Option<u32> {
        let found = self.holder_row(holder);
        if found.is_none() {
            holder.report_unknown(row);
        }
        found
    }

    /// An account-holder link: an owner's link attributes the account to its customer; a
    /// link of another role (an authorised user) attributes nothing, and says so.
    fn link_row(&mut self, row: &mut RowReader<'_>) -> RowOutcome {
        let account = row.required_text(Field::AccountId);
        let customer = row.required_text(Field::CustomerId);
        let (Some(account), Some(customer)) = (account, customer) else {
            return RowOutcome::Rejected;
        };
        let Some(customer) = self.known_customer(row, customer) else {
            return RowOutcome::Rejected;
        };
        if !is_owner_role(row.text(Field::Role)) {
            row.warn(Field::Role, IssueReason::NotOwner);
            return RowOutcome::Accepted;
        }
        if self.account_holders.contains_key(account) {
            // A second owner (a joint account): the first one named holds it.
            row.warn(Field::AccountId, IssueReason::SecondOwner);
            return RowOutcome::Accepted;
        }
        self.account_holders.insert(account.to_owned(), customer);
        RowOutcome::Accepted
    }

    /// An account: its holder from its own customer column or its owner's link; with a
    /// balance, a holding (the account id as its product code).
    fn account_row(&mut self, row: &mut RowReader<'_>, today: Day) -> RowOutcome {
        let account = row.required_text(Field::AccountId);
        let customer = row.text(Field::CustomerId);
        let balance = row.optional(|r| r.money(Field::Balance, false));
        let as_of = row.optional(|r| r.date(Field::AsOf, today, false));
        let product = row.text(Field::ProductType);
        let product_type = ProductType::from_known_name(product);
        if !product.is_empty() && product_type.is_none() {
            row.warn(
                Field::ProductType,
                IssueReason::BadValue(ValueError::UnknownProduct),
            );
        }
        let Some(account) = account else {
            return RowOutcome::Rejected;
        };
        let holder = if customer.is_empty() {
            Holder::Account(account)
        } else {
            Holder::Customer(customer)
        };
        let Some(customer) = self.known_holder(row, holder) else {
            return RowOutcome::Rejected;
        };
        self.account_holders
            .entry(account.to_owned())
            .or_insert(customer);
        if let Some(balance) = balance.filter(|&b| b != 0) {
            let h = &mut self.holdings;
            h.customer_idx.push(customer);
            h.product_type
                .push(product_type.unwrap_or(ProductType::Other));
            h.product_code.push(account);
            h.balance_fen.push(balance);
            h.as_of.push(as_of.unwrap_or(Day::MISSING));
            h.risk_level.push(0);
            h.maturity_date.push(Day::MISSING);
        }
        RowOutcome::Accepted
    }

    /// The row of customer `id`; `None`, reported, when no customer has that id.
    fn known_customer(&self, row: &mut RowReader<'_>, id: &str) -> Option<u32> {
        let found = self.customer_ids.find(id);
        if found.is_none() {
            row.fail(Field::CustomerId, IssueReason::UnknownCustomer);
        }
        found
    }

    fn interaction_row(&mut self, row: &mut RowReader<'_>, today: Day) -> RowOutcome {
        let customer = row.required_text(Field::CustomerId);
        let date = row.date(Field::Date, today, true);
        let (Some(customer), Some(date)) = (customer, date) else {
            return RowOutcome::Rejected;
        };
        if !row.issues.is_empty() {
            return RowOutcome::Rejected;
        }
        let Some(customer) = self.known_customer(row, customer) else {
            return RowOutcome::Rejected;
        };
        let i = &mut self.interactions;
        i.customer_idx.push(customer);
        i.date.push(date);
        i.kind.push(row.text(Field::InteractionKind));
        i.note.push(row.text(Field::Note));
        let rm = row.text(Field::RmId);
        self.interaction_rm
            .push((!rm.is_empty()).then(|| rm.to_owned()));
        RowOutcome::Accepted
    }

    fn feedback_row(&mut self, row: &mut RowReader<'_>, today: Day) -> RowOutcome {
        let customer = row.required_text(Field::CustomerId);
        let date = row.optional(|r| r.date(Field::Date, today, false));
        let score = row.required(Field::Score, |t| {
            t.parse::<u8>()
                .map(Some)
                .map_err(|_| ValueError::NotANumber)
        });
        if score.is_some_and(|s| s > 10) {
            row.fail(Field::Score, IssueReason::ScoreOutOfRange);
        }
        let (Some(customer), Some(score)) = (customer, score) else {
            return RowOutcome::Rejected;
        };
        if !row.issues.is_empty() {
            return RowOutcome::Rejected;
        }
        let Some(customer) = self.known_customer(row, customer) else {
            return RowOutcome::Rejected;
        };
        let f = &mut self.feedback;
        f.customer_idx.push(customer);
        f.date.push(date.unwrap_or(Day::MISSING));
        f.score.push(score);
        f.comment.push(row.text(Field::Comment));
        RowOutcome::Accepted
    }

    /// Resolves references, drops rows that point nowhere, and checks the whole.
    fn assemble(mut self, report: &mut ImportReport) -> Dataset {
        // Managers named by customers or interactions but missing from a manager file are
        // created with just their id, so no assignment is lost.
        let mut manager_index: HashMap<String, u32> = self
            .managers
            .rm_id
            .iter()
            .enumerate()
            .map(|(i, id)| (id.to_owned(), i as u32))
            .collect();
        let mut manager_of = |id: &str, managers: &mut RelationshipManagers| -> u32 {
            if let Some(&i) = manager_index.get(id) {
                return i;
            }
            let i = managers.len() as u32;
            managers.rm_id.push(id);
            managers.name.push("");
            managers.branch.push("");
            manager_index.insert(id.to_owned(), i);
            i
        };
        for row in 0..self.customers.len() {
            let index = if self.customer_has_rm[row] {
                manager_of(self.customer_rm.get(row), &mut self.managers)
            } else {
                NO_RELATIONSHIP_MANAGER
            };
            self.customers.relationship_manager_idx.push(index);
        }
        for rm in &self.interaction_rm {
            let index = match rm {
                Some(id) => manager_of(id, &mut self.managers),
                None => NO_RELATIONSHIP_MANAGER,
            };
            self.interactions.relationship_manager_idx.push(index);
        }

        report
            .issues
            .sort_by(|a, b| (&a.file, a.line).cmp(&(&b.file, b.line)));
        // Every column above was filled in step and every index resolved, so the check holds;
        // should it ever not, the report says so and nothing partial is handed on.
        checked_dataset(
            Tables {
                customers: self.customers,
                holdings: self.holdings,
                transactions: self.transactions,
                relationship_managers: self.managers,
                interactions: self.interactions,
                feedback: self.feedback,
            },
            report,
        )
    }
}

/// The dataset of `tables`; should they not fit together, the report says so and the dataset
/// is empty, so nothing partial is handed on.
pub(super) fn checked_dataset(tables: Tables, report: &mut ImportReport) -> Dataset {
    match Dataset::new(tables) {
        Ok(dataset) => dataset,
        Err(error) => {
            report.issues.push(ImportIssue {
                file: String::new(),
                line: 0,
                column: None,
                value: String::new(),
                reason: IssueReason::Unreadable(error.to_string()),
                warning: false,
            });
            Dataset::default()
        }
    }
}

enum RowOutcome {
    Accepted,
    Rejected,
    Deduplicated,
}

/// Whether a transactions file gives amounts without a direction: no direction column, no
/// debit/credit pair, and not one negative amount among its first thousand rows. Taking such
/// amounts as inflows would make every flow figure wrong, so the file needs a direction.
pub(super) fn amounts_unsigned(file: &FileInput<'_>) -> bool {
    let mapping = &file.mapping;
    let Some(column) = mapping.column(Field::Amount) else {
        return false;
    };
    if mapping.column(Field::Direction).is_some() {
        return false;
    }
    let mut amounts = file
        .sheet
        .preview(1000)
        .into_iter()
        .filter_map(|(_, cells)| parse_money(cells.get(column)?).ok().flatten())
        .peekable();
    amounts.peek().is_some() && amounts.all(|fen| fen >= 0)
}

/// The currencies a sheet's cells name by sign, code or name (`$1,200`, `HK$`, `12 EUR`,
/// `$60K - $80K`), with how many cells name each, over its first thousand rows, most named
/// first: the evidence for the dataset's currency.
pub fn currencies_named(sheet: &Sheet) -> Vec<(Currency, usize)> {
    let mut named = Vec::new();
    for (_, cells) in sheet.preview(1000) {
        for currency in cells.iter().filter_map(|cell| currency_named(cell)) {
            add_named(&mut named, currency, 1);
        }
    }
    sort_named(named)
}

/// The currencies several files name ([`currencies_named`] of each), added up.
pub fn total_named<'a>(
    per_file: impl IntoIterator<Item = &'a [(Currency, usize)]>,
) -> Vec<(Currency, usize)> {
    let mut named = Vec::new();
    for &(currency, n) in per_file.into_iter().flatten() {
        add_named(&mut named, currency, n);
    }
    sort_named(named)
}

fn add_named(named: &mut Vec<(Currency, usize)>, currency: Currency, n: usize) {
    match named.iter_mut().find(|(c, _)| *c == currency) {
        Some((_, total)) => *total += n,
        None => named.push((currency, n)),
    }
}

fn sort_named(mut named: Vec<(Currency, usize)>) -> Vec<(Currency, usize)> {
    named.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    named
}

/// The dataset currency the files' cells point to: the most named, or the default (CNY) when
/// none names one. With several named, amounts in the others are refused at import, each
/// reported, so the choice is the user's to confirm.
pub fn detect_currency(named: &[(Currency, usize)]) -> Currency {
    named.first().map_or(Currency::default(), |&(c, _)| c)
}

/// The day/month order of a file's slash dates, from the first thousand rows of its date columns.
pub(super) fn infer_order(file: &FileInput<'_>) -> DayMonthOrder {
    let date_columns: Vec<usize> = file
        .mapping
        .columns
        .iter()
        .filter(|(field, _)| {
            matches!(
                field,
                Field::BirthDate
                    | Field::OpenDate
                    | Field::AsOf
                    | Field::TxnDate
                    | Field::Date
                    | Field::MaturityDate
            )
        })
        .map(|&(_, column)| column)
        .collect();
    if date_columns.is_empty() {
        return DayMonthOrder::Unknown;
    }
    let mut values = Vec::new();
    for (_, cells) in file.sheet.preview(1000) {
        for &column in &date_columns {
            if let Some(cell) = cells.get(column) {
                values.push(cell.clone());
            }
        }
    }
    infer_day_month_order(values.iter().map(String::as_str))
}

#[cfg(test)]
mod tests {
    use super::TransactionIds;
    use crate::model::TextColumn;

    /// Feeds ids in order the way the import does, each with whether its row is stored (not
    /// refused for other reasons); returns which were found to repeat.
    fn repeats_of(rows: &[(&str, bool)]) -> Vec<bool> {
        let mut column = TextColumn::new();
        let mut seen = TransactionIds::default();
        rows.iter()
            .map(|&(id, stored)| {
                let repeat = seen.seen(&column, id, column.len() as u32, stored);
                if !repeat && stored {
                    column.push(id);
                }
                repeat
            })
            .collect()
    }

    fn repeats(ids: &[&str]) -> Vec<bool> {
        repeats_of(&ids.iter().map(|&id| (id, true)).collect::<Vec<_>>())
    }

    #[test]
    fn a_refused_row_repeats_stored_ids_but_is_not_repeated() {
        let in_order = [
            ("T1", true),
            ("T3", false),
            ("T3", true),
            ("T2", true),
            ("T3", true),
        ];
        assert_eq!(repeats_of(&in_order), [false, false, false, false, true]);
        let indexed = [
            ("B", true),
            ("A", true),
            ("C", false),
            ("C", true),
            ("A", false),
        ];
        assert_eq!(repeats_of(&indexed), [false, false, false, false, true]);
    }

    #[test]
    fn transaction_ids_repeat_in_order_and_out_of_order() {
        assert_eq!(repeats(&["T1", "T2", "T3"]), [false, false, false]);
        assert_eq!(repeats(&["T1", "T2", "T2"]), [false, false, true]);
        assert_eq!(
            repeats(&["T1", "T3", "T2", "T1", "T4", "T3"]),
            [false, false, false, true, false, true]
        );
        assert_eq!(
            repeats(&["B", "A", "B", "C", "A"]),
            [false, false, true, false, true]
        );
    }
}
