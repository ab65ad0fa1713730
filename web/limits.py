"""How often one address may post to the sign-in pages: `limit_posts`, a dependency.

The sign-in service limits requests per email and per network in an hour, and locks
a code after five wrong tries; this limit sits in front of it, in memory, so that an
address sending forms as fast as it can is told to wait (429, with Retry-After)
before the database or a code's hash (about 75 ms of CPU each) is touched. Per
process: a server with several processes lets each have its share, which the
service's own limits still bound.
"""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable

from fastapi import HTTPException, Request

WINDOW_S = 60.0
MAX_ADDRESSES = 10_000  # past this many at once, the quietest are forgotten first


class PostLimiter:
    """At most `per_minute` posts a minute from one address (a sliding window); with
    `window_s`, at most that many in that many seconds instead (an hour's budget)."""

    def __init__(
        self,
        per_minute: int,
        clock: Callable[[], float] = time.monotonic,
        *,
        window_s: float = WINDOW_S,
    ) -> None:
        self.per_minute = per_minute
        self.clock = clock
        self.window_s = window_s
        self._seen: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def allow(self, address: str) -> bool:
        """Count a post from `address`; False (not counted) when it is one too many."""
        now = self.clock()
        with self._lock:
            times = self._seen.pop(address, None) or deque()
            while times and times[0] <= now - self.window_s:
                times.popleft()
            allowed = len(times) < self.per_minute
            if allowed:
                times.append(now)
            if times:
                self._seen[address] = times  # re-inserted: the dict keeps recent ones last
            while len(self._seen) > MAX_ADDRESSES:
                del self._seen[next(iter(self._seen))]
            return allowed

    def retry_after(self, address: str) -> int:
        """Whole seconds until `address` may post again."""
        with self._lock:
            times = self._seen.get(address)
            if not times:
                return 0
            return max(1, int(times[0] + self.window_s - self.clock() + 0.999))


def client_address(request: Request) -> str:
    """The address the request came from (the socket's peer: no proxy header is trusted)."""
    return request.client.host if request.client is not None else "unknown"


def limit_posts(request: Request) -> None:
    """Refuse (429) a post from an address that has posted too often this minute."""
    limiter: PostLimiter = request.app.state.post_limiter
    address = client_address(request)
    if not limiter.allow(address):
        raise HTTPException(429, headers={"Retry-After": str(limiter.retry_after(address))})
