"""Sign-offs: co-producers with lived experience confirm a gate's checklist.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-07
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "sign_off",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("venture_id", sa.String(length=32), nullable=False),
        sa.Column("gate_id", sa.String(length=64), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("voided_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["person_id"], ["person.id"], name=op.f("fk_sign_off_person_id_person")
        ),
        sa.ForeignKeyConstraint(
            ["venture_id"], ["venture.id"], name=op.f("fk_sign_off_venture_id_venture")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sign_off")),
    )
    op.create_index("ix_sign_off_venture_gate", "sign_off", ["venture_id", "gate_id"])


def downgrade() -> None:
    op.drop_index("ix_sign_off_venture_gate", table_name="sign_off")
    op.drop_table("sign_off")
