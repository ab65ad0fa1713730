"""Issue 15: the bytes a venture gate stores for its pinned checklists, before
migration 0012 (each gate run held its definitions whole) and now (it names them by
content hash; each distinct definition is one row of `checklist_definition`).

CYD_BENCH_STORAGE_VENTURES (default 20) ventures started through the commands on
SQLite, each with its first gate's checklist answered; measured as the stored text of
each gate run's pins, at head and after the downgrade to 0011 (which writes the whole
definitions back, as Cyd before 0012 stored them), and the database's pages in use.
"""

from __future__ import annotations

import hashlib
import os
import statistics
import tempfile
import time
import timeit
from collections.abc import Callable
from pathlib import Path

from sqlalchemy import Engine, String, cast, func, select

from benchmarks.common import ROOT
from checklists.loader import load_library
from models import tables as t
from models.db import make_engine, read_session
from models.migrate import downgrade, upgrade
from services.advance import pinned_from_text
from services.commands import Cyd, start_venture
from services.examples import answer_missing
from services.programme_import import import_programme, load_programme

Row = tuple[str, str, str]

PROGRAMME = ROOT / "examples" / "programme.yaml"
QUICK = os.environ.get("CYD_BENCH_QUICK", "") not in {"", "0"}
VENTURES = int(os.environ.get("CYD_BENCH_STORAGE_VENTURES", "3" if QUICK else "20"))
PROJECTED = 100_000  # ventures (issue 15's measure)


def _pins(engine: Engine) -> list[int]:
    """The bytes of each gate run's pins as stored."""
    with engine.connect() as connection:
        query = select(cast(t.GateRun.checklists, String))
        return [len(str(pins).encode()) for (pins,) in connection.execute(query)]


def _definitions(engine: Engine) -> tuple[int, int]:
    """Rows of the definitions table and the bytes of their bodies."""
    with engine.connect() as connection:
        body = cast(t.StoredDefinition.body, String)
        query = select(func.count(), func.coalesce(func.sum(func.length(body)), 0))
        rows, size = connection.execute(query).one()
        return int(rows), int(size)


def _one_pin_text(engine: Engine) -> str:
    with engine.connect() as connection:
        query = select(cast(t.GateRun.checklists, String)).limit(1)
        return str(connection.execute(query).scalar_one())


def _per_call_us(fn: Callable[[], object], number: int = 20_000) -> float:
    return timeit.timeit(fn, number=number) / number * 1e6


def _used_bytes(engine: Engine) -> int:
    """The database's pages in use (its file after VACUUM would be this size)."""
    with engine.connect() as connection:
        pages = connection.exec_driver_sql("PRAGMA page_count").scalar_one()
        free = connection.exec_driver_sql("PRAGMA freelist_count").scalar_one()
        size = connection.exec_driver_sql("PRAGMA page_size").scalar_one()
    return int((pages - free) * size)


def run() -> list[Row]:
    library = load_library()
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "cyd.db"
        engine = make_engine(f"sqlite:///{path}")
        try:
            upgrade(engine)
            programme = load_programme(PROGRAMME, library=library)
            import_programme(engine, programme, PROGRAMME.read_text(encoding="utf-8"), "admin")
            cyd = Cyd(engine, library)
            for n in range(VENTURES):
                venture = start_venture(
                    cyd,
                    workstream="day-opportunities",
                    title=f"Venture {n + 1}",
                    lead="gareth.jones@example.org",
                ).venture_id
                answer_missing(cyd, venture, ["nia.morgan@example.org"])
            now = _pins(engine)
            # A page's read of a venture's checklists once this process has decoded
            # them: the pins' text to the definitions (`pinned_from_text`).
            pins_text = _one_pin_text(engine)
            with read_session(engine) as session:
                pinned_from_text(session, pins_text)
                read_us = _per_call_us(lambda: pinned_from_text(session, pins_text))
            rows, bodies = _definitions(engine)
            file_now = _used_bytes(engine)
            start = time.perf_counter()
            downgrade(engine, "0011")
            down_s = time.perf_counter() - start
            before = _pins(engine)
            # Before 0012 the same warm read keyed its cache by the SHA-256 of the whole
            # stored text (the decoding being cached too, the hashing was what remained).
            old_text = _one_pin_text(engine).encode()
            old_read_us = _per_call_us(lambda: hashlib.sha256(old_text).digest(), 2_000)
            file_before = _used_bytes(engine)
            start = time.perf_counter()
            upgrade(engine)
            up_s = time.perf_counter() - start
            assert _pins(engine) == now
        finally:
            engine.dispose()
    per_now, per_before = statistics.median(now), statistics.median(before)
    return [
        (
            f"stored pins of a venture gate (design; {VENTURES} ventures started through the"
            " commands, SQLite), median",
            f"{per_now:,.0f} bytes (largest {max(now):,}; target ≤ 2,048)",
            f"{per_now / per_before:.4f}× the whole definitions stored before 0012"
            f" ({per_before:,.0f} bytes a gate run)",
        ),
        (
            f"{PROJECTED:,} venture gates' pins, projected",
            f"{per_now * PROJECTED / 1e6:,.0f} MB, plus {bodies:,} bytes of definitions"
            f" ({rows} {'row' if rows == 1 else 'rows'}, shared by every venture pinned to"
            " the same content)",
            f"was {per_before * PROJECTED / 1e9:,.1f} GB",
        ),
        (
            f"the database's pages in use, {VENTURES} ventures",
            f"{file_now / 1024:,.0f} KiB",
            f"{file_now / file_before:.2f}× the same at 0011 ({file_before / 1024:,.0f} KiB)",
        ),
        (
            "a page's read of a venture's pinned checklists, already decoded in the process"
            " (`pinned_from_text`)",
            f"{read_us:.1f} µs a read",
            f"{read_us / old_read_us:.3f}× hashing the whole stored pins as before 0012"
            f" ({old_read_us:.0f} µs)",
        ),
        (
            f"migration 0012 of those {VENTURES} ventures, SQLite",
            f"upgrade {up_s * 1000:,.0f} ms, downgrade {down_s * 1000:,.0f} ms",
            "",
        ),
    ]
