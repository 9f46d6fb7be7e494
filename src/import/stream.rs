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
}

enum Mode {
    /// UTF-8, validated piece by piece and handed on without a copy. `may_switch`: the encoding
    /// was guessed, not chosen, and no non-ASCII byte has been seen yet.
    Utf8 { may_switch: bool },
    /// Any other encoding (or a switch away from UTF-8), through `encoding_rs`.
    Decode(Decoder),
}

const REPLACEMENT: &[u8] = "\u{FFFD}".as_bytes();

/// A source's text as UTF-8, from its bytes as they arrive, in pieces of any size: the reader
/// of a file is whoever has its bytes (a loop over a [`ByteSource`], or a browser worker that
/// asks for the next slice while it parses this one), so the decoder never reads.
///
/// Valid UTF-8 passes through untouched, so a U+FFFD the exporter wrote is text, not damage —
/// as when the file is decoded whole. Invalid bytes become U+FFFD and are counted. A file whose
/// encoding was guessed as UTF-8 from its first bytes, but meets bytes that are not UTF-8
/// before any non-ASCII character, is read on as GB18030: the whole file would have been
/// detected so, and its ASCII start reads the same either way.
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
    /// Decodes text in `encoding`; `guessed` when the encoding came from detection and may be
    /// corrected as described above.
    pub fn new(encoding: TextEncoding, guessed: bool) -> TextDecoder {
        let mode = match encoding {
            TextEncoding::Utf8 => Mode::Utf8 {
                may_switch: guessed,
            },
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
        let mut rest = bytes;
        if !self.carry.is_empty() && matches!(self.mode, Mode::Utf8 { .. }) {
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
            if matches!(self.mode, Mode::Decode(_)) {
                // Switched: what of the piece the joined bytes held went to the decoder.
                rest = &bytes[take..];
            }
        }
        match self.mode {
            Mode::Utf8 { .. } => {
                let used = self.utf8(rest, false, text);
                if matches!(self.mode, Mode::Utf8 { .. }) {
                    self.carry = rest[used..].to_vec();
                }
            }
            Mode::Decode(_) => self.decode_other(rest, false, text),
        }
    }

    /// The end of the text: a character left unfinished becomes a U+FFFD.
    pub fn finish(&mut self, text: &mut dyn FnMut(&[u8], &DecodeStats)) {
        let carry = std::mem::take(&mut self.carry);
        match self.mode {
            Mode::Utf8 { .. } => {
                self.utf8(&carry, true, text);
            }
            Mode::Decode(_) => self.decode_other(&carry, true, text),
        }
    }

    /// Validates UTF-8, handing on valid runs and a U+FFFD per invalid sequence; the bytes
    /// used (all but a character split at the end, unless `last`). Hands the rest to the
    /// decoder when it switches to GB18030, counting them as used.
    fn utf8(
        &mut self,
        bytes: &[u8],
        last: bool,
        text: &mut dyn FnMut(&[u8], &DecodeStats),
    ) -> usize {
        let mut at = 0;
        while at < bytes.len() {
            let Mode::Utf8 { may_switch } = &mut self.mode else {
                unreachable!("utf8 is only called in UTF-8 mode");
            };
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
            if *may_switch && !rest[..valid].is_ascii() {
                *may_switch = false;
            }
            if bad.is_some() && *may_switch {
                // ASCII so far, then bytes that are not UTF-8: a GBK file with an ASCII start.
                self.mode = Mode::Decode(GB18030.new_decoder_without_bom_handling());
                self.decode_other(rest, last, text);
                return bytes.len();
            }
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

    /// Decodes bytes in a non-UTF-8 encoding (all of them: `encoding_rs` keeps a split
    /// character itself).
    fn decode_other(
        &mut self,
        bytes: &[u8],
        last: bool,
        text: &mut dyn FnMut(&[u8], &DecodeStats),
    ) {
        let Mode::Decode(decoder) = &mut self.mode else {
            return;
        };
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
