"""Board papers delivered with their files, on SQLite and PostgreSQL: each member's pack
(PDF and HTML) goes with their `board-papers` message, through a real SMTP server on
loopback and into the local mailbox, and a supporter gets a copy of the member's pack.
A pack missing when the relay sends fails that message with the reason (never sent
without it), a path out of the data folder is never sent, a channel that carries no
files is told where they are, and a daily digest carries the files of what it carries.
"""

from __future__ import annotations

import datetime as dt
from email.message import EmailMessage
from pathlib import Path

import pytest
import yaml
from sqlalchemy.engine import Engine
from sqlmodel import col, select

from checklists.loader import Library, load_library
from models.db import unit_of_work, utcnow
from models.tables import OutboxMessage, Person
from notifications import mailbox
from notifications.relay import send_due
from services.board_pack import prepare_packs
from services.programme_import import import_programme, parse_programme
from tests.flows.scenario import BOARD, CHAIR, LEAD, MEETING, make_cyd, programme_text, to_board
from tests.notifications.conftest import (
    PASSWORD,
    HttpReceiver,
    SmtpServer,
    a_day_ahead,
    local,
    messages,
    person_of,
)

SUPPORTER = "tom.price@example.org"  # supports the chair, who reads Welsh Easy Read
ALED = "aled.evans@example.org"
DAVID = "david.hughes@example.org"
PRIYA = "priya.shah@example.org"
SIAN = "sian.roberts@example.org"
ADMIN = "admin@example.org"
PAPERS_DAY = dt.datetime(2026, 12, 3, 9, tzinfo=dt.UTC)  # five days before the meeting


@pytest.fixture(scope="module")
def library() -> Library:
    return load_library()


@pytest.fixture
def data(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Cyd's data folder, where the packs are filed and the relay reads them."""
    folder = tmp_path / "data"
    monkeypatch.setenv("CYD_DATA_DIR", str(folder))
    return folder


def programme(channels: dict[str, list[str]] | None = None, digest: tuple[str, ...] = ()) -> str:
    """The Board-pack scenario's programme with some channels (and digests) changed."""
    text = yaml.safe_load(programme_text())
    for person in text["people"]:
        if channels and person["email"] in channels:
            person["channels"] = channels[person["email"]]
        if person["email"] in digest:
            person["digest"] = "daily"
    return str(yaml.safe_dump(text, sort_keys=False, allow_unicode=True))


def papers_out(engine: Engine, library: Library, data: Path, text: str) -> dict[str, int]:
    """A venture at the Board and the papers queued: {email: board-papers message id}."""
    cyd = make_cyd(engine, library, text)
    to_board(cyd)
    report = prepare_packs(engine, library, now=PAPERS_DAY, data=data)
    assert report.messages == len(BOARD) + 1  # and the chair's supporter
    rows = messages(engine, OutboxMessage.event == "board-papers")
    emails = {p.id: p.email for p in (person_of(engine, e) for e in [*BOARD, SUPPORTER])}
    return {emails[r.person_id]: r.id for r in rows if r.id is not None}


def pack(data: Path, email: str, ext: str) -> Path:
    return data / "board-packs" / MEETING.isoformat() / f"{email}.{ext}"


def files_of(message: EmailMessage) -> dict[str, tuple[str, bytes]]:
    """The attachments of an email: {file name: (content type, bytes)}. Not the
    pictures an Easy Read message shows inline (`Content-Disposition: inline`)."""
    found = {}
    for part in message.iter_attachments():
        if part.get_content_disposition() == "inline":
            continue
        payload = part.get_payload(decode=True)
        assert isinstance(payload, bytes)
        found[str(part.get_filename())] = (part.get_content_type(), payload)
    return found


def pack_files(data: Path, email: str) -> dict[str, tuple[str, bytes]]:
    return {
        f"{email}.pdf": ("application/pdf", pack(data, email, "pdf").read_bytes()),
        f"{email}.html": ("text/html", pack(data, email, "html").read_bytes()),
    }


def later(minutes: float = 0) -> dt.datetime:
    return utcnow() + dt.timedelta(minutes=minutes, seconds=1)


def row(engine: Engine, message_id: int) -> OutboxMessage:
    [found] = messages(engine, OutboxMessage.id == message_id)
    return found


def mailbox_papers(name: str) -> list[EmailMessage]:
    return [m for m in mailbox.messages(name) if files_of(m)]


# --- delivered with the files ------------------------------------------------------------------


def test_the_papers_arrive_by_email_and_in_the_mailbox_with_the_pdf_attached(
    engine: Engine, library: Library, data: Path, smtp: SmtpServer
) -> None:
    text = programme({CHAIR: [smtp.url(CHAIR)], SUPPORTER: [smtp.url(SUPPORTER)]})
    ids = papers_out(engine, library, data, text)
    report = send_due(engine, now=later())
    assert (report.failed, report.dead) == (0, 0)
    assert all(row(engine, i).status == "sent" for i in ids.values())

    def papers_to(address: str) -> EmailMessage:
        key = row(engine, ids[address]).idempotency_key
        [got] = [r for r in smtp.to(address) if r.key == key]  # once
        return got.message

    # The chair (Welsh, Easy Read): her own pack, PDF and page, byte for byte.
    megan = papers_to(CHAIR)
    assert files_of(megan) == pack_files(data, CHAIR)
    assert pack(data, CHAIR, "pdf").read_bytes().startswith(b"%PDF-1.")
    assert megan["Content-Language"] == "cy"  # still on the message, not on a part
    # Easy Read: her message's pictures are inline beside its HTML, not attachments.
    shown = [p for p in megan.walk() if p.get_content_disposition() == "inline"]
    assert shown
    assert all(p.get_content_type() == "image/png" for p in shown)
    body = megan.get_body(("plain",))
    assert body is not None
    assert "Mae eich papurau gyda'r neges yma." in str(body.get_content())  # type: ignore[attr-defined]
    # Her supporter: a message of his own (Welsh, standard), with her pack attached.
    tom = papers_to(SUPPORTER)
    assert files_of(tom) == pack_files(data, CHAIR)
    assert "Megan Lloyd" in str(tom["Subject"])
    assert tom["Content-Language"] == "cy"
    # The other members, in their local mailboxes: each their own pack as MIME parts.
    for email in (ALED, DAVID):
        [eml] = mailbox_papers(email.split("@")[0])
        assert files_of(eml) == pack_files(data, email)
        assert eml["X-Cyd-Idempotency-Key"] == row(engine, ids[email]).idempotency_key
    # Nothing more on the next run.
    assert send_due(engine, now=later(60)).sent == 0
    assert len(smtp.keys()) == len(set(smtp.keys()))


# --- a missing or refused file ---------------------------------------------------------------


def test_a_missing_pack_fails_its_message_with_the_reason_and_the_others_go(
    engine: Engine, library: Library, data: Path
) -> None:
    ids = papers_out(engine, library, data, programme())
    kept = pack(data, ALED, "pdf").read_bytes()
    pack(data, ALED, "pdf").unlink()
    pack(data, SIAN, "html").unlink()
    report = send_due(engine, now=later(), max_attempts=3)
    assert report.failed == 2
    assert report.dead == 0
    failed = row(engine, ids[ALED])
    assert (failed.status, failed.attempts) == ("pending", 1)
    assert failed.last_error is not None
    assert f"board-packs/{MEETING.isoformat()}/{ALED}.pdf" in failed.last_error
    assert "not sent" in failed.last_error
    assert {p.message_id for p in report.problems} == {ids[ALED], ids[SIAN]}
    assert mailbox_papers("aled.evans") == []  # never sent without its files
    assert mailbox_papers("sian.roberts") == []
    for email in (DAVID, PRIYA, CHAIR, SUPPORTER):  # the relay went on
        assert row(engine, ids[email]).status == "sent", email

    # The file is back (the pack made again): the next attempt sends it, with the file.
    pack(data, ALED, "pdf").write_bytes(kept)
    again = send_due(engine, now=later(5))
    assert row(engine, ids[ALED]).status == "sent"
    [eml] = mailbox_papers("aled.evans")
    assert files_of(eml) == pack_files(data, ALED)
    # Still missing after every attempt: given up on, and the admins are told.
    assert row(engine, ids[SIAN]).status == "pending"
    assert again.failed == 1
    last = send_due(engine, now=later(60), max_attempts=3)
    assert row(engine, ids[SIAN]).status == "dead"
    assert last.alerts == 1
    office = mailbox.messages("programme-office")
    [alert] = [m for m in office if "could not deliver" in str(m["Subject"])]
    assert f"{SIAN}.html" in str(alert.get_body(("plain",)).get_content())  # type: ignore[union-attr]


def test_a_file_out_of_the_data_folder_is_never_sent(
    engine: Engine, library: Library, data: Path, tmp_path: Path
) -> None:
    ids = papers_out(engine, library, data, programme())
    secret = tmp_path / "secret.txt"
    secret.write_text("SECRET-NOT-FOR-SENDING", "utf-8")
    # A row changed by hand to name a file outside the folder ...
    with unit_of_work(engine) as session:
        changed = session.get(OutboxMessage, ids[DAVID])
        assert changed is not None
        changed.attachments = ["../secret.txt"]
        session.add(changed)
    # ... and a pack replaced by a link that leads out of it.
    pack(data, PRIYA, "pdf").unlink()
    pack(data, PRIYA, "pdf").symlink_to(secret)
    report = send_due(engine, now=later())
    for email in (DAVID, PRIYA):
        refused = row(engine, ids[email])
        assert refused.status == "dead"  # at once: trying again cannot mend it
        assert refused.attempts == 1
        assert "attachment refused" in (refused.last_error or "")
        assert mailbox_papers(email.split("@")[0]) == []
    assert report.alerts == 2
    written = b"".join(p.read_bytes() for p in (tmp_path / "mailbox").rglob("*.eml"))
    assert b"SECRET-NOT-FOR-SENDING" not in written
    assert row(engine, ids[ALED]).status == "sent"


# --- channels without files, and the digest -----------------------------------------------------


def test_a_channel_that_carries_no_files_is_told_where_they_are(
    engine: Engine, library: Library, data: Path, http_receiver: HttpReceiver
) -> None:
    # Gotify (an HTTP push service, here the loopback receiver) takes no attachments.
    url = f"gotify://127.0.0.1:{http_receiver.port}/{PASSWORD}"
    ids = papers_out(engine, library, data, programme({LEAD: [url]}))
    send_due(engine, now=later())
    assert row(engine, ids[LEAD]).status == "sent"
    [request] = [r for r in http_receiver.requests if "papers" in str(r.body.get("title"))]
    said = str(request.body["message"])
    assert f"board-packs/{MEETING.isoformat()}/{LEAD}.pdf" in said  # where to find them
    assert "attached" not in said
    assert not any(key.startswith("attach") for key in request.body)
    # The same message by email says they are attached, and does not name the paths.
    [eml] = mailbox_papers("david.hughes")
    text = str(eml.get_body(("plain",)).get_content())  # type: ignore[union-attr]
    assert "attached to this message" in text
    assert "board-packs/" not in text


def test_a_daily_digest_carries_the_files_of_the_papers_it_carries(
    engine: Engine, library: Library, data: Path
) -> None:
    ids = papers_out(engine, library, data, programme(digest=(DAVID,)))
    at_nine = local(a_day_ahead(), 9, 30)
    report = send_due(engine, now=at_nine)
    assert report.digests >= 1
    assert row(engine, ids[DAVID]).status == "sent"
    [digest] = mailbox.messages("david.hughes")  # one message: the day's digest
    assert files_of(digest) == pack_files(data, DAVID)
    assert str(digest["Subject"]).startswith("Your Cyd messages")
    # Its cover says the files are with it, and so do the papers it carries.
    text = str(digest.get_body(("plain",)).get_content())  # type: ignore[union-attr]
    assert "such as Board papers, are attached to this message." in text
    assert "are attached to this message, as a\nprintable PDF" not in text  # (one line)
    assert "attached to this message, as a printable PDF" in text
    assert "board-packs/" not in text


def test_a_daily_digest_on_a_channel_without_files_says_where_they_are(
    engine: Engine, library: Library, data: Path, http_receiver: HttpReceiver
) -> None:
    url = f"gotify://127.0.0.1:{http_receiver.port}/{PASSWORD}"  # carries no files
    ids = papers_out(engine, library, data, programme({DAVID: [url]}, digest=(DAVID,)))
    report = send_due(engine, now=local(a_day_ahead(), 9, 30))
    assert report.digests >= 1
    assert row(engine, ids[DAVID]).status == "sent"
    [request] = [r for r in http_receiver.requests if "Cyd messages" in str(r.body.get("title"))]
    said = " ".join(str(request.body["message"]).split())
    assert "which this channel cannot carry" in said
    assert f"board-packs/{MEETING.isoformat()}/{DAVID}.pdf" in said  # where they are
    assert not any(key.startswith("attach") for key in request.body)


def test_papers_for_a_removed_channel_go_to_the_new_one_with_their_files(
    engine: Engine, library: Library, data: Path
) -> None:
    ids = papers_out(engine, library, data, programme())
    changed = programme({DAVID: ["mailbox://david.new"]})  # the admin changed his channel
    import_programme(engine, parse_programme(changed, "programme.yaml"), changed, ADMIN)
    report = send_due(engine, now=later())
    assert report.rerouted >= 1
    assert row(engine, ids[DAVID]).status == "dead"
    [copy] = mailbox_papers("david.new")
    assert files_of(copy) == pack_files(data, DAVID)


def test_a_supporter_of_a_member_no_longer_active_gets_nothing(
    engine: Engine, library: Library, data: Path
) -> None:
    # The papers go only to members; a supporter's copy follows the member's pack.
    cyd = make_cyd(engine, library, programme())
    to_board(cyd)
    with unit_of_work(engine) as session:
        megan = session.exec(select(Person).where(Person.email == CHAIR)).one()
        megan.active = False
        session.add(megan)
    report = prepare_packs(engine, library, now=PAPERS_DAY, data=data)
    assert report.messages == len(BOARD) - 1
    tom = person_of(engine, SUPPORTER)
    assert messages(engine, col(OutboxMessage.person_id) == tom.id) == []
