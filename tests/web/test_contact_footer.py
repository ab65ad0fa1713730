"""Every page's footer names the programme's contact, as every message does (a person,
a phone number to dial and an email to write to), in the page's language and format,
and says that Welsh is welcome."""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Iterator

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine

from tests.web.conftest import LOOPBACK

SAYS = {
    ("en", "standard"): (
        "Questions? Contact Rhian Hopkins, Co-production programme officer.",
        "We welcome correspondence in Welsh.",
    ),
    ("cy", "standard"): (
        "Cwestiynau? Cysylltwch â Rhian Hopkins (Swyddog y rhaglen cydgynhyrchu).",
        "Rydym yn croesawu gohebiaeth yn Gymraeg.",
    ),
    ("en", "easy-read"): (
        "Do you have a question? Ask Rhian Hopkins.",
        "We welcome letters and emails in Welsh.",
    ),
    ("cy", "easy-read"): (
        "Oes gennych chi gwestiwn? Gofynnwch i Rhian Hopkins.",
        "Rydyn ni'n croesawu llythyrau ac e-byst yn Gymraeg.",
    ),
}


def footer(page: str) -> str:
    """The footer's words, its tags taken out."""
    match = re.search(r"<footer[^>]*>(.*)</footer>", page, re.DOTALL)
    assert match is not None
    return match.group(1)


def words(fragment: str) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", fragment)).split())


@pytest.fixture
def example_client(
    make_app: Callable[..., FastAPI], example_engine: Engine
) -> Iterator[TestClient]:
    with TestClient(make_app(example_engine), base_url=LOOPBACK) as test_client:
        yield test_client


@pytest.mark.parametrize(("language", "fmt"), list(SAYS), ids=[f"{a}-{b}" for a, b in SAYS])
def test_every_page_names_the_programmes_contact(
    example_client: TestClient, language: str, fmt: str
) -> None:
    for path in ("/", "/accessibility", "/sign-in"):
        page = example_client.get(path, params={"lang": language, "format": fmt})
        assert page.status_code == 200, path
        end = footer(page.text)
        ask, welcome = SAYS[language, fmt]
        said = words(end)
        assert ask in said
        assert welcome in said
        assert '<a class="govuk-link" href="tel:01632960123">01632 960 123</a>' in end
        assert (
            '<a class="govuk-link" href="mailto:cydgynhyrchu@example.org">'
            "cydgynhyrchu@example.org</a>" in end
        )


def test_an_error_page_names_the_contact_too(example_client: TestClient) -> None:
    page = example_client.get("/no-such-page", params={"lang": "cy"})
    assert page.status_code == 404
    assert "Rhian Hopkins" in words(footer(page.text))


def test_with_no_programme_the_footer_still_welcomes_welsh(client: TestClient) -> None:
    page = client.get("/accessibility")
    said = words(footer(page.text))
    assert "We welcome correspondence in Welsh." in said
    assert "Questions?" not in said
    assert "tel:" not in footer(page.text)


def test_a_changed_contact_is_shown_once_the_pages_read_it_again(
    example_client: TestClient, example_engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    import yaml

    from checklists.yamlsource import parse
    from services.programme_import import import_programme, parse_programme
    from tests.web.conftest import ROOT
    from web import page

    assert "Rhian Hopkins" in words(footer(example_client.get("/accessibility").text))
    data = parse((ROOT / "examples" / "programme.yaml").read_text("utf-8")).data
    data["contact"]["name"] = "Owain Rees"
    text = yaml.safe_dump(data, sort_keys=False, allow_unicode=True)
    import_programme(example_engine, parse_programme(text, "p.yaml"), text, "admin@example.org")
    # Kept for a while (a read a page), then read again.
    assert "Rhian Hopkins" in words(footer(example_client.get("/accessibility").text))
    monkeypatch.setattr(page, "CONTACT_FRESH", 0.0)
    said = words(footer(example_client.get("/accessibility").text))
    assert "Owain Rees" in said
    assert "Rhian Hopkins" not in said
