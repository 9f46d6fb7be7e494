//! The Models page's model (模型): the outcomes a manager can pick (kept columns with their
//! values and counts), and the validation report as rows and chart specs in the reader's
//! language — AUC per model with its fold spread, precision and recall at the top shares, the
//! confusion matrix at the threshold chosen, ROC, gains, calibration and feature importance.

use crate::analytics::models::outcome::{
    value_counts, DerivedOutcome, Outcome, OutcomeRule, ValueCount,
};
use crate::analytics::models::report::Confusion;
use crate::analytics::models::selection::LeftOut;
use crate::analytics::models::studio::{ModelValidation, TrainingReport};
use crate::analytics::models::ModelKind;
use crate::charts::{ContributionsSpec, CurvesSpec};
use crate::i18n::{model_feature_name, Lang, Msg};
use crate::model::Dataset;
use crate::storage::catalogue::SnapshotRecord;

/// Values a column may hold to be offered as a labelled outcome (a flag, a label, a code).
pub const MAX_OUTCOME_VALUES: usize = 50;

/// A kept column offered as an outcome.
#[derive(Clone, Debug, PartialEq)]
pub struct OutcomeChoice {
    /// The export's header.
    pub column: String,
    /// Its values, most frequent first (blank last); empty when there are too many to list.
    pub values: Vec<ValueCount>,
    /// Whether every non-blank value is a number (a threshold can be set).
    pub numeric: bool,
}

/// The customers' kept columns that can be an outcome: few values, or numbers.
pub fn outcome_choices(dataset: &Dataset) -> Vec<OutcomeChoice> {
    dataset
        .customers()
        .attributes
        .iter()
        .filter_map(|attribute| {
            let values = value_counts(&attribute.values);
            let numeric = values
                .iter()
                .filter(|v| !v.value.is_empty())
                .all(|v| v.value.parse::<f64>().is_ok_and(f64::is_finite));
            let few = values.iter().filter(|v| !v.value.is_empty()).count() <= MAX_OUTCOME_VALUES;
            (few || numeric).then(|| OutcomeChoice {
                column: attribute.name.clone(),
                values: if few { values } else { Vec::new() },
                numeric,
            })
        })
        .collect()
}

/// The snapshots of `current`'s book an outcome can be derived from, latest first: the same
/// dataset, describing an earlier date (or, when either has no date, imported earlier).
pub fn earlier_snapshots(current: &SnapshotRecord, all: &[SnapshotRecord]) -> Vec<SnapshotRecord> {
    let mut earlier: Vec<SnapshotRecord> = all
        .iter()
        .filter(|r| r.dataset_name == current.dataset_name && r.snapshot_id != current.snapshot_id)
        .filter(|r| match (&r.as_of, &current.as_of) {
            (Some(then), Some(now)) => then < now,
            _ => r.imported_at < current.imported_at,
        })
        .cloned()
        .collect();
    earlier.sort_by(|a, b| (&b.as_of, &b.imported_at).cmp(&(&a.as_of, &a.imported_at)));
    earlier
}

/// A snapshot as a choice reads: its date, and when it was imported.
pub fn snapshot_label(record: &SnapshotRecord, lang: Lang) -> String {
    let imported = record.imported_at.get(..10).unwrap_or(&record.imported_at);
    match &record.as_of {
        Some(as_of) => format!("{as_of} · {}{imported}", lang.text(Msg::ImportedOn)),
        None => format!("{}{imported}", lang.text(Msg::ImportedOn)),
    }
}

/// A model's name from its outcome: `column = value`, `column ≥ threshold`, or what happened
/// since the earlier snapshot (dated `since`), in the reader's language.
pub fn outcome_name(outcome: &Outcome, since: Option<&str>, lang: Lang) -> String {
    match outcome {
        Outcome::Column {
            column,
            rule: OutcomeRule::Values(values),
        } => format!("{column} = {}", values.join(" / ")),
        Outcome::Column {
            column,
            rule: OutcomeRule::AtLeast(t),
        } => format!("{column} \u{2265} {t}"),
        Outcome::Derived { outcome, .. } => {
            let what = match (outcome, lang) {
                (DerivedOutcome::Left { aum_drop }, Lang::Zh) => {
                    format!("流失（不在或资产降幅超过 {:.0}%）", aum_drop * 100.0)
                }
                (DerivedOutcome::Left { aum_drop }, Lang::En) => {
                    format!(
                        "left (gone, or AUM down by more than {:.0} %)",
                        aum_drop * 100.0
                    )
                }
                (DerivedOutcome::MovedUpTier, _) => lang.text(Msg::ModelDerivedUp).to_owned(),
                (DerivedOutcome::Bought(family), Lang::Zh) => {
                    format!("新购{}", family.chinese_name())
                }
                (DerivedOutcome::Bought(family), Lang::En) => {
                    format!("bought {}", family.english_name())
                }
            };
            match since {
                Some(since) => format!("{what} · {}{since}", lang.text(Msg::ModelSince)),
                None => what,
            }
        }
    }
}

/// A learner's name.
pub fn model_name(kind: ModelKind, lang: Lang) -> &'static str {
    lang.text(match kind {
        ModelKind::Logistic => Msg::ModelLogistic,
        ModelKind::Gbdt => Msg::ModelTrees,
    })
}

/// One model's row of the summary table.
#[derive(Clone, Debug, PartialEq)]
pub struct ModelRow {
    pub key: &'static str,
    pub model: String,
    pub auc: String,
    pub folds: String,
    pub top: Vec<String>,
    pub seconds: String,
}

/// One candidate feature's row: used or why not, and its AUC alone.
#[derive(Clone, Debug, PartialEq)]
pub struct FeatureRow {
    pub name: String,
    pub shown: String,
    pub used: bool,
    pub reason: String,
    pub alone_auc: String,
}

/// The report, ready to show.
#[derive(Clone, Debug, PartialEq)]
pub struct ReportView {
    pub summary: String,
    pub models: Vec<ModelRow>,
    pub features: Vec<FeatureRow>,
    pub roc: CurvesSpec,
    pub gains: CurvesSpec,
    pub calibration: CurvesSpec,
    pub importance: ContributionsSpec,
}

fn key(kind: ModelKind) -> &'static str {
    match kind {
        ModelKind::Logistic => "logistic",
        ModelKind::Gbdt => "trees",
    }
}

/// The report's rows and charts; `title_suffix` (the outcome and the date) ends every title.
pub fn report_view(report: &TrainingReport, lang: Lang, title_suffix: &str) -> ReportView {
    let t = |m| lang.text(m);
    let titled = |m| format!("{} · {title_suffix}", t(m));
    let series = |points: &dyn Fn(&ModelValidation) -> Vec<(f64, f64)>, figure: bool| {
        report
            .models
            .iter()
            .map(|m| {
                // Legends are narrow: the learners' short names.
                let short = lang.text(match m.kind {
                    ModelKind::Logistic => Msg::ModelLogisticShort,
                    ModelKind::Gbdt => Msg::ModelTreesShort,
                });
                let name = if figure {
                    format!("{short} · AUC {:.3}", m.auc)
                } else {
                    short.to_owned()
                };
                (name, points(m))
            })
            .collect()
    };
    let best = report.best();
    ReportView {
        summary: format!(
            "{} {} · {} {} · {} {} · {} {}",
            t(Msg::ModelLabelled),
            crate::format::count(report.labelled),
            t(Msg::ModelPositives),
            crate::format::count(report.positives),
            t(Msg::ModelFolds),
            report.folds,
            t(Msg::ModelFeaturesUsed),
            report.used.len()
        ),
        models: report
            .models
            .iter()
            .map(|m| ModelRow {
                key: key(m.kind),
                model: model_name(m.kind, lang).to_owned(),
                auc: format!("{:.3} ± {:.3}", m.auc, m.auc_spread),
                folds: m
                    .fold_auc
                    .iter()
                    .map(|a| format!("{a:.3}"))
                    .collect::<Vec<_>>()
                    .join(" · "),
                top: m
                    .top
                    .iter()
                    .map(|s| format!("{:.0}% / {:.0}%", s.precision * 100.0, s.recall * 100.0))
                    .collect(),
                seconds: format!("{:.1}", m.millis / 1000.0),
            })
            .collect(),
        features: report
            .screened
            .iter()
            .map(|s| FeatureRow {
                name: s.name.clone(),
                shown: model_feature_name(&s.name, lang),
                used: s.left_out.is_none(),
                reason: s
                    .left_out
                    .as_ref()
                    .map_or(String::new(), |r| left_out_text(r, lang)),
                alone_auc: s.alone_auc.map_or("–".into(), |a| format!("{a:.2}")),
            })
            .collect(),
        roc: CurvesSpec {
            title: titled(Msg::ModelRocTitle),
            series: series(
                &|m| {
                    m.roc
                        .iter()
                        .map(|p| (p.false_positive_rate, p.true_positive_rate))
                        .collect()
                },
                true,
            ),
            markers: false,
            diagonal: t(Msg::ModelRandom).to_owned(),
            x_caption: t(Msg::ModelFalsePositiveRate).to_owned(),
            y_caption: t(Msg::ModelTruePositiveRate).to_owned(),
        },
        gains: CurvesSpec {
            title: titled(Msg::ModelGainsTitle),
            series: series(
                &|m| {
                    std::iter::once((0.0, 0.0))
                        .chain(m.gains.iter().map(|g| (g.contacted, g.captured)))
                        .collect()
                },
                false,
            ),
            markers: false,
            diagonal: t(Msg::ModelRandom).to_owned(),
            x_caption: t(Msg::ModelContacted).to_owned(),
            y_caption: t(Msg::ModelCaptured).to_owned(),
        },
        calibration: CurvesSpec {
            title: titled(Msg::ModelCalibrationTitle),
            series: series(
                &|m| {
                    m.calibration
                        .iter()
                        .map(|b| (b.predicted, b.observed))
                        .collect()
                },
                false,
            ),
            markers: true,
            diagonal: t(Msg::ModelPerfectCalibration).to_owned(),
            x_caption: t(Msg::ModelPredicted).to_owned(),
            y_caption: t(Msg::ModelObserved).to_owned(),
        },
        importance: ContributionsSpec {
            title: format!(
                "{} · {} · {title_suffix}",
                t(Msg::ModelImportanceTitle),
                best.map_or("", |b| model_name(b.kind, lang))
            ),
            base_label: t(Msg::ModelImportanceBase).to_owned(),
            base: 0.0,
            factors: best.map_or(Vec::new(), |b| {
                b.importance
                    .iter()
                    .take(12)
                    .map(|(name, v)| (model_feature_name(name, lang), *v))
                    .collect()
            }),
            decimals: 2,
        },
    }
}

/// Why a feature is left out, in the reader's language.
pub fn left_out_text(reason: &LeftOut, lang: Lang) -> String {
    match reason {
        LeftOut::Outcome => lang.text(Msg::LeftOutOutcome).to_owned(),
        LeftOut::Constant => lang.text(Msg::LeftOutConstant).to_owned(),
        LeftOut::Identifier => lang.text(Msg::LeftOutIdentifier).to_owned(),
        LeftOut::NearUnique { distinct } => {
            format!("{} ({distinct})", lang.text(Msg::LeftOutNearUnique))
        }
        LeftOut::ProbableLeak => lang.text(Msg::LeftOutLeak).to_owned(),
        LeftOut::NotChosen => lang.text(Msg::LeftOutNotChosen).to_owned(),
    }
}

/// The confusion matrix of `model` when customers at or above `threshold_percent` are called
/// positive.
pub fn confusion_at(model: &ModelValidation, threshold_percent: u8) -> Option<Confusion> {
    model
        .confusion
        .iter()
        .find(|c| c.threshold_percent == threshold_percent)
        .copied()
}
