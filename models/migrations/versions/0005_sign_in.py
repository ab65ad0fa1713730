"""Signing in: requests for a one-time link and code (hashes only), and sessions.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-07
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "sign_in_request",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=True),
        sa.Column("email_hash", sa.String(length=64), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("outcome", sa.String(length=16), nullable=False),
        sa.Column("link_hash", sa.String(length=64), nullable=True),
        sa.Column("code_hash", sa.String(length=128), nullable=True),
        sa.Column("requested_from", sa.String(length=64), nullable=True),
        sa.Column("remember", sa.Boolean(), nullable=False),
        sa.Column("issued_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("used_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.CheckConstraint("kind IN ('message', 'printed')", name=op.f("ck_sign_in_request_kind")),
        sa.CheckConstraint(
            "outcome IN ('issued', 'unknown')", name=op.f("ck_sign_in_request_outcome")
        ),
        sa.ForeignKeyConstraint(
            ["issued_by_id"], ["person.id"], name=op.f("fk_sign_in_request_issued_by_id_person")
        ),
        sa.ForeignKeyConstraint(
            ["person_id"], ["person.id"], name=op.f("fk_sign_in_request_person_id_person")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sign_in_request")),
        sa.UniqueConstraint("link_hash", name=op.f("uq_sign_in_request_link_hash")),
    )
    op.create_index(
        "ix_sign_in_request_email", "sign_in_request", ["email_hash", "created_at"], unique=False
    )
    op.create_index(
        "ix_sign_in_request_from", "sign_in_request", ["requested_from", "created_at"], unique=False
    )
    op.create_index(
        "ix_sign_in_request_person", "sign_in_request", ["person_id", "expires_at"], unique=False
    )
    op.create_table(
        "sign_in_session",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("request_id", sa.Integer(), nullable=True),
        sa.Column("remember", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_seen", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["person_id"], ["person.id"], name=op.f("fk_sign_in_session_person_id_person")
        ),
        sa.ForeignKeyConstraint(
            ["request_id"],
            ["sign_in_request.id"],
            name=op.f("fk_sign_in_session_request_id_sign_in_request"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sign_in_session")),
    )
    op.create_index(
        op.f("ix_sign_in_session_person_id"), "sign_in_session", ["person_id"], unique=False
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_sign_in_session_person_id"), table_name="sign_in_session")
    op.drop_table("sign_in_session")
    op.drop_index("ix_sign_in_request_person", table_name="sign_in_request")
    op.drop_index("ix_sign_in_request_from", table_name="sign_in_request")
    op.drop_index("ix_sign_in_request_email", table_name="sign_in_request")
    op.drop_table("sign_in_request")
