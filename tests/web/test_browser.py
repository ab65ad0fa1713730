"""The pages in a real browser (Chromium from the system): axe-core finds no WCAG 2.0,
2.1 or 2.2 A/AA violation on the accessibility statement in English, Welsh, standard
and Easy Read, the CSP blocks nothing the pages need, and a page broken on purpose
proves the check can fail."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from fastapi import APIRouter, FastAPI
from fastapi.responses import HTMLResponse, Response
from playwright.sync_api import Page

from .conftest import describe

pytestmark = pytest.mark.slow

VARIANTS = [("en", "standard"), ("cy", "standard"), ("en", "easy-read"), ("cy", "easy-read")]

# Served only in this test's app: an image without alt text, and pale grey text on
# white (a stylesheet of its own: the CSP allows no inline style).
broken_pages = APIRouter()
BROKEN = """<!DOCTYPE html>
<html lang="en">
<head><meta charset="utf-8"><title>Broken on purpose</title>
<link rel="stylesheet" href="/test/broken.css"></head>
<body><main>
<h1>Broken on purpose</h1>
<img src="/pictograms/tick.svg" width="64" height="64">
<p class="faint">This text is too pale to read.</p>
</main></body>
</html>"""


@broken_pages.get("/test/broken", response_class=HTMLResponse)
def broken_page() -> HTMLResponse:
    return HTMLResponse(BROKEN)


@broken_pages.get("/test/broken.css")
def broken_css() -> Response:
    return Response(".faint { color: #dddddd; background: #ffffff; }", media_type="text/css")


@pytest.mark.parametrize(("lang", "shape"), VARIANTS)
def test_the_accessibility_statement_passes_axe(
    live_server: str,
    page: Page,
    axe_check: Callable[[Page], list[dict[str, Any]]],
    screenshots: Path,
    lang: str,
    shape: str,
) -> None:
    answer = page.goto(f"{live_server}/accessibility?lang={lang}&format={shape}")
    assert answer is not None
    assert answer.status == 200
    assert page.locator("html").get_attribute("lang") == lang
    # The stylesheet and the script loaded (the CSP let them), and GOV.UK Frontend ran.
    assert page.locator("body.govuk-frontend-supported").count() == 1
    font = page.evaluate("getComputedStyle(document.querySelector('h1')).fontFamily")
    assert "system-ui" in font
    assert "GDS Transport" not in font
    violations = axe_check(page)
    assert violations == [], describe(violations)
    assert page.csp_errors == []  # type: ignore[attr-defined]
    page.screenshot(path=screenshots / f"accessibility-{lang}-{shape}.png", full_page=True)


def test_the_check_fails_on_a_page_broken_on_purpose(
    serve: Callable[[FastAPI], str],
    make_app: Callable[..., FastAPI],
    page: Page,
    axe_check: Callable[[Page], list[dict[str, Any]]],
) -> None:
    url = serve(make_app(routers=[broken_pages]))
    page.goto(f"{url}/test/broken")
    found = {violation["id"] for violation in axe_check(page)}
    assert {"image-alt", "color-contrast"} <= found


def test_the_csp_blocks_an_inline_script(
    serve: Callable[[FastAPI], str], make_app: Callable[..., FastAPI], page: Page
) -> None:
    # The check the pages rely on is real: a page with an inline script gets it blocked.
    inline = APIRouter()

    @inline.get("/test/inline", response_class=HTMLResponse)
    def inline_page() -> HTMLResponse:
        return HTMLResponse(
            '<!DOCTYPE html><html lang="en"><title>x</title>'
            "<script>document.title = 'ran'</script></html>"
        )

    url = serve(make_app(routers=[inline]))
    page.goto(f"{url}/test/inline")
    assert page.title() == "x"
    assert page.csp_errors  # type: ignore[attr-defined]
