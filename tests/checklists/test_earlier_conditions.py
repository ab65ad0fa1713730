"""Conditions on an earlier gate's answers are checked against the whole library: the
gate, its checklist, the item and the test, each reported where it is written."""

from __future__ import annotations

import shutil
from pathlib import Path

from checklists.loader import DEFAULT_DIR, load_paths

HEAD = """schema_version: 1
kind: checklist
id: later-check
version: 1
title: {en: Later, cy: Wedyn}
easy_read: {en: Later., cy: Wedyn.}
principles:
  - {id: p, label: {en: P, cy: P}}
sections:
  - id: s
    title: {en: S, cy: S}
    items:
      - id: first
        principle: p
        level: should-meet
        question: {en: First?, cy: Cyntaf?}
        easy_read: {en: First?, cy: Cyntaf?}
        answer: {type: yes-no}
"""


def _item(n: int, condition: str) -> str:
    return f"""      - id: asked-{n}
        principle: p
        level: should-meet
        question: {{en: Asked?, cy: Gofyn?}}
        easy_read: {{en: Asked?, cy: Gofyn?}}
        answer: {{type: yes-no}}
        show_if:
{condition}"""


def test_each_wrong_reference_is_reported_where_it_is_written(tmp_path: Path) -> None:
    folder = tmp_path / "definitions"
    shutil.copytree(DEFAULT_DIR, folder)
    conditions = [
        # 1: fine: the design gate's start checklist, its payment item, a real option
        "          gate: design\n          checklist: coproduction-start\n"
        "          item: payment\n          equals: expenses-only\n",
        # 2: no such gate
        "          gate: nowhere\n          checklist: coproduction-start\n"
        "          item: payment\n          equals: expenses-only\n",
        # 3: the gate has no such checklist
        "          gate: design\n          checklist: delivery-review\n"
        "          item: payment\n          equals: expenses-only\n",
        # 4: the checklist has no such item
        "          gate: design\n          checklist: coproduction-start\n"
        "          item: no-such-item\n          answered: true\n",
        # 5: an option the item does not have
        "          gate: design\n          checklist: coproduction-start\n"
        "          item: payment\n          equals: gold-bars\n",
        # 6: inside a combinator, a test that cannot apply to a yes-no item
        "          any:\n            - {item: first, equals: true}\n"
        "            - {gate: design, checklist: coproduction-start,"
        " item: photos-or-video, at_least: 2}\n",
    ]
    text = HEAD + "".join(_item(n, c) for n, c in enumerate(conditions, 1))
    path = folder / "later.yaml"
    path.write_text(text, encoding="utf-8")
    lines = text.splitlines()

    def line_of(fragment: str, after: int = 0) -> int:
        return next(n for n, line in enumerate(lines, 1) if n > after and fragment in line)

    _, problems = load_paths([path])
    found = sorted((p.line, p.item, p.message) for p in problems)
    assert found == [
        (line_of("gate: nowhere"), "asked-2", "condition names unknown gate 'nowhere'"),
        (
            line_of("checklist: delivery-review"),
            "asked-3",
            "gate 'design' has no checklist 'delivery-review' (it has: coproduction-start)",
        ),
        (
            line_of("item: no-such-item"),
            "asked-4",
            "checklist 'coproduction-start' has no item 'no-such-item'",
        ),
        (
            line_of("equals: gold-bars"),
            "asked-5",
            "condition names unknown option 'gold-bars' of item 'payment' (single-choice)",
        ),
        (
            line_of("photos-or-video"),
            "asked-6",
            "'at_least' needs a number, multiple-choice or people item; "
            "item 'photos-or-video' (yes-no)",
        ),
    ]


def test_a_file_may_not_write_the_earlier_answers_itself(tmp_path: Path) -> None:
    path = tmp_path / "later.yaml"
    path.write_text(
        HEAD.replace("sections:", "earlier_answers: {design/x/y: 1}\nsections:"), encoding="utf-8"
    )
    _, problems = load_paths([path])
    [problem] = problems
    assert problem.line == 9
    assert "earlier_answers is written by Cyd" in problem.message
