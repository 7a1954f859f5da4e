"""First run: the first admin, and the sample data from sample_data/.

The sample is the team (users.csv), 240 leads (leads.csv, loaded through the lead importer
like any other CRM export) and grading inputs for most of them (grades.csv, applied through
the grading rubric). Its dates are shifted so that the anchor date of manifest.toml becomes
today: the sample always looks current.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from sqlmodel import Session, col, func, select

from salesflow.i18n import _
from salesflow.store.audit import set_actor
from salesflow.store.models import Lead, User
from salesflow.workflow.errors import ConfigurationError, PermissionDenied
from salesflow.workflow.identity import find_user, resolve_actor
from salesflow.workflow.roles import MANAGES_USERS, role_label
from salesflow.workflow.users import add_user


@dataclass(frozen=True)
class SetupResult:
    acting: str
    admin_created: bool
    admins: list[str]
    sample_users_added: list[str]
    sample_leads_added: int = 0
    sample_leads_graded: int = 0
    sample_batch_id: int | None = field(default=None)


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
    return SampleLeads(added=result.plan.new, graded=graded, batch_id=result.batch_id)


def initialize(
    session: Session,
    *,
    username: str,
    source: str,
    sample: bool,
    sample_leads: bool = True,
) -> SetupResult:
    """Make ``username`` the first admin of an empty database, and load the sample data.

    ``sample`` loads the sample team and, with ``sample_leads``, its leads and grades.

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
        sample_batch_id=leads.batch_id,
    )
