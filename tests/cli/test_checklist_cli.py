"""`cyd checklist ...`, run as a person runs it: the installed console script, in a subprocess."""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from checklists.loader import DEFAULT_DIR, SUFFIXES, load_library, load_paths
from checklists.schema import SCHEMA_FILE
from checklists.spec import ChecklistDefinition
from checklists.yamlsource import parse

ROOT = Path(__file__).resolve().parents[2]
CYD = Path(sys.executable).with_name("cyd")
BAD = Path("tests/checklists/bad")  # relative to ROOT, as a person would type it
SAMPLE = Path("tests/checklists/valid/sample.yaml")
SHARED = Path("tests/checklists/shared")
BAD_PRINCIPLES = Path("tests/checklists/bad_principles")
WIDE = {"COLUMNS": "400"}  # so that rich does not wrap the texts we look for


def cyd(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(CYD), *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        encoding="utf-8",
        env={**os.environ, **(env or {})},
        timeout=60,
        check=False,
    )


def squash(text: str) -> str:
    return " ".join(text.split())


def test_the_console_script_is_installed() -> None:
    assert CYD.is_file(), f"{CYD} missing: run 'uv sync'"
    result = cyd("--help")
    assert result.returncode == 0
    assert "checklist" in result.stdout


# --- validate ------------------------------------------------------------------------------


def test_validate_bad_file_reports_every_problem() -> None:
    path = BAD / "many-problems.yaml"
    result = cyd("checklist", "validate", str(path))
    assert result.returncode == 1
    assert result.stdout == ""
    assert "Traceback" not in result.stderr
    _, problems = load_paths([ROOT / path])
    *lines, summary = result.stderr.splitlines()
    assert len(lines) == len(problems) >= 4
    for line, problem in zip(lines, problems, strict=True):
        assert re.match(rf"^{re.escape(str(path))}:\d+:\d+: \S", line), line
        assert line == f"{path}:{problem.line}:{problem.column}: " + (
            f"[{problem.item}] {problem.message}" if problem.item else problem.message
        )
    assert summary == f"{len(problems)} problem(s) in 1 file(s)"


def test_validate_several_bad_files_at_once() -> None:
    paths = [str(BAD / "yaml-syntax-error.yaml"), str(BAD / "missing-welsh.yaml")]
    result = cyd("checklist", "validate", *paths)
    assert result.returncode == 1
    lines = result.stderr.splitlines()
    assert lines[0].startswith(f"{paths[1]}:18:19: [paid] missing Welsh text")
    assert lines[1].startswith(f"{paths[0]}:21:11: YAML syntax error:")
    assert lines[-1] == "2 problem(s) in 2 file(s)"


def test_validate_hostile_file_gives_no_traceback(tmp_path: Path) -> None:
    binary = tmp_path / "binary.yaml"
    binary.write_bytes(b"\x00\xff\xfe" * 100)
    result = cyd("checklist", "validate", str(binary), str(tmp_path / "missing.yaml"))
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert f"{binary}:1:1: not a text file" in result.stderr
    assert f"{tmp_path / 'missing.yaml'}:1:1: no such file or folder" in result.stderr


def test_validate_shipped_definitions() -> None:
    for args in ((), (str(DEFAULT_DIR),)):
        result = cyd("checklist", "validate", *args)
        assert result.returncode == 0, result.stderr
        assert result.stderr == ""
        library = load_library([DEFAULT_DIR])
        sets = len(library.principle_sets)
        assert result.stdout == (
            f"valid: {len(library.checklists)} checklist(s), {len(library.gates)} gate(s)"
            + (f", {sets} principles set(s)" if sets else "")
            + "\n"
        )
        assert library.checklists


def test_validate_and_show_resolve_shared_principles() -> None:
    result = cyd("checklist", "validate", str(SHARED))
    assert (result.returncode, result.stderr) == (0, "")
    assert result.stdout == "valid: 1 checklist(s), 0 gate(s), 1 principles set(s)\n"
    # One file on its own finds the set beside it.
    alone = cyd("checklist", "validate", "--no-cache", str(SHARED / "sharing.yaml"))
    assert (alone.returncode, alone.stderr) == (0, "")
    shown = json.loads(cyd("checklist", "show", "sharing", "--path", str(SHARED), "--json").stdout)
    assert [p["id"] for p in shown["principles"]] == [
        "well-being",
        "share-power",
        "voice-and-control",
    ]
    assert shown["shared_principles"] == ["wales-values"]
    assert shown["principles"][1]["label"] == {"en": "Share power", "cy": "Rhannu pŵer"}


def test_validate_reports_shared_principles_problems_with_line_and_column() -> None:
    path = BAD_PRINCIPLES / "two-sets.yaml"
    result = cyd("checklist", "validate", str(path))
    assert result.returncode == 1
    assert result.stderr.splitlines() == [
        f"{path}:8:35: principle 'share-power' is declared in both shared sets "
        "'wales-values' and 'more-values'",
        f"{path}:8:48: shared principles set 'wales-values' is named twice",
        f"{path}:8:62: unknown principles set 'wales-valeus' (did you mean 'wales-values'?); "
        "declare it in a definition of kind 'principles'",
        "3 problem(s) in 1 file(s)",
    ]


# --- schema --------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def printed_schema() -> dict[str, Any]:
    result = cyd("checklist", "schema")
    assert result.returncode == 0, result.stderr
    schema: dict[str, Any] = json.loads(result.stdout)
    return schema


def test_schema_is_valid_json_schema(printed_schema: dict[str, Any]) -> None:
    jsonschema.Draft202012Validator.check_schema(printed_schema)
    assert printed_schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"


def test_committed_schema_is_in_sync() -> None:
    result = cyd("checklist", "schema")
    assert SCHEMA_FILE.read_text(encoding="utf-8") == result.stdout, (
        "run: uv run cyd checklist schema -o checklists/schema/cyd-definition.schema.json"
    )


def test_schema_output_option_writes_the_same_text(tmp_path: Path) -> None:
    target = tmp_path / "schema.json"
    result = cyd("checklist", "schema", "-o", str(target))
    assert result.returncode == 0
    assert target.read_text(encoding="utf-8") == SCHEMA_FILE.read_text(encoding="utf-8")


def _json_ready(value: Any) -> Any:
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, dict):
        return {k: _json_ready(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_json_ready(v) for v in value]
    return value


def _as_json(path: Path) -> Any:
    return _json_ready(parse(path.read_text(encoding="utf-8")).data)


def test_every_shipped_definition_matches_the_schema(printed_schema: dict[str, Any]) -> None:
    validator = jsonschema.Draft202012Validator(printed_schema)
    files = sorted(p for p in DEFAULT_DIR.rglob("*") if p.suffix in SUFFIXES)
    assert files
    shared = sorted((ROOT / SHARED).glob("*.yaml"))
    for path in [*files, ROOT / SAMPLE, *shared]:
        errors = [e.message for e in validator.iter_errors(_as_json(path))]
        assert errors == [], f"{path.name}: {errors}"


@pytest.mark.parametrize(
    "name",
    [
        "unknown-key-no-suggestion",
        "bad-id-capitals",
        "missing-welsh",
        "missing-easy-read",
        "unknown-answer-type",
        "wrong-type-string-for-int",
        "wrong-type-list-for-mapping",
        "unknown-kind",
        "no-principles",
        "principles-set-problems",
    ],
)
def test_schema_rejects_structural_mistakes(printed_schema: dict[str, Any], name: str) -> None:
    validator = jsonschema.Draft202012Validator(printed_schema)
    assert not validator.is_valid(_as_json(ROOT / BAD / f"{name}.yaml"))


# --- show ----------------------------------------------------------------------------------


def _shipped(checklist_id: str) -> ChecklistDefinition:
    return load_library([DEFAULT_DIR]).checklist(checklist_id)


def test_show_json_lists_every_item() -> None:
    result = cyd("checklist", "show", "coproduction-start", "--json")
    assert result.returncode == 0, result.stderr
    shown = json.loads(result.stdout)
    definition = _shipped("coproduction-start")
    assert shown["id"] == "coproduction-start"
    assert shown["version"] == definition.version
    assert [i["id"] for i in shown["items"]] == [i.id for i in definition.items()]
    for entry, item in zip(shown["items"], definition.items(), strict=True):
        for key in ("id", "type", "required", "options", "bounds", "condition"):
            assert key in entry, f"{item.id} lacks {key}"
        assert entry["type"] == item.answer.type
        assert entry["required"] is item.required
        assert entry["required"] is (item.level == "must-meet")
        assert [o["id"] for o in entry["options"]] == [
            o.id for o in getattr(item.answer, "options", [])
        ]
        expected_condition = (
            item.show_if.model_dump(by_alias=True, exclude_none=True, mode="json")
            if item.show_if
            else None
        )
        assert entry["condition"] == expected_condition
        assert entry["question"] == {"en": item.question.en, "cy": item.question.cy}


def test_show_says_what_counts_as_met_and_what_to_say_if_not() -> None:
    shown = json.loads(cyd("checklist", "show", "coproduction-start", "--json").stdout)
    met = {i["id"]: i["met_when"] for i in shown["items"] if i["met_when"]}
    count = met["lived-experience-count"]
    assert (count["test"], count["value"], count["text"]) == ("at_least", 1, "≥ 1")
    assert count["justification"]["cy"]  # a reason why not may be given instead
    formats = met["formats-offered"]
    assert formats["text"] == "includes [easy-read, welsh]"
    assert formats["justification"] is None
    text = cyd("checklist", "show", "coproduction-start", "--lang", "cy").stdout
    assert "Wedi'i fodloni pan: yn cynnwys [easy-read, welsh]" in text
    assert "Os nad yw wedi'i fodloni: Cynigiwch Hawdd ei Ddeall" in " ".join(text.split())


def test_show_json_of_sample_gives_bounds_options_and_conditions() -> None:
    result = cyd("checklist", "show", "sample", "--json", "--path", str(SAMPLE))
    assert result.returncode == 0, result.stderr
    items = {i["id"]: i for i in json.loads(result.stdout)["items"]}
    assert items["why-few"]["bounds"] == {"min_words": 5, "max_words": 150}
    assert items["why-few"]["condition"] == {
        "all": [
            {"item": "lived-experience-count", "at_most": 2},
            {"not": {"item": "rung", "one_of": ["no", "co-design"]}},
        ]
    }
    assert items["lived-experience-count"]["bounds"] == {"min": 0, "max": 500}
    # Who answers each item: anyone, unless the definition says (why-few: the lead).
    assert items["why-few"]["audience"] == "lead"
    assert items["lived-experience-count"]["audience"] == "anyone"
    shown = cyd("checklist", "show", "sample", "--path", str(SAMPLE), "--lang", "cy").stdout
    assert (
        "why-few · rhaid ei fodloni · testun (lleiafswm geiriau=5, uchafswm geiriau=150)"
        " · i'r arweinydd"
    ) in " ".join(shown.split())
    assert items["start-date"]["bounds"] == {"earliest": "2024-04-01", "latest": "2030-03-31"}
    assert items["formats"]["bounds"] == {"min_selected": 1, "max_selected": 3}
    assert items["supporters"]["bounds"] == {"min_people": 1, "max_people": 4}
    assert items["paid"]["bounds"] == {}
    assert items["paid"]["options"] == []
    assert items["paid"]["condition"] is None
    assert items["paid"]["hint_easy_read"] == {
        "en": "Bus fares count too.",
        "cy": "Mae prisiau bws yn cyfrif hefyd.",
    }
    assert items["paid"]["evidence_easy_read"]["cy"] == "Y rheolau am arian."
    assert items["rung"]["hint_easy_read"] is None
    assert items["rung"]["options"][0] == {
        "id": "no",
        "label": {"en": "Not decided", "cy": "Heb benderfynu"},
        "easy_read": {"en": "Not decided", "cy": "Heb benderfynu"},
    }
    assert items["rung"]["options"][1]["easy_read"]["en"] == "We plan it together."
    assert [i["required"] for i in items.values()] == [
        True,
        False,
        True,
        True,
        True,
        False,
        False,
        False,
    ]


def test_show_in_welsh() -> None:
    result = cyd("checklist", "show", "coproduction-start", "--lang", "cy", env=WIDE)
    assert result.returncode == 0, result.stderr
    out = squash(result.stdout)
    definition = _shipped("coproduction-start")
    assert squash(definition.title.cy) in out
    for section in definition.sections:
        assert squash(section.title.cy) in out
    for item in definition.items():
        assert squash(item.question.cy) in out, item.id
    different = [i for i in definition.items() if i.question.en != i.question.cy]
    assert different
    assert all(squash(i.question.en) not in out for i in different)


def test_show_easy_read() -> None:
    result = cyd("checklist", "show", "coproduction-start", "--easy-read", env=WIDE)
    assert result.returncode == 0, result.stderr
    out = squash(result.stdout)
    definition = _shipped("coproduction-start")
    assert squash(definition.easy_read.en) in out
    for item in definition.items():
        assert squash(item.easy_read.en) in out, item.id
        # Hints and evidence in their Easy Read forms, never the plain ones.
        for plain, easy in (
            (item.hint, item.hint_easy_read),
            (item.evidence, item.evidence_easy_read),
        ):
            if easy is not None:
                assert squash(easy.en) in out, item.id
            if plain is not None and (easy is None or plain.en != easy.en):
                assert squash(plain.en) not in out, item.id
    assert "for the co-producers" in out


def test_show_easy_read_in_welsh_of_sample() -> None:
    args = ("checklist", "show", "sample", "--path", str(SAMPLE), "--lang", "cy", "--easy-read")
    result = cyd(*args, env=WIDE)
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "Rhestr fer i roi cynnig ar bethau." in out
    assert "Ydych chi'n cael arian am eich amser?" in out
    assert "Rydym yn ei gynllunio gyda'n gilydd." in out  # an option's own Easy Read
    assert "Ydy pobl yn cael eu talu am eu hamser?" not in out  # the plain question
    assert "Do you get money" not in out
    # The Easy Read hint and evidence, not the standard ones; a hint with no Easy Read
    # form is shown as it is.
    assert "Awgrym: Mae prisiau bws yn cyfrif hefyd." in out
    assert "Tystiolaeth: Y rheolau am arian." in out
    assert "Cofiwch gynnwys treuliau." not in out
    assert "Y polisi talu." not in out
    assert "Awgrym: Anelwch yn uchel." in out


def test_show_plain_english_of_sample() -> None:
    result = cyd("checklist", "show", "sample", "--path", str(SAMPLE), env=WIDE)
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "Are people paid for their time?" in out
    assert "Hint: Include expenses." in out
    assert "Evidence: The payment policy." in out
    assert "Bus fares count too." not in out  # the Easy Read hint is for Easy Read
    assert "The rules about money." not in out
    assert "lived-experience-count ≤ 2" in out
    assert "Do you get money" not in out


def test_show_unknown_id_is_one_clear_line() -> None:
    result = cyd("checklist", "show", "no-such-checklist")
    assert result.returncode != 0
    assert result.stdout == ""
    assert "Traceback" not in result.stderr
    lines = result.stderr.splitlines()
    assert len(lines) == 1
    assert lines[0].startswith("cyd: no checklist 'no-such-checklist' (known: ")
    assert "coproduction-start" in lines[0]


def test_show_unknown_version_is_one_clear_line() -> None:
    result = cyd("checklist", "show", "sample", "--path", str(SAMPLE), "--version", "9")
    assert result.returncode != 0
    assert result.stderr == "cyd: no checklist 'sample' at version 9\n"


# --- start-up cost -------------------------------------------------------------------------

_PROBE = """
import importlib.abc, json, sys

HEAVY = ("prefect", "sqlmodel", "fastapi", "apprise")
tried = []

class Watch(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in HEAVY:
            tried.append(name)
        return None

sys.meta_path.insert(0, Watch())
from cli.main import main

codes = []
for args in json.loads(sys.argv[1]):
    try:
        main(args)
    except SystemExit as exc:
        codes.append(exc.code)
loaded = sorted(m for m in sys.modules if m.split(".")[0] in HEAVY)
print("PROBE " + json.dumps({"codes": codes, "tried": tried, "loaded": loaded}))
"""


def test_validate_and_show_do_not_import_heavy_packages() -> None:
    runs = [
        ["checklist", "validate"],
        ["checklist", "validate"],
        ["checklist", "validate", "--no-cache"],
        ["checklist", "show", "coproduction-start"],
        ["checklist", "show", "coproduction-start", "--json"],
        ["checklist", "show", "coproduction-start", "--lang", "cy", "--easy-read"],
    ]
    result = subprocess.run(
        [sys.executable, "-c", _PROBE, json.dumps(runs)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    probe = json.loads(result.stdout.rsplit("PROBE ", 1)[1])
    assert probe["codes"] == [0, 0, 0, 0, 0, 0]
    assert probe["tried"] == []
    assert probe["loaded"] == []


# --- the validation cache --------------------------------------------------------------------

_CACHED_RUN = """
import sys
from cli.main import main
try:
    main(sys.argv[1:])
except SystemExit as exc:
    code = exc.code
print("PYDANTIC", "pydantic" in sys.modules, "TYPER", "typer" in sys.modules, "CODE", code)
"""


def _validate_in_fresh_process(*paths: str) -> str:
    result = subprocess.run(
        [sys.executable, "-c", _CACHED_RUN, "checklist", "validate", *paths],
        cwd=ROOT,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=60,
        check=False,
    )
    return result.stdout + result.stderr


def test_second_validation_of_unchanged_files_needs_neither_typer_nor_pydantic(
    tmp_path: Path,
) -> None:
    folder = tmp_path / "defs"
    folder.mkdir()
    (folder / "sample.yaml").write_bytes((ROOT / SAMPLE).read_bytes())
    first = _validate_in_fresh_process(str(folder))
    assert "valid: 1 checklist(s), 0 gate(s)" in first
    assert "PYDANTIC True TYPER False CODE 0" in first
    second = _validate_in_fresh_process(str(folder))
    assert "valid: 1 checklist(s), 0 gate(s)" in second
    assert "PYDANTIC False TYPER False CODE 0" in second


def test_a_changed_file_is_validated_again(tmp_path: Path) -> None:
    folder = tmp_path / "defs"
    folder.mkdir()
    target = folder / "sample.yaml"
    target.write_bytes((ROOT / SAMPLE).read_bytes())
    assert "CODE 0" in _validate_in_fresh_process(str(folder))
    target.write_text(SAMPLE.read_text(encoding="utf-8") + "colour: red\n", encoding="utf-8")
    again = _validate_in_fresh_process(str(folder))
    assert "unknown key 'colour'" in again
    assert "CODE 1" in again


def test_a_changed_sibling_invalidates_a_single_file_verdict(tmp_path: Path) -> None:
    # A gate checked on its own is resolved against its folder: removing the
    # checklist it names must not be hidden by an earlier "valid".
    shipped = ROOT / "checklists" / "definitions"
    (tmp_path / "checklist.yaml").write_bytes((shipped / "coproduction-start.yaml").read_bytes())
    gate_text = (shipped / "gate-design.yaml").read_text(encoding="utf-8")
    (tmp_path / "gate.yaml").write_text(
        gate_text.replace("next_gate: delivery", ""), encoding="utf-8"
    )
    gate = str(tmp_path / "gate.yaml")
    assert "CODE 0" in _validate_in_fresh_process(gate)
    (tmp_path / "checklist.yaml").unlink()
    again = _validate_in_fresh_process(gate)
    assert "unknown checklist" in again
    assert "CODE 1" in again


def test_show_in_welsh_says_the_answer_types_and_conditions_in_welsh() -> None:
    welsh = squash(cyd("checklist", "show", "sample", "--path", str(SAMPLE), "--lang", "cy",
                       env=WIDE).stdout)  # fmt: skip
    english = squash(cyd("checklist", "show", "sample", "--path", str(SAMPLE), env=WIDE).stdout)
    # Answer types and their bounds.
    for said in (
        "· ie neu na",
        "· un dewis",
        "· sawl dewis (lleiafswm dewisiadau=1, uchafswm dewisiadau=3)",
        "· rhif (lleiaf=0, mwyaf=500)",
        "· dyddiad (cynharaf=2024-04-01, hwyraf=2030-03-31)",
        "· dolen",
        "· pobl (lleiafswm pobl=1, uchafswm pobl=4)",
    ):
        assert said in welsh, said
    # Conditions: the words are Welsh, the ids (what a person types) stay as written.
    assert "Dangosir pan: (lived-experience-count ≤ 2 a nid rung yn un o [no, co-design])" in welsh
    assert "Dangosir pan: start-date wedi'i ateb" in welsh
    assert "Shown when: (lived-experience-count ≤ 2 and not rung in [no, co-design])" in english
    assert "Shown when: start-date answered" in english
    # None of the English words of types and conditions is left in the Welsh.
    for word in ("yes-no", "single-choice", "multiple-choice", "min_selected", " and not ",
                 " answered", "number (", "people ("):  # fmt: skip
        assert word not in welsh, word
        assert word in english, word
