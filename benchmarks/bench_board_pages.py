"""Issue 11's page benchmark, the Board's part: the server's CPU per request for the
Board's agenda (/board) and a member's papers as a page (/board/pack), against
`/healthz` of the same app in the same run, measured as `bench_checklist_pages`
measures (its server and batches).

The data: the example programme with a Board meeting 30 days ahead, and one venture
whose checklist is answered, reviewed twice and awaiting the Board; the pages are
read by a Board member (standard English) and by the chair (Easy Read Welsh).

Knobs: as `bench_checklist_pages` (CYD_BENCH_PAGE_REQUESTS, CYD_BENCH_PAGE_ROUNDS,
CYD_BENCH_QUICK).
"""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
import tempfile
from pathlib import Path

from benchmarks.bench_checklist_pages import (
    PROGRAMME,
    REQUESTS,
    ROUNDS,
    TARGET_MS,
    measure,
)
from benchmarks.common import PYTHON, ROOT

Row = tuple[str, str, str]

LEAD = "gareth.jones@example.org"
CO_PRODUCER = "nia.morgan@example.org"
REVIEWERS = ("elin.davies@example.org", "owen.walker@example.org")
MEMBER = "david.hughes@example.org"  # English, standard
CHAIR = "megan.lloyd@example.org"  # Welsh, Easy Read


def prepare(folder: Path) -> str:
    """The programme with a meeting ahead, and a venture awaiting the Board; its id."""
    from checklists.loader import load_library
    from models.db import make_engine
    from models.migrate import upgrade
    from services.commands import Cyd, record_review, start_venture, submit
    from services.examples import answer_missing
    from services.programme_import import import_programme, parse_programme

    library = load_library()
    meeting = dt.datetime.now(dt.UTC).date() + dt.timedelta(days=30)
    text = PROGRAMME.read_text(encoding="utf-8").replace(
        "  meetings: []\n", f"  meetings: [{meeting.isoformat()}]\n", 1
    )
    engine = make_engine(f"sqlite:///{folder / 'cyd.db'}")
    try:
        upgrade(engine)
        programme = parse_programme(text, "programme.yaml", library=library)
        import_programme(engine, programme, text, "admin@example.org")
        cyd = Cyd(engine, library)
        venture = start_venture(
            cyd, workstream="day-opportunities", title="Community café", lead=LEAD
        ).venture_id
        answer_missing(cyd, venture, [CO_PRODUCER])
        submit(cyd, venture, by=LEAD)
        for reviewer in REVIEWERS:
            record_review(cyd, venture, by=reviewer, recommend="go", note="Well co-produced.")
    finally:
        engine.dispose()
    return venture


def _measure_as(folder: Path, email: str, pages: dict[str, str]) -> dict[str, float]:
    server = subprocess.Popen(
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
    try:
        assert server.stdout is not None
        port = int(server.stdout.readline())
        return measure(server.pid, port, pages)
    finally:
        server.terminate()
        server.wait(timeout=30)


def run() -> list[Row]:
    rows: list[Row] = []
    with tempfile.TemporaryDirectory(prefix="cyd-bench-board-") as tmp:
        folder = Path(tmp)
        prepare(folder)
        for email, who in (
            (MEMBER, "a member, standard English"),
            (CHAIR, "the chair, Easy Read Welsh"),
        ):
            pages = {"healthz": "/healthz", "agenda": "/board", "pack": "/board/pack"}
            cpu = _measure_as(folder, email, pages)
            floor = cpu["healthz"]
            rows += [
                (
                    f"server CPU per request, {what} with one venture awaiting the Board"
                    f" (read by {who}), SQLite, signed in",
                    f"{cpu[name] * 1000:.1f} ms (target ≤ {TARGET_MS:.0f} ms; median of"
                    f" {ROUNDS} batches of {REQUESTS})",
                    f"{cpu[name] / floor:.1f}× `/healthz` of the same app ({floor * 1000:.2f} ms)",
                )
                for name, what in (("agenda", "the Board's agenda"), ("pack", "the papers page"))
            ]
    return rows


if __name__ == "__main__":
    for row in run():
        print(" | ".join(row))
    sys.exit(0)
