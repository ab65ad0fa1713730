"""The hash-chained audit log: it verifies, and any tampering is found at its row."""

from __future__ import annotations

import hashlib
import itertools
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import delete, update
from sqlmodel import col, select

from models import audit
from models.db import read_session, unit_of_work
from models.tables import AuditEntry
from tests.models.conftest import Backend

T0 = datetime(2025, 3, 3, 9, 0, tzinfo=UTC)


def fill(backend: Backend, count: int = 10) -> list[AuditEntry]:
    entries = []
    for n in range(count):
        with unit_of_work(backend.engine) as session:
            entries.append(
                audit.append(
                    session,
                    f"member{n % 3}@example.org",
                    "board.vote",
                    "v-0001",
                    {"args": {"choice": "approve", "n": n, "reason": "Iawn, da iawn — ✓"}},
                    at=T0 + timedelta(minutes=n),
                )
            )
    return entries


def verify(backend: Backend, **kwargs: str) -> audit.VerifyResult:
    with read_session(backend.engine) as session:
        return audit.verify(session, **kwargs)


def tamper(backend: Backend, *statements: object) -> None:
    # What someone with write access to the database file could do.
    with backend.engine.begin() as connection:
        for statement in statements:
            connection.execute(statement)  # type: ignore[call-overload]


def test_an_empty_log_verifies_and_its_head_is_the_genesis_hash(backend: Backend) -> None:
    result = verify(backend)
    assert result.ok
    assert result.entries == 0
    with read_session(backend.engine) as session:
        assert audit.head(session) == audit.GENESIS_HASH == "0" * 64


def test_the_chain_links_each_entry_to_the_one_before(backend: Backend) -> None:
    entries = fill(backend, 5)
    assert [e.seq for e in entries] == [1, 2, 3, 4, 5]
    assert entries[0].prev_hash == audit.GENESIS_HASH
    for before, after in itertools.pairwise(entries):
        assert after.prev_hash == before.hash
    result = verify(backend)
    assert result.ok, result.message()
    assert result.entries == 5
    assert result.head == entries[-1].hash
    assert result.message() == f"audit log intact: 5 entries, head {entries[-1].hash}"
    with read_session(backend.engine) as session:
        assert audit.head(session) == entries[-1].hash


def test_the_hash_is_sha256_of_the_previous_hash_and_the_canonical_entry(
    backend: Backend,
) -> None:
    [entry] = fill(backend, 1)
    canonical = (
        '{"action":"board.vote","actor":"member0@example.org",'
        '"at":"2025-03-03T09:00:00.000000+00:00",'
        '"payload":{"args":{"choice":"approve","n":0,"reason":"Iawn, da iawn — ✓"}},'
        '"seq":1,"venture_id":"v-0001"}'
    )
    expected = hashlib.sha256((audit.GENESIS_HASH + canonical).encode("utf-8")).hexdigest()
    assert entry.hash == expected
    with read_session(backend.engine) as session:
        stored = session.get(AuditEntry, 1)
        assert stored is not None
        assert audit.entry_hash(stored) == expected  # as read back from the database


def test_times_in_other_zones_are_hashed_as_utc(backend: Backend) -> None:
    with unit_of_work(backend.engine) as session:
        entry = audit.append(
            session,
            "a@example.org",
            "x",
            None,
            {},
            at=datetime.fromisoformat("2025-06-01T10:00+01:00"),
        )
    assert entry.at == datetime(2025, 6, 1, 9, 0, tzinfo=UTC)
    assert verify(backend).ok


def test_a_payload_that_is_not_json_is_refused(backend: Backend) -> None:
    with unit_of_work(backend.engine) as session:
        with pytest.raises(ValueError, match="not plain JSON"):
            audit.append(session, "a@example.org", "x", None, {"when": T0})
        with pytest.raises(ValueError, match="not plain JSON"):
            audit.append(session, "a@example.org", "x", None, {"n": float("nan")})
        with pytest.raises(TypeError, match="must be a dict"):
            audit.append(session, "a@example.org", "x", None, ["a list"])  # type: ignore[arg-type]
    assert verify(backend).entries == 0


def test_an_edited_payload_is_found_at_its_row(backend: Backend) -> None:
    fill(backend)
    tamper(
        backend,
        update(AuditEntry)
        .where(col(AuditEntry.seq) == 6)
        .values(payload={"args": {"choice": "reject", "n": 5, "reason": "Iawn, da iawn — ✓"}}),
    )
    result = verify(backend)
    assert not result.ok
    assert result.first_bad_seq == 6
    assert result.entries == 5
    assert "changed" in (result.reason or "")
    assert result.message().startswith("audit log broken at entry 6: ")


@pytest.mark.parametrize(
    "values",
    [
        {"actor": "chair@example.org"},
        {"action": "board.close"},
        {"venture_id": "v-9999"},
        {"at": T0 + timedelta(days=1)},
    ],
    ids=["actor", "action", "venture", "time"],
)
def test_any_edited_field_is_found_at_its_row(backend: Backend, values: dict[str, object]) -> None:
    fill(backend)
    tamper(backend, update(AuditEntry).where(col(AuditEntry.seq) == 3).values(**values))
    result = verify(backend)
    assert (result.ok, result.first_bad_seq) == (False, 3)


def test_a_deleted_row_is_found_where_it_was(backend: Backend) -> None:
    fill(backend)
    tamper(backend, delete(AuditEntry).where(col(AuditEntry.seq) == 4))
    result = verify(backend)
    assert not result.ok
    assert result.first_bad_seq == 4
    assert result.reason == "entry 4 is missing (the next entry is 5)"


def test_a_deleted_first_row_is_found(backend: Backend) -> None:
    fill(backend, 3)
    tamper(backend, delete(AuditEntry).where(col(AuditEntry.seq) == 1))
    result = verify(backend)
    assert (result.ok, result.first_bad_seq) == (False, 1)


def test_a_deleted_row_with_the_rest_renumbered_is_found_where_it_was(backend: Backend) -> None:
    fill(backend)
    seq = col(AuditEntry.seq)
    statements: list[object] = [delete(AuditEntry).where(seq == 4)]
    statements += [update(AuditEntry).where(seq == n).values(seq=n - 1) for n in range(5, 11)]
    tamper(backend, *statements)
    result = verify(backend)
    assert (result.ok, result.first_bad_seq) == (False, 4)
    assert "previous-hash" in (result.reason or "")


def test_two_swapped_rows_are_found_at_the_first_of_them(backend: Backend) -> None:
    fill(backend)
    seq = col(AuditEntry.seq)
    tamper(
        backend,
        update(AuditEntry).where(seq == 5).values(seq=1000),
        update(AuditEntry).where(seq == 6).values(seq=5),
        update(AuditEntry).where(seq == 1000).values(seq=6),
    )
    result = verify(backend)
    assert not result.ok
    assert result.first_bad_seq == 5
    assert result.entries == 4


def test_a_row_rewritten_with_a_fresh_hash_breaks_the_link_to_the_next_row(
    backend: Backend,
) -> None:
    """Someone who recomputes the edited row's own hash is caught by the next row."""
    entries = fill(backend)
    forged = audit.entry_document(
        seq=3,
        at=entries[2].at,
        actor=entries[2].actor,
        action=entries[2].action,
        venture_id=entries[2].venture_id,
        payload={"args": {"choice": "reject"}},
    )
    tamper(
        backend,
        update(AuditEntry)
        .where(col(AuditEntry.seq) == 3)
        .values(payload=forged["payload"], hash=audit.compute_hash(entries[2].prev_hash, forged)),
    )
    result = verify(backend)
    assert (result.ok, result.first_bad_seq) == (False, 4)


def test_rows_removed_from_the_end_are_caught_by_the_head_in_the_minutes(
    backend: Backend,
) -> None:
    entries = fill(backend)
    minuted = entries[-1].hash
    tamper(backend, delete(AuditEntry).where(col(AuditEntry.seq) >= 9))
    assert verify(backend).ok  # the shorter chain is consistent in itself...
    result = verify(backend, expected_head=minuted)
    assert not result.ok  # ...but the head written into the minutes is gone
    assert result.first_bad_seq == 9
    assert minuted in (result.reason or "")
    # a head from earlier minutes is still in the log
    assert verify(backend, expected_head=entries[4].hash).ok


def test_appends_in_one_unit_of_work_chain_together(backend: Backend) -> None:
    with unit_of_work(backend.engine) as session:
        first = audit.append(session, "a@example.org", "one", None, {"n": 1})
        second = audit.append(session, "a@example.org", "two", None, {"n": 2})
    assert (first.seq, second.seq) == (1, 2)
    assert second.prev_hash == first.hash
    assert verify(backend).ok


def test_a_rolled_back_append_leaves_no_gap(backend: Backend) -> None:
    fill(backend, 2)

    def command() -> None:
        with unit_of_work(backend.engine) as session:
            audit.append(session, "a@example.org", "lost", None, {})
            raise RuntimeError("crash")

    with pytest.raises(RuntimeError, match="crash"):
        command()
    with unit_of_work(backend.engine) as session:
        entry = audit.append(session, "a@example.org", "kept", None, {})
    assert entry.seq == 3
    assert verify(backend).ok


def test_entries_replay_in_order_with_their_payloads(backend: Backend) -> None:
    fill(backend, 4)
    with read_session(backend.engine) as session:
        replayed = [(e.seq, e.action, e.payload["args"]["n"]) for e in audit.entries(session)]
        assert replayed == [
            (1, "board.vote", 0),
            (2, "board.vote", 1),
            (3, "board.vote", 2),
            (4, "board.vote", 3),
        ]
        assert session.exec(select(AuditEntry.venture_id).distinct()).all() == ["v-0001"]
