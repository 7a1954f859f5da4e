"""What people type when drafting a quote, parsed into exact values (pure rules).

``--line SKU:QTY[:PRICE[:DISCOUNT%]]``: the quantity may have up to three decimals (it is
stored in thousandths), the price is yuan as :func:`~salesflow.workflow.money.parse_amount`
reads it (empty or missing: the list price), the discount a percentage below 100 with up
to two decimals (``5%`` or ``5``; stored in basis points). Validity is a number of days or
a day as :func:`~salesflow.workflow.dates.parse_day` reads it.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation

from salesflow.i18n import _, format_date
from salesflow.workflow.dates import parse_day
from salesflow.workflow.errors import InputError
from salesflow.workflow.glossary import PAYMENT_TERMS, parse_code
from salesflow.workflow.money import parse_amount
from salesflow.workflow.quote_math import BP, MILLI

DEFAULT_VALID_DAYS = 30
MAX_VALID_DAYS = 366
MAX_QUANTITY_MILLI = 1_000_000_000_000  # a billion units
DEFAULT_TERMS = "cod"


@dataclass(frozen=True)
class LineSpec:
    """One line as asked for: the product's SKU, how many, at what price and discount."""

    sku: str
    quantity_milli: int
    unit_price_fen: int | None = None  # None: the product's list price
    discount_bp: int = 0


def parse_quantity(raw: str, *, field: str = "--line") -> int:
    """A positive quantity with at most three decimals -> thousandths."""
    text = raw.strip().replace(",", "")
    try:
        value = Decimal(text)
    except InvalidOperation:
        value = Decimal("NaN")
    if not value.is_finite():
        raise InputError(
            _("'{value}' is not a quantity ({field}).").format(value=raw, field=field),
            hint=_("Write a number such as 3 or 2.5."),
        )
    if value <= 0:
        raise InputError(
            _("The quantity must be more than 0, not {value} ({field}).").format(
                value=raw.strip(), field=field
            )
        )
    milli = value * MILLI
    if milli != milli.to_integral_value():
        raise InputError(
            _("The quantity {value} has more than three decimals ({field}).").format(
                value=raw.strip(), field=field
            )
        )
    if milli > MAX_QUANTITY_MILLI:
        raise InputError(
            _("The quantity {value} is too large ({field}).").format(value=raw.strip(), field=field)
        )
    return int(milli)


def parse_discount(raw: str, *, field: str = "--discount") -> int:
    """``5%``, ``5`` or ``12.5%`` -> basis points; at least 0 and below 100%."""
    text = raw.strip().replace("％", "%").removesuffix("%").strip()
    try:
        value = Decimal(text) if text else Decimal(0)
    except InvalidOperation:
        value = Decimal("NaN")
    if not value.is_finite():
        raise InputError(
            _("'{value}' is not a discount ({field}).").format(value=raw, field=field),
            hint=_("Write a percentage such as 5% or 12.5."),
        )
    if value < 0 or value >= 100:
        raise InputError(
            _("The discount must be at least 0% and below 100%, not {value} ({field}).").format(
                value=raw.strip(), field=field
            )
        )
    bp = value * 100
    if bp != bp.to_integral_value():
        raise InputError(
            _("The discount {value} has more than two decimals ({field}).").format(
                value=raw.strip(), field=field
            )
        )
    result = int(bp)
    assert 0 <= result < BP
    return result


def parse_line(raw: str, *, field: str = "--line") -> LineSpec:
    """``SKU:QTY[:PRICE[:DISCOUNT%]]`` -> a :class:`LineSpec`."""
    parts = [part.strip() for part in raw.replace("：", ":").split(":")]
    if len(parts) < 2 or len(parts) > 4 or not parts[0] or not parts[1]:
        raise InputError(
            _("'{value}' is not a quote line ({field}).").format(value=raw, field=field),
            hint=_("Write SKU:QUANTITY[:PRICE[:DISCOUNT%]], for example ERP-STD:2:9500:5%."),
        )
    quantity = parse_quantity(parts[1], field=field)
    price = parse_amount(parts[2], field=field) if len(parts) > 2 and parts[2] else None
    discount = parse_discount(parts[3], field=field) if len(parts) > 3 and parts[3] else 0
    return LineSpec(parts[0], quantity, price, discount)


def valid_until_for(
    today: date, *, days: int | None = None, until: str | date | None = None
) -> date:
    """The last valid day: ``until``, else today + ``days`` (default 30)."""
    if days is not None and until is not None:
        raise InputError(_("Give --valid-days or --valid-until, not both."))
    if until is not None:
        day = until if isinstance(until, date) else parse_day(until, today, option="--valid-until")
        if day < today:
            raise InputError(
                _(
                    "The quote would be valid until {date}, which is in the past (--valid-until)."
                ).format(date=format_date(day))
            )
        return day
    count = DEFAULT_VALID_DAYS if days is None else days
    if not 1 <= count <= MAX_VALID_DAYS:
        raise InputError(
            _("The validity must be 1 to {most} days (--valid-days).").format(most=MAX_VALID_DAYS)
        )
    return today + timedelta(days=count)


def clean_text(value: str | None, *, option: str, limit: int = 2000) -> str | None:
    """Trimmed NFC text, ``None`` when empty; refuses control characters and overlong text."""
    if value is None:
        return None
    text = unicodedata.normalize("NFC", value).strip()
    if not text:
        return None
    if any(unicodedata.category(ch) == "Cc" and ch != "\n" for ch in text):
        raise InputError(
            _("The value contains control characters ({option}).").format(option=option)
        )
    if len(text) > limit:
        raise InputError(
            _("The value is {length} characters long; at most {limit} are kept ({option}).").format(
                length=len(text), limit=limit, option=option
            )
        )
    return text


def payment_terms_for(code: str | None, note: str | None) -> tuple[str, str | None]:
    """The payment terms code (default cod) and its note; ``other`` needs the note."""
    terms = (
        DEFAULT_TERMS if code is None else parse_code(PAYMENT_TERMS, code, field="--payment-terms")
    )
    text = clean_text(note, option="--payment-note")
    if terms == "other" and text is None:
        raise InputError(
            _("Payment terms 'other' need a note saying what they are (--payment-note).")
        )
    return terms, text
