"""The question page's own field macros give GOV.UK Frontend's markup exactly
(web/templates/_fields.html: the same HTML, rendered more cheaply)."""

from __future__ import annotations

from typing import Any

import pytest
from markupsafe import Markup

from web.templating import environment

LABELS = [
    {
        "html": Markup("Who <i>is</i> affected?"),
        "classes": "govuk-label--s",
        "isPageHeading": False,
    },
    {  # an Easy Read question: a picture and a sentence a line, the page's heading
        "html": Markup(
            '  <img class="cyd-point__picture" src="/p.svg" alt=""> Who is it for?<br>Say who.\n'
        ),
        "classes": "govuk-label--l",
        "isPageHeading": True,
    },
    {"html": Markup("Why?\n\nSay why"), "classes": "govuk-label--m", "isPageHeading": False},
]
HINTS: list[Any] = [
    None,
    {"html": Markup('<span class="govuk-!-display-block">Use at least 12 words.</span>')},
    {
        "html": Markup(
            '\n<strong class="govuk-tag">Not met yet</strong>\n'
            '<span class="govuk-!-display-block">It &amp; that</span>\n  '
        )
    },
]
ERRORS: list[Any] = [
    None,
    {"text": 'Use at least 12 words <here> & "there"', "visuallyHiddenText": "Error"},
    {"text": "Gwall\nar ddwy linell", "visuallyHiddenText": "Gwall"},
]


def _params(label: Any, hint: Any, error: Any, attributes: dict[str, Any]) -> dict[str, Any]:
    return {
        "name": "coproduction-start-people-affected",
        "id": "coproduction-start-people-affected",
        "value": 'Older people <script> & "carers"\n\nand their families',
        "rows": 6,
        "maxwords": 250,
        "label": label,
        "hint": hint,
        "errorMessage": error,
        "textareaDescriptionText": "You can enter up to 250 words",
        "wordsUnderLimitText": {
            "zero": "Mae gennych %{count} gair ar ôl",
            "one": 'You have %{count} word "remaining"',
            "other": "You have %{count} words remaining",
        },
        "wordsOverLimitText": {"one": "You have %{count} word too many", "other": "<too many>"},
        "wordsAtLimitText": "You have no words remaining & none",
        "attributes": attributes,
    }


@pytest.mark.parametrize("language", ["en", "cy"])
@pytest.mark.parametrize("label", LABELS)
@pytest.mark.parametrize("hint", HINTS)
@pytest.mark.parametrize("error", ERRORS)
@pytest.mark.parametrize("attributes", [{"maxlength": 5000}, {"maxlength": 5000, "lang": "cy"}])
def test_the_character_count_macro_renders_what_govuk_frontend_renders(
    language: str, label: Any, hint: Any, error: Any, attributes: dict[str, Any]
) -> None:
    env = environment(language)  # type: ignore[arg-type]
    ours = env.from_string(
        '{% from "_fields.html" import character_count %}'
        "<div>\n  {{ character_count(params) }}\n</div>"
    )
    theirs = env.from_string(
        '{% from "govuk_frontend_jinja/components/character-count/macro.html"'
        " import govukCharacterCount %}<div>\n  {{ govukCharacterCount(params) }}\n</div>"
    )
    params = _params(label, hint, error, attributes)
    html = ours.render(params=params)
    assert html == theirs.render(params=params)
    assert "Older people &lt;script&gt; &amp; &#34;carers&#34;" in html  # the answer is escaped
    assert 'data-i18n.words-over-limit.other="&lt;too many&gt;"' in html


LEGENDS = [
    {"html": Markup("Who <i>is</i>\n affected?"), "classes": "govuk-fieldset__legend--s"},
    {
        "html": Markup('<img src="/p.svg" alt=""> Who?<br>Pick.'),
        "classes": "govuk-fieldset__legend--l",
        "isPageHeading": True,
    },
]
OPTIONS = [
    {"value": "older-people", "text": 'Older people & "carers"'},
    {"value": "young", "text": "Young <people>"},
    {"value": "other", "text": "Rhywun arall"},
]


@pytest.mark.parametrize("language", ["en", "cy"])
@pytest.mark.parametrize("legend", LEGENDS)
@pytest.mark.parametrize("hint", HINTS)
@pytest.mark.parametrize("error", ERRORS)
@pytest.mark.parametrize("values", [[], ["young"], ["older-people", "other"]])
def test_the_checkboxes_macro_renders_what_govuk_frontend_renders(
    language: str, legend: Any, hint: Any, error: Any, values: list[str]
) -> None:
    env = environment(language)  # type: ignore[arg-type]
    ours = env.from_string(
        '{% from "_fields.html" import checkboxes %}<div>\n  {{ checkboxes(params) }}\n</div>'
    )
    theirs = env.from_string(
        '{% from "govuk_frontend_jinja/components/checkboxes/macro.html"'
        " import govukCheckboxes %}<div>\n  {{ govukCheckboxes(params) }}\n</div>"
    )
    params = {
        "name": "coproduction-start-who",
        "idPrefix": "coproduction-start-who",
        "values": values,
        "fieldset": {"legend": legend},
        "hint": hint,
        "errorMessage": error,
        "items": OPTIONS,
    }
    html = ours.render(params=params)
    assert html == theirs.render(params=params)
    assert html.count(" checked>") == len(values)
    assert "Young &lt;people&gt;" in html  # an option's label is escaped


INPUTS: list[dict[str, Any]] = [
    {  # a number
        "value": "",
        "inputmode": "numeric",
        "spellcheck": False,
        "classes": "govuk-input--width-5",
        "attributes": {"maxlength": 32},
    },
    {  # a number, with the error class as the question page adds it
        "value": '12 <b> & "x"',
        "inputmode": "numeric",
        "spellcheck": False,
        "classes": "govuk-input--width-5 govuk-input--error",
        "attributes": {"maxlength": 32},
    },
    {  # a link
        "value": "https://example.org/notes?a=1&b=2",
        "type": "url",
        "spellcheck": False,
        "autocomplete": "url",
        "classes": "",
        "attributes": {"maxlength": 2048},
    },
]


@pytest.mark.parametrize("language", ["en", "cy"])
@pytest.mark.parametrize("label", LABELS)
@pytest.mark.parametrize("hint", HINTS)
@pytest.mark.parametrize("error", ERRORS)
@pytest.mark.parametrize("kind", INPUTS)
def test_the_input_macro_renders_what_govuk_frontend_renders(
    language: str, label: Any, hint: Any, error: Any, kind: dict[str, Any]
) -> None:
    env = environment(language)  # type: ignore[arg-type]
    ours = env.from_string(
        '{% from "_fields.html" import input %}<div>\n  {{ input(params) }}\n</div>'
    )
    theirs = env.from_string(
        '{% from "govuk_frontend_jinja/components/input/macro.html"'
        " import govukInput %}<div>\n  {{ govukInput(params) }}\n</div>"
    )
    params = {
        "name": "coproduction-start-count",
        "id": "coproduction-start-count",
        "label": label,
        "hint": hint,
        "errorMessage": error,
        **kind,
    }
    html = ours.render(params=params)
    assert html == theirs.render(params=params)
    if "<b>" in kind["value"]:
        assert 'value="12 &lt;b&gt; &amp; &#34;x&#34;"' in html  # the answer is escaped
