"""Fixtures of the pages' tests.

Without a browser (fast):

    library            the checklist definitions (once per session)
    web_engine         an empty SQLite database at the newest schema (a copy of one
                       made once per session: cheap)
    example_engine     the same with the example programme imported
    web_settings       WebSettings with a secret in the test's own folder
    make_app(...)      create_app(engine, library, settings, **kwargs); engine defaults
                       to web_engine
    app, client        the default app, and a TestClient on it at http://127.0.0.1
                       (a loopback address: cookies without Secure, as in `cyd web`)
    browser_as(email, **cookies)
                       a test client signed in as `email` on the module's `engine`
                       (with these cookies: language and format), closed after the test

In a real browser (tests marked slow; Chromium from the system, /usr/bin/chromium):

    serve(app) -> url  the app served by uvicorn on a free loopback port, in a thread,
                       stopped after the test
    live_server        serve(app) of the default app
    browser            Chromium, once per session
    page               a new browser page (its own cookies), closed after the test;
                       `page.csp_errors` collects Content-Security-Policy violations
    axe_check(page)    runs axe-core in the page (injected with page.evaluate: the
                       CSP would block an inline script) and returns its violations
                       for the WCAG 2.0/2.1/2.2 A and AA tags
    screenshots        the folder screenshots go to (tests/web/screenshots/, or
                       CYD_SCREENSHOTS)
"""

from __future__ import annotations

import dataclasses
import os
import shutil
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from checklists.loader import Library, load_library
from models.db import make_engine
from models.migrate import upgrade
from web.app import create_app
from web.settings import WebSettings

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page
    from sqlalchemy.engine import Engine

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = Path("/usr/bin/chromium")
AXE = ROOT / "web" / "assets" / "node_modules" / "axe-core" / "axe.min.js"
AXE_TAGS = ("wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa")
LOOPBACK = "http://127.0.0.1"


@pytest.fixture(scope="session")
def library() -> Library:
    return load_library()


def _database_file(folder: Path, fill: Callable[[Engine], None] | None = None) -> Path:
    """A SQLite file at the newest schema (filled by `fill`), closed: ready to copy."""
    path = folder / "cyd.db"
    engine = make_engine(f"sqlite:///{path}")
    try:
        upgrade(engine)
        if fill is not None:
            fill(engine)
    finally:
        engine.dispose()  # the last connection closed: the WAL is folded into the file
    return path


def _engine_on_copy(source: Path, folder: Path) -> Engine:
    shutil.copyfile(source, folder / "cyd.db")
    return make_engine(f"sqlite:///{folder / 'cyd.db'}")


@pytest.fixture(scope="session")
def empty_database(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _database_file(tmp_path_factory.mktemp("web-empty"))


@pytest.fixture(scope="session")
def example_database(tmp_path_factory: pytest.TempPathFactory, library: Library) -> Path:
    from services.programme_import import import_programme, load_programme

    def fill(engine: Engine) -> None:
        path = ROOT / "examples" / "programme.yaml"
        programme = load_programme(path, library=library)
        text = path.read_text(encoding="utf-8")
        import_programme(engine, programme, text, "admin@example.org")

    return _database_file(tmp_path_factory.mktemp("web-example"), fill)


@pytest.fixture
def web_engine(empty_database: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Engine]:
    engine = _engine_on_copy(empty_database, tmp_path_factory.mktemp("web-db"))
    try:
        yield engine
    finally:
        engine.dispose()


@pytest.fixture
def example_engine(
    example_database: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Engine]:
    engine = _engine_on_copy(example_database, tmp_path_factory.mktemp("web-db"))
    try:
        yield engine
    finally:
        engine.dispose()


@pytest.fixture
def web_settings(tmp_path_factory: pytest.TempPathFactory) -> WebSettings:
    return WebSettings.in_folder(tmp_path_factory.mktemp("web-data"))


@pytest.fixture
def make_app(
    web_engine: Engine, library: Library, web_settings: WebSettings
) -> Callable[..., FastAPI]:
    def make(engine: Engine | None = None, **kwargs: Any) -> FastAPI:
        settings = kwargs.pop("settings", web_settings)
        return create_app(engine or web_engine, library, settings, **kwargs)

    return make


@pytest.fixture
def app(make_app: Callable[..., FastAPI]) -> FastAPI:
    return make_app()


@pytest.fixture
def client(app: FastAPI) -> Iterator[TestClient]:
    with TestClient(app, base_url=LOOPBACK) as test_client:
        yield test_client


# --- in a real browser -----------------------------------------------------------------


@pytest.fixture
def serve() -> Iterator[Callable[[FastAPI], str]]:
    from web.server import bind, server, url_of

    running: list[tuple[Any, threading.Thread]] = []

    def start(app: FastAPI) -> str:
        sock = bind("127.0.0.1", 0)
        uvicorn_server = server(app)
        thread = threading.Thread(
            target=uvicorn_server.run, kwargs={"sockets": [sock]}, daemon=True
        )
        thread.start()
        deadline = time.monotonic() + 30
        while not uvicorn_server.started:
            if not thread.is_alive() or time.monotonic() > deadline:
                pytest.fail("the test server did not start")
            time.sleep(0.05)
        running.append((uvicorn_server, thread))
        return url_of(sock).rstrip("/")

    yield start
    for uvicorn_server, thread in running:
        uvicorn_server.should_exit = True
        thread.join(timeout=30)
        assert not thread.is_alive(), "the test server did not stop"


@pytest.fixture
def live_server(serve: Callable[[FastAPI], str], app: FastAPI) -> str:
    return serve(app)


@pytest.fixture
def app_for(
    make_app: Callable[..., FastAPI], example_engine: Engine, serve: Callable[[FastAPI], str]
) -> Callable[[str], str]:
    """The pages on the example programme served with `email` signed in: their address.
    (A test module with other needs defines its own `app_for`.)"""
    from models import queries
    from models.db import read_session
    from web.visitor import SignedIn

    def start(email: str) -> str:
        with read_session(example_engine) as session:
            who = queries.person_by_email(session, email)
        assert who is not None, email
        app = make_app(example_engine, identify=lambda _r, _e: SignedIn(who, f"session-{email}"))
        return serve(app)

    return start


@pytest.fixture
def browser_as(make_app: Callable[..., FastAPI], engine: Engine) -> Iterator[Callable[..., Any]]:
    """A test client signed in as `email`, on the test module's own `engine` fixture."""
    # Here, not at the top: test_checklist imports this module's LOOPBACK.
    from web.visitor import SignedIn

    from .test_checklist import Browser as Client
    from .test_checklist import person

    made: list[Client] = []

    def sign_in(email: str, **cookies: str) -> Client:
        someone = person(engine, email)
        app = make_app(engine, identify=lambda _r, _e: SignedIn(someone, f"session-{email}"))
        client = Client(app)
        for name, value in cookies.items():
            client.client.cookies.set(name, value)
        made.append(client)
        return client

    yield sign_in
    for client in made:
        client.client.close()


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    if not CHROMIUM.is_file():
        pytest.fail(f"no Chromium at {CHROMIUM}: install the chromium package (.ci/run does)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM))
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context()
    opened = context.new_page()
    csp_errors: list[str] = []

    def watch(message: Any) -> None:
        if message.type == "error" and "Content Security Policy" in message.text:
            csp_errors.append(message.text)

    opened.on("console", watch)
    opened.csp_errors = csp_errors  # type: ignore[attr-defined]
    try:
        yield opened
    finally:
        context.close()


@pytest.fixture(scope="session")
def axe_source() -> str:
    if not AXE.is_file():
        pytest.fail(f"no axe-core at {AXE}: run `npm ci` in web/assets (.ci/run does)")
    return AXE.read_text(encoding="utf-8")


@pytest.fixture
def axe_check(axe_source: str) -> Callable[[Page], list[dict[str, Any]]]:
    def check(page: Page) -> list[dict[str, Any]]:
        page.evaluate(axe_source)
        results: dict[str, Any] = page.evaluate(
            """async (tags) => await axe.run(document, {runOnly: {type: "tag", values: tags}})""",
            list(AXE_TAGS),
        )
        violations: list[dict[str, Any]] = results["violations"]
        return violations

    return check


def describe(violations: list[dict[str, Any]]) -> str:
    """Violations as lines a person can act on: rule, impact, where."""
    lines = []
    for violation in violations:
        targets = [" ".join(map(str, node["target"])) for node in violation["nodes"]]
        lines.append(f"{violation['id']} ({violation['impact']}): {violation['help']} at {targets}")
    return "\n".join(lines)


@pytest.fixture(scope="session")
def screenshots() -> Path:
    folder = Path(os.environ.get("CYD_SCREENSHOTS") or ROOT / "tests" / "web" / "screenshots")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@pytest.fixture
def mailboxes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The local mailboxes of this test's own (where sign-in messages are read)."""
    folder = tmp_path / "mailbox"
    monkeypatch.setenv("CYD_MAILBOX_DIR", str(folder))
    monkeypatch.setenv("CYD_TIMEZONE", "Europe/London")
    return folder


@pytest.fixture
def site(
    serve: Callable[[FastAPI], str],
    make_app: Callable[..., FastAPI],
    example_engine: Engine,
    web_settings: WebSettings,
    mailboxes: Path,
) -> str:
    """The pages on the example programme with the real sign-in (the session cookie),
    served; sign-in links point at them."""
    app = make_app(example_engine)
    url = serve(app)
    app.state.settings = dataclasses.replace(web_settings, base_url=url)
    return url
