"""`cyd serve`, for real: it starts a Prefect server, serves the deployments of
prefect.yaml, a command's event makes `advance-venture` run for the venture, and
Ctrl-C stops the runner and the server."""

from __future__ import annotations

import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CYD = Path(sys.executable).with_name("cyd")
LEAD = "gareth.jones@example.org"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def answers(api: str, path: str = "/health") -> bool:
    try:
        with urllib.request.urlopen(f"{api}{path}", timeout=2) as reply:  # noqa: S310
            return bool(reply.status == 200)
    except OSError:
        return False


def cyd(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(CYD), *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=120,
        check=False,
    )


def wait_for(check: object, timeout: float, what: str, log: Path) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():  # type: ignore[operator]
            return
        time.sleep(0.5)
    pytest.fail(f"{what} within {timeout:.0f} s; cyd serve said:\n{log.read_text()[-3000:]}")


@pytest.mark.slow
def test_serve_runs_the_flows_on_events_and_ctrl_c_stops_it_all(tmp_path: Path) -> None:
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("PREFECT_", "CYD_ORCH", "CYD_DATA", "CYD_DATABASE"))
    }
    env |= {
        "CYD_DATA_DIR": str(tmp_path / "data"),
        "PREFECT_HOME": str(tmp_path / "prefect"),
        "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
        "CYD_MAILBOX_DIR": str(tmp_path / "mailbox"),
    }
    assert cyd(["init"], env).returncode == 0
    port, web_port = free_port(), free_port()
    api = f"http://127.0.0.1:{port}/api"
    pages = f"http://127.0.0.1:{web_port}"
    log = tmp_path / "serve.log"
    with log.open("wb") as sink:
        served = subprocess.Popen(
            [str(CYD), "serve", "--port", str(port), "--web-port", str(web_port)],
            cwd=tmp_path,  # it finds the project itself
            env=env,
            stdout=sink,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        wait_for(lambda: "Ctrl-C stops." in log.read_text(), 150, "not serving", log)
        assert answers(api)
        assert answers(pages, "/healthz")  # the pages, beside the flows
        assert f"Cyd's pages: http://127.0.0.1:{web_port}/" in log.read_text()

        acting = {**env, "PREFECT_API_URL": api}
        start = ["venture", "start", "--workstream", "day-opportunities", "--title", "Café"]
        venture = cyd([*start, "--lead", LEAD], acting).stdout.strip()
        submitted = cyd(["venture", "submit", venture, "--by", LEAD, "--json"], acting)
        assert json.loads(submitted.stdout)["advance"] == "prefect-event", submitted.stderr

        def returned() -> bool:
            shown = cyd(["venture", "show", venture, "--json"], acting)
            return bool(json.loads(shown.stdout)["state"] == "returned")

        wait_for(returned, 120, "the venture was not advanced", log)
        assert f"advance-{venture}" in log.read_text()

        served.send_signal(signal.SIGINT)  # Ctrl-C
        served.wait(timeout=90)
        assert not answers(api), "the Prefect server is still up"
        assert not answers(pages, "/healthz"), "the pages are still up"
        assert "Stopped." in log.read_text()
    finally:
        if served.poll() is None:
            os.killpg(served.pid, signal.SIGKILL)
            served.wait(timeout=10)
        found = re.search(r"pid (\d+)", log.read_text())
        if found and answers(api):  # it started one, and it outlived it
            os.killpg(int(found.group(1)), signal.SIGKILL)
