"""Welsh and Easy Read readers are given every reason an English reader is.

Every event is rendered with its sample payload (notifications/samples.py: the shape
`services.advance` gives the outbox) for each reader, English and Welsh, standard and
Easy Read, and the reasons each message says are compared code by code. A reason is
counted as said when the HTML marks it (`<span data-reason="code">`, written by the
`reason_list`/`reason_points` macros) and the plain text holds its words: the
catalogue's text for that code and params in the reader's language and format (the
recorded English text in the English standard message).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from typing import Any

import pytest

from governance import catalogue
from governance.reasons import reason
from notifications.compose import Addressee, compose_digest, render_for
from notifications.render import EVENTS, Rendered, local_zone
from notifications.samples import sample_payload

READERS = [("en", False), ("en", True), ("cy", False), ("cy", True)]
READER_IDS = ["en-standard", "en-easy-read", "cy-standard", "cy-easy-read"]
NOW = dt.datetime(2026, 11, 2, 10, 0, tzinfo=dt.UTC)
MARKER = re.compile(r'data-reason="([^"]+)"')
# The events whose messages give the rules' reasons (a sample payload of each has some).
WITH_REASONS = {
    "returned",
    "review-requested",
    "sent-to-board",
    "board-papers",
    "vote-requested",
    "vote-extended",
    "no-quorum",
    "decision",
    "next-gate-opened",
}


def reader(language: str, easy_read: bool) -> Addressee:
    return Addressee(
        "Siân Roberts",
        "sian.roberts@example.org",
        language,
        asked=True,
        format="easy-read" if easy_read else "standard",
    )


def reasons_in(payload: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The reasons a payload carries: its own, and a decision's."""
    decision = payload.get("decision")
    found = list(payload.get("reasons") or [])
    if isinstance(decision, Mapping):
        found += list(decision.get("reasons") or [])
    return found


def words_of(one: Mapping[str, Any], language: str, easy_read: bool) -> str:
    """What a reason says to this reader (as the templates write it)."""
    if language == "en" and not easy_read:
        text = str(one["text"])
    else:
        text = catalogue.text(one["code"], language, one["params"], easy_read, local_zone())
    return " ".join(text.split())


def said(
    message: Rendered, reasons: list[dict[str, Any]], language: str, easy_read: bool
) -> set[str]:
    """The reason codes a message says, in its HTML and its text alike."""
    marked = set(MARKER.findall(message.html))
    text = " ".join(message.text.split())
    written = {r["code"] for r in reasons if words_of(r, language, easy_read) in text}
    assert marked == written, (marked, written)  # the text and the HTML say the same
    return marked


def codes_by_reader(event: str, payload: Mapping[str, Any]) -> dict[tuple[str, bool], set[str]]:
    reasons = reasons_in(payload)
    return {
        (language, easy_read): said(
            render_for(reader(language, easy_read), event, payload), reasons, language, easy_read
        )
        for language, easy_read in READERS
    }


@pytest.mark.parametrize("event", EVENTS)
def test_welsh_and_easy_read_say_every_reason_the_english_says(event: str) -> None:
    payload = sample_payload(event, now=NOW)
    codes = codes_by_reader(event, payload)
    english = codes[("en", False)]
    for (language, easy_read), shown in codes.items():
        missing = english - shown
        assert not missing, f"{event} in {language}, easy_read={easy_read}, lacks {missing}"
    # Not parity by saying nothing: every reason given is said, to every reader.
    given = {r["code"] for r in reasons_in(payload)}
    assert (event in WITH_REASONS) == bool(given)
    for shown in codes.values():
        assert shown == given


def test_the_comparison_notices_a_reason_left_out() -> None:
    """The check above fails if a message leaves out a reason: rendered without one,
    the Welsh message is found to lack exactly that code."""
    payload = sample_payload("no-quorum", now=NOW)
    english = codes_by_reader("no-quorum", payload)[("en", False)]
    fewer = dict(payload, reasons=payload["reasons"][1:])
    welsh = said(
        render_for(reader("cy", False), "no-quorum", fewer), reasons_in(payload), "cy", False
    )
    assert english - welsh == {payload["reasons"][0]["code"]}


@pytest.mark.parametrize(("language", "easy_read"), READERS, ids=READER_IDS)
def test_a_digest_keeps_the_reasons_of_the_messages_it_carries(
    language: str, easy_read: bool
) -> None:
    person = reader(language, easy_read)
    carried = [
        render_for(person, event, sample_payload(event, now=NOW))
        for event in ("decision", "vote-extended")
    ]
    digest = compose_digest(person, NOW.date(), carried)
    reasons = reasons_in(sample_payload("decision", now=NOW)) + reasons_in(
        sample_payload("vote-extended", now=NOW)
    )
    assert said(digest, reasons, language, easy_read) == {r["code"] for r in reasons}


@pytest.mark.parametrize("easy_read", [False, True], ids=["standard", "easy-read"])
def test_a_bilingual_message_says_every_reason_in_both_languages(easy_read: bool) -> None:
    """A person never asked their language gets both: each part says every reason."""
    payload = sample_payload("vote-requested", now=NOW) | {
        "reasons": [reason("reviews-complete", go=2, recycle=0).as_json()]
    }
    unasked = Addressee(
        "Sam", "sam@example.org", "en", asked=False, format=reader("en", easy_read).format
    )
    message = render_for(unasked, "vote-requested", payload)
    assert message.languages == ("cy", "en")
    assert MARKER.findall(message.html) == ["reviews-complete", "reviews-complete"]
    text = " ".join(message.text.split())
    for lang in ("cy", "en"):
        assert words_of(payload["reasons"][0], lang, easy_read) in text
