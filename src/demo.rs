//! The embedded demo dataset: a deterministic generator of a branch's export, so a first-time user
//! (and every test) sees a working dashboard with realistic Chinese names, cities and a heavy-tailed AUM.
//!
//! Only `+`, `*` and integer operations feed the numbers (no `ln`/`exp` from the platform's libm),
//! so the same seed gives the same bytes natively and in wasm.

use crate::model::{
    Customers, Dataset, Day, Direction, Feedback, Gender, Holdings, Interactions, ProductType,
    RelationshipManagers, Tables, Transactions, NO_RELATIONSHIP_MANAGER,
};
use crate::random::SplitMix64;

/// What to generate.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DemoConfig {
    /// Number of customers.
    pub n_customers: usize,
    /// Mean transactions per customer over three years.
    pub transactions_per_customer: usize,
    /// The generator's seed; the same seed always gives the same dataset.
    pub seed: u64,
}

impl Default for DemoConfig {
    fn default() -> DemoConfig {
        DemoConfig {
            n_customers: 5_000,
            transactions_per_customer: 20,
            seed: 2026,
        }
    }
}

/// The date the demo export was taken.
pub const DEMO_AS_OF: (i32, u32, u32) = (2026, 9, 30);

const SURNAMES: &str = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤";
const GIVEN: &str = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超兰霞平刚桂华玉萍红娥玲芬燕彬鹏辉斌宇浩凯健俊帆帅旭宁龙林欣怡佳悦子涵梓轩宸雨泽一诺思";
const CITIES: [&str; 12] = [
    "北京", "上海", "广州", "深圳", "杭州", "南京", "成都", "武汉", "西安", "苏州", "天津", "重庆",
];
const OCCUPATIONS: [&str; 8] = [
    "企业主",
    "高管",
    "专业人士",
    "公务员",
    "自由职业",
    "退休",
    "职员",
    "个体工商户",
];
const BRANCHES: [&str; 5] = [
    "中山路支行",
    "高新区支行",
    "滨江支行",
    "金融街支行",
    "东湖支行",
];
const CHANNELS: [&str; 5] = ["手机银行", "网上银行", "柜面", "ATM", "POS"];
const CATEGORIES_IN: [&str; 4] = ["工资", "转账收入", "理财赎回", "经营收入"];
const CATEGORIES_OUT: [&str; 5] = ["消费", "转账支出", "理财申购", "还款", "缴费"];
const HELD_PRODUCTS: [ProductType; 7] = ProductType::NAMED;

/// Generates a complete, valid dataset.
pub fn generate(config: &DemoConfig) -> Dataset {
    let mut rng = SplitMix64(config.seed);
    let (y, m, d) = DEMO_AS_OF;
    let as_of = Day::from_ymd(y, m, d).unwrap_or(Day(20_726));
    let surnames: Vec<char> = SURNAMES.chars().collect();
    let given: Vec<char> = GIVEN.chars().collect();

    let n_managers = (config.n_customers / 250).max(1);
    let mut managers = RelationshipManagers::default();
    for i in 0..n_managers {
        managers.rm_id.push(&format!("RM{:04}", i + 1));
        managers
            .name
            .push(&chinese_name(&mut rng, &surnames, &given));
        managers.branch.push(BRANCHES[i % BRANCHES.len()]);
    }

    let mut customers = Customers::default();
    let mut wealth_fen = Vec::with_capacity(config.n_customers);
    for i in 0..config.n_customers {
        customers.customer_id.push(&format!("D{:08}", i + 1));
        customers
            .name
            .push(&chinese_name(&mut rng, &surnames, &given));
        customers.gender.push(if rng.below(2) == 0 {
            Gender::Female
        } else {
            Gender::Male
        });
        customers.birth_date.push(
            Day::from_ymd(1950, 1, 1)
                .unwrap_or(Day(-7305))
                .plus_days(rng.below(365 * 55) as i32),
        );
        customers
            .city
            .push(CITIES[rng.below(CITIES.len() as u64) as usize]);
        customers
            .occupation
            .push(OCCUPATIONS[rng.below(OCCUPATIONS.len() as u64) as usize]);
        // Wealth is lognormal (median about ¥60k, a long tail past ¥10M), as bank books are.
        let wealth_yuan = exp(11.0 + 1.9 * rng.normal());
        wealth_fen.push((wealth_yuan * 100.0) as i64);
        let income_yuan = exp(11.8 + 0.8 * rng.normal()) * (1.0 + wealth_yuan / 5e6);
        customers
            .annual_income_fen
            .push(((income_yuan / 100.0) as i64) * 100 * 100);
        customers
            .risk_level
            .push((3 + (rng.normal() * 1.1) as i64).clamp(1, 5) as u8);
        // One client in fifty has no manager yet: the relationship-manager page lists them.
        customers
            .relationship_manager_idx
            .push(if rng.below(50) == 0 {
                NO_RELATIONSHIP_MANAGER
            } else {
                rng.below(n_managers as u64) as u32
            });
        customers.open_date.push(
            Day::from_ymd(2015, 1, 1)
                .unwrap_or(Day(16_436))
                .plus_days(rng.below(365 * 11) as i32),
        );
        // The demo has birth dates: no exported age, no income bands.
        customers.age.push(0);
        customers.income_band.push(false);
    }

    let mut holdings = Holdings::default();
    for (customer, &wealth) in wealth_fen.iter().enumerate() {
        let n_products = 1 + rng.below(6) as usize;
        let mut products = HELD_PRODUCTS;
        // A partial Fisher–Yates shuffle picks distinct products.
        for k in 0..n_products {
            let j = k + rng.below((products.len() - k) as u64) as usize;
            products.swap(k, j);
        }
        let weights: Vec<f64> = (0..n_products).map(|_| 0.05 + rng.unit()).collect();
        let total: f64 = weights.iter().sum();
        for (product, weight) in products[..n_products].iter().zip(&weights) {
            let liability_scale = if product.is_liability() { 0.6 } else { 1.0 };
            holdings.customer_idx.push(customer as u32);
            holdings.product_type.push(*product);
            holdings
                .product_code
                .push(&format!("P{}{:03}", *product as u8, 100 + rng.below(900)));
            holdings
                .balance_fen
                .push((wealth as f64 * weight / total * liability_scale) as i64);
            holdings.as_of.push(as_of);
            // Ratings vary by customer without drawing from the generator, so adding them
            // left every other demo value as it was.
            let spread = (customer % 3) as u8;
            holdings.risk_level.push(match product {
                ProductType::CurrentDeposit | ProductType::TimeDeposit => 1,
                ProductType::WealthManagement | ProductType::Insurance => 2 + spread % 2,
                ProductType::Fund | ProductType::Other => 3 + spread,
                ProductType::Loan | ProductType::CreditCard => 0,
            });
            // Term products mature within a year of the data's date, spread by customer, so
            // the maturity alert has work without a draw from the generator.
            holdings.maturity_date.push(match product {
                ProductType::TimeDeposit | ProductType::WealthManagement => {
                    as_of.plus_days(1 + (customer as i32 * 37) % 365)
                }
                _ => Day::MISSING,
            });
        }
    }

    let mut transactions = Transactions::default();
    let mut per_day: Vec<(i32, u32, i64, Direction)> = Vec::new();
    for (customer, &wealth) in wealth_fen.iter().enumerate() {
        // Activity varies a lot between clients; some have not transacted at all.
        let activity = rng.unit() * rng.unit() * 4.0;
        let n_txns = (activity * config.transactions_per_customer as f64) as usize;
        for _ in 0..n_txns {
            let days_back = rng.below(365 * 3) as i32;
            let inflow = rng.unit() < 0.45;
            let amount_yuan = exp(7.0 + 1.4 * rng.normal()) * (1.0 + wealth as f64 / 2e8);
            per_day.push((
                as_of.0 - days_back,
                customer as u32,
                (amount_yuan * 100.0) as i64 + 1,
                if inflow {
                    Direction::In
                } else {
                    Direction::Out
                },
            ));
        }
    }
    per_day.sort_by_key(|&(date, customer, _, _)| (date, customer));
    for (j, &(date, customer, amount, direction)) in per_day.iter().enumerate() {
        transactions.txn_id.push(&format!("T{j:010}"));
        transactions.customer_idx.push(customer);
        transactions.txn_date.push(Day(date));
        transactions.amount_fen.push(amount);
        transactions.direction.push(direction);
        transactions
            .channel
            .push(CHANNELS[rng.below(CHANNELS.len() as u64) as usize]);
        let category = match direction {
            Direction::In => CATEGORIES_IN[rng.below(CATEGORIES_IN.len() as u64) as usize],
            Direction::Out => CATEGORIES_OUT[rng.below(CATEGORIES_OUT.len() as u64) as usize],
        };
        transactions.category.push(category);
    }

    let (interactions, feedback) = contact_history(config.seed, &customers, as_of);

    // Every column above grows in step and every index is in range; the tests hold it to that.
    Dataset::new(Tables {
        customers,
        holdings,
        transactions,
        relationship_managers: managers,
        interactions,
        feedback,
    })
    .expect("the demo generator builds a consistent dataset")
}

const CONTACT_KINDS: [&str; 4] = ["电话", "拜访", "面谈", "微信"];
const CONTACT_NOTES: [&str; 5] = [
    "季度回访",
    "介绍理财产品",
    "生日问候",
    "到期提醒",
    "资产配置建议",
];
const COMMENTS: [&str; 5] = ["服务很好", "", "网点排队太久", "收益一般", "经理很专业"];

/// Contacts over the last 120 days for about half the clients, and survey answers from about
/// one in eight, from a generator of their own so every other demo value stays as it was.
fn contact_history(seed: u64, customers: &Customers, as_of: Day) -> (Interactions, Feedback) {
    let mut rng = SplitMix64(seed ^ 0x5EED_C0FF_EE00_0022);
    let mut interactions = Interactions::default();
    let mut feedback = Feedback::default();
    for customer in 0..customers.len() {
        let manager = customers.relationship_manager_idx[customer];
        if rng.below(2) == 0 {
            for _ in 0..1 + rng.below(3) {
                interactions.customer_idx.push(customer as u32);
                interactions
                    .date
                    .push(as_of.plus_days(-(rng.below(120) as i32)));
                interactions
                    .kind
                    .push(CONTACT_KINDS[rng.below(CONTACT_KINDS.len() as u64) as usize]);
                interactions.relationship_manager_idx.push(manager);
                interactions
                    .note
                    .push(CONTACT_NOTES[rng.below(CONTACT_NOTES.len() as u64) as usize]);
            }
        }
        if rng.below(8) == 0 {
            feedback.customer_idx.push(customer as u32);
            feedback
                .date
                .push(as_of.plus_days(-(rng.below(180) as i32)));
            // Mostly content, a tail of detractors, as bank surveys read.
            let score = [10, 9, 9, 8, 8, 7, 6, 5, 3, 10][rng.below(10) as usize];
            feedback.score.push(score);
            feedback
                .comment
                .push(COMMENTS[rng.below(COMMENTS.len() as u64) as usize]);
        }
    }
    (interactions, feedback)
}

fn chinese_name(rng: &mut SplitMix64, surnames: &[char], given: &[char]) -> String {
    let mut name = String::new();
    name.push(surnames[rng.below(surnames.len() as u64) as usize]);
    name.push(given[rng.below(given.len() as u64) as usize]);
    if rng.below(3) != 0 {
        name.push(given[rng.below(given.len() as u64) as usize]);
    }
    name
}

/// The demo's draws beyond the shared generator.
trait DemoDraws {
    /// Approximately standard normal: the Irwin–Hall sum of twelve uniforms, no libm needed.
    fn normal(&mut self) -> f64;
}

impl DemoDraws for SplitMix64 {
    fn normal(&mut self) -> f64 {
        (0..12).map(|_| self.unit()).sum::<f64>() - 6.0
    }
}

/// `e^x` from `+` and `*` only: 2^k exactly, times a Taylor series on the small remainder.
fn exp(x: f64) -> f64 {
    const LN2: f64 = std::f64::consts::LN_2;
    let k = (x / LN2).floor();
    let r = x - k * LN2;
    let mut term = 1.0;
    let mut sum = 1.0;
    for n in 1..20 {
        term *= r / n as f64;
        sum += term;
    }
    let mut scale = 1.0;
    let base = if k >= 0.0 { 2.0 } else { 0.5 };
    for _ in 0..(k.abs() as i64) {
        scale *= base;
    }
    sum * scale
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exp_matches_the_platform_closely() {
        for x in [-3.0, -0.5, 0.0, 0.7, 7.0, 11.0, 20.5] {
            let relative = (exp(x) - x.exp()).abs() / x.exp();
            assert!(relative < 1e-12, "exp({x}) off by {relative}");
        }
    }
}
