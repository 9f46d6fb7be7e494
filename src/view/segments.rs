//! The Segments page's tier editor: thresholds typed in 万元 read exactly into fen, the ladder's
//! validity, and the what-if's rows and chart for a proposed ladder.

use super::Loaded;
use crate::analytics::rfm::rfm_grid;
use crate::analytics::segments::CustomerSegments;
use crate::analytics::whatif::what_if;
use crate::analytics::TierRules;
use crate::charts::{RfmGridSpec, ScatterSpec, TierBarsSpec};
use crate::format::{count, dated_title, money_compact};
use crate::i18n::{Lang, Msg};
use crate::import::values::parse_money;
use crate::view::url::{CustomerQuery, CustomersQuery};

/// The unit a tier threshold is typed in, as each language's bankers say it: 万元 (ten
/// thousand yuan) in Chinese, thousands of yuan in English; with its size in fen and the
/// number of decimal places that move when a typed figure becomes yuan.
fn threshold_scale(lang: Lang) -> (u64, usize) {
    match lang {
        Lang::Zh => (1_000_000, 4),
        Lang::En => (100_000, 3),
    }
}

/// A threshold typed in the reader's unit (`100` 万元, or `1000` thousand yuan, are both
/// ¥1,000,000), in fen: read exactly by the import's money rules after moving the decimal
/// point, positive; `None` for anything else.
pub fn threshold_to_fen(text: &str, lang: Lang) -> Option<i64> {
    let text = text.trim();
    if text.is_empty() || !text.chars().all(|c| c.is_ascii_digit() || c == '.') {
        return None;
    }
    // A number input may hand over `.25` as typed; money in exports always has a whole part.
    let (whole, fraction) = text.split_once('.').unwrap_or((text, ""));
    if fraction.contains('.') {
        return None;
    }
    let places = threshold_scale(lang).1;
    let padded = format!("{fraction:0<places$}");
    let (moved, rest) = padded.split_at(places);
    let yuan = match rest {
        "" => format!("{whole}{moved}"),
        rest => format!("{whole}{moved}.{rest}"),
    };
    let fen = parse_money(&yuan).ok().flatten()?;
    (fen > 0).then_some(fen)
}

/// Fen in the reader's threshold unit, for the editor's inputs: no trailing zeros.
pub fn fen_to_threshold(fen: i64, lang: Lang) -> String {
    let unit = threshold_scale(lang).0;
    let width = unit.ilog10() as usize;
    let sign = if fen < 0 { "-" } else { "" };
    let (whole, part) = (fen.unsigned_abs() / unit, fen.unsigned_abs() % unit);
    match part {
        0 => format!("{sign}{whole}"),
        part => {
            let digits = format!("{part:0width$}");
            format!("{sign}{whole}.{}", digits.trim_end_matches('0'))
        }
    }
}

/// Whether a proposed ladder can be applied: every rung but the last above zero, and the
/// thresholds strictly falling.
pub fn valid_ladder(rules: &TierRules) -> bool {
    let n = rules.tiers.len();
    rules.tiers[..n.saturating_sub(1)]
        .iter()
        .all(|rule| rule.min_aum_fen > 0)
        && rules.tiers[..n.saturating_sub(1)]
            .windows(2)
            .all(|pair| pair[0].min_aum_fen > pair[1].min_aum_fen)
}

/// One tier's row of the what-if.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WhatIfRow {
    pub key: String,
    pub name: String,
    pub customers_now: String,
    pub customers_proposed: String,
    pub customers_in: String,
    pub customers_out: String,
    pub aum_now: String,
    pub aum_proposed: String,
    pub aum_in: String,
    pub aum_out: String,
}

/// The what-if of `proposed` against the ladder in force: its rows and the proposed tiers'
/// chart; `None` when the ladder has conditions besides AUM, which the what-if cannot move.
pub fn what_if_view(
    loaded: &Loaded,
    proposed: &TierRules,
    lang: Lang,
) -> Option<(Vec<WhatIfRow>, TierBarsSpec)> {
    let shifts = what_if(loaded.aum_index(), &loaded.tier_rules, proposed)?;
    let money = |fen: i128| money_compact(fen.clamp(i64::MIN.into(), i64::MAX.into()) as i64, lang);
    let rows = shifts
        .iter()
        .enumerate()
        .map(|(tier, shift)| WhatIfRow {
            key: loaded.tier_rules.tiers[tier].key.clone(),
            name: loaded.tier_name(tier, lang).to_owned(),
            customers_now: count(shift.customers_now),
            customers_proposed: count(shift.customers_proposed),
            customers_in: format!("+{}", count(shift.customers_in)),
            customers_out: format!("−{}", count(shift.customers_out)),
            aum_now: money(shift.aum_now_fen),
            aum_proposed: money(shift.aum_proposed_fen),
            aum_in: format!("+{}", money(shift.aum_in_fen)),
            aum_out: format!("−{}", money(shift.aum_out_fen)),
        })
        .collect();
    let spec = TierBarsSpec {
        title: dated_title(
            lang.text(Msg::ProposedTiers),
            &loaded.as_of_text(lang),
            lang,
        ),
        tiers: (0..shifts.len())
            .map(|tier| loaded.tier_name(tier, lang).to_owned())
            .collect(),
        customers: shifts.iter().map(|s| s.customers_proposed as u64).collect(),
        aum_fen: shifts
            .iter()
            .map(|s| s.aum_proposed_fen.clamp(i64::MIN.into(), i64::MAX.into()) as i64)
            .collect(),
        customers_caption: lang.text(Msg::CustomerCountAxis).into(),
        aum_caption: lang.text(Msg::AumAxis).into(),
        lang,
        links: Vec::new(),
    };
    Some((rows, spec))
}

/// The RFM grid's chart: each cell leads to its customers.
pub fn rfm_spec(segments: &CustomerSegments, lang: Lang, as_of: &str, path: &str) -> RfmGridSpec {
    let grid = rfm_grid(&segments.rfm);
    RfmGridSpec {
        title: dated_title(lang.text(Msg::RfmGrid), as_of, lang),
        cells: grid.map(|row| row.map(|cell| (cell.customers, cell.mean_m))),
        r_caption: lang.text(Msg::RecencyScore).into(),
        f_caption: lang.text(Msg::FrequencyScore).into(),
        customers_word: lang.text(Msg::CustomerCountAxis).into(),
        mean_m_word: lang.text(Msg::MeanMonetary).into(),
        links: (1..=5)
            .map(|r| {
                (1..=5)
                    .map(|f| {
                        Some(
                            CustomersQuery {
                                rfm_cell: Some((r, f)),
                                ..CustomersQuery::default()
                            }
                            .to_href(path),
                        )
                    })
                    .collect()
            })
            .collect(),
    }
}

/// What the RFM section says beside or instead of its grid: that the dataset has no
/// transactions to score (the grid is then not drawn), or how many customers had none in the
/// window and so have no score.
pub fn rfm_note(segments: &CustomerSegments, has_transactions: bool, lang: Lang) -> Option<String> {
    if !has_transactions {
        return Some(lang.text(Msg::RfmNeedsTransactions).to_owned());
    }
    let idle = segments.rfm.without_activity();
    (idle > 0).then(|| {
        format!(
            "{} {}",
            lang.text(Msg::RfmNoActivity),
            crate::format::counted(idle, Msg::CustomerCounted, Msg::CustomersCounted, lang)
        )
    })
}

/// A cluster's description in the reader's language.
pub fn cluster_name(segments: &CustomerSegments, cluster: usize, lang: Lang) -> String {
    segments
        .profiles
        .get(cluster)
        .map(|p| match lang {
            Lang::Zh => p.description.0.clone(),
            Lang::En => p.description.1.clone(),
        })
        .unwrap_or_default()
}

/// Customers drawn on the cluster map: at most this many, an even sample.
pub const SCATTER_POINTS: usize = 2_000;

/// The cluster map: an even sample of customers on the first two components, each point
/// leading to its customer's profile.
pub fn cluster_spec(
    loaded: &Loaded,
    segments: &CustomerSegments,
    lang: Lang,
    as_of: &str,
    path: &str,
) -> ScatterSpec {
    let clustering = &segments.chosen.clustering;
    let n = clustering.assignment.len();
    // Every n/2000-th customer: the same sample on every visit.
    let stride = n.div_ceil(SCATTER_POINTS).max(1);
    let ids = &loaded.dataset.customers().customer_id;
    let sampled: Vec<usize> = (0..n).step_by(stride).collect();
    ScatterSpec {
        title: dated_title(
            &format!("{} (k = {})", lang.text(Msg::ClusterMap), segments.chosen.k),
            as_of,
            lang,
        ),
        points: sampled
            .iter()
            .map(|&row| {
                let [x, y] = segments.projection.points[row];
                (x, y, clustering.assignment[row] as usize)
            })
            .collect(),
        labels: sampled
            .iter()
            .map(|&row| {
                let cluster = clustering.assignment[row] as usize;
                let id = ids.get(row);
                (
                    format!(
                        "{id} · {} {} · {}",
                        lang.text(Msg::Cluster),
                        cluster + 1,
                        cluster_name(segments, cluster, lang)
                    ),
                    Some(
                        CustomerQuery {
                            customer_id: id.to_string(),
                        }
                        .to_href(path),
                    ),
                )
            })
            .collect(),
        series: (0..segments.profiles.len())
            .map(|c| format!("{} {}", lang.text(Msg::Cluster), c + 1))
            .collect(),
        x_caption: format!(
            "{} 1 ({:.0}%)",
            lang.text(Msg::Component),
            segments.projection.explained[0] * 100.0
        ),
        y_caption: format!(
            "{} 2 ({:.0}%)",
            lang.text(Msg::Component),
            segments.projection.explained[1] * 100.0
        ),
    }
}
