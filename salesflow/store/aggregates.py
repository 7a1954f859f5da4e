"""SQL expressions whose spelling differs between SQLite and PostgreSQL.

Only the store knows dialects: the workflow builds its reports from these expressions and
SQLAlchemy renders each one for the database in use.

:class:`epoch_seconds` is a UTC timestamp column as whole seconds since 1970-01-01 UTC
(an integer), so differences between timestamps can be summed and averaged in the
database. SQLite stores :class:`~salesflow.store.types.UTCDateTime` as naive UTC text,
which ``julianday()`` reads as UTC; PostgreSQL keeps ``timestamptz``, whose epoch is
time-zone independent. Both round to the nearest second. :class:`greatest` is
the row-wise maximum of a few values (``GREATEST`` on PostgreSQL, two-argument ``max`` on
SQLite).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import BigInteger
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement


class epoch_seconds(FunctionElement[int]):  # lower case, like the SQL functions it stands for
    """Whole seconds since the Unix epoch of a UTC timestamp column."""

    type = BigInteger()
    inherit_cache = True
    name = "epoch_seconds"


@compiles(epoch_seconds, "sqlite")
def _epoch_sqlite(element: epoch_seconds, compiler: Any, **kw: Any) -> str:
    (moment,) = element.clauses
    # julianday() is SQLite's cheapest way to read its stored text timestamps; it keeps
    # milliseconds, so rounding to the second gives whole seconds exactly.
    julian = f"julianday({compiler.process(moment, **kw)})"
    return f"CAST(ROUND(({julian} - 2440587.5) * 86400.0) AS INTEGER)"


@compiles(epoch_seconds)
def _epoch_default(element: epoch_seconds, compiler: Any, **kw: Any) -> str:
    # PostgreSQL (and the SQL standard's EXTRACT), rounded to the second as on SQLite.
    (moment,) = element.clauses
    return f"CAST(ROUND(EXTRACT(EPOCH FROM {compiler.process(moment, **kw)})) AS BIGINT)"


class greatest(FunctionElement[int]):  # lower case, like the SQL functions it stands for
    """The largest of its (non-null) arguments, row by row: GREATEST, or SQLite's max(a, b)."""

    type = BigInteger()
    inherit_cache = True
    name = "greatest"


@compiles(greatest, "sqlite")
def _greatest_sqlite(element: greatest, compiler: Any, **kw: Any) -> str:
    # SQLite's max() with two or more arguments is the scalar maximum, not the aggregate.
    return f"max({compiler.process(element.clauses, **kw)})"


@compiles(greatest)
def _greatest_default(element: greatest, compiler: Any, **kw: Any) -> str:
    return f"GREATEST({compiler.process(element.clauses, **kw)})"
