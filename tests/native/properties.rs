//! Properties over generated inputs (proptest, shrinking to the smallest failing case): money
//! reads back as it is written, the codec gives back what it was given, text reads the same
//! in any pieces, and a what-if agrees with tiering every customer again.

use super::support::today;
use keystone::analytics::whatif::{what_if, AumIndex, TierShift};
use keystone::analytics::TierRules;
use keystone::demo::{generate, DemoConfig};
use keystone::format::{money_compact, money_decimal, money_exact};
use keystone::i18n::Lang;
use keystone::import::values::{parse_money, parse_money_in};
use keystone::import::{auto_map, import, read_sheet, DateStyle, Entity, FileInput, ImportRequest};
use keystone::model::{Currency, Dataset, MAX_AMOUNT_FEN};
use keystone::storage::catalogue::SCHEMA_VERSION;
use keystone::storage::codec::{decode_dataset, encode_dataset, RowCounts};
use proptest::prelude::*;
use std::collections::HashMap;

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    /// Any amount an export may hold reads back exactly from its plain decimal, from its
    /// display with the currency's sign, and in 万.
    #[test]
    fn money_reads_back_as_written(fen in -MAX_AMOUNT_FEN..=MAX_AMOUNT_FEN) {
        prop_assert_eq!(parse_money(&money_decimal(fen)), Ok(Some(fen)));
        prop_assert_eq!(parse_money_in(&money_exact(fen), Currency::Cny), Ok(Some(fen)));
        if fen % 100 == 0 && fen.unsigned_abs() < 1 << 40 {
            let wan = format!("{}万", money_decimal(fen / 100).trim_end_matches(".00"));
            let fen_of_wan = parse_money(&wan).ok().flatten();
            prop_assert_eq!(fen_of_wan, Some(fen * 10_000));
        }
        // Shortened figures never panic, in either language.
        let _ = (money_compact(fen, Lang::Zh), money_compact(fen, Lang::En));
    }

    /// A dataset written as chunks reads back identical, whatever its amounts.
    #[test]
    fn the_codec_gives_back_what_it_was_given(
        seed in 0u64..1_000,
        customers in 1usize..60,
        amounts in proptest::collection::vec(-MAX_AMOUNT_FEN..=MAX_AMOUNT_FEN, 1..50),
    ) {
        let data = generate(&DemoConfig {
            n_customers: customers,
            transactions_per_customer: 3,
            seed,
        });
        let mut tables = data.into_tables();
        for (i, amount) in tables.transactions.amount_fen.iter_mut().enumerate() {
            *amount = amounts[i % amounts.len()];
        }
        let data = Dataset::new(tables).expect("amounts within bounds");
        let chunks: HashMap<String, Vec<u8>> = encode_dataset("p", &data).into_iter().collect();
        let back = decode_dataset("p", SCHEMA_VERSION, &RowCounts::of(&data), &chunks)
            .expect("decodes");
        prop_assert!(back == data);
    }

    /// Text made of what exports break on (quotes, delimiters, CR/LF, Chinese, stray bytes)
    /// gives the same report and dataset read whole or in pieces of any size.
    #[test]
    fn text_reads_the_same_in_any_pieces(
        cells in proptest::collection::vec(
            proptest::sample::select(vec![
                "C1", "C2", "王伟", "\"a,b\"", "\"x\"\"y\"", "", "1980-01-02", "85000",
                "10-20万", "\u{FEFF}", "\r", "ä", "\"\n\"", "12,5", "-", "2099-01-01",
            ]),
            0..60,
        ),
        breaks in proptest::collection::vec(0usize..4, 0..60),
        stray in proptest::option::of(0usize..200),
        piece in 1usize..40,
    ) {
        let mut text = b"\xEF\xBB\xBF\xE5\xAE\xA2\xE6\x88\xB7\xE5\x8F\xB7,\xE5\xA7\x93\xE5\x90\x8D,\
                         \xE5\x87\xBA\xE7\x94\x9F\xE6\x97\xA5\xE6\x9C\x9F,\xE5\xB9\xB4\xE6\x94\xB6\xE5\x85\xA5\r\n"
            .to_vec();
        for (i, cell) in cells.iter().enumerate() {
            text.extend_from_slice(cell.as_bytes());
            text.extend_from_slice(match breaks.get(i).copied().unwrap_or(0) {
                0 | 1 => b",",
                2 => b"\r\n",
                _ => b"\n",
            });
        }
        if let Some(at) = stray {
            let at = (at + 40).min(text.len());
            text.insert(at, 0xFF);
        }
        let read = |piece: Option<usize>| {
            let sheet = read_sheet("p.csv", &text, None).ok()?;
            let sheet = match piece {
                Some(bytes) => sheet.with_piece_bytes(bytes),
                None => sheet,
            };
            let outcome = import(&ImportRequest {
                files: vec![FileInput {
                    file_name: "p.csv".into(),
                    entity: Entity::Customers,
                    mapping: auto_map(Entity::Customers, &sheet.headers),
                    sheet: &sheet,
                    date_style: DateStyle::default(),
                }],
                today: today(),
                currency: Default::default(),
                base: None,
            });
            Some((outcome.report, outcome.dataset))
        };
        prop_assert!(read(None) == read(Some(piece)));
    }

    /// The what-if's counts and sums per tier are those of tiering every customer under both
    /// ladders.
    #[test]
    fn a_what_if_agrees_with_tiering_everyone_again(
        aum in proptest::collection::vec(-1_000_000_000i64..10_000_000_000, 0..300),
        thresholds in proptest::collection::vec(1i64..10_000_000_000, 3),
    ) {
        let current = TierRules::workload_defaults();
        let mut proposed = current.clone();
        let mut bounds = thresholds.clone();
        bounds.sort_unstable_by(|a, b| b.cmp(a));
        bounds.dedup();
        prop_assume!(bounds.len() == 3);
        for (rule, bound) in proposed.tiers.iter_mut().zip(&bounds) {
            rule.min_aum_fen = *bound;
        }
        let shifts = what_if(&AumIndex::new(&aum), &current, &proposed).expect("AUM ladders");
        let mut expected = vec![TierShift::default(); current.tiers.len()];
        for &a in &aum {
            let (from, to) = (current.tier_of_aum(a), proposed.tier_of_aum(a));
            let v = i128::from(a);
            expected[from].customers_now += 1;
            expected[from].aum_now_fen += v;
            expected[to].customers_proposed += 1;
            expected[to].aum_proposed_fen += v;
            if from != to {
                expected[to].customers_in += 1;
                expected[to].aum_in_fen += v;
                expected[from].customers_out += 1;
                expected[from].aum_out_fen += v;
            }
        }
        prop_assert_eq!(shifts, expected);
    }
}
