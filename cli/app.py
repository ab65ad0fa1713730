"""The Typer app of `cyd`, each command group in a module of its own.

Heavy dependencies (rich, sqlmodel, prefect) are imported inside the
commands that need them.
"""

from __future__ import annotations

import typer

from cli import (
    audit_cmd,
    backup_cmd,
    checklist_cmd,
    demo_cmd,
    init_cmd,
    notify_cmd,
    people_cmd,
    programme_cmd,
    remind_cmd,
    secrets_cmd,
    serve_cmd,
    translate_cmd,
    venture_cmd,
    web_cmd,
)

app = typer.Typer(
    name="cyd",
    help="Cyd (Welsh: 'together'): co-production checklists and Board governance.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
app.command("init")(init_cmd.init)
app.command("backup")(backup_cmd.backup)
app.command("restore")(backup_cmd.restore)
app.add_typer(checklist_cmd.app, name="checklist")
app.add_typer(programme_cmd.app, name="programme")
app.add_typer(people_cmd.app, name="people")
app.add_typer(venture_cmd.venture_app, name="venture")
app.add_typer(venture_cmd.review_app, name="review")
app.add_typer(venture_cmd.board_app, name="board")
app.add_typer(audit_cmd.app, name="audit")
app.add_typer(translate_cmd.app, name="translate")
app.command("demo")(demo_cmd.demo)
app.add_typer(notify_cmd.app, name="notify")
app.add_typer(secrets_cmd.app, name="secrets")
app.command("remind")(remind_cmd.remind)
app.command("serve")(serve_cmd.serve)
app.command("web")(web_cmd.web)
