"""Drafting quotes (报价单) from the price list: new, edit, revise, send, accept, reject.

A quote is drafted on an open lead the actor may change
(:func:`~salesflow.workflow.lead_access.lead_for_update`); its owner is the lead's owner.
Each line copies the product's SKU, name, unit, list price and tax rate, and the money is
computed by :func:`~salesflow.workflow.quote_math.price_quote` and stored on the quote and
its lines, exact to the fen.

Versions share the quote's number. Only the current version changes: ``edit`` changes it
in place while it is a draft, waiting for approval or approved (a changed quote goes back
to draft and its approvals are withdrawn); ``revise`` copies it into version n+1, a draft,
and stamps the old one superseded (read-only). ``send`` needs an approved quote still
valid, and moves the lead to negotiation when its gates allow; ``accept`` a sent quote
still valid; ``reject`` a sent quote and the customer's reason. All writes go through the
audited session.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from salesflow.i18n import _, format_date
from salesflow.store.models import Approval, Lead, Quote, QuoteLine, User
from salesflow.store.types import utcnow
from salesflow.workflow.errors import InputError, NotFound, Refused
from salesflow.workflow.glossary import QUOTE_STATUSES, STAGES, label
from salesflow.workflow.lead_access import lead_for_reading, lead_for_update, parse_lead_id
from salesflow.workflow.quote_input import (
    LineSpec,
    clean_text,
    parse_discount,
    parse_line,
    payment_terms_for,
    valid_until_for,
)
from salesflow.workflow.quote_math import LineInput, price_quote
from salesflow.workflow.quote_numbers import next_number, parse_number
from salesflow.workflow.quote_status import EDITABLE_STATUSES, VOIDED_APPROVALS, is_expired
from salesflow.workflow.record_ids import storable
from salesflow.workflow.stage_config import load_stages

MAX_LINES = 200
NUMBER_ATTEMPTS = 5


@dataclass(frozen=True)
class QuoteChanges:
    """What a draft sets or an edit changes; ``None`` leaves a value as it is (or default).

    ``lines`` replaces all lines. Strings are parsed as the options are (``--line``,
    ``--discount``...); the wizard passes the same text.
    """

    lines: list[LineSpec] | list[str] | None = None
    discount: int | str | None = None
    valid_days: int | None = None
    valid_until: str | date | None = None
    payment_terms: str | None = None
    payment_note: str | None = None
    delivery: str | None = None
    notes: str | None = None

    def is_empty(self) -> bool:
        return self == QuoteChanges()


@dataclass(frozen=True)
class QuoteResult:
    quote_id: int
    number: str
    version: int
    lead_id: int
    status: str
    total_fen: int
    discount_bp: int
    max_discount_bp: int
    payment_terms: str
    valid_until: date
    withdrawn_approvals: int = 0
    lead_moved_to: str | None = None
    lead_missing: tuple[str, ...] = ()


def _result(quote: Quote, **extra: object) -> QuoteResult:
    assert quote.id is not None
    return QuoteResult(
        quote_id=quote.id,
        number=quote.number,
        version=quote.version,
        lead_id=quote.lead_id,
        status=quote.status,
        total_fen=quote.total_fen,
        discount_bp=quote.discount_bp,
        max_discount_bp=quote.max_discount_bp,
        payment_terms=quote.payment_terms,
        valid_until=quote.valid_until,
        **extra,  # type: ignore[arg-type]
    )


def _line_specs(lines: list[LineSpec] | list[str]) -> list[LineSpec]:
    specs = [parse_line(line) if isinstance(line, str) else line for line in lines]
    if not specs:
        raise InputError(
            _("A quote needs at least one line (--line)."),
            hint=_("Write --line SKU:QUANTITY[:PRICE[:DISCOUNT%]]."),
        )
    if len(specs) > MAX_LINES:
        raise InputError(_("A quote has at most {most} lines (--line).").format(most=MAX_LINES))
    for spec in specs:
        if spec.quantity_milli <= 0:
            raise InputError(_("The quantity must be more than 0 (--line)."))
        if not 0 <= spec.discount_bp < 10_000:
            raise InputError(_("The discount must be at least 0% and below 100% (--line)."))
        if spec.unit_price_fen is not None and spec.unit_price_fen < 0:
            raise InputError(_("The price cannot be negative (--line)."))
    return specs


def _discount(value: int | str) -> int:
    if isinstance(value, str):
        return parse_discount(value)
    if not 0 <= value < 10_000:
        raise InputError(_("The discount must be at least 0% and below 100% (--discount)."))
    return value


def _build_lines(session: Session, specs: list[LineSpec]) -> list[QuoteLine]:
    """Unsaved lines with the products' snapshot; money filled in by :func:`_price`."""
    from salesflow.workflow.products import find_product

    lines = []
    for position, spec in enumerate(specs, start=1):
        product = find_product(session, spec.sku, field="--line")
        assert product.id is not None
        price = product.list_price_fen if spec.unit_price_fen is None else spec.unit_price_fen
        lines.append(
            QuoteLine(
                quote_id=0,
                position=position,
                product_id=product.id,
                sku=product.sku,
                name=product.name,
                unit=product.unit,
                quantity_milli=spec.quantity_milli,
                list_price_fen=product.list_price_fen,
                unit_price_fen=price,
                discount_bp=spec.discount_bp,
                tax_rate_bp=product.tax_rate_bp,
                subtotal_fen=0,
                discount_fen=0,
                tax_fen=0,
                total_fen=0,
            )
        )
    return lines


def _price(quote: Quote, lines: list[QuoteLine]) -> None:
    """Compute the money of ``lines`` and ``quote`` by the one rule, in place."""
    inputs = [
        LineInput(
            quantity_milli=line.quantity_milli,
            list_price_fen=line.list_price_fen,
            unit_price_fen=line.unit_price_fen,
            discount_bp=line.discount_bp,
            tax_rate_bp=line.tax_rate_bp,
        )
        for line in lines
    ]
    totals = price_quote(inputs, quote.discount_bp)
    for line, priced in zip(lines, totals.lines, strict=True):
        line.subtotal_fen = priced.subtotal_fen
        line.discount_fen = priced.discount_fen
        line.tax_fen = priced.tax_fen
        line.total_fen = priced.total_fen
    quote.list_value_fen = totals.list_value_fen
    quote.subtotal_fen = totals.subtotal_fen
    quote.discount_fen = totals.discount_fen
    quote.tax_fen = totals.tax_fen
    quote.total_fen = totals.total_fen
    quote.max_discount_bp = totals.max_discount_bp


def _apply_terms(quote: Quote, changes: QuoteChanges, today: date, *, new: bool) -> None:
    """Set discount, validity, terms and texts from ``changes`` (all checked first)."""
    discount = None if changes.discount is None else _discount(changes.discount)
    valid = None
    if new or changes.valid_days is not None or changes.valid_until is not None:
        valid = valid_until_for(today, days=changes.valid_days, until=changes.valid_until)
    if new or changes.payment_terms is not None or changes.payment_note is not None:
        code = (
            changes.payment_terms
            if changes.payment_terms is not None
            else (None if new else quote.payment_terms)
        )
        note = (
            changes.payment_note
            if changes.payment_note is not None
            else (None if new or changes.payment_terms is not None else quote.payment_terms_note)
        )
        terms, note_text = payment_terms_for(code, note)
        quote.payment_terms, quote.payment_terms_note = terms, note_text
    delivery = clean_text(changes.delivery, option="--delivery")
    notes = clean_text(changes.notes, option="--notes")
    if discount is not None:
        quote.discount_bp = discount
    if valid is not None:
        quote.valid_until = valid
    if changes.delivery is not None:
        quote.delivery_terms = delivery
    if changes.notes is not None:
        quote.notes = notes


def _save_lines(session: Session, quote: Quote, lines: list[QuoteLine]) -> None:
    assert quote.id is not None
    for line in lines:
        line.quote_id = quote.id
        session.add(line)


def draft_quote(
    session: Session,
    actor: User,
    lead_id: int | str,
    changes: QuoteChanges,
    *,
    today: date | None = None,
) -> QuoteResult:
    """A new quote, version 1, as a draft on an open lead; see the module doc."""
    day = today or date.today()
    number_of_lead = parse_lead_id(lead_id, field="LEAD")
    if changes.lines is None:
        raise InputError(
            _("A quote needs at least one line (--line)."),
            hint=_("Write --line SKU:QUANTITY[:PRICE[:DISCOUNT%]]."),
        )
    specs = _line_specs(changes.lines)
    lead = lead_for_update(session, actor, number_of_lead)
    _refuse_closed_lead(lead)
    now = utcnow()
    quote = Quote(
        number="",
        version=1,
        lead_id=number_of_lead,
        customer_id=lead.customer_id,
        contact_id=lead.contact_id,
        owner_id=lead.owner_id,
        created_by_id=actor.id,
        status="draft",
        valid_until=day,
        created_at=now,
        updated_at=now,
    )
    _apply_terms(quote, changes, day, new=True)
    lines = _build_lines(session, specs)
    _price(quote, lines)
    _insert_numbered(session, quote, day)
    _save_lines(session, quote, lines)
    session.flush()
    return _result(quote)


def _insert_numbered(session: Session, quote: Quote, today: date) -> None:
    """Insert ``quote`` with the year's next number, retrying if someone took it."""
    for attempt in range(NUMBER_ATTEMPTS):
        quote.number = next_number(session, today)
        try:
            with session.begin_nested():
                session.add(quote)
                session.flush()
            return
        except IntegrityError:
            if attempt + 1 == NUMBER_ATTEMPTS:
                raise


def _refuse_closed_lead(lead: Lead) -> None:
    if lead.stage in load_stages().closed_codes:
        raise Refused(
            _("Lead {id} is {stage}; quotes are made on open leads.").format(
                id=lead.id, stage=label(STAGES, lead.stage)
            ),
            hint=_("'salesflow lead reopen {id}' reopens it.").format(id=lead.id),
        )


def _find(session: Session, number: str, version: int | None) -> Quote:
    statement = select(Quote).where(Quote.number == number)
    if version is None:
        statement = statement.where(col(Quote.superseded_at).is_(None))
    else:
        statement = statement.where(Quote.version == version)
    # A version the INTEGER column cannot hold (beyond 2**31 - 1) is no version.
    found = version is None or storable(version)
    quote = session.exec(statement.order_by(col(Quote.version).desc())).first() if found else None
    if quote is None:
        what = number if version is None else f"{number} v{version}"
        raise NotFound(
            _("No quote {number}.").format(number=what),
            hint=_("'salesflow quote list' shows the quotes you can see."),
        )
    return quote


def quote_for_reading(
    session: Session, actor: User, raw: str, *, version: int | None = None
) -> Quote:
    """A quote version (the current one by default) on a lead the actor may see."""
    number = parse_number(raw)
    quote = _find(session, number, version)
    try:
        lead_for_reading(session, actor, quote.lead_id)
    except NotFound:
        raise NotFound(
            _("No quote {number}.").format(number=number),
            hint=_("'salesflow quote list' shows the quotes you can see."),
        ) from None
    return quote


def quote_for_update(session: Session, actor: User, raw: str) -> tuple[Quote, Lead]:
    """The current version, locked, on a lead the actor may change.

    Every change to a quote locks its lead first, so once the lead is locked the current
    version is looked up again: a revision that finished meanwhile is seen, never edited
    over. The quote follows its lead's current owner.
    """
    number = parse_number(raw)
    quote = _find(session, number, None)
    try:
        lead = lead_for_update(session, actor, quote.lead_id)
    except NotFound:
        raise NotFound(
            _("No quote {number}.").format(number=number),
            hint=_("'salesflow quote list' shows the quotes you can see."),
        ) from None
    session.expire(quote)
    quote = _find(session, number, None)
    session.refresh(quote, with_for_update=True)
    if quote.owner_id != lead.owner_id:
        quote.owner_id = lead.owner_id
    return quote, lead


def follow_lead_owner(session: Session, lead: Lead) -> int:
    """Give the lead's open quotes (current versions not yet accepted or rejected) to its
    owner, after the lead was assigned; returns how many changed."""
    quotes = session.exec(
        select(Quote).where(
            Quote.lead_id == lead.id,
            col(Quote.superseded_at).is_(None),
            col(Quote.status).not_in(("accepted", "rejected")),
        )
    ).all()
    changed = 0
    for quote in quotes:
        if quote.owner_id != lead.owner_id:
            quote.owner_id = lead.owner_id
            quote.updated_at = utcnow()
            session.add(quote)
            changed += 1
    return changed


def _status_name(code: str) -> str:
    return label(QUOTE_STATUSES, code)


def _withdraw(session: Session, quote: Quote, statuses: tuple[str, ...], now: datetime) -> int:
    approvals = session.exec(
        select(Approval).where(Approval.quote_id == quote.id, col(Approval.status).in_(statuses))
    ).all()
    for approval in approvals:
        approval.status = "withdrawn"
        approval.decided_at = now
        session.add(approval)
    return len(approvals)


def _lines_of(session: Session, quote: Quote) -> list[QuoteLine]:
    return list(
        session.exec(
            select(QuoteLine)
            .where(QuoteLine.quote_id == quote.id)
            .order_by(col(QuoteLine.position))
        ).all()
    )


def edit_quote(
    session: Session,
    actor: User,
    raw: str,
    changes: QuoteChanges,
    *,
    version: int | None = None,
    today: date | None = None,
) -> QuoteResult:
    """Change the current version in place; a pending or approved quote goes back to draft."""
    day = today or date.today()
    if changes.is_empty():
        raise InputError(
            _("Nothing to change; give the values to change (--line, --discount, ...).")
        )
    specs = None if changes.lines is None else _line_specs(changes.lines)
    quote, lead = quote_for_update(session, actor, raw)
    if version is not None and version != quote.version:
        raise Refused(
            _(
                "{number} v{version} is an old version and cannot change; v{current} is current."
            ).format(number=quote.number, version=version, current=quote.version),
            hint=_("Edit the current version, or 'salesflow quote revise {number}'.").format(
                number=quote.number
            ),
        )
    _refuse_closed_lead(lead)
    if quote.status not in EDITABLE_STATUSES:
        raise Refused(
            _("{number} is {status}; only a draft, pending or approved quote is edited.").format(
                number=quote.number, status=_status_name(quote.status)
            ),
            hint=_("'salesflow quote revise {number}' makes a new version.").format(
                number=quote.number
            ),
        )
    _apply_terms(quote, changes, day, new=False)
    if specs is not None:
        for line in _lines_of(session, quote):
            session.delete(line)
        session.flush()
        lines = _build_lines(session, specs)
        _save_lines(session, quote, lines)
    else:
        lines = _lines_of(session, quote)
    _price(quote, lines)
    withdrawn = 0
    if quote.status in ("pending", "approved"):
        withdrawn = _withdraw(session, quote, VOIDED_APPROVALS, utcnow())
        quote.status = "draft"
        quote.submitted_at = None
    quote.updated_at = utcnow()
    session.add(quote)
    session.flush()
    return _result(quote, withdrawn_approvals=withdrawn)


def revise_quote(
    session: Session,
    actor: User,
    raw: str,
    changes: QuoteChanges,
    *,
    today: date | None = None,
) -> QuoteResult:
    """Version n+1 as a draft (lines copied, then ``changes``); the old one superseded."""
    day = today or date.today()
    specs = None if changes.lines is None else _line_specs(changes.lines)
    old, lead = quote_for_update(session, actor, raw)
    _refuse_closed_lead(lead)
    if old.status == "accepted":
        raise Refused(
            _("{number} was accepted by the customer; it is not revised.").format(number=old.number)
        )
    now = utcnow()
    new = Quote(
        number=old.number,
        version=old.version + 1,
        lead_id=old.lead_id,
        customer_id=old.customer_id,
        contact_id=lead.contact_id,
        owner_id=lead.owner_id,
        created_by_id=actor.id,
        status="draft",
        currency=old.currency,
        valid_until=old.valid_until,
        payment_terms=old.payment_terms,
        payment_terms_note=old.payment_terms_note,
        delivery_terms=old.delivery_terms,
        notes=old.notes,
        discount_bp=old.discount_bp,
        created_at=now,
        updated_at=now,
    )
    if old.valid_until < day and changes.valid_days is None and changes.valid_until is None:
        new.valid_until = valid_until_for(day)  # an expired quote revised: valid again
    _apply_terms(new, changes, day, new=False)
    if specs is not None:
        lines = _build_lines(session, specs)
    else:
        lines = [
            QuoteLine(**line.model_dump(exclude={"id", "quote_id"}), quote_id=0)
            for line in _lines_of(session, old)
        ]
    _price(new, lines)
    withdrawn = _withdraw(session, old, ("pending",), now)
    old.superseded_at = now
    old.updated_at = now
    session.add(old)
    session.add(new)
    session.flush()
    _save_lines(session, new, lines)
    session.flush()
    return _result(new, withdrawn_approvals=withdrawn)


def _refuse_expired(quote: Quote, today: date, action: str) -> None:
    if is_expired(quote.status, quote.valid_until, today):
        raise Refused(
            _("{number} expired on {date}; it cannot be {action}.").format(
                number=quote.number, date=format_date(quote.valid_until), action=action
            ),
            hint=_(
                "'salesflow quote revise {number} --valid-days 30' makes a valid version."
            ).format(number=quote.number),
        )


def send_quote(
    session: Session, actor: User, raw: str, *, today: date | None = None
) -> QuoteResult:
    """An approved, valid current version is sent; the lead moves to negotiation if it can."""
    from salesflow.workflow.pipeline_moves import GateRefused, advance_lead

    day = today or date.today()
    quote, lead = quote_for_update(session, actor, raw)
    _refuse_closed_lead(lead)
    _refuse_expired(quote, day, _("sent"))
    if quote.status != "approved":
        raise Refused(
            _("{number} is {status}; only an approved quote is sent.").format(
                number=quote.number, status=_status_name(quote.status)
            ),
            hint=_("'salesflow quote submit {number}' asks for its approval.").format(
                number=quote.number
            ),
        )
    now = utcnow()
    quote.status = "sent"
    quote.sent_at = now
    quote.updated_at = now
    session.add(quote)
    session.flush()
    config = load_stages()
    target = "negotiation"
    moved: str | None = None
    missing: tuple[str, ...] = ()
    order = list(config.open_codes)
    earlier = (
        config.has(target)
        and lead.stage in order
        and target in order
        and order.index(lead.stage) < order.index(target)
    )
    if earlier:
        try:
            with session.begin_nested():
                advance_lead(session, actor, quote.lead_id, to=target, config=config)
            moved = target
        except GateRefused as refused:
            missing = tuple(text for _key, text in refused.missing)
    return _result(quote, lead_moved_to=moved, lead_missing=missing)


def accept_quote(
    session: Session, actor: User, raw: str, *, today: date | None = None
) -> QuoteResult:
    """The customer accepted a sent quote that is still valid."""
    day = today or date.today()
    quote, lead = quote_for_update(session, actor, raw)
    _refuse_closed_lead(lead)
    if quote.status != "sent":
        raise Refused(
            _("{number} is {status}; only a sent quote is accepted.").format(
                number=quote.number, status=_status_name(quote.status)
            )
        )
    _refuse_expired(quote, day, _("accepted"))
    now = utcnow()
    quote.status = "accepted"
    quote.decided_at = now
    quote.updated_at = now
    session.add(quote)
    session.flush()
    return _result(quote)


def reject_quote(session: Session, actor: User, raw: str, *, reason: str | None) -> QuoteResult:
    """The customer rejected a sent quote; the reason is kept."""
    text = clean_text(reason, option="--reason")
    if text is None:
        raise InputError(
            _("Say why the customer rejected the quote (--reason)."),
        )
    quote, _lead = quote_for_update(session, actor, raw)
    if quote.status != "sent":
        raise Refused(
            _("{number} is {status}; only a sent quote is rejected.").format(
                number=quote.number, status=_status_name(quote.status)
            )
        )
    now = utcnow()
    quote.status = "rejected"
    quote.reject_reason = text
    quote.decided_at = now
    quote.updated_at = now
    session.add(quote)
    session.flush()
    return _result(quote)


def lead_for_quoting(session: Session, actor: User, lead_id: int) -> Lead:
    """The lead, if the actor may quote on it (open, theirs to change); for the wizard."""
    lead = lead_for_update(session, actor, lead_id)
    _refuse_closed_lead(lead)
    return lead


__all__ = [
    "QuoteChanges",
    "QuoteResult",
    "accept_quote",
    "draft_quote",
    "edit_quote",
    "lead_for_quoting",
    "quote_for_reading",
    "quote_for_update",
    "reject_quote",
    "revise_quote",
    "send_quote",
]
