"""The hash-chained, append-only audit log.

Every command appends one entry in its own unit of work, next to the state change
it records. Entry `seq` n (1, 2, 3, … with no gaps) stores

    hash = sha256(prev_hash + canonical_json(entry))

where `prev_hash` is the hash of entry n-1 (`GENESIS_HASH` for entry 1) and the
entry is the fixed set of fields `seq, at, actor, action, venture_id, payload` as
a JSON object with sorted keys, no whitespace, UTF-8, and `at` in ISO 8601 UTC
with microseconds. Changing, removing or reordering any entry breaks the chain at
that entry, which `verify` reports; `head` is the hash of the last entry, to be
written into the Board's minutes (it also catches entries removed from the end).

Appends are serialized across processes: on SQLite by the IMMEDIATE write
transaction (see `models.db`); on PostgreSQL by a transaction-scoped advisory
lock taken before the head is read.

The payload must let a replay rebuild the state: the command's arguments as given
(people by email, ids, values) and anything the command generated (a new venture's
id, the deadline it set), e.g.
`{"args": {"venture": "v-3f2a", "member": "ann@example.org", "choice": "approve"}}`.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Generator, Iterator, Mapping
from contextlib import closing
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import text
from sqlmodel import Session, col, select

from models.db import WRITE_LOCK_KEY, is_postgresql, utcnow
from models.due import mark_due
from models.tables import AuditEntry

GENESIS_HASH = "0" * 64


def canonical_json(value: Any) -> str:
    """JSON with sorted keys and no whitespace; refuses values that are not JSON."""
    return json.dumps(
        value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False
    )


def iso(at: datetime) -> str:
    """An aware datetime as ISO 8601 in UTC with microseconds: 2025-01-31T09:00:00.000000+00:00."""
    if at.tzinfo is None or at.utcoffset() is None:
        raise ValueError(f"naive datetime {at.isoformat()}: use a timezone-aware one")
    return at.astimezone(UTC).isoformat(timespec="microseconds")


def entry_document(
    *,
    seq: int,
    at: datetime,
    actor: str,
    action: str,
    venture_id: str | None,
    payload: dict[str, Any],
) -> dict[str, Any]:
    """The fields of an entry that its hash covers, as JSON values."""
    return {
        "seq": seq,
        "at": iso(at),
        "actor": actor,
        "action": action,
        "venture_id": venture_id,
        "payload": payload,
    }


def compute_hash(prev_hash: str, document: dict[str, Any]) -> str:
    return hashlib.sha256((prev_hash + canonical_json(document)).encode("utf-8")).hexdigest()


def entry_hash(entry: AuditEntry) -> str:
    """The hash `entry` should have, recomputed from its stored fields."""
    document = entry_document(
        seq=entry.seq,
        at=entry.at,
        actor=entry.actor,
        action=entry.action,
        venture_id=entry.venture_id,
        payload=entry.payload,
    )
    return compute_hash(entry.prev_hash, document)


def last_entry(session: Session) -> AuditEntry | None:
    return session.exec(select(AuditEntry).order_by(col(AuditEntry.seq).desc()).limit(1)).first()


def head(session: Session) -> str:
    """The hash of the last entry (`GENESIS_HASH` while the log is empty)."""
    last = last_entry(session)
    return last.hash if last is not None else GENESIS_HASH


def append(
    session: Session,
    actor: str,
    action: str,
    venture_id: str | None,
    payload: dict[str, Any],
    *,
    at: datetime | None = None,
    mark: bool = True,
    last: AuditEntry | None = None,
) -> AuditEntry:
    """Append one entry to the log, in the session's transaction, and return it.

    An entry about a venture makes it due at once for the sweeps (models.due), unless
    `mark` is false: for a sweep that sets the venture's next time itself. `last`: the
    entry this unit of work appended just before (under the write lock, still the last
    one): a sweep appending one entry a venture neither reads it again nor takes the
    lock again, and leaves the entries to be written together at its next flush
    (their `seq` and `hash` are set at once all the same).

    Call it inside `unit_of_work`, with the state change it records. `payload` must
    be JSON (dicts, lists, strings, numbers, booleans, None); dates as ISO strings.
    The entry is flushed at once, so its `seq` and `hash` are set on return.
    """
    if not isinstance(payload, dict):
        raise TypeError(f"audit payload must be a dict, not {type(payload).__name__}")
    try:
        stored_payload: dict[str, Any] = json.loads(canonical_json(payload))
    except (TypeError, ValueError) as error:
        raise ValueError(f"audit payload is not plain JSON: {error}") from None
    following = last is not None
    if not following and is_postgresql(session):
        # Re-entrant: `unit_of_work` has usually taken it already.
        session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": WRITE_LOCK_KEY})
    if last is None:
        last = last_entry(session)
    seq = last.seq + 1 if last is not None else 1
    prev_hash = last.hash if last is not None else GENESIS_HASH
    when = (at or utcnow()).astimezone(UTC)
    document = entry_document(
        seq=seq,
        at=when,
        actor=actor,
        action=action,
        venture_id=venture_id,
        payload=stored_payload,
    )
    entry = AuditEntry(
        seq=seq,
        at=when,
        actor=actor,
        action=action,
        venture_id=venture_id,
        payload=stored_payload,
        prev_hash=prev_hash,
        hash=compute_hash(prev_hash, document),
    )
    session.add(entry)
    if not following:
        session.flush()
    if venture_id is not None and mark:
        # Whatever changed the venture, the sweeps look at it again (models.due).
        mark_due(session, venture_id)
    return entry


def entries(session: Session, *, batch: int = 1000) -> Generator[AuditEntry, None, None]:
    """Every entry in `seq` order, loaded in batches (a server-side cursor on PostgreSQL,
    closed when the iteration ends or the iterator is closed)."""
    statement = select(AuditEntry).order_by(col(AuditEntry.seq)).execution_options(yield_per=batch)
    result = session.exec(statement)
    try:
        yield from result
    finally:
        result.close()


@dataclass(frozen=True)
class VerifyResult:
    ok: bool
    entries: int  # how many entries were checked
    first_bad_seq: int | None  # the first entry that breaks the chain
    reason: str | None  # why, in one line
    head: str  # the hash of the last entry checked (of the whole log when ok)

    def message(self) -> str:
        if self.ok:
            return f"audit log intact: {self.entries} entries, head {self.head}"
        if self.first_bad_seq is None:
            return f"audit log broken: {self.reason}"
        return f"audit log broken at entry {self.first_bad_seq}: {self.reason}"


def verify(
    session: Session,
    *,
    expected_head: str | None = None,
    anchored: Mapping[int, str] | None = None,
) -> VerifyResult:
    """Recompute the chain from the first entry and report the first entry that breaks it.

    An edited entry fails its own hash; a removed entry leaves a gap in `seq` (reported
    as the missing seq); entries moved or rewritten fail the link to the previous hash.
    With `expected_head` (a head recorded earlier, e.g. in the minutes), the log must
    still contain that hash, which catches entries removed from the end. With
    `anchored` (entry number → the hash it had, from heads anchored outside the
    database: models.anchors), each of those entries must still have that hash, which
    also catches a chain rewritten consistently after an edit.
    """
    seen_expected = expected_head is None or expected_head == GENESIS_HASH
    with closing(entries(session)) as stream:
        result = _check(stream, expected_head, seen_expected, dict(anchored or {}))
    return result


def _check(
    stream: Iterator[AuditEntry],
    expected_head: str | None,
    seen_expected: bool,
    anchored: dict[int, str],
) -> VerifyResult:
    expected_seq = 1
    prev_hash = GENESIS_HASH
    checked = 0
    for entry in stream:
        problem: tuple[int, str] | None = None
        if entry.seq != expected_seq:
            if entry.seq > expected_seq:
                problem = (
                    expected_seq,
                    f"entry {expected_seq} is missing (the next entry is {entry.seq})",
                )
            else:
                problem = (entry.seq, f"entry has seq {entry.seq}, expected {expected_seq}")
        elif entry.prev_hash != prev_hash:
            problem = (
                entry.seq,
                "its previous-hash does not match the hash of the entry before it "
                "(entries removed, reordered or rewritten)",
            )
        elif entry_hash(entry) != entry.hash:
            problem = (entry.seq, "its hash does not match its contents (the entry was changed)")
        elif entry.seq in anchored and anchored[entry.seq] != entry.hash:
            problem = (
                entry.seq,
                f"its hash is not the one anchored for it ({anchored[entry.seq][:12]}…): "
                "the log was rewritten from here or before",
            )
        if problem is not None:
            return VerifyResult(False, checked, problem[0], problem[1], prev_hash)
        checked += 1
        prev_hash = entry.hash
        expected_seq += 1
        if not seen_expected and entry.hash == expected_head:
            seen_expected = True
    beyond = sorted(seq for seq in anchored if seq > checked)
    if beyond:
        return VerifyResult(
            False,
            checked,
            checked + 1,
            f"entry {beyond[0]} was anchored, but the log ends at entry {checked} "
            "(entries were removed from the end)",
            prev_hash,
        )
    if anchored.get(0, GENESIS_HASH) != GENESIS_HASH:
        return VerifyResult(
            False, checked, None, "an anchor for entry 0 is not the empty log's", prev_hash
        )
    if not seen_expected:
        return VerifyResult(
            False,
            checked,
            expected_seq,
            f"the expected head {expected_head} is not in the log "
            "(entries were removed from the end or rewritten)",
            prev_hash,
        )
    return VerifyResult(True, checked, None, None, prev_hash)
