"""The `cyd` command: one Typer app, each group in a module of its own.

Heavy dependencies (rich, and later sqlmodel and prefect) are imported inside the
commands that need them, so `cyd checklist validate` starts quickly.
"""

from __future__ import annotations

import os

# Scanning installed packages for pydantic plugins costs start-up time on every
# command, and happens when the first model class is built; Cyd uses none.
os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")

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


def main() -> None:
    app()


if __name__ == "__main__":
    main()
