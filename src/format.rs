//! Numbers and dates the way each language's bankers write them: 万/亿 in Chinese, K/M/B in English.
//!
//! Money arrives as integer fen and is rounded with integer arithmetic, so a figure never drifts
//! by the float error that `fen as f64 / 1e6` would bring.

use crate::i18n::{Lang, Msg};
use crate::model::Day;

/// A sum in fen, shortened to the unit a reader expects: `¥25.54亿` or `¥2.55B`.
pub fn money_compact(fen: i64, lang: Lang) -> String {
    // (unit in fen, suffix), largest first; amounts below the smallest unit are shown in full.
    let units: &[(i64, &str)] = match lang {
        Lang::Zh => &[(10_000_000_000, "亿"), (1_000_000, "万")],
        Lang::En => &[(100_000_000_000, "B"), (100_000_000, "M"), (100_000, "K")],
    };
    let sign = if fen < 0 { "-" } else { "" };
    let magnitude = fen.unsigned_abs();
    // The unit is chosen on the exact amount, so ¥99,999,949.99 reads 9,999.99万, not 1.00亿.
    let Some(i) = units.iter().position(|&(unit, _)| magnitude >= unit as u64) else {
        return money_exact(fen);
    };
    let (unit, suffix) = units[i];
    let hundredths = round_div(magnitude, unit as u64 / 100);
    // ¥99,999,995.00 rounds to 10,000.00万: say 1.00亿 instead.
    if i > 0 && hundredths >= 100 * (units[i - 1].0 / unit) as u64 {
        let (bigger, bigger_suffix) = units[i - 1];
        let bigger_hundredths = round_div(magnitude, bigger as u64 / 100);
        return format!("{sign}¥{}{bigger_suffix}", two_decimals(bigger_hundredths));
    }
    format!("{sign}¥{}{suffix}", two_decimals(hundredths))
}

/// A sum in fen written in full: `¥2,554,436,292.45`.
pub fn money_exact(fen: i64) -> String {
    let sign = if fen < 0 { "-" } else { "" };
    format!("{sign}¥{}", two_decimals(fen.unsigned_abs()))
}

/// A sum in fen as a plain decimal (`2554436292.45`), as exports and JSON carry it.
pub fn money_decimal(fen: i64) -> String {
    let sign = if fen < 0 { "-" } else { "" };
    let magnitude = fen.unsigned_abs();
    format!("{sign}{}.{:02}", magnitude / 100, magnitude % 100)
}

/// A count with thousands separators: `45,211`.
pub fn count(value: usize) -> String {
    group_thousands(value as u64)
}

/// A share as a percentage with one decimal: `12.3%`.
pub fn percent(part: i64, whole: i64) -> String {
    if whole == 0 {
        return "–".into();
    }
    let tenths = round_div(part.unsigned_abs() * 1000, whole.unsigned_abs());
    format!("{}.{}%", tenths / 10, tenths % 10)
}

/// A date as each language writes it: `2026年6月30日` or `30 Jun 2026`.
pub fn date(day: Day, lang: Lang) -> String {
    match (day.ymd(), lang) {
        (None, _) => "–".into(),
        (Some((y, m, d)), Lang::Zh) => format!("{y}年{m}月{d}日"),
        (Some((y, m, d)), Lang::En) => format!("{d} {} {y}", MONTHS[(m - 1) as usize]),
    }
}

const MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

/// A calendar month (1–12) as the reader writes it: 2026年9月, Sep 2026.
pub fn month(year: i32, month: u32, lang: Lang) -> String {
    match lang {
        Lang::Zh => format!("{year}年{month}月"),
        Lang::En => format!("{} {year}", MONTHS[(month.clamp(1, 12) - 1) as usize]),
    }
}

fn round_div(numerator: u64, denominator: u64) -> u64 {
    (numerator + denominator / 2) / denominator
}

fn two_decimals(hundredths: u64) -> String {
    format!(
        "{}.{:02}",
        group_thousands(hundredths / 100),
        hundredths % 100
    )
}

fn group_thousands(value: u64) -> String {
    let digits = value.to_string();
    let mut grouped = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, digit) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            grouped.push(',');
        }
        grouped.push(digit);
    }
    grouped
}

/// A chart title with the date its figures describe, drawn into the image and naming downloads:
/// `各层级客户数与资产 · 数据日期 2026年6月30日`.
pub fn dated_title(title: &str, as_of: &str, lang: Lang) -> String {
    format!("{title} · {} {as_of}", lang.text(Msg::AsOf))
}
