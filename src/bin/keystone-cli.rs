//! `keystone-cli analyze DIR`: the app's import and analytics over a folder of export files,
//! printing the workload summary as JSON. Row-level problems go to stderr; the exit code is
//! non-zero when nothing usable remains.

use keystone::analytics::pipeline::{run_pipeline, WORKLOAD_KMEANS};
use keystone::analytics::TierRules;
use keystone::format::money_decimal;
use keystone::import::{
    guessed_inputs, import, read_sheet_from, ByteSource, ImportRequest, SharedSource,
};
use keystone::model::Day;
use std::path::Path;
use std::process::ExitCode;
use std::time::Instant;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().collect();
    match args.as_slice() {
        [_, command, dir] if command == "analyze" => analyze(Path::new(dir)),
        _ => {
            eprintln!("usage: keystone-cli analyze DIR");
            ExitCode::from(2)
        }
    }
}

fn today() -> Day {
    let days = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() / 86_400)
        .unwrap_or(0);
    Day(days as i32)
}

fn analyze(dir: &Path) -> ExitCode {
    let started = Instant::now();
    let mut paths: Vec<_> = match std::fs::read_dir(dir) {
        Ok(entries) => entries
            .flatten()
            .map(|e| e.path())
            .filter(|p| p.is_file())
            .collect(),
        Err(error) => {
            eprintln!("{}: {error}", dir.display());
            return ExitCode::from(2);
        }
    };
    paths.sort();
    let mut sheets = Vec::new();
    for path in &paths {
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let source = match FileSource::open(path) {
            Ok(source) => SharedSource::new(source),
            Err(error) => {
                eprintln!("{name}: {error}");
                continue;
            }
        };
        // Read from the file as the import goes: the exports are never held whole.
        match read_sheet_from(&name, source, None) {
            Ok(sheet) => sheets.push((name, sheet)),
            Err(error) => eprintln!("{name}: {error}"),
        }
    }
    let files = guessed_inputs(&sheets);
    let outcome = import(&ImportRequest {
        files,
        today: today(),
        base: None,
    });
    for issue in &outcome.report.issues {
        eprintln!(
            "{}{}:{}: {}{}: {}",
            // A cell left out of a row that was kept, as against a refused row.
            if issue.warning { "warning: " } else { "" },
            issue.file,
            issue.line,
            issue
                .column
                .as_deref()
                .map(|c| format!("column {c}, "))
                .unwrap_or_default(),
            if issue.value.is_empty() {
                String::new()
            } else {
                format!("value {:?}", issue.value)
            },
            issue.reason
        );
    }
    let dataset = outcome.dataset;
    if dataset.n_customers() == 0 {
        eprintln!("no usable customers in {}", dir.display());
        return ExitCode::from(1);
    }
    let loaded = started.elapsed().as_secs_f64();

    let rules = TierRules::workload_defaults();
    let stage = Instant::now();
    let result = run_pipeline(&dataset, &rules, &WORKLOAD_KMEANS);
    let analysed = stage.elapsed().as_secs_f64();

    let mut tiers = vec![0usize; rules.tiers.len()];
    for &t in &result.tier_of_customer {
        tiers[t as usize] += 1;
    }
    let f = &result.features;
    let mut order: Vec<usize> = (0..dataset.n_customers()).collect();
    let ids = &dataset.customers().customer_id;
    order.sort_by(|&a, &b| {
        f.aum_fen[b]
            .cmp(&f.aum_fen[a])
            .then_with(|| ids.get(a).cmp(ids.get(b)))
    });
    let top5: Vec<serde_json::Value> = order
        .iter()
        .take(5)
        .map(|&c| serde_json::json!([ids.get(c), money_decimal(f.aum_fen[c])]))
        .collect();
    let tier_counts: serde_json::Map<String, serde_json::Value> = rules
        .tiers
        .iter()
        .zip(&tiers)
        .map(|(rule, &n)| (rule.key.clone(), n.into()))
        .collect();
    let rows = dataset.n_customers() as f64;
    let summary = serde_json::json!({
        "rows": {
            "customers": dataset.customers().len(),
            "holdings": dataset.holdings().len(),
            "transactions": dataset.transactions().len(),
        },
        "as_of": result.as_of.map(|d| d.to_string()),
        "tiers": tier_counts,
        "champions": result.champions,
        "sums": {
            "aum": money_decimal(f.aum_fen.iter().sum()),
            "loan": money_decimal(f.loan_fen.iter().sum()),
            "f12": f.f12.iter().map(|&v| v as u64).sum::<u64>(),
            "m12": money_decimal(f.m12_fen.iter().sum()),
            "in12": money_decimal(f.in12_fen.iter().sum()),
        },
        "top5_aum": top5,
        "kmeans_inertia_per_row": (result.clustering.inertia / rows * 10_000.0).round() / 10_000.0,
        "rejected_rows": outcome.report.rejected(),
        "cell_warnings": outcome.report.warnings(),
        "seconds": {
            "load": (loaded * 1000.0).round() / 1000.0,
            "analyse": (analysed * 1000.0).round() / 1000.0,
            "total": (started.elapsed().as_secs_f64() * 1000.0).round() / 1000.0,
        },
    });
    println!("{summary}");
    ExitCode::SUCCESS
}

/// A file on disk, read with positioned reads (the command-line tool, benchmarks).
struct FileSource {
    file: std::sync::Mutex<std::fs::File>,
    len: u64,
}

impl FileSource {
    /// Opens `path`.
    fn open(path: &std::path::Path) -> std::io::Result<FileSource> {
        let file = std::fs::File::open(path)?;
        let len = file.metadata()?.len();
        Ok(FileSource {
            file: std::sync::Mutex::new(file),
            len,
        })
    }
}

impl ByteSource for FileSource {
    fn len(&self) -> u64 {
        self.len
    }

    fn read_at(&self, offset: u64, buf: &mut [u8]) -> std::io::Result<usize> {
        use std::io::{Read, Seek, SeekFrom};
        let mut file = self
            .file
            .lock()
            .map_err(|_| std::io::Error::other("file lock"))?;
        file.seek(SeekFrom::Start(offset))?;
        let mut filled = 0;
        while filled < buf.len() {
            match file.read(&mut buf[filled..])? {
                0 => break,
                n => filled += n,
            }
        }
        Ok(filled)
    }
}
