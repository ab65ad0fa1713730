"""Who writes and who checks a venture's Easy Read summary, and its Easy Read bounds."""

from __future__ import annotations

import pytest

from governance.easy_read import MAX_WORDS, SUMMARY_MAX_WORDS, summary_problem
from governance.lifecycle import VentureState
from governance.permissions import (
    Actor,
    Denied,
    Role,
    VentureFacts,
    may_check_summary,
    may_write_summary,
)

LEAD = "gareth@example.org"
NIA = "nia@example.org"
SAM = "sam@example.org"
VENTURE = VentureFacts("v-0001", LEAD, frozenset({LEAD, NIA, SAM}), VentureState.DRAFT)


def who(email: str, *roles: Role) -> Actor:
    return Actor(email, frozenset(roles))


def test_the_lead_or_an_admin_writes_it() -> None:
    assert may_write_summary(who(LEAD, Role.LEAD), VENTURE)
    assert may_write_summary(who("admin@example.org", Role.ADMIN), VENTURE)
    refused = may_write_summary(who(NIA, Role.CO_PRODUCER), VENTURE)
    assert isinstance(refused, Denied)
    assert refused.code == "not-summary-writer"


def test_a_co_producer_who_did_not_write_it_checks_it() -> None:
    assert may_check_summary(who(NIA, Role.CO_PRODUCER), VENTURE, LEAD)
    # An admin wrote it for the lead: still a co-producer's to check.
    assert may_check_summary(who(SAM, Role.CO_PRODUCER), VENTURE, "admin@example.org")


@pytest.mark.parametrize(
    ("actor", "written_by", "code"),
    [
        (who(LEAD, Role.LEAD), LEAD, "not-summary-checker"),  # the lead never checks it
        (who(LEAD, Role.LEAD), "admin@example.org", "not-summary-checker"),
        (who("elin@example.org", Role.REVIEWER), LEAD, "not-summary-checker"),
        (who("admin@example.org", Role.ADMIN), LEAD, "not-summary-checker"),
        (who(NIA, Role.CO_PRODUCER), NIA, "own-summary"),
    ],
)
def test_nobody_else_checks_it(actor: Actor, written_by: str, code: str) -> None:
    refused = may_check_summary(actor, VENTURE, written_by)
    assert isinstance(refused, Denied)
    assert refused.code == code


def test_a_closed_venture_keeps_its_summary() -> None:
    closed = VentureFacts("v-0001", LEAD, VENTURE.workstream_members, VentureState.APPROVED)
    for refused in (
        may_write_summary(who(LEAD, Role.LEAD), closed),
        may_check_summary(who(NIA, Role.CO_PRODUCER), closed, LEAD),
    ):
        assert isinstance(refused, Denied)
        assert refused.code == "venture-closed"
        assert "Easy Read summary cannot change" in refused.reason


def test_a_summary_in_easy_read_sentences_is_taken() -> None:
    text = "We want to open a café.\nPeople who use day services will run it with us."
    assert summary_problem(text) is None


def test_the_first_sentence_too_long_is_named() -> None:
    long = " ".join(["word"] * (MAX_WORDS + 2)) + "."
    problem = summary_problem(f"This is short. {long} And {long}")
    assert problem is not None
    assert problem.code == "summary-sentence-too-long"
    assert problem.params == {
        "number": 2,
        "words": MAX_WORDS + 2,
        "most": MAX_WORDS,
        "sentence": long,
    }


def test_a_summary_too_long_or_empty_is_refused() -> None:
    sentence = "We meet people every week in the old library. "
    text = sentence * (SUMMARY_MAX_WORDS // 9 + 1)
    problem = summary_problem(text)
    assert problem is not None
    assert problem.code == "summary-too-long"
    assert problem.params["most"] == SUMMARY_MAX_WORDS
    empty = summary_problem("  \n ")
    assert empty is not None
    assert empty.code == "summary-missing"
