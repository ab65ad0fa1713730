"""Who may do what: each rule answers `Allowed` or `Denied` with a reason.

Denials are values, not exceptions, so that the persistence layer can record
them in the audit log like any other attempt. Every rule also checks the state
of the venture where the action only makes sense in some states, so a caller
needs no second check.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from enum import StrEnum

from governance.ballots import Interest, Member
from governance.lifecycle import (
    FINAL_STATES,
    STATE_WORDS,
    VentureState,
)


class Role(StrEnum):
    LEAD = "lead"
    CO_PRODUCER = "co-producer"
    REVIEWER = "reviewer"
    BOARD_MEMBER = "board-member"
    CHAIR = "chair"  # the chair is a member of the Board too
    ADMIN = "admin"


BOARD_ROLES: frozenset[Role] = frozenset({Role.BOARD_MEMBER, Role.CHAIR})


@dataclass(frozen=True, slots=True)
class Actor:
    """A person acting in Cyd, with what the rules need to know about them."""

    person_id: str
    roles: frozenset[Role]
    lived_experience: bool = False
    supports: str | None = None  # the person this one supports, if a supporter

    @property
    def on_board(self) -> bool:
        return bool(self.roles & BOARD_ROLES)

    @property
    def is_chair(self) -> bool:
        return Role.CHAIR in self.roles


@dataclass(frozen=True, slots=True)
class VentureFacts:
    """What the permission rules need to know about a venture."""

    venture_id: str
    lead_id: str
    workstream_members: frozenset[str]  # leads and members of the venture's workstream
    state: VentureState


@dataclass(frozen=True, slots=True)
class Allowed:
    def __bool__(self) -> bool:
        return True


@dataclass(frozen=True, slots=True)
class Denied:
    code: str  # stable, for templates and tests
    reason: str  # one English sentence

    def __bool__(self) -> bool:
        return False


Permission = Allowed | Denied
ALLOWED = Allowed()


def board_of(actors: Iterable[Actor]) -> tuple[Member, ...]:
    """The Board, as `decide` counts it: everyone with the board-member or chair role."""
    return tuple(
        Member(a.person_id, lived_experience=a.lived_experience, is_chair=a.is_chair)
        for a in actors
        if a.on_board
    )


def may_start_venture(actor: Actor, workstream_members: Iterable[str]) -> Permission:
    if actor.person_id not in set(workstream_members):
        return Denied(
            "not-in-workstream", "Only members of a workstream may start a venture in it."
        )
    return ALLOWED


def may_answer(actor: Actor, venture: VentureFacts) -> Permission:
    if not _is_party(actor, venture):
        return Denied(
            "not-in-workstream",
            "Only the lead and the members of the venture's workstream may answer its checklist.",
        )
    return _open(venture, "answered")


def may_reopen(actor: Actor, venture: VentureFacts) -> Permission:
    """Reopening a returned or recycled venture is what editing it again does."""
    if not _is_party(actor, venture):
        return Denied(
            "not-in-workstream",
            "Only the lead and the members of the venture's workstream may reopen it.",
        )
    return _in(venture, {VentureState.RETURNED, VentureState.RECYCLED}, "reopened")


def may_submit(actor: Actor, venture: VentureFacts) -> Permission:
    if actor.person_id != venture.lead_id:
        return Denied("not-lead", "Only the venture's lead may submit it.")
    return _in(venture, {VentureState.DRAFT}, "submitted")


def may_review(actor: Actor, venture: VentureFacts) -> Permission:
    if Role.REVIEWER not in actor.roles:
        return Denied("not-reviewer", "Only people with the reviewer role may review a venture.")
    if actor.person_id == venture.lead_id:
        return Denied("own-venture", "A lead never reviews their own venture.")
    return _in(venture, {VentureState.IN_REVIEW}, "reviewed")


def may_declare(actor: Actor) -> Permission:
    if not actor.on_board:
        return Denied("not-on-board", "Only members of the Board declare interests.")
    return ALLOWED


def may_vote(actor: Actor, venture: VentureFacts, interests: Iterable[Interest]) -> Permission:
    """A Board member's own vote. A supporter helps (see `may_support`) but never votes."""
    if actor.supports is not None:
        return Denied(
            "supporter",
            "A supporter never votes. Record the vote of the member you support, with you as"
            " their supporter.",
        )
    if not actor.on_board:
        return Denied("not-on-board", "Only members of the Board vote.")
    if actor.person_id == venture.lead_id:
        return Denied("own-venture", "A lead never votes on their own venture.")
    if any(i.member_id == actor.person_id for i in interests):
        return Denied(
            "declared-interest", "You declared an interest in this venture, so you do not vote."
        )
    return _in(venture, {VentureState.AWAITING_BOARD}, "voted on")


def may_support(supporter: Actor, member: Actor) -> Permission:
    """Whether `supporter` may be recorded as helping `member` cast their vote."""
    if supporter.supports != member.person_id:
        return Denied(
            "not-their-supporter", "Only the person's own supporter may be recorded as helping."
        )
    return ALLOWED


def may_close_vote(actor: Actor, venture: VentureFacts) -> Permission:
    if not actor.is_chair:
        return Denied("not-chair", "Only the chair may close a vote early.")
    if actor.person_id == venture.lead_id:
        return Denied(
            "own-venture", "The chair leads this venture, so the vote closes at its deadline."
        )
    return _in(venture, {VentureState.AWAITING_BOARD}, "voted on")


def may_extend(actor: Actor, venture: VentureFacts) -> Permission:
    if not (actor.person_id == venture.lead_id or actor.is_chair or Role.ADMIN in actor.roles):
        return Denied(
            "may-not-extend",
            "Only the venture's lead, the chair or an admin may extend a deadline.",
        )
    return _open(venture, "given more time")


def may_withdraw(actor: Actor, venture: VentureFacts) -> Permission:
    if not (actor.person_id == venture.lead_id or Role.ADMIN in actor.roles):
        return Denied("may-not-withdraw", "Only the venture's lead or an admin may withdraw it.")
    return _open(venture, "withdrawn")


def may_resume(actor: Actor, venture: VentureFacts) -> Permission:
    if not (actor.is_chair or Role.ADMIN in actor.roles):
        return Denied("may-not-resume", "Only the chair or an admin may take a venture off hold.")
    return _in(venture, {VentureState.ON_HOLD}, "resumed")


def may_print_sign_in_code(actor: Actor) -> Permission:
    """A one-time code for a person who cannot get messages, given to them in person."""
    if Role.ADMIN not in actor.roles:
        return Denied("not-admin", "Only an admin may print a sign-in code for someone.")
    return ALLOWED


# --- who may see what ---------------------------------------------------------------------
#
# A venture, its history and the Board's papers are seen by the people concerned
# with them. A supporter sees what the person they support sees (to help them read
# it); the caller passes that person as `supported`, and it counts only when the
# supporter's own `supports` names them.

NOT_CONCERNED_VENTURE = Denied(
    "not-concerned",
    "Only the venture's workstream, its reviewers, the Board and admins may see it.",
)
NOT_CONCERNED_AUDIT = Denied(
    "not-concerned",
    "Only the venture's workstream, its reviewers, the Board and admins may see its history.",
)
NOT_ON_BOARD_PACK = Denied(
    "not-on-board",
    "Only members of the Board, their supporters and admins may see the Board's papers.",
)


def may_view_venture(
    actor: Actor,
    venture: VentureFacts,
    *,
    reviewers: Iterable[str] = (),
    supported: Actor | None = None,
) -> Permission:
    """The venture's workstream (its lead and members), the reviewers assigned to it,
    the Board (members and chair) and admins; a supporter as the person they support."""
    named = frozenset(reviewers)
    if _as_seen_by(actor, supported, lambda a: _concerned(a, venture, named)):
        return ALLOWED
    return NOT_CONCERNED_VENTURE


def may_view_audit(
    actor: Actor,
    venture: VentureFacts,
    *,
    reviewers: Iterable[str] = (),
    supported: Actor | None = None,
) -> Permission:
    """A venture's history (its audit trail) is seen by whoever may see the venture."""
    named = frozenset(reviewers)
    if _as_seen_by(actor, supported, lambda a: _concerned(a, venture, named)):
        return ALLOWED
    return NOT_CONCERNED_AUDIT


def may_view_pack(actor: Actor, *, supported: Actor | None = None) -> Permission:
    """The Board's papers: its members (the chair among them) and admins; a member's
    supporter, who is sent the member's papers to help them read them."""
    if _as_seen_by(actor, supported, lambda a: a.on_board or Role.ADMIN in a.roles):
        return ALLOWED
    return NOT_ON_BOARD_PACK


def _as_seen_by(actor: Actor, supported: Actor | None, sees: Callable[[Actor], bool]) -> bool:
    if sees(actor):
        return True
    return (
        supported is not None
        and actor.supports is not None
        and actor.supports == supported.person_id
        and sees(supported)
    )


def _concerned(actor: Actor, venture: VentureFacts, reviewers: frozenset[str]) -> bool:
    return (
        _is_party(actor, venture)
        or actor.person_id in reviewers
        or actor.on_board
        or Role.ADMIN in actor.roles
    )


def _is_party(actor: Actor, venture: VentureFacts) -> bool:
    return actor.person_id == venture.lead_id or actor.person_id in venture.workstream_members


def _open(venture: VentureFacts, done: str) -> Permission:
    if venture.state in FINAL_STATES:
        return Denied(
            "venture-closed",
            f"The venture is {STATE_WORDS[venture.state]}, which is final for this gate;"
            f" it cannot be {done}.",
        )
    return ALLOWED


def _in(venture: VentureFacts, states: set[VentureState], done: str) -> Permission:
    if venture.state not in states:
        wanted = " or ".join(sorted(STATE_WORDS[s] for s in states))
        return Denied(
            "wrong-state",
            f"The venture is {STATE_WORDS[venture.state]}; it can be {done} only when {wanted}.",
        )
    return ALLOWED
