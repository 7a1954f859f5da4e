"""Test data for quotes: products and quote rows written straight into a database.

For tests of what comes after drafting (approvals, documents, today's agenda) that need a
quote in a given state without going through ``quote new``. The money columns come from
the real rule (:func:`salesflow.workflow.quote_math.price_quote`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import create_engine
from sqlmodel import Session, select

from salesflow.store.models import Lead, Product, Quote, QuoteLine
from salesflow.workflow.products import sku_key
from salesflow.workflow.quote_math import LineInput, price_quote


@dataclass(frozen=True)
class Item:
    sku: str
    quantity_milli: int = 1000
    unit_price_fen: int | None = None  # None: the list price
    discount_bp: int = 0


def ensure_product(
    session: Session, sku: str, *, name: str | None = None, price_fen: int = 100_000_00
) -> Product:
    found = session.exec(select(Product).where(Product.sku_key == sku_key(sku))).first()
    if found is not None:
        return found
    product = Product(
        sku=sku,
        sku_key=sku_key(sku),
        name=name or f"产品 {sku}",
        unit="套",
        list_price_fen=price_fen,
        tax_rate_bp=1300,
        category="software",
    )
    session.add(product)
    session.flush()
    return product


def make_quote(
    db_url: str,
    lead_id: int,
    items: list[Item],
    *,
    number: str = "Q-2026-0001",
    version: int = 1,
    status: str = "draft",
    discount_bp: int = 0,
    payment_terms: str = "cod",
    valid_until: date | None = None,
    created_by: int | None = None,
) -> int:
    """Write one quote version on ``lead_id`` (products made as needed); returns its id."""
    engine = create_engine(db_url)
    try:
        with Session(engine) as session:
            lead = session.get(Lead, lead_id)
            assert lead is not None, lead_id
            products = [ensure_product(session, item.sku) for item in items]
            inputs = [
                LineInput(
                    quantity_milli=item.quantity_milli,
                    list_price_fen=product.list_price_fen,
                    unit_price_fen=(
                        product.list_price_fen
                        if item.unit_price_fen is None
                        else item.unit_price_fen
                    ),
                    discount_bp=item.discount_bp,
                    tax_rate_bp=product.tax_rate_bp,
                )
                for item, product in zip(items, products, strict=True)
            ]
            totals = price_quote(inputs, discount_bp)
            now = datetime.now(UTC)
            quote = Quote(
                number=number,
                version=version,
                lead_id=lead_id,
                customer_id=lead.customer_id,
                contact_id=lead.contact_id,
                owner_id=lead.owner_id,
                created_by_id=created_by if created_by is not None else lead.owner_id,
                status=status,
                valid_until=valid_until or date.today() + timedelta(days=30),
                payment_terms=payment_terms,
                discount_bp=discount_bp,
                list_value_fen=totals.list_value_fen,
                subtotal_fen=totals.subtotal_fen,
                discount_fen=totals.discount_fen,
                tax_fen=totals.tax_fen,
                total_fen=totals.total_fen,
                max_discount_bp=totals.max_discount_bp,
                created_at=now,
                updated_at=now,
            )
            session.add(quote)
            session.flush()
            assert quote.id is not None
            for position, (line, product, priced) in enumerate(
                zip(inputs, products, totals.lines, strict=True), start=1
            ):
                assert product.id is not None
                session.add(
                    QuoteLine(
                        quote_id=quote.id,
                        position=position,
                        product_id=product.id,
                        sku=product.sku,
                        name=product.name,
                        unit=product.unit,
                        quantity_milli=line.quantity_milli,
                        list_price_fen=line.list_price_fen,
                        unit_price_fen=line.unit_price_fen,
                        discount_bp=line.discount_bp,
                        tax_rate_bp=line.tax_rate_bp,
                        subtotal_fen=priced.subtotal_fen,
                        discount_fen=priced.discount_fen,
                        tax_fen=priced.tax_fen,
                        total_fen=priced.total_fen,
                    )
                )
            session.commit()
            return quote.id
    finally:
        engine.dispose()
