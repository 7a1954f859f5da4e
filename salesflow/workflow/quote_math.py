"""A quote's money, exact to the fen (pure rules; integers only, never a float).

The rule, per line, every step rounded half-up to the fen:

1. subtotal = quantity x unit price (the quantity is in thousandths, so this is
   ``quantity_milli * unit_price_fen / 1000``, rounded);
2. line discount = subtotal x the line's discount rate;
3. quote discount = (subtotal - line discount) x the whole quote's discount rate;
4. net = subtotal - line discount - quote discount;
5. tax = net x the line's tax rate;
6. total = net + tax.

The quote's subtotal, discount, tax and total are the sums of its lines' (no rounding at
the quote level), so a quote's total always equals the sum of its lines' nets plus tax.
Rates are basis points: 1000 = 10%, 1300 = 13%.

A unit price below the list price counts as a discount too: a line's *effective discount*
is ``1 - net / (quantity x list price)``, and what approvals compare with a person's
authority is the largest effective discount of any line, rounded up to a basis point
(10.001% counts as 10.01%, above a 10% authority).
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

BP = 10_000  # basis points in a whole
MILLI = 1_000  # quantity units in thousandths


def half_up(numerator: int, denominator: int) -> int:
    """``numerator / denominator`` rounded half-up (away from zero on a tie), exactly."""
    if denominator <= 0:
        raise ValueError("denominator must be positive")
    sign = -1 if numerator < 0 else 1
    quotient, remainder = divmod(abs(numerator), denominator)
    if 2 * remainder >= denominator:
        quotient += 1
    return sign * quotient


def ceil_div(numerator: int, denominator: int) -> int:
    return -((-numerator) // denominator)


@dataclass(frozen=True)
class LineInput:
    quantity_milli: int
    list_price_fen: int
    unit_price_fen: int
    discount_bp: int = 0
    tax_rate_bp: int = 1300


@dataclass(frozen=True)
class PricedLine:
    list_value_fen: int  # quantity x list price
    subtotal_fen: int  # quantity x unit price
    line_discount_fen: int
    quote_discount_fen: int
    net_fen: int
    tax_fen: int
    total_fen: int

    @property
    def discount_fen(self) -> int:
        return self.line_discount_fen + self.quote_discount_fen

    @property
    def effective_discount(self) -> Fraction:
        """1 - net / list value, never below 0 (a price above list is no discount)."""
        if self.list_value_fen <= 0:
            return Fraction(0)
        return max(Fraction(0), 1 - Fraction(self.net_fen, self.list_value_fen))


@dataclass(frozen=True)
class QuoteTotals:
    lines: tuple[PricedLine, ...]
    list_value_fen: int
    subtotal_fen: int
    discount_fen: int
    net_fen: int
    tax_fen: int
    total_fen: int
    max_discount_bp: int  # the largest effective line discount, rounded up


def price_line(line: LineInput, quote_discount_bp: int = 0) -> PricedLine:
    _check_rate(line.discount_bp, "discount")
    _check_rate(quote_discount_bp, "quote discount")
    if line.quantity_milli <= 0:
        raise ValueError("quantity must be positive")
    if line.list_price_fen < 0 or line.unit_price_fen < 0:
        raise ValueError("prices cannot be negative")
    if not 0 <= line.tax_rate_bp <= BP:
        raise ValueError("tax rate must be 0 to 100%")
    list_value = half_up(line.quantity_milli * line.list_price_fen, MILLI)
    subtotal = half_up(line.quantity_milli * line.unit_price_fen, MILLI)
    line_discount = half_up(subtotal * line.discount_bp, BP)
    quote_discount = half_up((subtotal - line_discount) * quote_discount_bp, BP)
    net = subtotal - line_discount - quote_discount
    tax = half_up(net * line.tax_rate_bp, BP)
    return PricedLine(
        list_value_fen=list_value,
        subtotal_fen=subtotal,
        line_discount_fen=line_discount,
        quote_discount_fen=quote_discount,
        net_fen=net,
        tax_fen=tax,
        total_fen=net + tax,
    )


def price_quote(lines: list[LineInput], quote_discount_bp: int = 0) -> QuoteTotals:
    priced = tuple(price_line(line, quote_discount_bp) for line in lines)
    largest = max((line.effective_discount for line in priced), default=Fraction(0))
    return QuoteTotals(
        lines=priced,
        list_value_fen=sum(line.list_value_fen for line in priced),
        subtotal_fen=sum(line.subtotal_fen for line in priced),
        discount_fen=sum(line.discount_fen for line in priced),
        net_fen=sum(line.net_fen for line in priced),
        tax_fen=sum(line.tax_fen for line in priced),
        total_fen=sum(line.total_fen for line in priced),
        max_discount_bp=ceil_div(largest.numerator * BP, largest.denominator),
    )


def _check_rate(bp: int, what: str) -> None:
    if not 0 <= bp < BP:
        raise ValueError(f"{what} must be at least 0% and below 100%")


def quantity_text(milli: int) -> str:
    """Thousandths as people write them: 1000 -> 1, 10000 -> 10, 1500 -> 1.5, 1234 -> 1.234."""
    whole, rest = divmod(milli, MILLI)
    return str(whole) if rest == 0 else f"{whole}." + f"{rest:03d}".rstrip("0")
