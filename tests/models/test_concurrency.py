"""Many writers at once: every vote stored exactly once, nobody told "database is locked",
and the audit chain still verifies."""

from __future__ import annotations

import subprocess
import sys
import textwrap
import threading
from collections import Counter
from pathlib import Path

from sqlmodel import col, func, select

from models import audit
from models.db import read_session, unit_of_work
from models.tables import AuditEntry, OutboxMessage, Vote
from tests.models.conftest import Backend
from tests.models.factories import World, cast_vote, make_world

ROOT = Path(__file__).resolve().parents[2]
THREADS = 8
VOTES_PER_THREAD = {"sqlite": 200, "postgresql": 100}  # PostgreSQL: fewer, for time
CHOICES = ("approve", "approve-with-conditions", "recycle", "reject", "hold", "more-time")


def check_votes(backend: Backend, world: World, expected: dict[int, list[str]]) -> None:
    """Each member's votes are exactly `expected[member id]`, in order, chained by
    `superseded_by_id`, with only the last one current; one audit entry and one outbox
    message per vote; the chain verifies."""
    total = sum(len(reasons) for reasons in expected.values())
    with read_session(backend.engine) as session:
        votes = list(session.exec(select(Vote).order_by(col(Vote.id))))
        assert len(votes) == total
        for member_id, reasons in expected.items():
            mine = [v for v in votes if v.member_id == member_id]
            assert sorted(v.reason or "" for v in mine) == sorted(reasons)
            by_id = {v.id: v for v in mine}
            current = [v for v in mine if v.is_current]
            assert len(current) == 1
            # follow the chain from the first vote to the current one
            first = next(v for v in mine if v.id not in {w.superseded_by_id for w in mine})
            chain = [first]
            while chain[-1].superseded_by_id is not None:
                chain.append(by_id[chain[-1].superseded_by_id])
            assert [v.reason for v in chain] == reasons
            assert chain[-1] is current[0]
        entries = session.exec(select(func.count()).select_from(AuditEntry)).one()
        assert entries == 1 + total  # the venture's start, then one per vote
        actions = Counter(session.exec(select(AuditEntry.action)).all())
        assert actions == {"venture.start": 1, "board.vote": total}
        messages = session.exec(
            select(func.count(col(OutboxMessage.idempotency_key).distinct()))
        ).one()
        assert messages == total
        result = audit.verify(session)
        assert result.ok, result.message()
        assert result.entries == 1 + total


def test_eight_threads_vote_at_once(backend: Backend) -> None:
    world = make_world(backend.engine, members=THREADS)
    per_thread = VOTES_PER_THREAD[backend.name]
    start = threading.Barrier(THREADS)
    errors: list[str] = []

    def member_votes(index: int) -> None:
        member = world.members[index]
        start.wait()
        for n in range(per_thread):
            try:
                with unit_of_work(backend.engine) as session:
                    cast_vote(
                        session,
                        world,
                        member,
                        CHOICES[(index + n) % len(CHOICES)],
                        reason=f"{index}:{n}",
                    )
            except Exception as error:
                errors.append(f"thread {index}, vote {n}: {type(error).__name__}: {error}")
                return

    threads = [threading.Thread(target=member_votes, args=(i,)) for i in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(600)
    assert not errors, "\n".join(errors[:5])
    assert not any("database is locked" in e for e in errors)
    expected = {
        member.id: [f"{i}:{n}" for n in range(per_thread)]
        for i, member in enumerate(world.members)
        if member.id is not None
    }
    check_votes(backend, world, expected)


VOTER = textwrap.dedent(
    """
    import sys
    from sqlmodel import select
    from models.db import make_engine, unit_of_work
    from models.tables import Channel, Person
    from tests.models.factories import World, cast_vote

    url, index, count = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    engine = make_engine(url)
    with unit_of_work(engine) as session:
        email = f"member{index}@example.org"
        member = session.exec(select(Person).where(Person.email == email)).one()
        channel = session.exec(select(Channel).where(Channel.person_id == member.id)).one()
    world = World(lead=member, members=[member], channels={member.id: channel.id},
                  venture_id="v-0001")
    for n in range(count):
        with unit_of_work(engine) as session:
            cast_vote(session, world, member, "approve", reason=f"p{index}:{n}")
    engine.dispose()
    """
)


def test_four_processes_vote_at_once(backend: Backend) -> None:
    """Separate processes (separate connection pools) queue just the same."""
    processes, per_process = 4, 30
    world = make_world(backend.engine, members=processes)
    running = [
        subprocess.Popen(
            [sys.executable, "-c", VOTER, backend.url, str(index), str(per_process)],
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for index in range(processes)
    ]
    failures = []
    for index, process in enumerate(running):
        _, stderr = process.communicate(timeout=300)
        if process.returncode != 0:
            failures.append(f"process {index} failed:\n{stderr.strip().splitlines()[-1]}")
    assert not failures, "\n".join(failures)
    expected = {
        member.id: [f"p{i}:{n}" for n in range(per_process)]
        for i, member in enumerate(world.members)
        if member.id is not None
    }
    check_votes(backend, world, expected)
