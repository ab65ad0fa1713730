"""Load on a server from one asyncio loop, and what it measured.

Open loop (`open_loop`): request i is due at start + i / rate and is sent then,
whatever happened to the earlier ones, on a free one of a bounded number of
connections (else it queues for the next to come free); its latency runs from when it
was *due*, not from when a connection got round to sending it. A server that falls
behind is charged for the queue it builds (no coordinated omission: a closed-loop
client would simply send less and report only the service time). How long a request
waited before it was sent (`lag`: for a free connection, or for the client's own
CPU) is kept apart.

Closed loop (`closed_loop`): each of `clients` sends its next request when its last
one is answered, until the time is up; latency runs from the send.

A request that is never answered (the connection failed, or no answer within
`timeout`) has an infinite latency: it counts as an error, and a percentile that
falls among such requests is infinite too, rather than the time the client gave up.
`send` returns whether the answer was the one expected (a wrong status is an error
with the latency it took).
"""

from __future__ import annotations

import asyncio
import collections
import contextlib
import math
import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass

# send(index, sender): the index-th request of the run, sent by `sender` (an open
# loop's connection, a closed loop's client: 0, 1, ...); True if answered as expected.
Send = Callable[[int, int], Awaitable[bool]]


@dataclass(frozen=True)
class Sample:
    index: int
    due: float  # when it was to be sent (the event loop's clock, seconds)
    sent: float  # when the client sent it
    done: float  # when its answer had come (inf: never)
    ok: bool

    @property
    def latency(self) -> float:
        return self.done - self.due

    @property
    def lag(self) -> float:
        return self.sent - self.due


@dataclass(frozen=True)
class Run:
    samples: tuple[Sample, ...]  # by index
    seconds: float  # from the first due time to the last answer (or giving up)
    client_cpu: float  # CPU seconds of this process (every thread) during the run

    @property
    def count(self) -> int:
        return len(self.samples)

    @property
    def errors(self) -> int:
        return sum(not s.ok for s in self.samples)

    @property
    def unanswered(self) -> int:
        return sum(math.isinf(s.done) for s in self.samples)

    @property
    def throughput(self) -> float:
        """Requests answered as expected, per second of the run."""
        return (self.count - self.errors) / self.seconds if self.seconds > 0 else 0.0

    def latency(self, percent: float, where: Callable[[Sample], bool] | None = None) -> float:
        chosen = [s.latency for s in self.samples if where is None or where(s)]
        return percentile(chosen, percent)

    def lag(self, percent: float) -> float:
        return percentile([s.lag for s in self.samples], percent)


def percentile(values: Sequence[float], percent: float) -> float:
    """The nearest-rank percentile: the smallest value with at least `percent`% of the
    values at or below it (so p100 is the largest; nothing is interpolated, and an
    infinite value stays infinite). NaN for no values."""
    if not 0 < percent <= 100:
        raise ValueError(f"percent must be in (0, 100], not {percent}")
    if not values:
        return math.nan
    ordered = sorted(values)
    rank = math.ceil(percent / 100 * len(ordered))
    return ordered[max(rank, 1) - 1]


def due_times(start: float, rate: float, seconds: float) -> list[float]:
    """When each request of an open loop is due: `rate` a second for `seconds`."""
    if rate <= 0 or seconds <= 0:
        return []
    return [start + i / rate for i in range(round(rate * seconds))]


async def _timed(
    send: Send, index: int, client: int, due: float, timeout: float, into: list[Sample]
) -> None:
    loop = asyncio.get_running_loop()
    sent = loop.time()
    into[index] = Sample(index, due, sent, math.inf, False)  # until answered
    try:
        ok = await asyncio.wait_for(send(index, client), timeout)
    except Exception:  # no answer: a failed connection, a timeout
        return
    into[index] = Sample(index, due, sent, loop.time(), ok)


async def open_loop(
    send: Send, *, rate: float, seconds: float, timeout: float, connections: int
) -> Run:
    """`rate` requests a second for `seconds`, each sent when due on a free one of
    `connections` (one request at a time each, as a kept-alive connection carries
    them), else queued for the next to come free; then at most `timeout` more for the
    last answers (those still out are given up: unanswered). Waiting in the queue counts
    as latency. The connection used last is used next, as a browser's pool does: a
    light load keeps a few busy rather than letting each sit idle until the server
    closes it."""
    loop = asyncio.get_running_loop()
    cpu = time.process_time()
    start = loop.time() + 0.05  # a moment to schedule the first
    due = due_times(start, rate, seconds)
    # Until a request is sent, it is neither sent nor answered.
    samples = [Sample(i, when, math.inf, math.inf, False) for i, when in enumerate(due)]
    free = list(reversed(range(connections)))  # a stack: the last freed on top
    queued: collections.deque[tuple[int, float]] = collections.deque()
    busy: set[asyncio.Task[None]] = set()
    all_done = asyncio.Event()

    async def carry(connection: int, index: int, when: float) -> None:
        while True:
            await _timed(send, index, connection, when, timeout, samples)
            if not queued:
                break
            index, when = queued.popleft()
        free.append(connection)
        if len(free) == connections and finished_scheduling:
            all_done.set()

    finished_scheduling = False
    try:
        for index, when in enumerate(due):
            wait = when - loop.time()
            if wait > 0:
                await asyncio.sleep(wait)
            if free:
                task = asyncio.create_task(carry(free.pop(), index, when))
                busy.add(task)
                task.add_done_callback(busy.discard)
            else:
                queued.append((index, when))
        finished_scheduling = True
        if len(free) < connections:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(all_done.wait(), timeout)
    finally:
        for task in list(busy):
            task.cancel()
        await asyncio.gather(*busy, return_exceptions=True)
    return _finish(samples, start, cpu)


async def closed_loop(send: Send, *, clients: int, seconds: float, timeout: float) -> Run:
    """`clients` each sending its next request when its last is answered, starting
    new ones for `seconds`."""
    loop = asyncio.get_running_loop()
    cpu = time.process_time()
    start = loop.time()
    end = start + seconds
    samples: list[Sample] = []

    async def client(number: int) -> None:
        while (now := loop.time()) < end:
            samples.append(Sample(len(samples), now, now, math.inf, False))
            await _timed(send, len(samples) - 1, number, now, timeout, samples)

    await asyncio.gather(*(client(n) for n in range(clients)))
    return _finish(samples, start, cpu)


def _finish(samples: list[Sample], start: float, cpu: float) -> Run:
    ends = [t for s in samples for t in (s.sent, s.done) if not math.isinf(t)]
    return Run(
        tuple(samples), max(max(ends, default=start) - start, 0.0), time.process_time() - cpu
    )
