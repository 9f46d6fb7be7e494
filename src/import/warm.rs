//! Made-up files for warming an import worker up.
//!
//! A browser compiles a wasm function the first time it is called and optimises it once it
//! is hot, so a fresh worker's first import runs its first milliseconds in slow code and
//! spends some compiling. A worker started ahead of the manager's pick imports these files
//! meanwhile: shaped like a core-banking export (Chinese text, money with cents, dates,
//! directions, coded channels), so every step of a real import runs once.

use super::build::{guessed_inputs, import, ImportOutcome, ImportRequest};
use super::sheet::{read_sheet, Sheet};
use crate::model::Day;
use std::fmt::Write;

/// Customers in the made-up files; each holds one product and makes four transactions.
pub const WARM_UP_CUSTOMERS: usize = 2_000;

/// The made-up customers, holdings and transactions files, as (name, CSV text).
pub fn warm_up_files() -> [(&'static str, String); 3] {
    let mut customers = String::from(
        "customer_id,name,gender,birth_date,city,occupation,annual_income,risk_level,rm_id,open_date\n",
    );
    let mut holdings = String::from("customer_id,product_type,product_code,balance,as_of\n");
    let mut transactions =
        String::from("txn_id,customer_id,txn_date,amount,direction,channel,category\n");
    for i in 0..WARM_UP_CUSTOMERS {
        let gender = if i % 2 == 0 { "男" } else { "女" };
        let _ = writeln!(
            customers,
            "C{i:08},客户{i},{gender},1980-0{}-1{},上海,职员,{}.00,R{},RM{:04},2015-01-0{}",
            1 + i % 9,
            i % 10,
            100_000 + i * 7,
            1 + i % 5,
            i % 20,
            1 + i % 9
        );
        let _ = writeln!(
            holdings,
            "C{i:08},理财,P{:04},{}.{:02},2026-06-30",
            i % 50,
            1_000 + i * 13,
            i % 100
        );
        for k in 0..4 {
            let t = i * 4 + k;
            let direction = if t % 3 == 0 { "OUT" } else { "IN" };
            let _ = writeln!(
                transactions,
                "T{t:010},C{:08},2026-0{}-1{},{}.{:02},{direction},POS,工资",
                (t * 7) % WARM_UP_CUSTOMERS,
                1 + t % 6,
                t % 10,
                10 + t % 997,
                t % 100
            );
        }
    }
    [
        ("customers.csv", customers),
        ("holdings.csv", holdings),
        ("transactions.csv", transactions),
    ]
}

/// Imports [`warm_up_files`] as a manager's files would be: read, guessed, mapped, parsed.
pub fn warm_up_import() -> ImportOutcome {
    let files = warm_up_files();
    let sheets: Vec<(String, Sheet)> = files
        .iter()
        .filter_map(|(name, text)| {
            let sheet = read_sheet(name, text.as_bytes(), None).ok()?;
            Some((name.to_string(), sheet))
        })
        .collect();
    import(&ImportRequest {
        files: guessed_inputs(&sheets),
        // After every date in the files, so none is in the future.
        today: Day::from_ymd(2026, 12, 31).unwrap_or(Day(0)),
        currency: Default::default(),
        base: None,
    })
}
