"""What people write reaches a terminal as text: escape sequences and bidirectional
overrides in a title, a note or an email are shown as escapes, and rich's markup in
them is printed as written (issue 14, safe output)."""

from __future__ import annotations

import os
import subprocess
import unicodedata
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from checklists.loader import load_library
from cli.output import safe, visible
from models.db import make_engine
from models.migrate import upgrade
from services.commands import Cyd, record_review, start_venture, submit
from services.examples import answer_missing
from services.programme_import import import_programme, load_programme
from tests.cli.support import CYD, LEAD, PROGRAMME, ROOT, run_cyd

# Clear the screen, retitle the window, ring the bell; then reverse what follows.
HOSTILE = "Café\x1b[2J\x1b]0;owned\x07 \u202eevil\u202c [bold]loud[/bold]"
BIDI = {0x061C, 0x200E, 0x200F, *range(0x202A, 0x202F), *range(0x2066, 0x206A)}


def _unsafe(char: str) -> bool:
    code = ord(char)
    return (unicodedata.category(char) == "Cc" and char not in "\n\t") or code in BIDI


@given(st.text())
def test_nothing_unsafe_is_left(text: str) -> None:
    shown = visible(text)
    assert not any(_unsafe(char) for char in shown)
    if not any(_unsafe(char) for char in text):
        assert shown == text  # Welsh letters, emoji and newlines pass unchanged


def test_each_character_is_shown_as_its_escape() -> None:
    assert visible("a\x1b[2Jb") == "a\\x1b[2Jb"
    assert visible("\x9b\x7f") == "\\x9b\\x7f"
    assert visible("x\u202ey\u2066") == "x\\u202ey\\u2066"
    assert visible("Ŵ ŷ\nline two\tend") == "Ŵ ŷ\nline two\tend"
    assert safe("[bold]x[/bold]\x07") == "\\[bold]x\\[/bold]\\x07"


@pytest.fixture(scope="module")
def data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A venture with a hostile title, reviewed with a hostile note."""
    folder = tmp_path_factory.mktemp("data")
    library = load_library()
    engine = make_engine(f"sqlite:///{folder / 'cyd.db'}")
    try:
        upgrade(engine)
        programme = load_programme(PROGRAMME, library=library)
        import_programme(engine, programme, PROGRAMME.read_text(encoding="utf-8"), "admin")
        cyd = Cyd(engine, library)
        venture = start_venture(
            cyd, workstream="day-opportunities", title=HOSTILE, lead=LEAD, title_other="Caffi"
        )
        answer_missing(cyd, venture.venture_id, ["nia.morgan@example.org"])
        submit(cyd, venture.venture_id, by=LEAD)
        record_review(
            cyd, venture.venture_id, by="elin.davies@example.org", recommend="go", note=HOSTILE
        )
    finally:
        engine.dispose()
    return folder


def _cyd(data: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return run_cyd(data, *args, columns=400)


@pytest.mark.parametrize("args", [["venture", "show", "v-0001"], ["venture", "list"]])
def test_the_commands_print_people_s_text_safely(data: Path, args: list[str]) -> None:
    result = _cyd(data, *args)
    assert result.returncode == 0, result.stderr
    assert not any(_unsafe(char) for char in result.stdout)
    assert "\\x1b[2J" in result.stdout
    assert "\\u202eevil" in result.stdout
    assert "[bold]loud[/bold]" in result.stdout  # markup printed, not applied
    if args[1] == "show":
        assert result.stdout.count("\\x1b]0;owned\\x07") == 2  # the title and the note


def test_an_error_line_shows_the_escapes_too(data: Path) -> None:
    result = _cyd(data, "venture", "show", "v-\x1b[2J")
    assert result.returncode == 1
    assert result.stderr == "cyd: no venture 'v-\\x1b[2J'\n"


def test_an_unknown_state_is_an_error_not_an_empty_list(data: Path) -> None:
    result = _cyd(data, "venture", "list", "--state", "nonsense")
    assert result.returncode == 1
    assert "--state 'nonsense': no such state (one of: draft," in result.stderr
    assert result.stdout == ""


def test_an_argument_that_is_not_utf8_is_one_clear_line(data: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CYD_DATA", "CYD_ORCH"))}
    env |= {"CYD_DATA_DIR": str(data), "CYD_DATABASE_URL": ""}
    result = subprocess.run(
        [str(CYD).encode(), b"venture", b"list", b"--state", b"caf\xe9"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 1
    assert result.stderr == (
        b"cyd: argument 4 (caf\\xe9) is not UTF-8 text at character 4: "
        b"type it again, or set the terminal to UTF-8\n"
    )
