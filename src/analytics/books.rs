//! Relationship managers' books: who looks after which clients, and how much they hold.

use crate::model::{Dataset, NO_RELATIONSHIP_MANAGER};

/// One relationship manager's clients in figures.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Book {
    /// Clients assigned to the manager.
    pub clients: usize,
    /// Of those, key accounts.
    pub key_accounts: usize,
    /// Their AUM, in fen.
    pub aum_fen: i64,
}

/// Every manager's book, indexed like the managers table, plus the clients nobody looks after.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Books {
    /// One book per relationship manager.
    pub by_manager: Vec<Book>,
    /// Customers with no relationship manager.
    pub unassigned: Book,
}

/// Sums clients, key accounts and AUM per relationship manager.
pub fn relationship_manager_books(
    dataset: &Dataset,
    aum_fen: &[i64],
    tier_of_customer: &[u8],
    key_account_tiers: usize,
) -> Books {
    let mut books = Books {
        by_manager: vec![Book::default(); dataset.relationship_managers().len()],
        unassigned: Book::default(),
    };
    let managers = &dataset.customers().relationship_manager_idx;
    for (customer, &manager) in managers.iter().enumerate() {
        let book = if manager == NO_RELATIONSHIP_MANAGER {
            &mut books.unassigned
        } else {
            &mut books.by_manager[manager as usize]
        };
        book.clients += 1;
        book.aum_fen += aum_fen[customer];
        if (tier_of_customer[customer] as usize) < key_account_tiers {
            book.key_accounts += 1;
        }
    }
    books
}
