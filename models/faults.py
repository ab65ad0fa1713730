"""Test hooks for the fault-injection suite (`tests/faults/`), inert in production.

Two environment variables, read here and nowhere else, and only by tests:

- `CYD_TEST_FAULT_AT=STEP` (or `STEP#N`, the N-th time the process reaches it): the
  process kills itself with SIGKILL at that step, as a power cut or `kill -9` would.
  The steps: `before-commit` and `after-commit` (every unit of work), and the relay's
  `relay-claimed` (a message leased, not yet sent), `relay-sent` (delivered, not yet
  marked) and `relay-marked`.
- `CYD_TEST_LOCK_WAIT=SECONDS`: how long a writer waits for the writer before it
  (default `models.db.LOCK_TIMEOUT_S`, 30 s), so that a held lock outlasts it in a test
  that does not take minutes.

Unset (always, outside the tests), `reached` is one dictionary look-up and nothing
happens; `lock_wait` is the default.
"""

from __future__ import annotations

import os
import signal

FAULT_AT_ENV = "CYD_TEST_FAULT_AT"
LOCK_WAIT_ENV = "CYD_TEST_LOCK_WAIT"

STEPS = frozenset({"before-commit", "after-commit", "relay-claimed", "relay-sent", "relay-marked"})

_reached: dict[str, int] = {}


def reached(step: str) -> None:
    """The process is at `step`: killed here (SIGKILL) if `CYD_TEST_FAULT_AT` names it."""
    wanted = os.environ.get(FAULT_AT_ENV)
    if not wanted:
        return
    name, _, nth = wanted.partition("#")
    if name != step:
        return
    _reached[step] = count = _reached.get(step, 0) + 1
    if count == (int(nth) if nth else 1):
        os.kill(os.getpid(), signal.SIGKILL)


def lock_wait(default: float) -> float:
    """Seconds a writer waits for the lock: `CYD_TEST_LOCK_WAIT` if set, else `default`."""
    value = os.environ.get(LOCK_WAIT_ENV)
    return float(value) if value else default
