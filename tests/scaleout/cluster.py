"""The scale-out set-up, for tests: a Prefect server whose database is PostgreSQL, Cyd's
database on PostgreSQL, the process work pool `cyd-pool` with the deployments of
prefect.yaml, and two Prefect workers polling it.

Everything runs on 127.0.0.1 with free ports, temporary folders and fresh databases
(`prefect_<random>`, `cyd_scaleout_<random>`), and is stopped and dropped at the
end. Each service is a real process (`prefect server start`, `prefect worker start`)
started in a process group of its own, so that stopping it also stops what it
started (the server's web process, a worker's flow-run processes).
"""

from __future__ import annotations

import contextlib
import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TypeVar

import yaml
from sqlalchemy import text
from sqlalchemy.engine import URL, Engine, make_url

from models.db import make_engine

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
PREFECT = BIN / "prefect"
CYD = BIN / "cyd"

POOL = "cyd-pool"
WORKERS = ("cyd-worker-1", "cyd-worker-2")
SERVER_START_TIMEOUT_S = 90.0
COMMAND_TIMEOUT_S = 180.0

ADMIN_URL = os.environ.get(
    "CYD_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
)

T = TypeVar("T")


class ClusterError(RuntimeError):
    """The set-up did not come up; the message says what, with the logs' tails."""


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def tail(path: Path, lines: int = 40) -> str:
    try:
        content = path.read_text(encoding="utf-8", errors="replace").splitlines()
    except FileNotFoundError:
        return f"({path.name}: no log yet)"
    return "\n".join(content[-lines:])


@dataclass
class Service:
    """One long-running process, its output in a log file."""

    name: str
    argv: list[str]
    env: dict[str, str]
    log: Path
    process: subprocess.Popen[bytes] | None = None
    starts: int = 0

    def start(self) -> None:
        if self.running():
            return
        with self.log.open("ab") as handle:
            handle.write(f"\n=== start {self.starts + 1}: {' '.join(self.argv)}\n".encode())
            handle.flush()
            self.process = subprocess.Popen(
                self.argv,
                cwd=ROOT,
                env=self.env,
                stdin=subprocess.DEVNULL,
                stdout=handle,
                stderr=subprocess.STDOUT,
                start_new_session=True,  # its own process group: see `stop`
            )
        self.starts += 1

    def running(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def stop(self, timeout: float = 15.0) -> None:
        """SIGTERM to the service's process group, SIGKILL if it has not gone in time."""
        process = self.process
        if process is None:
            return
        group = process.pid  # start_new_session: the group's id is the leader's pid
        if process.poll() is None:
            _signal_group(group, signal.SIGTERM)
            try:
                process.wait(timeout)
            except subprocess.TimeoutExpired:
                _signal_group(group, signal.SIGKILL)
                process.wait(10)
        # Whatever the leader left behind in its group (a flow run's process) goes too.
        _signal_group(group, signal.SIGKILL)

    def tail(self, lines: int = 40) -> str:
        return f"--- {self.name} ({self.log}):\n{tail(self.log, lines)}"


def _signal_group(group: int, sig: signal.Signals) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(group, sig)


@dataclass
class Cluster:
    """The scale-out set-up of the scale-out tests (see the module's docstring)."""

    base: Path
    admin_url: URL = field(
        default_factory=lambda: make_url(ADMIN_URL).set(drivername="postgresql+psycopg")
    )
    port: int = field(default_factory=free_port)
    prefect_database: str = field(default_factory=lambda: f"prefect_{secrets.token_hex(5)}")
    cyd_database: str = field(default_factory=lambda: f"cyd_scaleout_{secrets.token_hex(5)}")
    server: Service | None = None
    workers: list[Service] = field(default_factory=list)
    created: list[str] = field(default_factory=list)  # databases to drop at the end
    timings: dict[str, float] = field(default_factory=dict)
    _cyd_engine: Engine | None = None

    # --- addresses and environments ------------------------------------------------

    @property
    def api_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/api"

    def database_url(self, name: str, driver: str) -> URL:
        return self.admin_url.set(drivername=driver, database=name)

    @property
    def cyd_url(self) -> str:
        url = self.database_url(self.cyd_database, "postgresql+psycopg")
        return url.render_as_string(hide_password=False)

    @property
    def prefect_db_url(self) -> str:
        url = self.database_url(self.prefect_database, "postgresql+asyncpg")
        return url.render_as_string(hide_password=False)

    def _clean_environ(self) -> dict[str, str]:
        # Nothing of the caller's Prefect profile or Cyd set-up leaks in.
        keep = {k: v for k, v in os.environ.items() if not k.startswith(("PREFECT_", "CYD_"))}
        return {**keep, "COLUMNS": "200", "PYTHONUNBUFFERED": "1"}

    def prefect_env(self) -> dict[str, str]:
        """For `prefect` commands run against this server (a client's settings)."""
        return {
            **self._clean_environ(),
            "PREFECT_HOME": str(self.base / "prefect-home"),
            "PREFECT_API_URL": self.api_url,
            "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
            "CYD_PROJECT_DIR": str(ROOT),
        }

    def server_env(self) -> dict[str, str]:
        env = self.prefect_env()
        env.pop("PREFECT_API_URL")  # the server itself needs no client URL
        return {
            **env,
            "PREFECT_SERVER_DATABASE_CONNECTION_URL": self.prefect_db_url,
            "PREFECT_SERVER_UI_ENABLED": "false",
        }

    def cyd_env(self) -> dict[str, str]:
        """For `cyd` commands and for the workers' flow runs: Cyd's database and folders."""
        return {
            **self.prefect_env(),
            "CYD_DATABASE_URL": self.cyd_url,
            "CYD_DATA_DIR": str(self.base / "cyd-data"),
            "CYD_MAILBOX_DIR": str(self.base / "mailbox"),
            "CYD_CACHE_DIR": str(self.base / "cyd-cache"),
            # A person's action is recorded, then handed to Prefect as an event.
            "CYD_ORCHESTRATION": "events",
            # Every process of a scale-out opens the channels with the same key, the
            # test's own included (it records actions in-process too): models.sealed.
            **{k: v for k, v in os.environ.items() if k == "CYD_SECRET_KEY"},
        }

    def worker_env(self, name: str) -> dict[str, str]:
        return {
            **self.cyd_env(),
            "PREFECT_HOME": str(self.base / f"{name}-home"),
            # Poll every second (default 10 s): runs start soon after their event.
            "PREFECT_WORKER_QUERY_SECONDS": "1",
            "PREFECT_WORKER_HEARTBEAT_SECONDS": "5",
            "TMPDIR": str(self.base / "tmp"),
        }

    # --- life cycle -----------------------------------------------------------------

    def up(self) -> None:
        started = time.monotonic()
        for folder in ("prefect-home", "cyd-data", "mailbox", "cyd-cache", "tmp", "logs"):
            (self.base / folder).mkdir(parents=True, exist_ok=True)
        self._create_databases()
        self.run(["cyd", "init"], env=self.cyd_env())
        self.timings["databases"] = time.monotonic() - started

        mark = time.monotonic()
        self.server = Service(
            "prefect server",
            [str(PREFECT), "server", "start", "--host", "127.0.0.1", "--port", str(self.port)],
            self.server_env(),
            self.base / "logs" / "server.log",
        )
        self.start_server()
        self.timings["server"] = time.monotonic() - mark

        mark = time.monotonic()
        self.prefect("work-pool", "create", POOL, "--type", "process", "--overwrite")
        self.prefect("--no-prompt", "deploy", "--all")
        self.timings["deploy"] = time.monotonic() - mark

        mark = time.monotonic()
        for name in WORKERS:
            worker = Service(
                name,
                [str(PREFECT), "worker", "start", "--pool", POOL, "--name", name],
                self.worker_env(name),
                self.base / "logs" / f"{name}.log",
            )
            (self.base / f"{name}-home").mkdir(exist_ok=True)
            self.workers.append(worker)
            worker.start()
        self.wait_for_workers()
        self.timings["workers"] = time.monotonic() - mark
        self.timings["up"] = time.monotonic() - started

    def down(self) -> None:
        """Stop every process, then drop the databases (each step even if one fails)."""
        problems: list[BaseException] = []
        for service in (*self.workers, self.server):
            if service is not None:
                try:
                    service.stop()
                except Exception as error:
                    problems.append(error)
        if self._cyd_engine is not None:
            self._cyd_engine.dispose()
        admin = make_engine(self.admin_url).execution_options(isolation_level="AUTOCOMMIT")
        try:
            with admin.connect() as connection:
                for name in self.created:
                    connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        finally:
            admin.engine.dispose()
        if problems:
            raise ClusterError(f"stopping the set-up: {problems}")

    def _create_databases(self) -> None:
        admin = make_engine(self.admin_url).execution_options(isolation_level="AUTOCOMMIT")
        try:
            with admin.connect() as connection:
                for name in (self.prefect_database, self.cyd_database):
                    connection.execute(text(f'CREATE DATABASE "{name}"'))
                    self.created.append(name)
            # The Prefect server's migrations need pg_trgm (PostgreSQL's contrib
            # modules): say so plainly, before the server fails on it.
            prefect_db = make_engine(self.database_url(self.prefect_database, "postgresql+psycopg"))
            try:
                with prefect_db.begin() as connection:
                    connection.execute(text("CREATE EXTENSION IF NOT EXISTS pg_trgm"))
            except Exception as error:
                raise ClusterError(
                    "the Prefect server needs PostgreSQL's pg_trgm extension"
                    f" (package postgresql-contrib): {error}"
                ) from error
            finally:
                prefect_db.dispose()
        finally:
            admin.engine.dispose()

    def start_server(self) -> None:
        """Start the server (again) on the same port and database; wait until healthy."""
        assert self.server is not None
        self.server.start()
        deadline = time.monotonic() + SERVER_START_TIMEOUT_S
        while time.monotonic() < deadline:
            if self.healthy():
                return
            if not self.server.running():
                raise ClusterError(f"the Prefect server exited\n{self.server.tail(60)}")
            time.sleep(0.5)
        raise ClusterError(
            f"the Prefect server was not healthy after {SERVER_START_TIMEOUT_S:.0f} s\n"
            f"{self.server.tail(60)}"
        )

    def stop_server(self) -> None:
        assert self.server is not None
        self.server.stop()

    def healthy(self) -> bool:
        try:
            with urllib.request.urlopen(f"{self.api_url}/health", timeout=2) as response:  # noqa: S310
                return bool(response.status == 200)
        except (OSError, urllib.error.URLError):
            return False

    def ensure_workers(self) -> list[str]:
        """Restart any worker that has exited (as a service manager would); say which."""
        restarted = []
        for worker in self.workers:
            if not worker.running():
                worker.start()
                restarted.append(worker.name)
        return restarted

    def wait_for_workers(self, timeout: float = 60.0) -> None:
        """Until both workers have sent the server a heartbeat since now."""
        since = datetime.now(UTC)

        def online() -> set[str] | None:
            workers = self.api("POST", f"/work_pools/{POOL}/workers/filter")
            found = {
                w["name"]
                for w in workers
                if w["last_heartbeat_time"]
                and datetime.fromisoformat(w["last_heartbeat_time"]) >= since
            }
            return found if found >= set(WORKERS) else None

        self.wait_for(online, timeout, "the two workers to poll the pool")

    # --- commands -------------------------------------------------------------------

    def run(
        self, argv: list[str], *, env: dict[str, str], timeout: float = COMMAND_TIMEOUT_S
    ) -> subprocess.CompletedProcess[str]:
        program = {"cyd": CYD, "prefect": PREFECT}[argv[0]]
        result = subprocess.run(
            [str(program), *argv[1:]],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            encoding="utf-8",
            timeout=timeout,
            check=False,
        )
        if result.returncode != 0:
            raise ClusterError(
                f"{' '.join(argv)} failed ({result.returncode}):\n"
                f"{result.stdout[-3000:]}\n{result.stderr[-3000:]}"
            )
        return result

    def prefect(self, *args: str) -> subprocess.CompletedProcess[str]:
        return self.run(["prefect", *args], env=self.prefect_env())

    # --- looking --------------------------------------------------------------------

    def api(self, method: str, path: str, body: dict[str, Any] | None = None) -> Any:
        """One call to the Prefect server's REST API (JSON in, JSON out)."""
        data = json.dumps(body or {}).encode() if method != "GET" else None
        request = urllib.request.Request(  # noqa: S310 (loopback http)
            f"{self.api_url}{path}",
            data=data,
            method=method,
            headers={"Content-Type": "application/json"},
        )
        with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
            return json.loads(response.read() or b"null")

    def deployment_id(self, entrypoint: str) -> str:
        """The id of the deployment of prefect.yaml whose entrypoint is `entrypoint`."""
        declared = yaml.safe_load((ROOT / "prefect.yaml").read_text(encoding="utf-8"))
        names = [d["name"] for d in declared["deployments"] if d["entrypoint"] == entrypoint]
        assert names, f"prefect.yaml declares no deployment of {entrypoint}"
        found = self.api("POST", "/deployments/filter", {"deployments": {"name": {"any_": names}}})
        assert found, f"no deployment {names} on the server"
        deployment_id: str = found[0]["id"]
        return deployment_id

    def flow_runs(self, deployment_id: str) -> list[dict[str, Any]]:
        runs: list[dict[str, Any]] = []
        while True:
            page = self.api(
                "POST",
                "/flow_runs/filter",
                {
                    "flow_runs": {"deployment_id": {"any_": [deployment_id]}},
                    "sort": "EXPECTED_START_TIME_ASC",
                    "limit": 200,
                    "offset": len(runs),
                },
            )
            runs += page
            if len(page) < 200:
                return runs

    @property
    def cyd_engine(self) -> Engine:
        if self._cyd_engine is None:
            self._cyd_engine = make_engine(self.cyd_url)
        return self._cyd_engine

    def wait_for(
        self, check: Callable[[], T | None], timeout: float, what: str | Callable[[], str]
    ) -> T:
        """Poll `check` until it gives something (not None, not False); else fail, saying
        `what` was awaited (a callable: asked at the end) with the services' logs."""
        deadline = time.monotonic() + timeout
        while True:
            problem: OSError | None = None
            try:
                last = check()
            except OSError as error:  # the server, briefly busy (URLError is an OSError)
                last, problem = None, error
            if last is not None and last is not False:
                return last
            if time.monotonic() > deadline:
                awaited = what if isinstance(what, str) else what()
                raise ClusterError(
                    f"timed out after {timeout:.0f} s waiting for {awaited}"
                    + (f" ({problem})" if problem else "")
                    + "\n"
                    + self.logs()
                )
            time.sleep(1.0)

    def logs(self, lines: int = 30) -> str:
        services = [s for s in (self.server, *self.workers) if s is not None]
        return "\n".join(s.tail(lines) for s in services)
