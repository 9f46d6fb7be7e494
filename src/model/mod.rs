//! The columnar data model: the tables a bank export becomes, validated once on construction.
//!
//! Every table is a struct of equal-length columns. Money is integer fen (`i64`), dates are
//! [`Day`] numbers, repeated strings are dictionary-encoded. Kernels in `analytics` rely on the
//! invariants that [`Dataset::new`] checks, so they never re-check lengths or indices.

mod columns;
mod currency;
mod date;
pub mod schema;
mod tables;

pub use columns::{offsets_cut, CodedColumn, Dictionary, TextColumn};
pub use currency::Currency;
pub use date::Day;
use schema::{column_lengths, table_column_bytes, Table};
pub use tables::{
    Attribute, Customers, Direction, Feedback, Gender, Holdings, Interactions, ProductType,
    RelationshipManagers, Transactions, NO_RELATIONSHIP_MANAGER,
};

use std::fmt;

/// The largest amount, in fen, any table may hold: ±10¹⁵ (a thousand trillion) of the
/// dataset's currency, far beyond any account, so that sums over millions of rows stay
/// meaningful; larger figures are refused at import and in stored data alike.
pub const MAX_AMOUNT_FEN: i64 = 100_000_000_000_000_000;

/// Adds amounts in fen without wrapping: a sum beyond `i64` stays at its bound. Amounts are at
/// most [`MAX_AMOUNT_FEN`], so only sums over tens of thousands of extreme rows reach it.
pub fn add_fen(sum: i64, amount: i64) -> i64 {
    sum.saturating_add(amount)
}

/// The sum of `amounts` in fen, without wrapping (see [`add_fen`]).
pub fn sum_fen<'a>(amounts: impl IntoIterator<Item = &'a i64>) -> i64 {
    amounts
        .into_iter()
        .fold(0, |sum, &amount| add_fen(sum, amount))
}

/// The tables of an export before they are checked to fit together.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Tables {
    /// One row per customer.
    pub customers: Customers,
    /// Balances by product.
    pub holdings: Holdings,
    /// Account movements.
    pub transactions: Transactions,
    /// The bank's relationship managers.
    pub relationship_managers: RelationshipManagers,
    /// Contacts with customers.
    pub interactions: Interactions,
    /// Survey answers.
    pub feedback: Feedback,
}

/// One bank's export, as held in memory: customers and everything that refers to them.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Dataset {
    tables: Tables,
}

/// Why a set of tables cannot form a [`Dataset`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ModelError {
    /// A table's columns do not all have the same number of rows.
    RaggedTable {
        /// The table's name.
        table: &'static str,
        /// The column whose length differs from the first column's.
        column: &'static str,
        /// The first column's length.
        expected: usize,
        /// The offending column's length.
        found: usize,
    },
    /// An amount beyond [`MAX_AMOUNT_FEN`]: no real balance, only damage, and sums of such
    /// amounts would overflow.
    ImplausibleAmount {
        /// The table.
        table: &'static str,
        /// The row in that table.
        row: usize,
    },
    /// A row refers to a customer or relationship manager that does not exist.
    DanglingReference {
        /// The referring table.
        table: &'static str,
        /// The row in that table.
        row: usize,
        /// The index that points nowhere.
        index: u32,
    },
}

impl fmt::Display for ModelError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ModelError::RaggedTable {
                table,
                column,
                expected,
                found,
            } => write!(
                f,
                "table {table}: column {column} has {found} rows, expected {expected}"
            ),
            ModelError::ImplausibleAmount { table, row } => write!(
                f,
                "table {table}: row {row} holds an amount beyond ±10^15, which no account holds"
            ),
            ModelError::DanglingReference { table, row, index } => {
                write!(
                    f,
                    "table {table}: row {row} refers to missing index {index}"
                )
            }
        }
    }
}

impl std::error::Error for ModelError {}

impl Dataset {
    /// Checks that every table is rectangular and every reference resolves.
    pub fn new(tables: Tables) -> Result<Dataset, ModelError> {
        let t = &tables;
        check_table(&t.customers)?;
        for attribute in &t.customers.attributes {
            check_same_length(
                Customers::NAME,
                &[
                    ("customer_id", t.customers.len()),
                    ("attribute", attribute.values.len()),
                ],
            )?;
        }
        check_table(&t.holdings)?;
        check_table(&t.transactions)?;
        check_table(&t.relationship_managers)?;
        check_table(&t.interactions)?;
        check_table(&t.feedback)?;
        let n_customers = t.customers.len();
        check_indices("holdings", &t.holdings.customer_idx, n_customers)?;
        check_indices("transactions", &t.transactions.customer_idx, n_customers)?;
        check_indices("interactions", &t.interactions.customer_idx, n_customers)?;
        check_indices("feedback", &t.feedback.customer_idx, n_customers)?;
        let n_managers = t.relationship_managers.len();
        check_optional_indices(
            "customers",
            &t.customers.relationship_manager_idx,
            n_managers,
        )?;
        check_optional_indices(
            "interactions",
            &t.interactions.relationship_manager_idx,
            n_managers,
        )?;
        check_amounts("holdings", &t.holdings.balance_fen)?;
        check_amounts("transactions", &t.transactions.amount_fen)?;
        check_amounts("customers", &t.customers.annual_income_fen)?;
        Ok(Dataset { tables })
    }

    /// The customers, one row each.
    pub fn customers(&self) -> &Customers {
        &self.tables.customers
    }

    /// Balances by product, several rows per customer.
    pub fn holdings(&self) -> &Holdings {
        &self.tables.holdings
    }

    /// Account movements, many rows per customer.
    pub fn transactions(&self) -> &Transactions {
        &self.tables.transactions
    }

    /// The bank's relationship managers.
    pub fn relationship_managers(&self) -> &RelationshipManagers {
        &self.tables.relationship_managers
    }

    /// Contacts with customers.
    pub fn interactions(&self) -> &Interactions {
        &self.tables.interactions
    }

    /// Survey answers.
    pub fn feedback(&self) -> &Feedback {
        &self.tables.feedback
    }

    /// All tables, for code that rebuilds a dataset (incremental imports).
    pub fn tables(&self) -> &Tables {
        &self.tables
    }

    /// Gives the tables back, e.g. to append to them and check them again.
    pub fn into_tables(self) -> Tables {
        self.tables
    }

    /// The same data with each customer's relationship manager replaced (the journal's
    /// reassignments), checked like any other dataset.
    pub fn with_relationship_managers(&self, manager_of: Vec<u32>) -> Result<Dataset, ModelError> {
        let mut tables = self.tables.clone();
        tables.customers.relationship_manager_idx = manager_of;
        Dataset::new(tables)
    }

    /// Number of customers.
    pub fn n_customers(&self) -> usize {
        self.tables.customers.len()
    }

    /// Bytes the columns' values take in memory (texts with their offsets, codes with their
    /// dictionaries): the "columnar size" that memory figures are measured against.
    pub fn column_bytes(&self) -> usize {
        self.table_bytes().total()
    }

    /// [`Dataset::column_bytes`] per table.
    pub fn table_bytes(&self) -> TableBytes {
        let t = &self.tables;
        let attributes: usize = t
            .customers
            .attributes
            .iter()
            .map(|a| a.name.len() + a.values.column_bytes())
            .sum();
        TableBytes {
            customers: table_column_bytes(&t.customers) + attributes,
            holdings: table_column_bytes(&t.holdings),
            transactions: table_column_bytes(&t.transactions),
            relationship_managers: table_column_bytes(&t.relationship_managers),
            interactions: table_column_bytes(&t.interactions),
            feedback: table_column_bytes(&t.feedback),
        }
    }
}

/// Bytes each table's columns take in memory (see [`Dataset::column_bytes`]).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct TableBytes {
    pub customers: usize,
    pub holdings: usize,
    pub transactions: usize,
    pub relationship_managers: usize,
    pub interactions: usize,
    pub feedback: usize,
}

impl TableBytes {
    /// All tables together.
    pub fn total(&self) -> usize {
        self.customers
            + self.holdings
            + self.transactions
            + self.relationship_managers
            + self.interactions
            + self.feedback
    }
}

/// A table's name.
fn table_name<T: Table>(_: &T) -> &'static str {
    T::NAME
}

/// Checks that every column of a table has as many rows as the first.
fn check_table(table: &impl Table) -> Result<(), ModelError> {
    check_same_length(table_name(table), &column_lengths(table))
}

fn check_optional_indices(
    table: &'static str,
    indices: &[u32],
    bound: usize,
) -> Result<(), ModelError> {
    match indices
        .iter()
        .position(|&idx| idx != NO_RELATIONSHIP_MANAGER && idx as usize >= bound)
    {
        Some(row) => Err(ModelError::DanglingReference {
            table,
            row,
            index: indices[row],
        }),
        None => Ok(()),
    }
}

fn check_amounts(table: &'static str, amounts: &[i64]) -> Result<(), ModelError> {
    match amounts
        .iter()
        .position(|a| !(-MAX_AMOUNT_FEN..=MAX_AMOUNT_FEN).contains(a))
    {
        Some(row) => Err(ModelError::ImplausibleAmount { table, row }),
        None => Ok(()),
    }
}

fn check_indices(table: &'static str, indices: &[u32], bound: usize) -> Result<(), ModelError> {
    match indices.iter().position(|&idx| idx as usize >= bound) {
        Some(row) => Err(ModelError::DanglingReference {
            table,
            row,
            index: indices[row],
        }),
        None => Ok(()),
    }
}

/// Checks that all `lengths` equal the first, naming the first that does not.
pub(crate) fn check_same_length(
    table: &'static str,
    lengths: &[(&'static str, usize)],
) -> Result<(), ModelError> {
    let Some(&(_, expected)) = lengths.first() else {
        return Ok(());
    };
    match lengths.iter().find(|(_, len)| *len != expected) {
        Some(&(column, found)) => Err(ModelError::RaggedTable {
            table,
            column,
            expected,
            found,
        }),
        None => Ok(()),
    }
}
