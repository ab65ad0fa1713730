"""The message templates: every event in English, Welsh and both, standard and Easy Read.

The payloads are built here in the shape `services.advance` writes to the outbox, with
the words of the shipped definitions (every must-meet question of every checklist,
the real gates), so the Easy Read checks cover the questions people will really get.
The daily digest's cover and the admins' alert (`delivery-failed`) are in the same
matrix, with the payloads the relay gives them; the digest's carried messages and
the alert's secrets have tests of their own.
"""

from __future__ import annotations

import datetime as dt
import re
import xml.etree.ElementTree as ET
from collections import Counter
from collections.abc import Iterator
from dataclasses import FrozenInstanceError
from functools import cache
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import jinja2
import pytest
from babel import Locale

from checklists.loader import Library, load_library
from governance import catalogue
from governance.reasons import reason as governance_reason
from notifications import compose, words
from notifications import render as r
from notifications.render import (
    EVENTS,
    FORMATS,
    LANGUAGES,
    PICTOGRAMS,
    TEMPLATES,
    Recipient,
    Rendered,
    TemplateMissing,
    render_message,
    sentences,
)
from tests.notifications.conftest import ALERT_SAYS, DIGEST_SAYS, FORMS

SVG = "{http://www.w3.org/2000/svg}"
DEADLINE = "2026-12-10T09:00:00+00:00"  # a Thursday, in winter (GMT)
LATER = "2026-12-17T14:30:00+00:00"
CONDITION = "Hold the meetings in the afternoon, when people can get there."
NOTE = "Say where the café is."  # a co-producer's note on an Easy Read summary
# An idea from anyone, in the proposer's own words (English here: quoted as written in
# a Welsh message too), and who gave it.
IDEA_WHAT = "A repair café in the library on Saturday mornings."
IDEA_GROUP = "Butetown Tenants' Association"
IDEA_RECORDER = "Gareth Jones"
IDEA_STATES = (
    "draft",
    "submitted",
    "returned",
    "in_review",
    "awaiting_board",
    "approved",
    "approved_with_conditions",
    "recycled",
    "rejected",
    "on_hold",
    "withdrawn",
)
IDEA_OUTCOMES = ("adopted", "merged", "not-now", "not-for-programme")
MAX_WORDS = 15
# Whole words that are English and not Welsh: none may be left in a Welsh body.
ENGLISH_MARKERS = frozenset(
    {"the", "and", "you", "your", "please", "has", "have", "will", "with", "vote", "board"}
    | {"not", "we", "our", "this", "that", "what", "of", "to", "is", "are", "for"}
)
# Welsh phrases holding a word that is also an English marker ("we": web).
WELSH_LOOKALIKES = ("tudalen we",)
PERSON = Recipient("Siân Roberts", "sian.roberts@example.org", "cy")
MODES = {"en": ("en", False), "cy": ("cy", False), "both": (None, True)}
DAY = "2026-12-10"  # a digest's day (a Thursday)
# A dead message's reason for each kind of failure, as the relay and the channels
# word it (English: the Welsh alert quotes it as it is, marked as English).
ALERT_REASONS = {
    "delivery": "mailto://*** did not take the message (failure): Connection refused",
    "configuration": (
        "configuration error: no notification service takes the channel URL nosuch://***"
    ),
    "template": (
        "template error: 'venture.returned' in cy+en, standard: UndefinedError: "
        "'dict object' has no attribute 'gaps'"
    ),
    "attachment": (
        "attachment board-packs/2026-12-08/megan.lloyd@example.org.pdf could not be read "
        "(No such file or directory): not sent"
    ),
}
SIGN_IN = {
    "group": False,
    "link": "https://cyd.example.org/sign-in/q1W2e3R4t5Y6u7I8o9P0zXcVbNm",
    "code": "042917",
    "expires_at": "2026-12-10T09:15:00+00:00",
    "minutes": 15,
}
SECRET = "Sekr1t-T0ken"  # noqa: S105 - a made-up password, looked for in every alert


# --- realistic payloads ----------------------------------------------------------------------


@cache
def library() -> Library:
    return load_library()


def gate_words(gate_id: str) -> dict[str, Any]:
    gate = library().gate(gate_id)
    return {
        "id": gate.id,
        "title": {"en": gate.title.en, "cy": gate.title.cy},
        "easy_read": {"en": gate.easy_read.en, "cy": gate.easy_read.cy},
    }


def gaps_of(checklist_id: str, invalid: int = 1) -> list[dict[str, Any]]:
    """Every must-meet item of a checklist unanswered (the first `invalid` of them invalid)."""
    checklist = library().checklist(checklist_id)
    gaps = []
    for n, item in enumerate(i for i in checklist.items() if i.required):
        problem = "invalid" if n < invalid else "missing"
        reason = (
            {"en": "The answer must be a whole number.", "cy": "Rhaid i'r ateb fod yn rhif cyfan."}
            if problem == "invalid"
            else {
                "en": "This item must be met and has no answer yet.",
                "cy": "Rhaid bodloni'r eitem hon, ac nid oes ateb iddi eto.",
            }
        )
        gaps.append(
            {
                "checklist": checklist.id,
                "item": item.id,
                "problem": problem,
                "reason": reason,
                "question": {"en": item.question.en, "cy": item.question.cy},
                "easy_read": {"en": item.easy_read.en, "cy": item.easy_read.cy},
            }
        )
    return gaps


def incomplete(gaps: list[dict[str, Any]]) -> dict[str, Any]:
    """The reason `governance.advance` gives for returning these gaps."""
    missing = [g["item"] for g in gaps if g["problem"] == "missing"]
    invalid = [g["item"] for g in gaps if g["problem"] == "invalid"]
    which = "both" if missing and invalid else "missing" if missing else "invalid"
    return governance_reason(
        "checklist-incomplete",
        which=which,
        missing=len(missing),
        missing_items=", ".join(missing),
        invalid=len(invalid),
        invalid_items=", ".join(invalid),
    ).as_json()


def venture_event(event: str, title: str = "Community café", **told: Any) -> dict[str, Any]:
    """The payload `services.advance._notify` writes: the venture, the round's facts."""
    return {
        "event": event,
        "venture": {"id": "v-0001", "title": title, "gate": "design"},
        "state": "returned",
        "audience": "workstream",
        "group": True,
        "audit_seq": 4,
        "gate": gate_words("design"),
        **told,
    }


def tally(**counts: int) -> dict[str, Any]:
    base = {
        "rule": "board-lived-experience",
        "members": 7,
        "eligible": 6,
        "recused": 1,
        "quorum_needed": 4,
        "voted": 5,
        "approve": 2,
        "approve_with_conditions": 2,
        "recycle": 1,
        "reject": 0,
        "hold": 0,
        "abstain": 0,
        "more_time": 0,
        "lived_experience_voted": 2,
        "chair_voted": True,
        "set_aside": 0,
    }
    return base | counts


def decision(outcome: str, conditions: list[str] | None = None) -> dict[str, Any]:
    return {
        "effect": "RecordDecision",
        "gate": "design",
        "ballot": 1,
        "outcome": outcome,
        "tally": tally(),
        "reasons": [
            governance_reason("closed-at-deadline").as_json(),
            governance_reason("carried").as_json(),
        ],
        "conditions": conditions or [],
        "closed_by": "deadline",
        "casting_vote_used": outcome == "rejected",
    }


PACK = {
    "pdf": "board-packs/2026-12-08/megan.lloyd@example.org.pdf",
    "html": "board-packs/2026-12-08/megan.lloyd@example.org.html",
}


def meeting_papers(title: str) -> dict[str, Any]:
    """The payload `services.board_pack.record_in` writes for a member's papers."""
    return {
        "event": "board-papers",
        "meeting": "2026-12-08",
        "agenda": [{"id": "v-0001", "title": title, "vote_by": DEADLINE}],
        "pack": PACK,
        "group": False,
        "audit_seq": 9,
    }


def scenarios(
    title: str = "Community café", idea_what: str = IDEA_WHAT
) -> Iterator[tuple[str, str, dict[str, Any]]]:
    """(id, event, payload) for every event, in each of its situations (`idea_what`:
    an idea's words, as its proposer wrote them)."""
    ballot = {"number": 1, "deadline": DEADLINE}
    for checklist in sorted({k[0] for k in library().checklists}):
        gaps = gaps_of(checklist)
        yield (
            f"returned-{checklist}",
            "returned",
            venture_event("returned", title, reasons=[incomplete(gaps)], gaps=gaps),
        )
    stale = [governance_reason("reviews-stale").as_json()]
    yield "review-requested", "review-requested", venture_event("review-requested", title)
    yield (
        "review-requested-again",
        "review-requested",
        venture_event("review-requested", title, reasons=stale),
    )
    complete = [governance_reason("reviews-complete", go=1, recycle=1).as_json()]
    yield (
        "sent-to-board",
        "sent-to-board",
        venture_event("sent-to-board", title, ballot=ballot, reasons=complete),
    )
    yield "board-papers", "board-papers", venture_event("board-papers", title, ballot=ballot)
    yield (
        "board-papers-second-vote",
        "board-papers",
        venture_event("board-papers", title, ballot={"number": 2, "deadline": LATER}),
    )
    # A meeting's papers (services.board_pack): filed, attached by the relay or not (a
    # channel that carries no files), and a supporter's copy of a member's papers.
    papers = meeting_papers(title)
    yield "board-papers-meeting", "board-papers", papers
    yield "board-papers-meeting-attached", "board-papers", papers | {"attached": True}
    supporting = {"supporting": {"name": "Megan Lloyd", "email": "megan.lloyd@example.org"}}
    yield "board-papers-supporter", "board-papers", papers | supporting
    yield (
        "board-papers-supporter-attached",
        "board-papers",
        papers | supporting | {"attached": True},
    )
    yield "vote-requested", "vote-requested", venture_event("vote-requested", title, ballot=ballot)
    for action in ("answer", "review", "vote"):
        yield (
            f"reminder-{action}",
            "reminder",
            {
                "action": action,
                "venture": {"id": "v-0001", "title": title},
                "deadline": DEADLINE,
                "count": 2,
                "days_left": 3,
            },
        )
        yield (
            f"escalation-{action}",
            "escalation",
            {
                "about": {"name": "Rhys Evans"},
                "action": action,
                "reminders": 3,
                "venture": {"id": "v-0001", "title": title},
                "deadline": DEADLINE,
            },
        )
    overdue = {"days_left": -4}
    yield (
        "reminder-overdue",
        "reminder",
        {"action": "answer", "venture": {"id": "v-0001", "title": title}, "deadline": DEADLINE}
        | overdue,
    )
    yield (
        "escalation-overdue",
        "escalation",
        {"about": {"name": "Rhys Evans"}, "action": "vote", "reminders": 1}
        | {"venture": {"id": "v-0001", "title": title}, "deadline": DEADLINE}
        | overdue,
    )
    yield (
        "reminder-today",
        "reminder",
        {"action": "vote", "venture": {"id": "v-0001", "title": title}, "deadline": DEADLINE}
        | {"days_left": 0},
    )
    # A supporter's copy of a reminder: whom it is about, in each situation.
    about = {"supporting": {"name": "Megan Lloyd", "email": "megan.lloyd@example.org"}}
    for action, left in (("answer", 3), ("review", 0), ("vote", -4), ("vote", 6)):
        yield (
            f"reminder-copy-{action}-{left}",
            "reminder",
            {"action": action, "venture": {"id": "v-0001", "title": title}, "deadline": DEADLINE}
            | {"count": 2, "days_left": left}
            | about,
        )
    # A translator's reminder of a title to translate (into Welsh, or into English), a
    # supporter's copy of it, and an overdue one told to an admin.
    for to, written in (("cy", "en"), ("en", "cy")):
        translation = {
            "id": 3,
            "subject": "venture-title",
            "from": written,
            "to": to,
            "text": title,
        }
        translate = {
            "action": "translate",
            "venture": {"id": "v-0001", "title": title},
            "deadline": DEADLINE,
            "translation": translation,
        }
        for left in (3, 0, -2):
            yield (
                f"reminder-translate-{to}-{left}",
                "reminder",
                translate | {"count": 1, "days_left": left},
            )
        yield (
            f"reminder-copy-translate-{to}",
            "reminder",
            translate | {"count": 2, "days_left": 1} | about,
        )
        yield (
            f"escalation-translate-{to}",
            "escalation",
            translate
            | {"reminders": 3, "days_left": -1}
            | {"translators": [{"name": "Lowri Parry", "email": "lowri.parry@example.org"}]},
        )
    more_time = [governance_reason("more-time", count=2, days=7, until=LATER).as_json()]
    extended = {"number": 1, "deadline": LATER}
    for granted in ([], ["a@example.org"], ["a@example.org", "b@example.org"]):
        yield (
            f"vote-extended-{len(granted)}",
            "vote-extended",
            venture_event(
                "vote-extended",
                title,
                ballot=extended,
                more_time_granted=granted,
                reasons=more_time if granted else [],
            ),
        )
    yield (
        "vote-extended-by-lead",
        "vote-extended",
        venture_event("vote-extended", title, ballot=extended, extended_by={"name": "Huw Lewis"}),
    )
    rerun = [governance_reason("no-quorum-rerun", until=LATER).as_json()]
    yield (
        "no-quorum",
        "no-quorum",
        venture_event("no-quorum", title, ballot=extended, reasons=rerun),
    )
    for outcome in ("approved", "approved_with_conditions", "recycled", "rejected", "on_hold"):
        conditions = [CONDITION] if outcome == "approved_with_conditions" else []
        told = {"decision": decision(outcome, conditions), "reasons": decision(outcome)["reasons"]}
        if outcome == "approved":
            told["next_gate"] = gate_words("delivery")
        yield f"decision-{outcome}", "decision", venture_event("decision", title, **told)
    yield (
        "next-gate-opened",
        "next-gate-opened",
        venture_event("next-gate-opened", title, next_gate=gate_words("delivery")),
    )
    yield (
        "you-said-we-did",
        "you-said-we-did",
        {
            "venture": {"id": "v-0001", "title": title},
            "items": [
                {
                    "said": {
                        "en": "Meetings in the evening are hard to get to.",
                        "cy": "Mae'n anodd mynd i gyfarfodydd gyda'r nos.",
                    },
                    "did": {
                        "en": "We moved the meetings to the afternoon.",
                        "cy": "Rydyn ni wedi symud y cyfarfodydd i'r prynhawn.",
                    },
                }
            ],
        },
    )
    yield "test", "test", {"channel": "mailto://***@example.org"}
    yield "test-no-channel", "test", {}
    yield (
        "audit-anchor",
        "audit-anchor",
        {"anchor": {"entry": 57, "head": "ab" * 32, "at": "2026-12-07T19:00:00+00:00"}},
    )
    # The daily digest's cover, as notifications.compose gives it: how many messages it
    # carries, and whether their files go with it (True), or stay in Cyd (False).
    cover = {"group": False, "day": DAY}
    yield "digest", "digest", cover | {"count": 3}
    yield "digest-one", "digest", cover | {"count": 1}
    yield "digest-attached", "digest", cover | {"count": 2, "attached": True}
    yield "digest-one-attached", "digest", cover | {"count": 1, "attached": True}
    yield "digest-files-kept", "digest", cover | {"count": 2, "attached": False}
    yield "digest-one-file-kept", "digest", cover | {"count": 1, "attached": False}
    # The admins' alert, for each kind of failure (`kind` as compose works it out).
    for kind, reason in ALERT_REASONS.items():
        yield f"delivery-failed-{kind}", "delivery-failed", alert(kind, reason)
    yield (
        "delivery-failed-digest-once",
        "delivery-failed",
        alert("delivery", ALERT_REASONS["delivery"], attempts=1, event="digest", venture_id=None),
    )
    yield "delivery-failed-no-reason", "delivery-failed", alert("delivery", "")
    # A sign-in message, with the link and code the relay is handed in memory.
    yield "sign-in", "sign-in", SIGN_IN
    yield "sign-in-one-minute", "sign-in", SIGN_IN | {"minutes": 1}
    # A vote or an answer a clerk recorded for the person, for them to confirm.
    for what in ("vote", "answer"):
        yield (
            f"confirm-recorded-{what}",
            "confirm-recorded",
            {
                "venture": {"id": "v-0001", "title": title},
                "what": what,
                "recorded_by": {"name": "Programme Office"},
                "link": "https://cyd.example.org/confirm/7",
            },
        )
    # A venture's Easy Read summary: waiting for a co-producer's check; changes asked.
    summary_link = "https://cyd.example.org/ventures/v-0001#easy-read-summary"
    yield (
        "summary-to-check",
        "summary-to-check",
        {
            "venture": {"id": "v-0001", "title": title},
            "written_by": {"name": "Gareth Jones"},
            "link": summary_link,
        },
    )
    yield (
        "summary-changes",
        "summary-changes",
        {
            "venture": {"id": "v-0001", "title": title},
            "checked_by": {"name": "Nia Morgan"},
            "note": NOTE,
            "link": summary_link,
        },
    )
    yield from idea_scenarios(title, idea_what)


def both_formats(en: str, cy: str, en_easy: str, cy_easy: str) -> dict[str, str]:
    return {"en": en, "cy": cy, "en-easy": en_easy, "cy-easy": cy_easy}


# What the people who triage ideas write when they answer one, for each outcome.
IDEA_REASONS = {
    "adopted": both_formats(
        "People told us the same at three meetings, and there is money for it this year.",
        "Dywedodd pobl yr un peth wrthon ni mewn tri chyfarfod, ac mae arian ar ei gyfer eleni.",
        "Many people asked for it.",
        "Gofynnodd llawer o bobl amdano.",
    ),
    "merged": both_formats(
        "A community café is already being planned, and a repair café fits it.",
        "Mae caffi cymunedol eisoes yn cael ei gynllunio, ac mae caffi trwsio'n perthyn iddo.",
        "Some people are already planning a café.",
        "Mae rhai pobl eisoes yn cynllunio caffi.",
    ),
    "not-now": both_formats(
        "The library is closed for building work until next summer.",
        "Mae'r llyfrgell ar gau ar gyfer gwaith adeiladu tan yr haf nesaf.",
        "The library is closed until next summer.",
        "Mae'r llyfrgell ar gau tan yr haf nesaf.",
    ),
    "not-for-programme": both_formats(
        "Libraries are run by another part of the council.",
        "Mae rhan arall o'r cyngor yn rhedeg llyfrgelloedd.",
        "Another part of the council looks after libraries.",
        "Mae rhan arall o'r cyngor yn gofalu am lyfrgelloedd.",
    ),
}
IDEA_NEXT = {
    "adopted": {},
    "merged": both_formats(
        "The café's first planning meeting is in January.",
        "Mae cyfarfod cynllunio cyntaf y caffi ym mis Ionawr.",
        "The first meeting about the café is in January.",
        "Mae'r cyfarfod cyntaf am y caffi ym mis Ionawr.",
    ),
    "not-now": both_formats(
        "Once the library opens again, we will look at your idea again.",
        "Unwaith y bydd y llyfrgell ar agor eto, byddwn ni'n edrych ar eich syniad eto.",
        "We will look again when the library opens.",
        "Byddwn ni'n edrych eto pan fydd y llyfrgell yn agor.",
    ),
    "not-for-programme": both_formats(
        "The library service takes ideas at any library desk.",
        "Mae'r gwasanaeth llyfrgell yn derbyn syniadau wrth unrhyw ddesg llyfrgell.",
        "You can give your idea at any library desk.",
        "Gallwch chi roi eich syniad wrth unrhyw ddesg llyfrgell.",
    ),
}


def idea_scenarios(title: str, what: str) -> Iterator[tuple[str, str, dict[str, Any]]]:
    """The ideas' messages, as the ideas service queues them."""
    idea = {"id": "i-0001", "what": what}
    venture = {"id": "v-0001", "title": title}
    for recorded_by, on_behalf_of, name in (
        (None, None, "own"),
        (IDEA_RECORDER, None, "recorded"),
        (None, IDEA_GROUP, "for-a-group"),
        (IDEA_RECORDER, IDEA_GROUP, "recorded-for-a-group"),
    ):
        yield (
            f"idea-received-{name}",
            "idea-received",
            {"idea": idea, "due": LATER, "recorded_by": recorded_by, "on_behalf_of": on_behalf_of},
        )
    for outcome in IDEA_OUTCOMES:
        joined = outcome in ("adopted", "merged")
        answered = {
            "idea": idea,
            "outcome": outcome,
            "reason": IDEA_REASONS[outcome],
            "what_next": IDEA_NEXT[outcome],
            "venture": venture if joined else None,
            "invited": joined,
        }
        yield f"idea-answered-{outcome}", "idea-answered", answered
        if joined:
            yield (
                f"idea-answered-{outcome}-not-invited",
                "idea-answered",
                answered | {"invited": False, "what_next": IDEA_NEXT["merged"]},
            )
    yield (
        "idea-answered-no-reason",
        "idea-answered",
        {"idea": idea, "outcome": "not-now", "reason": {}, "what_next": {}}
        | {"venture": None, "invited": False},
    )
    for state in IDEA_STATES:
        yield (
            f"idea-update-{state}",
            "idea-update",
            {
                "idea": idea,
                "venture": venture,
                "state": state,
                "gate": {"id": "design", "title": gate_words("design")["title"]},
            },
        )
    workstream = {"id": "day-opportunities", "name": "Day opportunities"}
    for past in (False, True):
        waiting = {
            "idea": idea,
            "due": DEADLINE,
            "past": past,
            "received": "2026-11-12T10:15:00+00:00",
        }
        yield (
            f"idea-to-answer-{'past' if past else 'due'}",
            "idea-to-answer",
            waiting | {"workstream": workstream},
        )
        yield (
            f"idea-to-answer-{'past' if past else 'due'}-unsent",
            "idea-to-answer",
            waiting | {"workstream": None},
        )


def alert(kind: str, reason: str, **failed: Any) -> dict[str, Any]:
    """The payload `notifications.relay.alert_admins` queues, with its kind."""
    return {
        "group": False,
        "failed": {
            "message_id": 42,
            "event": "venture.decision",
            "venture_id": "v-0001",
            "person": "megan.lloyd@example.org",
            "channel": "mailto://***",
            "attempts": 8,
            "reason": reason,
            "kind": kind,
        }
        | failed,
    }


SCENARIOS = list(scenarios())
IDS = [s[0] for s in SCENARIOS]


def render(event: str, payload: dict[str, Any], mode: str, easy_read: bool) -> Rendered:
    language, bilingual = MODES[mode]
    return render_message(
        event, person=PERSON, payload=payload, language=language, easy_read=easy_read,
        bilingual=bilingual,
    )  # fmt: skip


# --- reading the HTML ------------------------------------------------------------------------


class Page(HTMLParser):
    """The facts the tests need from a rendered document."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[str] = []
        self.langs: list[tuple[str, str]] = []  # (tag, lang) in document order
        self.text: list[str] = []
        self.points: list[dict[str, Any]] = []  # Easy Read points: text and pictures
        self.styles: list[str] = []
        self._stack: list[str] = []
        self._in_points = 0
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = {k: v or "" for k, v in attrs}
        self.tags.append(tag)
        if "lang" in attributes:
            self.langs.append((tag, attributes["lang"]))
        if "style" in attributes:
            self.styles.append(attributes["style"])
        if tag in ("style", "title", "head"):
            self._skip += 1
        if tag == "ul" and "points" in attributes.get("class", ""):
            self._in_points += 1
        if tag == "li" and self._in_points:
            self.points.append({"text": "", "images": []})
        if tag == "img" and self._in_points:
            self.points[-1]["images"].append(attributes)
        if tag not in ("img", "meta", "hr", "br"):
            self._stack.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if tag in ("style", "title", "head"):
            self._skip -= 1
        if tag == "ul" and self._in_points and "ul" in self._stack:
            # the innermost open ul closes; only ours carry points
            self._in_points -= 1
        if self._stack and self._stack[-1] == tag:
            self._stack.pop()

    def handle_data(self, data: str) -> None:
        if self._skip:
            return
        self.text.append(data)
        if self._in_points and self.points:
            self.points[-1]["text"] += data


def page(html: str) -> Page:
    parsed = Page()
    parsed.feed(html)
    parsed.close()
    return parsed


def visible_text(html: str) -> str:
    return " ".join(" ".join(page(html).text).split())


def word_list(text: str) -> list[str]:
    return re.findall(r"[A-Za-zÀ-ÿŵŷŴŶ]+(?:['’][A-Za-zÀ-ÿŵŷ]+)*", text.lower())


# --- every event renders ---------------------------------------------------------------------


def test_the_event_list_is_complete() -> None:
    events = {
        "returned",
        "review-requested",
        "sent-to-board",
        "board-papers",
        "vote-requested",
        "reminder",
        "escalation",
        "vote-extended",
        "no-quorum",
        "decision",
        "next-gate-opened",
        "you-said-we-did",
        "test",
        "audit-anchor",
        "digest",
        "delivery-failed",
        "sign-in",
        "confirm-recorded",
        "summary-to-check",
        "summary-changes",
        "idea-received",
        "idea-answered",
        "idea-update",
        "idea-to-answer",
    }
    assert set(EVENTS) == events
    assert {s[1] for s in SCENARIOS} == events


@pytest.mark.parametrize("event", EVENTS)
@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("fmt", FORMATS)
def test_every_event_has_a_template_written_for_each_language_and_format(
    event: str, language: str, fmt: str
) -> None:
    assert (TEMPLATES / language / fmt / f"{event}.j2").is_file()


def test_there_are_no_templates_for_events_that_do_not_exist() -> None:
    for path in TEMPLATES.glob("*/*/*.j2"):
        if not path.name.startswith("_"):
            assert path.stem in EVENTS, path


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize(("name", "event", "payload"), SCENARIOS, ids=IDS)
def test_every_event_renders(
    name: str, event: str, payload: dict[str, Any], mode: str, fmt: str
) -> None:
    easy_read = fmt == "easy-read"
    message = render(event, payload, mode, easy_read)
    languages = ("cy", "en") if mode == "both" else (mode,)
    assert message.languages == languages
    assert message.format == fmt
    assert message.subject.strip() == message.subject
    assert message.subject
    assert "\n" not in message.subject
    assert message.text.strip()
    assert message.text.endswith("\n")
    assert "{{" not in message.text
    assert "{%" not in message.text
    html = message.html
    assert html.startswith("<!DOCTYPE html>")
    assert f'<html lang="{languages[0]}">' in html
    parsed = page(html)
    assert "h1" in parsed.tags  # a heading for each language part
    assert "table" not in parsed.tags  # no layout tables
    if easy_read:
        assert parsed.points, "Easy Read HTML puts each point in a list"
    with pytest.raises(FrozenInstanceError):
        message.subject = "changed"  # type: ignore[misc]


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize(("name", "event", "payload"), SCENARIOS, ids=IDS)
def test_html_carries_the_right_language_attributes(
    name: str, event: str, payload: dict[str, Any], fmt: str
) -> None:
    easy_read = fmt == "easy-read"
    for language in LANGUAGES:
        langs = page(render(event, payload, language, easy_read).html).langs
        # Text quoted as a machine wrote it (an alert's reason, in English) says so.
        assert all(lang == "en" for tag, lang in langs if tag == "code")
        parts = [lang for tag, lang in langs if tag != "code"]
        assert parts[0] == language  # <html lang=…>
        assert parts[1] == language  # the part's <div lang=…>
        assert set(parts) == {language}
    both = render(event, payload, "both", easy_read)
    divs = [lang for tag, lang in page(both.html).langs if tag == "div"]
    assert divs == ["cy", "en"], "both languages, Welsh first"
    assert both.html.index('<div lang="cy"') < both.html.index('<div lang="en"')


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize(("name", "event", "payload"), SCENARIOS, ids=IDS)
def test_a_bilingual_message_is_the_welsh_then_the_english(
    name: str, event: str, payload: dict[str, Any], fmt: str
) -> None:
    easy_read = fmt == "easy-read"
    welsh = render(event, payload, "cy", easy_read)
    english = render(event, payload, "en", easy_read)
    both = render(event, payload, "both", easy_read)
    assert both.subject == f"{welsh.subject} / {english.subject}"
    assert welsh.text.strip() in both.text
    assert english.text.strip() in both.text
    assert both.text.index(welsh.text.strip()) < both.text.index(english.text.strip())


def test_the_language_is_the_persons_own_unless_both_are_asked_for_or_never_asked() -> None:
    # (notifications.compose asks for both only for a person never asked: a group's
    # news goes in each person's language, tests/notifications/test_chosen_language.py)
    payload = dict(SCENARIOS[0][2])

    def languages(person_language: str | None, language: str | None, group: bool) -> tuple:
        person = Recipient("Ann", "ann@example.org", person_language)
        return render_message(
            "returned", person=person, payload=payload, language=language, easy_read=False,
            bilingual=group,
        ).languages  # fmt: skip

    assert languages("cy", None, False) == ("cy",)
    assert languages("en", None, False) == ("en",)
    assert languages("en", "cy", False) == ("cy",)  # a preview in the other language
    assert languages(None, None, False) == ("cy", "en")  # never asked: both
    assert languages("en", "en", True) == ("cy", "en")  # both asked for


def test_unknown_events_and_languages_are_template_missing() -> None:
    payload = SCENARIOS[0][2]
    for event, language in (("party", "en"), ("returned", "fr"), ("", "cy")):
        with pytest.raises(TemplateMissing):
            render_message(
                event, person=PERSON, payload=payload, language=language, easy_read=False,
                bilingual=False,
            )  # fmt: skip
    assert issubclass(TemplateMissing, KeyError)


def test_the_outbox_event_name_is_accepted() -> None:
    payload = SCENARIOS[0][2]
    bare = render_message(
        "returned", person=PERSON, payload=payload, language="en", easy_read=False, bilingual=False
    )
    prefixed = render_message(
        "venture.returned", person=PERSON, payload=payload, language="en", easy_read=False,
        bilingual=False,
    )  # fmt: skip
    assert bare == prefixed


def test_a_payload_cannot_change_the_language() -> None:
    payload = SCENARIOS[0][2] | {"lang": "en", "mode": "html", "counted": "x"}
    welsh = render("returned", payload, "cy", False)
    assert welsh.text == render("returned", SCENARIOS[0][2], "cy", False).text


# --- StrictUndefined: a missing value fails a test, never a person ---------------------------


def test_the_environment_is_strict_and_escapes_html_only() -> None:
    env = r.environment()
    assert env.undefined is jinja2.StrictUndefined
    assert r.environment() is env  # cached
    assert env.autoescape("x.html") is True
    assert env.autoescape("x.txt") is False


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("event", [e for e in EVENTS if e != "test"])
def test_an_empty_payload_raises(event: str, language: str, fmt: str) -> None:
    with pytest.raises(jinja2.UndefinedError):
        render_message(
            event, person=PERSON, payload={}, language=language, easy_read=fmt == "easy-read",
            bilingual=False,
        )  # fmt: skip


def incomplete_payloads() -> Iterator[tuple[str, str, dict[str, Any], str]]:
    """(id, event, payload, format): each lacks one thing its template needs."""
    by_name = {name: (event, payload) for name, event, payload in SCENARIOS}
    event, payload = by_name["decision-approved"]
    broken = payload | {"decision": payload["decision"] | {"tally": tally()}}
    del broken["decision"]["tally"]["abstain"]
    yield "decision-without-abstentions", event, broken, "standard"
    broken = payload | {"decision": payload["decision"] | {"outcome": "postponed"}}
    yield "decision-unknown-outcome", event, broken, "standard"
    yield "decision-unknown-outcome-easy", event, broken, "easy-read"
    event, payload = by_name["board-papers"]
    yield "board-papers-without-deadline", event, payload | {"ballot": {"number": 1}}, "easy-read"
    event, payload = by_name["returned-coproduction-start"]
    gaps = [{k: v for k, v in g.items() if k != "reason"} for g in payload["gaps"]]
    yield "returned-gap-without-reason", event, payload | {"gaps": gaps}, "standard"
    gaps = [{k: v for k, v in g.items() if k not in ("easy_read", "question")} for g in gaps]
    yield "returned-gap-without-question", event, payload | {"gaps": gaps}, "easy-read"
    event, payload = by_name["reminder-vote"]
    yield "reminder-unknown-action", event, payload | {"action": "dance"}, "easy-read"
    yield "reminder-unknown-action-subject", event, payload | {"action": "dance"}, "standard"
    event, payload = by_name["escalation-vote"]
    yield "escalation-without-name", event, payload | {"about": {}}, "standard"
    event, payload = by_name["you-said-we-did"]
    items = [{"said": {"en": "Too early."}, "did": {"en": "Later.", "cy": "Yn hwyrach."}}]
    yield "you-said-we-did-without-welsh", event, payload | {"items": items}, "standard"
    event, payload = by_name["digest"]
    yield "digest-without-count", event, {"group": False, "day": DAY}, "standard"
    yield "digest-without-day", event, {"group": False, "count": 2}, "easy-read"
    event, payload = by_name["delivery-failed-delivery"]
    unknown = alert("lost in the post", "?")
    yield "delivery-failed-unknown-kind", event, unknown, "standard"
    yield "delivery-failed-unknown-kind-easy", event, unknown, "easy-read"
    kindless = {"failed": {k: v for k, v in payload["failed"].items() if k != "kind"}}
    yield "delivery-failed-without-kind", event, kindless, "easy-read"
    nameless = {"failed": {k: v for k, v in payload["failed"].items() if k != "person"}}
    yield "delivery-failed-without-person", event, nameless, "standard"
    event, payload = by_name["idea-answered-adopted"]
    yield "idea-answered-unknown-outcome", event, payload | {"outcome": "maybe"}, "standard"
    yield "idea-answered-unknown-outcome-easy", event, payload | {"outcome": "maybe"}, "easy-read"
    event, payload = by_name["idea-update-draft"]
    yield "idea-update-unknown-state", event, payload | {"state": "dancing"}, "standard"
    yield "idea-update-unknown-state-easy", event, payload | {"state": "dancing"}, "easy-read"
    event, payload = by_name["idea-received-own"]
    undated = {k: v for k, v in payload.items() if k != "due"}
    yield "idea-received-without-due", event, undated, "standard"
    yield "idea-received-without-due-easy", event, undated, "easy-read"
    event, payload = by_name["idea-to-answer-due"]
    yield (
        "idea-to-answer-without-past",
        event,
        {k: v for k, v in payload.items() if k != "past"},
        "standard",
    )
    # A sign-in message whose link or code the relay was not handed is never sent.
    for secret in ("link", "code"):
        kept = {k: v for k, v in SIGN_IN.items() if k != secret}
        yield f"sign-in-without-{secret}", "sign-in", kept, "standard"
        yield f"sign-in-without-{secret}-easy", "sign-in", kept, "easy-read"


@pytest.mark.parametrize(
    ("name", "event", "payload", "fmt"),
    list(incomplete_payloads()),
    ids=[i[0] for i in incomplete_payloads()],
)
def test_an_incomplete_payload_raises(name: str, event: str, payload: dict, fmt: str) -> None:
    with pytest.raises((jinja2.UndefinedError, KeyError)) as raised:
        render(event, payload, "both", fmt == "easy-read")
    assert not isinstance(raised.value, TemplateMissing)


# --- escaping --------------------------------------------------------------------------------

NASTY = "<script>alert('x')</script> & Sons"


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize(
    ("name", "event", "payload"),
    [s for s in scenarios(NASTY, NASTY) if "venture" in s[2]],
    ids=[s[0] for s in scenarios(NASTY, NASTY) if "venture" in s[2]],
)
def test_html_is_escaped_and_text_is_not(
    name: str, event: str, payload: dict[str, Any], mode: str, fmt: str
) -> None:
    person = Recipient("<b>Ann</b>", "ann@example.org", None)
    language, bilingual = MODES[mode]
    message = render_message(
        event, person=person, payload=payload, language=language, easy_read=fmt == "easy-read",
        bilingual=bilingual,
    )  # fmt: skip
    assert "<script>" not in message.html
    assert "<b>Ann</b>" not in message.html
    assert "&lt;script&gt;" in message.html
    assert NASTY in message.text
    assert "<b>Ann</b>" in message.text
    assert "&lt;" not in message.text
    assert "&amp;" not in message.text


# --- the daily digest and the admins' alert --------------------------------------------------


def addressee(mode: str, fmt: str, name: str = "Siân Roberts") -> compose.Addressee:
    """A person as compose sees them: asked their language (en, cy), or never (both)."""
    language = "en" if mode == "both" else mode
    return compose.Addressee(name, PERSON.email, language, mode != "both", fmt)


def carried(person: compose.Addressee, title: str = "Community café") -> list[Rendered]:
    """Two messages as the relay renders them for a digest: the person's own reminder
    and a decision sent to a group (in the person's language(s) too)."""
    by_name = {name: payload for name, _event, payload in scenarios(title)}
    return [
        compose.render_for(person, "venture.reminder", by_name["reminder-answer"]),
        compose.render_for(person, "venture.decision", by_name["decision-approved"]),
    ]


@pytest.mark.parametrize(("language", "fmt"), FORMS)
def test_the_digest_cover_and_the_alert_say_their_own_words_in_each_form(
    language: str, fmt: str
) -> None:
    easy_read = fmt == "easy-read"
    by_name = {name: payload for name, _event, payload in SCENARIOS}
    for event, payload, (subject, said) in (
        ("digest", by_name["digest"], DIGEST_SAYS[language, fmt]),
        ("delivery-failed", by_name["delivery-failed-delivery"], ALERT_SAYS[language, fmt]),
    ):
        person = "megan.lloyd@example.org"
        subject, said = subject.format(person=person), said.format(person=person)
        message = render(event, payload, language, easy_read)
        assert message.subject.startswith(subject)
        assert said in message.text
        assert said in visible_text(message.html)
        both = render(event, payload, "both", easy_read)  # never asked: both, Welsh first
        assert said in both.text
        assert (subject in both.subject.split(" / ")[0]) == (language == "cy")
    digest = render("digest", by_name["digest"], language, easy_read)
    day = "Thursday 10 December 2026" if language == "en" else "dydd Iau 10 Rhagfyr 2026"
    assert digest.subject.endswith(day)


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("mode", MODES)
def test_a_digest_carries_its_messages_after_its_cover(mode: str, fmt: str) -> None:
    person = addressee(mode, fmt)
    items = carried(person)
    day = dt.date(2026, 12, 10)
    digest = compose.compose_digest(person, day, items, attached=True)
    cover = compose.render_for(
        person, "digest", {"group": False, "day": DAY, "count": 2, "attached": True}
    )
    assert digest.subject == cover.subject
    assert digest.format == cover.format == fmt
    # The cover's and the messages': the person's language, both when never asked.
    assert digest.languages == (("cy", "en") if mode == "both" else (mode,))
    # The text: the cover, then each message under "[n/N] its subject", in order.
    text = digest.text
    assert text.startswith(cover.text.strip())
    at = len(cover.text.strip())
    for n, item in enumerate(items, start=1):
        heading = f"[{n}/{len(items)}] {item.subject}"
        at = text.index(f"{'-' * 40}\n{heading}\n\n{item.text.strip()}", at)
    # The HTML: the cover in the person's language(s), then each message in a section
    # in its own language, saying what it says alone; every id once, every link kept.
    html = digest.html
    first = "en" if mode == "en" else "cy"
    assert html.startswith(f'<!DOCTYPE html>\n<html lang="{first}">')
    parsed = page(html)
    sections = [lang for tag, lang in parsed.langs if tag == "section"]
    assert sections == [item.languages[0] for item in items]
    shown = visible_text(html)
    for item in [cover, *items]:
        assert visible_text(item.html) in shown
    ids = re.findall(r'\bid="([^"]+)"', html)
    assert len(ids) == len(set(ids)), ids
    assert set(re.findall(r'href="#([^"]+)"', html)) <= set(ids)
    if fmt == "easy-read":
        each = sum(len(page(x.html).points) for x in [cover, *items])
        assert len(parsed.points) == each  # every point keeps its picture


def test_the_digest_says_whether_the_files_of_its_messages_go_with_it() -> None:
    person = addressee("en", "standard")
    items = carried(person)
    day = dt.date(2026, 12, 10)

    def said(attached: bool | None) -> str:
        return compose.compose_digest(person, day, items, attached=attached).text

    assert "are attached to this message" in said(True)
    assert "cannot carry" in said(False)
    assert "Cyd's data folder" in said(False)
    for words_ in ("attached", "cannot carry"):
        assert words_ not in said(None)
    one = compose.compose_digest(person, day, items[:1], attached=True).text
    assert "1 message, below, as it would have been sent on its own." in one
    assert "The files that go with it, such as Board papers" in one
    welsh = compose.compose_digest(addressee("cy", "easy-read"), day, items, attached=False)
    assert "Mae pob un yn dweud ble maen nhw." in welsh.text


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("mode", MODES)
def test_the_digest_and_the_alert_escape_html_and_not_text(mode: str, fmt: str) -> None:
    person = addressee(mode, fmt, name="<b>Ann</b>")
    digest = compose.compose_digest(person, dt.date(2026, 12, 10), carried(person, NASTY))
    nasty = alert("delivery", NASTY, person=NASTY, event=NASTY)
    for message in (digest, compose.render_alert(person, nasty)):
        assert "<script>" not in message.html
        assert "<b>Ann</b>" not in message.html
        assert "&lt;script&gt;" in message.html
        assert NASTY in message.text
        assert "<b>Ann</b>" in message.text
        assert "&lt;" not in message.text
        assert "&amp;" not in message.text
    assert f"[1/2] {carried(person, NASTY)[0].subject}" in digest.text


def secret_alert(**kind: str) -> dict[str, Any]:
    """An alert whose reason and channel hold a channel's secrets, in several forms."""
    reason = (
        f"mailto://cyd:{SECRET}@smtp.example.org:587?to=a@example.org failed; "
        f"json://u:{SECRET}@127.0.0.1:8080/hook did not answer; x_json://u:{SECRET}@h/ "
        f"(tgram://{SECRET}/42) and <https://hooks.example.org/{SECRET}>"
    )
    payload = alert("delivery", reason, channel=f"json://cyd:{SECRET}@127.0.0.1:8080/hook")
    if not kind:
        del payload["failed"]["kind"]  # compose works it out
    return payload


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("mode", MODES)
def test_no_secret_in_a_failed_deliverys_error_reaches_the_alert(mode: str, fmt: str) -> None:
    # The payload is cleaned by compose, and the templates mask and redact again:
    # either alone keeps the secrets out.
    person = addressee(mode, fmt)
    language, bilingual = MODES[mode]
    easy_read = fmt == "easy-read"
    messages = [
        compose.render_alert(person, secret_alert()),
        render_message(
            "delivery-failed", person=PERSON, payload=secret_alert(kind="delivery"),
            language=language, easy_read=easy_read, bilingual=bilingual,
        ),
    ]  # fmt: skip
    for message in messages:
        for shown in (message.subject, message.text, message.html):
            assert SECRET not in shown
            assert "127.0.0.1" not in shown
            assert "smtp.example.org" not in shown
        if not easy_read:  # the standard form shows the channel and the reason, masked
            channel = "Sianel: json://***" if mode == "cy" else "Channel: json://***"
            assert channel in message.text
            for masked in ("mailto://*** failed", "json://*** did not", "x_json://***"):
                assert masked in message.text
            assert "(tgram://***" in message.text
            assert "&lt;https://***" in message.html  # (the URL's end is unknown: all goes)


def test_the_welsh_alert_quotes_the_reason_as_english_text() -> None:
    payload = alert("delivery", ALERT_REASONS["delivery"])
    welsh = render("delivery-failed", payload, "cy", False)
    english = render("delivery-failed", payload, "en", False)
    reason = ALERT_REASONS["delivery"]
    assert f'<code lang="en">{reason}</code>' in welsh.html
    assert f"<code>{reason}</code>" in english.html
    assert f"Rheswm (yn Saesneg, fel y cafodd ei gofnodi): {reason}" in welsh.text
    assert reason not in render("delivery-failed", payload, "cy", True).text  # Easy Read: words


@pytest.mark.parametrize("kind", sorted(ALERT_REASONS))
def test_the_kind_of_failure_comes_from_the_reason(kind: str) -> None:
    assert compose.failure_kind(ALERT_REASONS[kind]) == kind
    assert kind in compose.FAILURE_KINDS
    payload = alert(kind, ALERT_REASONS[kind])
    del payload["failed"]["kind"]
    assert compose.alert_payload(payload)["failed"]["kind"] == kind
    assert compose.failure_kind("the digest has no message that could be rendered") == "template"
    assert compose.failure_kind("") == "delivery"
    # Each kind says something of its own, in every form.
    for language in LANGUAGES:
        for easy_read in (False, True):
            others = [
                render("delivery-failed", alert(k, ALERT_REASONS[kind]), language, easy_read).text
                for k in sorted(ALERT_REASONS)
            ]
            assert len(set(others)) == len(others)


# --- the sign-in message ----------------------------------------------------------------------

# What each form says of how long the link and code work, and what to do if you did
# not ask; the standard forms say until when.
SIGN_IN_SAYS: dict[tuple[str, str], tuple[str, ...]] = {
    ("en", "standard"): (
        "The link and the code work once only, for 15 minutes (until 9:15am).",
        "If you did not ask to sign in, you do not need to do anything",
        "Cyd will never ask you for the code.",
    ),
    ("en", "easy-read"): (
        "The link and the code work one time only.",
        "They stop working after 15 minutes.",
        "Did you not ask to sign in?",
        "Then you do not need to do anything.",
    ),
    ("cy", "standard"): (
        "Mae'r ddolen a'r cod yn gweithio unwaith yn unig, am 15 munud (tan 9:15 y bore).",
        "Os na wnaethoch chi ofyn am gael mewngofnodi, does dim angen i chi wneud dim byd",
        "Fydd Cyd byth yn gofyn i chi am y cod.",
    ),
    ("cy", "easy-read"): (
        "Mae'r ddolen a'r cod yn gweithio un tro yn unig.",
        "Maen nhw'n stopio gweithio ar ôl 15 munud.",
        "Wnaethoch chi ddim gofyn am gael mewngofnodi?",
        "Yna does dim angen i chi wneud dim byd.",
    ),
}
BIG_CODE = re.compile(r'<strong class="code" style="font-size: 2em;[^"]*">(\d{6})</strong>')


@pytest.mark.parametrize(("language", "fmt"), FORMS)
def test_a_sign_in_message_gives_the_link_and_the_code_shown_large(language: str, fmt: str) -> None:
    message = render("sign-in", SIGN_IN, language, fmt == "easy-read")
    shown = visible_text(message.html)
    for said in SIGN_IN_SAYS[language, fmt]:
        assert said in message.text
        assert said in shown
    link, code = SIGN_IN["link"], SIGN_IN["code"]
    assert message.text.count(link) == 1
    assert f'<a href="{link}">{link}</a>' in message.html
    assert BIG_CODE.findall(message.html) == [code]
    assert message.text.count(code) == 1
    assert code not in message.subject  # a subject shows on a locked phone's screen
    assert link not in message.subject


def test_a_sign_in_message_counts_its_minutes_in_each_language() -> None:
    for minutes, welsh, english in ((1, "1 munud", "1 minute"), (2, "2 funud", "2 minutes")):
        payload = SIGN_IN | {"minutes": minutes}
        assert f"am {welsh} (tan" in render("sign-in", payload, "cy", False).text
        assert f"ar ôl {welsh}." in render("sign-in", payload, "cy", True).text
        assert f"for {english} (until" in render("sign-in", payload, "en", False).text


def test_a_sign_in_link_is_escaped_in_the_html() -> None:
    odd = SIGN_IN | {"link": 'https://cyd.example.org/sign-in/x"><script>alert(1)</script>'}
    for easy_read in (False, True):
        message = render("sign-in", odd, "en", easy_read)
        assert "<script>" not in message.html
        assert "x&#34;&gt;&lt;script&gt;" in message.html
        assert odd["link"] in message.text


# --- Easy Read -------------------------------------------------------------------------------


def easy_read_lines(text: str) -> list[str]:
    """The lines people read (not the heading's underline)."""
    return [line for line in text.splitlines() if line.strip() and set(line) - {"=", "-"}]


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize(("name", "event", "payload"), SCENARIOS, ids=IDS)
def test_easy_read_has_one_short_sentence_a_line(
    name: str, event: str, payload: dict[str, Any], mode: str
) -> None:
    message = render(event, payload, mode, True)
    assert message.format == "easy-read"
    for line in easy_read_lines(message.text):
        said = sentences(line)
        assert len(said) == 1, f"one sentence a line: {line!r}"
        for sentence in said:
            count = len(sentence.split())
            assert count <= MAX_WORDS, f"{count} words: {sentence!r}"


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize(("name", "event", "payload"), SCENARIOS, ids=IDS)
def test_easy_read_html_puts_a_decorative_picture_beside_each_point(
    name: str, event: str, payload: dict[str, Any], language: str
) -> None:
    message = render(event, payload, language, True)
    parsed = page(message.html)
    shown = []
    for point in parsed.points:
        assert len(point["images"]) == 1, point
        image = point["images"][0]
        # Decorative: the words beside it say what it shows.
        assert image["alt"] == ""
        # The PNG the message carries, by Content-ID: never a data: URI.
        found = re.fullmatch(r"cid:pictogram-([a-z-]+)@cyd\.png", image["src"])
        assert found, image["src"]
        assert found.group(1) in r.pictogram_index()
        shown.append(found.group(1))
        assert " ".join(point["text"].split())
    assert "data:" not in message.html
    assert message.pictures == tuple(dict.fromkeys(shown))  # each once, to attach once
    # The points say what the plain text says, in the same order.
    said_in_html = [s for p in parsed.points for s in sentences(" ".join(p["text"].split()))]
    lines = easy_read_lines(message.text)
    assert said_in_html == lines[2:]  # after the heading and the greeting


@pytest.mark.parametrize("fmt", FORMATS)
def test_text_is_large_with_generous_line_spacing(fmt: str) -> None:
    _name, event, payload = SCENARIOS[0]
    parsed = page(render(event, payload, "both", fmt == "easy-read").html)
    part_styles = [s for s in parsed.styles if "font-size" in s]
    assert len(part_styles) == 2  # each language part
    minimum = 16 if fmt == "easy-read" else 14
    for style in part_styles:
        size = re.search(r"font-size:\s*([\d.]+)pt", style)
        spacing = re.search(r"line-height:\s*([\d.]+)", style)
        assert size
        assert float(size.group(1)) >= minimum
        assert spacing
        assert float(spacing.group(1)) >= 1.5


# --- pictograms ------------------------------------------------------------------------------


def test_every_pictogram_is_an_svg_with_a_title_and_alt_text_in_both_languages() -> None:
    index = r.pictogram_index()
    files = sorted(PICTOGRAMS.glob("*.svg"))
    assert len(files) >= 11
    assert {f.stem for f in files} == set(index)
    for path in files:
        root = ET.parse(path).getroot()  # noqa: S314 (the project's own files)
        assert root.tag == f"{SVG}svg", path
        assert root.get("viewBox"), path
        title = root.find(f"{SVG}title")
        assert title is not None, path
        assert (title.text or "").strip(), path
        for element in root.iter():
            assert element.tag != f"{SVG}script", path
            assert not any(k.endswith("href") for k in element.attrib), path  # nothing fetched
        entry = index[path.stem]
        assert entry["file"] == path.name
        assert entry["alt"]["en"].strip()
        assert entry["alt"]["cy"].strip()
        assert entry["alt"]["en"] == title.text


# Words that describe what a picture looks like rather than what it means.
SHAPE_WORDS = {
    "en": {"arrow", "box", "circle", "glass", "heart", "letter", "mark", "shape", "sign"},
    "cy": {"arwydd", "blwch", "calon", "cylch", "llythyren", "marc", "saeth", "siâp"},
}


def test_each_pictogram_has_one_meaning_of_its_own_said_as_a_meaning() -> None:
    index = r.pictogram_index()
    for language in LANGUAGES:
        meanings = [entry["alt"][language] for entry in index.values()]
        assert len(meanings) == len(set(meanings)), f"two pictures mean the same ({language})"
        for meaning in meanings:
            said = set(word_list(meaning))
            assert not said & SHAPE_WORDS[language], meaning
    for entry in index.values():
        assert entry["welsh_reviewed"] is False  # not yet checked by a Welsh speaker
    # The Board, a supporter and the team no longer share a picture; nor do these.
    for name in ("board", "supporter", "people", "money", "meeting", "decision", "welsh"):
        assert name in index
    assert "deadline" in index


# What an English Easy Read point says, and the picture that means it.
PICTURE_FOR = (
    (r"\bsupporter\b|\byou support\b|\bYou (?:can )?help\b", "supporter"),
    (r"The Board is the group|goes to the Board|Not enough Board members", "board"),
    (r"The Board meets|at the meeting", "meeting"),
    (r"The Board has decided", "decision"),
    # `|by` writes "by <the day>" itself.
    (r"The last day|(?:do it|vote|decide) \{\{ [a-z_.]*deadline\|by|until \{\{", "deadline"),
)


def _points(path: Path) -> list[tuple[str, str]]:
    """(picture, said) of each Easy Read point a template writes."""
    found = re.findall(r'm\.point\("([a-z-]+)"\) %\}(.*?)\{% endcall %\}', path.read_text())
    return [(picture, said) for picture, said in found]


def test_each_point_has_the_picture_of_what_it_says() -> None:
    checked = Counter()
    for path in sorted((TEMPLATES / "en" / "easy-read").glob("*.j2")):
        for picture, said in _points(path):
            for pattern, wanted in PICTURE_FOR:
                if re.search(pattern, said):
                    assert picture == wanted, f"{path.name}: {said!r} shows {picture}"
                    checked[wanted] += 1
            if picture in {wanted for _, wanted in PICTURE_FOR}:
                assert any(re.search(p, said) for p, w in PICTURE_FOR if w == picture), (
                    f"{path.name}: {said!r} shows {picture}"
                )
            # The team's picture is not the Board's, nor a supporter's.
            if picture == "people":
                assert "Board" not in said, f"{path.name}: {said!r}"
    assert set(checked) == {wanted for _, wanted in PICTURE_FOR}


def test_welsh_and_english_points_show_the_same_pictures() -> None:
    for path in sorted((TEMPLATES / "en" / "easy-read").glob("*.j2")):
        welsh = TEMPLATES / "cy" / "easy-read" / path.name
        english = [picture for picture, _ in _points(path)]
        assert [picture for picture, _ in _points(welsh)] == english, path.name


def test_every_picture_a_template_uses_exists() -> None:
    index = r.pictogram_index()
    used = set()
    for path in TEMPLATES.rglob("*.j2"):
        used |= set(re.findall(r'm\.point\("([a-z-]+)"\)', path.read_text("utf-8")))
    assert used
    assert used <= set(index), used - set(index)


# --- Welsh -----------------------------------------------------------------------------------


def test_welsh_is_marked_as_not_yet_reviewed() -> None:
    assert r.WELSH_REVIEWED is False
    welsh = sorted((TEMPLATES / "cy").rglob("*.j2"))
    # Every event, a base and the contact at the end, in both formats.
    assert len(welsh) == 2 * (len(EVENTS) + 2)
    for path in welsh:
        assert "NOT YET REVIEWED" in path.read_text("utf-8"), path


@pytest.mark.parametrize("n", range(21))
def test_welsh_plural_categories_are_babels(n: int) -> None:
    welsh, english = Locale.parse("cy"), Locale.parse("en_GB")
    assert words.plural_category("cy", n) == welsh.plural_form(n)
    assert words.plural_category("en", n) == english.plural_form(n)
    for noun, forms in words.NOUNS.items():
        assert set(forms["cy"]) == set(words.CATEGORIES), noun
        assert words.noun("cy", n, noun) == forms["cy"][welsh.plural_form(n)]
        assert words.count("cy", n, noun) == f"{n} {forms['cy'][welsh.plural_form(n)]}"


def test_welsh_counted_nouns_mutate_after_two_three_and_six() -> None:
    assert [words.count("cy", n, "question") for n in (1, 2, 3, 6, 7)] == [
        "1 cwestiwn",
        "2 gwestiwn",
        "3 chwestiwn",
        "6 chwestiwn",
        "7 cwestiwn",
    ]
    assert words.count("cy", 2, "day") == "2 ddiwrnod"
    assert words.count("cy", 6, "vote") == "6 phleidlais"
    assert words.count("cy", 0, "question") == "0 cwestiynau"
    assert [words.count("en", n, "day") for n in (0, 1, 2)] == ["0 days", "1 day", "2 days"]


@pytest.mark.parametrize("n", range(1, 21))
def test_welsh_messages_use_the_plural_form_for_the_count(n: int) -> None:
    category = Locale.parse("cy").plural_form(n)
    reminder = {
        "action": "vote",
        "venture": {"id": "v-0001", "title": "Caffi"},
        "deadline": DEADLINE,
        "days_left": n,
    }
    day = words.NOUNS["day"]["cy"][category]
    assert f"(ymhen {n} {day})" in render("reminder", reminder, "cy", False).text
    assert f"Mae hynny ymhen {n} {day}." in render("reminder", reminder, "cy", True).text
    gaps = (gaps_of("coproduction-start", invalid=0) * 3)[:n]
    returned = venture_event("returned", gaps=gaps)
    question = words.NOUNS["question"]["cy"][category]
    assert f"Mae {n} {question} heb ateb eto" in render("returned", returned, "cy", False).text
    english = "question" if n == 1 else "questions"
    assert f"{n} {english} that must be answered" in render("returned", returned, "en", False).text


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize(("name", "event", "payload"), SCENARIOS, ids=IDS)
def test_welsh_is_written_whole_with_no_english_left_in(
    name: str, event: str, payload: dict[str, Any], fmt: str
) -> None:
    easy_read = fmt == "easy-read"
    welsh = render(event, payload, "cy", easy_read)
    english = render(event, payload, "en", easy_read)
    assert welsh.text != english.text
    assert welsh.subject != english.subject
    # What people wrote goes out as they wrote it: a Board member's condition, a
    # co-producer's note on an Easy Read summary.
    # So do the names of files (a Board pack's path in the data folder).
    for body in (welsh.subject, welsh.text, visible_text(welsh.html)):
        # And an alert quotes the reason a message failed as it was recorded (English).
        # Item ids (in a returned checklist's reason) are identifiers, the same in
        # every language: they are what a person types to answer an item.
        ids = [g["item"] for g in payload.get("gaps", ())]
        for written in (
            CONDITION,
            NOTE,
            IDEA_WHAT,
            *ALERT_REASONS.values(),
            *PACK.values(),
            *WELSH_LOOKALIKES,
            *sorted(ids, key=len, reverse=True),
        ):
            body = body.replace(written, "")
        left = set(word_list(body)) & ENGLISH_MARKERS
        assert not left, f"English in the Welsh: {sorted(left)}"
    assert set(word_list(english.text)) & ENGLISH_MARKERS  # the check does see English


def test_english_reason_sentences_appear_only_in_the_english_standard_version() -> None:
    _name, event, payload = next(s for s in SCENARIOS if s[0] == "decision-approved")
    reason = payload["decision"]["reasons"][1]["text"]
    assert reason in render(event, payload, "en", False).text
    assert reason in render(event, payload, "en", False).html
    for mode, easy_read in (("cy", False), ("cy", True), ("en", True)):
        message = render(event, payload, mode, easy_read)
        assert reason not in message.text
        assert reason not in message.html


# --- reasons, in every language --------------------------------------------------------------

# The events whose messages give the rules' reasons.
REASON_EVENTS = (
    "decision",
    "vote-extended",
    "no-quorum",
    "returned",
    "review-requested",
    "sent-to-board",
)


def every_reason() -> list[dict[str, Any]]:
    """Every reason code the rules give, with its catalogue example, as the outbox holds it."""
    entries = catalogue.catalogue().entries
    return [
        governance_reason(code, **entries[code].example).as_json()
        for code in catalogue.codes("reason")
    ]


def with_reasons(event: str, reasons: list[dict[str, Any]]) -> dict[str, Any]:
    _name, _event, payload = next(s for s in SCENARIOS if s[1] == event)
    payload = payload | {"reasons": reasons}
    if event == "decision":
        payload["decision"] = payload["decision"] | {"reasons": reasons}
    return payload


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("event", REASON_EVENTS)
def test_every_reason_in_the_payload_is_said_in_the_messages_language(
    event: str, language: str, fmt: str
) -> None:
    """Welsh and Easy Read messages carry the reasons, as the English ones do: each in
    its catalogue text for that language and format (English standard: as recorded)."""
    easy_read = fmt == "easy-read"
    reasons = every_reason()
    message = render(event, with_reasons(event, reasons), language, easy_read)
    said = " ".join(message.text.split())
    shown = visible_text(message.html)
    for reason in reasons:
        if language == "en" and not easy_read:
            expected = reason["text"]
        else:
            expected = catalogue.say(reason["code"], language, easy_read, **reason["params"])
        expected = " ".join(expected.split())
        assert expected in said, (reason["code"], expected)
        assert expected in shown, (reason["code"], expected)
    if language == "cy":
        english = {r["text"] for r in reasons}
        assert not any(text in said for text in english)


def test_a_reason_recorded_without_its_params_is_quoted_as_recorded_or_left_out() -> None:
    """A reason queued before reasons kept their params: the Welsh standard message
    quotes the recorded English (marked as English); Easy Read leaves it out."""
    old = {"code": "more-time", "text": "1 member asked for more time."}
    payload = with_reasons("vote-extended", [old, governance_reason("closed-by-chair").as_json()])
    welsh = render("vote-extended", payload, "cy", False)
    assert f'<code lang="en">{old["text"]}</code>' in welsh.html
    assert "Caeodd y cadeirydd y bleidlais." in welsh.text
    for language in LANGUAGES:
        easy = render("vote-extended", payload, language, True)
        assert old["text"] not in easy.text
        assert catalogue.say("closed-by-chair", language, True) in easy.text


# --- dates -----------------------------------------------------------------------------------


def test_dates_are_written_for_people_in_uk_time() -> None:
    _name, event, payload = next(s for s in SCENARIOS if s[0] == "board-papers")
    assert "by 9am on Thursday 10 December 2026" in render(event, payload, "en", False).text
    assert "erbyn 9 y.b. ddydd Iau 10 Rhagfyr 2026" in render(event, payload, "cy", False).text
    summer = payload | {"ballot": {"number": 1, "deadline": "2026-06-04T13:30:00+00:00"}}
    assert "by 2:30pm on Thursday 4 June 2026" in render(event, summer, "en", False).text  # BST
    assert "erbyn 2:30 y.h. ddydd Iau 4 Mehefin 2026" in render(event, summer, "cy", False).text
    moment = dt.datetime(2026, 12, 10, 12, 0, tzinfo=dt.UTC)
    noon = payload | {"ballot": {"number": 1, "deadline": moment}}
    assert "by midday on Thursday" in render(event, noon, "en", False).text
    assert "erbyn hanner dydd ddydd Iau" in render(event, noon, "cy", False).text


def test_a_deadline_reads_by_five_on_a_day_and_easy_read_gives_the_day_only() -> None:
    _name, event, payload = next(s for s in SCENARIOS if s[0] == "board-papers")
    five = payload | {"ballot": {"number": 1, "deadline": "2026-12-24T17:00:00+00:00"}}
    english = render(event, five, "en", False).text
    assert "Please vote by 5pm on Thursday 24 December 2026." in english
    welsh = render(event, five, "cy", False).text
    assert "erbyn 5 y.h. ddydd Iau 24 Rhagfyr 2026" in welsh
    easy = render(event, five, "en", True).text
    assert "vote by Thursday 24 December 2026." in easy
    easy_welsh = render(event, five, "cy", True).text
    assert "erbyn dydd Iau 24 Rhagfyr 2026." in easy_welsh
    for text in (easy, easy_welsh):
        assert "5pm" not in text
        assert "y.h." not in text
        assert "prynhawn" not in text


@pytest.mark.parametrize(
    ("zone", "english", "welsh", "english_easy", "welsh_easy"),
    [
        # 13:30 UTC on Thursday 4 June 2026: already Friday in New Zealand (NZST, +12)...
        (
            "Pacific/Auckland",
            "by 1:30am on Friday 5 June 2026",
            "erbyn 1:30 y.b. ddydd Gwener 5 Mehefin 2026",
            "by Friday 5 June 2026",
            "erbyn dydd Gwener 5 Mehefin 2026",
        ),
        # ... and the morning in New York (EDT, -4).
        (
            "America/New_York",
            "by 9:30am on Thursday 4 June 2026",
            "erbyn 9:30 y.b. ddydd Iau 4 Mehefin 2026",
            "by Thursday 4 June 2026",
            "erbyn dydd Iau 4 Mehefin 2026",
        ),
    ],
)
def test_dates_are_written_in_the_programmes_time_zone(
    monkeypatch: pytest.MonkeyPatch,
    zone: str,
    english: str,
    welsh: str,
    english_easy: str,
    welsh_easy: str,
) -> None:
    monkeypatch.setenv("CYD_TIMEZONE", zone)
    _name, event, payload = next(s for s in SCENARIOS if s[0] == "board-papers")
    summer = payload | {"ballot": {"number": 1, "deadline": "2026-06-04T13:30:00+00:00"}}
    for easy_read, en, cy in ((False, english, welsh), (True, english_easy, welsh_easy)):
        shown = render(event, summer, "both", easy_read)
        assert en in shown.text
        assert cy in shown.text
        assert en in shown.html
        assert "2:30pm" not in shown.text  # London's time (BST) is nowhere
        assert "2:30 y.h." not in shown.text


def test_a_reminder_after_the_deadline_says_it_has_passed() -> None:
    _name, event, payload = next(s for s in SCENARIOS if s[0] == "reminder-overdue")
    assert "The deadline was Thursday 10 December 2026 at 9am (4 days ago)." in (
        render(event, payload, "en", False).text
    )
    assert "(4 diwrnod yn ôl)" in render(event, payload, "cy", False).text
    # Easy Read: the day and date only.
    assert "The last day was Thursday 10 December 2026." in (
        render(event, payload, "en", True).text
    )
    assert "Y diwrnod olaf oedd dydd Iau 10 Rhagfyr 2026." in (
        render(event, payload, "cy", True).text
    )
    for mode, easy_read in (("en", False), ("en", True)):
        assert "today" not in render(event, payload, mode, easy_read).text


# --- ideas from anyone -----------------------------------------------------------------------

IDEA_SCENARIOS = [s for s in SCENARIOS if s[1].startswith("idea-")]
HOSTILE = "<script>alert(1)</script>"


def by_name(name: str) -> dict[str, Any]:
    return next(payload for n, _event, payload in SCENARIOS if n == name)


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize(
    ("name", "event", "payload"),
    list(idea_scenarios("Community café", HOSTILE)),
    ids=[s[0] for s in idea_scenarios("Community café", HOSTILE)],
)
def test_an_ideas_words_are_escaped_in_the_html_and_kept_in_the_text(
    name: str, event: str, payload: dict[str, Any], mode: str, fmt: str
) -> None:
    """What a member of the public wrote reaches the HTML escaped, wherever it is shown,
    and the plain text as written; so do a group's and a workstream's names."""
    hostile = dict(payload)
    for key, inner in (("on_behalf_of", None), ("recorded_by", None), ("workstream", "name")):
        if hostile.get(key) is not None:
            hostile[key] = HOSTILE if inner is None else {**hostile[key], inner: HOSTILE}
    message = render(event, hostile, mode, fmt == "easy-read")
    assert "<script>" not in message.html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in message.html
    assert HOSTILE in message.text
    assert "&lt;" not in message.text
    assert HOSTILE not in message.subject  # the subject names the idea by its reference


@pytest.mark.parametrize(
    ("texts", "lang", "easy_read", "expected"),
    [
        (both_formats("E", "C", "EE", "CE"), "cy", True, ("CE", "cy")),
        (both_formats("E", "C", "EE", "CE"), "en", False, ("E", "en")),
        # The reader's language in the other format before the other language.
        ({"en": "E", "cy": "C", "en-easy": "EE"}, "cy", True, ("C", "cy")),
        ({"en": "E", "cy-easy": "CE"}, "cy", False, ("CE", "cy")),
        # Then the other language: the reader's format first.
        ({"en": "E", "en-easy": "EE"}, "cy", True, ("EE", "en")),
        ({"en": "E", "en-easy": "EE"}, "cy", False, ("E", "en")),
        ({"cy-easy": "CE"}, "en", False, ("CE", "cy")),
        # An empty text is no text.
        ({"cy": " ", "en": "E"}, "cy", False, ("E", "en")),
        ({}, "en", True, None),
        (None, "en", False, None),
    ],
)
def test_the_reader_gets_their_own_version_of_a_text_else_the_nearest(
    texts: Any, lang: str, easy_read: bool, expected: tuple[str, str] | None
) -> None:
    assert r.for_reader(texts, lang, easy_read) == expected


def test_a_reason_given_only_in_the_other_language_is_shown_marked_with_its_language() -> None:
    english_only = {"en": "The library is closed until next summer."}
    payload = by_name("idea-answered-not-now") | {"reason": english_only, "what_next": {}}
    for easy_read in (False, True):
        welsh = render("idea-answered", payload, "cy", easy_read)
        assert english_only["en"] in welsh.text
        assert f'<span lang="en">{english_only["en"]}</span>' in welsh.html
        english = render("idea-answered", payload, "en", easy_read)
        assert english_only["en"] in english.text
        assert 'span lang="en"' not in english.html  # its own language: nothing to mark
    # Escaped when marked too.
    hostile = payload | {"reason": {"en": HOSTILE}}
    welsh = render("idea-answered", hostile, "cy", False)
    assert '<span lang="en">&lt;script&gt;alert(1)&lt;/script&gt;</span>' in welsh.html


@pytest.mark.parametrize(("language", "fmt"), FORMS)
def test_each_answer_to_an_idea_is_worded_for_its_outcome(language: str, fmt: str) -> None:
    easy_read = fmt == "easy-read"
    told = {
        outcome: render("idea-answered", by_name(f"idea-answered-{outcome}"), language, easy_read)
        for outcome in IDEA_OUTCOMES
    }
    # Each outcome says something of its own (not only its reason), even with the same reason.
    same_reason = {"reason": IDEA_REASONS["merged"], "what_next": {}, "venture": None}
    bodies = [
        render(
            "idea-answered",
            by_name(f"idea-answered-{outcome}") | same_reason,
            language,
            easy_read,
        ).text
        for outcome in IDEA_OUTCOMES
    ]
    assert len(set(bodies)) == len(bodies)
    key = f"{language}-easy" if easy_read else language
    for outcome, message in told.items():
        assert IDEA_REASONS[outcome][key] in message.text
        assert IDEA_REASONS[outcome][key] in visible_text(message.html)
        if IDEA_NEXT[outcome]:
            assert IDEA_NEXT[outcome][key] in message.text
        assert IDEA_WHAT in message.text
    # Who is invited to help is told someone will get in touch; nobody else is.
    in_touch = {
        ("en", "standard"): "Someone from the work will get in touch with you.",
        ("en", "easy-read"): "Someone from the work will get in touch with you.",
        ("cy", "standard"): "Bydd rhywun o'r gwaith yn cysylltu â chi.",
        ("cy", "easy-read"): "Bydd rhywun o'r gwaith yn cysylltu â chi.",
    }[language, fmt]
    for outcome in ("adopted", "merged"):
        assert in_touch in told[outcome].text
        uninvited = by_name(f"idea-answered-{outcome}-not-invited")
        assert in_touch not in render("idea-answered", uninvited, language, easy_read).text
    for outcome in ("not-now", "not-for-programme"):
        assert in_touch not in told[outcome].text


def test_a_standard_answer_names_the_work_and_heads_what_next_by_outcome() -> None:
    adopted = render("idea-answered", by_name("idea-answered-adopted"), "en", False).text
    assert "a piece of work of its own, “Community café” (v-0001)." in adopted
    merged = render("idea-answered", by_name("idea-answered-merged"), "en", False).text
    assert "already under way, “Community café” (v-0001), so we have added it" in merged
    not_now = render("idea-answered", by_name("idea-answered-not-now"), "en", False).text
    assert "What would change our answer" in not_now
    elsewhere = render("idea-answered", by_name("idea-answered-not-for-programme"), "en", False)
    assert "Where to take your idea instead" in elsewhere.text
    # No reason, nothing next: no empty headings.
    bare = render("idea-answered", by_name("idea-answered-no-reason"), "en", False).text
    assert "Why" not in bare
    assert "What would change" not in bare


# The stage each state of the work is told as, in the standard form's heading.
IDEA_STAGES = {
    "draft": ("Being prepared", "Wrthi'n cael ei baratoi"),
    "submitted": ("Being checked", "Wrthi'n cael ei wirio"),
    "in_review": ("Being checked", "Wrthi'n cael ei wirio"),
    "awaiting_board": ("With the Project Board", "Gyda Bwrdd y Prosiect"),
    "on_hold": ("With the Project Board", "Gyda Bwrdd y Prosiect"),
    "approved": ("Agreed", "Wedi'i gytuno"),
    "approved_with_conditions": ("Agreed", "Wedi'i gytuno"),
    "returned": ("Sent back to improve", "Wedi'i anfon yn ôl i'w wella"),
    "recycled": ("Sent back to improve", "Wedi'i anfon yn ôl i'w wella"),
    "rejected": ("Stopped", "Wedi dod i ben"),
    "withdrawn": ("Stopped", "Wedi dod i ben"),
}


def test_the_work_from_an_idea_is_told_in_stages_the_public_knows() -> None:
    assert set(IDEA_STAGES) == set(IDEA_STATES)
    for language, at in (("en", 0), ("cy", 1)):
        for easy_read in (False, True):
            said = {
                state: render("idea-update", by_name(f"idea-update-{state}"), language, easy_read)
                for state in IDEA_STATES
            }
            # Every state says something of its own.
            assert len({m.text for m in said.values()}) == len(IDEA_STATES)
            for state, message in said.items():
                assert "Community café" in message.text
                if not easy_read:
                    heading = IDEA_STAGES[state][at]
                    assert f"{heading}\n{'-' * len(heading)}" in message.text
                    assert f"<h2>{html_escape(heading)}</h2>" in message.html
                    assert (
                        "Design gate" if language == "en" else "(Porth dylunio)"
                    ) in message.text
                for word in ("in_review", "awaiting_board", "recycled", "withdrawn"):
                    assert word not in message.text  # no state's code reaches a reader


def html_escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("'", "&#39;")


@pytest.mark.parametrize(("language", "fmt"), FORMS)
def test_an_idea_received_says_who_wrote_it_down_for_whom_and_how_to_withdraw(
    language: str, fmt: str
) -> None:
    easy_read = fmt == "easy-read"
    full = render(
        "idea-received", by_name("idea-received-recorded-for-a-group"), language, easy_read
    )
    own = render("idea-received", by_name("idea-received-own"), language, easy_read)
    recorded = {
        ("en", "standard"): f"{IDEA_RECORDER} wrote this down for you.",
        ("en", "easy-read"): f"{IDEA_RECORDER} wrote it down for you.",
        ("cy", "standard"): f"Ysgrifennodd {IDEA_RECORDER} hwn ar eich rhan.",
        ("cy", "easy-read"): f"Ysgrifennodd {IDEA_RECORDER} e ar eich rhan.",
    }[language, fmt]
    answer_by = {
        ("en", "standard"): "We will answer you by 2:30pm on Thursday 17 December 2026",
        ("en", "easy-read"): "We will answer you by Thursday 17 December 2026.",
        ("cy", "standard"): "Byddwn ni'n eich ateb erbyn 2:30 y.h. ddydd Iau 17 Rhagfyr 2026",
        ("cy", "easy-read"): "Byddwn ni'n eich ateb erbyn dydd Iau 17 Rhagfyr 2026.",
    }[language, fmt]
    withdraw = {
        ("en", "standard"): "withdraw your idea, and to delete your contact details",
        ("en", "easy-read"): "You can ask us to take your idea back at any time.",
        ("cy", "standard"): "dynnu eich syniad yn ôl, a dileu eich manylion cyswllt",
        ("cy", "easy-read"): "Gallwch chi ofyn i ni dynnu eich syniad yn ôl unrhyw bryd.",
    }[language, fmt]
    for message in (full, own):
        assert answer_by in message.text
        assert withdraw in message.text
        assert "i-0001" in message.text
        assert IDEA_WHAT in message.text
    assert recorded in full.text
    assert IDEA_GROUP in full.text
    assert IDEA_RECORDER not in own.text
    assert IDEA_GROUP not in own.text


@pytest.mark.parametrize(("language", "fmt"), FORMS)
def test_an_idea_waiting_past_its_promise_says_so_plainly(language: str, fmt: str) -> None:
    easy_read = fmt == "easy-read"
    due = render("idea-to-answer", by_name("idea-to-answer-due"), language, easy_read)
    past = render("idea-to-answer", by_name("idea-to-answer-past"), language, easy_read)
    passed = {
        ("en", "standard"): "that time has passed",
        ("en", "easy-read"): "That day has passed.",
        ("cy", "standard"): "mae'r amser hwnnw wedi mynd heibio",
        ("cy", "easy-read"): "Mae'r diwrnod yna wedi mynd heibio.",
    }[language, fmt]
    assert passed in past.text
    assert passed not in due.text
    assert past.subject != due.subject
    for message in (due, past):
        assert "i-0001" in message.text
        assert "Day opportunities" in message.text
        assert "cyd idea" not in message.text  # "answer it", not a command
    unsent = render("idea-to-answer", by_name("idea-to-answer-due-unsent"), language, easy_read)
    assert "Day opportunities" not in unsent.text


@pytest.mark.parametrize(("language", "fmt"), FORMS)
def test_a_proposer_who_gave_no_name_is_greeted_without_one(language: str, fmt: str) -> None:
    nobody = Recipient("", "the proposer of idea i-0001", language)
    message = render_message(
        "idea-received", person=nobody, payload=by_name("idea-received-own"), language=None,
        easy_read=fmt == "easy-read", bilingual=False,
    )  # fmt: skip
    greeting = {
        ("en", "standard"): "Hello,",
        ("en", "easy-read"): "Hello.",
        ("cy", "standard"): "Annwyl gyfaill,",
        ("cy", "easy-read"): "Helo.",
    }[language, fmt]
    lines = [line for line in message.text.splitlines() if line.strip()]
    assert lines[2] == greeting
    assert "Dear ," not in message.text
    assert "Annwyl ," not in message.text
