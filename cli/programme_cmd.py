"""`cyd programme ...`: check the programme file, and its JSON Schema."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer

from cli.output import print_json

app = typer.Typer(help="The programme file: people, workstreams, the Board.", no_args_is_help=True)

EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "programme.yaml"


@app.command()
def validate(
    path: Annotated[Path, typer.Argument(help="The programme file.")] = EXAMPLE,
    as_json: Annotated[bool, typer.Option("--json", help="Machine-readable output.")] = False,
) -> None:
    """Check a programme file without loading it; every problem as file:line:col."""
    from services.programme_import import ProgrammeError, load_programme

    try:
        programme = load_programme(path, channels=True)
    except ProgrammeError as exc:
        for problem in exc.problems:
            sys.stderr.write(f"{problem}\n")
        sys.stderr.write(f"{len(exc.problems)} problem(s)\n")
        raise typer.Exit(1) from None
    summary = {
        "valid": True,
        "people": len(programme.people),
        "workstreams": len(programme.workstreams),
        "board_members": len(programme.board.members),
        "decision_rules": [r.name for r in programme.board.decision_rules],
    }
    if as_json:
        print_json(summary)
    else:
        sys.stdout.write(
            f"valid: {summary['people']} people, {summary['workstreams']} workstream(s), "
            f"a Board of {summary['board_members']}\n"
        )


@app.command()
def schema(
    output: Annotated[Path | None, typer.Option("--output", "-o", help="Write here.")] = None,
) -> None:
    """Print the JSON Schema of the programme file."""
    from governance.programme import programme_schema

    text = json.dumps(programme_schema(), indent=2, ensure_ascii=False) + "\n"
    if output is None:
        sys.stdout.write(text)
    else:
        output.write_text(text, encoding="utf-8")
