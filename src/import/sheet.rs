//! From a file's bytes to rows of text cells: delimited text, Excel workbooks and JSON, each
//! with its header row, so the mapping step sees one shape whatever the format was.

use super::decode::{
    bom_length, decode, decode_detected, looks_binary, shown_encoding, TextEncoding,
};
use super::extent::{check_workbook, MAX_WORKBOOK_CELLS};
use super::mapping::normalise_header;
pub use super::records::Row;
use super::records::{Record, Records, SPACE_RUNS};
use super::stream::{read_pieces, SharedSource, TextDecoder, PIECE_BYTES};
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
    /// The field separator: `,` `;` tab or `|`, or [`SPACE_RUNS`] for columns aligned by
    /// runs of spaces.
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
    /// The file could not be read (moved, changed or deleted since it was picked?).
    Io(String),
    /// The bytes read to find the header (their number) hold no header and data row: a first
    /// line longer than that, or that many blank lines.
    HeaderTooLong(usize),
    /// Past a stated limit (a workbook that expands to gigabytes, or spreads over billions of
    /// cells): refused before it is laid out.
    TooLarge(String),
}

impl From<std::io::Error> for ReadError {
    fn from(error: std::io::Error) -> ReadError {
        ReadError::Io(error.to_string())
    }
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
            ReadError::Io(why) => write!(f, "cannot read the file: {why}"),
            ReadError::TooLarge(why) => write!(f, "the file is too large to read: {why}"),
            ReadError::HeaderTooLong(bytes) => write!(
                f,
                "the first {} MB hold no header and data row: no header is that wide, nor a file's start that blank; is the file text with line breaks?",
                bytes >> 20
            ),
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
    /// Worksheets in the workbook, for the sheet picker.
    pub sheet_names: Vec<String>,
    /// Columns whose header repeated an earlier one's and was made unique (`备注 (2)`), with
    /// the header as exported: the import reports each, so no column silently takes another's
    /// place.
    pub renamed_headers: Vec<(usize, String)>,
}

/// `headers` made unique: a blank one is named by its place (`column 7`), a repeated one
/// gets ` (2)`, ` (3)` … (a number no other header has), so every column keeps its own
/// values; with the repeated columns renamed and their headers as exported.
pub fn unique_headers(mut headers: Vec<String>) -> (Vec<String>, Vec<(usize, String)>) {
    let mut seen: std::collections::HashSet<String> = headers.iter().cloned().collect();
    if seen.len() == headers.len() && !seen.contains("") {
        return (headers, Vec::new());
    }
    for (column, header) in headers.iter_mut().enumerate() {
        if header.is_empty() {
            let name = format!("column {}", column + 1);
            if !seen.contains(&name) {
                seen.insert(name.clone());
                *header = name;
            }
        }
    }
    let mut first: std::collections::HashSet<String> = std::collections::HashSet::new();
    // Per repeated header, the number its next copy tries first: each copy is named in one
    // step, not by counting up from 2 again.
    let mut next: std::collections::HashMap<String, usize> = std::collections::HashMap::new();
    let mut renamed = Vec::new();
    for (column, header) in headers.iter_mut().enumerate() {
        if first.insert(header.clone()) {
            continue;
        }
        let n = next.entry(header.clone()).or_insert(2);
        let name = loop {
            let name = format!("{header} ({n})");
            *n += 1;
            if !seen.contains(&name) {
                break name;
            }
        };
        seen.insert(name.clone());
        first.insert(name.clone());
        renamed.push((column, std::mem::replace(header, name)));
    }
    (headers, renamed)
}

/// Where a sheet's rows come from.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Body {
    /// Delimited text, read from its source on each pass: neither the file nor millions of
    /// strings are held.
    Stream(TextBody),
    /// Rows already split into cells (workbooks, JSON): `(line or row number, cells)`.
    Rows(Vec<(u64, Vec<String>)>),
}

/// How to read a delimited file's text from its source.
#[derive(Clone, Debug, PartialEq, Eq)]
struct TextBody {
    source: SharedSource,
    layout: TextLayout,
    piece_bytes: usize,
    range: TextRange,
}

/// Which bytes of a delimited file to read, and how: everything of a [`Sheet`] but its source,
/// so another worker can read the same text from its own handle on the file.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct TextRange {
    /// Where the text starts: past a byte-order mark, or where a cut file's second part begins.
    start: u64,
    /// Where it stops, for a cut file's first part; the end of the file otherwise.
    end: Option<u64>,
    encoding: TextEncoding,
    /// Whether the encoding is still open: guessed, not chosen, from a first megabyte with no
    /// evidence in it, so the text after it decides ([`TextDecoder`]). Such a file is not cut.
    undecided: bool,
    /// Whether the range starts with the header row.
    skip_header: bool,
    row_estimate: usize,
}

/// What one pass over a sheet's rows met.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Pass {
    /// The reader's line at the end: one more than the line breaks read.
    pub lines: u64,
    /// Quote characters met (counted in the first part of a cut file only).
    pub quotes: u64,
    /// Characters that did not decode.
    pub malformed: u64,
}

/// A delimited sheet, sent to another worker to be read from its own handle on the file.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct SheetSpec {
    /// Column names.
    pub headers: Vec<String>,
    /// How the file was read.
    pub options: ReadOptions,
    /// The bytes to read and how.
    pub range: TextRange,
}

impl SheetSpec {
    /// The byte where the text starts.
    pub fn start(&self) -> u64 {
        self.range.start
    }
}

/// How far past a cut's target the next line break is looked for.
const CUT_WINDOW_BYTES: usize = 64 * 1024;

/// A column's distinct values with their row counts (see [`Sheet::distinct_values`]).
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct DistinctValues {
    /// `(value, rows)`, most frequent first.
    pub values: Vec<(String, usize)>,
    /// Whether more distinct values were seen than were kept.
    pub more: bool,
}

impl Sheet {
    /// Calls `row` with each data row's 1-based line number and cells, in file order.
    pub fn for_each_row(&self, mut row: impl FnMut(u64, Row<'_>)) -> Result<(), ReadError> {
        self.rows_while(|line, record| {
            row(line, record);
            true
        })
    }

    /// Like [`Sheet::for_each_row`], stopping as soon as `row` returns `false`. An error means
    /// the file could not be read to its end (the rows before it were passed on).
    pub fn rows_while(&self, row: impl FnMut(u64, Row<'_>) -> bool) -> Result<(), ReadError> {
        self.pass(row).map(|_| ())
    }

    /// [`Sheet::for_each_row`], telling what the pass met.
    pub fn read_rows(&self, mut row: impl FnMut(u64, Row<'_>)) -> Result<Pass, ReadError> {
        self.pass(|line, record| {
            row(line, record);
            true
        })
    }

    fn pass(&self, mut row: impl FnMut(u64, Row<'_>) -> bool) -> Result<Pass, ReadError> {
        match &self.body {
            Body::Stream(_) => {
                let mut rows = self.text_rows().expect("a delimited sheet");
                self.read_text(|piece| rows.feed(piece, &mut row))?;
                Ok(rows.finish(&mut row))
            }
            Body::Rows(rows) => {
                let mut record = Record::default();
                for (line, cells) in rows {
                    record.clear();
                    for cell in cells {
                        record.push(cell);
                    }
                    if !row(*line, Row::of(&record, false)) {
                        break;
                    }
                }
                Ok(Pass {
                    lines: rows.len() as u64,
                    ..Pass::default()
                })
            }
        }
    }

    /// The bytes a delimited sheet's rows are read from; `None` for workbooks and JSON, whose
    /// rows are held.
    pub fn text_span(&self) -> Option<TextSpan> {
        let Body::Stream(body) = &self.body else {
            return None;
        };
        let len = body.source.0.len();
        Some(TextSpan {
            start: body.range.start,
            end: body.range.end.map_or(len, |end| end.min(len)),
        })
    }

    /// Reads a delimited sheet's text from its source in pieces (64 KB first, doubling), handing
    /// each to `piece` until it returns `false`; nothing for workbooks and JSON.
    pub fn read_text(&self, piece: impl FnMut(&[u8]) -> bool) -> Result<(), ReadError> {
        let (Body::Stream(body), Some(span)) = (&self.body, self.text_span()) else {
            return Ok(());
        };
        read_pieces(
            &*body.source.0,
            span.start,
            span.end,
            body.piece_bytes,
            piece,
        )?;
        Ok(())
    }

    /// A pass over a delimited sheet's rows, to be fed the bytes of its [`Sheet::text_span`] in
    /// order; `None` for workbooks and JSON.
    pub fn text_rows(&self) -> Option<TextRows> {
        let Body::Stream(body) = &self.body else {
            return None;
        };
        let range = &body.range;
        let decoder = TextDecoder::new(range.encoding, range.undecided);
        Some(TextRows {
            // Quotes are counted in a cut file's first part, to know the cut fell between rows.
            decoder: if range.end.is_some() {
                decoder.counting_quotes()
            } else {
                decoder
            },
            records: Records::new(body.layout.delimiter),
            skip_header: range.skip_header,
            stopped: false,
        })
    }

    /// Cuts a delimited file in two at the first line break at or after `target` (a byte
    /// offset): the first part keeps the header row, the second starts at the line after the
    /// break. `None` when the file cannot be cut: not delimited text, already a part, UTF-16
    /// (whose line breaks are two bytes), an encoding still open to correction, or no line
    /// break between `target` and the end. Whether the cut falls inside a quoted field is
    /// only known once the first part is read ([`Pass::quotes`]).
    pub fn cut_at(&self, target: u64) -> Result<Option<(Sheet, Sheet)>, ReadError> {
        let Body::Stream(body) = &self.body else {
            return Ok(None);
        };
        let range = &body.range;
        let len = body.source.0.len();
        let two_byte = matches!(
            range.encoding,
            TextEncoding::Utf16Le | TextEncoding::Utf16Be
        );
        if range.end.is_some() || !range.skip_header || two_byte || range.undecided {
            return Ok(None);
        }
        if target <= range.start || target >= len {
            return Ok(None);
        }
        let mut window = vec![0; CUT_WINDOW_BYTES];
        let n = body.source.0.read_at(target, &mut window)?;
        let Some(break_at) = memchr::memchr(b'\n', &window[..n]) else {
            return Ok(None);
        };
        let at = target + break_at as u64 + 1;
        if at >= len {
            return Ok(None);
        }
        let share = (at - range.start) as f64 / (len - range.start) as f64;
        let first_rows = (range.row_estimate as f64 * share).round() as usize;
        let part = |range: TextRange| Sheet {
            body: Body::Stream(TextBody {
                range,
                ..body.clone()
            }),
            ..self.clone()
        };
        // Each part makes room for its own share of the rows: the browser stores the second
        // part's rows beside the first's rather than appending them to its columns.
        let first = part(TextRange {
            end: Some(at),
            row_estimate: first_rows,
            ..range.clone()
        });
        let second = part(TextRange {
            start: at,
            skip_header: false,
            row_estimate: range.row_estimate.saturating_sub(first_rows),
            ..range.clone()
        });
        Ok(Some((first, second)))
    }

    /// The size of the file a delimited sheet reads from.
    pub fn source_len(&self) -> Option<u64> {
        match &self.body {
            Body::Stream(body) => Some(body.source.0.len()),
            Body::Rows(_) => None,
        }
    }

    /// The source a delimited sheet reads from.
    pub fn source(&self) -> Option<SharedSource> {
        match &self.body {
            Body::Stream(body) => Some(body.source.clone()),
            Body::Rows(_) => None,
        }
    }

    /// This sheet as a [`SheetSpec`], for delimited text.
    pub fn spec(&self) -> Option<SheetSpec> {
        match &self.body {
            Body::Stream(body) => Some(SheetSpec {
                headers: self.headers.clone(),
                options: self.options.clone(),
                range: body.range.clone(),
            }),
            Body::Rows(_) => None,
        }
    }

    /// The sheet a [`SheetSpec`] describes, read from `source`.
    pub fn from_spec(source: SharedSource, spec: SheetSpec) -> Sheet {
        Sheet {
            headers: spec.headers,
            body: Body::Stream(TextBody {
                source,
                layout: spec.options.layout.unwrap_or(TextLayout {
                    delimiter: b',',
                    has_header: spec.range.skip_header,
                }),
                piece_bytes: PIECE_BYTES,
                range: spec.range,
            }),
            options: spec.options,
            sheet_names: Vec::new(),
            // The first worker reports them.
            renamed_headers: Vec::new(),
        }
    }

    /// Reads the text in pieces of `bytes` (tests use tiny pieces to put every boundary
    /// everywhere).
    pub fn with_piece_bytes(mut self, bytes: usize) -> Sheet {
        if let Body::Stream(body) = &mut self.body {
            body.piece_bytes = bytes;
        }
        self
    }

    /// The distinct values of column `column` over the whole file with how many rows hold
    /// each, most frequent first: what a value map offers to assign. At most `limit` values
    /// are kept (a column with more is not a coded one); `more` says whether others were seen.
    pub fn distinct_values(
        &self,
        column: usize,
        limit: usize,
    ) -> Result<DistinctValues, ReadError> {
        let mut counts: rustc_hash::FxHashMap<String, usize> = Default::default();
        let mut more = false;
        self.for_each_row(|_, record| {
            let value = record.get(column).unwrap_or("").trim();
            let full = counts.len() >= limit;
            match counts.get_mut(value) {
                Some(n) => *n += 1,
                None if !full => {
                    counts.insert(value.to_owned(), 1);
                }
                None => more = true,
            }
        })?;
        let mut values: Vec<(String, usize)> = counts.into_iter().collect();
        values.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        Ok(DistinctValues { values, more })
    }

    /// The first `n` data rows, for the mapping preview: those before a read error, if any
    /// (the import reports the error).
    pub fn preview(&self, n: usize) -> Vec<(u64, Vec<String>)> {
        let mut rows = Vec::with_capacity(n);
        if n == 0 {
            return rows;
        }
        let _ = self.rows_while(|line, record| {
            rows.push((line, record.iter().map(str::to_owned).collect()));
            rows.len() < n
        });
        rows
    }

    /// The number of data rows, without reading the whole file: line breaks in the first
    /// megabyte, scaled to the file's size (exact when the file is smaller; a quoted field
    /// that spans lines makes it an over-estimate); exact for workbooks and JSON.
    pub fn row_estimate(&self) -> usize {
        match &self.body {
            Body::Stream(body) => body.range.row_estimate,
            Body::Rows(rows) => rows.len(),
        }
    }

    /// The number of data rows (reads the whole file).
    pub fn row_count(&self) -> Result<usize, ReadError> {
        let mut n = 0;
        self.for_each_row(|_, _| n += 1)?;
        Ok(n)
    }

    /// The file's encoding, for text files.
    pub fn encoding(&self) -> Option<TextEncoding> {
        self.options.encoding
    }
}

/// Where a delimited sheet's text lies in its source: `start..end`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TextSpan {
    /// The first byte (past a byte-order mark, or where a second part begins).
    pub start: u64,
    /// One past the last byte.
    pub end: u64,
}

/// One pass over a delimited sheet's rows, fed its text's bytes as they arrive
/// ([`Sheet::text_rows`]).
pub struct TextRows {
    decoder: TextDecoder,
    records: Records,
    skip_header: bool,
    stopped: bool,
}

impl TextRows {
    /// Reads the next bytes, calling `row` with each data row (blank lines and the header row
    /// left out) and its 1-based line number until `row` returns `false`; whether to go on.
    pub fn feed(&mut self, bytes: &[u8], row: &mut dyn FnMut(u64, Row<'_>) -> bool) -> bool {
        let TextRows {
            decoder,
            records,
            skip_header,
            stopped,
        } = self;
        if !*stopped {
            decoder.decode(bytes, &mut |text, stats| {
                // Counted as the text is made, before the tokenizer sees it: a row holding a
                // replacement always comes after the count went up.
                if stats.in_other_encoding {
                    records.mark_other_encoding();
                }
                if !*stopped && !data_rows(records, text, stats.malformed > 0, skip_header, row) {
                    *stopped = true;
                }
            });
        }
        !*stopped
    }

    /// The end of the text: the last rows, and what the pass met (nothing, if `row` stopped
    /// it).
    pub fn finish(mut self, row: &mut dyn FnMut(u64, Row<'_>) -> bool) -> Pass {
        let TextRows {
            decoder,
            records,
            skip_header,
            stopped,
        } = &mut self;
        decoder.finish(&mut |text, stats| {
            if stats.in_other_encoding {
                records.mark_other_encoding();
            }
            if !*stopped && !data_rows(records, text, stats.malformed > 0, skip_header, row) {
                *stopped = true;
            }
        });
        let suspect = decoder.stats().malformed > 0;
        if *stopped || !data_rows(records, &[], suspect, skip_header, row) {
            return Pass::default();
        }
        Pass {
            lines: records.line(),
            quotes: decoder.stats().quotes as u64,
            malformed: decoder.stats().malformed as u64,
        }
    }
}

/// Feeds text to `records`, passing on the data rows.
fn data_rows(
    records: &mut Records,
    text: &[u8],
    suspect: bool,
    skip_header: &mut bool,
    row: &mut dyn FnMut(u64, Row<'_>) -> bool,
) -> bool {
    records.feed(text, suspect, &mut |line, record| {
        if record.is_blank() {
            return true;
        }
        if std::mem::take(skip_header) {
            return true;
        }
        row(line, record)
    })
}

/// Reads a file held in memory into a [`Sheet`], detecting whatever `options` leaves open.
pub fn read_sheet(
    name: &str,
    bytes: &[u8],
    options: Option<ReadOptions>,
) -> Result<Sheet, ReadError> {
    read_sheet_from(name, SharedSource::new(bytes.to_vec()), options)
}

/// Bytes read up front: detection, the header and the preview come from them.
pub const HEAD_BYTES: usize = 1 << 20;

/// Reads a file from its source into a [`Sheet`], detecting whatever `options` leaves open.
/// Delimited text is only looked at here (its first megabyte); its rows are read from the
/// source on each pass. Workbooks and JSON are read whole.
pub fn read_sheet_from(
    name: &str,
    source: SharedSource,
    options: Option<ReadOptions>,
) -> Result<Sheet, ReadError> {
    let head = source.head(HEAD_BYTES)?;
    let format = options
        .as_ref()
        .map(|o| o.format)
        .unwrap_or_else(|| FileFormat::detect(name, &head));
    let options = options.unwrap_or(ReadOptions {
        format,
        encoding: None,
        layout: None,
        sheet: None,
    });
    if head.is_empty() {
        return Err(ReadError::Empty);
    }
    match format {
        FileFormat::Workbook => read_workbook(&source.whole()?, options),
        FileFormat::Json => {
            let bytes = source.whole()?;
            let decoded = match options.encoding {
                Some(encoding) => decode(&bytes, encoding),
                None => decode_detected(&bytes),
            };
            if looks_binary(&bytes, decoded.encoding) {
                return Err(ReadError::Binary);
            }
            let options = ReadOptions {
                encoding: Some(decoded.encoding),
                ..options
            };
            read_json(&decoded.text, options)
        }
        FileFormat::Delimited => read_delimited(source, &head, options),
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
    // Runs of spaces only when no delimiter character splits the lines: a date-time or a
    // name with a space in a comma file must not turn it into a space-separated one.
    if best.1 < 2 {
        let rows = parse_records(&sample, SPACE_RUNS);
        if let Some(width) = rows.first().map(|(_, r)| r.len()).filter(|&w| w >= 2) {
            let consistent = rows.iter().filter(|(_, r)| r.len() == width).count();
            if consistent * 10 >= rows.len() * 9 {
                best = (consistent, width, SPACE_RUNS);
            }
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
    let mut records = Vec::new();
    let mut tokenizer = Records::new(delimiter);
    let mut keep = |line, record: Row<'_>| {
        records.push((line, record.iter().map(str::to_owned).collect()));
        true
    };
    tokenizer.feed(text.as_bytes(), false, &mut keep);
    tokenizer.feed(&[], false, &mut keep);
    records
}

fn read_delimited(
    source: SharedSource,
    head: &[u8],
    mut options: ReadOptions,
) -> Result<Sheet, ReadError> {
    let whole = head.len() as u64 == source.0.len();
    // Weighed once: what the head shows, unless the encoding was chosen.
    let shown = match options.encoding {
        Some(chosen) => Some(chosen),
        None => shown_encoding(head),
    };
    let undecided = shown.is_none();
    let encoding = shown.unwrap_or(TextEncoding::Utf8);
    options.encoding = Some(encoding);
    if looks_binary(head, encoding) {
        return Err(ReadError::Binary);
    }
    let start = bom_length(head, encoding) as u64;
    let text = decode(head, encoding).text;
    if whole && text.trim().is_empty() {
        return Err(ReadError::Empty);
    }
    if !whole && filled_lines(head) < 2 {
        return Err(ReadError::HeaderTooLong(HEAD_BYTES));
    }
    let layout = options.layout.unwrap_or_else(|| sniff_layout(&text));
    options.layout = Some(layout);
    let head_rows: Vec<(u64, Vec<String>)> = parse_records(head_of(&text), layout.delimiter)
        .into_iter()
        .filter(|(_, cells)| !(cells.len() == 1 && cells[0].trim().is_empty()))
        .collect();
    let Some((_, first)) = head_rows.first() else {
        return Err(ReadError::Empty);
    };
    let (headers, renamed_headers) = if layout.has_header {
        unique_headers(first.iter().map(|h| clean_header(h)).collect())
    } else {
        (
            (1..=first.len()).map(|i| format!("column {i}")).collect(),
            Vec::new(),
        )
    };
    // Rows to make room for: the head's lines with something on them, scaled to the file, and
    // never more than the file's bytes could hold (each row has a delimiter per column and a
    // line break). Blank lines count for nothing: a file that starts with a megabyte of them
    // would otherwise have its millions of "rows" reserved, gigabytes up front.
    let lines = filled_lines(head);
    let lines = if whole {
        lines
    } else {
        let scaled = (lines as f64 * source.0.len() as f64 / head.len() as f64).round() as usize;
        scaled.min(source.0.len() as usize / headers.len().max(2))
    };
    let sheet = Sheet {
        headers,
        body: Body::Stream(TextBody {
            source,
            layout,
            piece_bytes: PIECE_BYTES,
            range: TextRange {
                start,
                end: None,
                encoding,
                // Detection weighed the head's non-ASCII characters: when they showed an
                // encoding, it stands (a stray byte is a damaged row, not a GBK file).
                undecided,
                skip_header: layout.has_header,
                row_estimate: lines.saturating_sub(usize::from(layout.has_header)),
            },
        }),
        options,
        sheet_names: Vec::new(),
        renamed_headers,
    };
    let mut any = false;
    sheet.rows_while(|_, _| {
        any = true;
        false
    })?;
    if !any {
        return Err(ReadError::HeaderOnly);
    }
    Ok(sheet)
}

/// Lines of `bytes` that hold more than white space (UTF-16's zero bytes count as space).
fn filled_lines(bytes: &[u8]) -> usize {
    bytes
        .split(|&b| b == b'\n')
        .filter(|line| line.iter().any(|&b| b != 0 && !b.is_ascii_whitespace()))
        .count()
}

/// The first 64 KiB of the text (on a character boundary), and at least its first line with
/// something on it: room for the header — however wide, after however many blank lines — and
/// the first rows.
fn head_of(text: &str) -> &str {
    let bytes = text.as_bytes();
    let content = bytes
        .iter()
        .position(|b| !b.is_ascii_whitespace())
        .unwrap_or(bytes.len());
    let first_line =
        memchr::memchr(b'\n', &bytes[content..]).map_or(text.len(), |at| content + at + 1);
    let mut end = text.len().min(first_line.max(64 * 1024));
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
    let (headers, renamed_headers) =
        unique_headers(header.iter().map(|h| clean_header(h)).collect());
    if records.is_empty() {
        return Err(ReadError::HeaderOnly);
    }
    Ok(Sheet {
        headers,
        body: Body::Rows(records),
        options,
        sheet_names: Vec::new(),
        renamed_headers,
    })
}

fn cell_text(value: &calamine::DataRef<'_>) -> String {
    use calamine::DataRef;
    match value {
        DataRef::Empty | DataRef::Error(_) => String::new(),
        DataRef::String(s) | DataRef::DateTimeIso(s) | DataRef::DurationIso(s) => s.clone(),
        DataRef::SharedString(s) => (*s).to_owned(),
        DataRef::Int(i) => i.to_string(),
        DataRef::Float(f) => float_text(*f),
        DataRef::Bool(b) => b.to_string(),
        // Excel dates are day serials; the date parser reads them as such.
        DataRef::DateTime(d) => float_text(d.as_f64()),
    }
}

/// Lays out cells `(row, column, text)` as rows, only those that hold something, each as wide
/// as the widest: refused when that spreads over more than [`MAX_WORKBOOK_CELLS`] (a cell at
/// `XFD1048576` beside one at `A1` must not become a grid of seventeen billion).
fn lay_out_cells(mut cells: Vec<(u32, u32, String)>) -> Result<Vec<(u64, Vec<String>)>, ReadError> {
    cells.retain(|(_, _, text)| !text.trim().is_empty());
    cells.sort_by_key(|&(row, column, _)| (row, column));
    let width = cells
        .iter()
        .map(|&(_, c, _)| u64::from(c) + 1)
        .max()
        .unwrap_or(0);
    let mut rows: Vec<(u64, Vec<String>)> = Vec::new();
    for (row, column, text) in cells {
        let line = u64::from(row) + 1;
        if rows.last().is_none_or(|(last, _)| *last != line) {
            if (rows.len() as u64 + 1).saturating_mul(width) > MAX_WORKBOOK_CELLS {
                return Err(ReadError::TooLarge(format!(
                    "the sheet spreads over more than {MAX_WORKBOOK_CELLS} cells ({width} columns wide)"
                )));
            }
            rows.push((line, vec![String::new(); width as usize]));
        }
        if let Some((_, cells)) = rows.last_mut() {
            cells[column as usize] = text;
        }
    }
    Ok(rows)
}

fn read_workbook(bytes: &[u8], mut options: ReadOptions) -> Result<Sheet, ReadError> {
    use calamine::{open_workbook_auto_from_rs, Data, Reader, Sheets};
    // An .xls is read from a container written afresh around its checked workbook stream.
    let rebuilt = check_workbook(bytes)?;
    let bytes = rebuilt.as_deref().unwrap_or(bytes);
    let mut workbook = open_workbook_auto_from_rs(Cursor::new(bytes.to_vec()))
        .map_err(|e| ReadError::Workbook(e.to_string()))?;
    let sheet_names = workbook.sheet_names();
    let sheet = match &options.sheet {
        Some(name) => name.clone(),
        None => sheet_names.first().cloned().ok_or(ReadError::Empty)?,
    };
    options.sheet = Some(sheet.clone());
    let workbook_error = |e: &dyn std::fmt::Display| ReadError::Workbook(e.to_string());
    // Cells one at a time where the format allows, so a sheet's declared size is never laid
    // out before its cells are counted.
    let mut cells: Vec<(u32, u32, String)> = Vec::new();
    let mut take = |row: u32, column: u32, text: String| -> Result<(), ReadError> {
        if cells.len() as u64 >= MAX_WORKBOOK_CELLS {
            return Err(ReadError::TooLarge(format!(
                "the sheet has more than {MAX_WORKBOOK_CELLS} cells"
            )));
        }
        cells.push((row, column, text));
        Ok(())
    };
    match &mut workbook {
        Sheets::Xlsx(xlsx) => {
            let mut reader = xlsx
                .worksheet_cells_reader(&sheet)
                .map_err(|e| workbook_error(&e))?;
            while let Some(cell) = reader.next_cell().map_err(|e| workbook_error(&e))? {
                let (row, column) = cell.get_position();
                take(row, column, cell_text(cell.get_value()))?;
            }
        }
        Sheets::Xlsb(xlsb) => {
            let mut reader = xlsb
                .worksheet_cells_reader(&sheet)
                .map_err(|e| workbook_error(&e))?;
            while let Some(cell) = reader.next_cell().map_err(|e| workbook_error(&e))? {
                let (row, column) = cell.get_position();
                take(row, column, cell_text(cell.get_value()))?;
            }
        }
        // Legacy .xls and .ods, laid out whole when opened (measured above).
        other => {
            let range = other
                .worksheet_range(&sheet)
                .map_err(|e| workbook_error(&e))?;
            for (row, column, value) in range.used_cells() {
                let value: calamine::DataRef<'_> = match value {
                    Data::Empty => continue,
                    Data::Error(_) => continue,
                    Data::String(s) => calamine::DataRef::SharedString(s),
                    Data::DateTimeIso(s) => calamine::DataRef::DateTimeIso(s.clone()),
                    Data::DurationIso(s) => calamine::DataRef::DurationIso(s.clone()),
                    Data::Int(i) => calamine::DataRef::Int(*i),
                    Data::Float(f) => calamine::DataRef::Float(*f),
                    Data::Bool(b) => calamine::DataRef::Bool(*b),
                    Data::DateTime(d) => calamine::DataRef::DateTime(*d),
                };
                let (start_row, start_column) = range.start().unwrap_or((0, 0));
                take(
                    start_row + row as u32,
                    start_column + column as u32,
                    cell_text(&value),
                )?;
            }
        }
    }
    let records = lay_out_cells(cells)?;
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
    // Keys in order of first appearance; the set keeps a record of many keys linear.
    let mut headers: Vec<String> = Vec::new();
    let mut seen: std::collections::HashSet<&str> = std::collections::HashSet::new();
    for (_, object) in &objects {
        for key in object.keys() {
            if seen.insert(key.as_str()) {
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
        sheet_names: Vec::new(),
        renamed_headers: Vec::new(),
    })
}
