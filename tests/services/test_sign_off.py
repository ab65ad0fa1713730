"""Issue 12: co-producers' sign-off. The design gate (version 2) asks one co-producer
with lived experience to confirm that the checklist says what they agreed before the
lead submits it; a changed answer voids the sign-offs, as it makes reviews stale."""

from __future__ import annotations

import pytest
from sqlmodel import select

from governance.catalogue import text as catalogue_text
from models import tables as t
from models.db import read_session
from services.commands import (
    Cyd,
    PermissionDenied,
    answer,
    sign_off,
    sign_offs,
    start_venture,
    submit,
)
from services.examples import answer_missing
from services.next_actions import next_actions
from tests.services.test_commands import CHAIR, LEAD

NIA = "nia.morgan@example.org"  # lived experience, in the workstream
SAM = "sam.bennett@example.org"  # lived experience, in the workstream
RHYS = "rhys.thomas@example.org"  # in the workstream, no lived experience


def _answered(cyd: Cyd) -> str:
    venture_id = start_venture(
        cyd, workstream="day-opportunities", title="Community café", lead=LEAD
    ).venture_id
    answer_missing(cyd, venture_id, [LEAD])  # … and signs off as the gate asks
    return venture_id


def _refusals(cyd: Cyd, action: str) -> list[str]:
    with read_session(cyd.engine) as session:
        return [
            d.details["code"]
            for d in session.exec(select(t.Denial).where(t.Denial.action == action)).all()
        ]


def test_a_changed_answer_voids_the_sign_off_and_the_lead_cannot_submit_until_signed_again(
    cyd: Cyd,
) -> None:
    venture_id = _answered(cyd)
    asked = sign_offs(cyd.engine, cyd.library, venture_id)
    assert asked.required == 1
    assert [email for email, _, _ in asked.standing] == [NIA]  # first of the two

    changed = answer(cyd, venture_id, "who-decides", "The group decides together. " * 4, by=LEAD)
    assert changed.message.endswith("recorded")
    assert sign_offs(cyd.engine, cyd.library, venture_id).standing == ()
    with read_session(cyd.engine) as session:
        entry = session.exec(
            select(t.AuditEntry)
            .where(t.AuditEntry.action == "answer.recorded")
            .order_by(t.AuditEntry.seq.desc())  # type: ignore[attr-defined]
        ).first()
    assert entry is not None
    assert entry.payload["sign_offs_voided"] == [NIA]

    # Sent without a sign-off, it comes back to the workstream with the reason why.
    back = submit(cyd, venture_id, by=LEAD).advanced
    assert back is not None
    assert back.state == "returned"
    [transition] = back.effects("Transition")
    assert transition["gaps"] == []  # complete: only the sign-off is missing
    [why] = transition["reasons"]
    assert (why["code"], why["params"]) == ("sign-offs-missing", {"needed": 1, "given": 0})
    assert catalogue_text(why["code"], "cy", why["params"]).startswith(
        "Mae'r porth yn gofyn i 1 o gydgynhyrchwyr"  # the corrected Welsh
    )
    answer(cyd, venture_id, "who-decides", "The group decides together. " * 5, by=NIA)  # reopen

    assert sign_off(cyd, venture_id, by=SAM).message == "signed off"
    assert sign_off(cyd, venture_id, by=SAM).message.startswith("already signed off")
    outcome = submit(cyd, venture_id, by=LEAD).advanced
    assert outcome is not None
    assert outcome.state == "in_review"


@pytest.mark.parametrize(
    ("who", "code"),
    [
        (LEAD, "not-lived-experience-co-producer"),  # the lead submits; others confirm
        (RHYS, "not-lived-experience-co-producer"),  # no lived experience
        (CHAIR, "not-lived-experience-co-producer"),  # lived experience, not in it
    ],
)
def test_only_co_producers_with_lived_experience_sign_off(cyd: Cyd, who: str, code: str) -> None:
    venture_id = start_venture(
        cyd, workstream="day-opportunities", title="Community café", lead=LEAD
    ).venture_id
    with pytest.raises(PermissionDenied) as refused:
        sign_off(cyd, venture_id, by=who)
    assert refused.value.code == code
    assert _refusals(cyd, "checklist.sign-off") == [code]


def test_a_sign_off_is_given_only_while_the_checklist_is_a_draft(cyd: Cyd) -> None:
    venture_id = _answered(cyd)
    submit(cyd, venture_id, by=LEAD)
    with pytest.raises(PermissionDenied) as refused:
        sign_off(cyd, venture_id, by=SAM)
    assert refused.value.code == "sign-off-not-draft"
    assert "in review" in refused.value.say("en")


def test_the_co_producers_are_asked_to_sign_off_once_it_is_ready(cyd: Cyd) -> None:
    venture_id = _answered(cyd)
    answer(cyd, venture_id, "who-decides", "The group decides together. " * 5, by=LEAD)

    def asked(who: str) -> list[tuple[str, str, dict[str, object]]]:
        return [
            (a.kind, a.reason, a.params)
            for a in next_actions(cyd.engine, cyd.library, who, cyd.clock())
            if a.venture_id == venture_id and a.kind == "sign-off"
        ]

    for who in (NIA, SAM):
        assert asked(who) == [("sign-off", "sign-off-asked", {"needed": 1})]
    assert asked(LEAD) == []
    assert asked(RHYS) == []
    sign_off(cyd, venture_id, by=SAM)
    assert asked(NIA) == []  # enough now
    assert asked(SAM) == []
