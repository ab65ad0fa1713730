"""Secrets at rest from the command line: `cyd init` makes the key file (0600), `cyd
secrets rotate` and `new-key`, and a missing or wrong key in one line, never a key or a
channel URL in any output."""

from __future__ import annotations

import json
import sqlite3
import stat
import subprocess
from pathlib import Path

import pytest

from tests.cli.support import run_cyd
from tests.cli.test_admin_cli import SECRET, programme_file

MEGAN = "gareth.jones@example.org"  # (a mailbox channel only: sending stays local)


def one_line(result: subprocess.CompletedProcess[str]) -> str:
    assert result.returncode == 1, result.stdout + result.stderr
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("cyd: ")
    return lines[0]


def stored(data: Path) -> str:
    """Every channel URL and programme text in the database file, read by plain SQL."""
    with sqlite3.connect(data / "cyd.db") as connection:
        rows = [
            *connection.execute("SELECT url FROM channel"),
            *connection.execute("SELECT source, sealed_source FROM programme_version"),
        ]
    return "\n".join(str(v) for row in rows for v in row)


@pytest.fixture
def data(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A data folder set up by `cyd init` with no CYD_SECRET_KEY: the key file's."""
    monkeypatch.delenv("CYD_SECRET_KEY")
    folder = tmp_path / "data"
    made = run_cyd(folder, "init", "--json", "--programme", str(programme_file(tmp_path)))
    assert made.returncode == 0, made.stderr
    report = json.loads(made.stdout)
    assert report["secret_key"] == {"source": str(folder / "secret.key"), "made": True}
    return folder


def outputs(*results: subprocess.CompletedProcess[str]) -> str:
    return "\n".join(r.stdout + r.stderr for r in results)


def test_init_makes_the_key_file_for_its_owner_only_and_seals_the_channels(
    data: Path, tmp_path: Path
) -> None:
    key = data / "secret.key"
    assert stat.S_IMODE(key.stat().st_mode) == 0o600
    assert stat.S_IMODE(data.stat().st_mode) == 0o700
    assert stat.S_IMODE((data / "cyd.db").stat().st_mode) == 0o600
    text = stored(data)
    assert SECRET not in text
    assert "mailbox://megan.lloyd" not in text
    assert '"mailtos://***"' in text  # the stored copy of the file, masked
    again = run_cyd(data, "init", "--json", "--programme", str(tmp_path / "programme.yaml"))
    assert again.returncode == 0, again.stderr  # the same file: the key is kept
    assert json.loads(again.stdout)["secret_key"]["made"] is False
    sent = run_cyd(data, "notify", "test", "--person", MEGAN)
    assert sent.returncode == 0, sent.stderr
    assert "mailbox://***: sent" in sent.stdout
    assert key.read_text(encoding="ascii").strip() not in outputs(again, sent)


def test_a_missing_key_is_one_line(data: Path) -> None:
    (data / "secret.key").rename(data / "elsewhere.key")
    line = one_line(run_cyd(data, "notify", "test", "--person", MEGAN))
    assert line == (
        "cyd: no secret key to open the stored channels: set CYD_SECRET_KEY, or put back"
        f" the key file {data / 'secret.key'} (the one they were sealed with)"
    )


def test_a_wrong_key_is_one_line(data: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    key = (data / "secret.key").read_text(encoding="ascii").strip()
    other = key[:10] + ("A" if key[10] != "A" else "B") + key[11:]
    monkeypatch.setenv("CYD_SECRET_KEY", other)
    for result in (
        run_cyd(data, "notify", "test", "--person", MEGAN),
        run_cyd(data, "secrets", "rotate"),
    ):
        line = one_line(result)
        assert "the secret key (CYD_SECRET_KEY) does not open the stored channels" in line
        assert other not in line
        assert key not in line


def test_a_key_that_is_not_one_is_refused_without_showing_it(
    data: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CYD_SECRET_KEY", "hunter2-not-a-key")
    line = one_line(run_cyd(data, "people", "list"))
    assert line.startswith("cyd: CYD_SECRET_KEY must be one or more keys made by")
    assert "hunter2" not in line


def test_rotate_seals_again_and_the_old_key_opens_nothing(
    data: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    key = data / "secret.key"
    old = key.read_text(encoding="ascii").strip()
    before = stored(data)
    rotated = run_cyd(data, "secrets", "rotate", "--json")
    assert rotated.returncode == 0, rotated.stderr
    report = json.loads(rotated.stdout)
    assert report == {"channels": 16, "programme_versions": 1, "key": f"the key file {key}"}
    new = key.read_text(encoding="ascii").strip()
    assert new != old
    assert stat.S_IMODE(key.stat().st_mode) == 0o600
    assert stored(data) != before
    assert SECRET not in stored(data)
    assert run_cyd(data, "notify", "test", "--person", MEGAN).returncode == 0
    monkeypatch.setenv("CYD_SECRET_KEY", old)
    assert "does not open" in one_line(run_cyd(data, "notify", "test", "--person", MEGAN))
    assert old not in rotated.stdout + rotated.stderr
    assert new not in rotated.stdout + rotated.stderr


def test_new_key_and_rotating_to_it_with_the_variable(
    data: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    old = (data / "secret.key").read_text(encoding="ascii").strip()
    written = tmp_path / "new.key"
    made = run_cyd(data, "secrets", "new-key", str(written))
    assert made.returncode == 0, made.stderr
    new = written.read_text(encoding="ascii").strip()
    assert new not in made.stdout + made.stderr
    assert stat.S_IMODE(written.stat().st_mode) == 0o600
    assert run_cyd(data, "secrets", "new-key", str(written)).returncode == 1  # never over
    monkeypatch.setenv("CYD_SECRET_KEY", f"{new},{old}")
    rotated = run_cyd(data, "secrets", "rotate")
    assert rotated.returncode == 0, rotated.stderr
    assert "Take the old key out of CYD_SECRET_KEY" in " ".join(rotated.stdout.split())
    monkeypatch.setenv("CYD_SECRET_KEY", new)
    assert run_cyd(data, "notify", "test", "--person", MEGAN).returncode == 0


def test_backup_says_the_key_is_needed_too(data: Path, tmp_path: Path) -> None:
    done = run_cyd(data, "backup", str(tmp_path / "copy.db"))
    assert done.returncode == 0, done.stderr
    shown = " ".join(done.stdout.split())
    assert f"keep the secret key (the key file {data / 'secret.key'}) with it" in shown
    with sqlite3.connect(tmp_path / "copy.db") as connection:
        urls = [u for (u,) in connection.execute("SELECT url FROM channel")]
    assert all(u.startswith("fernet:") for u in urls)
