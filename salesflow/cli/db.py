"""``salesflow db``: upgrade, check, back up and restore the database."""

from __future__ import annotations

from contextlib import nullcontext
from pathlib import Path
from typing import Annotated

import typer

from salesflow.cli import context, groups
from salesflow.cli.output import Column, FormatOption, OutputFormat, render
from salesflow.i18n import SOURCE_LANGUAGE, _, speaking

app = groups.db


@app.command(
    "upgrade",
    help=_("Apply pending schema migrations (commands also do this when they open the database)."),
)
def upgrade() -> None:
    # Opening upgrades (after checking the acting user); the unit of work audits it.
    with context.open_db() as workspace:
        with context.acting_in(workspace, write=True):
            pass
        upgraded = workspace.schema_change is not None
    if not upgraded:
        context.note(_("The database schema is up to date."))


@app.command(
    "check",
    help=_("Check the data's integrity and list migrations not yet applied (exit 1 on a problem)."),
)
def check(fmt: FormatOption = OutputFormat.table) -> None:
    from salesflow.workflow.maintenance import check_database

    # JSON and CSV stay language-neutral: their details are in English whatever the language.
    machine = fmt in {OutputFormat.json, OutputFormat.csv}
    with (
        context.open_db(upgrade=False) as workspace,
        speaking(SOURCE_LANGUAGE) if machine else nullcontext(),
    ):
        results = check_database(workspace)
    columns = [
        Column("check", _("Check")),
        Column("ok", _("OK")),
        Column("detail", _("Detail")),
    ]
    render(results, columns, fmt)
    if not all(result.ok for result in results):
        raise typer.Exit(1)


@app.command(
    "backup", help=_("Copy the live SQLite database to PATH (on PostgreSQL, use pg_dump).")
)
def backup(
    path: Annotated[Path, typer.Argument(help=_("File to write the backup to."))],
    force: Annotated[bool, typer.Option("--force", help=_("Overwrite an existing file."))] = False,
) -> None:
    from salesflow.workflow.maintenance import backup_database

    with context.open_db() as workspace, context.acting_in(workspace, write=True) as acted:
        session, actor = acted
        size = backup_database(session, actor, workspace, path, force=force)
    context.note(_("Backed up the database to {path} ({size} bytes).").format(path=path, size=size))


@app.command(
    "restore",
    help=_(
        "Replace the SQLite database with a backup made by 'salesflow db backup' "
        "(on PostgreSQL, use pg_restore)."
    ),
)
def restore(
    path: Annotated[Path, typer.Argument(help=_("Backup file to restore from."))],
    force: Annotated[
        bool, typer.Option("--force", help=_("Replace an existing database."))
    ] = False,
) -> None:
    from salesflow.config import source_label
    from salesflow.workflow.maintenance import record_restore, restore_database

    current = context.settings()
    backup = restore_database(
        current.database_url.value,
        path,
        username=current.user.value,
        source=source_label(current.user.source),
        force=force,
    )
    # The normal open upgrades an older backup; the restore is audited in the restored data.
    with context.open_db() as workspace, context.acting_in(workspace, write=True) as acted:
        session, _actor = acted
        record_restore(session, workspace, backup)
    context.note(
        _("Restored the database from {path} (schema revision {revision}).").format(
            path=backup.path, revision=backup.revision
        )
    )
