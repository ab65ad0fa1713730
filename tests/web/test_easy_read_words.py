"""The pages' Easy Read texts (pgettext("easy-read", …), English and their Welsh) keep
the Easy Read writing rules (governance.easy_read), each message on its own.

A placeholder that holds a person's name is filled with a sample name, so that a
"they" after it is found; any other placeholder is data (a gate's name, a day) and is
left out before looking for jargon.
"""

from __future__ import annotations

import re

import pytest
from babel.messages.pofile import read_po

from governance import easy_read as er
from web.catalogs import catalog_path
from web.i18n import EASY_READ_CONTEXT

SAMPLE = "Elin Davies"
PEOPLE = re.compile(r"%\((?:name|who|member|person|lead|by|reviewer|supporter)\)s")
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]|%[sd]")


def easy_read_texts() -> list[tuple[str, str]]:
    with catalog_path("cy", ".po").open("rb") as source:
        catalog = read_po(source)
    texts: list[tuple[str, str]] = []
    for message in catalog:
        if message.context != EASY_READ_CONTEXT:
            continue
        english = [message.id] if isinstance(message.id, str) else list(message.id)
        welsh = [message.string] if isinstance(message.string, str) else list(message.string)
        texts += [("en", t) for t in english] + [("cy", t) for t in welsh if t]
    return texts


TEXTS = easy_read_texts()


def test_there_are_easy_read_texts_in_both_languages() -> None:
    assert {language for language, _ in TEXTS} == {"en", "cy"}
    assert len(TEXTS) >= 40


@pytest.mark.parametrize(("language", "text"), TEXTS, ids=[t[:40] for _, t in TEXTS])
def test_every_easy_read_page_text_keeps_the_writing_rules(language: str, text: str) -> None:
    named = PEOPLE.sub(SAMPLE, text)
    found = [p for p in er.problems(named, language, [SAMPLE]) if "jargon" not in p]
    found += [f"jargon: {j}" for j in er.jargon_without_gloss(PLACEHOLDER.sub("", text), language)]
    assert found == []
