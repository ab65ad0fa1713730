"""The README's definition examples are real: they load without a problem."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from checklists.evaluate import evaluate
from checklists.loader import load_text
from checklists.spec import ChecklistDefinition, GateDefinition

README = Path(__file__).resolve().parent.parent / "README.md"
BLOCKS = re.findall(r"```yaml\n(.*?)```", README.read_text(encoding="utf-8"), re.S)
# The programme example in the README is abridged; examples/programme.yaml is the whole one.
EXAMPLES = [b for b in BLOCKS if "\nkind: checklist" in b or "\nkind: gate" in b]


def test_readme_has_both_kinds_of_example() -> None:
    kinds = {re.search(r"\nkind: (\w+)", b).group(1) for b in EXAMPLES}  # type: ignore[union-attr]
    assert kinds == {"checklist", "gate"}


@pytest.mark.parametrize("text", EXAMPLES, ids=lambda t: t.split("\nid: ")[1].split()[0])
def test_readme_example_loads(text: str) -> None:
    definition, problems = load_text(text, "README.md")
    assert problems == []
    assert isinstance(definition, ChecklistDefinition | GateDefinition)


def test_readme_checklist_example_behaves_as_described() -> None:
    text = next(b for b in EXAMPLES if "\nkind: checklist" in b)
    definition, _ = load_text(text)
    assert isinstance(definition, ChecklistDefinition)
    assert evaluate(definition, {"payment": "unpaid"}).hidden == ("benefits-advice",)
    paid = evaluate(definition, {"payment": "paid"})
    assert paid.missing_required == ("benefits-advice",)
    assert not paid.complete


def test_readme_pictures_exist_and_are_small() -> None:
    pictures = re.findall(r"!\[[^\]]+\]\(([^)]+)\)", README.read_text(encoding="utf-8"))
    assert pictures, "the README shows the pages"
    for picture in pictures:
        path = README.parent / picture
        assert path.is_file(), picture
        assert path.stat().st_size < 200_000, f"{picture} is too large for the README"
