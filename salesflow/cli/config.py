"""``salesflow config``: where the settings come from."""

from __future__ import annotations

import typer

from salesflow.cli import context
from salesflow.cli.output import Column, FormatOption, OutputFormat, render
from salesflow.config import source_label
from salesflow.i18n import _

app = typer.Typer(help=_("Show the resolved configuration."), no_args_is_help=True)


@app.command("show", help=_("Print each setting, its value, and the source it came from."))
def show(fmt: FormatOption = OutputFormat.table) -> None:
    columns = [
        Column("setting", _("Setting")),
        Column("value", _("Value")),
        Column("source", _("Source"), show=source_label),
    ]
    render(context.settings().as_rows(), columns, fmt)
