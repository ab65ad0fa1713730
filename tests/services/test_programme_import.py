"""The programme file: loaded with precise errors, stored idempotently, on both databases.

Each file in bad_programmes/ starts with `# expect: LINE:COL [entry] substring` lines;
loading it must report exactly those problems, no more and no fewer.
"""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest
import yaml
from sqlalchemy import text as text_sql
from sqlmodel import Session, col, func, select

from checklists.yamlsource import parse
from governance.programme import Programme
from models import audit
from models.db import read_session
from models.sealed import mask_channels
from models.tables import (
    AuditEntry,
    Channel,
    Person,
    PersonRole,
    ProgrammeVersion,
    Workstream,
    WorkstreamMember,
    mask_url,
)
from services.programme_import import (
    AUDIT_ACTION,
    NoProgrammeError,
    ProgrammeError,
    current_programme,
    import_programme,
    load_programme,
    load_programme_source,
    message_languages,
    parse_programme,
    source_sha256,
)
from tests.checklists.test_loader import _report, expectations, unmatched
from tests.models.conftest import Backend

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "programme.yaml"
BAD = Path(__file__).resolve().parent / "bad_programmes"
BAD_FILES = sorted(BAD.glob("*.yaml"))
SECRET = "S3cr3t-pa55w0rd"  # noqa: S105 - a fake one, to be looked for in output
SECRET_URL = f"mailtos://megan:{SECRET}@mail.example.org/?to=megan.lloyd@example.org"


def example_data() -> dict[str, Any]:
    data = parse(EXAMPLE.read_text(encoding="utf-8")).data
    assert isinstance(data, dict)
    return copy.deepcopy(data)


def dump(data: dict[str, Any]) -> str:
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True)


def programme_of(data: dict[str, Any]) -> tuple[Programme, str]:
    text = dump(data)
    return parse_programme(text, "test.yaml"), text


def person_entry(data: dict[str, Any], email: str) -> dict[str, Any]:
    return next(p for p in data["people"] if p["email"] == email)


def without(data: dict[str, Any], email: str) -> dict[str, Any]:
    """The programme with one person (not a lead, chair or supported person) taken out."""
    data = copy.deepcopy(data)
    data["people"] = [p for p in data["people"] if p["email"] != email]
    for stream in data["workstreams"]:
        stream["members"] = [m for m in stream["members"] if m != email]
    data["board"]["members"] = [m for m in data["board"]["members"] if m != email]
    return data


# --- loading -------------------------------------------------------------------------------


def test_the_example_programme_loads() -> None:
    programme, text = load_programme_source(EXAMPLE)
    assert text == EXAMPLE.read_text(encoding="utf-8")
    assert programme.id == "ld-autism-redesign"
    assert len(programme.people) == 15
    assert programme.gates == ["design", "delivery", "implementation", "improvement"]
    assert programme.person("Megan.Lloyd@example.org").format == "easy-read"
    assert {r.name for r in programme.board.decision_rules} == {
        "board-standard",
        "board-lived-experience",
    }
    assert load_programme(EXAMPLE) == programme


def test_the_corpus_is_all_there() -> None:
    assert len(BAD_FILES) >= 8
    assert all(expectations(f) for f in BAD_FILES), "every bad file needs an expectation"


@pytest.mark.parametrize("path", BAD_FILES, ids=lambda p: p.stem)
def test_bad_programme_reports_exactly_its_problems(path: Path) -> None:
    with pytest.raises(ProgrammeError) as caught:
        load_programme(path, channels=True)  # as `cyd init` loads it
    problems = caught.value.problems
    missing, extra = unmatched(expectations(path), problems)
    assert (missing, extra) == ([], []), _report(missing, extra)
    assert all(p.file == str(path) for p in problems)
    assert str(caught.value).splitlines() == [str(p) for p in problems]


def test_channel_schemes_are_checked_only_when_asked() -> None:
    """Listing the services loads every apprise plugin: only `cyd init` and
    `cyd programme validate` ask; reading the stored programme does not."""
    path = BAD / "unknown-channel-scheme.yaml"
    programme = load_programme(path)
    assert "nosuch://member:pa55@example.org" in programme.person("member@example.org").channels
    with pytest.raises(ProgrammeError) as caught:
        load_programme(path, channels=True)
    assert "pa55" not in str(caught.value)  # the URL is a secret: only its scheme is named


def test_every_problem_is_reported_at_once() -> None:
    data = example_data()
    data["people"][0]["langauge"] = "cy"  # schema: unknown key
    data["people"].append(dict(data["people"][1]))  # cross-reference: listed twice
    data["gates"].append("aftercare")  # library: unknown gate
    data["workstreams"][0]["name"] = {"en": "Day opportunities"}  # schema: no Welsh
    with pytest.raises(ProgrammeError) as caught:
        parse_programme(dump(data), "many.yaml")
    messages = " | ".join(p.message for p in caught.value.problems)
    for fragment in ("did you mean 'language'", "listed twice", "unknown gate", "Welsh"):
        assert fragment in messages
    assert caught.value.problems == sorted(caught.value.problems), "in file order"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "the file is empty: expected a programme"),
        ("- one\n- two\n", "expected a mapping of keys (a programme), found list"),
        ("kind: programme\npeople: [\n", "YAML syntax error"),
    ],
)
def test_files_that_are_not_programmes(text: str, message: str) -> None:
    with pytest.raises(ProgrammeError) as caught:
        parse_programme(text, "odd.yaml")
    assert len(caught.value.problems) == 1
    assert message in caught.value.problems[0].message


def test_a_missing_file_is_one_problem(tmp_path: Path) -> None:
    with pytest.raises(ProgrammeError) as caught:
        load_programme(tmp_path / "nowhere.yaml")
    assert "cannot read file" in str(caught.value)


def test_a_bad_channel_is_reported_without_its_value() -> None:
    data = example_data()
    data["people"][0]["channels"] = [f"megan:{SECRET}@mail.example.org"]  # no scheme
    with pytest.raises(ProgrammeError) as caught:
        parse_programme(dump(data), "secret.yaml")
    assert "notification URL" in str(caught.value)
    assert SECRET not in str(caught.value)


def test_a_name_too_long_for_the_database_is_a_problem_not_a_crash() -> None:
    data = example_data()
    data["people"][0]["name"] = "Megan " * 40
    with pytest.raises(ProgrammeError, match="at most 200 characters"):
        parse_programme(dump(data), "long.yaml")


# --- storing -------------------------------------------------------------------------------


def stored(session: Session) -> dict[str, dict[str, Any]]:
    """Every person as stored, by email, with roles, channels and workstreams."""
    people = {p.id: p for p in session.exec(select(Person))}
    out: dict[str, dict[str, Any]] = {}
    for person in people.values():
        roles = session.exec(select(PersonRole.role).where(PersonRole.person_id == person.id))
        channels = session.exec(select(Channel).where(Channel.person_id == person.id))
        streams = session.exec(
            select(WorkstreamMember).where(WorkstreamMember.person_id == person.id)
        )
        supported = people.get(person.supports_person_id)
        out[person.email] = {
            "name": person.name,
            "active": person.active,
            "roles": set(roles),
            "lived_experience": person.lived_experience,
            "language": person.language,
            "language_asked_on": person.language_asked_on,
            "format": person.format,
            "supports": supported.email if supported else None,
            "channels": {c.url for c in channels if c.active},
            "workstreams": {(m.workstream_id, m.is_lead) for m in streams},
        }
    return out


def expected_people(programme: Programme) -> dict[str, dict[str, Any]]:
    out: dict[str, dict[str, Any]] = {}
    for spec in programme.people:
        streams = {
            (w.id, spec.email in w.leads)
            for w in programme.workstreams
            if spec.email in w.leads or spec.email in w.members
        }
        out[spec.email] = {
            "name": spec.name,
            "active": True,
            "roles": {str(r) for r in spec.roles},
            "lived_experience": spec.lived_experience,
            "language": spec.language or "en",
            "language_asked_on": spec.language_asked_on,
            "format": spec.format,
            "supports": spec.supports,
            "channels": set(spec.channels),
            "workstreams": streams,
        }
    return out


def masked(programme: Programme) -> Programme:
    """The programme as read back from the stored copy: its channels masked (people's
    and the ideas' reply channel)."""
    people = [
        p.model_copy(update={"channels": [mask_url(c) for c in p.channels]})
        for p in programme.people
    ]
    reply = programme.ideas.reply_channel
    ideas = programme.ideas.model_copy(
        update={"reply_channel": mask_url(reply) if reply is not None else None}
    )
    return programme.model_copy(update={"people": people, "ideas": ideas})


def count(session: Session, table: Any) -> int:
    return session.exec(select(func.count()).select_from(table)).one()


def test_import_stores_exactly_the_file(backend: Backend) -> None:
    programme, text = load_programme_source(EXAMPLE)
    result = import_programme(backend.engine, programme, text, "admin@example.org")
    assert result.changed
    assert (result.people, result.workstreams, result.board_members) == (15, 1, 6)
    assert result.added == sorted(p.email for p in programme.people)
    with read_session(backend.engine) as session:
        assert stored(session) == expected_people(programme)
        streams = list(session.exec(select(Workstream)))
        assert [(w.id, w.name) for w in streams] == [("day-opportunities", "Day opportunities")]
        versions = list(session.exec(select(ProgrammeVersion)))
        assert len(versions) == 1
        assert versions[0].sha256 == source_sha256(text) == result.sha256
        # The stored copy keeps the channels masked; the file as loaded is kept sealed.
        assert versions[0].source == mask_channels(text) != text
        assert 'reply_channel: "mailbox://***"' in versions[0].source  # a secret too
        assert 'reply_channel: "mailbox://ideas-replies"' in versions[0].as_loaded
        assert versions[0].as_loaded == text
        assert versions[0].loaded_by == "admin@example.org"
        entries = list(session.exec(select(AuditEntry)))
        assert [(e.seq, e.action, e.actor) for e in entries] == [
            (1, AUDIT_ACTION, "admin@example.org")
        ]
        payload = entries[0].payload
        assert payload["sha256"] == result.sha256
        assert payload["version"] == result.version_id
        assert payload["counts"] == {
            "people": 15,
            "workstreams": 1,
            "board_members": 6,
            "channels": 15,
            "gates": 4,
            "decision_rules": 2,
        }
        assert audit.verify(session).ok
        assert current_programme(session) == masked(programme)


def test_importing_the_same_text_again_changes_nothing(backend: Backend) -> None:
    programme, text = load_programme_source(EXAMPLE)
    first = import_programme(backend.engine, programme, text, "admin@example.org")
    with read_session(backend.engine) as session:
        before = stored(session)
        head = audit.head(session)
    again = import_programme(backend.engine, programme, text, "admin@example.org")
    assert not again.changed
    assert again.version_id == first.version_id
    assert again.audit_seq is None
    with read_session(backend.engine) as session:
        assert stored(session) == before
        assert count(session, ProgrammeVersion) == 1
        assert count(session, AuditEntry) == 1
        assert audit.head(session) == head


def test_a_person_removed_from_the_file_becomes_inactive_and_comes_back(
    backend: Backend,
) -> None:
    data = example_data()
    import_programme(backend.engine, *load_programme_source(EXAMPLE), "admin@example.org")
    gone = "rhys.thomas@example.org"
    smaller, smaller_text = programme_of(without(data, gone))
    result = import_programme(backend.engine, smaller, smaller_text, "admin@example.org")
    assert result.changed
    assert result.deactivated == [gone]
    assert result.added == []
    with read_session(backend.engine) as session:
        people = stored(session)
        assert people[gone]["active"] is False
        # Still there (history refers to them), but no role, channel or workstream.
        assert people[gone]["roles"] == set()
        assert people[gone]["channels"] == set()
        assert people[gone]["workstreams"] == set()
        assert count(session, Person) == 15
        assert {e: p for e, p in people.items() if e != gone} == expected_people(smaller)
        assert count(session, ProgrammeVersion) == 2
        latest = session.exec(select(AuditEntry).order_by(col(AuditEntry.seq).desc())).first()
        assert latest is not None
        assert latest.payload["people"]["deactivated"] == [gone]
        assert current_programme(session) == masked(smaller)
    full, full_text = programme_of(data)
    back = import_programme(backend.engine, full, full_text, "admin@example.org")
    assert back.reactivated == [gone]
    with read_session(backend.engine) as session:
        assert stored(session) == expected_people(full)
        assert audit.verify(session).ok


def test_roles_channels_and_members_are_replaced(backend: Backend) -> None:
    data = example_data()
    import_programme(backend.engine, *programme_of(data), "admin@example.org")
    nia = person_entry(data, "nia.morgan@example.org")
    nia["roles"] = ["co-producer", "reviewer"]
    nia["channels"] = ["mailbox://nia.morgan-new", "mailbox://nia.morgan-new"]
    nia["format"] = "standard"
    stream = data["workstreams"][0]
    stream["members"] = ["nia.morgan@example.org"]
    stream["name"]["en"] = "Day opportunities and work"
    programme, text = programme_of(data)
    result = import_programme(backend.engine, programme, text, "admin@example.org")
    assert "nia.morgan@example.org" in result.updated
    with read_session(backend.engine) as session:
        assert stored(session) == expected_people(programme)
        # The old channel is kept (outbox messages refer to it) but no longer used.
        urls = {
            (c.url, c.active)
            for c in session.exec(select(Channel).join(Person).where(Person.email == nia["email"]))
        }
        assert urls == {("mailbox://nia.morgan", False), ("mailbox://nia.morgan-new", True)}
        workstream = session.get(Workstream, "day-opportunities")
        assert workstream is not None
        assert workstream.name == "Day opportunities and work"


def test_a_workstream_left_out_keeps_its_row_but_loses_its_members(backend: Backend) -> None:
    data = example_data()
    import_programme(backend.engine, *programme_of(data), "admin@example.org")
    data["workstreams"] = [
        {
            "id": "housing",
            "name": {"en": "Housing", "cy": "Tai"},
            "leads": ["gareth.jones@example.org"],
        }
    ]
    result = import_programme(backend.engine, *programme_of(data), "admin@example.org")
    assert result.retired_workstreams == ["day-opportunities"]
    with read_session(backend.engine) as session:
        assert {w.id for w in session.exec(select(Workstream))} == {"day-opportunities", "housing"}
        members = session.exec(select(WorkstreamMember.workstream_id)).all()
        assert set(members) == {"housing"}


def test_a_person_never_asked_their_language_gets_both(backend: Backend) -> None:
    data = example_data()
    sam = person_entry(data, "sam.bennett@example.org")
    del sam["language"], sam["language_asked_on"]
    import_programme(backend.engine, *programme_of(data), "admin@example.org")
    with read_session(backend.engine) as session:
        people = {p.email: p for p in session.exec(select(Person))}
    assert people["sam.bennett@example.org"].language == "en"
    assert people["sam.bennett@example.org"].language_asked_on is None
    assert message_languages(people["sam.bennett@example.org"]) == ("cy", "en")
    assert message_languages(people["megan.lloyd@example.org"]) == ("cy",)
    assert message_languages(people["aled.evans@example.org"]) == ("en",)


def test_channel_urls_never_reach_the_audit_log(backend: Backend) -> None:
    data = example_data()
    person_entry(data, "megan.lloyd@example.org")["channels"] = [SECRET_URL]
    import_programme(backend.engine, *programme_of(data), "admin@example.org")
    person_entry(data, "megan.lloyd@example.org")["channels"] = ["mailbox://megan.lloyd"]
    import_programme(backend.engine, *programme_of(data), "admin@example.org")
    with read_session(backend.engine) as session:
        entries = list(session.exec(select(AuditEntry)))
        assert len(entries) == 2
        for entry in entries:
            assert SECRET not in audit.canonical_json(audit.entry_document(**_fields(entry)))
        # It is stored where it must be, sealed: the channel (now inactive) and the
        # file as loaded; the stored copy has it masked.
        assert any(SECRET in c.url for c in session.exec(select(Channel)))
        assert SECRET not in repr(list(session.exec(select(Channel))))
        assert any(SECRET in v.as_loaded for v in session.exec(select(ProgrammeVersion)))
        assert not any(SECRET in v.source for v in session.exec(select(ProgrammeVersion)))
    assert SECRET not in raw_text(backend)


def raw_text(backend: Backend) -> str:
    """Everything the channel and programme_version tables hold, read by plain SQL."""
    with backend.engine.connect() as connection:
        rows = [
            *connection.execute(text_sql("SELECT url FROM channel")),
            *connection.execute(text_sql("SELECT source, sealed_source FROM programme_version")),
        ]
    return "\n".join(str(value) for row in rows for value in row)


def test_channels_are_sealed_at_rest(backend: Backend) -> None:
    data = example_data()
    person_entry(data, "megan.lloyd@example.org")["channels"] = [SECRET_URL]
    programme, text = programme_of(data)
    import_programme(backend.engine, programme, text, "admin@example.org")
    stored = raw_text(backend)
    assert SECRET not in stored
    for person in programme.people:  # not one URL, not even a mailbox name
        for url in person.channels:
            assert url not in stored
    with backend.engine.connect() as connection:
        urls = [u for (u,) in connection.execute(text_sql("SELECT url FROM channel"))]
    assert urls
    assert all(u.startswith("fernet:") for u in urls)
    assert len(set(urls)) == len(urls)
    with read_session(backend.engine) as session:  # read back plain
        wanted = {u for p in programme.people for u in p.channels}
        assert {c.url for c in session.exec(select(Channel))} == wanted
    # The same file again: the channels are matched in Python, nothing changes.
    assert not import_programme(backend.engine, programme, text, "admin@example.org").changed
    person_entry(data, "megan.lloyd@example.org")["name"] = "Megan Ll."
    again = import_programme(backend.engine, *programme_of(data), "admin@example.org")
    assert again.updated == ["megan.lloyd@example.org"]
    with backend.engine.connect() as connection:
        assert sorted(urls) == sorted(
            u for (u,) in connection.execute(text_sql("SELECT url FROM channel"))
        )


@pytest.mark.parametrize(
    "channels",
    [
        "    channels: [mailto://a:pw123456@x.org, 'mailbox://b']\n",
        '    channels:\n      - "mailtos://a:pw123456@x.org"\n      - mailbox://b\n',
        "    channels:\n      - &c mailtos://a:pw123456@x.org\n      - !!str mailbox://b\n",
        "    channels:\n      - |\n        mailtos://a:pw123456@x.org\n      - x.y://pw123456\n",
    ],
    ids=["flow", "quoted", "anchor-and-tag", "block"],
)
def test_the_stored_copy_masks_every_form_of_channel(channels: str) -> None:
    text = (
        "# a comment kept\n"
        "people:\n"
        "  - email: a@example.org\n"
        f"{channels}"
        "    name: A  # and this one\n"
        "other: [mailto://not-a-channel]\n"
    )
    masked = mask_channels(text)
    assert "pw123456" not in masked
    assert "mailbox://b" not in masked
    assert masked.startswith("# a comment kept\n")
    assert "# and this one" in masked
    data = parse(masked).data
    shown = data["people"][0]["channels"]
    assert shown[0] in ("mailto://***", "mailtos://***")
    assert shown[1] in ("mailbox://***", "***://***")
    assert data["people"][0]["name"] == "A"
    assert data["other"] == ["mailto://not-a-channel"]  # only channels are masked
    assert mask_channels(masked) == masked


def _fields(entry: AuditEntry) -> dict[str, Any]:
    return {name: getattr(entry, name) for name in AuditEntry.HASHED_FIELDS}


def test_current_programme_needs_an_import(backend: Backend) -> None:
    with read_session(backend.engine) as session, pytest.raises(NoProgrammeError, match="init"):
        current_programme(session)


def test_an_import_that_fails_writes_nothing(
    backend: Backend, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*_args: object, **_kwargs: object) -> None:
        raise RuntimeError("the disk is full")

    # The audit entry is the last write of the unit of work: everything before it
    # (people, roles, channels, workstreams, the version) is rolled back with it.
    monkeypatch.setattr(audit, "append", broken)
    programme, text = load_programme_source(EXAMPLE)
    with pytest.raises(RuntimeError, match="disk is full"):
        import_programme(backend.engine, programme, text, "admin@example.org")
    with read_session(backend.engine) as session:
        for table in (Person, PersonRole, Channel, Workstream, ProgrammeVersion, AuditEntry):
            assert count(session, table) == 0, table.__name__


# --- the contact named at the end of every message ---------------------------------------------


def test_the_contact_is_read_whole_and_optional() -> None:
    programme, _text = load_programme_source(EXAMPLE)
    assert programme.contact is not None
    assert (programme.contact.name, programme.contact.phone) == ("Rhian Hopkins", "01632 960 123")
    assert programme.contact.email == "cydgynhyrchu@example.org"
    assert programme.contact.role is not None
    assert programme.contact.role.cy == "Swyddog y rhaglen cydgynhyrchu"
    data = example_data()
    del data["contact"]
    assert programme_of(data)[0].contact is None  # messages then ask people to reply
    data = example_data()
    data["contact"]["phone"] = " 01632   960 123 "
    data["contact"]["email"] = "Cydgynhyrchu@Example.org"
    contact = programme_of(data)[0].contact
    assert contact is not None
    assert (contact.phone, contact.email) == ("01632 960 123", "cydgynhyrchu@example.org")


@pytest.mark.parametrize(
    ("phone", "message"),
    [
        (1632960123, "write the phone number in quotes"),  # YAML read it as a number
        ("960 123", "10 to 15 digits"),
        ("01632 960 123 ext 4", "10 to 15 digits"),
        ("+44 1632 960123", None),
        ("(01632) 960-123", None),
    ],
)
def test_the_contacts_phone_number_is_checked(phone: Any, message: str | None) -> None:
    data = example_data()
    data["contact"]["phone"] = phone
    if message is None:
        contact = programme_of(data)[0].contact
        assert contact is not None
        assert contact.phone == phone
        return
    with pytest.raises(ProgrammeError) as caught:
        programme_of(data)
    [problem] = caught.value.problems
    assert message in problem.message
    assert "'phone'" in problem.message


def test_the_contact_is_stored_with_the_programme_and_a_change_is_a_new_version(
    backend: Backend,
) -> None:
    from notifications.contact import programme_contact

    programme, text = load_programme_source(EXAMPLE)
    import_programme(backend.engine, programme, text, "admin@example.org")
    with read_session(backend.engine) as session:
        assert current_programme(session).contact == programme.contact
        assert programme_contact(session) == programme.contact
    data = example_data()
    data["contact"]["name"] = "Owain Rees"
    changed, changed_text = programme_of(data)
    result = import_programme(backend.engine, changed, changed_text, "admin@example.org")
    assert result.changed
    with read_session(backend.engine) as session:
        assert count(session, ProgrammeVersion) == 2
        found = programme_contact(session)
        assert found is not None
        assert found.name == current_programme(session).contact.name == "Owain Rees"  # type: ignore[union-attr]
