"""Ideas from anyone: the tables `idea` and `idea_support`, and outbox messages that
name an idea instead of a person (a reply to a proposer who may not be in the
programme).

`outbox_message.person_id` and `channel_id` become nullable, `idea_id` is added, and a
check says a message names either a person and their channel or an idea, never both
nor neither: every existing message names a person, so nothing is rewritten. Downgrade
drops messages to proposers (they have no person to name) before making the columns
required again.

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-08
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_ADDRESSEE = (
    "(person_id IS NOT NULL AND channel_id IS NOT NULL AND idea_id IS NULL)"
    " OR (person_id IS NULL AND channel_id IS NULL AND idea_id IS NOT NULL)"
)


def _in(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


def upgrade() -> None:
    op.create_table(
        "idea",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("what", sa.Text(), nullable=False),
        sa.Column("why", sa.Text(), nullable=False),
        sa.Column("who_helps", sa.Text(), nullable=False),
        sa.Column("lang", sa.String(length=2), nullable=False),
        sa.Column("route", sa.String(length=16), nullable=False),
        sa.Column("behalf", sa.String(length=16), nullable=False),
        sa.Column("on_behalf_of", sa.String(length=200), nullable=True),
        sa.Column("recorded_by_id", sa.Integer(), nullable=True),
        sa.Column("proposer_id", sa.Integer(), nullable=True),
        sa.Column("contact_name", sa.Text(), nullable=True),
        sa.Column("contact_email", sa.Text(), nullable=True),
        sa.Column("contact_phone", sa.Text(), nullable=True),
        sa.Column("contact_erased_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("consent_contact", sa.Boolean(), nullable=False),
        sa.Column("consent_publish", sa.Boolean(), nullable=False),
        sa.Column("reply_language", sa.String(length=2), nullable=False),
        sa.Column("reply_format", sa.String(length=16), nullable=False),
        sa.Column("reference_hash", sa.String(length=64), nullable=True),
        sa.Column("state", sa.String(length=24), nullable=False),
        sa.Column("workstream_id", sa.String(length=64), nullable=True),
        sa.Column("publication", sa.String(length=16), nullable=False),
        sa.Column("moderation_note", sa.Text(), nullable=True),
        sa.Column("answer", sa.JSON(), nullable=True),
        sa.Column("venture_id", sa.String(length=32), nullable=True),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("due_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("answered_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("reminded_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("escalated_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("told", sa.String(length=100), nullable=True),
        sa.Column("files", sa.JSON(), nullable=False),
        sa.Column("submission", sa.String(length=64), nullable=True),
        sa.CheckConstraint(
            _in(
                "route",
                ("online", "paper", "phone", "roadshow", "meeting", "group", "employer", "email"),
            ),
            name="route",
        ),
        sa.CheckConstraint(_in("behalf", ("individual", "group", "employer")), name="behalf"),
        sa.CheckConstraint(
            _in(
                "state",
                (
                    "received",
                    "triaged",
                    "adopted",
                    "merged",
                    "not-now",
                    "not-for-programme",
                    "withdrawn",
                ),
            ),
            name="state",
        ),
        sa.CheckConstraint(
            _in("publication", ("unchecked", "published", "private")), name="publication"
        ),
        sa.CheckConstraint(_in("lang", ("en", "cy")), name="lang"),
        sa.CheckConstraint(_in("reply_language", ("en", "cy")), name="reply_language"),
        sa.CheckConstraint(_in("reply_format", ("standard", "easy-read")), name="reply_format"),
        sa.ForeignKeyConstraint(["recorded_by_id"], ["person.id"]),
        sa.ForeignKeyConstraint(["proposer_id"], ["person.id"]),
        sa.ForeignKeyConstraint(["workstream_id"], ["workstream.id"]),
        sa.ForeignKeyConstraint(["venture_id"], ["venture.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("submission"),
    )
    op.create_index("ix_idea_state_due", "idea", ["state", "due_at"])
    op.create_table(
        "idea_support",
        sa.Column("idea_id", sa.String(length=32), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["idea_id"], ["idea.id"]),
        sa.ForeignKeyConstraint(["person_id"], ["person.id"]),
        sa.PrimaryKeyConstraint("idea_id", "person_id"),
    )
    with op.batch_alter_table("outbox_message") as batch:
        batch.add_column(sa.Column("idea_id", sa.String(length=32), nullable=True))
        batch.alter_column("person_id", existing_type=sa.Integer(), nullable=True)
        batch.alter_column("channel_id", existing_type=sa.Integer(), nullable=True)
        batch.create_foreign_key("fk_outbox_message_idea_id_idea", "idea", ["idea_id"], ["id"])
        batch.create_index("ix_outbox_message_idea_id", ["idea_id"])
        batch.create_check_constraint("addressee", _ADDRESSEE)


def downgrade() -> None:
    op.execute("DELETE FROM outbox_message WHERE idea_id IS NOT NULL")
    with op.batch_alter_table("outbox_message") as batch:
        batch.drop_constraint("addressee", type_="check")
        batch.drop_index("ix_outbox_message_idea_id")
        batch.drop_constraint("fk_outbox_message_idea_id_idea", type_="foreignkey")
        batch.drop_column("idea_id")
        batch.alter_column("person_id", existing_type=sa.Integer(), nullable=False)
        batch.alter_column("channel_id", existing_type=sa.Integer(), nullable=False)
    op.drop_table("idea_support")
    op.drop_index("ix_idea_state_due", table_name="idea")
    op.drop_table("idea")
