//! What each entity's file holds, and how export headers map onto it.
//!
//! Every target field has Chinese and English synonyms; a header maps to the first field whose
//! synonym matches it once case, spaces, underscores and brackets are ignored.

use crate::model::ProductType;

/// The kinds of file an import understands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub enum Entity {
    /// One row per customer.
    Customers,
    /// Balances by product.
    Holdings,
    /// Account movements.
    Transactions,
    /// The relationship managers.
    RelationshipManagers,
    /// Calls, visits, emails and events with customers.
    Interactions,
    /// Survey scores and comments.
    Feedback,
    /// A core system's accounts: each belongs to a customer (by its own column or through
    /// the account-holder links); one with a balance is a holding.
    Accounts,
    /// Account-holder links: which customer holds which account, in which role (owner,
    /// authorised user …).
    AccountLinks,
}

impl Entity {
    /// Every entity, in import order (customers first: the others refer to them; links and
    /// accounts before what is keyed by account).
    pub const ALL: [Entity; 8] = [
        Entity::Customers,
        Entity::RelationshipManagers,
        Entity::AccountLinks,
        Entity::Accounts,
        Entity::Holdings,
        Entity::Transactions,
        Entity::Interactions,
        Entity::Feedback,
    ];

    /// A stable machine name.
    pub fn key(self) -> &'static str {
        match self {
            Entity::Customers => "customers",
            Entity::Holdings => "holdings",
            Entity::Transactions => "transactions",
            Entity::RelationshipManagers => "relationship_managers",
            Entity::Interactions => "interactions",
            Entity::Feedback => "feedback",
            Entity::Accounts => "accounts",
            Entity::AccountLinks => "account_links",
        }
    }

    /// The entity named `key` (see [`Entity::key`]).
    pub fn from_key(key: &str) -> Option<Entity> {
        Entity::ALL.into_iter().find(|e| e.key() == key)
    }

    /// The fields a file of this entity can hold.
    pub fn fields(self) -> &'static [FieldSpec] {
        match self {
            Entity::Customers => CUSTOMER_FIELDS,
            Entity::Holdings => HOLDING_FIELDS,
            Entity::Transactions => TRANSACTION_FIELDS,
            Entity::RelationshipManagers => MANAGER_FIELDS,
            Entity::Interactions => INTERACTION_FIELDS,
            Entity::Feedback => FEEDBACK_FIELDS,
            Entity::Accounts => ACCOUNT_FIELDS,
            Entity::AccountLinks => LINK_FIELDS,
        }
    }

    /// Whether a file of this entity may name its rows' customer by account instead (the
    /// account's holder, through the accounts and links files).
    pub fn keyed_by_account(self) -> bool {
        matches!(self, Entity::Holdings | Entity::Transactions)
    }
}

/// A target field of an entity.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
)]
pub enum Field {
    /// 客户号: the customer's id (generated when a customer file has none).
    CustomerId,
    /// 姓名: a person's name.
    Name,
    /// 性别.
    Gender,
    /// 出生日期.
    BirthDate,
    /// 城市.
    City,
    /// 职业.
    Occupation,
    /// 年收入, money.
    AnnualIncome,
    /// 风险等级, 1–5.
    RiskLevel,
    /// 客户经理工号.
    RmId,
    /// 开户日期.
    OpenDate,
    /// 产品类型.
    ProductType,
    /// 产品代码.
    ProductCode,
    /// 余额, money.
    Balance,
    /// 余额日期 / 数据日期.
    AsOf,
    /// 流水号.
    TxnId,
    /// 交易日期.
    TxnDate,
    /// 金额, money; signed when no direction column exists.
    Amount,
    /// 借贷标志.
    Direction,
    /// 借方金额: an outflow column, for exports that split debits and credits.
    DebitAmount,
    /// 贷方金额: an inflow column.
    CreditAmount,
    /// 渠道.
    Channel,
    /// 交易类别 / 摘要.
    Category,
    /// 支行 / 网点.
    Branch,
    /// 日期 of an interaction or a survey answer.
    Date,
    /// 方式: call, visit, email, event.
    InteractionKind,
    /// 备注 / 内容.
    Note,
    /// 评分 (0–10).
    Score,
    /// 意见 / 评价.
    Comment,
    /// 产品风险等级, R1–R5: the product's rating, for suitability checks.
    ProductRiskLevel,
    /// 年龄, in years at the data's date, for exports without a birth date.
    Age,
    /// 活期余额 in a one-row-per-customer file: becomes a demand-deposit holding.
    DepositBalance,
    /// 定期余额: becomes a time-deposit holding.
    TimeDepositBalance,
    /// 理财余额: becomes a wealth-management holding.
    WealthBalance,
    /// 基金余额 / 市值: becomes a fund holding.
    FundBalance,
    /// 保险余额: becomes an insurance holding.
    InsuranceBalance,
    /// 贷款余额: becomes a loan (a liability).
    LoanBalance,
    /// 信用卡余额: becomes a credit-card balance (a liability).
    CardBalance,
    /// 账号: an account's id, in accounts, links and files keyed by account.
    AccountId,
    /// 关系类型: a holder's role on an account (owner, authorised user …).
    Role,
    /// 到期日: when a holding matures (time deposits, wealth products).
    MaturityDate,
}

impl Field {
    /// Every field, indexed by its discriminant.
    pub const ALL: [Field; FIELD_COUNT] = [
        Field::CustomerId,
        Field::Name,
        Field::Gender,
        Field::BirthDate,
        Field::City,
        Field::Occupation,
        Field::AnnualIncome,
        Field::RiskLevel,
        Field::RmId,
        Field::OpenDate,
        Field::ProductType,
        Field::ProductCode,
        Field::Balance,
        Field::AsOf,
        Field::TxnId,
        Field::TxnDate,
        Field::Amount,
        Field::Direction,
        Field::DebitAmount,
        Field::CreditAmount,
        Field::Channel,
        Field::Category,
        Field::Branch,
        Field::Date,
        Field::InteractionKind,
        Field::Note,
        Field::Score,
        Field::Comment,
        Field::ProductRiskLevel,
        Field::Age,
        Field::DepositBalance,
        Field::TimeDepositBalance,
        Field::WealthBalance,
        Field::FundBalance,
        Field::InsuranceBalance,
        Field::LoanBalance,
        Field::CardBalance,
        Field::AccountId,
        Field::Role,
        Field::MaturityDate,
    ];

    /// The product family whose balance this customer-file column holds (a wide snapshot:
    /// one row per customer, balances as columns).
    pub fn product_balance(self) -> Option<ProductType> {
        Some(match self {
            Field::DepositBalance => ProductType::CurrentDeposit,
            Field::TimeDepositBalance => ProductType::TimeDeposit,
            Field::WealthBalance => ProductType::WealthManagement,
            Field::FundBalance => ProductType::Fund,
            Field::InsuranceBalance => ProductType::Insurance,
            Field::LoanBalance => ProductType::Loan,
            Field::CardBalance => ProductType::CreditCard,
            _ => return None,
        })
    }
}

impl Field {
    /// The field's name in mapping plans and the command line's report. Fixed: a plan file
    /// written today must read tomorrow, whatever the variant is called.
    pub fn key(self) -> &'static str {
        match self {
            Field::CustomerId => "customer_id",
            Field::Name => "name",
            Field::Gender => "gender",
            Field::BirthDate => "birth_date",
            Field::City => "city",
            Field::Occupation => "occupation",
            Field::AnnualIncome => "annual_income",
            Field::RiskLevel => "risk_level",
            Field::RmId => "rm_id",
            Field::OpenDate => "open_date",
            Field::ProductType => "product_type",
            Field::ProductCode => "product_code",
            Field::Balance => "balance",
            Field::AsOf => "as_of",
            Field::TxnId => "txn_id",
            Field::TxnDate => "txn_date",
            Field::Amount => "amount",
            Field::Direction => "direction",
            Field::DebitAmount => "debit_amount",
            Field::CreditAmount => "credit_amount",
            Field::Channel => "channel",
            Field::Category => "category",
            Field::Branch => "branch",
            Field::Date => "date",
            Field::InteractionKind => "interaction_kind",
            Field::Note => "note",
            Field::Score => "score",
            Field::Comment => "comment",
            Field::ProductRiskLevel => "product_risk_level",
            Field::Age => "age",
            Field::DepositBalance => "deposit_balance",
            Field::TimeDepositBalance => "time_deposit_balance",
            Field::WealthBalance => "wealth_balance",
            Field::FundBalance => "fund_balance",
            Field::InsuranceBalance => "insurance_balance",
            Field::LoanBalance => "loan_balance",
            Field::CardBalance => "card_balance",
            Field::AccountId => "account_id",
            Field::Role => "role",
            Field::MaturityDate => "maturity_date",
        }
    }

    /// The field named `key` (see [`Field::key`]).
    pub fn from_key(key: &str) -> Option<Field> {
        Field::ALL.into_iter().find(|f| f.key() == key)
    }
}

/// The number of [`Field`] variants, for tables indexed by field.
pub const FIELD_COUNT: usize = Field::MaturityDate as usize + 1;

/// A field of an entity, whether it must be present, and the headers that name it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FieldSpec {
    /// The field.
    pub field: Field,
    /// Whether an import of the entity needs it mapped.
    pub required: bool,
    /// Header spellings, in normalised form (see [`normalise_header`]).
    pub synonyms: &'static [&'static str],
}

const fn spec(field: Field, required: bool, synonyms: &'static [&'static str]) -> FieldSpec {
    FieldSpec {
        field,
        required,
        synonyms,
    }
}

const CUSTOMER_ID: &[&str] = &[
    "customerid",
    "custid",
    "custno",
    "customerno",
    "customernumber",
    "clientid",
    "clientno",
    "客户号",
    "客户编号",
    "客户编码",
    "客户代码",
    "客户id",
    "客户账号",
    "客户号码",
    "cif",
    "cifno",
    "clientnum",
    "customerkey",
    "custkey",
    "客户标识",
];
const RM_ID: &[&str] = &[
    "rmid",
    "rm",
    "rmno",
    "managerid",
    "relationshipmanager",
    "relationshipmanagerid",
    "客户经理",
    "客户经理号",
    "客户经理工号",
    "客户经理编号",
    "管户经理",
    "管户人",
    "经理工号",
    "工号",
];
const CUSTOMER_FIELDS: &[FieldSpec] = &[
    spec(Field::CustomerId, false, CUSTOMER_ID),
    spec(
        Field::Name,
        false,
        &[
            "name",
            "customername",
            "clientname",
            "fullname",
            "surname",
            "姓名",
            "客户名称",
            "客户姓名",
            "户名",
            "名称",
        ],
    ),
    spec(Field::Gender, false, &["gender", "sex", "性别"]),
    spec(
        Field::BirthDate,
        false,
        &[
            "birthdate",
            "dateofbirth",
            "dob",
            "birthday",
            "出生日期",
            "生日",
            "出生年月日",
        ],
    ),
    spec(
        Field::City,
        false,
        &[
            "city",
            "region",
            "geography",
            "province",
            "district",
            "城市",
            "所在城市",
            "居住城市",
            "地区",
            "区域",
            "省份",
        ],
    ),
    spec(
        Field::Occupation,
        false,
        &[
            "occupation",
            "profession",
            "job",
            "jobtitle",
            "职业",
            "职业类别",
        ],
    ),
    spec(
        Field::AnnualIncome,
        false,
        &[
            "annualincome",
            "income",
            "yearlyincome",
            "incomecategory",
            "salary",
            "annualsalary",
            "estimatedsalary",
            "年收入",
            "收入",
            "年收入元",
            "年薪",
        ],
    ),
    spec(
        Field::RiskLevel,
        false,
        &[
            "risklevel",
            "riskrating",
            "riskprofile",
            "风险等级",
            "风险承受能力",
            "风险评级",
            "风险偏好",
        ],
    ),
    spec(Field::RmId, false, RM_ID),
    spec(
        Field::OpenDate,
        false,
        &[
            "opendate",
            "accountopendate",
            "since",
            "customersince",
            "creationdate",
            "createdate",
            "createddate",
            "datecreated",
            "开户日期",
            "开户时间",
            "建档日期",
            "创建日期",
        ],
    ),
    spec(Field::Age, false, &["age", "customerage", "年龄"]),
    // A wide snapshot's balances: one column per product family. A bare `loan` is left out
    // on purpose: exports use it for a yes/no "has a loan".
    spec(
        Field::DepositBalance,
        false,
        &[
            "balance",
            "depositbalance",
            "deposits",
            "deposit",
            "savings",
            "savingsbalance",
            "demanddeposit",
            "活期余额",
            "活期存款",
            "存款余额",
            "存款",
        ],
    ),
    spec(
        Field::TimeDepositBalance,
        false,
        &[
            "timedeposit",
            "fixeddeposit",
            "termdeposit",
            "定期余额",
            "定期存款",
        ],
    ),
    spec(
        Field::WealthBalance,
        false,
        &[
            "wealthbalance",
            "wealthmanagement",
            "理财余额",
            "理财",
            "理财产品余额",
        ],
    ),
    spec(
        Field::FundBalance,
        false,
        &[
            "fundbalance",
            "funds",
            "mutualfunds",
            "基金余额",
            "基金市值",
            "基金",
        ],
    ),
    spec(
        Field::InsuranceBalance,
        false,
        &[
            "insurancebalance",
            "insurance",
            "保险余额",
            "保险",
            "保单价值",
        ],
    ),
    spec(
        Field::LoanBalance,
        false,
        &[
            "loanbalance",
            "loanamount",
            "outstandingloan",
            "贷款余额",
            "贷款金额",
        ],
    ),
    spec(
        Field::CardBalance,
        false,
        &[
            "creditcardbalance",
            "cardbalance",
            "revolvingbalance",
            "totalrevolvingbal",
            "信用卡余额",
            "信用卡透支余额",
        ],
    ),
];
const ACCOUNT_ID: &[&str] = &[
    "accountid",
    "accountno",
    "accountnumber",
    "acctid",
    "acctno",
    "account",
    "账号",
    "账户",
    "账户号",
    "账户编号",
    "帐号",
    "卡号",
];
const ACCOUNT_FIELDS: &[FieldSpec] = &[
    spec(Field::AccountId, true, ACCOUNT_ID),
    spec(Field::CustomerId, false, CUSTOMER_ID),
    spec(
        Field::ProductType,
        false,
        &[
            "producttype",
            "product",
            "accounttype",
            "产品类型",
            "账户类型",
            "账户种类",
            "业务品种",
        ],
    ),
    spec(
        Field::Balance,
        false,
        &["balance", "currentbalance", "余额", "账户余额", "当前余额"],
    ),
    spec(
        Field::OpenDate,
        false,
        &[
            "opendate",
            "opened",
            "date",
            "creationdate",
            "开户日期",
            "开户时间",
        ],
    ),
    spec(
        Field::AsOf,
        false,
        &["asof", "balancedate", "数据日期", "余额日期"],
    ),
];
const LINK_FIELDS: &[FieldSpec] = &[
    spec(Field::AccountId, true, ACCOUNT_ID),
    spec(Field::CustomerId, true, CUSTOMER_ID),
    spec(
        Field::Role,
        false,
        &[
            "role",
            "type",
            "relation",
            "relationship",
            "holdertype",
            "关系",
            "关系类型",
            "持有人类型",
            "角色",
        ],
    ),
];
const HOLDING_FIELDS: &[FieldSpec] = &[
    spec(Field::CustomerId, true, CUSTOMER_ID),
    spec(Field::AccountId, false, ACCOUNT_ID),
    spec(
        Field::ProductType,
        true,
        &[
            "producttype",
            "product",
            "productcategory",
            "产品类型",
            "产品类别",
            "产品大类",
            "业务品种",
        ],
    ),
    spec(
        Field::ProductCode,
        false,
        &[
            "productcode",
            "productid",
            "产品代码",
            "产品编号",
            "产品编码",
        ],
    ),
    spec(
        Field::MaturityDate,
        false,
        &[
            "maturity",
            "maturitydate",
            "matures",
            "到期日",
            "到期日期",
            "产品到期日",
        ],
    ),
    spec(
        Field::ProductRiskLevel,
        false,
        &[
            "productrisk",
            "productrisklevel",
            "productriskrating",
            "riskrating",
            "risklevel",
            "产品风险等级",
            "产品风险",
            "风险等级",
            "产品评级",
        ],
    ),
    spec(
        Field::Balance,
        true,
        &[
            "balance",
            "amount",
            "余额",
            "账户余额",
            "持仓余额",
            "金额",
            "当前余额",
            "市值",
        ],
    ),
    spec(
        Field::AsOf,
        false,
        &[
            "asof",
            "asofdate",
            "balancedate",
            "date",
            "数据日期",
            "余额日期",
            "统计日期",
            "日期",
        ],
    ),
];
const TRANSACTION_FIELDS: &[FieldSpec] = &[
    spec(
        Field::TxnId,
        false,
        &[
            "txnid",
            "transactionid",
            "transid",
            "txnno",
            "serialno",
            "流水号",
            "交易流水号",
            "交易编号",
            "流水编号",
        ],
    ),
    spec(Field::CustomerId, true, CUSTOMER_ID),
    spec(Field::AccountId, false, ACCOUNT_ID),
    spec(
        Field::TxnDate,
        true,
        &[
            "txndate",
            "transactiondate",
            "date",
            "tradedate",
            "交易日期",
            "交易时间",
            "记账日期",
            "日期",
        ],
    ),
    spec(
        Field::Amount,
        true,
        &[
            "amount",
            "txnamount",
            "transactionamount",
            "金额",
            "交易金额",
            "发生额",
        ],
    ),
    spec(
        Field::Direction,
        false,
        &[
            "direction",
            "dc",
            "drcr",
            "debitcredit",
            "借贷标志",
            "借贷方向",
            "收支",
            "收支方向",
            "借贷",
        ],
    ),
    spec(
        Field::DebitAmount,
        false,
        &[
            "debit",
            "debitamount",
            "withdrawal",
            "借方金额",
            "支出金额",
            "借方发生额",
            "支出",
        ],
    ),
    spec(
        Field::CreditAmount,
        false,
        &[
            "credit",
            "creditamount",
            "deposit",
            "贷方金额",
            "收入金额",
            "贷方发生额",
            "收入",
        ],
    ),
    spec(Field::Channel, false, &["channel", "渠道", "交易渠道"]),
    spec(
        Field::Category,
        false,
        &[
            "category",
            "type",
            "purpose",
            "description",
            "交易类别",
            "交易类型",
            "摘要",
            "用途",
        ],
    ),
];
const MANAGER_FIELDS: &[FieldSpec] = &[
    spec(Field::RmId, true, RM_ID),
    spec(
        Field::Name,
        false,
        &[
            "name",
            "rmname",
            "managername",
            "姓名",
            "客户经理姓名",
            "经理姓名",
        ],
    ),
    spec(
        Field::Branch,
        false,
        &[
            "branch",
            "branchname",
            "office",
            "支行",
            "网点",
            "所属支行",
            "所属机构",
            "机构",
        ],
    ),
];
const INTERACTION_FIELDS: &[FieldSpec] = &[
    spec(Field::CustomerId, true, CUSTOMER_ID),
    spec(
        Field::Date,
        true,
        &[
            "date",
            "contactdate",
            "interactiondate",
            "日期",
            "联系日期",
            "拜访日期",
            "接触日期",
        ],
    ),
    spec(
        Field::InteractionKind,
        false,
        &[
            "kind",
            "type",
            "channel",
            "method",
            "方式",
            "联系方式",
            "类型",
            "接触方式",
        ],
    ),
    spec(Field::RmId, false, RM_ID),
    spec(
        Field::Note,
        false,
        &[
            "note",
            "notes",
            "content",
            "summary",
            "备注",
            "内容",
            "纪要",
            "沟通内容",
        ],
    ),
];
const FEEDBACK_FIELDS: &[FieldSpec] = &[
    spec(Field::CustomerId, true, CUSTOMER_ID),
    spec(
        Field::Date,
        false,
        &[
            "date",
            "surveydate",
            "responsedate",
            "日期",
            "调查日期",
            "评价日期",
        ],
    ),
    spec(
        Field::Score,
        true,
        &[
            "score",
            "rating",
            "nps",
            "satisfaction",
            "评分",
            "满意度",
            "打分",
            "推荐度",
        ],
    ),
    spec(
        Field::Comment,
        false,
        &[
            "comment", "comments", "feedback", "意见", "评价", "建议", "反馈",
        ],
    ),
];

/// Lower-cases and drops spaces, `_`, `-`, `.`, brackets and BOMs, so `Customer_ID`, `customer id`
/// and `客户号（必填）`'s core all compare equal to a synonym.
pub fn normalise_header(header: &str) -> String {
    let header = header.trim().trim_start_matches('\u{FEFF}');
    // Drop a bracketed suffix: `金额(元)`, `余额（万元）` name the same field as `金额`.
    let core = header.split(['(', '（', '[']).next().unwrap_or(header);
    core.chars()
        .filter(|c| !c.is_whitespace() && !matches!(c, '_' | '-' | '.' | '/' | ':' | '：'))
        .flat_map(char::to_lowercase)
        .collect()
}

/// Which source column feeds each field, and how coded values translate.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Mapping {
    /// `(field, column index)` pairs; a column feeds at most one field.
    pub columns: Vec<(Field, usize)>,
    /// The value map: `(field, value as exported, value as read)` — a system's code (`PRIJEM`,
    /// `1`, `Closed`) assigned to a word the field's reader knows (`in`, `female`, `yes`).
    #[serde(default)]
    pub values: Vec<(Field, String, String)>,
    /// Fields with one value for every row of the file, no column: `(product type, 贷款)` for
    /// a loans file that names no product.
    #[serde(default)]
    pub fixed: Vec<(Field, String)>,
    /// Value maps of columns kept as customer attributes — a yes/no flag, an outcome label
    /// (`Attrited Customer`, `1`/`2`): `(column index, value as exported, value as read)`.
    #[serde(default)]
    pub kept_values: Vec<(usize, String, String)>,
}

/// What a kept column's values are assigned to: a yes/no flag's two values, which is what an
/// outcome such as churn, default or response comes down to.
pub const FLAG_VALUES: [(&str, &str); 2] = [("yes", "是"), ("no", "否")];

/// The canonical values a coded field takes, as the value map offers them: a value of the
/// export is assigned one of these (the first of each pair is what is stored in the map, the
/// second its Chinese name).
pub fn canonical_values(field: Field) -> &'static [(&'static str, &'static str)] {
    match field {
        Field::Direction => &[("in", "收入（贷）"), ("out", "支出（借）")],
        Field::Gender => &[("male", "男"), ("female", "女"), ("unknown", "未知")],
        Field::RiskLevel | Field::ProductRiskLevel => &[
            ("1", "1 保守"),
            ("2", "2 稳健"),
            ("3", "3 平衡"),
            ("4", "4 成长"),
            ("5", "5 进取"),
        ],
        Field::ProductType => &[
            ("活期存款", "活期存款"),
            ("定期存款", "定期存款"),
            ("理财", "理财"),
            ("基金", "基金"),
            ("保险", "保险"),
            ("贷款", "贷款"),
            ("信用卡", "信用卡"),
            ("其他", "其他"),
        ],
        Field::Role => &[("owner", "户主 / 所有人"), ("other", "其他关系（不归属）")],
        // Channels and categories are kept as written unless assigned; the analytics know
        // these keys (card spending, repayments) as they know the words they stand for.
        Field::Channel => &[
            ("counter", "柜面"),
            ("online", "网上银行"),
            ("mobile", "手机银行"),
            ("atm", "ATM 自助"),
            ("card", "刷卡（POS）"),
            ("third_party", "第三方支付"),
            ("other", "其他"),
        ],
        Field::Category => &[
            ("purchase", "消费"),
            ("repayment", "还款"),
            ("salary", "工资"),
            ("transfer", "转账"),
            ("investment", "投资理财"),
            ("cash", "取现"),
            ("fee", "手续费"),
            ("interest", "利息"),
            ("other", "其他"),
        ],
        _ => &[],
    }
}

/// The canonical value a channel or category word of Chinese or English exports stands for
/// (`手机银行`, `POS`, `代发工资`, `Salary` …): what its value map assigns before anyone does.
/// Other fields' words are read by their parsers; `None` for any other word.
pub fn known_word(field: Field, text: &str) -> Option<&'static str> {
    const CHANNEL: &[(&str, &[&str])] = &[
        (
            "counter",
            &["柜面", "柜台", "网点", "counter", "branch", "teller"],
        ),
        (
            "online",
            &[
                "网银",
                "网上银行",
                "online",
                "internet",
                "internet banking",
                "web",
            ],
        ),
        (
            "mobile",
            &["手机银行", "手机", "mobile", "mobile banking", "app"],
        ),
        ("atm", &["atm", "自助", "自助设备", "自动柜员机"]),
        ("card", &["pos", "刷卡", "card", "pos刷卡"]),
        (
            "third_party",
            &[
                "第三方",
                "第三方支付",
                "支付宝",
                "微信",
                "alipay",
                "wechat",
                "wechat pay",
            ],
        ),
    ];
    const CATEGORY: &[(&str, &[&str])] = &[
        (
            "purchase",
            &["消费", "购物", "purchase", "shopping", "consumption"],
        ),
        (
            "repayment",
            &[
                "还款",
                "贷款还款",
                "信用卡还款",
                "repayment",
                "loan repayment",
            ],
        ),
        (
            "salary",
            &["工资", "代发工资", "薪资", "salary", "payroll", "wages"],
        ),
        ("transfer", &["转账", "汇款", "transfer", "remittance"]),
        (
            "investment",
            &["理财", "投资", "申购", "investment", "securities"],
        ),
        (
            "cash",
            &[
                "取现",
                "取款",
                "现金",
                "cash",
                "withdrawal",
                "cash withdrawal",
            ],
        ),
        ("fee", &["手续费", "费用", "fee", "fees", "charge"]),
        ("interest", &["利息", "结息", "interest"]),
    ];
    let words = match field {
        Field::Channel => CHANNEL,
        Field::Category => CATEGORY,
        _ => return None,
    };
    let text = text.trim();
    words
        .iter()
        .find(|(key, words)| {
            key.eq_ignore_ascii_case(text) || words.iter().any(|w| w.eq_ignore_ascii_case(text))
        })
        .map(|&(key, _)| key)
}

impl Mapping {
    /// The value every row takes for `field`, if the mapping fixes one.
    pub fn fixed(&self, field: Field) -> Option<&str> {
        self.fixed
            .iter()
            .find(|(f, _)| *f == field)
            .map(|(_, value)| value.as_str())
    }

    /// Fixes `field` to `value` for every row (and maps no column to it), or un-fixes it.
    pub fn set_fixed(&mut self, field: Field, value: Option<&str>) {
        self.fixed.retain(|(f, _)| *f != field);
        if let Some(value) = value {
            self.columns.retain(|&(f, _)| f != field);
            self.fixed.push((field, value.to_owned()));
            self.fixed.sort();
        }
    }

    /// What `raw`, exported in `field`'s column, is read as: its assigned value, or itself.
    pub fn value<'a>(&'a self, field: Field, raw: &'a str) -> &'a str {
        self.values
            .iter()
            .find(|(f, from, _)| *f == field && from == raw)
            .map_or(raw, |(_, _, to)| to.as_str())
    }

    /// Assigns `raw` of `field` to `to`, or takes the assignment back when `to` is `None`.
    pub fn assign(&mut self, field: Field, raw: &str, to: Option<&str>) {
        self.values
            .retain(|(f, from, _)| !(*f == field && from == raw));
        if let Some(to) = to {
            self.values.push((field, raw.to_owned(), to.to_owned()));
            self.values.sort();
        }
    }

    /// What `raw`, in kept column `column`, is read as: its assigned value, or itself.
    pub fn kept_value<'a>(&'a self, column: usize, raw: &'a str) -> &'a str {
        self.kept_values
            .iter()
            .find(|(c, from, _)| *c == column && from == raw)
            .map_or(raw, |(_, _, to)| to.as_str())
    }

    /// Assigns `raw` of kept column `column` to `to`, or takes the assignment back.
    pub fn assign_kept(&mut self, column: usize, raw: &str, to: Option<&str>) {
        self.kept_values
            .retain(|(c, from, _)| !(*c == column && from == raw));
        if let Some(to) = to {
            self.kept_values
                .push((column, raw.to_owned(), to.to_owned()));
            self.kept_values.sort();
        }
    }

    /// The column that feeds `field`, if mapped.
    pub fn column(&self, field: Field) -> Option<usize> {
        self.columns
            .iter()
            .find(|(f, _)| *f == field)
            .map(|&(_, column)| column)
    }

    /// Maps `field` to `column`, replacing any earlier choice for either.
    pub fn set(&mut self, field: Field, column: Option<usize>) {
        self.columns
            .retain(|&(f, c)| f != field && Some(c) != column);
        if let Some(column) = column {
            self.fixed.retain(|(f, _)| *f != field);
            self.columns.push((field, column));
            self.columns.sort();
        }
    }

    /// Required fields of `entity` that are not mapped (a debit and a credit column together
    /// stand in for the amount).
    pub fn missing_required(&self, entity: Entity) -> Vec<Field> {
        entity
            .fields()
            .iter()
            .filter(|spec| {
                spec.required
                    && self.column(spec.field).is_none()
                    && self.fixed(spec.field).is_none()
            })
            .filter(|spec| {
                !(spec.field == Field::Amount
                    && self.column(Field::DebitAmount).is_some()
                    && self.column(Field::CreditAmount).is_some())
            })
            .filter(|spec| {
                !(spec.field == Field::CustomerId
                    && entity.keyed_by_account()
                    && self.column(Field::AccountId).is_some())
            })
            .map(|spec| spec.field)
            .collect()
    }
}

impl Mapping {
    /// Whether this mapping shows a file holds `entity`: its required fields are mapped, and a
    /// customers file (whose fields are all optional) names its customers by id, or by name
    /// beside at least one other customer field.
    pub fn is_evidence_of(&self, entity: Entity) -> bool {
        if !self.missing_required(entity).is_empty() {
            return false;
        }
        entity != Entity::Customers
            || self.column(Field::CustomerId).is_some()
            || (self.column(Field::Name).is_some() && self.columns.len() >= 2)
    }
}

/// Maps headers to `entity`'s fields by synonym; each header and each field is used once.
pub fn auto_map(entity: Entity, headers: &[String]) -> Mapping {
    let normalised: Vec<String> = headers.iter().map(|h| normalise_header(h)).collect();
    let mut mapping = Mapping::default();
    // Fields in declaration order, synonyms in preference order: the first synonym of the
    // first field claims a column before later, vaguer ones (e.g. `date`) can.
    for spec in entity.fields() {
        let column = spec.synonyms.iter().find_map(|synonym| {
            normalised.iter().enumerate().position(|(i, header)| {
                header == synonym && !mapping.columns.iter().any(|&(_, c)| c == i)
            })
        });
        if let Some(column) = column {
            mapping.columns.push((spec.field, column));
        }
    }
    mapping.columns.sort();
    mapping
}

/// The entity the headers give evidence of, if any: every required field of it recognised (a
/// customers file, which needs no field, by its customer id, or by a name beside another
/// customer field). Among those, the one that maps the most columns (a customer file names its
/// manager, but is not a manager file), then the most required fields. A file that is evidence
/// of nothing is `None` — it needs a person to say what it holds, never a guess.
pub fn guess_entity(headers: &[String]) -> Option<Entity> {
    Entity::ALL
        .into_iter()
        .filter_map(|entity| {
            let mapping = auto_map(entity, headers);
            if !mapping.is_evidence_of(entity) {
                return None;
            }
            let required = entity
                .fields()
                .iter()
                .filter(|s| s.required && mapping.column(s.field).is_some())
                .count();
            Some((entity, (mapping.columns.len(), required)))
        })
        // The first entity wins a tie (`max_by_key` would take the last).
        .rev()
        .max_by_key(|&(_, rank)| rank)
        .map(|(entity, _)| entity)
}

/// The unit a money column's header declares, as the suffix its values lack:
/// `余额（万元）` holds 万, `amount (亿元)` holds 亿; plain yuan gives `None`.
pub fn declared_money_unit(header: &str) -> Option<&'static str> {
    let bracketed = header
        .split_once(['(', '（', '['])
        .map(|(_, rest)| rest)
        .unwrap_or("");
    if bracketed.starts_with('万') {
        Some("万")
    } else if bracketed.starts_with('亿') {
        Some("亿")
    } else {
        None
    }
}

/// A saved mapping, offered again when a file with the same headers comes back.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct MappingPreset {
    /// The name the user gave it.
    pub name: String,
    /// The headers it was made for, normalised (see [`header_signature`]).
    pub signature: String,
    /// What such a file holds.
    pub entity: Entity,
    /// Which column feeds which field.
    pub mapping: Mapping,
}

/// The headers of a file, normalised and joined: files from the same export share it.
pub fn header_signature(headers: &[String]) -> String {
    headers
        .iter()
        .map(|h| normalise_header(h))
        .collect::<Vec<_>>()
        .join("|")
}

/// The preset saved for files with these headers, if any (the latest saved wins).
pub fn find_preset<'p>(
    presets: &'p [MappingPreset],
    headers: &[String],
) -> Option<&'p MappingPreset> {
    let signature = header_signature(headers);
    presets.iter().rev().find(|p| p.signature == signature)
}
