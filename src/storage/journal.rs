//! The journal as stored: segments of event lines (each line one event's canonical JSON, as in
//! the journal file), read back whole or refused with where the damage is, and the workbench's
//! own settings (who writes, alert thresholds, balance weights) in their versioned form.

use crate::analytics::alerts::AlertThresholds;
use crate::analytics::balance::BalanceWeights;
use crate::journal::{Author, Journal, JournalEvent};
use serde::{Deserialize, Serialize};

/// The journal held in `segments` (in any order: the merge orders events). A line that does
/// not read is refused with its segment and line, so nothing is written over a damaged store.
pub fn read_segments(segments: &[String]) -> Result<Journal, String> {
    let mut events: Vec<JournalEvent> = Vec::new();
    for (s, segment) in segments.iter().enumerate() {
        for (l, line) in segment.lines().enumerate() {
            if line.trim().is_empty() {
                continue;
            }
            let event = serde_json::from_str(line).map_err(|e| {
                format!(
                    "the stored journal is damaged (segment {}, line {}): {e}",
                    s + 1,
                    l + 1
                )
            })?;
            events.push(event);
        }
    }
    let mut journal = Journal::default();
    journal.merge(events).map_err(|conflicts| {
        format!(
            "the stored journal is damaged: {}",
            conflicts
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join("; ")
        )
    })?;
    Ok(journal)
}

/// Events as the lines a segment holds.
pub fn event_lines(events: &[JournalEvent]) -> Result<Vec<String>, String> {
    events
        .iter()
        .map(|e| {
            e.canonical_bytes()
                .map(|bytes| String::from_utf8_lossy(&bytes).into_owned())
        })
        .collect()
}

/// Layout version of [`StoredWorkbench`].
pub const WORKBENCH_SETTINGS_VERSION: u32 = 1;

/// Who writes in this browser and the workbench's thresholds, as stored.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct StoredWorkbench {
    /// [`WORKBENCH_SETTINGS_VERSION`].
    pub version: u32,
    /// The author of this browser's events, once set.
    #[serde(default)]
    pub author: Option<Author>,
    /// Alert thresholds.
    #[serde(default)]
    pub thresholds: AlertThresholds,
    /// Balance weights.
    #[serde(default)]
    pub weights: BalanceWeights,
}

impl StoredWorkbench {
    /// The stored settings, or the defaults when none (or a newer layout's) are stored.
    pub fn read(json: &str) -> StoredWorkbench {
        serde_json::from_str::<StoredWorkbench>(json)
            .ok()
            .filter(|s| s.version <= WORKBENCH_SETTINGS_VERSION)
            .unwrap_or_default()
    }

    /// As JSON, at this build's version.
    pub fn write(&self) -> String {
        let stored = StoredWorkbench {
            version: WORKBENCH_SETTINGS_VERSION,
            ..self.clone()
        };
        serde_json::to_string(&stored).unwrap_or_default()
    }
}
