"""`cyd idea add|list|show|send|answer|moderate|support|withdraw`: ideas from anyone
(services.ideas).

An officer writes down an idea heard at a roadshow, on the phone or on paper, on the
person's behalf (`add --by`); those who triage send it to a workstream and answer it
within the programme's promise; moderators check it before it is shown publicly.
The private reference printed by `add` is the proposer's: give it to them (it lets
them withdraw their idea); it is not stored and cannot be shown again.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from cli.output import console, fail, print_json
from cli.venture_cmd import JsonOpt, LangOpt, error_line, speaking

app = typer.Typer(help="Ideas from anyone: record, triage, answer.", no_args_is_help=True)

ByOpt = Annotated[str, typer.Option(help="Who does it (email).")]


def _variants(
    en: str | None, cy: str | None, en_easy: str | None, cy_easy: str | None
) -> dict[str, str]:
    given = {"en": en, "cy": cy, "en-easy": en_easy, "cy-easy": cy_easy}
    return {k: v for k, v in given.items() if v}


@app.command("add")
def add_cmd(
    what: Annotated[str, typer.Argument(help="The idea, in the person's words.")],
    by: ByOpt,
    route: Annotated[
        str, typer.Option(help="How it came: paper, phone, roadshow, meeting, group, employer.")
    ] = "paper",
    why: Annotated[str, typer.Option(help="Why it matters.")] = "",
    who_helps: Annotated[str, typer.Option("--who-helps", help="Who it would help.")] = "",
    behalf: Annotated[str, typer.Option(help="individual, group or employer.")] = "individual",
    group: Annotated[
        str | None, typer.Option("--group", help="The group's or employer's name.")
    ] = None,
    name: Annotated[str | None, typer.Option(help="The person's name (kept private).")] = None,
    email: Annotated[str | None, typer.Option(help="Their email, for replies.")] = None,
    phone: Annotated[str | None, typer.Option(help="Their phone number.")] = None,
    contact: Annotated[
        bool, typer.Option("--contact/--no-contact", help="They agree to be contacted.")
    ] = False,
    publish: Annotated[
        bool, typer.Option("--publish/--no-publish", help="They agree to it being shown.")
    ] = False,
    written_in: Annotated[str, typer.Option("--written-in", help="en or cy.")] = "en",
    reply_in: Annotated[str, typer.Option("--reply-in", help="en or cy.")] = "en",
    easy_read: Annotated[bool, typer.Option("--easy-read", help="Replies in Easy Read.")] = False,
    workstream: Annotated[str | None, typer.Option(help="A workstream, if known.")] = None,
    file: Annotated[
        list[Path] | None,
        typer.Option("--file", help="A picture, audio or video with it (up to three)."),
    ] = None,
    as_json: JsonOpt = False,
    lang: LangOpt = None,
) -> None:
    """Write down an idea on someone's behalf; prints its reference for them."""
    from cli.app_context import cyd_context
    from services.commands import CommandError
    from services.idea_files import MEDIA_MAX, Upload
    from services.ideas import NewIdea, record_idea

    uploads: list[Upload] = []
    for path in file or []:
        try:
            with path.open("rb") as handle:
                # One byte past the largest a file may be: enough for the check to refuse.
                uploads.append(Upload(path.name, handle.read(MEDIA_MAX + 1)))
        except OSError as error:
            fail(f"{path}: cannot be read ({error.strerror or error})")
    cyd = cyd_context()
    idea = NewIdea(
        what=what,
        why=why,
        who_helps=who_helps,
        lang=written_in,
        route=route,
        behalf=behalf,
        on_behalf_of=group,
        contact_name=name,
        contact_email=email,
        contact_phone=phone,
        consent_contact=contact,
        consent_publish=publish,
        reply_language=reply_in,
        reply_format="easy-read" if easy_read else "standard",
        workstream=workstream,
        files=tuple(uploads),
    )
    try:
        got = record_idea(cyd, idea, by=by)
    except CommandError as exc:
        fail(error_line(exc, speaking(cyd, lang, by)))
    if as_json:
        print_json(
            {
                "idea": got.idea_id,
                "reference": got.reference,
                "due": got.due_at.isoformat(),
                "acknowledged": got.acknowledged,
            }
        )
        return
    told = (
        "a reply is on its way to them" if got.acknowledged else "no reply can be sent: tell them"
    )
    console().print(
        f"recorded {got.idea_id}; answer due by {got.due_at:%A} {got.due_at.day}"
        f" {got.due_at:%B %Y}; {told}.\n"
        f"Their private reference (give it to them, it is not kept): {got.reference}"
    )


@app.command("list")
def list_cmd(
    by: ByOpt,
    every: Annotated[bool, typer.Option("--all", help="Answered ones too.")] = False,
    as_json: JsonOpt = False,
    lang: LangOpt = None,
) -> None:
    """The ideas you triage or moderate, soonest promise first."""
    from cli.app_context import cyd_context
    from cli.output import safe as escape
    from services.commands import CommandError
    from services.ideas import ideas_for

    cyd = cyd_context()
    try:
        found = ideas_for(cyd, by=by, open_only=not every)
    except CommandError as exc:
        fail(error_line(exc, speaking(cyd, lang, by)))
    if as_json:
        print_json([_json(v) for v in found])
        return
    out = console()
    if not found:
        out.print("No ideas waiting." if not every else "No ideas yet.")
        return
    for v in found:
        late = " [bold]PAST ITS PROMISE[/bold]" if v.past_promise else ""
        out.print(
            f"{v.id} ({v.state}, due {v.due_at:%a %d %b %Y}){late}: {escape(v.what[:80])}"
            f" [{v.supports} support(s)]"
        )


@app.command("show")
def show_cmd(idea: str, by: ByOpt, as_json: JsonOpt = False, lang: LangOpt = None) -> None:
    """One idea, with its proposer's contact details (for those who triage)."""
    from cli.app_context import cyd_context
    from cli.output import safe as escape
    from services.commands import CommandError
    from services.ideas import idea_view

    cyd = cyd_context()
    try:
        v = idea_view(cyd, idea, by=by)
    except CommandError as exc:
        fail(error_line(exc, speaking(cyd, lang, by)))
    if as_json:
        print_json(_json(v) | {"contact": [v.contact_name, v.contact_email, v.contact_phone]})
        return
    out = console()
    out.print(f"{v.id}: {escape(v.what)}")
    for label, value in (
        ("why", v.why),
        ("who it helps", v.who_helps),
        ("from", v.on_behalf_of or v.behalf),
        ("came by", v.route + (f", written down by {v.recorded_by}" if v.recorded_by else "")),
        ("state", v.state + (f", {v.venture}" if v.venture else "")),
        ("workstream", v.workstream or "not chosen yet"),
        ("answer due", f"{v.due_at:%A %d %B %Y %H:%M}"),
        ("public", f"{v.publication} (agreed: {'yes' if v.consent_publish else 'no'})"),
        ("replies", f"{v.reply_language}, {v.reply_format}"),
        (
            "contact",
            "erased"
            if v.contact_erased
            else ", ".join(x for x in (v.contact_name, v.contact_email, v.contact_phone) if x)
            or "none given",
        ),
    ):
        out.print(f"  {label}: {escape(str(value))}")


@app.command("send")
def send_cmd(
    idea: str,
    workstream: Annotated[str, typer.Option(help="The workstream that answers it.")],
    by: ByOpt,
    lang: LangOpt = None,
) -> None:
    """Send an idea to a workstream (its leads answer it by the promise)."""
    from cli.app_context import cyd_context
    from services.commands import CommandError
    from services.ideas import send_to

    cyd = cyd_context()
    try:
        send_to(cyd, idea, workstream=workstream, by=by)
    except CommandError as exc:
        fail(error_line(exc, speaking(cyd, lang, by)))
    console().print(f"{idea} sent to {workstream}.")


@app.command("answer")
def answer_cmd(
    idea: str,
    outcome: Annotated[str, typer.Argument(help="adopted, merged, not-now, not-for-programme.")],
    by: ByOpt,
    reason: Annotated[str | None, typer.Option(help="Why, in English.")] = None,
    reason_cy: Annotated[str | None, typer.Option("--reason-cy", help="Why, in Welsh.")] = None,
    reason_easy: Annotated[
        str | None, typer.Option("--reason-easy", help="Why, in Easy Read English.")
    ] = None,
    reason_cy_easy: Annotated[
        str | None, typer.Option("--reason-cy-easy", help="Why, in Easy Read Welsh.")
    ] = None,
    next_: Annotated[
        str | None,
        typer.Option("--next", help="Not now: what would change it; not for us: where to go."),
    ] = None,
    next_cy: Annotated[str | None, typer.Option("--next-cy")] = None,
    next_easy: Annotated[str | None, typer.Option("--next-easy")] = None,
    next_cy_easy: Annotated[str | None, typer.Option("--next-cy-easy")] = None,
    venture: Annotated[str | None, typer.Option(help="Merged: the venture it joins.")] = None,
    lead: Annotated[str | None, typer.Option(help="Adopted: the new venture's lead.")] = None,
    title: Annotated[str | None, typer.Option(help="Adopted: the new venture's title.")] = None,
    as_json: JsonOpt = False,
    lang: LangOpt = None,
) -> None:
    """Answer an idea; its proposer is told (adopted starts a venture in the same gates)."""
    from cli.app_context import cyd_context
    from services.commands import CommandError
    from services.ideas import answer_idea

    cyd = cyd_context()
    try:
        v = answer_idea(
            cyd,
            idea,
            by=by,
            outcome=outcome,
            reason=_variants(reason, reason_cy, reason_easy, reason_cy_easy),
            what_next=_variants(next_, next_cy, next_easy, next_cy_easy),
            venture=venture,
            lead=lead,
            title=title,
        )
    except CommandError as exc:
        fail(error_line(exc, speaking(cyd, lang, by)))
    if as_json:
        print_json(_json(v))
        return
    started = f"; venture {v.venture}" if v.venture else ""
    console().print(f"{v.id} answered: {v.state}{started}.")


@app.command("moderate")
def moderate_cmd(
    idea: str,
    by: ByOpt,
    note: Annotated[str, typer.Option(help="Why (kept with the check).")],
    publish: Annotated[
        bool, typer.Option("--publish/--private", help="Shown publicly, or kept off the list.")
    ] = True,
    lang: LangOpt = None,
) -> None:
    """Check an idea before it is shown on the public list."""
    from cli.app_context import cyd_context
    from services.commands import CommandError
    from services.ideas import moderate

    cyd = cyd_context()
    try:
        moderate(cyd, idea, by=by, publish=publish, note=note)
    except CommandError as exc:
        fail(error_line(exc, speaking(cyd, lang, by)))
    console().print(f"{idea}: {'published' if publish else 'kept private'}.")


@app.command("support")
def support_cmd(idea: str, by: ByOpt, lang: LangOpt = None) -> None:
    """Support an idea (one each; a count, never a vote)."""
    from cli.app_context import cyd_context
    from services.commands import CommandError
    from services.ideas import support

    cyd = cyd_context()
    try:
        count = support(cyd, idea, by=by)
    except CommandError as exc:
        fail(error_line(exc, speaking(cyd, lang, by)))
    console().print(f"{idea}: {count} support(s).")


@app.command("withdraw")
def withdraw_cmd(
    idea: Annotated[str | None, typer.Argument(help="The idea (an officer, when asked).")] = None,
    by: Annotated[str | None, typer.Option(help="The officer (email).")] = None,
    reference: Annotated[
        str | None, typer.Option(help="The proposer's private reference instead.")
    ] = None,
    lang: LangOpt = None,
) -> None:
    """Withdraw an idea and erase its proposer's contact details."""
    from cli.app_context import cyd_context
    from services.commands import CommandError
    from services.ideas import withdraw_by_reference, withdraw_for

    cyd = cyd_context()
    try:
        if reference:
            idea = withdraw_by_reference(cyd, reference)
        elif idea and by:
            withdraw_for(cyd, idea, by=by)
        else:
            fail("give the idea and --by (an officer), or --reference (the proposer's)")
    except CommandError as exc:
        fail(error_line(exc, speaking(cyd, lang, by)))
    console().print(f"{idea} withdrawn; the contact details are erased.")


def _json(v: object) -> dict[str, Any]:
    from services.ideas import IdeaView

    assert isinstance(v, IdeaView)
    return {
        "id": v.id,
        "what": v.what,
        "state": v.state,
        "workstream": v.workstream,
        "venture": v.venture,
        "due": v.due_at.isoformat(),
        "past_promise": v.past_promise,
        "supports": v.supports,
        "publication": v.publication,
        "answer": v.answer,
        "route": v.route,
        "on_behalf_of": v.on_behalf_of,
        "recorded_by": v.recorded_by,
    }
