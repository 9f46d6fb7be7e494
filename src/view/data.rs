//! The Data page's model: the stored snapshots grouped by dataset — the one shown first, then
//! by name — with each dataset's snapshots newest first.

use crate::storage::catalogue::SnapshotRecord;

/// One dataset's snapshots.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DatasetGroup {
    /// The dataset's name as stored (the demo's is `demo`, shown translated).
    pub dataset_name: String,
    /// Its snapshots, newest first.
    pub snapshots: Vec<SnapshotRecord>,
}

/// The snapshots grouped by dataset: the group of the `current` snapshot first, the others by
/// name; within each, newest first.
pub fn dataset_groups(list: Vec<SnapshotRecord>, current: Option<&str>) -> Vec<DatasetGroup> {
    let shown = list
        .iter()
        .find(|r| current == Some(r.snapshot_id.as_str()))
        .map(|r| r.dataset_name.clone());
    let mut list = list;
    list.sort_by(|a, b| {
        (Some(&b.dataset_name) == shown.as_ref())
            .cmp(&(Some(&a.dataset_name) == shown.as_ref()))
            .then(a.dataset_name.cmp(&b.dataset_name))
            .then(b.imported_at.cmp(&a.imported_at))
    });
    let mut groups: Vec<DatasetGroup> = Vec::new();
    for record in list {
        match groups.last_mut() {
            Some(group) if group.dataset_name == record.dataset_name => {
                group.snapshots.push(record)
            }
            _ => groups.push(DatasetGroup {
                dataset_name: record.dataset_name.clone(),
                snapshots: vec![record],
            }),
        }
    }
    groups
}
