"""A Board member's papers as an accessible HTML page and a printable PDF.

`pack_blocks(pack, lang)` writes the papers (a `governance.board_pack.BoardPack`) as
a list of blocks (headings, paragraphs, lists, Easy Read points beside a picture) in
one language; `render_html` and `render_pdf` lay the same blocks out, so the page and
the printout always say the same thing. A member gets their papers in the language
they chose, or in Welsh and English together (Welsh first) if they were never asked,
and in Easy Read if that is their format.

HTML: one document, `<html lang>` and a `lang` on each language's part, every text
escaped, headings in order, pictures with alt text, 14pt text (16pt Easy Read).
PDF: that same HTML document laid out by WeasyPrint as PDF/UA-1, with a structure
tree (headings, paragraphs, lists, figures with alt text), the document's language
and title, 12pt text (16pt Easy Read) in a system sans-serif with the Welsh letters
(ŵ, ŷ, â, ...), or `CYD_PDF_FONT` if set.

Pure apart from reading the fonts and the pictograms. The Welsh is written whole and,
like the message templates, not yet reviewed by a Welsh speaker.

The parts, a module each: `blocks` (the `Block`), `wording` (dates, times, titles),
`standard` and `easy_read` (what the papers say in each format), `papers`
(`pack_blocks`), `page` (`render_html`) and `printout` (`render_pdf`, `html_to_pdf`).
Callers import from `notifications.board_pack`.
"""

from __future__ import annotations

from notifications.board_pack.blocks import Block, Kind
from notifications.board_pack.page import blocks_html, render_html
from notifications.board_pack.papers import pack_blocks
from notifications.board_pack.printout import FONT_ENV, html_to_pdf, render_pdf
from notifications.board_pack.wording import clock, day, languages, pack_title, title, when

__all__ = [
    "FONT_ENV",
    "Block",
    "Kind",
    "blocks_html",
    "clock",
    "day",
    "html_to_pdf",
    "languages",
    "pack_blocks",
    "pack_title",
    "render_html",
    "render_pdf",
    "title",
    "when",
]
