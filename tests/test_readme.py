"""The README's definition examples are real: they load without a problem."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from checklists.evaluate import evaluate
from checklists.loader import load_library, load_text
from checklists.spec import ChecklistDefinition, GateDefinition, PrinciplesDefinition

README = Path(__file__).resolve().parent.parent / "README.md"
BLOCKS = re.findall(r"```yaml\n(.*?)```", README.read_text(encoding="utf-8"), re.S)
# The programme example in the README is abridged; examples/programme.yaml is the whole one.
EXAMPLES = [b for b in BLOCKS if re.search(r"\nkind: (checklist|gate|principles)\n", b)]


def test_readme_has_every_kind_of_example() -> None:
    kinds = {re.search(r"\nkind: (\w+)", b).group(1) for b in EXAMPLES}  # type: ignore[union-attr]
    assert kinds == {"checklist", "gate", "principles"}


@pytest.mark.parametrize("text", EXAMPLES, ids=lambda t: t.split("\nid: ")[1].split()[0])
def test_readme_example_loads(text: str) -> None:
    definition, problems = load_text(text, "README.md")
    assert problems == []
    assert isinstance(definition, ChecklistDefinition | GateDefinition | PrinciplesDefinition)


def test_readme_shared_principles_example_is_what_it_says() -> None:
    # The worked checklist, with its own principles replaced by the snippet that names the set.
    text = next(b for b in EXAMPLES if "\nkind: checklist" in b)
    values, _ = load_text(next(b for b in EXAMPLES if "\nkind: principles" in b))
    assert isinstance(values, PrinciplesDefinition)
    snippet = next(b for b in BLOCKS if b.startswith("shared_principles:"))
    own = re.search(r"\nprinciples:.*?\n(?=sections:)", text, re.S)
    assert own is not None
    shared = text.replace(own.group(0), "\n" + snippet)
    definition, problems = load_text(shared, "README.md")
    assert definition is None, "the set is not known to a text alone"
    definition, problems = load_text(shared, "README.md", {values.id: values})
    assert problems == []
    assert isinstance(definition, ChecklistDefinition)
    assert definition.principles == values.principles
    assert definition.shared_principles == [values.id]


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


def test_readme_counts_the_shipped_items_as_they_are() -> None:
    text = " ".join(README.read_text(encoding="utf-8").split())
    for checklist in load_library().latest_checklists():
        said = re.search(rf"`{checklist.id}` version (\d+), (\d+) items", text)
        assert said is not None, checklist.id
        assert (int(said[1]), int(said[2])) == (checklist.version, len(checklist.items()))


def test_readme_translations_policy_is_what_a_programme_accepts() -> None:
    from governance.programme import TranslationPolicy

    (block,) = [b for b in BLOCKS if b.startswith("translations:")]
    policy = TranslationPolicy.model_validate(yaml.safe_load(block)["translations"])
    assert (policy.days, policy.messages) == (3, "resend")
    assert policy == TranslationPolicy()  # the defaults, as the README says
