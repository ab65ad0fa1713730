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
    from models.sealed import key_source

    if as_json:
        print_json(
            {"backup": str(written), "bytes": written.stat().st_size, "secret_key": key_source()}
        )
        return
    console().print(f"Backed up to {written} ({written.stat().st_size:,} bytes), checked.")
    console().print(
        f"Its channel URLs are sealed: keep the secret key ({key_source()}) with it, apart"
        " from it; without the key a restored database cannot send a message."
    )


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
