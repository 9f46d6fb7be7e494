//! A flat picture of the clusters: the first two principal components of the z-scored
//! clustering features, so a scatter shows as much of their spread as two axes can.

use super::kmeans::FeatureMatrix;

/// Rows projected onto the two directions of largest variance.
#[derive(Clone, Debug, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Projection {
    /// Per row, its coordinates on the first and second component.
    #[serde(with = "single_precision")]
    pub points: Vec<[f64; 2]>,
    /// The share of the total variance each component shows.
    pub explained: [f64; 2],
    /// The components, as unit vectors over the features.
    pub components: [Vec<f64>; 2],
}

/// The points travel from the analysis worker to the page as JSON, only to be plotted: single
/// precision is plenty there, and halves the message the page must parse on its own thread.
mod single_precision {
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(points: &[[f64; 2]], serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(points.iter().map(|p| [p[0] as f32, p[1] as f32]))
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(
        deserializer: D,
    ) -> Result<Vec<[f64; 2]>, D::Error> {
        let points = Vec::<[f32; 2]>::deserialize(deserializer)?;
        Ok(points
            .into_iter()
            .map(|p| [f64::from(p[0]), f64::from(p[1])])
            .collect())
    }
}

/// Projects every row of `matrix` (already centred, as z-scores are) onto its first two
/// principal components, found by power iteration on the covariance matrix with deflation.
pub fn principal_components(matrix: &FeatureMatrix) -> Projection {
    let (n, k) = (matrix.rows(), matrix.columns);
    if n == 0 || k == 0 {
        return Projection::default();
    }
    let mut covariance = vec![0.0; k * k];
    for row in matrix.values.chunks_exact(k) {
        for i in 0..k {
            for j in i..k {
                covariance[i * k + j] += row[i] * row[j];
            }
        }
    }
    for i in 0..k {
        for j in i..k {
            covariance[i * k + j] /= n as f64;
            covariance[j * k + i] = covariance[i * k + j];
        }
    }
    let total: f64 = (0..k).map(|i| covariance[i * k + i]).sum();
    let mut components: [Vec<f64>; 2] = [vec![0.0; k], vec![0.0; k]];
    let mut variances = [0.0; 2];
    for c in 0..2.min(k) {
        // A fixed, uneven start: never orthogonal to a component by accident.
        let mut vector: Vec<f64> = (0..k).map(|i| 1.0 + i as f64 * 0.1).collect();
        let mut value = 0.0;
        for _ in 0..500 {
            let mut next = vec![0.0; k];
            for i in 0..k {
                next[i] = (0..k).map(|j| covariance[i * k + j] * vector[j]).sum();
            }
            let norm = next.iter().map(|v| v * v).sum::<f64>().sqrt();
            if norm == 0.0 {
                break;
            }
            next.iter_mut().for_each(|v| *v /= norm);
            let moved: f64 = next.iter().zip(&vector).map(|(a, b)| (a - b).abs()).sum();
            vector = next;
            value = norm;
            if moved < 1e-12 {
                break;
            }
        }
        // Deflate, so the next iteration finds the next direction.
        for i in 0..k {
            for j in 0..k {
                covariance[i * k + j] -= value * vector[i] * vector[j];
            }
        }
        // A sign convention, so the picture does not flip between runs: the largest weight
        // is positive.
        let largest = vector
            .iter()
            .copied()
            .fold(0.0f64, |a, v| if v.abs() > a.abs() { v } else { a });
        if largest < 0.0 {
            vector.iter_mut().for_each(|v| *v = -*v);
        }
        variances[c] = value;
        components[c] = vector;
    }
    let points = matrix
        .values
        .chunks_exact(k)
        .map(|row| {
            let dot = |c: &[f64]| row.iter().zip(c).map(|(a, b)| a * b).sum::<f64>();
            [dot(&components[0]), dot(&components[1])]
        })
        .collect();
    let share = |v: f64| if total > 0.0 { v / total } else { 0.0 };
    Projection {
        points,
        explained: [share(variances[0]), share(variances[1])],
        components,
    }
}
