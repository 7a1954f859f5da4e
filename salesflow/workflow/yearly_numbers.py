"""Numbers counted per calendar year, ``LETTER-YYYY-NNNN`` (pure rules and one query).

Quotes (Q-2026-0001) and contracts (C-2026-0001) are numbered this way: the next number
is the one after the year's highest; a unique constraint and a retry in the caller settle
two people taking the same number at once.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from sqlmodel import Session, col, select

from salesflow.workflow.errors import InputError


def yearly_number(letter: str, year: int, sequence: int) -> str:
    return f"{letter}-{year:04d}-{sequence:04d}"


def next_yearly(session: Session, column: Any, letter: str, today: date) -> str:
    """The next ``LETTER-YYYY-NNNN`` after the year's highest in ``column``."""
    prefix = f"{letter}-{today.year:04d}-"
    pattern = re.compile(re.escape(letter) + r"-(\d{4})-(\d{4,})")
    highest = 0
    for number in session.exec(select(column).where(col(column).startswith(prefix))).all():
        match = pattern.fullmatch(str(number))
        if match:
            highest = max(highest, int(match.group(2)))
    return yearly_number(letter, today.year, highest + 1)


def parse_yearly(raw: str, letter: str, problem: InputError) -> str:
    """``c-2026-1`` or ``C-2026-0001`` -> ``C-2026-0001``; else ``problem`` is raised."""
    match = re.fullmatch(re.escape(letter) + r"-(\d{4})-(\d{1,9})", raw.strip().upper())
    if match is None:
        raise problem
    return yearly_number(letter, int(match.group(1)), int(match.group(2)))
