//! Monthly series and a three-month forecast by Holt's linear trend, with its error measured on
//! held-out months.
//!
//! Series run by calendar month up to the as-of month (which may be partial). AUM by month is
//! reconstructed backwards from today's AUM and each month's net flow (see
//! [`super::profile`]): exports rarely carry balance histories.

use crate::model::{Dataset, Day, Direction};

/// A month as `year * 12 + (month − 1)`.
pub type MonthIndex = i32;

/// The month of a day.
pub fn month_of(day: Day) -> Option<MonthIndex> {
    day.ymd().map(|(y, m, _)| y * 12 + m as i32 - 1)
}

/// `(year, month)` of a month index.
pub fn year_month(month: MonthIndex) -> (i32, u32) {
    (month.div_euclid(12), month.rem_euclid(12) as u32 + 1)
}

/// Monthly series for groups of customers (e.g. tiers), and for everyone.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct MonthlySeries {
    /// The months, oldest first, ending at the as-of month.
    pub months: Vec<MonthIndex>,
    /// Per group then the total (last): transactions per month.
    pub activity: Vec<Vec<f64>>,
    /// Per group then the total: net inflow per month, in fen.
    pub net_flow_fen: Vec<Vec<f64>>,
    /// Per group then the total: AUM at each month's end, in fen (by net flows).
    pub aum_fen: Vec<Vec<f64>>,
}

/// The last `months` months of activity, net flow and AUM, per group (`group_of_customer`
/// values below `groups`) and in total. `aum_fen` is each customer's AUM at as-of.
pub fn monthly_series(
    dataset: &Dataset,
    as_of: Day,
    aum_fen: &[i64],
    group_of_customer: &[u8],
    groups: usize,
    months: usize,
) -> MonthlySeries {
    let Some(last) = month_of(as_of) else {
        return MonthlySeries::default();
    };
    let first = last - months as i32 + 1;
    let rows = groups + 1;
    let mut activity = vec![vec![0.0; months]; rows];
    let mut net = vec![vec![0.0; months]; rows];
    let t = dataset.transactions();
    for row in 0..t.len() {
        let Some(month) = month_of(t.txn_date[row]) else {
            continue;
        };
        if month < first || month > last {
            continue;
        }
        let slot = (month - first) as usize;
        let group = usize::from(group_of_customer[t.customer_idx[row] as usize]);
        let amount = t.amount_fen[row] as f64;
        let signed = if t.direction[row] == Direction::In {
            amount
        } else {
            -amount
        };
        for g in [group, groups] {
            activity[g][slot] += 1.0;
            net[g][slot] += signed;
        }
    }
    let mut aum = vec![vec![0.0; months]; rows];
    for (customer, &value) in aum_fen.iter().enumerate() {
        let group = usize::from(group_of_customer[customer]);
        aum[group][months - 1] += value as f64;
        aum[groups][months - 1] += value as f64;
    }
    for g in 0..rows {
        // The end of month m is the end of month m + 1 minus what flowed in during m + 1.
        for slot in (0..months - 1).rev() {
            aum[g][slot] = aum[g][slot + 1] - net[g][slot + 1];
        }
    }
    MonthlySeries {
        months: (first..=last).collect(),
        activity,
        net_flow_fen: net,
        aum_fen: aum,
    }
}

/// One customer's last `months` months: activity, net flow and AUM by net flows, as a
/// one-group [`MonthlySeries`] (the group and the total are the customer).
pub fn customer_monthly_series(
    dataset: &Dataset,
    as_of: Day,
    customer: usize,
    aum_fen: &[i64],
    months: usize,
) -> MonthlySeries {
    let alone: Vec<u8> = (0..aum_fen.len())
        .map(|c| u8::from(c != customer))
        .collect();
    let mut series = monthly_series(dataset, as_of, aum_fen, &alone, 2, months);
    for rows in [
        &mut series.activity,
        &mut series.net_flow_fen,
        &mut series.aum_fen,
    ] {
        rows.truncate(1);
        let own = rows[0].clone();
        rows.push(own);
    }
    series
}

/// Holt's linear trend fitted to a series.
#[derive(Clone, Debug, PartialEq)]
pub struct Forecast {
    /// Smoothing of the level and of the trend, chosen on the fitting months.
    pub alpha: f64,
    /// See `alpha`.
    pub beta: f64,
    /// The next `horizon` values.
    pub values: Vec<f64>,
    /// A ±2 root-mean-square one-step error band around each forecast, widening with the step.
    pub band: Vec<(f64, f64)>,
    /// Mean absolute error of forecasting the held-out last months from the months before them.
    pub holdout_mae: Option<f64>,
    /// The same error relative to the held-out values' mean absolute size.
    pub holdout_relative_error: Option<f64>,
}

/// Runs Holt's recursions; returns the final level, trend and one-step squared errors.
fn holt(series: &[f64], alpha: f64, beta: f64) -> (f64, f64, f64) {
    let mut level = series[0];
    let mut trend = series.get(1).map_or(0.0, |&second| second - series[0]);
    let mut squared = 0.0;
    for &y in &series[1..] {
        let predicted = level + trend;
        squared += (y - predicted) * (y - predicted);
        let previous = level;
        level = alpha * y + (1.0 - alpha) * (level + trend);
        trend = beta * (level - previous) + (1.0 - beta) * trend;
    }
    (level, trend, squared)
}

/// The smoothing pair (on a 0.1 grid) with the least one-step error.
fn fit(series: &[f64]) -> (f64, f64, f64, f64, f64) {
    let grid: Vec<f64> = (1..=9).map(|i| f64::from(i) / 10.0).collect();
    let mut best = (0.5, 0.1, series[0], 0.0, f64::INFINITY);
    for &alpha in &grid {
        for &beta in &grid {
            let (level, trend, squared) = holt(series, alpha, beta);
            if squared < best.4 {
                best = (alpha, beta, level, trend, squared);
            }
        }
    }
    best
}

/// Forecasts `horizon` steps; the error is measured by refitting without the last `holdout`
/// values. Series shorter than three values are carried flat, without an error figure.
pub fn forecast(series: &[f64], horizon: usize, holdout: usize) -> Forecast {
    if series.len() < 3 {
        let last = series.last().copied().unwrap_or(0.0);
        return Forecast {
            alpha: 1.0,
            beta: 0.0,
            values: vec![last; horizon],
            band: vec![(last, last); horizon],
            holdout_mae: None,
            holdout_relative_error: None,
        };
    }
    let (alpha, beta, level, trend, squared) = fit(series);
    let rmse = (squared / (series.len() - 1) as f64).sqrt();
    let values: Vec<f64> = (1..=horizon).map(|h| level + h as f64 * trend).collect();
    let band = values
        .iter()
        .enumerate()
        .map(|(h, &v)| {
            let spread = 2.0 * rmse * ((h + 1) as f64).sqrt();
            (v - spread, v + spread)
        })
        .collect();
    let (holdout_mae, holdout_relative_error) = if holdout > 0 && series.len() >= holdout + 3 {
        let (train, test) = series.split_at(series.len() - holdout);
        let (_, _, level, trend, _) = fit(train);
        let mae = test
            .iter()
            .enumerate()
            .map(|(h, &y)| (y - (level + (h + 1) as f64 * trend)).abs())
            .sum::<f64>()
            / holdout as f64;
        let size = test.iter().map(|y| y.abs()).sum::<f64>() / holdout as f64;
        (Some(mae), (size > 0.0).then(|| mae / size))
    } else {
        (None, None)
    };
    Forecast {
        alpha,
        beta,
        values,
        band,
        holdout_mae,
        holdout_relative_error,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_straight_line_is_continued_exactly() {
        let series: Vec<f64> = (0..12).map(|i| 100.0 + 5.0 * f64::from(i)).collect();
        let f = forecast(&series, 3, 3);
        for (h, v) in f.values.iter().enumerate() {
            assert!(
                (v - (160.0 + 5.0 * h as f64)).abs() < 1e-9,
                "{:?}",
                f.values
            );
        }
        assert!(f.holdout_mae.expect("error measured") < 1e-9);
    }

    #[test]
    fn noise_widens_the_band_and_short_series_stay_flat() {
        let series = [10.0, 12.0, 9.0, 13.0, 11.0, 12.0, 10.0, 14.0];
        let f = forecast(&series, 3, 3);
        assert!(f.band[2].1 - f.band[2].0 > f.band[0].1 - f.band[0].0);
        assert!(f.holdout_mae.expect("error") > 0.0);
        let short = forecast(&[7.0, 9.0], 2, 3);
        assert_eq!(short.values, [9.0, 9.0]);
        assert_eq!(short.holdout_mae, None);
    }

    #[test]
    fn month_indices_round_trip() {
        let day = Day::parse_iso("2026-06-30").expect("date");
        assert_eq!(year_month(month_of(day).expect("month")), (2026, 6));
        assert_eq!(year_month(2026 * 12), (2026, 1));
    }
}
