"""Exporting leads (``lead export``) as CSV, XLSX or JSON: visible leads only, audited.

The rows are the leads the actor may see (:mod:`salesflow.workflow.visibility`: a rep
exports their own and unassigned leads, a manager the team's, a director or admin all),
read in chunks of :data:`CHUNK` by lead id so 100,000 leads never sit in memory at once.
The columns carry the canonical import names (``company``, ``phone``, ``created_at``, ...)
so an exported file can be imported again; ``lead_id`` comes first and is ignored by import.
Values are the stored codes, E.164 phones, exact yuan strings and ISO timestamps (UTC).

A spreadsheet runs a cell that starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage
return as a formula (CSV injection, e.g. ``=cmd|' /C calc'!A0``). In CSV and XLSX such a
text cell gets a leading apostrophe, which spreadsheets show as text; reading an exported
file back (:mod:`salesflow.workflow.lead_files`) removes it again. Phones are exempt: a
stored phone is E.164, ``+`` and digits only, which cannot carry a formula. JSON is data
for programs and is written unescaped.
"""

from __future__ import annotations

import contextlib
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any, TextIO

from sqlalchemy import select as select_columns
from sqlalchemy.orm import aliased
from sqlmodel import Session, col

from salesflow.i18n import _
from salesflow.store.audit import record_event
from salesflow.store.models import Contact, Customer, Lead, User
from salesflow.workflow.errors import InputError
from salesflow.workflow.glossary import SOURCES, STAGES, parse_code
from salesflow.workflow.identity import find_user
from salesflow.workflow.lead_files import FORMULA_STARTS
from salesflow.workflow.lead_input import LEAD_FIELDS
from salesflow.workflow.money import yuan_text
from salesflow.workflow.regions import normalize_region
from salesflow.workflow.visibility import scope_for

CHUNK = 1000
FORMATS = ("csv", "xlsx", "json")
EXPORT_COLUMNS = ("lead_id", *LEAD_FIELDS)
E164 = re.compile(r"\+\d{6,15}")
UNASSIGNED = frozenset({"-", "none", "unassigned", "nobody"})


def escape_cell(value: str, field: str) -> str:
    """A text cell a spreadsheet will not run as a formula (see the module docstring).

    The one escaping of salesflow's files: the export and the rejects file of an import.
    """
    if not value.startswith(FORMULA_STARTS):
        return value
    if field == "phone" and E164.fullmatch(value):
        return value
    return "'" + value


def format_for(path: str, fmt: str | None) -> str:
    """The export format: as given, else from the file suffix; ``-`` (stdout) means CSV."""
    if fmt is not None:
        chosen = fmt.strip().lower()
    elif path == "-":
        chosen = "csv"
    else:
        chosen = Path(path).suffix.lower().lstrip(".")
    if chosen not in FORMATS:
        raise InputError(
            _("Cannot tell the export format of '{path}'.").format(path=path),
            hint=_("Name a .csv, .xlsx or .json file, or pass --format csv|xlsx|json."),
        )
    if chosen == "xlsx" and path == "-":
        raise InputError(
            _("An XLSX workbook cannot be written to standard output."),
            hint=_("Pass --to FILE.xlsx, or export CSV or JSON to '-'."),
        )
    return chosen


@dataclass(frozen=True)
class ExportFilters:
    owner: str | None = None
    stage: str | None = None
    source: str | None = None
    province: str | None = None

    def describe(self) -> str:
        given = [f"{k}={v}" for k, v in vars(self).items() if v is not None]
        return ", ".join(given) or "none"


def _statement(session: Session, actor: User, filters: ExportFilters) -> Any:
    referrer = aliased(Customer)
    columns: list[Any] = [
        col(Lead.id),
        col(Customer.name),
        col(Contact.name),
        col(Contact.title),
        col(Contact.phone),
        col(Contact.email),
        col(Contact.wechat),
        col(Customer.province),
        col(Customer.city),
        col(Customer.county),
        col(Customer.industry),
        col(Customer.employees),
        col(Customer.founded_year),
        col(Lead.source),
        referrer.name,
        col(Lead.referrer_name),
        col(Lead.need),
        col(Lead.amount_fen),
        col(Lead.notes),
        col(User.username),
        col(Lead.stage),
        col(Lead.created_at),
        col(Lead.closed_at),
        col(Lead.lost_reason),
        col(Lead.competitor),
        col(Lead.external_ref),
        col(Lead.expected_close),
    ]
    statement = (
        select_columns(*columns)
        .select_from(Lead)
        .join(Customer, col(Customer.id) == col(Lead.customer_id))
        .outerjoin(Contact, col(Contact.id) == col(Lead.contact_id))
        .outerjoin(User, col(User.id) == col(Lead.owner_id))
        .outerjoin(referrer, col(referrer.id) == col(Lead.referrer_customer_id))
        .where(scope_for(session, actor).owner_clause(col(Lead.owner_id)))
    )
    if filters.owner is not None:
        if filters.owner.strip().lower() in UNASSIGNED:
            statement = statement.where(col(Lead.owner_id).is_(None))
        else:
            user = find_user(session, filters.owner)
            if user is None:
                raise InputError(
                    _("No user '{name}' (--owner).").format(name=filters.owner),
                    hint=_("'salesflow user list' shows the users."),
                )
            statement = statement.where(col(Lead.owner_id) == user.id)
    if filters.stage is not None:
        stage = parse_code(STAGES, filters.stage, field="--stage")
        statement = statement.where(col(Lead.stage) == stage)
    if filters.source is not None:
        source = parse_code(SOURCES, filters.source, field="--source")
        statement = statement.where(col(Lead.source) == source)
    if filters.province is not None and filters.province.strip():
        region = normalize_region(filters.province)
        assert region is not None
        statement = statement.where(col(Customer.province) == region.province)
    return statement


def export_rows(
    session: Session, actor: User, filters: ExportFilters | None = None
) -> Iterator[dict[str, Any]]:
    """The visible leads matching ``filters``, oldest first, read :data:`CHUNK` at a time.

    The filters are checked here, before the first row is asked for, so a bad filter is
    refused before anything is written.
    """
    statement = _statement(session, actor, filters or ExportFilters())
    return _chunked(session, statement)


def _chunked(session: Session, statement: Any) -> Iterator[dict[str, Any]]:
    last = 0
    while True:
        records = session.execute(
            statement.where(col(Lead.id) > last).order_by(col(Lead.id)).limit(CHUNK)
        ).all()
        for record in records:
            yield _row(record)
        if len(records) < CHUNK:
            return
        last = records[-1][0]


def _row(record: Any) -> dict[str, Any]:
    (
        lead_id,
        company,
        contact,
        title,
        phone,
        email,
        wechat,
        province,
        city,
        county,
        industry,
        employees,
        founded_year,
        source,
        referrer_company,
        referrer_name,
        need,
        amount_fen,
        notes,
        owner,
        stage,
        created_at,
        closed_at,
        lost_reason,
        competitor,
        external_ref,
        expected_close,
    ) = record
    return {
        "lead_id": lead_id,
        "company": company,
        "contact": contact,
        "title": title,
        "phone": phone,
        "email": email,
        "wechat": wechat,
        "province": province,
        "city": city,
        "county": county,
        "industry": industry,
        "employees": employees,
        "founded_year": founded_year,
        "source": source,
        "referrer": referrer_company or referrer_name,
        "need": need,
        "amount": yuan_text(amount_fen),
        "notes": notes,
        "owner": owner,
        "stage": stage,
        "created_at": created_at,
        "closed_at": closed_at,
        "lost_reason": lost_reason,
        "competitor": competitor,
        "external_ref": external_ref,
        "expected_close": expected_close,
    }


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime | date):
        return value.isoformat()
    return str(value)


def write_csv(rows: Iterator[dict[str, Any]], handle: TextIO, *, line_end: str = "\r\n") -> int:
    import csv

    writer = csv.writer(handle, lineterminator=line_end)
    writer.writerow(EXPORT_COLUMNS)
    count = 0
    for row in rows:
        writer.writerow([escape_cell(_text(row[name]), name) for name in EXPORT_COLUMNS])
        count += 1
    return count


def write_json(rows: Iterator[dict[str, Any]], handle: TextIO) -> int:
    import json

    count = 0
    handle.write("[")
    for row in rows:
        data = {
            name: value.isoformat() if isinstance(value, datetime | date) else value
            for name, value in row.items()
        }
        handle.write(("," if count else "") + "\n  " + json.dumps(data, ensure_ascii=False))
        count += 1
    handle.write("\n]\n" if count else "]\n")
    return count


def _xlsx_value(name: str, value: Any) -> Any:
    if value is None:
        return None
    if name == "amount":
        return Decimal(value)  # a number cell Excel can sum; its text is exact
    if name == "expected_close" or isinstance(value, int):
        return value
    return escape_cell(_text(value), name)


def write_xlsx(rows: Iterator[dict[str, Any]], path: Path) -> int:
    from openpyxl import Workbook  # type: ignore[import-untyped]

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("leads")
    sheet.append(list(EXPORT_COLUMNS))
    count = 0
    for row in rows:
        sheet.append([_xlsx_value(name, row[name]) for name in EXPORT_COLUMNS])
        count += 1
    workbook.save(path)
    return count


def _discard(partial: Path) -> None:
    """Remove a half-written file, if there is one (a name the system refuses: none)."""
    with contextlib.suppress(OSError, ValueError):
        partial.unlink(missing_ok=True)


@dataclass(frozen=True)
class ExportResult:
    count: int
    fmt: str
    destination: str


def export_leads(
    session: Session,
    actor: User,
    *,
    to: Path | TextIO,
    fmt: str,
    filters: ExportFilters | None = None,
) -> ExportResult:
    """Write the visible leads to a file (or an open text stream) and audit the export.

    A file is written beside its destination first and moved into place when complete,
    so a failed export leaves no half-written file.
    """
    if fmt not in FORMATS:
        raise InputError(_("Unknown export format '{fmt}'.").format(fmt=fmt))
    chosen = filters or ExportFilters()
    rows = export_rows(session, actor, chosen)
    if isinstance(to, Path):
        destination = str(to.expanduser().absolute())
        partial = to.with_name(to.name + ".part")
        try:
            if fmt == "xlsx":
                count = write_xlsx(rows, partial)
            else:
                # CSV carries a byte-order mark so Excel reads it as UTF-8; JSON must not.
                encoding = "utf-8-sig" if fmt == "csv" else "utf-8"
                with partial.open("w", encoding=encoding, newline="") as handle:
                    count = write_csv(rows, handle) if fmt == "csv" else write_json(rows, handle)
            os.replace(partial, to)
        except (OSError, ValueError) as exc:  # ValueError: a NUL in the name
            _discard(partial)
            reason = getattr(exc, "strerror", None) or exc
            raise InputError(
                _("Cannot write {path}: {reason}.").format(path=to, reason=reason)
            ) from exc
        except BaseException:
            _discard(partial)
            raise
    else:
        if fmt == "xlsx":
            raise InputError(_("An XLSX workbook cannot be written to standard output."))
        destination = "-"
        count = write_csv(rows, to, line_end="\n") if fmt == "csv" else write_json(rows, to)
    record_event(
        session,
        action="export",
        entity="leads",
        entity_id="*",
        summary=f"{count} leads as {fmt} to {destination}; filters: {chosen.describe()}",
    )
    session.flush()
    return ExportResult(count=count, fmt=fmt, destination=destination)
