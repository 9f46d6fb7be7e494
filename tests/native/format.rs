//! Money, counts, percentages and dates, in Chinese and English, against `money_format.txt`.

use super::support::check_expected;
use keystone::format::{count, date, money_compact, money_decimal, money_exact, month, percent};
use keystone::i18n::Lang;
use keystone::model::Day;

#[test]
fn money_formats_match_expected_output() {
    let amounts_fen: [i64; 20] = [
        0,
        1,
        99,
        123_456,
        999_999,
        1_000_000,
        1_234_567,
        99_999_499,
        99_999_999,
        9_999_994_999,
        9_999_995_000,
        10_000_000_000,
        255_443_629_245,
        2_540_114_279_133,
        99_999_999_999,
        100_000_000_000,
        i64::MAX,
        -1_234_567,
        -255_443_629_245,
        // 0.1 + 0.2 style drift would show here if the sum went through floats.
        30_000_000_000_000_003,
    ];
    let mut out = String::from("# fen\tzh compact\ten compact\texact\tdecimal\n");
    for fen in amounts_fen {
        out.push_str(&format!(
            "{fen}\t{}\t{}\t{}\t{}\n",
            money_compact(fen, Lang::Zh),
            money_compact(fen, Lang::En),
            money_exact(fen),
            money_decimal(fen)
        ));
    }
    check_expected("money_format.txt", &out);
}

#[test]
fn counts_percentages_and_dates() {
    assert_eq!(count(45_211), "45,211");
    assert_eq!(count(999), "999");
    assert_eq!(count(1_000_000), "1,000,000");
    assert_eq!(percent(1, 3), "33.3%");
    assert_eq!(percent(2, 3), "66.7%");
    assert_eq!(percent(5, 0), "–");
    let day = Day::parse_iso("2026-06-30").expect("date");
    assert_eq!(date(day, Lang::Zh), "2026年6月30日");
    assert_eq!(date(day, Lang::En), "30 Jun 2026");
    assert_eq!(date(Day::MISSING, Lang::En), "–");
    assert_eq!(month(2026, 9, Lang::Zh), "2026年9月");
    assert_eq!(month(2026, 9, Lang::En), "Sep 2026");
    assert_eq!(month(2027, 1, Lang::En), "Jan 2027");
}
