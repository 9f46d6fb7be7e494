//! Backups: every snapshot and its chunks in one file, verifiable and restorable.
//!
//! Layout: the line `KEYSTONE-BACKUP 2 <SHA-256 of the rest of the file>`, one line of JSON
//! ([`BackupHeader`]: the catalogue, the active snapshot, each chunk's key and length, the
//! SHA-256 of the body, and the model applied to each snapshot), then the body — the chunks' bytes back to back. Version 1 files (no
//! digest on the first line: the body's alone) still read.
//!
//! [`read_backup`] checks the digests, every length and key, and decodes every snapshot whole
//! before it answers, so a restore replaces nothing with a backup that is damaged, altered,
//! truncated or made of numbers that do not fit together: the decode that would fail after a
//! restore fails before it.

use super::catalogue::{SnapshotRecord, SCHEMA_VERSION};
use super::codec::{decode_with_part, snapshot_prefix, CodecError};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::fmt;

/// The first line of a version 1 backup.
const MAGIC_V1: &str = "KEYSTONE-BACKUP 1\n";
/// The start of a version 2 backup's first line; the file's digest follows.
const MAGIC_V2: &str = "KEYSTONE-BACKUP 2 ";

/// The JSON line at the top of a backup.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct BackupHeader {
    /// Layout version of the snapshots inside.
    pub schema_version: u32,
    /// When the backup was made (ISO 8601, from the browser's clock).
    pub created_at: String,
    /// Every snapshot's catalogue record.
    pub snapshots: Vec<SnapshotRecord>,
    /// The snapshot that was current.
    pub active: Option<String>,
    /// Each chunk's key and byte length, in body order.
    pub chunks: Vec<(String, u64)>,
    /// SHA-256 of the body, hex.
    pub body_sha256: String,
    /// The models applied to snapshots: `(snapshot id, stored model JSON)`; none in backups
    /// made before models were kept.
    #[serde(default)]
    pub models: Vec<(String, String)>,
}

/// The contents of a backup.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Backup {
    /// The header.
    pub header: BackupHeader,
    /// Chunk keys and bytes.
    pub chunks: Vec<(String, Vec<u8>)>,
}

/// Why a file is not a usable backup.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum BackupError {
    /// Not a Keystone backup.
    NotABackup,
    /// The header line is not valid.
    BadHeader(String),
    /// Made by a newer Keystone.
    NewerSchema(u32),
    /// The body is shorter or longer than the header says.
    WrongLength,
    /// The body's digest does not match: the file was damaged or altered.
    DigestMismatch,
    /// The header's keys do not fit its snapshots: a chunk twice or of no snapshot, a snapshot
    /// twice, or an active snapshot that is not there.
    Inconsistent(String),
    /// A snapshot's chunks do not decode to a consistent dataset.
    BadSnapshot {
        /// The snapshot's id.
        snapshot_id: String,
        /// Why.
        why: CodecError,
    },
}

impl fmt::Display for BackupError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            BackupError::NotABackup => write!(f, "this is not a Keystone backup file"),
            BackupError::BadHeader(why) => write!(f, "the backup's header is unreadable: {why}"),
            BackupError::NewerSchema(v) => {
                write!(f, "the backup was made by a newer Keystone (schema {v})")
            }
            BackupError::WrongLength => write!(f, "the backup is truncated or has extra bytes"),
            BackupError::DigestMismatch => write!(
                f,
                "the backup's checksum does not match: the file is damaged or was altered"
            ),
            BackupError::Inconsistent(why) => {
                write!(f, "the backup's contents do not fit together: {why}")
            }
            BackupError::BadSnapshot { snapshot_id, why } => write!(
                f,
                "snapshot {snapshot_id} in the backup cannot be read ({why}): nothing was restored"
            ),
        }
    }
}

impl std::error::Error for BackupError {}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Writes a backup file.
pub fn write_backup(
    created_at: &str,
    snapshots: Vec<SnapshotRecord>,
    active: Option<String>,
    chunks: &[(String, Vec<u8>)],
    models: Vec<(String, String)>,
) -> Vec<u8> {
    let mut digest = Sha256::new();
    for (_, bytes) in chunks {
        digest.update(bytes);
    }
    let header = BackupHeader {
        schema_version: SCHEMA_VERSION,
        created_at: created_at.to_owned(),
        snapshots,
        active,
        chunks: chunks
            .iter()
            .map(|(k, b)| (k.clone(), b.len() as u64))
            .collect(),
        body_sha256: hex(&digest.finalize()),
        models,
    };
    let json = serde_json::to_string(&header).unwrap_or_default();
    let body_length: usize = chunks.iter().map(|(_, b)| b.len()).sum();
    let mut rest = Vec::with_capacity(json.len() + 1 + body_length);
    rest.extend_from_slice(json.as_bytes());
    rest.push(b'\n');
    for (_, bytes) in chunks {
        rest.extend_from_slice(bytes);
    }
    // The first line's digest covers everything after it: the header as much as the body.
    let mut out = format!("{MAGIC_V2}{}\n", hex(&Sha256::digest(&rest))).into_bytes();
    out.extend_from_slice(&rest);
    out
}

/// Reads and verifies a backup file: its digests, every length and key, and every snapshot
/// decoded whole. Only a backup that passes is handed on.
pub fn read_backup(file: &[u8]) -> Result<Backup, BackupError> {
    let rest = if let Some(rest) = file.strip_prefix(MAGIC_V1.as_bytes()) {
        rest
    } else {
        let rest = file
            .strip_prefix(MAGIC_V2.as_bytes())
            .ok_or(BackupError::NotABackup)?;
        let line_end = rest
            .iter()
            .position(|&b| b == b'\n')
            .ok_or(BackupError::NotABackup)?;
        let rest_of_file = &rest[line_end + 1..];
        if rest[..line_end] != *hex(&Sha256::digest(rest_of_file)).as_bytes() {
            return Err(BackupError::DigestMismatch);
        }
        rest_of_file
    };
    let line_end = rest
        .iter()
        .position(|&b| b == b'\n')
        .ok_or_else(|| BackupError::BadHeader("no end of header".into()))?;
    let header: BackupHeader = serde_json::from_slice(&rest[..line_end])
        .map_err(|e| BackupError::BadHeader(e.to_string()))?;
    if header.schema_version > SCHEMA_VERSION {
        return Err(BackupError::NewerSchema(header.schema_version));
    }
    let body = &rest[line_end + 1..];
    // Lengths come from the file: added and converted with checks, never wrapping.
    let lengths = header
        .chunks
        .iter()
        .map(|(_, n)| usize::try_from(*n).ok())
        .collect::<Option<Vec<usize>>>()
        .ok_or(BackupError::WrongLength)?;
    let expected = lengths
        .iter()
        .try_fold(0usize, |sum, &n| sum.checked_add(n))
        .ok_or(BackupError::WrongLength)?;
    if body.len() != expected {
        return Err(BackupError::WrongLength);
    }
    if hex(&Sha256::digest(body)) != header.body_sha256 {
        return Err(BackupError::DigestMismatch);
    }
    let mut chunks = Vec::with_capacity(header.chunks.len());
    let mut at = 0usize;
    for ((key, _), length) in header.chunks.iter().zip(lengths) {
        let end = at + length;
        chunks.push((key.clone(), body[at..end].to_vec()));
        at = end;
    }
    let backup = Backup { header, chunks };
    check_contents(&backup)?;
    Ok(backup)
}

/// Checks that the backup's keys fit its snapshots and that every snapshot decodes.
fn check_contents(backup: &Backup) -> Result<(), BackupError> {
    let header = &backup.header;
    let mut ids = std::collections::HashSet::new();
    for record in &header.snapshots {
        if !ids.insert(record.snapshot_id.as_str()) {
            return Err(BackupError::Inconsistent(format!(
                "snapshot {} twice",
                record.snapshot_id
            )));
        }
        if record.schema_version > SCHEMA_VERSION {
            return Err(BackupError::NewerSchema(record.schema_version));
        }
    }
    let mut modelled = std::collections::HashSet::new();
    for (snapshot_id, json) in &header.models {
        if !ids.contains(snapshot_id.as_str()) || !modelled.insert(snapshot_id.as_str()) {
            return Err(BackupError::Inconsistent(format!(
                "a model for snapshot {snapshot_id}, which it holds no or two of"
            )));
        }
        super::models::from_json(json).map_err(|why| {
            BackupError::Inconsistent(format!("the model of snapshot {snapshot_id}: {why}"))
        })?;
    }
    if let Some(active) = &header.active {
        if !ids.contains(active.as_str()) {
            return Err(BackupError::Inconsistent(format!(
                "the current snapshot {active} is not in it"
            )));
        }
    }
    let prefixes: Vec<String> = header
        .snapshots
        .iter()
        .map(|r| snapshot_prefix(&r.snapshot_id))
        .collect();
    let mut chunks: std::collections::HashMap<&str, &[u8]> =
        std::collections::HashMap::with_capacity(backup.chunks.len());
    for (key, bytes) in &backup.chunks {
        if !prefixes.iter().any(|p| key.starts_with(p.as_str())) {
            return Err(BackupError::Inconsistent(format!(
                "chunk {key} belongs to no snapshot"
            )));
        }
        if chunks.insert(key.as_str(), bytes.as_slice()).is_some() {
            return Err(BackupError::Inconsistent(format!("chunk {key} twice")));
        }
    }
    // One snapshot at a time: each decoded dataset is dropped before the next is read.
    for record in &header.snapshots {
        decode_with_part(
            &record.snapshot_id,
            record.schema_version,
            &record.rows,
            &record.second_part,
            &chunks,
        )
        .map_err(|why| BackupError::BadSnapshot {
            snapshot_id: record.snapshot_id.clone(),
            why,
        })?;
    }
    Ok(())
}
