"""`cyd backup FILE` and `cyd restore FILE`: the SQLite database copied while Cyd runs,
and put back (models/backup.py). On PostgreSQL they name its own tools."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from cli.output import console, fail, print_json

JsonOpt = Annotated[bool, typer.Option("--json", help="Machine-readable output.")]


def backup(
    file: Annotated[Path, typer.Argument(help="Where to write the copy (a new file).")],
    as_json: JsonOpt = False,
) -> None:
    """Copy the database now, consistently, while Cyd runs; the copy is checked."""
    from cli import context
    from models.backup import BackupError
    from models.backup import backup as make_backup

    engine = context.engine()
    try:
        written = make_backup(engine, file)
    except BackupError as error:
        fail(str(error))
    finally:
        engine.dispose()
    if as_json:
        print_json({"backup": str(written), "bytes": written.stat().st_size})
        return
    console().print(f"Backed up to {written} ({written.stat().st_size:,} bytes), checked.")


def restore(
    file: Annotated[Path, typer.Argument(help="A backup made by `cyd backup`.")],
    as_json: JsonOpt = False,
) -> None:
    """Put a backup back: checked first; what it replaces is kept beside the database."""
    from cli import context
    from models.backup import BackupError
    from models.backup import restore as put_back
    from models.db import utcnow

    engine = context.engine()
    try:
        kept = put_back(engine, file, now=utcnow())
    except BackupError as error:
        fail(f"{error}; nothing was changed")
    finally:
        engine.dispose()
    if as_json:
        print_json({"restored": str(file), "replaced_kept_in": str(kept)})
        return
    console().print(
        f"Restored from {file}. What it replaced is kept in {kept}. "
        "Run `cyd audit verify` and `cyd audit replay` to check it."
    )
