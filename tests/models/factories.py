"""Small builders of test data, written the way the service layer will write it:
each command in one unit of work, with its audit entry and its outbox messages."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from sqlalchemy.engine import Engine
from sqlmodel import Session

from models import audit, outbox, queries
from models.db import unit_of_work
from models.history import supersede
from models.tables import (
    Ballot,
    Channel,
    GateRun,
    Person,
    PersonRole,
    Venture,
    Vote,
    Workstream,
    WorkstreamMember,
)

NOW = datetime(2025, 3, 3, 9, 30, tzinfo=UTC)
RULE = {"name": "board-lived-experience", "quorum": 3, "threshold": "simple-majority"}


@dataclass
class World:
    """A workstream, its lead, a Board, and one venture at the Board (ballot 1)."""

    lead: Person
    members: list[Person]
    channels: dict[int, int]  # person id → channel id
    venture_id: str
    gate_id: str = "design"
    ballot: int = 1
    everyone: list[Person] = field(default_factory=list)


def add_person(
    session: Session,
    email: str,
    *,
    roles: tuple[str, ...] = (),
    lived_experience: bool = False,
    language: str = "en",
    format: str = "standard",
) -> tuple[Person, Channel]:
    person = Person(
        email=email,
        name=email.split("@")[0].title(),
        lived_experience=lived_experience,
        language=language,
        format=format,
    )
    session.add(person)
    session.flush()
    assert person.id is not None
    for role in roles:
        session.add(PersonRole(person_id=person.id, role=role))
    channel = Channel(person_id=person.id, url=f"mailto://{email}?secret=s3cr3t", label="email")
    session.add(channel)
    session.flush()
    return person, channel


def add_venture(
    session: Session,
    venture_id: str,
    *,
    lead: Person,
    workstream_id: str = "day-services",
    gate_id: str = "design",
    state: str = "awaiting_board",
    deadline: datetime | None = None,
    with_ballot: bool = True,
) -> Venture:
    assert lead.id is not None
    venture = Venture(
        id=venture_id,
        workstream_id=workstream_id,
        title=f"Venture {venture_id}",
        lead_id=lead.id,
        state=state,
        gate_id=gate_id,
        deadline=deadline,
    )
    session.add(venture)
    session.flush()
    session.add(
        GateRun(
            venture_id=venture_id,
            gate_id=gate_id,
            gate_version=1,
            checklists=[{"id": "coproduction-start", "version": 1}],
            decision_rule=RULE["name"],
            decision_rule_snapshot=RULE,
        )
    )
    session.flush()
    if with_ballot:
        session.add(
            Ballot(
                venture_id=venture_id,
                gate_id=gate_id,
                number=1,
                deadline=(deadline or NOW + timedelta(days=14)),
            )
        )
        session.flush()
    return venture


def run(engine: Engine, command: Callable[[Session], object]) -> None:
    """Run `command` as one unit of work (for tests of commands that fail)."""
    with unit_of_work(engine) as session:
        command(session)


def make_world(engine: Engine, *, members: int = 8, venture_id: str = "v-0001") -> World:
    with unit_of_work(engine) as session:
        session.add(Workstream(id="day-services", name="Day services"))
        session.flush()
        lead, lead_channel = add_person(session, "lead@example.org", roles=("lead",))
        channels = {lead.id: lead_channel.id}
        board = []
        for n in range(members):
            person, channel = add_person(
                session,
                f"member{n}@example.org",
                roles=("board-member",),
                lived_experience=n % 2 == 0,
                language="cy" if n % 3 == 0 else "en",
                format="easy-read" if n % 2 == 0 else "standard",
            )
            board.append(person)
            channels[person.id] = channel.id
        assert lead.id is not None
        session.add(WorkstreamMember(workstream_id="day-services", person_id=lead.id, is_lead=True))
        add_venture(session, venture_id, lead=lead)
        audit.append(
            session,
            lead.email,
            "venture.start",
            venture_id,
            {"args": {"workstream": "day-services", "title": f"Venture {venture_id}"}},
        )
    return World(
        lead=lead,
        members=board,
        channels={k: v for k, v in channels.items() if k is not None and v is not None},
        venture_id=venture_id,
        everyone=[lead, *board],
    )


def cast_vote(
    session: Session,
    world: World,
    member: Person,
    choice: str,
    *,
    reason: str | None = None,
    venture_id: str | None = None,
) -> Vote:
    """Record a vote as `cyd board vote` will: supersede, audit, notify."""
    assert member.id is not None
    venture = venture_id or world.venture_id
    current = queries.current_vote(session, venture, world.gate_id, world.ballot, member.id)
    vote = supersede(
        session,
        current,
        Vote(
            venture_id=venture,
            gate_id=world.gate_id,
            ballot=world.ballot,
            member_id=member.id,
            choice=choice,
            reason=reason,
        ),
    )
    audit.append(
        session,
        member.email,
        "board.vote",
        venture,
        {
            "args": {"venture": venture, "member": member.email, "choice": choice},
            "reason": reason,
            "vote_id": vote.id,
        },
    )
    outbox.enqueue(
        session,
        event="vote.recorded",
        person_id=member.id,
        channel_id=world.channels[member.id],
        language=member.language,
        format=member.format,
        payload={"choice": choice},
        venture_id=venture,
        gate_id=world.gate_id,
        ballot=world.ballot,
        discriminator=str(vote.id),
    )
    return vote
