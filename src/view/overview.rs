//! The Overview page's model: its headline figures, the tier table, its three charts and what
//! changed since the dataset's previous snapshot.

use super::url::CustomersQuery;
use super::Loaded;
use crate::analytics::distribution::aum_histogram;
use crate::analytics::forecast::{forecast, monthly_series, year_month, MonthIndex};
use crate::analytics::migration::{tier_migration, Migration, TierSnapshot};
use crate::analytics::pipeline::features_and_tiers;
use crate::analytics::scores::potential_key_accounts;
use crate::charts::{AumHistogramSpec, TierBarsSpec, TrendSpec};
use crate::format::{count, dated_title, money_compact, percent};
use crate::i18n::{Lang, Msg};
use crate::model::{sum_fen, Dataset};
use crate::storage::catalogue::SnapshotRecord;

/// Months of history in the trend chart, and months forecast after them.
pub const TREND_MONTHS: usize = 24;
pub const FORECAST_MONTHS: usize = 6;

/// A headline figure.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Kpi {
    pub label: &'static str,
    pub value: String,
    /// `data-kpi`, for tests and the bench.
    pub testid: &'static str,
}

impl Kpi {
    /// The figure `label` in `lang`.
    pub fn new(lang: Lang, label: Msg, value: String, testid: &'static str) -> Kpi {
        Kpi {
            label: lang.text(label),
            value,
            testid,
        }
    }
}

/// One tier's row of the tier table.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TierRow {
    pub key: String,
    pub name: String,
    /// The tier's customer list.
    pub href: String,
    /// `≥ ¥…`, or `–` for the last rung.
    pub threshold: String,
    pub customers: String,
    pub aum: String,
    pub aum_share: String,
}

/// Everything the Overview shows of the loaded snapshot (what changed since the previous one
/// comes apart, when storage has read it).
#[derive(Clone, Debug, PartialEq)]
pub struct Overview {
    pub as_of: String,
    pub kpis: Vec<Kpi>,
    pub tiers: Vec<TierRow>,
    pub tier_bars: TierBarsSpec,
    pub histogram: AumHistogramSpec,
    /// Customers left off the log-scale histogram: no AUM.
    pub without_aum: usize,
    /// The monthly trend with its forecast and the forecast's note; `None` without
    /// transactions.
    pub trend: Option<(TrendSpec, String)>,
}

/// A month as the reader writes it.
fn month_label(month: MonthIndex, lang: Lang) -> String {
    let (year, month) = year_month(month);
    crate::format::month(year, month, lang)
}

/// The Overview of `loaded` in `lang`; `path` is the document's own path, for links.
pub fn overview(loaded: &Loaded, lang: Lang, path: &str) -> Overview {
    let analysis = &loaded.analysis;
    let tiers = &analysis.tier_summary;
    let rules = &loaded.tier_rules;
    let key_tiers = rules.key_account_tiers();
    let key_accounts: usize = tiers.customers[..key_tiers].iter().sum();
    let key_aum = sum_fen(&tiers.aum_fen[..key_tiers]);
    let total_aum = tiers.total_aum_fen();
    let as_of = loaded.as_of_text(lang);
    let tier_href = |tier: usize| {
        CustomersQuery {
            tier: Some(rules.tiers[tier].key.clone()),
            ..CustomersQuery::default()
        }
        .to_href(path)
    };
    let scored = loaded.scored();
    let features = &analysis.features;
    let potential = potential_key_accounts(
        &scored.potential,
        &features.aum_fen,
        scored.key_threshold_fen,
    )
    .len();
    let kpi = |label, value, testid| Kpi::new(lang, label, value, testid);
    let mut kpis = vec![
        kpi(
            Msg::Customers,
            count(loaded.dataset.n_customers()),
            "customers",
        ),
        kpi(Msg::KeyAccounts, count(key_accounts), "key-accounts"),
        kpi(Msg::TotalAum, money_compact(total_aum, lang), "total-aum"),
        kpi(
            Msg::KeyAccountAumShare,
            percent(key_aum, total_aum),
            "key-share",
        ),
        kpi(Msg::PotentialKeyAccounts, count(potential), "potential"),
    ];
    // The year's money in and out, when there are transactions to count: an unsigned file is
    // refused at import, so these are flows the export says, not guesses.
    if !loaded.dataset.transactions().is_empty() {
        let inflow = sum_fen(&features.in12_fen);
        let turnover = sum_fen(&features.m12_fen);
        kpis.push(kpi(
            Msg::Inflows12,
            money_compact(inflow, lang),
            "inflow-12m",
        ));
        kpis.push(kpi(
            Msg::Outflows12,
            money_compact(turnover - inflow, lang),
            "outflow-12m",
        ));
    }
    let n_tiers = rules.tiers.len();
    let tier_rows = (0..n_tiers)
        .map(|tier| TierRow {
            key: rules.tiers[tier].key.clone(),
            name: loaded.tier_name(tier, lang).to_owned(),
            href: tier_href(tier),
            threshold: if tier + 1 == n_tiers {
                "–".to_string()
            } else {
                format!("≥ {}", money_compact(rules.tiers[tier].min_aum_fen, lang))
            },
            customers: count(tiers.customers[tier]),
            aum: money_compact(tiers.aum_fen[tier], lang),
            aum_share: percent(tiers.aum_fen[tier], total_aum),
        })
        .collect();
    let tier_bars = TierBarsSpec {
        title: dated_title(lang.text(Msg::CustomersAndAumByTier), &as_of, lang),
        tiers: (0..n_tiers)
            .map(|tier| loaded.tier_name(tier, lang).to_owned())
            .collect(),
        customers: tiers.customers.iter().map(|&c| c as u64).collect(),
        aum_fen: tiers.aum_fen.clone(),
        customers_caption: lang.text(Msg::CustomerCountAxis).into(),
        aum_caption: lang.text(Msg::AumAxis).into(),
        lang,
        links: (0..n_tiers).map(|tier| Some(tier_href(tier))).collect(),
    };
    let binned = aum_histogram(&features.aum_fen, 4);
    let histogram = AumHistogramSpec {
        title: dated_title(lang.text(Msg::AumDistribution), &as_of, lang),
        edges_fen: binned.edges_fen,
        counts: binned.counts,
        thresholds: (0..n_tiers.saturating_sub(1))
            .map(|tier| {
                (
                    loaded.tier_name(tier, lang).to_owned(),
                    rules.tiers[tier].min_aum_fen,
                )
            })
            .collect(),
        x_caption: lang.text(Msg::AumAxis).into(),
        y_caption: lang.text(Msg::CustomerCountAxis).into(),
        lang,
    };
    Overview {
        trend: trend(loaded, lang, &as_of),
        as_of,
        kpis,
        tiers: tier_rows,
        tier_bars,
        histogram,
        without_aum: binned.without_aum,
    }
}

/// Month-end AUM and transactions per month over two years, with a Holt forecast and the
/// error it had on the last three months.
fn trend(loaded: &Loaded, lang: Lang, as_of: &str) -> Option<(TrendSpec, String)> {
    let analysis = &loaded.analysis;
    let as_of_day = analysis
        .as_of
        .filter(|_| !loaded.dataset.transactions().is_empty())?;
    let total = loaded.tier_rules.tiers.len();
    let series = monthly_series(
        &loaded.dataset,
        as_of_day,
        &analysis.features.aum_fen,
        &analysis.tier_of_customer,
        total,
        TREND_MONTHS,
    );
    let aum = series.aum_fen.get(total).cloned().unwrap_or_default();
    let predicted = forecast(&aum, FORECAST_MONTHS, 3);
    let last = series.months.last().copied().unwrap_or_default();
    let months = series
        .months
        .iter()
        .copied()
        .chain((1..=FORECAST_MONTHS as i32).map(|h| last + h))
        .map(|m| month_label(m, lang))
        .collect();
    let error = predicted
        .holdout_relative_error
        .map(|e| format!("{:.1}%", e * 100.0))
        .unwrap_or_else(|| "–".into());
    let spec = TrendSpec {
        title: dated_title(lang.text(Msg::AumTrend), as_of, lang),
        months,
        aum_fen: aum,
        activity: series.activity.get(total).cloned().unwrap_or_default(),
        forecast_fen: predicted.values,
        band_fen: predicted.band,
        aum_caption: lang.text(Msg::AumMonthEnd).into(),
        activity_caption: lang.text(Msg::TransactionsPerMonth).into(),
        forecast_caption: lang.text(Msg::ForecastWord).into(),
        lang,
    };
    Some((spec, format!("{} {error}", lang.text(Msg::ForecastNote))))
}

/// What changed since the dataset's previous snapshot, with the current tier rules.
#[derive(Clone, Debug, PartialEq)]
pub struct SincePrevious {
    /// The earlier snapshot.
    pub record: SnapshotRecord,
    /// Its AUM in all.
    pub aum_before_fen: i64,
    /// Customers and AUM from each earlier tier to each later one.
    pub migration: Migration,
}

impl SincePrevious {
    /// `earlier` (the snapshot `record`) re-tiered with today's rules and compared with
    /// `loaded`.
    pub fn of(loaded: &Loaded, record: SnapshotRecord, earlier: &Dataset) -> SincePrevious {
        let (_, features, tiers) = features_and_tiers(earlier, &loaded.tier_rules);
        let migration = tier_migration(
            TierSnapshot {
                customer_id: &earlier.customers().customer_id,
                tier: &tiers,
                aum_fen: &features.aum_fen,
            },
            TierSnapshot {
                customer_id: &loaded.dataset.customers().customer_id,
                tier: &loaded.analysis.tier_of_customer,
                aum_fen: &loaded.analysis.features.aum_fen,
            },
            loaded.tier_rules.tiers.len(),
        );
        SincePrevious {
            record,
            aum_before_fen: sum_fen(&features.aum_fen),
            migration,
        }
    }

    /// The AUM change since, signed, as the KPI shows it.
    pub fn aum_change(&self, loaded: &Loaded, lang: Lang) -> String {
        let change = loaded.analysis.tier_summary.total_aum_fen() - self.aum_before_fen;
        let sign = if change > 0 { "+" } else { "" };
        format!("{sign}{}", money_compact(change, lang))
    }
}
