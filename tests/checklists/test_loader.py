"""The loader: every problem in a definition file is reported, at the right place.

The corpus in `bad/` holds one file per problem (and one with many). Each file
starts with `# expect: LINE:COL [item] substring` lines; the loader must report
exactly those problems, no more and no fewer.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml

from checklists.loader import (
    DEFAULT_DIR,
    SUFFIXES,
    DefinitionError,
    Problem,
    load_file,
    load_library,
    load_paths,
    load_text,
)
from checklists.spec import (
    ChecklistDefinition,
    DateAnswer,
    PrinciplesDefinition,
    SingleChoiceAnswer,
)
from checklists.yamlsource import parse

HERE = Path(__file__).resolve().parent
BAD = HERE / "bad"
BAD_GATES = HERE / "bad_gates"
BAD_PRINCIPLES = HERE / "bad_principles"
SHARED = HERE / "shared"
SAMPLE = HERE / "valid" / "sample.yaml"

_EXPECT = re.compile(r"^# expect: (\d+):(\d+) (?:\[([^\]]+)\] )?(\S.*)$")


@dataclass(frozen=True)
class Expectation:
    line: int
    column: int
    item: str | None
    text: str

    def matches(self, problem: Problem) -> bool:
        return (
            problem.line == self.line
            and problem.column == self.column
            and problem.item == self.item
            and self.text in problem.message
        )

    def __str__(self) -> str:
        item = f" [{self.item}]" if self.item else ""
        return f"{self.line}:{self.column}{item} {self.text}"


def expectations(path: Path) -> list[Expectation]:
    """The `# expect:` lines at the top of a file (other leading comments are allowed)."""
    found: list[Expectation] = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.startswith("#"):
            break
        if line.startswith("# expect"):
            match = _EXPECT.match(line)
            assert match, f"{path.name}: malformed expectation {line!r}"
            found.append(Expectation(int(match[1]), int(match[2]), match[3], match[4].rstrip()))
    return found


def unmatched(
    expected: list[Expectation], problems: list[Problem]
) -> tuple[list[Expectation], list[Problem]]:
    """Pair each expectation with a distinct problem; return what is left on each side."""
    left = list(problems)
    missing: list[Expectation] = []
    for exp in expected:
        hit = next((p for p in left if exp.matches(p)), None)
        if hit is None:
            missing.append(exp)
        else:
            left.remove(hit)
    return missing, left


def _report(missing: list[Expectation], extra: list[Problem]) -> str:
    lines = ["expected but not reported:", *(f"  {e}" for e in missing)]
    lines += ["reported but not expected:", *(f"  {p}" for p in extra)]
    return "\n".join(lines)


BAD_FILES = sorted(BAD.glob("*.yaml"))


def test_the_corpus_is_all_there() -> None:
    # An empty glob would silently parametrize nothing.
    assert len(BAD_FILES) >= 30
    assert all(expectations(f) for f in BAD_FILES), "every bad file needs an expectation"


@pytest.mark.parametrize("path", BAD_FILES, ids=lambda p: p.stem)
def test_bad_file_reports_exactly_its_problems(path: Path) -> None:
    expected = expectations(path)
    _, problems = load_paths([path])
    missing, extra = unmatched(expected, problems)
    assert (missing, extra) == ([], []), _report(missing, extra)
    assert len(problems) == len(expected)
    assert all(p.file == str(path) for p in problems)


def test_many_problems_in_one_file_are_all_reported() -> None:
    path = BAD / "many-problems.yaml"
    _, problems = load_paths([path])
    assert len(problems) >= 4
    # Structural (pydantic) and cross-reference (semantic) problems come together.
    messages = " | ".join(p.message for p in problems)
    for fragment in (
        "'version'",
        "unknown key",
        "not a valid id",
        "missing Welsh",
        "unknown answer type",
        "unknown item",
        "duplicate item id",
    ):
        assert fragment in messages
    assert problems == sorted(problems), "problems come in file order"


def test_gate_cycle_is_reported_in_every_gate_of_it() -> None:
    library, problems = load_paths([BAD_GATES])
    by_file: dict[str, list[Problem]] = defaultdict(list)
    for problem in problems:
        by_file[Path(problem.file).name].append(problem)
    files = sorted(BAD_GATES.glob("*.yaml"))
    assert len(files) >= 3
    for path in files:
        expected = expectations(path)
        got = by_file.pop(path.name, [])
        missing, extra = unmatched(expected, got)
        assert (missing, extra) == ([], []), f"{path.name}\n" + _report(missing, extra)
    assert not by_file, f"problems in unexpected files: {by_file}"
    # The definitions themselves are valid; only the chain between them is wrong.
    assert set(library.checklists) == {("journey", 1)}
    assert len(library.gates) == 3


def test_one_gate_file_is_checked_against_its_folder() -> None:
    path = BAD_GATES / "gate-design.yaml"
    _, problems = load_paths([path])
    assert [(p.file, p.line, p.column) for p in problems] == [(str(path), 11, 12)]
    assert problems[0].message == "gate cycle: design → delivery → improvement → design"


# --- principles shared between checklists ---------------------------------------------------


def test_shared_principles_problems_are_reported_where_they_are() -> None:
    # Each checklist is resolved against the principles sets in its folder.
    library, problems = load_paths([BAD_PRINCIPLES])
    by_file: dict[str, list[Problem]] = defaultdict(list)
    for problem in problems:
        by_file[Path(problem.file).name].append(problem)
    files = sorted(BAD_PRINCIPLES.glob("*.yaml"))
    assert len([f for f in files if expectations(f)]) >= 3
    for path in files:
        expected = expectations(path)
        got = by_file.pop(path.name, [])
        missing, extra = unmatched(expected, got)
        assert (missing, extra) == ([], []), f"{path.name}\n" + _report(missing, extra)
        # A file checked on its own finds the same sets beside it, and the same problems.
        _, alone = load_paths([path])
        assert [(p.line, p.column, p.message) for p in alone] == [
            (p.line, p.column, p.message) for p in got
        ]
    assert not by_file, f"problems in unexpected files: {by_file}"
    assert set(library.principle_sets) == {("wales-values", 1), ("more-values", 1)}
    assert library.checklists == {}


def test_a_loaded_checklist_carries_its_shared_principles() -> None:
    library = load_library([SHARED])
    checklist = library.checklist("sharing")
    principle_set = library.principle_set("wales-values")
    assert isinstance(principle_set, PrinciplesDefinition)
    # Its own first, then each shared set's, in the order named.
    ids = [p.id for p in checklist.principles]
    assert ids == ["well-being", "share-power", "voice-and-control"]
    assert checklist.principles[1:] == principle_set.principles
    assert checklist.shared_principles == ["wales-values"]
    assert {i.principle for i in checklist.items()} <= {p.id for p in checklist.principles}
    assert library.sources[("principles", "wales-values", 1)] == str(SHARED / "values.yaml")
    # One file on its own is resolved against the sets in its folder.
    alone = load_library([SHARED / "sharing.yaml"])
    assert alone.checklist("sharing") == checklist


def test_a_pinned_copy_needs_no_other_file() -> None:
    checklist = load_library([SHARED]).checklist("sharing")
    pinned = json.loads(
        json.dumps(checklist.model_dump(mode="json", by_alias=True, exclude_none=True))
    )
    again = ChecklistDefinition.model_validate(pinned)
    assert again == checklist
    assert [p.id for p in again.principles] == ["well-being", "share-power", "voice-and-control"]
    assert again.principles[1].label.cy == "Rhannu pŵer"


def test_a_checklist_text_resolves_against_the_sets_given() -> None:
    text = (SHARED / "sharing.yaml").read_text(encoding="utf-8")
    definition, problems = load_text(text, "sharing.yaml")
    assert definition is None
    assert [(p.line, p.column, p.message) for p in problems] == [
        (
            13,
            21,
            "unknown principles set 'wales-values'; declare it in a definition of kind "
            "'principles'",
        )
    ]
    values, _ = load_file(SHARED / "values.yaml")
    assert isinstance(values, PrinciplesDefinition)
    definition, problems = load_text(text, "sharing.yaml", {"wales-values": values})
    assert problems == []
    assert isinstance(definition, ChecklistDefinition)
    assert len(definition.principles) == 3


def test_the_latest_version_of_a_shared_set_is_used(tmp_path: Path) -> None:
    for path in SHARED.glob("*.yaml"):
        (tmp_path / path.name).write_text(path.read_text(encoding="utf-8"), "utf-8")
    text = (SHARED / "values.yaml").read_text(encoding="utf-8")
    (tmp_path / "values-v2.yaml").write_text(
        text.replace("\nversion: 1", "\nversion: 2").replace("Share power", "Share power again"),
        "utf-8",
    )
    library = load_library([tmp_path])
    assert library.principle_set("wales-values").version == 2
    assert library.checklist("sharing").principles[1].label.en == "Share power again"
    # A set's version is declared once.
    (tmp_path / "wales-values.yaml").write_text(text, "utf-8")
    _, problems = load_paths([tmp_path])
    assert [p.message for p in problems] == [
        f"principles set 'wales-values' version 1 is also defined in {tmp_path / 'values.yaml'}"
    ]


# --- the shipped definitions ---------------------------------------------------------------


def test_shipped_definitions_load_without_problems() -> None:
    files = [p for p in DEFAULT_DIR.rglob("*") if p.suffix in SUFFIXES]
    assert files, f"no definition files in {DEFAULT_DIR}"
    library, problems = load_paths([DEFAULT_DIR])
    assert problems == [], "\n".join(map(str, problems))
    assert len(library.sources) == len(files), "every file gives one definition"
    assert library.checklist("coproduction-start").kind == "checklist"
    assert library.gates, "the shipped definitions declare the gates"
    # Every gate is on the one path a venture follows.
    chain = library.gate_chain()
    assert {g.id for g in chain} == {g.id for g in library.latest_gates()}
    assert load_library([DEFAULT_DIR]).checklists == library.checklists


# --- Problem and DefinitionError -----------------------------------------------------------


def test_problem_str_with_item() -> None:
    problem = Problem("defs/a.yaml", 14, 9, "unknown key 'colour'", "paid")
    assert str(problem) == "defs/a.yaml:14:9: [paid] unknown key 'colour'"


def test_problem_str_without_item() -> None:
    problem = Problem("defs/a.yaml", 3, 7, "unknown kind 'checklst'")
    assert str(problem) == "defs/a.yaml:3:7: unknown kind 'checklst'"


def test_load_library_raises_with_every_problem() -> None:
    path = BAD / "many-problems.yaml"
    _, problems = load_paths([path])
    with pytest.raises(DefinitionError) as info:
        load_library([path])
    assert info.value.problems == problems
    assert str(info.value).splitlines() == [str(p) for p in problems]
    assert len(info.value.problems) == len(expectations(path))


def test_load_library_returns_valid_definitions() -> None:
    library = load_library([SAMPLE])
    assert list(library.checklists) == [("sample", 2)]
    assert library.sources == {("checklist", "sample", 2): str(SAMPLE)}


def test_missing_paths_and_empty_folders_are_problems(tmp_path: Path) -> None:
    _, problems = load_paths([tmp_path / "nope.yaml", tmp_path])
    assert [(p.file, p.message) for p in problems] == sorted(
        [
            (str(tmp_path / "nope.yaml"), "no such file or folder"),
            (str(tmp_path), "no .yaml definition files here"),
        ]
    )


def test_same_definition_in_two_files_is_a_problem(tmp_path: Path) -> None:
    text = SAMPLE.read_text(encoding="utf-8")
    (tmp_path / "a.yaml").write_text(text, encoding="utf-8")
    (tmp_path / "b.yml").write_text(text, encoding="utf-8")
    library, problems = load_paths([tmp_path])
    assert len(problems) == 1
    assert problems[0].file == str(tmp_path / "b.yml")
    assert f"checklist 'sample' version 2 is also defined in {tmp_path / 'a.yaml'}" in str(
        problems[0]
    )
    assert list(library.checklists) == [("sample", 2)]


def test_latest_version_is_picked(tmp_path: Path) -> None:
    text = SAMPLE.read_text(encoding="utf-8")
    (tmp_path / "v2.yaml").write_text(text, encoding="utf-8")
    (tmp_path / "v3.yaml").write_text(text.replace("version: 2", "version: 3"), "utf-8")
    library = load_library([tmp_path])
    assert library.checklist("sample").version == 3
    assert library.checklist("sample", 2).version == 2
    with pytest.raises(KeyError, match="no checklist 'other'"):
        library.checklist("other")


# --- single files ---------------------------------------------------------------------------


def test_empty_file(tmp_path: Path) -> None:
    path = tmp_path / "empty.yaml"
    path.write_bytes(b"")
    definition, problems = load_file(path)
    assert definition is None
    assert [(p.line, p.column, p.message) for p in problems] == [
        (1, 1, "the file is empty: expected a checklist or gate definition")
    ]


def test_whitespace_only_text_is_empty() -> None:
    _, problems = load_text("\n\n   \n", "blank.yaml")
    assert [str(p) for p in problems] == [
        "blank.yaml:1:1: the file is empty: expected a checklist or gate definition"
    ]


def test_valid_checklist_round_trips() -> None:
    definition, problems = load_file(SAMPLE)
    assert problems == []
    assert isinstance(definition, ChecklistDefinition)
    dumped = definition.model_dump(by_alias=True, exclude_none=True, mode="python")
    again, problems = load_text(yaml.safe_dump(dumped, allow_unicode=True), "again.yaml")
    assert problems == []
    assert again == definition
    assert [i.id for i in definition.items()] == [
        "paid",
        "rung",
        "formats",
        "lived-experience-count",
        "why-few",
        "start-date",
        "plan-link",
        "supporters",
    ]
    why_few = definition.item("why-few")
    assert why_few.show_if is not None
    assert why_few.show_if.referenced_items() == {"lived-experience-count", "rung"}


def test_yaml_12_booleans() -> None:
    data = parse("a: no\nb: yes\nc: true\nd: off\ne: False\nf: 'true'\ng: ON\n").data
    assert data == {
        "a": "no",
        "b": "yes",
        "c": True,
        "d": "off",
        "e": False,
        "f": "true",
        "g": "ON",
    }
    assert data["c"] is True
    assert data["e"] is False


def test_option_id_no_stays_a_word() -> None:
    definition, _ = load_file(SAMPLE)
    assert isinstance(definition, ChecklistDefinition)
    answer = definition.item("rung").answer
    assert isinstance(answer, SingleChoiceAnswer)
    assert answer.options[0].id == "no"


def test_yes_no_condition_needs_a_real_boolean() -> None:
    # `yes` is a word in YAML 1.2, so it cannot be compared with a yes-no answer.
    _, problems = load_file(BAD / "condition-yes-no-not-boolean.yaml")
    assert [p.message for p in problems] == [
        "item 'paid' (yes-no) is answered true or false, not 'yes'"
    ]


def test_dates_parse() -> None:
    data = parse("a: 2024-04-01\nb: '2024-04-01'\nc: 2024-02-30\nd: 2024-4-1\n").data
    assert data == {"a": dt.date(2024, 4, 1), "b": "2024-04-01", "c": "2024-02-30", "d": "2024-4-1"}
    definition, _ = load_file(SAMPLE)
    assert isinstance(definition, ChecklistDefinition)
    answer = definition.item("start-date").answer
    assert isinstance(answer, DateAnswer)
    assert (answer.earliest, answer.latest) == (dt.date(2024, 4, 1), dt.date(2030, 3, 31))


def test_numbers_and_nulls_parse() -> None:
    data = parse("a: 12\nb: -3\nc: 1.5\nd: ~\ne:\nf: 0x10\n").data
    assert data == {"a": 12, "b": -3, "c": 1.5, "d": None, "e": None, "f": "0x10"}
    assert type(data["a"]) is int


def test_positions_of_keys_and_values() -> None:
    doc = parse("top:\n  inner: [1, two]\n")
    assert doc.position(("top", "inner"), key=True) == doc.keys[("top", "inner")]
    assert (doc.keys[("top", "inner")].line, doc.keys[("top", "inner")].column) == (2, 3)
    second = doc.position(("top", "inner", 1))
    assert (second.line, second.column) == (2, 14)
    # An absent path falls back to its nearest ancestor.
    assert doc.position(("top", "inner", 7)) == doc.position(("top", "inner"))
