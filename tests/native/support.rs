//! Shared helpers: fixtures, importing them, and expected-output files (compare, or rewrite
//! when `UPDATE_EXPECT=1`).

use flate2::read::GzDecoder;
use keystone::import::{guessed_inputs, import, read_sheet, ImportOutcome, ImportRequest, Sheet};
use keystone::model::Day;
use std::io::Read;
use std::path::{Path, PathBuf};

/// Path of an expected-output file under `tests/data/expected/`.
pub fn expected_path(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data/expected")
        .join(name)
}

/// Asserts that `actual` equals the checked-in file, or rewrites the file when asked to.
pub fn check_expected(name: &str, actual: &str) {
    let path = expected_path(name);
    if std::env::var_os("UPDATE_EXPECT").is_some() {
        std::fs::write(&path, actual).expect("write expected output");
        return;
    }
    let expected = std::fs::read_to_string(&path).unwrap_or_else(|e| {
        panic!(
            "{}: {e} (run with UPDATE_EXPECT=1 to create it)",
            path.display()
        )
    });
    if expected != actual {
        let first_difference = expected
            .lines()
            .zip(actual.lines())
            .position(|(e, a)| e != a)
            .unwrap_or(expected.lines().count().min(actual.lines().count()));
        panic!(
            "{} differs from the computed output at line {}:\n  expected: {:?}\n  actual:   {:?}\n(run with UPDATE_EXPECT=1 if the change is intended)",
            path.display(),
            first_difference + 1,
            expected.lines().nth(first_difference),
            actual.lines().nth(first_difference)
        );
    }
}

/// Path of a test fixture under `tests/data/`.
pub fn data_path(name: &str) -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data")
        .join(name)
}

/// A fixture's bytes, gunzipped when the name ends in `.gz`.
pub fn bytes(name: &str) -> Vec<u8> {
    let raw = std::fs::read(data_path(name)).unwrap_or_else(|e| panic!("{name}: {e}"));
    if name.ends_with(".gz") {
        let mut out = Vec::new();
        GzDecoder::new(raw.as_slice())
            .read_to_end(&mut out)
            .expect("gunzip");
        out
    } else {
        raw
    }
}

/// The fixed "today" of the import tests.
pub fn today() -> Day {
    Day::parse_iso("2026-11-29").expect("date")
}

/// Reads each file, guesses its entity and mapping, and imports them together.
pub fn import_files(files: &[(&str, Vec<u8>)]) -> (Vec<Sheet>, ImportOutcome) {
    let named: Vec<(String, Sheet)> = files
        .iter()
        .map(|(name, bytes)| {
            let sheet = read_sheet(name, bytes, None).unwrap_or_else(|e| panic!("{name}: {e}"));
            (name.to_string(), sheet)
        })
        .collect();
    let outcome = import(&ImportRequest {
        files: guessed_inputs(&named),
        today: today(),
        base: None,
    });
    let sheets = named.into_iter().map(|(_, sheet)| sheet).collect();
    (sheets, outcome)
}
