"""Where a checklist stands, section by section and item by item: for a task list.

Pure, built on `checklists.evaluate` (so conditions apply exactly as they do when a
venture is submitted). Each item the answers may still ask is listed with a status:

    completed       shown, with a valid answer that counts as met (or, where the item
                    accepts one, with a justification for not meeting it yet:
                    `justification` holds it, an exception the Board sees)
    not-met         shown, with a valid answer that does not meet what the item asks
                    (`reason`, `easy_read`: the checklist's own words)
    invalid         shown, with an answer that is not valid (it needs changing)
    not-started     shown, not answered yet
    cannot-start    hidden for now, but an answer not given yet decides whether it is
                    asked: its condition names an item that is shown and not validly
                    answered, or itself waits like this (`waiting_for` lists the shown
                    items to answer first). "Cannot start yet" on a task list.

An item hidden by answers already given (its condition is false and everything it
tests is answered) is not needed: it is left out, as it is left out of what a
submission requires. A section's status follows its listed items:

    cannot-start    none is shown yet, and some wait for an earlier answer
    completed       every listed item is completed (none waits)
    in-progress     some are answered (validly or not)
    not-started     none is answered

A section with no listed item (every item not needed) is left out. "Completed" asks
for every item shown, should-meet ones too: a section of advisory items nobody
answered is "not started", never "completed"; what a submission needs (must-meet
items only) is the evaluation's `missing_required`.

Deciding "cannot start yet" reads only which items a condition names, not the test:
an item may be listed as waiting although no answer could show it (a condition that
also needs an answer already given otherwise). It then says "answer that first",
which is never wrong to do.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

from checklists.evaluate import Evaluation, evaluate
from checklists.messages import Reason
from checklists.spec import ChecklistDefinition, Item, Section

ItemStatus = Literal["completed", "not-met", "invalid", "not-started", "cannot-start"]
SectionStatus = Literal["completed", "in-progress", "not-started", "cannot-start"]


@dataclass(frozen=True, slots=True)
class ItemProgress:
    item: Item
    status: ItemStatus
    waiting_for: tuple[str, ...] = ()  # cannot-start: the shown items to answer first
    reason: Reason | None = None  # invalid: why the answer is not valid; not-met: why not
    easy_read: Reason | None = None  # not-met: why not, in Easy Read
    justification: str | None = None  # completed by a justification instead of met

    @property
    def shown(self) -> bool:
        return self.status != "cannot-start"


@dataclass(frozen=True, slots=True)
class SectionProgress:
    section: Section
    status: SectionStatus
    items: tuple[ItemProgress, ...]  # shown and waiting items, in document order

    @property
    def shown(self) -> tuple[ItemProgress, ...]:
        return tuple(i for i in self.items if i.shown)


@dataclass(frozen=True, slots=True)
class ChecklistProgress:
    definition: ChecklistDefinition
    evaluation: Evaluation
    sections: tuple[SectionProgress, ...]  # sections with at least one listed item

    def items(self) -> tuple[ItemProgress, ...]:
        return tuple(i for s in self.sections for i in s.items)

    def find(self, item_id: str) -> tuple[SectionProgress, ItemProgress] | None:
        """The listed item `item_id` and its section, or None (unknown or not needed)."""
        for section in self.sections:
            for entry in section.items:
                if entry.item.id == item_id:
                    return section, entry
        return None


def progress(
    definition: ChecklistDefinition, answers: Mapping[str, Any], today: dt.date | None = None
) -> ChecklistProgress:
    """The checklist's sections and items with their statuses, given `answers` (`today`:
    the day relative date tests count from; None: the system's date)."""
    result = evaluate(definition, answers, today=today)
    shown = set(result.shown)
    answered = set(result.answered)
    waiting = _waiting(definition, result)
    sections: list[SectionProgress] = []
    for section in definition.sections:
        entries: list[ItemProgress] = []
        for item in section.items:
            if item.id in result.not_met:
                why = result.not_met[item.id]
                entries.append(
                    ItemProgress(item, "not-met", reason=why.reason, easy_read=why.easy_read)
                )
            elif item.id in answered:
                entries.append(
                    ItemProgress(item, "completed", justification=result.justified.get(item.id))
                )
            elif item.id in result.invalid:
                entries.append(ItemProgress(item, "invalid", reason=result.invalid[item.id]))
            elif item.id in shown:
                entries.append(ItemProgress(item, "not-started"))
            elif item.id in waiting:
                entries.append(ItemProgress(item, "cannot-start", waiting_for=waiting[item.id]))
        if entries:
            sections.append(SectionProgress(section, _section_status(entries), tuple(entries)))
    return ChecklistProgress(definition, result, tuple(sections))


def _waiting(definition: ChecklistDefinition, result: Evaluation) -> dict[str, tuple[str, ...]]:
    """Hidden items whose condition waits on an answer not given yet, each with the shown
    items that answer is to come from (through other waiting items, if need be)."""
    items = {item.id: item for item in definition.items()}
    shown = set(result.shown)
    unanswered = shown - set(result.answered)
    found: dict[str, tuple[str, ...]] = {}
    visiting: set[str] = set()

    def roots(item_id: str) -> tuple[str, ...]:
        if item_id in found:
            return found[item_id]
        item = items.get(item_id)
        if item is None or item.show_if is None or item_id in shown or item_id in visiting:
            return ()
        visiting.add(item_id)
        needed: list[str] = []
        for ref in sorted(item.show_if.referenced_items()):
            if ref in unanswered:
                needed.append(ref)
            else:
                needed.extend(roots(ref))
        visiting.discard(item_id)
        ordered = tuple(i for i in items if i in set(needed))  # document order, once each
        if ordered:
            found[item_id] = ordered
        return ordered

    for item_id in result.hidden:
        roots(item_id)
    return found


def _section_status(entries: list[ItemProgress]) -> SectionStatus:
    statuses = {e.status for e in entries}
    if statuses == {"cannot-start"}:
        return "cannot-start"
    if statuses == {"completed"}:
        return "completed"
    if statuses & {"completed", "not-met", "invalid"}:
        return "in-progress"
    return "not-started"
