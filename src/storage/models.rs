//! The stored form of a model applied to a snapshot: versioned apart from the core's
//! `AppliedModel`, so a later release can read what this one wrote (or say it cannot).

use crate::analytics::models::studio::AppliedModel;
use serde::{Deserialize, Serialize};

/// The layout this release writes.
pub const MODEL_FORMAT: u32 = 1;

#[derive(Serialize, Deserialize)]
struct StoredModel {
    /// [`MODEL_FORMAT`] when written.
    keystone_model: u32,
    model: AppliedModel,
}

/// The applied model as stored JSON.
pub fn to_json(model: &AppliedModel) -> String {
    serde_json::to_string(&StoredModel {
        keystone_model: MODEL_FORMAT,
        model: model.clone(),
    })
    .unwrap_or_default()
}

/// Reads a stored model back; an unreadable or newer one is an error that says so, never a
/// default.
pub fn from_json(json: &str) -> Result<AppliedModel, String> {
    #[derive(Deserialize)]
    struct Format {
        keystone_model: u32,
    }
    let format: Format =
        serde_json::from_str(json).map_err(|e| format!("a stored model does not read: {e}"))?;
    if format.keystone_model > MODEL_FORMAT {
        return Err(format!(
            "a stored model was written by a newer release (format {})",
            format.keystone_model
        ));
    }
    let stored: StoredModel =
        serde_json::from_str(json).map_err(|e| format!("a stored model does not read: {e}"))?;
    Ok(stored.model)
}
