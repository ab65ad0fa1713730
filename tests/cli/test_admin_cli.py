"""`cyd init`, `cyd people list` and `cyd audit ...`, run as a person runs them: the
installed console script in a subprocess, with its own data folder."""

from __future__ import annotations

import copy
import json
import os
import re
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from checklists.yamlsource import parse

ROOT = Path(__file__).resolve().parents[2]
CYD = Path(sys.executable).with_name("cyd")
EXAMPLE = ROOT / "examples" / "programme.yaml"
SECRET = "S3cr3t-pa55w0rd"  # noqa: S105 - a fake one, to be looked for in output
SECRET_URL = f"mailtos://megan:{SECRET}@mail.example.org/?to=megan.lloyd@example.org"
HASH = re.compile(r"^[0-9a-f]{64}$")


class Cyd:
    """Runs `cyd` with CYD_DATA_DIR set to a fresh folder, recording every output."""

    def __init__(self, data_dir: Path, env: dict[str, str] | None = None) -> None:
        self.data_dir = data_dir
        base = {k: v for k, v in os.environ.items() if k != "CYD_DATABASE_URL"}
        self.env = {**base, "CYD_DATA_DIR": str(data_dir), "COLUMNS": "200", **(env or {})}
        self.outputs: list[str] = []

    def __call__(self, *args: str) -> subprocess.CompletedProcess[str]:
        result = subprocess.run(
            [str(CYD), *args],
            cwd=ROOT,
            capture_output=True,
            text=True,
            encoding="utf-8",
            env=self.env,
            timeout=120,
            check=False,
        )
        self.outputs += [result.stdout, result.stderr]
        assert "Traceback" not in result.stderr, result.stderr
        return result

    def json(self, *args: str) -> Any:
        result = self(*args, "--json")
        assert result.returncode == 0, result.stderr
        return json.loads(result.stdout)

    @property
    def database(self) -> Path:
        return self.data_dir / "cyd.db"


@pytest.fixture
def cyd(tmp_path: Path) -> Iterator[Cyd]:
    runner = Cyd(tmp_path / "data")
    yield runner
    # Whatever a test did, no channel URL was ever printed.
    everything = "\n".join(runner.outputs)
    assert SECRET not in everything
    assert "mailbox://" not in everything


def programme_file(folder: Path, change: Any = None) -> Path:
    """The example programme with Megan's channel holding a password, and `change` applied."""
    data = copy.deepcopy(parse(EXAMPLE.read_text(encoding="utf-8")).data)
    data["people"][0]["channels"] = [SECRET_URL, "mailbox://megan.lloyd"]
    if change is not None:
        change(data)
    path = folder / "programme.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")
    return path


def one_line_error(result: subprocess.CompletedProcess[str]) -> str:
    assert result.returncode != 0
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("cyd: ")
    return lines[0]


# --- init ------------------------------------------------------------------------------------


def test_init_makes_the_database_and_is_safe_to_run_again(cyd: Cyd) -> None:
    first = cyd("init")
    assert first.returncode == 0, first.stderr
    shown = " ".join(first.stdout.split())
    assert f"Data folder {cyd.data_dir}" in shown
    assert f"Database sqlite:///{cyd.database}" in shown
    assert "People 15" in shown
    assert "Workstreams 1" in shown
    assert "Board members 6" in shown
    assert "ld-autism-redesign from examples/programme.yaml (version 1, loaded)" in shown
    assert cyd.database.is_file()

    again = cyd.json("init")
    assert again["data_dir"] == str(cyd.data_dir)
    assert again["database_url"] == f"sqlite:///{cyd.database}"
    assert again["programme"]["changed"] is False
    assert again["programme"]["version"] == 1
    assert again["counts"] == {"people": 15, "workstreams": 1, "board_members": 6}
    assert cyd.json("audit", "head")["entries"] == 1


def test_init_with_a_programme_file_and_a_new_version(cyd: Cyd, tmp_path: Path) -> None:
    path = programme_file(tmp_path)
    report = cyd.json("init", "--programme", str(path), "--by", "ADMIN@example.org")
    assert report["programme"]["file"] == str(path)
    assert report["programme"]["changed"] is True

    def drop_rhys(data: dict[str, Any]) -> None:
        data["people"] = [p for p in data["people"] if p["email"] != "rhys.thomas@example.org"]
        data["workstreams"][0]["members"].remove("rhys.thomas@example.org")

    changed = programme_file(tmp_path, drop_rhys)
    # A programme that has people changes only at an admin's hand (people admin).
    refused = cyd("init", "--programme", str(changed))
    assert refused.returncode == 1
    assert "Give --by" in refused.stderr
    report = cyd.json("init", "--programme", str(changed), "--by", "admin@example.org")
    assert report["programme"]["version"] == 2
    assert report["counts"]["people"] == 14
    assert report["people"]["deactivated"] == 1
    listed = cyd.json("people", "list", "--all")
    rhys = next(p for p in listed if p["email"] == "rhys.thomas@example.org")
    assert rhys["active"] is False
    assert len(cyd.json("people", "list")) == 14


def test_init_refuses_a_bad_programme_and_creates_nothing(cyd: Cyd) -> None:
    bad = "tests/services/bad_programmes/chair-not-on-board.yaml"
    result = cyd("init", "--programme", bad)
    assert result.returncode == 1
    *problems, summary = result.stderr.splitlines()
    assert problems == [
        f"{bad}:32:10: the chair 'chair@example.org' is not a Board member",
        f"{bad}:38:15: rule 'board-lived-experience' needs 2 members taking part, "
        "but the Board has 1",
        f"{bad}:39:32: rule 'board-lived-experience' needs 1 member with lived experience "
        "taking part, but the Board has 0",
    ]
    assert summary == f"cyd: 3 problem(s) in {bad}; nothing was loaded"
    assert not cyd.data_dir.exists()
    as_json = cyd("init", "--programme", bad, "--json")
    assert as_json.returncode == 1
    assert json.loads(as_json.stdout)["problems"][0]["line"] == 32


def test_init_by_someone_who_is_not_an_admin_is_refused(cyd: Cyd) -> None:
    line = one_line_error(cyd("init", "--by", "nia.morgan@example.org"))
    assert "not an admin" in line
    assert not cyd.data_dir.exists()


def test_init_with_a_missing_file(cyd: Cyd) -> None:
    result = cyd("init", "--programme", "no/such/programme.yaml")
    assert result.returncode == 1
    assert result.stderr.startswith("no/such/programme.yaml:1:1: cannot read file")


# --- people ----------------------------------------------------------------------------------


def test_people_list_shows_who_is_who_but_never_a_channel(cyd: Cyd, tmp_path: Path) -> None:
    def unasked(data: dict[str, Any]) -> None:
        for person in data["people"]:
            if person["email"] == "sam.bennett@example.org":
                del person["language"], person["language_asked_on"]
            if person["email"] == "aled.evans@example.org":
                person["quiet_hours"] = {"from": "21:00", "to": "08:00"}
                person["digest"] = "daily"

    assert cyd("init", "--programme", str(programme_file(tmp_path, unasked))).returncode == 0
    people = {p["email"]: p for p in cyd.json("people", "list")}
    assert len(people) == 15
    megan = people["megan.lloyd@example.org"]
    assert megan == {
        "email": "megan.lloyd@example.org",
        "name": "Megan Lloyd",
        "active": True,
        "roles": ["chair", "board-member"],
        "lived_experience": True,
        "language": "cy",
        "language_asked_on": "2026-09-01",
        "message_languages": ["cy"],
        "format": "easy-read",
        "supports": None,
        "channels": 2,
        "quiet_hours": None,
        "digest": None,
    }
    aled = people["aled.evans@example.org"]
    assert aled["quiet_hours"] == {"from": "21:00", "to": "08:00"}
    assert aled["digest"] == "daily"
    assert people["tom.price@example.org"]["supports"] == "megan.lloyd@example.org"
    assert people["sam.bennett@example.org"]["language"] is None
    assert people["sam.bennett@example.org"]["message_languages"] == ["cy", "en"]

    for width in ("200", "80"):
        cyd.env["COLUMNS"] = width
        table = cyd("people", "list")
        assert table.returncode == 0, table.stderr
        assert "megan.lloyd@example.org" in table.stdout
        assert "Siân Roberts" in table.stdout
        assert "cy + en" in table.stdout  # Sam, never asked
        assert "21:00–08:00" in table.stdout  # Aled's quiet hours


def test_commands_before_init_say_so_in_one_line(cyd: Cyd) -> None:
    for args in (["people", "list"], ["audit", "head"], ["audit", "verify"]):
        assert one_line_error(cyd(*args)) == "cyd: no database yet: run 'cyd init'"
    assert not cyd.database.exists(), "looking for the database must not create it"


def test_an_unreachable_database_is_one_line_without_its_password(tmp_path: Path) -> None:
    url = f"postgresql://cyd:{SECRET}@127.0.0.1:9/cyd"  # the discard port: refused at once
    runner = Cyd(tmp_path / "data", env={"CYD_DATABASE_URL": url})
    line = one_line_error(runner("people", "list"))
    assert line.startswith("cyd: cannot use the database at postgresql+psycopg://cyd:***@")
    assert SECRET not in "".join(runner.outputs)
    bad = Cyd(tmp_path / "data", env={"CYD_DATABASE_URL": f"not a url {SECRET}"})
    assert "CYD_DATABASE_URL is not a database URL" in one_line_error(bad("audit", "head"))
    assert SECRET not in "".join(bad.outputs)


# --- audit -----------------------------------------------------------------------------------


def _tamper(database: Path, sql: str) -> None:
    # What someone with write access to the database file could do.
    with sqlite3.connect(database) as connection:
        connection.execute(sql)
    connection.close()


def test_audit_head_verify_and_tampering(cyd: Cyd, tmp_path: Path) -> None:
    assert cyd("init").returncode == 0
    plain = cyd("audit", "head")
    assert plain.returncode == 0
    head = plain.stdout.strip()
    assert HASH.match(head)
    assert cyd.json("audit", "head") == {"head": head, "entries": 1}
    verified = cyd("audit", "verify")
    assert verified.returncode == 0
    assert verified.stdout.splitlines() == [
        f"audit log intact: 1 entries, head {head}",
        "the stored state is what the audit log says (1 entries replayed)",
    ]
    assert cyd.json("audit", "verify", "--head", head)["ok"] is True
    # A head written into the minutes that the log no longer has.
    line = one_line_error(cyd("audit", "verify", "--head", "f" * 64))
    assert line.startswith("cyd: audit log broken at entry 2: the expected head")
    # A head mistyped (a character short, a letter that is not hexadecimal) is a
    # mistake to correct, not tampering: a usage error, exit 2.
    for typo in (head[:-1], head[:-1] + "g", "yesterday"):
        mistyped = cyd("audit", "verify", "--head", typo)
        assert mistyped.returncode == 2
        assert mistyped.stderr.strip() == (
            "cyd: --head: not a head (a head is 64 hexadecimal characters, "
            "as `cyd audit head` prints it)"
        )
    assert cyd("audit", "verify", "--head", f" {head.upper()} ").returncode == 0

    again = ("init", "--programme", str(programme_file(tmp_path)), "--by", "admin@example.org")
    assert cyd(*again).returncode == 0
    assert cyd.json("audit", "head")["entries"] == 2
    _tamper(cyd.database, "UPDATE audit_entry SET actor = 'mallory' WHERE seq = 2")
    line = one_line_error(cyd("audit", "verify"))
    assert line == (
        "cyd: audit log broken at entry 2: its hash does not match its contents "
        "(the entry was changed)"
    )
    result = cyd("audit", "verify", "--json")
    assert result.returncode != 0
    report = json.loads(result.stdout)
    assert (report["ok"], report["first_bad_seq"], report["entries"]) == (False, 2, 1)

    # An entry so damaged that it cannot even be loaded is named too.
    _tamper(cyd.database, "UPDATE audit_entry SET payload = 'not json {' WHERE seq = 1")
    line = one_line_error(cyd("audit", "verify"))
    assert line.startswith("cyd: audit log broken at entry 1: the entry cannot be read")

    # A log whose table is gone is reported in one line, not a traceback.
    _tamper(cyd.database, "DROP TABLE audit_entry")
    line = one_line_error(cyd("audit", "verify"))
    assert line == (
        "cyd: audit log broken: the audit log cannot be read at all (OperationalError): "
        "its table was dropped or damaged"
    )


# --- PostgreSQL ------------------------------------------------------------------------------


@pytest.mark.postgres
def test_the_same_commands_on_postgresql(tmp_path: Path) -> None:
    from sqlalchemy.engine import make_url

    from tests.models.conftest import ADMIN_URL, SKIP_POSTGRES, PostgresServer

    if SKIP_POSTGRES:
        pytest.skip("CYD_SKIP_POSTGRES=1: PostgreSQL tests skipped on request")
    server = PostgresServer(ADMIN_URL)
    server.check()
    url = server.create_database()
    try:
        # Trust authentication ignores the password; the output must still hide it.
        with_password = make_url(url).set(password=SECRET).render_as_string(hide_password=False)
        runner = Cyd(tmp_path / "data", env={"CYD_DATABASE_URL": with_password})
        first = runner.json("init")
        assert first["data_dir"] is None
        assert first["database_url"].startswith("postgresql+psycopg://postgres:***@")
        assert first["programme"]["changed"] is True
        assert runner.json("init")["programme"]["changed"] is False
        assert len(runner.json("people", "list")) == 15
        assert runner.json("audit", "head")["entries"] == 1
        assert runner("audit", "verify").returncode == 0
        assert not runner.data_dir.exists()
        assert SECRET not in "".join(runner.outputs)
    finally:
        server.drop_database(url)
        server.engine.dispose()


def test_audit_replay_finds_a_row_changed_behind_the_logs_back(cyd: Cyd, tmp_path: Path) -> None:
    assert cyd("init", "--programme", str(programme_file(tmp_path))).returncode == 0
    lead = "gareth.jones@example.org"
    started = cyd("venture", "start", "--workstream", "day-opportunities", "--title", "Café")
    assert started.returncode != 0  # no lead given: refused before anything is stored
    args = ["--workstream", "day-opportunities", "--title", "Café", "--lead", lead]
    venture = cyd("venture", "start", *args).stdout.strip()
    count = ["venture", "answer", venture, "lived-experience-count", "4", "--by", lead]
    assert cyd(*count).returncode == 0
    assert cyd("venture", "submit", venture, "--by", lead).returncode == 0  # returned
    replayed = cyd("audit", "replay")
    assert replayed.returncode == 0, replayed.stderr
    assert re.fullmatch(
        r"replayed \d+ entries: the stored state is what the audit log says\n", replayed.stdout
    )
    # Someone with the database file changes an answer, and the venture's state:
    # the chain still holds (it proves itself), the replay does not, nor `verify`,
    # which replays too.
    _tamper(cyd.database, "UPDATE answer SET value = '0' WHERE item_id = 'lived-experience-count'")
    assert venture == "v-0001"
    _tamper(cyd.database, "UPDATE venture SET state = 'in_review' WHERE id = 'v-0001'")
    assert cyd("audit", "verify", "--chain-only").returncode == 0
    verified = cyd("audit", "verify")
    assert verified.returncode == 1
    assert "the audit log is intact, but the stored state is not what it says" in verified.stderr
    found = cyd("audit", "replay")
    assert found.returncode == 1
    assert "cyd: the stored state is not what the audit log says" in found.stderr
    assert "answers: only in the source" in found.stderr
    assert "ventures: only in the source" in found.stderr
    said = json.loads(cyd("audit", "replay", "--json").stdout)
    assert said["ok"] is False
    assert said["problems"] == []  # every entry was reproduced; the tables differ
    assert any(d.startswith("answers: only in the target") for d in said["differences"])
