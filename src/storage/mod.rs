//! Persistence: the only module that knows how data is laid out in IndexedDB.
//!
//! `backup` packs every snapshot into one verifiable file and reads it back.
//! `codec` turns a [`crate::model::Dataset`] into column chunks (typed-array bytes, 256k rows
//! each) and back, and `catalogue` holds the persisted record types with their schema version;
//! both are pure and tested natively. `idb` (wasm only) moves those bytes in and out of the
//! browser's database, committing each snapshot in a single transaction.

pub mod backup;
pub mod catalogue;
pub mod codec;
#[cfg(target_arch = "wasm32")]
pub mod idb;
