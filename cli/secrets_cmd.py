"""`cyd secrets ...`: the key that seals channel URLs at rest (models.sealed).

    cyd secrets new-key FILE          # write a new key to FILE (0600), for CYD_SECRET_KEY
    cyd secrets rotate [--key FILE]   # seal every stored secret again under a new key

No command prints a key: a key is written to a file its owner only can read, and
messages name where a key is (the variable, the key file), never what it is.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from cli.output import console, fail, print_json

app = typer.Typer(
    help="The secret key that seals channel URLs in the database.", no_args_is_help=True
)

JsonOpt = Annotated[bool, typer.Option("--json", help="Machine-readable output.")]


@app.command("new-key")
def new_key(
    file: Annotated[Path, typer.Argument(help="Where to write the key (a new file, 0600).")],
) -> None:
    """Write a new random key to FILE, readable by you only (for CYD_SECRET_KEY)."""
    import os

    from models.sealed import new_key as make

    try:
        handle = os.open(file, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
    except FileExistsError:
        fail(f"{file} exists already: a key is never written over; give a new file")
    except OSError as error:
        fail(f"cannot write {file}: {error.strerror or error}")
    with os.fdopen(handle, "w", encoding="ascii") as out:
        out.write(make() + "\n")
    console().print(
        f"A new key is in {file} (readable by you only). To rotate to it with"
        " CYD_SECRET_KEY, put it first: CYD_SECRET_KEY=NEW,OLD, then `cyd secrets rotate`;"
        f" with the key file, `cyd secrets rotate --key {file}`."
    )


@app.command()
def rotate(
    key: Annotated[
        Path | None,
        typer.Option(
            "--key",
            metavar="FILE",
            help="A file holding the new key (default: a new random one). Key file only.",
        ),
    ] = None,
    as_json: JsonOpt = False,
) -> None:
    """Seal every channel URL again under a new key; the old key then opens nothing.

    With the key file (no CYD_SECRET_KEY) the file gets the new key, the old one kept in
    it until every row is sealed again. With CYD_SECRET_KEY, put the new key first in it
    (NEW,OLD) before, and take the old one out after."""
    from cli import context
    from models.sealed import SecretKeyError
    from models.sealed import rotate as reseal

    given: str | None = None
    if key is not None:
        try:
            given = key.read_text(encoding="ascii").strip()
        except (OSError, UnicodeDecodeError) as error:
            fail(f"cannot read the key in {key}: {getattr(error, 'strerror', None) or error}")
    engine = context.engine()
    try:
        done = reseal(engine, given)
    except SecretKeyError as error:
        fail(f"{error}; nothing was changed")
    finally:
        engine.dispose()
    if as_json:
        print_json(
            {"channels": done.channels, "programme_versions": done.versions, "key": done.source}
        )
        return
    after = (
        " Take the old key out of CYD_SECRET_KEY now, everywhere Cyd runs."
        if done.source == "CYD_SECRET_KEY"
        else " Back up the new key file with the database: a backup needs its key."
    )
    console().print(
        f"Sealed again under the new key ({done.source}): {done.channels} channel(s),"
        f" {done.versions} programme version(s). The old key opens none of them.{after}"
    )
