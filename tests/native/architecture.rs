//! The architecture invariants, checked: the core imports nothing from the browser or async world,
//! and every source file opens with a `//!` line saying what it is for.

use std::path::{Path, PathBuf};

const CORE: [&str; 10] = [
    "src/worker/protocol.rs",
    "src/import",
    "src/storage/backup.rs",
    "src/model",
    "src/analytics",
    "src/charts",
    "src/demo.rs",
    "src/format.rs",
    "src/i18n.rs",
    "src/storage/codec.rs",
];
const FORBIDDEN: [&str; 8] = [
    "leptos",
    "web_sys",
    "js_sys",
    "wasm_bindgen",
    "indexed_db_futures",
    "async ",
    ".await",
    "std::time::",
];

fn rust_files(path: &Path, out: &mut Vec<PathBuf>) {
    if path.is_dir() {
        for entry in std::fs::read_dir(path).expect("read dir").flatten() {
            rust_files(&entry.path(), out);
        }
    } else if path.extension().is_some_and(|e| e == "rs") {
        out.push(path.to_path_buf());
    }
}

#[test]
fn the_core_does_no_browser_io() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = Vec::new();
    for part in CORE {
        rust_files(&root.join(part), &mut files);
    }
    assert!(files.len() >= 10, "found only {files:?}");
    for file in files {
        let text = std::fs::read_to_string(&file).expect("read source");
        for word in FORBIDDEN {
            assert!(
                !text.contains(word),
                "{} uses {word:?}, which the sans-IO core must not",
                file.display()
            );
        }
    }
}

#[test]
fn every_source_file_says_what_it_is_for() {
    let mut files = Vec::new();
    rust_files(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("src"),
        &mut files,
    );
    for file in files {
        let text = std::fs::read_to_string(&file).expect("read source");
        assert!(
            text.starts_with("//!"),
            "{} does not open with a //! line",
            file.display()
        );
    }
}
