"""Issue 2's benchmarks: evaluator throughput and `cyd checklist validate` start-up."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Any

from benchmarks.common import PYTHON, bytecode_cache_env, interleaved, rate
from checklists.evaluate import compile_checklist, evaluate
from checklists.examples import example_answer
from checklists.loader import load_library
from checklists.spec import (
    ChecklistDefinition,
)


def answer_sets(definition: ChecklistDefinition) -> dict[str, dict[str, Any]]:
    full = {item.id: example_answer(item) for item in definition.items()}
    half = dict(list(full.items())[: len(full) // 2])
    return {"empty": {}, "half answered": half, "fully answered": full}


def run() -> list[tuple[str, str, str]]:
    rows: list[tuple[str, str, str]] = []
    library = load_library()
    start = library.checklist("coproduction-start")
    compile_checklist(start)
    item_ids = [i.id for i in start.items()]
    for label, answers in answer_sets(start).items():
        per_second = rate(lambda a=answers: evaluate(start, a))  # type: ignore[misc]
        floor = rate(lambda a=answers: [a.get(i) for i in item_ids])  # type: ignore[misc]
        rows.append(
            (
                f"evaluate coproduction-start ({len(item_ids)} items), {label}",
                f"{per_second:,.0f} evaluations/s (target ≥ 10,000)",
                f"{floor / per_second:.1f}× the time of reading each answer from the dict",
            )
        )
    repeats = int(os.environ.get("CYD_BENCH_REPEATS", "15"))
    with tempfile.TemporaryDirectory() as cache:
        # This run's own validation cache (not the user's), and cached bytecode.
        env = {"CYD_CACHE_DIR": cache, **bytecode_cache_env(Path(cache))}
        times = interleaved(
            {
                "baseline": [PYTHON, "-c", "import pydantic, yaml"],
                "typer": [PYTHON, "-m", "cli.main", "checklist", "validate", "--no-cache"],
                "cold": [PYTHON, "-m", "cli.main", "checklist", "validate"],
                "warm": [PYTHON, "-m", "cli.main", "checklist", "validate"],
            },
            repeats=repeats,
            envs={
                "baseline": env,
                "typer": env,
                "warm": env,
                # A cache folder that cannot be created: every run is a first check.
                "cold": {**env, "CYD_CACHE_DIR": "/dev/null/no-cache"},
            },
        )
    base = times["baseline"]
    for key, label in (
        ("cold", "`cyd checklist validate` (shipped folder, first check), process"),
        ("warm", "`cyd checklist validate` (shipped folder, unchanged since last check)"),
        ("typer", "`cyd checklist validate --no-cache` (full check through the Typer app)"),
    ):
        rows.append(
            (
                label,
                f"{times[key] * 1000:.0f} ms vs {base * 1000:.0f} ms for "
                '`python -c "import pydantic, yaml"`',
                f"{times[key] / base:.2f}× (target ≤ 2×)",
            )
        )
    return rows
