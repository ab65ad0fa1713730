"""How a recorded action reaches `advance-venture` (flows.trigger), and prefect.yaml.

No Prefect server here: the event is posted to a small HTTP receiver on loopback
that answers as Prefect's `POST /api/events` does; the trigger's parameter template
is rendered as Prefect's server renders it.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
import yaml

from flows import trigger
from services.advancing import advance_directly

ROOT = Path(__file__).resolve().parents[2]
CYD = Path(sys.executable).with_name("cyd")
LEAD = "gareth.jones@example.org"
SUMMARY = "A community café run together with the people who use day services"


@dataclass
class Receiver:
    """Answers POST /api/events with 204, keeping each request's headers and body."""

    port: int = 0
    status: int = 204
    requests: list[tuple[str, dict[str, str], Any]] = field(default_factory=list)

    @property
    def api(self) -> str:
        return f"http://127.0.0.1:{self.port}/api"


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    got = Receiver()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            got.requests.append((self.path, dict(self.headers.items()), json.loads(body)))
            self.send_response(got.status)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, format: str, *args: Any) -> None:
            return

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    got.port = int(server.server_address[1])
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield got
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture
def no_prefect(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """No Prefect server configured: neither in the environment nor in a profile."""
    for name in ("PREFECT_API_URL", "PREFECT_PROFILE", "PREFECT_PROFILES_PATH", "PREFECT_API_KEY"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.delenv("PREFECT_API_AUTH_STRING", raising=False)
    monkeypatch.delenv(trigger.MODE_ENV, raising=False)
    home = tmp_path / "prefect-home"
    home.mkdir()
    monkeypatch.setenv("PREFECT_HOME", str(home))
    return home


# --- the mode --------------------------------------------------------------------------------


def test_by_default_a_command_advances_directly_unless_a_server_is_configured(
    no_prefect: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert trigger.mode() == trigger.DIRECT
    assert trigger.advancer() is advance_directly
    monkeypatch.setenv("PREFECT_API_URL", "http://127.0.0.1:4200/api/")
    assert trigger.api_url() == "http://127.0.0.1:4200/api"
    assert trigger.mode() == trigger.EVENTS
    assert trigger.advancer() is trigger.emit_or_advance
    monkeypatch.setenv(trigger.MODE_ENV, "direct")
    assert trigger.advancer() is advance_directly
    monkeypatch.setenv(trigger.MODE_ENV, "Flows")
    assert trigger.advancer() is trigger.run_flow
    monkeypatch.setenv(trigger.MODE_ENV, "sometimes")
    with pytest.raises(ValueError, match="CYD_ORCHESTRATION must be one of"):
        trigger.mode()


def test_a_server_set_in_the_active_prefect_profile_counts(
    no_prefect: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (no_prefect / "profiles.toml").write_text(
        'active = "team"\n\n[profiles.ephemeral]\n\n'
        '[profiles.team]\nPREFECT_API_URL = "http://prefect.example.org/api"\n',
        encoding="utf-8",
    )
    assert trigger.api_url() == "http://prefect.example.org/api"
    assert trigger.mode() == trigger.EVENTS
    monkeypatch.setenv("PREFECT_PROFILE", "ephemeral")
    assert trigger.mode() == trigger.DIRECT


# --- the event -------------------------------------------------------------------------------


def test_the_event_names_the_venture_for_the_deployment_trigger(
    no_prefect: Path, receiver: Receiver, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PREFECT_API_URL", receiver.api)
    monkeypatch.setenv("PREFECT_API_AUTH_STRING", "admin:s3cret")
    sent = trigger.post_event("v-0042")
    [(path, headers, body)] = receiver.requests
    assert path == "/api/events"
    assert headers["Content-Type"] == "application/json"
    assert headers["Authorization"] == "Basic YWRtaW46czNjcmV0"  # admin:s3cret
    assert body == [sent]
    assert sent["event"] == "cyd.venture.changed"
    assert sent["resource"]["prefect.resource.id"] == "cyd.venture.v-0042"
    assert sent["resource"]["cyd.venture.id"] == "v-0042"


def test_an_event_the_server_refuses_is_an_error(
    no_prefect: Path, receiver: Receiver, monkeypatch: pytest.MonkeyPatch
) -> None:
    receiver.status = 500
    with pytest.raises(trigger.EventNotSent, match="did not answer"):
        trigger.post_event("v-0001", receiver.api)
    with pytest.raises(trigger.EventNotSent, match="not an http"):
        trigger.post_event("v-0001", "file:///etc/passwd")


def test_prefect_yaml_runs_advance_venture_for_the_venture_in_the_event() -> None:
    """The trigger matches the event and its template gives the venture's id, rendered
    the way the Prefect server renders a run-deployment action's parameters."""
    from jinja2.sandbox import ImmutableSandboxedEnvironment
    from prefect.events.schemas.deployment_triggers import DeploymentEventTrigger
    from prefect.server.events.schemas.events import ReceivedEvent

    declared = yaml.safe_load((ROOT / "prefect.yaml").read_text(encoding="utf-8"))
    [on_change] = [d for d in declared["deployments"] if d["name"] == "on-change"]
    assert on_change["entrypoint"] == "flows/advance.py:advance_venture"
    [spec] = on_change["triggers"]
    parsed = DeploymentEventTrigger.model_validate(spec)
    assert parsed.expect == {trigger.EVENT}
    event = ReceivedEvent.model_validate(trigger.venture_event("v-0007"))
    assert parsed.match.matches(event.resource)  # type: ignore[union-attr, arg-type]
    template = parsed.parameters["venture_id"]  # type: ignore[index]
    rendered = ImmutableSandboxedEnvironment().from_string(template).render(event=event)
    assert rendered == "v-0007"


def test_prefect_yaml_declares_every_flow_on_the_pool_with_the_project_as_working_dir() -> None:
    from flows.serve import runner_deployments

    declared = yaml.safe_load((ROOT / "prefect.yaml").read_text(encoding="utf-8"))
    names = {
        "flows/advance.py:advance_venture": ("advance-venture", "on-change"),
        "flows/outbox.py:deliver_notifications": ("deliver-notifications", "every-minute"),
        "flows/sweep.py:sweep": ("sweep", "hourly"),
        "flows/reminders.py:send_reminders": ("send-reminders", "daily"),
        "flows/board_pack.py:prepare_board_pack": ("prepare-board-pack", "before-meetings"),
    }
    assert {d["entrypoint"]: d["name"] for d in declared["deployments"]} == {
        entry: name for entry, (_, name) in names.items()
    }
    assert all(d["work_pool"]["name"] == "cyd-pool" for d in declared["deployments"])
    [pull] = declared["pull"]
    assert pull["prefect.deployments.steps.set_working_directory"]["directory"] == (
        "{{ $CYD_PROJECT_DIR }}"
    )
    schedules = {d["name"]: d.get("schedules") for d in declared["deployments"]}
    assert schedules["every-minute"] == [{"interval": 60}]
    assert schedules["hourly"][0]["cron"].endswith(" * * * *")
    # `cyd serve` makes the same deployments, flows named as the docstring says.
    served = runner_deployments(say=lambda _: None)
    assert {(d.flow_name, d.name) for d in served} == set(names.values())
    [advance] = [d for d in served if d.name == "on-change"]
    assert advance.triggers
    assert not advance.schedules
    [minutely] = [d for d in served if d.name == "every-minute"]
    assert minutely.schedules


# --- through the command ---------------------------------------------------------------------


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


@pytest.fixture
def data(tmp_path: Path, no_prefect: Path) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("PREFECT_", "CYD_ORCH", "CYD_DATA", "CYD_DATABASE"))
    }
    env |= {"CYD_DATA_DIR": str(tmp_path / "data"), "PREFECT_HOME": str(no_prefect)}
    env["CYD_CACHE_DIR"] = os.environ["CYD_CACHE_DIR"]
    assert cyd(["init"], env).returncode == 0
    started = cyd(
        [
            "venture",
            "start",
            "--workstream",
            "day-opportunities",
            "--title",
            "Café",
            "--lead",
            LEAD,
        ],
        env,
    )
    assert started.stdout.strip() == "v-0001", started.stderr
    return env


def test_with_a_server_configured_the_command_hands_the_venture_to_prefect(
    data: dict[str, str], receiver: Receiver
) -> None:
    env = {**data, "PREFECT_API_URL": receiver.api}
    done = cyd(["venture", "submit", "v-0001", "--by", LEAD, "--json"], env)
    assert done.returncode == 0, done.stderr
    answer = json.loads(done.stdout)
    assert answer["advance"] == "prefect-event"
    assert "state" not in answer  # a worker advances it, not this command
    [(_, _, [event])] = receiver.requests
    assert event["resource"]["cyd.venture.id"] == "v-0001"
    # The programme's own label: deployments of several programmes on one server can
    # each match their own.
    example = yaml.safe_load((ROOT / "examples" / "programme.yaml").read_text("utf-8"))
    assert event["resource"]["cyd.programme.id"] == example["id"]
    shown = json.loads(cyd(["venture", "show", "v-0001", "--json"], env).stdout)
    assert shown["state"] == "submitted"


def test_an_action_the_rules_have_nothing_to_do_for_sends_no_event(
    data: dict[str, str], receiver: Receiver
) -> None:
    # An answer to a draft changes nothing the rules act on: no event, no flow run.
    env = {**data, "PREFECT_API_URL": receiver.api}
    args = ["venture", "answer", "v-0001", "venture-summary", SUMMARY, "--by", LEAD]
    done = cyd([*args, "--json"], env)
    assert done.returncode == 0, done.stderr
    answer = json.loads(done.stdout)
    assert "advance" not in answer
    assert answer["state"] == "draft"
    assert receiver.requests == []
    # Submitting it is something to do: that one is handed over.
    submitted = cyd(["venture", "submit", "v-0001", "--by", LEAD, "--json"], env)
    assert json.loads(submitted.stdout)["advance"] == "prefect-event", submitted.stderr
    assert len(receiver.requests) == 1


def test_when_prefect_does_not_answer_the_command_advances_the_venture_itself(
    data: dict[str, str], receiver: Receiver
) -> None:
    receiver.status = 503
    env = {**data, "PREFECT_API_URL": receiver.api}
    done = cyd(["venture", "submit", "v-0001", "--by", LEAD], env)
    assert done.returncode == 0, done.stderr
    assert "advancing v-0001 here instead" in done.stderr
    assert "returned" in done.stdout  # nothing waits: the rules ran here


def test_venture_advance_goes_through_the_same_door_as_every_command(
    data: dict[str, str], receiver: Receiver
) -> None:
    env = {**data, "PREFECT_API_URL": receiver.api}
    submitted = cyd(["venture", "submit", "v-0001", "--by", LEAD, "--json"], env)
    assert json.loads(submitted.stdout)["advance"] == "prefect-event", submitted.stderr
    # No worker took it: `cyd venture advance` hands it over again, the same way.
    handed = cyd(["venture", "advance", "v-0001", "--json"], env)
    assert handed.returncode == 0, handed.stderr
    [said] = json.loads(handed.stdout)
    assert (said["how"], said["why"]) == ("handed", "event-sent")
    assert "state" not in said  # a worker advances it, not this command
    assert len(receiver.requests) == 2
    everything = cyd(["venture", "advance"], env)
    assert "1 venture(s) checked, 0 advanced, 1 handed to Prefect" in everything.stdout
    # With no server, the same command advances it here (returned: nothing answered)...
    here = json.loads(cyd(["venture", "advance", "v-0001", "--json"], data).stdout)
    assert [(a["how"], a["why"], a["state"]) for a in here] == [("here", "direct", "returned")]
    # ... and after that the rules have nothing to do: no event either.
    idle = json.loads(cyd(["venture", "advance", "v-0001", "--json"], env).stdout)
    assert [(a["how"], a["why"]) for a in idle] == [("nothing", "settled")]
    assert len(receiver.requests) == 3


PROBE = """
import importlib.abc, json, sys

tried = []

class Watch(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] == "prefect":
            tried.append(name)
        return None

sys.meta_path.insert(0, Watch())
from cli.main import main

try:
    main(json.loads(sys.argv[1]))
except SystemExit as exc:
    code = exc.code
print("PROBE " + json.dumps({"code": code, "tried": tried}))
"""


@pytest.mark.parametrize("mode", ["direct", "events"])
def test_commands_that_run_no_flow_do_not_import_prefect(
    data: dict[str, str], receiver: Receiver, mode: str
) -> None:
    env = {**data, "CYD_ORCHESTRATION": mode, "PREFECT_API_URL": receiver.api}
    args = ["venture", "submit", "v-0001", "--by", LEAD]
    probe = subprocess.run(
        [sys.executable, "-c", PROBE, json.dumps(args)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    line = next(x for x in probe.stdout.splitlines() if x.startswith("PROBE "))
    report = json.loads(line.removeprefix("PROBE "))
    assert report["code"] in (0, None), probe.stderr
    assert report["tried"] == []
    assert len(receiver.requests) == (1 if mode == "events" else 0)
