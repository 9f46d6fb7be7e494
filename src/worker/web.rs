//! The browser glue of the worker: `postMessage` in both directions, and the import's side.

use super::protocol::{
    ImportPlan, ImportResult, Reread, SecondPartResult, SheetSummary, TRANSFER_SNAPSHOT,
};
use crate::import::{
    import_with_progress, read_sheet_from, stored_id_range, ByteSource, Entity, FileInput,
    ImportOutcome, ImportRequest, Importer, PartOutcome, ReadError, SecondPart, SharedSource,
    Sheet, TwoParts, HEAD_BYTES, MIN_CUT_BYTES,
};
use crate::model::{Dataset, Day};
use crate::storage::catalogue::SCHEMA_VERSION;
use crate::storage::codec::{
    decode_customers_and_managers, decode_dataset, encode_dataset, encode_dataset_each,
    second_part_id, snapshot_prefix, ChunkSource, RowCounts,
};
use std::borrow::Cow;
use std::cell::RefCell;
use std::collections::{HashMap, VecDeque};
use std::rc::Rc;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;

/// The worker script, relative to the page so any sub-path works.
const WORKER_URL: &str = "./keystone-worker_loader.js";

pub(super) fn field(object: &JsValue, name: &str) -> JsValue {
    js_sys::Reflect::get(object, &name.into()).unwrap_or(JsValue::UNDEFINED)
}

pub(super) fn message(kind: &str, json: &str) -> js_sys::Object {
    let object = js_sys::Object::new();
    let _ = js_sys::Reflect::set(&object, &"kind".into(), &kind.into());
    let _ = js_sys::Reflect::set(&object, &"json".into(), &json.into());
    object
}

/// A picked file, read in slices with `FileReaderSync` (workers may block): detection,
/// previews and a sync import's fallback read a little at a time instead of holding the file in
/// wasm memory. The import itself reads ahead ([`import_reading_ahead`]).
struct BlobSource {
    file: web_sys::File,
    reader: web_sys::FileReaderSync,
    /// The file's first bytes, read when it was picked (empty when not): detection, the
    /// previews and the import's first looks at the file read them from here.
    head: Vec<u8>,
}

impl ByteSource for BlobSource {
    fn len(&self) -> u64 {
        self.file.size() as u64
    }

    fn read_at(&self, offset: u64, buf: &mut [u8]) -> std::io::Result<usize> {
        let end = (offset + buf.len() as u64).min(self.len());
        if offset >= end {
            return Ok(0);
        }
        if end <= self.head.len() as u64 {
            let (offset, end) = (offset as usize, end as usize);
            buf[..end - offset].copy_from_slice(&self.head[offset..end]);
            return Ok(end - offset);
        }
        let started = now_ms();
        let io = |e: JsValue| std::io::Error::other(format!("{e:?}"));
        let slice = self
            .file
            .slice_with_f64_and_f64(offset as f64, end as f64)
            .map_err(io)?;
        let buffer = self.reader.read_as_array_buffer(&slice).map_err(io)?;
        let bytes = js_sys::Uint8Array::new(&buffer);
        let n = bytes.length() as usize;
        bytes.copy_to(&mut buf[..n]);
        release(&buffer);
        FILE_READ_MS.with(|total| total.set(total.get() + now_ms() - started));
        Ok(n)
    }
}

thread_local! {
    /// Milliseconds spent reading file slices or waiting for them, for the import's figures.
    static FILE_READ_MS: std::cell::Cell<f64> = const { std::cell::Cell::new(0.0) };
}

/// The files of the current import, as the worker holds them.
#[derive(Clone, Default)]
struct Picked {
    /// Per file: its name, its source and the sheet read from it.
    sheets: Vec<(String, SharedSource, Sheet)>,
    /// The same files as the browser's handles, which the import reads ahead from.
    files: Vec<web_sys::File>,
}

/// Bytes of a file the import asks the browser for at a time, and how many such slices it
/// asks for ahead of the one it parses. A worker blocked reading a file leaves its core idle
/// (a third of an M import's parse went so); a slice asked for ahead arrives while the
/// worker parses, but only as far as the browser's pipe holds it without the worker, so
/// slices are small and several are asked for (in a throwaway page reading M's transactions
/// with 30 ms of work per 8 MB: 0.25 s waited in all with one 8 MB slice ahead, 0.13 s with
/// 2 MB slices two ahead, 0.3–0.6 s reading without asking ahead).
const SLICE_BYTES: u64 = 2 << 20;
const SLICES_AHEAD: usize = 3;

/// Imports `request`, reading its delimited files from `files` (one per file of the request)
/// slice by slice, the next slices asked for while this one is parsed.
async fn import_reading_ahead(
    request: &ImportRequest<'_>,
    files: &[web_sys::File],
    progress: &mut dyn FnMut(usize),
) -> ImportOutcome {
    let mut importer = Importer::new(request);
    let slices: Vec<(usize, u64, u64)> = importer
        .reads()
        .iter()
        .flat_map(|read| {
            let span = read.span;
            (span.start..span.end)
                .step_by(SLICE_BYTES as usize)
                .map(move |at| (read.file, at, (at + SLICE_BYTES).min(span.end)))
        })
        .collect();
    let mut asked = VecDeque::new();
    let mut next = slices.iter();
    let mut bytes = Vec::new();
    loop {
        while asked.len() < SLICES_AHEAD {
            let Some(&(file, start, end)) = next.next() else {
                break;
            };
            asked.push_back((file, ask_bytes(&files[file], start as f64, end as f64)));
        }
        let Some((file, buffer)) = asked.pop_front() else {
            break;
        };
        let waited = now_ms();
        let buffer = match buffer {
            Ok(buffer) => buffer.await,
            Err(error) => Err(error),
        };
        FILE_READ_MS.with(|total| total.set(total.get() + now_ms() - waited));
        match buffer {
            Ok(buffer) => {
                take_bytes(&buffer, &mut bytes);
                if !importer.feed(file, &bytes, progress) {
                    break;
                }
            }
            Err(error) => {
                let error = std::io::Error::other(format!("{error:?}"));
                importer.fail(file, ReadError::from(error));
                break;
            }
        }
    }
    importer.finish(progress)
}

/// The worker's entry point: keeps the read sheets and answers `read` and `import` messages;
/// `analysis` messages go to the analysis session (one worker does one or the other).
pub fn run_worker() {
    let scope: web_sys::DedicatedWorkerGlobalScope = js_sys::global().unchecked_into();
    let picked: Rc<RefCell<Picked>> = Rc::default();
    let first_part: Rc<RefCell<FirstPart>> = Rc::default();
    let analysis: Rc<RefCell<super::analysis::AnalysisSession>> = Rc::default();
    let analysis_post = super::analysis::poster(scope.clone());
    let reply_scope = scope.clone();
    let on_message =
        Closure::<dyn FnMut(web_sys::MessageEvent)>::new(move |event: web_sys::MessageEvent| {
            let data = event.data();
            let kind = field(&data, "kind").as_string().unwrap_or_default();
            let post = |object: &js_sys::Object, transfer: Option<&js_sys::Array>| {
                let _ = match transfer {
                    Some(list) => reply_scope.post_message_with_transfer(object, list),
                    None => reply_scope.post_message(object),
                };
            };
            match kind.as_str() {
                "warm" => warm_up(),
                "analysis" => {
                    let json = field(&data, "json").as_string().unwrap_or_default();
                    super::analysis::handle(&analysis, &json, &analysis_post);
                }
                "read" => {
                    let files: Vec<web_sys::File> = js_sys::Array::from(&field(&data, "files"))
                        .iter()
                        .map(JsCast::unchecked_into)
                        .collect();
                    let (scope, picked) = (reply_scope.clone(), picked.clone());
                    wasm_bindgen_futures::spawn_local(async move {
                        let failed = |text: &str| {
                            let _ = scope.post_message(&message("failed", text));
                        };
                        // Every file's head is asked for at once, rather than one file's reads
                        // after another's; detection and the previews read it from memory.
                        let heads: Vec<_> = files
                            .iter()
                            .map(|file| ask_bytes(file, 0.0, (HEAD_BYTES as f64).min(file.size())))
                            .collect();
                        let mut summaries = Vec::new();
                        let mut next = Picked::default();
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
                                (Err(error), _) | (_, Err(error)) => {
                                    failed(&format!("{name}: {error:?}"));
                                    return;
                                }
                            };
                            let size = file.size() as usize;
                            next.files.push(file.clone());
                            let source = SharedSource::new(BlobSource { file, reader, head });
                            match read_sheet_from(&name, source.clone(), None) {
                                Ok(sheet) => {
                                    let mut summary = SheetSummary::of(&name, size, &sheet);
                                    summary.read_ms = (now_ms() - started) as u32;
                                    summaries.push(summary);
                                    next.sheets.push((name, source, sheet));
                                }
                                Err(error) => {
                                    failed(&format!("{name}: {error}"));
                                    return;
                                }
                            }
                        }
                        *picked.borrow_mut() = next;
                        let json = serde_json::to_string(&summaries).unwrap_or_default();
                        let _ = scope.post_message(&message("read", &json));
                    });
                }
                "reread" => {
                    let json = field(&data, "json").as_string().unwrap_or_default();
                    let Ok(request) = serde_json::from_str::<Reread>(&json) else {
                        return;
                    };
                    let mut picked = picked.borrow_mut();
                    let Some((name, source, slot)) = picked.sheets.get_mut(request.index) else {
                        return;
                    };
                    match read_sheet_from(name, source.clone(), Some(request.options)) {
                        Ok(sheet) => {
                            let summary = SheetSummary::of(name, source.0.len() as usize, &sheet);
                            *slot = sheet;
                            let json = serde_json::to_string(&summary).unwrap_or_default();
                            let reply = message("reread", &json);
                            let index = JsValue::from(request.index as u32);
                            let _ = js_sys::Reflect::set(&reply, &"index".into(), &index);
                            post(&reply, None);
                        }
                        Err(error) => post(&message("failed", &format!("{name}: {error}")), None),
                    }
                }
                "import" => {
                    let json = field(&data, "json").as_string().unwrap_or_default();
                    let Ok(plan) = serde_json::from_str::<ImportPlan>(&json) else {
                        post(&message("failed", "malformed import plan"), None);
                        return;
                    };
                    let base = match plan.append_to {
                        Some(rows) => {
                            let chunks = TransferredChunks::of(&data);
                            let decoded =
                                decode_dataset(TRANSFER_SNAPSHOT, SCHEMA_VERSION, &rows, &chunks);
                            chunks.release();
                            match decoded {
                                Ok(base) => Some(base),
                                Err(error) => {
                                    post(&message("failed", &error.to_string()), None);
                                    return;
                                }
                            }
                        }
                        None => None,
                    };
                    // The import awaits the files' slices: what arrives meanwhile (the second
                    // worker's part) waits for it.
                    *first_part.borrow_mut() = FirstPart::Reading { early: None };
                    let held = picked.borrow().clone();
                    let (scope, first_part) = (reply_scope.clone(), first_part.clone());
                    wasm_bindgen_futures::spawn_local(async move {
                        let started = now_ms();
                        FILE_READ_MS.with(|total| total.set(0.0));
                        let mut progress = progress_poster(&scope);
                        let request = ImportRequest {
                            files: inputs(&held, &plan),
                            today: Day(plan.today),
                            base: base.as_ref(),
                        };
                        // A second core reads the second part of the largest file meanwhile.
                        let parts = if base.is_none() && cores() >= 2.0 {
                            TwoParts::plan(&request, MIN_CUT_BYTES).ok().flatten()
                        } else {
                            None
                        };
                        let Some(parts) = parts else {
                            let outcome =
                                import_reading_ahead(&request, &held.files, &mut progress).await;
                            drop(request);
                            drop(base);
                            *first_part.borrow_mut() = FirstPart::None;
                            send_imported(&scope, outcome, started, Helped::NONE);
                            return;
                        };
                        let job = parts.second_part(&request);
                        let json = serde_json::to_string(&job).unwrap_or_default();
                        let _ = scope.post_message(&message("second", &json));
                        let first = import_reading_ahead(
                            &parts.first_request(&request),
                            &held.files,
                            &mut progress,
                        )
                        .await;
                        drop(request);
                        let done = Waiting {
                            plan,
                            parts,
                            first,
                            started,
                            first_done: epoch_ms(),
                        };
                        let state = std::mem::take(&mut *first_part.borrow_mut());
                        match state {
                            FirstPart::Reading { early: Some(part) } => {
                                take_part(&scope, &held, done, &part)
                            }
                            _ => *first_part.borrow_mut() = FirstPart::Read(Box::new(done)),
                        }
                    });
                }
                "part" => {
                    // The second worker's part, forwarded by the page with its chunks.
                    let mut state = first_part.borrow_mut();
                    match std::mem::take(&mut *state) {
                        FirstPart::Reading { .. } => {
                            *state = FirstPart::Reading { early: Some(data) };
                        }
                        FirstPart::Read(waiting) => {
                            drop(state);
                            take_part(&reply_scope, &picked.borrow(), *waiting, &data);
                        }
                        FirstPart::None => {}
                    }
                }
                "second" => {
                    // This worker is the second one: it reads the second part and the shared files.
                    let json = field(&data, "json").as_string().unwrap_or_default();
                    let Ok(job) = serde_json::from_str::<SecondPart>(&json) else {
                        post(&message("failed", "malformed part"), None);
                        return;
                    };
                    let given = js_sys::Array::from(&field(&data, "files"));
                    let mut sheets = Vec::with_capacity(job.files.len());
                    let mut files = Vec::with_capacity(job.files.len());
                    for part in &job.files {
                        let file: web_sys::File = given.get(part.index as u32).unchecked_into();
                        let Ok(reader) = web_sys::FileReaderSync::new() else {
                            post(&message("failed", "no FileReaderSync"), None);
                            return;
                        };
                        files.push(file.clone());
                        let source = SharedSource::new(BlobSource {
                            file,
                            reader,
                            head: Vec::new(),
                        });
                        sheets.push(Sheet::from_spec(source, part.sheet.clone()));
                    }
                    let scope = reply_scope.clone();
                    wasm_bindgen_futures::spawn_local(async move {
                        let mut progress = progress_poster(&scope);
                        let outcome =
                            import_reading_ahead(&job.request(&sheets), &files, &mut progress)
                                .await;
                        drop(sheets);
                        send_second_part(&scope, outcome);
                    });
                }
                _ => {}
            }
        });
    scope.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    // The worker lives as long as its scope; the handler must too.
    on_message.forget();
    // Messages sent before the handler existed would be lost: the page waits for this one.
    let _ = scope.post_message(&message("ready", ""));
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
fn take_part(
    scope: &web_sys::DedicatedWorkerGlobalScope,
    picked: &Picked,
    waiting: Waiting,
    data: &JsValue,
) {
    let json = field(data, "json").as_string().unwrap_or_default();
    let request = ImportRequest {
        files: inputs(picked, &waiting.plan),
        today: Day(waiting.plan.today),
        base: None,
    };
    let mut helped = Helped::NONE;
    let chunks = TransferredChunks::of(data);
    let merged = serde_json::from_str::<SecondPartResult>(&json)
        .ok()
        .and_then(|result| {
            helped.lead_ms = (waiting.first_done - result.done_at_ms) as i32;
            helped.memory = result.worker_memory_bytes;
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
        });
    chunks.release();
    // Parts that might not equal the whole are not used: the whole is read.
    let outcome = merged.unwrap_or_else(|| {
        helped = Helped {
            memory: helped.memory,
            ..Helped::NONE
        };
        import_with_progress(&request, &mut progress_poster(scope))
    });
    drop(request);
    send_imported(scope, outcome, waiting.started, helped);
}

/// The second worker's reply: its part's outcome, with the chunks of its rows of the cut file.
fn send_second_part(scope: &web_sys::DedicatedWorkerGlobalScope, outcome: ImportOutcome) {
    let reply = message("part", "");
    let rows = RowCounts::of(&outcome.dataset);
    // Under the second part's id: the page stores its rows of the cut file as they are, beside
    // the first worker's chunks.
    let part_id = second_part_id(TRANSFER_SNAPSHOT);
    // Of which only the cut file's rows are stored: its holdings or transactions.
    let (buffers, stored_bytes) = attach_chunks(&reply, &part_id, &outcome.dataset, |key| {
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
    let json = serde_json::to_string(&result).unwrap_or_default();
    let _ = js_sys::Reflect::set(&reply, &"json".into(), &json.into());
    let _ = scope.post_message_with_transfer(&reply, &buffers);
}

/// Where the first worker's part of a two-part import is.
#[derive(Default)]
enum FirstPart {
    /// No import in two parts.
    #[default]
    None,
    /// Being read, with the second worker's part if it came first.
    Reading { early: Option<JsValue> },
    /// Read, waiting for the second worker's part.
    Read(Box<Waiting>),
}

/// Posts the rows read so far to the page.
fn progress_poster(scope: &web_sys::DedicatedWorkerGlobalScope) -> impl FnMut(usize) + '_ {
    move |rows| {
        let _ = scope.post_message(&message("progress", &rows.to_string()));
    }
}

/// Asks the browser for `blob`'s bytes `start..end`, without waiting for them.
fn ask_bytes(blob: &web_sys::Blob, start: f64, end: f64) -> Result<JsFuture, JsValue> {
    Ok(JsFuture::from(
        blob.slice_with_f64_and_f64(start, end)?.array_buffer(),
    ))
}

/// Copies a buffer the browser made into `bytes` and frees it at once.
fn take_bytes(buffer: &JsValue, bytes: &mut Vec<u8>) {
    let view = js_sys::Uint8Array::new(buffer);
    bytes.resize(view.length() as usize, 0);
    view.copy_to(bytes);
    release(buffer);
}

/// An import whose first part is read, waiting for the second worker's part.
struct Waiting {
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

/// Logical cores the browser reports (1 when it does not say), on the page or in a worker.
fn cores() -> f64 {
    let navigator = field(&js_sys::global(), "navigator");
    field(&navigator, "hardwareConcurrency")
        .as_f64()
        .unwrap_or(1.0)
        .max(1.0)
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
fn send_imported(
    scope: &web_sys::DedicatedWorkerGlobalScope,
    outcome: ImportOutcome,
    started: f64,
    helped: Helped,
) {
    let parsed = now_ms();
    let reply = js_sys::Object::new();
    let rows = RowCounts::of(&outcome.dataset) + helped.second_part;
    let columnar_bytes = outcome.dataset.column_bytes() as u64 + helped.columnar_bytes;
    let (buffers, stored_bytes) =
        attach_chunks(&reply, TRANSFER_SNAPSHOT, &outcome.dataset, |_| true);
    let pack_ms = (now_ms() - parsed) as u32;
    let report = outcome.report;
    drop(outcome.dataset);
    let result = ImportResult {
        rows,
        report,
        parse_ms: (parsed - started) as u32,
        file_read_ms: FILE_READ_MS.with(|total| total.get()) as u32,
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
    let json = serde_json::to_string(&result).unwrap_or_default();
    let _ = js_sys::Reflect::set(&reply, &"kind".into(), &"imported".into());
    let _ = js_sys::Reflect::set(&reply, &"json".into(), &json.into());
    let _ = scope.post_message_with_transfer(&reply, &buffers);
}

/// Milliseconds since the epoch, comparable between the page and its workers.
fn epoch_ms() -> f64 {
    let performance = field(&js_sys::global(), "performance");
    field(&performance, "timeOrigin").as_f64().unwrap_or(0.0) + now_ms()
}

/// Milliseconds on the worker's clock.
fn now_ms() -> f64 {
    js_sys::Reflect::get(&js_sys::global(), &"performance".into())
        .ok()
        .and_then(|p| p.dyn_into::<web_sys::Performance>().ok())
        .map_or(0.0, |p| p.now())
}

/// Files up to this size are hashed whole by `crypto.subtle`; larger ones in slices. Whole,
/// a file and the browser's copy of it are held at once: for M's 120 MB of transactions that
/// was the import's peak (+230 MB); in slices the page hashes it meanwhile for the same
/// import time, two workers parsing beside it.
pub const WHOLE_FILE_DIGEST_BYTES: f64 = 32e6;

/// The file's SHA-256 as a promise of its hex (see [`file_sha256`]), started once `after` has
/// settled and if `wanted` still; an empty string when the browser cannot give it.
fn sha256_hex(
    file: web_sys::File,
    after: Option<js_sys::Promise>,
    wanted: impl Fn() -> bool + 'static,
) -> js_sys::Promise {
    wasm_bindgen_futures::future_to_promise(async move {
        if let Some(previous) = after {
            let _ = wasm_bindgen_futures::JsFuture::from(previous).await;
        }
        if !wanted() {
            return Ok(JsValue::from(""));
        }
        Ok(file_sha256(&file, WHOLE_FILE_DIGEST_BYTES).await?.into())
    })
}

/// A file's SHA-256 in hex. Up to `whole_limit` bytes, by the browser's own `crypto.subtle`
/// (native code, off this thread), which takes the file whole — it and the browser's copy
/// are held meanwhile; larger files in 2 MB slices through `sha2` here, slower but never
/// holding more than two slices.
pub async fn file_sha256(file: &web_sys::Blob, whole_limit: f64) -> Result<String, JsValue> {
    use sha2::{Digest, Sha256};
    if file.size() <= whole_limit {
        let crypto: web_sys::Crypto = field(&js_sys::global(), "crypto").dyn_into()?;
        let buffer = wasm_bindgen_futures::JsFuture::from(file.array_buffer()).await?;
        let digest = crypto
            .subtle()
            .digest_with_str_and_buffer_source("SHA-256", buffer.unchecked_ref());
        // The browser hashes its own copy of the bytes.
        release(&buffer);
        let digest = wasm_bindgen_futures::JsFuture::from(digest?).await?;
        return Ok(hex(&js_sys::Uint8Array::new(&digest).to_vec()));
    }
    // Slices of 2 MB keep each hashing task on the page's thread to about 10 ms (8 MB took
    // about 45, in which the page answered neither the workers nor the manager); the next
    // slice is asked for before this one is hashed.
    const SLICE_BYTES: f64 = 2_097_152.0;
    let read = |at: f64| ask_bytes(file, at, (at + SLICE_BYTES).min(file.size()));
    let mut hasher = Sha256::new();
    let mut slice = Vec::new();
    let mut next = read(0.0)?;
    let mut at = 0.0;
    while at < file.size() {
        let buffer = next.await?;
        at += SLICE_BYTES;
        next = read(at.min(file.size()))?;
        take_bytes(&buffer, &mut slice);
        hasher.update(&slice);
    }
    Ok(hex(&hasher.finalize()))
}

/// Runs the page's own share of an import once on made-up data, while nothing waits for it
/// (the Data page calls it as it opens): a large file's SHA-256 in slices, and the decode of
/// the chunks the workers send, which the commit does. The browser compiles a wasm function
/// for speed only once it has run a while; without this the page would hash M's 120 MB of
/// transactions partly in its first, slow code (0.71–1.05 s against 0.39–0.58 s warmed for
/// the same hash in node, measured with a throwaway program), on a thread that shares the two
/// cores with both parsing workers. Once per page: compiled code stays.
pub fn warm_up_page() {
    use sha2::{Digest, Sha256};
    thread_local! {
        static WARMED: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
    }
    if WARMED.with(|warmed| warmed.replace(true)) {
        return;
    }
    let mut hasher = Sha256::new();
    let slice = [0u8; 8192];
    for _ in 0..128 {
        hasher.update(slice);
    }
    let _ = hasher.finalize();
    let dataset = crate::import::warm_up_import().dataset;
    let chunks: HashMap<String, Vec<u8>> = encode_dataset(TRANSFER_SNAPSHOT, &dataset)
        .into_iter()
        .collect();
    let _ = decode_dataset(
        TRANSFER_SNAPSHOT,
        SCHEMA_VERSION,
        &RowCounts::of(&dataset),
        &chunks,
    );
}

/// Frees an `ArrayBuffer`'s bytes now rather than at the next garbage collection, which in a
/// busy worker may come only after hundreds of megabytes of spent file slices, and on an idle
/// page not for seconds. `transfer(0)` is not enough for buffers the browser made (file reads,
/// messages): it detaches the script's handle, but the browser's own wrapper keeps the bytes
/// until it is collected. Moving the buffer into a message does take them from that wrapper;
/// posted through a channel closed at once, the message and its bytes are dropped.
pub fn release(buffer: &JsValue) {
    if let Ok(channel) = web_sys::MessageChannel::new() {
        let moved = channel
            .port1()
            .post_message_with_transferable(&JsValue::NULL, &js_sys::Array::of1(buffer));
        channel.port1().close();
        channel.port2().close();
        if moved.is_ok() {
            return;
        }
    }
    if let Some(transfer) = field(buffer, "transfer").dyn_ref::<js_sys::Function>() {
        let _ = transfer.call1(buffer, &JsValue::from(0));
    }
}

/// The table (`holdings` or `transactions`) of a chunk the second worker sent of its rows of
/// the cut file, which the page keeps; `None` for its customers and managers, which go on to
/// the first worker for the check that both read them alike.
fn second_part_table(key: &str) -> Option<&'static str> {
    let rest = key.strip_prefix(&snapshot_prefix(&second_part_id(TRANSFER_SNAPSHOT)))?;
    ["holdings", "transactions"]
        .into_iter()
        .find(|table| rest.strip_prefix(table).is_some_and(|r| r.starts_with('/')))
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Column chunks that arrived in a message, still in the buffers it transferred: decoding
/// copies one chunk at a time into wasm memory, and the page stores them as they are.
pub struct TransferredChunks {
    /// `(key, bytes)`, keys under [`TRANSFER_SNAPSHOT`].
    pub chunks: Vec<(String, js_sys::Uint8Array)>,
    index: HashMap<String, usize>,
    /// Rows among them stored as a second part (see [`second_part_id`]).
    pub second_part: RowCounts,
}

impl TransferredChunks {
    /// The chunks a message carries as parallel `keys` and `buffers` arrays.
    fn of(data: &JsValue) -> TransferredChunks {
        let keys = js_sys::Array::from(&field(data, "keys"));
        let buffers = js_sys::Array::from(&field(data, "buffers"));
        let chunks = (0..keys.length())
            .map(|i| {
                let key = keys.get(i).as_string().unwrap_or_default();
                (key, js_sys::Uint8Array::new(&buffers.get(i)))
            })
            .collect();
        TransferredChunks::from(chunks)
    }

    fn from(chunks: Vec<(String, js_sys::Uint8Array)>) -> TransferredChunks {
        let index = chunks
            .iter()
            .enumerate()
            .map(|(i, (key, _))| (key.clone(), i))
            .collect();
        TransferredChunks {
            chunks,
            index,
            second_part: RowCounts::NONE,
        }
    }

    /// Adds `part`'s chunks of the tables of which it holds `rows` as the second part; frees
    /// the others (an empty table's dictionaries).
    fn add_second_part(&mut self, part: TransferredChunks, rows: RowCounts) {
        let held = |key: &str| match second_part_table(key) {
            Some("holdings") => rows.holdings > 0,
            Some(_) => rows.transactions > 0,
            None => false,
        };
        for (key, bytes) in part.chunks {
            if held(&key) {
                self.index.insert(key.clone(), self.chunks.len());
                self.chunks.push((key, bytes));
            } else {
                release(&bytes.buffer());
            }
        }
        self.second_part = rows;
    }

    /// Frees the buffers now (see [`release`]); for once they are decoded and stored.
    pub fn release(self) {
        self.release_buffers();
    }

    /// Frees the buffers now, keeping the (then empty) handles: for a caller that lends them
    /// out and is done with them before they come back.
    pub fn release_buffers(&self) {
        for (_, bytes) in &self.chunks {
            release(&bytes.buffer());
        }
    }

    /// The key prefix every chunk carries.
    pub fn prefix() -> String {
        snapshot_prefix(TRANSFER_SNAPSHOT)
    }
}

impl ChunkSource for TransferredChunks {
    fn chunk_bytes(&self, key: &str) -> Option<Cow<'_, [u8]>> {
        let &i = self.index.get(key)?;
        Some(Cow::Owned(self.chunks[i].1.to_vec()))
    }
}

/// Attaches a dataset's chunks to a message; returns the buffers to transfer and the bytes of
/// those whose keys are `counted`. Each chunk leaves wasm memory as soon as it is encoded.
fn attach_chunks(
    message: &js_sys::Object,
    snapshot_id: &str,
    dataset: &Dataset,
    counted: impl Fn(&str) -> bool,
) -> (js_sys::Array, u64) {
    let keys = js_sys::Array::new();
    let buffers = js_sys::Array::new();
    let mut total = 0;
    encode_dataset_each(snapshot_id, dataset, &mut |key, bytes| {
        if counted(&key) {
            total += bytes.len() as u64;
        }
        keys.push(&key.into());
        buffers.push(&js_sys::Uint8Array::from(bytes.as_slice()).buffer());
    });
    let _ = js_sys::Reflect::set(message, &"keys".into(), &keys);
    let _ = js_sys::Reflect::set(message, &"buffers".into(), &buffers);
    (buffers, total)
}

/// Bytes of this thread's wasm memory (the page's or the worker's).
pub fn wasm_memory_bytes() -> f64 {
    wasm_bindgen::memory()
        .dyn_into::<js_sys::WebAssembly::Memory>()
        .map(|memory| {
            memory
                .buffer()
                .dyn_into::<js_sys::ArrayBuffer>()
                .map(|b| b.byte_length() as f64)
                .unwrap_or(0.0)
        })
        .unwrap_or(0.0)
}

/// What the page hears from the worker.
#[allow(clippy::large_enum_variant)] // One message per import; boxing would buy nothing.
pub enum FromWorker {
    /// Files were read: their summaries.
    Read(Vec<SheetSummary>),
    /// One file read again with other options.
    Reread(usize, SheetSummary),
    /// Rows parsed so far.
    Progress(usize),
    /// The import finished: the report, the figures and the dataset's chunks.
    Imported(Imported),
    /// Something failed; the message says what.
    Failed(String),
}

/// A finished import, as the page receives it.
pub struct Imported {
    /// The worker's report and figures.
    pub result: ImportResult,
    /// The dataset's chunks, still in their transferred buffers: stored as they are on
    /// commit, and decoded then, while the browser writes them.
    pub chunks: TransferredChunks,
    /// The page's wasm memory when the import arrived: its share of the tab's memory while
    /// the workers ran.
    pub page_memory_bytes: f64,
}

/// Messages waiting for the worker to be ready: `None` once it is.
type Outbox = Rc<RefCell<Option<Vec<(js_sys::Object, js_sys::Array)>>>>;

/// A started worker: messages to it wait until it says it is ready; messages from it go to
/// the handler given at the start. Dropping the port terminates the worker.
pub(super) struct WorkerPort {
    worker: web_sys::Worker,
    outbox: Outbox,
    _on_message: Closure<dyn FnMut(web_sys::MessageEvent)>,
}

impl WorkerPort {
    /// Starts a worker; `on_message` gets the worker and each message's data but `ready`.
    pub(super) fn start(
        on_message: impl Fn(&web_sys::Worker, JsValue) + 'static,
    ) -> Result<WorkerPort, String> {
        let worker = web_sys::Worker::new(WORKER_URL).map_err(|e| format!("{e:?}"))?;
        let outbox: Outbox = Rc::new(RefCell::new(Some(Vec::new())));
        let (flush_worker, flush_outbox) = (worker.clone(), outbox.clone());
        let handler = Closure::<dyn FnMut(web_sys::MessageEvent)>::new(
            move |event: web_sys::MessageEvent| {
                let data = event.data();
                if field(&data, "kind").as_string().as_deref() == Some("ready") {
                    let queued = flush_outbox.borrow_mut().take().unwrap_or_default();
                    for (object, transfer) in queued {
                        let _ = flush_worker.post_message_with_transfer(&object, &transfer);
                    }
                    return;
                }
                on_message(&flush_worker, data);
            },
        );
        worker.set_onmessage(Some(handler.as_ref().unchecked_ref()));
        Ok(WorkerPort {
            worker,
            outbox,
            _on_message: handler,
        })
    }

    /// Posts now if the worker is ready, or queues until it says so.
    pub(super) fn send(&self, object: js_sys::Object, transfer: js_sys::Array) {
        match self.outbox.borrow_mut().as_mut() {
            Some(queue) => queue.push((object, transfer)),
            None => {
                let _ = self.worker.post_message_with_transfer(&object, &transfer);
            }
        }
    }
}

impl Drop for WorkerPort {
    /// The worker stops at once, whatever it was doing: that is how a job is cancelled.
    fn drop(&mut self) {
        self.worker.terminate();
    }
}

/// The page's handle on a running import: its worker, and the second worker that reads the
/// second part of a file cut in two (started when the first asks for it). Dropping the handle
/// terminates both, which is how an import is cancelled.
pub struct ImportWorker {
    shared: Rc<ImportShared>,
}

struct ImportShared {
    on_message: Rc<dyn Fn(FromWorker)>,
    first: RefCell<Option<WorkerPort>>,
    /// Started with the first, so it has loaded by the time a file is cut; ends with the
    /// import if none is.
    second: RefCell<Option<WorkerPort>>,
    /// The picked files, for the second worker to read from.
    files: RefCell<Vec<web_sys::File>>,
    /// Rows read so far by the first and the second worker.
    rows: std::cell::Cell<(usize, usize)>,
    /// Per picked file, a promise of its SHA-256 in hex.
    digests: RefCell<Vec<js_sys::Promise>>,
    /// The second worker's rows of the cut file, until the first worker's outcome says whether
    /// they are used.
    second_rows: RefCell<Option<TransferredChunks>>,
}

impl ImportShared {
    fn progress(&self, first: Option<usize>, second: Option<usize>) -> FromWorker {
        let (a, b) = self.rows.get();
        let rows = (first.unwrap_or(a), second.unwrap_or(b));
        self.rows.set(rows);
        FromWorker::Progress(rows.0 + rows.1)
    }

    /// Starts the second worker, which waits for a part to read.
    fn start_second(self: &Rc<Self>) -> Result<(), String> {
        let (shared, on_message) = (Rc::downgrade(self), self.on_message.clone());
        let port = WorkerPort::start(move |worker, data| {
            let Some(shared) = shared.upgrade() else {
                return;
            };
            let kind = field(&data, "kind").as_string().unwrap_or_default();
            match kind.as_str() {
                "progress" => {
                    let rows = field(&data, "json")
                        .as_string()
                        .and_then(|j| j.parse().ok());
                    on_message(shared.progress(None, rows));
                }
                "part" => {
                    // Its part is done: its memory goes. Its rows of the cut file stay here;
                    // its customers and managers move on to the first worker.
                    worker.terminate();
                    let mut part = TransferredChunks::of(&data);
                    let (kept, passed): (Vec<_>, Vec<_>) = std::mem::take(&mut part.chunks)
                        .into_iter()
                        .partition(|(key, _)| second_part_table(key).is_some());
                    let (keys, buffers) = (js_sys::Array::new(), js_sys::Array::new());
                    for (key, bytes) in passed {
                        keys.push(&key.into());
                        buffers.push(&bytes.buffer());
                    }
                    let forward = message("part", "");
                    let _ = js_sys::Reflect::set(&forward, &"json".into(), &field(&data, "json"));
                    let _ = js_sys::Reflect::set(&forward, &"keys".into(), &keys);
                    let _ = js_sys::Reflect::set(&forward, &"buffers".into(), &buffers);
                    let kept = TransferredChunks::from(kept);
                    if let Some(old) = shared.second_rows.replace(Some(kept)) {
                        old.release();
                    }
                    if let Some(first) = shared.first.borrow().as_ref() {
                        first.send(forward, buffers);
                    }
                }
                _ => on_message(FromWorker::Failed(
                    field(&data, "json").as_string().unwrap_or_default(),
                )),
            }
        })?;
        *self.second.borrow_mut() = Some(port);
        Ok(())
    }

    /// Gives the second worker `job` (JSON): it reads the picked files' second part and hands
    /// its rows to the first worker, through the page.
    fn send_second(self: &Rc<Self>, job: &str) -> Result<(), String> {
        if self.second.borrow().is_none() {
            self.start_second()?;
        }
        let files = js_sys::Array::new();
        for file in self.files.borrow().iter() {
            files.push(file);
        }
        let request = message("second", job);
        let _ = js_sys::Reflect::set(&request, &"files".into(), &files);
        if let Some(port) = self.second.borrow().as_ref() {
            port.send(request, js_sys::Array::new());
        }
        Ok(())
    }
}

impl ImportWorker {
    /// Starts a worker whose messages go to `on_message`.
    pub fn start(on_message: impl Fn(FromWorker) + 'static) -> Result<ImportWorker, String> {
        let on_message: Rc<dyn Fn(FromWorker)> = Rc::new(on_message);
        let shared = Rc::new(ImportShared {
            on_message: on_message.clone(),
            first: RefCell::default(),
            second: RefCell::default(),
            files: RefCell::default(),
            rows: Default::default(),
            digests: RefCell::default(),
            second_rows: RefCell::default(),
        });
        let weak = Rc::downgrade(&shared);
        let port = WorkerPort::start(move |worker, data| {
            let Some(shared) = weak.upgrade() else {
                return;
            };
            let kind = field(&data, "kind").as_string().unwrap_or_default();
            let json = field(&data, "json").as_string().unwrap_or_default();
            let decoded = match kind.as_str() {
                "read" => serde_json::from_str(&json)
                    .map(FromWorker::Read)
                    .unwrap_or_else(|e| FromWorker::Failed(e.to_string())),
                "progress" => shared.progress(json.parse().ok(), None),
                "second" => match shared.send_second(&json) {
                    Ok(()) => return,
                    Err(why) => FromWorker::Failed(why),
                },
                "reread" => match serde_json::from_str(&json) {
                    Ok(summary) => {
                        let index = field(&data, "index").as_f64().unwrap_or(0.0) as usize;
                        FromWorker::Reread(index, summary)
                    }
                    Err(e) => FromWorker::Failed(e.to_string()),
                },
                "imported" => match serde_json::from_str::<ImportResult>(&json) {
                    Ok(mut result) => {
                        // The worker's part is done and its chunks are here: its memory
                        // goes before the page decodes its own copy.
                        worker.terminate();
                        let mut chunks = TransferredChunks::of(&data);
                        let second_rows = shared.second_rows.take();
                        match second_rows {
                            Some(part) if result.second_part != RowCounts::NONE => {
                                chunks.add_second_part(part, result.second_part)
                            }
                            // Read whole after all: the part is not used.
                            Some(part) => part.release(),
                            None => {}
                        }
                        let page_memory_bytes = wasm_memory_bytes();
                        let digests = shared.digests.borrow().clone();
                        let weak = Rc::downgrade(&shared);
                        wasm_bindgen_futures::spawn_local(async move {
                            let waited = now_ms();
                            for digest in digests {
                                let hex = wasm_bindgen_futures::JsFuture::from(digest).await;
                                let hex = hex.ok().and_then(|h| h.as_string());
                                result.sha256.push(hex.unwrap_or_default());
                            }
                            result.digest_wait_ms = (now_ms() - waited) as u32;
                            // Not if the import was cancelled meanwhile.
                            if let Some(shared) = weak.upgrade() {
                                (shared.on_message)(FromWorker::Imported(Imported {
                                    result,
                                    chunks,
                                    page_memory_bytes,
                                }));
                            }
                        });
                        return;
                    }
                    Err(e) => FromWorker::Failed(e.to_string()),
                },
                _ => FromWorker::Failed(json),
            };
            on_message(decoded);
        })?;
        *shared.first.borrow_mut() = Some(port);
        // Loading a worker takes a moment: the second loads while the first reads.
        if cores() >= 2.0 {
            let _ = shared.start_second();
        }
        Ok(ImportWorker { shared })
    }

    fn send(&self, object: js_sys::Object, transfer: js_sys::Array) {
        if let Some(port) = self.shared.first.borrow().as_ref() {
            port.send(object, transfer);
        }
    }

    /// Has the workers import made-up files while nothing waits for them (a worker started
    /// ahead of the pick): the manager's import then runs compiled code from its first row.
    pub fn warm_up(&self) {
        for port in [&self.shared.first, &self.shared.second] {
            if let Some(port) = port.borrow().as_ref() {
                port.send(message("warm", ""), js_sys::Array::new());
            }
        }
    }

    /// Sends the picked files to be read: handles, not contents; the worker reads them.
    pub fn read(&self, files: &[web_sys::File]) {
        *self.shared.files.borrow_mut() = files.to_vec();
        // This thread is idle while the workers parse, so it hashes the files then (a worker
        // busy parsing would get to them only when done), one after the other: small ones
        // whole by the browser, large ones in slices (see `WHOLE_FILE_DIGEST_BYTES`), so none
        // over 32 MB is ever held whole. Files picked anew stop the hashing of the previous ones.
        let mut digests: Vec<js_sys::Promise> = Vec::new();
        for file in files {
            let (shared, picked) = (Rc::downgrade(&self.shared), files.to_vec());
            let wanted = move || {
                shared
                    .upgrade()
                    .is_some_and(|s| *s.files.borrow() == picked)
            };
            let previous = digests.last().cloned();
            digests.push(sha256_hex(file.clone(), previous, wanted));
        }
        *self.shared.digests.borrow_mut() = digests;
        let list = js_sys::Array::new();
        for file in files {
            list.push(file);
        }
        let object = message("read", "");
        let _ = js_sys::Reflect::set(&object, &"files".into(), &list);
        self.send(object, js_sys::Array::new());
    }

    /// Reads one file again with other options.
    pub fn reread(&self, request: &Reread) {
        let json = serde_json::to_string(request).unwrap_or_default();
        self.send(message("reread", &json), js_sys::Array::new());
    }

    /// Starts the import of the files read, as planned; `base` goes along for an append.
    pub fn import(&self, plan: &ImportPlan, base: Option<&Dataset>) {
        let json = serde_json::to_string(plan).unwrap_or_default();
        let request = message("import", &json);
        let transfer = match base {
            Some(base) => attach_chunks(&request, TRANSFER_SNAPSHOT, base, |_| true).0,
            None => js_sys::Array::new(),
        };
        self.send(request, transfer);
    }
}
