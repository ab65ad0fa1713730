"""The Easy Read papers carry the same decision content as the standard ones (a defect
found by a new user: 2 of 14 answers, no list of what is unanswered, no reviewers'
notes, "vote by…" without saying how), in English and Welsh, as emailed (the HTML
document the email and the filed pack carry; the PDF lays out the same blocks)."""

from __future__ import annotations

import datetime as dt
import html
import re
from pathlib import Path

import pytest

from checklists.loader import Library, load_library
from governance.board_pack import BoardPack, Member, pack_for
from models.db import make_engine
from models.migrate import upgrade
from notifications.board_pack import pack_blocks, render_html, render_pdf
from services.board_pack import load_agenda
from services.commands import declare_interest, vote
from tests.flows.scenario import MEETING, make_cyd, to_board

SITE = "https://cyd.example.org"


@pytest.fixture(scope="module")
def library() -> Library:
    return load_library()


@pytest.fixture(scope="module")
def packs(tmp_path_factory: pytest.TempPathFactory, library: Library) -> dict[str, BoardPack]:
    folder: Path = tmp_path_factory.mktemp("parity")
    engine = make_engine(f"sqlite:///{folder / 'cyd.db'}")
    upgrade(engine)
    cyd = make_cyd(engine, library)
    venture = to_board(cyd)
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
    made = {}
    for lang in ("en", "cy"):
        for easy in (False, True):
            member = Member("Aled Evans", "aled.evans@example.org", (lang,), easy)
            made[f"{lang}-{'easy' if easy else 'standard'}"] = pack_for(
                member, MEETING, agenda, site=SITE
            )
    return made


def words_of(document: str) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", document)).split())


@pytest.mark.parametrize("lang", ["en", "cy"])
def test_every_answer_and_the_decision_content_are_in_the_easy_read_papers(
    packs: dict[str, BoardPack], lang: str
) -> None:
    standard_pack, easy_pack = packs[f"{lang}-standard"], packs[f"{lang}-easy"]
    standard, easy = words_of(render_html(standard_pack)), words_of(render_html(easy_pack))
    item = standard_pack.agenda[0]
    answers = [a for c in item.checklists for a in c.answers]
    assert len(answers) == sum(c.answered for c in item.checklists) >= 14
    for given in answers:
        said = " ".join(given.answer.get(lang).split())
        assert said in standard
        assert said in easy
        assert " ".join(given.question.question.get(lang).split()) in standard
        # In Easy Read, the item's own Easy Read question.
        assert " ".join(given.question.easy_read.get(lang).split()) in easy
    unanswered = [q for c in item.checklists for q in (*c.missing_required, *c.missing_advisory)]
    assert unanswered
    for question in unanswered:
        assert " ".join(question.question.get(lang).split()) in standard
        assert " ".join(question.easy_read.get(lang).split()) in easy
    for review in item.reviews:
        assert review.reviewer in easy
    assert standard.count("Well co-produced.") == easy.count("Well co-produced.") == 2
    assert "Pay people from the first day." in standard
    assert "Pay people from the first day." in easy
    assert "Nia Morgan" in standard  # the co-producer with lived experience who answered
    assert "Nia Morgan" in easy
    assert "David Hughes" in standard
    assert "David Hughes" in easy


@pytest.mark.parametrize(
    ("lang", "how", "clerk"),
    [
        ("en", "Please vote by", "tell the clerk"),
        ("cy", "Pleidleisiwch erbyn", "dywedwch wrth y clerc"),
    ],
)
def test_the_easy_read_first_page_says_how_to_vote_and_by_when(
    packs: dict[str, BoardPack], lang: str, how: str, clerk: str
) -> None:
    pack = packs[f"{lang}-easy"]
    blocks = pack_blocks(pack, lang)
    item = pack.agenda[0]
    # The first page: everything before the first venture's own heading.
    first = next(n for n, b in enumerate(blocks) if b.kind == "h2" and b.text == item.title)
    opening = " ".join(b.text for b in blocks[:first])
    assert f"{SITE}/ventures/{item.venture_id}/vote" in opening
    assert how in opening
    assert "2026" in opening  # the day
    assert clerk in opening.lower()
    assert all(b.picture for b in blocks[:first] if b.kind == "point")


def test_the_pdf_is_made_of_the_same_papers(packs: dict[str, BoardPack]) -> None:
    pdf = render_pdf(packs["cy-easy"])
    assert pdf.startswith(b"%PDF")
    assert len(pdf) > len(render_pdf(pack_for(packs["cy-easy"].member, dt.date(2026, 12, 8), [])))
