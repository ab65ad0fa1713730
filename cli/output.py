"""Output helpers shared by commands: one clear error line, JSON, and a console."""

from __future__ import annotations

import json
import sys
from enum import StrEnum
from typing import TYPE_CHECKING, Any, NoReturn

if TYPE_CHECKING:
    from rich.console import Console


class Lang(StrEnum):
    """The languages a command can speak (`--lang`)."""

    en = "en"
    cy = "cy"


def fail(message: str, code: int = 1) -> NoReturn:
    """A user's mistake: one line on stderr, a non-zero exit, no traceback.

    SystemExit, not typer.Exit: the Typer app lets it through to the same exit, and
    the commands that run without Typer (see cli.main) do not import it for this.
    """
    sys.stderr.write(f"cyd: {message}\n")
    raise SystemExit(code)


def print_json(data: Any) -> None:
    sys.stdout.write(json.dumps(data, indent=2, ensure_ascii=False, default=str) + "\n")


def console(stderr: bool = False) -> Console:
    from rich.console import Console

    return Console(stderr=stderr, highlight=False)
