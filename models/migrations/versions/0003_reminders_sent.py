"""Reminders and escalations sent, each once.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-26
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "reminder_sent",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("venture_id", sa.String(length=32), nullable=False),
        sa.Column("gate_id", sa.String(length=64), nullable=False),
        sa.Column("ballot", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("action", sa.String(length=16), nullable=False),
        sa.Column("step", sa.String(length=64), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("recipient_id", sa.Integer(), nullable=False),
        sa.Column("deadline", sa.DateTime(timezone=True), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.Column("audit_seq", sa.Integer(), nullable=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "action IN ('answer', 'review', 'vote')", name=op.f("ck_reminder_sent_action")
        ),
        sa.CheckConstraint(
            "kind IN ('reminder', 'escalation')", name=op.f("ck_reminder_sent_kind")
        ),
        sa.ForeignKeyConstraint(
            ["person_id"], ["person.id"], name=op.f("fk_reminder_sent_person_id_person")
        ),
        sa.ForeignKeyConstraint(
            ["recipient_id"], ["person.id"], name=op.f("fk_reminder_sent_recipient_id_person")
        ),
        sa.ForeignKeyConstraint(
            ["venture_id"], ["venture.id"], name=op.f("fk_reminder_sent_venture_id_venture")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reminder_sent")),
        sa.UniqueConstraint(
            "venture_id",
            "gate_id",
            "ballot",
            "person_id",
            "action",
            "step",
            name="uq_reminder_sent_key",
        ),
    )


def downgrade() -> None:
    op.drop_table("reminder_sent")
