"""Entry point of the `cyd` command.

`cyd checklist validate [PATH...]` (no options) runs without importing Typer,
and, when the files were already found valid, without pydantic: admins and
pre-commit hooks run it often. `cyd venture show VENTURE [--json]` runs without
Typer too: people and scripts look ventures up often. Everything else, and any
other form of those (help, a mistake), goes through the Typer app.

Every command first checks Cyd's settings (the `CYD_*` variables, see settings/): a
value Cyd cannot use stops it at once with one line naming the variable.
"""

from __future__ import annotations

import gc
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import NoReturn


def main(argv: list[str] | None = None) -> None:
    args = sys.argv[1:] if argv is None else argv
    # A command imports hundreds of modules, which allocate many objects and free
    # almost none: the cyclic collector's frequent passes then cost more than they
    # find. Collecting less often (not never) keeps memory bounded for long commands.
    gc.set_threshold(50_000, 20, 20)
    # Scanning installed packages for pydantic plugins costs start-up time on every
    # command, when the first model class is built; Cyd uses none.
    os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")
    if "_CYD_COMPLETE" not in os.environ:  # (shell completion prints nothing else)
        _check_settings()
    _check_text(args)
    if args[:2] == ["checklist", "validate"] and not any(a.startswith("-") for a in args[2:]):
        from cli.validate_run import run

        raise SystemExit(run([Path(a) for a in args[2:]]))
    shown = _venture_show(args)
    if shown is not None:
        from cli.venture_show import show

        venture, as_json = shown
        _without_typer(lambda: show(venture, as_json))
    from cli.app import app_for

    try:
        app_for(args)(args=args, prog_name="cyd")
    except Exception as error:
        _database_fault(error)
        raise
    finally:
        gc.freeze()  # no collection over every imported module at exit (_without_typer)


def _database_fault(error: Exception) -> None:
    """A lost connection, a lock held too long, a database gone: one line saying
    whether the action was recorded, never a traceback. A secret key missing or wrong
    (models.sealed): one line saying so, never the key nor a channel. Anything else is a
    bug, and keeps its traceback."""
    from sqlalchemy.exc import InterfaceError, OperationalError

    from models.backup import DatabaseDamaged
    from models.db import CommitUnknown, NotRecorded, damaged, fault_line
    from models.sealed import SecretKeyError

    if isinstance(error, DatabaseDamaged | SecretKeyError):
        from cli.output import fail

        fail(str(error))
    if damaged(error) or isinstance(
        error, CommitUnknown | NotRecorded | OperationalError | InterfaceError
    ):
        from cli.output import fail

        fail(fault_line(error))


def _check_settings() -> None:
    """The settings, read and checked now: a wrong value is one line and exit code 1."""
    import settings

    try:
        settings.current()
    except settings.SettingsError as error:
        from cli.output import fail

        fail(str(error))


def _check_text(args: list[str]) -> None:
    """Every argument is text: bytes that are not UTF-8 (Python keeps them as lone
    surrogates) would be refused by the database with a traceback, or stored broken."""
    for n, arg in enumerate(args, start=1):
        try:
            arg.encode("utf-8")
        except UnicodeEncodeError as error:
            from cli.output import fail

            shown = arg.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
            fail(
                f"argument {n} ({shown}) is not UTF-8 text at character {error.start + 1}: "
                "type it again, or set the terminal to UTF-8"
            )


def _venture_show(args: list[str]) -> tuple[str, bool] | None:
    """(venture, as_json) if `args` are `venture show VENTURE [--json]`, in either order."""
    if args[:2] != ["venture", "show"] or "_CYD_COMPLETE" in os.environ:
        return None  # (that variable asks the Typer app for shell completion)
    rest = args[2:]
    options = [a for a in rest if a.startswith("-")]
    ventures = [a for a in rest if not a.startswith("-")]
    if len(ventures) != 1 or options not in ([], ["--json"]):
        return None
    return ventures[0], bool(options)


def _without_typer(command: Callable[[], None]) -> NoReturn:
    """Run a command and exit as the Typer app would have: 0 when it returns, its code
    when it fails (cli.output.fail), 130 on Ctrl-C, and 1, quietly, when stdout is a
    pipe closed early (`cyd venture show v-0001 | head -1`)."""
    try:
        command()
    except KeyboardInterrupt:
        raise SystemExit(130) from None
    except BrokenPipeError:
        # Nothing more can be written there; without this, the flush at exit would fail
        # again, with a message.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        raise SystemExit(1) from None
    finally:
        # At exit the interpreter runs its garbage collector over every object still
        # alive, the hundreds of imported modules' included: tens of ms, for nothing,
        # as the process is ending. It skips frozen objects. (The command has closed
        # its database connections itself: nothing that matters waits for it.)
        gc.freeze()
    raise SystemExit(0)


if __name__ == "__main__":
    main()
