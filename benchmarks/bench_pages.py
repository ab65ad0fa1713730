"""Issue 10's page benchmarks (part): the server's CPU time per request for "What I
need to do", against a trivial page of the same app (`/healthz`) in the same run.

The app is called in-process as an ASGI application (no socket, no HTTP client): a
request passes every middleware (security headers, the body limit, CSRF, the error
pages) and FastAPI's threadpool for sync handlers, as under uvicorn, and the CPU time
of the whole process (`time.process_time`, every thread) is measured around each
batch of requests. Only uvicorn's HTTP parsing, the same for every page, is left out.

The programme is the example one on SQLite, with CYD_BENCH_PAGE_VENTURES (default 10)
open drafts in the lead's workstream, half led by the lead and half by a co-producer,
each with a few answers; the lead has one next action on each. Who is signed in is a
fixed `identify` (the session lookup of sign-in is not measured here). Rows:

- "What I need to do" for the lead, standard English and Easy Read Welsh;
- `services.next_actions.next_actions` alone, the read the page makes;
- a venture's page (the rules' permissions, its summary, the person's next actions,
  its history);
each against `/healthz` measured interleaved with it.
"""

from __future__ import annotations

import asyncio
import os
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from benchmarks.common import ROOT
from checklists.loader import load_library
from models import queries
from models.db import make_engine, read_session, utcnow
from models.migrate import upgrade
from services.commands import Cyd, answer_many, start_venture
from services.next_actions import next_actions
from services.programme_import import import_programme, load_programme

Row = tuple[str, str, str]

PROGRAMME = ROOT / "examples" / "programme.yaml"
LEAD = "gareth.jones@example.org"
CO_PRODUCER = "rhys.thomas@example.org"
WORKSTREAM = "day-opportunities"
QUICK = os.environ.get("CYD_BENCH_QUICK", "") not in {"", "0"}
VENTURES = int(os.environ.get("CYD_BENCH_PAGE_VENTURES", "10"))
REQUESTS = int(os.environ.get("CYD_BENCH_PAGE_REQUESTS", "20" if QUICK else "200"))
ROUNDS = 3 if QUICK else 7  # batches of REQUESTS, alternating page and baseline
TARGET_MS = 3.0
# A few answers each venture is given (what a draft under way has).
ANSWERS = {
    "coproduction-start/venture-summary": "Open a café run with people who use day services.",
    "coproduction-start/lived-experience-count": 4,
}


class InProcess:
    """GET requests straight into an ASGI app, on one event loop kept for the run."""

    def __init__(self, app: Any) -> None:
        self.app = app
        self.loop = asyncio.new_event_loop()

    def get(self, path: str, query: str = "") -> tuple[int, bytes]:
        return self.loop.run_until_complete(self._get(path, query))

    async def _get(self, path: str, query: str) -> tuple[int, bytes]:
        scope = {
            "type": "http",
            "asgi": {"version": "3.0"},
            "http_version": "1.1",
            "method": "GET",
            "scheme": "http",
            "path": path,
            "raw_path": path.encode(),
            "root_path": "",
            "query_string": query.encode(),
            "headers": [(b"host", b"127.0.0.1:8000"), (b"accept", b"text/html")],
            "client": ("127.0.0.1", 50000),
            "server": ("127.0.0.1", 8000),
            "state": {},
        }
        sent = False
        status = 0
        body: list[bytes] = []

        async def receive() -> dict[str, Any]:
            nonlocal sent
            if sent:  # the client never goes away mid-request
                await asyncio.sleep(3600)
            sent = True
            return {"type": "http.request", "body": b"", "more_body": False}

        async def send(message: dict[str, Any]) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            elif message["type"] == "http.response.body":
                body.append(message.get("body", b""))

        await self.app(scope, receive, send)
        return status, b"".join(body)

    def close(self) -> None:
        self.loop.close()


def cpu_ms_per_call(call: Callable[[], object], n: int) -> float:
    start = time.process_time()
    for _ in range(n):
        call()
    return (time.process_time() - start) * 1000 / n


def compare(page: Callable[[], object], baseline: Callable[[], object]) -> tuple[float, float]:
    """Median CPU ms per call of each, batches interleaved so drift hits both alike."""
    for _ in range(3):  # warm: templates compiled, statements cached, pools filled
        page()
        baseline()
    pages, baselines = [], []
    for _ in range(ROUNDS):
        pages.append(cpu_ms_per_call(page, REQUESTS))
        baselines.append(cpu_ms_per_call(baseline, REQUESTS))
    return statistics.median(pages), statistics.median(baselines)


def _programme(folder: Path) -> Any:
    library = load_library()
    engine = make_engine(f"sqlite:///{folder / 'cyd.db'}")
    upgrade(engine)
    programme = load_programme(PROGRAMME, library=library)
    import_programme(engine, programme, PROGRAMME.read_text(encoding="utf-8"), "admin@example.org")
    cyd = Cyd(engine, library)
    for n in range(VENTURES):
        lead = LEAD if n % 2 == 0 else CO_PRODUCER
        started = start_venture(cyd, workstream=WORKSTREAM, title=f"Venture {n + 1}", lead=lead)
        answer_many(cyd, started.venture_id, ANSWERS, by=lead)
    return engine, library


def _signed_in(engine: Any, email: str) -> Any:
    from web.visitor import SignedIn

    with read_session(engine) as session:
        person = queries.person_by_email(session, email)
        assert person is not None
        session.expunge(person)
    visitor = SignedIn(person, f"bench-{email}")
    return lambda _request, _engine: visitor


def _row(name: str, page_ms: float, base_ms: float, *, target: bool = True) -> Row:
    verdict = f" (target ≤ {TARGET_MS:g} ms)" if target else ""
    return (
        name,
        f"{page_ms:.2f} ms CPU per request{verdict}; {page_ms - base_ms:.2f} ms beyond `/healthz`",
        f"{page_ms / base_ms:.1f}× `/healthz` ({base_ms:.2f} ms CPU per request)",
    )


def run() -> list[Row]:
    from web.app import create_app
    from web.settings import WebSettings

    with tempfile.TemporaryDirectory() as folder:
        engine, library = _programme(Path(folder))
        app = create_app(
            engine, library, WebSettings.in_folder(Path(folder)), identify=_signed_in(engine, LEAD)
        )
        client = InProcess(app)
        try:
            now = utcnow()
            actions = next_actions(engine, library, LEAD, now)
            assert len(actions) == VENTURES, actions
            status, body = client.get("/")
            assert status == 200, body[:500]
            assert b"Answer questions" in body
            venture = actions[0].venture_id
            assert client.get(f"/ventures/{venture}")[0] == 200

            def healthz() -> object:
                return client.get("/healthz")

            size = f"{VENTURES} open ventures, {len(actions)} actions"
            rows = []
            page, base = compare(lambda: client.get("/"), healthz)
            rows.append(_row(f'"What I need to do", the lead ({size}), SQLite', page, base))
            page, base = compare(lambda: client.get("/", "lang=cy&format=easy-read"), healthz)
            rows.append(_row("the same page in Welsh Easy Read", page, base))
            page, base = compare(lambda: next_actions(engine, library, LEAD, now), healthz)
            rows.append(
                _row("`services.next_actions` alone (the page's read)", page, base, target=False)
            )
            page, base = compare(lambda: client.get(f"/ventures/{venture}"), healthz)
            rows.append(_row("a venture's page (a draft), the lead", page, base))
        finally:
            client.close()
            engine.dispose()
    return rows


if __name__ == "__main__":
    for row in run():
        print(" | ".join(row))
