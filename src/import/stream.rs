//! Reading a text export a piece at a time, as UTF-8, whatever it was written in.
//!
//! A 125 MB transactions file is never held whole: its bytes come a couple of megabytes at a
//! time, from a [`ByteSource`] the caller hands in (a `File` in the browser, bytes or a file natively) through
//! [`read_pieces`], or from a browser worker reading ahead, and a [`TextDecoder`] validates or
//! decodes each piece. So an import needs memory for what it builds, not for the files it reads.

use super::decode::TextEncoding;
use encoding_rs::{CoderResult, Decoder, Encoding, GB18030};
use std::fmt;
use std::io;
use std::rc::Rc;

/// Bytes that can be read at any offset: a browser `File`, a file on disk, bytes in memory.
/// The shells implement it for what they read (the worker for a `File`, the command-line tool
/// for a file); the core only reads through it.
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

/// Reads `source[start..end]` in pieces that start small and double up to `piece_bytes` (so a
/// pass that stops after a few rows, as previews and detection do, reads kilobytes), handing
/// each to `piece` until it returns `false`.
pub fn read_pieces(
    source: &dyn ByteSource,
    start: u64,
    end: u64,
    piece_bytes: usize,
    mut piece: impl FnMut(&[u8]) -> bool,
) -> io::Result<()> {
    let piece_bytes = piece_bytes.max(1);
    let mut size = FIRST_PIECE_BYTES.min(piece_bytes);
    let mut buf = Vec::new();
    let mut at = start;
    while at < end {
        let want = size.min(usize::try_from(end - at).unwrap_or(usize::MAX));
        buf.resize(want, 0);
        let n = source.read_at(at, &mut buf)?;
        if n == 0 {
            break;
        }
        at += n as u64;
        if !piece(&buf[..n]) {
            break;
        }
        size = (size * 2).min(piece_bytes);
    }
    Ok(())
}

/// What a pass over the text met.
#[derive(Debug, Default)]
pub struct DecodeStats {
    /// Characters that did not decode (each now a U+FFFD in the text).
    pub malformed: usize,
    /// Quote characters handed out, when counted ([`TextDecoder::counting_quotes`]).
    pub quotes: usize,
    /// Whether the text being handed on is a line of a GB18030 text whose bytes are UTF-8
    /// text (a file pieced together from two systems' exports): handed on as UTF-8 and
    /// flagged, never read as GBK gibberish.
    pub in_other_encoding: bool,
}

enum Mode {
    /// The encoding was guessed and nothing so far shows which it is (ASCII, or stray bytes
    /// that are neither encoding's): bytes from the first non-ASCII one are held in `window`
    /// until they show it ([`EVIDENCE_BYTES`]).
    Undecided { window: Vec<u8> },
    /// UTF-8, validated piece by piece and handed on without a copy.
    Utf8,
    /// GB18030, line by line: a line whose bytes are UTF-8 text is handed on as such
    /// ([`DecodeStats::in_other_encoding`]). `line` holds a line not yet ended; `unchecked`,
    /// that a line too long to hold went to the decoder, its rest following it there.
    Gb18030 {
        decoder: Decoder,
        line: Vec<u8>,
        unchecked: bool,
    },
    /// UTF-16, through `encoding_rs`.
    Decode(Decoder),
}

const REPLACEMENT: &[u8] = "\u{FFFD}".as_bytes();

/// How many bytes from the first non-ASCII one an undecided text holds back to weigh its
/// encoding: a few hundred names or cities.
pub const EVIDENCE_BYTES: usize = 64 << 10;

/// The longest GB18030 line held back to be checked for UTF-8 text.
const HELD_LINE_BYTES: usize = 64 << 10;

/// A source's text as UTF-8, from its bytes as they arrive, in pieces of any size: the reader
/// of a file is whoever has its bytes (a loop over a [`ByteSource`], or a browser worker that
/// asks for the next slice while it parses this one), so the decoder never reads.
///
/// Valid UTF-8 passes through untouched, so a U+FFFD the exporter wrote is text, not damage —
/// as when the file is decoded whole. Invalid bytes become U+FFFD and are counted. A file whose
/// encoding was guessed from a start with no evidence in it (all ASCII, say, for a megabyte)
/// is decided by the evidence after it ([`super::decode::Evidence`]), never by one byte.
pub struct TextDecoder {
    mode: Mode,
    /// The start of a character split between pieces (UTF-8 only; `encoding_rs` keeps its own).
    carry: Vec<u8>,
    /// Decoded text, when it cannot be handed on from the piece itself.
    text: Vec<u8>,
    count_quotes: bool,
    stats: DecodeStats,
}

impl TextDecoder {
    /// Decodes text in `encoding`; `undecided` when the encoding was guessed from a start that
    /// showed no evidence, so the text after it decides (`encoding` is then UTF-8).
    pub fn new(encoding: TextEncoding, undecided: bool) -> TextDecoder {
        let mode = match encoding {
            _ if undecided => Mode::Undecided { window: Vec::new() },
            TextEncoding::Utf8 => Mode::Utf8,
            TextEncoding::Gb18030 => Mode::gb18030(),
            other => Mode::Decode(other.encoding().new_decoder_without_bom_handling()),
        };
        TextDecoder {
            mode,
            carry: Vec::new(),
            text: Vec::new(),
            count_quotes: false,
            stats: DecodeStats::default(),
        }
    }

    /// Counts the quote characters handed out in [`DecodeStats::quotes`]: a part of a file
    /// that had none cannot have ended inside a quoted field.
    pub fn counting_quotes(mut self) -> TextDecoder {
        self.count_quotes = true;
        self
    }

    /// What the text met so far.
    pub fn stats(&self) -> &DecodeStats {
        &self.stats
    }

    /// Decodes the next bytes, handing the text to `text` in order (a character split at the
    /// end waits for the next piece). `text` gets the decoder's counts as they stand.
    pub fn decode(&mut self, bytes: &[u8], text: &mut dyn FnMut(&[u8], &DecodeStats)) {
        match &mut self.mode {
            Mode::Undecided { window } => {
                let mut rest = bytes;
                if window.is_empty() {
                    let ascii = rest
                        .iter()
                        .position(|b| !b.is_ascii())
                        .unwrap_or(rest.len());
                    rest = &rest[ascii..];
                    if ascii > 0 {
                        self.hand_on(&bytes[..ascii], text);
                    }
                }
                if let Mode::Undecided { window } = &mut self.mode {
                    window.extend_from_slice(rest);
                    if window.len() >= EVIDENCE_BYTES {
                        self.settle(false, text);
                    }
                }
            }
            Mode::Utf8 => self.utf8_piece(bytes, text),
            Mode::Gb18030 { .. } => self.gb18030(bytes, false, text),
            Mode::Decode(_) => self.decode_other(bytes, false, text),
        }
    }

    /// The end of the text: a character left unfinished becomes a U+FFFD.
    pub fn finish(&mut self, text: &mut dyn FnMut(&[u8], &DecodeStats)) {
        match self.mode {
            Mode::Undecided { .. } => self.settle(true, text),
            Mode::Utf8 => {
                let carry = std::mem::take(&mut self.carry);
                self.utf8(&carry, true, text);
            }
            Mode::Gb18030 { .. } => self.gb18030(&[], true, text),
            Mode::Decode(_) => self.decode_other(&[], true, text),
        }
    }

    /// Decides an undecided text by the bytes held back, and decodes them so. With no evidence
    /// in them, their stray bytes become U+FFFD and the text stays undecided.
    fn settle(&mut self, last: bool, text: &mut dyn FnMut(&[u8], &DecodeStats)) {
        let Mode::Undecided { window } = &mut self.mode else {
            return;
        };
        let window = std::mem::take(window);
        match super::decode::weigh_encoding(&window) {
            Some(TextEncoding::Gb18030) => {
                self.mode = Mode::gb18030();
                self.gb18030(&window, last, text);
            }
            Some(_) => {
                self.mode = Mode::Utf8;
                self.utf8_piece(&window, text);
                if last {
                    self.finish(text);
                }
            }
            None => {
                let used = self.utf8(&window, last, text);
                self.mode = Mode::Undecided {
                    window: window[used..].to_vec(),
                };
            }
        }
    }

    /// Validates a piece of UTF-8 text, completing a character split at the last piece's end.
    fn utf8_piece(&mut self, bytes: &[u8], text: &mut dyn FnMut(&[u8], &DecodeStats)) {
        let mut rest = bytes;
        if !self.carry.is_empty() {
            // Complete the split character from the piece's first bytes (at most three).
            let take = rest.len().min(3);
            let mut joined = std::mem::take(&mut self.carry);
            let carried = joined.len();
            joined.extend_from_slice(&rest[..take]);
            let used = self.utf8(&joined, false, text);
            if used < carried {
                // Still a character's start only: the piece was shorter than its rest.
                self.carry = joined[used..].to_vec();
                return;
            }
            rest = &rest[used - carried..];
        }
        let used = self.utf8(rest, false, text);
        self.carry = rest[used..].to_vec();
    }

    /// Validates UTF-8, handing on valid runs and a U+FFFD per invalid sequence; the bytes
    /// used (all but a character split at the end, unless `last`).
    fn utf8(
        &mut self,
        bytes: &[u8],
        last: bool,
        text: &mut dyn FnMut(&[u8], &DecodeStats),
    ) -> usize {
        let mut at = 0;
        while at < bytes.len() {
            let rest = &bytes[at..];
            // encoding_rs finds the valid run about a quarter faster than std in wasm (53 ms
            // against 71 for M's transactions under node); std then names the bad sequence.
            let run = Encoding::utf8_valid_up_to(rest);
            let (valid, bad) = match std::str::from_utf8(&rest[run..]) {
                Ok(_) => (rest.len(), None),
                Err(error) => (run + error.valid_up_to(), error.error_len()),
            };
            let bad = match bad {
                // A character split between pieces waits for the rest, unless nothing follows.
                None if valid < rest.len() && !last => None,
                None if valid < rest.len() => Some(rest.len() - valid),
                other => other,
            };
            if valid > 0 {
                self.hand_on(&rest[..valid], text);
            }
            at += valid;
            match bad {
                Some(length) => {
                    self.stats.malformed += 1;
                    text(REPLACEMENT, &self.stats);
                    at += length;
                }
                None => break,
            }
        }
        at
    }

    /// Decodes GB18030 a line at a time, holding back a line not yet ended.
    fn gb18030(&mut self, bytes: &[u8], last: bool, text: &mut dyn FnMut(&[u8], &DecodeStats)) {
        let Mode::Gb18030 {
            line, unchecked, ..
        } = &mut self.mode
        else {
            return;
        };
        let mut rest = bytes;
        if *unchecked {
            // The rest of a line too long to hold goes where its start went.
            let end = memchr::memchr(b'\n', rest).map_or(rest.len(), |at| at + 1);
            *unchecked = end == rest.len() && rest.last() != Some(&b'\n');
            self.decode_other(&rest[..end], last && end == rest.len(), text);
            rest = &rest[end..];
        } else if !line.is_empty() {
            // The held line, completed by the piece's first line.
            let end = memchr::memchr(b'\n', rest).map(|at| at + 1);
            let mut held = std::mem::take(line);
            match end {
                Some(end) => {
                    held.extend_from_slice(&rest[..end]);
                    rest = &rest[end..];
                    self.gb18030_lines(&held, false, text);
                }
                None if last => {
                    held.extend_from_slice(rest);
                    rest = &[];
                    self.gb18030_lines(&held, false, text);
                }
                None => {
                    held.extend_from_slice(rest);
                    self.hold(held, text);
                    return;
                }
            }
        }
        let complete = if last {
            rest.len()
        } else {
            memchr::memrchr(b'\n', rest).map_or(0, |at| at + 1)
        };
        if complete > 0 || last {
            self.gb18030_lines(&rest[..complete], last, text);
        }
        if complete < rest.len() {
            self.hold(rest[complete..].to_vec(), text);
        }
    }

    /// Holds the start of a line until it ends, or decodes it unchecked when it is too long
    /// to hold.
    fn hold(&mut self, held: Vec<u8>, text: &mut dyn FnMut(&[u8], &DecodeStats)) {
        if held.len() > HELD_LINE_BYTES {
            self.decode_other(&held, false, text);
            if let Mode::Gb18030 { unchecked, .. } = &mut self.mode {
                *unchecked = true;
            }
        } else if let Mode::Gb18030 { line, .. } = &mut self.mode {
            *line = held;
        }
    }

    /// Decodes whole lines of GB18030 (the last may be unended when `last`), handing on a line
    /// whose bytes are UTF-8 text as it is.
    fn gb18030_lines(
        &mut self,
        lines: &[u8],
        last: bool,
        text: &mut dyn FnMut(&[u8], &DecodeStats),
    ) {
        let mut from = 0;
        if !lines.is_ascii() {
            let mut start = 0;
            while start < lines.len() {
                let end =
                    memchr::memchr(b'\n', &lines[start..]).map_or(lines.len(), |at| start + at + 1);
                let line = &lines[start..end];
                if is_utf8_text(line) {
                    // The decoder holds nothing at a line's start: the line before ended in
                    // an ASCII line break.
                    self.decode_other(&lines[from..start], false, text);
                    self.stats.in_other_encoding = true;
                    self.hand_on(line, text);
                    self.stats.in_other_encoding = false;
                    from = end;
                }
                start = end;
            }
        }
        self.decode_other(&lines[from..], last, text);
    }

    /// Decodes bytes in a non-UTF-8 encoding (all of them: `encoding_rs` keeps a split
    /// character itself).
    fn decode_other(
        &mut self,
        bytes: &[u8],
        last: bool,
        text: &mut dyn FnMut(&[u8], &DecodeStats),
    ) {
        let (Mode::Decode(decoder) | Mode::Gb18030 { decoder, .. }) = &mut self.mode else {
            return;
        };
        if bytes.is_empty() && !last {
            return;
        }
        let room = decoder
            .max_utf8_buffer_length(bytes.len())
            .unwrap_or(bytes.len() * 3 + 16);
        let mut out = std::mem::take(&mut self.text);
        out.clear();
        out.resize(room, 0);
        let (result, _read, written, replaced) = decoder.decode_to_utf8(bytes, &mut out, last);
        debug_assert!(matches!(result, CoderResult::InputEmpty));
        out.truncate(written);
        if replaced {
            let count = out.windows(3).filter(|w| w == &REPLACEMENT).count();
            self.stats.malformed += count;
        }
        if written > 0 {
            self.hand_on(&out, text);
        }
        self.text = out;
    }

    fn hand_on(&mut self, piece: &[u8], text: &mut dyn FnMut(&[u8], &DecodeStats)) {
        if self.count_quotes {
            self.stats.quotes += memchr::memchr_iter(b'"', piece).count();
        }
        text(piece, &self.stats);
    }
}

impl Mode {
    fn gb18030() -> Mode {
        Mode::Gb18030 {
            decoder: GB18030.new_decoder_without_bom_handling(),
            line: Vec::new(),
            unchecked: false,
        }
    }
}

/// Whether a line of a GB18030 text is UTF-8 text instead: valid UTF-8 with a character of
/// three bytes or more (every Chinese character is). GBK text is rarely valid UTF-8 at all,
/// and then in two-byte pairs: a three-byte run needs five bytes in a row to fall in narrow
/// ranges, about one name in thirty thousand.
fn is_utf8_text(line: &[u8]) -> bool {
    !line.is_ascii() && line.iter().any(|&b| b >= 0xE0) && std::str::from_utf8(line).is_ok()
}
