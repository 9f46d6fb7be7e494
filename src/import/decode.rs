//! Text decoding: which encoding an export is in, and its text as UTF-8.
//!
//! A byte-order mark decides when present; otherwise the evidence of the non-ASCII bytes does:
//! well-formed UTF-8 against well-formed GB18030 (the superset of GBK that Chinese
//! core-banking systems write), so a stray damaged byte decides nothing. The caller can
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

/// Guesses the encoding from a byte-order mark or, failing that, from the evidence of the
/// bytes ([`weigh_encoding`]); bytes with no evidence either way (ASCII, or damaged bytes that
/// are neither encoding's) are read as UTF-8.
pub fn detect_encoding(bytes: &[u8]) -> TextEncoding {
    shown_encoding(bytes).unwrap_or(TextEncoding::Utf8)
}

/// The encoding a byte-order mark, or else the bytes' evidence, shows; `None` when neither
/// shows one (the text after these bytes may still).
pub fn shown_encoding(bytes: &[u8]) -> Option<TextEncoding> {
    match Encoding::for_bom(bytes) {
        Some((encoding, _)) if encoding == UTF_16LE => Some(TextEncoding::Utf16Le),
        Some((encoding, _)) if encoding == UTF_16BE => Some(TextEncoding::Utf16Be),
        Some(_) => Some(TextEncoding::Utf8),
        None => weigh_encoding(bytes),
    }
}

/// What the non-ASCII bytes of a text say of its encoding: well-formed and malformed
/// characters read as UTF-8, and well-formed ones read as GBK/GB18030.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Evidence {
    /// Multi-byte UTF-8 characters.
    pub utf8: usize,
    /// Those of three bytes or more (every Chinese character): GBK text rarely forms one,
    /// while its byte pairs make a two-byte UTF-8 character about one time in seven.
    pub utf8_long: usize,
    /// Sequences that are not UTF-8 (a character cut at the very end is not counted).
    pub not_utf8: usize,
    /// Two- and four-byte GB18030 characters whose bytes are all non-ASCII.
    pub gbk: usize,
}

impl Evidence {
    /// Counts the evidence in `bytes`.
    pub fn of(bytes: &[u8]) -> Evidence {
        let mut evidence = Evidence::default();
        let mut count = |text: &str| {
            for c in text.chars().filter(|c| !c.is_ascii()) {
                evidence.utf8 += 1;
                evidence.utf8_long += usize::from(c.len_utf8() >= 3);
            }
        };
        let mut not_utf8 = 0;
        let mut rest = bytes;
        loop {
            match std::str::from_utf8(rest) {
                Ok(text) => {
                    count(text);
                    break;
                }
                Err(error) => {
                    let (valid, after) = rest.split_at(error.valid_up_to());
                    count(std::str::from_utf8(valid).unwrap_or_default());
                    match error.error_len() {
                        Some(length) => {
                            not_utf8 += 1;
                            rest = &after[length..];
                        }
                        None => break,
                    }
                }
            }
        }
        evidence.not_utf8 = not_utf8;
        let mut at = 0;
        while at < bytes.len() {
            let Some(next) = bytes[at..].iter().position(|b| !b.is_ascii()) else {
                break;
            };
            at += next;
            match gb18030_length(&bytes[at..]) {
                Some(length) => {
                    evidence.gbk += 1;
                    at += length;
                }
                None => at += 1,
            }
        }
        evidence
    }

    /// The encoding the evidence points to, if any: `None` when no character of either was
    /// seen (ASCII, or stray bytes that are neither's — damage, not an encoding).
    ///
    /// A well-formed three-byte UTF-8 character is strong evidence, and a malformed sequence
    /// is evidence against: UTF-8 is chosen when the first outnumber the second (UTF-8 text
    /// with damaged bytes, or with a few rows of GBK), or when well-formed characters of any
    /// length are twenty times the malformed ones (accented Latin text). Otherwise GBK text
    /// read as UTF-8 shows several malformed sequences per character, and GB18030 is chosen.
    pub fn encoding(self) -> Option<TextEncoding> {
        let long_outnumber = self.utf8_long > 0 && self.utf8_long >= self.not_utf8;
        let mostly_well_formed = self.utf8 > 0 && self.utf8 >= 20 * self.not_utf8;
        if long_outnumber || mostly_well_formed {
            Some(TextEncoding::Utf8)
        } else if self.gbk > 0 {
            Some(TextEncoding::Gb18030)
        } else if self.utf8 > 0 {
            Some(TextEncoding::Utf8)
        } else {
            None
        }
    }
}

/// The encoding the bytes' own evidence points to ([`Evidence::encoding`]).
pub fn weigh_encoding(bytes: &[u8]) -> Option<TextEncoding> {
    if std::str::from_utf8(bytes).is_ok() {
        return (!bytes.is_ascii()).then_some(TextEncoding::Utf8);
    }
    Evidence::of(bytes).encoding()
}

fn is_gb18030_lead(byte: u8) -> bool {
    (0x81..=0xFE).contains(&byte)
}

/// The length of the GB18030 character at the start of `bytes`, counting only those with
/// non-ASCII bytes: two bytes (a lead, then a trail from 0x80), or four (lead, digit, lead,
/// digit). A lead followed by an ASCII trail is a real GBK character too, but a stray byte
/// before a letter looks the same, so it is no evidence.
fn gb18030_length(bytes: &[u8]) -> Option<usize> {
    match bytes {
        [lead, trail, ..] if is_gb18030_lead(*lead) && (0x80..=0xFE).contains(trail) => Some(2),
        [lead, digit, third, fourth, ..]
            if is_gb18030_lead(*lead)
                && digit.is_ascii_digit()
                && is_gb18030_lead(*third)
                && fourth.is_ascii_digit() =>
        {
            Some(4)
        }
        _ => None,
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
