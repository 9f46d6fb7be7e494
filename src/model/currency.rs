//! The currency a dataset's amounts are written in.
//!
//! Amounts are held in hundredths of the dataset's currency (the `_fen` columns) whatever that
//! currency is: Keystone converts nothing, so a dataset has exactly one currency, stated with
//! its snapshot and shown beside every amount. A cell that names another currency is refused
//! at import rather than summed with the rest.

use serde::{Deserialize, Serialize};

/// A currency by its ISO 4217 code.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Currency {
    /// Renminbi, the default: most exports Keystone meets are mainland banks'.
    #[default]
    Cny,
    /// US dollar.
    Usd,
    /// Euro.
    Eur,
    /// Pound sterling.
    Gbp,
    /// Hong Kong dollar.
    Hkd,
    /// New Taiwan dollar.
    Twd,
    /// Macanese pataca.
    Mop,
    /// Singapore dollar.
    Sgd,
    /// Japanese yen.
    Jpy,
    /// Swiss franc.
    Chf,
    /// Czech koruna.
    Czk,
    /// Australian dollar.
    Aud,
    /// Canadian dollar.
    Cad,
}

/// Per currency: ISO code, the sign shown before amounts, the Chinese name (as in `万美元`),
/// and the markers a cell may carry (sign, code, name), each naming it.
struct Facts {
    currency: Currency,
    code: &'static str,
    sign: &'static str,
    zh: &'static str,
    markers: &'static [&'static str],
}

const FACTS: [Facts; 13] = [
    Facts {
        currency: Currency::Cny,
        code: "CNY",
        sign: "¥",
        zh: "元",
        markers: &["¥", "CNY", "RMB", "元", "人民币"],
    },
    Facts {
        currency: Currency::Usd,
        code: "USD",
        sign: "$",
        zh: "美元",
        markers: &["US$", "USD", "$", "美元"],
    },
    Facts {
        currency: Currency::Eur,
        code: "EUR",
        sign: "€",
        zh: "欧元",
        markers: &["€", "EUR", "欧元"],
    },
    Facts {
        currency: Currency::Gbp,
        code: "GBP",
        sign: "£",
        zh: "英镑",
        markers: &["£", "GBP", "英镑"],
    },
    Facts {
        currency: Currency::Hkd,
        code: "HKD",
        sign: "HK$",
        zh: "港元",
        markers: &["HK$", "HKD", "港元", "港币"],
    },
    Facts {
        currency: Currency::Twd,
        code: "TWD",
        sign: "NT$",
        zh: "新台币",
        markers: &["NT$", "TWD", "新台币"],
    },
    Facts {
        currency: Currency::Mop,
        code: "MOP",
        sign: "MOP$",
        zh: "澳门元",
        markers: &["MOP$", "MOP", "澳门元"],
    },
    Facts {
        currency: Currency::Sgd,
        code: "SGD",
        sign: "S$",
        zh: "新加坡元",
        markers: &["S$", "SGD", "新加坡元"],
    },
    Facts {
        currency: Currency::Jpy,
        code: "JPY",
        sign: "JP¥",
        zh: "日元",
        markers: &["JP¥", "JPY", "円", "日元"],
    },
    Facts {
        currency: Currency::Chf,
        code: "CHF",
        sign: "CHF ",
        zh: "瑞士法郎",
        markers: &["CHF", "瑞士法郎"],
    },
    Facts {
        currency: Currency::Czk,
        code: "CZK",
        sign: "Kč ",
        zh: "捷克克朗",
        markers: &["Kč", "CZK", "捷克克朗"],
    },
    Facts {
        currency: Currency::Aud,
        code: "AUD",
        sign: "A$",
        zh: "澳元",
        markers: &["A$", "AUD", "澳元"],
    },
    Facts {
        currency: Currency::Cad,
        code: "CAD",
        sign: "C$",
        zh: "加元",
        markers: &["C$", "CAD", "加元"],
    },
];

/// Signs that more than one currency writes: in a dataset of one of them they name it, and
/// alone they name the first (`¥` is the renminbi unless the dataset is in yen, `$` the US
/// dollar unless it is in another dollar).
const SHARED_SIGNS: [(&str, &[Currency]); 2] = [
    ("¥", &[Currency::Cny, Currency::Jpy]),
    (
        "$",
        &[
            Currency::Usd,
            Currency::Hkd,
            Currency::Twd,
            Currency::Mop,
            Currency::Sgd,
            Currency::Aud,
            Currency::Cad,
        ],
    ),
];

impl Currency {
    /// Every currency Keystone knows, the default first.
    pub const ALL: [Currency; 13] = [
        Currency::Cny,
        Currency::Usd,
        Currency::Eur,
        Currency::Gbp,
        Currency::Hkd,
        Currency::Twd,
        Currency::Mop,
        Currency::Sgd,
        Currency::Jpy,
        Currency::Chf,
        Currency::Czk,
        Currency::Aud,
        Currency::Cad,
    ];

    fn facts(self) -> &'static Facts {
        let facts = &FACTS[self as usize];
        debug_assert_eq!(facts.currency, self, "FACTS is in declaration order");
        facts
    }

    /// The ISO 4217 code: `CNY`.
    pub fn code(self) -> &'static str {
        self.facts().code
    }

    /// The sign written before an amount: `¥`, `$`, `HK$`, `CHF `.
    pub fn sign(self) -> &'static str {
        self.facts().sign
    }

    /// The Chinese name, as it follows 万 in `万美元`.
    pub fn zh_name(self) -> &'static str {
        self.facts().zh
    }

    /// The currency an ISO code names (any case).
    pub fn from_code(code: &str) -> Option<Currency> {
        let code = code.trim();
        Currency::ALL
            .into_iter()
            .find(|c| c.code().eq_ignore_ascii_case(code))
    }

    /// The currency a marker found in a cell names on its own (`$` → US dollar).
    pub fn named_by(marker: &str) -> Option<Currency> {
        if let Some((_, shared)) = SHARED_SIGNS.iter().find(|(sign, _)| *sign == marker) {
            return shared.first().copied();
        }
        Currency::ALL.into_iter().find(|c| {
            c.facts()
                .markers
                .iter()
                .any(|m| m.eq_ignore_ascii_case(marker))
        })
    }

    /// Whether an amount marked with `marker` is in this currency.
    pub fn is_written_as(self, marker: &str) -> bool {
        SHARED_SIGNS
            .iter()
            .any(|(sign, shared)| *sign == marker && shared.contains(&self))
            || self
                .facts()
                .markers
                .iter()
                .any(|m| m.eq_ignore_ascii_case(marker))
    }

    /// Every marker a cell may carry, longest first, so `HK$` is taken before `$`.
    pub fn markers() -> &'static [&'static str] {
        static MARKERS: std::sync::OnceLock<Vec<&'static str>> = std::sync::OnceLock::new();
        MARKERS.get_or_init(|| {
            let mut all: Vec<&'static str> = FACTS
                .iter()
                .flat_map(|f| f.markers.iter().copied())
                .chain(SHARED_SIGNS.iter().map(|(sign, _)| *sign))
                .collect();
            all.sort_by_key(|m| std::cmp::Reverse(m.chars().count()));
            all.dedup();
            all
        })
    }
}

impl std::fmt::Display for Currency {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.code())
    }
}

// Stored and planned as the ISO code, so a plan file reads `"currency": "USD"`.
impl Serialize for Currency {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.code())
    }
}

impl<'de> Deserialize<'de> for Currency {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let code = String::deserialize(deserializer)?;
        Currency::from_code(&code).ok_or_else(|| {
            serde::de::Error::custom(format!("{code} is not a currency Keystone knows"))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_currency_has_its_facts_in_its_place() {
        for (i, currency) in Currency::ALL.into_iter().enumerate() {
            assert_eq!(currency as usize, i);
            assert_eq!(FACTS[i].currency, currency);
            assert_eq!(Currency::from_code(currency.code()), Some(currency));
        }
    }

    #[test]
    fn a_shared_sign_names_its_first_currency_and_belongs_to_all() {
        assert_eq!(Currency::named_by("$"), Some(Currency::Usd));
        assert_eq!(Currency::named_by("¥"), Some(Currency::Cny));
        assert_eq!(Currency::named_by("HK$"), Some(Currency::Hkd));
        assert!(Currency::Hkd.is_written_as("$"));
        assert!(Currency::Jpy.is_written_as("¥"));
        assert!(!Currency::Cny.is_written_as("$"));
        assert!(!Currency::Usd.is_written_as("HK$"));
    }
}
