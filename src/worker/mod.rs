//! Long jobs off the UI thread: the import worker, the analysis worker, and the page's handles
//! on them.
//!
//! `protocol` (pure) defines the messages. In the browser, `run_worker` is the worker's side:
//! for an import it reads files, parses and validates them with progress reports, and sends the
//! dataset back as column chunks (transferred, not copied); for analysis it reads the shown
//! snapshot from IndexedDB and answers clustering, propensity and workbook requests with
//! progress. `ImportWorker` and `AnalysisWorker` are the page's side; dropping one terminates
//! its worker, so a cancelled job leaves nothing behind.

#[cfg(target_arch = "wasm32")]
mod analysis;
pub mod protocol;
#[cfg(target_arch = "wasm32")]
mod web;

#[cfg(target_arch = "wasm32")]
pub use analysis::AnalysisWorker;
#[cfg(target_arch = "wasm32")]
pub use web::{
    file_sha256, release, run_worker, warm_up_page, wasm_memory_bytes, FromWorker, ImportWorker,
    Imported, TransferredChunks, WHOLE_FILE_DIGEST_BYTES,
};
