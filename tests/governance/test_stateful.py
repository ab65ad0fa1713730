"""Random sequences of people's actions through permissions, lifecycle, decide and planner.

Each step is what a command does: check the person may act (a denial is recorded
and changes nothing), record the action, then advance the venture as far as the
rules allow and apply the plan. Invariants hold after every step:
- no decision without quorum (recomputed here from the rule, not taken from `decide`);
- a lead's vote never counts, even one that slipped past the permissions;
- a recused member's vote never counts;
- the state only moves along the transition table;
- a decision is recorded at most once per gate and ballot;
- planning again after a plan is applied does nothing.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule

from governance import standing
from governance.advance import (
    RecordDecision,
    Transition,
    VentureSnapshot,
    plan_advance,
)
from governance.ballots import Choice, Interest, Vote
from governance.decisions import Decision
from governance.lifecycle import TRANSITIONS, Action, VentureState, transition
from governance.permissions import (
    Actor,
    Denied,
    Permission,
    Role,
    VentureFacts,
    board_of,
    may_answer,
    may_close_vote,
    may_declare,
    may_reopen,
    may_resume,
    may_review,
    may_start_venture,
    may_submit,
    may_support,
    may_vote,
    may_withdraw,
)
from governance.reviews import Recommendation, Review
from governance.rules import DecisionRule
from governance.staleness import stale_after_answer_change
from tests.governance.factories import (
    COMPLETE,
    DESIGN,
    GATES,
    INVALID_VALUES,
    T0,
    TINY,
    VALID_VALUES,
)
from tests.governance.simulation import apply_effects

R = Role
S = VentureState


def person(pid: str, *roles: Role, lived: bool = False, supports: str | None = None) -> Actor:
    return Actor(pid, frozenset(roles), lived_experience=lived, supports=supports)


# The lead sits on the Board and reviews too, so every rule that keeps them out is tested.
PEOPLE = {
    a.person_id: a
    for a in (
        person("lead", R.LEAD, R.BOARD_MEMBER, R.REVIEWER),
        person("cp", R.CO_PRODUCER, lived=True),
        person("r1", R.REVIEWER),
        person("r2", R.REVIEWER),
        person("chair", R.CHAIR, lived=True),
        person("bm1", R.BOARD_MEMBER, lived=True),
        person("bm2", R.BOARD_MEMBER),
        person("bm3", R.BOARD_MEMBER),
        person("sup", supports="bm1"),
        person("admin", R.ADMIN),
    )
}
WORKSTREAM = frozenset({"lead", "cp"})
EVERYONE = sorted(PEOPLE)
BOARD = board_of(PEOPLE.values())
REVIEWER_POOL = ("r1", "r2")

rules_ = st.builds(
    DecisionRule,
    name=st.just("board"),
    quorum=st.sampled_from([1, 2, 3, 0.5, 0.75, 1.0]),
    lived_experience_quorum=st.integers(0, 2),
    chair_must_vote=st.booleans(),
    threshold=st.sampled_from(["simple-majority", "two-thirds", "unanimous"]),
    chair_casting_vote=st.booleans(),
    more_time_days=st.integers(1, 10),
    voting_days=st.integers(1, 14),
)
items = st.sampled_from(sorted(VALID_VALUES))


@dataclasses.dataclass(frozen=True)
class Recorded:
    """A recorded decision, with the snapshot it was decided on."""

    gate_id: str
    ballot: int
    decision: Decision
    snapshot: VentureSnapshot


class Governance(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.s: VentureSnapshot | None = None
        self.recorded: list[Recorded] = []
        self.moves: list[tuple[S, Action, S]] = []
        self.denials: list[Denied] = []
        self.serial = 0

    # --- helpers --------------------------------------------------------------------------

    @property
    def snap(self) -> VentureSnapshot:
        assert self.s is not None
        return self.s

    def facts(self) -> VentureFacts:
        return VentureFacts("v1", "lead", WORKSTREAM, self.snap.state)

    def allowed(self, answer: Permission) -> bool:
        if isinstance(answer, Denied):
            self.denials.append(answer)
            return False
        return True

    def tick(self, minutes: int = 1) -> dt.datetime:
        self.s = dataclasses.replace(self.snap, now=self.snap.now + dt.timedelta(minutes=minutes))
        return self.snap.now

    def next_id(self, prefix: str) -> str:
        self.serial += 1
        return f"{prefix}{self.serial}"

    def human(self, action: Action) -> None:
        before = self.snap.state
        target = transition(before, action)
        assert isinstance(target, VentureState), target
        self.moves.append((before, action, target))
        self.s = dataclasses.replace(self.snap, state=target)

    def advance(self) -> None:
        effects = plan_advance(self.snap)
        state = self.snap.state
        for effect in effects:
            if isinstance(effect, Transition):
                self.moves.append((state, effect.action, effect.to))
                state = effect.to
            if isinstance(effect, RecordDecision):
                self.recorded.append(
                    Recorded(effect.gate_id, effect.ballot, effect.decision, self.snap)
                )
        self.s = apply_effects(self.snap, effects, reviewers=REVIEWER_POOL, gates=GATES)
        assert plan_advance(self.snap) == (), "planning again after a plan must do nothing"

    # --- rules ----------------------------------------------------------------------------

    @initialize(rule_=rules_)
    def start(self, rule_: DecisionRule) -> None:
        assert self.allowed(may_start_venture(PEOPLE["lead"], WORKSTREAM))
        assert not self.allowed(may_start_venture(PEOPLE["bm2"], WORKSTREAM))
        self.s = VentureSnapshot(
            venture_id="v1",
            lead_id="lead",
            state=S.DRAFT,
            gate=DESIGN,
            checklists=(TINY,),
            answers={"tiny": {}},
            rule=rule_,
            members=BOARD,
            now=T0,
            reviews_required=2,
        )

    @rule(who=st.sampled_from(["lead", "cp", "bm2"]), item=items, data=st.data())
    def answer(self, who: str, item: str, data: st.DataObject) -> None:
        """Sometimes: one answer changes, perhaps to something not valid."""
        now = self.tick()
        if data.draw(st.integers(0, 2)):
            return
        if not self.allowed(may_answer(PEOPLE[who], self.facts())):
            return
        if self.snap.state in {S.RETURNED, S.RECYCLED}:
            assert self.allowed(may_reopen(PEOPLE[who], self.facts()))
            self.human(Action.REOPEN)
        value = data.draw(
            st.sampled_from(VALID_VALUES[item]) | st.sampled_from([None, *INVALID_VALUES[item]])
        )
        answers = {**self.snap.answers.get("tiny", {}), item: value}
        self._record_answers(answers, now)

    @rule(who=st.sampled_from(["lead", "cp"]))
    def answer_everything(self, who: str) -> None:
        now = self.tick()
        if not self.allowed(may_answer(PEOPLE[who], self.facts())):
            return
        if self.snap.state in {S.RETURNED, S.RECYCLED}:
            self.human(Action.REOPEN)
        self._record_answers(dict(COMPLETE["tiny"]), now)

    def _record_answers(self, answers: dict[str, Any], now: dt.datetime) -> None:
        ballot = self.snap.ballot
        open_votes = () if ballot is None or ballot.decision else ballot.votes
        stale_reviews, stale_votes = stale_after_answer_change(self.snap.reviews, open_votes, now)
        reviews = tuple(
            dataclasses.replace(r, stale=True) if r.id in stale_reviews else r
            for r in self.snap.reviews
        )
        if ballot is not None:
            ballot = dataclasses.replace(
                ballot,
                votes=tuple(
                    dataclasses.replace(v, stale=True) if v.id in stale_votes else v
                    for v in ballot.votes
                ),
            )
        self.s = dataclasses.replace(
            self.snap, answers={"tiny": answers}, reviews=reviews, ballot=ballot
        )
        self.advance()

    @rule(who=st.sampled_from(["lead", "cp", "chair"]))
    def submit(self, who: str) -> None:
        now = self.tick()
        if not self.allowed(may_submit(PEOPLE[who], self.facts())):
            return
        self.human(Action.SUBMIT)
        self.s = dataclasses.replace(self.snap, submitted_at=now)
        self.advance()

    @rule(who=st.sampled_from(["r1", "r2", "r1", "r2", "lead", "bm2"]), go=st.booleans())
    def review(self, who: str, go: bool) -> None:
        now = self.tick()
        if not self.allowed(may_review(PEOPLE[who], self.facts())):
            return
        recommendation = Recommendation.GO if go else Recommendation.RECYCLE
        review = Review(self.next_id("review-"), who, recommendation, now)
        self.s = dataclasses.replace(self.snap, reviews=(*self.snap.reviews, review))
        self.advance()

    @rule(who=st.sampled_from(["chair", "bm1", "bm2", "bm3", "r1"]))
    def declare(self, who: str) -> None:
        self.tick()
        if not self.allowed(may_declare(PEOPLE[who])):
            return
        if any(i.member_id == who for i in self.snap.interests):
            return
        interest = Interest(who, "works for an organisation bidding for this")
        self.s = dataclasses.replace(self.snap, interests=(*self.snap.interests, interest))
        self.advance()

    @rule(
        who=st.sampled_from(["lead", "chair", "bm1", "bm2", "bm3", "sup", "r1"]),
        choice=st.sampled_from(Choice),
        helped=st.booleans(),
    )
    def vote(self, who: str, choice: Choice, helped: bool) -> None:
        now = self.tick()
        voter = PEOPLE[who]
        if not self.allowed(may_vote(voter, self.facts(), self.snap.interests)):
            return
        supporter = None
        if helped:
            if not self.allowed(may_support(PEOPLE["sup"], voter)):
                return
            supporter = "sup"
        self._cast(Vote(self.next_id("vote-"), who, choice, now, supported_by=supporter))

    @rule(choice=st.sampled_from(Choice))
    def leads_vote_slips_through(self, choice: Choice) -> None:
        """A bug elsewhere stores the lead's vote without asking the permissions."""
        now = self.tick()
        if self.snap.state is S.AWAITING_BOARD:
            self._cast(Vote(self.next_id("rogue-"), "lead", choice, now))

    def _cast(self, vote: Vote) -> None:
        ballot = self.snap.ballot
        assert ballot is not None, "a venture awaiting the Board has an open ballot"
        assert ballot.decision is None
        ballot = dataclasses.replace(ballot, votes=(*ballot.votes, vote))
        self.s = dataclasses.replace(self.snap, ballot=ballot)
        self.advance()

    @rule(who=st.sampled_from(["chair", "bm2"]))
    def close(self, who: str) -> None:
        self.tick()
        if not self.allowed(may_close_vote(PEOPLE[who], self.facts())):
            return
        assert self.snap.ballot is not None
        ballot = dataclasses.replace(self.snap.ballot, closed_by_chair=True)
        self.s = dataclasses.replace(self.snap, ballot=ballot)
        self.advance()

    @rule(days=st.integers(1, 15))
    def time_passes(self, days: int) -> None:
        """The scheduled sweep runs after some days."""
        self.tick(days * 24 * 60)
        self.advance()

    @rule(
        who=st.sampled_from(["lead", "admin", "cp", "chair", "r1", "bm2"]), really=st.integers(0, 5)
    )
    def withdraw(self, who: str, really: int) -> None:
        """Rarely: a withdrawal ends the example's venture."""
        self.tick()
        if really:
            return
        if not self.allowed(may_withdraw(PEOPLE[who], self.facts())):
            return
        self.human(Action.WITHDRAW)
        self.advance()

    @rule(who=st.sampled_from(["chair", "admin", "lead"]))
    def resume(self, who: str) -> None:
        self.tick()
        if not self.allowed(may_resume(PEOPLE[who], self.facts())):
            return
        self.human(Action.RESUME)
        self.advance()

    @rule(data=st.data(), times=st.integers(1, 10))
    def people_do_the_next_things(self, data: st.DataObject, times: int) -> None:
        """The expected next steps, so that random runs get deep into the path."""
        for _ in range(times):
            self._next_thing(data)

    def _next_thing(self, data: st.DataObject) -> None:
        state = self.snap.state
        if state in {S.DRAFT, S.RETURNED, S.RECYCLED}:
            if self.snap.answers.get("tiny", {}) != COMPLETE["tiny"]:
                self.answer_everything("cp")
            else:
                if state is not S.DRAFT:
                    self.human(Action.REOPEN)
                self.submit("lead")
        elif state is S.IN_REVIEW:
            self.review(data.draw(st.sampled_from(REVIEWER_POOL)), data.draw(st.booleans()))
        elif state is S.AWAITING_BOARD:
            what = data.draw(st.sampled_from(["vote", "vote", "vote", "close", "wait"]))
            if what == "close":
                self.close("chair")
            elif what == "wait":
                self.time_passes(self.snap.rule.voting_days)
            else:
                member = data.draw(st.sampled_from(["chair", "bm1", "bm2", "bm3"]))
                choice = data.draw(st.sampled_from([Choice.APPROVE, Choice.APPROVE, *Choice]))
                self.vote(member, choice, helped=member == "bm1")
        elif state is S.ON_HOLD:
            self.resume("chair")

    # --- invariants -----------------------------------------------------------------------

    @invariant()
    def state_moves_only_along_the_table(self) -> None:
        for before, action, after in self.moves:
            assert TRANSITIONS.get((before, action)) is after, (before, action, after)
        if self.moves and self.s is not None:
            # the last recorded move ends in the current state, or a new gate opened
            assert self.moves[-1][2] == self.snap.state or self.snap.state is S.DRAFT

    @invariant()
    def no_decision_without_quorum(self) -> None:
        for r in self.recorded:
            rule_ = r.snapshot.rule
            recused = standing.recused(r.snapshot.interests, r.snapshot.lead_id)
            eligible = [m for m in r.snapshot.members if m.id not in recused]
            counted = {v.member_id for v in r.decision.counted_votes}
            assert len(counted) == len(r.decision.counted_votes)
            assert len(counted) >= rule_.quorum_needed(len(eligible))
            lived = {m.id for m in eligible if m.lived_experience}
            assert len(counted & lived) >= rule_.lived_experience_quorum
            chair = next(m.id for m in r.snapshot.members if m.is_chair)
            if rule_.chair_must_vote and chair not in recused:
                assert chair in counted

    @invariant()
    def a_leads_vote_never_counts(self) -> None:
        for r in self.recorded:
            assert "lead" not in {v.member_id for v in r.decision.counted_votes}
        # and through the permissions, the lead's vote is never even stored
        ballot = self.s.ballot if self.s is not None else None
        for vote in ballot.votes if ballot is not None else ():
            assert vote.member_id != "lead" or vote.id.startswith("rogue-")

    @invariant()
    def a_recused_members_vote_never_counts(self) -> None:
        for r in self.recorded:
            declared = {i.member_id for i in r.snapshot.interests}
            assert not declared & {v.member_id for v in r.decision.counted_votes}

    @invariant()
    def a_decision_is_recorded_once_per_gate_and_ballot(self) -> None:
        keys = [(r.gate_id, r.ballot) for r in self.recorded]
        assert len(keys) == len(set(keys))

    @invariant()
    def a_supporter_never_votes(self) -> None:
        ballot = self.s.ballot if self.s is not None else None
        if ballot is not None:
            assert "sup" not in {v.member_id for v in ballot.votes}
        for r in self.recorded:
            assert "sup" not in {v.member_id for v in r.decision.counted_votes}


Governance.TestCase.settings = settings(
    max_examples=150,
    stateful_step_count=50,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
TestGovernance = Governance.TestCase
