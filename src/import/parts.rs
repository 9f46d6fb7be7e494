//! One import shared by two workers, for the two cores of an ordinary machine.
//!
//! The largest delimited holdings or transactions file is cut at a line break. The first worker
//! reads every file, but only the first part of that one; the second reads the customers and
//! managers again (so its customer rows line up with the first's) and the second part. The
//! first merges. The merged outcome is the import of the whole, issue for issue and row for
//! row (native tests compare them); where that cannot be ensured — the first part met a quote
//! character (the cut might be inside a quoted field) or an undecodable byte, or transaction
//! ids do not ascend across the cut — [`TwoParts::merge`] says so and the caller imports the
//! whole file instead.

use super::build::{
    amounts_unsigned, checked_dataset, import, infer_order, FileInput, ImportOutcome, ImportRequest,
};
use super::mapping::{Entity, Field, Mapping};
use super::sheet::{Pass, ReadError, Sheet, SheetSpec};
use super::values::{DateStyle, DayMonthOrder};
use crate::model::{Customers, Day, RelationshipManagers};
use serde::{Deserialize, Serialize};

/// Files smaller than this are read by one worker: starting a second costs about what it saves.
pub const MIN_CUT_BYTES: u64 = 16 << 20;

/// An import planned in two parts.
pub struct TwoParts {
    /// The cut file's place in the request.
    file: usize,
    first: Sheet,
    second: Sheet,
    /// The cut file's date style, with the day/month order settled on the whole file's start,
    /// so the second part does not infer its own.
    date_style: DateStyle,
}

/// What the second worker reads: the customers and managers, and the second part.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SecondPart {
    /// The files, each with its place among the files picked.
    pub files: Vec<PartFile>,
    /// Today, as a day number.
    pub today: i32,
    /// The dataset's currency.
    #[serde(default)]
    pub currency: crate::model::Currency,
}

/// One file of a [`SecondPart`].
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PartFile {
    /// Its place among the files picked.
    pub index: usize,
    /// Its name.
    pub name: String,
    /// What it holds.
    pub entity: Entity,
    /// How its columns map.
    pub mapping: Mapping,
    /// How its dates are written.
    pub date_style: DateStyle,
    /// Which of its bytes to read, and how.
    pub sheet: SheetSpec,
}

impl SecondPart {
    /// The import request for this part, given its files' sheets in order.
    pub fn request<'a>(&'a self, sheets: &'a [Sheet]) -> ImportRequest<'a> {
        ImportRequest {
            files: self
                .files
                .iter()
                .zip(sheets)
                .map(|(file, sheet)| FileInput {
                    file_name: file.name.clone(),
                    entity: file.entity,
                    sheet,
                    mapping: file.mapping.clone(),
                    date_style: file.date_style,
                })
                .collect(),
            today: Day(self.today),
            currency: self.currency,
            base: None,
        }
    }
}

fn shared(entity: Entity) -> bool {
    matches!(entity, Entity::Customers | Entity::RelationshipManagers)
}

/// Whether the transaction ids at the start of each part ascend, the first part's before the
/// second's: a sample of what [`TwoParts::merge`] checks in full.
fn ids_seem_to_ascend(file: &FileInput<'_>, first: &Sheet, second: &Sheet) -> bool {
    let Some(column) = file.mapping.column(Field::TxnId) else {
        return true;
    };
    let sample = |sheet: &Sheet| -> Vec<String> {
        sheet
            .preview(ID_SAMPLE_ROWS)
            .into_iter()
            .filter_map(|(_, cells)| cells.get(column).map(|id| id.trim().to_owned()))
            .filter(|id| !id.is_empty())
            .collect()
    };
    let (before, after) = (sample(first), sample(second));
    let ascending = |ids: &[String]| ids.windows(2).all(|pair| pair[0] < pair[1]);
    ascending(&before)
        && ascending(&after)
        && match (before.last(), after.first()) {
            (Some(last), Some(next)) => last < next,
            _ => true,
        }
}

/// The cut file's bytes over which the first part takes one more (see [`TwoParts::plan`]).
const SECOND_ENCODES: u64 = 32;

/// Rows of each part whose transaction ids are sampled before cutting.
const ID_SAMPLE_ROWS: usize = 256;

impl TwoParts {
    /// Whether and where to cut the request's files so the two workers read about as many
    /// bytes each (the first a 32nd of the cut file more, for the second's encoding); `None` when one worker should read them: no delimited holdings or
    /// transactions file of `min_bytes`, parts too unequal to be worth it, or one of
    /// [`TwoParts::cut`]'s reasons.
    pub fn plan(
        request: &ImportRequest<'_>,
        min_bytes: u64,
    ) -> Result<Option<TwoParts>, ReadError> {
        let files = &request.files;
        let len = |f: &FileInput<'_>| f.sheet.source_len().unwrap_or(0);
        let Some(file) = (0..files.len())
            .filter(|&i| matches!(files[i].entity, Entity::Holdings | Entity::Transactions))
            .max_by_key(|&i| len(&files[i]))
        else {
            return Ok(None);
        };
        let cut_len = len(&files[file]);
        if cut_len < min_bytes.max(1) {
            return Ok(None);
        }
        // The first worker reads everything but the second part; the second reads the shared
        // files and the second part. Equal bytes each: total − len + x = shared + len − x.
        let total: u64 = files.iter().map(len).sum();
        let shared_len: u64 = files.iter().filter(|f| shared(f.entity)).map(len).sum();
        // Then a 32nd of the file more for the first: the second also encodes its part and
        // sends it before the first can merge. With equal bytes the second finished 45–120 ms
        // after the first in M imports; with this, between 56 ms after and 21 ms before, and
        // the parse took about 45 ms less (medians of six imports, alternating builds).
        let first_share =
            (shared_len + 2 * cut_len).saturating_sub(total) / 2 + cut_len / SECOND_ENCODES;
        if first_share < cut_len / 8 {
            return Ok(None);
        }
        TwoParts::cut(request, file, first_share)
    }

    /// Cuts file `file` of the request at the first line break from byte `target` on; `None`
    /// when it cannot be: an incremental import, one with accounts or account-holder links, not
    /// a holdings or transactions file, not its entity's last file (duplicate ids are found in
    /// file order), another file of the same name, customers or managers not in delimited
    /// files (the second worker reads them from a [`SheetSpec`]), or a file
    /// [`Sheet::cut_at`] cannot cut.
    pub fn cut(
        request: &ImportRequest<'_>,
        file: usize,
        target: u64,
    ) -> Result<Option<TwoParts>, ReadError> {
        let files = &request.files;
        let Some(cut) = files.get(file) else {
            return Ok(None);
        };
        let refused = request.base.is_some()
            || !matches!(cut.entity, Entity::Holdings | Entity::Transactions)
            || files[file + 1..].iter().any(|f| f.entity == cut.entity)
            || files
                .iter()
                .filter(|f| f.file_name == cut.file_name)
                .count()
                > 1
            || files
                .iter()
                .any(|f| shared(f.entity) && f.sheet.spec().is_none())
            // Rows keyed by account find their holder through the accounts and links the
            // first worker reads: one worker reads such an import.
            || files
                .iter()
                .any(|f| matches!(f.entity, Entity::Accounts | Entity::AccountLinks))
            // A file refused whole for its mapping is counted, not read: nothing to share,
            // and a part would count only its own rows.
            || !cut.mapping.missing_required(cut.entity).is_empty();
        if refused {
            return Ok(None);
        }
        let Some((first, second)) = cut.sheet.cut_at(target)? else {
            return Ok(None);
        };
        if cut.entity == Entity::Transactions && !ids_seem_to_ascend(cut, &first, &second) {
            // The merge would refuse the parts and the whole would be read again: one worker
            // reads it from the start instead.
            return Ok(None);
        }
        // Whether a transactions file's amounts are unsigned is judged on its first rows: a
        // part's first rows could judge otherwise than the whole file's, and a file refused
        // for it is read in no time by one worker.
        if cut.entity == Entity::Transactions {
            let unsigned = |sheet: &Sheet| {
                amounts_unsigned(&FileInput {
                    file_name: cut.file_name.clone(),
                    entity: cut.entity,
                    sheet,
                    mapping: cut.mapping.clone(),
                    date_style: cut.date_style,
                })
            };
            if amounts_unsigned(cut) || unsigned(&first) || unsigned(&second) {
                return Ok(None);
            }
        }
        let mut date_style = cut.date_style;
        if date_style.order == DayMonthOrder::Unknown {
            date_style.order = infer_order(cut);
        }
        Ok(Some(TwoParts {
            file,
            first,
            second,
            date_style,
        }))
    }

    /// The first worker's request: every file, the cut one up to the cut.
    pub fn first_request<'a>(&'a self, request: &ImportRequest<'a>) -> ImportRequest<'a> {
        ImportRequest {
            files: request
                .files
                .iter()
                .enumerate()
                .map(|(i, f)| FileInput {
                    file_name: f.file_name.clone(),
                    entity: f.entity,
                    sheet: if i == self.file { &self.first } else { f.sheet },
                    mapping: f.mapping.clone(),
                    date_style: if i == self.file {
                        self.date_style
                    } else {
                        f.date_style
                    },
                })
                .collect(),
            today: request.today,
            currency: request.currency,
            base: None,
        }
    }

    /// The second worker's job.
    pub fn second_part(&self, request: &ImportRequest<'_>) -> SecondPart {
        let files = request
            .files
            .iter()
            .enumerate()
            .filter(|&(i, f)| i == self.file || shared(f.entity))
            .filter_map(|(i, f)| {
                let (sheet, date_style) = if i == self.file {
                    (&self.second, self.date_style)
                } else {
                    (f.sheet, f.date_style)
                };
                Some(PartFile {
                    index: i,
                    name: f.file_name.clone(),
                    entity: f.entity,
                    mapping: f.mapping.clone(),
                    date_style,
                    sheet: sheet.spec()?,
                })
            })
            .collect();
        SecondPart {
            files,
            today: request.today.0,
            currency: request.currency,
        }
    }

    /// Joins the parts' outcomes into the whole import's; `None` when the result could differ
    /// from reading the file whole, which the caller then does.
    pub fn merge(
        &self,
        request: &ImportRequest<'_>,
        first: ImportOutcome,
        second: ImportOutcome,
    ) -> Option<ImportOutcome> {
        let part = PartOutcome {
            id_range: stored_id_range(&second.dataset),
            report: second.report,
            passes: second.passes,
        };
        let rows = &second.dataset;
        let others = (rows.customers(), rows.relationship_managers());
        let merged = self.merge_report(request, first, part, others)?;
        let mut report = merged.report;
        let mut tables = merged.dataset.into_tables();
        match self.cut_entity(request) {
            Entity::Holdings => tables.holdings.append(rows.holdings()),
            _ => tables.transactions.append(rows.transactions()),
        }
        Some(ImportOutcome {
            dataset: checked_dataset(tables, &mut report),
            report,
            passes: merged.passes,
        })
    }

    /// The entity of the file that is cut: its table is the one the parts share out.
    pub fn cut_entity(&self, request: &ImportRequest<'_>) -> Entity {
        request.files[self.file].entity
    }

    /// [`TwoParts::merge`] but for the second part's rows of the cut file: the report and
    /// passes are the whole import's, the dataset is still the first part's, and the caller
    /// appends those rows after its rows of the cut table. The browser does so when it stores
    /// and reads the snapshot (see [`crate::storage::codec::second_part_id`]), so no worker
    /// decodes the second part and encodes it again. `customers` and `managers` are the
    /// second part's, to check they equal the first's.
    pub fn merge_report(
        &self,
        request: &ImportRequest<'_>,
        first: ImportOutcome,
        second: PartOutcome,
        (customers, managers): (&Customers, &RelationshipManagers),
    ) -> Option<ImportOutcome> {
        let cut = &request.files[self.file];
        let (name, entity) = (&cut.file_name, cut.entity);
        let first_pass = *first.passes.get(self.file)?;
        // The second part's files are the shared ones and the cut one, in the request's order.
        let second_position = request.files[..self.file]
            .iter()
            .filter(|f| shared(f.entity))
            .count();
        let second_pass = *second.passes.get(second_position)?;
        if first_pass.quotes > 0
            || first_pass.malformed > 0
            || !first.report.can_commit()
            || !second.report.can_commit()
        {
            return None;
        }
        let before = first.dataset.tables();
        let managers_agree = {
            let all = &before.relationship_managers;
            managers.len() <= all.len()
                && (0..managers.len()).all(|i| all.rm_id.get(i) == managers.rm_id.get(i))
        };
        if before.customers != *customers || !managers_agree {
            return None;
        }
        if entity == Entity::Transactions {
            // A repeat across the cut would be reported at the second part's row; ascending
            // ids cannot repeat, anything else is read whole.
            if let (Some((_, latest)), Some((earliest, _))) =
                (stored_id_range(&first.dataset), &second.id_range)
            {
                if earliest.as_str() <= latest.as_str() {
                    return None;
                }
            }
        }
        let offset = first_pass.lines.saturating_sub(1);
        let mut report = first.report;
        let part_summary = second.report.files.iter().find(|f| f.file == *name)?;
        let summary = report.files.iter_mut().find(|f| f.file == *name)?;
        summary.rows_read += part_summary.rows_read;
        summary.accepted += part_summary.accepted;
        summary.rejected += part_summary.rejected;
        summary.deduplicated += part_summary.deduplicated;
        // Line 0 is about the whole file, which the first part reported already.
        report.issues.extend(
            second
                .report
                .issues
                .into_iter()
                .filter(|issue| issue.file == *name && issue.line > 0)
                .map(|mut issue| {
                    issue.line += offset;
                    issue
                }),
        );
        report
            .issues
            .sort_by(|a, b| (&a.file, a.line).cmp(&(&b.file, b.line)));
        let mut passes = first.passes;
        passes[self.file] = Pass {
            lines: first_pass.lines + second_pass.lines - 1,
            quotes: first_pass.quotes + second_pass.quotes,
            malformed: first_pass.malformed + second_pass.malformed,
        };
        Some(ImportOutcome {
            dataset: first.dataset,
            report,
            passes,
        })
    }
}

/// What merging needs of the second part besides its rows of the cut file.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PartOutcome {
    /// What the part read, kept and refused.
    pub report: super::build::ImportReport,
    /// Per file of the part, what reading it met.
    pub passes: Vec<Pass>,
    /// The lowest and highest transaction id the part stored, if it stored any.
    pub id_range: Option<(String, String)>,
}

/// The lowest and highest transaction id stored: only stored rows count as seen.
pub fn stored_id_range(dataset: &crate::model::Dataset) -> Option<(String, String)> {
    let ids = dataset.transactions().txn_id.iter();
    ids.filter(|id| !id.is_empty())
        .fold(None, |range, id| match range {
            None => Some((id, id)),
            Some((lo, hi)) => Some((lo.min(id), hi.max(id))),
        })
        .map(|(lo, hi)| (lo.to_owned(), hi.to_owned()))
}

/// Imports `request` in `parts` as two workers would, one part after the other in this
/// thread, and merges; the whole import when the parts do not merge. Also whether they did.
/// The tests check the parts against the whole with it.
pub fn import_in_parts(request: &ImportRequest<'_>, parts: &TwoParts) -> (ImportOutcome, bool) {
    let (first, second) = import_parts(request, parts);
    match parts.merge(request, first, second) {
        Some(merged) => (merged, true),
        None => (import(request), false),
    }
}

/// The two workers' outcomes, not merged: the first part's, and the second's (with the
/// customers and managers it read again).
pub fn import_parts(
    request: &ImportRequest<'_>,
    parts: &TwoParts,
) -> (ImportOutcome, ImportOutcome) {
    let first = import(&parts.first_request(request));
    let job = parts.second_part(request);
    let sheets: Vec<Sheet> = job
        .files
        .iter()
        .filter_map(|f| {
            let source = request.files[f.index].sheet.source()?;
            Some(Sheet::from_spec(source, f.sheet.clone()))
        })
        .collect();
    let second = import(&job.request(&sheets));
    (first, second)
}

/// Where a two-part import's first part stands, as the first worker keeps it: the second
/// worker's part may come while the first is still being read, or after. Events go in, and
/// what to do comes out: merge the two once both are there, or wait.
///
/// `F` is the first part once read, `S` the second worker's part as it arrived.
#[derive(Debug, Default, PartialEq, Eq)]
pub enum Rendezvous<F, S> {
    /// No import in two parts.
    #[default]
    Idle,
    /// The first part is being read; the second part is held if it came first.
    Reading {
        /// The second worker's part, if it came before the first part was read.
        early: Option<S>,
    },
    /// The first part is read; waiting for the second.
    Read(F),
}

/// What the first worker does after an event of [`Rendezvous`].
#[derive(Debug, PartialEq, Eq)]
pub enum RendezvousStep<F, S> {
    /// Nothing yet: the other part is still to come.
    Wait,
    /// Both parts are here: merge them (the rendezvous is idle again).
    Merge(F, S),
    /// A second part no import waits for (an earlier, replaced import's): dropped.
    Drop(S),
}

impl<F, S> Rendezvous<F, S> {
    /// An import starts reading its first part (a new import replaces any earlier one).
    pub fn start(&mut self) {
        *self = Rendezvous::Reading { early: None };
    }

    /// The import ended without two parts (read whole, or failed).
    pub fn end(&mut self) {
        *self = Rendezvous::Idle;
    }

    /// The first part is read.
    pub fn first_read(&mut self, first: F) -> RendezvousStep<F, S> {
        match std::mem::take(self) {
            Rendezvous::Reading {
                early: Some(second),
            } => RendezvousStep::Merge(first, second),
            _ => {
                *self = Rendezvous::Read(first);
                RendezvousStep::Wait
            }
        }
    }

    /// The second worker's part arrived.
    pub fn second_arrived(&mut self, second: S) -> RendezvousStep<F, S> {
        match std::mem::take(self) {
            Rendezvous::Reading { early: None } => {
                *self = Rendezvous::Reading {
                    early: Some(second),
                };
                RendezvousStep::Wait
            }
            Rendezvous::Read(first) => RendezvousStep::Merge(first, second),
            // An import holds at most one second part, and none when it is not in two parts.
            state @ (Rendezvous::Idle | Rendezvous::Reading { early: Some(_) }) => {
                *self = state;
                RendezvousStep::Drop(second)
            }
        }
    }
}
