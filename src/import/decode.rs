//! Text decoding: which encoding an export is in, and its text as UTF-8.
//!
//! A byte-order mark decides when present; otherwise valid UTF-8 is UTF-8 and anything else is
//! read as GB18030 (the superset of GBK that Chinese core-banking systems write). The caller can
//! override the guess; bytes that do not decode are counted and located, never silently dropped.

use encoding_rs::{Encoding, GB18030, UTF_16BE, UTF_16LE, UTF_8};
use std::borrow::Cow;

/// The encodings an export can be read in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub enum TextEncoding {
    /// UTF-8, with or without a byte-order mark.
    Utf8,
    /// UTF-16 little-endian (with a byte-order mark, as Excel's "Unicode text" writes it).
    Utf16Le,
    /// UTF-16 big-endian.
    Utf16Be,
    /// GBK / GB18030.
    Gb18030,
}

impl TextEncoding {
    /// The `encoding_rs` encoding.
    pub fn encoding(self) -> &'static Encoding {
        match self {
            TextEncoding::Utf8 => UTF_8,
            TextEncoding::Utf16Le => UTF_16LE,
            TextEncoding::Utf16Be => UTF_16BE,
            TextEncoding::Gb18030 => GB18030,
        }
    }

    /// The name shown to the user.
    pub fn label(self) -> &'static str {
        match self {
            TextEncoding::Utf8 => "UTF-8",
            TextEncoding::Utf16Le => "UTF-16LE",
            TextEncoding::Utf16Be => "UTF-16BE",
            TextEncoding::Gb18030 => "GBK/GB18030",
        }
    }
}

/// Decoded text and what decoding found.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Decoded<'a> {
    /// The text, without a byte-order mark.
    pub text: Cow<'a, str>,
    /// The encoding used.
    pub encoding: TextEncoding,
    /// Characters that could not be decoded (shown as U+FFFD in `text`).
    pub malformed: usize,
    /// 1-based line of the first undecodable character, if any.
    pub first_malformed_line: Option<u64>,
}

/// Guesses the encoding from a byte-order mark or, failing that, from whether the bytes are UTF-8.
pub fn detect_encoding(bytes: &[u8]) -> TextEncoding {
    match Encoding::for_bom(bytes) {
        Some((encoding, _)) if encoding == UTF_16LE => TextEncoding::Utf16Le,
        Some((encoding, _)) if encoding == UTF_16BE => TextEncoding::Utf16Be,
        Some(_) => TextEncoding::Utf8,
        None if std::str::from_utf8(bytes).is_ok() => TextEncoding::Utf8,
        // A UTF-8 file cut mid-character at the end is still UTF-8.
        None if utf8_up_to_truncation(bytes) => TextEncoding::Utf8,
        None if mostly_utf8(bytes) => TextEncoding::Utf8,
        None => TextEncoding::Gb18030,
    }
}

/// UTF-8 with a damaged byte here and there: at least twenty well-formed multi-byte characters
/// per malformed sequence. GBK text read as UTF-8 has about ten malformed sequences per
/// well-formed one (its byte pairs rarely happen to be UTF-8), so the two do not meet.
fn mostly_utf8(bytes: &[u8]) -> bool {
    let (mut well_formed, mut malformed) = (0usize, 0usize);
    let mut rest = bytes;
    loop {
        match std::str::from_utf8(rest) {
            Ok(text) => {
                well_formed += text.chars().filter(|c| !c.is_ascii()).count();
                break;
            }
            Err(error) => {
                let (valid, after) = rest.split_at(error.valid_up_to());
                well_formed += std::str::from_utf8(valid)
                    .map_or(0, |text| text.chars().filter(|c| !c.is_ascii()).count());
                match error.error_len() {
                    Some(length) => {
                        malformed += 1;
                        rest = &after[length..];
                    }
                    None => break,
                }
            }
        }
    }
    well_formed > 0 && well_formed >= 20 * malformed
}

fn utf8_up_to_truncation(bytes: &[u8]) -> bool {
    match std::str::from_utf8(bytes) {
        Ok(_) => true,
        Err(error) => error.error_len().is_none() && bytes.len() - error.valid_up_to() < 4,
    }
}

/// Decodes `bytes` in the encoding [`detect_encoding`] finds, validating UTF-8 only once.
pub fn decode_detected(bytes: &[u8]) -> Decoded<'_> {
    if Encoding::for_bom(bytes).is_none() {
        if let Ok(text) = std::str::from_utf8(bytes) {
            return valid_utf8(text);
        }
    }
    decode(bytes, detect_encoding(bytes))
}

/// The length of the byte-order mark of `encoding` at the start of `bytes`, if there is one.
pub fn bom_length(bytes: &[u8], encoding: TextEncoding) -> usize {
    match Encoding::for_bom(bytes) {
        Some((found, length)) if found == encoding.encoding() => length,
        _ => 0,
    }
}

/// Decodes `bytes` in `encoding` (a byte-order mark is removed whatever the encoding).
pub fn decode(bytes: &[u8], encoding: TextEncoding) -> Decoded<'_> {
    let body = &bytes[bom_length(bytes, encoding)..];
    if encoding == TextEncoding::Utf8 {
        if let Ok(text) = std::str::from_utf8(body) {
            return valid_utf8(text);
        }
    }
    let (text, _) = encoding.encoding().decode_without_bom_handling(body);
    let malformed = text.matches('\u{FFFD}').count();
    let first_malformed_line = (malformed > 0).then(|| {
        let at = text.find('\u{FFFD}').unwrap_or(0);
        text[..at].matches('\n').count() as u64 + 1
    });
    Decoded {
        text,
        encoding,
        malformed,
        first_malformed_line,
    }
}

/// Valid UTF-8 has nothing to decode: a U+FFFD in it was written by the exporter.
fn valid_utf8(text: &str) -> Decoded<'_> {
    Decoded {
        text: Cow::Borrowed(text),
        encoding: TextEncoding::Utf8,
        malformed: 0,
        first_malformed_line: None,
    }
}

/// Whether the bytes look like a binary file (a spreadsheet or archive renamed `.csv`, say):
/// NUL bytes in text other than UTF-16.
pub fn looks_binary(bytes: &[u8], encoding: TextEncoding) -> bool {
    matches!(encoding, TextEncoding::Utf8 | TextEncoding::Gb18030)
        && bytes.iter().take(8192).any(|&b| b == 0)
}
