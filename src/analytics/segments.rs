//! Choosing the number of clusters and describing each cluster in words.
//!
//! k is chosen from a range by the mean silhouette (how much closer each customer is to its own
//! cluster than to the next one), computed on a fixed random sample so the choice costs the same
//! whatever the size of the book; the final clustering then runs on everyone.

use super::kmeans::{kmeans, Clustering, FeatureMatrix, KMeansConfig};
use crate::random::SplitMix64;

/// Rows k-means runs on while choosing k.
pub const CHOOSE_K_ROWS: usize = 8_000;
/// Rows the silhouette is measured on (quadratic in this number).
pub const SILHOUETTE_ROWS: usize = 1_500;

/// Mean silhouette of the `sample` rows under `assignment` (distances among the sample only).
/// Rows alone in their cluster count 0, as in the usual definition.
pub fn silhouette(matrix: &FeatureMatrix, assignment: &[u32], k: usize, sample: &[usize]) -> f64 {
    if sample.len() < 2 || k < 2 {
        return 0.0;
    }
    let mut total = 0.0;
    for &i in sample {
        let mut sum = vec![0.0; k];
        let mut count = vec![0usize; k];
        for &j in sample {
            if i != j {
                let d = distance(matrix.row(i), matrix.row(j));
                sum[assignment[j] as usize] += d;
                count[assignment[j] as usize] += 1;
            }
        }
        let own = assignment[i] as usize;
        if count[own] == 0 {
            continue;
        }
        let a = sum[own] / count[own] as f64;
        let b = (0..k)
            .filter(|&c| c != own && count[c] > 0)
            .map(|c| sum[c] / count[c] as f64)
            .fold(f64::INFINITY, f64::min);
        if b.is_finite() {
            total += (b - a) / a.max(b).max(f64::MIN_POSITIVE);
        }
    }
    total / sample.len() as f64
}

fn distance(a: &[f64], b: &[f64]) -> f64 {
    a.iter()
        .zip(b)
        .map(|(x, y)| (x - y) * (x - y))
        .sum::<f64>()
        .sqrt()
}

/// The choice of k and the clustering it gives.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct ChosenK {
    /// Silhouette of each k tried.
    pub silhouettes: Vec<(usize, f64)>,
    /// The k with the highest silhouette (the smaller on a tie).
    pub k: usize,
    /// k-means on every row with that k.
    pub clustering: Clustering,
}

/// Tries each k in `ks` on a sample and clusters everyone with the best; `tried` hears after
/// each k, so a long run can show its progress.
pub fn choose_k(
    matrix: &FeatureMatrix,
    ks: std::ops::RangeInclusive<usize>,
    base: &KMeansConfig,
    tried: &mut dyn FnMut(),
) -> ChosenK {
    let n = matrix.rows();
    let mut rng = SplitMix64(base.seed ^ 0x5EED);
    let order = rng.permutation(n);
    let fit_rows: Vec<usize> = order.iter().copied().take(CHOOSE_K_ROWS).collect();
    let fit = FeatureMatrix {
        values: fit_rows
            .iter()
            .flat_map(|&r| matrix.row(r).to_vec())
            .collect(),
        columns: matrix.columns,
    };
    let sample: Vec<usize> = (0..fit.rows().min(SILHOUETTE_ROWS)).collect();
    let mut silhouettes = Vec::new();
    for k in ks.filter(|&k| k >= 2 && k <= fit.rows()) {
        let clustering = kmeans(&fit, &KMeansConfig { k, ..*base });
        silhouettes.push((k, silhouette(&fit, &clustering.assignment, k, &sample)));
        tried();
    }
    let k = silhouettes
        .iter()
        .fold(None::<(usize, f64)>, |best, &(k, s)| match best {
            Some((_, b)) if b >= s => best,
            _ => Some((k, s)),
        })
        .map_or(base.k.min(n.max(1)), |(k, _)| k);
    ChosenK {
        silhouettes,
        k,
        clustering: kmeans(matrix, &KMeansConfig { k, ..*base }),
    }
}

/// What a clustering feature means when a cluster sits high or low on it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FeatureWords {
    /// Words for a high centre, Chinese then English.
    pub high: (&'static str, &'static str),
    /// Words for a low centre.
    pub low: (&'static str, &'static str),
}

/// The words of the six clustering features of [`super::pipeline::clustering_features`], in order.
pub const CLUSTERING_WORDS: [FeatureWords; 6] = [
    FeatureWords {
        high: ("高资产", "high assets"),
        low: ("低资产", "low assets"),
    },
    FeatureWords {
        high: ("高收入", "high income"),
        low: ("低收入", "low income"),
    },
    FeatureWords {
        high: ("交易频繁", "frequent transactions"),
        low: ("交易稀少", "few transactions"),
    },
    FeatureWords {
        high: ("久未交易", "long inactive"),
        low: ("近期活跃", "recently active"),
    },
    FeatureWords {
        high: ("高流水", "high turnover"),
        low: ("低流水", "low turnover"),
    },
    FeatureWords {
        high: ("多产品", "many products"),
        low: ("产品单一", "few products"),
    },
];

/// How far (in standard deviations) a centre must sit from the mean for a word.
pub const DESCRIBE_FROM_Z: f64 = 0.5;

/// A cluster in at most three words, strongest first: `(Chinese, English)`, e.g.
/// ("高资产 · 低活跃 · 久未交易", "high assets · …"). "均衡 / average" when nothing stands out.
pub fn describe_centre(centre_z: &[f64], words: &[FeatureWords]) -> (String, String) {
    let mut standing: Vec<(usize, f64)> = centre_z
        .iter()
        .copied()
        .enumerate()
        .filter(|(i, z)| *i < words.len() && z.abs() >= DESCRIBE_FROM_Z)
        .collect();
    standing.sort_by(|a, b| b.1.abs().total_cmp(&a.1.abs()).then(a.0.cmp(&b.0)));
    if standing.is_empty() {
        return ("均衡".to_owned(), "average".to_owned());
    }
    let pick = |chinese: bool| {
        standing
            .iter()
            .take(3)
            .map(|&(i, z)| {
                let (zh, en) = if z > 0.0 { words[i].high } else { words[i].low };
                if chinese {
                    zh
                } else {
                    en
                }
            })
            .collect::<Vec<_>>()
            .join(" · ")
    };
    (pick(true), pick(false))
}

/// One cluster as a manager reads it.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct ClusterProfile {
    /// Customers in the cluster.
    pub size: usize,
    /// The cluster's share of all customers' AUM (0–1).
    pub aum_share: f64,
    /// The centre, in standard deviations from the mean, per feature.
    pub centre_z: Vec<f64>,
    /// The centre in words, Chinese and English (see [`describe_centre`]).
    pub description: (String, String),
}

/// Size, AUM share and description of each cluster; `aum_fen` per customer (row).
pub fn cluster_profiles(
    clustering: &Clustering,
    columns: usize,
    aum_fen: &[i64],
    words: &[FeatureWords],
) -> Vec<ClusterProfile> {
    let k = clustering.sizes.len();
    let mut aum = vec![0i128; k];
    for (&cluster, &value) in clustering.assignment.iter().zip(aum_fen) {
        aum[cluster as usize] += i128::from(value.max(0));
    }
    let total: i128 = aum.iter().sum();
    (0..k)
        .map(|c| {
            let centre_z = clustering.centroids[c * columns..(c + 1) * columns].to_vec();
            ClusterProfile {
                size: clustering.sizes[c],
                aum_share: if total > 0 {
                    aum[c] as f64 / total as f64
                } else {
                    0.0
                },
                description: describe_centre(&centre_z, words),
                centre_z,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn blobs(centres: &[(f64, f64)], per: usize) -> FeatureMatrix {
        let mut columns = vec![Vec::new(), Vec::new()];
        for i in 0..per * centres.len() {
            let (cx, cy) = centres[i % centres.len()];
            columns[0].push(cx + (i as f64 * 0.37).sin() * 0.5);
            columns[1].push(cy + (i as f64 * 0.91).cos() * 0.5);
        }
        FeatureMatrix::from_columns(&columns)
    }

    #[test]
    fn the_silhouette_picks_the_number_of_blobs() {
        let matrix = blobs(&[(0.0, 0.0), (10.0, 10.0), (0.0, 10.0), (10.0, 0.0)], 50);
        let chosen = choose_k(
            &matrix,
            2..=8,
            &KMeansConfig {
                k: 8,
                max_iterations: 50,
                seed: 3,
            },
            &mut || {},
        );
        assert_eq!(chosen.k, 4, "{:?}", chosen.silhouettes);
        assert_eq!(chosen.clustering.sizes, vec![50; 4]);
        let best = chosen
            .silhouettes
            .iter()
            .find(|(k, _)| *k == 4)
            .expect("k = 4 tried");
        assert!(best.1 > 0.8, "well separated blobs: {}", best.1);
    }

    #[test]
    fn profiles_share_out_the_aum_and_describe_each_cluster() {
        let matrix = blobs(&[(-2.0, 0.0), (2.0, 0.0)], 4);
        let clustering = kmeans(
            &matrix,
            &KMeansConfig {
                k: 2,
                max_iterations: 20,
                seed: 1,
            },
        );
        let aum: Vec<i64> = (0..8).map(|i| if i % 2 == 0 { 100 } else { 300 }).collect();
        let words = [CLUSTERING_WORDS[0], CLUSTERING_WORDS[2]];
        let profiles = cluster_profiles(&clustering, 2, &aum, &words);
        let shares: f64 = profiles.iter().map(|p| p.aum_share).sum();
        assert!((shares - 1.0).abs() < 1e-12);
        let rich = profiles
            .iter()
            .find(|p| p.centre_z[0] > 0.0)
            .expect("the cluster on the right");
        assert_eq!(rich.size, 4);
        assert!((rich.aum_share - 0.75).abs() < 1e-12, "{}", rich.aum_share);
        assert_eq!(rich.description.0, "高资产");
    }

    #[test]
    fn centres_are_described_by_their_strongest_features() {
        let (zh, en) = describe_centre(&[1.8, 0.1, -0.9, 1.2, 0.0, 0.3], &CLUSTERING_WORDS);
        assert_eq!(zh, "高资产 · 久未交易 · 交易稀少");
        assert_eq!(en, "high assets · long inactive · few transactions");
        assert_eq!(describe_centre(&[0.2; 6], &CLUSTERING_WORDS).0, "均衡");
    }
}

/// Everything the segments page shows about a dataset's customers, computed once (in the
/// analysis worker, which sends it to the page as JSON).
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct CustomerSegments {
    /// RFM scores per customer.
    pub rfm: super::rfm::RfmScores,
    /// The clustering, with k chosen by silhouette.
    pub chosen: ChosenK,
    /// Each cluster in words.
    pub profiles: Vec<ClusterProfile>,
    /// The customers on the clusters' first two principal components.
    pub projection: super::projection::Projection,
}

/// The k the segments page tries: from 2 to 8 clusters, as many as a manager can tell apart.
pub const SEGMENT_KS: std::ops::RangeInclusive<usize> = 2..=8;

/// Steps [`segment_customers`] reports: RFM, one per k tried, the final clustering with its
/// profiles, the projection.
pub const SEGMENT_STEPS: usize = *SEGMENT_KS.end() - *SEGMENT_KS.start() + 4;

/// RFM, clusters (k by silhouette), their profiles and a 2-D projection; `progress` hears the
/// steps done of [`SEGMENT_STEPS`].
pub fn segment_customers(
    dataset: &crate::model::Dataset,
    features: &super::CustomerFeatures,
    progress: &mut dyn FnMut(usize, usize),
) -> CustomerSegments {
    let mut done = 0;
    let mut step = || {
        done += 1;
        progress(done, SEGMENT_STEPS);
    };
    let rfm = super::rfm::rfm_scores(
        &dataset.customers().customer_id,
        &features.recency_days,
        &features.f12,
        &features.m12_fen,
    );
    step();
    let matrix = super::pipeline::clustering_features(dataset, features);
    let chosen = choose_k(
        &matrix,
        SEGMENT_KS,
        &super::pipeline::WORKLOAD_KMEANS,
        &mut step,
    );
    let profiles = cluster_profiles(
        &chosen.clustering,
        matrix.columns,
        &features.aum_fen,
        &CLUSTERING_WORDS,
    );
    step();
    let projection = super::projection::principal_components(&matrix);
    step();
    CustomerSegments {
        rfm,
        chosen,
        profiles,
        projection,
    }
}
