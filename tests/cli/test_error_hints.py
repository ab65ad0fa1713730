"""A refused command's one line: the domain's sentence, and the option that puts it right.

The domain's texts (governance/catalogue.yaml) never name a command-line option; the
CLI adds its own hint by the error's code (cli.venture_cmd.HINTS).
"""

from __future__ import annotations

import pytest

from cli.venture_cmd import HINTS, error_line
from governance import catalogue
from governance.permissions import deny
from services.commands import CommandError, InvalidAnswer, NotFound, PermissionDenied


@pytest.mark.parametrize("code", catalogue.codes())
def test_no_text_in_the_catalogue_names_a_command_line_option(code: str) -> None:
    entry = catalogue.catalogue().entries[code]
    for language in catalogue.LANGUAGES:
        for easy_read in (False, True):
            assert "--" not in catalogue.say(code, language, easy_read, **entry.example)


@pytest.mark.parametrize(("code", "hint"), sorted(HINTS.items()))
def test_the_cli_adds_the_option_by_the_errors_code(code: str, hint: str) -> None:
    assert catalogue.has(code)
    error = CommandError(code)
    assert error_line(error) == f"{catalogue.say(code, 'en')} ({hint})"


def test_the_lines_people_saw_before_are_the_same_or_say_more() -> None:
    assert error_line(CommandError("conditions-missing")) == (
        "approve-with-conditions needs the conditions (use --reason)"
    )
    assert error_line(CommandError("interest-missing")) == "describe the interest (use --interest)"
    assert error_line(NotFound("venture-not-found", venture="v-0404")) == "no venture 'v-0404'"
    refused = PermissionDenied(deny("own-venture", action="vote"))
    assert error_line(refused) == "A lead never votes on their own venture."
    assert refused.code == "own-venture"


def test_an_invalid_answer_is_said_in_both_languages_as_the_checklist_wrote_it() -> None:
    error = InvalidAnswer("people", "Give a number of 0 or more.", "Rhowch rif o 0 neu fwy.")
    assert error.code == "invalid-answer"
    assert error_line(error) == "[people] Give a number of 0 or more. / Rhowch rif o 0 neu fwy."
    assert error.say("cy") == "[people] Rhowch rif o 0 neu fwy."


def test_an_error_says_itself_in_welsh_and_easy_read() -> None:
    error = CommandError("deadline-not-later", date="2026-12-10")
    assert str(error) == "the deadline is already 2026-12-10; give a later date"
    assert error.say("cy") == "y dyddiad cau yn barod yw 10 Rhagfyr 2026; rhowch ddyddiad hwyrach"
    assert error.say("en", easy_read=True).startswith("The last day is already 10 December 2026.")
    assert error.params == {"date": "2026-12-10"}
