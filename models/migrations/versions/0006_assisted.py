"""Assisted actions: votes and answers a clerk recorded for a person, to confirm.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-07
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "assisted_action",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("venture_id", sa.String(length=32), nullable=False),
        sa.Column("gate_id", sa.String(length=64), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("for_id", sa.Integer(), nullable=False),
        sa.Column("recorded_by_id", sa.Integer(), nullable=False),
        sa.Column("ballot", sa.Integer(), nullable=True),
        sa.Column("choice", sa.String(length=32), nullable=True),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("checklist_id", sa.String(length=64), nullable=True),
        sa.Column("item_id", sa.String(length=64), nullable=True),
        sa.Column("value", sa.JSON(), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint("kind IN ('vote', 'answer')", name=op.f("ck_assisted_action_kind")),
        sa.CheckConstraint(
            "status IN ('pending', 'confirmed', 'declined', 'replaced')",
            name=op.f("ck_assisted_action_status"),
        ),
        sa.ForeignKeyConstraint(
            ["for_id"], ["person.id"], name=op.f("fk_assisted_action_for_id_person")
        ),
        sa.ForeignKeyConstraint(
            ["recorded_by_id"],
            ["person.id"],
            name=op.f("fk_assisted_action_recorded_by_id_person"),
        ),
        sa.ForeignKeyConstraint(
            ["venture_id"], ["venture.id"], name=op.f("fk_assisted_action_venture_id_venture")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_assisted_action")),
    )
    op.create_index("ix_assisted_action_for", "assisted_action", ["for_id", "status"], unique=False)
    op.create_index(
        op.f("ix_assisted_action_venture_id"), "assisted_action", ["venture_id"], unique=False
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_assisted_action_venture_id"), table_name="assisted_action")
    op.drop_index("ix_assisted_action_for", table_name="assisted_action")
    op.drop_table("assisted_action")
