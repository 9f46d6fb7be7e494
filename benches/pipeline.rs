//! `make bench`: native figures, one `BENCH <figure> <median> <unit>` line each.
//!
//! Timing belongs here, never in tests. Each figure is the median of several runs.

use keystone::analytics::{analyse, AnalysisConfig};
use keystone::demo::{generate, DemoConfig};
use keystone::storage::codec::{decode_dataset, encode_dataset, RowCounts};
use std::collections::HashMap;
use std::hint::black_box;
use std::time::Instant;

const RUNS: usize = 5;

fn median_seconds(mut run: impl FnMut()) -> f64 {
    let mut times: Vec<f64> = (0..RUNS)
        .map(|_| {
            let started = Instant::now();
            run();
            started.elapsed().as_secs_f64()
        })
        .collect();
    times.sort_by(f64::total_cmp);
    times[RUNS / 2]
}

fn report(figure: &str, seconds: f64) {
    println!("BENCH {figure} {seconds:.4} s");
}

fn main() {
    let config = DemoConfig::default();
    report(
        "demo.generate.native",
        median_seconds(|| {
            black_box(generate(&config));
        }),
    );
    let dataset = generate(&config);
    let analysis_config = AnalysisConfig::default();
    report(
        "analyse.demo.native",
        median_seconds(|| {
            black_box(analyse(&dataset, &analysis_config));
        }),
    );
    report(
        "encode.demo.native",
        median_seconds(|| {
            black_box(encode_dataset("bench", &dataset));
        }),
    );
    let chunks: HashMap<String, Vec<u8>> = encode_dataset("bench", &dataset).into_iter().collect();
    let rows = RowCounts::of(&dataset);
    report(
        "decode.demo.native",
        median_seconds(|| {
            black_box(decode_dataset("bench", &rows, &chunks).ok());
        }),
    );
}
