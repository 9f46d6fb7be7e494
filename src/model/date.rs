//! Calendar dates as day numbers, so date columns are plain `i32`s and date arithmetic is subtraction.

use chrono::{Datelike, NaiveDate};
use std::fmt;

/// Days since 1970-01-01; [`Day::MISSING`] marks an absent date.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[repr(transparent)]
pub struct Day(pub i32);

const UNIX_EPOCH_DAYS_FROM_CE: i32 = 719_163;

impl Day {
    /// The marker for a date that the export left blank.
    pub const MISSING: Day = Day(i32::MIN);

    /// The day of a calendar date, or `None` when the date does not exist (e.g. 2023-02-29).
    pub fn from_ymd(year: i32, month: u32, day: u32) -> Option<Day> {
        NaiveDate::from_ymd_opt(year, month, day).map(Day::from_naive)
    }

    fn from_naive(date: NaiveDate) -> Day {
        Day(date.num_days_from_ce() - UNIX_EPOCH_DAYS_FROM_CE)
    }

    /// The calendar date, or `None` for [`Day::MISSING`] and out-of-range numbers.
    pub fn to_naive(self) -> Option<NaiveDate> {
        if self.is_missing() {
            return None;
        }
        NaiveDate::from_num_days_from_ce_opt(self.0.checked_add(UNIX_EPOCH_DAYS_FROM_CE)?)
    }

    /// Parses `YYYY-MM-DD`, the only form the model itself reads (imports handle the rest).
    pub fn parse_iso(text: &str) -> Option<Day> {
        // The common, exact `YYYY-MM-DD` without the format parser: a journal reads 100,000.
        if let [y1, y2, y3, y4, b'-', m1, m2, b'-', d1, d2] = *text.as_bytes() {
            let digits = [y1, y2, y3, y4, m1, m2, d1, d2];
            if digits.iter().all(u8::is_ascii_digit) {
                let n = |ds: &[u8]| {
                    ds.iter()
                        .fold(0u32, |acc, d| acc * 10 + u32::from(d - b'0'))
                };
                return Day::from_ymd(n(&digits[..4]) as i32, n(&digits[4..6]), n(&digits[6..]));
            }
        }
        NaiveDate::parse_from_str(text, "%Y-%m-%d")
            .ok()
            .map(Day::from_naive)
    }

    /// Whether this is the blank-date marker.
    pub fn is_missing(self) -> bool {
        self == Day::MISSING
    }

    /// Year, month and day, or `None` when missing.
    pub fn ymd(self) -> Option<(i32, u32, u32)> {
        self.to_naive().map(|d| (d.year(), d.month(), d.day()))
    }

    /// The day `days` later (earlier when negative).
    pub fn plus_days(self, days: i32) -> Day {
        Day(self.0 + days)
    }

    /// Whole years from `self` to `later`, as a birthday counts them.
    pub fn years_until(self, later: Day) -> Option<i32> {
        let (from, to) = (self.to_naive()?, later.to_naive()?);
        let mut years = to.year() - from.year();
        if (to.month(), to.day()) < (from.month(), from.day()) {
            years -= 1;
        }
        Some(years)
    }
}

impl fmt::Display for Day {
    /// ISO 8601 (`2026-06-30`), or empty for a missing date.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.ymd() {
            Some((y, m, d)) => write!(f, "{y:04}-{m:02}-{d:02}"),
            None => Ok(()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn iso_dates_round_trip_across_leap_years() {
        for text in [
            "1970-01-01",
            "2000-02-29",
            "2024-12-31",
            "1950-06-15",
            "2026-06-30",
        ] {
            let day = Day::parse_iso(text).expect("valid date");
            assert_eq!(day.to_string(), text);
        }
        assert_eq!(Day::parse_iso("1970-01-02"), Some(Day(1)));
        assert_eq!(Day::parse_iso("2023-02-29"), None);
        assert_eq!(Day::MISSING.to_string(), "");
    }

    #[test]
    fn age_counts_whole_years() {
        let birth = Day::parse_iso("1980-07-01").expect("date");
        let before = Day::parse_iso("2026-06-30").expect("date");
        let on = Day::parse_iso("2026-07-01").expect("date");
        assert_eq!(birth.years_until(before), Some(45));
        assert_eq!(birth.years_until(on), Some(46));
    }
}
