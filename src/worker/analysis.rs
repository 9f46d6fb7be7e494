//! The analysis worker: the computations too long for the page's thread (clustering, training
//! the propensity models, writing a workbook) run here, against a snapshot the worker reads
//! from IndexedDB itself and keeps while the page shows it.

use super::port::{self, Attachments, WorkerPort};
use super::protocol::{
    AnalysisJob, AnalysisReply, AnalysisRequest, ApplyRequest, ListExport, ToWorker, TrainRequest,
    WorkerReply,
};
use crate::analytics::listing::CustomerList;
use crate::analytics::models::outcome::Outcome;
use crate::analytics::models::ModelKind;
use crate::analytics::profile::customer_profile;
use crate::analytics::propensity::{customer_offers, next_best_products, NextBestProducts};
use crate::analytics::scores::{key_threshold_fen, ScoreKind};
use crate::analytics::segments::segment_customers;
use crate::analytics::{as_of_date, customer_features, CustomerFeatures};
use crate::model::{Dataset, Day};
use crate::storage::catalogue::SnapshotRecord;
use std::cell::RefCell;
use std::rc::Rc;

/// The worker's side: the snapshot held, what has been computed from it, and the requests
/// that came before the snapshot was read.
#[derive(Default)]
pub(super) struct AnalysisSession {
    held: Option<Held>,
    waiting: Vec<AnalysisRequest>,
}

struct Held {
    dataset: Dataset,
    as_of: Option<Day>,
    features: CustomerFeatures,
    /// Trained on the first request for offers, then kept.
    next_best: Option<NextBestProducts>,
    /// The model studio's last training, kept for applying.
    trained: Option<Trained>,
    /// An earlier snapshot of the book (by id), read for an outcome between the two.
    earlier: Option<(String, Dataset)>,
}

/// Final models with their report and the columns they read on this snapshot's customers
/// (computed once, at training).
struct Trained {
    models: Vec<crate::analytics::models::studio::FinalModel>,
    report: crate::analytics::models::studio::TrainingReport,
    scored: crate::analytics::models::Design,
}

/// Posts a reply, with a workbook's bytes transferred beside it.
type Post = Rc<dyn Fn(AnalysisReply, Option<Vec<u8>>)>;

fn poster() -> Post {
    Rc::new(|reply: AnalysisReply, bytes: Option<Vec<u8>>| {
        let attachments = Attachments {
            bytes: bytes.map(|bytes| js_sys::Uint8Array::from(bytes.as_slice())),
            ..Attachments::default()
        };
        port::reply(&WorkerReply::Analysis(reply), attachments);
    })
}

/// Handles one request: opening reads the snapshot in the background; anything else waits for
/// it, then runs to the end (the worker's own thread is free to block).
pub(super) fn handle(session: &Rc<RefCell<AnalysisSession>>, request: AnalysisRequest) {
    let post = &poster();
    match request {
        AnalysisRequest::Open(record) => {
            let (session, post) = (session.clone(), post.clone());
            wasm_bindgen_futures::spawn_local(async move {
                post(progress(AnalysisJob::Open, 0, 2), None);
                match load(&record).await {
                    Ok(dataset) => {
                        post(progress(AnalysisJob::Open, 1, 2), None);
                        // Features only: tiers and books depend on the page's rules.
                        let as_of = as_of_date(&dataset);
                        let features = customer_features(&dataset, as_of);
                        post(progress(AnalysisJob::Open, 2, 2), None);
                        let waiting = {
                            let mut session = session.borrow_mut();
                            session.held = Some(Held {
                                dataset,
                                as_of,
                                features,
                                next_best: None,
                                trained: None,
                                earlier: None,
                            });
                            std::mem::take(&mut session.waiting)
                        };
                        for request in waiting {
                            handle(&session, request);
                        }
                    }
                    Err(error) => post(
                        AnalysisReply::Failed {
                            job: AnalysisJob::Open,
                            message: error,
                        },
                        None,
                    ),
                }
            });
        }
        AnalysisRequest::Train(request) if needs_earlier(session, &request) => {
            // The earlier snapshot is read first (in the background), then training runs.
            let (session, post) = (session.clone(), post.clone());
            wasm_bindgen_futures::spawn_local(async move {
                let Outcome::Derived {
                    earlier_snapshot, ..
                } = &request.outcome
                else {
                    return;
                };
                post(progress(AnalysisJob::Train, 0, 1), None);
                match load_by_id(earlier_snapshot).await {
                    Ok(dataset) => {
                        if let Some(held) = session.borrow_mut().held.as_mut() {
                            held.earlier = Some((earlier_snapshot.clone(), dataset));
                        }
                        handle(&session, AnalysisRequest::Train(request));
                    }
                    Err(message) => post(
                        AnalysisReply::Failed {
                            job: AnalysisJob::Train,
                            message,
                        },
                        None,
                    ),
                }
            });
        }
        request => {
            let opened = session.borrow().held.is_some();
            if opened {
                run(session, request, post);
            } else {
                session.borrow_mut().waiting.push(request);
            }
        }
    }
}

/// Whether a training asks for an earlier snapshot not read yet (once this one is open).
fn needs_earlier(session: &Rc<RefCell<AnalysisSession>>, request: &TrainRequest) -> bool {
    let Outcome::Derived {
        earlier_snapshot, ..
    } = &request.outcome
    else {
        return false;
    };
    session.borrow().held.as_ref().is_some_and(|held| {
        held.earlier
            .as_ref()
            .is_none_or(|(id, _)| id != earlier_snapshot)
    })
}

/// The stored snapshot with this id.
async fn load_by_id(snapshot_id: &str) -> Result<Dataset, String> {
    let store = crate::storage::Store::browser();
    let (records, _) = store.list().await.map_err(|e| e.to_string())?;
    let record = records
        .into_iter()
        .find(|r| r.snapshot_id == snapshot_id)
        .ok_or_else(|| format!("no stored snapshot {snapshot_id}"))?;
    store.load(&record).await.map_err(|e| e.to_string())
}

async fn load(record: &SnapshotRecord) -> Result<Dataset, String> {
    crate::storage::Store::browser()
        .load(record)
        .await
        .map_err(|e| e.to_string())
}

fn progress(job: AnalysisJob, done: usize, of: usize) -> AnalysisReply {
    AnalysisReply::Progress {
        job,
        done: done as u32,
        of: of as u32,
    }
}

fn run(session: &Rc<RefCell<AnalysisSession>>, request: AnalysisRequest, post: &Post) {
    let mut session = session.borrow_mut();
    let Some(held) = session.held.as_mut() else {
        return;
    };
    match request {
        AnalysisRequest::Open(_) => {}
        AnalysisRequest::Segments => {
            let segments = segment_customers(&held.dataset, &held.features, &mut |done, of| {
                post(progress(AnalysisJob::Segments, done, of), None)
            });
            post(AnalysisReply::Segments(Box::new(segments)), None);
        }
        AnalysisRequest::Offers { customer } => {
            let customer = customer as usize;
            if customer >= held.dataset.n_customers() {
                post(
                    AnalysisReply::Failed {
                        job: AnalysisJob::Offers,
                        message: format!("no customer at row {customer}"),
                    },
                    None,
                );
                return;
            }
            let Held {
                dataset,
                as_of,
                features,
                next_best,
                ..
            } = held;
            let products = next_best.get_or_insert_with(|| {
                let profile = customer_profile(dataset, *as_of);
                next_best_products(
                    dataset,
                    features,
                    &profile,
                    ModelKind::Gbdt,
                    &mut |done, of| post(progress(AnalysisJob::Offers, done, of), None),
                )
            });
            post(
                AnalysisReply::Offers {
                    customer: customer as u32,
                    offers: customer_offers(products, customer),
                },
                None,
            );
        }
        AnalysisRequest::Train(request) => {
            let trained = train(held, &request, post);
            answer(
                post,
                AnalysisJob::Train,
                trained.map(|report| AnalysisReply::Trained(Box::new(report))),
            );
        }
        AnalysisRequest::Apply(request) => {
            post(progress(AnalysisJob::Apply, 0, 1), None);
            let applied = apply(held, &request);
            answer(
                post,
                AnalysisJob::Apply,
                applied.map(|a| AnalysisReply::Applied(Box::new(a))),
            );
        }
        AnalysisRequest::ListXlsx(export) => {
            post(progress(AnalysisJob::ListXlsx, 0, 1), None);
            match workbook(held, &export) {
                Ok(bytes) => post(AnalysisReply::ListXlsx, Some(bytes)),
                Err(message) => post(
                    AnalysisReply::Failed {
                        job: AnalysisJob::ListXlsx,
                        message,
                    },
                    None,
                ),
            }
        }
    }
}

/// Posts a job's reply, or its failure.
fn answer(post: &Post, job: AnalysisJob, result: Result<AnalysisReply, String>) {
    post(
        result.unwrap_or_else(|message| AnalysisReply::Failed { job, message }),
        None,
    );
}

/// The model studio's training: labels from the outcome, the candidate features, both models
/// validated and fitted; the final models are kept for applying, with the columns they read on
/// this snapshot's customers.
fn train(
    held: &mut Held,
    request: &TrainRequest,
    post: &Post,
) -> Result<crate::analytics::models::studio::TrainingReport, String> {
    use crate::analytics::models::studio;
    let earlier = match &request.outcome {
        Outcome::Derived {
            earlier_snapshot, ..
        } => match &held.earlier {
            Some((id, dataset)) if id == earlier_snapshot => Some(dataset),
            _ => return Err(format!("the snapshot {earlier_snapshot} was not read")),
        },
        Outcome::Column { .. } => None,
    };
    let data = studio::training_data(
        &held.dataset,
        earlier,
        &request.outcome,
        &request.tier_rules,
    )
    .map_err(|e| e.to_string())?;
    let now = || js_sys::Date::now();
    let (report, finals) = studio::train(
        &data.candidates,
        &data.labels,
        request.outcome.column(),
        request.chosen.as_deref(),
        request.folds as usize,
        &mut |done, of| post(progress(AnalysisJob::Train, done, of), None),
        &now,
    )?;
    let scored = finals
        .first()
        .ok_or("no model was trained")?
        .design_for(&data.scored().design)
        .map_err(|missing| {
            format!(
                "this snapshot lacks the features the model learned from: {}",
                missing.join(", ")
            )
        })?;
    held.trained = Some(Trained {
        models: finals,
        report: report.clone(),
        scored,
    });
    Ok(report)
}

/// Scores every customer with the trained model of the kind asked.
fn apply(
    held: &Held,
    request: &ApplyRequest,
) -> Result<crate::analytics::models::studio::AppliedModel, String> {
    let Some((trained, model)) = held.trained.as_ref().and_then(|t| {
        t.models
            .iter()
            .find(|m| m.kind == request.kind)
            .map(|m| (t, m))
    }) else {
        return Err("no model of that kind has been trained on this snapshot".to_owned());
    };
    Ok(crate::analytics::models::studio::AppliedModel {
        name: request.name.clone(),
        version: request.version,
        outcome: request.outcome.clone(),
        probabilities: model.probabilities(&trained.scored),
        model: model.clone(),
        report: trained.report.clone(),
    })
}

fn workbook(held: &Held, export: &ListExport) -> Result<Vec<u8>, String> {
    let n = held.dataset.n_customers();
    if let Some(&row) = export.rows.iter().find(|&&row| row as usize >= n) {
        return Err(format!("no customer at row {row}"));
    }
    // The page's tier ladder, which may not be the defaults the worker analysed with.
    let tier_of_customer = crate::analytics::assign_tiers(
        &held.features.tier_columns(&held.dataset),
        &export.tier_rules,
    );
    let rows: Vec<usize> = export.rows.iter().map(|&r| r as usize).collect();
    let headers: Vec<&str> = export.headers.iter().map(String::as_str).collect();
    let score = export.score.map(|kind| {
        if let (ScoreKind::Model, Some(scores)) = (kind, &export.model_scores) {
            return crate::analytics::scores::FactorScores::of_model(scores);
        }
        let profile = customer_profile(&held.dataset, held.as_of);
        kind.compute(
            &held.dataset,
            &held.features,
            &profile,
            key_threshold_fen(&export.tier_rules),
        )
    });
    CustomerList {
        dataset: &held.dataset,
        features: &held.features,
        tier_of_customer: &tier_of_customer,
        tier_names: &export.tier_names,
        headers: &headers,
        rows: &rows,
        score: score.as_ref(),
    }
    .to_xlsx(&export.sheet_name, (js_sys::Date::now() / 1000.0) as i64)
}

/// The page's handle on the analysis worker of one snapshot. Dropping it ends the worker.
pub struct AnalysisWorker {
    port: WorkerPort,
}

impl AnalysisWorker {
    /// Starts a worker on `record`'s snapshot; its replies (with a workbook's bytes, when one
    /// is attached) go to `on_reply`.
    pub fn start(
        record: &SnapshotRecord,
        on_reply: impl Fn(AnalysisReply, Option<js_sys::Uint8Array>) + 'static,
    ) -> Result<AnalysisWorker, String> {
        let port = WorkerPort::start(move |_, received| match received {
            Ok((WorkerReply::Analysis(reply), attached)) => on_reply(reply, attached.bytes),
            Ok((WorkerReply::Stopped(detail), _)) => on_reply(
                failed(format!("the analysis worker stopped: {detail}")),
                None,
            ),
            Ok((other, _)) => on_reply(failed(format!("unexpected reply {other:?}")), None),
            Err(message) => on_reply(failed(message), None),
        })?;
        let worker = AnalysisWorker { port };
        worker.ask(&AnalysisRequest::Open(record.clone()));
        Ok(worker)
    }

    /// Sends a request; the answer comes to the `on_reply` given at the start.
    pub fn ask(&self, request: &AnalysisRequest) {
        self.port
            .send(&ToWorker::Analysis(request.clone()), Attachments::default());
    }
}

/// A failure of the worker itself (it could not be reached, or said something unreadable),
/// as the page's jobs hear it.
fn failed(message: String) -> AnalysisReply {
    AnalysisReply::Failed {
        job: AnalysisJob::Open,
        message,
    }
}
