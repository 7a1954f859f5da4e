"""The ``salesflow lead`` command group that the modules of this package fill."""

from __future__ import annotations

import typer

from salesflow.i18n import _

app = typer.Typer(
    help=_("Capture, find, grade, import and export leads (商机)."), no_args_is_help=True
)
