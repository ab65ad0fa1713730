"""Random people doing random things through the real commands, on a real database.

Each example starts from an empty database with the example programme imported.
Rules draw people (leads, co-producers, reviewers, Board members, the chair, a
supporter, an admin, a stranger) and actions (start, answer validly or not, fill
the checklist, submit, review, declare an interest, vote every choice with and
without a supporter, close the vote, extend, withdraw, take off hold, let time
pass and sweep). A refusal (`CommandError`, `PermissionDenied`) is an expected
answer; any other exception fails the test.

After every step:
- no decision without quorum: each Decision's tally, recounted here from the stored
  votes, interests and Board, meets the quorum and the lived-experience quorum of
  the rule pinned on its gate run (and the chair took part where the rule says so);
- a lead's vote never counts: no vote by a venture's lead is ever stored, and a
  lead on the Board is among the recused of every decision on their venture;
- every change of state in the audit log (the planner's transitions, submit,
  withdraw, resume, and the reopening an answer does) follows
  `governance.lifecycle.TRANSITIONS`, and following them gives the stored state;
- at most one Decision per (venture, gate, ballot);
- the audit chain verifies.
At the end of each example the audit log is replayed into a second empty database,
which must come out the same (`services.replay.compare` finds nothing).

SQLite: a fresh database file per example (copied from one migrated template).
PostgreSQL: fewer examples (each step costs a few round trips more), on the
session's test database and a second one, both emptied before each example.
"""

from __future__ import annotations

import datetime as dt
import math
import shutil
import sqlite3
import tempfile
from collections.abc import Callable, Iterator
from contextlib import closing, suppress
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from typing import Any, ClassVar

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)
from sqlalchemy import Engine, event
from sqlmodel import Session, col, select

from checklists.evaluate import evaluate
from checklists.examples import example_answer
from checklists.loader import Library, load_library
from checklists.spec import Item, TextAnswer
from governance.ballots import TAKING_PART, Choice
from governance.lifecycle import TRANSITIONS, Action, VentureState
from governance.rules import DecisionRule
from models import audit, queries
from models import tables as t
from models.db import make_engine, read_session
from models.migrate import upgrade
from services.advance import current_gate_run, pinned_checklists
from services.commands import (
    CommandError,
    Cyd,
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
from services.people import board_people
from services.programme_import import import_programme, load_programme
from services.replay import compare, replay
from tests.models.conftest import Backend, PostgresServer, _empty
from tests.services.test_commands import to_board

ROOT = Path(__file__).resolve().parents[2]
PROGRAMME = ROOT / "examples" / "programme.yaml"
START = dt.datetime(2026, 11, 2, 9, 0, tzinfo=dt.UTC)

LEAD = "gareth.jones@example.org"  # leads the workstream, and sits on the Board
WORKSTREAM = ("nia.morgan@example.org", "sam.bennett@example.org", "rhys.thomas@example.org")
REVIEWERS = ("elin.davies@example.org", "owen.walker@example.org")
CHAIR = "megan.lloyd@example.org"
SUPPORTER = "tom.price@example.org"  # supports the chair
BOARD = (CHAIR, "aled.evans@example.org", "sian.roberts@example.org", "david.hughes@example.org")
BOARD += ("priya.shah@example.org", LEAD)
PEOPLE = (LEAD, *WORKSTREAM, *REVIEWERS, *BOARD[:-1], SUPPORTER, "admin@example.org")
PEOPLE += ("nobody@example.org",)  # not in the programme
THE_LEAD = "(the venture's lead)"
JUNK: tuple[Any, ...] = ("-3", "", "   ", "maybe", "1999-02-30", "not a link", 10**9, -1)
JUNK += (["no-such-option"], True, {"a": 1}, 3.5)
MAX_VENTURES = 3
ATTEMPTS = ("answer", "submit", "review", "declare", "vote", "close", "extend", "withdraw")
ATTEMPTS += ("resume",)

SETTINGS = {
    "sqlite": settings(
        max_examples=25,
        stateful_step_count=30,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
    ),
    "postgresql": settings(
        max_examples=6,
        stateful_step_count=25,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
    ),
}


class Clock:
    """Each reading one second later; `now` can be moved on by hours or weeks."""

    def __init__(self) -> None:
        self.now = START

    def __call__(self) -> dt.datetime:
        self.now += dt.timedelta(seconds=1)
        return self.now


@dataclass
class Databases:
    """Where one example runs (`source`) and where its log is replayed (`target`)."""

    source: Engine
    target: Engine
    close: Callable[[], None]


class GovernanceMachine(RuleBasedStateMachine):
    library: ClassVar[Library]
    databases: ClassVar[Callable[[], Databases]]

    def __init__(self) -> None:
        super().__init__()
        self.db = type(self).databases()
        self.clock = Clock()
        programme = load_programme(PROGRAMME, library=self.library)
        source_text = PROGRAMME.read_text(encoding="utf-8")
        import_programme(self.db.source, programme, source_text, "admin@example.org", at=START)
        self.cyd = Cyd(self.db.source, self.library, clock=self.clock)
        self.ventures: list[str] = []
        self.leads: dict[str, str] = {}
        self.seen_seq = 0  # audit entries already followed through the transition table
        self.where: dict[str, tuple[VentureState, str]] = {}  # venture → (state, gate) so far
        self.changes = 0

    # --- actions -----------------------------------------------------------------------
    #
    # Three kinds of step: someone (anyone) tries something, often refused; the venture
    # moves one stage on along the main path, as its people would move it; time passes
    # and the sweep runs. Few rules, so that a 30-step example reaches the Board.

    def attempt(self, action: Callable[[], object]) -> None:
        # Refused (recorded as a denial) or a mistake (nothing stored): both expected.
        with suppress(CommandError):
            action()

    def venture(self, pick: int) -> str:
        return self.ventures[pick % len(self.ventures)]

    def person(self, who: str, venture_id: str) -> str:
        return self.leads[venture_id] if who == THE_LEAD else who

    def state_of(self, venture_id: str) -> VentureState:
        with read_session(self.db.source) as session:
            venture = session.get(t.Venture, venture_id)
            assert venture is not None
            return VentureState(venture.state)

    @initialize(lead=st.sampled_from((LEAD, WORKSTREAM[0])))
    def first_venture(self, lead: str) -> None:
        self.start(lead, "Community café")

    @precondition(lambda self: len(self.ventures) < MAX_VENTURES)
    @rule(
        lead=st.sampled_from((LEAD, LEAD, WORKSTREAM[0], *PEOPLE)),
        title=st.sampled_from(("Community café", "Walking group", "   ")),
    )
    def start(self, lead: str, title: str) -> None:
        try:
            outcome = start_venture(
                self.cyd, workstream="day-opportunities", title=title, lead=lead
            )
        except CommandError:
            return
        self.ventures.append(outcome.venture_id)
        self.leads[outcome.venture_id] = lead

    @precondition(lambda self: self.ventures)
    @rule(
        pick=st.integers(0, MAX_VENTURES - 1),
        action=st.sampled_from(ATTEMPTS),
        data=st.data(),
    )
    def someone_tries(self, pick: int, action: str, data: st.DataObject) -> None:
        venture_id = self.venture(pick)
        draw = data.draw
        if action == "answer":
            who = self.person(draw(st.sampled_from((THE_LEAD, *WORKSTREAM, *PEOPLE))), venture_id)
            checklist_id, item = self.items(venture_id)[draw(st.integers(0, 1000), "item") % 1000]
            value = draw(st.one_of(st.just("valid"), st.sampled_from(JUNK), st.text(max_size=30)))
            given = example_answer(item) if value == "valid" else value
            ref = f"{checklist_id}/{item.id}"
            self.attempt(lambda: answer(self.cyd, venture_id, ref, given, by=who))
        elif action == "submit":
            who = self.person(draw(st.sampled_from((THE_LEAD, *PEOPLE))), venture_id)
            self.attempt(lambda: submit(self.cyd, venture_id, by=who))
        elif action == "review":
            who = self.person(draw(st.sampled_from((*REVIEWERS, THE_LEAD, *PEOPLE))), venture_id)
            recommend = draw(st.sampled_from(("go", "recycle", "maybe")))
            self.attempt(
                lambda: record_review(self.cyd, venture_id, by=who, recommend=recommend, note="Hm.")
            )
        elif action == "declare":
            who = draw(st.sampled_from(PEOPLE))
            self.attempt(
                lambda: declare_interest(self.cyd, venture_id, member=who, interest="Works there.")
            )
        elif action == "vote":
            self.cast(
                venture_id,
                self.person(draw(st.sampled_from((*BOARD, THE_LEAD, *PEOPLE))), venture_id),
                draw(st.sampled_from((*(c.value for c in Choice), "maybe"))),
                draw(st.sampled_from((None, "Pay people from the first day."))),
                draw(st.sampled_from((None, SUPPORTER, WORKSTREAM[0]))),
            )
        elif action == "close":
            who = draw(st.sampled_from((CHAIR, *PEOPLE)))
            self.attempt(lambda: close_vote(self.cyd, venture_id, by=who))
        elif action == "withdraw":
            who = self.person(draw(st.sampled_from((THE_LEAD, *PEOPLE))), venture_id)
            self.attempt(lambda: withdraw(self.cyd, venture_id, by=who, reason="Not needed."))
        elif action == "resume":
            who = self.person(draw(st.sampled_from((CHAIR, THE_LEAD, *PEOPLE))), venture_id)
            self.attempt(lambda: resume(self.cyd, venture_id, by=who))
        else:
            who = self.person(draw(st.sampled_from((THE_LEAD, CHAIR, *PEOPLE))), venture_id)
            until = (self.clock.now + dt.timedelta(days=draw(st.integers(-1, 30)))).date()
            self.attempt(
                lambda: extend(self.cyd, venture_id, until=until, by=who, reason="Papers late.")
            )

    def cast(
        self, venture_id: str, member: str, choice: str, reason: str | None, helper: str | None
    ) -> None:
        self.attempt(
            lambda: vote(
                self.cyd,
                venture_id,
                member=member,
                choice=choice,
                reason=reason,
                supported_by=helper,
            )
        )

    @precondition(lambda self: self.ventures)
    @rule(pick=st.integers(0, MAX_VENTURES - 1), data=st.data())
    def one_stage_on(self, pick: int, data: st.DataObject) -> None:
        """What the venture's people would do next on the main path (choices drawn)."""
        venture_id = self.venture(pick)
        state = self.state_of(venture_id)
        draw = data.draw
        if state in (VentureState.DRAFT, VentureState.RETURNED, VentureState.RECYCLED):
            who = self.person(draw(st.sampled_from((THE_LEAD, *WORKSTREAM))), venture_id)
            if state is VentureState.RECYCLED:
                self.change_an_answer(venture_id, who)  # editing reopens it
            self.fill(venture_id, who)
            self.attempt(lambda: submit(self.cyd, venture_id, by=self.leads[venture_id]))
        elif state is VentureState.IN_REVIEW:
            for reviewer in REVIEWERS:
                recommend = draw(st.sampled_from(("go", "go", "recycle")))
                self.attempt(
                    lambda r=reviewer, c=recommend: record_review(
                        self.cyd, venture_id, by=r, recommend=c
                    )
                )
        elif state is VentureState.AWAITING_BOARD:
            choices = draw(st.lists(st.sampled_from([c.value for c in Choice]), min_size=6))
            supported = draw(st.booleans())
            for member, choice in zip(BOARD, choices, strict=False):  # the lead is refused
                reason = "Pay people from the first day." if "conditions" in choice else None
                helper = SUPPORTER if supported and member == CHAIR else None
                self.cast(venture_id, member, choice, reason, helper)
            if draw(st.booleans()):
                self.attempt(lambda: close_vote(self.cyd, venture_id, by=CHAIR))
        elif state is VentureState.ON_HOLD:
            self.attempt(lambda: resume(self.cyd, venture_id, by=CHAIR))

    @rule(hours=st.sampled_from((1, 6, 24, 7 * 24, 14 * 24, 21 * 24)))
    def time_passes(self, hours: int) -> None:
        self.clock.now += dt.timedelta(hours=hours)
        advance_open(self.cyd)

    def items(self, venture_id: str) -> list[tuple[str, Item]]:
        with read_session(self.db.source) as session:
            venture = session.get(t.Venture, venture_id)
            assert venture is not None
            checklists = pinned_checklists(session, current_gate_run(session, venture))
        items = [(c.id, item) for c in checklists for item in c.items()]
        return [items[n % len(items)] for n in range(1000)]

    def fill(self, venture_id: str, who: str) -> None:
        """Answer every must-meet item shown and still missing, validly."""
        for _ in range(5):
            with read_session(self.db.source) as session:
                venture = session.get(t.Venture, venture_id)
                assert venture is not None
                checklists = pinned_checklists(session, current_gate_run(session, venture))
                answers = queries.current_answers(session, venture_id, venture.gate_id)
            missing = [
                (c, item_id)
                for c in checklists
                for item_id in evaluate(c, answers.get(c.id, {})).missing_required
            ]
            if not missing:
                return
            for checklist, item_id in missing:
                value = example_answer(checklist.item(item_id))
                ref = f"{checklist.id}/{item_id}"
                try:
                    answer(self.cyd, venture_id, ref, value, by=who)
                except CommandError:
                    return

    def change_an_answer(self, venture_id: str, who: str) -> None:
        """Give a text item a new valid answer (alternating, so that it always changes)."""
        checklist_id, item = next(
            (c, i) for c, i in self.items(venture_id) if isinstance(i.answer, TextAnswer)
        )
        words = str(example_answer(item)).split()
        self.changes += 1
        words[0] = f"change{self.changes}"
        ref = f"{checklist_id}/{item.id}"
        self.attempt(lambda: answer(self.cyd, venture_id, ref, " ".join(words), by=who))

    # --- invariants --------------------------------------------------------------------

    @invariant()
    def the_rules_hold(self) -> None:
        with read_session(self.db.source) as session:
            verified = audit.verify(session)
            assert verified.ok, verified.message()
            self.check_decisions(session)
            self.check_leads_never_vote(session)
            self.check_transitions(session)

    def check_decisions(self, session: Session) -> None:
        board = {p.email: (p.lived_experience, chair) for p, chair in board_people(session)}
        seen: set[tuple[str, str, int]] = set()
        for decision in session.exec(select(t.Decision)):
            key = (decision.venture_id, decision.gate_id, decision.ballot)
            assert key not in seen, f"two decisions on {key}"
            seen.add(key)
            run = session.get(t.GateRun, (decision.venture_id, decision.gate_id))
            ballot = session.get(t.Ballot, key)
            venture = session.get(t.Venture, decision.venture_id)
            assert run is not None
            assert ballot is not None
            assert venture is not None
            rule = DecisionRule.model_validate(run.decision_rule_snapshot)
            lead = self.leads[venture.id]
            declared = {
                email(session, i.member_id)
                for i in session.exec(
                    select(t.Interest)
                    .where(t.Interest.venture_id == venture.id)
                    .where(t.Interest.at <= decision.at)
                )
            }
            recused = ({lead} | declared) & board.keys()
            eligible = len(board) - len(recused)
            taking_part = {
                email(session, v.member_id)
                for v in queries.current_votes(session, *key)
                if not v.stale and v.at <= ballot.deadline and Choice(v.choice) in TAKING_PART
            } & (board.keys() - recused)
            lived = sum(1 for m in taking_part if board[m][0])
            tally = decision.tally
            assert tally["rule"] == rule.name == decision.rule
            assert (tally["recused"], tally["eligible"]) == (len(recused), eligible), decision
            assert tally["voted"] == len(taking_part), (decision, taking_part)
            # No decision without quorum.
            assert len(taking_part) >= quorum_of(rule, eligible), decision
            assert tally["quorum_needed"] == quorum_of(rule, eligible)
            assert lived >= rule.lived_experience_quorum, decision
            if rule.chair_must_vote:
                chair = next(m for m, (_, is_chair) in board.items() if is_chair)
                assert chair in taking_part or chair in recused, decision

    def check_leads_never_vote(self, session: Session) -> None:
        for venture_id, lead in self.leads.items():
            person = queries.person_by_email(session, lead)
            assert person is not None
            votes = session.exec(
                select(t.Vote)
                .where(t.Vote.venture_id == venture_id)
                .where(t.Vote.member_id == person.id)
            ).all()
            assert not votes, f"the lead of {venture_id} has votes stored: {votes}"

    def check_transitions(self, session: Session) -> None:
        entries = session.exec(
            select(t.AuditEntry)
            .where(t.AuditEntry.seq > self.seen_seq)
            .order_by(col(t.AuditEntry.seq))
        ).all()
        for entry in entries:
            self.seen_seq = entry.seq
            venture_id, p = entry.venture_id, entry.payload
            if entry.action == "venture.started":
                assert venture_id is not None
                self.where[venture_id] = (VentureState.DRAFT, p["gate"])
            elif entry.action == "venture.submitted":
                self.follow(entry, Action.SUBMIT, VentureState.SUBMITTED)
            elif entry.action == "answer.recorded" and p["reopened"]:
                self.follow(entry, Action.REOPEN, VentureState.DRAFT)
            elif entry.action == "venture.withdrawn":
                self.follow(entry, Action.WITHDRAW, VentureState.WITHDRAWN)
            elif entry.action == "venture.resumed":
                self.follow(entry, Action.RESUME, VentureState.AWAITING_BOARD)
            elif entry.action == "venture.advanced":
                assert venture_id is not None
                state, gate = self.where[venture_id]
                assert p["from"] == {"state": state.value, "gate": gate}, entry
                for effect in p["effects"]:
                    if effect["effect"] == "Transition":
                        self.follow(entry, Action(effect["action"]), VentureState(effect["to"]))
                    elif effect["effect"] == "OpenNextGate":
                        state, _ = self.where[venture_id]
                        assert state in (
                            VentureState.APPROVED,
                            VentureState.APPROVED_WITH_CONDITIONS,
                        ), entry
                        self.where[venture_id] = (VentureState.DRAFT, effect["gate"])
        for venture in session.exec(select(t.Venture)):
            state, gate = self.where[venture.id]
            assert (state.value, gate) == (venture.state, venture.gate_id)

    def follow(self, entry: t.AuditEntry, action: Action, to: VentureState) -> None:
        assert entry.venture_id is not None
        state, gate = self.where[entry.venture_id]
        assert TRANSITIONS.get((state, action)) is to, (
            f"entry {entry.seq}: {state.value} --{action.value}--> {to.value} is not in the table"
        )
        self.where[entry.venture_id] = (to, gate)

    def teardown(self) -> None:
        try:
            result = replay(self.db.source, self.db.target, self.library)
            assert result.ok, "\n".join(result.problems)
            differences = compare(self.db.source, self.db.target)
            assert not differences, "\n".join(differences)
        finally:
            self.db.close()


def quorum_of(rule: DecisionRule, eligible: int) -> int:
    """Members who must take part, worked out here rather than by the rule's own method:
    a count as it is, a fraction of the eligible members rounded up, never below one."""
    if isinstance(rule.quorum, int):
        return rule.quorum
    return max(1, math.ceil(Fraction(str(rule.quorum)) * eligible))


def email(session: Session, person_id: int) -> str:
    person = session.get(t.Person, person_id)
    assert person is not None
    return person.email


# --- running it on each database ------------------------------------------------------------


@pytest.fixture(scope="module")
def library() -> Library:
    return load_library()


@pytest.fixture(scope="module")
def sqlite_template() -> Iterator[Path]:
    """One migrated SQLite file, copied for each database an example needs."""
    folder = Path(tempfile.mkdtemp(prefix="cyd-stateful-"))
    path = folder / "template.db"
    engine = make_engine(f"sqlite:///{path}")
    upgrade(engine)
    engine.dispose()
    yield path
    shutil.rmtree(folder, ignore_errors=True)


def copy_database(source: Path, target: Path) -> None:
    """A consistent copy, whatever is still in the write-ahead log."""
    with closing(sqlite3.connect(source)) as original, closing(sqlite3.connect(target)) as copy:
        original.backup(copy)


def no_fsync(dbapi_connection: Any, _record: Any) -> None:
    """These databases live for one example: no waiting for the disk at each commit
    (most of the time otherwise). What is tested here is the rules, not durability."""
    dbapi_connection.execute("PRAGMA synchronous=OFF")


def sqlite_databases(template: Path) -> Callable[[], Databases]:
    def make() -> Databases:
        folder = Path(tempfile.mkdtemp(prefix="cyd-example-"))
        engines = []
        for name in ("source.db", "target.db"):
            copy_database(template, folder / name)
            engine = make_engine(f"sqlite:///{folder / name}")
            event.listen(engine, "connect", no_fsync)
            engines.append(engine)

        def close() -> None:
            for engine in engines:
                engine.dispose()
            shutil.rmtree(folder, ignore_errors=True)

        return Databases(engines[0], engines[1], close)

    return make


def postgres_databases(source: Engine, target: Engine) -> Callable[[], Databases]:
    def make() -> Databases:
        _empty(source)
        _empty(target)
        return Databases(source, target, lambda: None)

    return make


@pytest.mark.slow
def test_governance_rules_hold_through_the_commands(
    backend: Backend, library: Library, request: pytest.FixtureRequest
) -> None:
    GovernanceMachine.library = library
    if backend.name == "sqlite":
        template: Path = request.getfixturevalue("sqlite_template")
        GovernanceMachine.databases = sqlite_databases(template)
        run_state_machine_as_test(GovernanceMachine, settings=SETTINGS["sqlite"])
        return
    server: PostgresServer = request.getfixturevalue("postgres_server")
    url = server.create_database()
    target = make_engine(url)
    try:
        upgrade(target)
        GovernanceMachine.databases = postgres_databases(backend.engine, target)
        run_state_machine_as_test(GovernanceMachine, settings=SETTINGS["postgresql"])
    finally:
        target.dispose()
        server.drop_database(url)


def test_a_decided_ballots_votes_stay_as_counted(backend: Backend, library: Library) -> None:
    """An answer changed in the next round of review makes the open ballot's votes stale,
    never those a decision was recorded on (the invariant above recounts them). The
    machine reaches this rarely (recycled, resubmitted, then changed), so here it is."""
    programme = load_programme(PROGRAMME, library=library)
    import_programme(
        backend.engine, programme, PROGRAMME.read_text(encoding="utf-8"), "admin@example.org"
    )
    cyd = Cyd(backend.engine, library, clock=Clock())
    venture_id = to_board(cyd)
    for member in BOARD[:5]:
        vote(cyd, venture_id, member=member, choice="recycle")
    assert close_vote(cyd, venture_id, by=CHAIR).advanced.state == "recycled"  # type: ignore[union-attr]
    summary = "A new plan for the café, told plainly for everyone who uses it."
    answer(cyd, venture_id, "venture-summary", summary, by=LEAD)  # reopens it
    sign_off(cyd, venture_id, by="nia.morgan@example.org")  # the change voided the first
    assert submit(cyd, venture_id, by=LEAD).advanced.state == "in_review"  # type: ignore[union-attr]
    changed = answer(cyd, venture_id, "venture-summary", f"Again: {summary}", by=LEAD)
    assert changed.details["stale_votes"] == []
    with read_session(backend.engine) as session:
        [decision] = session.exec(select(t.Decision)).all()
        votes = queries.current_votes(session, venture_id, "design", 1)
        assert decision.tally["voted"] == len([v for v in votes if not v.stale]) == 5
