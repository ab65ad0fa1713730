"""What goes in a Board member's papers for a meeting. Pure: values in, values out.

`meeting_due(meetings, today, days_before, calendar)` says which meeting's papers are
due: the next meeting on the calendar (today's included) whose papers day has come, the
day `days_before` working days before it (programme policy: at least 7 working days,
so that members, with their supporters, have time to read). `agenda_item(...)` sums
up one venture awaiting the Board: its checklists
(how many items are shown, answered and missing, every answer (with its Easy Read
words where the item has them: a choice's Easy Read label), and the key answers:
those of each checklist's first section), the reviewers' recommendations and notes,
the lived-experience involvement, the conditions proposed so far, the interests
declared, and why it is before the Board (the rules' reasons). `pack_for(member,
meeting, agenda)` is one member's pack: the whole agenda, with the items they leave
(an interest declared, or their own venture) marked, in their language(s) and format.
`papers_copies(member, supporters)` says who is sent a member's papers: the member,
and each of their supporters (the same pack, made for the member, so that the
supporter can help them read it).

Rendering (HTML and PDF) is in `notifications.board_pack`; reading and writing in
`services.board_pack` and `flows.board_pack`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from checklists.evaluate import evaluate
from checklists.spec import (
    ChecklistDefinition,
    DateAnswer,
    Item,
    MultipleChoiceAnswer,
    Option,
    PeopleAnswer,
    SingleChoiceAnswer,
    YesNoAnswer,
)
from governance.ballots import Interest
from governance.reasons import Reason
from governance.standing import recused
from governance.working_days import WEEKDAYS, WorkingCalendar
from governance.working_days import papers_day as working_papers_day

BOTH = ("cy", "en")  # Welsh first


@dataclass(frozen=True, slots=True)
class Words:
    """A text in English and Welsh (the same text twice when it is a person's own words)."""

    en: str
    cy: str

    def get(self, lang: str) -> str:
        return self.cy if lang == "cy" else self.en

    @staticmethod
    def same(text: str) -> Words:
        return Words(text, text)


@dataclass(frozen=True, slots=True)
class Question:
    id: str
    question: Words
    easy_read: Words


@dataclass(frozen=True, slots=True)
class KeyAnswer:
    question: Question
    answer: Words  # typed answers are the person's own words, the same in both
    # The answer in Easy Read words, where the item has them (a choice's Easy Read
    # label: "People share the work and the decisions with us as equals.", not
    # "Co-production").
    easy_read: Words | None = None

    def easy(self, lang: str) -> str:
        """The answer as an Easy Read reader gets it."""
        return (self.easy_read or self.answer).get(lang)


@dataclass(frozen=True, slots=True)
class NotMetSummary:
    question: Question
    reason: Words
    easy_read: Words


@dataclass(frozen=True, slots=True)
class ExceptionSummary:
    question: Question
    justification: str  # the person's own words, the same in both languages


@dataclass(frozen=True, slots=True)
class ChecklistSummary:
    id: str
    version: int
    title: Words
    easy_read: Words
    items: int  # all items of the checklist
    shown: int  # items shown (the others do not apply to this venture)
    answered: int  # shown items with a valid answer
    missing_required: tuple[Question, ...]
    missing_advisory: tuple[Question, ...]
    key_answers: tuple[KeyAnswer, ...]
    # Every answer given to a shown item, in the checklist's order: the Board decides
    # on all of them, whatever the format the member reads them in.
    answers: tuple[KeyAnswer, ...] = ()
    # Answered but not met (the checklist's reason), and the exceptions: not met, with
    # the reason why given instead (the person's own words). Never counted as met.
    not_met: tuple[NotMetSummary, ...] = ()
    exceptions: tuple[ExceptionSummary, ...] = ()

    @property
    def complete(self) -> bool:
        return not self.missing_required and not self.not_met


@dataclass(frozen=True, slots=True)
class ReviewSummary:
    reviewer: str  # name
    recommend: str  # go or recycle
    note: str
    at: dt.datetime
    stale: bool = False


@dataclass(frozen=True, slots=True)
class InterestSummary:
    member: str  # name
    email: str
    text: str


@dataclass(frozen=True, slots=True)
class Involvement:
    """How people with lived experience took part in the checklist: who of them gave
    the answers that stand, and how many of those answers are theirs."""

    people: tuple[str, ...] = ()  # names, sorted
    answers: int = 0  # current answers given by them
    of: int = 0  # current answers given by anyone
    signed_off: tuple[str, ...] = ()  # names: who confirmed the checklist (the sign-off)


@dataclass(frozen=True, slots=True)
class EasyReadSummary:
    """The venture's Easy Read summary a co-producer agreed to, in the language its lead
    wrote it in (the Easy Read papers mark it so when theirs is the other)."""

    lang: str
    text: str


@dataclass(frozen=True, slots=True)
class AgendaItem:
    """One venture awaiting the Board."""

    venture_id: str
    title: str
    workstream: Words  # the programme file names each workstream in English and Welsh
    lead: str  # name
    lead_email: str
    gate: Words
    gate_easy_read: Words
    ballot: int
    vote_by: dt.datetime
    checklists: tuple[ChecklistSummary, ...] = ()
    reviews: tuple[ReviewSummary, ...] = ()
    interests: tuple[InterestSummary, ...] = ()
    involvement: Involvement = Involvement()
    # The conditions proposed so far: the texts of the current "approve with
    # conditions" votes of this ballot (the decision lists those that carry).
    conditions: tuple[str, ...] = ()
    # Why it is before the Board: the reasons the rules gave when it was sent there,
    # or when its vote was last run on (more time, no quorum), as the messages give them.
    reasons: tuple[Reason, ...] = ()
    # Its Easy Read summary, once a co-producer agreed to it (None: none agreed yet).
    summary: EasyReadSummary | None = None
    # What people wrote here in one language (notes, conditions, text answers) and was
    # asked to be translated: {the text as written: (its language, the other language's
    # or None until given)} (services.free_text).
    translations: Mapping[str, tuple[str, str | None]] = field(default_factory=dict)

    def free(self, text: str, lang: str) -> tuple[str, str | None]:
        """A text someone wrote, as a reader of `lang` reads it: its translation once
        given, else as written; and the language it is in when that is not `lang`
        (None: in `lang`, or not known)."""
        written, other = self.translations.get(text, (None, None))
        if written is None or written == lang:
            return text, None
        if other:
            return other, None
        return text, written


@dataclass(frozen=True, slots=True)
class Member:
    """A Board member, as their papers are made for them."""

    name: str
    email: str
    languages: tuple[str, ...]  # ("en",), ("cy",) or ("cy", "en") when never asked
    easy_read: bool
    is_chair: bool = False


@dataclass(frozen=True, slots=True)
class PapersCopy:
    """One person sent a member's papers: the member, or a supporter of theirs."""

    email: str
    supporting: str | None = None  # the member's email, when this is a supporter's copy


@dataclass(frozen=True, slots=True)
class AuditMark:
    """The audit log's head when papers were made: the last entry's number and hash.
    Printed in the papers so the minutes can carry it and `cyd audit verify --head`
    can later prove the log still holds everything the Board was shown."""

    seq: int
    head: str


@dataclass(frozen=True)
class BoardPack:
    meeting: dt.date
    member: Member
    agenda: tuple[AgendaItem, ...]
    leaves: frozenset[str] = field(default_factory=frozenset)  # venture ids they leave
    # Where the pages are ("https://cyd.example.org"): the papers say where to vote.
    site: str = ""
    audit: AuditMark | None = None  # None: the log was empty

    def vote_url(self, item: AgendaItem) -> str:
        return f"{self.site}/ventures/{item.venture_id}/vote"

    def leaves_item(self, item: AgendaItem) -> bool:
        return item.venture_id in self.leaves


# --- which meeting --------------------------------------------------------------------------


def meeting_due(
    meetings: Iterable[dt.date],
    today: dt.date,
    days_before: int,
    calendar: WorkingCalendar = WEEKDAYS,
) -> dt.date | None:
    """The next meeting from `today` (included) whose papers day has come, if any."""
    ahead = sorted(
        m for m in set(meetings) if today <= m and papers_day(m, days_before, calendar) <= today
    )
    return ahead[0] if ahead else None


def papers_day(meeting: dt.date, days_before: int, calendar: WorkingCalendar = WEEKDAYS) -> dt.date:
    """The day the papers for `meeting` go out: `days_before` working days before it."""
    return working_papers_day(meeting, days_before, calendar)


# --- what each venture says -----------------------------------------------------------------


def _option_words(option: Option) -> Words:
    return Words(option.label.en, option.label.cy)


def answer_words(item: Item, value: Any) -> Words:
    """An answer as a person reads it: a choice by its label, yes/no in words."""
    spec = item.answer
    if isinstance(spec, YesNoAnswer) and isinstance(value, bool):
        return Words("Yes", "Ie") if value else Words("No", "Na")
    if isinstance(spec, SingleChoiceAnswer):
        for option in spec.options:
            if option.id == value:
                return _option_words(option)
    if isinstance(spec, MultipleChoiceAnswer) and isinstance(value, list):
        labels = {o.id: _option_words(o) for o in spec.options}
        chosen = [labels[v] for v in value if v in labels]
        if chosen:
            return Words("; ".join(w.en for w in chosen), "; ".join(w.cy for w in chosen))
    if isinstance(spec, PeopleAnswer) and isinstance(value, list):
        return Words.same(", ".join(str(v) for v in value))
    if isinstance(spec, DateAnswer) and isinstance(value, dt.date | str):
        return Words.same(value.isoformat() if isinstance(value, dt.date) else value)
    return Words.same(str(value))


def answer_easy_read(item: Item, value: Any) -> Words | None:
    """A choice answer in its options' Easy Read labels, where they have them (each
    label a sentence, so several are written one after the other); else None."""
    spec = item.answer
    if isinstance(spec, SingleChoiceAnswer):
        chosen = [o for o in spec.options if o.id == value]
    elif isinstance(spec, MultipleChoiceAnswer) and isinstance(value, list):
        by_id = {o.id: o for o in spec.options}
        chosen = [by_id[v] for v in value if v in by_id]
    else:
        return None
    if not any(o.easy_read for o in chosen):
        return None

    def said(option: Option, lang: str) -> str:
        if option.easy_read is not None:
            return option.easy_read.cy if lang == "cy" else option.easy_read.en
        label = option.label.cy if lang == "cy" else option.label.en
        return label if label.endswith((".", "?", "!")) else f"{label}."

    return Words(" ".join(said(o, "en") for o in chosen), " ".join(said(o, "cy") for o in chosen))


def _answer(item: Item, value: Any) -> KeyAnswer:
    return KeyAnswer(_question(item), answer_words(item, value), answer_easy_read(item, value))


def _question(item: Item) -> Question:
    return Question(
        item.id,
        Words(item.question.en, item.question.cy),
        Words(item.easy_read.en, item.easy_read.cy),
    )


def checklist_summary(
    checklist: ChecklistDefinition, answers: Mapping[str, Any], today: dt.date | None = None
) -> ChecklistSummary:
    """Shown, answered and missing items, answers not met and exceptions, and the key
    answers (the first section's). `today`: the day relative date tests count from."""
    result = evaluate(checklist, answers, today=today)
    items = {item.id: item for item in checklist.items()}
    answered = set(result.answered)
    every = tuple(
        _answer(item, answers[item.id]) for item in checklist.items() if item.id in answered
    )
    key = tuple(
        _answer(item, answers[item.id])
        for item in checklist.sections[0].items
        if item.id in answered
    )
    return ChecklistSummary(
        id=checklist.id,
        version=checklist.version,
        title=Words(checklist.title.en, checklist.title.cy),
        easy_read=Words(checklist.easy_read.en, checklist.easy_read.cy),
        items=len(items),
        shown=len(result.shown),
        answered=len(result.answered),
        missing_required=tuple(_question(items[i]) for i in result.missing_required),
        missing_advisory=tuple(_question(items[i]) for i in result.missing_advisory),
        key_answers=key,
        answers=every,
        not_met=tuple(
            NotMetSummary(
                _question(items[i]),
                Words(why.reason.en, why.reason.cy),
                Words(why.easy_read.en, why.easy_read.cy),
            )
            for i, why in result.not_met.items()
        ),
        exceptions=tuple(
            ExceptionSummary(_question(items[i]), text) for i, text in result.justified.items()
        ),
    )


def agenda_item(
    *,
    venture_id: str,
    title: str,
    workstream: Words,
    lead: str,
    lead_email: str,
    gate: Words,
    gate_easy_read: Words,
    ballot: int,
    vote_by: dt.datetime,
    checklists: Sequence[ChecklistDefinition],
    answers: Mapping[str, Mapping[str, Any]],
    reviews: Iterable[ReviewSummary] = (),
    interests: Iterable[InterestSummary] = (),
    involvement: Involvement | None = None,
    conditions: Iterable[str] = (),
    reasons: Iterable[Reason] = (),
    summary: EasyReadSummary | None = None,
    translations: Mapping[str, tuple[str, str | None]] | None = None,
) -> AgendaItem:
    return AgendaItem(
        venture_id=venture_id,
        title=title,
        workstream=workstream,
        lead=lead,
        lead_email=lead_email,
        gate=gate,
        gate_easy_read=gate_easy_read,
        ballot=ballot,
        vote_by=vote_by,
        checklists=tuple(checklist_summary(c, answers.get(c.id, {})) for c in checklists),
        reviews=tuple(sorted(reviews, key=lambda r: (r.at, r.reviewer))),
        interests=tuple(sorted(interests, key=lambda i: i.member)),
        involvement=involvement or Involvement(),
        conditions=tuple(conditions),
        reasons=tuple(reasons),
        summary=summary,
        translations=dict(translations or {}),
    )


def pack_for(
    member: Member,
    meeting: dt.date,
    agenda: Iterable[AgendaItem],
    *,
    site: str = "",
    audit: AuditMark | None = None,
) -> BoardPack:
    """One member's papers: the whole agenda, soonest vote first, their own interests marked.

    A member leaves the decision on a venture they declared an interest in, and on a
    venture they lead (as `governance.advance` counts them); they still get its papers.
    """
    items = tuple(sorted(agenda, key=lambda a: (a.vote_by, a.venture_id)))
    leaves = frozenset(
        a.venture_id
        for a in items
        if member.email in recused((Interest(i.email, i.text) for i in a.interests), a.lead_email)
    )
    return BoardPack(
        meeting=meeting, member=member, agenda=items, leaves=leaves, site=site, audit=audit
    )


def papers_copies(member: str, supporters: Iterable[str]) -> tuple[PapersCopy, ...]:
    """Who is sent `member`'s papers: the member first, then each supporter once
    (sorted). A supporter's copy is the member's own pack, in the member's language
    and format: the supporter helps the member read their papers, and never votes."""
    helpers = sorted({s for s in supporters if s and s != member})
    return (PapersCopy(member), *(PapersCopy(s, supporting=member) for s in helpers))
