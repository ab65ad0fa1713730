"""Realistic payloads for previewing a message (`cyd notify preview`) when the person
has had none of that event yet.

They have the shape `services.advance` gives the outbox (a test compares the two on
the whole governance path), with words from the shipped definitions: the design
gate, the delivery gate after it, and real questions of the co-production checklist
left unanswered. The venture is the examples' "Community café".
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from checklists.loader import Library, load_library
from checklists.spec import GateDefinition
from governance.reasons import Reason, reason
from notifications.compose import (
    ALERT_EVENT,
    DIGEST_EVENT,
    SIGN_IN_EVENT,
    TEST_EVENT,
    template_name,
)

VENTURE = {
    "id": "v-0001",
    "title": "Community café",
    "gate": "design",
    "title_lang": "en",
    "title_other": "Caffi cymunedol",
}
FIRST_GATE = "design"
# A made-up audit head (the hash of a record): a preview shows where a real one goes.
SAMPLE_HEAD = "3f" * 32
CHECKLIST = "coproduction-start"
MISSING_ITEMS = 2  # how many unanswered questions a "returned" sample lists
_AUDIENCES = {
    "returned": "lead",  # and a copy to the co-producers (audience "co-producers")
    "review-requested": "reviewers",
    "sent-to-board": "workstream",
    "board-papers": "board",
    "vote-requested": "board",
    "vote-extended": "board",
    "no-quorum": "board",
    "decision": "everyone",
    "next-gate-opened": "workstream",
    "reminder": "lead",
    "escalation": "lead",
    "you-said-we-did": "workstream",
}


def gate_words(gate: GateDefinition) -> dict[str, Any]:
    return {
        "id": gate.id,
        "title": {"en": gate.title.en, "cy": gate.title.cy},
        "easy_read": {"en": gate.easy_read.en, "cy": gate.easy_read.cy},
    }


def sample_payload(
    event: str, *, library: Library | None = None, now: dt.datetime | None = None
) -> dict[str, Any]:
    """A payload for `event` (bare or `venture.`-prefixed) as the outbox would hold it."""
    name = template_name(event)
    if name == TEST_EVENT:
        return {"group": False, "channel": "mailbox://***"}
    if name == ALERT_EVENT:
        return {
            "group": False,
            "failed": {
                "message_id": 42,
                "event": "venture.decision",
                "venture_id": VENTURE["id"],
                "person": "megan.lloyd@example.org",
                "channel": "mailto://***",
                "attempts": 8,
                "reason": "mailto://*** did not take the message (failure): Connection refused",
            },
        }
    at = (now or dt.datetime.now(dt.UTC)).replace(microsecond=0)
    if name == SIGN_IN_EVENT:  # a made-up link and code: a preview never shows real ones
        return {
            "group": False,
            "link": "https://cyd.example.org/sign-in/an-example-that-signs-nobody-in",
            "code": "123456",
            "expires_at": (at + dt.timedelta(minutes=15)).isoformat(),
            "minutes": 15,
        }
    if name == "confirm-recorded":  # services.assisted: a clerk recorded a vote for them
        return {
            "event": name,
            "venture": dict(VENTURE),
            "state": "awaiting_board",
            "group": False,
            "audit_seq": 5,
            "audit_head": SAMPLE_HEAD,
            "what": "vote",
            "recorded_by": {"name": "Programme Office"},
            "link": "https://cyd.example.org/confirm/7",
        }
    if name in ("summary-to-check", "summary-changes"):  # services.easy_read_summaries
        summary: dict[str, Any] = {
            "event": name,
            "venture": dict(VENTURE),
            "state": "draft",
            "group": name == "summary-to-check",
            "audit_seq": 5,
            "audit_head": SAMPLE_HEAD,
            "link": "https://cyd.example.org/ventures/v-0001#easy-read-summary",
        }
        if name == "summary-to-check":
            return summary | {"written_by": {"name": "Gareth Jones"}}
        return summary | {"checked_by": {"name": "Nia Morgan"}, "note": "Say where the café is."}
    if name == "audit-anchor":  # services.audit_anchor
        anchor = {"entry": 1289, "head": SAMPLE_HEAD, "at": at.isoformat()}
        return {"group": False, "anchor": anchor}
    if name == DIGEST_EVENT:  # the cover; the relay gives the count of what it carries
        return {"group": False, "day": at.date().isoformat(), "count": 2}
    library = library or load_library()
    gate = library.gate(FIRST_GATE)
    if name in IDEA_EVENTS:
        return _idea_payload(name, at, gate)
    deadline = (at + dt.timedelta(days=14)).isoformat()
    ballot = {"number": 1, "deadline": deadline}
    audience = _AUDIENCES.get(name, "workstream")
    payload: dict[str, Any] = {
        "event": name,
        "venture": dict(VENTURE),
        "state": "draft",
        "audience": audience,
        "group": audience != "lead",
        "audit_seq": 5,
        "audit_head": SAMPLE_HEAD,
        "gate": gate_words(gate),
        "gaps": [],  # what is missing, when a checklist went back (see "returned")
    }
    # The reasons the rules give in each situation (governance.advance, .decisions).
    board = [reason("reviews-complete", go=1, recycle=1)]
    decided = _decision_reasons()
    reasons = {
        "returned": [_incomplete(_gaps(library))] if name == "returned" else [],
        "review-requested": [reason("checklist-complete")],
        "sent-to-board": board,
        "board-papers": board,
        "vote-requested": board,
        "decision": decided,
        "next-gate-opened": decided,
        "no-quorum": [
            reason("closed-at-deadline"),
            reason("quorum-not-met", voted=3, needed=4),
            reason("no-quorum-rerun", until=deadline),
        ],
        "vote-extended": [
            reason("closed-at-deadline"),
            reason("more-time", count=1, days=7, until=deadline),
        ],
    }
    if name in reasons:
        payload["reasons"] = [r.as_json() for r in reasons[name]]
    if name == "returned":
        payload["state"] = "returned"
        payload["gaps"] = _gaps(library)
    elif name == "review-requested":
        payload["state"] = "in_review"
    elif name in ("sent-to-board", "board-papers", "vote-requested", "no-quorum"):
        payload |= {"state": "awaiting_board", "ballot": ballot}
    elif name == "vote-extended":
        payload |= {
            "state": "awaiting_board",
            "ballot": ballot,
            "more_time_granted": ["sian.roberts@example.org"],
        }
    elif name in ("decision", "next-gate-opened"):
        payload |= {"state": "approved_with_conditions", "decision": _decision()}
        if gate.next_gate:
            payload["next_gate"] = gate_words(library.gate(gate.next_gate))
            if name == "next-gate-opened":
                payload["state"] = "draft"
                payload["venture"]["gate"] = gate.next_gate
    elif name in ("reminder", "escalation"):
        payload |= {
            "action": "answer",
            "deadline": deadline,
            "count": 2,
            "days_left": 3,
            "reminders": 3,
            "about": {"name": "Nia Morgan"},
        }
    elif name == "you-said-we-did":
        payload["items"] = [
            {
                "said": {
                    "en": "Meetings in the evening are hard for us to get to.",
                    "cy": "Mae'n anodd i ni fynd i gyfarfodydd gyda'r nos.",
                },
                "did": {
                    "en": "We moved the meetings to the afternoon.",
                    "cy": "Rydyn ni wedi symud y cyfarfodydd i'r prynhawn.",
                },
            }
        ]
    return payload


# Ideas from anyone: what a local person put forward, in their own words.
IDEA = {"id": "i-0001", "what": "A repair café in the library on Saturday mornings."}
IDEA_EVENTS = ("idea-received", "idea-answered", "idea-update", "idea-to-answer")
IDEA_ANSWER_DAYS = 28  # a sample promise of an answer, four weeks on


def _idea_payload(name: str, at: dt.datetime, gate: GateDefinition) -> dict[str, Any]:
    """The payloads of the ideas' messages: to the proposer (received, answered, the
    work's news) and to the people who triage ideas (one waits for an answer)."""
    due = (at + dt.timedelta(days=IDEA_ANSWER_DAYS)).isoformat()
    idea = dict(IDEA)
    venture = {"id": VENTURE["id"], "title": VENTURE["title"]}
    if name == "idea-received":
        return {"idea": idea, "due": due, "recorded_by": "Gareth Jones", "on_behalf_of": None}
    if name == "idea-answered":
        return {
            "idea": idea,
            "outcome": "merged",
            "reason": {
                "en": "A community café is already being planned, and a repair café fits it.",
                "cy": "Mae caffi cymunedol eisoes yn cael ei gynllunio, ac mae caffi trwsio'n"
                " perthyn iddo.",
                "en-easy": "Some people are already planning a café.",
                "cy-easy": "Mae rhai pobl eisoes yn cynllunio caffi.",
            },
            "what_next": {},
            "venture": venture,
            "invited": True,
        }
    if name == "idea-update":
        return {
            "idea": idea,
            "venture": venture,
            "state": "in_review",
            "gate": {"id": gate.id, "title": gate_words(gate)["title"]},
        }
    return {  # idea-to-answer
        "idea": idea,
        "due": due,
        "past": False,
        "workstream": {"id": "day-opportunities", "name": "Day opportunities"},
        "received": at.isoformat(),
    }


def _gaps(library: Library) -> list[dict[str, Any]]:
    checklist = library.checklist(CHECKLIST)
    gaps = []
    for item in [i for i in checklist.items() if i.required][:MISSING_ITEMS]:
        gaps.append(
            {
                "checklist": checklist.id,
                "item": item.id,
                "problem": "missing",
                "reason": {
                    "en": "This item must be met and has no answer yet.",
                    "cy": "Rhaid bodloni'r eitem hon, ac nid oes ateb iddi eto.",
                },
                "question": {"en": item.question.en, "cy": item.question.cy},
                "easy_read": {"en": item.easy_read.en, "cy": item.easy_read.cy},
                "audience": item.audience,
            }
        )
    return gaps


def _decision() -> dict[str, Any]:
    return {
        "effect": "RecordDecision",
        "gate": FIRST_GATE,
        "ballot": 1,
        "outcome": "approved_with_conditions",
        "tally": {
            "rule": "board-lived-experience",
            "members": 6,
            "eligible": 5,
            "recused": 1,
            "quorum_needed": 4,
            "voted": 5,
            "approve": 3,
            "approve_with_conditions": 1,
            "recycle": 1,
            "reject": 0,
            "hold": 0,
            "abstain": 0,
            "more_time": 0,
            "lived_experience_voted": 3,
            "chair_voted": True,
            "set_aside": 0,
        },
        "reasons": [r.as_json() for r in _decision_reasons()],
        "conditions": ["Pay people for their time from the first day."],
        "closed_by": "deadline",
        "casting_vote_used": False,
    }


def _incomplete(gaps: list[dict[str, Any]]) -> Reason:
    missing = [g["item"] for g in gaps if g["problem"] == "missing"]
    return reason(
        "checklist-incomplete",
        which="missing",
        missing=len(missing),
        missing_items=", ".join(missing),
        invalid=0,
        invalid_items="",
    )


def _decision_reasons() -> list[Reason]:
    """The reasons of the sample decision (5 of 6 members eligible, 5 took part)."""
    return [
        reason(
            "rule",
            name="board-lived-experience",
            quorum_kind="count",
            quorum=4,
            threshold="simple-majority",
            needed=4,
        ),
        reason("eligible", eligible=5, members=6, declared=1),
        reason(
            "counts",
            voted=5,
            approve=3,
            approve_with_conditions=1,
            recycle=1,
            reject=0,
            hold=0,
            abstain=0,
            more_time=0,
        ),
        reason("closed-at-deadline"),
        reason("quorum-met", voted=5, needed=4),
        reason("support", support=4, against=1, threshold="simple-majority"),
        reason("carried-with-conditions"),
    ]
