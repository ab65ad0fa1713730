"""A venture's checklists cut into question pages, and their addresses.

    /ventures/{id}/checklist              the task list
    /ventures/{id}/checklist/{item}       the question page that holds the item
    /ventures/{id}/check                  check your answers, then submit

An item's address is its id, or `checklist.item` when two checklists of the gate
share an id (ids are lower-case words and hyphens, so the dot is free).

What a question page holds depends on the format:

    standard    the shown items of one section (sections are short: two to four
                questions), saved together in one unit of work (`answer_many`)
    Easy Read   one question a page: one thing at a time, as Easy Read asks

Items hidden by conditions are never on a page. When saving a page shows new items
of its own section (an answer that a condition waited for), "save and continue"
stays on the page so that they are seen; otherwise it goes to the next page, and
after the last to "check your answers".

A must-meet item whose `met_when` accepts a justification has a second question on
its page, "why can it not be met yet?" (`Entry.justifying`), only while its answer as
it stands does not meet what it asks (`Entry.asks_why`). Why not always, as an
optional field: a field that is always there asks everyone who has just met the item
why they cannot; on an Easy Read page (one question a page, read aloud by a screen
reader) it is a second question that mostly does not apply; and it invites an
exception where the answer could have been met. Asked when it applies, it comes with
the checklist's own reason the answer is not met, which is what a person needs to
choose between changing the answer and saying why: GOV.UK's pattern for a follow-up
question. Saving an answer that is not met stays on the page, so that it is seen
(as for an answer that shows another question).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from checklists.evaluate import JUSTIFICATION_SUFFIX, justification_item, justification_key
from checklists.progress import ChecklistProgress, ItemProgress, SectionProgress, progress
from checklists.spec import ChecklistDefinition, Item
from services.venture_checklist import GivenAnswer, VentureChecklists


@dataclass(frozen=True)
class Justifying:
    """The question asking why an item cannot be met yet (its `met_when.justification`),
    as a field of the item's page: answered, checked and stored as a text item of its
    own (`checklists.evaluate.justification_item`)."""

    item: Item  # the justification's own item: id 'item.justification', text, 300 words
    ref: str  # the page's name for it: the item's ref + '.justification'
    service_ref: str  # how the services name it: 'checklist/item.justification'
    given: GivenAnswer | None  # the justification stored now, if any


@dataclass(frozen=True)
class Entry:
    """An item as the pages show it: where it is, its status, its current answer."""

    checklist: ChecklistDefinition
    section: SectionProgress
    progress: ItemProgress
    ref: str
    given: GivenAnswer | None
    justification_given: GivenAnswer | None = None  # its justification stored now, if any

    @property
    def item(self) -> Item:
        return self.progress.item

    @property
    def service_ref(self) -> str:
        """How the services name it: 'checklist/item'."""
        return f"{self.checklist.id}/{self.item.id}"

    @property
    def justifying(self) -> Justifying | None:
        """Its justification question (None: the item accepts no justification)."""
        asked = justification_item(self.item)
        if asked is None:
            return None
        return Justifying(
            item=asked,
            ref=self.ref + JUSTIFICATION_SUFFIX,
            service_ref=self.service_ref + JUSTIFICATION_SUFFIX,
            given=self.justification_given,
        )

    @property
    def asks_why(self) -> bool:
        """Whether its page asks why it cannot be met yet: it accepts a justification and
        its answer as it stands does not meet what it asks (not met, or let through as
        an exception by the justification given)."""
        return justification_item(self.item) is not None and (
            self.progress.status == "not-met" or self.progress.justification is not None
        )

    @property
    def exception(self) -> bool:
        """Not met, and let through by a justification: what the Board sees as an
        exception (never as met)."""
        return self.progress.justification is not None


class Checklists:
    """The venture's checklists with their progress, entries and question pages."""

    def __init__(self, read: VentureChecklists) -> None:
        self.read = read
        self.progress: tuple[ChecklistProgress, ...] = tuple(
            progress(c, read.values(c.id)) for c in read.checklists
        )
        counts = Counter(i.id for c in read.checklists for i in c.items())
        self._shared = {i for i, n in counts.items() if n > 1}
        self.entries: tuple[Entry, ...] = tuple(
            Entry(
                checklist=p.definition,
                section=section,
                progress=entry,
                ref=self.ref(p.definition.id, entry.item.id),
                given=read.answers.get(p.definition.id, {}).get(entry.item.id),
                justification_given=read.answers.get(p.definition.id, {}).get(
                    justification_key(entry.item.id)
                ),
            )
            for p in self.progress
            for section in p.sections
            for entry in section.items
        )
        self._by_ref = {e.ref: e for e in self.entries}

    def ref(self, checklist_id: str, item_id: str) -> str:
        return f"{checklist_id}.{item_id}" if item_id in self._shared else item_id

    def entry(self, ref: str) -> Entry | None:
        """The listed item at `ref` (None: unknown, or not needed with these answers)."""
        return self._by_ref.get(ref)

    def knows(self, ref: str) -> bool:
        """Whether `ref` names an item of these checklists at all (listed or not)."""
        checklist_id, _, item_id = ref.rpartition(".")
        return any(
            (not checklist_id or c.id == checklist_id) and any(i.id == item_id for i in c.items())
            for c in self.read.checklists
        )

    def pages(self, easy_read: bool) -> list[list[Entry]]:
        """The question pages in order, each its entries (shown items only)."""
        shown = [e for e in self.entries if e.progress.shown]
        if easy_read:
            return [[e] for e in shown]
        pages: list[list[Entry]] = []
        for entry in shown:
            if pages and pages[-1][0].section is entry.section:
                pages[-1].append(entry)
            else:
                pages.append([entry])
        return pages

    def page_of(self, ref: str, easy_read: bool) -> list[Entry] | None:
        for page in self.pages(easy_read):
            if any(e.ref == ref for e in page):
                return page
        return None

    def page_after(self, ref: str, easy_read: bool) -> list[Entry] | None:
        """The page after the one holding `ref` (None: it was the last)."""
        pages = self.pages(easy_read)
        for n, page in enumerate(pages):
            if any(e.ref == ref for e in page):
                return pages[n + 1] if n + 1 < len(pages) else None
        return None

    @property
    def lead_items(self) -> int:
        """How many shown items only the lead answers (`audience: lead`)."""
        return sum(1 for e in self.entries if e.progress.shown and not e.item.for_co_producers())

    @property
    def sections(self) -> int:
        return sum(len(p.sections) for p in self.progress)

    @property
    def completed_sections(self) -> int:
        return sum(1 for p in self.progress for s in p.sections if s.status == "completed")

    def missing(self) -> list[Entry]:
        """Shown must-meet items without a valid answer, invalid answers and answers not
        met: what stops a submission (the same evaluation the rules make), in document
        order."""
        wanted = {
            (p.definition.id, i)
            for p in self.progress
            for i in (*p.evaluation.unmet_required, *p.evaluation.invalid)
        }
        return [e for e in self.entries if (e.checklist.id, e.item.id) in wanted]

    @property
    def complete(self) -> bool:
        return all(p.evaluation.complete for p in self.progress)
