"""`notifications.tell`: one message fanned out to people's channels, on SQLite and
PostgreSQL: each active channel once, keys that repeat (a second call queues
nothing), supporters' copies, and nobody's row for a person with no channel."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from models import outbox
from models.db import read_session, unit_of_work
from models.tables import Channel, OutboxMessage, Person
from notifications.tell import Copy, Told, messages_for, tell
from tests.models.factories import add_person

EVENT = "venture.reminder"
PAYLOAD = {"event": "reminder", "venture": {"id": "v-0001"}, "group": False}
AT = dt.datetime(2026, 3, 2, 10, 0, tzinfo=dt.UTC)


def person(session: Session, email: str, *, channels: int = 1, **fields: str) -> Person:
    """A person with `channels` active channels (0: none at all)."""
    someone, channel = add_person(session, email, **fields)  # type: ignore[arg-type]
    assert someone.id is not None
    if channels == 0:
        session.delete(channel)
    for n in range(1, channels):
        session.add(Channel(person_id=someone.id, url=f"json://127.0.0.1/{email}/{n}", label=""))
    session.flush()
    return someone


def load(session: Session, *people: Person) -> list[Person]:
    """The people again, in this session."""
    found = [session.get(Person, p.id) for p in people]
    assert all(p is not None for p in found)
    return [p for p in found if p is not None]


def rows(engine: Engine) -> list[OutboxMessage]:
    with read_session(engine) as session:
        return list(session.exec(select(OutboxMessage).order_by(col(OutboxMessage.id))))


def channel_ids(engine: Engine, who: Person) -> list[int]:
    with read_session(engine) as session:
        found = session.exec(
            select(Channel.id)
            .where(Channel.person_id == who.id)
            .where(col(Channel.active))
            .order_by(col(Channel.id))
        ).all()
    return [i for i in found if i is not None]


def tell_once(engine: Engine, people: list[Person], **options: object) -> Told:
    with unit_of_work(engine) as session:
        return tell(
            session,
            load(session, *people),
            EVENT,
            PAYLOAD,
            key=str(options.pop("key", "audit:7")),
            **options,  # type: ignore[arg-type]
        )


def test_each_active_channel_of_each_person_gets_one_row(engine: Engine) -> None:
    with unit_of_work(engine) as session:
        cerys = person(session, "cerys@example.org", channels=3, language="cy", format="easy-read")
        dai = person(session, "dai@example.org")
        quiet = session.exec(select(Channel).where(Channel.person_id == cerys.id)).all()[1]
        quiet.active = False  # removed from the programme: not used
        session.add(quiet)
    told = tell_once(
        engine, [cerys, dai], venture_id=None, ballot=None, attachments=("packs/a.pdf",)
    )
    stored = rows(engine)
    assert told.queued == len(stored) == 3  # Cerys's two active channels, and Dai's one
    assert [(r.person_id, r.channel_id) for r in stored] == [
        *((cerys.id, c) for c in channel_ids(engine, cerys)),
        *((dai.id, c) for c in channel_ids(engine, dai)),
    ]
    assert [(r.language, r.format) for r in stored] == [
        ("cy", "easy-read"),
        ("cy", "easy-read"),
        ("en", "standard"),
    ]
    assert all(r.event == EVENT and r.payload == PAYLOAD for r in stored)
    assert all(r.attachments == ["packs/a.pdf"] and r.status == "pending" for r in stored)
    assert [m.key for m in told.messages] == [r.idempotency_key for r in stored]


def test_keys_are_unique_and_a_second_call_queues_nothing(engine: Engine) -> None:
    with unit_of_work(engine) as session:
        people = [person(session, f"p{n}@example.org", channels=2) for n in range(3)]
    about = {"venture_id": None, "gate_id": None, "ballot": 2}
    first = tell_once(engine, people, **about)
    again = tell_once(engine, [*people, people[0]], **about)  # run again, one named twice
    assert first.queued == 6
    assert again.queued == 0
    assert again.keys == first.keys  # the same rows, as they were queued
    stored = rows(engine)
    assert len(stored) == 6
    assert len({r.idempotency_key for r in stored}) == 6
    # The key is the outbox's, from what happened (`key`) and to whom, where.
    assert {r.idempotency_key for r in stored} == {
        outbox.idempotency_key(
            EVENT, person_id=r.person_id, channel_id=r.channel_id, ballot=2, discriminator="audit:7"
        )
        for r in stored
    }
    later = tell_once(engine, people[:1], key="audit:8", **about)  # something else happened
    assert later.queued == 2
    assert not set(later.keys) & set(first.keys)


def test_a_person_with_no_channel_gets_no_row_and_the_others_theirs(engine: Engine) -> None:
    with unit_of_work(engine) as session:
        nowhere = person(session, "nowhere@example.org", channels=0)
        somewhere = person(session, "somewhere@example.org")
    told = tell_once(engine, [nowhere, somewhere])
    assert told.queued == 1
    assert [m.person_id for m in told.messages] == [somewhere.id]
    assert [r.person_id for r in rows(engine)] == [somewhere.id]
    assert tell_once(engine, [nowhere]) == Told((), 0)


def test_supporters_copies_say_whom_they_are_about_and_go_once(engine: Engine) -> None:
    with unit_of_work(engine) as session:
        nia = person(session, "nia@example.org", format="easy-read")
        helper = person(session, "helper@example.org", channels=2, language="cy")
        other = person(session, "other@example.org")
    with unit_of_work(engine) as session:
        nia_, helper_ = load(session, nia, helper)
        copies = [Copy(helper_, nia_)]
        told = tell(session, [nia_], EVENT, PAYLOAD, key="meeting:2026-03-05", copies=copies)
        again = tell(session, [nia_], EVENT, PAYLOAD, key="meeting:2026-03-05", copies=copies)
    assert (told.queued, again.queued) == (3, 0)
    own, *copied = rows(engine)
    assert (own.person_id, own.payload) == (nia.id, PAYLOAD)
    assert [r.channel_id for r in copied] == channel_ids(engine, helper)
    for row in copied:
        assert row.payload == {**PAYLOAD, "supporting": {"name": "Nia", "email": nia.email}}
        assert (row.person_id, row.language, row.format) == (helper.id, "cy", "standard")
        assert row.idempotency_key == outbox.idempotency_key(
            EVENT,
            person_id=helper.id,  # type: ignore[arg-type]
            channel_id=row.channel_id,
            discriminator=f"meeting:2026-03-05:supporting:{nia.id}",
        )
    # A copy about someone else is another message; a copy_key names copies about one
    # person only (two would share their keys).
    with unit_of_work(engine) as session:
        helper_, other_, nia_ = load(session, helper, other, nia)
        copies = [Copy(helper_, other_)]
        more = tell(session, [], EVENT, PAYLOAD, key="meeting:2026-03-05", copies=copies)
        assert more.queued == 2
        with pytest.raises(ValueError, match="one person"):
            messages_for(
                session,
                [],
                EVENT,
                PAYLOAD,
                key="k",
                copies=[Copy(helper_, other_), Copy(helper_, nia_)],
                copy_key="copy:k",
            )


def test_a_copy_key_given_keys_the_copies_and_not_before_holds_them(engine: Engine) -> None:
    with unit_of_work(engine) as session:
        lead = person(session, "lead@example.org")
        helper = person(session, "helper@example.org")
    with unit_of_work(engine) as session:
        lead_, helper_ = load(session, lead, helper)
        told = tell(
            session,
            [lead_],
            EVENT,
            PAYLOAD,
            key="reminder:lead:answer:1",
            venture_id=None,
            copies=[Copy(helper_, lead_)],
            copy_key="copy:lead:answer:1",
            not_before=AT,
        )
    own, copy = rows(engine)
    assert told.queued == 2
    assert copy.idempotency_key == outbox.idempotency_key(
        EVENT,
        person_id=helper.id,  # type: ignore[arg-type]
        channel_id=copy.channel_id,
        discriminator="copy:lead:answer:1",
    )
    assert own.next_attempt_at == copy.next_attempt_at
    assert own.next_attempt_at == AT


def test_messages_for_queues_nothing(engine: Engine) -> None:
    with unit_of_work(engine) as session:
        someone = person(session, "someone@example.org", channels=2)
        planned = messages_for(session, [someone], EVENT, PAYLOAD, key="k")
        assert len(planned) == 2
        assert outbox.queued_keys(session, [m.key for m in planned]) == set()
        assert outbox.enqueue_many(session, planned) == 2
        assert outbox.queued_keys(session, [m.key for m in planned]) == {m.key for m in planned}
    assert len(rows(engine)) == 2
