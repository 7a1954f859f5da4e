"""Test data for contracts: a contract row written straight into a database."""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlalchemy import create_engine
from sqlmodel import Session, col, select

from salesflow.store.models import Contract, ContractLine, Quote, QuoteLine


def make_contract(
    db_url: str,
    quote_id: int,
    *,
    status: str = "draft",
    number: str | None = None,
    signed_on: date | None = None,
) -> int:
    """Write a contract (and its lines) copied from quote ``quote_id``; returns its id."""
    engine = create_engine(db_url)
    try:
        with Session(engine) as session:
            quote = session.get(Quote, quote_id)
            assert quote is not None, quote_id
            count = len(session.exec(select(Contract.id)).all())
            now = datetime.now(UTC)
            contract = Contract(
                number=number or f"C-{date.today().year}-{count + 1:04d}",
                quote_id=quote_id,
                lead_id=quote.lead_id,
                customer_id=quote.customer_id,
                contact_id=quote.contact_id,
                owner_id=quote.owner_id,
                created_by_id=quote.owner_id,
                status=status,
                currency=quote.currency,
                subtotal_fen=quote.subtotal_fen,
                discount_fen=quote.discount_fen,
                tax_fen=quote.tax_fen,
                total_fen=quote.total_fen,
                payment_terms=quote.payment_terms,
                terms_text="terms",
                template="test",
                signed_on=signed_on if status in ("signed", "archived") else None,
                created_at=now,
                updated_at=now,
            )
            session.add(contract)
            session.flush()
            assert contract.id is not None
            for line in session.exec(
                select(QuoteLine)
                .where(QuoteLine.quote_id == quote_id)
                .order_by(col(QuoteLine.position))
            ).all():
                session.add(
                    ContractLine(
                        contract_id=contract.id,
                        **{
                            key: getattr(line, key)
                            for key in (
                                "position",
                                "product_id",
                                "sku",
                                "name",
                                "unit",
                                "quantity_milli",
                                "unit_price_fen",
                                "discount_bp",
                                "tax_rate_bp",
                                "subtotal_fen",
                                "discount_fen",
                                "tax_fen",
                                "total_fen",
                            )
                        },
                    )
                )
            session.commit()
            return contract.id
    finally:
        engine.dispose()
