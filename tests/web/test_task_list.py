"""The checklist's own task list macro gives GOV.UK Frontend's task list markup exactly
(web/templates/_task_list.html: the same HTML, rendered more cheaply)."""

from __future__ import annotations

import pytest
from markupsafe import Markup

from web.templating import environment

ITEMS = [
    {  # linked, with a hint and a plain status
        "title": {"text": "Who <b>is</b> affected?"},
        "href": "/ventures/v-0001/checklist/people-affected",
        "hint": {"html": Markup("  Answered by Nia, <bdi>Friday</bdi>  ")},
        "status": {"html": Markup("Completed"), "classes": ""},
    },
    {  # linked, no hint, a tag
        "title": {"text": 'Risks & "quotes"'},
        "href": "/ventures/v-0001/checklist/risks",
        "hint": None,
        "status": {
            "html": Markup('<strong class="govuk-tag govuk-tag--blue">Not yet started</strong>'),
            "classes": "",
        },
    },
    {  # not linked (cannot start yet), with a hint over two lines
        "title": {"text": "Budget"},
        "href": None,
        "hint": {"html": Markup("It depends on your answer to:\n“Risks”")},
        "status": {
            "html": Markup("Cannot start yet"),
            "classes": "govuk-task-list__status--cannot-start-yet",
        },
    },
]


@pytest.mark.parametrize("language", ["en", "cy"])
def test_the_task_list_macro_renders_what_govuk_frontend_renders(language: str) -> None:
    env = environment(language)  # type: ignore[arg-type]
    ours = env.from_string(
        '{% from "_task_list.html" import task_list %}<div>{{ task_list(prefix, items) }}</div>'
    )
    theirs = env.from_string(
        '{% from "govuk_frontend_jinja/components/task-list/macro.html" import govukTaskList %}'
        '<div>{{ govukTaskList({"idPrefix": prefix, "items": items,'
        ' "attributes": {"aria-labelledby": prefix}}) }}</div>'
    )
    context = {"prefix": "section-a-b", "items": ITEMS}
    html = ours.render(context)
    assert html == theirs.render(context)
    assert "Who &lt;b&gt;is&lt;/b&gt; affected?" in html  # the title is escaped
    assert 'aria-describedby="section-a-b-1-hint section-a-b-1-status"' in html
