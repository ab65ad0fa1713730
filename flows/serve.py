"""The deployments of prefect.yaml, served from this process (`cyd serve`).

prefect.yaml is the one place where Cyd's deployments, schedules and triggers are
written down; `cyd serve` reads it and serves the same deployments with a Prefect
runner instead of a work pool: flow runs start as subprocesses of this one, on this
machine. An entry whose flow file is missing is left out, and said so.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml

if TYPE_CHECKING:
    from prefect.deployments.runner import RunnerDeployment

PROJECT = Path(__file__).resolve().parent.parent
PREFECT_YAML = PROJECT / "prefect.yaml"


def declared(path: Path = PREFECT_YAML) -> list[dict[str, Any]]:
    """The deployments declared in prefect.yaml."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    deployments: list[dict[str, Any]] = data.get("deployments") or []
    return deployments


def _schedules(entry: dict[str, Any]) -> list[Any]:
    from prefect.schedules import Cron, Interval

    made = []
    for schedule in entry.get("schedules") or []:
        if "interval" in schedule:
            made.append(Interval(schedule["interval"], timezone=schedule.get("timezone")))
        elif "cron" in schedule:
            made.append(Cron(schedule["cron"], timezone=schedule.get("timezone")))
        else:
            raise ValueError(f"{entry['name']}: only interval and cron schedules are served")
    return made


def runner_deployments(
    path: Path = PREFECT_YAML, say: Callable[[str], None] = print
) -> list[RunnerDeployment]:
    """A runner deployment for each entry of prefect.yaml whose flow file exists."""
    from prefect.deployments.runner import RunnerDeployment
    from prefect.events.schemas.deployment_triggers import DeploymentTriggerTypes
    from prefect.flows import Flow, load_flow_from_entrypoint
    from pydantic import TypeAdapter

    triggers = TypeAdapter(list[DeploymentTriggerTypes])
    made: list[RunnerDeployment] = []
    for entry in declared(path):
        file, _, function = entry["entrypoint"].partition(":")
        source = path.parent / file
        if not source.is_file():
            say(f"{entry['entrypoint']}: no such file yet, not served")
            continue
        flow: Flow[..., Any] = load_flow_from_entrypoint(f"{source}:{function}")
        deployment = flow.to_deployment(
            name=entry["name"],
            description=entry.get("description"),
            tags=entry.get("tags"),
            parameters=entry.get("parameters"),
            schedules=_schedules(entry),
            triggers=list(triggers.validate_python(entry.get("triggers") or [])),
        )
        assert isinstance(deployment, RunnerDeployment)  # called from sync code
        made.append(deployment)
    return made


def serve_all(path: Path = PREFECT_YAML, say: Callable[[str], None] = print) -> None:
    """Serve the deployments until Ctrl-C or SIGTERM; their schedules pause then.

    Ctrl-C stops the runner as SIGTERM does (gracefully: runs in flight are
    cancelled, to be picked up by the sweep); a second Ctrl-C exits at once.
    """
    import asyncio
    import signal
    import time

    from prefect.runner import Runner

    os.chdir(path.parent)  # the runner starts each flow run from the project
    runner = Runner(pause_on_shutdown=True)
    deployments = runner_deployments(path, say)
    for deployment in deployments:
        runner.add_deployment(deployment)  # made on the server now, triggers and all
    say(f"Serving {', '.join(f'{d.flow_name}/{d.name}' for d in deployments)}.")
    say("Ctrl-C stops.")
    first: list[float] = []

    def interrupted(*_: Any) -> None:
        # `uv run` passes the terminal's Ctrl-C on again: one press, two signals.
        if first and time.monotonic() - first[0] < 2.0:
            return
        first.append(time.monotonic())
        runner.handle_sigterm()  # the second press: exits at once

    # Set before asyncio.run, which then leaves SIGINT alone (it would only cancel
    # the main task, which the runner does not take as a reason to stop).
    previous = signal.signal(signal.SIGINT, interrupted)
    try:
        asyncio.run(runner.start())
    finally:
        signal.signal(signal.SIGINT, previous)
