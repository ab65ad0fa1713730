"""A lead's and a Board's whole path through the real `cyd` command, process by process,
on SQLite (a data folder) and on a real PostgreSQL server (CYD_DATABASE_URL)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, text

from checklists.evaluate import evaluate
from checklists.examples import example_answer
from checklists.loader import load_library

ROOT = Path(__file__).resolve().parents[2]
CYD = Path(sys.executable).with_name("cyd")
LEAD = "gareth.jones@example.org"
CHAIR = "megan.lloyd@example.org"
ADMIN_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"

pytestmark = pytest.mark.slow  # dozens of real processes


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def cyd_env(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[dict[str, str]]:
    env = {**os.environ, "CYD_DATA_DIR": str(tmp_path / "data"), "COLUMNS": "200"}
    env.pop("CYD_DATABASE_URL", None)
    if request.param == "sqlite":
        yield env
        return
    name = f"cyd_cli_{uuid.uuid4().hex[:10]}"
    admin = create_engine(ADMIN_URL, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
    except Exception as exc:  # the PostgreSQL tests must not pass by skipping
        pytest.fail(f"PostgreSQL does not answer on 127.0.0.1:5432: {exc}")
    env["CYD_DATABASE_URL"] = f"postgresql+psycopg://postgres@127.0.0.1:5432/{name}"
    try:
        yield env
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def cyd(env: dict[str, str], *args: str, ok: bool = True) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(
        [str(CYD), *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=120,
        check=False,
    )
    assert "Traceback" not in result.stderr, result.stderr
    if ok:
        assert result.returncode == 0, f"{args}: {result.stderr}"
    return result


def cyd_json(env: dict[str, str], *args: str) -> Any:
    return json.loads(cyd(env, *args, "--json").stdout)


def test_a_lead_and_the_board_walk_the_whole_path(cyd_env: dict[str, str]) -> None:
    env = cyd_env
    cyd(env, "init")
    venture = cyd(
        env,
        "venture",
        "start",
        "--workstream",
        "day-opportunities",
        "--title",
        "Community café",
        "--lead",
        LEAD,
    ).stdout.strip()
    assert venture == "v-0001"

    returned = cyd_json(env, "venture", "submit", venture, "--by", LEAD)
    assert returned["state"] == "returned"

    # Answer what is missing, as the co-producers would, the lead answering the items only
    # they can (text as typed on a command line).
    start = load_library().checklist("coproduction-start")
    for _ in range(3):
        shown = cyd_json(env, "venture", "show", venture)
        missing = shown["checklists"][0]["missing_required"]
        if not missing:
            break
        for item_id in missing:
            value = example_answer(start.item(item_id))
            typed = ", ".join(value) if isinstance(value, list) else str(value)
            typed = {"True": "yes", "False": "no"}.get(typed, typed)
            by = LEAD if start.item(item_id).audience == "lead" else "nia.morgan@example.org"
            cyd(env, "venture", "answer", venture, item_id, typed, "--by", by)
    assert evaluate(start, {a["item"]: a["value"] for a in shown["answers"]}).complete

    # "--" ends the options, so that a negative number is an answer, not an option.
    bad = cyd(
        env,
        "venture",
        "answer",
        "--by",
        LEAD,
        "--",
        venture,
        "lived-experience-count",
        "-2",
        ok=False,
    )
    assert bad.returncode == 1
    assert "Give a number of 0 or more" in bad.stderr
    assert "Rhowch rif" in bad.stderr

    # A co-producer with lived experience signs off (the design gate asks for one); the
    # lead may not, and is told why in both languages.
    refused = cyd(env, "venture", "sign-off", venture, "--by", LEAD, ok=False)
    assert refused.returncode == 1
    assert "co-producers with lived experience" in refused.stderr
    signed = cyd_json(env, "venture", "sign-off", venture, "--by", "sam.bennett@example.org")
    assert signed["message"] == "signed off"

    assert cyd_json(env, "venture", "submit", venture, "--by", LEAD)["state"] == "in_review"
    cyd(env, "review", "record", venture, "--by", "elin.davies@example.org", "--recommend", "go")
    reviewed = cyd_json(
        env,
        "review",
        "record",
        venture,
        "--by",
        "owen.walker@example.org",
        "--recommend",
        "go",
        "--note",
        "Strong lived-experience voice.",
    )
    assert reviewed["state"] == "awaiting_board"

    cyd(
        env,
        "board",
        "declare",
        venture,
        "--member",
        "david.hughes@example.org",
        "--interest",
        "Runs a café nearby",
    )
    denied = cyd(env, "board", "vote", venture, "--member", LEAD, "--choice", "approve", ok=False)
    assert denied.returncode == 1
    assert denied.stderr.strip() == "cyd: A lead never votes on their own venture."
    cyd(
        env,
        "board",
        "vote",
        venture,
        "--member",
        CHAIR,
        "--choice",
        "approve",
        "--supported-by",
        "tom.price@example.org",
    )
    cyd(env, "board", "vote", venture, "--member", "aled.evans@example.org", "--choice", "approve")
    cyd(
        env,
        "board",
        "vote",
        venture,
        "--member",
        "sian.roberts@example.org",
        "--choice",
        "more-time",
    )
    # The domain says what is missing; the command line says which option gives it.
    unsaid = cyd(
        env,
        "board",
        "vote",
        venture,
        "--member",
        "priya.shah@example.org",
        "--choice",
        "approve-with-conditions",
        ok=False,
    )
    assert unsaid.stderr == "cyd: approve-with-conditions needs the conditions (use --reason)\n"
    cyd(
        env,
        "board",
        "vote",
        venture,
        "--member",
        "priya.shah@example.org",
        "--choice",
        "approve-with-conditions",
        "--reason",
        "Pay people from the first day.",
    )
    extended = cyd_json(env, "board", "close", venture, "--by", CHAIR)
    assert extended["state"] == "awaiting_board"
    cyd(
        env, "board", "vote", venture, "--member", "sian.roberts@example.org", "--choice", "approve"
    )
    decided = cyd_json(env, "board", "close", venture, "--by", CHAIR)
    assert (decided["state"], decided["gate"]) == ("draft", "delivery")

    shown = cyd_json(env, "venture", "show", venture)
    [decision] = shown["decisions"]
    assert decision["outcome"] == "approved_with_conditions"
    assert decision["tally"]["recused"] == 2
    listed = cyd_json(env, "venture", "list", "--state", "draft")
    assert [v["id"] for v in listed] == [venture]

    head = cyd(env, "audit", "head").stdout.strip()
    assert len(head) == 64
    assert cyd(env, "audit", "verify").returncode == 0
    human = cyd(env, "venture", "show", venture).stdout
    assert "approved_with_conditions" in human
