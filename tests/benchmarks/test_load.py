"""The load benchmark measures what it says: requests sent on schedule, latency from
the scheduled time (queueing counts), nearest-rank percentiles, unanswered requests as
errors, a closed loop that waits for each answer, and a mix of 80% views and 20% valid
answers. Timings are checked only as lower bounds that a slower machine cannot break;
the benchmark's own numbers are never asserted."""

from __future__ import annotations

import asyncio
import itertools
import math
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import pytest

from benchmarks import loadgen
from benchmarks.bench_load import (
    ANSWER_EVERY,
    QUESTIONS,
    Browser,
    drive,
    form_fields,
    plan,
    prepare,
    rows,
    server,
    sign_in_browsers,
    summary_text,
)
from benchmarks.loadgen import closed_loop, due_times, open_loop, percentile
from checklists.answers import parse_answer_text
from checklists.evaluate import check_answer
from checklists.loader import load_library


def test_percentiles_are_nearest_rank() -> None:
    values = [float(v) for v in range(10, 0, -1)]  # any order
    assert percentile(values, 50) == 5
    assert percentile(values, 95) == 10
    assert percentile(values, 10) == 1
    assert percentile(values, 11) == 2
    assert percentile(values, 100) == 10
    assert percentile([3.0], 99) == 3
    assert math.isnan(percentile([], 50))
    # An unanswered request is slower than any answer: it is never averaged away.
    assert percentile([1.0, 2.0, math.inf], 95) == math.inf
    assert percentile([1.0, 2.0, math.inf], 50) == 2
    with pytest.raises(ValueError, match="percent"):
        percentile(values, 0)


def test_an_open_loop_is_due_at_a_fixed_rate() -> None:
    due = due_times(100.0, rate=20, seconds=2)
    assert len(due) == 40
    assert due[0] == 100.0
    assert all(b - a == pytest.approx(0.05) for a, b in itertools.pairwise(due))
    assert due_times(0, rate=0, seconds=2) == []


def _serial_server(service: float) -> loadgen.Send:
    """A server that answers one request at a time, each taking `service` seconds."""
    lock = asyncio.Lock()

    async def send(index: int, client: int) -> bool:
        async with lock:
            await asyncio.sleep(service)
        return True

    return send


def _busy_client(service: float) -> loadgen.Send:
    """A client that holds its own loop for `service` seconds a request (so it cannot
    send the next one when it is due)."""

    async def send(index: int, client: int) -> bool:
        time.sleep(service)
        return True

    return send


@pytest.mark.parametrize("make_send", [_serial_server, _busy_client])
def test_open_loop_latency_counts_the_queue(make_send: Callable[[float], loadgen.Send]) -> None:
    # 20 requests a second, each taking 0.1 s in turn: request k cannot be answered
    # before 0.1 s * (k + 1) after the first was due, though it was due at 0.05 s * k,
    # so its latency is at least 0.1 + 0.05 k, whether the queue is the server's or
    # the client's own. Timing each from its send would report about 0.1 s for every
    # one when the client is the one behind.
    run = asyncio.run(open_loop(make_send(0.1), rate=20, seconds=1, timeout=10, connections=20))
    assert run.count == 20
    assert run.errors == 0
    for k, sample in enumerate(run.samples):
        assert sample.index == k
        assert sample.due - run.samples[0].due == pytest.approx(0.05 * k)
        assert sample.sent >= sample.due
        assert sample.latency >= 0.1 + 0.05 * k - 0.01
    assert run.latency(100) >= 1.04
    assert run.latency(50) <= run.latency(95) <= run.latency(99)
    if make_send is _busy_client:
        # The client's own lateness is kept apart: the second request, due 0.05 s
        # after the first, could not be sent before the first had held the loop 0.1 s.
        assert run.lag(100) >= 0.045


def test_an_open_loop_waits_for_a_free_connection_and_counts_the_wait() -> None:
    in_flight = 0
    most = 0

    async def send(index: int, sender: int) -> bool:
        nonlocal in_flight, most
        in_flight += 1
        most = max(most, in_flight)
        await asyncio.sleep(0.2)
        in_flight -= 1
        return sender in (0, 1)

    run = asyncio.run(open_loop(send, rate=20, seconds=0.5, timeout=10, connections=2))
    assert run.count == 10
    assert run.errors == 0  # every request went through one of the two connections
    assert most == 2
    # Two at a time, 0.2 s each: the last two cannot be answered before 1 s, though the
    # last was due at 0.45 s.
    last = run.samples[-1]
    assert last.latency >= 1.0 - 0.45 - 0.01
    assert last.lag >= 0.8 - 0.45 - 0.01


def test_a_light_open_load_keeps_using_the_same_connection() -> None:
    senders: list[int] = []

    async def send(index: int, sender: int) -> bool:
        senders.append(sender)
        return True

    run = asyncio.run(open_loop(send, rate=50, seconds=0.2, timeout=1, connections=5))
    assert run.count == 10
    assert senders == [0] * 10  # never idle long enough for the server to close it


def test_a_request_never_answered_is_an_error_with_no_latency() -> None:
    async def send(index: int, client: int) -> bool:
        if index % 4 == 0:
            await asyncio.sleep(60)  # never answers in time
        return index % 4 != 1  # a wrong answer, answered

    run = asyncio.run(open_loop(send, rate=40, seconds=0.5, timeout=0.3, connections=20))
    assert run.count == 20
    assert run.unanswered == 5
    assert run.errors == 10
    unanswered = [s for s in run.samples if s.index % 4 == 0]
    assert all(math.isinf(s.latency) for s in unanswered)
    assert all(math.isfinite(s.latency) for s in run.samples if s.index % 4 == 1)
    assert run.latency(75) < math.inf
    assert run.latency(80) == math.inf
    assert run.throughput == pytest.approx(10 / run.seconds)


def test_a_closed_loop_client_waits_for_each_answer() -> None:
    clients = 3
    in_flight = 0
    most = 0
    spans: list[tuple[int, float, float]] = []

    async def send(index: int, client: int) -> bool:
        nonlocal in_flight, most
        loop = asyncio.get_running_loop()
        start = loop.time()
        in_flight += 1
        most = max(most, in_flight)
        await asyncio.sleep(0.05)
        in_flight -= 1
        spans.append((client, start, loop.time()))
        return True

    run = asyncio.run(closed_loop(send, clients=clients, seconds=0.5, timeout=5))
    assert most == clients
    assert run.count == len(spans) <= clients * (0.5 / 0.05 + 1)
    assert {client for client, _, _ in spans} == set(range(clients))
    for client in range(clients):
        mine = sorted((s, e) for c, s, e in spans if c == client)
        assert all(next_start >= end for (_, end), (next_start, _) in itertools.pairwise(mine))
    # Its latency runs from its own send: no queue of its own making.
    assert all(s.lag == pytest.approx(0, abs=0.05) for s in run.samples)
    assert run.latency(50) >= 0.05 - 0.005


def test_the_mix_is_four_views_to_one_answer_and_the_views_in_thirds() -> None:
    steps = [plan(i, i, browsers=8, ventures=10) for i in range(150)]
    kinds = Counter(step.kind for step in steps)
    assert kinds == {"answer": 30, "home": 40, "tasks": 40, "question": 40}
    assert all(steps[i].kind == "answer" for i in range(ANSWER_EVERY - 1, 150, ANSWER_EVERY))
    assert {step.browser for step in steps} == set(range(8))
    assert {step.venture for step in steps} == set(range(10))
    assert {step.question for step in steps} == set(QUESTIONS)
    # Repeatable, and a closed loop's client keeps its browser.
    assert plan(17, 17, 8, 10) == steps[17]
    assert plan(17, 3, 8, 10).browser == 3


def test_every_answer_is_a_valid_and_new_summary() -> None:
    item = load_library().checklist("coproduction-start").item("venture-summary")
    texts = {summary_text(n) for n in (1, 2, 10_000_000)}
    assert len(texts) == 3
    for text in texts:
        assert check_answer(item, parse_answer_text(item, text)) is None


def test_a_form_is_read_as_a_browser_posts_it() -> None:
    html = """
    <form method="get"><input name="q" value="search"></form>
    <form method="post" novalidate>
      <input type="hidden" name="csrf_token" value="t0k">
      <textarea name="answer-summary">
Line one &amp; two</textarea>
      <input type="radio" name="answer-rung" value="low">
      <input type="radio" name="answer-rung" value="high" checked>
      <input type="checkbox" name="answer-formats" value="audio" checked>
      <input type="checkbox" name="answer-formats" value="braille">
      <input type="checkbox" name="answer-formats" value="video" checked>
      <select name="answer-pick">
        <option value="a">A</option><option value="b" selected>B</option>
      </select>
      <input name="answer-count" type="number" value="4">
      <button name="then" value="continue">Save</button>
    </form>
    """
    assert form_fields(html) == [
        ("csrf_token", "t0k"),
        ("answer-summary", "Line one & two"),
        ("answer-rung", "high"),
        ("answer-formats", "audio"),
        ("answer-formats", "video"),
        ("answer-pick", "b"),
        ("answer-count", "4"),
    ]


@pytest.mark.slow
def test_a_tiny_load_on_a_real_server(tmp_path: Path) -> None:
    ventures = prepare(tmp_path, 1)
    database = f"sqlite:///{tmp_path / 'cyd.db'}"
    browsers = [Browser(email, token) for email, token in sign_in_browsers(database)]
    with server(database, tmp_path) as pages:
        results = asyncio.run(drive(pages, browsers, ventures, rate=20, seconds=2, clients=4))
    assert set(results.runs) == {"open healthz", "open pages", "closed healthz", "closed pages"}
    for name, measured in results.runs.items():
        run = measured.run
        assert run.errors == 0, (name, measured.wrong)
        assert measured.server_cpu > 0
        assert run.latency(50) <= run.latency(95) <= run.latency(99) < math.inf
        if name.startswith("open"):
            assert run.count == 40
    assert set(results.cpu) == {"home", "tasks", "question", "answer"}
    made = rows(results, rate=20, seconds=2, clients=4, ventures=1, browsers=len(browsers))
    assert len(made) == 3
    assert "target < 100 ms" in made[0][1]
    assert "no errors of 40" in made[0][1]
