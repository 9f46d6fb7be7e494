//! The Segments page's tier editor: thresholds typed in 万元 read exactly into fen, the ladder's
//! validity, and the what-if's rows and chart for a proposed ladder.

use super::Loaded;
use crate::analytics::whatif::what_if;
use crate::analytics::TierRules;
use crate::charts::TierBarsSpec;
use crate::format::{count, dated_title, money_compact};
use crate::i18n::{Lang, Msg};
use crate::import::values::parse_money;

/// Fen in one 万元 (ten thousand yuan).
const FEN_PER_WAN: i64 = 1_000_000;

/// A threshold typed in 万元, as Chinese bankers quote them, in fen: read exactly by the
/// import's money rules (so `100` is ¥1,000,000), positive; `None` for anything else.
pub fn wan_to_fen(text: &str) -> Option<i64> {
    // A number input may hand over `.25` as typed; money in exports always has a whole part.
    let text = text.trim();
    let lead = if text.starts_with('.') { "0" } else { "" };
    let fen = parse_money(&format!("{lead}{text}万")).ok().flatten()?;
    (fen > 0).then_some(fen)
}

/// Fen as 万元 for the editor's inputs: no trailing zeros.
pub fn fen_to_wan(fen: i64) -> String {
    let sign = if fen < 0 { "-" } else { "" };
    let (wan, part) = (
        fen.unsigned_abs() / FEN_PER_WAN as u64,
        fen.unsigned_abs() % FEN_PER_WAN as u64,
    );
    match part {
        0 => format!("{sign}{wan}"),
        part => {
            let digits = format!("{part:06}");
            format!("{sign}{wan}.{}", digits.trim_end_matches('0'))
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
