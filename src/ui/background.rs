//! Jobs for the analysis worker, as the pages see them: one worker per shown snapshot, each
//! result a signal that goes from running (with its progress) to ready or failed.
//!
//! The worker reads the snapshot from IndexedDB itself and keeps it, so asking for segments,
//! a customer's offers or a workbook never blocks the page; a different snapshot shown ends the
//! old worker.

use super::state::Loaded;
use crate::analytics::models::studio::{AppliedModel, TrainingReport};
use crate::analytics::propensity::Offer;
use crate::analytics::segments::CustomerSegments;
use crate::worker::protocol::{
    AnalysisJob, AnalysisReply, AnalysisRequest, ApplyRequest, ListExport, TrainRequest,
};
use crate::worker::AnalysisWorker;
use leptos::prelude::*;
use std::cell::RefCell;
use std::collections::HashMap;
use std::sync::Arc;

/// Where a background job stands.
#[derive(Clone, Debug, PartialEq)]
pub enum Job<T> {
    /// Working: which step (reading the snapshot first), steps done of steps in all.
    Running {
        /// The worker's current job.
        step: AnalysisJob,
        /// Steps done.
        done: u32,
        /// Steps in all.
        of: u32,
    },
    /// Done.
    Ready(T),
    /// Failed, with the worker's reason.
    Failed(String),
    /// Stopped by the manager (the worker was ended).
    Cancelled,
}

impl<T> Job<T> {
    /// Asked for: the worker may be reading the snapshot or busy with an earlier job, and its
    /// progress messages take over from here.
    fn started(step: AnalysisJob) -> Job<T> {
        Job::Running {
            step,
            done: 0,
            of: 1,
        }
    }

    fn is_running(&self) -> bool {
        matches!(self, Job::Running { .. })
    }
}

type Slot<T> = ArcRwSignal<Job<T>>;

struct Session {
    snapshot_id: String,
    worker: AnalysisWorker,
    segments: Option<Slot<Arc<CustomerSegments>>>,
    offers: HashMap<u32, Slot<Arc<Vec<Offer>>>>,
    /// The workbook being written, and the file name it will be offered under.
    workbook: Option<(Slot<()>, String)>,
    /// The model studio's training, and what it was asked (the page shows it again when it
    /// is drawn anew, as after a model is applied).
    training: Option<(TrainRequest, Slot<Arc<TrainingReport>>)>,
    /// A trained model being applied.
    applying: Option<Slot<Arc<AppliedModel>>>,
}

thread_local! {
    static SESSION: RefCell<Option<Session>> = const { RefCell::new(None) };
}

/// Runs `ask` on the session of `loaded`'s snapshot, starting its worker if needed; `None`
/// when no worker can start (the caller shows the failure).
fn with_session<R>(loaded: &Loaded, ask: impl FnOnce(&mut Session) -> R) -> Result<R, String> {
    SESSION.with(|cell| {
        let mut cell = cell.borrow_mut();
        let current = cell
            .as_ref()
            .is_some_and(|s| s.snapshot_id == loaded.record.snapshot_id);
        if !current {
            // Dropping the old session terminates its worker.
            *cell = None;
            let worker = AnalysisWorker::start(&loaded.record, on_reply)?;
            *cell = Some(Session {
                snapshot_id: loaded.record.snapshot_id.clone(),
                worker,
                segments: None,
                offers: HashMap::new(),
                workbook: None,
                training: None,
                applying: None,
            });
        }
        Ok(ask(cell.as_mut().expect("just set")))
    })
}

/// Ends the worker unless it holds `snapshot_id`.
pub fn keep_only(snapshot_id: Option<&str>) {
    SESSION.with(|cell| {
        let mut cell = cell.borrow_mut();
        if cell.as_ref().map(|s| s.snapshot_id.as_str()) != snapshot_id {
            // Dropping the session terminates its worker.
            *cell = None;
        }
    });
}

/// The snapshot's RFM scores, clusters and projection, computed once in the worker.
pub fn segments(loaded: &Loaded) -> Slot<Arc<CustomerSegments>> {
    with_session(loaded, |session| {
        if let Some(slot) = &session.segments {
            return slot.clone();
        }
        let slot = ArcRwSignal::new(Job::started(AnalysisJob::Segments));
        session.segments = Some(slot.clone());
        session.worker.ask(&AnalysisRequest::Segments);
        slot
    })
    .unwrap_or_else(|error| ArcRwSignal::new(Job::Failed(error)))
}

/// One customer's offers (families not held, most probable first); the first request trains
/// the propensity models.
pub fn offers(loaded: &Loaded, customer: u32) -> Slot<Arc<Vec<Offer>>> {
    with_session(loaded, |session| {
        if let Some(slot) = session.offers.get(&customer) {
            return slot.clone();
        }
        let slot = ArcRwSignal::new(Job::started(AnalysisJob::Offers));
        session.offers.insert(customer, slot.clone());
        session.worker.ask(&AnalysisRequest::Offers { customer });
        slot
    })
    .unwrap_or_else(|error| ArcRwSignal::new(Job::Failed(error)))
}

/// Writes a customer list as a workbook in the worker and offers it as `file_name` when done.
pub fn export_workbook(loaded: &Loaded, export: ListExport, file_name: &str) -> Slot<()> {
    with_session(loaded, |session| {
        let slot = ArcRwSignal::new(Job::started(AnalysisJob::ListXlsx));
        // A newer request replaces one still running: its file is what the user wants now.
        session.workbook = Some((slot.clone(), file_name.to_owned()));
        session.worker.ask(&AnalysisRequest::ListXlsx(export));
        slot
    })
    .unwrap_or_else(|error| ArcRwSignal::new(Job::Failed(error)))
}

/// Trains and validates both models in the worker (the model studio); a newer request
/// replaces one still running.
pub fn train(loaded: &Loaded, request: TrainRequest) -> Slot<Arc<TrainingReport>> {
    with_session(loaded, |session| {
        let slot = ArcRwSignal::new(Job::started(AnalysisJob::Train));
        session.worker.ask(&AnalysisRequest::Train(request.clone()));
        session.training = Some((request, slot.clone()));
        slot
    })
    .unwrap_or_else(|error| ArcRwSignal::new(Job::Failed(error)))
}

/// The last training asked of the worker of `loaded`'s snapshot, with its request.
pub fn last_training(loaded: &Loaded) -> Option<(TrainRequest, Slot<Arc<TrainingReport>>)> {
    SESSION.with(|cell| {
        cell.borrow()
            .as_ref()
            .filter(|s| s.snapshot_id == loaded.record.snapshot_id)
            .and_then(|s| s.training.clone())
    })
}

/// Scores every customer with a trained model in the worker.
pub fn apply_model(loaded: &Loaded, request: ApplyRequest) -> Slot<Arc<AppliedModel>> {
    with_session(loaded, |session| {
        let slot = ArcRwSignal::new(Job::started(AnalysisJob::Apply));
        session.applying = Some(slot.clone());
        session.worker.ask(&AnalysisRequest::Apply(request));
        slot
    })
    .unwrap_or_else(|error| ArcRwSignal::new(Job::Failed(error)))
}

/// Cancels a running training by ending the worker (it cannot be interrupted mid-job); jobs it
/// was running end as cancelled, and the next request starts a new worker.
pub fn cancel_training() {
    let mut updates = Vec::new();
    SESSION.with(|cell| {
        let Some(session) = cell.borrow_mut().take() else {
            return;
        };
        let running = |slot: &Slot<Arc<TrainingReport>>| slot.with_untracked(Job::is_running);
        if let Some((_, slot)) = session.training.filter(|(_, slot)| running(slot)) {
            updates.push(cancel(slot));
        }
        if let Some(slot) = session
            .segments
            .filter(|s| s.with_untracked(Job::is_running))
        {
            updates.push(cancel(slot));
        }
        for slot in session.offers.into_values() {
            if slot.with_untracked(Job::is_running) {
                updates.push(cancel(slot));
            }
        }
        if let Some((slot, _)) = session.workbook {
            if slot.with_untracked(Job::is_running) {
                updates.push(cancel(slot));
            }
        }
    });
    for update in updates {
        update();
    }
}

/// Routes a reply to the signals waiting for it. Signals are set after the session is released:
/// setting one runs effects that may ask the session again.
fn on_reply(reply: AnalysisReply, bytes: Option<js_sys::Uint8Array>) {
    let mut updates: Vec<Box<dyn FnOnce()>> = Vec::new();
    let mut stale = false;
    SESSION.with(|cell| {
        let mut cell = cell.borrow_mut();
        let Some(session) = cell.as_mut() else {
            return;
        };
        let running_offers = || {
            session
                .offers
                .values()
                .filter(|slot| slot.with_untracked(Job::is_running))
                .cloned()
                .collect::<Vec<_>>()
        };
        match reply {
            AnalysisReply::Progress { job, done, of } => {
                let opening = job == AnalysisJob::Open;
                if job == AnalysisJob::Segments || opening {
                    if let Some(slot) = session.segments.clone() {
                        updates.push(progress_update(slot, job, done, of));
                    }
                }
                if job == AnalysisJob::Offers || opening {
                    for slot in running_offers() {
                        updates.push(progress_update(slot, job, done, of));
                    }
                }
                if job == AnalysisJob::ListXlsx || opening {
                    if let Some((slot, _)) = session.workbook.clone() {
                        updates.push(progress_update(slot, job, done, of));
                    }
                }
                if job == AnalysisJob::Train || opening {
                    if let Some((_, slot)) = session.training.clone() {
                        updates.push(progress_update(slot, job, done, of));
                    }
                }
            }
            AnalysisReply::Applied(applied) => {
                if let Some(slot) = session.applying.take() {
                    let applied = Arc::new(*applied);
                    updates.push(Box::new(move || slot.set(Job::Ready(applied))));
                }
            }
            AnalysisReply::Trained(report) => {
                if let Some((_, slot)) = session.training.clone() {
                    let report = Arc::new(*report);
                    updates.push(Box::new(move || slot.set(Job::Ready(report))));
                }
            }
            AnalysisReply::Segments(segments) => {
                if let Some(slot) = session.segments.clone() {
                    let segments = Arc::new(*segments);
                    updates.push(Box::new(move || slot.set(Job::Ready(segments))));
                }
            }
            AnalysisReply::Offers { customer, offers } => {
                if let Some(slot) = session.offers.get(&customer).cloned() {
                    let offers = Arc::new(offers);
                    updates.push(Box::new(move || slot.set(Job::Ready(offers))));
                }
            }
            AnalysisReply::ListXlsx => {
                if let (Some((slot, file_name)), Some(bytes)) = (session.workbook.take(), bytes) {
                    updates.push(Box::new(move || {
                        super::download::download_array(&file_name, XLSX_MIME, &bytes);
                        slot.set(Job::Ready(()));
                    }));
                }
            }
            AnalysisReply::Failed { job, message } => {
                let opening = job == AnalysisJob::Open;
                // A worker that could not open the snapshot (or stopped: see
                // `AnalysisWorker::start`) answers nothing more: the next ask starts another.
                stale |= opening;
                if job == AnalysisJob::Segments || opening {
                    if let Some(slot) = session.segments.take() {
                        updates.push(fail(slot, &message));
                    }
                }
                if job == AnalysisJob::Offers || opening {
                    for slot in running_offers() {
                        updates.push(fail(slot, &message));
                    }
                    // A later visit asks again.
                    session
                        .offers
                        .retain(|_, slot| !slot.with_untracked(Job::is_running));
                }
                if job == AnalysisJob::ListXlsx || opening {
                    if let Some((slot, _)) = session.workbook.take() {
                        updates.push(fail(slot, &message));
                    }
                }
                if job == AnalysisJob::Train || opening {
                    if let Some((_, slot)) = session.training.take() {
                        updates.push(fail(slot, &message));
                    }
                }
                if job == AnalysisJob::Apply || opening {
                    if let Some(slot) = session.applying.take() {
                        updates.push(fail(slot, &message));
                    }
                }
            }
        }
        if stale {
            // Dropping the session terminates its worker (wasm-bindgen frees the handler
            // running this only once it returns).
            *cell = None;
        }
    });
    for update in updates {
        update();
    }
}

fn cancel<T: Send + Sync + 'static>(slot: Slot<T>) -> Box<dyn FnOnce()> {
    Box::new(move || slot.set(Job::Cancelled))
}

fn fail<T: Send + Sync + 'static>(slot: Slot<T>, message: &str) -> Box<dyn FnOnce()> {
    let message = message.to_owned();
    Box::new(move || slot.set(Job::Failed(message)))
}

/// Progress only moves a running job: a late message never undoes a result.
fn progress_update<T: Send + Sync + 'static>(
    slot: Slot<T>,
    step: AnalysisJob,
    done: u32,
    of: u32,
) -> Box<dyn FnOnce()> {
    Box::new(move || {
        if slot.with_untracked(Job::is_running) {
            slot.set(Job::Running { step, done, of });
        }
    })
}

/// The media type of an Excel workbook.
pub const XLSX_MIME: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
