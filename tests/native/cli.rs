//! `keystone-cli` run as a binary on the export-shaped fixtures (#19): the per-file table it
//! always prints, its exit codes, `inspect`'s plan — the same JSON the app writes for the same
//! files — and `analyze --plan`.

use super::support::{check_expected, data_path, dataset_text, report_text, summary_text, today};
use keystone::import::{
    auto_map, guess_entity, import, read_sheet, FileInput, FilePlan, ImportRequest, Plan,
    PLAN_VERSION,
};
use keystone::model::Currency;
use keystone::view::import_session::ImportSession;
use keystone::worker::protocol::SheetSummary;
use std::process::Command;

/// Runs the tool; its exit code, stdout and stderr.
fn cli(args: &[&str]) -> (i32, String, String) {
    let output = Command::new(env!("CARGO_BIN_EXE_keystone-cli"))
        .args(args)
        .output()
        .expect("run keystone-cli");
    (
        output.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

fn fixture_dir(name: &str) -> String {
    data_path(&format!("exports/{name}"))
        .to_string_lossy()
        .into_owned()
}

/// The summary without its timings, which vary run to run.
fn without_seconds(stdout: &str) -> String {
    let mut summary: serde_json::Value = serde_json::from_str(stdout).expect("JSON summary");
    summary.as_object_mut().expect("object").remove("seconds");
    summary.to_string()
}

#[test]
fn a_file_that_shows_no_kind_stops_the_analysis_with_status_2_and_the_table_says_why() {
    let (code, stdout, stderr) = cli(&["analyze", &fixture_dir("nokind")]);
    assert_eq!(code, 2, "{stderr}");
    assert!(
        stdout.is_empty(),
        "nothing is analysed on a guess: {stdout}"
    );
    assert!(
        stderr.contains("survey_scores.csv: needs mapping · its headers show no kind of file\n  unmapped: respondent_no, q1_service, q2_speed, remarks\n"),
        "{stderr}"
    );
    // The other file is still read and counted, so the table is whole.
    assert!(
        stderr.contains("churn_snapshot.csv: customers · 9 rows read, 9 accepted, 0 rejected"),
        "{stderr}"
    );
    // A plan that skips the file lets the rest be analysed.
    let plan = Plan {
        keystone_plan: PLAN_VERSION,
        currency: None,
        files: vec![FilePlan {
            file: "survey_scores.csv".into(),
            skip: true,
            ..FilePlan::default()
        }],
    };
    let path = std::env::temp_dir().join(format!("keystone-skip-{}.json", std::process::id()));
    std::fs::write(&path, plan.to_json()).expect("write plan");
    let (code, stdout, stderr) = cli(&[
        "analyze",
        &fixture_dir("nokind"),
        "--plan",
        &path.to_string_lossy(),
    ]);
    let _ = std::fs::remove_file(&path);
    assert_eq!(code, 0, "{stderr}");
    assert!(stderr.contains("survey_scores.csv: skipped, as the plan says"));
    assert!(stdout.contains("\"customers\":9"), "{stdout}");
}

#[test]
fn inspect_writes_the_plan_the_app_writes_and_analyze_applies_the_edited_one() {
    let dir = fixture_dir("accounts");
    let (code, detected, stderr) = cli(&["inspect", &dir]);
    assert_eq!(code, 0, "{stderr}");
    // The app's plan for the same files: each read as the worker reads it, with the kind and
    // mapping its card starts from.
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .expect("fixture dir")
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    let session = ImportSession {
        files: names
            .iter()
            .map(|name| {
                let bytes = std::fs::read(format!("{dir}/{name}")).expect("fixture");
                let sheet = read_sheet(name, &bytes, None).expect("reads");
                SheetSummary::of(name, bytes.len(), &sheet)
            })
            .collect(),
        ..ImportSession::default()
    };
    let app = session.plan();
    assert_eq!(detected, app.to_json(), "the CLI's plan is the app's");
    let read_back = Plan::from_json(&detected).expect("reads back");
    assert_eq!(read_back, app);
    for file in &read_back.files {
        let bytes = std::fs::read(format!("{dir}/{}", file.file)).expect("fixture");
        let sheet = read_sheet(&file.file, &bytes, None).expect("reads");
        let (entity, mapping, _) = file.apply(&sheet.headers).expect("fits").expect("kept");
        assert_eq!(entity, guess_entity(&sheet.headers));
        assert_eq!(mapping, auto_map(entity.expect("a kind"), &sheet.headers));
    }

    // Without the plan: two-digit years have no century, a direction code is unknown, the
    // loans are read as unsigned transactions and refused — and files that refuse more rows
    // than they keep stop the analysis rather than give figures without them.
    let (code, stdout, bare) = cli(&["analyze", &dir]);
    assert_eq!(code, 2, "{bare}");
    assert!(stdout.is_empty(), "{stdout}");
    assert!(bare.contains("loans.csv: transactions · 2 rows read, 0 accepted, 2 rejected"));
    assert!(bare.contains("amounts have no sign and no direction column"));
    assert!(
        bare.contains("loans.csv, trans.csv: more rows refused than kept, so nothing is analysed"),
        "{bare}"
    );
    // With it: the table, the grouped codes and the summary are checked in.
    let plan = data_path("exports/accounts.plan.json");
    let (code, stdout, stderr) = cli(&["analyze", &dir, "--plan", &plan.to_string_lossy()]);
    assert_eq!(code, 0, "{stderr}");
    check_expected(
        "cli_accounts.txt",
        &format!("{stderr}--- stdout\n{}\n", without_seconds(&stdout)),
    );

    // A plan that names a column the file lacks is refused, saying which.
    let mut wrong = Plan::from_json(&std::fs::read_to_string(&plan).expect("plan")).expect("plan");
    wrong.files[0]
        .columns
        .insert("acct_no".into(), "account_id".into());
    let path = std::env::temp_dir().join(format!("keystone-wrong-{}.json", std::process::id()));
    std::fs::write(&path, wrong.to_json()).expect("write plan");
    let (code, _, stderr) = cli(&["analyze", &dir, "--plan", &path.to_string_lossy()]);
    let _ = std::fs::remove_file(&path);
    assert_eq!(code, 2);
    assert!(
        stderr.contains("accounts.csv: the plan does not fit: the file has no column \"acct_no\""),
        "{stderr}"
    );
}

#[test]
fn an_account_keyed_extract_imports_through_its_links_to_the_expected_dataset() {
    let dir = fixture_dir("accounts");
    let plan = Plan::from_json(
        &std::fs::read_to_string(data_path("exports/accounts.plan.json")).expect("plan"),
    )
    .expect("plan");
    let sheets: Vec<(String, keystone::import::Sheet)> = plan
        .files
        .iter()
        .map(|file| {
            let bytes = std::fs::read(format!("{dir}/{}", file.file)).expect("fixture");
            let sheet = read_sheet(&file.file, &bytes, None).expect("reads");
            (file.file.clone(), sheet)
        })
        .collect();
    let files: Vec<FileInput<'_>> = plan
        .files
        .iter()
        .zip(&sheets)
        .map(|(file, (name, sheet))| {
            let (entity, mapping, date_style) =
                file.apply(&sheet.headers).expect("fits").expect("kept");
            FileInput {
                file_name: name.clone(),
                entity: entity.expect("a kind"),
                sheet,
                mapping,
                date_style,
            }
        })
        .collect();
    let outcome = import(&ImportRequest {
        files,
        today: today(),
        currency: Default::default(),
        base: None,
    });
    let data = &outcome.dataset;
    let mut out = report_text(&outcome);
    out.push_str(&dataset_text(data));
    out.push_str(&summary_text(data));
    check_expected("import_accounts.txt", &out);
    // C101 owns A9001 (demand) and A9002 (time deposit); C102 is only an authorised user of
    // A9002, so it is not theirs; the loan on A9001 is C101's.
    let c = data.customers();
    let h = data.holdings();
    let held_by = |id: &str| -> Vec<String> {
        (0..h.len())
            .filter(|&r| c.customer_id.get(h.customer_idx[r] as usize) == id)
            .map(|r| format!("{:?} {}", h.product_type[r], h.product_code.get(r)))
            .collect()
    };
    assert_eq!(
        held_by("C101"),
        ["CurrentDeposit A9001", "TimeDeposit A9002", "Loan L1"]
    );
    assert_eq!(held_by("C102"), ["WealthManagement A9003"]);
    // `VYDAJ`, mapped to out by hand, is an outflow; the account nobody owns is refused.
    let t = data.transactions();
    let out_flows: i64 = (0..t.len())
        .filter(|&r| t.direction[r] == keystone::model::Direction::Out)
        .map(|r| t.amount_fen[r])
        .sum();
    assert_eq!(out_flows, (1_200 + 300 + 500 + 250) * 100);
    assert_eq!(
        c.birth_date[0].to_string(),
        "1965-03-12",
        "century 1900 declared"
    );
}

#[test]
fn a_dollar_export_is_read_in_dollars_and_a_euro_cell_is_refused_not_converted() {
    let dir = fixture_dir("usd");
    let (code, stdout, stderr) = cli(&["analyze", &dir]);
    assert_eq!(code, 0, "{stderr}");
    check_expected(
        "cli_usd.txt",
        &format!("{stderr}--- stdout\n{}\n", without_seconds(&stdout)),
    );
    // `inspect` writes the currency it found, for a person to confirm.
    let (_, plan, _) = cli(&["inspect", &dir]);
    let mut plan = Plan::from_json(&plan).expect("a plan");
    assert_eq!(plan.currency, Some(Currency::Usd));
    // Declared otherwise, every dollar cell is refused: nothing is read as another currency.
    plan.currency = Some(Currency::Cny);
    let path = std::env::temp_dir().join(format!("keystone-cny-{}.json", std::process::id()));
    std::fs::write(&path, plan.to_json()).expect("write plan");
    let (code, stdout, stderr) = cli(&["analyze", &dir, "--plan", &path.to_string_lossy()]);
    let _ = std::fs::remove_file(&path);
    assert_eq!(code, 2, "{stderr}");
    assert!(stdout.is_empty(), "{stdout}");
    assert!(
        stderr.starts_with("currency: CNY, as the plan says"),
        "{stderr}"
    );
    assert!(
        stderr.contains("holdings.csv: holdings · 5 rows read, 0 accepted, 5 rejected"),
        "{stderr}"
    );
    // The income is optional: a dollar income is left out of the row, not the customer.
    assert!(
        stderr.contains("clients.csv: customers · 3 rows read, 3 accepted, 0 rejected, 0 deduplicated, 2 cell warnings"),
        "{stderr}"
    );
    assert!(
        stderr.contains("holdings.csv: more rows refused than kept"),
        "{stderr}"
    );
}

#[test]
fn random_bytes_are_no_customers_even_when_a_plan_says_so() {
    // 200 KB of noise (no NUL, so it reads as text): its "headers" show no kind, and declared
    // as customers it refuses nearly every row, so nothing is analysed either way.
    let dir = std::env::temp_dir().join(format!("keystone-noise-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("dir");
    let mut state = 0x2545_f491_4f6c_dd1d_u64;
    let noise: Vec<u8> = (0..200_000)
        .map(|_| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            (state % 255) as u8 + 1
        })
        .collect();
    std::fs::write(dir.join("data.csv"), noise).expect("noise");
    let dir_text = dir.to_string_lossy().into_owned();
    let (code, stdout, stderr) = cli(&["analyze", &dir_text]);
    assert_eq!((code, stdout.as_str()), (2, ""), "{stderr}");
    assert!(stderr.contains("data.csv: needs mapping"), "{stderr}");
    let plan = dir.with_extension("plan.json");
    std::fs::write(
        &plan,
        r#"{"keystone_plan":1,"files":[{"file":"data.csv","kind":"customers"}]}"#,
    )
    .expect("plan");
    let (code, stdout, stderr) = cli(&["analyze", &dir_text, "--plan", &plan.to_string_lossy()]);
    let _ = std::fs::remove_dir_all(&dir);
    let _ = std::fs::remove_file(&plan);
    assert_eq!((code, stdout.as_str()), (2, ""), "{stderr}");
    assert!(
        stderr.contains("data.csv: more rows refused than kept"),
        "{stderr}"
    );
}

/// The UCI file in a folder of its own, with a plan declaring it a customers file (its headers
/// show no kind): the folder's path.
fn uci_folder() -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("keystone-cli-train-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp folder");
    // `bytes` gives the file as it was before it was compressed.
    let csv = super::support::bytes("uci-bank-full.csv.gz");
    std::fs::write(dir.join("bank-full.csv"), csv).expect("write the file");
    std::fs::write(
        dir.join("plan.json"),
        r#"{"keystone_plan": 1, "files": [{"file": "bank-full.csv", "kind": "customers",
            "columns": {"age": "age", "job": "occupation", "balance": "deposit_balance"}},
            {"file": "plan.json", "skip": true}]}"#,
    )
    .expect("write the plan");
    dir
}

#[test]
fn train_validates_both_models_on_the_uci_outcome_and_writes_every_customers_score() {
    let dir = uci_folder();
    let (folder, plan, scores) = (
        dir.to_string_lossy().into_owned(),
        dir.join("plan.json").to_string_lossy().into_owned(),
        // Beside the folder, not in it: the folder is read as the export.
        dir.with_extension("scores.csv"),
    );
    // `duration` is known only after the call, so the reference leaves it out.
    let (code, stdout, stderr) = cli(&[
        "train",
        &folder,
        "--plan",
        &plan,
        "--label",
        "y",
        "--positive",
        "yes",
        "--exclude",
        "duration",
        "--scores",
        &scores.to_string_lossy(),
    ]);
    assert_eq!(code, 0, "{stderr}");
    let report: serde_json::Value = serde_json::from_str(&stdout).expect("JSON report");
    assert_eq!(report["labelled"], 45_211);
    assert_eq!(report["positives"], 5_289);
    for (model, floor) in [(0, 0.76), (1, 0.79)] {
        let m = &report["models"][model];
        let auc = m["auc"].as_f64().expect("auc");
        assert!(auc >= floor, "{m}");
        assert_eq!(m["fold_auc"].as_array().map(Vec::len), Some(5));
        assert!(m["precision_top10"].as_f64().expect("precision") > 2.5 * 5_289.0 / 45_211.0);
    }
    let reasons: Vec<(String, String)> = report["left_out"]
        .as_array()
        .expect("left out")
        .iter()
        .map(|l| {
            (
                l["feature"].as_str().unwrap_or_default().to_owned(),
                l["reason"].as_str().unwrap_or_default().to_owned(),
            )
        })
        .collect();
    assert!(
        reasons.contains(&("duration".into(), "excluded".into())),
        "{reasons:?}"
    );
    assert!(
        reasons.contains(&("y".into(), "outcome".into())),
        "{reasons:?}"
    );
    assert!(report["features"]
        .as_array()
        .expect("features")
        .iter()
        .any(|f| f == "poutcome"));
    let written = std::fs::read_to_string(&scores).expect("scores written");
    let lines: Vec<&str> = written.lines().collect();
    assert_eq!(lines.len(), 45_212);
    assert!(lines[0].starts_with("customer_id,score,base,feature_1,contribution_1"));
    assert!(lines[1].starts_with("U00000001,0."), "{}", lines[1]);

    // A column that is not there, or a value the column never holds: status 2 and what is there.
    let (code, _, stderr) = cli(&[
        "train",
        &folder,
        "--plan",
        &plan,
        "--label",
        "outcome",
        "--positive",
        "yes",
    ]);
    assert_eq!(code, 2);
    assert!(
        stderr.contains("no column \"outcome\"") && stderr.contains("poutcome"),
        "{stderr}"
    );
    let (code, _, stderr) = cli(&[
        "train",
        &folder,
        "--plan",
        &plan,
        "--label",
        "y",
        "--positive",
        "1",
    ]);
    assert_eq!(code, 2);
    assert!(
        stderr.contains("holds no value \"1\"; it holds \"no\", \"yes\""),
        "{stderr}"
    );
    let (code, _, stderr) = cli(&["train", &folder, "--plan", &plan, "--label", "y"]);
    assert_eq!(code, 2);
    assert!(
        stderr.contains("--positive VALUE or --at-least NUMBER"),
        "{stderr}"
    );
    let _ = std::fs::remove_dir_all(&dir);
    let _ = std::fs::remove_file(&scores);
}

/// Who left between two quarterly exports: learned on the earlier folder, every customer of the
/// later one scored; a wrong outcome or a missing `--earlier` is status 2 and says what to give.
#[test]
fn train_learns_who_left_between_two_exports_and_scores_the_later_one() {
    let quarter = |q: &str| {
        data_path(&format!("models/quarters/{q}"))
            .to_string_lossy()
            .into_owned()
    };
    let (q2, q3) = (quarter("2026Q2"), quarter("2026Q3"));
    let scores = std::env::temp_dir().join(format!("keystone-left-{}.csv", std::process::id()));
    let (code, stdout, stderr) = cli(&[
        "train",
        &q3,
        "--earlier",
        &q2,
        "--outcome",
        "left:50",
        "--scores",
        &scores.to_string_lossy(),
    ]);
    assert_eq!(code, 0, "{stderr}");
    let report: serde_json::Value = serde_json::from_str(&stdout).expect("JSON report");
    assert_eq!(report["customers"], 1_200);
    assert_eq!(report["outcome"]["derived"]["left"]["aum_drop"], 0.5);
    let best = report["models"]
        .as_array()
        .expect("models")
        .iter()
        .filter_map(|m| m["auc"].as_f64())
        .fold(0.0, f64::max);
    assert!(best > 0.70, "{report}");
    let written = std::fs::read_to_string(&scores).expect("scores written");
    let ids: std::collections::HashSet<&str> = written
        .lines()
        .skip(1)
        .filter_map(|l| l.split(',').next())
        .collect();
    // Exactly the later quarter's customers (GBK, but its ids are ASCII), new ones among them.
    let exported = std::fs::read(data_path("models/quarters/2026Q3/customers.csv")).expect("Q3");
    let later: std::collections::HashSet<String> = exported
        .split(|&b| b == b'\n')
        .skip(1)
        .filter_map(|line| line.split(|&b| b == b',').next())
        .filter(|id| !id.is_empty())
        .map(|id| String::from_utf8_lossy(id).into_owned())
        .collect();
    assert_eq!(later.len(), 1_161);
    assert_eq!(ids, later.iter().map(String::as_str).collect());
    assert!(ids.contains("K01350"));
    let _ = std::fs::remove_file(&scores);

    for (args, says) in [
        (vec!["--outcome", "left"], "--outcome needs --earlier"),
        (vec!["--earlier", &q2], "--earlier needs --outcome"),
        (
            vec!["--earlier", &q2, "--outcome", "bought:gold"],
            "the family is one of",
        ),
        (
            vec!["--earlier", &q2, "--outcome", "left:150"],
            "a percentage, 0 to 100",
        ),
    ] {
        let mut all = vec!["train", q3.as_str()];
        all.extend(args);
        let (code, _, stderr) = cli(&all);
        assert_eq!(code, 2, "{all:?}");
        assert!(stderr.contains(says), "{all:?}: {stderr}");
    }
    // The same export twice: nobody left, so there is nothing to learn.
    let (code, _, stderr) = cli(&["train", &q3, "--earlier", &q3, "--outcome", "left"]);
    assert_eq!(code, 2);
    assert!(stderr.contains("both outcomes"), "{stderr}");
}
