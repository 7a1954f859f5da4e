"""One of several salesflow writers at once (started by tests/cli/test_concurrent_writers.py).

``python -m tests.concurrent_worker USER TAG OPS LEAD CONTRACT`` runs OPS commands in this
process, one after another, each opening the database afresh as the CLI does: every third
one adds a lead (its own company and phone), logs a call on lead LEAD, or records ¥1.00 on
contract CONTRACT, which every worker pays into at the same time. It prints one JSON line:
what succeeded, what failed (with its stderr), and how often the store had to wait for
SQLite's write lock.

SQLite's own busy wait is cut to 20 ms here, so the waiting is done by salesflow's retry
with back-off (salesflow.store.contention), which is what is under test.
"""

from __future__ import annotations

import io
import json
import sys
from collections.abc import Callable
from contextlib import redirect_stderr, redirect_stdout
from datetime import date, timedelta
from typing import Any


def main(argv: list[str]) -> int:
    from salesflow.cli.main import run
    from salesflow.store import contention, database

    user, tag, ops, lead, contract = argv[0], argv[1], int(argv[2]), argv[3], argv[4]
    database.SQLITE_BUSY_TIMEOUT_MS = 20
    waits = {"retried": 0, "attempts": 0}
    original = contention.begin_immediate

    def counting(execute: Callable[[str], object], **kwargs: Any) -> int:
        attempts = original(execute, **kwargs)
        waits["attempts"] += attempts
        waits["retried"] += attempts > 1
        return attempts

    contention.begin_immediate = counting
    next_day = (date.today() + timedelta(days=7)).isoformat()
    done: dict[str, list[str]] = {"lead": [], "activity": [], "payment": []}
    failed: list[dict[str, Any]] = []
    for number in range(ops):
        kind = ("lead", "activity", "payment")[number % 3]
        if kind == "lead":
            args = [
                "lead", "add", "--company", f"并发测试{tag}第{number}号科技有限公司",
                "--contact", f"联系人{tag}-{number}", "--phone", f"139{int(tag):02d}{number:06d}",
                "--source", "website",
            ]  # fmt: skip
        elif kind == "activity":
            args = [
                "activity", "log", lead, "--kind", "call", "--summary", f"{tag}-{number}",
                "--next-date", next_day, "--next-action", "回访",
            ]  # fmt: skip
        else:
            args = ["payment", "record", contract, "1", "--method", "bank"]
        out, err = io.StringIO(), io.StringIO()
        with redirect_stdout(out), redirect_stderr(err):
            code = run(["--as", user, "--no-input", *args])
        if code == 0:
            done[kind].append(out.getvalue().strip())
        else:
            failed.append({"args": args, "exit_code": code, "stderr": err.getvalue()})
    print(json.dumps({"user": user, "done": done, "failed": failed, **waits}))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
