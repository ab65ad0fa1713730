"""The command line speaks the person's language: a refused command and `cyd venture
show` in Welsh for a person who chose Welsh (or with `--lang cy`), in English for one
who chose English (or with `--lang en`), and English for someone unknown or never asked.

Run as a person runs it: the installed console script, in a subprocess, on a data
folder whose venture v-0001 is at the Board with one vote cast.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from checklists.loader import load_library
from governance import catalogue
from models.db import make_engine
from models.migrate import upgrade
from services.commands import (
    CommandError,
    Cyd,
    record_review,
    start_venture,
    submit,
    vote,
)
from services.examples import answer_missing
from services.programme_import import import_programme, load_programme

ROOT = Path(__file__).resolve().parents[2]
CYD = Path(sys.executable).with_name("cyd")
PROGRAMME = ROOT / "examples" / "programme.yaml"
LEAD = "gareth.jones@example.org"  # chose English
CHAIR = "megan.lloyd@example.org"  # chose Welsh; a Board member
REVIEWER = "elin.davies@example.org"  # chose Welsh
# Whole words that are English and not Welsh: none may be left in a Welsh line.
ENGLISH = frozenset({"the", "and", "only", "vote", "venture", "may", "gate", "lead", "closes"})


@pytest.fixture(scope="module")
def data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("data")
    library = load_library()
    engine = make_engine(f"sqlite:///{folder / 'cyd.db'}")
    try:
        upgrade(engine)
        programme = load_programme(PROGRAMME, library=library)
        import_programme(engine, programme, PROGRAMME.read_text(encoding="utf-8"), "admin")
        cyd = Cyd(engine, library)
        venture = start_venture(cyd, workstream="day-opportunities", title="Café", lead=LEAD)
        answer_missing(cyd, venture.venture_id, ["nia.morgan@example.org"])
        submit(cyd, venture.venture_id, by=LEAD)
        for reviewer in (REVIEWER, "owen.walker@example.org"):
            record_review(cyd, venture.venture_id, by=reviewer, recommend="go")
        vote(cyd, venture.venture_id, member=CHAIR, choice="approve")
    finally:
        engine.dispose()
    return folder


def cyd(data: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CYD_DATA", "CYD_ORCH"))}
    env |= {"CYD_DATA_DIR": str(data), "COLUMNS": "200", "CYD_DATABASE_URL": ""}
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
    return result


def refusal(data: Path, action: str, *args: str, by: str) -> CommandError:
    """The error the services give for the same action, to compare the CLI's line with."""
    from services.commands import record_review as review
    from services.commands import submit as do_submit

    engine = make_engine(f"sqlite:///{data / 'cyd.db'}")
    try:
        cyd_ = Cyd(engine, load_library())
        try:
            if action == "submit":
                do_submit(cyd_, "v-0001", by=by)
            else:
                review(cyd_, "v-0001", by=by, recommend=args[0])
        except CommandError as error:
            return error
    finally:
        engine.dispose()
    raise AssertionError("the action was not refused")


def words(line: str) -> set[str]:
    return {w.strip(".,:;()'\"").lower() for w in line.split()}


def test_a_refusal_is_in_the_language_the_person_chose(data: Path) -> None:
    # The chair (Welsh) may not submit the lead's checklist.
    error = refusal(data, "submit", by=CHAIR)
    result = cyd(data, "venture", "submit", "v-0001", "--by", CHAIR)
    assert result.returncode == 1
    assert result.stderr == f"cyd: {error.say('cy')}\n"
    assert not words(result.stderr) & ENGLISH, result.stderr
    # --lang says otherwise.
    english = cyd(data, "venture", "submit", "v-0001", "--by", CHAIR, "--lang", "en")
    assert english.stderr == f"cyd: {error}\n"
    assert error.say("cy") != str(error)


def test_a_person_who_chose_english_is_refused_in_english_unless_asked(data: Path) -> None:
    # The lead (English) may not review.
    error = refusal(data, "review", "go", by=LEAD)
    said = cyd(data, "review", "record", "v-0001", "--by", LEAD, "--recommend", "go")
    assert said.stderr == f"cyd: {error}\n"
    welsh = cyd(
        data, "review", "record", "v-0001", "--by", LEAD, "--recommend", "go", "--lang", "cy"
    )
    assert welsh.stderr == f"cyd: {error.say('cy')}\n"


def test_someone_unknown_is_answered_in_english(data: Path) -> None:
    # No stored language to go by (as for someone never asked: the default is English).
    said = cyd(data, "venture", "submit", "v-0001", "--by", "nobody@example.org")
    expected = catalogue.say("person-not-found", "en", email="nobody@example.org")
    assert (said.returncode, said.stderr) == (1, f"cyd: {expected}\n")


def test_the_option_that_puts_a_mistake_right_is_named_in_welsh_too(data: Path) -> None:
    # The chair votes approve-with-conditions and gives no conditions.
    result = cyd(
        data, "board", "vote", "v-0001", "--member", CHAIR, "--choice", "approve-with-conditions"
    )
    assert result.returncode == 1
    expected = catalogue.say("conditions-missing", "cy")
    assert result.stderr == f"cyd: {expected} (defnyddiwch --reason)\n"


def test_venture_show_speaks_welsh_when_asked_or_to_a_welsh_reader(data: Path) -> None:
    english = cyd(data, "venture", "show", "v-0001").stdout
    welsh = cyd(data, "venture", "show", "v-0001", "--lang", "cy").stdout
    assert cyd(data, "venture", "show", "v-0001", "--by", CHAIR).stdout == welsh
    assert cyd(data, "venture", "show", "v-0001", "--by", LEAD).stdout == english
    assert cyd(data, "venture", "show", "v-0001", "--by", CHAIR, "--lang", "en").stdout == english
    assert "awaiting_board at gate design" in english
    assert "Vote 1, closes" in english
    state = catalogue.catalogue().words["state"]["awaiting_board"]["cy"]
    assert f"Mae'r fenter {state}, wrth y porth design" in welsh
    assert "Pleidlais 1, yn cau" in welsh
    assert f"{CHAIR}: cymeradwyo" in welsh
    assert "Adolygiadau" in welsh
    assert "mynd ymlaen" in welsh  # what the reviewers recommended
    assert "yn gyflawn" in welsh
    for line in welsh.splitlines():
        # Ids, emails and the title ("Café") are as written; the rest is Welsh.
        left = words(line) - {"café", "v-0001", "design", "day-opportunities"}
        assert not left & ENGLISH, line


def test_venture_show_json_is_the_same_in_every_language(data: Path) -> None:
    plain = cyd(data, "venture", "show", "v-0001", "--json").stdout
    assert cyd(data, "venture", "show", "v-0001", "--json", "--lang", "cy").stdout == plain


def test_a_missing_venture_is_said_in_the_readers_language(data: Path) -> None:
    welsh = cyd(data, "venture", "show", "v-0404", "--lang", "cy")
    assert (welsh.returncode, welsh.stderr) == (1, "cyd: does dim menter 'v-0404'\n")
    english = cyd(data, "venture", "show", "v-0404")
    assert english.stderr == "cyd: no venture 'v-0404'\n"
