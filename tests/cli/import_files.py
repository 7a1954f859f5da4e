"""Writing lead files for the import and export tests, and reading the database back."""

from __future__ import annotations

import csv
from collections.abc import Sequence
from pathlib import Path
from typing import Any

HEADER = ["公司名称", "联系人", "手机", "邮箱", "省份", "城市", "线索来源", "预计金额", "负责人"]
GOOD = [
    [
        "杭州云栖科技有限公司",
        "张伟",
        "13800138000",
        "zw@yunqi.cn",
        "浙江",
        "杭州",
        "展会",
        "12万",
        "",
    ],
    [
        "上海华信电子有限公司",
        "李娜",
        "13900139000",
        "ln@huaxin.cn",
        "上海",
        "",
        "website",
        "50000",
        "",
    ],
    ["深圳腾达电子有限公司", "王强", "13700137000", "", "广东", "深圳", "来电咨询", "", ""],
]


def write_csv(
    path: Path,
    rows: Sequence[Sequence[str]],
    header: Sequence[str] = HEADER,
    *,
    encoding: str = "utf-8",
) -> Path:
    with path.open("w", encoding=encoding, newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def query(url: str, sql: str) -> list[tuple[Any, ...]]:
    """Rows of a read-only SQL query against the test database."""
    from sqlalchemy import create_engine, text

    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            return [tuple(row) for row in connection.execute(text(sql)).all()]
    finally:
        engine.dispose()


def count(url: str, table: str) -> int:
    return int(query(url, f"SELECT count(*) FROM {table}")[0][0])
