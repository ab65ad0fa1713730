"""Timing helpers: medians over repeats, baselines measured in the same run."""

from __future__ import annotations

import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def process_seconds(argv: Sequence[str], repeats: int) -> list[float]:
    """Wall time of whole processes, as a person at a terminal feels it."""
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        subprocess.run(argv, cwd=ROOT, check=True, capture_output=True)
        times.append(time.perf_counter() - start)
    return times


def interleaved(
    commands: dict[str, Sequence[str]], repeats: int, warmup: int = 2
) -> dict[str, float]:
    """Median process time of each command, runs interleaved so drift hits all alike."""
    for argv in commands.values():
        process_seconds(argv, warmup)
    samples: dict[str, list[float]] = {name: [] for name in commands}
    for _ in range(repeats):
        for name, argv in commands.items():
            samples[name].extend(process_seconds(argv, 1))
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
