"""People admin through the pages (FastAPI's test client, the example programme): an
admin adds a person through check-and-confirm, changes each field on its own form,
sets channels that are never shown back, deactivates; anyone else gets "Page not
found" and the refusal is audited; a forged form without the CSRF token is refused;
English, Welsh and Easy Read."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import col, select

from models import tables as t
from models.db import read_session

from . import test_checklist
from .test_checklist import Browser, csrf, person, text_of

# The checklist pages' fixtures: the example programme, a browser signed in as anyone.
engine = test_checklist.engine

ADMIN = "admin@example.org"
NIA = "nia.morgan@example.org"
GARETH = "gareth.jones@example.org"
SECRET = "pa55-w0rd-never-shown"  # noqa: S105 (a made-up secret to look for)
URL = f"mailto://cyd:{SECRET}@127.0.0.1:2525?to=nia@example.org"
ENGLISH = {"cyd_lang": "en", "cyd_format": "standard"}


def denials(engine: Engine) -> list[t.AuditEntry]:
    with read_session(engine) as session:
        return list(
            session.exec(
                select(t.AuditEntry)
                .where(t.AuditEntry.action == "denied")
                .order_by(col(t.AuditEntry.seq))
            )
        )


def pid(engine: Engine, email: str) -> int:
    found = person(engine, email).id
    assert found is not None
    return found


@pytest.fixture
def admin(browser_as: Callable[..., Browser]) -> Browser:
    return browser_as(ADMIN, **ENGLISH)


def test_a_non_admin_gets_page_not_found_and_it_is_audited(
    browser_as: Callable[..., Browser], engine: Engine
) -> None:
    gareth = browser_as(GARETH, **ENGLISH)
    nia = pid(engine, NIA)
    urls = [
        "/people",
        "/people/new",
        f"/people/{nia}",
        f"/people/{nia}/channels",
        f"/people/{nia}/name",
    ]
    for url in urls:
        assert gareth.get(url).status_code == 404, url
    refused = denials(engine)
    assert len(refused) == len(urls)
    assert {e.actor for e in refused} == {GARETH}
    assert {e.payload["code"] for e in refused} == {"not-people-admin"}
    # And no "People" link for them.
    assert 'href="/people"' not in gareth.page("/")


def test_an_admin_sees_the_people_link_and_the_list_filtered(admin: Browser) -> None:
    home = admin.page("/")
    assert 'href="/people"' in home
    everyone = text_of(admin.page("/people"))
    assert "15 people" in everyone
    reviewers = text_of(admin.page("/people?role=reviewer"))
    assert "2 people" in reviewers
    assert "Elin" in reviewers
    assert "Megan" not in reviewers


def test_an_admin_adds_a_person_through_check_and_confirm(admin: Browser, engine: Engine) -> None:
    form = {
        "name": "Ffion <b>Rees</b>",
        "email": "ffion@example.org",
        "roles": ["co-producer"],
        "language": "cy",
        "format": "easy-read",
        "lived_experience": "yes",
    }
    bad = admin.post("/people/new", {**form, "email": "nope"})
    assert bad.status_code == 400
    assert "Enter an email address" in bad.text or "enter an email address" in bad.text
    check = admin.post("/people/new", form)
    assert check.status_code == 200
    assert "Check the new person" in check.text
    assert "<b>Rees</b>" not in check.text  # escaped
    token = csrf(check.text)
    done = admin.client.post(
        "/people/new/confirm", data={**form, "csrf_token": token}, follow_redirects=False
    )
    assert done.status_code == 303
    new = person(engine, "ffion@example.org")
    assert (new.language, new.format, new.lived_experience) == ("cy", "easy-read", True)
    receipt = admin.page(done.headers["location"])
    assert "The person is added." in receipt


def test_each_field_is_changed_on_its_own_form(admin: Browser, engine: Engine) -> None:
    nia = pid(engine, NIA)
    page = admin.page(f"/people/{nia}")
    for field in ("name", "roles", "language", "format", "quiet-hours", "digest"):
        assert f'href="/people/{nia}/{field}"' in page
    assert admin.post(f"/people/{nia}/language", {"value": "en"}).status_code == 303
    assert admin.post(f"/people/{nia}/format", {"value": "standard"}).status_code == 303
    assert admin.post(f"/people/{nia}/digest", {"value": "daily"}).status_code == 303
    wrong = admin.post(f"/people/{nia}/quiet-hours", {"start": "25:00", "end": "08:00"})
    assert wrong.status_code == 400
    assert "There is a problem" in wrong.text
    fine = admin.post(f"/people/{nia}/quiet-hours", {"start": "21:00", "end": "08:00"})
    assert fine.status_code == 303
    row = person(engine, NIA)
    assert (row.language, row.format, row.daily_digest) == ("en", "standard", True)
    assert (row.quiet_hours_from, row.quiet_hours_to) == ("21:00", "08:00")
    assert "The change is saved." in admin.page(fine.headers["location"])


def test_a_forged_form_without_the_csrf_token_is_refused(admin: Browser, engine: Engine) -> None:
    nia = pid(engine, NIA)
    admin.page(f"/people/{nia}/name")
    forged = admin.client.post(
        f"/people/{nia}/name", data={"value": "Someone Else"}, follow_redirects=False
    )
    assert forged.status_code == 403
    forged = admin.client.post(
        f"/people/{nia}/channels/add", data={"url": URL}, follow_redirects=False
    )
    assert forged.status_code == 403
    assert person(engine, NIA).name != "Someone Else"


def test_the_channel_page_never_shows_a_url(admin: Browser, engine: Engine) -> None:
    nia = pid(engine, NIA)
    added = admin.client.post(
        f"/people/{nia}/channels/add",
        data={
            "url": URL,
            "label": "Email",
            "csrf_token": csrf(admin.page(f"/people/{nia}/channels")),
        },
        follow_redirects=False,
    )
    assert added.status_code == 303
    page = admin.page(added.headers["location"])
    assert SECRET not in page
    assert "127.0.0.1:2525" not in page
    assert "mailto://••••" in page
    # A mistyped channel: the error does not echo it either.
    bad = admin.client.post(
        f"/people/{nia}/channels/add",
        data={"url": "oops-" + SECRET, "csrf_token": csrf(page)},
        follow_redirects=False,
    )
    assert bad.status_code == 400
    assert SECRET not in bad.text
    with read_session(engine) as session:
        log = " ".join(str(e.payload) for e in session.exec(select(t.AuditEntry)))
    assert SECRET not in log


def test_deactivating_from_the_pages(admin: Browser, engine: Engine) -> None:
    nia = pid(engine, NIA)
    confirm = admin.page(f"/people/{nia}/deactivate")
    assert "Deactivate" in confirm
    done = admin.post(f"/people/{nia}/deactivate", {})
    assert done.status_code == 303
    assert person(engine, NIA).active is False
    assert "The person is deactivated." in admin.page(done.headers["location"])
    own = pid(engine, ADMIN)
    refused = admin.post(f"/people/{own}/deactivate", {})
    assert refused.status_code == 400


@pytest.mark.parametrize(
    ("lang", "shape", "words"),
    [
        ("cy", "standard", "Pobl"),
        ("en", "easy-read", "These are the people in Cyd."),
        ("cy", "easy-read", "Dyma'r bobl yn Cyd."),
    ],
)
def test_welsh_and_easy_read(
    browser_as: Callable[..., Browser], lang: str, shape: str, words: str
) -> None:
    admin = browser_as(ADMIN, cyd_lang=lang, cyd_format=shape)
    assert words in text_of(admin.page("/people"))
