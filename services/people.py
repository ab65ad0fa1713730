"""Who people are, as the governance rules see them, read from the tables."""

from __future__ import annotations

from sqlalchemy import Engine
from sqlmodel import Session, col, select

from governance.lifecycle import VentureState
from governance.permissions import Actor, Role, VentureFacts
from governance.rules import DecisionRule
from models import queries
from models import tables as t
from models.db import read_session


def roles_of(session: Session, person: t.Person) -> frozenset[Role]:
    session.flush()  # (a statement built once does not flush: a role just added counts)
    names = queries.rows(session, queries.ROLES_OF, id=person.id)
    return frozenset(Role(row.role) for row in names if row.role in _ROLES)


_ROLES = frozenset(Role.__members__.values())


def actor_for(session: Session, person: t.Person) -> Actor:
    """The person as the rules see them (every command checks its actor: the reads are
    statements built once, `models.queries`)."""
    return Actor(
        person_id=person.email,
        roles=roles_of(session, person),
        lived_experience=person.lived_experience,
        supports=queries.email_of(session, person.supports_person_id),
    )


def board_people(session: Session) -> list[tuple[t.Person, bool]]:
    """The Board's active members, each with whether they are the chair."""
    rows = session.exec(
        select(t.Person, t.PersonRole.role)
        .join(t.PersonRole, col(t.PersonRole.person_id) == col(t.Person.id))
        .where(col(t.Person.active))
        .where(col(t.PersonRole.role).in_([Role.BOARD_MEMBER.value, Role.CHAIR.value]))
        .order_by(col(t.Person.email))
    ).all()
    board: dict[str, tuple[t.Person, bool]] = {}
    for person, role in rows:
        held = board.get(person.email)
        board[person.email] = (person, (held[1] if held else False) or role == Role.CHAIR.value)
    return list(board.values())


def supporters_of(session: Session, person: t.Person) -> list[t.Person]:
    """The active people who support `person` (their `supports` names them), by email."""
    if person.id is None:
        return []
    return list(
        session.exec(
            select(t.Person)
            .where(t.Person.supports_person_id == person.id)
            .where(col(t.Person.active))
            .order_by(col(t.Person.email))
        ).all()
    )


def workstream_people(session: Session, workstream_id: str) -> list[t.Person]:
    return list(
        session.exec(
            select(t.Person)
            .join(t.WorkstreamMember, col(t.WorkstreamMember.person_id) == col(t.Person.id))
            .where(t.WorkstreamMember.workstream_id == workstream_id)
            .order_by(col(t.Person.email))
        ).all()
    )


def venture_facts(
    session: Session, venture: t.Venture, *, state: VentureState | None = None
) -> VentureFacts:
    """Whose venture it is, as the rules see it (every command on a venture checks it:
    the reads are statements built once, `models.queries`)."""
    session.flush()
    members = queries.rows(session, queries.WORKSTREAM_EMAILS, workstream_id=venture.workstream_id)
    return VentureFacts(
        venture_id=venture.id,
        lead_id=queries.email_of(session, venture.lead_id) or "",
        workstream_members=frozenset(row.email for row in members),
        state=state or VentureState(venture.state),
    )


def programme_rules(session: Session) -> dict[str, DecisionRule]:
    """The decision rules of the programme in force, by name."""
    from services.programme_import import current_programme

    return {rule.name: rule for rule in current_programme(session).board.decision_rules}


def roles_by_email(engine: Engine, email: str) -> frozenset[Role]:
    """The roles of the person with `email` (none for someone unknown): what the pages'
    navigation offers them (the rules still decide each action)."""
    with read_session(engine) as session:
        names = session.exec(
            select(t.PersonRole.role)
            .join(t.Person, col(t.Person.id) == col(t.PersonRole.person_id))
            .where(t.Person.email == email)
            .where(col(t.Person.active))
        )
        return frozenset(Role(name) for name in names if name in Role.__members__.values())


def language_of(engine: Engine, email: str | None) -> str | None:
    """The language ("en" or "cy") the person with `email` chose to read Cyd in, or None
    for someone unknown or never asked (what the command line speaks to them in)."""
    if not email:
        return None
    from models.tables import normalize_email

    with read_session(engine) as session:
        person = session.exec(select(t.Person).where(t.Person.email == normalize_email(email)))
        found = person.first()
        if found is None or found.language_asked_on is None:
            return None
        return found.language
