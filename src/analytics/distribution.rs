//! How customers spread over AUM: a histogram on a logarithmic scale, where a branch's
//! ¥5,000 savers and its ¥50M private clients are both visible.

/// Customers per AUM bin; bins are an equal fraction of a decade wide.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct AumHistogram {
    /// Bin edges in fen, ascending: bin `i` is `edges_fen[i]..edges_fen[i + 1]`.
    pub edges_fen: Vec<i64>,
    /// Customers per bin.
    pub counts: Vec<usize>,
    /// Customers with no positive AUM, who have no place on a logarithmic axis.
    pub without_aum: usize,
}

/// Bins the positive AUMs, `bins_per_decade` to a factor of ten, from the decade of the
/// smallest to the decade above the largest.
pub fn aum_histogram(aum_fen: &[i64], bins_per_decade: u32) -> AumHistogram {
    let positive = aum_fen.iter().copied().filter(|&v| v > 0);
    let (Some(min), Some(max)) = (positive.clone().min(), positive.max()) else {
        return AumHistogram {
            without_aum: aum_fen.len(),
            ..AumHistogram::default()
        };
    };
    let per = bins_per_decade.max(1) as i32;
    let low = (min as f64).log10().floor() as i32;
    let high = (max as f64).log10().floor() as i32 + 1;
    let bins = ((high - low) * per) as usize;
    let edges_fen: Vec<i64> = (0..=bins as i32)
        .map(|i| {
            10f64
                .powf(f64::from(low) + f64::from(i) / f64::from(per))
                .round() as i64
        })
        .collect();
    let mut counts = vec![0; bins];
    let mut without_aum = 0;
    for &value in aum_fen {
        if value <= 0 {
            without_aum += 1;
            continue;
        }
        let guess = ((value as f64).log10() - f64::from(low)) * f64::from(per);
        let mut bin = (guess.floor().max(0.0) as usize).min(bins - 1);
        // The logarithm can land a hair off at an edge; the edges themselves decide.
        while bin + 1 < bins && value >= edges_fen[bin + 1] {
            bin += 1;
        }
        while bin > 0 && value < edges_fen[bin] {
            bin -= 1;
        }
        counts[bin] += 1;
    }
    AumHistogram {
        edges_fen,
        counts,
        without_aum,
    }
}
