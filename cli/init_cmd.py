"""`cyd init`: make the database (or bring it up to date) and load the programme file.

Safe to run again: migrations already applied are skipped, and a programme file
whose text is already in force is not stored twice. The file is checked before
anything is created, so a file with problems leaves no database behind.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated, Any

import typer

from cli.output import console, fail, print_json

PACKAGE_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_PROGRAMME = PACKAGE_ROOT / "examples" / "programme.yaml"


def init(
    programme: Annotated[
        Path | None,
        typer.Option(
            "--programme",
            metavar="FILE",
            help="The programme file (default: the example shipped with Cyd).",
        ),
    ] = None,
    by: Annotated[
        str | None,
        typer.Option(
            "--by",
            metavar="EMAIL",
            help="The admin loading the file (recorded in the audit log; default: cyd).",
        ),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Machine-readable output.")] = False,
) -> None:
    """Create or update Cyd's database and load the programme: people, workstreams, Board."""
    from alembic.util import CommandError
    from sqlalchemy.exc import SQLAlchemyError

    import settings
    from checklists.loader import DefinitionError
    from cli import context
    from models.db import data_dir, make_engine
    from models.migrate import upgrade
    from models.tables import SYSTEM_ACTOR, normalize_email
    from services.commands import PermissionDenied
    from services.programme_import import ProgrammeError, import_programme, load_programme_source

    path = programme or DEFAULT_PROGRAMME
    label = str(programme) if programme is not None else _shown(DEFAULT_PROGRAMME)
    try:
        parsed, text = load_programme_source(path, name=label, channels=True)
    except ProgrammeError as error:
        _problems(error.problems, as_json)
        fail(f"{len(error.problems)} problem(s) in {label}; nothing was loaded")
    except DefinitionError as error:
        _problems(error.problems, as_json)
        fail("the checklist definitions have problems (see 'cyd checklist validate')")
    actor = SYSTEM_ACTOR
    if by is not None:
        actor = normalize_email(by)
        admins = {p.email for p in parsed.people if "admin" in p.roles}
        if actor not in admins:
            fail(f"'{actor}' is not an admin in {label}: only an admin loads the programme")

    url = context.database_url()
    folder: Path | None = None
    if settings.current().database_url is None:
        folder = data_dir()
        try:
            folder.mkdir(parents=True, exist_ok=True, mode=0o700)  # for its owner only
        except OSError as error:
            fail(f"cannot create the data folder {folder}: {error.strerror or error}")
    key = _secret_key()
    engine = make_engine(url)
    try:
        upgrade(engine)
        result = import_programme(engine, parsed, text, actor)
    except SQLAlchemyError as error:
        fail(context.unreachable(url, error))
    except CommandError as error:  # e.g. a database migrated by a newer Cyd
        fail(f"cannot migrate the database at {context.masked(url)}: {error}")
    except PermissionDenied as error:  # a programme with people: only its admins load it
        fail(f"{error} Give --by with the email of an admin of the programme.")
    finally:
        engine.dispose()

    report: dict[str, Any] = {
        "data_dir": str(folder) if folder is not None else None,
        "database_url": context.masked(url),
        "secret_key": key,
        "programme": {
            "file": label,
            "id": result.programme_id,
            "version": result.version_id,
            "sha256": result.sha256,
            "changed": result.changed,
        },
        "counts": {
            "people": result.people,
            "workstreams": result.workstreams,
            "board_members": result.board_members,
        },
        "people": {
            "added": len(result.added),
            "updated": len(result.updated),
            "deactivated": len(result.deactivated),
            "reactivated": len(result.reactivated),
        },
    }
    if as_json:
        print_json(report)
        return
    _print(report, result.deactivated, result.retired_workstreams)


def _secret_key() -> dict[str, Any]:
    """The key that seals channel URLs (models.sealed): CYD_SECRET_KEY, else the data
    folder's key file, made now (0600) if there is none. Where it is, never what."""
    import settings
    from models.sealed import key_file, make_key_file

    if settings.current().secret_keys:
        return {"source": settings.SECRET_KEY_ENV, "made": False}
    path = key_file()
    try:
        made = make_key_file(path)
    except OSError as error:
        fail(f"cannot write the key file {path}: {error.strerror or error}")
    return {"source": str(path), "made": made}


def _shown(path: Path) -> str:
    try:
        return str(path.relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def _problems(problems: list[Any], as_json: bool) -> None:
    if as_json:
        print_json(
            {
                "problems": [
                    {
                        "file": p.file,
                        "line": p.line,
                        "column": p.column,
                        "entry": p.item,
                        "message": p.message,
                    }
                    for p in problems
                ]
            }
        )
        return
    for problem in problems:
        sys.stderr.write(f"{problem}\n")


def _print(report: dict[str, Any], deactivated: list[str], retired: list[str]) -> None:
    from rich.table import Table

    from cli.output import safe as escape

    out = console()
    prog = report["programme"]
    counts = report["counts"]
    state = "loaded" if prog["changed"] else "already in force, unchanged"
    table = Table.grid(padding=(0, 2))
    table.add_column(style="bold")
    table.add_column()
    if report["data_dir"] is not None:
        table.add_row("Data folder", escape(report["data_dir"]))
    table.add_row("Database", escape(report["database_url"]))
    key = report["secret_key"]
    table.add_row(
        "Secret key",
        escape(
            f"{key['source']}{' (made now: back it up with the database)' if key['made'] else ''}"
        ),
    )
    table.add_row(
        "Programme",
        escape(f"{prog['id']} from {prog['file']} (version {prog['version']}, {state})"),
    )
    table.add_row("sha256", prog["sha256"])
    table.add_row("People", str(counts["people"]))
    table.add_row("Workstreams", str(counts["workstreams"]))
    table.add_row("Board members", str(counts["board_members"]))
    if deactivated:
        table.add_row("No longer in the file", escape(", ".join(deactivated)))
    if retired:
        table.add_row("Workstreams retired", escape(", ".join(retired)))
    out.print("Cyd is ready.")
    out.print(table)
    if report["data_dir"] is None:
        out.print("(The database is the one CYD_DATABASE_URL points at.)")
