//! The catalogue: what each stored snapshot is, persisted as JSON next to its chunks.
//!
//! These are the persisted record types; IndexedDB data outlives every deploy, so fields are only
//! ever added (with serde defaults) and [`SCHEMA_VERSION`] names the layout a record was written in.

use super::codec::RowCounts;
use crate::model::Currency;
use serde::{Deserialize, Serialize};

/// The layout version written into every record; readers refuse newer ones. Schema 2 added
/// the holdings' product risk level; schema 3 writes integer chunks at their narrowest width
/// and short texts with one-byte lengths (older chunks read unchanged); schema 4 may store a
/// table's last rows as a second part (`SnapshotRecord::second_part`); schema 5 cuts columns
/// into chunks of 262,144 rows instead of 65,536 (`codec::chunk_rows`); schema 6 stores a text
/// chunk whose rows are one prefix and a fixed count of digits as numbers (`codec`'s
/// `NUMBERED`; other text chunks as before); schema 7 adds the customers' exported age and
/// whether their income is a band's midpoint (older snapshots read them as not given); schema 8
/// adds the holdings' maturity date (older snapshots read it as not given).
pub const SCHEMA_VERSION: u32 = 8;

/// One dated snapshot of a dataset.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SnapshotRecord {
    /// The layout the snapshot's chunks were written in.
    pub schema_version: u32,
    /// Unique key of the snapshot; its chunks live under `{snapshot_id}/`.
    pub snapshot_id: String,
    /// The dataset the snapshot belongs to (one branch's book, say).
    pub dataset_name: String,
    /// When it was stored, as ISO 8601 from the browser's clock.
    pub imported_at: String,
    /// The date the data describes (`YYYY-MM-DD`), if known.
    pub as_of: Option<String>,
    /// Rows per table.
    pub rows: RowCounts,
    /// Of `rows`, those stored as a second part after the others of their table (see
    /// [`super::codec::second_part_id`]); none for snapshots before schema 4.
    #[serde(default)]
    pub second_part: RowCounts,
    /// The files it came from.
    #[serde(default)]
    pub sources: Vec<SourceFile>,
    /// The currency its amounts are in; snapshots stored before currencies were asked are
    /// renminbi, as every import then read them.
    #[serde(default)]
    pub currency: Currency,
}

/// A file an import read.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SourceFile {
    /// The file name as picked.
    pub name: String,
    /// Size in bytes.
    pub size: u64,
    /// SHA-256 of the bytes, hex.
    pub sha256: String,
    /// What the file held (`customers`, `transactions` …), as mapped at import.
    #[serde(default)]
    pub entity: Option<String>,
    /// The column mapping used: `(field, header)` pairs.
    #[serde(default)]
    pub mapping: Vec<(String, String)>,
}

/// Why a catalogue record could not be read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CatalogueError {
    /// Not valid JSON for a record.
    Malformed(String),
    /// Written by a newer Keystone than this one.
    NewerSchema(u32),
}

impl std::fmt::Display for CatalogueError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            CatalogueError::Malformed(why) => write!(f, "unreadable catalogue record: {why}"),
            CatalogueError::NewerSchema(v) => write!(
                f,
                "the data was written by a newer Keystone (schema {v}, this one reads up to {SCHEMA_VERSION})"
            ),
        }
    }
}

impl SnapshotRecord {
    /// The JSON stored in the catalogue.
    pub fn to_json(&self) -> String {
        // A struct of strings and integers always serialises.
        serde_json::to_string(self).unwrap_or_default()
    }

    /// Reads a stored record, refusing layouts newer than this build understands.
    pub fn from_json(json: &str) -> Result<SnapshotRecord, CatalogueError> {
        let record: SnapshotRecord =
            serde_json::from_str(json).map_err(|e| CatalogueError::Malformed(e.to_string()))?;
        if record.schema_version > SCHEMA_VERSION {
            return Err(CatalogueError::NewerSchema(record.schema_version));
        }
        Ok(record)
    }
}
