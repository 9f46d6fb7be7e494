//! Column chunks: the byte layout of a dataset in the chunk store.
//!
//! Each column is cut into chunks of [`CHUNK_ROWS`] rows (fewer in older layouts,
//! [`chunk_rows`]) and stored under
//! `{snapshot}/{table}/{column}/{chunk}`; fixed-width columns are little-endian arrays, text
//! chunks carry their own offsets (or, for numbered ids, a prefix and the numbers), coded
//! columns keep their dictionary under `.../dict`.
//! One record per chunk (not per row) is what makes IndexedDB fast enough for millions of rows.

use crate::model::schema::{ByteCode, Column, ColumnVisitor, ColumnVisitorMut, Table};
use crate::model::{
    offsets_cut, Attribute, CodedColumn, Customers, Dataset, Day, Holdings, ModelError,
    RelationshipManagers, Tables, TextColumn, Transactions,
};
use crate::storage::catalogue::SCHEMA_VERSION;
use std::borrow::Cow;
use std::collections::HashMap;
use std::fmt;

/// Rows per stored chunk of a column (from schema 5; see [`chunk_rows`]).
pub const CHUNK_ROWS: usize = 262_144;

/// Rows per stored chunk in the layout of `schema_version`: up to schema 4 a chunk held
/// 65,536 rows. Four times as many store a column of M's 2 million transactions in 8 values
/// instead of 31, and a reload read M's chunks in about 195 ms instead of 235 (medians of six
/// reloads, alternating builds).
pub fn chunk_rows(schema_version: u32) -> usize {
    if schema_version >= 5 {
        CHUNK_ROWS
    } else {
        65_536
    }
}

/// Row counts per table: what a decoder needs to know how many chunks to expect.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct RowCounts {
    /// Customers.
    pub customers: usize,
    /// Holding rows.
    pub holdings: usize,
    /// Transactions.
    pub transactions: usize,
    /// Relationship managers.
    pub relationship_managers: usize,
    /// Contacts with customers.
    #[serde(default)]
    pub interactions: usize,
    /// Survey answers.
    #[serde(default)]
    pub feedback: usize,
}

impl RowCounts {
    /// No rows at all.
    pub const NONE: RowCounts = RowCounts {
        customers: 0,
        holdings: 0,
        transactions: 0,
        relationship_managers: 0,
        interactions: 0,
        feedback: 0,
    };

    /// The counts of a dataset in memory.
    pub fn of(dataset: &Dataset) -> RowCounts {
        RowCounts {
            customers: dataset.customers().len(),
            holdings: dataset.holdings().len(),
            transactions: dataset.transactions().len(),
            relationship_managers: dataset.relationship_managers().len(),
            interactions: dataset.interactions().len(),
            feedback: dataset.feedback().len(),
        }
    }
}

impl std::ops::Add for RowCounts {
    type Output = RowCounts;

    fn add(self, other: RowCounts) -> RowCounts {
        RowCounts {
            customers: self.customers + other.customers,
            holdings: self.holdings + other.holdings,
            transactions: self.transactions + other.transactions,
            relationship_managers: self.relationship_managers + other.relationship_managers,
            interactions: self.interactions + other.interactions,
            feedback: self.feedback + other.feedback,
        }
    }
}

/// Why stored chunks could not be read back into a dataset.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CodecError {
    /// A chunk the row counts call for is not in the store.
    MissingChunk(String),
    /// A chunk's bytes do not have the expected size or layout.
    CorruptChunk(String),
    /// The chunks decoded, but the tables do not fit together.
    Inconsistent(ModelError),
}

impl fmt::Display for CodecError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CodecError::MissingChunk(key) => {
                write!(f, "stored data is incomplete: {key} is missing")
            }
            CodecError::CorruptChunk(key) => write!(f, "stored data is damaged: {key}"),
            CodecError::Inconsistent(error) => write!(f, "stored data is inconsistent: {error}"),
        }
    }
}

impl std::error::Error for CodecError {}

/// The key prefix shared by every chunk of a snapshot, for range reads and deletes.
pub fn snapshot_prefix(snapshot_id: &str) -> String {
    format!("{snapshot_id}/")
}

/// Cuts a dataset into keyed chunks.
pub fn encode_dataset(snapshot_id: &str, dataset: &Dataset) -> Vec<(String, Vec<u8>)> {
    let mut chunks = Vec::new();
    encode_dataset_each(snapshot_id, dataset, &mut |key, bytes| {
        chunks.push((key, bytes))
    });
    chunks
}

/// [`encode_dataset`] handing each chunk to `chunk` as it is made, so a caller that moves the
/// bytes elsewhere (the import worker, to the page) never holds a second copy of the dataset.
pub fn encode_dataset_each(
    snapshot_id: &str,
    dataset: &Dataset,
    chunk: &mut dyn FnMut(String, Vec<u8>),
) {
    let mut out = Encoder {
        prefix: snapshot_prefix(snapshot_id),
        chunk,
    };
    let c = dataset.customers();
    encode_table(&mut out, c);
    let mut attribute_names = TextColumn::new();
    for (i, attribute) in c.attributes.iter().enumerate() {
        attribute_names.push(&attribute.name);
        out.coded(Customers::NAME, &format!("attribute{i}"), &attribute.values);
    }
    out.whole_text(Customers::NAME, "attribute_names", &attribute_names);
    encode_table(&mut out, dataset.holdings());
    encode_table(&mut out, dataset.transactions());
    encode_table(&mut out, dataset.relationship_managers());
    encode_table(&mut out, dataset.interactions());
    encode_table(&mut out, dataset.feedback());
}

/// Encodes every column of a table, as its column list names them.
fn encode_table<T: Table>(out: &mut Encoder<'_>, table: &T) {
    struct TableEncoder<'e, 'c> {
        out: &'e mut Encoder<'c>,
        table: &'static str,
    }
    impl ColumnVisitor for TableEncoder<'_, '_> {
        fn text(&mut self, column: Column, values: &TextColumn) {
            self.out.text(self.table, column.name, values);
        }
        fn coded(&mut self, column: Column, values: &CodedColumn) {
            self.out.coded(self.table, column.name, values);
        }
        fn days(&mut self, column: Column, values: &[Day]) {
            self.out.days(self.table, column.name, values);
        }
        fn amounts(&mut self, column: Column, values: &[i64]) {
            self.out.amounts(self.table, column.name, values);
        }
        fn indices(&mut self, column: Column, values: &[u32]) {
            self.out.indices(self.table, column.name, values);
        }
        fn codes<V: ByteCode>(&mut self, column: Column, values: &[V]) {
            self.out
                .fixed(self.table, column.name, values, |v| [v.code()]);
        }
    }
    table.visit(&mut TableEncoder {
        out,
        table: T::NAME,
    });
}

/// Reads `rows` rows of every column of a table from chunks and adds them after `into`'s (an
/// empty table is filled without a copy). A column newer than the chunks' schema reads as
/// "unknown" (schema 1 had no product risk ratings, schema 7 no maturity dates), so old data stays readable without being
/// rewritten. On an error `into` is left part-filled, for the caller to drop.
fn decode_table<T: Table>(
    into: &mut T,
    input: &Decoder<'_>,
    rows: usize,
) -> Result<(), CodecError> {
    struct TableDecoder<'d, 'a> {
        input: &'d Decoder<'a>,
        table: &'static str,
        rows: usize,
        failed: Option<CodecError>,
    }
    impl TableDecoder<'_, '_> {
        fn read(&mut self, step: impl FnOnce(&Decoder<'_>, &str, usize) -> Result<(), CodecError>) {
            if self.failed.is_none() {
                if let Err(error) = step(self.input, self.table, self.rows) {
                    self.failed = Some(error);
                }
            }
        }
    }
    impl ColumnVisitorMut for TableDecoder<'_, '_> {
        fn text(&mut self, column: Column, values: &mut TextColumn) {
            self.read(|input, table, rows| {
                let read = input.text(table, column.name, rows)?;
                put(values, read, values.is_empty(), TextColumn::append);
                Ok(())
            });
        }
        fn coded(&mut self, column: Column, values: &mut CodedColumn) {
            self.read(|input, table, rows| {
                let read = input.coded(table, column.name, rows)?;
                put(values, read, values.is_empty(), CodedColumn::append);
                Ok(())
            });
        }
        fn days(&mut self, column: Column, values: &mut Vec<Day>) {
            self.read(|input, table, rows| {
                if input.schema_version < column.since_schema {
                    values.resize(values.len() + rows, Day::MISSING);
                    return Ok(());
                }
                input.days_into(table, column.name, rows, values)
            });
        }
        fn amounts(&mut self, column: Column, values: &mut Vec<i64>) {
            self.read(|input, table, rows| input.amounts_into(table, column.name, rows, values));
        }
        fn indices(&mut self, column: Column, values: &mut Vec<u32>) {
            self.read(|input, table, rows| input.indices_into(table, column.name, rows, values));
        }
        fn codes<V: ByteCode>(&mut self, column: Column, values: &mut Vec<V>) {
            self.read(|input, table, rows| {
                if input.schema_version < column.since_schema {
                    values.resize(values.len() + rows, V::from_code(0));
                    return Ok(());
                }
                let read = input.fixed(table, column.name, rows, |[b]| V::from_code(b))?;
                put(values, read, values.is_empty(), |v, r| {
                    v.extend_from_slice(r)
                });
                Ok(())
            });
        }
    }
    let mut decoder = TableDecoder {
        input,
        table: T::NAME,
        rows,
        failed: None,
    };
    into.visit_mut(&mut decoder);
    decoder.failed.map_or(Ok(()), Err)
}

/// Rows read into a column: an empty one takes them without a copy, a filled one (a snapshot's
/// second part) appends them.
fn put<C>(values: &mut C, read: C, empty: bool, append: fn(&mut C, &C)) {
    match empty {
        true => *values = read,
        false => append(values, &read),
    }
}

/// A table of `rows` rows read from chunks.
fn read_table<T: Table + Default>(input: &Decoder<'_>, rows: usize) -> Result<T, CodecError> {
    let mut table = T::default();
    decode_table(&mut table, input, rows)?;
    Ok(table)
}

/// Reads a dataset back from its chunks, looked up by key, written in layout `schema_version`.
///
/// Migration: a column added by a later schema is filled with its "unknown" value when an
/// older snapshot is read (schema 1 had no product risk ratings), so old data stays readable
/// without being rewritten.
pub fn decode_dataset(
    snapshot_id: &str,
    schema_version: u32,
    rows: &RowCounts,
    chunks: &dyn ChunkSource,
) -> Result<Dataset, CodecError> {
    let input = Decoder::new(snapshot_id, schema_version, chunks);
    let customers = decode_customers(&input, rows.customers)?;
    let holdings = read_table(&input, rows.holdings)?;
    let transactions = read_table(&input, rows.transactions)?;
    let relationship_managers = read_table(&input, rows.relationship_managers)?;
    let interactions = read_table(&input, rows.interactions)?;
    let feedback = read_table(&input, rows.feedback)?;
    Dataset::new(Tables {
        customers,
        holdings,
        transactions,
        relationship_managers,
        interactions,
        feedback,
    })
    .map_err(CodecError::Inconsistent)
}

/// The customers and relationship managers stored under `snapshot_id`, not the other tables
/// (whose chunks need not be there): the import's first worker checks the second's against
/// its own with them.
pub fn decode_customers_and_managers(
    snapshot_id: &str,
    rows: &RowCounts,
    chunks: &dyn ChunkSource,
) -> Result<(Customers, RelationshipManagers), CodecError> {
    // Chunks a worker has just encoded: the current layout.
    let input = Decoder::new(snapshot_id, SCHEMA_VERSION, chunks);
    Ok((
        decode_customers(&input, rows.customers)?,
        read_table(&input, rows.relationship_managers)?,
    ))
}

fn decode_customers(input: &Decoder<'_>, n: usize) -> Result<Customers, CodecError> {
    let mut customers: Customers = read_table(input, n)?;
    let names = input.whole_text(Customers::NAME, "attribute_names")?;
    for (i, name) in names.iter().enumerate() {
        customers.attributes.push(Attribute {
            name: name.to_owned(),
            values: input.coded(Customers::NAME, &format!("attribute{i}"), n)?,
        });
    }
    Ok(customers)
}

/// Where a snapshot's second part is stored: under `{snapshot_id}/2/`, inside the snapshot's
/// own key range, so whatever reads, copies or deletes a snapshot's chunks takes it along.
///
/// An import read by two workers stores the second worker's rows of the file it cut (holdings
/// or transactions) as they came, rather than having the first worker decode them into its
/// columns and encode everything again: the snapshot is the first part's dataset with the
/// second part's rows appended after its own, on every read.
pub fn second_part_id(snapshot_id: &str) -> String {
    format!("{snapshot_id}/2")
}

/// Reads a dataset stored as `rows` in all, of which `second_part` (holdings or transactions
/// only) are stored under [`second_part_id`] and follow the others of their table.
pub fn decode_with_part(
    snapshot_id: &str,
    schema_version: u32,
    rows: &RowCounts,
    second_part: &RowCounts,
    chunks: &dyn ChunkSource,
) -> Result<Dataset, CodecError> {
    if *second_part == RowCounts::NONE {
        return decode_dataset(snapshot_id, schema_version, rows, chunks);
    }
    let part_id = second_part_id(snapshot_id);
    let damaged = |why: &str| CodecError::CorruptChunk(format!("{part_id}: {why}"));
    let others = RowCounts {
        holdings: 0,
        transactions: 0,
        ..*second_part
    };
    if others != RowCounts::NONE {
        return Err(damaged(
            "only holdings or transactions can be a second part",
        ));
    }
    let first = RowCounts {
        holdings: (rows.holdings.checked_sub(second_part.holdings))
            .ok_or_else(|| damaged("more holdings than in all"))?,
        transactions: (rows.transactions.checked_sub(second_part.transactions))
            .ok_or_else(|| damaged("more transactions than in all"))?,
        ..*rows
    };
    let mut tables = decode_dataset(snapshot_id, schema_version, &first, chunks)?.into_tables();
    if second_part.holdings > 0 {
        append_holdings(
            &mut tables.holdings,
            &part_id,
            schema_version,
            second_part.holdings,
            chunks,
        )?;
    }
    if second_part.transactions > 0 {
        append_transactions(
            &mut tables.transactions,
            &part_id,
            schema_version,
            second_part.transactions,
            chunks,
        )?;
    }
    Dataset::new(tables).map_err(CodecError::Inconsistent)
}

/// Adds the `rows` transactions stored under `snapshot_id` after those of `into`, a column at
/// a time, integers straight into its columns: a snapshot's second part is read so (see
/// [`decode_with_part`]), holding at most one decoded column beside the table rather than the
/// part. On an error `into` is left part-appended, for the caller to drop.
pub fn append_transactions(
    into: &mut Transactions,
    snapshot_id: &str,
    schema_version: u32,
    rows: usize,
    chunks: &dyn ChunkSource,
) -> Result<(), CodecError> {
    decode_table(
        into,
        &Decoder::new(snapshot_id, schema_version, chunks),
        rows,
    )
}

/// [`append_transactions`] for holdings.
pub fn append_holdings(
    into: &mut Holdings,
    snapshot_id: &str,
    schema_version: u32,
    rows: usize,
    chunks: &dyn ChunkSource,
) -> Result<(), CodecError> {
    decode_table(
        into,
        &Decoder::new(snapshot_id, schema_version, chunks),
        rows,
    )
}

struct Encoder<'c> {
    prefix: String,
    chunk: &'c mut dyn FnMut(String, Vec<u8>),
}

impl Encoder<'_> {
    fn fixed<T: Copy, const W: usize>(
        &mut self,
        table: &str,
        column: &str,
        values: &[T],
        to_bytes: impl Fn(T) -> [u8; W],
    ) {
        for (i, rows) in values.chunks(CHUNK_ROWS).enumerate() {
            let mut bytes = Vec::with_capacity(rows.len() * W);
            for &value in rows {
                bytes.extend_from_slice(&to_bytes(value));
            }
            (self.chunk)(chunk_key(&self.prefix, table, column, i), bytes);
        }
    }

    /// Row numbers into another table (never negative).
    fn indices(&mut self, table: &str, column: &str, values: &[u32]) {
        self.integers(table, column, values, false, i64::from);
    }

    fn days(&mut self, table: &str, column: &str, values: &[Day]) {
        self.integers(table, column, values, true, |d| i64::from(d.0));
    }

    fn amounts(&mut self, table: &str, column: &str, values: &[i64]) {
        self.integers(table, column, values, true, |v| v);
    }

    /// Each chunk at the narrowest width (1 to 8 bytes, little-endian) that holds all its
    /// values: most stored bytes are small numbers (dates near today fit 2 bytes, amounts 4,
    /// a channel's code 1), and the browser's store and load time grows with the bytes.
    fn integers<T: Copy>(
        &mut self,
        table: &str,
        column: &str,
        values: &[T],
        signed: bool,
        wide: impl Fn(T) -> i64,
    ) {
        for (i, rows) in values.chunks(CHUNK_ROWS).enumerate() {
            let (low, high) = rows.iter().fold((0, 0), |(low, high), &v| {
                let v = wide(v);
                (v.min(low), v.max(high))
            });
            let width = narrowest_width(low, high, signed);
            let mut bytes = Vec::with_capacity(rows.len() * width);
            for &value in rows {
                bytes.extend_from_slice(&wide(value).to_le_bytes()[..width]);
            }
            (self.chunk)(chunk_key(&self.prefix, table, column, i), bytes);
        }
    }

    fn text(&mut self, table: &str, column: &str, values: &TextColumn) {
        let offsets = values.offsets();
        for (i, start_row) in (0..values.len()).step_by(CHUNK_ROWS).enumerate() {
            let end_row = (start_row + CHUNK_ROWS).min(values.len());
            let bytes = encode_numbered_rows(values, start_row, end_row)
                .unwrap_or_else(|| encode_text_rows(values, start_row, end_row, offsets));
            (self.chunk)(chunk_key(&self.prefix, table, column, i), bytes);
        }
    }

    fn coded(&mut self, table: &str, column: &str, values: &CodedColumn) {
        let mut dictionary = TextColumn::new();
        for value in values.values() {
            dictionary.push(value);
        }
        self.whole_text(table, &format!("{column}/dict"), &dictionary);
        self.indices(table, column, values.codes());
    }

    /// A small text column (a dictionary, a list of names) as one record, whatever its length.
    fn whole_text(&mut self, table: &str, column: &str, values: &TextColumn) {
        let bytes = encode_text_rows(values, 0, values.len(), values.offsets());
        (self.chunk)(format!("{}{table}/{column}", self.prefix), bytes);
    }
}

/// Set in a text chunk's row count when each row's length is one byte instead of an offset.
const SHORT_LENGTHS: u32 = 1 << 31;

/// Set in a text chunk's row count (schema 6 on) when every row is one prefix followed by a
/// number written with the same count of digits — transaction and customer numbers as core
/// banking systems issue them (`T0000000001`, `C00000023`, `20240105000123`).
const NUMBERED: u32 = 1 << 30;

/// The most digits a numbered chunk's numbers have: below 10^18, every difference between two
/// of them fits an `i64`. Longer runs of digits keep their head in the prefix.
const MAX_NUMBERED_DIGITS: usize = 18;
/// The longest prefix a numbered chunk repeats: every row is written out in full when read,
/// so a chunk of a few bytes must not stand for rows of unbounded length.
const MAX_NUMBERED_PREFIX: usize = 256;

/// `[row count | NUMBERED][prefix length u32][prefix][digits u8][first number u64][width
/// u8][row count - 1 differences from the row before, signed, at that width]`, when every row
/// of `start..end` is the first row's prefix and then exactly as many digits as the first row
/// ends with; otherwise `None`. Transaction numbers are 43% of M's stored bytes as text
/// (12 bytes a row); issued in order, their differences take 1 byte, and a run of equal bytes
/// costs the browser next to nothing to store and read back.
fn encode_numbered_rows(values: &TextColumn, start: usize, end: usize) -> Option<Vec<u8>> {
    let first = values.get(start);
    let digits = first
        .bytes()
        .rev()
        .take_while(u8::is_ascii_digit)
        .count()
        .min(MAX_NUMBERED_DIGITS);
    if digits == 0 || end - start > (NUMBERED - 1) as usize {
        return None;
    }
    // The digits are ASCII, so this cut is a character boundary.
    let prefix = &first[..first.len() - digits];
    if prefix.len() > MAX_NUMBERED_PREFIX {
        return None;
    }
    let number = |row: usize| -> Option<i64> {
        let tail = values.get(row).strip_prefix(prefix)?.as_bytes();
        if tail.len() != digits {
            return None;
        }
        tail.iter().try_fold(0i64, |number, &digit| {
            digit
                .is_ascii_digit()
                .then(|| number * 10 + i64::from(digit - b'0'))
        })
    };
    let numbers: Vec<i64> = (start..end).map(number).collect::<Option<_>>()?;
    let (low, high) = numbers.windows(2).fold((0, 0), |(low, high), pair| {
        let difference = pair[1] - pair[0];
        (difference.min(low), difference.max(high))
    });
    let width = narrowest_width(low, high, true);
    let rows = (end - start) as u32;
    let mut bytes = Vec::with_capacity(18 + prefix.len() + (end - start - 1) * width);
    bytes.extend_from_slice(&(rows | NUMBERED).to_le_bytes());
    bytes.extend_from_slice(&(prefix.len() as u32).to_le_bytes());
    bytes.extend_from_slice(prefix.as_bytes());
    bytes.push(digits as u8);
    bytes.extend_from_slice(&(numbers[0] as u64).to_le_bytes());
    bytes.push(width as u8);
    for pair in numbers.windows(2) {
        bytes.extend_from_slice(&(pair[1] - pair[0]).to_le_bytes()[..width]);
    }
    Some(bytes)
}

/// Whether a text chunk was written by [`encode_numbered_rows`].
fn is_numbered(bytes: &[u8]) -> bool {
    bytes.get(..4).is_some_and(|header| {
        let header = u32::from_le_bytes([header[0], header[1], header[2], header[3]]);
        header & (NUMBERED | SHORT_LENGTHS) == NUMBERED
    })
}

/// Appends the rows of a chunk written by [`encode_numbered_rows`] to `offsets` (the column's)
/// and `text` (whose UTF-8 the caller checks once for the column), checking every bound;
/// `None` if the chunk is damaged or does not hold `rows` rows.
fn decode_numbered_rows(
    bytes: &[u8],
    rows: usize,
    offsets: &mut Vec<u32>,
    text: &mut Vec<u8>,
) -> Option<()> {
    let mut at = 0usize;
    let mut take = |n: usize| -> Option<&[u8]> {
        let taken = bytes.get(at..at.checked_add(n)?)?;
        at += n;
        Some(taken)
    };
    let header = u32::from_le_bytes(take(4)?.try_into().ok()?);
    if header & !NUMBERED != rows as u32 || rows == 0 {
        return None;
    }
    let prefix_length = u32::from_le_bytes(take(4)?.try_into().ok()?) as usize;
    if prefix_length > MAX_NUMBERED_PREFIX {
        return None;
    }
    let prefix = take(prefix_length)?;
    let digits = usize::from(take(1)?[0]);
    let number = u64::from_le_bytes(take(8)?.try_into().ok()?) as i64;
    let width = usize::from(take(1)?[0]);
    if !(1..=MAX_NUMBERED_DIGITS).contains(&digits) || !(1..=8).contains(&width) {
        return None;
    }
    let differences = take((rows - 1).checked_mul(width)?)?;
    if at != bytes.len() {
        return None;
    }
    let limit = 10i64.pow(digits as u32);
    let row_length = prefix_length + digits;
    let start = text.len();
    let end = start.checked_add(rows.checked_mul(row_length)?)?;
    if u32::try_from(end).is_err() {
        return None;
    }
    // The row is kept whole and copied out a word at a time: in wasm a copy of a length known
    // only at run time is a call, one per row. Each copy may run up to 7 bytes past its row,
    // which the next row overwrites and the last leaves in spare room, cut off at the end.
    let mut row = vec![0u8; row_length.next_multiple_of(8)];
    row[..prefix_length].copy_from_slice(prefix);
    write_digits(&mut row[prefix_length..row_length], number, limit)?;
    text.resize(end + 8, 0);
    let write = match width {
        1 => write_numbered_rows::<1>,
        2 => write_numbered_rows::<2>,
        3 => write_numbered_rows::<3>,
        4 => write_numbered_rows::<4>,
        5 => write_numbered_rows::<5>,
        6 => write_numbered_rows::<6>,
        7 => write_numbered_rows::<7>,
        _ => write_numbered_rows::<8>,
    };
    write(
        differences,
        (number, limit),
        (&mut row, prefix_length, row_length),
        &mut text[start..],
    )?;
    text.truncate(end);
    offsets.extend((1..=rows).map(|row| (start + row * row_length) as u32));
    Some(())
}

/// Writes `number` into `digits` in decimal, zero-padded; `None` unless it is in `0..limit`.
fn write_digits(digits: &mut [u8], number: i64, limit: i64) -> Option<()> {
    if !(0..limit).contains(&number) {
        return None;
    }
    let mut rest = number as u64;
    for digit in digits.iter_mut().rev() {
        *digit = b'0' + (rest % 10) as u8;
        rest /= 10;
    }
    Some(())
}

/// The rows of a numbered chunk from its first `row` (prefix and first number written) and its
/// `W`-byte differences, into `out` from its start, row after row.
fn write_numbered_rows<const W: usize>(
    differences: &[u8],
    (mut number, limit): (i64, i64),
    (row, prefix_length, row_length): (&mut [u8], usize, usize),
    out: &mut [u8],
) -> Option<()> {
    let copy_out = |row: &[u8], out: &mut [u8], at: usize| {
        for word in (0..row.len()).step_by(8) {
            out[at + word..at + word + 8].copy_from_slice(&row[word..word + 8]);
        }
    };
    copy_out(row, out, 0);
    let shift = 64 - 8 * W as u32;
    for (i, difference) in differences.chunks_exact(W).enumerate() {
        let mut array = [0u8; 8];
        array[..W].copy_from_slice(difference);
        let difference = (i64::from_le_bytes(array) << shift) >> shift;
        number = number.checked_add(difference)?;
        if difference == 1 && (1..limit).contains(&number) {
            // Numbers issued in order: count the digits up in place.
            let mut digit = row_length - 1;
            while row[digit] == b'9' {
                row[digit] = b'0';
                digit -= 1;
            }
            row[digit] += 1;
        } else {
            write_digits(&mut row[prefix_length..row_length], number, limit)?;
        }
        copy_out(row, out, (i + 1) * row_length);
    }
    Some(())
}

/// `[row count u32][offsets relative to the chunk, count + 1 u32s][UTF-8 text]`, or, when no
/// row is longer than 255 bytes (ids, names, codes — nearly always), `[row count |
/// SHORT_LENGTHS][count lengths, u8 each][UTF-8 text]`.
fn encode_text_rows(values: &TextColumn, start: usize, end: usize, offsets: &[u32]) -> Vec<u8> {
    let base = offsets[start];
    let text = &values.bytes()[base as usize..offsets[end] as usize];
    let rows = (end - start) as u32;
    let lengths = offsets[start..=end].windows(2).map(|w| w[1] - w[0]);
    let short = lengths.clone().all(|length| length <= 255);
    let mut bytes = Vec::with_capacity(4 + (end - start + 1) * 4 + text.len());
    if short {
        bytes.extend_from_slice(&(rows | SHORT_LENGTHS).to_le_bytes());
        bytes.extend(lengths.map(|length| length as u8));
    } else {
        bytes.extend_from_slice(&rows.to_le_bytes());
        for &offset in &offsets[start..=end] {
            bytes.extend_from_slice(&(offset - base).to_le_bytes());
        }
    }
    bytes.extend_from_slice(text.as_bytes());
    bytes
}

/// The narrowest byte width holding every value in `low..=high` (two's complement when
/// `signed`).
fn narrowest_width(low: i64, high: i64, signed: bool) -> usize {
    (1..8)
        .find(|&width| {
            let bits = 8 * width as u32;
            if signed {
                let limit = 1i64 << (bits - 1);
                low >= -limit && high < limit
            } else {
                low >= 0 && high < 1i64 << bits
            }
        })
        .unwrap_or(8)
}

/// Appends a chunk of `W`-byte little-endian integers, widened to i64 (sign-extended when
/// `signed`) and converted by `from`.
fn read_integers<T, const W: usize>(
    bytes: &[u8],
    signed: bool,
    values: &mut Vec<T>,
    from: &impl Fn(i64) -> T,
) {
    let shift = 64 - 8 * W as u32;
    for item in bytes.chunks_exact(W) {
        let mut array = [0u8; 8];
        array[..W].copy_from_slice(item);
        let raw = i64::from_le_bytes(array) << shift;
        let value = if signed {
            raw >> shift
        } else {
            ((raw as u64) >> shift) as i64
        };
        values.push(from(value));
    }
}

fn chunk_key(prefix: &str, table: &str, column: &str, chunk: usize) -> String {
    format!("{prefix}{table}/{column}/{chunk:05}")
}

/// Where a decoder finds a chunk's bytes by key: a map in memory, or buffers held outside wasm
/// that are copied in one chunk at a time (so a dataset is never held twice over).
pub trait ChunkSource {
    /// The bytes stored under `key`, if any.
    fn chunk_bytes(&self, key: &str) -> Option<Cow<'_, [u8]>>;

    /// How many bytes are stored under `key`, without reading them.
    fn chunk_len(&self, key: &str) -> Option<usize>;
}

impl ChunkSource for HashMap<String, Vec<u8>> {
    fn chunk_bytes(&self, key: &str) -> Option<Cow<'_, [u8]>> {
        self.get(key).map(|bytes| Cow::Borrowed(bytes.as_slice()))
    }

    fn chunk_len(&self, key: &str) -> Option<usize> {
        self.get(key).map(Vec::len)
    }
}

/// Chunks borrowed from elsewhere (a backup being checked), read in place.
impl ChunkSource for HashMap<&str, &[u8]> {
    fn chunk_bytes(&self, key: &str) -> Option<Cow<'_, [u8]>> {
        self.get(key).map(|bytes| Cow::Borrowed(*bytes))
    }

    fn chunk_len(&self, key: &str) -> Option<usize> {
        self.get(key).map(|bytes| bytes.len())
    }
}

struct Decoder<'a> {
    prefix: String,
    chunks: &'a dyn ChunkSource,
    /// Rows per chunk in the layout read.
    chunk_rows: usize,
    /// Whether text chunks may be numbered (schema 6 on).
    numbered_text: bool,
    /// The layout read: columns added later read as "unknown".
    schema_version: u32,
}

impl<'a> Decoder<'a> {
    fn new(snapshot_id: &str, schema_version: u32, chunks: &'a dyn ChunkSource) -> Decoder<'a> {
        Decoder {
            prefix: snapshot_prefix(snapshot_id),
            chunks,
            chunk_rows: chunk_rows(schema_version),
            numbered_text: schema_version >= 6,
            schema_version,
        }
    }

    /// Checks, before room is made for `rows` rows of a column, that its chunks are there
    /// and hold at least `min_bytes_per_row` bytes a row: room is then made for rows the
    /// stored bytes stand for, never for a row count alone (a damaged count of two billion
    /// would ask for gigabytes).
    fn check_room(
        &self,
        (table, column): (&str, &str),
        rows: usize,
        min_bytes_per_row: usize,
    ) -> Result<(), CodecError> {
        for i in 0..rows.div_ceil(self.chunk_rows) {
            let key = chunk_key(&self.prefix, table, column, i);
            let expected_rows = (rows - i * self.chunk_rows).min(self.chunk_rows);
            match self.chunks.chunk_len(&key) {
                None => return Err(CodecError::MissingChunk(key)),
                Some(len) if len < expected_rows.saturating_mul(min_bytes_per_row) => {
                    return Err(CodecError::CorruptChunk(key))
                }
                Some(_) => {}
            }
        }
        Ok(())
    }

    fn chunk(&self, key: String) -> Result<(Cow<'a, [u8]>, String), CodecError> {
        match self.chunks.chunk_bytes(&key) {
            Some(bytes) => Ok((bytes, key)),
            None => Err(CodecError::MissingChunk(key)),
        }
    }

    fn fixed<T, const W: usize>(
        &self,
        table: &str,
        column: &str,
        rows: usize,
        from_bytes: impl Fn([u8; W]) -> T,
    ) -> Result<Vec<T>, CodecError> {
        self.check_room((table, column), rows, W)?;
        let mut values = Vec::with_capacity(rows);
        for i in 0..rows.div_ceil(self.chunk_rows) {
            let (bytes, key) = self.chunk(chunk_key(&self.prefix, table, column, i))?;
            let expected_rows = (rows - i * self.chunk_rows).min(self.chunk_rows);
            if bytes.len() != expected_rows * W {
                return Err(CodecError::CorruptChunk(key));
            }
            for item in bytes.chunks_exact(W) {
                let mut array = [0u8; W];
                array.copy_from_slice(item);
                values.push(from_bytes(array));
            }
        }
        Ok(values)
    }

    fn indices(&self, table: &str, column: &str, rows: usize) -> Result<Vec<u32>, CodecError> {
        let mut values = Vec::new();
        self.indices_into(table, column, rows, &mut values)?;
        Ok(values)
    }

    fn indices_into(
        &self,
        table: &str,
        column: &str,
        rows: usize,
        values: &mut Vec<u32>,
    ) -> Result<(), CodecError> {
        self.integers_into((table, column), rows, (4, false), |v| v as u32, values)
    }

    fn days_into(
        &self,
        table: &str,
        column: &str,
        rows: usize,
        values: &mut Vec<Day>,
    ) -> Result<(), CodecError> {
        self.integers_into((table, column), rows, (4, true), |v| Day(v as i32), values)
    }

    fn amounts_into(
        &self,
        table: &str,
        column: &str,
        rows: usize,
        values: &mut Vec<i64>,
    ) -> Result<(), CodecError> {
        self.integers_into((table, column), rows, (8, true), |v| v, values)
    }

    /// A column written by [`Encoder::integers`], added after the values already in `values`:
    /// each chunk's width is its byte length over its row count (schema 2 and older wrote every
    /// chunk at `max_width`, which reads the same).
    fn integers_into<T>(
        &self,
        (table, column): (&str, &str),
        rows: usize,
        (max_width, signed): (usize, bool),
        from: impl Fn(i64) -> T,
        values: &mut Vec<T>,
    ) -> Result<(), CodecError> {
        self.check_room((table, column), rows, 1)?;
        values.reserve_exact(rows);
        for i in 0..rows.div_ceil(self.chunk_rows) {
            let (bytes, key) = self.chunk(chunk_key(&self.prefix, table, column, i))?;
            let expected_rows = (rows - i * self.chunk_rows).min(self.chunk_rows);
            let width = bytes.len() / expected_rows;
            if bytes.len() % expected_rows != 0 || width == 0 || width > max_width {
                return Err(CodecError::CorruptChunk(key));
            }
            let read = match width {
                1 => read_integers::<T, 1>,
                2 => read_integers::<T, 2>,
                3 => read_integers::<T, 3>,
                4 => read_integers::<T, 4>,
                5 => read_integers::<T, 5>,
                6 => read_integers::<T, 6>,
                7 => read_integers::<T, 7>,
                _ => read_integers::<T, 8>,
            };
            read(&bytes, signed, values, &from);
        }
        Ok(())
    }

    fn text(&self, table: &str, column: &str, rows: usize) -> Result<TextColumn, CodecError> {
        // A text chunk takes at least a byte a row (a numbered one, its differences).
        self.check_room((table, column), rows, 1)?;
        let mut offsets = Vec::with_capacity(rows + 1);
        offsets.push(0u32);
        let mut text = Vec::new();
        for i in 0..rows.div_ceil(self.chunk_rows) {
            let (bytes, key) = self.chunk(chunk_key(&self.prefix, table, column, i))?;
            let expected_rows = (rows - i * self.chunk_rows).min(self.chunk_rows);
            if self.numbered_text && is_numbered(&bytes) {
                decode_numbered_rows(&bytes, expected_rows, &mut offsets, &mut text)
                    .ok_or(CodecError::CorruptChunk(key))?;
                continue;
            }
            let (chunk_offsets, chunk_text) = split_text_rows(&bytes, Some(expected_rows))
                .ok_or_else(|| CodecError::CorruptChunk(key.clone()))?;
            let base = text.len() as u32;
            offsets.extend(chunk_offsets[1..].iter().map(|&o| o + base));
            text.extend_from_slice(chunk_text);
        }
        // Checked once for the column: every chunk's rows, and where the chunks meet, must
        // fall on character boundaries of valid UTF-8.
        let key = chunk_key(&self.prefix, table, column, 0);
        String::from_utf8(text)
            .ok()
            .and_then(|text| TextColumn::from_parts(offsets, text))
            .ok_or(CodecError::CorruptChunk(key))
    }

    fn coded(&self, table: &str, column: &str, rows: usize) -> Result<CodedColumn, CodecError> {
        let dictionary = self.whole_text(table, &format!("{column}/dict"))?;
        let values = dictionary.iter().map(str::to_owned).collect();
        let codes = self.indices(table, column, rows)?;
        CodedColumn::from_parts(values, codes)
            .ok_or_else(|| CodecError::CorruptChunk(format!("{}{table}/{column}", self.prefix)))
    }

    fn whole_text(&self, table: &str, column: &str) -> Result<TextColumn, CodecError> {
        let (bytes, key) = self.chunk(format!("{}{table}/{column}", self.prefix))?;
        split_text_rows(&bytes, None)
            .and_then(|(offsets, text)| {
                let text = std::str::from_utf8(text).ok()?.to_owned();
                TextColumn::from_parts(offsets, text)
            })
            .ok_or(CodecError::CorruptChunk(key))
    }
}

/// Splits a text chunk into its offsets (from 0, never falling, ending at the text's end) and
/// its text, checking every bound; the caller checks the text's UTF-8 and where the offsets
/// fall in it ([`TextColumn::from_parts`]).
fn split_text_rows(bytes: &[u8], expected_rows: Option<usize>) -> Option<(Vec<u32>, &[u8])> {
    let read_u32 = |at: usize| -> Option<u32> {
        let slice = bytes.get(at..at + 4)?;
        Some(u32::from_le_bytes([slice[0], slice[1], slice[2], slice[3]]))
    };
    let header = read_u32(0)?;
    let rows = (header & !SHORT_LENGTHS) as usize;
    if expected_rows.is_some_and(|expected| expected != rows) {
        return None;
    }
    // The lengths must be there before room is made for them.
    let length_bytes = if header & SHORT_LENGTHS != 0 {
        rows
    } else {
        rows.checked_add(1)?.checked_mul(4)?
    };
    if bytes.len() < length_bytes.checked_add(4)? {
        return None;
    }
    let (offsets, text_start) = if header & SHORT_LENGTHS != 0 {
        let mut offsets = Vec::with_capacity(rows + 1);
        offsets.push(0u32);
        let mut end = 0u32;
        for &length in bytes.get(4..4 + rows)? {
            end = end.checked_add(u32::from(length))?;
            offsets.push(end);
        }
        (offsets, 4 + rows)
    } else {
        let offsets: Vec<u32> = (0..=rows)
            .map(|i| read_u32(4 + i * 4))
            .collect::<Option<_>>()?;
        (offsets, 4 + (rows + 1) * 4)
    };
    let text = bytes.get(text_start..)?;
    offsets_cut(&offsets, text.len()).then_some((offsets, text))
}
