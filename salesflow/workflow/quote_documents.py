"""A quote version gathered into a document a customer can receive (报价单).

:func:`quote_document` reads one quote version the actor may see (as for leads: a rep
their own and unassigned leads' quotes, a manager the team's, a director or admin all;
others are "not found") and returns a :class:`QuoteDocument`: plain frozen dataclasses,
exact integer money, every text already in the document's language, so the renderers in
:mod:`salesflow.documents` only lay it out.

Our company's header comes from the settings (``company_name`` and friends, see
:mod:`salesflow.config`); :func:`company_header` refuses a missing ``company_name`` with
a hint naming the setting. The document's language is ``zh`` or ``en``: as asked, else
``zh`` when the customer's name contains Chinese characters, else ``en``. A Chinese
document carries the total in financial capitals (大写金额, :mod:`capital_numerals`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING

from salesflow.i18n import _, language_code
from salesflow.workflow.capital_numerals import capital_yuan
from salesflow.workflow.contacts import format_phone
from salesflow.workflow.errors import ConfigurationError, InputError
from salesflow.workflow.glossary import PAYMENT_TERMS, QUOTE_STATUSES
from salesflow.workflow.quote_status import shown_status

if TYPE_CHECKING:
    from sqlmodel import Session

    from salesflow.config import Settings
    from salesflow.store.models import User

LANGUAGES = ("zh", "en")
_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")


@dataclass(frozen=True)
class CompanyHeader:
    """Our company as the document's letterhead; "" for what is not configured."""

    name: str
    address: str = ""
    phone: str = ""
    email: str = ""
    tax_id: str = ""
    bank_account: str = ""


@dataclass(frozen=True)
class DocumentLine:
    position: int
    sku: str
    name: str
    unit: str
    quantity_milli: int
    unit_price_fen: int
    discount_bp: int  # the line's own discount; the whole quote's is in the totals
    tax_rate_bp: int
    subtotal_fen: int  # quantity x unit price
    net_fen: int  # after the line's and the quote's discount
    tax_fen: int
    total_fen: int


@dataclass(frozen=True)
class QuoteDocument:
    lang: str
    company: CompanyHeader
    customer_name: str
    customer_region: str
    contact_name: str
    contact_phone: str
    contact_email: str
    number: str
    version: int
    issued_on: date
    valid_until: date
    status: str  # code as shown (expired for an open quote past its validity)
    status_label: str  # in the document's language
    currency: str
    lines: tuple[DocumentLine, ...]
    subtotal_fen: int
    discount_bp: int  # the whole quote's discount rate
    discount_fen: int  # every discount: the lines' and the whole quote's
    tax_fen: int
    total_fen: int
    total_in_capitals: str  # 人民币...整 on Chinese documents, "" on English ones
    payment_terms: str  # label in the document's language
    payment_terms_note: str
    delivery_terms: str
    notes: str
    prepared_by: str

    @property
    def net_fen(self) -> int:
        return self.subtotal_fen - self.discount_fen

    @property
    def has_chinese(self) -> bool:
        """Whether any text of the document needs a CJK font."""
        return has_chinese(self.text_fields())

    def text_fields(self) -> list[str]:
        company = self.company
        texts = [
            company.name,
            company.address,
            company.phone,
            company.email,
            company.tax_id,
            company.bank_account,
            self.customer_name,
            self.customer_region,
            self.contact_name,
            self.contact_phone,
            self.contact_email,
            self.status_label,
            self.total_in_capitals,
            self.payment_terms,
            self.payment_terms_note,
            self.delivery_terms,
            self.notes,
            self.prepared_by,
        ]
        for line in self.lines:
            texts += [line.sku, line.name, line.unit]
        return texts


def has_chinese(texts: str | list[str]) -> bool:
    if isinstance(texts, str):
        texts = [texts]
    return any(_HAN.search(text) for text in texts)


def company_header(settings: Settings, lang: str) -> CompanyHeader:
    """Our company from the settings; refused without ``company_name``."""
    name = settings.company_value("company_name")
    if not name:
        raise ConfigurationError(
            _("Our company name for the document header is not configured."),
            hint=_('Set company_name = "..." in the config file {path}.').format(
                path=settings.config_file.value
            ),
        )
    if lang == "en" and settings.company_value("company_name_en"):
        name = settings.company_value("company_name_en")
    return CompanyHeader(
        name=name,
        address=settings.company_value("company_address"),
        phone=settings.company_value("company_phone"),
        email=settings.company_value("company_email"),
        tax_id=settings.company_value("company_tax_id"),
        bank_account=settings.company_value("company_bank_account"),
    )


def parse_language(raw: str | None) -> str | None:
    """``zh`` or ``en`` (also ``zh-CN``, ``中文``, ``english``); None: decide from the customer."""
    if raw is None:
        return None
    code = language_code(raw)
    if code is None and raw.strip().lower() == "cn":
        code = "zh"
    if code is not None:
        return code
    raise InputError(
        _("Unknown document language '{value}' (--lang).").format(value=raw),
        hint=_("Choose zh or en."),
    )


def language_for(customer_name: str, asked: str | None) -> str:
    """The document's language: as asked, else zh for a Chinese customer name, else en."""
    if asked is not None:
        return asked
    return "zh" if has_chinese(customer_name) else "en"


def _label(table: dict[str, tuple[str, str]], code: str, lang: str) -> str:
    labels = table.get(code)
    if labels is None:
        return code
    return labels[1] if lang == "zh" else labels[0]


def _region(parts: list[str | None], lang: str) -> str:
    present = [part for part in parts if part]
    return ("" if lang == "zh" else " ").join(present)


def _local_day(moment: datetime) -> date:
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone().date()


def quote_document(
    session: Session,
    actor: User,
    number: str,
    version: int | None = None,
    *,
    settings: Settings,
    lang: str | None = None,
    today: date | None = None,
) -> QuoteDocument:
    """The document of quote ``number`` (its current version unless ``version``)."""
    from sqlmodel import col, select

    from salesflow.store.models import Contact, Customer, QuoteLine, User
    from salesflow.workflow.quotes import quote_for_reading

    quote = quote_for_reading(session, actor, number, version=version)
    customer = session.get(Customer, quote.customer_id)
    assert customer is not None  # a foreign key guarantees it
    chosen = language_for(customer.name, lang)
    company = company_header(settings, chosen)
    contact = session.get(Contact, quote.contact_id) if quote.contact_id is not None else None
    preparer_id = quote.created_by_id if quote.created_by_id is not None else quote.owner_id
    preparer = session.get(User, preparer_id) if preparer_id is not None else None
    rows = session.exec(
        select(QuoteLine).where(QuoteLine.quote_id == quote.id).order_by(col(QuoteLine.position))
    ).all()
    lines = tuple(
        DocumentLine(
            position=row.position,
            sku=row.sku,
            name=row.name,
            unit=row.unit,
            quantity_milli=row.quantity_milli,
            unit_price_fen=row.unit_price_fen,
            discount_bp=row.discount_bp,
            tax_rate_bp=row.tax_rate_bp,
            subtotal_fen=row.subtotal_fen,
            net_fen=row.subtotal_fen - row.discount_fen,
            tax_fen=row.tax_fen,
            total_fen=row.total_fen,
        )
        for row in rows
    )
    status = shown_status(quote.status, quote.valid_until, today or date.today())
    issued = quote.sent_at or quote.created_at
    return QuoteDocument(
        lang=chosen,
        company=company,
        customer_name=customer.name,
        customer_region=_region([customer.province, customer.city, customer.county], chosen),
        contact_name=contact.name if contact else "",
        contact_phone=format_phone(contact.phone) if contact else "",
        contact_email=(contact.email or "") if contact else "",
        number=quote.number,
        version=quote.version,
        issued_on=_local_day(issued),
        valid_until=quote.valid_until,
        status=status,
        status_label=_label(QUOTE_STATUSES, status, chosen),
        currency=quote.currency,
        lines=lines,
        subtotal_fen=quote.subtotal_fen,
        discount_bp=quote.discount_bp,
        discount_fen=quote.discount_fen,
        tax_fen=quote.tax_fen,
        total_fen=quote.total_fen,
        total_in_capitals=capital_yuan(quote.total_fen, prefix=True) if chosen == "zh" else "",
        payment_terms=_label(PAYMENT_TERMS, quote.payment_terms, chosen),
        payment_terms_note=quote.payment_terms_note or "",
        delivery_terms=quote.delivery_terms or "",
        notes=quote.notes or "",
        prepared_by=preparer.display_name if preparer else "",
    )
