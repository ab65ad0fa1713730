"""A Board member's papers as an accessible HTML page and a printable PDF.

`pack_blocks(pack, lang)` writes the papers (a `governance.board_pack.BoardPack`) as
a list of blocks (headings, paragraphs, lists, Easy Read points beside a picture) in
one language; `render_html` and `render_pdf` lay the same blocks out, so the page and
the printout always say the same thing. A member gets their papers in the language
they chose, or in Welsh and English together (Welsh first) if they were never asked,
and in Easy Read if that is their format.

HTML: one document, `<html lang>` and a `lang` on each language's part, every text
escaped, headings in order, pictures with alt text, 14pt text (16pt Easy Read).
PDF (fpdf2): the document's language set, 12pt text (16pt Easy Read), pictures with
alt text, in a TrueType font with the Welsh letters (ŵ, ŷ, â, ...): `CYD_PDF_FONT`
if set, else DejaVu Sans from the system, else Geist (shipped inside the `prefect`
package, a dependency). With none of them the PDF falls back to Helvetica, which
lacks ŵ and ŷ: they are printed as w and y, and the first page says so.

Pure apart from reading the font and the pictograms. The Welsh is written whole and,
like the message templates, not yet reviewed by a Welsh speaker.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import html
import importlib.util
import io
import re
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from babel.dates import format_date

import settings
from governance.board_pack import AgendaItem, BoardPack, ChecklistSummary, Words
from notifications import words
from notifications.render import PICTOGRAMS, local_zone, pictogram_index

if TYPE_CHECKING:
    from fpdf import FPDF

FONT_ENV = settings.PDF_FONT_ENV
_LOCALES = {"en": "en_GB", "cy": "cy"}
_SYSTEM_FONTS = (
    "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
    "/usr/share/fonts/TTF/DejaVuSans.ttf",
    "/usr/share/fonts/dejavu/DejaVuSans.ttf",
    "/usr/local/share/fonts/DejaVuSans.ttf",
    "/Library/Fonts/DejaVuSans.ttf",
)

Kind = Literal["h1", "h2", "h3", "p", "ul", "point"]


@dataclass(frozen=True, slots=True)
class Block:
    kind: Kind
    text: str = ""
    items: tuple[str, ...] = ()  # for "ul"
    picture: str | None = None  # for "point": a pictogram's name


# --- words ---------------------------------------------------------------------------------


def _local(moment: dt.datetime) -> dt.datetime:
    return moment.astimezone(local_zone())


def day(value: dt.date | dt.datetime, lang: str) -> str:
    """'Thursday 10 December 2026' / 'Dydd Iau 10 Rhagfyr 2026'."""
    date = _local(value).date() if isinstance(value, dt.datetime) else value
    return format_date(date, "EEEE d MMMM y", locale=_LOCALES[lang])


def clock(value: dt.datetime, lang: str) -> str:
    moment = _local(value)
    hour, minute = moment.hour, moment.minute
    if (hour, minute) == (12, 0):
        return "hanner dydd" if lang == "cy" else "midday"
    if (hour, minute) == (0, 0):
        return "hanner nos" if lang == "cy" else "midnight"
    twelve = hour % 12 or 12
    shown = f"{twelve}" if minute == 0 else f"{twelve}:{minute:02d}"
    if lang == "cy":
        return f"{shown} {'y bore' if hour < 12 else 'y prynhawn' if hour < 18 else 'yr hwyr'}"
    return f"{shown}{'am' if hour < 12 else 'pm'}"


def when(value: dt.datetime, lang: str) -> str:
    return f"{day(value, lang)} {'am' if lang == 'cy' else 'at'} {clock(value, lang)}"


def _recommend(recommend: str, lang: str) -> str:
    words_ = {
        "go": Words("go on to the Board", "mynd ymlaen i'r Bwrdd"),
        "recycle": Words("more work first", "rhagor o waith yn gyntaf"),
    }
    return words_.get(recommend, Words.same(recommend)).get(lang)


def title(pack: BoardPack, lang: str) -> str:
    if pack.member.easy_read:
        return Words(
            f"Papers for the Board meeting on {day(pack.meeting, 'en')}",
            f"Papurau ar gyfer cyfarfod y Bwrdd ({day(pack.meeting, 'cy')})",
        ).get(lang)
    return Words(
        f"Board papers: meeting on {day(pack.meeting, 'en')}",
        f"Papurau'r Bwrdd: y cyfarfod ({day(pack.meeting, 'cy')})",
    ).get(lang)


def languages(pack: BoardPack) -> tuple[str, ...]:
    return pack.member.languages


def pack_title(pack: BoardPack) -> str:
    return " / ".join(title(pack, lang) for lang in languages(pack))


# --- the standard papers -------------------------------------------------------------------


def pack_blocks(pack: BoardPack, lang: str) -> list[Block]:
    """The papers in one language, in the member's format."""
    if pack.member.easy_read:
        return _easy_read(pack, lang)
    return _standard(pack, lang)


def _standard(pack: BoardPack, lang: str) -> list[Block]:
    cy = lang == "cy"
    name = pack.member.name
    blocks = [
        Block("h1", title(pack, lang)),
        Block(
            "p",
            f"Ar gyfer {name}. Dyma'r mentrau sy'n aros am benderfyniad y Bwrdd."
            if cy
            else f"For {name}. These are the ventures awaiting the Board's decision.",
        ),
        Block("h2", "Agenda"),  # the same word in Welsh
    ]
    if not pack.agenda:
        blocks.append(
            Block(
                "p",
                "Does dim menter yn aros am benderfyniad y Bwrdd."
                if cy
                else "No venture is awaiting the Board's decision.",
            )
        )
    else:
        blocks.append(
            Block(
                "ul",
                items=tuple(
                    (
                        f"{n}. {a.title} ({a.gate.get(lang)}): pleidleisiwch erbyn "
                        f"{when(a.vote_by, lang)}"
                        if cy
                        else f"{n}. {a.title} ({a.gate.get(lang)}): vote by {when(a.vote_by, lang)}"
                    )
                    for n, a in enumerate(pack.agenda, start=1)
                ),
            )
        )
    blocks.append(
        Block(
            "p",
            "Mae datgan buddiant yn eitem sefydlog. Os oes gennych chi fuddiant mewn menter, "
            "dywedwch wrth y cadeirydd: byddwch chi'n gadael y penderfyniad hwnnw."
            if cy
            else "Declarations of interest are a standing item. If you have an interest in a "
            "venture, tell the chair: you leave that decision.",
        )
    )
    for n, item in enumerate(pack.agenda, start=1):
        blocks += _standard_item(pack, item, n, lang)
    blocks.append(
        Block(
            "p",
            "Os oes angen mwy o amser arnoch chi, dywedwch “Mae angen mwy o amser arna i”, "
            "a bydd y bleidlais yn cael ei hestyn. Caiff cefnogwr eich helpu chi, ond dim ond "
            "chi all bleidleisio."
            if cy
            else "If you need more time, say “I need more time”, and the vote is extended. "
            "A supporter may help you, but only you can vote.",
        )
    )
    return blocks


def _standard_item(pack: BoardPack, item: AgendaItem, n: int, lang: str) -> list[Block]:
    cy = lang == "cy"
    blocks = [
        Block("h2", f"{n}. {item.title}"),
        Block(
            "p",
            f"Menter {item.venture_id}, ffrwd waith {item.workstream}, yn cael ei harwain gan "
            f"{item.lead}. Porth: {item.gate.get(lang)}. Pleidlais rhif {item.ballot}: "
            f"pleidleisiwch erbyn {when(item.vote_by, lang)}."
            if cy
            else f"Venture {item.venture_id}, workstream {item.workstream}, led by {item.lead}. "
            f"Gate: {item.gate.get(lang)}. Vote number {item.ballot}: please vote by "
            f"{when(item.vote_by, lang)}.",
        ),
    ]
    if pack.leaves_item(item):
        blocks.append(
            Block(
                "p",
                "Rydych chi wedi datgan buddiant yn y fenter yma (neu chi sy'n ei harwain): "
                "byddwch chi'n gadael y penderfyniad. Mae'r papurau yma er gwybodaeth."
                if cy
                else "You have declared an interest in this venture (or you lead it): you leave "
                "this decision. These papers are for your information.",
            )
        )
    blocks.append(Block("h3", "Y rhestr wirio" if cy else "The checklist"))
    for summary in item.checklists:
        blocks += _standard_checklist(summary, lang)
    blocks.append(Block("h3", "Argymhellion yr adolygwyr" if cy else "The reviewers' advice"))
    if item.reviews:
        blocks.append(
            Block(
                "ul",
                items=tuple(
                    (
                        f"{r.reviewer} ({day(r.at, lang)}): {_recommend(r.recommend, lang)}."
                        + (f" Nodyn: {r.note}" if cy else f" Note: {r.note}") * bool(r.note)
                        + (
                            (
                                " (Newidiodd ateb ar ôl yr adolygiad yma.)"
                                if cy
                                else " (An answer changed after this review.)"
                            )
                            if r.stale
                            else ""
                        )
                    )
                    for r in item.reviews
                ),
            )
        )
    else:
        blocks.append(Block("p", "Dim adolygiad eto." if cy else "No review yet."))
    blocks.append(Block("h3", "Buddiannau a ddatganwyd" if cy else "Interests declared"))
    if item.interests:
        blocks.append(Block("ul", items=tuple(f"{i.member}: {i.text}" for i in item.interests)))
    else:
        blocks.append(
            Block(
                "p",
                "Does neb wedi datgan buddiant eto."
                if cy
                else "Nobody has declared an interest yet.",
            )
        )
    return blocks


def _standard_checklist(summary: ChecklistSummary, lang: str) -> list[Block]:
    cy = lang == "cy"
    missing = len(summary.missing_required)
    if cy:
        counts = (
            f"{summary.title.get(lang)} (fersiwn {summary.version}): mae "
            f"{summary.shown} o'r {summary.items} eitem yn berthnasol, ac mae "
            f"{summary.answered} wedi'u hateb. "
            + (
                "Mae pob eitem hanfodol wedi'i hateb."
                if not missing
                else f"Eitemau hanfodol heb ateb: {missing}."
            )
        )
    else:
        counts = (
            f"{summary.title.get(lang)} (version {summary.version}): {summary.shown} of "
            f"{summary.items} items apply, and {summary.answered} are answered. "
            + (
                "Every must-meet item is answered."
                if not missing
                else f"{words.count('en', missing, 'question')} that must be met "
                f"{'has' if missing == 1 else 'have'} no answer."
            )
        )
    blocks = [Block("p", counts)]
    if summary.missing_required:
        blocks.append(
            Block("ul", items=tuple(q.question.get(lang) for q in summary.missing_required))
        )
    if summary.missing_advisory:
        blocks.append(
            Block(
                "p",
                "Eitemau i'w hystyried sydd heb ateb:"
                if cy
                else "Items to consider that have no answer:",
            )
        )
        blocks.append(
            Block("ul", items=tuple(q.question.get(lang) for q in summary.missing_advisory))
        )
    if summary.key_answers:
        blocks.append(Block("p", "Yr atebion allweddol:" if cy else "The key answers:"))
        blocks.append(
            Block(
                "ul",
                items=tuple(
                    f"{k.question.question.get(lang)} — {k.answer.get(lang)}"
                    for k in summary.key_answers
                ),
            )
        )
    return blocks


# --- Easy Read -----------------------------------------------------------------------------


def _easy_read(pack: BoardPack, lang: str) -> list[Block]:
    cy = lang == "cy"
    blocks = [
        Block("h1", title(pack, lang)),
        Block(
            "point",
            f"Dyddiad cyfarfod y Bwrdd yw {day(pack.meeting, lang)}."
            if cy
            else f"The Board meets on {day(pack.meeting, lang)}.",
            picture="calendar",
        ),
    ]
    if not pack.agenda:
        blocks.append(
            Block(
                "point",
                "Does dim gwaith i bleidleisio arno y tro yma."
                if cy
                else "There is no work to vote on this time.",
                picture="information",
            )
        )
    else:
        blocks.append(
            Block(
                "point",
                "Bydd y Bwrdd yn siarad am y gwaith yma:"
                if cy
                else "The Board will talk about this work:",
                picture="checklist",
            )
        )
        blocks.append(Block("ul", items=tuple(a.title for a in pack.agenda)))
    for item in pack.agenda:
        blocks += _easy_read_item(pack, item, lang)
    blocks += [
        Block(
            "point",
            "Cewch chi ofyn am fwy o amser os oes angen."
            if cy
            else "You can ask for more time if you need it.",
            picture="clock",
        ),
        Block(
            "point",
            "Gall eich cefnogwr eich helpu chi. Ond dim ond chi all bleidleisio."
            if cy
            else "Your supporter can help you. But only you can vote.",
            picture="people",
        ),
    ]
    return blocks


def _easy_read_item(pack: BoardPack, item: AgendaItem, lang: str) -> list[Block]:
    cy = lang == "cy"
    answered = sum(c.answered for c in item.checklists)
    missing = sum(len(c.missing_required) for c in item.checklists)
    blocks = [
        Block("h2", item.title),
        Block(
            "point",
            f"{item.lead} sy'n arwain y gwaith yma." if cy else f"{item.lead} leads this work.",
            picture="person",
        ),
        Block(
            "point",
            f"Mae ateb i {words.count('cy', answered, 'question')} ar y rhestr."
            if cy
            else f"{words.count('en', answered, 'question')} on the list "
            f"{'has' if answered == 1 else 'have'} an answer.",
            picture="tick",
        ),
    ]
    if missing:
        blocks.append(
            Block(
                "point",
                f"Does dim ateb eto i {words.count('cy', missing, 'question')} pwysig."
                if cy
                else f"{words.count('en', missing, 'question')} that matter "
                f"{'has' if missing == 1 else 'have'} no answer yet.",
                picture="warning",
            )
        )
    for summary in item.checklists:
        for key in summary.key_answers:
            blocks.append(Block("point", key.question.easy_read.get(lang), picture="question"))
            blocks.append(Block("p", key.answer.get(lang)))
    for review in item.reviews:
        said = (
            Words("They said it can go ahead.", "Dywedon nhw ei fod yn gallu mynd ymlaen.")
            if review.recommend == "go"
            else Words(
                "They said it needs more work first.",
                "Dywedon nhw fod angen mwy o waith arno yn gyntaf.",
            )
        )
        blocks.append(
            Block(
                "point",
                f"Edrychodd {review.reviewer} ar y gwaith. {said.cy}"
                if cy
                else f"{review.reviewer} checked the work. {said.en}",
                picture="magnifier",
            )
        )
    for interest in item.interests:
        blocks.append(
            Block(
                "point",
                f"Mae gan {interest.member} gysylltiad â'r gwaith yma. "
                "Fyddan nhw ddim yn pleidleisio arno."
                if cy
                else f"{interest.member} has a link to this work. They will not vote on it.",
                picture="warning",
            )
        )
    if pack.leaves_item(item):
        blocks.append(
            Block(
                "point",
                "Mae gennych chi gysylltiad â'r gwaith yma. Fyddwch chi ddim yn pleidleisio arno."
                if cy
                else "You have a link to this work. You will not vote on it.",
                picture="pause",
            )
        )
    else:
        blocks.append(
            Block(
                "point",
                f"Pleidleisiwch erbyn {day(item.vote_by, lang)} os gwelwch yn dda."
                if cy
                else f"Please vote by {day(item.vote_by, lang)}.",
                picture="vote",
            )
        )
    return blocks


# --- HTML ----------------------------------------------------------------------------------

_STYLE = """
body { margin: 0 auto; padding: 1em; max-width: 45em; color: #1a1a1a; background: #ffffff;
  font-family: Arial, Helvetica, sans-serif; font-size: 14pt; line-height: 1.5; }
.easy-read { font-size: 16pt; line-height: 1.8; }
h1 { font-size: 1.6em; line-height: 1.3; } h2 { font-size: 1.3em; } h3 { font-size: 1.1em; }
ul.points { list-style: none; margin: 0; padding: 0; }
ul.points li { margin: 0 0 1em 0; min-height: 64px; display: flex; align-items: center; }
ul.points img { margin-right: 0.75em; flex: none; }
hr { margin: 2em 0; border: 0; border-top: 2px solid #1a1a1a; }
@media print { body { max-width: none; } h2 { break-before: auto; break-after: avoid; } }
"""


def _picture_html(name: str, lang: str) -> str:
    from notifications.render import _pictogram_data

    entry = pictogram_index()[name]
    alt = html.escape(entry["alt"][lang], quote=True)
    data = _pictogram_data(entry["file"])
    return f'<img src="data:image/svg+xml;base64,{data}" alt="{alt}" width="64" height="64">'


def _text(value: str) -> str:
    """Text content escaped (<, > and &; quotes need no escaping outside attributes)."""
    return html.escape(value, quote=False)


def blocks_html(blocks: Sequence[Block], lang: str) -> str:
    out: list[str] = []
    points: list[str] = []

    def flush() -> None:
        if points:
            out.append('<ul class="points">\n' + "\n".join(points) + "\n</ul>")
            points.clear()

    for block in blocks:
        if block.kind == "point":
            picture = _picture_html(block.picture, lang) if block.picture else ""
            points.append(f"<li>{picture}<span>{_text(block.text)}</span></li>")
            continue
        flush()
        if block.kind == "ul":
            items = "\n".join(f"<li>{_text(i)}</li>" for i in block.items)
            out.append(f"<ul>\n{items}\n</ul>")
        else:
            out.append(f"<{block.kind}>{_text(block.text)}</{block.kind}>")
    flush()
    return "\n".join(out)


def render_html(pack: BoardPack) -> str:
    """The papers as one accessible HTML document (both languages when never asked)."""
    langs = languages(pack)
    fmt = "easy-read" if pack.member.easy_read else "standard"
    parts = []
    if len(langs) > 1:
        parts.append(
            '<p>Mae\'r papurau yma yn Gymraeg ac yn Saesneg. <a href="#en" lang="en">These '
            "papers are in Welsh and English: read them in English.</a></p>"
        )
    for n, lang in enumerate(langs):
        if n:
            parts.append("<hr>")
        parts.append(
            f'<div lang="{lang}" id="{lang}" class="{fmt}">\n'
            f"{blocks_html(pack_blocks(pack, lang), lang)}\n</div>"
        )
    heading = _text(pack_title(pack))
    return (
        f'<!DOCTYPE html>\n<html lang="{langs[0]}">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{heading}</title>\n<style>{_STYLE}</style>\n</head>\n"
        f'<body class="{fmt}">\n<main>\n' + "\n".join(parts) + "\n</main>\n</body>\n</html>\n"
    )


# --- PDF -----------------------------------------------------------------------------------


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
