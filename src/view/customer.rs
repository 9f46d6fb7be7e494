//! The Customer 360 page's model: one customer's facts, tags, headline figures, holdings, AUM
//! and activity by month, transaction mix, scores with their reasons, contacts, feedback,
//! suitability warnings, and the next-best products once the worker has ranked them.

use super::customers::score_title;
use super::overview::Kpi;
use super::Loaded;
use crate::analytics::forecast::{customer_monthly_series, year_month};
use crate::analytics::profile::{transaction_mix, MixLine, YEAR_DAYS};
use crate::analytics::propensity::Offer;
use crate::analytics::scores::{
    FactorScores, ScoreKind, ATTRITION_HIGH_SCORE, POTENTIAL_MIN_SCORE,
};
use crate::analytics::suitability::{suitability_flag, SuitabilityIssue};
use crate::charts::{BarsSpec, ContributionsSpec, Measure, TrendSpec};
use crate::format::{count, date, dated_title, money_compact};
use crate::i18n::{banking_term, canonical_label, model_feature_name, product_name, Lang, Msg};
use crate::import::{canonical_values, Field};
use crate::model::{add_fen, Day, ProductType, NO_RELATIONSHIP_MANAGER};

/// Months of history on the profile's trend chart.
pub const PROFILE_MONTHS: usize = 12;
/// Contributions shown by name on the offer's chart; the rest are summed into one bar.
pub const OFFER_FACTORS: usize = 6;

/// A dated line of the contact log or the feedback, newest first.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LogRow {
    pub date: String,
    /// The interaction's kind, or the survey's score.
    pub what: String,
    /// The note or the comment.
    pub text: String,
}

/// A holding rated above what the customer may hold.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SuitabilityRow {
    pub product: &'static str,
    pub balance: String,
    pub product_level: String,
    pub customer_level: String,
    pub issue: &'static str,
}

/// One holding or account the customer holds, as the 360's list shows it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HeldRow {
    pub product: &'static str,
    /// The account id or product code, as imported.
    pub code: String,
    pub balance: String,
    pub as_of: String,
}

/// One customer's page, ready to bind.
#[derive(Clone, Debug, PartialEq)]
pub struct CustomerProfile {
    pub name: String,
    /// What a manager should know at a glance: `(label, data-tag)`.
    pub tags: Vec<(&'static str, &'static str)>,
    /// `(label, value, is data)`: a value that is the bank's data (an id, a city, a name) is
    /// shown as imported, whatever the page's language.
    pub facts: Vec<(&'static str, String, bool)>,
    pub kpis: Vec<Kpi>,
    /// Holdings by product; `None` when the customer holds nothing.
    pub holdings: Option<BarsSpec>,
    /// Month-end AUM and activity; `None` without an as-of date.
    pub trend: Option<TrendSpec>,
    /// Twelve months' turnover by category and by channel; `None` without transactions in
    /// the year.
    pub mix: Option<(BarsSpec, BarsSpec)>,
    /// Each rule score's contributions, with the chart's test id.
    pub scores: Vec<(ContributionsSpec, &'static str)>,
    pub contacts: Vec<LogRow>,
    pub feedback: Vec<LogRow>,
    pub suitability: Vec<SuitabilityRow>,
    /// Every holding, largest balance first: accounts by their ids for an account-keyed export.
    pub held: Vec<HeldRow>,
    /// Whether the dataset has any transactions: without them the trend, the mix and attrition
    /// say so instead of showing zeros as if they were facts.
    pub has_transactions: bool,
    /// Whether the customer holds anything on record: offers and suitability need holdings.
    pub has_holdings: bool,
}

fn risk_level(level: u8) -> String {
    match level {
        0 => "–".into(),
        level => format!("R{level}"),
    }
}

/// A rule score as a contributions chart, largest effects first.
pub fn score_contributions(
    scores: &FactorScores,
    row: usize,
    lang: Lang,
    title: &str,
) -> ContributionsSpec {
    ContributionsSpec {
        title: title.to_owned(),
        base_label: lang.text(Msg::BasePoints).into(),
        base: scores.base,
        factors: scores
            .explain(row)
            .into_iter()
            .map(|(factor, points)| {
                let name = match lang {
                    Lang::Zh => factor.name_zh(),
                    Lang::En => factor.name_en(),
                };
                (name.to_owned(), points)
            })
            .collect(),
        decimals: 1,
    }
}

/// The page of the customer at `row`.
pub fn customer_profile(loaded: &Loaded, row: usize, lang: Lang) -> CustomerProfile {
    let dataset = &loaded.dataset;
    let analysis = &loaded.analysis;
    let c = dataset.customers();
    let f = &analysis.features;
    let scored = loaded.scored();
    let profile = &scored.profile;
    let rows = loaded.customer_rows();
    let as_of = loaded.as_of_text(lang);
    let dated = |msg: Msg| dated_title(lang.text(msg), &as_of, lang);
    let tier = analysis.tier_of_customer[row] as usize;
    let manager = match c.relationship_manager_idx[row] {
        NO_RELATIONSHIP_MANAGER => lang.text(Msg::Unassigned).to_owned(),
        rm => {
            let managers = dataset.relationship_managers();
            let rm = rm as usize;
            format!("{} {}", managers.rm_id.get(rm), managers.name.get(rm))
        }
    };
    let assigned = c.relationship_manager_idx[row] != NO_RELATIONSHIP_MANAGER;
    let facts = vec![
        (
            lang.text(Msg::CustomerId),
            c.customer_id.get(row).to_owned(),
            true,
        ),
        (
            lang.text(Msg::Tier),
            loaded.tier_name(tier, lang).to_owned(),
            false,
        ),
        (lang.text(Msg::City), c.city.get(row).to_owned(), true),
        (lang.text(Msg::RelationshipManager), manager, assigned),
        (
            lang.text(Msg::RiskLevel),
            risk_level(c.risk_level[row]),
            false,
        ),
        (
            lang.text(Msg::Age),
            profile.age_years[row].map_or("–".into(), |a| a.to_string()),
            false,
        ),
        (
            lang.text(Msg::AnnualIncomeFact),
            match c.annual_income_fen[row] {
                0 => "–".into(),
                fen if c.income_band[row] => format!(
                    "{} {}",
                    money_compact(fen, lang),
                    lang.text(Msg::IncomeBandMidpoint)
                ),
                fen => money_compact(fen, lang),
            },
            false,
        ),
        (
            lang.text(Msg::TenureMonths),
            profile.tenure_months[row].map_or("–".into(), |m| m.to_string()),
            false,
        ),
    ];
    let kpi = |label, value, testid| Kpi::new(lang, label, value, testid);
    let kpis = vec![
        kpi(
            Msg::Aum,
            money_compact(f.aum_fen[row], lang),
            "customer-aum",
        ),
        kpi(
            Msg::Deposits,
            money_compact(profile.deposits_fen[row], lang),
            "customer-deposits",
        ),
        kpi(
            Msg::WealthProducts,
            money_compact(profile.wealth_fen[row], lang),
            "customer-wealth",
        ),
        kpi(
            Msg::Loan,
            money_compact(f.loan_fen[row], lang),
            "customer-loans",
        ),
        kpi(Msg::F12, count(f.f12[row] as usize), "customer-f12"),
    ];

    // Holdings by product type: what a relationship manager sees first.
    let holdings = dataset.holdings();
    let own: Vec<usize> = rows.holdings.of(row).collect();
    let mut by_product = [0i64; ProductType::ALL.len()];
    for &h in &own {
        let held = &mut by_product[holdings.product_type[h] as usize];
        *held = add_fen(*held, holdings.balance_fen[h]);
    }
    let held: Vec<(ProductType, i64)> = ProductType::ALL
        .into_iter()
        .map(|p| (p, by_product[p as usize]))
        .filter(|&(_, fen)| fen != 0)
        .collect();
    let holdings_chart = (!held.is_empty()).then(|| BarsSpec {
        title: dated(Msg::HoldingsByProduct),
        categories: held
            .iter()
            .map(|&(p, _)| product_name(p, lang).to_owned())
            .collect(),
        values: held.iter().map(|&(_, fen)| fen).collect(),
        caption: lang.text(Msg::Balance).into(),
        measure: Measure::Money(lang),
    });

    // The trend is rebuilt from net flows: without transactions, or with neither assets nor
    // activity, it would be a line at zero that says nothing.
    let has_transactions = !dataset.transactions().is_empty();
    let trend = analysis.as_of.filter(|_| has_transactions).and_then(|day| {
        let series = customer_monthly_series(dataset, day, row, &f.aum_fen, PROFILE_MONTHS);
        let aum_fen = series.aum_fen.first().cloned().unwrap_or_default();
        let activity = series.activity.first().cloned().unwrap_or_default();
        if aum_fen.iter().chain(&activity).all(|&v| v == 0.0) {
            return None;
        }
        Some(TrendSpec {
            title: dated(Msg::AumTrend),
            months: series
                .months
                .iter()
                .map(|&m| {
                    let (year, month) = year_month(m);
                    crate::format::month(year, month, lang)
                })
                .collect(),
            aum_fen,
            activity,
            forecast_fen: Vec::new(),
            band_fen: Vec::new(),
            aum_caption: lang.text(Msg::AumMonthEnd).into(),
            activity_caption: lang.text(Msg::TransactionsPerMonth).into(),
            forecast_caption: lang.text(Msg::ForecastWord).into(),
            lang,
        })
    });

    // Twelve months of transactions by category and by channel.
    // A value the import's value map assigned (`card`, `salary`) reads in the reader's words,
    // as does a Chinese export's own word.
    let term = |field: Field, label: &str| {
        if canonical_values(field).iter().any(|&(key, _)| key == label) {
            canonical_label(Some(field), label, lang)
        } else {
            banking_term(label, lang).to_owned()
        }
    };
    let mix_chart = |lines: &[MixLine], title: Msg, field: Field| BarsSpec {
        title: dated(title),
        categories: lines
            .iter()
            .map(|l| match l.label.as_str() {
                "" => lang.text(Msg::BlankValue).to_owned(),
                label => format!("{} ({})", term(field, label), count(l.count as usize)),
            })
            .collect(),
        values: lines.iter().map(|l| l.turnover_fen).collect(),
        caption: lang.text(Msg::Turnover).into(),
        measure: Measure::Money(lang),
    };
    let mix = analysis
        .as_of
        .map(|day| transaction_mix(dataset, row, Day(day.0 - YEAR_DAYS), day))
        .filter(|mix| !mix.by_category.is_empty())
        .map(|mix| {
            (
                mix_chart(
                    &mix.by_category,
                    Msg::TransactionsByCategory,
                    Field::Category,
                ),
                mix_chart(&mix.by_channel, Msg::TransactionsByChannel, Field::Channel),
            )
        });

    let scores = ScoreKind::ALL
        .into_iter()
        .filter(|&kind| kind.applies_to(dataset))
        .map(|kind| {
            let scores = scored.of(kind);
            let title = format!("{} {:.0}", lang.text(score_title(kind)), scores.score(row));
            let title = dated_title(&title, &as_of, lang);
            (score_contributions(scores, row, lang, &title), kind.key())
        })
        .collect();

    let flags: Vec<_> = own
        .iter()
        .filter_map(|&h| suitability_flag(dataset, h))
        .collect();
    let suitability = flags
        .iter()
        .map(|flag| {
            let h = flag.holding as usize;
            SuitabilityRow {
                product: product_name(holdings.product_type[h], lang),
                balance: money_compact(holdings.balance_fen[h], lang),
                product_level: format!("R{}", flag.product_level),
                customer_level: risk_level(flag.customer_level),
                issue: lang.text(match flag.issue {
                    SuitabilityIssue::AboveTolerance => Msg::AboveTolerance,
                    SuitabilityIssue::NotAssessed => Msg::NotAssessed,
                }),
            }
        })
        .collect();

    let mut tags = Vec::new();
    if tier < loaded.tier_rules.key_account_tiers() {
        tags.push((lang.text(Msg::TagKeyAccount), "key-account"));
    } else if scored.potential.score(row) >= POTENTIAL_MIN_SCORE {
        tags.push((lang.text(Msg::PotentialKeyAccounts), "potential"));
    }
    if ScoreKind::Attrition.applies_to(dataset)
        && scored.attrition.score(row) >= ATTRITION_HIGH_SCORE
    {
        tags.push((lang.text(Msg::TagAttritionRisk), "attrition"));
    }
    if c.relationship_manager_idx[row] == NO_RELATIONSHIP_MANAGER {
        tags.push((lang.text(Msg::Unassigned), "unassigned"));
    }
    if !flags.is_empty() {
        tags.push((lang.text(Msg::TagSuitability), "suitability"));
    }

    let interactions = dataset.interactions();
    let contacts = rows
        .interactions
        .of(row)
        .rev()
        .map(|i| LogRow {
            date: date(interactions.date[i], lang),
            what: interactions.kind.get(i).to_owned(),
            text: interactions.note.get(i).to_owned(),
        })
        .collect();
    let answers = dataset.feedback();
    let feedback = rows
        .feedback
        .of(row)
        .rev()
        .map(|i| LogRow {
            date: date(answers.date[i], lang),
            what: answers.score[i].to_string(),
            text: answers.comment.get(i).to_owned(),
        })
        .collect();

    let mut by_balance = own.clone();
    by_balance.sort_by_key(|&h| std::cmp::Reverse(holdings.balance_fen[h]));
    let held = by_balance
        .into_iter()
        .map(|h| HeldRow {
            product: product_name(holdings.product_type[h], lang),
            code: holdings.product_code.get(h).to_owned(),
            balance: money_compact(holdings.balance_fen[h], lang),
            as_of: date(holdings.as_of[h], lang),
        })
        .collect();

    CustomerProfile {
        name: c.name.get(row).to_owned(),
        tags,
        facts,
        kpis,
        holdings: holdings_chart,
        trend,
        mix,
        scores,
        contacts,
        feedback,
        suitability,
        held,
        has_transactions,
        has_holdings: !own.is_empty(),
    }
}

/// One family the customer does not hold, as the offers table shows it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OfferRow {
    /// `data-product`.
    pub key: &'static str,
    pub product: &'static str,
    pub probability: String,
    pub holders_share: String,
    pub validation_auc: String,
}

/// The worker's offers as table rows, and the first one's reasons as a chart; `None` when
/// there is nothing to offer.
pub fn offers_view(
    offers: &[Offer],
    lang: Lang,
    as_of: &str,
) -> Option<(Vec<OfferRow>, ContributionsSpec)> {
    let best = offers.first()?;
    let rows = offers
        .iter()
        .map(|offer| OfferRow {
            key: offer.product.key(),
            product: product_name(offer.product, lang),
            probability: format!("{:.0}%", offer.probability * 100.0),
            holders_share: format!("{:.0}%", offer.base_rate * 100.0),
            validation_auc: offer
                .validation_auc
                .map_or("–".into(), |a| format!("{a:.2}")),
        })
        .collect();
    let mut factors: Vec<(String, f64)> = best
        .contributions
        .iter()
        .take(OFFER_FACTORS)
        .map(|(name, part)| (model_feature_name(name, lang), *part))
        .collect();
    if best.contributions.len() > OFFER_FACTORS {
        let rest: f64 = best
            .contributions
            .iter()
            .skip(OFFER_FACTORS)
            .map(|c| c.1)
            .sum();
        factors.push((lang.text(Msg::OtherFactors).to_owned(), rest));
    }
    let title = format!(
        "{} · {} {:.0}%",
        product_name(best.product, lang),
        lang.text(Msg::Probability),
        best.probability * 100.0
    );
    let spec = ContributionsSpec {
        title: dated_title(&title, as_of, lang),
        base_label: lang.text(Msg::ModelBase).into(),
        base: best.base,
        factors,
        decimals: 2,
    };
    Some((rows, spec))
}

/// The applied model's verdict on one customer: its name, the probability, and the log-odds
/// parts of every feature (the largest as bars, the rest summed) that add up to it.
#[derive(Clone, Debug, PartialEq)]
pub struct ModelVerdict {
    /// The model's name and version.
    pub name: String,
    /// The customer's probability, as a percentage.
    pub probability: String,
    /// Base and parts as a chart.
    pub spec: ContributionsSpec,
    /// Whether it predicts a credit outcome (it then speaks for credit risk).
    pub credit_risk: bool,
}

/// The applied model's verdict on `row`; `None` when no model is applied.
pub fn model_verdict(loaded: &Loaded, row: usize, lang: Lang, as_of: &str) -> Option<ModelVerdict> {
    let applied = loaded.applied.as_ref()?;
    let design = loaded.model_design()?;
    let (base, parts) = applied.model.contributions(design, row);
    let logit = base + parts.iter().map(|p| p.1).sum::<f64>();
    let probability = crate::analytics::models::sigmoid(logit);
    let mut factors: Vec<(String, f64)> = parts
        .iter()
        .take(OFFER_FACTORS)
        .map(|(name, part)| (model_feature_name(name, lang), *part))
        .collect();
    if parts.len() > OFFER_FACTORS {
        let rest: f64 = parts.iter().skip(OFFER_FACTORS).map(|p| p.1).sum();
        factors.push((lang.text(Msg::OtherFactors).to_owned(), rest));
    }
    let title = format!(
        "{} · {} {:.0}%",
        applied.name,
        lang.text(Msg::Probability),
        probability * 100.0
    );
    Some(ModelVerdict {
        name: format!(
            "{} · {} {}",
            applied.name,
            lang.text(Msg::ModelVersion),
            applied.version
        ),
        probability: format!("{:.1}%", probability * 100.0),
        spec: ContributionsSpec {
            title: dated_title(&title, as_of, lang),
            base_label: lang.text(Msg::ModelImportanceBase).to_owned(),
            base,
            factors,
            decimals: 2,
        },
        credit_risk: applied.is_credit_risk(),
    })
}
