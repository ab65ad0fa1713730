"""The papers as a printable PDF: the accessible HTML document (`render_html`), laid
out by WeasyPrint as PDF/UA-1 with a print stylesheet.

Why from the HTML: the page already carries the structure a screen reader needs
(headings in order, paragraphs, lists, pictures with alt text, `lang`), and WeasyPrint
turns that into the PDF's structure tree (H1–H3, P, L/LI, Figure with /Alt). The page,
the PDF and the email then cannot drift apart.

What the PDF has: the document's language (`/Lang`, the pack's first language) and
each language's part tagged with its own when the papers are in Welsh and English; the
pack's title in the metadata, shown as the window's title; `MarkInfo Marked`; A4, 12pt
text (16pt in Easy Read, which asks for 14pt or more) in a system sans-serif (Liberation
Sans, the metric twin of Arial, which Easy Read guidance names; else DejaVu Sans; else
the system's sans-serif) or `CYD_PDF_FONT`; never GOV.UK's typeface. A picture that
only decorates (`alt=""`) is drawn as a background, which WeasyPrint marks as an
artifact, so a screen reader skips it instead of meeting a figure with no text.

Nothing is fetched: the document's only resources are its own `data:` pictures (and
`CYD_PDF_FONT`, when set); any other address is refused.
"""

from __future__ import annotations

import html
import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

import settings
from governance.board_pack import BoardPack
from notifications.board_pack.page import render_html

if TYPE_CHECKING:
    from weasyprint import CSS
    from weasyprint.text.fonts import FontConfiguration

FONT_ENV = settings.PDF_FONT_ENV

# The page's own stylesheet is for a screen (14pt, 16pt Easy Read, a flex box beside
# each picture): the print document drops it for this one, in pt as print guidance
# gives sizes.
PRINT_CSS = """
/* No running page number: WeasyPrint leaves a page's margin text out of the structure
   tree without marking it an artifact, which PDF/UA-1 does not allow. */
@page { size: A4; margin: 18mm; }
html, body { font-family: FAMILY; }
body, body.standard { margin: 0; padding: 0; max-width: none; color: #000000;
  font-size: 12pt; line-height: 1.45; }
body.easy-read, div.easy-read { font-size: 16pt; line-height: 1.6; }
h1 { font-size: 1.6em; line-height: 1.25; margin: 0 0 0.6em 0; }
h2 { font-size: 1.3em; line-height: 1.25; margin: 1.2em 0 0.5em 0; }
h3 { font-size: 1.1em; line-height: 1.3; margin: 1em 0 0.4em 0; }
h1, h2, h3 { break-after: avoid; }
p, li { orphans: 2; widows: 2; }
ul { padding-left: 1.4em; }
ul.points { padding-left: 0; }
/* A picture beside its sentence, never split from it, the words in a column of their
   own. A float, not the page's flex box: the same look in far less layout time. */
ul.points li { display: flow-root; min-height: 48pt; margin: 0 0 0.8em 0; break-inside: avoid; }
ul.points li > img, ul.points li > .decorative { float: left; width: 48pt; height: 48pt; }
ul.points li > span:not(.decorative) { display: block; margin-left: 60pt; padding-top: 0.3em; }
.decorative { display: inline-block; background-size: contain; background-repeat: no-repeat; }
/* Each language on pages of its own, as the printed papers always were. */
hr { display: none; }
div[lang] ~ div[lang] { break-before: page; }
a { color: #000000; }
"""

# Liberation Sans first: the metric twin of Arial, which Easy Read guidance names and
# the HTML page asks for; DejaVu Sans where it is missing. Both have ŵ and ŷ.
SYSTEM_FAMILY = '"Liberation Sans", Arial, "DejaVu Sans", sans-serif'
_OWN_FAMILY = "Cyd papers"  # the name CYD_PDF_FONT is given inside the stylesheet

# An <img> whose alt is empty, as page.py writes them (src first; attributes escaped).
_DECORATIVE = re.compile(r'<img\s+src="(data:[^"]*)"\s+alt=""([^>]*)>')
_SIZE = re.compile(r'\b(width|height)="(\d+)"')
_SCREEN_STYLE = re.compile(r"<style>.*?</style>", re.DOTALL)


def _family_css(font: Path | None) -> str:
    if font is None:
        return PRINT_CSS.replace("FAMILY", SYSTEM_FAMILY)
    face = f'@font-face {{ font-family: "{_OWN_FAMILY}"; src: url("{font.as_uri()}"); }}\n'
    return face + PRINT_CSS.replace("FAMILY", f'"{_OWN_FAMILY}", {SYSTEM_FAMILY}')


def _stylesheet(font: Path | None, fetcher: Any) -> tuple[CSS, FontConfiguration]:
    """The print stylesheet and its font configuration, new for each PDF so that no
    two threads share Pango's font map (the pages render PDFs in a thread pool)."""
    from weasyprint import CSS
    from weasyprint.text.fonts import FontConfiguration

    fonts = FontConfiguration()
    css = CSS(string=_family_css(font), font_config=fonts, url_fetcher=fetcher)
    return css, fonts


def _fetcher(font: Path | None) -> Any:
    """A URL fetcher for `data:` URLs and the configured font only."""
    from weasyprint.urls import URLFetcher

    allowed = {font.as_uri()} if font is not None else set()

    class _OwnOnly(URLFetcher):  # type: ignore[misc]  # untyped: Any
        def fetch(self, url: str, headers: Any = None) -> Any:
            if url.startswith("data:") or url in allowed:
                return super().fetch(url, headers)
            raise ValueError(f"the papers fetch nothing from outside: {url[:80]!r}")

    return _OwnOnly(allowed_protocols={"data", "file"}, fail_on_errors=False)


def print_html(document: str) -> str:
    """The page as WeasyPrint should lay it out: without its screen stylesheet (the
    print one replaces it), and a decorative picture (`alt=""`) as a background, which
    WeasyPrint draws as an artifact (an `<img>` would become a Figure with no
    alternative text, which PDF/UA forbids)."""

    def background(match: re.Match[str]) -> str:
        source = html.unescape(match.group(1)).replace("'", "%27")
        size = "".join(f" {name}: {px}px;" for name, px in _SIZE.findall(match.group(2)))
        # Inline style: this document is never served, only laid out here.
        style = f"background-image: url('{source}');{size}"
        return f'<span class="decorative" style="{html.escape(style, quote=True)}"></span>'

    return _DECORATIVE.sub(background, _SCREEN_STYLE.sub("", document, count=1))


def html_to_pdf(document: str, *, font: Path | None = None) -> bytes:
    """An accessible HTML document (`<html lang>`, `<title>`) as a PDF/UA-1 file."""
    from weasyprint import HTML

    fetcher = _fetcher(font)
    css, fonts = _stylesheet(font, fetcher)
    return bytes(
        HTML(string=print_html(document), url_fetcher=fetcher).write_pdf(
            stylesheets=[css],
            font_config=fonts,
            pdf_variant="pdf/ua-1",
            finisher=_tag_languages,
        )
    )


def render_pdf(pack: BoardPack) -> bytes:
    """The member's papers as a printable PDF/UA file: the same document as the HTML."""
    return html_to_pdf(render_html(pack), font=settings.current().pdf_font)


def _tag_languages(document: Any, pdf: Any) -> None:
    """Give each language's part its own /Lang when the papers hold two languages.

    WeasyPrint sets the document's language (`<html lang>`) but not an element's: a
    screen reader would read the English half of a bilingual pack with a Welsh voice.
    Each language starts a page of its own (the stylesheet), and the structure tree
    has one part (`<main>`) per page, so each page's part takes the language of the
    `<div lang id>` that page starts or continues."""
    import pydyf

    language: str | None = None
    by_page: list[str | None] = []
    for page in document.pages:
        started = [lang for lang in ("cy", "en") if lang in page.anchors]
        if started:
            language = started[0]
        by_page.append(language)
    if len(set(by_page) - {None}) < 2:
        return  # one language: the document's /Lang says it
    pages = {str(ref): n for n, ref in enumerate(pdf.page_references)}
    for item in pdf.objects:
        if not isinstance(item, pydyf.Dictionary) or item.get("S") != "/Part":
            continue
        n = pages.get(str(item.get("Pg")))
        if n is not None and (lang := by_page[n]) is not None:
            item["Lang"] = pydyf.String(lang)
