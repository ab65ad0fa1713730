"""Every message ends by saying that Welsh is welcome and whom to ask: the programme's
contact (a person, a phone number, an email) from the programme file, or, when it
names nobody, to reply. Rendered for every event, language and format, and as
received by a real SMTP server on loopback."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from sqlalchemy.engine import Engine

from governance.programme import Contact
from models.db import read_session, utcnow
from notifications.compose import Addressee, compose_digest, render_for
from notifications.contact import contact_from_source, programme_contact
from notifications.relay import send_due
from notifications.render import EVENTS, Rendered
from notifications.samples import sample_payload
from tests.notifications.conftest import (
    EXAMPLE,
    FORMS,
    SmtpServer,
    load_programme,
    queue,
)

NOW = dt.datetime(2026, 11, 2, 10, 0, tzinfo=dt.UTC)
CONTACT = Contact.model_validate(
    {
        "name": "Rhian Hopkins",
        "role": {
            "en": "Co-production programme officer",
            "cy": "Swyddog y rhaglen cydgynhyrchu",
        },
        "phone": "01632 960 123",
        "email": "cydgynhyrchu@example.org",
    }
)
# What the end of a message says, by language and format: Welsh is welcome, and
# whom to ask (or to reply, when the programme names nobody).
WELCOME = {
    ("en", "standard"): "We welcome correspondence in Welsh.",
    ("cy", "standard"): "Rydym yn croesawu gohebiaeth yn Gymraeg.",
    ("en", "easy-read"): "We welcome letters and emails in Welsh.",
    ("cy", "easy-read"): "Rydyn ni'n croesawu llythyrau ac e-byst yn Gymraeg.",
}
ASK = {
    ("en", "standard"): (
        "Questions? Contact Rhian Hopkins, Co-production programme officer: phone "
        "01632 960 123, email cydgynhyrchu@example.org."
    ),
    ("cy", "standard"): (
        "Cwestiynau? Cysylltwch â Rhian Hopkins (Swyddog y rhaglen cydgynhyrchu): ffôn "
        "01632 960 123, e-bost cydgynhyrchu@example.org."
    ),
    ("en", "easy-read"): (
        "Do you have a question? Ask Rhian Hopkins. The phone number is 01632 960 123. "
        "The email address is cydgynhyrchu@example.org"
    ),
    ("cy", "easy-read"): (
        "Oes gennych chi gwestiwn? Gofynnwch i Rhian Hopkins. Y rhif ffôn yw 01632 960 123. "
        "Y cyfeiriad e-bost yw cydgynhyrchu@example.org"
    ),
}
REPLY = {
    ("en", "standard"): "Questions? Reply to this message.",
    ("cy", "standard"): "Cwestiynau? Atebwch y neges hon.",
    ("en", "easy-read"): "Do you have a question? Reply to this message.",
    ("cy", "easy-read"): "Oes gennych chi gwestiwn? Atebwch y neges yma.",
}
IDS = [f"{language}-{fmt}" for language, fmt in FORMS]
WELSH = "sian.roberts@example.org"  # chose Welsh, standard format (examples/programme.yaml)


def soon() -> dt.datetime:
    """A moment after the test's messages were queued (now)."""
    return utcnow() + dt.timedelta(seconds=1)


def reader(language: str, fmt: str, *, asked: bool = True) -> Addressee:
    return Addressee("Siân Roberts", WELSH, language, asked=asked, format=fmt)


def flat(text: str) -> str:
    return " ".join(text.split())


def ending(message: Rendered, said: str) -> None:
    """`said` is the very end of the message's text (after its footer)."""
    assert flat(message.text).endswith(flat(said)), message.text[-400:]


@pytest.mark.parametrize(("language", "fmt"), FORMS, ids=IDS)
@pytest.mark.parametrize("event", EVENTS)
def test_every_message_ends_with_welsh_welcome_and_the_contact(
    event: str, language: str, fmt: str
) -> None:
    payload = sample_payload(event, now=NOW)
    message = render_for(reader(language, fmt), event, payload, contact=CONTACT)
    ending(message, f"{WELCOME[language, fmt]} {ASK[language, fmt]}")
    assert 'href="mailto:cydgynhyrchu@example.org"' in message.html
    assert "01632 960 123" in message.html
    # Nobody named: the message asks people to reply, and names no one.
    nobody = render_for(reader(language, fmt), event, payload)
    ending(nobody, f"{WELCOME[language, fmt]} {REPLY[language, fmt]}")
    assert 'href="mailto:' not in nobody.html


@pytest.mark.parametrize(("language", "fmt"), FORMS, ids=IDS)
def test_a_digest_and_each_message_it_carries_end_with_the_contact(language: str, fmt: str) -> None:
    person = reader(language, fmt)
    carried = [
        render_for(person, event, sample_payload(event, now=NOW), contact=CONTACT)
        for event in ("reminder", "decision")
    ]
    digest = compose_digest(person, NOW.date(), carried, contact=CONTACT)
    said = flat(digest.text)
    assert said.count(flat(ASK[language, fmt])) == 3  # the cover and both messages
    ending(digest, ASK[language, fmt])


@pytest.mark.parametrize(("language", "fmt"), FORMS, ids=IDS)
def test_a_supporters_copy_of_a_reminder_ends_with_the_contact_too(language: str, fmt: str) -> None:
    """The Easy Read reminder leaves out the "ask your supporter" footer in a copy for
    the supporter: the contact stays."""
    payload = sample_payload("reminder", now=NOW) | {"supporting": {"name": "Nia Morgan"}}
    message = render_for(reader(language, fmt), "reminder", payload, contact=CONTACT)
    ending(message, f"{WELCOME[language, fmt]} {ASK[language, fmt]}")


@pytest.mark.parametrize("fmt", ["standard", "easy-read"])
def test_a_bilingual_message_ends_each_language_with_its_own_words(fmt: str) -> None:
    payload = sample_payload("decision", now=NOW)
    both = render_for(reader("en", fmt, asked=False), "decision", payload, contact=CONTACT)
    said = flat(both.text)
    welsh_part, english_part = said.split("-" * 40)
    assert flat(ASK["cy", fmt]) in welsh_part
    assert flat(ASK["en", fmt]) in english_part
    assert flat(WELCOME["cy", fmt]) in welsh_part
    assert flat(WELCOME["en", fmt]) in english_part


def test_a_contact_without_a_role_is_named_without_one() -> None:
    plain = Contact.model_validate(
        {"name": "Rhian Hopkins", "phone": "01632 960 123", "email": "cydgynhyrchu@example.org"}
    )
    payload = sample_payload("reminder", now=NOW)
    for language, said in (
        ("en", "Questions? Contact Rhian Hopkins: phone 01632 960 123"),
        ("cy", "Cwestiynau? Cysylltwch â Rhian Hopkins: ffôn 01632 960 123"),
    ):
        message = render_for(reader(language, "standard"), "reminder", payload, contact=plain)
        assert said in flat(message.text)


def test_a_payload_cannot_name_another_contact() -> None:
    payload = sample_payload("reminder", now=NOW) | {
        "contact": {"name": "Someone Else", "phone": "0", "email": "x@example.org"}
    }
    message = render_for(reader("en", "standard"), "reminder", payload, contact=CONTACT)
    assert "Someone Else" not in message.text
    ending(message, ASK["en", "standard"])


def test_the_example_programme_names_a_contact() -> None:
    assert contact_from_source(EXAMPLE.read_text("utf-8")) == CONTACT


# --- as received ----------------------------------------------------------------------------


def _contact_changed(name: str) -> Any:
    def change(data: dict[str, Any]) -> None:
        data["contact"]["name"] = name

    return change


def test_a_welsh_reader_gets_a_groups_news_in_welsh_only_ending_with_the_contact(
    engine: Engine, smtp: SmtpServer
) -> None:
    """Caught by the SMTP server: a decision (news to a group) for a person who chose
    Welsh is in Welsh alone, and ends with the programme's contact."""
    load_programme(engine, {WELSH: [smtp.url(WELSH)]})
    queue(engine, WELSH, "venture.decision", tag="decision")
    queue(engine, WELSH, "venture.reminder", tag="reminder")
    assert send_due(engine, now=soon()).sent == 2
    letters = smtp.to(WELSH)
    assert len(letters) == 2
    for got in letters:
        assert got.message["Content-Language"] == "cy"
        assert " / " not in str(got.message["Subject"])
        text, html = got.body("plain"), got.body("html")
        assert "This message is in Welsh and English" not in text
        assert "We welcome correspondence in Welsh" not in text
        assert '<html lang="cy">' in html
        assert 'lang="en"' not in html
        ending_text = flat(text)
        assert ending_text.endswith(flat(f"{WELCOME['cy', 'standard']} {ASK['cy', 'standard']}"))
        assert 'href="mailto:cydgynhyrchu@example.org"' in html


def test_the_contact_in_force_when_a_message_is_sent_is_the_one_named(
    engine: Engine, smtp: SmtpServer
) -> None:
    load_programme(engine, {WELSH: [smtp.url(WELSH)]})
    with read_session(engine) as session:
        assert programme_contact(session) == CONTACT
    queue(engine, WELSH, "venture.reminder", tag="first")
    # The programme changes its contact before the message goes: the new one is named.
    load_programme(engine, {WELSH: [smtp.url(WELSH)]}, _contact_changed("Owain Rees"))
    with read_session(engine) as session:
        assert (found := programme_contact(session)) is not None
        assert found.name == "Owain Rees"
    assert send_due(engine, now=soon()).sent == 1
    [got] = smtp.to(WELSH)
    assert "Cysylltwch â Owain Rees" in flat(got.body("plain"))
    assert "Rhian Hopkins" not in got.body("plain")


def test_without_a_contact_a_received_message_asks_people_to_reply(
    engine: Engine, smtp: SmtpServer
) -> None:
    def no_contact(data: dict[str, Any]) -> None:
        del data["contact"]

    load_programme(engine, {WELSH: [smtp.url(WELSH)]}, no_contact)
    with read_session(engine) as session:
        assert programme_contact(session) is None
    queue(engine, WELSH, "venture.reminder")
    assert send_due(engine, now=soon()).sent == 1
    [got] = smtp.to(WELSH)
    assert flat(got.body("plain")).endswith(REPLY["cy", "standard"])
