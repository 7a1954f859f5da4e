"""The schema revision this version of salesflow expects.

Kept as a constant so that opening an up-to-date database needs no Alembic import; a test
checks it against the head of the migration scripts.
"""

SCHEMA_HEAD = "0008"
