"""The outbox: each message once, whatever runs again; failed sends retried, then given up."""

from __future__ import annotations

import threading
import time
from datetime import timedelta
from pathlib import Path

import pytest
from sqlmodel import Session, col, func, select

from models import outbox
from models.db import read_session, unit_of_work
from models.tables import Channel, OutboxMessage, mask_url, redact_urls
from tests.models.conftest import Backend
from tests.models.factories import NOW, World, make_world


def enqueue(session: Session, world: World, **overrides: object) -> tuple[OutboxMessage, bool]:
    member = world.members[0]
    assert member.id is not None
    arguments: dict[str, object] = {
        "event": "board.papers",
        "person_id": member.id,
        "channel_id": world.channels[member.id],
        "language": member.language,
        "format": member.format,
        "payload": {"venture": world.venture_id},
        "venture_id": world.venture_id,
        "gate_id": "design",
        "ballot": 1,
    }
    arguments.update(overrides)
    return outbox.enqueue(session, **arguments)  # type: ignore[arg-type]


def stored(backend: Backend) -> list[OutboxMessage]:
    with read_session(backend.engine) as session:
        return list(session.exec(select(OutboxMessage).order_by(col(OutboxMessage.id))))


def test_the_same_message_enqueued_twice_is_stored_once(backend: Backend) -> None:
    world = make_world(backend.engine, members=2)
    with unit_of_work(backend.engine) as session:
        first, created = enqueue(session, world)
    assert created
    with unit_of_work(backend.engine) as session:  # the command or flow runs again
        again, created_again = enqueue(session, world, payload={"changed": True})
    assert not created_again
    assert again.id == first.id
    assert again.payload == {"venture": world.venture_id}  # left as it was
    assert len(stored(backend)) == 1


def test_the_same_key_twice_in_one_unit_of_work_is_stored_once(backend: Backend) -> None:
    world = make_world(backend.engine, members=1)
    with unit_of_work(backend.engine) as session:
        _, one = enqueue(session, world)
        _, two = enqueue(session, world)
    assert (one, two) == (True, False)
    assert len(stored(backend)) == 1


def test_an_explicit_key_wins(backend: Backend) -> None:
    world = make_world(backend.engine, members=1)
    with unit_of_work(backend.engine) as session:
        message, _ = enqueue(session, world, key="k" * 64)
        _, created = enqueue(session, world, event="other", key="k" * 64)
    assert message.idempotency_key == "k" * 64
    assert not created


@pytest.mark.parametrize(
    "change",
    [
        {"event": "vote.reminder"},
        {"venture_id": "v-0002"},
        {"gate_id": "delivery"},
        {"ballot": 2},
        {"person_id": 2},
        {"channel_id": 2},
        {"discriminator": "2025-03-04"},
    ],
)
def test_the_key_tells_messages_apart(change: dict[str, object]) -> None:
    base: dict[str, object] = {
        "person_id": 1,
        "channel_id": 1,
        "venture_id": "v-0001",
        "gate_id": "design",
        "ballot": 1,
        "discriminator": "",
    }
    key = outbox.idempotency_key("board.papers", **base)  # type: ignore[arg-type]
    assert key == outbox.idempotency_key("board.papers", **base)  # type: ignore[arg-type]
    assert len(key) == 64
    event = str(change.pop("event", "board.papers"))
    assert outbox.idempotency_key(event, **{**base, **change}) != key  # type: ignore[arg-type]


def test_a_concurrent_duplicate_outside_the_write_lock_is_absorbed(backend: Backend) -> None:
    """Two sessions that skip the unit of work's lock insert the same key at once:
    the UNIQUE constraint (INSERT ... ON CONFLICT DO NOTHING) keeps one row and
    raises nothing."""
    world = make_world(backend.engine, members=1)
    inserted = threading.Event()
    outcome: dict[str, bool] = {}

    def first() -> None:
        with Session(backend.engine, expire_on_commit=False) as session, session.begin():
            _, outcome["first"] = enqueue(session, world)
            inserted.set()
            time.sleep(0.4)

    thread = threading.Thread(target=first)
    thread.start()
    assert inserted.wait(10)
    with Session(backend.engine, expire_on_commit=False) as session, session.begin():
        message, outcome["second"] = enqueue(session, world)
    thread.join(10)
    assert outcome == {"first": True, "second": False}
    assert message.id is not None
    assert len(stored(backend)) == 1


def test_due_messages_come_oldest_first_and_not_before_their_time(backend: Backend) -> None:
    world = make_world(backend.engine, members=1)
    with unit_of_work(backend.engine) as session:
        later, _ = enqueue(
            session, world, discriminator="later", not_before=NOW + timedelta(hours=1)
        )
        now, _ = enqueue(session, world, discriminator="now", not_before=NOW)
        earlier, _ = enqueue(
            session, world, discriminator="earlier", not_before=NOW - timedelta(hours=1)
        )
    with unit_of_work(backend.engine) as session:
        assert [m.id for m in outbox.due(session, now=NOW)] == [earlier.id, now.id]
        assert [m.id for m in outbox.due(session, now=NOW, limit=1)] == [earlier.id]
        assert len(outbox.due(session, now=NOW + timedelta(hours=2))) == 3
        assert later.id is not None


def test_a_sent_message_is_not_due_again(backend: Backend) -> None:
    world = make_world(backend.engine, members=1)
    with unit_of_work(backend.engine) as session:
        enqueue(session, world, not_before=NOW)
    with unit_of_work(backend.engine) as session:
        [due] = outbox.due(session, now=NOW)
        outbox.mark_sent(session, due, at=NOW)
    with unit_of_work(backend.engine) as session:
        assert outbox.due(session, now=NOW + timedelta(days=1)) == []
    [row] = stored(backend)
    assert (row.status, row.attempts, row.sent_at) == ("sent", 1, NOW)


def test_failures_are_retried_with_backoff_then_given_up_without_leaking_urls(
    backend: Backend,
) -> None:
    world = make_world(backend.engine, members=1)
    with unit_of_work(backend.engine) as session:
        message, _ = enqueue(session, world, not_before=NOW)
        channel = session.get(Channel, message.channel_id)
        assert channel is not None
        url = channel.url
    at = NOW
    for attempt in range(1, 4):
        with unit_of_work(backend.engine) as session:
            [due] = outbox.due(session, now=at)
            outbox.mark_failed(
                session, due, f"could not reach {url} (timeout)", at=at, max_attempts=3
            )
        [row] = stored(backend)
        assert row.attempts == attempt
        assert "s3cr3t" not in (row.last_error or "")
        assert row.last_error == "could not reach mailto://*** (timeout)"
        if attempt < 3:
            assert row.status == "pending"
            assert row.next_attempt_at == at + outbox.retry_delay(attempt)
            with unit_of_work(backend.engine) as session:
                assert outbox.due(session, now=row.next_attempt_at - timedelta(seconds=1)) == []
            at = row.next_attempt_at
    assert row.status == "dead"
    with unit_of_work(backend.engine) as session:
        assert outbox.due(session, now=at + timedelta(days=365)) == []


def test_retry_delays_double_up_to_a_ceiling() -> None:
    delays = [outbox.retry_delay(n) for n in (1, 2, 3, 4, 10, 100)]
    assert delays[:4] == [timedelta(minutes=m) for m in (1, 2, 4, 8)]
    assert delays[4] == delays[5] == outbox.LONGEST_RETRY


def test_channel_urls_are_secrets() -> None:
    channel = Channel(id=3, person_id=1, url="tgram://123456:ABCsecret/98765", label="phone")
    for shown in (repr(channel), str(channel)):
        assert "ABCsecret" not in shown
        assert "98765" not in shown
    assert channel.masked_url == "tgram://***"
    assert mask_url("not a url with secret") == "***"
    assert redact_urls("failed: mailtos://user:pw@host and json://x.y/z ok") == (
        "failed: mailtos://*** and json://*** ok"
    )


def test_the_outbox_is_counted_per_person(backend: Backend) -> None:
    world = make_world(backend.engine, members=3)
    with unit_of_work(backend.engine) as session:
        for member in world.members:
            assert member.id is not None
            enqueue(
                session,
                world,
                person_id=member.id,
                channel_id=world.channels[member.id],
                language=member.language,
                format=member.format,
            )
    with read_session(backend.engine) as session:
        count = session.exec(select(func.count(col(OutboxMessage.person_id).distinct()))).one()
        assert count == 3


def outgoing(world: World, member_index: int, **overrides: object) -> outbox.Outgoing:
    member = world.members[member_index]
    assert member.id is not None
    arguments: dict[str, object] = {
        "event": "board.papers",
        "person_id": member.id,
        "channel_id": world.channels[member.id],
        "language": member.language,
        "format": member.format,
        "payload": {"venture": world.venture_id},
        "venture_id": world.venture_id,
        "gate_id": "design",
        "ballot": 1,
    }
    arguments.update(overrides)
    return outbox.Outgoing(**arguments)  # type: ignore[arg-type]


def test_many_messages_at_once_are_queued_as_one_by_one(backend: Backend) -> None:
    """`enqueue_many` stores what `enqueue` would, message after message: the same keys
    and rows in the same order, a key already there or repeated left as it is."""
    world = make_world(backend.engine, members=3)
    with unit_of_work(backend.engine) as session:
        _, created = enqueue(session, world)  # members[0]'s, queued before
        assert created
        batch = [
            outgoing(world, 1),
            outgoing(world, 0, payload={"changed": True}),  # the same key as before
            outgoing(world, 2),
            outgoing(world, 1, payload={"again": True}),  # repeated here: the first stays
        ]
        assert outbox.enqueue_many(session, batch) == 2
    with unit_of_work(backend.engine) as session:  # run again: nothing new
        assert outbox.enqueue_many(session, batch) == 0
        assert outbox.enqueue_many(session, []) == 0
    rows = stored(backend)
    assert [(m.person_id, m.payload) for m in rows] == [
        (world.members[0].id, {"venture": world.venture_id}),
        (world.members[1].id, {"venture": world.venture_id}),
        (world.members[2].id, {"venture": world.venture_id}),
    ]
    assert [m.idempotency_key for m in rows[1:]] == [batch[0].key, batch[2].key]
    assert (
        rows[0].idempotency_key
        == batch[1].key
        == outbox.idempotency_key(
            "board.papers",
            person_id=world.members[0].id or 0,
            channel_id=world.channels[world.members[0].id or 0],
            venture_id=world.venture_id,
            gate_id="design",
            ballot=1,
        )
    )
    assert all(m.status == "pending" and m.attempts == 0 for m in rows)


# --- attachments ---------------------------------------------------------------------------


def test_attachments_are_stored_with_the_message(backend: Backend) -> None:
    world = make_world(backend.engine, members=1)
    files = ("board-packs/2026-12-08/megan.lloyd@example.org.pdf", "board-packs/x/y z.html")
    with unit_of_work(backend.engine) as session:
        enqueue(session, world, attachments=files)
        enqueue(session, world, discriminator="no files")
    with_files, without = stored(backend)
    assert with_files.attachments == list(files)
    assert without.attachments is None


@pytest.mark.parametrize(
    "path",
    [
        "",
        "/etc/passwd",
        "../secret.pdf",
        "board-packs/../../secret.pdf",
        "board-packs/./x.pdf",
        "board-packs//x.pdf",
        "board-packs/",
        "C:/Windows/x.pdf",
        "board-packs\\..\\x.pdf",
        "board-packs/x\n.pdf",
        "x" * 600,
    ],
)
def test_a_path_out_of_the_data_folder_is_refused_before_anything_is_written(
    backend: Backend, path: str
) -> None:
    world = make_world(backend.engine, members=1)
    with pytest.raises(outbox.AttachmentRefused), unit_of_work(backend.engine) as session:
        enqueue(session, world, attachments=("board-packs/fine.pdf", path))
    assert stored(backend) == []


def test_many_messages_carry_their_files_and_wait_as_one_by_one(backend: Backend) -> None:
    world = make_world(backend.engine, members=2)
    files = ("board-packs/2026-12-08/a.pdf", "board-packs/2026-12-08/a.html")
    later = NOW + timedelta(hours=3)
    with unit_of_work(backend.engine) as session:
        batch = [outgoing(world, 0, attachments=files, not_before=later), outgoing(world, 1)]
        assert outbox.enqueue_many(session, batch) == 2
    with_files, without = stored(backend)
    assert (with_files.attachments, with_files.next_attempt_at) == (list(files), later)
    assert without.attachments is None
    assert without.next_attempt_at == without.created_at  # due at once
    with unit_of_work(backend.engine) as session:
        assert outbox.queued_keys(session, [m.key for m in batch] + ["x" * 64]) == {
            m.key for m in batch
        }


def test_many_messages_with_a_path_out_of_the_data_folder_write_nothing(
    backend: Backend,
) -> None:
    world = make_world(backend.engine, members=2)
    batch = [outgoing(world, 0), outgoing(world, 1, attachments=("../secret.pdf",))]
    with pytest.raises(outbox.AttachmentRefused), unit_of_work(backend.engine) as session:
        outbox.enqueue_many(session, batch)
    assert stored(backend) == []


def test_too_many_attachments_are_refused(backend: Backend) -> None:
    world = make_world(backend.engine, members=1)
    many = [f"f{n}.pdf" for n in range(outbox.MAX_ATTACHMENTS + 1)]
    with pytest.raises(outbox.AttachmentRefused), unit_of_work(backend.engine) as session:
        enqueue(session, world, attachments=many)
    assert stored(backend) == []


def test_an_attachment_path_is_followed_and_must_stay_in_the_data_folder(tmp_path: Path) -> None:
    data = tmp_path / "data"
    (data / "board-packs").mkdir(parents=True)
    (data / "board-packs" / "pack.pdf").write_bytes(b"%PDF-1.4")
    outside = tmp_path / "secret.txt"
    outside.write_text("not for sending")
    (data / "board-packs" / "link.pdf").symlink_to(outside)
    (data / "board-packs" / "inner.pdf").symlink_to(data / "board-packs" / "pack.pdf")
    found = outbox.attachment_path(data, "board-packs/pack.pdf")
    assert found == (data / "board-packs" / "pack.pdf").resolve()
    assert outbox.attachment_path(data, "board-packs/inner.pdf") == found  # a link inside
    with pytest.raises(outbox.AttachmentRefused):
        outbox.attachment_path(data, "board-packs/link.pdf")  # a link leading out
    with pytest.raises(outbox.AttachmentRefused):
        outbox.attachment_path(data, "../secret.txt")
    # Missing is not refused: the caller reads it and says so (and may try again).
    assert not outbox.attachment_path(data, "board-packs/gone.pdf").exists()
