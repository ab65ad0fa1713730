"""The pages' texts: every one in the Welsh catalog, six Welsh plural forms, dates in
words in the page's language, Easy Read sentences short in both languages."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from babel import Locale
from babel.messages.plurals import get_plural
from babel.plural import to_gettext

from notifications.render import sentences
from web import catalogs
from web.i18n import (
    EASY_READ_CONTEXT,
    WELSH_REVIEWED,
    catalog_path,
    date_words,
    time_words,
    translations,
)
from web.templating import environment

REPLY = (
    '{{ ngettext("We will reply within %(num)d working day.",'
    ' "We will reply within %(num)d working days.", n) }}'
)


def test_the_catalogs_are_complete_and_compiled() -> None:
    # Every marked text of the templates and code is in the Welsh catalog, translated
    # (all six forms of a plural), its header has Babel's plural rule and says the
    # Welsh is not yet reviewed, and the .mo is compiled from it.
    assert catalogs.problems() == []


def test_the_check_finds_a_text_missing_from_the_catalog(monkeypatch: pytest.MonkeyPatch) -> None:
    real = catalogs.extract

    def with_a_new_text() -> object:
        template = real()
        template.add("A text nobody translated yet", None, [("web/templates/x.html", 1)])
        return template

    monkeypatch.setattr(catalogs, "extract", with_a_new_text)
    assert catalogs.problems() == [
        "web/locale/cy/LC_MESSAGES/messages.po: not in the catalog (run scripts/i18n):"
        " (None, 'A text nobody translated yet')"
    ]


def test_the_welsh_header_has_babels_six_forms_not_the_stock_four() -> None:
    rule = to_gettext(Locale("cy").plural_form)
    assert rule.startswith("nplurals=6;")
    po = catalog_path("cy", ".po").read_text(encoding="utf-8")
    header = "".join(re.findall(r'^"(.*)"$', po.split("\n\n")[0], re.M)).replace("\\n", "\n")
    assert f"Plural-Forms: {catalogs.plural_rule('cy')}" in header
    # The stock table (what a plain `pybabel init -l cy` would write) has fewer forms.
    assert get_plural("cy").num_plurals < 6
    # The compiled catalog picks form 0 for 0, 1 for 1, 2 for 2, 3 for 3, 4 for 6, 5 else.
    compiled = translations("cy")
    forms = [compiled.plural(n) for n in (0, 1, 2, 3, 6, 7, 11)]  # type: ignore[attr-defined]
    assert forms == [0, 1, 2, 3, 4, 5, 5]


def test_a_welsh_plural_has_six_different_forms() -> None:
    template = environment("cy").from_string(REPLY)
    said = {n: template.render(n=n) for n in (0, 1, 2, 3, 6, 7)}
    assert said == {
        0: "Byddwn ni'n ateb o fewn dim diwrnodau gwaith.",
        1: "Byddwn ni'n ateb o fewn un diwrnod gwaith.",
        2: "Byddwn ni'n ateb o fewn dau ddiwrnod gwaith.",
        3: "Byddwn ni'n ateb o fewn tri diwrnod gwaith.",
        6: "Byddwn ni'n ateb o fewn chwe diwrnod gwaith.",
        7: "Byddwn ni'n ateb o fewn 7 diwrnod gwaith.",
    }
    assert len(set(said.values())) == 6


def test_an_english_plural_has_two() -> None:
    template = environment("en").from_string(REPLY)
    assert template.render(n=1) == "We will reply within 1 working day."
    assert template.render(n=0) == "We will reply within 0 working days."
    assert template.render(n=7) == "We will reply within 7 working days."


def test_welsh_is_marked_not_yet_reviewed() -> None:
    assert WELSH_REVIEWED is False
    po = catalog_path("cy", ".po").read_text(encoding="utf-8")
    assert "NOT YET REVIEWED BY A WELSH SPEAKER" in po.split("msgid")[0]


def _easy_read_texts() -> list[tuple[str, str]]:
    from babel.messages.pofile import read_po

    with catalog_path("cy", ".po").open("rb") as source:
        catalog = read_po(source)
    texts: list[tuple[str, str]] = []
    for message in catalog:
        if message.context != EASY_READ_CONTEXT:
            continue
        english = [message.id] if isinstance(message.id, str) else list(message.id)
        welsh = [message.string] if isinstance(message.string, str) else list(message.string)
        texts += [("en", text) for text in english] + [("cy", text) for text in welsh]
    return texts


def test_easy_read_sentences_are_short_in_both_languages() -> None:
    texts = _easy_read_texts()
    assert {lang for lang, _ in texts} == {"en", "cy"}
    assert len(texts) >= 20
    for lang, text in texts:
        for sentence in sentences(text):
            assert len(sentence.split()) <= 15, (lang, sentence)


@pytest.mark.parametrize(
    ("language", "expected", "starting"),
    [
        ("en", "Friday 11 December", "Friday 11 December"),
        # Welsh "dydd" is lower case mid-sentence; a line or a cell starts with a capital.
        ("cy", "dydd Gwener 11 Rhagfyr", "Dydd Gwener 11 Rhagfyr"),
    ],
)
def test_dates_are_in_words_in_the_pages_language(
    language: str, expected: str, starting: str
) -> None:
    day = dt.date(2026, 12, 11)
    assert date_words(day, language) == expected  # type: ignore[arg-type]
    assert date_words(day, language, year=True) == f"{expected} 2026"  # type: ignore[arg-type]
    assert date_words(day, language, start=True) == starting  # type: ignore[arg-type]
    env = environment(language)  # type: ignore[arg-type]
    assert env.from_string("{{ day|date_words }}").render(day=day) == expected
    assert env.from_string("{{ day|date_words(start=True) }}").render(day=day) == starting


def test_a_moment_is_shown_on_its_local_day_and_hour(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CYD_TIMEZONE", "Europe/London")
    summer_night = dt.datetime(2026, 6, 11, 23, 30, tzinfo=dt.UTC)  # 00:30 on the 12th, BST
    assert date_words(summer_night, "en") == "Friday 12 June"
    assert date_words(summer_night, "cy") == "dydd Gwener 12 Mehefin"
    assert time_words(summer_night, "en") == "12:30am"
    assert time_words(summer_night, "cy") == "12:30 y bore"
    noon = dt.datetime(2026, 12, 11, 12, 0, tzinfo=dt.UTC)
    assert (time_words(noon, "en"), time_words(noon, "cy")) == ("midday", "hanner dydd")
    evening = dt.datetime(2026, 12, 11, 19, 15, tzinfo=dt.UTC)
    template = "{{ moment|date_words(start=True) }}, {{ moment|time_words }}"
    assert environment("cy").from_string(template).render(moment=evening) == (
        "Dydd Gwener 11 Rhagfyr, 7:15 yr hwyr"
    )
