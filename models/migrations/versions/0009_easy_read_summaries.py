"""Easy Read summaries of ventures, and reminders to translators.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-07
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_ACTIONS_BEFORE = "action IN ('answer', 'review', 'vote')"
_ACTIONS_AFTER = "action IN ('answer', 'review', 'vote', 'translate')"


def _actions(check: str) -> None:
    with op.batch_alter_table("reminder_sent") as batch:
        batch.drop_constraint(op.f("ck_reminder_sent_action"), type_="check")
        batch.create_check_constraint(op.f("ck_reminder_sent_action"), sa.text(check))


def upgrade() -> None:
    _actions(_ACTIONS_AFTER)
    op.create_table(
        "easy_read_summary",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("venture_id", sa.String(length=32), nullable=False),
        sa.Column("lang", sa.String(length=2), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("written_by", sa.Integer(), nullable=False),
        sa.Column("written_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("checked_by", sa.Integer(), nullable=True),
        sa.Column("checked_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("verdict", sa.String(length=16), nullable=True),
        sa.Column("check_note", sa.Text(), nullable=True),
        sa.CheckConstraint("lang IN ('en', 'cy')", name=op.f("ck_easy_read_summary_lang")),
        sa.CheckConstraint(
            "verdict IN ('agreed', 'changes')", name=op.f("ck_easy_read_summary_verdict")
        ),
        sa.ForeignKeyConstraint(
            ["venture_id"], ["venture.id"], name=op.f("fk_easy_read_summary_venture_id_venture")
        ),
        sa.ForeignKeyConstraint(
            ["written_by"], ["person.id"], name=op.f("fk_easy_read_summary_written_by_person")
        ),
        sa.ForeignKeyConstraint(
            ["checked_by"], ["person.id"], name=op.f("fk_easy_read_summary_checked_by_person")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_easy_read_summary")),
    )
    op.create_index("ix_easy_read_summary_venture", "easy_read_summary", ["venture_id", "id"])


def downgrade() -> None:
    op.drop_index("ix_easy_read_summary_venture", table_name="easy_read_summary")
    op.drop_table("easy_read_summary")
    op.execute("DELETE FROM reminder_sent WHERE action = 'translate'")
    _actions(_ACTIONS_BEFORE)
