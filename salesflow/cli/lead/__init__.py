"""``salesflow lead``: capture, find, grade, import and export leads.

The commands live in small modules of this package, each adding its commands to the one
Typer app defined in :mod:`salesflow.cli.lead.app`; importing the package registers them.
"""

from __future__ import annotations

from salesflow.cli.lead import capture, dedupe, finding, grading, transfer  # noqa: F401
from salesflow.cli.lead.app import app

__all__ = ["app"]
