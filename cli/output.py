"""Output helpers shared by commands: one clear error line, JSON, and a console."""

from __future__ import annotations

import json
import os
import re
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


# --- a light printer for the action commands ------------------------------------------------
# An answer, a vote or a review prints a line or a few; importing rich's console for them
# cost about 50 ms of a command that is otherwise ~600 ms. This writes rich's two styles
# the action commands use ([bold], [dim]) as the terminal's own, and plain text elsewhere
# (a pipe, a file, NO_COLOR, TERM=dumb), without wrapping: the terminal wraps.

_MARK = re.compile(r"\\(.)|\[(/?)(bold|dim)\]", re.DOTALL)
_STYLE = {"bold": "\x1b[1m", "dim": "\x1b[2m"}
_RESET = "\x1b[0m"


def mark(text: str) -> str:
    """`text` for `Lines.print`: made visible, and its brackets and backslashes escaped
    (a title "[bold]" is printed as written)."""
    return visible(text).replace("\\", "\\\\").replace("[", "\\[")


class Lines:
    """Prints lines with [bold] and [dim] marks, styled only where a terminal shows it."""

    def __init__(self, stream: Any = None) -> None:
        self.stream = stream if stream is not None else sys.stdout
        isatty = getattr(self.stream, "isatty", None)
        self.styled = bool(
            isatty is not None
            and isatty()
            and "NO_COLOR" not in os.environ
            and os.environ.get("TERM") != "dumb"
        )

    def render(self, marked: str) -> str:
        open_styles: list[str] = []

        def one(match: re.Match[str]) -> str:
            literal, closing, style = match.groups()
            if literal is not None:
                return literal
            if not self.styled:
                return ""
            if closing:
                if style in open_styles:
                    open_styles.remove(style)
                return _RESET + "".join(_STYLE[s] for s in open_styles)
            open_styles.append(style)
            return _STYLE[style]

        line = _MARK.sub(one, marked)
        return line + _RESET if self.styled and open_styles else line

    def print(self, marked: str) -> None:
        self.stream.write(self.render(marked) + "\n")
