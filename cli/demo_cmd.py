"""`cyd demo`: the main path of a venture, from start to the Board's decision.

It makes a fresh programme from the shipped example in a temporary data folder
(SQLite), then walks the path through the same commands as `cyd venture|review|
board`: start, answers by several co-producers, returned with reasons, completed but
answered and not met (returned with the checklist's reasons), met and signed off by
co-producers with lived experience, submitted, reviewed, the Board pack, declarations
and votes (with a recusal, a supporter and "I need more time"), a reminder sweep, the
decision with a condition, the next gate opened with the condition as a question of its
checklist, answered, and a last reminder sweep. Simulated time moves on between steps,
as it would over weeks.

After each recorded action the real `advance-venture` Prefect flow takes the
venture on (`CYD_ORCHESTRATION=flows`): on the configured Prefect server, or,
with none, on Prefect's ephemeral local server, which needs no set-up. The
`prepare-board-pack` and `send-reminders` flows run where their schedules would;
the `sweep` flow then checks that nothing was missed, and the `deliver-notifications` flow
sends the outbox to local mailboxes. The runs stay in Prefect's database, to be
looked at in its UI.
"""

from __future__ import annotations

import datetime as dt
import tempfile
from collections import Counter
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer

from checklists.loader import DEFAULT_DIR, load_paths
from cli.output import console

if TYPE_CHECKING:
    from rich.console import Console
    from sqlalchemy import Engine

    from checklists.library import Library
    from services.commands import Cyd, Outcome

EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "programme.yaml"
LEAD = "gareth.jones@example.org"
ADMIN = "admin@example.org"
CHAIR = "megan.lloyd@example.org"


class _Clock:
    """Simulated time: each step happens a little after the one before."""

    def __init__(self) -> None:
        self.now = dt.datetime.now(dt.UTC).replace(microsecond=0)

    def __call__(self) -> dt.datetime:
        self.now += dt.timedelta(minutes=7)
        return self.now

    def days(self, n: int) -> None:
        self.now += dt.timedelta(days=n)

    def on_to(self, moment: dt.datetime) -> None:
        """On to `moment`, if it is later (simulated time never runs back)."""
        self.now = max(self.now, moment)


def demo(
    keep: bool = typer.Option(True, help="Keep the demo's data folder to look at afterwards."),
) -> None:
    """Run the main path of a venture on a fresh programme, and summarise it."""
    from cli.output import safe as escape

    out = console()
    out.rule("[bold]Cyd demo[/bold]")
    library, problems = load_paths([DEFAULT_DIR])
    if problems:
        for problem in problems:
            out.print(f"[red]{escape(str(problem))}[/red]")
        raise typer.Exit(1)
    chain = " → ".join(g.id for g in library.gate_chain())
    out.print(
        f"Definitions valid: {len(library.checklists)} checklists, {len(library.gates)} gates "
        f"({escape(chain)})."
    )
    folder = Path(tempfile.mkdtemp(prefix="cyd-demo-"))
    import os

    # The demo's folder is the data folder from the start: the programme's channels are
    # sealed with a key file made there (models.sealed), which the flows then open.
    os.environ["CYD_DATA_DIR"] = str(folder)
    cyd = _fresh_programme(folder, library, out)
    runs = _use_flows(cyd, folder, out)
    venture_id = _walk(cyd, out, runs)
    _ideas(cyd, out)
    _deliver(cyd, folder, out, runs)
    _summary(cyd, venture_id, folder, out)
    _prefect_summary(cyd, venture_id, runs, out)
    if not keep:
        import shutil

        shutil.rmtree(folder, ignore_errors=True)


def _fresh_programme(folder: Path, library: Any, out: Console) -> Cyd:
    from models.db import make_engine
    from models.migrate import upgrade
    from services.commands import Cyd
    from services.programme_import import import_programme, load_programme

    engine = make_engine(f"sqlite:///{folder / 'cyd.db'}")
    upgrade(engine)
    programme = load_programme(EXAMPLE, library=library)
    import_programme(engine, programme, EXAMPLE.read_text(encoding="utf-8"), "admin@example.org")
    out.print(
        f"A fresh programme from {EXAMPLE.name}: {len(programme.people)} people, "
        f"{len(programme.workstreams)} workstream, a Board of {len(programme.board.members)}."
    )
    return Cyd(engine, library, clock=_Clock())


def _use_flows(cyd: Cyd, folder: Path, out: Console) -> Counter[str]:
    """Advance through the real flows, in this process; count the runs by flow."""
    import os

    from flows import trigger

    # The flows find the demo's database as a worker would, and share this engine.
    os.environ["CYD_DATABASE_URL"] = f"sqlite:///{folder / 'cyd.db'}"
    os.environ["CYD_DATA_DIR"] = str(folder)  # where the Board packs are filed
    os.environ[trigger.MODE_ENV] = trigger.FLOWS
    # Prefect's own progress lines would drown the demo's; its warnings still show.
    os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    trigger.use_local_prefect()
    runs: Counter[str] = Counter()

    def advance(engine: Engine, library: Library, venture_id: str, now: dt.datetime) -> Any:
        idle = trigger.quiet(engine, library, venture_id, now)
        if idle is not None:
            return idle  # nothing for the rules to do: no flow run, as in `cyd venture`
        runs[f"advance-{venture_id}"] += 1
        return trigger.run_flow(engine, library, venture_id, now)

    cyd.advancer = advance
    where = trigger.api_url()
    out.print(
        "Each action is recorded, then the advance-venture Prefect flow takes the venture on, "
        + (
            f"on the Prefect server at {where}."
            if where
            else "on Prefect's local server (started on the first run: 10-20 s)."
        )
    )
    return runs


def _step(out: Console, who: str, what: str, outcome: Outcome | None = None) -> None:
    from cli.output import safe as escape

    state = ""
    if outcome is not None and outcome.advanced is not None and outcome.advanced.changed:
        state = (
            f" [dim]→ {escape(outcome.advanced.state)} at {escape(outcome.advanced.gate_id)}[/dim]"
        )
    out.print(f"  [cyan]{escape(who)}[/cyan] {escape(what)}{state}")


_WORDS = {
    "venture-summary": (
        "We will open a community café run together with people who use day services. "
        "It gives paid work, training and a friendly place to meet."
    ),
    "lived-experience-views": (
        "We want a café where we work and are paid, not only where we sit. "
        "We want to choose the menu and help pick who works there."
    ),
    "lived-experience-count": 6,
    "formats-offered": ["easy-read", "welsh"],
}
# Valid answers that do not meet what their items ask (`met_when`), then ones that do.
_TOKENISTIC: dict[str, Any] = {"who-decides": "Officers decide.", "ladder-rung": "consultation"}
_MET: dict[str, Any] = {
    "who-decides": (
        "A steering group of six, four of them people who use day services, decides the menu,"
        " the opening hours and who is hired; officers carry out what it decides."
    ),
    "ladder-rung": "co-production",
}


def _walk(cyd: Cyd, out: Console, runs: Counter[str]) -> str:
    from services import commands as c
    from services.examples import answer_missing

    out.rule("The main path")
    started = c.start_venture(
        cyd, workstream="day-opportunities", title="Community café", lead=LEAD
    )
    venture = started.venture_id
    _step(out, "Gareth (lead)", f"starts {venture} 'Community café' at the design gate")
    # Each answers what is theirs to answer (an item's `audience`): the co-producers what
    # they think, the lead what only the organisation knows.
    for item_id, who in (
        ("venture-summary", "nia.morgan@example.org"),
        ("lived-experience-views", "sam.bennett@example.org"),
        ("lived-experience-count", LEAD),
        ("formats-offered", LEAD),
    ):
        c.answer(cyd, venture, item_id, _WORDS[item_id], by=who)
        _step(out, who.split(".")[0].title(), f"answers {item_id}")
    returned = c.submit(cyd, venture, by=LEAD)
    gaps = returned.advanced.effects("Transition")[0]["gaps"] if returned.advanced else []
    _step(out, "Gareth", f"submits: returned, {len(gaps)} must-meet items unanswered", returned)
    if gaps:
        first = gaps[0]
        out.print(f"    e.g. {first['item']}: {first['reason']['en']}")
        out.print(f"         {first['item']}: {first['reason']['cy']}")
    _translate_title(cyd, out)
    people = ["nia.morgan@example.org", "sam.bennett@example.org", "rhys.thomas@example.org"]
    answered = answer_missing(cyd, venture, people)
    _step(
        out,
        "Nia, Sam, Rhys and Gareth",
        f"answer {answered} more items, each their own (the lead's only by Gareth; attributed)",
    )
    # Answered is not met: two answers that only tick the box.
    for item_id, value in _TOKENISTIC.items():
        c.answer(cyd, venture, item_id, value, by=LEAD)
        _step(out, "Gareth", f"changes {item_id} to {value!r}")
    cyd.clock.days(1)  # type: ignore[attr-defined]
    unmet = c.submit(cyd, venture, by=LEAD)
    gaps = unmet.advanced.effects("Transition")[0]["gaps"] if unmet.advanced else []
    _step(out, "Gareth", f"submits: returned, {len(gaps)} answers are answered but not met", unmet)
    for gap in gaps:
        out.print(f"    {gap['item']}: {gap['reason']['en']}")
        out.print(f"    {gap['item']}: {gap['reason']['cy']}")
    for item_id, value in _MET.items():
        c.answer(cyd, venture, item_id, value, by=LEAD)
        _step(out, "Gareth", f"answers {item_id} again, with the group")
    for who in ("nia.morgan@example.org", "sam.bennett@example.org"):
        c.sign_off(cyd, venture, by=who)
        _step(out, who.split(".")[0].title(), 'signs off: "this checklist says what we agreed"')
    _easy_read_summary(cyd, out, venture)
    cyd.clock.days(3)  # type: ignore[attr-defined]
    reviewed = c.submit(cyd, venture, by=LEAD)
    _step(out, "Gareth", "submits again: met and signed off, so reviewers are told", reviewed)
    cyd.clock.days(5)  # type: ignore[attr-defined]
    c.record_review(
        cyd,
        venture,
        by="elin.davies@example.org",
        recommend="go",
        note="People with lived experience shaped this from the start.",
    )
    _step(out, "Elin (reviewer)", "recommends go")
    board = c.record_review(cyd, venture, by="owen.walker@example.org", recommend="go")
    _step(out, "Owen (reviewer)", "recommends go: the venture goes to the Board", board)
    _vote_closes(cyd, out, venture)
    _board_pack(cyd, out, runs)
    cyd.clock.days(2)  # type: ignore[attr-defined]
    c.declare_interest(
        cyd, venture, member="david.hughes@example.org", interest="Runs a café in the same street"
    )
    _step(out, "David (Board)", "declares an interest and leaves this decision")
    c.vote(cyd, venture, member=CHAIR, choice="approve", supported_by="tom.price@example.org")
    _step(out, "Megan (chair)", "votes approve, helped by her supporter Tom (who does not vote)")
    c.vote(cyd, venture, member="aled.evans@example.org", choice="approve")
    _step(out, "Aled (Board)", "votes approve")
    c.vote(cyd, venture, member="sian.roberts@example.org", choice="more-time")
    _step(out, "Siân (Board)", 'says "I need more time"')
    # Seven working days before the vote's deadline (itself a working day at 17:00: where
    # it falls depends on the day the demo runs), when the first reminder is due.
    cyd.clock.on_to(_week_before_vote_closes(cyd, venture))  # type: ignore[attr-defined]
    # (The translator is reminded too: of each text still waiting for its Welsh.)
    _remind(cyd, out, runs, "the members who have not voted yet, and the translator")
    c.vote(
        cyd,
        venture,
        member="priya.shah@example.org",
        choice="approve-with-conditions",
        reason="Pay people for their time from the first day.",
    )
    _step(out, "Priya (Board)", "votes approve with conditions")
    try:
        c.vote(cyd, venture, member=LEAD, choice="approve")
    except c.PermissionDenied as refused:
        _step(out, "Gareth", f"tries to vote: refused and recorded ({refused})")
    extended = c.close_vote(cyd, venture, by=CHAIR)
    _step(out, "Megan", "closes the vote: Siân asked for more time, so it runs on 7 days", extended)
    cyd.clock.days(4)  # type: ignore[attr-defined]
    c.vote(cyd, venture, member="sian.roberts@example.org", choice="approve")
    _step(out, "Siân", "votes approve")
    decided = c.close_vote(cyd, venture, by=CHAIR)
    _step(out, "Megan", "closes the vote: the Board decides", decided)
    _condition_carried(cyd, out, venture)
    import asyncio

    from flows.sweep import sweep

    runs["sweep"] += 1
    advanced = asyncio.run(sweep(now=cyd.clock()))
    missed = f"{len(advanced)} advanced" if advanced else "nothing was missed"
    _step(out, "Sweep (flow)", f"checks the waiting ventures: {missed}")
    cyd.clock.days(1)  # type: ignore[attr-defined]
    _remind(cyd, out, runs, "anyone still to act")
    return venture


def _ideas(cyd: Cyd, out: Console) -> None:
    """Ideas from anyone: a local person's idea through the public route becomes a
    venture in the same gates; one heard at a roadshow for a group is answered "not
    now", with why and what would change it. Each proposer is replied to."""
    from services import ideas

    out.rule("Ideas from anyone")
    local = ideas.submit_idea(
        cyd,
        ideas.NewIdea(
            what="Gardd gymunedol lle gall pobl dyfu bwyd gyda'i gilydd",
            why="Mae pobl eisiau bod allan a chwrdd â ffrindiau",
            who_helps="Pobl ag anabledd dysgu a'u teuluoedd",
            lang="cy",
            contact_name="Ffion",
            contact_email="ffion@example.net",
            consent_contact=True,
            consent_publish=True,
            reply_language="cy",
            reply_format="easy-read",
        ),
    )
    _step(
        out,
        "A local person",
        f"puts forward {local.idea_id} on the public page, in Welsh Easy Read:"
        f" thanked at once, an answer promised by {_by(local.due_at)}",
    )
    heard = ideas.record_idea(
        cyd,
        ideas.NewIdea(
            what="Evening clubs for young adults",
            route="roadshow",
            behalf="group",
            on_behalf_of="Llais Self-Advocacy",
            contact_email="chair@llais.example.net",
            consent_contact=True,
        ),
        by="bethan.rees@example.org",
    )
    _step(out, "Bethan (clerk)", f"writes down {heard.idea_id}, heard at a roadshow, for a group")
    ideas.send_to(cyd, local.idea_id, workstream="day-opportunities", by=ADMIN)
    ideas.support(cyd, local.idea_id, by="nia.morgan@example.org")
    ideas.moderate(cyd, local.idea_id, by=ADMIN, publish=True, note="No personal data")
    _step(out, "Programme office", f"sends {local.idea_id} to Day opportunities and publishes it")
    adopted = ideas.answer_idea(
        cyd,
        local.idea_id,
        by=LEAD,
        outcome="adopted",
        title="Community garden",
        reason={"cy-easy": "Rydyn ni'n hoffi'r syniad. Gadewch i ni ei wneud gyda'n gilydd."},
    )
    _step(
        out,
        "Gareth (lead)",
        f"adopts it: {adopted.venture} starts at the first gate, the proposer invited to help",
    )
    ideas.answer_idea(
        cyd,
        heard.idea_id,
        by=ADMIN,
        outcome="not-now",
        reason={"en": "There is no money for evening staff this year."},
        what_next={"en": "The budget is set in April: we will ask the group again then."},
    )
    _step(
        out, "Programme office", f"answers {heard.idea_id}: not now, why, and what would change it"
    )


# Gareth's Easy Read summary of the venture: what the Easy Read Board papers show under
# its title, once a co-producer agreed to it.
_SUMMARY = (
    "We want to open a café in the old library.\n"
    "People who use day services will run it with us.\n"
    "They will be paid for their time."
)


def _easy_read_summary(cyd: Cyd, out: Console, venture: str) -> None:
    """The lead writes the venture's Easy Read summary; a co-producer checks it says it
    right, so the Easy Read Board papers carry it."""
    from services.easy_read_summaries import check_summary, write_summary

    write_summary(cyd, venture, _SUMMARY, by=LEAD)
    _step(out, "Gareth", "writes the Easy Read summary: the co-producers are asked to check it")
    check_summary(cyd, venture, True, by="sam.bennett@example.org")
    _step(out, "Sam", 'checks the Easy Read summary: "it says it right", so the Board reads it')


def _translate_title(cyd: Cyd, out: Console) -> None:
    """The translator gives the Welsh title Gareth did not: the Welsh readers' messages
    said it was on its way, and those not yet sent now carry it."""
    from services.translations import give_translation, open_translations

    translator = "lowri.parry@example.org"
    # (The answers written so far wait for the translator too: the title goes first.)
    waiting = open_translations(cyd.engine, by=translator, now=cyd.clock())
    (task,) = [w for w in waiting if w.subject == "venture-title"]
    _step(out, "Cyd", f"asks the translator for the title in Welsh, by {_by(task.due_at)}")
    give_translation(cyd, task.id, "Caffi cymunedol", by=translator)
    _step(out, "Lowri (translator)", "gives the Welsh title: 'Caffi cymunedol'")


def _by(moment: dt.datetime) -> str:
    from notifications.board_pack.wording import by

    return by(moment, "en", easy_read=False).removeprefix("by ")


def _vote_closes(cyd: Cyd, out: Console, venture: str) -> None:
    from models import queries
    from models.db import read_session
    from models.tables import Venture

    with read_session(cyd.engine) as session:
        row = session.get(Venture, venture)
        assert row is not None
        ballot = queries.latest_ballot(session, venture, row.gate_id)
    assert ballot is not None
    _step(out, "Cyd", f"opens the Board's vote: it closes at {_by(ballot.deadline)}")


def _week_before_vote_closes(cyd: Cyd, venture: str) -> dt.datetime:
    """9:00 local time on the open vote's "d-7": seven working days before the day it
    closes (reminder steps count working days: never a weekend or a bank holiday)."""
    from governance.reminders import Step, occasion
    from governance.working_days import working_day_on_or_after
    from models import queries
    from models.db import read_session
    from models.tables import Venture
    from services.reminders import local_zone
    from services.working_calendar import working_calendar

    with read_session(cyd.engine) as session:
        row = session.get(Venture, venture)
        assert row is not None
        ballot = queries.latest_ballot(session, venture, row.gate_id)
    assert ballot is not None
    assert ballot.deadline is not None
    zone = local_zone()
    closes = ballot.deadline.astimezone(zone).date()
    holidays = working_calendar(closes).holidays
    day = occasion(Step(-7, "d-7"), closes, holidays)
    # Simulated time never runs back: if the votes came later than that, the first
    # working day from then (nobody is reminded on a day off).
    day = working_day_on_or_after(max(day, cyd.clock().astimezone(zone).date()), holidays)
    return dt.datetime.combine(day, dt.time(9, 0), tzinfo=zone).astimezone(dt.UTC)


def _condition_carried(cyd: Cyd, out: Console, venture: str) -> None:
    """The Board's condition is a question of the next gate's checklist."""
    from governance.conditions import CHECKLIST_ID
    from services import commands as c
    from services.examples import missing_items

    carried = [
        checklist.item(item_id)
        for checklist, item_id in missing_items(cyd.engine, venture)
        if checklist.id == CHECKLIST_ID
    ]
    for item in carried:
        out.print(f"    the next gate asks: {item.question.en}")
        out.print(f"                        {item.question.cy}")
        c.answer(
            cyd,
            venture,
            f"{CHECKLIST_ID}/{item.id}",
            "Everyone is paid £15 an hour from the first meeting; the group agreed the rate.",
            by=LEAD,
        )
        _step(out, "Gareth", f"answers how the condition was met ({item.id})")


def _board_pack(cyd: Cyd, out: Console, runs: Counter[str]) -> None:
    """The `prepare-board-pack` flow, for a meeting two days on."""
    import asyncio

    from flows.board_pack import prepare_board_pack

    meeting = cyd.clock().date() + dt.timedelta(days=2)
    runs["prepare-board-pack"] += 1
    report = asyncio.run(prepare_board_pack(meeting=meeting, now=cyd.clock()))
    _step(
        out,
        "Board pack (flow)",
        f"papers for the meeting on {meeting.isoformat()}: {report['members']} members, "
        f"each in their own language and format, as HTML and PDF; "
        f"{report['messages']} message(s) queued",
    )


def _remind(cyd: Cyd, out: Console, runs: Counter[str], whom: str) -> None:
    """The `send-reminders` flow, as the daily schedule would run it."""
    import asyncio

    from flows.reminders import send_reminders

    runs["send-reminders"] += 1
    counts = asyncio.run(send_reminders(now=cyd.clock()))
    _step(
        out,
        "Reminders (flow)",
        f"reminds {whom}: {counts['reminders']} reminder(s), "
        f"{counts['escalations']} escalation(s), {counts['messages']} message(s) queued",
    )


def _deliver(cyd: Cyd, folder: Path, out: Console, runs: Counter[str]) -> None:
    """Send what the outbox holds through each person's channels: here local mailboxes."""
    import asyncio
    import os

    from flows.outbox import deliver_notifications
    from notifications import mailbox

    os.environ["CYD_MAILBOX_DIR"] = str(folder / "mailbox")
    out.rule("Messages")
    runs["deliver-notifications"] += 1
    report = asyncio.run(deliver_notifications(limit=10_000, now=cyd.clock()))
    out.print(
        f"The relay sent {report['sent']} message(s) through apprise to local mailboxes "
        f"(mailbox://), {report['dead']} given up, in the deliver-notifications flow."
    )
    for name in sorted(p.name for p in mailbox.mailbox_dir().iterdir() if p.is_dir()):
        letters = mailbox.messages(name)
        kinds = Counter(str(m["Content-Language"] or "?").replace(", ", "+") for m in letters)
        languages = [f"{lang} ×{n}" for lang, n in sorted(kinds.items())]
        easy = sum(1 for m in letters if str(m["X-Cyd-Format"] or "") == "easy-read")
        first = str(letters[0]["Subject"]) if letters else ""
        out.print(
            f"  {name}: {len(letters)} ({', '.join(languages)}"
            + (f"; {easy} Easy Read" if easy else "")
            + f") e.g. “{first}”"
        )


def _summary(cyd: Cyd, venture: str, folder: Path, out: Console) -> None:
    from sqlmodel import select

    from cli.output import safe as escape
    from models import audit
    from models import tables as t
    from models.db import read_session
    from services.views import describe_venture

    out.rule("Summary")
    with read_session(cyd.engine) as session:
        row = session.get(t.Venture, venture)
        assert row is not None
        data = describe_venture(session, row, cyd.library, cyd.clock())
        messages = session.exec(select(t.OutboxMessage)).all()
        verified = audit.verify(session)
        denials = session.exec(select(t.Denial)).all()
    for decision in data["decisions"]:
        out.print(
            f"Decision at gate [bold]{escape(decision['gate'])}[/bold]: "
            f"[bold green]{escape(decision['outcome'])}[/bold green]"
        )
        for reason in decision["reasons"]:
            out.print(f"  • {escape(reason['text'])}")
        for condition in decision["conditions"]:
            out.print(f"  Condition: {escape(condition)}")
    out.print(f"Now: {escape(data['state'])} at gate [bold]{escape(data['gate'])}[/bold].")
    kinds = Counter((m.language, m.format) for m in messages)
    described = ", ".join(f"{n} in {lang}/{fmt}" for (lang, fmt), n in sorted(kinds.items()))
    events = Counter(m.event for m in messages)
    out.print(
        f"Messages queued in the outbox: {len(messages)} ({escape(described)}); "
        f"events: {escape(', '.join(f'{e} ×{n}' for e, n in sorted(events.items())))}."
    )
    out.print(f"Refusals recorded: {len(denials)}.")
    out.print(
        f"Audit log: {verified.entries} entries, chain "
        + ("[green]intact[/green]" if verified.ok else f"[red]broken: {verified.reason}[/red]")
        + f"; head {verified.head}"
    )
    env = f"CYD_DATA_DIR={folder}"
    out.print(f"Data: {escape(str(folder))}")
    out.print(f"Look around: [bold]{escape(env)} cyd venture show {venture}[/bold]")


def _prefect_summary(cyd: Cyd, venture: str, runs: Counter[str], out: Console) -> None:
    from cli.output import safe as escape
    from flows import trigger
    from flows.records import artifact_key, tally_key
    from models.db import read_session
    from services.programme_import import current_programme

    with read_session(cyd.engine) as session:
        programme = current_programme(session).id

    named = ", ".join(f"{name} ×{n}" for name, n in sorted(runs.items()))
    out.print(f"Prefect flow runs: {sum(runs.values())} ({escape(named)}).")
    out.print(
        f"Artifacts: {artifact_key(programme, venture)} (state and decision record, English "
        f"and Welsh), {tally_key(programme, venture)} (the tally)."
    )
    where = trigger.api_url()
    if where:
        ui = where.removesuffix("/api")
        out.print(f"See them in the Prefect UI at {escape(ui)}/runs (tag venture:{venture}).")
    else:
        out.print(
            "See them in the Prefect UI: [bold]uv run prefect server start[/bold], open "
            f"http://127.0.0.1:4200/runs and look for the runs named advance-{venture} "
            f"(tag venture:{venture}) and the artifacts above."
        )
