//! Value parsers for the shapes bank exports write dates, money and codes in.
//!
//! Each parser takes one cell's text and answers with the value or the reason it is not one;
//! blank cells are `Ok(None)` (missing), never an error.

use crate::model::{Currency, Day, Direction, Gender, MAX_AMOUNT_FEN};
use std::fmt;

/// Why a cell's text is not a value of the expected kind.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub enum ValueError {
    /// Not a date in any recognised form.
    NotADate,
    /// A date form that names no real day (e.g. 2023-02-29).
    ImpossibleDate,
    /// `01/05/2024` without a declared or inferable day/month order.
    AmbiguousDate,
    /// A six-digit date (YYMMDD) without a declared century.
    NoCentury,
    /// Not an amount of money.
    NotAnAmount,
    /// An amount finer than one fen.
    SubFenAmount,
    /// An amount too large to hold.
    AmountOverflow,
    /// Not a recognised gender code.
    NotAGender,
    /// Not a recognised direction code.
    NotADirection,
    /// Not a yes/no value.
    NotYesNo,
    /// Not a whole number in the allowed range.
    NotANumber,
    /// A product name or code that names no product family: kept as other assets.
    UnknownProduct,
    /// An amount marked as another currency than the dataset's: Keystone converts nothing.
    OtherCurrency(Currency),
}

impl ValueError {
    /// Whether the value is a code the field does not know — one a value map can assign — as
    /// against a malformed date or amount.
    pub fn is_unknown_code(self) -> bool {
        matches!(
            self,
            ValueError::NotAGender
                | ValueError::NotADirection
                | ValueError::NotYesNo
                | ValueError::UnknownProduct
        )
    }
}

impl fmt::Display for ValueError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let ValueError::OtherCurrency(currency) = self {
            return write!(
                f,
                "amount in {currency}, not the dataset's currency: nothing is converted; \
                 declare the dataset's currency or correct the cell"
            );
        }
        f.write_str(match self {
            ValueError::NotADate => "not a date",
            ValueError::ImpossibleDate => "no such calendar day",
            ValueError::AmbiguousDate => "day/month order is ambiguous; declare it",
            ValueError::NoCentury => "two-digit year without a declared century",
            ValueError::NotAnAmount => "not an amount",
            ValueError::SubFenAmount => "amount has fractions of a fen",
            ValueError::AmountOverflow => "amount beyond ±10^15: no account holds that much",
            ValueError::NotAGender => "not a gender code (男/女/M/F/1/2)",
            ValueError::NotADirection => "not a direction (借/贷/IN/OUT/D/C)",
            ValueError::NotYesNo => "not yes/no",
            ValueError::NotANumber => "not a whole number in range",
            ValueError::UnknownProduct => {
                "not a known product family: counted as other assets; assign it in the value map"
            }
            ValueError::OtherCurrency(_) => unreachable!("written above"),
        })
    }
}

/// The order of day and month in slash or dot dates such as `05/01/2024`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum DayMonthOrder {
    /// Not declared: inferred per column, ambiguous values are refused.
    #[default]
    Unknown,
    /// `05/01/2024` is 5 January (most of the world, and Chinese exports in English locales).
    DayFirst,
    /// `01/05/2024` is 5 January (United States).
    MonthFirst,
}

/// How a date column is to be read.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct DateStyle {
    /// Day/month order for `dd/mm/yyyy`-like values.
    pub order: DayMonthOrder,
    /// The century of six-digit `YYMMDD` codes, e.g. 2000 or 1900.
    pub century: Option<i32>,
}

/// Excel counts days from 1899-12-30 (its 1900 leap-year bug folded in).
const EXCEL_EPOCH_DAY: i32 = -25_569;

/// Parses a date; times of day are dropped.
pub fn parse_date(text: &str, style: DateStyle) -> Result<Option<Day>, ValueError> {
    if let Some(day) = iso_date(text.as_bytes()) {
        return day.map(Some);
    }
    let text = normalise_width(text.trim());
    let text = text.trim();
    if is_missing(text) {
        return Ok(None);
    }
    // Drop a time part: `2024-01-05 13:45:00`, `2024-01-05T13:45`.
    let date_part = text.split([' ', 'T']).next().unwrap_or(text);
    if let Some(rest) = date_part.strip_suffix('日') {
        let (year, rest) = rest.split_once('年').ok_or(ValueError::NotADate)?;
        let (month, day) = rest.split_once('月').ok_or(ValueError::NotADate)?;
        return ymd(number(year)?, number(month)?, number(day)?);
    }
    if date_part.bytes().all(|b| b.is_ascii_digit()) {
        return match date_part.len() {
            8 => ymd(
                number(&date_part[..4])?,
                number(&date_part[4..6])?,
                number(&date_part[6..])?,
            ),
            6 => {
                let century = style.century.ok_or(ValueError::NoCentury)?;
                ymd(
                    century + number(&date_part[..2])?,
                    number(&date_part[2..4])?,
                    number(&date_part[4..])?,
                )
            }
            // Excel serial numbers: 1 is 1900-01-01, 60000 is in 2064.
            1..=5 => excel_serial(date_part.parse::<f64>().map_err(|_| ValueError::NotADate)?),
            _ => Err(ValueError::NotADate),
        };
    }
    if let Ok(serial) = date_part.parse::<f64>() {
        if date_part.contains('.') && !date_part.starts_with('.') && serial < 100_000.0 {
            return excel_serial(serial);
        }
    }
    let parts: Vec<&str> = date_part.split(['-', '/', '.']).collect();
    let [a, b, c] = parts.as_slice() else {
        return Err(ValueError::NotADate);
    };
    if a.len() == 4 {
        return ymd(number(a)?, number(b)?, number(c)?);
    }
    if c.len() != 4 {
        return Err(ValueError::NotADate);
    }
    let (first, second, year) = (number(a)?, number(b)?, number(c)?);
    match style.order {
        DayMonthOrder::DayFirst => ymd(year, second, first),
        DayMonthOrder::MonthFirst => ymd(year, first, second),
        DayMonthOrder::Unknown if first > 12 => ymd(year, second, first),
        DayMonthOrder::Unknown if second > 12 => ymd(year, first, second),
        DayMonthOrder::Unknown if first == second => ymd(year, first, second),
        DayMonthOrder::Unknown => Err(ValueError::AmbiguousDate),
    }
}

/// The common case without allocation: `YYYY-MM-DD`.
fn iso_date(bytes: &[u8]) -> Option<Result<Day, ValueError>> {
    if bytes.len() != 10 || bytes[4] != b'-' || bytes[7] != b'-' {
        return None;
    }
    let digits = |range: std::ops::Range<usize>| -> Option<i32> {
        bytes[range].iter().try_fold(0i32, |acc, &b| {
            b.is_ascii_digit().then(|| acc * 10 + i32::from(b - b'0'))
        })
    };
    let (year, month, day) = (digits(0..4)?, digits(5..7)?, digits(8..10)?);
    Some(ymd(year, month, day).map(|d| d.unwrap_or(Day::MISSING)))
}

/// Infers the day/month order of a column from its values: a first part above 12 means day
/// first, a second part above 12 means month first. `Unknown` when the values never tell.
pub fn infer_day_month_order<'a>(values: impl IntoIterator<Item = &'a str>) -> DayMonthOrder {
    for value in values {
        let date_part = value.trim().split([' ', 'T']).next().unwrap_or("");
        let parts: Vec<&str> = date_part.split(['-', '/', '.']).collect();
        if let [a, b, c] = parts.as_slice() {
            if c.len() == 4 && a.len() <= 2 {
                match (a.parse::<u32>(), b.parse::<u32>()) {
                    (Ok(first), _) if first > 12 => return DayMonthOrder::DayFirst,
                    (_, Ok(second)) if second > 12 => return DayMonthOrder::MonthFirst,
                    _ => {}
                }
            }
        }
    }
    DayMonthOrder::Unknown
}

fn excel_serial(serial: f64) -> Result<Option<Day>, ValueError> {
    if !(1.0..2_958_466.0).contains(&serial) {
        return Err(ValueError::NotADate);
    }
    Ok(Some(Day(EXCEL_EPOCH_DAY + serial.floor() as i32)))
}

fn number(text: &str) -> Result<i32, ValueError> {
    let text = text.trim();
    if text.is_empty() || text.len() > 4 || !text.bytes().all(|b| b.is_ascii_digit()) {
        return Err(ValueError::NotADate);
    }
    text.parse().map_err(|_| ValueError::NotADate)
}

fn ymd(year: i32, month: i32, day: i32) -> Result<Option<Day>, ValueError> {
    if !(1..=12).contains(&month) || !(1..=31).contains(&day) {
        return Err(ValueError::ImpossibleDate);
    }
    Day::from_ymd(year, month as u32, day as u32)
        .map(Some)
        .ok_or(ValueError::ImpossibleDate)
}

/// Parses an amount of money into exact fen (hundredths of whatever currency it is in).
///
/// Accepts thousands separators, a currency sign, code or name before or after the figure
/// (`¥`, `US$`, `HK$`, `€`, `CNY`, `元`, `Kč` … — see [`Currency::markers`]), a leading minus or
/// accounting parentheses, 万 and 亿 multipliers and full-width digits. Blank and `-` are
/// missing. Which currency the cell named is not checked here: see [`parse_money_in`].
pub fn parse_money(text: &str) -> Result<Option<i64>, ValueError> {
    Ok(parse_money_marked(text)?.map(|(fen, _)| fen))
}

/// [`parse_money`] for a dataset in `currency`: a cell that names another currency is refused
/// with [`ValueError::OtherCurrency`] rather than summed with the others.
pub fn parse_money_in(text: &str, currency: Currency) -> Result<Option<i64>, ValueError> {
    match parse_money_marked(text)? {
        Some((_, Some(marker))) if !currency.is_written_as(marker) => Err(
            ValueError::OtherCurrency(Currency::named_by(marker).unwrap_or(currency)),
        ),
        value => Ok(value.map(|(fen, _)| fen)),
    }
}

/// The currency a money cell (or an income band such as `$60K - $80K`) names by its sign,
/// code or name, if it names one.
pub fn currency_named(text: &str) -> Option<Currency> {
    // Most cells are plain figures or words: neither names a currency.
    if !text.bytes().any(|b| b.is_ascii_digit()) || plain_amount(text.as_bytes()).is_some() {
        return None;
    }
    match parse_money_marked(text) {
        Ok(Some((_, Some(marker)))) => Currency::named_by(marker),
        Ok(_) => None,
        Err(_) => {
            if !matches!(parse_income(text), Ok(Some((_, true)))) {
                return None;
            }
            let lower = normalise_width(text).to_lowercase();
            Currency::markers()
                .iter()
                .find(|m| lower.contains(&m.to_lowercase()))
                .and_then(|m| Currency::named_by(m))
        }
    }
}

/// An amount in fen with the currency marker it carried, if any.
fn parse_money_marked(text: &str) -> Result<Option<(i64, Option<&'static str>)>, ValueError> {
    if let Some(fen) = plain_amount(text.as_bytes()) {
        return Ok(Some((fen, None)));
    }
    let text = normalise_width(text.trim());
    let mut rest = text.trim();
    if is_missing(rest) {
        return Ok(None);
    }
    let mut negative = false;
    if let Some(inner) = rest.strip_prefix('(').and_then(|r| r.strip_suffix(')')) {
        negative = true;
        rest = inner.trim();
    }
    if let Some(r) = rest.strip_prefix('-') {
        negative = !negative;
        rest = r.trim_start();
    } else if let Some(r) = rest.strip_prefix('+') {
        rest = r.trim_start();
    }
    let (unmarked, marker) = strip_currency(rest);
    rest = unmarked;
    // A minus after the currency sign: `¥-12.00`.
    if let Some(r) = rest.strip_prefix('-') {
        negative = !negative;
        rest = r.trim_start();
    }
    let (digits, scale_digits) = if let Some(r) = rest.strip_suffix('亿') {
        (r.trim_end(), 8)
    } else if let Some(r) = rest.strip_suffix('万') {
        (r.trim_end(), 4)
    } else {
        (rest, 0)
    };
    let fen = decimal_to_fen(digits, scale_digits)?;
    Ok(Some((if negative { -fen } else { fen }, marker)))
}

/// `text` without the currency marker it starts or ends with, and that marker.
fn strip_currency(text: &str) -> (&str, Option<&'static str>) {
    for &marker in Currency::markers() {
        let n = marker.len();
        let head = text.get(..n).filter(|h| h.eq_ignore_ascii_case(marker));
        if head.is_some() {
            return (text[n..].trim_start(), Some(marker));
        }
        let tail = text
            .len()
            .checked_sub(n)
            .and_then(|at| text.get(at..))
            .filter(|t| t.eq_ignore_ascii_case(marker));
        if tail.is_some() {
            return (text[..text.len() - n].trim_end(), Some(marker));
        }
    }
    (text, None)
}

/// The common case without allocation: `[-]digits[.d[d]]`, as exports write most amounts.
fn plain_amount(bytes: &[u8]) -> Option<i64> {
    let (negative, digits) = match bytes.split_first() {
        Some((b'-', rest)) => (true, rest),
        _ => (false, bytes),
    };
    let dot = digits.iter().position(|&b| b == b'.');
    let (whole, fraction) = match dot {
        Some(at) => (&digits[..at], &digits[at + 1..]),
        None => (digits, &[][..]),
    };
    if whole.is_empty()
        || whole.len() > 15
        || fraction.len() > 2
        || (dot.is_some() && fraction.is_empty())
    {
        return None;
    }
    let mut fen: i64 = 0;
    for &b in whole.iter().chain(fraction) {
        if !b.is_ascii_digit() {
            return None;
        }
        fen = fen * 10 + i64::from(b - b'0');
    }
    for _ in fraction.len()..2 {
        fen *= 10;
    }
    Some(if negative { -fen } else { fen })
}

/// `digits` × 10^`scale_digits` yuan, in fen, with no rounding.
fn decimal_to_fen(digits: &str, scale_digits: u32) -> Result<i64, ValueError> {
    if digits.is_empty() {
        return Err(ValueError::NotAnAmount);
    }
    let (whole, fraction) = digits.split_once('.').unwrap_or((digits, ""));
    let whole_ok = !whole.is_empty() && valid_grouping(whole);
    if !whole_ok || !fraction.bytes().all(|b| b.is_ascii_digit()) {
        return Err(ValueError::NotAnAmount);
    }
    // Shift the decimal point right by 2 + scale, then require nothing left behind it.
    let shift = 2 + scale_digits as usize;
    let mut integer_digits: String = whole.chars().filter(|&c| c != ',').collect();
    let kept = fraction.len().min(shift);
    integer_digits.push_str(&fraction[..kept]);
    integer_digits.extend(std::iter::repeat_n('0', shift - kept));
    if fraction[kept..].bytes().any(|b| b != b'0') {
        return Err(ValueError::SubFenAmount);
    }
    integer_digits
        .parse::<i64>()
        .ok()
        .filter(|fen| *fen <= MAX_AMOUNT_FEN)
        .ok_or(ValueError::AmountOverflow)
}

/// Digits with optional thousands commas in the right places (`1,234,567` yes, `1,23` no).
fn valid_grouping(whole: &str) -> bool {
    if !whole.contains(',') {
        return whole.bytes().all(|b| b.is_ascii_digit());
    }
    let groups: Vec<&str> = whole.split(',').collect();
    let first = groups[0];
    !first.is_empty()
        && first.len() <= 3
        && first.bytes().all(|b| b.is_ascii_digit())
        && groups[1..]
            .iter()
            .all(|g| g.len() == 3 && g.bytes().all(|b| b.is_ascii_digit()))
}

/// An income given as a figure or as a band, in fen, with whether it was a band. A band —
/// `10-20万`, `$60K - $80K`, `40K以下`, `Less than $40K`, `$120K +`, `100万以上` — reads as its
/// midpoint; a band open below as half its bound, one open above as its bound. `K` and `M`
/// scale by a thousand and a million; a unit written once (`10-20万`) applies to both ends.
pub fn parse_income(text: &str) -> Result<Option<(i64, bool)>, ValueError> {
    match parse_money(text) {
        Ok(value) => return Ok(value.map(|fen| (fen, false))),
        Err(ValueError::AmountOverflow) => return Err(ValueError::AmountOverflow),
        Err(_) => {}
    }
    let text = normalise_width(text.trim());
    let lower = text.trim().to_lowercase();
    let lower = lower.as_str();
    if matches!(lower, "unknown" | "未知" | "不详") {
        return Ok(None);
    }
    for prefix in ["less than", "under", "below", "up to", "<"] {
        if let Some(bound) = lower.strip_prefix(prefix) {
            return Ok(Some((band_bound(bound, None)? / 2, true)));
        }
    }
    for suffix in ["以下", "以内"] {
        if let Some(bound) = lower.strip_suffix(suffix) {
            return Ok(Some((band_bound(bound, None)? / 2, true)));
        }
    }
    for prefix in ["more than", "over", "above", ">"] {
        if let Some(bound) = lower.strip_prefix(prefix) {
            return Ok(Some((band_bound(bound, None)?, true)));
        }
    }
    for suffix in ["以上", "+", "及以上"] {
        if let Some(bound) = lower.strip_suffix(suffix) {
            return Ok(Some((band_bound(bound, None)?, true)));
        }
    }
    let Some((low, high)) = lower
        .split_once(" - ")
        .or_else(|| lower.split_once(['-', '–', '~', '～', '至']))
    else {
        return Ok(Some((band_bound(lower, None)?, false)));
    };
    // `10-20万`: the unit written after the upper end is the lower end's too.
    let unit = high
        .trim()
        .chars()
        .last()
        .filter(|c| matches!(c, 'k' | 'm' | '万' | '亿'));
    let (low, high) = (band_bound(low, unit)?, band_bound(high, None)?);
    if low > high {
        return Err(ValueError::NotAnAmount);
    }
    let midpoint = low.checked_add(high).ok_or(ValueError::AmountOverflow)? / 2;
    Ok(Some((midpoint, true)))
}

/// [`parse_income`] for a dataset in `currency`: a band or figure that names another
/// currency (`$60K - $80K` in a renminbi dataset) is refused, not read as renminbi.
pub fn parse_income_in(text: &str, currency: Currency) -> Result<Option<(i64, bool)>, ValueError> {
    let income = parse_income(text)?;
    let mut left = normalise_width(text).to_lowercase();
    for &marker in Currency::markers() {
        let marker_lower = marker.to_lowercase();
        if left.contains(&marker_lower) {
            if !currency.is_written_as(marker) {
                return Err(ValueError::OtherCurrency(
                    Currency::named_by(marker).unwrap_or(currency),
                ));
            }
            // Taken, so `$` is not found again inside `HK$`.
            left = left.replace(&marker_lower, " ");
        }
    }
    Ok(income)
}

/// One end of an income band in fen: an amount with an optional currency sign and a `K`,
/// `M`, `万` or `亿`; `unit` is the other end's when this one has none.
fn band_bound(text: &str, unit: Option<char>) -> Result<i64, ValueError> {
    let rest = strip_currency(text.trim()).0;
    let own = rest
        .chars()
        .last()
        .filter(|c| matches!(c, 'k' | 'm' | '万' | '亿'));
    let (digits, scale) = match own.or(unit) {
        Some(c) => (
            rest.strip_suffix(c).unwrap_or(rest).trim_end(),
            match c {
                'k' => 1_000,
                'm' => 1_000_000,
                '万' => 10_000,
                _ => 100_000_000,
            },
        ),
        None => (rest, 1),
    };
    let fen = parse_money(digits)?.ok_or(ValueError::NotAnAmount)?;
    fen.checked_mul(scale)
        .filter(|fen| fen.abs() <= MAX_AMOUNT_FEN)
        .ok_or(ValueError::AmountOverflow)
}

/// An age in whole years, 0–120 (`35`, `35.0`, `35岁`).
pub fn parse_age(text: &str) -> Result<Option<u8>, ValueError> {
    let text = normalise_width(text.trim());
    let text = text.trim().trim_end_matches('岁');
    if is_missing(text) {
        return Ok(None);
    }
    let whole = text.strip_suffix(".0").unwrap_or(text);
    match whole.parse::<u8>() {
        Ok(age @ 0..=120) => Ok(Some(age)),
        _ => Err(ValueError::NotANumber),
    }
}

/// Parses a gender code: 男/女, M/F, Male/Female, 1 (male)/2 (female) as in Chinese ID conventions.
pub fn parse_gender(text: &str) -> Result<Option<Gender>, ValueError> {
    let text = normalise_width(text.trim());
    match text.trim().to_ascii_lowercase().as_str() {
        "" | "-" | "未知" | "unknown" => Ok(None),
        "男" | "m" | "male" | "1" => Ok(Some(Gender::Male)),
        "女" | "f" | "female" | "2" => Ok(Some(Gender::Female)),
        _ => Err(ValueError::NotAGender),
    }
}

/// Parses a direction code: 贷/收/入/IN/C/CR are money in; 借/支/出/OUT/D/DR are money out.
pub fn parse_direction(text: &str) -> Result<Option<Direction>, ValueError> {
    match text {
        "IN" | "in" | "C" | "贷" => return Ok(Some(Direction::In)),
        "OUT" | "out" | "D" | "借" => return Ok(Some(Direction::Out)),
        _ => {}
    }
    let text = normalise_width(text.trim());
    match text.trim().to_ascii_lowercase().as_str() {
        "" | "-" => Ok(None),
        "贷" | "收" | "入" | "收入" | "转入" | "存入" | "存" | "in" | "c" | "cr" | "credit" => {
            Ok(Some(Direction::In))
        }
        "借" | "支" | "出" | "支出" | "转出" | "支取" | "取" | "out" | "d" | "dr" | "debit" => {
            Ok(Some(Direction::Out))
        }
        _ => Err(ValueError::NotADirection),
    }
}

/// Parses yes/no in both languages: 是/否, 有/无, Y/N, yes/no, true/false, 1/0.
pub fn parse_yes_no(text: &str) -> Result<Option<bool>, ValueError> {
    let text = normalise_width(text.trim());
    match text.trim().to_ascii_lowercase().as_str() {
        "" | "-" | "unknown" => Ok(None),
        "是" | "有" | "y" | "yes" | "true" | "1" => Ok(Some(true)),
        "否" | "无" | "n" | "no" | "false" | "0" => Ok(Some(false)),
        _ => Err(ValueError::NotYesNo),
    }
}

/// Parses a risk level: `R3`, `3`, `C3`, `3级`, or 保守/稳健/平衡/进取/激进 (1–5).
pub fn parse_risk_level(text: &str) -> Result<Option<u8>, ValueError> {
    let text = normalise_width(text.trim());
    let text = text.trim();
    if is_missing(text) {
        return Ok(None);
    }
    let named = match text {
        "保守" | "保守型" => Some(1),
        "稳健" | "稳健型" => Some(2),
        "平衡" | "平衡型" => Some(3),
        "进取" | "进取型" | "成长" | "成长型" => Some(4),
        "激进" | "激进型" => Some(5),
        _ => None,
    };
    if let Some(level) = named {
        return Ok(Some(level));
    }
    let digits = text
        .trim_start_matches(['R', 'r', 'C', 'c'])
        .trim_end_matches('级');
    match digits.parse::<u8>() {
        Ok(level @ 1..=5) => Ok(Some(level)),
        _ => Err(ValueError::NotANumber),
    }
}

/// Full-width digits and punctuation (`１２３．４５`, `，`, `（`) to their ASCII forms, and `￥` to `¥`.
pub fn normalise_width(text: &str) -> std::borrow::Cow<'_, str> {
    if text.is_ascii() || !text.chars().any(is_full_width) {
        return std::borrow::Cow::Borrowed(text);
    }
    std::borrow::Cow::Owned(
        text.chars()
            .map(|c| match c {
                '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
                '\u{FFE5}' => '¥',
                '\u{3000}' => ' ',
                _ => c,
            })
            .collect(),
    )
}

fn is_full_width(c: char) -> bool {
    matches!(c, '\u{FF01}'..='\u{FF5E}' | '\u{FFE5}' | '\u{3000}')
}

fn is_missing(text: &str) -> bool {
    matches!(
        text,
        "" | "-" | "--" | "N/A" | "n/a" | "NULL" | "null" | "—"
    )
}
