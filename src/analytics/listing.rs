//! Customer lists: which customers a filter keeps, and a list as CSV or an Excel workbook.

use super::features::{CustomerFeatures, NO_TRANSACTION_RECENCY};
use super::scores::FactorScores;
use super::segments::CustomerSegments;
use crate::format::money_decimal;
use crate::import::neutralise_formula;
use crate::model::{Dataset, NO_RELATIONSHIP_MANAGER};

/// What a customer list is narrowed to; `None` or empty means "any".
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CustomerFilter {
    /// A tier, as an index into the tier rules.
    pub tier: Option<u8>,
    /// A relationship manager's row, or [`NO_RELATIONSHIP_MANAGER`] for the unassigned.
    pub relationship_manager: Option<u32>,
    /// A city, exactly as imported.
    pub city: Option<String>,
    /// A customer risk level (1–5).
    pub risk_level: Option<u8>,
    /// AUM bounds in fen, inclusive.
    pub min_aum_fen: Option<i64>,
    /// See `min_aum_fen`.
    pub max_aum_fen: Option<i64>,
    /// Text the customer id or name contains (case-insensitive for Latin letters).
    pub search: String,
    /// An RFM cell: (R, F) scores.
    pub rfm_cell: Option<(u8, u8)>,
    /// A cluster of the segments page.
    pub cluster: Option<u32>,
    /// Bounds on a score (whole points, inclusive, the score rounded as shown); which score is
    /// the caller's choice.
    pub score_range: Option<(i32, i32)>,
}

/// The customers (rows) the filter keeps, in row order. RFM-cell and cluster conditions need
/// the `segments`, a score range the `score` it bounds; without them those conditions keep no
/// one.
pub fn filter_customers(
    dataset: &Dataset,
    aum_fen: &[i64],
    tier_of_customer: &[u8],
    segments: Option<&CustomerSegments>,
    score: Option<&FactorScores>,
    filter: &CustomerFilter,
) -> Vec<usize> {
    let c = dataset.customers();
    let search = filter.search.trim().to_lowercase();
    let city = filter.city.as_deref();
    (0..c.len())
        .filter(|&row| {
            filter.tier.is_none_or(|tier| tier_of_customer[row] == tier)
                && filter
                    .relationship_manager
                    .is_none_or(|rm| c.relationship_manager_idx[row] == rm)
                && city.is_none_or(|city| c.city.get(row) == city)
                && filter
                    .risk_level
                    .is_none_or(|risk| c.risk_level[row] == risk)
                && filter.min_aum_fen.is_none_or(|min| aum_fen[row] >= min)
                && filter.max_aum_fen.is_none_or(|max| aum_fen[row] <= max)
                && filter.rfm_cell.is_none_or(|(r, f)| {
                    segments.is_some_and(|s| s.rfm.r[row] == r && s.rfm.f[row] == f)
                })
                && filter.score_range.is_none_or(|(min, max)| {
                    score.is_some_and(|s| {
                        let points = s.score(row).round();
                        points >= f64::from(min) && points <= f64::from(max)
                    })
                })
                && filter.cluster.is_none_or(|cluster| {
                    segments.is_some_and(|s| s.chosen.clustering.assignment[row] == cluster)
                })
                && (search.is_empty()
                    || c.customer_id.get(row).to_lowercase().contains(&search)
                    || c.name.get(row).to_lowercase().contains(&search))
        })
        .collect()
}

/// A list of customers as a spreadsheet shows it: the rows in their order, with the reader's
/// headers and tier names.
pub struct CustomerList<'a> {
    /// The customers.
    pub dataset: &'a Dataset,
    /// Their features (AUM, loans, products, activity).
    pub features: &'a CustomerFeatures,
    /// Each customer's tier under the rules in force.
    pub tier_of_customer: &'a [u8],
    /// The tiers' names in the reader's language.
    pub tier_names: &'a [String],
    /// The column headers in the reader's language, in [`CustomerList::cells`] order.
    pub headers: &'a [&'a str],
    /// The customers listed, as rows of the customers table, in order.
    pub rows: &'a [usize],
    /// A score the list was narrowed by: a last column of whole points (its header last in
    /// `headers`).
    pub score: Option<&'a FactorScores>,
}

/// One cell of a listed customer.
#[derive(Clone, Debug, PartialEq)]
pub enum ListCell<'a> {
    /// Text, already neutralised so a spreadsheet never runs it as a formula.
    Text(std::borrow::Cow<'a, str>),
    /// An amount in fen.
    Money(i64),
    /// A count.
    Count(u64),
    /// Nothing (no transaction to count days from).
    Blank,
}

impl<'a> CustomerList<'a> {
    /// The cells of one customer: id, name, city, tier, AUM, loans, products, transactions in
    /// 12 months, days since the last one, relationship manager, and the score when there is one.
    pub fn cells(&self, row: usize) -> Vec<ListCell<'a>> {
        let c = self.dataset.customers();
        let managers = self.dataset.relationship_managers();
        let f = self.features;
        let manager = match c.relationship_manager_idx[row] {
            NO_RELATIONSHIP_MANAGER => "",
            rm => managers.rm_id.get(rm as usize),
        };
        let tier = self
            .tier_names
            .get(self.tier_of_customer[row] as usize)
            .map_or("", String::as_str);
        let text = |s: &'a str| ListCell::Text(neutralise_formula(s));
        [
            text(c.customer_id.get(row)),
            text(c.name.get(row)),
            text(c.city.get(row)),
            text(tier),
            ListCell::Money(f.aum_fen[row]),
            ListCell::Money(f.loan_fen[row]),
            ListCell::Count(u64::from(f.products[row])),
            ListCell::Count(u64::from(f.f12[row])),
            match f.recency_days[row] {
                NO_TRANSACTION_RECENCY => ListCell::Blank,
                days => ListCell::Count(u64::from(days)),
            },
            text(manager),
        ]
        .into_iter()
        .chain(
            self.score
                .map(|s| ListCell::Count(s.score(row).round().max(0.0) as u64)),
        )
        .collect()
    }

    /// The list as CSV: a header row, then one row per customer. Money is in yuan with two
    /// decimals.
    pub fn to_csv(&self) -> String {
        cells_to_csv(self.headers, self.rows.iter().map(|&row| self.cells(row)))
    }

    /// The list as an Excel workbook (see [`cells_to_xlsx`]).
    pub fn to_xlsx(&self, sheet_name: &str, created_unix_seconds: i64) -> Result<Vec<u8>, String> {
        cells_to_xlsx(
            self.headers,
            self.rows.iter().map(|&row| self.cells(row)),
            sheet_name,
            created_unix_seconds,
        )
    }
}

/// Rows of cells as CSV: a header row, then the rows. Money is in yuan with two decimals; the
/// headers are neutralised like the text cells.
pub fn cells_to_csv<'a>(
    headers: &[&str],
    rows: impl IntoIterator<Item = Vec<ListCell<'a>>>,
) -> String {
    let mut writer = csv::Writer::from_writer(Vec::new());
    let _ = writer.write_record(headers.iter().map(|h| neutralise_formula(h).into_owned()));
    for cells in rows {
        let _ = writer.write_record(cells.into_iter().map(|cell| match cell {
            ListCell::Text(text) => text.into_owned(),
            ListCell::Money(fen) => money_decimal(fen),
            ListCell::Count(n) => n.to_string(),
            ListCell::Blank => String::new(),
        }));
    }
    String::from_utf8(writer.into_inner().unwrap_or_default()).unwrap_or_default()
}

/// Rows of cells as an Excel workbook: one sheet, a bold frozen header row, money as numbers in
/// yuan with a thousands format, text always as text (a workbook cell is a formula only when
/// written as one, and the text is neutralised besides, as in the CSV). The caller says when it
/// was made (seconds since the epoch, UTC): the core reads no clock, and the same rows at the
/// same time are the same file.
pub fn cells_to_xlsx<'a>(
    headers: &[&str],
    rows: impl IntoIterator<Item = Vec<ListCell<'a>>>,
    sheet_name: &str,
    created_unix_seconds: i64,
) -> Result<Vec<u8>, String> {
    use rust_xlsxwriter::{DocProperties, ExcelDateTime, Format, Workbook};
    let error = |e: rust_xlsxwriter::XlsxError| e.to_string();
    let mut workbook = Workbook::new();
    let created = ExcelDateTime::from_timestamp(created_unix_seconds).map_err(error)?;
    workbook.set_properties(&DocProperties::new().set_creation_datetime(&created));
    let sheet = workbook.add_worksheet();
    sheet.set_name(sheet_name).map_err(error)?;
    let bold = Format::new().set_bold();
    let money = Format::new().set_num_format("#,##0.00");
    for (col, header) in headers.iter().enumerate() {
        sheet
            .write_string_with_format(0, col as u16, neutralise_formula(header).as_ref(), &bold)
            .map_err(error)?;
    }
    sheet.set_freeze_panes(1, 0).map_err(error)?;
    for (i, cells) in rows.into_iter().enumerate() {
        let line = u32::try_from(i + 1).map_err(|_| "too many rows for a sheet".to_owned())?;
        for (col, cell) in cells.into_iter().enumerate() {
            let col = col as u16;
            match cell {
                ListCell::Text(text) => sheet.write_string(line, col, text.as_ref()).map(|_| ()),
                // Fen to yuan for the spreadsheet's arithmetic; exact to the fen below 2^53.
                ListCell::Money(fen) => sheet
                    .write_number_with_format(line, col, fen as f64 / 100.0, &money)
                    .map(|_| ()),
                ListCell::Count(n) => sheet.write_number(line, col, n as f64).map(|_| ()),
                ListCell::Blank => Ok(()),
            }
            .map_err(error)?;
        }
    }
    // The second column is a name in every list Keystone writes.
    sheet.set_column_width(1, 14).map_err(error)?;
    workbook.save_to_buffer().map_err(error)
}
