//! Navigational state as typed values: which page, and each page's filters, sort and position,
//! read from a URL's query (`from_query`) and written back as a link (`to_href`).
//!
//! Links are `PATH?page=…&…` on the document's own path, so `dist/` works under any sub-path
//! and every view survives a reload, a bookmark and the back button.

use crate::analytics::scores::ScoreKind;
use crate::format::money_decimal;
use crate::i18n::Msg;
use crate::import::values::parse_money;

/// The pages of the app.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Page {
    /// KPIs, tiers and the tier chart.
    Overview,
    /// The customer table.
    Customers,
    /// One customer's profile (not in the navigation: reached from lists, by its URL).
    Customer,
    /// Tiers and the products each tier holds.
    Segments,
    /// Relationship managers and their books.
    RelationshipManagers,
    /// The model studio: outcomes trained and validated.
    Models,
    /// The relationship workbench: my day, overdue contacts, alerts, events, NPS, balance.
    Relationship,
    /// Stored data: imports, snapshots, backups.
    Data,
    /// Language, tier rules, storage.
    Settings,
}

impl Page {
    /// The pages of the navigation bar, in its order.
    pub const NAVIGATION: [Page; 8] = [
        Page::Overview,
        Page::Customers,
        Page::Segments,
        Page::Relationship,
        Page::RelationshipManagers,
        Page::Models,
        Page::Data,
        Page::Settings,
    ];

    /// The `?page=` value.
    pub fn slug(self) -> &'static str {
        match self {
            Page::Overview => "overview",
            Page::Customers => "customers",
            Page::Customer => "customer",
            Page::Segments => "segments",
            Page::RelationshipManagers => "managers",
            Page::Models => "models",
            Page::Relationship => "relationship",
            Page::Data => "data",
            Page::Settings => "settings",
        }
    }

    /// The page a `?page=` value names; the Overview for none or an unknown one.
    pub fn from_slug(slug: Option<&str>) -> Page {
        Page::NAVIGATION
            .into_iter()
            .chain([Page::Customer])
            .find(|page| Some(page.slug()) == slug)
            .unwrap_or(Page::Overview)
    }

    /// The page's title.
    pub fn title(self) -> Msg {
        match self {
            Page::Overview => Msg::NavOverview,
            Page::Customers => Msg::NavCustomers,
            Page::Customer => Msg::NavCustomer,
            Page::Segments => Msg::NavSegments,
            Page::RelationshipManagers => Msg::NavRelationshipManagers,
            Page::Models => Msg::NavModels,
            Page::Relationship => Msg::NavRelationship,
            Page::Data => Msg::NavData,
            Page::Settings => Msg::NavSettings,
        }
    }

    /// The link to the page with no parameters.
    pub fn href(self, path: &str) -> String {
        href(path, self, &[])
    }
}

/// Percent-encodes a query value: everything but RFC 3986's unreserved characters, as UTF-8.
pub fn encode_component(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for byte in value.bytes() {
        match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                out.push(byte as char)
            }
            _ => out.push_str(&format!("%{byte:02X}")),
        }
    }
    out
}

/// A link to `page` on `path` with `pairs` as further query parameters, in order.
pub fn href(path: &str, page: Page, pairs: &[(&str, String)]) -> String {
    let mut link = format!("{path}?page={}", page.slug());
    for (key, value) in pairs {
        link.push('&');
        link.push_str(key);
        link.push('=');
        link.push_str(&encode_component(value));
    }
    link
}

/// Reads a query parameter: the router's map in the browser, a list in tests.
pub trait Query {
    /// The value of `key`, if present.
    fn param(&self, key: &str) -> Option<String>;
}

impl Query for [(&str, &str)] {
    fn param(&self, key: &str) -> Option<String> {
        self.iter()
            .find(|(k, _)| *k == key)
            .map(|(_, v)| (*v).to_owned())
    }
}

/// The customer table's columns, each sortable.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Column {
    CustomerId,
    Name,
    City,
    Tier,
    Aum,
    Loan,
    Products,
    F12,
    Recency,
    RelationshipManager,
    /// The score the list is narrowed by: a column only while there is one.
    Score,
}

impl Column {
    /// Every column, in the table's order.
    pub const ALL: [Column; 10] = [
        Column::CustomerId,
        Column::Name,
        Column::City,
        Column::Tier,
        Column::Aum,
        Column::Loan,
        Column::Products,
        Column::F12,
        Column::Recency,
        Column::RelationshipManager,
    ];

    /// The `sort=` value.
    pub fn slug(self) -> &'static str {
        match self {
            Column::CustomerId => "id",
            Column::Name => "name",
            Column::City => "city",
            Column::Tier => "tier",
            Column::Aum => "aum",
            Column::Loan => "loan",
            Column::Products => "products",
            Column::F12 => "f12",
            Column::Recency => "recency",
            Column::RelationshipManager => "rm",
            Column::Score => "score",
        }
    }

    /// The header.
    pub fn title(self) -> Msg {
        match self {
            Column::CustomerId => Msg::CustomerId,
            Column::Name => Msg::Name,
            Column::City => Msg::City,
            Column::Tier => Msg::Tier,
            Column::Aum => Msg::Aum,
            Column::Loan => Msg::Loan,
            Column::Products => Msg::Products,
            Column::F12 => Msg::F12,
            Column::Recency => Msg::Recency,
            Column::RelationshipManager => Msg::RelationshipManager,
            Column::Score => Msg::Score,
        }
    }
}

/// The Customers page's URL: which customers, in which order, which page of them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CustomersQuery {
    /// A tier's key (`tier=private`).
    pub tier: Option<String>,
    /// A manager's id, or `none` for customers without one (`rm=`).
    pub relationship_manager: Option<String>,
    /// `city=`.
    pub city: Option<String>,
    /// `risk=1`…`5`.
    pub risk_level: Option<u8>,
    /// AUM bounds in fen (`min=`, `max=`, written in yuan).
    pub min_aum_fen: Option<i64>,
    pub max_aum_fen: Option<i64>,
    /// Text in the id or the name (`q=`).
    pub search: String,
    /// An RFM cell (`r=`, `f=`, both 1–5).
    pub rfm_cell: Option<(u8, u8)>,
    /// A cluster (`cluster=`).
    pub cluster: Option<usize>,
    /// The score the list is narrowed by and shows (`score=`), with its whole-point range
    /// (`smin=`, `smax=`; 0 and 100 when absent).
    pub score: Option<ScoreKind>,
    pub score_min: i32,
    pub score_max: i32,
    /// `sort=`, AUM by default.
    pub sort: Column,
    /// `desc=0` for ascending; descending by default.
    pub descending: bool,
    /// `p=`, from 1.
    pub page: usize,
}

impl Default for CustomersQuery {
    fn default() -> CustomersQuery {
        CustomersQuery {
            tier: None,
            relationship_manager: None,
            city: None,
            risk_level: None,
            min_aum_fen: None,
            max_aum_fen: None,
            search: String::new(),
            rfm_cell: None,
            cluster: None,
            score: None,
            score_min: 0,
            score_max: 100,
            sort: Column::Aum,
            descending: true,
            page: 1,
        }
    }
}

/// The score a `score=` value names.
fn score_kind(key: &str) -> Option<ScoreKind> {
    ScoreKind::ALL
        .into_iter()
        .chain([ScoreKind::Model])
        .find(|s| s.key() == key)
}

/// Yuan as written in a URL (`1000000`, `12.5`) to fen, exactly, by the import's own money
/// rules; `None` for anything else.
fn yuan_to_fen(text: &str) -> Option<i64> {
    parse_money(text).ok().flatten()
}

impl CustomersQuery {
    /// The state a URL asks for; what does not parse is left at its default.
    pub fn from_query(query: &(impl Query + ?Sized)) -> CustomersQuery {
        let text = |key: &str| query.param(key).filter(|v| !v.is_empty());
        let score = text("score").and_then(|key| score_kind(&key));
        let bound = |key: &str, default: i32| {
            text(key)
                .and_then(|v| v.trim().parse::<i32>().ok())
                .unwrap_or(default)
        };
        let defaults = CustomersQuery::default();
        CustomersQuery {
            tier: text("tier"),
            relationship_manager: text("rm"),
            city: text("city"),
            risk_level: text("risk").and_then(|r| r.parse().ok()),
            min_aum_fen: text("min").and_then(|v| yuan_to_fen(&v)),
            max_aum_fen: text("max").and_then(|v| yuan_to_fen(&v)),
            search: query.param("q").unwrap_or_default(),
            rfm_cell: text("r")
                .zip(text("f"))
                .and_then(|(r, f)| Some((r.parse().ok()?, f.parse().ok()?))),
            cluster: text("cluster").and_then(|c| c.parse().ok()),
            score_min: if score.is_some() { bound("smin", 0) } else { 0 },
            score_max: if score.is_some() {
                bound("smax", 100)
            } else {
                100
            },
            score,
            sort: text("sort")
                .and_then(|slug| {
                    Column::ALL
                        .into_iter()
                        .chain([Column::Score])
                        .find(|c| c.slug() == slug)
                })
                // Sorting by a score needs one chosen.
                .filter(|&c| c != Column::Score || score.is_some())
                .unwrap_or(defaults.sort),
            descending: text("desc")
                .map(|d| d != "0")
                .unwrap_or(defaults.descending),
            page: text("p")
                .and_then(|p| p.parse::<usize>().ok())
                .filter(|&p| p >= 1)
                .unwrap_or(1),
        }
    }

    /// The query's parameters, those at their defaults left out.
    fn pairs(&self) -> Vec<(&'static str, String)> {
        let mut pairs = Vec::new();
        let mut put = |key: &'static str, value: Option<String>| {
            if let Some(value) = value.filter(|v| !v.is_empty()) {
                pairs.push((key, value));
            }
        };
        put("tier", self.tier.clone());
        put("rm", self.relationship_manager.clone());
        put("city", self.city.clone());
        put("risk", self.risk_level.map(|r| r.to_string()));
        put("min", self.min_aum_fen.map(money_decimal));
        put("max", self.max_aum_fen.map(money_decimal));
        put("q", Some(self.search.clone()));
        put("r", self.rfm_cell.map(|(r, _)| r.to_string()));
        put("f", self.rfm_cell.map(|(_, f)| f.to_string()));
        put("cluster", self.cluster.map(|c| c.to_string()));
        put("score", self.score.map(|s| s.key().to_owned()));
        if self.score.is_some() {
            put(
                "smin",
                (self.score_min != 0).then(|| self.score_min.to_string()),
            );
            put(
                "smax",
                (self.score_max != 100).then(|| self.score_max.to_string()),
            );
        }
        let defaults = CustomersQuery::default();
        put(
            "sort",
            (self.sort != defaults.sort).then(|| self.sort.slug().to_owned()),
        );
        put("desc", (!self.descending).then(|| "0".to_owned()));
        put("p", (self.page > 1).then(|| self.page.to_string()));
        pairs
    }

    /// The link to this list.
    pub fn to_href(&self, path: &str) -> String {
        href(path, Page::Customers, &self.pairs())
    }

    /// Whether the list is of a segment, which needs the worker's segments.
    pub fn needs_segments(&self) -> bool {
        self.rfm_cell.is_some() || self.cluster.is_some()
    }

    /// The same list sorted by `column`: descending first, then the other way on a second click.
    pub fn sorted_by(&self, column: Column) -> CustomersQuery {
        let descending = if column == self.sort {
            !self.descending
        } else {
            true
        };
        CustomersQuery {
            sort: column,
            descending,
            page: 1,
            ..self.clone()
        }
    }

    /// The same list at another page.
    pub fn at_page(&self, page: usize) -> CustomersQuery {
        CustomersQuery {
            page: page.max(1),
            ..self.clone()
        }
    }

    /// The list with one filter control's new value (empty clears it), back at its first page:
    /// the keys are the controls' (`q`, `tier`, `rm`, `city`, `risk`, `score`, `smin`, `smax`).
    pub fn with_filter(&self, key: &str, value: &str) -> CustomersQuery {
        let mut next = CustomersQuery {
            page: 1,
            ..self.clone()
        };
        let text = (!value.is_empty()).then(|| value.to_owned());
        match key {
            "q" => next.search = value.to_owned(),
            "tier" => next.tier = text,
            "rm" => next.relationship_manager = text,
            "city" => next.city = text,
            "risk" => next.risk_level = value.parse().ok(),
            "score" => {
                next.score = score_kind(value);
                if next.score.is_none() {
                    (next.score_min, next.score_max) = (0, 100);
                    if next.sort == Column::Score {
                        (next.sort, next.descending) = (Column::Aum, true);
                    }
                }
            }
            "rfm" => next.rfm_cell = None,
            "cluster" => next.cluster = value.parse().ok(),
            "smin" => next.score_min = value.trim().parse().unwrap_or(0),
            "smax" => next.score_max = value.trim().parse().unwrap_or(100),
            _ => {}
        }
        next
    }

    /// The value a filter control shows.
    pub fn filter_value(&self, key: &str) -> String {
        self.pairs()
            .into_iter()
            .find(|(k, _)| *k == key)
            .map(|(_, v)| v)
            .unwrap_or_default()
    }
}

/// The Customer 360 page's URL: which customer.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CustomerQuery {
    /// The customer's id as the export writes it.
    pub customer_id: String,
}

impl CustomerQuery {
    /// The customer a URL asks for, if it names one.
    pub fn from_query(query: &(impl Query + ?Sized)) -> Option<CustomerQuery> {
        let customer_id = query.param("id").filter(|id| !id.is_empty())?;
        Some(CustomerQuery { customer_id })
    }

    /// The link to the customer's page.
    pub fn to_href(&self, path: &str) -> String {
        href(path, Page::Customer, &[("id", self.customer_id.clone())])
    }
}
