"""Issue 3's benchmarks: recording a vote, `cyd venture show`, the overdue-actions query.

Each result comes with a baseline measured in the same run:
- a vote through `services.commands.vote` (checks, then advancing) against a bare unit
  of work that inserts one Vote row and one audit entry, on SQLite and PostgreSQL;
- `cyd venture show` as a process against `python -c "import sqlmodel"`;
- `models.queries.ventures_due` over 100,000 open ventures against the same query
  with the (state, deadline) index dropped, and against a full `count(*)` scan.
"""

from __future__ import annotations

import datetime as dt
import os
import random
import secrets
import statistics
import subprocess
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, event, insert, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError

from benchmarks.common import PYTHON, ROOT, bytecode_cache_env, interleaved
from checklists.loader import Library, load_library
from models import audit, queries
from models import tables as t
from models.db import make_engine, read_session, unit_of_work
from models.migrate import upgrade
from services.commands import Cyd, record_review, start_venture, submit, vote
from services.examples import answer_missing
from services.programme_import import import_programme, load_programme

Row = tuple[str, str, str]

PROGRAMME = ROOT / "examples" / "programme.yaml"
LEAD = "gareth.jones@example.org"
CO_PRODUCER = "nia.morgan@example.org"
REVIEWERS = ("elin.davies@example.org", "owen.walker@example.org")
# The Board members who may vote on the lead's venture (the lead is recused).
VOTERS = (
    "megan.lloyd@example.org",
    "aled.evans@example.org",
    "sian.roberts@example.org",
    "david.hughes@example.org",
    "priya.shah@example.org",
)
POSTGRES_ADMIN_URL = os.environ.get(
    "CYD_BENCH_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
)
VENTURES = int(os.environ.get("CYD_BENCH_VENTURES", "100000"))


class Clock:
    """Every action at its own moment, a second after the one before."""

    def __init__(self, start: dt.datetime) -> None:
        self.now = start

    def __call__(self) -> dt.datetime:
        self.now += dt.timedelta(seconds=1)
        return self.now


# --- a venture at the Board ----------------------------------------------------------


def prepare(engine: Engine, library: Library) -> None:
    """Migrate the database and load the example programme."""
    upgrade(engine)
    programme = load_programme(PROGRAMME, library=library)
    import_programme(engine, programme, PROGRAMME.read_text(encoding="utf-8"), "admin@example.org")


def venture_at_the_board(cyd: Cyd) -> str:
    """Start a venture, answer every must-meet item, submit, and have it reviewed."""
    venture_id = start_venture(
        cyd, workstream="day-opportunities", title="Community café", lead=LEAD
    ).venture_id
    answer_missing(cyd, venture_id, [CO_PRODUCER])
    submit(cyd, venture_id, by=LEAD)
    for reviewer in REVIEWERS:
        outcome = record_review(cyd, venture_id, by=reviewer, recommend="go")
    assert outcome.advanced is not None
    assert outcome.advanced.state == "awaiting_board", outcome
    return venture_id


# --- 1. recording a vote -------------------------------------------------------------


def bare_vote(engine: Engine, venture_id: str, member_id: int, at: dt.datetime) -> None:
    """The floor: one Vote row and one audit entry in one unit of work, no checks.

    The row is stored as not current, so that the one-current-vote index never bites.
    """
    with unit_of_work(engine) as session:
        session.add(
            t.Vote(
                venture_id=venture_id,
                gate_id="design",
                ballot=1,
                member_id=member_id,
                choice="approve",
                at=at,
                is_current=False,
            )
        )
        audit.append(
            session, "bench@example.org", "vote.recorded", venture_id, {"choice": "approve"}, at=at
        )


def vote_rows(url: str, backend: str, votes: int) -> list[Row]:
    """ms per vote through the command, with and without advancing, against the floor."""
    library = load_library()
    engine = make_engine(url)
    try:
        prepare(engine, library)
        clock = Clock(dt.datetime.now(dt.UTC))
        advancing = Cyd(engine, library, clock=clock)
        recording = Cyd(engine, library, clock=clock, advance_after=False)
        venture_id = venture_at_the_board(advancing)
        with read_session(engine) as session:
            person = queries.person_by_email(session, VOTERS[0])
            assert person is not None
            assert person.id is not None
            member_id = person.id
        choices = ("approve", "recycle")  # every vote changes the member's vote

        def by_command(cyd: Cyd) -> Callable[[int], None]:
            def one(n: int) -> None:
                member = VOTERS[n % len(VOTERS)]
                vote(cyd, venture_id, member=member, choice=choices[(n // len(VOTERS)) % 2])

            return one

        cases: dict[str, Callable[[int], None]] = {
            "floor": lambda n: bare_vote(engine, venture_id, member_id, clock()),
            "record": by_command(recording),
            "advance": by_command(advancing),
        }
        samples: dict[str, list[float]] = {name: [] for name in cases}
        for n in range(votes + 10):  # interleaved, so drift hits all alike
            for name, case in cases.items():
                start = time.perf_counter()
                case(n)
                if n >= 10:  # the first few warm caches up
                    samples[name].append(time.perf_counter() - start)
        with read_session(engine) as session:
            venture = session.get(t.Venture, venture_id)
            assert venture is not None
            assert venture.state == "awaiting_board"
            assert audit.verify(session).ok
    finally:
        engine.dispose()
    ms = {name: statistics.median(values) * 1000 for name, values in samples.items()}
    floor = ms["floor"]
    label = f"bare unit of work (1 Vote row + 1 audit entry): {floor:.1f} ms"
    return [
        (
            f"record a vote in-process, {backend}, `Cyd(advance_after=False)`",
            f"{ms['record']:.1f} ms per vote (median of {votes})",
            f"{ms['record'] / floor:.1f}× the {label}",
        ),
        (
            f"record a vote in-process and advance the venture, {backend}",
            f"{ms['advance']:.1f} ms per vote (median of {votes})",
            f"{ms['advance'] / floor:.1f}× the {label}",
        ),
    ]


@contextmanager
def postgres_database() -> Iterator[str]:
    """A temporary database `cyd_bench_<random>`, dropped afterwards.

    Raises OperationalError, before yielding, if the server does not answer.
    """
    admin_url = make_url(POSTGRES_ADMIN_URL).update_query_dict({"connect_timeout": "5"})
    server = make_engine(admin_url)
    admin = server.execution_options(isolation_level="AUTOCOMMIT")
    name = f"cyd_bench_{secrets.token_hex(5)}"
    try:
        with admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
        try:
            yield admin_url.set(database=name).render_as_string(hide_password=False)
        finally:
            with admin.connect() as connection:
                connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    finally:
        server.dispose()


def synchronous_row(folder: Path, votes: int) -> Row:
    """What `synchronous=FULL` (Cyd's SQLite setting) costs a commit: the bare unit of
    work on two databases alike but for that, interleaved."""
    from sqlalchemy import event

    library = load_library()
    engines = {}
    for mode in ("FULL", "NORMAL"):
        engine = make_engine(f"sqlite:///{folder / f'sync-{mode}.db'}")
        if mode == "NORMAL":

            @event.listens_for(engine, "connect")
            def _normal(dbapi_connection: Any, _record: Any) -> None:
                dbapi_connection.execute("PRAGMA synchronous=NORMAL")

        prepare(engine, library)
        engines[mode] = engine
    try:
        clock = Clock(dt.datetime.now(dt.UTC))
        targets = {}
        for mode, engine in engines.items():
            venture_id = venture_at_the_board(Cyd(engine, library, clock=clock))
            with read_session(engine) as session:
                person = queries.person_by_email(session, VOTERS[0])
                assert person is not None
                assert person.id is not None
                targets[mode] = (venture_id, person.id)
            with engine.connect() as connection:
                found = connection.exec_driver_sql("PRAGMA synchronous").scalar()
                assert found == {"FULL": 2, "NORMAL": 1}[mode], found
        samples: dict[str, list[float]] = {mode: [] for mode in engines}
        for n in range(votes + 10):
            for mode, engine in engines.items():
                start = time.perf_counter()
                bare_vote(engine, *targets[mode], clock())
                if n >= 10:
                    samples[mode].append(time.perf_counter() - start)
    finally:
        for engine in engines.values():
            engine.dispose()
    full, normal = (statistics.median(samples[m]) * 1000 for m in ("FULL", "NORMAL"))
    return (
        "a commit on SQLite with `synchronous=FULL` (Cyd's setting: on disk before it "
        "returns), the bare unit of work",
        f"{full:.2f} ms per commit (median of {votes})",
        f"{full / normal:.2f}× the same with `synchronous=NORMAL` ({normal:.2f} ms)",
    )


def checkpoint_row(folder: Path, votes: int) -> Row:
    """What the checkpoint after each commit costs (`models.db._checkpoint`: a deleted
    `-wal` file then loses nothing): the bare unit of work on one `synchronous=FULL`
    database, with the checkpoint and without it, interleaved."""
    import models.db

    library = load_library()
    engine = make_engine(f"sqlite:///{folder / 'checkpoint.db'}")
    samples: dict[bool, list[float]] = {True: [], False: []}
    try:
        prepare(engine, library)
        clock = Clock(dt.datetime.now(dt.UTC))
        venture_id = venture_at_the_board(Cyd(engine, library, clock=clock))
        with read_session(engine) as session:
            person = queries.person_by_email(session, VOTERS[0])
            assert person is not None
            assert person.id is not None
        for n in range(votes + 10):
            for checkpoint in (True, False):
                models.db.CHECKPOINT_AFTER_COMMIT = checkpoint
                start = time.perf_counter()
                bare_vote(engine, venture_id, person.id, clock())
                if n >= 10:
                    samples[checkpoint].append(time.perf_counter() - start)
    finally:
        models.db.CHECKPOINT_AFTER_COMMIT = True
        engine.dispose()
    with_it, without = (statistics.median(samples[c]) * 1000 for c in (True, False))
    return (
        "a commit on SQLite with `synchronous=FULL` and the checkpoint after it (Cyd's "
        "setting: a deleted `-wal` file loses nothing), the bare unit of work",
        f"{with_it:.2f} ms per commit (median of {votes})",
        f"{with_it / without:.2f}× the same without the checkpoint ({without:.2f} ms)",
    )


def vote_benchmarks() -> list[Row]:
    votes = int(os.environ.get("CYD_BENCH_VOTES", "100"))
    with tempfile.TemporaryDirectory() as folder:
        rows = vote_rows(f"sqlite:///{Path(folder) / 'cyd.db'}", "SQLite", votes)
        rows.append(synchronous_row(Path(folder), votes))
        rows.append(checkpoint_row(Path(folder), votes))
    try:
        with postgres_database() as url:
            rows += vote_rows(url, "PostgreSQL", votes)
    except OperationalError as error:
        where = make_url(POSTGRES_ADMIN_URL).render_as_string(hide_password=True)
        problem = " ".join(str(error.orig).split())
        rows.append(
            (
                "record a vote in-process, PostgreSQL",
                f"not run: PostgreSQL did not answer at {where} ({problem})",
                "-",
            )
        )
    return rows


# --- 2. `cyd venture show` -------------------------------------------------------------


def show_benchmarks() -> list[Row]:
    """Process time of `cyd venture show`, with and without Python's bytecode cache.

    An installed Cyd runs from cached bytecode; with PYTHONDONTWRITEBYTECODE set (some
    CI and sandboxes set it) every run compiles every module it imports, which adds the
    same kind of cost to both sides. The cache lives in this run's temporary folder.
    """
    repeats = int(os.environ.get("CYD_BENCH_REPEATS", "15"))
    with tempfile.TemporaryDirectory() as folder:
        data = Path(folder) / "data"
        ours = {
            "CYD_DATA_DIR": str(data),
            "CYD_CACHE_DIR": str(Path(folder) / "cache"),
            "CYD_DATABASE_URL": "",
        }
        cached = bytecode_cache_env(Path(folder))
        compiling = {
            "PYTHONDONTWRITEBYTECODE": "1",
            "PYTHONPYCACHEPREFIX": str(Path(folder) / "none"),
        }
        init = [PYTHON, "-m", "cli.main", "init"]
        subprocess.run(init, cwd=ROOT, check=True, capture_output=True, env={**os.environ, **ours})
        engine = make_engine(f"sqlite:///{data / 'cyd.db'}")
        try:
            library = load_library()
            cyd = Cyd(engine, library)
            venture_id = venture_at_the_board(cyd)
            vote(cyd, venture_id, member=VOTERS[0], choice="approve")
        finally:
            engine.dispose()
        show = [PYTHON, "-m", "cli.main", "venture", "show", venture_id]
        pair: dict[str, Sequence[str]] = {
            "baseline": [PYTHON, "-c", "import sqlmodel"],
            "show": show,
        }
        cached_times = interleaved(
            pair, repeats=repeats, envs={"baseline": cached, "show": {**ours, **cached}}
        )
        # Compiling every module takes seconds a run: fewer repeats.
        compiling_times = interleaved(
            pair,
            repeats=max(3, repeats // 3),
            warmup=1,
            envs={"baseline": compiling, "show": {**ours, **compiling}},
        )
    return [
        (
            f"`cyd venture show {venture_id}` (a venture at the Board), process{label}",
            f"{times['show'] * 1000:.0f} ms vs {times['baseline'] * 1000:.0f} ms for "
            '`python -c "import sqlmodel"` (same bytecode setting)',
            f"{times['show'] / times['baseline']:.2f}× (target ≤ 1.5×)",
        )
        for times, label in (
            (cached_times, ""),
            (compiling_times, ", no bytecode cache (PYTHONDONTWRITEBYTECODE=1)"),
        )
    ]


# --- 3. the overdue-actions query ------------------------------------------------------

OPEN_STATES = ("draft", "submitted", "returned", "in_review", "awaiting_board", "on_hold")
# Ventures waiting for answers, reviews or votes: what the reminders sweep looks for.
SWEPT = ("draft", "in_review", "awaiting_board")
FULL_SCAN = "SELECT count(*) FROM venture NOT INDEXED"


def fill_ventures(engine: Engine, count: int, now: dt.datetime) -> None:
    """`count` open ventures, states mixed, deadlines spread over a year (a month past)."""
    rng = random.Random(3)  # noqa: S311 - test data, not secrets
    with unit_of_work(engine) as session:
        session.add(t.Workstream(id="bench", name="Bench"))
        lead = t.Person(email="lead@example.org", name="Lead")
        session.add(lead)
        session.flush()
        lead_id = lead.id
    table = t.Venture.metadata.tables["venture"]
    start = now - dt.timedelta(days=30)
    batch = 10_000
    with engine.begin() as connection:
        for first in range(0, count, batch):
            rows = []
            for n in range(first, min(first + batch, count)):
                rows.append(
                    {
                        "id": f"v-{n + 1:06d}",
                        "workstream_id": "bench",
                        "title": f"Venture {n + 1}",
                        "lead_id": lead_id,
                        "state": rng.choice(OPEN_STATES),
                        "gate_id": "design",
                        "deadline": start + dt.timedelta(seconds=rng.randrange(365 * 86400)),
                        "created_at": now,
                        "updated_at": now,
                    }
                )
            connection.execute(insert(table), rows)


def best_of(fn: Callable[[], object], repeats: int = 5) -> float:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def overdue_benchmarks() -> list[Row]:
    now = dt.datetime.now(dt.UTC).replace(microsecond=0)
    limits: tuple[int | None, ...] = (None, 100)
    with tempfile.TemporaryDirectory() as folder:
        engine = make_engine(f"sqlite:///{Path(folder) / 'cyd.db'}")
        try:
            upgrade(engine)
            fill_ventures(engine, VENTURES, now)
            with engine.begin() as connection:
                connection.exec_driver_sql("ANALYZE")

            def due(limit: int | None) -> int:
                with read_session(engine) as session:
                    found = queries.ventures_due(session, before=now, states=SWEPT, limit=limit)
                    return len(found)

            found = due(None)
            scan = best_of(lambda: _count(engine))
            indexed = {limit: best_of(lambda n=limit: due(n)) for limit in limits}  # type: ignore[misc]
            plan = explain(engine, now)
            with engine.begin() as connection:
                connection.exec_driver_sql("DROP INDEX ix_venture_state_deadline")
            engine.dispose()  # cached statements would still show the old plan
            bare = {limit: best_of(lambda n=limit: due(n)) for limit in limits}  # type: ignore[misc]
            bare_plan = explain(engine, now)
        finally:
            engine.dispose()
    where = (
        f"{VENTURES:,} open ventures in 6 states, deadlines over a year from a month ago, SQLite"
    )
    rows = [
        (
            f"overdue-actions query `ventures_due` (draft, in review, at the Board), {where}",
            f"{indexed[None] * 1000:.0f} ms for all {found:,} overdue (target < 1 s); plan: {plan}",
            f"{indexed[None] / bare[None]:.2f}× the same query without the (state, deadline) "
            f"index ({bare[None] * 1000:.0f} ms; plan: {bare_plan}); "
            f"{indexed[None] / scan:.1f}× a full scan `{FULL_SCAN}` "
            f"({scan * 1000:.1f} ms)",
        ),
        (
            "the same query, soonest 100 only (`limit=100`)",
            f"{indexed[100] * 1000:.1f} ms",
            f"{indexed[100] / bare[100]:.2f}× the same without the index "
            f"({bare[100] * 1000:.1f} ms)",
        ),
    ]
    return rows


def _count(engine: Engine) -> int:
    with engine.connect() as connection:
        return int(connection.exec_driver_sql(FULL_SCAN).scalar_one())


def explain(engine: Engine, now: dt.datetime) -> str:
    """SQLite's plan for the statement `ventures_due` sends (caught on its way out)."""
    sent: list[tuple[str, Any]] = []

    def catch(_conn: Any, _cursor: Any, statement: str, parameters: Any, *_: Any) -> None:
        sent.append((statement, parameters))

    event.listen(engine, "before_cursor_execute", catch)
    try:
        with read_session(engine) as session:
            queries.ventures_due(session, before=now, states=SWEPT)
    finally:
        event.remove(engine, "before_cursor_execute", catch)
    [(statement, parameters)] = [s for s in sent if "FROM venture" in s[0]]
    with engine.connect() as connection:
        steps = connection.exec_driver_sql(f"EXPLAIN QUERY PLAN {statement}", parameters)
        return "; ".join(f"`{row[-1]}`" for row in steps)


def run() -> list[Row]:
    return [*vote_benchmarks(), *show_benchmarks(), *overdue_benchmarks()]
