//! Column chunks as they travel between threads: encoded into buffers that are transferred,
//! received without a copy, stored as they came or decoded one at a time.

use super::port::release;
use super::protocol::TRANSFER_SNAPSHOT;
use crate::model::Dataset;
use crate::storage::codec::{
    encode_dataset_each, second_part_id, snapshot_prefix, ChunkSource, RowCounts,
};
use std::borrow::Cow;
use std::collections::HashMap;

/// The table (`holdings` or `transactions`) of a chunk the second worker sent of its rows of
/// the cut file, which the page keeps; `None` for its customers and managers, which go on to
/// the first worker for the check that both read them alike.
pub(super) fn second_part_table(key: &str) -> Option<&'static str> {
    let rest = key.strip_prefix(&snapshot_prefix(&second_part_id(TRANSFER_SNAPSHOT)))?;
    ["holdings", "transactions"]
        .into_iter()
        .find(|table| rest.strip_prefix(table).is_some_and(|r| r.starts_with('/')))
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
    /// Chunks as a message brought them.
    pub(super) fn from(chunks: Vec<(String, js_sys::Uint8Array)>) -> TransferredChunks {
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
    pub(super) fn add_second_part(&mut self, part: TransferredChunks, rows: RowCounts) {
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

    fn chunk_len(&self, key: &str) -> Option<usize> {
        let &i = self.index.get(key)?;
        Some(self.chunks[i].1.length() as usize)
    }
}

/// A dataset's chunks under `snapshot_id`, each in its own buffer to transfer, and the bytes of
/// those whose keys are `counted`. Each chunk leaves wasm memory as soon as it is encoded.
pub(super) fn encode_chunks(
    snapshot_id: &str,
    dataset: &Dataset,
    counted: impl Fn(&str) -> bool,
) -> (Vec<(String, js_sys::Uint8Array)>, u64) {
    let mut chunks = Vec::new();
    let mut total = 0;
    encode_dataset_each(snapshot_id, dataset, &mut |key, bytes| {
        if counted(&key) {
            total += bytes.len() as u64;
        }
        chunks.push((key, js_sys::Uint8Array::from(bytes.as_slice())));
    });
    (chunks, total)
}
