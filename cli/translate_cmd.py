"""`cyd translate list|give`: the translators' work (services.translations).

A venture's title, a Board member's conditions, a reviewer's note or a free-text
answer written in one language waits here for the other; giving it sends
again (or lets go) the messages that were waiting for it, by the programme's policy.
"""

from __future__ import annotations

from typing import Annotated

import typer

from cli.output import console, fail, print_json
from cli.venture_cmd import JsonOpt, LangOpt, error_line, speaking

app = typer.Typer(help="Translations between English and Welsh.", no_args_is_help=True)

_NAMES = {"en": "English", "cy": "Welsh"}


@app.command("list")
def list_cmd(
    by: Annotated[str, typer.Option(help="Who asks (email): a translator or an admin.")],
    done: Annotated[bool, typer.Option("--all", help="Those given too.")] = False,
    as_json: JsonOpt = False,
    lang: LangOpt = None,
) -> None:
    """What is waiting for a translator, soonest due first."""
    from cli.app_context import cyd_context
    from cli.output import safe as escape
    from services.commands import CommandError
    from services.translations import open_translations

    cyd = cyd_context()
    try:
        tasks = open_translations(cyd.engine, by=by, now=cyd.clock(), done=done)
    except CommandError as exc:
        fail(error_line(exc, speaking(cyd, lang, by)))
    if as_json:
        print_json([task.as_json() for task in tasks])
        return
    out = console()
    if not tasks:
        out.print("Nothing to translate." if not done else "No translations yet.")
        return
    for task in tasks:
        state = f"given: {task.text}" if task.text else f"due {task.due_at:%a %d %b %Y %H:%M}"
        kind = task.kind("en")
        out.print(
            f"{task.id}. {escape(task.venture_id)}, {kind}, {_NAMES[task.source_lang]} → "
            f"{_NAMES[task.target_lang]}: [bold]{escape(task.source_text)}[/bold] "
            f"({escape(state)})"
        )


@app.command("give")
def give_cmd(
    translation: Annotated[int, typer.Argument(help="The translation's number (from list).")],
    text: Annotated[str, typer.Argument(help="The text in the other language.")],
    by: Annotated[str, typer.Option(help="Who translated (email).")],
    as_json: JsonOpt = False,
    lang: LangOpt = None,
) -> None:
    """Give a translation: stored, audited, and the waiting messages sent."""
    from cli.app_context import cyd_context
    from services.commands import CommandError
    from services.translations import give_translation

    cyd = cyd_context()
    try:
        outcome = give_translation(cyd, translation, text, by=by)
    except CommandError as exc:
        fail(error_line(exc, speaking(cyd, lang, by)))
    if as_json:
        print_json(outcome.as_json())
        return
    again = outcome.details["sent_again"]
    console().print(
        f"{outcome.message}; {again} message{'s' if again != 1 else ''} sent again with it."
    )
