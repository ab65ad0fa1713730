"""Everyone's next actions at each step of the demo's main path, on both databases.

The steps are those of `cyd demo` (cli/demo_cmd.py), driven through the real
commands on the example programme; after each one, every person's next actions
(kind, venture, reason, whether there is a deadline, on whose behalf) must be what
the table says, and nobody else may have any.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import Engine, event
from sqlmodel import select

from checklists.loader import Library, load_library
from models import tables as t
from models.db import read_session
from services import commands as c
from services.commands import Cyd, NotFound
from services.examples import answer_missing
from services.next_actions import NextAction, next_actions
from services.programme_import import import_programme, load_programme
from services.reminders import sweep
from services.translations import give_translation

ROOT = Path(__file__).resolve().parents[2]
PROGRAMME = ROOT / "examples" / "programme.yaml"
DOMAIN = "@example.org"
V = "v-0001"  # the demo's venture: the first of a fresh programme


def email(name: str) -> str:
    return f"{name}{DOMAIN}"


LEAD, CHAIR = email("gareth.jones"), email("megan.lloyd")
TRANSLATOR = email("lowri.parry")
CO_PRODUCERS = [email("nia.morgan"), email("sam.bennett"), email("rhys.thomas")]


class Clock:
    """Simulated time, as the demo's: each action a little after the one before."""

    def __init__(self) -> None:
        self.now = dt.datetime(2026, 11, 2, 9, 0, tzinfo=dt.UTC)

    def __call__(self) -> dt.datetime:
        self.now += dt.timedelta(minutes=7)
        return self.now

    def days(self, n: int) -> None:
        self.now += dt.timedelta(days=n)


@pytest.fixture(scope="module")
def library() -> Library:
    return load_library()


@pytest.fixture
def cyd(engine: Engine, library: Library) -> Cyd:
    programme = load_programme(PROGRAMME, library=library)
    import_programme(engine, programme, PROGRAMME.read_text(encoding="utf-8"), "admin@example.org")
    return Cyd(engine, library, clock=Clock())


def clock(cyd: Cyd) -> Clock:
    assert isinstance(cyd.clock, Clock)
    return cyd.clock


# --- the steps of the demo's main path ---------------------------------------------------

WORDS = {
    "venture-summary": (
        "We will open a community café run together with people who use day services. "
        "It gives paid work, training and a friendly place to meet."
    ),
    "lived-experience-count": 6,
    "formats-offered": ["easy-read", "welsh"],
}


def started(cyd: Cyd) -> None:
    c.start_venture(cyd, workstream="day-opportunities", title="Community café", lead=LEAD)


def answered_in_part(cyd: Cyd) -> None:
    """A co-producer answers an item for anyone; the lead the two only the lead may."""
    for item, who in (
        ("venture-summary", "nia.morgan"),
        ("lived-experience-count", "gareth.jones"),  # audience: lead
        ("formats-offered", "gareth.jones"),  # audience: lead
    ):
        c.answer(cyd, V, item, WORDS[item], by=email(who))


def returned(cyd: Cyd) -> None:
    assert c.submit(cyd, V, by=LEAD).advanced.state == "returned"  # type: ignore[union-attr]


def returned_and_translated(cyd: Cyd) -> None:
    """Sent back; the translator gives the Welsh title Gareth did not."""
    returned(cyd)
    with read_session(cyd.engine) as session:
        (waiting,) = session.exec(
            select(t.Translation).where(t.Translation.subject == "venture-title")
        ).all()
    assert waiting.id is not None
    give_translation(cyd, waiting.id, "Caffi cymunedol", by=TRANSLATOR)


def completed(cyd: Cyd) -> None:
    answer_missing(cyd, V, CO_PRODUCERS)


def submitted(cyd: Cyd) -> None:
    clock(cyd).days(3)
    assert c.submit(cyd, V, by=LEAD).advanced.state == "in_review"  # type: ignore[union-attr]


def first_review(cyd: Cyd) -> None:
    clock(cyd).days(5)
    c.record_review(cyd, V, by=email("elin.davies"), recommend="go", note="Shaped by people.")


def on_the_boards_agenda(cyd: Cyd) -> None:
    done = c.record_review(cyd, V, by=email("owen.walker"), recommend="go")
    assert done.advanced is not None
    assert done.advanced.state == "awaiting_board"


def interest_declared(cyd: Cyd) -> None:
    clock(cyd).days(2)
    c.declare_interest(cyd, V, member=email("david.hughes"), interest="Runs a café nearby")


def votes(cyd: Cyd) -> None:
    c.vote(cyd, V, member=CHAIR, choice="approve", supported_by=email("tom.price"))
    c.vote(cyd, V, member=email("aled.evans"), choice="approve")
    c.vote(cyd, V, member=email("sian.roberts"), choice="more-time")


def reminders_then_the_last_vote(cyd: Cyd) -> None:
    # A week before the vote's deadline. The vote opened on Tue 10 November 2026 and
    # closes 14 working days on (no bank holiday between): 11, 12, 13, 16, ..., 20,
    # 23, ..., 27, 30 November, at 17:00 on Mon 30 November. A week before is Mon 23
    # November, 11 days after Thu 12 November (the interest declared).
    clock(cyd).days(11)
    sweep(cyd.engine, cyd.clock())
    c.vote(cyd, V, member=email("priya.shah"), choice="approve-with-conditions", reason="Pay.")
    with pytest.raises(c.PermissionDenied):
        c.vote(cyd, V, member=LEAD, choice="approve")


def more_time(cyd: Cyd) -> None:
    runs_on = c.close_vote(cyd, V, by=CHAIR)
    assert runs_on.advanced is not None
    assert runs_on.advanced.effects("ExtendBallot")


def last_vote(cyd: Cyd) -> None:
    clock(cyd).days(4)
    c.vote(cyd, V, member=email("sian.roberts"), choice="approve")


def decided_and_next_gate_opened(cyd: Cyd) -> None:
    decided = c.close_vote(cyd, V, by=CHAIR)
    assert decided.advanced is not None
    assert (decided.advanced.state, decided.advanced.gate_id) == ("draft", "delivery")


# --- what each person should do after each step ------------------------------------------

# (kind, reason, has a deadline, on whose behalf): the venture is V throughout.
Expected = tuple[str, str, bool, str | None]


def workstream(
    reason: str, *, lead: str = "answer", lead_reason: str | None = None
) -> dict[str, list[Expected]]:
    """The workstream's actions on a venture being answered: none has a deadline."""
    table: dict[str, list[Expected]] = {
        "gareth.jones": [(lead, lead_reason or reason, False, None)],
    }
    for person in CO_PRODUCERS:
        table[person.removesuffix(DOMAIN)] = [("answer", reason, False, None)]
    return table


# Until it is given, the venture's title waits for the translator (by when it is due).
TRANSLATING: dict[str, list[Expected]] = {
    "lowri.parry": [("translate", "translation-asked", True, None)],
}


def voting(*members: str, reason: str = "vote-due") -> dict[str, list[Expected]]:
    """Members still to vote (declaring first, for a first vote); Tom helps Megan."""
    declare = reason == "vote-due"
    table: dict[str, list[Expected]] = {}
    for m in members:
        table[m] = ([("declare", "declare-before-voting", True, None)] if declare else []) + [
            ("vote", reason, True, None)
        ]
    if "megan.lloyd" in table:
        table["tom.price"] = [(k, r, d, CHAIR) for k, r, d, _ in table["megan.lloyd"]]
    return table


CHAIR_CLOSES: dict[str, list[Expected]] = {
    "megan.lloyd": [("close-vote", "everyone-has-voted", True, None)],
    "tom.price": [("close-vote", "everyone-has-voted", True, CHAIR)],
}
BOARD = ("megan.lloyd", "aled.evans", "sian.roberts", "david.hughes", "priya.shah")

STEPS: list[tuple[str, Callable[[Cyd], None], dict[str, list[Expected]]]] = [
    ("started", started, workstream("items-to-answer") | TRANSLATING),
    ("answered in part", answered_in_part, workstream("items-to-answer") | TRANSLATING),
    ("returned", returned_and_translated, workstream("returned-for-changes", lead="fix")),
    (
        "completed",  # answering reopened it; co-producers may still answer should-meet items
        completed,
        workstream("items-to-answer", lead="submit", lead_reason="ready-to-submit"),
    ),
    (
        "submitted",
        submitted,
        {
            "elin.davies": [("review", "review-requested", True, None)],
            "owen.walker": [("review", "review-requested", True, None)],
        },
    ),
    ("reviewed once", first_review, {"owen.walker": [("review", "review-requested", True, None)]}),
    ("on the Board's agenda", on_the_boards_agenda, voting(*BOARD)),  # not Gareth: his own
    ("interest declared", interest_declared, voting(*(m for m in BOARD if m != "david.hughes"))),
    ("votes", votes, voting("priya.shah")),  # Siân asked for more time: that counts for now
    ("the last vote", reminders_then_the_last_vote, CHAIR_CLOSES),
    ("more time", more_time, voting("sian.roberts", reason="more-time-given")),
    ("Siân votes", last_vote, CHAIR_CLOSES),
    ("decided, next gate opened", decided_and_next_gate_opened, workstream("items-to-answer")),
]


def programme_people(library: Library) -> list[str]:
    return [p.email for p in load_programme(PROGRAMME, library=library).people]


def seen(action: NextAction) -> tuple[str, str, str, bool, str | None]:
    return (
        action.kind,
        action.venture_id,
        action.reason,
        action.deadline is not None,
        action.on_behalf_of,
    )


def test_everyones_next_actions_along_the_main_path(cyd: Cyd, library: Library) -> None:
    people = programme_people(library)
    assert len(people) == 15
    for step, act, expected in STEPS:
        act(cyd)
        now = clock(cyd).now
        # (The answers, notes and conditions written along the way wait for the
        # translator too: tests/services/test_free_text_translations.py sees those.)
        got = {
            p.removesuffix(DOMAIN): [
                seen(a)
                for a in next_actions(cyd.engine, library, p, now)
                if "subject" not in a.params
            ]
            for p in people
        }
        want = {
            p.removesuffix(DOMAIN): [
                (kind, V, reason, dated, behalf)
                for kind, reason, dated, behalf in expected.get(p.removesuffix(DOMAIN), [])
            ]
            for p in people
        }
        assert got == want, step


def test_everyones_next_actions_in_words_along_the_main_path(cyd: Cyd, library: Library) -> None:
    """Every next action of every person after each step, in all four forms: whole,
    Welsh not English, a supporter told whom they help by name."""
    people = programme_people(library)
    reasons: set[str] = set()
    for _step, act, _expected in STEPS:
        act(cyd)
        for person in people:
            for action in next_actions(cyd.engine, library, person, clock(cyd).now):
                reasons.add(action.reason)
                words = {
                    (language, easy): action.words(language, easy)
                    for language in ("en", "cy")
                    for easy in (False, True)
                }
                assert all(words.values()), action
                assert words["cy", False] != words["en", False], action
                assert words["cy", True] != words["en", True], action
                assert "{" not in "".join(words.values()), words
                assert all(action.venture_title in w for w in words.values())
                if action.on_behalf_of is not None:
                    assert action.on_behalf_of_name == "Megan Lloyd"
                    assert "Rydych chi'n cefnogi Megan Lloyd" in words["cy", False]
    assert len(reasons) >= 8  # the path meets most reasons: each one was written


# --- beyond the main path ------------------------------------------------------------------


def to_board(cyd: Cyd, title: str = "Community café") -> str:
    venture = c.start_venture(
        cyd, workstream="day-opportunities", title=title, lead=LEAD
    ).venture_id
    answer_missing(cyd, venture, CO_PRODUCERS)
    c.submit(cyd, venture, by=LEAD)
    for reviewer in ("elin.davies", "owen.walker"):
        c.record_review(cyd, venture, by=email(reviewer), recommend="go")
    return venture


def kinds(cyd: Cyd, library: Library, who: str) -> list[tuple[str, str, str, bool, bool]]:
    now = clock(cyd).now
    return [
        (a.kind, a.venture_id, a.reason, a.deadline is not None, a.overdue)
        for a in next_actions(cyd.engine, library, who, now)
    ]


def test_after_the_vote_deadline_the_chair_closes_it(cyd: Cyd, library: Library) -> None:
    venture = to_board(cyd)
    for member in ("aled.evans", "sian.roberts", "priya.shah"):
        c.vote(cyd, venture, member=email(member), choice="approve")
    # Sent to the Board on Mon 2 November: 14 working days end on Fri 20 November at
    # 17:00. Three weeks on is past it; the sweep has not run yet.
    clock(cyd).days(21)
    assert kinds(cyd, library, CHAIR) == [
        ("declare", venture, "declare-before-voting", True, True),
        ("vote", venture, "vote-due", True, True),
        ("close-vote", venture, "vote-deadline-passed", True, True),
    ]
    close = next_actions(cyd.engine, library, CHAIR, clock(cyd).now)[-1]
    assert close.deadline is not None
    day = close.deadline.astimezone(ZoneInfo("Europe/London")).day
    assert day == 20
    assert close.words("en").endswith(f" It was due on {day} November 2026.")
    assert close.words("cy", easy_read=True) == (
        "Gorffennwch bleidlais y Bwrdd ar Community café."
        " Mae'r diwrnod olaf i bleidleisio wedi mynd. Gallwch chi orffen y bleidlais nawr."
        f" Roedd angen gwneud hyn erbyn {day} Tachwedd 2026. Gwnewch e cyn gynted â phosib."
    )
    assert kinds(cyd, library, email("david.hughes"))[-1] == (
        "vote",
        venture,
        "vote-due",
        True,
        True,
    )


def test_a_lead_given_more_time_has_a_deadline(cyd: Cyd, library: Library) -> None:
    venture = c.start_venture(
        cyd, workstream="day-opportunities", title="Walking group", lead=LEAD
    ).venture_id
    until = (clock(cyd).now + dt.timedelta(days=20)).date()
    assert until == dt.date(2026, 11, 22)  # a Sunday
    c.extend(cyd, venture, until=until, by=LEAD, reason="The group meets monthly.")
    [action] = next_actions(cyd.engine, cyd.library, LEAD, clock(cyd).now)
    assert (action.kind, action.deadline is not None) == ("answer", True)
    assert action.deadline is not None
    # A date that is no working day moves to the next one, at 17:00 local (GMT here).
    assert action.deadline == dt.datetime(2026, 11, 23, 17, 0, tzinfo=dt.UTC)
    assert all(
        a.deadline is not None
        for a in next_actions(cyd.engine, cyd.library, CO_PRODUCERS[0], clock(cyd).now)
    )


def test_on_hold_the_chair_resumes_and_recycled_the_lead_fixes(cyd: Cyd, library: Library) -> None:
    held, recycled = to_board(cyd, "Held"), to_board(cyd, "Recycled")
    for venture, choice in ((held, "hold"), (recycled, "recycle")):
        for member in (CHAIR, email("aled.evans"), email("sian.roberts"), email("priya.shah")):
            c.vote(cyd, venture, member=member, choice=choice)
        c.close_vote(cyd, venture, by=CHAIR)
    assert kinds(cyd, library, CHAIR) == [("resume", held, "venture-on-hold", False, False)]
    assert [
        (a.kind, a.on_behalf_of)
        for a in next_actions(cyd.engine, library, email("tom.price"), clock(cyd).now)
    ] == [("resume", CHAIR)]
    assert kinds(cyd, library, LEAD) == [("fix", recycled, "recycled-by-board", False, False)]


def test_someone_not_in_the_programme_is_not_found(cyd: Cyd, library: Library) -> None:
    with pytest.raises(NotFound):
        next_actions(cyd.engine, library, "nobody@example.org", clock(cyd).now)


def statements(engine: Engine, read: Callable[[], object]) -> int:
    count = 0

    def counted(*_: object) -> None:
        nonlocal count
        count += 1

    event.listen(engine, "before_cursor_execute", counted)
    try:
        read()
    finally:
        event.remove(engine, "before_cursor_execute", counted)
    return count


def test_a_handful_of_queries_however_many_ventures(cyd: Cyd, library: Library) -> None:
    """The same number of statements for one venture in each state as for three."""

    def some(n: int) -> None:
        for i in range(n):
            c.start_venture(cyd, workstream="day-opportunities", title=f"Draft {i}", lead=LEAD)
            to_board(cyd, f"Board {i}")
            review = c.start_venture(
                cyd, workstream="day-opportunities", title=f"Review {i}", lead=LEAD
            ).venture_id
            answer_missing(cyd, review, CO_PRODUCERS)
            c.submit(cyd, review, by=LEAD)

    people = [LEAD, CHAIR, email("tom.price"), CO_PRODUCERS[0], email("elin.davies")]

    def cost() -> dict[str, tuple[int, int]]:
        """Each person's statements and actions."""
        now = clock(cyd).now
        found: dict[str, tuple[int, int]] = {}
        for person in people:
            actions: list[NextAction] = []

            def read(who: str = person, into: list[NextAction] = actions) -> None:
                into.extend(next_actions(cyd.engine, library, who, now))

            found[person] = (statements(cyd.engine, read), len(actions))
        return found

    some(1)
    one = cost()
    some(2)
    three = cost()
    for person in people:
        assert three[person][0] == one[person][0], person
        assert three[person][1] == 3 * one[person][1], person
    # A handful: 23 since what clerks recorded for the person to confirm, the
    # sign-offs the gates ask for, and the ventures' Easy Read summaries are read too.
    assert max(n for n, _ in three.values()) <= 23
