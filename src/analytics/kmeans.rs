//! k-means on z-scored customer features: k-means++ seeding from a fixed seed, then Lloyd
//! iterations until assignments stop changing or the cap is reached. Deterministic.

use crate::random::SplitMix64;

/// A row-major matrix of `f64` features, one row per customer.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct FeatureMatrix {
    /// Values, `rows × columns`, row after row.
    pub values: Vec<f64>,
    /// Features per row.
    pub columns: usize,
}

impl FeatureMatrix {
    /// Builds a matrix from columns of equal length.
    pub fn from_columns(columns: &[Vec<f64>]) -> FeatureMatrix {
        let n = columns.first().map_or(0, Vec::len);
        let mut values = Vec::with_capacity(n * columns.len());
        for row in 0..n {
            values.extend(columns.iter().map(|c| c[row]));
        }
        FeatureMatrix {
            values,
            columns: columns.len(),
        }
    }

    /// Number of rows.
    pub fn rows(&self) -> usize {
        self.values.len().checked_div(self.columns).unwrap_or(0)
    }

    /// Row `i`.
    pub fn row(&self, i: usize) -> &[f64] {
        &self.values[i * self.columns..(i + 1) * self.columns]
    }

    /// Each column shifted to mean 0 and scaled to population standard deviation 1; constant
    /// columns become 0. Returns the means and deviations used.
    pub fn z_score(&mut self) -> (Vec<f64>, Vec<f64>) {
        let (n, k) = (self.rows(), self.columns);
        let mut mean = vec![0.0; k];
        let mut deviation = vec![0.0; k];
        if n == 0 {
            return (mean, deviation);
        }
        for row in self.values.chunks_exact(k) {
            for (m, v) in mean.iter_mut().zip(row) {
                *m += v;
            }
        }
        mean.iter_mut().for_each(|m| *m /= n as f64);
        for row in self.values.chunks_exact(k) {
            for ((d, v), m) in deviation.iter_mut().zip(row).zip(&mean) {
                *d += (v - m) * (v - m);
            }
        }
        deviation
            .iter_mut()
            .for_each(|d| *d = (*d / n as f64).sqrt());
        for row in self.values.chunks_exact_mut(k) {
            for ((v, m), d) in row.iter_mut().zip(&mean).zip(&deviation) {
                *v = if *d > 0.0 { (*v - m) / d } else { 0.0 };
            }
        }
        (mean, deviation)
    }
}

/// How to cluster.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct KMeansConfig {
    /// Number of clusters.
    pub k: usize,
    /// Lloyd iterations at most.
    pub max_iterations: usize,
    /// Seed of the k-means++ draws.
    pub seed: u64,
}

/// The result of clustering.
#[derive(Clone, Debug, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Clustering {
    /// Cluster of each row.
    pub assignment: Vec<u32>,
    /// Cluster centres, `k × columns`, row-major.
    pub centroids: Vec<f64>,
    /// Rows per cluster.
    pub sizes: Vec<usize>,
    /// Sum of squared distances of rows to their centres.
    pub inertia: f64,
    /// Lloyd iterations run.
    pub iterations: usize,
}

/// Clusters the rows of `matrix`.
pub fn kmeans(matrix: &FeatureMatrix, config: &KMeansConfig) -> Clustering {
    let (n, dims) = (matrix.rows(), matrix.columns);
    let k = config.k.min(n);
    if k == 0 {
        return Clustering::default();
    }
    let mut centroids = seed_plus_plus(matrix, k, config.seed);
    let mut assignment = vec![u32::MAX; n];
    let mut bounds = Bounds::new(n, k, dims);
    let mut moved = vec![0.0; k];
    let mut iterations = 0;
    for _ in 0..config.max_iterations {
        iterations += 1;
        let changed = bounds.step(matrix, &centroids, &moved, &mut assignment);
        for c in 0..k {
            let centre = &mut centroids[c * dims..(c + 1) * dims];
            // An emptied cluster keeps its old centre rather than collapsing to the origin.
            let size = bounds.sizes[c];
            if size > 0 {
                let mut shift = 0.0;
                for (value, sum) in centre
                    .iter_mut()
                    .zip(&bounds.sums[c * dims..(c + 1) * dims])
                {
                    let next = sum / size as f64;
                    shift += (next - *value) * (next - *value);
                    *value = next;
                }
                moved[c] = shift.sqrt();
            } else {
                moved[c] = 0.0;
            }
        }
        if !changed {
            break;
        }
    }
    // Final assignment to the final centres, so every row sits at its nearest centre.
    bounds.step(matrix, &centroids, &moved, &mut assignment);
    let inertia = matrix
        .values
        .chunks_exact(dims)
        .zip(&assignment)
        .map(|(row, &cluster)| distance2(row, &centroids[cluster as usize * dims..][..dims]))
        .sum();
    Clustering {
        assignment,
        centroids,
        sizes: bounds.sizes,
        inertia,
        iterations,
    }
}

fn distance2(a: &[f64], b: &[f64]) -> f64 {
    a.iter().zip(b).map(|(x, y)| (x - y) * (x - y)).sum()
}

/// k-means++: each new centre is drawn with probability proportional to the squared distance
/// to the nearest centre so far.
fn seed_plus_plus(matrix: &FeatureMatrix, k: usize, seed: u64) -> Vec<f64> {
    let (n, dims) = (matrix.rows(), matrix.columns);
    let mut rng = SplitMix64(seed);
    let mut next_unit = move || rng.unit();
    let mut centroids = Vec::with_capacity(k * dims);
    let first = ((next_unit() * n as f64) as usize).min(n - 1);
    centroids.extend_from_slice(matrix.row(first));
    let mut nearest: Vec<f64> = (0..n)
        .map(|i| distance2(matrix.row(i), matrix.row(first)))
        .collect();
    while centroids.len() < k * dims {
        let total: f64 = nearest.iter().sum();
        let chosen = if total > 0.0 {
            let mut target = next_unit() * total;
            nearest
                .iter()
                .position(|&d| {
                    target -= d;
                    target <= 0.0
                })
                .unwrap_or(n - 1)
        } else {
            ((next_unit() * n as f64) as usize).min(n - 1)
        };
        let centre = matrix.row(chosen).to_vec();
        for (i, d) in nearest.iter_mut().enumerate() {
            *d = d.min(distance2(matrix.row(i), &centre));
        }
        centroids.extend_from_slice(&centre);
    }
    centroids
}

/// Hamerly's bounds: per row, an upper bound on the distance to its centre and a lower bound on
/// the distance to every other centre. A row whose upper bound is below both its lower bound
/// and half the distance from its centre to the nearest other centre cannot change cluster, so
/// its distances are not computed. The clustering is exactly Lloyd's (up to exact ties).
struct Bounds {
    upper: Vec<f64>,
    lower: Vec<f64>,
    /// Per cluster, the sum of its rows (`k × dims`) and their count, from the last step.
    sums: Vec<f64>,
    sizes: Vec<usize>,
}

impl Bounds {
    fn new(n: usize, k: usize, dims: usize) -> Bounds {
        Bounds {
            upper: vec![f64::INFINITY; n],
            lower: vec![0.0; n],
            sums: vec![0.0; k * dims],
            sizes: vec![0; k],
        }
    }

    /// One pass over the rows: loosens each row's bounds by how far the centres last `moved`,
    /// assigns it to its nearest centre, and adds it to that cluster's sum and size (in
    /// row order, so the new centres are exactly those of a separate averaging pass). Returns
    /// whether any assignment changed.
    fn step(
        &mut self,
        matrix: &FeatureMatrix,
        centroids: &[f64],
        moved: &[f64],
        assignment: &mut [u32],
    ) -> bool {
        let dims = matrix.columns;
        let centres: Vec<&[f64]> = centroids.chunks_exact(dims).collect();
        let k = centres.len();
        // Half the distance from each centre to its nearest other centre.
        let half_gap: Vec<f64> = (0..k)
            .map(|a| {
                (0..k)
                    .filter(|&b| b != a)
                    .map(|b| distance2(centres[a], centres[b]).sqrt())
                    .fold(f64::INFINITY, f64::min)
                    / 2.0
            })
            .collect();
        // The largest move, and the largest among the others, for rows whose centre moved most.
        let (mut first, mut second, mut first_at) = (0.0f64, 0.0f64, usize::MAX);
        for (c, &m) in moved.iter().enumerate() {
            if m > first {
                second = first;
                first = m;
                first_at = c;
            } else if m > second {
                second = m;
            }
        }
        let (sums, sizes) = (&mut self.sums, &mut self.sizes);
        sums.iter_mut().for_each(|s| *s = 0.0);
        sizes.iter_mut().for_each(|n| *n = 0);
        let mut changed = false;
        let rows = matrix.values.chunks_exact(dims);
        for (((row, slot), upper), lower) in rows
            .zip(assignment.iter_mut())
            .zip(self.upper.iter_mut())
            .zip(self.lower.iter_mut())
        {
            let mut own = *slot as usize;
            let decided = *slot != u32::MAX && {
                *upper += moved[own];
                *lower -= if own == first_at { second } else { first };
                let limit = lower.max(half_gap[own]);
                *upper <= limit || {
                    *upper = distance2(row, centres[own]).sqrt();
                    *upper <= limit
                }
            };
            if !decided {
                let (mut best, mut runner_up) = ((f64::INFINITY, 0usize), f64::INFINITY);
                for (c, centre) in centres.iter().enumerate() {
                    let d = distance2(row, centre);
                    if d < best.0 {
                        runner_up = best.0;
                        best = (d, c);
                    } else if d < runner_up {
                        runner_up = d;
                    }
                }
                *upper = best.0.sqrt();
                *lower = runner_up.sqrt();
                if own != best.1 {
                    own = best.1;
                    *slot = own as u32;
                    changed = true;
                }
            }
            sizes[own] += 1;
            for (sum, value) in sums[own * dims..(own + 1) * dims].iter_mut().zip(row) {
                *sum += value;
            }
        }
        changed
    }
}

#[cfg(test)]
fn assign(matrix: &FeatureMatrix, centroids: &[f64], k: usize, assignment: &mut [u32]) -> bool {
    let dims = matrix.columns;
    let mut changed = false;
    for (i, slot) in assignment.iter_mut().enumerate() {
        let row = matrix.row(i);
        let mut best = (f64::INFINITY, 0u32);
        for c in 0..k {
            let d = distance2(row, &centroids[c * dims..(c + 1) * dims]);
            if d < best.0 {
                best = (d, c as u32);
            }
        }
        if *slot != best.1 {
            *slot = best.1;
            changed = true;
        }
    }
    changed
}

#[cfg(test)]
fn update_centroids(matrix: &FeatureMatrix, assignment: &[u32], k: usize, centroids: &mut [f64]) {
    let dims = matrix.columns;
    let mut sums = vec![0.0; k * dims];
    let mut counts = vec![0usize; k];
    for (row, &cluster) in matrix.values.chunks_exact(dims).zip(assignment) {
        counts[cluster as usize] += 1;
        let sum = &mut sums[cluster as usize * dims..][..dims];
        for (s, v) in sum.iter_mut().zip(row) {
            *s += v;
        }
    }
    for c in 0..k {
        // An emptied cluster keeps its old centre rather than collapsing to the origin.
        if counts[c] > 0 {
            for d in 0..dims {
                centroids[c * dims + d] = sums[c * dims + d] / counts[c] as f64;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Plain Lloyd: every distance of every row, every iteration.
    fn lloyd(matrix: &FeatureMatrix, config: &KMeansConfig) -> (Vec<u32>, Vec<f64>, usize) {
        let k = config.k.min(matrix.rows());
        let mut centroids = seed_plus_plus(matrix, k, config.seed);
        let mut assignment = vec![u32::MAX; matrix.rows()];
        let mut iterations = 0;
        for _ in 0..config.max_iterations {
            iterations += 1;
            let changed = assign(matrix, &centroids, k, &mut assignment);
            update_centroids(matrix, &assignment, k, &mut centroids);
            if !changed {
                break;
            }
        }
        assign(matrix, &centroids, k, &mut assignment);
        (assignment, centroids, iterations)
    }

    #[test]
    fn bounded_assignment_gives_exactly_lloyds_clustering() {
        let mut rng = SplitMix64(9);
        for trial in 0..20 {
            let n = 50 + rng.below(400) as usize;
            let columns: Vec<Vec<f64>> = (0..3)
                .map(|_| {
                    (0..n)
                        .map(|_| rng.unit() * 10.0 + (rng.below(4) as f64) * 5.0)
                        .collect()
                })
                .collect();
            let matrix = FeatureMatrix::from_columns(&columns);
            let config = KMeansConfig {
                k: 2 + rng.below(7) as usize,
                max_iterations: 30,
                seed: trial,
            };
            let fast = kmeans(&matrix, &config);
            let (assignment, centroids, iterations) = lloyd(&matrix, &config);
            assert!(
                fast.assignment == assignment,
                "trial {trial}: assignments differ"
            );
            assert!(fast.centroids == centroids, "trial {trial}: centres differ");
            assert_eq!(fast.iterations, iterations, "trial {trial}");
        }
    }

    #[test]
    fn every_row_ends_at_its_nearest_centre_and_clusters_separate() {
        let mut columns = vec![Vec::new(), Vec::new()];
        for i in 0..60 {
            let (cx, cy) = [(0.0, 0.0), (10.0, 10.0), (0.0, 10.0)][i % 3];
            columns[0].push(cx + (i as f64 * 0.37).sin());
            columns[1].push(cy + (i as f64 * 0.91).cos());
        }
        let matrix = FeatureMatrix::from_columns(&columns);
        let result = kmeans(
            &matrix,
            &KMeansConfig {
                k: 3,
                max_iterations: 50,
                seed: 1,
            },
        );
        assert_eq!(result.sizes, vec![20, 20, 20]);
        for i in 0..matrix.rows() {
            let own = distance2(
                matrix.row(i),
                &result.centroids[result.assignment[i] as usize * 2..][..2],
            );
            for c in 0..3 {
                assert!(own <= distance2(matrix.row(i), &result.centroids[c * 2..][..2]) + 1e-12);
            }
        }
        let again = kmeans(
            &matrix,
            &KMeansConfig {
                k: 3,
                max_iterations: 50,
                seed: 1,
            },
        );
        assert_eq!(result, again, "same seed, same clustering");
    }
}
