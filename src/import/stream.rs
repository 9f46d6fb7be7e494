//! Reading a text export a piece at a time, as UTF-8, whatever it was written in.
//!
//! A 125 MB transactions file is never held whole: the parser pulls a couple of megabytes at a
//! time from a [`ByteSource`] (a `File` in the browser, bytes or a file natively) through a
//! [`TextStream`], which validates or decodes each piece. So an import needs memory for what it
//! builds, not for the files it reads.

use super::decode::TextEncoding;
use encoding_rs::{CoderResult, Decoder, GB18030};
use std::cell::Cell;
use std::fmt;
use std::io;
use std::rc::Rc;

/// Bytes that can be read at any offset: a browser `File`, a file on disk, bytes in memory.
pub trait ByteSource {
    /// The size in bytes.
    fn len(&self) -> u64;

    /// Whether the source has no bytes.
    fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Fills `buf` from `offset` on; the number of bytes read, short only at the end.
    fn read_at(&self, offset: u64, buf: &mut [u8]) -> io::Result<usize>;
}

impl ByteSource for Vec<u8> {
    fn len(&self) -> u64 {
        self.as_slice().len() as u64
    }

    fn read_at(&self, offset: u64, buf: &mut [u8]) -> io::Result<usize> {
        let start = (offset as usize).min(self.as_slice().len());
        let end = (start + buf.len()).min(self.as_slice().len());
        buf[..end - start].copy_from_slice(&self[start..end]);
        Ok(end - start)
    }
}

/// A file on disk, read with positioned reads (the command-line tool, benchmarks).
pub struct FileSource {
    file: std::sync::Mutex<std::fs::File>,
    len: u64,
}

impl FileSource {
    /// Opens `path`.
    pub fn open(path: &std::path::Path) -> io::Result<FileSource> {
        let file = std::fs::File::open(path)?;
        let len = file.metadata()?.len();
        Ok(FileSource {
            file: std::sync::Mutex::new(file),
            len,
        })
    }
}

impl ByteSource for FileSource {
    fn len(&self) -> u64 {
        self.len
    }

    fn read_at(&self, offset: u64, buf: &mut [u8]) -> io::Result<usize> {
        use std::io::{Read, Seek, SeekFrom};
        let mut file = self
            .file
            .lock()
            .map_err(|_| io::Error::other("file lock"))?;
        file.seek(SeekFrom::Start(offset))?;
        let mut filled = 0;
        while filled < buf.len() {
            match file.read(&mut buf[filled..])? {
                0 => break,
                n => filled += n,
            }
        }
        Ok(filled)
    }
}

/// The first `end` bytes of a source: the first part of a file cut in two.
pub struct Prefix<'s> {
    /// The whole source.
    pub source: &'s dyn ByteSource,
    /// Where the prefix stops.
    pub end: u64,
}

impl ByteSource for Prefix<'_> {
    fn len(&self) -> u64 {
        self.end.min(self.source.len())
    }

    fn read_at(&self, offset: u64, buf: &mut [u8]) -> io::Result<usize> {
        let left = self.len().saturating_sub(offset);
        let n = buf.len().min(usize::try_from(left).unwrap_or(usize::MAX));
        self.source.read_at(offset, &mut buf[..n])
    }
}

/// A shared source, compared by identity (two sheets of the same file are equal).
#[derive(Clone)]
pub struct SharedSource(pub Rc<dyn ByteSource>);

impl SharedSource {
    /// Wraps a source.
    pub fn new(source: impl ByteSource + 'static) -> SharedSource {
        SharedSource(Rc::new(source))
    }

    /// Reads up to `limit` bytes from the start.
    pub fn head(&self, limit: usize) -> io::Result<Vec<u8>> {
        let mut head = vec![0; limit.min(self.0.len() as usize)];
        let n = self.0.read_at(0, &mut head)?;
        head.truncate(n);
        Ok(head)
    }

    /// Reads the whole source (workbooks and JSON, which are parsed in one piece).
    pub fn whole(&self) -> io::Result<Vec<u8>> {
        self.head(self.0.len() as usize)
    }
}

impl fmt::Debug for SharedSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "SharedSource({} bytes)", self.0.len())
    }
}

impl PartialEq for SharedSource {
    fn eq(&self, other: &SharedSource) -> bool {
        Rc::ptr_eq(&self.0, &other.0)
    }
}

impl Eq for SharedSource {}

/// Bytes read per piece: large enough that the per-read cost of a browser `File` vanishes,
/// small next to what the import builds.
pub const PIECE_BYTES: usize = 8 << 20;

/// The first piece's size.
const FIRST_PIECE_BYTES: usize = 64 << 10;

/// What a pass over the text met, readable while the pass runs.
#[derive(Debug, Default)]
pub struct DecodeStats {
    /// Characters that did not decode (each now a U+FFFD in the text).
    pub malformed: Cell<usize>,
    /// Quote characters handed out, when counted ([`TextStream::counting_quotes`]).
    pub quotes: Cell<usize>,
}

enum Mode {
    /// UTF-8, validated piece by piece and handed on without a copy. `may_switch`: the encoding
    /// was guessed, not chosen, and no non-ASCII byte has been seen yet.
    Utf8 { may_switch: bool },
    /// Any other encoding (or a switch away from UTF-8), through `encoding_rs`.
    Decode(Decoder),
}

/// An [`io::Read`] of a source's text as UTF-8.
///
/// Valid UTF-8 passes through untouched, so a U+FFFD the exporter wrote is text, not damage —
/// as when the file is decoded whole. Invalid bytes become U+FFFD and are counted. A file whose
/// encoding was guessed as UTF-8 from its first bytes, but meets bytes that are not UTF-8
/// before any non-ASCII character, is read on as GB18030: the whole file would have been
/// detected so, and its ASCII start reads the same either way.
pub struct TextStream<'s> {
    source: &'s dyn ByteSource,
    next_offset: u64,
    piece_bytes: usize,
    /// The next piece's size: pieces start small and double up to `piece_bytes`, so a pass
    /// that stops after a few rows (the preview, detection) reads kilobytes, not megabytes.
    next_piece: usize,
    mode: Mode,
    /// Raw bytes: `raw[..raw_len]`, of which `raw[raw_used..]` still await decoding.
    raw: Vec<u8>,
    raw_len: usize,
    raw_used: usize,
    /// Decoded text when it cannot be served from `raw` directly.
    text: Vec<u8>,
    from_raw: bool,
    pos: usize,
    end: usize,
    source_done: bool,
    count_quotes: bool,
    stats: &'s DecodeStats,
}

impl<'s> TextStream<'s> {
    /// Reads `source` from `start` (past any byte-order mark) in `encoding`; `guessed` when the
    /// encoding came from detection and may be corrected as described above.
    pub fn new(
        source: &'s dyn ByteSource,
        start: u64,
        encoding: TextEncoding,
        guessed: bool,
        piece_bytes: usize,
        stats: &'s DecodeStats,
    ) -> TextStream<'s> {
        let mode = match encoding {
            TextEncoding::Utf8 => Mode::Utf8 {
                may_switch: guessed,
            },
            other => Mode::Decode(other.encoding().new_decoder_without_bom_handling()),
        };
        TextStream {
            source,
            next_offset: start,
            piece_bytes: piece_bytes.max(4),
            next_piece: FIRST_PIECE_BYTES.min(piece_bytes.max(4)),
            mode,
            raw: Vec::new(),
            raw_len: 0,
            raw_used: 0,
            text: Vec::new(),
            from_raw: false,
            pos: 0,
            end: 0,
            source_done: false,
            count_quotes: false,
            stats,
        }
    }

    /// Counts the quote characters handed out in [`DecodeStats::quotes`]: a part of a file
    /// that had none cannot have ended inside a quoted field.
    pub fn counting_quotes(mut self) -> TextStream<'s> {
        self.count_quotes = true;
        self
    }

    /// Reads the next piece after whatever raw bytes are left undecoded (at most a split
    /// character).
    fn read_piece(&mut self) -> io::Result<()> {
        let left = self.raw_len - self.raw_used;
        let piece = self.next_piece;
        self.next_piece = (piece * 2).min(self.piece_bytes);
        // Room for the (at most three) bytes of a split character and a piece.
        let room = left.max(4) + piece;
        if self.raw.len() < room {
            self.raw.resize(room, 0);
        }
        self.raw.copy_within(self.raw_used..self.raw_len, 0);
        let n = self
            .source
            .read_at(self.next_offset, &mut self.raw[left..left + piece])?;
        self.next_offset += n as u64;
        self.source_done = n == 0 || self.next_offset >= self.source.len();
        self.raw_len = left + n;
        self.raw_used = 0;
        Ok(())
    }

    /// Makes `pos..end` the next text to hand out; false at the end.
    fn refill(&mut self) -> io::Result<bool> {
        let mut need_more = self.raw_used == self.raw_len;
        loop {
            if need_more {
                if self.source_done {
                    return Ok(false);
                }
                self.read_piece()?;
            }
            let produced = match self.mode {
                Mode::Utf8 { .. } => self.utf8_step(),
                Mode::Decode(_) => self.decode_step(),
            };
            if produced {
                return Ok(true);
            }
            // Nothing came out: the bytes left are the start of a split character.
            need_more = true;
        }
    }

    /// Validates the undecoded raw bytes; whether it produced text.
    fn utf8_step(&mut self) -> bool {
        let Mode::Utf8 { may_switch } = &mut self.mode else {
            return false;
        };
        let bytes = &self.raw[self.raw_used..self.raw_len];
        let (valid, bad) = match std::str::from_utf8(bytes) {
            Ok(_) => (bytes.len(), None),
            Err(error) => (error.valid_up_to(), error.error_len()),
        };
        let bad = match bad {
            // A character split between pieces waits for the rest, unless nothing follows.
            None if valid < bytes.len() && !self.source_done => None,
            None if valid < bytes.len() => Some(bytes.len() - valid),
            other => other,
        };
        if *may_switch && !bytes[..valid].is_ascii() {
            *may_switch = false;
        }
        if bad.is_some() && *may_switch {
            // ASCII so far, then bytes that are not UTF-8: a GBK file with an ASCII start.
            self.mode = Mode::Decode(GB18030.new_decoder_without_bom_handling());
            return self.decode_step();
        }
        if valid > 0 {
            self.from_raw = true;
            self.pos = self.raw_used;
            self.end = self.raw_used + valid;
            self.raw_used += valid;
            return true;
        }
        match bad {
            Some(length) => {
                self.stats.malformed.set(self.stats.malformed.get() + 1);
                self.text.clear();
                self.text.extend_from_slice("\u{FFFD}".as_bytes());
                self.from_raw = false;
                self.pos = 0;
                self.end = self.text.len();
                self.raw_used += length;
                true
            }
            None => false,
        }
    }

    /// Decodes the undecoded raw bytes; whether it produced text.
    fn decode_step(&mut self) -> bool {
        let Mode::Decode(decoder) = &mut self.mode else {
            return false;
        };
        let input = &self.raw[self.raw_used..self.raw_len];
        let room = decoder
            .max_utf8_buffer_length(input.len())
            .unwrap_or(input.len() * 3 + 16);
        self.text.clear();
        self.text.resize(room, 0);
        let last = self.source_done;
        let (result, read, written, replaced) = decoder.decode_to_utf8(input, &mut self.text, last);
        debug_assert!(matches!(result, CoderResult::InputEmpty));
        self.raw_used += read;
        self.text.truncate(written);
        if replaced {
            let count = self
                .text
                .windows(3)
                .filter(|w| w == b"\xEF\xBF\xBD")
                .count();
            self.stats.malformed.set(self.stats.malformed.get() + count);
        }
        self.from_raw = false;
        self.pos = 0;
        self.end = written;
        written > 0
    }
}

impl io::Read for TextStream<'_> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if self.pos == self.end && !self.refill()? {
            return Ok(0);
        }
        let available = if self.from_raw {
            &self.raw[self.pos..self.end]
        } else {
            &self.text[self.pos..self.end]
        };
        let n = available.len().min(buf.len());
        buf[..n].copy_from_slice(&available[..n]);
        if self.count_quotes {
            let quotes = memchr::memchr_iter(b'"', &buf[..n]).count();
            self.stats.quotes.set(self.stats.quotes.get() + quotes);
        }
        self.pos += n;
        Ok(n)
    }
}
