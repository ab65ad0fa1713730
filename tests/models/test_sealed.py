"""Secrets at rest (models.sealed): channel URLs sealed in the database, on both
databases; the key from CYD_SECRET_KEY or the key file; rotation; migration 0011."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.engine import Engine
from sqlmodel import select

from models import sealed
from models.db import make_engine, read_session, unit_of_work
from models.migrate import downgrade, upgrade
from models.tables import Channel, Person, ProgrammeVersion
from tests.conftest import TEST_SECRET_KEY
from tests.models.conftest import Backend
from tests.models.test_migrations import empty_database  # noqa: F401  (a fixture)

PASSWORD = "Pa55-w0rd-at-rest"  # noqa: S105 - a fake one, looked for in the stored bytes
URL = f"mailtos://megan:{PASSWORD}@mail.example.org/?to=megan@example.org"
PROGRAMME = f"""\
# the programme
people:
  - email: megan@example.org
    name: Megan
    channels:
      - {URL}
      - mailbox://megan
"""


@pytest.fixture
def key_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """No CYD_SECRET_KEY: the key is the data folder's key file (not made yet)."""
    monkeypatch.delenv("CYD_SECRET_KEY")
    monkeypatch.setenv("CYD_DATA_DIR", str(tmp_path / "data"))
    return tmp_path / "data" / "secret.key"


def add_channel(engine: Engine, url: str = URL) -> int:
    with unit_of_work(engine) as session:
        person = Person(email="megan@example.org", name="Megan")
        session.add(person)
        session.flush()
        assert person.id is not None
        channel = Channel(person_id=person.id, url=url)
        session.add(channel)
        session.flush()
        assert channel.id is not None
        return channel.id


def raw_urls(engine: Engine) -> list[str]:
    with engine.connect() as connection:
        return [u for (u,) in connection.execute(text("SELECT url FROM channel ORDER BY id"))]


def read_urls(engine: Engine) -> list[str]:
    with read_session(engine) as session:
        return [c.url for c in session.exec(select(Channel).order_by(Channel.id))]  # type: ignore[arg-type]


def test_a_channel_is_sealed_in_the_database_and_plain_in_python(backend: Backend) -> None:
    add_channel(backend.engine)
    [stored] = raw_urls(backend.engine)
    assert stored.startswith("fernet:")
    assert PASSWORD not in stored
    assert "megan" not in stored
    assert read_urls(backend.engine) == [URL]
    with read_session(backend.engine) as session:
        channel = session.exec(select(Channel)).one()
        assert channel.masked_url == "mailtos://***"
        assert PASSWORD not in repr(channel)


def test_a_row_from_before_sealing_is_read_as_it_is(backend: Backend) -> None:
    channel_id = add_channel(backend.engine)
    with backend.engine.begin() as connection:
        connection.execute(
            text("UPDATE channel SET url = 'mailbox://plain' WHERE id = :id"), {"id": channel_id}
        )
    assert read_urls(backend.engine) == ["mailbox://plain"]


def test_another_key_does_not_open_the_channels(
    backend: Backend, monkeypatch: pytest.MonkeyPatch
) -> None:
    add_channel(backend.engine)
    monkeypatch.setenv("CYD_SECRET_KEY", sealed.new_key())
    with pytest.raises(sealed.WrongKey) as caught:
        read_urls(backend.engine)
    message = str(caught.value)
    assert message == (
        "the secret key (CYD_SECRET_KEY) does not open the stored channels: they were"
        " sealed with another key"
    )
    assert PASSWORD not in message


def test_no_key_at_all_says_where_it_was_looked_for(backend: Backend, key_file: Path) -> None:
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("CYD_SECRET_KEY", TEST_SECRET_KEY)
        add_channel(backend.engine)
    with pytest.raises(sealed.MissingKey) as caught:
        read_urls(backend.engine)
    assert str(caught.value) == (
        "no secret key to open the stored channels: set CYD_SECRET_KEY, or put back the"
        f" key file {key_file} (the one they were sealed with)"
    )
    assert not key_file.exists()  # reading never makes a key


def test_the_first_sealing_makes_the_key_file_readable_by_its_owner_only(
    backend: Backend, key_file: Path
) -> None:
    add_channel(backend.engine)
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert stat.S_IMODE(key_file.parent.stat().st_mode) == 0o700
    [key] = key_file.read_text(encoding="ascii").split()
    assert sealed.keys() == (key,)
    assert read_urls(backend.engine) == [URL]
    assert not sealed.make_key_file()  # an existing key is never replaced


def test_a_key_file_that_holds_no_key_is_one_line(backend: Backend, key_file: Path) -> None:
    key_file.parent.mkdir(mode=0o700)
    key_file.write_text("not a key\n", encoding="ascii")
    with pytest.raises(sealed.SecretKeyError) as caught:
        add_channel(backend.engine)
    assert str(caught.value) == (
        f"the key file {key_file} does not hold a key made by `cyd secrets new-key`"
    )


def test_rotation_with_the_key_file(backend: Backend, key_file: Path) -> None:
    add_channel(backend.engine)
    with unit_of_work(backend.engine) as session:
        session.add(ProgrammeVersion(sha256="0" * 64, source="masked", sealed_source=PROGRAMME))
    old = key_file.read_text(encoding="ascii").split()
    before = raw_urls(backend.engine)
    done = sealed.rotate(backend.engine)
    assert (done.channels, done.versions) == (1, 1)
    new = key_file.read_text(encoding="ascii").split()
    assert len(new) == 1
    assert new != old
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    after = raw_urls(backend.engine)
    assert after != before
    assert PASSWORD not in after[0]
    assert read_urls(backend.engine) == [URL]
    with read_session(backend.engine) as session:
        assert session.exec(select(ProgrammeVersion)).one().as_loaded == PROGRAMME
    # The old key no longer opens them.
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("CYD_SECRET_KEY", old[0])
        with pytest.raises(sealed.WrongKey):
            read_urls(backend.engine)
    # A key given to rotate to is taken (and checked, never shown).
    chosen = sealed.new_key()
    sealed.rotate(backend.engine, chosen)
    assert key_file.read_text(encoding="ascii").split() == [chosen]
    with pytest.raises(sealed.SecretKeyError) as caught:
        sealed.rotate(backend.engine, "not-a-key")
    assert "not-a-key" not in str(caught.value)
    assert key_file.read_text(encoding="ascii").split() == [chosen]


def test_rotation_keeps_the_old_key_when_a_row_does_not_open(
    backend: Backend, key_file: Path
) -> None:
    add_channel(backend.engine)
    old = key_file.read_text(encoding="ascii")
    with backend.engine.begin() as connection:  # a row sealed with some other key
        other = sealed.seal("mailbox://other", (sealed.new_key(),))
        connection.execute(text("UPDATE channel SET url = :u"), {"u": other})
    with pytest.raises(sealed.WrongKey):
        sealed.rotate(backend.engine)
    assert key_file.read_text(encoding="ascii") == old
    assert raw_urls(backend.engine) == [other]


def test_rotation_with_the_variable_seals_under_its_first_key(
    backend: Backend, monkeypatch: pytest.MonkeyPatch
) -> None:
    add_channel(backend.engine)
    new = sealed.new_key()
    monkeypatch.setenv("CYD_SECRET_KEY", f"{new},{TEST_SECRET_KEY}")
    assert read_urls(backend.engine) == [URL]  # every key opens
    done = sealed.rotate(backend.engine)
    assert (done.channels, done.source) == (1, "CYD_SECRET_KEY")
    monkeypatch.setenv("CYD_SECRET_KEY", new)
    assert read_urls(backend.engine) == [URL]
    monkeypatch.setenv("CYD_SECRET_KEY", TEST_SECRET_KEY)
    with pytest.raises(sealed.WrongKey):
        read_urls(backend.engine)


@pytest.fixture
def at_0010(
    empty_database: tuple[str, Engine],  # noqa: F811
) -> Engine:
    """A database at revision 0010 holding a channel and a programme file in clear."""
    _url, engine = empty_database
    upgrade(engine, "0010")
    with engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO person (id, email, name, lived_experience, language, format,"
                " active, daily_digest) VALUES (1, 'megan@example.org', 'Megan', false,"
                " 'en', 'standard', true, false)"
            )
        )
        connection.execute(
            text(
                "INSERT INTO channel (id, person_id, url, label, active)"
                " VALUES (1, 1, :url, '', true)"
            ),
            {"url": URL},
        )
        connection.execute(
            text(
                "INSERT INTO programme_version (id, sha256, source, loaded_at, loaded_by)"
                " VALUES (1, :sha, :source, CURRENT_TIMESTAMP, 'cyd')"
            ),
            {"sha": "0" * 64, "source": PROGRAMME},
        )
    return engine


def test_migration_0011_seals_what_was_in_clear_and_downgrade_opens_it(at_0010: Engine) -> None:
    upgrade(at_0010)
    [stored] = raw_urls(at_0010)
    assert stored.startswith("fernet:")
    assert PASSWORD not in stored
    with at_0010.connect() as connection:
        source, sealed_source = connection.execute(
            text("SELECT source, sealed_source FROM programme_version")
        ).one()
    assert PASSWORD not in source
    assert "mailbox://megan" not in source
    assert source == PROGRAMME.replace(URL, '"mailtos://***"').replace(
        "mailbox://megan", '"mailbox://***"'
    )
    assert sealed_source.startswith("fernet:")
    assert PASSWORD not in sealed_source
    assert read_urls(at_0010) == [URL]
    with read_session(at_0010) as session:
        assert session.exec(select(ProgrammeVersion)).one().as_loaded == PROGRAMME
    upgrade(at_0010)  # again: nothing sealed twice
    assert read_urls(at_0010) == [URL]

    downgrade(at_0010, "0010")
    assert raw_urls(at_0010) == [URL]
    with at_0010.connect() as connection:
        assert connection.execute(text("SELECT source FROM programme_version")).scalar() == (
            PROGRAMME
        )


def test_migration_0011_makes_the_key_file_when_there_is_none(
    at_0010: Engine, key_file: Path
) -> None:
    upgrade(at_0010)
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert read_urls(at_0010) == [URL]


def test_sealing_works_on_a_fresh_file_database(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'cyd.db'}")
    try:
        upgrade(engine)
        add_channel(engine)
        engine.dispose()
        for written in tmp_path.glob("cyd.db*"):  # the file, its journal
            assert PASSWORD.encode() not in written.read_bytes()
    finally:
        engine.dispose()
