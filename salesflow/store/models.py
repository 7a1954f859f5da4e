"""Every table of salesflow, as SQLModel classes.

Stored values are the language-neutral codes of GLOSSARY.md; labels are added when shown.
A change here needs a migration in ``salesflow/store/migrations/versions`` (the test suite
compares the migrated schema with these models).
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    Column,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlmodel import Field, SQLModel

from salesflow.store.types import UTCDateTime, utcnow

# Deterministic constraint names, so migrations (and SQLite batch mode) can refer to them.
SQLModel.metadata.naming_convention = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

ROLE_CODES = ("rep", "manager", "director", "legal", "service", "admin")


def _in_list(column: str, codes: tuple[str, ...]) -> str:
    return f"{column} IN ({', '.join(repr(code) for code in codes)})"


class User(SQLModel, table=True):
    """A person who uses salesflow; ``manager_id`` makes the team tree."""

    __tablename__ = "users"
    __table_args__ = (
        CheckConstraint(_in_list("role", ROLE_CODES), name="role"),
        CheckConstraint(
            "discount_authority_bp IS NULL OR discount_authority_bp BETWEEN 0 AND 10000",
            name="discount_authority",
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    username: str = Field(sa_column=Column(String(64), nullable=False, unique=True))
    display_name: str = Field(sa_column=Column(String(100), nullable=False))
    role: str = Field(sa_column=Column(String(16), nullable=False))
    manager_id: int | None = Field(
        default=None,
        sa_column=Column(Integer, ForeignKey("users.id"), nullable=True, index=True),
    )
    active: bool = Field(default=True)
    created_at: datetime = Field(
        default_factory=utcnow, sa_column=Column(UTCDateTime, nullable=False)
    )
    # Discount this user may give without approval, in basis points (1000 = 10%); empty
    # means the default of their role (approvals.toml).
    discount_authority_bp: int | None = Field(
        default=None, sa_column=Column(Integer, nullable=True)
    )


class AuditEvent(SQLModel, table=True):
    """One write to one record: who, when, what kind of change, which record."""

    __tablename__ = "audit_events"
    __table_args__ = (Index("ix_audit_events_entity", "entity", "entity_id"),)

    id: int | None = Field(default=None, primary_key=True)
    occurred_at: datetime = Field(
        default_factory=utcnow, sa_column=Column(UTCDateTime, nullable=False, index=True)
    )
    actor_id: int | None = Field(
        default=None,
        sa_column=Column(Integer, ForeignKey("users.id"), nullable=True, index=True),
    )
    action: str = Field(sa_column=Column(String(16), nullable=False))
    entity: str = Field(sa_column=Column(String(32), nullable=False))
    entity_id: str = Field(sa_column=Column(String(64), nullable=False))
    summary: str | None = Field(default=None, sa_column=Column(Text, nullable=True))


class AuditChange(SQLModel, table=True):
    """One field of an audited write: its value before and after, as text."""

    __tablename__ = "audit_changes"

    id: int | None = Field(default=None, primary_key=True)
    event_id: int = Field(
        sa_column=Column(
            Integer,
            ForeignKey("audit_events.id", ondelete="CASCADE"),
            nullable=False,
            index=True,
        )
    )
    field: str = Field(sa_column=Column(String(64), nullable=False))
    old_value: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    new_value: str | None = Field(default=None, sa_column=Column(Text, nullable=True))


SOURCE_CODES = (
    "website",
    "phone",
    "trade-show",
    "list",
    "referral",
    "cold-visit",
    "event",
    "other",
)
LIFECYCLE_CODES = ("lead", "prospect", "customer", "dormant")
STAGE_CODES = (
    "new",
    "contacted",
    "qualified",
    "proposal",
    "negotiation",
    "contract",
    "won",
    "lost",
)
LOST_REASON_CODES = ("price", "competitor", "no-budget", "no-decision", "timing", "other")
VALUE_TYPE_CODES = ("intrinsic", "extrinsic", "strategic")


class ImportBatch(SQLModel, table=True):
    """One run of ``lead import``: what it added can be removed again as a whole."""

    __tablename__ = "import_batches"

    id: int | None = Field(default=None, primary_key=True)
    created_at: datetime = Field(
        default_factory=utcnow, sa_column=Column(UTCDateTime, nullable=False)
    )
    created_by_id: int = Field(sa_column=Column(Integer, ForeignKey("users.id"), nullable=False))
    file_name: str = Field(sa_column=Column(String(255), nullable=False))
    rows: int = Field(default=0)
    leads_added: int = Field(default=0)
    rejected: int = Field(default=0)
    undone_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime, nullable=True))
    undone_by_id: int | None = Field(
        default=None, sa_column=Column(Integer, ForeignKey("users.id"), nullable=True)
    )


class Customer(SQLModel, table=True):
    """A company (客户档案); ``name_key`` is its name normalized for duplicate checks."""

    __tablename__ = "customers"
    __table_args__ = (
        CheckConstraint(_in_list("lifecycle", LIFECYCLE_CODES), name="lifecycle"),
        CheckConstraint(
            "value_type IS NULL OR " + _in_list("value_type", VALUE_TYPE_CODES), name="value_type"
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(sa_column=Column(String(200), nullable=False))
    name_key: str = Field(sa_column=Column(String(200), nullable=False, index=True))
    # The first characters of the name after its leading place name: fuzzy duplicate checks
    # over many rows compare only names in the same block (see workflow/duplicates.py).
    name_block: str = Field(sa_column=Column(String(16), nullable=False, index=True))
    industry: str | None = Field(default=None, sa_column=Column(String(100), nullable=True))
    employees: int | None = None
    founded_year: int | None = None
    province: str | None = Field(default=None, sa_column=Column(String(32), nullable=True))
    city: str | None = Field(default=None, sa_column=Column(String(32), nullable=True))
    county: str | None = Field(default=None, sa_column=Column(String(32), nullable=True))
    region_code: str | None = Field(default=None, sa_column=Column(String(12), nullable=True))
    owner_id: int | None = Field(
        default=None, sa_column=Column(Integer, ForeignKey("users.id"), nullable=True, index=True)
    )
    lifecycle: str = Field(default="lead", sa_column=Column(String(16), nullable=False))
    value_type: str | None = Field(default=None, sa_column=Column(String(16), nullable=True))
    personality: str | None = Field(default=None, sa_column=Column(String(20), nullable=True))
    notes: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    created_at: datetime = Field(
        default_factory=utcnow, sa_column=Column(UTCDateTime, nullable=False)
    )
    import_batch_id: int | None = Field(
        default=None,
        sa_column=Column(Integer, ForeignKey("import_batches.id"), nullable=True, index=True),
    )


class Contact(SQLModel, table=True):
    """A person at a customer; phone in E.164 and email lower-cased, for duplicate checks."""

    __tablename__ = "contacts"

    id: int | None = Field(default=None, primary_key=True)
    customer_id: int = Field(
        sa_column=Column(Integer, ForeignKey("customers.id"), nullable=False, index=True)
    )
    name: str = Field(sa_column=Column(String(100), nullable=False))
    title: str | None = Field(default=None, sa_column=Column(String(100), nullable=True))
    phone: str | None = Field(default=None, sa_column=Column(String(20), nullable=True, index=True))
    email: str | None = Field(
        default=None, sa_column=Column(String(254), nullable=True, index=True)
    )
    wechat: str | None = Field(default=None, sa_column=Column(String(64), nullable=True))
    decision_maker: bool = Field(default=False)
    birthday: date | None = Field(default=None, sa_column=Column(Date, nullable=True))
    created_at: datetime = Field(
        default_factory=utcnow, sa_column=Column(UTCDateTime, nullable=False)
    )
    import_batch_id: int | None = Field(
        default=None,
        sa_column=Column(Integer, ForeignKey("import_batches.id"), nullable=True, index=True),
    )


class Lead(SQLModel, table=True):
    """A sales opportunity (商机) moving through the pipeline."""

    __tablename__ = "leads"
    __table_args__ = (
        CheckConstraint(_in_list("source", SOURCE_CODES), name="source"),
        CheckConstraint(_in_list("stage", STAGE_CODES), name="stage"),
        CheckConstraint("grade IS NULL OR grade IN ('A', 'B', 'C')", name="grade"),
        CheckConstraint("amount_fen IS NULL OR amount_fen >= 0", name="amount"),
        CheckConstraint("budget_fen IS NULL OR budget_fen >= 0", name="budget"),
        CheckConstraint("need_fit IS NULL OR need_fit BETWEEN 1 AND 5", name="need_fit"),
        CheckConstraint("likelihood IS NULL OR likelihood BETWEEN 1 AND 5", name="likelihood"),
        CheckConstraint(
            "lost_reason IS NULL OR " + _in_list("lost_reason", LOST_REASON_CODES),
            name="lost_reason",
        ),
        # Leads created in a period, by owner, and how soon they were first contacted, read
        # from the index alone (time to first contact); it serves created_at ranges too.
        Index("ix_leads_created_owner_first", "created_at", "owner_id", "first_contact_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    customer_id: int = Field(
        sa_column=Column(Integer, ForeignKey("customers.id"), nullable=False, index=True)
    )
    contact_id: int | None = Field(
        default=None,
        sa_column=Column(Integer, ForeignKey("contacts.id"), nullable=True, index=True),
    )
    need: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    source: str = Field(sa_column=Column(String(16), nullable=False, index=True))
    referrer_customer_id: int | None = Field(
        default=None,
        sa_column=Column(Integer, ForeignKey("customers.id"), nullable=True, index=True),
    )
    referrer_name: str | None = Field(default=None, sa_column=Column(String(100), nullable=True))
    stage: str = Field(default="new", sa_column=Column(String(16), nullable=False, index=True))
    grade: str | None = Field(default=None, sa_column=Column(String(1), nullable=True, index=True))
    score: int | None = None
    amount_fen: int | None = Field(default=None, sa_column=Column(BigInteger, nullable=True))
    # Grading inputs that belong to the deal rather than the company (SPEC §4 rubric).
    budget_fen: int | None = Field(default=None, sa_column=Column(BigInteger, nullable=True))
    need_fit: int | None = None
    likelihood: int | None = None
    decision_maker_reached: bool | None = None
    expected_close: date | None = None
    next_step_date: date | None = Field(
        default=None, sa_column=Column(Date, nullable=True, index=True)
    )
    next_step_action: str | None = Field(default=None, sa_column=Column(String(200), nullable=True))
    lost_reason: str | None = Field(default=None, sa_column=Column(String(16), nullable=True))
    competitor: str | None = Field(default=None, sa_column=Column(String(100), nullable=True))
    # The record's ID in the CRM it was imported from, if any.
    external_ref: str | None = Field(
        default=None, sa_column=Column(String(64), nullable=True, index=True)
    )
    owner_id: int | None = Field(
        default=None, sa_column=Column(Integer, ForeignKey("users.id"), nullable=True, index=True)
    )
    created_by_id: int | None = Field(
        default=None, sa_column=Column(Integer, ForeignKey("users.id"), nullable=True)
    )
    notes: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    created_at: datetime = Field(
        default_factory=utcnow, sa_column=Column(UTCDateTime, nullable=False)
    )
    updated_at: datetime = Field(
        default_factory=utcnow, sa_column=Column(UTCDateTime, nullable=False)
    )
    closed_at: datetime | None = Field(
        default=None, sa_column=Column(UTCDateTime, nullable=True, index=True)
    )
    import_batch_id: int | None = Field(
        default=None,
        sa_column=Column(Integer, ForeignKey("import_batches.id"), nullable=True, index=True),
    )
    # When the newest activity on the lead happened (for overdue follow-ups, SPEC §4 cadence).
    last_activity_at: datetime | None = Field(
        default=None, sa_column=Column(UTCDateTime, nullable=True, index=True)
    )
    # When the lead entered its current stage (days in stage; see StageChange).
    stage_entered_at: datetime | None = Field(
        default=None, sa_column=Column(UTCDateTime, nullable=True)
    )
    # When the lead was first contacted: its earliest activity that is not a note; empty
    # while it has none (time to first contact). Kept by every path that adds or moves
    # activities (see salesflow/workflow/first_contact.py).
    first_contact_at: datetime | None = Field(
        default=None, sa_column=Column(UTCDateTime, nullable=True)
    )


class LeadGrade(SQLModel, table=True):
    """One grading of a lead: the inputs, the score with its breakdown, and the grade.

    Every grading is kept, so a lead's grade history shows how the view of it changed.
    ``breakdown`` is JSON: one entry per rubric criterion with its input and points.
    """

    __tablename__ = "lead_grades"
    __table_args__ = (
        CheckConstraint("grade IN ('A', 'B', 'C')", name="grade"),
        CheckConstraint(
            "value_type IS NULL OR " + _in_list("value_type", VALUE_TYPE_CODES), name="value_type"
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    lead_id: int = Field(
        sa_column=Column(Integer, ForeignKey("leads.id"), nullable=False, index=True)
    )
    graded_at: datetime = Field(
        default_factory=utcnow, sa_column=Column(UTCDateTime, nullable=False)
    )
    graded_by_id: int | None = Field(
        default=None, sa_column=Column(Integer, ForeignKey("users.id"), nullable=True)
    )
    score: int
    grade: str = Field(sa_column=Column(String(1), nullable=False))
    breakdown: str = Field(sa_column=Column(Text, nullable=False))
    value_type: str | None = Field(default=None, sa_column=Column(String(16), nullable=True))
    personality: str | None = Field(default=None, sa_column=Column(String(20), nullable=True))
    rubric: str = Field(sa_column=Column(String(64), nullable=False))


ACTIVITY_KIND_CODES = ("call", "visit", "meeting", "email", "wechat", "note")


class Activity(SQLModel, table=True):
    """One logged contact with a lead (a call, a visit, ...) and the next step it set."""

    __tablename__ = "activities"
    __table_args__ = (
        CheckConstraint(_in_list("kind", ACTIVITY_KIND_CODES), name="kind"),
        # A lead's log in order; with the kind, its first contact from the index alone.
        Index("ix_activities_lead_occurred", "lead_id", "occurred_at", "kind"),
        Index("ix_activities_user_occurred", "user_id", "occurred_at"),
        # Reports count a period's activities by person and kind from the index alone.
        Index("ix_activities_occurred_user_kind", "occurred_at", "user_id", "kind"),
        # A period's activities of one kind (visits) by person: one narrow index range.
        Index("ix_activities_kind_occurred_user", "kind", "occurred_at", "user_id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    lead_id: int = Field(sa_column=Column(Integer, ForeignKey("leads.id"), nullable=False))
    customer_id: int = Field(
        sa_column=Column(Integer, ForeignKey("customers.id"), nullable=False, index=True)
    )
    user_id: int = Field(sa_column=Column(Integer, ForeignKey("users.id"), nullable=False))
    kind: str = Field(sa_column=Column(String(16), nullable=False))
    occurred_at: datetime = Field(sa_column=Column(UTCDateTime, nullable=False))
    summary: str = Field(sa_column=Column(Text, nullable=False))
    outcome: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    next_date: date | None = Field(default=None, sa_column=Column(Date, nullable=True))
    next_action: str | None = Field(default=None, sa_column=Column(String(200), nullable=True))
    created_at: datetime = Field(
        default_factory=utcnow, sa_column=Column(UTCDateTime, nullable=False)
    )


class StageChange(SQLModel, table=True):
    """One move of a lead between stages: from where, to where, when, by whom and why.

    ``from_stage`` is empty for the first entry. A lead's rows in ``changed_at`` order give
    when each stage was entered and left, hence days in stage and the sales cycle.
    """

    __tablename__ = "stage_changes"
    __table_args__ = (
        # A lead's history in order.
        Index("ix_stage_changes_lead_changed", "lead_id", "changed_at"),
        # Reports: a period's moves (from where to where, time in the stage left) read
        # from the index alone.
        Index(
            "ix_stage_changes_period",
            "changed_at",
            "from_stage",
            "to_stage",
            "lead_id",
            "from_entered_at",
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    lead_id: int = Field(
        sa_column=Column(Integer, ForeignKey("leads.id"), nullable=False, index=True)
    )
    from_stage: str | None = Field(default=None, sa_column=Column(String(16), nullable=True))
    to_stage: str = Field(sa_column=Column(String(16), nullable=False))
    changed_at: datetime = Field(
        default_factory=utcnow, sa_column=Column(UTCDateTime, nullable=False)
    )
    changed_by_id: int | None = Field(
        default=None, sa_column=Column(Integer, ForeignKey("users.id"), nullable=True)
    )
    note: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    # When the lead entered ``from_stage`` (the lead's ``stage_entered_at`` at the move),
    # so the time spent in a stage is ``changed_at - from_entered_at`` (empty for entries).
    from_entered_at: datetime | None = Field(
        default=None, sa_column=Column(UTCDateTime, nullable=True)
    )


class Product(SQLModel, table=True):
    """An item of the price list (价格表). ``sku_key`` is the SKU compared without case,
    width or spaces, so ``ab-1`` and ``AB-1`` cannot both exist."""

    __tablename__ = "products"
    __table_args__ = (
        CheckConstraint("list_price_fen >= 0", name="list_price"),
        CheckConstraint("tax_rate_bp BETWEEN 0 AND 10000", name="tax_rate"),
    )

    id: int | None = Field(default=None, primary_key=True)
    sku: str = Field(sa_column=Column(String(64), nullable=False))
    sku_key: str = Field(sa_column=Column(String(64), nullable=False, unique=True))
    name: str = Field(sa_column=Column(String(200), nullable=False, index=True))
    unit: str = Field(sa_column=Column(String(20), nullable=False))
    list_price_fen: int = Field(sa_column=Column(BigInteger, nullable=False))
    # Basis points: 1300 = 13% (China's standard VAT rate).
    tax_rate_bp: int = Field(default=1300, sa_column=Column(Integer, nullable=False))
    category: str | None = Field(
        default=None, sa_column=Column(String(64), nullable=True, index=True)
    )
    active: bool = Field(default=True)
    created_at: datetime = Field(
        default_factory=utcnow, sa_column=Column(UTCDateTime, nullable=False)
    )
    updated_at: datetime = Field(
        default_factory=utcnow, sa_column=Column(UTCDateTime, nullable=False)
    )


# Stored statuses; "expired" is not stored: an open quote past valid_until shows as expired.
QUOTE_STATUS_CODES = ("draft", "pending", "approved", "sent", "accepted", "rejected")
PAYMENT_TERM_CODES = ("cod", "advance", "net-30", "net-60", "installments", "other")


class Quote(SQLModel, table=True):
    """One version of a quotation (报价单). Versions of a quote share its ``number``; a
    revision adds version n+1 and stamps the old one ``superseded_at`` (read-only).

    The money columns are computed by :mod:`salesflow.workflow.quote_math` from the lines
    and stored, exact to the fen: ``list_value_fen`` (quantities at list prices),
    ``subtotal_fen`` (at the quoted unit prices), ``discount_fen`` (line and whole-quote
    discounts), ``tax_fen`` and ``total_fen`` (= subtotal - discount + tax).
    ``max_discount_bp`` is the largest effective discount below list price of any line,
    rounded up to a basis point: what approvals compare with a person's authority.
    """

    __tablename__ = "quotes"
    __table_args__ = (
        UniqueConstraint("number", "version", name="uq_quotes_number_version"),
        CheckConstraint(_in_list("status", QUOTE_STATUS_CODES), name="status"),
        CheckConstraint(_in_list("payment_terms", PAYMENT_TERM_CODES), name="payment_terms"),
        CheckConstraint("version >= 1", name="version"),
        CheckConstraint("discount_bp BETWEEN 0 AND 9999", name="discount"),
        CheckConstraint(
            "subtotal_fen >= 0 AND discount_fen >= 0 AND tax_fen >= 0 AND total_fen >= 0",
            name="amounts",
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    number: str = Field(sa_column=Column(String(20), nullable=False, index=True))
    version: int = Field(default=1, sa_column=Column(Integer, nullable=False))
    lead_id: int = Field(
        sa_column=Column(Integer, ForeignKey("leads.id"), nullable=False, index=True)
    )
    customer_id: int = Field(
        sa_column=Column(Integer, ForeignKey("customers.id"), nullable=False, index=True)
    )
    contact_id: int | None = Field(
        default=None,
        sa_column=Column(Integer, ForeignKey("contacts.id"), nullable=True, index=True),
    )
    owner_id: int | None = Field(
        default=None, sa_column=Column(Integer, ForeignKey("users.id"), nullable=True, index=True)
    )
    created_by_id: int | None = Field(
        default=None, sa_column=Column(Integer, ForeignKey("users.id"), nullable=True)
    )
    status: str = Field(default="draft", sa_column=Column(String(16), nullable=False, index=True))
    currency: str = Field(default="CNY", sa_column=Column(String(3), nullable=False))
    valid_until: date = Field(sa_column=Column(Date, nullable=False, index=True))
    payment_terms: str = Field(default="cod", sa_column=Column(String(16), nullable=False))
    payment_terms_note: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    delivery_terms: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    notes: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    # A discount on the whole quote, in basis points, applied to every line after its own.
    discount_bp: int = Field(default=0, sa_column=Column(Integer, nullable=False))
    list_value_fen: int = Field(default=0, sa_column=Column(BigInteger, nullable=False))
    subtotal_fen: int = Field(default=0, sa_column=Column(BigInteger, nullable=False))
    discount_fen: int = Field(default=0, sa_column=Column(BigInteger, nullable=False))
    tax_fen: int = Field(default=0, sa_column=Column(BigInteger, nullable=False))
    total_fen: int = Field(default=0, sa_column=Column(BigInteger, nullable=False))
    max_discount_bp: int = Field(default=0, sa_column=Column(Integer, nullable=False))
    created_at: datetime = Field(
        default_factory=utcnow, sa_column=Column(UTCDateTime, nullable=False)
    )
    updated_at: datetime = Field(
        default_factory=utcnow, sa_column=Column(UTCDateTime, nullable=False)
    )
    submitted_at: datetime | None = Field(
        default=None, sa_column=Column(UTCDateTime, nullable=True)
    )
    sent_at: datetime | None = Field(
        default=None, sa_column=Column(UTCDateTime, nullable=True, index=True)
    )
    decided_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime, nullable=True))
    reject_reason: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    superseded_at: datetime | None = Field(
        default=None, sa_column=Column(UTCDateTime, nullable=True)
    )


class QuoteLine(SQLModel, table=True):
    """One line of a quote version. SKU, name, unit, list price and tax rate are copied
    from the product, so the quote keeps what was quoted when the price list changes.
    ``quantity_milli`` is the quantity in thousandths (1.5 units = 1500)."""

    __tablename__ = "quote_lines"
    __table_args__ = (
        UniqueConstraint("quote_id", "position", name="uq_quote_lines_quote_position"),
        CheckConstraint("quantity_milli > 0", name="quantity"),
        CheckConstraint("list_price_fen >= 0 AND unit_price_fen >= 0", name="prices"),
        CheckConstraint("discount_bp BETWEEN 0 AND 9999", name="discount"),
        CheckConstraint("tax_rate_bp BETWEEN 0 AND 10000", name="tax_rate"),
    )

    id: int | None = Field(default=None, primary_key=True)
    quote_id: int = Field(
        sa_column=Column(
            Integer, ForeignKey("quotes.id", ondelete="CASCADE"), nullable=False, index=True
        )
    )
    position: int = Field(sa_column=Column(Integer, nullable=False))
    product_id: int = Field(
        sa_column=Column(Integer, ForeignKey("products.id"), nullable=False, index=True)
    )
    sku: str = Field(sa_column=Column(String(64), nullable=False))
    name: str = Field(sa_column=Column(String(200), nullable=False))
    unit: str = Field(sa_column=Column(String(20), nullable=False))
    quantity_milli: int = Field(sa_column=Column(BigInteger, nullable=False))
    list_price_fen: int = Field(sa_column=Column(BigInteger, nullable=False))
    unit_price_fen: int = Field(sa_column=Column(BigInteger, nullable=False))
    discount_bp: int = Field(default=0, sa_column=Column(Integer, nullable=False))
    tax_rate_bp: int = Field(sa_column=Column(Integer, nullable=False))
    subtotal_fen: int = Field(sa_column=Column(BigInteger, nullable=False))
    discount_fen: int = Field(sa_column=Column(BigInteger, nullable=False))
    tax_fen: int = Field(sa_column=Column(BigInteger, nullable=False))
    total_fen: int = Field(sa_column=Column(BigInteger, nullable=False))


APPROVAL_KIND_CODES = ("discount", "payment-terms", "contract")
APPROVAL_STATUS_CODES = ("pending", "approved", "rejected", "withdrawn")


class Approval(SQLModel, table=True):
    """A request for a decision by someone with enough authority (审批).

    ``required_role`` is the lowest role that may decide (a director may decide what a
    manager may). ``discount_bp`` is the discount asked for (kind discount); ``detail``
    says what else is asked (the payment terms). A pending request is withdrawn when its
    quote changes or is revised; nobody decides their own request.
    """

    __tablename__ = "approvals"
    __table_args__ = (
        CheckConstraint(_in_list("kind", APPROVAL_KIND_CODES), name="kind"),
        CheckConstraint(_in_list("status", APPROVAL_STATUS_CODES), name="status"),
        CheckConstraint(_in_list("required_role", ROLE_CODES), name="required_role"),
    )

    id: int | None = Field(default=None, primary_key=True)
    kind: str = Field(sa_column=Column(String(16), nullable=False))
    status: str = Field(default="pending", sa_column=Column(String(16), nullable=False, index=True))
    quote_id: int | None = Field(
        default=None, sa_column=Column(Integer, ForeignKey("quotes.id"), nullable=True, index=True)
    )
    contract_id: int | None = Field(
        default=None,
        sa_column=Column(Integer, ForeignKey("contracts.id"), nullable=True, index=True),
    )
    requested_by_id: int = Field(
        sa_column=Column(Integer, ForeignKey("users.id"), nullable=False, index=True)
    )
    requested_at: datetime = Field(
        default_factory=utcnow, sa_column=Column(UTCDateTime, nullable=False)
    )
    required_role: str = Field(sa_column=Column(String(16), nullable=False))
    discount_bp: int | None = None
    detail: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    decided_by_id: int | None = Field(
        default=None, sa_column=Column(Integer, ForeignKey("users.id"), nullable=True)
    )
    decided_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime, nullable=True))
    comment: str | None = Field(default=None, sa_column=Column(Text, nullable=True))


# Stored contract statuses (SPEC §3): draft -> legal-review -> pending (approval) ->
# approved -> sent -> signed -> archived; cancelled at any point before signing.
CONTRACT_STATUS_CODES = (
    "draft",
    "legal-review",
    "pending",
    "approved",
    "sent",
    "signed",
    "archived",
    "cancelled",
)


class Contract(SQLModel, table=True):
    """A contract (合同) made from one accepted quote version, numbered C-YYYY-NNNN.

    Lines and money are copied from the quote (:class:`ContractLine`), so the contract
    stays what was agreed. ``terms_text`` is rendered from a Jinja2 template when the
    contract is made. Signing stores the archived copy of the signed file and its SHA-256.
    """

    __tablename__ = "contracts"
    __table_args__ = (
        CheckConstraint(_in_list("status", CONTRACT_STATUS_CODES), name="status"),
        CheckConstraint(_in_list("payment_terms", PAYMENT_TERM_CODES), name="payment_terms"),
        CheckConstraint(
            "subtotal_fen >= 0 AND discount_fen >= 0 AND tax_fen >= 0 AND total_fen >= 0",
            name="amounts",
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    number: str = Field(sa_column=Column(String(20), nullable=False, unique=True))
    # One live contract per quote: a cancelled one does not block a new one (checked by
    # the workflow, which locks the lead first).
    quote_id: int = Field(
        sa_column=Column(Integer, ForeignKey("quotes.id"), nullable=False, index=True)
    )
    lead_id: int = Field(
        sa_column=Column(Integer, ForeignKey("leads.id"), nullable=False, index=True)
    )
    customer_id: int = Field(
        sa_column=Column(Integer, ForeignKey("customers.id"), nullable=False, index=True)
    )
    contact_id: int | None = Field(
        default=None,
        sa_column=Column(Integer, ForeignKey("contacts.id"), nullable=True, index=True),
    )
    owner_id: int | None = Field(
        default=None, sa_column=Column(Integer, ForeignKey("users.id"), nullable=True, index=True)
    )
    created_by_id: int | None = Field(
        default=None, sa_column=Column(Integer, ForeignKey("users.id"), nullable=True)
    )
    status: str = Field(default="draft", sa_column=Column(String(16), nullable=False, index=True))
    currency: str = Field(default="CNY", sa_column=Column(String(3), nullable=False))
    subtotal_fen: int = Field(default=0, sa_column=Column(BigInteger, nullable=False))
    discount_fen: int = Field(default=0, sa_column=Column(BigInteger, nullable=False))
    tax_fen: int = Field(default=0, sa_column=Column(BigInteger, nullable=False))
    total_fen: int = Field(default=0, sa_column=Column(BigInteger, nullable=False))
    payment_terms: str = Field(default="cod", sa_column=Column(String(16), nullable=False))
    payment_terms_note: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    delivery_terms: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    terms_text: str = Field(sa_column=Column(Text, nullable=False))
    template: str = Field(sa_column=Column(String(500), nullable=False))  # which one rendered it
    reviewed_by_id: int | None = Field(
        default=None, sa_column=Column(Integer, ForeignKey("users.id"), nullable=True)
    )
    reviewed_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime, nullable=True))
    review_comment: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    sent_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime, nullable=True))
    signed_on: date | None = Field(default=None, sa_column=Column(Date, nullable=True, index=True))
    signer: str | None = Field(default=None, sa_column=Column(String(100), nullable=True))
    signed_file: str | None = Field(default=None, sa_column=Column(String(500), nullable=True))
    signed_sha256: str | None = Field(default=None, sa_column=Column(String(64), nullable=True))
    signed_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime, nullable=True))
    cancelled_at: datetime | None = Field(
        default=None, sa_column=Column(UTCDateTime, nullable=True)
    )
    created_at: datetime = Field(
        default_factory=utcnow, sa_column=Column(UTCDateTime, nullable=False)
    )
    updated_at: datetime = Field(
        default_factory=utcnow, sa_column=Column(UTCDateTime, nullable=False)
    )


class ContractLine(SQLModel, table=True):
    """One line of a contract, copied from its quote's line."""

    __tablename__ = "contract_lines"
    __table_args__ = (
        UniqueConstraint("contract_id", "position", name="uq_contract_lines_contract_position"),
        CheckConstraint("quantity_milli > 0", name="quantity"),
    )

    id: int | None = Field(default=None, primary_key=True)
    contract_id: int = Field(
        sa_column=Column(
            Integer, ForeignKey("contracts.id", ondelete="CASCADE"), nullable=False, index=True
        )
    )
    position: int = Field(sa_column=Column(Integer, nullable=False))
    product_id: int = Field(sa_column=Column(Integer, ForeignKey("products.id"), nullable=False))
    sku: str = Field(sa_column=Column(String(64), nullable=False))
    name: str = Field(sa_column=Column(String(200), nullable=False))
    unit: str = Field(sa_column=Column(String(20), nullable=False))
    quantity_milli: int = Field(sa_column=Column(BigInteger, nullable=False))
    unit_price_fen: int = Field(sa_column=Column(BigInteger, nullable=False))
    discount_bp: int = Field(default=0, sa_column=Column(Integer, nullable=False))
    tax_rate_bp: int = Field(sa_column=Column(Integer, nullable=False))
    subtotal_fen: int = Field(sa_column=Column(BigInteger, nullable=False))
    discount_fen: int = Field(sa_column=Column(BigInteger, nullable=False))
    tax_fen: int = Field(sa_column=Column(BigInteger, nullable=False))
    total_fen: int = Field(sa_column=Column(BigInteger, nullable=False))


PAYMENT_EVENT_CODES = ("sign", "delivery")
PAYMENT_METHOD_CODES = ("bank", "cash", "other")


class PaymentDue(SQLModel, table=True):
    """One instalment of a contract's payment schedule (回款计划): a share of the total, due
    on a date or at an event (signing, delivery) whose date is filled in when it happens."""

    __tablename__ = "payment_dues"
    __table_args__ = (
        UniqueConstraint("contract_id", "position", name="uq_payment_dues_contract_position"),
        CheckConstraint("amount_fen > 0", name="amount"),
        CheckConstraint("share_bp IS NULL OR share_bp BETWEEN 1 AND 10000", name="share"),
        CheckConstraint(
            "due_event IS NULL OR " + _in_list("due_event", PAYMENT_EVENT_CODES), name="due_event"
        ),
        CheckConstraint("due_on IS NOT NULL OR due_event IS NOT NULL", name="when"),
    )

    id: int | None = Field(default=None, primary_key=True)
    contract_id: int = Field(
        sa_column=Column(
            Integer, ForeignKey("contracts.id", ondelete="CASCADE"), nullable=False, index=True
        )
    )
    position: int = Field(sa_column=Column(Integer, nullable=False))
    share_bp: int | None = None  # the share of the total it was planned as (3000 = 30%)
    amount_fen: int = Field(sa_column=Column(BigInteger, nullable=False))
    due_event: str | None = Field(default=None, sa_column=Column(String(16), nullable=True))
    due_on: date | None = Field(default=None, sa_column=Column(Date, nullable=True, index=True))


class PaymentReceipt(SQLModel, table=True):
    """Money received on a contract (回款)."""

    __tablename__ = "payment_receipts"
    __table_args__ = (
        CheckConstraint("amount_fen > 0", name="amount"),
        CheckConstraint(_in_list("method", PAYMENT_METHOD_CODES), name="method"),
    )

    id: int | None = Field(default=None, primary_key=True)
    contract_id: int = Field(
        sa_column=Column(Integer, ForeignKey("contracts.id"), nullable=False, index=True)
    )
    amount_fen: int = Field(sa_column=Column(BigInteger, nullable=False))
    received_on: date = Field(sa_column=Column(Date, nullable=False, index=True))
    method: str = Field(sa_column=Column(String(16), nullable=False))
    note: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    recorded_by_id: int | None = Field(
        default=None, sa_column=Column(Integer, ForeignKey("users.id"), nullable=True)
    )
    created_at: datetime = Field(
        default_factory=utcnow, sa_column=Column(UTCDateTime, nullable=False)
    )


VISIT_STATUS_CODES = ("scheduled", "done", "cancelled")


class ServiceVisit(SQLModel, table=True):
    """A return visit (回访) to a customer: scheduled (7 and 30 days after signing), and
    logged when done, with a satisfaction score from 1 to 5."""

    __tablename__ = "service_visits"
    __table_args__ = (
        CheckConstraint(_in_list("status", VISIT_STATUS_CODES), name="status"),
        CheckConstraint(
            "satisfaction IS NULL OR satisfaction BETWEEN 1 AND 5", name="satisfaction"
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    customer_id: int = Field(
        sa_column=Column(Integer, ForeignKey("customers.id"), nullable=False, index=True)
    )
    contract_id: int | None = Field(
        default=None, sa_column=Column(Integer, ForeignKey("contracts.id"), nullable=True)
    )
    user_id: int | None = Field(
        default=None, sa_column=Column(Integer, ForeignKey("users.id"), nullable=True, index=True)
    )
    status: str = Field(
        default="scheduled", sa_column=Column(String(16), nullable=False, index=True)
    )
    scheduled_on: date | None = Field(
        default=None, sa_column=Column(Date, nullable=True, index=True)
    )
    visited_on: date | None = Field(default=None, sa_column=Column(Date, nullable=True, index=True))
    satisfaction: int | None = None
    note: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    created_at: datetime = Field(
        default_factory=utcnow, sa_column=Column(UTCDateTime, nullable=False)
    )


TICKET_STATUS_CODES = ("open", "responded", "resolved")


class ServiceTicket(SQLModel, table=True):
    """A complaint or issue (投诉/工单) with a first-response deadline (24 hours by default)."""

    __tablename__ = "service_tickets"
    __table_args__ = (CheckConstraint(_in_list("status", TICKET_STATUS_CODES), name="status"),)

    id: int | None = Field(default=None, primary_key=True)
    customer_id: int = Field(
        sa_column=Column(Integer, ForeignKey("customers.id"), nullable=False, index=True)
    )
    contract_id: int | None = Field(
        default=None, sa_column=Column(Integer, ForeignKey("contracts.id"), nullable=True)
    )
    title: str = Field(sa_column=Column(String(200), nullable=False))
    description: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    status: str = Field(default="open", sa_column=Column(String(16), nullable=False, index=True))
    opened_by_id: int | None = Field(
        default=None, sa_column=Column(Integer, ForeignKey("users.id"), nullable=True)
    )
    assignee_id: int | None = Field(
        default=None, sa_column=Column(Integer, ForeignKey("users.id"), nullable=True, index=True)
    )
    opened_at: datetime = Field(
        default_factory=utcnow, sa_column=Column(UTCDateTime, nullable=False, index=True)
    )
    response_due_at: datetime = Field(sa_column=Column(UTCDateTime, nullable=False, index=True))
    first_response_at: datetime | None = Field(
        default=None, sa_column=Column(UTCDateTime, nullable=True)
    )
    first_response: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    resolved_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime, nullable=True))
    resolution: str | None = Field(default=None, sa_column=Column(Text, nullable=True))


class ReferralAsk(SQLModel, table=True):
    """A request to a customer for referrals (请客户转介绍)."""

    __tablename__ = "referral_asks"

    id: int | None = Field(default=None, primary_key=True)
    customer_id: int = Field(
        sa_column=Column(Integer, ForeignKey("customers.id"), nullable=False, index=True)
    )
    asked_by_id: int | None = Field(
        default=None, sa_column=Column(Integer, ForeignKey("users.id"), nullable=True)
    )
    asked_on: date = Field(sa_column=Column(Date, nullable=False))
    note: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    created_at: datetime = Field(
        default_factory=utcnow, sa_column=Column(UTCDateTime, nullable=False)
    )


class ReferralThanks(SQLModel, table=True):
    """Thanks given to a referrer for a lead they brought (one row per referred lead)."""

    __tablename__ = "referral_thanks"

    id: int | None = Field(default=None, primary_key=True)
    referrer_customer_id: int = Field(
        sa_column=Column(Integer, ForeignKey("customers.id"), nullable=False, index=True)
    )
    lead_id: int = Field(
        sa_column=Column(Integer, ForeignKey("leads.id"), nullable=False, unique=True)
    )
    thanked_by_id: int | None = Field(
        default=None, sa_column=Column(Integer, ForeignKey("users.id"), nullable=True)
    )
    thanked_on: date = Field(sa_column=Column(Date, nullable=False))
    note: str | None = Field(default=None, sa_column=Column(Text, nullable=True))


class Target(SQLModel, table=True):
    """A sales target (销售目标): the contract value a person or a team should sign in a
    period. ``period`` is its key as typed: ``2026-W47``, ``2026-11``, ``2026-Q4`` or
    ``2026``; ``starts_on`` and ``ends_on`` are its first and last day (both included).

    Exactly one of ``user_id`` (a person) and ``team_id`` (a team: the manager or director
    at its head and everyone below them) is set; one target per subject and period.
    """

    __tablename__ = "targets"
    __table_args__ = (
        UniqueConstraint("user_id", "period", name="uq_targets_user_period"),
        UniqueConstraint("team_id", "period", name="uq_targets_team_period"),
        CheckConstraint("amount_fen >= 0", name="amount"),
        CheckConstraint("(user_id IS NULL) <> (team_id IS NULL)", name="subject"),
        CheckConstraint("starts_on <= ends_on", name="dates"),
    )

    id: int | None = Field(default=None, primary_key=True)
    user_id: int | None = Field(
        default=None, sa_column=Column(Integer, ForeignKey("users.id"), nullable=True)
    )
    team_id: int | None = Field(
        default=None, sa_column=Column(Integer, ForeignKey("users.id"), nullable=True)
    )
    period: str = Field(sa_column=Column(String(10), nullable=False, index=True))
    starts_on: date = Field(sa_column=Column(Date, nullable=False, index=True))
    ends_on: date = Field(sa_column=Column(Date, nullable=False))
    amount_fen: int = Field(sa_column=Column(BigInteger, nullable=False))
    set_by_id: int | None = Field(
        default=None, sa_column=Column(Integer, ForeignKey("users.id"), nullable=True)
    )
    created_at: datetime = Field(
        default_factory=utcnow, sa_column=Column(UTCDateTime, nullable=False)
    )
    updated_at: datetime = Field(
        default_factory=utcnow, sa_column=Column(UTCDateTime, nullable=False)
    )
