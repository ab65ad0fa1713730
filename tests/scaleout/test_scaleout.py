"""Scale-out, for real: ventures decided by two Prefect workers, and nothing lost while
the Prefect server is down.

People act through the real `cyd` command (a process per action), which records the
action in Cyd's PostgreSQL database and posts the Prefect event
`cyd.venture.changed`; the deployment trigger of `advance-venture/on-change` runs
`advance_venture` on the process work pool `cyd-pool`, where two workers pick the
runs up. The test only watches: Cyd's database, and the Prefect server's API.
"""

from __future__ import annotations

import json
import subprocess
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from functools import partial
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
import yaml
from sqlmodel import col, select

from checklists.loader import load_library
from flows.records import artifact_key, tally_key
from models import tables as t
from models.db import read_session
from services.commands import Cyd, record_review, submit, vote
from services.examples import answer_missing
from tests.scaleout.cluster import CYD, POOL, ROOT, WORKERS, Cluster, ClusterError

# The programme the cluster's database is made from (its id names the artifacts).
PROGRAMME = str(yaml.safe_load((ROOT / "examples" / "programme.yaml").read_text("utf-8"))["id"])

pytestmark = [pytest.mark.slow, pytest.mark.postgres]

LEAD = "gareth.jones@example.org"
CHAIR = "megan.lloyd@example.org"
CO_PRODUCERS = ("nia.morgan@example.org", "sam.bennett@example.org", "rhys.thomas@example.org")
REVIEWERS = ("elin.davies@example.org", "owen.walker@example.org")
# The design gate's rule (board-lived-experience): quorum 4, two members with lived
# experience, the chair votes. The lead is recused from their own venture.
VOTERS = (CHAIR, "aled.evans@example.org", "priya.shah@example.org", "sian.roberts@example.org")

VENTURES = 4
# Bounds, not expectations: on 2 cores a stage takes 15-45 s and a command 1-60 s
# (most of it waiting for CPU while the workers' flow runs start).
STAGE_TIMEOUT_S = 300.0  # per stage, for all the ventures together
COMMAND_TIMEOUT_S = 300.0
OFFLINE_COMMAND_S = 60.0  # a command with the Prefect server down must still end

ADVANCE = "flows/advance.py:advance_venture"
FINAL = {"COMPLETED", "FAILED", "CRASHED", "CANCELLED"}
SWEEP = "flows/sweep.py:sweep"
DELIVER = "flows/outbox.py:deliver_notifications"


# --- helpers ---------------------------------------------------------------------------


def cyd(
    cluster: Cluster, *args: str, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """One `cyd` command, as a person runs it; it must succeed without a traceback."""
    result = subprocess.run(
        [str(CYD), *args],
        cwd=ROOT,
        env=env or cluster.cyd_env(),
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=COMMAND_TIMEOUT_S,
        check=False,
    )
    assert "Traceback" not in result.stderr, f"cyd {' '.join(args)}:\n{result.stderr}"
    assert result.returncode == 0, f"cyd {' '.join(args)}:\n{result.stdout}\n{result.stderr}"
    return result


def act_on(cluster: Cluster, *args: str, env: dict[str, str] | None = None) -> dict[str, Any]:
    """A person's action through `cyd ... --json`: the venture, and whether the command
    handed it to Prefect by an event (else it advanced the venture itself)."""
    result = cyd(cluster, *args, "--json", env=env)
    said: dict[str, Any] = json.loads(result.stdout)
    said["handed"] = said.get("advance") == "prefect-event"
    said["stderr"] = result.stderr
    return said


def in_parallel(calls: Iterable[Callable[[], Any]], what: str = "") -> list[Any]:
    """Several people acting at once (each call is one `cyd` process)."""
    started = time.monotonic()
    with ThreadPoolExecutor(max_workers=4) as pool:
        futures = [pool.submit(call) for call in calls]
        done = [f.result() for f in futures]
    if what:
        print(f"  {what}: {len(done)} commands in {time.monotonic() - started:.1f} s")
    return done


def where(cluster: Cluster, ids: Iterable[str]) -> dict[str, tuple[str, str]]:
    """Each venture's (state, gate), as Cyd's database has it now."""
    with read_session(cluster.cyd_engine) as session:
        found = session.exec(select(t.Venture).where(col(t.Venture.id).in_(list(ids)))).all()
        return {v.id: (v.state, v.gate_id) for v in found}


def wait_until(
    cluster: Cluster, ids: list[str], want: tuple[str, str], what: str
) -> dict[str, tuple[str, str]]:
    started = time.monotonic()
    seen: dict[str, tuple[str, str]] = {}

    def reached() -> bool | None:
        seen.update(where(cluster, ids))
        return all(seen.get(i) == want for i in ids) or None

    try:
        cluster.wait_for(reached, STAGE_TIMEOUT_S, lambda: f"{what}: {want} (last seen {seen})")
    except ClusterError as error:
        # Say what Prefect did about the ventures that did not get there.
        late = [i for i in ids if seen.get(i) != want]
        try:
            runs = [
                f"{r['name']}: {r['state_name']} ({r['labels'].get('prefect.worker.name')})"
                for r in advance_runs(cluster)
                if r["parameters"].get("venture_id") in late
            ]
        except OSError as problem:
            runs = [f"(the Prefect API did not answer: {problem})"]
        raise ClusterError(f"{error}\nadvance runs of {late}:\n" + "\n".join(runs)) from None
    finally:
        print(f"  {what}: {time.monotonic() - started:.1f} s")
    return seen


def start_ventures(cluster: Cluster, count: int, title: str) -> list[str]:
    def start(n: int) -> str:
        return cyd(
            cluster,
            *("venture", "start", "--workstream", "day-opportunities"),
            *("--title", f"{title} {n}", "--lead", LEAD),
        ).stdout.strip()

    made = in_parallel((partial(start, n) for n in range(1, count + 1)), "start")
    return sorted(made)


def answer_all(cluster: Cluster, ids: list[str]) -> None:
    """The co-producers' answers (dozens per venture): recorded in-process, on the same
    database. Answering a draft moves nothing; the actions that do go through the CLI."""
    started = time.monotonic()
    here = Cyd(cluster.cyd_engine, load_library(), advance_after=False)
    given = sum(answer_missing(here, venture, CO_PRODUCERS) for venture in ids)
    print(f"  answers: {given} in-process in {time.monotonic() - started:.1f} s")


def advance_runs(cluster: Cluster) -> list[dict[str, Any]]:
    return cluster.flow_runs(cluster.deployment_id(ADVANCE))


def runs_for(runs: list[dict[str, Any]], venture: str) -> list[dict[str, Any]]:
    return [r for r in runs if r["parameters"].get("venture_id") == venture]


# --- the tests -------------------------------------------------------------------------


def test_ventures_submitted_through_the_cli_are_decided_by_the_workers(cluster: Cluster) -> None:
    began = time.monotonic()
    ids = start_ventures(cluster, VENTURES, "Scale-out venture")
    answer_all(cluster, ids)
    assert set(where(cluster, ids).values()) == {("draft", "design")}

    # The lead submits: the command records it and hands the venture to Prefect.
    actions = in_parallel(
        (partial(act_on, cluster, "venture", "submit", v, "--by", LEAD) for v in ids), "submit"
    )
    wait_until(cluster, ids, ("in_review", "design"), "submitted → in review, by the workers")

    actions += in_parallel(
        (
            partial(act_on, cluster, "review", "record", v, "--by", r, "--recommend", "go")
            for v in ids
            for r in REVIEWERS
        ),
        "review",
    )
    wait_until(cluster, ids, ("awaiting_board", "design"), "reviewed → on the Board's agenda")

    actions += in_parallel(
        (
            partial(act_on, cluster, "board", "vote", v, "--member", m, "--choice", "approve")
            for v in ids
            for m in VOTERS
        ),
        "vote",
    )
    closes = in_parallel(
        (partial(act_on, cluster, "board", "close", v, "--by", CHAIR) for v in ids), "close"
    )
    actions += closes
    wait_until(cluster, ids, ("draft", "delivery"), "voted and closed → decided, next gate")

    with read_session(cluster.cyd_engine) as session:
        decisions = session.exec(
            select(t.Decision).where(col(t.Decision.venture_id).in_(ids))
        ).all()
    assert sorted((d.venture_id, d.gate_id, d.outcome) for d in decisions) == [
        (v, "design", "approved") for v in ids
    ]

    # Every close was handed to Prefect (had the server not taken its event, the
    # command would have decided the venture itself, and said so).
    assert all(c["handed"] for c in closes), [c["stderr"] for c in closes if not c["handed"]]
    fell_back = [a for a in actions if "here instead" in a["stderr"]]
    if fell_back:  # tolerated for the other actions (nothing is lost), but shown
        print(f"  advanced by the command: {[(a['venture'], a['stderr']) for a in fell_back]}")

    # The Prefect server saw advance_venture runs for every venture, named for it,
    # completed on the pool by its workers: one run per event the server took (the
    # submission, the review that completes the advice, the close: an action the
    # rules have nothing to do for sends none); none failed.
    def settled() -> list[dict[str, Any]] | None:
        mine = [r for r in advance_runs(cluster) if r["parameters"].get("venture_id") in ids]
        return mine if all(r["state_type"] in FINAL for r in mine) else None

    runs = cluster.wait_for(settled, STAGE_TIMEOUT_S, "the advance runs to finish")
    for venture in ids:
        mine = runs_for(runs, venture)
        handed = [a for a in actions if a["venture"] == venture and a["handed"]]
        assert len(mine) == len(handed), [r["name"] for r in mine]
        assert all(venture in r["name"] for r in mine), [r["name"] for r in mine]
        assert {r["state_type"] for r in mine} == {"COMPLETED"}, [
            (r["name"], r["state_type"], r["state_name"]) for r in mine
        ]
    finished = runs
    assert {r["work_pool_name"] for r in finished} == {POOL}
    # Each run carries the name of the worker that ran it. Both workers usually share
    # the runs; which one takes a run is up to them, so only their names are checked.
    by_worker = Counter(r["labels"].get("prefect.worker.name") for r in finished)
    assert set(by_worker) <= set(WORKERS), by_worker
    assert by_worker.total() == len(finished)

    # Each venture's record is in the Prefect UI, published by those runs: the record
    # at the next gate, and the tally of the decision.
    keys = [k for v in ids for k in (artifact_key(PROGRAMME, v), tally_key(PROGRAMME, v))]
    artifacts = cluster.api("POST", "/artifacts/filter", {"artifacts": {"key": {"any_": keys}}})
    for venture in ids:
        records = [a for a in artifacts if a["key"] == artifact_key(PROGRAMME, venture)]
        assert all(a["flow_run_id"] for a in records), records
        assert any("delivery" in a["description"] for a in records), records
        assert [a for a in artifacts if a["key"] == tally_key(PROGRAMME, venture)], venture
    print(
        f"\n  {len(finished)} advance_venture runs completed ({dict(by_worker)}),"
        f" {VENTURES} ventures decided in {time.monotonic() - began:.1f} s"
    )

    started = time.monotonic()
    verified = cyd(cluster, "audit", "verify", "--chain-only")
    assert "intact" in verified.stdout
    print(f"  audit verify: {time.monotonic() - started:.1f} s")


def prepare(cluster: Cluster, title: str) -> tuple[str, str]:
    """Two ventures, set up in-process: one complete and ready to submit, one at the
    Board with all votes but the last. The actions under test go through the CLI."""
    here = Cyd(cluster.cyd_engine, load_library())  # advances in-process: set-up only
    ready, board = start_ventures(cluster, 2, title)
    answer_missing(here, ready, CO_PRODUCERS)
    answer_missing(here, board, CO_PRODUCERS)
    submit(here, board, by=LEAD)
    for reviewer in REVIEWERS:
        record_review(here, board, by=reviewer, recommend="go")
    for member in VOTERS[:-1]:
        vote(here, board, member=member, choice="approve")
    assert where(cluster, [ready, board]) == {
        ready: ("draft", "design"),
        board: ("awaiting_board", "design"),
    }
    return ready, board


def act(
    cluster: Cluster, ready: str, board: str, env: dict[str, str]
) -> tuple[dict[str, float], dict[str, dict[str, Any]]]:
    """The lead submits one venture; the last member votes and the chair closes the
    other's vote. Each command must end in time, and succeed. Returns how long each
    took, and what each said (`act_on`)."""
    timings: dict[str, float] = {}
    said: dict[str, dict[str, Any]] = {}
    for label, args in {
        "submit": ("venture", "submit", ready, "--by", LEAD),
        "last vote": ("board", "vote", board, "--member", VOTERS[-1], "--choice", "approve"),
        "close": ("board", "close", board, "--by", CHAIR),
    }.items():
        started = time.monotonic()
        said[label] = act_on(cluster, *args, env=env)
        timings[label] = round(time.monotonic() - started, 1)
        assert timings[label] < OFFLINE_COMMAND_S, timings
    return timings, said


def recorded(cluster: Cluster, ready: str, board: str) -> None:
    """The actions are in Cyd's database: the submission, every vote, the closing."""
    with read_session(cluster.cyd_engine) as session:
        kept = session.exec(
            select(t.AuditEntry.venture_id, t.AuditEntry.action, t.AuditEntry.actor).where(
                col(t.AuditEntry.venture_id).in_([ready, board])
            )
        ).all()
        [ballot] = session.exec(select(t.Ballot).where(t.Ballot.venture_id == board)).all()
        votes = session.exec(
            select(t.Vote).where(t.Vote.venture_id == board, col(t.Vote.is_current))
        ).all()
    assert (ready, "venture.submitted", LEAD) in kept
    assert (board, "vote.recorded", VOTERS[-1]) in kept
    assert (board, "vote.closed", CHAIR) in kept
    assert ballot.closed_by_chair
    assert sorted(v.choice for v in votes) == ["approve"] * len(VOTERS)


def decided_once(cluster: Cluster, board: str) -> None:
    with read_session(cluster.cyd_engine) as session:
        decisions = session.exec(select(t.Decision).where(t.Decision.venture_id == board)).all()
    assert [(d.gate_id, d.outcome, d.tally["approve"]) for d in decisions] == [
        ("design", "approved", len(VOTERS))
    ]


class EventSink:
    """A stand-in for a Prefect server that takes events and then loses them, as a
    server does that crashes between taking an event and acting on it."""

    def __init__(self) -> None:
        self.taken: list[Any] = []
        sink = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                sink.taken.extend(json.loads(self.rfile.read(length)))
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.end_headers()
                self.wfile.write(b"null")

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def api_url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/api"

    def __enter__(self) -> EventSink:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()


def test_the_prefect_server_down_while_people_act_loses_nothing(cluster: Cluster) -> None:
    ready, board = prepare(cluster, "Outage venture")
    lost_ready, lost_board = prepare(cluster, "Lost-event venture")

    cluster.stop_server()
    assert not cluster.healthy()

    # People act while the server is down. Each command records the action in Cyd's
    # database; the event cannot be posted, so the command advances the venture itself.
    timings, said = act(cluster, ready, board, cluster.cyd_env())
    print(f"\n  commands with the Prefect server down: {timings} s")
    for label, answer in said.items():
        assert not answer["handed"], label
        if label == "last vote":
            # The ballot stays open until the chair closes it: the rules have nothing
            # to do, so the command tries no event at all.
            assert "Prefect" not in answer["stderr"], answer
        else:
            assert "Prefect" in answer["stderr"], f"{label}: the person is not told: {answer}"
    recorded(cluster, ready, board)
    assert where(cluster, [ready, board]) == {
        ready: ("in_review", "design"),
        board: ("draft", "delivery"),
    }
    decided_once(cluster, board)

    # Events taken by a server that then went down before acting on them: the
    # commands succeed and hand the ventures on, and nothing advances them.
    with EventSink() as sink:
        timings, said = act(
            cluster, lost_ready, lost_board, {**cluster.cyd_env(), "PREFECT_API_URL": sink.api_url}
        )
    handed = {label for label, answer in said.items() if answer["handed"]}
    assert handed == {"submit", "close"}, said  # the last vote leaves the ballot open
    assert sorted(e["resource"]["cyd.venture.id"] for e in sink.taken) == sorted(
        [lost_ready, lost_board]
    )
    assert {e["event"] for e in sink.taken} == {"cyd.venture.changed"}
    recorded(cluster, lost_ready, lost_board)
    assert where(cluster, [lost_ready, lost_board]) == {
        lost_ready: ("submitted", "design"),
        lost_board: ("awaiting_board", "design"),
    }

    # The server returns; its workers poll it again.
    started = time.monotonic()
    cluster.start_server()
    restarted = cluster.ensure_workers()
    cluster.wait_for_workers()
    print(
        f"  server back in {time.monotonic() - started:.1f} s;"
        f" workers restarted: {restarted or 'none (they waited)'}"
    )
    runs = advance_runs(cluster)
    for venture in (ready, board, lost_ready, lost_board):
        assert not runs_for(runs, venture), f"{venture}: an event reached the server"

    # The sweep (hourly; run now, as its schedule would) advances what was left waiting.
    sweep_id = cluster.deployment_id(SWEEP)
    before = {r["id"] for r in cluster.flow_runs(sweep_id)}
    cluster.api("POST", f"/deployments/{sweep_id}/create_flow_run", {})
    started = time.monotonic()
    wait_until(cluster, [lost_ready], ("in_review", "design"), "the sweep advances the submission")
    wait_until(cluster, [lost_board], ("draft", "delivery"), "the sweep decides the closed vote")
    print(f"  advanced by the sweep {time.monotonic() - started:.1f} s after it was asked")

    def sweep_completed() -> bool | None:
        new = [r for r in cluster.flow_runs(sweep_id) if r["id"] not in before]
        return any(r["state_type"] == "COMPLETED" for r in new) or None

    cluster.wait_for(sweep_completed, STAGE_TIMEOUT_S, "the sweep run to complete")
    decided_once(cluster, lost_board)
    decided_once(cluster, board)
    assert where(cluster, [ready, board]) == {
        ready: ("in_review", "design"),
        board: ("draft", "delivery"),
    }

    # What the rules said, while the server was down and after, reaches the people:
    # the outbox relay (every minute; run now) sends every message about these ventures.
    four = [ready, board, lost_ready, lost_board]
    statuses: list[str] = []

    def delivered() -> bool | None:
        with read_session(cluster.cyd_engine) as session:
            statuses[:] = session.exec(
                select(t.OutboxMessage.status).where(col(t.OutboxMessage.venture_id).in_(four))
            ).all()
        return (bool(statuses) and set(statuses) == {"sent"}) or None

    cluster.api("POST", f"/deployments/{cluster.deployment_id(DELIVER)}/create_flow_run", {})
    cluster.wait_for(delivered, STAGE_TIMEOUT_S, lambda: f"the messages sent ({Counter(statuses)})")
    letters = list((cluster.base / "mailbox").rglob("*.eml"))
    assert len(letters) >= len(statuses)
    print(f"  {len(statuses)} messages about them sent")

    verified = cyd(cluster, "audit", "verify", "--chain-only")
    assert "intact" in verified.stdout
