"""``salesflow lead``: capture, find, grade, import and export leads.

The commands live in small modules of this package, each adding its commands to the one
Typer app of :mod:`salesflow.cli.lead.app`; :mod:`salesflow.cli.groups` imports them
when a ``lead`` command runs.
"""
