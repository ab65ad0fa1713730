"""The catalogue of refusals, errors, reasons, events and next actions: complete,
consistent, used, and right in Welsh.

Guards three things: every code has its four whole texts (English, Welsh, Easy Read
English, Easy Read Welsh) with the same placeholders in both languages; every code
the code raises or gives (scanned in governance/ and services/) is in the catalogue,
and every catalogue code is used; and each text writes in every situation it has
(each plural category, each selected value) within the Easy Read length.
"""

from __future__ import annotations

import ast
import itertools
import re
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from babel import Locale

from governance import catalogue as c
from governance.catalogue import FORMS, CatalogueError, Choose, load, placeholders, say
from governance.lifecycle import ACTION_WORDS, STATE_WORDS, Action, VentureState
from governance.permissions import ONLY_WHEN

ROOT = Path(__file__).resolve().parents[2]
SCANNED = ("governance", "services")
# Calls whose first argument is a catalogue code.
CODE_CALLS = frozenset(
    {
        "Denied",
        "deny",
        "Reason",
        "reason",
        "governance_reason",
        "CommandError",
        "NotFound",
        "say",
        "text",
        "Event",  # services/history.py: an event of the audit trail
    }
)
# A module whose codes are data (a table of them, constants, an enum) declares them
# all in a module-level `CODES`, which the scan reads.
DECLARED = "CODES"
# Codes services/wording.py adds to a next action's own (when it is due, for whom).
WORDING_CODES = frozenset({"action-due", "on-behalf-of", "translate-text"})
ERROR_CLASSES = frozenset({"CommandError", "NotFound", "PermissionDenied"})
COUNTS = (0, 1, 2, 3, 6, 7)
EASY_READ_WORDS = 15  # as the message templates' Easy Read (tests/notifications)


def entries() -> list[c.Entry]:
    return list(c.catalogue().entries.values())


def ids() -> list[str]:
    return [e.code for e in entries()]


# --- complete and consistent ---------------------------------------------------------------


def test_the_welsh_is_marked_as_not_yet_reviewed() -> None:
    assert c.welsh_reviewed() is False
    assert "welsh_reviewed: false" in c.CATALOGUE_FILE.read_text("utf-8")


def test_there_are_codes_of_every_kind() -> None:
    assert {kind: len(c.codes(kind)) >= 10 for kind in c.KINDS} == dict.fromkeys(c.KINDS, True)
    assert len(set(c.codes())) == len(c.codes())


@pytest.mark.parametrize("entry", entries(), ids=ids())
def test_every_code_has_four_texts_with_the_same_placeholders_in_both_languages(
    entry: c.Entry,
) -> None:
    assert set(entry.texts) == set(FORMS)
    assert placeholders(entry.texts["en"]) == placeholders(entry.texts["cy"])
    assert placeholders(entry.texts["en_easy"]) == placeholders(entry.texts["cy_easy"])
    written = {
        form: say(entry.code, lang, easy, **entry.example)
        for form, (lang, easy) in zip(FORMS, LANGUAGE_FORMS, strict=True)
    }
    assert all(written.values())
    # Four different texts: Welsh is not English, Easy Read is not the standard text.
    assert written["cy"] != written["en"]
    assert written["cy_easy"] != written["en_easy"]
    assert not re.search(r"\{\w*\}", " ".join(written.values()))  # every placeholder filled


LANGUAGE_FORMS: tuple[tuple[c.Language, bool], ...] = (
    ("en", False),
    ("cy", False),
    ("en", True),
    ("cy", True),
)


def situations(entry: c.Entry) -> Iterator[dict[str, Any]]:
    """The entry's example with every combination of the values its texts choose by."""
    values: dict[str, set[Any]] = {}
    for text in entry.texts.values():
        for choice in c.choices(text):
            if choice.how == "plural":
                values.setdefault(choice.by, set()).update(COUNTS)
            else:
                keys = {k for k in choice.options if k != "other"}
                values.setdefault(choice.by, set()).update(
                    int(k) if k.isdigit() else k for k in keys
                )
    names = sorted(values)
    for combination in itertools.product(*(sorted(values[n], key=str) for n in names)):
        yield {**entry.example, **dict(zip(names, combination, strict=True))}


@pytest.mark.parametrize("entry", entries(), ids=ids())
def test_every_situation_is_written_in_every_language_and_form(entry: c.Entry) -> None:
    """Each value one text chooses by is written in all four (a Welsh text that lacks
    a form the English has fails here), and Easy Read keeps to short sentences."""
    for params in situations(entry):
        for language, easy_read in LANGUAGE_FORMS:
            written = say(entry.code, language, easy_read, **params)
            assert written.strip(), (language, easy_read, params)
            if easy_read:
                for sentence in re.split(r"(?<=[.?!])\s+", written):
                    assert len(sentence.split()) <= EASY_READ_WORDS, sentence


def test_the_english_words_are_lifecycles() -> None:
    words = c.catalogue().words
    assert {s: words["state"][s.value]["en"] for s in VentureState} == STATE_WORDS
    assert {a: words["action"][a.value]["en"] for a in Action} == ACTION_WORDS


@pytest.mark.parametrize("action", sorted(ONLY_WHEN))
def test_each_wrong_state_text_names_the_states_its_action_needs(action: str) -> None:
    wanted = " or ".join(sorted(STATE_WORDS[s] for s in ONLY_WHEN[action]))
    text = say("wrong-state", "en", action=action, state="draft")
    assert text.endswith(f" only when {wanted}.")


# --- used -------------------------------------------------------------------------------


def _constants(node: ast.AST) -> Iterator[str]:
    """The strings an expression can be: itself, the branches of `a if x else b`, or
    the default of `table.get(key, default)`."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        yield node.value
    elif isinstance(node, ast.IfExp):
        yield from _constants(node.body)
        yield from _constants(node.orelse)
    elif (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr == "get"
        and len(node.args) == 2
    ):
        yield from _constants(node.args[1])


def _module_names(tree: ast.Module) -> dict[str, ast.AST]:
    """What each module-level name is: the value assigned to it, or its class."""
    found: dict[str, ast.AST] = {}
    for node in tree.body:
        if isinstance(node, ast.Assign):
            for target in node.targets:
                if isinstance(target, ast.Name):
                    found[target.id] = node.value
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            if node.value is not None:
                found[node.target.id] = node.value
        elif isinstance(node, ast.ClassDef):
            found[node.name] = node
    return found


def _declared(node: ast.AST, names: dict[str, ast.AST]) -> Iterator[str]:
    """The codes a `CODES` declaration names: its strings, the module's constants it
    names, the values of a module's table (`*TABLE.values()`), the members of a
    module's enum (`*Kind`)."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        yield node.value
    elif isinstance(node, ast.Name) and node.id in names:
        yield from _declared(names[node.id], names)
    elif isinstance(node, ast.ClassDef):
        for statement in node.body:
            if isinstance(statement, ast.Assign) and isinstance(statement.value, ast.Constant):
                yield from _declared(statement.value, names)
    elif isinstance(node, ast.Starred):
        yield from _declared(node.value, names)
    elif isinstance(node, ast.Set | ast.List | ast.Tuple):
        for element in node.elts:
            yield from _declared(element, names)
    elif isinstance(node, ast.Dict):
        for value in node.values:
            yield from _declared(value, names)
    elif isinstance(node, ast.Call):
        func = node.func
        if isinstance(func, ast.Attribute) and func.attr == "values":
            yield from _declared(func.value, names)  # a table's codes are its values
        else:  # frozenset({...})
            for argument in node.args:
                yield from _declared(argument, names)


def _error_classes(tree: ast.AST) -> set[int]:
    """The ids of the `super().__init__(...)` calls in subclasses of the command errors."""
    calls: set[int] = set()
    for node in ast.walk(tree):
        bases = {getattr(b, "id", "") for b in getattr(node, "bases", [])}
        if isinstance(node, ast.ClassDef) and bases & ERROR_CLASSES:
            for call in ast.walk(node):
                if isinstance(call, ast.Call) and getattr(call.func, "attr", "") == "__init__":
                    calls.add(id(call))
    return calls


@cache
def codes_in_the_code() -> dict[str, list[str]]:
    """Code → where it is used: the first argument of a CODE_CALLS call or of an error
    class's `super().__init__` (both branches of `"quorum-met" if met else
    "quorum-not-met"`), any string assigned to a variable named `code`, and every code
    a module declares in its `CODES` (where: `path:line CODES`)."""
    found: dict[str, list[str]] = {}
    for folder in SCANNED:
        for path in sorted((ROOT / folder).rglob("*.py")):
            tree = ast.parse(path.read_text("utf-8"))
            names = _module_names(tree)
            if DECLARED in names:
                where = f"{path.relative_to(ROOT)}:{names[DECLARED].lineno} {DECLARED}"
                for string in _declared(names[DECLARED], names):
                    found.setdefault(string, []).append(where)
            inits = _error_classes(tree)
            for node in ast.walk(tree):
                strings: list[str] = []
                if isinstance(node, ast.Call) and node.args:
                    func = node.func
                    name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
                    if name in CODE_CALLS or id(node) in inits:
                        strings = list(_constants(node.args[0]))
                elif isinstance(node, ast.Assign):
                    targets = [t.id for t in node.targets if isinstance(t, ast.Name)]
                    if "code" in targets:
                        strings = list(_constants(node.value))
                where = f"{path.relative_to(ROOT)}:{getattr(node, 'lineno', 0)}"
                for string in strings:
                    found.setdefault(string, []).append(where)
    return found


def test_every_code_the_code_uses_is_in_the_catalogue() -> None:
    used = codes_in_the_code()
    # The scan sees what it should: a denial, a reason, an error, a lifecycle refusal.
    assert {"own-venture", "quorum-met", "no-open-vote", "transition-final"} <= used.keys()
    assert {"items-to-answer", "close-vote", "escalation-sent", "vote-opened"} <= used.keys()
    missing = {code: where for code, where in used.items() if not c.has(code)}
    assert not missing, f"codes used but not in governance/catalogue.yaml: {missing}"


def test_every_catalogue_code_is_used_by_the_code() -> None:
    unused = set(c.codes()) - codes_in_the_code().keys()
    assert not unused, f"codes in the catalogue that nothing gives: {sorted(unused)}"


def found_in(path: str, *, declared: bool | None = None) -> set[str]:
    """The codes the scan finds in one file (only those its CODES declares, or only
    those it uses elsewhere in it, if asked)."""
    return {
        code
        for code, places in codes_in_the_code().items()
        for place in places
        if place.startswith(f"{path}:")
        and (declared is None or place.endswith(f" {DECLARED}") is declared)
    }


def test_the_codes_of_events_and_next_actions_are_found_where_they_are_given() -> None:
    """The audit trail's events and the next actions are codes in data: each is found
    where its module gives it, every event and next action has texts of its kind, and
    every code the trail gives is one it declares."""
    events, actions = set(c.codes("event")), set(c.codes("action"))
    assert found_in("services/history.py", declared=True) == events
    assert found_in("governance/next_actions.py", declared=True) == actions - WORDING_CODES
    assert found_in("services/wording.py") >= WORDING_CODES
    # The events history.py gives outside its CODES (Event("vote-opened", ...), code =
    # "reminder-sent" ...) are all declared; the others it uses are its errors.
    given = found_in("services/history.py", declared=False)
    assert {"vote-opened", "reminder-sent", "escalation-sent", "state-changed"} <= given
    assert {code for code in given if c.catalogue().entries[code].kind != "error"} <= events


def test_the_select_options_of_json_values() -> None:
    assert [c.choice_key(v) for v in (True, False, None, 0, "vote")] == [
        "true",
        "false",
        "none",
        "0",
        "vote",
    ]
    assert say("vote-recorded", "en", who="Aled", choice="reject", supported_by=None) == (
        "Aled voted reject."
    )
    helped = say("vote-recorded", "cy", who="Megan", choice="approve", supported_by="Tom")
    assert helped == "Pleidleisiodd Megan dros gymeradwyo. Helpodd Tom, fel eu cefnogwr."
    reopened = {"who": "Nia", "item": "budget", "stale_reviews": 0, "stale_votes": 0}
    assert say("answer-recorded", "en", reopened=True, **reopened).endswith("the venture.")
    assert say("answer-recorded", "en", reopened=False, **reopened) == (
        "Nia answered the item budget."
    )


def test_a_list_without_a_spec_is_written_as_its_sentences() -> None:
    said = say(
        "decision-recorded", "en", outcome="approved_with_conditions", conditions=["A.", "B."]
    )
    assert said.endswith("with conditions: A. B.")


@pytest.mark.parametrize(
    ("code", "params"),
    [
        ("own-venture", {"action": "vote"}),
        ("not-in-workstream", {"action": "reopen"}),
        ("wrong-state", {"action": "review", "state": "awaiting_board"}),
        ("venture-closed", {"action": "withdraw", "state": "rejected"}),
        ("not-lead", {}),
    ],
)
def test_a_refusal_recorded_in_english_gives_back_its_parameters(
    code: str, params: dict[str, str]
) -> None:
    english = say(code, "en", **params)
    assert c.params_for(code, english) == params
    assert c.params_for(code, english + " Something else.") is None


def test_params_for_gives_none_for_texts_with_counts_or_names() -> None:
    assert c.params_for("quorum-met", say("quorum-met", "en", voted=3, needed=2)) is None
    assert c.params_for("person-not-found", say("person-not-found", "en", email="a@b")) is None
    assert c.params_for("no-such-code", "Anything.") is None


# --- Welsh plurals ----------------------------------------------------------------------


def test_welsh_plural_categories_are_babels_for_the_counts_that_differ() -> None:
    welsh = Locale.parse("cy")
    categories = [c.plural_category("cy", n) for n in COUNTS]
    assert categories == [welsh.plural_form(n) for n in COUNTS]
    assert categories == ["zero", "one", "two", "few", "many", "other"]
    assert [c.plural_category("en", n) for n in COUNTS] == ["other", "one", *["other"] * 4]


VOTE_CY = (
    "{zero: pleidleisiau, one: bleidlais, two: bleidlais, few: pleidlais,"
    " many: phleidlais, other: pleidlais}"
)
SIX_FORMS = """
welsh_reviewed: false
nouns:
  vote:
    en: {one: vote, other: votes}
    cy: VOTE_CY
words: {state: {draft: {en: draft, cy: yn ddrafft}}}
codes:
  counted:
    kind: reason
    example: {n: 2}
    en: {plural: n, one: "one: {n:vote}", other: "other: {n:vote}"}
    cy:
      plural: n
      zero: "zero: {n:vote}"
      one: "one: {n:vote}"
      two: "two: {n:vote}"
      few: "few: {n:vote}"
      many: "many: {n:vote}"
      other: "other: {n:vote}"
    en_easy: "{n:vote}"
    cy_easy: {plural: n, one: "un bleidlais", other: "{n:vote}"}
""".replace("VOTE_CY", VOTE_CY)


@pytest.mark.parametrize(
    ("n", "welsh", "english", "easy_welsh"),
    [
        (0, "zero: 0 pleidleisiau", "other: 0 votes", "0 pleidleisiau"),
        (1, "one: 1 bleidlais", "one: 1 vote", "un bleidlais"),
        (2, "two: 2 bleidlais", "other: 2 votes", "2 bleidlais"),
        (3, "few: 3 pleidlais", "other: 3 votes", "3 pleidlais"),
        (6, "many: 6 phleidlais", "other: 6 votes", "6 phleidlais"),
        (7, "other: 7 pleidlais", "other: 7 votes", "7 pleidlais"),
    ],
)
def test_a_welsh_text_takes_the_form_of_its_counts_plural_category(
    n: int, welsh: str, english: str, easy_welsh: str
) -> None:
    catalogue = load(SIX_FORMS)
    assert catalogue.text("counted", "cy", False, {"n": n}) == welsh
    assert catalogue.text("counted", "en", False, {"n": n}) == english
    # A category left out falls back to "other" (the Easy Read Welsh has one and other).
    assert catalogue.text("counted", "cy", True, {"n": n}) == easy_welsh


@pytest.mark.parametrize(
    ("n", "said"),
    [
        (0, "Ni chyfrifwyd 0 pleidleisiau gan aelodau a ddatganodd fuddiant."),
        (1, "Ni chyfrifwyd 1 bleidlais gan aelodau a ddatganodd fuddiant."),
        (2, "Ni chyfrifwyd 2 bleidlais gan aelodau a ddatganodd fuddiant."),
        (3, "Ni chyfrifwyd 3 pleidlais gan aelodau a ddatganodd fuddiant."),
        (6, "Ni chyfrifwyd 6 phleidlais gan aelodau a ddatganodd fuddiant."),
        (7, "Ni chyfrifwyd 7 pleidlais gan aelodau a ddatganodd fuddiant."),
    ],
)
def test_the_shipped_welsh_counts_mutate_the_noun(n: int, said: str) -> None:
    assert say("recused-vote-set-aside", "cy", count=n) == said


@pytest.mark.parametrize("n", COUNTS)
def test_the_shipped_welsh_chooses_whole_sentences_by_count(n: int) -> None:
    said = say("eligible", "cy", eligible=4, members=6, declared=n)
    if n == 0:
        assert said.endswith("ni ddatganodd neb fuddiant.")
    elif n == 1:
        assert "datganodd un aelod fuddiant, a dydy'r aelod hwnnw ddim" in said
    else:
        assert f"datganodd {n} aelod fuddiant, a dydyn nhw ddim" in said
    english = say("eligible", "en", eligible=4, members=6, declared=n)
    assert ("counts towards" in english) is (n == 1)


# --- say() and the loader's errors -------------------------------------------------------


def test_say_refuses_an_unknown_code_and_a_missing_parameter() -> None:
    with pytest.raises(CatalogueError, match="no text for the code 'no-such-code'"):
        say("no-such-code", "en")
    with pytest.raises(CatalogueError, match=r"more-time: the text needs \{count\}"):
        say("more-time", "cy", days=7, until="2026-12-10")
    with pytest.raises(CatalogueError, match="must be a whole number"):
        say("more-time-spent", "cy", count="two")


def test_a_bilingual_parameter_is_written_in_the_language_asked_for() -> None:
    why = {"en": "Give a number.", "cy": "Rhowch rif."}
    assert say("invalid-answer", "en", item="people", reason=why) == "[people] Give a number."
    assert say("invalid-answer", "cy", item="people", reason=why) == "[people] Rhowch rif."


def test_dates_are_days_in_the_language() -> None:
    until = "2026-12-10T23:30:00+00:00"
    assert say("vote-open", "cy", until=until).startswith("Mae'r bleidlais ar agor tan 10 Rhagfyr")
    assert "until 10 December 2026." in say("vote-open", "en", True, until=until)
    # The English standard text is the recorded one, as it has always been.
    assert say("vote-open", "en", until=until) == (
        f"The vote is open until {until}; nothing is decided yet."
    )


def _broken(code_yaml: str) -> str:
    return SIX_FORMS.split("codes:")[0] + "codes:\n" + code_yaml


BROKEN = [
    (
        "no Easy Read Welsh",
        '  x:\n    kind: reason\n    en: "A."\n    cy: "B."\n    en_easy: "C."\n',
        r":10:5: x: no cy_easy text",
    ),
    (
        "a placeholder missing in Welsh",
        '  x:\n    kind: reason\n    example: {n: 1}\n    en: "{n} A."\n    cy: "B."\n'
        '    en_easy: "C."\n    cy_easy: "D."\n',
        r":13:9: x: cy lacks \{n\}, which en has",
    ),
    (
        "a placeholder missing in Easy Read English",
        '  x:\n    kind: reason\n    example: {n: 1}\n    en: "{n}"\n    cy: "{n}"\n'
        '    en_easy: "C."\n    cy_easy: "{n} D."\n',
        r":14:14: x: en_easy lacks \{n\}, which cy_easy has",
    ),
    (
        "not a Welsh plural category",
        '  x:\n    kind: reason\n    example: {n: 1}\n    en: "{n}"\n'
        '    cy: {plural: n, one: "{n}", lots: "{n}", other: "{n}"}\n'
        '    en_easy: "{n}"\n    cy_easy: "{n}"\n',
        r":13:33: x: 'lots' is not a plural category in cy",
    ),
    (
        "an English plural with a Welsh category",
        "  x:\n    kind: reason\n    example: {n: 1}\n"
        '    en: {plural: n, two: "{n}", other: "{n}"}\n    cy: "{n}"\n'
        '    en_easy: "{n}"\n    cy_easy: "{n}"\n',
        r":12:21: x: 'two' is not a plural category in en",
    ),
    (
        "a plural without other",
        '  x:\n    kind: reason\n    example: {n: 1}\n    en: {plural: n, one: "{n}"}\n'
        '    cy: "{n}"\n    en_easy: "{n}"\n    cy_easy: "{n}"\n',
        r"x: a plural needs an 'other' form",
    ),
    (
        "an unknown noun",
        '  x:\n    kind: reason\n    example: {n: 1}\n    en: "{n:goat}"\n    cy: "{n}"\n'
        '    en_easy: "{n}"\n    cy_easy: "{n}"\n',
        r":12:9: x: \{n:goat\}: 'goat' is not a noun",
    ),
    (
        "an example without a parameter",
        '  x:\n    kind: reason\n    en: "{n}"\n    cy: "{n}"\n    en_easy: "A."\n'
        '    cy_easy: "B."\n',
        r"x: the example gives no n",
    ),
    (
        "a duplicate code",
        '  x:\n    kind: reason\n    en: "A."\n    cy: "B."\n    en_easy: "C."\n'
        '    cy_easy: "D."\n  x:\n    kind: reason\n',
        r":15:3: duplicate key 'x' \(first at line 9\)",
    ),
    (
        "a kind that does not exist",
        '  x:\n    kind: rumour\n    en: "A."\n    cy: "B."\n    en_easy: "C."\n'
        '    cy_easy: "D."\n',
        r":10:11: x: kind must be one of refusal, error, reason, event, action",
    ),
]


@pytest.mark.parametrize(("case", "yaml_text", "message"), BROKEN, ids=[b[0] for b in BROKEN])
def test_a_broken_catalogue_is_refused_with_its_line(
    case: str, yaml_text: str, message: str
) -> None:
    with pytest.raises(CatalogueError) as refused:
        load(_broken(yaml_text), "catalogue.yaml")
    said = str(refused.value)
    assert said.startswith("catalogue.yaml:"), said
    assert re.search(message, said), said


def test_a_word_the_table_lacks_is_named_when_it_is_asked_for() -> None:
    catalogue = load(
        _broken(
            '  x:\n    kind: reason\n    example: {s: draft}\n    en: "{s:state}"\n'
            '    cy: {select: s, draft: "{s:state}", approved: "{s:state}"}\n'
            '    en_easy: "A."\n    cy_easy: "B."\n'
        )
    )
    assert catalogue.text("x", "cy", False, {"s": "draft"}) == "yn ddrafft"
    with pytest.raises(CatalogueError, match="x: no state word for 'approved'"):
        catalogue.text("x", "cy", False, {"s": "approved"})


def test_an_example_that_does_not_write_is_refused() -> None:
    with pytest.raises(CatalogueError, match=r":12:9: x: the en text does not write"):
        load(
            _broken(
                '  x:\n    kind: reason\n    example: {s: approved}\n    en: "{s:state}"\n'
                '    cy: "{s:state}"\n    en_easy: "A."\n    cy_easy: "B."\n'
            ),
            "catalogue.yaml",
        )


def test_the_shipped_file_is_what_catalogue_reads() -> None:
    shipped = load(c.CATALOGUE_FILE.read_text("utf-8"))
    assert shipped.entries.keys() == c.catalogue().entries.keys()
    assert isinstance(shipped.entries["not-carried"].texts["en"], Choose)
