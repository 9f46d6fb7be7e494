//! The browser's files, as the import reads them: slices read ahead of the parse, a file's
//! SHA-256, and the clocks and memory figures the import reports.

use super::port::{field, release};
use crate::import::{ByteSource, ImportOutcome, ImportRequest, Importer, ReadError};
use std::collections::VecDeque;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;

/// A picked file, read in slices with `FileReaderSync` (workers may block): detection,
/// previews and a sync import's fallback read a little at a time instead of holding the file in
/// wasm memory. The import itself reads ahead ([`import_reading_ahead`]).
pub(super) struct BlobSource {
    pub(super) file: web_sys::File,
    pub(super) reader: web_sys::FileReaderSync,
    /// The file's first bytes, read when it was picked (empty when not): detection, the
    /// previews and the import's first looks at the file read them from here.
    pub(super) head: Vec<u8>,
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

/// Milliseconds spent reading file slices or waiting for them since the last reset.
pub(super) fn file_read_ms() -> f64 {
    FILE_READ_MS.with(|total| total.get())
}

/// Starts counting [`file_read_ms`] anew, for a new import.
pub(super) fn reset_file_read_ms() {
    FILE_READ_MS.with(|total| total.set(0.0));
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
pub(super) async fn import_reading_ahead(
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

/// Asks the browser for `blob`'s bytes `start..end`, without waiting for them.
pub(super) fn ask_bytes(blob: &web_sys::Blob, start: f64, end: f64) -> Result<JsFuture, JsValue> {
    Ok(JsFuture::from(
        blob.slice_with_f64_and_f64(start, end)?.array_buffer(),
    ))
}

/// Copies a buffer the browser made into `bytes` and frees it at once.
pub(super) fn take_bytes(buffer: &JsValue, bytes: &mut Vec<u8>) {
    let view = js_sys::Uint8Array::new(buffer);
    bytes.resize(view.length() as usize, 0);
    view.copy_to(bytes);
    release(buffer);
}

/// Logical cores the browser reports (1 when it does not say), on the page or in a worker.
pub(super) fn cores() -> f64 {
    let navigator = field(&js_sys::global(), "navigator");
    field(&navigator, "hardwareConcurrency")
        .as_f64()
        .unwrap_or(1.0)
        .max(1.0)
}

/// Milliseconds since the epoch, comparable between the page and its workers.
pub(super) fn epoch_ms() -> f64 {
    let performance = field(&js_sys::global(), "performance");
    field(&performance, "timeOrigin").as_f64().unwrap_or(0.0) + now_ms()
}

/// Milliseconds on the worker's clock.
pub(super) fn now_ms() -> f64 {
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
pub(super) fn sha256_hex(
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

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}
