#!/usr/bin/env python3
"""Writes the relationship-workbench fixture: a small branch export shaped like a core
banking / CRM dump, one customer per edge of an alert rule (one that trips it, one just
below), for the native tests in tests/native/workbench.rs.

Made by hand for Keystone (no real customer); run `python3 make_workbench.py` in this folder
to write the files again. The data's date is 2026-06-30; the tests work on 2026-07-10.

- customers.csv      GBK, CRLF, Chinese headers (as a branch system exports it)
- managers.csv       UTF-8 with a BOM
- holdings.csv       balances with product risk ratings and maturity dates (2026/8/9 style)
- holdings_2026Q1.csv the same book a quarter earlier (only TDR1 and TDR2 differ)
- transactions.csv   借/贷 directions
- interactions.csv   contact log
- feedback.csv       satisfaction scores 0-10
"""

# id, name, rm, risk level, [(product, code, yuan, product risk, maturity)], earlier yuan
CUSTOMERS = [
    ("OUT1", "赵一", "RM01", "3", [("活期存款", "D1", 600_000, "", "")]),
    ("OUT2", "钱二", "RM01", "3", [("活期存款", "D1", 700_000, "", "")]),
    ("OUT3", "孙三", "RM02", "3", [("定期存款", "T1", 5_000_000, "", "")]),
    ("OUT4", "李四", "RM02", "3", [("定期存款", "T1", 5_000_000, "", "")]),
    ("DOR1", "周五", "RM01", "3", [("理财", "W1", 7_000_000, "", "")]),
    ("DOR2", "吴六", "RM01", "3", [("理财", "W1", 7_000_000, "", "")]),
    ("DOR3", "郑七", "RM02", "3", [("活期存款", "D1", 10_000, "", "")]),
    ("TDR1", "王八", "RM02", "3", [("活期存款", "D1", 900_000, "", "")]),
    ("TDR2", "冯九", "RM03", "3", [("活期存款", "D1", 1_000_000, "", "")]),
    ("SUI1", "陈十", "RM03", "2", [("基金", "F4", 200_000, "R4", "")]),
    ("SUI2", "褚甲", "RM03", "4", [("基金", "F4", 200_000, "R4", "")]),
    ("MAT1", "卫乙", "RM01", "3", [("定期存款", "T2", 300_000, "", "2026/8/9")]),
    ("MAT2", "蒋丙", "RM01", "3", [("定期存款", "T3", 300_000, "", "2026/8/10")]),
    ("MAT3", "沈丁", "RM02", "3", [("定期存款", "T4", 300_000, "", "2026/7/9")]),
    ("SAT1", "韩戊", "RM02", "3", [("活期存款", "D1", 100_000, "", "")]),
    ("SAT2", "杨己", "RM03", "3", [("活期存款", "D1", 100_000, "", "")]),
    ("SAT3", "朱庚", "RM03", "3", [("活期存款", "D1", 100_000, "", "")]),
    ("OVD1", "秦辛", "RM01", "3", [("理财", "W1", 6_500_000, "", "")]),
    ("OVD2", "尤壬", "RM02", "3", [("理财", "W1", 6_500_000, "", "")]),
    ("UNA1", "许癸", "", "3", [("定期存款", "T1", 2_000_000, "", "")]),
]
EARLIER = {"TDR1": 1_200_000, "TDR2": 1_500_000}

# id, date, yuan, 借 (out) / 贷 (in)
TRANSACTIONS = [
    ("OUT1", "2026-06-20", 300_000, "借"),
    ("OUT2", "2026-06-20", 299_000, "借"),
    # The day the 30-day window starts after: outside it.
    ("OUT2", "2026-05-31", 200_000, "借"),
    ("OUT3", "2026-06-25", 600_000, "借"),
    ("OUT4", "2026-06-25", 800_000, "借"),
    ("OUT4", "2026-06-26", 300_000, "贷"),
    ("DOR1", "2026-04-01", 100, "贷"),
    ("DOR2", "2026-04-02", 100, "贷"),
    ("DOR3", "2025-12-01", 100, "贷"),
] + [(c, "2026-06-20", 100, "贷") for c in
     ["TDR1", "TDR2", "SUI1", "SUI2", "MAT1", "OVD1", "OVD2"]] + [
    ("UNA1", "2026-06-30", 100, "贷"),
]

INTERACTIONS = [
    (c, "2026-07-01", "电话", rm, "季度回访")
    for c, rm in [("OUT3", "RM02"), ("OUT4", "RM02"), ("DOR1", "RM01"), ("DOR2", "RM01"),
                  ("TDR2", "RM03"), ("UNA1", "")]
] + [
    ("OVD1", "2026-06-09", "拜访", "RM01", "送生日礼物"),
    ("OVD2", "2026-06-10", "拜访", "RM02", "介绍新产品"),
]

FEEDBACK = [
    ("SAT1", "2026-06-01", 6, "等太久"),
    ("SAT2", "2026-06-01", 7, ""),
    ("SAT3", "2026-03-01", 3, "网点排队"),
    ("SAT3", "2026-06-01", 9, "改进了"),
]


def write(name, rows, encoding="utf-8", newline="\n"):
    with open(name, "w", encoding=encoding, newline="") as f:
        for row in rows:
            f.write(",".join(str(c) for c in row) + newline)


write("customers.csv",
      [("客户号", "姓名", "风险等级", "客户经理")] + [(c[0], c[1], c[3], c[2]) for c in CUSTOMERS],
      encoding="gbk", newline="\r\n")
write("managers.csv", [("\ufeff工号", "姓名", "所属支行"), ("RM01", "王芳", "城东支行"),
                       ("RM02", "李强", "城东支行"), ("RM03", "张伟", "城西支行")])
HOLDING_HEAD = ("客户号", "产品类型", "产品代码", "余额", "产品风险等级", "到期日", "数据日期")
write("holdings.csv", [HOLDING_HEAD] + [
    (c[0], p, code, yuan, risk, matures, "2026-06-30")
    for c in CUSTOMERS for (p, code, yuan, risk, matures) in c[4]])
write("holdings_2026Q1.csv", [HOLDING_HEAD] + [
    (c[0], p, code, EARLIER.get(c[0], yuan), risk, matures, "2026-03-31")
    for c in CUSTOMERS for (p, code, yuan, risk, matures) in c[4]])
write("transactions.csv", [("流水号", "客户号", "交易日期", "交易金额", "借贷标志")] +
      [(f"T{i:03}", *t) for i, t in enumerate(TRANSACTIONS, 1)])
write("interactions.csv", [("客户号", "日期", "方式", "客户经理", "内容")] + INTERACTIONS)
write("feedback.csv", [("客户号", "日期", "评分", "意见")] + FEEDBACK)
