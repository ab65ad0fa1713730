"""The initial schema: people, workstreams, ventures, gate runs and ballots,
every human action, the notifications outbox and the hash-chained audit log.

Revision ID: 0001
Revises:
Create Date: 2025-11-26
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "audit_entry",
        sa.Column("seq", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor", sa.String(length=320), nullable=False),
        sa.Column("action", sa.String(length=64), nullable=False),
        sa.Column("venture_id", sa.String(length=32), nullable=True),
        sa.Column("payload", sa.JSON(), nullable=False),
        sa.Column("prev_hash", sa.String(length=64), nullable=False),
        sa.Column("hash", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("seq", name=op.f("pk_audit_entry")),
        sa.UniqueConstraint("hash", name=op.f("uq_audit_entry_hash")),
    )
    op.create_index(op.f("ix_audit_entry_venture_id"), "audit_entry", ["venture_id"], unique=False)

    op.create_table(
        "denial",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor", sa.String(length=320), nullable=False),
        sa.Column("action", sa.String(length=64), nullable=False),
        sa.Column("venture_id", sa.String(length=32), nullable=True),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("details", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_denial")),
    )
    op.create_index(op.f("ix_denial_venture_id"), "denial", ["venture_id"], unique=False)

    op.create_table(
        "person",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("email", sa.String(length=320), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("lived_experience", sa.Boolean(), nullable=False),
        sa.Column("language", sa.String(length=2), nullable=False),
        sa.Column("language_asked_on", sa.Date(), nullable=True),
        sa.Column("format", sa.String(length=16), nullable=False),
        sa.Column("supports_person_id", sa.Integer(), nullable=True),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.CheckConstraint("format IN ('standard', 'easy-read')", name=op.f("ck_person_format")),
        sa.CheckConstraint("language IN ('en', 'cy')", name=op.f("ck_person_language")),
        sa.ForeignKeyConstraint(
            ["supports_person_id"], ["person.id"], name=op.f("fk_person_supports_person_id_person")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_person")),
        sa.UniqueConstraint("email", name=op.f("uq_person_email")),
    )
    op.create_table(
        "programme_version",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("source", sa.Text(), nullable=False),
        sa.Column("loaded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("loaded_by", sa.String(length=320), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_programme_version")),
    )
    op.create_table(
        "workstream",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_workstream")),
    )
    op.create_table(
        "channel",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("url", sa.Text(), nullable=False),
        sa.Column("label", sa.String(length=100), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["person_id"], ["person.id"], name=op.f("fk_channel_person_id_person")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_channel")),
    )
    op.create_index(op.f("ix_channel_person_id"), "channel", ["person_id"], unique=False)

    op.create_table(
        "person_role",
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("role", sa.String(length=32), nullable=False),
        sa.ForeignKeyConstraint(
            ["person_id"], ["person.id"], name=op.f("fk_person_role_person_id_person")
        ),
        sa.PrimaryKeyConstraint("person_id", "role", name=op.f("pk_person_role")),
    )
    op.create_table(
        "venture",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("workstream_id", sa.String(length=64), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("lead_id", sa.Integer(), nullable=False),
        sa.Column("state", sa.String(length=32), nullable=False),
        sa.Column("gate_id", sa.String(length=64), nullable=False),
        sa.Column("deadline", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["lead_id"], ["person.id"], name=op.f("fk_venture_lead_id_person")),
        sa.ForeignKeyConstraint(
            ["workstream_id"], ["workstream.id"], name=op.f("fk_venture_workstream_id_workstream")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_venture")),
    )
    op.create_index(op.f("ix_venture_lead_id"), "venture", ["lead_id"], unique=False)
    op.create_index("ix_venture_state_deadline", "venture", ["state", "deadline"], unique=False)
    op.create_index(op.f("ix_venture_workstream_id"), "venture", ["workstream_id"], unique=False)

    op.create_table(
        "workstream_member",
        sa.Column("workstream_id", sa.String(length=64), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("is_lead", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["person_id"], ["person.id"], name=op.f("fk_workstream_member_person_id_person")
        ),
        sa.ForeignKeyConstraint(
            ["workstream_id"],
            ["workstream.id"],
            name=op.f("fk_workstream_member_workstream_id_workstream"),
        ),
        sa.PrimaryKeyConstraint("workstream_id", "person_id", name=op.f("pk_workstream_member")),
    )
    op.create_table(
        "gate_run",
        sa.Column("venture_id", sa.String(length=32), nullable=False),
        sa.Column("gate_id", sa.String(length=64), nullable=False),
        sa.Column("gate_version", sa.Integer(), nullable=False),
        sa.Column("checklists", sa.JSON(), nullable=False),
        sa.Column("decision_rule", sa.String(length=64), nullable=False),
        sa.Column("decision_rule_snapshot", sa.JSON(), nullable=False),
        sa.Column("opened_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("submitted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["venture_id"], ["venture.id"], name=op.f("fk_gate_run_venture_id_venture")
        ),
        sa.PrimaryKeyConstraint("venture_id", "gate_id", name=op.f("pk_gate_run")),
    )
    op.create_table(
        "interest",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("venture_id", sa.String(length=32), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["member_id"], ["person.id"], name=op.f("fk_interest_member_id_person")
        ),
        sa.ForeignKeyConstraint(
            ["venture_id"], ["venture.id"], name=op.f("fk_interest_venture_id_venture")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_interest")),
    )
    op.create_index(op.f("ix_interest_venture_id"), "interest", ["venture_id"], unique=False)

    op.create_table(
        "outbox_message",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("idempotency_key", sa.String(length=64), nullable=False),
        sa.Column("event", sa.String(length=64), nullable=False),
        sa.Column("venture_id", sa.String(length=32), nullable=True),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("channel_id", sa.Integer(), nullable=False),
        sa.Column("language", sa.String(length=2), nullable=False),
        sa.Column("format", sa.String(length=16), nullable=False),
        sa.Column("payload", sa.JSON(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint(
            "format IN ('standard', 'easy-read')", name=op.f("ck_outbox_message_format")
        ),
        sa.CheckConstraint("language IN ('en', 'cy')", name=op.f("ck_outbox_message_language")),
        sa.CheckConstraint(
            "status IN ('pending', 'sent', 'dead')", name=op.f("ck_outbox_message_status")
        ),
        sa.ForeignKeyConstraint(
            ["channel_id"], ["channel.id"], name=op.f("fk_outbox_message_channel_id_channel")
        ),
        sa.ForeignKeyConstraint(
            ["person_id"], ["person.id"], name=op.f("fk_outbox_message_person_id_person")
        ),
        sa.ForeignKeyConstraint(
            ["venture_id"], ["venture.id"], name=op.f("fk_outbox_message_venture_id_venture")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_outbox_message")),
        sa.UniqueConstraint("idempotency_key", name=op.f("uq_outbox_message_idempotency_key")),
    )
    op.create_index(
        "ix_outbox_message_due", "outbox_message", ["status", "next_attempt_at"], unique=False
    )
    op.create_index(
        op.f("ix_outbox_message_person_id"), "outbox_message", ["person_id"], unique=False
    )

    op.create_table(
        "answer",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("venture_id", sa.String(length=32), nullable=False),
        sa.Column("gate_id", sa.String(length=64), nullable=False),
        sa.Column("checklist_id", sa.String(length=64), nullable=False),
        sa.Column("checklist_version", sa.Integer(), nullable=False),
        sa.Column("item_id", sa.String(length=64), nullable=False),
        sa.Column("value", sa.JSON(), nullable=False),
        sa.Column("by_id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("is_current", sa.Boolean(), nullable=False),
        sa.Column("superseded_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["by_id"], ["person.id"], name=op.f("fk_answer_by_id_person")),
        sa.ForeignKeyConstraint(
            ["superseded_by_id"], ["answer.id"], name=op.f("fk_answer_superseded_by_id_answer")
        ),
        sa.ForeignKeyConstraint(
            ["venture_id", "gate_id"],
            ["gate_run.venture_id", "gate_run.gate_id"],
            name=op.f("fk_answer_venture_id_gate_id_gate_run"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_answer")),
    )
    op.create_index("ix_answer_gate_run", "answer", ["venture_id", "gate_id"], unique=False)
    op.create_index(
        "uq_answer_current",
        "answer",
        ["venture_id", "gate_id", "checklist_id", "item_id"],
        unique=True,
        sqlite_where=sa.text("is_current"),
        postgresql_where=sa.text("is_current"),
    )

    op.create_table(
        "ballot",
        sa.Column("venture_id", sa.String(length=32), nullable=False),
        sa.Column("gate_id", sa.String(length=64), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("opened_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("deadline", sa.DateTime(timezone=True), nullable=False),
        sa.Column("closed_by_chair", sa.Boolean(), nullable=False),
        sa.Column("closed_by_id", sa.Integer(), nullable=True),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("more_time_granted", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["closed_by_id"], ["person.id"], name=op.f("fk_ballot_closed_by_id_person")
        ),
        sa.ForeignKeyConstraint(
            ["venture_id", "gate_id"],
            ["gate_run.venture_id", "gate_run.gate_id"],
            name=op.f("fk_ballot_venture_id_gate_id_gate_run"),
        ),
        sa.PrimaryKeyConstraint("venture_id", "gate_id", "number", name=op.f("pk_ballot")),
    )
    op.create_table(
        "deadline",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("venture_id", sa.String(length=32), nullable=False),
        sa.Column("gate_id", sa.String(length=64), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("ballot", sa.Integer(), nullable=True),
        sa.Column("until", sa.DateTime(timezone=True), nullable=False),
        sa.Column("is_extension", sa.Boolean(), nullable=False),
        sa.Column("by_id", sa.Integer(), nullable=True),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("kind IN ('answers', 'review', 'vote')", name=op.f("ck_deadline_kind")),
        sa.ForeignKeyConstraint(["by_id"], ["person.id"], name=op.f("fk_deadline_by_id_person")),
        sa.ForeignKeyConstraint(
            ["venture_id", "gate_id"],
            ["gate_run.venture_id", "gate_run.gate_id"],
            name=op.f("fk_deadline_venture_id_gate_id_gate_run"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_deadline")),
    )
    op.create_index(
        "ix_deadline_gate_run", "deadline", ["venture_id", "gate_id", "kind"], unique=False
    )

    op.create_table(
        "review",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("venture_id", sa.String(length=32), nullable=False),
        sa.Column("gate_id", sa.String(length=64), nullable=False),
        sa.Column("reviewer_id", sa.Integer(), nullable=False),
        sa.Column("recommend", sa.String(length=16), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("stale", sa.Boolean(), nullable=False),
        sa.Column("is_current", sa.Boolean(), nullable=False),
        sa.Column("superseded_by_id", sa.Integer(), nullable=True),
        sa.CheckConstraint("recommend IN ('go', 'recycle')", name=op.f("ck_review_recommend")),
        sa.ForeignKeyConstraint(
            ["reviewer_id"], ["person.id"], name=op.f("fk_review_reviewer_id_person")
        ),
        sa.ForeignKeyConstraint(
            ["superseded_by_id"], ["review.id"], name=op.f("fk_review_superseded_by_id_review")
        ),
        sa.ForeignKeyConstraint(
            ["venture_id", "gate_id"],
            ["gate_run.venture_id", "gate_run.gate_id"],
            name=op.f("fk_review_venture_id_gate_id_gate_run"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_review")),
    )
    op.create_index("ix_review_gate_run", "review", ["venture_id", "gate_id"], unique=False)
    op.create_index(
        "uq_review_current",
        "review",
        ["venture_id", "gate_id", "reviewer_id"],
        unique=True,
        sqlite_where=sa.text("is_current"),
        postgresql_where=sa.text("is_current"),
    )

    op.create_table(
        "reviewer_assignment",
        sa.Column("venture_id", sa.String(length=32), nullable=False),
        sa.Column("gate_id", sa.String(length=64), nullable=False),
        sa.Column("reviewer_id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["reviewer_id"], ["person.id"], name=op.f("fk_reviewer_assignment_reviewer_id_person")
        ),
        sa.ForeignKeyConstraint(
            ["venture_id", "gate_id"],
            ["gate_run.venture_id", "gate_run.gate_id"],
            name=op.f("fk_reviewer_assignment_venture_id_gate_id_gate_run"),
        ),
        sa.PrimaryKeyConstraint(
            "venture_id", "gate_id", "reviewer_id", name=op.f("pk_reviewer_assignment")
        ),
    )
    op.create_table(
        "decision",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("venture_id", sa.String(length=32), nullable=False),
        sa.Column("gate_id", sa.String(length=64), nullable=False),
        sa.Column("ballot", sa.Integer(), nullable=False),
        sa.Column("outcome", sa.String(length=32), nullable=False),
        sa.Column("rule", sa.String(length=64), nullable=False),
        sa.Column("reasons", sa.JSON(), nullable=False),
        sa.Column("tally", sa.JSON(), nullable=False),
        sa.Column("conditions", sa.JSON(), nullable=False),
        sa.Column("closed_by", sa.String(length=16), nullable=False),
        sa.Column("casting_vote_used", sa.Boolean(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["venture_id", "gate_id", "ballot"],
            ["ballot.venture_id", "ballot.gate_id", "ballot.number"],
            name=op.f("fk_decision_venture_id_gate_id_ballot_ballot"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_decision")),
        sa.UniqueConstraint(
            "venture_id", "gate_id", "ballot", name=op.f("uq_decision_venture_id_gate_id_ballot")
        ),
    )
    op.create_table(
        "vote",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("venture_id", sa.String(length=32), nullable=False),
        sa.Column("gate_id", sa.String(length=64), nullable=False),
        sa.Column("ballot", sa.Integer(), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("choice", sa.String(length=32), nullable=False),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("supported_by_id", sa.Integer(), nullable=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("stale", sa.Boolean(), nullable=False),
        sa.Column("is_current", sa.Boolean(), nullable=False),
        sa.Column("superseded_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["member_id"], ["person.id"], name=op.f("fk_vote_member_id_person")
        ),
        sa.ForeignKeyConstraint(
            ["superseded_by_id"], ["vote.id"], name=op.f("fk_vote_superseded_by_id_vote")
        ),
        sa.ForeignKeyConstraint(
            ["supported_by_id"], ["person.id"], name=op.f("fk_vote_supported_by_id_person")
        ),
        sa.ForeignKeyConstraint(
            ["venture_id", "gate_id", "ballot"],
            ["ballot.venture_id", "ballot.gate_id", "ballot.number"],
            name=op.f("fk_vote_venture_id_gate_id_ballot_ballot"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_vote")),
    )
    op.create_index("ix_vote_ballot", "vote", ["venture_id", "gate_id", "ballot"], unique=False)
    op.create_index(
        "uq_vote_current",
        "vote",
        ["venture_id", "gate_id", "ballot", "member_id"],
        unique=True,
        sqlite_where=sa.text("is_current"),
        postgresql_where=sa.text("is_current"),
    )


def downgrade() -> None:
    # Dropping a table drops its indexes; dependants first.
    for table in (
        "vote",
        "decision",
        "reviewer_assignment",
        "review",
        "deadline",
        "ballot",
        "answer",
        "outbox_message",
        "interest",
        "gate_run",
        "workstream_member",
        "venture",
        "person_role",
        "channel",
        "workstream",
        "programme_version",
        "person",
        "denial",
        "audit_entry",
    ):
        op.drop_table(table)
