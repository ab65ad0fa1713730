"""Checklist definitions stored once: the table `checklist_definition`, one row per
distinct content (keyed by the SHA-256 of its canonical JSON), and each gate run's pins
written `{"id", "version", "sha256"}` instead of `{"id", "version", "definition"}`.

Every existing gate run's definitions are moved into the table, as they were stored
(not as today's programme says: a venture stays on what it was pinned to), and its
pins rewritten to name them; ventures pinned to the same content share a row.
Downgrade writes each gate run's whole definitions back into its pins, in the same
order and with the same keys, and drops the table.

The gate runs are read in batches by key, so a database of 100,000 ventures (about
3.4 GB of pins) is never in memory at once. Self-contained, like every revision: the
hash (sorted keys, no whitespace, UTF-8) is written out here as it is at this revision.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-07
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator, Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_BATCH = 500
_GATE_RUN = sa.table(
    "gate_run", sa.column("venture_id"), sa.column("gate_id"), sa.column("checklists", sa.JSON)
)
_DEFINITION = sa.table(
    "checklist_definition",
    sa.column("sha256"),
    sa.column("checklist_id"),
    sa.column("version"),
    sa.column("body", sa.JSON),
)


def upgrade() -> None:
    op.create_table(
        "checklist_definition",
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("checklist_id", sa.String(length=64), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("body", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("sha256", name=op.f("pk_checklist_definition")),
    )
    bind = op.get_bind()
    stored: set[str] = set()
    for batch in _gate_runs(bind):
        new: dict[str, dict[str, Any]] = {}
        rewritten = []
        for venture_id, gate_id, pins in batch:
            if not any("definition" in pin for pin in pins):  # nothing stored whole
                continue
            moved = []
            for pin in pins:
                if "definition" not in pin:  # nothing to move: kept as it is
                    moved.append(pin)
                    continue
                body = pin["definition"]
                sha256 = _hash(body)
                if sha256 not in stored:
                    stored.add(sha256)
                    new[sha256] = {
                        "sha256": sha256,
                        "checklist_id": pin["id"],
                        "version": pin["version"],
                        "body": body,
                    }
                moved.append({"id": pin["id"], "version": pin["version"], "sha256": sha256})
            rewritten.append({"v": venture_id, "g": gate_id, "pins": moved})
        if new:
            bind.execute(_DEFINITION.insert(), list(new.values()))
        if rewritten:
            bind.execute(_REWRITE, rewritten)


def downgrade() -> None:
    bind = op.get_bind()
    bodies: dict[str, Any] = {}
    for batch in _gate_runs(bind):
        wanted = {
            pin["sha256"] for _v, _g, pins in batch for pin in pins if pin.get("sha256")
        } - set(bodies)
        if wanted:
            query = sa.select(_DEFINITION.c.sha256, _DEFINITION.c.body).where(
                _DEFINITION.c.sha256.in_(sorted(wanted))
            )
            bodies.update((sha256, body) for sha256, body in bind.execute(query))
        rewritten = [
            {
                "v": venture_id,
                "g": gate_id,
                "pins": [
                    {"id": p["id"], "version": p["version"], "definition": bodies[p["sha256"]]}
                    if "sha256" in p
                    else p
                    for p in pins
                ],
            }
            for venture_id, gate_id, pins in batch
            if any("sha256" in pin for pin in pins)
        ]
        if rewritten:
            bind.execute(_REWRITE, rewritten)
        if len(bodies) > 4096:  # a venture's earlier answers make its own copies
            bodies.clear()
    op.drop_table("checklist_definition")


_REWRITE = (
    _GATE_RUN.update()
    .where(_GATE_RUN.c.venture_id == sa.bindparam("v"))
    .where(_GATE_RUN.c.gate_id == sa.bindparam("g"))
    .values(checklists=sa.bindparam("pins", type_=sa.JSON))
)


def _gate_runs(bind: sa.Connection) -> Iterator[list[tuple[str, str, list[dict[str, Any]]]]]:
    """Every gate run's (venture, gate, pins), in batches by key."""
    after: tuple[str, str] | None = None
    while True:
        query = sa.select(_GATE_RUN.c.venture_id, _GATE_RUN.c.gate_id, _GATE_RUN.c.checklists)
        if after is not None:
            key = sa.tuple_(_GATE_RUN.c.venture_id, _GATE_RUN.c.gate_id)
            query = query.where(key > sa.tuple_(sa.literal(after[0]), sa.literal(after[1])))
        query = query.order_by(_GATE_RUN.c.venture_id, _GATE_RUN.c.gate_id).limit(_BATCH)
        batch = [(v, g, list(pins or [])) for v, g, pins in bind.execute(query).all()]
        if not batch:
            return
        yield batch
        after = (batch[-1][0], batch[-1][1])


def _hash(body: dict[str, Any]) -> str:
    text = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()
