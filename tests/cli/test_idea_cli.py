"""`cyd idea ...`, run as an officer runs it (the installed console script, in a
subprocess): an idea heard at a roadshow written down for a group, its reference
printed once; sent to a workstream, answered "not now" with its words, listed and
shown; a refusal is one clear line and nothing is stored."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest
from sqlmodel import select

from models import tables as t
from models.db import make_engine, read_session
from tests.cli.support import example_folder, run_cyd

CLERK = "bethan.rees@example.org"
ADMIN = "admin@example.org"
TOM = "tom.price@example.org"  # no role


@pytest.fixture
def data(tmp_path: Path) -> Path:
    return example_folder(tmp_path, titles=())


def cyd(data: Path, *args: str) -> subprocess.CompletedProcess[str]:
    result = run_cyd(data, *args, columns=200)
    assert "Traceback" not in result.stderr, result.stderr
    return result


def test_an_officer_records_triages_and_answers_an_idea(data: Path) -> None:
    added = cyd(
        data,
        "idea", "add", "Evening clubs for young adults",
        "--by", CLERK, "--route", "roadshow", "--behalf", "group",
        "--group", "Llais Self-Advocacy", "--email", "chair@llais.example.net",
        "--contact", "--json",
    )  # fmt: skip
    assert added.returncode == 0, added.stderr
    got = json.loads(added.stdout)
    assert got["idea"] == "i-0001"
    assert got["acknowledged"] is True
    assert len(got["reference"]) == 14

    sent = cyd(data, "idea", "send", "i-0001", "--workstream", "day-opportunities", "--by", ADMIN)
    assert sent.returncode == 0, sent.stderr
    listed = cyd(data, "idea", "list", "--by", ADMIN)
    assert "i-0001 (triaged" in listed.stdout
    shown = cyd(data, "idea", "show", "i-0001", "--by", ADMIN)
    assert "chair@llais.example.net" in shown.stdout
    assert "Llais Self-Advocacy" in shown.stdout

    half = cyd(data, "idea", "answer", "i-0001", "not-now", "--by", ADMIN, "--reason", "No money")
    assert half.returncode == 1
    assert "what would change" in half.stderr
    answered = cyd(
        data,
        "idea", "answer", "i-0001", "not-now", "--by", ADMIN,
        "--reason", "No money this year", "--next", "Ask again in April",
    )  # fmt: skip
    assert answered.returncode == 0, answered.stderr
    assert "not-now" in answered.stdout
    assert "No ideas waiting." in cyd(data, "idea", "list", "--by", ADMIN).stdout

    # Adopted: a venture starts, and says whose idea it was.
    again = cyd(data, "idea", "add", "A garden", "--by", CLERK, "--workstream", "day-opportunities")
    assert again.returncode == 0, again.stderr
    adopted = cyd(
        data,
        "idea", "answer", "i-0002", "adopted", "--by", ADMIN,
        "--lead", "gareth.jones@example.org", "--title", "Community garden",
    )  # fmt: skip
    assert adopted.returncode == 0, adopted.stderr
    assert "venture v-0001" in adopted.stdout
    shown = cyd(data, "venture", "show", "v-0001")
    assert "Started from the idea i-0002, put forward by a local person" in shown.stdout
    assert "Summary, in the words of the idea: A garden" in shown.stdout


def test_a_picture_goes_with_an_idea_and_a_program_does_not(data: Path) -> None:
    picture = data / "drawing.png"
    picture.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * 32)
    program = data / "drawing2.png"
    program.write_bytes(b"MZ\x90\x00 not a picture")
    refused = cyd(data, "idea", "add", "A garden", "--by", CLERK, "--file", str(program))
    assert refused.returncode == 1
    assert "drawing2.png" in refused.stderr
    added = cyd(data, "idea", "add", "A garden", "--by", CLERK, "--file", str(picture), "--json")
    assert added.returncode == 0, added.stderr
    kept = list((data / "ideas" / "i-0001").iterdir())
    assert [p.read_bytes()[:4] for p in kept] == [b"\x89PNG"]


def test_someone_with_no_role_is_refused_in_one_line(data: Path) -> None:
    refused = cyd(data, "idea", "add", "x", "--by", TOM, "--route", "phone")
    assert refused.returncode == 1
    assert len(refused.stderr.strip().splitlines()) == 1
    engine = make_engine(f"sqlite:///{data / 'cyd.db'}")
    try:
        with read_session(engine) as session:
            assert session.exec(select(t.Idea)).all() == []
    finally:
        engine.dispose()
