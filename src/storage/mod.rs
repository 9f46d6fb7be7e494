//! Persistence: the only module that knows how data is laid out in IndexedDB.
//!
//! `backup` packs every snapshot into one verifiable file and reads it back.
//! `codec` turns a [`crate::model::Dataset`] into column chunks (typed-array bytes, 256k rows
//! each) and back, and `catalogue` holds the persisted record types with their schema version;
//! both are pure and tested natively. `settings` holds the stored, versioned forms of the
//! settings kept in localStorage; `models` the stored form of a model applied to a snapshot;
//! `journal` the stored journal segments and the workbench's settings. `store::Store` (wasm only) is the one door to the browser's
//! storage; its private `idb` moves chunks in and out of IndexedDB, committing each snapshot in a
//! single transaction.

pub mod backup;
pub mod catalogue;
pub mod codec;
#[cfg(target_arch = "wasm32")]
mod idb;
pub mod journal;
pub mod models;
pub mod settings;
#[cfg(target_arch = "wasm32")]
pub mod store;

#[cfg(target_arch = "wasm32")]
pub use store::{Readable, SaveOptions, StorageError, Store};
