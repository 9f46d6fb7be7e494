//! The worker messages: closed enums that survive the trip as JSON, and a reply that cannot be
//! sent turns into the failure of the same job.

use keystone::import::{FileFormat, ReadOptions};
use keystone::worker::protocol::{
    AnalysisJob, AnalysisReply, AnalysisRequest, ImportReply, ImportRequest, Reread, ToWorker,
    WorkerReply,
};

fn round_trip<T: serde::Serialize + serde::de::DeserializeOwned + PartialEq + std::fmt::Debug>(
    message: T,
) {
    let json = serde_json::to_string(&message).expect("encodes");
    let back: T = serde_json::from_str(&json).expect("decodes");
    assert_eq!(back, message, "{json}");
}

#[test]
fn requests_and_replies_survive_the_trip() {
    round_trip(ToWorker::Import(ImportRequest::WarmUp));
    round_trip(ToWorker::Import(ImportRequest::Drop(2)));
    round_trip(ToWorker::Import(ImportRequest::Reread(Reread {
        index: 3,
        options: ReadOptions {
            format: FileFormat::Delimited,
            encoding: None,
            layout: None,
            sheet: Some("客户".into()),
        },
    })));
    round_trip(ToWorker::Analysis(AnalysisRequest::Offers { customer: 7 }));
    round_trip(WorkerReply::Ready);
    round_trip(WorkerReply::Import(ImportReply::Progress { rows: 12 }));
    round_trip(WorkerReply::Analysis(AnalysisReply::Progress {
        job: AnalysisJob::Segments,
        done: 1,
        of: 4,
    }));
}

#[test]
fn a_message_of_another_shape_is_refused_not_read_as_empty() {
    for json in [
        "",
        "{}",
        r#"{"Import":"Nonsense"}"#,
        r#"{"Import":{"Reread":{"index":-1}}}"#,
    ] {
        assert!(serde_json::from_str::<ToWorker>(json).is_err(), "{json}");
    }
}

#[test]
fn a_reply_that_cannot_be_sent_becomes_its_jobs_failure() {
    let failed = |reply: WorkerReply| reply.failed("too big".into());
    assert_eq!(failed(WorkerReply::Ready), None);
    assert_eq!(
        failed(WorkerReply::Import(ImportReply::Progress { rows: 1 })),
        Some(WorkerReply::Import(ImportReply::Failed {
            message: "too big".into()
        }))
    );
    assert_eq!(
        failed(WorkerReply::Analysis(AnalysisReply::ListXlsx)),
        Some(WorkerReply::Analysis(AnalysisReply::Failed {
            job: AnalysisJob::ListXlsx,
            message: "too big".into()
        }))
    );
}
