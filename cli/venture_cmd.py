"""`cyd venture|review|board ...`: a lead's, a reviewer's and a Board member's actions.

Each command records the action through `services.commands` (which checks who may
do it) and then advances the venture as far as the rules allow: here and now by
default, or through Prefect (`CYD_ORCHESTRATION`, see `flows.trigger`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import TYPE_CHECKING, Annotated

import typer

from cli.output import Lang, console, fail, print_json

if TYPE_CHECKING:
    from services.advancing import Advanced
    from services.commands import CommandError, Cyd, Outcome

venture_app = typer.Typer(help="Start, answer, submit and follow ventures.", no_args_is_help=True)
review_app = typer.Typer(help="Reviewers' recommendations.", no_args_is_help=True)
board_app = typer.Typer(
    help="The Board: declarations, votes, closing a vote.", no_args_is_help=True
)

JsonOpt = Annotated[bool, typer.Option("--json", help="Machine-readable output.")]
LangOpt = Annotated[
    Lang | None,
    typer.Option(
        "--lang",
        help="The language of a refusal: en or cy (default: the person's own, else en).",
    ),
]

# What to type to put a mistake right, by the error's code (governance/catalogue.yaml):
# the domain's sentences never name an option, the command line knows its own.
HINTS: dict[str, str] = {
    "extend-reason-missing": "use --reason",
    "withdraw-reason-missing": "use --reason",
    "conditions-missing": "use --reason",
    "interest-missing": "use --interest",
    "summary-missing": "use --text or --file",
    "summary-note-missing": "use --note",
}
_USE = {"en": "use", "cy": "defnyddiwch"}


def error_line(error: CommandError, language: str = "en") -> str:
    """The one line a person sees for a refused command, in `language`: the catalogue's
    sentence and the option that puts it right. In English, an invalid answer's reason
    comes in Welsh as well (the checklist wrote it in both, and English is also what
    people never asked their language get); in Welsh, the Welsh alone."""
    from services.commands import InvalidAnswer

    if language == "cy":
        line = error.say("cy")
    else:
        line = str(error)
        if isinstance(error, InvalidAnswer):
            line += f" / {error.cy}"
    hint = HINTS.get(error.code)
    if hint and language == "cy":
        hint = hint.replace(_USE["en"], _USE["cy"], 1)
    return f"{line} ({hint})" if hint else line


def speaking(cyd: Cyd, lang: Lang | None, person: str | None) -> str:
    """The language a command speaks to `person` (the one acting): `--lang` when given,
    else the language they chose (stored), else English."""
    if lang is not None:
        return lang.value
    from services.people import language_of

    return language_of(cyd.engine, person) or "en"


def _run(
    action: Callable[[Cyd], Outcome],
    as_json: bool,
    *,
    person: str | None = None,
    lang: Lang | None = None,
) -> None:
    from cli.app_context import cyd_context
    from services.commands import CommandError

    cyd = cyd_context()
    try:
        outcome = action(cyd)
    except CommandError as exc:
        fail(error_line(exc, speaking(cyd, lang, person)))
    _note(outcome.advance)
    if as_json:
        print_json(outcome.as_json())
        return
    _say(outcome)


def _note(advanced: Advanced | None) -> None:
    """Say on stderr when an event could not be sent and the command advanced the
    venture itself (nothing is lost; whoever runs the command should know)."""
    import sys

    if advanced is not None and advanced.detail:
        sys.stderr.write(f"cyd: {advanced.detail}\n")


def _say(outcome: Outcome) -> None:
    from cli.output import Lines
    from cli.output import mark as escape

    out = Lines()
    out.print(f"[bold]{escape(outcome.venture_id)}[/bold]: {escape(outcome.message)}")
    if outcome.handed:
        out.print("  → handed to Prefect: the advance-venture flow takes it on")
    report = outcome.advanced
    if report is None or not report.changed:
        return
    for move in report.effects("Transition"):
        reasons = " ".join(r["text"] for r in move["reasons"])
        out.print(f"  → [bold]{escape(move['to'])}[/bold]: {escape(reasons)}")
        for gap in move["gaps"]:
            out.print(
                f"    • {escape(gap['checklist'])}/{escape(gap['item'])}: "
                f"{escape(gap['reason']['en'])} [dim]/ {escape(gap['reason']['cy'])}[/dim]"
            )
    for decision in report.effects("RecordDecision"):
        out.print(f"  Decision: [bold]{escape(decision['outcome'])}[/bold]")
        for reason in decision["reasons"]:
            out.print(f"    • {escape(reason['text'])}")
    for opened in report.effects("OpenNextGate"):
        out.print(f"  Next gate opened: [bold]{escape(opened['gate'])}[/bold]")
    for extended in report.effects("ExtendBallot"):
        out.print(f"  The vote runs on until {escape(extended['deadline'][:10])}.")
    out.print(f"  Now: {escape(report.state)} at gate {escape(report.gate_id)}")


@venture_app.command("start")
def start(
    workstream: Annotated[str, typer.Option(help="Workstream id.")],
    title: Annotated[str, typer.Option(help="A short title.")],
    lead: Annotated[str, typer.Option(help="The lead's email.")],
    gate: Annotated[str | None, typer.Option(help="Gate (default: the first).")] = None,
    title_lang: Annotated[
        Lang | None,
        typer.Option(help="The title's language: en or cy (default: the lead's own)."),
    ] = None,
    title_other: Annotated[
        str | None,
        typer.Option(help="The title in the other language (else a translator is asked)."),
    ] = None,
    as_json: JsonOpt = False,
    lang: LangOpt = None,
) -> None:
    """Start a venture; prints its id (alone on stdout, for scripts)."""
    import sys

    from cli.app_context import cyd_context
    from services.commands import CommandError, start_venture

    cyd = cyd_context()
    try:
        outcome = start_venture(
            cyd,
            workstream=workstream,
            title=title,
            lead=lead,
            gate=gate,
            title_lang=title_lang.value if title_lang is not None else None,
            title_other=title_other,
        )
    except CommandError as exc:
        fail(error_line(exc, speaking(cyd, lang, lead)))
    if as_json:
        print_json(outcome.as_json())
        return
    sys.stdout.write(outcome.venture_id + "\n")
    sys.stderr.write(outcome.message + "\n")


@venture_app.command("answer")
def answer_cmd(
    venture: Annotated[str, typer.Argument(help="Venture id.")],
    item: Annotated[str, typer.Argument(help="Item id (or CHECKLIST/ITEM).")],
    value: Annotated[str, typer.Argument(help="The answer: yes/no, text, a number, a, b, …")],
    by: Annotated[str, typer.Option(help="Who answers (email).")],
    as_json: JsonOpt = False,
    lang: LangOpt = None,
) -> None:
    """Answer one checklist item; every answer is attributed and kept."""
    from services.commands import answer

    _run(lambda c: answer(c, venture, item, value, by=by), as_json, person=by, lang=lang)


@venture_app.command("sign-off")
def sign_off_cmd(
    venture: Annotated[str, typer.Argument(help="Venture id.")],
    by: Annotated[str, typer.Option(help="A co-producer with lived experience (email).")],
    as_json: JsonOpt = False,
    lang: LangOpt = None,
) -> None:
    """Confirm that the checklist says what the co-producers agreed (the gate may ask)."""
    from services.commands import sign_off

    _run(lambda c: sign_off(c, venture, by=by), as_json, person=by, lang=lang)


@venture_app.command("submit")
def submit_cmd(
    venture: Annotated[str, typer.Argument(help="Venture id.")],
    by: Annotated[str, typer.Option(help="The lead (email).")],
    as_json: JsonOpt = False,
    lang: LangOpt = None,
) -> None:
    """Submit the checklist: it is returned with reasons, or goes to review."""
    from services.commands import submit

    _run(lambda c: submit(c, venture, by=by), as_json, person=by, lang=lang)


@venture_app.command("extend")
def extend_cmd(
    venture: Annotated[str, typer.Argument(help="Venture id.")],
    until: Annotated[dt.datetime, typer.Option(formats=["%Y-%m-%d"], help="New date.")],
    by: Annotated[str, typer.Option(help="Who gives more time (email).")],
    reason: Annotated[str, typer.Option(help="Why.")],
    as_json: JsonOpt = False,
    lang: LangOpt = None,
) -> None:
    """Give more time: the open vote's deadline, or the venture's."""
    from services.commands import extend

    _run(
        lambda c: extend(c, venture, until=until.date(), by=by, reason=reason),
        as_json,
        person=by,
        lang=lang,
    )


@venture_app.command("withdraw")
def withdraw_cmd(
    venture: Annotated[str, typer.Argument(help="Venture id.")],
    by: Annotated[str, typer.Option(help="The lead or an admin (email).")],
    reason: Annotated[str, typer.Option(help="Why.")],
    as_json: JsonOpt = False,
    lang: LangOpt = None,
) -> None:
    """Withdraw a venture (final)."""
    from services.commands import withdraw

    _run(lambda c: withdraw(c, venture, by=by, reason=reason), as_json, person=by, lang=lang)


@venture_app.command("advance")
def advance_cmd(
    venture: Annotated[str | None, typer.Argument(help="Venture id (default: all).")] = None,
    as_json: JsonOpt = False,
) -> None:
    """Advance ventures as far as the rules allow (e.g. after a vote's deadline), the
    way CYD_ORCHESTRATION says: here, or handed to Prefect."""
    from cli.app_context import cyd_context
    from services.commands import advance_open

    cyd = cyd_context()
    try:
        done = [cyd.advance(venture)] if venture else advance_open(cyd)
    except KeyError as exc:
        fail(str(exc.args[0]))
    for advanced in done:
        _note(advanced)
    if as_json:
        print_json([a.as_json() for a in done])
        return
    out = console()
    moved = [a for a in done if a.changed]
    handed = [a for a in done if a.handed]
    out.print(
        f"{len(done)} venture(s) checked, {len(moved)} advanced"
        + (f", {len(handed)} handed to Prefect" if handed else "")
    )
    for advanced in moved:
        report = advanced.report
        assert report is not None
        out.print(f"  {advanced.venture_id}: now {report.state} at gate {report.gate_id}")
    for advanced in handed:
        out.print(f"  {advanced.venture_id}: handed to Prefect")


@venture_app.command("show")
def show_cmd(
    venture: Annotated[str, typer.Argument(help="Venture id.")],
    as_json: JsonOpt = False,
    lang: Annotated[
        Lang | None,
        typer.Option("--lang", help="Language of the text: en or cy (default: --by's own)."),
    ] = None,
    by: Annotated[
        str | None, typer.Option(help="Who is reading (email): the text is in their language.")
    ] = None,
) -> None:
    """Everything about a venture: checklist status, reviews, votes, decisions."""
    from cli.venture_show import show

    show(venture, as_json, lang=lang.value if lang else None, by=by)


@venture_app.command("list")
def list_cmd(
    state: Annotated[str | None, typer.Option(help="Only ventures in this state.")] = None,
    as_json: JsonOpt = False,
) -> None:
    """Ventures, with their state, gate and deadline."""
    from rich.table import Table

    from cli.app_context import cyd_context
    from cli.output import safe as escape
    from governance.lifecycle import VentureState
    from models.db import read_session
    from services.views import list_ventures

    states = [s.value for s in VentureState]
    if state is not None and state not in states:  # else an empty list: "none in that state"
        fail(f"--state {state!r}: no such state (one of: {', '.join(states)})")
    cyd = cyd_context()
    with read_session(cyd.engine) as session:
        rows = list_ventures(session, state)
    if as_json:
        print_json(rows)
        return
    table = Table("id", "title", "workstream", "lead", "state", "gate", "deadline")
    for r in rows:
        table.add_row(
            escape(r["id"]),
            escape(r["title"]),
            escape(r["workstream"]),
            escape(r["lead"] or ""),
            r["state"],
            r["gate"],
            (r["deadline"] or "")[:10],
        )
    console().print(table)


@review_app.command("record")
def review_record(
    venture: Annotated[str, typer.Argument(help="Venture id.")],
    by: Annotated[str, typer.Option(help="The reviewer (email).")],
    recommend: Annotated[str, typer.Option(help="go, or recycle (send back for more work).")],
    note: Annotated[str | None, typer.Option(help="Notes for the Board.")] = None,
    as_json: JsonOpt = False,
    lang: LangOpt = None,
) -> None:
    """Recommend go (on to the Board) or recycle (send back for more work)."""
    from services.commands import record_review

    _run(
        lambda c: record_review(c, venture, by=by, recommend=recommend, note=note),
        as_json,
        person=by,
        lang=lang,
    )


@board_app.command("declare")
def board_declare(
    venture: Annotated[str, typer.Argument(help="Venture id.")],
    member: Annotated[str, typer.Option(help="The Board member (email).")],
    interest: Annotated[str, typer.Option(help="The interest.")],
    as_json: JsonOpt = False,
    lang: LangOpt = None,
) -> None:
    """Declare an interest: the member leaves this decision."""
    from services.commands import declare_interest

    _run(
        lambda c: declare_interest(c, venture, member=member, interest=interest),
        as_json,
        person=member,
        lang=lang,
    )


@board_app.command("vote")
def board_vote(
    venture: Annotated[str, typer.Argument(help="Venture id.")],
    member: Annotated[str, typer.Option(help="The Board member (email).")],
    choice: Annotated[
        str,
        typer.Option(
            help="approve, approve-with-conditions, recycle (send back for more work), reject,"
            " hold, abstain or more-time."
        ),
    ],
    reason: Annotated[str | None, typer.Option(help="Why (the conditions, for one).")] = None,
    supported_by: Annotated[
        str | None, typer.Option(help="The supporter who helped (email); they do not vote.")
    ] = None,
    as_json: JsonOpt = False,
    lang: LangOpt = None,
) -> None:
    """Vote, or say "I need more time" (more-time)."""
    from services.commands import vote

    _run(
        lambda c: vote(
            c, venture, member=member, choice=choice, reason=reason, supported_by=supported_by
        ),
        as_json,
        person=member,
        lang=lang,
    )


@board_app.command("close")
def board_close(
    venture: Annotated[str, typer.Argument(help="Venture id.")],
    by: Annotated[str, typer.Option(help="The chair (email).")],
    as_json: JsonOpt = False,
    lang: LangOpt = None,
) -> None:
    """Close the vote early (the chair only); the decision is taken now."""
    from services.commands import close_vote

    _run(lambda c: close_vote(c, venture, by=by), as_json, person=by, lang=lang)


@board_app.command("resume")
def board_resume(
    venture: Annotated[str, typer.Argument(help="Venture id.")],
    by: Annotated[str, typer.Option(help="The chair or an admin (email).")],
    as_json: JsonOpt = False,
    lang: LangOpt = None,
) -> None:
    """Take a venture off hold: the Board votes on it again."""
    from services.commands import resume

    _run(lambda c: resume(c, venture, by=by), as_json, person=by, lang=lang)


# --- a venture's Easy Read summary (services/easy_read_summaries.py) -----------------------

summary_app = typer.Typer(
    help="A venture's Easy Read summary: the lead writes it, a co-producer checks it.",
    no_args_is_help=True,
)
venture_app.add_typer(summary_app, name="summary")
ByOpt = Annotated[str, typer.Option("--by", "--as", help="Who acts (email).")]


@summary_app.command("write")
def summary_write_cmd(
    venture: Annotated[str, typer.Argument(help="Venture id.")],
    by: ByOpt,
    text: Annotated[
        str | None, typer.Option(help="The summary: short sentences, one idea each.")
    ] = None,
    file: Annotated[
        str | None, typer.Option(help="Read the summary from this file ('-': standard input).")
    ] = None,
    summary_lang: Annotated[
        Lang | None,
        typer.Option(help="The summary's language: en or cy (default: the writer's own)."),
    ] = None,
    as_json: JsonOpt = False,
    lang: LangOpt = None,
) -> None:
    """Write the venture's Easy Read summary (the lead, or an admin): a co-producer
    checks it before it goes into the Easy Read Board pack. A rewrite is checked again."""
    import sys
    from pathlib import Path

    from services.easy_read_summaries import write_summary

    if (text is None) == (file is None):
        fail("give the summary with --text or --file")
    if file is not None:
        text = sys.stdin.read() if file == "-" else Path(file).read_text(encoding="utf-8")
    written = text or ""
    in_lang = summary_lang.value if summary_lang is not None else None
    _run(
        lambda c: write_summary(c, venture, written, by=by, lang=in_lang),
        as_json,
        person=by,
        lang=lang,
    )


@summary_app.command("check")
def summary_check_cmd(
    venture: Annotated[str, typer.Argument(help="Venture id.")],
    by: ByOpt,
    agree: Annotated[
        bool | None,
        typer.Option("--agree/--changes", help="It says it right, or it needs changes."),
    ] = None,
    note: Annotated[str | None, typer.Option(help="What needs to change.")] = None,
    as_json: JsonOpt = False,
    lang: LangOpt = None,
) -> None:
    """Check the venture's Easy Read summary (a co-producer who did not write it)."""
    from services.easy_read_summaries import check_summary

    if agree is None:
        fail("say --agree (it says it right) or --changes --note TEXT (what to change)")
    agreed = bool(agree)
    _run(
        lambda c: check_summary(c, venture, agreed, note, by=by),
        as_json,
        person=by,
        lang=lang,
    )


@summary_app.command("show")
def summary_show_cmd(
    venture: Annotated[str, typer.Argument(help="Venture id.")],
    as_json: JsonOpt = False,
) -> None:
    """The venture's Easy Read summary in force, and whether a co-producer agreed to it."""
    from rich.markup import escape

    from cli.app_context import cyd_context
    from models import tables as t
    from models.db import read_session
    from services.easy_read_summaries import summary_for

    cyd = cyd_context()
    with read_session(cyd.engine) as session:
        if session.get(t.Venture, venture) is None:
            fail(f"no venture {venture}")
        found = summary_for(session, venture)
    if as_json:
        print_json(found.as_json() if found is not None else {"venture": venture, "state": None})
        return
    out = console()
    if found is None:
        out.print(f"[bold]{escape(venture)}[/bold]: no Easy Read summary yet")
        return
    state = {
        "waiting": "waiting for a co-producer's check",
        "agreed": f"agreed by {found.checked_by_name}: it goes into the Easy Read pack",
        "changes": f"{found.checked_by_name} asked for changes: {found.note}",
    }[found.state]
    out.print(f"[bold]{escape(venture)}[/bold]: {escape(state)}")
    out.print(f"  written by {escape(found.written_by_name)} ({found.lang})")
    for line in found.text.splitlines():
        out.print(f"  {escape(line)}")
