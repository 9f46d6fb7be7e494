//! The native test suite: one binary, one module per feature.
//!
//! Expected outputs live in `tests/data/expected/`; run with `UPDATE_EXPECT=1` to rewrite them
//! after an intended change, then review the diff.

#![cfg(not(target_arch = "wasm32"))]

mod native {
    /// Scores, what-if, migration, suitability, forecasts, RFM and propensity.
    pub mod analytics;
    /// The core modules stay free of browser and async code, and say what they are for.
    pub mod architecture;
    /// Every page's charts, on the demo and a sparse book: labels apart, inside, distinct.
    pub mod chart_legibility;
    /// Per-type SVG rendering of each chart.
    pub mod charts;
    /// The command-line tool run as a user would: inspect, analyze with and without a plan,
    /// its per-file table and exit codes; its plan is the app's.
    pub mod cli;
    /// Storage chunks read back exactly what was written.
    pub mod codec;
    /// The demo generator is deterministic and realistic.
    pub mod demo;
    /// Features, tiers and books on small hand-made datasets.
    pub mod features;
    /// Money, counts and dates in both languages.
    pub mod format;
    /// Reading real exports: values, detection, mapping, validation, the workload and UCI files.
    pub mod import;
    /// Imports cut in two parts, against the whole.
    pub mod import_parts;
    /// The relationship journal: canonical bytes, merging by id, its file; contact cadence.
    pub mod journal;
    /// Customer lists: filters and the CSV export.
    pub mod listing;
    /// Models on the UCI bank-marketing file: cross-validated AUC and contributions.
    pub mod models;
    /// Properties over generated inputs: money, the codec, pieces, what-ifs.
    pub mod properties;
    /// The worker messages, as closed enums.
    pub mod protocol;
    /// Settings in their stored, versioned form, including an earlier release's.
    pub mod settings;
    /// Shared helpers: expected-output files.
    pub mod support;
    /// View models: URL states, the Customers page's list, the import panel's reducer.
    pub mod view;
    /// The relationship workbench: alerts, follow-ups, assignments, NPS, balancing, `.ics`.
    pub mod workbench;
}
