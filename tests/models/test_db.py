"""Where the database is, how the engine is set up, and the unit of work."""

from __future__ import annotations

import sys
import threading
import time
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError, StatementError
from sqlmodel import Session, col, func, select

from models import audit, outbox, queries
from models.db import (
    data_dir,
    database_url,
    make_engine,
    normalize_url,
    planned_for_now,
    read_session,
    unit_of_work,
)
from models.tables import (
    AuditEntry,
    Ballot,
    Channel,
    Decision,
    OutboxMessage,
    Person,
    Venture,
    Vote,
)
from tests.models.conftest import Backend
from tests.models.factories import NOW, add_venture, cast_vote, make_world, run

# --- locations ----------------------------------------------------------------------------


def test_data_dir_is_cyd_data_dir_when_set(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("CYD_DATA_DIR", str(tmp_path / "here"))
    assert data_dir() == tmp_path / "here"
    monkeypatch.delenv("CYD_DATABASE_URL", raising=False)
    assert database_url() == f"sqlite:///{tmp_path / 'here' / 'cyd.db'}"


@pytest.mark.skipif(sys.platform in {"win32", "darwin"}, reason="the XDG layout")
def test_data_dir_follows_xdg_on_linux(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv("CYD_DATA_DIR", raising=False)
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.delenv("XDG_DATA_HOME", raising=False)
    assert data_dir() == tmp_path / ".local" / "share" / "cyd"
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    assert data_dir() == tmp_path / "xdg" / "cyd"


def test_database_url_is_cyd_database_url_when_set(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CYD_DATABASE_URL", "postgresql+psycopg://cyd@db.example/cyd")
    assert database_url() == "postgresql+psycopg://cyd@db.example/cyd"


@pytest.mark.parametrize(
    "url",
    [
        "postgres://cyd@db/cyd",
        "postgresql://cyd@db/cyd",
        "postgresql+psycopg2://cyd@db/cyd",
        "postgresql+psycopg://cyd@db/cyd",
    ],
)
def test_postgresql_always_goes_through_psycopg_3(url: str) -> None:
    assert normalize_url(url).drivername == "postgresql+psycopg"


def test_other_databases_are_refused_with_a_clear_message() -> None:
    with pytest.raises(ValueError, match="unsupported database 'mysql'"):
        normalize_url("mysql://cyd@db/cyd")


def test_make_engine_creates_the_folder_of_a_sqlite_file(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'new' / 'deeper' / 'cyd.db'}")
    with engine.connect() as connection:
        connection.execute(text("SELECT 1"))
    engine.dispose()
    assert (tmp_path / "new" / "deeper" / "cyd.db").exists()


# --- engine set-up ------------------------------------------------------------------------


def test_sqlite_is_set_up_for_concurrent_writers(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'cyd.db'}")
    with engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert connection.exec_driver_sql("PRAGMA busy_timeout").scalar() == 30_000
    engine.dispose()


@pytest.mark.parametrize(("value", "level"), [(None, 2), ("full", 2), ("normal", 1)])
def test_a_commit_is_on_disk_before_it_returns_unless_told_otherwise(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, value: str | None, level: int
) -> None:
    """FULL (2) by default: in WAL mode NORMAL (1) may lose the last commits on a power
    cut. The suite itself runs with CYD_SQLITE_SYNC=normal (tests/conftest.py)."""
    if value is None:
        monkeypatch.delenv("CYD_SQLITE_SYNC", raising=False)
    else:
        monkeypatch.setenv("CYD_SQLITE_SYNC", value)
    engine = make_engine(f"sqlite:///{tmp_path / 'cyd.db'}")
    try:
        with engine.connect() as connection:
            assert connection.exec_driver_sql("PRAGMA synchronous").scalar() == level
    finally:
        engine.dispose()


def test_an_unknown_sync_level_is_one_clear_line(monkeypatch: pytest.MonkeyPatch) -> None:
    import settings

    monkeypatch.setenv("CYD_SQLITE_SYNC", "sometimes")
    with pytest.raises(settings.SettingsError, match="CYD_SQLITE_SYNC must be full or normal"):
        settings.current()


def test_in_memory_sqlite_works_for_quick_experiments() -> None:
    engine = make_engine("sqlite://")
    with unit_of_work(engine) as session:
        session.execute(text("CREATE TABLE t (x INTEGER)"))
        session.execute(text("INSERT INTO t VALUES (1)"))
    with read_session(engine) as session:
        assert session.execute(text("SELECT x FROM t")).scalar() == 1


def test_foreign_keys_are_enforced(backend: Backend) -> None:
    def command(session: Session) -> None:
        session.add(Channel(person_id=999, url="mailto://x@example.org"))
        session.flush()

    with pytest.raises(IntegrityError):
        run(backend.engine, command)


def test_times_come_back_aware_and_in_utc(backend: Backend) -> None:
    world = make_world(backend.engine, members=1)
    summer = timezone(timedelta(hours=1))
    local = datetime(2025, 7, 1, 18, 0, 0, 123456, tzinfo=summer)
    with unit_of_work(backend.engine) as session:
        venture = session.get(Venture, world.venture_id)
        assert venture is not None
        venture.deadline = local
    with read_session(backend.engine) as session:
        venture = session.get(Venture, world.venture_id)
        assert venture is not None
        assert venture.deadline is not None
        assert venture.deadline == local
        assert venture.deadline.tzinfo == UTC
        assert venture.deadline.hour == 17
        # comparisons in SQL are on the instant
        later = session.exec(select(Venture).where(col(Venture.deadline) > local)).all()
        assert later == []
        earlier = session.exec(
            select(Venture).where(col(Venture.deadline) < local + timedelta(microseconds=1))
        ).all()
        assert len(earlier) == 1


def test_a_naive_time_is_refused(backend: Backend) -> None:
    world = make_world(backend.engine, members=1)

    def command(session: Session) -> None:
        venture = session.get(Venture, world.venture_id)
        assert venture is not None
        venture.deadline = datetime(2025, 1, 1, 12, 0)  # naive: the point of the test
        session.flush()

    with pytest.raises(StatementError, match="naive datetime"):
        run(backend.engine, command)


def test_statement_parameters_never_reach_error_messages(backend: Backend) -> None:
    def command(session: Session) -> None:
        session.add(Channel(person_id=424242, url="tgram://bottoken123456/chat42"))
        session.flush()

    with pytest.raises(IntegrityError) as raised:
        run(backend.engine, command)
    assert "bottoken123456" not in str(raised.value)
    assert "hidden" in str(raised.value)


# --- unit of work -------------------------------------------------------------------------


def counts(backend: Backend) -> dict[str, int]:
    with read_session(backend.engine) as session:
        return {
            model.__name__: session.exec(select(func.count()).select_from(model)).one()
            for model in (Venture, Vote, Decision, AuditEntry, OutboxMessage)
        }


def test_a_failed_unit_of_work_leaves_nothing_half_written(backend: Backend) -> None:
    world = make_world(backend.engine)
    before = counts(backend)

    def command(session: Session) -> None:
        add_venture(session, "v-0002", lead=world.lead, deadline=NOW)
        cast_vote(session, world, world.members[0], "approve", venture_id="v-0002")
        session.add(
            Decision(
                venture_id="v-0002",
                gate_id="design",
                ballot=1,
                outcome="approved",
                rule="board-lived-experience",
                reasons=[],
            )
        )
        session.flush()  # everything is in the database's transaction now
        raise RuntimeError("crash after the writes, before the commit")

    with pytest.raises(RuntimeError, match="crash"):
        run(backend.engine, command)
    assert counts(backend) == before
    with read_session(backend.engine) as session:
        assert session.get(Venture, "v-0002") is None
        assert audit.verify(session).ok


def test_a_constraint_violation_at_commit_rolls_back_the_whole_command(backend: Backend) -> None:
    world = make_world(backend.engine)
    with unit_of_work(backend.engine) as session:
        cast_vote(session, world, world.members[0], "approve")
        session.add(
            Decision(
                venture_id=world.venture_id,
                gate_id="design",
                ballot=1,
                outcome="approved",
                rule="r",
                reasons=[],
            )
        )
    before = counts(backend)

    def command(session: Session) -> None:
        cast_vote(session, world, world.members[1], "approve")
        # a second decision of the same ballot: refused, at the flush of the commit
        session.add(
            Decision(
                venture_id=world.venture_id,
                gate_id="design",
                ballot=1,
                outcome="rejected",
                rule="r",
                reasons=[],
            )
        )

    with pytest.raises(IntegrityError):
        run(backend.engine, command)
    assert counts(backend) == before


def test_a_committed_unit_of_work_keeps_everything_and_objects_stay_usable(
    backend: Backend,
) -> None:
    world = make_world(backend.engine)
    with unit_of_work(backend.engine) as session:
        vote = cast_vote(session, world, world.members[0], "approve")
    assert vote.id is not None  # no lazy load after the commit
    assert vote.choice == "approve"
    with read_session(backend.engine) as session:
        stored = session.get(Vote, vote.id)
        assert stored is not None
        assert stored.is_current
        assert session.exec(select(func.count()).select_from(OutboxMessage)).one() == 1
        assert audit.verify(session).entries == 2


def test_a_read_session_writes_nothing(backend: Backend) -> None:
    world = make_world(backend.engine, members=1)
    with read_session(backend.engine) as session:
        venture = session.get(Venture, world.venture_id)
        assert venture is not None
        venture.title = "changed"
        session.add(venture)
        session.flush()
    with read_session(backend.engine) as session:
        venture = session.get(Venture, world.venture_id)
        assert venture is not None
        assert venture.title == f"Venture {world.venture_id}"


def test_writers_queue_and_readers_are_not_blocked(backend: Backend) -> None:
    """While one command holds the write lock, a reader reads at once and a second
    writer waits its turn, then succeeds (no "database is locked")."""
    world = make_world(backend.engine, members=2)
    inside = threading.Event()
    results: dict[str, float] = {}
    errors: list[BaseException] = []

    def slow_writer() -> None:
        try:
            with unit_of_work(backend.engine) as session:
                cast_vote(session, world, world.members[0], "approve")
                inside.set()
                time.sleep(0.6)
            results["first committed"] = time.monotonic()
        except BaseException as error:  # pragma: no cover - reported below
            errors.append(error)
            inside.set()

    thread = threading.Thread(target=slow_writer)
    thread.start()
    assert inside.wait(10)
    started = time.monotonic()
    with read_session(backend.engine) as session:
        assert session.exec(select(func.count()).select_from(Vote)).one() == 0
    assert time.monotonic() - started < 0.5, "a reader waited for a writer"
    with unit_of_work(backend.engine) as session:
        results["second began"] = time.monotonic()
        cast_vote(session, world, world.members[1], "reject")
    thread.join(10)
    assert not errors, errors
    assert results["second began"] >= results["first committed"] - 0.05
    with read_session(backend.engine) as session:
        assert session.exec(select(func.count()).select_from(Vote)).one() == 2
        assert audit.verify(session).ok


def test_one_current_vote_per_member_and_ballot(backend: Backend) -> None:
    world = make_world(backend.engine, members=1)
    member = world.members[0]
    with unit_of_work(backend.engine) as session:
        first = cast_vote(session, world, member, "more-time")
    with unit_of_work(backend.engine) as session:
        second = cast_vote(session, world, member, "approve")
    with read_session(backend.engine) as session:
        votes = session.exec(select(Vote).order_by(col(Vote.id))).all()
        assert [(v.id, v.is_current, v.superseded_by_id) for v in votes] == [
            (first.id, False, second.id),
            (second.id, True, None),
        ]
    assert member.id is not None

    def command(session: Session) -> None:
        session.add(
            Vote(
                venture_id=world.venture_id,
                gate_id="design",
                ballot=1,
                member_id=member.id,
                choice="reject",
            )
        )
        session.flush()

    with pytest.raises(IntegrityError):
        run(backend.engine, command)


def test_a_ballot_is_decided_once_but_a_new_ballot_may_be(backend: Backend) -> None:
    world = make_world(backend.engine, members=1)

    def decide(session: Session, ballot: int, outcome: str) -> None:
        session.add(
            Decision(
                venture_id=world.venture_id,
                gate_id="design",
                ballot=ballot,
                outcome=outcome,
                rule="board-lived-experience",
                reasons=[{"code": "quorum-met", "text": "Quorum met."}],
                tally={"approve": 3},
            )
        )
        session.flush()

    with unit_of_work(backend.engine) as session:
        decide(session, 1, "on_hold")

    def command(session: Session) -> None:
        decide(session, 1, "approved")

    with pytest.raises(IntegrityError):
        run(backend.engine, command)
    with unit_of_work(backend.engine) as session:
        session.add(Ballot(venture_id=world.venture_id, gate_id="design", number=2, deadline=NOW))
        session.flush()
        decide(session, 2, "approved")
    with read_session(backend.engine) as session:
        outcomes = session.exec(select(Decision.outcome).order_by(col(Decision.ballot))).all()
        assert outcomes == ["on_hold", "approved"]


def test_outbox_enqueue_inside_a_unit_of_work_is_part_of_it(backend: Backend) -> None:
    world = make_world(backend.engine, members=1)
    member = world.members[0]
    assert member.id is not None

    def command(session: Session) -> None:
        outbox.enqueue(
            session,
            event="venture.returned",
            person_id=member.id,
            channel_id=world.channels[member.id],
            language="cy",
            format="easy-read",
            payload={},
            venture_id=world.venture_id,
        )
        raise RuntimeError

    with pytest.raises(RuntimeError):
        run(backend.engine, command)
    assert counts(backend)["OutboxMessage"] == 0


def test_units_of_work_do_not_nest(backend: Backend) -> None:
    def nested() -> None:
        with unit_of_work(backend.engine):
            pass  # pragma: no cover

    with unit_of_work(backend.engine):
        with_outer = pytest.raises(RuntimeError, match="pass the session down")
        with with_outer:
            nested()
    with unit_of_work(backend.engine) as session:  # and the marker was reset
        assert session.exec(select(func.count()).select_from(Vote)).one() == 0


def test_emails_are_stored_in_lower_case(backend: Backend) -> None:
    with unit_of_work(backend.engine) as session:
        person = Person(email="  Ann.Jones@Example.ORG ", name="Ann")
        session.add(person)
    assert person.email == "ann.jones@example.org"
    with read_session(backend.engine) as session:
        assert session.exec(select(Person.email)).all() == ["ann.jones@example.org"]


def _plans(session: Session, like: str) -> tuple[int, int]:
    """(generic, custom) plans of the statements `like` this connection has prepared."""
    rows = session.execute(
        text(
            "SELECT generic_plans, custom_plans FROM pg_prepared_statements "
            "WHERE statement LIKE :like"
        ),
        {"like": like},
    ).all()
    return sum(g for g, _ in rows), sum(c for _, c in rows)


def test_a_look_up_in_planned_for_now_is_planned_for_its_own_values(backend: Backend) -> None:
    """The driver prepares a statement run five times on a connection; the server may
    then keep a generic plan made while the table was small (a sweep's look-ups grew
    with the tables). Inside `planned_for_now` each run is planned again, whatever the
    server would otherwise choose (here: told to keep generic plans)."""
    keys = ["reminder:a", "reminder:b"]
    with unit_of_work(backend.engine) as session:
        if backend.name == "sqlite":  # nothing to set: the look-up runs as it would
            with planned_for_now(session):
                assert outbox.queued_keys(session, keys) == set()
            return
        session.execute(text("SET LOCAL plan_cache_mode = force_generic_plan"))
        for _ in range(8):  # (queued_keys is itself in a block)
            assert outbox.queued_keys(session, keys) == set()
        generic, custom = _plans(session, "%idempotency_key = ANY%")
        assert generic == 0
        assert custom >= 3  # prepared at the sixth run, then planned each time
        with planned_for_now(session):
            with planned_for_now(session):
                pass
            # The inner block leaves the outer one's setting as it was.
            assert session.execute(text("SHOW plan_cache_mode")).scalar() == "force_custom_plan"
        assert session.execute(text("SHOW plan_cache_mode")).scalar() == "force_generic_plan"
        # The same look-up outside any block keeps the generic plan it was told to.
        statement = select(OutboxMessage.idempotency_key).where(
            col(OutboxMessage.idempotency_key).in_(["other:a", "other:b", "other:c"])
        )
        for _ in range(8):
            assert session.exec(statement).all() == []
        assert _plans(session, "%idempotency_key IN%")[0] > 0


def test_one_of_finds_the_rows_with_the_values_bound(backend: Backend) -> None:
    """`queries.one_of` (an array on PostgreSQL, an expanding IN elsewhere): the rows
    whose column is one of the list, none for an empty list, with a statement built once."""
    statement = select(Person.email).where(queries.one_of(col(Person.email), "emails"))
    with unit_of_work(backend.engine) as session:
        for email in ("ann@example.org", "bob@example.org", "cai@example.org"):
            session.add(Person(email=email, name=email))
    with read_session(backend.engine) as session:
        found = session.exec(
            statement, params={"emails": ["cai@example.org", "ann@example.org", "x@example.org"]}
        ).all()
        assert sorted(found) == ["ann@example.org", "cai@example.org"]
        assert session.exec(statement, params={"emails": ["bob@example.org"]}).all() == [
            "bob@example.org"
        ]
        assert session.exec(statement, params={"emails": []}).all() == []
