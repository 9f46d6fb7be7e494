//! Delimited text into records, fed a piece at a time: `csv-core`'s tokenizer (quotes, doubled
//! quotes, embedded line breaks, any line ending) with the record kept across pieces, so text
//! can arrive in whatever pieces its reader gets.

use csv_core::ReadRecordResult;

/// A record's cells as the tokenizer left them: their bytes one after another, and where each
/// cell ends.
#[derive(Debug, Default)]
pub struct Record {
    bytes: Vec<u8>,
    ends: Vec<usize>,
}

impl Record {
    /// Empties the record.
    pub fn clear(&mut self) {
        self.bytes.clear();
        self.ends.clear();
    }

    /// Adds a cell.
    pub fn push(&mut self, cell: &str) {
        self.bytes.extend_from_slice(cell.as_bytes());
        self.ends.push(self.bytes.len());
    }
}

/// One row's cells, borrowed from the reader.
///
/// The cells are text without a second UTF-8 check: the tokenizer reads UTF-8 (validated or
/// decoded by [`super::stream::TextDecoder`]) and only cuts it at (or drops) ASCII delimiters,
/// quotes and line breaks, which never fall inside a multi-byte character. Validating each
/// record again cost about a tenth of an import.
#[derive(Clone, Copy)]
pub struct Row<'a> {
    bytes: &'a [u8],
    ends: &'a [usize],
    suspect: bool,
    other_encoding: bool,
    overlong: Option<&'a str>,
}

/// The most text a row may hold: 1 MiB, far beyond any export's row. A longer one is not
/// kept (its start is, for the report): most often a quote left open has run the lines after
/// it into one cell, and holding it whole could take the file's size in memory.
pub const MAX_ROW_BYTES: usize = 1 << 20;

/// The most cells a row may have: Excel's column limit.
pub const MAX_ROW_CELLS: usize = 16_384;

/// How much of an over-long row's start the report shows.
const OVERLONG_START_CHARS: usize = 200;

impl<'a> Row<'a> {
    /// A record's cells as a row; `suspect` as in [`Row::may_hold_replacements`].
    pub fn of(record: &'a Record, suspect: bool) -> Row<'a> {
        let overlong = record.bytes.len() > MAX_ROW_BYTES || record.ends.len() > MAX_ROW_CELLS;
        Row {
            bytes: &record.bytes,
            ends: &record.ends,
            suspect,
            other_encoding: false,
            overlong: overlong.then(|| utf8_prefix(&record.bytes, OVERLONG_START_CHARS * 4)),
        }
    }

    /// The number of cells.
    pub fn len(self) -> usize {
        self.ends.len()
    }

    /// Whether the row has no cells.
    pub fn is_empty(self) -> bool {
        self.ends.is_empty()
    }

    /// Cell `column`, if the row has it.
    pub fn get(self, column: usize) -> Option<&'a str> {
        let end = *self.ends.get(column)?;
        let start = column.checked_sub(1).map_or(0, |before| self.ends[before]);
        Some(cell_text(&self.bytes[start..end]))
    }

    /// The cells in order.
    pub fn iter(self) -> impl DoubleEndedIterator<Item = &'a str> {
        (0..self.len()).map(move |column| self.get(column).unwrap_or(""))
    }

    /// Whether a U+FFFD in this row may stand for bytes that did not decode (rather than one
    /// the exporter wrote): some did, earlier in the file or just ahead.
    pub fn may_hold_replacements(self) -> bool {
        self.suspect
    }

    /// Whether a line of this row was in another encoding than its file's (UTF-8 text in a
    /// file read as GB18030), and is here as that encoding's text.
    pub fn in_other_encoding(self) -> bool {
        self.other_encoding
    }

    /// For a row over [`MAX_ROW_BYTES`] or [`MAX_ROW_CELLS`], whose cells were not kept: the
    /// start of its text.
    pub fn overlong_start(self) -> Option<&'a str> {
        self.overlong
    }

    /// A line with nothing but white space on it.
    pub fn is_blank(self) -> bool {
        self.overlong.is_none()
            && self.len() <= 1
            && self.get(0).is_none_or(|cell| cell.trim().is_empty())
    }
}

/// The longest start of UTF-8 `bytes` no longer than `max` bytes that ends between characters.
fn utf8_prefix(bytes: &[u8], max: usize) -> &str {
    let cut = &bytes[..bytes.len().min(max)];
    match std::str::from_utf8(cut) {
        Ok(text) => text,
        Err(error) => cell_text(&cut[..error.valid_up_to()]),
    }
}

fn cell_text(bytes: &[u8]) -> &str {
    debug_assert!(std::str::from_utf8(bytes).is_ok());
    // SAFETY: see [`Row`]: the bytes are a slice of UTF-8 text between ASCII bytes (a
    // delimiter is ASCII by construction, `Records::new`), or a `String` cell copied in whole
    // (workbooks, JSON).
    unsafe { std::str::from_utf8_unchecked(bytes) }
}

/// Delimited text into records, fed a piece at a time.
pub struct Records {
    tokenizer: csv_core::Reader,
    /// The record so far (it may span pieces), in buffers with room to spare.
    bytes: Vec<u8>,
    ends: Vec<usize>,
    /// How much of `bytes` and `ends` the record so far fills.
    filled: (usize, usize),
    /// The line the next record starts on, as a whole-text reader counts it: the tokenizer's
    /// line when the previous record ended (blank lines before a record count as its start).
    line: u64,
    /// The last byte the tokenizer took: a record that ends on `\r` ends its line there,
    /// though the tokenizer counts the line only at the `\n` it reads next.
    last_byte: u8,
    /// For text whose columns are runs of spaces ([`SPACE_RUNS`]): the runs folded to one
    /// space, and spaces at either end of a line dropped, before the tokenizer sees them.
    spaces: Option<SpaceRuns>,
    /// Whether the record so far took a line in another encoding ([`Row::in_other_encoding`]).
    other_encoding: bool,
    /// For a record past [`MAX_ROW_BYTES`] or [`MAX_ROW_CELLS`]: its start; its cells since
    /// are dropped as they come.
    overlong: Option<String>,
}

/// The delimiter that stands for runs of spaces (or tabs): mainframe and report exports
/// (`.prn`, `.dat`) align their columns with as many spaces as each value needs.
pub const SPACE_RUNS: u8 = b' ';

/// The state of folding runs of spaces across pieces.
#[derive(Default)]
struct SpaceRuns {
    at_line_start: bool,
    pending_space: bool,
    folded: Vec<u8>,
}

impl SpaceRuns {
    /// `text` with each run of spaces and tabs inside a line as one space, none at its ends.
    fn fold(&mut self, text: &[u8]) -> Vec<u8> {
        let mut out = std::mem::take(&mut self.folded);
        out.clear();
        for &b in text {
            match b {
                b' ' | b'\t' => self.pending_space = !self.at_line_start,
                b'\r' | b'\n' => {
                    self.pending_space = false;
                    self.at_line_start = true;
                    out.push(b);
                }
                _ => {
                    if std::mem::take(&mut self.pending_space) {
                        out.push(b' ');
                    }
                    self.at_line_start = false;
                    out.push(b);
                }
            }
        }
        out
    }
}

impl Records {
    /// Records of text delimited by `delimiter`, an ASCII byte. Any other byte could fall
    /// inside a multi-byte character, so the cells [`Row`] hands out without a second check
    /// would not be UTF-8: such a delimiter splits nothing (NUL stands in for it), and the
    /// file's rows come out whole, for the mapping and the report to show.
    pub fn new(delimiter: u8) -> Records {
        let delimiter = if delimiter.is_ascii() { delimiter } else { 0 };
        Records {
            tokenizer: csv_core::ReaderBuilder::new().delimiter(delimiter).build(),
            bytes: vec![0; 1024],
            ends: vec![0; 64],
            filled: (0, 0),
            line: 1,
            last_byte: 0,
            other_encoding: false,
            overlong: None,
            spaces: (delimiter == SPACE_RUNS).then(|| SpaceRuns {
                at_line_start: true,
                ..SpaceRuns::default()
            }),
        }
    }

    /// Drops the cells of a record past the limits, keeping its start for the report.
    fn drop_overlong(&mut self) {
        if self.overlong.is_none() {
            let (bytes, ends) = self.filled;
            let cells = Row {
                bytes: &self.bytes[..bytes],
                ends: &self.ends[..ends],
                suspect: false,
                other_encoding: false,
                overlong: None,
            };
            // The cell being read, not yet ended, is the bytes after the last end.
            let last_end = ends.checked_sub(1).map_or(0, |i| self.ends[i]);
            let open = utf8_prefix(&self.bytes[last_end..bytes], OVERLONG_START_CHARS * 4);
            let start: String = cells
                .iter()
                .chain(std::iter::once(open))
                .collect::<Vec<_>>()
                .join(",");
            self.overlong = Some(start.chars().take(OVERLONG_START_CHARS).collect());
        }
        self.filled = (0, 0);
    }

    /// Marks the record being read (or the next, at a record's end) as holding a line in
    /// another encoding: the decoder hands such a line on whole, from its start.
    pub fn mark_other_encoding(&mut self) {
        self.other_encoding = true;
    }

    /// The tokenizer's line: one more than the line breaks read.
    pub fn line(&self) -> u64 {
        self.tokenizer.line()
    }

    /// Reads `text` (empty: the end of the text), calling `row` with each record completed and
    /// the line it starts on, until `row` returns `false`; whether to go on. `suspect` as in
    /// [`Row::may_hold_replacements`], for the records this text completes.
    pub fn feed(
        &mut self,
        text: &[u8],
        suspect: bool,
        row: &mut dyn FnMut(u64, Row<'_>) -> bool,
    ) -> bool {
        let Some(spaces) = &mut self.spaces else {
            return self.tokenize(text, suspect, row);
        };
        let folded = spaces.fold(text);
        // An empty piece is the end of the text: a piece of spaces alone folds to nothing and
        // must not end it.
        let go_on = folded.is_empty() && !text.is_empty() || self.tokenize(&folded, suspect, row);
        if let Some(spaces) = &mut self.spaces {
            spaces.folded = folded;
        }
        go_on
    }

    fn tokenize(
        &mut self,
        mut text: &[u8],
        suspect: bool,
        row: &mut dyn FnMut(u64, Row<'_>) -> bool,
    ) -> bool {
        let at_end = text.is_empty();
        loop {
            let (bytes, ends) = self.filled;
            let (result, read, written, ended) =
                self.tokenizer
                    .read_record(text, &mut self.bytes[bytes..], &mut self.ends[ends..]);
            if read > 0 {
                self.last_byte = text[read - 1];
            }
            text = &text[read..];
            self.filled = (bytes + written, ends + ended);
            match result {
                ReadRecordResult::InputEmpty if !at_end => return true,
                ReadRecordResult::InputEmpty => {}
                ReadRecordResult::OutputFull if self.bytes.len() >= MAX_ROW_BYTES => {
                    self.drop_overlong();
                }
                ReadRecordResult::OutputFull => {
                    let grown = self.bytes.len() * 2;
                    self.bytes.resize(grown, 0);
                }
                ReadRecordResult::OutputEndsFull if self.ends.len() >= MAX_ROW_CELLS => {
                    self.drop_overlong();
                }
                ReadRecordResult::OutputEndsFull => {
                    let grown = self.ends.len() * 2;
                    self.ends.resize(grown, 0);
                }
                ReadRecordResult::Record => {
                    let (bytes, ends) = std::mem::take(&mut self.filled);
                    // CRLF: the next record starts on the line after the `\n` still to come.
                    let next = self.tokenizer.line() + u64::from(self.last_byte == b'\r');
                    let line = std::mem::replace(&mut self.line, next);
                    // An over-long record's cells were dropped, and the tokenizer's cell ends
                    // count from its start: it has no cells to show.
                    let (bytes, ends) = match self.overlong {
                        Some(_) => (0, 0),
                        None => (bytes, ends),
                    };
                    let record = Row {
                        bytes: &self.bytes[..bytes],
                        ends: &self.ends[..ends],
                        suspect,
                        other_encoding: std::mem::take(&mut self.other_encoding),
                        overlong: self.overlong.as_deref(),
                    };
                    let go_on = row(line, record);
                    self.overlong = None;
                    if !go_on {
                        return false;
                    }
                }
                ReadRecordResult::End => return true,
            }
        }
    }
}
