"""Board papers: each member's pack in their language and format, as accessible HTML
(lang attributes, everything escaped) and a printable PDF, filed under the data folder,
and one `board-papers` message per member per meeting, on SQLite and PostgreSQL. Then
the Prefect flow."""

from __future__ import annotations

import asyncio
import datetime as dt
import importlib.util
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from sqlalchemy import Engine
from sqlmodel import col, select

from checklists.loader import Library, load_library
from governance.board_pack import (
    BoardPack,
    InterestSummary,
    Member,
    ReviewSummary,
    Words,
    agenda_item,
    pack_for,
)
from models import audit
from models import tables as t
from models.db import read_session
from notifications.board_pack import render_html, render_pdf
from notifications.compose import addressee, render_for
from services.board_pack import FiledPack, load_agenda, prepare_packs, record_sent
from services.commands import declare_interest
from tests.flows.scenario import BOARD, CHAIR, LEAD, MEETING, make_cyd, programme_text, to_board
from tests.pdf_tree import read_tagged

SUPPORTER = "tom.price@example.org"  # supports the chair (examples/programme.yaml)

HOSTILE = 'Café <script>alert("x")</script> & “friends”'
WELSH = "Gŵyl y Gwanwyn: ŷd, â, ê, î, ô, û, ŵ"


@pytest.fixture(scope="module")
def library() -> Library:
    return load_library()


def sample_pack(member: Member, library: Library) -> BoardPack:
    checklist = library.checklist("coproduction-start")
    first = checklist.sections[0].items[0]
    item = agenda_item(
        venture_id="v-0001",
        title=HOSTILE,
        workstream=Words("Day opportunities", "Cyfleoedd dydd"),
        lead="Gareth Jones",
        lead_email="gareth.jones@example.org",
        gate=Words("Design gate", "Porth dylunio"),
        gate_easy_read=Words("Planning the work", "Cynllunio'r gwaith"),
        ballot=1,
        vote_by=dt.datetime(2026, 12, 10, 17, tzinfo=dt.UTC),
        checklists=[checklist],
        answers={checklist.id: {first.id: f"{WELSH} <b>bold</b> is written here by people."}},
        reviews=[
            ReviewSummary(
                "Elin Davies", "go", "<i>Da iawn</i>", dt.datetime(2026, 12, 1, tzinfo=dt.UTC)
            )
        ],
        interests=[InterestSummary("Siân Roberts", "sian.roberts@example.org", "My <brother>.")],
    )
    return pack_for(member, MEETING, [item])


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))


def tags(html: str) -> list[tuple[str, dict[str, str | None]]]:
    parser = _Tags()
    parser.feed(html)
    return parser.tags


# --- rendering ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("languages", "easy_read", "html_lang", "parts"),
    [
        (("en",), False, "en", ["en"]),
        (("cy",), False, "cy", ["cy"]),
        (("cy",), True, "cy", ["cy"]),
        (("cy", "en"), False, "cy", ["cy", "en"]),  # never asked: Welsh first, then English
        (("cy", "en"), True, "cy", ["cy", "en"]),
    ],
)
def test_the_html_has_lang_attributes_and_escapes_everything(
    library: Library,
    languages: tuple[str, ...],
    easy_read: bool,
    html_lang: str,
    parts: list[str],
) -> None:
    member = Member("Ann <Admin>", "ann@example.org", languages, easy_read)
    html = render_html(sample_pack(member, library))
    found = tags(html)
    assert found[0] == ("html", {"lang": html_lang})
    assert [a["lang"] for tag, a in found if tag == "div" and "lang" in a] == parts
    assert not any(tag in ("script", "b", "i", "brother") for tag, _ in found)
    assert "&lt;script&gt;" in html
    assert "&lt;b&gt;bold&lt;/b&gt;" in html
    assert WELSH in html  # Welsh letters as they are
    assert "<h1>" in html
    assert html.count("<h1>") == len(parts)
    images = [a for tag, a in found if tag == "img"]
    if easy_read:
        assert images
        assert all(a.get("alt") for a in images)
        assert 'class="easy-read"' in html
    else:
        assert not images
        assert "Ann &lt;Admin&gt;" in html  # "For Ann <Admin>."
        assert "Elin Davies" in html
        assert "&lt;i&gt;Da iawn&lt;/i&gt;" in html
        assert ("go on to the Board" in html) == ("en" in parts)
        assert ("mynd ymlaen i'r Bwrdd" in html) == ("cy" in parts)


def test_a_member_with_an_interest_is_told_they_leave_the_decision(library: Library) -> None:
    sian = Member("Siân Roberts", "sian.roberts@example.org", ("en",), False)
    html = render_html(sample_pack(sian, library))
    assert "you leave this decision" in html
    other = render_html(sample_pack(Member("David", "david@example.org", ("en",), False), library))
    assert "you leave this decision" not in other


@pytest.mark.parametrize(
    ("languages", "easy_read"), [(("en",), False), (("cy",), True), (("cy", "en"), True)]
)
def test_the_pdf_is_a_printable_document_with_the_welsh_letters(
    library: Library, languages: tuple[str, ...], easy_read: bool
) -> None:
    pack = sample_pack(Member("Megan Lloyd", "megan@example.org", languages, easy_read), library)
    pdf = render_pdf(pack)
    assert pdf.startswith(b"%PDF-1.")
    assert pdf.rstrip().endswith(b"%%EOF")
    tagged = read_tagged(pdf)
    assert tagged.pages >= len(languages)  # each language starts on a page of its own
    assert tagged.lang == languages[0]
    # The words as written: the Welsh letters (a font with ŵ and ŷ, embedded as a
    # subset), and the hostile title as text, never markup and never escaped twice.
    assert WELSH in tagged.text
    assert HOSTILE in tagged.text
    assert tagged.fonts
    assert all(re.fullmatch(r"/[A-Z]{6}\+.+", font) for font in tagged.fonts)


def geist() -> Path:
    """A TrueType font every install has: the one inside the `prefect` package."""
    spec = importlib.util.find_spec("prefect")  # found without importing prefect
    assert spec is not None
    for location in spec.submodule_search_locations or []:
        font = Path(location) / "server" / "ui-v2" / "fonts" / "Geist-VariableFont_wght.ttf"
        if font.is_file():
            return font
    pytest.fail("prefect ships no Geist font any more: pick another font for this test")


def test_cyd_pdf_font_is_the_papers_font(library: Library, monkeypatch: pytest.MonkeyPatch) -> None:
    pack = sample_pack(Member("Megan Lloyd", "megan@example.org", ("cy",), False), library)
    # The embedded fonts are named after the stylesheet's family: "Cyd papers" is the
    # name the printout gives CYD_PDF_FONT; without it, a system font.
    assert not any("Cyd-papers" in font for font in read_tagged(render_pdf(pack)).fonts)
    monkeypatch.setenv("CYD_PDF_FONT", str(geist()))
    tagged = read_tagged(render_pdf(pack))
    assert tagged.fonts
    assert all("Cyd-papers" in font for font in tagged.fonts)  # every word in it
    assert WELSH in tagged.text


@pytest.mark.parametrize(
    ("zone", "vote_by", "not_shown"),
    [
        # 17:00 UTC on Thursday 10 December 2026 is 6am on the Friday in New Zealand...
        ("Pacific/Auckland", "6am on Friday 11 December 2026", "5pm"),
        # ... and midday in New York; never London's 5pm.
        ("America/New_York", "midday on Thursday 10 December 2026", "5pm"),
        ("Europe/London", "5pm on Thursday 10 December 2026", "midday"),
    ],
)
def test_the_pack_shows_times_in_the_programmes_time_zone(
    library: Library, monkeypatch: pytest.MonkeyPatch, zone: str, vote_by: str, not_shown: str
) -> None:
    monkeypatch.setenv("CYD_TIMEZONE", zone)
    pack = sample_pack(Member("David", "david@example.org", ("en",), False), library)
    html = render_html(pack)
    assert f"vote by {vote_by}" in html
    pdf = read_tagged(render_pdf(pack)).text
    assert f"vote by {vote_by}" in pdf
    assert f"at {not_shown}" not in html + pdf
    assert f"by {not_shown} on" not in html + pdf


def test_the_welsh_pack_shows_times_in_the_programmes_time_zone(
    library: Library, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CYD_TIMEZONE", "Pacific/Auckland")
    pack = sample_pack(Member("Siân", "sian@example.org", ("cy",), False), library)
    assert "erbyn 6 y.b. ddydd Gwener 11 Rhagfyr 2026" in render_html(pack)


# --- filing and sending ----------------------------------------------------------------------


def test_each_member_gets_their_papers_once_per_meeting(
    engine: Engine, library: Library, tmp_path: Path
) -> None:
    text = programme_text(unasked="priya.shah@example.org")
    cyd = make_cyd(engine, library, text)
    cafe = to_board(cyd, "Community café")
    garden = to_board(cyd, "Garden <project>")
    declare_interest(cyd, garden, member="sian.roberts@example.org", interest="My brother.")
    data = tmp_path / "data"
    # Papers go 7 working days before Tue 8 December: on Fri 27 November.
    too_early = dt.datetime(2026, 11, 26, 9, tzinfo=dt.UTC)  # eight working days before
    assert prepare_packs(engine, library, now=too_early, data=data).meeting is None

    now = dt.datetime(2026, 11, 27, 9, tzinfo=dt.UTC)
    with read_session(engine) as session:
        head_before = audit.head(session)  # the head the papers are made at
    report = prepare_packs(engine, library, now=now, data=data)
    assert report.meeting == MEETING.isoformat()
    assert report.agenda == [cafe, garden]
    assert report.members == len(BOARD)
    assert report.messages == len(BOARD) + 1  # one channel each, and the chair's supporter
    folder = data / "board-packs" / MEETING.isoformat()
    assert sorted(p.name for p in folder.iterdir()) == sorted(
        f"{email}.{ext}" for email in BOARD for ext in ("html", "pdf")
    )
    for email in BOARD:
        assert (folder / f"{email}.pdf").read_bytes().startswith(b"%PDF-1.")
    megan = (folder / f"{CHAIR}.html").read_text("utf-8")  # Welsh, Easy Read
    assert tags(megan)[0] == ("html", {"lang": "cy"})
    assert 'class="easy-read"' in megan
    david = (folder / "david.hughes@example.org.html").read_text("utf-8")  # English, standard
    assert tags(david)[0] == ("html", {"lang": "en"})
    assert "Garden &lt;project&gt;" in david
    priya = (folder / "priya.shah@example.org.html").read_text("utf-8")  # never asked: both
    assert [a["lang"] for tag, a in tags(priya) if tag == "div"] == ["cy", "en"]
    sian = (folder / "sian.roberts@example.org.html").read_text("utf-8")
    assert "byddwch chi'n gadael y penderfyniad" in sian  # her interest in the garden
    gareth = (folder / f"{LEAD}.html").read_text("utf-8")
    assert gareth.count("you leave this decision") == 2  # he leads both
    # Every member's papers (each language and format) print the audit head they were
    # made at, for the minutes; the log's check still finds it.
    for email in BOARD:
        assert head_before in (folder / f"{email}.html").read_text("utf-8")
    assert f"its head was {head_before}" in david
    assert f"Cod gwirio'r papurau yma yw {head_before}" in megan

    with read_session(engine) as session:
        rows = session.exec(
            select(t.OutboxMessage, t.Person)
            .join(t.Person, col(t.Person.id) == col(t.OutboxMessage.person_id))
            .where(t.OutboxMessage.event == "board-papers")
        ).all()
        assert sorted(p.email for _, p in rows) == sorted([*BOARD, SUPPORTER])
        for message, person in rows:
            # The member's own pack; the supporter's copy is the chair's pack.
            owner = CHAIR if person.email == SUPPORTER else person.email
            assert message.payload["meeting"] == MEETING.isoformat()
            pdf = f"board-packs/{MEETING.isoformat()}/{owner}.pdf"
            html = f"board-packs/{MEETING.isoformat()}/{owner}.html"
            assert message.payload["pack"] == {"pdf": pdf, "html": html}
            assert message.attachments == [pdf, html]  # sent with the message
            assert all((data / path).is_file() for path in message.attachments)
            assert (message.language, message.format) == (person.language, person.format)
            rendered = render_for(addressee(person), message.event, message.payload)
            assert "Garden <project>" in rendered.text
            assert "&lt;project&gt;" in rendered.html
        [(copy, tom)] = [(m, p) for m, p in rows if p.email == SUPPORTER]
        assert copy.payload["supporting"] == {"name": "Megan Lloyd", "email": CHAIR}
        assert (tom.language, tom.format) == ("cy", "standard")  # his own message: Welsh
        told = render_for(addressee(tom), copy.event, copy.payload | {"attached": True})
        assert "Megan Lloyd" in told.subject
        assert "ynghlwm" in told.text  # "attached", in Welsh
        members = [m for m, p in rows if p.email != SUPPORTER]
        assert all("supporting" not in m.payload for m in members)
        # Each copy has a key of its own: the chair's and her supporter's never clash.
        assert len({m.idempotency_key for m, _ in rows}) == len(rows)
        assert audit.verify(session).ok
        logged = session.exec(
            select(t.AuditEntry).where(t.AuditEntry.action == "board-papers.sent")
        ).one()
        assert logged.payload["members"] == sorted(BOARD)
        assert logged.payload["supporters"] == {SUPPORTER: CHAIR}
        assert audit.verify(session, expected_head=head_before).ok
        # The messages name the entry that recorded their sending, and its hash.
        assert {m.payload["audit_head"] for m, _ in rows} == {logged.hash}

    # Later the same week: the papers went already; nothing is made or sent again.
    again = prepare_packs(engine, library, now=now + dt.timedelta(days=2), data=data)
    assert (again.members, again.messages) == (0, 0)  # the supporter's copy neither
    assert sorted(again.already_sent) == sorted(BOARD)
    explicit = prepare_packs(engine, library, MEETING, now=now, data=data)
    assert explicit.messages == 0
    # Queued again by hand (as a replay does): the member's and the supporter's keys hold.
    base = f"board-packs/{MEETING.isoformat()}/{CHAIR}"
    chair_pack = FiledPack(CHAIR, f"{base}.html", f"{base}.pdf", 0)
    agenda = load_agenda(engine, library)
    assert record_sent(engine, MEETING, agenda, [chair_pack], now) == 0


def test_the_papers_are_due_on_the_programmes_local_day(
    engine: Engine, library: Library, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    make_cyd(engine, library)
    # Still Thu 26 November in London (eight working days before the meeting: too
    # early), already Fri 27 November in New Zealand (seven: the papers are due).
    midday = dt.datetime(2026, 11, 26, 12, tzinfo=dt.UTC)
    monkeypatch.setenv("CYD_TIMEZONE", "Europe/London")
    assert prepare_packs(engine, library, now=midday, data=tmp_path).meeting is None
    monkeypatch.setenv("CYD_TIMEZONE", "Pacific/Auckland")
    assert prepare_packs(engine, library, now=midday, data=tmp_path).meeting == MEETING.isoformat()


def test_no_papers_when_nothing_awaits_the_board(
    engine: Engine, library: Library, tmp_path: Path
) -> None:
    make_cyd(engine, library)
    now = dt.datetime(2026, 11, 27, 9, tzinfo=dt.UTC)
    report = prepare_packs(engine, library, now=now, data=tmp_path)
    assert report.meeting == MEETING.isoformat()
    assert (report.members, report.messages, report.reason) == (0, 0, "nothing awaits the Board")
    assert not (tmp_path / "board-packs").exists()


# --- the Prefect flow ---------------------------------------------------------------------------


@pytest.mark.slow
@pytest.mark.usefixtures("prefect_harness")
def test_the_prepare_board_pack_flow_sends_each_member_one_message(
    flows_use: Engine, library: Library, tmp_path: Path
) -> None:
    from flows.board_pack import prepare_board_pack

    cyd = make_cyd(flows_use, library)
    to_board(cyd)
    now = dt.datetime(2026, 12, 4, 9, tzinfo=dt.UTC)
    first = asyncio.run(prepare_board_pack(now=now))
    assert first["meeting"] == MEETING.isoformat()
    assert (first["members"], first["messages"]) == (len(BOARD), len(BOARD) + 1)  # supporter
    for path in first["files"]:
        assert (tmp_path / "data" / path).stat().st_size > 0
    with read_session(flows_use) as session:
        first_send = session.exec(
            select(t.AuditEntry).where(t.AuditEntry.action == "board-papers.sent")
        ).one()
    made_at = first_send.seq - 1  # the papers were made at the head just before it
    html = [p for p in first["files"] if p.endswith(".html")]
    with read_session(flows_use) as session:
        head = session.exec(select(t.AuditEntry).where(t.AuditEntry.seq == made_at)).one().hash
    assert all(head in (tmp_path / "data" / p).read_text("utf-8") for p in html)
    # The flow's papers say where to vote, as `prepare_packs`'s do.
    from services.sign_in import pages_url

    where = f"{pages_url()}/ventures/"
    assert all(where in (tmp_path / "data" / p).read_text("utf-8") for p in html)
    second = asyncio.run(prepare_board_pack(meeting=MEETING, now=now))
    assert (second["members"], second["messages"]) == (0, 0)
    assert sorted(second["already_sent"]) == sorted(BOARD)
    none_due = asyncio.run(prepare_board_pack(now=now + dt.timedelta(days=30)))
    assert none_due["meeting"] is None
