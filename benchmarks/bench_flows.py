"""Issue 5's benchmarks: the Prefect flows, each against a baseline in the same run.

- `advance_venture`, per venture, against an empty async flow with as many task runs
  as that venture's run had (read back from the server), on the same local Prefect
  server (`prefect_test_harness`), runs interleaved; and Cyd's own work for the same
  step without Prefect (`services.advance` and the record the artifacts are made from).
- The `send_reminders` flow over many open ventures with reminders due, in one flow
  run, against the same sweep without Prefect (`services.reminders.sweep`, what
  `cyd remind` runs) on an identical copy of the database; each sweep in a process
  of its own (a worker's flow run is one), so each has its own peak RSS; then a
  re-sweep with nothing new due. And an empty flow with as many task runs.
- `cyd demo` from a fresh data folder and a fresh Prefect home (so Prefect's local
  server starts from scratch), against `python -c "import prefect"`.

Prefect logs at WARNING here (as in the demo), on both sides of every comparison.

Sizes: CYD_BENCH_FLOW_VENTURES (ventures per advance case, default 12),
CYD_BENCH_REMINDER_VENTURES (default 10,000), CYD_BENCH_SWEEP_REPEATS (pairs of
sweeps, default 1), CYD_BENCH_DEMO_RUNS (default 1); CYD_BENCH_QUICK=1 makes the
first two 3 and 300, for a quick check; CYD_BENCH_PREFECT_POSTGRES=1 measures the
`advance_venture` cases again against `prefect server start` on PostgreSQL.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import os
import resource
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable, Iterator
from contextlib import closing, contextmanager
from functools import cache
from pathlib import Path
from typing import Any, TypeVar

from sqlalchemy import Engine, insert

from benchmarks.common import PYTHON, ROOT
from checklists.loader import Library, load_library
from models import tables as t
from models.db import DATABASE_URL_ENV, make_engine
from models.migrate import upgrade
from services.commands import Cyd, close_vote, extend, record_review, start_venture, submit, vote
from services.examples import answer_missing
from services.programme_import import import_programme, load_programme

Row = tuple[str, str, str]
T = TypeVar("T")

QUICK = os.environ.get("CYD_BENCH_QUICK", "") not in {"", "0"}
ADVANCE_VENTURES = int(os.environ.get("CYD_BENCH_FLOW_VENTURES", "3" if QUICK else "12"))
REMINDER_VENTURES = int(os.environ.get("CYD_BENCH_REMINDER_VENTURES", "300" if QUICK else "10000"))
SWEEP_REPEATS = int(os.environ.get("CYD_BENCH_SWEEP_REPEATS", "1"))
DEMO_RUNS = int(os.environ.get("CYD_BENCH_DEMO_RUNS", "1"))
# The advance cases again with `prefect server start` on a PostgreSQL database of its own.
PREFECT_ON_POSTGRES = os.environ.get("CYD_BENCH_PREFECT_POSTGRES", "") not in {"", "0"}

PROGRAMME = ROOT / "examples" / "programme.yaml"
WORKSTREAM = "day-opportunities"
LEAD = "gareth.jones@example.org"
CO_PRODUCER = "nia.morgan@example.org"
REVIEWERS = ("elin.davies@example.org", "owen.walker@example.org")
CHAIR = "megan.lloyd@example.org"
VOTERS = ("aled.evans@example.org", "sian.roberts@example.org", "priya.shah@example.org", CHAIR)
START = dt.datetime(2026, 11, 2, 9, 0, tzinfo=dt.UTC)
WARMUP = 2  # runs of each side before timing: the first runs register flows and tasks


class Clock:
    """Every action at its own moment, a second after the one before."""

    def __init__(self, start: dt.datetime) -> None:
        self.now = start

    def __call__(self) -> dt.datetime:
        self.now += dt.timedelta(seconds=1)
        return self.now


def fresh_programme(url: str, library: Library) -> Engine:
    """A migrated database at `url` with the example programme loaded."""
    engine = make_engine(url)
    upgrade(engine)
    programme = load_programme(PROGRAMME, library=library)
    import_programme(
        engine, programme, PROGRAMME.read_text(encoding="utf-8"), "admin@example.org", at=START
    )
    return engine


def submitted(cyd: Cyd) -> str:
    """A venture with a complete checklist, submitted."""
    started = start_venture(cyd, workstream=WORKSTREAM, title="Community café", lead=LEAD)
    answer_missing(cyd, started.venture_id, [CO_PRODUCER])
    submit(cyd, started.venture_id, by=LEAD)
    return started.venture_id


def at_the_board(cyd: Cyd) -> str:
    """A venture reviewed (go) and waiting for the Board's votes."""
    venture_id = submitted(cyd)
    for reviewer in REVIEWERS:
        record_review(cyd, venture_id, by=reviewer, recommend="go")
    return venture_id


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.0f} ms"


# --- Prefect -----------------------------------------------------------------------------


@contextmanager
def prefect_server() -> Iterator[str]:
    """A temporary local Prefect server and database for this process's flow runs (as the
    flow tests have); yields its API URL, for the processes started here."""
    os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    from prefect.settings import PREFECT_API_URL
    from prefect.testing.utilities import prefect_test_harness

    with prefect_test_harness(server_startup_timeout=120):
        yield str(PREFECT_API_URL.value())


@contextmanager
def prefect_server_on_postgres() -> Iterator[str]:
    """`prefect server start` in a process of its own, its database a fresh PostgreSQL
    database (`CYD_BENCH_POSTGRES_URL`'s server, else the local one), dropped after;
    this process's flow runs use it. Yields its API URL."""
    import socket
    import urllib.request

    from prefect.settings import PREFECT_API_URL, temporary_settings
    from sqlalchemy import make_url, text

    admin_url = make_url(
        os.environ.get(
            "CYD_BENCH_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
        )
    )
    name = f"cyd_bench_prefect_{os.getpid()}"
    admin = make_engine(admin_url).execution_options(isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    server: subprocess.Popen[bytes] | None = None
    try:
        with make_engine(admin_url.set(database=name)).begin() as connection:
            connection.execute(text("CREATE EXTENSION IF NOT EXISTS pg_trgm"))
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        api = f"http://127.0.0.1:{port}/api"
        database = admin_url.set(drivername="postgresql+asyncpg", database=name)
        with tempfile.TemporaryDirectory() as home:
            env = {
                **{k: v for k, v in os.environ.items() if not k.startswith("PREFECT_")},
                "PREFECT_HOME": home,
                "PREFECT_SERVER_DATABASE_CONNECTION_URL": database.render_as_string(
                    hide_password=False
                ),
                "PREFECT_SERVER_UI_ENABLED": "false",
                "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
                "PREFECT_LOGGING_LEVEL": "WARNING",
            }
            server = subprocess.Popen(
                [PYTHON, "-m", "prefect", "server", "start", "--host", "127.0.0.1",
                 "--port", str(port)],
                env=env,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )  # fmt: skip
            deadline = time.monotonic() + 180
            while True:
                try:
                    with urllib.request.urlopen(f"{api}/health", timeout=2) as answer:  # noqa: S310
                        if answer.status == 200:
                            break
                except OSError:
                    pass
                if server.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError("the Prefect server on PostgreSQL did not start")
                time.sleep(0.5)
            with temporary_settings(updates={PREFECT_API_URL: api}):
                try:
                    yield api
                finally:
                    _drain_prefect_workers()
    finally:
        if server is not None:
            server.terminate()
            try:
                server.wait(timeout=30)
            except subprocess.TimeoutExpired:
                server.kill()
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def _drain_prefect_workers() -> None:
    """Send this process's pending logs and events to the server before it stops (as the
    test harness does): else they wait for it at exit, and the process never ends."""
    import inspect

    from prefect.events.worker import EventsWorker
    from prefect.logging.handlers import APILogWorker
    from prefect.utilities.asyncutils import run_coro_as_sync

    async def drain() -> None:
        try:
            logs = APILogWorker.instance().drain()
            if inspect.isawaitable(logs):
                await logs
        except RuntimeError:  # never started
            pass
        events = EventsWorker.drain_all()
        if inspect.isawaitable(events):
            await events

    run_coro_as_sync(drain())


@cache
def empty_flow() -> Any:
    """An async flow of `n` async tasks that do nothing, made like `advance-venture` and
    its `advance-round` tasks (no caching, no persisted results, named runs)."""
    from prefect import flow, task
    from prefect.cache_policies import NO_CACHE
    from prefect.context import TagsContext

    @task(
        name="nothing",
        task_run_name="nothing-{n}",
        cache_policy=NO_CACHE,
        persist_result=False,
    )
    async def nothing(n: int) -> dict[str, Any]:
        return {"n": n}

    @flow(name="empty", flow_run_name="empty-{n}", persist_result=False)
    async def empty(n: int) -> int:
        # The run carries its caller's tags, its task runs none (as in advance-venture).
        with TagsContext(current_tags=set()):
            for k in range(n):
                await nothing(k)
        return n

    return empty


async def awaited(pending: Awaitable[T]) -> T:
    """`asyncio.run` takes a coroutine; a flow called in async code gives an awaitable."""
    return await pending


def run_empty(n: int, tag: str | None) -> None:
    from prefect import tags

    with tags(*([tag] if tag else [])):
        asyncio.run(empty_flow()(n))


def task_runs(flow_run_id: Any) -> int:
    """How many task runs the server has for a flow run."""
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import FlowRunFilter, FlowRunFilterId

    async def count() -> int:
        async with get_client() as client:
            found = await client.read_task_runs(
                flow_run_filter=FlowRunFilter(id=FlowRunFilterId(any_=[flow_run_id]))
            )
            return len(found)

    return asyncio.run(count())


# --- 1. advance_venture --------------------------------------------------------------------


def advance_by_flow(venture_id: str, now: dt.datetime, *, tagged: bool) -> tuple[float, int]:
    """Seconds for one `advance-venture` run, and its task runs.

    `tagged`: the run is created with its venture's tag, as the embedded mode creates it
    (`flows.advance.run_here`); else without, as a deployment's run is, and tags itself.
    """
    from prefect import tags

    from flows.advance import advance_venture, venture_tag

    start = time.perf_counter()
    with tags(*([venture_tag(venture_id)] if tagged else [])):
        state = asyncio.run(awaited(advance_venture(venture_id, now=now, return_state=True)))
    seconds = time.perf_counter() - start
    if not state.is_completed():
        raise RuntimeError(f"advance-venture {venture_id}: {state}")
    return seconds, task_runs(state.state_details.flow_run_id)


def advance_without_prefect(
    engine: Engine, library: Library, venture_id: str, now: dt.datetime
) -> None:
    """Cyd's own work of a run: the rounds, and the record the artifacts show."""
    from flows.records import venture_record
    from services.advance import advance_venture

    advance_venture(engine, venture_id, library, now=now)
    venture_record(engine, venture_id, library, now)


def advance_rows(count: int, server: str = "local Prefect server") -> list[Row]:
    from flows import config

    library = load_library()
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{Path(folder) / 'cyd.db'}"
        engine = fresh_programme(url, library)
        saved = os.environ.get(DATABASE_URL_ENV)
        os.environ[DATABASE_URL_ENV] = url
        config.provide(engine)
        try:
            return _advance_cases(engine, library, count, server)
        finally:
            config.forget(engine)
            engine.dispose()
            if saved is None:
                os.environ.pop(DATABASE_URL_ENV, None)
            else:
                os.environ[DATABASE_URL_ENV] = saved


def _advance_cases(engine: Engine, library: Library, count: int, server: str) -> list[Row]:
    clock = Clock(START)
    direct = Cyd(engine, library, clock=clock)  # set-up: advanced without Prefect
    recording = Cyd(engine, library, clock=clock, advance_after=False)  # left for the flow
    n = count + WARMUP

    def to_review() -> str:
        return submitted(recording)

    def to_decide() -> str:
        venture_id = at_the_board(direct)
        for member in VOTERS:
            vote(recording, venture_id, member=member, choice="approve")
        close_vote(recording, venture_id, by=CHAIR)
        return venture_id

    # Each case: ventures for the flow, and as many for the same work without Prefect.
    review = ([to_review() for _ in range(n)], [to_review() for _ in range(n)])
    decide = ([to_decide() for _ in range(n)], [to_decide() for _ in range(n)])
    cases: list[tuple[str, tuple[list[str], list[str]], bool]] = [
        ("a submitted venture goes to review (1 round; the record)", review, True),
        (
            "a closed vote is decided and the next gate opens (the record and the tally)",
            decide,
            True,
        ),
        (
            "nothing to do: a repeat run after the decision (the record; the tally looked up)",
            decide,
            True,
        ),
        ("the same repeat run, created without its tag (it tags itself)", decide, False),
    ]
    rows: list[Row] = []
    for label, (by_flow, by_hand), tagged in cases:
        samples: dict[str, list[float]] = {"flow": [], "empty": [], "cyd": []}
        tasks: list[int] = []
        k = 0
        tag = "bench-empty" if tagged else None
        for i, (venture_id, other) in enumerate(zip(by_flow, by_hand, strict=True)):
            now = clock()
            # Which goes first alternates; the empty flow has as many task runs as the
            # venture's run had (the one before's, run again if this one had more or less).
            empty_s = _timed(run_empty, k, tag) if i % 2 else 0.0
            flow_s, had = advance_by_flow(venture_id, now, tagged=tagged)
            if not i % 2 or had != k:
                k = had
                empty_s = _timed(run_empty, k, tag)
            cyd_s = _timed(advance_without_prefect, engine, library, other, now)
            if i >= WARMUP:
                samples["flow"].append(flow_s)
                samples["empty"].append(empty_s)
                samples["cyd"].append(cyd_s)
                tasks.append(k)
        med = {name: statistics.median(values) for name, values in samples.items()}
        spread = f"{min(tasks)}" if min(tasks) == max(tasks) else f"{min(tasks)}-{max(tasks)}"
        rows.append(
            (
                f"`advance_venture` per venture, {label}, SQLite, {server}",
                f"{ms(med['flow'])} per run (median of {count}) vs {ms(med['empty'])} for an "
                f"empty flow of {spread} task run(s) (the same number); Cyd's own work "
                f"without Prefect {ms(med['cyd'])}",
                f"{med['flow'] / med['empty']:.2f}× the empty flow (target ≤ 1.15×)",
            )
        )
    return rows


# --- 2. the reminder sweep -----------------------------------------------------------------

# The tables the reminder sweep reads about a venture, copied from the template ventures.
CLONED = (
    "venture",
    "gate_run",
    "deadline",
    "reviewer_assignment",
    "review",
    "interest",
    "ballot",
    "vote",
)


def reminder_templates(cyd: Cyd) -> list[str]:
    """Three ventures someone is waited on for, the Board's vote among them: the lead's
    answers (a deadline given in draft), two reviews, five Board members' votes."""
    answers = start_venture(cyd, workstream=WORKSTREAM, title="Answers due", lead=LEAD)
    extend(
        cyd,
        answers.venture_id,
        until=(START + dt.timedelta(days=12)).date(),
        by=LEAD,
        reason="The group meets next week.",
    )
    return [answers.venture_id, submitted(cyd), at_the_board(cyd)]


def clone_ventures(engine: Engine, templates: list[str], count: int) -> None:
    """`count` ventures (`b-000001`, ...), each a copy of a template's rows in the tables
    the reminder sweep reads, inserted in bulk (the set-up is not what is measured)."""
    tables = t.Venture.metadata.tables
    with engine.begin() as connection:
        rows_of: dict[str, list[dict[str, Any]]] = {}
        for name in CLONED:
            table = tables[name]
            column = table.c.id if name == "venture" else table.c.venture_id
            found = connection.execute(table.select().where(column.in_(templates)))
            rows_of[name] = [dict(row._mapping) for row in found]
        batch: dict[str, list[dict[str, Any]]] = {name: [] for name in CLONED}
        for n in range(count):
            template, new_id = templates[n % len(templates)], f"b-{n + 1:06d}"
            for name in CLONED:
                owner = "id" if name == "venture" else "venture_id"
                surrogate = name != "venture" and "id" in tables[name].c
                for row in rows_of[name]:
                    if row[owner] == template:
                        copy = {k: v for k, v in row.items() if not (surrogate and k == "id")}
                        copy[owner] = new_id
                        batch[name].append(copy)
            if (n + 1) % 2000 == 0 or n == count - 1:
                for name in CLONED:
                    if batch[name]:
                        connection.execute(insert(tables[name]), batch[name])
                batch = {name: [] for name in CLONED}


def memory_kib() -> tuple[int, int]:
    """This process's resident set size now and at its peak, in KiB.

    From /proc (Linux): `ru_maxrss` of a process started by another can still hold
    its parent's peak from before the new program was loaded."""
    try:
        lines = Path("/proc/self/status").read_text(encoding="ascii").splitlines()
    except OSError:
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        return peak, peak
    found = {k: v.split()[0] for k, _, v in (line.partition(":") for line in lines) if v.strip()}
    return int(found["VmRSS"]), int(found["VmHWM"])


def sweep_child(mode: str, url: str, now_iso: str) -> None:
    """In a process of its own: one sweep then a re-sweep an hour later, timed; prints
    JSON (seconds, counts, resident memory before the sweeps and the process's peak)."""
    from flows.reminders import send_reminders  # imported by both: the same memory before
    from services.reminders import sweep

    now = dt.datetime.fromisoformat(now_iso)
    before, _ = memory_kib()
    counts: list[dict[str, int]] = []
    seconds: list[float] = []
    tasks: list[int] = []
    if mode == "flow":
        for at in (now, now + dt.timedelta(hours=1)):
            start = time.perf_counter()
            state = asyncio.run(awaited(send_reminders(at, return_state=True)))
            seconds.append(time.perf_counter() - start)
            counts.append(state.result())
            tasks.append(task_runs(state.state_details.flow_run_id))
    else:
        engine = make_engine(url)
        for at in (now, now + dt.timedelta(hours=1)):
            start = time.perf_counter()
            report = sweep(engine, at)
            seconds.append(time.perf_counter() - start)
            counts.append(
                {
                    "ventures": report.ventures,
                    "reminders": report.reminders,
                    "escalations": report.escalations,
                    "messages": report.messages,
                }
            )
    _, peak = memory_kib()
    print(
        json.dumps(
            {"seconds": seconds, "counts": counts, "rss_kib": [before, peak], "tasks": tasks}
        )
    )


def run_sweep(mode: str, url: str, now: dt.datetime, api_url: str) -> dict[str, Any]:
    env = {**os.environ, DATABASE_URL_ENV: url, "PREFECT_API_URL": api_url}
    done = subprocess.run(
        [PYTHON, "-m", "benchmarks.bench_flows", "sweep", mode, url, now.isoformat()],
        cwd=ROOT,
        env=env,
        check=False,
        capture_output=True,
        text=True,
    )
    if done.returncode:
        raise RuntimeError(f"the {mode} sweep failed:\n{done.stderr}")
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def median_run(results: list[dict[str, Any]]) -> dict[str, Any]:
    """The first result, with each time and memory figure the median over all."""
    merged = dict(results[0])
    for name in ("seconds", "rss_kib"):
        figures = zip(*(r[name] for r in results), strict=True)
        merged[name] = [statistics.median(values) for values in figures]
    return merged


def reminder_rows(count: int, api_url: str, repeats: int = 1) -> list[Row]:
    library = load_library()
    now = START + dt.timedelta(days=7, hours=1)  # every template has a reminder due (d-7)
    with tempfile.TemporaryDirectory() as folder:
        source = Path(folder) / "source.db"
        engine = fresh_programme(f"sqlite:///{source}", library)
        try:
            templates = reminder_templates(Cyd(engine, library, clock=Clock(START)))
            clone_ventures(engine, templates, count - len(templates))
        finally:
            engine.dispose()
        runs: dict[str, list[dict[str, Any]]] = {"plain": [], "flow": []}
        for repeat in range(repeats):
            # The same work on identical copies of the database, in turn (ABBA...).
            for mode in ("plain", "flow") if repeat % 2 == 0 else ("flow", "plain"):
                copy = Path(folder) / f"{mode}.db"
                with (
                    closing(sqlite3.connect(source)) as read,
                    closing(sqlite3.connect(copy)) as write,
                ):
                    read.backup(write)
                runs[mode].append(run_sweep(mode, f"sqlite:///{copy}", now, api_url))
                copy.unlink()
    plain, flow = (median_run(runs[mode]) for mode in ("plain", "flow"))
    same = ("ventures", "reminders", "escalations", "messages")
    if any(flow["counts"][0][k] != plain["counts"][0][k] for k in same) or any(
        flow["counts"][1][k] or plain["counts"][1][k] for k in same
    ):
        raise RuntimeError(f"the sweeps differ: {plain['counts']} and {flow['counts']}")
    due = flow["counts"][0]["ventures"]
    tasks = flow["tasks"][0]
    empty = statistics.median(_timed(run_empty, tasks, None) for _ in range(3))
    first, again = flow["seconds"]
    plain_first, plain_again = plain["seconds"]
    sent = flow["counts"][0]
    where = (
        f"{count:,} open ventures (a third each waiting for the lead's answers, 2 reviews, "
        f"5 Board votes), SQLite, one flow run, local Prefect server"
    )

    def rss(result: dict[str, Any]) -> str:
        before, peak = result["rss_kib"]
        return f"{peak / 1024:.0f} MB ({before / 1024:.0f} MB before the sweep)"

    return [
        (
            f"`send_reminders` sweep, {where}",
            f"{first:.1f} s for {sent['reminders']:,} reminders about {due:,} ventures "
            f"({first / due * 1000:.1f} ms per venture; {sent['messages']:,} messages "
            f"queued; {tasks} task runs); peak RSS {rss(flow)}",
            f"{first / plain_first:.2f}× the same sweep without Prefect, "
            f"`services.reminders.sweep` ({plain_first:.1f} s; peak RSS {rss(plain)}); "
            f"an empty flow of {tasks} task runs takes {empty:.1f} s",
        ),
        (
            "the same sweep an hour later, nothing new due",
            f"{again:.1f} s ({again / count * 1000:.2f} ms per open venture)",
            f"{again / plain_again:.2f}× the same without Prefect ({plain_again:.1f} s)",
        ),
    ]


def _timed(fn: Callable[..., object], *args: Any) -> float:
    start = time.perf_counter()
    fn(*args)
    return time.perf_counter() - start


# --- 3. `cyd demo` -------------------------------------------------------------------------


def demo_rows(runs: int) -> list[Row]:
    """`cyd demo --no-keep` from scratch, interleaved with `python -c "import prefect"`.

    Each demo gets a new Prefect home (so the local server makes its database anew) and
    no configured server; its data folder is new anyway. Bytecode is cached as usual.
    """
    mine = ("PREFECT_", "CYD_ORCHESTRATION")  # no Prefect server or mode of the caller's
    base = {k: v for k, v in os.environ.items() if not k.startswith(mine)}
    base["PYTHONDONTWRITEBYTECODE"] = ""
    demo_times: list[float] = []
    import_times: list[float] = []
    with tempfile.TemporaryDirectory() as folder:

        def timed(argv: list[str], home: str) -> float:
            env = {**base, "PREFECT_HOME": home, "TMPDIR": folder}
            start = time.perf_counter()
            subprocess.run(argv, cwd=ROOT, env=env, check=True, capture_output=True)
            return time.perf_counter() - start

        importing = [PYTHON, "-c", "import prefect"]
        timed(importing, str(Path(folder) / "warmup"))  # warms the disk cache
        import_times.append(timed(importing, str(Path(folder) / "import-0")))
        for n in range(runs):
            demo = [PYTHON, "-m", "cli.main", "demo", "--no-keep"]
            try:
                demo_times.append(timed(demo, str(Path(folder) / f"demo-{n}")))
            except subprocess.CalledProcessError as failed:
                said = (failed.stderr or b"").decode(errors="replace").strip().splitlines()
                why = said[-1] if said else f"exit status {failed.returncode}"
                return [("`cyd demo --no-keep`", f"not measured: the demo failed ({why})", "-")]
            import_times.append(timed(importing, str(Path(folder) / f"import-{n + 1}")))
    seconds, baseline = statistics.median(demo_times), statistics.median(import_times)
    return [
        (
            "`cyd demo --no-keep` from a fresh data folder and Prefect home (the local "
            "Prefect server starts from scratch), process",
            f"{seconds:.1f} s (target < 60 s; median of {runs}) vs {baseline:.1f} s for "
            '`python -c "import prefect"`',
            f"{seconds / baseline:.1f}×",
        )
    ]


# --- all -----------------------------------------------------------------------------------


def run() -> list[Row]:
    # First: the demo's processes start their own Prefect servers. CYD_BENCH_DEMO_RUNS=0
    # leaves it out.
    rows = demo_rows(DEMO_RUNS) if DEMO_RUNS > 0 else []
    with prefect_server() as api_url:
        rows += advance_rows(ADVANCE_VENTURES)
        rows += reminder_rows(REMINDER_VENTURES, api_url, SWEEP_REPEATS)
    if PREFECT_ON_POSTGRES:
        with prefect_server_on_postgres():
            rows += advance_rows(ADVANCE_VENTURES, "Prefect server on PostgreSQL")
    return rows


if __name__ == "__main__":
    if sys.argv[1:2] == ["sweep"]:
        sweep_child(*sys.argv[2:5])
