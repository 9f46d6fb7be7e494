//! A seeded mutation fuzzer for every entry point that takes a user's bytes: delimited text
//! (imported whole, in tiny pieces and cut for two workers), workbooks, JSON, and backups.
//!
//! Stable Rust, no nightly: inputs grow from the files in `tests/data` by byte flips,
//! insertions of the characters exports break on (quotes, delimiters, CR/LF, GBK and UTF-8
//! fragments, huge numbers), deletions, duplications and splices. The oracles:
//! - no panic;
//! - no allocation beyond [`MEMORY_BUDGET`] live at once (a counting allocator);
//! - no input slower than [`TIME_BUDGET`];
//! - text read in 3-byte pieces gives the report and dataset of reading it whole, and a file
//!   cut for two workers gives them too, or is read whole;
//! - a backup written from a decoded snapshot reads back to the same dataset.
//!
//! `cargo test --test fuzz` (in `make test`) replays the regression corpus
//! (`tests/data/fuzz/`) and runs each target for a fixed number of cases; `make fuzz` runs
//! them for `FUZZ_SECONDS` (600 by default) and writes any failing input to the corpus.

#![cfg(not(target_arch = "wasm32"))]

use keystone::import::sheet::ReadError;
use keystone::import::{
    auto_map, guess_entity, import, import_in_parts, read_sheet, DateStyle, Entity, FileInput,
    ImportOutcome, ImportRequest, TwoParts,
};
use keystone::model::Day;
use keystone::storage::backup::{read_backup, write_backup};
use keystone::storage::catalogue::{SnapshotRecord, SCHEMA_VERSION};
use keystone::storage::codec::{decode_dataset, encode_dataset, RowCounts};
use std::alloc::{GlobalAlloc, Layout, System};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Live heap bytes, and the most seen since the last reset.
struct Counting;
static LIVE: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // SAFETY: forwarded as given.
        let pointer = unsafe { System.alloc(layout) };
        if !pointer.is_null() {
            let live = LIVE.fetch_add(layout.size(), Ordering::Relaxed) + layout.size();
            PEAK.fetch_max(live, Ordering::Relaxed);
        }
        pointer
    }

    unsafe fn dealloc(&self, pointer: *mut u8, layout: Layout) {
        LIVE.fetch_sub(layout.size(), Ordering::Relaxed);
        // SAFETY: forwarded as given.
        unsafe { System.dealloc(pointer, layout) }
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

/// Held while the heap is measured: the counter is the process's, and tests run side by side.
static MEASURING: Mutex<()> = Mutex::new(());

/// The most heap one input may hold at once, over what was live before it: inputs are at
/// most 64 KB, so this is hundreds of times what any honest reading of them needs.
const MEMORY_BUDGET: usize = 256 << 20;
/// The longest one input may take (tests run unoptimised; the longest honest case is far
/// shorter).
const TIME_BUDGET: Duration = Duration::from_secs(5);
const MAX_INPUT: usize = 64 * 1024;

/// xorshift64*: reproducible from the seed a failure prints.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

/// What exports break on, to insert.
const TOKENS: &[&[u8]] = &[
    b",",
    b";",
    b"\t",
    b"|",
    b"\"",
    b"\"\"",
    b"\n",
    b"\r\n",
    b"\r",
    b" ",
    b"\xEF\xBB\xBF",
    b"\xFF\xFE",
    b"\xFF",
    b"\xC3",
    b"\xE4\xB8",
    "王伟".as_bytes(),
    b"\xCD\xF5\xCE\xB0",
    b"99999999999999999999",
    b"-0.001",
    b"1e308",
    b"(12.00)",
    b"2026-02-30",
    b"260229",
    b"01/02/03",
    "万".as_bytes(),
    "¥".as_bytes(),
    b"$",
    b"HK$",
    b"0",
    b"\x00",
    b"{",
    b"}",
    b"[",
    b"]",
    b":",
    b"PK\x03\x04",
];

fn mutate(rng: &mut Rng, input: &[u8], corpus: &[Vec<u8>]) -> Vec<u8> {
    let mut out = input.to_vec();
    for _ in 0..1 + rng.below(8) {
        let at = rng.below(out.len() + 1);
        match rng.below(7) {
            0 if !out.is_empty() => {
                let i = rng.below(out.len());
                out[i] ^= 1 << rng.below(8);
            }
            1 => {
                let token = TOKENS[rng.below(TOKENS.len())];
                out.splice(at..at, token.iter().copied());
            }
            2 if !out.is_empty() => {
                let end = (at + rng.below(64)).min(out.len());
                out.drain(at.min(end)..end);
            }
            3 if !out.is_empty() => {
                let start = rng.below(out.len());
                let end = (start + rng.below(256)).min(out.len());
                let copy = out[start..end].to_vec();
                let times = 1 + rng.below(4);
                for _ in 0..times {
                    out.splice(at..at, copy.iter().copied());
                }
            }
            4 if !corpus.is_empty() => {
                let other = &corpus[rng.below(corpus.len())];
                let start = rng.below(other.len());
                let end = (start + rng.below(512)).min(other.len());
                out.splice(at..at, other[start..end].iter().copied());
            }
            5 => {
                let byte = rng.next() as u8;
                out.insert(at, byte);
            }
            _ => {
                let i = rng.below(out.len() + 1);
                out.truncate(i.max(1));
            }
        }
    }
    out.truncate(MAX_INPUT);
    out
}

fn today() -> Day {
    Day::from_ymd(2026, 12, 31).unwrap_or(Day(0))
}

/// The bytes read as one file of the kind their headers show (customers when none), as a
/// manager who declared it would have them imported; `None` when unreadable.
fn import_one(name: &str, bytes: &[u8], piece: Option<usize>) -> Option<ImportOutcome> {
    let sheet = read_sheet(name, bytes, None).ok()?;
    let sheet = match piece {
        Some(piece) => sheet.with_piece_bytes(piece),
        None => sheet,
    };
    Some(import_sheet(name, &sheet))
}

/// A sheet imported as the kind its headers show (customers when none), auto-mapped.
fn import_sheet(name: &str, sheet: &keystone::import::Sheet) -> ImportOutcome {
    let entity = guess_entity(&sheet.headers).unwrap_or(Entity::Customers);
    import(&ImportRequest {
        files: vec![FileInput {
            file_name: name.into(),
            entity,
            mapping: auto_map(entity, &sheet.headers),
            sheet,
            date_style: DateStyle::default(),
        }],
        today: today(),
        currency: Default::default(),
        base: None,
    })
}

fn same(a: &ImportOutcome, b: &ImportOutcome) -> bool {
    a.report == b.report && a.dataset == b.dataset
}

/// One fuzz target: a name, the seed files it grows from, and the check of one input
/// (`Err` says which oracle failed).
struct Target {
    name: &'static str,
    seeds: fn() -> Vec<Vec<u8>>,
    check: fn(&[u8]) -> Result<(), String>,
}

fn data(path: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data")
        .join(path)
}

fn files_in(dir: &str, keep: impl Fn(&Path) -> bool) -> Vec<Vec<u8>> {
    let mut paths: Vec<PathBuf> = std::fs::read_dir(data(dir))
        .map(|entries| entries.flatten().map(|e| e.path()).collect())
        .unwrap_or_default();
    paths.sort();
    paths
        .into_iter()
        .filter(|p| p.is_file() && keep(p))
        .filter_map(|p| std::fs::read(p).ok())
        .filter(|bytes| bytes.len() <= MAX_INPUT)
        .collect()
}

fn text_seeds() -> Vec<Vec<u8>> {
    let text = |p: &Path| {
        !matches!(
            p.extension().and_then(|e| e.to_str()),
            Some("xlsx" | "xls" | "ods" | "json" | "ndjson" | "gz" | "py")
        )
    };
    let mut seeds = files_in("import", text);
    for dir in [
        "exports/accounts",
        "exports/wide",
        "exports/usd",
        "exports/spaces",
        "exports/nokind",
    ] {
        seeds.extend(files_in(dir, text));
    }
    seeds
}

fn check_text(bytes: &[u8]) -> Result<(), String> {
    let Some(whole) = import_one("f.csv", bytes, None) else {
        return Ok(());
    };
    let pieces = import_one("f.csv", bytes, Some(3)).ok_or("read whole, not in pieces")?;
    if !same(&whole, &pieces) {
        return Err("3-byte pieces differ from the whole".into());
    }
    // A transactions file cut for two workers, beside customers it can name.
    let customers = "客户号,姓名\nC1,王伟\nC2,李娜\nC00000001,张三\n".as_bytes();
    let (Ok(customer_sheet), Ok(sheet)) = (
        read_sheet("c.csv", customers, None),
        read_sheet("t.csv", bytes, None),
    ) else {
        return Ok(());
    };
    let request = ImportRequest {
        files: vec![
            FileInput {
                file_name: "c.csv".into(),
                entity: Entity::Customers,
                mapping: auto_map(Entity::Customers, &customer_sheet.headers),
                sheet: &customer_sheet,
                date_style: DateStyle::default(),
            },
            FileInput {
                file_name: "t.csv".into(),
                entity: Entity::Transactions,
                mapping: auto_map(Entity::Transactions, &sheet.headers),
                sheet: &sheet,
                date_style: DateStyle::default(),
            },
        ],
        today: today(),
        currency: Default::default(),
        base: None,
    };
    let reference = import(&request);
    for target in [bytes.len() as u64 / 3, bytes.len() as u64 / 2] {
        if let Ok(Some(parts)) = TwoParts::cut(&request, 1, target) {
            let (outcome, _) = import_in_parts(&request, &parts);
            if !same(&outcome, &reference) {
                return Err(format!("cut at {target}: the parts differ from the whole"));
            }
        }
    }
    Ok(())
}

fn json_seeds() -> Vec<Vec<u8>> {
    files_in("import", |p| {
        matches!(
            p.extension().and_then(|e| e.to_str()),
            Some("json" | "ndjson")
        )
    })
}

fn check_read_only(name: &str, bytes: &[u8]) -> Result<(), String> {
    if let Ok(sheet) = read_sheet(name, bytes, None) {
        let _ = sheet.preview(100);
        let _ = import_one(name, bytes, None);
    }
    Ok(())
}

fn check_json(bytes: &[u8]) -> Result<(), String> {
    check_read_only("f.json", bytes)
}

fn workbook_seeds() -> Vec<Vec<u8>> {
    files_in("import", |p| {
        matches!(
            p.extension().and_then(|e| e.to_str()),
            Some("xlsx" | "xls" | "ods")
        )
    })
}

fn check_workbook(bytes: &[u8]) -> Result<(), String> {
    match read_sheet("f.xlsx", bytes, None) {
        Err(ReadError::TooLarge(_)) | Err(_) => Ok(()),
        Ok(_) => check_read_only("f.xlsx", bytes),
    }
}

fn small_dataset() -> keystone::model::Dataset {
    keystone::demo::generate(&keystone::demo::DemoConfig {
        n_customers: 30,
        transactions_per_customer: 3,
        seed: 5,
    })
}

fn record(rows: RowCounts) -> SnapshotRecord {
    SnapshotRecord {
        schema_version: SCHEMA_VERSION,
        snapshot_id: "s".into(),
        dataset_name: "fuzz".into(),
        imported_at: "2026-12-07T00:00:00Z".into(),
        as_of: None,
        rows,
        second_part: RowCounts::NONE,
        sources: Vec::new(),
        currency: Default::default(),
    }
}

/// A model applied to the small dataset, as stored: one feature, a logistic fit.
fn small_model_json() -> String {
    use keystone::analytics::models::outcome::{Outcome, OutcomeRule};
    use keystone::analytics::models::studio::{AppliedModel, FinalModel, TrainingReport};
    use keystone::analytics::models::{Design, Model, ModelKind};
    let mut design = Design::default();
    design.push_numeric("aum", (0..30).map(f64::from).collect());
    let labels: Vec<bool> = (0..30).map(|i| i % 3 == 0).collect();
    let rows: Vec<usize> = (0..30).collect();
    keystone::storage::models::to_json(&AppliedModel {
        name: "flag = yes".into(),
        version: 1,
        outcome: Outcome::Column {
            column: "flag".into(),
            rule: OutcomeRule::Values(vec!["yes".into()]),
        },
        model: FinalModel {
            kind: ModelKind::Logistic,
            model: Model::fit(ModelKind::Logistic, &design, &labels, &rows),
            features: vec!["aum".into()],
            levels: vec![None],
        },
        report: TrainingReport {
            customers: 30,
            labelled: 30,
            positives: 10,
            folds: 5,
            screened: Vec::new(),
            used: vec!["aum".into()],
            importance_rows: 30,
            models: Vec::new(),
        },
        probabilities: vec![0.5; 30],
    })
}

fn backup_seeds() -> Vec<Vec<u8>> {
    let data = small_dataset();
    let chunks = encode_dataset("s", &data);
    vec![write_backup(
        "2026-12-07T00:00:00Z",
        vec![record(RowCounts::of(&data))],
        Some("s".into()),
        &chunks,
        vec![("s".into(), small_model_json())],
    )]
}

/// `bytes` with its first line's digest made to match the rest again, so a mutation of the
/// header or body reaches the checks behind the digest, as a deliberate forgery would.
fn resealed(bytes: &[u8]) -> Option<Vec<u8>> {
    use sha2::{Digest, Sha256};
    let rest = bytes.strip_prefix(b"KEYSTONE-BACKUP 2 ")?;
    let line_end = rest.iter().position(|&b| b == b'\n')?;
    let body = &rest[line_end + 1..];
    let digest: String = Sha256::digest(body)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    let mut out = format!("KEYSTONE-BACKUP 2 {digest}\n").into_bytes();
    out.extend_from_slice(body);
    Some(out)
}

fn check_backup(bytes: &[u8]) -> Result<(), String> {
    check_backup_as_given(bytes)?;
    match resealed(bytes) {
        Some(forged) => check_backup_as_given(&forged),
        None => Ok(()),
    }
}

fn check_backup_as_given(bytes: &[u8]) -> Result<(), String> {
    let Ok(backup) = read_backup(bytes) else {
        return Ok(());
    };
    // What read_backup accepts decodes, and written again reads back the same.
    let chunks: std::collections::HashMap<String, Vec<u8>> =
        backup.chunks.iter().cloned().collect();
    for record in &backup.header.snapshots {
        let data = decode_dataset(
            &record.snapshot_id,
            record.schema_version,
            &record.rows,
            &chunks,
        )
        .map_err(|e| format!("accepted but does not decode: {e}"))?;
        let again = write_backup(
            &backup.header.created_at,
            vec![record.clone()],
            Some(record.snapshot_id.clone()),
            &encode_dataset(&record.snapshot_id, &data),
            backup
                .header
                .models
                .iter()
                .filter(|(id, _)| id == &record.snapshot_id)
                .cloned()
                .collect(),
        );
        let reread = read_backup(&again).map_err(|e| format!("written again, refused: {e}"))?;
        let chunks: std::collections::HashMap<String, Vec<u8>> =
            reread.chunks.into_iter().collect();
        let decoded = decode_dataset(
            &record.snapshot_id,
            record.schema_version,
            &record.rows,
            &chunks,
        )
        .map_err(|e| format!("written again, does not decode: {e}"))?;
        if decoded != data {
            return Err("written again, reads back different".into());
        }
    }
    Ok(())
}

/// A journal file holding one event of every kind (`tests/data/journal/every_kind.journal`).
fn journal_seeds() -> Vec<Vec<u8>> {
    vec![std::fs::read(data("journal/every_kind.journal")).expect("the journal fixture")]
}

/// What `read_file` accepts writes back to a file that reads the same, and merges without
/// a panic (a conflict is an answer).
fn check_journal(bytes: &[u8]) -> Result<(), String> {
    use keystone::journal::{read_file, write_file, Journal};
    let Ok(events) = read_file(bytes) else {
        return Ok(());
    };
    let again = write_file(&events).map_err(|e| format!("accepted but not writable: {e}"))?;
    let reread = read_file(&again).map_err(|e| format!("written again, refused: {e}"))?;
    if reread != events {
        return Err("written again, read differently".into());
    }
    let _ = Journal::default().merge(events);
    Ok(())
}

/// The stored journal's segments, split at a record separator (0x1E): a binary segment of
/// every kind of event, then the same events as lines of the first layout.
fn stored_journal_seeds() -> Vec<Vec<u8>> {
    use keystone::journal::read_file;
    use keystone::storage::journal::encode_segment;
    journal_seeds()
        .into_iter()
        .map(|file| {
            let events = read_file(&file).expect("the seed reads");
            let text = String::from_utf8(file).expect("a journal file is UTF-8");
            let lines: Vec<&str> = text.lines().skip(1).collect();
            let mut seed = encode_segment(&events).expect("a segment");
            seed.push(0x1e);
            seed.extend_from_slice(lines.join("\n").as_bytes());
            seed
        })
        .collect()
}

/// What `read_segments` accepts (a segment is binary when it starts with the magic, lines
/// otherwise) is stored again in the binary layout and reads back to the same journal.
fn check_stored_journal(bytes: &[u8]) -> Result<(), String> {
    use keystone::storage::journal::{encode_segment, read_segments, StoredSegment, SEGMENT_MAGIC};
    let segments: Vec<StoredSegment> = bytes
        .split(|&b| b == 0x1e)
        .map(|part| match part.starts_with(SEGMENT_MAGIC) {
            true => StoredSegment::Binary(part.to_vec()),
            false => StoredSegment::Lines(String::from_utf8_lossy(part).into_owned()),
        })
        .collect();
    let Ok(journal) = read_segments(&segments) else {
        return Ok(());
    };
    let segment =
        encode_segment(journal.events()).map_err(|e| format!("accepted but not storable: {e}"))?;
    let again = read_segments(&[StoredSegment::Binary(segment)])
        .map_err(|e| format!("stored again, refused: {e}"))?;
    if again.events() != journal.events() {
        return Err("stored again, read differently".into());
    }
    Ok(())
}

const TARGETS: [Target; 6] = [
    Target {
        name: "delimited",
        seeds: text_seeds,
        check: check_text,
    },
    Target {
        name: "json",
        seeds: json_seeds,
        check: check_json,
    },
    Target {
        name: "workbook",
        seeds: workbook_seeds,
        check: check_workbook,
    },
    Target {
        name: "backup",
        seeds: backup_seeds,
        check: check_backup,
    },
    Target {
        name: "journal",
        seeds: journal_seeds,
        check: check_journal,
    },
    Target {
        name: "stored-journal",
        seeds: stored_journal_seeds,
        check: check_stored_journal,
    },
];

/// Runs one input through a target under every oracle.
fn run_one(target: &Target, input: &[u8]) -> Result<(), String> {
    let _measuring = MEASURING
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    let before = LIVE.load(Ordering::Relaxed);
    PEAK.store(before, Ordering::Relaxed);
    let started = Instant::now();
    let outcome = std::panic::catch_unwind(|| (target.check)(input))
        .map_err(|panic| {
            let text = panic
                .downcast_ref::<String>()
                .cloned()
                .or_else(|| panic.downcast_ref::<&str>().map(|s| s.to_string()))
                .unwrap_or_default();
            format!("panicked: {text}")
        })
        .and_then(|checked| checked);
    let took = started.elapsed();
    let peak = PEAK.load(Ordering::Relaxed).saturating_sub(before);
    outcome?;
    if peak > MEMORY_BUDGET {
        return Err(format!("held {} MB at once", peak >> 20));
    }
    if took > TIME_BUDGET {
        return Err(format!("took {took:?}"));
    }
    Ok(())
}

fn corpus_dir(target: &Target) -> PathBuf {
    data("fuzz").join(target.name)
}

/// Every input that ever failed, kept: replayed first.
fn regressions(target: &Target) -> Vec<(PathBuf, Vec<u8>)> {
    let mut found: Vec<(PathBuf, Vec<u8>)> = std::fs::read_dir(corpus_dir(target))
        .map(|entries| {
            entries
                .flatten()
                .filter_map(|e| Some((e.path(), std::fs::read(e.path()).ok()?)))
                .collect()
        })
        .unwrap_or_default();
    found.sort();
    found
}

/// Runs `target` for `cases` mutated inputs or until `deadline`; failing inputs go to the
/// corpus when `keep` (make fuzz), and the failures are returned.
fn fuzz(
    target: &Target,
    seed: u64,
    cases: u64,
    deadline: Instant,
    keep: bool,
) -> (u64, Vec<String>) {
    let mut failures = Vec::new();
    for (path, input) in regressions(target) {
        if let Err(why) = run_one(target, &input) {
            failures.push(format!(
                "{}: regression {}: {why}",
                target.name,
                path.display()
            ));
        }
    }
    let corpus = (target.seeds)();
    let mut rng = Rng(seed | 1);
    let last_input = std::env::var("FUZZ_DUMP_DIR").ok().map(|dump| {
        let _ = std::fs::create_dir_all(&dump);
        Path::new(&dump).join(format!("last-{}.bin", target.name))
    });
    let mut done = 0;
    while done < cases && Instant::now() < deadline && !corpus.is_empty() {
        let base = &corpus[rng.below(corpus.len())];
        let input = mutate(&mut rng, base, &corpus);
        done += 1;
        if let Some(dump) = &last_input {
            // An input that aborts the process (an allocation the system refuses) is kept.
            let _ = std::fs::write(dump, &input);
        }
        if let Err(why) = run_one(target, &input) {
            let name = format!("{:016x}.bin", seed ^ done);
            if let Ok(dump) = std::env::var("FUZZ_DUMP_DIR") {
                let _ = std::fs::create_dir_all(&dump);
                let _ = std::fs::write(Path::new(&dump).join(&name), &input);
            }
            if keep {
                let dir = corpus_dir(target);
                let _ = std::fs::create_dir_all(&dir);
                let _ = std::fs::write(dir.join(&name), &input);
            }
            failures.push(format!(
                "{}: case {done} (seed {seed}): {why}; input {name}",
                target.name
            ));
            if failures.len() > 5 {
                break;
            }
        }
    }
    (done, failures)
}

fn quiet_panics() {
    // Panics are caught and reported as failures; their default printing would bury them.
    std::panic::set_hook(Box::new(|_| {}));
}

/// A file is read a piece at a time, so a 50 MB cell (a quote left open, say) must cost the
/// row limit, not its size: before the limit its row was held whole, the buffer doubling to
/// 64 MB.
#[test]
fn a_50_mb_cell_is_refused_in_a_few_megabytes() {
    let mut text = b"customer_id,name,city\nC1,Zhang,Beijing\nC2,".to_vec();
    text.resize(text.len() + (50 << 20), b'x');
    text.extend_from_slice(b",Shanghai\nC3,Li,Guangzhou\n");
    let source = keystone::import::SharedSource::new(text);
    let _measuring = MEASURING
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    let before = LIVE.load(Ordering::Relaxed);
    PEAK.store(before, Ordering::Relaxed);
    let sheet = keystone::import::read_sheet_from("cell.csv", source, None).expect("reads");
    let outcome = import_sheet("cell.csv", &sheet);
    let peak = PEAK.load(Ordering::Relaxed).saturating_sub(before);
    assert!(peak < 16 << 20, "held {} MB at once", peak >> 20);
    assert_eq!(outcome.dataset.customers().len(), 2);
    let issues: Vec<(u64, String)> = outcome
        .report
        .issues
        .iter()
        .map(|i| (i.line, i.reason.to_string()))
        .collect();
    assert_eq!(issues.len(), 1);
    assert_eq!(issues[0].0, 3);
    assert!(
        issues[0].1.starts_with("the row holds more than 1 MiB"),
        "{issues:?}"
    );
}

/// The 5.6 KB `.xls` whose four sheets each reach IV65536 took 2.6 GB when its reader laid
/// them out; measured first, it is refused in a few megabytes.
#[test]
fn a_legacy_workbook_bomb_is_refused_in_a_few_megabytes() {
    let bomb = std::fs::read(data("import/corner_bomb.xls")).expect("fixture");
    let _measuring = MEASURING
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    let before = LIVE.load(Ordering::Relaxed);
    PEAK.store(before, Ordering::Relaxed);
    let read = read_sheet("corner.xls", &bomb, None);
    let peak = PEAK.load(Ordering::Relaxed).saturating_sub(before);
    assert!(matches!(read, Err(ReadError::TooLarge(_))));
    assert!(peak < 16 << 20, "held {} MB at once", peak >> 20);
}

/// `make test`: the regression corpus, then a fixed number of cases per target.
#[test]
fn every_entry_point_survives_mutated_input() {
    quiet_panics();
    let far = Instant::now() + Duration::from_secs(3600);
    let mut failures = Vec::new();
    for (i, target) in TARGETS.iter().enumerate() {
        let cases = if target.name == "delimited" {
            3_000
        } else {
            5_000
        };
        let (_, failed) = fuzz(target, 0x5eed_0000 + i as u64, cases, far, false);
        failures.extend(failed);
    }
    // The default hook again, so the failures below are printed.
    drop(std::panic::take_hook());
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// `make fuzz`: each target for its share of `FUZZ_SECONDS` (600 by default), printing the
/// executions per target; failing inputs are written to `tests/data/fuzz/<target>/`.
#[test]
#[ignore = "run by make fuzz"]
fn fuzz_for_a_while() {
    quiet_panics();
    let seconds: u64 = std::env::var("FUZZ_SECONDS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(600);
    let seed: u64 = std::env::var("FUZZ_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| {
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(1, |d| d.as_secs())
        });
    // FUZZ_TARGETS (names, comma-separated) narrows the run.
    let only = std::env::var("FUZZ_TARGETS").unwrap_or_default();
    let chosen = |name: &str| only.is_empty() || only.split(',').any(|t| t.trim() == name);
    let count = TARGETS.iter().filter(|t| chosen(t.name)).count().max(1);
    let share = Duration::from_secs(seconds) / count as u32;
    let mut failures = Vec::new();
    for (i, target) in TARGETS.iter().enumerate() {
        if !chosen(target.name) {
            continue;
        }
        let deadline = Instant::now() + share;
        let (done, failed) = fuzz(
            target,
            seed.wrapping_add(i as u64),
            u64::MAX,
            deadline,
            true,
        );
        println!(
            "FUZZ {} executions={done} failures={} seconds={}",
            target.name,
            failed.len(),
            share.as_secs()
        );
        failures.extend(failed);
    }
    // The default hook again, so the failures below are printed.
    drop(std::panic::take_hook());
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
