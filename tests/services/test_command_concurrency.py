"""Eight people voting at once through the real `vote` command.

Ten ventures wait at the Board (driven there by the commands). Eight threads cast
their votes at the same time, each vote one unit of work (`advance_after=False`).
Each (venture, member) pair belongs to one thread, which votes on it again and
again, so every member's last vote on each ballot is known; the threads' pairs
cover every venture, so each ballot is written by several threads at once.
Nobody is told "database is locked", every vote is stored exactly once (with its
one audit entry), one vote per member per ballot is current, and the audit chain
still verifies.
"""

from __future__ import annotations

import threading
from collections import Counter
from pathlib import Path

import pytest
from sqlalchemy import func
from sqlmodel import col, select

from checklists.loader import load_library
from models import audit
from models import tables as t
from models.db import read_session
from services.commands import Cyd, record_review, start_venture, submit, vote
from services.programme_import import import_programme, load_programme
from tests.models.conftest import Backend
from tests.services.test_commands import CO_PRODUCER, LEAD, REVIEWERS, SUPPORTER, fill_checklist

ROOT = Path(__file__).resolve().parents[2]
PROGRAMME = ROOT / "examples" / "programme.yaml"
THREADS = 8
VOTES_PER_THREAD = {"sqlite": 200, "postgresql": 50}  # PostgreSQL: fewer, for time
VENTURES = 10
CHAIR = "megan.lloyd@example.org"
MEMBERS = (CHAIR, "aled.evans@example.org", "sian.roberts@example.org")
MEMBERS += ("david.hughes@example.org", "priya.shah@example.org")  # the lead is not one
CHOICES = ("approve", "approve-with-conditions", "recycle", "reject", "hold", "abstain")
CHOICES += ("more-time",)

Pair = tuple[str, str]  # (venture, member)


def ventures_at_the_board(cyd: Cyd) -> list[str]:
    ventures = []
    for n in range(VENTURES):
        venture_id = start_venture(
            cyd, workstream="day-opportunities", title=f"Venture {n}", lead=LEAD
        ).venture_id
        fill_checklist(cyd, venture_id, CO_PRODUCER)
        submit(cyd, venture_id, by=LEAD)
        for reviewer in REVIEWERS:
            outcome = record_review(cyd, venture_id, by=reviewer, recommend="go")
        assert outcome.advanced is not None
        assert outcome.advanced.state == "awaiting_board"
        ventures.append(venture_id)
    return ventures


def plan(ventures: list[str], per_thread: int) -> list[list[tuple[Pair, str, str]]]:
    """Each thread's votes, in order: (pair, choice, reason)."""
    pairs = [(v, m) for v in ventures for m in MEMBERS]
    votes: list[list[tuple[Pair, str, str]]] = []
    for thread in range(THREADS):
        mine = pairs[thread::THREADS]
        votes.append(
            [
                (mine[n % len(mine)], CHOICES[(thread + n) % len(CHOICES)], f"{thread}:{n}")
                for n in range(per_thread)
            ]
        )
    return votes


@pytest.mark.slow
def test_eight_threads_vote_through_the_command(backend: Backend) -> None:
    library = load_library()
    programme = load_programme(PROGRAMME, library=library)
    import_programme(
        backend.engine, programme, PROGRAMME.read_text(encoding="utf-8"), "admin@example.org"
    )
    ventures = ventures_at_the_board(Cyd(backend.engine, library))
    with read_session(backend.engine) as session:
        entries_before = audit.last_entry(session)
    assert entries_before is not None
    cyd = Cyd(backend.engine, library, advance_after=False)  # each vote: one unit of work
    votes = plan(ventures, VOTES_PER_THREAD[backend.name])
    start = threading.Barrier(THREADS)
    errors: list[str] = []

    def cast(thread: int) -> None:
        start.wait()
        for n, ((venture_id, member), choice, reason) in enumerate(votes[thread]):
            try:
                vote(
                    cyd,
                    venture_id,
                    member=member,
                    choice=choice,
                    reason=reason,
                    supported_by=SUPPORTER if member == CHAIR and n % 2 else None,
                )
            except Exception as error:
                errors.append(f"thread {thread} vote {n}: {type(error).__name__}: {error}")

    threads = [threading.Thread(target=cast, args=(n,)) for n in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors, f"{len(errors)} votes failed, e.g. {errors[:3]}"

    total = THREADS * VOTES_PER_THREAD[backend.name]
    cast_per_pair = Counter(pair for mine in votes for pair, _, _ in mine)
    last = {pair: (choice, reason) for mine in votes for pair, choice, reason in mine}
    with read_session(backend.engine) as session:
        emails = {p.id: p.email for p in session.exec(select(t.Person))}
        rows = session.exec(select(t.Vote).order_by(col(t.Vote.id))).all()
        assert len(rows) == total
        assert len({r.reason for r in rows}) == total  # every vote stored exactly once
        stored = Counter((r.venture_id, emails[r.member_id]) for r in rows)
        assert stored == cast_per_pair
        current = {}
        for row in rows:
            if row.is_current:
                pair = (row.venture_id, emails[row.member_id])
                assert pair not in current, f"two current votes for {pair}"
                current[pair] = (row.choice, row.reason)
        assert current == last
        recorded = session.exec(
            select(func.count())
            .select_from(t.AuditEntry)
            .where(t.AuditEntry.action == "vote.recorded")
        ).one()
        assert recorded == total
        later = session.exec(
            select(t.AuditEntry.action).where(t.AuditEntry.seq > entries_before.seq)
        ).all()
        assert Counter(later) == {"vote.recorded": total}
        assert not session.exec(select(t.Decision)).all()  # nothing advanced
        verified = audit.verify(session)
        assert verified.ok, verified.message()
