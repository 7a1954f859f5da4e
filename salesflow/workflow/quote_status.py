"""A quote's status as people see it, and what each status allows (pure rules).

Stored statuses: draft, pending (waiting for approval), approved, sent, accepted, rejected.
An *open* quote (draft, pending, approved or sent) past its last valid day shows as
expired; nothing is stored for that. Only the current version (not superseded) changes.
"""

from __future__ import annotations

from datetime import date

OPEN_STATUSES = ("draft", "pending", "approved", "sent")
EDITABLE_STATUSES = ("draft", "pending", "approved")
# Approvals a change to the quote makes void.
VOIDED_APPROVALS = ("pending", "approved")


def is_expired(status: str, valid_until: date, today: date) -> bool:
    return status in OPEN_STATUSES and valid_until < today


def shown_status(status: str, valid_until: date, today: date) -> str:
    """The status code shown: the stored one, or ``expired``."""
    return "expired" if is_expired(status, valid_until, today) else status
