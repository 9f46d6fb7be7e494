//! A stored snapshot in memory with its analysis: what every page model is built from.

use crate::analytics::alerts::{snapshot_alerts, Alert, AlertInput, AlertThresholds};
use crate::analytics::models::studio::AppliedModel;
use crate::analytics::models::Design;
use crate::analytics::profile::{customer_profile, CustomerProfile};
use crate::analytics::scores::{key_threshold_fen, FactorScores, ScoreKind};
use crate::analytics::whatif::AumIndex;
use crate::analytics::{analyse, Analysis, AnalysisConfig, TierRules};
use crate::i18n::Lang;
use crate::model::Dataset;
use crate::storage::catalogue::SnapshotRecord;
use std::sync::{Arc, Mutex, OnceLock};

/// A stored snapshot in memory, with everything the pages show about it.
pub struct Loaded {
    /// What the snapshot is.
    pub record: SnapshotRecord,
    /// Its tables, shared: a new tier ladder re-analyses them without a copy.
    pub dataset: Arc<Dataset>,
    /// The tier ladder the analysis used.
    pub tier_rules: TierRules,
    /// Features, tiers, books.
    pub analysis: Analysis,
    /// The AUM column sorted, for what-ifs: built when first asked.
    aum_index: OnceLock<AumIndex>,
    /// The customer profile and the rule scores, shared by every page that shows them.
    scored: OnceLock<Scored>,
    /// Each customer's rows of the other tables, for the 360 page: built when first asked.
    customer_rows: OnceLock<CustomerRows>,
    /// The model applied to this snapshot in the model studio, if any.
    pub applied: Option<Arc<AppliedModel>>,
    /// The features that model reads, built when a profile first asks.
    model_design: OnceLock<Option<Design>>,
    /// The snapshot's own alerts with what they were computed from: a journal change reuses
    /// them (a scan of every transaction and holding), new thresholds or a new day do not.
    snapshot_alerts: Mutex<Option<(SnapshotAlertsKey, Arc<Vec<Alert>>)>>,
}

/// What a snapshot's own alerts depend on besides the snapshot.
#[derive(Clone, Debug, PartialEq, Eq)]
struct SnapshotAlertsKey {
    thresholds: AlertThresholds,
    today: crate::model::Day,
    previous_tier: Option<Vec<Option<u8>>>,
}

/// Rows of a table grouped by customer: row numbers in table order, one run per customer.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Grouped {
    /// Where each customer's run starts in `rows`; one more entry than customers.
    starts: Vec<u32>,
    rows: Vec<u32>,
}

impl Grouped {
    /// Groups the rows of a table by their customer (a counting sort: two passes).
    pub fn by_customer(customer_idx: &[u32], n_customers: usize) -> Grouped {
        let mut starts = vec![0u32; n_customers + 1];
        for &c in customer_idx {
            starts[c as usize + 1] += 1;
        }
        for i in 1..starts.len() {
            starts[i] += starts[i - 1];
        }
        let mut next = starts.clone();
        let mut rows = vec![0u32; customer_idx.len()];
        for (row, &c) in customer_idx.iter().enumerate() {
            rows[next[c as usize] as usize] = row as u32;
            next[c as usize] += 1;
        }
        Grouped { starts, rows }
    }

    /// The customer's rows, in table order.
    pub fn of(&self, customer: usize) -> impl DoubleEndedIterator<Item = usize> + '_ {
        let (start, end) = (self.starts[customer], self.starts[customer + 1]);
        self.rows[start as usize..end as usize]
            .iter()
            .map(|&row| row as usize)
    }
}

/// Each customer's holdings, interactions and feedback.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CustomerRows {
    pub holdings: Grouped,
    pub interactions: Grouped,
    pub feedback: Grouped,
}

/// The profile behind the scores, and the three rule scores of every customer.
pub struct Scored {
    /// Deposits, wealth, flows, tenure, age …
    pub profile: CustomerProfile,
    /// Financial capacity.
    pub capacity: FactorScores,
    /// Attrition risk.
    pub attrition: FactorScores,
    /// Key-account potential, against the key-account threshold of the rules in force.
    pub potential: FactorScores,
    /// That threshold, in fen.
    pub key_threshold_fen: i64,
    /// The applied model's probability in percent (no factors when none is applied).
    pub model: FactorScores,
}

impl Loaded {
    /// Analyses `dataset` with `tier_rules`.
    pub fn with_rules(
        record: SnapshotRecord,
        dataset: Arc<Dataset>,
        tier_rules: TierRules,
    ) -> Loaded {
        let config = AnalysisConfig { tier_rules };
        let analysis = analyse(&dataset, &config);
        // The dataset loaded is the one on screen: its amounts are written in its currency.
        crate::format::show_amounts_in(record.currency);
        Loaded::of(record, dataset, config.tier_rules, analysis, None)
    }

    fn of(
        record: SnapshotRecord,
        dataset: Arc<Dataset>,
        tier_rules: TierRules,
        analysis: Analysis,
        applied: Option<Arc<AppliedModel>>,
    ) -> Loaded {
        Loaded {
            record,
            dataset,
            tier_rules,
            analysis,
            aum_index: OnceLock::new(),
            scored: OnceLock::new(),
            customer_rows: OnceLock::new(),
            applied,
            model_design: OnceLock::new(),
            snapshot_alerts: Mutex::new(None),
        }
    }

    /// The snapshot with the journal's reassignments, its books rebuilt (books follow
    /// managers); `None` when the journal changes no one's manager here.
    pub fn with_journal_assignments(&self, journal: &crate::journal::Journal) -> Option<Loaded> {
        let after = crate::analytics::workbench::assignments(&self.dataset, journal);
        if after.manager_of == self.dataset.customers().relationship_manager_idx {
            return None;
        }
        let dataset = self
            .dataset
            .with_relationship_managers(after.manager_of)
            .ok()?;
        let config = AnalysisConfig {
            tier_rules: self.tier_rules.clone(),
        };
        let analysis = self.analysis.rebooked(&dataset, &config);
        Some(Loaded::of(
            self.record.clone(),
            Arc::new(dataset),
            config.tier_rules,
            analysis,
            self.applied.clone(),
        ))
    }

    /// The same snapshot and analysis with `applied` as its model: its scores join the lists.
    pub fn with_applied(&self, applied: Option<Arc<AppliedModel>>) -> Loaded {
        Loaded::of(
            self.record.clone(),
            self.dataset.clone(),
            self.tier_rules.clone(),
            self.analysis.clone(),
            applied,
        )
    }

    /// The snapshot's own alerts ([`snapshot_alerts`]) for `input`, computed again only when
    /// the thresholds, the day or the previous snapshot's tiers change.
    pub fn snapshot_alerts(
        &self,
        input: &AlertInput<'_>,
        thresholds: &AlertThresholds,
    ) -> Arc<Vec<Alert>> {
        let key = SnapshotAlertsKey {
            thresholds: thresholds.clone(),
            today: input.today,
            previous_tier: input.previous_tier.map(<[Option<u8>]>::to_vec),
        };
        let mut kept = self
            .snapshot_alerts
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        match &*kept {
            Some((was, alerts)) if *was == key => alerts.clone(),
            _ => {
                let alerts = Arc::new(snapshot_alerts(input, thresholds));
                *kept = Some((key, alerts.clone()));
                alerts
            }
        }
    }

    /// The profile and rule scores of every customer, computed on first use.
    pub fn scored(&self) -> &Scored {
        self.scored.get_or_init(|| {
            let (dataset, features) = (&*self.dataset, &self.analysis.features);
            let profile = customer_profile(dataset, self.analysis.as_of);
            let key_threshold_fen = key_threshold_fen(&self.tier_rules);
            let compute =
                |kind: ScoreKind| kind.compute(dataset, features, &profile, key_threshold_fen);
            let model = self
                .applied
                .as_ref()
                .filter(|a| a.probabilities.len() == dataset.n_customers())
                .map_or_else(
                    || FactorScores::of_model(&[]),
                    |a| FactorScores::of_model(&a.probabilities),
                );
            Scored {
                model,
                capacity: compute(ScoreKind::Capacity),
                attrition: compute(ScoreKind::Attrition),
                potential: compute(ScoreKind::Potential),
                key_threshold_fen,
                profile,
            }
        })
    }

    /// The columns the applied model reads, for its per-customer contributions; `None` without
    /// an applied model.
    pub fn model_design(&self) -> Option<&Design> {
        self.model_design
            .get_or_init(|| {
                let applied = self.applied.as_ref()?;
                let candidates = crate::analytics::models::selection::candidates(
                    &self.dataset,
                    &self.analysis.features,
                    &self.scored().profile,
                );
                // Text columns coded as at training (which may be another snapshot).
                applied.model.design_for(&candidates.design).ok()
            })
            .as_ref()
    }

    /// Each customer's rows of the holdings, interactions and feedback, grouped once.
    pub fn customer_rows(&self) -> &CustomerRows {
        self.customer_rows.get_or_init(|| {
            let n = self.dataset.n_customers();
            CustomerRows {
                holdings: Grouped::by_customer(&self.dataset.holdings().customer_idx, n),
                interactions: Grouped::by_customer(&self.dataset.interactions().customer_idx, n),
                feedback: Grouped::by_customer(&self.dataset.feedback().customer_idx, n),
            }
        })
    }

    /// The row of the customer with this id, if any.
    pub fn find_customer(&self, customer_id: &str) -> Option<usize> {
        let ids = &self.dataset.customers().customer_id;
        (0..ids.len()).find(|&row| ids.get(row) == customer_id)
    }

    /// The sorted AUM column the what-if answers from.
    pub fn aum_index(&self) -> &AumIndex {
        self.aum_index
            .get_or_init(|| AumIndex::new(&self.analysis.features.aum_fen))
    }

    /// The date the figures describe, as the reader writes dates ("–" when unknown).
    pub fn as_of_text(&self, lang: Lang) -> String {
        self.analysis
            .as_of
            .map(|day| crate::format::date(day, lang))
            .unwrap_or_else(|| "–".into())
    }

    /// The tier's name in the reader's language.
    pub fn tier_name(&self, tier: usize, lang: Lang) -> &str {
        let rule = &self.tier_rules.tiers[tier];
        match lang {
            Lang::Zh => &rule.name_zh,
            Lang::En => &rule.name_en,
        }
    }
}

impl Scored {
    /// One of the three scores.
    pub fn of(&self, kind: ScoreKind) -> &FactorScores {
        match kind {
            ScoreKind::Capacity => &self.capacity,
            ScoreKind::Attrition => &self.attrition,
            ScoreKind::Potential => &self.potential,
            ScoreKind::Model => &self.model,
        }
    }
}
