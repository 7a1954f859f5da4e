"""Contract numbers: ``C-2026-0001``, counted per calendar year like quote numbers.

Counted like quote numbers (:mod:`salesflow.workflow.yearly_numbers`: the highest of the
year plus one; a clash on the unique number is retried by the caller).
"""

from __future__ import annotations

from datetime import date

from sqlmodel import Session

from salesflow.i18n import _
from salesflow.store.models import Contract
from salesflow.workflow.errors import InputError
from salesflow.workflow.yearly_numbers import next_yearly, parse_yearly


def next_contract_number(session: Session, today: date) -> str:
    return next_yearly(session, Contract.number, "C", today)


def parse_contract_number(raw: str, *, field: str = "CONTRACT") -> str:
    """A contract number as people type it (``c-2026-1``) -> ``C-2026-0001``."""
    return parse_yearly(
        raw,
        "C",
        InputError(
            _("'{value}' is not a contract number ({field}).").format(value=raw, field=field),
            hint=_("Contract numbers look like C-2026-0001; 'salesflow contract list' shows them."),
        ),
    )
