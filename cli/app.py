"""The Typer app of `cyd`, each command group in a module of its own.

Heavy dependencies (rich, and later sqlmodel and prefect) are imported inside the
commands that need them.
"""

from __future__ import annotations

import typer

from cli import checklist_cmd, demo_cmd

app = typer.Typer(
    name="cyd",
    help="Cyd (Welsh: 'together'): co-production checklists and Board governance.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
app.add_typer(checklist_cmd.app, name="checklist")
app.command("demo")(demo_cmd.demo)
