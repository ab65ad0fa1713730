"""The pages' reads: answer history, the audit trail (never a secret), workstreams,
interests, and what a person may do, on both databases."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import re
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine

from checklists.loader import Library, load_library
from governance import catalogue
from governance.catalogue import Language
from services import commands as c
from services.commands import Cyd, NotFound
from services.history import CODES, AuditEvent, answer_history, audit_trail, changed_answers
from services.involvement import interests, workstreams_of
from services.permitted import ACTIONS, Permitted, what_may_i_do
from services.programme_import import import_programme, parse_programme
from tests.services.test_next_actions import (
    CHAIR,
    CO_PRODUCERS,
    LEAD,
    STEPS,
    Clock,
    clock,
    email,
    to_board,
)

ROOT = Path(__file__).resolve().parents[2]
PROGRAMME = ROOT / "examples" / "programme.yaml"
# Nia's messages go by email through a server that wants her password.
PASSWORD = "Gr33n-Tea-Pot-91"  # noqa: S105  (made up, to look for)
SECRET_URL = f"mailtos://nia.morgan:{PASSWORD}@mail.example.org?to=nia.morgan@example.org"


@pytest.fixture(scope="module")
def library() -> Library:
    return load_library()


@pytest.fixture
def cyd(engine: Engine, library: Library) -> Cyd:
    source = PROGRAMME.read_text(encoding="utf-8")
    source = source.replace('"mailbox://nia.morgan"', f'"{SECRET_URL}"')
    assert SECRET_URL in source
    programme = parse_programme(source, library=library)
    import_programme(engine, programme, source, "admin@example.org")
    return Cyd(engine, library, clock=Clock())


def plain(value: Any) -> str:
    return json.dumps(
        [dataclasses.asdict(v) for v in value] if isinstance(value, list) else value,
        default=str,
        ensure_ascii=False,
    )


# --- answer history ------------------------------------------------------------------------


def test_every_answer_with_who_when_and_which_is_current(cyd: Cyd) -> None:
    venture = c.start_venture(
        cyd, workstream="day-opportunities", title="Café", lead=LEAD
    ).venture_id
    # An item for co-producers (the lead may answer it too): two of them, then the lead.
    item = "lived-experience-views"
    views = ["They like it.", "They like it, and want paid roles.", "Paid roles first."]
    c.answer(cyd, venture, item, views[0], by=CO_PRODUCERS[0])
    c.answer(cyd, venture, item, views[1], by=CO_PRODUCERS[1])
    c.answer(cyd, venture, item, views[2], by=LEAD)
    c.answer(
        cyd, venture, "venture-summary", "Something else entirely, said plainly. " * 2, by=LEAD
    )
    history = answer_history(cyd.engine, venture, f"coproduction-start/{item}")
    assert [(a.value, a.by, a.current) for a in history] == [
        (views[0], CO_PRODUCERS[0], False),
        (views[1], CO_PRODUCERS[1], False),
        (views[2], LEAD, True),
    ]
    assert [a.by_name for a in history] == ["Nia Morgan", "Sam Bennett", "Gareth Jones"]
    assert history[0].superseded_by == history[1].id
    assert history[1].superseded_by == history[2].id
    assert history[2].superseded_by is None
    assert history[0].at < history[1].at < history[2].at
    assert answer_history(cyd.engine, venture, item) == history
    assert answer_history(cyd.engine, venture, "formats-offered") == []
    with pytest.raises(NotFound):
        answer_history(cyd.engine, venture, "no-such-item")
    with pytest.raises(NotFound):
        answer_history(cyd.engine, "v-9999", item)
    # Every changed item's history in one read: the same records, only changed items.
    assert changed_answers(cyd.engine, venture) == {f"coproduction-start/{item}": history}
    with pytest.raises(NotFound):
        changed_answers(cyd.engine, "v-9999")


# --- the audit trail --------------------------------------------------------------------------


def test_the_trail_of_the_main_path_as_coded_events(cyd: Cyd) -> None:
    for _step, act, _expected in STEPS:
        act(cyd)
    other = c.start_venture(cyd, workstream="day-opportunities", title="Other", lead=LEAD)
    trail = audit_trail(cyd.engine, "v-0001")
    codes = [e.code for e in trail]
    assert set(codes) <= CODES
    assert "other" not in codes
    assert [e.seq for e in trail] == sorted(e.seq for e in trail)
    assert codes[0] == "venture-started"
    assert trail[0].params["title"] == "Community café"
    assert (trail[0].actor, trail[0].actor_name) == (LEAD, "Gareth Jones")
    # The path, in order (each code's first appearance).
    firsts = list(dict.fromkeys(codes))
    path = [
        "venture-started",
        "answer-recorded",
        "venture-submitted",
        "sent-back-for-changes",
        "accepted-for-review",
        "reviewers-assigned",
        "review-recorded",
        "sent-to-board",
        "vote-opened",
        "interest-declared",
        "vote-recorded",
        "reminder-sent",
        "action-refused",
        "vote-closed-by-chair",
        "vote-extended",
        "decision-recorded",
        "approved-with-conditions",
        "next-gate-opened",
    ]
    assert [code for code in firsts if code in path] == path
    returned = next(e for e in trail if e.code == "sent-back-for-changes")
    assert (returned.actor, returned.actor_name) == ("cyd", None)
    assert returned.params["gaps"]
    # Sent before anyone with lived experience signed it off: that is a reason too.
    assert returned.params["reasons"] == ["checklist-incomplete", "sign-offs-missing"]
    assert (returned.summary or "").startswith("The checklist has")
    refused = next(e for e in trail if e.code == "action-refused")
    assert refused.params == {"action": "board.vote", "code": "own-venture"}
    assert refused.summary == "A lead never votes on their own venture."
    helped = next(e for e in trail if e.code == "vote-recorded" and e.actor == CHAIR)
    assert helped.params["supported_by"] == email("tom.price")
    decision = next(e for e in trail if e.code == "decision-recorded")
    assert decision.params["outcome"] == "approved_with_conditions"
    assert decision.params["conditions"] == ["Pay."]
    assert decision.summary
    assert all(e.code != "venture-started" or e.params["title"] != "Other" for e in trail)
    assert audit_trail(cyd.engine, other.venture_id)[0].params["title"] == "Other"
    with pytest.raises(NotFound):
        audit_trail(cyd.engine, "v-9999")


FORMS: tuple[tuple[Language, bool], ...] = (
    ("en", False),
    ("cy", False),
    ("en", True),
    ("cy", True),
)


def in_words(event: AuditEvent, zone: dt.tzinfo = catalogue.TIMEZONE) -> dict[str, str]:
    return {
        f"{language}{'_easy' if easy else ''}": event.words(language, easy, zone)
        for language, easy in FORMS
    }


def test_every_code_the_trail_gives_has_texts_of_an_event() -> None:
    assert {code: catalogue.catalogue().entries[code].kind for code in CODES} == dict.fromkeys(
        CODES, "event"
    )
    assert set(catalogue.codes("event")) == CODES


def test_the_trail_of_the_main_path_in_words(cyd: Cyd) -> None:
    """Every event of the demo's venture, in all four forms: whole, Welsh not English,
    people by name, the refusal and the rules' reasons written in the language."""
    for _step, act, _expected in STEPS:
        act(cyd)
    trail = audit_trail(cyd.engine, "v-0001")
    assert len({e.code for e in trail}) >= 18
    for event in trail:
        words = in_words(event)
        assert all(words.values()), event
        assert words["cy"] != words["en"], event
        assert words["cy_easy"] != words["en_easy"], event
        everything = " ".join(words.values())
        assert not re.search(r"\{\w*\}", everything), words  # every placeholder filled
        assert "@example.org" not in everything, words  # people by their names
    started = in_words(trail[0])
    assert started["cy"] == "Dechreuodd Gareth Jones y fenter “Community café” ym mhorth design."
    refused = in_words(next(e for e in trail if e.code == "action-refused"))
    # The refusal's own text, written from the English sentence the log kept.
    assert refused["en"].endswith(" A lead never votes on their own venture.")
    assert refused["cy"].endswith(" " + catalogue.say("own-venture", "cy", action="vote"))
    helped = next(e for e in trail if e.code == "vote-recorded" and e.actor == CHAIR)
    assert (
        in_words(helped)["en"] == "Megan Lloyd voted approve. Tom Price helped, as their supporter."
    )
    decided = next(e for e in trail if e.code == "decision-recorded")
    assert [r.code for r in decided.reasons] == decided.params["reasons"]
    welsh = in_words(decided)["cy"]
    assert welsh.startswith("Penderfynodd y Bwrdd gymeradwyo'r fenter gydag amodau: Pay.")
    assert catalogue.say("carried-with-conditions", "cy") in welsh
    reminded = next(e for e in trail if e.code == "reminder-sent")
    assert in_words(reminded)["cy"].startswith("Atgoffwyd Priya Shah i bleidleisio erbyn ")
    # A day is the programme's: the vote's deadline (17:00 in London on Mon 30 November,
    # 14 working days after it opened on Tue 10 November) is already Tue 1 December in
    # Auckland (06:00, summer time there).
    opened = next(e for e in trail if e.code == "vote-opened")
    deadline = dt.datetime.fromisoformat(opened.params["deadline"])
    assert deadline == dt.datetime(2026, 11, 30, 17, 0, tzinfo=dt.UTC)
    auckland = dt.timezone(dt.timedelta(hours=13))
    assert "30 Tachwedd 2026" in in_words(opened)["cy"]
    assert "1 Rhagfyr 2026" in in_words(opened, auckland)["cy"]


def test_the_trail_never_shows_a_channel_url_or_password(cyd: Cyd) -> None:
    for _step, act, _expected in STEPS:
        act(cyd)  # Nia answers, and is sent messages on her channel throughout
    venture = "v-0002"
    c.start_venture(cyd, workstream="day-opportunities", title="Café two", lead=LEAD)
    # She pastes her channel's address into an answer by mistake.
    pasted = f"Write to me at {SECRET_URL} about the café and the people who run it with us."
    c.answer(cyd, venture, "venture-summary", pasted, by=CO_PRODUCERS[0])
    c.submit(cyd, venture, by=LEAD)
    c.withdraw(cyd, venture, by=LEAD, reason=f"Nia moved to {SECRET_URL} and left.")
    for trail in (audit_trail(cyd.engine, "v-0001"), audit_trail(cyd.engine, venture)):
        text = plain(trail)
        assert email("nia.morgan") in text  # she is in it, by her email
        words = " ".join(w for e in trail for w in in_words(e).values())
        for shown in (text, words):
            assert PASSWORD not in shown
            assert SECRET_URL not in shown
            assert "mail.example.org" not in shown
    withdrawn = audit_trail(cyd.engine, venture)[-1]
    assert withdrawn.code == "venture-withdrawn"
    assert in_words(withdrawn)["cy"] == (
        "Tynnodd Gareth Jones y fenter yn ôl."
        " Y rheswm a roddwyd: Nia moved to mailtos://*** and left."
    )
    text = plain(audit_trail(cyd.engine, venture))
    assert "Write to me at mailtos://*** about the café" in text
    history = answer_history(cyd.engine, venture, "venture-summary")
    assert PASSWORD not in plain(history)
    assert history[0].value.startswith("Write to me at mailtos://*** about")


# --- workstreams and interests -------------------------------------------------------------


def test_workstreams_of_a_person(cyd: Cyd) -> None:
    [lead] = workstreams_of(cyd.engine, LEAD)
    assert (lead.id, lead.name, lead.is_lead) == ("day-opportunities", "Day opportunities", True)
    [member] = workstreams_of(cyd.engine, CO_PRODUCERS[0])
    assert (member.id, member.is_lead) == ("day-opportunities", False)
    assert workstreams_of(cyd.engine, CHAIR) == []
    with pytest.raises(NotFound):
        workstreams_of(cyd.engine, "nobody@example.org")


def test_declared_interests_with_member_and_text(cyd: Cyd) -> None:
    venture = to_board(cyd)
    assert interests(cyd.engine, venture) == []
    c.declare_interest(cyd, venture, member=email("david.hughes"), interest="Runs a café nearby")
    c.declare_interest(cyd, venture, member=email("priya.shah"), interest="My sister works there")
    found = interests(cyd.engine, venture)
    assert [(i.member, i.member_name, i.text) for i in found] == [
        (email("david.hughes"), "David Hughes", "Runs a café nearby"),
        (email("priya.shah"), "Priya Shah", "My sister works there"),
    ]
    with pytest.raises(NotFound):
        interests(cyd.engine, "v-9999")


# --- what a person may do ---------------------------------------------------------------------


def allowed(found: list[Permitted]) -> dict[str, str | None]:
    """action → None if allowed, else the denial's code."""
    assert [p.action for p in found] == list(ACTIONS)
    for p in found:
        assert p.allowed == (p.code is None) == (p.reason is None)
    return {p.action: p.code for p in found}


ALLOWED = None
# At the Board, after David declared an interest: each person's answer for each action.
AT_THE_BOARD: dict[str, dict[str, str | None]] = {
    "gareth.jones": {  # the lead, also on the Board
        "view": ALLOWED,
        "answer": ALLOWED,
        "answer-lead-items": ALLOWED,
        "sign-off": "not-lived-experience-co-producer",
        "submit": "wrong-state",
        "extend": ALLOWED,
        "review": "not-reviewer",
        "declare": ALLOWED,
        "withdraw-interest": "no-interest-declared",
        "vote": "own-venture",
        "close": "not-chair",
        "withdraw": ALLOWED,
        "resume": "may-not-resume",
        "view-pack": ALLOWED,
        "view-audit": ALLOWED,
    },
    "megan.lloyd": {  # the chair
        "view": ALLOWED,
        "answer": "not-in-workstream",
        "answer-lead-items": "not-in-workstream",
        "sign-off": "not-lived-experience-co-producer",
        "submit": "not-lead",
        "extend": ALLOWED,
        "review": "not-reviewer",
        "declare": ALLOWED,
        "withdraw-interest": "no-interest-declared",
        "vote": ALLOWED,
        "close": ALLOWED,
        "withdraw": "may-not-withdraw",
        "resume": "wrong-state",
        "view-pack": ALLOWED,
        "view-audit": ALLOWED,
    },
    "tom.price": {  # Megan's supporter: sees what she sees, does nothing himself
        "view": ALLOWED,
        "answer": "not-in-workstream",
        "answer-lead-items": "not-in-workstream",
        "sign-off": "not-lived-experience-co-producer",
        "submit": "not-lead",
        "extend": "may-not-extend",
        "review": "not-reviewer",
        "declare": "not-on-board",
        "withdraw-interest": "no-interest-declared",
        "vote": "supporter",
        "close": "not-chair",
        "withdraw": "may-not-withdraw",
        "resume": "may-not-resume",
        "view-pack": ALLOWED,
        "view-audit": ALLOWED,
    },
    "david.hughes": {  # declared an interest
        "view": ALLOWED,
        "answer": "not-in-workstream",
        "answer-lead-items": "not-in-workstream",
        "sign-off": "not-lived-experience-co-producer",
        "submit": "not-lead",
        "extend": "may-not-extend",
        "review": "not-reviewer",
        "declare": ALLOWED,
        "withdraw-interest": ALLOWED,
        "vote": "declared-interest",
        "close": "not-chair",
        "withdraw": "may-not-withdraw",
        "resume": "may-not-resume",
        "view-pack": ALLOWED,
        "view-audit": ALLOWED,
    },
    "nia.morgan": {  # a co-producer
        "view": ALLOWED,
        "answer": ALLOWED,
        "answer-lead-items": "item-for-lead",
        "sign-off": "sign-off-not-draft",  # lived experience, in the workstream
        "submit": "not-lead",
        "extend": "may-not-extend",
        "review": "not-reviewer",
        "declare": "not-on-board",
        "withdraw-interest": "no-interest-declared",
        "vote": "not-on-board",
        "close": "not-chair",
        "withdraw": "may-not-withdraw",
        "resume": "may-not-resume",
        "view-pack": "not-on-board",
        "view-audit": ALLOWED,
    },
    "elin.davies": {  # an assigned reviewer, whose review is done
        "view": ALLOWED,
        "answer": "not-in-workstream",
        "answer-lead-items": "not-in-workstream",
        "sign-off": "not-lived-experience-co-producer",
        "submit": "not-lead",
        "extend": "may-not-extend",
        "review": "wrong-state",
        "declare": "not-on-board",
        "withdraw-interest": "no-interest-declared",
        "vote": "not-on-board",
        "close": "not-chair",
        "withdraw": "may-not-withdraw",
        "resume": "may-not-resume",
        "view-pack": "not-on-board",
        "view-audit": ALLOWED,
    },
    "admin": {
        "view": ALLOWED,
        "answer": "not-in-workstream",
        "answer-lead-items": "not-in-workstream",
        "sign-off": "not-lived-experience-co-producer",
        "submit": "not-lead",
        "extend": ALLOWED,
        "review": "not-reviewer",
        "declare": "not-on-board",
        "withdraw-interest": "no-interest-declared",
        "vote": "not-on-board",
        "close": "not-chair",
        "withdraw": ALLOWED,
        "resume": "wrong-state",
        "view-pack": ALLOWED,
        "view-audit": ALLOWED,
    },
}


def test_what_each_person_may_do_at_the_board(cyd: Cyd, library: Library) -> None:
    venture = to_board(cyd)
    c.declare_interest(cyd, venture, member=email("david.hughes"), interest="Runs a café")
    now = clock(cyd).now
    got = {
        who: allowed(what_may_i_do(cyd.engine, library, email(who), venture, now))
        for who in AT_THE_BOARD
    }
    assert got == AT_THE_BOARD
    reasons = what_may_i_do(cyd.engine, library, email("tom.price"), venture, now)
    vote = next(p for p in reasons if p.action == "vote")
    assert (vote.reason or "").startswith("A supporter never votes.")


def test_an_outsider_sees_nothing(cyd: Cyd, library: Library) -> None:
    # A second workstream's co-producer: not in this venture's workstream.
    venture = c.start_venture(
        cyd, workstream="day-opportunities", title="Café", lead=LEAD
    ).venture_id
    owen = allowed(
        what_may_i_do(cyd.engine, library, email("owen.walker"), venture, clock(cyd).now)
    )
    assert owen["view"] == owen["view-audit"] == "not-concerned"  # not assigned (yet)
    assert owen["view-pack"] == "not-on-board"
    with pytest.raises(NotFound):
        what_may_i_do(cyd.engine, library, email("owen.walker"), "v-9999", clock(cyd).now)


def test_the_vote_command_agrees_with_what_may_i_do(cyd: Cyd, library: Library) -> None:
    venture = to_board(cyd)
    c.declare_interest(cyd, venture, member=email("david.hughes"), interest="Runs a café")
    people = [
        "tom.price",
        "nia.morgan",
        "elin.davies",
        "gareth.jones",
        "david.hughes",
        "aled.evans",
        "megan.lloyd",
    ]
    for who in people:
        said = allowed(what_may_i_do(cyd.engine, library, email(who), venture, clock(cyd).now))
        if said["vote"] is ALLOWED:
            c.vote(cyd, venture, member=email(who), choice="approve")
            continue
        with pytest.raises(c.PermissionDenied) as refused:
            c.vote(cyd, venture, member=email(who), choice="approve")
        assert refused.value.code == said["vote"], who
