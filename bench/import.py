"""Import speed: ``salesflow lead import`` of N leads beside a raw sqlite3 executemany.

Generates N realistic leads (unique Chinese company names, mobiles and emails; provinces
and cities; owners from the sample team; some carried-over history: stages, created and
closed dates, lost reasons) into a CSV file with Chinese headers, in a temp folder. A
SQLite database is initialised once with ``salesflow init --sample-team`` and copied fresh for
every run, so both sides write into the same empty tables with the same indexes.

* salesflow: the whole ``salesflow lead import FILE`` process, as a person runs it, with
  every check on (validation and normalization of each row, owner resolution, duplicate
  checks against the database and within the file, similar-name warnings).
* raw: in a process of its own, the same rows inserted into customers, contacts and leads with
  ``sqlite3`` ``executemany`` in one transaction, under the same pragmas salesflow uses
  (WAL, synchronous=NORMAL, foreign keys on). The rows are prepared before the clock
  starts, with no validation: the clock measures only the inserts and the commit.

The CSV file is generated, and the raw rows prepared, in child processes: on Linux a
process started from this one inherits this one's peak memory, so this one stays small and
the import's max RSS is its own.

Prints the median rows per second of each, their ratio and whether the target is met
(salesflow at least 1/20 of raw; exit 1 if not), and the peak memory (max RSS) of the
import process.

    python bench/import.py [--rows 100000] [--runs 3]
"""

from __future__ import annotations

import argparse
import csv
import os
import random
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

TARGET_FRACTION = 1 / 20

PLACES = [
    ("浙江", "杭州"),
    ("浙江", "宁波"),
    ("浙江", "温州"),
    ("江苏", "南京"),
    ("江苏", "苏州"),
    ("江苏", "无锡"),
    ("广东", "广州"),
    ("广东", "深圳"),
    ("广东", "东莞"),
    ("上海", "上海"),
    ("北京", "北京"),
    ("天津", "天津"),
    ("山东", "济南"),
    ("山东", "青岛"),
    ("福建", "厦门"),
    ("福建", "福州"),
    ("湖北", "武汉"),
    ("湖南", "长沙"),
    ("四川", "成都"),
    ("重庆", "重庆"),
    ("河南", "郑州"),
    ("安徽", "合肥"),
    ("陕西", "西安"),
    ("辽宁", "沈阳"),
]
BRAND_CHARS = (
    "云栖华信腾达宏远恒通鑫源瑞丰嘉诚德隆金盛博雅卓越正泰安康永泰新创天成志远明辉"
    "海纳万通联合中科长城东方九州星河龙腾凯旋汇丰宝利盛世同创启航睿智精工佳美优品"
    "绿源清风蓝海紫光红日银河青松白鹭彩虹锦绣鸿运富达兴业昌盛祥和泰山黄河长江"
)
TRADES = [
    "科技",
    "电子",
    "软件",
    "信息技术",
    "机械",
    "贸易",
    "实业",
    "医疗器械",
    "新材料",
    "物流",
    "建材",
    "食品",
    "环保科技",
    "智能装备",
]
SUFFIXES = ["有限公司", "有限责任公司", "股份有限公司"]
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉萍红建文辉力"
TITLES = ["总经理", "采购经理", "技术总监", "行政主管", "财务经理", "IT经理"]
INDUSTRIES = ["制造业", "软件和信息服务", "批发零售", "医疗", "物流", "建筑"]
SOURCES = {
    "展会": "trade-show",
    "官网/在线咨询": "website",
    "来电咨询": "phone",
    "客户名录": "list",
    "陌生拜访": "cold-visit",
    "行业活动": "event",
}
OWNERS = ["li.na", "zhang.wei", "liu.yang", "wang.qiang"]
MOBILE_PREFIXES = ["138", "139", "136", "137", "150", "151", "158", "159", "186", "187", "188"]
DOMAINS = ["qq.com", "163.com", "126.com", "sina.com", "example.cn"]
HEADERS = [
    "编号",
    "公司名称",
    "联系人",
    "职务",
    "手机",
    "邮箱",
    "省份",
    "城市",
    "行业",
    "员工数",
    "成立年份",
    "线索来源",
    "预计金额",
    "负责人",
    "阶段",
    "创建时间",
    "关闭时间",
    "丢单原因",
]


def generate(rows: int, seed: int = 20260301) -> list[list[str]]:
    rng = random.Random(seed)
    names: set[str] = set()
    data: list[list[str]] = []
    for i in range(rows):
        province, city = rng.choice(PLACES)
        while True:
            brand = "".join(rng.sample(BRAND_CHARS, 2))
            company = f"{city}{brand}{rng.choice(TRADES)}"
            if company not in names:
                names.add(company)
                break
        stage = rng.choices(["new", "contacted", "qualified", "won", "lost"], [6, 2, 1, 1, 1])[0]
        year = rng.randint(2021, 2024)
        created = f"{year}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
        closed = f"{year + 1}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
        data.append(
            [
                f"CRM-{i:07d}",
                company + rng.choice(SUFFIXES),
                rng.choice(SURNAMES) + rng.choice(GIVEN) + rng.choice(["", *GIVEN]),
                rng.choice(TITLES),
                MOBILE_PREFIXES[i % len(MOBILE_PREFIXES)] + f"{i:08d}",
                f"u{i}@{rng.choice(DOMAINS)}",
                province,
                city,
                rng.choice(INDUSTRIES),
                str(rng.choice([20, 50, 120, 300, 800, 2000])),
                str(rng.randint(1995, 2020)),
                rng.choice(list(SOURCES)),
                rng.choice(["5万", "12万", "80000", "250,000", "1.5万", ""]),
                rng.choice(OWNERS),
                stage,
                created,
                closed if stage in {"won", "lost"} else "",
                "price" if stage == "lost" else "",
            ]
        )
    return data


def salesflow_command() -> list[str]:
    script = Path(sys.executable).parent / "salesflow"
    return [str(script)] if script.exists() else [sys.executable, "-m", "salesflow"]


def copy_database(template: Path, target: Path) -> None:
    for suffix in ("", "-wal", "-shm"):
        source = Path(f"{template}{suffix}")
        if source.exists():
            shutil.copyfile(source, f"{target}{suffix}")


def run_salesflow(command: list[str], env: dict[str, str]) -> tuple[float, int]:
    """Seconds taken and peak memory (KiB) of one import process."""
    start = time.perf_counter()
    process = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    assert process.stderr is not None
    errors = process.stderr.read()
    _pid, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - start
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode != 0:
        sys.exit(f"salesflow lead import failed:\n{errors.decode(errors='replace')}")
    return elapsed, usage.ru_maxrss


def fen(amount: str) -> int | None:
    if not amount:
        return None
    if amount.endswith("万"):
        return int(float(amount[:-1]) * 10_000 * 100)
    return int(amount.replace(",", "")) * 100


def raw_rows(
    data: list[list[str]], owner_ids: dict[str, int]
) -> tuple[list[tuple[object, ...]], list[tuple[object, ...]], list[tuple[object, ...]]]:
    """The same rows as plain tuples for the three tables (ids 1..N in an empty database).

    Only what the tables' CHECK constraints demand is converted (source label to code,
    amount to fen); nothing is validated.
    """
    now = "2026-03-01 09:00:00.000000"
    customers: list[tuple[object, ...]] = []
    contacts: list[tuple[object, ...]] = []
    leads: list[tuple[object, ...]] = []
    for number, row in enumerate(data, start=1):
        (ref, company, contact, title, phone, email, province, city, industry, employees) = row[:10]
        (founded, source, amount, owner, stage, created, closed, reason) = row[10:]
        owner_id = owner_ids[owner]
        customers.append(
            (
                *(company, company, company[:2], industry, employees, founded, province, city),
                *(owner_id, "lead", created, None),
            )
        )
        contacts.append((number, contact, title, phone, email, 0, created, None))
        leads.append(
            (
                *(number, number, SOURCES[source], stage, fen(amount), owner_id, created, now),
                *(closed or None, reason or None, ref, None),
            )
        )
    return customers, contacts, leads


def run_raw(
    database: Path,
    rows: tuple[list[tuple[object, ...]], list[tuple[object, ...]], list[tuple[object, ...]]],
) -> float:
    customers, contacts, leads = rows
    connection = sqlite3.connect(database, isolation_level=None)
    try:
        connection.execute("PRAGMA foreign_keys = ON")
        connection.execute("PRAGMA journal_mode = WAL")
        connection.execute("PRAGMA synchronous = NORMAL")
        start = time.perf_counter()
        connection.execute("BEGIN IMMEDIATE")
        connection.executemany(
            "INSERT INTO customers (name, name_key, name_block, industry, employees, "
            "founded_year, province, city, owner_id, lifecycle, created_at, import_batch_id) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            customers,
        )
        connection.executemany(
            "INSERT INTO contacts (customer_id, name, title, phone, email, decision_maker, "
            "created_at, import_batch_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            contacts,
        )
        connection.executemany(
            "INSERT INTO leads (customer_id, contact_id, source, stage, amount_fen, owner_id, "
            "created_at, updated_at, closed_at, lost_reason, external_ref, import_batch_id) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            leads,
        )
        connection.execute("COMMIT")
        return time.perf_counter() - start
    finally:
        connection.close()


def write_csv(path: Path, rows: int) -> None:
    data = generate(rows)
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADERS)
        writer.writerows(data)


def time_raw(database: Path, leads_csv: Path) -> float:
    """The raw reference, run in a child process: read the CSV, prepare, time the inserts."""
    with leads_csv.open(encoding="utf-8-sig", newline="") as handle:
        data = list(csv.reader(handle))[1:]
    connection = sqlite3.connect(database)
    owner_ids = dict(connection.execute("SELECT username, id FROM users").fetchall())
    connection.close()
    return run_raw(database, raw_rows(data, owner_ids))


def count_leads(database: Path) -> int:
    connection = sqlite3.connect(database)
    try:
        return int(connection.execute("SELECT count(*) FROM leads").fetchone()[0])
    finally:
        connection.close()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--write-csv", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--raw-into", type=Path, nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.write_csv:
        write_csv(args.write_csv, args.rows)
        return 0
    if args.raw_into:
        print(time_raw(*args.raw_into))
        return 0
    if args.rows < 1 or args.runs < 1:
        parser.error("--rows and --runs must be at least 1")

    salesflow = salesflow_command()
    with tempfile.TemporaryDirectory(prefix="salesflow-bench-import-") as temp:
        home = Path(temp)
        env = {**os.environ, "SALESFLOW_HOME": str(home / "home"), "SALESFLOW_USER": "bench"}
        for name in ("SALESFLOW_DB_URL", "SALESFLOW_CONFIG", "SALESFLOW_DEBUG"):
            env.pop(name, None)
        env["NO_COLOR"] = "1"
        env.pop("PYTHONDONTWRITEBYTECODE", None)  # as people run it: compiled once, reused

        leads_csv = home / "leads.csv"
        child = [sys.executable, __file__]
        subprocess.run(
            [*child, "--write-csv", str(leads_csv), "--rows", str(args.rows)], check=True
        )

        template = home / "template.db"
        subprocess.run(
            [*salesflow, "--db", str(template), "init", "--sample-team"],
            env=env,
            check=True,
            stderr=subprocess.DEVNULL,
        )

        imported: list[float] = []
        raw: list[float] = []
        memory: list[int] = []
        for run in range(args.runs):
            target = home / f"run{run}.db"
            copy_database(template, target)
            command = [*salesflow, "--db", str(target), "--no-input", "lead", "import"]
            seconds, peak = run_salesflow([*command, str(leads_csv), "-f", "csv"], env)
            if count_leads(target) != args.rows:
                sys.exit(f"the import wrote {count_leads(target)} leads, not {args.rows}")
            imported.append(seconds)
            memory.append(peak)

            raw_target = home / f"raw{run}.db"
            copy_database(template, raw_target)
            timed = subprocess.run(
                [*child, "--raw-into", str(raw_target), str(leads_csv)],
                check=True,
                capture_output=True,
                text=True,
            )
            raw.append(float(timed.stdout))
            for path in home.glob(f"*{run}.db*"):
                path.unlink()

    import_rate = args.rows / statistics.median(imported)
    raw_rate = args.rows / statistics.median(raw)
    ratio = import_rate / raw_rate
    met = ratio >= TARGET_FRACTION
    print(f"rows: {args.rows}, runs: {args.runs}")
    print(
        f"salesflow lead import: median {statistics.median(imported):.2f} s, "
        f"{import_rate:,.0f} rows/s (runs: {', '.join(f'{s:.2f}' for s in imported)} s)"
    )
    print(
        f"raw sqlite3 executemany: median {statistics.median(raw):.2f} s, "
        f"{raw_rate:,.0f} rows/s (runs: {', '.join(f'{s:.2f}' for s in raw)} s)"
    )
    print(f"ratio: 1/{1 / ratio:.1f} of raw (target: at least 1/20): {'ok' if met else 'missed'}")
    print(f"peak memory of the import process: {max(memory) / 1024:.0f} MiB (max RSS)")
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())
