"""The Board pack's PDF is an accessible document, not a picture of one (a defect found
by a new user: 11 Figure tags and no headings, paragraphs or lists). Read back with
pikepdf as a screen reader meets it: a structure tree whose headings, paragraphs, lists
and figures (with alternative text) say what the pack's HTML says, the document's
language, title and PDF/UA identification, and nothing shown outside the tree but
artifacts. For an English standard pack, a Welsh Easy Read pack and a pack in both
languages (each rendered once for the module: a pack takes about a second)."""

from __future__ import annotations

import base64
import datetime as dt
import html
import logging
from pathlib import Path

import pytest

from checklists.loader import Library, load_library
from governance.board_pack import BoardPack, Member, pack_for
from models.db import make_engine
from models.migrate import upgrade
from notifications.board_pack import Block, html_to_pdf, pack_blocks, pack_title, render_pdf
from notifications.render import pictogram_index
from services.board_pack import load_agenda
from services.commands import declare_interest, vote
from tests.flows.scenario import MEETING, make_cyd, to_board
from tests.pdf_tree import Element, Tagged, read_tagged

HEADINGS = {"h1": "H1", "h2": "H2", "h3": "H3"}


def words(text: str) -> str:
    return " ".join(text.split())


def squashed(text: str) -> str:
    """Text without white space: a line may break after "/" in an address, and the
    lines of an element are read back joined with a space."""
    return "".join(text.split())


@pytest.fixture(scope="module")
def library() -> Library:
    return load_library()


@pytest.fixture(scope="module")
def packs(tmp_path_factory: pytest.TempPathFactory, library: Library) -> dict[str, BoardPack]:
    folder: Path = tmp_path_factory.mktemp("pdf")
    engine = make_engine(f"sqlite:///{folder / 'cyd.db'}")
    upgrade(engine)
    cyd = make_cyd(engine, library)
    venture = to_board(cyd, "Caffi'r Gŵyl & <friends>")
    declare_interest(cyd, venture, member="david.hughes@example.org", interest="Runs a café")
    vote(
        cyd,
        venture,
        member="priya.shah@example.org",
        choice="approve-with-conditions",
        reason="Pay people from the first day.",
    )
    agenda = load_agenda(engine, library)
    engine.dispose()
    members = {
        "en-standard": Member("Aled Evans", "aled.evans@example.org", ("en",), False),
        "cy-easy": Member("Megan Lloyd", "megan.lloyd@example.org", ("cy",), True),
        "cy-en-standard": Member("Priya Shah", "priya.shah@example.org", ("cy", "en"), False),
    }
    return {name: pack_for(member, MEETING, agenda) for name, member in members.items()}


@pytest.fixture(scope="module")
def pdfs(packs: dict[str, BoardPack]) -> dict[str, Tagged]:
    return {name: read_tagged(render_pdf(pack)) for name, pack in packs.items()}


def blocks_of(pack: BoardPack) -> list[Block]:
    return [b for lang in pack.member.languages for b in pack_blocks(pack, lang)]


@pytest.mark.parametrize("name", ["en-standard", "cy-easy"])
def test_the_pdf_is_pdf_ua_with_the_packs_language_and_title(
    packs: dict[str, BoardPack], pdfs: dict[str, Tagged], name: str
) -> None:
    pack, pdf = packs[name], pdfs[name]
    assert pdf.lang == pack.member.languages[0]  # "cy" for the Welsh pack
    assert pdf.marked
    assert pdf.title == pdf.xmp_title == pack_title(pack)
    assert pdf.display_title  # a reader's window shows the title, not the file's name
    assert pdf.pdfua_part == "1"
    assert pdf.root.role == "Document"
    assert pdf.untagged_text == 0  # every word is in the tree (or an artifact)


@pytest.mark.parametrize("name", ["en-standard", "cy-easy"])
def test_the_headings_are_the_packs_headings_in_order(
    packs: dict[str, BoardPack], pdfs: dict[str, Tagged], name: str
) -> None:
    blocks = blocks_of(packs[name])
    expected = [(HEADINGS[b.kind], words(b.text)) for b in blocks if b.kind in HEADINGS]
    found = [(e.role, e.text) for e in pdfs[name].root.find("H", "H1", "H2", "H3", "H4", "H5")]
    assert len(expected) >= 3
    assert found == expected
    assert found[0][0] == "H1"


@pytest.mark.parametrize("name", ["en-standard", "cy-easy"])
def test_paragraphs_and_lists_are_tagged_as_such(
    packs: dict[str, BoardPack], pdfs: dict[str, Tagged], name: str
) -> None:
    blocks, pdf = blocks_of(packs[name]), pdfs[name]
    paragraphs = "".join(squashed(e.text) for e in pdf.root.find("P"))
    said = [squashed(b.text) for b in blocks if b.kind == "p"]
    # A standard pack has paragraphs; an Easy Read pack says everything as points (below).
    assert bool(said) != packs[name].member.easy_read
    for text in said:  # a paragraph split over two pages is two P elements, in order
        assert text in paragraphs
    lists = pdf.root.find("L")
    assert lists
    assert all(child.role == "LI" for lst in lists for child in lst.children)
    bodies = [squashed(body.text) for body in pdf.root.find("LBody")]
    items = [squashed(i) for b in blocks if b.kind == "ul" for i in b.items]
    items += [squashed(b.text) for b in blocks if b.kind == "point"]
    assert items
    for text in items:  # each item is a list item's body (not lost in a paragraph)
        assert any(text == body or body.startswith(text) for body in bodies), text


def test_the_standard_pack_has_no_pictures_to_describe(pdfs: dict[str, Tagged]) -> None:
    assert pdfs["en-standard"].root.find("Figure") == []


def test_each_easy_read_picture_is_a_figure_with_its_welsh_alt_text_beside_its_point(
    packs: dict[str, BoardPack], pdfs: dict[str, Tagged]
) -> None:
    pack, pdf = packs["cy-easy"], pdfs["cy-easy"]
    index = pictogram_index()
    points = [b for b in pack_blocks(pack, "cy") if b.kind == "point" and b.picture]
    figures = pdf.root.find("Figure")
    assert len(figures) == len(points) > 5
    assert [f.alt for f in figures] == [index[p.picture]["alt"]["cy"] for p in points]
    assert all(f.alt and f.alt.strip() for f in figures)

    def point_of(figure: Element) -> Element:
        return next(li for li in pdf.root.find("LI") if any(e is figure for e in li.walk()))

    # Each figure sits in its point's list item, with the point's words.
    for figure, point in zip(figures, points, strict=True):
        assert squashed(point.text) in squashed(point_of(figure).text)


def test_a_pack_in_both_languages_tags_each_part_with_its_own(
    packs: dict[str, BoardPack], pdfs: dict[str, Tagged]
) -> None:
    pdf = pdfs["cy-en-standard"]
    assert pdf.lang == "cy"  # Welsh first
    parts = [e for e in pdf.root.children if e.role == "Part"]
    langs = [p.lang for p in parts]
    assert set(langs) == {"cy", "en"}  # each page's part says its language
    assert langs == ["cy"] * langs.count("cy") + ["en"] * langs.count("en")  # Welsh first
    welsh = " ".join(p.text for p in parts if p.lang == "cy")
    english = " ".join(p.text for p in parts if p.lang == "en")
    blocks = blocks_of(packs["cy-en-standard"])
    title_cy, title_en = (words(b.text) for b in blocks if b.kind == "h1")
    assert title_cy in welsh
    assert title_en in english
    assert title_en not in welsh
    assert "Caffi'r Gŵyl & <friends>" in welsh  # the Welsh letters, and nothing escaped twice


# --- the print document ------------------------------------------------------------------------

TINY_SVG = (
    '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">'
    '<rect width="10" height="10" fill="#000"/></svg>'
)


def data_uri() -> str:
    return "data:image/svg+xml;base64," + base64.b64encode(TINY_SVG.encode()).decode()


def test_a_decorative_picture_is_an_artifact_not_a_figure_without_text(
    caplog: pytest.LogCaptureFixture,
) -> None:
    document = (
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Papers</title>'
        '<style>p { color: red; }</style></head><body class="easy-read"><main>'
        '<ul class="points">'
        f'<li><img src="{data_uri()}" alt="" width="64"><span>Only pretty.</span></li>'
        f'<li><img src="{data_uri()}" alt="A clock" width="64"><span>Vote soon.</span></li>'
        f'</ul><p><img src="{data_uri()}" alt="" width="20" height="20"> The end.</p>'
        "</main></body></html>"
    )
    with caplog.at_level(logging.WARNING, logger="weasyprint"):
        pdf = read_tagged(html_to_pdf(document))
    assert [f.alt for f in pdf.root.find("Figure")] == ["A clock"]
    assert pdf.artifact_images == 2  # still printed, beside their words
    assert "Only pretty." in pdf.text
    assert pdf.untagged_text == 0
    assert [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR] == []


def test_the_print_document_fetches_nothing_from_outside(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    picture = tmp_path / "secret.svg"
    picture.write_text(TINY_SVG, "utf-8")
    outside = html.escape(picture.as_uri(), quote=True)
    document = (
        '<!DOCTYPE html><html lang="en"><head><title>Papers</title></head><body><main>'
        f'<p><img src="{outside}" alt="From the disk"> and '
        f'<img src="{data_uri()}" alt="Our own"></p></main></body></html>'
    )
    with caplog.at_level(logging.WARNING, logger="weasyprint"):
        pdf = read_tagged(html_to_pdf(document))
    figures = {f.alt: f.text for f in pdf.root.find("Figure")}
    assert figures["Our own"] == ""  # drawn: a picture, no words
    assert figures["From the disk"] == "From the disk"  # not read: its alt text stands in
    assert any("fetch nothing from outside" in r.getMessage() for r in caplog.records)


def test_a_pack_with_nothing_on_the_agenda_still_makes_a_tagged_pdf(library: Library) -> None:
    member = Member("Aled Evans", "aled.evans@example.org", ("en",), False)
    pack = pack_for(member, dt.date(2026, 12, 8), [])
    pdf = read_tagged(render_pdf(pack))
    assert pdf.root.find("H1")
    assert pdf.lang == "en"


def test_the_workstream_is_named_in_each_language_as_the_programme_names_it(
    packs: dict[str, BoardPack],
) -> None:
    (item,) = packs["cy-en-standard"].agenda
    assert (item.workstream.en, item.workstream.cy) == ("Day opportunities", "Cyfleoedd dydd")
    welsh = " ".join(b.text for b in pack_blocks(packs["cy-en-standard"], "cy"))
    english = " ".join(b.text for b in pack_blocks(packs["cy-en-standard"], "en"))
    assert "ffrwd waith Cyfleoedd dydd," in welsh
    assert "Day opportunities" not in welsh
    assert "workstream Day opportunities," in english
