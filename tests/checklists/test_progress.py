"""Where a checklist stands for a task list: item and section statuses, conditions applied,
"cannot start yet" for items that wait on an answer not given yet."""

from __future__ import annotations

from typing import Any

from checklists.loader import load_library
from checklists.progress import progress
from checklists.spec import ChecklistDefinition

from .test_evaluate import MULTI, NUMBER, SINGLE, TEXT, YES_NO, item


def sections(*groups: list[dict[str, Any]]) -> ChecklistDefinition:
    data = {
        "schema_version": 1,
        "kind": "checklist",
        "id": "test-checklist",
        "version": 1,
        "title": {"en": "Test", "cy": "Prawf"},
        "easy_read": {"en": "A test.", "cy": "Prawf."},
        "principles": [{"id": "share-power", "label": {"en": "Share power", "cy": "Rhannu"}}],
        "sections": [
            {"id": f"s{n}", "title": {"en": "S", "cy": "A"}, "items": group}
            for n, group in enumerate(groups, start=1)
        ],
    }
    return ChecklistDefinition.model_validate(data)


def statuses(definition: ChecklistDefinition, answers: dict[str, Any]) -> dict[str, Any]:
    found = progress(definition, answers)
    return {
        s.section.id: (s.status, {i.item.id: i.status for i in s.items}) for s in found.sections
    }


TWO_SECTIONS = sections(
    [item("a", YES_NO), item("b", TEXT, level="should-meet")],
    [item("c", NUMBER), item("d", TEXT, {"item": "c", "at_least": 1})],
)


def test_sections_go_from_not_started_to_in_progress_to_completed() -> None:
    assert statuses(TWO_SECTIONS, {}) == {
        "s1": ("not-started", {"a": "not-started", "b": "not-started"}),
        "s2": ("not-started", {"c": "not-started", "d": "cannot-start"}),
    }
    assert statuses(TWO_SECTIONS, {"a": True})["s1"] == (
        "in-progress",
        {"a": "completed", "b": "not-started"},
    )
    # Every item shown, the advisory one too, makes a section completed.
    assert statuses(TWO_SECTIONS, {"a": True, "b": "yes"})["s1"][0] == "completed"


def test_an_item_waiting_on_an_answer_cannot_start_and_names_what_to_answer_first() -> None:
    found = progress(TWO_SECTIONS, {})
    waiting = found.find("d")
    assert waiting is not None
    assert waiting[1].status == "cannot-start"
    assert waiting[1].waiting_for == ("c",)
    assert not waiting[1].shown


def test_an_item_the_answers_hide_is_not_needed_and_left_out() -> None:
    # c = 0: d is not asked, and everything it depends on is answered.
    assert statuses(TWO_SECTIONS, {"c": 0})["s2"] == ("completed", {"c": "completed"})
    assert progress(TWO_SECTIONS, {"c": 0}).find("d") is None
    # c = 2: d is asked.
    assert statuses(TWO_SECTIONS, {"c": 2})["s2"] == (
        "in-progress",
        {"c": "completed", "d": "not-started"},
    )


def test_a_section_whose_items_all_wait_cannot_start_and_one_not_needed_is_left_out() -> None:
    definition = sections(
        [item("pay", SINGLE)],
        [item("advice", TEXT, {"item": "pay", "one_of": ["x", "y"]})],
    )
    assert statuses(definition, {})["s2"] == ("cannot-start", {"advice": "cannot-start"})
    assert statuses(definition, {"pay": "x"})["s2"] == ("not-started", {"advice": "not-started"})
    assert "s2" not in statuses(definition, {"pay": "z"})


def test_waiting_goes_through_a_chain_to_the_item_that_can_be_answered_now() -> None:
    definition = sections(
        [
            item("a", YES_NO),
            item("b", MULTI, {"item": "a", "equals": True}),
            item("c", TEXT, {"item": "b", "includes": "x"}),
        ]
    )
    found = progress(definition, {})
    assert [(i.item.id, i.status, i.waiting_for) for i in found.items()] == [
        ("a", "not-started", ()),
        ("b", "cannot-start", ("a",)),
        ("c", "cannot-start", ("a",)),
    ]
    found = progress(definition, {"a": True})
    assert [(i.item.id, i.waiting_for) for i in found.items() if not i.shown] == [("c", ("b",))]


def test_an_invalid_answer_is_in_progress_with_its_reason() -> None:
    found = progress(TWO_SECTIONS, {"c": -1, "a": "maybe"})
    entries = {i.item.id: i for i in found.items()}
    assert entries["a"].status == "invalid"
    assert entries["a"].reason is not None
    assert entries["a"].reason.en == "Answer yes or no."
    assert entries["c"].status == "invalid"
    # d waits on c, which has no valid answer yet.
    assert entries["d"].status == "cannot-start"
    assert [s.status for s in found.sections] == ["in-progress", "in-progress"]


def test_the_shipped_checklist_starts_with_its_conditional_items_waiting() -> None:
    start = load_library().checklist("coproduction-start")
    found = progress(start, {})
    waiting = {i.item.id: i.waiting_for for i in found.items() if not i.shown}
    # Each item with a condition waits for the items it names, in the order asked.
    order = [item.id for item in start.items()]
    assert waiting == {
        item.id: tuple(i for i in order if i in item.show_if.referenced_items())
        for item in start.items()
        if item.show_if is not None
    }
    assert waiting["benefits-advice"] == ("payment",)
    assert "formats-offered" in waiting["photo-consent"]
    # (Version 1 also hid the views of people with lived experience until the count was
    # at least 1; later versions ask for them whatever the count.)
    assert "lived-experience-views" not in waiting
    assert all(s.status == "not-started" for s in found.sections)
    # Expenses only: no advice on benefits is needed.
    assert progress(start, {"payment": "expenses-only"}).find("benefits-advice") is None
