"""Money is exact: parsed into integer fen (分), never a float (pure rules)."""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from salesflow.i18n import _
from salesflow.workflow.errors import InputError

MAX_YUAN = Decimal("1000000000000")  # a trillion yuan: larger amounts are typing mistakes
_UNITS = {"万": Decimal(10_000), "w": Decimal(10_000), "亿": Decimal(100_000_000)}


def parse_amount(raw: str, *, field: str = "--amount") -> int:
    """Yuan written as 12345.67, 12,345.67, ¥12345, 12.5万 or 1.2亿 -> fen.

    More than two decimals are rounded half-up to the fen. Negative, zero-size garbage
    and absurdly large amounts are refused.
    """
    text = raw.strip().replace(",", "").replace("，", "").replace(" ", "")
    text = re.sub(r"^(?:¥|￥|rmb|cny)", "", text, flags=re.IGNORECASE)
    text = re.sub(r"(?:元|rmb|cny)$", "", text, flags=re.IGNORECASE)
    unit = Decimal(1)
    if text and text[-1].lower() in _UNITS:
        unit = _UNITS[text[-1].lower()]
        text = text[:-1]
    try:
        # Plain digits and one point only: Decimal would also take 1e3, Infinity or NaN.
        if not re.fullmatch(r"[-+]?(?:\d+(?:\.\d*)?|\.\d+)", text):
            raise InvalidOperation
        yuan = Decimal(text) * unit
    except InvalidOperation:
        yuan = Decimal("NaN")
    if not yuan.is_finite():
        raise InputError(
            _("'{value}' is not an amount of money ({field}).").format(value=raw, field=field),
            hint=_("Write yuan, for example 120000, 120,000.50 or 12万."),
        )
    if yuan < 0:
        raise InputError(_("The amount cannot be negative ({field}).").format(field=field))
    if yuan > MAX_YUAN:
        raise InputError(
            _("The amount {value} is too large ({field}).").format(value=raw, field=field)
        )
    return int((yuan * 100).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def format_yuan(fen: int | None) -> str:
    """¥1,234.50 for people (JSON carries the exact yuan string instead)."""
    if fen is None:
        return ""
    return f"¥{Decimal(fen) / 100:,.2f}"


def yuan_text(fen: int | None) -> str | None:
    """The exact amount in yuan as a string ("1234.50"), for JSON and CSV."""
    if fen is None:
        return None
    return f"{Decimal(fen) / 100:.2f}"


def percent_text(bp: int | None) -> str:
    """Basis points as people read a percentage: 1000 -> 10%, 1250 -> 12.5%, 1001 -> 10.01%,
    0 -> 0% (discounts, tax rates, authorities: one rule everywhere)."""
    if bp is None:
        return ""
    whole, rest = divmod(bp, 100)
    return f"{whole}%" if rest == 0 else f"{whole}." + f"{rest:02d}".rstrip("0") + "%"
