"""Writes churn.csv: 800 customers of a made-up branch, as a core-banking CRM might export them
(GBK, CRLF, Chinese headers), with three outcome columns and the traps a model must avoid.

- 流失标志: 流失 / 未流失, blank for 12 customers whose status is unknown;
- 违约代码: 1 (defaulted) / 2 (did not), the coded way many systems write a flag;
- 逾期天数: days past due, blank when never overdue in the data;
- 销户标记: Y / N, the churn flag written again (known only after the customer left): a leak;
- 客户经理备注: a free-text note, different for most customers: near-unique text;
- 合同编号: a contract number, a different one for every customer: an identifier;
- 网点, 持卡数, 年龄, 活期余额: features with a known effect on churn (see `churn_logit`).

Run: python3 make_churn.py (standard library only; the seed is fixed, so the file is stable).
"""
import math
import random

rng = random.Random(20261207)
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂"
CITIES = ["北京", "上海", "广州", "深圳", "杭州"]
BRANCHES = ["B01", "B02", "B03", "B04", "B05", "B06", "B07", "B08"]
BRANCH_EFFECT = {"B01": -0.8, "B02": -0.4, "B03": 0.0, "B04": 0.0, "B05": 0.3, "B06": 0.5, "B07": 0.8, "B08": 1.0}


def churn_logit(age, balance, cards, branch):
    return -0.6 + (0.9 if age < 30 else 0.0) - 0.45 * math.log10(1 + balance) + 1.0 - 0.5 * cards + BRANCH_EFFECT[branch]


rows = []
for i in range(1, 801):
    age = rng.randint(20, 75)
    balance = round(10 ** rng.uniform(2, 6.5), 2)
    cards = rng.randint(0, 4)
    branch = rng.choice(BRANCHES)
    p = 1 / (1 + math.exp(-churn_logit(age, balance, cards, branch)))
    churned = rng.random() < p
    defaulted = rng.random() < (0.25 if cards == 0 else 0.08)
    overdue = "" if not defaulted and rng.random() < 0.7 else str(rng.randint(95, 180) if defaulted else rng.randint(0, 60))
    status = "" if i % 67 == 0 else ("流失" if churned else "未流失")
    rows.append([
        f"C{i:05d}",
        rng.choice(SURNAMES) + rng.choice(GIVEN) + rng.choice(GIVEN),
        str(age),
        rng.choice(CITIES),
        f"{balance:.2f}",
        branch,
        str(cards),
        f"回访{rng.randint(100000, 100900)}",
        status,
        "1" if defaulted else "2",
        overdue,
        "" if status == "" else ("Y" if churned else "N"),
        str(880000 + i * 7),
    ])

header = ["客户号", "姓名", "年龄", "城市", "活期余额", "网点", "持卡数", "客户经理备注", "流失标志", "违约代码", "逾期天数", "销户标记", "合同编号"]
with open("churn.csv", "wb") as out:
    for row in [header] + rows:
        out.write((",".join(row) + "\r\n").encode("gbk"))
