"""Quote numbers: ``Q-2026-0001``, counted per calendar year (the local date).

The next number is the one after the year's highest; two people drafting at once may pick
the same, so the insert is retried (the unique (number, version) constraint decides).
"""

from __future__ import annotations

import re
from datetime import date

from sqlmodel import Session, col, select

from salesflow.i18n import _
from salesflow.store.models import Quote
from salesflow.workflow.errors import InputError

_NUMBER = re.compile(r"Q-(\d{4})-(\d{4,})")


def format_number(year: int, sequence: int) -> str:
    return f"Q-{year:04d}-{sequence:04d}"


def next_number(session: Session, today: date) -> str:
    prefix = f"Q-{today.year:04d}-"
    numbers = session.exec(
        select(Quote.number).where(col(Quote.number).startswith(prefix)).distinct()
    ).all()
    highest = 0
    for number in numbers:
        match = _NUMBER.fullmatch(number)
        if match:
            highest = max(highest, int(match.group(2)))
    return format_number(today.year, highest + 1)


def parse_number(raw: str, *, field: str = "QUOTE") -> str:
    """A quote number as people type it (``q-2026-0001``, ``Q-2026-1``) -> ``Q-2026-0001``."""
    text = raw.strip().upper()
    match = _NUMBER.fullmatch(text) or re.fullmatch(r"Q-(\d{4})-(\d{1,4})", text)
    if match is None:
        raise InputError(
            _("'{value}' is not a quote number ({field}).").format(value=raw, field=field),
            hint=_("Quote numbers look like Q-2026-0001; 'salesflow quote list' shows them."),
        )
    return format_number(int(match.group(1)), int(match.group(2)))
