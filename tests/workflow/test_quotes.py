"""Drafting through the workflow: stored money follows quote_math, as ints, on both backends."""

from __future__ import annotations

import itertools
from datetime import date

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlmodel import col, select

from salesflow.store.models import Quote, QuoteLine
from salesflow.workflow.errors import InputError
from salesflow.workflow.quote_input import LineSpec, parse_discount, parse_line, parse_quantity
from salesflow.workflow.quote_math import BP, LineInput, price_line
from salesflow.workflow.quote_numbers import next_number, parse_number
from salesflow.workflow.quote_status import shown_status
from salesflow.workflow.quotes import QuoteChanges, draft_quote
from tests.cli.test_lead_stages import add_lead
from tests.duplicate_data import acting_as, reading
from tests.helpers import Cli
from tests.quotes import ensure_product

_serial = itertools.count(1)

line_data = st.tuples(
    st.integers(min_value=1, max_value=10_000_000),  # quantity in thousandths
    st.integers(min_value=0, max_value=100_000_000),  # list price in fen
    st.one_of(st.none(), st.integers(min_value=0, max_value=100_000_000)),  # unit price
    st.integers(min_value=0, max_value=BP - 1),  # line discount
    st.sampled_from([0, 300, 600, 900, 1300]),  # tax rate
)


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(lines=st.lists(line_data, min_size=1, max_size=6), discount=st.integers(0, BP - 1))
def test_stored_quote_follows_the_rule(
    cli: Cli,
    team: str,
    lines: list[tuple[int, int, int | None, int, int]],
    discount: int,
) -> None:
    serial = next(_serial)
    lead = add_lead(cli, "li.na", f"属性测试公司{serial}号")
    with acting_as(team, "li.na") as (session, actor):
        specs = []
        for index, (quantity, list_price, price, line_discount, tax) in enumerate(lines):
            product = ensure_product(session, f"P{serial}-{index}", price_fen=list_price)
            product.tax_rate_bp = tax
            session.add(product)
            specs.append(LineSpec(product.sku, quantity, price, line_discount))
        session.flush()
        result = draft_quote(session, actor, lead, QuoteChanges(lines=specs, discount=discount))
    with reading(team) as session:
        quote = session.get(Quote, result.quote_id)
        assert quote is not None
        stored = session.exec(
            select(QuoteLine)
            .where(QuoteLine.quote_id == quote.id)
            .order_by(col(QuoteLine.position))
        ).all()
    assert len(stored) == len(lines)
    for line, (quantity, list_price, price, line_discount, tax) in zip(stored, lines, strict=True):
        priced = price_line(
            LineInput(
                quantity_milli=quantity,
                list_price_fen=list_price,
                unit_price_fen=list_price if price is None else price,
                discount_bp=line_discount,
                tax_rate_bp=tax,
            ),
            discount,
        )
        assert (line.subtotal_fen, line.discount_fen, line.tax_fen, line.total_fen) == (
            priced.subtotal_fen,
            priced.discount_fen,
            priced.tax_fen,
            priced.total_fen,
        )
        for value in (
            line.quantity_milli, line.list_price_fen, line.unit_price_fen, line.discount_bp,
            line.tax_rate_bp, line.subtotal_fen, line.discount_fen, line.tax_fen, line.total_fen,
        ):  # fmt: skip
            assert type(value) is int
    nets = sum(line.subtotal_fen - line.discount_fen for line in stored)
    assert quote.total_fen == nets + sum(line.tax_fen for line in stored)
    assert quote.total_fen == quote.subtotal_fen - quote.discount_fen + quote.tax_fen
    assert quote.total_fen == sum(line.total_fen for line in stored)
    for value in (
        quote.list_value_fen, quote.subtotal_fen, quote.discount_fen, quote.tax_fen,
        quote.total_fen, quote.max_discount_bp, quote.discount_bp,
    ):  # fmt: skip
        assert type(value) is int


def test_numbers_count_per_year(team: str, cli: Cli) -> None:
    lead = add_lead(cli, "li.na", "杭州云栖科技有限公司")
    with acting_as(team, "li.na") as (session, actor):
        ensure_product(session, "ERP-STD")
        first = draft_quote(
            session, actor, lead, QuoteChanges(lines=["ERP-STD:1"]), today=date(2025, 12, 31)
        )
        second = draft_quote(
            session, actor, lead, QuoteChanges(lines=["ERP-STD:1"]), today=date(2026, 1, 1)
        )
        assert next_number(session, date(2025, 6, 1)) == "Q-2025-0002"
    assert (first.number, second.number) == ("Q-2025-0001", "Q-2026-0001")


@pytest.mark.parametrize(
    ("text", "spec"),
    [
        ("ERP:2", LineSpec("ERP", 2000)),
        ("ERP:1.5:9,500:5%", LineSpec("ERP", 1500, 950_000, 500)),
        ("ERP：0.001::12.5", LineSpec("ERP", 1, None, 1250)),
    ],
)
def test_parse_line(text: str, spec: LineSpec) -> None:
    assert parse_line(text) == spec


@pytest.mark.parametrize("text", ["ERP", "ERP:", ":1", "ERP:x", "ERP:0", "ERP:1:abc", "a:1:1:1:1"])
def test_bad_lines(text: str) -> None:
    with pytest.raises(InputError):
        parse_line(text)


def test_small_parsers() -> None:
    assert parse_quantity("1,000") == 1_000_000
    assert parse_discount("99.99%") == 9999
    with pytest.raises(InputError):
        parse_discount("-0.01")
    with pytest.raises(InputError):
        parse_discount("5.001")
    assert parse_number("q-2026-7") == "Q-2026-0007"
    with pytest.raises(InputError):
        parse_number("2026-7")
    today = date(2026, 11, 24)
    assert shown_status("sent", date(2026, 11, 23), today) == "expired"
    assert shown_status("sent", today, today) == "sent"
    assert shown_status("accepted", date(2026, 1, 1), today) == "accepted"
