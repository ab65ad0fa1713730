"""Each person gets their messages in the language they chose, a group's news too;
Welsh and English together (Welsh first) only for a person never asked."""

from __future__ import annotations

import datetime as dt

import pytest

from notifications.compose import Addressee, render_for
from notifications.samples import sample_payload

NOW = dt.datetime(2026, 11, 2, 10, 0, tzinfo=dt.UTC)
# The events whose sample payloads are news to a group (payload["group"] is true).
GROUP_EVENTS = [
    "review-requested",
    "sent-to-board",
    "board-papers",
    "vote-requested",
    "vote-extended",
    "no-quorum",
    "decision",
    "next-gate-opened",
    "you-said-we-did",
]
FORMATS = ["standard", "easy-read"]


def person(language: str, fmt: str, *, asked: bool = True) -> Addressee:
    return Addressee("Nia Morgan", "nia.morgan@example.org", language, asked=asked, format=fmt)


def test_the_group_events_are_sent_to_groups() -> None:
    for event in GROUP_EVENTS:
        assert sample_payload(event, now=NOW)["group"] is True, event


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("language", ["cy", "en"])
@pytest.mark.parametrize("event", GROUP_EVENTS)
def test_a_groups_news_comes_in_the_language_each_person_chose(
    event: str, language: str, fmt: str
) -> None:
    payload = sample_payload(event, now=NOW)
    chosen = render_for(person(language, fmt), event, payload)
    assert chosen.languages == (language,)
    assert " / " not in chosen.subject
    assert f'<html lang="{language}">' in chosen.html
    other = "en" if language == "cy" else "cy"
    assert f'lang="{other}"' not in chosen.html
    assert "This message is in Welsh and English" not in chosen.text
    # Never asked: both, Welsh first, about twice as long as one language.
    both = render_for(person(language, fmt, asked=False), event, payload)
    assert both.languages == ("cy", "en")
    assert both.html.index('lang="cy"') < both.html.index('lang="en"')
    assert len(both.text) > 1.6 * len(chosen.text)


def test_a_language_asked_for_overrides_the_choice_for_a_preview() -> None:
    payload = sample_payload("decision", now=NOW)
    shown = render_for(person("cy", "easy-read"), "decision", payload, language="en")
    assert shown.languages == ("en",)
    assert shown.format == "easy-read"
