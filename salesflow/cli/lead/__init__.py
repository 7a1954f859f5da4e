"""``salesflow lead``: capture, find, grade, import and export leads.

The commands live in small modules of this package, each adding its commands to the one
Typer app of :mod:`salesflow.cli.lead.app`. :func:`register_commands` imports them; the
root command does so only when a ``lead`` command runs, because Typer builds every
registered command's options just to print the top-level help.
"""

from __future__ import annotations


def register_commands() -> None:
    from salesflow.cli.lead import capture, dedupe, finding, grading, stages, transfer  # noqa: F401
