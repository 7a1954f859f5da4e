"""Contract numbers: ``C-2026-0001``, counted per calendar year like quote numbers.

The counting is the same as :mod:`salesflow.workflow.quote_numbers` (the highest of the
year plus one; a clash on the unique number is retried by the caller), for any prefix.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from sqlmodel import Session, col, select

from salesflow.i18n import _
from salesflow.store.models import Contract
from salesflow.workflow.errors import InputError

_NUMBER = re.compile(r"C-(\d{4})-(\d{4,})")


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


def next_contract_number(session: Session, today: date) -> str:
    return next_yearly(session, Contract.number, "C", today)


def parse_contract_number(raw: str, *, field: str = "CONTRACT") -> str:
    """A contract number as people type it (``c-2026-1``) -> ``C-2026-0001``."""
    text = raw.strip().upper()
    match = _NUMBER.fullmatch(text) or re.fullmatch(r"C-(\d{4})-(\d{1,4})", text)
    if match is None:
        raise InputError(
            _("'{value}' is not a contract number ({field}).").format(value=raw, field=field),
            hint=_("Contract numbers look like C-2026-0001; 'salesflow contract list' shows them."),
        )
    return yearly_number("C", int(match.group(1)), int(match.group(2)))
