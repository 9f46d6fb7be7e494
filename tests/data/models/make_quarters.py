"""Writes two quarterly exports of one made-up branch's book, for outcomes derived from two
snapshots (who left, who moved up a tier, who bought a fund between them):

- quarters/2026Q2/: customers.csv (UTF-8) and holdings.csv as of 2026-06-30, 1,200 customers;
- quarters/2026Q3/: the same book as of 2026-09-30, exported by another system: GBK, CRLF,
  rows in another order (so every text column's values are met in another order), the
  customers who left missing, 150 new ones.

customers.csv: 客户号, 姓名, 网点 (branch: B1..B6, with an effect on leaving), 投诉次数
(complaints 0-4: more, more leaving), 渠道 (preferred channel: 手机银行 / 柜面 / 网银).
holdings.csv: 客户号, 产品类型, 余额, 数据日期.

Between the quarters a customer leaves (gone, or AUM cut to a fifth) with the probability of
`left_logit`: complaints, a branch effect and a small AUM raise it. Stayers keep their
holdings exactly (so a stayer's features read the same in both quarters) except for a few who
buy a fund. Run: python3 make_quarters.py (standard library only; fixed seed).
"""
import math
import os
import random

rng = random.Random(20261207)
HERE = os.path.dirname(os.path.abspath(__file__))
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂"
BRANCH_EFFECT = {"B1": -1.0, "B2": -0.5, "B3": 0.0, "B4": 0.3, "B5": 0.7, "B6": 1.2}
CHANNELS = ["手机银行", "柜面", "网银"]
FAMILIES = ["活期存款", "定期存款", "理财", "保险"]


def left_logit(complaints, branch, aum):
    return -1.6 + 0.9 * complaints + BRANCH_EFFECT[branch] - 0.35 * (math.log10(1 + aum) - 5)


def customer(i):
    name = rng.choice(SURNAMES) + rng.choice(GIVEN) + rng.choice(GIVEN)
    branch = rng.choice(list(BRANCH_EFFECT))
    complaints = min(4, int(rng.expovariate(1.2)))
    channel = rng.choice(CHANNELS)
    holdings = []
    for family in rng.sample(FAMILIES, rng.randint(1, 3)):
        holdings.append([family, round(10 ** rng.uniform(3, 6.3), 2)])
    return {"id": f"K{i:05d}", "name": name, "branch": branch, "complaints": complaints,
            "channel": channel, "holdings": holdings}


def write(folder, customers, as_of, encoding, newline):
    path = os.path.join(HERE, "quarters", folder)
    os.makedirs(path, exist_ok=True)
    with open(os.path.join(path, "customers.csv"), "w", encoding=encoding, newline="") as f:
        f.write(newline.join(["客户号,姓名,网点,投诉次数,渠道"] + [
            f"{c['id']},{c['name']},{c['branch']},{c['complaints']},{c['channel']}" for c in customers
        ]) + newline)
    with open(os.path.join(path, "holdings.csv"), "w", encoding=encoding, newline="") as f:
        f.write(newline.join(["客户号,产品类型,余额,数据日期"] + [
            f"{c['id']},{family},{balance:.2f},{as_of}" for c in customers for family, balance in c["holdings"]
        ]) + newline)


q2 = [customer(i) for i in range(1, 1201)]
q3 = []
for c in q2:
    aum = sum(b for _, b in c["holdings"])
    p = 1 / (1 + math.exp(-left_logit(c["complaints"], c["branch"], aum)))
    if rng.random() < p:
        if rng.random() < 0.6:
            continue  # gone
        c = dict(c, holdings=[[f, round(b / 5, 2)] for f, b in c["holdings"]])
    elif rng.random() < 0.08 and not any(f == "基金" for f, _ in c["holdings"]):
        c = dict(c, holdings=c["holdings"] + [["基金", round(10 ** rng.uniform(4, 5.5), 2)]])
    q3.append(c)
q3 += [customer(i) for i in range(1201, 1351)]
rng.shuffle(q3)
write("2026Q2", q2, "2026-06-30", "utf-8", "\n")
write("2026Q3", q3, "2026-09-30", "gbk", "\r\n")
