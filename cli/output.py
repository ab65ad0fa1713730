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


# What people write reaches a terminal only as text: a control character (an escape
# sequence can clear the screen or retitle the window) or a bidirectional override
# (it can reverse what follows on screen) is shown as its escape, e.g. `\x1b`, `\u202e`.
# Newlines and tabs stay: a note may have several lines.
_KEEP = {"\n", "\t"}
_BIDI = {0x061C, 0x200E, 0x200F, *range(0x202A, 0x202F), *range(0x2066, 0x206A)}


def _shown(char: str) -> str:
    code = ord(char)
    if char in _KEEP:
        return char
    if code < 0x20 or 0x7F <= code <= 0x9F:
        return f"\\x{code:02x}"
    if code in _BIDI:
        return f"\\u{code:04x}"
    return char


def visible(text: str) -> str:
    """`text` with its control and bidirectional-override characters made visible."""
    if text.isprintable():  # the common case, in one C call
        return text
    return "".join(_shown(char) for char in text)


def safe(text: str) -> str:
    """`text` for rich's console: characters made visible, and rich's markup escaped
    (a title "[bold]" is printed as written)."""
    from rich.markup import escape

    return escape(visible(text))


def fail(message: str, code: int = 1) -> NoReturn:
    """A user's mistake: one line on stderr, a non-zero exit, no traceback.

    SystemExit, not typer.Exit: the Typer app lets it through to the same exit, and
    the commands that run without Typer (see cli.main) do not import it for this.
    """
    sys.stderr.write(f"cyd: {visible(message)}\n")
    raise SystemExit(code)


def print_json(data: Any) -> None:
    sys.stdout.write(json.dumps(data, indent=2, ensure_ascii=False, default=str) + "\n")


def console(stderr: bool = False) -> Console:
    from rich.console import Console

    return Console(stderr=stderr, highlight=False)
