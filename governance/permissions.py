"""Who may do what: each rule answers `Allowed` or `Denied` with a reason.

Denials are values, not exceptions, so that the persistence layer can record
them in the audit log like any other attempt. Each carries a stable code and the
parameters its texts need; its English sentence, and the Welsh and Easy Read ones,
are in the catalogue (governance/catalogue.yaml). Every rule also checks the state
of the venture where the action only makes sense in some states, so a caller
needs no second check.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum

from governance.ballots import Interest, Member
from governance.catalogue import Param, text
from governance.lifecycle import FINAL_STATES, VentureState


class Role(StrEnum):
    LEAD = "lead"
    CO_PRODUCER = "co-producer"
    REVIEWER = "reviewer"
    BOARD_MEMBER = "board-member"
    CHAIR = "chair"  # the chair is a member of the Board too
    ADMIN = "admin"
    # Records what a person said at a meeting (a vote, an answer) for them to confirm.
    CLERK = "clerk"
    # Writes the Welsh (or English) of what someone wrote in the other language.
    TRANSLATOR = "translator"
    # Sends ideas from anyone to a workstream and answers them (governance/ideas.py).
    TRIAGE = "triage"
    # Checks an idea for personal data and abuse before it is shown publicly.
    MODERATOR = "moderator"


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
    code: str  # stable, for templates, the audit log and tests
    reason: str  # one English sentence, from the catalogue
    # What the catalogue's texts are written with (which action was refused, the
    # venture's state). Left out of equality: the sentence already says it.
    params: Mapping[str, Param] = field(default_factory=dict, compare=False, hash=False)

    def __bool__(self) -> bool:
        return False


def deny(code: str, **params: Param) -> Denied:
    """The refusal `code`, its English sentence written from the catalogue."""
    return Denied(code, text(code, "en", params), params)


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
        return deny("not-in-workstream", action="start")
    return ALLOWED


def may_answer(actor: Actor, venture: VentureFacts) -> Permission:
    if not _is_party(actor, venture):
        return deny("not-in-workstream", action="answer")
    return _open(venture, "answer")


def may_answer_item(actor: Actor, venture: VentureFacts, audience: str) -> Permission:
    """`may_answer`, for one item of the checklist: an item for the lead (what only the
    organisation can say, `audience: lead`) is the venture's lead's alone. The lead may
    answer every item (they submit the checklist); its co-producers answer the items for
    them and for anyone."""
    allowed = may_answer(actor, venture)
    if not allowed:
        return allowed
    if audience == "lead" and actor.person_id != venture.lead_id:
        return deny("item-for-lead")
    return ALLOWED


def may_reopen(actor: Actor, venture: VentureFacts) -> Permission:
    """Reopening a returned or recycled venture is what editing it again does."""
    if not _is_party(actor, venture):
        return deny("not-in-workstream", action="reopen")
    return _in(venture, "reopen")


def may_submit(actor: Actor, venture: VentureFacts) -> Permission:
    if actor.person_id != venture.lead_id:
        return deny("not-lead")
    return _in(venture, "submit")


def may_sign_off(actor: Actor, venture: VentureFacts) -> Permission:
    """A co-producer with lived experience (a member of the venture's workstream other
    than its lead: the lead submits, the sign-off is others confirming it) says "this
    checklist says what we agreed", while the venture is a draft."""
    if (
        not actor.lived_experience
        or actor.person_id not in venture.workstream_members
        or actor.person_id == venture.lead_id
    ):
        return deny("not-lived-experience-co-producer")
    if venture.state is not VentureState.DRAFT:
        return deny("sign-off-not-draft", state=venture.state.value)
    return ALLOWED


def may_write_summary(actor: Actor, venture: VentureFacts) -> Permission:
    """The venture's Easy Read summary (for the Easy Read Board pack) is written by its
    lead, or an admin, while the venture is open."""
    if not (actor.person_id == venture.lead_id or Role.ADMIN in actor.roles):
        return deny("not-summary-writer")
    return _open(venture, "summary")


def may_check_summary(actor: Actor, venture: VentureFacts, written_by: str) -> Permission:
    """A co-producer of the venture (a member of its workstream other than its lead)
    checks its Easy Read summary, and never one they wrote themselves: a check by the
    writer would check nothing. The lead never checks it (they wrote it, or an admin did
    for them), while the venture is open."""
    if actor.person_id not in venture.workstream_members or actor.person_id == venture.lead_id:
        return deny("not-summary-checker")
    if actor.person_id == written_by:
        return deny("own-summary")
    return _open(venture, "summary")


def may_review(actor: Actor, venture: VentureFacts) -> Permission:
    if Role.REVIEWER not in actor.roles:
        return deny("not-reviewer")
    if actor.person_id == venture.lead_id:
        return deny("own-venture", action="review")
    return _in(venture, "review")


def may_declare(actor: Actor) -> Permission:
    if not actor.on_board:
        return deny("not-on-board", action="declare")
    return ALLOWED


def may_vote(actor: Actor, venture: VentureFacts, interests: Iterable[Interest]) -> Permission:
    """A Board member's own vote. A supporter helps (see `may_support`) but never votes."""
    if actor.supports is not None:
        return deny("supporter")
    if not actor.on_board:
        return deny("not-on-board", action="vote")
    if actor.person_id == venture.lead_id:
        return deny("own-venture", action="vote")
    if any(i.member_id == actor.person_id for i in interests):
        return deny("declared-interest")
    return _in(venture, "vote")


def may_withdraw_interest(
    actor: Actor, venture: VentureFacts, interests: Iterable[Interest], *, vote_closed: bool
) -> Permission:
    """A member takes back their own declaration of interest (made by mistake), while
    the venture is open and the vote on it has not closed: once closed, the decision
    was made without them and stands as made."""
    if not any(i.member_id == actor.person_id for i in interests):
        return deny("no-interest-declared")
    if vote_closed or venture.state in FINAL_STATES:
        return deny("vote-already-closed")
    return ALLOWED


def may_support(supporter: Actor, member: Actor) -> Permission:
    """Whether `supporter` may be recorded as helping `member` cast their vote."""
    if supporter.supports != member.person_id:
        return deny("not-their-supporter")
    return ALLOWED


def may_close_vote(actor: Actor, venture: VentureFacts) -> Permission:
    if not actor.is_chair:
        return deny("not-chair")
    if actor.person_id == venture.lead_id:
        return deny("own-venture", action="close")
    return _in(venture, "vote")


def may_chair(actor: Actor) -> Permission:
    """The chair's own page (close early, take off hold, extend): the chair alone. Its
    actions are each checked again by their own rule (`may_close_vote`, ...)."""
    if not actor.is_chair:
        return deny("not-chair")
    return ALLOWED


def may_extend(actor: Actor, venture: VentureFacts) -> Permission:
    if not (actor.person_id == venture.lead_id or actor.is_chair or Role.ADMIN in actor.roles):
        return deny("may-not-extend")
    return _open(venture, "extend")


def may_withdraw(actor: Actor, venture: VentureFacts) -> Permission:
    if not (actor.person_id == venture.lead_id or Role.ADMIN in actor.roles):
        return deny("may-not-withdraw")
    return _open(venture, "withdraw")


def may_resume(actor: Actor, venture: VentureFacts) -> Permission:
    if not (actor.is_chair or Role.ADMIN in actor.roles):
        return deny("may-not-resume")
    return _in(venture, "resume")


def may_print_sign_in_code(actor: Actor) -> Permission:
    """A one-time code for a person who cannot get messages, given to them in person."""
    if Role.ADMIN not in actor.roles:
        return deny("not-admin")
    return ALLOWED


def may_administer(actor: Actor) -> Permission:
    """People admin (add, change, deactivate people, set their channels) and loading the
    programme file into a programme that already has people: admins only."""
    if Role.ADMIN not in actor.roles:
        return deny("not-people-admin")
    return ALLOWED


# --- assisted actions: recorded by a clerk, confirmed by the person -----------------------
#
# A clerk (or an admin) may write down what a person said at a meeting, as a vote or an
# answer waiting for that person's confirmation. The person's own rule (`may_vote`,
# `may_answer`) is asked at once, so that nothing is recorded that could not count, and
# asked again when they confirm (through the same command as their own action).


def may_translate(actor: Actor) -> Permission:
    """Giving the other language of a text someone wrote: translators (and admins)."""
    if not (Role.TRANSLATOR in actor.roles or Role.ADMIN in actor.roles):
        return deny("not-translator")
    return ALLOWED


def may_clerk(actor: Actor) -> Permission:
    """The clerk's pages: people with the clerk or the admin role."""
    if not (Role.CLERK in actor.roles or Role.ADMIN in actor.roles):
        return deny("not-clerk")
    return ALLOWED


def may_record_for(clerk: Actor, person: Actor) -> Permission:
    """A clerk records for someone else, never for themselves (their own action is
    theirs to take, and a confirmation by the same person would check nothing)."""
    if not (allowed := may_clerk(clerk)):
        return allowed
    if clerk.person_id == person.person_id:
        return deny("clerk-own-record")
    return ALLOWED


def may_record_vote_for(
    clerk: Actor, member: Actor, venture: VentureFacts, interests: Iterable[Interest]
) -> Permission:
    """A vote recorded for `member`: only for a member who may vote on it now."""
    if not (allowed := may_record_for(clerk, member)):
        return allowed
    return may_vote(member, venture, interests)


def may_record_answer_for(clerk: Actor, person: Actor, venture: VentureFacts) -> Permission:
    """An answer recorded for `person`: only for someone who may answer it now."""
    if not (allowed := may_record_for(clerk, person)):
        return allowed
    return may_answer(person, venture)


def may_confirm(actor: Actor, recorded_for: str) -> Permission:
    """Only the person it was recorded for confirms it, or says it is not right (their
    supporter helps them read it, but the vote or the answer stays their own)."""
    if actor.person_id != recorded_for:
        return deny("not-yours-to-confirm")
    return ALLOWED


# --- who may see what ---------------------------------------------------------------------
#
# A venture, its history and the Board's papers are seen by the people concerned
# with them. A supporter sees what the person they support sees (to help them read
# it); the caller passes that person as `supported`, and it counts only when the
# supporter's own `supports` names them.

# (Refusals are written when refused, not at import: writing one reads the catalogue,
# which a command that is allowed never needs.)


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
    return deny("not-concerned", what="venture")


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
    return deny("not-concerned", what="history")


def may_view_pack(actor: Actor, *, supported: Actor | None = None) -> Permission:
    """The Board's papers: its members (the chair among them) and admins; a member's
    supporter, who is sent the member's papers to help them read them."""
    if _as_seen_by(actor, supported, lambda a: a.on_board or Role.ADMIN in a.roles):
        return ALLOWED
    return deny("not-on-board", action="view-pack")


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


def _open(venture: VentureFacts, action: str) -> Permission:
    """`action` may be taken while the venture is not final (its texts: `venture-closed`)."""
    if venture.state in FINAL_STATES:
        return deny("venture-closed", action=action, state=venture.state.value)
    return ALLOWED


# The states in which an action may be taken, where that is not simply "while open".
# The catalogue's `wrong-state` texts name them, one whole text per action.
ONLY_WHEN: dict[str, frozenset[VentureState]] = {
    "reopen": frozenset({VentureState.RETURNED, VentureState.RECYCLED}),
    "submit": frozenset({VentureState.DRAFT}),
    "review": frozenset({VentureState.IN_REVIEW}),
    "vote": frozenset({VentureState.AWAITING_BOARD}),
    "resume": frozenset({VentureState.ON_HOLD}),
}


def _in(venture: VentureFacts, action: str) -> Permission:
    if venture.state not in ONLY_WHEN[action]:
        return deny("wrong-state", action=action, state=venture.state.value)
    return ALLOWED
