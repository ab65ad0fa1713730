"""Issue 10's load benchmark: the pages' latency under load, against `/healthz` under
the same load in the same run.

The pages run as `cyd web` runs them: uvicorn in a process of its own, on a free
loopback port, on a SQLite copy of the example programme with CYD_BENCH_LOAD_VENTURES
(default 10) drafts in the Day opportunities workstream whose checklists are answered
(led in turn by the lead and a co-producer). The workstream's four people (a lead and
three co-producers: English and Welsh, standard and Easy Read) are signed in through
the sign-in service as a person without email is (an admin's printed code, redeemed
with `services.sign_in.redeem_code`), two browsers each; every request carries its
browser's session cookie and is checked by the app's own session lookup. Each browser
reads its CSRF cookie and token from a question page, as a browser does.

The mix, fixed by each request's index: 4 in 5 are page views, in turn "What I need to
do", a venture's task list and one of its question pages; 1 in 5 is an answer, a
question page posted ("save and continue") with the venture's summary changed and the
rest of the form as the page showed it. The venture is drawn at random (seeded).

1. Open loop: CYD_BENCH_LOAD_RATE (default 100) requests a second for
   CYD_BENCH_LOAD_SECONDS (default 30, at most 30), each sent when due whether or not
   the earlier ones were answered, on a free one of 100 kept-alive connections (the
   one used last first, as a browser does) or else queued for the next to come free;
   latency from when it was due, so the queue a slow server builds counts
   (benchmarks.loadgen). "Send lag" is how long a request waited before it was sent
   (for a free connection, or for the client's own CPU). Target: p95 < 100 ms. A
   request not answered within 30 s is given up (an error, its latency infinite), and
   the run waits at most 30 s after the last is due.
2. Closed loop: CYD_BENCH_LOAD_CLIENTS (default 50) clients, each sending its next
   request when its last is answered, for the same time.
Each is run first against `/healthz` (the same schedule, the same browsers), then the
pages, after the server has gone idle; the server's CPU is read from /proc around each,
and the client's own (this process): both share the machine's cores.

Not in the default set (`python -m benchmarks`): it loads the machine for two
minutes. Run it as `python -m benchmarks load`; CYD_BENCH_QUICK=1 makes it short.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import math
import os
import random
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from typing import Literal
from urllib.parse import urlencode

import httpx

from benchmarks.common import PYTHON, ROOT
from benchmarks.loadgen import Run, Sample, Send, closed_loop, open_loop

Row = tuple[str, str, str]
Kind = Literal["home", "tasks", "question", "answer"]

QUICK = os.environ.get("CYD_BENCH_QUICK", "") not in {"", "0"}
MAX_SECONDS = 30.0  # issue 10: the load is bounded to 30 s
SECONDS = min(float(os.environ.get("CYD_BENCH_LOAD_SECONDS", "3" if QUICK else "30")), MAX_SECONDS)
RATE = float(os.environ.get("CYD_BENCH_LOAD_RATE", "100"))
CLIENTS = int(os.environ.get("CYD_BENCH_LOAD_CLIENTS", "10" if QUICK else "50"))
VENTURES = int(os.environ.get("CYD_BENCH_LOAD_VENTURES", "3" if QUICK else "10"))
TARGET_P95 = 0.100  # seconds
TIMEOUT = 30.0  # no answer in this long: unanswered (and the run stops waiting)
CONNECTIONS = 100  # the client's connection pool; waiting for one counts as latency
PROGRAMME = ROOT / "examples" / "programme.yaml"
ADMIN = "admin@example.org"
WORKSTREAM = "day-opportunities"
LEAD = "gareth.jones@example.org"
CO_PRODUCERS = ("nia.morgan@example.org", "sam.bennett@example.org", "rhys.thomas@example.org")
PEOPLE = (LEAD, *CO_PRODUCERS)
BROWSERS_EACH = 2
ANSWERED = "venture-summary"  # the question the answers change (a text of 10-60 words)
# Question pages viewed, in turn: the first question of several sections.
QUESTIONS = ("venture-summary", "people-affected", "formats-offered", "payment", "who-decides")
VIEWS: tuple[Kind, ...] = ("home", "tasks", "question")
ANSWER_EVERY = 5  # 1 in 5 requests is an answer: 20%
CPU_REQUESTS = 5 if QUICK else 30  # of each kind, one at a time, for its CPU


# --- the mix -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Step:
    kind: Kind
    browser: int
    venture: int
    question: str  # for a question page


def plan(index: int, client: int, browsers: int, ventures: int) -> Step:
    """The index-th request of a run, by `client` (its browser: client mod browsers).

    Exactly one in ANSWER_EVERY is an answer; the views between take turns, so each
    of the three is a third of them over every 15 requests."""
    position = index % ANSWER_EVERY
    if position == ANSWER_EVERY - 1:
        kind: Kind = "answer"
    else:
        view = (index // ANSWER_EVERY) * (ANSWER_EVERY - 1) + position
        kind = VIEWS[view % len(VIEWS)]
    venture = random.Random(index).randrange(ventures)  # noqa: S311 - a repeatable draw
    question = QUESTIONS[(index // ANSWER_EVERY) % len(QUESTIONS)]
    return Step(kind, client % browsers, venture, question)


def summary_text(index: int) -> str:
    """A valid new summary (10-60 words), different for every answer."""
    return (
        "People who use day services run the community café with its staff;"
        f" this is how we say it, version {index}."
    )


# --- the data and the sessions ---------------------------------------------------------------


def prepare(folder: Path, ventures: int) -> list[str]:
    """The example programme and `ventures` answered drafts in a SQLite file; their ids."""
    from checklists.loader import load_library
    from models.db import make_engine
    from models.migrate import upgrade
    from services.commands import Cyd, start_venture
    from services.examples import answer_missing
    from services.programme_import import import_programme, load_programme

    library = load_library()
    engine = make_engine(f"sqlite:///{folder / 'cyd.db'}")
    try:
        upgrade(engine)
        programme = load_programme(PROGRAMME, library=library)
        import_programme(engine, programme, PROGRAMME.read_text(encoding="utf-8"), ADMIN)
        cyd = Cyd(engine, library)
        ids = []
        for n in range(ventures):
            lead = LEAD if n % 2 == 0 else CO_PRODUCERS[-1]
            started = start_venture(cyd, workstream=WORKSTREAM, title=f"Venture {n + 1}", lead=lead)
            answer_missing(cyd, started.venture_id, [lead, CO_PRODUCERS[n % 2]])
            ids.append(started.venture_id)
    finally:
        engine.dispose()
    return ids


def sign_in_browsers(database: str) -> list[tuple[str, str]]:
    """(email, session token) of each browser: an admin prints a code for the person,
    who redeems it on the code form's service, once a browser."""
    from models.db import make_engine, utcnow
    from services.sign_in import issue_printed_code, redeem_code

    engine = make_engine(database)
    try:
        browsers = []
        for _ in range(BROWSERS_EACH):
            for email in PEOPLE:
                code = issue_printed_code(engine, ADMIN, email, utcnow())
                browsers.append((email, redeem_code(engine, email, code, utcnow()).token))
    finally:
        engine.dispose()
    return browsers


# --- the server ------------------------------------------------------------------------------


def serve(database: str, data_dir: str) -> None:
    """The server process: the pages as `cyd web` makes them (sign-in by session
    cookie, answers advanced directly) on `database`; prints its port."""
    from checklists.loader import load_library
    from models.db import make_engine
    from web.app import create_app
    from web.server import bind, run
    from web.settings import WebSettings

    app = create_app(make_engine(database), load_library(), WebSettings.in_folder(Path(data_dir)))
    sock = bind("127.0.0.1", 0)
    _stop_with_parent()
    print(sock.getsockname()[1], flush=True)
    run(app, sock)


def _stop_with_parent() -> None:
    """Stop this server (as Ctrl-C does) if the benchmark that started it goes away
    without stopping it (killed), so that no server outlives its run."""
    parent = os.getppid()

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(1)
        os.kill(os.getpid(), signal.SIGINT)

    threading.Thread(target=watch, daemon=True).start()


@dataclass(frozen=True)
class Server:
    pid: int
    port: int

    def cpu_seconds(self) -> float:
        """User + system CPU of the server so far (Linux /proc)."""
        fields = Path(f"/proc/{self.pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def settle(self, *, idle: float = 0.05, longest: float = 30.0) -> None:
        """Wait until the server is idle (under `idle` of a core for half a second):
        work left from a run (requests given up by the client) must not spill into
        the next."""
        deadline = time.monotonic() + longest
        before = self.cpu_seconds()
        while time.monotonic() < deadline:
            time.sleep(0.5)
            now = self.cpu_seconds()
            if now - before < idle * 0.5:
                return
            before = now


@contextmanager
def server(database: str, data_dir: Path) -> Iterator[Server]:
    """The pages in a process of their own; stopped however the block ends."""
    process = subprocess.Popen(
        [
            PYTHON,
            "-c",
            "import sys; from benchmarks.bench_load import serve; serve(*sys.argv[1:])",
            database,
            str(data_dir),
        ],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None
        line = process.stdout.readline()
        if not line.strip().isdigit():
            raise RuntimeError("the pages' server did not start")
        yield Server(process.pid, int(line))
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=15)


# --- the browsers ----------------------------------------------------------------------------


class _FormFields(HTMLParser):
    """The fields a browser would post from a page's POST form, as the page shows them
    (text, hidden, checked boxes and radios, text areas, chosen options)."""

    def __init__(self) -> None:
        super().__init__()
        self.fields: list[tuple[str, str]] = []
        self._in_form = False
        self._textarea: str | None = None
        self._text: list[str] = []
        self._select: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form" and a.get("method", "").lower() == "post":
            self._in_form = True
        if not self._in_form or ("name" not in a and tag != "option"):
            return
        if tag == "input":
            kind = a.get("type", "text").lower()
            if kind in {"radio", "checkbox"}:
                if "checked" in a:
                    self.fields.append((a["name"], a.get("value", "on")))
            elif kind not in {"submit", "button", "file", "image", "reset"}:
                self.fields.append((a["name"], a.get("value", "")))
        elif tag == "textarea":
            self._textarea, self._text = a["name"], []
        elif tag == "select":
            self._select = a["name"]
        elif tag == "option" and self._select is not None and "selected" in a:
            self.fields.append((self._select, a.get("value", "")))

    def handle_data(self, data: str) -> None:
        if self._textarea is not None:
            self._text.append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "textarea" and self._textarea is not None:
            # A browser drops the newline that opens a text area.
            text = "".join(self._text)
            self.fields.append((self._textarea, text[1:] if text.startswith("\n") else text))
            self._textarea = None
        elif tag == "select":
            self._select = None
        elif tag == "form":
            self._in_form = False


def form_fields(html: str) -> list[tuple[str, str]]:
    parser = _FormFields()
    parser.feed(html)
    parser.close()
    return parser.fields


@dataclass
class Browser:
    email: str
    session: str  # the session cookie's token
    csrf_nonce: str = ""
    form: tuple[tuple[str, str], ...] = ()  # the answered question page's form, CSRF token too

    @property
    def cookies(self) -> dict[str, str]:
        cookie = f"cyd_session={self.session}"
        if self.csrf_nonce:
            cookie += f"; cyd_csrf={self.csrf_nonce}"
        return {"cookie": cookie}

    def answer(self, text: str) -> bytes:
        field = f"answer-{ANSWERED}"
        posted = [(k, text if k == field else v) for k, v in self.form if k != "then"]
        return urlencode([*posted, ("then", "continue")]).encode()


def path_of(step: Step, ventures: list[str]) -> str:
    venture = f"/ventures/{ventures[step.venture]}"
    if step.kind == "home":
        return "/"
    if step.kind == "tasks":
        return f"{venture}/checklist"
    if step.kind == "question":
        return f"{venture}/checklist/{step.question}"
    return f"{venture}/checklist/{ANSWERED}"


class Load:
    """The browsers' requests, each sender over a connection of its own, and what went
    wrong. (One client a connection: httpx's shared pool costs the client CPU in
    proportion to the requests waiting for it, which a load that outruns the server
    makes thousands.)"""

    def __init__(
        self, clients: list[httpx.AsyncClient], browsers: list[Browser], ventures: list[str]
    ):
        self.clients = clients
        self.browsers = browsers
        self.ventures = ventures
        self.answers = itertools.count(1)  # every answer a new text, so each is a change
        self.wrong: Counter[str] = Counter()

    async def request(self, client: httpx.AsyncClient, browser: Browser, step: Step) -> bool:
        path = path_of(step, self.ventures)
        if step.kind == "answer":
            body = browser.answer(summary_text(next(self.answers)))
            headers = {**browser.cookies, "content-type": "application/x-www-form-urlencoded"}
            answer = await client.post(path, content=body, headers=headers)
            expected = 303  # saved: on to the next page
        else:
            answer = await client.get(path, headers=browser.cookies)
            expected = 200
        if answer.status_code != expected:
            self.wrong[f"{answer.status_code}"] += 1
            return False
        return True

    def _step(self, index: int, sender: int, *, open_loop: bool) -> Step:
        # An open loop's requests each stand alone (the browser by the index); a
        # closed loop's client is one browser throughout.
        who = index if open_loop else sender
        return plan(index, who, len(self.browsers), len(self.ventures))

    def pages(self, *, open_loop: bool) -> Send:
        async def send(index: int, sender: int) -> bool:
            step = self._step(index, sender, open_loop=open_loop)
            return await self.request(self.clients[sender], self.browsers[step.browser], step)

        return send

    def healthz(self, *, open_loop: bool) -> Send:
        """The same requests' schedule and browsers, each asking for `/healthz`."""

        async def send(index: int, sender: int) -> bool:
            step = self._step(index, sender, open_loop=open_loop)
            browser = self.browsers[step.browser]
            answer = await self.clients[sender].get("/healthz", headers=browser.cookies)
            if answer.status_code != 200:
                self.wrong[f"{answer.status_code}"] += 1
                return False
            return True

        return send

    async def cpu_per_request(self, server: Server, requests: int) -> dict[Kind, float]:
        """The server's CPU seconds per request of each kind, sent one at a time: what
        the server can serve at most, one core being all one process gets (the GIL)."""
        cpu: dict[Kind, float] = {}
        for kind in ("home", *VIEWS[1:], "answer"):
            server.settle()
            before = server.cpu_seconds()
            for i in range(requests):
                venture, question = i % len(self.ventures), QUESTIONS[i % len(QUESTIONS)]
                step = Step(kind, i % len(self.browsers), venture, question)
                if not await self.request(self.clients[0], self.browsers[step.browser], step):
                    raise RuntimeError(f"{kind}: {self.wrong}")
            cpu[kind] = (server.cpu_seconds() - before) / requests
        return cpu

    async def get_ready(self) -> None:
        """What each browser does first: its CSRF cookie and the answered question page's
        form. Then requests, each checked, so that a run measures pages that work (and
        the server has compiled its templates): each browser each kind, each venture
        each of its pages."""
        for browser in self.browsers:
            path = f"/ventures/{self.ventures[0]}/checklist/{ANSWERED}"
            page = await self.clients[0].get(path, headers=browser.cookies)
            page.raise_for_status()
            browser.csrf_nonce = page.cookies.get("cyd_csrf") or ""
            browser.form = tuple(form_fields(page.text))
            fields = dict(browser.form)
            if not browser.csrf_nonce or not {f"answer-{ANSWERED}", "csrf_token"} <= set(fields):
                raise RuntimeError(f"{browser.email}: no form to answer on {path}")
        kinds: tuple[Kind, ...] = ("home", "tasks", "answer")
        steps = [
            Step(k, b, b % len(self.ventures), "") for b in range(len(self.browsers)) for k in kinds
        ]
        for venture in range(len(self.ventures)):
            b = venture % len(self.browsers)
            steps += [Step("tasks", b, venture, ""), Step("answer", b, venture, "")]
            steps += [Step("question", b, venture, q) for q in QUESTIONS]
        for step in steps:
            browser = self.browsers[step.browser]
            if not await self.request(self.clients[0], browser, step):
                where = path_of(step, self.ventures)
                raise RuntimeError(f"{browser.email}: {step.kind} {where}: {self.wrong}")


# --- the run ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Measured:
    run: Run
    server_cpu: float  # seconds
    wrong: Counter[str]


@dataclass(frozen=True)
class Results:
    runs: dict[str, Measured]  # "open healthz", "open pages", "closed healthz", ...
    cpu: dict[Kind, float]  # the server's CPU seconds per request of each kind, alone


async def _measure(
    server: Server,
    load: Load,
    send: Send,
    loop_kind: str,
    *,
    rate: float,
    seconds: float,
    clients: int,
) -> Measured:
    server.settle()
    load.wrong = Counter()
    before = server.cpu_seconds()
    if loop_kind == "open":
        run = await open_loop(
            send, rate=rate, seconds=seconds, timeout=TIMEOUT, connections=CONNECTIONS
        )
    else:
        run = await closed_loop(send, clients=clients, seconds=seconds, timeout=TIMEOUT)
    return Measured(run, server.cpu_seconds() - before, load.wrong)


async def drive(
    server: Server,
    browsers: list[Browser],
    ventures: list[str],
    *,
    rate: float,
    seconds: float,
    clients: int,
    pages: bool = True,
) -> Results:
    """The server's CPU per request of each kind, then the four runs (or only the
    `/healthz` ones): open loop, then closed loop, each against `/healthz` first."""
    async with contextlib.AsyncExitStack() as stack:
        connections = [
            await stack.enter_async_context(
                httpx.AsyncClient(
                    base_url=f"http://127.0.0.1:{server.port}",
                    limits=httpx.Limits(max_connections=1, max_keepalive_connections=1),
                    timeout=httpx.Timeout(TIMEOUT),
                    trust_env=False,  # loopback only: no proxy from the environment
                )
            )
            for _ in range(max(CONNECTIONS, clients))
        ]
        # Every connection open before the clock starts (a browser's usually is).
        for opened in await asyncio.gather(*(c.get("/healthz") for c in connections)):
            opened.raise_for_status()
        load = Load(connections, browsers, ventures)
        cpu: dict[Kind, float] = {}
        if pages:
            await load.get_ready()
            cpu = await load.cpu_per_request(server, CPU_REQUESTS)
        results = {}
        for loop_kind in ("open", "closed"):
            for target in ("healthz", "pages") if pages else ("healthz",):
                is_open = loop_kind == "open"
                send = (
                    load.pages(open_loop=is_open)
                    if target == "pages"
                    else load.healthz(open_loop=is_open)
                )
                results[f"{loop_kind} {target}"] = await _measure(
                    server, load, send, loop_kind, rate=rate, seconds=seconds, clients=clients
                )
    return Results(results, cpu)


def _ms(seconds: float) -> str:
    if math.isinf(seconds):
        return f"over {TIMEOUT:.0f} s (unanswered)"
    return f"{seconds * 1000:,.0f} ms" if seconds >= 0.01 else f"{seconds * 1000:.1f} ms"


def _errors(measured: Measured) -> str:
    run = measured.run
    if not run.errors:
        return f"no errors of {run.count:,}"
    kinds = [f"{status} ×{n}" for status, n in sorted(measured.wrong.items())]
    if run.unanswered:
        kinds.append(f"unanswered ×{run.unanswered}")
    return f"{run.errors:,} errors of {run.count:,} ({', '.join(kinds)})"


def _cpu(measured: Measured) -> str:
    run = measured.run
    server = measured.server_cpu / run.seconds * 100 if run.seconds else 0.0
    client = run.client_cpu / run.seconds * 100 if run.seconds else 0.0
    return f"server CPU {server:.0f}% of a core, client CPU {client:.0f}%"


def _answers(browsers: int, ventures: int) -> Callable[[Sample], bool]:
    """Whether an open loop's request was an answer (its client is its index)."""
    return lambda s: plan(s.index, s.index, browsers, ventures).kind == "answer"


def rows(
    measured: Results,
    *,
    rate: float,
    seconds: float,
    clients: int,
    ventures: int,
    browsers: int,
) -> list[Row]:
    results = measured.runs
    what = (
        f"{ventures} answered drafts, {browsers} signed-in browsers of 4 people;"
        ' 80% page views ("What I need to do", a task list, a question page), 20% answers'
        " (a question page posted), SQLite, uvicorn"
    )
    open_pages, open_base = results["open pages"].run, results["open healthz"].run
    is_answer = _answers(browsers, ventures)
    views = open_pages.latency(95, lambda s: not is_answer(s))
    answers = open_pages.latency(95, is_answer)
    p95 = open_pages.latency(95)
    if p95 < TARGET_P95:
        verdict = "met"
    elif math.isinf(p95):
        verdict = f"missed: over 5% not answered within {TIMEOUT:.0f} s"
    else:
        verdict = f"missed by {_ms(p95 - TARGET_P95)}"
    closed_pages, closed_base = results["closed pages"].run, results["closed healthz"].run
    made = [
        (
            f"open loop, {rate:g} requests/s for {seconds:g} s ({what}); latency from each"
            " request's scheduled time",
            f"p50 {_ms(open_pages.latency(50))}, p95 {_ms(p95)}"
            f" (target < {TARGET_P95 * 1000:.0f} ms: {verdict}),"
            f" p99 {_ms(open_pages.latency(99))}; p95 of page views {_ms(views)}, of answers"
            f" {_ms(answers)}; {_errors(results['open pages'])}; answered"
            f" {open_pages.throughput:.0f}/s; {_cpu(results['open pages'])};"
            f" send lag p99 {_lag(open_pages)}",
            _ratios(open_pages, open_base, (50, 95, 99))
            + f" (p50 {_ms(open_base.latency(50))}, p95 {_ms(open_base.latency(95))},"
            f" p99 {_ms(open_base.latency(99))}; {_errors(results['open healthz'])};"
            f" {_cpu(results['open healthz'])}; send lag p99 {_lag(open_base)})",
        ),
        (
            f"closed loop, {clients} clients for {seconds:g} s, each sending its next request"
            " when the last is answered (the same mix)",
            f"{closed_pages.throughput:.0f} requests/s; p50 {_ms(closed_pages.latency(50))},"
            f" p95 {_ms(closed_pages.latency(95))}; {_errors(results['closed pages'])};"
            f" {_cpu(results['closed pages'])}",
            f"{closed_pages.throughput / closed_base.throughput:.2f}× the throughput of"
            f" `/healthz` ({closed_base.throughput:.0f}/s); "
            + _ratios(closed_pages, closed_base, (50, 95))
            + f" (p50 {_ms(closed_base.latency(50))}, p95 {_ms(closed_base.latency(95))};"
            f" {_errors(results['closed healthz'])}; {_cpu(results['closed healthz'])})",
        ),
    ]
    cpu = measured.cpu
    if cpu:
        mix = 0.8 * sum(cpu[k] for k in VIEWS) / len(VIEWS) + 0.2 * cpu["answer"]
        base = results["closed healthz"]
        healthz = base.server_cpu / base.run.count
        made.append(
            (
                "the server's CPU per request of each kind, sent one at a time (before the"
                " runs): the mix's mean, and so the most one server process serves",
                f'"What I need to do" {_ms(cpu["home"])}, task list {_ms(cpu["tasks"])},'
                f" question page {_ms(cpu['question'])}, answer {_ms(cpu['answer'])};"
                f" the mix {_ms(mix)}: at most {1 / mix:.0f} requests/s on one core",
                f"the mix {mix / healthz:.0f}× `/healthz` ({_ms(healthz)} a request in the"
                " closed loop)",
            )
        )
    return made


def _lag(run: Run) -> str:
    lag = run.lag(99)
    return "never sent (over 1% still queued when the run gave up)" if math.isinf(lag) else _ms(lag)


def _ratios(run: Run, base: Run, percents: tuple[int, ...]) -> str:
    said = []
    for p in percents:
        mine, theirs = run.latency(p), base.latency(p)
        ratio = "∞" if math.isinf(mine) else f"{mine / theirs:,.1f}×"
        said.append(f"p{p} {ratio}")
    return ", ".join(said) + " `/healthz` under the same load"


def run() -> list[Row]:
    with tempfile.TemporaryDirectory(prefix="cyd-bench-load-") as tmp:
        folder = Path(tmp)
        database = f"sqlite:///{folder / 'cyd.db'}"
        ventures = prepare(folder, VENTURES)
        browsers = [Browser(email, token) for email, token in sign_in_browsers(database)]
        with server(database, folder) as pages:
            results = asyncio.run(
                drive(pages, browsers, ventures, rate=RATE, seconds=SECONDS, clients=CLIENTS)
            )
    return rows(
        results,
        rate=RATE,
        seconds=SECONDS,
        clients=CLIENTS,
        ventures=len(ventures),
        browsers=len(browsers),
    )


if __name__ == "__main__":
    for row in run():
        print(" | ".join(row))
    sys.exit(0)
