//! The columnar data model: the tables a bank export becomes, validated once on construction.
//!
//! Every table is a struct of equal-length columns. Money is integer fen (`i64`), dates are
//! [`Day`] numbers, repeated strings are dictionary-encoded. Kernels in `analytics` rely on the
//! invariants that [`Dataset::new`] checks, so they never re-check lengths or indices.

mod columns;
mod date;
mod tables;

pub use columns::{offsets_fit, CodedColumn, TextColumn};
pub use date::Day;
pub use tables::{
    Customers, Direction, Gender, Holdings, ProductType, RelationshipManagers, Transactions,
    NO_RELATIONSHIP_MANAGER,
};

use std::fmt;

/// One bank's export, as held in memory: customers and everything that refers to them.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Dataset {
    customers: Customers,
    holdings: Holdings,
    transactions: Transactions,
    relationship_managers: RelationshipManagers,
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
    pub fn new(
        customers: Customers,
        holdings: Holdings,
        transactions: Transactions,
        relationship_managers: RelationshipManagers,
    ) -> Result<Dataset, ModelError> {
        customers.check_lengths()?;
        holdings.check_lengths()?;
        transactions.check_lengths()?;
        relationship_managers.check_lengths()?;
        let n_customers = customers.len();
        check_indices("holdings", &holdings.customer_idx, n_customers)?;
        check_indices("transactions", &transactions.customer_idx, n_customers)?;
        let n_rms = relationship_managers.len();
        for (row, &rm) in customers.relationship_manager_idx.iter().enumerate() {
            if rm != NO_RELATIONSHIP_MANAGER && rm as usize >= n_rms {
                return Err(ModelError::DanglingReference {
                    table: "customers",
                    row,
                    index: rm,
                });
            }
        }
        Ok(Dataset {
            customers,
            holdings,
            transactions,
            relationship_managers,
        })
    }

    /// The customers, one row each.
    pub fn customers(&self) -> &Customers {
        &self.customers
    }

    /// Balances by product, several rows per customer.
    pub fn holdings(&self) -> &Holdings {
        &self.holdings
    }

    /// Account movements, many rows per customer.
    pub fn transactions(&self) -> &Transactions {
        &self.transactions
    }

    /// The bank's relationship managers.
    pub fn relationship_managers(&self) -> &RelationshipManagers {
        &self.relationship_managers
    }

    /// Number of customers.
    pub fn n_customers(&self) -> usize {
        self.customers.len()
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
