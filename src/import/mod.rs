//! Importing bank exports: bytes in, a validated [`crate::model::Dataset`] and a row-level
//! report out.
//!
//! Detection (format, encoding, delimiter, header row, entity, column mapping) is a step apart
//! from parsing, so the user can see and change every guess before anything is read in full.
//! Imports do not fail, they report: every row that is not taken is named with its file, line,
//! column, raw value and reason.
//!
//! The report and mapping types derive `serde` because they cross to and from the import worker
//! as messages; nothing here is persisted.

pub mod build;
pub mod decode;
pub mod extent;
pub mod mapping;
pub mod parts;
pub mod plan;
pub mod records;
pub mod sheet;
pub mod stream;
pub mod values;
pub mod warm;

pub use build::{
    currencies_named, detect_currency, guess_inputs, guessed_inputs, import, import_with_progress,
    known_value, neutralise_formula, total_named, FileInput, FileSummary, Guessed, ImportIssue,
    ImportOutcome, ImportReport, ImportRequest, Importer, IssueReason, TextRead, UnknownCode,
};
pub use decode::TextEncoding;
pub use mapping::{
    auto_map, canonical_values, find_preset, guess_entity, header_signature, known_word, Entity,
    Field, Mapping, MappingPreset, FLAG_VALUES,
};
pub use parts::{
    import_in_parts, import_parts, stored_id_range, PartOutcome, Rendezvous, RendezvousStep,
    SecondPart, TwoParts, MIN_CUT_BYTES,
};
pub use plan::{FilePlan, Plan, PlanError, PLAN_VERSION};
pub use records::{MAX_ROW_BYTES, MAX_ROW_CELLS};
pub use sheet::{
    read_sheet, read_sheet_from, DistinctValues, FileFormat, Pass, ReadError, ReadOptions, Sheet,
    SheetSpec, TextLayout, TextRows, TextSpan, HEAD_BYTES,
};
pub use stream::{ByteSource, SharedSource};
pub use values::{DateStyle, DayMonthOrder, ValueError};
pub use warm::{warm_up_files, warm_up_import, WARM_UP_CUSTOMERS};
