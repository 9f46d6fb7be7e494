//! The page's handle on an import: its worker, and the second worker that reads the second part
//! of a file cut in two. It forwards the second worker's part to the first, hashes the picked
//! files while the workers parse, and hands the page typed [`ImportEvent`]s.

use super::chunks::encode_chunks;
use super::chunks::{second_part_table, TransferredChunks};
use super::files::{cores, now_ms, sha256_hex, wasm_memory_bytes};
use super::port::{Attachments, Received, WorkerPort};
use super::protocol::{
    ImportPlan, ImportReply, ImportRequest, ImportResult, Reread, SecondPartResult, SheetSummary,
    ToWorker, WorkerReply, TRANSFER_SNAPSHOT,
};
use crate::import::{ReadOptions, SecondPart};
use crate::model::Dataset;
use crate::storage::catalogue::SCHEMA_VERSION;
use crate::storage::codec::{decode_dataset, encode_dataset, RowCounts};
use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;

/// What the page hears of an import.
#[allow(clippy::large_enum_variant)] // One message per import; boxing would buy nothing.
pub enum ImportEvent {
    /// Files were read: their summaries.
    Read(Vec<SheetSummary>),
    /// One file read again with other options.
    Reread(usize, SheetSummary),
    /// A column's distinct values: file, column, values.
    Values(usize, usize, crate::import::DistinctValues),
    /// Rows parsed so far, by both workers.
    Progress(usize),
    /// The import finished: the report, the figures and the dataset's chunks.
    Imported(Imported),
    /// Something failed; the message says what.
    Failed(String),
    /// A worker stopped without a word (it crashed): what the browser said of it.
    Stopped(String),
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

/// The page's handle on a running import. Dropping the handle terminates both workers, which
/// is how an import is cancelled.
pub struct ImportWorker {
    shared: Rc<ImportShared>,
}

struct ImportShared {
    on_event: Rc<dyn Fn(ImportEvent)>,
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

/// Which of the two workers a reply came from.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Which {
    First,
    Second,
}

impl ImportShared {
    fn progress(&self, which: Which, rows: usize) -> ImportEvent {
        let (mut a, mut b) = self.rows.get();
        match which {
            Which::First => a = rows,
            Which::Second => b = rows,
        }
        self.rows.set((a, b));
        ImportEvent::Progress(a + b)
    }

    fn port(self: &Rc<Self>, which: Which) -> Result<WorkerPort, String> {
        let shared = Rc::downgrade(self);
        WorkerPort::start(move |worker, received| {
            if let Some(shared) = shared.upgrade() {
                shared.on_reply(which, worker, received);
            }
        })
    }

    /// Starts the second worker, which waits for a part to read.
    fn start_second(self: &Rc<Self>) -> Result<(), String> {
        *self.second.borrow_mut() = Some(self.port(Which::Second)?);
        Ok(())
    }

    /// Gives the second worker its part of the picked files; its rows come back through the
    /// page to the first worker.
    fn send_second(self: &Rc<Self>, job: SecondPart) -> Result<(), String> {
        if self.second.borrow().is_none() {
            self.start_second()?;
        }
        let files = Attachments::files(self.files.borrow().clone());
        if let Some(port) = self.second.borrow().as_ref() {
            port.send(&ToWorker::Import(ImportRequest::ReadSecondPart(job)), files);
        }
        Ok(())
    }

    fn on_reply(
        self: &Rc<Self>,
        which: Which,
        worker: &web_sys::Worker,
        received: Received<WorkerReply>,
    ) {
        let (reply, attached) = match received {
            Ok((WorkerReply::Import(reply), attached)) => (reply, attached),
            Ok((WorkerReply::Stopped(detail), _)) => {
                return (self.on_event)(ImportEvent::Stopped(detail))
            }
            Ok((other, _)) => {
                return (self.on_event)(ImportEvent::Failed(format!("unexpected reply {other:?}")))
            }
            Err(why) => return (self.on_event)(ImportEvent::Failed(why)),
        };
        let event = match reply {
            ImportReply::Read(summaries) => ImportEvent::Read(summaries),
            ImportReply::Reread { index, summary } => ImportEvent::Reread(index, summary),
            ImportReply::Values {
                index,
                column,
                values,
            } => ImportEvent::Values(index, column, values),
            ImportReply::Progress { rows } => self.progress(which, rows),
            ImportReply::CutInTwo(job) => match self.send_second(job) {
                Ok(()) => return,
                Err(why) => ImportEvent::Failed(why),
            },
            ImportReply::SecondPartRead(result) => {
                // Its part is done: its memory goes.
                worker.terminate();
                self.forward_part(result, attached.chunks);
                return;
            }
            ImportReply::Imported(result) => {
                // The worker's part is done and its chunks are here: its memory goes before
                // the page decodes its own copy.
                worker.terminate();
                self.finish(*result, TransferredChunks::from(attached.chunks));
                return;
            }
            ImportReply::Failed { message } => ImportEvent::Failed(message),
        };
        (self.on_event)(event);
    }

    /// Keeps the second worker's rows of the cut file here; passes its customers and managers
    /// on to the first worker, which checks that both read them alike.
    fn forward_part(&self, result: SecondPartResult, chunks: Vec<(String, js_sys::Uint8Array)>) {
        let (kept, passed): (Vec<_>, Vec<_>) = chunks
            .into_iter()
            .partition(|(key, _)| second_part_table(key).is_some());
        if let Some(old) = self
            .second_rows
            .replace(Some(TransferredChunks::from(kept)))
        {
            old.release();
        }
        if let Some(first) = self.first.borrow().as_ref() {
            first.send(
                &ToWorker::Import(ImportRequest::SecondPartRead(result)),
                Attachments::chunks(passed),
            );
        }
    }

    /// The import is done: adds the second part's rows if they were used, waits for the files'
    /// digests, and tells the page.
    fn finish(self: &Rc<Self>, mut result: ImportResult, mut chunks: TransferredChunks) {
        match self.second_rows.take() {
            Some(part) if result.second_part != RowCounts::NONE => {
                chunks.add_second_part(part, result.second_part)
            }
            // Read whole after all: the part is not used.
            Some(part) => part.release(),
            None => {}
        }
        let page_memory_bytes = wasm_memory_bytes();
        let digests = self.digests.borrow().clone();
        let weak = Rc::downgrade(self);
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
                (shared.on_event)(ImportEvent::Imported(Imported {
                    result,
                    chunks,
                    page_memory_bytes,
                }));
            }
        });
    }
}

impl ImportWorker {
    /// Starts a worker whose events go to `on_event`.
    pub fn start(on_event: impl Fn(ImportEvent) + 'static) -> Result<ImportWorker, String> {
        let shared = Rc::new(ImportShared {
            on_event: Rc::new(on_event),
            first: RefCell::default(),
            second: RefCell::default(),
            files: RefCell::default(),
            rows: Default::default(),
            digests: RefCell::default(),
            second_rows: RefCell::default(),
        });
        *shared.first.borrow_mut() = Some(shared.port(Which::First)?);
        // Loading a worker takes a moment: the second loads while the first reads.
        if cores() >= 2.0 {
            let _ = shared.start_second();
        }
        Ok(ImportWorker { shared })
    }

    fn send(&self, request: ImportRequest, attachments: Attachments) {
        if let Some(port) = self.shared.first.borrow().as_ref() {
            port.send(&ToWorker::Import(request), attachments);
        }
    }

    /// Has the workers import made-up files while nothing waits for them (a worker started
    /// ahead of the pick): the manager's import then runs compiled code from its first row.
    pub fn warm_up(&self) {
        for port in [&self.shared.first, &self.shared.second] {
            if let Some(port) = port.borrow().as_ref() {
                port.send(
                    &ToWorker::Import(ImportRequest::WarmUp),
                    Attachments::default(),
                );
            }
        }
    }

    /// Sends the picked files to be read: handles, not contents; the worker reads them.
    pub fn read(&self, files: &[web_sys::File], options: Vec<ReadOptions>) {
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
        self.send(
            ImportRequest::Read(options),
            Attachments::files(files.to_vec()),
        );
    }

    /// The picked files, as handed to [`ImportWorker::read`] (less any dropped).
    pub fn files(&self) -> Vec<web_sys::File> {
        self.shared.files.borrow().clone()
    }

    /// Reads one file again with other options.
    pub fn reread(&self, request: Reread) {
        self.send(ImportRequest::Reread(request), Attachments::default());
    }

    /// Asks for the distinct values of column `column` of file `index`.
    pub fn values(&self, index: usize, column: usize) {
        self.send(
            ImportRequest::Values { index, column },
            Attachments::default(),
        );
    }

    /// Leaves the file at `index` out of the pick: its handle, its digest and the worker's copy.
    pub fn drop_file(&self, index: usize) {
        let mut files = self.shared.files.borrow_mut();
        let mut digests = self.shared.digests.borrow_mut();
        if index < files.len() && index < digests.len() {
            files.remove(index);
            // Its hashing may finish; nobody waits for it.
            let _unwanted = digests.remove(index);
            self.send(ImportRequest::Drop(index), Attachments::default());
        }
    }

    /// Starts the import of the files read, as planned; `base` goes along for an append.
    pub fn import(&self, plan: ImportPlan, base: Option<&Dataset>) {
        let chunks = match base {
            Some(base) => encode_chunks(TRANSFER_SNAPSHOT, base, |_| true).0,
            None => Vec::new(),
        };
        self.send(ImportRequest::Import(plan), Attachments::chunks(chunks));
    }
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
