"""What the pages say of an item beyond its answer (FastAPI's test client, the example
programme): a must-meet item not met asks why on its question page (`met_when.
justification`), saved with the answer or alone, refused like any text when too long,
shown on check your answers with a change link and on the task list as an exception,
never as met; replayed from the log like any answer. And an item's Easy Read hint and
evidence (`hint_easy_read`, `evidence_easy_read`) on Easy Read pages."""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy.engine import Engine

from checklists.loader import Library
from checklists.spec import ChecklistDefinition
from services import commands as c
from services.commands import Cyd
from services.examples import missing_items
from services.replay import compare, replay
from services.venture_checklist import venture_checklists

from .test_checklist import (
    CHAIR,
    ENGLISH,
    LEAD,
    NIA,
    Browser,
    current,
    item_of,
    main,
    own_token,
    task_rows,
    text_of,
)
from .test_review_pages import OWEN, in_review

COUNT = "lived-experience-count"
WHY = f"{COUNT}.justification"
FIELD = f"justification-{COUNT}"
REASON = "The self-advocacy group meets on the 14th and will choose two people to join us."
PEOPLE_PAGE = {  # the rest of the people section, answered so that only the count is wanting
    "answer-people-affected": "People who use day services, their families and staff.",
    "answer-lived-experience-views": "They want the café open on Saturdays, and paid roles.",
    "answer-choice-of-involvement": "Each person chooses which meetings and tasks to join.",
}


@pytest.fixture
def engine(example_engine: Engine) -> Engine:
    return example_engine


def page_after(library: Library, item_id: str) -> str:
    """The first item of the section after `item_id`'s: the next standard question page."""
    sections = library.checklist("coproduction-start").sections
    at = next(n for n, s in enumerate(sections) if any(i.id == item_id for i in s.items))
    return sections[at + 1].items[0].id


@pytest.fixture
def cyd(engine: Engine, library: Library) -> Cyd:
    return Cyd(engine, library)


@pytest.fixture
def venture(cyd: Cyd) -> str:
    return c.start_venture(
        cyd, workstream="day-opportunities", title="Community café", lead=LEAD
    ).venture_id


def summary_links(page: str) -> list[tuple[str, str]]:
    summary = re.search(r'<div class="govuk-error-summary".*?</ul>', page, re.S)
    assert summary, "no error summary"
    found = re.findall(r'<a href="(#[^"]+)">\s*(.*?)\s*</a>', summary.group(0), re.S)
    return [(href, html.unescape(words)) for href, words in found]


def textarea(page: str, name: str) -> str | None:
    """The textarea named `name` (its tag and contents), or None."""
    found = re.search(rf'<textarea[^>]*name="{re.escape(name)}"[^>]*>.*?</textarea>', page, re.S)
    return found.group(0) if found else None


def described(page: str, name: str) -> str:
    """What a screen reader says with the field: the texts its aria-describedby names."""
    field = textarea(page, name)
    assert field is not None
    ids = re.search(r'aria-describedby="([^"]+)"', field)
    assert ids
    said = []
    for one in ids.group(1).split():
        found = re.search(rf'<div[^>]*id="{re.escape(one)}"[^>]*>(.*?)</div>', page, re.S)
        if found:
            said.append(" ".join(html.unescape(re.sub(r"<[^>]+>", " ", found.group(1))).split()))
    return " ".join(said)


def label_of(page: str, field_id: str) -> str:
    found = re.search(rf'<label[^>]*for="{re.escape(field_id)}"[^>]*>(.*?)</label>', page, re.S)
    assert found, f"no label for {field_id}"
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", found.group(1))).split())


# --- the justification on the question page --------------------------------------------------


def test_an_answer_not_met_asks_why_and_the_justification_lets_it_through_as_an_exception(
    browser_as: Callable[..., Browser], engine: Engine, library: Library, venture: str
) -> None:
    gareth = browser_as(LEAD, **ENGLISH)
    tasks = f"/ventures/{venture}/checklist"
    page_url = f"{tasks}/people-affected"
    item = item_of(library, COUNT)
    assert item.met_when is not None
    assert item.met_when.justification is not None
    # Before any answer, the page asks only the question itself.
    assert textarea(gareth.page(page_url), FIELD) is None
    # 0 is a valid answer that does not meet what the item asks: saved, and the page
    # stays, now asking why, with a banner at the top that takes the focus.
    saved = gareth.post(page_url, {**PEOPLE_PAGE, f"answer-{COUNT}": "0", "then": "continue"})
    assert saved.status_code == 303
    assert saved.headers["location"] == f"{page_url}?saved=1"
    assert current(engine, library, venture)[COUNT] == 0
    page = gareth.page(saved.headers["location"])
    banner = re.search(r'<div class="govuk-notification-banner".*?</div>\s*</div>', page, re.S)
    assert banner, "no banner"
    assert 'role="alert"' in banner.group(0)  # GOV.UK Frontend moves the focus to it
    assert f'href="#{FIELD}"' in banner.group(0)
    said = " ".join(html.unescape(re.sub(r"<[^>]+>", " ", banner.group(0))).split())
    assert "Your answer is saved, but it does not meet what the question asks yet." in said
    assert item.met_when.reason.en in said
    # The field: the checklist's own question as its label; why it is asked (the reason,
    # and that it is an exception) and that it is optional, said with it.
    assert textarea(page, FIELD) is not None
    assert label_of(page, FIELD) == item.met_when.justification.en
    with_it = described(page, FIELD)
    assert "Not met yet" in with_it
    assert item.met_when.reason.en in with_it
    assert "The reviewers and the Board see it as an exception, never as met." in with_it
    assert "This question is optional." in with_it
    # The task list: not met yet, and the way out.
    rows = task_rows(gareth.page(tasks))
    assert rows[item.question.en][0] == "Not met yet"
    assert "Change the answer, or say why it cannot be met yet." in text_of(gareth.page(tasks))
    assert COUNT in {i for _, i in missing_items(engine, venture)}
    # The justification alone (the answer as it was): saved, and on to the next page.
    given = gareth.post(
        page_url, {**PEOPLE_PAGE, f"answer-{COUNT}": "0", FIELD: REASON, "then": "continue"}
    )
    assert given.status_code == 303
    assert given.headers["location"] == f"{tasks}/{page_after(library, COUNT)}"
    assert current(engine, library, venture)[WHY] == REASON
    assert COUNT not in {i for _, i in missing_items(engine, venture)}
    # An exception on the task list, never "Completed".
    rows = task_rows(gareth.page(tasks))
    assert rows[item.question.en] == ("Exception given", f"{tasks}/{COUNT}")
    assert "Not met: the reason why goes to the reviewers and the Board." in text_of(
        gareth.page(tasks)
    )
    # The page keeps asking, with what was written, so that it can be changed.
    again = gareth.page(page_url)
    assert REASON in (textarea(again, FIELD) or "")
    assert "Exception given" in described(again, FIELD)
    assert "govuk-notification-banner" not in again  # said once, after saving
    # Check your answers: the exception, and the justification in a row of its own with
    # a change link to its field.
    checked = gareth.page(f"/ventures/{venture}/check")
    words = text_of(checked)
    assert "Exception given" in words
    assert REASON in words
    assert f'href="{tasks}/{COUNT}?from=check#{FIELD}"' in checked
    rows_html = re.findall(
        r'<div class="govuk-summary-list__row.*?</dd>\s*(?:<dd.*?</dd>)?', checked, re.S
    )
    why_row = [r for r in rows_html if REASON in r]
    assert len(why_row) == 1
    assert item.met_when.justification.en in html.unescape(why_row[0])
    # Answering so that it is met: the justification no longer counts, nor shows.
    gareth.post(page_url, {**PEOPLE_PAGE, f"answer-{COUNT}": "2", FIELD: REASON, "then": "later"})
    rows = task_rows(gareth.page(tasks))
    assert rows[item.question.en][0] == "Completed"
    assert textarea(gareth.page(page_url), FIELD) is None
    assert REASON not in text_of(gareth.page(f"/ventures/{venture}/check"))


def test_the_answer_and_its_justification_are_saved_in_one_post(
    browser_as: Callable[..., Browser], cyd: Cyd, engine: Engine, library: Library, venture: str
) -> None:
    c.answer(cyd, venture, COUNT, 3, by=LEAD)
    c.answer(cyd, venture, WHY, "An old reason.", by=LEAD)  # kept, but met: it counts not
    gareth = browser_as(LEAD, **ENGLISH)
    page_url = f"/ventures/{venture}/checklist/people-affected"
    assert textarea(gareth.page(page_url), FIELD) is None  # met: nothing to justify
    c.answer(cyd, venture, COUNT, 0, by=LEAD)
    page = gareth.page(page_url)
    assert "An old reason." in (textarea(page, FIELD) or "")  # not met: asked, as it was
    saved = gareth.post(
        page_url, {**PEOPLE_PAGE, f"answer-{COUNT}": "0", FIELD: REASON, "then": "later"}
    )
    assert saved.headers["location"] == f"/ventures/{venture}/checklist"
    assert current(engine, library, venture)[WHY] == REASON
    # A page loaded while the answer met what it asks has no field for the justification:
    # its form leaves the one given since alone (never empties it).
    stale = gareth.post(page_url, {**PEOPLE_PAGE, f"answer-{COUNT}": "0", "then": "continue"})
    assert (
        stale.headers["location"] == f"/ventures/{venture}/checklist/{page_after(library, COUNT)}"
    )
    assert current(engine, library, venture)[WHY] == REASON
    # Left empty when asked, "continue" goes on (no loop), and the task list says not met.
    emptied = gareth.post(
        page_url, {**PEOPLE_PAGE, f"answer-{COUNT}": "0", FIELD: "", "then": "continue"}
    )
    assert (
        emptied.headers["location"] == f"/ventures/{venture}/checklist/{page_after(library, COUNT)}"
    )
    assert current(engine, library, venture)[WHY] == ""
    rows = task_rows(gareth.page(f"/ventures/{venture}/checklist"))
    assert rows[item_of(library, COUNT).question.en][0] == "Not met yet"


def test_a_justification_too_long_is_refused_with_the_error_summary_and_nothing_is_saved(
    browser_as: Callable[..., Browser], cyd: Cyd, engine: Engine, library: Library, venture: str
) -> None:
    c.answer(cyd, venture, COUNT, 0, by=LEAD)
    before = current(engine, library, venture)
    gareth = browser_as(LEAD, **ENGLISH)
    page_url = f"/ventures/{venture}/checklist/people-affected"
    # More words than a justification may have (300): the services' own reason.
    refused = gareth.post(
        page_url,
        {**PEOPLE_PAGE, f"answer-{COUNT}": "1", FIELD: "because " * 301, "then": "continue"},
    )
    assert refused.status_code == 400
    assert summary_links(refused.text) == [
        (f"#{FIELD}", "Use 300 words or fewer. This answer has 301.")
    ]
    assert "<title>Error: " in refused.text
    assert f'id="{FIELD}-error"' in refused.text  # beside its field too
    assert 'value="1"' in refused.text  # what was typed is kept
    assert "because because" in (textarea(refused.text, FIELD) or "")
    assert current(engine, library, venture) == before  # not even the valid answers
    # Far longer than any justification could be: refused by the page itself, with
    # every other problem of the page.
    refused = gareth.post(
        page_url,
        {**PEOPLE_PAGE, f"answer-{COUNT}": "lots", FIELD: "x" * 8000, "then": "continue"},
    )
    assert refused.status_code == 400
    assert summary_links(refused.text) == [
        (f"#answer-{COUNT}", "Give a whole number, like 4."),
        (f"#{FIELD}", "Your answer is too long. Make it shorter and try again."),
    ]
    assert current(engine, library, venture) == before
    # In Welsh Easy Read (the count is the lead's: Gareth reading so): the same, in Welsh.
    welsh_easy_read = browser_as(LEAD, cyd_lang="cy", cyd_format="easy-read")
    refused = welsh_easy_read.post(
        f"/ventures/{venture}/checklist/{COUNT}",
        {f"answer-{COUNT}": "0", FIELD: "oherwydd " * 301, "then": "continue"},
    )
    assert refused.status_code == 400
    said = text_of(refused.text)
    assert "Mae problem" in said
    assert "Newidiwch eich ateb os gwelwch yn dda." in said
    assert current(engine, library, venture) == before


def test_welsh_easy_read_asks_why_in_the_checklists_own_easy_read_words(
    browser_as: Callable[..., Browser], cyd: Cyd, engine: Engine, library: Library, venture: str
) -> None:
    nia = browser_as(NIA)  # Welsh, Easy Read: one question a page
    # An item anyone may answer, met by a yes: Nia's no asks why.
    analysis = "co-analysis"
    field = f"justification-{analysis}"
    item = item_of(library, analysis)
    assert item.for_co_producers()
    met = item.met_when
    assert met is not None
    assert met.equals is True
    assert met.justification_easy_read is not None
    url = f"/ventures/{venture}/checklist/{analysis}"
    saved = nia.post(url, {f"answer-{analysis}": "no", "then": "continue"})
    assert saved.headers["location"] == f"{url}?saved=1"
    page = nia.page(saved.headers["location"])
    assert 'lang="cy"' in page
    said = text_of(page)
    assert "Rydyn ni wedi cadw eich ateb." in said
    assert "Newidiwch eich ateb, neu dywedwch wrthon ni pam." in said
    assert label_of(page, field) == met.justification_easy_read.cy  # one sentence a line
    with_it = described(page, field)
    assert met.easy_read.cy in with_it
    assert "Os na allwch chi newid eich ateb eto, dywedwch wrthon ni pam." in with_it
    assert "Bydd y Bwrdd yn darllen beth rydych chi'n ei ysgrifennu." in with_it
    assert met.justification.en not in html.unescape(page)  # never the English
    given = nia.post(url, {f"answer-{analysis}": "no", field: "Mae'r grŵp yn cwrdd ddydd Iau."})
    assert given.status_code == 303
    rows = task_rows(nia.page(f"/ventures/{venture}/checklist"))
    assert rows[item.easy_read.cy][0] == "Dywedoch chi pam nad yw wedi'i wneud"
    assert "Bydd y Bwrdd yn darllen beth ysgrifennoch chi." in text_of(
        nia.page(f"/ventures/{venture}/checklist")
    )
    # Her words are marked as Welsh on Gareth's English pages.
    checked = browser_as(LEAD, **ENGLISH).page(f"/ventures/{venture}/check")
    assert re.search(r'<bdi[^>]*lang="cy"[^>]*>Mae&#39;r grŵp yn cwrdd ddydd Iau.</bdi>', checked)


def test_who_may_not_answer_sees_the_exception_and_is_refused_by_the_services(
    browser_as: Callable[..., Browser], cyd: Cyd, engine: Engine, library: Library, venture: str
) -> None:
    c.answer(cyd, venture, COUNT, 0, by=LEAD)
    c.answer(cyd, venture, WHY, REASON, by=LEAD)
    before = current(engine, library, venture)
    chair = browser_as(CHAIR, **ENGLISH)  # on the Board: sees the venture, answers nothing
    page = chair.page(f"/ventures/{venture}/checklist/people-affected")
    assert textarea(page, FIELD) is None
    assert "Exception given" in text_of(page)
    assert REASON in text_of(page)
    refused = chair.client.post(
        f"/ventures/{venture}/checklist/people-affected",
        data={
            f"answer-{COUNT}": "0",
            FIELD: "Not mine to say.",
            "csrf_token": own_token(chair, CHAIR),
        },
        follow_redirects=False,
    )
    assert refused.status_code == 403
    assert current(engine, library, venture) == before


def test_a_justification_given_on_the_page_is_replayed_from_the_log(
    browser_as: Callable[..., Browser],
    engine: Engine,
    web_engine: Engine,
    library: Library,
    venture: str,
) -> None:
    gareth = browser_as(LEAD, **ENGLISH)
    page_url = f"/ventures/{venture}/checklist/people-affected"
    gareth.post(page_url, {**PEOPLE_PAGE, f"answer-{COUNT}": "0", "then": "continue"})
    gareth.post(page_url, {**PEOPLE_PAGE, f"answer-{COUNT}": "0", FIELD: REASON})
    result = replay(engine, web_engine, library)
    assert result.ok, "\n".join(result.problems)
    assert compare(engine, web_engine) == []
    replayed = venture_checklists(web_engine, library, venture)
    assert replayed.answers["coproduction-start"][WHY].value == REASON


# --- Easy Read hint and evidence -------------------------------------------------------------

HINT_EASY = {"en": "Count the people who said yes.", "cy": "Cyfrifwch y bobl a ddywedodd ie."}
EVIDENCE_EASY = {"en": "A list of their names.", "cy": "Rhestr o'u henwau."}
VIEWS = "lived-experience-views"


@pytest.fixture
def easy_library(library: Library) -> Library:
    """The shipped definitions, with an Easy Read hint and evidence on the count other
    than the shipped ones, and none on the views (every shipped item has one): a venture
    started with it keeps them, pinned."""
    base = library.checklist("coproduction-start")
    data: dict[str, Any] = base.model_dump(mode="json", by_alias=True, exclude_none=True)
    for section in data["sections"]:
        for item in section["items"]:
            if item["id"] == COUNT:
                item["hint_easy_read"] = HINT_EASY
                item["evidence_easy_read"] = EVIDENCE_EASY
            if item["id"] == VIEWS:
                del item["hint_easy_read"]
    changed = ChecklistDefinition.model_validate(data)
    return Library(
        checklists={**library.checklists, base.key: changed},
        gates=library.gates,
        sources=library.sources,
    )


def test_easy_read_shows_the_easy_read_hint_and_evidence_and_standard_the_others(
    browser_as: Callable[..., Browser], engine: Engine, library: Library, easy_library: Library
) -> None:
    started = c.start_venture(
        Cyd(engine, easy_library), workstream="day-opportunities", title="Café", lead=LEAD
    ).venture_id
    item = item_of(library, COUNT)
    assert item.hint is not None
    assert item.evidence is not None
    url = f"/ventures/{started}/checklist/{COUNT}"
    for cookies, hint, evidence, plain_hint in (
        (ENGLISH, item.hint.en, item.evidence.en, None),
        (
            {"cyd_lang": "en", "cyd_format": "easy-read"},
            HINT_EASY["en"],
            EVIDENCE_EASY["en"],
            item.hint.en,
        ),
        (
            {"cyd_lang": "cy", "cyd_format": "easy-read"},
            HINT_EASY["cy"],
            EVIDENCE_EASY["cy"],
            item.hint.cy,
        ),
    ):
        page = html.unescape(browser_as(LEAD, **cookies).page(url))
        hint_div = re.search(rf'<div id="answer-{COUNT}-hint"[^>]*>(.*?)</div>', page, re.S)
        assert hint_div, cookies
        assert hint in hint_div.group(1)
        if plain_hint:
            assert plain_hint not in page  # the Easy Read form replaces it
        assert evidence in main(page)
    # Without an Easy Read form, Easy Read falls back to the standard hint (in Welsh).
    views = easy_library.checklist("coproduction-start").item(VIEWS)
    assert views.hint is not None
    assert views.hint_easy_read is None
    shipped = item_of(library, VIEWS).hint_easy_read
    assert shipped is not None  # the shipped item has one
    nia = browser_as(NIA)  # Welsh, Easy Read; the views are the co-producers' to give
    page = html.unescape(nia.page(f"/ventures/{started}/checklist/{VIEWS}"))
    assert views.hint.cy in page
    assert shipped.cy not in page


def test_the_review_page_shows_the_easy_read_evidence_in_easy_read(
    browser_as: Callable[..., Browser], engine: Engine, library: Library, easy_library: Library
) -> None:
    started = in_review(Cyd(engine, easy_library))
    item = item_of(library, COUNT)
    assert item.evidence is not None
    easy = html.unescape(
        browser_as(OWEN, cyd_lang="cy", cyd_format="easy-read").page(f"/ventures/{started}/review")
    )
    assert EVIDENCE_EASY["cy"] in easy
    assert item.evidence.cy not in easy
    standard = html.unescape(browser_as(OWEN, **ENGLISH).page(f"/ventures/{started}/review"))
    assert item.evidence.en in standard
    assert EVIDENCE_EASY["en"] not in standard
