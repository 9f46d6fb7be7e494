//! View models: what the pages show, computed from the loaded data and the URL, on both
//! targets. Pages only bind signals to these; the logic is tested natively.
//!
//! `url` holds the typed navigational state of each page (`from_query` / `to_href`);
//! `loaded` the snapshot in memory with its analysis; `overview`, `customers`, `customer` (the 360 page), `managers`, `segments`, `models`, `relationship` (the workbench) and `data` those pages'
//! models;
//! `import_session` the import panel's reducer.

pub mod customer;
pub mod customers;
pub mod data;
pub mod import_session;
mod loaded;
pub mod managers;
pub mod models;
pub mod overview;
pub mod relationship;
pub mod segments;
pub mod url;

pub use loaded::{CustomerRows, Grouped, Loaded, Scored};
