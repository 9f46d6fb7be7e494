//! Column types for strings: one contiguous buffer for unique text, a dictionary for repeats.

use rustc_hash::FxHashMap;

/// Unique strings (ids, names) stored back to back with row offsets, not one `String` per row.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TextColumn {
    /// `offsets[i]..offsets[i + 1]` is row `i` in `bytes`; always one longer than the row count.
    offsets: Vec<u32>,
    bytes: String,
}

impl Default for TextColumn {
    fn default() -> TextColumn {
        TextColumn::new()
    }
}

impl TextColumn {
    /// An empty column.
    pub fn new() -> TextColumn {
        TextColumn {
            offsets: vec![0],
            bytes: String::new(),
        }
    }

    /// Rebuilds a column from stored parts, refusing offsets that do not fit the text.
    pub fn from_parts(offsets: Vec<u32>, bytes: String) -> Option<TextColumn> {
        offsets_fit(&offsets, &bytes).then_some(TextColumn { offsets, bytes })
    }

    /// Appends one row.
    pub fn push(&mut self, value: &str) {
        self.bytes.push_str(value);
        // Columns over 4 GiB of text cannot be held by a browser tab anyway.
        self.offsets.push(self.bytes.len() as u32);
    }

    /// Makes room for `rows` more rows' offsets (the text grows as it comes: its length is not
    /// known ahead).
    pub fn reserve(&mut self, rows: usize) {
        self.offsets.reserve(rows);
    }

    /// Makes room for `bytes` more bytes of text.
    pub fn reserve_bytes(&mut self, bytes: usize) {
        self.bytes.reserve(bytes);
    }

    /// Row `row`'s text.
    pub fn get(&self, row: usize) -> &str {
        &self.bytes[self.offsets[row] as usize..self.offsets[row + 1] as usize]
    }

    /// Adds `other`'s rows after these.
    pub fn append(&mut self, other: &TextColumn) {
        let base = self.bytes.len() as u32;
        self.bytes.reserve_exact(other.bytes.len());
        self.offsets.reserve_exact(other.len());
        self.bytes.push_str(&other.bytes);
        self.offsets
            .extend(other.offsets[1..].iter().map(|&offset| base + offset));
    }

    /// Number of rows.
    pub fn len(&self) -> usize {
        self.offsets.len().saturating_sub(1)
    }

    /// Whether the column has no rows.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Bytes the column takes in memory: its offsets and its text.
    pub fn column_bytes(&self) -> usize {
        self.offsets.len() * 4 + self.bytes.len()
    }

    /// Row offsets into [`TextColumn::bytes`], one more than the rows.
    pub fn offsets(&self) -> &[u32] {
        &self.offsets
    }

    /// All rows' text back to back.
    pub fn bytes(&self) -> &str {
        &self.bytes
    }

    /// Iterates the rows in order.
    pub fn iter(&self) -> impl Iterator<Item = &str> + '_ {
        (0..self.len()).map(|row| self.get(row))
    }
}

/// Whether `offsets` cut `text` into rows: [`offsets_cut`] its bytes, never inside a
/// character.
pub fn offsets_fit(offsets: &[u32], text: &str) -> bool {
    offsets_cut(offsets, text.len()) && offsets.iter().all(|&o| text.is_char_boundary(o as usize))
}

/// Whether `offsets` cut `length` bytes into rows: starting at 0, never falling, ending at the
/// end.
pub fn offsets_cut(offsets: &[u32], length: usize) -> bool {
    offsets.first() == Some(&0)
        && offsets.windows(2).all(|w| w[0] <= w[1])
        && offsets.last().map(|&end| end as usize) == Some(length)
}

/// Dictionaries up to this size are searched directly instead of through the hash map.
const SMALL_DICTIONARY: usize = 16;

/// Distinct strings, each with a code: its place in the order they were first seen.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Dictionary {
    values: Vec<String>,
    /// Value → code for values longer than 16 bytes; Fx hashing because imports look up every
    /// cell of a column.
    lookup: FxHashMap<String, u32>,
    /// Value → code for values up to 16 bytes (customer numbers, product codes), by
    /// [`ShortKey`]: hashing and comparing two words instead of a string.
    lookup_short: FxHashMap<ShortKey, u32>,
    /// The [`ShortKey`] of each of the first [`SMALL_DICTIONARY`] values.
    short_keys: Vec<ShortKey>,
    /// Codes by number while every value of the first value's shape numbers densely.
    numbered: Numbered,
}

/// Codes of the values shaped like the first one — the same prefix, then digits, the same
/// length: customer numbers `C00000023`, product codes `P2173` — by their number: reading an
/// array instead of hashing, which misses the cache on every row once a dictionary of
/// customers outgrows it. Every value of that shape is in the array, and in the array only
/// while it lasts, so a lookup of that shape needs nothing else.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
enum Numbered {
    /// No value yet.
    #[default]
    Empty,
    /// The values so far number densely from `first`.
    Dense {
        /// The first value's bytes up to the digits; `width` is the whole length.
        prefix: Vec<u8>,
        width: usize,
        first: u64,
        /// Code by number − `first`; [`Numbered::ABSENT`] where no value has that number.
        codes: Vec<u32>,
    },
    /// The first value has no such shape, or the numbers are too sparse for an array.
    Off,
}

impl Numbered {
    const ABSENT: u32 = u32::MAX;
    /// Numbers span at most this many slots per value (plus [`Numbered::SLACK`]): the array
    /// never costs more than a few words per value.
    const SPREAD: u64 = 4;
    const SLACK: u64 = 4096;

    /// `value`'s number, if it has the shape (prefix, digits, width).
    fn number(prefix: &[u8], width: usize, value: &str) -> Option<u64> {
        let bytes = value.as_bytes();
        // Compared byte by byte: the prefix is a letter or two, and `starts_with` calls
        // `memcmp` in WebAssembly, once per customer number read.
        if bytes.len() != width || bytes.iter().zip(prefix).any(|(b, p)| b != p) {
            return None;
        }
        // More digits than a u64 holds: not of the shape (the hash maps hold it instead).
        bytes[prefix.len()..].iter().try_fold(0u64, |n, &b| {
            if !b.is_ascii_digit() {
                return None;
            }
            n.checked_mul(10)?.checked_add(u64::from(b - b'0'))
        })
    }

    /// `None` when `value` is not of the shape (the hash maps answer); else whether it is
    /// held, and its code.
    fn find(&self, value: &str) -> Option<Option<u32>> {
        let Numbered::Dense {
            prefix,
            width,
            first,
            codes,
        } = self
        else {
            return None;
        };
        let n = Numbered::number(prefix, *width, value)?;
        let code = n
            .checked_sub(*first)
            .and_then(|slot| codes.get(slot as usize))
            .copied()
            .filter(|&code| code != Numbered::ABSENT);
        Some(code)
    }

    /// Adds `value` as code `code` (codes count up from 0, so `code + 1` values are held);
    /// whether the array holds it.
    fn remember(&mut self, value: &str, code: u32) -> bool {
        match self {
            Numbered::Empty => {
                let bytes = value.as_bytes();
                let prefix_len = bytes.iter().take_while(|b| !b.is_ascii_digit()).count();
                let digits = bytes.len() - prefix_len;
                let prefix = bytes[..prefix_len].to_vec();
                *self = match Numbered::number(&prefix, bytes.len(), value) {
                    // Up to 18 digits fit a u64.
                    Some(first) if (1..=18).contains(&digits) => Numbered::Dense {
                        prefix,
                        width: bytes.len(),
                        first,
                        codes: vec![code],
                    },
                    _ => Numbered::Off,
                };
                matches!(self, Numbered::Dense { .. })
            }
            Numbered::Dense {
                prefix,
                width,
                first,
                codes,
                ..
            } => {
                let Some(n) = Numbered::number(prefix, *width, value) else {
                    return false;
                };
                let limit = Numbered::SPREAD * (u64::from(code) + 1) + Numbered::SLACK;
                match n.checked_sub(*first).filter(|&slot| slot < limit) {
                    Some(slot) => {
                        let slot = slot as usize;
                        if slot >= codes.len() {
                            codes.resize(slot + 1, Numbered::ABSENT);
                        }
                        codes[slot] = code;
                        true
                    }
                    None => {
                        *self = Numbered::Off;
                        false
                    }
                }
            }
            Numbered::Off => false,
        }
    }
}

/// Repeated strings (cities, channels, product codes) as a dictionary and one code per row.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CodedColumn {
    dictionary: Dictionary,
    codes: Vec<u32>,
}

/// A string's length and its first and last eight bytes: equal keys mean equal strings up to
/// 16 bytes, and unequal keys settle most comparisons without a call to `memcmp`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
struct ShortKey(usize, u64, u64);

impl ShortKey {
    fn of(value: &str) -> ShortKey {
        let bytes = value.as_bytes();
        let n = bytes.len();
        // Fixed-width loads: copying a slice of variable length into a word is a call to
        // `memcpy` in WebAssembly, for every cell looked up.
        let word8 =
            |at: usize| u64::from_le_bytes(*bytes[at..].first_chunk::<8>().unwrap_or(&[0; 8]));
        let word4 = |at: usize| {
            u64::from(u32::from_le_bytes(
                *bytes[at..].first_chunk::<4>().unwrap_or(&[0; 4]),
            ))
        };
        let (head, tail) = if n >= 8 {
            (word8(0), word8(n - 8))
        } else if n >= 4 {
            // Two overlapping halves make the same word as the bytes padded with zeros.
            let word = word4(0) | (word4(n - 4) << ((n - 4) * 8));
            (word, word)
        } else {
            let word = bytes
                .iter()
                .rev()
                .fold(0u64, |word, &b| (word << 8) | u64::from(b));
            (word, word)
        };
        ShortKey(n, head, tail)
    }
}

impl Dictionary {
    /// The code of `value`, if it is in the dictionary.
    pub fn find(&self, value: &str) -> Option<u32> {
        // Channels, categories and the like have a handful of values: comparing them directly
        // is cheaper than hashing every cell.
        if self.values.len() <= SMALL_DICTIONARY {
            let key = ShortKey::of(value);
            return self
                .short_keys
                .iter()
                .zip(&self.values)
                .position(|(k, v)| *k == key && (key.0 <= 16 || v == value))
                .map(|code| code as u32);
        }
        if let Some(code) = self.numbered.find(value) {
            return code;
        }
        if value.len() <= 16 {
            self.lookup_short.get(&ShortKey::of(value)).copied()
        } else {
            self.lookup.get(value).copied()
        }
    }

    /// The code of `value`, adding it when new.
    pub fn code_for(&mut self, value: &str) -> u32 {
        if let Some(code) = self.find(value) {
            return code;
        }
        let code = self.values.len() as u32;
        self.values.push(value.to_owned());
        self.remember(value, code);
        code
    }

    /// Adds `value` as code `code`; `self.values[..code]` are the values already remembered.
    fn remember(&mut self, value: &str, code: u32) {
        let was_numbered = matches!(self.numbered, Numbered::Dense { .. });
        let numbered = self.numbered.remember(value, code);
        if self.short_keys.len() < SMALL_DICTIONARY {
            self.short_keys.push(ShortKey::of(value));
        }
        let Dictionary {
            values,
            lookup,
            lookup_short,
            ..
        } = self;
        let mut hash = |value: &str, code: u32| {
            if value.len() <= 16 {
                lookup_short.insert(ShortKey::of(value), code);
            } else {
                lookup.insert(value.to_owned(), code);
            }
        };
        // A value the array holds is found there alone: hashing it too would cost every
        // customer number a map entry (and the map's growth) for nothing. When the array is
        // given up, the values it held go into the maps.
        if was_numbered && !matches!(self.numbered, Numbered::Dense { .. }) {
            for (earlier, value) in values[..code as usize].iter().enumerate() {
                hash(value, earlier as u32);
            }
        }
        if !numbered {
            hash(value, code);
        }
    }

    /// The values, indexed by code.
    pub fn values(&self) -> &[String] {
        &self.values
    }

    /// The number of values.
    pub fn len(&self) -> usize {
        self.values.len()
    }

    /// Whether there are no values.
    pub fn is_empty(&self) -> bool {
        self.values.is_empty()
    }
}

impl CodedColumn {
    /// An empty column.
    pub fn new() -> CodedColumn {
        CodedColumn::default()
    }

    /// Rebuilds a column from stored parts, refusing codes outside the dictionary.
    pub fn from_parts(values: Vec<String>, codes: Vec<u32>) -> Option<CodedColumn> {
        if codes.iter().any(|&c| c as usize >= values.len()) {
            return None;
        }
        let mut dictionary = Dictionary {
            values,
            ..Dictionary::default()
        };
        for code in 0..dictionary.values.len() {
            // Taken out while remembered: `remember` reads the values before it.
            let value = std::mem::take(&mut dictionary.values[code]);
            dictionary.remember(&value, code as u32);
            dictionary.values[code] = value;
        }
        Some(CodedColumn { dictionary, codes })
    }

    /// Makes room for `rows` more rows.
    pub fn reserve(&mut self, rows: usize) {
        self.codes.reserve(rows);
    }

    /// Appends one row, adding its value to the dictionary when new.
    pub fn push(&mut self, value: &str) {
        let code = self.dictionary.code_for(value);
        self.codes.push(code);
    }

    /// Adds `other`'s rows after these, each value looked up once, not once per row.
    pub fn append(&mut self, other: &CodedColumn) {
        let codes: Vec<u32> = other
            .values()
            .iter()
            .map(|v| self.dictionary.code_for(v))
            .collect();
        self.codes.reserve_exact(other.codes.len());
        self.codes
            .extend(other.codes.iter().map(|&code| codes[code as usize]));
    }

    /// Row `row`'s text.
    pub fn get(&self, row: usize) -> &str {
        &self.dictionary.values[self.codes[row] as usize]
    }

    /// Number of rows.
    pub fn len(&self) -> usize {
        self.codes.len()
    }

    /// Whether the column has no rows.
    pub fn is_empty(&self) -> bool {
        self.codes.is_empty()
    }

    /// Bytes the column takes in memory: its codes and its dictionary's values.
    pub fn column_bytes(&self) -> usize {
        self.codes.len() * 4 + self.values().iter().map(String::len).sum::<usize>()
    }

    /// The distinct values, indexed by code.
    pub fn values(&self) -> &[String] {
        &self.dictionary.values
    }

    /// One code per row.
    pub fn codes(&self) -> &[u32] {
        &self.codes
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_column_round_trips_through_parts() {
        let mut column = TextColumn::new();
        for value in ["C001", "", "王伟", "C004"] {
            column.push(value);
        }
        assert_eq!(column.len(), 4);
        assert_eq!(column.get(2), "王伟");
        let rebuilt = TextColumn::from_parts(column.offsets().to_vec(), column.bytes().into());
        assert_eq!(rebuilt.as_ref(), Some(&column));
    }

    #[test]
    fn text_column_refuses_offsets_inside_a_character() {
        assert!(TextColumn::from_parts(vec![0, 1, 3], "王".into()).is_none());
        assert!(TextColumn::from_parts(vec![0, 4], "王".into()).is_none());
    }

    #[test]
    fn appended_columns_read_as_pushed_in_one() {
        let rows = ["C001", "", "王伟", "C001", "上海"];
        let (mut text, mut coded) = (TextColumn::new(), CodedColumn::new());
        let (mut text_tail, mut coded_tail) = (TextColumn::new(), CodedColumn::new());
        for value in &rows[..2] {
            text.push(value);
            coded.push(value);
        }
        for value in &rows[2..] {
            text_tail.push(value);
            coded_tail.push(value);
        }
        text.append(&text_tail);
        coded.append(&coded_tail);
        assert_eq!(text.iter().collect::<Vec<_>>(), rows);
        assert_eq!((0..5).map(|r| coded.get(r)).collect::<Vec<_>>(), rows);
        assert_eq!(coded.values().len(), 4, "C001 is one value, not two");
    }

    #[test]
    fn dictionaries_find_exactly_what_they_hold() {
        // Numbered ids (dense, then sparse enough to give the array up), ids of other shapes
        // beside them, and lookups of values never added — each answered as a plain map does.
        let mut added: Vec<String> = Vec::new();
        added.extend((1..=3000).map(|n| format!("C{n:08}")));
        added.extend(["C1", "C0000000X", "D00000005", "", "王伟", "C000000001"].map(String::from));
        added.extend((3001..=3100).rev().map(|n| format!("C{n:08}")));
        let sparse: Vec<String> = vec!["C90000000".into(), "C00005000".into()];
        let missing = [
            "C00003101",
            "C00000000",
            "C00004000",
            "C0000001",
            "C00000001 ",
            "P1",
        ];
        for (values, ends_off) in [(added.clone(), false), ([added, sparse].concat(), true)] {
            let mut dictionary = Dictionary::default();
            let mut reference = std::collections::HashMap::new();
            for value in &values {
                let code = dictionary.code_for(value);
                assert_eq!(
                    *reference.entry(value.clone()).or_insert(code),
                    code,
                    "{value}"
                );
            }
            assert_eq!(matches!(dictionary.numbered, Numbered::Off), ends_off);
            for value in values.iter().map(String::as_str).chain(missing) {
                assert_eq!(
                    dictionary.find(value),
                    reference.get(value).copied(),
                    "{value}"
                );
            }
        }
        // Pure digits number too, from wherever they start.
        let mut digits = Dictionary::default();
        for n in 500_000..500_100u32 {
            digits.code_for(&n.to_string());
        }
        assert!(matches!(digits.numbered, Numbered::Dense { .. }));
        assert_eq!(digits.find("500042"), Some(42));
        assert_eq!(digits.find("499999"), None);
    }

    #[test]
    fn short_keys_tell_apart_strings_of_every_length() {
        // Every length up to past 16 bytes (the keys' whole-string limit), each string beside
        // the ones differing from it in one byte or in length, through a small dictionary
        // (compared by key) and a large one (hashed by key, or by string past 16 bytes).
        let base = b"ABCDEFGHIJKLMNOPQRSTUV";
        let mut values: Vec<String> = Vec::new();
        for length in 0..=base.len() {
            let bytes = &base[..length];
            for at in 0..length {
                let mut changed = bytes.to_vec();
                changed[at] ^= 0x01;
                values.push(String::from_utf8(changed).unwrap_or_default());
            }
            values.push(String::from_utf8(bytes.to_vec()).unwrap_or_default());
        }
        values.extend((1..=7).map(|n| "客户号".chars().cycle().take(n).collect::<String>()));
        let mut seen = std::collections::HashSet::new();
        values.retain(|v| seen.insert(v.clone()));
        for held in [12, values.len()] {
            let mut dictionary = Dictionary::default();
            for value in &values[..held] {
                dictionary.code_for(value);
            }
            for (code, value) in values.iter().enumerate() {
                let expected = (code < held).then_some(code as u32);
                assert_eq!(dictionary.find(value), expected, "{value:?} of {held}");
            }
        }
    }

    #[test]
    fn coded_column_shares_repeated_values() {
        let mut column = CodedColumn::new();
        for value in ["北京", "上海", "北京"] {
            column.push(value);
        }
        assert_eq!(column.values().len(), 2);
        assert_eq!(column.codes(), &[0, 1, 0]);
        assert_eq!(column.get(2), "北京");
        assert!(CodedColumn::from_parts(vec!["a".into()], vec![1]).is_none());
    }
}
