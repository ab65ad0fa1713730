"""`cyd serve`: run Cyd's flows for long-running use on one machine.

With no Prefect server configured (`PREFECT_API_URL`), it starts one (`prefect
server start` on 127.0.0.1, its output in `prefect-server.log` in Cyd's data
folder) and waits until it answers: Prefect's ephemeral server has no scheduler,
so schedules and triggers need a real one. Then it serves the deployments of
prefect.yaml (the outbox every minute, the sweep hourly, reminders daily, Board
papers before meetings, and `advance-venture` on each `cyd.venture.changed` event)
from this process.

Beside them it starts Cyd's pages on 127.0.0.1 (`--web-port`, default 8000 or a
free port; `--no-web` leaves them out): `cyd web` as a process of its own, so the
pages and the flows' runner each have their own interpreter (and their own share
of the CPU: Python runs one thread at a time per process), and a fault in one
cannot stop the other. It inherits the Prefect server's address, so the pages hand
ventures on as the flows expect. Ctrl-C stops them all.
"""

from __future__ import annotations

import atexit
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Annotated

import typer

from cli.output import console, fail

START_TIMEOUT_S = 120.0
WEB_START_TIMEOUT_S = 60.0


def _healthy(api: str, path: str = "/health") -> bool:
    from urllib import request
    from urllib.error import URLError

    try:
        with request.urlopen(f"{api}{path}", timeout=2) as answer:  # noqa: S310 (http only)
            return bool(answer.status == 200)
    except (URLError, OSError):
        return False


def _cyd() -> list[str]:
    script = Path(sys.executable).with_name("cyd")
    return [str(script)] if script.is_file() else [sys.executable, "-m", "cli.main"]


def _prefect() -> list[str]:
    script = Path(sys.executable).with_name("prefect")
    return [str(script)] if script.is_file() else [sys.executable, "-m", "prefect"]


def _start_server(host: str, port: int, log: Path) -> subprocess.Popen[bytes]:
    log.parent.mkdir(parents=True, exist_ok=True)
    with log.open("ab") as sink:
        return subprocess.Popen(  # noqa: S603 (our own prefect, fixed arguments)
            [*_prefect(), "server", "start", "--host", host, "--port", str(port)],
            stdin=subprocess.DEVNULL,
            stdout=sink,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # stopped by us, after the runner
        )


def _stop(process: subprocess.Popen[bytes]) -> None:
    import signal

    if process.poll() is not None:
        return
    try:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)
    except ProcessLookupError:
        pass


def _tail(path: Path, lines: int = 15) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return ""


def serve(
    host: Annotated[str, typer.Option(help="Where a server started here listens.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Its port.")] = 4200,
    web: Annotated[bool, typer.Option(help="Start the pages too (cyd web).")] = True,
    web_port: Annotated[
        int | None,
        typer.Option(help="The pages' port on 127.0.0.1 (default: 8000, or a free one)."),
    ] = None,
) -> None:
    """Serve Cyd's flows (schedules and event triggers) on a Prefect server, and its pages;
    Ctrl-C stops."""
    from cli import context
    from flows import trigger

    context.engine().dispose()  # the database must exist and be current
    out = console()
    try:
        api = trigger.api_url()
        if api is None:
            api = _own_server(host, port)
        elif not _healthy(api):
            fail(f"the Prefect server at {api} (PREFECT_API_URL) does not answer")
        os.environ["PREFECT_API_URL"] = api
        out.print(f"Prefect server ready: the UI is at {api.removesuffix('/api')}")
        out.print(
            "For cyd commands in other terminals to hand ventures to Prefect:"
            f" export PREFECT_API_URL={api}"
        )
        if web:
            _start_pages(web_port)
        from flows.serve import serve_all

        serve_all(say=out.print)
    except KeyboardInterrupt:
        pass
    out.print("Stopped.")


def _start_pages(port: int | None) -> None:
    """Start `cyd web` on 127.0.0.1 (it prints its address), stopped when this process
    exits; wait until it answers."""
    from web.server import bind

    host = "127.0.0.1"
    try:
        probe = bind(host, port)  # the port it will have: asked for, 8000 or a free one
    except OSError as error:
        fail(f"the pages cannot listen on {host}:{port}: {error.strerror or error}")
    port = int(probe.getsockname()[1])
    probe.close()
    # In this process's group: Ctrl-C stops the pages as it stops the flows.
    pages = subprocess.Popen(  # noqa: S603 (our own cyd, fixed arguments)
        [*_cyd(), "web", "--host", host, "--port", str(port)],
        stdin=subprocess.DEVNULL,
    )
    atexit.register(_stop_child, pages)  # and any other way out
    deadline = time.monotonic() + WEB_START_TIMEOUT_S
    while not _healthy(f"http://{host}:{port}", path="/healthz"):
        if pages.poll() is not None or time.monotonic() > deadline:
            _stop_child(pages)
            fail("the pages did not start (see above)")
        time.sleep(0.3)


def _stop_child(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is not None:
        return
    process.terminate()
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=10)


def _own_server(host: str, port: int) -> str:
    """Start a Prefect server, stopped when this process exits; its API URL."""
    from models.db import data_dir

    api = f"http://{host}:{port}/api"
    if _healthy(api):
        fail(f"a Prefect server already answers at {api}: set PREFECT_API_URL={api}")
    log = data_dir() / "prefect-server.log"
    server = _start_server(host, port, log)
    console().print(
        f"Starting a Prefect server at http://{host}:{port} (pid {server.pid}, log: {log}) ..."
    )
    # Stopped last, at exit: after prefect's own exit handlers, which send the
    # runner's last events and logs to it.
    atexit.register(_stop, server)
    deadline = time.monotonic() + START_TIMEOUT_S
    while not _healthy(api):
        if server.poll() is not None or time.monotonic() > deadline:
            _stop(server)
            fail(f"the Prefect server did not start; the end of its log:\n{_tail(log)}")
        time.sleep(0.5)
    return api
