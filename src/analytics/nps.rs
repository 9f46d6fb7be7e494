//! Satisfaction and NPS: the share of promoters (9–10) minus the share of detractors (0–6), per
//! relationship manager, per tier, overall and by month, from imported survey answers and
//! those recorded in the journal.

use super::workbench::{EventCustomers, DETRACTOR_MAX};
use crate::journal::{EventKind, Journal};
use crate::model::{Dataset, Day};
use std::collections::BTreeMap;

/// One survey answer.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SurveyAnswer {
    /// The customer's row.
    pub customer: usize,
    /// When.
    pub date: Day,
    /// 0 to 10.
    pub score: u8,
    /// The customer's words.
    pub comment: String,
    /// Whether it was recorded in Keystone (else imported).
    pub recorded: bool,
}

/// Every answer for customers of the dataset, newest first; scores above 10 are not answers
/// on this scale and are left out.
pub fn survey_answers(
    dataset: &Dataset,
    customers: &EventCustomers,
    journal: &Journal,
) -> Vec<SurveyAnswer> {
    let mut answers = Vec::new();
    let feedback = dataset.feedback();
    for row in 0..feedback.len() {
        answers.push(SurveyAnswer {
            customer: feedback.customer_idx[row] as usize,
            date: feedback.date[row],
            score: feedback.score[row],
            comment: feedback.comment.get(row).to_owned(),
            recorded: false,
        });
    }
    for (index, event) in journal.events().iter().enumerate() {
        if let EventKind::SurveyAnswered {
            date,
            score,
            comment,
            ..
        } = &event.kind
        {
            if let Some(customer) = customers.of(index) {
                answers.push(SurveyAnswer {
                    customer,
                    date: *date,
                    score: *score,
                    comment: comment.clone(),
                    recorded: true,
                });
            }
        }
    }
    answers.retain(|a| a.score <= 10);
    answers.sort_by(|a, b| b.date.cmp(&a.date).then(a.customer.cmp(&b.customer)));
    answers
}

/// Counts of one group's answers.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Nps {
    /// Scores 9–10.
    pub promoters: u32,
    /// Scores 7–8.
    pub passives: u32,
    /// Scores 0–6.
    pub detractors: u32,
}

impl Nps {
    /// Counts one answer.
    pub fn add(&mut self, score: u8) {
        match score {
            9..=10 => self.promoters += 1,
            s if s <= DETRACTOR_MAX => self.detractors += 1,
            _ => self.passives += 1,
        }
    }

    /// Answers counted.
    pub fn responses(&self) -> u32 {
        self.promoters + self.passives + self.detractors
    }

    /// The score, −100 to 100; `None` without answers.
    pub fn score(&self) -> Option<f64> {
        let n = self.responses();
        (n > 0).then(|| {
            (f64::from(self.promoters) - f64::from(self.detractors)) * 100.0 / f64::from(n)
        })
    }
}

/// NPS cut every way the page shows it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct NpsReport {
    /// Every answer.
    pub overall: Nps,
    /// Per manager row (the last entry: customers without one).
    pub by_manager: Vec<Nps>,
    /// Per tier.
    pub by_tier: Vec<Nps>,
    /// Per calendar month `(year, month)`, oldest first.
    pub by_month: Vec<((i32, u32), Nps)>,
}

/// Every answer counted overall, by each customer's manager (`manager_of`, after the journal)
/// and tier, and by month. Only each customer's latest answer in a month counts, so a survey
/// imported twice, or re-recorded, is not counted twice; the overall and per-group figures
/// count each customer's latest answer.
pub fn nps_report(
    answers: &[SurveyAnswer],
    manager_of: &[u32],
    n_managers: usize,
    tier_of_customer: &[u8],
    n_tiers: usize,
) -> NpsReport {
    let mut report = NpsReport {
        by_manager: vec![Nps::default(); n_managers + 1],
        by_tier: vec![Nps::default(); n_tiers],
        ..NpsReport::default()
    };
    // `answers` is newest first: the first seen of a customer is their latest.
    let mut seen = vec![false; manager_of.len()];
    let mut months: BTreeMap<(i32, u32), Nps> = BTreeMap::new();
    let mut seen_in_month: rustc_hash::FxHashSet<(usize, (i32, u32))> = Default::default();
    for answer in answers {
        let Some(month) = answer.date.ymd().map(|(y, m, _)| (y, m)) else {
            continue;
        };
        if seen_in_month.insert((answer.customer, month)) {
            months.entry(month).or_default().add(answer.score);
        }
        if std::mem::replace(&mut seen[answer.customer], true) {
            continue;
        }
        report.overall.add(answer.score);
        let manager = manager_of[answer.customer] as usize;
        report.by_manager[manager.min(n_managers)].add(answer.score);
        if let Some(tier) = report
            .by_tier
            .get_mut(usize::from(tier_of_customer[answer.customer]))
        {
            tier.add(answer.score);
        }
    }
    report.by_month = months.into_iter().collect();
    report
}
