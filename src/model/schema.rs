//! Each table's column list, written once: the codec, byte counting, length checks, appends
//! and import staging visit a table's columns through it instead of naming them again.
//!
//! `table_columns!` turns one list per table — kind, field, stored name, and the schema that
//! added it — into three visits: read-only ([`ColumnVisitor`]), mutable ([`ColumnVisitorMut`])
//! and pairwise with another table of the same kind ([`ColumnPairVisitor`]). Adding a column is
//! one line here and one field in the table; every visitor then sees it. A customer's
//! free-form attributes are a family of columns whose count is the data's, visited apart.

use super::columns::{CodedColumn, TextColumn};
use super::date::Day;
use super::tables::{
    Customers, Direction, Feedback, Gender, Holdings, Interactions, ProductType,
    RelationshipManagers, Transactions,
};

/// A column as stored: its name in chunk keys and the storage schema that added it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Column {
    /// The name in chunk keys and error messages.
    pub name: &'static str,
    /// The first storage schema with this column; older snapshots read it as "unknown".
    pub since_schema: u32,
}

/// A small coded value stored as one byte.
pub trait ByteCode: Copy {
    /// The stored byte.
    fn code(self) -> u8;
    /// The value of a stored byte (unknown bytes read as the type's "unknown").
    fn from_code(code: u8) -> Self;
}

impl ByteCode for u8 {
    fn code(self) -> u8 {
        self
    }
    fn from_code(code: u8) -> u8 {
        code
    }
}

macro_rules! byte_code {
    ($($kind:ty),*) => {$(
        impl ByteCode for $kind {
            fn code(self) -> u8 {
                self as u8
            }
            fn from_code(code: u8) -> $kind {
                <$kind>::from_code(code)
            }
        }
    )*};
}

byte_code!(Gender, ProductType, Direction);

impl ByteCode for bool {
    fn code(self) -> u8 {
        u8::from(self)
    }
    fn from_code(code: u8) -> bool {
        code != 0
    }
}

/// Sees a table's columns, in their stored order.
pub trait ColumnVisitor {
    fn text(&mut self, column: Column, values: &TextColumn);
    fn coded(&mut self, column: Column, values: &CodedColumn);
    fn days(&mut self, column: Column, values: &[Day]);
    fn amounts(&mut self, column: Column, values: &[i64]);
    fn indices(&mut self, column: Column, values: &[u32]);
    fn codes<T: ByteCode>(&mut self, column: Column, values: &[T]);
}

/// Changes a table's columns, in their stored order.
pub trait ColumnVisitorMut {
    fn text(&mut self, column: Column, values: &mut TextColumn);
    fn coded(&mut self, column: Column, values: &mut CodedColumn);
    fn days(&mut self, column: Column, values: &mut Vec<Day>);
    fn amounts(&mut self, column: Column, values: &mut Vec<i64>);
    fn indices(&mut self, column: Column, values: &mut Vec<u32>);
    fn codes<T: ByteCode>(&mut self, column: Column, values: &mut Vec<T>);
}

/// Sees each column of one table beside the same column of another.
pub trait ColumnPairVisitor {
    fn text(&mut self, into: &mut TextColumn, from: &TextColumn);
    fn coded(&mut self, into: &mut CodedColumn, from: &CodedColumn);
    fn plain<T: Copy>(&mut self, into: &mut Vec<T>, from: &[T]);
}

/// What each table of the dataset offers: its name and its column visits.
pub trait Table {
    /// The table's name in chunk keys and error messages.
    const NAME: &'static str;
    /// Visits every column (a customer's attributes apart).
    fn visit(&self, visitor: &mut impl ColumnVisitor);
    /// Visits every column mutably (a customer's attributes apart).
    fn visit_mut(&mut self, visitor: &mut impl ColumnVisitorMut);
    /// Visits every column beside `other`'s (a customer's attributes apart).
    fn visit_pairs(&mut self, other: &Self, visitor: &mut impl ColumnPairVisitor);
}

/// The pairwise visit of one column: text and coded columns have their own, the rest are
/// plain vectors.
macro_rules! visit_pair {
    (text, $visitor:ident, $into:expr, $from:expr) => {
        $visitor.text($into, $from)
    };
    (coded, $visitor:ident, $into:expr, $from:expr) => {
        $visitor.coded($into, $from)
    };
    ($plain:ident, $visitor:ident, $into:expr, $from:expr) => {
        $visitor.plain($into, $from)
    };
}

macro_rules! table_columns {
    ($table:ty, $name:literal {
        $($kind:ident $field:ident as $stored:literal $(since $since:literal)?),* $(,)?
    }) => {
        impl Table for $table {
            const NAME: &'static str = $name;

            fn visit(&self, visitor: &mut impl ColumnVisitor) {
                $(visitor.$kind(column($stored, [$($since)?]), &self.$field);)*
            }

            fn visit_mut(&mut self, visitor: &mut impl ColumnVisitorMut) {
                $(visitor.$kind(column($stored, [$($since)?]), &mut self.$field);)*
            }

            fn visit_pairs(&mut self, other: &Self, visitor: &mut impl ColumnPairVisitor) {
                $(visit_pair!($kind, visitor, &mut self.$field, &other.$field);)*
            }
        }
    };
}

/// A column added by schema `since` (1, the first, when not said).
fn column<const N: usize>(name: &'static str, since: [u32; N]) -> Column {
    Column {
        name,
        since_schema: since.first().copied().unwrap_or(1),
    }
}

table_columns!(Customers, "customers" {
    text customer_id as "customer_id",
    text name as "name",
    codes gender as "gender",
    days birth_date as "birth_date",
    coded city as "city",
    coded occupation as "occupation",
    amounts annual_income_fen as "annual_income",
    codes risk_level as "risk_level",
    indices relationship_manager_idx as "rm",
    days open_date as "open_date",
    codes age as "age" since 7,
    codes income_band as "income_band" since 7,
});

table_columns!(Holdings, "holdings" {
    indices customer_idx as "customer",
    codes product_type as "product_type",
    coded product_code as "product_code",
    amounts balance_fen as "balance",
    days as_of as "as_of",
    codes risk_level as "risk_level" since 2,
    days maturity_date as "maturity_date" since 8,
});

table_columns!(Transactions, "transactions" {
    text txn_id as "txn_id",
    indices customer_idx as "customer",
    days txn_date as "txn_date",
    amounts amount_fen as "amount",
    codes direction as "direction",
    coded channel as "channel",
    coded category as "category",
});

table_columns!(RelationshipManagers, "relationship_managers" {
    text rm_id as "rm_id",
    text name as "name",
    coded branch as "branch",
});

table_columns!(Interactions, "interactions" {
    indices customer_idx as "customer",
    days date as "date",
    coded kind as "kind",
    indices relationship_manager_idx as "rm",
    text note as "note",
});

table_columns!(Feedback, "feedback" {
    indices customer_idx as "customer",
    days date as "date",
    codes score as "score",
    text comment as "comment",
});

/// The length of each column of a table, `(stored name, rows)`.
pub fn column_lengths(table: &impl Table) -> Vec<(&'static str, usize)> {
    struct Lengths(Vec<(&'static str, usize)>);
    impl ColumnVisitor for Lengths {
        fn text(&mut self, column: Column, values: &TextColumn) {
            self.0.push((column.name, values.len()));
        }
        fn coded(&mut self, column: Column, values: &CodedColumn) {
            self.0.push((column.name, values.len()));
        }
        fn days(&mut self, column: Column, values: &[Day]) {
            self.0.push((column.name, values.len()));
        }
        fn amounts(&mut self, column: Column, values: &[i64]) {
            self.0.push((column.name, values.len()));
        }
        fn indices(&mut self, column: Column, values: &[u32]) {
            self.0.push((column.name, values.len()));
        }
        fn codes<T: ByteCode>(&mut self, column: Column, values: &[T]) {
            self.0.push((column.name, values.len()));
        }
    }
    let mut lengths = Lengths(Vec::new());
    table.visit(&mut lengths);
    lengths.0
}

/// Bytes a table's columns take in memory.
pub fn table_column_bytes(table: &impl Table) -> usize {
    struct Bytes(usize);
    impl ColumnVisitor for Bytes {
        fn text(&mut self, _: Column, values: &TextColumn) {
            self.0 += values.column_bytes();
        }
        fn coded(&mut self, _: Column, values: &CodedColumn) {
            self.0 += values.column_bytes();
        }
        fn days(&mut self, _: Column, values: &[Day]) {
            self.0 += std::mem::size_of_val(values);
        }
        fn amounts(&mut self, _: Column, values: &[i64]) {
            self.0 += std::mem::size_of_val(values);
        }
        fn indices(&mut self, _: Column, values: &[u32]) {
            self.0 += std::mem::size_of_val(values);
        }
        fn codes<T: ByteCode>(&mut self, _: Column, values: &[T]) {
            self.0 += std::mem::size_of_val(values);
        }
    }
    let mut bytes = Bytes(0);
    table.visit(&mut bytes);
    bytes.0
}

/// Makes room for `rows` more rows in every column of a table.
pub fn reserve_rows(table: &mut impl Table, rows: usize) {
    struct Reserve(usize);
    impl ColumnVisitorMut for Reserve {
        fn text(&mut self, _: Column, values: &mut TextColumn) {
            values.reserve(self.0);
        }
        fn coded(&mut self, _: Column, values: &mut CodedColumn) {
            values.reserve(self.0);
        }
        fn days(&mut self, _: Column, values: &mut Vec<Day>) {
            values.reserve(self.0);
        }
        fn amounts(&mut self, _: Column, values: &mut Vec<i64>) {
            values.reserve(self.0);
        }
        fn indices(&mut self, _: Column, values: &mut Vec<u32>) {
            values.reserve(self.0);
        }
        fn codes<T: ByteCode>(&mut self, _: Column, values: &mut Vec<T>) {
            values.reserve(self.0);
        }
    }
    table.visit_mut(&mut Reserve(rows));
}

/// Adds `other`'s rows after `into`'s, column by column.
pub fn append_rows<T: Table>(into: &mut T, other: &T) {
    struct Append;
    impl ColumnPairVisitor for Append {
        fn text(&mut self, into: &mut TextColumn, from: &TextColumn) {
            into.append(from);
        }
        fn coded(&mut self, into: &mut CodedColumn, from: &CodedColumn) {
            into.append(from);
        }
        fn plain<V: Copy>(&mut self, into: &mut Vec<V>, from: &[V]) {
            // Exactly: doubling a column of millions of rows would hold half as much again.
            into.reserve_exact(from.len());
            into.extend_from_slice(from);
        }
    }
    into.visit_pairs(other, &mut Append);
}
