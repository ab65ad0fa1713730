"""When the sweeps must next look at each venture: `venture.next_reminder_at` and
`venture.next_advance_at`, indexed with the id (keyset batches).

Every existing venture is due at once (1970-01-01, before any sweep's clock, real or
simulated): the first sweep of each kind looks at each venture once and sets its time
exactly. Self-contained: it imports nothing of the project.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-07
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_COLUMNS = ("next_reminder_at", "next_advance_at")
_INDEXES = {
    "ix_venture_next_reminder": "next_reminder_at",
    "ix_venture_next_advance": "next_advance_at",
}


def upgrade() -> None:
    with op.batch_alter_table("venture") as batch:
        for name in _COLUMNS:
            batch.add_column(sa.Column(name, sa.DateTime(timezone=True), nullable=True))
    # As the models store a UTC time: SQLite the wall time as text, PostgreSQL a
    # timestamp with time zone.
    if op.get_bind().dialect.name == "sqlite":
        at_once = "'1970-01-01 00:00:00.000000'"
    else:
        at_once = "TIMESTAMP WITH TIME ZONE '1970-01-01 00:00:00+00:00'"
    op.execute(f"UPDATE venture SET next_reminder_at = {at_once}, next_advance_at = {at_once}")  # noqa: S608 (constants)
    for index, column in _INDEXES.items():
        op.create_index(index, "venture", [column, "id"])


def downgrade() -> None:
    for index in _INDEXES:
        op.drop_index(index, table_name="venture")
    with op.batch_alter_table("venture") as batch:
        for name in _COLUMNS:
            batch.drop_column(name)
