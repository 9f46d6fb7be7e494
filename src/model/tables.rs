//! The four tables of an export and the coded values their rows hold.

use super::{CodedColumn, Day, TextColumn};

/// `len` and `is_empty` for a table, counted by the column that every row has.
macro_rules! row_count {
    ($table:ident, $column:ident) => {
        impl $table {
            /// Number of rows.
            pub fn len(&self) -> usize {
                self.$column.len()
            }

            /// Whether the table has no rows.
            pub fn is_empty(&self) -> bool {
                self.len() == 0
            }
        }
    };
}

/// Marks a customer with no dedicated relationship manager.
pub const NO_RELATIONSHIP_MANAGER: u32 = u32::MAX;

/// A customer's recorded gender.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
#[repr(u8)]
pub enum Gender {
    /// Not recorded, or a value the export did not explain.
    #[default]
    Unknown = 0,
    /// 女 / F.
    Female = 1,
    /// 男 / M.
    Male = 2,
}

impl Gender {
    /// The stored byte back to a value; unknown bytes read as [`Gender::Unknown`].
    pub fn from_code(code: u8) -> Gender {
        match code {
            1 => Gender::Female,
            2 => Gender::Male,
            _ => Gender::Unknown,
        }
    }
}

/// The product families a core-banking export reports balances for.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
)]
#[repr(u8)]
pub enum ProductType {
    /// 活期存款: demand deposits.
    CurrentDeposit = 0,
    /// 定期存款: time deposits.
    TimeDeposit = 1,
    /// 理财: bank wealth-management products.
    WealthManagement = 2,
    /// 基金: mutual funds sold by the bank.
    Fund = 3,
    /// 保险: insurance sold by the bank.
    Insurance = 4,
    /// 贷款: loans, a liability, not part of AUM.
    Loan = 5,
    /// 信用卡: credit-card balances, a liability, not part of AUM.
    CreditCard = 6,
    /// Anything else the export lists; counted in AUM as an asset.
    Other = 7,
}

impl ProductType {
    /// The named families (every type but [`ProductType::Other`]), in display order.
    pub const NAMED: [ProductType; 7] = [
        ProductType::CurrentDeposit,
        ProductType::TimeDeposit,
        ProductType::WealthManagement,
        ProductType::Fund,
        ProductType::Insurance,
        ProductType::Loan,
        ProductType::CreditCard,
    ];

    /// Every product type, in display order: the named families, then [`ProductType::Other`].
    pub const ALL: [ProductType; 8] = {
        let mut all = [ProductType::Other; 8];
        let mut i = 0;
        while i < ProductType::NAMED.len() {
            all[i] = ProductType::NAMED[i];
            i += 1;
        }
        all
    };

    /// The stored byte back to a value.
    pub fn from_code(code: u8) -> ProductType {
        ProductType::ALL
            .get(code as usize)
            .copied()
            .unwrap_or(ProductType::Other)
    }

    /// A stable machine name, for feature names, exports and URLs.
    pub fn key(self) -> &'static str {
        match self {
            ProductType::CurrentDeposit => "current_deposit",
            ProductType::TimeDeposit => "time_deposit",
            ProductType::WealthManagement => "wealth_management",
            ProductType::Fund => "fund",
            ProductType::Insurance => "insurance",
            ProductType::Loan => "loan",
            ProductType::CreditCard => "credit_card",
            ProductType::Other => "other",
        }
    }

    /// The name core-banking exports use.
    pub fn chinese_name(self) -> &'static str {
        match self {
            ProductType::CurrentDeposit => "活期存款",
            ProductType::TimeDeposit => "定期存款",
            ProductType::WealthManagement => "理财",
            ProductType::Fund => "基金",
            ProductType::Insurance => "保险",
            ProductType::Loan => "贷款",
            ProductType::CreditCard => "信用卡",
            ProductType::Other => "其他",
        }
    }

    /// The English name.
    pub fn english_name(self) -> &'static str {
        match self {
            ProductType::CurrentDeposit => "Current deposit",
            ProductType::TimeDeposit => "Time deposit",
            ProductType::WealthManagement => "Wealth management",
            ProductType::Fund => "Fund",
            ProductType::Insurance => "Insurance",
            ProductType::Loan => "Loan",
            ProductType::CreditCard => "Credit card",
            ProductType::Other => "Other",
        }
    }

    /// Recognises a product family by its Chinese or English name or a common alias
    /// (`活期`, `deposit`, `loan` …); anything else is [`ProductType::Other`].
    pub fn from_name(name: &str) -> ProductType {
        ProductType::from_known_name(name).unwrap_or(ProductType::Other)
    }

    /// [`ProductType::from_name`], but `None` for a name no family answers to (`其他` and
    /// `Other` answer: other assets), so an unknown code can be said, not silently counted.
    pub fn from_known_name(name: &str) -> Option<ProductType> {
        // Compared in place, not lowercased into a new string: this runs for every holding.
        const ALIASES: [(&str, ProductType); 32] = [
            ("活期", ProductType::CurrentDeposit),
            ("活期储蓄", ProductType::CurrentDeposit),
            ("current", ProductType::CurrentDeposit),
            ("demand deposit", ProductType::CurrentDeposit),
            ("casa", ProductType::CurrentDeposit),
            ("定期", ProductType::TimeDeposit),
            ("定期储蓄", ProductType::TimeDeposit),
            ("大额存单", ProductType::TimeDeposit),
            ("time", ProductType::TimeDeposit),
            ("fixed deposit", ProductType::TimeDeposit),
            ("term deposit", ProductType::TimeDeposit),
            ("cd", ProductType::TimeDeposit),
            ("银行理财", ProductType::WealthManagement),
            ("理财产品", ProductType::WealthManagement),
            ("wealth", ProductType::WealthManagement),
            ("wmp", ProductType::WealthManagement),
            ("公募基金", ProductType::Fund),
            ("私募基金", ProductType::Fund),
            ("funds", ProductType::Fund),
            ("mutual fund", ProductType::Fund),
            ("保险产品", ProductType::Insurance),
            ("代理保险", ProductType::Insurance),
            ("insurance policy", ProductType::Insurance),
            ("个人贷款", ProductType::Loan),
            ("房贷", ProductType::Loan),
            ("按揭", ProductType::Loan),
            ("消费贷", ProductType::Loan),
            ("loans", ProductType::Loan),
            ("mortgage", ProductType::Loan),
            ("信用卡透支", ProductType::CreditCard),
            ("card", ProductType::CreditCard),
            ("credit", ProductType::CreditCard),
        ];
        let name = name.trim();
        ProductType::ALL
            .into_iter()
            .find(|p| p.chinese_name() == name || p.english_name().eq_ignore_ascii_case(name))
            .or_else(|| {
                ALIASES
                    .iter()
                    .find(|(alias, _)| alias.eq_ignore_ascii_case(name))
                    .map(|&(_, product)| product)
            })
    }

    /// Loans and card balances are owed to the bank, so they are not assets under management.
    pub fn is_liability(self) -> bool {
        matches!(self, ProductType::Loan | ProductType::CreditCard)
    }
}

/// Which way money moved on an account.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[repr(u8)]
pub enum Direction {
    /// Money came in (贷, credit to the customer's account).
    In = 0,
    /// Money went out (借, debit).
    Out = 1,
}

impl Direction {
    /// The stored byte back to a value.
    pub fn from_code(code: u8) -> Direction {
        if code == 0 {
            Direction::In
        } else {
            Direction::Out
        }
    }
}

/// One row per customer.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Customers {
    /// The bank's customer number (客户号).
    pub customer_id: TextColumn,
    /// Full name (姓名).
    pub name: TextColumn,
    /// Gender (性别).
    pub gender: Vec<Gender>,
    /// Date of birth (出生日期).
    pub birth_date: Vec<Day>,
    /// City of residence (城市).
    pub city: CodedColumn,
    /// Occupation (职业).
    pub occupation: CodedColumn,
    /// Declared annual income in fen (年收入).
    pub annual_income_fen: Vec<i64>,
    /// Risk-tolerance level 1 (conservative) to 5 (aggressive); 0 when not assessed.
    pub risk_level: Vec<u8>,
    /// Index into [`RelationshipManagers`], or [`NO_RELATIONSHIP_MANAGER`].
    pub relationship_manager_idx: Vec<u32>,
    /// Account opening date (开户日期).
    pub open_date: Vec<Day>,
    /// Age in years as exported (年龄) when no birth date is: the age at the data's date;
    /// 0 when not given.
    pub age: Vec<u8>,
    /// Whether `annual_income_fen` is the midpoint of a band the export gave (`10-20万`,
    /// `$60K - $80K`) rather than a figure.
    pub income_band: Vec<bool>,
    /// Columns of the export that map to no field (e.g. `job`, `y`), kept as text so models can use them.
    pub attributes: Vec<Attribute>,
}

/// An extra customer column kept from the export, one value per customer.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Attribute {
    /// The export's header.
    pub name: String,
    /// The values, as text.
    pub values: CodedColumn,
}

row_count!(Customers, customer_id);

impl Customers {}

/// Balances by product: one row per product a customer holds.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Holdings {
    /// The holder, as an index into [`Customers`].
    pub customer_idx: Vec<u32>,
    /// The product family.
    pub product_type: Vec<ProductType>,
    /// The bank's product code (产品代码).
    pub product_code: CodedColumn,
    /// Balance in fen on [`Holdings::as_of`].
    pub balance_fen: Vec<i64>,
    /// The date the balance was taken.
    pub as_of: Vec<Day>,
    /// The product's risk rating, 1 (R1) to 5 (R5); 0 when the export does not rate it.
    pub risk_level: Vec<u8>,
    /// When the product matures (到期日): time deposits, wealth products; missing for
    /// products without one or exports that do not say.
    pub maturity_date: Vec<Day>,
}

row_count!(Holdings, customer_idx);

impl Holdings {
    /// Adds `other`'s rows after these (both refer to the same customers).
    pub fn append(&mut self, other: &Holdings) {
        super::schema::append_rows(self, other);
    }
}

/// Account movements.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Transactions {
    /// The bank's transaction number (流水号).
    pub txn_id: TextColumn,
    /// The customer, as an index into [`Customers`].
    pub customer_idx: Vec<u32>,
    /// Booking date (交易日期).
    pub txn_date: Vec<Day>,
    /// Amount in fen, always positive; [`Transactions::direction`] says which way.
    pub amount_fen: Vec<i64>,
    /// In or out.
    pub direction: Vec<Direction>,
    /// Channel (渠道): mobile, branch counter, ATM …
    pub channel: CodedColumn,
    /// Purpose (类别): salary, consumption, transfer …
    pub category: CodedColumn,
}

row_count!(Transactions, customer_idx);

impl Transactions {
    /// Adds `other`'s rows after these (both refer to the same customers).
    pub fn append(&mut self, other: &Transactions) {
        super::schema::append_rows(self, other);
    }
}

/// The bank's relationship managers (客户经理).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct RelationshipManagers {
    /// Staff number (工号).
    pub rm_id: TextColumn,
    /// Full name.
    pub name: TextColumn,
    /// The branch (支行) the manager works at.
    pub branch: CodedColumn,
}

row_count!(RelationshipManagers, rm_id);

impl RelationshipManagers {}

/// Contacts with customers: calls, visits, emails, events (接触记录).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Interactions {
    /// The customer, as an index into [`Customers`].
    pub customer_idx: Vec<u32>,
    /// The day of the contact.
    pub date: Vec<Day>,
    /// How: 电话 call, 拜访 visit, 邮件 email, 活动 event … as the export names it.
    pub kind: CodedColumn,
    /// Who, as an index into [`RelationshipManagers`], or [`NO_RELATIONSHIP_MANAGER`].
    pub relationship_manager_idx: Vec<u32>,
    /// What was said or agreed.
    pub note: TextColumn,
}

row_count!(Interactions, customer_idx);

impl Interactions {}

/// Survey answers: satisfaction or NPS scores with comments (满意度调查).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Feedback {
    /// The customer, as an index into [`Customers`].
    pub customer_idx: Vec<u32>,
    /// The day of the answer.
    pub date: Vec<Day>,
    /// The score, 0 to 10.
    pub score: Vec<u8>,
    /// The customer's words.
    pub comment: TextColumn,
}

row_count!(Feedback, customer_idx);

impl Feedback {}
