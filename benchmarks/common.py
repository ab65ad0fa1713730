"""Timing helpers: medians over repeats, baselines measured in the same run."""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def process_seconds(
    argv: Sequence[str], repeats: int, env: dict[str, str] | None = None
) -> list[float]:
    """Wall time of whole processes, as a person at a terminal feels it."""
    full_env = {**os.environ, **(env or {})}
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        subprocess.run(argv, cwd=ROOT, check=True, capture_output=True, env=full_env)
        times.append(time.perf_counter() - start)
    return times


def interleaved(
    commands: dict[str, Sequence[str]],
    repeats: int,
    warmup: int = 2,
    envs: dict[str, dict[str, str]] | None = None,
) -> dict[str, float]:
    """Median process time of each command, runs interleaved so drift hits all alike."""
    envs = envs or {}
    for name, argv in commands.items():
        process_seconds(argv, warmup, envs.get(name))
    samples: dict[str, list[float]] = {name: [] for name in commands}
    for _ in range(repeats):
        for name, argv in commands.items():
            samples[name].extend(process_seconds(argv, 1, envs.get(name)))
    return {name: statistics.median(values) for name, values in samples.items()}


def rate(fn: Callable[[], object], seconds: float = 1.0) -> float:
    """Calls per second of fn, best of three rounds of about `seconds` each."""
    best = 0.0
    for _ in range(3):
        count = 0
        start = time.perf_counter()
        deadline = start + seconds
        while True:
            for _ in range(100):
                fn()
            count += 100
            now = time.perf_counter()
            if now >= deadline:
                break
        best = max(best, count / (now - start))
    return best


PYTHON = sys.executable


def bytecode_cache_env(folder: Path) -> dict[str, str]:
    """Child processes that cache bytecode (in `folder`), as an installed program does.

    Some environments set PYTHONDONTWRITEBYTECODE; then every run compiles every
    module it imports, which would swamp start-up comparisons.
    """
    return {"PYTHONDONTWRITEBYTECODE": "", "PYTHONPYCACHEPREFIX": str(folder / "pyc")}
