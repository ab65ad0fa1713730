"""Replaying the audit log rebuilds the stored state, by the rules, on both databases;
a tampered log is caught by `verify`, and a rewritten (rehashed) one by `compare`."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine
from sqlmodel import col, select

from checklists.loader import Library, load_library
from models import audit
from models import tables as t
from models.db import make_engine, read_session, unit_of_work
from models.migrate import upgrade
from services import assisted
from services import people_admin as pa
from services.commands import (
    Cyd,
    PermissionDenied,
    advance_open,
    answer,
    close_vote,
    declare_interest,
    extend,
    record_review,
    resume,
    sign_off,
    start_venture,
    submit,
    vote,
    withdraw,
)
from services.programme_import import import_programme, load_programme, load_programme_source
from services.replay import compare, replay
from services.review_view import review_of
from tests.models.conftest import Backend, PostgresServer
from tests.notifications.conftest import PASSWORD, SmtpServer, smtp  # noqa: F401  (a fixture)
from tests.services.test_commands import (
    CHAIR,
    CO_PRODUCER,
    LEAD,
    REVIEWERS,
    SUPPORTER,
    Clock,
    fill_checklist,
    past_the_vote,
)

ROOT = Path(__file__).resolve().parents[2]
PROGRAMME = ROOT / "examples" / "programme.yaml"
ADMIN = "admin@example.org"
CLERK = "bethan.rees@example.org"
MEMBER = "aled.evans@example.org"


@pytest.fixture(scope="module")
def library() -> Library:
    return load_library()


@pytest.fixture
def target(backend: Backend, tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[Engine]:
    """A second empty, migrated database on the same kind of server as `backend`."""
    if backend.name == "sqlite":
        engine = make_engine(f"sqlite:///{tmp_path / 'replayed.db'}")
        upgrade(engine)
        yield engine
        engine.dispose()
        return
    server: PostgresServer = request.getfixturevalue("postgres_server")
    url = server.create_database()
    engine = make_engine(url)
    try:
        upgrade(engine)
        yield engine
    finally:
        engine.dispose()
        server.drop_database(url)


def imported(engine: Engine, library: Library) -> Cyd:
    programme = load_programme(PROGRAMME, library=library)
    clock = Clock()
    import_programme(
        engine,
        programme,
        PROGRAMME.read_text(encoding="utf-8"),
        "admin@example.org",
        at=clock(),
    )
    return Cyd(engine, library, clock=clock)


def refused(action: object) -> None:
    assert callable(action)
    with pytest.raises(PermissionDenied):
        action()


def whole_path(cyd: Cyd) -> str:
    """The path of test_commands (returned, completed, reviewed, declared, more time, a
    supporter, closed, the next gate), with refusals, a changed answer that makes reviews
    and votes stale, an extension; a second venture decided at its deadline; a third put
    on hold, taken off hold and withdrawn."""
    venture = start_venture(
        cyd, workstream="day-opportunities", title="Community café", lead=LEAD
    ).venture_id
    refused(lambda: start_venture(cyd, workstream="day-opportunities", title="x", lead=CHAIR))
    answer(cyd, venture, "venture-summary", "A café run with the people who use it. " * 2, by=LEAD)
    refused(lambda: sign_off(cyd, venture, by=LEAD))  # the lead does not sign off
    sign_off(cyd, venture, by=CO_PRODUCER)
    assert submit(cyd, venture, by=LEAD).advanced.state == "returned"  # type: ignore[union-attr]
    refused(lambda: submit(cyd, venture, by=CO_PRODUCER))
    fill_checklist(cyd, venture, CO_PRODUCER)
    submit(cyd, venture, by=LEAD)
    refused(lambda: record_review(cyd, venture, by=CHAIR, recommend="go"))
    # Opening the review page is refused (and logged) by the same rules.
    refused(lambda: review_of(cyd.engine, cyd.library, venture, CHAIR, cyd.clock()))
    record_review(cyd, venture, by=REVIEWERS[0], recommend="go")
    record_review(cyd, venture, by=REVIEWERS[1], recommend="recycle", note="Pay?")
    vote(cyd, venture, member="aled.evans@example.org", choice="approve")
    # A changed answer: the reviews and the vote are stale, and it goes back to review.
    answer(
        cyd,
        venture,
        "venture-summary",
        "A new plan for the café, told plainly for everyone who uses it.",
        by=LEAD,
    )
    for reviewer in REVIEWERS:
        record_review(cyd, venture, by=reviewer, recommend="go")
    declare_interest(cyd, venture, member="david.hughes@example.org", interest="Runs a café")
    refused(lambda: vote(cyd, venture, member="david.hughes@example.org", choice="approve"))
    refused(lambda: vote(cyd, venture, member=LEAD, choice="approve"))
    refused(lambda: vote(cyd, venture, member=SUPPORTER, choice="approve"))
    refused(
        lambda: vote(
            cyd, venture, member="aled.evans@example.org", choice="approve", supported_by=SUPPORTER
        )
    )
    vote(cyd, venture, member=CHAIR, choice="approve", supported_by=SUPPORTER)
    vote(cyd, venture, member="aled.evans@example.org", choice="approve")
    vote(cyd, venture, member="sian.roberts@example.org", choice="more-time")
    vote(
        cyd,
        venture,
        member="priya.shah@example.org",
        choice="approve-with-conditions",
        reason="Pay people from the first day.",
    )
    refused(lambda: close_vote(cyd, venture, by="aled.evans@example.org"))
    assert isinstance(cyd.clock, Clock)
    extend(
        cyd,
        venture,
        until=(cyd.clock.now + dt.timedelta(days=20)).date(),
        by=LEAD,
        reason="Easy Read papers came late.",
    )
    close_vote(cyd, venture, by=CHAIR)  # more time for Siân: the vote runs on
    vote(cyd, venture, member="sian.roberts@example.org", choice="approve")
    decided = close_vote(cyd, venture, by=CHAIR)
    assert decided.advanced is not None
    assert (decided.advanced.state, decided.advanced.gate_id) == ("draft", "delivery")

    second = start_venture(
        cyd, workstream="day-opportunities", title="Walking group", lead=CO_PRODUCER
    ).venture_id
    fill_checklist(cyd, second, "sam.bennett@example.org")
    submit(cyd, second, by=CO_PRODUCER)
    for reviewer in REVIEWERS:
        record_review(cyd, second, by=reviewer, recommend="go")
    vote(cyd, second, member=LEAD, choice="reject")  # the other venture's lead: a member here
    vote(cyd, second, member="priya.shah@example.org", choice="reject")
    vote(cyd, second, member=CHAIR, choice="reject")
    vote(cyd, second, member="sian.roberts@example.org", choice="abstain")
    past_the_vote(cyd, second)
    [report] = [r.report for r in advance_open(cyd) if r.changed and r.report]
    assert report.state == "rejected"
    refused(lambda: submit(cyd, second, by=CO_PRODUCER))

    third = start_venture(cyd, workstream="day-opportunities", title="Garden", lead=LEAD).venture_id
    fill_checklist(cyd, third, CO_PRODUCER)
    submit(cyd, third, by=LEAD)
    for reviewer in REVIEWERS:
        record_review(cyd, third, by=reviewer, recommend="go")
    for member in (CHAIR, "aled.evans@example.org", "priya.shah@example.org"):
        vote(cyd, third, member=member, choice="hold")
    vote(cyd, third, member="sian.roberts@example.org", choice="approve")
    assert close_vote(cyd, third, by=CHAIR).advanced.state == "on_hold"  # type: ignore[union-attr]
    refused(lambda: resume(cyd, third, by="aled.evans@example.org"))
    assert resume(cyd, third, by=CHAIR).advanced.state == "awaiting_board"  # type: ignore[union-attr]
    refused(lambda: withdraw(cyd, third, by=CO_PRODUCER, reason="Not needed."))
    withdraw(cyd, third, by=LEAD, reason="The garden is sold.")
    return venture


def test_replaying_the_whole_path_rebuilds_the_same_state(
    backend: Backend, target: Engine, library: Library
) -> None:
    cyd = imported(backend.engine, library)
    whole_path(cyd)
    result = replay(backend.engine, target, library)
    assert result.ok, "\n".join(result.problems)
    with read_session(backend.engine) as session:
        entries = session.exec(select(t.AuditEntry.action)).all()
        source_head = audit.head(session)
    assert result.entries == len(entries)
    assert {
        "denied",
        "deadline.extended",
        "interest.declared",
        "vote.closed",
        "venture.resumed",
        "venture.withdrawn",
    } <= set(entries)
    assert compare(backend.engine, target) == []
    with read_session(target) as session:
        assert audit.verify(session).ok
        assert session.exec(select(t.Decision)).all()
        if backend.name == "sqlite":
            # Two fresh databases give the same row ids, so the same hashes.
            assert audit.head(session) == source_head


def test_a_lead_item_refused_to_a_co_producer_is_refused_again_on_replay(
    backend: Backend, target: Engine, library: Library
) -> None:
    """A co-producer answering an item only the lead may answer, and a clerk recording
    it for them, are refused as 'item-for-lead'; the log does not say which item, so
    replay tries one of the lead's and must be refused the same way (it could not find
    the item '(replayed)' before, and said the rules no longer refused it)."""
    cyd = imported(backend.engine, library)
    venture = start_venture(
        cyd, workstream="day-opportunities", title="Community café", lead=LEAD
    ).venture_id
    count = "coproduction-start/lived-experience-count"  # audience: lead
    with pytest.raises(PermissionDenied) as by_them:
        answer(cyd, venture, count, 3, by=CO_PRODUCER)
    with pytest.raises(PermissionDenied) as for_them:
        assisted.record_answer_for(
            cyd, venture, by=CLERK, person=CO_PRODUCER, item_ref=count, value=3
        )
    assert (by_them.value.code, for_them.value.code) == ("item-for-lead", "item-for-lead")
    answer(cyd, venture, count, 3, by=LEAD)  # the lead's to give
    result = replay(backend.engine, target, library)
    assert result.ok, "\n".join(result.problems)
    assert compare(backend.engine, target) == []


def test_a_second_replay_of_the_same_log_is_refused_entry_by_entry(
    backend: Backend, target: Engine, library: Library
) -> None:
    """Replay needs an empty target: replaying twice reproduces nothing."""
    cyd = imported(backend.engine, library)
    start_venture(cyd, workstream="day-opportunities", title="Café", lead=LEAD)
    assert replay(backend.engine, target, library).ok
    again = replay(backend.engine, target, library)
    assert not again.ok
    assert again.problems[0].startswith("entry 1 (programme.imported)")


def test_an_edited_vote_breaks_the_chain_at_that_entry(backend: Backend, library: Library) -> None:
    cyd = imported(backend.engine, library)
    whole_path(cyd)
    seq = _first_vote(backend.engine, "approve")
    with unit_of_work(backend.engine) as session:
        entry = session.get(t.AuditEntry, seq)
        assert entry is not None
        entry.payload = {**entry.payload, "choice": "reject"}  # the hashes are left as they are
        session.add(entry)
    with read_session(backend.engine) as session:
        result = audit.verify(session)
    assert not result.ok
    assert result.first_bad_seq == seq


def test_a_rewritten_and_rehashed_log_replays_to_a_different_state(
    backend: Backend, target: Engine, library: Library
) -> None:
    """Whoever rewrites a vote and every hash after it passes `verify`, but not a replay:
    the replay does what the log says, so its votes (and the decision the rules then
    take) differ from what is stored."""
    cyd = imported(backend.engine, library)
    whole_path(cyd)
    seq = _first_vote(backend.engine, "approve", member=CHAIR)
    _rewrite(backend.engine, seq, choice="reject")
    with read_session(backend.engine) as session:
        assert audit.verify(session).ok  # the chain alone no longer tells
    result = replay(backend.engine, target, library)
    differences = compare(backend.engine, target)
    assert any(d.startswith("votes: only in the source") and '"approve"' in d for d in differences)
    assert any(d.startswith("votes: only in the target") and '"reject"' in d for d in differences)
    # The rules, counting the rewritten vote, do not reach the logged decision.
    assert any("venture.advanced" in p and "RecordDecision" in p for p in result.problems)


def _first_vote(engine: Engine, choice: str, member: str | None = None) -> int:
    with read_session(engine) as session:
        for entry in session.exec(
            select(t.AuditEntry)
            .where(t.AuditEntry.action == "vote.recorded")
            .order_by(col(t.AuditEntry.seq))
        ):
            if entry.payload["choice"] == choice and member in (None, entry.actor):
                return entry.seq
    raise AssertionError(f"no {choice} vote in the log")


def _rewrite(engine: Engine, seq: int, **changes: object) -> None:
    """Change an entry's payload and recompute the chain from it to the head."""
    with unit_of_work(engine) as session:
        rows = session.exec(
            select(t.AuditEntry).where(t.AuditEntry.seq >= seq).order_by(col(t.AuditEntry.seq))
        ).all()
        rows[0].payload = {**rows[0].payload, **changes}
        prev_hash = rows[0].prev_hash
        # The hash column is unique: clear the old hashes before writing the new ones.
        for row in rows:
            row.hash = f"rewriting-{row.seq}"
            session.add(row)
        session.flush()
        for row in rows:
            row.prev_hash = prev_hash
            row.hash = prev_hash = audit.entry_hash(row)
            session.add(row)


def _pid(cyd: Cyd, email: str) -> int:
    with read_session(cyd.engine) as session:
        person = session.exec(select(t.Person).where(t.Person.email == email)).one()
        assert person.id is not None
        return person.id


def people_admin_path(cyd: Cyd, smtp: SmtpServer) -> None:  # noqa: F811  (the fixture)
    """Every people admin command, the channels (one tested for real, on loopback), and
    the refusals of a non-admin (a read, a changed programme file)."""
    new = pa.add_person(
        cyd,
        by=ADMIN,
        email="new.member@example.org",
        name="New Member",
        roles=["co-producer"],
        language="cy",
        format="easy-read",
        lived_experience=True,
    )
    helper = pa.add_person(cyd, by=ADMIN, email="helper@example.org", name="Helper")
    assert pa.change_name(cyd, by=ADMIN, person_id=new, name="New  Member Two")
    assert pa.change_roles(cyd, by=ADMIN, person_id=new, roles=["co-producer", "lead"])
    assert pa.change_language(cyd, by=ADMIN, person_id=new, language="en")
    assert pa.change_format(cyd, by=ADMIN, person_id=new, format="standard")
    assert pa.change_lived_experience(cyd, by=ADMIN, person_id=new, lived_experience=False)
    assert pa.change_supporters(cyd, by=ADMIN, person_id=new, supporters=[helper])
    assert pa.change_workstreams(cyd, by=ADMIN, person_id=new, places={"day-opportunities": False})
    assert pa.change_quiet_hours(cyd, by=ADMIN, person_id=new, start="21:00", end="08:00")
    assert pa.change_digest(cyd, by=ADMIN, person_id=new, daily=True)
    first = pa.add_channel(cyd, by=ADMIN, person_id=new, url="mailbox://new.member", label="Email")
    tested = pa.replace_channel(
        cyd, by=ADMIN, person_id=new, channel_id=first, url=smtp.url("new@example.org")
    )
    assert pa.send_test_message(cyd, by=ADMIN, person_id=new, channel_id=tested).sent
    other = pa.add_channel(cyd, by=ADMIN, person_id=helper, url="mailbox://helper")
    pa.remove_channel(cyd, by=ADMIN, person_id=helper, channel_id=other)
    pa.add_channel(cyd, by=ADMIN, person_id=helper, url="mailbox://helper.two")
    assert pa.deactivate(cyd, by=ADMIN, person_id=helper)
    refused(lambda: pa.list_people(cyd, by=CHAIR))
    programme, text = load_programme_source(PROGRAMME)
    refused(lambda: import_programme(cyd.engine, programme, text + "\n# changed\n", CHAIR))


def assisted_path(cyd: Cyd) -> None:
    """A vote and an answer recorded by the clerk and confirmed (they count), a vote
    recorded twice (the first replaced) and declined, an answer declined, and every
    refusal of the assisted actions."""
    at_board = start_venture(
        cyd, workstream="day-opportunities", title="Community café", lead=LEAD
    ).venture_id
    fill_checklist(cyd, at_board, CO_PRODUCER)
    submit(cyd, at_board, by=LEAD)
    for reviewer in REVIEWERS:
        record_review(cyd, at_board, by=reviewer, recommend="go")
    voted = assisted.record_vote_for(
        cyd, at_board, by=CLERK, member=CHAIR, choice="approve-with-conditions", reason="Pay"
    ).details["id"]
    assisted.confirm(cyd, voted, by=CHAIR)
    assisted.record_vote_for(cyd, at_board, by=CLERK, member=MEMBER, choice="approve")
    again = assisted.record_vote_for(
        cyd, at_board, by=CLERK, member=MEMBER, choice="reject"
    ).details["id"]
    assisted.decline(cyd, again, by=MEMBER)

    draft = start_venture(
        cyd, workstream="day-opportunities", title="Walking group", lead=LEAD
    ).venture_id
    summary = "coproduction-start/venture-summary"
    said = assisted.record_answer_for(
        cyd, draft, by=CLERK, person=CO_PRODUCER, item_ref=summary, value="A walk each week. " * 3
    ).details["id"]
    assisted.confirm(cyd, said, by=CO_PRODUCER)
    wrong = assisted.record_answer_for(
        cyd, draft, by=CLERK, person=CO_PRODUCER, item_ref=summary, value="Not what I said. " * 3
    ).details["id"]
    assisted.decline(cyd, wrong, by=CO_PRODUCER)
    pending = assisted.record_vote_for(
        cyd, at_board, by=CLERK, member="priya.shah@example.org", choice="abstain"
    ).details["id"]

    refused(
        lambda: assisted.record_vote_for(cyd, at_board, by=CHAIR, member=MEMBER, choice="reject")
    )
    refused(
        lambda: assisted.record_vote_for(cyd, at_board, by=CLERK, member=CLERK, choice="reject")
    )
    # The person's own rule: the lead never votes on their own venture.
    refused(lambda: assisted.record_vote_for(cyd, at_board, by=CLERK, member=LEAD, choice="reject"))
    refused(lambda: assisted.clerk_desk(cyd, at_board, by=CHAIR))
    refused(lambda: assisted.confirm(cyd, pending, by=MEMBER))
    refused(lambda: assisted.decline(cyd, pending, by=MEMBER))
    refused(lambda: assisted.pending_action(cyd, pending, by=MEMBER))
    refused(lambda: assisted.recorded_by_me(cyd, pending, by=MEMBER))


def test_replaying_people_admin_channels_and_assisted_actions(
    backend: Backend,
    target: Engine,
    library: Library,
    smtp: SmtpServer,  # noqa: F811  (the fixture)
) -> None:
    cyd = imported(backend.engine, library)
    people_admin_path(cyd, smtp)
    assisted_path(cyd)
    result = replay(backend.engine, target, library)
    assert result.ok, "\n".join(result.problems)
    with read_session(backend.engine) as session:
        logged = session.exec(select(t.AuditEntry)).all()
        source_head = audit.head(session)
    actions = {e.action for e in logged}
    assert {
        "person.added",
        "person.changed",
        "person.deactivated",
        "channel.added",
        "channel.replaced",
        "channel.removed",
        "channel.tested",
        "assisted.recorded",
        "assisted.declined",
    } <= actions
    assert {e.payload["field"] for e in logged if e.action == "person.changed"} == {
        "name",
        "roles",
        "language",
        "format",
        "lived_experience",
        "supporters",
        "workstreams",
        "quiet_hours",
        "daily_digest",
    }
    confirmations = [e for e in logged if e.payload.get("assisted")]
    assert {e.action for e in confirmations} == {"vote.recorded", "answer.recorded"}
    assert all(e.payload["recorded_by"] == CLERK for e in confirmations)
    refusals = {(e.payload["action"], e.payload["code"]) for e in logged if e.action == "denied"}
    assert {a for a, _ in refusals} >= {
        "people.administer",
        "programme.import",
        "assisted.record",
        "assisted.desk",
        "assisted.confirm",
        "assisted.decline",
        "assisted.view",
    }
    assert {c for a, c in refusals if a == "assisted.record"} >= {
        "not-clerk",
        "clerk-own-record",
    }
    assert len({c for a, c in refusals if a == "assisted.record"}) == 3  # the lead's own rule
    assert compare(backend.engine, target) == []
    with read_session(target) as session:
        assert audit.verify(session).ok
        statuses = sorted(r.status for r in session.exec(select(t.AssistedAction)))
        assert statuses == sorted(
            ["confirmed", "replaced", "declined", "confirmed", "declined", "pending"]
        )
        # The confirmed vote counts in the target as in the source; the declined does not.
        votes = session.exec(select(t.Vote)).all()
        assert [(v.choice, v.reason) for v in votes] == [("approve-with-conditions", "Pay")]
        # The channels: the same, and working (the URL from the source's row).
        assert PASSWORD in {
            c.url.split("@")[0].split(":")[-1] for c in session.exec(select(t.Channel))
        }
        if backend.name == "sqlite":
            assert audit.head(session) == source_head


def test_a_channel_replayed_never_shows_its_url(
    backend: Backend,
    target: Engine,
    library: Library,
    smtp: SmtpServer,  # noqa: F811  (the fixture)
) -> None:
    """A channel that differs between the two databases is shown masked."""
    cyd = imported(backend.engine, library)
    people_admin_path(cyd, smtp)
    assert replay(backend.engine, target, library).ok
    with unit_of_work(target) as session:
        for channel in session.exec(select(t.Channel)):
            if channel.url.startswith("mailto"):
                channel.label = "changed"
                session.add(channel)
    differences = compare(backend.engine, target)
    assert any(d.startswith("channels: only in the target") for d in differences)
    assert not any(PASSWORD in d for d in differences)
