//! A stored snapshot in memory with its analysis: what every page model is built from.

use crate::analytics::profile::{customer_profile, CustomerProfile};
use crate::analytics::scores::{
    attrition_risk, financial_capacity, key_account_potential, key_threshold_fen, FactorScores,
    ScoreKind,
};
use crate::analytics::whatif::AumIndex;
use crate::analytics::{analyse, Analysis, AnalysisConfig, TierRules};
use crate::i18n::Lang;
use crate::model::Dataset;
use crate::storage::catalogue::SnapshotRecord;
use std::sync::{Arc, OnceLock};

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
        Loaded {
            record,
            dataset,
            tier_rules: config.tier_rules,
            analysis,
            aum_index: OnceLock::new(),
            scored: OnceLock::new(),
        }
    }

    /// The profile and rule scores of every customer, computed on first use.
    pub fn scored(&self) -> &Scored {
        self.scored.get_or_init(|| {
            let (dataset, features) = (&*self.dataset, &self.analysis.features);
            let profile = customer_profile(dataset, self.analysis.as_of);
            let key_threshold_fen = key_threshold_fen(&self.tier_rules);
            Scored {
                capacity: financial_capacity(dataset, features, &profile),
                attrition: attrition_risk(features, &profile),
                potential: key_account_potential(dataset, features, &profile, key_threshold_fen),
                key_threshold_fen,
                profile,
            }
        })
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
        }
    }
}
