"""Importing leads from a file (``lead import``): every row checked, then all or nothing.

:func:`plan_import` reads every row and finds its problems without writing: each row goes
through :func:`~salesflow.workflow.lead_input.clean_lead` (the same rules as ``lead add``,
with the file's column headers in the messages), its owner through the capture rules, and
its company, phone and email through the duplicate checks, against the database and against
the earlier rows of the file (where a row with an earlier row's company and its own,
different identity is a further deal of that customer, see :func:`plan_import`).
:func:`run_import` writes the plan in the caller's transaction:
one :class:`~salesflow.store.models.ImportBatch`, the customers, contacts and leads through
the bulk path (:mod:`salesflow.store.bulk`) and one audit event for the whole batch. Any
invalid row (exit 2) or duplicate row (exit 1) refuses the whole import unless
``skip_invalid`` is given; then the valid rows are written and the others go to a rejects
file with the reason on each row.

Duplicate checks over many rows run as batched ``IN`` queries on indexed columns (about 500
values a query, never one query per row); similar names are compared only within their
name block (see :mod:`salesflow.workflow.duplicates`) and are warnings, not refusals.
Undoing a batch lives in :mod:`salesflow.workflow.import_batches`.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path

from sqlmodel import Session, func, select

from salesflow.i18n import _, ngettext
from salesflow.store.models import User
from salesflow.workflow.capture import reason_label, resolve_owner
from salesflow.workflow.duplicates import hold_customer_keys
from salesflow.workflow.errors import FieldError, InputError, Refused, SalesflowError
from salesflow.workflow.exports import escape_cell
from salesflow.workflow.glossary import LOST_REASONS, SOURCES, STAGES, parse_code
from salesflow.workflow.import_batches import (
    BatchCounts,
    BatchSummary,
    PlannedLead,
    ProgressFn,
    UndoResult,
    list_batches,
    undo_import,
    write_batch,
)
from salesflow.workflow.import_checks import existing_duplicates, similar_names
from salesflow.workflow.lead_files import LeadTable, SourceRow, open_lead_file
from salesflow.workflow.lead_input import MAX_LENGTH, CleanLead, LeadInput, clean_lead
from salesflow.workflow.stage_config import StageConfig, load_stages

__all__ = [
    "BatchSummary",
    "ImportPlan",
    "ImportResult",
    "RowProblem",
    "UndoResult",
    "list_batches",
    "plan_import",
    "run_import",
    "undo_import",
    "write_import",
]

PROGRESS_EVERY = 500
# Longest raw text of the fields clean_lead does not measure itself; longer is refused
# before parsing, so a 10,000-character "phone" never reaches a message whole.
RAW_LIMIT = 200
RAW_LIMITS = {"email": 254}
MESSAGE_LIMIT = 300

INVALID = "invalid"
DUPLICATE = "duplicate"
WARNING = "warning"


@dataclass(frozen=True)
class RowProblem:
    """One problem of one row: ``kind`` is invalid, duplicate or warning (similar name)."""

    row: int
    kind: str
    field: str | None
    column: str | None
    problem: str


@dataclass
class ImportPlan:
    """What an import would do: the valid rows, and every problem found."""

    file_name: str
    headers: list[str]
    ignored_columns: list[str]
    # field -> the file's header of its column
    columns: dict[str, str] = field(default_factory=dict)
    # column index -> field (for escaping the rejects file as the export does)
    fields: dict[int, str] = field(default_factory=dict)
    rows: int = 0
    accepted: list[PlannedLead] = field(default_factory=list)
    problems: list[RowProblem] = field(default_factory=list)
    # Rows not imported: row number -> (the original cells, why).
    rejected: dict[int, tuple[tuple[str | None, ...], str]] = field(default_factory=dict)

    @property
    def new(self) -> int:
        return len(self.accepted)

    def count(self, kind: str) -> int:
        return sum(1 for p in self.problems if p.kind == kind)

    @property
    def invalid(self) -> int:
        return self.count(INVALID)

    @property
    def duplicate(self) -> int:
        return self.count(DUPLICATE)

    @property
    def warnings(self) -> int:
        return self.count(WARNING)


@dataclass(frozen=True)
class ImportResult:
    plan: ImportPlan
    batch_id: int | None
    rejects_path: Path | None


def clip(text: str, limit: int = MESSAGE_LIMIT) -> str:
    """A message short enough for one line, even when it quotes a huge value."""
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


class _Owners:
    """Each owner value of the file resolved once, with the capture rules."""

    def __init__(self, session: Session, actor: User, default: str | None) -> None:
        self.session = session
        self.actor = actor
        # Whole-file problems (a role that does not capture, a bad --owner) refuse it all.
        found = resolve_owner(session, actor, default, field="--owner")
        self.default_id = found.id if found is not None else None
        self.cache: dict[str, int | SalesflowError | None] = {}
        self._by_display: dict[str, str] | None = None

    def _username(self, text: str) -> str:
        """A display name (李娜) stands for its user when it is unique."""
        if self._by_display is None:
            users = self.session.exec(select(User.username, User.display_name)).all()
            counts: dict[str, int] = {}
            for _username, display in users:
                counts[display] = counts.get(display, 0) + 1
            self._by_display = {d: u for u, d in users if counts[d] == 1}
        lowered = text.strip().lower()
        exists = self.session.exec(
            select(User.id).where(func.lower(User.username) == lowered)
        ).first()
        return text if exists is not None else self._by_display.get(text.strip(), text)

    def resolve(self, value: str | None, label: str) -> int | None:
        if value is None:
            return self.default_id
        if value not in self.cache:
            try:
                user = resolve_owner(self.session, self.actor, self._username(value), field=label)
                self.cache[value] = user.id if user is not None else None
            except SalesflowError as exc:
                self.cache[value] = exc
        known = self.cache[value]
        if isinstance(known, SalesflowError):
            raise known
        return known


def _check_lengths(values: dict[str, str | None], table: LeadTable) -> None:
    for name, value in values.items():
        if value is None or name in MAX_LENGTH:
            continue
        limit = RAW_LIMITS.get(name, RAW_LIMIT)
        if len(value) > limit:
            raise FieldError(
                name,
                _(
                    "The value is {length} characters long; at most {limit} are kept ({field})."
                ).format(length=len(value), limit=limit, field=table.label(name)),
            )


def plan_import(
    session: Session,
    actor: User,
    table: LeadTable,
    *,
    source: str | None = None,
    owner: str | None = None,
    lost_reason: str | None = None,
    now: datetime | None = None,
    progress: ProgressFn | None = None,
) -> ImportPlan:
    """Check every row of ``table``; nothing is written.

    ``source`` is the channel of rows whose source cell is empty; ``owner`` the owner of
    rows without one (else the capture default: the actor, or unassigned for service and
    admin staff); ``lost_reason`` the reason of lost rows that give none.

    A later row with the company of an earlier valid row is a duplicate of it, except when
    it is a further deal of the same customer: both rows have an identity of their own
    (``external_ref``, else the ``lead_id`` of a salesflow export) that differ, and the
    same owner. Such a row adds a lead to the earlier row's customer, reusing the contact
    of an earlier row of that customer with the same phone or email.
    """
    moment = now or datetime.now(UTC)
    default_source = parse_code(SOURCES, source, field="--source") if source else None
    defaults = _Defaults(
        stages=load_stages(),
        source=default_source,
        lost_reason=(
            parse_code(LOST_REASONS, lost_reason, field="--lost-reason") if lost_reason else None
        ),
    )
    if "source" not in table.columns and default_source is None:
        raise InputError(
            _("The file {file} has no source column.").format(file=table.name),
            hint=_("Give the channel of every row with --source, e.g. --source trade-show."),
        )
    owners = _Owners(session, actor, owner)
    plan = ImportPlan(
        file_name=table.name,
        headers=table.headers,
        ignored_columns=table.ignored,
        columns={name: table.headers[index] for name, index in table.columns.items()},
        fields={index: name for name, index in table.columns.items()},
    )
    seen = _Seen()
    total = max(table.estimated_rows, 1)

    for row in table.rows:
        plan.rows += 1
        if progress is not None and plan.rows % PROGRESS_EVERY == 0:
            progress(plan.rows, max(total, plan.rows))
        checked = _check_row(table, row, defaults, owners, moment)
        if isinstance(checked, RowProblem):
            plan.problems.append(checked)
            plan.rejected[row.number] = (row.cells, checked.problem)
            continue
        clean, owner_id = checked
        identity = clean.external_ref or table.identity(row)
        planned = seen.place(PlannedLead(row.number, clean, owner_id, row.cells), identity)
        if isinstance(planned, tuple):
            name, number = planned
            message = _("Duplicate of row {row} ({why}).").format(
                row=number, why=reason_label(name)
            )
            plan.problems.append(
                RowProblem(row.number, DUPLICATE, name, table.column_of(name), message)
            )
            plan.rejected[row.number] = (row.cells, message)
            continue
        plan.accepted.append(planned)
    if plan.rows == 0:
        raise InputError(_("The file {file} has no rows to import.").format(file=table.name))
    if progress is not None:
        progress(plan.rows, plan.rows)
    _check_database(session, plan)
    # The original cells are kept only for rejected rows (the rejects file).
    plan.accepted = [replace(p, cells=()) for p in plan.accepted]
    # A further deal of a customer has that customer's name: not a similar name.
    numbered = [(p.row, p.clean) for p in plan.accepted if p.customer_row is None]
    column = plan.columns.get("company")
    for number, message in similar_names(session, numbered).items():
        plan.problems.append(RowProblem(number, WARNING, "company", column, clip(message)))
    plan.problems.sort(key=lambda p: (p.row, p.kind != INVALID, p.kind != DUPLICATE))
    return plan


@dataclass(frozen=True)
class _Defaults:
    """Values the command line gives rows that have none (--source, --lost-reason), and
    the stages in use (loaded once for every row)."""

    stages: StageConfig
    source: str | None = None
    lost_reason: str | None = None


def _stage_code(text: str | None) -> str | None:
    try:
        return parse_code(STAGES, text, field="stage") if text and text.strip() else None
    except SalesflowError:
        return None  # clean_lead reports it


def _check_row(
    table: LeadTable,
    row: SourceRow,
    defaults: _Defaults,
    owners: _Owners,
    moment: datetime,
) -> tuple[CleanLead, int | None] | RowProblem:
    """The row cleaned with its owner, or its (first) problem."""

    def invalid(name: str | None, message: str) -> RowProblem:
        column = table.column_of(name) if name else None
        return RowProblem(row.number, INVALID, name, column, clip(message))

    if row.problem is not None:
        return invalid(None, row.problem)
    for index in row.formula_columns:
        name = table.field_of(index)
        if name is not None:
            return invalid(
                name,
                _(
                    "The cell holds a formula without a computed value ({field}); open and "
                    "save the file in Excel."
                ).format(field=table.label(name)),
            )
    values = table.values(row)
    if defaults.source is not None and not (values.get("source") or "").strip():
        values["source"] = defaults.source
    if (
        defaults.lost_reason is not None
        and not (values.get("lost_reason") or "").strip()
        and _stage_code(values.get("stage")) == defaults.stages.lost
    ):
        values["lost_reason"] = defaults.lost_reason
    try:
        _check_lengths(values, table)
        clean = clean_lead(
            LeadInput(**values), label=table.label, now=moment, stages=defaults.stages
        )
        return clean, owners.resolve(clean.owner, table.label("owner"))
    except FieldError as exc:
        return invalid(exc.field, exc.message)
    except SalesflowError as exc:
        return invalid("owner" if isinstance(exc, Refused) else None, exc.message)


@dataclass
class _Customer:
    """A customer that an earlier valid row of the file adds."""

    row: int
    owner_id: int | None
    # The identities of its deals so far; None when its first row has none.
    identities: set[str] | None
    # Its contacts so far: (row, name, phone, email).
    contacts: list[tuple[int, str | None, str | None, str | None]] = field(default_factory=list)

    def contact_for(self, clean: CleanLead) -> int | None:
        """The row of an earlier contact of this customer that ``clean`` names again."""
        for number, name, phone, email in self.contacts:
            if (clean.phone and clean.phone == phone) or (clean.email and clean.email == email):
                return number
            if not (clean.phone or clean.email or phone or email) and clean.contact == name:
                return number
        return None


class _Seen:
    """The earlier valid rows of the file, by company key, phone and email."""

    def __init__(self) -> None:
        self.customers: dict[str, _Customer] = {}
        # phone or email -> (row, company key of that row)
        self.values: dict[str, dict[str, tuple[int, str]]] = {"phone": {}, "email": {}}

    def _contact_clash(self, clean: CleanLead, key: str) -> tuple[str, int] | None:
        """An earlier row of another company with this phone or email."""
        for name, value in (("phone", clean.phone), ("email", clean.email)):
            found = self.values[name].get(value) if value else None
            if found is not None and found[1] != key:
                return name, found[0]
        return None

    def place(self, planned: PlannedLead, identity: str | None) -> PlannedLead | tuple[str, int]:
        """The row as it is to be written, or (field, earlier row) of which it duplicates."""
        clean = planned.clean
        key = clean.name_key
        assert key is not None  # company is required
        customer = self.customers.get(key)
        if customer is not None and not (
            identity
            and customer.identities is not None
            and identity not in customer.identities
            and planned.owner_id == customer.owner_id
        ):
            return "company", customer.row
        clash = self._contact_clash(clean, key)
        if clash is not None:
            return clash
        if customer is None:
            customer = self.customers[key] = _Customer(
                planned.row, planned.owner_id, None if identity is None else set()
            )
        else:
            planned = replace(planned, customer_row=customer.row)
        if customer.identities is not None and identity is not None:
            customer.identities.add(identity)
        for name, value in (("phone", clean.phone), ("email", clean.email)):
            if value:
                self.values[name].setdefault(value, (planned.row, key))
        reused = customer.contact_for(clean) if planned.customer_row is not None else None
        if reused is not None:
            return replace(planned, contact_row=reused)
        if clean.contact:
            customer.contacts.append((planned.row, clean.contact, clean.phone, clean.email))
        return planned


def _check_database(session: Session, plan: ImportPlan) -> None:
    """Rows whose company, phone or email a customer already has become duplicates.

    A further deal whose customer's (or contact's) row is refused is refused with it.
    """
    found = existing_duplicates(session, [(p.row, p.clean) for p in plan.accepted])
    if not found:
        return
    kept: list[PlannedLead] = []
    kept_rows: set[int] = set()
    for planned in plan.accepted:
        lost = next(
            (r for r in (planned.customer_row, planned.contact_row) if r and r not in kept_rows),
            None,
        )
        if planned.row not in found and lost is None:
            kept.append(planned)
            kept_rows.add(planned.row)
            continue
        if planned.row in found:
            name, message = found[planned.row]
        else:
            name = "company"
            message = _(
                "A further deal of the customer of row {row}, which is not imported."
            ).format(row=lost)
        text = clip(message)
        plan.problems.append(RowProblem(planned.row, DUPLICATE, name, plan.columns.get(name), text))
        plan.rejected[planned.row] = (planned.cells, text)
    plan.accepted = kept


def refuse_problems(plan: ImportPlan) -> None:
    """Raise the refusal of an all-or-nothing import that has invalid or duplicate rows."""
    invalid = plan.invalid
    duplicate = plan.duplicate
    if not invalid and not duplicate:
        return
    first = next(p for p in plan.problems if p.kind == (INVALID if invalid else DUPLICATE))
    hint = _(
        "'--dry-run' lists every problem; '--skip-invalid' imports the valid rows and "
        "writes the others to a rejects file."
    )
    if invalid:
        raise InputError(
            ngettext(
                "Nothing was imported: {count} of {total} rows is invalid; row {row}: {problem}",
                "Nothing was imported: {count} of {total} rows are invalid; first, row {row}: "
                "{problem}",
                invalid,
            ).format(count=invalid, total=plan.rows, row=first.row, problem=first.problem),
            hint=hint,
        )
    raise Refused(
        ngettext(
            "Nothing was imported: {count} of {total} rows is a duplicate; row {row}: {problem}",
            "Nothing was imported: {count} of {total} rows are duplicates; first, row {row}: "
            "{problem}",
            duplicate,
        ).format(count=duplicate, total=plan.rows, row=first.row, problem=first.problem),
        hint=hint,
    )


def rejects_path_for(table_name: str, source_path: Path | None) -> Path:
    """Beside the imported file: leads.csv -> leads.rejects.csv."""
    base = source_path if source_path is not None else Path(table_name)
    return base.with_name(base.stem + ".rejects.csv")


def write_rejects(plan: ImportPlan, path: Path) -> None:
    """The rejected rows with their row number and problem, as UTF-8 CSV Excel opens.

    Cells are escaped as ``lead export`` escapes them, so a cell that looks like a formula
    is not run when the file is opened in a spreadsheet (and reads back as it was).

    A regular file is written beside its place and renamed over it, so an import killed
    part-way never leaves half a rejects file (the earlier one stays whole, or none).
    """
    import os

    from salesflow.store.database import usable

    direct = usable(
        path,
        lambda: path.is_symlink() or (path.exists() and not path.is_file()),
        hint=_("Give --rejects a file in a folder you can write to."),
    )
    target = path if direct else path.with_name(f".{path.name}.{os.getpid()}.part")
    try:
        _write_rejects_to(plan, target)
        if not direct:
            os.replace(target, path)
    finally:
        if not direct:
            target.unlink(missing_ok=True)


def _write_rejects_to(plan: ImportPlan, path: Path) -> None:
    import csv

    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["row", "problem", *(escape_cell(h, "") for h in plan.headers)])
        for number in sorted(plan.rejected):
            cells, problem = plan.rejected[number]
            writer.writerow(
                [
                    number,
                    escape_cell(problem, ""),
                    *(
                        "" if c is None else escape_cell(c, plan.fields.get(i, ""))
                        for i, c in enumerate(cells)
                    ),
                ]
            )


def run_import(
    session: Session,
    actor: User,
    file: Path | str | LeadTable,
    *,
    mapping: str | None = None,
    source: str | None = None,
    owner: str | None = None,
    lost_reason: str | None = None,
    skip_invalid: bool = False,
    rejects: Path | None = None,
    now: datetime | None = None,
    progress: ProgressFn | None = None,
) -> ImportResult:
    """Check and import a file (or a :class:`LeadTable`) in the caller's transaction.

    Without ``skip_invalid`` an invalid or duplicate row refuses everything (InputError,
    Refused) before anything is written. With it the valid rows are written and the others
    go to ``rejects`` (default: beside the file, ``NAME.rejects.csv``).
    """
    moment = now or datetime.now(UTC)
    source_path = None if isinstance(file, LeadTable) else Path(file)
    table = file if isinstance(file, LeadTable) else open_lead_file(file, mapping=mapping)
    with table:
        plan = plan_import(
            session,
            actor,
            table,
            source=source,
            owner=owner,
            lost_reason=lost_reason,
            now=moment,
            progress=progress,
        )
    return write_import(
        session,
        actor,
        plan,
        skip_invalid=skip_invalid,
        rejects=rejects,
        source_path=source_path,
        now=moment,
        progress=progress,
        recheck=False,
    )


def write_import(
    session: Session,
    actor: User,
    plan: ImportPlan,
    *,
    skip_invalid: bool = False,
    rejects: Path | None = None,
    source_path: Path | None = None,
    now: datetime | None = None,
    progress: ProgressFn | None = None,
    recheck: bool = True,
) -> ImportResult:
    """Write a plan made by :func:`plan_import`, in the caller's (writing) transaction.

    The plan may have been made in an earlier, read-only transaction, so that checking a
    large file does not hold the database's write lock; ``recheck`` then looks for rows
    that someone else added meanwhile, with the same batched duplicate queries.
    """
    moment = now or datetime.now(UTC)
    hold_customer_keys(session)  # no one adds a customer between the check and the write
    if recheck:
        _check_database(session, plan)
        plan.problems.sort(key=lambda p: (p.row, p.kind != INVALID, p.kind != DUPLICATE))
    if not skip_invalid:
        refuse_problems(plan)
    batch_id = None
    if plan.accepted:
        counts = BatchCounts(plan.file_name, plan.rows, plan.duplicate, plan.invalid)
        batch_id = write_batch(
            session, actor, plan.accepted, counts=counts, moment=moment, progress=progress
        )
    rejects_path = None
    if plan.rejected:
        rejects_path = rejects or rejects_path_for(plan.file_name, source_path)
        write_rejects(plan, rejects_path)
    return ImportResult(plan=plan, batch_id=batch_id, rejects_path=rejects_path)
