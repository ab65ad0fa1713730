"""Issue 10's page benchmark, in part: the server's CPU per request for a venture's task
list, a question page and check your answers, and (issue 11) a reviewer's review page of
a second venture, submitted and in review, and a third venture's decision record (decided
by the Board), against `/healthz` of the same app in the same run.

The pages run as `cyd web` runs them (uvicorn, in a process of their own) on a SQLite
copy of the example programme with one venture whose checklist is answered, each
must-meet answer changed once by a second person (so a question page shows a history).
Requests go one at a time over a kept-alive loopback connection from this process;
the server's CPU (user + system, from /proc) is read before and after each batch, so
the client's own work is not counted. Batches of each page take turns, so drift hits
all alike; the result is the median of the batches.

Knobs: CYD_BENCH_PAGE_REQUESTS (requests a batch, default 300), CYD_BENCH_PAGE_ROUNDS
(batches of each page, default 5); CYD_BENCH_QUICK=1 makes both small.
"""

from __future__ import annotations

import http.client
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

from benchmarks.common import PYTHON, ROOT

Row = tuple[str, str, str]

QUICK = os.environ.get("CYD_BENCH_QUICK", "") not in {"", "0"}
REQUESTS = int(os.environ.get("CYD_BENCH_PAGE_REQUESTS", "30" if QUICK else "300"))
ROUNDS = int(os.environ.get("CYD_BENCH_PAGE_ROUNDS", "2" if QUICK else "5"))
WARMUP = 20
PROGRAMME = ROOT / "examples" / "programme.yaml"
LEAD = "gareth.jones@example.org"
CO_PRODUCER = "nia.morgan@example.org"
REVIEWER = "owen.walker@example.org"
TARGET_MS = 3.0  # issue 10: at most 3 ms of CPU per page on SQLite


def prepare(folder: Path) -> tuple[str, str]:
    """The example programme and two answered ventures in a SQLite file: the ids of one
    in draft and of one submitted (in review)."""
    from checklists.loader import load_library
    from checklists.spec import TextAnswer
    from models.db import make_engine
    from models.migrate import upgrade
    from services.commands import Cyd, answer, start_venture, submit
    from services.examples import answer_missing, missing_items
    from services.programme_import import import_programme, load_programme

    library = load_library()
    engine = make_engine(f"sqlite:///{folder / 'cyd.db'}")
    try:
        upgrade(engine)
        programme = load_programme(PROGRAMME, library=library)
        import_programme(
            engine, programme, PROGRAMME.read_text(encoding="utf-8"), "admin@example.org"
        )
        cyd = Cyd(engine, library)
        ventures = []
        for title in ("Community café", "Garden project"):
            venture = start_venture(
                cyd, workstream="day-opportunities", title=title, lead=LEAD
            ).venture_id
            first = missing_items(engine, venture)
            answer_missing(cyd, venture, [LEAD])
            for checklist, item_id in first:  # changed by someone else: a history of two
                item = checklist.item(item_id)
                spec = item.answer
                # A lead's own item (audience: lead) is never answered by a co-producer.
                if isinstance(spec, TextAnswer) and item.for_co_producers():
                    words = max(spec.min_words, 12)
                    answer(cyd, venture, item_id, " ".join(["changed"] * words), by=CO_PRODUCER)
            ventures.append(venture)
        submit(cyd, ventures[1], by=LEAD)  # in review: its reviewers assigned
    finally:
        engine.dispose()
    return ventures[0], ventures[1]


def prepare_decided(folder: Path) -> str:
    """A second venture in the same file, through two reviews to the Board's decision
    (an interest declared, a supporter, conditions, the chair closing): its id."""
    from checklists.loader import load_library
    from models.db import make_engine
    from services import commands as c
    from services.examples import answer_missing

    engine = make_engine(f"sqlite:///{folder / 'cyd.db'}")
    try:
        cyd = c.Cyd(engine, load_library())
        venture = c.start_venture(
            cyd, workstream="day-opportunities", title="Shared allotment", lead=LEAD
        ).venture_id
        answer_missing(cyd, venture, [CO_PRODUCER])
        c.submit(cyd, venture, by=LEAD)
        for reviewer in ("elin.davies@example.org", "owen.walker@example.org"):
            c.record_review(cyd, venture, by=reviewer, recommend="go", note="Well made.")
        c.declare_interest(cyd, venture, member="david.hughes@example.org", interest="Grows veg")
        chair = "megan.lloyd@example.org"
        c.vote(cyd, venture, member=chair, choice="approve", supported_by="tom.price@example.org")
        for member in ("aled.evans@example.org", "sian.roberts@example.org"):
            c.vote(cyd, venture, member=member, choice="approve")
        c.vote(
            cyd,
            venture,
            member="priya.shah@example.org",
            choice="approve-with-conditions",
            reason="Pay people for their time.",
        )
        c.close_vote(cyd, venture, by=chair)
    finally:
        engine.dispose()
    return venture


def serve(database: str, data_dir: str, email: str) -> None:
    """The server process: the pages on `database`, `email` signed in; prints its port."""
    from checklists.loader import load_library
    from models import queries
    from models.db import make_engine, read_session
    from web.app import create_app
    from web.server import bind, run
    from web.settings import WebSettings
    from web.visitor import SignedIn

    engine = make_engine(database)
    with read_session(engine) as session:
        person = queries.person_by_email(session, email)
    assert person is not None
    signed_in = SignedIn(person, "bench-session")
    app = create_app(
        engine,
        load_library(),
        WebSettings.in_folder(Path(data_dir)),
        identify=lambda _request, _engine: signed_in,
    )
    sock = bind("127.0.0.1", 0)
    print(sock.getsockname()[1], flush=True)
    run(app, sock)


def _cpu_seconds(pid: int) -> float:
    """User + system CPU of a process so far (Linux /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    ticks = int(fields[11]) + int(fields[12])  # utime, stime
    return ticks / os.sysconf("SC_CLK_TCK")


def _get(connection: http.client.HTTPConnection, path: str) -> None:
    connection.request("GET", path)
    answer = connection.getresponse()
    answer.read()
    if answer.status != 200:
        raise RuntimeError(f"GET {path}: {answer.status}")


def measure(pid: int, port: int, pages: dict[str, str]) -> dict[str, float]:
    """Median server CPU seconds per request of each page."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        for path in pages.values():
            for _ in range(WARMUP):
                _get(connection, path)
        samples: dict[str, list[float]] = {name: [] for name in pages}
        names = list(pages)
        for round_number in range(ROUNDS):
            turn = names[round_number % len(names) :] + names[: round_number % len(names)]
            for name in turn:
                before = _cpu_seconds(pid)
                for _ in range(REQUESTS):
                    _get(connection, pages[name])
                samples[name].append((_cpu_seconds(pid) - before) / REQUESTS)
    finally:
        connection.close()
    return {name: statistics.median(values) for name, values in samples.items()}


def _server(folder: Path, email: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [
            PYTHON,
            "-c",
            "import sys; from benchmarks.bench_checklist_pages import serve; serve(*sys.argv[1:])",
            f"sqlite:///{folder / 'cyd.db'}",
            str(folder),
            email,
        ],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
    )


def _measured(folder: Path, email: str, pages: dict[str, str]) -> dict[str, float]:
    """`pages` measured on a server with `email` signed in."""
    server = _server(folder, email)
    try:
        assert server.stdout is not None
        port = int(server.stdout.readline())
        return measure(server.pid, port, pages)
    finally:
        server.terminate()
        server.wait(timeout=30)


def _row(name: str, what: str, cpu: dict[str, float]) -> Row:
    floor = cpu["healthz"]
    return (
        f"server CPU per request, the {name} of a venture whose checklist is answered"
        f" ({what}), SQLite, signed in",
        f"{cpu[name] * 1000:.1f} ms (target ≤ {TARGET_MS:.0f} ms; median of {ROUNDS}"
        f" batches of {REQUESTS})",
        f"{cpu[name] / floor:.1f}× `/healthz` of the same app ({floor * 1000:.2f} ms)",
    )


def run() -> list[Row]:
    with tempfile.TemporaryDirectory(prefix="cyd-bench-pages-") as tmp:
        folder = Path(tmp)
        venture, reviewed = prepare(folder)
        decided = prepare_decided(folder)
        base = f"/ventures/{venture}"
        cpu = _measured(
            folder,
            LEAD,
            {
                "healthz": "/healthz",
                "task list": f"{base}/checklist",
                "question page": f"{base}/checklist/people-affected",
                "check your answers": f"{base}/check",
                "decision record": f"/ventures/{decided}/decisions",
            },
        )
        # The review page is a reviewer's: a server with one signed in.
        review = _measured(
            folder,
            REVIEWER,
            {"healthz": "/healthz", "review page": f"/ventures/{reviewed}/review"},
        )
    return [
        *(
            _row(name, what, cpu)
            for name, what in (
                ("task list", "11 sections, 24 items"),
                ("question page", "a section of 4 questions, 3 answered, 2 of them changed"),
                ("check your answers", "every answer with a change link"),
                ("decision record", "one gate decided: its reasons, tally, conditions and head"),
            )
        ),
        _row(
            "review page",
            "in review: every answer by section, each changed one's history, the form",
            review,
        ),
    ]


if __name__ == "__main__":
    for row in run():
        print(" | ".join(row))
    sys.exit(0)
