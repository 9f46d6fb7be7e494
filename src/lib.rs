//! Keystone: bank key-account analytics that runs entirely in the browser.
//!
//! The pure core (`model`, `import`, `journal`, `analytics`, `format`, `i18n`, `demo`, `charts`, `view`, the
//! codec, backup and settings halves of `storage`, and `worker::protocol`) is plain synchronous Rust, tested
//! natively; the browser shell (`ui`, `storage::idb`, the worker glue) exists only in the wasm
//! build. See ARCHITECTURE.md for the map.

pub mod analytics;
pub mod charts;
pub mod demo;
pub mod format;
pub mod i18n;
pub mod import;
pub mod journal;
pub mod model;
pub mod random;
pub mod storage;
#[cfg(target_arch = "wasm32")]
pub mod ui;
pub mod view;
pub mod worker;

#[cfg(target_arch = "wasm32")]
pub use ui::App;
