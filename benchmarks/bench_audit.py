"""Issue 14's check of the state: `cyd audit verify` rebuilds the state from the log, by
the rules, and compares it with the tables. What that costs per entry, against the
chain check alone (`--chain-only`) of the same log, in the same run; and so what a
year of a programme would take to verify daily.

The log is made through the commands, as a programme makes it: CYD_BENCH_AUDIT_VENTURES
(default 20) ventures each answered, submitted, reviewed twice and voted on by the
Board, on SQLite.
"""

from __future__ import annotations

import os
import statistics
import tempfile
import time
from pathlib import Path

from benchmarks.common import ROOT
from checklists.loader import load_library
from models import audit
from models.db import make_engine, read_session
from models.migrate import upgrade
from services.commands import Cyd, record_review, start_venture, submit, vote
from services.examples import answer_missing
from services.programme_import import import_programme, load_programme
from services.replay import compare, replay

Row = tuple[str, str, str]

PROGRAMME = ROOT / "examples" / "programme.yaml"
QUICK = os.environ.get("CYD_BENCH_QUICK", "") not in {"", "0"}
VENTURES = int(os.environ.get("CYD_BENCH_AUDIT_VENTURES", "3" if QUICK else "20"))
ROUNDS = 1 if QUICK else 3
# A year of a programme (issue 15's measure): 200 ventures × 4 gates, 18,400 actions.
YEAR_ENTRIES = 18_400


def _log(folder: Path) -> int:
    library = load_library()
    engine = make_engine(f"sqlite:///{folder / 'cyd.db'}")
    try:
        upgrade(engine)
        programme = load_programme(PROGRAMME, library=library)
        import_programme(engine, programme, PROGRAMME.read_text(encoding="utf-8"), "admin")
        cyd = Cyd(engine, library)
        for n in range(VENTURES):
            started = start_venture(
                cyd,
                workstream="day-opportunities",
                title=f"Venture {n + 1}",
                lead="gareth.jones@example.org",
                title_other=f"Menter {n + 1}",
            )
            venture = started.venture_id
            answer_missing(cyd, venture, ["nia.morgan@example.org"])
            submit(cyd, venture, by="gareth.jones@example.org")
            for reviewer in ("elin.davies@example.org", "owen.walker@example.org"):
                record_review(cyd, venture, by=reviewer, recommend="go")
            vote(cyd, venture, member="megan.lloyd@example.org", choice="approve")
        with read_session(engine) as session:
            return audit.verify(session).entries
    finally:
        engine.dispose()


def run() -> list[Row]:
    library = load_library()
    with tempfile.TemporaryDirectory() as folder:
        entries = _log(Path(folder))
        source = make_engine(f"sqlite:///{Path(folder) / 'cyd.db'}")
        chains, states = [], []
        try:
            for n in range(ROUNDS):
                start = time.perf_counter()
                with read_session(source) as session:
                    assert audit.verify(session).ok
                chains.append(time.perf_counter() - start)
                target = make_engine(f"sqlite:///{Path(folder) / f'replayed-{n}.db'}")
                try:
                    start = time.perf_counter()
                    upgrade(target)
                    result = replay(source, target, library)
                    differences = compare(source, target)
                    states.append(time.perf_counter() - start)
                finally:
                    target.dispose()
                assert result.ok, result.problems[:3]
                assert differences == [], differences[:3]
        finally:
            source.dispose()
    chain, state = statistics.median(chains), statistics.median(states)
    per_entry = state / entries
    return [
        (
            f"`cyd audit verify`'s state check: replay {entries:,} entries by the rules into "
            f"a new SQLite database and compare every table ({VENTURES} ventures through "
            "the Board), SQLite",
            f"{state:.1f} s ({per_entry * 1000:.1f} ms an entry; a year of a programme, "
            f"{YEAR_ENTRIES:,} entries, about {per_entry * YEAR_ENTRIES / 60:.0f} min)",
            f"{state / chain:.0f}× the chain check alone of the same log "
            f"(`--chain-only`, {chain * 1000:.0f} ms)",
        )
    ]


if __name__ == "__main__":
    for row in run():
        print(" | ".join(row))
