"""Hostile files: each is refused with one clear Problem, quickly and in bounded memory.

None of these may raise: the loader returns Problems. The files are made in
tmp_path at test time, so nothing big is committed.
"""

from __future__ import annotations

import random
import tracemalloc
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

import checklists.yamlsource as yamlsource
from checklists.loader import Problem, load_file, load_paths, load_text
from checklists.spec import ChecklistDefinition

SAMPLE = Path(__file__).resolve().parent / "valid" / "sample.yaml"
MB = 1_000_000


def alias_bomb(levels: int, width: int) -> str:
    """The 'billion laughs': each level is `width` aliases of the one before."""
    lines = ["a0: &a0 [" + ", ".join(['"lol"'] * width) + "]"]
    for n in range(1, levels):
        lines.append(f"a{n}: &a{n} [" + ", ".join([f"*a{n - 1}"] * width) + "]")
    return "\n".join(lines) + "\n"


def peak_memory(work: Callable[[], Any]) -> tuple[Any, int]:
    tracemalloc.start()
    try:
        result = work()
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return result, peak


@pytest.fixture(params=["libyaml", "pure-python"])
def yaml_loader(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """Run a test with libyaml's parser and with PyYAML's own (the fallback)."""
    if request.param == "pure-python":
        monkeypatch.setattr(yamlsource, "_Loader", yaml.SafeLoader)
    else:
        assert yaml.__with_libyaml__, "PyYAML was built without libyaml"
        monkeypatch.setattr(yamlsource, "_Loader", yaml.CSafeLoader)
    return str(request.param)


def only_problem(problems: list[Problem]) -> Problem:
    assert len(problems) == 1, problems
    return problems[0]


@pytest.mark.parametrize(("levels", "width"), [(9, 9), (12, 12), (30, 4)])
def test_alias_bomb_fails_fast_in_bounded_memory(
    tmp_path: Path, yaml_loader: str, levels: int, width: int
) -> None:
    path = tmp_path / "laughs.yaml"
    text = alias_bomb(levels, width)
    path.write_text(text, encoding="utf-8")
    assert len(text) < 2_000  # a tiny file standing for width**levels values
    (definition, problems), peak = peak_memory(lambda: load_file(path))
    assert definition is None
    problem = only_problem(problems)
    assert "alias bomb" in problem.message
    assert "too many values" in problem.message
    # Refused at the first anchor too big to expand, not after expanding it.
    assert text.splitlines()[problem.line - 1].startswith("a")
    assert "*a" in text.splitlines()[problem.line - 1]
    assert peak < 10 * MB, f"peak {peak / MB:.1f} MB"


def test_self_referencing_alias_is_refused(yaml_loader: str) -> None:
    (definition, problems), peak = peak_memory(lambda: load_text("loop: &x [*x, *x]\n"))
    assert definition is None
    assert "nesting is too deep" in only_problem(problems).message
    assert peak < 10 * MB


def test_alias_used_sparingly_is_fine() -> None:
    # Aliases are allowed; only their expansion is bounded.
    text = SAMPLE.read_text(encoding="utf-8")
    label = "label: {en: Share power, cy: Rhannu pŵer}"
    evidence = "evidence: {en: The payment policy., cy: Y polisi talu.}"
    assert label in text
    assert evidence in text
    text = text.replace(label, label.replace("label: ", "label: &power ")).replace(
        evidence, "evidence: *power"
    )
    definition, problems = load_text(text)
    assert problems == []
    assert isinstance(definition, ChecklistDefinition)
    assert definition.item("paid").evidence == definition.principles[0].label


def test_huge_file_is_refused_before_reading(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "huge.yaml"
    line = "# " + "x" * 97 + "\n"
    path.write_text(line * 50_000, encoding="utf-8")  # 5 MB of harmless comments
    size = path.stat().st_size
    assert size == 5_000_000

    def no_parsing(*args: object, **kwargs: object) -> None:
        raise AssertionError("the file was parsed")

    monkeypatch.setattr(yaml, "compose", no_parsing)
    (definition, problems), peak = peak_memory(lambda: load_file(path))
    assert definition is None
    problem = only_problem(problems)
    assert "5,000,000 bytes" in problem.message
    assert "at most 1,000,000" in problem.message
    assert (problem.line, problem.column) == (1, 1)
    assert peak < MB, "the file should not even be read"


def test_huge_text_is_refused_before_parsing(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(yaml, "compose", None)
    _, problems = load_text("a: b\n" * 300_000)
    assert "longer than 1,000,000 characters" in only_problem(problems).message


def test_binary_file_is_not_a_text_file(tmp_path: Path) -> None:
    path = tmp_path / "picture.yaml"
    noise = random.Random(1).randbytes(4096)  # noqa: S311 - repeatable noise, not a secret
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + noise)
    definition, problems = load_file(path)
    assert definition is None
    problem = only_problem(problems)
    assert problem.message.startswith("not a text file")
    assert problem.file == str(path)


def test_non_utf8_file_says_so(tmp_path: Path) -> None:
    path = tmp_path / "latin1.yaml"
    text = "title: {en: Café, cy: Caffi}\n"
    path.write_bytes(text.encode("latin-1"))
    _, problems = load_file(path)
    message = only_problem(problems).message
    assert message == f"not UTF-8 text (bad byte at offset {text.index('é')})"


def test_utf8_with_byte_order_mark_is_fine(tmp_path: Path) -> None:
    path = tmp_path / "bom.yaml"
    path.write_bytes(b"\xef\xbb\xbf" + SAMPLE.read_bytes())
    definition, problems = load_file(path)
    assert problems == []
    assert definition is not None
    assert definition.id == "sample"


@pytest.mark.parametrize(
    "text",
    [
        "[" * 10_000 + "]" * 10_000,
        "[" * 10_000,
        "a: " + "{a: " * 10_000 + "1" + "}" * 10_000,
        "".join("  " * n + "- \n" for n in range(200)),
    ],
    ids=["closed-lists", "open-lists", "mappings", "block-lists"],
)
def test_deep_nesting_is_refused_without_recursion_error(yaml_loader: str, text: str) -> None:
    definition, problems = load_text(text, "deep.yaml")
    assert definition is None
    message = only_problem(problems).message
    assert "nesting is too deep" in message or "maximum nesting depth" in message
    assert "Recursion" not in message


def test_nesting_within_the_limit_is_fine() -> None:
    doc = yamlsource.parse("a: " + "[" * 60 + "]" * 60 + "\n")
    value = doc.data["a"]
    depth = 0
    while value:
        value = value[0]
        depth += 1
    assert depth == 59


def test_a_folder_of_hostile_files_is_reported_file_by_file(tmp_path: Path) -> None:
    (tmp_path / "bomb.yaml").write_text(alias_bomb(9, 9), encoding="utf-8")
    (tmp_path / "binary.yaml").write_bytes(b"\x00\x01\x02")
    (tmp_path / "latin1.yaml").write_bytes(b"a: caf\xe9\n")
    (tmp_path / "deep.yaml").write_text("[" * 5_000, encoding="utf-8")
    (tmp_path / "huge.yaml").write_bytes(b"#" * 1_000_001)
    (tmp_path / "sample.yaml").write_bytes(SAMPLE.read_bytes())
    library, problems = load_paths([tmp_path])
    by_file = {Path(p.file).name: p.message for p in problems}
    assert len(problems) == len(by_file) == 5
    assert "alias bomb" in by_file["bomb.yaml"]
    assert "not a text file" in by_file["binary.yaml"]
    assert "not UTF-8" in by_file["latin1.yaml"]
    assert "nesting" in by_file["deep.yaml"]
    assert "1,000,001 bytes" in by_file["huge.yaml"]
    # The one good file still loads.
    assert list(library.checklists) == [("sample", 2)]
