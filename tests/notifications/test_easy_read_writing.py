"""Every Easy Read message, English and Welsh, keeps the Easy Read writing rules
(governance.easy_read): short sentences, a named person named again (never "they"),
no jargon without its gloss, British Sign Language named as a language.

Each message is rendered in every situation of tests/notifications/test_templates.py,
with its sample names (the payload's people, and the reader), so the templates'
"they" is found where a person's name stands before it. What the payload brings
(titles, the definitions' questions and gates' Easy Read) is the definitions' wording,
checked in tests/checklists/test_shipped.py; here it is taken out before looking for
jargon, so that only the templates' own words count.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from checklists.loader import load_library
from governance import easy_read as er
from governance.board_pack import Member
from notifications.board_pack.easy_read import easy_read_blocks
from tests.flows.test_board_pack import sample_pack
from tests.notifications.test_templates import IDS, PERSON, SCENARIOS, render


def names(node: object) -> Iterator[str]:
    """The people a payload names (every "name"), for the "they" rule."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "name" and isinstance(value, str):
                yield value
            else:
                yield from names(value)
    elif isinstance(node, list | tuple):
        for value in node:
            yield from names(value)


def strings(node: object) -> Iterator[str]:
    if isinstance(node, str):
        yield node
    elif isinstance(node, dict):
        for value in node.values():
            yield from strings(value)
    elif isinstance(node, list | tuple):
        for value in node:
            yield from strings(value)


def without_payload(text: str, payload: dict[str, Any]) -> str:
    squashed = " ".join(text.split())
    for written in sorted(set(strings(payload)), key=len, reverse=True):
        if len(written) > 2:
            squashed = squashed.replace(" ".join(written.split()), " ")
    return squashed


@pytest.mark.parametrize("language", ["en", "cy"])
@pytest.mark.parametrize(("name", "event", "payload"), SCENARIOS, ids=IDS)
def test_every_easy_read_message_keeps_the_writing_rules(
    name: str, event: str, payload: dict[str, Any], language: str
) -> None:
    message = render(event, payload, language, True)
    people = sorted({PERSON.name, *names(payload)})
    text = message.text
    found = [p for p in er.problems(text, language, people) if "jargon" not in p]
    found += [
        f"jargon without its gloss: {j}"
        for j in er.jargon_without_gloss(without_payload(text, payload), language)
    ]
    assert found == [], text


def test_the_check_sees_a_they_for_the_person_a_message_names() -> None:
    # The copy of a reminder names the person supported: a "they" there is found.
    _name, event, payload = next(s for s in SCENARIOS if s[0].startswith("reminder-copy-vote"))
    text = render(event, payload, "en", True).text
    supported = payload["supporting"]["name"]
    assert supported in text
    assert er.singular_they(text.replace(f"help {supported}", "help them"), [supported], "en")
    assert er.singular_they(text, [supported], "en") == []


@pytest.mark.parametrize("language", ["en", "cy"])
def test_the_easy_read_board_pack_keeps_the_writing_rules(language: str) -> None:
    # The pack's own words (notifications.board_pack.easy_read), with a reviewer, a
    # lead and a member who declared an interest: each named again, never "they".
    library = load_library()
    member = Member("Aled Evans", "aled.evans@example.org", (language,), True)
    pack = sample_pack(member, library)
    item = pack.agenda[0]
    people = [member.name, item.lead, *(r.reviewer for r in item.reviews)]
    people += [i.member for i in item.interests]
    blocks = easy_read_blocks(pack, language)
    text = "\n".join([b.text for b in blocks] + [i for b in blocks for i in b.items])
    assert er.singular_they(text, people, language) == []
    assert not er.bsl_as_format(text, language)
    # What people wrote (the title, answers, notes, interests) is theirs, quoted as
    # written; the pack's own sentences are short.
    theirs = [item.title, *(r.note for r in item.reviews)]
    theirs += [i.text for i in item.interests]
    theirs += [a.answer.get(language) for c in item.checklists for a in c.answers]
    own = "\n".join(b.text for b in blocks)
    for written in sorted(theirs, key=len, reverse=True):
        own = own.replace(written, "")
    assert er.too_long(own) == []
    assert any(f"{item.reviews[0].reviewer}" in b.text for b in blocks)
