"""Checklist definitions stored once per distinct content (`StoredDefinition`).

A gate run pins its checklists by id, version and content hash
(`{"id": ..., "version": ..., "sha256": ...}`); the body is a row of
`checklist_definition`, shared by every gate run pinned to the same content. The
hash is the SHA-256 of the definition's canonical JSON (sorted keys, no whitespace,
UTF-8): the same content gives the same key in any process and any database, so a
decoded definition can be cached by it (services.advance).

    pin(session, body) -> {"id", "version", "sha256"}   # stores the body if absent
    bodies(session, hashes) -> {sha256: body}

Migration 0012 writes the same hash (written out there, as every revision keeps its
own copy); a test checks the two agree.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from typing import Any, cast

from sqlalchemy import Table, bindparam
from sqlalchemy import select as core_select
from sqlmodel import Session

from models.tables import StoredDefinition

_TABLE = cast(Table, StoredDefinition.__table__)  # type: ignore[attr-defined]
_BODIES = core_select(_TABLE.c.sha256, _TABLE.c.body).where(
    _TABLE.c.sha256.in_(bindparam("hashes", expanding=True))
)


def canonical(body: dict[str, Any]) -> str:
    """The definition as the text its hash is taken of."""
    return json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def content_hash(body: dict[str, Any]) -> str:
    """The SHA-256 (hex) of the definition's canonical JSON: its key."""
    return hashlib.sha256(canonical(body).encode("utf-8")).hexdigest()


def pin(session: Session, body: dict[str, Any]) -> dict[str, Any]:
    """Store `body` (a checklist definition as JSON) unless it is stored already, in the
    session's transaction, and return the pin that names it.

    Insert-if-absent in one statement, so that two ventures pinning the same content
    at once both succeed: the key is the content, so whichever row wins is the same.
    """
    sha256 = content_hash(body)
    row = {
        "sha256": sha256,
        "checklist_id": body["id"],
        "version": body["version"],
        "body": body,
    }
    connection = session.connection()
    # The dialects are imported here, not at the top: the tables load no dialect
    # (each command imports them), and a process talks to one database only.
    if connection.dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as pg_insert

        connection.execute(pg_insert(_TABLE).values(row).on_conflict_do_nothing())
    else:
        from sqlalchemy.dialects.sqlite import insert as sqlite_insert

        connection.execute(sqlite_insert(_TABLE).values(row).on_conflict_do_nothing())
    return {"id": body["id"], "version": body["version"], "sha256": sha256}


def bodies(session: Session, hashes: Iterable[str]) -> dict[str, dict[str, Any]]:
    """The stored bodies of these definitions, by hash (in the session's transaction).
    A hash with no row is missing from the answer: the caller says what that means."""
    wanted = sorted(set(hashes))
    if not wanted:
        return {}
    found = session.connection().execute(_BODIES, {"hashes": wanted}).all()
    return {str(sha256): body for sha256, body in found}
