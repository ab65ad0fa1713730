"""Pictures that show: an Easy Read message carries each of its pictograms once, as a PNG
inline beside its HTML (`multipart/related`, a Content-ID that the HTML's `cid:` names),
through a real SMTP server on loopback and into the local mailbox; a channel that
carries no files gets the message without them; and no message has a `data:` URI."""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from email.message import EmailMessage, Message
from pathlib import Path

from sqlalchemy.engine import Engine

from models.db import utcnow
from notifications import mailbox, pictures
from notifications.channels import Attachment, Outgoing, deliver
from notifications.compose import Addressee, compose_digest, render_for
from notifications.relay import send_due
from notifications.samples import sample_payload
from tests.notifications.conftest import (
    HttpReceiver,
    SmtpServer,
    load_programme,
    messages,
    queue,
)

NIA = "nia.morgan@example.org"  # Welsh, Easy Read
LEAD = "gareth.jones@example.org"  # English, standard
PDF = b"%PDF-1.4\n% a small made-up document\n%%EOF\n"


def easy_read(event: str = "vote-requested", language: str = "cy") -> Outgoing:
    """An Easy Read message as the relay hands it to a channel."""
    person = Addressee("Nia Morgan", NIA, language, True, "easy-read")
    rendered = render_for(person, f"venture.{event}", sample_payload(f"venture.{event}"))
    assert rendered.pictures, "an Easy Read message shows pictures"
    return Outgoing(
        subject=rendered.subject,
        text=rendered.text,
        html=rendered.html,
        languages=rendered.languages,
        key="c1" * 32,
        to=person.to,
        format=rendered.format,
        pictures=rendered.pictures,
    )


def cids_in(html: str) -> list[str]:
    return re.findall(r'<img [^>]*src="cid:([^"]+)"', html)


def inline_parts(message: Message) -> dict[str, Message]:
    """The message's inline image parts by Content-ID (without the angle brackets)."""
    found: dict[str, Message] = {}
    for part in message.walk():
        if part.get_content_maintype() == "image":
            cid = str(part["Content-ID"]).strip().removeprefix("<").removesuffix(">")
            assert cid not in found, f"{cid} carried twice"
            found[cid] = part
    return found


def related_of(message: Message) -> Message:
    [related] = [p for p in message.walk() if p.get_content_type() == "multipart/related"]
    return related


def assert_pictures_inline(message: EmailMessage, html: str, names: tuple[str, ...]) -> None:
    """Each picture the HTML names is an inline PNG part of the message, once, in the
    same multipart/related as the HTML, byte for byte the committed PNG."""
    used = cids_in(html)
    assert used, "the HTML shows pictures"
    assert set(used) == {pictures.content_id(n) for n in names}
    parts = inline_parts(message)
    assert set(parts) == set(used)  # every picture referenced, every reference carried
    related = related_of(message)
    html_parts = [p for p in related.walk() if p.get_content_type() == "text/html"]
    assert len(html_parts) == 1  # the HTML is in the same related part as its pictures
    for name in names:
        part = parts[pictures.content_id(name)]
        assert part.get_content_type() == "image/png"
        assert part.get_content_disposition() == "inline"
        assert part.get_payload(decode=True) == pictures.png(name)
        assert part in list(related.walk())
    raw = message.as_string()
    assert "data:" not in raw
    assert "data:" not in html


# --- rendering ---------------------------------------------------------------------------------


def test_a_rendered_message_names_each_picture_once_and_shows_it_by_cid() -> None:
    message = easy_read("vote-requested", "en")
    used = cids_in(message.html)
    assert len(used) > len(set(used))  # some picture is used twice or more ...
    assert message.pictures == tuple(
        dict.fromkeys(re.findall(r"pictogram-([a-z-]+)@", "".join(used)))
    )
    assert "data:" not in message.html  # ... and none is in the HTML itself


def test_a_digest_names_the_pictures_of_every_message_it_carries() -> None:
    person = Addressee("Nia Morgan", NIA, "cy", True, "easy-read")
    carried = [
        render_for(person, f"venture.{event}", sample_payload(f"venture.{event}"))
        for event in ("vote-requested", "decision")
    ]
    digest = compose_digest(person, dt.date(2026, 12, 10), carried)
    for item in carried:
        assert set(item.pictures) <= set(digest.pictures)
    assert len(digest.pictures) == len(set(digest.pictures))
    assert "decision" in digest.pictures  # only the decision message shows it
    assert "data:" not in digest.html


# --- email -------------------------------------------------------------------------------------


def test_email_carries_each_picture_once_inline_beside_the_html(smtp: SmtpServer) -> None:
    message = easy_read()
    result = deliver(smtp.url(NIA), message)
    assert result.ok, result.reason
    [got] = smtp.to(NIA)
    html = got.body("html")
    assert_pictures_inline(got.message, html, message.pictures)
    uses = Counter(cids_in(html))
    assert sum(uses.values()) > len(uses)  # a picture used twice is still carried once


def test_email_with_papers_carries_the_papers_as_attachments_and_the_pictures_inline(
    smtp: SmtpServer,
) -> None:
    papers = (Attachment("papurau.pdf", PDF, "application/pdf"),)
    message = easy_read("board-papers")
    message = Outgoing(**{**message.__dict__, "attachments": papers})
    assert deliver(smtp.url(NIA), message).ok
    [got] = smtp.to(NIA)
    assert_pictures_inline(got.message, got.body("html"), message.pictures)
    attached = [
        (p.get_filename(), p.get_payload(decode=True))
        for p in got.message.walk()
        if p.get_content_disposition() == "attachment"
    ]
    assert attached == [("papurau.pdf", PDF)]


def test_a_message_without_pictures_goes_as_before(smtp: SmtpServer) -> None:
    person = Addressee("Gareth Jones", LEAD, "en", True, "standard")
    rendered = render_for(person, "venture.reminder", sample_payload("venture.reminder"))
    assert rendered.pictures == ()
    outgoing = Outgoing(
        subject=rendered.subject,
        text=rendered.text,
        html=rendered.html,
        languages=rendered.languages,
        key="d2" * 32,
    )
    assert deliver(smtp.url(LEAD), outgoing).ok
    [got] = smtp.to(LEAD)
    assert got.message.get_content_type() == "multipart/alternative"
    assert inline_parts(got.message) == {}


def test_an_email_channel_that_sends_text_gets_no_pictures(smtp: SmtpServer) -> None:
    message = easy_read()
    assert deliver(f"{smtp.url(NIA)}&format=text", message).ok
    [got] = smtp.to(NIA)
    assert inline_parts(got.message) == {}
    assert not list(got.message.iter_attachments())
    raw = got.message.as_string()
    assert "cid:" not in raw
    assert "data:" not in raw


# --- the local mailbox -------------------------------------------------------------------------


def test_the_mailbox_writes_each_picture_once_inline_beside_the_html(mailbox_dir: Path) -> None:
    message = easy_read()
    papers = (Attachment("papurau.pdf", PDF, "application/pdf"),)
    message = Outgoing(**{**message.__dict__, "attachments": papers})
    assert deliver("mailbox://nia.morgan", message).ok
    [eml] = mailbox.messages("nia.morgan")
    html_part = eml.get_body(("html",))
    assert html_part is not None
    html = html_part.get_content()  # type: ignore[attr-defined]
    assert_pictures_inline(eml, html, message.pictures)
    # mixed [alternative [text, related [html, pictures]], the papers]
    assert eml.get_content_type() == "multipart/mixed"
    alternative, *files = eml.iter_parts()
    assert alternative.get_content_type() == "multipart/alternative"
    assert [p.get_content_type() for p in alternative.iter_parts()] == [
        "text/plain",
        "multipart/related",
    ]
    related = related_of(eml)
    assert next(related.iter_parts()).get_content_type() == "text/html"  # the root first
    assert [f.get_filename() for f in files] == ["papurau.pdf"]
    text = eml.get_body(("plain",))
    assert text is not None
    assert text.get_content() == message.text  # type: ignore[attr-defined]


# --- a channel that carries no files -----------------------------------------------------------


def test_a_channel_without_files_gets_the_text_and_no_picture(
    http_receiver: HttpReceiver,
) -> None:
    message = easy_read()
    assert deliver(http_receiver.url(), message).ok
    [request] = http_receiver.requests
    said = str(request.body)
    assert "cid:" not in said
    assert "data:" not in said
    assert "<img" not in said
    assert message.text.strip().splitlines()[0] in said


# --- the relay, end to end ---------------------------------------------------------------------


def test_a_message_sent_by_the_relay_arrives_with_its_pictures_inline(
    engine: Engine, smtp: SmtpServer
) -> None:
    load_programme(engine, {NIA: [smtp.url(NIA)], LEAD: [smtp.url(LEAD)]})
    queue(engine, NIA, "venture.vote-requested")
    queue(engine, LEAD, "venture.vote-requested")
    report = send_due(engine, now=utcnow())
    assert (report.sent, report.failed, report.dead) == (2, 0, 0)
    assert all(m.status == "sent" for m in messages(engine))
    [got] = smtp.to(NIA)
    assert got.message["X-Cyd-Format"] == "easy-read"
    html = got.body("html")
    names = tuple(
        dict.fromkeys(n for n in re.findall(r'src="cid:pictogram-([a-z-]+)@cyd\.png"', html))
    )
    assert {"vote", "deadline"} <= set(names)
    assert_pictures_inline(got.message, html, names)
    # Decorative: each picture repeats the words beside it.
    assert re.findall(r'<img class="pictogram"[^>]* alt="([^"]*)"', html) == [""] * len(
        cids_in(html)
    )
    # The standard reader's message has no pictures at all.
    [standard] = smtp.to(LEAD)
    assert inline_parts(standard.message) == {}
    assert "data:" not in standard.message.as_string()
