//! L2-regularised logistic regression, fitted by Newton's method on standardised numbers and
//! one-hot labels. Every score splits exactly into the average row's log-odds and one
//! contribution per feature.
//!
//! A categorical feature gets one input per level seen in at least [`MIN_LEVEL_ROWS`] training
//! rows, at most [`MAX_ONE_HOT_LEVELS`] of them (the most frequent); the other levels, and any
//! level unseen in training, share one "other" input. Each row thus has exactly one input per
//! feature, so a fit costs rows × features², whatever the number of distinct labels: a text
//! column with thousands of values adds one feature, not thousands.

use super::design::{kept_levels, Design, FeatureValues};

/// Fitting options.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct LogisticConfig {
    /// L2 penalty on the weights (not the intercept), per training row.
    pub l2: f64,
    /// Newton steps at most.
    pub max_iterations: usize,
}

impl Default for LogisticConfig {
    fn default() -> LogisticConfig {
        LogisticConfig {
            l2: 1e-4,
            max_iterations: 25,
        }
    }
}

/// How one feature becomes model inputs.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
enum Encoding {
    /// One input: `(x − mean) / sd`, missing as the mean.
    Numeric { mean: f64, sd: f64 },
    /// One input per kept level and a last one for the rest; a row sets its level's input to 1.
    /// `share` is each input's share of the training rows, which centres the contribution so
    /// an average row's is zero.
    OneHot {
        /// The input of each level of the design (the last input for levels not kept).
        input_of_level: Vec<u32>,
        /// Share of training rows per input.
        share: Vec<f64>,
    },
}

impl Encoding {
    fn inputs(&self) -> usize {
        match self {
            Encoding::Numeric { .. } => 1,
            Encoding::OneHot { share, .. } => share.len(),
        }
    }

    /// The input this feature sets for `row` (relative to the feature's first) and its value.
    fn input(&self, values: &FeatureValues, row: usize) -> (usize, f64) {
        match (self, values) {
            (Encoding::Numeric { mean, sd }, FeatureValues::Numeric(values)) => {
                let v = values[row];
                let z = if v.is_nan() || *sd == 0.0 {
                    0.0
                } else {
                    (v - mean) / sd
                };
                (0, z)
            }
            (
                Encoding::OneHot {
                    input_of_level,
                    share,
                },
                FeatureValues::Categorical { codes, .. },
            ) => {
                let other = share.len() - 1;
                let input = input_of_level
                    .get(codes[row] as usize)
                    .map_or(other, |&i| i as usize);
                (input, 1.0)
            }
            // A design of another shape: the feature stays neutral.
            _ => (0, 0.0),
        }
    }
}

/// A fitted model.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct LogisticModel {
    encodings: Vec<Encoding>,
    /// Weight per input, features in order.
    weights: Vec<f64>,
    intercept: f64,
}

impl LogisticModel {
    /// Fits on `rows` of `design` against `labels`.
    pub fn fit(
        design: &Design,
        labels: &[bool],
        rows: &[usize],
        config: &LogisticConfig,
    ) -> LogisticModel {
        let encodings: Vec<Encoding> = design
            .features
            .iter()
            .map(|feature| encoding_on(&feature.values, rows))
            .collect();
        let mut first_input = Vec::with_capacity(encodings.len());
        let mut width = 0;
        for encoding in &encodings {
            first_input.push(width);
            width += encoding.inputs();
        }
        // Each training row's inputs: one (input, value) per feature, in increasing input
        // order, then the intercept's 1.
        let per_row = encodings.len() + 1;
        let mut index = Vec::with_capacity(rows.len() * per_row);
        let mut value = Vec::with_capacity(rows.len() * per_row);
        for &row in rows {
            for ((encoding, feature), &first) in
                encodings.iter().zip(&design.features).zip(&first_input)
            {
                let (input, x) = encoding.input(&feature.values, row);
                index.push(first + input);
                value.push(x);
            }
            index.push(width);
            value.push(1.0);
        }
        let stride = width + 1;
        let n = rows.len() as f64;
        let mut beta = vec![0.0; stride];
        for _ in 0..config.max_iterations {
            let mut gradient = vec![0.0; stride];
            let mut hessian = vec![0.0; stride * stride];
            for (i, &row) in rows.iter().enumerate() {
                let at = i * per_row..(i + 1) * per_row;
                let (inputs, xs) = (&index[at.clone()], &value[at]);
                let z: f64 = inputs.iter().zip(xs).map(|(&a, &x)| beta[a] * x).sum();
                let p = sigmoid(z);
                let residual = p - f64::from(u8::from(labels[row]));
                let weight = (p * (1.0 - p)).max(1e-12);
                for (k, (&a, &xa)) in inputs.iter().zip(xs).enumerate() {
                    gradient[a] += residual * xa;
                    let line = &mut hessian[a * stride..(a + 1) * stride];
                    for (&b, &xb) in inputs[..=k].iter().zip(xs) {
                        line[b] += weight * xa * xb;
                    }
                }
            }
            for a in 0..stride {
                gradient[a] /= n;
                for b in 0..=a {
                    hessian[a * stride + b] /= n;
                    hessian[b * stride + a] = hessian[a * stride + b];
                }
                if a < width {
                    gradient[a] += config.l2 * beta[a];
                    hessian[a * stride + a] += config.l2;
                }
            }
            let Some(step) = solve_symmetric(&hessian, &gradient, stride) else {
                break;
            };
            let mut largest: f64 = 0.0;
            for (b, s) in beta.iter_mut().zip(&step) {
                *b -= s;
                largest = largest.max(s.abs());
            }
            if largest < 1e-8 {
                break;
            }
        }
        let intercept = beta[width];
        beta.truncate(width);
        LogisticModel {
            encodings,
            weights: beta,
            intercept,
        }
    }

    /// The log-odds of `row`.
    pub fn score(&self, design: &Design, row: usize) -> f64 {
        let (base, contributions) = self.contributions(design, row);
        base + contributions.iter().sum::<f64>()
    }

    /// The log-odds of `row` as the average row's log-odds plus one part per feature.
    pub fn contributions(&self, design: &Design, row: usize) -> (f64, Vec<f64>) {
        let mut base = self.intercept;
        let mut at = 0;
        let parts = self
            .encodings
            .iter()
            .zip(&design.features)
            .map(|(encoding, feature)| {
                let weights = &self.weights[at..at + encoding.inputs()];
                at += encoding.inputs();
                let (input, x) = encoding.input(&feature.values, row);
                match encoding {
                    Encoding::Numeric { .. } => weights[0] * x,
                    Encoding::OneHot { share, .. } => {
                        // Centred on the training rows' average, which moves to the base.
                        let average: f64 = share.iter().zip(weights).map(|(s, w)| s * w).sum();
                        base += average;
                        weights[input] * x - average
                    }
                }
            })
            .collect();
        (base, parts)
    }
}

fn encoding_on(values: &FeatureValues, rows: &[usize]) -> Encoding {
    match values {
        FeatureValues::Numeric(values) => {
            let present: Vec<f64> = rows
                .iter()
                .map(|&r| values[r])
                .filter(|v| !v.is_nan())
                .collect();
            let n = present.len().max(1) as f64;
            let mean = present.iter().sum::<f64>() / n;
            let sd = (present.iter().map(|v| (v - mean) * (v - mean)).sum::<f64>() / n).sqrt();
            Encoding::Numeric { mean, sd }
        }
        FeatureValues::Categorical { levels, codes } => {
            let kept = kept_levels(levels.len(), codes, rows);
            let other = kept.iter().filter(|k| k.is_some()).count();
            let input_of_level: Vec<u32> = kept
                .iter()
                .map(|k| k.map_or(other as u32, |i| i as u32))
                .collect();
            let mut share = vec![0.0; other + 1];
            for &r in rows {
                share[input_of_level[codes[r] as usize] as usize] += 1.0;
            }
            let n = rows.len().max(1) as f64;
            share.iter_mut().for_each(|s| *s /= n);
            Encoding::OneHot {
                input_of_level,
                share,
            }
        }
    }
}

/// `1 / (1 + e^−z)`, without overflow for large |z|.
pub fn sigmoid(z: f64) -> f64 {
    if z >= 0.0 {
        1.0 / (1.0 + (-z).exp())
    } else {
        let e = z.exp();
        e / (1.0 + e)
    }
}

/// Solves `a x = b` for a symmetric positive definite `a` (`n × n`) by Cholesky; `None` when
/// `a` is not positive definite.
fn solve_symmetric(a: &[f64], b: &[f64], n: usize) -> Option<Vec<f64>> {
    let mut l = vec![0.0; n * n];
    for i in 0..n {
        for j in 0..=i {
            let sum: f64 = (0..j).map(|k| l[i * n + k] * l[j * n + k]).sum();
            if i == j {
                let d = a[i * n + i] - sum;
                if d <= 0.0 {
                    return None;
                }
                l[i * n + i] = d.sqrt();
            } else {
                l[i * n + j] = (a[i * n + j] - sum) / l[j * n + j];
            }
        }
    }
    let mut y = vec![0.0; n];
    for i in 0..n {
        let sum: f64 = (0..i).map(|k| l[i * n + k] * y[k]).sum();
        y[i] = (b[i] - sum) / l[i * n + i];
    }
    let mut x = vec![0.0; n];
    for i in (0..n).rev() {
        let sum: f64 = (i + 1..n).map(|k| l[k * n + i] * x[k]).sum();
        x[i] = (y[i] - sum) / l[i * n + i];
    }
    Some(x)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recovers_a_known_relationship_and_contributions_add_up() {
        // Log-odds 0.5 + 2x on a grid of x, with exact expected frequencies as labels.
        let mut xs = Vec::new();
        let mut labels = Vec::new();
        for step in -20..=20 {
            let x = f64::from(step) / 10.0;
            let p = sigmoid(0.5 + 2.0 * x);
            let positives = (p * 200.0).round() as usize;
            for i in 0..200 {
                xs.push(x);
                labels.push(i < positives);
            }
        }
        let mut design = Design::default();
        design.push_numeric("x", xs.clone());
        let rows: Vec<usize> = (0..xs.len()).collect();
        let config = LogisticConfig {
            l2: 0.0,
            max_iterations: 50,
        };
        let model = LogisticModel::fit(&design, &labels, &rows, &config);
        // Standardised input: slope per sd; back in units of x it is the true 2.
        let Encoding::Numeric { sd, mean } = model.encodings[0] else {
            panic!("numeric encoding expected");
        };
        let slope = model.weights[0] / sd;
        assert!((slope - 2.0).abs() < 0.05, "slope {slope}");
        let intercept = model.intercept - slope * mean;
        assert!((intercept - 0.5).abs() < 0.05, "intercept {intercept}");
        for row in [0, 4000, 8199] {
            let (base, parts) = model.contributions(&design, row);
            let direct = intercept + slope * xs[row];
            assert!((base + parts.iter().sum::<f64>() - direct).abs() < 1e-6);
        }
    }

    #[test]
    fn cholesky_solves_a_small_system() {
        let a = [4.0, 2.0, 2.0, 3.0];
        let x = solve_symmetric(&a, &[2.0, 1.0], 2).expect("positive definite");
        assert!((x[0] - 0.5).abs() < 1e-12 && x[1].abs() < 1e-12);
        assert!(solve_symmetric(&[0.0, 0.0, 0.0, 0.0], &[1.0, 1.0], 2).is_none());
    }
}
