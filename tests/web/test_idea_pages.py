"""The public idea pages (web/routes/ideas.py) through FastAPI's test client on the
example programme: the form and its checks, the bot protection without a puzzle
(honeypot, minimum time, signed stamp, posts per address) never losing a real idea,
the public list (escaped, the answer in the reader's variant with its language
marked, supports as a count), withdrawal, and the credit on the venture's page."""

from __future__ import annotations

import dataclasses
import re
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from httpx import Response
from sqlalchemy import Engine
from sqlmodel import col, select

from checklists.loader import Library
from models import queries
from models import tables as t
from models.db import read_session
from services import ideas
from services.commands import Cyd
from web.routes.ideas import HONEYPOT, STAMP, stamp
from web.settings import WebSettings
from web.visitor import SignedIn

from .conftest import LOOPBACK

ADMIN = "admin@example.org"
LEAD = "gareth.jones@example.org"
STREAM = "day-opportunities"
HOSTILE = "<script>alert('x')</script> & a café"

pytestmark = pytest.mark.usefixtures("mailboxes")


@pytest.fixture
def settings(web_settings: WebSettings) -> WebSettings:
    # No minimum time, unless a test asks for it: most tests post at once.
    return dataclasses.replace(web_settings, idea_min_seconds=0.0)


@pytest.fixture
def site(
    make_app: Callable[..., FastAPI], example_engine: Engine, settings: WebSettings
) -> FastAPI:
    return make_app(example_engine, settings=settings)


@pytest.fixture
def visitors(site: FastAPI) -> Iterator[Callable[..., TestClient]]:
    """New anonymous browsers (each its own cookies), from an address of their own."""
    made: list[TestClient] = []

    def new(address: str = "203.0.113.7", **cookies: str) -> TestClient:
        client = TestClient(site, base_url=LOOPBACK, client=(address, 50000))
        for name, value in cookies.items():
            client.cookies.set(name, value)
        made.append(client)
        return client

    yield new
    for client in made:
        client.close()


def hidden(html: str, name: str) -> str:
    found = re.search(rf'name="{name}" value="([^"]*)"', html)
    assert found, f"no {name} on the page"
    return found.group(1)


def form_of(client: TestClient, path: str = "/ideas/new") -> dict[str, str]:
    page = client.get(path)
    assert page.status_code == 200
    fields = {"csrf_token": hidden(page.text, "csrf_token")}
    if path == "/ideas/new":
        fields[STAMP] = hidden(page.text, STAMP)
    return fields


def put_forward(client: TestClient, **answers: str) -> Response:
    fields = form_of(client)
    values = {"what": "A café in the park run by people who use day services", **answers}
    return client.post("/ideas/new", data={**fields, **values})


def stored(engine: Engine) -> list[t.Idea]:
    with read_session(engine) as session:
        return list(session.exec(select(t.Idea).order_by(col(t.Idea.id))))


def reference_on(html: str) -> str:
    found = re.search(r'id="reference">([A-Z0-9-]{14})<', html)
    assert found, "no reference on the page"
    return found.group(1)


# --- the form ---------------------------------------------------------------------------------


def test_the_form_offers_every_field_and_the_programmes_workstreams(
    visitors: Callable[..., TestClient],
) -> None:
    page = visitors().get("/ideas/new")
    assert page.status_code == 200
    html = page.text
    for name in (
        "what",
        "why",
        "who_helps",
        "behalf",
        "on_behalf_of",
        "contact_name",
        "contact_email",
        "contact_phone",
        "consent_contact",
        "consent_publish",
        "reply_language",
        "reply_format",
        "workstream",
    ):
        assert f'name="{name}"' in html, name
    assert f'<option value="{STREAM}"' in html
    assert '<option value="" selected>I don\'t know</option>' in html
    assert "nothing about you" in html  # what refusing consent means, said plainly
    # The reply defaults to the page's language and format.
    assert re.search(r'value="en" checked', html)
    assert re.search(r'value="standard" checked', html)


def test_the_honeypot_is_hidden_from_people_and_says_to_leave_it_empty(
    visitors: Callable[..., TestClient],
) -> None:
    html = visitors().get("/ideas/new").text
    found = re.search(
        rf'<div class="govuk-visually-hidden" aria-hidden="true">\s*<label for="{HONEYPOT}">'
        rf"Leave this field empty</label>\s*<input [^>]*name=\"{HONEYPOT}\"[^>]*>",
        html,
    )
    assert found, "the honeypot is not hidden as it should be"
    assert 'tabindex="-1"' in found.group(0)
    assert 'autocomplete="off"' in found.group(0)


def test_a_welsh_easy_read_visitor_gets_the_form_in_welsh_easy_read_with_that_reply(
    visitors: Callable[..., TestClient],
) -> None:
    html = visitors(cyd_lang="cy", cyd_format="easy-read").get("/ideas/new").text
    assert '<html lang="cy"' in html
    assert "Dywedwch wrthon ni eich syniad" in html  # the Easy Read title, in Welsh
    assert "Tell us your idea" not in html
    assert re.search(r'value="cy" checked', html)
    assert re.search(r'value="easy-read" checked', html)


def test_an_idea_is_received_with_its_id_reference_and_promise(
    visitors: Callable[..., TestClient], example_engine: Engine
) -> None:
    answer = put_forward(
        visitors(),
        why="Real work",
        behalf="group",
        on_behalf_of="Llais Self-Advocacy",
        contact_name="Carys",
        contact_email="carys@example.net",
        consent_contact="yes",
        consent_publish="yes",
        reply_language="cy",
        reply_format="easy-read",
        workstream=STREAM,
    )
    assert answer.status_code == 200
    assert "Idea received" in answer.text
    assert "i-0001" in answer.text
    reference = reference_on(answer.text)
    assert "shown only this once" in answer.text
    assert "on its way to you" in answer.text  # acknowledged
    [idea] = stored(example_engine)
    assert (idea.route, idea.behalf) == ("online", "group")
    assert idea.on_behalf_of == "Llais Self-Advocacy"
    assert (idea.reply_language, idea.reply_format, idea.workstream_id) == (
        "cy",
        "easy-read",
        STREAM,
    )
    assert idea.contact_email == "carys@example.net"
    assert idea.reference_hash == ideas.reference_hash(reference)
    # The acknowledgement went straight after the answer, not at the relay's next run.
    with read_session(example_engine) as session:
        [ack] = session.exec(select(t.OutboxMessage).where(t.OutboxMessage.idea_id == idea.id))
    assert (ack.event, ack.status) == ("idea-received", "sent")
    # The promised day, in words (the year too: it may be next year's).
    assert str(idea.due_at.year) in answer.text


def test_without_consent_nothing_of_theirs_is_kept_and_no_reply_is_promised(
    visitors: Callable[..., TestClient], example_engine: Engine
) -> None:
    answer = put_forward(visitors(), contact_name="Carys", contact_email="carys@example.net")
    assert answer.status_code == 200
    assert "We will not send you a reply" in answer.text
    [idea] = stored(example_engine)
    assert (idea.contact_name, idea.contact_email, idea.consent_contact) == (None, None, False)


def test_mistakes_are_listed_in_the_error_summary_linked_to_their_fields(
    visitors: Callable[..., TestClient], example_engine: Engine
) -> None:
    answer = put_forward(
        visitors(),
        what="  ",
        behalf="group",
        contact_email="not an email",
        contact_phone="call me",
        consent_contact="yes",
    )
    assert answer.status_code == 400
    html = answer.text
    assert "<title>Error:" in html
    start = html.index("govuk-error-summary")
    summary = html[start : html.index("</ul>", start)]
    links = re.findall(r'href="#([a-z-]+)"', summary)
    assert links == ["what", "on-behalf-of", "contact-email", "contact-phone"]
    assert "Say what your idea is." in summary  # the catalogue's words
    assert "Say the name of the group the idea comes from." in summary
    for field in links:
        assert f'id="{field}"' in html
    assert 'value="not an email"' in html  # what they typed is kept
    assert stored(example_engine) == []


def test_a_workstream_not_in_the_programme_is_refused_on_its_field(
    visitors: Callable[..., TestClient], example_engine: Engine
) -> None:
    answer = put_forward(visitors(), workstream="<nowhere>")
    assert answer.status_code == 400
    assert 'href="#workstream"' in answer.text
    assert "No workstream &#39;&lt;nowhere&gt;&#39;" in answer.text.replace("&#x27;", "&#39;")
    assert stored(example_engine) == []


def test_consent_with_no_way_to_reach_them_is_a_mistake(
    visitors: Callable[..., TestClient],
) -> None:
    answer = put_forward(visitors(), consent_contact="yes")
    assert answer.status_code == 400
    assert "Enter an email address or a phone number" in answer.text


def test_the_catalogues_words_come_in_welsh_easy_read(
    visitors: Callable[..., TestClient],
) -> None:
    answer = put_forward(visitors(cyd_lang="cy", cyd_format="easy-read"), what="")
    assert answer.status_code == 400
    assert "Dywedwch wrthon ni beth yw eich syniad." in answer.text


def test_a_post_without_the_forms_csrf_token_is_refused(
    visitors: Callable[..., TestClient], example_engine: Engine
) -> None:
    client = visitors()
    fields = form_of(client)
    del fields["csrf_token"]
    answer = client.post("/ideas/new", data={**fields, "what": "An idea"})
    assert answer.status_code == 403
    assert stored(example_engine) == []


# --- keeping machines out ----------------------------------------------------------------------


def test_a_filled_honeypot_gets_the_thank_you_page_and_nothing_is_kept(
    visitors: Callable[..., TestClient], example_engine: Engine
) -> None:
    answer = put_forward(visitors(), **{HONEYPOT: "http://spam.example"})
    assert answer.status_code == 200
    assert "Idea received" in answer.text
    reference_on(answer.text)  # looks the same to the machine
    assert stored(example_engine) == []


def test_a_post_sooner_than_the_minimum_time_is_quietly_dropped(
    make_app: Callable[..., FastAPI],
    example_engine: Engine,
    settings: WebSettings,
) -> None:
    app = make_app(example_engine, settings=dataclasses.replace(settings, idea_min_seconds=3.0))
    with TestClient(app, base_url=LOOPBACK) as client:
        fields = form_of(client)
        answer = client.post("/ideas/new", data={**fields, "what": "Too quick"})
        assert answer.status_code == 200
        assert "Idea received" in answer.text
        assert stored(example_engine) == []
        # The same form, as if opened ten seconds ago: a person's pace.
        fields[STAMP] = stamp(settings.secret, time.time() - 10)
        answer = client.post("/ideas/new", data={**fields, "what": "At a person's pace"})
        assert answer.status_code == 200
        assert [i.what for i in stored(example_engine)] == ["At a person's pace"]


def test_a_slip_made_quickly_is_shown_not_dropped_and_the_form_keeps_its_first_stamp(
    make_app: Callable[..., FastAPI],
    example_engine: Engine,
    settings: WebSettings,
) -> None:
    app = make_app(example_engine, settings=dataclasses.replace(settings, idea_min_seconds=3.0))
    with TestClient(app, base_url=LOOPBACK) as client:
        fields = form_of(client)
        answer = client.post("/ideas/new", data={**fields, "what": ""})
        assert answer.status_code == 400
        assert "Say what your idea is." in answer.text
        assert hidden(answer.text, STAMP) == fields[STAMP]


@pytest.mark.parametrize("given", ["", "12345.forged", "not-a-stamp", "1" * 40 + ".x"])
def test_a_missing_or_tampered_stamp_is_a_400_that_keeps_what_was_typed(
    visitors: Callable[..., TestClient], example_engine: Engine, given: str
) -> None:
    client = visitors()
    fields = form_of(client)
    fields[STAMP] = given
    answer = client.post("/ideas/new", data={**fields, "what": "Kept as typed"})
    assert answer.status_code == 400
    assert "We could not tell when this form was opened" in answer.text
    assert "Kept as typed</textarea>" in answer.text
    assert hidden(answer.text, STAMP) not in ("", given)  # a new stamp to send it again with
    assert stored(example_engine) == []


def test_a_stamp_signed_with_another_secret_is_not_ours(
    visitors: Callable[..., TestClient], example_engine: Engine
) -> None:
    client = visitors()
    fields = form_of(client)
    fields[STAMP] = stamp(b"x" * 32, time.time() - 60)
    answer = client.post("/ideas/new", data={**fields, "what": "Forged"})
    assert answer.status_code == 400
    assert stored(example_engine) == []


def test_the_same_form_sent_twice_is_one_idea(
    make_app: Callable[..., FastAPI],
    example_engine: Engine,
    settings: WebSettings,
) -> None:
    app = make_app(example_engine, settings=dataclasses.replace(settings, idea_min_seconds=0.0))
    with TestClient(app, base_url=LOOPBACK) as client:
        fields = {**form_of(client), "what": "A reload must not make two"}
        first = client.post("/ideas/new", data=fields)
        assert first.status_code == 200
        again = client.post("/ideas/new", data=fields)  # a reload, a double press
        assert again.status_code == 200
        assert "We have this idea already" in again.text
        assert "i-0001" in again.text
        assert 'id="reference"' not in again.text  # shown once, never again
        assert [i.id for i in stored(example_engine)] == ["i-0001"]
        # A new form is a new idea.
        other = client.post("/ideas/new", data={**form_of(client), "what": "Another"})
        assert other.status_code == 200
        assert len(stored(example_engine)) == 2


def test_a_stamp_older_than_its_lifetime_is_served_again(
    visitors: Callable[..., TestClient], example_engine: Engine, settings: WebSettings
) -> None:
    from web.routes.ideas import STAMP_LIFETIME_S, served_at

    old = stamp(settings.secret, time.time() - STAMP_LIFETIME_S - 60)
    assert served_at(settings.secret, old) is None
    fresh = stamp(settings.secret, time.time() - 60)
    assert served_at(settings.secret, fresh) is not None
    client = visitors()
    fields = {**form_of(client), STAMP: old, "what": "Left open for weeks"}
    answer = client.post("/ideas/new", data=fields)
    assert answer.status_code == 400
    assert "Left open for weeks</textarea>" in answer.text
    assert stored(example_engine) == []


def test_a_burst_from_one_address_is_told_to_wait_and_a_real_idea_from_another_gets_in(
    visitors: Callable[..., TestClient], example_engine: Engine, settings: WebSettings
) -> None:
    spammer = visitors("198.51.100.66")
    fields = form_of(spammer)
    statuses = []
    for n in range(settings.idea_posts_per_minute + 3):
        answer = spammer.post(
            "/ideas/new", data={**fields, "what": f"Buy now {n}", HONEYPOT: "http://spam"}
        )
        statuses.append(answer.status_code)
    allowed = settings.idea_posts_per_minute
    assert statuses == [200] * allowed + [429] * 3
    assert int(answer.headers["Retry-After"]) > 0
    assert "<html" in answer.text  # a page that says to wait
    assert stored(example_engine) == []
    # Someone else, at the same moment: their idea is kept.
    real = put_forward(visitors("203.0.113.9"), what="Benches along the river path")
    assert real.status_code == 200
    assert [i.what for i in stored(example_engine)] == ["Benches along the river path"]


def test_an_hours_budget_holds_below_the_minutes(
    make_app: Callable[..., FastAPI], example_engine: Engine, settings: WebSettings
) -> None:
    app = make_app(
        example_engine,
        settings=dataclasses.replace(settings, idea_posts_per_minute=10, idea_posts_per_hour=2),
    )
    with TestClient(app, base_url=LOOPBACK) as client:
        fields = form_of(client)
        data = {**fields, "what": "x"}
        codes = [client.post("/ideas/new", data=data).status_code for _ in range(3)]
        assert codes == [200, 200, 429]


# --- the public list -----------------------------------------------------------------------------


@pytest.fixture
def cyd(example_engine: Engine, library: Library) -> Cyd:
    return Cyd(example_engine, library)


def published(cyd: Cyd, **changes: Any) -> ideas.Received:
    values: dict[str, Any] = {"what": "A café in the park", "consent_publish": True, **changes}
    got = ideas.submit_idea(cyd, ideas.NewIdea(**values))
    ideas.moderate(cyd, got.idea_id, by=ADMIN, publish=True, note="checked")
    return got


def test_the_list_shows_published_ideas_escaped_with_who_and_supports(
    visitors: Callable[..., TestClient], cyd: Cyd
) -> None:
    published(cyd, what=HOSTILE, who_helps="<b>everyone</b>")
    published(cyd, what="Evening clubs", behalf="group", on_behalf_of="Llais <Group>")
    unpublished = ideas.submit_idea(cyd, ideas.NewIdea(what="Private idea", consent_publish=True))
    ideas.support(cyd, "i-0001", by=LEAD)
    ideas.support(cyd, "i-0001", by="nia.morgan@example.org")
    html = visitors().get("/ideas").text
    assert "<script>alert" not in html
    assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; a café" in html
    assert "&lt;b&gt;everyone&lt;/b&gt;" in html
    assert "Llais &lt;Group&gt;" in html
    assert "A local person" in html
    assert "2 people support this" in html
    assert "0 people support this" in html
    assert "vote" not in html.lower()
    assert "Private idea" not in html
    assert unpublished.idea_id not in html


def adopted(cyd: Cyd, **changes: Any) -> str:
    got = published(cyd, **changes)
    ideas.send_to(cyd, got.idea_id, workstream=STREAM, by=ADMIN)
    view = ideas.answer_idea(
        cyd,
        got.idea_id,
        by=LEAD,
        outcome="adopted",
        title="Caffi yn y parc",
        reason={"en": "We like it.", "cy-easy": "Rydyn ni'n hoffi'r syniad."},
        what_next={"cy": "Bydd tîm yn dechrau'r gwaith."},
    )
    assert view.venture is not None
    return view.venture


def test_the_answer_is_in_the_readers_variant_else_marked_in_its_own_language(
    visitors: Callable[..., TestClient], cyd: Cyd
) -> None:
    adopted(cyd)
    english = visitors().get("/ideas").text
    assert "<bdi>We like it.</bdi>" in english  # their own: no lang attribute
    assert '<bdi lang="cy">Bydd tîm yn dechrau&#39;r gwaith.</bdi>' in english
    assert "Adopted: work has started" in english
    welsh_easy = visitors(cyd_lang="cy", cyd_format="easy-read").get("/ideas").text
    assert "<bdi>Rydyn ni&#39;n hoffi&#39;r syniad.</bdi>" in welsh_easy
    assert "<bdi>Bydd tîm yn dechrau&#39;r gwaith.</bdi>" in welsh_easy  # same language
    assert "We like it." not in welsh_easy
    assert "Ie! Mae gwaith wedi dechrau ar y syniad yma." in welsh_easy
    assert "Does neb yn cefnogi'r syniad yma eto." in welsh_easy
    # The idea itself, written in English, is marked so on a Welsh page.
    assert '<bdi lang="en">A café in the park</bdi>' in welsh_easy


def test_the_venture_is_linked_only_for_a_signed_in_visitor(
    visitors: Callable[..., TestClient],
    cyd: Cyd,
    make_app: Callable[..., FastAPI],
    example_engine: Engine,
    settings: WebSettings,
) -> None:
    venture = adopted(cyd)
    assert f"/ventures/{venture}" not in visitors().get("/ideas").text
    with read_session(example_engine) as session:
        gareth = queries.person_by_email(session, LEAD)
    assert gareth is not None
    app = make_app(
        example_engine, settings=settings, identify=lambda _r, _e: SignedIn(gareth, "s-gareth")
    )
    with TestClient(app, base_url=LOOPBACK) as client:
        assert f'href="/ventures/{venture}"' in client.get("/ideas").text
        page = client.get(f"/ventures/{venture}").text
        assert 'id="from-idea"' in page
        assert "Started from an idea put forward by a local person (i-0001)." in page
        # The idea's text is the venture's summary, marked with its own language.
        assert 'id="idea-summary"' in page
        assert "Summary, in the words of the idea" in page
        assert "<bdi>A café in the park</bdi>" in page


def test_the_credit_names_the_group_and_comes_in_welsh_easy_read(
    cyd: Cyd, make_app: Callable[..., FastAPI], example_engine: Engine, settings: WebSettings
) -> None:
    venture = adopted(cyd, behalf="group", on_behalf_of="Llais <Self-Advocacy>")
    with read_session(example_engine) as session:
        gareth = queries.person_by_email(session, LEAD)
    assert gareth is not None
    app = make_app(
        example_engine, settings=settings, identify=lambda _r, _e: SignedIn(gareth, "s-gareth")
    )
    with TestClient(app, base_url=LOOPBACK) as client:
        page = client.get(f"/ventures/{venture}").text
        credit = "Started from an idea put forward by <bdi>Llais &lt;Self-Advocacy&gt;</bdi>"
        assert f"{credit} (i-0001)." in page
        client.cookies.set("cyd_lang", "cy")
        client.cookies.set("cyd_format", "easy-read")
        welsh = client.get(f"/ventures/{venture}").text
        assert "syniad gan <bdi>Llais &lt;Self-Advocacy&gt;</bdi> (i-0001)" in welsh


# --- withdrawing ---------------------------------------------------------------------------------


def test_a_proposer_withdraws_with_their_reference_and_their_details_are_erased(
    visitors: Callable[..., TestClient], example_engine: Engine
) -> None:
    client = visitors()
    received = put_forward(
        client, contact_email="carys@example.net", consent_contact="yes", consent_publish="yes"
    )
    reference = reference_on(received.text)
    fields = form_of(client, "/ideas/withdraw")
    answer = client.post("/ideas/withdraw", data={**fields, "reference": reference.lower()})
    assert answer.status_code == 200
    assert "Idea withdrawn" in answer.text
    assert "i-0001" in answer.text
    [idea] = stored(example_engine)
    assert idea.state == "withdrawn"
    assert (idea.contact_email, idea.reference_hash) == (None, None)
    again = client.post("/ideas/withdraw", data={**fields, "reference": reference})
    assert again.status_code == 400
    assert "That reference does not match an idea that can be withdrawn." in again.text
    assert 'href="#reference"' in again.text


def test_an_unknown_reference_gets_the_catalogues_words_in_welsh(
    visitors: Callable[..., TestClient],
) -> None:
    client = visitors(cyd_lang="cy")
    fields = form_of(client, "/ideas/withdraw")
    answer = client.post("/ideas/withdraw", data={**fields, "reference": "AAAA-BBBB-CCCC"})
    assert answer.status_code == 400
    assert "Nid yw&#39;r cyfeirnod hwnnw&#39;n cyfateb" in answer.text
    empty = client.post("/ideas/withdraw", data={**fields, "reference": " "})
    assert empty.status_code == 400


def test_withdrawing_needs_the_csrf_token_and_is_limited(
    visitors: Callable[..., TestClient], settings: WebSettings
) -> None:
    client = visitors("198.51.100.70")
    assert client.post("/ideas/withdraw", data={"reference": "AAAA-BBBB-CCCC"}).status_code == 403
    fields = form_of(client, "/ideas/withdraw")
    codes = [
        client.post("/ideas/withdraw", data={**fields, "reference": "AAAA-BBBB-CCCC"}).status_code
        for _ in range(settings.idea_posts_per_minute + 1)
    ]
    assert codes[-1] == 429
    assert set(codes[:-1]) == {400}


# --- links for everyone --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("cookies", "words"),
    [
        ({}, ("Put forward an idea", "Ideas")),
        ({"cyd_format": "easy-read"}, ("Tell us your idea", "Ideas people told us")),
    ],
)
def test_every_page_offers_the_ideas_to_everyone(
    visitors: Callable[..., TestClient], cookies: dict[str, str], words: tuple[str, str]
) -> None:
    html = visitors(**cookies).get("/sign-in").text
    assert f'<a class="govuk-link" href="/ideas/new">{words[0]}</a>' in html
    assert f'<a class="govuk-link" href="/ideas">{words[1]}</a>' in html


PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def test_a_picture_goes_with_the_idea_and_a_disguised_file_is_refused_on_its_field(
    visitors: Callable[..., TestClient],
    example_engine: Engine,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("CYD_DATA_DIR", str(tmp_path / "data"))
    client = visitors()
    page = client.get("/ideas/new")
    assert 'enctype="multipart/form-data"' in page.text
    assert 'type="file"' in page.text
    assert "multiple" in page.text
    fields = {**form_of(client), "what": "A garden, drawn"}
    refused = client.post(
        "/ideas/new",
        data=fields,
        files=[("files", ("drawing.png", b"MZ\x90\x00 a program", "image/png"))],
    )
    assert refused.status_code == 400
    assert 'href="#files"' in refused.text  # in the error summary, linked to its field
    assert "drawing.png" in refused.text
    assert stored(example_engine) == []
    taken = client.post(
        "/ideas/new",
        data=fields,
        files=[("files", ("drawing.png", PNG, "image/png"))],
    )
    assert taken.status_code == 200
    [idea] = stored(example_engine)
    assert [(f["kind"], f["name"]) for f in idea.files] == [("picture", "drawing.png")]
    assert (tmp_path / "data" / idea.files[0]["path"]).read_bytes() == PNG


def test_a_request_past_the_forms_bound_is_refused_before_it_is_read(
    make_app: Callable[..., FastAPI], example_engine: Engine, settings: WebSettings
) -> None:
    app = make_app(example_engine, settings=dataclasses.replace(settings, idea_upload_bytes=4096))
    with TestClient(app, base_url=LOOPBACK) as client:
        fields = {**form_of(client), "what": "Too big"}
        answer = client.post(
            "/ideas/new", data=fields, files=[("files", ("big.png", PNG * 100, "image/png"))]
        )
        assert answer.status_code == 413
        assert stored(example_engine) == []


@pytest.fixture
def engine(example_engine: Engine) -> Engine:
    """The module's database, for `browser_as` (signed-in visitors)."""
    return example_engine


def test_a_signed_in_person_supports_an_open_idea_once_and_sees_the_count(
    cyd: Cyd, browser_as: Callable[..., Any], visitors: Callable[..., TestClient]
) -> None:
    got = published(cyd)
    anonymous = visitors().get("/ideas").text
    assert "Support this idea" not in anonymous  # only people in the programme
    nia = browser_as("rhys.thomas@example.org")  # English, standard
    page = nia.client.get("/ideas").text
    assert f'action="/ideas/{got.idea_id}/support"' in page
    token = hidden(page, "csrf_token")
    supported = nia.client.post(f"/ideas/{got.idea_id}/support", data={"csrf_token": token})
    assert supported.status_code == 200
    assert f"You support idea {got.idea_id}." in supported.text
    assert "1 person supports this" in supported.text
    again = nia.client.post(f"/ideas/{got.idea_id}/support", data={"csrf_token": token})
    assert "You support this idea already: one support each." in again.text
    assert "1 person supports this" in again.text
    forged = nia.client.post(f"/ideas/{got.idea_id}/support", data={"csrf_token": "x"})
    assert forged.status_code == 403


def test_support_signed_out_goes_to_sign_in(visitors: Callable[..., TestClient], cyd: Cyd) -> None:
    got = published(cyd)
    client = visitors()
    page = client.get("/ideas/new")  # a form's CSRF token (the list shows no form signed out)
    token = hidden(page.text, "csrf_token")
    answer = client.post(
        f"/ideas/{got.idea_id}/support", data={"csrf_token": token}, follow_redirects=False
    )
    assert answer.status_code == 303
    assert answer.headers["location"].startswith("/sign-in?next=/ideas")
