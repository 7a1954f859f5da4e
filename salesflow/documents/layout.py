"""What every format shows, in which order: the same rows for Markdown, HTML and PDF."""

from __future__ import annotations

from dataclasses import dataclass

from salesflow.documents.labels import day, discount, labels, money, money_signed, percent, quantity
from salesflow.documents.labels import yuan as yuan_text
from salesflow.workflow.quote_documents import QuoteDocument

# The line table: (key, right-aligned).
LINE_COLUMNS: tuple[tuple[str, bool], ...] = (
    ("position", True),
    ("sku", False),
    ("name", False),
    ("unit", False),
    ("quantity", True),
    ("unit_price", True),
    ("discount", True),
    ("tax_rate", True),
    ("net", True),
    ("tax", True),
    ("total", True),
)


@dataclass(frozen=True)
class Layout:
    """A document's texts, ready to place."""

    words: dict[str, str]
    company_lines: list[tuple[str, str]]  # (label, value) under the company name
    quote_facts: list[tuple[str, str]]
    customer_facts: list[tuple[str, str]]
    headers: list[str]
    right: list[bool]
    rows: list[list[str]]
    totals: list[tuple[str, str]]
    grand_total: tuple[str, str]
    capitals: tuple[str, str] | None
    terms: list[tuple[str, str]]


UNAPPROVED = frozenset({"draft", "pending"})


def _present(pairs: list[tuple[str, str]]) -> list[tuple[str, str]]:
    return [(label, value) for label, value in pairs if value]


def layout(doc: QuoteDocument) -> Layout:
    words = labels(doc.lang)
    if doc.status in UNAPPROVED:
        # A draft exported for internal review says so in its title.
        words = {**words, "title": words["title"] + words["draft_mark"]}
    company = doc.company
    company_lines = _present(
        [
            (words["address"], company.address),
            (words["phone"], company.phone),
            (words["email"], company.email),
            (words["tax_id"], company.tax_id),
            (words["bank_account"], company.bank_account),
        ]
    )
    quote_facts = [
        (words["number"], doc.number),
        (words["version"], f"v{doc.version}"),
        (words["date"], day(doc.issued_on, doc.lang)),
        (words["valid_until"], day(doc.valid_until, doc.lang)),
        (words["status"], doc.status_label),
    ]
    customer_facts = _present(
        [
            (words["customer"], doc.customer_name),
            (words["region"], doc.customer_region),
            (words["contact"], doc.contact_name),
            (words["phone"], doc.contact_phone),
            (words["email"], doc.contact_email),
        ]
    )
    rows = [
        [
            str(line.position),
            line.sku,
            line.name,
            line.unit,
            quantity(line.quantity_milli),
            money(line.unit_price_fen),
            discount(line.discount_bp),
            percent(line.tax_rate_bp),
            money(line.net_fen),
            money(line.tax_fen),
            money(line.total_fen),
        ]
        for line in doc.lines
    ]
    totals = [(words["subtotal"], money(doc.subtotal_fen))]
    if doc.discount_fen:
        totals.append((words["discount_total"], money_signed(doc.discount_fen)))
        totals.append((words["net_total"], money(doc.net_fen)))
    totals.append((words["tax_total"], money(doc.tax_fen)))
    payment = doc.payment_terms
    if doc.payment_terms_note:
        payment += ("：" if doc.lang == "zh" else ": ") + doc.payment_terms_note
    terms = _present(
        [
            (words["payment_terms"], payment),
            (words["delivery_terms"], doc.delivery_terms),
            (words["notes"], doc.notes),
            (words["prepared_by"], doc.prepared_by),
        ]
    )
    if doc.discount_bp:
        terms.insert(
            1,
            (
                words["discount_total"],
                words["quote_discount"].format(rate=percent(doc.discount_bp)),
            ),
        )
    return Layout(
        words=words,
        company_lines=company_lines,
        quote_facts=quote_facts,
        customer_facts=customer_facts,
        headers=[words[key] for key, _right in LINE_COLUMNS],
        right=[right for _key, right in LINE_COLUMNS],
        rows=rows,
        totals=totals,
        grand_total=(words["grand_total"], yuan_text(doc.total_fen)),
        capitals=(words["capitals"], doc.total_in_capitals) if doc.total_in_capitals else None,
        terms=terms,
    )
