//! From a file's bytes to rows of text cells: delimited text, Excel workbooks and JSON, each
//! with its header row, so the mapping step sees one shape whatever the format was.

use super::decode::{decode, decode_detected, looks_binary, TextEncoding};
use super::mapping::normalise_header;
use std::fmt;
use std::io::Cursor;

/// The container format of an export file.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum FileFormat {
    /// CSV, TSV and other delimited text.
    Delimited,
    /// `.xlsx` / `.xls` / `.xlsb` / `.ods`.
    Workbook,
    /// A JSON array of records, or one JSON object per line.
    Json,
}

impl FileFormat {
    /// Guesses from the file name, then from the first bytes (a ZIP or OLE signature is a workbook).
    pub fn detect(name: &str, bytes: &[u8]) -> FileFormat {
        let lower = name.to_ascii_lowercase();
        let workbook_signature =
            bytes.starts_with(b"PK\x03\x04") || bytes.starts_with(&[0xD0, 0xCF, 0x11, 0xE0]);
        if [".xlsx", ".xls", ".xlsb", ".xlsm", ".ods"]
            .iter()
            .any(|ext| lower.ends_with(ext))
        {
            FileFormat::Workbook
        } else if lower.ends_with(".json")
            || lower.ends_with(".jsonl")
            || lower.ends_with(".ndjson")
        {
            FileFormat::Json
        } else if workbook_signature && !lower.ends_with(".csv") && !lower.ends_with(".txt") {
            FileFormat::Workbook
        } else {
            FileFormat::Delimited
        }
    }
}

/// How to read a delimited text file.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct TextLayout {
    /// The field separator: `,` `;` tab or `|`.
    pub delimiter: u8,
    /// Whether the first row names the columns.
    pub has_header: bool,
}

/// Everything the reader decided about a file, each choice overridable by the user.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ReadOptions {
    /// Container format.
    pub format: FileFormat,
    /// Text encoding (delimited and JSON files).
    pub encoding: Option<TextEncoding>,
    /// Delimiter and header row (delimited files); detected when `None`.
    pub layout: Option<TextLayout>,
    /// Worksheet name (workbooks); the first sheet when `None`.
    pub sheet: Option<String>,
}

/// Why a file cannot be read at all (as opposed to rows that are rejected).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ReadError {
    /// The file has no bytes, or no rows.
    Empty,
    /// A header row and nothing else.
    HeaderOnly,
    /// Text expected, binary found (a renamed spreadsheet or archive?).
    Binary,
    /// The workbook could not be opened, or the sheet does not exist.
    Workbook(String),
    /// The JSON is not an array of objects or objects one per line.
    Json(String),
}

impl fmt::Display for ReadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ReadError::Empty => write!(f, "the file is empty"),
            ReadError::HeaderOnly => write!(f, "the file has a header row but no data rows"),
            ReadError::Binary => write!(
                f,
                "the file is binary, not text: is it a spreadsheet or archive renamed .csv?"
            ),
            ReadError::Workbook(why) => write!(f, "cannot read the workbook: {why}"),
            ReadError::Json(why) => write!(f, "cannot read the JSON: {why}"),
        }
    }
}

impl std::error::Error for ReadError {}

/// A file read into rows of text cells.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Sheet {
    /// Column names (generated as `column 1` … when the file has no header row).
    pub headers: Vec<String>,
    /// The data rows, streamed from the decoded text or held as cells.
    body: Body,
    /// What was used to read it.
    pub options: ReadOptions,
    /// Decoding problems: characters that did not decode and the line of the first one.
    pub malformed_characters: usize,
    /// 1-based line of the first undecodable character.
    pub first_malformed_line: Option<u64>,
    /// Worksheets in the workbook, for the sheet picker.
    pub sheet_names: Vec<String>,
}

/// Where a sheet's rows come from.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Body {
    /// Delimited text, parsed again on each pass rather than held as millions of strings.
    /// `verbatim` when the text is the file's bytes unchanged (UTF-8 without a byte-order mark).
    Text {
        text: String,
        layout: TextLayout,
        verbatim: bool,
    },
    /// Rows already split into cells (workbooks, JSON): `(line or row number, cells)`.
    Rows(Vec<(u64, Vec<String>)>),
}

impl Sheet {
    /// Calls `row` with each data row's 1-based line number and cells, in file order.
    pub fn for_each_row(&self, mut row: impl FnMut(u64, Row<'_>)) {
        self.rows_while(|line, record| {
            row(line, record);
            true
        });
    }

    /// Like [`Sheet::for_each_row`], stopping as soon as `row` returns `false`.
    pub fn rows_while(&self, mut row: impl FnMut(u64, Row<'_>) -> bool) {
        match &self.body {
            Body::Text { text, layout, .. } => {
                let mut reader = csv::ReaderBuilder::new()
                    .delimiter(layout.delimiter)
                    .has_headers(false)
                    .flexible(true)
                    .from_reader(text.as_bytes());
                let mut record = csv::ByteRecord::new();
                let mut first = true;
                loop {
                    let line = reader.position().line();
                    match reader.read_byte_record(&mut record) {
                        Ok(true) => {}
                        // Text in memory: the reader has no I/O error to give.
                        Ok(false) | Err(_) => break,
                    }
                    let record = Row(&record);
                    if record.is_blank() {
                        continue;
                    }
                    if first && layout.has_header {
                        first = false;
                        continue;
                    }
                    first = false;
                    if !row(line, record) {
                        return;
                    }
                }
            }
            Body::Rows(rows) => {
                let mut record = csv::ByteRecord::new();
                for (line, cells) in rows {
                    record.clear();
                    for cell in cells {
                        record.push_field(cell.as_bytes());
                    }
                    if !row(*line, Row(&record)) {
                        return;
                    }
                }
            }
        }
    }

    /// The file's bytes, when the sheet holds them unchanged: the worker then keeps no second
    /// copy for reading the file again with other options.
    pub fn verbatim_bytes(&self) -> Option<&[u8]> {
        match &self.body {
            Body::Text {
                text,
                verbatim: true,
                ..
            } => Some(text.as_bytes()),
            _ => None,
        }
    }

    /// The first `n` data rows, for the mapping preview.
    pub fn preview(&self, n: usize) -> Vec<(u64, Vec<String>)> {
        let mut rows = Vec::with_capacity(n);
        if n == 0 {
            return rows;
        }
        self.rows_while(|line, record| {
            rows.push((line, record.iter().map(str::to_owned).collect()));
            rows.len() < n
        });
        rows
    }

    /// The number of data rows, quickly: line breaks for delimited text (a quoted field that
    /// spans lines makes it an over-estimate), exact for workbooks and JSON.
    pub fn row_estimate(&self) -> usize {
        match &self.body {
            Body::Text { text, layout, .. } => {
                let lines = memchr::memchr_iter(b'\n', text.as_bytes()).count()
                    + usize::from(!text.ends_with('\n'));
                lines.saturating_sub(usize::from(layout.has_header))
            }
            Body::Rows(rows) => rows.len(),
        }
    }

    /// The number of data rows.
    pub fn row_count(&self) -> usize {
        let mut n = 0;
        self.for_each_row(|_, _| n += 1);
        n
    }
}

/// One row's cells, borrowed from the reader.
///
/// The cells are text without a second UTF-8 check: every sheet body is a `String`, and the
/// CSV reader only cuts it at (or drops) ASCII delimiters, quotes and line breaks, which never
/// fall inside a multi-byte character. Validating each record again cost about a tenth of an
/// import.
#[derive(Clone, Copy)]
pub struct Row<'a>(&'a csv::ByteRecord);

impl<'a> Row<'a> {
    /// The number of cells.
    pub fn len(self) -> usize {
        self.0.len()
    }

    /// Whether the row has no cells.
    pub fn is_empty(self) -> bool {
        self.0.is_empty()
    }

    /// Cell `column`, if the row has it.
    pub fn get(self, column: usize) -> Option<&'a str> {
        self.0.get(column).map(cell_text)
    }

    /// The cells in order.
    pub fn iter(self) -> impl DoubleEndedIterator<Item = &'a str> {
        self.0.iter().map(cell_text)
    }

    fn is_blank(self) -> bool {
        self.len() <= 1 && self.get(0).is_none_or(|cell| cell.trim().is_empty())
    }
}

fn cell_text(bytes: &[u8]) -> &str {
    debug_assert!(std::str::from_utf8(bytes).is_ok());
    // SAFETY: see [`Row`]: the bytes are a slice of a `String` between ASCII bytes, or a
    // `String` cell copied in whole (workbooks, JSON).
    unsafe { std::str::from_utf8_unchecked(bytes) }
}

/// [`read_sheet`] taking the bytes: a UTF-8 text file (the usual export) becomes the sheet's
/// text without a copy, so a large file is held once, not twice. The bytes come back unless the
/// sheet holds them ([`Sheet::verbatim_bytes`]), for reading the file again with other options.
pub fn read_sheet_owned(
    name: &str,
    bytes: Vec<u8>,
    options: Option<ReadOptions>,
) -> (Result<Sheet, ReadError>, Option<Vec<u8>>) {
    let format = options
        .as_ref()
        .map(|o| o.format)
        .unwrap_or_else(|| FileFormat::detect(name, &bytes));
    let utf8_asked = options
        .as_ref()
        .is_none_or(|o| o.encoding.is_none_or(|e| e == TextEncoding::Utf8));
    let plain = format == FileFormat::Delimited
        && utf8_asked
        && encoding_rs::Encoding::for_bom(&bytes).is_none()
        && !looks_binary(&bytes, TextEncoding::Utf8);
    if !plain {
        return (read_sheet(name, &bytes, options), Some(bytes));
    }
    match String::from_utf8(bytes) {
        Ok(text) => {
            let options = ReadOptions {
                format,
                encoding: Some(TextEncoding::Utf8),
                layout: options.as_ref().and_then(|o| o.layout),
                sheet: None,
            };
            match read_delimited(text, true, options) {
                Ok(sheet) => (Ok(sheet), None),
                // Nothing to read again: the file is empty or has only a header.
                Err(error) => (Err(error), None),
            }
        }
        Err(error) => {
            let bytes = error.into_bytes();
            (read_sheet(name, &bytes, options), Some(bytes))
        }
    }
}

/// Reads a file into a [`Sheet`], detecting whatever `options` leaves open.
pub fn read_sheet(
    name: &str,
    bytes: &[u8],
    options: Option<ReadOptions>,
) -> Result<Sheet, ReadError> {
    let format = options
        .as_ref()
        .map(|o| o.format)
        .unwrap_or_else(|| FileFormat::detect(name, bytes));
    let mut options = options.unwrap_or(ReadOptions {
        format,
        encoding: None,
        layout: None,
        sheet: None,
    });
    if bytes.is_empty() {
        return Err(ReadError::Empty);
    }
    match format {
        FileFormat::Workbook => read_workbook(bytes, options),
        FileFormat::Delimited | FileFormat::Json => {
            let decoded = match options.encoding {
                Some(encoding) => decode(bytes, encoding),
                None => decode_detected(bytes),
            };
            options.encoding = Some(decoded.encoding);
            if looks_binary(bytes, decoded.encoding) {
                return Err(ReadError::Binary);
            }
            let mut sheet = if format == FileFormat::Json {
                read_json(&decoded.text, options)?
            } else {
                read_delimited(decoded.text.into_owned(), false, options)?
            };
            sheet.malformed_characters = decoded.malformed;
            sheet.first_malformed_line = decoded.first_malformed_line;
            Ok(sheet)
        }
    }
}

const DELIMITERS: [u8; 4] = [b',', b';', b'\t', b'|'];

/// Picks the delimiter that splits the first lines into the most fields, most consistently,
/// and decides whether the first row is a header.
pub fn sniff_layout(text: &str) -> TextLayout {
    let sample: String = head_of(text)
        .lines()
        .take(50)
        .collect::<Vec<_>>()
        .join("\n");
    let mut best = (0usize, 0usize, b',');
    for delimiter in DELIMITERS {
        let rows = parse_records(&sample, delimiter);
        let Some(first) = rows.first() else { continue };
        let width = first.1.len();
        if width < 2 {
            continue;
        }
        let consistent = rows.iter().filter(|(_, r)| r.len() == width).count();
        if (consistent, width) > (best.0, best.1) {
            best = (consistent, width, delimiter);
        }
    }
    let delimiter = best.2;
    let rows = parse_records(&sample, delimiter);
    let has_header = rows
        .first()
        .map(|(_, first)| looks_like_header(first, rows.get(1).map(|(_, r)| r.as_slice())))
        .unwrap_or(true);
    TextLayout {
        delimiter,
        has_header,
    }
}

/// A header row has no numbers or dates in it, and either names a known field or sits above a
/// row that does have numbers.
fn looks_like_header(first: &[String], second: Option<&[String]>) -> bool {
    let numeric = |cell: &String| {
        let cell = cell.trim();
        !cell.is_empty()
            && (super::values::parse_money(cell).is_ok_and(|v| v.is_some())
                || super::values::parse_date(cell, Default::default()).is_ok_and(|v| v.is_some()))
    };
    if first.iter().any(numeric) {
        return false;
    }
    let known = first.iter().any(|cell| {
        let header = normalise_header(cell);
        super::mapping::Entity::ALL.iter().any(|entity| {
            entity
                .fields()
                .iter()
                .any(|spec| spec.synonyms.contains(&header.as_str()))
        })
    });
    known || second.is_none_or(|row| row.iter().any(numeric))
}

/// Parses delimited text into `(line, cells)` records; quoted fields may hold delimiters and
/// newlines. Ragged rows are kept as they are, for the caller to report.
fn parse_records(text: &str, delimiter: u8) -> Vec<(u64, Vec<String>)> {
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    let mut records = Vec::new();
    let mut record = csv::ByteRecord::new();
    loop {
        let line = reader.position().line();
        match reader.read_byte_record(&mut record) {
            Ok(true) => records.push((line, Row(&record).iter().map(str::to_owned).collect())),
            // Decoded text is valid UTF-8, so the reader's only errors are I/O ones it cannot have.
            Ok(false) | Err(_) => break,
        }
    }
    records
}

fn read_delimited(
    text: String,
    verbatim: bool,
    mut options: ReadOptions,
) -> Result<Sheet, ReadError> {
    if text.trim().is_empty() {
        return Err(ReadError::Empty);
    }
    let layout = options.layout.unwrap_or_else(|| sniff_layout(&text));
    options.layout = Some(layout);
    let head: Vec<(u64, Vec<String>)> = parse_records(head_of(&text), layout.delimiter)
        .into_iter()
        .filter(|(_, cells)| !(cells.len() == 1 && cells[0].trim().is_empty()))
        .collect();
    let Some((_, first)) = head.first() else {
        return Err(ReadError::Empty);
    };
    let headers = if layout.has_header {
        first.iter().map(|h| clean_header(h)).collect()
    } else {
        (1..=first.len()).map(|i| format!("column {i}")).collect()
    };
    let sheet = Sheet {
        headers,
        body: Body::Text {
            text,
            layout,
            verbatim,
        },
        options,
        malformed_characters: 0,
        first_malformed_line: None,
        sheet_names: Vec::new(),
    };
    if sheet.preview(1).is_empty() {
        return Err(ReadError::HeaderOnly);
    }
    Ok(sheet)
}

/// The first 64 KiB of the text (on a character boundary): room for the header and first rows.
fn head_of(text: &str) -> &str {
    let mut end = text.len().min(64 * 1024);
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    &text[..end]
}

fn clean_header(header: &str) -> String {
    header
        .trim()
        .trim_start_matches('\u{FEFF}')
        .trim()
        .to_owned()
}

fn sheet_from_records(
    mut records: Vec<(u64, Vec<String>)>,
    options: ReadOptions,
) -> Result<Sheet, ReadError> {
    if records.is_empty() {
        return Err(ReadError::Empty);
    }
    let (_, header) = records.remove(0);
    let headers = header.iter().map(|h| clean_header(h)).collect();
    if records.is_empty() {
        return Err(ReadError::HeaderOnly);
    }
    Ok(Sheet {
        headers,
        body: Body::Rows(records),
        options,
        malformed_characters: 0,
        first_malformed_line: None,
        sheet_names: Vec::new(),
    })
}

fn read_workbook(bytes: &[u8], mut options: ReadOptions) -> Result<Sheet, ReadError> {
    use calamine::{open_workbook_auto_from_rs, Data, Reader};
    let mut workbook = open_workbook_auto_from_rs(Cursor::new(bytes.to_vec()))
        .map_err(|e| ReadError::Workbook(e.to_string()))?;
    let sheet_names = workbook.sheet_names();
    let sheet = match &options.sheet {
        Some(name) => name.clone(),
        None => sheet_names.first().cloned().ok_or(ReadError::Empty)?,
    };
    options.sheet = Some(sheet.clone());
    let range = workbook
        .worksheet_range(&sheet)
        .map_err(|e| ReadError::Workbook(e.to_string()))?;
    let first_row = range.start().map(|(row, _)| row as u64).unwrap_or(0);
    let records: Vec<(u64, Vec<String>)> = range
        .rows()
        .enumerate()
        .map(|(i, row)| {
            let cells = row
                .iter()
                .map(|cell| match cell {
                    Data::Empty | Data::Error(_) => String::new(),
                    Data::String(s) | Data::DateTimeIso(s) | Data::DurationIso(s) => s.clone(),
                    Data::Int(i) => i.to_string(),
                    Data::Float(f) => float_text(*f),
                    Data::Bool(b) => b.to_string(),
                    // Excel dates are day serials; the date parser reads them as such.
                    Data::DateTime(d) => float_text(d.as_f64()),
                })
                .collect();
            (first_row + i as u64 + 1, cells)
        })
        .filter(|(_, cells): &(u64, Vec<String>)| cells.iter().any(|c| !c.trim().is_empty()))
        .collect();
    let mut sheet = sheet_from_records(records, options)?;
    sheet.sheet_names = sheet_names;
    Ok(sheet)
}

/// A spreadsheet number as text: integers without `.0`, others in their shortest exact form
/// (`1234.56`, never `1234.5600000000001`).
fn float_text(value: f64) -> String {
    if value.fract() == 0.0 && value.abs() < 1e15 {
        format!("{}", value as i64)
    } else {
        // Spreadsheets store money as binary floats; two decimals is what was typed.
        let rounded = (value * 100.0).round() / 100.0;
        if (rounded - value).abs() < 1e-9 {
            format!("{rounded}")
        } else {
            format!("{value}")
        }
    }
}

fn read_json(text: &str, options: ReadOptions) -> Result<Sheet, ReadError> {
    let text = text.trim();
    if text.is_empty() {
        return Err(ReadError::Empty);
    }
    let objects: Vec<(u64, serde_json::Map<String, serde_json::Value>)> = if text.starts_with('[') {
        let value: serde_json::Value =
            serde_json::from_str(text).map_err(|e| ReadError::Json(e.to_string()))?;
        let serde_json::Value::Array(items) = value else {
            return Err(ReadError::Json("expected an array of records".into()));
        };
        items
            .into_iter()
            .enumerate()
            .map(|(i, item)| match item {
                serde_json::Value::Object(map) => Ok((i as u64 + 1, map)),
                _ => Err(ReadError::Json(format!(
                    "record {} is not an object",
                    i + 1
                ))),
            })
            .collect::<Result<_, _>>()?
    } else {
        text.lines()
            .enumerate()
            .filter(|(_, line)| !line.trim().is_empty())
            .map(|(i, line)| match serde_json::from_str(line) {
                Ok(serde_json::Value::Object(map)) => Ok((i as u64 + 1, map)),
                Ok(_) => Err(ReadError::Json(format!("line {} is not an object", i + 1))),
                Err(e) => Err(ReadError::Json(format!("line {}: {e}", i + 1))),
            })
            .collect::<Result<_, _>>()?
    };
    let mut headers: Vec<String> = Vec::new();
    for (_, object) in &objects {
        for key in object.keys() {
            if !headers.contains(key) {
                headers.push(key.clone());
            }
        }
    }
    let rows = objects
        .into_iter()
        .map(|(line, object)| {
            let cells = headers
                .iter()
                .map(|h| match object.get(h) {
                    None | Some(serde_json::Value::Null) => String::new(),
                    Some(serde_json::Value::String(s)) => s.clone(),
                    Some(other) => other.to_string(),
                })
                .collect();
            (line, cells)
        })
        .collect::<Vec<_>>();
    if rows.is_empty() {
        return Err(ReadError::Empty);
    }
    Ok(Sheet {
        headers,
        body: Body::Rows(rows),
        options,
        malformed_characters: 0,
        first_malformed_line: None,
        sheet_names: Vec::new(),
    })
}
