//! Backups: every snapshot and its chunks in one file, verifiable and restorable.
//!
//! Layout: the line `KEYSTONE-BACKUP 1`, one line of JSON ([`BackupHeader`]: the catalogue,
//! the active snapshot, each chunk's key and length, and the SHA-256 of the body), then the
//! body — the chunks' bytes back to back. A restore checks the digest and every length before
//! anything is written, so a damaged or truncated file is refused whole.

use super::catalogue::{SnapshotRecord, SCHEMA_VERSION};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::fmt;

const MAGIC: &str = "KEYSTONE-BACKUP 1\n";

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
    };
    let json = serde_json::to_string(&header).unwrap_or_default();
    let body_length: usize = chunks.iter().map(|(_, b)| b.len()).sum();
    let mut out = Vec::with_capacity(MAGIC.len() + json.len() + 1 + body_length);
    out.extend_from_slice(MAGIC.as_bytes());
    out.extend_from_slice(json.as_bytes());
    out.push(b'\n');
    for (_, bytes) in chunks {
        out.extend_from_slice(bytes);
    }
    out
}

/// Reads and verifies a backup file.
pub fn read_backup(file: &[u8]) -> Result<Backup, BackupError> {
    let rest = file
        .strip_prefix(MAGIC.as_bytes())
        .ok_or(BackupError::NotABackup)?;
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
    let expected: u64 = header.chunks.iter().map(|(_, n)| n).sum();
    if body.len() as u64 != expected {
        return Err(BackupError::WrongLength);
    }
    if hex(&Sha256::digest(body)) != header.body_sha256 {
        return Err(BackupError::DigestMismatch);
    }
    let mut chunks = Vec::with_capacity(header.chunks.len());
    let mut at = 0usize;
    for (key, length) in &header.chunks {
        let end = at + *length as usize;
        chunks.push((key.clone(), body[at..end].to_vec()));
        at = end;
    }
    Ok(Backup { header, chunks })
}
