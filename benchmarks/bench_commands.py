"""Every interactive command as a person runs it: a process of its own on the embedded
default (SQLite), against `python -c "import sqlmodel"` measured in the same run, runs
interleaved so that the machine's load hits both alike (target: each at most 1.3×).

Each run of a command that changes something starts from the same prepared database,
copied fresh before the run (outside the time measured), so every run does the same
work: an answer recorded (a new value), a checklist submitted, a review recorded, a
vote cast, an interest declared, a vote closed by the chair; and the reads a person
makes (the ventures' list, a venture, the people).
"""

from __future__ import annotations

import os
import shutil
import statistics
import subprocess
import tempfile
import time
from pathlib import Path

from benchmarks.bench_governance import (
    CO_PRODUCER,
    LEAD,
    REVIEWERS,
    VOTERS,
    prepare,
    venture_at_the_board,
)
from benchmarks.common import PYTHON, ROOT, bytecode_cache_env
from checklists.loader import load_library
from models.db import make_engine
from services.commands import Cyd, start_venture, submit
from services.examples import answer_missing

CHAIR = "megan.lloyd@example.org"
TARGET = 1.3


def _prepared(data: Path) -> dict[str, str]:
    """The data folder with a venture in each state a command needs; their ids."""
    data.mkdir(parents=True)
    engine = make_engine(f"sqlite:///{data / 'cyd.db'}")
    try:
        library = load_library()
        prepare(engine, library)
        cyd = Cyd(engine, library)
        draft = start_venture(
            cyd, workstream="day-opportunities", title="Garden", lead=LEAD
        ).venture_id
        ready = start_venture(cyd, workstream="day-opportunities", title="Shop", lead=LEAD)
        answer_missing(cyd, ready.venture_id, [CO_PRODUCER])
        in_review = start_venture(cyd, workstream="day-opportunities", title="Bus", lead=LEAD)
        answer_missing(cyd, in_review.venture_id, [CO_PRODUCER])
        submit(cyd, in_review.venture_id, by=LEAD)
        board = venture_at_the_board(cyd)
    finally:
        engine.dispose()
    return {
        "draft": draft,
        "ready": ready.venture_id,
        "in_review": in_review.venture_id,
        "board": board,
    }


def _commands(ids: dict[str, str]) -> dict[str, list[str]]:
    cyd = [PYTHON, "-m", "cli.main"]
    return {
        "venture answer": [
            *cyd, "venture", "answer", ids["draft"], "ladder-rung", "engagement", "--by", LEAD
        ],
        "venture submit": [*cyd, "venture", "submit", ids["ready"], "--by", LEAD],
        "review record": [
            *cyd, "review", "record", ids["in_review"], "--by", REVIEWERS[0], "--recommend", "go"
        ],
        "board vote": [
            *cyd, "board", "vote", ids["board"], "--member", VOTERS[1], "--choice", "approve"
        ],
        "board declare": [
            *cyd, "board", "declare", ids["board"], "--member", VOTERS[2], "--interest",
            "My sister works there.",
        ],
        "board close": [*cyd, "board", "close", ids["board"], "--by", CHAIR],
        "venture list": [*cyd, "venture", "list"],
        "venture show": [*cyd, "venture", "show", ids["board"]],
        "people list": [*cyd, "people", "list"],
    }  # fmt: skip


def _timed(argv: list[str], env: dict[str, str]) -> float:
    start = time.perf_counter()
    done = subprocess.run(argv, cwd=ROOT, env=env, capture_output=True, check=False)
    elapsed = time.perf_counter() - start
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(argv[3:])} failed: {done.stderr.decode()[-400:]}")
    return elapsed


def run() -> list[tuple[str, str, str]]:
    repeats = int(os.environ.get("CYD_BENCH_REPEATS", "9"))
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        template = root / "template"
        ids = _prepared(template)
        work = root / "data"
        cached = bytecode_cache_env(root)
        ours = {
            **os.environ,
            **cached,
            "CYD_DATA_DIR": str(work),
            "CYD_CACHE_DIR": str(root / "cache"),
            "CYD_DATABASE_URL": "",
            "CYD_ORCHESTRATION": "direct",
        }
        baseline_env = {**os.environ, **cached}
        baseline = [PYTHON, "-c", "import sqlmodel"]
        commands = _commands(ids)

        def fresh() -> None:
            shutil.rmtree(work, ignore_errors=True)
            shutil.copytree(template, work)

        samples: dict[str, list[float]] = {name: [] for name in ["baseline", *commands]}
        for warm in range(2 + repeats):
            for name, argv in commands.items():
                fresh()
                took = _timed(argv, ours)
                base = _timed(baseline, baseline_env)
                if warm >= 2:  # the first runs fill the bytecode cache
                    samples[name].append(took)
                    samples["baseline"].append(base)
    floor = statistics.median(samples["baseline"])
    rows = []
    for name in commands:
        took = statistics.median(samples[name])
        rows.append(
            (
                f"`cyd {name}`, process (SQLite)",
                f'{took * 1000:.0f} ms vs {floor * 1000:.0f} ms for `python -c "import sqlmodel"`',
                f"{took / floor:.2f}× (target ≤ {TARGET}×)",
            )
        )
    return rows
