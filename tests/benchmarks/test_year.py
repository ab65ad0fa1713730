"""The year benchmark runs: its simulated working hours, and a year of one venture
through the commands, its messages relayed, on SQLite (the benchmark's own numbers are
never asserted, only that it did what it reports)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from benchmarks.bench_year import START, ZONE, one_year, quarters, rows, working


def _at(day: int, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime(2027, 1, day, hour, minute, tzinfo=ZONE)


def test_working_hours_skip_evenings_and_weekends() -> None:
    assert _at(4, 9) == START  # a Monday
    assert working(_at(4, 9), 3) == _at(4, 12)
    assert working(_at(4, 15), 3) == _at(5, 10)  # two hours on Monday, one on Tuesday
    assert working(_at(8, 16, 30), 1) == _at(11, 9, 30)  # Friday to Monday
    assert working(_at(9, 12)) == _at(11, 9)  # a Saturday: Monday morning
    assert working(_at(4, 9), 8 * 5) == _at(8, 17)  # five working days: to Friday evening
    # New Year's Day 2027 is a bank holiday (a Friday).
    assert working(dt.datetime(2026, 12, 31, 16, tzinfo=ZONE), 2) == _at(4, 10)


@pytest.mark.slow
def test_a_year_of_one_venture(tmp_path: Path) -> None:
    result = one_year("sqlite", f"sqlite:///{tmp_path / 'year.db'}", tmp_path, 1, "")
    kinds = {kind for _, kind, _ in result.actions}
    assert kinds >= {"start", "answer", "sign-off", "submit", "review", "vote", "close"}
    assert sum(1 for _, kind, _ in result.actions if kind == "vote") == 4 * 11
    assert result.decided == 4
    assert result.sent == result.received == result.outbox > 0
    assert result.sweeps > 200  # each working day of the year
    assert all(q > 0 for q in quarters(result)[:2])
    made = rows(result)
    assert len(made) == 3
    assert f"{len(result.actions):,} actions in" in made[0][1]
    assert f"{result.sent:,} messages in" in made[2][1]
