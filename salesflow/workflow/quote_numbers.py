"""Quote numbers: ``Q-2026-0001``, counted per calendar year (the local date).

The next number is the one after the year's highest; two people drafting at once may pick
the same, so the insert is retried (the unique (number, version) constraint decides).
"""

from __future__ import annotations

from datetime import date

from sqlmodel import Session

from salesflow.i18n import _
from salesflow.store.models import Quote
from salesflow.workflow.errors import InputError
from salesflow.workflow.yearly_numbers import next_yearly, parse_yearly, yearly_number


def format_number(year: int, sequence: int) -> str:
    return yearly_number("Q", year, sequence)


def next_number(session: Session, today: date) -> str:
    return next_yearly(session, Quote.number, "Q", today)


def parse_number(raw: str, *, field: str = "QUOTE") -> str:
    """A quote number as people type it (``q-2026-0001``, ``Q-2026-1``) -> ``Q-2026-0001``."""
    return parse_yearly(
        raw,
        "Q",
        InputError(
            _("'{value}' is not a quote number ({field}).").format(value=raw, field=field),
            hint=_("Quote numbers look like Q-2026-0001; 'salesflow quote list' shows them."),
        ),
    )
