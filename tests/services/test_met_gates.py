"""Issue 12: a gate checks co-production, not just answers. The tokenistic venture of
the issue is complete in the old sense (every must-meet item answered, every answer
valid) and is returned, with the checklist's own reason for each answer not met, in
English, Welsh and Easy Read; a justification lets an item through as an exception."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlmodel import select

from governance.board_pack import Member, pack_for
from governance.catalogue import text as catalogue_text
from models import tables as t
from models.db import read_session
from notifications.board_pack import pack_blocks
from notifications.render import Recipient, render_message
from services.board_pack import load_agenda
from services.commands import Cyd, answer, record_review, sign_off, start_venture, submit
from services.examples import answer_missing, missing_items
from tests.services.test_commands import CO_PRODUCER, LEAD, REVIEWERS

CHECKLIST = "coproduction-start"
# The answers the issue found counted as "met" (each valid, none meeting what is asked).
TOKENISTIC: dict[str, Any] = {
    "lived-experience-count": 0,
    "welsh-and-english-together": False,
    "access-needs-recorded": False,
    "formats-offered": ["welsh"],
    "who-decides": "Officers decide.",
    "you-said-we-did": "We won't.",
    "ladder-rung": "informing",
}


def _words(text: str) -> str:
    return " ".join(text.split())  # a message's text wraps its lines


def _tokenistic(cyd: Cyd) -> str:
    venture_id = start_venture(
        cyd, workstream="day-opportunities", title="Community café", lead=LEAD
    ).venture_id
    answer_missing(cyd, venture_id, [CO_PRODUCER])
    for item, value in TOKENISTIC.items():
        answer(cyd, venture_id, f"{CHECKLIST}/{item}", value, by=LEAD)
    return venture_id


def test_the_tokenistic_venture_is_returned_with_a_reason_for_each_answer_not_met(
    cyd: Cyd,
) -> None:
    venture_id = _tokenistic(cyd)
    # Answered, every one of them: what held it back before was only "missing".
    unmet = {item for _, item in missing_items(cyd.engine, venture_id)}
    assert unmet == set(TOKENISTIC)

    returned = submit(cyd, venture_id, by=LEAD).advanced
    assert returned is not None
    assert returned.state == "returned"
    transition = returned.effects("Transition")[0]
    gaps = {g["item"]: g for g in transition["gaps"]}
    assert set(gaps) == set(TOKENISTIC)
    checklist = cyd.library.checklist(CHECKLIST)
    for item_id, gap in gaps.items():
        met_when = checklist.item(item_id).met_when
        assert met_when is not None
        assert gap["problem"] == "not-met"
        assert gap["reason"] == {"en": met_when.reason.en, "cy": met_when.reason.cy}
        assert gap["easy_read_reason"] == {"en": met_when.easy_read.en, "cy": met_when.easy_read.cy}
    [why] = [r for r in transition["reasons"] if r["code"] == "checklist-not-met"]
    assert why["params"]["not_met"] == len(TOKENISTIC)
    english = catalogue_text("checklist-not-met", "en", why["params"])
    welsh = catalogue_text("checklist-not-met", "cy", why["params"])
    assert "has 7 answers that do not yet meet" in english
    assert "7 o atebion" in welsh
    # The reasons reach the workstream in their own language and format: the returned
    # message, as queued for the lead, carries each item's own reason.
    with read_session(cyd.engine) as session:
        [payload] = {
            str(m.payload): m.payload
            for m in session.exec(select(t.OutboxMessage)).all()
            if m.event == "venture.returned" and m.payload["audience"] == "lead"
        }.values()
    lead = Recipient("Gareth Jones", LEAD, "en")
    for language in ("en", "cy"):
        standard = render_message(
            "venture.returned", person=lead, payload=payload, language=language,
            easy_read=False, bilingual=False,
        )  # fmt: skip
        easy = render_message(
            "venture.returned", person=lead, payload=payload, language=language,
            easy_read=True, bilingual=False,
        )  # fmt: skip
        for item_id in TOKENISTIC:
            met_when = checklist.item(item_id).met_when
            assert met_when is not None
            assert getattr(met_when.reason, language) in _words(standard.text)
            assert getattr(met_when.easy_read, language) in _words(easy.text)
    assert "7 answers do not yet meet what the checklist asks" in _words(render_message(
        "venture.returned", person=lead, payload=payload, language="en",
        easy_read=False, bilingual=False,
    ).text)  # fmt: skip


def test_a_justification_lets_an_unmet_item_through_as_an_exception(cyd: Cyd) -> None:
    venture_id = _tokenistic(cyd)
    answer_missing(cyd, venture_id, [CO_PRODUCER])  # meets everything it can …
    answer(cyd, venture_id, f"{CHECKLIST}/lived-experience-count", 0, by=LEAD)
    why = "Nobody yet: the self-advocacy group meets on the 14th and will choose two people."
    answer(cyd, venture_id, f"{CHECKLIST}/lived-experience-count.justification", why, by=LEAD)
    assert missing_items(cyd.engine, venture_id) == []
    sign_off(cyd, venture_id, by=CO_PRODUCER)  # the changed answers voided the first
    outcome = submit(cyd, venture_id, by=LEAD).advanced
    assert outcome is not None
    assert outcome.state == "in_review"  # an exception, never "met", but not held back

    # The Board sees it as an exception, in every language and format, in the
    # person's own words; never among what is met.
    for reviewer in REVIEWERS:
        record_review(cyd, venture_id, by=reviewer, recommend="go")
    [item] = load_agenda(cyd.engine, cyd.library)
    [summary] = item.checklists
    assert [e.question.id for e in summary.exceptions] == ["lived-experience-count"]
    assert item.involvement.signed_off == ("Nia Morgan",)  # who confirmed the checklist
    assert not summary.not_met
    for lang, easy, heading in (
        ("en", False, "Exceptions (not met, with the reason why):"),
        ("cy", False, "Eithriadau (heb eu bodloni, gyda'r rheswm pam):"),
        ("en", True, "These things are not done. Here is why, in their words:"),
        ("cy", True, "Dydy'r pethau yma ddim wedi'u gwneud. Dyma pam, yn eu geiriau nhw:"),
    ):
        member = Member("Aled Evans", "aled.evans@example.org", (lang,), easy)
        papers = [b.text or " ".join(b.items) for b in pack_blocks(
            pack_for(member, dt.date(2026, 12, 8), [item]), lang
        )]  # fmt: skip
        at = papers.index(heading)
        assert why in papers[at + 1]
        signed = {
            ("en", False): "Signed off as saying what was agreed by: Nia Morgan.",
            ("cy", False): "Cadarnhawyd bod y rhestr wirio yn dweud beth gytunwyd gan: Nia Morgan.",
            ("en", True): "Nia Morgan said the answers are right.",
            ("cy", True): "Dywedodd Nia Morgan fod yr atebion yn iawn.",
        }[lang, easy]
        assert signed in papers
