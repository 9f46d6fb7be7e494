//! A background job's progress or failure, announced to screen readers as it changes.

use crate::i18n::{Lang, Msg};
use crate::ui::background::Job;
use crate::worker::protocol::AnalysisJob;
use leptos::prelude::*;

/// Shows a job that is not ready: a progress bar with what the worker is doing, or why it
/// failed. `testid` names it for the end-to-end tests.
pub fn job_status<T>(job: &Job<T>, lang: Lang, testid: &'static str) -> AnyView {
    match job {
        Job::Running { step, done, of } => {
            let what = match step {
                AnalysisJob::Open => Msg::JobOpening,
                AnalysisJob::Segments => Msg::JobSegments,
                AnalysisJob::Offers => Msg::JobOffers,
                AnalysisJob::ListXlsx => Msg::JobWorkbook,
                AnalysisJob::Train => Msg::JobTraining,
                AnalysisJob::Apply => Msg::JobApplying,
            };
            let (done, of) = (*done, (*of).max(1));
            view! {
                <div class="job" role="status" aria-live="polite" data-testid=testid data-job="running">
                    <progress max=of value=done></progress>
                    " " {lang.text(what)} " " {format!("{done}/{of}")}
                </div>
            }
            .into_any()
        }
        Job::Failed(message) => view! {
            <p class="error" role="alert" data-testid=testid data-job="failed">
                {lang.text(Msg::JobFailed)} {message.clone()}
            </p>
        }
        .into_any(),
        Job::Cancelled => view! {
            <p class="hint" role="status" data-testid=testid data-job="cancelled">
                {lang.text(Msg::JobCancelled)}
            </p>
        }
        .into_any(),
        Job::Ready(_) => ().into_any(),
    }
}
