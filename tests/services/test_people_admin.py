"""People admin (services/people_admin.py), on SQLite and PostgreSQL: each command
changes what it says and is audited once; a non-admin is refused, and the refusal is
recorded; bad input is a clear error that stores nothing; a channel URL (a secret)
never reaches the audit log, an error or the logs; a deactivated person can neither
sign in nor be counted; the programme import needs an admin once there are people."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy import text
from sqlmodel import col, select

from models import tables as t
from models.db import read_session
from services import people_admin as pa
from services import sign_in
from services.commands import CommandError, Cyd, NotFound, PermissionDenied
from services.next_actions import next_actions
from services.people import board_people
from services.programme_import import import_programme, load_programme_source
from tests.notifications.conftest import SmtpServer, smtp  # noqa: F401  (a fixture)
from tests.services.test_commands import ROOT

ADMIN = "admin@example.org"
NIA = "nia.morgan@example.org"  # lived experience, Welsh, Easy Read
GARETH = "gareth.jones@example.org"
CHAIR = "megan.lloyd@example.org"
SAM = "sam.bennett@example.org"  # a co-producer
TOM = "tom.price@example.org"  # supports the chair
SECRET = "s3cr3t-token-value"  # noqa: S105 (a made-up secret to look for)


def person(cyd: Cyd, email: str) -> t.Person:
    with read_session(cyd.engine) as session:
        return session.exec(select(t.Person).where(t.Person.email == email)).one()


def pid(cyd: Cyd, email: str) -> int:
    found = person(cyd, email).id
    assert found is not None
    return found


def log(cyd: Cyd, *actions: str) -> list[t.AuditEntry]:
    with read_session(cyd.engine) as session:
        statement = select(t.AuditEntry).order_by(col(t.AuditEntry.seq))
        if actions:
            statement = statement.where(col(t.AuditEntry.action).in_(actions))
        return list(session.exec(statement))


def whole_log(cyd: Cyd) -> str:
    return " ".join(f"{e.action} {e.payload}" for e in log(cyd))


def roles(cyd: Cyd, email: str) -> set[str]:
    with read_session(cyd.engine) as session:
        return set(
            session.exec(select(t.PersonRole.role).where(t.PersonRole.person_id == pid(cyd, email)))
        )


def test_an_admin_adds_a_person_and_it_is_audited(cyd: Cyd) -> None:
    new_id = pa.add_person(
        cyd,
        by=ADMIN,
        email=" Ffion.Rees@Example.org ",
        name="  Ffion   Rees ",
        roles=["co-producer"],
        language="cy",
        format="easy-read",
        lived_experience=True,
    )
    ffion = person(cyd, "ffion.rees@example.org")
    assert ffion.id == new_id
    assert (ffion.name, ffion.language, ffion.format, ffion.lived_experience) == (
        "Ffion Rees",
        "cy",
        "easy-read",
        True,
    )
    assert ffion.language_asked_on is not None
    assert roles(cyd, "ffion.rees@example.org") == {"co-producer"}
    [entry] = log(cyd, pa.PERSON_ADDED)
    assert entry.actor == ADMIN
    assert entry.payload["person"] == "ffion.rees@example.org"
    assert entry.payload["roles"] == ["co-producer"]


def test_a_person_added_without_a_language_gets_both(cyd: Cyd) -> None:
    pa.add_person(cyd, by=ADMIN, email="new@example.org", name="New Person")
    assert person(cyd, "new@example.org").language_asked_on is None


@pytest.mark.parametrize(
    ("change", "code"),
    [
        ({"email": "not-an-email", "name": "X"}, "person-email-invalid"),
        ({"email": NIA, "name": "X"}, "person-email-taken"),
        ({"email": "a@example.org", "name": "   "}, "person-name-invalid"),
        ({"email": "a@example.org", "name": "x" * 201}, "person-name-invalid"),
        ({"email": "a@example.org", "name": "X", "roles": ["king"]}, "person-role-unknown"),
        ({"email": "a@example.org", "name": "X", "language": "fr"}, "person-language-unknown"),
        ({"email": "a@example.org", "name": "X", "format": "large"}, "person-format-unknown"),
        ({"email": "a@example.org", "name": "X", "roles": ["chair"]}, "chair-taken"),
    ],
)
def test_bad_input_is_a_clear_error_and_stores_nothing(
    cyd: Cyd, change: dict[str, Any], code: str
) -> None:
    before = len(log(cyd))
    with pytest.raises(CommandError) as caught:
        pa.add_person(cyd, by=ADMIN, **change)
    assert caught.value.code == code
    # Every error has its Welsh and Easy Read texts.
    assert caught.value.say("cy", easy_read=True)
    assert len(log(cyd)) == before


def test_a_non_admin_is_refused_and_the_refusal_is_recorded(cyd: Cyd) -> None:
    commands: list[Callable[[], object]] = [
        lambda: pa.list_people(cyd, by=GARETH),
        lambda: pa.person_view(cyd, by=GARETH, person_id=pid(cyd, NIA)),
        lambda: pa.add_person(cyd, by=GARETH, email="x@example.org", name="X"),
        lambda: pa.change_name(cyd, by=GARETH, person_id=pid(cyd, NIA), name="Y"),
        lambda: pa.deactivate(cyd, by=GARETH, person_id=pid(cyd, NIA)),
        lambda: pa.add_channel(cyd, by=GARETH, person_id=pid(cyd, NIA), url="mailto://x@y.org"),
    ]
    for command in commands:
        with pytest.raises(PermissionDenied) as caught:
            command()
        assert caught.value.code == "not-people-admin"
    denials = log(cyd, "denied")
    assert len(denials) == len(commands)
    assert {e.actor for e in denials} == {GARETH}
    assert {e.payload["action"] for e in denials} == {pa.ADMINISTER}
    assert person(cyd, NIA).name != "Y"
    with read_session(cyd.engine) as session:
        assert len(session.exec(select(t.Denial)).all()) == len(commands)


def test_each_change_is_stored_and_audited_once(cyd: Cyd) -> None:
    nia = pid(cyd, NIA)
    assert pa.change_name(cyd, by=ADMIN, person_id=nia, name="Nia M. Morgan")
    assert not pa.change_name(cyd, by=ADMIN, person_id=nia, name="Nia M. Morgan")
    assert pa.change_language(cyd, by=ADMIN, person_id=nia, language="en")
    assert pa.change_format(cyd, by=ADMIN, person_id=nia, format="standard")
    assert pa.change_lived_experience(cyd, by=ADMIN, person_id=nia, lived_experience=False)
    assert pa.change_roles(cyd, by=ADMIN, person_id=nia, roles=["co-producer", "reviewer"])
    assert pa.change_quiet_hours(cyd, by=ADMIN, person_id=nia, start="21:00", end="08:00")
    assert pa.change_digest(cyd, by=ADMIN, person_id=nia, daily=True)
    assert pa.change_workstreams(
        cyd, by=ADMIN, person_id=nia, places={"day-opportunities": False}
    ) in (True, False)
    row = person(cyd, NIA)
    assert (row.name, row.language, row.format, row.lived_experience) == (
        "Nia M. Morgan",
        "en",
        "standard",
        False,
    )
    assert (row.quiet_hours_from, row.quiet_hours_to, row.daily_digest) == ("21:00", "08:00", True)
    assert roles(cyd, NIA) == {"co-producer", "reviewer"}
    fields = [e.payload["field"] for e in log(cyd, pa.PERSON_CHANGED)]
    assert fields[:7] == [
        "name",
        "language",
        "format",
        "lived_experience",
        "roles",
        "quiet_hours",
        "daily_digest",
    ]
    assert {e.actor for e in log(cyd, pa.PERSON_CHANGED)} == {ADMIN}
    view = pa.person_view(cyd, by=ADMIN, person_id=nia)
    assert view.quiet_hours == ("21:00", "08:00")
    assert [w.id for w in view.workstreams] == ["day-opportunities"]
    assert pa.change_quiet_hours(cyd, by=ADMIN, person_id=nia, start=None, end=None)
    assert person(cyd, NIA).quiet_hours_from is None


def test_quiet_hours_and_roles_are_checked_as_the_programme_file_checks_them(cyd: Cyd) -> None:
    nia = pid(cyd, NIA)
    for start, end in [("21:00", "21:00"), ("25:00", "08:00"), ("9pm", "8am"), ("21:00", "")]:
        with pytest.raises(CommandError) as caught:
            pa.change_quiet_hours(cyd, by=ADMIN, person_id=nia, start=start, end=end)
        assert caught.value.code == "quiet-hours-invalid"
    with pytest.raises(CommandError) as caught:
        pa.change_roles(cyd, by=ADMIN, person_id=nia, roles=["chair"])
    assert caught.value.code == "chair-taken"
    with pytest.raises(CommandError) as caught:
        pa.change_roles(cyd, by=ADMIN, person_id=pid(cyd, ADMIN), roles=["reviewer"])
    assert caught.value.code == "own-admin-role"
    # A workstream lead keeps the role 'lead'.
    lead = pa.list_people(cyd, by=ADMIN, role="lead")[0]
    with pytest.raises(CommandError) as caught:
        pa.change_roles(cyd, by=ADMIN, person_id=lead.id, roles=["co-producer"])
    assert caught.value.code == "lead-role-needed"


def test_supporters_are_set_with_the_programme_files_rules(cyd: Cyd) -> None:
    nia = pid(cyd, NIA)
    sam = pid(cyd, SAM)
    assert pa.change_supporters(cyd, by=ADMIN, person_id=nia, supporters=[sam])
    assert person(cyd, SAM).supports_person_id == nia
    assert [s[2] for s in pa.person_view(cyd, by=ADMIN, person_id=nia).supporters] == [SAM]
    with pytest.raises(CommandError) as caught:  # Tom supports the chair already
        pa.change_supporters(cyd, by=ADMIN, person_id=nia, supporters=[pid(cyd, TOM)])
    assert caught.value.code == "supporter-elsewhere"
    with pytest.raises(CommandError) as caught:
        pa.change_supporters(cyd, by=ADMIN, person_id=nia, supporters=[nia])
    assert caught.value.code == "supporter-self"
    with pytest.raises(CommandError) as caught:
        pa.change_supporters(cyd, by=ADMIN, person_id=nia, supporters=[pid(cyd, CHAIR)])
    assert caught.value.code == "supporter-on-board"
    assert pa.change_supporters(cyd, by=ADMIN, person_id=nia, supporters=[])
    assert person(cyd, SAM).supports_person_id is None


def test_list_filters_by_role(cyd: Cyd) -> None:
    everyone = pa.list_people(cyd, by=ADMIN)
    board = pa.list_people(cyd, by=ADMIN, role="board-member")
    assert len(everyone) == 15
    assert board
    assert all("board-member" in p.roles for p in board)
    assert len(board) < len(everyone)
    with pytest.raises(CommandError):
        pa.list_people(cyd, by=ADMIN, role="king")


def test_a_deactivated_person_cannot_sign_in_nor_be_counted(cyd: Cyd) -> None:
    chair_id = pid(cyd, CHAIR)
    with read_session(cyd.engine) as session:
        assert CHAIR in {p.email for p, _ in board_people(session)}
    assert pa.deactivate(cyd, by=ADMIN, person_id=chair_id)
    assert not pa.deactivate(cyd, by=ADMIN, person_id=chair_id)
    megan = person(cyd, CHAIR)
    assert megan.active is False
    assert roles(cyd, CHAIR) == set()
    with read_session(cyd.engine) as session:
        assert CHAIR not in {p.email for p, _ in board_people(session)}
        assert not session.exec(
            select(t.Channel).where(t.Channel.person_id == chair_id).where(col(t.Channel.active))
        ).all()
    # Sign-in: no link or code is issued for them.
    sign_in.request_sign_in(cyd.engine, CHAIR, from_address="127.0.0.1", now=cyd.clock())
    with read_session(cyd.engine) as session:
        [asked] = session.exec(select(t.SignInRequest)).all()
        assert (asked.outcome, asked.person_id) == ("unknown", None)
    with pytest.raises(NotFound):
        next_actions(cyd.engine, cyd.library, CHAIR, cyd.clock())
    with pytest.raises(CommandError) as caught:
        pa.change_name(cyd, by=ADMIN, person_id=chair_id, name="Anyone")
    assert caught.value.code == "person-deactivated"
    [entry] = log(cyd, pa.PERSON_DEACTIVATED)
    assert "chair" in entry.payload["roles"]
    with pytest.raises(CommandError) as caught:
        pa.deactivate(cyd, by=ADMIN, person_id=pid(cyd, ADMIN))
    assert caught.value.code == "deactivate-self"


def test_channels_are_never_shown_logged_or_audited(
    cyd: Cyd, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    nia = pid(cyd, NIA)
    url = f"mailto://user:{SECRET}@127.0.0.1:2525?to=nia@example.org"
    channel = pa.add_channel(cyd, by=ADMIN, person_id=nia, url=url, label="Email")
    view = pa.person_view(cyd, by=ADMIN, person_id=nia)
    [mine] = [c for c in view.channels if c.id == channel]
    assert mine.masked == "mailto://***"
    assert SECRET not in repr(view)
    replaced = pa.replace_channel(
        cyd, by=ADMIN, person_id=nia, channel_id=channel, url=url.replace("2525", "2526")
    )
    assert replaced != channel
    with pytest.raises(NotFound):
        pa.remove_channel(cyd, by=ADMIN, person_id=nia, channel_id=channel)  # replaced: off
    pa.remove_channel(cyd, by=ADMIN, person_id=nia, channel_id=replaced)
    for bad in ["no-scheme-" + SECRET, f"mailto://a b{SECRET}", ""]:
        with pytest.raises(CommandError) as caught:
            pa.add_channel(cyd, by=ADMIN, person_id=nia, url=bad)
        assert caught.value.code == "channel-url-invalid"
        assert SECRET not in str(caught.value)
    assert SECRET not in whole_log(cyd)
    assert SECRET not in caplog.text
    # Sealed at rest (models.sealed): the database holds no URL, and gives both back.
    with cyd.engine.connect() as connection:
        stored = [u for (u,) in connection.execute(text("SELECT url FROM channel"))]
    assert all(u.startswith("fernet:") for u in stored)
    assert not any(SECRET in u or "nia@example.org" in u for u in stored)
    with read_session(cyd.engine) as session:
        mine_now = {c.id: c.url for c in session.exec(select(t.Channel))}
    assert (mine_now[channel], mine_now[replaced]) == (url, url.replace("2525", "2526"))
    assert [
        e.action for e in log(cyd, *[pa.CHANNEL_ADDED, pa.CHANNEL_REPLACED, pa.CHANNEL_REMOVED])
    ] == [
        pa.CHANNEL_ADDED,
        pa.CHANNEL_REPLACED,
        pa.CHANNEL_REMOVED,
    ]


def test_a_test_message_reaches_the_channel(
    cyd: Cyd,
    smtp: SmtpServer,  # noqa: F811  (the fixture)
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    nia = pid(cyd, NIA)
    channel = pa.add_channel(cyd, by=ADMIN, person_id=nia, url=smtp.url("nia@example.org"))
    result = pa.send_test_message(cyd, by=ADMIN, person_id=nia, channel_id=channel)
    assert result.sent, result.reason
    assert result.channel == "mailto://***"
    assert len(smtp.to("nia@example.org")) == 1
    [entry] = log(cyd, pa.CHANNEL_TESTED)
    assert entry.payload["sent"] is True
    from tests.notifications.conftest import PASSWORD

    assert PASSWORD not in whole_log(cyd)
    assert PASSWORD not in caplog.text


def test_the_import_needs_an_admin_once_the_programme_has_people(cyd: Cyd) -> None:
    programme, text = load_programme_source(ROOT / "examples" / "programme.yaml")
    changed = text.replace("Community", "Community", 1) + "\n# changed\n"
    with pytest.raises(PermissionDenied):
        import_programme(cyd.engine, programme, changed, GARETH)
    with pytest.raises(PermissionDenied):
        import_programme(cyd.engine, programme, changed, "cyd")
    assert {e.payload["action"] for e in log(cyd, "denied")} == {"programme.import"}
    # The same text again writes nothing: no check needed.
    assert not import_programme(cyd.engine, programme, text, "cyd").changed
    assert import_programme(cyd.engine, programme, changed, ADMIN).changed
