"""``salesflow quote``: draft quotes from the price list, revise, submit, send and export.

The commands live in small modules of this package, each adding its commands to the
``quote`` group of :mod:`salesflow.cli.groups`, which imports them when a ``quote``
command runs.
"""
