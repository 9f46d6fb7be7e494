//! The architecture invariants, checked: every source file is core unless it is on the short
//! list of shells, the core does no input or output of any kind, only `storage` names the
//! browser's storage, only the port posts messages, and every file says what it is for.

use std::path::{Path, PathBuf};

/// The shells: the only places allowed to touch the browser, the file system or a clock.
/// Everything else under `src/` is core, including files added later.
const SHELLS: [&str; 8] = [
    "src/ui/",
    "src/storage/idb.rs",
    "src/storage/store.rs",
    "src/worker/port.rs",
    "src/worker/import_worker.rs",
    "src/worker/import_handle.rs",
    "src/worker/files.rs",
    "src/bin/",
];

/// Shell files that are more than glue: the worker shells that the core must not depend on.
const WORKER_SHELLS: [&str; 3] = [
    "src/worker/analysis.rs",
    "src/worker/chunks.rs",
    "src/main.rs",
];

/// What the core may not name: the browser, async, and the machine's files, clocks, processes.
const FORBIDDEN_IN_CORE: [&str; 16] = [
    "leptos",
    "web_sys",
    "js_sys",
    "wasm_bindgen",
    "indexed_db_futures",
    "gloo",
    "async ",
    ".await",
    "std::fs",
    "std::io::Read",
    "std::io::Write",
    "std::net",
    "std::process",
    "std::env",
    "std::time::",
    "std::thread",
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

/// Every source file, as `src/…` paths with their text.
fn sources() -> Vec<(String, String)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = Vec::new();
    rust_files(&root.join("src"), &mut files);
    files
        .into_iter()
        .map(|file| {
            let relative = file.strip_prefix(root).expect("under the root");
            let name = relative.to_string_lossy().replace('\\', "/");
            (name, std::fs::read_to_string(&file).expect("read source"))
        })
        .collect()
}

fn is_shell(path: &str) -> bool {
    SHELLS
        .iter()
        .chain(&WORKER_SHELLS)
        .any(|shell| path.starts_with(shell))
}

/// The forbidden words a core file uses, outside comments.
fn violations(text: &str) -> Vec<&'static str> {
    let code: String = text
        .lines()
        .map(|line| line.split("//").next().unwrap_or(""))
        .collect::<Vec<_>>()
        .join("\n");
    FORBIDDEN_IN_CORE
        .into_iter()
        .filter(|word| code.contains(word))
        .collect()
}

#[test]
fn the_core_does_no_io_of_any_kind() {
    let sources = sources();
    let core: Vec<_> = sources.iter().filter(|(path, _)| !is_shell(path)).collect();
    assert!(core.len() >= 40, "found only {} core files", core.len());
    for (path, text) in core {
        let used = violations(text);
        assert!(
            used.is_empty(),
            "{path} uses {used:?}, which the sans-IO core must not (or list it as a shell)"
        );
    }
}

#[test]
fn the_check_catches_a_core_file_that_reaches_out() {
    // The same check, on what a careless new core file would say.
    assert_eq!(violations("use web_sys::Window;\n"), ["web_sys"]);
    assert_eq!(violations("let f = std::fs::read(path)?;\n"), ["std::fs"]);
    assert!(violations("// std::fs is only named in a comment\n").is_empty());
    assert!(
        !is_shell("src/analytics/new_feature.rs"),
        "new files are core"
    );
    assert!(is_shell("src/ui/pages/overview.rs"));
}

#[test]
fn only_storage_names_the_browsers_storage() {
    for (path, text) in sources() {
        if path.starts_with("src/storage/") {
            continue;
        }
        for word in [
            "idb::",
            "indexed_db_futures",
            "Database",
            "local_storage",
            "LocalStorage",
        ] {
            assert!(
                !text.contains(word),
                "{path} names {word}: go through storage::Store"
            );
        }
    }
}

#[test]
fn only_the_port_posts_messages() {
    for (path, text) in sources() {
        if path == "src/worker/port.rs" {
            continue;
        }
        assert!(
            !text.contains("post_message"),
            "{path} posts a message itself: go through worker::port"
        );
    }
}

#[test]
fn every_source_file_says_what_it_is_for() {
    for (path, text) in sources() {
        assert!(
            text.starts_with("//!"),
            "{path} does not open with a //! line"
        );
    }
}
