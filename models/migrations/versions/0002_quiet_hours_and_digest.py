"""Quiet hours and a daily digest per person; outbox messages carried by a digest.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-26
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("person", schema=None) as batch_op:
        batch_op.add_column(sa.Column("quiet_hours_from", sa.String(length=5), nullable=True))
        batch_op.add_column(sa.Column("quiet_hours_to", sa.String(length=5), nullable=True))
        batch_op.add_column(
            sa.Column("daily_digest", sa.Boolean(), nullable=False, server_default=sa.false())
        )
    with op.batch_alter_table("outbox_message", schema=None) as batch_op:
        batch_op.add_column(sa.Column("digest_id", sa.Integer(), nullable=True))
        batch_op.create_index(
            batch_op.f("ix_outbox_message_digest_id"), ["digest_id"], unique=False
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_outbox_message_digest_id_outbox_message"),
            "outbox_message",
            ["digest_id"],
            ["id"],
        )


def downgrade() -> None:
    with op.batch_alter_table("outbox_message", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_outbox_message_digest_id_outbox_message"), type_="foreignkey"
        )
        batch_op.drop_index(batch_op.f("ix_outbox_message_digest_id"))
        batch_op.drop_column("digest_id")
    with op.batch_alter_table("person", schema=None) as batch_op:
        batch_op.drop_column("daily_digest")
        batch_op.drop_column("quiet_hours_to")
        batch_op.drop_column("quiet_hours_from")
