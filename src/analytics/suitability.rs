//! Suitability (适当性): products held whose risk rating is above what the customer's assessed
//! risk tolerance allows, and risk products held by customers never assessed.
//!
//! A holding's rating is the export's product risk level when it has one; otherwise the usual
//! rating of its product family: deposits R1, bank wealth products and insurance R2, funds and
//! other assets R3. Loans and card balances are not investments and are never flagged.

use crate::model::{Dataset, ProductType};

/// Why a holding is flagged.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum SuitabilityIssue {
    /// The product's rating is above the customer's tolerance.
    AboveTolerance,
    /// The customer holds a product above R1 without a risk assessment.
    NotAssessed,
}

/// One flagged holding.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SuitabilityFlag {
    /// Row in the holdings table.
    pub holding: u32,
    /// The customer, as a row of the customers table.
    pub customer: u32,
    /// The rating used (1–5).
    pub product_level: u8,
    /// The customer's tolerance (0 when not assessed).
    pub customer_level: u8,
    /// Why.
    pub issue: SuitabilityIssue,
}

/// The usual rating of a product family, when the export gives none.
pub fn default_product_level(product: ProductType) -> Option<u8> {
    match product {
        ProductType::CurrentDeposit | ProductType::TimeDeposit => Some(1),
        ProductType::WealthManagement | ProductType::Insurance => Some(2),
        ProductType::Fund | ProductType::Other => Some(3),
        ProductType::Loan | ProductType::CreditCard => None,
    }
}

/// Every holding with a positive balance that breaks the rule, in holdings order.
pub fn suitability_flags(dataset: &Dataset) -> Vec<SuitabilityFlag> {
    (0..dataset.holdings().len())
        .filter_map(|row| suitability_flag(dataset, row))
        .collect()
}

/// The flag of one holding (a row of the holdings table), if it breaks the rule.
pub fn suitability_flag(dataset: &Dataset, row: usize) -> Option<SuitabilityFlag> {
    let holdings = dataset.holdings();
    if holdings.balance_fen[row] <= 0 {
        return None;
    }
    let product = holdings.product_type[row];
    let rated = holdings.risk_level[row];
    let level = if rated > 0 && !product.is_liability() {
        rated
    } else {
        default_product_level(product)?
    };
    let customer = holdings.customer_idx[row];
    let customer_level = dataset.customers().risk_level[customer as usize];
    let issue = match customer_level {
        0 if level > 1 => SuitabilityIssue::NotAssessed,
        0 => return None,
        allowed if level > allowed => SuitabilityIssue::AboveTolerance,
        _ => return None,
    };
    Some(SuitabilityFlag {
        holding: row as u32,
        customer,
        product_level: level,
        customer_level,
        issue,
    })
}
