"""Translations: a venture's title in its other language, and the translators' tasks.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-07
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("venture") as batch:
        # Ventures started before this were written in English (the only language then).
        batch.add_column(
            sa.Column("title_lang", sa.String(length=2), nullable=False, server_default="en")
        )
        batch.add_column(sa.Column("title_other", sa.String(length=300), nullable=True))
    op.create_table(
        "translation",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("venture_id", sa.String(length=32), nullable=False),
        sa.Column("subject", sa.String(length=32), nullable=False),
        sa.Column("source_lang", sa.String(length=2), nullable=False),
        sa.Column("source_text", sa.Text(), nullable=False),
        sa.Column("target_lang", sa.String(length=2), nullable=False),
        sa.Column("text", sa.Text(), nullable=True),
        sa.Column("requested_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("due_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("done_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("done_by", sa.Integer(), nullable=True),
        sa.CheckConstraint("source_lang IN ('en', 'cy')", name=op.f("ck_translation_source_lang")),
        sa.CheckConstraint("target_lang IN ('en', 'cy')", name=op.f("ck_translation_target_lang")),
        sa.ForeignKeyConstraint(
            ["done_by"], ["person.id"], name=op.f("fk_translation_done_by_person")
        ),
        sa.ForeignKeyConstraint(
            ["venture_id"], ["venture.id"], name=op.f("fk_translation_venture_id_venture")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_translation")),
    )
    op.create_index("ix_translation_open", "translation", ["done_at", "due_at"])
    op.create_index(op.f("ix_translation_venture_id"), "translation", ["venture_id"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_translation_venture_id"), table_name="translation")
    op.drop_index("ix_translation_open", table_name="translation")
    op.drop_table("translation")
    with op.batch_alter_table("venture") as batch:
        batch.drop_column("title_other")
        batch.drop_column("title_lang")
