"""Test data for payments: a contract (with its lines) written straight into a database,
made from a quote written by :func:`tests.quotes.make_quote` (accepted)."""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlalchemy import create_engine
from sqlmodel import Session, col, select

from salesflow.store.models import Contract, Quote, QuoteLine
from salesflow.workflow.contracts import copy_lines
from tests.quotes import Item, make_quote


def make_contract(
    db_url: str,
    lead_id: int,
    *,
    number: str = "C-2026-0001",
    quote_number: str = "Q-2026-0001",
    price_fen: int = 10_000_00,
    quantity_milli: int = 1000,
    status: str = "signed",
    signed_on: date | None = None,
) -> int:
    """An accepted quote on ``lead_id`` and a contract from it; returns the contract id.

    The quote has one line of ``quantity_milli`` at ``price_fen`` (13% tax on top)."""
    quote_id = make_quote(
        db_url,
        lead_id,
        [Item("ERP-STD", quantity_milli=quantity_milli, unit_price_fen=price_fen)],
        number=quote_number,
        status="accepted",
    )
    engine = create_engine(db_url)
    try:
        with Session(engine) as session:
            quote = session.get(Quote, quote_id)
            assert quote is not None
            now = datetime.now(UTC)
            contract = Contract(
                number=number,
                quote_id=quote_id,
                lead_id=quote.lead_id,
                customer_id=quote.customer_id,
                contact_id=quote.contact_id,
                owner_id=quote.owner_id,
                created_by_id=quote.owner_id,
                status=status,
                subtotal_fen=quote.subtotal_fen,
                discount_fen=quote.discount_fen,
                tax_fen=quote.tax_fen,
                total_fen=quote.total_fen,
                payment_terms=quote.payment_terms,
                terms_text="terms",
                template="default",
                signed_on=signed_on
                if signed_on is not None or status != "signed"
                else date.today(),
                created_at=now,
                updated_at=now,
            )
            session.add(contract)
            session.flush()
            assert contract.id is not None
            lines = session.exec(
                select(QuoteLine)
                .where(QuoteLine.quote_id == quote_id)
                .order_by(col(QuoteLine.position))
            ).all()
            copy_lines(session, contract, lines)
            session.commit()
            return contract.id
    finally:
        engine.dispose()
