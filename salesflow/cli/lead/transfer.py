"""``salesflow lead import`` and ``lead export``: leads in and out of files.

``lead import FILE`` checks every row and writes all or nothing; ``--dry-run`` only reports,
``--skip-invalid`` writes the valid rows and the rest to a rejects file. A dry run exits
with the code the import would give (2 invalid rows, 1 duplicates only, else 0). Options of
importing a FILE are refused with ``--list`` and ``--undo``. The same command
lists past imports (``--list``) and removes one (``--undo BATCH``), so everything about
imports is found under one name. The per-row report is data (stdout, in ``--format``); the
summary, ignored columns and the progress bar go to stderr.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from salesflow.cli import context
from salesflow.cli.lead.app import app
from salesflow.cli.output import Column, FormatOption, OutputFormat, render
from salesflow.i18n import N_, _, ngettext
from salesflow.workflow.errors import InputError

if TYPE_CHECKING:
    from sqlmodel import Session

    from salesflow.store.models import User
    from salesflow.workflow.imports import ImportPlan
    from salesflow.workflow.lead_files import LeadTable

# Files with more rows than this get a progress bar (when stderr is a terminal).
PROGRESS_FROM_ROWS = 2000
KIND_LABELS = {"invalid": N_("invalid"), "duplicate": N_("duplicate"), "warning": N_("warning")}


def _kind_label(code: str) -> str:
    english = KIND_LABELS.get(code)
    return _(english) if english else code


def problem_columns() -> list[Column]:
    return [
        Column("row", _("Row"), justify="right"),
        Column("kind", _("Kind"), show=_kind_label),
        Column("field", _("Field")),
        Column("column", _("Column")),
        Column("problem", _("Problem")),
    ]


def batch_columns() -> list[Column]:
    return [
        Column("batch", _("Batch"), justify="right"),
        Column("created_at", _("Imported")),
        Column("user", _("By")),
        Column("file", _("File")),
        Column("rows", _("Rows"), justify="right"),
        Column("leads_added", _("Leads added"), justify="right"),
        Column("rejected", _("Rejected"), justify="right"),
        Column("undone_at", _("Undone")),
        Column("undone_by", _("Undone by")),
    ]


class ProgressBar:
    """A rich progress bar on stderr, shown only for large files in a terminal.

    The workflow calls it with ``(done, total)``: first while checking rows, then (done
    starting again from the beginning, or after :meth:`stop`) while writing them.
    """

    def __init__(self) -> None:
        self.bar: Any = None
        self.task: Any = None
        self.last = 0
        self.writing = False

    def _description(self) -> str:
        return _("Writing leads") if self.writing else _("Checking rows")

    def __call__(self, done: int, total: int) -> None:
        if self.bar is not None and done < self.last:
            self.writing = True
            self.bar.update(self.task, description=self._description(), completed=0)
        if self.bar is None:
            if total < PROGRESS_FROM_ROWS or not sys.stderr.isatty():
                return
            from rich.console import Console
            from rich.progress import Progress

            self.bar = Progress(console=Console(stderr=True), transient=True)
            self.bar.start()
            self.task = self.bar.add_task(self._description(), total=total)
        self.last = done
        self.bar.update(self.task, completed=done, total=total)

    def stop(self) -> None:
        """End the current phase; the next call starts the writing phase's bar."""
        if self.bar is not None:
            self.bar.stop()
            self.bar = None
        self.writing = True
        self.last = 0


@contextmanager
def progress_bar() -> Iterator[ProgressBar]:
    bar = ProgressBar()
    try:
        yield bar
    finally:
        bar.stop()


@dataclass(frozen=True)
class Defaults:
    """The values given to rows that have none: --source, --owner, --lost-reason."""

    source: str | None
    owner: str | None
    lost_reason: str | None

    def plan(self, session: Session, actor: User, table: LeadTable, bar: ProgressBar) -> ImportPlan:
        from salesflow.workflow.imports import plan_import

        return plan_import(
            session,
            actor,
            table,
            source=self.source,
            owner=self.owner,
            lost_reason=self.lost_reason,
            progress=bar,
        )


def _summary(plan: ImportPlan) -> str:
    return ngettext(
        "{rows} row: {new} new, {duplicate} duplicate, {invalid} invalid",
        "{rows} rows: {new} new, {duplicate} duplicate, {invalid} invalid",
        plan.rows,
    ).format(rows=plan.rows, new=plan.new, duplicate=plan.duplicate, invalid=plan.invalid) + (
        ngettext("; {count} warning", "; {count} warnings", plan.warnings).format(
            count=plan.warnings
        )
        if plan.warnings
        else ""
    )


def _note_ignored(plan: ImportPlan) -> None:
    if plan.ignored_columns:
        context.note(
            _("Ignored columns: {names}.").format(names=", ".join(plan.ignored_columns))
            + " "
            + _('Use --map "COLUMN=FIELD" to import one.')
        )


def _report(plan: ImportPlan, fmt: OutputFormat) -> None:
    render(plan.problems, problem_columns(), fmt, empty_message=_("No problems found."))


@app.command(
    "import",
    help=_(
        "Import leads from a .csv or .xlsx file (UTF-8 or GB18030; English or Chinese "
        "headers): every row checked, all or nothing. Also --list past imports and "
        "--undo one."
    ),
)
def import_(
    file: Annotated[
        Path | None,
        typer.Argument(
            metavar="FILE", help=_("The .csv or .xlsx file to import."), show_default=False
        ),
    ] = None,
    mapping: Annotated[
        str | None,
        typer.Option(
            "--map",
            metavar="SPEC",
            help=_(
                'Which column is which field, e.g. "公司名称=company,手机=phone"; '
                "COLUMN=- ignores a column."
            ),
        ),
    ] = None,
    dry_run: Annotated[
        bool,
        typer.Option("--dry-run", help=_("Check every row and report; write nothing.")),
    ] = False,
    skip_invalid: Annotated[
        bool,
        typer.Option(
            "--skip-invalid",
            help=_("Import the valid rows; write the others to a rejects file with reasons."),
        ),
    ] = False,
    rejects: Annotated[
        Path | None,
        typer.Option(
            "--rejects",
            metavar="PATH",
            help=_("Where --skip-invalid writes rejected rows (default: FILE.rejects.csv)."),
        ),
    ] = None,
    source: Annotated[
        str | None,
        typer.Option("--source", metavar="CODE", help=_("Source channel of rows that have none.")),
    ] = None,
    owner: Annotated[
        str | None,
        typer.Option(
            "--owner",
            metavar="USER",
            help=_("Owner of rows that name none ('-': unassigned)."),
        ),
    ] = None,
    lost_reason: Annotated[
        str | None,
        typer.Option(
            "--lost-reason",
            metavar="CODE",
            help=_("Lost reason of lost rows that have none (e.g. for a migration)."),
        ),
    ] = None,
    undo: Annotated[
        int | None,
        typer.Option("--undo", metavar="BATCH", help=_("Remove everything import BATCH added.")),
    ] = None,
    list_: Annotated[
        bool, typer.Option("--list", help=_("List past imports and their batch numbers."))
    ] = False,
    fmt: FormatOption = OutputFormat.table,
) -> None:
    chosen = [
        name for name, given in (("FILE", file), ("--undo", undo), ("--list", list_)) if given
    ]
    if len(chosen) != 1:
        raise InputError(
            _("Give exactly one of FILE, --undo BATCH or --list."),
            hint=_("'salesflow lead import --help' shows the options."),
        )
    file_only = [
        name
        for name, given in (
            ("--map", mapping is not None),
            ("--dry-run", dry_run),
            ("--skip-invalid", skip_invalid),
            ("--rejects", rejects is not None),
            ("--source", source is not None),
            ("--owner", owner is not None),
            ("--lost-reason", lost_reason is not None),
        )
        if given
    ]
    if file is None and file_only:
        raise InputError(
            ngettext(
                "{options} applies only to importing a FILE, not to {action}.",
                "{options} apply only to importing a FILE, not to {action}.",
                len(file_only),
            ).format(options=", ".join(file_only), action=chosen[0]),
        )
    if undo is not None:
        _undo(undo)
        return
    if list_:
        _list(fmt)
        return
    assert file is not None
    if rejects is not None and not skip_invalid:
        raise InputError(_("--rejects goes with --skip-invalid."))
    defaults = Defaults(source=source, owner=owner, lost_reason=lost_reason)
    if dry_run:
        _dry_run(file, mapping=mapping, defaults=defaults, fmt=fmt)
        return
    from salesflow.workflow.imports import write_import
    from salesflow.workflow.lead_files import open_lead_file

    # Checked in a read-only transaction, then written in a short writing one (which looks
    # again for duplicates added meanwhile), so a large file never holds the write lock
    # while its rows are being checked.
    with progress_bar() as bar, context.open_db() as workspace:
        with (
            context.acting_in(workspace) as (session, actor),
            open_lead_file(file, mapping=mapping) as table,
        ):
            plan = defaults.plan(session, actor, table, bar)
        bar.stop()
        _note_ignored(plan)  # before a refusal too: an ignored column may be the reason
        with context.acting_in(workspace, write=True) as (session, actor):
            result = write_import(
                session,
                actor,
                plan,
                skip_invalid=skip_invalid,
                rejects=rejects,
                source_path=file,
                progress=bar,
            )
    bar.stop()
    plan = result.plan
    _report(plan, fmt)
    if result.batch_id is None:
        context.note(
            _("Nothing was imported from {file}: {summary}.").format(
                file=plan.file_name, summary=_summary(plan)
            )
        )
    else:
        context.note(
            ngettext(
                "Imported {count} lead from {file} as batch {batch} ({summary}).",
                "Imported {count} leads from {file} as batch {batch} ({summary}).",
                plan.new,
            ).format(
                count=plan.new, file=plan.file_name, batch=result.batch_id, summary=_summary(plan)
            )
        )
    if result.rejects_path is not None:
        context.note(
            _("Rejected rows, with the reason for each: {path}").format(path=result.rejects_path)
        )
    if result.batch_id is not None:
        context.note(
            _("Undo with: salesflow lead import --undo {batch}").format(batch=result.batch_id)
        )


def _dry_run(file: Path, *, mapping: str | None, defaults: Defaults, fmt: OutputFormat) -> None:
    """Report every problem; exit with the code the import itself would give."""
    from salesflow.workflow.lead_files import open_lead_file

    with (
        progress_bar() as bar,
        context.acting() as (session, actor),
        open_lead_file(file, mapping=mapping) as table,
    ):
        plan = defaults.plan(session, actor, table, bar)
    bar.stop()
    _note_ignored(plan)
    if fmt is OutputFormat.json:
        _json_report(plan)
    else:
        _report(plan, fmt)
    context.note(
        _("Dry run of {file}: {summary}. Nothing was written.").format(
            file=plan.file_name, summary=_summary(plan)
        )
    )
    code = 2 if plan.invalid else 1 if plan.duplicate else 0
    if code:
        raise typer.Exit(code)


def _json_report(plan: ImportPlan) -> None:
    """One object: the counts, and the problems as the other formats list them."""
    import json
    from dataclasses import asdict

    summary = {
        "rows": plan.rows,
        "new": plan.new,
        "duplicate": plan.duplicate,
        "invalid": plan.invalid,
        "warnings": plan.warnings,
    }
    keys = [c.key for c in problem_columns()]
    problems = [{k: asdict(p)[k] for k in keys} for p in plan.problems]
    sys.stdout.write(
        json.dumps({"summary": summary, "problems": problems}, ensure_ascii=False, indent=2) + "\n"
    )


def _undo(batch: int) -> None:
    from salesflow.workflow.imports import undo_import

    with context.acting(write=True) as (session, actor):
        result = undo_import(session, actor, batch)
    removed = _("{leads}, {contacts} and {customers}").format(
        leads=ngettext("{count} lead", "{count} leads", result.leads).format(count=result.leads),
        contacts=ngettext("{count} contact", "{count} contacts", result.contacts).format(
            count=result.contacts
        ),
        customers=ngettext("{count} customer", "{count} customers", result.customers).format(
            count=result.customers
        ),
    )
    context.note(
        _("Undid import batch {batch} ({file}): removed {removed}.").format(
            batch=result.batch, file=result.file_name, removed=removed
        )
    )


def _list(fmt: OutputFormat) -> None:
    from salesflow.workflow.imports import list_batches

    with context.acting() as (session, actor):
        batches = list_batches(session, actor)
    render(batches, batch_columns(), fmt, empty_message=_("No imports yet."))


@app.command(
    "export",
    help=_(
        "Export the leads you may see to CSV, XLSX or JSON (audited). The columns are the "
        "import's, so the file can be imported again."
    ),
)
def export(
    to: Annotated[
        str,
        typer.Option(
            "--to", metavar="PATH", help=_("File to write (.csv, .xlsx, .json); '-' is stdout.")
        ),
    ],
    fmt: Annotated[
        str | None,
        typer.Option(
            "--format",
            "-f",
            metavar="csv|xlsx|json",
            help=_("File format (default: from the suffix of --to; CSV for '-')."),
        ),
    ] = None,
    owner: Annotated[
        str | None,
        typer.Option(
            "--owner", metavar="USER", help=_("Only this user's leads ('-': unassigned).")
        ),
    ] = None,
    stage: Annotated[
        str | None, typer.Option("--stage", metavar="CODE", help=_("Only leads at this stage."))
    ] = None,
    source: Annotated[
        str | None,
        typer.Option("--source", metavar="CODE", help=_("Only leads from this source channel.")),
    ] = None,
    province: Annotated[
        str | None,
        typer.Option("--province", metavar="NAME", help=_("Only customers in this province.")),
    ] = None,
) -> None:
    from salesflow.workflow.exports import ExportFilters, export_leads, format_for

    chosen = format_for(to, fmt)
    filters = ExportFilters(owner=owner, stage=stage, source=source, province=province)
    target: Path | Any = sys.stdout if to == "-" else Path(to)
    with context.acting(write=True) as (session, actor):
        result = export_leads(session, actor, to=target, fmt=chosen, filters=filters)
    if to == "-":
        sys.stdout.flush()
        context.note(
            ngettext("Exported {count} lead.", "Exported {count} leads.", result.count).format(
                count=result.count
            )
        )
    else:
        context.note(
            ngettext(
                "Exported {count} lead to {path}.",
                "Exported {count} leads to {path}.",
                result.count,
            ).format(count=result.count, path=result.destination)
        )
