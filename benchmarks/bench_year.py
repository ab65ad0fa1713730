"""Issue 15's year: a programme's whole year through the command functions, its messages
relayed, on SQLite and PostgreSQL.

200 ventures (× CYD_BENCH_YEAR_SCALE, default 1) each go through the four gates of the
example programme, with a Board of 12 (the example's six and six more, as
`bench_notifications`), every action through `services.commands` as the pages and the
CLI call it: the lead starts the venture (giving its Welsh title too), the
co-producers and the lead answer the checklist (`services.examples`' valid answers,
each on its own moment), a co-producer with lived experience signs off where the gate
asks, the lead submits, the two reviewers recommend, the eleven members who may vote
(the lead is on the Board, and is recused) approve, and the chair closes the vote: the
next gate opens. The starts are spread over the first half of the year, each gate takes
about seven weeks; time is simulated (the commands' clock), working hours on working
days. Along the year, as the deployment runs them: the reminder sweep
(`services.reminders.sweep`) every working day at 08:00, the translator giving every
text waiting for its Welsh each Friday (`services.translations.give_translation`, an
action like the others), and the relay (`notifications.relay.send_due`) sending every
due message each working day at 18:00 to an SMTP server on loopback (aiosmtpd, as
`bench_notifications`), and once more after the year.

Reported, on each database: the number of actions and the seconds spent in them (ms per
action, and how it changes from the first quarter of the year to the last), against a
baseline measured on the same database at the end of the year: the bare unit of work
of `bench_governance` (one Vote row and one audit entry, no checks); the sweeps'
seconds; the messages relayed and the relay's seconds (messages/s). Targets: the year
in < 60 s of commands and < 60 s of relay on 2 cores.

CYD_BENCH_YEAR_SCALE (default 1; 10 is 2,000 ventures) sets the size;
CYD_BENCH_YEAR_DATABASES (default sqlite,postgresql) the databases, PostgreSQL in a
fresh database at CYD_BENCH_POSTGRES_URL, dropped afterwards; CYD_BENCH_QUICK=1 runs
4 ventures, to check that it runs (CYD_BENCH_YEAR_VENTURES, any number). With
CYD_BENCH_YEAR_RELAY=0 the messages are queued along the year, and only the first
CYD_BENCH_YEAR_RELAY_SAMPLE (default 1,000) relayed after it, timed: the relay's rate on
the year's data, for a run that cannot wait for the whole relay (about 50 ms a message
on the 2-core machine). CYD_BENCH_YEAR_PART=<fraction> runs
only the first part of the year (that fraction of its actions), and extrapolates the
whole year from it, saying so. CYD_BENCH_YEAR_PROFILE=<file>
profiles the commands of the SQLite year (cProfile, only while an action runs) into
<file>, for pstats.
It takes minutes: it runs only when named (`python -m benchmarks year`).
"""

from __future__ import annotations

import cProfile
import datetime as dt
import heapq
import itertools
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

from sqlalchemy import Engine
from sqlmodel import col, func, select

from benchmarks.bench_governance import bare_vote, postgres_database
from benchmarks.bench_notifications import board_of_12, mailto, smtp_server
from checklists.examples import example_answer
from checklists.loader import Library, load_library
from governance.working_days import is_working_day
from models import audit, queries
from models import tables as t
from models.db import make_engine, read_session
from models.migrate import upgrade
from notifications.relay import send_due
from services.commands import (
    Cyd,
    answer,
    close_vote,
    record_review,
    sign_off,
    sign_offs,
    start_venture,
    submit,
    vote,
)
from services.examples import missing_items
from services.people import board_people, workstream_people
from services.programme_import import import_programme, load_programme_source
from services.reminders import sweep
from services.translations import give_translation, open_translations
from services.working_calendar import working_calendar

Row = tuple[str, str, str]
T = TypeVar("T")

QUICK = os.environ.get("CYD_BENCH_QUICK", "") not in {"", "0"}
SCALE = int(os.environ.get("CYD_BENCH_YEAR_SCALE", "1"))
DATABASES = tuple(os.environ.get("CYD_BENCH_YEAR_DATABASES", "sqlite,postgresql").split(","))
PROFILE = os.environ.get("CYD_BENCH_YEAR_PROFILE", "")
RELAY = os.environ.get("CYD_BENCH_YEAR_RELAY", "1") not in {"", "0"}
RELAY_SAMPLE = int(os.environ.get("CYD_BENCH_YEAR_RELAY_SAMPLE", "1000"))
VENTURES = int(os.environ.get("CYD_BENCH_YEAR_VENTURES", "0")) or (4 if QUICK else 200 * SCALE)
TARGET_S = 60.0
# The first part of the year only (a fraction of its actions, 0 < PART <= 1): for a size
# whose whole year does not fit the time at hand (scale 10); the report says what it
# measured and extrapolates the whole year from it, saying so.
PART = float(os.environ.get("CYD_BENCH_YEAR_PART", "1"))
# A venture's year, by kind of action (125 in all), to extrapolate a part by its mix.
KINDS_A_VENTURE = {
    "answer": 59,
    "vote": 44,
    "review": 8,
    "translate": 4,
    "submit": 4,
    "close": 4,
    "start": 1,
    "sign-off": 1,
}
ACTIONS_A_VENTURE = sum(KINDS_A_VENTURE.values())

WORKSTREAM = "day-opportunities"
LEAD = "gareth.jones@example.org"
CHAIR = "megan.lloyd@example.org"
REVIEWERS = ("elin.davies@example.org", "owen.walker@example.org")
TRANSLATOR = "lowri.parry@example.org"
ZONE = ZoneInfo("Europe/London")
START = dt.datetime(2027, 1, 4, 9, tzinfo=ZONE)  # a Monday
YEAR = dt.timedelta(days=365)
STARTS_OVER = dt.timedelta(days=182)  # the ventures start over the first half year
BATCH = 500  # messages per call of the relay


# --- simulated time ------------------------------------------------------------------


class Clock:
    """The commands' clock: the moment of the action being run, a second on for each
    call, never back."""

    def __init__(self) -> None:
        self.now = START.astimezone(dt.UTC)

    def at(self, moment: dt.datetime) -> None:
        self.now = max(self.now, moment.astimezone(dt.UTC))

    def __call__(self) -> dt.datetime:
        self.now += dt.timedelta(seconds=1)
        return self.now


def working(moment: dt.datetime, hours: float = 0.0) -> dt.datetime:
    """`hours` working hours (9:00 to 17:00, working days) after `moment`."""
    local = moment.astimezone(ZONE)
    left = dt.timedelta(hours=hours)
    while True:
        day = local.date()
        opens = dt.datetime.combine(day, dt.time(9), tzinfo=ZONE)
        closes = dt.datetime.combine(day, dt.time(17), tzinfo=ZONE)
        if not is_working_day(day, working_calendar(day).holidays) or local >= closes:
            local = dt.datetime.combine(day + dt.timedelta(days=1), dt.time(9), tzinfo=ZONE)
            continue
        local = max(local, opens)
        if local + left <= closes:
            return local + left
        left -= closes - local
        local = closes


def days(n: float) -> float:
    """Working hours in `n` working days."""
    return n * 8


# --- the year --------------------------------------------------------------------------


@dataclass
class Year:
    """One year on one database: the actions timed (when, what, seconds)."""

    cyd: Cyd
    clock: Clock
    co_producers: list[str]
    signers: list[str]
    voters: list[str]
    profiler: cProfile.Profile | None = None
    actions: list[tuple[dt.datetime, str, float]] = field(default_factory=list)
    sweep_seconds: float = 0.0
    sweeps: int = 0
    relay_seconds: float = 0.0
    sent: int = 0
    not_sent: int = 0

    def act(self, kind: str, command: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        moment = self.clock.now
        profiler = self.profiler
        start = time.perf_counter()
        if profiler is not None:
            profiler.enable()
        try:
            return command(self.cyd, *args, **kwargs)
        finally:
            if profiler is not None:
                profiler.disable()
            self.actions.append((moment, kind, time.perf_counter() - start))

    @property
    def engine(self) -> Engine:
        return self.cyd.engine


Process = Iterator[dt.datetime]  # yields when it next wants to act


def venture(year: Year, n: int, starts: dt.datetime) -> Process:
    """One venture's year: four gates, from its start to the last gate's decision."""
    yield starts
    venture_id = year.act(
        "start",
        start_venture,
        workstream=WORKSTREAM,
        title=f"Venture {n + 1}",
        title_other=f"Menter {n + 1}",
        lead=LEAD,
    ).venture_id
    at = starts
    for _gate in range(4):
        # The checklist, over two weeks: an answer each morning or afternoon.
        given = 0
        for _ in range(5):
            today = at.astimezone(ZONE).date()
            missing = missing_items(year.engine, venture_id, today)
            if not missing:
                break
            for checklist, item_id in missing:
                at = working(at, 3 + n % 3)
                yield at
                item = checklist.item(item_id)
                by = (
                    year.co_producers[(n + given) % len(year.co_producers)]
                    if item.for_co_producers()
                    else LEAD
                )
                value = example_answer(item, at.astimezone(ZONE).date())
                year.act("answer", answer, venture_id, f"{checklist.id}/{item_id}", value, by=by)
                given += 1
        asked = sign_offs(year.engine, year.cyd.library, venture_id)
        for signer in year.signers[: max(0, asked.required - len(asked.standing))]:
            at = working(at, days(1))
            yield at
            year.act("sign-off", sign_off, venture_id, by=signer)
        at = working(at, days(2))
        yield at
        state = year.act("submit", submit, venture_id, by=LEAD).advanced
        assert state is not None
        assert state.state == "in_review", state
        # The reviewers, in the next two weeks.
        for k, reviewer in enumerate(REVIEWERS):
            at = working(at, days(4 + 3 * k) + n % 5)
            yield at
            outcome = year.act("review", record_review, venture_id, by=reviewer, recommend="go")
        assert outcome.advanced is not None
        assert outcome.advanced.state == "awaiting_board", outcome
        # The Board, over the next two weeks; the chair closes the vote when all voted.
        for k, member in enumerate(year.voters):
            at = working(at, 5 + (n + k) % 4)
            yield at
            year.act("vote", vote, venture_id, member=member, choice="approve")
        at = working(at, days(1))
        yield at
        decided = year.act("close", close_vote, venture_id, by=CHAIR).advanced
        assert decided is not None
        assert decided.state in ("draft", "approved"), decided
        at = working(at, days(3))  # the lead turns to the next gate
        yield at


def daily(year: Year, hour: int, work: Callable[[dt.datetime], None], end: dt.datetime) -> Process:
    """`work(moment)` at `hour` o'clock every working day, until `end`."""
    day = START.date()
    while True:
        moment = dt.datetime.combine(day, dt.time(hour), tzinfo=ZONE)
        if moment > end:
            return
        if is_working_day(day, working_calendar(day).holidays):
            yield moment
            work(moment)
        day += dt.timedelta(days=1)


def run_year(year: Year, ventures: int) -> dt.datetime:
    """The year: every process in order of its next moment; when it ended."""
    end = START + YEAR
    processes: list[Process] = [
        venture(year, n, working(START, days(STARTS_OVER.days * 5 / 7 * n / ventures)))
        for n in range(ventures)
    ]

    def sweeping(moment: dt.datetime) -> None:
        begin = time.perf_counter()
        sweep(year.engine, moment.astimezone(dt.UTC), tz=ZONE)
        year.sweep_seconds += time.perf_counter() - begin
        year.sweeps += 1

    def translating(moment: dt.datetime) -> None:
        if moment.astimezone(ZONE).weekday() != 4:  # Fridays
            return
        year.clock.at(moment)
        for task in open_translations(year.engine, by=TRANSLATOR, now=year.clock()):
            year.act(
                "translate", give_translation, task.id, f"Cyfieithiad {task.id}", by=TRANSLATOR
            )

    processes += [daily(year, 8, sweeping, end), daily(year, 11, translating, end)]
    if RELAY:
        processes.append(daily(year, 18, lambda moment: relay(year, moment), end))
    queue: list[tuple[dt.datetime, int, Process]] = []
    order = itertools.count()

    def resume(process: Process) -> None:
        moment = next(process, None)
        if moment is not None:
            heapq.heappush(queue, (moment, next(order), process))

    for process in processes:
        resume(process)
    last = START
    stop_after = PART * ACTIONS_A_VENTURE * ventures if PART < 1 else None
    while queue:
        if stop_after is not None and len(year.actions) >= stop_after:
            break
        moment, _, process = heapq.heappop(queue)
        year.clock.at(moment)
        if moment.month != last.month:
            progress(year, last)
        last = max(last, moment)
        resume(process)
    return last


def progress(year: Year, moment: dt.datetime) -> None:
    """A line on stderr at the end of each simulated month: a run takes minutes."""
    seconds = sum(s for _, _, s in year.actions)
    print(
        f"{moment:%Y-%m}: {len(year.actions):,} actions in {seconds:.1f} s; "
        f"{year.sweeps} sweeps in {year.sweep_seconds:.1f} s; "
        f"{year.sent:,} messages relayed in {year.relay_seconds:.1f} s",
        file=sys.stderr,
        flush=True,
    )


def relay(year: Year, moment: dt.datetime, most: int | None = None) -> None:
    """Send every message due at `moment` (or the first `most`), timed."""
    at = moment.astimezone(dt.UTC)
    while most is None or most > 0:
        limit = BATCH if most is None else min(BATCH, most)
        if most is not None:
            most -= limit
        begin = time.perf_counter()
        report = send_due(year.engine, now=at, limit=limit)
        year.relay_seconds += time.perf_counter() - begin
        year.sent += report.sent
        year.not_sent += report.failed + report.dead
        if report.sent + report.failed + report.dead < limit:
            return


# --- one database ------------------------------------------------------------------------


@dataclass
class Result:
    backend: str
    ventures: int
    actions: list[tuple[dt.datetime, str, float]]
    sweeps: int
    sweep_seconds: float
    sent: int
    received: int
    relay_seconds: float
    floor_ms: float
    decided: int
    outbox: int


def prepare(engine: Engine, library: Library, port: int, folder: Path) -> Year:
    upgrade(engine)
    programme = board_of_12(folder, lambda email: mailto(port, email))
    parsed, text = load_programme_source(programme, library=library)
    imported = import_programme(
        engine,
        parsed,
        text,
        "admin@example.org",
        at=START.astimezone(dt.UTC) - dt.timedelta(days=7),
    )
    assert imported.board_members == 12, imported
    with read_session(engine) as session:
        people = workstream_people(session, WORKSTREAM)
        lead = queries.person_by_email(session, LEAD)
        assert lead is not None
        co_producers = sorted(p.email for p in people if p.id != lead.id)
        signers = sorted(p.email for p in people if p.id != lead.id and p.lived_experience)
        voters = [p.email for p, _ in board_people(session) if p.email != LEAD]
    clock = Clock()
    return Year(Cyd(engine, library, clock=clock), clock, co_producers, signers, voters)


def one_year(backend: str, url: str, folder: Path, ventures: int, profile: str) -> Result:
    library = load_library()
    with smtp_server() as (port, server):
        engine = make_engine(url)
        try:
            year = prepare(engine, library, port, folder)
            if profile:
                year.profiler = cProfile.Profile()
            ended = run_year(year, ventures)
            if RELAY:
                relay(year, ended + dt.timedelta(days=1))  # the last day's messages
            else:
                relay(year, ended + dt.timedelta(days=1), RELAY_SAMPLE)
            if year.profiler is not None:
                year.profiler.dump_stats(profile)
            with read_session(engine) as session:
                decided = session.exec(select(func.count()).select_from(t.Decision)).one()
                outbox = session.exec(select(func.count()).select_from(t.OutboxMessage)).one()
                unsent = session.exec(
                    select(func.count())
                    .select_from(t.OutboxMessage)
                    .where(col(t.OutboxMessage.status) != "sent")
                ).one()
                member = queries.person_by_email(session, year.voters[0])
                assert member is not None
                assert member.id is not None
                first = session.exec(select(t.Venture.id).order_by(col(t.Venture.id))).first()
                assert first is not None
                assert audit.verify(session).ok
            floor = floor_ms(engine, first, member.id)
        finally:
            engine.dispose()
    received = server.count  # known once the server has stopped (it runs in its own process)
    assert decided == 4 * ventures or PART < 1, decided
    assert unsent == 0 or not RELAY, f"{unsent} messages not sent"
    return Result(
        backend,
        ventures,
        year.actions,
        year.sweeps,
        year.sweep_seconds,
        year.sent,
        received,
        year.relay_seconds,
        floor,
        decided,
        outbox,
    )


def floor_ms(engine: Engine, venture_id: str, member_id: int, count: int = 300) -> float:
    """The bare unit of work (one Vote row, one audit entry), median ms, on the year's data."""
    at = (START + YEAR + dt.timedelta(days=30)).astimezone(dt.UTC)
    samples = []
    for n in range(count + 10):
        begin = time.perf_counter()
        bare_vote(engine, venture_id, member_id, at + dt.timedelta(seconds=n))
        if n >= 10:
            samples.append(time.perf_counter() - begin)
    return statistics.median(samples) * 1000


@contextmanager
def database(backend: str, folder: Path) -> Iterator[str]:
    if backend == "sqlite":
        yield f"sqlite:///{folder / 'year.db'}"
    else:
        with postgres_database() as url:
            yield url


# --- the rows ----------------------------------------------------------------------------


def quarters(result: Result) -> list[float]:
    """ms per action in each quarter of the year."""
    spent = [0.0] * 4
    counted = [0] * 4
    for moment, _, seconds in result.actions:
        quarter = min(3, int((moment - START) / YEAR * 4))
        spent[quarter] += seconds
        counted[quarter] += 1
    return [spent[q] / counted[q] * 1000 if counted[q] else float("nan") for q in range(4)]


def votes_by_quarter(result: Result) -> tuple[float, float]:
    """The median vote's ms in the first and the last quarter: the same action, on a
    small database and on a grown one."""
    first = [s for m, k, s in result.actions if k == "vote" and (m - START) < YEAR / 4]
    last = [s for m, k, s in result.actions if k == "vote" and (m - START) >= YEAR * 3 / 4]
    return (
        statistics.median(first) * 1000 if first else float("nan"),
        statistics.median(last) * 1000 if last else float("nan"),
    )


def extrapolated(result: Result) -> float:
    """Seconds for the whole year's actions, from a part of it: each kind's mean time in
    the part times the year's count of that kind (the part's overall mean for a kind it
    did not reach)."""
    overall = sum(s for _, _, s in result.actions) / max(1, len(result.actions))
    total = 0.0
    for kind, each in KINDS_A_VENTURE.items():
        times = [s for _, k, s in result.actions if k == kind]
        total += (statistics.fmean(times) if times else overall) * each * result.ventures
    return total


def rows(result: Result) -> list[Row]:
    count = len(result.actions)
    seconds = sum(s for _, _, s in result.actions)
    per = seconds / count * 1000
    by_quarter = " → ".join(f"{q:.1f}" for q in quarters(result))
    kinds: dict[str, int] = {}
    for _, kind, _ in result.actions:
        kinds[kind] = kinds.get(kind, 0) + 1
    mix = ", ".join(f"{n:,} {kind}" for kind, n in sorted(kinds.items(), key=lambda kv: -kv[1]))
    first_vote, last_vote = votes_by_quarter(result)
    medians = ", ".join(
        f"{kind} {statistics.median(s for _, k, s in result.actions if k == kind) * 1000:.1f}"
        for kind in sorted(kinds, key=lambda kind: -kinds[kind])
    )
    where = f"{result.ventures:,} ventures × 4 gates, Board of 12, {result.backend}" + (
        f", scale {SCALE}" if SCALE != 1 else ""
    )
    if PART < 1:
        expected = ACTIONS_A_VENTURE * result.ventures
        where += (
            f"; only the first {count:,} of the year's {expected:,} actions "
            f"(`CYD_BENCH_YEAR_PART={PART:g}`): the whole year would take about "
            f"{extrapolated(result):,.0f} s of commands (an extrapolation: each kind's "
            "mean here times the whole year's count of it; the rest of the year runs on more "
            "data)"
        )
    met = "met" if seconds < TARGET_S else "missed"
    relay_met = "met" if result.relay_seconds < TARGET_S else "missed"
    made = [
        (
            f"the year's actions through `services.commands`, {where} ({mix})",
            f"{count:,} actions in {seconds:.1f} s, {per:.1f} ms each "
            f"(quarters of the year: {by_quarter} ms; a vote {first_vote:.1f} → "
            f"{last_vote:.1f} ms; the median by kind: {medians} ms); "
            f"target < {TARGET_S:.0f} s {met}",
            f"{per / result.floor_ms:.1f}× the bare unit of work (1 Vote row + 1 audit entry) "
            f"at the year's end: {result.floor_ms:.1f} ms",
        ),
        (
            f"the year's reminder sweeps (`services.reminders.sweep`, each working day), {where}",
            f"{result.sweeps} sweeps in {result.sweep_seconds:.1f} s",
            f"{result.sweep_seconds / seconds:.2f}× the time of the actions",
        ),
    ]
    if not RELAY:
        each = result.relay_seconds / result.sent
        whole = each * result.outbox
        return [
            *made,
            (
                f"the year's messages, queued along the year; the first {result.sent:,} "
                f"relayed after it (`send_due` to SMTP on loopback), {where}",
                f"{result.outbox:,} messages ({result.outbox / count:.2f} an action); "
                f"{result.sent:,} relayed in {result.relay_seconds:.1f} s "
                f"({result.sent / result.relay_seconds:,.0f} messages/s): all of them at that "
                f"rate {whole:.0f} s; target < {TARGET_S:.0f} s "
                f"{'met' if whole < TARGET_S else 'missed'}",
                f"{each * 1000:.1f} ms a message, {each * 1000 / result.floor_ms:.1f}× the "
                "bare unit of work",
            ),
        ]
    return [
        *made,
        (
            f"the year's messages relayed (`send_due` to SMTP on loopback, each working day), "
            f"{where}",
            f"{result.sent:,} messages in {result.relay_seconds:.1f} s "
            f"({result.sent / result.relay_seconds:,.0f} messages/s); "
            f"target < {TARGET_S:.0f} s {relay_met}",
            f"{result.sent / count:.2f} messages an action; "
            f"{result.relay_seconds / result.sent * 1000:.1f} ms a message, "
            f"{result.relay_seconds / result.sent / result.floor_ms * 1000:.1f}× the bare unit "
            "of work",
        ),
    ]


def run() -> list[Row]:
    out: list[Row] = []
    for backend in DATABASES:
        with tempfile.TemporaryDirectory() as folder, database(backend, Path(folder)) as url:
            profile = PROFILE if backend == "sqlite" else ""
            result = one_year(backend, url, Path(folder), VENTURES, profile)
        assert result.received == result.sent, (result.received, result.sent)
        made = rows(result)
        for row in made:  # as each database is done: a run takes minutes
            print(" | ".join(row), file=sys.stderr, flush=True)
        out += made
    return out
