//! The worker's side: one script answers either import requests (read the picked files,
//! import them, or read the second part of a file cut in two) or analysis requests.
//!
//! Every request is one variant of [`ToWorker`]; every failure is an [`ImportReply::Failed`]
//! the Data page shows. The two-part rendezvous is the core's [`Rendezvous`]: this file only
//! feeds it events and carries out its steps.

use super::chunks::{encode_chunks, second_part_table, TransferredChunks};
use super::files::{
    ask_bytes, cores, epoch_ms, file_read_ms, import_reading_ahead, now_ms, reset_file_read_ms,
    take_bytes, wasm_memory_bytes, BlobSource,
};
use super::port::{self, Attachments, Received};
use super::protocol::{
    ImportPlan, ImportReply, ImportRequest, ImportResult, Reread, SecondPartResult, SheetSummary,
    ToWorker, WorkerReply, TRANSFER_SNAPSHOT,
};
use crate::import::{
    import_with_progress, read_sheet_from, stored_id_range, Entity, FileInput, ImportOutcome,
    PartOutcome, Rendezvous, RendezvousStep, SecondPart, SharedSource, Sheet, TwoParts, HEAD_BYTES,
    MIN_CUT_BYTES,
};
use crate::model::Day;
use crate::storage::catalogue::SCHEMA_VERSION;
use crate::storage::codec::{
    decode_customers_and_managers, decode_dataset, encode_dataset_each, second_part_id, RowCounts,
};
use std::cell::RefCell;
use std::rc::Rc;

/// The files of the current import, as the worker holds them.
#[derive(Clone, Default)]
struct Picked {
    /// Per file: its name, its source and the sheet read from it.
    sheets: Vec<(String, SharedSource, Sheet)>,
    /// The same files as the browser's handles, which the import reads ahead from.
    files: Vec<web_sys::File>,
}

/// The second worker's part as it arrived: its result and its customers' and managers' chunks.
type ArrivedPart = (SecondPartResult, TransferredChunks);

/// What the worker keeps between messages.
#[derive(Default)]
struct ImportSession {
    picked: Picked,
    rendezvous: Rendezvous<Box<Waiting>, ArrivedPart>,
}

fn send(reply: ImportReply, attachments: Attachments) {
    port::reply(&WorkerReply::Import(reply), attachments);
}

fn fail(message: String) {
    send(ImportReply::Failed { message }, Attachments::default());
}

/// The worker's entry point.
pub fn run_worker() {
    let session: Rc<RefCell<ImportSession>> = Rc::default();
    let analysis: Rc<RefCell<super::analysis::AnalysisSession>> = Rc::default();
    port::listen(move |received: Received<ToWorker>| match received {
        Ok((ToWorker::Analysis(request), _)) => super::analysis::handle(&analysis, request),
        Ok((ToWorker::Import(request), attachments)) => handle(&session, request, attachments),
        Err(why) => fail(why),
    });
}

/// Distinct values a value map lists: a column with more is not a coded one.
const DISTINCT_VALUES: usize = 64;

fn handle(session: &Rc<RefCell<ImportSession>>, request: ImportRequest, attached: Attachments) {
    match request {
        ImportRequest::WarmUp => warm_up(),
        ImportRequest::Read(options) => {
            let session = session.clone();
            wasm_bindgen_futures::spawn_local(async move {
                match read_picked(attached.files).await {
                    Ok((mut picked, summaries)) => {
                        for (index, options) in options.into_iter().enumerate() {
                            if let Some((name, source, slot)) = picked.sheets.get_mut(index) {
                                match read_sheet_from(name, source.clone(), Some(options)) {
                                    Ok(sheet) => *slot = sheet,
                                    Err(error) => return fail(format!("{name}: {error}")),
                                }
                            }
                        }
                        session.borrow_mut().picked = picked;
                        send(ImportReply::Read(summaries), Attachments::default());
                    }
                    Err(why) => fail(why),
                }
            });
        }
        ImportRequest::Reread(request) => reread(&mut session.borrow_mut().picked, request),
        ImportRequest::Drop(index) => {
            let picked = &mut session.borrow_mut().picked;
            if index < picked.sheets.len() && index < picked.files.len() {
                picked.sheets.remove(index);
                picked.files.remove(index);
            }
        }
        ImportRequest::Values { index, column } => {
            let values = match session.borrow().picked.sheets.get(index) {
                Some((name, _, sheet)) => sheet
                    .distinct_values(column, DISTINCT_VALUES)
                    .map_err(|error| format!("{name}: {error}")),
                None => Err(format!("no file at position {index}")),
            };
            match values {
                Ok(values) => send(
                    ImportReply::Values {
                        index,
                        column,
                        values,
                    },
                    Attachments::default(),
                ),
                Err(why) => fail(why),
            }
        }
        ImportRequest::Import(plan) => start_import(session, plan, attached),
        ImportRequest::SecondPartRead(result) => {
            let part = (result, TransferredChunks::from(attached.chunks));
            let step = session.borrow_mut().rendezvous.second_arrived(part);
            carry_out(step);
        }
        ImportRequest::ReadSecondPart(job) => read_second_part(job, attached.files),
    }
}

/// Reads the picked files' heads (all asked for at once), detects and previews each.
async fn read_picked(files: Vec<web_sys::File>) -> Result<(Picked, Vec<SheetSummary>), String> {
    // Every file's head is asked for at once, rather than one file's reads after another's;
    // detection and the previews read it from memory.
    let heads: Vec<_> = files
        .iter()
        .map(|file| ask_bytes(file, 0.0, (HEAD_BYTES as f64).min(file.size())))
        .collect();
    let mut summaries = Vec::new();
    let mut picked = Picked::default();
    for (file, head) in files.into_iter().zip(heads) {
        let name = file.name();
        let started = now_ms();
        let head = match head {
            Ok(head) => head.await,
            Err(error) => Err(error),
        };
        let (head, reader) = match (head, web_sys::FileReaderSync::new()) {
            (Ok(head), Ok(reader)) => {
                let mut bytes = Vec::new();
                take_bytes(&head, &mut bytes);
                (bytes, reader)
            }
            (Err(error), _) | (_, Err(error)) => return Err(format!("{name}: {error:?}")),
        };
        let size = file.size() as usize;
        picked.files.push(file.clone());
        let source = SharedSource::new(BlobSource { file, reader, head });
        let sheet = read_sheet_from(&name, source.clone(), None)
            .map_err(|error| format!("{name}: {error}"))?;
        let mut summary = SheetSummary::of(&name, size, &sheet);
        summary.read_ms = (now_ms() - started) as u32;
        summaries.push(summary);
        picked.sheets.push((name, source, sheet));
    }
    Ok((picked, summaries))
}

fn reread(picked: &mut Picked, request: Reread) {
    let Some((name, source, slot)) = picked.sheets.get_mut(request.index) else {
        return fail(format!("no file at position {}", request.index));
    };
    match read_sheet_from(name, source.clone(), Some(request.options)) {
        Ok(sheet) => {
            let summary = SheetSummary::of(name, source.0.len() as usize, &sheet);
            *slot = sheet;
            let index = request.index;
            send(
                ImportReply::Reread { index, summary },
                Attachments::default(),
            );
        }
        Err(error) => fail(format!("{name}: {error}")),
    }
}

fn start_import(session: &Rc<RefCell<ImportSession>>, plan: ImportPlan, attached: Attachments) {
    let base = match plan.append_to {
        Some(rows) => {
            let chunks = TransferredChunks::from(attached.chunks);
            let decoded = decode_dataset(TRANSFER_SNAPSHOT, SCHEMA_VERSION, &rows, &chunks);
            chunks.release();
            match decoded {
                Ok(base) => Some(base),
                Err(error) => return fail(error.to_string()),
            }
        }
        None => None,
    };
    // The import awaits the files' slices: a second worker's part that arrives meanwhile waits.
    session.borrow_mut().rendezvous.start();
    let held = session.borrow().picked.clone();
    let session = session.clone();
    wasm_bindgen_futures::spawn_local(async move {
        let started = now_ms();
        reset_file_read_ms();
        let mut progress = progress_poster();
        let request = crate::import::ImportRequest {
            files: inputs(&held, &plan),
            today: Day(plan.today),
            currency: plan.currency,
            base: base.as_ref(),
        };
        // A second core reads the second part of the largest file meanwhile.
        let parts = if base.is_none() && cores() >= 2.0 {
            TwoParts::plan(&request, MIN_CUT_BYTES).ok().flatten()
        } else {
            None
        };
        let Some(parts) = parts else {
            let outcome = import_reading_ahead(&request, &held.files, &mut progress).await;
            drop(request);
            drop(base);
            session.borrow_mut().rendezvous.end();
            send_imported(outcome, started, Helped::NONE);
            return;
        };
        send(
            ImportReply::CutInTwo(parts.second_part(&request)),
            Attachments::default(),
        );
        let first =
            import_reading_ahead(&parts.first_request(&request), &held.files, &mut progress).await;
        drop(request);
        let done = Box::new(Waiting {
            picked: held,
            plan,
            parts,
            first,
            started,
            first_done: epoch_ms(),
        });
        let step = session.borrow_mut().rendezvous.first_read(done);
        carry_out(step);
    });
}

/// Does what the rendezvous says.
fn carry_out(step: RendezvousStep<Box<Waiting>, ArrivedPart>) {
    match step {
        RendezvousStep::Wait => {}
        RendezvousStep::Merge(waiting, (result, chunks)) => take_part(*waiting, result, chunks),
        RendezvousStep::Drop((_, chunks)) => chunks.release(),
    }
}

/// Imports made-up files once (see [`crate::import::warm`]) and encodes the result, so the
/// browser has compiled the import's code before the manager's files arrive.
fn warm_up() {
    let outcome = crate::import::warm_up_import();
    encode_dataset_each(TRANSFER_SNAPSHOT, &outcome.dataset, &mut |_, _| {});
}

/// Joins the second worker's part (forwarded by the page with its chunks) to this worker's
/// first part and sends the whole import's outcome; reads the whole instead when the parts
/// might not add up to it.
fn take_part(waiting: Waiting, result: SecondPartResult, chunks: TransferredChunks) {
    let request = crate::import::ImportRequest {
        files: inputs(&waiting.picked, &waiting.plan),
        today: Day(waiting.plan.today),
        currency: waiting.plan.currency,
        base: None,
    };
    let mut helped = Helped::NONE;
    helped.lead_ms = (waiting.first_done - result.done_at_ms) as i32;
    helped.memory = result.worker_memory_bytes;
    let merged = (|| {
        // Its customers and managers came here, to be checked against this worker's; its
        // rows of the cut file stay on the page, stored as the snapshot's second part.
        let second_part = match waiting.parts.cut_entity(&request) {
            Entity::Holdings => RowCounts {
                holdings: result.rows.holdings,
                ..RowCounts::NONE
            },
            _ => RowCounts {
                transactions: result.rows.transactions,
                ..RowCounts::NONE
            },
        };
        let part_id = second_part_id(TRANSFER_SNAPSHOT);
        let (customers, managers) =
            decode_customers_and_managers(&part_id, &result.rows, &chunks).ok()?;
        let merged = waiting.parts.merge_report(
            &request,
            waiting.first,
            result.part,
            (&customers, &managers),
        )?;
        helped.workers = 2;
        helped.second_part = second_part;
        helped.columnar_bytes = result.columnar_bytes;
        helped.stored_bytes = result.stored_bytes;
        Some(merged)
    })();
    chunks.release();
    // Parts that might not equal the whole are not used: the whole is read.
    let outcome = merged.unwrap_or_else(|| {
        helped = Helped {
            memory: helped.memory,
            ..Helped::NONE
        };
        import_with_progress(&request, &mut progress_poster())
    });
    drop(request);
    send_imported(outcome, waiting.started, helped);
}

/// The second worker: reads its part of the picked files and sends the outcome, with the
/// chunks of its rows of the cut file (kept by the page) and of its customers and managers
/// (passed on to the first worker).
fn read_second_part(job: SecondPart, given: Vec<web_sys::File>) {
    let mut sheets = Vec::with_capacity(job.files.len());
    let mut files = Vec::with_capacity(job.files.len());
    for part in &job.files {
        let Some(file) = given.get(part.index).cloned() else {
            return fail(format!("no picked file at position {}", part.index));
        };
        let reader = match web_sys::FileReaderSync::new() {
            Ok(reader) => reader,
            Err(error) => return fail(format!("{error:?}")),
        };
        files.push(file.clone());
        let source = SharedSource::new(BlobSource {
            file,
            reader,
            head: Vec::new(),
        });
        sheets.push(Sheet::from_spec(source, part.sheet.clone()));
    }
    wasm_bindgen_futures::spawn_local(async move {
        let mut progress = progress_poster();
        let outcome = import_reading_ahead(&job.request(&sheets), &files, &mut progress).await;
        drop(sheets);
        send_second_part(outcome);
    });
}

fn send_second_part(outcome: ImportOutcome) {
    let rows = RowCounts::of(&outcome.dataset);
    // Under the second part's id: the page stores its rows of the cut file as they are, beside
    // the first worker's chunks. Of which only the cut file's rows are stored: its holdings or
    // transactions.
    let part_id = second_part_id(TRANSFER_SNAPSHOT);
    let (chunks, stored_bytes) = encode_chunks(&part_id, &outcome.dataset, |key| {
        second_part_table(key).is_some()
    });
    let bytes = outcome.dataset.table_bytes();
    let result = SecondPartResult {
        part: PartOutcome {
            id_range: stored_id_range(&outcome.dataset),
            report: outcome.report,
            passes: outcome.passes,
        },
        rows,
        columnar_bytes: (bytes.holdings + bytes.transactions) as u64,
        stored_bytes,
        worker_memory_bytes: wasm_memory_bytes() as u64,
        done_at_ms: epoch_ms(),
    };
    send(
        ImportReply::SecondPartRead(result),
        Attachments::chunks(chunks),
    );
}

/// Posts the rows read so far to the page.
fn progress_poster() -> impl FnMut(usize) {
    move |rows| send(ImportReply::Progress { rows }, Attachments::default())
}

/// An import whose first part is read, waiting for the second worker's part.
struct Waiting {
    picked: Picked,
    plan: ImportPlan,
    parts: TwoParts,
    first: ImportOutcome,
    started: f64,
    /// When the first part was done (epoch milliseconds): how the parts were balanced is a
    /// figure.
    first_done: f64,
}

/// The picked files as the plan assigns them.
fn inputs<'a>(picked: &'a Picked, plan: &ImportPlan) -> Vec<FileInput<'a>> {
    picked
        .sheets
        .iter()
        .zip(&plan.files)
        .map(|((name, _, sheet), planned)| FileInput {
            file_name: name.clone(),
            entity: planned.entity,
            sheet,
            mapping: planned.mapping.clone(),
            date_style: planned.date_style,
        })
        .collect()
}

/// What a second worker added to an import, for its figures.
struct Helped {
    /// Its memory high-water mark.
    memory: u64,
    /// The workers whose parts make up the outcome.
    workers: u32,
    /// Milliseconds the second part was done before the first (negative: after).
    lead_ms: i32,
    /// Its rows of the cut file, which the page holds and stores as the second part.
    second_part: RowCounts,
    /// Their columnar and stored bytes.
    columnar_bytes: u64,
    stored_bytes: u64,
}

impl Helped {
    const NONE: Helped = Helped {
        memory: 0,
        workers: 1,
        lead_ms: 0,
        second_part: RowCounts::NONE,
        columnar_bytes: 0,
        stored_bytes: 0,
    };
}

/// Sends the import's outcome to the page: the dataset as transferred chunks, the report and
/// the figures.
fn send_imported(outcome: ImportOutcome, started: f64, helped: Helped) {
    let parsed = now_ms();
    let rows = RowCounts::of(&outcome.dataset) + helped.second_part;
    let columnar_bytes = outcome.dataset.column_bytes() as u64 + helped.columnar_bytes;
    let (chunks, stored_bytes) = encode_chunks(TRANSFER_SNAPSHOT, &outcome.dataset, |_| true);
    let pack_ms = (now_ms() - parsed) as u32;
    let report = outcome.report;
    drop(outcome.dataset);
    let result = ImportResult {
        rows,
        report,
        parse_ms: (parsed - started) as u32,
        file_read_ms: file_read_ms() as u32,
        pack_ms,
        workers: helped.workers,
        second_lead_ms: helped.lead_ms,
        // Both workers' high-water marks, as if they had peaked at once.
        worker_memory_bytes: wasm_memory_bytes() as u64 + helped.memory,
        second_worker_memory_bytes: helped.memory,
        columnar_bytes,
        stored_bytes: stored_bytes + helped.stored_bytes,
        second_part: helped.second_part,
        // The page hashes the files (see `ImportWorker::read`).
        digest_wait_ms: 0,
        sha256: Vec::new(),
    };
    send(
        ImportReply::Imported(Box::new(result)),
        Attachments::chunks(chunks),
    );
}
