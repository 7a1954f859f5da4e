"""First run: the first admin, and the sample data from sample_data/.

The sample is the team (users.csv), 240 leads (leads.csv, loaded through the lead importer
like any other CRM export), grading inputs for most of them (grades.csv, applied through
the grading rubric), their activity log (activities.csv) and the price list (products.csv,
loaded through the product importer). Its dates are shifted so that
the anchor date of manifest.toml becomes today: the sample always looks current.

The activities are written in bulk (:mod:`salesflow.store.bulk`) with one audit event for
the whole log, like an import batch, and each lead's ``last_activity_at``, first contact
(``first_contact_at``) and next step are then set from its activities in one UPDATE.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import Table, exists, update
from sqlalchemy import select as sa_select
from sqlmodel import Session, col, func, select

from salesflow.i18n import _
from salesflow.store.audit import record_event, set_actor
from salesflow.store.bulk import insert_many
from salesflow.store.models import ACTIVITY_KIND_CODES, Activity, Lead, User
from salesflow.workflow.errors import ConfigurationError, PermissionDenied
from salesflow.workflow.first_contact import first_contact_of
from salesflow.workflow.identity import find_user, resolve_actor
from salesflow.workflow.roles import MANAGES_USERS, role_label
from salesflow.workflow.sample_deals import SampleDeals, load_sample_deals
from salesflow.workflow.sample_history import load_sample_history
from salesflow.workflow.users import add_user


@dataclass(frozen=True)
class SetupResult:
    acting: str
    admin_created: bool
    admins: list[str]
    sample_users_added: list[str]
    sample_leads_added: int = 0
    sample_leads_graded: int = 0
    sample_activities_logged: int = 0
    sample_batch_id: int | None = field(default=None)
    sample_products_added: int = 0
    sample_deals: SampleDeals | None = None
    sample_stage_moves: int = 0


def sample_data_dir() -> Path:
    """sample_data/ as installed in the package, or beside it in a source checkout."""
    package_dir = Path(__file__).resolve().parent.parent
    for candidate in (package_dir / "sample_data", package_dir.parent / "sample_data"):
        if candidate.is_dir():
            return candidate
    raise ConfigurationError(_("The sample data folder is missing from this installation."))


def load_sample_team(session: Session, actor: User, path: Path | None = None) -> list[str]:
    """Add the users of sample_data/users.csv that do not exist yet (safe to repeat)."""
    source = path or sample_data_dir() / "users.csv"
    added: list[str] = []
    with source.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            if find_user(session, row["username"]) is not None:
                continue
            add_user(
                session,
                actor,
                username=row["username"],
                role=row["role"],
                display_name=row["display_name"] or None,
                manager=row["manager"] or None,
            )
            added.append(row["username"])
    return added


SAMPLE_DATE_COLUMNS = ("created_at", "closed_at", "expected_close")
SAMPLE_REF_PREFIX = "SF-"


@dataclass(frozen=True)
class SampleLeads:
    added: int
    graded: int
    batch_id: int | None
    activities: int = 0


def sample_anchor(folder: Path) -> date:
    import tomllib

    with (folder / "manifest.toml").open("rb") as handle:
        manifest = tomllib.load(handle)
    return date.fromisoformat(str(manifest["anchor_date"]))


def shift_dates(row: dict[str, str], days: int) -> dict[str, str]:
    """The row with its date columns moved by ``days`` (empty cells stay empty)."""
    moved = dict(row)
    for column in SAMPLE_DATE_COLUMNS:
        value = (row.get(column) or "").strip()
        if value:
            moved[column] = (date.fromisoformat(value) + timedelta(days=days)).isoformat()
    return moved


def load_sample_leads(
    session: Session, actor: User, *, today: date | None = None, folder: Path | None = None
) -> SampleLeads:
    """Import sample_data/leads.csv and grade the leads of grades.csv (once: safe to repeat)."""
    from salesflow.workflow.grading import grade_lead
    from salesflow.workflow.imports import run_import
    from salesflow.workflow.lead_files import table_from_rows

    loaded = session.exec(
        select(Lead.id).where(col(Lead.external_ref).startswith(SAMPLE_REF_PREFIX)).limit(1)
    ).first()
    if loaded is not None:
        return SampleLeads(added=0, graded=0, batch_id=None)
    source = folder or sample_data_dir()
    day = today or datetime.now().astimezone().date()
    days = (day - sample_anchor(source)).days
    with (source / "leads.csv").open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        headers = list(reader.fieldnames or [])
        rows = [shift_dates(row, days) for row in reader]
    refs = {row.get("external_ref", "") for row in rows}
    table = table_from_rows(
        "sample_data/leads.csv", headers, [[row.get(h, "") for h in headers] for row in rows]
    )
    result = run_import(session, actor, table, now=datetime.now(UTC))
    ids = dict(
        session.exec(
            select(Lead.external_ref, Lead.id).where(
                col(Lead.external_ref).startswith(SAMPLE_REF_PREFIX)
            )
        ).all()
    )
    graded = 0
    with (source / "grades.csv").open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            lead_id = ids.get(row["external_ref"])
            if lead_id is None:
                continue
            grade_lead(
                session,
                actor,
                lead_id,
                budget=row["budget"],
                need_fit=row["need_fit"],
                likelihood=row["likelihood"],
                decision_maker=row["decision_maker"].strip().lower() in {"yes", "true", "1"},
                value_type=row["value_type"] or None,
                personality=row["personality"] or None,
                today=day,
            )
            graded += 1
    logged = 0
    if result.batch_id is not None:
        logged = load_sample_activities(
            session, source / "activities.csv", refs=refs, batch_id=result.batch_id, days=days
        )
    return SampleLeads(
        added=result.plan.new, graded=graded, batch_id=result.batch_id, activities=logged
    )


def load_sample_products(session: Session, actor: User, *, folder: Path | None = None) -> int:
    """Import sample_data/products.csv into an empty price list; returns how many were added.

    A price list that already has products is left alone (so loading again changes nothing,
    and a company's own price list never gets sample products mixed in).
    """
    from salesflow.store.models import Product
    from salesflow.workflow.products import import_products, read_price_file

    if session.exec(select(Product.id).limit(1)).first() is not None:
        return 0
    source = folder or sample_data_dir()
    price_file = read_price_file(source / "products.csv")
    price_file.name = "sample_data/products.csv"
    return import_products(session, actor, price_file).added


ACTIVITY_COLUMNS = (
    "lead",
    "user",
    "kind",
    "occurred_at",
    "summary",
    "outcome",
    "next_date",
    "next_action",
)
ACTIVITY_TIME_FORMAT = "%Y-%m-%d %H:%M"


def _broken(path: Path, line: int, problem: str) -> ConfigurationError:
    return ConfigurationError(
        _("The sample file {path} is broken at line {line}: {problem}").format(
            path=path, line=line, problem=problem
        ),
        hint=_("Reinstall salesflow; the sample data comes with it."),
    )


def read_sample_activities(
    path: Path, *, refs: set[str], users: dict[str, int], days: int
) -> list[dict[str, Any]]:
    """The rows of activities.csv, checked and moved by ``days``.

    Each row's ``lead`` stays its external_ref (the caller links it to the lead); the
    local ``occurred_at`` becomes UTC. An unknown lead, user or kind, or a bad date, is a
    ConfigurationError naming the file and line: a broken install must fail clearly.
    """
    checked: list[dict[str, Any]] = []
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        missing = [c for c in ACTIVITY_COLUMNS if c not in (reader.fieldnames or [])]
        if missing:
            raise _broken(path, 1, _("missing columns {names}.").format(names=", ".join(missing)))
        for row in reader:
            line = reader.line_num
            ref, username, kind = row["lead"], row["user"], row["kind"]
            if ref not in refs:
                raise _broken(path, line, _("unknown lead {ref}.").format(ref=ref))
            if username not in users:
                raise _broken(path, line, _("unknown user {name}.").format(name=username))
            if kind not in ACTIVITY_KIND_CODES:
                raise _broken(path, line, _("unknown activity kind {kind}.").format(kind=kind))
            try:
                local = datetime.strptime(row["occurred_at"], ACTIVITY_TIME_FORMAT)
                next_text = (row["next_date"] or "").strip()
                next_date = date.fromisoformat(next_text) if next_text else None
            except ValueError:
                raise _broken(
                    path,
                    line,
                    _("bad date in {value}.").format(
                        value=f"{row['occurred_at']!r} / {row['next_date']!r}"
                    ),
                ) from None
            summary = (row["summary"] or "").strip()
            if not summary:
                raise _broken(path, line, _("the summary is empty."))
            checked.append(
                {
                    "lead": ref,
                    "user_id": users[username],
                    "kind": kind,
                    # Local wall-clock time, in this computer's time zone, as UTC.
                    "occurred_at": (local + timedelta(days=days)).astimezone().astimezone(UTC),
                    "summary": summary,
                    "outcome": (row["outcome"] or "").strip() or None,
                    "next_date": next_date + timedelta(days=days) if next_date else None,
                    "next_action": (row["next_action"] or "").strip() or None,
                }
            )
    return checked


def load_sample_activities(
    session: Session, path: Path, *, refs: set[str], batch_id: int, days: int
) -> int:
    """Log activities.csv on the leads of the sample's import batch; returns how many.

    Called once, right after the batch was imported. A row whose lead the import skipped
    (a duplicate of a lead already in the database) is skipped with it.
    """
    users = {
        name: uid for name, uid in session.exec(select(User.username, User.id)) if uid is not None
    }
    rows = read_sample_activities(path, refs=refs, users=users, days=days)
    leads = {
        ref: (lead_id, customer_id)
        for ref, lead_id, customer_id in session.exec(
            select(Lead.external_ref, Lead.id, Lead.customer_id).where(
                Lead.import_batch_id == batch_id
            )
        )
        if ref is not None and lead_id is not None
    }
    now = datetime.now(UTC)
    records: list[dict[str, Any]] = []
    for row in rows:
        ref = row.pop("lead")
        if ref not in leads:
            continue
        lead_id, customer_id = leads[ref]
        records.append({**row, "lead_id": lead_id, "customer_id": customer_id, "created_at": now})
    insert_many(session, Activity, records)
    touched = _set_next_steps(session, batch_id)
    record_event(
        session,
        action="import",
        entity="activities",
        entity_id=str(batch_id),
        summary=(
            f"{path.name}: {len(records)} activities logged on {touched} leads of import "
            f"batch {batch_id}; their next steps, last activity and first contact set"
        ),
    )
    session.flush()
    return len(records)


def _set_next_steps(session: Session, batch_id: int) -> int:
    """Each lead of the batch with activities: ``last_activity_at`` from its newest one,
    ``first_contact_at`` from its earliest that is not a note, the next step from its
    latest; one UPDATE, computed in the database."""
    leads: Table = Lead.__table__  # type: ignore[attr-defined]
    activities: Table = Activity.__table__  # type: ignore[attr-defined]
    own = activities.c.lead_id == leads.c.id
    newest = sa_select(func.max(activities.c.occurred_at)).where(own).correlate(leads)

    def latest(column: Any) -> Any:
        return (
            sa_select(column)
            .where(own)
            .order_by(activities.c.occurred_at.desc(), activities.c.id.desc())
            .limit(1)
            .correlate(leads)
            .scalar_subquery()
        )

    statement = (
        update(leads)
        .where(leads.c.import_batch_id == batch_id, exists().where(own))
        .values(
            last_activity_at=newest.scalar_subquery(),
            first_contact_at=first_contact_of(leads),
            next_step_date=latest(activities.c.next_date),
            next_step_action=latest(activities.c.next_action),
        )
    )
    # Through the connection, like the bulk inserts: the audited session refuses bulk
    # statements, and the caller records one audit event for the whole log.
    return int(session.connection().execute(statement).rowcount or 0)


def initialize(
    session: Session,
    *,
    username: str,
    source: str,
    sample: bool,
    sample_leads: bool = True,
) -> SetupResult:
    """Make ``username`` the first admin of an empty database, and load the sample data.

    ``sample`` loads the sample team and, with ``sample_leads``, its leads, grades,
    activities and price list.

    On a database that already has users nothing is created for free: the acting user must
    exist and be active, and only an admin may load the sample team.
    """
    created = session.exec(select(func.count()).select_from(User)).one() == 0
    if created:
        actor = add_user(session, None, username=username, role="admin", display_name=username)
    else:
        actor = resolve_actor(session, username, source=source)
    added: list[str] = []
    leads = SampleLeads(added=0, graded=0, batch_id=None)
    products = 0
    deals: SampleDeals | None = None
    moves = 0
    if sample:
        if actor.role not in MANAGES_USERS:
            raise PermissionDenied(
                _("Only an admin can load the sample team; you are {role}.").format(
                    role=role_label(actor.role)
                )
            )
        set_actor(session, actor.id)
        added = load_sample_team(session, actor)
        if sample_leads:
            leads = load_sample_leads(session, actor)
            products = load_sample_products(session, actor)
            if leads.batch_id is not None:
                moves = load_sample_history(session, leads.batch_id)
                deals = load_sample_deals(
                    session, leads.batch_id, today=datetime.now().astimezone().date()
                )
    admins = session.exec(
        select(User.username)
        .where(User.role == "admin", col(User.active).is_(True))
        .order_by(col(User.id))
    ).all()
    return SetupResult(
        acting=actor.username,
        admin_created=created,
        admins=list(admins),
        sample_users_added=added,
        sample_leads_added=leads.added,
        sample_leads_graded=leads.graded,
        sample_activities_logged=leads.activities,
        sample_batch_id=leads.batch_id,
        sample_products_added=products,
        sample_deals=deals,
        sample_stage_moves=moves,
    )
