//! Long jobs off the UI thread: the import worker, the analysis worker, and the page's handles
//! on them.
//!
//! `protocol` (pure) defines the closed request/reply enums. In the browser, `port` is the only
//! code that posts messages between threads (typed envelope, attached files and transferred
//! buffers);
//! `import_worker` is the worker's side of an import and `import_handle` the page's; `files`
//! reads picked files ahead and hashes them; `chunks` carries column chunks between threads;
//! `analysis` is the analysis worker and its page handle. Dropping a handle terminates its
//! worker, so a cancelled job leaves nothing behind.

#[cfg(target_arch = "wasm32")]
mod analysis;
#[cfg(target_arch = "wasm32")]
mod chunks;
#[cfg(target_arch = "wasm32")]
mod files;
#[cfg(target_arch = "wasm32")]
mod import_handle;
#[cfg(target_arch = "wasm32")]
mod import_worker;
#[cfg(target_arch = "wasm32")]
pub mod port;
pub mod protocol;

#[cfg(target_arch = "wasm32")]
pub use analysis::AnalysisWorker;
#[cfg(target_arch = "wasm32")]
pub use chunks::TransferredChunks;
#[cfg(target_arch = "wasm32")]
pub use files::{file_sha256, wasm_memory_bytes, WHOLE_FILE_DIGEST_BYTES};
#[cfg(target_arch = "wasm32")]
pub use import_handle::{warm_up_page, ImportEvent, ImportWorker, Imported};
#[cfg(target_arch = "wasm32")]
pub use import_worker::run_worker;
#[cfg(target_arch = "wasm32")]
pub use port::release;
