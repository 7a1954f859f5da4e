"""Record numbers (ids) as the database can hold them.

Ids are INTEGER columns: 32 bits on PostgreSQL, where looking up a larger number fails
with "integer out of range" instead of finding nothing. A number people type is checked
with :func:`storable` before it reaches a query; beyond the range there is no such record.
"""

from __future__ import annotations

MAX_ID = 2**31 - 1


def storable(number: int) -> bool:
    """Whether ``number`` can be the id of a record (on every backend)."""
    return 0 < number <= MAX_ID
