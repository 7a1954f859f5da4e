"""An import batch: the records one ``lead import`` wrote, listed and undone as a whole.

:func:`write_batch` writes the valid rows of an import through the bulk path
(:mod:`salesflow.store.bulk`): one ``import_batches`` row, then the customers, contacts and
leads in chunks, each carrying the batch id, each lead's first stage-history row (its entry,
:func:`~salesflow.workflow.pipeline_moves.entry_change`: the stage it starts at, entered on
its closed date if won or lost, else its created date, by the importing user), and one
audit event for the whole batch (who, which file, how many rows). :func:`undo_import`
removes them again, unless later work now depends on them (a lead added to an imported
customer, a grading, a stage move, an edit): undoing would silently lose that work, so it
is refused naming the record. The import's own entry rows are not later work: they are
the rows of its leads without a ``from_stage``, which no move writes.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Table, or_
from sqlalchemy import select as sa_select
from sqlmodel import Session, SQLModel, col, func, select

from salesflow.i18n import N_, _, format_datetime
from salesflow.store.audit import record_event
from salesflow.store.bulk import delete_where, insert_many
from salesflow.store.models import Contact, Customer, ImportBatch, Lead, StageChange, User
from salesflow.workflow.companies import company_key
from salesflow.workflow.errors import NotFound, PermissionDenied, Refused
from salesflow.workflow.import_checks import chunks
from salesflow.workflow.lead_input import CleanLead
from salesflow.workflow.pipeline_moves import entered_at, entry_change, lifecycle_for
from salesflow.workflow.record_ids import storable
from salesflow.workflow.stage_config import load_stages
from salesflow.workflow.visibility import scope_for

ProgressFn = Callable[[int, int], None]
WRITE_CHUNK = 2000


@dataclass(frozen=True, slots=True)
class PlannedLead:
    """A valid row of an import, ready to be written."""

    row: int
    clean: CleanLead
    owner_id: int | None
    cells: tuple[str | None, ...] = ()
    # A further deal of the customer that an earlier row adds: that row's number (else
    # None: this row adds its own customer). Likewise the earlier row whose contact this
    # row's lead reuses (else None: the row adds its own contact, if it names one).
    customer_row: int | None = None
    contact_row: int | None = None


@dataclass(frozen=True)
class BatchCounts:
    """What the batch records about its file."""

    file_name: str
    rows: int
    duplicate: int
    invalid: int


def _referrers(session: Session, accepted: Sequence[PlannedLead]) -> dict[str, int]:
    """Referrers that are customers already, by the referrer text: linked, not just named."""
    keys = {p.clean.referrer: company_key(p.clean.referrer) for p in accepted if p.clean.referrer}
    by_key: dict[str, int] = {}
    for part in chunks(sorted(set(keys.values()))):
        statement = (
            select(Customer.name_key, func.min(Customer.id))
            .where(col(Customer.name_key).in_(part))
            .group_by(col(Customer.name_key))
        )
        by_key.update({key: cid for key, cid in session.exec(statement) if cid is not None})
    return {text: by_key[key] for text, key in keys.items() if key in by_key}


def _blank(model: Any) -> dict[str, Any]:
    """Every nullable column of ``model`` as None, so all rows of a bulk insert match."""
    return {c.name: None for c in model.__table__.columns if c.nullable and c.name != "id"}


def write_batch(
    session: Session,
    actor: User,
    accepted: Sequence[PlannedLead],
    *,
    counts: BatchCounts,
    moment: datetime,
    progress: ProgressFn | None = None,
) -> int:
    """Write valid rows as one import batch with one audit event; returns the batch id."""
    total = len(accepted)
    (batch_id,) = insert_many(
        session,
        ImportBatch,
        [
            {
                "created_at": moment,
                "created_by_id": actor.id,
                "file_name": counts.file_name[:255],
                "rows": counts.rows,
                "leads_added": total,
                "rejected": counts.duplicate + counts.invalid,
                "undone_at": None,
                "undone_by_id": None,
            }
        ],
    )
    customer_base, contact_base, lead_base = _blank(Customer), _blank(Contact), _blank(Lead)
    done = 0

    def advance(rows: int) -> None:
        nonlocal done
        done += rows
        if progress is not None:
            progress(done, 3 * total)

    # One customer per row that adds one; a further deal joins its earlier row's customer.
    stages: dict[int, list[str | None]] = {}
    in_use = load_stages()
    for planned in accepted:
        stages.setdefault(planned.customer_row or planned.row, []).append(planned.clean.stage)
    adding = [p for p in accepted if p.customer_row is None]
    customer_of: dict[int, int] = {}
    for part in chunks(adding, WRITE_CHUNK):
        ids = insert_many(
            session,
            Customer,
            [
                _customer_row(
                    customer_base, p, batch_id, moment, lifecycle_for(stages[p.row], in_use)
                )
                for p in part
            ],
        )
        customer_of.update(zip((p.row for p in part), ids, strict=True))
        advance(len(part))
    advance(total - len(adding))
    contact_of: dict[int, int] = {}
    named = [p for p in accepted if p.clean.contact and p.contact_row is None]
    for part in chunks(named, WRITE_CHUNK):
        ids = insert_many(
            session,
            Contact,
            [
                _contact_row(
                    contact_base, p, customer_of[p.customer_row or p.row], batch_id, moment
                )
                for p in part
            ],
        )
        contact_of.update(zip((p.row for p in part), ids, strict=True))
    advance(total)
    # After the customers, so a referrer named earlier or later in the same file is linked.
    referrers = _referrers(session, accepted)
    for part in chunks(accepted, WRITE_CHUNK):
        lead_ids = insert_many(
            session,
            Lead,
            [
                _lead_row(
                    lead_base,
                    p,
                    customer_of[p.customer_row or p.row],
                    contact_of.get(p.contact_row or p.row),
                    referrers=referrers,
                    actor=actor,
                    batch_id=batch_id,
                    moment=moment,
                )
                for p in part
            ],
        )
        insert_many(
            session,
            StageChange,
            [
                entry_change(
                    lead_id,
                    stage=p.clean.stage or "new",
                    created_at=p.clean.created_at or moment,
                    closed_at=p.clean.closed_at,
                    by_id=actor.id,
                )
                for lead_id, p in zip(lead_ids, part, strict=True)
            ],
        )
        advance(len(part))
    record_event(
        session,
        action="import",
        entity="import_batches",
        entity_id=str(batch_id),
        summary=(
            f"{counts.file_name}: {counts.rows} rows, {total} leads added, "
            f"{counts.duplicate} duplicate, {counts.invalid} invalid"
        ),
    )
    session.flush()
    return batch_id


def _customer_row(
    base: dict[str, Any], planned: PlannedLead, batch_id: int, moment: datetime, lifecycle: str
) -> dict[str, Any]:
    clean = planned.clean
    region = clean.region
    assert clean.company is not None
    assert clean.name_key is not None
    return {
        **base,
        "name": clean.company,
        "name_key": clean.name_key,
        "name_block": clean.name_block or clean.name_key[:2],
        "industry": clean.industry,
        "employees": clean.employees,
        "founded_year": clean.founded_year,
        "province": region.province if region else None,
        "city": region.city if region else None,
        "county": region.county if region else None,
        "region_code": region.code if region else None,
        "owner_id": planned.owner_id,
        "lifecycle": lifecycle,
        "created_at": clean.created_at or moment,
        "import_batch_id": batch_id,
    }


def _contact_row(
    base: dict[str, Any], planned: PlannedLead, customer_id: int, batch_id: int, moment: datetime
) -> dict[str, Any]:
    clean = planned.clean
    return {
        **base,
        "customer_id": customer_id,
        "name": clean.contact,
        "title": clean.title,
        "phone": clean.phone,
        "email": clean.email,
        "wechat": clean.wechat,
        "decision_maker": False,
        "created_at": clean.created_at or moment,
        "import_batch_id": batch_id,
    }


def _lead_row(
    base: dict[str, Any],
    planned: PlannedLead,
    customer_id: int,
    contact_id: int | None,
    *,
    referrers: dict[str, int],
    actor: User,
    batch_id: int,
    moment: datetime,
) -> dict[str, Any]:
    clean = planned.clean
    referrer_id = referrers.get(clean.referrer) if clean.referrer else None
    return {
        **base,
        "customer_id": customer_id,
        "contact_id": contact_id,
        "need": clean.need,
        "source": clean.source or "other",
        "referrer_customer_id": referrer_id,
        "referrer_name": clean.referrer if referrer_id is None else None,
        "stage": clean.stage or "new",
        "amount_fen": clean.amount_fen,
        "expected_close": clean.expected_close,
        "lost_reason": clean.lost_reason,
        "competitor": clean.competitor,
        "external_ref": clean.external_ref,
        "owner_id": planned.owner_id,
        "created_by_id": actor.id,
        "notes": clean.notes,
        "created_at": clean.created_at or moment,
        "updated_at": moment,
        "closed_at": clean.closed_at,
        "stage_entered_at": entered_at(
            clean.stage or "new", clean.created_at or moment, clean.closed_at
        ),
        "import_batch_id": batch_id,
    }


@dataclass(frozen=True)
class BatchSummary:
    """One import as ``lead import --list`` shows it."""

    batch: int
    created_at: datetime
    user: str
    file: str
    rows: int
    leads_added: int
    rejected: int
    undone_at: datetime | None
    undone_by: str | None


def list_batches(session: Session, actor: User, *, limit: int = 50) -> list[BatchSummary]:
    """The newest imports the actor may see: their own, their team's, or all."""
    scope = scope_for(session, actor)
    statement = (
        select(ImportBatch)
        .where(scope.owner_clause(col(ImportBatch.created_by_id), include_unassigned=False))
        .order_by(col(ImportBatch.id).desc())
        .limit(limit)
    )
    batches = session.exec(statement).all()
    users = {uid: name for uid, name in session.exec(select(User.id, User.username)) if uid}
    return [
        BatchSummary(
            batch=b.id or 0,
            created_at=b.created_at,
            user=users.get(b.created_by_id, str(b.created_by_id)),
            file=b.file_name,
            rows=b.rows,
            leads_added=b.leads_added,
            rejected=b.rejected,
            undone_at=b.undone_at,
            undone_by=users.get(b.undone_by_id) if b.undone_by_id else None,
        )
        for b in batches
    ]


@dataclass(frozen=True)
class UndoResult:
    batch: int
    file_name: str
    leads: int
    contacts: int
    customers: int


# What people call the rows of each table in a refusal.
RECORD_NAMES = {
    "customers": N_("customer"),
    "contacts": N_("contact"),
    "leads": N_("lead"),
    "lead_grades": N_("grading"),
    "stage_changes": N_("stage change"),
    "activities": N_("activity"),
}
BATCH_TABLES = ("leads", "contacts", "customers")
# Tables where the import wrote rows of its own, with which of their rows are later work:
# a stage change with a from_stage is a move; the import's entry rows have none.
LATER_WORK: dict[str, Callable[[Table], Any]] = {
    "stage_changes": lambda table: table.c.from_stage.is_not(None),
}


def _record_name(table: str) -> str:
    english = RECORD_NAMES.get(table)
    return _(english) if english else table


def _dependent(session: Session, batch_id: int) -> tuple[str, Any, str, Any] | None:
    """A record outside the batch that refers to one of its records, if any.

    Every foreign key of every table to customers, contacts or leads is checked, so tables
    added later (activities, quotes, ...) are covered without change here.
    """
    for table in SQLModel.metadata.sorted_tables:
        for foreign_key in sorted(table.foreign_keys, key=lambda fk: fk.parent.name):
            target: Table = foreign_key.column.table
            if target.name not in BATCH_TABLES or foreign_key.column.name != "id":
                continue
            imported = sa_select(target.c.id).where(target.c.import_batch_id == batch_id)
            (key,) = table.primary_key.columns
            statement = sa_select(key, foreign_key.parent).where(foreign_key.parent.in_(imported))
            if table.name in BATCH_TABLES:
                statement = statement.where(
                    or_(table.c.import_batch_id.is_(None), table.c.import_batch_id != batch_id)
                )
            if table.name in LATER_WORK:
                statement = statement.where(LATER_WORK[table.name](table))
            found = session.connection().execute(statement.order_by(key).limit(1)).first()
            if found is not None:
                return table.name, found[0], target.name, found[1]
    return None


def _may_undo(session: Session, actor: User, batch: ImportBatch) -> bool:
    """The batch's creator, their managers up the team tree, a director or an admin."""
    scope = scope_for(session, actor)
    return scope.owner_ids is None or batch.created_by_id in scope.owner_ids


def undo_import(session: Session, actor: User, batch_id: int) -> UndoResult:
    """Remove everything an import added; refused when later work depends on it."""
    batch = session.get(ImportBatch, batch_id, with_for_update=True) if storable(batch_id) else None
    if batch is None or not scope_for(session, actor).can_see(batch.created_by_id):
        raise NotFound(
            _("No import batch {id}.").format(id=batch_id),
            hint=_("'salesflow lead import --list' shows the imports."),
        )
    if not _may_undo(session, actor, batch):
        raise PermissionDenied(
            _(
                "Only whoever imported batch {id}, their managers, a director or an admin "
                "may undo it."
            ).format(id=batch_id)
        )
    if batch.undone_at is not None:
        who = session.get(User, batch.undone_by_id) if batch.undone_by_id else None
        raise Refused(
            _("Import batch {id} was already undone on {when} by {who}.").format(
                id=batch_id,
                when=format_datetime(batch.undone_at),
                who=who.username if who else "-",
            )
        )
    dependent = _dependent(session, batch_id)
    if dependent is not None:
        table, record_id, target, target_id = dependent
        raise Refused(
            _(
                "Import batch {id} cannot be undone: {record} {record_id} was added since and "
                "refers to its {target} {target_id}."
            ).format(
                id=batch_id,
                record=_record_name(table),
                record_id=record_id,
                target=_record_name(target),
                target_id=target_id,
            ),
            hint=_("Remove or move that record first; undo removes only what the import added."),
        )
    changed = session.exec(
        select(Lead.id)
        .where(Lead.import_batch_id == batch_id, col(Lead.updated_at) > batch.created_at)
        .order_by(col(Lead.id))
    ).first()
    if changed is not None:
        raise Refused(
            _(
                "Import batch {id} cannot be undone: lead {lead} was changed after the import."
            ).format(id=batch_id, lead=changed),
            hint=_("Undo would lose that work; remove the leads you no longer want one by one."),
        )
    imported = select(Lead.id).where(Lead.import_batch_id == batch_id)
    delete_where(session, StageChange, col(StageChange.lead_id).in_(imported))
    leads = delete_where(session, Lead, col(Lead.import_batch_id) == batch_id)
    contacts = delete_where(session, Contact, col(Contact.import_batch_id) == batch_id)
    customers = delete_where(session, Customer, col(Customer.import_batch_id) == batch_id)
    batch.undone_at = datetime.now(UTC)
    batch.undone_by_id = actor.id
    session.add(batch)
    record_event(
        session,
        action="undo",
        entity="import_batches",
        entity_id=str(batch_id),
        summary=(
            f"{batch.file_name}: removed {leads} leads, {contacts} contacts, {customers} customers"
        ),
    )
    session.flush()
    return UndoResult(batch_id, batch.file_name, leads, contacts, customers)
