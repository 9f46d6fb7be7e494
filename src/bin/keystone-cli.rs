//! `keystone-cli`: the app's import and analytics over a folder of export files.
//!
//! - `keystone-cli inspect DIR` prints the mapping plan Keystone detects for the folder's files
//!   (JSON on stdout) for a person to check and edit;
//! - `keystone-cli analyze DIR [--plan PLAN.json]` imports the files — as the plan says, or as
//!   their headers show — and prints the workload summary as JSON on stdout.
//!
//! On stderr, always: the dataset's currency and why (the plan's, the one the cells' signs
//! name, or the default CNY); per file, the kind it was read as, the columns mapped and left unmapped,
//! and its row counts; then every row-level problem, and each code no field understood once
//! with its rows. Exit status: 0 when analysed, 1 when nothing usable remains, 2 when a file
//! shows no kind (it needs mapping: nothing is analysed on a guess), a file refused more rows
//! than it kept, the plan does not fit the files, or the command is wrong.

use keystone::analytics::models::outcome::{DerivedOutcome, Outcome, OutcomeRule};
use keystone::analytics::models::studio::{train as train_models, training_data, TOP_SHARES};
use keystone::analytics::models::ModelKind;
use keystone::analytics::pipeline::{run_pipeline, WORKLOAD_KMEANS};
use keystone::analytics::TierRules;
use keystone::format::money_decimal;
use keystone::i18n::Lang;
use keystone::import::{
    auto_map, currencies_named, detect_currency, guess_entity, import, read_sheet_from,
    total_named, ByteSource, DateStyle, Entity, FileInput, FilePlan, ImportReport, ImportRequest,
    Mapping, Plan, SharedSource, Sheet, PLAN_VERSION,
};
use keystone::model::{sum_fen, Currency, Dataset, Day, ProductType};
use keystone::view::import_session::currency_note;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

const USAGE: &str = "usage: keystone-cli inspect DIR
       keystone-cli analyze DIR [--plan PLAN.json]
       keystone-cli train DIR [--plan PLAN.json] --label COLUMN (--positive VALUE[,VALUE…] | --at-least NUMBER)
                          [--exclude COLUMN[,COLUMN…]] [--folds 5] [--scores SCORES.csv]
       keystone-cli train DIR --earlier EARLIER_DIR --outcome (left[:PERCENT] | moved-up-tier | bought:FAMILY)
                          [--plan PLAN.json] [--exclude …] [--folds 5] [--scores SCORES.csv]";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().collect();
    match args.as_slice() {
        [_, command, dir] if command == "inspect" => inspect(Path::new(dir)),
        [_, command, dir] if command == "analyze" => analyze(Path::new(dir), None),
        [_, command, dir, flags @ ..] if command == "train" => match TrainArgs::parse(flags) {
            Ok(args) => train(Path::new(dir), &args),
            Err(error) => {
                eprintln!("{error}\n{USAGE}");
                ExitCode::from(2)
            }
        },
        [_, command, dir, flag, path] if command == "analyze" && flag == "--plan" => {
            let plan = std::fs::read_to_string(path)
                .map_err(|e| e.to_string())
                .and_then(|json| Plan::from_json(&json).map_err(|e| e.to_string()));
            match plan {
                Ok(plan) => analyze(Path::new(dir), Some(&plan)),
                Err(error) => {
                    eprintln!("{path}: {error}");
                    ExitCode::from(2)
                }
            }
        }
        _ => {
            eprintln!("{USAGE}");
            ExitCode::from(2)
        }
    }
}

/// `train`'s options.
struct TrainArgs {
    plan: Option<Plan>,
    outcome: TrainOutcome,
    exclude: Vec<String>,
    folds: usize,
    scores: Option<String>,
}

/// What `train` predicts: a column of DIR's customers, or what happened between an earlier
/// export (learned on) and DIR's (scored).
enum TrainOutcome {
    Column {
        label: String,
        rule: OutcomeRule,
    },
    Derived {
        earlier: PathBuf,
        outcome: DerivedOutcome,
    },
}

/// `left`, `left:30` (AUM down by more than 30 %), `moved-up-tier`, `bought:fund`.
fn derived_outcome(text: &str) -> Result<DerivedOutcome, String> {
    let (what, detail) = text.split_once(':').unwrap_or((text, ""));
    match (what, detail) {
        ("left", "") => Ok(DerivedOutcome::Left { aum_drop: 0.5 }),
        ("left", percent) => percent
            .parse::<f64>()
            .ok()
            .filter(|p| (0.0..=100.0).contains(p))
            .map(|p| DerivedOutcome::Left {
                aum_drop: p / 100.0,
            })
            .ok_or_else(|| format!("--outcome {text:?}: the AUM drop is a percentage, 0 to 100")),
        ("moved-up-tier", "") => Ok(DerivedOutcome::MovedUpTier),
        ("bought", family) => ProductType::NAMED
            .into_iter()
            .find(|p| p.key() == family)
            .map(DerivedOutcome::Bought)
            .ok_or_else(|| {
                format!(
                    "--outcome {text:?}: the family is one of {}",
                    ProductType::NAMED.map(|p| p.key()).join(", ")
                )
            }),
        _ => Err(format!(
            "--outcome {text:?}: give left[:PERCENT], moved-up-tier or bought:FAMILY"
        )),
    }
}

impl TrainArgs {
    fn parse(flags: &[String]) -> Result<TrainArgs, String> {
        let (mut plan, mut label, mut rule, mut exclude, mut folds, mut scores) =
            (None, None, None, Vec::new(), 5, None);
        let (mut earlier, mut derived) = (None, None);
        let mut flags = flags.iter();
        while let Some(flag) = flags.next() {
            let value = flags
                .next()
                .ok_or_else(|| format!("{flag} needs a value"))?;
            match flag.as_str() {
                "--plan" => {
                    let json =
                        std::fs::read_to_string(value).map_err(|e| format!("{value}: {e}"))?;
                    plan = Some(Plan::from_json(&json).map_err(|e| format!("{value}: {e}"))?);
                }
                "--label" => label = Some(value.clone()),
                "--positive" => {
                    rule = Some(OutcomeRule::Values(
                        value.split(',').map(str::to_owned).collect(),
                    ))
                }
                "--at-least" => {
                    let threshold = value
                        .parse::<f64>()
                        .ok()
                        .filter(|t| t.is_finite())
                        .ok_or_else(|| format!("--at-least {value:?} is not a number"))?;
                    rule = Some(OutcomeRule::AtLeast(threshold));
                }
                "--exclude" => exclude.extend(value.split(',').map(str::to_owned)),
                "--folds" => {
                    folds = value
                        .parse::<usize>()
                        .ok()
                        .filter(|k| (2..=10).contains(k))
                        .ok_or_else(|| format!("--folds {value:?}: give 2 to 10"))?
                }
                "--scores" => scores = Some(value.clone()),
                "--earlier" => earlier = Some(PathBuf::from(value)),
                "--outcome" => derived = Some(derived_outcome(value)?),
                other => return Err(format!("unknown option {other}")),
            }
        }
        let outcome = match (earlier, derived, label) {
            (Some(earlier), Some(outcome), None) => TrainOutcome::Derived { earlier, outcome },
            (None, None, Some(label)) => TrainOutcome::Column {
                label,
                rule: rule.ok_or("train needs --positive VALUE or --at-least NUMBER")?,
            },
            (Some(_), None, _) => return Err("--earlier needs --outcome".to_owned()),
            (None, Some(_), _) => return Err("--outcome needs --earlier EARLIER_DIR".to_owned()),
            (Some(_), Some(_), Some(_)) => {
                return Err("give --label or --earlier with --outcome, not both".to_owned())
            }
            (None, None, None) => return Err("train needs --label COLUMN".to_owned()),
        };
        Ok(TrainArgs {
            plan,
            outcome,
            exclude,
            folds,
            scores,
        })
    }
}

/// Trains and validates both models on the outcome, prints the report as JSON and, when asked,
/// writes every customer's score with its largest contributions.
fn train(dir: &Path, args: &TrainArgs) -> ExitCode {
    let started = Instant::now();
    let (dataset, _, _) = match load(dir, args.plan.as_ref()) {
        Ok(loaded) => loaded,
        Err(code) => return code,
    };
    let (earlier, outcome) = match &args.outcome {
        TrainOutcome::Column { label, rule } => (
            None,
            Outcome::Column {
                column: label.clone(),
                rule: rule.clone(),
            },
        ),
        TrainOutcome::Derived { earlier, outcome } => {
            eprintln!("earlier snapshot: {}", earlier.display());
            match load(earlier, args.plan.as_ref()) {
                Ok((dataset, _, _)) => (
                    Some(dataset),
                    Outcome::Derived {
                        // An export on disk has no stored snapshot id: its folder names it.
                        earlier_snapshot: earlier.display().to_string(),
                        outcome: *outcome,
                    },
                ),
                Err(code) => return code,
            }
        }
    };
    let data = match training_data(
        &dataset,
        earlier.as_ref(),
        &outcome,
        &TierRules::workload_defaults(),
    ) {
        Ok(data) => data,
        Err(error) => {
            eprintln!("{error}");
            return ExitCode::from(2);
        }
    };
    let (candidates, labels) = (&data.candidates, &data.labels);
    let outcome_column = outcome.column();
    let screened =
        keystone::analytics::models::selection::screen(candidates, labels, outcome_column);
    let chosen: Option<Vec<String>> = (!args.exclude.is_empty()).then(|| {
        screened
            .iter()
            .filter(|s| s.left_out.is_none() && !args.exclude.contains(&s.name))
            .map(|s| s.name.clone())
            .collect()
    });
    let clock = Instant::now();
    let trained = train_models(
        candidates,
        labels,
        outcome_column,
        chosen.as_deref(),
        args.folds,
        &mut |done, of| eprint!("\rtraining: step {done} of {of}"),
        &|| clock.elapsed().as_secs_f64() * 1000.0,
    );
    eprintln!();
    let (report, finals) = match trained {
        Ok(trained) => trained,
        Err(error) => {
            eprintln!("{error}");
            return ExitCode::from(2);
        }
    };
    let round = |x: f64| (x * 10_000.0).round() / 10_000.0;
    let models: Vec<serde_json::Value> = report
        .models
        .iter()
        .map(|m| {
            let top10 = m.top.iter().find(|t| t.share == TOP_SHARES[1]);
            serde_json::json!({
                "kind": match m.kind { ModelKind::Logistic => "logistic", ModelKind::Gbdt => "trees" },
                "auc": round(m.auc),
                "fold_auc": m.fold_auc.iter().map(|&a| round(a)).collect::<Vec<_>>(),
                "auc_spread": round(m.auc_spread),
                "precision_top10": top10.map(|t| round(t.precision)),
                "recall_top10": top10.map(|t| round(t.recall)),
                "seconds": round(m.millis / 1000.0),
                "importance": m.importance.iter().take(10).map(|(n, v)| serde_json::json!([n, round(*v)])).collect::<Vec<_>>(),
            })
        })
        .collect();
    let left_out: Vec<serde_json::Value> = report
        .screened
        .iter()
        .filter_map(|s| {
            s.left_out.as_ref().map(|reason| {
                serde_json::json!({
                    "feature": s.name,
                    "reason": if args.exclude.contains(&s.name) && s.left_out == Some(keystone::analytics::models::selection::LeftOut::NotChosen) { "excluded" } else { reason.key() },
                    "alone_auc": s.alone_auc.map(round),
                })
            })
        })
        .collect();
    let summary = serde_json::json!({
        "outcome": match &args.outcome {
            TrainOutcome::Column { label, rule } => serde_json::json!({ "column": label, "rule": match rule {
                OutcomeRule::Values(values) => serde_json::json!({ "positive": values }),
                OutcomeRule::AtLeast(t) => serde_json::json!({ "at_least": t }),
            }}),
            TrainOutcome::Derived { earlier, outcome } => serde_json::json!({
                "earlier": earlier.display().to_string(),
                "derived": match outcome {
                    DerivedOutcome::Left { aum_drop } => serde_json::json!({ "left": { "aum_drop": aum_drop } }),
                    DerivedOutcome::MovedUpTier => serde_json::json!("moved_up_tier"),
                    DerivedOutcome::Bought(family) => serde_json::json!({ "bought": family.key() }),
                },
            }),
        },
        "customers": report.customers,
        "labelled": report.labelled,
        "positives": report.positives,
        "folds": report.folds,
        "models": models,
        "features": report.used,
        "left_out": left_out,
        "seconds": round(started.elapsed().as_secs_f64()),
    });
    println!("{summary}");
    if let Some(path) = &args.scores {
        let best = report
            .best()
            .and_then(|b| finals.iter().find(|f| f.kind == b.kind))
            .expect("two models were trained");
        // The customers of DIR, whichever snapshot the model learned on.
        let design = match best.design_for(&data.scored().design) {
            Ok(design) => design,
            Err(missing) => {
                eprintln!(
                    "{} lacks the features the model learned from: {}",
                    dir.display(),
                    missing.join(", ")
                );
                return ExitCode::from(2);
            }
        };
        if let Err(error) = write_scores(path, &dataset, best, &design) {
            eprintln!("{path}: {error}");
            return ExitCode::from(1);
        }
        eprintln!(
            "{path}: {} customers scored by the {} model",
            dataset.n_customers(),
            match best.kind {
                ModelKind::Logistic => "logistic",
                ModelKind::Gbdt => "trees",
            }
        );
    }
    ExitCode::SUCCESS
}

/// Every customer's probability and its three largest contributions (log-odds parts).
fn write_scores(
    path: &str,
    dataset: &Dataset,
    model: &keystone::analytics::models::studio::FinalModel,
    design: &keystone::analytics::models::Design,
) -> Result<(), String> {
    let mut writer = csv::Writer::from_path(path).map_err(|e| e.to_string())?;
    let mut header = vec![
        "customer_id".to_owned(),
        "score".to_owned(),
        "base".to_owned(),
    ];
    for k in 1..=3 {
        header.push(format!("feature_{k}"));
        header.push(format!("contribution_{k}"));
    }
    writer.write_record(&header).map_err(|e| e.to_string())?;
    for row in 0..dataset.n_customers() {
        let (base, parts) = model.contributions(design, row);
        let logit = base + parts.iter().map(|p| p.1).sum::<f64>();
        let mut record = vec![
            dataset.customers().customer_id.get(row).to_owned(),
            format!("{:.6}", keystone::analytics::models::sigmoid(logit)),
            format!("{base:.6}"),
        ];
        for (name, part) in parts.iter().take(3) {
            record.push(name.clone());
            record.push(format!("{part:.6}"));
        }
        writer.write_record(&record).map_err(|e| e.to_string())?;
    }
    writer.flush().map_err(|e| e.to_string())
}

fn today() -> Day {
    let days = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() / 86_400)
        .unwrap_or(0);
    Day(days as i32)
}

/// What becomes of one file of the folder.
enum Decision {
    /// Imported as this kind, with this mapping and date style.
    Kind(Entity, Mapping, DateStyle),
    /// Its headers show no kind and no plan gives one.
    NeedsMapping,
}

/// The folder's files as read (with the plan's read settings), each with its decision; files
/// the plan skips are left out and said so. `Err` with the exit code when the folder or the
/// plan cannot be used.
fn read_folder(
    dir: &Path,
    plan: Option<&Plan>,
) -> Result<Vec<(String, Sheet, Decision)>, ExitCode> {
    let mut paths: Vec<_> = match std::fs::read_dir(dir) {
        Ok(entries) => entries
            .flatten()
            .map(|e| e.path())
            .filter(|p| p.is_file())
            .collect(),
        Err(error) => {
            eprintln!("{}: {error}", dir.display());
            return Err(ExitCode::from(2));
        }
    };
    paths.sort();
    let mut files = Vec::new();
    let mut plan_fits = true;
    for path in &paths {
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let planned = plan.and_then(|p| p.file(&name));
        if planned.is_some_and(|p| p.skip) {
            eprintln!("{name}: skipped, as the plan says");
            continue;
        }
        let source = match FileSource::open(path) {
            Ok(source) => SharedSource::new(source),
            Err(error) => {
                eprintln!("{name}: {error}");
                continue;
            }
        };
        // Read from the file as the import goes: the exports are never held whole.
        let mut sheet = match read_sheet_from(&name, source.clone(), None) {
            Ok(sheet) => sheet,
            Err(error) => {
                eprintln!("{name}: {error}");
                continue;
            }
        };
        let decision = match planned {
            Some(planned) => {
                let decided = planned.read_options(&sheet.options).and_then(|options| {
                    if options != sheet.options {
                        sheet = read_sheet_from(&name, source, Some(options))
                            .map_err(|e| keystone::import::PlanError::BadSetting(e.to_string()))?;
                    }
                    planned.apply(&sheet.headers)
                });
                match decided {
                    Ok(Some((Some(entity), mapping, dates))) => {
                        Decision::Kind(entity, mapping, dates)
                    }
                    Ok(Some((None, _, _))) => Decision::NeedsMapping,
                    Ok(None) => continue,
                    Err(error) => {
                        eprintln!("{name}: the plan does not fit: {error}");
                        plan_fits = false;
                        continue;
                    }
                }
            }
            None => match guess_entity(&sheet.headers) {
                Some(entity) => Decision::Kind(
                    entity,
                    auto_map(entity, &sheet.headers),
                    DateStyle::default(),
                ),
                None => Decision::NeedsMapping,
            },
        };
        files.push((name, sheet, decision));
    }
    if let Some(plan) = plan {
        for missing in plan
            .files
            .iter()
            .filter(|f| !files.iter().any(|(name, _, _)| name == &f.file) && !f.skip)
        {
            eprintln!("{}: in the plan, not in the folder", missing.file);
        }
    }
    if plan_fits {
        Ok(files)
    } else {
        Err(ExitCode::from(2))
    }
}

/// Prints the plan detected for the folder's files.
fn inspect(dir: &Path) -> ExitCode {
    let files = match read_folder(dir, None) {
        Ok(files) => files,
        Err(code) => return code,
    };
    let plan = Plan {
        keystone_plan: PLAN_VERSION,
        currency: Some(detect_currency(&named_currencies(&files))),
        files: files
            .iter()
            .map(|(name, sheet, decision)| {
                let (entity, mapping, dates) = match decision {
                    Decision::Kind(entity, mapping, dates) => {
                        (Some(*entity), mapping.clone(), *dates)
                    }
                    Decision::NeedsMapping => (None, Mapping::default(), DateStyle::default()),
                };
                FilePlan::of(
                    name,
                    &sheet.headers,
                    &sheet.options,
                    entity,
                    &mapping,
                    dates,
                )
            })
            .collect(),
    };
    print!("{}", plan.to_json());
    ExitCode::SUCCESS
}

/// The folder imported as the plan says (or as the headers show), with its report on stderr;
/// `Err` with the exit status when nothing may be analysed.
fn load(dir: &Path, plan: Option<&Plan>) -> Result<(Dataset, ImportReport, Currency), ExitCode> {
    let files = read_folder(dir, plan)?;
    let named = named_currencies(&files);
    let request = ImportRequest {
        files: files
            .iter()
            .filter_map(|(name, sheet, decision)| match decision {
                Decision::Kind(entity, mapping, dates) => Some(FileInput {
                    file_name: name.clone(),
                    entity: *entity,
                    sheet,
                    mapping: mapping.clone(),
                    date_style: *dates,
                }),
                Decision::NeedsMapping => None,
            })
            .collect(),
        today: today(),
        currency: plan
            .and_then(|p| p.currency)
            .unwrap_or_else(|| detect_currency(&named)),
        base: None,
    };
    let planned = plan.is_some_and(|p| p.currency.is_some());
    eprintln!(
        "currency: {}{} ({})",
        request.currency,
        if planned { ", as the plan says" } else { "" },
        currency_note(request.currency, planned, &named, Lang::En)
    );
    let needs_mapping: Vec<&str> = files
        .iter()
        .filter(|(_, _, d)| matches!(d, Decision::NeedsMapping))
        .map(|(name, _, _)| name.as_str())
        .collect();
    let sheets: Vec<(&str, &Sheet)> = files.iter().map(|(n, s, _)| (n.as_str(), s)).collect();
    let outcome = import(&request);
    eprint!(
        "{}",
        file_table(&request.files, &needs_mapping, &sheets, &outcome.report)
    );
    for issue in &outcome.report.issues {
        eprintln!(
            "{}{}{}: {}{}{}",
            // A cell left out of a row that was kept, as against a refused row.
            if issue.warning { "warning: " } else { "" },
            issue.file,
            // Line 0 is the whole file.
            if issue.line == 0 {
                String::new()
            } else {
                format!(":{}", issue.line)
            },
            issue
                .column
                .as_deref()
                .map(|c| format!("column {c}, "))
                .unwrap_or_default(),
            if issue.value.is_empty() {
                String::new()
            } else {
                format!("value {:?}: ", issue.value)
            },
            issue.reason
        );
    }
    for code in outcome.report.unknown_codes() {
        eprintln!(
            "{}: column {}: value {:?} is not understood ({}): assign it in the plan's \"values\"",
            code.file,
            code.column,
            code.value,
            counted(code.rows, "row", "rows")
        );
    }
    if !needs_mapping.is_empty() {
        eprintln!(
            "{} mapping: the headers show no kind, and nothing is analysed on a guess (write a plan with `keystone-cli inspect`, set each file's \"kind\" or \"skip\", and pass it with --plan)",
            counted(needs_mapping.len(), "file needs", "files need")
        );
        return Err(ExitCode::from(2));
    }
    let refused = outcome.report.mostly_refused();
    if !refused.is_empty() {
        eprintln!(
            "{}: more rows refused than kept, so nothing is analysed: check the kind, mapping and encoding (or skip the file in a plan)",
            refused.join(", ")
        );
        return Err(ExitCode::from(2));
    }
    if outcome.dataset.n_customers() == 0 {
        eprintln!("no usable customers in {}", dir.display());
        return Err(ExitCode::from(1));
    }
    Ok((outcome.dataset, outcome.report, request.currency))
}

fn analyze(dir: &Path, plan: Option<&Plan>) -> ExitCode {
    let started = Instant::now();
    let (dataset, report, currency) = match load(dir, plan) {
        Ok(loaded) => loaded,
        Err(code) => return code,
    };
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
        "currency": currency.code(),
        "tiers": tier_counts,
        "champions": result.champions,
        "sums": {
            "aum": money_decimal(sum_fen(&f.aum_fen)),
            "loan": money_decimal(sum_fen(&f.loan_fen)),
            "f12": f.f12.iter().map(|&v| v as u64).sum::<u64>(),
            "m12": money_decimal(sum_fen(&f.m12_fen)),
            "in12": money_decimal(sum_fen(&f.in12_fen)),
        },
        "top5_aum": top5,
        "kmeans_inertia_per_row": (result.clustering.inertia / rows * 10_000.0).round() / 10_000.0,
        "rejected_rows": report.rejected(),
        "cell_warnings": report.warnings(),
        "seconds": {
            "load": (loaded * 1000.0).round() / 1000.0,
            "analyse": (analysed * 1000.0).round() / 1000.0,
            "total": (started.elapsed().as_secs_f64() * 1000.0).round() / 1000.0,
        },
    });
    println!("{summary}");
    ExitCode::SUCCESS
}

/// Per file, in the folder's order: the kind it was read as, its row counts, the columns
/// mapped (`header → field`) and those left unmapped.
fn file_table(
    inputs: &[FileInput<'_>],
    needs_mapping: &[&str],
    sheets: &[(&str, &Sheet)],
    report: &ImportReport,
) -> String {
    let mut table = String::new();
    for &(name, sheet) in sheets {
        let input = inputs.iter().find(|f| f.file_name == name);
        let summary = report.files.iter().find(|f| f.file == name);
        match (input, summary) {
            (Some(input), Some(summary)) => {
                table.push_str(&format!(
                    "{name}: {} · {} read, {} accepted, {} rejected, {} deduplicated, {}\n",
                    input.entity.key(),
                    counted(summary.rows_read, "row", "rows"),
                    summary.accepted,
                    summary.rejected,
                    summary.deduplicated,
                    counted(summary.warnings, "cell warning", "cell warnings")
                ));
                let mapped: Vec<String> = input
                    .mapping
                    .columns
                    .iter()
                    .map(|&(field, column)| format!("{} → {}", sheet.headers[column], field.key()))
                    .collect();
                table.push_str(&format!("  mapped: {}\n", mapped.join(", ")));
            }
            _ if needs_mapping.contains(&name) => {
                table.push_str(&format!(
                    "{name}: needs mapping · its headers show no kind of file\n"
                ));
            }
            _ => continue,
        }
        let unmapped: Vec<&str> = sheet
            .headers
            .iter()
            .enumerate()
            .filter(|&(column, _)| {
                input.is_none_or(|f| f.mapping.columns.iter().all(|&(_, c)| c != column))
            })
            .map(|(_, header)| header.as_str())
            .collect();
        if !unmapped.is_empty() {
            table.push_str(&format!("  unmapped: {}\n", unmapped.join(", ")));
        }
    }
    table
}

/// The currencies the files' cells name, over all files, most named first.
fn named_currencies(files: &[(String, Sheet, Decision)]) -> Vec<(Currency, usize)> {
    let per_file: Vec<Vec<(Currency, usize)>> = files
        .iter()
        .map(|(_, sheet, _)| currencies_named(sheet))
        .collect();
    total_named(per_file.iter().map(Vec::as_slice))
}

/// `n` and its noun, singular or plural.
fn counted(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
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
