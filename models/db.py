"""Where the database is, how to connect to it, and the unit of work.

SQLite is the embedded default: one file, `cyd.db`, in Cyd's data folder. Every
write runs in an IMMEDIATE transaction, so concurrent writers (several `cyd`
processes, a flow and a web request) queue on SQLite's busy timeout instead of
failing with "database is locked" half-way through a command. Readers use
ordinary deferred transactions and are never blocked by writers (WAL).

PostgreSQL is used when `CYD_DATABASE_URL` points at it (psycopg 3). Every write
transaction first takes one transaction-scoped advisory lock, so that writes are
serialized exactly as on SQLite: a command reads the state, applies the rules and
appends to the hash-chained audit log without another writer slipping in between.

A command is one unit of work: its state change, its audit entry and its outbox
messages are committed together, or not at all.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from contextvars import ContextVar
from datetime import UTC, datetime
from functools import wraps
from pathlib import Path
from typing import Any, ParamSpec, TypeVar

from sqlalchemy import event, text
from sqlalchemy.engine import URL, Connection, Engine, create_engine, make_url
from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError
from sqlalchemy.pool import ConnectionPoolEntry, StaticPool
from sqlmodel import Session

import settings
from models import faults
from settings import DATA_DIR_ENV as DATA_DIR_ENV  # (the names, kept here for their users)
from settings import DATABASE_URL_ENV as DATABASE_URL_ENV

DATABASE_FILE = "cyd.db"

# How long a writer waits for the writer before it before giving up, in seconds.
LOCK_TIMEOUT_S = 30.0
SQLITE_BUSY_TIMEOUT_S = LOCK_TIMEOUT_S

# A command that meets a transient fault before anything is saved (a lost connection,
# a lock held too long, a serialization failure) is run again from the start, this
# many times in all, after a short pause that grows (`retrying`).
ATTEMPTS = 3
RETRY_PAUSE_S = 0.25

# The PostgreSQL advisory lock (a fixed 64-bit key) that serializes write
# transactions, and with them the audit chain.
WRITE_LOCK_KEY = 0x0C7DA0D1

# Execution option set on read-only sessions (see `read_session`).
_READ_ONLY = "cyd_read_only"
# Execution option set on SQLite engines that checkpoint after each commit.
_CHECKPOINT = "cyd_checkpoint"
# Set while this thread (or task) is inside `unit_of_work`.
_in_unit_of_work: ContextVar[bool] = ContextVar("cyd_in_unit_of_work", default=False)


def utcnow() -> datetime:
    """The current time, timezone-aware, in UTC (all stored times are UTC)."""
    return datetime.now(UTC)


def data_dir() -> Path:
    """Cyd's data folder: `CYD_DATA_DIR`, else the platform's per-user data folder.

    Linux and other Unix: `$XDG_DATA_HOME/cyd` (default `~/.local/share/cyd`);
    macOS: `~/Library/Application Support/cyd`; Windows: `%LOCALAPPDATA%\\cyd`.
    The folder is not created here; `make_engine` creates it for a SQLite file.
    """
    return settings.current().data_dir


def database_url() -> str:
    """`CYD_DATABASE_URL` if set, else the SQLite file `cyd.db` in `data_dir()`."""
    configured = settings.current()
    if configured.database_url:
        return configured.database_url
    return f"sqlite:///{configured.data_dir / DATABASE_FILE}"


def normalize_url(url: str | URL) -> URL:
    """The URL with its driver made explicit: PostgreSQL always goes through psycopg 3.

    `postgres://…`, `postgresql://…` and `postgresql+psycopg2://…` all become
    `postgresql+psycopg://…` (psycopg2 is not a dependency).
    """
    parsed = make_url(url) if isinstance(url, str) else url
    backend = parsed.get_backend_name()
    if backend in {"postgres", "postgresql"}:
        return parsed.set(drivername="postgresql+psycopg")
    if backend != "sqlite":
        raise ValueError(
            f"unsupported database {parsed.drivername!r}: use sqlite:///FILE or "
            "postgresql+psycopg://USER@HOST/DB"
        )
    return parsed


def is_sqlite(engine: Engine | Connection | Session) -> bool:
    bind = engine.get_bind() if isinstance(engine, Session) else engine
    return bind.dialect.name == "sqlite"


def is_postgresql(engine: Engine | Connection | Session) -> bool:
    bind = engine.get_bind() if isinstance(engine, Session) else engine
    return bind.dialect.name == "postgresql"


def make_engine(url: str | URL | None = None, *, echo: bool = False) -> Engine:
    """An engine for `url` (default: `database_url()`), set up for Cyd.

    SQLite: WAL journal with `synchronous=FULL` (a commit is on disk before it
    returns: in WAL mode the default NORMAL may lose the last commits on a power cut,
    and a Board decision once made must stay made; `CYD_SQLITE_SYNC=normal` for a
    throwaway database), foreign keys on, a 30 s busy
    timeout, and IMMEDIATE write transactions (SQLAlchemy emits BEGIN itself; the
    driver's own transaction handling is switched off). The file's folder is created
    if missing, readable by its owner only (0700), and a new database file too (0600):
    it holds people's details and channel URLs, which are secrets.
    PostgreSQL: psycopg 3, connections checked before use.

    Statement parameters are never shown in logs or error messages
    (`hide_parameters`): they can hold notification URLs, which are secrets.
    """
    parsed = normalize_url(url if url is not None else database_url())
    if parsed.get_backend_name() == "sqlite":
        return _sqlite_engine(parsed, echo=echo)
    return create_engine(parsed, echo=echo, hide_parameters=True, pool_pre_ping=True)


def _private_file(path: Path) -> None:
    """Create the database's folder (0700) and file (0600) if missing, so that no other
    local user can read them; SQLite gives its -wal and -shm files the file's mode.
    An existing folder or file keeps the mode its owner gave it."""
    if not path.parent.exists():
        path.parent.mkdir(parents=True, mode=0o700)
    if not path.exists():
        # (made meanwhile by another process: theirs is as good)
        with suppress(FileExistsError):
            os.close(os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600))


def _sqlite_engine(url: URL, *, echo: bool) -> Engine:
    database = url.database or ""
    in_memory = database in {"", ":memory:"} or database.startswith("file::memory:")
    kwargs: dict[str, Any] = {}
    if in_memory:
        # One shared connection, or every checkout would see its own empty database.
        kwargs["poolclass"] = StaticPool
    elif database.startswith("file:"):  # a URI: SQLite opens it as it says
        pass
    else:
        _private_file(Path(database).expanduser())
    engine = create_engine(
        url,
        echo=echo,
        hide_parameters=True,
        connect_args={"timeout": _busy_timeout(), "check_same_thread": False},
        **kwargs,
    )

    sync = "FULL" if in_memory or settings.current().sqlite_sync == "full" else "NORMAL"
    if sync == "FULL" and not in_memory:
        # Each commit is copied into the database file straight after (`_checkpoint`).
        engine.update_execution_options(**{_CHECKPOINT: True})

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: ConnectionPoolEntry) -> None:
        # Let SQLAlchemy emit BEGIN (below) instead of the driver, which would
        # begin lazily and only before DML.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        try:
            if not in_memory:
                cursor.execute("PRAGMA journal_mode=WAL")
                cursor.execute(f"PRAGMA synchronous={sync}")
            cursor.execute(f"PRAGMA busy_timeout={int(_busy_timeout() * 1000)}")
            cursor.execute("PRAGMA foreign_keys=ON")
        finally:
            cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Connection) -> None:
        # A writer takes the write lock at BEGIN, waiting (busy timeout) for the
        # current writer: no deadlock, no "database is locked" at COMMIT.
        read_only = connection.get_execution_options().get(_READ_ONLY, False)
        connection.exec_driver_sql("BEGIN" if read_only else "BEGIN IMMEDIATE")

    return engine


def _busy_timeout() -> float:
    return faults.lock_wait(SQLITE_BUSY_TIMEOUT_S)


@contextmanager
def unit_of_work(engine: Engine) -> Iterator[Session]:
    """One command: one Session, one write transaction.

    Commits when the block ends normally; rolls back on any exception (and
    re-raises it), so the state change, its audit entry and its outbox messages
    are all written, or none is. Writers are serialized (IMMEDIATE on SQLite, an
    advisory lock on PostgreSQL), so the state read inside the block is the state
    the block's writes apply to. Objects stay usable after the commit.

    Units of work do not nest: a command's helpers take the session as an argument.
    A writer waits at most 30 s for the writer before it, then fails.
    """
    if _in_unit_of_work.get():
        # It would wait for the write lock its own caller holds.
        raise RuntimeError("unit_of_work inside another unit_of_work: pass the session down")
    session = Session(engine, expire_on_commit=False)
    marker = _in_unit_of_work.set(True)
    try:
        transaction = session.begin()
        try:
            if is_postgresql(engine):
                # Wait for the writer before us as long as SQLite would, then fail.
                wait = int(faults.lock_wait(LOCK_TIMEOUT_S) * 1000)
                session.execute(text(f"SET LOCAL lock_timeout = '{wait}ms'"))
                session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": WRITE_LOCK_KEY})
            else:
                # Begin now (BEGIN IMMEDIATE), before anything is read.
                session.connection()
            yield session
        except BaseException:
            if transaction.is_active:
                with suppress(Exception):  # (a lost connection cannot roll back: it is gone)
                    transaction.rollback()
            raise
        faults.reached("before-commit")
        try:
            transaction.commit()
        except (OperationalError, InterfaceError) as error:
            # The connection failed while the commit was on its way: the database may
            # have written it or not, and only looking can tell.
            raise CommitUnknown(error) from error
        global _commits
        _commits += 1
        for scope in _scopes.get():
            scope[0] += 1
        faults.reached("after-commit")
        _checkpoint(session)
    finally:
        _in_unit_of_work.reset(marker)
        session.close()


@contextmanager
def planned_for_now(session: Session) -> Iterator[None]:
    """On PostgreSQL, plan each statement run inside the block for its own values and the
    tables as they are now (`plan_cache_mode`, in this transaction only).

    The driver prepares a statement it has run five times on a connection, and the server
    may then keep one generic plan for it, made while the tables were small (a scan of
    the whole table), until an ANALYZE of the table invalidates it: a sweep's batches,
    each looking up by key the rows the batches before it wrote, made those look-ups grow
    with the table. Only reads go inside: for a write, the server would plan again each
    row's foreign key checks too."""
    depth = session.info.get(_PLANNED, 0)
    if depth or not is_postgresql(session):  # (inside another such block: it is set)
        yield
        return
    before = session.execute(_FORCE_CUSTOM).scalar_one()
    session.info[_PLANNED] = 1
    try:
        yield
    finally:
        session.info[_PLANNED] = 0
    # (Not on an error: the transaction is rolled back, and the setting with it.)
    session.execute(_RESTORE, {"mode": before})


_PLANNED = "cyd.planned_for_now"
# (The setting as it was, read in the same statement that changes it.)
_FORCE_CUSTOM = text(
    "SELECT current_setting('plan_cache_mode'), "
    "set_config('plan_cache_mode', 'force_custom_plan', true)"
)
_RESTORE = text("SELECT set_config('plan_cache_mode', :mode, true)")


# How many units of work this process has committed: a fault after one of them means
# the action was recorded, and only what follows it failed (cli.main says which).
_commits = 0


def commits() -> int:
    return _commits


# Whether to copy each commit from SQLite's WAL into the database file straight after
# it (`_checkpoint`); off only to measure what it costs (benchmarks.bench_governance).
CHECKPOINT_AFTER_COMMIT = True


def _checkpoint(session: Session) -> None:
    """On a SQLite file, copy what the WAL holds into the database file now (a PASSIVE
    checkpoint: it never waits for a reader or a writer, it does what it can).

    A commit is first on disk in the `-wal` file beside the database; SQLite copies it
    into the database file later, when the WAL has grown or the last connection closes.
    Should the `-wal` file be deleted meanwhile (by hand, a clean-up script, a copy of
    the folder without it) while a connection is open, everything since the last
    checkpoint is gone, and the database may not even open afterwards. Checkpointing
    after every commit leaves the WAL holding nothing the database file lacks, at the
    cost of one more fsync a commit (measured: `python -m benchmarks governance`). Not
    with `CYD_SQLITE_SYNC=normal` (a throwaway database), nor in memory. A
    checkpoint a reader held back is finished by a later one; until then a deleted WAL
    loses that tail, and `cyd audit verify --anchors` finds it missing."""
    bind = session.get_bind()
    engine = bind if isinstance(bind, Engine) else bind.engine
    if not CHECKPOINT_AFTER_COMMIT or not engine.get_execution_options().get(_CHECKPOINT):
        return
    # The driver's own connection, outside any transaction (SQLAlchemy would begin one).
    # (The commit is safe in the WAL whatever happens here: this only copies it.)
    try:
        raw = engine.raw_connection()
    except DBAPIError:
        return
    try:
        with suppress(Exception):
            raw.driver_connection.execute("PRAGMA wal_checkpoint(PASSIVE)").close()  # type: ignore[union-attr]
    finally:
        raw.close()


# The commits of the `retrying` calls running in this thread (or task), innermost last.
_scopes: ContextVar[tuple[list[int], ...]] = ContextVar("cyd_retry_scopes", default=())

# Set on a fault an inner `retrying` gave up on: how many tries it made (the outer one
# does not try again what the inner one tried already).
_TRIED = "_cyd_tried"
_P = ParamSpec("_P")
_T = TypeVar("_T")


class NotRecorded(Exception):
    """A transient database fault outlasted every attempt, and none saved anything."""

    def __init__(self, error: Exception, attempts: int) -> None:
        super().__init__(_fault(error))
        self.attempts = attempts


def damaged(error: BaseException) -> bool:
    """A SQLite file whose pages are not what SQLite wrote (corrupted, or not a
    database at all): nothing mends it but a restore."""
    message = str(getattr(error, "orig", None) or error).lower()
    return isinstance(error, DBAPIError) and ("malformed" in message or "not a database" in message)


def transient(error: BaseException) -> bool:
    """A fault that running the unit of work again may not meet: a lost connection, a
    lock held too long ("database is locked"), a serialization failure or deadlock, a
    server shutting down or restarting. Not a damaged or full disk, nor a missing
    table: trying again would fail the same way."""
    if isinstance(error, CommitUnknown) or not isinstance(error, DBAPIError):
        return False
    if error.connection_invalidated:
        return True
    orig = error.orig
    module = type(orig).__module__ if orig is not None else ""
    if module.startswith("sqlite3"):
        message = str(orig).lower()
        return "locked" in message or "busy" in message
    if module.startswith("psycopg"):
        state = getattr(orig, "sqlstate", None)
        if state is None:  # no answer from the server at all: the connection failed
            return isinstance(error, OperationalError | InterfaceError)
        return state[:2] in {"08", "40"} or state in {"57P01", "57P02", "57P03", "55P03"}
    return False


def retrying(
    call: Callable[[], _T],
    *,
    attempts: int = ATTEMPTS,
    pause: float = RETRY_PAUSE_S,
    after_commit: bool = False,
) -> _T:
    """`call()`, run again from the start when it fails with a transient fault before any
    of its units of work committed, `attempts` times in all; then `NotRecorded`.

    A fault after one of its commits is raised as it is: the action is recorded, and
    only what followed failed (`fault_line` says so). A commit whose outcome is unknown
    (`CommitUnknown`) is never run again, unless `after_commit`: for a call that is
    safe to repeat once it has committed (the relay's marking a message sent).
    Nested, the inner call retries itself and raises the fault as it is once it gives
    up; the outermost one says whether anything was recorded."""
    nested = bool(_scopes.get())
    attempt = 0
    while True:
        attempt += 1
        scope = [0]
        marker = _scopes.set((*_scopes.get(), scope))
        try:
            return call()
        except (DBAPIError, CommitUnknown) as error:
            unknown = isinstance(error, CommitUnknown)
            cause = error.__cause__ if unknown else error
            saved = bool(scope[0]) or unknown
            tried = getattr(error, _TRIED, 0)  # tries an inner `retrying` made already
            again = cause is not None and transient(cause) and (after_commit or not saved)
            if not again:
                raise
            if tried or attempt >= attempts:
                if nested or scope[0] or unknown or after_commit:
                    setattr(error, _TRIED, tried or attempt)
                    raise
                raise NotRecorded(error, tried or attempt) from error
        finally:
            _scopes.reset(marker)
        time.sleep(pause * attempt)


def retried(function: Callable[_P, _T]) -> Callable[_P, _T]:
    """`function`, run through `retrying` (a command's entry point)."""

    @wraps(function)
    def run(*args: _P.args, **kwargs: _P.kwargs) -> _T:
        return retrying(lambda: function(*args, **kwargs))

    return run


class CommitUnknown(Exception):
    """The database connection failed during a commit: it may or may not be written."""

    def __init__(self, error: Exception) -> None:
        super().__init__(_fault(error))


def _fault(error: Exception) -> str:
    """A database error in one line, without its statement or parameters."""
    orig = getattr(error, "orig", None) or error
    first = (str(orig).strip().splitlines() or [""])[0]
    return f"{type(orig).__name__}: {first}" if first else type(orig).__name__


def fault_line(error: Exception) -> str:
    """What a person is told when the database failed under a command: the fault in
    one line, and whether the action was recorded (as far as this process knows)."""
    if isinstance(error, CommitUnknown):
        return (
            f"the database connection failed while the action was being saved ({error}): "
            "it may or may not be recorded; look (e.g. `cyd venture show`, `cyd audit "
            "verify`) before trying again"
        )
    if damaged(error):
        return (
            f"the database is damaged ({_fault(error)}): nothing was recorded; restore the "
            "last backup (`cyd restore FILE`)"
        )
    if isinstance(error, NotRecorded):
        if _commits:  # (e.g. the relay: the messages before this one are recorded)
            return (
                f"the database failed ({error}), {error.attempts} times: what was done "
                "before it is recorded, the rest is not; try again later"
            )
        return (
            f"the database failed ({error}), {error.attempts} times: nothing was recorded; "
            "try again later"
        )
    if _commits:
        return (
            f"the action was recorded, but what followed it failed: the database "
            f"({_fault(error)}); it is finished later (`cyd venture advance` does it now)"
        )
    return f"the database failed ({_fault(error)}): nothing was recorded; try again"


def read_only(engine: Engine) -> Engine:
    """`engine` for reading only: its transactions begin deferred (on SQLite), so that a
    read never waits for the writer, however long it holds its lock."""
    return engine.execution_options(**{_READ_ONLY: True})


@contextmanager
def read_session(engine: Engine) -> Iterator[Session]:
    """A Session for reading only (e.g. `cyd venture show`): never blocks writers.

    Its transaction is rolled back at the end, so anything written through it is
    discarded; objects read keep their loaded values after the block.
    """
    session = Session(engine.execution_options(**{_READ_ONLY: True}), expire_on_commit=False)
    try:
        yield session
    finally:
        # close() hands the connection back to the pool, which rolls it back; unlike
        # rollback() it does not expire the objects read.
        session.close()
