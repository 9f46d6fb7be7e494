//! What a workbook will expand to, measured before its reader expands it.
//!
//! A workbook is a few bytes that stand for many: a zip archive inflates, `.ods` repeats rows
//! and columns by a count in an attribute, and `.xls` declares each sheet's dimensions. The
//! reader (calamine) lays out every sheet of an `.ods` or `.xls` as a dense grid as soon as
//! the file is opened, empty cells included; an 833-byte `.ods` or a 6 KB `.xls` can so ask
//! for gigabytes. Each check reads only what the file declares and refuses, with the figure,
//! what would not fit.

use super::sheet::ReadError;
use std::io::{Cursor, Read, Write};

/// The most an archive workbook (`.xlsx`, `.xlsb`, `.ods`) may expand to, and how many times
/// its own size: a few megabytes that inflate to gigabytes of XML are a bomb, not an export.
const MAX_EXPANDED_BYTES: u64 = 1 << 30;
const MAX_EXPANSION: u64 = 200;

/// The most cells a sheet read cell by cell (`.xlsx`, `.xlsb`) may spread over (its rows that
/// hold something × its widest row): a million customers of forty columns.
pub const MAX_WORKBOOK_CELLS: u64 = 40_000_000;

/// The most cells the sheets of an `.ods` or `.xls` may lay out together: their reader holds
/// every sheet as a grid of 32-byte cells (and `.ods` a formula beside each), so this is
/// about half a gigabyte — three hundred thousand customers of thirty columns. A small file
/// may lay out 32 cells a byte (at least a million): a real sheet's cells take bytes, so only
/// empty ones it is made to spread over could take more.
pub const MAX_LAID_OUT_CELLS: u64 = 10_000_000;

fn laid_out_limit(bytes: &[u8]) -> u64 {
    MAX_LAID_OUT_CELLS.min((bytes.len() as u64).saturating_mul(32).max(1_000_000))
}

/// Refuses a workbook that would expand past the limits above; anything else it cannot make
/// sense of is left for the reader to report. For an `.xls`, the bytes the reader is to read
/// instead: its checked workbook stream in a container written afresh, since the reader's own
/// walk of a damaged container's sectors can slice past what it read.
pub fn check_workbook(bytes: &[u8]) -> Result<Option<Vec<u8>>, ReadError> {
    if bytes.starts_with(b"PK") {
        let limit = expanded_limit(bytes);
        let mut archive = zip::ZipArchive::new(Cursor::new(bytes))
            .map_err(|e| ReadError::Workbook(e.to_string()))?;
        check_archive(&archive, limit)?;
        check_ods(&mut archive, limit, laid_out_limit(bytes))?;
        Ok(None)
    } else if bytes.starts_with(&CFB_SIGNATURE) {
        check_xls(bytes).map(Some)
    } else {
        Ok(None)
    }
}

type Archive<'a> = zip::ZipArchive<Cursor<&'a [u8]>>;

fn expanded_limit(bytes: &[u8]) -> u64 {
    MAX_EXPANDED_BYTES.min((bytes.len() as u64).saturating_mul(MAX_EXPANSION))
}

/// Refuses a zip archive whose members would expand past `limit`, from the sizes its
/// directory declares, before anything is inflated.
fn check_archive(archive: &Archive<'_>, limit: u64) -> Result<(), ReadError> {
    // Members written with data descriptors declare no size up front: the cell budgets hold
    // for them.
    let Some(expanded) = archive.decompressed_size() else {
        return Ok(());
    };
    let expanded = u64::try_from(expanded).unwrap_or(u64::MAX);
    if expanded > limit {
        return Err(ReadError::TooLarge(format!(
            "the workbook expands to {} MB (at most {} MB is read)",
            expanded >> 20,
            limit >> 20
        )));
    }
    Ok(())
}

const ODS_MIMETYPE: &[u8] = b"application/vnd.oasis.opendocument.spreadsheet";

/// The cells an OpenDocument spreadsheet lays out: per table, the rows up to its last one
/// holding something (each `table:number-rows-repeated` times) × its widest such row (cells
/// up to the last holding something, each `table:number-columns-repeated` times), as the
/// reader expands them; read from `content.xml` as a stream, at most `limit` bytes of it,
/// and refused past `most` cells.
fn check_ods(archive: &mut Archive<'_>, limit: u64, most: u64) -> Result<(), ReadError> {
    use quick_xml::events::{BytesStart, Event};
    let is_ods = archive.by_name("mimetype").is_ok_and(|file| {
        let mut mimetype = Vec::new();
        file.take(64).read_to_end(&mut mimetype).is_ok() && mimetype.starts_with(ODS_MIMETYPE)
    });
    if !is_ods {
        return Ok(());
    }
    let Ok(content) = archive.by_name("content.xml") else {
        return Ok(());
    };
    let mut reader = quick_xml::Reader::from_reader(std::io::BufReader::new(content.take(limit)));
    // The reader's own limits on a sheet (Excel's).
    const MAX_ROWS: u64 = 1_048_576;
    const MAX_COLUMNS: u64 = 16_384;
    let repeats = |element: &BytesStart<'_>, name: &str| -> u64 {
        element
            .try_get_attribute(name)
            .ok()
            .flatten()
            .and_then(|a| a.value.trim().parse::<u64>().ok())
            .unwrap_or(1)
    };
    let (mut total, mut rows, mut filled_rows, mut width) = (0u64, 0u64, 0u64, 0u64);
    let (mut row_repeats, mut columns, mut filled_columns) = (1u64, 0u64, 0u64);
    let mut buf = Vec::new();
    loop {
        let event = reader
            .read_event_into(&mut buf)
            .map_err(|e| ReadError::Workbook(e.to_string()))?;
        match event {
            Event::Start(e) | Event::Empty(e) if e.name().as_ref() == "table:table" => {
                (rows, filled_rows, width) = (0, 0, 0);
            }
            Event::Start(e) if e.name().as_ref() == "table:table-row" => {
                row_repeats = repeats(&e, "table:number-rows-repeated");
                (columns, filled_columns) = (0, 0);
            }
            ref event @ (Event::Start(ref e) | Event::Empty(ref e))
                if matches!(
                    e.name().as_ref(),
                    "table:table-cell" | "table:covered-table-cell"
                ) =>
            {
                // A cell with content (an element) or a typed value holds something.
                let filled = matches!(event, Event::Start(_))
                    || e.try_get_attribute("office:value-type")
                        .ok()
                        .flatten()
                        .is_some();
                columns = (columns + repeats(e, "table:number-columns-repeated")).min(MAX_COLUMNS);
                if filled {
                    filled_columns = columns;
                }
            }
            Event::End(e) if e.name().as_ref() == "table:table-row" => {
                rows = (rows + row_repeats).min(MAX_ROWS);
                if filled_columns > 0 {
                    filled_rows = rows;
                    width = width.max(filled_columns);
                }
            }
            Event::End(e) if e.name().as_ref() == "table:table" => {
                total = total.saturating_add(filled_rows.saturating_mul(width));
                if total > most {
                    return Err(ReadError::TooLarge(format!(
                        "its sheets repeat rows and columns over {total} cells (at most {most} are laid out for a file of this size)"
                    )));
                }
            }
            Event::Eof => return Ok(()),
            _ => {}
        }
        buf.clear();
    }
}

/// The signature of a compound file (the container of `.xls`).
const CFB_SIGNATURE: [u8; 8] = [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];

/// The cells a legacy `.xls` lays out: for each sheet its BOUNDSHEET record points to (as
/// the reader visits them), the larger of its declared DIMENSIONS (the reader reserves them)
/// and the span of its cell records (it lays them out from the first row and column held to
/// the last). A container that does not hold together, dimensions that end before they start,
/// or a sheet that points past the stream are damage the reader would not survive: refused
/// as such.
fn check_xls(bytes: &[u8]) -> Result<Vec<u8>, ReadError> {
    let damaged = |why: &str| ReadError::Workbook(format!("the workbook is damaged: {why}"));
    // The container is checked whole here (its sector chains end, and stay in the file):
    // the reader's own walk of a chain that loops grows without end.
    let mut file =
        cfb::CompoundFile::open(Cursor::new(bytes)).map_err(|e| damaged(&e.to_string()))?;
    let stream = ["/Workbook", "/Book"]
        .iter()
        .find_map(|name| file.open_stream(name).ok())
        .ok_or_else(|| damaged("it holds no workbook stream"))?;
    // A stream is made of the file's own sectors: never more than its size.
    let mut workbook = Vec::new();
    stream
        .take(bytes.len() as u64)
        .read_to_end(&mut workbook)
        .map_err(|e| damaged(&e.to_string()))?;
    let mut sheets = Vec::new();
    let globals: Vec<(u16, &[u8])> = BiffRecords(&workbook).collect();
    let mut blanked = Vec::new();
    let mut offset = 0;
    for (at, &(kind, data)) in globals.iter().enumerate() {
        let record_at = offset;
        offset += 4 + data.len();
        match kind {
            // The reader takes a number from these without looking at their length.
            FILEPASS | CODEPAGE | DATEMODE if data.len() < 2 => {
                return Err(damaged("a workbook setting is cut short"))
            }
            // Defined names and external sheet references serve formulas' text, which an
            // import does not read, and the reader indexes them unchecked: blanked.
            NAME | EXTERNSHEET => blanked.push(record_at),
            BOUNDSHEET if data.len() < 6 => return Err(damaged("a sheet entry is cut short")),
            BOUNDSHEET => sheets.push(u32_at(data, 0) as usize),
            BOF if data.len() < 2 => return Err(damaged("a BOF record is cut short")),
            SST => {
                let continues: Vec<&[u8]> = globals[at + 1..]
                    .iter()
                    .take_while(|(kind, _)| *kind == CONTINUE)
                    .map(|&(_, data)| data)
                    .collect();
                if !strings_read_whole(data, &continues) {
                    return Err(damaged("a shared string runs past its record"));
                }
            }
            EOF => break,
            _ => {}
        }
    }
    let (mut total, most) = (0u64, laid_out_limit(bytes));
    for position in sheets {
        let sheet = workbook
            .get(position..)
            .ok_or_else(|| damaged("a sheet lies past the end of the workbook"))?;
        let (cells, dimensions) = sheet_extent(sheet)
            .ok_or_else(|| damaged("a sheet's dimensions end before they start"))?;
        // The reader reserves room for a sheet's declared dimensions, whatever it holds:
        // blanked, it makes room for the cells there are.
        blanked.extend(dimensions.into_iter().map(|at| position + at));
        total = total.saturating_add(cells);
        if total > most {
            return Err(ReadError::TooLarge(format!(
                "its sheets spread over {total} cells (at most {most} are laid out for a file of this size)"
            )));
        }
    }
    for at in blanked {
        workbook[at..at + 2].copy_from_slice(&BLANKED.to_le_bytes());
    }
    rebuilt(&workbook).map_err(|e| damaged(&e.to_string()))
}

/// A compound file holding `workbook` as its one stream.
fn rebuilt(workbook: &[u8]) -> std::io::Result<Vec<u8>> {
    // Version 3 (512-byte sectors), as Excel writes `.xls`.
    let mut file =
        cfb::CompoundFile::create_with_version(cfb::Version::V3, Cursor::new(Vec::new()))?;
    file.create_stream("/Workbook")?.write_all(workbook)?;
    file.flush()?;
    Ok(file.into_inner().into_inner())
}

/// Whether the shared strings of an SST record (and its CONTINUE records) read to their end
/// the way the reader reads them, or stop where it reports an error: not where it would
/// index past a record's end (a cut-short run count or extension size, or an empty CONTINUE
/// where a string goes on).
fn strings_read_whole(sst: &[u8], continues: &[&[u8]]) -> bool {
    let Some(mut data) = sst.get(8..) else {
        return true;
    };
    let mut rest = continues.iter();
    loop {
        if data.is_empty() {
            match rest.next() {
                Some(next) => data = next,
                None => return true,
            }
            continue;
        }
        if data.len() < 3 {
            return true;
        }
        let (mut chars, flags) = (usize::from(u16_at(data, 0)), data[2]);
        data = &data[3..];
        let mut runs = 0;
        if flags & 0x8 != 0 {
            if data.len() < 2 {
                return false;
            }
            runs = usize::from(u16_at(data, 0));
            data = &data[2..];
        }
        let mut extension = 0;
        if flags & 0x4 != 0 {
            if data.len() < 4 {
                return false;
            }
            extension = u32_at(data, 0) as usize;
            data = &data[4..];
        }
        let mut wide = flags & 0x1 != 0;
        while chars > 0 {
            let taken = chars.min(if wide { data.len() / 2 } else { data.len() });
            data = &data[if wide { 2 * taken } else { taken }..];
            chars -= taken;
            if chars > 0 {
                match rest.next() {
                    Some([]) => return false,
                    Some(next) => {
                        wide = next[0] & 0x1 != 0;
                        data = &next[1..];
                    }
                    None => return true,
                }
            }
        }
        if !skip(&mut data, &mut rest, runs * 4) || !skip(&mut data, &mut rest, extension) {
            return true;
        }
    }
}

/// Skips `n` bytes of a record and its CONTINUE records; `false` when they end first.
fn skip<'a>(data: &mut &'a [u8], rest: &mut std::slice::Iter<'_, &'a [u8]>, mut n: usize) -> bool {
    while n > 0 {
        if data.is_empty() {
            match rest.next() {
                Some(next) => *data = next,
                None => return false,
            }
        }
        let step = n.min(data.len());
        *data = &data[step..];
        n -= step;
    }
    true
}

const BOF: u16 = 0x0809;
const EOF: u16 = 0x000A;
const BOUNDSHEET: u16 = 0x0085;
const SST: u16 = 0x00FC;
const FILEPASS: u16 = 0x002F;
const CODEPAGE: u16 = 0x0042;
const DATEMODE: u16 = 0x0022;
const NAME: u16 = 0x0018;
const EXTERNSHEET: u16 = 0x0017;
/// A record type no reader knows, for records left out without moving the ones after them.
const BLANKED: u16 = 0x7FFF;
const CONTINUE: u16 = 0x003C;
const DIMENSIONS: u16 = 0x0200;
const MULRK: u16 = 0x00BD;
/// FORMULA, LABELSST, NUMBER, RK, BOOLERR, LABEL, RSTRING: a row and a column first.
const CELLS: [u16; 7] = [0x0006, 0x00FD, 0x0203, 0x027E, 0x0205, 0x0204, 0x00D6];

/// The cells one sheet's substream lays out, and where its DIMENSIONS records are; `None`
/// for impossible dimensions.
fn sheet_extent(sheet: &[u8]) -> Option<(u64, Vec<usize>)> {
    let mut span = None::<(u32, u32, u32, u32)>;
    let mut dimension_records = Vec::new();
    let mut depth = 0u32;
    let mut cell = |row: u32, first: u32, last: u32| {
        let (r0, r1, c0, c1) = span.unwrap_or((row, row, first, last));
        span = Some((r0.min(row), r1.max(row), c0.min(first), c1.max(last)));
    };
    for (kind, data) in BiffRecords(sheet) {
        match kind {
            BOF => depth += 1,
            EOF if depth <= 1 => break,
            EOF => depth -= 1,
            // Nested substreams (charts) lay out nothing.
            _ if depth > 1 => {}
            DIMENSIONS => {
                if impossible_dimensions(data) {
                    return None;
                }
                dimension_records.push(data.as_ptr() as usize - sheet.as_ptr() as usize - 4);
            }
            MULRK if data.len() >= 6 => {
                let last = u32::from(u16_at(data, data.len() - 2));
                cell(u32::from(u16_at(data, 0)), u32::from(u16_at(data, 2)), last);
            }
            kind if CELLS.contains(&kind) && data.len() >= 4 => {
                let column = u32::from(u16_at(data, 2));
                cell(u32::from(u16_at(data, 0)), column, column);
            }
            _ => {}
        }
    }
    let spanned = span.map_or(0, |(r0, r1, c0, c1)| {
        u64::from(r1 - r0 + 1) * u64::from(c1.saturating_sub(c0) + 1)
    });
    Some((spanned, dimension_records))
}

/// Whether a DIMENSIONS record, read as the reader reads it, ends before it starts: damage
/// (the reader's arithmetic on it would wrap).
fn impossible_dimensions(data: &[u8]) -> bool {
    let (first_row, end_row, mut first_column, end_column) = match data.len() {
        10 => (
            u32::from(u16_at(data, 0)),
            u32::from(u16_at(data, 2)),
            u32::from(u16_at(data, 4)),
            u32::from(u16_at(data, 6)),
        ),
        14 | 16 => (
            u32_at(data, 0),
            u32_at(data, 4),
            u32::from(u16_at(data, 8)),
            u32::from(u16_at(data, 10)),
        ),
        _ => return false,
    };
    if first_column > 0xFF || end_column < first_column {
        first_column = 0;
    }
    end_row != 0 && end_column != 0 && (end_row - 1 < first_row || end_column - 1 < first_column)
}

fn u16_at(data: &[u8], at: usize) -> u16 {
    u16::from_le_bytes([data[at], data[at + 1]])
}

fn u32_at(data: &[u8], at: usize) -> u32 {
    u32::from_le_bytes([data[at], data[at + 1], data[at + 2], data[at + 3]])
}

/// BIFF records `(type, data)` in order, until one is cut short.
struct BiffRecords<'a>(&'a [u8]);

impl<'a> Iterator for BiffRecords<'a> {
    type Item = (u16, &'a [u8]);

    fn next(&mut self) -> Option<Self::Item> {
        let header = self.0.get(..4)?;
        let kind = u16_at(header, 0);
        let length = usize::from(u16_at(header, 2));
        let data = self.0.get(4..4 + length)?;
        self.0 = &self.0[4 + length..];
        Some((kind, data))
    }
}
