"""`cyd checklist ...`: validate, show and describe the definition files."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from checklists.loader import DEFAULT_DIR, load_paths
from cli.output import Lang, console, fail, print_json

app = typer.Typer(help="Checklist and gate definitions.", no_args_is_help=True)


@app.command()
def validate(
    paths: Annotated[
        list[Path] | None,
        typer.Argument(help="Files or folders (default: the shipped definitions)."),
    ] = None,
    cache: Annotated[
        bool, typer.Option(help="Reuse the verdict on files already found valid.")
    ] = True,
) -> None:
    """Check definition files; report every problem as file:line:col: [item] message."""
    from cli.validate_run import run

    code = run(paths or [], use_cache=cache)
    if code:
        raise typer.Exit(code)


@app.command()
def show(
    checklist_id: Annotated[str, typer.Argument(metavar="ID", help="Checklist id.")],
    lang: Annotated[Lang, typer.Option(help="Language of the text.")] = Lang.en,
    easy_read: Annotated[bool, typer.Option("--easy-read", help="Easy Read text.")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Machine-readable output.")] = False,
    version: Annotated[int | None, typer.Option(help="Version (default: latest).")] = None,
    path: Annotated[
        list[Path] | None, typer.Option("--path", help="Definition files or folders.")
    ] = None,
) -> None:
    """Show a checklist: its sections and items, with conditions and bounds."""
    from checklists.describe import checklist_json

    library, problems = load_paths(path or [DEFAULT_DIR])
    try:
        definition = library.checklist(checklist_id, version)
    except KeyError as exc:
        extra = f" ({len(problems)} definition file problem(s); run 'cyd checklist validate')"
        fail(str(exc.args[0]) + (extra if problems else ""))
    if as_json:
        print_json(checklist_json(definition))
        return
    from cli.render import render_checklist

    render_checklist(console(), definition, lang.value, easy_read)


@app.command()
def schema(
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Write to this file.")
    ] = None,
) -> None:
    """Print the JSON Schema of the definition format (for editors and tools)."""
    from checklists.schema import schema_text

    text = schema_text()
    if output is None:
        sys.stdout.write(text)
    else:
        output.write_text(text, encoding="utf-8")
