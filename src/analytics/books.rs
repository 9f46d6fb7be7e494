//! Books and mixes: who looks after which clients, and which products each tier holds.

use crate::model::{add_fen, Dataset, ProductType, NO_RELATIONSHIP_MANAGER};

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
        book.aum_fen = add_fen(book.aum_fen, aum_fen[customer]);
        if (tier_of_customer[customer] as usize) < key_account_tiers {
            book.key_accounts += 1;
        }
    }
    books
}

/// Customers holding each product type (with a positive balance), per tier: `[tier][product]`.
pub fn product_mix_by_tier(
    dataset: &Dataset,
    tier_of_customer: &[u8],
    n_tiers: usize,
) -> Vec<[usize; ProductType::ALL.len()]> {
    let mut held = vec![0u8; dataset.n_customers()];
    let holdings = dataset.holdings();
    for row in 0..holdings.len() {
        if holdings.balance_fen[row] > 0 {
            held[holdings.customer_idx[row] as usize] |= 1 << (holdings.product_type[row] as u8);
        }
    }
    let mut mix = vec![[0usize; ProductType::ALL.len()]; n_tiers];
    for (&types, &tier) in held.iter().zip(tier_of_customer) {
        for product in ProductType::ALL {
            if types & (1 << product as u8) != 0 {
                mix[tier as usize][product as usize] += 1;
            }
        }
    }
    mix
}
