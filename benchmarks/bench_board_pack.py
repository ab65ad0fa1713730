"""Issue 13's PDF benchmark: the CPU one member's Board pack takes as a PDF/UA file
(WeasyPrint, from the pack's HTML), against rendering the same pack's HTML in the same
run, for each format and language; and the first PDF in a fresh process (WeasyPrint
imported, the fonts found) against importing the Board pack's module alone.

The data: the example programme with a Board meeting 30 days ahead and one or three
ventures whose checklists are answered, reviewed twice and awaiting the Board (as
`bench_board_pages`).

Knobs: CYD_BENCH_PDF_REPEATS (default 5), the renders each median is taken over.
"""

from __future__ import annotations

import datetime as dt
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path

from benchmarks.bench_board_pages import CO_PRODUCER, LEAD, REVIEWERS
from benchmarks.bench_checklist_pages import PROGRAMME
from benchmarks.common import PYTHON, bytecode_cache_env, interleaved

Row = tuple[str, str, str]

REPEATS = int(os.environ.get("CYD_BENCH_PDF_REPEATS", "5"))
READERS = (
    # (name, email, languages, Easy Read): each of the pack's forms
    ("standard English", "david.hughes@example.org", ("en",), False),
    ("Easy Read Welsh", "megan.lloyd@example.org", ("cy",), True),
    ("standard, Welsh and English (never asked)", "priya.shah@example.org", ("cy", "en"), False),
    ("Easy Read, Welsh and English (never asked)", "priya.shah@example.org", ("cy", "en"), True),
)
TINY = '<!DOCTYPE html><html lang="en"><head><title>x</title></head><body><p>x</p></body></html>'


def prepare(folder: Path, ventures: int) -> None:
    """The programme with a meeting ahead, and `ventures` ventures awaiting the Board."""
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
        for n in range(ventures):
            venture = start_venture(
                cyd, workstream="day-opportunities", title=f"Community café {n + 1}", lead=LEAD
            ).venture_id
            answer_missing(cyd, venture, [CO_PRODUCER])
            submit(cyd, venture, by=LEAD)
            for reviewer in REVIEWERS:
                record_review(cyd, venture, by=reviewer, recommend="go", note="Well done.")
    finally:
        engine.dispose()


def cpu_median(fn: Callable[[], object], repeats: int) -> float:
    """Median CPU seconds of this process per call (the machine is shared: wall time
    would count the neighbours' work)."""
    samples = []
    for _ in range(repeats):
        start = time.process_time()
        fn()
        samples.append(time.process_time() - start)
    return statistics.median(samples)


def pack_rows(ventures: int) -> list[Row]:
    from checklists.loader import load_library
    from governance.board_pack import Member, pack_for
    from models.db import make_engine
    from notifications.board_pack import render_html, render_pdf
    from services.board_pack import load_agenda

    with tempfile.TemporaryDirectory(prefix="cyd-bench-pdf-") as tmp:
        folder = Path(tmp)
        prepare(folder, ventures)
        engine = make_engine(f"sqlite:///{folder / 'cyd.db'}")
        try:
            agenda = load_agenda(engine, load_library())
        finally:
            engine.dispose()
    assert len(agenda) == ventures, agenda
    meeting = dt.datetime.now(dt.UTC).date() + dt.timedelta(days=30)
    render_pdf(pack_for(Member("x", "x@example.org", ("en",), False), meeting, agenda))  # warm
    rows: list[Row] = []
    for name, email, languages, easy in READERS:
        pack = pack_for(Member(name, email, languages, easy), meeting, agenda)
        pdf = render_pdf(pack)
        pages = _pages(pdf)
        seconds = cpu_median(partial(render_pdf, pack), REPEATS)
        html = cpu_median(partial(render_html, pack), max(REPEATS, 20))
        rows.append(
            (
                f"one member's Board pack as a PDF/UA file (WeasyPrint), {name}, "
                f"{ventures} venture(s) on the agenda, each with its answered checklist",
                f"{seconds * 1000:,.0f} ms CPU ({pages} pages, {len(pdf) / 1024:,.0f} KiB; "
                f"median of {REPEATS})",
                f"{seconds / html:,.0f}× the same pack's HTML ({html * 1000:.1f} ms)",
            )
        )
    return rows


def _pages(pdf: bytes) -> int:
    import io

    import pikepdf  # a development dependency, as the benchmarks' others

    with pikepdf.open(io.BytesIO(pdf)) as document:
        return len(document.pages)


def first_pdf_row() -> Row:
    with tempfile.TemporaryDirectory(prefix="cyd-bench-pdf-") as tmp:
        env = bytecode_cache_env(Path(tmp))
        medians = interleaved(
            {
                "first": [
                    PYTHON,
                    "-c",
                    "import sys; from notifications.board_pack import html_to_pdf; "
                    "html_to_pdf(sys.argv[1])",
                    TINY,
                ],
                "import": [PYTHON, "-c", "import notifications.board_pack"],
            },
            repeats=5,
            envs={"first": env, "import": env},
        )
    return (
        "the first PDF in a fresh process (WeasyPrint imported, the fonts found; a one-line "
        "page), process",
        f"{medians['first'] * 1000:,.0f} ms vs {medians['import'] * 1000:,.0f} ms for "
        "`import notifications.board_pack` (WeasyPrint is imported only when a PDF is made)",
        f"{medians['first'] / medians['import']:.1f}×",
    )


def run() -> list[Row]:
    return [*pack_rows(1), *pack_rows(3), first_pdf_row()]


if __name__ == "__main__":
    for row in run():
        print(" | ".join(row))
    sys.exit(0)
