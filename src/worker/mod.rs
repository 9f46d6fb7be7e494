//! Long jobs off the UI thread: the import worker and the page's handle on it.
//!
//! `protocol` (pure) defines the messages. In the browser, `run_worker` is the worker's side:
//! it reads files, parses and validates them with progress reports, and sends the dataset back
//! as column chunks (transferred, not copied). `ImportWorker` is the page's side; cancelling
//! terminates the worker, so a cancelled import leaves nothing behind.

pub mod protocol;
#[cfg(target_arch = "wasm32")]
mod web;

#[cfg(target_arch = "wasm32")]
pub use web::{run_worker, wasm_memory_bytes, FromWorker, ImportWorker, TransferredChunks};
