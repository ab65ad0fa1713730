"""Entry point of the `cyd` command.

`cyd checklist validate [PATH...]` (no options) runs without importing Typer,
and, when the files were already found valid, without pydantic: admins and
pre-commit hooks run it often. Everything else goes through the Typer app.
"""

from __future__ import annotations

import gc
import os
import sys
from pathlib import Path


def main(argv: list[str] | None = None) -> None:
    args = sys.argv[1:] if argv is None else argv
    # A command imports hundreds of modules, which allocate many objects and free
    # almost none: the cyclic collector's frequent passes then cost more than they
    # find. Collecting less often (not never) keeps memory bounded for long commands.
    gc.set_threshold(50_000, 20, 20)
    # Scanning installed packages for pydantic plugins costs start-up time on every
    # command, when the first model class is built; Cyd uses none.
    os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")
    if args[:2] == ["checklist", "validate"] and not any(a.startswith("-") for a in args[2:]):
        from cli.validate_run import run

        raise SystemExit(run([Path(a) for a in args[2:]]))
    from cli.app import app

    app(args=args, prog_name="cyd")


if __name__ == "__main__":
    main()
