"""`cyd web`: the pages alone on 127.0.0.1; help and quick commands never load FastAPI."""

from __future__ import annotations

import json
import os
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

_PROBE = """
import json, sys
from cli.main import main

codes = []
for args in json.loads(sys.argv[1]):
    try:
        main(args)
    except SystemExit as exc:
        codes.append(exc.code)
web = ("fastapi", "starlette", "uvicorn", "web")
loaded = sorted({m.split(".")[0] for m in sys.modules} & set(web))
print("PROBE " + json.dumps({"codes": codes, "loaded": loaded}))
"""


def test_help_and_quick_commands_do_not_load_the_pages() -> None:
    runs = [["--help"], ["web", "--help"], ["serve", "--help"], ["checklist", "validate"]]
    result = subprocess.run(
        [sys.executable, "-c", _PROBE, json.dumps(runs)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    probe = json.loads(result.stdout.rsplit("PROBE ", 1)[1])
    assert probe == {"codes": [0, 0, 0, 0], "loaded": []}
    assert "web" in result.stdout  # listed in `cyd --help`
    assert "--web-port" in result.stdout


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _get(url: str) -> tuple[int, str]:
    with urllib.request.urlopen(url, timeout=2) as answer:  # noqa: S310 (loopback http)
        return int(answer.status), answer.read().decode()


@pytest.mark.slow
def test_cyd_web_serves_on_loopback_and_ctrl_c_stops_it(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CYD_DATA", "CYD_DATABASE"))}
    env |= {"CYD_DATA_DIR": str(tmp_path / "data"), "CYD_ORCHESTRATION": "direct"}
    init = subprocess.run(
        [str(CYD), "init"], cwd=ROOT, env=env, capture_output=True, timeout=120, check=False
    )
    assert init.returncode == 0, init.stderr
    port = _free_port()
    log = tmp_path / "web.log"
    with log.open("wb") as sink:
        pages = subprocess.Popen(
            [str(CYD), "web", "--port", str(port)],
            cwd=ROOT,
            env=env,
            stdout=sink,
            stderr=subprocess.STDOUT,
        )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                status, body = _get(f"http://127.0.0.1:{port}/healthz")
                break
            except OSError:
                if pages.poll() is not None or time.monotonic() > deadline:
                    pytest.fail(f"cyd web did not answer; it said:\n{log.read_text()}")
                time.sleep(0.2)
        assert (status, body) == (200, "ok")
        status, body = _get(f"http://127.0.0.1:{port}/accessibility?lang=cy")
        assert status == 200
        assert "Datganiad hygyrchedd Cyd" in body
        assert f"Cyd's pages: http://127.0.0.1:{port}/" in log.read_text()
        assert (tmp_path / "data" / "web-secret").is_file()
        pages.send_signal(signal.SIGINT)
        assert pages.wait(timeout=30) == 0, log.read_text()
    finally:
        if pages.poll() is None:
            pages.kill()
            pages.wait(timeout=10)
    assert log.read_text().rstrip().endswith("Stopped.")
    with pytest.raises(ConnectionRefusedError):  # nothing listens there any more
        socket.create_connection(("127.0.0.1", port), timeout=2).close()


@pytest.mark.slow
def test_cyd_web_says_so_when_its_port_is_taken(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CYD_DATA", "CYD_DATABASE"))}
    env |= {"CYD_DATA_DIR": str(tmp_path / "data")}
    subprocess.run([str(CYD), "init"], cwd=ROOT, env=env, capture_output=True, check=True)
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen(1)
        port = taken.getsockname()[1]
        result = subprocess.run(
            [str(CYD), "web", "--port", str(port)],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
    assert result.returncode == 1
    assert result.stderr.startswith(f"cyd: cannot listen on 127.0.0.1:{port}:")
