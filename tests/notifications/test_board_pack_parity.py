"""The Easy Read papers carry the same decision content as the standard ones (a defect
found by a new user: 2 of 14 answers, no list of what is unanswered, no reviewers'
notes, "vote by…" without saying how), in English and Welsh, as emailed (the HTML
document the email and the filed pack carry; the PDF lays out the same blocks)."""

from __future__ import annotations

import datetime as dt
import html
import re
from dataclasses import replace
from pathlib import Path

import pytest

from checklists.loader import Library, load_library
from governance import catalogue
from governance.board_pack import (
    AgendaItem,
    BoardPack,
    ChecklistSummary,
    ExceptionSummary,
    InterestSummary,
    Member,
    NotMetSummary,
    Question,
    Words,
    pack_for,
)
from governance.reasons import Reason, reason
from models.db import make_engine
from models.migrate import upgrade
from notifications.board_pack import Block, pack_blocks, render_html, render_pdf
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
        assert " ".join(given.answer.get(lang).split()) in standard
        # In Easy Read, in the item's Easy Read words where it has them.
        assert " ".join(given.easy(lang).split()) in easy
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


# --- what the Easy Read papers add: Easy Read answers, a picture beside each point --------------


def easy_blocks(pack: BoardPack, lang: str) -> list[Block]:
    return pack_blocks(pack, lang)


@pytest.mark.parametrize("lang", ["en", "cy"])
def test_a_choice_is_answered_by_its_easy_read_label_in_easy_read(
    packs: dict[str, BoardPack], library: Library, lang: str
) -> None:
    """The ladder's answer: the standard papers name the rung ("Co-production"), the Easy
    Read papers say what it means, beside the question's Easy Read words."""
    item = library.checklist("coproduction-start").item("ladder-rung")
    [given] = [
        a
        for c in packs[f"{lang}-easy"].agenda[0].checklists
        for a in c.answers
        if a.question.id == "ladder-rung"
    ]
    options = item.answer.options  # type: ignore[union-attr]
    option = next(o for o in options if getattr(o.label, lang) == given.answer.get(lang))
    assert option.easy_read is not None
    label, plain = getattr(option.label, lang), getattr(option.easy_read, lang)
    standard = words_of(render_html(packs[f"{lang}-standard"]))
    assert f"{getattr(item.question, lang)} — {label}" in standard
    blocks = easy_blocks(packs[f"{lang}-easy"], lang)
    asked = next(
        n
        for n, b in enumerate(blocks)
        if b.kind == "point" and b.text == " ".join(getattr(item.easy_read, lang).split())
    )
    answer = blocks[asked + 1]
    assert (answer.kind, answer.text, answer.picture) == ("point", plain, "speech")
    assert label not in answer.text


@pytest.mark.parametrize("name", ["en-easy", "cy-easy"])
def test_every_easy_read_point_has_a_picture_and_nothing_is_a_bare_list(
    packs: dict[str, BoardPack], name: str
) -> None:
    pack = packs[name]
    lang = name[:2]
    blocks = easy_blocks(pack, lang)
    assert {b.kind for b in blocks} == {"h1", "h2", "h3", "point"}
    assert all(b.picture for b in blocks if b.kind == "point")
    page = render_html(pack)
    # As laid out: every list item beside its picture, with alt text.
    items = re.findall(r"<li>(.*?)</li>", page, re.DOTALL)
    assert items
    assert all(re.match(r'<img [^>]*alt="[^"]+"', i) for i in items)


def hand_made_pack(lang: str) -> BoardPack:
    """A pack with an answer not met, an exception and an interest with its words."""

    def question(qid: str, text: str) -> Question:
        return Question(qid, Words.same(f"{text}?"), Words.same(f"Easy {text}?"))

    summary = ChecklistSummary(
        id="coproduction-start",
        version=1,
        title=Words("Co-production", "Cydgynhyrchu"),
        easy_read=Words("Working together", "Gweithio gyda'n gilydd"),
        items=3,
        shown=3,
        answered=2,
        missing_required=(question("pay", "Are people paid"),),
        missing_advisory=(),
        key_answers=(),
        not_met=(
            NotMetSummary(
                question("ladder-rung", "Which rung"),
                Words("Aim higher.", "Anelwch yn uwch."),
                Words("People should plan with you.", "Dylai pobl gynllunio gyda chi."),
            ),
        ),
        exceptions=(ExceptionSummary(question("photos", "Photo consent"), "No photos taken."),),
    )
    item = AgendaItem(
        venture_id="v-0001",
        title="Community café",
        workstream=Words("Day opportunities", "Cyfleoedd dydd"),
        lead="Gareth Jones",
        lead_email="gareth.jones@example.org",
        gate=Words("Design gate", "Porth dylunio"),
        gate_easy_read=Words("The first step", "Y cam cyntaf"),
        ballot=1,
        vote_by=dt.datetime(2026, 12, 10, 17, 0, tzinfo=dt.UTC),
        checklists=(summary,),
        interests=(InterestSummary("David Hughes", "david.hughes@example.org", "Runs a café"),),
        conditions=("Pay people from the first day.",),
    )
    member = Member("Aled Evans", "aled.evans@example.org", (lang,), True)
    return pack_for(member, dt.date(2026, 12, 8), [item], site=SITE)


@pytest.mark.parametrize(
    ("lang", "not_met", "exception", "interest"),
    [
        (
            "en",
            "These answers are there, but they are not good enough yet:",
            "These things are not done. Here is why, in their words:",
            "David Hughes said: “Runs a café”",
        ),
        (
            "cy",
            "Mae'r atebion yma'n bod, ond dydyn nhw ddim yn ddigon da eto:",
            "Dydy'r pethau yma ddim wedi'u gwneud. Dyma pam, yn eu geiriau nhw:",
            "Dywedodd David Hughes: “Runs a café”",
        ),
    ],
)
def test_what_is_not_met_the_exceptions_and_the_interests_words_are_in_easy_read(
    lang: str, not_met: str, exception: str, interest: str
) -> None:
    pack = hand_made_pack(lang)
    blocks = easy_blocks(pack, lang)
    said = [b.text for b in blocks]
    assert said[said.index(not_met) + 1] == "Easy Which rung? " + (
        "Dylai pobl gynllunio gyda chi." if lang == "cy" else "People should plan with you."
    )
    assert said[said.index(exception) + 1] == "Easy Photo consent? No photos taken."
    assert "Easy Are people paid?" in said
    assert interest in said
    assert "Pay people from the first day." in said
    standard = words_of(render_html(replace(pack, member=replace(pack.member, easy_read=False))))
    for shared in ("Which rung?", "Photo consent?", "No photos taken.", "Runs a café"):
        assert shared in standard


# --- why it is before the Board: the rules' reasons, in every language and format --------------


@pytest.mark.parametrize("name", ["en-standard", "en-easy", "cy-standard", "cy-easy"])
def test_the_papers_say_why_the_venture_is_before_the_board(
    packs: dict[str, BoardPack], name: str
) -> None:
    pack = packs[name]
    lang, easy_read = name[:2], name.endswith("easy")
    item = pack.agenda[0]
    assert {r.code for r in item.reasons} == {"reviews-complete"}  # as sent to the Board
    said = words_of(render_html(pack))
    for given in item.reasons:
        if lang == "en" and not easy_read:
            expected = given.text
        else:
            expected = catalogue.text(given.code, lang, given.params, easy_read)
        assert " ".join(expected.split()) in said


def test_a_vote_run_on_says_why_and_an_old_reason_is_quoted_or_left_out() -> None:
    more_time = reason("more-time", count=1, days=7, until="2026-12-17T17:00:00+00:00")
    old = Reason("closed-at-deadline", "The vote closed at its deadline.", {})
    unwritable = Reason("more-time", "1 member asked for more time.", {})  # no params kept
    for lang, easy_read in (("en", False), ("cy", False), ("en", True), ("cy", True)):
        pack = hand_made_pack(lang)
        item = replace(pack.agenda[0], reasons=(old, more_time, unwritable))
        shown = replace(pack, agenda=(item,), member=replace(pack.member, easy_read=easy_read))
        said = words_of(render_html(shown))
        assert catalogue.text("more-time", lang, more_time.params, easy_read) in said
        assert catalogue.text("closed-at-deadline", lang, {}, easy_read) in said
        # Recorded before reasons kept their params: quoted as recorded in the standard
        # papers, left out of Easy Read (as the messages do).
        assert (unwritable.text in said) == (not easy_read)
