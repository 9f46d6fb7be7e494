//! An import shared by two workers (a file cut in two, the parts merged) gives the report and
//! the dataset of the import of the whole file, wherever the cut falls; where it could not,
//! the parts are refused and the whole is imported.

use super::support::{bytes, report_text, today};
use keystone::import::{
    guessed_inputs, import, import_in_parts, import_parts, read_sheet, stored_id_range, Entity,
    ImportRequest, PartOutcome, Sheet, TwoParts, MIN_CUT_BYTES,
};
use keystone::storage::catalogue::SCHEMA_VERSION;
use keystone::storage::codec::{
    decode_with_part, encode_dataset, second_part_id, CodecError, RowCounts,
};
use std::collections::HashMap;

type Files = Vec<(&'static str, Vec<u8>)>;

fn workload_s(names: &[&'static str]) -> Files {
    names
        .iter()
        .map(|&name| (name, bytes(&format!("workload-s/{name}.gz"))))
        .collect()
}

fn sheets(files: &Files) -> Vec<(String, Sheet)> {
    files
        .iter()
        .map(|(name, raw)| {
            let sheet = read_sheet(name, raw, None).unwrap_or_else(|e| panic!("{name}: {e}"));
            (name.to_string(), sheet)
        })
        .collect()
}

fn request(named: &[(String, Sheet)]) -> ImportRequest<'_> {
    ImportRequest {
        files: guessed_inputs(named),
        today: today(),
        currency: Default::default(),
        base: None,
    }
}

/// Cuts `entity`'s file at each target and compares the merged outcome with the whole
/// import; `merges` says whether the parts are expected to merge (or be refused).
fn parts_equal_the_whole(files: &Files, entity: Entity, targets: &[u64], merges: bool) {
    let named = sheets(files);
    let request = request(&named);
    let whole = import(&request);
    let whole_report = report_text(&whole);
    let file = request
        .files
        .iter()
        .position(|f| f.entity == entity)
        .expect("the file");
    for &target in targets {
        let parts = TwoParts::cut(&request, file, target)
            .expect("reads")
            .unwrap_or_else(|| panic!("cut at {target}"));
        let (outcome, merged) = import_in_parts(&request, &parts);
        assert_eq!(merged, merges, "cut at {target}");
        assert_eq!(report_text(&outcome), whole_report, "cut at {target}");
        assert!(outcome.dataset == whole.dataset, "cut at {target}");
    }
}

/// `n` byte offsets spread over the file, from just past the header to just before the end.
fn spread(files: &Files, name: &str, n: u64) -> Vec<u64> {
    let len = files
        .iter()
        .find(|(f, _)| *f == name)
        .expect("file")
        .1
        .len() as u64;
    (0..n).map(|k| 60 + (len - 200) * k / (n - 1)).collect()
}

/// Edits line `line` (1-based) of file `name`'s text.
fn edit_line(files: &mut Files, name: &str, line: usize, edit: impl FnOnce(&mut Vec<String>)) {
    let (_, raw) = files.iter_mut().find(|(f, _)| *f == name).expect("file");
    let text = String::from_utf8(raw.clone()).expect("utf-8");
    let mut lines: Vec<String> = text.lines().map(str::to_owned).collect();
    let mut cells: Vec<String> = lines[line - 1].split(',').map(str::to_owned).collect();
    edit(&mut cells);
    lines[line - 1] = cells.join(",");
    *raw = (lines.join("\n") + "\n").into_bytes();
}

const ALL: [&str; 3] = ["customers.csv", "holdings.csv", "transactions.csv"];

#[test]
fn workload_s_cut_anywhere_imports_as_the_whole() {
    let files = workload_s(&ALL);
    let targets = spread(&files, "transactions.csv", 9);
    parts_equal_the_whole(&files, Entity::Transactions, &targets, true);
}

#[test]
fn a_gbk_export_cut_in_two_imports_as_the_whole() {
    let files: Files = workload_s(&ALL)
        .into_iter()
        .map(|(name, utf8)| {
            let text = std::str::from_utf8(&utf8).expect("utf-8");
            (name, encoding_rs::GBK.encode(text).0.into_owned())
        })
        .collect();
    let targets = spread(&files, "transactions.csv", 3);
    parts_equal_the_whole(&files, Entity::Transactions, &targets, true);
}

#[test]
fn utf8_rows_in_a_gbk_export_are_refused_alike_in_either_part() {
    // Before the fix, the second part of a cut GBK file kept decoding as UTF-8. Rows written
    // in UTF-8 (a file pieced together from two systems) are now refused at their lines in
    // the whole file and in either part, and the parts still merge.
    let utf8_lines: Vec<usize> = (0..10).map(|k| 2 + k * 19_997).collect();
    let files: Files = workload_s(&ALL)
        .into_iter()
        .map(|(name, utf8)| {
            let text = std::str::from_utf8(&utf8).expect("utf-8");
            if name != "transactions.csv" {
                return (name, encoding_rs::GBK.encode(text).0.into_owned());
            }
            let mut raw = Vec::new();
            for (i, line) in text.split_inclusive('\n').enumerate() {
                if utf8_lines.contains(&(i + 1)) {
                    raw.extend_from_slice(line.as_bytes());
                } else {
                    raw.extend_from_slice(&encoding_rs::GBK.encode(line).0);
                }
            }
            (name, raw)
        })
        .collect();
    let named = sheets(&files);
    let whole = import(&request(&named));
    let refused: Vec<u64> = whole
        .report
        .issues
        .iter()
        .filter(|i| i.reason.to_string().starts_with("this row is UTF-8 text"))
        .map(|i| i.line)
        .collect();
    let expected: Vec<u64> = utf8_lines.iter().map(|&l| l as u64).collect();
    assert_eq!(refused, expected, "{}", report_text(&whole));
    let targets = spread(&files, "transactions.csv", 3);
    parts_equal_the_whole(&files, Entity::Transactions, &targets, true);
}

#[test]
fn a_holdings_file_cut_in_two_imports_as_the_whole() {
    let files = workload_s(&["customers.csv", "holdings.csv"]);
    let targets = spread(&files, "holdings.csv", 4);
    parts_equal_the_whole(&files, Entity::Holdings, &targets, true);
}

#[test]
fn broken_rows_on_both_sides_of_the_cut_are_reported_at_their_lines() {
    let mut files = workload_s(&ALL);
    for k in 0..40 {
        edit_line(
            &mut files,
            "transactions.csv",
            2 + k * 5_000,
            |cells| match k % 4 {
                0 => cells[3] = "12.3.4".into(),
                1 => cells[1] = "C99999999".into(),
                2 => {
                    cells.pop();
                }
                _ => cells[2] = "2099-01-01".into(),
            },
        );
    }
    // A repeated id inside the second part: ids still ascend across the cut.
    edit_line(&mut files, "transactions.csv", 190_001, |cells| {
        cells[0] = "T0000190001".into()
    });
    let named = sheets(&files);
    let whole = import(&request(&named));
    assert_eq!(whole.report.rejected(), 40);
    assert_eq!(whole.report.files[2].deduplicated, 1);
    let targets = spread(&files, "transactions.csv", 5);
    parts_equal_the_whole(&files, Entity::Transactions, &targets, true);
}

#[test]
fn a_crlf_export_reports_its_lines_as_an_lf_one_whole_or_cut_anywhere() {
    // Windows and Excel end lines with CR LF: a broken row is reported at its own line, the
    // same as in the LF file, and cuts (one between a CR and its LF) change nothing.
    let mut files = workload_s(&ALL);
    for k in 0..12 {
        edit_line(&mut files, "transactions.csv", 4 + k * 15_000, |cells| {
            cells[3] = "12.3.4".into()
        });
    }
    let lf_report = report_text(&import(&request(&sheets(&files))));
    for (_, raw) in files.iter_mut() {
        let text = String::from_utf8(raw.clone()).expect("utf-8");
        *raw = text.replace('\n', "\r\n").into_bytes();
    }
    let named = sheets(&files);
    let whole = import(&request(&named));
    assert_eq!(whole.report.rejected(), 12);
    assert_eq!(whole.report.issues[0].line, 4);
    assert_eq!(report_text(&whole), lf_report);
    let transactions = &files
        .iter()
        .find(|(f, _)| *f == "transactions.csv")
        .expect("file")
        .1;
    let cr = transactions.len() / 2
        + transactions[transactions.len() / 2..]
            .iter()
            .position(|&b| b == b'\r')
            .expect("a CR");
    let mut targets = spread(&files, "transactions.csv", 4);
    targets.extend([cr as u64, cr as u64 + 1]);
    parts_equal_the_whole(&files, Entity::Transactions, &targets, true);
}

#[test]
fn an_id_repeated_across_the_cut_is_found_by_reading_the_whole() {
    let mut files = workload_s(&ALL);
    // Line 150,001 repeats the id of line 3, far before any cut tried below.
    edit_line(&mut files, "transactions.csv", 150_001, |cells| {
        cells[0] = "T0000000001".into()
    });
    let named = sheets(&files);
    assert_eq!(import(&request(&named)).report.files[2].deduplicated, 1);
    let targets = [200_000, 5_000_000];
    parts_equal_the_whole(&files, Entity::Transactions, &targets, false);
}

#[test]
fn the_id_of_a_row_refused_for_its_customer_is_free_for_a_later_row() {
    let mut files = workload_s(&ALL);
    edit_line(&mut files, "transactions.csv", 3, |cells| {
        cells[1] = "C99999999".into()
    });
    edit_line(&mut files, "transactions.csv", 150_001, |cells| {
        cells[0] = "T0000000001".into()
    });
    let named = sheets(&files);
    let whole = import(&request(&named));
    // Line 3 is refused, so line 150,001 repeats nothing stored: it is kept.
    let summary = &whole.report.files[2];
    assert_eq!((summary.rejected, summary.deduplicated), (1, 0));
    assert_eq!(
        whole.dataset.transactions().txn_id.get(149_998),
        "T0000000001"
    );
    // Across the cut the ids do not ascend: the parts are refused, the whole is read.
    parts_equal_the_whole(&files, Entity::Transactions, &[5_000_000], false);
}

#[test]
fn a_quote_before_the_cut_sends_the_file_to_be_read_whole() {
    let mut files = workload_s(&ALL);
    edit_line(&mut files, "transactions.csv", 10, |cells| {
        cells[5] = format!("\"{}\"", cells[5])
    });
    parts_equal_the_whole(&files, Entity::Transactions, &[5_000_000], false);
    // After the cut, a quote changes nothing.
    let mut files = workload_s(&ALL);
    edit_line(&mut files, "transactions.csv", 190_000, |cells| {
        cells[5] = format!("\"{}\"", cells[5])
    });
    parts_equal_the_whole(&files, Entity::Transactions, &[5_000_000], true);
}

#[test]
fn the_plan_balances_the_workers_and_leaves_small_or_appended_imports_whole() {
    let files = workload_s(&ALL);
    let named = sheets(&files);
    let whole = request(&named);
    // S's transactions file is under the size worth a second worker.
    assert!(TwoParts::plan(&whole, MIN_CUT_BYTES)
        .expect("reads")
        .is_none());
    let parts = TwoParts::plan(&whole, 0).expect("reads").expect("cut");
    let job = parts.second_part(&whole);
    let names: Vec<&str> = job.files.iter().map(|f| f.name.as_str()).collect();
    assert_eq!(names, ["customers.csv", "transactions.csv"]);
    // The second worker reads the customers and the second part; the first everything else,
    // and a 32nd of the transactions more, since the second also encodes its part.
    let len = |name: &str| files.iter().find(|(f, _)| *f == name).expect("f").1.len() as i64;
    let cut_at = job.files[1].sheet.start() as i64;
    let first = len("customers.csv") + len("holdings.csv") + cut_at;
    let second = len("customers.csv") + len("transactions.csv") - cut_at;
    let lead = len("transactions.csv") / 16;
    assert!(
        (first - second - lead).abs() < 64 * 1024,
        "{first} vs {second}"
    );
    let base = import(&whole).dataset;
    let appended = ImportRequest {
        currency: Default::default(),
        base: Some(&base),
        ..request(&named)
    };
    assert!(TwoParts::plan(&appended, 0).expect("reads").is_none());
}

#[test]
fn transactions_whose_ids_do_not_ascend_are_not_cut() {
    // Ids numbered downwards: the merge would refuse the parts, so the file is not cut.
    let mut files = workload_s(&ALL);
    let (_, raw) = files
        .iter_mut()
        .find(|(f, _)| *f == "transactions.csv")
        .expect("file");
    let text = String::from_utf8(raw.clone()).expect("utf-8");
    let lines: Vec<String> = text
        .lines()
        .enumerate()
        .map(|(i, line)| match (i, line.split_once(',')) {
            (0, _) | (_, None) => line.to_owned(),
            (_, Some((_, rest))) => format!("T{:010},{rest}", 1_000_000 - i),
        })
        .collect();
    *raw = (lines.join("\n") + "\n").into_bytes();
    let named = sheets(&files);
    let request = request(&named);
    let file = request
        .files
        .iter()
        .position(|f| f.entity == Entity::Transactions)
        .expect("the file");
    assert!(TwoParts::cut(&request, file, 5_000_000)
        .expect("reads")
        .is_none());
    assert!(TwoParts::plan(&request, 0).expect("reads").is_none());
}

/// As the browser stores a two-worker import: the first worker's dataset, with the merged
/// report, and the second worker's rows of the cut file stored as they came, under the second
/// part's id. Read back, they are the whole import's dataset, wherever the cut fell.
#[test]
fn the_second_part_stored_beside_the_first_reads_back_as_the_whole() {
    let files = workload_s(&["customers.csv", "holdings.csv", "transactions.csv"]);
    let named = sheets(&files);
    let request = request(&named);
    let whole = import(&request);
    for (entity, name) in [
        (Entity::Transactions, "transactions.csv"),
        (Entity::Holdings, "holdings.csv"),
    ] {
        let file = request.files.iter().position(|f| f.entity == entity);
        for target in spread(&files, name, 3) {
            let parts = TwoParts::cut(&request, file.expect("the file"), target)
                .expect("reads")
                .unwrap_or_else(|| panic!("{name} cut at {target}"));
            let (first, second) = import_parts(&request, &parts);
            let part = PartOutcome {
                id_range: stored_id_range(&second.dataset),
                report: second.report.clone(),
                passes: second.passes.clone(),
            };
            let others = (
                second.dataset.customers(),
                second.dataset.relationship_managers(),
            );
            let merged = parts
                .merge_report(&request, first, part, others)
                .unwrap_or_else(|| panic!("{name} cut at {target} merges"));
            assert_eq!(
                report_text(&merged),
                report_text(&whole),
                "{name} at {target}"
            );

            let part_rows = match entity {
                Entity::Holdings => RowCounts {
                    holdings: second.dataset.holdings().len(),
                    ..RowCounts::NONE
                },
                _ => RowCounts {
                    transactions: second.dataset.transactions().len(),
                    ..RowCounts::NONE
                },
            };
            let table = format!("{}/{}/", second_part_id("snap"), entity.key());
            let mut chunks: HashMap<String, Vec<u8>> = encode_dataset("snap", &merged.dataset)
                .into_iter()
                .collect();
            chunks.extend(
                encode_dataset(&second_part_id("snap"), &second.dataset)
                    .into_iter()
                    .filter(|(key, _)| key.starts_with(&table)),
            );
            let rows = RowCounts::of(&merged.dataset) + part_rows;
            assert_eq!(rows, RowCounts::of(&whole.dataset), "{name} at {target}");
            let stored = decode_with_part("snap", SCHEMA_VERSION, &rows, &part_rows, &chunks)
                .unwrap_or_else(|e| panic!("{name} at {target}: {e}"));
            assert!(stored == whole.dataset, "{name} cut at {target}");

            // Without the part's chunks, or counted wrong, it is an error, not a short table.
            let first_only: HashMap<String, Vec<u8>> = chunks
                .iter()
                .filter(|(key, _)| !key.starts_with(&table))
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect();
            assert!(matches!(
                decode_with_part("snap", SCHEMA_VERSION, &rows, &part_rows, &first_only),
                Err(CodecError::MissingChunk(_))
            ));
            for wrong in [
                RowCounts {
                    transactions: rows.transactions + 1,
                    ..RowCounts::NONE
                },
                RowCounts {
                    customers: 1,
                    ..part_rows
                },
            ] {
                let read = decode_with_part("snap", SCHEMA_VERSION, &rows, &wrong, &chunks);
                assert!(
                    matches!(read, Err(CodecError::CorruptChunk(_))),
                    "{wrong:?}"
                );
            }
        }
    }
}

/// The first worker's rendezvous with the second worker's part, whichever comes first.
mod rendezvous {
    use keystone::import::{Rendezvous, RendezvousStep};

    type R = Rendezvous<&'static str, u32>;

    #[test]
    fn a_second_part_that_comes_after_the_first_is_read_merges_then() {
        let mut r = R::default();
        r.start();
        assert_eq!(r.first_read("first"), RendezvousStep::Wait);
        assert_eq!(r.second_arrived(2), RendezvousStep::Merge("first", 2));
        assert_eq!(r, Rendezvous::Idle);
    }

    #[test]
    fn a_second_part_that_comes_early_waits_for_the_first() {
        let mut r = R::default();
        r.start();
        assert_eq!(r.second_arrived(2), RendezvousStep::Wait);
        assert_eq!(r, Rendezvous::Reading { early: Some(2) });
        assert_eq!(r.first_read("first"), RendezvousStep::Merge("first", 2));
        assert_eq!(r, Rendezvous::Idle);
    }

    #[test]
    fn parts_no_import_waits_for_are_dropped() {
        let mut r = R::default();
        assert_eq!(r.second_arrived(1), RendezvousStep::Drop(1));
        r.start();
        assert_eq!(r.second_arrived(2), RendezvousStep::Wait);
        assert_eq!(r.second_arrived(3), RendezvousStep::Drop(3));
        // A new import forgets the earlier one's part.
        r.start();
        assert_eq!(r.first_read("again"), RendezvousStep::Wait);
        r.end();
        assert_eq!(r.second_arrived(4), RendezvousStep::Drop(4));
    }
}
