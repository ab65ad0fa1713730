"""The papers as a printable PDF (fpdf2, A4): the document's language set, 12pt text
(16pt Easy Read), pictures with alt text, in a TrueType font with the Welsh letters
(ŵ, ŷ, â, ...): `CYD_PDF_FONT` if set, else DejaVu Sans from the system, else Geist
(shipped inside the `prefect` package, a dependency). With none of them the PDF falls
back to Helvetica, which lacks ŵ and ŷ: they are printed as w and y, and the first
page says so."""

from __future__ import annotations

import contextlib
import importlib.util
import io
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

import settings
from governance.board_pack import BoardPack
from notifications.board_pack.blocks import Block
from notifications.board_pack.papers import pack_blocks
from notifications.board_pack.wording import languages, pack_title
from notifications.render import PICTOGRAMS, pictogram_index

if TYPE_CHECKING:
    from fpdf import FPDF

FONT_ENV = settings.PDF_FONT_ENV
_SYSTEM_FONTS = (
    "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
    "/usr/share/fonts/TTF/DejaVuSans.ttf",
    "/usr/share/fonts/dejavu/DejaVuSans.ttf",
    "/usr/local/share/fonts/DejaVuSans.ttf",
    "/Library/Fonts/DejaVuSans.ttf",
)


@dataclass(frozen=True)
class PdfFont:
    regular: Path | None  # None: the core Helvetica (no ŵ, ŷ)
    bold: Path | None
    name: str


def _geist() -> Path | None:
    spec = importlib.util.find_spec("prefect")  # finds the package without importing it
    for location in (spec.submodule_search_locations or []) if spec else []:
        font = Path(location) / "server" / "ui-v2" / "fonts" / "Geist-VariableFont_wght.ttf"
        if font.is_file():
            return font
    return None


def pdf_font() -> PdfFont:
    """The TrueType font for the PDFs (see the module's docstring)."""
    return _font(settings.current().pdf_font)


@cache
def _font(explicit: Path | None) -> PdfFont:
    if explicit is not None:  # settings checked it is a file
        return PdfFont(explicit, explicit, explicit.stem)
    for candidate in _SYSTEM_FONTS:
        regular = Path(candidate)
        if regular.is_file():
            bold = regular.with_name("DejaVuSans-Bold.ttf")
            return PdfFont(regular, bold if bold.is_file() else regular, "DejaVu Sans")
    geist = _geist()
    if geist is not None:
        return PdfFont(geist, geist, "Geist")
    return PdfFont(None, None, "Helvetica")


def _latin1(text: str) -> str:
    """Text the core fonts can print: letters they lack lose their accent (ŵ → w)."""
    out = []
    for char in text:
        try:
            char.encode("latin-1")
            out.append(char)
        except UnicodeEncodeError:
            plain = unicodedata.normalize("NFKD", char).encode("ascii", "ignore").decode()
            out.append(plain or {"“": '"', "”": '"', "—": "-", "’": "'", "•": "-"}.get(char, "?"))
    return "".join(out)


_FALLBACK_NOTE = (
    "Printed without a font for all Welsh letters: ŵ and ŷ appear as w and y. "
    "The web page version shows them."
)


def render_pdf(pack: BoardPack, *, font: PdfFont | None = None) -> bytes:
    """The papers as a printable PDF (A4), the same blocks as the HTML."""
    from fpdf import FPDF
    from fpdf.enums import XPos, YPos

    chosen = font or pdf_font()
    easy = pack.member.easy_read
    size = 16 if easy else 12
    langs = languages(pack)
    pdf = FPDF(format="A4")
    pdf.set_auto_page_break(auto=True, margin=18)
    pdf.set_margins(18, 18, 18)
    pdf.set_lang(langs[0])
    pdf.set_title(pack_title(pack))
    pdf.set_author("Cyd")
    pdf.set_creator("Cyd")
    text: Callable[[str], str] = _latin1
    family = "Helvetica"
    if chosen.regular is not None and chosen.bold is not None:
        pdf.add_font("Body", "", str(chosen.regular))
        pdf.add_font("Body", "B", str(chosen.bold))
        family, text = "Body", str
    pdf.add_page()
    line = size * 0.55  # mm per line: about 1.5 line spacing
    if chosen.regular is None:
        pdf.set_font(family, "", 10)
        pdf.multi_cell(0, 5, text(_FALLBACK_NOTE), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        pdf.ln(2)
    headings = {"h1": size + 8, "h2": size + 4, "h3": size + 1}
    for n, lang in enumerate(langs):
        if n:
            pdf.add_page()
        for block in pack_blocks(pack, lang):
            if block.kind in headings:
                pdf.ln(2)
                pdf.set_font(family, "B", headings[block.kind])
                pdf.multi_cell(
                    0,
                    headings[block.kind] * 0.5,
                    text(block.text),
                    new_x=XPos.LMARGIN,
                    new_y=YPos.NEXT,
                    align="L",
                )
                pdf.ln(1)
            elif block.kind == "ul":
                pdf.set_font(family, "", size)
                for entry in block.items:
                    bullet = "•" if chosen.regular is not None else "-"
                    pdf.set_x(pdf.l_margin + 4)
                    pdf.multi_cell(
                        0,
                        line,
                        text(f"{bullet} {entry}"),
                        new_x=XPos.LMARGIN,
                        new_y=YPos.NEXT,
                        align="L",
                    )
                pdf.ln(1)
            elif block.kind == "point":
                pdf.set_font(family, "", size)
                _point(pdf, block, lang, text, line)
            else:
                pdf.set_font(family, "", size)
                pdf.multi_cell(
                    0, line, text(block.text), new_x=XPos.LMARGIN, new_y=YPos.NEXT, align="L"
                )
                pdf.ln(1)
    return bytes(pdf.output())


@cache
def _svg_for_pdf(file: str) -> bytes:
    """The pictogram's SVG without the parts fpdf2 does not draw (its title: the alt
    text is given to the PDF instead)."""
    svg = (PICTOGRAMS / file).read_text("utf-8")
    svg = re.sub(r"<title[^>]*>.*?</title>|<!--.*?-->", "", svg, flags=re.DOTALL)
    return svg.encode("utf-8")


def _point(pdf: FPDF, block: Block, lang: str, text: Callable[[str], str], line: float) -> None:
    """An Easy Read point: the picture, and the sentence beside it."""
    from fpdf.enums import XPos, YPos

    picture = 16.0  # mm
    if pdf.get_y() + picture > pdf.h - pdf.b_margin:
        pdf.add_page()
    top = pdf.get_y()
    if block.picture:
        entry = pictogram_index()[block.picture]
        with contextlib.suppress(Exception):  # a picture not drawn leaves the words
            pdf.image(
                io.BytesIO(_svg_for_pdf(entry["file"])),
                x=pdf.l_margin,
                y=top,
                w=picture,
                h=picture,
                alt_text=entry["alt"][lang],
            )
    pdf.set_xy(pdf.l_margin + picture + 4, top + 1)
    pdf.multi_cell(
        pdf.w - pdf.r_margin - pdf.get_x(),
        line,
        text(block.text),
        new_x=XPos.LMARGIN,
        new_y=YPos.NEXT,
        align="L",
    )
    pdf.set_y(max(pdf.get_y(), top + picture) + 3)
