//! Numbers and dates the way each language's bankers write them: 万/亿 in Chinese, K/M/B in English.
//!
//! Money arrives as integer fen and is rounded with integer arithmetic, so a figure never drifts
//! by the float error that `fen as f64 / 1e6` would bring.
//!
//! Amounts are written with the sign of the loaded dataset's currency ([`show_amounts_in`]):
//! `¥` for renminbi, `$`, `€`, `HK$` … for the others. Nothing is converted.

use crate::i18n::{Lang, Msg};
use crate::model::{Currency, Day};
use std::cell::Cell;

thread_local! {
    /// The currency of the dataset on screen. One thread draws one dataset at a time (the
    /// page, or a worker exporting one), and every amount it writes is in that dataset's
    /// currency, so the currency is set once where the dataset is loaded rather than passed
    /// through every view.
    static SHOWN_CURRENCY: Cell<Currency> = const { Cell::new(Currency::Cny) };
}

/// Writes every amount from now on (on this thread) in `currency`: called where a dataset is
/// loaded, with the currency stored with its snapshot.
pub fn show_amounts_in(currency: Currency) {
    SHOWN_CURRENCY.with(|shown| shown.set(currency));
}

/// The currency amounts are written in (see [`show_amounts_in`]).
pub fn shown_currency() -> Currency {
    SHOWN_CURRENCY.with(Cell::get)
}

/// The unit tier thresholds are typed in: `万元` / `万美元` in Chinese, `thousand CNY` /
/// `thousand USD` in English.
pub fn threshold_unit(lang: Lang) -> String {
    let currency = shown_currency();
    match lang {
        Lang::Zh => format!("万{}", currency.zh_name()),
        Lang::En => format!("thousand {}", currency.code()),
    }
}

/// The units a reader shortens money to, `(unit in fen, suffix)`, largest first: 亿 and 万 in
/// Chinese, B, M and K in English.
fn money_units(lang: Lang) -> &'static [(i64, &'static str)] {
    match lang {
        Lang::Zh => &[(10_000_000_000, "亿"), (1_000_000, "万")],
        Lang::En => &[(100_000_000_000, "B"), (100_000_000, "M"), (100_000, "K")],
    }
}

/// A sum in fen, shortened to the unit a reader expects: `¥25.54亿` or `¥2.55B`.
pub fn money_compact(fen: i64, lang: Lang) -> String {
    // Amounts below the smallest unit are shown in full.
    let units = money_units(lang);
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
        return format!(
            "{sign}{}{}{bigger_suffix}",
            shown_currency().sign(),
            two_decimals(bigger_hundredths)
        );
    }
    format!(
        "{sign}{}{}{suffix}",
        shown_currency().sign(),
        two_decimals(hundredths)
    )
}

/// The labels of a money axis: one unit for every tick (the largest tick's, so ¥8,000万 never
/// stands beside ¥1.2亿 but reads ¥0.8亿) and the fewest decimals that keep the ticks apart.
/// Axis labels are approximate by nature, so the float division is harmless here.
pub fn money_axis(ticks_fen: &[f64], lang: Lang) -> Vec<String> {
    let largest = ticks_fen.iter().fold(0.0f64, |m, v| m.max(v.abs()));
    // Below the smallest unit, whole yuan.
    let (unit, suffix) = money_units(lang)
        .iter()
        .map(|&(unit, suffix)| (unit as f64, suffix))
        .find(|&(unit, _)| largest >= unit)
        .unwrap_or((100.0, ""));
    let currency_sign = shown_currency().sign();
    distinct(ticks_fen, |fen, decimals| {
        let amount = fen / unit;
        let text = format!("{:.decimals$}", amount.abs());
        if text.chars().all(|c| c == '0' || c == '.') {
            return format!("{currency_sign}0");
        }
        let (whole, fraction) = text.split_once('.').unwrap_or((&text, ""));
        let sign = if amount < 0.0 { "-" } else { "" };
        let whole = group_thousands(whole.parse().unwrap_or(0));
        let point = if fraction.is_empty() { "" } else { "." };
        format!("{sign}{currency_sign}{whole}{point}{fraction}{suffix}")
    })
}

/// `values` formatted with the fewest decimals (up to six) under which no two read the same.
pub fn distinct(values: &[f64], format: impl Fn(f64, usize) -> String) -> Vec<String> {
    let mut labels = Vec::new();
    for decimals in 0..=6 {
        labels = values.iter().map(|&v| format(v, decimals)).collect();
        let mut sorted = labels.clone();
        sorted.sort();
        sorted.dedup();
        if sorted.len() == labels.len() {
            break;
        }
    }
    labels
}

/// A sum in fen written in full: `¥2,554,436,292.45`.
pub fn money_exact(fen: i64) -> String {
    let sign = if fen < 0 { "-" } else { "" };
    format!(
        "{sign}{}{}",
        shown_currency().sign(),
        two_decimals(fen.unsigned_abs())
    )
}

/// A sum in fen as a plain decimal (`2554436292.45`), as exports and JSON carry it.
pub fn money_decimal(fen: i64) -> String {
    let sign = if fen < 0 { "-" } else { "" };
    let magnitude = fen.unsigned_abs();
    format!("{sign}{}.{:02}", magnitude / 100, magnitude % 100)
}

/// A file's size as people read it: `0.8 KB`, `4.2 KB`, `125.0 MB` (decimal units, as file
/// pickers show them; KB and MB read the same in both languages).
pub fn file_size(bytes: f64) -> String {
    if bytes < 1e6 {
        format!("{:.1} KB", bytes / 1e3)
    } else {
        format!("{:.1} MB", bytes / 1e6)
    }
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

/// A stored UTC time (`2026-12-04T14:52:16.763Z`) in the reader's local time, as each language
/// writes it: `2026年12月4日 22:52` or `4 Dec 2026, 22:52`. `offset_minutes` is the browser's
/// `Date.getTimezoneOffset()` (UTC minus local, so −480 in China). Anything else reads as given.
pub fn date_time(iso: &str, offset_minutes: i32, lang: Lang) -> String {
    let parsed = (|| {
        let day = Day::parse_iso(iso.get(..10)?)?;
        if iso.as_bytes().get(10) != Some(&b'T') {
            return None;
        }
        let hours: i32 = iso.get(11..13)?.parse().ok()?;
        let minutes: i32 = iso.get(14..16)?.parse().ok()?;
        let local = day.0 * 1_440 + hours * 60 + minutes - offset_minutes;
        Some((Day(local.div_euclid(1_440)), local.rem_euclid(1_440)))
    })();
    match parsed {
        Some((day, minute)) => {
            let clock = format!("{:02}:{:02}", minute / 60, minute % 60);
            match lang {
                Lang::Zh => format!("{} {clock}", date(day, lang)),
                Lang::En => format!("{}, {clock}", date(day, lang)),
            }
        }
        None => iso.to_owned(),
    }
}

/// `n` and the noun in the right number: `1 snapshot`, `2 snapshots`; Chinese has one form.
pub fn counted(n: usize, one: Msg, many: Msg, lang: Lang) -> String {
    let noun = if n == 1 { one } else { many };
    format!("{} {}", count(n), lang.text(noun))
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
