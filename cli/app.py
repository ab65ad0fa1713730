"""The Typer app of `cyd`, each command group in a module of its own.

Heavy dependencies (rich, sqlmodel, prefect) are imported inside the
commands that need them. `app_for(args)` builds the app with only the command or
group the arguments name (`cyd venture answer ...` imports the venture commands, not
the checklist loader the `checklist` group needs); anything else (no arguments,
`--help`, a mistyped command) gets the whole menu, `app`.
"""

from __future__ import annotations

import importlib
from collections.abc import Sequence
from typing import Any

import typer

HELP = "Cyd (Welsh: 'together'): co-production checklists and Board governance."

# name -> (module, attribute, "command" or "group"), in the order the menu shows them.
ENTRIES: dict[str, tuple[str, str, str]] = {
    "init": ("cli.init_cmd", "init", "command"),
    "backup": ("cli.backup_cmd", "backup", "command"),
    "restore": ("cli.backup_cmd", "restore", "command"),
    "checklist": ("cli.checklist_cmd", "app", "group"),
    "programme": ("cli.programme_cmd", "app", "group"),
    "people": ("cli.people_cmd", "app", "group"),
    "venture": ("cli.venture_cmd", "venture_app", "group"),
    "review": ("cli.venture_cmd", "review_app", "group"),
    "board": ("cli.venture_cmd", "board_app", "group"),
    "audit": ("cli.audit_cmd", "app", "group"),
    "translate": ("cli.translate_cmd", "app", "group"),
    "idea": ("cli.idea_cmd", "app", "group"),
    "demo": ("cli.demo_cmd", "demo", "command"),
    "notify": ("cli.notify_cmd", "app", "group"),
    "secrets": ("cli.secrets_cmd", "app", "group"),
    "remind": ("cli.remind_cmd", "remind", "command"),
    "serve": ("cli.serve_cmd", "serve", "command"),
    "web": ("cli.web_cmd", "web", "command"),
}


def _menu(names: Sequence[str]) -> typer.Typer:
    built = typer.Typer(
        name="cyd",
        help=HELP,
        no_args_is_help=True,
        add_completion=False,
        pretty_exceptions_enable=False,
    )
    for name in names:
        module, attribute, kind = ENTRIES[name]
        target = getattr(importlib.import_module(module), attribute)
        if kind == "command":
            built.command(name)(target)
        else:
            built.add_typer(target, name=name)
    return built


def app_for(args: Sequence[str]) -> typer.Typer:
    """The app for these arguments: one entry when the first argument names one (what
    it does and says is that entry's, help and mistakes included), else every entry.
    With one command alone Typer would run it without its name, so a lone command is
    registered beside a second entry; a group (a Typer of its own) keeps its name."""
    first = args[0] if args else ""
    if first not in ENTRIES:
        return _menu(list(ENTRIES))
    if ENTRIES[first][2] == "command":
        other = "init" if first != "init" else "backup"
        return _menu([first, other])
    return _menu([first])


def __getattr__(name: str) -> Any:
    if name == "app":  # the whole menu, built when asked for
        return _menu(list(ENTRIES))
    raise AttributeError(name)
