"""Quiet hours and the daily digest in the programme file, and the preview's sample
payloads against the real ones of the governance path."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
import yaml
from sqlalchemy.engine import Engine
from sqlmodel import select

from checklists.loader import load_library
from models.db import make_engine, read_session
from models.migrate import upgrade
from models.tables import OutboxMessage
from notifications import compose, relay
from notifications.compose import Addressee, render_for
from notifications.render import EVENTS
from notifications.samples import sample_payload
from services.commands import Cyd, answer, close_vote, record_review, start_venture, submit, vote
from services.programme_import import ProgrammeError, parse_programme
from tests.notifications.conftest import example_data, load_programme, person_of
from tests.services.test_commands import CO_PRODUCER, LEAD, REVIEWERS, Clock, fill_checklist

NIA = "nia.morgan@example.org"


def text_with(change: Any) -> str:
    data = example_data()
    change(data)
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True)


def nia(data: dict[str, Any]) -> dict[str, Any]:
    return next(p for p in data["people"] if p["email"] == NIA)


def test_quiet_hours_and_digest_are_stored_with_the_person(engine: Engine) -> None:
    def prefs(data: dict[str, Any]) -> None:
        nia(data).update(quiet_hours={"from": "21:00", "to": "08:30"}, digest="daily")

    load_programme(engine, change=prefs)
    person = person_of(engine, NIA)
    assert (person.quiet_hours_from, person.quiet_hours_to) == ("21:00", "08:30")
    assert person.daily_digest
    other = person_of(engine, LEAD)
    assert (other.quiet_hours_from, other.quiet_hours_to, other.daily_digest) == (
        None,
        None,
        False,
    )
    load_programme(engine)  # taken out of the file again
    person = person_of(engine, NIA)
    assert (person.quiet_hours_from, person.daily_digest) == (None, False)


@pytest.mark.parametrize(
    ("value", "words"),
    [
        ({"from": "25:00", "to": "08:00"}, "24-hour clock"),
        ({"from": "9pm", "to": "08:00"}, "24-hour clock"),
        ({"from": "08:00", "to": "08:00"}, "different times"),
        ({"from": "21:00"}, "to"),
        ({"from": "21:00", "to": "08:00", "tz": "UTC"}, "tz"),
    ],
)
def test_bad_quiet_hours_are_reported_at_their_place(value: dict[str, str], words: str) -> None:
    def change(data: dict[str, Any]) -> None:
        nia(data)["quiet_hours"] = value

    with pytest.raises(ProgrammeError) as raised:
        parse_programme(text_with(change), "programme.yaml")
    [problem] = raised.value.problems
    assert f"[{NIA}]" in str(problem)
    assert words in str(problem)


def test_a_digest_other_than_daily_is_refused() -> None:
    def change(data: dict[str, Any]) -> None:
        nia(data)["digest"] = "weekly"

    with pytest.raises(ProgrammeError, match="daily"):
        parse_programme(text_with(change), "programme.yaml")


def test_quiet_until_handles_midnight_and_summer_time(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CYD_TIMEZONE", "Europe/London")
    summer = dt.datetime(2026, 7, 1, 21, 30, tzinfo=dt.UTC)  # 22:30 in London (BST)
    assert relay.quiet_until(summer, "21:00", "08:00") == dt.datetime(
        2026, 7, 2, 7, 0, tzinfo=dt.UTC
    )
    winter = dt.datetime(2026, 12, 1, 7, 59, tzinfo=dt.UTC)  # 07:59 GMT
    assert relay.quiet_until(winter, "21:00", "08:00") == dt.datetime(
        2026, 12, 1, 8, 0, tzinfo=dt.UTC
    )
    assert relay.quiet_until(winter.replace(hour=8), "21:00", "08:00") is None
    assert relay.quiet_until(winter.replace(hour=13), "12:00", "14:00") == winter.replace(
        hour=14, minute=0
    )
    assert relay.quiet_until(winter, None, None) is None


def test_quiet_hours_and_the_digest_follow_the_programmes_time_zone(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("CYD_TIMEZONE", "Pacific/Auckland")  # NZDT, 13 hours ahead in December
    at = dt.datetime(2026, 12, 1, 9, 30, tzinfo=dt.UTC)  # 22:30 in Auckland, 09:30 in London
    assert relay.quiet_until(at, "21:00", "08:00") == dt.datetime(
        2026,
        12,
        1,
        19,
        0,
        tzinfo=dt.UTC,  # 08:00 on 2 December in Auckland
    )
    assert relay.digest_time(dt.date(2026, 12, 2)) == dt.datetime(
        2026,
        12,
        1,
        20,
        0,
        tzinfo=dt.UTC,  # 09:00 on 2 December in Auckland
    )
    monkeypatch.setenv("CYD_TIMEZONE", "Europe/London")
    assert relay.quiet_until(at, "21:00", "08:00") is None


def test_the_relays_event_names_are_composes() -> None:
    assert (relay.ALERT_EVENT, relay.DIGEST_EVENT, relay.TEST_EVENT, relay.SIGN_IN_EVENT) == (
        compose.ALERT_EVENT,
        compose.DIGEST_EVENT,
        compose.TEST_EVENT,
        compose.SIGN_IN_EVENT,
    )
    # Each has its templates, in both languages and formats, like any other event.
    own = {compose.ALERT_EVENT, compose.DIGEST_EVENT, compose.TEST_EVENT, compose.SIGN_IN_EVENT}
    assert own <= set(EVENTS)


# --- sample payloads -----------------------------------------------------------------------------


def real_payloads(tmp_path: Path) -> dict[str, dict[str, Any]]:
    """The first payload of each event on the whole governance path (SQLite)."""
    engine = make_engine(f"sqlite:///{tmp_path / 'cyd.db'}")
    try:
        upgrade(engine)
        load_programme(engine)
        cyd = Cyd(engine, load_library(), clock=Clock())
        venture = start_venture(
            cyd, workstream="day-opportunities", title="Community café", lead=LEAD
        ).venture_id
        answer(
            cyd, venture, "venture-summary", "A café run by the people who use it. " * 2, by=LEAD
        )
        submit(cyd, venture, by=LEAD)
        fill_checklist(cyd, venture, CO_PRODUCER)
        submit(cyd, venture, by=LEAD)
        for reviewer in REVIEWERS:
            record_review(cyd, venture, by=reviewer, recommend="go")
        vote(cyd, venture, member="sian.roberts@example.org", choice="more-time")
        close_vote(cyd, venture, by="megan.lloyd@example.org")
        for member in (
            "megan.lloyd@example.org",
            "aled.evans@example.org",
            "sian.roberts@example.org",
            "priya.shah@example.org",
        ):
            vote(cyd, venture, member=member, choice="approve")
        close_vote(cyd, venture, by="megan.lloyd@example.org")
        found: dict[str, dict[str, Any]] = {}
        with read_session(engine) as session:
            for row in session.exec(select(OutboxMessage).order_by(OutboxMessage.id)):  # type: ignore[arg-type]
                found.setdefault(compose.template_name(row.event), row.payload)
        return found
    finally:
        engine.dispose()


def test_samples_have_the_shape_of_the_real_payloads(tmp_path: Path) -> None:
    real = real_payloads(tmp_path)
    assert {"returned", "review-requested", "decision", "next-gate-opened"} <= set(real)
    for event, payload in real.items():
        sample = sample_payload(event)
        assert set(payload) <= set(sample), event
        for key in ("venture", "gate", "ballot", "decision", "next_gate"):
            if key in payload and isinstance(payload[key], dict):
                assert set(payload[key]) <= set(sample[key]), (event, key)
        for gap, sample_gap in zip(payload.get("gaps", []), sample.get("gaps", []), strict=False):
            assert set(gap) == set(sample_gap), event


@pytest.mark.parametrize("event", EVENTS)  # the digest and the admins' alert among them
def test_every_event_previews_for_every_kind_of_person(event: str) -> None:
    payload = sample_payload(event)
    for language, asked, form in (
        ("en", True, "standard"),
        ("cy", True, "easy-read"),
        ("en", False, "standard"),
    ):
        person = Addressee("Nia Morgan", NIA, language, asked, form)
        rendered = (
            compose.render_alert(person, payload)
            if event == compose.ALERT_EVENT
            else render_for(person, event, payload)
        )
        assert rendered.subject
        assert rendered.text.strip()
        if not asked:  # a group's news too goes in the language each person chose
            assert rendered.languages == ("cy", "en")
        else:
            assert rendered.languages == (language,)
